//! The native half of the PEP 249 adapter (`alembic_rs.runtime.dbapi`): one statement
//! with bound parameters on a `_native.Connection`, values converted both ways.
//!
//! Python values become [`TypedValue`]s (the parameter style is rewritten to the
//! backend's placeholders in Rust, the values are bound by sqlx), and result cells come
//! back as the Python types SQLAlchemy's own drivers give: `Decimal`, `datetime` (with
//! `tzinfo` for `timestamptz`), `timedelta`, `UUID`, parsed JSON, lists for arrays.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList,
    PyMapping, PySequence, PyString, PyTime, PyTuple, PyTzInfo,
};

use super::db::PyConnection;
use super::errors::db_error;
use crate::db::Dialect;
use crate::db::params::{self, ParamRef, ParamStyle};
use crate::db::typed::{self, BoundResult, TypedValue};

const USECS_PER_DAY: i64 = 86_400_000_000;

/// `date(1970, 1, 1).toordinal()`: our day numbers count from 1970, Python's from year 1.
const ORDINAL_OF_1970: i64 = 719_163;

/// What one statement gives back to the adapter's cursor.
type Outcome<'py> = (
    Option<Vec<(String, String)>>,
    Vec<Bound<'py, PyTuple>>,
    i64,
    Option<i64>,
);

/// Run one statement with parameters on `conn`, as a PEP 249 cursor's `execute` does.
///
/// `params` is a mapping (`pyformat`/`named`) or a sequence (`qmark`, `format`,
/// `numeric`), or None: the SQL then goes as it is, `%%` included, as psycopg and PyMySQL
/// send a statement without parameters. Returns `(columns, rows, rowcount, lastrowid)`;
/// `columns` is None for a statement that returns no rows.
#[pyfunction]
#[pyo3(signature = (conn, sql, params=None, paramstyle="pyformat"))]
fn dbapi_execute<'py>(
    py: Python<'py>,
    conn: &Bound<'py, PyConnection>,
    sql: &str,
    params: Option<&Bound<'py, PyAny>>,
    paramstyle: &str,
) -> PyResult<Outcome<'py>> {
    let connection = conn.get();
    let backend = connection.backend;
    let (sql, values, cast) = match params {
        None => (sql.to_string(), Vec::new(), Vec::new()),
        Some(params) => {
            let style: ParamStyle = paramstyle.parse().map_err(|e| db_error(py, e))?;
            let converted = params::convert(sql, style, backend).map_err(|e| db_error(py, e))?;
            let values = converted
                .params
                .iter()
                .map(|r| lookup(params, r).and_then(|v| to_typed(py, &v, backend)))
                .collect::<PyResult<Vec<_>>>()?;
            (converted.sql, values, converted.cast)
        }
    };
    let result: BoundResult = connection.call(py, move |c| {
        Box::pin(async move { Ok(c.query_bound(&sql, &values, &cast).await?) })
    })?;
    let rowcount = if result.columns.is_empty() {
        result.rows_affected as i64
    } else {
        result.rows.len() as i64
    };
    let columns = (!result.columns.is_empty()).then(|| {
        result
            .columns
            .into_iter()
            .map(|c| (c.name, c.type_name))
            .collect()
    });
    let rows = result
        .rows
        .into_iter()
        .map(|row| {
            let cells = row
                .into_iter()
                .map(|v| to_py(py, v))
                .collect::<PyResult<Vec<_>>>()?;
            PyTuple::new(py, cells)
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok((columns, rows, rowcount, result.last_insert_id))
}

/// The text the user's DBAPI (of `paramstyle`) sends for a statement SQLAlchemy compiled
/// for it: see [`params::sent_text`].
#[pyfunction]
fn dbapi_sent_text(py: Python<'_>, sql: &str, paramstyle: &str) -> PyResult<String> {
    let style: ParamStyle = paramstyle.parse().map_err(|e| db_error(py, e))?;
    params::sent_text(sql, style).map_err(|e| db_error(py, e))
}

/// The value a placeholder names, from a mapping or a sequence.
fn lookup<'py>(params: &Bound<'py, PyAny>, r: &ParamRef) -> PyResult<Bound<'py, PyAny>> {
    match r {
        ParamRef::Name(name) => {
            let mapping = params.cast::<PyMapping>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "the statement names parameter '{name}': pass a mapping, not {}",
                    params
                        .get_type()
                        .name()
                        .map_or_else(|_| "?".into(), |n| n.to_string())
                ))
            })?;
            mapping
                .get_item(name)
                .map_err(|_| PyValueError::new_err(format!("no value for the parameter '{name}'")))
        }
        ParamRef::Index(i) => {
            if params.is_instance_of::<PyString>() || params.cast::<PyMapping>().is_ok() {
                return Err(PyTypeError::new_err(
                    "positional placeholders need a sequence of parameters",
                ));
            }
            let seq = params.cast::<PySequence>()?;
            seq.get_item(*i).map_err(|_| {
                PyValueError::new_err(format!(
                    "the statement has more placeholders than the {} parameters given",
                    seq.len().unwrap_or(0)
                ))
            })
        }
    }
}

/// A Python parameter value as a [`TypedValue`].
fn to_typed(py: Python<'_>, v: &Bound<'_, PyAny>, backend: Dialect) -> PyResult<TypedValue> {
    if v.is_none() {
        return Ok(TypedValue::Null);
    }
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(TypedValue::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(match v.extract::<i64>() {
            Ok(i) => TypedValue::Int(i),
            // past 64 bits: a numeric, as psycopg sends it
            Err(_) => TypedValue::Decimal(v.str()?.to_string()),
        });
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return Ok(TypedValue::Float(f.value()));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(TypedValue::Text(s.to_str()?.to_string()));
    }
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(TypedValue::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = v.cast::<PyByteArray>() {
        return Ok(TypedValue::Bytes(b.to_vec()));
    }
    // The fields are read by attribute (interned names) rather than with pyo3's
    // PyDateAccess & co: under the limited API (abi3) those call each field's descriptor
    // through `__get__`, several times the cost of a getattr.
    if v.cast::<PyDateTime>().is_ok() {
        let micros = days_of(v)? * USECS_PER_DAY + clock_micros(v)?;
        let offset = v.call_method0(intern!(py, "utcoffset"))?;
        return Ok(if offset.is_none() {
            TypedValue::Timestamp(micros)
        } else {
            TypedValue::TimestampTz(micros - delta_micros(&offset)?)
        });
    }
    if v.cast::<PyDate>().is_ok() {
        return Ok(TypedValue::Date(days_of(v)? as i32));
    }
    if v.cast::<PyTime>().is_ok() {
        let micros = clock_micros(v)?;
        let offset = v.call_method0(intern!(py, "utcoffset"))?;
        return Ok(if offset.is_none() {
            TypedValue::Time(micros)
        } else {
            TypedValue::TimeTz(micros, (delta_micros(&offset)? / 1_000_000) as i32)
        });
    }
    if v.cast::<PyDelta>().is_ok() {
        let (days, seconds, us) = delta_fields(v)?;
        return Ok(TypedValue::Interval {
            months: 0,
            days: days as i32,
            micros: seconds * 1_000_000 + us,
        });
    }
    if v.is_instance(&py.import("decimal")?.getattr("Decimal")?)? {
        return Ok(TypedValue::Decimal(v.str()?.to_string()));
    }
    if v.is_instance(&py.import("uuid")?.getattr("UUID")?)? {
        let bytes: Vec<u8> = v.getattr("bytes")?.extract()?;
        let array: [u8; 16] = bytes
            .try_into()
            .map_err(|_| PyValueError::new_err("a UUID of other than 16 bytes"))?;
        return Ok(TypedValue::Uuid(array));
    }
    if v.is_instance_of::<PyDict>() {
        let text: String = py.import("json")?.call_method1("dumps", (v,))?.extract()?;
        return Ok(TypedValue::Json(text));
    }
    if let Ok(list) = v.cast::<PyList>() {
        if backend != Dialect::Postgresql {
            let text: String = py.import("json")?.call_method1("dumps", (v,))?.extract()?;
            return Ok(TypedValue::Text(text));
        }
        let items = list
            .iter()
            .map(|item| to_typed(py, &item, backend))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(TypedValue::Array(items));
    }
    if let Ok(mv) = v.call_method0("tobytes")
        && let Ok(b) = mv.cast::<PyBytes>()
    {
        return Ok(TypedValue::Bytes(b.as_bytes().to_vec()));
    }
    Err(PyTypeError::new_err(format!(
        "cannot adapt type '{}' to a database value",
        v.get_type().name()?
    )))
}

/// An integer attribute of a date, time or timedelta.
fn int_attr(v: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> PyResult<i64> {
    v.getattr(name)?.extract()
}

/// Days since 1970-01-01 of a `date` or `datetime`.
fn days_of(v: &Bound<'_, PyAny>) -> PyResult<i64> {
    let ordinal: i64 = v.call_method0(intern!(v.py(), "toordinal"))?.extract()?;
    Ok(ordinal - ORDINAL_OF_1970)
}

/// Microseconds since midnight of a `time` or `datetime`.
fn clock_micros(v: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = v.py();
    let h = int_attr(v, intern!(py, "hour"))?;
    let m = int_attr(v, intern!(py, "minute"))?;
    let s = int_attr(v, intern!(py, "second"))?;
    let us = int_attr(v, intern!(py, "microsecond"))?;
    Ok((h * 3600 + m * 60 + s) * 1_000_000 + us)
}

/// A `timedelta`'s `(days, seconds, microseconds)`.
fn delta_fields(d: &Bound<'_, PyAny>) -> PyResult<(i64, i64, i64)> {
    let py = d.py();
    Ok((
        int_attr(d, intern!(py, "days"))?,
        int_attr(d, intern!(py, "seconds"))?,
        int_attr(d, intern!(py, "microseconds"))?,
    ))
}

fn delta_micros(d: &Bound<'_, PyAny>) -> PyResult<i64> {
    let (days, seconds, us) = delta_fields(d)?;
    Ok(days * USECS_PER_DAY + seconds * 1_000_000 + us)
}

/// A result cell as the Python value SQLAlchemy's drivers give.
fn to_py(py: Python<'_>, v: TypedValue) -> PyResult<Bound<'_, PyAny>> {
    Ok(match v {
        TypedValue::Null => py.None().into_bound(py),
        TypedValue::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        TypedValue::Int(i) => i.into_pyobject(py)?.into_any(),
        TypedValue::Float(f) => PyFloat::new(py, f).into_any(),
        TypedValue::Text(s) => PyString::new(py, &s).into_any(),
        TypedValue::Bytes(b) => PyBytes::new(py, &b).into_any(),
        TypedValue::Decimal(s) => py.import("decimal")?.getattr("Decimal")?.call1((s,))?,
        TypedValue::Date(days) => {
            let (y, m, d) = typed::civil_from_days(i64::from(days));
            PyDate::new(py, year(y)?, m, d)?.into_any()
        }
        TypedValue::Time(micros) => time_of(py, micros, None)?.into_any(),
        TypedValue::TimeTz(micros, offset) => {
            let tz = PyTzInfo::fixed_offset(py, PyDelta::new(py, 0, offset, 0, true)?)?;
            time_of(py, micros, Some(&tz))?.into_any()
        }
        TypedValue::Timestamp(micros) => datetime_of(py, micros, None)?.into_any(),
        TypedValue::TimestampTz(micros) => {
            let utc = PyTzInfo::utc(py)?.to_owned();
            datetime_of(py, micros, Some(&utc))?.into_any()
        }
        TypedValue::Interval {
            months,
            days,
            micros,
        } => {
            // psycopg's rule: a month is 30 days, a year 365
            let (years, rest) = (months / 12, months % 12);
            let days = i64::from(days) + 30 * i64::from(rest) + 365 * i64::from(years);
            let timedelta = py.import("datetime")?.getattr("timedelta")?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("days", days)?;
            kwargs.set_item("microseconds", micros)?;
            timedelta.call((), Some(&kwargs))?
        }
        TypedValue::Uuid(bytes) => {
            let kwargs = PyDict::new(py);
            kwargs.set_item("bytes", PyBytes::new(py, &bytes))?;
            py.import("uuid")?
                .getattr("UUID")?
                .call((), Some(&kwargs))?
        }
        TypedValue::Json(text) => py.import("json")?.call_method1("loads", (text,))?,
        TypedValue::Array(items) => {
            let items = items
                .into_iter()
                .map(|i| to_py(py, i))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
    })
}

fn year(y: i64) -> PyResult<i32> {
    i32::try_from(y)
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| PyValueError::new_err(format!("year {y} is out of range")))
}

fn time_of<'py>(
    py: Python<'py>,
    micros: i64,
    tz: Option<&Bound<'py, PyTzInfo>>,
) -> PyResult<Bound<'py, PyTime>> {
    let secs = micros.div_euclid(1_000_000);
    let us = micros.rem_euclid(1_000_000) as u32;
    // PostgreSQL allows 24:00:00, Python does not
    let secs = secs.min(86_399);
    PyTime::new(
        py,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
        us,
        tz,
    )
}

fn datetime_of<'py>(
    py: Python<'py>,
    micros: i64,
    tz: Option<&Bound<'py, PyTzInfo>>,
) -> PyResult<Bound<'py, PyDateTime>> {
    let days = micros.div_euclid(USECS_PER_DAY);
    let rest = micros.rem_euclid(USECS_PER_DAY);
    let (y, m, d) = typed::civil_from_days(days);
    let secs = rest / 1_000_000;
    PyDateTime::new(
        py,
        year(y)?,
        m,
        d,
        (secs / 3600) as u8,
        (secs / 60 % 60) as u8,
        (secs % 60) as u8,
        (rest % 1_000_000) as u32,
        tz,
    )
}

/// Add the adapter's native function to `_native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dbapi_execute, m)?)?;
    m.add_function(wrap_pyfunction!(dbapi_sent_text, m)?)?;
    Ok(())
}
