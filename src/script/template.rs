//! Naming new revision files: alembic's `file_template` rendering (`ScriptDirectory._rev_path`),
//! the slug of the message, and revision id generation (`util.rev_id`).

use super::error::ScriptError;
use crate::config::pyformat::{FormatValue, percent_format};

/// alembic's default `file_template`.
pub const DEFAULT_FILE_TEMPLATE: &str = "%(rev)s_%(slug)s";

/// alembic's default `truncate_slug_length`.
pub const DEFAULT_TRUNCATE_SLUG_LENGTH: i64 = 40;

/// The tokens alembic offers to `file_template`. The date parts come from the create date
/// (in the configured `timezone`), `epoch` is its Unix timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTemplateTokens {
    pub rev: String,
    pub slug: String,
    pub epoch: i64,
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
}

/// `file_template % tokens` (without the `.py` alembic appends). Unknown tokens and bad
/// specifiers fail with Python's `KeyError`/`ValueError`/`TypeError` text.
pub fn render_file_template(
    template: &str,
    tokens: &FileTemplateTokens,
) -> Result<String, ScriptError> {
    let lookup = |key: &str| {
        let value = match key {
            "rev" => FormatValue::Str(tokens.rev.clone()),
            "slug" => FormatValue::Str(tokens.slug.clone()),
            "epoch" => FormatValue::Int(tokens.epoch),
            "year" => FormatValue::Int(tokens.year),
            "month" => FormatValue::Int(tokens.month),
            "day" => FormatValue::Int(tokens.day),
            "hour" => FormatValue::Int(tokens.hour),
            "minute" => FormatValue::Int(tokens.minute),
            "second" => FormatValue::Int(tokens.second),
            _ => return None,
        };
        Some(value)
    };
    Ok(percent_format(template, lookup)?)
}

/// Python's `\w` for one character: letters and numbers of any script, and `_`.
///
/// Rust's `Alphabetic` also covers combining marks and a few symbols (`Other_Alphabetic`)
/// that Python's `str.isalnum` rejects; the common blocks of those are excluded here.
fn is_py_word(c: char) -> bool {
    if c == '_' || c.is_ascii_alphanumeric() {
        return true;
    }
    if c.is_ascii() {
        return false;
    }
    let u = c as u32;
    let mark_or_symbol = matches!(
        u,
        0x0300..=0x036F
            | 0x0483..=0x0489
            | 0x0591..=0x05C7
            | 0x0610..=0x061A
            | 0x064B..=0x065F
            | 0x0670
            | 0x06D6..=0x06ED
            | 0x0900..=0x0903
            | 0x093A..=0x093C
            | 0x093E..=0x094F
            | 0x0951..=0x0957
            | 0x0962..=0x0963
            | 0x0981..=0x0983
            | 0x09BC
            | 0x09BE..=0x09CD
            | 0x0E31
            | 0x0E34..=0x0E3A
            | 0x0E47..=0x0E4E
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x20D0..=0x20FF
            | 0x24B6..=0x24E9
            | 0x1F130..=0x1F189
            | 0x3099..=0x309A
            | 0xFE20..=0xFE2F
    );
    !mark_or_symbol && c.is_alphanumeric()
}

/// The slug alembic puts in a new revision's file name: the message's `\w+` runs joined
/// with `_` and lower-cased; when longer than `truncate_slug_length` it is cut there,
/// back to the last `_`, and ends with `_`. A length of 0 means the default 40 (alembic's
/// `truncate_slug_length or 40`).
pub fn slugify(message: Option<&str>, truncate_slug_length: i64) -> String {
    let message = message.unwrap_or("");
    let mut words: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in message.char_indices() {
        match (is_py_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(&message[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(&message[s..]);
    }
    let slug = words.join("_").to_lowercase();
    let limit = if truncate_slug_length == 0 {
        DEFAULT_TRUNCATE_SLUG_LENGTH
    } else {
        truncate_slug_length
    };
    let len = slug.chars().count() as i64;
    if len <= limit {
        return slug;
    }
    // Python's slug[:limit], including negative limits.
    let keep = if limit < 0 {
        (len + limit).max(0)
    } else {
        limit
    };
    let cut: String = slug.chars().take(keep as usize).collect();
    let head = match cut.rfind('_') {
        Some(at) => &cut[..at],
        None => cut.as_str(),
    };
    format!("{head}_")
}

/// A new revision id: `uuid.uuid4().hex[-12:]`.
pub fn generate_rev_id() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    hex[hex.len() - 12..].to_string()
}
