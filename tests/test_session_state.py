"""What env.py sets on its own connection before ``context.configure(connection=...)``
holds for the migration, as with alembic, although alembic-rs runs it on a native
connection: PostgreSQL's ``search_path`` (alembic's schema-per-tenant cookbook recipe),
``lock_timeout`` and ``SET ROLE``; MariaDB's current database and session variables;
SQLite's ``foreign_keys`` pragma set in a connect event. Each case runs with real alembic
and with alembic-rs on fresh databases and compares what the migration saw and where its
objects landed; the log proves alembic-rs used its native connection.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from difftools import LOGGING_INI, alembic_cmd, ours_cmd

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

INI = "[alembic]\nscript_location = %(here)s\n" + LOGGING_INI

ENV_PY = textwrap.dedent(
    """
    import os
    from logging.config import fileConfig

    import sqlalchemy as sa
    from alembic import context

    fileConfig(context.config.config_file_name)
    url = sa.make_url(os.environ["SS_URL"])
    engine = sa.create_engine({url}, poolclass=sa.pool.NullPool{engine_args})
    {connect_event}
    with engine.connect() as connection:
        {session_setup}
        connection.commit()
        context.configure(connection=connection, {configure_args})
        with context.begin_transaction():
            context.run_migrations()
    """
)

SCRIPT = textwrap.dedent(
    '''
    """the migration records what its session looks like"""
    import json
    import os

    import sqlalchemy as sa
    from alembic import op

    revision = "s1"
    down_revision = None


    def upgrade():
        op.create_table("thing", sa.Column("id", sa.Integer, primary_key=True))
        bind = op.get_bind()
        seen = {{name: str(bind.exec_driver_sql(sql).scalar()) for name, sql in {probes!r}}}
        with open(os.environ["SS_RECORD"], "w") as out:
            json.dump(seen, out, sort_keys=True)


    def downgrade():
        op.drop_table("thing")
    '''
)


def env_py(
    session_setup: str = "pass",
    configure_args: str = "",
    connect_event: str = "",
    url: str = "url",
    engine_args: str = "",
) -> str:
    """A sync env.py whose engine comes from ``$SS_URL`` (``url`` in the expressions)."""
    return ENV_PY.format(
        connect_event=connect_event,
        session_setup=textwrap.indent(session_setup, "    ").strip(),
        configure_args=configure_args,
        url=url,
        engine_args=f", {engine_args}" if engine_args else "",
    )


def _write_project(root: Path, env: str, script: str) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "alembic.ini").write_text(INI)
    (root / "env.py").write_text(env)
    (root / "versions" / "a1.py").write_text(script)
    return root


def _run(tool: str, root: Path, url: str, record: Path) -> subprocess.CompletedProcess[str]:
    prog = alembic_cmd() if tool == "alembic" else ours_cmd()
    env = {"SS_URL": url, "SS_RECORD": str(record)}
    return subprocess.run(
        [*prog, "upgrade", "head"],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _both(
    tmp_path: Path,
    urls: dict[str, str],
    probes: list[tuple[str, str]],
    session_setup: str,
    configure_args: str = "",
    connect_event: str = "",
) -> dict[str, dict[str, str]]:
    seen = {}
    for tool, url in urls.items():
        root = _write_project(
            tmp_path / tool,
            env_py(session_setup, configure_args, connect_event),
            SCRIPT.format(probes=probes),
        )
        record = tmp_path / f"{tool}.json"
        proc = _run(tool, root, url, record)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert re.search(r"Executor: native", proc.stderr), proc.stderr
        seen[tool] = json.loads(record.read_text())
    return seen


@pytest.fixture
def pg_databases(make_db: Any) -> dict[str, str]:
    """A database per tool, each with a schema ``tenant1`` owned by ``rs_session_owner``."""
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "DO $$ BEGIN CREATE ROLE rs_session_owner; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    admin.dispose()
    urls = {tool: make_db("postgresql").url for tool in ("alembic", "ours")}
    for url in urls.values():
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA tenant1 AUTHORIZATION rs_session_owner")
        engine.dispose()
    return urls


def _pg_objects(url: str) -> list[tuple[str, str, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.exec_driver_sql(
                    "SELECT schemaname, tablename, tableowner FROM pg_tables "
                    "WHERE schemaname IN ('public', 'tenant1') ORDER BY 1, 2"
                )
            ]
    finally:
        engine.dispose()


def test_postgresql_search_path_lock_timeout_and_role(
    tmp_path: Path, pg_databases: dict[str, str]
) -> None:
    seen = _both(
        tmp_path,
        pg_databases,
        [
            ("search_path", "SHOW search_path"),
            ("lock_timeout", "SHOW lock_timeout"),
            ("current_user", "SELECT current_user"),
            ("isolation", "SHOW transaction_isolation"),
        ],
        # alembic's cookbook recipe for schema-per-tenant, plus what deployments add
        session_setup=textwrap.dedent(
            """
            connection.execute(sa.text('set search_path to "tenant1"'))
            connection.exec_driver_sql("SET lock_timeout = '4s'")
            connection.exec_driver_sql("SET ROLE rs_session_owner")
            connection.exec_driver_sql(
                "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ"
            )
            connection.dialect.default_schema_name = "tenant1"
            """
        ),
        configure_args='version_table_schema="tenant1"',
    )
    assert seen["ours"] == seen["alembic"]
    assert seen["ours"]["lock_timeout"] == "4s"
    objects = {tool: _pg_objects(url) for tool, url in pg_databases.items()}
    assert objects["ours"] == objects["alembic"]
    assert ("tenant1", "thing", "rs_session_owner") in objects["ours"]


@pytest.fixture
def mariadb_databases(make_db: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Per tool: the database the URL names, and a second one env.py switches to."""
    tools = ("alembic", "ours")
    return (
        {tool: make_db("mysql").url for tool in tools},
        {tool: make_db("mysql").name for tool in tools},
    )


def test_mariadb_current_database_and_session_variables(
    tmp_path: Path, mariadb_databases: tuple[dict[str, str], dict[str, str]]
) -> None:
    urls, second = mariadb_databases
    seen = {}
    for tool in urls:
        seen.update(
            _both(
                tmp_path / tool,
                {tool: urls[tool]},
                [
                    ("database", "SELECT DATABASE()"),
                    ("sql_mode", "SELECT @@session.sql_mode"),
                    ("fk_checks", "SELECT @@session.foreign_key_checks"),
                    ("lock_wait", "SELECT @@session.lock_wait_timeout"),
                ],
                session_setup=textwrap.dedent(
                    f"""
                    connection.exec_driver_sql("USE {second[tool]}")
                    connection.exec_driver_sql(
                        "SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES'"
                    )
                    connection.exec_driver_sql("SET SESSION foreign_key_checks = 0")
                    connection.exec_driver_sql("SET SESSION lock_wait_timeout = 7")
                    """
                ),
            )
        )
    # the database names differ per tool; the rest must be the same
    assert seen["ours"]["database"] == second["ours"]
    assert seen["alembic"]["database"] == second["alembic"]
    seen["ours"].pop("database")
    seen["alembic"].pop("database")
    assert seen["ours"] == seen["alembic"]
    assert seen["ours"]["fk_checks"] == "0"
    engine = sa.create_engine(urls["ours"])
    try:
        with engine.connect() as conn:
            for tool in urls:
                tables = conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (second[tool],),
                ).all()
                assert sorted(t[0] for t in tables) == ["alembic_version", "thing"], tool
    finally:
        engine.dispose()


def test_sqlite_foreign_keys_from_a_connect_event(tmp_path: Path) -> None:
    urls = {tool: f"sqlite:///{tmp_path}/{tool}.db" for tool in ("alembic", "ours")}
    seen = _both(
        tmp_path,
        urls,
        [
            ("foreign_keys", "PRAGMA foreign_keys"),
            ("recursive_triggers", "PRAGMA recursive_triggers"),
        ],
        session_setup="pass",
        connect_event=textwrap.dedent(
            """
            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA recursive_triggers = ON")
                cursor.close()
            """
        ),
    )
    assert seen["ours"] == seen["alembic"]
    assert seen["ours"] == {"foreign_keys": "1", "recursive_triggers": "1"}


AUTOCOMMIT_ENV_PY = env_py(engine_args='isolation_level="AUTOCOMMIT"')

AUTOCOMMIT_SCRIPT = textwrap.dedent(
    """
    import sqlalchemy as sa
    from alembic import op

    revision = "a1"
    down_revision = None


    def upgrade():
        op.create_table("thing", sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
        op.create_index("ix_thing_n", "thing", ["n"], postgresql_concurrently=True)


    def downgrade():
        op.drop_table("thing")
    """
)

# the same without CONCURRENTLY, which runs in a transaction
PLAIN_SCRIPT = AUTOCOMMIT_SCRIPT.replace(", postgresql_concurrently=True", "")


def test_an_autocommit_engine_runs_each_statement_on_its_own(
    tmp_path: Path, pg_databases: dict[str, str]
) -> None:
    """env.py's engine in AUTOCOMMIT: CREATE INDEX CONCURRENTLY works, as in alembic."""
    indexes = {}
    for tool, url in pg_databases.items():
        root = _write_project(tmp_path / tool, AUTOCOMMIT_ENV_PY, AUTOCOMMIT_SCRIPT)
        proc = _run(tool, root, url, tmp_path / "unused.json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert (
                "Executor: SQLAlchemy (the given connection is in AUTOCOMMIT mode)" in proc.stderr
            )
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            indexes[tool] = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'thing' ORDER BY 1"
            ).all()
            indexes[tool].append(
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
            )
        engine.dispose()
    assert indexes["ours"] == indexes["alembic"]
    assert any(row[0] == "ix_thing_n" for row in indexes["ours"][:-1])


CONNECT_ARGS_ENV_PY = env_py(
    # the URL's host does not resolve; connect_args says where the server is
    url='url.set(host="no-such-host.invalid")',
    engine_args='connect_args={"host": "127.0.0.1"}',
)


def test_an_engine_that_knows_more_than_its_url(
    tmp_path: Path, pg_databases: dict[str, str]
) -> None:
    """Where the native connection cannot be made from the URL (connect_args, a
    do_connect event with tokens), the migration runs on env.py's connection."""
    versions = {}
    for tool, url in pg_databases.items():
        root = _write_project(
            tmp_path / tool,
            CONNECT_ARGS_ENV_PY,
            PLAIN_SCRIPT,
        )
        proc = _run(tool, root, url, tmp_path / "unused.json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert "Executor: SQLAlchemy (no native connection: could not connect" in proc.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            versions[tool] = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        engine.dispose()
    assert versions["ours"] == versions["alembic"] == [("a1",)]


OTHER_DATABASE_ENV_PY = env_py(
    # the URL names the maintenance database; connect_args sends the engine elsewhere
    url='url.set(database="postgres")',
    engine_args='connect_args={"dbname": url.database}',
)


def test_the_migration_stays_on_the_database_env_py_connected_to(
    tmp_path: Path, pg_databases: dict[str, str]
) -> None:
    """The URL leads to another database than env.py's connection: alembic-rs notices and
    migrates the one env.py connected to, as alembic does."""
    versions = {}
    for tool, url in pg_databases.items():
        root = _write_project(
            tmp_path / tool,
            OTHER_DATABASE_ENV_PY,
            PLAIN_SCRIPT,
        )
        proc = _run(tool, root, url, tmp_path / "unused.json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert "Executor: SQLAlchemy (native connection not used" in proc.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            versions[tool] = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        engine.dispose()
    assert versions["ours"] == versions["alembic"] == [("a1",)]
    admin = sa.create_engine(PG_ADMIN)
    try:
        with admin.connect() as conn:
            assert not sa.inspect(conn).has_table("alembic_version")
    finally:
        admin.dispose()


CONNECT_ARGS_SETTINGS_ENV_PY = textwrap.dedent(
    """
    import asyncio
    import os
    from logging.config import fileConfig

    import sqlalchemy as sa
    from alembic import context
    from sqlalchemy.ext.asyncio import create_async_engine

    fileConfig(context.config.config_file_name)
    url = sa.make_url(os.environ["SS_URL"]).set(drivername="postgresql+asyncpg")


    def do_run_migrations(connection):
        context.configure(connection=connection, version_table_schema="tenant1")
        with context.begin_transaction():
            context.run_migrations()


    async def main():
        # the seed's async env.py, with settings asked for at connect time
        engine = create_async_engine(
            url,
            poolclass=sa.pool.NullPool,
            connect_args={
                "server_settings": {
                    "search_path": "tenant1",
                    "lock_timeout": "4s",
                    "TimeZone": "America/Sao_Paulo",
                }
            },
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
        await engine.dispose()


    asyncio.run(main())
    """
)


def test_settings_asked_for_at_connect_time(tmp_path: Path, pg_databases: dict[str, str]) -> None:
    """asyncpg's server_settings (libpq's options alike): search_path, lock_timeout and the
    time zone hold for the migration as in alembic."""
    seen = {}
    for tool, url in pg_databases.items():
        probes = [
            ("search_path", "SHOW search_path"),
            ("lock_timeout", "SHOW lock_timeout"),
            ("timezone", "SHOW TimeZone"),
            ("local_noon", "SELECT timestamptz '2024-06-01 12:00:00+00'::timestamp"),
        ]
        root = _write_project(
            tmp_path / tool, CONNECT_ARGS_SETTINGS_ENV_PY, SCRIPT.format(probes=probes)
        )
        record = tmp_path / f"{tool}.json"
        proc = _run(tool, root, url, record)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert re.search(r"Executor: native", proc.stderr), proc.stderr
        seen[tool] = json.loads(record.read_text())
    assert seen["ours"] == seen["alembic"]
    assert seen["ours"]["local_noon"] == "2024-06-01 09:00:00"
    objects = {tool: _pg_objects(url) for tool, url in pg_databases.items()}
    assert objects["ours"] == objects["alembic"]
    assert ("tenant1", "thing", "postgres") in objects["ours"]


ECHO_ENV_PY = env_py(engine_args="echo=True")


def _echoed(output: str) -> list[str]:
    """The statements an ``echo=True`` engine logged, whitespace collapsed."""
    entries = re.split(r"^\S+ \S+ INFO sqlalchemy\.engine\.Engine ", output, flags=re.M)
    return [" ".join(e.split()) for e in entries[1:]]


def test_echo_logs_the_statements_sent_natively(
    tmp_path: Path, pg_databases: dict[str, str]
) -> None:
    """An engine with echo=True logs every statement of the migration, as with alembic."""
    echoed = {}
    for tool, url in pg_databases.items():
        root = _write_project(
            tmp_path / tool,
            ECHO_ENV_PY,
            PLAIN_SCRIPT,
        )
        proc = _run(tool, root, url, tmp_path / "unused.json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert re.search(r"Executor: native", proc.stderr), proc.stderr
        echoed[tool] = _echoed(proc.stdout)
    migration = [
        "CREATE TABLE thing ( id SERIAL NOT NULL, n INTEGER, PRIMARY KEY (id) )",
        "CREATE INDEX ix_thing_n ON thing (n)",
    ]
    for statement in migration:
        assert statement in echoed["alembic"], echoed["alembic"]
        assert statement in echoed["ours"], echoed["ours"]
    assert any(e.startswith("INSERT INTO alembic_version") for e in echoed["ours"])
    assert echoed["ours"][-1] == echoed["alembic"][-1] == "COMMIT"


ATTACHED_SCRIPT = textwrap.dedent(
    """
    import sqlalchemy as sa
    from alembic import op

    revision = "a1"
    down_revision = None


    def upgrade():
        op.create_table(
            "thing",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("n", sa.Integer),
            schema="other",
        )
        op.create_index("ix_thing_n", "thing", ["n"], schema="other")


    def downgrade():
        op.drop_table("thing", schema="other")
    """
)


def test_sqlite_databases_attached_in_a_connect_event(tmp_path: Path) -> None:
    """env.py attaches a second database file; scripts use it as a schema."""
    urls = {tool: f"sqlite:///{tmp_path}/{tool}.db" for tool in ("alembic", "ours")}
    tables = {}
    for tool, url in urls.items():
        other = tmp_path / f"{tool}_other.db"
        attach = textwrap.dedent(
            f"""
            @sa.event.listens_for(engine, "connect")
            def _attach(dbapi_connection, record):
                dbapi_connection.execute("ATTACH DATABASE '{other}' AS other")
            """
        )
        root = _write_project(tmp_path / tool, env_py(connect_event=attach), ATTACHED_SCRIPT)
        proc = _run(tool, root, url, tmp_path / "unused.json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert re.search(r"Executor: native", proc.stderr), proc.stderr
        engine = sa.create_engine(f"sqlite:///{other}")
        with engine.connect() as conn:
            tables[tool] = conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master ORDER BY 1, 2"
            ).all()
        engine.dispose()
    assert tables["ours"] == tables["alembic"]
    assert ("table", "thing") in tables["ours"]


# a quote and a backslash: SQLite takes the backslash as it is, MySQL as an escape
ODD = "it's \\odd"


def test_sqlite_attached_path_and_name_with_a_quote_and_a_backslash(tmp_path: Path) -> None:
    """The attached file's path and schema name are quoted by the renderer's own rules
    when replayed on the native connection, as SQLite reads them."""
    urls = {tool: f"sqlite:///{tmp_path}/{tool}.db" for tool in ("alembic", "ours")}
    schema = 'o"ther'
    script = ATTACHED_SCRIPT.replace('schema="other"', f"schema={schema!r}")
    tables = {}
    for tool, url in urls.items():
        other = tmp_path / f"{tool} {ODD}.db"
        attach_sql = f"ATTACH DATABASE ? AS [{schema}]"
        attach = textwrap.dedent(
            f"""
            @sa.event.listens_for(engine, "connect")
            def _attach(dbapi_connection, record):
                dbapi_connection.execute({attach_sql!r}, ({str(other)!r},))
            """
        )
        root = _write_project(tmp_path / tool, env_py(connect_event=attach), script)
        proc = _run(tool, root, url, tmp_path / "unused.json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if tool == "ours":
            assert re.search(r"Executor: native", proc.stderr), proc.stderr
            assert "ATTACH DATABASE '" in proc.stderr, proc.stderr
        assert other.exists()
        engine = sa.create_engine(f"sqlite:///{other}")
        with engine.connect() as conn:
            tables[tool] = conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master ORDER BY 1, 2"
            ).all()
        engine.dispose()
    assert tables["ours"] == tables["alembic"]
    assert ("table", "thing") in tables["ours"]


@pytest.fixture
def odd_mariadb_databases(make_db: Any) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Per tool: the database the URL names, and one whose name has a quote and a
    backslash, for env.py to switch to."""
    tools = ("alembic", "ours")
    urls = {tool: make_db("mysql").url for tool in tools}
    second = {tool: f"rs_{ODD}_{tool}_{os.getpid()}" for tool in tools}
    admin = sa.create_engine(urls["ours"])

    def run_all(template: str) -> None:
        with admin.connect() as conn:
            for name in second.values():
                conn.exec_driver_sql(template.format(name.replace("`", "``")))

    run_all("DROP DATABASE IF EXISTS `{}`")
    run_all("CREATE DATABASE `{}`")
    try:
        yield urls, second
    finally:
        run_all("DROP DATABASE IF EXISTS `{}`")
        admin.dispose()


def test_mariadb_database_name_with_a_quote_and_a_backslash(
    tmp_path: Path, odd_mariadb_databases: tuple[dict[str, str], dict[str, str]]
) -> None:
    """env.py switches to a database whose name has a quote and a backslash, and sets
    session variables: the migration runs there natively, as with alembic."""
    urls, second = odd_mariadb_databases
    seen = {}
    for tool in urls:
        use = "USE `{}`".format(second[tool].replace("`", "``"))
        seen.update(
            _both(
                tmp_path / tool,
                {tool: urls[tool]},
                [
                    ("database", "SELECT DATABASE()"),
                    ("time_zone", "SELECT @@session.time_zone"),
                    ("sql_mode", "SELECT @@session.sql_mode"),
                ],
                session_setup=textwrap.dedent(
                    f"""
                    connection.exec_driver_sql({use!r})
                    connection.exec_driver_sql("SET SESSION time_zone = '+03:00'")
                    connection.exec_driver_sql("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'")
                    """
                ),
            )
        )
    for tool in urls:
        assert seen[tool].pop("database") == second[tool]
    assert (
        seen["ours"]
        == seen["alembic"]
        == {
            "sql_mode": "NO_ENGINE_SUBSTITUTION",
            "time_zone": "+03:00",
        }
    )
    engine = sa.create_engine(urls["ours"])
    try:
        with engine.connect() as conn:
            for tool in urls:
                tables = conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (second[tool],),
                ).all()
                assert sorted(t[0] for t in tables) == ["alembic_version", "thing"], tool
    finally:
        engine.dispose()


@pytest.mark.parametrize("dialect", ["mysql", "postgresql", "sqlite"])
def test_replayed_values_read_back_as_they_were(tmp_path: Path, make_db: Any, dialect: str) -> None:
    """The replay's literals go through the renderer's quoting: a value with a quote and a
    backslash reads back unchanged on each database (MySQL takes ``\\`` as an escape,
    the others do not)."""
    from alembic_rs import _native

    url = f"sqlite:///{tmp_path}/main.db" if dialect == "sqlite" else make_db(dialect).url
    native = _native.Connection.connect(url)
    try:
        queries = _native.session_state_queries(native.backend)
        ours = [[tuple(r) for r in native.query(sql)] for sql in queries]
        theirs = [list(rows) for rows in ours]
        value = ODD + "'s"
        if dialect == "postgresql":
            settings = json.loads(theirs[0][0][3]) + [["application_name", value]]
            theirs[0][0] = (*theirs[0][0][:3], json.dumps(settings))
        elif dialect == "mysql":
            theirs[1].append(("sql_mode", value))
        else:
            theirs[0].append(("o'ther", value))
        [statement] = _native.session_replay_statements(native, theirs)
        # the statement's string literals (a backslash escapes on MySQL only)
        pattern = r"'(?:''|\\.|[^'\\])*'" if dialect == "mysql" else r"'(?:''|[^'])*'"
        [literal] = [m for m in re.findall(pattern, statement) if "odd" in m]
        assert native.query(f"SELECT {literal}") == [(value,)], statement
    finally:
        native.close()
