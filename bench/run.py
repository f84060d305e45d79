"""Run every benchmark: alembic-rs against alembic on the same work, ratios printed.

    python bench/run.py            # read commands, the runtime on both chains (--sql and its
                                   # floor, online and psql), data, the seed's data migration,
                                   # and the online runs through a 5 ms latency proxy
    python bench/run.py --no-proxy # without the runs through the latency proxy

The Python flags that slow every tool alike in some shells (PYTHONUNBUFFERED,
PYTHONDONTWRITEBYTECODE) are dropped for the measured processes, as a user's shell has
them. No assertions: the numbers are for reading.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")
    }
    proxy = "--no-proxy" not in sys.argv[1:]
    runs = [
        [sys.executable, str(HERE / "bench_read.py")],
        [sys.executable, str(HERE / "bench_runtime.py")],
        [sys.executable, str(HERE / "bench_data.py")],
        [sys.executable, str(HERE / "bench_data_migration.py"), *([] if proxy else ["--no-proxy"])],
    ]
    if proxy:
        runs.append([sys.executable, str(HERE / "bench_runtime.py"), "--proxy"])
    for argv in runs:
        print(f"\n## {Path(argv[1]).name} {' '.join(argv[2:])}\n", flush=True)
        subprocess.run(argv, env=env, check=True)


if __name__ == "__main__":
    main()
