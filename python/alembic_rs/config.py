"""``Config``: alembic's configuration object, read by the Rust ini/toml parser."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import _native, util

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace
    from collections.abc import Iterator, Mapping
    from typing import Any, TextIO

    from .cli import CommandLine, main

_NO_DEFAULT = object()


class FileConfig:
    """The parsed ``.ini`` file with the ``ConfigParser`` methods env.py scripts use.

    Parsing and ``%(key)s`` interpolation happen in Rust (``_native.IniFile``).
    """

    def __init__(self, native: Any) -> None:
        self._ini = native

    def sections(self) -> list[str]:
        return self._ini.sections()

    def has_section(self, section: str) -> bool:
        return self._ini.has_section(section)

    def add_section(self, section: str) -> None:
        self._ini.add_section(section)

    def has_option(self, section: str, option: str) -> bool:
        return self._ini.has_option(section, option)

    def options(self, section: str) -> list[str]:
        return [k for k, _ in self._ini.items(section, True)]

    def get(
        self,
        section: str,
        option: str,
        *,
        raw: bool = False,
        vars: Any = None,
        fallback: Any = _NO_DEFAULT,
    ) -> Any:
        value = self._ini.get(section, option, raw)
        if value is None:
            if fallback is not _NO_DEFAULT:
                return fallback
            import configparser

            if section != "DEFAULT" and not self.has_section(section):
                raise configparser.NoSectionError(section)
            raise configparser.NoOptionError(option, section)
        return value

    def getboolean(self, section: str, option: str, *, fallback: Any = _NO_DEFAULT) -> Any:
        value = self.get(section, option, fallback=None)
        if value is None:
            if fallback is _NO_DEFAULT:
                return self.get(section, option)
            return fallback
        lowered = value.lower()
        if lowered in ("1", "yes", "true", "on"):
            return True
        if lowered in ("0", "no", "false", "off"):
            return False
        raise ValueError(f"Not a boolean: {value}")

    def items(self, section: str | None = None, raw: bool = False) -> list[tuple[str, str]]:
        if section is None:
            return [(name, None) for name in ["DEFAULT", *self.sections()]]  # type: ignore[misc]
        return self._ini.items(section, raw)

    def set(self, section: str, option: str, value: str | None = None) -> None:
        self._ini.set(section, option, value)

    def remove_option(self, section: str, option: str) -> bool:
        return self._ini.remove_option(section, option)

    def defaults(self) -> dict[str, str]:
        return dict(self._ini.defaults())

    def __contains__(self, section: str) -> bool:
        return section == "DEFAULT" or self.has_section(section)

    def __getitem__(self, section: str) -> dict[str, str]:
        if section not in self:
            raise KeyError(section)
        return dict(self.items(section))

    def __iter__(self) -> Iterator[str]:
        return iter(["DEFAULT", *self.sections()])


class Config:
    """An alembic configuration: an ``.ini`` file and/or ``pyproject.toml``.

    Same constructor and methods as ``alembic.config.Config``.
    """

    def __init__(
        self,
        file_: str | os.PathLike[str] | None = None,
        toml_file: str | os.PathLike[str] | None = None,
        ini_section: str = "alembic",
        output_buffer: TextIO | None = None,
        stdout: TextIO = sys.stdout,
        cmd_opts: Namespace | None = None,
        config_args: Mapping[str, Any] | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> None:
        self.config_file_name = os.fspath(file_) if file_ else None
        self.toml_file_name = os.fspath(toml_file) if toml_file else None
        self.config_ini_section = ini_section
        self.output_buffer = output_buffer
        self.stdout = stdout
        self.cmd_opts = cmd_opts
        self.config_args = dict(config_args or {})
        self.toml_args = dict(config_args or {})
        self._file_config: FileConfig | None = None
        self._toml: dict[str, Any] | None = None
        self._attributes: dict[str, Any] = {}
        if attributes:
            self._attributes.update(attributes)

    @property
    def attributes(self) -> dict[str, Any]:
        """Arbitrary Python values for env.py (a ``connection``, say)."""
        return self._attributes

    @property
    def _config_file_path(self) -> Path | None:
        return Path(self.config_file_name) if self.config_file_name else None

    @property
    def _toml_file_path(self) -> Path | None:
        return Path(self.toml_file_name) if self.toml_file_name else None

    def print_stdout(self, text: str, *arg: Any) -> None:
        """Write a line to ``self.stdout`` unless ``--quiet``."""
        output = str(text) % arg if arg else str(text)
        util.messaging.write_outstream(self.stdout, output, "\n", **self.messaging_opts)

    @property
    def file_config(self) -> FileConfig:
        """The parsed ``.ini`` file, with ``ConfigParser``'s methods."""
        if self._file_config is None:
            path = self._config_file_path
            here = path.absolute().parent if path else Path()
            self.config_args["here"] = here.as_posix()
            defaults = [(str(k), str(v)) for k, v in self.config_args.items()]
            if path is not None:
                ini = _native.IniFile.read(str(path), defaults)
            else:
                ini = _native.IniFile.empty(defaults)
                ini.add_section(self.config_ini_section)
            self._file_config = FileConfig(ini)
        return self._file_config

    @property
    def toml_alembic_config(self) -> Mapping[str, Any]:
        """The ``[tool.alembic]`` table of ``pyproject.toml``, or ``{}``."""
        if self._toml is None:
            path = self._toml_file_path
            if path is not None and path.exists():
                self.toml_args["here"] = path.absolute().parent.as_posix()
                data = _native.read_pyproject_alembic(str(path))
                if data is not None and not isinstance(data, dict):
                    raise util.CommandError("Incorrect TOML format")
                self._toml = data or {}
            else:
                self._toml = {}
        return self._toml

    def get_template_directory(self) -> str:
        """The directory holding the ``init`` templates."""
        return str(Path(__file__).absolute().parent / "templates")

    def _get_template_path(self) -> Path:
        return Path(self.get_template_directory())

    def get_section(self, name: str, default: Any = None) -> Any:
        """All options of an ini section as a dict, or ``default``."""
        if not self.file_config.has_section(name):
            return default
        return dict(self.file_config.items(name))

    def set_main_option(self, name: str, value: str) -> None:
        self.set_section_option(self.config_ini_section, name, value)

    def remove_main_option(self, name: str) -> None:
        self.file_config.remove_option(self.config_ini_section, name)

    def set_section_option(self, section: str, name: str, value: str) -> None:
        if not self.file_config.has_section(section):
            self.file_config.add_section(section)
        self.file_config.set(section, name, value)

    def get_section_option(self, section: str, name: str, default: str | None = None) -> str | None:
        if not self.file_config.has_section(section):
            raise util.CommandError(
                "No config file %r found, or file has no '[%s]' section"
                % (self.config_file_name, section)
            )
        if self.file_config.has_option(section, name):
            return self.file_config.get(section, name)
        return default

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        return self.get_section_option(self.config_ini_section, name, default)

    def get_alembic_option(self, name: str, default: Any = None) -> Any:
        """An option from ``[alembic]`` in the ini, else from ``[tool.alembic]``."""
        value = self.file_config._ini.alembic_option(*self._resolver_args(), name)
        return default if value is None else value

    def get_alembic_boolean_option(self, name: str) -> bool:
        return self.file_config._ini.alembic_boolean_option(*self._resolver_args(), name)

    @property
    def messaging_opts(self) -> dict[str, bool]:
        return {"quiet": bool(getattr(self.cmd_opts, "quiet", False))}

    def _resolver_args(self) -> tuple[Any, ...]:
        """What the Rust option resolver needs besides the ini it holds."""
        toml_path = self._toml_file_path
        if toml_path is not None and toml_path.exists():
            self.toml_args["here"] = toml_path.absolute().parent.as_posix()
        else:
            toml_path = None
        return (
            self.config_file_name,
            self.config_ini_section,
            str(toml_path) if toml_path is not None else None,
            [(str(k), str(v)) for k, v in self.toml_args.items()],
        )

    def _alembic_options(self) -> dict[str, Any]:
        """Every alembic option, resolved in Rust (ini first, then ``[tool.alembic]``)."""
        options = self.file_config._ini.alembic_options(*self._resolver_args())
        for message in options["warnings"]:
            util.warn_deprecated(message)
        return options

    def get_version_locations_list(self) -> list[str] | None:
        return self._alembic_options()["version_locations"]

    def get_prepend_sys_paths_list(self) -> list[str] | None:
        return self._alembic_options()["prepend_sys_path"]

    def get_hooks_list(self) -> list[dict[str, str]]:
        """The ``[post_write_hooks]`` (or toml ``post_write_hooks``) entries."""
        return self._alembic_options()["post_write_hooks"]


__all__ = ["CommandLine", "Config", "main"]


def __getattr__(name: str) -> Any:
    # ``from alembic.config import CommandLine, main``, as alembic's module offers them;
    # the CLI module builds on this one, so it is imported only when asked for
    if name in ("CommandLine", "main"):
        from . import cli

        return getattr(cli, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
