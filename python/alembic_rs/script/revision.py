"""``alembic.script.revision``: ``Revision``, ``RevisionMap`` and the graph's errors.

The graph itself lives in Rust (``_native.RevisionMap``); ``RevisionMap`` here is the
alembic-shaped view of it that ``ScriptDirectory.revision_map`` hands out: ids for
``heads``/``bases``, ``Script`` objects for the lookups and walks.
"""

from __future__ import annotations

from .. import _native
from ..util import not_none
from ..util.exc import (
    CycleDetected,
    DependencyCycleDetected,
    DependencyLoopDetected,
    LoopDetected,
    MultipleHeads,
    RangeNotAncestorError,
    ResolutionError,
    RevisionError,
)

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any

    from .base import Script, ScriptDirectory

__all__ = [
    "CycleDetected",
    "DependencyCycleDetected",
    "DependencyLoopDetected",
    "LoopDetected",
    "MultipleHeads",
    "RangeNotAncestorError",
    "ResolutionError",
    "Revision",
    "RevisionError",
    "RevisionMap",
    "is_revision",
    "not_none",
    "tuple_rev_as_scalar",
]


def tuple_rev_as_scalar(rev: Sequence[Any] | None) -> Any:
    """``None`` for no revision, the id for one, the sequence for several."""
    if not rev:
        return None
    if len(rev) == 1:
        return rev[0]
    return rev


class Revision:
    """Base class of ``Script``, as in alembic: one node of the revision graph.

    Its links (``nextrev``, ``is_head`` ...) are computed in Rust when the graph is
    built, and set on each ``Script``.
    """

    nextrev: frozenset[str] = frozenset()
    revision: str = None  # type: ignore[assignment]
    down_revision: str | tuple[str, ...] | None = None
    dependencies: str | tuple[str, ...] | None = None
    branch_labels: set[str] = None  # type: ignore[assignment]
    is_head: bool = False
    is_base: bool = False
    is_branch_point: bool = False
    is_merge_point: bool = False

    @classmethod
    def verify_rev_id(cls, revision: str) -> None:
        """Raise ``RevisionError`` for characters a revision id may not hold."""
        _native.verify_rev_id(revision)


def is_revision(rev: Any) -> Revision:
    """``rev``, asserted to be a ``Revision``."""
    assert isinstance(rev, Revision)
    return rev


class RevisionMap:
    """alembic's ``RevisionMap`` API over the Rust graph of a ``ScriptDirectory``.

    Errors are the ``RevisionError`` family, unwrapped, as alembic's map raises them
    (``ScriptDirectory``'s methods turn them into ``CommandError``).
    """

    def __init__(self, scripts: ScriptDirectory) -> None:
        self._scripts = scripts

    @property
    def heads(self) -> tuple[str, ...]:
        """The head revision ids (one unless there are unmerged branches)."""
        return tuple(self._scripts._map.heads())

    @property
    def bases(self) -> tuple[str, ...]:
        """The ids of revisions with no ``down_revision``."""
        return tuple(self._scripts._map.bases())

    def get_current_head(self, branch_label: str | None = None) -> str | None:
        """The single head (of ``branch_label``'s branch); ``MultipleHeads`` if several."""
        return self._scripts._map.get_current_head(branch_label)

    def get_revision(self, id_: str | None) -> Script | None:
        """The ``Script`` an id, partial id, label or symbol names (``None`` for base)."""
        rev = self._scripts._map.get_revision(id_)
        return self._scripts._script(rev) if rev is not None else None

    def get_revisions(self, id_: Any) -> tuple[Script | None, ...]:
        """The ``Script`` objects one or several identifiers name."""
        return tuple(
            self._scripts._script(r) if r is not None else None
            for r in self._scripts._map.get_revisions(id_)
        )

    def iterate_revisions(
        self,
        upper: Any,
        lower: Any,
        implicit_base: bool = False,
        inclusive: bool = False,
        assert_relative_length: bool = True,
        select_for_downgrade: bool = False,
    ) -> Iterator[Script]:
        """The scripts from ``upper`` down to ``lower``, in alembic's order."""
        ids = self._scripts._map.iterate_revisions(
            upper,
            lower,
            implicit_base=implicit_base,
            inclusive=inclusive,
            assert_relative_length=assert_relative_length,
            select_for_downgrade=select_for_downgrade,
        )
        return iter([self._scripts._script(r) for r in ids])
