//! Configuration: `alembic.ini` read with Python `configparser` semantics, the
//! `[tool.alembic]` table of `pyproject.toml`, and the resolved view of every option alembic
//! reads from them.

mod error;
mod ini;
mod options;
pub mod pyformat;
mod pyproject;
pub(crate) mod pytext;

pub use error::ConfigError;
pub use ini::{DEFAULT_SECTION, IniFile};
pub(crate) use options::python_int;
pub use options::{AlembicConfig, AlembicOptions, ScriptLocation};
pub use pyproject::{TomlValue, parse_pyproject, read_pyproject, toml_config_value};
