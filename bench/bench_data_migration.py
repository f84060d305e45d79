"""The seed's data migration through ``op.get_bind()``: alembic vs alembic-rs, ratios printed.

    python bench/bench_data_migration.py                    # 20,000 rows; 1,000 via the proxy
    python bench/bench_data_migration.py --rows 5000 --proxy-rows 500 --repeat 3
    python bench/bench_data_migration.py --no-proxy --dialects postgresql,sqlite,mysql

The migration is the seed's own batch pattern (``migrations-reference.md``, "Conflict
with existing data"): a LIMIT/OFFSET loop of SELECTs, 1,000 ids at a time, with one
parameterised UPDATE per row, through ``op.get_bind()`` and ``sa.text`` (with an
``ORDER BY id``, so that every run visits the same rows). The ``users`` table is filled
before each run, outside the timing; each run is a fresh process on a fresh database
(``upgrade head`` of a one-revision project). The tools take turns, ``--repeat`` times
(3), and each one's fastest migration is kept: the machine's load weighs on both alike.

Printed per tool: the whole command's time and the migration's own (measured inside
``upgrade()``), and the ratios alembic / alembic-rs. On loopback with ``--rows`` rows;
through ``latency_proxy.py`` (``--delay-ms`` each way, PostgreSQL) with ``--proxy-rows``
rows, for both tools alike, also the round trips the client waited for (the proxy's
"turns"). No assertions: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import runtime_projects as rp
from bench_runtime import FreshPg, _alembic_command, _fmt, _ratio, _run
from latency_proxy import LatencyProxy

OUT_ENV = "BENCH_DM_OUT"

MIGRATE = """\
connection = op.get_bind()
start = time.perf_counter()

# the seed's pattern: process in batches
batch_size = 1000
offset = 0

while True:
    result = connection.execute(
        sa.text(f"SELECT id FROM users ORDER BY id LIMIT {batch_size} OFFSET {offset}")
    )
    rows = result.fetchall()

    if not rows:
        break

    for row in rows:
        connection.execute(
            sa.text("UPDATE users SET status = 'active' WHERE id = :id"),
            {"id": row[0]}
        )

    offset += batch_size

with open(os.environ["BENCH_DM_OUT"], "w") as out:
    out.write(str(time.perf_counter() - start))
"""


def write_project(directory: Path) -> Path:
    """A one-revision project: the data migration over an existing ``users`` table."""
    revision = rp.Revision(
        "dada00000001",
        None,
        "activate users",
        MIGRATE,
        imports="import os, time\n",
    )
    return rp.write_project(directory, [revision])


def fill(url: str, dialect: str, rows: int) -> None:
    """Create ``users (id, status)`` with ``rows`` ids, status NULL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, status VARCHAR(20))")
            if dialect == "postgresql":
                conn.exec_driver_sql(f"INSERT INTO users (id) SELECT generate_series(1, {rows})")
            else:
                conn.execute(
                    sa.text("INSERT INTO users (id) VALUES (:id)"),
                    [{"id": i} for i in range(1, rows + 1)],
                )
    finally:
        engine.dispose()


@dataclass
class Run:
    """One ``upgrade head``: the command's seconds, the migration's own, round trips."""

    total: float
    migration: float
    turns: int | None = None


def one_run(
    command: list[str],
    project: Path,
    work: Path,
    dialect: str,
    rows: int,
    proxy: LatencyProxy | None = None,
) -> Run:
    """``upgrade head`` on a fresh, filled database."""
    out = work / "migration_seconds"
    os.environ[OUT_ENV] = str(out)

    def timed(url: str, via: str) -> Run:
        fill(url, dialect, rows)
        if proxy is not None:
            proxy.reset()
        total = _run(command, ["upgrade", "head"], project, via)[0]
        turns = proxy.stats().turns if proxy is not None else None
        return Run(total, float(out.read_text()), turns)

    if dialect == "postgresql":
        with FreshPg() as db:
            port = proxy.port if proxy is not None else None
            return timed(rp.pg_url(db), rp.pg_url(db, port=port))
    if dialect == "sqlite":
        path = work / f"{rp.unique_name('bench')}.db"
        try:
            return timed(f"sqlite:///{path}", f"sqlite:///{path}")
        finally:
            path.unlink(missing_ok=True)
    db = rp.create_database(dialect, work)
    try:
        return timed(db.url, db.url)
    finally:
        rp.drop_database(db)


def alternating(
    tools: dict[str, list[str]], repeat: int, one: Callable[[list[str]], Run]
) -> dict[str, Run]:
    """Each tool's best of ``repeat`` runs, the tools taking turns (a shared machine's
    load then weighs on both alike)."""
    runs: dict[str, list[Run]] = {name: [] for name in tools}
    for _ in range(repeat):
        for name, cmd in tools.items():
            runs[name].append(one(cmd))
    return {name: min(rs, key=lambda r: r.migration) for name, rs in runs.items()}


def bench_loopback(tools: dict[str, list[str]], project: Path, work: Path, args) -> None:
    print(
        f"### loopback: {args.rows:,} rows, one UPDATE each\n\n"
        "| database | tool | `upgrade head` | the migration alone |\n"
        "|---|---|---:|---:|"
    )
    ratios = []
    for dialect in args.dialects.split(","):
        results = alternating(
            tools, args.repeat, lambda cmd, d=dialect: one_run(cmd, project, work, d, args.rows)
        )
        for name, r in results.items():
            print(f"| {dialect} | {name} | {_fmt(r.total)} | {_fmt(r.migration)} |", flush=True)
        ratios += ratio_lines(dialect, results)
    print("\n" + "\n".join(ratios) + "\n")


def bench_proxy(tools: dict[str, list[str]], project: Path, work: Path, args) -> None:
    print(
        f"### PostgreSQL through a proxy adding {args.delay_ms:g} ms each way:"
        f" {args.proxy_rows:,} rows\n\n"
        "| tool | `upgrade head` | the migration alone | round trips waited |\n"
        "|---|---:|---:|---:|"
    )
    with LatencyProxy(rp.PG_HOST, rp.PG_PORT, delay=args.delay_ms / 1000) as proxy:
        results = alternating(
            tools,
            args.repeat,
            lambda cmd: one_run(cmd, project, work, "postgresql", args.proxy_rows, proxy),
        )
    for name, r in results.items():
        print(f"| {name} | {_fmt(r.total)} | {_fmt(r.migration)} | {r.turns:,} |")
    print("\n" + "\n".join(ratio_lines("postgresql via the proxy", results)) + "\n")


def ratio_lines(label: str, results: dict[str, Run]) -> list[str]:
    """``alembic / <tool>`` for the command and for the migration alone."""
    theirs = results.get("alembic")
    if theirs is None:
        return []
    return [
        f"- {label}: alembic / {name}: `upgrade head` {_ratio(theirs.total, r.total)},"
        f" the migration alone {_ratio(theirs.migration, r.migration)}"
        for name, r in results.items()
        if name != "alembic"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows on loopback")
    parser.add_argument("--proxy-rows", type=int, default=1_000, help="rows through the proxy")
    parser.add_argument("--delay-ms", type=float, default=5.0, help="proxy delay, each way")
    parser.add_argument("--dialects", default="postgresql,sqlite", help="on loopback")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per cell, tools alternating; the best is kept"
    )
    parser.add_argument("--no-proxy", action="store_true", help="loopback only")
    args = parser.parse_args()

    ours = rp.ours_command()
    tools = {"alembic": _alembic_command()}
    if shutil.which(ours[0]) is not None:
        tools["alembic-rs"] = ours
    else:
        print(f"note: {ours[0]} not found (set ALEMBIC_RS_CMD); alembic only\n")
    work = Path(tempfile.mkdtemp(prefix="bench_data_migration_"))
    try:
        project = write_project(work / "project")
        bench_loopback(tools, project, work, args)
        if not args.no_proxy:
            bench_proxy(tools, project, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
