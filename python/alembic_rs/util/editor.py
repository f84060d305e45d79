"""Opening a revision file in the user's editor (``alembic edit``)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .exc import CommandError


def open_in_editor(filename: str, environ: Mapping[str, str] | None = None) -> None:
    """Open ``filename`` in ``$EDITOR`` / ``$VISUAL`` or a common editor."""
    from subprocess import check_call

    env = os.environ if environ is None else environ
    try:
        check_call([_find_editor(env), filename])
    except Exception as exc:
        raise CommandError("Error executing editor (%s)" % (exc,)) from exc


def _find_editor(environ: Mapping[str, str]) -> str:
    candidates = ["sensible-editor", "editor", "nano", "vim", "code"]
    for i, var in enumerate(("EDITOR", "VISUAL")):
        if var in environ:
            choice = environ[var]
            if os.path.exists(choice):
                return choice
            if os.sep not in choice:
                candidates.insert(i, choice)
    for candidate in candidates:
        for path in environ.get("PATH", "").split(os.pathsep):
            full = os.path.join(path, candidate)
            if os.path.exists(full):
                return full
    raise OSError(
        'No suitable editor found. Please set the "EDITOR" or "VISUAL" environment variables'
    )
