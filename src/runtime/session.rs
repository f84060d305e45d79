//! Session state: what env.py set on its own connection, carried over to the native one.
//!
//! When env.py hands `context.configure()` a connection that is not inside a transaction,
//! the migration runs on a native connection to the same database. Whatever env.py set on
//! its connection beforehand must hold there too, or the same scripts would do something
//! else: alembic's cookbook sets `search_path` for schema-per-tenant migrations, deployments
//! set `lock_timeout` or `SET ROLE`, SQLite users turn `foreign_keys` on in a connect event.
//!
//! The flow: Python runs [`read_queries`] on env.py's connection (user state, only it can)
//! and hands the rows over; [`fetch`] runs the same queries on the native connection;
//! [`replay_statements`] compares the two [`SessionState`]s and gives the statements that
//! make the native session match. Every name and value in them is quoted by the renderer's
//! own helpers ([`Preparer`], [`literal::string`]), so there is one quoting path.

use std::collections::BTreeMap;
use std::fmt;

use crate::db::{Connection, DbError, Value};
use crate::ddl::{DialectFlags, Preparer, literal};
use crate::dialect::Dialect;

/// A string literal as the native connection reads it: its session has the server's
/// default `sql_mode` / `standard_conforming_strings`, so backslashes escape on MySQL only.
fn string_literal(dialect: Dialect, value: &str) -> String {
    literal::string(value, DialectFlags::defaults(dialect).backslash_escapes)
}

/// One cell of a result row as text; `None` is SQL `NULL`.
pub type Cell = Option<String>;

/// The rows of one query of [`read_queries`].
pub type Rows = Vec<Vec<Cell>>;

/// PostgreSQL settings that say how values travel on the wire: the driver's business,
/// not the migration's.
const PG_WIRE_SETTINGS: &[&str] = &[
    "client_encoding",
    "DateStyle",
    "IntervalStyle",
    "extra_float_digits",
];

/// MySQL/MariaDB session variables a migration's statements depend on.
const MYSQL_VARIABLES: &[&str] = &[
    "sql_mode",
    "time_zone",
    "foreign_key_checks",
    "unique_checks",
    "lock_wait_timeout",
    "innodb_lock_wait_timeout",
    "max_statement_time",
];

/// SQLite pragmas a migration's statements depend on.
const SQLITE_PRAGMAS: &[&str] = &["foreign_keys", "recursive_triggers"];

/// Why the session state could not be carried over.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The native connection reached another server or file than env.py's connection
    /// (`connect_args`, a `creator` or a `do_connect` event pointed the engine elsewhere).
    #[error("env.py's connection is on {theirs}, the URL leads to {ours}")]
    NotTheSameDatabase { theirs: Identity, ours: Identity },

    /// env.py attached an in-memory SQLite database, which no other connection can see.
    #[error("env.py's connection has an in-memory database '{0}'")]
    InMemoryAttachment(String),

    /// A query of [`read_queries`] answered with rows of another shape.
    #[error("unexpected rows from '{sql}': {reason}")]
    UnexpectedRows { sql: String, reason: String },
}

/// What one connection is on: PostgreSQL's database and server start time, MySQL's host,
/// port and server id, SQLite's main file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity(pub Vec<String>);

impl fmt::Display for Identity {
    /// As a Python tuple of strings: `('app', '1733220000.5')`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|p| format!("'{p}'")).collect();
        match parts.as_slice() {
            [one] => write!(f, "({one},)"),
            _ => write!(f, "({})", parts.join(", ")),
        }
    }
}

/// One piece of session state. The variant order is the order of the replay: the
/// database and attachments first (the settings may name their objects), the role last
/// (so the settings are applied with the session user's rights).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Setting {
    /// MySQL's current database (`USE`).
    Database,
    /// A SQLite database attached under this schema name; the value is its file.
    Attached(String),
    /// A PostgreSQL setting (`set_config`) or a MySQL session variable (`SET @@session`).
    Variable(String),
    /// A SQLite pragma of [`SQLITE_PRAGMAS`].
    Pragma(&'static str),
    /// PostgreSQL's current role, when `SET ROLE` made it differ from the session user.
    Role,
}

/// The session state of one connection, read by [`SessionState::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionState {
    identity: Identity,
    settings: BTreeMap<Setting, String>,
}

/// A list of string literals, for `IN (...)`.
fn literals(dialect: Dialect, values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| string_literal(dialect, v)).collect();
    quoted.join(", ")
}

/// The queries that read a connection's session state, in the order
/// [`SessionState::parse`] takes their rows. Each is one round trip.
pub fn read_queries(backend: Dialect) -> Vec<String> {
    match backend {
        // identity: the database and the server's start time (the port is not compared:
        // a Unix socket and TCP reach the same server). State: what SET changed ('session',
        // SET SESSION CHARACTERISTICS included), what the connection asked for at startup
        // ('client': libpq options, asyncpg server_settings), the time zone each driver
        // picks its own way, and the role (SET ROLE is not in pg_settings; current_user
        // tells)
        Dialect::Postgresql => vec![format!(
            "SELECT current_database(), extract(epoch FROM pg_postmaster_start_time())::text,\n  \
             CASE WHEN current_user <> session_user THEN current_user::text END,\n  \
             (SELECT coalesce(json_agg(json_build_array(name, setting) ORDER BY name), '[]')::text\n     \
             FROM pg_catalog.pg_settings\n    \
             WHERE (source IN ('session', 'client') AND name NOT IN ({})) OR name = 'TimeZone')",
            literals(backend, PG_WIRE_SETTINGS)
        )],
        // SHOW lists only the variables this server has (MariaDB and MySQL differ)
        Dialect::Mysql | Dialect::Mariadb => vec![
            "SELECT @@hostname, @@port, @@server_id, DATABASE()".to_string(),
            format!(
                "SHOW SESSION VARIABLES WHERE Variable_name IN ({})",
                literals(backend, MYSQL_VARIABLES)
            ),
        ],
        Dialect::Sqlite => std::iter::once("SELECT name, file FROM pragma_database_list".into())
            .chain(SQLITE_PRAGMAS.iter().map(|p| format!("PRAGMA {p}")))
            .collect(),
    }
}

/// The text of a value the native connection read, as Python's `str()` gives it for the
/// same value read through a DBAPI driver.
fn cell(value: Value) -> Cell {
    match value {
        Value::Null => None,
        Value::Bool(b) => Some(if b { "True" } else { "False" }.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(format!("{f:?}")),
        Value::Text(s) => Some(s),
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
    }
}

/// Run [`read_queries`] on the native connection.
pub async fn fetch(conn: &mut Connection) -> Result<Vec<Rows>, DbError> {
    let mut results = Vec::new();
    for sql in read_queries(conn.backend()) {
        let rows = conn.query(&sql).await?;
        results.push(
            rows.into_iter()
                .map(|row| row.into_iter().map(cell).collect())
                .collect(),
        );
    }
    Ok(results)
}

/// The rows of query `index`, or an error naming it.
fn rows_of(backend: Dialect, results: &[Rows], index: usize) -> Result<&Rows, SessionError> {
    results
        .get(index)
        .ok_or_else(|| unexpected(backend, index, "no result"))
}

/// The first row of query `index`, with at least `width` columns.
fn first_row(
    backend: Dialect,
    results: &[Rows],
    index: usize,
    width: usize,
) -> Result<&[Cell], SessionError> {
    match rows_of(backend, results, index)?.first() {
        Some(row) if row.len() >= width => Ok(row),
        Some(row) => Err(unexpected(
            backend,
            index,
            &format!("{} columns, {width} expected", row.len()),
        )),
        None => Err(unexpected(backend, index, "no row")),
    }
}

fn unexpected(backend: Dialect, index: usize, reason: &str) -> SessionError {
    SessionError::UnexpectedRows {
        sql: read_queries(backend)
            .get(index)
            .cloned()
            .unwrap_or_default(),
        reason: reason.to_string(),
    }
}

fn text(cell: &Cell) -> String {
    cell.clone().unwrap_or_default()
}

impl SessionState {
    /// The state of one connection from the rows of [`read_queries`], one `Rows` per query.
    pub fn parse(backend: Dialect, results: &[Rows]) -> Result<SessionState, SessionError> {
        let mut settings = BTreeMap::new();
        let identity = match backend {
            Dialect::Postgresql => {
                let row = first_row(backend, results, 0, 4)?;
                if let Some(role) = &row[2] {
                    settings.insert(Setting::Role, role.clone());
                }
                let pairs: Vec<(String, Option<String>)> =
                    serde_json::from_str(row[3].as_deref().unwrap_or("[]"))
                        .map_err(|e| unexpected(backend, 0, &e.to_string()))?;
                for (name, value) in pairs {
                    if let Some(value) = value {
                        settings.insert(Setting::Variable(name), value);
                    }
                }
                vec![text(&row[0]), text(&row[1])]
            }
            Dialect::Mysql | Dialect::Mariadb => {
                let row = first_row(backend, results, 0, 4)?;
                if let Some(database) = &row[3] {
                    settings.insert(Setting::Database, database.clone());
                }
                for variable in rows_of(backend, results, 1)? {
                    if let [Some(name), value, ..] = variable.as_slice()
                        && MYSQL_VARIABLES.contains(&name.as_str())
                    {
                        settings.insert(Setting::Variable(name.clone()), text(value));
                    }
                }
                vec![text(&row[0]), text(&row[1]), text(&row[2])]
            }
            Dialect::Sqlite => {
                let mut main = String::new();
                for database in rows_of(backend, results, 0)? {
                    let [Some(name), file, ..] = database.as_slice() else {
                        return Err(unexpected(backend, 0, "a row without a name"));
                    };
                    match name.as_str() {
                        "main" => main = text(file),
                        "temp" => {}
                        // databases env.py attached (schema="other" in the scripts), by file
                        _ => {
                            settings.insert(Setting::Attached(name.clone()), text(file));
                        }
                    }
                }
                for (i, pragma) in SQLITE_PRAGMAS.iter().enumerate() {
                    let row = first_row(backend, results, i + 1, 1)?;
                    settings.insert(Setting::Pragma(pragma), text(&row[0]));
                }
                vec![main]
            }
        };
        Ok(SessionState {
            identity: Identity(identity),
            settings,
        })
    }
}

/// The statements that give the native connection (`ours`) the session state env.py's
/// connection (`theirs`) has and it lacks, in the order they must run. Fails when the two
/// are not on the same database.
pub fn replay_statements(
    backend: Dialect,
    theirs: &SessionState,
    ours: &SessionState,
) -> Result<Vec<String>, SessionError> {
    if theirs.identity != ours.identity {
        return Err(SessionError::NotTheSameDatabase {
            theirs: theirs.identity.clone(),
            ours: ours.identity.clone(),
        });
    }
    let preparer = Preparer::new(backend);
    let mut statements = Vec::new();
    let mut variables = Vec::new();
    for (setting, value) in &theirs.settings {
        if ours.settings.get(setting) == Some(value) {
            continue;
        }
        match setting {
            Setting::Database => {
                statements.push(format!("USE {}", preparer.quote_identifier(value)))
            }
            Setting::Attached(name) => {
                if value.is_empty() {
                    return Err(SessionError::InMemoryAttachment(name.clone()));
                }
                statements.push(format!(
                    "ATTACH DATABASE {} AS {}",
                    string_literal(backend, value),
                    preparer.quote_identifier(name)
                ));
            }
            Setting::Variable(name) => variables.push((name.as_str(), value.as_str())),
            Setting::Pragma(name) => {
                let on = value.trim().parse::<i64>().map_err(|_| {
                    let index = 1 + SQLITE_PRAGMAS.iter().position(|p| p == name).unwrap_or(0);
                    unexpected(backend, index, &format!("'{value}' is not a number"))
                })? != 0;
                statements.push(format!("PRAGMA {name} = {}", if on { "ON" } else { "OFF" }));
            }
            Setting::Role => {
                // variables come before the role in the map: flush them first
                statements.extend(set_variables(backend, &variables));
                variables.clear();
                statements.push(format!("SET ROLE {}", preparer.quote_identifier(value)));
            }
        }
    }
    statements.extend(set_variables(backend, &variables));
    Ok(statements)
}

/// One statement that sets all `variables` (none when empty).
fn set_variables(d: Dialect, variables: &[(&str, &str)]) -> Option<String> {
    if variables.is_empty() {
        return None;
    }
    let assignments: Vec<String> = match d {
        Dialect::Postgresql => variables
            .iter()
            .map(|(n, v)| {
                format!(
                    "set_config({}, {}, false)",
                    string_literal(d, n),
                    string_literal(d, v)
                )
            })
            .collect(),
        // names come from MYSQL_VARIABLES only (see `SessionState::parse`)
        _ => variables
            .iter()
            .map(|(n, v)| format!("@@session.{n} = {}", mysql_value(d, v)))
            .collect(),
    };
    Some(match d {
        Dialect::Postgresql => format!("SELECT {}", assignments.join(", ")),
        _ => format!("SET {}", assignments.join(", ")),
    })
}

/// A MySQL variable's value as `SET` takes it: numbers and `ON`/`OFF` bare, the rest a
/// string literal.
fn mysql_value(d: Dialect, value: &str) -> String {
    let number = {
        let mut parts = value.splitn(2, '.');
        let whole = parts.next().unwrap_or("");
        let fraction = parts.next().unwrap_or("");
        !value.is_empty()
            && value != "."
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.chars().all(|c| c.is_ascii_digit())
    };
    if number || value.eq_ignore_ascii_case("on") || value.eq_ignore_ascii_case("off") {
        value.to_string()
    } else {
        string_literal(d, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[Option<&str>]) -> Vec<Cell> {
        cells.iter().map(|c| c.map(str::to_string)).collect()
    }

    fn pg(role: Option<&str>, settings: &str) -> Vec<Rows> {
        vec![vec![row(&[
            Some("app"),
            Some("1733220000.5"),
            role,
            Some(settings),
        ])]]
    }

    fn mysql(database: Option<&str>, variables: &[(&str, &str)]) -> Vec<Rows> {
        vec![
            vec![row(&[Some("db1"), Some("3306"), Some("1"), database])],
            variables
                .iter()
                .map(|(n, v)| row(&[Some(n), Some(v)]))
                .collect(),
        ]
    }

    fn sqlite(attached: &[(&str, &str)], foreign_keys: &str) -> Vec<Rows> {
        let mut databases = vec![row(&[Some("main"), Some("/tmp/app.db")])];
        databases.extend(attached.iter().map(|(n, f)| row(&[Some(n), Some(f)])));
        vec![
            databases,
            vec![row(&[Some(foreign_keys)])],
            vec![row(&[Some("0")])],
        ]
    }

    fn replay(backend: Dialect, theirs: &[Rows], ours: &[Rows]) -> Vec<String> {
        let theirs = SessionState::parse(backend, theirs).unwrap();
        let ours = SessionState::parse(backend, ours).unwrap();
        replay_statements(backend, &theirs, &ours).unwrap()
    }

    /// A backend, env.py's rows, the native connection's rows, the statements expected.
    type Case<'a> = (Dialect, Vec<Rows>, &'a Vec<Rows>, Vec<&'a str>);

    #[test]
    fn replays_what_differs_quoted_per_dialect() {
        let pg_default = pg(None, r#"[["TimeZone", "UTC"]]"#);
        let my_default = mysql(Some("app"), &[("sql_mode", "STRICT_TRANS_TABLES")]);
        let lite_default = sqlite(&[], "0");
        let lite_fk = sqlite(&[], "1");
        let cases: Vec<Case> = vec![
            (Dialect::Postgresql, pg_default.clone(), &pg_default, vec![]),
            (
                Dialect::Postgresql,
                pg(
                    Some("mig\"rator"),
                    r#"[["TimeZone", "UTC"], ["search_path", "tenant_a, public"], ["application_name", "it's \\here"]]"#,
                ),
                &pg_default,
                vec![
                    r"SELECT set_config('application_name', 'it''s \here', false), set_config('search_path', 'tenant_a, public', false)",
                    r#"SET ROLE "mig""rator""#,
                ],
            ),
            (
                Dialect::Postgresql,
                pg(Some("admin"), r#"[["TimeZone", "UTC"]]"#),
                &pg_default,
                vec![r#"SET ROLE "admin""#],
            ),
            (
                Dialect::Mysql,
                mysql(
                    Some("other`db"),
                    &[
                        ("sql_mode", "ANSI_QUOTES"),
                        ("time_zone", r"Europe\Pa'ris"),
                        ("lock_wait_timeout", "5"),
                        ("foreign_key_checks", "OFF"),
                        ("not_ours", "x"),
                    ],
                ),
                &my_default,
                vec![
                    "USE `other``db`",
                    r"SET @@session.foreign_key_checks = OFF, @@session.lock_wait_timeout = 5, @@session.sql_mode = 'ANSI_QUOTES', @@session.time_zone = 'Europe\\Pa''ris'",
                ],
            ),
            (
                Dialect::Mariadb,
                mysql(Some("app"), &[("max_statement_time", "1.500000")]),
                &my_default,
                vec!["SET @@session.max_statement_time = 1.500000"],
            ),
            (Dialect::Mysql, my_default.clone(), &my_default, vec![]),
            (
                Dialect::Sqlite,
                sqlite(&[("o\"ther", r"C:\data\it's.db")], "1"),
                &lite_default,
                vec![
                    r#"ATTACH DATABASE 'C:\data\it''s.db' AS "o""ther""#,
                    "PRAGMA foreign_keys = ON",
                ],
            ),
            (
                Dialect::Sqlite,
                sqlite(&[], "0"),
                &lite_fk,
                vec!["PRAGMA foreign_keys = OFF"],
            ),
        ];
        for (backend, theirs, ours, want) in cases {
            assert_eq!(
                replay(backend, &theirs, ours),
                want,
                "{backend}: {theirs:?}"
            );
        }
    }

    #[test]
    fn another_database_is_refused() {
        let theirs = SessionState::parse(Dialect::Mysql, &mysql(None, &[])).unwrap();
        let mut other = mysql(None, &[]);
        other[0][0][1] = Some("3307".into());
        let ours = SessionState::parse(Dialect::Mysql, &other).unwrap();
        let err = replay_statements(Dialect::Mysql, &theirs, &ours).unwrap_err();
        assert_eq!(
            err.to_string(),
            "env.py's connection is on ('db1', '3306', '1'), the URL leads to ('db1', '3307', '1')"
        );
    }

    #[test]
    fn in_memory_attachment_is_refused() {
        let theirs = SessionState::parse(Dialect::Sqlite, &sqlite(&[("mem", "")], "0")).unwrap();
        let ours = SessionState::parse(Dialect::Sqlite, &sqlite(&[], "0")).unwrap();
        let err = replay_statements(Dialect::Sqlite, &theirs, &ours).unwrap_err();
        assert_eq!(
            err.to_string(),
            "env.py's connection has an in-memory database 'mem'"
        );
    }

    #[test]
    fn rows_of_another_shape_are_an_error() {
        let err = SessionState::parse(Dialect::Postgresql, &[vec![]]).unwrap_err();
        assert!(err.to_string().contains("no row"), "{err}");
        let err = SessionState::parse(Dialect::Sqlite, &sqlite(&[], "0")[..1]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unexpected rows from 'PRAGMA foreign_keys'"),
            "{err}"
        );
    }

    #[test]
    fn read_queries_quote_their_names() {
        let queries = read_queries(Dialect::Mysql);
        assert_eq!(queries.len(), 2);
        assert!(queries[1].ends_with(
            "IN ('sql_mode', 'time_zone', 'foreign_key_checks', 'unique_checks', \
             'lock_wait_timeout', 'innodb_lock_wait_timeout', 'max_statement_time')"
        ));
        assert!(read_queries(Dialect::Postgresql)[0].contains(
            "NOT IN ('client_encoding', 'DateStyle', 'IntervalStyle', 'extra_float_digits')"
        ));
        assert_eq!(
            read_queries(Dialect::Sqlite),
            [
                "SELECT name, file FROM pragma_database_list",
                "PRAGMA foreign_keys",
                "PRAGMA recursive_triggers"
            ]
        );
    }

    #[test]
    fn mysql_values() {
        let cases = [
            ("1", "1"),
            ("1.5", "1.5"),
            ("on", "on"),
            ("OFF", "OFF"),
            ("", "''"),
            (".", "'.'"),
            ("1.2.3", "'1.2.3'"),
            ("-1", "'-1'"),
            (r"a\b'c", r"'a\\b''c'"),
        ];
        for (raw, want) in cases {
            assert_eq!(mysql_value(Dialect::Mysql, raw), want, "{raw}");
        }
    }
}
