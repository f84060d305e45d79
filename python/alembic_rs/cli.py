"""The ``alembic-rs`` command line: alembic's verbs, flags and output.

The console script first offers the command line to the extension
(``_native.run_read_command``), which serves the read-only verbs (``heads``, ``history``,
``show``, ``branches``, ``list_templates``) when their whole behaviour is known there,
before anything else is imported. Everything else runs the argparse CLI below, whose
imports (argparse, the commands, the configuration) therefore happen inside functions.
``ALEMBIC_RS_FAST_PATH=0`` turns the fast path off; ``=explain`` says on stderr whether it
served the command and, if not, why.
"""

from __future__ import annotations

import os
import sys

from . import __version__, _native

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace
    from collections.abc import Callable, Sequence
    from typing import Any

    from .config import Config

# code flag of ``async def`` functions (inspect.CO_COROUTINE), without importing inspect
_CO_COROUTINE = 0x80

_KWARGS_OPTS: dict[str, tuple[Any, ...]] = {
    "template": (
        "-t",
        "--template",
        dict(default="generic", type=str, help="Setup template for use with 'init'"),
    ),
    "message": ("-m", "--message", dict(type=str, help="Message string to use with 'revision'")),
    "sql": (
        "--sql",
        dict(
            action="store_true",
            help="Don't emit SQL to database - dump to standard output/file instead. "
            "See docs on offline mode.",
        ),
    ),
    "tag": (
        "--tag",
        dict(type=str, help="Arbitrary 'tag' name - can be used by custom env.py scripts."),
    ),
    "head": (
        "--head",
        dict(
            type=str,
            help="Specify head revision or <branchname>@head to base new revision on.",
        ),
    ),
    "splice": (
        "--splice",
        dict(action="store_true", help="Allow a non-head revision as the 'head' to splice onto"),
    ),
    "depends_on": (
        "--depends-on",
        dict(
            action="append",
            help="Specify one or more revision identifiers which this revision should depend on.",
        ),
    ),
    "rev_id": (
        "--rev-id",
        dict(type=str, help="Specify a hardcoded revision id instead of generating one"),
    ),
    "version_path": (
        "--version-path",
        dict(type=str, help="Specify specific path from config for version file"),
    ),
    "branch_label": (
        "--branch-label",
        dict(type=str, help="Specify a branch label to apply to the new revision"),
    ),
    "verbose": ("-v", "--verbose", dict(action="store_true", help="Use more verbose output")),
    "resolve_dependencies": (
        "--resolve-dependencies",
        dict(action="store_true", help="Treat dependency versions as down revisions"),
    ),
    "autogenerate": (
        "--autogenerate",
        dict(
            action="store_true",
            help="Populate revision script with candidate migration operations, "
            "based on comparison of database to model.",
        ),
    ),
    "rev_range": (
        "-r",
        "--rev-range",
        dict(action="store", help="Specify a revision range; format is [start]:[end]"),
    ),
    "indicate_current": (
        "-i",
        "--indicate-current",
        dict(action="store_true", help="Indicate the current revision"),
    ),
    "purge": (
        "--purge",
        dict(action="store_true", help="Unconditionally erase the version table before stamping"),
    ),
    "package": (
        "--package",
        dict(
            action="store_true",
            help="Write empty __init__.py files to the environment and version locations",
        ),
    ),
    "check_heads": (
        "-c",
        "--check-heads",
        dict(
            action="store_true",
            help="Check if all head revisions are applied to the database. "
            "Exit with an error code if this is not the case.",
        ),
    ),
}
_POSITIONAL_OPTS: dict[str, dict[str, Any]] = {
    "directory": dict(help="location of scripts directory"),
    "revision": dict(help="revision identifier"),
    "revisions": dict(nargs="+", help="one or more revisions, or 'heads' for all heads"),
}
_POSITIONAL_TRANSLATIONS: dict[str, dict[str, str]] = {"stamp": {"revision": "revisions"}}


def _function_type() -> None:
    """Stands for the type of plain functions."""


class CommandLine:
    """Builds the argparse parser from ``alembic_rs.command``, as alembic does."""

    def __init__(self, prog: str | None = None) -> None:
        from argparse import ArgumentParser

        from . import command

        parser = ArgumentParser(prog=prog)
        parser.add_argument("--version", action="version", version="%%(prog)s %s" % __version__)
        parser.add_argument(
            "-c",
            "--config",
            action="append",
            help="Alternate config file; defaults to value of "
            'ALEMBIC_CONFIG environment variable, or "alembic.ini". '
            "May also refer to pyproject.toml file.  May be specified twice "
            "to reference both files separately",
        )
        parser.add_argument(
            "-n",
            "--name",
            type=str,
            default="alembic",
            help="Name of section in .ini file to use for Alembic config "
            "(only applies to configparser config, not toml)",
        )
        parser.add_argument(
            "-x",
            action="append",
            help="Additional arguments consumed by custom env.py scripts, "
            "e.g. -x setting1=somesetting -x setting2=somesetting",
        )
        parser.add_argument(
            "--raiseerr", action="store_true", help="Raise a full stack trace on error"
        )
        parser.add_argument("-q", "--quiet", action="store_true", help="Do not log to std output.")
        self.subparsers = parser.add_subparsers()
        for name in dir(command):
            fn = getattr(command, name)
            if (
                isinstance(fn, type(_function_type))
                and name[0] != "_"
                and fn.__module__ == command.__name__
                and not fn.__code__.co_flags & _CO_COROUTINE
            ):
                self.register_command(fn)
        self.parser = parser

    def register_command(self, fn: Callable[..., Any]) -> None:
        """Add ``fn`` as a subcommand; arguments come from its signature."""
        positional, kwarg, help_text = self._inspect_function(fn)
        subparser = self.subparsers.add_parser(fn.__name__, help=help_text)
        subparser.set_defaults(cmd=(fn, positional, kwarg))
        for arg in kwarg:
            if arg in _KWARGS_OPTS:
                spec = _KWARGS_OPTS[arg]
                subparser.add_argument(*spec[:-1], **spec[-1])
        for arg in positional:
            subparser.add_argument(arg, **_POSITIONAL_OPTS.get(arg, {}))

    @staticmethod
    def _inspect_function(fn: Callable[..., Any]) -> tuple[list[str], list[str], str]:
        code = fn.__code__
        args = list(code.co_varnames[: code.co_argcount])
        defaults = fn.__defaults__
        if defaults:
            positional, kwarg = args[1 : -len(defaults)], args[-len(defaults) :]
        else:
            positional, kwarg = args[1:], []
        translate = _POSITIONAL_TRANSLATIONS.get(fn.__name__, {})
        positional = [translate.get(name, name) for name in positional]
        help_lines = []
        for line in (fn.__doc__ or "").split("\n"):
            if not line.strip():
                break
            help_lines.append(line.strip())
        return positional, kwarg, " ".join(help_lines)

    def run_cmd(self, config: Config, options: Namespace) -> None:
        from . import util
        from .util.exc import ConfigFileError, DatabaseFailure, MissingRevisionError

        fn, positional, kwarg = options.cmd
        try:
            fn(
                config,
                *[getattr(options, k, None) for k in positional],
                **{k: getattr(options, k, None) for k in kwarg},
            )
        except (ConfigFileError, DatabaseFailure) as e:
            # alembic dies on these with configparser's or SQLAlchemy's traceback (status 1)
            if options.raiseerr:
                raise
            util.messaging.fail(str(e), status=1, **config.messaging_opts)
        except util.CommandError as e:
            if options.raiseerr:
                raise
            util.err(str(e), **config.messaging_opts)
        except (util.RevisionError, MissingRevisionError) as e:
            # alembic lets these escape as a traceback (exit status 1); we print the same
            # message cleanly, with the same status
            if options.raiseerr:
                raise
            util.messaging.fail(str(e), status=1, **config.messaging_opts)

    @staticmethod
    def _inis_from_config(options: Namespace) -> tuple[str, str]:
        from . import util

        names = options.config
        env = os.environ.get("ALEMBIC_CONFIG")
        if env and os.path.basename(env) == "pyproject.toml":
            default_toml, default_ini = env, "alembic.ini"
        elif env:
            default_toml, default_ini = "pyproject.toml", env
        else:
            default_toml, default_ini = "pyproject.toml", "alembic.ini"
        if not names:
            return default_toml, default_ini
        toml = ini = None
        for name in names:
            if os.path.basename(name) == "pyproject.toml":
                if toml is not None:
                    raise util.CommandError("pyproject.toml indicated more than once")
                toml = name
            else:
                if ini is not None:
                    raise util.CommandError("only one ini file may be indicated")
                ini = name
        return toml or default_toml, ini or default_ini

    def main(self, argv: Sequence[str] | None = None) -> None:
        """Parse ``argv`` and run the command."""
        from . import util
        from .config import Config

        options = self.parser.parse_args(argv)
        if not hasattr(options, "cmd"):
            self.parser.error("too few arguments")
        try:
            toml, ini = self._inis_from_config(options)
            cfg = Config(file_=ini, toml_file=toml, ini_section=options.name, cmd_opts=options)
        except util.CommandError as e:
            # alembic raises these outside run_cmd: a traceback, exit status 1
            util.messaging.fail(str(e), status=1, quiet=bool(options.quiet))
        self.run_cmd(cfg, options)


# Config.get_template_directory(), without importing the configuration
_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def main(argv: Sequence[str] | None = None, prog: str | None = None, **kwargs: Any) -> None:
    """The console entry point of ``alembic-rs``.

    Reading ``sys.argv`` (``argv`` not given), a read-only command is first offered to the
    extension; an ``argv`` passed in always runs the Python CLI, so programmatic calls
    keep every side effect of the commands (``sys.path``, warnings, imports).
    """
    if argv is None:
        status = _native.run_read_command(
            sys.argv[1:], prog or os.path.basename(sys.argv[0]), __version__, _TEMPLATES
        )
        if status is not None:
            if status:
                sys.exit(status)
            return
    CommandLine(prog=prog).main(argv=argv)


if __name__ == "__main__":
    main()
