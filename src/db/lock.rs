//! The migration lock: two deployers never migrate one database at once.
//!
//! PostgreSQL takes a session advisory lock, MySQL/MariaDB a named `GET_LOCK`; SQLite
//! an exclusive `flock` on the database file itself (independent of the POSIX record
//! locks SQLite uses, so it never blocks SQLite's own locking, and it holds across the
//! run's several transactions). None leaves anything in the schema; all are released by
//! [`Connection::release_migration_lock`] or, at the latest, when the session ends.

use std::time::{Duration, Instant};

use super::{Connection, DbError, Dialect, Value};

/// How often a waiting run asks again for the lock.
const POLL: Duration = Duration::from_millis(100);

/// The lock a run holds, named after the database and the version table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationLock {
    /// `database.schema.table`, for messages.
    pub name: String,
    key: i64,
}

impl MigrationLock {
    /// The lock for `version_table` (in `schema`) of `database`.
    pub fn new(database: &str, schema: Option<&str>, version_table: &str) -> MigrationLock {
        let name = format!("{database}.{}.{version_table}", schema.unwrap_or(""));
        MigrationLock {
            key: fnv1a(&format!("alembic-rs migration lock {name}")),
            name,
        }
    }

    /// The MySQL lock name: `GET_LOCK` names are limited to 64 characters.
    fn mysql_name(&self) -> String {
        format!("alembic_rs_{:016x}", self.key as u64)
    }
}

/// 64-bit FNV-1a: a stable key across processes and versions (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash as i64
}

fn truthy(value: Option<Value>) -> bool {
    matches!(value, Some(Value::Bool(true)) | Some(Value::Int(1)))
}

impl Connection {
    /// Wait up to `timeout` for the migration lock. `Ok(false)` when it timed out.
    pub async fn acquire_migration_lock(
        &mut self,
        lock: &MigrationLock,
        timeout: Duration,
    ) -> Result<bool, DbError> {
        let deadline = Instant::now() + timeout;
        loop {
            let acquired = match self.backend() {
                Dialect::Postgresql => truthy(
                    self.query_scalar(&format!("SELECT pg_try_advisory_lock({})", lock.key))
                        .await?,
                ),
                Dialect::Mysql | Dialect::Mariadb => truthy(
                    self.query_scalar(&format!("SELECT GET_LOCK('{}', 0)", lock.mysql_name()))
                        .await?,
                ),
                Dialect::Sqlite => self.try_lock_sqlite_file()?,
            };
            if acquired {
                return Ok(true);
            }
            if Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(POLL.min(deadline - Instant::now())).await;
        }
    }

    /// Release the migration lock taken by [`Connection::acquire_migration_lock`].
    pub async fn release_migration_lock(&mut self, lock: &MigrationLock) -> Result<(), DbError> {
        match self.backend() {
            Dialect::Postgresql => {
                self.query_scalar(&format!("SELECT pg_advisory_unlock({})", lock.key))
                    .await?;
            }
            Dialect::Mysql | Dialect::Mariadb => {
                self.query_scalar(&format!("SELECT RELEASE_LOCK('{}')", lock.mysql_name()))
                    .await?;
            }
            Dialect::Sqlite => {
                // closing the file ends its flock
                self.sqlite_lock = None;
            }
        }
        Ok(())
    }

    fn try_lock_sqlite_file(&mut self) -> Result<bool, DbError> {
        if self.sqlite_lock.is_some() {
            return Ok(true);
        }
        let Some(path) = self.sqlite_file.clone() else {
            return Ok(true);
        };
        let io = |e: std::io::Error| DbError::Statement {
            sql: format!("flock({})", path.display()),
            message: e.to_string(),
            code: None,
            number: None,
        };
        let file = std::fs::File::open(&path).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {
                self.sqlite_lock = Some(file);
                Ok(true)
            }
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_database_schema_and_table() {
        let a = MigrationLock::new("app", None, "alembic_version");
        assert_eq!(a, MigrationLock::new("app", None, "alembic_version"));
        assert_ne!(
            a.key,
            MigrationLock::new("other", None, "alembic_version").key
        );
        assert_ne!(
            a.key,
            MigrationLock::new("app", Some("s"), "alembic_version").key
        );
        assert_ne!(a.key, MigrationLock::new("app", None, "versions").key);
        assert!(a.mysql_name().len() <= 64);
    }
}
