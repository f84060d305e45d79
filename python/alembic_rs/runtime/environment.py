"""``EnvironmentContext``: what env.py sees as ``alembic.context``."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TextIO

from .. import _native, util
from ..util.messaging import alembic_logger
from .migration import MigrationContext, _make_dialect

log = alembic_logger("alembic.runtime.migration")

_current: list[EnvironmentContext] = []


def current_environment() -> EnvironmentContext:
    """The EnvironmentContext of the env.py now running."""
    if not _current:
        raise NameError(
            "Can't invoke function 'context', as the proxy object has not yet been "
            "established for the Alembic 'EnvironmentContext' class.  Try placing this "
            "code inside a callable."
        )
    return _current[-1]


def _sa_url_string(url: Any) -> str:
    """A SQLAlchemy URL (object or string) as text, password included."""
    if isinstance(url, str):
        return url
    return url.render_as_string(hide_password=False)


class EnvironmentContext:
    """Configures and runs migrations for one env.py run (``alembic.context``)."""

    _migration_context: MigrationContext | None = None

    def __init__(self, config: Any, script: Any, **kw: Any) -> None:
        self.config = config
        self.script = script
        self.context_opts = kw
        self._native_connection: Any = None

    def __enter__(self) -> EnvironmentContext:
        from .. import compat

        _current.append(self)
        self._alias = compat.alias_alembic()
        self._alias.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._migration_context is not None and self._native_connection is not None:
                self._migration_context._release_lock()
        finally:
            self._close_native(*exc)

    def _close_native(self, *exc: Any) -> None:
        try:
            if self._native_connection is not None:
                self._native_connection.close()
                self._native_connection = None
        finally:
            self._alias.__exit__(*exc)
            _current.remove(self)

    # -- questions env.py asks ----------------------------------------------------------

    def is_offline_mode(self) -> bool:
        return self.context_opts.get("as_sql", False)

    def is_transactional_ddl(self) -> bool:
        return self.get_context().impl.transactional_ddl

    def requires_connection(self) -> bool:
        return not self.is_offline_mode()

    def get_head_revision(self) -> Any:
        return self.script.as_revision_number("head")

    def get_head_revisions(self) -> Any:
        return self.script.as_revision_number("heads")

    def get_starting_revision_argument(self) -> Any:
        if self._migration_context is not None:
            return self.script.as_revision_number(self.get_context()._start_from_rev)
        if "starting_rev" in self.context_opts:
            return self.script.as_revision_number(self.context_opts["starting_rev"])
        raise util.CommandError("No starting revision argument is available.")

    def get_revision_argument(self) -> Any:
        return self.script.as_revision_number(self.context_opts["destination_rev"])

    def get_tag_argument(self) -> str | None:
        return self.context_opts.get("tag", None)

    def get_x_argument(self, as_dictionary: bool = False) -> Any:
        value = (self.config.cmd_opts.x or []) if self.config.cmd_opts is not None else []
        if as_dictionary:
            return {k: v for k, _, v in (arg.partition("=") for arg in value)}
        return value

    # -- configure ----------------------------------------------------------------------

    def configure(
        self,
        connection: Any = None,
        url: Any = None,
        dialect_name: str | None = None,
        dialect_opts: dict[str, Any] | None = None,
        transactional_ddl: bool | None = None,
        transaction_per_migration: bool = False,
        output_buffer: TextIO | None = None,
        starting_rev: str | None = None,
        tag: str | None = None,
        template_args: dict[str, Any] | None = None,
        render_as_batch: bool = False,
        target_metadata: Any = None,
        include_name: Callable[..., bool] | None = None,
        include_object: Callable[..., bool] | None = None,
        include_schemas: bool = False,
        process_revision_directives: Callable[..., Any] | None = None,
        compare_type: Any = True,
        compare_server_default: Any = False,
        render_item: Callable[..., Any] | None = None,
        literal_binds: bool = False,
        upgrade_token: str = "upgrades",
        downgrade_token: str = "downgrades",
        alembic_module_prefix: str = "op.",
        sqlalchemy_module_prefix: str = "sa.",
        user_module_prefix: str | None = None,
        on_version_apply: Callable[..., Any] | None = None,
        autogenerate_plugins: Any = None,
        **kw: Any,
    ) -> None:
        """Set up the migration context: alembic's keyword options."""
        opts = self.context_opts
        if transactional_ddl is not None:
            opts["transactional_ddl"] = transactional_ddl
        if output_buffer is not None:
            opts["output_buffer"] = output_buffer
        elif self.config.output_buffer is not None:
            opts["output_buffer"] = self.config.output_buffer
        if starting_rev:
            opts["starting_rev"] = starting_rev
        if tag:
            opts["tag"] = tag
        if template_args and "template_args" in opts:
            opts["template_args"].update(template_args)
        opts.update(
            transaction_per_migration=transaction_per_migration,
            target_metadata=target_metadata,
            include_name=include_name,
            include_object=include_object,
            include_schemas=include_schemas,
            render_as_batch=render_as_batch,
            upgrade_token=upgrade_token,
            downgrade_token=downgrade_token,
            sqlalchemy_module_prefix=sqlalchemy_module_prefix,
            alembic_module_prefix=alembic_module_prefix,
            user_module_prefix=user_module_prefix,
            literal_binds=literal_binds,
            process_revision_directives=process_revision_directives,
            on_version_apply=util.to_tuple(on_version_apply, default=()),
            compare_type=compare_type,
            compare_server_default=compare_server_default,
            script=self.script,
        )
        if autogenerate_plugins is not None:
            opts["autogenerate_plugins"] = autogenerate_plugins
        if url is not None:
            opts["url"] = url
        if render_item is not None:
            opts["render_item"] = render_item
        opts.update(kw)

        dialect = _make_dialect(connection, url, dialect_name, dialect_opts or {})
        native = None
        if not opts.get("as_sql"):
            native = self._open_native(connection, url)
        self._migration_context = MigrationContext(
            dialect, connection, opts, environment_context=self, native=native
        )

    def _open_native(self, connection: Any, url: Any) -> Any:
        """A sqlx connection to the same database, or None to stay on SQLAlchemy."""
        if os.environ.get("ALEMBIC_RS_EXECUTOR") == "sqlalchemy":
            return None
        if connection is not None:
            if connection.in_transaction():
                log.debug("Executor: SQLAlchemy (the given connection is inside a transaction)")
                return None
            autocommit = getattr(connection, "_is_autocommit_isolation", None)
            if autocommit is not None and autocommit():
                # each statement commits at once there (CREATE INDEX CONCURRENTLY works
                # without autocommit_block), as alembic runs it
                log.debug("Executor: SQLAlchemy (the given connection is in AUTOCOMMIT mode)")
                return None
            url = connection.engine.url
        if url is None:
            return None
        try:
            native = _native.Connection.connect(_sa_url_string(url))
        except _native.NotNativeError as e:
            log.debug("Executor: SQLAlchemy (%s)", e)
            return None
        except _native.ConnectionError as e:
            if connection is not None:
                # env.py's engine knows more than its URL (connect_args, a do_connect
                # event handing out tokens, a creator): stay on its connection
                log.debug("Executor: SQLAlchemy (no native connection: %s)", e)
                return None
            # the message names the URL with its password hidden
            raise util.exc.DatabaseFailure(str(e)) from e
        if connection is not None:
            from .session import carry_session_state

            try:
                carry_session_state(connection, native)
            except Exception as e:  # the SQLAlchemy executor is always right
                native.close()
                log.debug("Executor: SQLAlchemy (native connection not used: %s)", e)
                return None
        if self._native_connection is not None:
            self._native_connection.close()
        self._native_connection = native
        log.debug("Executor: native (sqlx)")
        return native

    # -- running --------------------------------------------------------------------------

    def run_migrations(self, **kw: Any) -> None:
        from ..operations import Operations

        context = self.get_context()
        with Operations.context(context):
            context.run_migrations(**kw)

    def execute(self, sql: Any, execution_options: dict[str, Any] | None = None) -> None:
        self.get_context().execute(sql, execution_options=execution_options)

    def static_output(self, text: str) -> None:
        self.get_context().impl.static_output(text)

    def begin_transaction(self) -> Any:
        return self.get_context().begin_transaction()

    def get_context(self) -> MigrationContext:
        if self._migration_context is None:
            raise Exception("No context has been configured yet.")
        return self._migration_context

    def get_bind(self) -> Any:
        return self.get_context().bind

    def get_impl(self) -> Any:
        return self.get_context().impl


def run_env(config: Any, script: Any, fn: Callable[..., Any], **kw: Any) -> None:
    """Run the user's env.py with ``fn`` as the migration function."""
    with EnvironmentContext(config, script, fn=fn, **kw):
        script.run_env()


def run_with_current(config: Any, script: Any, callback: Callable[[tuple[str, ...]], None]) -> None:
    """Run env.py only to learn the database's current heads, then call ``callback``."""

    def fn(rev: tuple[str, ...], context: Any) -> list[Any]:
        callback(tuple(rev))
        return []

    run_env(config, script, fn, dont_mutate=True)


# what alembic's autogenerate renderer writes for a revision with no operations
_EMPTY_BODY = (
    "# ### commands auto generated by Alembic - please adjust! ###\n"
    "    pass\n"
    "    # ### end Alembic commands ###"
)


def run_env_for_revision(
    config: Any, script: Any, sql: bool, template_args: dict[str, Any], render: bool = True
) -> None:
    """``revision_environment = true``: run env.py before writing a revision file.

    As in alembic, the revision's bodies then come from the (empty) operation lists,
    rendered under the tokens env.py configured (``upgrade_token``, ``downgrade_token``).
    """

    def fn(rev: Any, context: Any) -> list[Any]:
        if render:
            template_args[context.opts.get("upgrade_token", "upgrades")] = _EMPTY_BODY
            template_args[context.opts.get("downgrade_token", "downgrades")] = _EMPTY_BODY
            template_args["imports"] = ""
        return []

    run_env(config, script, fn, as_sql=sql, template_args=template_args)
