"""``op.get_bind()`` on the native executor: a SQLAlchemy connection inside the
migration's own transaction (``runtime/dbapi.py``, ``runtime/sa_dialects.py``).

Each scenario is a real project run by the ``alembic-rs`` CLI and, on a database of its
own, by real alembic (psycopg, pysqlite, PyMySQL): the migrations write what they read
through ``op.get_bind()`` to a file, and the two runs must leave the same database state
and read the same values. PostgreSQL at 127.0.0.1:5432 and MariaDB at 127.0.0.1:3306.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

BIN = Path(sys.executable).parent
ENV_PY = """
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
engine = engine_from_config(
    config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        transaction_per_migration=config.get_main_option("tpm") == "true",
    )
    with context.begin_transaction():
        context.run_migrations()
"""

HEADER = '''
import datetime, decimal, json, os, uuid
from alembic import op
import sqlalchemy as sa
from sqlalchemy import orm

revision = {rev!r}
down_revision = {down!r}


def _norm(v):
    """A value as JSON: its type's name and a comparable form."""
    if isinstance(v, datetime.datetime) and v.tzinfo is not None:
        return ["datetime+tz", v.astimezone(datetime.timezone.utc).isoformat()]
    if isinstance(v, (datetime.date, datetime.time, datetime.timedelta, decimal.Decimal, uuid.UUID)):
        return [type(v).__name__, str(v)]
    if isinstance(v, bytes):
        return ["bytes", v.hex()]
    if isinstance(v, (list, tuple)):
        return ["list", [_norm(i) for i in v]]
    return [type(v).__name__, v]


def record(key, value):
    path = os.environ["GETBIND_OUT"]
    data = json.load(open(path)) if os.path.exists(path) else {{}}
    data[key] = value
    json.dump(data, open(path, "w"), indent=1, default=str)


def downgrade():
    pass
'''


# -- databases -------------------------------------------------------------------------


@pytest.fixture(params=["postgresql", "sqlite", "mariadb"])
def backend(request: pytest.FixtureRequest, make_db: Any) -> tuple[str, Callable[[], str]]:
    """(name, new_url): new_url() makes an empty database and gives its URL."""
    dialect = "mysql" if request.param == "mariadb" else request.param
    return request.param, lambda: make_db(dialect).url


# -- projects ------------------------------------------------------------------------------


def write_project(root: Path, url: str, revisions: list[str], tpm: bool = False) -> Path:
    """A project with the standard sync env.py and `revisions` (bodies of upgrade())."""
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV_PY)
    ini = root / "alembic.ini"
    ini.write_text(
        "[alembic]\n"
        f"script_location = {root}\n"
        f"sqlalchemy.url = {url}\n"
        f"tpm = {'true' if tpm else 'false'}\n"
    )
    down = None
    for n, body in enumerate(revisions, 1):
        rev = f"r{n}"
        code = (
            HEADER.format(rev=rev, down=down)
            + "\n\ndef upgrade():\n"
            + textwrap.indent(textwrap.dedent(body).strip() + "\n", "    ")
        )
        (root / "versions" / f"{rev}.py").write_text(code)
        down = rev
    return ini


def run(tool: str, ini: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GETBIND_OUT=str(out))
    env.pop("ALEMBIC_RS_EXECUTOR", None)
    exe = BIN / ("alembic-rs" if tool == "ours" else "alembic")
    return subprocess.run(
        [str(exe), "-c", str(ini), *(args or ("upgrade", "head"))],
        env=env,
        capture_output=True,
        text=True,
        cwd=ini.parent,
        check=False,
    )


def dump(url: str) -> dict[str, list[list[object]]]:
    """Every table's rows, sorted, as comparable text."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(sa.inspect(conn).get_table_names())
            state = {}
            for t in tables:
                rows = conn.execute(sa.text(f"SELECT * FROM {t}")).fetchall()
                state[t] = sorted([[repr(v) for v in r] for r in rows])
            return state
    finally:
        engine.dispose()


def both(
    tmp_path: Path, new_url: Callable[[], str], revisions: list[str], tpm: bool = False
) -> tuple[dict, dict, dict, dict]:
    """Run `revisions` with alembic and alembic-rs on two fresh databases.

    Returns (alembic's state, ours, what alembic's migrations recorded, ours).
    """
    results = []
    for tool in ("alembic", "ours"):
        url = new_url()
        root = tmp_path / tool
        ini = write_project(root, url, revisions, tpm)
        out = root / "out.json"
        proc = run(tool, ini, out)
        recorded = json.loads(out.read_text()) if out.exists() else {}
        recorded["returncode"] = proc.returncode
        if proc.returncode != 0:
            recorded["stderr_tail"] = proc.stderr.strip().splitlines()[-1:]
        results.append((dump(url), recorded, proc))
    (theirs, rec_theirs, p1), (ours, rec_ours, p2) = results
    assert p1.returncode == 0, p1.stderr
    assert p2.returncode == 0, p2.stderr
    return theirs, ours, rec_theirs, rec_ours


# -- scenarios ---------------------------------------------------------------------------


def test_bind_sees_the_table_created_in_the_same_migration(backend, tmp_path: Path) -> None:
    _, new_url = backend
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            """
            op.create_table(
                "items",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50), nullable=False),
            )
            bind = op.get_bind()
            record("module", type(bind.connection.dbapi_connection).__module__)
            bind.execute(sa.text("INSERT INTO items (id, name) VALUES (:id, :name)"),
                         [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}])
            items = sa.table("items", sa.column("id", sa.Integer), sa.column("name", sa.String))
            bind.execute(items.insert().values(id=3, name="three"))
            bind.execute(items.update().where(items.c.id == 2).values(name="TWO"))
            record("all", [list(r) for r in bind.execute(sa.text("SELECT id, name FROM items ORDER BY id")).fetchall()])
            record("one", list(bind.execute(sa.text("SELECT name FROM items WHERE id = :id"), {"id": 3}).fetchone()))
            record("scalar", bind.execute(sa.text("SELECT count(*) FROM items")).scalar())
            record("mappings", [dict(m) for m in bind.execute(sa.select(items).order_by(items.c.id)).mappings()])
            record("none", bind.execute(sa.text("SELECT id FROM items WHERE id > 100")).fetchall())
            record("percent", bind.execute(sa.text("SELECT name FROM items WHERE name LIKE 't%'")).scalars().all())
            """
        ],
    )
    assert rec_ours.pop("module") == "alembic_rs.runtime.dbapi"
    rec_theirs.pop("module")
    assert rec_ours == rec_theirs
    assert ours == theirs
    assert rec_ours["all"] == [[1, "one"], [2, "TWO"], [3, "three"]]
    assert rec_ours["scalar"] == 3
    assert rec_ours["none"] == []


def test_the_seeds_batch_example(backend, tmp_path: Path) -> None:
    _, new_url = backend
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            """
            op.create_table(
                "users",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("status", sa.String(20), nullable=True),
            )
            op.bulk_insert(sa.table("users", sa.column("id", sa.Integer)), [{"id": i} for i in range(1, 26)])
            """,
            """
            connection = op.get_bind()
            batch_size = 10
            offset = 0
            batches = 0
            while True:
                result = connection.execute(
                    sa.text(f"SELECT id FROM users ORDER BY id LIMIT {batch_size} OFFSET {offset}")
                )
                rows = result.fetchall()
                if not rows:
                    break
                batches += 1
                for row in rows:
                    connection.execute(
                        sa.text("UPDATE users SET status = 'active' WHERE id = :id"),
                        {"id": row[0]},
                    )
                offset += batch_size
            record("batches", batches)
            """,
        ],
    )
    assert rec_ours == rec_theirs == {"batches": 3, "returncode": 0}
    assert ours == theirs
    assert {r[1] for r in ours["users"]} == {"'active'"}


def test_an_orm_session_on_the_bind(backend, tmp_path: Path) -> None:
    _, new_url = backend
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            """
            op.create_table(
                "people",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("name", sa.String(50)),
            )

            class Base(orm.DeclarativeBase):
                pass

            class Person(Base):
                __tablename__ = "people"
                id = sa.Column(sa.Integer, primary_key=True)
                name = sa.Column(sa.String(50))

            session = orm.Session(bind=op.get_bind())
            session.add_all([Person(name="ada"), Person(name="bob")])
            session.flush()
            record("ids", sorted(p.id for p in session.query(Person)))
            session.add(Person(name="cy"))
            session.commit()
            record("names", [p.name for p in session.query(Person).order_by(Person.name)])
            session.close()
            op.add_column("people", sa.Column("age", sa.Integer))
            """
        ],
    )
    assert rec_ours == rec_theirs
    assert rec_ours["names"] == ["ada", "bob", "cy"]
    assert ours == theirs


def test_inspect_sees_a_column_added_in_the_same_migration(backend, tmp_path: Path) -> None:
    _, new_url = backend
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            """
            op.create_table("docs", sa.Column("id", sa.Integer, primary_key=True))
            op.add_column("docs", sa.Column("title", sa.String(80), nullable=True))
            insp = sa.inspect(op.get_bind())
            record("tables", sorted(insp.get_table_names()))
            record("columns", [(c["name"], c["nullable"]) for c in insp.get_columns("docs")])
            record("pk", insp.get_pk_constraint("docs")["constrained_columns"])
            record("has", [insp.has_table("docs"), insp.has_table("nope")])
            """
        ],
    )
    assert rec_ours == rec_theirs
    assert [c[0] for c in rec_ours["columns"]] == ["id", "title"]
    assert ours == theirs


def test_inspect_reads_every_kind_of_object(backend, tmp_path: Path) -> None:
    """Indexes, keys and checks through ``op.get_bind()``: the catalog queries that return
    int2vector / oidvector / "char" columns and repeat a bound parameter."""
    _, new_url = backend
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            """
            op.create_table("owner", sa.Column("id", sa.Integer, primary_key=True))
            op.create_table(
                "pet",
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("owner_id", sa.Integer, sa.ForeignKey("owner.id", name="fk_pet_owner")),
                sa.Column("name", sa.String(40), nullable=False),
                sa.Column("age", sa.Integer),
                sa.UniqueConstraint("owner_id", "name", name="uq_pet_owner_name"),
                sa.CheckConstraint("age >= 0", name="ck_pet_age"),
            )
            op.create_index("ix_pet_name_age", "pet", ["name", "age"])
            insp = sa.inspect(op.get_bind())
            record("indexes", sorted(
                (i["name"], list(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes("pet")
            ))
            record("fks", [
                (f["name"], f["constrained_columns"], f["referred_table"], f["referred_columns"])
                for f in insp.get_foreign_keys("pet")
            ])
            record("uniques", sorted(
                (u["name"], sorted(u["column_names"])) for u in insp.get_unique_constraints("pet")
            ))
            record("checks", sorted(c["name"] for c in insp.get_check_constraints("pet")))
            record("computed", [
                c["name"] for c in insp.get_columns("pet") if c.get("computed")
            ])
            """
        ],
    )
    assert rec_ours == rec_theirs
    assert ["ix_pet_name_age", ["name", "age"], False] in rec_ours["indexes"]
    assert rec_ours["computed"] == []
    assert ours == theirs


TYPES = {
    "postgresql": (
        """
        op.execute(
            "CREATE TABLE t (i INTEGER, b BIGINT, f DOUBLE PRECISION, n NUMERIC(12, 4),"
            " s TEXT, v VARCHAR(20), by BYTEA, bo BOOLEAN, nu INTEGER, ts TIMESTAMP,"
            " tz TIMESTAMPTZ, d DATE, ti TIME, iv INTERVAL, u UUID, j JSON, jb JSONB,"
            " ai INTEGER[], at TEXT[])"
        )
        """,
        {
            "i": 7,
            "b": 2**40,
            "f": 1.5,
            "n": "decimal.Decimal('12.3400')",
            "s": "'text é'",
            "v": "'v'",
            "by": "b'\\x00\\xff'",
            "bo": True,
            "nu": None,
            "ts": "datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)",
            "tz": "datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))",
            "d": "datetime.date(1999, 12, 31)",
            "ti": "datetime.time(23, 59, 58, 1)",
            "iv": "datetime.timedelta(days=3, seconds=7, microseconds=5)",
            "u": "uuid.UUID('12345678-1234-5678-1234-567812345678')",
            "j": "json.dumps({'a': [1, 2, None]})",
            "jb": "json.dumps({'k': 'v', 'n': 1.5})",
            "ai": [1, 2, 3],
            "at": ["x", "y"],
        },
    ),
    "sqlite": (
        """
        op.execute(
            "CREATE TABLE t (i INTEGER, f REAL, s TEXT, by BLOB, bo BOOLEAN, nu INTEGER,"
            " ts DATETIME, d DATE)"
        )
        """,
        {
            "i": 7,
            "f": 1.5,
            "s": "'text é'",
            "by": "b'\\x00\\xff'",
            "bo": True,
            "nu": None,
            "ts": "datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)",
            "d": "datetime.date(1999, 12, 31)",
        },
    ),
    "mariadb": (
        """
        op.execute(
            "CREATE TABLE t (i INTEGER, b BIGINT, f DOUBLE, n DECIMAL(12, 4), s TEXT,"
            " v VARCHAR(20), `by` BLOB, bo BOOL, nu INTEGER, ts DATETIME(6), d DATE,"
            " ti TIME(6), j JSON)"
        )
        """,
        {
            "i": 7,
            "b": 2**40,
            "f": 1.5,
            "n": "decimal.Decimal('12.3400')",
            "s": "'text é'",
            "v": "'v'",
            "by": "b'\\x00\\xff'",
            "bo": True,
            "nu": None,
            "ts": "datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)",
            "d": "datetime.date(1999, 12, 31)",
            "ti": "datetime.timedelta(hours=23, minutes=59, seconds=58, microseconds=1)",
            "j": "json.dumps({'a': [1, 2, None]})",
        },
    ),
}


def test_every_type_round_trips_as_the_real_drivers_give_it(backend, tmp_path: Path) -> None:
    name, new_url = backend
    create, values = TYPES[name]
    cols = list(values)
    quoted = ", ".join(f"`{c}`" if name == "mariadb" else c for c in cols)
    params = ", ".join(f":{c}" for c in cols)
    literal = (
        "{"
        + ", ".join(
            f"{c!r}: {values[c]!r}" if not isinstance(values[c], str) else f"{c!r}: {values[c]}"
            for c in cols
        )
        + "}"
    )
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            textwrap.dedent(create)
            + textwrap.dedent(f"""
            bind = op.get_bind()
            bind.execute(sa.text("INSERT INTO t ({quoted}) VALUES ({params})"), {literal})
            row = bind.execute(sa.text("SELECT {quoted} FROM t")).fetchone()
            record("row", {{k: _norm(v) for k, v in zip({cols!r}, row)}})
            record("where", bind.execute(sa.text("SELECT count(*) FROM t WHERE i = :i AND s = :s"),
                                         {{"i": 7, "s": "text é"}}).scalar())
            """)
        ],
    )
    assert rec_ours["row"] == rec_theirs["row"], json.dumps(
        {
            k: (rec_theirs["row"].get(k), rec_ours["row"].get(k))
            for k in cols
            if rec_theirs["row"].get(k) != rec_ours["row"].get(k)
        },
        indent=1,
    )
    assert rec_ours == rec_theirs
    assert ours == theirs


COMMIT_MIGRATIONS = [
    """
    op.create_table("log", sa.Column("id", sa.Integer, primary_key=True), sa.Column("step", sa.String(20)))
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO log (id, step) VALUES (1, 'before commit')"))
    bind.commit()
    bind.execute(sa.text("INSERT INTO log (id, step) VALUES (2, 'after commit')"))
    op.create_table("made_after_commit", sa.Column("id", sa.Integer, primary_key=True))
    """,
    """
    op.get_bind().execute(sa.text("INSERT INTO log (id, step) VALUES (3, 'next migration')"))
    """,
]


@pytest.mark.parametrize("tpm", [False, True], ids=["one-transaction", "transaction-per-migration"])
@pytest.mark.parametrize("last", [False, True], ids=["commit-then-more", "commit-in-last"])
def test_bind_commit_leaves_the_state_alembic_leaves(
    backend, tmp_path: Path, tpm: bool, last: bool
) -> None:
    _, new_url = backend
    revisions = COMMIT_MIGRATIONS[:1] if last else COMMIT_MIGRATIONS
    theirs, ours, _, _ = both(tmp_path, new_url, revisions, tpm=tpm)
    assert ours == theirs
    # whatever else, what was committed through the bind stays
    assert ["1", "'before commit'"] in ours["log"]
