"""The public Python API of alembic-rs against real alembic 1.20.1, name by name.

For each public module and class users reach (``alembic.command``, ``Config``,
``ScriptDirectory``/``Script``, ``EnvironmentContext``, ``MigrationContext``, what
``on_version_apply`` receives, ``Operations``/``BatchOperations``, the exception family),
every public (non-underscore) name of alembic's must exist in ours, callables with the same
``inspect.signature`` (parameter names, kinds, defaults) and attributes as attributes.
Classes users hold instances of are compared as instances (``dir()`` of a live object),
since both tools set some attributes in ``__init__`` and others on the class.

Differences that are deliberate are listed in ``ALLOWED`` with a one-line reason each; any
other difference fails, and so does an allowed one that has gone away (keep the list true).
Names alembic-rs has beyond alembic's (the ``*_async`` commands, say) are not differences.
"""

from __future__ import annotations

import importlib
import inspect
import textwrap
from pathlib import Path
from typing import Any

import alembic.command
import alembic.config
import alembic.operations
import alembic.runtime.environment
import alembic.runtime.migration
import alembic.script
import alembic.script.revision
import alembic.util
import pytest

import alembic_rs.cli
import alembic_rs.command
import alembic_rs.config
import alembic_rs.operations
import alembic_rs.runtime.environment
import alembic_rs.runtime.migration
import alembic_rs.script
import alembic_rs.script.revision
import alembic_rs.util
from alembic_rs import compat

# -- deliberate differences ------------------------------------------------------------------

_AUTOGEN = "autogenerate (compare/render/produce_migrations) is a later issue"
_TYPING = "an import of alembic's module for its annotations, not API"
_PROXY = "ModuleClsProxy plumbing alembic builds alembic.op/alembic.context with; ours are modules"
_SQLA_IMPORT = "SQLAlchemy's, imported by alembic's module for its own use"
_STEPS = "alembic's planner step types; ours plans in Rust, users see a step's MigrationInfo"
_GRAPH = "the graph is built in Rust from the version files; it is not grown in memory"

#: (surface, difference) -> why it is deliberate
ALLOWED: dict[tuple[str, str], str] = {
    # alembic.command
    ("alembic.command", "missing check"): _AUTOGEN,
    ("alembic.command", "missing EnvironmentContext"): (
        "alembic.command's own import; importing the runtime would slow the read-only commands"
    ),
    ("alembic.config", "missing log"): "alembic.config's module logger; ours logs nothing there",
    ("alembic.config", "missing ArgumentParser"): _SQLA_IMPORT.replace("SQLAlchemy", "argparse"),
    ("alembic.config", "missing Namespace"): _SQLA_IMPORT.replace("SQLAlchemy", "argparse"),
    ("alembic.config", "missing ConfigParser"): "configparser's, imported by alembic.config",
    ("alembic.config", "missing CommandFunction"): _TYPING,
    ("alembic.config", "missing MessagingOptions"): _TYPING,
    # alembic.runtime: the planner's and run loop's internals; ours live in Rust
    ("alembic.runtime.migration", "missing RevisionStep"): _STEPS,
    ("alembic.runtime.migration", "missing StampStep"): _STEPS,
    ("alembic.runtime.migration", "missing HeadMaintainer"): (
        "alembic_version bookkeeping is planned in Rust (RevisionMap.update_heads)"
    ),
    ("alembic.runtime.migration", "missing MockEngineStrategy"): (
        "alembic's --sql mock engine; ours writes through the Rust renderer"
    ),
    ("alembic.runtime.migration", "missing EncodedIO"): "internal stream wrapper (ours private)",
    ("alembic.runtime.migration", "missing Engine"): _SQLA_IMPORT,
    ("alembic.runtime.migration", "missing literal_column"): _SQLA_IMPORT,
    ("alembic.runtime.migration", "missing select"): _SQLA_IMPORT,
    ("alembic.runtime.environment", "missing Column"): _SQLA_IMPORT,
    ("alembic.runtime.environment", "missing FetchedValue"): _SQLA_IMPORT,
    ("alembic.runtime.environment", "missing Operations"): (
        "alembic's module import; ours imports Operations where migrations run"
    ),
    ("MigrationStep", "missing upgrade_from_script"): _STEPS,
    ("MigrationStep", "missing downgrade_from_script"): _STEPS,
    # Revision / Script / RevisionMap: the graph is built in Rust from the version files
    ("Revision", "missing add_nextrev"): _GRAPH,
    ("Script", "missing add_nextrev"): _GRAPH,
    ("RevisionMap", "missing filter_for_lineage"): (
        "alembic's planner helper; lineage checks are made by the Rust planner"
    ),
    # alembic.util: alembic's internal helpers, which no env.py or revision script calls
    ("alembic.util", "missing ModuleClsProxy"): _PROXY,
    ("alembic.util", "missing PriorityDispatchResult"): _AUTOGEN + " (comparator dispatch)",
    ("alembic.util", "missing sqla_2_1"): "alembic's SQLAlchemy version flag, internal",
    # EnvironmentContext / Operations: how alembic makes alembic.context / alembic.op proxies
    ("EnvironmentContext", "missing create_module_class_proxy"): _PROXY,
    ("Operations", "missing create_module_class_proxy"): _PROXY,
    ("BatchOperations", "missing create_module_class_proxy"): _PROXY,
    # BatchOperations inherits these from AbstractOperations in alembic; none has a meaning
    # inside ``with op.batch_alter_table(...)`` (alembic's own would nest or swap contexts)
    ("BatchOperations", "missing batch_alter_table"): "a batch inside a batch is not a thing",
    ("BatchOperations", "missing context"): "installs a global op proxy; not for a batch",
    ("BatchOperations", "missing run_async"): "op.run_async is the way; a batch has no loop",
    ("RevisionMap", "missing add_revision"): _GRAPH,
}

# -- what the surfaces are ----------------------------------------------------------------------


def _public(obj: Any) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_")}


def _signature(fn: Any, drop_first: bool) -> str | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if drop_first and params:
        params = params[1:]
    return ", ".join(
        f"{p.kind.name}:{p.name}" + (f"={p.default!r}" if p.default is not p.empty else "")
        for p in params
    )


def _describe(owner: Any, name: str) -> tuple[str, str | None]:
    """(kind, signature) of ``owner.name`` as a user sees it: a function, a method
    (``self`` dropped, so a staticmethod and a method compare alike), a class or an
    attribute. Properties are not evaluated (a closed connection's ``bind`` may raise)."""
    if inspect.ismodule(owner):
        value = getattr(owner, name)
        if inspect.isclass(value):
            return "class", None
        if callable(value):
            return "callable", _signature(value, drop_first=False)
        return "attribute", None
    static = inspect.getattr_static(owner, name)
    if isinstance(static, staticmethod | classmethod):
        return "callable", _signature(getattr(owner, name), drop_first=False)
    if inspect.isclass(static):
        return "class", None
    if not callable(static):
        return "attribute", None
    in_instance = not inspect.isclass(owner) and name in getattr(owner, "__dict__", {})
    if inspect.isfunction(static) and not in_instance:
        return "callable", _signature(static, drop_first=True)  # a method
    return "callable", _signature(static, drop_first=False)


def _has(owner: Any, name: str) -> bool:
    if inspect.ismodule(owner):
        return hasattr(owner, name)  # a module ``__getattr__`` may serve it
    try:
        inspect.getattr_static(owner, name)
    except AttributeError:
        return False
    return True


#: where the names a module imports only for its annotations come from
_TYPING_MODULES = {"typing", "typing_extensions", "collections.abc", "__future__"}


def _module_api(module: Any) -> set[str]:
    """A module's public names, without submodules and the typing names it imports."""
    names = set()
    for name in _public(module):
        value = getattr(module, name)
        if inspect.ismodule(value) or name == "TYPE_CHECKING":
            continue
        origin = getattr(value, "__module__", None) or type(value).__module__
        if origin in _TYPING_MODULES:
            continue
        names.add(name)
    return names


def differences(theirs: Any, ours: Any) -> set[str]:
    """Each way ``ours`` falls short of ``theirs``: a missing name, another kind of thing,
    another signature."""
    found: set[str] = set()
    names = _module_api(theirs) if inspect.ismodule(theirs) else _public(theirs)
    for name in sorted(names):
        if not _has(ours, name):
            found.add(f"missing {name}")
            continue
        kind_a, sig_a = _describe(theirs, name)
        kind_b, sig_b = _describe(ours, name)
        if kind_a != kind_b:
            found.add(f"kind {name}: {kind_a} != {kind_b}")
        elif kind_a == "callable" and sig_a != sig_b:
            found.add(f"signature {name}: ({sig_a}) != ({sig_b})")
    return found


# -- live objects of both tools ----------------------------------------------------------------

_INI = """\
[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/app.db

[extra]
key = value
"""

_ENV = """
import sqlalchemy as sa
from alembic import context

config = context.config


def on_apply(ctx, step, heads, run_args):
    config.attributes.setdefault("steps", []).append(step)


engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, on_version_apply=on_apply)
    config.attributes["migration_context"] = context.get_context()
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
"""

_REV = '''"""{doc}

Revision ID: {rev}
Revises: {down}
"""

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
'''

TOOLS = {
    "alembic": (alembic.config.Config, alembic.script.ScriptDirectory, alembic.command),
    "ours": (alembic_rs.config.Config, alembic_rs.script.ScriptDirectory, alembic_rs.command),
}


def write_project(root: Path) -> Path:
    """A two-revision project whose env.py keeps what a run hands it in config.attributes."""
    (root / "migrations" / "versions").mkdir(parents=True)
    (root / "alembic.ini").write_text(_INI)
    (root / "migrations" / "env.py").write_text(textwrap.dedent(_ENV))
    for rev, down, doc in (("a1", None, "first"), ("b2", "a1", "second\n\nlonger text")):
        (root / "migrations" / "versions" / f"{rev}_x.py").write_text(
            _REV.format(rev=rev, down=down, doc=doc)
        )
    return root / "alembic.ini"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Per tool: a Config, its ScriptDirectory, a Script, an EnvironmentContext, the
    MigrationContext of an upgrade run and the ``step`` its on_version_apply received."""
    out: dict[str, dict[str, Any]] = {}
    for tool, (config_cls, script_cls, command) in TOOLS.items():
        ini = write_project(tmp_path_factory.mktemp(tool))
        config = config_cls(str(ini))
        script = script_cls.from_config(config)
        environment_cls = (
            alembic.runtime.environment.EnvironmentContext
            if tool == "alembic"
            else alembic_rs.runtime.environment.EnvironmentContext
        )
        command.upgrade(config, "head")
        out[tool] = {
            "Config": config,
            "ScriptDirectory": script,
            "Script": script.get_revision("b2"),
            "RevisionMap": script.revision_map,
            "EnvironmentContext": environment_cls(config, script),
            "MigrationContext": config.attributes["migration_context"],
            "MigrationInfo": config.attributes["steps"][0],
        }
    return out


#: module and class surfaces: (surface name, alembic's object, ours)
STATIC_SURFACES: list[tuple[str, Any, Any]] = [
    ("alembic.command", alembic.command, alembic_rs.command),
    ("alembic.config", alembic.config, alembic_rs.config),
    ("alembic.util", alembic.util, alembic_rs.util),
    ("alembic.script.revision", alembic.script.revision, alembic_rs.script.revision),
    ("alembic.script", alembic.script, alembic_rs.script),
    ("alembic.runtime.migration", alembic.runtime.migration, alembic_rs.runtime.migration),
    ("alembic.runtime.environment", alembic.runtime.environment, alembic_rs.runtime.environment),
    ("CommandLine", alembic.config.CommandLine, alembic_rs.config.CommandLine),
    ("Revision", alembic.script.revision.Revision, alembic_rs.script.revision.Revision),
    (
        "MigrationStep",
        alembic.runtime.migration.MigrationStep,
        alembic_rs.runtime.migration.MigrationStep,
    ),
    ("Operations", alembic.operations.Operations, alembic_rs.operations.Operations),
    ("BatchOperations", alembic.operations.BatchOperations, alembic_rs.operations.BatchOperations),
    *(
        (name, getattr(alembic.script.revision, name), getattr(alembic_rs.script.revision, name))
        for name in (
            "RevisionError",
            "ResolutionError",
            "MultipleHeads",
            "RangeNotAncestorError",
            "CycleDetected",
            "DependencyCycleDetected",
            "LoopDetected",
            "DependencyLoopDetected",
        )
    ),
    *(
        (name, getattr(alembic.util, name), getattr(alembic_rs.util, name))
        for name in ("CommandError", "AutogenerateDiffsDetected")
    ),
]

#: instance surfaces, by key of the ``live`` fixture
LIVE_SURFACES = [
    "Config",
    "ScriptDirectory",
    "Script",
    "RevisionMap",
    "EnvironmentContext",
    "MigrationContext",
    "MigrationInfo",
]


def _unexplained(surface: str, found: set[str]) -> tuple[list[str], list[str]]:
    """(differences nobody explained, allowed differences of this surface that are gone)."""
    allowed = {diff for (s, diff) in ALLOWED if s == surface}
    return sorted(found - allowed), sorted(allowed - found)


@pytest.mark.parametrize(
    ("surface", "theirs", "ours"), STATIC_SURFACES, ids=[s[0] for s in STATIC_SURFACES]
)
def test_module_and_class_surface(surface: str, theirs: Any, ours: Any) -> None:
    new, stale = _unexplained(surface, differences(theirs, ours))
    assert new == [], f"{surface}: unexplained differences from alembic"
    assert stale == [], f"{surface}: allow-list entries that no longer differ"


@pytest.mark.parametrize("surface", LIVE_SURFACES)
def test_instance_surface(surface: str, live: dict[str, dict[str, Any]]) -> None:
    new, stale = _unexplained(surface, differences(live["alembic"][surface], live["ours"][surface]))
    assert new == [], f"{surface}: unexplained differences from alembic"
    assert stale == [], f"{surface}: allow-list entries that no longer differ"


def test_every_allowed_difference_names_a_surface() -> None:
    surfaces = {s[0] for s in STATIC_SURFACES} | set(LIVE_SURFACES)
    assert {s for s, _ in ALLOWED} <= surfaces
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_comparison_sees_differences() -> None:
    """The comparator itself: it reports a missing name, a kind and a signature change."""

    class Theirs:
        flag = True

        def run(self, a: int, *, b: str = "x") -> None: ...

        def gone(self) -> None: ...

    class Ours:
        def flag(self) -> bool: ...

        def run(self, a: int, *, b: str = "y") -> None: ...

    assert differences(Theirs, Ours) == {
        "missing gone",
        "kind flag: attribute != callable",
        "signature run: (POSITIONAL_OR_KEYWORD:a, KEYWORD_ONLY:b='x') != "
        "(POSITIONAL_OR_KEYWORD:a, KEYWORD_ONLY:b='y')",
    }


# -- the import hook serves the same module names ---------------------------------------------

#: alembic modules user code imports (env.py, revision scripts, plugins)
USER_IMPORTS = [
    "alembic.command",
    "alembic.config",
    "alembic.context",
    "alembic.op",
    "alembic.operations",
    "alembic.operations.ops",
    "alembic.runtime.environment",
    "alembic.runtime.migration",
    "alembic.script",
    "alembic.script.revision",
    "alembic.util",
    "alembic.util.exc",
]


@pytest.mark.parametrize("name", USER_IMPORTS)
def test_user_imports_resolve_to_ours(name: str) -> None:
    """Under the import hook, ``import alembic.x`` gives our module (its names are
    compared above, through the classes ``alembic.op``/``alembic.context`` proxy)."""
    with compat.alias_alembic():
        module = importlib.import_module(name)
        assert module.__name__.startswith("alembic_rs"), module
