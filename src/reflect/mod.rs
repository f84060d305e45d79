//! Schema reflection: the catalog of a database read into the [`model`], set-based.
//!
//! Each dialect runs a fixed number of catalog queries, whatever the number of tables
//! or schemas (one for the columns of every table, one for every constraint ...), and
//! assembles the model in Rust. [`Reflection::queries`] counts them.

mod error;
pub mod model;
mod mysql;
mod postgresql;
mod sqlite;
mod sqlite_ddl;
mod text;

pub use error::ReflectError;
pub use model::Reflection;

use crate::db::{Connection, Value};
use crate::dialect::Dialect;

/// What to reflect.
#[derive(Clone, Debug, Default)]
pub struct ReflectOptions {
    /// The schemas, None standing for the default schema. Empty means `[None]`.
    pub schemas: Vec<Option<String>>,
    /// Tables left out, by (schema as asked, name): the version table, typically.
    pub exclude_tables: Vec<(Option<String>, String)>,
}

impl ReflectOptions {
    fn schemas(&self) -> Vec<Option<String>> {
        if self.schemas.is_empty() {
            vec![None]
        } else {
            let mut seen = Vec::new();
            for s in &self.schemas {
                if !seen.contains(s) {
                    seen.push(s.clone());
                }
            }
            seen
        }
    }

    fn excluded(&self, schema: &Option<String>, name: &str) -> bool {
        self.exclude_tables
            .iter()
            .any(|(s, n)| s == schema && n == name)
    }
}

/// Reflect the schemas of `options` through `conn`.
pub async fn reflect(
    conn: &mut Connection,
    options: &ReflectOptions,
) -> Result<Reflection, ReflectError> {
    let backend = conn.backend();
    let mut catalog = Catalog { conn, queries: 0 };
    let mut reflection = match backend {
        Dialect::Postgresql => postgresql::reflect(&mut catalog, options).await?,
        Dialect::Sqlite => sqlite::reflect(&mut catalog, options).await?,
        Dialect::Mysql | Dialect::Mariadb => mysql::reflect(&mut catalog, options).await?,
    };
    reflection.dialect = backend.name().to_string();
    reflection.queries = catalog.queries;
    Ok(reflection)
}

/// The connection, counting the queries run through it.
struct Catalog<'c> {
    conn: &'c mut Connection,
    queries: u32,
}

impl Catalog<'_> {
    /// Run one catalog query.
    async fn rows(&mut self, sql: &str) -> Result<Vec<Row>, ReflectError> {
        self.queries += 1;
        let rows = self.conn.query(sql).await?;
        Ok(rows.into_iter().map(Row).collect())
    }

    /// Run one catalog query that gives a single JSON array (PostgreSQL's `json_agg`)
    /// and decode its elements.
    async fn json<T: serde::de::DeserializeOwned>(
        &mut self,
        sql: &str,
    ) -> Result<Vec<T>, ReflectError> {
        let rows = self.rows(sql).await?;
        let text = rows
            .first()
            .and_then(|r| r.text(0))
            .unwrap_or_else(|| "[]".to_string());
        serde_json::from_str(&text).map_err(|e| ReflectError::Decode {
            sql: sql.to_string(),
            message: e.to_string(),
        })
    }
}

/// One result row, read by position.
struct Row(Vec<Value>);

impl Row {
    fn text(&self, i: usize) -> Option<String> {
        match self.0.get(i)? {
            Value::Text(s) => Some(s.clone()),
            Value::Int(n) => Some(n.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Value::Null => None,
        }
    }

    fn int(&self, i: usize) -> Option<i64> {
        match self.0.get(i)? {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Text(s) => s.trim().parse().ok(),
            Value::Bytes(b) => std::str::from_utf8(b).ok()?.trim().parse().ok(),
            _ => None,
        }
    }

    fn flag(&self, i: usize) -> bool {
        match self.0.get(i) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Text(s)) => matches!(s.as_str(), "t" | "true" | "1" | "YES"),
            _ => self.int(i).is_some_and(|n| n != 0),
        }
    }
}
