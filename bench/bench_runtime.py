"""alembic vs alembic-rs on a long revision chain: same work, one run each, ratios printed.

    python bench/bench_runtime.py                  # 1,000 revisions, the table below
    python bench/bench_runtime.py --proxy          # online PostgreSQL through a 5 ms proxy
    python bench/bench_runtime.py --revisions 200 --repeat 3

Work measured (each a fresh process, as a user runs it):
- ``upgrade head --sql`` (postgresql dialect);
- online ``upgrade head`` on PostgreSQL (a fresh database each run) and on SQLite (a fresh file);
- the floor: alembic's ``--sql`` output applied with ``psql -1 -q -f`` to a fresh database.
``--proxy`` runs the online PostgreSQL upgrade through ``latency_proxy.py`` and also reports
how many messages (round trips) each tool sent.

"alembic-rs" is ``ALEMBIC_RS_CMD`` (default: the ``alembic-rs`` next to this Python); alembic
is the ``alembic`` next to this Python (``ALEMBIC_CMD`` overrides). PostgreSQL is
127.0.0.1:5432 (``RT_PG_HOST``/``RT_PG_PORT``/``RT_PG_USER``). No assertions on times.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import runtime_projects as rp
from latency_proxy import LatencyProxy


def _alembic_command() -> list[str]:
    command = os.environ.get("ALEMBIC_CMD")
    if command:
        return shlex.split(command)
    return [str(Path(sys.executable).parent / "alembic")]


def _run(command: list[str], argv: list[str], cwd: Path, url: str) -> tuple[float, str]:
    """Run one command; (seconds, stdout). Raises with the output if it fails."""
    env = {**os.environ, rp.URL_ENV: url}
    start = time.perf_counter()
    proc = subprocess.run(
        [*command, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(
            f"{shlex.join([*command, *argv])} exited {proc.returncode}\n{proc.stderr[-3000:]}"
        )
    return elapsed, proc.stdout


def _pg_admin(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", rp.PG_HOST, "-p", str(rp.PG_PORT), "-U", rp.PG_USER, "-q", "-d"]
        + ["postgres", "-c", sql],
        check=True,
        capture_output=True,
    )


class FreshPg:
    """A fresh PostgreSQL database for one run, dropped afterwards."""

    def __enter__(self) -> str:
        self.name = rp.unique_name("bench")
        _pg_admin(f'CREATE DATABASE "{self.name}"')
        return self.name

    def __exit__(self, *exc: object) -> None:
        _pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _best(times: list[float]) -> float:
    return min(times)


def _measure(repeat: int, one_run: Callable[[], float]) -> float:
    return _best([one_run() for _ in range(repeat)])


def _fmt(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f} s"


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.1f}x"


CHAIN_TEXT = {
    "mixed": "groups of four revisions (create a table, add a column, index it, rename it)",
    "tables": "every revision creates a table with four columns and an index",
}


def table_chain(n: int) -> list[rp.Revision]:
    """N revisions, each creating a table with four columns and an index on one of them."""
    revisions = []
    down = None
    for i in range(1, n + 1):
        rev = rp.chain_rev_id(i)
        up = (
            f'op.create_table("t{i}", sa.Column("id", sa.Integer, primary_key=True),'
            ' sa.Column("name", sa.String(50), nullable=False),'
            ' sa.Column("amount", sa.Numeric(10, 2)),'
            ' sa.Column("created", sa.DateTime, server_default=sa.text("CURRENT_TIMESTAMP")))\n'
            f'op.create_index("ix_t{i}_name", "t{i}", ["name"])'
        )
        dn = f'op.drop_index("ix_t{i}_name", table_name="t{i}")\nop.drop_table("t{i}")'
        revisions.append(rp.Revision(rev, down, f"table {i}", upgrade=up, downgrade=dn))
        down = rev
    return revisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the best is kept")
    parser.add_argument(
        "--proxy", action="store_true", help="online PostgreSQL through a latency proxy"
    )
    parser.add_argument("--delay-ms", type=float, default=5.0, help="proxy delay, each way")
    parser.add_argument(
        "--chain", choices=["both", *CHAIN_TEXT], default="both", help="which chain to run"
    )
    args = parser.parse_args()

    alembic = _alembic_command()
    ours = rp.ours_command()
    have_ours = shutil.which(ours[0]) is not None
    tools = {"alembic": alembic, **({"alembic-rs": ours} if have_ours else {})}
    if not have_ours:
        print(f"note: {ours[0]} not found (set ALEMBIC_RS_CMD); alembic only\n")

    work = Path(tempfile.mkdtemp(prefix="bench_runtime_"))
    try:
        chains = {
            "mixed": rp.write_linear_chain(work / "mixed", args.revisions),
            "tables": rp.write_project(work / "tables", table_chain(args.revisions)),
        }
        selected = list(chains) if args.chain == "both" else [args.chain]
        for name in selected:
            print(
                f"\n### {args.revisions}-revision chain: {CHAIN_TEXT[name]}\n\n"
                f"alembic = {shlex.join(alembic)}, alembic-rs = {shlex.join(ours)}\n"
            )
            if args.proxy:
                _bench_proxy(chains[name], tools, args)
            else:
                _bench_main(chains[name], tools, work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


# what any tool that runs the revision scripts pays: Python, SQLAlchemy, the scripts
_SCRIPTS_ONLY = """
import glob, importlib.util, sys, types
import sqlalchemy
class NoOp:
    def __getattr__(self, name):
        return lambda *a, **k: None
    if sys.argv[2:] == ["tables"]:
        # alembic's op.create_table returns the sqlalchemy Table it made (the one part of
        # an op's work that the API itself asks for)
        def create_table(self, name, *columns, **kw):
            return sqlalchemy.Table(name, sqlalchemy.MetaData(), *columns, **kw)
stub = types.ModuleType("alembic")
stub.op = stub.context = NoOp()
sys.modules["alembic"] = stub
for path in sorted(glob.glob(sys.argv[1] + "/*.py")):
    spec = importlib.util.spec_from_file_location("m", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.upgrade()
"""


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def _bench_main(project: Path, tools: dict[str, list[str]], work: Path, args) -> None:
    rows: list[tuple[str, dict[str, float]]] = []
    offline_url = rp.offline_url("postgresql")

    # untimed: compiles the revision files' __pycache__, which a user's second run has too
    _run(tools["alembic"], ["upgrade", "head", "--sql"], project, offline_url)

    # -- upgrade head --sql ----------------------------------------------------------
    outputs: dict[str, str] = {}
    times: dict[str, float] = {}
    for name, command in tools.items():
        runs = []
        for _ in range(args.repeat):
            seconds, outputs[name] = _run(
                command, ["upgrade", "head", "--sql"], project, offline_url
            )
            runs.append(seconds)
        times[name] = _best(runs)
    rows.append(("`upgrade head --sql` (postgresql)", times))
    same_sql = len(set(outputs.values())) == 1

    # -- online PostgreSQL, fresh database per run --------------------------------------
    def pg_run(command: list[str]) -> float:
        with FreshPg() as db:
            return _run(command, ["upgrade", "head"], project, rp.pg_url(db))[0]

    rows.append(
        (
            "online `upgrade head`, PostgreSQL",
            {n: _measure(args.repeat, lambda c=c: pg_run(c)) for n, c in tools.items()},
        )
    )

    # -- online SQLite, fresh file per run --------------------------------------------------
    def sqlite_run(command: list[str]) -> float:
        path = work / f"{rp.unique_name('bench')}.db"
        try:
            return _run(command, ["upgrade", "head"], project, f"sqlite:///{path}")[0]
        finally:
            path.unlink(missing_ok=True)

    rows.append(
        (
            "online `upgrade head`, SQLite",
            {n: _measure(args.repeat, lambda c=c: sqlite_run(c)) for n, c in tools.items()},
        )
    )

    # -- the floor: the same SQL through psql in one transaction -----------------------------
    sql_file = work / "upgrade.sql"
    sql_file.write_text(outputs["alembic"])

    def psql_run() -> float:
        with FreshPg() as db:
            start = time.perf_counter()
            subprocess.run(
                ["psql", "-h", rp.PG_HOST, "-p", str(rp.PG_PORT), "-U", rp.PG_USER]
                + ["-1", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(sql_file), "-d", db],
                check=True,
                capture_output=True,
            )
            return time.perf_counter() - start

    floor = _measure(args.repeat, psql_run)

    # -- the floor of --sql: Python, SQLAlchemy and the revision scripts, with a no-op op --
    script_floor = _measure(
        args.repeat,
        lambda: _timed([sys.executable, "-c", _SCRIPTS_ONLY, str(project / "versions")]),
    )

    # -- the same plus the Table each op.create_table returns (alembic's API; a drop-in
    # builds it too, whether or not the script keeps it)
    tables_floor = _measure(
        args.repeat,
        lambda: _timed([sys.executable, "-c", _SCRIPTS_ONLY, str(project / "versions"), "tables"]),
    )

    # -- and of any Python tool whose env.py imports SQLAlchemy: the import alone --------
    import_floor = _measure(
        args.repeat, lambda: _timed([sys.executable, "-c", "import sqlalchemy"])
    )

    # -- online PostgreSQL against psql, alternating (the machine's load moves both alike)
    paired: list[tuple[float, float]] = []
    if "alembic-rs" in tools:
        for _ in range(max(3, args.repeat)):
            paired.append((pg_run(tools["alembic-rs"]), psql_run()))

    print("| work | alembic | alembic-rs | alembic / alembic-rs | alembic-rs / floor |")
    print("|---|---:|---:|---:|---:|")
    for label, t in rows:
        a, o = t.get("alembic"), t.get("alembic-rs")
        if "--sql" in label:
            floor_ratio = _ratio(o, tables_floor)
        elif "PostgreSQL" in label:
            floor_ratio = _ratio(o, floor)
        else:
            floor_ratio = ""
        print(f"| {label} | {_fmt(a)} | {_fmt(o)} | {_ratio(a, o)} | {floor_ratio} |")
    print(f"| floor: `psql -1 -q -f` of alembic's SQL | {_fmt(floor)} | | | |")
    print(
        f"| floor of `--sql`: import SQLAlchemy, run the scripts with a no-op `op` "
        f"| {_fmt(script_floor)} | | | |"
    )
    print(
        "| the same, with the `Table` each `op.create_table` returns "
        f"| {_fmt(tables_floor)} | | | |"
    )
    print(f"| floor of any env.py: `python -c 'import sqlalchemy'` | {_fmt(import_floor)} | | | |")
    o = rows[0][1].get("alembic-rs")
    if o:
        print(
            f"\n`--sql` / floor: {_ratio(o, script_floor)} of the no-op scripts, "
            f"{_ratio(o, tables_floor)} of the scripts with the Tables they return "
            "(goal: 1.3x)"
        )
    if paired:
        ratios = sorted(ours / psql for ours, psql in paired)
        each = ", ".join(f"{ours:.2f}/{psql:.2f} s = {ours / psql:.2f}x" for ours, psql in paired)
        print(
            f"online PostgreSQL / `psql -1 -f`, {len(paired)} alternating runs: {each}; "
            f"median {statistics.median(ratios):.2f}x, worst {ratios[-1]:.2f}x (goal: 1.0x)"
        )
    if "alembic-rs" in tools:
        print(f"\n`--sql` output identical: {'yes' if same_sql else 'NO'}")


def _bench_proxy(project: Path, tools: dict[str, list[str]], args) -> None:
    results: dict[str, tuple[float, object]] = {}
    with LatencyProxy(rp.PG_HOST, rp.PG_PORT, delay=args.delay_ms / 1000) as proxy:
        for name, command in tools.items():
            runs = []
            for _ in range(args.repeat):
                with FreshPg() as db:
                    proxy.reset()
                    seconds = _run(
                        command, ["upgrade", "head"], project, rp.pg_url(db, port=proxy.port)
                    )[0]
                    runs.append((seconds, proxy.stats()))
            results[name] = min(runs, key=lambda r: r[0])

    print(
        f"online `upgrade head`, PostgreSQL through a proxy adding {args.delay_ms:g} ms"
        " to each message each way\n"
    )
    print("| tool | time | client messages | turns (waited round trips) | connections |")
    print("|---|---:|---:|---:|---:|")
    for name, (seconds, stats) in results.items():
        print(
            f"| {name} | {_fmt(seconds)} | {stats.client_messages} | {stats.turns}"
            f" | {stats.connections} |"
        )
    if len(results) == 2:
        (a, sa_), (o, so) = results["alembic"], results["alembic-rs"]
        print(
            f"\nalembic / alembic-rs: time {_ratio(a, o)},"
            f" messages {_ratio(sa_.client_messages, so.client_messages)}"
        )


if __name__ == "__main__":
    main()
