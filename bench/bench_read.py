"""Time read-only commands of alembic and alembic-rs on the same generated projects.

Projects of 100, 1,000 and 10,000 revisions (linear with some branches and merges) are
generated once and cached in a temp dir. Each command runs as a subprocess, best of N wall
clock; the table gives both times and the ratio alembic / alembic-rs, and whether alembic-rs
served the command from Rust (its fast path) or ran its Python CLI. The goals of `heads`
(issue 14: at least 25x alembic at 1,000 revisions, 30x at 10,000) are printed last. No
assertions.

    python bench/bench_read.py [--sizes 100,1000,10000] [--repeat 5] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import difftools
import gen_graph

SEED = 20240101
COMMANDS: tuple[str, ...] = ("heads", "history", "show <head>")
# heads: alembic / alembic-rs at least this, by number of revisions (issue 14)
GOALS = {1_000: 25.0, 10_000: 30.0}


def project_for(size: int, cache: Path) -> gen_graph.Project:
    """Write (or reuse) the project of ``size`` revisions under ``cache``."""
    root = cache / f"linear-{size}-{SEED}"
    revs = gen_graph.generate_graph(
        size,
        SEED,
        p_base=0.0,
        p_branch=0.02,
        p_merge=0.02,
        p_depends=0.0,
        p_label=0.3,
        max_heads=3,
    )
    done = root / ".complete"
    if not done.exists():
        gen_graph.write_project(root, revs)
        done.write_text("ok\n")
    return gen_graph.Project(root=root, revisions=revs)


# the flags that slow every tool alike in some shells are dropped, as bench/run.py does: both
# tools then run with their bytecode caches, as a user's shell has them
ENV = {
    k: v
    for k, v in os.environ.items()
    if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "ALEMBIC_RS_FAST_PATH")
}


def best_of(prog: Sequence[str], args: Sequence[str], cwd: Path, repeat: int) -> float | None:
    """Best wall-clock seconds of ``repeat`` runs, or None if the command fails."""
    best: float | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(
            [*prog, *args],
            cwd=cwd,
            env=ENV,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.stderr.write(
                f"{shlex.join([*prog, *args])} failed in {cwd}:\n"
                f"{proc.stdout.decode()[-500:]}{proc.stderr.decode()[-500:]}\n"
            )
            return None
        best = elapsed if best is None else min(best, elapsed)
    return best


def _fmt(t: float | None) -> str:
    return "failed" if t is None else f"{t * 1000:.0f} ms"


def served(prog: Sequence[str], args: Sequence[str], cwd: Path) -> str:
    """``served`` when alembic-rs answers from Rust, else its reason for running Python."""
    env = {**ENV, "ALEMBIC_RS_FAST_PATH": "explain"}
    proc = subprocess.run(
        [*prog, *args], cwd=cwd, env=env, capture_output=True, stdin=subprocess.DEVNULL
    )
    for line in proc.stderr.decode(errors="replace").splitlines():
        if line.startswith("alembic-rs: fast path: "):
            return line.removeprefix("alembic-rs: fast path: ")
    return "no fast path"


def main(argv: Sequence[str] | None = None) -> None:
    """Generate, time and print the Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--repeat", type=int, default=5, help="runs per command (fewer for 10,000)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "alembic-rs-bench")
    opts = ap.parse_args(argv)
    alembic, ours = difftools.alembic_cmd(), difftools.ours_cmd()
    print(f"alembic:    {shlex.join(alembic)}")
    print(f"alembic-rs: {shlex.join(ours)}")
    print(f"cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}\n")
    print("| revisions | command | alembic | alembic-rs | alembic / alembic-rs | alembic-rs path |")
    print("|---:|---|---:|---:|---:|---|")
    heads_ratio: dict[int, float | None] = {}
    for size in (int(s) for s in opts.sizes.split(",")):
        project = project_for(size, opts.cache)
        repeat = max(1, opts.repeat if size < 10_000 else min(opts.repeat, 2))
        head = project.heads[-1]
        for name in COMMANDS:
            args = ["show", head] if name == "show <head>" else [name]
            if size < 10_000:
                # Warm both (bytecode, page cache); at 10,000 the first of 2 runs warms.
                best_of(alembic, args, project.root, 1)
                best_of(ours, args, project.root, 1)
            t_alembic = best_of(alembic, args, project.root, repeat)
            t_ours = best_of(ours, args, project.root, repeat)
            value = t_alembic / t_ours if t_alembic and t_ours else None
            ratio = "-" if value is None else f"{value:.1f}x"
            if name == "heads":
                heads_ratio[size] = value
            path = served(ours, args, project.root)
            print(
                f"| {size:,} | `{name}` | {_fmt(t_alembic)} | {_fmt(t_ours)} | {ratio} | {path} |",
                flush=True,
            )
    goals = [(size, goal) for size, goal in GOALS.items() if size in heads_ratio]
    if goals:
        print()
    for size, goal in goals:
        value = heads_ratio[size]
        got = "-" if value is None else f"{value:.1f}x"
        verdict = "met" if value is not None and value >= goal else "NOT met"
        print(f"heads at {size:,} revisions: {got} alembic (goal >= {goal:.0f}x): {verdict}")


if __name__ == "__main__":
    main()
