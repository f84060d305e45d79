//! runtime: migration steps, `alembic_version` bookkeeping, transactions, offline output.

pub mod offline;
mod reserved_words;
pub mod version;
