//! SQLAlchemy database URLs: parsing (the same grammar as `sqlalchemy.engine.make_url`)
//! and rendering with the password hidden, for error messages.

use super::{DbError, Dialect};

/// A parsed SQLAlchemy URL: `drivername://user:password@host:port/database?key=value`.
///
/// User name, password and database are percent-decoded, as SQLAlchemy does; the host is
/// kept as written. Query arguments keep their order; a key may repeat.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    /// `postgresql+psycopg`, `sqlite`, `mysql+pymysql`, ...
    pub drivername: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub query: Vec<(String, String)>,
}

impl std::fmt::Debug for DbUrl {
    // Debug output ends up in logs and panics: never show the password there either.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DbUrl").field(&self.redacted()).finish()
    }
}

impl DbUrl {
    /// Parse a URL the way SQLAlchemy's `make_url` does.
    ///
    /// The error never repeats the URL: it may hold a password.
    pub fn parse(url: &str) -> Result<DbUrl, DbError> {
        let invalid = |reason: &str| DbError::InvalidUrl {
            reason: reason.to_string(),
        };
        let (name, rest) = url
            .split_once("://")
            .ok_or_else(|| invalid("expected 'dialect+driver://...'"))?;
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '+')
        {
            return Err(invalid(
                "the dialect name may hold only letters, digits, '_' and '+'",
            ));
        }

        let (username, password, rest) = split_userinfo(rest);

        // host: `[ipv6]` or anything up to ':', '/' or '?'
        let mut host = None;
        let mut rest = rest;
        if let Some(after) = rest.strip_prefix('[') {
            let stop = after.find(['/', '?']).unwrap_or(after.len());
            if let Some(close) = after[..stop].rfind(']').filter(|&i| i > 0) {
                host = Some(after[..close].to_string());
                rest = &after[close + 1..];
            }
        }
        if host.is_none() {
            let end = rest.find(['/', ':', '?']).unwrap_or(rest.len());
            if end > 0 {
                host = Some(rest[..end].to_string());
            }
            rest = &rest[end..];
        }

        let mut port = None;
        if let Some(after) = rest.strip_prefix(':') {
            let end = after.find(['/', '?']).unwrap_or(after.len());
            let text = &after[..end];
            if !text.is_empty() {
                port = Some(
                    text.parse::<u16>()
                        .map_err(|_| invalid(&format!("invalid port '{text}'")))?,
                );
            }
            rest = &after[end..];
        }

        let mut database = None;
        if let Some(after) = rest.strip_prefix('/') {
            let end = after.find('?').unwrap_or(after.len());
            database = Some(unquote(&after[..end]));
            rest = &after[end..];
        }

        let mut query = Vec::new();
        if let Some(qs) = rest.strip_prefix('?') {
            for pair in qs.split('&') {
                // parse_qsl without keep_blank_values: pairs without a value are dropped
                let Some((k, v)) = pair.split_once('=') else {
                    continue;
                };
                if v.is_empty() {
                    continue;
                }
                query.push((unquote_plus(k), unquote_plus(v)));
            }
        }

        Ok(DbUrl {
            drivername: name.to_string(),
            username: username.map(unquote),
            password: password.map(unquote),
            host,
            port,
            database,
            query,
        })
    }

    /// The dialect part of the driver name: `postgresql` for `postgresql+asyncpg`.
    pub fn dialect_name(&self) -> &str {
        self.drivername
            .split_once('+')
            .map_or(self.drivername.as_str(), |(d, _)| d)
    }

    /// The driver part of the driver name, if any: `asyncpg` for `postgresql+asyncpg`.
    pub fn driver(&self) -> Option<&str> {
        self.drivername.split_once('+').map(|(_, d)| d)
    }

    /// The backend this URL names, if alembic-rs serves it natively.
    pub fn backend(&self) -> Option<Dialect> {
        let known = |drivers: &[&str]| self.driver().is_none_or(|d| drivers.contains(&d));
        match self.dialect_name() {
            "postgresql" | "postgres" => known(&[
                "psycopg",
                "psycopg2",
                "psycopg2cffi",
                "psycopg_async",
                "asyncpg",
                "pg8000",
            ])
            .then_some(Dialect::Postgresql),
            "sqlite" => known(&["pysqlite", "aiosqlite"]).then_some(Dialect::Sqlite),
            "mysql" => known(MYSQL_DRIVERS).then_some(Dialect::Mysql),
            "mariadb" => known(MYSQL_DRIVERS).then_some(Dialect::Mariadb),
            _ => None,
        }
    }

    /// The first value of a query argument.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The URL as SQLAlchemy's `render_as_string(hide_password=True)` shows it:
    /// the password, when there is one, is `***`.
    pub fn redacted(&self) -> String {
        let mut s = format!("{}://", self.drivername);
        if let Some(user) = &self.username {
            s.push_str(&quote(user, " +"));
            if self.password.is_some() {
                s.push_str(":***");
            }
            s.push('@');
        }
        if let Some(host) = &self.host {
            if host.contains(':') {
                s.push_str(&format!("[{host}]"));
            } else {
                s.push_str(host);
            }
        }
        if let Some(port) = self.port {
            s.push_str(&format!(":{port}"));
        }
        if let Some(db) = &self.database {
            s.push('/');
            s.push_str(&quote(db, " +/"));
        }
        if !self.query.is_empty() {
            let mut pairs: Vec<&(String, String)> = self.query.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0)); // stable: repeated keys keep their order
            let rendered: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
                .collect();
            s.push('?');
            s.push_str(&rendered.join("&"));
        }
        s
    }
}

const MYSQL_DRIVERS: &[&str] = &[
    "pymysql",
    "mysqldb",
    "aiomysql",
    "asyncmy",
    "mysqlconnector",
    "mariadbconnector",
];

/// Split `user:password@` off the front, following SQLAlchemy's regular expression
/// `(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@` with its backtracking.
fn split_userinfo(rest: &str) -> (Option<&str>, Option<&str>, &str) {
    let user_end = rest.find([':', '/']).unwrap_or(rest.len());
    if rest[user_end..].starts_with(':') {
        let after = &rest[user_end + 1..];
        if let Some(at) = after.find('@') {
            return (
                Some(&rest[..user_end]),
                Some(&after[..at]),
                &after[at + 1..],
            );
        }
    }
    match rest[..user_end].rfind('@') {
        Some(at) => (Some(&rest[..at]), None, &rest[at + 1..]),
        None => (None, None, rest),
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Python's `urllib.parse.unquote`: `%XX` decoded, bad escapes left as written,
/// invalid UTF-8 replaced.
pub(crate) fn unquote(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unquote_plus(s: &str) -> String {
    unquote(&s.replace('+', " "))
}

/// Python's `urllib.parse.quote(s, safe=...)`.
pub(crate) fn quote(s: &str, safe: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn quote_plus(s: &str) -> String {
    quote(s, " ").replace(' ', "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `driver|user|password|host|port|database`, `-` for none.
    fn parts(url: &str) -> String {
        let u = DbUrl::parse(url).unwrap();
        let o = |v: Option<String>| v.unwrap_or_else(|| "-".into());
        format!(
            "{}|{}|{}|{}|{}|{}",
            u.drivername,
            o(u.username),
            o(u.password),
            o(u.host),
            o(u.port.map(|p| p.to_string())),
            o(u.database)
        )
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn parses_like_sqlalchemy() {
        let cases = [
            (
                "postgresql://scott:tiger@localhost/test",
                "postgresql|scott|tiger|localhost|-|test",
            ),
            (
                "postgresql+psycopg://u:p@h:5433/db",
                "postgresql+psycopg|u|p|h|5433|db",
            ),
            ("postgres://u@h/db", "postgres|u|-|h|-|db"),
            (
                "postgresql://u:p%40ss%3Aw%2Frd@h/db",
                "postgresql|u|p@ss:w/rd|h|-|db",
            ),
            ("postgresql://u:pa/ss@h/db", "postgresql|u|pa/ss|h|-|db"),
            ("postgresql://a@b@h/db", "postgresql|a@b|-|h|-|db"),
            (
                "postgresql://postgres:@/postgres?host=/tmp/x",
                "postgresql|postgres||-|-|postgres",
            ),
            ("postgresql://[::1]:5432/db", "postgresql|-|-|::1|5432|db"),
            ("sqlite:///rel.db", "sqlite|-|-|-|-|rel.db"),
            ("sqlite:////abs/x.db", "sqlite|-|-|-|-|/abs/x.db"),
            ("sqlite://", "sqlite|-|-|-|-|-"),
            ("sqlite:///:memory:", "sqlite|-|-|-|-|:memory:"),
            (
                "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4",
                "mysql+pymysql|root|-|127.0.0.1|3306|test",
            ),
            (
                "mariadb+mariadbconnector://u:%25@h/d",
                "mariadb+mariadbconnector|u|%|h|-|d",
            ),
        ];
        for (url, want) in cases {
            assert_eq!(parts(url), want, "{url}");
        }
    }

    #[test]
    fn query_arguments() {
        let u = DbUrl::parse(
            "postgresql://u:p@ep-x.neon.tech/neondb?sslmode=require&channel_binding=require&empty=&noval&a=b+c%21",
        )
        .unwrap();
        assert_eq!(
            u.query,
            vec![
                ("sslmode".into(), "require".into()),
                ("channel_binding".into(), "require".into()),
                ("a".into(), "b c!".into()),
            ]
        );
        assert_eq!(u.query_value("sslmode"), Some("require"));
        assert_eq!(u.host, s("ep-x.neon.tech"));
    }

    #[test]
    fn redacts_the_password() {
        let cases = [
            (
                "postgresql+psycopg://scott:tiger@localhost:5432/test",
                "postgresql+psycopg://scott:***@localhost:5432/test",
            ),
            (
                "postgresql://u:p%40ss@h/db?sslmode=require&channel_binding=require",
                "postgresql://u:***@h/db?channel_binding=require&sslmode=require",
            ),
            ("mysql://user%2Fx@h/db", "mysql://user%2Fx@h/db"),
            ("sqlite:////abs/x y.db", "sqlite:////abs/x y.db"),
            ("postgresql://u:@[::1]/db", "postgresql://u:***@[::1]/db"),
        ];
        for (url, want) in cases {
            assert_eq!(DbUrl::parse(url).unwrap().redacted(), want);
        }
        let u = DbUrl::parse("postgresql://u:secret@h/db").unwrap();
        assert!(!format!("{u:?}").contains("secret"));
    }

    #[test]
    fn rejects_bad_urls_without_echoing_them() {
        for url in [
            "nonsense",
            "postgresql://u:secret@h:notaport/db",
            "pg sql://x",
        ] {
            let err = DbUrl::parse(url).unwrap_err().to_string();
            assert!(!err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn backends() {
        let b = |u: &str| DbUrl::parse(u).unwrap().backend();
        assert_eq!(b("postgresql+asyncpg://h/d"), Some(Dialect::Postgresql));
        assert_eq!(b("postgres://h/d"), Some(Dialect::Postgresql));
        assert_eq!(b("sqlite+aiosqlite:///x.db"), Some(Dialect::Sqlite));
        assert_eq!(b("mysql+mysqldb://h/d"), Some(Dialect::Mysql));
        assert_eq!(b("mariadb+pymysql://h/d"), Some(Dialect::Mariadb));
        assert_eq!(b("oracle://h/d"), None);
        assert_eq!(b("sqlite+pysqlcipher:///x.db"), None);
    }
}
