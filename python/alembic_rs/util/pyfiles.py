"""Loading user Python files and rendering Mako templates, as alembic does."""

from __future__ import annotations

import os
import pathlib

from .exc import CommandError

# typing is imported only by type checkers: read commands start faster without it
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


def template_to_file(
    template_file: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    output_encoding: str,
    *,
    append_with_newlines: bool = False,
    **kw: Any,
) -> None:
    """Render a Mako template into ``dest``."""
    import tempfile

    from mako import exceptions
    from mako.template import Template

    template = Template(filename=os.fspath(template_file))
    try:
        output = template.render_unicode(**kw).encode(output_encoding)
    except Exception:
        with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as ntf:
            ntf.write(exceptions.text_error_template().render_unicode().encode(output_encoding))
            fname = ntf.name
        raise CommandError(
            "Template rendering failed; see %s for a template-oriented traceback." % fname
        ) from None
    with open(dest, "ab" if append_with_newlines else "wb") as f:
        if append_with_newlines:
            f.write("\n\n".encode(output_encoding))
        f.write(output)


def coerce_resource_to_filename(fname_or_resource: str) -> pathlib.Path:
    """A path, or a ``package:dir`` resource turned into a path."""
    if not os.path.isabs(fname_or_resource) and ":" in fname_or_resource:
        import atexit
        from contextlib import ExitStack
        from importlib import resources

        tokens = fname_or_resource.split(":")
        file_manager = ExitStack()
        atexit.register(file_manager.close)
        ref = resources.files(tokens[0])
        for tok in tokens[1:]:
            ref = ref / tok
        return pathlib.Path(file_manager.enter_context(resources.as_file(ref)))
    return pathlib.Path(fname_or_resource)


def pyc_file_from_path(path: str | os.PathLike[str]) -> pathlib.Path | None:
    """The compiled file of a Python source path, if there is one."""
    import importlib.machinery
    import importlib.util

    pathpath = pathlib.Path(path)
    candidate = pathlib.Path(importlib.util.cache_from_source(pathpath.as_posix()))
    if candidate.exists():
        return candidate
    for ext in importlib.machinery.BYTECODE_SUFFIXES:
        if pathpath.with_suffix(ext).exists():
            return pathpath.with_suffix(ext)
    return None


def load_python_file(dir_: str | os.PathLike[str], filename: str | os.PathLike[str]) -> ModuleType:
    """Import a file as a module named after the file, as alembic does."""
    import re

    name = os.path.basename(os.fspath(filename))
    module_id = re.sub(r"\W", "_", name)
    path = os.path.join(os.fspath(dir_), name)
    if path.endswith(".py"):
        if os.path.exists(path):
            return load_module_py(module_id, path)
        pyc_path = pyc_file_from_path(path)
        if pyc_path is None:
            raise ImportError("Can't find Python file %s" % path)
        return load_module_py(module_id, pyc_path)
    return load_module_py(module_id, path)


def load_module_py(module_id: str, path: str | os.PathLike[str]) -> ModuleType:
    import importlib.util

    spec = importlib.util.spec_from_file_location(module_id, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
