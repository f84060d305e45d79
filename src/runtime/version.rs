//! The `alembic_version` table: its SQL per dialect, byte for byte as alembic writes it.
//!
//! alembic builds the table as `Table(name, Column("version_num", String(32),
//! nullable=False), PrimaryKeyConstraint(name=f"{name}_pkc"))` and writes versions with
//! `literal_column("'<rev>'")`, so revision ids go into the SQL as literals, unescaped.
//! SQLAlchemy adds `RETURNING` of the primary key to the `INSERT` where the dialect
//! supports it; that is kept too, so `--sql` output matches.

use std::borrow::Cow;

use crate::ddl::Preparer;
use crate::dialect::Dialect;

/// An identifier is longer than the database allows (only the `<table>_pkc` constraint
/// name is checked, as SQLAlchemy does).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Identifier '{name}' exceeds maximum length of {max} characters")]
pub struct IdentifierTooLong {
    pub name: String,
    pub max: usize,
}

/// The version table of a migration context: `version_table`, `version_table_schema`
/// and `version_table_pk` of `context.configure()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTable {
    pub backend: Dialect,
    pub name: String,
    pub schema: Option<String>,
    /// Whether the table has the `<name>_pkc` primary key.
    pub pk: bool,
    /// Whether the run's dialect adds `RETURNING` of the primary key to the `INSERT`
    /// (SQLAlchemy's `insert_returning`: it varies with the server's version and between
    /// SQLAlchemy releases, MariaDB offline having it under 2.1 and not under 2.0).
    pub returning: bool,
}

impl VersionTable {
    /// alembic's default: `alembic_version`, no schema, with a primary key.
    pub fn new(backend: Dialect) -> VersionTable {
        VersionTable {
            backend,
            name: "alembic_version".to_string(),
            schema: None,
            pk: true,
            returning: Self::default_returning(backend),
        }
    }

    /// `insert_returning` of a never-connected dialect under SQLAlchemy 2.1.
    pub fn default_returning(backend: Dialect) -> bool {
        !matches!(backend, Dialect::Mysql)
    }

    /// The table name as it appears in SQL: schema-qualified and quoted where needed.
    pub fn qualified_name(&self) -> String {
        let name = quote(self.backend, &self.name);
        match &self.schema {
            Some(schema) => format!("{}.{name}", quote(self.backend, schema)),
            None => name.into_owned(),
        }
    }

    /// `CREATE TABLE`.
    pub fn create_sql(&self) -> Result<String, IdentifierTooLong> {
        let table = self.qualified_name();
        if !self.pk {
            return Ok(format!(
                "CREATE TABLE {table} (\n    version_num VARCHAR(32) NOT NULL\n)"
            ));
        }
        let constraint = format!("{}_pkc", self.name);
        let max = max_identifier_length(self.backend);
        if constraint.chars().count() > max {
            return Err(IdentifierTooLong {
                name: constraint,
                max,
            });
        }
        Ok(format!(
            "CREATE TABLE {table} (\n    version_num VARCHAR(32) NOT NULL, \n    \
             CONSTRAINT {} PRIMARY KEY (version_num)\n)",
            quote(self.backend, &constraint)
        ))
    }

    /// `INSERT` of one version row.
    pub fn insert_sql(&self, version: &str) -> String {
        let table = self.qualified_name();
        let mut sql = format!("INSERT INTO {table} (version_num) VALUES ('{version}')");
        if self.pk && self.returning {
            match self.backend {
                Dialect::Sqlite => sql.push_str(" RETURNING version_num"),
                _ => sql.push_str(&format!(" RETURNING {table}.version_num")),
            }
        }
        sql
    }

    /// `UPDATE` of the row holding `from` to `to`.
    pub fn update_sql(&self, from: &str, to: &str) -> String {
        let table = self.qualified_name();
        format!("UPDATE {table} SET version_num='{to}' WHERE {table}.version_num = '{from}'")
    }

    /// `DELETE` of the row holding `version`.
    pub fn delete_sql(&self, version: &str) -> String {
        let table = self.qualified_name();
        format!("DELETE FROM {table} WHERE {table}.version_num = '{version}'")
    }

    /// `DELETE` of every row (`stamp --purge`).
    pub fn delete_all_sql(&self) -> String {
        format!("DELETE FROM {}", self.qualified_name())
    }

    /// `SELECT` of the current heads.
    pub fn select_sql(&self) -> String {
        let table = self.qualified_name();
        format!("SELECT {table}.version_num \nFROM {table}")
    }

    /// `DROP TABLE`.
    pub fn drop_sql(&self) -> String {
        format!("DROP TABLE {}", self.qualified_name())
    }
}

/// SQLAlchemy's `max_identifier_length` per dialect (what `validate_identifier` checks;
/// MySQL's own 64-character limit for constraints is left to the server).
fn max_identifier_length(backend: Dialect) -> usize {
    match backend {
        Dialect::Postgresql => 63,
        Dialect::Mysql | Dialect::Mariadb => 255,
        Dialect::Sqlite => 9999,
    }
}

/// Quote an identifier when SQLAlchemy would, with the DDL renderer's rules (reserved
/// words, upper case, odd characters, a leading digit or `$`).
pub fn quote(backend: Dialect, ident: &str) -> Cow<'_, str> {
    let preparer = Preparer::new(backend);
    if preparer.requires_quotes(ident) {
        Cow::Owned(preparer.quote_identifier(ident))
    } else {
        Cow::Borrowed(ident)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Dialect; 4] = [
        Dialect::Postgresql,
        Dialect::Sqlite,
        Dialect::Mysql,
        Dialect::Mariadb,
    ];

    /// Every statement, as alembic's offline writer would put it (terminator, blank line).
    fn script(vt: &VersionTable) -> String {
        let create = vt.create_sql().unwrap();
        [
            create,
            vt.insert_sql("abc123"),
            vt.update_sql("abc123", "def456"),
            vt.delete_sql("def456"),
            vt.select_sql(),
            vt.drop_sql(),
        ]
        .iter()
        .map(|s| format!("{s};\n\n"))
        .collect()
    }

    #[test]
    fn default_table_matches_alembic() {
        let vt = VersionTable::new(Dialect::Postgresql);
        assert_eq!(
            script(&vt),
            "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    \
             CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n\
             INSERT INTO alembic_version (version_num) VALUES ('abc123') RETURNING \
             alembic_version.version_num;\n\n\
             UPDATE alembic_version SET version_num='def456' WHERE \
             alembic_version.version_num = 'abc123';\n\n\
             DELETE FROM alembic_version WHERE alembic_version.version_num = 'def456';\n\n\
             SELECT alembic_version.version_num \nFROM alembic_version;\n\n\
             DROP TABLE alembic_version;\n\n"
        );
    }

    #[test]
    fn snapshots_per_dialect() {
        for backend in ALL {
            for (label, name, schema, pk) in [
                ("default", "alembic_version", None, true),
                ("quoted", "my versions", Some("Other Schema"), true),
                ("no_pk", "alembic_version", Some("s1"), false),
                ("reserved", "select", None, true),
            ] {
                let vt = VersionTable {
                    backend,
                    name: name.to_string(),
                    schema: schema.map(str::to_string),
                    pk,
                    returning: VersionTable::default_returning(backend),
                };
                insta::assert_snapshot!(format!("{}_{label}", backend.name()), script(&vt));
            }
        }
    }

    #[test]
    fn returning_follows_the_dialect() {
        // MariaDB under SQLAlchemy 2.0, or a server before 10.5: no RETURNING
        let mut vt = VersionTable::new(Dialect::Mariadb);
        assert!(
            vt.insert_sql("a1")
                .ends_with(" RETURNING alembic_version.version_num")
        );
        vt.returning = false;
        assert_eq!(
            vt.insert_sql("a1"),
            "INSERT INTO alembic_version (version_num) VALUES ('a1')"
        );
    }

    #[test]
    fn quoting() {
        let cases = [
            (Dialect::Postgresql, "alembic_version", "alembic_version"),
            (Dialect::Postgresql, "_x$1", "_x$1"),
            (Dialect::Postgresql, "1abc", "\"1abc\""),
            (Dialect::Postgresql, "$x", "\"$x\""),
            (Dialect::Postgresql, "Mixed", "\"Mixed\""),
            (Dialect::Postgresql, "a\"b", "\"a\"\"b\""),
            (Dialect::Postgresql, "user", "\"user\""),
            (Dialect::Sqlite, "user", "user"),
            (Dialect::Sqlite, "select", "\"select\""),
            (Dialect::Mysql, "a`b", "`a``b`"),
            (Dialect::Mysql, "my-table", "`my-table`"),
            (Dialect::Postgresql, "", "\"\""),
        ];
        for (backend, ident, want) in cases {
            assert_eq!(quote(backend, ident), want, "{backend} {ident}");
        }
    }

    #[test]
    fn constraint_name_length_is_checked() {
        let mut vt = VersionTable::new(Dialect::Postgresql);
        vt.name = "t".repeat(62);
        let err = vt.create_sql().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "Identifier '{}_pkc' exceeds maximum length of 63 characters",
                "t".repeat(62)
            )
        );
        vt.backend = Dialect::Mysql;
        assert!(vt.create_sql().is_ok());
        vt.name = "t".repeat(252);
        assert!(vt.create_sql().is_err());
        vt.pk = false;
        vt.name = "t".repeat(100);
        assert!(vt.create_sql().is_ok());
    }
}
