//! Small helpers over SQL text the catalogs give back.

/// The index of the `)` that closes the `(` at `open`, honouring quoted strings and
/// identifiers (as SQLAlchemy's `find_matching_paren`).
pub fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == q {
                    // a doubled quote stays inside the string
                    if bytes.get(i + 1) == Some(&q) {
                        i += 1;
                    } else {
                        quote = None;
                    }
                }
            }
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Remove one layer of parentheses when they wrap the whole (trimmed) text, as
/// SQLAlchemy's `strip_outer_parens`.
pub fn strip_outer_parens(text: &str) -> &str {
    let stripped = text.trim();
    if stripped.len() < 2 || !stripped.starts_with('(') || !stripped.ends_with(')') {
        return text;
    }
    match matching_paren(stripped, 0) {
        Some(close) if close == stripped.len() - 1 => &stripped[1..close],
        _ => text,
    }
}

/// Split `a, 'b,c', d` on the commas outside quotes and parentheses; items trimmed.
pub fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == q {
                    if chars.peek() == Some(&q) {
                        current.push(chars.next().unwrap_or(q));
                    } else {
                        quote = None;
                    }
                } else if c == '\\'
                    && q == '\''
                    && let Some(next) = chars.next()
                {
                    current.push(next);
                }
            }
            None => match c {
                '\'' | '"' | '`' => {
                    quote = Some(c);
                    current.push(c);
                }
                '(' => {
                    depth += 1;
                    current.push(c);
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    current.push(c);
                }
                ',' if depth == 0 => out.push(std::mem::take(&mut current).trim().to_string()),
                _ => current.push(c),
            },
        }
    }
    if !current.trim().is_empty() || !out.is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// A string literal with its quotes removed and doubled quotes (and, for MySQL,
/// backslash escapes) undone.
pub fn unquote_string(text: &str) -> String {
    let inner = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// An identifier with its quotes (`"`, `` ` ``, `[]`) removed and doubled quotes undone.
pub fn unquote_identifier(text: &str) -> String {
    let t = text.trim();
    for (open, close) in [('"', '"'), ('`', '`'), ('[', ']'), ('\'', '\'')] {
        if t.len() >= 2 && t.starts_with(open) && t.ends_with(close) {
            let inner = &t[1..t.len() - 1];
            let doubled: String = [close, close].iter().collect();
            return inner.replace(&doubled, &close.to_string());
        }
    }
    t.to_string()
}

/// A SQL string literal for a catalog query (quotes doubled; backslashes too on MySQL).
pub fn literal(value: &str, backslash_escapes: bool) -> String {
    crate::ddl::literal::string(value, backslash_escapes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_outer_parens_like_sqlalchemy() {
        for (given, expected) in [
            ("(a IS NOT NULL)", "a IS NOT NULL"),
            ("(a) AND (b)", "(a) AND (b)"),
            ("a NOT NULL", "a NOT NULL"),
            ("(a = '(' AND b = ')')", "a = '(' AND b = ')'"),
            ("((a > 1))", "(a > 1)"),
        ] {
            assert_eq!(strip_outer_parens(given), expected, "{given}");
        }
    }

    #[test]
    fn splits_arguments_outside_quotes() {
        assert_eq!(split_args("10, 2"), ["10", "2"]);
        assert_eq!(split_args("'a,b','c''d'"), ["'a,b'", "'c''d'"]);
        assert_eq!(split_args("f(a, b), c"), ["f(a, b)", "c"]);
        assert!(split_args("").is_empty());
    }

    #[test]
    fn unquotes() {
        assert_eq!(unquote_string("'it''s'"), "it's");
        assert_eq!(unquote_identifier("\"a\"\"b\""), "a\"b");
        assert_eq!(unquote_identifier("`x`"), "x");
        assert_eq!(unquote_identifier("[x y]"), "x y");
        assert_eq!(unquote_identifier("plain"), "plain");
    }
}
