//! Identifier quoting, following SQLAlchemy's `IdentifierPreparer` rules per dialect.

use super::Dialect;
use super::reserved::{RESERVED_MARIADB, RESERVED_MYSQL, RESERVED_POSTGRESQL, RESERVED_SQLITE};

/// Quotes identifiers for one dialect.
#[derive(Debug, Clone, Copy)]
pub struct Preparer {
    dialect: Dialect,
}

impl Preparer {
    /// The preparer of `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        Preparer { dialect }
    }

    fn quote_char(&self) -> char {
        match self.dialect {
            Dialect::Mysql | Dialect::Mariadb => '`',
            Dialect::Postgresql | Dialect::Sqlite => '"',
        }
    }

    /// The dialect's reserved words, lower case and sorted.
    pub fn reserved_words(dialect: Dialect) -> &'static [&'static str] {
        match dialect {
            Dialect::Postgresql => RESERVED_POSTGRESQL,
            Dialect::Sqlite => RESERVED_SQLITE,
            Dialect::Mysql => RESERVED_MYSQL,
            Dialect::Mariadb => RESERVED_MARIADB,
        }
    }

    /// Whether `value` must be quoted: reserved, odd characters, a digit or `$` first, or
    /// any upper-case letter (the database would fold it otherwise).
    pub fn requires_quotes(&self, value: &str) -> bool {
        let Some(first) = value.chars().next() else {
            return true;
        };
        let lower = value.to_lowercase();
        Self::reserved_words(self.dialect)
            .binary_search(&lower.as_str())
            .is_ok()
            || first.is_ascii_digit()
            || first == '$'
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
            || lower != value
    }

    /// Always quote `value`, doubling embedded quote characters.
    pub fn quote_identifier(&self, value: &str) -> String {
        let q = self.quote_char();
        let mut out = String::with_capacity(value.len() + 2);
        out.push(q);
        for c in value.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
    }

    /// Quote `value` if it needs it.
    pub fn quote(&self, value: &str) -> String {
        if self.requires_quotes(value) {
            self.quote_identifier(value)
        } else {
            value.to_string()
        }
    }

    /// `schema.table` the way SQLAlchemy's `format_table` writes it (schema quoted whole).
    pub fn format_table(&self, name: &str, schema: Option<&str>) -> String {
        match schema {
            Some(s) if !s.is_empty() => format!("{}.{}", self.quote(s), self.quote(name)),
            _ => self.quote(name),
        }
    }

    /// `schema.table` the way alembic's `format_table_name` writes it for ALTER TABLE:
    /// a dotted schema is quoted part by part.
    pub fn format_table_dotted(&self, name: &str, schema: Option<&str>) -> String {
        match schema {
            Some(s) if !s.is_empty() => {
                let parts: Vec<String> = s.split('.').map(|p| self.quote(p)).collect();
                format!("{}.{}", parts.join("."), self.quote(name))
            }
            _ => self.quote(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_rules() {
        let pg = Preparer::new(Dialect::Postgresql);
        let cases = [
            ("account", "account"),
            ("order", "\"order\""),
            ("User", "\"User\""),
            ("1abc", "\"1abc\""),
            ("$x", "\"$x\""),
            ("a$b", "a$b"),
            ("my col", "\"my col\""),
            ("q\"x", "\"q\"\"x\""),
            ("", "\"\""),
        ];
        for (raw, want) in cases {
            assert_eq!(pg.quote(raw), want, "{raw}");
        }
        let my = Preparer::new(Dialect::Mysql);
        assert_eq!(my.quote("order"), "`order`");
        assert_eq!(my.quote("a`b"), "`a``b`");
        assert_eq!(pg.format_table("t", Some("s.a")), "\"s.a\".t");
        assert_eq!(pg.format_table_dotted("t", Some("s.a")), "s.a.t");
    }

    #[test]
    fn reserved_lists_are_sorted() {
        for d in [
            Dialect::Postgresql,
            Dialect::Sqlite,
            Dialect::Mysql,
            Dialect::Mariadb,
        ] {
            let words = Preparer::reserved_words(d);
            assert!(words.windows(2).all(|w| w[0] < w[1]), "{d:?}");
        }
    }
}
