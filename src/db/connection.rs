//! One native connection per backend, behind a single type.

use std::future::poll_fn;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow, PgTypeInfo};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{
    AssertSqlSafe, Column as _, ConnectOptions, Either, Executor, Row, SqlSafeStr, Statement,
    TypeInfo, ValueRef,
};

use super::batch;
use super::prepared::{self, PgPlan, Statements};
use super::typed::{self, BoundResult, PgParam, TypedValue};
use super::url::{DbUrl, quote};
use super::{BatchError, DbError, Dialect, Value};

/// A native database connection opened from a SQLAlchemy URL.
///
/// Transactions are plain `BEGIN`/`COMMIT`/`ROLLBACK` statements; the connection
/// remembers whether it opened one (`in_transaction`).
pub struct Connection {
    driver: Driver,
    backend: Dialect,
    /// The URL with its password hidden, for messages.
    url: String,
    in_transaction: bool,
    /// What the PEP 249 adapter prepared in this transaction.
    statements: Statements,
    /// The SQLite database file (for the migration lock, see `lock.rs`).
    pub(super) sqlite_file: Option<std::path::PathBuf>,
    /// The open SQLite file holding the migration lock while a run has it.
    pub(super) sqlite_lock: Option<std::fs::File>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .field("in_transaction", &self.in_transaction)
            .finish()
    }
}

enum Driver {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
    Mysql(MySqlConnection),
    Closed,
}

/// Run `$body` with `$c` bound to whichever sqlx connection this is.
macro_rules! with_driver {
    ($self:expr, $c:ident => $body:expr) => {
        match &mut $self.driver {
            Driver::Postgres($c) => $body,
            Driver::Sqlite($c) => $body,
            Driver::Mysql($c) => $body,
            Driver::Closed => Err(DbError::Closed),
        }
    };
}

impl Connection {
    /// Open a connection from a SQLAlchemy URL (`postgresql+psycopg://...`,
    /// `sqlite:///file.db`, `mysql+pymysql://...`).
    ///
    /// URLs that cannot be served natively (an in-memory SQLite database, another
    /// dialect or driver) give [`DbError::NotNative`]: use SQLAlchemy for those.
    pub async fn connect(url: &str) -> Result<Connection, DbError> {
        let parsed = DbUrl::parse(url)?;
        let redacted = parsed.redacted();
        let not_native = |reason: String| DbError::NotNative {
            url: redacted.clone(),
            reason,
        };
        let backend = parsed
            .backend()
            .ok_or_else(|| not_native(format!("no native driver for '{}'", parsed.drivername)))?;
        let failed = |e: sqlx::Error| connect_error(&parsed, e);
        let mut sqlite_file = None;
        let (driver, backend) = match backend {
            Dialect::Postgresql => {
                let options = postgres_options(&parsed).map_err(failed)?;
                let conn = options.connect().await.map_err(failed)?;
                (Driver::Postgres(conn), backend)
            }
            Dialect::Sqlite => {
                let options = sqlite_options(&parsed).map_err(not_native)?;
                sqlite_file = Some(options.get_filename().to_path_buf());
                let conn = options.connect().await.map_err(failed)?;
                (Driver::Sqlite(conn), backend)
            }
            Dialect::Mysql | Dialect::Mariadb => {
                let options = mysql_options(&parsed).map_err(failed)?;
                let mut conn = options.connect().await.map_err(failed)?;
                // SQLAlchemy tells MariaDB apart by the server version, whatever the URL says
                let version: String = sqlx::query_scalar("SELECT VERSION()")
                    .persistent(false)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(failed)?;
                let backend = if version.to_ascii_lowercase().contains("mariadb") {
                    Dialect::Mariadb
                } else {
                    Dialect::Mysql
                };
                (Driver::Mysql(conn), backend)
            }
        };
        Ok(Connection {
            driver,
            backend,
            url: redacted,
            in_transaction: false,
            statements: Statements::default(),
            sqlite_file,
            sqlite_lock: None,
        })
    }

    /// The database behind this connection.
    pub fn backend(&self) -> Dialect {
        self.backend
    }

    /// The connection URL, password hidden.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether `begin()` opened a transaction that is not yet committed or rolled back.
    pub fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// Whether `close()` was called.
    pub fn is_closed(&self) -> bool {
        matches!(self.driver, Driver::Closed)
    }

    /// Run SQL text (one statement, or several separated by `;`) and return the number of
    /// rows affected.
    pub async fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        self.release_before(&[sql]).await?;
        let owned = AssertSqlSafe(sql.to_string());
        let result: Result<u64, sqlx::Error> = with_driver!(self, c => Ok(
            sqlx::raw_sql(owned).execute(&mut *c).await.map(|r| r.rows_affected())
        ))?;
        result.map_err(|e| DbError::statement(sql, e))
    }

    /// Run several statements in as few round trips as the driver allows.
    ///
    /// On failure the error names the statement that failed and its position. Statements
    /// before it have run, though on PostgreSQL outside a transaction those of the same
    /// round trip are rolled back with it (an implicit transaction). Statements after it
    /// are not sent.
    ///
    /// Returns the rows each statement affected, in the order given (0 for those with
    /// nothing but comments), so callers can check a version-table UPDATE as alembic does.
    pub async fn execute_batch(&mut self, statements: &[String]) -> Result<Vec<u64>, BatchError> {
        if !self.statements.is_empty() {
            let texts: Vec<&str> = statements.iter().map(String::as_str).collect();
            self.release_before(&texts)
                .await
                .map_err(|error| BatchError {
                    index: 0,
                    statement: texts.first().copied().unwrap_or_default().to_string(),
                    error,
                })?;
        }
        let backend = self.backend;
        let mut affected = vec![0; statements.len()];
        for chunk in batch::plan(statements, backend) {
            let outcome: Result<Vec<u64>, (usize, sqlx::Error)> = with_driver!(self, c => {
                Ok(run_counted(
                    sqlx::raw_sql(AssertSqlSafe(chunk.sql.clone())).fetch_many(&mut *c),
                    |r| r.rows_affected(),
                )
                .await)
            })
            .map_err(|error| BatchError {
                index: chunk.indexes[0],
                statement: statements[chunk.indexes[0]].clone(),
                error,
            })?;
            let counts = match outcome {
                Ok(counts) => counts,
                Err((done, err)) => {
                    // A syntax error stops PostgreSQL before it runs anything; its position
                    // in the text, not the count of finished statements, says which one.
                    let at = syntax_error_position(&err)
                        .and_then(|p| chunk.statement_at_char(p))
                        .unwrap_or(done);
                    let index = chunk.indexes[at.min(chunk.indexes.len() - 1)];
                    let statement = statements[index].clone();
                    return Err(BatchError {
                        index,
                        error: DbError::statement(&statement, err),
                        statement,
                    });
                }
            };
            if let [index] = chunk.indexes[..] {
                // a statement sent alone may hold several (an inner `;`): its total
                affected[index] = counts.iter().sum();
            } else {
                for (&index, n) in chunk.indexes.iter().zip(counts) {
                    affected[index] = n;
                }
            }
        }
        Ok(affected)
    }

    /// Run a query and return its rows.
    pub async fn query(&mut self, sql: &str) -> Result<Vec<Vec<Value>>, DbError> {
        self.release_before(&[sql]).await?;
        let owned = AssertSqlSafe(sql.to_string());
        let fail = |e| DbError::statement(sql, e);
        match &mut self.driver {
            Driver::Postgres(c) => {
                let rows = sqlx::raw_sql(owned)
                    .fetch_all(&mut *c)
                    .await
                    .map_err(fail)?;
                rows.iter().map(|r| pg_row(r).map_err(fail)).collect()
            }
            Driver::Sqlite(c) => {
                let rows = sqlx::raw_sql(owned)
                    .fetch_all(&mut *c)
                    .await
                    .map_err(fail)?;
                rows.iter().map(|r| sqlite_row(r).map_err(fail)).collect()
            }
            Driver::Mysql(c) => {
                let rows = sqlx::raw_sql(owned)
                    .fetch_all(&mut *c)
                    .await
                    .map_err(fail)?;
                rows.iter().map(|r| mysql_row(r).map_err(fail)).collect()
            }
            Driver::Closed => Err(DbError::Closed),
        }
    }

    /// Run a query and return the first column of its first row, if any.
    pub async fn query_scalar(&mut self, sql: &str) -> Result<Option<Value>, DbError> {
        let rows = self.query(sql).await?;
        Ok(rows.into_iter().next().and_then(|r| r.into_iter().next()))
    }

    /// Run one statement with bound parameters (the PEP 249 adapter's path): `sql` uses
    /// the backend's placeholders (see [`super::params::convert`]), `params` their values
    /// in order, `cast[i]` whether the SQL casts parameter `i` (PostgreSQL).
    ///
    /// The statement is prepared once per transaction and run by name after that (see
    /// [`prepared`]). Values come back typed ([`TypedValue`]); the columns are known even
    /// when no row is.
    pub async fn query_bound(
        &mut self,
        sql: &str,
        params: &[TypedValue],
        cast: &[bool],
    ) -> Result<BoundResult, DbError> {
        let fail = |e| DbError::statement(sql, e);
        let keeps_plans = prepared::keeps_plans(sql);
        if !keeps_plans || self.statements.is_full() {
            // before a statement that may end the transaction, or to make room
            self.release_statements().await.map_err(fail)?;
        }
        let statements = &mut self.statements;
        let outcome = match &mut self.driver {
            Driver::Postgres(c) => pg_bound(c, statements, sql, params, cast).await,
            Driver::Sqlite(c) => sqlite_bound(c, statements, sql, params).await,
            Driver::Mysql(c) => mysql_bound(c, statements, sql, params).await,
            Driver::Closed => return Err(DbError::Closed),
        };
        // A statement that may have changed the schema: nothing prepared before it may
        // run again. Outside a transaction, on PostgreSQL, each statement is a
        // transaction of its own, which behind a pooler may run on any server session.
        let outside = !self.in_transaction && self.backend == Dialect::Postgresql;
        if !keeps_plans || outside {
            let released = self.release_statements().await;
            let result = outcome.map_err(fail)?;
            released.map_err(fail)?;
            return Ok(result);
        }
        outcome.map_err(fail)
    }

    /// Close every statement prepared in this transaction (none: no round trip).
    async fn release_statements(&mut self) -> Result<(), sqlx::Error> {
        if self.statements.is_empty() {
            return Ok(());
        }
        self.statements.clear();
        match &mut self.driver {
            Driver::Postgres(c) => sqlx::Connection::clear_cached_statements(c).await,
            Driver::Sqlite(c) => sqlx::Connection::clear_cached_statements(c).await,
            Driver::Mysql(c) => sqlx::Connection::clear_cached_statements(c).await,
            Driver::Closed => Ok(()),
        }
    }

    /// Release what is prepared before running `sql` through one of the plain-text paths
    /// if it may end the transaction or change the schema.
    async fn release_before(&mut self, sql: &[&str]) -> Result<(), DbError> {
        if self.statements.is_empty() || sql.iter().all(|s| prepared::keeps_plans(s)) {
            return Ok(());
        }
        let first = sql.first().copied().unwrap_or_default();
        self.release_statements()
            .await
            .map_err(|e| DbError::statement(first, e))
    }

    /// Statements the PEP 249 adapter prepared since the connection opened: each
    /// distinct statement once per transaction (and per set of parameter types).
    pub fn statements_prepared(&self) -> u64 {
        self.statements.prepared_total()
    }

    /// `BEGIN` a transaction. A transaction already open is kept, not nested: as
    /// alembic's `_safe_begin_connection_transaction` adopts the one SQLAlchemy autobegan
    /// (after a migration called `op.get_bind().commit()`, say).
    pub async fn begin(&mut self) -> Result<(), DbError> {
        if self.in_transaction {
            return Ok(());
        }
        self.execute(super::BEGIN).await?;
        self.in_transaction = true;
        Ok(())
    }

    /// `COMMIT` the transaction. The transaction is over even when this fails.
    pub async fn commit(&mut self) -> Result<(), DbError> {
        self.in_transaction = false;
        self.execute(super::COMMIT).await.map(drop)
    }

    /// `ROLLBACK` the transaction.
    pub async fn rollback(&mut self) -> Result<(), DbError> {
        self.in_transaction = false;
        self.execute(super::ROLLBACK).await.map(drop)
    }

    /// On MySQL/MariaDB, turn the session's autocommit off, as PyMySQL keeps it: after a
    /// transaction ends (or DDL commits it implicitly) the next statements still wait for a
    /// `COMMIT`. Elsewhere nothing to do.
    pub async fn autocommit_off(&mut self) -> Result<(), DbError> {
        if self.backend.is_mysql_family() {
            self.execute("SET autocommit = 0").await?;
        }
        Ok(())
    }

    /// The server's version string (for SQLite, the library's: `3.46.0`).
    pub async fn server_version(&mut self) -> Result<String, DbError> {
        let sql = match self.backend {
            Dialect::Postgresql => "SHOW server_version",
            Dialect::Sqlite => "SELECT sqlite_version()",
            Dialect::Mysql | Dialect::Mariadb => "SELECT VERSION()",
        };
        Ok(text_of(self.query_scalar(sql).await?).unwrap_or_default())
    }

    /// Whether a table (or view) exists, in `schema` or else where an unqualified name
    /// would find it.
    pub async fn has_table(&mut self, name: &str, schema: Option<&str>) -> Result<bool, DbError> {
        let found: Result<bool, (&'static str, sqlx::Error)> = match &mut self.driver {
            Driver::Postgres(c) => {
                // relkinds as SQLAlchemy's has_table: tables, partitioned, views, matviews, foreign
                let sql = match schema {
                    Some(_) => {
                        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c \
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                         WHERE c.relname = $1 AND n.nspname = $2 \
                         AND c.relkind IN ('r', 'p', 'f', 'v', 'm'))"
                    }
                    None => {
                        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c \
                         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                         WHERE c.relname = $1 AND pg_catalog.pg_table_is_visible(c.oid) \
                         AND n.nspname != 'pg_catalog' AND ($2::text IS NULL) \
                         AND c.relkind IN ('r', 'p', 'f', 'v', 'm'))"
                    }
                };
                // not kept in sqlx's cache, which holds the adapter's statements only
                sqlx::query_scalar(sql)
                    .persistent(false)
                    .bind(name)
                    .bind(schema)
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| (sql, e))
            }
            Driver::Sqlite(c) => {
                // pragma_table_info with no schema searches temp, main and attached databases
                let sql = "SELECT count(*) > 0 FROM pragma_table_info(?1, ?2)";
                // not kept in sqlx's cache, which holds the adapter's statements only
                sqlx::query_scalar(sql)
                    .persistent(false)
                    .bind(name)
                    .bind(schema)
                    .fetch_one(&mut *c)
                    .await
                    .map_err(|e| (sql, e))
            }
            Driver::Mysql(c) => {
                let sql = "SELECT COUNT(*) > 0 FROM information_schema.tables \
                           WHERE table_name = ? AND table_schema = COALESCE(?, DATABASE())";
                sqlx::query_scalar::<_, i64>(sql)
                    .persistent(false)
                    .bind(name)
                    .bind(schema)
                    .fetch_one(&mut *c)
                    .await
                    .map(|n| n != 0)
                    .map_err(|e| (sql, e))
            }
            Driver::Closed => return Err(DbError::Closed),
        };
        found.map_err(|(sql, e)| DbError::statement(sql, e))
    }

    /// The schema unqualified names resolve to: PostgreSQL's `current_schema()`, the
    /// MySQL database, SQLite's `main`.
    pub async fn current_schema(&mut self) -> Result<Option<String>, DbError> {
        let sql = match self.backend {
            Dialect::Postgresql => "SELECT current_schema()",
            Dialect::Mysql | Dialect::Mariadb => "SELECT DATABASE()",
            Dialect::Sqlite => return Ok(Some("main".to_string())),
        };
        Ok(text_of(self.query_scalar(sql).await?))
    }

    /// The database name: PostgreSQL's `current_database()`, the MySQL database, the
    /// SQLite file of `main`.
    pub async fn database_name(&mut self) -> Result<Option<String>, DbError> {
        let sql = match self.backend {
            Dialect::Postgresql => "SELECT current_database()",
            Dialect::Mysql | Dialect::Mariadb => "SELECT DATABASE()",
            Dialect::Sqlite => "SELECT file FROM pragma_database_list WHERE name = 'main'",
        };
        Ok(text_of(self.query_scalar(sql).await?))
    }

    /// Drop the connection without a goodbye: for a call interrupted half-way, after
    /// which its state is unknown. Later calls get [`DbError::Closed`].
    pub fn abandon(&mut self) {
        self.in_transaction = false;
        self.statements.clear();
        self.driver = Driver::Closed;
    }

    /// Close the connection politely. Closing twice is harmless.
    pub async fn close(&mut self) -> Result<(), DbError> {
        // behind a pooler the server session outlives this connection: leave nothing
        // prepared on it (and close anyway)
        let _ = self.release_statements().await;
        self.in_transaction = false;
        let result = match std::mem::replace(&mut self.driver, Driver::Closed) {
            Driver::Postgres(c) => sqlx::Connection::close(c).await,
            Driver::Sqlite(c) => sqlx::Connection::close(c).await,
            Driver::Mysql(c) => sqlx::Connection::close(c).await,
            Driver::Closed => Ok(()),
        };
        result.map_err(|e| DbError::Connect {
            url: self.url.clone(),
            message: super::describe(&e).0,
        })
    }
}

/// One bound statement on PostgreSQL, run by name through the plan of its parameter
/// types (made on its first run in the transaction: one round trip to prepare it, then
/// one per execution).
// `fetch_many` (deprecated for its multi-statement use) is the one call that gives
// both the rows and the affected-row count of a single statement
#[allow(deprecated)]
async fn pg_bound(
    c: &mut PgConnection,
    statements: &mut Statements,
    sql: &str,
    params: &[TypedValue],
    cast: &[bool],
) -> Result<BoundResult, sqlx::Error> {
    let plan = match statements.pg_plan(sql, params) {
        Some(plan) => plan,
        None => pg_prepare(c, statements, sql, params, cast).await?,
    };
    let mut q = sqlx::query(AssertSqlSafe(plan.sql.clone())).persistent(true);
    for (i, value) in params.iter().enumerate() {
        q = q.bind(PgParam {
            value,
            cast: plan.cast[i],
            // should sqlx have to prepare it again, the types stay those of the plan
            declared: plan.types.get(i),
        });
    }
    let mut result = BoundResult {
        columns: plan.columns.clone(),
        ..BoundResult::default()
    };
    let rows = &mut result.rows;
    let mut affected = 0;
    drain(
        q.fetch_many(&mut *c),
        |r| affected += r.rows_affected(),
        |row: PgRow| {
            rows.push(typed::pg_typed_row(&row)?);
            Ok(())
        },
    )
    .await?;
    result.rows_affected = affected;
    Ok(result)
}

/// Prepare `sql` for these parameters' types and keep its plan for the transaction.
///
/// PostgreSQL fixes a parameter's type when the statement is prepared: a value given
/// with no type (NULL, a string) takes the one the statement needs. A string whose
/// parameter turns out to be of a type whose binary form is not text (a date, a
/// number) is cast in the SQL (`$1::text::date`), as psycopg's strings are read, and
/// that text prepared instead.
async fn pg_prepare(
    c: &mut PgConnection,
    statements: &mut Statements,
    sql: &str,
    params: &[TypedValue],
    cast: &[bool],
) -> Result<Arc<PgPlan>, sqlx::Error> {
    let type_of = |oid: u32| PgTypeInfo::with_oid(sqlx::postgres::types::Oid(oid));
    // a text sqlx already holds (another statement's variant, written out by the user)
    // may have been prepared for other types: then the next variant
    for _ in 0..4 {
        let mut cast: Vec<bool> = (0..params.len())
            .map(|i| cast.get(i).copied().unwrap_or(false))
            .collect();
        let mut text = prepared::variant_text(sql, statements.pg_variants(sql));
        let declared: Vec<PgTypeInfo> = params
            .iter()
            .zip(&cast)
            .map(|(v, c)| type_of(typed::pg_oid(v, *c)))
            .collect();
        let mut statement = c
            .prepare_with(AssertSqlSafe(text.clone()).into_sql_str(), &declared)
            .await?;
        statements.note_prepared();
        let types: Vec<PgTypeInfo> = match statement.parameters() {
            Some(Either::Left(types)) => types.to_vec(),
            _ => Vec::new(),
        };
        let untyped_text = |i: usize| matches!(params[i], TypedValue::Text(_));
        let mut recast = false;
        for (i, info) in types.iter().enumerate().take(params.len()) {
            if untyped_text(i) && !cast[i] && !typed::pg_takes_text(info) {
                text = super::params::recast(&text, i + 1, info.name());
                cast[i] = true;
                recast = true;
            }
        }
        if recast {
            let declared: Vec<PgTypeInfo> = (0..params.len())
                .map(|i| match types.get(i) {
                    Some(_) if untyped_text(i) && cast[i] => type_of(25),
                    Some(info) => info.clone(),
                    None => declared[i].clone(),
                })
                .collect();
            statement = c
                .prepare_with(AssertSqlSafe(text.clone()).into_sql_str(), &declared)
                .await?;
            statements.note_prepared();
        }
        let plan = statements.add_pg_plan(sql, PgPlan::new(text, cast, &statement));
        if plan.takes(params) {
            return Ok(plan);
        }
    }
    Err(sqlx::Error::Protocol(format!(
        "no prepared form of the statement takes these parameters' types: {sql}"
    )))
}

/// One bound statement on SQLite; sqlx keeps it prepared in its cache.
#[allow(deprecated)]
async fn sqlite_bound(
    c: &mut SqliteConnection,
    statements: &mut Statements,
    sql: &str,
    params: &[TypedValue],
) -> Result<BoundResult, sqlx::Error> {
    let owned = || AssertSqlSafe(sql.to_string());
    statements.note_run(sql);
    let mut q = sqlx::query(owned()).persistent(true);
    for v in params {
        q = typed::bind_sqlite(q, v);
    }
    let mut result = BoundResult::default();
    let rows = &mut result.rows;
    let columns = &mut result.columns;
    let (mut affected, mut last) = (0, None);
    drain(
        q.fetch_many(&mut *c),
        |r| {
            affected += r.rows_affected();
            last = Some(r.last_insert_rowid());
        },
        |row: SqliteRow| {
            if columns.is_empty() {
                *columns = columns_of(&row);
            }
            rows.push(typed::sqlite_typed_row(&row)?);
            Ok(())
        },
    )
    .await?;
    (result.rows_affected, result.last_insert_id) = (affected, last);
    if result.rows.is_empty() && may_return_rows(sql) {
        // SQLite describes locally; a statement that cannot be prepared again
        // simply has no columns
        if let Ok(statement) = c.prepare(owned().into_sql_str()).await {
            result.columns = statement
                .columns()
                .iter()
                .map(|col| typed::Column {
                    name: col.name().to_string(),
                    type_name: col.type_info().name().to_string(),
                })
                .collect();
        }
    }
    Ok(result)
}

/// One bound statement on MySQL/MariaDB; sqlx keeps it prepared in its cache.
#[allow(deprecated)]
async fn mysql_bound(
    c: &mut MySqlConnection,
    statements: &mut Statements,
    sql: &str,
    params: &[TypedValue],
) -> Result<BoundResult, sqlx::Error> {
    let owned = || AssertSqlSafe(sql.to_string());
    statements.note_run(sql);
    let mut q = sqlx::query(owned()).persistent(true);
    for v in params {
        q = typed::bind_mysql(q, v);
    }
    let mut result = BoundResult::default();
    let mut binary = true;
    let (mut affected, mut last) = (0, None);
    let mut rows = Vec::new();
    let outcome = drain(
        q.fetch_many(&mut *c),
        |r| {
            affected += r.rows_affected();
            last = Some(r.last_insert_id() as i64);
        },
        |row: MySqlRow| {
            rows.push(row);
            Ok(())
        },
    )
    .await;
    match outcome {
        // "This command is not supported in the prepared statement protocol yet"
        Err(sqlx::Error::Database(e))
            if params.is_empty()
                && e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .is_some_and(|m| m.number() == 1295) =>
        {
            binary = false;
            rows.clear();
            drain(
                sqlx::raw_sql(owned()).fetch_many(&mut *c),
                |r| {
                    affected += r.rows_affected();
                    last = Some(r.last_insert_id() as i64);
                },
                |row: MySqlRow| {
                    rows.push(row);
                    Ok(())
                },
            )
            .await?;
        }
        other => other?,
    }
    for row in rows {
        if result.columns.is_empty() {
            result.columns = columns_of(&row);
        }
        result.rows.push(typed::mysql_typed_row(&row, binary)?);
    }
    (result.rows_affected, result.last_insert_id) = (affected, last);
    if result.rows.is_empty() && binary && may_return_rows(sql) {
        // prepared above: sqlx has it in its cache
        let statement = c.prepare(owned().into_sql_str()).await?;
        result.columns = statement
            .columns()
            .iter()
            .map(|col| typed::Column {
                name: col.name().to_string(),
                type_name: col.type_info().name().to_string(),
            })
            .collect();
    }
    Ok(result)
}

fn text_of(value: Option<Value>) -> Option<String> {
    match value {
        Some(Value::Text(s)) => Some(s),
        Some(Value::Bytes(b)) => Some(String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    }
}

/// Whether a statement that gave no row may still have result columns (a `SELECT` that
/// matched nothing): statements that never return rows are not described again.
fn may_return_rows(sql: &str) -> bool {
    let lowered = sql.trim_start().to_ascii_lowercase();
    let first = lowered
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    const NEVER: &[&str] = &[
        "create",
        "alter",
        "drop",
        "insert",
        "update",
        "delete",
        "truncate",
        "grant",
        "revoke",
        "comment",
        "set",
        "begin",
        "commit",
        "rollback",
        "savepoint",
        "release",
        "lock",
        "analyze",
        "vacuum",
        "do",
        "call",
        "start",
        "rename",
        "use",
        "replace",
    ];
    !NEVER.contains(&first) || lowered.contains("returning")
}

/// The result columns of a row: names and type names.
fn columns_of<R: Row>(row: &R) -> Vec<typed::Column> {
    row.columns()
        .iter()
        .map(|col| typed::Column {
            name: col.name().to_string(),
            type_name: col.type_info().name().to_string(),
        })
        .collect()
}

/// Drain a result stream, handing each statement result and each row over.
async fn drain<Q, R>(
    mut stream: ResultStream<'_, Q, R>,
    mut on_result: impl FnMut(Q),
    mut on_row: impl FnMut(R) -> Result<(), sqlx::Error>,
) -> Result<(), sqlx::Error> {
    while let Some(item) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        match item? {
            Either::Left(r) => on_result(r),
            Either::Right(row) => on_row(row)?,
        }
    }
    Ok(())
}

/// What `raw_sql(..).fetch_many(..)` streams: one `Left` per completed statement.
type ResultStream<'a, Q, R> =
    Pin<Box<dyn Stream<Item = Result<Either<Q, R>, sqlx::Error>> + Send + 'a>>;

/// Drain a multi-statement result stream into the rows each statement affected; on
/// error, say how many statements completed.
async fn run_counted<Q, R>(
    mut stream: ResultStream<'_, Q, R>,
    rows_affected: impl Fn(&Q) -> u64,
) -> Result<Vec<u64>, (usize, sqlx::Error)> {
    let mut counts = Vec::new();
    while let Some(item) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        match item {
            Ok(Either::Left(r)) => counts.push(rows_affected(&r)),
            Ok(Either::Right(_)) => {}
            Err(e) => return Err((counts.len(), e)),
        }
    }
    Ok(counts)
}

/// A connection error naming the URL with its password hidden. The driver's message is
/// scrubbed too, in case it echoes the password.
fn connect_error(url: &DbUrl, err: sqlx::Error) -> DbError {
    let (mut message, _) = super::describe(&err);
    if let Some(password) = url.password.as_deref().filter(|p| !p.is_empty()) {
        message = message.replace(password, "***");
    }
    DbError::Connect {
        url: url.redacted(),
        message,
    }
}

/// PostgreSQL options as libpq would take them from the URL: `?host=/dir` for a Unix
/// socket, `sslmode` and friends; `~/.pgpass` and the `PG*` variables fill the gaps.
/// Arguments sqlx does not know (`channel_binding`, `connect_timeout`, ...) are ignored.
fn postgres_options(url: &DbUrl) -> Result<PgConnectOptions, sqlx::Error> {
    let mut args: Vec<(&str, &str)> = Vec::new();
    if let Some(user) = url.username.as_deref().filter(|u| !u.is_empty()) {
        args.push(("user", user));
    }
    if let Some(password) = url.password.as_deref().filter(|p| !p.is_empty()) {
        args.push(("password", password));
    }
    if let Some(db) = url.database.as_deref().filter(|d| !d.is_empty()) {
        args.push(("dbname", db));
    }
    if let Some(host) = url.host.as_deref() {
        args.push(("host", host));
    }
    let port = url.port.map(|p| p.to_string());
    if let Some(port) = port.as_deref() {
        args.push(("port", port));
    }
    const PASSED: &[&str] = &[
        "host",
        "port",
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "application_name",
        "options",
    ];
    for (k, v) in &url.query {
        if PASSED.contains(&k.as_str()) {
            args.push((k, v));
        }
    }
    // libpq's default `prefer` would negotiate TLS even over loopback, where it buys
    // nothing and its handshake costs tens of milliseconds: a URL that says nothing
    // about TLS gets none there. Remote hosts keep `prefer`; `sslmode=` always wins.
    if url.query_value("sslmode").is_none()
        && std::env::var_os("PGSSLMODE").is_none()
        && url.host.as_deref().is_none_or(is_loopback)
    {
        args.push(("sslmode", "disable"));
    }
    // Through sqlx's own URL parser, so `.pgpass` is consulted with the final host,
    // port, user and database.
    let query: Vec<String> = args
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v, "")))
        .collect();
    let options = PgConnectOptions::from_str(&format!("postgres:///?{}", query.join("&")))?;
    Ok(options.disable_statement_logging())
}

/// A host that never leaves this machine: loopback names and addresses, Unix sockets.
fn is_loopback(host: &str) -> bool {
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// SQLite options; `Err` holds why the URL is not served natively.
fn sqlite_options(url: &DbUrl) -> Result<SqliteConnectOptions, String> {
    let file = url.database.as_deref().unwrap_or("");
    if file.is_empty() || file == ":memory:" {
        return Err("an in-memory SQLite database lives in one connection only".into());
    }
    if url.query_value("uri").is_some_and(|v| v == "true") {
        return Err("SQLite URI filenames are left to SQLAlchemy".into());
    }
    let timeout = url
        .query_value("timeout")
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|t| t.is_finite() && *t >= 0.0)
        .unwrap_or(5.0);
    Ok(SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        // pysqlite leaves foreign keys off; sqlx would turn them on
        .foreign_keys(false)
        .busy_timeout(Duration::from_secs_f64(timeout))
        .disable_statement_logging())
}

/// MySQL options as PyMySQL takes them: `charset`, `unix_socket`, `ssl_ca` ...; the
/// session keeps the server's `sql_mode` and time zone, as PyMySQL's does.
fn mysql_options(url: &DbUrl) -> Result<MySqlConnectOptions, sqlx::Error> {
    let mut options = MySqlConnectOptions::new()
        .pipes_as_concat(false)
        .no_engine_substitution(false)
        .timezone(None);
    if let Some(host) = url.host.as_deref() {
        options = options.host(host);
    }
    if let Some(port) = url.port {
        options = options.port(port);
    }
    if let Some(user) = url.username.as_deref().filter(|u| !u.is_empty()) {
        options = options.username(user);
    }
    if let Some(password) = url.password.as_deref().filter(|p| !p.is_empty()) {
        options = options.password(password);
    }
    if let Some(db) = url.database.as_deref().filter(|d| !d.is_empty()) {
        options = options.database(db);
    }
    for (k, v) in &url.query {
        options = match k.as_str() {
            "charset" => options.charset(v),
            "unix_socket" => options.socket(v),
            "ssl_ca" => options.ssl_ca(v),
            "ssl_cert" => options.ssl_client_cert(v),
            "ssl_key" => options.ssl_client_key(v),
            "ssl_mode" | "ssl-mode" => {
                let mode = MySqlSslMode::from_str(&v.replace('_', "-").to_ascii_lowercase())?;
                options.ssl_mode(mode)
            }
            _ => options,
        };
    }
    Ok(options.disable_statement_logging())
}

fn pg_row(row: &PgRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let type_name = raw.type_info().name().to_string();
            Ok(match type_name.as_str() {
                "BOOL" => Value::Bool(row.try_get_unchecked(i)?),
                "INT2" => Value::Int(row.try_get_unchecked::<i16, _>(i)?.into()),
                "INT4" => Value::Int(row.try_get_unchecked::<i32, _>(i)?.into()),
                "INT8" => Value::Int(row.try_get_unchecked(i)?),
                "OID" => Value::Int(
                    row.try_get_unchecked::<sqlx::postgres::types::Oid, _>(i)?
                        .0
                        .into(),
                ),
                "FLOAT4" => Value::Float(row.try_get_unchecked::<f32, _>(i)?.into()),
                "FLOAT8" => Value::Float(row.try_get_unchecked(i)?),
                "BYTEA" => Value::Bytes(row.try_get_unchecked(i)?),
                // everything else in its text form (the simple protocol sends text)
                _ => Value::Text(raw.as_str().map_err(sqlx::Error::Decode)?.to_string()),
            })
        })
        .collect()
}

fn sqlite_row(row: &SqliteRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            // the storage class of this value, not the declared column type
            let type_name = raw.type_info().name().to_string();
            Ok(match type_name.as_str() {
                "INTEGER" | "BOOLEAN" | "INT8" => Value::Int(row.try_get_unchecked(i)?),
                "REAL" => Value::Float(row.try_get_unchecked(i)?),
                "BLOB" => Value::Bytes(row.try_get_unchecked(i)?),
                _ => Value::Text(row.try_get_unchecked(i)?),
            })
        })
        .collect()
}

fn mysql_row(row: &MySqlRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let type_name = raw.type_info().name().to_string();
            let text = || -> Result<Value, sqlx::Error> {
                let bytes: Vec<u8> = row.try_get_unchecked(i)?;
                Ok(match String::from_utf8(bytes) {
                    Ok(s) => Value::Text(s),
                    Err(e) => Value::Bytes(e.into_bytes()),
                })
            };
            Ok(match type_name.as_str() {
                "BOOLEAN" => Value::Bool(row.try_get_unchecked::<i64, _>(i)? != 0),
                "FLOAT" => Value::Float(row.try_get_unchecked::<f32, _>(i)?.into()),
                "DOUBLE" => Value::Float(row.try_get_unchecked(i)?),
                t if t.contains("BINARY") || t.contains("BLOB") => {
                    Value::Bytes(row.try_get_unchecked(i)?)
                }
                // an unsigned BIGINT past i64 stays text
                t if t.contains("INT") => match row.try_get_unchecked::<i64, _>(i) {
                    Ok(n) => Value::Int(n),
                    Err(_) => text()?,
                },
                _ => text()?,
            })
        })
        .collect()
}

/// The character position PostgreSQL gives for an error in the query text.
fn syntax_error_position(err: &sqlx::Error) -> Option<usize> {
    let pg = err
        .as_database_error()?
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    match pg.position()? {
        sqlx::postgres::PgErrorPosition::Original(p) => Some(p),
        _ => None,
    }
}

#[cfg(test)]
mod loopback_tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "127.0.0.1",
            "127.3.2.1",
            "::1",
            "[::1]",
            "/tmp/pg",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["ep-x.neon.tech", "10.0.0.1", "db.example.com"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
