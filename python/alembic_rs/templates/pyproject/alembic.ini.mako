# alembic.ini: connection and logging settings. The other migration settings
# are in pyproject.toml, section [tool.alembic].

[alembic]
# The database URL. Only env.py reads it; env.py may take the URL from
# elsewhere (an environment variable, your settings module) instead.
sqlalchemy.url = driver://user:pass@localhost/dbname


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
