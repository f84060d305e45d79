"""Console output as alembic writes it: ``msg``, ``status``, ``err``."""

from __future__ import annotations

import sys
import warnings
from contextlib import contextmanager

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any, TextIO


def alembic_logger(name: str) -> Any:
    """A logger under ``alembic``, which (as in alembic) has a NullHandler so that
    nothing reaches the console unless the user's logging config says so."""
    import logging

    parent = logging.getLogger("alembic")
    if not any(isinstance(h, logging.NullHandler) for h in parent.handlers):
        parent.addHandler(logging.NullHandler())
    return logging.getLogger(name)


def _terminal_width() -> int | None:
    try:
        import fcntl
        import struct
        import termios

        packed = fcntl.ioctl(0, termios.TIOCGWINSZ, struct.pack("HHHH", 0, 0, 0, 0))
        _h, width, _hp, _wp = struct.unpack("HHHH", packed)
        return width if width > 0 else None
    except (ImportError, OSError):
        return None


TERMWIDTH = _terminal_width()


def write_outstream(stream: TextIO, *text: str | bytes, quiet: bool = False) -> None:
    """Write text to a stream in its encoding, replacing what it cannot hold."""
    if quiet:
        return
    encoding = getattr(stream, "encoding", "ascii") or "ascii"
    for t in text:
        if not isinstance(t, bytes):
            t = t.encode(encoding, "replace")
        try:
            stream.write(t.decode(encoding))
        except OSError:
            # a closed pipe (``| head``): stop writing quietly
            break


@contextmanager
def status(status_msg: str, newline: bool = False, quiet: bool = False) -> Iterator[None]:
    """Print ``<msg> ...`` then ``  done`` or ``  FAILED``."""
    msg(status_msg + " ...", newline, flush=True, quiet=quiet)
    try:
        yield
    except BaseException:
        if not quiet:
            write_outstream(sys.stdout, "  FAILED\n")
        raise
    else:
        if not quiet:
            write_outstream(sys.stdout, "  done\n")


def err(message: str, quiet: bool = False) -> None:
    """Log and print ``FAILED: <message>``, then exit with alembic's status (-1)."""
    fail(message, quiet=quiet, status=-1)


def fail(message: str, quiet: bool = False, status: int = -1) -> None:
    """``err`` with an exit status: 1 where alembic itself would die with a traceback."""
    alembic_logger("alembic.util.messaging").error(message)
    msg(f"FAILED: {message}", quiet=quiet)
    sys.exit(status)


def warn(msg: str, stacklevel: int = 2) -> None:
    """A ``UserWarning`` pointing at the caller."""
    warnings.warn(msg, UserWarning, stacklevel=stacklevel)


def warn_deprecated(msg: str, stacklevel: int = 2) -> None:
    """A ``DeprecationWarning`` pointing at the caller."""
    warnings.warn(msg, DeprecationWarning, stacklevel=stacklevel)


def msg(msg: str, newline: bool = True, flush: bool = False, quiet: bool = False) -> None:
    """Print a message, wrapped to the terminal's width when there is one."""
    message = msg
    if quiet:
        return
    if TERMWIDTH is None:
        write_outstream(sys.stdout, message)
        if newline:
            write_outstream(sys.stdout, "\n")
    else:
        import textwrap

        lines = textwrap.wrap(message, TERMWIDTH, initial_indent="  ", subsequent_indent="  ")
        for line in lines[:-1]:
            write_outstream(sys.stdout, line, "\n")
        write_outstream(sys.stdout, lines[-1] if lines else "", "\n" if newline else "")
    if flush:
        sys.stdout.flush()


def format_as_comma(value: str | Iterable[str] | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(value)


def obfuscate_url_pw(input_url: str) -> str:
    """The URL with its password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    return make_url(input_url).render_as_string(hide_password=True)
