"""A data migration through ``op.get_bind()``: alembic vs alembic-rs, ratios printed.

    python bench/bench_data.py                      # 5,000 rows, PostgreSQL and SQLite
    python bench/bench_data.py --rows 20000 --repeat 3
    python bench/bench_data.py --callgrind          # instruction counts of alembic-rs

The project has two revisions: one creates ``events`` (a date, a naive and an aware
datetime, a string), the other inserts ``--rows`` rows through ``op.get_bind()`` with
``sa.text`` and bound parameters (an executemany), then reads them all back. Every row
crosses the PEP 249 adapter both ways, so this is the path where the conversion of
dates and datetimes between Python and Rust costs most.

``--callgrind`` runs alembic-rs once per database under ``valgrind --tool=callgrind``
and prints instructions executed: by the whole process, and inside ``dbapi_execute``
(the native function every statement of the adapter goes through, conversions
included). Instruction counts do not move with the machine's load, so two builds can
be compared on a shared machine. No assertions on times.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import runtime_projects as rp
from bench_runtime import FreshPg, _alembic_command, _fmt, _ratio, _run

ROWS_ENV = "BENCH_ROWS"

CREATE = """\
op.create_table(
    "events",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("at_tz", sa.DateTime(timezone=True), nullable=False),
    sa.Column("label", sa.String(50), nullable=False),
)
"""

MIGRATE = """\
n = int(os.environ["BENCH_ROWS"])
base = datetime.datetime(2024, 1, 1, 12, 30, 15, 123456)
utc = datetime.timezone.utc
rows = [
    {
        "id": i,
        "day": base.date() + datetime.timedelta(days=i % 1000),
        "at": base + datetime.timedelta(seconds=i),
        "at_tz": (base + datetime.timedelta(seconds=i)).replace(tzinfo=utc),
        "label": f"event {i}",
    }
    for i in range(n)
]
bind = op.get_bind()
bind.execute(
    sa.text("INSERT INTO events (id, day, at, at_tz, label) VALUES (:id, :day, :at, :at_tz, :label)"),
    rows,
)
got = bind.execute(sa.text("SELECT id, day, at, at_tz, label FROM events ORDER BY id")).all()
assert len(got) == n, len(got)
"""


def write_data_project(directory: Path) -> Path:
    """The two-revision project: create ``events``, then fill and read it."""
    revisions = [
        rp.Revision("da7a00000001", None, "create events", CREATE, 'op.drop_table("events")'),
        rp.Revision(
            "da7a00000002",
            "da7a00000001",
            "fill events",
            MIGRATE,
            'op.execute("DELETE FROM events")',
            imports="import datetime, os\n",
        ),
    ]
    return rp.write_project(directory, revisions)


def _online(command: list[str], project: Path, dialect: str, work: Path, rows: int) -> float:
    """One ``upgrade head`` on a fresh database; seconds."""
    os.environ[ROWS_ENV] = str(rows)
    if dialect == "postgresql":
        with FreshPg() as db:
            return _run(command, ["upgrade", "head"], project, rp.pg_url(db))[0]
    path = work / f"{rp.unique_name('bench')}.db"
    try:
        return _run(command, ["upgrade", "head"], project, f"sqlite:///{path}")[0]
    finally:
        path.unlink(missing_ok=True)


def _bench_times(project: Path, tools: dict[str, list[str]], work: Path, args) -> None:
    print(f"{args.rows} rows inserted and read back through `op.get_bind()`\n")
    print("| database | alembic | alembic-rs | alembic / alembic-rs |")
    print("|---|---:|---:|---:|")
    for dialect in ("postgresql", "sqlite"):
        times = {
            name: min(
                _online(command, project, dialect, work, args.rows) for _ in range(args.repeat)
            )
            for name, command in tools.items()
        }
        a, o = times.get("alembic"), times.get("alembic-rs")
        print(f"| {dialect} | {_fmt(a)} | {_fmt(o)} | {_ratio(a, o)} |")


_COLLECTED = re.compile(r"Collected : (\d+)")


def _bench_callgrind(project: Path, ours: list[str], work: Path, args) -> None:
    print(f"{args.rows} rows, alembic-rs = {shlex.join(ours)}, instructions (callgrind)\n")
    print("| database | whole process | inside `dbapi_execute` |")
    print("|---|---:|---:|")
    for dialect in ("postgresql", "sqlite"):
        counts = []
        for extra in ([], ["--collect-atstart=no", "--toggle-collect=*dbapi_execute*"]):
            wrapped = [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                *extra,
                *ours,
            ]
            counts.append(_collected(wrapped, project, dialect, work, args.rows))
        print(f"| {dialect} | {counts[0]:,} | {counts[1]:,} |")


def _collected(command: list[str], project: Path, dialect: str, work: Path, rows: int) -> int:
    """Run under callgrind and return its ``Collected`` instruction count."""
    os.environ[ROWS_ENV] = str(rows)
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts on every run

    def run(url: str) -> int:
        proc = subprocess.run(
            [*command, "upgrade", "head"],
            cwd=project,
            env={**env, rp.URL_ENV: url},
            capture_output=True,
            text=True,
            check=False,
        )
        found = _COLLECTED.findall(proc.stderr)
        if proc.returncode != 0 or not found:
            raise SystemExit(f"{shlex.join(command)} failed\n{proc.stderr[-3000:]}")
        return int(found[-1])

    if dialect == "postgresql":
        with FreshPg() as db:
            return run(rp.pg_url(db))
    path = work / f"{rp.unique_name('bench')}.db"
    try:
        return run(f"sqlite:///{path}")
    finally:
        path.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the best is kept")
    parser.add_argument(
        "--callgrind", action="store_true", help="instruction counts of alembic-rs, no times"
    )
    args = parser.parse_args()

    ours = rp.ours_command()
    have_ours = shutil.which(ours[0]) is not None
    work = Path(tempfile.mkdtemp(prefix="bench_data_"))
    try:
        project = write_data_project(work / "data")
        if args.callgrind:
            if not have_ours:
                raise SystemExit(f"{ours[0]} not found (set ALEMBIC_RS_CMD)")
            _bench_callgrind(project, ours, work, args)
            return
        tools = {"alembic": _alembic_command(), **({"alembic-rs": ours} if have_ours else {})}
        _bench_times(project, tools, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
