"""Native schema reflection (`_native.reflect`) against SQLAlchemy's Inspector.

On each backend a schema with real-world variety is created, reflected by us and by
``sa.inspect(engine).get_multi_*`` (and PostgreSQL's ``get_enums``), and compared field by
field. Our model is turned into the Inspector's shapes first; these normalisations are
representational only:

- a column type is compared as ``repr()`` of the SQLAlchemy type built from our
  ``type`` fields by ``sa_type()`` below (the Inspector gives type objects, we give the
  database's spelling taken apart);
- our flat foreign key fields (``ondelete``, ``onupdate``, ``deferrable``, ``initially``,
  ``match``) become the Inspector's ``options`` dict;
- our index fields (``include``, ``method``, ``where``, ``opclasses``, ``with``,
  ``nulls_not_distinct``, ``valid``, ``sorting``, ``lengths``) become its
  ``dialect_options`` / ``column_sorting`` with the dialect's prefix (``postgresql_using``
  ...), present exactly where the Inspector puts them;
- absent constraints are the Inspector's defaults (``{"name": None,
  "constrained_columns": []}`` for no primary key, ``{"text": None}`` for no comment);
- a PostgreSQL domain column's type is built as the Inspector builds it: the domain's
  base type by name only (the Inspector cuts ``varchar(20)`` at the parenthesis and so
  loses the length, which our ``domains`` keep), with the domain's collation;
- fields the Inspector does not report are not compared: ``owned_sequence``,
  ``collation``, ``on_update``, an index's ``comment``, ``user_type``, the raw ``spelled``
  type.

The query count is checked to be the same for 3 tables and for 300, and the time of both
on 300 tables is printed (not asserted).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_types
from sqlalchemy.dialects import sqlite as sqlite_types

from alembic_rs import _native

KINDS = ("columns", "pk", "fks", "indexes", "uniques", "checks", "comment")


# -- our model in the Inspector's shapes -------------------------------------------------


# PostgreSQL domains of the reflection at hand, by (schema, name), for sa_type()
DOMAINS: dict[tuple[str, str], dict[str, Any]] = {}


def sa_type(dialect: str, column: dict[str, Any]) -> Any:
    """The SQLAlchemy type a column's type fields stand for, as the dialect's reflection
    builds it."""
    t = column["type"]
    if dialect == "postgresql":
        result = _pg_type(t)
        if column["collation"] is not None:
            inner = result.item_type if isinstance(result, pg_types.ARRAY) else result
            inner.collation = column["collation"]
        return result
    if dialect == "mysql":
        return _mysql_type(t, column["collation"])
    return _sqlite_type(t)


def _bare_pg_type(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "args": [],
        "length": None,
        "precision": None,
        "scale": None,
        "timezone": None,
        "fields": None,
        "array_dims": 0,
        "user_type": None,
        "enum_labels": None,
    }


def _pg_type(t: dict[str, Any]) -> Any:
    name, args = t["name"], t["args"]
    user = t["user_type"]
    if user is not None and user["kind"] == "domain":
        d = DOMAINS[(user["schema"], user["name"])]
        kw = {
            "collation": d["collation"],
            "default": d["default"],
            "not_null": not d["nullable"],
            "create_type": False,
        }
        if d["checks"]:
            kw["constraint_name"] = d["checks"][0]["name"]
            kw["check"] = d["checks"][0]["sqltext"]
        if not user["visible"]:
            kw["schema"] = user["schema"]
        # the Inspector keeps the base type's name only (cut at the parenthesis: its
        # length is lost), with the domain's collation
        base = _pg_type(_bare_pg_type(d["type"]["spelled"].split("(")[0].strip()))
        if d["collation"] is not None:
            base.collation = d["collation"]
        result: Any = pg_types.DOMAIN(user["name"], base, **kw)
    elif user is not None and user["kind"] == "enum":
        kw = {"name": user["name"]}
        if not user["visible"]:
            kw["schema"] = user["schema"]
        result = pg_types.ENUM(*t["enum_labels"], **kw)
    else:
        cls = pg_types.base.ischema_names[name]
        if name in ("numeric", "decimal"):
            result = cls(t["precision"], t["scale"]) if t["precision"] is not None else cls()
        elif name == "double precision":
            result = cls(53)
        elif t["timezone"] is not None:
            result = cls(timezone=t["timezone"], precision=t["precision"])
        elif name == "interval":
            result = cls(fields=t["fields"], precision=t["precision"])
        elif name == "bit varying":
            result = cls(t["length"], varying=True) if t["length"] else cls(varying=True)
        elif name == "integer":
            result = cls()
        elif t["length"] is not None:
            result = cls(t["length"], *args[1:])
        else:
            result = cls(*args)
    for _ in range(min(t["array_dims"], 1)):
        result = pg_types.ARRAY(result)
    return result


def _sqlite_type(t: dict[str, Any]) -> Any:
    names = sqlite_types.base.ischema_names
    name = t["name"]
    if name in names:
        cls = names[name]
    elif "INT" in name:
        cls = sa.INTEGER
    elif "CHAR" in name or "CLOB" in name or "TEXT" in name:
        cls = sa.TEXT
    elif "BLOB" in name or not name:
        cls = sa.types.NullType
    elif "REAL" in name or "FLOA" in name or "DOUB" in name:
        cls = sa.REAL
    else:
        cls = sa.NUMERIC
    ints = [int(a) for a in re.findall(r"\d+", ",".join(t["args"]))]
    return cls(*ints)


def _mysql_type(t: dict[str, Any], collation: str | None) -> Any:
    from sqlalchemy.dialects.mysql.base import ischema_names

    name = t["name"]
    cls = ischema_names[name]
    kw: dict[str, Any] = {}
    if t["unsigned"]:
        kw["unsigned"] = True
    if t["zerofill"]:
        kw["zerofill"] = True
    if t["charset"] is not None:
        kw["charset"] = t["charset"]
    if collation is not None:
        kw["collation"] = collation
    if name in ("enum", "set"):
        return cls(*t["enum_labels"], **kw)
    if name in ("datetime", "timestamp", "time"):
        return cls(fsp=t["precision"]) if t["precision"] else cls()
    if name in ("decimal", "numeric", "float", "double", "real"):
        if t["precision"] is not None:
            return cls(t["precision"], t["scale"], **kw)
        return cls(**kw)
    if t["length"] is not None:
        return cls(t["length"], **kw)
    return cls(**kw)


def _mysql_integer(t: dict[str, Any]) -> bool:
    return t["name"] in ("tinyint", "smallint", "mediumint", "int", "integer", "bigint")


def our_view(dialect: str, table: dict[str, Any]) -> dict[str, Any]:
    """One reflected table in the shapes of the Inspector's ``get_multi_*``."""
    pg = dialect == "postgresql"
    columns = []
    for c in table["columns"]:
        col = {
            "name": c["name"],
            "type": repr(sa_type(dialect, c)),
            "nullable": c["nullable"],
            "default": c["default"],
        }
        if dialect != "sqlite":  # SQLite's Inspector gives neither
            col["autoincrement"] = c["autoincrement"]
            col["comment"] = c["comment"]
        if c["computed"] is not None:
            col["computed"] = dict(c["computed"])
        if dialect == "mysql":
            if not (c["autoincrement"] or _mysql_integer(c["type"])):
                del col["autoincrement"]  # given for integers only
            if c["on_update"] is not None:
                col["default"] = f"{c['default']} ON UPDATE {c['on_update']}"
            if c["computed"] is not None:
                col["computed"]["sqltext"] = f"({c['computed']['sqltext']})"
        if c["identity"] is not None:
            col["identity"] = dict(c["identity"])
        columns.append(col)

    pk_ = table["primary_key"]
    pk: dict[str, Any] = {"name": None, "constrained_columns": []}
    if pk_ is not None:
        pk = {"name": pk_["name"], "constrained_columns": pk_["constrained_columns"]}
        if pg:
            pk["comment"] = pk_["comment"]
            pk["dialect_options"] = {"postgresql_include": pk_["include"]}

    fks = []
    for f in table["foreign_keys"]:
        options = {
            k: f[k]
            for k in ("onupdate", "ondelete", "initially", "deferrable", "match")
            if f[k] is not None
        }
        fk = {
            "name": f["name"],
            "constrained_columns": f["constrained_columns"],
            "referred_schema": f["referred_schema"],
            "referred_table": f["referred_table"],
            "referred_columns": f["referred_columns"],
            "options": options,
        }
        if pg:
            fk["comment"] = f["comment"]
        fks.append(fk)

    indexes = []
    for i in table["indexes"]:
        idx: dict[str, Any] = {
            "name": i["name"],
            "unique": i["unique"],
            "column_names": i["column_names"],
        }
        if i["expressions"] is not None:
            idx["expressions"] = i["expressions"]
        if i["sorting"] and dialect == "postgresql":  # reflected there only
            idx["column_sorting"] = {k: tuple(v) for k, v in i["sorting"].items()}
        if i["duplicates_constraint"] is not None:
            idx["duplicates_constraint"] = i["duplicates_constraint"]
        do: dict[str, Any] = {}
        if pg:
            if i["opclasses"]:
                do["postgresql_ops"] = i["opclasses"]
            if i["with"]:
                do["postgresql_with"] = i["with"]
            if i["method"] is not None:
                do["postgresql_using"] = i["method"]
            if i["where"] is not None:
                do["postgresql_where"] = i["where"]
            do["postgresql_include"] = i["include"]
            if i["nulls_not_distinct"]:
                do["postgresql_nulls_not_distinct"] = True
            if not i["valid"]:
                do["postgresql_invalid"] = True
        elif dialect == "sqlite":
            if i["where"] is not None:
                do["sqlite_where"] = i["where"]
        else:
            prefix = dialect
            if i["method"] in ("FULLTEXT", "SPATIAL"):
                do[f"{prefix}_prefix"] = i["method"]
            if i["lengths"]:
                do[f"{prefix}_length"] = i["lengths"]
        if do or dialect == "sqlite":
            idx["dialect_options"] = do
        indexes.append(idx)

    uniques = []
    for u in table["unique_constraints"]:
        uq: dict[str, Any] = {"name": u["name"], "column_names": u["column_names"]}
        if dialect == "mysql":
            uq["duplicates_index"] = u["name"]
        if pg:
            uq["comment"] = u["comment"]
            uq["dialect_options"] = {
                "postgresql_include": u["include"],
                "postgresql_nulls_not_distinct": u["nulls_not_distinct"],
            }
        uniques.append(uq)

    checks = []
    for c in table["check_constraints"]:
        ck: dict[str, Any] = {"name": c["name"], "sqltext": c["sqltext"]}
        if pg:
            ck["comment"] = c["comment"]
            do = {}
            if c["not_valid"]:
                do["not_valid"] = True
            if c["no_inherit"]:
                do["no_inherit"] = True
            if do:
                ck["dialect_options"] = do
        checks.append(ck)

    return {
        "columns": columns,
        "pk": pk,
        "fks": fks,
        "indexes": indexes,
        "uniques": uniques,
        "checks": checks,
        "comment": {"text": table["comment"]},
    }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, sa.sql.ClauseElement) else value


def inspector_view(
    engine: sa.Engine, schema: str | None, exclude: set[str]
) -> dict[str, dict[str, Any]]:
    """The Inspector's ``get_multi_*`` of one schema, by table name, types as their repr."""
    insp = sa.inspect(engine)
    kw: dict[str, Any] = {"schema": schema}
    multi = {
        "columns": insp.get_multi_columns(**kw),
        "pk": insp.get_multi_pk_constraint(**kw),
        "fks": insp.get_multi_foreign_keys(**kw),
        "indexes": insp.get_multi_indexes(**kw),
        "uniques": insp.get_multi_unique_constraints(**kw),
        "checks": insp.get_multi_check_constraints(**kw),
    }
    try:
        multi["comment"] = insp.get_multi_table_comment(**kw)
    except NotImplementedError:  # SQLite keeps no comments
        multi["comment"] = defaultdict(lambda: {"text": None})
    names = set(insp.get_table_names(schema=schema)) - exclude
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        entry = {kind: multi[kind][(schema, name)] for kind in KINDS}
        entry["columns"] = [{**c, "type": repr(c["type"])} for c in entry["columns"] if "name" in c]
        for c in entry["columns"]:
            c.pop("primary_key", None)  # SQLite's pragma position, ours is the pk
        for i in entry["indexes"]:
            if "dialect_options" in i:  # SQLite's sqlite_where is a text() construct
                i["dialect_options"] = {k: _plain(v) for k, v in i["dialect_options"].items()}
        out[name] = entry
    return out


def _by_name(d: dict[str, Any]) -> str:
    return f"{d.get('name')} {d.get('constrained_columns') or d.get('column_names')}"


def compare(
    dialect: str,
    ours: dict[str, Any],
    engine: sa.Engine,
    schemas: list[str | None],
    exclude: set[str],
) -> list[str]:
    """Every difference between our reflection and the Inspector's, one line each."""
    problems = []
    for schema in schemas:
        theirs = inspector_view(engine, schema, exclude)
        DOMAINS.clear()
        DOMAINS.update({(d["schema"], d["name"]): d for d in ours.get("domains", [])})
        mine = {t["name"]: our_view(dialect, t) for t in ours["tables"] if t["schema"] == schema}
        if dialect == "sqlite":
            # SQLAlchemy's SQLite reflection skips expression indexes (with a warning)
            for view in mine.values():
                view["indexes"] = [i for i in view["indexes"] if "expressions" not in i]
        if set(mine) != set(theirs):
            problems.append(f"{schema}: tables {sorted(mine)} != {sorted(theirs)}")
        for name in sorted(set(mine) & set(theirs)):
            for kind in KINDS:
                a, b = mine[name][kind], theirs[name][kind]
                if kind in ("indexes", "uniques", "checks", "fks"):
                    a = sorted(a, key=_by_name)
                    b = sorted(b, key=_by_name)
                if a != b and isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
                    for x, y in zip(a, b, strict=True):
                        if x != y:
                            problems.append(f"{schema}.{name} {kind}:\n  ours   {x}\n  theirs {y}")
                elif a != b:
                    problems.append(f"{schema}.{name} {kind}:\n  ours   {a}\n  theirs {b}")
    return problems


# -- PostgreSQL ---------------------------------------------------------------------------

PG_SCHEMA = """
CREATE SCHEMA other;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE other.status AS ENUM ('new', 'in progress', 'done');
CREATE SEQUENCE mem_seq;
CREATE DOMAIN positive_int AS integer NOT NULL DEFAULT 1 CONSTRAINT positive CHECK (VALUE > 0);
CREATE DOMAIN other.short_text AS varchar(20) COLLATE "C"
  CONSTRAINT short_enough CHECK (length(VALUE) < 20) CONSTRAINT long_enough CHECK (length(VALUE) > 1);
CREATE TABLE users (
  id serial PRIMARY KEY,
  big bigint NOT NULL DEFAULT 0,
  price numeric(10,2),
  name varchar(50) NOT NULL,
  bio text DEFAULT 'x'::text,
  created timestamp without time zone DEFAULT now(),
  created_tz timestamp(3) with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP,
  active boolean DEFAULT true,
  doc json,
  docb jsonb DEFAULT '{}'::jsonb,
  uid uuid,
  tags text[],
  matrix integer[][],
  feeling mood DEFAULT 'ok',
  st other.status,
  during interval day to second(2),
  fixed char(3),
  f4 real,
  f8 double precision,
  small smallint,
  t time(2) with time zone,
  d date,
  bits bit varying(8),
  raw bytea,
  name_lower text GENERATED ALWAYS AS (lower(name)) STORED,
  code varchar(10) COLLATE "C",
  CONSTRAINT uq_users_name UNIQUE (name),
  CONSTRAINT ck_users_big CHECK (big >= 0 AND big < 1000000)
);
COMMENT ON TABLE users IS 'people';
COMMENT ON COLUMN users.name IS 'the name';
CREATE TABLE other.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
  n int GENERATED BY DEFAULT AS IDENTITY,
  owner_id int REFERENCES public.users(id) ON DELETE CASCADE ON UPDATE SET NULL
    DEFERRABLE INITIALLY DEFERRED,
  state other.status NOT NULL DEFAULT 'new',
  ids bigint[] DEFAULT '{}'::bigint[],
  qty positive_int,
  qty_override positive_int DEFAULT 5,
  label other.short_text,
  CONSTRAINT ck_positive CHECK (n > 0) NOT VALID
);
COMMENT ON TABLE other.accounts IS 'it''s accounts';
CREATE TABLE memberships (
  user_id int NOT NULL,
  account_id bigint NOT NULL,
  role text NOT NULL DEFAULT 'member',
  seq bigint DEFAULT nextval('mem_seq'),
  CONSTRAINT pk_memberships PRIMARY KEY (user_id, account_id),
  CONSTRAINT fk_m_user FOREIGN KEY (user_id) REFERENCES users(id) MATCH FULL ON DELETE RESTRICT,
  CONSTRAINT fk_m_acc FOREIGN KEY (account_id) REFERENCES other.accounts(id) DEFERRABLE,
  CONSTRAINT uq_m UNIQUE NULLS NOT DISTINCT (user_id, role) INCLUDE (seq)
);
COMMENT ON CONSTRAINT fk_m_user ON memberships IS 'fk comment';
CREATE TABLE other.child (
  id serial PRIMARY KEY,
  a int,
  b bigint,
  CONSTRAINT fk_child FOREIGN KEY (a, b) REFERENCES memberships (user_id, account_id)
    ON DELETE SET NULL (a),
  CONSTRAINT fk_child_local FOREIGN KEY (id) REFERENCES other.accounts (id)
);
CREATE INDEX ix_users_lower ON users (lower(name));
CREATE INDEX ix_users_partial ON users (created DESC NULLS LAST) WHERE active;
CREATE UNIQUE INDEX ix_users_include ON users (big) INCLUDE (price);
CREATE INDEX ix_users_tags ON users USING gin (tags);
CREATE INDEX ix_users_name_ops ON users (name varchar_pattern_ops) WITH (fillfactor=70);
CREATE INDEX ix_mixed ON users (big DESC, lower(bio), uid NULLS FIRST);
CREATE INDEX ix_hash ON other.accounts USING hash (state);
CREATE UNIQUE INDEX ix_nnd ON other.accounts (n) NULLS NOT DISTINCT;
CREATE TABLE "Quoted Table" ("Mixed Col" int, "select" text CHECK ("select" <> ''));
CREATE TABLE empty_table ();
CREATE TABLE alembic_version (
  version_num varchar(32) NOT NULL,
  CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE VIEW v_users AS SELECT id FROM users;
"""


def _run_script(engine: sa.Engine, script: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(script)


def _pg_engine(db: Any) -> sa.Engine:
    return db.engine()


@pytest.fixture
def pg_db(make_db):
    db = make_db("postgresql")
    engine = db.engine()
    _run_script(engine, PG_SCHEMA)
    yield db, engine
    engine.dispose()


def test_postgresql_matches_inspector(pg_db):
    db, engine = pg_db
    schemas: list[str | None] = [None, "other"]
    ours = _native.reflect(db.url, schemas, [(None, "alembic_version")])
    assert compare("postgresql", ours, engine, schemas, {"alembic_version"}) == []


def test_postgresql_default_schema_by_name(pg_db):
    """'public' asked for by name: referred schemas are named as the Inspector names them."""
    db, engine = pg_db
    ours = _native.reflect(db.url, ["public"])
    assert compare("postgresql", ours, engine, ["public"], set()) == []


def test_postgresql_enums_match_get_enums(pg_db):
    db, engine = pg_db
    insp = sa.inspect(engine)
    ours = _native.reflect(db.url, [None, "other"])
    theirs = insp.get_enums(schema=None) + insp.get_enums(schema="other")
    assert sorted(ours["enums"], key=lambda e: (e["schema"], e["name"])) == sorted(
        theirs, key=lambda e: (e["schema"], e["name"])
    )


def test_postgresql_domains_match_get_domains(pg_db):
    """Domains as ``get_domains`` gives them: its ``type`` is the base type's name cut at
    the first parenthesis, its ``check`` our ``sqltext``."""
    db, engine = pg_db
    insp = sa.inspect(engine)
    ours = _native.reflect(db.url, [None, "other"])
    mine = [
        {
            "name": d["name"],
            "schema": d["schema"],
            "visible": d["visible"],
            "type": d["type"]["spelled"].split("(")[0],
            "nullable": d["nullable"],
            "default": d["default"],
            "constraints": [{"name": c["name"], "check": c["sqltext"]} for c in d["checks"]],
            "collation": d["collation"],
            "collation_schema": None,
        }
        for d in ours["domains"]
    ]
    theirs = insp.get_domains(schema=None) + insp.get_domains(schema="other")
    key = lambda d: (d["schema"], d["name"])  # noqa: E731
    assert sorted(mine, key=key) == sorted(theirs, key=key)


def test_postgresql_extras(pg_db):
    """What the Inspector does not give: owned sequences, collations, the version table out."""
    db, _ = pg_db
    conn = _native.Connection.connect(db.url)
    try:
        ours = _native.reflect(conn, [None, "other"], [(None, "alembic_version")])
    finally:
        conn.close()
    tables = {(t["schema"], t["name"]): t for t in ours["tables"]}
    assert (None, "alembic_version") not in tables
    assert (None, "v_users") not in tables  # views are not tables
    users = {c["name"]: c for c in tables[(None, "users")]["columns"]}
    assert users["id"]["owned_sequence"] == "public.users_id_seq"
    assert users["code"]["collation"] == "C"
    assert users["tags"]["type"]["array_dims"] == 1
    assert users["st"]["type"]["user_type"] == {
        "schema": "other",
        "name": "status",
        "visible": False,
        "kind": "enum",
    }
    accounts = {c["name"]: c for c in tables[("other", "accounts")]["columns"]}
    assert accounts["id"]["owned_sequence"] == "other.accounts_id_seq"
    memberships = {c["name"]: c for c in tables[(None, "memberships")]["columns"]}
    assert memberships["seq"]["owned_sequence"] is None  # a shared sequence, not a SERIAL
    assert ours["default_schema"] == "public"


def test_postgresql_query_count_does_not_grow_with_schemas(pg_db):
    db, _ = pg_db
    one = _native.reflect(db.url, [None])
    three = _native.reflect(db.url, [None, "other", "public"])
    assert one["queries"] == three["queries"] == 6
    # a table asked for twice (the default schema, and by name) comes once per key
    keys = [(t["schema"], t["name"]) for t in three["tables"]]
    assert (None, "users") in keys and ("public", "users") in keys
    assert len(keys) == len(set(keys))


def test_reflect_errors(tmp_path):
    with pytest.raises(_native.NotNativeError):
        _native.reflect("sqlite://")  # in memory: SQLAlchemy's to serve
    with pytest.raises(TypeError):
        _native.reflect(42)  # type: ignore[arg-type]
    conn = _native.Connection.connect(f"sqlite:///{tmp_path / 'x.db'}")
    conn.close()
    with pytest.raises(_native.ConnectionError):
        _native.reflect(conn)


# -- the query count and timing -----------------------------------------------------------


def _many_tables_sql(dialect: str, n: int) -> list[str]:
    """``n`` tables with a primary key, a foreign key, a unique constraint and an index."""
    serial = {
        "postgresql": "id serial PRIMARY KEY",
        "sqlite": "id INTEGER PRIMARY KEY AUTOINCREMENT",
        "mysql": "id INT AUTO_INCREMENT PRIMARY KEY",
        "mariadb": "id INT AUTO_INCREMENT PRIMARY KEY",
    }[dialect]
    out = []
    for i in range(n):
        parent_column, parent_fk = (
            (
                ", parent_id INT",
                f", CONSTRAINT fk_t{i} FOREIGN KEY (parent_id) "
                f"REFERENCES t{i - 1} (id) ON DELETE CASCADE",
            )
            if i
            else ("", "")
        )
        out.append(
            f"CREATE TABLE t{i} ({serial}, name VARCHAR(40) NOT NULL, "
            f"amount NUMERIC(10, 2) DEFAULT 0{parent_column}, CONSTRAINT uq_t{i} UNIQUE (name), "
            f"CONSTRAINT ck_t{i} CHECK (amount >= 0){parent_fk})"
        )
        out.append(f"CREATE INDEX ix_t{i}_amount ON t{i} (amount)")
    return out


def _create_many(engine: sa.Engine, dialect: str, n: int) -> None:
    with engine.begin() as conn:
        for stmt in _many_tables_sql(dialect, n):
            conn.exec_driver_sql(stmt)


def _count_and_time(make_db, dialect: str, capsys) -> None:
    counts = {}
    for n in (3, 300):
        db = make_db(dialect)
        engine = db.engine()
        try:
            _create_many(engine, dialect, n)
            start = time.perf_counter()
            ours = _native.reflect(db.url, [None])
            ours_s = time.perf_counter() - start
            assert len(ours["tables"]) == n
            counts[n] = ours["queries"]
            if n == 300:
                start = time.perf_counter()
                insp = sa.inspect(engine)
                getters = [
                    insp.get_multi_columns,
                    insp.get_multi_pk_constraint,
                    insp.get_multi_foreign_keys,
                    insp.get_multi_indexes,
                    insp.get_multi_unique_constraints,
                    insp.get_multi_check_constraints,
                ]
                if dialect != "sqlite":  # SQLite keeps no comments
                    getters.append(insp.get_multi_table_comment)
                for get in getters:
                    get()
                theirs_s = time.perf_counter() - start
                with capsys.disabled():
                    print(
                        f"\n[{dialect}] 300 tables: ours {ours_s * 1000:.0f} ms "
                        f"({ours['queries']} queries), Inspector {theirs_s * 1000:.0f} ms"
                    )
                assert compare(dialect, ours, engine, [None], set()) == []
        finally:
            engine.dispose()
    assert counts[3] == counts[300], counts


def test_postgresql_query_count_is_constant(make_db, capsys):
    _count_and_time(make_db, "postgresql", capsys)


# -- SQLite -------------------------------------------------------------------------------

SQLITE_SCHEMA = [
    """CREATE TABLE users (
	id INTEGER NOT NULL,
	big BIGINT DEFAULT 0 NOT NULL,
	price NUMERIC(10, 2),
	name VARCHAR(50) NOT NULL,
	bio TEXT DEFAULT 'x',
	created DATETIME DEFAULT CURRENT_TIMESTAMP,
	active BOOLEAN DEFAULT 1,
	doc JSON,
	uid CHAR(32),
	f8 FLOAT,
	d DATE,
	raw BLOB,
	whatever,
	name_lower TEXT GENERATED ALWAYS AS (lower(name)) STORED,
	name_len INTEGER GENERATED ALWAYS AS (length(name)) VIRTUAL,
	PRIMARY KEY (id),
	CONSTRAINT uq_users_name UNIQUE (name),
	CONSTRAINT ck_users_big CHECK (big >= 0)
)""",
    """CREATE TABLE accounts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	owner INTEGER REFERENCES users,
	code TEXT UNIQUE
)""",
    """CREATE TABLE memberships (
	user_id INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	role VARCHAR(20) DEFAULT 'member' NOT NULL,
	CONSTRAINT pk_memberships PRIMARY KEY (user_id, account_id),
	CONSTRAINT fk_m_user FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE \
DEFERRABLE INITIALLY DEFERRED,
	FOREIGN KEY(account_id) REFERENCES accounts (id) ON UPDATE SET NULL,
	UNIQUE (user_id, role),
	CHECK (role <> '')
)""".replace("\\\n", ""),
    "CREATE INDEX ix_users_partial ON users (created) WHERE active = 1",
    "CREATE UNIQUE INDEX ix_users_big ON users (big, price DESC)",
    "CREATE INDEX ix_users_expr ON users (lower(name))",
    """CREATE TABLE "Quoted Table" (
	"Mixed Col" INTEGER,
	"select" TEXT CHECK ("select" <> '')
)""",
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
    "CREATE VIEW v_users AS SELECT id FROM users",
]

SQLITE_OTHER = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)",
    """CREATE TABLE child (
	id INTEGER PRIMARY KEY,
	parent_id INTEGER,
	CONSTRAINT fk_parent FOREIGN KEY(parent_id) REFERENCES parent (id) ON DELETE SET NULL
)""",
]


@pytest.fixture
def sqlite_db(tmp_path):
    main, other = tmp_path / "main.db", tmp_path / "other.db"
    for path, script in ((main, SQLITE_SCHEMA), (other, SQLITE_OTHER)):
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            for stmt in script:
                conn.exec_driver_sql(stmt)
        engine.dispose()
    engine = sa.create_engine(f"sqlite:///{main}", poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def attach(dbapi_conn, _record):
        dbapi_conn.execute(f"ATTACH DATABASE '{other}' AS other")

    yield main, other, engine
    engine.dispose()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_sqlite_matches_inspector(sqlite_db):
    main, other, engine = sqlite_db
    conn = _native.Connection.connect(f"sqlite:///{main}")
    try:
        conn.execute(f"ATTACH DATABASE '{other}' AS other")
        schemas: list[str | None] = [None, "other"]
        ours = _native.reflect(conn, schemas, [(None, "alembic_version")])
    finally:
        conn.close()
    assert compare("sqlite", ours, engine, schemas, {"alembic_version"}) == []


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_sqlite_beyond_inspector(sqlite_db):
    """What SQLAlchemy's SQLite reflection leaves out: expression indexes, sort order,
    AUTOINCREMENT, the actions of an inline REFERENCES."""
    main, _, _ = sqlite_db
    ours = _native.reflect(f"sqlite:///{main}")
    tables = {t["name"]: t for t in ours["tables"]}
    indexes = {i["name"]: i for i in tables["users"]["indexes"]}
    assert indexes["ix_users_expr"]["column_names"] == [None]
    assert indexes["ix_users_expr"]["expressions"] == ["lower(name)"]
    assert indexes["ix_users_big"]["sorting"] == {"price": ["desc"]}
    accounts = {c["name"]: c for c in tables["accounts"]["columns"]}
    assert accounts["id"]["autoincrement"] is True
    assert accounts["owner"]["autoincrement"] is False
    fks = {tuple(f["constrained_columns"]): f for f in tables["memberships"]["foreign_keys"]}
    assert fks[("account_id",)]["onupdate"] == "SET NULL"


def test_sqlite_query_count_is_constant(make_db, capsys):
    _count_and_time(make_db, "sqlite", capsys)


# -- MySQL / MariaDB ----------------------------------------------------------------------

MYSQL_SCHEMA = [
    """CREATE TABLE users (
  id INT NOT NULL AUTO_INCREMENT,
  big BIGINT NOT NULL DEFAULT 0,
  price DECIMAL(10,2),
  name VARCHAR(50) NOT NULL COMMENT 'the name',
  bio TEXT,
  title VARCHAR(20) DEFAULT 'x',
  created DATETIME DEFAULT CURRENT_TIMESTAMP,
  updated TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  active BOOLEAN DEFAULT 1,
  doc JSON,
  uid CHAR(36),
  f8 DOUBLE,
  f4 FLOAT,
  small SMALLINT UNSIGNED,
  tiny TINYINT(3) UNSIGNED ZEROFILL,
  mood ENUM('sad','ok','it''s') DEFAULT 'ok',
  flags SET('a','b'),
  latin VARCHAR(10) CHARACTER SET latin1,
  bin_col VARCHAR(10) COLLATE utf8mb4_bin,
  d DATE,
  raw BLOB,
  name_len INT GENERATED ALWAYS AS (char_length(name)) VIRTUAL,
  name_up VARCHAR(50) AS (upper(name)) STORED,
  PRIMARY KEY (id),
  CONSTRAINT uq_users_name UNIQUE (name),
  CONSTRAINT ck_users_big CHECK (big >= 0),
  KEY ix_prefix (bio(20), title),
  FULLTEXT KEY ix_ft (name),
  UNIQUE KEY ix_multi (big, price)
) COMMENT 'people'""",
    "CREATE TABLE {other}.accounts (id BIGINT PRIMARY KEY AUTO_INCREMENT, owner_id INT, "
    "CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES {main}.users (id)) COMMENT 'it''s'",
    """CREATE TABLE memberships (
  user_id INT NOT NULL,
  account_id BIGINT NOT NULL,
  role VARCHAR(20) NOT NULL DEFAULT 'member',
  PRIMARY KEY (user_id, account_id),
  CONSTRAINT fk_m_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_m_acc FOREIGN KEY (account_id) REFERENCES {other}.accounts (id)
    ON DELETE RESTRICT
)""",
    "CREATE TABLE {other}.child (id INT PRIMARY KEY, a BIGINT, "
    "CONSTRAINT fk_child FOREIGN KEY (a) REFERENCES {other}.accounts (id) ON DELETE SET NULL)",
    "CREATE TABLE `Quoted Table` (`Mixed Col` INT, `select` TEXT)",
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, PRIMARY KEY (version_num))",
    "CREATE VIEW v_users AS SELECT id FROM users",
]


@pytest.fixture
def mysql_db(make_db):
    db = make_db("mysql")
    other = f"{db.name}_other"
    engine = db.engine()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{other}` CHARACTER SET utf8mb4")
        for stmt in MYSQL_SCHEMA:
            conn.exec_driver_sql(stmt.format(main=f"`{db.name}`", other=f"`{other}`"))
    yield db, other, engine
    with engine.begin() as conn:
        # the two databases refer to each other: drop them without the checks
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        conn.exec_driver_sql(f"DROP DATABASE `{other}`")
        for table, _ in conn.exec_driver_sql("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'"):
            conn.exec_driver_sql(f"DROP TABLE `{table}`")
    engine.dispose()


def test_mysql_matches_inspector(mysql_db):
    db, other, engine = mysql_db
    schemas: list[str | None] = [None, other]
    ours = _native.reflect(db.url, schemas, [(None, "alembic_version")])
    assert ours["dialect"] in ("mysql", "mariadb")
    assert compare(engine.dialect.name, ours, engine, schemas, {"alembic_version"}) == []


def test_mysql_current_database_by_name(mysql_db):
    db, _, engine = mysql_db
    ours = _native.reflect(db.url, [db.name])
    assert compare(engine.dialect.name, ours, engine, [db.name], set()) == []


def test_mysql_query_count_is_constant(make_db, capsys):
    _count_and_time(make_db, "mysql", capsys)


# -- a schema as SQLAlchemy creates it (what autogenerate meets most) -----------------------


def _metadata(dialect: str) -> sa.MetaData:
    """Tables as an application's models declare them, for ``create_all``."""
    pg = dialect == "postgresql"
    md = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    status = sa.Enum("draft", "published", "it's", name="post_status")
    sa.Table(
        "author",
        md,
        sa.Column("id", sa.Integer, sa.Identity() if pg else None, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, unique=True, comment="login"),
        sa.Column("name", sa.Unicode(100), server_default="anonymous"),
        sa.Column("joined", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("score", sa.Numeric(8, 3), server_default=sa.text("0")),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("uid", sa.Uuid),
        comment="who writes",
    )
    sa.Table(
        "post",
        md,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("author_id", sa.ForeignKey("author.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False, index=True),
        sa.Column("body", sa.Text),
        sa.Column("status", status, nullable=False, server_default="draft"),
        sa.Column("meta", sa.JSON),
        sa.Column("title_len", sa.Integer, sa.Computed("length(title)", persisted=True)),
        sa.Column("published", sa.Date),
        sa.UniqueConstraint("author_id", "title"),
        sa.CheckConstraint("length(title) > 0", name="title_nonempty"),
        sa.Index("ix_post_author_published", "author_id", "published"),
    )
    sa.Table(
        "post_tag",
        md,
        sa.Column("post_id", sa.ForeignKey("post.id"), primary_key=True),
        sa.Column("tag", sa.String(50), primary_key=True),
    )
    return md


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql"])
def test_create_all_schema_matches_inspector(make_db, dialect):
    db = make_db(dialect)
    engine = db.engine()
    try:
        _metadata(dialect).create_all(engine)
        ours = _native.reflect(db.url)
        assert compare(engine.dialect.name, ours, engine, [None], set()) == []
    finally:
        engine.dispose()
