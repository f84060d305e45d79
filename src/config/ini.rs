//! `alembic.ini` parsing with the semantics of Python's `configparser.ConfigParser` as
//! alembic builds it: default options (`=`/`:` delimiters, `#`/`;` full-line comments, no
//! inline comments, strict duplicates, empty lines kept inside values) and
//! `BasicInterpolation` (`%(name)s`, `%%`, at most 10 nested substitutions).

use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::pytext::{is_py_space, posix_path_repr, py_repr, py_rstrip, py_strip};

/// The name of the section whose options every other section inherits.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// Python's `configparser.MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;

type Options = Vec<(String, String)>;

/// A parsed ini file: sections and options in insertion order, as `ConfigParser` holds them.
///
/// Option names are lower-cased (`optionxform`), section names are kept as written.
/// Values are stored raw; [`IniFile::get`] and [`IniFile::items`] interpolate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IniFile {
    defaults: Options,
    sections: Vec<(String, Options)>,
    files_read: Vec<PathBuf>,
}

/// Where the option being read lives while a file is parsed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Defaults,
    Section(usize),
}

/// The option whose (possibly multi-line) value is still being collected.
struct Pending {
    target: Target,
    key: String,
    lines: Vec<String>,
}

fn lookup<'a>(options: &'a Options, key: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn insert(options: &mut Options, key: String, value: String) {
    match options.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => options.push((key, value)),
    }
}

/// `ConfigParser.optionxform`.
fn optionxform(name: &str) -> String {
    name.to_lowercase()
}

impl IniFile {
    /// An empty parser, like `ConfigParser()`.
    pub fn new() -> IniFile {
        IniFile::default()
    }

    /// An empty parser with default options, like `ConfigParser(defaults)`; alembic passes
    /// `here` (the ini file's directory) and the `config_args` given to `Config`.
    pub fn with_defaults(defaults: &[(String, String)]) -> IniFile {
        let mut ini = IniFile::new();
        for (key, value) in defaults {
            insert(&mut ini.defaults, optionxform(key), value.clone());
        }
        ini
    }

    /// Parse ini text; `source_name` appears (as a Python repr) in error messages, like
    /// `ConfigParser.read_string(text, source)`.
    pub fn parse(text: &str, source_name: &str) -> Result<IniFile, ConfigError> {
        let mut ini = IniFile::new();
        ini.read_string(text, source_name)?;
        Ok(ini)
    }

    /// Read a file the way alembic's `Config.file_config` does: a `ConfigParser(defaults)`
    /// that then reads `path`. As in Python, a file that cannot be opened is silently
    /// skipped (check [`IniFile::files_read`]); errors name the file as `PosixPath('...')`.
    pub fn read(
        path: impl AsRef<Path>,
        defaults: &[(String, String)],
    ) -> Result<IniFile, ConfigError> {
        let path = path.as_ref();
        let mut ini = IniFile::with_defaults(defaults);
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(_) => return Ok(ini),
        };
        let text = decode_utf8(&bytes, path)?;
        ini.read_text(&text, &posix_path_repr(&path.to_string_lossy()))?;
        ini.files_read.push(path.to_path_buf());
        Ok(ini)
    }

    /// Add the sections and options of `text` to this parser, like
    /// `ConfigParser.read_string(text, source_name)`.
    pub fn read_string(&mut self, text: &str, source_name: &str) -> Result<(), ConfigError> {
        self.read_text(text, &py_repr(source_name))
    }

    /// The files [`IniFile::read`] managed to open and parse.
    pub fn files_read(&self) -> &[PathBuf] {
        &self.files_read
    }

    /// `RawConfigParser._read`; `source` is the already-formatted repr used in messages.
    fn read_text(&mut self, text: &str, source: &str) -> Result<(), ConfigError> {
        // Text-mode files translate "\r\n" and "\r" to "\n".
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_string()
        };

        let mut sections_added: std::collections::HashSet<String> = Default::default();
        let mut options_added: std::collections::HashSet<(String, String)> = Default::default();
        let mut cursect: Option<(Target, String)> = None;
        let mut pending: Option<Pending> = None;
        let mut indent_level = 0usize;
        let mut errors: Vec<(usize, String)> = Vec::new();

        for (index, line) in text.split_inclusive('\n').enumerate() {
            let lineno = index + 1;
            let stripped = py_strip(line);
            let is_comment = stripped.starts_with('#') || stripped.starts_with(';');
            let value = if is_comment { "" } else { stripped };

            if value.is_empty() {
                // Blank lines belong to the value being read (trailing ones are stripped
                // when the value is joined); comment lines do not.
                if !is_comment
                    && let Some(p) = pending.as_mut()
                    && !p.key.is_empty()
                {
                    p.lines.push(String::new());
                }
                continue;
            }

            let cur_indent_level = line.chars().take_while(|c| is_py_space(*c)).count();
            if let Some(p) = pending.as_mut()
                && !p.key.is_empty()
                && cur_indent_level > indent_level
            {
                p.lines.push(value.to_string());
                continue;
            }
            indent_level = cur_indent_level;

            if let Some(header) = section_header(value) {
                self.flush(pending.take());
                let target = if let Some(i) = self.section_index(header) {
                    if sections_added.contains(header) {
                        return Err(ConfigError::DuplicateSection {
                            section: header.to_string(),
                            source_name: Some(source.to_string()),
                            lineno: Some(lineno),
                        });
                    }
                    sections_added.insert(header.to_string());
                    Target::Section(i)
                } else if header == DEFAULT_SECTION {
                    Target::Defaults
                } else {
                    self.sections.push((header.to_string(), Vec::new()));
                    sections_added.insert(header.to_string());
                    Target::Section(self.sections.len() - 1)
                };
                cursect = Some((target, header.to_string()));
                continue;
            }

            let Some((target, sectname)) = cursect.as_ref() else {
                return Err(ConfigError::MissingSectionHeader {
                    source_name: source.to_string(),
                    lineno,
                    line: line.to_string(),
                });
            };

            let Some(delim) = value.find(['=', ':']) else {
                errors.push((lineno, line.to_string()));
                continue;
            };
            let raw_name = py_rstrip(&value[..delim]);
            if raw_name.is_empty() {
                // Python records the error but still stores the option under "".
                errors.push((lineno, line.to_string()));
            }
            let optname = optionxform(raw_name);
            let key = (sectname.clone(), optname.clone());
            if options_added.contains(&key) {
                return Err(ConfigError::DuplicateOption {
                    section: sectname.clone(),
                    option: optname,
                    source_name: Some(source.to_string()),
                    lineno: Some(lineno),
                });
            }
            options_added.insert(key);
            self.flush(pending.take());
            let optval = py_strip(&value[delim + 1..]).to_string();
            // Register the key now so that it keeps its position in the section.
            self.set_raw(*target, optname.clone(), String::new());
            pending = Some(Pending {
                target: *target,
                key: optname,
                lines: vec![optval],
            });
        }
        self.flush(pending.take());

        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Parsing {
                source_name: source.to_string(),
                errors,
            })
        }
    }

    fn flush(&mut self, pending: Option<Pending>) {
        if let Some(p) = pending {
            let value = py_rstrip(&p.lines.join("\n")).to_string();
            self.set_raw(p.target, p.key, value);
        }
    }

    fn set_raw(&mut self, target: Target, key: String, value: String) {
        match target {
            Target::Defaults => insert(&mut self.defaults, key, value),
            Target::Section(i) => insert(&mut self.sections[i].1, key, value),
        }
    }

    fn section_index(&self, name: &str) -> Option<usize> {
        self.sections.iter().position(|(n, _)| n == name)
    }

    fn section_options(&self, name: &str) -> Option<&Options> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, options)| options)
    }

    /// Section names in file order, without `DEFAULT`.
    pub fn sections(&self) -> Vec<&str> {
        self.sections.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Whether the section exists (`DEFAULT` is not acknowledged, as in Python).
    pub fn has_section(&self, section: &str) -> bool {
        self.section_index(section).is_some()
    }

    /// Whether `option` is in `section` or in the defaults. An empty section name or
    /// `DEFAULT` asks about the defaults only; an unknown section gives `false`.
    pub fn has_option(&self, section: &str, option: &str) -> bool {
        let option = optionxform(option);
        if section.is_empty() || section == DEFAULT_SECTION {
            return lookup(&self.defaults, &option).is_some();
        }
        match self.section_options(section) {
            None => false,
            Some(options) => {
                lookup(options, &option).is_some() || lookup(&self.defaults, &option).is_some()
            }
        }
    }

    /// Option names of a section, its own first, then the defaults it inherits.
    pub fn options(&self, section: &str) -> Result<Vec<String>, ConfigError> {
        let options = self
            .section_options(section)
            .ok_or_else(|| no_section(section))?;
        let mut names: Vec<String> = options.iter().map(|(k, _)| k.clone()).collect();
        for (k, _) in &self.defaults {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
        Ok(names)
    }

    /// The chain `get` looks through: the section's own options, then the defaults.
    fn chain(&self, section: &str) -> Result<(Option<&Options>, &Options), ConfigError> {
        if section == DEFAULT_SECTION {
            return Ok((None, &self.defaults));
        }
        let options = self
            .section_options(section)
            .ok_or_else(|| no_section(section))?;
        Ok((Some(options), &self.defaults))
    }

    /// The raw (uninterpolated) value of an option, looked up in the section then in the
    /// defaults. `Err(NoSection)` for an unknown section, `Ok(None)` for a missing option.
    pub fn get_raw(&self, section: &str, option: &str) -> Result<Option<String>, ConfigError> {
        let (own, defaults) = self.chain(section)?;
        let option = optionxform(option);
        Ok(own
            .and_then(|o| lookup(o, &option))
            .or_else(|| lookup(defaults, &option))
            .map(str::to_string))
    }

    /// `ConfigParser.get(section, option)`: the interpolated value. `Err(NoSection)` for an
    /// unknown section, `Ok(None)` for a missing option, interpolation errors as Python's.
    pub fn get(&self, section: &str, option: &str) -> Result<Option<String>, ConfigError> {
        let (own, defaults) = self.chain(section)?;
        let option = optionxform(option);
        let find = Lookup { own, defaults };
        match find.get(&option) {
            None => Ok(None),
            Some(value) => interpolate(section, &option, value, &find).map(Some),
        }
    }

    /// The defaults merged with the section's options, in Python's order (defaults first,
    /// a key overridden by the section keeps the default's position).
    fn merged(&self, section: &str) -> Result<Options, ConfigError> {
        let mut merged = self.defaults.clone();
        match self.section_options(section) {
            Some(options) => {
                for (k, v) in options {
                    insert(&mut merged, k.clone(), v.clone());
                }
            }
            None if section == DEFAULT_SECTION => {}
            None => return Err(no_section(section)),
        }
        Ok(merged)
    }

    /// `ConfigParser.items(section)`: every option visible in the section, interpolated.
    pub fn items(&self, section: &str) -> Result<Vec<(String, String)>, ConfigError> {
        let merged = self.merged(section)?;
        let find = Lookup {
            own: None,
            defaults: &merged,
        };
        merged
            .iter()
            .map(|(k, v)| Ok((k.clone(), interpolate(section, k, v, &find)?)))
            .collect()
    }

    /// `ConfigParser.items(section, raw=True)`.
    pub fn items_raw(&self, section: &str) -> Result<Vec<(String, String)>, ConfigError> {
        self.merged(section)
    }

    /// `ConfigParser.set`: validates the interpolation syntax of a non-empty value first,
    /// then stores it; an empty section name or `DEFAULT` sets a default.
    pub fn set(&mut self, section: &str, option: &str, value: &str) -> Result<(), ConfigError> {
        if !value.is_empty() {
            validate_interpolation_syntax(value)?;
        }
        let target = if section.is_empty() || section == DEFAULT_SECTION {
            Target::Defaults
        } else {
            Target::Section(
                self.section_index(section)
                    .ok_or_else(|| no_section(section))?,
            )
        };
        self.set_raw(target, optionxform(option), value.to_string());
        Ok(())
    }

    /// Set an option of the `DEFAULT` section.
    pub fn set_default(&mut self, option: &str, value: &str) -> Result<(), ConfigError> {
        self.set(DEFAULT_SECTION, option, value)
    }

    /// The raw default options, in order.
    pub fn defaults(&self) -> &[(String, String)] {
        &self.defaults
    }

    /// `ConfigParser.remove_option`: whether the option existed.
    pub fn remove_option(&mut self, section: &str, option: &str) -> Result<bool, ConfigError> {
        let option = optionxform(option);
        let options = if section.is_empty() || section == DEFAULT_SECTION {
            &mut self.defaults
        } else {
            let i = self
                .section_index(section)
                .ok_or_else(|| no_section(section))?;
            &mut self.sections[i].1
        };
        let before = options.len();
        options.retain(|(k, _)| *k != option);
        Ok(options.len() != before)
    }

    /// `ConfigParser.remove_section`: whether the section existed.
    pub fn remove_section(&mut self, section: &str) -> bool {
        let before = self.sections.len();
        self.sections.retain(|(n, _)| n != section);
        self.sections.len() != before
    }

    /// `ConfigParser.add_section`: `DEFAULT` is refused, an existing name is a
    /// `DuplicateSectionError`.
    pub fn add_section(&mut self, section: &str) -> Result<(), ConfigError> {
        if section == DEFAULT_SECTION {
            return Err(ConfigError::InvalidSectionName {
                section: section.to_string(),
            });
        }
        if self.has_section(section) {
            return Err(ConfigError::DuplicateSection {
                section: section.to_string(),
                source_name: None,
                lineno: None,
            });
        }
        self.sections.push((section.to_string(), Vec::new()));
        Ok(())
    }
}

/// Name resolution for interpolation: a section's own options, then the defaults.
struct Lookup<'a> {
    own: Option<&'a Options>,
    defaults: &'a Options,
}

impl<'a> Lookup<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.own
            .and_then(|o| lookup(o, key))
            .or_else(|| lookup(self.defaults, key))
    }
}

fn no_section(section: &str) -> ConfigError {
    ConfigError::NoSection {
        section: section.to_string(),
    }
}

/// `SECTCRE`: `\[(?P<header>.+)\]` matched at the start of the stripped line; the greedy
/// `.+` runs to the last `]`, and anything after it is ignored.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    if close == 0 {
        return None;
    }
    Some(&rest[..close])
}

/// Decode file bytes as Python's `open(encoding="utf-8")` would, with its error text.
pub(crate) fn decode_utf8(bytes: &[u8], path: &Path) -> Result<String, ConfigError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let pos = e.valid_up_to();
            let byte = bytes[pos];
            let detail = match e.error_len() {
                None if bytes.len() - pos > 1 => {
                    format!(
                        "bytes in position {}-{}: unexpected end of data",
                        pos,
                        bytes.len() - 1
                    )
                }
                None => format!("byte 0x{byte:02x} in position {pos}: unexpected end of data"),
                Some(_) if (0xC2..=0xF4).contains(&byte) => {
                    format!("byte 0x{byte:02x} in position {pos}: invalid continuation byte")
                }
                Some(_) => format!("byte 0x{byte:02x} in position {pos}: invalid start byte"),
            };
            Err(ConfigError::Decode {
                path: path.to_string_lossy().into_owned(),
                detail,
            })
        }
    }
}

/// Match `%\(([^)]+)\)s` at the start of `rest`; returns the name and the match length.
fn match_key(rest: &str) -> Option<(&str, usize)> {
    let inner = rest.strip_prefix("%(")?;
    let close = inner.find(')')?;
    if close == 0 || !inner[close + 1..].starts_with('s') {
        return None;
    }
    Some((&inner[..close], 2 + close + 2))
}

/// `BasicInterpolation.before_set`: reject a `%` that is neither `%%` nor `%(name)s`.
fn validate_interpolation_syntax(value: &str) -> Result<(), ConfigError> {
    let without_escapes = value.replace("%%", "");
    let mut tmp = String::with_capacity(without_escapes.len());
    let mut rest = without_escapes.as_str();
    while let Some(p) = rest.find('%') {
        tmp.push_str(&rest[..p]);
        rest = &rest[p..];
        match match_key(rest) {
            Some((_, len)) => rest = &rest[len..],
            None => {
                tmp.push('%');
                rest = &rest[1..];
            }
        }
    }
    tmp.push_str(rest);
    match tmp.find('%') {
        None => Ok(()),
        Some(byte_pos) => Err(ConfigError::InvalidInterpolationSyntax {
            value: value.to_string(),
            position: tmp[..byte_pos].chars().count(),
        }),
    }
}

/// `BasicInterpolation.before_get` for `option` of `section`, resolving names with `find`.
fn interpolate(
    section: &str,
    option: &str,
    value: &str,
    find: &Lookup<'_>,
) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(value.len());
    interpolate_some(section, option, &mut out, value, find, 1)?;
    Ok(out)
}

fn interpolate_some(
    section: &str,
    option: &str,
    out: &mut String,
    value: &str,
    find: &Lookup<'_>,
    depth: usize,
) -> Result<(), ConfigError> {
    // Python reports the option's raw value, falling back to the text being expanded.
    let rawval = || find.get(option).unwrap_or(value).to_string();
    if depth > MAX_INTERPOLATION_DEPTH {
        return Err(ConfigError::InterpolationDepth {
            option: option.to_string(),
            section: section.to_string(),
            rawval: rawval(),
        });
    }
    let mut rest = value;
    while !rest.is_empty() {
        let Some(p) = rest.find('%') else {
            out.push_str(rest);
            return Ok(());
        };
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        match rest[1..].chars().next() {
            Some('%') => {
                out.push('%');
                rest = &rest[2..];
            }
            Some('(') => {
                let Some((name, len)) = match_key(rest) else {
                    return Err(ConfigError::InterpolationSyntax {
                        option: option.to_string(),
                        section: section.to_string(),
                        message: format!("bad interpolation variable reference {}", py_repr(rest)),
                    });
                };
                let var = optionxform(name);
                rest = &rest[len..];
                let Some(v) = find.get(&var) else {
                    return Err(ConfigError::InterpolationMissingOption {
                        option: option.to_string(),
                        section: section.to_string(),
                        rawval: rawval(),
                        reference: var,
                    });
                };
                if v.contains('%') {
                    interpolate_some(section, option, out, v, find, depth + 1)?;
                } else {
                    out.push_str(v);
                }
            }
            _ => {
                return Err(ConfigError::InterpolationSyntax {
                    option: option.to_string(),
                    section: section.to_string(),
                    message: format!(
                        "'%' must be followed by '%' or '(', found: {}",
                        py_repr(rest)
                    ),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Render a parser the way the generator script rendered Python's: one line per option
    /// visible in each section, `section|key|raw|interpolated` (or `!Class: message`).
    fn dump(ini: &IniFile) -> String {
        let mut lines = Vec::new();
        let mut sections = vec![DEFAULT_SECTION];
        sections.extend(ini.sections());
        for section in sections {
            for (k, raw) in ini.items_raw(section).unwrap() {
                let got = match ini.get(section, &k) {
                    Ok(v) => v.unwrap(),
                    Err(e) => format!("!{}: {e}", short_class(&e)),
                };
                lines.push(format!("{section}|{k}|{raw}|{got}"));
            }
        }
        lines.join("\n")
    }

    fn short_class(e: &ConfigError) -> &'static str {
        let class = e.python_exception();
        class.rsplit('.').next().unwrap()
    }

    // Generated by running CPython 3.11's `ConfigParser({"here": "/h"})` with
    // `read_string(text, "alembic.ini")` on each text.
    const INI_CASES: &[(&str, &str, &str)] = &[
        (
            "basic",
            "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = driver://user:pass@localhost/dbname\n",
            "DEFAULT|here|/h|/h\nalembic|here|/h|/h\nalembic|script_location|%(here)s/migrations|/h/migrations\nalembic|sqlalchemy.url|driver://user:pass@localhost/dbname|driver://user:pass@localhost/dbname",
        ),
        (
            "colon_delim",
            "[s]\nkey: value\nother : x = y\nthird= a:b\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|key|value|value\ns|other|x = y|x = y\ns|third|a:b|a:b",
        ),
        (
            "case_fold",
            "[Section]\nKeY = 1\nMIXED_case = %(KEY)s\n",
            "DEFAULT|here|/h|/h\nSection|here|/h|/h\nSection|key|1|1\nSection|mixed_case|%(KEY)s|1",
        ),
        (
            "comments",
            "# top comment\n; semi\n[s]\n# c\na = 1 # not a comment\n  ; indented comment\nb = 2 ; still value\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|a|1 # not a comment|1 # not a comment\ns|b|2 ; still value|2 ; still value",
        ),
        (
            "continuation",
            "[s]\nk = first\n  second\n\tthird\nj = x\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|first\nsecond\nthird|first\nsecond\nthird\ns|j|x|x",
        ),
        (
            "empty_lines_in_value",
            "[s]\nk = a\n\n  b\n\n\nj = 2\n\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|a\n\nb|a\n\nb\ns|j|2|2",
        ),
        (
            "comment_in_value",
            "[s]\nk = a\n  # c\n  b\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|a\nb|a\nb",
        ),
        (
            "empty_value",
            "[s]\nk =\nj=\n  cont\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k||\ns|j|\ncont|\ncont",
        ),
        (
            "default_section",
            "[DEFAULT]\nbase = /srv\n[a]\npath = %(base)s/a\n[b]\nbase = /other\npath = %(base)s/b\n",
            "DEFAULT|here|/h|/h\nDEFAULT|base|/srv|/srv\na|here|/h|/h\na|base|/srv|/srv\na|path|%(base)s/a|/srv/a\nb|here|/h|/h\nb|base|/other|/other\nb|path|%(base)s/b|/other/b",
        ),
        (
            "percent_escape",
            "[s]\nfmt = 100%%\nmix = %%(here)s and %(here)s\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|fmt|100%%|100%\ns|mix|%%(here)s and %(here)s|%(here)s and /h",
        ),
        (
            "missing_key",
            "[s]\nk = %(nope)s\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|%(nope)s|!InterpolationMissingOptionError: Bad value substitution: option 'k' in section 's' contains an interpolation key 'nope' which is not a valid option name. Raw value: '%(nope)s'",
        ),
        (
            "bad_percent",
            "[s]\nk = 50%\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|50%|!InterpolationSyntaxError: '%' must be followed by '%' or '(', found: '%'",
        ),
        (
            "bad_reference",
            "[s]\nk = %(x)d\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|%(x)d|!InterpolationSyntaxError: bad interpolation variable reference '%(x)d'",
        ),
        (
            "depth",
            "[s]\na = %(b)s\nb = %(a)s\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|a|%(b)s|!InterpolationDepthError: Recursion limit exceeded in value substitution: option 'a' in section 's' contains an interpolation key which cannot be substituted in 10 steps. Raw value: '%(b)s'\ns|b|%(a)s|!InterpolationDepthError: Recursion limit exceeded in value substitution: option 'b' in section 's' contains an interpolation key which cannot be substituted in 10 steps. Raw value: '%(a)s'",
        ),
        (
            "depth_ok",
            "[s]\na1 = %(a2)s\na2 = %(a3)s\na3 = %(a4)s\na4 = %(a5)s\na5 = %(a6)s\na6 = %(a7)s\na7 = %(a8)s\na8 = %(a9)s\na9 = %(a10)s\na10 = %%x\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|a1|%(a2)s|%x\ns|a2|%(a3)s|%x\ns|a3|%(a4)s|%x\ns|a4|%(a5)s|%x\ns|a5|%(a6)s|%x\ns|a6|%(a7)s|%x\ns|a7|%(a8)s|%x\ns|a8|%(a9)s|%x\ns|a9|%(a10)s|%x\ns|a10|%%x|%x",
        ),
        (
            "depth_fail",
            "[s]\na1 = %(a2)s\na2 = %(a3)s\na3 = %(a4)s\na4 = %(a5)s\na5 = %(a6)s\na6 = %(a7)s\na7 = %(a8)s\na8 = %(a9)s\na9 = %(a10)s\na10 = %(a11)s\na11 = %%x\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|a1|%(a2)s|!InterpolationDepthError: Recursion limit exceeded in value substitution: option 'a1' in section 's' contains an interpolation key which cannot be substituted in 10 steps. Raw value: '%(a2)s'\ns|a2|%(a3)s|%x\ns|a3|%(a4)s|%x\ns|a4|%(a5)s|%x\ns|a5|%(a6)s|%x\ns|a6|%(a7)s|%x\ns|a7|%(a8)s|%x\ns|a8|%(a9)s|%x\ns|a9|%(a10)s|%x\ns|a10|%(a11)s|%x\ns|a11|%%x|%x",
        ),
        (
            "dup_section",
            "[alembic]\na = 1\n[alembic]\n",
            "ERR DuplicateSectionError: While reading from 'alembic.ini' [line  3]: section 'alembic' already exists",
        ),
        (
            "dup_option",
            "[s]\na = 1\nA = 2\n",
            "ERR DuplicateOptionError: While reading from 'alembic.ini' [line  3]: option 'a' in section 's' already exists",
        ),
        (
            "dup_default_option",
            "[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n",
            "ERR DuplicateOptionError: While reading from 'alembic.ini' [line  4]: option 'x' in section 'DEFAULT' already exists",
        ),
        (
            "repeated_default_header",
            "[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n",
            "DEFAULT|here|/h|/h\nDEFAULT|x|1|1\nDEFAULT|y|2|2",
        ),
        (
            "no_header",
            "x = 1\n",
            "ERR MissingSectionHeaderError: File contains no section headers.\nfile: 'alembic.ini', line: 1\n'x = 1\\n'",
        ),
        (
            "no_header_after_comment",
            "# c\n\n  x = 1\n",
            "ERR MissingSectionHeaderError: File contains no section headers.\nfile: 'alembic.ini', line: 3\n'  x = 1\\n'",
        ),
        (
            "parse_errors",
            "[s]\nfoo\nbar = 1\n  baz\nqux\n",
            "ERR ParsingError: Source contains parsing errors: 'alembic.ini'\n\t[line  2]: 'foo\\n'\n\t[line  5]: 'qux\\n'",
        ),
        (
            "empty_name",
            "[s]\n= v\n",
            "ERR ParsingError: Source contains parsing errors: 'alembic.ini'\n\t[line  2]: '= v\\n'",
        ),
        (
            "header_trailing",
            "[s] trailing\nk = v\n[a]b]\nj = w\n[ spaced ]\nz = 1\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|v|v\na]b|here|/h|/h\na]b|j|w|w\n spaced |here|/h|/h\n spaced |z|1|1",
        ),
        (
            "indented_header_is_continuation",
            "[s]\nk = v\n  [t]\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|v\n[t]|v\n[t]",
        ),
        (
            "indented_option",
            "[s]\n  k = v\n  j = w\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|v|v\ns|j|w|w",
        ),
        (
            "crlf",
            "[s]\r\nk = v\r\n  w\r\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|v\nw|v\nw",
        ),
        (
            "here_override",
            "[DEFAULT]\nhere = /file\n[s]\nk = %(here)s\n",
            "DEFAULT|here|/file|/file\ns|here|/file|/file\ns|k|%(here)s|/file",
        ),
        (
            "bom",
            "﻿[s]\nk = v\n",
            "ERR MissingSectionHeaderError: File contains no section headers.\nfile: 'alembic.ini', line: 1\n'\\ufeff[s]\\n'",
        ),
        (
            "unicode",
            "[s]\nclé = välue ü\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|clé|välue ü|välue ü",
        ),
        (
            "default_interpolation",
            "[DEFAULT]\nd = %(here)s/d\n[s]\nk = %(d)s/k\n",
            "DEFAULT|here|/h|/h\nDEFAULT|d|%(here)s/d|/h/d\ns|here|/h|/h\ns|d|%(here)s/d|/h/d\ns|k|%(d)s/k|/h/d/k",
        ),
        (
            "option_with_brackets",
            "[s]\n[x] = 1\n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\nx|here|/h|/h",
        ),
        (
            "logging_format",
            "[formatter_generic]\nformat = %(levelname)-5.5s [%(name)s] %(message)s\n",
            "DEFAULT|here|/h|/h\nformatter_generic|here|/h|/h\nformatter_generic|format|%(levelname)-5.5s [%(name)s] %(message)s|!InterpolationSyntaxError: bad interpolation variable reference '%(levelname)-5.5s [%(name)s] %(message)s'",
        ),
        (
            "trailing_ws_in_value",
            "[s]\nk = a   \n   b   \n",
            "DEFAULT|here|/h|/h\ns|here|/h|/h\ns|k|a\nb|a\nb",
        ),
    ];

    #[test]
    fn matches_python_configparser() {
        let defaults = [("here".to_string(), "/h".to_string())];
        for (name, text, want) in INI_CASES {
            let mut ini = IniFile::with_defaults(&defaults);
            let got = match ini.read_string(text, "alembic.ini") {
                Ok(()) => dump(&ini),
                Err(e) => format!("ERR {}: {e}", short_class(&e)),
            };
            assert_eq!(&got, want, "case {name}");
        }
    }

    #[test]
    fn set_validates_like_basic_interpolation() {
        let mut ini = IniFile::parse("[s]\n", "x.ini").unwrap();
        // (value, expected error) from CPython 3.11.
        let cases: &[(&str, Option<&str>)] = &[
            ("plain", None),
            ("%(a)s and %%", None),
            ("", None),
            (
                "a%b%%(c)s",
                Some("invalid interpolation syntax in 'a%b%%(c)s' at position 1"),
            ),
            (
                "%%%d",
                Some("invalid interpolation syntax in '%%%d' at position 0"),
            ),
            (
                "x%(a)d",
                Some("invalid interpolation syntax in 'x%(a)d' at position 1"),
            ),
        ];
        for (value, want) in cases {
            let got = ini.set("s", "k", value).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), *want, "value {value:?}");
        }
        assert_eq!(
            ini.set("nos", "x", "ab").unwrap_err().to_string(),
            "No section: 'nos'"
        );
        // Validation comes before the section check, as in Python.
        assert_eq!(
            ini.set("nos", "x", "5%").unwrap_err().to_string(),
            "invalid interpolation syntax in '5%' at position 1"
        );
    }

    #[test]
    fn api_mirrors_configparser() {
        let mut ini = IniFile::parse("[a]\nK = %(d)s\n[b]\n", "x.ini").unwrap();
        assert_eq!(ini.sections(), vec!["a", "b"]);
        assert!(!ini.has_section(DEFAULT_SECTION));
        assert_eq!(
            ini.get("a", "k").unwrap_err().to_string(),
            "Bad value substitution: option 'k' in section 'a' contains an interpolation key \
             'd' which is not a valid option name. Raw value: '%(d)s'"
        );
        ini.set_default("D", "dv").unwrap();
        assert_eq!(ini.get("a", "K").unwrap().as_deref(), Some("dv"));
        assert_eq!(ini.get_raw("a", "k").unwrap().as_deref(), Some("%(d)s"));
        assert!(ini.has_option("a", "d"));
        assert!(ini.has_option("", "d"));
        assert!(!ini.has_option("zz", "d"));
        assert_eq!(ini.get("b", "missing").unwrap(), None);
        assert_eq!(
            ini.get("zz", "k").unwrap_err().to_string(),
            "No section: 'zz'"
        );
        assert_eq!(
            ini.get(DEFAULT_SECTION, "d").unwrap().as_deref(),
            Some("dv")
        );
        assert_eq!(ini.options("a").unwrap(), vec!["k", "d"]);
        assert_eq!(
            ini.items("a").unwrap(),
            vec![
                ("d".to_string(), "dv".to_string()),
                ("k".to_string(), "dv".to_string())
            ]
        );
        assert_eq!(
            ini.add_section("a").unwrap_err().to_string(),
            "Section 'a' already exists"
        );
        assert_eq!(
            ini.add_section("DEFAULT").unwrap_err().to_string(),
            "Invalid section name: 'DEFAULT'"
        );
        assert!(ini.remove_option("a", "K").unwrap());
        assert!(!ini.remove_option("a", "K").unwrap());
        assert_eq!(
            ini.remove_option("zz", "k").unwrap_err().to_string(),
            "No section: 'zz'"
        );
        ini.add_section("c").unwrap();
        ini.set("c", "x", "1").unwrap();
        assert_eq!(ini.sections(), vec!["a", "b", "c"]);
        assert!(ini.remove_section("b"));
        assert_eq!(ini.sections(), vec!["a", "c"]);
    }

    #[test]
    fn read_names_the_file_like_alembic() {
        // alembic hands configparser a pathlib.Path, so messages show PosixPath('...').
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.ini");
        std::fs::write(&path, "[alembic]\nfoo\n[alembic]\n").unwrap();
        let err = IniFile::read(&path, &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "While reading from PosixPath('{}') [line  3]: section 'alembic' already exists",
                path.display()
            )
        );
        let missing = IniFile::read(dir.path().join("nope.ini"), &[]).unwrap();
        assert!(missing.files_read().is_empty());
        assert!(missing.sections().is_empty());

        std::fs::write(&path, b"[a]\nk = \xff\n").unwrap();
        assert_eq!(
            IniFile::read(&path, &[]).unwrap_err().to_string(),
            "'utf-8' codec can't decode byte 0xff in position 8: invalid start byte"
        );
        let here = [("here".to_string(), "/srv/app".to_string())];
        std::fs::write(&path, "[alembic]\nscript_location = %(here)s/alembic\n").unwrap();
        let ini = IniFile::read(&path, &here).unwrap();
        assert_eq!(ini.files_read(), std::slice::from_ref(&path));
        assert_eq!(
            ini.get("alembic", "script_location").unwrap().as_deref(),
            Some("/srv/app/alembic")
        );
    }
}
