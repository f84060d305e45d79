"""Smoke test of an installed alembic-rs (a wheel or the sdist in a clean venv).

    python tests/wheel_smoke.py

Runs, with the Python that runs it and the ``alembic-rs`` installed next to it:
``alembic-rs --help``; ``init`` (the packaged templates), ``revision`` (Mako), then
``upgrade head`` / ``current`` / ``downgrade base`` / ``upgrade head --sql`` on SQLite;
and ``import alembic`` after ``install_as_alembic()``. Needs only what alembic-rs
itself depends on. Exits non-zero on the first failure. Not collected by pytest (it
tests the installation, not the source tree); the wheel workflow and ``make
wheel-check`` run it.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

CREATE = 'op.create_table("smoke", sa.Column("id", sa.Integer, primary_key=True))'
DROP = 'op.drop_table("smoke")'


def cli() -> list[str]:
    """The ``alembic-rs`` console script of the running Python's environment."""
    scripts = Path(sys.executable).parent
    found = shutil.which("alembic-rs", path=str(scripts))
    if found is None:
        raise SystemExit(f"no alembic-rs console script in {scripts}")
    return [found]


def run(*args: str, cwd: Path) -> str:
    print(f"$ alembic-rs {' '.join(args)}", flush=True)
    proc = subprocess.run([*cli(), *args], cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def fill(source: str, function: str, body: str) -> str:
    """The rendered revision with the ``pass`` of ``function`` replaced by ``body``."""
    head, sep, rest = source.partition(f"def {function}()")
    return head + sep + rest.replace("    pass", f"    {body}", 1)


def tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="alembic_rs_smoke_"))
    try:
        assert "upgrade" in run("--help", cwd=work)
        run("init", "migrations", cwd=work)
        ini = work / "alembic.ini"
        db = work / "smoke.db"
        text = re.sub(
            r"(?m)^sqlalchemy\.url = .*$",
            f"sqlalchemy.url = sqlite:///{db.as_posix()}",
            ini.read_text(),
        )
        ini.write_text(text)

        run("revision", "-m", "create smoke", cwd=work)
        (script,) = (work / "migrations" / "versions").glob("*.py")
        source = fill(fill(script.read_text(), "upgrade", CREATE), "downgrade", DROP)
        assert CREATE in source and DROP in source, source
        script.write_text(source)

        run("upgrade", "head", cwd=work)
        assert "smoke" in tables(db), tables(db)
        assert "(head)" in run("current", cwd=work)
        run("downgrade", "base", cwd=work)
        assert "smoke" not in tables(db), tables(db)
        assert "CREATE TABLE smoke" in run("upgrade", "head", "--sql", cwd=work)

        check = textwrap.dedent(
            f"""
            import alembic_rs
            alembic_rs.install_as_alembic()
            from alembic import command
            from alembic.config import Config
            from alembic.migration import MigrationContext
            import alembic
            assert alembic.command is alembic_rs.command, alembic.command
            command.upgrade(Config({str(ini)!r}), "head")
            """
        )
        print("$ python -c 'install_as_alembic(); alembic.command.upgrade(...)'", flush=True)
        subprocess.run([sys.executable, "-c", check], cwd=work, check=True)
        assert "smoke" in tables(db), tables(db)
        print("wheel smoke test passed")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
