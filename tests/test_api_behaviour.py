"""What the public Python API returns, against real alembic on the same projects.

Where ``test_api_surface.py`` checks that every name and signature exists, this checks the
values: ``ScriptDirectory``/``Script``/``RevisionMap`` reads on generated graphs (branches,
merges, labels, ``depends_on``), the ``EnvironmentContext`` questions env.py asks during a
run, ``Config``'s section methods, ``alembic.config.main`` and ``util.asbool``.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import alembic.command
import alembic.config
import alembic.script
import alembic.script.revision
import alembic.util
import pytest
from difftools import normalise_stdout
from gen_graph import make_project

import alembic_rs.command
import alembic_rs.config
import alembic_rs.script
import alembic_rs.script.revision
import alembic_rs.util

TOOLS: dict[str, Any] = {
    "alembic": (alembic.config, alembic.script, alembic.command, alembic.util),
    "ours": (alembic_rs.config, alembic_rs.script, alembic_rs.command, alembic_rs.util),
}


def outcome(fn: Callable[[], Any]) -> Any:
    """``fn()``'s value, or its exception as (class name, message)."""
    try:
        return ("ok", fn())
    except Exception as e:
        return ("raised", type(e).__name__, str(e))


def both(fn: Callable[[str], Any]) -> None:
    """Fail unless ``fn`` gives the same outcome for alembic and for ours."""
    assert outcome(lambda: fn("ours")) == outcome(lambda: fn("alembic"))


# -- the script directory and its graph ------------------------------------------------------


def _script_facts(script: Any) -> dict[str, Any]:
    return {
        "revision": script.revision,
        "down_revision": script.down_revision,
        "dependencies": script.dependencies,
        "branch_labels": set(script.branch_labels),
        "nextrev": set(script.nextrev),
        "is_head": script.is_head,
        "is_base": script.is_base,
        "is_branch_point": script.is_branch_point,
        "is_merge_point": script.is_merge_point,
        "doc": script.doc,
        "longdoc": script.longdoc,
        "path": script.path,
        "module_revision": script.module.revision,
        "str": str(script),
        "cmd_format": [
            script.cmd_format(verbose, include_branches=b, include_doc=d, include_parents=p)
            for verbose in (False, True)
            for b in (False, True)
            for d in (False, True)
            for p in (False, True)
        ],
    }


def _normalise_labels(text: str) -> str:
    # alembic prints sets (branch labels, "Branches into") in set order; sorted here
    return normalise_stdout(text)


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_script_directory_reads_as_alembic(tmp_path: Path, seed: int) -> None:
    project = make_project(tmp_path, 18, seed)
    ini = str(project.root / "alembic.ini")
    dirs = {
        tool: mods[1].ScriptDirectory.from_config(mods[0].Config(ini))
        for tool, mods in TOOLS.items()
    }

    def read(tool: str, fn: Callable[[Any], Any]) -> Any:
        return fn(dirs[tool])

    targets = ["head", "heads", "base", "bases", *project.ids[:4], *project.labels[:3]]
    targets += [f"{label}@head" for label in project.labels[:2]]
    targets += [project.ids[0][:6], "0a00", "nosuch"]
    for getter in (
        lambda d: sorted(d.get_heads()),
        lambda d: sorted(d.get_heads(consider_depends_on=True)),
        lambda d: sorted(d.get_bases()),
        lambda d: d.get_base(),
        lambda d: d.get_current_head(),
        lambda d: [s.revision for s in d.walk_revisions()],
        lambda d: [s.revision for s in d.walk_revisions("base", "heads")],
        lambda d: sorted(d.revision_map.heads),
        lambda d: sorted(d.revision_map.bases),
        lambda d: d.revision_map.get_revision(None),
        lambda d: d.revision_map.get_revisions("base"),
        lambda d: d.env_py_location,
        lambda d: d.versions,
    ):
        both(lambda tool, g=getter: read(tool, g))  # type: ignore[misc]
    for target in targets:
        both(lambda tool, t=target: read(tool, lambda d: d.as_revision_number(t)))
        both(lambda tool, t=target: read(tool, lambda d: _ids(d.get_revisions(t))))
        both(lambda tool, t=target: read(tool, lambda d: _ids([d.get_revision(t)])))
        both(lambda tool, t=target: read(tool, lambda d: _ids([d.revision_map.get_revision(t)])))
        both(lambda tool, t=target: read(tool, lambda d: _ids(d.revision_map.get_revisions(t))))
        both(lambda tool, t=target: read(tool, lambda d: d.revision_map.get_current_head(t)))
        for lower in ("base", project.ids[0]):
            both(
                lambda tool, t=target, lo=lower: read(
                    tool, lambda d: _ids(d.iterate_revisions(t, lo))
                )
            )
            both(
                lambda tool, t=target, lo=lower: read(
                    tool, lambda d: _ids(d.revision_map.iterate_revisions(t, lo, inclusive=True))
                )
            )
    for rev in project.ids:
        facts = {tool: _script_facts(d.get_revision(rev)) for tool, d in dirs.items()}
        for tool in facts:
            facts[tool]["cmd_format"] = [_normalise_labels(t) for t in facts[tool]["cmd_format"]]
            facts[tool]["str"] = _normalise_labels(facts[tool]["str"])
        assert facts["ours"] == facts["alembic"], rev
        log = {t: _normalise_labels(d.get_revision(rev).log_entry) for t, d in dirs.items()}
        assert log["ours"] == log["alembic"]
        # Script is a Revision, as alembic's is
        assert isinstance(dirs["ours"].get_revision(rev), alembic_rs.script.revision.Revision)


def _ids(scripts: Any) -> list[str | None]:
    return [s.revision if s is not None else None for s in scripts]


@pytest.mark.parametrize("rev_id", ["abc123", "has-dash", "a@b", "x:y", "semi;colon"])
def test_verify_rev_id(rev_id: str) -> None:
    both(
        lambda tool: (
            alembic.script.revision.Revision
            if tool == "alembic"
            else alembic_rs.script.revision.Revision
        ).verify_rev_id(rev_id)
    )


# -- what env.py asks during a run ----------------------------------------------------------

_ENV_QUESTIONS = """
import sqlalchemy as sa
from alembic import context

config = context.config
asked = config.attributes["asked"]


def record_step(ctx, step, heads, run_args):
    ids = lambda scripts: [s.revision if s is not None else None for s in scripts]
    asked.setdefault("steps", []).append((
        step.up_revision_id, step.up_revision_ids, step.down_revision_ids,
        step.is_upgrade, step.is_stamp, step.is_migration,
        step.source_revision_ids, step.destination_revision_ids,
        ids(step.up_revisions), ids(step.down_revisions),
        ids(step.source_revisions), ids(step.destination_revisions),
        step.up_revision.revision, step.up_revision.doc,
        sorted(heads), sorted(step.revision_map.heads), type(step.revision_map).__name__,
    ))


def ask(name, fn):
    try:
        asked[name] = ("ok", fn())
    except Exception as e:
        asked[name] = ("raised", type(e).__name__, str(e))


ask("offline", context.is_offline_mode)
ask("requires_connection", context.requires_connection)
ask("head", context.get_head_revision)
ask("heads", context.get_head_revisions)
ask("tag", context.get_tag_argument)
ask("x", context.get_x_argument)
ask("x_dict", lambda: context.get_x_argument(as_dictionary=True))
ask("revision", context.get_revision_argument)
ask("starting_before_configure", context.get_starting_revision_argument)
ask("context_before_configure", context.get_context)
if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        on_version_apply=record_step,
    )
    ask("starting", context.get_starting_revision_argument)
    ask("transactional_ddl", context.is_transactional_ddl)
    ask("bind", lambda: type(context.get_bind()).__name__)
    with context.begin_transaction():
        context.static_output("-- static output from env.py")
        context.execute("SELECT 1")
        context.run_migrations()
else:
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, on_version_apply=record_step)
        ask("starting", context.get_starting_revision_argument)
        ask("transactional_ddl", context.is_transactional_ddl)
        ask("bind_is_connection", lambda: hasattr(context.get_bind(), "execute"))
        with context.begin_transaction():
            context.execute("CREATE TABLE IF NOT EXISTS touched (id INTEGER)")
            context.run_migrations()
    engine.dispose()
"""


def _env_project(root: Path) -> Path:
    project = make_project(
        root, 5, 7, p_base=0, p_branch=0, p_merge=0, p_label=0, p_depends=0, prefix_share=0
    )
    (project.root / "migrations" / "env.py").write_text(textwrap.dedent(_ENV_QUESTIONS))
    ini = project.root / "alembic.ini"
    ini.write_text(ini.read_text().replace("never_used.db", "app.db"))
    return ini


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("upgrade", {"revision": "head", "sql": True, "tag": "t1"}),
        ("upgrade", {"revision": "{0}:head", "sql": True}),
        ("downgrade", {"revision": "{3}:{1}", "sql": True, "tag": "down"}),
        ("stamp", {"revision": "heads", "sql": True}),
        ("upgrade", {"revision": "{2}"}),
        ("current", {}),
    ],
)
def test_environment_context_questions(tmp_path: Path, name: str, args: dict[str, Any]) -> None:
    asked: dict[str, Any] = {}
    outputs: dict[str, str] = {}
    for tool, (config_mod, script_mod, command, _) in TOOLS.items():
        ini = _env_project(tmp_path / tool)
        ids = [
            s.revision
            for s in script_mod.ScriptDirectory.from_config(
                config_mod.Config(str(ini))
            ).walk_revisions()
        ][::-1]
        buffer = io.StringIO()
        config = config_mod.Config(
            str(ini),
            output_buffer=buffer,
            stdout=io.StringIO(),
            cmd_opts=argparse.Namespace(x=["dbname=one", "flag", "k=v=w"]),
        )
        config.attributes["asked"] = asked.setdefault(tool, {})
        kw = {k: v.format(*ids) if isinstance(v, str) else v for k, v in args.items()}
        getattr(command, name)(config, **kw)
        outputs[tool] = buffer.getvalue()
    assert asked["ours"] == asked["alembic"]
    assert outputs["ours"] == outputs["alembic"]
    assert asked["ours"]["x_dict"] == ("ok", {"dbname": "one", "flag": "", "k": "v=w"})
    if name != "current":
        assert asked["ours"]["steps"]


# -- Config ---------------------------------------------------------------------------------

_INI = """\
[alembic]
script_location = %(here)s/migrations
sqlalchemy.url = sqlite:///%(here)s/app.db
revision_environment = y

[extra]
key = value at %(here)s
other = 2
"""

_PYPROJECT = """\
[tool.alembic]
script_location = "%(here)s/migrations"
version_locations = ["%(here)s/v1", "%(here)s/v2"]
"""


def test_config_methods_as_alembic(tmp_path: Path) -> None:
    (tmp_path / "alembic.ini").write_text(_INI)
    (tmp_path / "pyproject.toml").write_text(_PYPROJECT)

    def run(tool: str) -> list[Any]:
        config_mod = TOOLS[tool][0]
        out = io.StringIO()
        config = config_mod.Config(
            str(tmp_path / "alembic.ini"), toml_file=str(tmp_path / "pyproject.toml"), stdout=out
        )
        seen: list[Any] = []
        steps: list[Callable[[], Any]] = [
            lambda: config.get_section("extra"),
            lambda: config.get_section("nosuch", {"d": 1}),
            lambda: config.get_section_option("extra", "key"),
            lambda: config.get_section_option("extra", "missing", "dflt"),
            lambda: config.get_section_option("nosuch", "key"),
            lambda: config.set_section_option("newsec", "a", "%%(here)s/x"),
            lambda: config.get_section_option("newsec", "a"),
            lambda: config.set_main_option("custom", "1"),
            lambda: config.get_main_option("custom"),
            lambda: config.remove_main_option("custom"),
            lambda: config.get_main_option("custom", "gone"),
            lambda: config.get_alembic_option("revision_environment"),
            lambda: config.get_alembic_option("version_locations"),
            lambda: config.get_alembic_option("nosuch", "dflt"),
            lambda: config.get_alembic_boolean_option("revision_environment"),
            lambda: config.get_version_locations_list(),
            lambda: dict(config.toml_alembic_config),
            lambda: config.config_ini_section,
            lambda: config.config_file_name,
            lambda: config.toml_file_name,
            lambda: config.messaging_opts,
            lambda: config.print_stdout("plain %s text"),
            lambda: config.print_stdout("%s and %d", "args", 2),
            lambda: out.getvalue(),
        ]
        for step in steps:
            seen.append(outcome(step))
        return seen

    ours, theirs = run("ours"), run("alembic")
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert a == b, i


@pytest.mark.parametrize(
    "value",
    [
        "true",
        " Yes ",
        "on",
        "y",
        "t",
        "1",
        "false",
        "NO",
        "off",
        "n",
        "f",
        "0",
        "maybe",
        "",
        None,
        0,
        1,
        True,
        [],
        ["x"],
    ],
)
def test_asbool(value: Any) -> None:
    both(lambda tool: TOOLS[tool][3].asbool(value))


def test_util_helpers(tmp_path: Path) -> None:
    both(lambda tool: TOOLS[tool][3].dedupe_tuple(("a", "b", "a", "c", "b")))
    both(lambda tool: TOOLS[tool][3].not_none(0))
    both(lambda tool: TOOLS[tool][3].unique_list([3, 1, 3, 2, 1]))
    both(lambda tool: dict(TOOLS[tool][3].immutabledict({"a": 1})))
    both(lambda tool: TOOLS[tool][3].EMPTY_DICT)
    both(lambda tool: TOOLS[tool][3].to_tuple(["a", "b"]))
    both(lambda tool: TOOLS[tool][3].format_as_comma(["a", "b"]))


_MAIN_THEIRS = "from alembic.config import main; main(argv=sys.argv[1:])"
_MAIN_OURS = """
from alembic_rs import compat
with compat.alias_alembic():
    from alembic.config import main
    main(argv=sys.argv[1:])
"""


def test_config_main_from_env_style_import(tmp_path: Path) -> None:
    """``from alembic.config import main; main(argv=[...])``, a common way to run
    alembic from Python: under the import hook it is ours, and prints what alembic's does."""
    project = make_project(tmp_path, 6, 5)
    argv = ["-c", str(project.root / "alembic.ini"), "heads", "--verbose"]
    out = {}
    for tool, code in (("alembic", _MAIN_THEIRS), ("ours", _MAIN_OURS)):
        proc = subprocess.run(
            [sys.executable, "-c", "import sys\n" + code, *argv],
            capture_output=True,
            text=True,
            check=True,
        )
        out[tool] = normalise_stdout(proc.stdout)
    assert out["ours"] == out["alembic"]
    assert "Rev: " in out["ours"]
