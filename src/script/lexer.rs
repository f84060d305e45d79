//! Just enough of Python's tokenizer to find a module's top-level statements: strings (all
//! prefixes, triple quotes, f-strings with nested fields), comments, bracket nesting,
//! backslash continuations and logical lines. Tokens borrow from the source.

/// One token of a logical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// An identifier or keyword.
    Name(&'a str),
    /// A string literal: its prefix as written (`r`, `b`, `f`, `Rb`, ...) and its body
    /// between the quotes, escapes unprocessed.
    Str { prefix: &'a str, body: &'a str },
    /// An operator or delimiter, e.g. `=`, `:`, `(`, `==`, `+=`.
    Op(&'a str),
    /// A number or anything else we do not need to understand.
    Other,
}

/// Why the source could not be tokenized (the Python import will report the real error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError(pub(crate) &'static str);

/// Why [`each_logical_line`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineError<E> {
    /// The source does not tokenize.
    Lex(LexError),
    /// The visitor refused a line.
    Visit(E),
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn is_string_prefix(word: &str) -> bool {
    let lower = |b: u8| b.to_ascii_lowercase();
    match word.as_bytes() {
        [a] => matches!(lower(*a), b'r' | b'u' | b'b' | b'f' | b't'),
        [a, b] => matches!(
            (lower(*a), lower(*b)),
            (b'b', b'r') | (b'r', b'b') | (b'f', b'r') | (b'r', b'f') | (b't', b'r') | (b'r', b't')
        ),
        _ => false,
    }
}

/// The length of the operator or delimiter `rest` starts with (ASCII): the longest of
/// Python's multi-character operators, else one character.
fn operator_len(rest: &[u8]) -> usize {
    match rest {
        [b'*', b'*', b'=', ..]
        | [b'/', b'/', b'=', ..]
        | [b'>', b'>', b'=', ..]
        | [b'<', b'<', b'=', ..]
        | [b'.', b'.', b'.', ..] => 3,
        [b'-', b'>', ..]
        | [b':', b'=', ..]
        | [
            b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^'
            | b'@',
            b'=',
            ..,
        ]
        | [b'*', b'*', ..]
        | [b'/', b'/', ..]
        | [b'<', b'<', ..]
        | [b'>', b'>', ..]
        | [b'<', b'>', ..] => 2,
        _ => 1,
    }
}

/// Split `src` (newlines already normalised to `\n`) into logical lines and hand each to
/// `visit` with whether it is indented; the token slice is reused between lines. Stops at
/// the first line `visit` refuses.
pub(crate) fn each_logical_line<'a, E>(
    src: &'a str,
    mut visit: impl FnMut(bool, &[Tok<'a>]) -> Result<(), E>,
) -> Result<(), LineError<E>> {
    let bytes = src.as_bytes();
    let mut toks: Vec<Tok<'a>> = Vec::with_capacity(32);
    let mut line_indented = false;
    let mut i = 0;
    let mut depth = 0usize;
    let mut at_line_start = true;
    let mut indent = 0usize;
    let lex = |e: &'static str| LineError::Lex(LexError(e));
    macro_rules! push {
        ($tok:expr) => {{
            if toks.is_empty() {
                line_indented = indent > 0;
            }
            toks.push($tok);
        }};
    }

    while i < bytes.len() {
        let b = bytes[i];
        if at_line_start {
            // Measure indentation; blank and comment-only lines produce nothing.
            indent = 0;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\x0c') {
                indent += 1;
                i += 1;
            }
            at_line_start = false;
            continue;
        }
        match b {
            b'\n' => {
                i += 1;
                if depth == 0 && !toks.is_empty() {
                    visit(line_indented, &toks).map_err(LineError::Visit)?;
                    toks.clear();
                }
                at_line_start = depth == 0;
            }
            b' ' | b'\t' | b'\x0c' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 2;
                } else {
                    return Err(lex("unexpected character after line continuation"));
                }
            }
            b'"' | b'\'' => {
                let (tok, end) = lex_string(src, i, i).map_err(LineError::Lex)?;
                push!(tok);
                i = end;
            }
            _ if is_ident_byte(b) && !b.is_ascii_digit() => {
                let start = i;
                while i < bytes.len() && is_ident_byte(bytes[i]) {
                    i += 1;
                }
                let word = &src[start..i];
                if i < bytes.len() && matches!(bytes[i], b'"' | b'\'') && is_string_prefix(word) {
                    let (tok, end) = lex_string(src, start, i).map_err(LineError::Lex)?;
                    push!(tok);
                    i = end;
                } else {
                    push!(Tok::Name(word));
                }
            }
            b'0'..=b'9' => {
                while i < bytes.len() && (is_ident_byte(bytes[i]) || bytes[i] == b'.') {
                    // Exponent signs: 1e-5.
                    if matches!(bytes[i], b'e' | b'E')
                        && matches!(bytes.get(i + 1), Some(b'+' | b'-'))
                    {
                        i += 1;
                    }
                    i += 1;
                }
                push!(Tok::Other);
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i += 1;
                while i < bytes.len() && (is_ident_byte(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
                push!(Tok::Other);
            }
            _ => {
                let len = operator_len(&bytes[i..]);
                match b {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => {
                        depth = depth
                            .checked_sub(1)
                            .ok_or(lex("unmatched closing bracket"))?
                    }
                    _ => {}
                }
                push!(Tok::Op(&src[i..i + len]));
                i += len;
            }
        }
    }
    if depth != 0 {
        return Err(lex("unexpected EOF in multi-line statement"));
    }
    if !toks.is_empty() {
        visit(line_indented, &toks).map_err(LineError::Visit)?;
    }
    Ok(())
}

/// Lex a string literal whose prefix starts at `start` and whose quote is at `quote_at`.
/// Returns the token and the index just past it.
fn lex_string(src: &str, start: usize, quote_at: usize) -> Result<(Tok<'_>, usize), LexError> {
    let bytes = src.as_bytes();
    let prefix = &src[start..quote_at];
    let q = bytes[quote_at];
    let triple = bytes.get(quote_at + 1) == Some(&q) && bytes.get(quote_at + 2) == Some(&q);
    let body_start = quote_at + if triple { 3 } else { 1 };
    let is_f = prefix
        .bytes()
        .any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
    let body_end = if is_f {
        skip_fstring_body(bytes, body_start, q, triple)?
    } else {
        skip_plain_body(bytes, body_start, q, triple)?
    };
    let end = body_end + if triple { 3 } else { 1 };
    Ok((
        Tok::Str {
            prefix,
            body: &src[body_start..body_end],
        },
        end,
    ))
}

/// Whether the closing quote(s) start at `i`.
fn closes(bytes: &[u8], i: usize, q: u8, triple: bool) -> bool {
    bytes[i] == q && (!triple || (bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q)))
}

/// Find the end of a non-f-string body; backslash always protects the next character.
fn skip_plain_body(bytes: &[u8], mut i: usize, q: u8, triple: bool) -> Result<usize, LexError> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if !triple => return Err(LexError("unterminated string literal")),
            _ if closes(bytes, i, q, triple) => return Ok(i),
            _ => i += 1,
        }
    }
    Err(LexError("unterminated string literal"))
}

/// Find the end of an f-string body: literal text with `{{`/`}}` escapes and replacement
/// fields whose expressions may hold strings of any quote (PEP 701).
fn skip_fstring_body(bytes: &[u8], mut i: usize, q: u8, triple: bool) -> Result<usize, LexError> {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if !triple => return Err(LexError("unterminated f-string")),
            b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if bytes.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => i = skip_replacement_field(bytes, i + 1)?,
            _ if closes(bytes, i, q, triple) => return Ok(i),
            _ => i += 1,
        }
    }
    Err(LexError("unterminated f-string"))
}

/// Skip `expr[!conv][:spec]}` starting just after `{`; returns the index after `}`.
fn skip_replacement_field(bytes: &[u8], mut i: usize) -> Result<usize, LexError> {
    let mut depth = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' | b'"' => {
                let q = b;
                let triple = bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q);
                let start = i + if triple { 3 } else { 1 };
                // Nested f-strings are possible; their prefix was already skipped as a name.
                let prefix_is_f = i > 0
                    && matches!(bytes[i - 1], b'f' | b'F')
                    && (i < 2
                        || !is_ident_byte(bytes[i - 2])
                        || matches!(bytes[i - 2], b'r' | b'R'));
                let end = if prefix_is_f {
                    skip_fstring_body(bytes, start, q, triple)?
                } else {
                    skip_plain_body(bytes, start, q, triple)?
                };
                i = end + if triple { 3 } else { 1 };
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'}' if depth == 0 => return Ok(i + 1),
            b'}' => {
                depth -= 1;
                i += 1;
            }
            b':' if depth == 0 => return skip_format_spec(bytes, i + 1),
            _ => i += 1,
        }
    }
    Err(LexError("unterminated f-string replacement field"))
}

/// Skip a format spec (literal text with nested fields) up to and past the closing `}`.
fn skip_format_spec(bytes: &[u8], mut i: usize) -> Result<usize, LexError> {
    while i < bytes.len() {
        match bytes[i] {
            b'{' => i = skip_replacement_field(bytes, i + 1)?,
            b'}' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(LexError("unterminated f-string format spec"))
}
