//! Small pieces of Python's `str` behaviour that error messages and parsing depend on:
//! `str.isspace`, `str.strip`, `repr(str)` and the repr of a `pathlib.PosixPath`.

/// Python's `str.isspace` for one character (what `\s` and `str.strip()` use).
///
/// Rust's `char::is_whitespace` is Unicode White_Space; Python also counts the
/// information separators U+001C..U+001F.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `s.strip()` with no arguments.
pub(crate) fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `s.rstrip()` with no arguments.
pub(crate) fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(is_py_space)
}

/// Approximates Python's `str.isprintable` for one character.
///
/// Python escapes characters of the categories Cc, Cf, Co, Cs, Cn, Zl, Zp and Zs (except
/// the ASCII space) in `repr`. Without Unicode tables we cover the control, separator,
/// format and private-use characters; unassigned code points are treated as printable.
fn is_py_printable(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() {
        return false;
    }
    let non_printable = matches!(
        u,
        0xA0 | 0xAD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x1680
            | 0x180E
            | 0x2000..=0x200F
            | 0x2028..=0x202F
            | 0x205F..=0x2064
            | 0x2066..=0x206F
            | 0x3000
            | 0xD800..=0xF8FF
            | 0xFDD0..=0xFDEF
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xF0000..=0x10FFFF
    );
    // U+xFFFE and U+xFFFF are non-characters in every plane.
    !non_printable && (u & 0xFFFE) != 0xFFFE
}

/// Python's `repr()` of a `str`.
pub(crate) fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x7f && c >= ' ' => out.push(c),
            c if (c as u32) < 0x100 && !is_py_printable(c) || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_py_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// The `str()` of `pathlib.PurePosixPath(p)`: repeated slashes collapsed, `.` parts
/// dropped, no trailing slash; `..` kept.
pub(crate) fn posix_path_str(p: &str) -> String {
    let (root, rest) = if p.starts_with("//") && !p.starts_with("///") {
        ("//", &p[2..])
    } else if p.starts_with('/') {
        ("/", p.trim_start_matches('/'))
    } else {
        ("", p)
    };
    let parts: Vec<&str> = rest
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if root.is_empty() && parts.is_empty() {
        return ".".to_string();
    }
    format!("{root}{}", parts.join("/"))
}

/// The `repr()` of `pathlib.Path(p)` on POSIX: `PosixPath('a.ini')`.
pub(crate) fn posix_path_repr(p: &str) -> String {
    format!("PosixPath({})", py_repr(&posix_path_str(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        // Expected values from CPython 3.11 `repr(...)`.
        let cases: &[(&str, &str)] = &[
            ("abc", "'abc'"),
            ("x = 1\n", "'x = 1\\n'"),
            ("it's", "\"it's\""),
            ("it's \"q\"", "'it\\'s \"q\"'"),
            ("tab\there", "'tab\\there'"),
            ("back\\slash", "'back\\\\slash'"),
            ("\u{7}\u{7f}\u{a0}", "'\\x07\\x7f\\xa0'"),
            ("é ü 中", "'é ü 中'"),
            ("\u{feff}[a]", "'\\ufeff[a]'"),
            ("\u{2028}", "'\\u2028'"),
            ("\r", "'\\r'"),
        ];
        for (input, want) in cases {
            assert_eq!(&py_repr(input), want, "repr of {input:?}");
        }
    }

    #[test]
    fn strip_uses_python_whitespace() {
        assert_eq!(py_strip("\u{1c} a \u{3000}\n"), "a");
        assert_eq!(py_rstrip("  a \t"), "  a");
        assert_eq!(py_strip("\u{feff}a"), "\u{feff}a");
    }

    #[test]
    fn posix_paths() {
        let cases = [
            ("alembic.ini", "alembic.ini"),
            ("./alembic.ini", "alembic.ini"),
            ("a//b/./c.ini", "a/b/c.ini"),
            ("/x/../y/", "/x/../y"),
            ("//net/x", "//net/x"),
            ("///x", "/x"),
            ("", "."),
            (".", "."),
        ];
        for (input, want) in cases {
            assert_eq!(posix_path_str(input), want, "{input:?}");
        }
        assert_eq!(posix_path_repr("a.ini"), "PosixPath('a.ini')");
    }
}
