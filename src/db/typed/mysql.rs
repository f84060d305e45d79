//! MySQL and MariaDB: values bound as the few storage types they take, rows read as
//! PyMySQL gives them (prepared statements' binary rows and text-protocol rows).

use sqlx::error::BoxDynError;
use sqlx::mysql::{MySql, MySqlRow};
use sqlx::{Row, TypeInfo, ValueRef};

use super::{
    TypedValue, USECS_PER_DAY, as_text_for_plain_backends, days_from_civil, parse_date,
    parse_datetime, parse_duration,
};

// -- MySQL / MariaDB ---------------------------------------------------------------------

/// MySQL's values as PyMySQL gives them. `binary`: the row came over the prepared
/// statement protocol (dates as structs), else over the text protocol.
pub(crate) fn mysql_typed_row(
    row: &MySqlRow,
    binary: bool,
) -> Result<Vec<TypedValue>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(TypedValue::Null);
            }
            let info = raw.type_info();
            let mut type_name = info.name().to_string();
            // sqlx names a text column with a binary collation (utf8mb4_bin; MariaDB's
            // JSON) BLOB or BINARY; PyMySQL gives bytes only for the binary character
            // set (63), which sqlx keeps private but shows in its Debug form
            let binary_charset = format!("{info:?}").contains("collation: Collation(63)");
            if !binary_charset && (type_name.contains("BLOB") || type_name.contains("BINARY")) {
                type_name = "TEXT".to_string();
            }
            let bytes: &[u8] = row.try_get_unchecked(i)?;
            mysql_decode(&type_name, bytes, binary, row, i)
        })
        .collect()
}

fn mysql_decode(
    type_name: &str,
    b: &[u8],
    binary: bool,
    row: &MySqlRow,
    i: usize,
) -> Result<TypedValue, sqlx::Error> {
    let decode_err = |e: BoxDynError| sqlx::Error::Decode(e);
    let text = || -> Result<String, sqlx::Error> {
        String::from_utf8(b.to_vec()).map_err(|e| decode_err(e.into()))
    };
    Ok(match type_name {
        t if t.contains("BINARY") || t.contains("BLOB") || t == "GEOMETRY" || t == "BIT" => {
            TypedValue::Bytes(b.to_vec())
        }
        "FLOAT" if binary => TypedValue::Float(row.try_get_unchecked::<f32, _>(i)?.into()),
        "DOUBLE" if binary => TypedValue::Float(row.try_get_unchecked(i)?),
        "FLOAT" | "DOUBLE" => {
            TypedValue::Float(text()?.parse().map_err(|e| decode_err(Box::new(e)))?)
        }
        "DECIMAL" => TypedValue::Decimal(text()?),
        "BIGINT UNSIGNED" if binary => {
            let n: u64 = row.try_get_unchecked(i)?;
            i64::try_from(n).map_or_else(|_| TypedValue::Decimal(n.to_string()), TypedValue::Int)
        }
        t if t.contains("INT") || t == "BOOLEAN" || t == "YEAR" => {
            if binary {
                TypedValue::Int(row.try_get_unchecked(i)?)
            } else {
                let s = text()?;
                s.parse::<i64>()
                    .map_or(TypedValue::Decimal(s), TypedValue::Int)
            }
        }
        "DATE" if binary => match mysql_binary_datetime(b).map_err(decode_err)? {
            Some(micros) => TypedValue::Date(micros.div_euclid(USECS_PER_DAY) as i32),
            None => TypedValue::Null,
        },
        "DATETIME" | "TIMESTAMP" if binary => match mysql_binary_datetime(b).map_err(decode_err)? {
            Some(micros) => TypedValue::Timestamp(micros),
            None => TypedValue::Null,
        },
        "TIME" if binary => TypedValue::Interval {
            months: 0,
            days: 0,
            micros: mysql_binary_time(b).map_err(decode_err)?,
        },
        "DATE" => parse_date(&text()?).map_or(TypedValue::Null, TypedValue::Date),
        "DATETIME" | "TIMESTAMP" => {
            parse_datetime(&text()?).map_or(TypedValue::Null, TypedValue::Timestamp)
        }
        "TIME" => parse_duration(&text()?).map_or_else(
            || TypedValue::Text(String::new()),
            |micros| TypedValue::Interval {
                months: 0,
                days: 0,
                micros,
            },
        ),
        _ => match String::from_utf8(b.to_vec()) {
            Ok(s) => TypedValue::Text(s),
            Err(e) => TypedValue::Bytes(e.into_bytes()),
        },
    })
}

/// sqlx hands binary temporal values over with their length byte in front.
fn strip_length(b: &[u8]) -> &[u8] {
    match b.first() {
        Some(&n) if n as usize == b.len() - 1 => &b[1..],
        _ => b,
    }
}

/// A binary DATE/DATETIME as microseconds since 1970; `None` for the zero date.
fn mysql_binary_datetime(b: &[u8]) -> Result<Option<i64>, BoxDynError> {
    let b = strip_length(b);
    if b.is_empty() {
        return Ok(None);
    }
    if b.len() < 4 {
        return Err("truncated MySQL date".into());
    }
    let year = i64::from(u16::from_le_bytes([b[0], b[1]]));
    let (month, day) = (b[2], b[3]);
    if month == 0 || day == 0 {
        return Ok(None);
    }
    let (h, m, s) = if b.len() >= 7 {
        (b[4], b[5], b[6])
    } else {
        (0, 0, 0)
    };
    let us = if b.len() >= 11 {
        u32::from_le_bytes([b[7], b[8], b[9], b[10]])
    } else {
        0
    };
    let days = days_from_civil(year, month, day);
    Ok(Some(
        days * USECS_PER_DAY
            + (i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)) * 1_000_000
            + i64::from(us),
    ))
}

/// A binary TIME as signed microseconds.
fn mysql_binary_time(b: &[u8]) -> Result<i64, BoxDynError> {
    let b = strip_length(b);
    if b.is_empty() {
        return Ok(0);
    }
    if b.len() < 8 {
        return Err("truncated MySQL time".into());
    }
    let negative = b[0] != 0;
    let days = i64::from(u32::from_le_bytes([b[1], b[2], b[3], b[4]]));
    let (h, m, s) = (i64::from(b[5]), i64::from(b[6]), i64::from(b[7]));
    let us = if b.len() >= 12 {
        i64::from(u32::from_le_bytes([b[8], b[9], b[10], b[11]]))
    } else {
        0
    };
    let total = ((days * 24 + h) * 3600 + m * 60 + s) * 1_000_000 + us;
    Ok(if negative { -total } else { total })
}

/// Bind one value to a MySQL query.
pub(crate) fn bind_mysql<'q>(
    q: sqlx::query::Query<'q, MySql, sqlx::mysql::MySqlArguments>,
    value: &TypedValue,
) -> sqlx::query::Query<'q, MySql, sqlx::mysql::MySqlArguments> {
    match value {
        TypedValue::Null => q.bind(None::<String>),
        TypedValue::Bool(b) => q.bind(i64::from(*b)),
        TypedValue::Int(i) => q.bind(*i),
        TypedValue::Float(f) => q.bind(*f),
        TypedValue::Text(s) => q.bind(s.clone()),
        TypedValue::Bytes(b) => q.bind(b.clone()),
        TypedValue::Array(_) => q.bind(format!("{value:?}")),
        other => q.bind(as_text_for_plain_backends(other).unwrap_or_default()),
    }
}
