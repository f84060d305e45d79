"""``revision``, ``merge`` and ``edit`` against real alembic, broken ini files, and the
rule that read-only commands never import SQLAlchemy.

For the file-writing commands both tools start from copies of the same project and run
the same command line with a fixed ``--rev-id``; the files they write must be equal
(but for the ``Create Date`` line) and real alembic must read ours.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import difftools
import pytest
from difftools import AssertSame, alembic_cmd, ours_cmd, run

BASE_INI = textwrap.dedent(
    """\
    [alembic]
    script_location = %(here)s/migrations
    path_separator = os
    """
)


def _project(root: Path, template: str = "generic") -> Path:
    """A fresh project made by real alembic's ``init`` (its own templates)."""
    root.mkdir(parents=True)
    proc = run(alembic_cmd(), ["init", "-t", template, "migrations"], root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (root / "alembic.ini").write_text(BASE_INI)
    return root


def _written(root: Path) -> dict[str, str]:
    """The revision files under ``root``, with the create date blanked."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        if "versions" in path.parts:
            text = re.sub(r"Create Date: .*", "Create Date: <date>", path.read_text())
            out[str(path.relative_to(root))] = text
    return out


STEPS: list[list[list[str]]] = [
    # one list of command lines per scenario, run in order in both projects
    [["revision", "-m", "first", "--rev-id", "aaa111"]],
    [
        ["revision", "-m", "first", "--rev-id", "aaa111"],
        ["revision", "-m", "second step, with punctuation!", "--rev-id", "bbb222"],
        ["revision", "-m", "branch", "--rev-id", "ccc333", "--head", "aaa111", "--splice"],
        ["merge", "-m", "merge them", "--rev-id", "ddd444", "bbb222", "ccc333"],
    ],
    [
        ["revision", "-m", "base one", "--rev-id", "aaa111", "--branch-label", "core"],
        ["revision", "-m", "other base", "--rev-id", "eee555", "--head", "base"],
        [
            "revision",
            "-m",
            "needs core",
            "--rev-id",
            "fff666",
            "--head",
            "eee555",
            "--depends-on",
            "core",
        ],
        ["revision", "-m", "on core", "--rev-id", "ggg777", "--head", "core@head"],
        ["merge", "heads", "--rev-id", "hhh888", "--branch-label", "merged"],
    ],
    [
        # several depends_on are written as alembic writes them (a list); a linear graph,
        # so alembic's own history order does not vary from run to run
        ["revision", "-m", "first", "--rev-id", "aaa111"],
        ["revision", "-m", "second", "--rev-id", "bbb222"],
        [
            "revision",
            "-m",
            "needs two",
            "--rev-id",
            "ccc333",
            "--depends-on",
            "aaa111",
            "--depends-on",
            "bbb222",
        ],
    ],
    [
        ["revision", "-m", "first", "--rev-id", "aaa111"],
        ["revision", "-m", "not a head", "--rev-id", "bbb222", "--head", "aaa111"],
        ["revision", "-m", "spliced", "--rev-id", "bbb222", "--head", "aaa111"],
    ],
]


@pytest.mark.parametrize(
    "steps", STEPS, ids=["one", "branch-merge", "labels-depends", "two-depends", "errors"]
)
def test_revision_and_merge_write_what_alembic_writes(
    tmp_path: Path, steps: list[list[str]]
) -> None:
    theirs = _project(tmp_path / "alembic")
    ours = tmp_path / "ours"
    shutil.copytree(theirs, ours)
    for argv in steps:
        a = run(alembic_cmd(), argv, theirs)
        b = run(ours_cmd(), argv, ours)
        assert b.returncode == a.returncode, (argv, a.stdout, b.stdout, b.stderr)
        failed = [line for line in a.stdout.splitlines() if line.startswith("FAILED")]
        assert [line for line in b.stdout.splitlines() if line.startswith("FAILED")] == failed
    assert _written(ours) == _written(theirs)

    # real alembic reads the graph we wrote exactly as the one it wrote itself
    def seen(root: Path, argv: list[str]) -> str:
        text = run(alembic_cmd(), argv, root).stdout.replace(str(root), "<root>")
        # label order within a line is set order in alembic itself
        return difftools.normalise_stdout(re.sub(r"Create Date: .*", "Create Date: <date>", text))

    for argv in (["heads", "-v"], ["history", "-v"], ["branches"]):
        assert seen(ours, argv) == seen(theirs, argv)


def test_version_path_and_file_template(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    other = root / "migrations" / "more_versions"
    (root / "alembic.ini").write_text(
        BASE_INI
        + "version_locations = %(here)s/migrations/versions:%(here)s/migrations/more_versions\n"
        + "file_template = %%(year)d_%%(rev)s_%%(slug)s\n"
        + "truncate_slug_length = 10\n"
    )
    proc = run(
        ours_cmd(),
        [
            "revision",
            "-m",
            "a long message to truncate",
            "--rev-id",
            "abc123",
            "--version-path",
            str(other),
        ],
        root,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (written,) = other.glob("*.py")
    assert re.fullmatch(r"\d{4}_abc123_a_long_.py", written.name), written.name
    assert run(alembic_cmd(), ["heads"], root).stdout == "abc123 (head)\n"


def test_edit_runs_the_editor_on_the_file(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    run(ours_cmd(), ["revision", "-m", "first", "--rev-id", "aaa111"], root)
    log = tmp_path / "edited"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    editor.chmod(0o755)
    proc = subprocess.run(
        [*ours_cmd(), "edit", "aaa"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"EDITOR": str(editor), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert log.read_text().strip().endswith("aaa111_first.py")


BROKEN_INI = {
    "duplicate-section": "[alembic]\nscript_location = x\n[alembic]\nfoo = 1\n",
    "duplicate-option": "[alembic]\nscript_location = x\nscript_location = y\n",
    "no-section-header": "script_location = x\n",
    "bad-interpolation": "[alembic]\nscript_location = %(nope)s/migrations\n",
    "bad-percent": "[alembic]\nscript_location = 50%\n",
    "no-script-location": "[alembic]\nsqlalchemy.url = sqlite://\n",
    "other-section-only": "[other]\nscript_location = x\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_INI))
def test_broken_ini_fails_like_alembic(tmp_path: Path, name: str, assert_same: AssertSame) -> None:
    """Same message as alembic (its traceback's last line, our ``FAILED:`` line)."""
    (tmp_path / "alembic.ini").write_text(BROKEN_INI[name])
    assert_same(["heads"], tmp_path)


def test_read_commands_never_import_sqlalchemy(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    for i, argv in enumerate(
        (
            ["revision", "-m", "one", "--rev-id", "aaa111"],
            ["revision", "-m", "two", "--rev-id", "bbb222"],
        )
    ):
        assert run(ours_cmd(), argv, root).returncode == 0, i
    # the Python CLI (fast path off) runs the commands without SQLAlchemy; the fast path
    # (tests/test_fast_read.py) does not even import the commands
    for fast_path in ("0", "1"):
        for argv in (
            ["heads", "-v"],
            ["history", "-v"],
            ["branches"],
            ["show", "head"],
            ["list_templates"],
        ):
            proc = subprocess.run(
                [sys.executable, "-X", "importtime", "-m", "alembic_rs", *argv],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "ALEMBIC_RS_FAST_PATH": fast_path},
            )
            assert proc.returncode == 0, proc.stderr
            imported = [
                line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line
            ]
            assert ("alembic_rs.command" in imported) == (fast_path == "0"), argv
            assert not [m for m in imported if m.split(".")[0] in ("sqlalchemy", "mako")], argv


def test_revision_environment_runs_env_py_and_renders_like_alembic(tmp_path: Path) -> None:
    """``revision_environment = true``: env.py runs first; the bodies come out as alembic's."""
    theirs = _project(tmp_path / "alembic")
    ours = tmp_path / "ours"
    shutil.copytree(theirs, ours)
    for root in (theirs, ours):
        (root / "alembic.ini").write_text(
            BASE_INI
            + f"revision_environment = true\nsqlalchemy.url = sqlite:///{root}/x.db\n"
            # env.py calls fileConfig(): the smallest logging setup it accepts
            + "[loggers]\nkeys = root\n[handlers]\nkeys =\n[formatters]\nkeys =\n"
            + "[logger_root]\nlevel = WARN\nhandlers =\n"
        )
    steps = [
        ["revision", "-m", "with env", "--rev-id", "aaa111"],
        ["revision", "-m", "side", "--rev-id", "bbb222", "--head", "base"],
        ["merge", "heads", "-m", "join", "--rev-id", "ccc333"],
    ]
    for argv in steps:
        a, b = run(alembic_cmd(), argv, theirs), run(ours_cmd(), argv, ours)
        assert a.returncode == b.returncode == 0, b.stdout + b.stderr
    assert _written(ours) == _written(theirs)
