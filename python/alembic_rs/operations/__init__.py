"""alembic_rs.operations: operation specs for the Rust renderer."""
