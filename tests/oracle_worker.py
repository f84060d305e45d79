"""A long-lived real-alembic process: runs many CLI command lines without re-starting Python.

Protocol: one JSON request per line on stdin, ``{"args": [...], "cwd": "..."}``; one JSON
reply per line, ``{"stdout": ..., "stderr": ..., "returncode": ...}``. Output is what
``alembic ARGS`` run in ``cwd`` with no tty on stdin would print: alembic binds
``sys.stdout`` at import time, so both streams are proxies swapped per request. An uncaught
exception is rendered as Python's own traceback with exit code 1. Saves ~0.3 s of start-up
per command; ``ALEMBIC_ORACLE=subprocess`` bypasses it (see difftools).
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
import warnings
from typing import TextIO


class _Proxy(io.TextIOBase):
    """A text stream forwarding to a swappable buffer."""

    def __init__(self) -> None:
        self.target: TextIO = io.StringIO()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, s: str) -> int:
        return self.target.write(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _exit_code(code: object) -> tuple[int, str]:
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code & 0xFF, ""
    return 1, f"{code}\n"


def main() -> None:
    """Serve requests until stdin closes."""
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    out, err = _Proxy(), _Proxy()
    sys.stdout, sys.stderr = out, err  # before alembic binds Config(stdout=sys.stdout)
    from alembic.config import main as alembic_main

    start_path = list(sys.path)
    for line in sys.stdin:
        req = json.loads(line)
        out.target, err.target = io.StringIO(), io.StringIO()
        os.chdir(req["cwd"])
        sys.path[:] = start_path  # prepend_sys_path must not pile up
        code = 0
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            try:
                alembic_main(argv=req["args"], prog="alembic")
            except SystemExit as e:
                code, text = _exit_code(e.code)
                err.target.write(text)
            except BaseException:
                err.target.write(traceback.format_exc())
                code = 1
        res = {
            "stdout": out.target.getvalue(),  # type: ignore[attr-defined]
            "stderr": err.target.getvalue(),  # type: ignore[attr-defined]
            "returncode": code,
        }
        reply.write(json.dumps(res) + "\n")
        reply.flush()


if __name__ == "__main__":
    main()
