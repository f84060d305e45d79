"""The read-only verbs served from Rust before any Python import (``src/cli``).

Every case runs alembic-rs twice in the same directory: once with the fast path and
``ALEMBIC_RS_FAST_PATH=explain`` (it then says on stderr whether it served the command), once
with ``ALEMBIC_RS_FAST_PATH=0`` (the Python CLI alone). stdout, stderr (without the
``explain`` line) and the exit status must be the same bytes, and each case states whether
the fast path must serve it: the read verbs on plain projects, their ``--help``, usage errors
and ``FAILED:`` messages are served; what alembic runs Python for falls back.
``test_diff_read`` compares the same commands (fast path on) with real alembic.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import difftools
import gen_graph
import pytest
from gen_graph import Project, RevSpec

_EXPLAIN = "alembic-rs: fast path: "


@dataclass(frozen=True)
class Result:
    stdout: str
    stderr: str
    status: int
    served: bool | None
    why: str


def run_ours(
    args: Sequence[str],
    cwd: Path,
    mode: str,
    env: dict[str, str] | None = None,
    prog: Sequence[str] | None = None,
) -> Result:
    """alembic-rs with ``ALEMBIC_RS_FAST_PATH=mode``; the explain line taken out of stderr."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "PYTHONWARNINGS", "ALEMBIC_CONFIG", "PYTHONHASHSEED")
    }
    full_env.update({"PYTHONIOENCODING": "utf-8", "ALEMBIC_RS_FAST_PATH": mode, **(env or {})})
    proc = subprocess.run(
        [*(prog or difftools.ours_cmd()), *args],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    served: bool | None = None
    why = ""
    kept = []
    for line in stderr.splitlines(keepends=True):
        if line.startswith(_EXPLAIN):
            verdict = line[len(_EXPLAIN) :].rstrip("\n")
            served = verdict == "served"
            why = verdict
        else:
            kept.append(line)
    return Result(
        proc.stdout.decode("utf-8", "replace"), "".join(kept), proc.returncode, served, why
    )


def check(
    args: Sequence[str],
    cwd: Path,
    served: bool,
    env: dict[str, str] | None = None,
    prog: Sequence[str] | None = None,
) -> Result:
    """Fast path and Python CLI print the same; the fast path served it iff ``served``."""
    fast = run_ours(args, cwd, "explain", env, prog)
    slow = run_ours(args, cwd, "0", env, prog)
    assert slow.served is None
    assert fast.served is not None, f"no explain line: {fast.stderr}"
    assert fast.served == served, f"{' '.join(args)}: expected served={served}, got {fast.why}"
    assert (fast.stdout, fast.stderr, fast.status) == (slow.stdout, slow.stderr, slow.status), (
        f"{' '.join(args)} differs from the Python CLI\n"
        f"--- fast ({fast.status})\n{fast.stdout}{fast.stderr}"
        f"--- python ({slow.status})\n{slow.stdout}{slow.stderr}"
    )
    return fast


# -- graphs --------------------------------------------------------------------------------

GRAPHS: dict[str, dict[str, object]] = {
    "empty": dict(n=0, seed=0),
    "linear": dict(n=12, seed=31, p_base=0.0, p_branch=0.0, p_merge=0.0, p_depends=0.0),
    "labels": dict(
        n=40, seed=32, p_label=0.8, p_branch=0.3, p_merge=0.3, p_depends=0.0, max_heads=4
    ),
    "deps": dict(n=30, seed=33, p_depends=0.2, p_branch=0.25),
    "split": dict(n=20, seed=34, split_share=0.4, p_depends=0.0),
}


@pytest.fixture
def graph(make_project: Callable[[str, list[RevSpec]], Project]) -> Callable[[str], Project]:
    def build(key: str) -> Project:
        revs = gen_graph.generate_graph(**GRAPHS[key])  # type: ignore[arg-type]
        return make_project(f"fast-{key}", revs)

    return build


def _commands(project: Project) -> list[list[str]]:
    cmds = [
        ["heads"],
        ["heads", "-v"],
        ["heads", "--resolve-dependencies"],
        ["branches"],
        ["branches", "--verb"],
        ["history"],
        ["history", "-v"],
        ["history", "-r", "base:heads"],
        ["history", "--rev-range=-2:"],
        ["history", "-r", "nocolon"],
        ["show", "head"],
        ["show", "heads"],
        ["show", "base"],
        ["show", "ffffffffffff"],
        ["-q", "show", "ffffffffffff"],
        ["-n", "alembic", "-c", "alembic.ini", "heads"],
        ["--raiseerr", "heads"],
    ]
    if project.revisions:
        ids = project.ids
        cmds += [["show", project.heads[-1]], ["show", ids[len(ids) // 2][:6]]]
        cmds += [["history", "-r", f"{ids[0]}:{project.heads[-1]}"]]
    if project.labels:
        lbl = project.labels[0]
        cmds += [["show", f"{lbl}@head"], ["history", "-r", f"{lbl}@base:{lbl}@head"]]
    return cmds


@pytest.mark.parametrize("key", list(GRAPHS))
def test_read_verbs_served(key: str, graph: Callable[[str], Project]) -> None:
    """Every read verb on a plain project is served, and prints what the Python CLI prints."""
    project = graph(key)
    for args in _commands(project):
        check(args, project.root, served=True)


def test_non_literal_headers_fall_back(make_project: Callable[..., Project]) -> None:
    """A revision header that is not plain literals is imported: by Python."""
    revs = gen_graph.generate_graph(10, 35, dynamic_share=0.5)
    project = make_project("fast-dynamic", revs)
    for args in (["heads"], ["history"], ["show", "head"]):
        check(args, project.root, served=False)


def test_python_cases_fall_back(graph: Callable[[str], Project]) -> None:
    """Where alembic runs Python (env.py, tracebacks, -x, other verbs), Python runs."""
    project = graph("linear")
    for args in (
        ["history", "-i"],
        ["history", "--indicate-current"],
        ["history", "-r", "current:"],
        ["history", "-r", "a:b:c"],
        ["show", "current"],
        ["--raiseerr", "show", "ffffffffffff"],
        ["-x", "a=b", "heads"],
        ["heads", "--bogus"],
        ["history", "-r", "-2:"],
        ["heads", "--", "x"],
        ["init", "--help"],
        ["current", "--help"],
        ["nonsense"],
    ):
        check(args, project.root, served=False)


@pytest.mark.parametrize("columns", [None, "13", "40", "80", "200"])
def test_help_and_usage_errors(columns: str | None, tmp_path: Path) -> None:
    """``--help`` (top-level and per verb), ``--version`` and argparse's usage errors."""
    env = {"COLUMNS": columns} if columns else {}
    for args in (
        ["--help"],
        ["-h"],
        ["heads", "-h"],
        ["history", "--help"],
        ["show", "-h"],
        ["branches", "--he"],
        ["list_templates", "-h"],
        ["--version"],
        ["-q", "--vers"],
        [],
        ["-q"],
        ["show"],
        ["heads", "extra"],
        ["history", "-r"],
        ["history", "-r", "-v"],
        ["-c"],
        ["show", "x", "-h"],
    ):
        check(args, tmp_path, served=True, env=env)


def test_list_templates(tmp_path: Path) -> None:
    check(["list_templates"], tmp_path, served=True)
    check(["-q", "list_templates"], tmp_path, served=True)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_config_errors(tmp_path: Path, graph: Callable[[str], Project]) -> None:
    """Missing configuration, two ini files, a script folder that does not exist."""
    check(["heads"], tmp_path, served=True)  # no alembic.ini: no script_location
    check(["-c", "a.ini", "-c", "b.ini", "heads"], tmp_path, served=True)
    check(["-c", "pyproject.toml", "-c", "x/pyproject.toml", "heads"], tmp_path, served=True)
    _write(tmp_path / "missing" / "alembic.ini", "[alembic]\nscript_location = %(here)s/nope\n")
    check(["-c", "missing/alembic.ini", "history"], tmp_path, served=True)
    check(["-c", "missing/alembic.ini", "-n", "other", "heads"], tmp_path, served=True)
    # an ini that configparser refuses: Python reports it
    _write(tmp_path / "broken" / "alembic.ini", "no section header\n")
    check(["-c", "broken/alembic.ini", "heads"], tmp_path, served=False)
    # ALEMBIC_CONFIG names the ini
    project = graph("labels")
    check(
        ["heads"], tmp_path, served=True, env={"ALEMBIC_CONFIG": str(project.root / "alembic.ini")}
    )


def test_pyproject_config(tmp_path: Path, graph: Callable[[str], Project]) -> None:
    """``[tool.alembic]`` in pyproject.toml, with ``%(here)s``."""
    project = graph("labels")
    root = tmp_path / "toml"
    _write(
        root / "pyproject.toml",
        '[tool.alembic]\nscript_location = "%(here)s/migrations"\n',
    )
    (root / "migrations").symlink_to(project.root / "migrations")
    for args in (["heads"], ["history", "-v"], ["branches"]):
        check(args, root, served=True)


def test_revision_environment(tmp_path: Path, graph: Callable[[str], Project]) -> None:
    """``revision_environment = true``: history runs env.py (Python); heads does not."""
    project = graph("linear")
    ini = (project.root / "alembic.ini").read_text()
    _write(
        tmp_path / "alembic.ini",
        ini.replace("[alembic]\n", "[alembic]\nrevision_environment = true\n", 1).replace(
            "%(here)s/migrations", str(project.root / "migrations")
        ),
    )
    check(["heads"], tmp_path, served=True)
    check(["history"], tmp_path, served=False)


def test_deprecation_warnings(tmp_path: Path, graph: Callable[[str], Project]) -> None:
    """Old keys warn (DeprecationWarning): served when Python would not show it."""
    project = graph("linear")
    ini = (project.root / "alembic.ini").read_text().replace("path_separator = os\n", "")
    ini = ini.replace("%(here)s/migrations", str(project.root / "migrations"))
    _write(
        tmp_path / "alembic.ini",
        ini.replace("[alembic]\n", "[alembic]\nversion_path_separator = os\n"),
    )
    check(["heads"], tmp_path, served=True)
    check(["heads"], tmp_path, served=False, env={"PYTHONWARNINGS": "default"})
    res = run_ours(["heads"], tmp_path, "0", env={"PYTHONWARNINGS": "default"})
    assert "DeprecationWarning" in res.stderr


def test_package_resource_location(tmp_path: Path) -> None:
    _write(tmp_path / "alembic.ini", "[alembic]\nscript_location = somepkg:migrations\n")
    check(["heads"], tmp_path, served=False)


def test_python_dash_m(graph: Callable[[str], Project]) -> None:
    """``python -m alembic_rs``: the same fast path, prog ``alembic-rs``."""
    project = graph("labels")
    prog = [sys.executable, "-m", "alembic_rs"]
    check(["heads", "-v"], project.root, served=True, prog=prog)
    check(["history", "-h"], project.root, served=True, prog=prog)


def _imported(stderr: str) -> set[str]:
    """Module names from ``-X importtime`` lines."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    } - {"package"}


def test_served_commands_import_nothing_else(graph: Callable[[str], Project]) -> None:
    """Honesty check without the explain switch: a served command imports the package and
    its extension and stops there; the Python CLI imports the commands and argparse."""
    project = graph("labels")
    env = {"PYTHONPROFILEIMPORTTIME": "1"}
    for args in (["heads"], ["history", "-v"], ["show", "head"], ["--help"]):
        res = run_ours(args, project.root, "1", env)
        mods = _imported(res.stderr)
        assert "alembic_rs._native" in mods
        assert {"argparse", "alembic_rs.command", "alembic_rs.config", "sqlalchemy"}.isdisjoint(
            mods
        ), f"{args}: {sorted(m for m in mods if m.startswith(('alembic', 'arg', 'sql')))}"
    res = run_ours(["heads"], project.root, "0", env)
    assert {"argparse", "alembic_rs.command"} <= _imported(res.stderr)


def test_package_api_stays_importable() -> None:
    """``import alembic_rs`` is cheap, and ``command`` / ``Config`` / ``install_as_alembic``
    still come from it."""
    code = (
        "import sys, alembic_rs\n"
        "assert 'alembic_rs.command' not in sys.modules\n"
        "from alembic_rs import command, Config, install_as_alembic\n"
        "import alembic_rs.command as c\n"
        "assert command is c and callable(command.heads) and Config.__name__ == 'Config'\n"
        "assert callable(install_as_alembic) and 'command' in dir(alembic_rs)\n"
        "from alembic_rs.config import CommandLine, main\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
