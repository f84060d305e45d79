"""Differential tests: read-only commands of alembic-rs vs real alembic on generated graphs.

Every case runs one command line on both sides in the same project directory and compares
stdout, the ``FAILED:`` message, warnings and the exit code (see ``difftools``). Graphs and
arguments are derived from fixed seeds, so the case list is the same on every run.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import difftools
import gen_graph
import pytest
from difftools import AssertSame, alembic_cmd, ours_cmd, run
from gen_graph import Project, RevSpec


@dataclass(frozen=True)
class GraphCase:
    """A named graph: how to build it."""

    key: str
    n: int
    seed: int
    kwargs: tuple[tuple[str, object], ...] = ()

    def revisions(self) -> list[RevSpec]:
        """The graph's revisions (deterministic)."""
        return gen_graph.generate_graph(self.n, self.seed, **dict(self.kwargs))  # type: ignore[arg-type]


_LINEAR = (("p_base", 0.0), ("p_branch", 0.0), ("p_merge", 0.0))
# alembic orders history/branches output of graphs with depends_on by set iteration (it
# changes with PYTHONHASHSEED): only the "deps" graphs have depends_on, and there the
# entries of those commands compare as a multiset.
_NODEPS = (("p_depends", 0.0),)
GRAPHS: list[GraphCase] = [
    GraphCase("empty", 0, 0),
    GraphCase("single", 1, 1),
    GraphCase("linear30", 30, 2, _LINEAR + _NODEPS),
    GraphCase("mixed8", 8, 3, _NODEPS),
    GraphCase("mixed15", 15, 4, (("p_label", 0.8), *_NODEPS)),
    GraphCase("mixed25", 25, 5, (("dynamic_share", 0.2), *_NODEPS)),
    GraphCase("mixed40", 40, 6, (("split_share", 0.3), *_NODEPS)),
    GraphCase("deps60", 60, 7, (("p_depends", 0.2),)),
    GraphCase("bases20", 20, 8, (("p_base", 0.25), ("p_label", 0.9), *_NODEPS)),
    GraphCase("merges50", 50, 9, (("p_merge", 0.3), ("p_branch", 0.3), ("max_heads", 3), *_NODEPS)),
    GraphCase("prefix30", 30, 10, (("prefix_share", 0.5), ("dynamic_share", 0.1), *_NODEPS)),
    GraphCase("deps80", 80, 11, (("max_heads", 8), ("p_branch", 0.25), ("p_depends", 0.1))),
]
# ALEMBIC_DIFF_GRAPHS=N keeps only the first N graphs (quick runs).
GRAPHS = GRAPHS[: int(os.environ.get("ALEMBIC_DIFF_GRAPHS", len(GRAPHS)))]

FIXED_COMMANDS: list[list[str]] = [
    ["heads"],
    ["heads", "-v"],
    ["heads", "--resolve-dependencies"],
    ["branches"],
    ["branches", "-v"],
    ["history"],
    ["history", "-v"],
]


def _ancestors(revs: list[RevSpec]) -> dict[str, set[str]]:
    """Map each id to its ancestors via ``down_revision`` (not ``depends_on``)."""
    by_id = {r.revision: r for r in revs}
    memo: dict[str, set[str]] = {}
    for r in revs:  # creation order: parents come first
        acc: set[str] = set()
        for d in r.down:
            if d in by_id:
                acc |= {d} | memo.get(d, set())
        memo[r.revision] = acc
    return memo


def _symbols(revs: list[RevSpec], rng: random.Random) -> list[str]:
    """Revision symbols a user may type: ids, partials, labels, relatives, keywords."""
    ids = [r.revision for r in revs]
    labels = [lbl for r in revs for lbl in r.branch_labels]
    keywords = ["head", "heads", "base", "0a00", "ffffffffffff", "-1", "+1", "head-1", "heads-1"]
    out = ["head", *rng.sample(keywords[1:], 4)]
    if ids:
        heads = {r.revision for r in revs} - {d for r in revs for d in r.down}
        out += [rng.choice(sorted(heads)), rng.choice(ids), rng.choice(ids)[:5]]
        out += [rng.choice([f"{rng.choice(ids)}+1", f"{rng.choice(ids)}-1", "0a00@head"])]
    if labels:
        lbl = rng.choice(labels)
        out += [lbl, rng.choice([f"{lbl}@head", f"{lbl}@base", f"{lbl}@-1", f"{lbl}@+1"])]
    return out


def _ranges(revs: list[RevSpec], rng: random.Random) -> list[str]:
    """History ranges: valid, relative, open-ended, unrelated and malformed."""
    ids = [r.revision for r in revs]
    anc = _ancestors(revs)
    fixed = ["-2:", ":head", "base:head", "base:heads", ":", "-1:current", "nocolon"]
    fixed += ["0a00:", ":0a00", "deadbeef:heads", "base:+2", "+1:+3"]
    out = rng.sample(fixed, 4)
    pairs = [(a, b) for b in ids for a in anc[b]]
    for a, b in rng.sample(pairs, min(2, len(pairs))):
        out.append(f"{a[: rng.choice((4, 6, 12))]}:{b}")
    if len(ids) >= 2:
        a, b = rng.sample(ids, 2)
        if a not in anc[b] and b not in anc[a]:
            out.append(f"{a}:{b}")  # neither is an ancestor of the other
        else:
            out.append(f"{b}:{a}")
        out.append(rng.choice([f"{rng.choice(ids)}:", f":{rng.choice(ids)}"]))
    labels = [lbl for r in revs for lbl in r.branch_labels]
    if labels:
        lbl = rng.choice(labels)
        out.append(rng.choice([f"{lbl}@base:{lbl}@head", f":{lbl}@head", f"{lbl}@-1:"]))
    return out


def _cases() -> list[tuple[GraphCase, list[str]]]:
    cases: list[tuple[GraphCase, list[str]]] = []
    for g in GRAPHS:
        rng = random.Random(g.seed * 1000 + 17)
        revs = g.revisions()
        cmds = [list(c) for c in FIXED_COMMANDS]
        cmds += [["history", "-r", r] for r in _ranges(revs, rng)]
        cmds += [["history", "-v", "-r", rng.choice(["-2:", "base:heads"])]]
        cmds += [["show", s] for s in _symbols(revs, rng)]
        cases += [(g, c) for c in cmds]
    return cases


CASES = _cases()


@pytest.fixture
def graph_project(
    make_project: Callable[[str, list[RevSpec]], Project],
) -> Callable[[GraphCase], Project]:
    """Write a :class:`GraphCase` once per session and return its project."""
    return lambda g: make_project(g.key, g.revisions())


@pytest.mark.parametrize(
    ("graph", "args"),
    CASES,
    ids=[f"{g.key}:{' '.join(a)}" for g, a in CASES],
)
def test_read_command(
    graph: GraphCase,
    args: list[str],
    graph_project: Callable[[GraphCase], Project],
    assert_same: AssertSame,
) -> None:
    """alembic-rs prints what alembic prints for a read-only command on a generated graph."""
    has_deps = any(r.depends_on for r in graph.revisions())
    unordered = has_deps and args[0] in ("history", "branches")
    assert_same(args, graph_project(graph).root, unordered=unordered)


@pytest.mark.parametrize("graph", GRAPHS, ids=[g.key for g in GRAPHS])
def test_generator_heads_match_alembic(
    graph: GraphCase,
    graph_project: Callable[[GraphCase], Project],
    oracle: difftools.Oracle,
) -> None:
    """Sanity of the harness: alembic sees exactly the heads the generator wrote."""
    project = graph_project(graph)
    res = oracle.run(["heads"], project.root)
    assert res.returncode == 0, res
    seen = {line.split()[0] for line in res.stdout.splitlines() if line}
    assert seen == set(project.heads)


def test_list_templates(tmp_path: Path) -> None:
    """``list_templates``: the same template names and the same frame around them.

    The one-line synopses are our templates' own words, so only the names compare.
    """
    theirs = run(alembic_cmd(), ["list_templates"], tmp_path)
    ours = run(ours_cmd(), ["list_templates"], tmp_path)
    assert ours.returncode == theirs.returncode == 0

    def names(text: str) -> set[str]:
        return {line.split(" - ")[0] for line in text.splitlines() if " - " in line}

    def frame(text: str) -> list[str]:
        return [line for line in text.splitlines() if " - " not in line]

    assert names(ours.stdout) == names(theirs.stdout)
    assert frame(ours.stdout) == frame(theirs.stdout)


def test_no_config(tmp_path: Path, assert_same: AssertSame) -> None:
    """A read command where there is no alembic.ini."""
    assert_same(["heads"], tmp_path)


BAD_COMMANDS: list[list[str]] = [
    ["heads"],
    ["history"],
    ["branches"],
    ["show", "head"],
]
BAD_CASES = [
    (kind, seed, cmd)
    for kind in gen_graph.BAD_KINDS
    for seed in (1, 2)
    for cmd in (BAD_COMMANDS if seed == 1 else BAD_COMMANDS[:1])
]


@pytest.mark.parametrize(
    ("kind", "seed", "args"),
    BAD_CASES,
    ids=[f"{k}{s}:{' '.join(c)}" for k, s, c in BAD_CASES],
)
def test_bad_graph(
    kind: str,
    seed: int,
    args: list[str],
    tmp_path_factory: pytest.TempPathFactory,
    project_cache: dict[str, Project],
    assert_same: AssertSame,
) -> None:
    """Broken graphs fail (or warn) the same way: FAILED message, warnings, exit code."""
    key = f"bad-{kind}-{seed}"
    if key not in project_cache:
        root = tmp_path_factory.mktemp(key)
        project_cache[key] = gen_graph.make_bad_project(root, kind, seed)
    assert_same(args, project_cache[key].root)


def test_harness_normalises_only_set_order() -> None:
    """The comparison forgives alembic's set order, and nothing else."""
    out = (
        "Rev: abc (head)\nParent: <base>\nBranch names: b, a\nPath: p\n\nx 1 (lbl1, lbl2) (head)\n"
    )
    same = (
        "Rev: abc (head)\nParent: <base>\nBranch names: a, b\nPath: p\n\nx 1 (lbl2, lbl1) (head)\n"
    )
    oracle = difftools.Run(("alembic",), out, "", 0)
    assert difftools.compare(oracle, difftools.Run(("ours",), same, "", 0)) == []
    moved = same.replace("(head)\nParent", "\nParent")
    assert difftools.compare(oracle, difftools.Run(("ours",), moved, "", 0))
    assert difftools.compare(oracle, difftools.Run(("ours",), same, "", 1))
    crash = "Traceback (most recent call last):\n  File x\nKeyError: 'deadbeef0000'\n"
    crashed = difftools.Run(("alembic",), "", crash, 1)
    failed = difftools.Run(("ours",), "FAILED: 'deadbeef0000'\n", "", 1)
    assert difftools.compare(crashed, failed) == []
    assert difftools.compare(crashed, difftools.Run(("ours",), "FAILED: other\n", "", 1))
