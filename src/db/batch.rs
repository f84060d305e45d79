//! Planning a batch: which statements travel together in one round trip.
//!
//! Statements are joined with `;` and sent as one simple-protocol query. Each statement
//! sent that way reports its own completion, so the number of completions before an
//! error names the failing statement exactly; that holds only when every statement in
//! a joined chunk is exactly one SQL statement. Those that may not be (an inner `;`),
//! that PostgreSQL refuses inside the implicit transaction of a multi-statement query
//! (`VACUUM`, `... CONCURRENTLY`, ...) or that return several results (`CALL`) are sent
//! alone. Statements with nothing but comments are not sent at all.

use super::Dialect;

/// Joined chunks stay below this size (MySQL's `max_allowed_packet` is 4 MiB at least).
const MAX_CHUNK_BYTES: usize = 1 << 20;

/// One round trip of a batch.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// Positions, in the caller's list, of the statements in this chunk, in order.
    pub indexes: Vec<usize>,
    /// The SQL text sent.
    pub sql: String,
    /// Byte offset in `sql` where each statement starts (parallel to `indexes`).
    pub starts: Vec<usize>,
}

impl Chunk {
    fn empty() -> Chunk {
        Chunk {
            indexes: Vec::new(),
            sql: String::new(),
            starts: Vec::new(),
        }
    }

    /// The position in `indexes` of the statement holding character `position`
    /// (1-based, as PostgreSQL reports a syntax error's place in the query text).
    pub fn statement_at_char(&self, position: usize) -> Option<usize> {
        let byte = self
            .sql
            .char_indices()
            .nth(position.saturating_sub(1))
            .map(|(b, _)| b)?;
        self.starts.iter().rposition(|&start| start <= byte)
    }
}

/// Split `statements` into chunks, keeping their order.
pub(crate) fn plan(statements: &[String], backend: Dialect) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current = Chunk::empty();
    for (index, statement) in statements.iter().enumerate() {
        if is_trivial(statement) {
            continue;
        }
        let body = statement.trim().trim_end_matches(';').trim_end();
        if must_run_alone(body, backend) {
            flush(&mut chunks, &mut current);
            chunks.push(Chunk {
                indexes: vec![index],
                sql: statement.clone(),
                starts: vec![0],
            });
            continue;
        }
        if !current.indexes.is_empty() && current.sql.len() + body.len() > MAX_CHUNK_BYTES {
            flush(&mut chunks, &mut current);
        }
        current.starts.push(current.sql.len());
        current.sql.push_str(body);
        // a `--` comment on the last line would swallow the separator
        if body
            .rsplit('\n')
            .next()
            .is_some_and(|line| line.contains("--"))
        {
            current.sql.push('\n');
        }
        current.sql.push_str(";\n");
        current.indexes.push(index);
    }
    flush(&mut chunks, &mut current);
    chunks
}

fn flush(chunks: &mut Vec<Chunk>, current: &mut Chunk) {
    if !current.indexes.is_empty() {
        chunks.push(std::mem::replace(current, Chunk::empty()));
    }
}

/// Nothing but whitespace, comments and semicolons: the server would run nothing.
fn is_trivial(sql: &str) -> bool {
    let mut rest = sql;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ';');
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            match after.split_once("*/") {
                Some((_, r)) => rest = r,
                // an unterminated comment: let the server say what it thinks
                None => return false,
            }
        } else {
            return rest.is_empty();
        }
    }
}

fn must_run_alone(body: &str, backend: Dialect) -> bool {
    if body.contains(';') {
        return true;
    }
    let upper = body.to_ascii_uppercase();
    let words: Vec<&str> = upper.split_whitespace().take(2).collect();
    let starts = |prefix: &[&str]| words.len() >= prefix.len() && words[..prefix.len()] == *prefix;
    match backend {
        Dialect::Postgresql => {
            starts(&["VACUUM"])
                || starts(&["REINDEX"])
                || starts(&["CREATE", "DATABASE"])
                || starts(&["DROP", "DATABASE"])
                || starts(&["ALTER", "SYSTEM"])
                || starts(&["CREATE", "TABLESPACE"])
                || starts(&["DROP", "TABLESPACE"])
                || upper.contains("CONCURRENTLY")
        }
        Dialect::Mysql | Dialect::Mariadb => starts(&["CALL"]),
        Dialect::Sqlite => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stmts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn joins_plain_statements_in_one_chunk() {
        let chunks = plan(
            &stmts(&[
                "CREATE TABLE a (x INT)",
                "INSERT INTO a VALUES (1);",
                "DROP TABLE a",
            ]),
            Dialect::Postgresql,
        );
        assert_eq!(
            chunks,
            vec![Chunk {
                indexes: vec![0, 1, 2],
                sql: "CREATE TABLE a (x INT);\nINSERT INTO a VALUES (1);\nDROP TABLE a;\n".into(),
                starts: vec![0, 24, 50],
            }]
        );
    }

    #[test]
    fn isolates_what_cannot_be_counted() {
        let chunks = plan(
            &stmts(&[
                "SELECT 1",
                "SELECT 2; SELECT 3",
                "  -- only a comment\n",
                "/* c */ ;",
                "CREATE INDEX CONCURRENTLY ix ON t (x)",
                "SELECT 4 -- trailing",
                "SELECT 5",
            ]),
            Dialect::Postgresql,
        );
        let shape: Vec<Vec<usize>> = chunks.iter().map(|c| c.indexes.clone()).collect();
        assert_eq!(shape, vec![vec![0], vec![1], vec![4], vec![5, 6]]);
        assert_eq!(chunks[3].sql, "SELECT 4 -- trailing\n;\nSELECT 5;\n");
    }

    #[test]
    fn call_runs_alone_on_mysql_only() {
        let list = stmts(&["CALL p()", "SELECT 1"]);
        assert_eq!(plan(&list, Dialect::Mysql).len(), 2);
        assert_eq!(plan(&list, Dialect::Postgresql).len(), 1);
    }

    #[test]
    fn locates_a_statement_by_character_position() {
        let chunks = plan(
            &stmts(&["CREATE TABLE é (id int)", "CREATE TABLEX broken"]),
            Dialect::Postgresql,
        );
        let chunk = &chunks[0];
        assert_eq!(chunk.statement_at_char(1), Some(0));
        // "CREATE TABLE é (id int);\n" is 25 characters: the second statement starts at 26
        assert_eq!(chunk.statement_at_char(25), Some(0));
        assert_eq!(chunk.statement_at_char(26), Some(1));
        assert_eq!(chunk.statement_at_char(33), Some(1));
    }

    #[test]
    fn trivial_statements() {
        assert!(is_trivial(""));
        assert!(is_trivial(" ;\n-- x\n/* y */"));
        assert!(!is_trivial("/* unterminated"));
        assert!(!is_trivial("-- c\nSELECT 1"));
    }
}
