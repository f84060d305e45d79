//! Offline (`--sql`) output: the text alembic writes to its output buffer.
//!
//! Pure string building; the Python side writes the text where alembic would
//! (`output_buffer`, stdout by default).

use crate::dialect::Dialect;

/// What ends every statement: alembic's `command_terminator`, the same for every
/// dialect alembic-rs serves.
pub const COMMAND_TERMINATOR: &str = ";";

/// alembic's `static_output`: the text, then a blank line.
pub fn static_output(text: &str) -> String {
    format!("{text}\n\n")
}

/// A rendered statement as alembic's `--sql` mode writes it: tabs turned into four
/// spaces, surrounding whitespace stripped, the terminator, a blank line.
pub fn statement(sql: &str) -> String {
    static_output(&format!(
        "{}{COMMAND_TERMINATOR}",
        sql.replace('\t', "    ").trim()
    ))
}

/// The text of `emit_begin`: written when a transaction starts in `--sql` mode, which
/// happens only where DDL is transactional (see [`transactional_ddl`]).
pub fn begin(_backend: Dialect) -> String {
    static_output(&format!("BEGIN{COMMAND_TERMINATOR}"))
}

/// The text of `emit_commit`.
pub fn commit(_backend: Dialect) -> String {
    static_output(&format!("COMMIT{COMMAND_TERMINATOR}"))
}

/// The comment written before each migration step: `-- Running upgrade a -> b`, with
/// the step's `short_log`.
pub fn step_comment(short_log: &str) -> String {
    static_output(&format!("-- Running {short_log}"))
}

/// alembic's `transactional_ddl` default per dialect: PostgreSQL runs DDL inside a
/// transaction (and `--sql` output is framed by `BEGIN;`/`COMMIT;`); SQLite and MySQL
/// do not. `context.configure(transactional_ddl=...)` overrides it.
pub fn transactional_ddl(backend: Dialect) -> bool {
    match backend {
        Dialect::Postgresql => true,
        Dialect::Sqlite | Dialect::Mysql | Dialect::Mariadb => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_texts() {
        assert_eq!(
            static_output("-- Running upgrade  -> a1"),
            "-- Running upgrade  -> a1\n\n"
        );
        assert_eq!(
            statement("\nCREATE TABLE t (\n\tid INTEGER\n)\n\n"),
            "CREATE TABLE t (\n    id INTEGER\n);\n\n"
        );
        assert_eq!(
            step_comment("upgrade  -> a1"),
            "-- Running upgrade  -> a1\n\n"
        );
        assert_eq!(begin(Dialect::Postgresql), "BEGIN;\n\n");
        assert_eq!(commit(Dialect::Sqlite), "COMMIT;\n\n");
    }

    #[test]
    fn transactional_ddl_per_dialect() {
        assert!(transactional_ddl(Dialect::Postgresql));
        assert!(!transactional_ddl(Dialect::Sqlite));
        assert!(!transactional_ddl(Dialect::Mysql));
        assert!(!transactional_ddl(Dialect::Mariadb));
    }
}
