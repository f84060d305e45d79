//! Typed values for bound statements (the PEP 249 adapter's path): what a parameter
//! carries in, and what a result cell carries out, per backend.
//!
//! PostgreSQL speaks the binary protocol here, so its values are encoded and decoded by
//! type OID; SQLite and MySQL take and give the few storage types they have.
//!
//! One file per backend: `postgres` (the binary protocol's encoding and decoding),
//! `mysql`, `sqlite`; this module holds the value, the result, and the calendar and text
//! forms they share.

mod mysql;
mod postgres;
mod sqlite;

pub(crate) use mysql::{bind_mysql, mysql_typed_row};
pub use postgres::PgParam;
pub(crate) use postgres::{pg_oid, pg_takes_text, pg_typed_row};
pub(crate) use sqlite::{bind_sqlite, sqlite_typed_row};

/// A value crossing a bound statement, either way.
#[derive(Clone, Debug, PartialEq)]
pub enum TypedValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    /// A decimal number in its text form (`-12.50`, `NaN`).
    Decimal(String),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    /// Microseconds since midnight, and the UTC offset in seconds (east positive).
    TimeTz(i64, i32),
    /// Microseconds since 1970-01-01 00:00, no time zone.
    Timestamp(i64),
    /// Microseconds since 1970-01-01 00:00 UTC.
    TimestampTz(i64),
    Interval {
        months: i32,
        days: i32,
        micros: i64,
    },
    Uuid([u8; 16]),
    /// JSON text.
    Json(String),
    /// A one-dimensional array (PostgreSQL); nested lists for more dimensions.
    Array(Vec<TypedValue>),
}

/// A result column: its name and the backend's name for its type (`INT4`, `DATETIME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub type_name: String,
}

/// The outcome of one bound statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoundResult {
    /// Empty when the statement returns no rows (`INSERT` without `RETURNING`).
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<TypedValue>>,
    pub rows_affected: u64,
    /// The id of the last inserted row (SQLite's rowid, MySQL's `LAST_INSERT_ID()`).
    pub last_insert_id: Option<i64>,
}

pub(crate) const USECS_PER_DAY: i64 = 86_400_000_000;
/// PostgreSQL counts from 2000-01-01: that day is day 10957 after 1970-01-01.
pub(crate) const PG_EPOCH_DAYS: i32 = 10_957;
pub(crate) const PG_EPOCH_USECS: i64 = PG_EPOCH_DAYS as i64 * USECS_PER_DAY;

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` as days since 1970; `None` for the zero date or a bad value.
pub(crate) fn parse_date(s: &str) -> Option<i32> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    if m == 0 || d == 0 {
        return None;
    }
    Some(days_from_civil(y, m, d) as i32)
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` as microseconds since 1970.
pub(crate) fn parse_datetime(s: &str) -> Option<i64> {
    let (date, time) = s
        .trim()
        .split_once([' ', 'T'])
        .unwrap_or((s.trim(), "00:00:00"));
    let days = i64::from(parse_date(date)?);
    Some(days * USECS_PER_DAY + parse_duration(time)?)
}

/// `[-]HH:MM:SS[.ffffff]` as signed microseconds.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut it = hms.splitn(3, ':');
    let h: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let sec: i64 = it.next()?.parse().ok()?;
    let us: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").get(..6)?.parse().ok()?
    };
    let total = (h * 3600 + m * 60 + sec) * 1_000_000 + us;
    Some(if negative { -total } else { total })
}

/// Encode a value for MySQL or SQLite, which take a few storage types: dates and
/// decimals go as their text, as PyMySQL and pysqlite write them.
pub(crate) fn as_text_for_plain_backends(value: &TypedValue) -> Option<String> {
    let two = |n: i64| format!("{n:02}");
    let time_of = |micros: i64| {
        let secs = micros.div_euclid(1_000_000);
        let us = micros.rem_euclid(1_000_000);
        let base = format!(
            "{}:{}:{}",
            two(secs / 3600),
            two(secs / 60 % 60),
            two(secs % 60)
        );
        if us == 0 {
            base
        } else {
            format!("{base}.{us:06}")
        }
    };
    let date_of = |days: i64| {
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}")
    };
    Some(match value {
        TypedValue::Decimal(s) | TypedValue::Json(s) => s.clone(),
        TypedValue::Date(d) => date_of(i64::from(*d)),
        TypedValue::Time(t) | TypedValue::TimeTz(t, _) => time_of(*t),
        TypedValue::Timestamp(t) | TypedValue::TimestampTz(t) => format!(
            "{} {}",
            date_of(t.div_euclid(USECS_PER_DAY)),
            time_of(t.rem_euclid(USECS_PER_DAY))
        ),
        TypedValue::Interval { micros, days, .. } => {
            let total = micros + i64::from(*days) * USECS_PER_DAY;
            let sign = if total < 0 { "-" } else { "" };
            format!("{sign}{}", time_of(total.abs()))
        }
        TypedValue::Uuid(u) => uuid::Uuid::from_bytes(*u).to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for (days, ymd) in [
            (0, (1970, 1, 1)),
            (10_957, (2000, 1, 1)),
            (-1, (1969, 12, 31)),
            (19_782, (2024, 2, 29)),
            (-719_162, (1, 1, 1)),
        ] {
            assert_eq!(civil_from_days(days), ymd);
            assert_eq!(days_from_civil(ymd.0, ymd.1, ymd.2), days);
        }
    }

    #[test]
    fn mysql_text_times() {
        assert_eq!(parse_duration("-01:00:00.5"), Some(-3_600_500_000));
        assert_eq!(
            parse_datetime("1970-01-02 00:00:01"),
            Some(USECS_PER_DAY + 1_000_000)
        );
        assert_eq!(parse_date("0000-00-00"), None);
        assert_eq!(
            as_text_for_plain_backends(&TypedValue::Timestamp(USECS_PER_DAY + 1_500_000)),
            Some("1970-01-02 00:00:01.500000".into())
        );
    }
}
