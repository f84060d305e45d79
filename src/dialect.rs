//! The database dialects alembic-rs serves: one type for the renderer (`ddl`), the native
//! connections (`db`) and the runtime, named as SQLAlchemy names them.

use std::fmt;
use std::str::FromStr;

/// A SQL dialect, and the database behind a connection or named by a URL.
///
/// MariaDB is kept apart from MySQL because SQLAlchemy renders some statements
/// differently for it (it supports `INSERT ... RETURNING`, for one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL.
    Postgresql,
    /// SQLite.
    Sqlite,
    /// MySQL.
    Mysql,
    /// MariaDB.
    Mariadb,
}

/// A dialect name that is none of postgresql, sqlite, mysql, mariadb.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown dialect '{0}'")]
pub struct UnknownDialect(pub String);

impl Dialect {
    /// SQLAlchemy's dialect name: `postgresql`, `sqlite`, `mysql`, `mariadb`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgresql => "postgresql",
            Dialect::Sqlite => "sqlite",
            Dialect::Mysql => "mysql",
            Dialect::Mariadb => "mariadb",
        }
    }

    /// A dialect name, optionally with a driver: `postgresql`, `postgres`,
    /// `postgresql+psycopg`, `sqlite`, `mysql`, `mariadb`.
    pub fn from_name(name: &str) -> Result<Dialect, UnknownDialect> {
        let base = name.split_once('+').map_or(name, |(d, _)| d);
        match base.to_ascii_lowercase().as_str() {
            "postgresql" | "postgres" => Ok(Dialect::Postgresql),
            "sqlite" => Ok(Dialect::Sqlite),
            "mysql" => Ok(Dialect::Mysql),
            "mariadb" => Ok(Dialect::Mariadb),
            _ => Err(UnknownDialect(name.to_string())),
        }
    }

    /// MySQL or MariaDB: same wire protocol, same quoting.
    pub fn is_mysql_family(self) -> bool {
        matches!(self, Dialect::Mysql | Dialect::Mariadb)
    }

    /// Whether the default driver's paramstyle makes SQLAlchemy double every `%`.
    pub fn doubles_percents(self) -> bool {
        !matches!(self, Dialect::Sqlite)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    /// [`Dialect::from_name`].
    fn from_str(s: &str) -> Result<Dialect, UnknownDialect> {
        Dialect::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in [
            Dialect::Postgresql,
            Dialect::Sqlite,
            Dialect::Mysql,
            Dialect::Mariadb,
        ] {
            assert_eq!(d.name().parse::<Dialect>().unwrap(), d);
        }
        assert_eq!(
            "postgresql+psycopg".parse::<Dialect>().unwrap(),
            Dialect::Postgresql
        );
        assert_eq!("postgres".parse::<Dialect>().unwrap(), Dialect::Postgresql);
        assert_eq!(
            "oracle".parse::<Dialect>().unwrap_err().to_string(),
            "unknown dialect 'oracle'"
        );
    }
}
