//! Python's `textwrap.wrap` / `textwrap.fill` with their default options, for ASCII text:
//! what argparse uses to wrap help texts (`HelpFormatter._split_lines` / `_fill_text`).
//!
//! The chunking follows `TextWrapper.wordsep_re` (break on whitespace and after the hyphen
//! of a hyphenated word), the line filling `TextWrapper._wrap_chunks` and
//! `_handle_long_word`. Callers make sure the text is ASCII: `\w` and friends are the ASCII
//! classes here.

/// `textwrap.wrap(text, width, initial_indent=..., subsequent_indent=...)`. `width` must be
/// positive (Python raises `ValueError` otherwise).
pub(crate) fn wrap(
    text: &str,
    width: usize,
    initial_indent: &str,
    subsequent_indent: &str,
) -> Vec<String> {
    let munged: String = text
        .chars()
        .map(|c| if is_ws(c) { ' ' } else { c })
        .collect();
    let mut chunks: Vec<String> = split_chunks(&munged);
    chunks.reverse();
    let mut lines: Vec<String> = Vec::new();
    while !chunks.is_empty() {
        let mut cur_line: Vec<String> = Vec::new();
        let mut cur_len = 0usize;
        let indent = if lines.is_empty() {
            initial_indent
        } else {
            subsequent_indent
        };
        // Python compares with a possibly negative width; keep the sign.
        let width = width as isize - indent.chars().count() as isize;
        if chunks
            .last()
            .is_some_and(|c| c.trim_matches(' ').is_empty())
            && !lines.is_empty()
        {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            let l = chunk.chars().count();
            if (cur_len + l) as isize <= width {
                cur_len += l;
                cur_line.push(chunks.pop().expect("checked non-empty"));
            } else {
                break;
            }
        }
        if chunks
            .last()
            .is_some_and(|c| c.chars().count() as isize > width)
        {
            handle_long_word(&mut chunks, &mut cur_line, cur_len, width);
        }
        if cur_line
            .last()
            .is_some_and(|c| c.trim_matches(' ').is_empty())
        {
            cur_line.pop();
        }
        if !cur_line.is_empty() {
            lines.push(format!("{indent}{}", cur_line.concat()));
        }
    }
    lines
}

/// `textwrap.fill`: [`wrap`] joined with newlines.
pub(crate) fn fill(
    text: &str,
    width: usize,
    initial_indent: &str,
    subsequent_indent: &str,
) -> String {
    wrap(text, width, initial_indent, subsequent_indent).join("\n")
}

/// `TextWrapper._handle_long_word` with `break_long_words` and `break_on_hyphens`.
fn handle_long_word(
    chunks: &mut [String],
    cur_line: &mut Vec<String>,
    cur_len: usize,
    width: isize,
) {
    let space_left = if width < 1 {
        1
    } else {
        (width - cur_len as isize).max(0) as usize
    };
    let last = chunks.len() - 1;
    let chunk: Vec<char> = chunks[last].chars().collect();
    let mut end = space_left;
    if chunk.len() > space_left {
        // break after the last hyphen, if there are non-hyphens before it
        if let Some(hyphen) = chunk[..space_left].iter().rposition(|&c| c == '-')
            && hyphen > 0
            && chunk[..hyphen].iter().any(|&c| c != '-')
        {
            end = hyphen + 1;
        }
    }
    let end = end.min(chunk.len());
    cur_line.push(chunk[..end].iter().collect());
    chunks[last] = chunk[end..].iter().collect();
}

/// `textwrap`'s whitespace: `'\t\n\x0b\x0c\r '`.
fn is_ws(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// `\w` (ASCII).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[^\d\W]`: a word character that is not a digit.
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// `[\w!"'&.,?]`.
fn is_word_punct(c: char) -> bool {
    is_word(c) || matches!(c, '!' | '"' | '\'' | '&' | '.' | ',' | '?')
}

/// `TextWrapper._split` with `wordsep_re` (after whitespace was munged to spaces): the
/// non-empty pieces of `re.split`.
fn split_chunks(text: &str) -> Vec<String> {
    let s: Vec<char> = text.chars().collect();
    let at = |i: usize| s.get(i).copied();
    // `-{2,}\w` starting at i
    let dashes_then_word = |i: usize| {
        let mut j = i;
        while at(j) == Some('-') {
            j += 1;
        }
        j - i >= 2 && at(j).is_some_and(is_word)
    };
    let mut chunks = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let end = if s[i] == ' ' {
            let mut j = i;
            while at(j) == Some(' ') {
                j += 1;
            }
            j
        } else if i > 0 && is_word_punct(s[i - 1]) && dashes_then_word(i) {
            // an em-dash between words
            let mut j = i;
            while at(j) == Some('-') {
                j += 1;
            }
            j
        } else {
            // a word, possibly hyphenated: the shortest run of non-spaces followed by
            // one of the three endings
            let mut p = i + 1;
            loop {
                let hyphenated = at(p) == Some('-')
                    && ((p >= 2 && is_letter(s[p - 2]) && is_letter(s[p - 1]))
                        || (p >= 3
                            && is_letter(s[p - 3])
                            && s[p - 2] == '-'
                            && is_letter(s[p - 1])))
                    && at(p + 1).is_some_and(is_letter)
                    && (at(p + 2).is_some_and(is_letter)
                        || (at(p + 2) == Some('-') && at(p + 3).is_some_and(is_letter)));
                if hyphenated {
                    break p + 1;
                }
                if at(p).is_none_or(|c| c == ' ') {
                    break p;
                }
                if is_word_punct(s[p - 1]) && dashes_then_word(p) {
                    break p;
                }
                p += 1;
            }
        };
        chunks.push(s[i..end].iter().collect());
        i = end;
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_like_wordsep_re() {
        // re.split of textwrap.TextWrapper.wordsep_re, from Python 3.11
        let cases: &[(&str, &[&str])] = &[
            ("alembic-rs 0.1.0", &["alembic-", "rs", " ", "0.1.0"]),
            ("-x a=b -x c", &["-x", " ", "a=b", " ", "-x", " ", "c"]),
            (
                "non-head a-b x--y",
                &["non-", "head", " ", "a-b", " ", "x", "--", "y"],
            ),
            ("ab-c-de", &["ab-", "c-", "de"]),
            (
                "Hello there -- you goof-ball",
                &[
                    "Hello", " ", "there", " ", "--", " ", "you", " ", "goof-", "ball",
                ],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(split_chunks(text), *want, "{text}");
        }
    }

    #[test]
    fn wraps_like_textwrap() {
        assert_eq!(
            wrap("Treat dependency versions as down revisions", 16, "", ""),
            ["Treat dependency", "versions as down", "revisions"]
        );
        assert_eq!(fill("alembic-rs 0.1.0", 11, "", ""), "alembic-rs\n0.1.0");
        assert_eq!(wrap("abcdefghij", 4, "", ""), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("aaa-bbbbbbb", 6, "", ""), ["aaa-bb", "bbbbb"]);
        assert!(wrap("", 10, "", "").is_empty());
    }
}
