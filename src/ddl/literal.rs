//! Literal values and plain SQL text, as SQLAlchemy renders them with `literal_binds`.

use super::Dialect;
use crate::ops::Literal;

/// A string literal: single quotes doubled, and backslashes too where the dialect says
/// backslashes escape (`_backslash_escapes`).
pub fn string(value: &str, backslash_escapes: bool) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if backslash_escapes => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A boolean literal: SQLite has no boolean keywords.
pub fn boolean(dialect: Dialect, value: bool) -> &'static str {
    match (dialect, value) {
        (Dialect::Sqlite, true) => "1",
        (Dialect::Sqlite, false) => "0",
        (_, true) => "true",
        (_, false) => "false",
    }
}

/// Any `bulk_insert` value.
pub fn literal(dialect: Dialect, value: &Literal, backslash_escapes: bool) -> String {
    match value {
        Literal::Null => "NULL".to_string(),
        Literal::Bool(b) => boolean(dialect, *b).to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::String(s) => string(s, backslash_escapes),
        Literal::Raw(sql) => sql.clone(),
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A plain string given to `op.execute`, treated as SQLAlchemy treats `text()` compiled with
/// literal binds and no values: `:name` becomes `NULL`, `\:name` becomes `:name`.
pub fn plain_text(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ':' {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let mut end = i + 1;
            while end < chars.len() && is_word(chars[end]) {
                end += 1;
            }
            let has_name = end > i + 1;
            let next_ok = end >= chars.len() || !(chars[end] == ':' || is_word(chars[end]));
            match prev {
                // `\:name` (or `\:`) is an escaped colon: the backslash goes.
                Some('\\') if next_ok => {
                    out.pop();
                    out.extend(&chars[i..end]);
                    i = end;
                    continue;
                }
                Some(p) if p == ':' || p == '\\' || is_word(p) => {}
                _ if has_name && next_ok => {
                    out.push_str("NULL");
                    i = end;
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslashes_double_where_they_escape() {
        assert_eq!(string("a'b\\c", false), "'a''b\\c'");
        assert_eq!(string("a'b\\c", true), "'a''b\\\\c'");
    }

    #[test]
    fn text_binds() {
        let cases = [
            ("SELECT :y", "SELECT NULL"),
            ("SELECT \\:x", "SELECT :x"),
            ("SELECT a::int", "SELECT a::int"),
            ("SELECT '12:30'", "SELECT '12:30'"),
            ("x = :a, :b", "x = NULL, NULL"),
            ("SELECT : x", "SELECT : x"),
        ];
        for (raw, want) in cases {
            assert_eq!(plain_text(raw), want, "{raw}");
        }
    }
}
