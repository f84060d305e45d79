"""The sample application whose tables alembic/versions/ create."""
