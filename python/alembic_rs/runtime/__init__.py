"""The migration runtime: ``EnvironmentContext`` and ``MigrationContext``."""
