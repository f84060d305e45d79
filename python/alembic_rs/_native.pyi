"""Type stubs of the private native module (Rust, PyO3)."""

from collections.abc import Sequence
from typing import Any, Literal, TypedDict, final

__version__: str

__all__ = [
    "BatchStatementError",
    "Connection",
    "ConnectionError",
    "DatabaseError",
    "IniFile",
    "NotNativeError",
    "RevisionMap",
    "ScriptSet",
    "Step",
    "__version__",
    "batch_requires_recreate",
    "dbapi_execute",
    "dbapi_sent_text",
    "generate_rev_id",
    "offline_begin",
    "offline_commit",
    "offline_statement",
    "read_pyproject_alembic",
    "reflect",
    "render_op",
    "reserved_words",
    "revision_filename",
    "run_in_worker",
    "session_replay_statements",
    "session_state_queries",
    "transactional_ddl",
    "verify_rev_id",
    "version_table_sql",
]

class BatchStatementError(DatabaseError): ...

@final
class Connection:
    def __enter__(self) -> Any: ...
    def __exit__(self, *_exc) -> Any: ...
    def __repr__(self) -> str: ...
    def acquire_migration_lock(self, database, schema, version_table, timeout) -> Any: ...
    def autocommit_off(self) -> None: ...
    backend: Any
    def begin(self) -> Any: ...
    def close(self) -> Any: ...
    closed: Any
    def commit(self) -> Any: ...
    @staticmethod
    def connect(url) -> Any: ...
    def current_schema(self) -> Any: ...
    def database_name(self) -> Any: ...
    def execute(self, sql) -> Any: ...
    def execute_batch(self, statements) -> Any: ...
    def has_table(self, name, schema=None) -> Any: ...
    in_transaction: Any
    def query(self, sql) -> Any: ...
    def release_migration_lock(self, database, schema, version_table) -> Any: ...
    def rollback(self) -> Any: ...
    def server_version(self) -> str: ...
    def submit_batch(self, statements) -> Any: ...
    url: Any
    def wait_batch(self) -> Any: ...

class ConnectionError(DatabaseError): ...
class DatabaseError(Exception): ...

@final
class IniFile:
    def add_section(self, section) -> Any: ...
    def alembic_option(self, config_file_name, ini_section, toml_path, toml_args, name) -> Any: ...
    def alembic_boolean_option(
        self, config_file_name, ini_section, toml_path, toml_args, name
    ) -> Any: ...
    def alembic_options(self, config_file_name, ini_section, toml_path, toml_args) -> Any: ...
    def defaults(self) -> Any: ...
    @staticmethod
    def empty(defaults) -> Any: ...
    def get(self, section, option, raw=False) -> Any: ...
    def has_option(self, section, option) -> Any: ...
    def has_section(self, section) -> Any: ...
    def items(self, section, raw=False) -> Any: ...
    @staticmethod
    def read(path, defaults) -> Any: ...
    def remove_option(self, section, option) -> Any: ...
    def sections(self) -> Any: ...
    def set(self, section, option, value) -> Any: ...

class NotNativeError(DatabaseError): ...

@final
class RevisionMap:
    def __len__(self, /) -> Any: ...
    def bases(self) -> Any: ...
    def branches_lines(self, verbose) -> Any: ...
    def cmd_format(
        self,
        revision,
        verbose,
        include_branches,
        include_doc,
        include_parents,
        tree_indicators,
        current,
    ) -> Any: ...
    def current_lines(self, heads, verbose) -> Any: ...
    def downgrade_steps(self, destination, current_heads) -> Any: ...
    def get_all_current(self, ids) -> Any: ...
    def get_current_head(self, branch_label) -> Any: ...
    def get_revision(self, id) -> Any: ...
    def get_revisions(self, id) -> Any: ...
    def heads(self) -> Any: ...
    def heads_lines(self, verbose, resolve_dependencies) -> Any: ...
    def history_lines(self, rev_range, verbose, indicate_current, currents) -> Any: ...
    def info(self, revision) -> Any: ...
    def iterate_revisions(
        self,
        upper,
        lower,
        implicit_base=False,
        inclusive=False,
        assert_relative_length=True,
        select_for_downgrade=False,
    ) -> Any: ...
    def log_entry(self, revision, current) -> Any: ...
    def real_heads(self) -> Any: ...
    def resolve_revision_number(self, id) -> Any: ...
    def script_str(self, revision) -> Any: ...
    def show_heads_lines(self, heads) -> Any: ...
    def show_lines(self, rev) -> Any: ...
    def stamp_steps(self, revisions, heads) -> Any: ...
    def update_heads(self, heads, step) -> Any: ...
    def upgrade_steps(self, destination, current_heads) -> Any: ...
    def walk_revisions(self, base, head) -> Any: ...
    def warnings(self) -> Any: ...

@final
class ScriptSet:
    def add(self, path, revision, down_revision, branch_labels, depends_on, longdoc) -> Any: ...
    def build(self) -> Any: ...
    def needs_import(self) -> Any: ...
    @staticmethod
    def scan(dirs, recursive, sourceless) -> Any: ...
    def warnings(self) -> Any: ...

@final
class Step:
    def __repr__(self) -> str: ...
    down_revisions: Any
    is_stamp: Any
    is_upgrade: Any
    log: Any
    revision: Any
    short_log: Any
    up_revisions: Any

def batch_requires_recreate(spec_json, dialect) -> Any: ...
def dbapi_execute(conn, sql, params=None, paramstyle="pyformat") -> Any: ...
def dbapi_sent_text(sql: str, paramstyle: str) -> str: ...
def generate_rev_id() -> Any: ...
def offline_begin(dialect) -> Any: ...
def offline_commit(dialect) -> Any: ...
def offline_statement(sql) -> Any: ...
def read_pyproject_alembic(path) -> Any: ...

# the schema model `reflect` returns (src/reflect/model.rs)
class _UserType(TypedDict):
    schema: str
    name: str
    visible: bool
    kind: Literal["enum", "domain", "composite", "range", "base"]

class _ColumnType(TypedDict):
    spelled: str
    name: str
    args: list[str]
    length: int | None
    precision: int | None
    scale: int | None
    timezone: bool | None
    fields: str | None
    array_dims: int
    unsigned: bool
    zerofill: bool
    charset: str | None
    enum_labels: list[str] | None
    user_type: _UserType | None

class _Identity(TypedDict):
    always: bool
    start: int | None
    increment: int | None
    minvalue: int | None
    maxvalue: int | None
    cache: int | None
    cycle: bool | None

class _Computed(TypedDict):
    sqltext: str
    persisted: bool

class _Column(TypedDict):
    name: str
    type: _ColumnType
    nullable: bool
    default: str | None
    autoincrement: bool
    identity: _Identity | None
    computed: _Computed | None
    comment: str | None
    collation: str | None
    owned_sequence: str | None
    on_update: str | None

class _PrimaryKey(TypedDict):
    name: str | None
    constrained_columns: list[str]
    comment: str | None
    include: list[str]

class _ForeignKey(TypedDict):
    name: str | None
    constrained_columns: list[str]
    referred_schema: str | None
    referred_table: str
    referred_columns: list[str]
    ondelete: str | None
    onupdate: str | None
    match: str | None
    deferrable: bool | None
    initially: str | None
    comment: str | None

class _UniqueConstraint(TypedDict):
    name: str | None
    column_names: list[str]
    comment: str | None
    include: list[str]
    nulls_not_distinct: bool

# `with` is a keyword: these two keys need the functional form
_IndexWhere = TypedDict("_IndexWhere", {"where": str | None, "with": dict[str, str]})

class _Index(_IndexWhere):
    name: str
    unique: bool
    column_names: list[str | None]
    expressions: list[str] | None
    include: list[str]
    method: str | None
    opclasses: dict[str, str]
    sorting: dict[str, list[str]]
    nulls_not_distinct: bool
    lengths: dict[str, int]
    duplicates_constraint: str | None
    valid: bool
    comment: str | None

class _CheckConstraint(TypedDict):
    name: str | None
    sqltext: str
    comment: str | None
    not_valid: bool
    no_inherit: bool

class _Table(TypedDict):
    schema: str | None
    name: str
    comment: str | None
    columns: list[_Column]
    primary_key: _PrimaryKey | None
    foreign_keys: list[_ForeignKey]
    unique_constraints: list[_UniqueConstraint]
    indexes: list[_Index]
    check_constraints: list[_CheckConstraint]

class _EnumType(TypedDict):
    schema: str
    name: str
    visible: bool
    labels: list[str]

class _DomainType(TypedDict):
    schema: str
    name: str
    visible: bool
    type: _ColumnType
    nullable: bool
    default: str | None
    checks: list[_CheckConstraint]
    collation: str | None

class _Reflection(TypedDict):
    dialect: str
    default_schema: str | None
    server_version: str
    tables: list[_Table]
    enums: list[_EnumType]
    domains: list[_DomainType]
    queries: int

def reflect(
    connection: Connection | str,
    schemas: Sequence[str | None] | None = None,
    exclude_tables: Sequence[tuple[str | None, str]] = ...,
) -> _Reflection: ...
def render_op(spec_json, dialect, as_sql=True) -> Any: ...
def reserved_words(dialect) -> Any: ...
def revision_filename(template, rev, message, truncate_slug_length, epoch, date) -> Any: ...
def run_in_worker(func, args, kwargs=None) -> Any: ...
def session_replay_statements(
    native: Connection, theirs: list[list[tuple[Any, ...]]]
) -> list[str]: ...
def session_state_queries(dialect: str) -> list[str]: ...
def transactional_ddl(dialect) -> Any: ...
def verify_rev_id(revision) -> Any: ...
def version_table_sql(
    dialect,
    action,
    table="alembic_version",
    schema=None,
    pk=True,
    version=None,
    to_version=None,
    returning=None,
) -> Any: ...
