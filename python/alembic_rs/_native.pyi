"""Type stubs of the private native module (Rust, PyO3), checked against it by stubtest."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, TypedDict, TypeVar, final

from typing_extensions import Self

from alembic_rs.operations.spec.types import SpecJson

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
    "offline_step_comment",
    "read_pyproject_alembic",
    "reflect",
    "render_op",
    "reserved_words",
    "revision_filename",
    "run_in_worker",
    "run_read_command",
    "session_replay_statements",
    "session_state_queries",
    "transactional_ddl",
    "verify_rev_id",
    "version_table_sql",
]

_T = TypeVar("_T")

# A SQLAlchemy dialect name (a driver suffix such as "+psycopg" is allowed); an unknown
# one raises ValueError.
_DialectName = str

# A value read from a row: types without one of their own come back as their text.
_Value = None | bool | int | float | str | bytes

# A revision identifier: None (base), an id or symbol, or several of them.
_RevIdent = str | Sequence[str | None] | None

# One alembic_version change of RevisionMap.update_heads: (action, version, to_version).
_VersionAction = tuple[Literal["insert", "update", "delete"], str | None, str | None]

# An option value of Config.get_alembic_option, as alembic returns it.
_OptionValue = str | int | bool | list[str] | dict[str, str] | list[dict[str, str]]

class _RevisionInfo(TypedDict):
    revision: str
    down_revisions: list[str]
    dependencies: list[str]
    branch_labels: list[str]
    own_branch_labels: list[str]
    path: str
    longdoc: str
    nextrev: list[str]
    is_head: bool
    is_real_head: bool
    is_base: bool
    is_branch_point: bool
    is_merge_point: bool

class _AlembicOptions(TypedDict):
    script_location: str
    prepend_sys_path: list[str] | None
    version_locations: list[str] | None
    file_template: str
    timezone: str | None
    truncate_slug_length: int | None
    revision_environment: bool
    sourceless: bool
    output_encoding: str
    recursive_version_locations: bool
    sqlalchemy_url: str | None
    post_write_hooks: list[dict[str, str]]
    warnings: list[str]

# --- exceptions -------------------------------------------------------------------------

class DatabaseError(Exception): ...
class ConnectionError(DatabaseError): ...
class NotNativeError(DatabaseError): ...
class BatchStatementError(DatabaseError): ...

# --- configuration ----------------------------------------------------------------------

@final
class IniFile:
    @staticmethod
    def read(path: str, defaults: Sequence[tuple[str, str]]) -> IniFile: ...
    @staticmethod
    def empty(defaults: Sequence[tuple[str, str]]) -> IniFile: ...
    def sections(self) -> list[str]: ...
    def has_section(self, section: str) -> bool: ...
    def add_section(self, section: str) -> None: ...
    def has_option(self, section: str, option: str) -> bool: ...
    def get(self, section: str, option: str, raw: bool = False) -> str | None: ...
    def items(self, section: str, raw: bool = False) -> list[tuple[str, str]]: ...
    def set(self, section: str, option: str, value: str) -> None: ...
    def remove_option(self, section: str, option: str) -> bool: ...
    def defaults(self) -> list[tuple[str, str]]: ...
    def alembic_options(
        self,
        config_file_name: str | None,
        ini_section: str,
        toml_path: str | None,
        toml_args: Sequence[tuple[str, str]],
    ) -> _AlembicOptions: ...
    def alembic_option(
        self,
        config_file_name: str | None,
        ini_section: str,
        toml_path: str | None,
        toml_args: Sequence[tuple[str, str]],
        name: str,
    ) -> _OptionValue | None: ...
    def alembic_boolean_option(
        self,
        config_file_name: str | None,
        ini_section: str,
        toml_path: str | None,
        toml_args: Sequence[tuple[str, str]],
        name: str,
    ) -> bool: ...

def read_pyproject_alembic(path: str) -> dict[str, Any] | None: ...

# --- scripts and the revision graph -----------------------------------------------------

@final
class ScriptSet:
    @staticmethod
    def scan(dirs: Sequence[str], recursive: bool, sourceless: bool) -> ScriptSet: ...
    def needs_import(self) -> list[str]: ...
    def warnings(self) -> list[str]: ...
    def add(
        self,
        path: str,
        revision: str,
        down_revision: Sequence[str],
        branch_labels: Sequence[str],
        depends_on: Sequence[str],
        longdoc: str,
    ) -> None: ...
    def build(self) -> RevisionMap: ...

@final
class Step:
    @property
    def short_log(self) -> str: ...
    @property
    def log(self) -> str: ...
    @property
    def up_revisions(self) -> list[str]: ...
    @property
    def down_revisions(self) -> list[str]: ...
    @property
    def is_upgrade(self) -> bool: ...
    @property
    def is_stamp(self) -> bool: ...
    @property
    def revision(self) -> str | None: ...

@final
class RevisionMap:
    def __len__(self, /) -> int: ...
    def heads(self) -> list[str]: ...
    def real_heads(self) -> list[str]: ...
    def bases(self) -> list[str]: ...
    def warnings(self) -> list[str]: ...
    def info(self, revision: str) -> _RevisionInfo: ...
    def get_revisions(self, id: _RevIdent) -> list[str | None]: ...
    def get_revision(self, id: _RevIdent) -> str | None: ...
    def resolve_revision_number(self, id: _RevIdent) -> list[str]: ...
    def get_current_head(self, branch_label: str | None) -> str | None: ...
    def get_all_current(self, ids: Sequence[str]) -> list[str]: ...
    def walk_revisions(self, base: _RevIdent, head: _RevIdent) -> list[str]: ...
    def iterate_revisions(
        self,
        upper: _RevIdent,
        lower: _RevIdent,
        implicit_base: bool = False,
        inclusive: bool = False,
        assert_relative_length: bool = True,
        select_for_downgrade: bool = False,
    ) -> list[str]: ...
    def heads_lines(self, verbose: bool, resolve_dependencies: bool) -> list[str]: ...
    def branches_lines(self, verbose: bool) -> list[str]: ...
    def history_lines(
        self,
        rev_range: str | None,
        verbose: bool,
        indicate_current: bool,
        currents: Sequence[str],
    ) -> list[str]: ...
    def show_lines(self, rev: str) -> list[str]: ...
    def show_heads_lines(self, heads: Sequence[str]) -> list[str]: ...
    def current_lines(self, heads: Sequence[str], verbose: bool) -> list[str]: ...
    def cmd_format(
        self,
        revision: str,
        verbose: bool,
        include_branches: bool,
        include_doc: bool,
        include_parents: bool,
        tree_indicators: bool,
        current: bool,
    ) -> str: ...
    def log_entry(self, revision: str, current: bool) -> str: ...
    def script_str(self, revision: str) -> str: ...
    def upgrade_steps(self, destination: str, current_heads: Sequence[str]) -> list[Step]: ...
    def downgrade_steps(self, destination: str, current_heads: Sequence[str]) -> list[Step]: ...
    def stamp_steps(self, revisions: Sequence[str], heads: Sequence[str]) -> list[Step]: ...
    def update_heads(
        self, heads: Sequence[str], step: Step
    ) -> tuple[list[str], list[_VersionAction]]: ...

def generate_rev_id() -> str: ...
def revision_filename(
    template: str,
    rev: str,
    message: str,
    truncate_slug_length: int,
    epoch: int,
    date: tuple[int, int, int, int, int, int],
) -> str: ...
def verify_rev_id(revision: str) -> None: ...

# --- database connections ---------------------------------------------------------------

@final
class Connection:
    @staticmethod
    def connect(url: str) -> Connection: ...
    def execute(self, sql: str) -> int: ...
    def submit_batch(self, statements: Sequence[str]) -> None: ...
    def wait_batch(self) -> list[int] | None: ...
    def execute_batch(self, statements: Sequence[str]) -> list[int]: ...
    def query(self, sql: str) -> list[tuple[_Value, ...]]: ...
    def acquire_migration_lock(
        self, database: str, schema: str | None, version_table: str, timeout: float
    ) -> bool: ...
    def release_migration_lock(
        self, database: str, schema: str | None, version_table: str
    ) -> None: ...
    def begin(self) -> str | None: ...
    def commit(self) -> str: ...
    def rollback(self) -> str: ...
    def autocommit_off(self) -> None: ...
    def server_version(self) -> str: ...
    @property
    def in_transaction(self) -> bool: ...
    def has_table(self, name: str, schema: str | None = None) -> bool: ...
    def current_schema(self) -> str | None: ...
    def database_name(self) -> str | None: ...
    @property
    def backend(self) -> Literal["postgresql", "sqlite", "mysql", "mariadb"]: ...
    @property
    def url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    @property
    def statements_prepared(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *_exc: object) -> bool: ...

def dbapi_execute(
    conn: Connection,
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    paramstyle: str = "pyformat",
) -> tuple[list[tuple[str, str]] | None, list[tuple[Any, ...]], int, int | None]: ...
def dbapi_sent_text(sql: str, paramstyle: str) -> str: ...
def run_read_command(
    argv: list[str], prog: str, version: str, templates_dir: str
) -> int | None: ...

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
def session_state_queries(dialect: str) -> list[str]: ...
def session_replay_statements(
    native: Connection, theirs: Sequence[Sequence[tuple[Any, ...]]]
) -> list[str]: ...

# --- migration runtime and offline output -----------------------------------------------

def version_table_sql(
    dialect: _DialectName,
    action: Literal["create", "insert", "update", "delete", "delete_all", "select", "drop"],
    table: str = "alembic_version",
    schema: str | None = None,
    pk: bool = True,
    version: str | None = None,
    to_version: str | None = None,
    returning: bool | None = None,
) -> str: ...
def transactional_ddl(dialect: _DialectName) -> bool: ...
def offline_begin(dialect: _DialectName) -> str: ...
def offline_commit(dialect: _DialectName) -> str: ...
def offline_statement(sql: str) -> str: ...
def offline_step_comment(short_log: str) -> str: ...
def run_in_worker(
    func: Callable[..., _T], args: tuple[Any, ...], kwargs: dict[str, Any] | None = None
) -> Awaitable[_T]: ...

# --- DDL rendering ----------------------------------------------------------------------

def render_op(spec_json: SpecJson, dialect: _DialectName, as_sql: bool = True) -> list[str]: ...
def batch_requires_recreate(spec_json: SpecJson, dialect: _DialectName) -> bool: ...
def reserved_words(dialect: _DialectName) -> list[str]: ...
