"""``ScriptDirectory`` and ``Script`` over the Rust scanner and revision map."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path

from .. import _native, util
from ..util import exc
from ..util.pyfiles import coerce_resource_to_filename, load_python_file, template_to_file
from .revision import Revision, RevisionMap, tuple_rev_as_scalar

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime
    from collections.abc import Iterator, Sequence
    from types import ModuleType
    from typing import Any

_DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
# an alembic 0.1 file: no `revision` variable, the id is the file name
_LEGACY_REV = re.compile(r"([a-f0-9]+)\.py$")


def _as_list(value: Any) -> list[str]:
    return list(util.to_tuple(value, default=()) or ())


class Script(Revision):
    """One revision file: its ids, docstring, path and (imported on demand) module."""

    _db_current_indicator: bool | None = None

    def __init__(self, scripts: ScriptDirectory, info: dict[str, Any]) -> None:
        self._scripts = scripts
        self.revision: str = info["revision"]
        self.down_revision = tuple_rev_as_scalar(tuple(info["down_revisions"]))
        self.branch_labels: set[str] = set(info["branch_labels"])
        self._orig_branch_labels = tuple(info["own_branch_labels"])
        self.dependencies = tuple_rev_as_scalar(tuple(info["dependencies"]))
        self.path: str = info["path"]
        self.longdoc: str = info["longdoc"]
        self.nextrev: frozenset[str] = frozenset(info["nextrev"])
        self.is_head: bool = info["is_head"]
        self.is_base: bool = info["is_base"]
        self.is_branch_point: bool = info["is_branch_point"]
        self.is_merge_point: bool = info["is_merge_point"]
        self._is_real_head: bool = info["is_real_head"]
        self._module: ModuleType | None = None

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring."""
        return self.longdoc.split("\n\n")[0]

    @property
    def module(self) -> ModuleType:
        """The revision file imported as a module (imported on first use)."""
        if self._module is None:
            self._module = load_python_file(*os.path.split(self.path))
        return self._module

    @property
    def _script_path(self) -> Path:
        return Path(self.path)

    @property
    def log_entry(self) -> str:
        return self._scripts._map.log_entry(self.revision, bool(self._db_current_indicator))

    def cmd_format(
        self,
        verbose: bool,
        include_branches: bool = False,
        include_doc: bool = False,
        include_parents: bool = False,
        tree_indicators: bool = True,
    ) -> str:
        return self._scripts._map.cmd_format(
            self.revision,
            verbose,
            include_branches,
            include_doc,
            include_parents,
            tree_indicators,
            bool(self._db_current_indicator),
        )

    def __str__(self) -> str:
        return self._scripts._map.script_str(self.revision)

    def __repr__(self) -> str:
        return "Script(revision=%r, down_revision=%r)" % (self.revision, self.down_revision)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Script) and other.revision == self.revision

    def __hash__(self) -> int:
        return hash(self.revision)


class ScriptDirectory:
    """The migration environment folder: ``env.py``, ``script.py.mako``, ``versions/``."""

    def __init__(
        self,
        dir: str | os.PathLike[str],
        file_template: str = _DEFAULT_FILE_TEMPLATE,
        truncate_slug_length: int | None = 40,
        version_locations: Sequence[str | os.PathLike[str]] | None = None,
        sourceless: bool = False,
        output_encoding: str = "utf-8",
        timezone: str | None = None,
        hooks: list[dict[str, str]] | None = None,
        recursive_version_locations: bool = False,
        messaging_opts: dict[str, bool] | None = None,
    ) -> None:
        self.dir = os.fspath(dir)
        self.version_locations = [os.fspath(p) for p in version_locations or ()]
        self.file_template = file_template
        self.truncate_slug_length = truncate_slug_length or 40
        self.sourceless = sourceless
        self.output_encoding = output_encoding
        self.timezone = timezone
        self.hooks = hooks or []
        self.recursive_version_locations = recursive_version_locations
        self.messaging_opts = messaging_opts or {}
        self._native_map: Any = None
        self._scripts: dict[str, Script] = {}
        if not os.access(dir, os.F_OK):
            raise util.CommandError(
                f"Path doesn't exist: {dir}.  Please use "
                "the 'init' command to create a new "
                "scripts folder."
            )

    @classmethod
    def from_config(cls, config: Any) -> ScriptDirectory:
        """Build the script directory an alembic ``Config`` describes."""
        options = config._alembic_options()
        if options["prepend_sys_path"]:
            sys.path[:0] = options["prepend_sys_path"]
        return cls(
            coerce_resource_to_filename(options["script_location"]),
            file_template=options["file_template"],
            truncate_slug_length=options["truncate_slug_length"],
            sourceless=options["sourceless"],
            output_encoding=options["output_encoding"],
            version_locations=options["version_locations"],
            timezone=options["timezone"],
            hooks=options["post_write_hooks"],
            recursive_version_locations=options["recursive_version_locations"],
            messaging_opts=config.messaging_opts,
        )

    # -- loading -----------------------------------------------------------------

    @property
    def _version_locations(self) -> list[Path]:
        if self.version_locations:
            return [coerce_resource_to_filename(loc).absolute() for loc in self.version_locations]
        return [Path(self.dir, "versions").absolute()]

    @property
    def versions(self) -> str:
        locations = self._version_locations
        if len(locations) > 1:
            raise util.CommandError("Multiple version_locations present")
        return str(locations[0])

    @property
    def _map(self) -> Any:
        """The native revision map, scanned and built on first use."""
        if self._native_map is None:
            dirs = [str(p) for p in self._version_locations if p.exists()]
            scan = _native.ScriptSet.scan(dirs, self.recursive_version_locations, self.sourceless)
            for message in scan.warnings():
                util.warn(message)
            for path in scan.needs_import():
                self._import_fallback(scan, Path(path))
            self._native_map = scan.build()
        return self._native_map

    def _import_fallback(self, scan: Any, path: Path) -> None:
        """Import a revision file whose header is not plain literals."""
        module = load_python_file(path.parent, path.name)
        revision = getattr(module, "revision", None)
        if not hasattr(module, "revision"):
            legacy = _LEGACY_REV.match(path.name)
            if not legacy:
                raise util.CommandError(
                    f"Could not determine revision id from filename {path.name}. "
                    "Be sure the 'revision' variable is declared inside the script "
                    "(please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation)."
                )
            revision = legacy.group(1)
        doc = (module.__doc__ or "").strip()
        scan.add(
            str(path),
            revision,
            _as_list(getattr(module, "down_revision", None)),
            _as_list(getattr(module, "branch_labels", None)),
            _as_list(getattr(module, "depends_on", None)),
            doc,
        )

    @property
    def revision_map(self) -> RevisionMap:
        """The revision graph, with alembic's ``RevisionMap`` methods."""
        return RevisionMap(self)

    def _script(self, rev_id: str) -> Script:
        script = self._scripts.get(rev_id)
        if script is None:
            script = Script(self, self._map.info(rev_id))
            self._scripts[rev_id] = script
        return script

    # -- errors, as ScriptDirectory._catch_revision_errors does ---------------------

    @contextmanager
    def _catch_revision_errors(
        self,
        ancestor: str | None = None,
        multiple_heads: str | None = None,
        start: str | None = None,
        end: str | None = None,
        resolution: str | None = None,
    ) -> Iterator[None]:
        try:
            yield
        except exc.RangeNotAncestorError as rna:
            start = rna.lower if start is None else start
            end = rna.upper if end is None else end
            if not ancestor:
                ancestor = (
                    "Requested range %(start)s:%(end)s does not refer to "
                    "ancestor/descendant revisions along the same branch"
                )
            raise util.CommandError(ancestor % {"start": start, "end": end}) from rna
        except exc.MultipleHeads as mh:
            if not multiple_heads:
                multiple_heads = (
                    "Multiple head revisions are present for given "
                    "argument '%(head_arg)s'; please "
                    "specify a specific target revision, "
                    "'<branchname>@%(head_arg)s' to "
                    "narrow to a specific head, or 'heads' for all heads"
                )
            raise util.CommandError(
                multiple_heads
                % {"head_arg": end or mh.argument, "heads": util.format_as_comma(mh.heads)}
            ) from mh
        except exc.ResolutionError as re_:
            if resolution is None:
                resolution = "Can't locate revision identified by '%s'" % (re_.argument,)
            raise util.CommandError(resolution) from re_
        except exc.RevisionAssertionError:
            raise  # alembic's AssertionError is not one of the errors it converts
        except exc.RevisionError as err:
            raise util.CommandError(err.args[0]) from err

    # -- the public read API ------------------------------------------------------

    def walk_revisions(self, base: str = "base", head: str = "heads") -> Iterator[Script]:
        """Scripts from ``head`` down to ``base``, in alembic's order."""
        with self._catch_revision_errors(start=base, end=head):
            ids = self._map.walk_revisions(base, head)
        return iter([self._script(r) for r in ids])

    def get_revisions(self, id_: Any) -> tuple[Script, ...]:
        with self._catch_revision_errors():
            ids = self._map.get_revisions(id_)
        return tuple(self._script(r) for r in ids)

    def get_all_current(self, id_: tuple[str, ...]) -> set[Script]:
        with self._catch_revision_errors():
            ids = self._map.get_all_current(list(id_))
        return {self._script(r) for r in ids}

    def get_revision(self, id_: str) -> Script | None:
        with self._catch_revision_errors():
            rev = self._map.get_revision(id_)
        return self._script(rev) if rev is not None else None

    def as_revision_number(self, id_: str | None) -> Any:
        with self._catch_revision_errors():
            revs = self._map.resolve_revision_number(id_)
        if not revs:
            return None
        if id_ == "heads":
            return tuple(revs)
        return revs[0]

    def iterate_revisions(self, upper: Any, lower: Any, **kw: Any) -> Iterator[Script]:
        ids = self._map.iterate_revisions(upper, lower, **kw)
        return iter([self._script(r) for r in ids])

    def get_current_head(self) -> str | None:
        with self._catch_revision_errors(
            multiple_heads=(
                "The script directory has multiple heads (due to branching)."
                "Please use get_heads(), or merge the branches using "
                "alembic merge."
            )
        ):
            return self._map.get_current_head(None)

    def get_heads(self, consider_depends_on: bool = False) -> list[str]:
        if consider_depends_on:
            return list(self._map.real_heads())
        return list(self._map.heads())

    def get_base(self) -> str | None:
        bases = self.get_bases()
        if len(bases) > 1:
            raise util.CommandError(
                "The script directory has multiple bases. Please use get_bases()."
            )
        return bases[0] if bases else None

    def get_bases(self) -> list[str]:
        return list(self._map.bases())

    # -- planning (Rust) -------------------------------------------------------------------

    def _steps(self, native_steps: list[Any]) -> list[Any]:
        from ..runtime.migration import MigrationStep

        return [MigrationStep(self, s) for s in native_steps]

    def _upgrade_revs(self, destination: str, current_rev: Any) -> list[Any]:
        with self._catch_revision_errors(
            ancestor="Destination %(end)s is not a valid upgrade target from current head(s)",
            end=destination,
        ):
            return self._steps(self._map.upgrade_steps(destination, list(current_rev or ())))

    def _downgrade_revs(self, destination: str, current_rev: Any) -> list[Any]:
        with self._catch_revision_errors(
            ancestor="Destination %(end)s is not a valid downgrade target from current head(s)",
            end=destination,
        ):
            return self._steps(self._map.downgrade_steps(destination, list(current_rev or ())))

    def _stamp_revs(self, revision: Any, heads: Any) -> list[Any]:
        with self._catch_revision_errors(
            multiple_heads="Multiple heads are present; please specify a single target revision"
        ):
            targets = list(util.to_tuple(revision, default=()) or ())
            return self._steps(self._map.stamp_steps(targets, list(heads or ())))

    # -- running env.py -------------------------------------------------------------

    def run_env(self) -> None:
        """Run the environment's ``env.py``."""
        load_python_file(self.dir, "env.py")

    @property
    def env_py_location(self) -> str:
        return str(Path(self.dir, "env.py"))

    # -- writing files ----------------------------------------------------------------

    def _append_template(self, src: Path, dest: Path, **kw: Any) -> None:
        with util.status(f"Appending to existing {dest.absolute()}", **self.messaging_opts):
            template_to_file(src, dest, self.output_encoding, append_with_newlines=True, **kw)

    def _generate_template(self, src: Path, dest: Path, **kw: Any) -> None:
        with util.status(f"Generating {dest.absolute()}", **self.messaging_opts):
            template_to_file(src, dest, self.output_encoding, **kw)

    def _copy_file(self, src: Path, dest: Path) -> None:
        import shutil

        with util.status(f"Generating {dest.absolute()}", **self.messaging_opts):
            shutil.copy(src, dest)

    def _ensure_directory(self, path: Path) -> None:
        path = path.absolute()
        if not path.exists():
            with util.status(f"Creating directory {path}", **self.messaging_opts):
                os.makedirs(path)

    def _generate_create_date(self) -> datetime.datetime:
        import datetime

        if self.timezone is None:
            return datetime.datetime.now()
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            tzinfo = ZoneInfo(self.timezone)
        except ZoneInfoNotFoundError:
            try:
                tzinfo = ZoneInfo(self.timezone.upper())
            except ZoneInfoNotFoundError:
                raise util.CommandError("Can't locate timezone: %s" % self.timezone) from None
        return datetime.datetime.now(tz=datetime.timezone.utc).astimezone(tzinfo)

    def _rev_path(
        self, path: str | os.PathLike[str], rev_id: str, message: str | None, create_date: Any
    ) -> Path:
        filename = _native.revision_filename(
            self.file_template,
            rev_id,
            message or "",
            self.truncate_slug_length,
            int(create_date.timestamp()),
            (
                create_date.year,
                create_date.month,
                create_date.day,
                create_date.hour,
                create_date.minute,
                create_date.second,
            ),
        )
        return Path(path) / filename

    def generate_revision(
        self,
        revid: str,
        message: str | None,
        head: Any = None,
        splice: bool | None = False,
        branch_labels: Any = None,
        version_path: str | os.PathLike[str] | None = None,
        file_template: str | None = None,
        depends_on: Any = None,
        **kw: Any,
    ) -> Script | None:
        """Write a new revision file from ``script.py.mako``, as alembic does."""
        if head is None:
            head = "head"
        try:
            _native.verify_rev_id(revid)
        except exc.RevisionError as err:
            raise util.CommandError(err.args[0]) from err
        with self._catch_revision_errors(
            multiple_heads=(
                "Multiple heads are present; please specify the head "
                "revision on which the new revision should be based, "
                "or perform a merge."
            )
        ):
            heads = [
                self._script(r) if r is not None else None for r in self._map.get_revisions(head)
            ]
        if len({h.revision if h else None for h in heads}) != len(heads):
            raise util.CommandError("Duplicate head revisions specified")

        create_date = self._generate_create_date()
        if version_path is None:
            if len(self._version_locations) > 1:
                for head_ in heads:
                    if head_ is not None:
                        version_path = head_._script_path.parent
                        break
                else:
                    raise util.CommandError(
                        "Multiple version locations present, please specify --version-path"
                    )
            else:
                version_path = self._version_locations[0]
        else:
            version_path = Path(version_path)
        version_path = Path(version_path)
        norm_path = version_path.absolute()
        if not any(v.absolute() == norm_path for v in self._version_locations):
            raise util.CommandError(
                f"Path {version_path} is not represented in current version locations"
            )
        if self.version_locations:
            self._ensure_directory(version_path)
        if file_template is not None:
            saved, self.file_template = self.file_template, file_template
            try:
                path = self._rev_path(version_path, revid, message, create_date)
            finally:
                self.file_template = saved
        else:
            path = self._rev_path(version_path, revid, message, create_date)
        self._ensure_directory(path.parent)

        if not splice:
            for head_ in heads:
                if head_ is not None and not head_.is_head:
                    raise util.CommandError(
                        "Revision %s is not a head revision; please specify "
                        "--splice to create a new branch from this revision" % head_.revision
                    )
        resolved_depends_on: list[str] | None = None
        if depends_on:
            with self._catch_revision_errors():
                resolved_depends_on = []
                for dep in util.to_list(depends_on) or []:
                    rev = self._script(self._map.get_revision(dep))
                    resolved_depends_on.append(dep if dep in rev.branch_labels else rev.revision)
        self._generate_template(
            Path(self.dir, "script.py.mako"),
            path,
            up_revision=str(revid),
            down_revision=tuple_rev_as_scalar(
                tuple(h.revision if h is not None else None for h in heads)  # type: ignore[misc]
            ),
            branch_labels=util.to_tuple(branch_labels),
            depends_on=tuple_rev_as_scalar(resolved_depends_on),
            create_date=create_date,
            comma=util.format_as_comma,
            message=message if message is not None else "empty message",
            **kw,
        )
        if self.hooks:
            from . import write_hooks

            write_hooks.run_hooks(path, self.hooks)

        # re-read everything so the new file is part of the graph
        self._native_map = None
        self._scripts.clear()
        script = self.get_revision(revid)
        if script is None:
            return None
        if branch_labels and not script.branch_labels:
            raise util.CommandError(
                "Version %s specified branch_labels %s, however the "
                "migration file %s does not have them; have you upgraded "
                "your script.py.mako to include the "
                "'branch_labels' section?" % (script.revision, branch_labels, script.path)
            )
        return script
