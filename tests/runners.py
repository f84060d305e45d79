"""Ways to run an alembic command line, so one test can drive several tools.

A runner is a callable ``runner(argv, cwd) -> RunResult``: ``argv`` is what
follows the program name (``["upgrade", "head", "--sql"]``), ``cwd`` the
directory it runs in. ``real_alembic`` runs alembic itself in-process, but
with ``init``/``list_templates`` reading alembic-rs's templates; ``cli(exe)``
runs an executable (``alembic-rs`` once it exists) in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "python" / "alembic_rs" / "templates"


@dataclass
class RunResult:
    """Exit status and captured output of one command."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> RunResult:
        """Fail with the captured output unless the command succeeded."""
        if self.returncode != 0:
            raise AssertionError(
                f"{self.argv} exited {self.returncode}\n"
                f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
            )
        return self


Runner = Callable[[Sequence[str], Path], RunResult]


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def real_alembic(argv: Sequence[str], cwd: Path) -> RunResult:
    """Run alembic's own command line in this process, with our ``init`` templates."""
    from alembic.config import CommandLine, Config

    class OurTemplatesConfig(Config):
        def get_template_directory(self) -> str:
            return str(TEMPLATES_DIR)

    argv = list(argv)
    out, err = io.StringIO(), io.StringIO()
    cmdline = CommandLine(prog="alembic")
    returncode = 0
    saved_path = list(sys.path)
    with _chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            options = cmdline.parser.parse_args(argv)
            toml, ini = cmdline._inis_from_config(options)
            cfg = OurTemplatesConfig(
                file_=ini,
                toml_file=toml,
                ini_section=options.name,
                cmd_opts=options,
                stdout=out,
            )
            cmdline.run_cmd(cfg, options)
        except SystemExit as exc:  # alembic's util.err() exits -1
            code = exc.code
            returncode = code if isinstance(code, int) else (0 if code is None else 1)
        finally:
            # prepend_sys_path entries stay behind otherwise
            sys.path[:] = saved_path
    return RunResult(argv, returncode, out.getvalue(), err.getvalue())


def cli(executable: str) -> Runner:
    """A runner for a command-line program, e.g. ``cli("alembic-rs")``."""

    def run(argv: Sequence[str], cwd: Path) -> RunResult:
        proc = subprocess.run(
            [executable, *argv], cwd=cwd, capture_output=True, text=True, check=False
        )
        return RunResult(list(argv), proc.returncode, proc.stdout, proc.stderr)

    run.__name__ = Path(executable).name
    return run
