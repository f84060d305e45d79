//! The `[tool.alembic]` table of `pyproject.toml` (alembic 1.16+), and the `%`-substitution
//! alembic applies to its strings (`Config._get_toml_config_value`).

use std::path::Path;

use super::error::ConfigError;
use super::ini::decode_utf8;
use super::pyformat::{FormatError, FormatValue, percent_format};
use super::pytext::py_repr;

/// A `[tool.alembic]` value after alembic's substitution of `%(here)s` and the other
/// `config_args`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TomlValue {
    Str(String),
    /// A TOML integer; booleans are [`TomlValue::Bool`] (alembic returns both unchanged).
    Int(i64),
    Bool(bool),
    List(Vec<String>),
    Table(Vec<(String, String)>),
    /// An array of tables, e.g. `[[tool.alembic.post_write_hooks]]`.
    Tables(Vec<Vec<(String, String)>>),
}

/// Read `pyproject.toml` and return its `[tool.alembic]` table: `None` when the file does
/// not exist, an empty table when it has no such section (alembic treats both as `{}`).
pub fn read_pyproject(path: impl AsRef<Path>) -> Result<Option<toml::Table>, ConfigError> {
    let path = path.as_ref();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ConfigError::Io {
                path: path.to_string_lossy().into_owned(),
                errno: e.raw_os_error().unwrap_or(0),
                message: e.to_string(),
            });
        }
    };
    let text = decode_utf8(&bytes, path)?;
    parse_pyproject(&text, path).map(Some)
}

/// The `[tool.alembic]` table of pyproject text; `path` is only used in errors.
pub fn parse_pyproject(text: &str, path: &Path) -> Result<toml::Table, ConfigError> {
    let doc: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::TomlDecode {
            path: path.to_string_lossy().into_owned(),
            message: e.message().to_string(),
        })?;
    match doc.get("tool") {
        None => Ok(toml::Table::new()),
        Some(toml::Value::Table(tool)) => match tool.get("alembic") {
            None => Ok(toml::Table::new()),
            Some(toml::Value::Table(alembic)) => Ok(alembic.clone()),
            Some(_) => Err(ConfigError::Command("Incorrect TOML format".to_string())),
        },
        Some(_) => Err(ConfigError::Command("Incorrect TOML format".to_string())),
    }
}

/// `value % toml_args` for one string.
fn substitute(value: &str, args: &[(String, String)]) -> Result<String, ConfigError> {
    percent_format(value, |key| {
        args.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| FormatValue::Str(v.clone()))
    })
    .map_err(|e| match e {
        FormatError::Key(key) => ConfigError::TomlKey { key },
        other => ConfigError::TomlFormat {
            message: other.to_string(),
        },
    })
}

fn substitute_item(value: &toml::Value, args: &[(String, String)]) -> Result<String, ConfigError> {
    match value {
        toml::Value::String(s) => substitute(s, args),
        other => Err(ConfigError::TomlFormat {
            message: format!(
                "unsupported operand type(s) for %: '{}' and 'dict'",
                python_type_name(other)
            ),
        }),
    }
}

fn substitute_table(
    table: &toml::Table,
    args: &[(String, String)],
) -> Result<Vec<(String, String)>, ConfigError> {
    table
        .iter()
        .map(|(k, v)| Ok((k.clone(), substitute_item(v, args)?)))
        .collect()
}

fn python_type_name(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => "str",
        toml::Value::Integer(_) => "int",
        toml::Value::Float(_) => "float",
        toml::Value::Boolean(_) => "bool",
        toml::Value::Datetime(_) => "datetime.datetime",
        toml::Value::Array(_) => "list",
        toml::Value::Table(_) => "dict",
    }
}

/// `Config._get_toml_config_value(name)`: the value with `%(here)s` etc. substituted,
/// `None` when the key is absent.
pub fn toml_config_value(
    table: &toml::Table,
    name: &str,
    toml_args: &[(String, String)],
) -> Result<Option<TomlValue>, ConfigError> {
    let Some(value) = table.get(name) else {
        return Ok(None);
    };
    let value = match value {
        toml::Value::String(s) => TomlValue::Str(substitute(s, toml_args)?),
        toml::Value::Array(items) => match items.first() {
            Some(toml::Value::Table(_)) => TomlValue::Tables(
                items
                    .iter()
                    .map(|item| match item {
                        toml::Value::Table(t) => substitute_table(t, toml_args),
                        other => Err(ConfigError::TomlFormat {
                            message: format!(
                                "'{}' object has no attribute 'items'",
                                python_type_name(other)
                            ),
                        }),
                    })
                    .collect::<Result<_, _>>()?,
            ),
            _ => TomlValue::List(
                items
                    .iter()
                    .map(|item| substitute_item(item, toml_args))
                    .collect::<Result<_, _>>()?,
            ),
        },
        toml::Value::Table(t) => TomlValue::Table(substitute_table(t, toml_args)?),
        toml::Value::Integer(i) => TomlValue::Int(*i),
        toml::Value::Boolean(b) => TomlValue::Bool(*b),
        toml::Value::Float(_) | toml::Value::Datetime(_) => {
            return Err(ConfigError::Command(format!(
                "unsupported TOML value type for key: {}",
                py_repr(name)
            )));
        }
    };
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> Vec<(String, String)> {
        vec![("here".to_string(), "/proj".to_string())]
    }

    const PYPROJECT: &str = r#"
[project]
name = "app"

[tool.alembic]
script_location = "%(here)s/alembic"
file_template = "%%(year)d_%%(month).2d_%%(rev)s_%%(slug)s"
prepend_sys_path = ["."]
version_locations = ["%(here)s/alembic/versions", "%(here)s/foo/bar"]
truncate_slug_length = 30
sourceless = false
recursive_version_locations = true
ratio = 1.5
bad_key = "%(nope)s"

[[tool.alembic.post_write_hooks]]
name = "black"
type = "console_scripts"
entrypoint = "black"
options = "-l 79 REVISION_SCRIPT_FILENAME"

[[tool.alembic.post_write_hooks]]
name = "ruff"
type = "module"
module = "ruff"
options = "check --fix %(here)s REVISION_SCRIPT_FILENAME"
"#;

    #[test]
    fn values_are_substituted_like_alembic() {
        let table = parse_pyproject(PYPROJECT, Path::new("pyproject.toml")).unwrap();
        let get = |name: &str| toml_config_value(&table, name, &args());
        assert_eq!(
            get("script_location").unwrap(),
            Some(TomlValue::Str("/proj/alembic".into()))
        );
        assert_eq!(
            get("file_template").unwrap(),
            Some(TomlValue::Str(
                "%(year)d_%(month).2d_%(rev)s_%(slug)s".into()
            ))
        );
        assert_eq!(
            get("version_locations").unwrap(),
            Some(TomlValue::List(vec![
                "/proj/alembic/versions".into(),
                "/proj/foo/bar".into()
            ]))
        );
        assert_eq!(
            get("truncate_slug_length").unwrap(),
            Some(TomlValue::Int(30))
        );
        assert_eq!(get("sourceless").unwrap(), Some(TomlValue::Bool(false)));
        assert_eq!(get("missing").unwrap(), None);
        assert_eq!(
            get("ratio").unwrap_err().to_string(),
            "unsupported TOML value type for key: 'ratio'"
        );
        assert_eq!(get("bad_key").unwrap_err().to_string(), "'nope'");
        let Some(TomlValue::Tables(hooks)) = get("post_write_hooks").unwrap() else {
            panic!("hooks");
        };
        assert_eq!(hooks.len(), 2);
        assert_eq!(
            hooks[1].last().unwrap().1,
            "check --fix /proj REVISION_SCRIPT_FILENAME"
        );
    }

    #[test]
    fn table_shapes() {
        let p = Path::new("pyproject.toml");
        assert!(
            parse_pyproject("[project]\nname='x'\n", p)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            parse_pyproject("[tool]\nalembic = 3\n", p)
                .unwrap_err()
                .to_string(),
            "Incorrect TOML format"
        );
        assert!(matches!(
            parse_pyproject("[tool.alembic\n", p),
            Err(ConfigError::TomlDecode { .. })
        ));
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_pyproject(dir.path().join("pyproject.toml")).unwrap(),
            None
        );
    }
}
