//! Configuration: `alembic.ini` read with Python `configparser` semantics, the
//! `[tool.alembic]` table of `pyproject.toml`, and the resolved view of every option alembic
//! reads from them.

mod error;
mod ini;
pub mod pyformat;
pub(crate) mod pytext;

pub use error::ConfigError;
pub use ini::{DEFAULT_SECTION, IniFile};
