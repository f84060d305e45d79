"""The script directory: revision files and their graph (``alembic.script``)."""

from .base import Script, ScriptDirectory

__all__ = ["Script", "ScriptDirectory"]
