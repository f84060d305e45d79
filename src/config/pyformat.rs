//! Python's printf-style `template % mapping` for string and integer values: what alembic
//! applies to `file_template` and to every `[tool.alembic]` string.

use super::pytext::py_repr;

/// A value offered to a `%(name)...` specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatValue {
    Str(String),
    Int(i64),
}

/// The exception `template % mapping` raises, with Python's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// `KeyError`: the mapping has no such key; `str()` of a KeyError is the key's repr.
    #[error("{}", py_repr(.0))]
    Key(String),
    /// `ValueError`, e.g. "incomplete format".
    #[error("{0}")]
    Value(String),
    /// `TypeError`, e.g. "%d format: a real number is required, not str".
    #[error("{0}")]
    Type(String),
}

impl FormatError {
    /// The Python exception class.
    pub fn python_exception(&self) -> &'static str {
        match self {
            FormatError::Key(_) => "KeyError",
            FormatError::Value(_) => "ValueError",
            FormatError::Type(_) => "TypeError",
        }
    }
}

#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// `template % mapping`, looking names up with `lookup`.
///
/// Specifiers without a `(name)` are rejected with "not enough arguments for format
/// string" (Python would format the whole mapping for a lone `%s`).
pub fn percent_format(
    template: &str,
    lookup: impl Fn(&str) -> Option<FormatValue>,
) -> Result<String, FormatError> {
    let chars: Vec<char> = template.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(template.len());
    let mut i = 0;
    let incomplete = || FormatError::Value("incomplete format".to_string());
    while i < n {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= n {
            return Err(incomplete());
        }
        if chars[i] == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut value = None;
        if chars[i] == '(' {
            let key_start = i + 1;
            let mut depth = 1;
            while depth > 0 {
                i += 1;
                if i >= n {
                    return Err(FormatError::Value("incomplete format key".to_string()));
                }
                match chars[i] {
                    ')' => depth -= 1,
                    '(' => depth += 1,
                    _ => {}
                }
            }
            let key: String = chars[key_start..i].iter().collect();
            i += 1;
            value = Some(lookup(&key).ok_or(FormatError::Key(key))?);
        }
        let mut spec = Spec::default();
        while i < n {
            match chars[i] {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        if i < n && chars[i] == '*' {
            return Err(FormatError::Type("* wants int".to_string()));
        }
        while i < n && chars[i].is_ascii_digit() {
            spec.width = spec.width * 10 + chars[i].to_digit(10).unwrap_or(0) as usize;
            i += 1;
        }
        if i < n && chars[i] == '.' {
            i += 1;
            if i < n && chars[i] == '*' {
                return Err(FormatError::Type("* wants int".to_string()));
            }
            let mut p = 0;
            while i < n && chars[i].is_ascii_digit() {
                p = p * 10 + chars[i].to_digit(10).unwrap_or(0) as usize;
                i += 1;
            }
            spec.precision = Some(p);
        }
        while i < n && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        if i >= n {
            return Err(incomplete());
        }
        let conv = chars[i];
        let conv_index = i;
        i += 1;
        let Some(value) = value else {
            if !"sradiuxXoeEfFgGc".contains(conv) {
                return Err(unsupported(conv, conv_index));
            }
            return Err(FormatError::Type(
                "not enough arguments for format string".to_string(),
            ));
        };
        out.push_str(&format_one(conv, conv_index, &spec, &value)?);
    }
    Ok(out)
}

fn format_one(
    conv: char,
    index: usize,
    spec: &Spec,
    value: &FormatValue,
) -> Result<String, FormatError> {
    match conv {
        's' | 'r' | 'a' => {
            let text = match (conv, value) {
                (_, FormatValue::Int(v)) => v.to_string(),
                ('s', FormatValue::Str(s)) => s.clone(),
                ('r', FormatValue::Str(s)) => py_repr(s),
                (_, FormatValue::Str(s)) => ascii_repr(s),
            };
            let text: String = match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            Ok(pad(String::new(), text, spec, false))
        }
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
            let FormatValue::Int(v) = value else {
                let need = if matches!(conv, 'x' | 'X' | 'o') {
                    "an integer"
                } else {
                    "a real number"
                };
                return Err(FormatError::Type(format!(
                    "%{conv} format: {need} is required, not str"
                )));
            };
            let magnitude = v.unsigned_abs();
            let (mut digits, prefix) = match conv {
                'x' => (format!("{magnitude:x}"), "0x"),
                'X' => (format!("{magnitude:X}"), "0X"),
                'o' => (format!("{magnitude:o}"), "0o"),
                _ => (magnitude.to_string(), ""),
            };
            if let Some(p) = spec.precision
                && digits.len() < p
            {
                digits = format!("{}{digits}", "0".repeat(p - digits.len()));
            }
            let mut head = sign(*v < 0, spec).to_string();
            if spec.alt {
                head.push_str(prefix);
            }
            Ok(pad(head, digits, spec, true))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let FormatValue::Int(v) = value else {
                return Err(FormatError::Type(
                    "must be real number, not str".to_string(),
                ));
            };
            let x = *v as f64;
            let body = format_float(x.abs(), conv, spec.precision.unwrap_or(6), spec.alt);
            Ok(pad(sign(x < 0.0, spec).to_string(), body, spec, true))
        }
        'c' => {
            let c =
                match value {
                    FormatValue::Int(v) => u32::try_from(*v)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            FormatError::Value("%c arg not in range(0x110000)".to_string())
                        })?,
                    FormatValue::Str(s) if s.chars().count() == 1 => {
                        s.chars().next().unwrap_or_default()
                    }
                    FormatValue::Str(_) => {
                        return Err(FormatError::Type("%c requires int or char".to_string()));
                    }
                };
            Ok(pad(String::new(), c.to_string(), spec, false))
        }
        other => Err(unsupported(other, index)),
    }
}

fn unsupported(conv: char, index: usize) -> FormatError {
    let code = conv as u32;
    let shown = if (32..=126).contains(&code) {
        conv
    } else {
        '?'
    };
    FormatError::Value(format!(
        "unsupported format character '{shown}' (0x{code:x}) at index {index}"
    ))
}

fn sign(negative: bool, spec: &Spec) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

/// Pad `head + body` to the width: left-justified, zero-filled after the head (numbers),
/// or right-justified with spaces.
fn pad(head: String, body: String, spec: &Spec, numeric: bool) -> String {
    let len = head.chars().count() + body.chars().count();
    if len >= spec.width {
        return head + &body;
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{head}{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        format!("{head}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{head}{body}", " ".repeat(fill))
    }
}

/// `ascii(s)`: the repr with every non-ASCII character escaped.
fn ascii_repr(s: &str) -> String {
    py_repr(s)
        .chars()
        .map(|c| match c as u32 {
            0..=0x7f => c.to_string(),
            u @ 0x80..=0xff => format!("\\x{u:02x}"),
            u @ 0x100..=0xffff => format!("\\u{u:04x}"),
            u => format!("\\U{u:08x}"),
        })
        .collect()
}

/// Exponent notation the way Python writes it: `2.024000e+03`.
fn exp_notation(x: f64, precision: usize, upper: bool) -> String {
    let rust = format!("{x:.precision$e}");
    let (mantissa, exp) = rust.split_once('e').unwrap_or((&rust, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    let e = if upper { 'E' } else { 'e' };
    format!("{mantissa}{e}{sign}{:02}", exp.abs())
}

fn format_float(x: f64, conv: char, precision: usize, alt: bool) -> String {
    let upper = conv.is_ascii_uppercase();
    match conv.to_ascii_lowercase() {
        'f' => {
            let s = format!("{x:.precision$}");
            if alt && precision == 0 { s + "." } else { s }
        }
        'e' => {
            let s = exp_notation(x, precision, upper);
            if alt && precision == 0 {
                s.replacen(
                    if upper { 'E' } else { 'e' },
                    if upper { ".E" } else { ".e" },
                    1,
                )
            } else {
                s
            }
        }
        _ => {
            // %g: exponent notation when the exponent is < -4 or >= precision.
            let p = precision.max(1);
            let probe = exp_notation(x, p - 1, false);
            let exp: i32 = probe
                .split_once('e')
                .and_then(|(_, e)| e.parse().ok())
                .unwrap_or(0);
            let mut s = if exp < -4 || exp >= p as i32 {
                exp_notation(x, p - 1, upper)
            } else {
                let decimals = (p as i32 - 1 - exp).max(0) as usize;
                format!("{x:.decimals$}")
            };
            if !alt {
                let (number, exponent) = match s.find(['e', 'E']) {
                    Some(at) => (s[..at].to_string(), s[at..].to_string()),
                    None => (s.clone(), String::new()),
                };
                let number = if number.contains('.') {
                    number
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                        .to_string()
                } else {
                    number
                };
                s = number + &exponent;
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(key: &str) -> Option<FormatValue> {
        let v = match key {
            "a" => FormatValue::Int(5),
            "n" => FormatValue::Int(-42),
            "y" => FormatValue::Int(2024),
            "s" => FormatValue::Str("ab".into()),
            "u" => FormatValue::Str("é".into()),
            _ => return None,
        };
        Some(v)
    }

    #[test]
    fn matches_python_percent_format() {
        // Expected values from CPython 3.11: `template % {'a': 5, 'n': -42, 's': 'ab',
        // 'y': 2024, 'u': 'é'}`; errors as "Class: message".
        let cases: &[(&str, &str)] = &[
            (
                "%5%",
                "ValueError: unsupported format character '%' (0x25) at index 2",
            ),
            (
                "%(s)s%s",
                "TypeError: not enough arguments for format string",
            ),
            ("%(a)05.3d", "00005"),
            ("%(n)05d", "-0042"),
            ("%(n)+d", "-42"),
            ("%(a)+05d", "+0005"),
            ("%(a)#o", "0o5"),
            ("%(n)x", "-2a"),
            ("%(a)-05d|", "5    |"),
            ("%(s)05s", "   ab"),
            ("%(y).3e", "2.024e+03"),
            ("%(y)g", "2024"),
            ("%(y).2g", "2e+03"),
            ("%(a)#.3g", "5.00"),
            ("%(y)G", "2024"),
            ("%(y)10.2f|", "   2024.00|"),
            ("%(n)010.2f", "-000042.00"),
            ("%(u)a", "'\\xe9'"),
            ("%(s)c", "TypeError: %c requires int or char"),
            ("%(u)c", "é"),
            ("%(a)c", "\u{5}"),
            ("%(a)hd", "5"),
            ("%(a)l", "ValueError: incomplete format"),
            (
                "%(a)\u{1}",
                "ValueError: unsupported format character '?' (0x1) at index 4",
            ),
            (
                "%(a)é",
                "ValueError: unsupported format character '?' (0xe9) at index 4",
            ),
            (
                "%(s)d",
                "TypeError: %d format: a real number is required, not str",
            ),
            (
                "%(s)i",
                "TypeError: %i format: a real number is required, not str",
            ),
            (
                "%(s)x",
                "TypeError: %x format: an integer is required, not str",
            ),
            ("%(s)f", "TypeError: must be real number, not str"),
            ("%(s)5.1r", "    '"),
            (
                "%(a)%",
                "ValueError: unsupported format character '%' (0x25) at index 4",
            ),
            ("%(foo)s", "KeyError: 'foo'"),
            ("%(a)*d", "TypeError: * wants int"),
            ("%(a", "ValueError: incomplete format key"),
            ("%", "ValueError: incomplete format"),
            ("%(a)", "ValueError: incomplete format"),
            ("100%%", "100%"),
            (
                "%(y)x|%(y)X|%(y)#x|%(y)e|%(y)f|%(y).1f|%(y)r|%(s)r",
                "7e8|7E8|0x7e8|2.024000e+03|2024.000000|2024.0|2024|'ab'",
            ),
        ];
        for (template, want) in cases {
            let got = match percent_format(template, lookup) {
                Ok(s) => s,
                Err(e) => format!("{}: {e}", e.python_exception()),
            };
            assert_eq!(&got, want, "template {template:?}");
        }
    }
}
