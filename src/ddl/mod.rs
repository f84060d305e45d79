//! SQL rendering per dialect: the statements alembic emits for each operation.
//!
//! `render` gives the statements of one `Op` without the terminator; the runtime adds `;`
//! and the blank line in offline mode. With `as_sql` the text is finished the way alembic's
//! offline output finishes it: tabs become four spaces, the text is stripped, and on
//! dialects whose driver uses `format`/`pyformat` parameters every `%` is doubled.

mod alter;
mod batch;
mod compiler;
pub mod literal;
pub mod quote;
mod reserved;

pub use crate::dialect::Dialect;
pub use batch::requires_recreate;
pub use compiler::Compiler;
pub use quote::Preparer;

use crate::ops::{
    AddConstraint, Constraint, ConstraintType, DropConstraint, Op, TableComment, TypeDdl,
};

/// What the run's SQLAlchemy dialect says about details that vary with the server's settings
/// and between SQLAlchemy releases. Python reads them off the dialect instance; the defaults
/// are those of a never-connected dialect under SQLAlchemy 2.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectFlags {
    /// String literals double each backslash (the dialect's `_backslash_escapes`): MySQL
    /// unless `sql_mode` has `NO_BACKSLASH_ESCAPES`; PostgreSQL when
    /// `standard_conforming_strings` is off, and offline under SQLAlchemy 2.0.
    pub backslash_escapes: bool,
    /// MySQL wraps an expression server default in parentheses (`_support_default_function`:
    /// MySQL 8.0.13+, MariaDB 10.2.1+, and offline under SQLAlchemy 2.1).
    pub default_function_parens: bool,
    /// PostgreSQL writes `INHERITS ( a, b )` (SQLAlchemy 2.0) rather than `INHERITS (a, b)`.
    pub padded_inherits: bool,
}

impl DialectFlags {
    /// A never-connected dialect's flags under SQLAlchemy 2.1.
    pub fn defaults(dialect: Dialect) -> Self {
        let mysql = dialect.is_mysql_family();
        DialectFlags {
            backslash_escapes: mysql,
            default_function_parens: mysql,
            padded_inherits: false,
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Offline (`--sql`) output: finish the text as alembic prints it.
    pub as_sql: bool,
    /// Whether offline output doubles every `%`: SQLAlchemy does so when the dialect's
    /// paramstyle is `format`/`pyformat` (`dialect_opts={"paramstyle": "named"}`, as in
    /// alembic's env.py templates, turns it off). `None`: the default driver's paramstyle.
    pub double_percents: Option<bool>,
    /// The run's dialect flags; `None`: [`DialectFlags::defaults`].
    pub flags: Option<DialectFlags>,
}

/// Why an operation could not be rendered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DdlError {
    /// The dialect cannot do this (alembic raises `NotImplementedError`).
    #[error("{0}")]
    NotSupported(String),
    /// SQLAlchemy would refuse to compile this (`CompileError`).
    #[error("{0}")]
    Compile(String),
    /// alembic refuses the arguments (`CommandError`).
    #[error("{0}")]
    Command(String),
    /// alembic's own `ValueError` (batch mode: a constraint or index that is not there).
    #[error("{0}")]
    Value(String),
    /// A name that is not there, where alembic looks it up in a dict (`KeyError`).
    #[error("{0}")]
    Key(String),
}

const SQLITE_NO_ALTER: &str = "No support for ALTER of constraints in SQLite dialect. Please \
     refer to the batch mode feature which allows for SQLite migrations using a copy-and-move \
     strategy.";

/// Python's `str.strip()` whitespace.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn finish(sql: String, dialect: Dialect, opts: &RenderOptions) -> String {
    if opts.as_sql {
        let text = sql.replace('\t', "    ");
        let text = text.trim_matches(is_py_space);
        if opts.double_percents.unwrap_or(dialect.doubles_percents()) {
            text.replace('%', "%%")
        } else {
            text.to_string()
        }
    } else {
        sql.trim_matches(is_py_space).to_string()
    }
}

/// The statements alembic emits for `op` on `dialect`, without terminators.
pub fn render(op: &Op, dialect: Dialect, opts: &RenderOptions) -> Result<Vec<String>, DdlError> {
    let flags = opts.flags.unwrap_or(DialectFlags::defaults(dialect));
    let c = Compiler::with_flags(dialect, flags);
    let raw = render_raw(op, &c)?;
    Ok(raw.into_iter().map(|s| finish(s, dialect, opts)).collect())
}

pub(crate) fn render_raw(op: &Op, c: &Compiler) -> Result<Vec<String>, DdlError> {
    let d = c.dialect;
    let mut out = Vec::new();
    match op {
        Op::CreateTable(t) => {
            for ddl in &t.before_create {
                out.push(match ddl {
                    TypeDdl::CreateEnum {
                        name,
                        schema,
                        values,
                    } => {
                        let labels: Vec<String> = values.iter().map(|v| c.lit(v)).collect();
                        format!(
                            "CREATE TYPE {} AS ENUM ({})",
                            c.prep.format_table(name, schema.as_deref()),
                            labels.join(", ")
                        )
                    }
                    TypeDdl::Sql { sql } => sql.clone(),
                });
            }
            out.push(c.create_table(t)?);
            for ix in &t.indexes {
                out.push(c.create_index(ix));
            }
            if d == Dialect::Postgresql {
                let table = c.prep.format_table(&t.table_name, t.schema.as_deref());
                if let Some(comment) = &t.comment {
                    out.push(format!("COMMENT ON TABLE {table} IS {}", c.lit(comment)));
                }
                for col in &t.columns {
                    if let Some(comment) = &col.comment {
                        out.push(format!(
                            "COMMENT ON COLUMN {table}.{} IS {}",
                            c.q(&col.name),
                            c.lit(comment)
                        ));
                    }
                }
            }
        }
        Op::DropTable(t) => out.push(format!(
            "\nDROP TABLE {}{}",
            if t.if_exists { "IF EXISTS " } else { "" },
            c.prep.format_table(&t.table_name, t.schema.as_deref())
        )),
        Op::AddColumn(a) => {
            let col = &a.column;
            let mut text = format!(
                "ALTER TABLE {} ADD COLUMN {}{}",
                c.prep
                    .format_table_dotted(&a.table_name, a.schema.as_deref()),
                if a.if_not_exists {
                    "IF NOT EXISTS "
                } else {
                    ""
                },
                c.column_spec(col)
            );
            if a.inline_primary_key && col.primary_key {
                text.push_str(" PRIMARY KEY");
            }
            if let Some(fk) = &a.inline_references {
                let col_name = fk
                    .referent_columns
                    .first()
                    .map(String::as_str)
                    .unwrap_or("");
                text.push_str(&format!(
                    " REFERENCES {} ({})",
                    c.prep
                        .format_table(&fk.referent_table, fk.referent_schema.as_deref()),
                    c.q(col_name)
                ));
                text.push_str(&c.fk_tail(fk)?);
            }
            let mut consts = Vec::new();
            for k in &col.constraints {
                if let Some(s) = c.constraint(k, a.schema.as_deref())? {
                    consts.push(s);
                }
            }
            if !consts.is_empty() {
                text.push(' ');
                text.push_str(&consts.join(" "));
            }
            out.push(text);
            for k in &a.constraints {
                out.extend(add_constraint(c, &a.table_name, a.schema.as_deref(), k)?);
            }
            for ix in &a.indexes {
                out.push(c.create_index(ix));
            }
            if d == Dialect::Postgresql
                && let Some(comment) = &col.comment
            {
                out.push(format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    c.prep.format_table(&a.table_name, a.schema.as_deref()),
                    c.q(&col.name),
                    c.lit(comment)
                ));
            }
        }
        Op::DropColumn(dc) => out.push(format!(
            "ALTER TABLE {} DROP COLUMN {}{}",
            c.prep
                .format_table_dotted(&dc.table_name, dc.schema.as_deref()),
            if dc.if_exists { "IF EXISTS " } else { "" },
            c.q(&dc.column_name)
        )),
        Op::AlterColumn(a) => out.extend(alter::alter_column(c, a)?),
        Op::CreateIndex(ix) => out.push(c.create_index(ix)),
        Op::DropIndex(ix) => out.push(c.drop_index(ix)),
        Op::CreateForeignKey(a)
        | Op::CreateUniqueConstraint(a)
        | Op::CreatePrimaryKey(a)
        | Op::CreateCheckConstraint(a)
        | Op::CreateExcludeConstraint(a) => {
            let AddConstraint {
                table_name,
                schema,
                constraint,
            } = a;
            out.extend(add_constraint(
                c,
                table_name,
                schema.as_deref(),
                constraint,
            )?);
        }
        Op::DropConstraint(dc) => out.push(drop_constraint(c, dc)?),
        Op::RenameTable(r) => {
            let new_schema = match d {
                Dialect::Postgresql | Dialect::Sqlite => None,
                Dialect::Mysql | Dialect::Mariadb => r.schema.as_deref(),
            };
            out.push(format!(
                "ALTER TABLE {} RENAME TO {}",
                c.prep
                    .format_table_dotted(&r.table_name, r.schema.as_deref()),
                c.prep.format_table_dotted(&r.new_table_name, new_schema)
            ));
        }
        Op::CreateTableComment(tc) => out.push(table_comment(c, tc, true)),
        Op::DropTableComment(tc) => out.push(table_comment(c, tc, false)),
        Op::Execute(e) => out.push(if e.plain {
            literal::plain_text(&e.sqltext)
        } else {
            e.sqltext.clone()
        }),
        Op::BatchAlterTable(b) => out.extend(batch::render(c, b, |op| render_raw(op, c))?),
        Op::BulkInsert(b) => {
            let table = c.prep.format_table(&b.table_name, b.schema.as_deref());
            for row in &b.rows {
                let cols: Vec<String> = row.iter().map(|(k, _)| c.q(k)).collect();
                let vals: Vec<String> = row
                    .iter()
                    .map(|(_, v)| literal::literal(d, v, c.flags.backslash_escapes))
                    .collect();
                out.push(format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    cols.join(", "),
                    vals.join(", ")
                ));
            }
        }
    }
    Ok(out)
}

/// ALTER TABLE ... ADD <constraint>.
fn add_constraint(
    c: &Compiler,
    table_name: &str,
    schema: Option<&str>,
    constraint: &Constraint,
) -> Result<Vec<String>, DdlError> {
    if c.dialect == Dialect::Sqlite {
        return Err(DdlError::NotSupported(SQLITE_NO_ALTER.into()));
    }
    Ok(c.constraint(constraint, schema)?
        .map(|body| {
            format!(
                "ALTER TABLE {} ADD {body}",
                c.prep.format_table(table_name, schema)
            )
        })
        .into_iter()
        .collect())
}

fn drop_constraint(c: &Compiler, dc: &DropConstraint) -> Result<String, DdlError> {
    let table = c.prep.format_table(&dc.table_name, dc.schema.as_deref());
    let name = c.q(&dc.constraint_name);
    match c.dialect {
        Dialect::Sqlite => Err(DdlError::NotSupported(SQLITE_NO_ALTER.into())),
        Dialect::Postgresql => Ok(format!(
            "ALTER TABLE {table} DROP CONSTRAINT {}{name}",
            if dc.if_exists { "IF EXISTS " } else { "" }
        )),
        Dialect::Mysql | Dialect::Mariadb => match dc.type_ {
            Some(ConstraintType::Foreignkey) => {
                Ok(format!("ALTER TABLE {table} DROP FOREIGN KEY {name}"))
            }
            Some(ConstraintType::Primary) => Ok(format!("ALTER TABLE {table} DROP PRIMARY KEY ")),
            Some(ConstraintType::Unique) => Ok(format!("ALTER TABLE {table} DROP INDEX {name}")),
            Some(ConstraintType::Check) if c.dialect == Dialect::Mariadb => {
                Ok(format!("ALTER TABLE {table} DROP CONSTRAINT {name}"))
            }
            Some(ConstraintType::Check) => Ok(format!("ALTER TABLE {table} DROP CHECK {name}")),
            None => Err(DdlError::NotSupported(
                "No generic 'DROP CONSTRAINT' in MySQL - please specify constraint type".into(),
            )),
        },
    }
}

fn table_comment(c: &Compiler, tc: &TableComment, create: bool) -> String {
    let table = c.prep.format_table(&tc.table_name, tc.schema.as_deref());
    let comment = match (&tc.comment, create) {
        (Some(s), true) => Some(s.as_str()),
        _ => None,
    };
    match c.dialect {
        Dialect::Mysql | Dialect::Mariadb => match comment {
            Some(s) => format!("ALTER TABLE {table} COMMENT {}", c.lit(s)),
            None => format!("ALTER TABLE {table} COMMENT ''"),
        },
        _ => match comment {
            Some(s) => format!("COMMENT ON TABLE {table} IS {}", c.lit(s)),
            None => format!("COMMENT ON TABLE {table} IS NULL"),
        },
    }
}

#[cfg(test)]
mod tests;
