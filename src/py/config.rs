//! `IniFile` (alembic.ini with ConfigParser semantics) and `[tool.alembic]` reading.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::errors::config_error;
use crate::config::{ConfigError, IniFile, read_pyproject};

/// A parsed `.ini` file; `Config.file_config` wraps it with ConfigParser's methods.
#[pyclass(name = "IniFile", module = "alembic_rs._native")]
pub struct PyIniFile {
    inner: IniFile,
}

/// `Ok(None)` for a missing section or option: the Python wrapper decides between the
/// caller's fallback and configparser's exception.
fn missing_is_none(result: Result<Option<String>, ConfigError>) -> Result<Option<String>, ConfigError> {
    match result {
        Err(ConfigError::NoSection { .. }) | Err(ConfigError::NoOption { .. }) => Ok(None),
        other => other,
    }
}

#[pymethods]
impl PyIniFile {
    /// Read `path` (silently nothing if it cannot be opened, as ConfigParser does).
    #[staticmethod]
    fn read(py: Python<'_>, path: &str, defaults: Vec<(String, String)>) -> PyResult<Self> {
        IniFile::read(path, &defaults)
            .map(|inner| PyIniFile { inner })
            .map_err(|e| config_error(py, e))
    }

    /// An empty configuration holding only `defaults`.
    #[staticmethod]
    fn empty(defaults: Vec<(String, String)>) -> Self {
        PyIniFile {
            inner: IniFile::with_defaults(&defaults),
        }
    }

    fn sections(&self) -> Vec<String> {
        self.inner.sections().into_iter().map(str::to_owned).collect()
    }

    fn has_section(&self, section: &str) -> bool {
        self.inner.has_section(section)
    }

    fn add_section(&mut self, py: Python<'_>, section: &str) -> PyResult<()> {
        self.inner.add_section(section).map_err(|e| config_error(py, e))
    }

    fn has_option(&self, section: &str, option: &str) -> bool {
        self.inner.has_option(section, option)
    }

    /// The option's value (interpolated unless `raw`), or None when it is missing.
    #[pyo3(signature = (section, option, raw=false))]
    fn get(&self, py: Python<'_>, section: &str, option: &str, raw: bool) -> PyResult<Option<String>> {
        let value = if raw {
            self.inner.get_raw(section, option)
        } else {
            self.inner.get(section, option)
        };
        missing_is_none(value).map_err(|e| config_error(py, e))
    }

    #[pyo3(signature = (section, raw=false))]
    fn items(&self, py: Python<'_>, section: &str, raw: bool) -> PyResult<Vec<(String, String)>> {
        let items = if raw {
            self.inner.items_raw(section)
        } else {
            self.inner.items(section)
        };
        items.map_err(|e| config_error(py, e))
    }

    fn set(&mut self, py: Python<'_>, section: &str, option: &str, value: &str) -> PyResult<()> {
        self.inner.set(section, option, value).map_err(|e| config_error(py, e))
    }

    fn remove_option(&mut self, py: Python<'_>, section: &str, option: &str) -> PyResult<bool> {
        self.inner.remove_option(section, option).map_err(|e| config_error(py, e))
    }

    fn defaults(&self) -> Vec<(String, String)> {
        self.inner.defaults().to_vec()
    }
}

/// A TOML value as the Python value `tomllib` would give.
fn toml_to_py<'py>(py: Python<'py>, value: &toml::Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        toml::Value::String(s) => s.into_pyobject(py)?.into_any(),
        toml::Value::Integer(i) => i.into_pyobject(py)?.into_any(),
        toml::Value::Float(f) => f.into_pyobject(py)?.into_any(),
        toml::Value::Boolean(b) => b.into_pyobject(py)?.to_owned().into_any(),
        toml::Value::Datetime(d) => d.to_string().into_pyobject(py)?.into_any(),
        toml::Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(toml_to_py(py, item)?)?;
            }
            list.into_any()
        }
        toml::Value::Table(table) => table_to_py(py, table)?.into_any(),
    })
}

fn table_to_py<'py>(py: Python<'py>, table: &toml::Table) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in table {
        dict.set_item(key, toml_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// The `[tool.alembic]` table of a `pyproject.toml` as a dict; None when the file
/// does not exist or the table is empty.
#[pyfunction]
fn read_pyproject_alembic<'py>(py: Python<'py>, path: &str) -> PyResult<Option<Bound<'py, PyDict>>> {
    match read_pyproject(path).map_err(|e| config_error(py, e))? {
        Some(table) if !table.is_empty() => Ok(Some(table_to_py(py, &table)?)),
        _ => Ok(None),
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_pyproject_alembic, m)?)?;
    m.add_class::<PyIniFile>()?;
    Ok(())
}
