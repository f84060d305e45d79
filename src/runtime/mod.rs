//! runtime: migration steps, `alembic_version` bookkeeping, transactions, offline output,
//! the session state carried from env.py's connection to the native one.

pub mod offline;
pub mod session;
pub mod version;
