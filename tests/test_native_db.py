"""The native connection (`_native.Connection`) against live databases, and the
version-table / offline-output SQL against real alembic's `--sql` output.

PostgreSQL at 127.0.0.1:5432 and MySQL/MariaDB at 127.0.0.1:3306 are used when they
answer (override with ALEMBIC_RS_TEST_PG_URL / ALEMBIC_RS_TEST_MYSQL_URL); otherwise
those tests are skipped. SQLite always runs.
"""

from __future__ import annotations

import io
import os
import threading
import uuid

import pytest

from alembic_rs import _native

PG_URL = os.environ.get(
    "ALEMBIC_RS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MYSQL_URL = os.environ.get("ALEMBIC_RS_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def connect_db(url: str) -> _native.Connection:
    """Connect; the servers are part of the test setup, so a failure fails the test."""
    return _native.Connection.connect(url)


@pytest.fixture
def pg():
    conn = connect_db(PG_URL)
    yield conn
    conn.close()


@pytest.fixture
def mysql():
    conn = connect_db(MYSQL_URL)
    yield conn
    conn.close()


@pytest.fixture
def sqlite(tmp_path):
    conn = _native.Connection.connect(f"sqlite:///{tmp_path / 'native.db'}")
    yield conn
    conn.close()


@pytest.fixture(params=["pg", "sqlite", "mysql"])
def any_conn(request):
    return request.getfixturevalue(request.param)


# --- connecting -------------------------------------------------------------------


def test_backends(pg, sqlite, mysql):
    assert pg.backend == "postgresql"
    assert sqlite.backend == "sqlite"
    assert mysql.backend in ("mysql", "mariadb")


def test_postgresql_unix_socket():
    sockets = "/var/run/postgresql"  # the machine's PostgreSQL listens here too
    with _native.Connection.connect(f"postgresql://postgres@/test?host={sockets}") as conn:
        assert conn.query("SELECT current_database()") == [("test",)]
        assert conn.database_name() == "test"


def test_unknown_query_arguments_are_ignored(pg):
    url = PG_URL + "?channel_binding=prefer&connect_timeout=10&application_name=alembic-rs"
    with _native.Connection.connect(url) as conn:
        assert conn.query("SELECT current_setting('application_name')") == [("alembic-rs",)]


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "sqlite+pysqlite:///:memory:", "oracle://u:pw@h/db"],
)
def test_not_native(url):
    with pytest.raises(_native.NotNativeError) as info:
        _native.Connection.connect(url)
    assert ":pw@" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nosuchuser:s3cr%40tpw@127.0.0.1:5432/test",
        "postgresql://postgres:s3cr%40tpw@127.0.0.1:1/test",
        "postgresql://postgres:s3cr%40tpw@no-such-host.invalid/test",
        "mysql+pymysql://nosuchuser:s3cr%40tpw@127.0.0.1:3306/test",
    ],
)
def test_connection_error_hides_the_password(url):
    with pytest.raises(_native.ConnectionError) as info:
        _native.Connection.connect(url)
    message = str(info.value)
    assert "s3cr" not in message
    assert "tpw" not in message
    assert ":***@" in message


def test_bad_url_is_a_value_error():
    with pytest.raises(ValueError):
        _native.Connection.connect("not a url")


# --- statements and transactions --------------------------------------------------


@pytest.mark.parametrize("name", ["pg", "sqlite"])
def test_ddl_rolls_back(request, name):
    conn = request.getfixturevalue(name)
    table = unique("native_rb")
    conn.begin()
    assert conn.in_transaction
    conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    assert conn.has_table(table)
    conn.rollback()
    assert not conn.in_transaction
    assert not conn.has_table(table)


def test_commit_keeps_the_table(any_conn):
    table = unique("native_commit")
    any_conn.begin()
    any_conn.execute(f"CREATE TABLE {table} (id INTEGER)")
    assert any_conn.execute(f"INSERT INTO {table} (id) VALUES (1), (2)") == 2
    any_conn.commit()
    try:
        assert any_conn.has_table(table)
        assert any_conn.query(f"SELECT id FROM {table} ORDER BY id") == [(1,), (2,)]
    finally:
        any_conn.execute(f"DROP TABLE {table}")


def test_transaction_statements_are_returned_for_the_sql_log(sqlite):
    # the runtime logs what the native connection sent (as SQLAlchemy's engine log does);
    # the text is Rust's, and a begin inside an open transaction sends nothing
    assert sqlite.begin() == "BEGIN"
    assert sqlite.begin() is None
    assert sqlite.in_transaction
    assert sqlite.commit() == "COMMIT"
    assert sqlite.begin() == "BEGIN"
    assert sqlite.rollback() == "ROLLBACK"
    assert not sqlite.in_transaction


def test_execute_batch_names_the_failing_statement(any_conn):
    table = unique("native_batch")
    statements = [
        f"CREATE TABLE {table} (id INTEGER)",
        f"INSERT INTO {table} (id) VALUES (1)",
        f"INSERT INTO {table}_missing (id) VALUES (2)",
        f"INSERT INTO {table} (id) VALUES (3)",
    ]
    any_conn.begin()
    try:
        with pytest.raises(_native.BatchStatementError) as info:
            any_conn.execute_batch(statements)
        assert info.value.index == 2
        assert info.value.statement == statements[2]
        assert statements[2] in str(info.value)
        assert isinstance(info.value, _native.DatabaseError)
    finally:
        any_conn.rollback()
        any_conn.execute(f"DROP TABLE IF EXISTS {table}")


def test_execute_batch_runs_all(any_conn):
    table = unique("native_batch_ok")
    any_conn.execute_batch(
        [
            f"CREATE TABLE {table} (id INTEGER, name VARCHAR(10))",
            f"INSERT INTO {table} VALUES (1, 'one');",
            "-- nothing but a comment",
            f"INSERT INTO {table} VALUES (2, NULL) -- with a comment",
        ]
    )
    try:
        assert any_conn.query(f"SELECT id, name FROM {table} ORDER BY id") == [
            (1, "one"),
            (2, None),
        ]
    finally:
        any_conn.execute(f"DROP TABLE {table}")


def test_execute_batch_counts_rows_per_statement(any_conn):
    """The rows each statement affected, in order (a version UPDATE is checked by it)."""
    table = unique("native_batch_rows")
    any_conn.execute(f"CREATE TABLE {table} (id INTEGER)")
    try:
        counts = any_conn.execute_batch(
            [
                f"INSERT INTO {table} VALUES (1)",
                f"INSERT INTO {table} VALUES (2)",
                "-- nothing but a comment",
                f"UPDATE {table} SET id = id + 10",
                f"DELETE FROM {table} WHERE id = 99",
            ]
        )
        assert counts == [1, 1, 0, 2, 0]
        any_conn.submit_batch([f"DELETE FROM {table} WHERE id = 11"])
        assert any_conn.wait_batch() == [1]
        assert any_conn.wait_batch() is None
    finally:
        any_conn.execute(f"DROP TABLE {table}")


def test_statement_error_carries_the_sql(any_conn):
    with pytest.raises(_native.DatabaseError) as info:
        any_conn.execute("SELECT * FROM no_such_table_here")
    assert info.value.sql == "SELECT * FROM no_such_table_here"
    assert "[SQL: SELECT * FROM no_such_table_here]" in str(info.value)


def test_query_value_types(pg):
    row = pg.query(
        "SELECT NULL, true, 7::int8, 2.5::float8, 'txt', '\\x00ff'::bytea, 1.10::numeric"
    )[0]
    assert row == (None, True, 7, 2.5, "txt", b"\x00\xff", "1.10")


def test_closed_connection(sqlite):
    sqlite.close()
    assert sqlite.closed
    sqlite.close()  # twice is fine
    with pytest.raises(_native.ConnectionError):
        sqlite.execute("SELECT 1")


def test_has_table_in_schema(pg):
    schema = unique("native_schema")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        pg.execute(f"CREATE TABLE {schema}.versions (v VARCHAR(32))")
        assert pg.has_table("versions", schema=schema)
        assert not pg.has_table("versions")
        assert not pg.has_table("nope", schema=schema)
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
    assert pg.current_schema() == "public"


def test_has_table_mysql(mysql):
    table = unique("native_has")
    assert not mysql.has_table(table)
    mysql.execute(f"CREATE TABLE {table} (id INTEGER)")
    try:
        assert mysql.has_table(table)
        assert mysql.has_table(table, schema="test")
        assert not mysql.has_table(table, schema="mysql")
    finally:
        mysql.execute(f"DROP TABLE {table}")


def test_the_gil_is_released_while_the_database_works():
    connections = [connect_db(PG_URL) for _ in range(3)]
    counter = 0
    stop = threading.Event()
    progress = []

    def count():
        nonlocal counter
        while not stop.is_set():
            counter += 1

    def sleep_in_database(conn):
        before = counter
        conn.execute("SELECT pg_sleep(0.3)")
        progress.append(counter - before)

    counting = threading.Thread(target=count)
    counting.start()
    workers = [threading.Thread(target=sleep_in_database, args=(c,)) for c in connections]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    counting.join()
    for c in connections:
        c.close()
    assert len(progress) == 3
    # Python code ran while each query was waiting on the server
    assert all(p > 0 for p in progress), progress


def test_one_connection_shared_by_threads_is_serialized(pg):
    errors = []

    def work():
        try:
            for _ in range(5):
                assert pg.query("SELECT 1") == [(1,)]
        except (AssertionError, _native.DatabaseError) as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- differential: version table and offline output vs alembic ---------------------

VERSION_TABLE_OPTIONS = [
    {},
    {"version_table": "my versions", "version_table_schema": "Other Schema"},
    {"version_table_pk": False, "version_table_schema": "s1"},
    {"version_table": "select"},
    {"version_table": "Custom_Versions", "version_table_schema": "1st"},
    {"version_table": 'we"ird`name'},
]


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql", "mariadb"])
@pytest.mark.parametrize("opts", VERSION_TABLE_OPTIONS, ids=lambda o: repr(o))
def test_version_table_sql_matches_alembic(dialect, opts):
    from alembic.runtime.migration import HeadMaintainer, MigrationContext
    from sqlalchemy import select

    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": buf, **opts}
    )
    ctx._version.create(ctx.connection)
    heads = HeadMaintainer(ctx, ())
    heads._insert_version("abc123")
    heads._update_version("abc123", "def456")
    heads._delete_version("def456")
    ctx.impl._exec(select(ctx._version.c.version_num))
    ctx._version.drop(ctx.connection)

    def sql(action, version=None, to_version=None):
        return _native.offline_statement(
            _native.version_table_sql(
                dialect,
                action,
                opts.get("version_table", "alembic_version"),
                opts.get("version_table_schema"),
                opts.get("version_table_pk", True),
                version,
                to_version,
                returning=ctx.dialect.insert_returning,
            )
        )

    ours = "".join(
        [
            sql("create"),
            sql("insert", "abc123"),
            sql("update", "abc123", "def456"),
            sql("delete", "def456"),
            sql("select"),
            sql("drop"),
        ]
    )
    assert ours == buf.getvalue()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql", "mariadb"])
def test_offline_transaction_texts_match_alembic(dialect):
    from alembic.runtime.migration import MigrationContext

    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name=dialect, opts={"as_sql": True, "output_buffer": buf}
    )
    assert _native.transactional_ddl(dialect) == ctx.impl.transactional_ddl
    ctx.impl.emit_begin()
    assert _native.offline_begin(dialect) == buf.getvalue()
    ctx.impl.emit_commit()
    assert _native.offline_begin(dialect) + _native.offline_commit(dialect) == buf.getvalue()
    # alembic's MigrationContext writes this before each step's statements
    ctx.impl.static_output("-- Running %s" % ("upgrade  -> abc",))
    assert buf.getvalue().endswith(_native.offline_step_comment("upgrade  -> abc"))


@pytest.mark.parametrize(
    "url", ["postgresql://u:p@h/db", "sqlite:///x.db", "mysql+pymysql://u@h/db", "mariadb://u@h/db"]
)
def test_upgrade_sql_bookkeeping_matches_alembic(tmp_path, url):
    """`alembic upgrade head --sql` on two empty revisions, rebuilt from our pieces."""
    from alembic.config import Config
    from sqlalchemy.engine import make_url

    from alembic import command

    script_dir = tmp_path / "migrations"
    buf = io.StringIO()
    cfg = Config(str(tmp_path / "alembic.ini"), output_buffer=buf)
    cfg.set_main_option("script_location", str(script_dir))
    command.init(cfg, str(script_dir))
    cfg.set_main_option("sqlalchemy.url", url)
    one = command.revision(cfg, "one", rev_id="aaaa11112222")
    command.revision(cfg, "two", rev_id="bbbb33334444")
    assert one is not None
    buf.truncate(0)
    buf.seek(0)
    command.upgrade(cfg, "head", sql=True)

    dialect = url.split(":")[0].split("+")[0]
    statement = _native.offline_statement
    expected = "".join(
        [
            _native.offline_begin(dialect) if _native.transactional_ddl(dialect) else "",
            statement(_native.version_table_sql(dialect, "create")),
            "-- Running upgrade  -> aaaa11112222" + "\n\n",
            statement(
                _native.version_table_sql(
                    dialect,
                    "insert",
                    version="aaaa11112222",
                    returning=make_url(url).get_dialect()().insert_returning,
                )
            ),
            "-- Running upgrade aaaa11112222 -> bbbb33334444" + "\n\n",
            statement(
                _native.version_table_sql(
                    dialect, "update", version="aaaa11112222", to_version="bbbb33334444"
                )
            ),
            _native.offline_commit(dialect) if _native.transactional_ddl(dialect) else "",
        ]
    )
    assert buf.getvalue() == expected


def test_version_table_sql_errors():
    import sqlalchemy as sa

    # SQLAlchemy's own error for the name, as alembic's CREATE TABLE raises it
    with pytest.raises(sa.exc.IdentifierError, match="exceeds maximum length of 63"):
        _native.version_table_sql("postgresql", "create", "t" * 62)
    with pytest.raises(ValueError, match="needs version"):
        _native.version_table_sql("sqlite", "insert")
    with pytest.raises(ValueError, match="unknown dialect"):
        _native.version_table_sql("oracle", "select")
    with pytest.raises(ValueError, match="unknown version table action"):
        _native.version_table_sql("sqlite", "truncate")


def test_ctrl_c_interrupts_a_query_and_closes_the_connection(pg):
    import signal

    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            pg.execute("SELECT pg_sleep(3)")
    finally:
        timer.cancel()
    # the statement may have been cut off half-way: the connection is not reused
    assert pg.closed
    with pytest.raises(_native.ConnectionError):
        pg.execute("SELECT 1")
