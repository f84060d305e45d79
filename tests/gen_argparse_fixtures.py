"""Write ``src/cli/testdata/argparse.jsonl``: argparse's own texts for the alembic-rs CLI.

The fast path (``src/cli``) prints help, usage errors and ``--version`` as argparse would;
their shape changes between Python versions and with the terminal width. This script dumps
the parser ``alembic_rs.cli.CommandLine`` builds (run it with the project's venv Python),
rebuilds the same parser with plain argparse in every other Python 3.10 to 3.13 found under
pyenv, and records what each prints for some argument vectors at several widths. The Rust
tests (``src/cli/tests.rs``) compare against these lines (one per case and output, with the
Pythons that print it).

    .venv/bin/python tests/gen_argparse_fixtures.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "cli" / "testdata" / "argparse.jsonl"
MINORS = (10, 11, 12, 13)
COLUMNS = (12, 17, 30, 55, 80, 140)
PROGS = ("alembic-rs", "a-rather-long-program-name-for-usage")
ARGVS = (
    ["--help"],
    ["heads", "--help"],
    ["history", "-h"],
    ["show", "--help"],
    ["branches", "-h"],
    ["list_templates", "-h"],
    ["--version"],
    [],
    ["show"],
    ["history", "-r"],
    ["-c"],
    ["heads", "extra", "args"],
)

# Runs in each Python: rebuild the parser from the dump, answer every case.
_REPLAY = r"""
import argparse, contextlib, io, json, os, sys

spec = json.loads(sys.argv[1])
out = []

def add(parser, actions):
    for a in actions:
        kw = {"help": a["help"]}
        if a["kind"] == "store_true":
            kw["action"] = "store_true"
        elif a["kind"] == "append":
            kw["action"] = "append"
        elif a["kind"] == "version":
            kw["action"] = "version"
            kw["version"] = a["version"]
        if a["type_str"]:
            kw["type"] = str
        if a["nargs"] is not None and a["kind"] == "store":
            kw["nargs"] = a["nargs"]
        parser.add_argument(*(a["option_strings"] or [a["dest"]]), **kw)

for prog in spec["progs"]:
    for columns in spec["columns"]:
        os.environ["COLUMNS"] = str(columns)
        for argv in spec["argvs"]:
            parser = argparse.ArgumentParser(prog=prog)
            add(parser, spec["top"])
            subparsers = parser.add_subparsers()
            for name, help_text, actions in spec["verbs"]:
                sub = subparsers.add_parser(name, help=help_text)
                sub.set_defaults(cmd=name)
                add(sub, actions)
            stdout, stderr = io.StringIO(), io.StringIO()
            status = 0
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                try:
                    options = parser.parse_args(argv)
                    if not hasattr(options, "cmd"):
                        parser.error("too few arguments")
                except SystemExit as e:
                    status = e.code or 0
            out.append({
                "python": [sys.version_info[0], sys.version_info[1]],
                "prog": prog, "columns": columns, "args": argv,
                "stdout": stdout.getvalue(), "stderr": stderr.getvalue(), "status": status,
            })
print(json.dumps(out))
"""


def _actions(parser) -> list[dict[str, object]]:
    import argparse

    kinds = {
        argparse._StoreTrueAction: "store_true",
        argparse._AppendAction: "append",
        argparse._StoreAction: "store",
        argparse._VersionAction: "version",
    }
    out = []
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        out.append(
            {
                "option_strings": action.option_strings,
                "dest": action.dest,
                "kind": kinds[type(action)],
                "help": action.help,
                "nargs": action.nargs,
                "type_str": action.type is str,
                "version": getattr(action, "version", None),
            }
        )
    return out


def dump() -> dict[str, object]:
    """The structure of the real CLI's parser."""
    import argparse

    from alembic_rs.cli import CommandLine

    parser = CommandLine(prog="PROG").parser
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in subs._choices_actions}
    verbs = [[name, helps[name], _actions(sub)] for name, sub in subs.choices.items()]
    return {
        "top": _actions(parser),
        "verbs": verbs,
        "progs": list(PROGS),
        "columns": list(COLUMNS),
        "argvs": [list(a) for a in ARGVS],
    }


def main() -> None:
    spec = json.dumps(dump())
    pythons = [
        p
        for p in sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.*/bin/python3"))
        if int(p.parent.parent.name.split(".")[1]) in MINORS
    ]
    rows: list[dict[str, object]] = []
    for python in pythons:
        res = subprocess.run(
            [str(python), "-c", _REPLAY, spec], check=True, capture_output=True, text=True
        )
        rows.extend(json.loads(res.stdout))
        print(f"{python}: {len(rows)} rows so far", file=sys.stderr)
    # one line per case and output, listing the Pythons that print it
    grouped: dict[str, dict[str, object]] = {}
    for row in rows:
        python = row.pop("python")
        key = json.dumps(row, sort_keys=True)
        grouped.setdefault(key, {**row, "pythons": []})["pythons"].append(python)  # type: ignore[union-attr]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w") as f:
        for row in grouped.values():
            f.write(json.dumps(row, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
