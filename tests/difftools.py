"""Run one command line with real alembic and with alembic-rs, and compare what users see.

Compared: stdout, the ``FAILED:`` message, Python warnings on stderr, any other stderr, and
the exit code. Normalised, and only because alembic itself varies from run to run (set
iteration order, see toolchain.md), or because a traceback is a message in another form:

* the items of ``Branch names:`` / ``Branches into:`` lines, and of the ``(lbl1, lbl2)``
  label group after a revision id, compare as sets;
* the ``-> child`` lines under a branch point in ``branches`` compare as a set (alembic
  iterates ``Revision.nextrev``, a frozenset);
* the ``name - synopsis`` lines of ``list_templates`` compare as a set (directory order);
* where alembic dies with a traceback, ours must print ``FAILED: <the same message>`` and exit
  1: the last exception's message is compared with our ``FAILED`` text;
* a warning is compared as ``Category: message`` (its source path is ours or alembic's).

``ALEMBIC_CMD`` and ``ALEMBIC_RS_CMD`` (shell words) choose the two programs.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_VENV_BIN = Path(sys.executable).parent

#: ``assert_same(args, cwd, unordered=False)``: the fixture that fails a test on any difference.
AssertSame = Callable[..., None]


def _default_alembic() -> list[str]:
    exe = _VENV_BIN / "alembic"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "alembic"]


def _default_ours() -> list[str]:
    exe = _VENV_BIN / "alembic-rs"
    return [str(exe)] if exe.exists() else [shutil.which("alembic-rs") or "alembic-rs"]


#: ``ALEMBIC_DIFF_SELF_CHECK=1``: the "ours" side is real alembic too (proving the harness), so
#: a traceback where alembic has one is expected.
_SELF_CHECK = os.environ.get("ALEMBIC_DIFF_SELF_CHECK") == "1"


def alembic_cmd() -> list[str]:
    """The oracle: ``$ALEMBIC_CMD`` or the venv's ``alembic``."""
    env = os.environ.get("ALEMBIC_CMD")
    return shlex.split(env) if env else _default_alembic()


def ours_cmd() -> list[str]:
    """The program under test: ``$ALEMBIC_RS_CMD`` or ``alembic-rs``."""
    env = os.environ.get("ALEMBIC_RS_CMD")
    return shlex.split(env) if env else _default_ours()


@dataclass(frozen=True)
class Run:
    """Raw result of one process."""

    argv: tuple[str, ...]
    stdout: str
    stderr: str
    returncode: int


def run(prog: Sequence[str], args: Sequence[str], cwd: Path, timeout: float = 120) -> Run:
    """Run ``prog args`` in ``cwd`` with no tty on stdin (alembic wraps FAILED text on a tty)."""
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)  # let alembic's set order vary, as users see it
    env.update({"PYTHONIOENCODING": "utf-8", "PYTHONWARNINGS": "default", "COLUMNS": "80"})
    proc = subprocess.run(
        [*prog, *args],
        check=False,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=timeout,
    )
    return Run(
        (*prog, *args),
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        proc.returncode,
    )


@dataclass(frozen=True)
class Outcome:
    """What a user sees, normalised for comparison."""

    stdout: str
    failed: str | None
    failed_stream: str | None
    traceback: bool
    warnings: tuple[str, ...] = ()
    stderr_rest: str = ""
    exit_code: int = 0
    notes: tuple[str, ...] = field(default=(), compare=False)


_SET_LINE = re.compile(r"^(\s*(?:Branch names|Branches into): )(.*)$")
_LABEL_GROUP = re.compile(r"(?<=[0-9A-Za-z_]) \(([^()]*, [^()]*)\)(?! ->)")
_WARNING = re.compile(r"^\S.*?:\d+: (\w+Warning): (.*)$")
# an exception line names a class: CamelCase, maybe dotted (configparser.ParsingError)
_EXC_LINE = re.compile(r"^((?:[a-z_][\w]*\.)*[A-Z]\w*)(?:: (.*))?$")
_CHILD_LINE = re.compile(r"^ +-> ")
_TEMPLATE_LINE = re.compile(r"^[\w-]+ - .+$")


def _sort_items(text: str) -> str:
    return ", ".join(sorted(text.split(", ")))


def normalise_stdout(text: str) -> str:
    """Make alembic's run-to-run variations (set order) canonical."""
    lines = []
    for line in text.split("\n"):
        m = _SET_LINE.match(line)
        if m:
            line = m.group(1) + _sort_items(m.group(2))
        line = _LABEL_GROUP.sub(lambda g: " (" + _sort_items(g.group(1)) + ")", line)
        lines.append(line)
    # Sort each run of consecutive "-> child" lines (branches) and template lines.
    out: list[str] = []
    i = 0
    while i < len(lines):
        for pat in (_CHILD_LINE, _TEMPLATE_LINE):
            if pat.match(lines[i]):
                j = i
                while j < len(lines) and pat.match(lines[j]):
                    j += 1
                out.extend(sorted(lines[i:j]))
                i = j
                break
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


_FAILED = re.compile(r"^[ \t]*FAILED: ", re.MULTILINE)


def _split_failed(text: str) -> tuple[str, str | None]:
    """Split ``text`` at a ``FAILED:`` line: (before, message to the end) or (text, None)."""
    m = _FAILED.search(text)
    if m is None:
        return text, None
    return text[: m.start()], text[m.end() :].rstrip("\n")


# argparse names the program in usage errors; that word alone may differ
_USAGE_PROG = re.compile(r"^(usage: |)(?:alembic-rs|__main__\.py)( )")


def _parse_stderr(text: str) -> tuple[tuple[str, ...], str | None, str]:
    """Return (warnings, traceback exception message, the rest of stderr)."""
    warnings: list[str] = []
    rest: list[str] = []
    exc_msg: str | None = None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        w = _WARNING.match(line)
        if w:
            warnings.append(f"{w.group(1)}: {w.group(2)}")
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                i += 1  # the source line printed under the warning
            continue
        if line.startswith("Traceback (most recent call last):"):
            # The exception line is the last unindented line; a message may span lines.
            block = lines[i:]
            last = max(
                (k for k, b in enumerate(block) if b and not b.startswith(" ")),
                default=0,
            )
            start = last
            while start > 0 and not _EXC_LINE.match(block[start]):
                start -= 1
            m = _EXC_LINE.match(block[start])
            head = m.group(2) if m and m.group(2) is not None else ""
            exc_msg = "\n".join([head, *block[start + 1 : last + 1]]).strip("\n")
            break
        rest.append(_USAGE_PROG.sub(r"\1alembic\2", line))
        i += 1
    return tuple(warnings), exc_msg, "\n".join(rest).strip("\n")


def outcome(r: Run) -> Outcome:
    """Normalise one raw run."""
    warnings, exc_msg, rest = _parse_stderr(r.stderr)
    out_before, failed = _split_failed(r.stdout)
    stream: str | None = "stdout" if failed is not None else None
    if failed is None:
        rest_before, failed = _split_failed(rest)
        if failed is not None:
            rest, stream = rest_before.strip("\n"), "stderr"
    traceback = exc_msg is not None
    if traceback and failed is None:
        failed = exc_msg
    return Outcome(
        stdout=normalise_stdout(out_before),
        failed=failed,
        failed_stream=stream,
        traceback=traceback,
        warnings=warnings,
        stderr_rest=rest,
        exit_code=r.returncode,
    )


_LABEL_CONFLICT = re.compile(r"Branch name '(.*)' in revision (\w+) already used by revision (\w+)")


def _ws(text: str | None) -> str | None:
    """Collapse whitespace; make the label-conflict pair order-free (alembic scans a set)."""
    if text is None:
        return None
    text = _LABEL_CONFLICT.sub(
        lambda m: f"Branch name '{m.group(1)}' in revisions {sorted(m.group(2, 3))}", text
    )
    return " ".join(text.split())


_ENTRY_KEYS = ("Parent:", "Merges:", "Also depends on:", "Branches into:", "Branch names:")


def sort_entries(text: str) -> str:
    """Sort the entries of history/branches output (for graphs where alembic's order varies).

    An entry starts at a ``Rev:`` line in verbose output, else at any unindented line.
    """
    lines = text.split("\n")
    verbose = any(line.startswith("Rev: ") for line in lines)
    entries: list[list[str]] = []
    for line in lines:
        starts = line.startswith("Rev: ") if verbose else bool(line) and line[0] != " "
        if (starts and not line.startswith(_ENTRY_KEYS)) or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    return "\n".join("\n".join(e) for e in sorted(entries))


def compare(oracle: Run, ours: Run, unordered: bool = False) -> list[str]:
    """Return human-readable differences (empty when ours matches the oracle).

    ``unordered``: compare output entries as a multiset (alembic's order varies by run).
    """
    a, b = outcome(oracle), outcome(ours)
    problems: list[str] = []
    if unordered and sort_entries(a.stdout) == sort_entries(b.stdout):
        pass
    elif a.stdout != b.stdout:
        diff = difflib.unified_diff(
            a.stdout.splitlines(),
            b.stdout.splitlines(),
            "alembic stdout",
            "alembic-rs stdout",
            lineterm="",
            n=2,
        )
        problems.append("stdout differs:\n" + "\n".join(diff))
    if a.traceback:
        # alembic crashed; ours must say FAILED: <same message> and exit 1.
        if b.failed is None or _ws(a.failed) != _ws(b.failed):
            problems.append(f"alembic raised {a.failed!r}; alembic-rs printed FAILED {b.failed!r}")
        if b.traceback and not _SELF_CHECK:
            problems.append("alembic-rs printed a traceback instead of FAILED")
        expected_code = 1
    else:
        if _ws(a.failed) != _ws(b.failed) or (a.failed is None) != (b.failed is None):
            problems.append(
                f"FAILED message differs:\n  alembic:    {a.failed!r}\n  alembic-rs: {b.failed!r}"
            )
        elif a.failed is not None and a.failed_stream != b.failed_stream:
            problems.append(f"FAILED printed on {b.failed_stream}, alembic uses {a.failed_stream}")
        if b.traceback:
            problems.append("alembic-rs printed a traceback:\n" + ours.stderr[-2000:])
        expected_code = a.exit_code
    if b.exit_code != expected_code:
        problems.append(
            f"exit code: alembic {a.exit_code} (want {expected_code}), alembic-rs {b.exit_code}"
        )
    if a.warnings != b.warnings:
        problems.append(f"warnings differ:\n  alembic:    {a.warnings}\n  alembic-rs: {b.warnings}")
    if a.stderr_rest != b.stderr_rest and not b.traceback:
        problems.append(
            "other stderr differs:\n  alembic:    "
            + repr(a.stderr_rest[-500:])
            + "\n  alembic-rs: "
            + repr(b.stderr_rest[-500:])
        )
    return problems


class Oracle:
    """Real alembic, kept running in :mod:`oracle_worker` (or one process per command)."""

    def __init__(self, mode: str | None = None) -> None:
        self.mode = mode or os.environ.get("ALEMBIC_ORACLE", "worker")
        self._proc: subprocess.Popen[str] | None = None

    def _worker(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            env = dict(os.environ, PYTHONIOENCODING="utf-8")
            self._proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("oracle_worker.py"))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=env,
            )
        return self._proc

    def run(self, args: Sequence[str], cwd: Path) -> Run:
        """Run ``alembic ARGS`` in ``cwd``."""
        if self.mode == "subprocess":
            return run(alembic_cmd(), args, cwd)
        proc = self._worker()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps({"args": list(args), "cwd": str(cwd)}) + "\n")
        proc.stdin.flush()
        res = json.loads(proc.stdout.readline())
        return Run(("alembic", *args), res["stdout"], res["stderr"], res["returncode"])

    def close(self) -> None:
        """Stop the worker, if one runs."""
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait(timeout=30)
            self._proc = None


def check(oracle: Oracle, args: Sequence[str], cwd: Path, unordered: bool = False) -> list[str]:
    """Run both sides; return a readable report of differences, prefixed by the command."""
    expected = oracle.run(args, cwd)
    ours = run(ours_cmd(), args, cwd)
    problems = compare(expected, ours, unordered)
    if not problems:
        return []
    cmd = "$ alembic " + " ".join(shlex.quote(a) for a in args) + f"   (in {cwd})"
    return [cmd, *problems]


# DEBUG for alembic's loggers, so alembic-rs says which executor ran the migrations
LOGGING_INI = """
[loggers]
keys = root,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_alembic]
level = DEBUG
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
"""
