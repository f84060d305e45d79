# alembic.ini: settings for a migration environment spanning several databases.
# Values may use %(here)s, the directory holding this file. A literal "%"
# must be written "%%" because this file is read by Python's configparser.

[alembic]
# Where the migration environment (env.py, script.py.mako, versions/) lives.
# Relative paths are taken from the current directory; prefer %(here)s.
script_location = ${script_location}

# Entries prepended to sys.path before env.py runs, so it can import your
# application's models. Several entries are split by `path_separator`.
prepend_sys_path = .

# How lists in this file (prepend_sys_path, version_locations) are split:
#   os       -> os.pathsep (":" on POSIX, ";" on Windows)   [recommended]
#   :  ;     -> that character
#   space    -> runs of whitespace
#   newline  -> one entry per line
# Files written before this key existed fall back to the older
# `version_path_separator` key, then to splitting on spaces/commas.
path_separator = os

# Name of new revision files, without the ".py". Default: %%(rev)s_%%(slug)s
# Tokens: %%(rev)s revision id, %%(slug)s slug of the message,
# %%(epoch)s, %%(year)d, %%(month)d, %%(day)d, %%(hour)d, %%(minute)d,
# %%(second)d (creation time). A "/" puts files in sub-folders, which then
# needs recursive_version_locations = true. Examples:
# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s
# file_template = %%(year)d/%%(month).2d/%%(rev)s_%%(slug)s

# Time zone for "Create Date" and the date tokens above, as a name that
# zoneinfo.ZoneInfo() accepts (e.g. UTC, Europe/Paris); needs the tzdata
# package on some systems. Empty means local time.
# timezone =

# Longest slug (from -m "message") kept in file names.
# truncate_slug_length = 40

# true: run env.py during `revision` even without --autogenerate
# (useful when env.py customises revision generation).
# revision_environment = false

# true: also accept .pyc files with no .py next to them as revisions.
# sourceless = false

# Folders holding revision files; default <script_location>/versions.
# Split by `path_separator`. With several folders, the first revision of a
# new branch needs `revision --version-path`.
# version_locations = %(here)s/versions:%(here)s/other_versions

# true: look for revision files in sub-folders of each version location.
# recursive_version_locations = false

# Encoding used to write new revision files.
# output_encoding = utf-8

# The databases this environment migrates, comma separated. Each name has
# a section of its own below, holding its `sqlalchemy.url`. Only env.py and
# script.py.mako read these values.
databases = engine1, engine2


[engine1]
sqlalchemy.url = driver://user:pass@localhost/dbname1

[engine2]
sqlalchemy.url = driver://user:pass@localhost/dbname2


[post_write_hooks]
# Programs run on each newly written revision file, in the order given by
# `hooks`. REVISION_SCRIPT_FILENAME in `options` is replaced by its path.
# Runner types: console_scripts (an installed entry point), module
# (python -m), exec (an executable on PATH).
#
# hooks = black
# black.type = console_scripts
# black.entrypoint = black
# black.options = -q REVISION_SCRIPT_FILENAME
#
# hooks = ruff
# ruff.type = module
# ruff.module = ruff
# ruff.options = check --fix REVISION_SCRIPT_FILENAME
#
# hooks = ruff_format
# ruff_format.type = exec
# ruff_format.executable = ruff
# ruff_format.options = format REVISION_SCRIPT_FILENAME


# Logging, read by env.py through logging.config.fileConfig().
[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
# INFO here logs every SQL statement SQLAlchemy sends.
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
