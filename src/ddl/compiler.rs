//! The pieces SQLAlchemy's DDL compiler writes: column specifications, constraints, CREATE
//! TABLE and CREATE/DROP INDEX, each per dialect.

use super::quote::Preparer;
use super::{DdlError, Dialect, DialectFlags, literal};
use crate::ops::{
    Check, Column, Constraint, CreateTable, DropIndex, Exclude, ForeignKey, Identity, Index,
    IndexElement, MysqlLength, PgTableOptions, PrimaryKey, ServerDefault, TypeClass, Unique,
};

/// Renders DDL fragments for one dialect.
#[derive(Debug, Clone, Copy)]
pub struct Compiler {
    /// The dialect.
    pub dialect: Dialect,
    /// Its identifier preparer.
    pub prep: Preparer,
    /// What the run's dialect says about version-dependent details.
    pub flags: DialectFlags,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `re.match(r".*\W.*", s)`: a non-word character on the first line (or the newline ending it).
fn has_non_word_on_first_line(s: &str) -> bool {
    for c in s.chars() {
        if !is_word(c) {
            return true;
        }
    }
    false
}

/// PostgreSQL `WITH (...)` storage parameters: `name = value`, or the bare name.
fn with_clause(opts: &[(String, Option<String>)]) -> String {
    opts.iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k} = {v}"),
            None => k.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// SQLAlchemy's `topological.sort`: repeated passes over `items` in order, each taking the
/// items none of whose parents (`(parent, child)` edges) are still waiting.
fn topological_sort(edges: &[(&str, &str)], items: Vec<String>) -> Vec<String> {
    let mut todo = items;
    let mut out = Vec::with_capacity(todo.len());
    while !todo.is_empty() {
        let ready: Vec<String> = todo
            .iter()
            .filter(|item| {
                !edges
                    .iter()
                    .any(|(parent, child)| child == item && todo.iter().any(|t| t == parent))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            // the edges above have no cycles; keep the rest in order rather than loop
            out.append(&mut todo);
            break;
        }
        todo.retain(|t| !ready.contains(t));
        out.extend(ready);
    }
    out
}

/// `re.match(r"^\s*['\"(]", s)`.
fn starts_quoted_or_paren(s: &str) -> bool {
    matches!(s.trim_start().chars().next(), Some('\'' | '"' | '('))
}

/// `re.match(r"\bnow\(\d+\)|\bcurrent_timestamp\(\d+\)", s, re.I)`.
fn starts_with_precision_now(s: &str) -> bool {
    let lower = s.to_lowercase();
    for prefix in ["now(", "current_timestamp("] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && rest[digits..].starts_with(')') {
                return true;
            }
        }
    }
    false
}

/// `re.search(r"ON +UPDATE", s, re.I)`.
fn has_on_update(s: &str) -> bool {
    let upper = s.to_uppercase();
    let mut rest = upper.as_str();
    while let Some(pos) = rest.find("ON ") {
        let after = rest[pos + 2..].trim_start_matches(' ');
        if after.starts_with("UPDATE") {
            return true;
        }
        rest = &rest[pos + 2..];
    }
    false
}

impl Compiler {
    /// The compiler of `dialect`, with a never-connected dialect's flags.
    pub fn new(dialect: Dialect) -> Self {
        Self::with_flags(dialect, DialectFlags::defaults(dialect))
    }

    /// The compiler of `dialect` as the run's dialect `flags` describe it.
    pub fn with_flags(dialect: Dialect, flags: DialectFlags) -> Self {
        Compiler {
            dialect,
            prep: Preparer::new(dialect),
            flags,
        }
    }

    fn is_mysql(&self) -> bool {
        matches!(self.dialect, Dialect::Mysql | Dialect::Mariadb)
    }

    /// `quote(name)`.
    pub fn q(&self, name: &str) -> String {
        self.prep.quote(name)
    }

    /// A string literal.
    pub fn lit(&self, value: &str) -> String {
        literal::string(value, self.flags.backslash_escapes)
    }

    /// The server default's SQL, unwrapped (`format_server_default`).
    pub fn default_string(&self, default: &ServerDefault) -> String {
        match default {
            ServerDefault::Literal { value } => self.lit(value),
            ServerDefault::Sql { sql } => sql.clone(),
        }
    }

    fn identity(&self, identity: &Identity) -> String {
        let mut opts = Vec::new();
        if let Some(v) = identity.increment {
            opts.push(format!("INCREMENT BY {v}"));
        }
        if let Some(v) = identity.start {
            opts.push(format!("START WITH {v}"));
        }
        if let Some(v) = identity.minvalue {
            opts.push(format!("MINVALUE {v}"));
        }
        if let Some(v) = identity.maxvalue {
            opts.push(format!("MAXVALUE {v}"));
        }
        if identity.nominvalue.is_some() {
            opts.push("NO MINVALUE".to_string());
        }
        if identity.nomaxvalue.is_some() {
            opts.push("NO MAXVALUE".to_string());
        }
        if let Some(v) = identity.cache {
            opts.push(format!("CACHE {v}"));
        }
        if let Some(c) = identity.cycle {
            opts.push(if c { "CYCLE" } else { "NO CYCLE" }.to_string());
        }
        let mut text = format!(
            "GENERATED {} AS IDENTITY",
            if identity.always {
                "ALWAYS"
            } else {
                "BY DEFAULT"
            }
        );
        if !opts.is_empty() {
            text.push_str(&format!(" ({})", opts.join(" ")));
        }
        text
    }

    fn computed(&self, col: &Column) -> Option<String> {
        col.computed.as_ref().map(|c| {
            let mut text = format!("GENERATED ALWAYS AS ({})", c.sqltext);
            match c.persisted {
                Some(true) => text.push_str(" STORED"),
                Some(false) => text.push_str(" VIRTUAL"),
                None => {}
            }
            text
        })
    }

    /// The column's definition (`get_column_specification`), without inline constraints.
    pub fn column_spec(&self, col: &Column) -> String {
        let name = self.q(&col.name);
        match self.dialect {
            Dialect::Postgresql => {
                let mut spec = name;
                let has_identity = col.identity.is_some();
                if col.primary_key && col.autoincrement && !has_identity {
                    spec.push_str(match col.type_.class {
                        TypeClass::BigInteger => " BIGSERIAL",
                        TypeClass::SmallInteger => " SMALLSERIAL",
                        _ => " SERIAL",
                    });
                } else {
                    spec.push(' ');
                    spec.push_str(&col.type_.sql);
                    if let Some(d) = &col.server_default {
                        spec.push_str(" DEFAULT ");
                        spec.push_str(&self.default_string(d));
                    }
                }
                if let Some(c) = self.computed(col) {
                    spec.push(' ');
                    spec.push_str(&c);
                }
                if let Some(i) = &col.identity {
                    spec.push(' ');
                    spec.push_str(&self.identity(i));
                }
                if !col.nullable && !has_identity {
                    spec.push_str(" NOT NULL");
                } else if col.nullable && has_identity {
                    spec.push_str(" NULL");
                }
                spec
            }
            Dialect::Sqlite => {
                let mut spec = format!("{name} {}", col.type_.sql);
                if let Some(d) = &col.server_default {
                    let d = self.default_string(d);
                    if !starts_quoted_or_paren(&d) && has_non_word_on_first_line(&d) {
                        spec.push_str(&format!(" DEFAULT ({d})"));
                    } else {
                        spec.push_str(&format!(" DEFAULT {d}"));
                    }
                }
                if !col.nullable {
                    spec.push_str(" NOT NULL");
                }
                if col.sqlite_autoincrement {
                    spec.push_str(" PRIMARY KEY AUTOINCREMENT");
                }
                if let Some(c) = self.computed(col) {
                    spec.push(' ');
                    spec.push_str(&c);
                }
                spec
            }
            Dialect::Mysql | Dialect::Mariadb => {
                let mut parts = vec![name, col.type_.sql.clone()];
                if let Some(c) = self.computed(col) {
                    parts.push(c);
                }
                if !col.nullable {
                    parts.push("NOT NULL".into());
                } else if col.type_.class == TypeClass::Timestamp {
                    parts.push("NULL".into());
                }
                if let Some(c) = &col.comment {
                    parts.push(format!("COMMENT {}", self.lit(c)));
                }
                if col.autoincrement && col.server_default.is_none() {
                    parts.push("AUTO_INCREMENT".into());
                } else if let Some(d) = &col.server_default {
                    let d = self.default_string(d);
                    if self.flags.default_function_parens
                        && !starts_quoted_or_paren(&d)
                        && !has_on_update(&d)
                        && !starts_with_precision_now(&d)
                        && has_non_word_on_first_line(&d)
                    {
                        parts.push(format!("DEFAULT ({d})"));
                    } else {
                        parts.push(format!("DEFAULT {d}"));
                    }
                }
                parts.join(" ")
            }
        }
    }

    /// The column as CREATE TABLE lists it: specification plus column-level constraints.
    pub fn create_column(&self, col: &Column) -> Result<String, DdlError> {
        let mut text = self.column_spec(col);
        let mut consts = Vec::new();
        for c in &col.constraints {
            if let Some(s) = self.column_constraint(c)? {
                consts.push(s);
            }
        }
        let consts = consts.join(" ");
        if !consts.is_empty() {
            text.push(' ');
            text.push_str(&consts);
        }
        Ok(text)
    }

    fn column_constraint(&self, c: &Constraint) -> Result<Option<String>, DdlError> {
        match c {
            // a column-level CHECK has no NOT VALID / ON CONFLICT
            Constraint::Check(ck) => Ok(Some(format!(
                "{}CHECK ({}){}",
                self.preamble(&ck.name),
                ck.sqltext,
                self.deferrability(ck.deferrable, ck.initially.as_deref())
            ))),
            other => self.constraint(other, None),
        }
    }

    fn preamble(&self, name: &Option<String>) -> String {
        match name {
            Some(n) => format!("CONSTRAINT {} ", self.q(n)),
            None => String::new(),
        }
    }

    /// ` DEFERRABLE` / ` INITIALLY x`.
    pub fn deferrability(&self, deferrable: Option<bool>, initially: Option<&str>) -> String {
        let mut text = String::new();
        match deferrable {
            Some(true) => text.push_str(" DEFERRABLE"),
            Some(false) => text.push_str(" NOT DEFERRABLE"),
            None => {}
        }
        if let Some(i) = initially {
            text.push_str(&format!(" INITIALLY {i}"));
        }
        text
    }

    fn include(&self, cols: &[String]) -> String {
        if self.dialect != Dialect::Postgresql || cols.is_empty() {
            return String::new();
        }
        let cols: Vec<String> = cols.iter().map(|c| self.q(c)).collect();
        format!(" INCLUDE ({})", cols.join(", "))
    }

    fn col_list(&self, cols: &[String]) -> String {
        cols.iter()
            .map(|c| self.q(c))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A table constraint; `None` when the dialect leaves it out (SQLite cross-schema FKs).
    /// `table_schema` is the schema of the table the constraint is on.
    pub fn constraint(
        &self,
        c: &Constraint,
        table_schema: Option<&str>,
    ) -> Result<Option<String>, DdlError> {
        Ok(match c {
            Constraint::PrimaryKey(pk) => Some(self.primary_key(pk)),
            Constraint::ForeignKey(fk) => self.foreign_key(fk, table_schema)?,
            Constraint::Unique(uq) => Some(self.unique(uq)),
            Constraint::Check(ck) => Some(self.check(ck)),
            Constraint::Exclude(ex) => Some(self.exclude(ex)?),
        })
    }

    fn primary_key(&self, pk: &PrimaryKey) -> String {
        if pk.columns.is_empty() {
            return String::new();
        }
        let mut text = format!(
            "{}PRIMARY KEY ({})",
            self.preamble(&pk.name),
            self.col_list(&pk.columns)
        );
        text.push_str(&self.include(&pk.postgresql_include));
        text.push_str(&self.deferrability(pk.deferrable, pk.initially.as_deref()));
        if self.is_mysql()
            && let Some(u) = &pk.mysql_using
        {
            text.push_str(&format!(" USING {}", self.q(u)));
        }
        text
    }

    /// ` MATCH x`, ` ON DELETE x`, ` ON UPDATE x`, deferrability: the tail of a reference.
    pub fn fk_tail(&self, fk: &ForeignKey) -> Result<String, DdlError> {
        let mut text = String::new();
        if let Some(m) = &fk.match_ {
            if self.is_mysql() {
                return Err(DdlError::Compile(
                    "MySQL ignores the 'MATCH' keyword while at the same time causes ON \
                     UPDATE/ON DELETE clauses to be ignored."
                        .into(),
                ));
            }
            text.push_str(&format!(" MATCH {m}"));
        }
        if let Some(d) = &fk.ondelete {
            text.push_str(&format!(" ON DELETE {d}"));
        }
        if let Some(u) = &fk.onupdate {
            text.push_str(&format!(" ON UPDATE {u}"));
        }
        text.push_str(&self.deferrability(fk.deferrable, fk.initially.as_deref()));
        Ok(text)
    }

    fn foreign_key(
        &self,
        fk: &ForeignKey,
        table_schema: Option<&str>,
    ) -> Result<Option<String>, DdlError> {
        let remote = if self.dialect == Dialect::Sqlite {
            let local = fk.source_schema.as_deref().or(table_schema);
            if local != fk.referent_schema.as_deref() {
                return Ok(None);
            }
            self.q(&fk.referent_table)
        } else {
            self.prep
                .format_table(&fk.referent_table, fk.referent_schema.as_deref())
        };
        let mut text = format!(
            "{}FOREIGN KEY({}) REFERENCES {} ({})",
            self.preamble(&fk.name),
            self.col_list(&fk.columns),
            remote,
            self.col_list(&fk.referent_columns)
        );
        text.push_str(&self.fk_tail(fk)?);
        if self.dialect == Dialect::Postgresql && fk.postgresql_not_valid {
            text.push_str(" NOT VALID");
        }
        Ok(Some(text))
    }

    fn unique(&self, uq: &Unique) -> String {
        if uq.columns.is_empty() {
            return String::new();
        }
        let distinct = match (self.dialect, uq.postgresql_nulls_not_distinct) {
            (Dialect::Postgresql, Some(true)) => "NULLS NOT DISTINCT ",
            (Dialect::Postgresql, Some(false)) => "NULLS DISTINCT ",
            _ => "",
        };
        let mut text = format!(
            "{}UNIQUE {distinct}({})",
            self.preamble(&uq.name),
            self.col_list(&uq.columns)
        );
        text.push_str(&self.include(&uq.postgresql_include));
        text.push_str(&self.deferrability(uq.deferrable, uq.initially.as_deref()));
        text
    }

    fn check(&self, ck: &Check) -> String {
        let mut text = format!(
            "{}CHECK ({}){}",
            self.preamble(&ck.name),
            ck.sqltext,
            self.deferrability(ck.deferrable, ck.initially.as_deref())
        );
        if self.dialect == Dialect::Postgresql && ck.postgresql_not_valid {
            text.push_str(" NOT VALID");
        }
        text
    }

    fn exclude(&self, ex: &Exclude) -> Result<String, DdlError> {
        if self.dialect != Dialect::Postgresql {
            return Err(DdlError::NotSupported(format!(
                "EXCLUDE constraints are PostgreSQL only, not {}",
                self.dialect.name()
            )));
        }
        let elements: Vec<String> = ex
            .elements
            .iter()
            .map(|(el, op)| format!("{} WITH {op}", self.index_element(el, &ex.ops)))
            .collect();
        let mut text = format!(
            "{}EXCLUDE USING {} ({})",
            self.preamble(&ex.name),
            ex.using.to_lowercase(),
            elements.join(", ")
        );
        if let Some(w) = &ex.where_ {
            text.push_str(&format!(" WHERE ({w})"));
        }
        text.push_str(&self.deferrability(ex.deferrable, ex.initially.as_deref()));
        Ok(text)
    }

    fn index_element(
        &self,
        el: &IndexElement,
        ops: &std::collections::BTreeMap<String, String>,
    ) -> String {
        match el {
            IndexElement::Column(c) => match ops.get(c) {
                Some(op) => format!("{} {op}", self.q(c)),
                None => self.q(c),
            },
            IndexElement::Expr(e) => e.clone(),
        }
    }

    /// CREATE TABLE, as SQLAlchemy lays it out (leading newline, tab indents).
    pub fn create_table(&self, t: &CreateTable) -> Result<String, DdlError> {
        let mut text = String::from("\nCREATE ");
        if !t.prefixes.is_empty() {
            text.push_str(&t.prefixes.join(" "));
            text.push(' ');
        }
        text.push_str("TABLE ");
        if t.if_not_exists {
            text.push_str("IF NOT EXISTS ");
        }
        text.push_str(&self.prep.format_table(&t.table_name, t.schema.as_deref()));
        text.push_str(" (");
        let mut sep = "\n";
        for col in &t.columns {
            text.push_str(sep);
            sep = ", \n";
            text.push('\t');
            text.push_str(&self.create_column(col)?);
        }
        let mut consts = Vec::new();
        for c in &t.constraints {
            if let Some(s) = self.constraint(c, t.schema.as_deref())? {
                consts.push(s);
            }
        }
        let consts = consts.join(", \n\t");
        if !consts.is_empty() {
            text.push_str(sep);
            text.push('\t');
            text.push_str(&consts);
        }
        text.push_str("\n)");
        text.push_str(&self.post_create_table(t));
        text.push_str("\n\n");
        Ok(text)
    }

    /// The table options after the closing parenthesis (`post_create_table`).
    fn post_create_table(&self, t: &CreateTable) -> String {
        match self.dialect {
            Dialect::Postgresql => self.postgresql_table_options(&t.postgresql_options),
            Dialect::Sqlite => {
                let mut opts = Vec::new();
                if !t.sqlite_with_rowid {
                    opts.push("WITHOUT ROWID");
                }
                if t.sqlite_strict {
                    opts.push("STRICT");
                }
                if opts.is_empty() {
                    String::new()
                } else {
                    format!("\n {}", opts.join(",\n "))
                }
            }
            Dialect::Mysql | Dialect::Mariadb => self.mysql_table_options(t),
        }
    }

    fn postgresql_table_options(&self, o: &PgTableOptions) -> String {
        let mut text = String::new();
        if !o.inherits.is_empty() {
            let names: Vec<String> = o.inherits.iter().map(|n| self.q(n)).collect();
            let names = names.join(", ");
            if self.flags.padded_inherits {
                text.push_str(&format!("\n INHERITS ( {names} )"));
            } else {
                text.push_str(&format!("\n INHERITS ({names})"));
            }
        }
        if let Some(p) = &o.partition_by {
            text.push_str(&format!("\n PARTITION BY {p}"));
        }
        if let Some(u) = &o.using {
            text.push_str(&format!("\n USING {u}"));
        }
        if !o.with.is_empty() {
            text.push_str(&format!("\n WITH ({})", with_clause(&o.with)));
        }
        match o.with_oids {
            Some(true) => text.push_str("\n WITH OIDS"),
            Some(false) => text.push_str("\n WITHOUT OIDS"),
            None => {}
        }
        if let Some(c) = &o.on_commit {
            text.push_str(&format!(
                "\n ON COMMIT {}",
                c.replace('_', " ").to_uppercase()
            ));
        }
        if let Some(ts) = &o.tablespace {
            text.push_str(&format!("\n TABLESPACE {}", self.q(ts)));
        }
        text
    }

    /// MySQL's `ENGINE=InnoDB CHARSET=utf8mb4 ...`, ordered as SQLAlchemy orders them.
    fn mysql_table_options(&self, t: &CreateTable) -> String {
        let mut opts: Vec<(String, String)> = Vec::new();
        for (k, v) in &t.mysql_options {
            match opts.iter_mut().find(|(name, _)| name == k) {
                Some(entry) => entry.1 = v.clone(),
                None => opts.push((k.clone(), v.clone())),
            }
        }
        if let Some(c) = &t.comment {
            match opts.iter_mut().find(|(name, _)| name == "COMMENT") {
                Some(entry) => entry.1 = c.clone(),
                None => opts.push(("COMMENT".into(), c.clone())),
            }
        }
        const PARTITION: [&str; 4] = [
            "PARTITION_BY",
            "PARTITIONS",
            "SUBPARTITIONS",
            "SUBPARTITION_BY",
        ];
        let value = |k: &str| -> String {
            let v = &opts
                .iter()
                .find(|(name, _)| name == k)
                .expect("known option")
                .1;
            // SQLAlchemy checks the underscored name, so only one-word options get quoted
            if matches!(k, "COMMENT" | "PASSWORD" | "CONNECTION") {
                self.lit(v)
            } else {
                v.clone()
            }
        };
        let (part, nonpart): (Vec<String>, Vec<String>) = opts
            .iter()
            .map(|(k, _)| k.clone())
            .partition(|k| PARTITION.contains(&k.as_str()));
        let mut out = Vec::new();
        let charset_first = [
            ("DEFAULT_CHARSET", "COLLATE"),
            ("DEFAULT_CHARACTER_SET", "COLLATE"),
            ("CHARSET", "COLLATE"),
            ("CHARACTER_SET", "COLLATE"),
        ];
        for opt in topological_sort(&charset_first, nonpart) {
            let arg = value(&opt);
            let opt = if matches!(
                opt.as_str(),
                "DATA_DIRECTORY"
                    | "INDEX_DIRECTORY"
                    | "DEFAULT_CHARACTER_SET"
                    | "CHARACTER_SET"
                    | "DEFAULT_CHARSET"
                    | "DEFAULT_COLLATE"
            ) {
                opt.replace('_', " ")
            } else {
                opt
            };
            let joiner = if matches!(
                opt.as_str(),
                "TABLESPACE" | "DEFAULT CHARACTER SET" | "CHARACTER SET" | "COLLATE"
            ) {
                " "
            } else {
                "="
            };
            out.push(format!("{opt}{joiner}{arg}"));
        }
        let partitions_in_order = [
            ("PARTITION_BY", "PARTITIONS"),
            ("PARTITION_BY", "SUBPARTITION_BY"),
            ("PARTITION_BY", "SUBPARTITIONS"),
            ("PARTITIONS", "SUBPARTITIONS"),
            ("PARTITIONS", "SUBPARTITION_BY"),
            ("SUBPARTITION_BY", "SUBPARTITIONS"),
        ];
        for opt in topological_sort(&partitions_in_order, part) {
            let arg = value(&opt);
            out.push(format!("{} {arg}", opt.replace('_', " ")));
        }
        out.join(" ")
    }

    /// CREATE INDEX.
    pub fn create_index(&self, ix: &Index) -> String {
        let mut text = String::from("CREATE ");
        if ix.unique {
            text.push_str("UNIQUE ");
        }
        match self.dialect {
            Dialect::Postgresql => {
                text.push_str("INDEX ");
                if ix.postgresql_concurrently {
                    text.push_str("CONCURRENTLY ");
                }
                if ix.if_not_exists {
                    text.push_str("IF NOT EXISTS ");
                }
                text.push_str(&format!(
                    "{} ON {} ",
                    self.q(&ix.index_name),
                    self.prep.format_table(&ix.table_name, ix.schema.as_deref())
                ));
                if let Some(u) = &ix.postgresql_using {
                    text.push_str(&format!("USING {} ", u.to_lowercase()));
                }
                let els: Vec<String> = ix
                    .elements
                    .iter()
                    .map(|e| self.index_element(e, &ix.postgresql_ops))
                    .collect();
                text.push_str(&format!("({})", els.join(", ")));
                text.push_str(&self.include(&ix.postgresql_include));
                match ix.postgresql_nulls_not_distinct {
                    Some(true) => text.push_str(" NULLS NOT DISTINCT"),
                    Some(false) => text.push_str(" NULLS DISTINCT"),
                    None => {}
                }
                if !ix.postgresql_with.is_empty() {
                    text.push_str(&format!(" WITH ({})", with_clause(&ix.postgresql_with)));
                }
                if let Some(ts) = &ix.postgresql_tablespace {
                    text.push_str(&format!(" TABLESPACE {}", self.q(ts)));
                }
                if let Some(w) = &ix.postgresql_where {
                    text.push_str(&format!(" WHERE {w}"));
                }
            }
            Dialect::Sqlite => {
                text.push_str("INDEX ");
                if ix.if_not_exists {
                    text.push_str("IF NOT EXISTS ");
                }
                let els: Vec<String> = ix
                    .elements
                    .iter()
                    .map(|e| self.index_element(e, &Default::default()))
                    .collect();
                text.push_str(&format!(
                    "{} ON {} ({})",
                    self.index_name(&ix.index_name, ix.schema.as_deref()),
                    self.q(&ix.table_name),
                    els.join(", ")
                ));
                if let Some(w) = &ix.sqlite_where {
                    text.push_str(&format!(" WHERE {w}"));
                }
            }
            Dialect::Mysql | Dialect::Mariadb => {
                if let Some(p) = &ix.mysql_prefix {
                    text.push_str(p);
                    text.push(' ');
                }
                text.push_str("INDEX ");
                if ix.if_not_exists {
                    text.push_str("IF NOT EXISTS ");
                }
                text.push_str(&format!(
                    "{} ON {} ",
                    self.q(&ix.index_name),
                    self.prep.format_table(&ix.table_name, ix.schema.as_deref())
                ));
                let els: Vec<String> = ix
                    .elements
                    .iter()
                    .map(|e| {
                        let rendered = self.index_element(e, &Default::default());
                        let len = match (&ix.mysql_length, e) {
                            (Some(MysqlLength::All(n)), _) => Some(*n),
                            (Some(MysqlLength::PerColumn(m)), IndexElement::Column(c)) => {
                                m.get(c).copied()
                            }
                            (Some(MysqlLength::PerColumn(m)), IndexElement::Expr(x)) => {
                                m.get(x).copied()
                            }
                            (None, _) => None,
                        };
                        match len {
                            Some(n) => format!("{rendered}({n})"),
                            None => rendered,
                        }
                    })
                    .collect();
                text.push_str(&format!("({})", els.join(", ")));
                if let Some(p) = &ix.mysql_with_parser {
                    text.push_str(&format!(" WITH PARSER {p}"));
                }
                if let Some(u) = &ix.mysql_using {
                    text.push_str(&format!(" USING {}", self.q(u)));
                }
            }
        }
        text
    }

    fn index_name(&self, name: &str, schema: Option<&str>) -> String {
        match schema {
            Some(s) if !s.is_empty() => format!("{}.{}", self.q(s), self.q(name)),
            _ => self.q(name),
        }
    }

    /// DROP INDEX.
    pub fn drop_index(&self, ix: &DropIndex) -> String {
        let mut text = String::from("\nDROP INDEX ");
        if self.dialect == Dialect::Postgresql && ix.postgresql_concurrently {
            text.push_str("CONCURRENTLY ");
        }
        if ix.if_exists {
            text.push_str("IF EXISTS ");
        }
        if self.is_mysql() {
            let table = ix.table_name.as_deref().unwrap_or("no_table");
            text.push_str(&format!(
                "{} ON {}",
                self.q(&ix.index_name),
                self.prep.format_table(table, ix.schema.as_deref())
            ));
        } else {
            text.push_str(&self.index_name(&ix.index_name, ix.schema.as_deref()));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_default_wrapping_rules() {
        assert!(starts_with_precision_now("NOW(6)"));
        assert!(!starts_with_precision_now("now()"));
        assert!(has_on_update(
            "CURRENT_TIMESTAMP ON  UPDATE CURRENT_TIMESTAMP"
        ));
        assert!(!has_on_update("x"));
        assert!(has_non_word_on_first_line("now()"));
        assert!(!has_non_word_on_first_line("abc_1"));
    }
}
