//! PEP 249 parameter styles turned into the backend's own placeholders.
//!
//! SQLAlchemy renders `%(name)s` (pyformat), `:name` (named) or `?` (qmark); sqlx binds
//! `$1` on PostgreSQL and `?` on SQLite and MySQL. The values stay real bind parameters:
//! only the placeholders are rewritten.

use std::str::FromStr;

use super::{DbError, Dialect};

/// A PEP 249 `paramstyle`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// `%(name)s`, and `%s` for positional values; `%%` is a literal `%`.
    Pyformat,
    /// `%s`; `%%` is a literal `%`.
    Format,
    /// `:name`.
    Named,
    /// `?`.
    Qmark,
    /// `:1`, `:2` ...
    Numeric,
    /// `$1`, `$2` ... (SQLAlchemy's name for asyncpg's own style; never bound here)
    NumericDollar,
}

impl FromStr for ParamStyle {
    type Err = DbError;

    fn from_str(s: &str) -> Result<ParamStyle, DbError> {
        Ok(match s {
            "pyformat" => ParamStyle::Pyformat,
            "format" => ParamStyle::Format,
            "named" => ParamStyle::Named,
            "qmark" => ParamStyle::Qmark,
            "numeric" => ParamStyle::Numeric,
            "numeric_dollar" => ParamStyle::NumericDollar,
            other => {
                return Err(DbError::InvalidParams(format!(
                    "unknown paramstyle '{other}': expected pyformat, format, named, qmark, numeric or numeric_dollar"
                )));
            }
        })
    }
}

/// Where the value of one backend placeholder comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamRef {
    /// A key of the parameter mapping.
    Name(String),
    /// A position in the parameter sequence (0-based).
    Index(usize),
}

/// SQL with the backend's placeholders, and what each placeholder binds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Converted {
    pub sql: String,
    /// One entry per backend placeholder (`$1`, `$2` ... or each `?` in order).
    pub params: Vec<ParamRef>,
    /// Per entry of `params`: whether the SQL casts it right away (`$1::DATE`). PostgreSQL
    /// then takes any text, so a string can be sent as `text` whatever the target type.
    pub cast: Vec<bool>,
}

/// The text a PEP 249 driver of `style` sends for `sql` run with an empty parameter set.
///
/// SQLAlchemy runs every compiled statement that way, having doubled each `%` of the SQL
/// for the `format`/`pyformat` drivers (psycopg, psycopg2, PyMySQL, mysqlclient, aiomysql,
/// asyncmy), which read `%%` back as `%` and refuse a lone `%` or a placeholder with no
/// value; the drivers of the other styles (asyncpg, sqlite3) send the text unchanged.
/// What SQLAlchemy compiled for the user's driver goes out natively through this, so the
/// server sees the bytes that driver would have sent.
pub fn sent_text(sql: &str, style: ParamStyle) -> Result<String, DbError> {
    if !matches!(style, ParamStyle::Format | ParamStyle::Pyformat) || !sql.contains('%') {
        return Ok(sql.to_string());
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after.as_bytes().first() {
            Some(b'%') => out.push('%'),
            Some(b's' | b'(') => {
                return Err(DbError::InvalidParams(format!(
                    "the statement has a placeholder at '{}' and no parameters",
                    &rest[at..rest.len().min(at + 20)]
                )));
            }
            _ => {
                return Err(DbError::InvalidParams(format!(
                    "a single '%' at '{}': write '%%' for a literal percent sign",
                    &rest[at..rest.len().min(at + 20)]
                )));
            }
        }
        rest = &after[1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Rewrite `sql` from `style` to `backend`'s placeholders.
pub fn convert(sql: &str, style: ParamStyle, backend: Dialect) -> Result<Converted, DbError> {
    if style == ParamStyle::NumericDollar {
        return Err(DbError::InvalidParams(
            "paramstyle 'numeric_dollar' is not one alembic-rs binds".to_string(),
        ));
    }
    let mut out = Converted {
        sql: String::with_capacity(sql.len() + 8),
        params: Vec::new(),
        cast: Vec::new(),
    };
    let bytes = sql.as_bytes();
    let mut positional = 0usize;
    let mut i = 0;
    let push = |out: &mut Converted, r: ParamRef, rest: &str| {
        let cast = rest.starts_with("::");
        if backend == Dialect::Postgresql {
            // PostgreSQL refers to a value by number: a repeated name reuses its number
            let n = match out.params.iter().position(|p| *p == r) {
                Some(n) => {
                    out.cast[n] = out.cast[n] && cast;
                    n
                }
                None => {
                    out.params.push(r);
                    out.cast.push(cast);
                    out.params.len() - 1
                }
            };
            out.sql.push('$');
            out.sql.push_str(&(n + 1).to_string());
        } else {
            out.params.push(r);
            out.cast.push(cast);
            out.sql.push('?');
        }
    };
    match style {
        // like psycopg and PyMySQL: `%` sequences are read everywhere, quotes included
        ParamStyle::Pyformat | ParamStyle::Format => {
            while i < bytes.len() {
                let c = bytes[i];
                if c != b'%' {
                    let ch = sql[i..].chars().next().unwrap_or_default();
                    out.sql.push(ch);
                    i += ch.len_utf8();
                    continue;
                }
                match bytes.get(i + 1) {
                    Some(b'%') => {
                        out.sql.push('%');
                        i += 2;
                    }
                    Some(b's') => {
                        push(&mut out, ParamRef::Index(positional), &sql[i + 2..]);
                        positional += 1;
                        i += 2;
                    }
                    Some(b'(') if style == ParamStyle::Pyformat => {
                        let close = sql[i..].find(")s").ok_or_else(|| {
                            DbError::InvalidParams(format!(
                                "incomplete placeholder at '{}'",
                                &sql[i..sql.len().min(i + 20)]
                            ))
                        })?;
                        let name = sql[i + 2..i + close].to_string();
                        i += close + 2;
                        push(&mut out, ParamRef::Name(name), &sql[i..]);
                    }
                    _ => {
                        return Err(DbError::InvalidParams(format!(
                            "a single '%' at '{}': write '%%' for a literal percent sign",
                            &sql[i..sql.len().min(i + 20)]
                        )));
                    }
                }
            }
        }
        ParamStyle::Named | ParamStyle::Qmark | ParamStyle::Numeric | ParamStyle::NumericDollar => {
            while i < bytes.len() {
                let skip = skip_quoted(sql, i, backend);
                if skip > i {
                    out.sql.push_str(&sql[i..skip]);
                    i = skip;
                    continue;
                }
                let c = bytes[i];
                if style == ParamStyle::Qmark && c == b'?' {
                    push(&mut out, ParamRef::Index(positional), &sql[i + 1..]);
                    positional += 1;
                    i += 1;
                    continue;
                }
                if c == b':'
                    && style != ParamStyle::Qmark
                    && bytes.get(i + 1) != Some(&b':')
                    && (i == 0 || bytes[i - 1] != b':')
                {
                    let rest = &sql[i + 1..];
                    let len = rest
                        .char_indices()
                        .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_'))
                        .map_or(rest.len(), |(n, _)| n);
                    let word = &rest[..len];
                    let starts_ok = word.chars().next().is_some_and(|ch| match style {
                        ParamStyle::Numeric => ch.is_ascii_digit(),
                        _ => ch.is_alphabetic() || ch == '_',
                    });
                    if starts_ok {
                        let r = match style {
                            ParamStyle::Numeric => {
                                let n: usize = word.parse().map_err(|_| {
                                    DbError::InvalidParams(format!("bad placeholder ':{word}'"))
                                })?;
                                ParamRef::Index(n.saturating_sub(1))
                            }
                            _ => ParamRef::Name(word.to_string()),
                        };
                        i += 1 + len;
                        push(&mut out, r, &sql[i..]);
                        continue;
                    }
                }
                let ch = sql[i..].chars().next().unwrap_or_default();
                out.sql.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    Ok(out)
}

/// Cast every `$n` of PostgreSQL SQL (outside quotes and comments): `$n::text::<type>`.
///
/// For a string parameter PostgreSQL would otherwise read as `type`'s binary form: as
/// text, then cast, it takes the value's text as psycopg's untyped strings do.
pub fn recast(sql: &str, n: usize, type_name: &str) -> String {
    let token = format!("${n}");
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 16);
    let mut i = 0;
    while i < bytes.len() {
        let skip = skip_quoted(sql, i, Dialect::Postgresql);
        if skip > i {
            out.push_str(&sql[i..skip]);
            i = skip;
            continue;
        }
        if sql[i..].starts_with(&token)
            && !bytes
                .get(i + token.len())
                .is_some_and(|c| c.is_ascii_digit())
        {
            out.push_str(&format!("{token}::text::{type_name}"));
            i += token.len();
            continue;
        }
        let ch = sql[i..].chars().next().unwrap_or_default();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// If a quoted string, quoted identifier or comment starts at `i`, the index just past
/// it; else `i`.
fn skip_quoted(sql: &str, i: usize, backend: Dialect) -> usize {
    let bytes = sql.as_bytes();
    let find_from = |from: usize, pat: &str| sql[from..].find(pat).map_or(sql.len(), |n| from + n);
    match bytes[i] {
        q @ (b'\'' | b'"' | b'`') => {
            let backslash = backend.is_mysql_family()
                || (q == b'\'' && i > 0 && matches!(bytes[i - 1], b'E' | b'e'));
            let mut j = i + 1;
            while j < bytes.len() {
                if backslash && bytes[j] == b'\\' {
                    j += 2;
                    continue;
                }
                if bytes[j] == q {
                    if bytes.get(j + 1) == Some(&q) {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                j += 1;
            }
            sql.len()
        }
        b'-' if bytes.get(i + 1) == Some(&b'-') => find_from(i, "\n"),
        b'#' if backend.is_mysql_family() => find_from(i, "\n"),
        b'/' if bytes.get(i + 1) == Some(&b'*') => (find_from(i + 2, "*/") + 2).min(sql.len()),
        b'$' if backend == Dialect::Postgresql => {
            // a dollar-quoted string: $tag$ ... $tag$
            let rest = &sql[i + 1..];
            let Some(end) = rest.find('$') else { return i };
            let tag = &rest[..end];
            if !tag.chars().all(|c| c.is_alphanumeric() || c == '_')
                || tag.starts_with(|c: char| c.is_ascii_digit())
            {
                return i;
            }
            let delim = &sql[i..i + end + 2];
            let body = i + delim.len();
            sql[body..]
                .find(delim)
                .map_or(sql.len(), |n| body + n + delim.len())
        }
        _ => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(sql: &str, style: ParamStyle, backend: Dialect) -> (String, Vec<ParamRef>, Vec<bool>) {
        let c = convert(sql, style, backend).unwrap();
        (c.sql, c.params, c.cast)
    }

    fn name(n: &str) -> ParamRef {
        ParamRef::Name(n.into())
    }

    #[test]
    fn placeholders_per_style_and_backend() {
        use Dialect::*;
        use ParamStyle::*;
        let cases: &[(&str, ParamStyle, Dialect, &str, Vec<ParamRef>)] = &[
            (
                "UPDATE t SET a = %(a)s WHERE id = %(id)s AND b = %(a)s",
                Pyformat,
                Postgresql,
                "UPDATE t SET a = $1 WHERE id = $2 AND b = $1",
                vec![name("a"), name("id")],
            ),
            (
                "SELECT '50%%' || %(x)s",
                Pyformat,
                Postgresql,
                "SELECT '50%' || $1",
                vec![name("x")],
            ),
            (
                "INSERT INTO t VALUES (%s, %s)",
                Format,
                Mysql,
                "INSERT INTO t VALUES (?, ?)",
                vec![ParamRef::Index(0), ParamRef::Index(1)],
            ),
            (
                "SELECT %(a)s, %(a)s",
                Pyformat,
                Mariadb,
                "SELECT ?, ?",
                vec![name("a"), name("a")],
            ),
            (
                "SELECT ':no', x::text, :yes, \"a:b\" -- :c\n",
                Named,
                Postgresql,
                "SELECT ':no', x::text, $1, \"a:b\" -- :c\n",
                vec![name("yes")],
            ),
            (
                "SELECT $f$ :x $f$, :y",
                Named,
                Postgresql,
                "SELECT $f$ :x $f$, $1",
                vec![name("y")],
            ),
            (
                "SELECT '?', ? /* ? */, ?",
                Qmark,
                Sqlite,
                "SELECT '?', ? /* ? */, ?",
                vec![ParamRef::Index(0), ParamRef::Index(1)],
            ),
            (
                "SELECT 'it''s :x', :1, :2",
                Numeric,
                Postgresql,
                "SELECT 'it''s :x', $1, $2",
                vec![ParamRef::Index(0), ParamRef::Index(1)],
            ),
            (
                "SELECT 'a\\' :x', :y",
                Named,
                Mysql,
                "SELECT 'a\\' :x', ?",
                vec![name("y")],
            ),
        ];
        for (sql, style, backend, want_sql, want_params) in cases {
            let (got_sql, got_params, _) = conv(sql, *style, *backend);
            assert_eq!(&got_sql, want_sql, "{sql}");
            assert_eq!(&got_params, want_params, "{sql}");
        }
    }

    #[test]
    fn recast_touches_only_that_placeholder() {
        assert_eq!(
            recast("SELECT $1, $10, '$1', $1", 1, "DATE"),
            "SELECT $1::text::DATE, $10, '$1', $1::text::DATE"
        );
    }

    #[test]
    fn casts_are_noticed() {
        let (_, _, cast) = conv(
            "SELECT %(a)s::DATE, %(b)s, %(a)s::DATE",
            ParamStyle::Pyformat,
            Dialect::Postgresql,
        );
        assert_eq!(cast, vec![true, false]);
    }

    #[test]
    fn bad_placeholders_are_errors() {
        assert!(convert("SELECT 5 % 2", ParamStyle::Pyformat, Dialect::Postgresql).is_err());
        assert!(convert("SELECT %(a", ParamStyle::Pyformat, Dialect::Postgresql).is_err());
        assert!("dollar".parse::<ParamStyle>().is_err());
    }

    #[test]
    fn sent_text_is_what_each_driver_sends_without_parameters() {
        use ParamStyle::*;
        let cases: &[(&str, ParamStyle, Option<&str>)] = &[
            // SQLAlchemy doubled each % for these drivers; they read %% back as %
            (
                "SELECT 7 %% 3, '50%%', '%%%%'",
                Pyformat,
                Some("SELECT 7 % 3, '50%', '%%'"),
            ),
            (
                "SELECT '%%(name)s', '%%s', $1, ?, :x",
                Format,
                Some("SELECT '%(name)s', '%s', $1, ?, :x"),
            ),
            ("SELECT 'naïve ☃ %%'", Pyformat, Some("SELECT 'naïve ☃ %'")),
            ("SELECT 1", Format, Some("SELECT 1")),
            // a lone % or a placeholder with no value fails, as in the driver
            ("SELECT 7 % 3", Pyformat, None),
            ("SELECT %(a)s", Pyformat, None),
            ("SELECT %s", Format, None),
            ("SELECT 1 %", Format, None),
            // asyncpg and sqlite3 send the text as it is
            (
                "SELECT 7 % 3, '50%%'",
                NumericDollar,
                Some("SELECT 7 % 3, '50%%'"),
            ),
            ("SELECT 7 % 3, '50%%'", Qmark, Some("SELECT 7 % 3, '50%%'")),
            ("SELECT '%' || :a", Named, Some("SELECT '%' || :a")),
        ];
        for (sql, style, want) in cases {
            let got = sent_text(sql, *style).ok();
            assert_eq!(got.as_deref(), *want, "{sql} ({style:?})");
        }
        assert_eq!(
            "numeric_dollar".parse::<ParamStyle>().unwrap(),
            ParamStyle::NumericDollar
        );
    }
}
