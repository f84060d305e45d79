//! What SQLite's pragmas do not say, read from the `CREATE TABLE` / `CREATE INDEX` text
//! that `sqlite_master` keeps: constraint names, check constraints, generated columns'
//! expressions, `DEFERRABLE`, `AUTOINCREMENT`, a partial index's `WHERE`.
//!
//! A small tokenizer, not regular expressions: quoted names, strings and nested
//! parentheses are honoured wherever they appear.

use super::text::unquote_identifier;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A bare word (keyword or name), as written.
    Word(String),
    /// A quoted identifier (`"x"`, `[x]`, `` `x` ``), unquoted.
    Quoted(String),
    /// A string literal, as written (quotes included).
    Str,
    Open,
    Close,
    Comma,
    Other,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn tokenize(sql: &str) -> Vec<Token> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let tok = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                continue;
            }
            b'\'' | b'"' | b'`' | b'[' => {
                let close = if c == b'[' { b']' } else { c };
                i += 1;
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == close {
                        if close != b']' && b.get(i + 1) == Some(&close) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                if c == b'\'' {
                    Tok::Str
                } else {
                    Tok::Quoted(unquote_identifier(&sql[start..i]))
                }
            }
            b'(' => {
                i += 1;
                Tok::Open
            }
            b')' => {
                i += 1;
                Tok::Close
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                Tok::Word(sql[start..i].to_string())
            }
            _ => {
                i += 1;
                Tok::Other
            }
        };
        out.push(Token { tok, start, end: i });
    }
    out
}

fn is_kw(t: Option<&Token>, kw: &str) -> bool {
    matches!(t, Some(Token { tok: Tok::Word(w), .. }) if w.eq_ignore_ascii_case(kw))
}

fn name_of(t: Option<&Token>) -> Option<String> {
    match &t?.tok {
        Tok::Word(w) => Some(w.clone()),
        Tok::Quoted(q) => Some(q.clone()),
        // SQLite takes a string literal where a name is expected
        _ => None,
    }
}

/// The index of the token closing the parenthesis opened at `open`.
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// Top-level comma-separated parts of `tokens[from..to]`, as index ranges.
fn split_top(tokens: &[Token], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = from;
    for (i, token) in tokens.iter().enumerate().take(to).skip(from) {
        match token.tok {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            Tok::Comma if depth == 0 => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < to {
        parts.push((start, to));
    }
    parts
}

/// A foreign key as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referred_table: String,
    pub referred_columns: Vec<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
}

/// A generated column's expression.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedGenerated {
    pub column: String,
    pub sqltext: String,
}

/// The constraints of a `CREATE TABLE`, column-level ones included.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedTable {
    pub primary_key_name: Option<String>,
    /// `UNIQUE` constraints: name and columns.
    pub uniques: Vec<(Option<String>, Vec<String>)>,
    /// `CHECK` constraints: name and expression.
    pub checks: Vec<(Option<String>, String)>,
    pub foreign_keys: Vec<ParsedForeignKey>,
    pub generated: Vec<ParsedGenerated>,
    /// The column declared `PRIMARY KEY AUTOINCREMENT`.
    pub autoincrement: Option<String>,
}

/// Read the constraints out of a `CREATE TABLE` statement.
pub fn parse_create_table(sql: &str) -> ParsedTable {
    let tokens = tokenize(sql);
    let mut out = ParsedTable::default();
    let Some(open) = tokens.iter().position(|t| t.tok == Tok::Open) else {
        return out;
    };
    let close = closing(&tokens, open);
    let text = |from: usize, to: usize| -> String {
        // the source text between two tokens (exclusive), trimmed
        if from + 1 >= to {
            return String::new();
        }
        sql[tokens[from].end..tokens[to].start].trim().to_string()
    };
    let names_in = |from: usize, to: usize| -> Vec<String> {
        split_top(&tokens, from, to)
            .into_iter()
            .filter_map(|(s, _)| name_of(tokens.get(s)))
            .collect()
    };
    for (start, end) in split_top(&tokens, open + 1, close) {
        let mut i = start;
        let is_constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|kw| is_kw(tokens.get(start), kw));
        let column = if is_constraint {
            None
        } else {
            i += 1;
            name_of(tokens.get(start))
        };
        let mut pending_name: Option<String> = None;
        while i < end {
            let t = &tokens[i];
            if is_kw(Some(t), "CONSTRAINT") {
                pending_name = name_of(tokens.get(i + 1));
                i += 2;
                continue;
            }
            if is_kw(Some(t), "PRIMARY") {
                if pending_name.is_some() {
                    out.primary_key_name = pending_name.take();
                }
                i += 1;
                continue;
            }
            if is_kw(Some(t), "AUTOINCREMENT") {
                out.autoincrement = column.clone();
                i += 1;
                continue;
            }
            if is_kw(Some(t), "UNIQUE") {
                let name = pending_name.take();
                if tokens.get(i + 1).map(|t| &t.tok) == Some(&Tok::Open) {
                    let c = closing(&tokens, i + 1);
                    out.uniques.push((name, names_in(i + 2, c)));
                    i = c + 1;
                } else {
                    if let Some(col) = &column {
                        out.uniques.push((name, vec![col.clone()]));
                    }
                    i += 1;
                }
                continue;
            }
            if is_kw(Some(t), "CHECK") && tokens.get(i + 1).map(|t| &t.tok) == Some(&Tok::Open) {
                let c = closing(&tokens, i + 1);
                out.checks.push((pending_name.take(), text(i + 1, c)));
                i = c + 1;
                continue;
            }
            if is_kw(Some(t), "AS") && tokens.get(i + 1).map(|t| &t.tok) == Some(&Tok::Open) {
                let c = closing(&tokens, i + 1);
                if let Some(col) = &column {
                    out.generated.push(ParsedGenerated {
                        column: col.clone(),
                        sqltext: text(i + 1, c),
                    });
                }
                i = c + 1;
                continue;
            }
            if is_kw(Some(t), "FOREIGN") && is_kw(tokens.get(i + 1), "KEY") {
                let o = i + 2;
                let c = closing(&tokens, o);
                let columns = names_in(o + 1, c);
                let (fk, next) = references(&tokens, c + 1, end, pending_name.take(), columns);
                out.foreign_keys.extend(fk);
                i = next;
                continue;
            }
            if is_kw(Some(t), "REFERENCES") {
                let columns = column.iter().cloned().collect();
                let (fk, next) = references(&tokens, i, end, pending_name.take(), columns);
                out.foreign_keys.extend(fk);
                i = next;
                continue;
            }
            if t.tok == Tok::Open {
                i = closing(&tokens, i) + 1;
                continue;
            }
            i += 1;
        }
    }
    out
}

/// `REFERENCES t (cols) ... [NOT] DEFERRABLE [INITIALLY x]` from `at` (the REFERENCES).
fn references(
    tokens: &[Token],
    at: usize,
    end: usize,
    name: Option<String>,
    columns: Vec<String>,
) -> (Option<ParsedForeignKey>, usize) {
    if !is_kw(tokens.get(at), "REFERENCES") {
        return (None, at + 1);
    }
    let mut fk = ParsedForeignKey {
        name,
        columns,
        referred_table: name_of(tokens.get(at + 1)).unwrap_or_default(),
        ..ParsedForeignKey::default()
    };
    let mut i = at + 2;
    if tokens.get(i).map(|t| &t.tok) == Some(&Tok::Open) {
        let c = closing(tokens, i);
        fk.referred_columns = split_top(tokens, i + 1, c)
            .into_iter()
            .filter_map(|(s, _)| name_of(tokens.get(s)))
            .collect();
        i = c + 1;
    }
    while i < end {
        let t = tokens.get(i);
        if is_kw(t, "NOT") && is_kw(tokens.get(i + 1), "DEFERRABLE") {
            fk.deferrable = Some(false);
            i += 2;
        } else if is_kw(t, "DEFERRABLE") {
            fk.deferrable = Some(true);
            i += 1;
        } else if is_kw(t, "INITIALLY") {
            fk.initially = name_of(tokens.get(i + 1)).map(|w| w.to_ascii_uppercase());
            i += 2;
        } else if matches!(
            t.map(|t| &t.tok),
            Some(Tok::Word(w)) if ["ON", "MATCH", "SET", "NO", "DELETE", "UPDATE", "CASCADE", "RESTRICT", "NULL", "DEFAULT", "ACTION", "SIMPLE", "FULL", "PARTIAL"]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
        ) {
            i += 1;
        } else {
            break;
        }
    }
    (Some(fk), i)
}

/// The parts of a `CREATE INDEX`: its key elements as written, and its `WHERE`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedIndex {
    pub elements: Vec<String>,
    pub predicate: Option<String>,
}

/// Read a `CREATE [UNIQUE] INDEX name ON table (elements) [WHERE predicate]`.
pub fn parse_create_index(sql: &str) -> ParsedIndex {
    let tokens = tokenize(sql);
    let mut out = ParsedIndex::default();
    let Some(on) = tokens.iter().position(|t| is_kw(Some(t), "ON")) else {
        return out;
    };
    let Some(open) = tokens[on..]
        .iter()
        .position(|t| t.tok == Tok::Open)
        .map(|p| p + on)
    else {
        return out;
    };
    let close = closing(&tokens, open);
    for (s, e) in split_top(&tokens, open + 1, close) {
        // drop a trailing ASC/DESC and COLLATE x: the pragmas say those
        let mut last = e;
        while last > s + 1 {
            let prev = tokens.get(last - 1);
            if is_kw(prev, "ASC") || is_kw(prev, "DESC") {
                last -= 1;
            } else if last >= s + 3 && is_kw(tokens.get(last - 2), "COLLATE") {
                last -= 2;
            } else {
                break;
            }
        }
        out.elements.push(
            sql[tokens[s].start..tokens[last - 1].end]
                .trim()
                .to_string(),
        );
    }
    if is_kw(tokens.get(close + 1), "WHERE")
        && let Some(t) = tokens.get(close + 2)
    {
        out.predicate = Some(
            sql[t.start..]
                .trim()
                .trim_end_matches(';')
                .trim()
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_table_constraints() {
        let p = parse_create_table(
            "CREATE TABLE \"a b\" (\n id INTEGER NOT NULL CONSTRAINT pk_x PRIMARY KEY AUTOINCREMENT,\n\
             name VARCHAR(20) UNIQUE CHECK (name <> 'a,(b'),\n\
             total INTEGER GENERATED ALWAYS AS (id * 2) STORED,\n\
             parent INTEGER REFERENCES \"a b\" (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n\
             CONSTRAINT uq_two UNIQUE (name, \"total\"),\n\
             CONSTRAINT ck_t CHECK (total > 0),\n\
             CONSTRAINT fk_p FOREIGN KEY(parent, id) REFERENCES other (a, b) NOT DEFERRABLE\n)",
        );
        assert_eq!(p.primary_key_name.as_deref(), Some("pk_x"));
        assert_eq!(p.autoincrement.as_deref(), Some("id"));
        assert_eq!(
            p.uniques,
            vec![
                (None, vec!["name".to_string()]),
                (Some("uq_two".into()), vec!["name".into(), "total".into()])
            ]
        );
        assert_eq!(
            p.checks,
            vec![
                (None, "name <> 'a,(b'".to_string()),
                (Some("ck_t".into()), "total > 0".into())
            ]
        );
        assert_eq!(p.generated[0].sqltext, "id * 2");
        assert_eq!(p.foreign_keys.len(), 2);
        assert_eq!(p.foreign_keys[0].deferrable, Some(true));
        assert_eq!(p.foreign_keys[0].initially.as_deref(), Some("DEFERRED"));
        assert_eq!(p.foreign_keys[1].name.as_deref(), Some("fk_p"));
        assert_eq!(p.foreign_keys[1].columns, ["parent", "id"]);
        assert_eq!(p.foreign_keys[1].referred_columns, ["a", "b"]);
        assert_eq!(p.foreign_keys[1].deferrable, Some(false));
    }

    #[test]
    fn reads_index_parts() {
        let p = parse_create_index("CREATE INDEX ix ON t (lower(name), b DESC) WHERE b > 0");
        assert_eq!(p.elements, ["lower(name)", "b"]);
        assert_eq!(p.predicate.as_deref(), Some("b > 0"));
    }
}
