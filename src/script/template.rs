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

#[cfg(test)]
mod tests {
    use super::*;

    // Generated with alembic 1.20.1: the slug part of `ScriptDirectory._rev_path` with
    // `truncate_slug_length = tsl or 40` and `file_template = "%(rev)s_%(slug)s"`.
    const SLUG_CASES: &[(Option<&str>, i64, &str)] = &[
        (Some("Add users table"), 40, "add_users_table"),
        (
            Some("add a column 'foo' to the bar table"),
            40,
            "add_a_column_foo_to_the_bar_table",
        ),
        (None, 40, ""),
        (Some(""), 40, ""),
        (Some("  leading & trailing!! "), 40, "leading_trailing"),
        (
            Some("Añadir índice ÜBER straße"),
            40,
            "añadir_índice_über_straße",
        ),
        (
            Some("CamelCase and snake_case and 123 numbers"),
            40,
            "camelcase_and_snake_case_and_123_numbers",
        ),
        (Some("café́ combining"), 40, "café_combining"),
        (Some("日本語のメッセージ"), 40, "日本語のメッセージ"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            40,
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_",
        ),
        (
            Some("this is a rather long message that will be truncated at a word"),
            40,
            "this_is_a_rather_long_message_that_will_",
        ),
        (
            Some("one-two.three/four\\five"),
            40,
            "one_two_three_four_five",
        ),
        (Some("ÉÇÀ MAJUSCULES"), 40, "éçà_majuscules"),
        (Some("tab\tand\nnewline"), 40, "tab_and_newline"),
        (Some("x_y__z___"), 40, "x_y__z___"),
        (Some("Ⓐ circled Ⅻ roman"), 40, "circled_ⅻ_roman"),
        (Some("İstanbul ΣΑΣ"), 40, "i̇stanbul_σας"),
        (Some("Add users table"), 10, "add_users_"),
        (Some("add a column 'foo' to the bar table"), 10, "add_a_"),
        (None, 10, ""),
        (Some(""), 10, ""),
        (Some("  leading & trailing!! "), 10, "leading_"),
        (Some("Añadir índice ÜBER straße"), 10, "añadir_"),
        (
            Some("CamelCase and snake_case and 123 numbers"),
            10,
            "camelcase_",
        ),
        (Some("café́ combining"), 10, "café_"),
        (Some("日本語のメッセージ"), 10, "日本語のメッセージ"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            10,
            "aaaaaaaaaa_",
        ),
        (
            Some("this is a rather long message that will be truncated at a word"),
            10,
            "this_is_a_",
        ),
        (Some("one-two.three/four\\five"), 10, "one_two_"),
        (Some("ÉÇÀ MAJUSCULES"), 10, "éçà_"),
        (Some("tab\tand\nnewline"), 10, "tab_and_"),
        (Some("x_y__z___"), 10, "x_y__z___"),
        (Some("Ⓐ circled Ⅻ roman"), 10, "circled_ⅻ_"),
        (Some("İstanbul ΣΑΣ"), 10, "i̇stanbul_"),
        (Some("Add users table"), 0, "add_users_table"),
        (
            Some("add a column 'foo' to the bar table"),
            0,
            "add_a_column_foo_to_the_bar_table",
        ),
        (None, 0, ""),
        (Some(""), 0, ""),
        (Some("  leading & trailing!! "), 0, "leading_trailing"),
        (
            Some("Añadir índice ÜBER straße"),
            0,
            "añadir_índice_über_straße",
        ),
        (
            Some("CamelCase and snake_case and 123 numbers"),
            0,
            "camelcase_and_snake_case_and_123_numbers",
        ),
        (Some("café́ combining"), 0, "café_combining"),
        (Some("日本語のメッセージ"), 0, "日本語のメッセージ"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            0,
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_",
        ),
        (
            Some("this is a rather long message that will be truncated at a word"),
            0,
            "this_is_a_rather_long_message_that_will_",
        ),
        (
            Some("one-two.three/four\\five"),
            0,
            "one_two_three_four_five",
        ),
        (Some("ÉÇÀ MAJUSCULES"), 0, "éçà_majuscules"),
        (Some("tab\tand\nnewline"), 0, "tab_and_newline"),
        (Some("x_y__z___"), 0, "x_y__z___"),
        (Some("Ⓐ circled Ⅻ roman"), 0, "circled_ⅻ_roman"),
        (Some("İstanbul ΣΑΣ"), 0, "i̇stanbul_σας"),
        (Some("Add users table"), 3, "add_"),
        (Some("add a column 'foo' to the bar table"), 3, "add_"),
        (None, 3, ""),
        (Some(""), 3, ""),
        (Some("  leading & trailing!! "), 3, "lea_"),
        (Some("Añadir índice ÜBER straße"), 3, "aña_"),
        (Some("CamelCase and snake_case and 123 numbers"), 3, "cam_"),
        (Some("café́ combining"), 3, "caf_"),
        (Some("日本語のメッセージ"), 3, "日本語_"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            3,
            "aaa_",
        ),
        (
            Some("this is a rather long message that will be truncated at a word"),
            3,
            "thi_",
        ),
        (Some("one-two.three/four\\five"), 3, "one_"),
        (Some("ÉÇÀ MAJUSCULES"), 3, "éçà_"),
        (Some("tab\tand\nnewline"), 3, "tab_"),
        (Some("x_y__z___"), 3, "x_"),
        (Some("Ⓐ circled Ⅻ roman"), 3, "cir_"),
        (Some("İstanbul ΣΑΣ"), 3, "i̇s_"),
        (Some("Add users table"), -5, "add_users_"),
        (
            Some("add a column 'foo' to the bar table"),
            -5,
            "add_a_column_foo_to_the_bar_",
        ),
        (None, -5, "_"),
        (Some(""), -5, "_"),
        (Some("  leading & trailing!! "), -5, "leading_"),
        (Some("Añadir índice ÜBER straße"), -5, "añadir_índice_über_"),
        (
            Some("CamelCase and snake_case and 123 numbers"),
            -5,
            "camelcase_and_snake_case_and_123_",
        ),
        (Some("café́ combining"), -5, "café_"),
        (Some("日本語のメッセージ"), -5, "日本語の_"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            -5,
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_",
        ),
        (
            Some("this is a rather long message that will be truncated at a word"),
            -5,
            "this_is_a_rather_long_message_that_will_be_truncated_at_",
        ),
        (Some("one-two.three/four\\five"), -5, "one_two_three_"),
        (Some("ÉÇÀ MAJUSCULES"), -5, "éçà_"),
        (Some("tab\tand\nnewline"), -5, "tab_and_"),
        (Some("x_y__z___"), -5, "x_y_"),
        (Some("Ⓐ circled Ⅻ roman"), -5, "circled_ⅻ_"),
        (Some("İstanbul ΣΑΣ"), -5, "i̇stanbu_"),
        (Some("Add users table"), 100, "add_users_table"),
        (
            Some("add a column 'foo' to the bar table"),
            100,
            "add_a_column_foo_to_the_bar_table",
        ),
        (None, 100, ""),
        (Some(""), 100, ""),
        (Some("  leading & trailing!! "), 100, "leading_trailing"),
        (
            Some("Añadir índice ÜBER straße"),
            100,
            "añadir_índice_über_straße",
        ),
        (
            Some("CamelCase and snake_case and 123 numbers"),
            100,
            "camelcase_and_snake_case_and_123_numbers",
        ),
        (Some("café́ combining"), 100, "café_combining"),
        (Some("日本語のメッセージ"), 100, "日本語のメッセージ"),
        (
            Some("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            100,
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ),
        (
            Some("this is a rather long message that will be truncated at a word"),
            100,
            "this_is_a_rather_long_message_that_will_be_truncated_at_a_word",
        ),
        (
            Some("one-two.three/four\\five"),
            100,
            "one_two_three_four_five",
        ),
        (Some("ÉÇÀ MAJUSCULES"), 100, "éçà_majuscules"),
        (Some("tab\tand\nnewline"), 100, "tab_and_newline"),
        (Some("x_y__z___"), 100, "x_y__z___"),
        (Some("Ⓐ circled Ⅻ roman"), 100, "circled_ⅻ_roman"),
        (Some("İstanbul ΣΑΣ"), 100, "i̇stanbul_σας"),
    ];

    #[test]
    fn slug_matches_alembic() {
        for (message, tsl, want) in SLUG_CASES {
            assert_eq!(
                slugify(*message, *tsl),
                *want,
                "message {message:?} tsl {tsl}"
            );
        }
    }

    #[test]
    fn file_template_matches_alembic() {
        // `_rev_path("/v", "ae1027a6acf", "Add users table", 2024-03-05 07:08:09 UTC)`.
        let tokens = FileTemplateTokens {
            rev: "ae1027a6acf".into(),
            slug: slugify(Some("Add users table"), 40),
            epoch: 1709622489,
            year: 2024,
            month: 3,
            day: 5,
            hour: 7,
            minute: 8,
            second: 9,
        };
        let cases = [
            ("%(rev)s_%(slug)s", "ae1027a6acf_add_users_table"),
            (
                "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s_%(slug)s",
                "2024_03_05_0708-ae1027a6acf_add_users_table",
            ),
            (
                "%(epoch)s_%(rev)s_%(slug)s",
                "1709622489_ae1027a6acf_add_users_table",
            ),
            (
                "%(year)d/%(month).2d/%(day).2d_%(hour).2d%(minute).2d_%(second).2d_%(rev)s_%(slug)s",
                "2024/03/05_0708_09_ae1027a6acf_add_users_table",
            ),
        ];
        for (template, want) in cases {
            assert_eq!(render_file_template(template, &tokens).unwrap(), want);
        }
        let err = render_file_template("%(rev)s_%(nope)s", &tokens).unwrap_err();
        assert_eq!(err.to_string(), "'nope'");
        assert_eq!(err.python_exception(), "KeyError");
        let err = render_file_template("%(rev)d", &tokens).unwrap_err();
        assert_eq!(
            err.to_string(),
            "%d format: a real number is required, not str"
        );
    }

    #[test]
    fn rev_ids_are_12_hex_chars() {
        let a = generate_rev_id();
        let b = generate_rev_id();
        assert_eq!(a.len(), 12);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }
}
