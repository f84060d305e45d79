//! PostgreSQL over the binary protocol: parameters encoded and results decoded by type OID.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgRow, PgTypeInfo, PgTypeKind, Postgres};
use sqlx::{Encode, Row, Type, TypeInfo, ValueRef};

use super::{PG_EPOCH_DAYS, PG_EPOCH_USECS, TypedValue};

// -- PostgreSQL: parameters -------------------------------------------------------------

/// A parameter for PostgreSQL, with the type it is declared as.
///
/// A string goes as `unknown` (PostgreSQL then reads it as the type the statement needs,
/// as psycopg's text strings do) unless the SQL casts it (`$1::DATE`): then as `text`.
/// `declared`, when given, is the type instead: the one a prepared statement settled on
/// for this parameter, of which the value is (see `prepared::PgPlan::takes`).
pub struct PgParam<'v> {
    pub value: &'v TypedValue,
    pub cast: bool,
    pub declared: Option<&'v PgTypeInfo>,
}

mod oid {
    pub const UNKNOWN: u32 = 705;
    pub const BOOL: u32 = 16;
    pub const BYTEA: u32 = 17;
    pub const CHAR: u32 = 18;
    pub const NAME: u32 = 19;
    pub const INT8: u32 = 20;
    pub const INT2: u32 = 21;
    pub const INT4: u32 = 23;
    pub const TEXT: u32 = 25;
    pub const OID: u32 = 26;
    pub const JSON: u32 = 114;
    pub const XML: u32 = 142;
    pub const FLOAT4: u32 = 700;
    pub const FLOAT8: u32 = 701;
    pub const BPCHAR: u32 = 1042;
    pub const VARCHAR: u32 = 1043;
    pub const DATE: u32 = 1082;
    pub const TIME: u32 = 1083;
    pub const TIMESTAMP: u32 = 1114;
    pub const TIMESTAMPTZ: u32 = 1184;
    pub const INTERVAL: u32 = 1186;
    pub const TIMETZ: u32 = 1266;
    pub const NUMERIC: u32 = 1700;
    pub const REGPROC: u32 = 24;
    pub const REGCLASS: u32 = 2205;
    pub const REGTYPE: u32 = 2206;
    pub const UUID: u32 = 2950;
    pub const JSONB: u32 = 3802;
}

/// The type a value is declared as (0: unspecified, PostgreSQL infers it), and for arrays
/// the array type of that element type.
pub(crate) fn pg_oid(value: &TypedValue, cast: bool) -> u32 {
    match value {
        // unspecified: PostgreSQL infers it from the statement
        TypedValue::Null => 0,
        TypedValue::Bool(_) => oid::BOOL,
        TypedValue::Int(_) => oid::INT8,
        TypedValue::Float(_) => oid::FLOAT8,
        TypedValue::Text(_) if cast => oid::TEXT,
        TypedValue::Text(_) => 0,
        TypedValue::Bytes(_) => oid::BYTEA,
        TypedValue::Decimal(_) => oid::NUMERIC,
        TypedValue::Date(_) => oid::DATE,
        TypedValue::Time(_) => oid::TIME,
        TypedValue::TimeTz(..) => oid::TIMETZ,
        TypedValue::Timestamp(_) => oid::TIMESTAMP,
        TypedValue::TimestampTz(_) => oid::TIMESTAMPTZ,
        TypedValue::Interval { .. } => oid::INTERVAL,
        TypedValue::Uuid(_) => oid::UUID,
        TypedValue::Json(_) => oid::JSONB,
        TypedValue::Array(items) => array_oid(element_oid(items)),
    }
}

fn element_oid(items: &[TypedValue]) -> u32 {
    match items.iter().find(|v| !matches!(v, TypedValue::Null)) {
        Some(TypedValue::Array(inner)) => element_oid(inner),
        Some(v) => match pg_oid(v, true) {
            0 => oid::TEXT,
            o => o,
        },
        None => oid::TEXT,
    }
}

fn array_oid(element: u32) -> u32 {
    match element {
        oid::BOOL => 1000,
        oid::BYTEA => 1001,
        oid::INT8 => 1016,
        oid::FLOAT8 => 1022,
        oid::NUMERIC => 1231,
        oid::DATE => 1182,
        oid::TIME => 1183,
        oid::TIMETZ => 1270,
        oid::TIMESTAMP => 1115,
        oid::TIMESTAMPTZ => 1185,
        oid::INTERVAL => 1187,
        oid::UUID => 2951,
        oid::JSONB => 3807,
        _ => 1009,
    }
}

impl Type<Postgres> for PgParam<'_> {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(0))
    }

    fn compatible(_: &PgTypeInfo) -> bool {
        true
    }
}

impl Encode<'_, Postgres> for PgParam<'_> {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        if *self.value == TypedValue::Null {
            return Ok(IsNull::Yes);
        }
        pg_encode(self.value, buf)?;
        Ok(IsNull::No)
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(match self.declared {
            Some(info) => info.clone(),
            None => PgTypeInfo::with_oid(Oid(pg_oid(self.value, self.cast))),
        })
    }
}

fn pg_encode(value: &TypedValue, buf: &mut Vec<u8>) -> Result<(), BoxDynError> {
    match value {
        TypedValue::Null => {}
        TypedValue::Bool(b) => buf.push(u8::from(*b)),
        TypedValue::Int(i) => buf.extend_from_slice(&i.to_be_bytes()),
        TypedValue::Float(f) => buf.extend_from_slice(&f.to_be_bytes()),
        TypedValue::Text(s) => buf.extend_from_slice(s.as_bytes()),
        TypedValue::Bytes(b) => buf.extend_from_slice(b),
        TypedValue::Decimal(s) => encode_numeric(s, buf)?,
        TypedValue::Date(d) => buf.extend_from_slice(&(d - PG_EPOCH_DAYS).to_be_bytes()),
        TypedValue::Time(t) => buf.extend_from_slice(&t.to_be_bytes()),
        TypedValue::TimeTz(t, offset) => {
            buf.extend_from_slice(&t.to_be_bytes());
            // PostgreSQL keeps the zone as seconds west of UTC
            buf.extend_from_slice(&(-offset).to_be_bytes());
        }
        TypedValue::Timestamp(t) | TypedValue::TimestampTz(t) => {
            buf.extend_from_slice(&(t - PG_EPOCH_USECS).to_be_bytes())
        }
        TypedValue::Interval {
            months,
            days,
            micros,
        } => {
            buf.extend_from_slice(&micros.to_be_bytes());
            buf.extend_from_slice(&days.to_be_bytes());
            buf.extend_from_slice(&months.to_be_bytes());
        }
        TypedValue::Uuid(u) => buf.extend_from_slice(u),
        TypedValue::Json(s) => {
            buf.push(1);
            buf.extend_from_slice(s.as_bytes());
        }
        TypedValue::Array(items) => {
            let element = element_oid(items);
            let mut dims = vec![items.len()];
            let mut flat: Vec<&TypedValue> = Vec::new();
            flatten(items, &mut dims, &mut flat, 0)?;
            buf.extend_from_slice(&(dims.len() as i32).to_be_bytes());
            let has_null = flat.iter().any(|v| **v == TypedValue::Null);
            buf.extend_from_slice(&i32::from(has_null).to_be_bytes());
            buf.extend_from_slice(&element.to_be_bytes());
            for d in &dims {
                buf.extend_from_slice(&(*d as i32).to_be_bytes());
                buf.extend_from_slice(&1i32.to_be_bytes());
            }
            for v in flat {
                if *v == TypedValue::Null {
                    buf.extend_from_slice(&(-1i32).to_be_bytes());
                    continue;
                }
                let mut item = Vec::new();
                // elements take the array's element type: ints as int8, text as text
                match (v, element) {
                    (TypedValue::Int(i), oid::FLOAT8) => {
                        pg_encode(&TypedValue::Float(*i as f64), &mut item)?
                    }
                    (TypedValue::Int(i), oid::NUMERIC) => {
                        pg_encode(&TypedValue::Decimal(i.to_string()), &mut item)?
                    }
                    _ => pg_encode(v, &mut item)?,
                }
                buf.extend_from_slice(&(item.len() as i32).to_be_bytes());
                buf.extend_from_slice(&item);
            }
        }
    }
    Ok(())
}

/// Collect the elements of a (possibly nested) array and check it is rectangular.
fn flatten<'a>(
    items: &'a [TypedValue],
    dims: &mut Vec<usize>,
    flat: &mut Vec<&'a TypedValue>,
    depth: usize,
) -> Result<(), BoxDynError> {
    for item in items {
        match item {
            TypedValue::Array(inner) => {
                if dims.len() == depth + 1 {
                    dims.push(inner.len());
                }
                if dims[depth + 1] != inner.len() {
                    return Err(
                        "multidimensional arrays must have sub-arrays of the same size".into(),
                    );
                }
                flatten(inner, dims, flat, depth + 1)?;
            }
            v => {
                if dims.len() > depth + 1 {
                    return Err("an array mixes lists and scalars at one level".into());
                }
                flat.push(v);
            }
        }
    }
    Ok(())
}

/// PostgreSQL's binary NUMERIC from a decimal's text (`-1.50`, `1E+3`, `NaN`).
fn encode_numeric(text: &str, buf: &mut Vec<u8>) -> Result<(), BoxDynError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("nan") {
        buf.extend_from_slice(&[0, 0, 0, 0, 0xC0, 0, 0, 0]);
        return Ok(());
    }
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(p) => (&t[..p], t[p + 1..].parse::<i64>()?),
        None => (t, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !(int_part
        .chars()
        .chain(frac_part.chars())
        .all(|c| c.is_ascii_digit()))
        || (int_part.is_empty() && frac_part.is_empty())
    {
        return Err(format!("'{text}' is not a decimal number").into());
    }
    // digits × 10^-scale
    let mut digits: String = format!("{int_part}{frac_part}");
    let mut scale = frac_part.len() as i64 - exp;
    if scale < 0 {
        digits.extend(std::iter::repeat_n('0', (-scale) as usize));
        scale = 0;
    }
    let scale = scale as usize;
    if digits.len() < scale + 1 {
        digits = format!("{}{digits}", "0".repeat(scale + 1 - digits.len()));
    }
    let split = digits.len() - scale;
    let (int_digits, frac_digits) = digits.split_at(split);
    // base-10000 groups: the integer part aligned right, the fraction aligned left
    let pad_left = (4 - int_digits.len() % 4) % 4;
    let int_padded = format!("{}{int_digits}", "0".repeat(pad_left));
    let pad_right = (4 - frac_digits.len() % 4) % 4;
    let frac_padded = format!("{frac_digits}{}", "0".repeat(pad_right));
    let group = |s: &str| -> Vec<i16> {
        s.as_bytes()
            .chunks(4)
            .map(|c| {
                std::str::from_utf8(c)
                    .unwrap_or("0")
                    .parse::<i16>()
                    .unwrap_or(0)
            })
            .collect()
    };
    let int_groups = group(&int_padded);
    let frac_groups = group(&frac_padded);
    let mut weight = int_groups.len() as i32 - 1;
    let mut all: Vec<i16> = int_groups.into_iter().chain(frac_groups).collect();
    while all.first() == Some(&0) {
        all.remove(0);
        weight -= 1;
    }
    while all.last() == Some(&0) {
        all.pop();
    }
    if all.is_empty() {
        weight = 0;
    }
    buf.extend_from_slice(&(all.len() as i16).to_be_bytes());
    buf.extend_from_slice(&(weight as i16).to_be_bytes());
    let sign: u16 = if negative && !all.is_empty() {
        0x4000
    } else {
        0
    };
    buf.extend_from_slice(&sign.to_be_bytes());
    buf.extend_from_slice(&(scale as u16).to_be_bytes());
    for d in all {
        buf.extend_from_slice(&d.to_be_bytes());
    }
    Ok(())
}

/// The text of a binary NUMERIC, with its display scale (`1.50`).
fn decode_numeric(b: &[u8]) -> Result<String, BoxDynError> {
    let mut r = Reader(b);
    let n = r.i16()? as usize;
    let weight = i32::from(r.i16()?);
    let sign = r.u16()?;
    let dscale = r.u16()? as usize;
    match sign {
        0xC000 => return Ok("NaN".into()),
        0xD000 => return Ok("Infinity".into()),
        0xF000 => return Ok("-Infinity".into()),
        _ => {}
    }
    let digits: Vec<i16> = (0..n).map(|_| r.i16()).collect::<Result<_, _>>()?;
    let at = |i: i32| -> i16 {
        if i >= 0 && (i as usize) < digits.len() {
            digits[i as usize]
        } else {
            0
        }
    };
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for i in 0..=weight {
            if i == 0 {
                out.push_str(&at(i).to_string());
            } else {
                out.push_str(&format!("{:04}", at(i)));
            }
        }
    }
    if dscale > 0 {
        let mut frac = String::new();
        let mut i = weight + 1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", at(i)));
            i += 1;
        }
        frac.truncate(dscale);
        out.push('.');
        out.push_str(&frac);
    }
    Ok(out)
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], BoxDynError> {
        if self.0.len() < N {
            return Err("truncated binary value".into());
        }
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        Ok(head.try_into()?)
    }
    fn i16(&mut self) -> Result<i16, BoxDynError> {
        Ok(i16::from_be_bytes(self.take()?))
    }
    fn u16(&mut self) -> Result<u16, BoxDynError> {
        Ok(u16::from_be_bytes(self.take()?))
    }
    fn i32(&mut self) -> Result<i32, BoxDynError> {
        Ok(i32::from_be_bytes(self.take()?))
    }
    fn u32(&mut self) -> Result<u32, BoxDynError> {
        Ok(u32::from_be_bytes(self.take()?))
    }
    fn i64(&mut self) -> Result<i64, BoxDynError> {
        Ok(i64::from_be_bytes(self.take()?))
    }
    fn bytes(&mut self, n: usize) -> Result<&[u8], BoxDynError> {
        if self.0.len() < n {
            return Err("truncated binary value".into());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
}

// -- PostgreSQL: results ---------------------------------------------------------------

/// The values of a row returned over the binary protocol.
pub(crate) fn pg_typed_row(row: &PgRow) -> Result<Vec<TypedValue>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(TypedValue::Null);
            }
            let info = raw.type_info().into_owned();
            let bytes = raw.as_bytes().map_err(sqlx::Error::Decode)?;
            pg_decode_typed(&info, bytes).map_err(sqlx::Error::Decode)
        })
        .collect()
}

fn pg_decode_typed(info: &PgTypeInfo, b: &[u8]) -> Result<TypedValue, BoxDynError> {
    match info.kind() {
        PgTypeKind::Enum(_) => return Ok(TypedValue::Text(String::from_utf8(b.to_vec())?)),
        PgTypeKind::Domain(base) => return pg_decode_typed(base, b),
        PgTypeKind::Array(_) => return pg_decode_array(b),
        _ => {}
    }
    if let Some(o) = info.oid() {
        return pg_decode(o.0, b);
    }
    if info.name() == "vector" {
        return decode_vector(b);
    }
    Ok(TypedValue::Bytes(b.to_vec()))
}

/// pgvector's binary form as its text form (`[1,2.5,3]`), as psycopg returns it.
fn decode_vector(b: &[u8]) -> Result<TypedValue, BoxDynError> {
    let mut r = Reader(b);
    let dims = r.u16()?;
    let _unused = r.u16()?;
    let parts: Vec<String> = (0..dims)
        .map(|_| Ok(f32::from_bits(r.u32()?).to_string()))
        .collect::<Result<_, BoxDynError>>()?;
    Ok(TypedValue::Text(format!("[{}]", parts.join(","))))
}

fn pg_decode_array(b: &[u8]) -> Result<TypedValue, BoxDynError> {
    let mut r = Reader(b);
    let ndim = r.i32()?;
    let _has_null = r.i32()?;
    let element = r.u32()?;
    if ndim == 0 {
        return Ok(TypedValue::Array(Vec::new()));
    }
    let mut dims = Vec::new();
    for _ in 0..ndim {
        dims.push(r.i32()?.max(0) as usize);
        let _lower_bound = r.i32()?;
    }
    fn build(r: &mut Reader<'_>, dims: &[usize], element: u32) -> Result<TypedValue, BoxDynError> {
        let mut items = Vec::with_capacity(dims[0]);
        for _ in 0..dims[0] {
            if dims.len() > 1 {
                items.push(build(r, &dims[1..], element)?);
                continue;
            }
            let len = r.i32()?;
            if len < 0 {
                items.push(TypedValue::Null);
            } else {
                let bytes = r.bytes(len as usize)?;
                items.push(pg_decode(element, bytes)?);
            }
        }
        Ok(TypedValue::Array(items))
    }
    build(&mut r, &dims, element)
}

/// One binary value of a built-in type. Types without a rule come back as raw bytes.
fn pg_decode(type_oid: u32, b: &[u8]) -> Result<TypedValue, BoxDynError> {
    let mut r = Reader(b);
    let text = || -> Result<TypedValue, BoxDynError> {
        Ok(TypedValue::Text(String::from_utf8(b.to_vec())?))
    };
    Ok(match type_oid {
        oid::BOOL => TypedValue::Bool(b.first().is_some_and(|v| *v != 0)),
        oid::BYTEA => TypedValue::Bytes(b.to_vec()),
        oid::INT2 => TypedValue::Int(r.i16()?.into()),
        oid::INT4 => TypedValue::Int(r.i32()?.into()),
        oid::INT8 => TypedValue::Int(r.i64()?),
        oid::OID | oid::REGPROC | oid::REGCLASS | oid::REGTYPE | 28 | 29 => {
            TypedValue::Int(r.u32()?.into())
        }
        oid::FLOAT4 => TypedValue::Float(f32::from_bits(r.u32()?).into()),
        oid::FLOAT8 => TypedValue::Float(f64::from_bits(r.i64()? as u64)),
        oid::NUMERIC => TypedValue::Decimal(decode_numeric(b)?),
        oid::DATE => TypedValue::Date(r.i32()? + PG_EPOCH_DAYS),
        oid::TIME => TypedValue::Time(r.i64()?),
        oid::TIMETZ => {
            let t = r.i64()?;
            TypedValue::TimeTz(t, -r.i32()?)
        }
        oid::TIMESTAMP => TypedValue::Timestamp(r.i64()?.saturating_add(PG_EPOCH_USECS)),
        oid::TIMESTAMPTZ => TypedValue::TimestampTz(r.i64()?.saturating_add(PG_EPOCH_USECS)),
        oid::INTERVAL => {
            let micros = r.i64()?;
            let days = r.i32()?;
            let months = r.i32()?;
            TypedValue::Interval {
                months,
                days,
                micros,
            }
        }
        oid::UUID => TypedValue::Uuid(b.try_into()?),
        oid::JSON => TypedValue::Json(String::from_utf8(b.to_vec())?),
        oid::JSONB => TypedValue::Json(String::from_utf8(b.get(1..).unwrap_or_default().to_vec())?),
        // "char" holds one byte; a NUL one is the empty string in PostgreSQL's text form
        // (what pg_attribute.attgenerated says of a column that is not generated)
        oid::CHAR if b == [0] => TypedValue::Text(String::new()),
        oid::TEXT
        | oid::VARCHAR
        | oid::BPCHAR
        | oid::NAME
        | oid::CHAR
        | oid::UNKNOWN
        | oid::XML => text()?,
        // other types whose binary form is their text: citext, ltree's text-based kin ...
        _ => match std::str::from_utf8(b) {
            Ok(s) if !s.contains('\0') => TypedValue::Text(s.to_string()),
            _ => TypedValue::Bytes(b.to_vec()),
        },
    })
}

/// Whether PostgreSQL reads a string's bytes as a value of this type unchanged: text
/// types, enums, `json` (not `jsonb`, whose binary form has a version byte).
pub(crate) fn pg_takes_text(info: &PgTypeInfo) -> bool {
    match info.kind() {
        PgTypeKind::Enum(_) => true,
        PgTypeKind::Domain(base) => pg_takes_text(base),
        _ => {
            info.oid().is_some_and(|o| {
                matches!(
                    o.0,
                    oid::TEXT
                        | oid::VARCHAR
                        | oid::BPCHAR
                        | oid::NAME
                        | oid::UNKNOWN
                        | oid::JSON
                        | oid::XML
                )
            }) || info.name().eq_ignore_ascii_case("citext")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerics_round_trip_through_the_binary_form() {
        for (text, back) in [
            ("0", "0"),
            ("1.50", "1.50"),
            ("-12345.6789", "-12345.6789"),
            ("10000", "10000"),
            ("0.0001", "0.0001"),
            (
                "123456789012345678901234567890.000000001",
                "123456789012345678901234567890.000000001",
            ),
            ("1E+3", "1000"),
            ("1.2E-7", "0.00000012"),
            ("-0.5", "-0.5"),
            ("NaN", "NaN"),
        ] {
            let mut buf = Vec::new();
            encode_numeric(text, &mut buf).unwrap();
            assert_eq!(decode_numeric(&buf).unwrap(), back, "{text}");
        }
        assert!(encode_numeric("12a", &mut Vec::new()).is_err());
    }

    #[test]
    fn arrays_are_rectangular() {
        let mut buf = Vec::new();
        let ragged = TypedValue::Array(vec![
            TypedValue::Array(vec![TypedValue::Int(1)]),
            TypedValue::Array(vec![TypedValue::Int(1), TypedValue::Int(2)]),
        ]);
        assert!(pg_encode(&ragged, &mut buf).is_err());
        let mut buf = Vec::new();
        let ok = TypedValue::Array(vec![TypedValue::Int(1), TypedValue::Null]);
        pg_encode(&ok, &mut buf).unwrap();
        assert_eq!(pg_decode_array(&buf).unwrap(), ok);
    }
}
