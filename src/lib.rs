//! alembic-rs: Alembic's migration engine in Rust.
//!
//! The core modules know nothing of Python; `py` holds every PyO3 binding and is
//! compiled only with the `python` feature (maturin enables it).

pub mod cli;
pub mod config;
pub mod db;
pub mod ddl;
pub mod dialect;
pub mod ops;
pub mod reflect;
pub mod revision;
pub mod runtime;
pub mod script;

#[cfg(feature = "python")]
mod py;
