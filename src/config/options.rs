//! alembic's option lookup (`Config.get_alembic_option` and friends: the ini's main
//! section first, then `[tool.alembic]`) and the resolved view `ScriptDirectory.from_config`
//! builds from it.

use super::error::ConfigError;
use super::ini::IniFile;
use super::pyproject::{TomlValue, toml_config_value};
use super::pytext::{is_py_space, py_repr, py_strip};

/// The sources of an alembic configuration, as `alembic.config.Config` holds them.
#[derive(Debug, Clone)]
pub struct AlembicConfig {
    /// The parsed ini (`Config.file_config`); an empty one with the main section when no
    /// file is used.
    pub ini: IniFile,
    /// `Config.config_file_name`, used in the "No config file ... found" message.
    pub config_file_name: Option<String>,
    /// `Config.config_ini_section` (`-n/--name`), `alembic` by default.
    pub ini_section: String,
    /// The `[tool.alembic]` table, empty when there is none.
    pub toml: toml::Table,
    /// `Config.toml_args`: the `config_args` plus `here` (the pyproject's directory).
    pub toml_args: Vec<(String, String)>,
}

/// A resolved `script_location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptLocation {
    /// The value as configured (after interpolation).
    pub raw: String,
    /// `package:dir` form (not absolute and contains `:`): Python resolves it with
    /// `importlib.resources`.
    pub is_package_resource: bool,
}

/// Every `[alembic]` / `[tool.alembic]` setting alembic reads, resolved as
/// `ScriptDirectory.from_config` and `command.revision` do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlembicOptions {
    pub script_location: ScriptLocation,
    /// `get_prepend_sys_paths_list()`; `None` when unset.
    pub prepend_sys_path: Option<Vec<String>>,
    /// `get_version_locations_list()`; `None` means `<script_location>/versions`.
    pub version_locations: Option<Vec<String>>,
    pub file_template: String,
    pub timezone: Option<String>,
    /// `int(truncate_slug_length)` when set; `ScriptDirectory` applies `or 40`.
    pub truncate_slug_length: Option<i64>,
    /// `util.asbool(get_alembic_option("revision_environment"))`.
    pub revision_environment: bool,
    pub sourceless: bool,
    pub output_encoding: String,
    pub recursive_version_locations: bool,
    /// `sqlalchemy.url` of the main ini section, if any.
    pub sqlalchemy_url: Option<String>,
    /// `get_hooks_list()`: each hook's options in order, with `_hook_name` last.
    pub post_write_hooks: Vec<Vec<(String, String)>>,
    /// `DeprecationWarning` texts alembic emits while reading these options.
    pub warnings: Vec<String>,
}

const VERSION_PATH_SEPARATOR_DEPRECATED: &str = "The version_path_separator configuration \
     parameter is deprecated; please use path_separator";

const LEGACY_VERSION_LOCATIONS_SPLIT: &str = "No path_separator found in configuration; \
     falling back to legacy splitting on spaces/commas for version_locations.  Consider \
     adding path_separator=os to Alembic config.";

const LEGACY_PREPEND_SYS_PATH_SPLIT: &str = "No path_separator found in configuration; \
     falling back to legacy splitting on spaces, commas, and colons for prepend_sys_path.  \
     Consider adding path_separator=os to Alembic config.";

/// `re.split(r", *|(?: +)", s)` (and `|\:` when `colon`): empty pieces are kept.
fn legacy_split(s: &str, colon: bool) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ',' | ' ' => {
                while chars.peek() == Some(&' ') {
                    chars.next();
                }
                parts.push(std::mem::take(&mut current));
            }
            ':' if colon => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
}

/// `[x.strip() for x in s.split(sep) if x]`.
fn separator_split(s: &str, sep: &str) -> Vec<String> {
    s.split(sep)
        .filter(|x| !x.is_empty())
        .map(|x| py_strip(x).to_string())
        .collect()
}

/// Python's `int(s)` for a string: surrounding whitespace, a sign, `_` between digits.
pub(crate) fn python_int(s: &str) -> Result<i64, ConfigError> {
    let invalid = || {
        ConfigError::Value(format!(
            "invalid literal for int() with base 10: {}",
            py_repr(s)
        ))
    };
    let t = s.trim_matches(is_py_space);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return Err(invalid());
    }
    let mut value: i64 = 0;
    for c in digits.chars().filter(|c| *c != '_') {
        let d = c.to_digit(10).ok_or_else(invalid)? as i64;
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(d))
            .ok_or_else(invalid)?;
    }
    Ok(if negative { -value } else { value })
}

/// `util.asbool` for a string.
fn asbool(s: &str) -> Result<bool, ConfigError> {
    let v = py_strip(s).to_lowercase();
    match v.as_str() {
        "true" | "yes" | "on" | "y" | "t" | "1" => Ok(true),
        "false" | "no" | "off" | "n" | "f" | "0" => Ok(false),
        _ => Err(ConfigError::Value(format!(
            "String is not true/false: {}",
            py_repr(&v)
        ))),
    }
}

impl AlembicConfig {
    /// A configuration from an ini file (already read, with `here` among its defaults) and
    /// an optional `[tool.alembic]` table with its substitution arguments.
    pub fn new(
        ini: IniFile,
        config_file_name: Option<String>,
        ini_section: impl Into<String>,
        toml: Option<toml::Table>,
        toml_args: Vec<(String, String)>,
    ) -> AlembicConfig {
        AlembicConfig {
            ini,
            config_file_name,
            ini_section: ini_section.into(),
            toml: toml.unwrap_or_default(),
            toml_args,
        }
    }

    /// `Config.get_main_option(name)`: the ini only; errors when the main section is
    /// missing, as alembic does.
    pub fn get_main_option(&self, name: &str) -> Result<Option<String>, ConfigError> {
        if !self.ini.has_section(&self.ini_section) {
            let file = match &self.config_file_name {
                Some(f) => py_repr(f),
                None => "None".to_string(),
            };
            return Err(ConfigError::Command(format!(
                "No config file {file} found, or file has no '[{}]' section",
                self.ini_section
            )));
        }
        if self.ini.has_option(&self.ini_section, name) {
            self.ini.get(&self.ini_section, name)
        } else {
            Ok(None)
        }
    }

    /// `file_config.get(section, name, fallback=None)`.
    fn ini_value(&self, name: &str) -> Result<Option<String>, ConfigError> {
        if !self.ini.has_section(&self.ini_section) {
            return Ok(None);
        }
        self.ini.get(&self.ini_section, name)
    }

    /// `Config.get_alembic_option(name)`: the ini's main section (with `DEFAULT`) first,
    /// then `[tool.alembic]`.
    pub fn get_alembic_option(&self, name: &str) -> Result<Option<TomlValue>, ConfigError> {
        if self.ini.has_option(&self.ini_section, name) {
            return Ok(self.ini.get(&self.ini_section, name)?.map(TomlValue::Str));
        }
        toml_config_value(&self.toml, name, &self.toml_args)
    }

    /// `get_alembic_option` for an option alembic treats as a string.
    fn get_string_option(&self, name: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.get_alembic_option(name)?.map(|v| match v {
            TomlValue::Str(s) => s,
            TomlValue::Int(i) => i.to_string(),
            TomlValue::Bool(b) => if b { "True" } else { "False" }.to_string(),
            other => format!("{other:?}"),
        }))
    }

    /// `Config.get_alembic_boolean_option(name)`: the ini value must be exactly `true`;
    /// a TOML value must be a boolean.
    pub fn get_alembic_boolean_option(&self, name: &str) -> Result<bool, ConfigError> {
        if self.ini.has_option(&self.ini_section, name) {
            return Ok(self.ini.get(&self.ini_section, name)?.as_deref() == Some("true"));
        }
        match self.toml.get(name) {
            None => Ok(false),
            Some(toml::Value::Boolean(b)) => Ok(*b),
            Some(_) => Err(ConfigError::Command(format!(
                "boolean value expected for TOML parameter {}",
                py_repr(name)
            ))),
        }
    }

    /// `Config._get_file_separator_char(*names)`; pushes the deprecation warning for
    /// `version_path_separator`.
    fn separator(
        &self,
        names: &[&str],
        warnings: &mut Vec<String>,
    ) -> Result<Option<&'static str>, ConfigError> {
        for name in names {
            let Some(value) = self.get_main_option(name)? else {
                continue;
            };
            let sep = match value.as_str() {
                "space" => " ",
                "newline" => "\n",
                "os" | ":" => ":",
                ";" => ";",
                _ => {
                    return Err(ConfigError::Value(format!(
                        "'{value}' is not a valid value for {name}; expected 'space', \
                         'newline', 'os', ':', ';'"
                    )));
                }
            };
            if *name == "version_path_separator" {
                warnings.push(VERSION_PATH_SEPARATOR_DEPRECATED.to_string());
            }
            return Ok(Some(sep));
        }
        Ok(None)
    }

    /// A TOML list option (`version_locations`, `prepend_sys_path`).
    fn toml_list(&self, name: &str) -> Result<Option<Vec<String>>, ConfigError> {
        Ok(
            match toml_config_value(&self.toml, name, &self.toml_args)? {
                None => None,
                Some(TomlValue::List(items)) => Some(items),
                Some(TomlValue::Str(s)) => Some(vec![s]),
                Some(_) => {
                    return Err(ConfigError::Command(format!(
                        "unsupported TOML value type for key: {}",
                        py_repr(name)
                    )));
                }
            },
        )
    }

    /// `Config.get_version_locations_list()`, with the deprecation warnings it emits.
    pub fn get_version_locations_list(
        &self,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Vec<String>>, ConfigError> {
        match self.ini_value("version_locations")? {
            Some(value) if !value.is_empty() => {
                match self.separator(&["path_separator", "version_path_separator"], warnings)? {
                    Some(sep) => Ok(Some(separator_split(&value, sep))),
                    None => {
                        warnings.push(LEGACY_VERSION_LOCATIONS_SPLIT.to_string());
                        Ok(Some(legacy_split(&value, false)))
                    }
                }
            }
            _ => self.toml_list("version_locations"),
        }
    }

    /// `Config.get_prepend_sys_paths_list()`, with the deprecation warnings it emits.
    pub fn get_prepend_sys_paths_list(
        &self,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Vec<String>>, ConfigError> {
        match self.ini_value("prepend_sys_path")? {
            Some(value) if !value.is_empty() => {
                match self.separator(&["path_separator"], warnings)? {
                    Some(sep) => Ok(Some(separator_split(&value, sep))),
                    None => {
                        warnings.push(LEGACY_PREPEND_SYS_PATH_SPLIT.to_string());
                        Ok(Some(legacy_split(&value, true)))
                    }
                }
            }
            _ => self.toml_list("prepend_sys_path"),
        }
    }

    /// `Config.get_hooks_list()`: from the ini's `[post_write_hooks]` if present, else from
    /// `[[tool.alembic.post_write_hooks]]`.
    pub fn get_hooks_list(&self) -> Result<Vec<Vec<(String, String)>>, ConfigError> {
        if !self.ini.has_section("post_write_hooks") {
            let tables = match toml_config_value(&self.toml, "post_write_hooks", &self.toml_args)? {
                None => Vec::new(),
                Some(TomlValue::Tables(tables)) => tables,
                Some(TomlValue::List(l)) if l.is_empty() => Vec::new(),
                Some(_) => {
                    return Err(ConfigError::Command(
                        "unsupported TOML value type for key: 'post_write_hooks'".to_string(),
                    ));
                }
            };
            return tables
                .into_iter()
                .map(|mut opts| {
                    let at = opts.iter().position(|(k, _)| k == "name").ok_or_else(|| {
                        ConfigError::TomlKey {
                            key: "name".to_string(),
                        }
                    })?;
                    let (_, name) = opts.remove(at);
                    opts.push(("_hook_name".to_string(), name));
                    Ok(opts)
                })
                .collect();
        }
        let section = self.ini.items("post_write_hooks")?;
        let hooks_value = section
            .iter()
            .find(|(k, _)| k == "hooks")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let mut hooks = Vec::new();
        for name in legacy_split(hooks_value, false) {
            if name.is_empty() {
                continue;
            }
            let prefix = format!("{name}.");
            let mut opts: Vec<(String, String)> = section
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix(&prefix)
                        .map(|rest| (rest.to_string(), v.clone()))
                })
                .collect();
            opts.push(("_hook_name".to_string(), name));
            hooks.push(opts);
        }
        Ok(hooks)
    }
}

impl AlembicOptions {
    /// Resolve every option alembic reads, in the order and with the precedence of
    /// `ScriptDirectory.from_config`.
    pub fn resolve(config: &AlembicConfig) -> Result<AlembicOptions, ConfigError> {
        let raw = config
            .get_string_option("script_location")?
            .ok_or_else(|| {
                ConfigError::Command("No 'script_location' key found in configuration.".to_string())
            })?;
        let truncate_slug_length = match config.get_alembic_option("truncate_slug_length")? {
            None => None,
            Some(TomlValue::Int(i)) => Some(i),
            Some(TomlValue::Bool(b)) => Some(i64::from(b)),
            Some(TomlValue::Str(s)) => Some(python_int(&s)?),
            Some(_) => {
                return Err(ConfigError::Value(
                    "int() argument must be a string, a bytes-like object or a real number"
                        .to_string(),
                ));
            }
        };
        let mut warnings = Vec::new();
        let prepend_sys_path = config.get_prepend_sys_paths_list(&mut warnings)?;
        let recursive_version_locations =
            config.get_alembic_boolean_option("recursive_version_locations")?;
        let file_template = config
            .get_string_option("file_template")?
            .unwrap_or_else(|| "%(rev)s_%(slug)s".to_string());
        let sourceless = config.get_alembic_boolean_option("sourceless")?;
        let output_encoding = config
            .get_string_option("output_encoding")?
            .unwrap_or_else(|| "utf-8".to_string());
        let version_locations = config.get_version_locations_list(&mut warnings)?;
        let timezone = config.get_string_option("timezone")?;
        let post_write_hooks = config.get_hooks_list()?;
        let revision_environment = match config.get_alembic_option("revision_environment")? {
            None => false,
            Some(TomlValue::Str(s)) => asbool(&s)?,
            Some(TomlValue::Bool(b)) => b,
            Some(TomlValue::Int(i)) => i != 0,
            Some(TomlValue::List(l)) => !l.is_empty(),
            Some(TomlValue::Table(t)) => !t.is_empty(),
            Some(TomlValue::Tables(t)) => !t.is_empty(),
        };
        let sqlalchemy_url = config.ini_value("sqlalchemy.url")?;
        Ok(AlembicOptions {
            script_location: ScriptLocation {
                is_package_resource: !raw.starts_with('/') && raw.contains(':'),
                raw,
            },
            prepend_sys_path,
            version_locations,
            file_template,
            timezone,
            truncate_slug_length,
            revision_environment,
            sourceless,
            output_encoding,
            recursive_version_locations,
            sqlalchemy_url,
            post_write_hooks,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::read_pyproject;

    fn to_json(
        result: &Result<AlembicOptions, ConfigError>,
        warnings: &[String],
    ) -> serde_json::Value {
        let mut value = match result {
            Ok(o) => serde_json::json!({
                "script_location": o.script_location.raw,
                "prepend_sys_path": o.prepend_sys_path,
                "version_locations": o.version_locations,
                "file_template": o.file_template,
                "timezone": o.timezone,
                "truncate_slug_length": o.truncate_slug_length,
                "revision_environment": o.revision_environment,
                "sourceless": o.sourceless,
                "output_encoding": o.output_encoding,
                "recursive_version_locations": o.recursive_version_locations,
                "sqlalchemy_url": o.sqlalchemy_url,
                "post_write_hooks": o.post_write_hooks,
            }),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        value["warnings"] = serde_json::json!(warnings);
        value
    }

    // Generated with alembic 1.20.1: `Config(ini, toml_file=..., ini_section=...)` and the
    // calls `ScriptDirectory.from_config` makes, warnings recorded; the temp dir is "HERE".
    const OPTION_CASES: &[(&str, &str, Option<&str>, &str, &str)] = &[
        (
            "ini_basic",
            "[alembic]\nscript_location = %(here)s/alembic\nprepend_sys_path = .\npath_separator = os\nsqlalchemy.url = postgresql://u@h/db\n",
            None,
            "alembic",
            "{\"script_location\": \"HERE/alembic\", \"prepend_sys_path\": [\".\"], \"version_locations\": null, \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": \"postgresql://u@h/db\", \"post_write_hooks\": [], \"warnings\": []}",
        ),
        (
            "seed_ini_version_path_separator",
            "[alembic]\nscript_location = alembic\nprepend_sys_path = .\nversion_path_separator = os\nversion_locations = %(here)s/a:%(here)s/b\n\n[post_write_hooks]\nhooks = black\nblack.type = console_scripts\nblack.entrypoint = black\nblack.options = -q\n",
            None,
            "alembic",
            "{\"script_location\": \"alembic\", \"prepend_sys_path\": [\".\"], \"version_locations\": [\"HERE/a\", \"HERE/b\"], \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [[[\"type\", \"console_scripts\"], [\"entrypoint\", \"black\"], [\"options\", \"-q\"], [\"_hook_name\", \"black\"]]], \"warnings\": [\"No path_separator found in configuration; falling back to legacy splitting on spaces, commas, and colons for prepend_sys_path.  Consider adding path_separator=os to Alembic config.\", \"The version_path_separator configuration parameter is deprecated; please use path_separator\"]}",
        ),
        (
            "legacy_split",
            "[alembic]\nscript_location = alembic\nprepend_sys_path = .:lib, src  other\nversion_locations = a, b  c,,d\n",
            None,
            "alembic",
            "{\"script_location\": \"alembic\", \"prepend_sys_path\": [\".\", \"lib\", \"src\", \"other\"], \"version_locations\": [\"a\", \"b\", \"c\", \"\", \"d\"], \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": [\"No path_separator found in configuration; falling back to legacy splitting on spaces, commas, and colons for prepend_sys_path.  Consider adding path_separator=os to Alembic config.\", \"No path_separator found in configuration; falling back to legacy splitting on spaces/commas for version_locations.  Consider adding path_separator=os to Alembic config.\"]}",
        ),
        (
            "newline_sep",
            "[alembic]\nscript_location = alembic\npath_separator = newline\nversion_locations =\n    %(here)s/one\n    %(here)s/two\n",
            None,
            "alembic",
            "{\"script_location\": \"alembic\", \"prepend_sys_path\": null, \"version_locations\": [\"HERE/one\", \"HERE/two\"], \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": []}",
        ),
        (
            "space_sep",
            "[alembic]\nscript_location = alembic\npath_separator = space\nversion_locations = a  b c\n",
            None,
            "alembic",
            "{\"script_location\": \"alembic\", \"prepend_sys_path\": null, \"version_locations\": [\"a\", \"b\", \"c\"], \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": []}",
        ),
        (
            "bad_sep",
            "[alembic]\nscript_location = alembic\npath_separator = comma\nversion_locations = a,b\n",
            None,
            "alembic",
            "{\"error\": \"'comma' is not a valid value for path_separator; expected 'space', 'newline', 'os', ':', ';'\", \"warnings\": []}",
        ),
        (
            "bool_and_ints",
            "[alembic]\nscript_location = alembic\nsourceless = True\nrecursive_version_locations = true\ntruncate_slug_length =  1_0 \nrevision_environment = Yes\ntimezone = UTC\nfile_template = %%(year)d_%%(rev)s\noutput_encoding = latin-1\n",
            None,
            "alembic",
            "{\"script_location\": \"alembic\", \"prepend_sys_path\": null, \"version_locations\": null, \"file_template\": \"%(year)d_%(rev)s\", \"timezone\": \"UTC\", \"truncate_slug_length\": 10, \"revision_environment\": true, \"sourceless\": false, \"output_encoding\": \"latin-1\", \"recursive_version_locations\": true, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": []}",
        ),
        (
            "bad_int",
            "[alembic]\nscript_location = alembic\ntruncate_slug_length = ten\n",
            None,
            "alembic",
            "{\"error\": \"invalid literal for int() with base 10: 'ten'\", \"warnings\": []}",
        ),
        (
            "bad_asbool",
            "[alembic]\nscript_location = alembic\nrevision_environment = maybe\n",
            None,
            "alembic",
            "{\"error\": \"String is not true/false: 'maybe'\", \"warnings\": []}",
        ),
        (
            "no_script_location",
            "[alembic]\nsqlalchemy.url = x\n",
            None,
            "alembic",
            "{\"error\": \"No 'script_location' key found in configuration.\", \"warnings\": []}",
        ),
        (
            "toml_only",
            "[loggers]\nkeys = root\n",
            Some(
                "[tool.alembic]\nscript_location = \"%(here)s/migrations\"\nprepend_sys_path = [\".\"]\nversion_locations = [\"%(here)s/v1\", \"%(here)s/v2\"]\ntruncate_slug_length = 30\nsourceless = true\nrevision_environment = true\nfile_template = \"%%(rev)s_%%(slug)s_x\"\n\n[[tool.alembic.post_write_hooks]]\nname = \"ruff\"\ntype = \"module\"\nmodule = \"ruff\"\noptions = \"check --fix REVISION_SCRIPT_FILENAME\"\n",
            ),
            "alembic",
            "{\"script_location\": \"HERE/migrations\", \"prepend_sys_path\": [\".\"], \"version_locations\": [\"HERE/v1\", \"HERE/v2\"], \"file_template\": \"%(rev)s_%(slug)s_x\", \"timezone\": null, \"truncate_slug_length\": 30, \"revision_environment\": true, \"sourceless\": true, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [[[\"type\", \"module\"], [\"module\", \"ruff\"], [\"options\", \"check --fix REVISION_SCRIPT_FILENAME\"], [\"_hook_name\", \"ruff\"]]], \"warnings\": []}",
        ),
        (
            "ini_overrides_toml",
            "[alembic]\nscript_location = from_ini\n",
            Some("[tool.alembic]\nscript_location = \"from_toml\"\ntimezone = \"Europe/Paris\"\n"),
            "alembic",
            "{\"script_location\": \"from_ini\", \"prepend_sys_path\": null, \"version_locations\": null, \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": \"Europe/Paris\", \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": []}",
        ),
        (
            "toml_bool_type_error",
            "[alembic]\n",
            Some("[tool.alembic]\nscript_location = \"x\"\nsourceless = \"true\"\n"),
            "alembic",
            "{\"error\": \"boolean value expected for TOML parameter 'sourceless'\", \"warnings\": []}",
        ),
        (
            "default_section_counts",
            "[DEFAULT]\nscript_location = from_default\n[alembic]\n",
            Some("[tool.alembic]\nscript_location = \"from_toml\"\n"),
            "alembic",
            "{\"script_location\": \"from_default\", \"prepend_sys_path\": null, \"version_locations\": null, \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": []}",
        ),
        (
            "other_section_name",
            "[custom]\nscript_location = custom_loc\n[alembic]\nscript_location = main\n",
            None,
            "custom",
            "{\"script_location\": \"custom_loc\", \"prepend_sys_path\": null, \"version_locations\": null, \"file_template\": \"%(rev)s_%(slug)s\", \"timezone\": null, \"truncate_slug_length\": null, \"revision_environment\": false, \"sourceless\": false, \"output_encoding\": \"utf-8\", \"recursive_version_locations\": false, \"sqlalchemy_url\": null, \"post_write_hooks\": [], \"warnings\": []}",
        ),
    ];

    #[test]
    fn resolves_like_alembic() {
        for (name, ini_text, toml_text, section, want) in OPTION_CASES {
            let dir = tempfile::tempdir().unwrap();
            let here = dir.path().display().to_string();
            let ini_path = dir.path().join("alembic.ini");
            std::fs::write(&ini_path, ini_text).unwrap();
            let here_args = vec![("here".to_string(), here.clone())];
            let ini = IniFile::read(&ini_path, &here_args).unwrap();
            let toml = match toml_text {
                Some(text) => {
                    let path = dir.path().join("pyproject.toml");
                    std::fs::write(&path, text).unwrap();
                    read_pyproject(&path).unwrap()
                }
                None => None,
            };
            let config = AlembicConfig::new(
                ini,
                Some(ini_path.display().to_string()),
                *section,
                toml,
                here_args,
            );
            let result = AlembicOptions::resolve(&config);
            let warnings = result
                .as_ref()
                .map(|o| o.warnings.clone())
                .unwrap_or_default();
            let got = to_json(&result, &warnings)
                .to_string()
                .replace(&here, "HERE");
            let got: serde_json::Value = serde_json::from_str(&got).unwrap();
            let want: serde_json::Value = serde_json::from_str(want).unwrap();
            assert_eq!(got, want, "case {name}");
        }
    }

    #[test]
    fn package_resource_locations() {
        let mut ini = IniFile::new();
        ini.add_section("alembic").unwrap();
        ini.set("alembic", "script_location", "myapp:migrations")
            .unwrap();
        let config = AlembicConfig::new(ini, None, "alembic", None, Vec::new());
        let options = AlembicOptions::resolve(&config).unwrap();
        assert!(options.script_location.is_package_resource);
        let empty = AlembicConfig::new(IniFile::new(), None, "alembic", None, Vec::new());
        assert_eq!(
            empty.get_main_option("x").unwrap_err().to_string(),
            "No config file None found, or file has no '[alembic]' section"
        );
    }

    #[test]
    fn python_int_and_splits() {
        assert_eq!(python_int(" +1_000 ").unwrap(), 1000);
        assert_eq!(python_int("-7").unwrap(), -7);
        assert!(python_int("1__0").is_err());
        assert!(python_int("_1").is_err());
        assert_eq!(legacy_split("a, b  c,,d", false), ["a", "b", "c", "", "d"]);
        assert_eq!(legacy_split(" a", false), ["", "a"]);
        assert_eq!(separator_split("a: :b", ":"), ["a", "", "b"]);
    }
}
