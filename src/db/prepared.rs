//! The PEP 249 adapter's statements (`op.get_bind()`), prepared once per transaction.
//!
//! A data migration runs a few statements thousands of times (the seed's batch pattern:
//! one `UPDATE ... WHERE id = :id` per row). Each distinct statement is prepared the
//! first time its transaction runs it, and executed by name after that: one round trip
//! per execution, where preparing, executing and closing it each time took three.
//!
//! What is prepared never outlives
//! - its transaction: behind a pooler in transaction mode (PgBouncer, Neon's `-pooler`
//!   endpoints) the next transaction may run on another server session, and this one
//!   goes to another client. Everything prepared is closed before `BEGIN`, `COMMIT`,
//!   `ROLLBACK` or any other statement that is not a plain read or write of rows
//!   ([`keeps_plans`]), and before the connection closes. On PostgreSQL outside a
//!   transaction (`autocommit_block()`) a statement is closed right after it runs;
//! - the migration's DDL: PostgreSQL refuses a cached plan whose result columns changed
//!   ("cached plan must not change result type"), and sqlx keeps the columns a SQLite
//!   statement had when it was prepared (after `ALTER TABLE ... ADD COLUMN` it would read
//!   a row by the old ones). Everything prepared is closed after such a statement too.
//!
//! Schema changes made where no statement text shows them (a function called from a
//! `SELECT` that runs DDL) are not seen; PostgreSQL then fails the next execution of an
//! affected statement, it never runs a stale plan silently.
//!
//! sqlx's own statement cache holds the prepared statements, keyed by SQL text; this
//! module keeps what sqlx does not: on PostgreSQL the parameter types each statement was
//! prepared with, since a value bound later is sent in the binary form of those types.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sqlx::postgres::PgTypeInfo;
use sqlx::{Column as _, Statement as _, TypeInfo as _};

use super::typed::{self, Column, TypedValue};

/// Plans kept below sqlx's statement cache capacity (100 by default): sqlx closes the
/// least recently used statement when it is full, a round trip of its own each time;
/// releasing everything at once costs one for all of them.
const MAX_PREPARED: usize = 90;

/// What is prepared on one connection since the transaction began.
#[derive(Debug, Default)]
pub(crate) struct Statements {
    /// PostgreSQL: the plans of each statement (as converted), one per set of parameter
    /// types it was run with.
    plans: HashMap<String, Vec<Arc<PgPlan>>>,
    /// SQLite and MySQL: the statements run (so prepared and cached by sqlx).
    texts: HashSet<String>,
    /// Statements put in sqlx's cache since it was last cleared (an upper bound).
    cached: usize,
    /// Statements prepared since the connection opened.
    prepared_total: u64,
}

impl Statements {
    /// Whether sqlx's cache may hold a statement prepared in this transaction.
    pub fn is_empty(&self) -> bool {
        self.cached == 0
    }

    /// Whether the cache is full enough to be released before preparing another.
    pub fn is_full(&self) -> bool {
        self.cached >= MAX_PREPARED
    }

    /// Forget everything: sqlx's cache was just cleared.
    pub fn clear(&mut self) {
        self.plans.clear();
        self.texts.clear();
        self.cached = 0;
    }

    /// A statement went into sqlx's cache.
    pub fn note_prepared(&mut self) {
        self.cached += 1;
        self.prepared_total += 1;
    }

    /// SQLite and MySQL: `sql` runs as a statement sqlx prepares on its first run and
    /// keeps in its cache.
    pub fn note_run(&mut self, sql: &str) {
        if !self.texts.contains(sql) {
            self.texts.insert(sql.to_string());
            self.note_prepared();
        }
    }

    /// Statements prepared since the connection opened (each at most once per transaction).
    pub fn prepared_total(&self) -> u64 {
        self.prepared_total
    }

    /// The plan of `sql` that can take `params`, if one was made in this transaction.
    pub fn pg_plan(&self, sql: &str, params: &[TypedValue]) -> Option<Arc<PgPlan>> {
        self.plans
            .get(sql)?
            .iter()
            .find(|plan| plan.takes(params))
            .cloned()
    }

    /// How many plans `sql` has: the next one's variant number.
    pub fn pg_variants(&self, sql: &str) -> usize {
        self.plans.get(sql).map_or(0, Vec::len)
    }

    /// Keep a plan made for `sql` (its statements noted with [`Self::note_prepared`]).
    pub fn add_pg_plan(&mut self, sql: &str, plan: PgPlan) -> Arc<PgPlan> {
        let plan = Arc::new(plan);
        self.plans
            .entry(sql.to_string())
            .or_default()
            .push(plan.clone());
        plan
    }
}

/// A PostgreSQL statement prepared for one set of parameter types.
#[derive(Debug)]
pub(crate) struct PgPlan {
    /// The text prepared: the statement with `$n::text::<type>` where a string needs it
    /// (see [`super::params::recast`]), and on a second or later variant a comment that
    /// keeps it apart in sqlx's cache ([`variant_text`]).
    pub sql: String,
    /// Per parameter: whether the SQL casts it, so a string goes as `text`.
    pub cast: Vec<bool>,
    /// The parameter types PostgreSQL settled on when the statement was prepared.
    pub types: Vec<PgTypeInfo>,
    /// The result columns (none for a statement that returns no rows).
    pub columns: Vec<Column>,
}

impl PgPlan {
    /// A plan from what PostgreSQL said of the prepared statement.
    pub fn new(sql: String, cast: Vec<bool>, statement: &sqlx::postgres::PgStatement) -> PgPlan {
        let types = match statement.parameters() {
            Some(sqlx::Either::Left(types)) => types.to_vec(),
            _ => Vec::new(),
        };
        let columns = statement
            .columns()
            .iter()
            .map(|col| Column {
                name: col.name().to_string(),
                type_name: col.type_info().name().to_string(),
            })
            .collect();
        PgPlan {
            sql,
            cast,
            types,
            columns,
        }
    }

    /// Whether these values can be bound to this plan: each is NULL, or its binary form
    /// is of the parameter's type (a string: the type reads text as it is).
    pub fn takes(&self, params: &[TypedValue]) -> bool {
        params.len() == self.types.len()
            && params.iter().enumerate().all(|(i, value)| {
                if *value == TypedValue::Null {
                    return true;
                }
                match typed::pg_oid(value, self.cast[i]) {
                    0 => typed::pg_takes_text(&self.types[i]),
                    oid => self.types[i].oid().is_some_and(|o| o.0 == oid),
                }
            })
    }
}

/// The text of a statement's `variant`-th plan: the statement itself for the first, then
/// with a comment that makes sqlx (whose cache is keyed by text) prepare it apart.
pub(crate) fn variant_text(sql: &str, variant: usize) -> String {
    if variant == 0 {
        sql.to_string()
    } else {
        format!("{sql}\n/* alembic_rs: parameter types {variant} */")
    }
}

/// Whether what was prepared before `sql` may still be used after it: plain reads and
/// writes of rows (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `WITH`, ...) leave it valid.
/// Anything else (DDL, `SET`, transaction control, `SELECT ... INTO`, several statements
/// in one text) may change the schema or end the transaction.
pub(crate) fn keeps_plans(sql: &str) -> bool {
    let body = sql.trim().trim_end_matches(';');
    if body.contains(';') {
        return false;
    }
    let mut words = Words::new(body);
    let Some(first) = words.next() else {
        return true;
    };
    match first.to_ascii_lowercase().as_str() {
        // `SELECT ... INTO new_table` creates a table (PostgreSQL)
        "select" | "with" => !Words::new(body).any(|w| w.eq_ignore_ascii_case("into")),
        "insert" | "update" | "delete" | "merge" | "values" | "table" | "show" | "explain"
        | "replace" => true,
        _ => false,
    }
}

/// The words of SQL text, outside quotes and comments (an approximation: enough to
/// classify a statement, erring towards "may change the schema").
struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    fn new(sql: &'a str) -> Words<'a> {
        Words { rest: sql }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let s = self.rest;
            let mut chars = s.char_indices();
            let (start, c) = chars.next()?;
            debug_assert_eq!(start, 0);
            if c.is_alphabetic() || c == '_' {
                let end = s
                    .char_indices()
                    .find(|&(_, ch)| !(ch.is_alphanumeric() || ch == '_' || ch == '$'))
                    .map_or(s.len(), |(n, _)| n);
                self.rest = &s[end..];
                return Some(&s[..end]);
            }
            let skip = if s.starts_with("--") {
                s.find('\n').map_or(s.len(), |n| n + 1)
            } else if let Some(comment) = s.strip_prefix("/*") {
                comment.find("*/").map_or(s.len(), |n| n + 4)
            } else if c == '\'' || c == '"' || c == '`' {
                s[1..].find(c).map_or(s.len(), |n| n + 2)
            } else {
                c.len_utf8()
            };
            self.rest = &s[skip..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_that_keep_plans() {
        let keep = [
            "SELECT id FROM users LIMIT 10 OFFSET 0",
            "  select 1;",
            "(SELECT 1) UNION (SELECT 2)",
            "-- a comment\nUPDATE users SET status = 'active' WHERE id = $1",
            "/* hint */ INSERT INTO t VALUES ($1)",
            "DELETE FROM t WHERE id = ?",
            "WITH x AS (SELECT 1) SELECT * FROM x",
            "SELECT 'into' FROM t",
            "SHOW search_path",
            "EXPLAIN SELECT 1",
            "",
        ];
        for sql in keep {
            assert!(keeps_plans(sql), "{sql}");
        }
        let release = [
            "ALTER TABLE users ADD COLUMN x INT",
            "CREATE TABLE t (id INT)",
            "DROP TABLE t",
            "COMMIT",
            "rollback",
            "BEGIN",
            "SET search_path TO other",
            "SELECT * INTO new_table FROM t",
            "select a into b from c",
            "UPDATE t SET a = 1; DROP TABLE t",
            "DO $$ BEGIN END $$",
            "CALL p()",
            "TRUNCATE t",
            "PRAGMA foreign_keys = ON",
            "VACUUM",
        ];
        for sql in release {
            assert!(!keeps_plans(sql), "{sql}");
        }
    }

    #[test]
    fn words_skip_quotes_and_comments() {
        let words: Vec<_> = Words::new("SELECT 'a b' /* c */ \"d e\" -- f\n g_1").collect();
        assert_eq!(words, ["SELECT", "g_1"]);
    }

    #[test]
    fn variants_are_apart() {
        assert_eq!(variant_text("SELECT $1", 0), "SELECT $1");
        assert_ne!(variant_text("SELECT $1", 1), variant_text("SELECT $1", 2));
    }
}
