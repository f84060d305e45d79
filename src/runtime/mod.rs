//! runtime: migration steps, `alembic_version` bookkeeping, transactions, offline output.

pub mod offline;
pub mod version;
