"""Post-write hooks (``[post_write_hooks]``): run formatters on a new revision file."""

from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from .. import util

REVISION_SCRIPT_TOKEN = "REVISION_SCRIPT_FILENAME"

_registry: dict[str, Callable[..., Any]] = {}


def register(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator registering a function as the write hook ``name``."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _registry[name] = fn
        return fn

    return decorate


def run_hooks(path: str | os.PathLike[str], hooks: list[dict[str, str]]) -> None:
    """Run each configured hook on the revision file at ``path``."""
    for hook in hooks:
        name = hook["_hook_name"]
        if "type" not in hook:
            raise util.CommandError(
                f"Key '{name}.type' (or 'type' in toml) is required for post write hook {name!r}"
            )
        with util.status(f"Running post write hook {name!r}", newline=True):
            fn = _registry.get(hook["type"])
            if fn is None:
                raise util.CommandError(f"No formatter with name '{hook['type']}' registered")
            fn(os.fspath(path), hook)


def _required(options: dict[str, str], name: str) -> str:
    if name not in options:
        hook = options["_hook_name"]
        raise util.CommandError(f"Key {hook}.{name} is required for post write hook {hook!r}")
    return options[name]


def _run(path: str, options: dict[str, str], command: list[str]) -> None:
    opts = options.get("options", "")
    if REVISION_SCRIPT_TOKEN not in opts:
        opts = REVISION_SCRIPT_TOKEN + " " + opts
    args = [
        a.replace(REVISION_SCRIPT_TOKEN, path) for a in shlex.split(opts, posix=os.name == "posix")
    ]
    subprocess.run([*command, *args], cwd=options.get("cwd"))


@register("console_scripts")
def console_scripts(path: str, options: dict[str, str]) -> None:
    name = _required(options, "entrypoint")
    for entry in entry_points(group="console_scripts"):
        if entry.name == name:
            break
    else:
        raise util.CommandError(f"Could not find entrypoint console_scripts.{name}")
    module, _, attr = entry.value.partition(":")
    _run(path, options, [sys.executable, "-c", f"import {module}; {module}.{attr}()"])


@register("exec")
def exec_(path: str, options: dict[str, str]) -> None:
    _run(path, options, [_required(options, "executable")])


@register("module")
def module(path: str, options: dict[str, str]) -> None:
    name = _required(options, "module")
    if importlib.util.find_spec(name) is None:
        raise util.CommandError(f"Could not find module {name}")
    _run(path, options, [sys.executable, "-m", name])
