//! `IniFile` (alembic.ini with ConfigParser semantics) and `[tool.alembic]` reading.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::errors::config_error;
use crate::config::{
    AlembicConfig, AlembicOptions, ConfigError, IniFile, TomlValue, read_pyproject,
};

/// A parsed `.ini` file; `Config.file_config` wraps it with ConfigParser's methods.
#[pyclass(name = "IniFile", module = "alembic_rs._native")]
pub struct PyIniFile {
    inner: IniFile,
    /// `[tool.alembic]` of the pyproject.toml last asked for, read once.
    toml: Option<(String, Option<toml::Table>)>,
}

/// `Ok(None)` for a missing section or option: the Python wrapper decides between the
/// caller's fallback and configparser's exception.
fn missing_is_none(
    result: Result<Option<String>, ConfigError>,
) -> Result<Option<String>, ConfigError> {
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
            .map(|inner| PyIniFile { inner, toml: None })
            .map_err(|e| config_error(py, e))
    }

    /// An empty configuration holding only `defaults`.
    #[staticmethod]
    fn empty(defaults: Vec<(String, String)>) -> Self {
        PyIniFile {
            inner: IniFile::with_defaults(&defaults),
            toml: None,
        }
    }

    fn sections(&self) -> Vec<String> {
        self.inner
            .sections()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn has_section(&self, section: &str) -> bool {
        self.inner.has_section(section)
    }

    fn add_section(&mut self, py: Python<'_>, section: &str) -> PyResult<()> {
        self.inner
            .add_section(section)
            .map_err(|e| config_error(py, e))
    }

    fn has_option(&self, section: &str, option: &str) -> bool {
        self.inner.has_option(section, option)
    }

    /// The option's value (interpolated unless `raw`), or None when it is missing.
    #[pyo3(signature = (section, option, raw=false))]
    fn get(
        &self,
        py: Python<'_>,
        section: &str,
        option: &str,
        raw: bool,
    ) -> PyResult<Option<String>> {
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
        self.inner
            .set(section, option, value)
            .map_err(|e| config_error(py, e))
    }

    fn remove_option(&mut self, py: Python<'_>, section: &str, option: &str) -> PyResult<bool> {
        self.inner
            .remove_option(section, option)
            .map_err(|e| config_error(py, e))
    }

    fn defaults(&self) -> Vec<(String, String)> {
        self.inner.defaults().to_vec()
    }

    /// Every `[alembic]` / `[tool.alembic]` option alembic knows, resolved as alembic
    /// does (ini first, then toml; path separators; hooks), as a dict. `warnings`
    /// holds the deprecation texts alembic would emit.
    #[pyo3(signature = (config_file_name, ini_section, toml_path, toml_args))]
    fn alembic_options<'py>(
        &mut self,
        py: Python<'py>,
        config_file_name: Option<String>,
        ini_section: &str,
        toml_path: Option<&str>,
        toml_args: Vec<(String, String)>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let config = self
            .alembic_config(config_file_name, ini_section, toml_path, toml_args)
            .map_err(|e| config_error(py, e))?;
        let o = AlembicOptions::resolve(&config).map_err(|e| config_error(py, e))?;
        let d = PyDict::new(py);
        d.set_item("script_location", &o.script_location.raw)?;
        d.set_item("prepend_sys_path", &o.prepend_sys_path)?;
        d.set_item("version_locations", &o.version_locations)?;
        d.set_item("file_template", &o.file_template)?;
        d.set_item("timezone", &o.timezone)?;
        d.set_item("truncate_slug_length", o.truncate_slug_length)?;
        d.set_item("revision_environment", o.revision_environment)?;
        d.set_item("sourceless", o.sourceless)?;
        d.set_item("output_encoding", &o.output_encoding)?;
        d.set_item("recursive_version_locations", o.recursive_version_locations)?;
        d.set_item("sqlalchemy_url", &o.sqlalchemy_url)?;
        let hooks = PyList::empty(py);
        for hook in &o.post_write_hooks {
            let h = PyDict::new(py);
            for (k, v) in hook {
                h.set_item(k, v)?;
            }
            hooks.append(h)?;
        }
        d.set_item("post_write_hooks", hooks)?;
        d.set_item("warnings", &o.warnings)?;
        Ok(d)
    }

    /// `Config.get_alembic_option(name)`: the ini's main section first, then
    /// `[tool.alembic]` (with `%(here)s` and friends substituted); None when neither has it.
    #[pyo3(signature = (config_file_name, ini_section, toml_path, toml_args, name))]
    fn alembic_option<'py>(
        &mut self,
        py: Python<'py>,
        config_file_name: Option<String>,
        ini_section: &str,
        toml_path: Option<&str>,
        toml_args: Vec<(String, String)>,
        name: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let config = self
            .alembic_config(config_file_name, ini_section, toml_path, toml_args)
            .map_err(|e| config_error(py, e))?;
        let value = config
            .get_alembic_option(name)
            .map_err(|e| config_error(py, e))?;
        value.map(|v| toml_value_to_py(py, v)).transpose()
    }

    /// `Config.get_alembic_boolean_option(name)`.
    #[pyo3(signature = (config_file_name, ini_section, toml_path, toml_args, name))]
    fn alembic_boolean_option(
        &mut self,
        py: Python<'_>,
        config_file_name: Option<String>,
        ini_section: &str,
        toml_path: Option<&str>,
        toml_args: Vec<(String, String)>,
        name: &str,
    ) -> PyResult<bool> {
        let config = self
            .alembic_config(config_file_name, ini_section, toml_path, toml_args)
            .map_err(|e| config_error(py, e))?;
        config
            .get_alembic_boolean_option(name)
            .map_err(|e| config_error(py, e))
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
fn read_pyproject_alembic<'py>(
    py: Python<'py>,
    path: &str,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    match read_pyproject(path).map_err(|e| config_error(py, e))? {
        Some(table) if !table.is_empty() => Ok(Some(table_to_py(py, &table)?)),
        _ => Ok(None),
    }
}

impl PyIniFile {
    /// The ini and toml as alembic's `Config` sees them; the toml is read once per path.
    fn alembic_config(
        &mut self,
        config_file_name: Option<String>,
        ini_section: &str,
        toml_path: Option<&str>,
        toml_args: Vec<(String, String)>,
    ) -> Result<AlembicConfig, ConfigError> {
        let toml = match toml_path {
            None => None,
            Some(path) => match &self.toml {
                Some((cached, table)) if cached == path => table.clone(),
                _ => {
                    let table = read_pyproject(path)?;
                    self.toml = Some((path.to_owned(), table.clone()));
                    table
                }
            },
        };
        Ok(AlembicConfig::new(
            self.inner.clone(),
            config_file_name,
            ini_section,
            toml,
            toml_args,
        ))
    }
}

/// A resolved option value as the Python value alembic returns.
fn toml_value_to_py(py: Python<'_>, value: TomlValue) -> PyResult<Bound<'_, PyAny>> {
    let pairs = |pairs: Vec<(String, String)>| -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in pairs {
            d.set_item(k, v)?;
        }
        Ok(d)
    };
    Ok(match value {
        TomlValue::Str(s) => s.into_pyobject(py)?.into_any(),
        TomlValue::Int(i) => i.into_pyobject(py)?.into_any(),
        TomlValue::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        TomlValue::List(items) => PyList::new(py, items)?.into_any(),
        TomlValue::Table(items) => pairs(items)?.into_any(),
        TomlValue::Tables(tables) => {
            let list = PyList::empty(py);
            for t in tables {
                list.append(pairs(t)?)?;
            }
            list.into_any()
        }
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_pyproject_alembic, m)?)?;
    m.add_class::<PyIniFile>()?;
    Ok(())
}
