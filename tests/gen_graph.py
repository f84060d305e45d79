"""Seeded generator of alembic projects (alembic.ini + revision files) for differential tests.

Nothing here runs alembic: it only writes files. The revision graphs mix linear chains,
branch points, merges (tuple ``down_revision``), branch labels, ``depends_on``, several
bases and ids that share the prefix ``0a00`` (so partial-id lookups are ambiguous).
Files come in several header styles; ``dynamic_share`` makes some headers non-literal
(``down_revision = _PREV``) so a static parser must fall back to importing them.
"""

from __future__ import annotations

import datetime as _dt
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SHARED_PREFIX = "0a00"
STYLES = ("annotated", "plain", "double", "list", "bare")
BAD_KINDS = (
    "cycle",
    "missing_down",
    "duplicate_id",
    "label_conflict",
    "missing_dependency",
    "self_loop",
)

_WORDS = (
    "add users table",
    "create index on email",
    "drop legacy column",
    "merge heads",
    "add pgvector extension",
    "backfill data",
    "rename account to tenant",
    "widen varchar",
    "add foreign key",
    "split orders",
    "café schema tweak",
    "quote \"this\" and 'that'",
    "percent 100% done",
)

ENV_PY = '''"""env.py that read-only commands must never run."""

raise RuntimeError("env.py was executed by a read-only command")
'''

ALEMBIC_INI = """\
# A generated alembic.ini (differential test fixture).

[alembic]
script_location = %(here)s/migrations
prepend_sys_path = .
path_separator = os
{version_locations}sqlalchemy.url = sqlite:///%(here)s/never_used.db

[post_write_hooks]

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""


@dataclass
class RevSpec:
    """One revision file to write."""

    revision: str
    down: tuple[str, ...] = ()
    branch_labels: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    message: str = "empty message"
    extra_doc: tuple[str, ...] = ()
    style: str = "annotated"
    dynamic: bool = False
    create_date: str = "2024-01-01 00:00:00.000000"
    subdir: str = "versions"


@dataclass
class Project:
    """A project written to disk, plus what the generator knows about its graph."""

    root: Path
    revisions: list[RevSpec] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """All revision ids, in creation order."""
        return [r.revision for r in self.revisions]

    @property
    def heads(self) -> list[str]:
        """Revisions that no other revision names as ``down_revision``."""
        parents = {d for r in self.revisions for d in r.down}
        return [r.revision for r in self.revisions if r.revision not in parents]

    @property
    def bases(self) -> list[str]:
        """Revisions with no ``down_revision``."""
        return [r.revision for r in self.revisions if not r.down]

    @property
    def labels(self) -> list[str]:
        """Declared branch labels."""
        return [lbl for r in self.revisions for lbl in r.branch_labels]

    @property
    def shared_prefix_ids(self) -> list[str]:
        """Ids starting with :data:`SHARED_PREFIX`."""
        return [i for i in self.ids if i.startswith(SHARED_PREFIX)]


def _new_id(rng: random.Random, used: set[str], prefix_share: float) -> str:
    while True:
        if rng.random() < prefix_share:
            rid = SHARED_PREFIX + f"{rng.getrandbits(32):08x}"
        else:
            rid = f"{rng.getrandbits(48):012x}"
        if rid not in used:
            used.add(rid)
            return rid


def generate_graph(
    n: int,
    seed: int,
    *,
    p_base: float = 0.03,
    p_branch: float = 0.12,
    p_merge: float = 0.10,
    p_label: float = 0.35,
    p_depends: float = 0.06,
    prefix_share: float = 0.08,
    max_heads: int = 5,
    styles: Sequence[str] = STYLES,
    style_weights: Sequence[float] = (6, 2, 2, 2, 1),
    dynamic_share: float = 0.0,
    split_share: float = 0.0,
) -> list[RevSpec]:
    """Build a random revision graph of ``n`` revisions, deterministic for a given ``seed``.

    Every edge points at an earlier revision, so the graph is acyclic. ``split_share`` puts
    that share of files into a second version location (``versions_b``).
    """
    rng = random.Random(seed)
    used: set[str] = set()
    revs: list[RevSpec] = []
    by_id: dict[str, RevSpec] = {}
    heads: list[str] = []
    has_child: set[str] = set()
    label_no = 0
    start = _dt.datetime(2024, 1, 1) + _dt.timedelta(days=seed % 365)
    for i in range(n):
        # Guarantee a few ids sharing the prefix in any graph big enough for it.
        share = 1.0 if (n >= 6 and i in (n // 3, n // 2)) else prefix_share
        rid = _new_id(rng, used, share)
        roll = rng.random()
        down: tuple[str, ...]
        if not revs or roll < p_base:
            down = ()
        elif len(heads) >= 2 and (roll < p_base + p_merge or len(heads) > max_heads):
            k = 3 if len(heads) >= 3 and rng.random() < 0.2 else 2
            down = tuple(rng.sample(heads, k))
        elif roll < p_base + p_merge + p_branch and len(revs) > len(heads):
            down = (rng.choice([r.revision for r in revs if r.revision not in heads]),)
        else:
            # Mostly extend the newest head, sometimes another one.
            down = (heads[-1] if rng.random() < 0.7 else rng.choice(heads),)
        starts_branch = not down or any(d in has_child for d in down)
        labels: tuple[str, ...] = ()
        if starts_branch and rng.random() < p_label:
            label_no += 1
            labels = (f"lbl{label_no}",)
            if rng.random() < 0.2:
                label_no += 1
                labels += (f"lbl{label_no}",)
        deps: tuple[str, ...] = ()
        if len(revs) > 2 and rng.random() < p_depends:
            candidates = [r for r in revs if r.revision not in down]
            target = rng.choice(candidates)
            if target.branch_labels and rng.random() < 0.3:
                deps = (target.branch_labels[0],)
            else:
                deps = (target.revision,)
            if rng.random() < 0.2:
                other = rng.choice(candidates).revision
                if other not in deps:
                    deps += (other,)
        msg = rng.choice(_WORDS) + f" {i}"
        extra = ("", f"Longer description of step {i}.", "Second line.") if i % 7 == 0 else ()
        spec = RevSpec(
            revision=rid,
            down=down,
            branch_labels=labels,
            depends_on=deps,
            message=msg,
            extra_doc=extra,
            style=rng.choices(list(styles), weights=list(style_weights)[: len(styles)])[0],
            dynamic=rng.random() < dynamic_share,
            create_date=(start + _dt.timedelta(minutes=7 * i, microseconds=i)).strftime(
                "%Y-%m-%d %H:%M:%S.%f"
            ),
            subdir="versions_b" if rng.random() < split_share else "versions",
        )
        revs.append(spec)
        by_id[rid] = spec
        for d in down:
            has_child.add(d)
            if d in heads:
                heads.remove(d)
        heads.append(rid)
    return revs


def _literal(values: tuple[str, ...], quote: str, as_list: bool) -> str:
    """Render None / 'x' / ('x', 'y') (or lists) the way a revision header spells it."""
    if not values:
        return "None"
    items = [f"{quote}{v}{quote}" for v in values]
    if as_list:
        return "[" + ", ".join(items) + "]"
    if len(values) == 1:
        return items[0]
    return "(" + ", ".join(items) + ")"


def render_revision(spec: RevSpec) -> str:
    """Return the source of one revision file."""
    q = '"' if spec.style in ("double", "list") else "'"
    as_list = spec.style == "list"
    down = _literal(spec.down, q, as_list)
    labels = _literal(spec.branch_labels, q, as_list)
    deps = _literal(spec.depends_on, q, as_list)
    doc = [spec.message, *spec.extra_doc]
    header = (
        '"""'
        + "\n".join(doc)
        + f"\n\nRevision ID: {spec.revision}\nRevises: {', '.join(spec.down)}\n"
        + f'Create Date: {spec.create_date}\n\n"""\n'
    )
    lines: list[str] = [header]
    if spec.style == "annotated":
        lines.append("from typing import Sequence, Union\n\n")
    lines.append("from alembic import op\nimport sqlalchemy as sa\n\n\n")
    lines.append("# revision identifiers, used by Alembic.\n")
    if spec.dynamic:
        # Not plain literals: a static parser cannot read these, an import can.
        lines.append(f"_PREV = {down}\n_TAIL = {q}{spec.revision[4:]}{q}\n")
        lines.append(f"revision = {q}{spec.revision[:4]}{q} + _TAIL\n")
        lines.append("down_revision = _PREV\n")
        lines.append(f"branch_labels = {labels}\n")
        lines.append(f"depends_on = None if False else {deps}\n")
    elif spec.style == "annotated":
        lines.append(f"revision: str = {q}{spec.revision}{q}\n")
        lines.append(f"down_revision: Union[str, Sequence[str], None] = {down}\n")
        lines.append(f"branch_labels: Union[str, Sequence[str], None] = {labels}\n")
        lines.append(f"depends_on: Union[str, Sequence[str], None] = {deps}\n")
    else:
        lines.append(f"revision = {q}{spec.revision}{q}\n")
        lines.append(f"down_revision = {down}\n")
        # Old files often lack the optional names altogether.
        if spec.style != "bare" or spec.branch_labels:
            lines.append(f"branch_labels = {labels}\n")
        if spec.style != "bare" or spec.depends_on:
            lines.append(f"depends_on = {deps}\n")
    ret = " -> None" if spec.style == "annotated" else ""
    lines.append(
        f"\n\ndef upgrade(){ret}:\n    pass\n\n\ndef downgrade(){ret}:\n    pass\n",
    )
    return "".join(lines)


def _slug(message: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in message.lower())
    return "_".join(p for p in out.split("_") if p)[:40]


def write_project(root: Path, revs: Sequence[RevSpec]) -> Project:
    """Write ``alembic.ini``, ``migrations/env.py`` and the revision files under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    subdirs = sorted({r.subdir for r in revs} | {"versions"})
    locations = ""
    if subdirs != ["versions"]:
        locations = (
            "version_locations = "
            + os.pathsep.join(f"%(here)s/migrations/{d}" for d in subdirs)
            + "\n"
        )
    (root / "alembic.ini").write_text(ALEMBIC_INI.format(version_locations=locations))
    mig = root / "migrations"
    mig.mkdir(exist_ok=True)
    (mig / "env.py").write_text(ENV_PY)
    for d in subdirs:
        (mig / d).mkdir(exist_ok=True)
    for i, spec in enumerate(revs):
        name = f"{spec.revision}_{_slug(spec.message)}.py"
        path = mig / spec.subdir / name
        if path.exists():  # duplicate ids in bad graphs: keep both files
            path = path.with_name(f"{spec.revision}_dup{i}.py")
        path.write_text(render_revision(spec), encoding="utf-8")
    return Project(root=root, revisions=list(revs))


def make_project(root: Path, n: int, seed: int, **kwargs: object) -> Project:
    """Generate a graph with :func:`generate_graph` and write it under ``root``."""
    return write_project(root, generate_graph(n, seed, **kwargs))  # type: ignore[arg-type]


def make_bad_project(root: Path, kind: str, seed: int, n: int = 8) -> Project:
    """Write a small project whose graph is broken in the way ``kind`` names."""
    revs = generate_graph(n, seed, p_base=0.0, p_merge=0.0, p_branch=0.2, p_label=0.5)
    rng = random.Random(seed * 7919 + len(kind))
    ids = [r.revision for r in revs]
    if kind == "cycle":
        # The base now revises a later revision: a -> ... -> x -> a.
        later = rng.choice(ids[2:])
        revs[0].down = (later,)
    elif kind == "self_loop":
        victim = rng.choice(revs[1:])
        victim.down = (victim.revision,)
    elif kind == "missing_down":
        rng.choice(revs[1:]).down = ("deadbeef0000",)
    elif kind == "duplicate_id":
        copy = RevSpec(**revs[-1].__dict__)
        copy.message = "duplicate of the last revision"
        copy.down = (ids[1],)
        revs.append(copy)
    elif kind == "label_conflict":
        revs[1].branch_labels = ("samelabel",)
        revs[-1].branch_labels = ("samelabel",)
    elif kind == "missing_dependency":
        rng.choice(revs[1:]).depends_on = ("feedface0000",)
    else:
        raise ValueError(f"unknown bad graph kind {kind!r}")
    return write_project(root, revs)
