//! `op.alter_column`: one statement per change on PostgreSQL and SQLite, one restated
//! column (CHANGE / MODIFY) on MySQL.

use super::compiler::Compiler;
use super::{DdlError, Dialect};
use crate::ops::{AlterColumn, Constraint, ConstraintType, DropConstraint, TypeClass};

/// The statements for `a`, including drops and adds of type-bound constraints.
pub fn alter_column(c: &Compiler, a: &AlterColumn) -> Result<Vec<String>, DdlError> {
    let mut out = Vec::new();
    let schema = a.schema.as_deref();
    if a.existing_type.is_some() && a.type_.is_some() {
        for k in &a.drop_constraints {
            if let Some(s) = drop_type_bound(c, &a.table_name, schema, k)? {
                out.push(s);
            }
        }
    }
    match c.dialect {
        Dialect::Mysql | Dialect::Mariadb => out.extend(mysql(c, a)?),
        _ => out.extend(generic(c, a)?),
    }
    if a.type_.is_some() && c.dialect != Dialect::Sqlite {
        for k in &a.add_constraints {
            if let Some(body) = c.constraint(k, schema)? {
                out.push(format!(
                    "ALTER TABLE {} ADD {body}",
                    c.prep.format_table(&a.table_name, schema)
                ));
            }
        }
    }
    Ok(out)
}

fn drop_type_bound(
    c: &Compiler,
    table: &str,
    schema: Option<&str>,
    k: &Constraint,
) -> Result<Option<String>, DdlError> {
    // MySQL skips type-bound CHECKs; SQLite cannot ALTER them, and alembic ignores them there.
    if matches!(
        c.dialect,
        Dialect::Sqlite | Dialect::Mysql | Dialect::Mariadb
    ) {
        return Ok(None);
    }
    let (name, type_) = match k {
        Constraint::Check(ck) => (ck.name.clone(), ConstraintType::Check),
        Constraint::Unique(u) => (u.name.clone(), ConstraintType::Unique),
        Constraint::ForeignKey(f) => (f.name.clone(), ConstraintType::Foreignkey),
        _ => return Ok(None),
    };
    let Some(name) = name else {
        return Err(DdlError::Compile(
            "Can't emit DROP CONSTRAINT for a constraint that has no name".into(),
        ));
    };
    let dc = DropConstraint {
        constraint_name: name,
        table_name: table.to_string(),
        type_: Some(type_),
        schema: schema.map(str::to_string),
        if_exists: false,
    };
    Ok(Some(format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        c.prep.format_table(&dc.table_name, schema),
        c.q(&dc.constraint_name)
    )))
}

fn generic(c: &Compiler, a: &AlterColumn) -> Result<Vec<String>, DdlError> {
    let pg = c.dialect == Dialect::Postgresql;
    let table = c
        .prep
        .format_table_dotted(&a.table_name, a.schema.as_deref());
    let alter = format!("ALTER TABLE {table} ALTER COLUMN {}", c.q(&a.column_name));
    let mut out = Vec::new();
    if a.postgresql_using.is_some() && a.type_.is_none() && pg {
        return Err(DdlError::Command(
            "postgresql_using must be used with the type_ parameter".into(),
        ));
    }
    let type_stmt = a.type_.as_ref().map(|t| {
        if pg {
            format!(
                "{alter} TYPE {} {}",
                t.sql,
                a.postgresql_using
                    .as_ref()
                    .map(|u| format!("USING {u}"))
                    .unwrap_or_default()
            )
        } else {
            format!("{alter} TYPE {}", t.sql)
        }
    });
    if pg {
        out.extend(type_stmt.clone());
    }
    if let Some(n) = a.nullable {
        out.push(format!(
            "{alter} {}",
            if n { "DROP NOT NULL" } else { "SET NOT NULL" }
        ));
    }
    if let Some(sd) = &a.server_default {
        out.push(match sd {
            Some(d) => format!("{alter} SET DEFAULT {}", c.default_string(d)),
            None => format!("{alter} DROP DEFAULT"),
        });
    }
    if !pg {
        out.extend(type_stmt);
    }
    if let Some(comment) = &a.comment {
        if pg {
            let lit = comment
                .as_ref()
                .map(|s| c.lit(s))
                .unwrap_or_else(|| "NULL".into());
            out.push(format!(
                "COMMENT ON COLUMN {table}.{} IS {lit}",
                c.q(&a.column_name)
            ));
        } else {
            return Err(DdlError::Compile(format!(
                "column comments are not supported on {}",
                c.dialect.name()
            )));
        }
    }
    if let Some(new) = &a.new_column_name {
        let kw = if c.dialect == Dialect::Sqlite {
            "RENAME COLUMN"
        } else {
            "RENAME"
        };
        out.push(format!(
            "ALTER TABLE {table} {kw} {} TO {}",
            c.q(&a.column_name),
            c.q(new)
        ));
    }
    Ok(out)
}

fn mysql(c: &Compiler, a: &AlterColumn) -> Result<Vec<String>, DdlError> {
    let table = c
        .prep
        .format_table_dotted(&a.table_name, a.schema.as_deref());
    let effective_type = a.type_.as_ref().or(a.existing_type.as_ref());
    let is_datetime = effective_type
        .map(|t| matches!(t.class, TypeClass::Datetime | TypeClass::Timestamp))
        .unwrap_or(false);
    // alembic treats "server_default not given" as "not None" here: any change to a
    // DateTime column is written as CHANGE
    let functional_default = is_datetime && !matches!(a.server_default, Some(None));
    let colspec = || -> Result<String, DdlError> {
        let Some(t) = effective_type else {
            return Err(DdlError::Command(
                "All MySQL CHANGE/MODIFY COLUMN operations require the existing type.".into(),
            ));
        };
        let nullable = a.nullable.or(a.existing_nullable).unwrap_or(true);
        let mut spec = format!("{} {}", t.sql, if nullable { "NULL" } else { "NOT NULL" });
        if a.autoincrement
            .or(a.existing_autoincrement)
            .unwrap_or(false)
        {
            spec.push_str(" AUTO_INCREMENT");
        }
        let default = match &a.server_default {
            Some(sd) => sd.as_ref(),
            None => a.existing_server_default.as_ref(),
        };
        if let Some(d) = default {
            spec.push_str(&format!(" DEFAULT {}", c.default_string(d)));
        }
        let comment = match &a.comment {
            Some(cm) => cm.as_ref(),
            None => a.existing_comment.as_ref(),
        };
        if let Some(cm) = comment {
            spec.push_str(&format!(" COMMENT {}", c.lit(cm)));
        }
        Ok(spec)
    };
    let col = c.q(&a.column_name);
    if a.new_column_name.is_some() || functional_default {
        let new = c.q(a.new_column_name.as_deref().unwrap_or(&a.column_name));
        Ok(vec![format!(
            "ALTER TABLE {table} CHANGE {col} {new} {}",
            colspec()?
        )])
    } else if a.nullable.is_some()
        || a.type_.is_some()
        || a.autoincrement.is_some()
        || a.comment.is_some()
    {
        Ok(vec![format!(
            "ALTER TABLE {table} MODIFY {col} {}",
            colspec()?
        )])
    } else if let Some(sd) = &a.server_default {
        Ok(vec![match sd {
            Some(d) => format!(
                "ALTER TABLE {table} ALTER COLUMN {col} SET DEFAULT {}",
                c.default_string(d)
            ),
            None => format!("ALTER TABLE {table} ALTER COLUMN {col} DROP DEFAULT"),
        }])
    } else {
        Ok(Vec::new())
    }
}
