"""The ``init`` templates, proven with real alembic.

For each template: ``init`` it (alembic reading our template folder), point it
at SQLite, then ``revision`` twice, ``heads``, ``history``, ``upgrade head``
online, ``upgrade head --sql`` and ``downgrade base``, checking the files
written, the command output and the ``alembic_version`` table.

Every command goes through a *runner* (see runners.py), so the same checks
can later run through ``alembic-rs``: add ``cli(".../alembic-rs")`` to
``RUNNERS`` once that command line exists.
"""

from __future__ import annotations

import ast
import configparser
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from runners import TEMPLATES_DIR, Runner, RunResult, cli, real_alembic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEMPLATES = ["generic", "async", "pyproject", "pyproject_async", "multidb"]
RUNNERS = [
    pytest.param(real_alembic, id="alembic"),
    pytest.param(cli(str(Path(sys.executable).with_name("alembic-rs"))), id="alembic-rs"),
]

ASYNC_TEMPLATES = {"async", "pyproject_async"}
PYPROJECT_TEMPLATES = {"pyproject", "pyproject_async"}
MULTIDB_NAMES = ["engine1", "engine2"]

# what the first revision is edited to do, so `upgrade` has visible effects
CREATE_TABLE = 'op.create_table("t_first", sa.Column("id", sa.Integer(), primary_key=True))'
DROP_TABLE = 'op.drop_table("t_first")'


def test_template_folder_holds_only_the_five_templates() -> None:
    # list_templates opens <folder>/README of every entry: no stray files
    assert sorted(p.name for p in TEMPLATES_DIR.iterdir()) == sorted(TEMPLATES)


@pytest.mark.parametrize("runner", RUNNERS)
def test_list_templates(runner: Runner, tmp_path: Path) -> None:
    out = runner(["list_templates"], tmp_path).check().stdout
    for name in TEMPLATES:
        synopsis = (TEMPLATES_DIR / name / "README").read_text().splitlines()[0]
        assert synopsis.strip()
        assert f"{name} - {synopsis}" in out


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_files(template: str) -> None:
    folder = TEMPLATES_DIR / template
    expected = {"README", "alembic.ini.mako", "env.py", "script.py.mako"}
    if template in PYPROJECT_TEMPLATES:
        expected.add("pyproject.toml.mako")
    assert {p.name for p in folder.iterdir()} == expected
    ast.parse((folder / "env.py").read_text())


def _sqlite_url(path: Path, template: str) -> str:
    driver = "sqlite+aiosqlite" if template in ASYNC_TEMPLATES else "sqlite"
    return f"{driver}:///{path}"


def _set_urls(ini_path: Path, urls: dict[str, str]) -> None:
    """Replace the placeholder URL of each section named in `urls`."""
    lines = ini_path.read_text().splitlines(keepends=True)
    section = None
    for i, line in enumerate(lines):
        header = re.match(r"\[(.+)\]\s*$", line)
        if header:
            section = header.group(1)
        elif line.startswith("sqlalchemy.url =") and section in urls:
            lines[i] = f"sqlalchemy.url = {urls.pop(section)}\n"
    assert not urls, f"no sqlalchemy.url found in sections {sorted(urls)}"
    ini_path.write_text("".join(lines))


def _versions(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]


def _tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _header(path: Path) -> dict[str, object]:
    """The module-level literals of a revision file, read without importing it."""
    tree = ast.parse(path.read_text())
    values: dict[str, object] = {"__doc__": ast.get_docstring(tree)}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            assert node.value is not None
            values[node.target.id] = ast.literal_eval(node.value)
            values[f"{node.target.id}:annotation"] = ast.unparse(node.annotation)
        elif isinstance(node, ast.FunctionDef):
            values[f"def {node.name}"] = [a.arg for a in node.args.args]
    return values


def _new_revision(runner: Runner, cwd: Path, versions: Path, message: str) -> Path:
    before = set(versions.glob("*.py"))
    result = runner(["revision", "-m", message], cwd).check()
    (path,) = set(versions.glob("*.py")) - before
    assert "Generating" in result.stdout and path.name in result.stdout
    return path


def _edit_body(path: Path, function: str, body: str) -> None:
    """Replace the `pass` body of `function` in a freshly generated revision."""
    source = path.read_text()
    pattern = re.compile(rf"(def {function}\(\) -> None:\n    \"\"\"[^\n]*\"\"\"\n    )pass\n")
    source, count = pattern.subn(lambda m: m.group(1) + body + "\n", source)
    assert count == 1, f"no `pass` body in {function}() of {path.name}"
    path.write_text(source)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_template_round_trip(runner: Runner, template: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    multidb = template == "multidb"

    # -- init --------------------------------------------------------------
    result = runner(["init", "--template", template, "migrations"], project).check()
    assert "Please edit configuration" in result.stdout
    env_dir = project / "migrations"
    versions = env_dir / "versions"
    assert versions.is_dir()
    for name in ("env.py", "script.py.mako", "README"):
        assert (env_dir / name).read_text() == (TEMPLATES_DIR / template / name).read_text()

    ini_path = project / "alembic.ini"
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ini_path)
    assert ini.get("loggers", "keys") == "root,sqlalchemy,alembic"
    if template in PYPROJECT_TEMPLATES:
        assert set(ini.options("alembic")) == {"sqlalchemy.url"}
        toml = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["alembic"]
        assert toml["script_location"] == "%(here)s/migrations"
        assert toml["prepend_sys_path"] == ["."]
    else:
        assert ini.get("alembic", "script_location") == "%(here)s/migrations"
        assert ini.get("alembic", "path_separator") == "os"
        assert ini.get("alembic", "prepend_sys_path") == "."
        assert not (project / "pyproject.toml").exists()

    dbs = (
        {name: tmp_path / f"{name}.db" for name in MULTIDB_NAMES}
        if multidb
        else {"alembic": tmp_path / "app.db"}
    )
    _set_urls(ini_path, {section: _sqlite_url(db, template) for section, db in dbs.items()})

    # -- revision ----------------------------------------------------------
    first = _new_revision(runner, project, versions, "first")
    second = _new_revision(runner, project, versions, "second")
    h1, h2 = _header(first), _header(second)
    rev1, rev2 = h1["revision"], h2["revision"]
    assert isinstance(rev1, str) and isinstance(rev2, str) and rev1 != rev2
    assert first.name == f"{rev1}_first.py" and second.name == f"{rev2}_second.py"
    assert h1["down_revision"] is None and h2["down_revision"] == rev1
    for h, rev, down in ((h1, rev1, ""), (h2, rev2, rev1)):
        assert h["branch_labels"] is None and h["depends_on"] is None
        assert h["revision:annotation"] == "str"
        assert h["down_revision:annotation"] == "Union[str, Sequence[str], None]"
        doc = str(h["__doc__"])
        assert doc.startswith(("first\n", "second\n"))
        assert f"Revision ID: {rev}\n" in doc
        assert re.search(rf"^Revises: {down}$", doc, re.MULTILINE)
        assert re.search(r"^Create Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", doc, re.MULTILINE)
    if multidb:
        assert h1["def upgrade"] == ["engine_name"] and h1["def downgrade"] == ["engine_name"]
        for name in MULTIDB_NAMES:
            assert h1[f"def upgrade_{name}"] == [] and h1[f"def downgrade_{name}"] == []
        _edit_body(first, "upgrade_engine1", CREATE_TABLE)
        _edit_body(first, "downgrade_engine1", DROP_TABLE)
    else:
        assert h1["def upgrade"] == [] and h1["def downgrade"] == []
        _edit_body(first, "upgrade", CREATE_TABLE)
        _edit_body(first, "downgrade", DROP_TABLE)

    # -- read-only commands ------------------------------------------------
    assert runner(["heads"], project).check().stdout.strip() == f"{rev2} (head)"
    history = runner(["history"], project).check().stdout.strip().splitlines()
    assert history == [f"{rev1} -> {rev2} (head), second", f"<base> -> {rev1}, first"]

    # -- upgrade online ----------------------------------------------------
    runner(["upgrade", "head"], project).check()
    for name, db in dbs.items():
        assert _versions(db) == [rev2]
        assert ("t_first" in _tables(db)) == (name != "engine2")
    current = runner(["current"], project).check().stdout
    assert f"{rev2} (head)" in current

    # -- upgrade offline ---------------------------------------------------
    result = runner(["upgrade", "head", "--sql"], project).check()
    if multidb:
        sql = {name: (project / f"{name}.sql").read_text() for name in MULTIDB_NAMES}
    else:
        sql = {"alembic": result.stdout}
    for name, text in sql.items():
        assert "CREATE TABLE alembic_version" in text
        assert f"INSERT INTO alembic_version (version_num) VALUES ('{rev1}')" in text
        assert f"UPDATE alembic_version SET version_num='{rev2}'" in text
        assert ("CREATE TABLE t_first" in text) == (name != "engine2")

    # -- downgrade ---------------------------------------------------------
    runner(["downgrade", "base"], project).check()
    for db in dbs.values():
        assert _versions(db) == []
        assert _tables(db) == {"alembic_version"}


@pytest.mark.parametrize("runner", RUNNERS)
def test_init_into_non_empty_directory_fails(runner: Runner, tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "keep.txt").write_text("x")
    result: RunResult = runner(["init", "migrations"], tmp_path)
    assert result.returncode != 0
    assert "FAILED: Directory migrations already exists and is not empty" in result.stdout


@pytest.mark.parametrize("runner", RUNNERS)
def test_pyproject_init_appends_to_existing_pyproject(runner: Runner, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    runner(["init", "--template", "pyproject", "migrations"], tmp_path).check()
    data = tomllib.loads((tmp_path / "pyproject.toml").read_text())
    assert data["project"] == {"name": "demo"}
    assert data["tool"]["alembic"]["script_location"] == "%(here)s/migrations"
