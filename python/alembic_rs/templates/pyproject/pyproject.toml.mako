[tool.alembic]
# Migration settings (alembic.ini keeps the URL and logging).
# String values may use %(here)s, the directory holding this file; a literal
# "%" is written "%%". Lists are TOML arrays, so no path_separator is needed.

# Where the migration environment (env.py, script.py.mako, versions/) lives.
script_location = "${script_location}"

# Entries prepended to sys.path before env.py runs, so it can import your
# application's models.
prepend_sys_path = [
    ".",
]

# Name of new revision files, without the ".py". Default: "%%(rev)s_%%(slug)s"
# Tokens: %%(rev)s revision id, %%(slug)s slug of the message,
# %%(epoch)s, %%(year)d, %%(month)d, %%(day)d, %%(hour)d, %%(minute)d,
# %%(second)d (creation time). A "/" puts files in sub-folders, which then
# needs recursive_version_locations = true. Examples:
# file_template = "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s"
# file_template = "%%(year)d/%%(month).2d/%%(rev)s_%%(slug)s"

# Time zone for "Create Date" and the date tokens above, as a name that
# zoneinfo.ZoneInfo() accepts (e.g. "UTC"); needs the tzdata package on some
# systems. Unset means local time.
# timezone = "UTC"

# Longest slug (from -m "message") kept in file names.
# truncate_slug_length = 40

# true: run env.py during `revision` even without --autogenerate.
# revision_environment = false

# true: also accept .pyc files with no .py next to them as revisions.
# sourceless = false

# Folders holding revision files; default <script_location>/versions.
# With several folders, the first revision of a new branch needs
# `revision --version-path`.
# version_locations = [
#     "%(here)s/migrations/versions",
#     "%(here)s/migrations/other_versions",
# ]

# true: look for revision files in sub-folders of each version location.
# recursive_version_locations = false

# Encoding used to write new revision files.
# output_encoding = "utf-8"

# Programs run on each newly written revision file, one table per hook, in
# order. REVISION_SCRIPT_FILENAME in `options` is replaced by its path.
# Runner types: console_scripts (an installed entry point), module
# (python -m), exec (an executable on PATH).
#
# [[tool.alembic.post_write_hooks]]
# name = "black"
# type = "console_scripts"
# entrypoint = "black"
# options = "-q REVISION_SCRIPT_FILENAME"
#
# [[tool.alembic.post_write_hooks]]
# name = "ruff"
# type = "module"
# module = "ruff"
# options = "check --fix REVISION_SCRIPT_FILENAME"
#
# [[tool.alembic.post_write_hooks]]
# name = "ruff_format"
# type = "exec"
# executable = "ruff"
# options = "format REVISION_SCRIPT_FILENAME"
