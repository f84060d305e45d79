"""Statements of ``op.get_bind()`` prepared once per transaction (``src/db/prepared.rs``).

A data migration runs the same few statements thousands of times: each distinct
statement is prepared the first time its transaction runs it and executed by name after
that (one round trip each). What is prepared never outlives its transaction, nor a
schema change inside it. The migrations run with real alembic too, on a database of
their own: both must leave the same rows and read the same values.
PostgreSQL at 127.0.0.1:5432, MariaDB at 127.0.0.1:3306.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_get_bind import both, dump, run, write_project

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import runtime_projects as rp
from latency_proxy import LatencyProxy


@pytest.fixture(params=["postgresql", "sqlite", "mariadb"])
def backend(request: pytest.FixtureRequest, make_db: Any) -> tuple[str, Callable[[], str]]:
    """(name, new_url): new_url() makes an empty database and gives its URL."""
    dialect = "mysql" if request.param == "mariadb" else request.param
    return request.param, lambda: make_db(dialect).url


CREATE_ITEMS = """
op.create_table(
    "items",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(20)),
    sa.Column("day", sa.Date),
    sa.Column("amount", sa.Numeric(10, 2)),
)
op.bulk_insert(
    sa.table("items", sa.column("id", sa.Integer)), [{"id": i} for i in range(1, 31)]
)
"""

# one statement run per row with values of changing types: NULL, then a string, for a
# VARCHAR; a string, then a date, for a DATE; a string, then a float, for a NUMERIC
FILL_ITEMS = """
bind = op.get_bind()
update = sa.text("UPDATE items SET name = :name, day = :day, amount = :amount WHERE id = :id")
for i in range(1, 31):
    bind.execute(update, {
        "id": i,
        "name": None if i % 4 == 0 else f"item {i}",
        "day": f"2024-02-{i:02d}" if i % 2 else datetime.date(2024, 3, i),
        "amount": str(i * 1.5) if i % 3 else i / 4,
    })
rows = bind.execute(sa.text("SELECT id, name, day, amount FROM items ORDER BY id")).all()
record("{key}", [[_norm(v) for v in r] for r in rows])
"""

# a schema change between two runs of one statement, in one transaction: by an op,
# then through the bind itself
SCHEMA_CHANGES = """
bind = op.get_bind()
select = sa.text("SELECT * FROM items WHERE id <= :n ORDER BY id")
seen = [list(bind.execute(select, {"n": 2}).keys())]
op.add_column("items", sa.Column("extra", sa.Integer, server_default="7"))
seen.append(list(bind.execute(select, {"n": 2}).keys()))
bind.execute(sa.text("ALTER TABLE items ADD COLUMN more VARCHAR(5) DEFAULT 'm'"))
result = bind.execute(select, {"n": 2})
seen.append(list(result.keys()))
seen.append([[_norm(v) for v in r] for r in result])
op.drop_column("items", "name")
seen.append(list(bind.execute(select, {"n": 2}).keys()))
record("schema", seen)
"""


def test_data_migration_rows_same_as_alembic(backend, tmp_path: Path) -> None:
    """Statements reused within and across transactions, values of changing types, and
    schema changes between runs of one statement: the same rows as alembic's."""
    _, new_url = backend
    theirs, ours, rec_theirs, rec_ours = both(
        tmp_path,
        new_url,
        [
            CREATE_ITEMS,
            FILL_ITEMS.replace("{key}", "first"),
            # the same statements in the next transaction (transaction_per_migration)
            FILL_ITEMS.replace("{key}", "again"),
            SCHEMA_CHANGES,
        ],
        tpm=True,
    )
    assert rec_ours == rec_theirs
    assert ours == theirs
    assert len(rec_ours["again"]) == 30
    assert rec_ours["schema"][2][-2:] == ["extra", "more"]


# what the migration records of the statements prepared on its connection
PREPARED_PROBE = """
native = op.get_bind().connection.dbapi_connection.native
bind = op.get_bind()


def server_side():
    # statements this session holds prepared, as the server counts them
    if bind.dialect.name == "postgresql":
        return bind.execute(sa.text(
            "SELECT statement FROM pg_prepared_statements "
            "WHERE statement NOT LIKE '%pg_prepared_statements%' ORDER BY statement"
        )).scalars().all()
    if bind.dialect.name in ("mysql", "mariadb"):
        return int(bind.execute(sa.text("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'")).one()[1])
    return None


at_start = server_side()
before = native.statements_prepared
for i in range(1, 51):
    bind.execute(sa.text("UPDATE items SET name = :name WHERE id = :id"), {"id": i % 30 + 1, "name": f"n{i}"})
record("{key}", {
    "prepared": native.statements_prepared - before,
    "at_start": at_start,
    "after": server_side(),
})
"""


def test_prepared_once_per_transaction(backend, tmp_path: Path) -> None:
    """Fifty runs of one statement prepare it once; the next transaction prepares it
    again, and finds nothing left prepared by the one before."""
    name, new_url = backend
    root = tmp_path / "ours"
    ini = write_project(
        root,
        new_url(),
        [
            CREATE_ITEMS,
            PREPARED_PROBE.replace("{key}", "first"),
            PREPARED_PROBE.replace("{key}", "next"),
        ],
        tpm=True,
    )
    out = root / "out.json"
    proc = run("ours", ini, out)
    assert proc.returncode == 0, proc.stderr
    recorded = json.loads(out.read_text())
    for key in ("first", "next"):
        probe = recorded[key]
        # the UPDATE, once (the probe's own query was prepared before counting)
        assert probe["prepared"] == 1, probe
        if name == "postgresql":
            if key == "next":
                # the previous transaction's statements were closed with it (in the
                # first, SQLAlchemy's own first queries were prepared just before)
                assert probe["at_start"] == [], probe
            updates = [s for s in probe["after"] if s.startswith("UPDATE items")]
            assert len(updates) == 1, probe
        elif name == "mariadb":
            # the server's own count: one prepare for fifty runs
            assert probe["after"] - probe["at_start"] == 1, probe


def test_a_failing_prepared_statement_names_itself_and_rolls_back(backend, tmp_path: Path) -> None:
    """The third run of a prepared INSERT breaks a key: the migration fails naming the
    statement and its revision, and its transaction rolls back, as with alembic."""
    _, new_url = backend
    results = {}
    for tool in ("alembic", "ours"):
        url = new_url()
        root = tmp_path / tool
        ini = write_project(
            root,
            url,
            [
                CREATE_ITEMS,
                """
                bind = op.get_bind()
                insert = sa.text("INSERT INTO items (id, name) VALUES (:id, :name)")
                for i in (101, 102, 5, 103):
                    bind.execute(insert, {"id": i, "name": "new"})
                """,
            ],
        )
        proc = run(tool, ini, root / "out.json")
        results[tool] = (proc, dump(url))
    (theirs, their_rows), (ours, our_rows) = results["alembic"], results["ours"]
    assert theirs.returncode != 0 and ours.returncode != 0
    assert our_rows == their_rows
    message = ours.stdout + ours.stderr
    assert "FAILED: " in message and "INSERT INTO items (id, name) VALUES" in message, message
    assert "r2" in message, message
    # the failing revision's rows are rolled back, the ones before it kept
    assert "'new'" not in str(our_rows.get("items")), our_rows


SEED_PATTERN = """
connection = op.get_bind()
batch_size = 100
offset = 0
while True:
    result = connection.execute(
        sa.text(f"SELECT id FROM items ORDER BY id LIMIT {batch_size} OFFSET {offset}")
    )
    rows = result.fetchall()
    if not rows:
        break
    for row in rows:
        connection.execute(
            sa.text("UPDATE items SET name = 'active' WHERE id = :id"), {"id": row[0]}
        )
    offset += batch_size
"""


def test_one_round_trip_per_statement(make_db: Any, tmp_path: Path) -> None:
    """The seed's batch pattern on PostgreSQL, through a proxy that counts round trips:
    200 more rows (200 more UPDATEs, two more SELECTs) cost about 200 more round trips
    (each statement took three before), and the whole run about as many as alembic's."""

    def round_trips(tool: str, rows: int) -> int:
        create = (
            'op.create_table("items", sa.Column("id", sa.Integer, primary_key=True),'
            ' sa.Column("name", sa.String(20)))\n'
            'op.bulk_insert(sa.table("items", sa.column("id", sa.Integer)),'
            f' [{{"id": i}} for i in range({rows})])\n'
        )
        db = make_db("postgresql")
        root = tmp_path / f"{tool}-{rows}"
        ini = write_project(root, rp.pg_url(db.name, port=proxy.port), [create, SEED_PATTERN])
        proxy.reset()
        proc = run(tool, ini, root / "out.json")
        assert proc.returncode == 0, proc.stderr
        return proxy.stats().turns

    with LatencyProxy(rp.PG_HOST, rp.PG_PORT, delay=0) as proxy:
        ours = {rows: round_trips("ours", rows) for rows in (100, 300)}
        theirs = round_trips("alembic", 300)
    per_row = (ours[300] - ours[100]) / 200
    assert per_row <= 1.05, (ours, theirs)
    # a few more for the SELECTs (prepared, then run) and SQLAlchemy's first queries
    assert ours[300] <= theirs + 30, (ours, theirs)
