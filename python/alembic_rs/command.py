"""The alembic commands as functions, with alembic's signatures (``alembic.command``)."""

from __future__ import annotations

import os
import pathlib

from . import util
from .script import Script, ScriptDirectory

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .config import Config


def _print_lines(config: Config, lines: list[str]) -> None:
    """One ``print_stdout`` per line, as alembic does, written in one go."""
    if lines:
        config.print_stdout("\n".join(lines))


def list_templates(config: Config) -> None:
    """List available templates."""
    config.print_stdout("Available templates:\n")
    for tempname in sorted(config._get_template_path().iterdir()):
        if not (tempname / "README").exists():
            continue
        with (tempname / "README").open() as readme:
            synopsis = next(readme).rstrip()
        config.print_stdout("%s - %s", tempname.name, synopsis)
    config.print_stdout("\nTemplates are used via the 'init' command, e.g.:")
    config.print_stdout("\n  alembic init --template generic ./scripts")


def init(config: Config, directory: str, template: str = "generic", package: bool = False) -> None:
    """Initialize a new scripts directory."""
    directory_path = pathlib.Path(directory)
    if directory_path.exists() and list(directory_path.iterdir()):
        raise util.CommandError("Directory %s already exists and is not empty" % directory_path)
    template_path = config._get_template_path() / template
    if not template_path.exists():
        raise util.CommandError(f"No such template {template_path}")

    opts = config.messaging_opts
    if not os.access(directory_path, os.F_OK):
        with util.status(f"Creating directory {directory_path.absolute()}", **opts):
            os.makedirs(directory_path)
    versions = directory_path / "versions"
    with util.status(f"Creating directory {versions.absolute()}", **opts):
        os.makedirs(versions)

    ini_location = toml_location = directory_path.as_posix()
    if not directory_path.is_absolute():
        # relative script locations are written relative to %(here)s, the config's folder
        if config._config_file_path is not None:
            rel = os.path.relpath(
                directory_path.absolute(), config._config_file_path.absolute().parent
            )
            ini_location = ("%(here)s" / pathlib.Path(rel)).as_posix()
        if config._toml_file_path is not None:
            rel = os.path.relpath(
                directory_path.absolute(), config._toml_file_path.absolute().parent
            )
            toml_location = ("%(here)s" / pathlib.Path(rel)).as_posix()

    script = ScriptDirectory(directory_path)
    has_toml = False
    config_file: pathlib.Path | None = None
    toml_path: pathlib.Path | None = None
    for file_path in sorted(template_path.iterdir()):
        name = file_path.name
        if name == "alembic.ini.mako":
            assert config.config_file_name is not None
            config_file = pathlib.Path(config.config_file_name).absolute()
            if config_file.exists():
                util.msg(f"File {config_file} already exists, skipping", **opts)
            else:
                script._generate_template(file_path, config_file, script_location=ini_location)
        elif name == "pyproject.toml.mako":
            has_toml = True
            assert config._toml_file_path is not None
            toml_path = config._toml_file_path.absolute()
            if toml_path.exists():
                from . import _native

                if _native.read_pyproject_alembic(str(toml_path)) is not None:
                    util.msg(
                        f"File {toml_path} already exists "
                        "and already has a [tool.alembic] section, skipping"
                    )
                    continue
                script._append_template(file_path, toml_path, script_location=toml_location)
            else:
                script._generate_template(file_path, toml_path, script_location=toml_location)
        elif file_path.is_file():
            script._copy_file(file_path, directory_path / name)

    if package:
        for path in (
            directory_path.absolute() / "__init__.py",
            versions.absolute() / "__init__.py",
        ):
            with util.status(f"Adding {path!s}", **opts):
                open(path, "w").close()

    assert config_file is not None
    if has_toml:
        util.msg(
            f"Please edit configuration settings in {toml_path} and "
            "configuration/connection/logging "
            f"settings in {config_file} before proceeding.",
            **opts,
        )
    else:
        util.msg(
            "Please edit configuration/connection/logging "
            f"settings in {config_file} before proceeding.",
            **opts,
        )


def revision(
    config: Config,
    message: str | None = None,
    autogenerate: bool = False,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: Any = None,
    version_path: str | os.PathLike[str] | None = None,
    rev_id: str | None = None,
    depends_on: str | None = None,
    process_revision_directives: Any = None,
) -> Script | list[Script | None] | None:
    """Create a new revision file."""
    script_directory = ScriptDirectory.from_config(config)
    environment = util.asbool(config.get_alembic_option("revision_environment"))
    if autogenerate:
        if sql:
            raise util.CommandError("Using --sql with --autogenerate does not make any sense")
        raise util.CommandError("autogenerate is not available in this version of alembic-rs")
    if sql and not environment:
        raise util.CommandError(
            "Using --sql with the revision command when "
            "revision_environment is not configured does not make any sense"
        )
    template_args: dict[str, Any] = {"config": config}
    if environment:
        from .runtime.environment import run_env_for_revision

        run_env_for_revision(config, script_directory, sql, template_args)
    return script_directory.generate_revision(
        rev_id or util.rev_id(),
        message,
        head=head,
        splice=splice,
        branch_labels=branch_label,
        version_path=version_path,
        depends_on=depends_on,
        refresh=True,
        **template_args,
    )


def merge(
    config: Config,
    revisions: Any,
    message: str | None = None,
    branch_label: Any = None,
    rev_id: str | None = None,
    splice: bool = False,
) -> Script | None:
    """Merge two revisions together.  Creates a new migration file."""
    script = ScriptDirectory.from_config(config)
    template_args: dict[str, Any] = {"config": config}
    if util.asbool(config.get_alembic_option("revision_environment")):
        from .runtime.environment import run_env_for_revision

        run_env_for_revision(config, script, False, template_args, render=False)
    return script.generate_revision(
        rev_id or util.rev_id(),
        message,
        refresh=True,
        head=revisions,
        branch_labels=branch_label,
        splice=splice,
        **template_args,
    )


def show(config: Config, rev: str) -> None:
    """Show the revision(s) denoted by the given symbol."""
    script = ScriptDirectory.from_config(config)
    if rev == "current":
        from .runtime.environment import run_with_current

        def show_current(current: tuple[str, ...]) -> None:
            for sc in script.get_revisions(current):
                config.print_stdout(sc.log_entry)

        run_with_current(config, script, show_current)
    else:
        for sc in script.get_revisions(rev):
            config.print_stdout(sc.log_entry)


def history(
    config: Config,
    rev_range: str | None = None,
    verbose: bool = False,
    indicate_current: bool = False,
) -> None:
    """List changeset scripts in chronological order."""
    script = ScriptDirectory.from_config(config)
    if rev_range is not None:
        if ":" not in rev_range:
            raise util.CommandError("History range requires [start]:[end], [start]:, or :[end]")
        base: str | None
        head: str | None
        base, head = rev_range.strip().split(":")
    else:
        base = head = None

    def display(currents: tuple[str, ...]) -> None:
        with script._catch_revision_errors():
            lines = script._map.history_lines(rev_range, verbose, indicate_current, list(currents))
        _print_lines(config, lines)

    environment = util.asbool(config.get_alembic_option("revision_environment")) or indicate_current
    if base == "current" or head == "current" or environment:
        from .runtime.environment import run_with_current

        run_with_current(config, script, display)
    else:
        display(())


def heads(config: Config, verbose: bool = False, resolve_dependencies: bool = False) -> None:
    """Show current available heads in the script directory."""
    script = ScriptDirectory.from_config(config)
    if not resolve_dependencies:
        # alembic reads the heads outside its error wrapper: graph errors surface as they are
        script.get_heads()
    with script._catch_revision_errors():
        lines = script._map.heads_lines(verbose, resolve_dependencies)
    _print_lines(config, lines)


def branches(config: Config, verbose: bool = False) -> None:
    """Show current branch points."""
    script = ScriptDirectory.from_config(config)
    with script._catch_revision_errors():
        lines = script._map.branches_lines(verbose)
    _print_lines(config, lines)


def edit(config: Config, rev: str) -> None:
    """Edit revision script(s) using $EDITOR."""
    from .util.editor import open_in_editor

    script = ScriptDirectory.from_config(config)
    if rev == "current":
        from .runtime.environment import run_with_current

        def edit_current(current: tuple[str, ...]) -> None:
            if not current:
                raise util.CommandError("No current revisions")
            for sc in script.get_revisions(current):
                open_in_editor(sc.path)

        run_with_current(config, script, edit_current)
        return
    revs = script.get_revisions(rev)
    if not revs:
        raise util.CommandError("No revision files indicated by symbol '%s'" % rev)
    for sc in revs:
        open_in_editor(sc.path)


def upgrade(config: Config, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """Upgrade to a later version."""
    from .runtime.environment import run_env

    script = ScriptDirectory.from_config(config)
    starting_rev = None
    if ":" in revision:
        if not sql:
            raise util.CommandError("Range revision not allowed")
        starting_rev, revision = revision.split(":", 2)

    def fn(rev: Any, context: Any) -> list[Any]:
        return script._upgrade_revs(revision, rev)

    run_env(
        config,
        script,
        fn,
        as_sql=sql,
        starting_rev=starting_rev,
        destination_rev=revision,
        tag=tag,
    )


def downgrade(config: Config, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """Revert to a previous version."""
    from .runtime.environment import run_env

    script = ScriptDirectory.from_config(config)
    starting_rev = None
    if ":" in revision:
        if not sql:
            raise util.CommandError("Range revision not allowed")
        starting_rev, revision = revision.split(":", 2)
    elif sql:
        raise util.CommandError("downgrade with --sql requires <fromrev>:<torev>")

    def fn(rev: Any, context: Any) -> list[Any]:
        return script._downgrade_revs(revision, rev)

    run_env(
        config,
        script,
        fn,
        as_sql=sql,
        starting_rev=starting_rev,
        destination_rev=revision,
        tag=tag,
    )


def stamp(
    config: Config,
    revision: Any,
    sql: bool = False,
    tag: str | None = None,
    purge: bool = False,
) -> None:
    """'stamp' the revision table with the given revision; don't run any migrations."""
    from .runtime.environment import run_env

    script = ScriptDirectory.from_config(config)
    if sql:
        destination_revs = []
        starting_rev = None
        for rev in util.to_tuple(revision) or ():
            if ":" in rev:
                srev, rev = rev.split(":", 2)
                if starting_rev != srev:
                    if starting_rev is None:
                        starting_rev = srev
                    else:
                        raise util.CommandError(
                            "Stamp operation with --sql only supports a "
                            "single starting revision at a time"
                        )
            destination_revs.append(rev)
    else:
        destination_revs = list(util.to_tuple(revision) or ())
        starting_rev = None

    def fn(rev: Any, context: Any) -> list[Any]:
        return script._stamp_revs(util.to_tuple(destination_revs), rev)

    run_env(
        config,
        script,
        fn,
        as_sql=sql,
        starting_rev=starting_rev if sql else None,
        destination_rev=util.to_tuple(destination_revs),
        tag=tag,
        purge=purge,
    )


def current(config: Config, check_heads: bool = False, verbose: bool = False) -> None:
    """Display the current revision for a database."""
    from .runtime.environment import run_env

    script = ScriptDirectory.from_config(config)

    def display_version(rev: Any, context: Any) -> list[Any]:
        if verbose:
            config.print_stdout("Current revision(s) for %s:", context.url_for_display())
        if check_heads and set(context.get_current_heads()) != set(script.get_heads()):
            raise util.DatabaseNotAtHead("Database is not on all head revisions")
        for sc in script.get_all_current(tuple(rev)):
            config.print_stdout(sc.cmd_format(verbose))
        return []

    run_env(config, script, display_version, dont_mutate=True)


def ensure_version(config: Config, sql: bool = False) -> None:
    """Create the alembic version table if it doesn't exist already ."""
    from .runtime.environment import run_env

    script = ScriptDirectory.from_config(config)

    def do_ensure_version(rev: Any, context: Any) -> list[Any]:
        context._ensure_version_table()
        return []

    run_env(config, script, do_ensure_version, as_sql=sql)


# -- async twins ---------------------------------------------------------------------------


def _async_twin(fn: Any) -> Any:
    """``await command.<name>_async(...)``: ``fn`` on a worker thread, the loop stays free.

    The worker has no running event loop, so an env.py that calls ``asyncio.run()``
    (the async template, the seed's env.py) works from inside a FastAPI lifespan or
    an async test.
    """

    async def twin(*args: Any, **kw: Any) -> Any:
        from . import _native

        return await _native.run_in_worker(fn, args, kw)

    twin.__name__ = twin.__qualname__ = f"{fn.__name__}_async"
    twin.__doc__ = f"Awaitable form of ``{fn.__name__}``, run on a worker thread."
    return twin


branches_async = _async_twin(branches)
current_async = _async_twin(current)
downgrade_async = _async_twin(downgrade)
edit_async = _async_twin(edit)
ensure_version_async = _async_twin(ensure_version)
heads_async = _async_twin(heads)
history_async = _async_twin(history)
init_async = _async_twin(init)
list_templates_async = _async_twin(list_templates)
merge_async = _async_twin(merge)
revision_async = _async_twin(revision)
show_async = _async_twin(show)
stamp_async = _async_twin(stamp)
upgrade_async = _async_twin(upgrade)
