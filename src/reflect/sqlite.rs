//! SQLite: five queries for any number of tables and schemas (attached databases).
//!
//! SQLite's pragmas are per table, but their table-valued forms (`pragma_table_xinfo`,
//! `pragma_index_list`, `pragma_index_info`, `pragma_foreign_key_list`) join against
//! `sqlite_master`: one query each covers every table of every schema asked for. What
//! the pragmas do not say (constraint names, checks, generated expressions) is read from
//! the `CREATE` text kept in `sqlite_master` (see `sqlite_ddl`).

use std::collections::{BTreeMap, HashMap};

use super::model::{
    CheckConstraint, Column, ColumnType, Computed, ForeignKey, Index, PrimaryKey, Reflection,
    Table, UniqueConstraint,
};
use super::sqlite_ddl::{ParsedTable, parse_create_index, parse_create_table};
use super::text::{literal, split_args};
use super::{Catalog, ReflectError, ReflectOptions, Row};

/// `"schema".sqlite_master` and the schema argument of the pragmas.
fn schema_parts(schema: &Option<String>) -> (String, String) {
    let s = schema.as_deref().unwrap_or("main");
    (
        format!("\"{}\".sqlite_master", s.replace('"', "\"\"")),
        literal(s, false),
    )
}

/// One `SELECT` per schema, glued with `UNION ALL`; `{m}` is the schema's
/// `sqlite_master`, `{s}` its name as a literal, `{k}` its position in `schemas`.
fn union(schemas: &[Option<String>], select: &str, order: &str) -> String {
    let parts: Vec<String> = schemas
        .iter()
        .enumerate()
        .map(|(k, schema)| {
            let (m, s) = schema_parts(schema);
            select
                .replace("{m}", &m)
                .replace("{s}", &s)
                .replace("{k}", &k.to_string())
        })
        .collect();
    format!(
        "SELECT * FROM ({}) ORDER BY {order}",
        parts.join(" UNION ALL ")
    )
}

const USER_TABLES: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite~_%' ESCAPE '~'";

pub(super) async fn reflect(
    catalog: &mut Catalog<'_>,
    options: &ReflectOptions,
) -> Result<Reflection, ReflectError> {
    let schemas = options.schemas();
    let version = catalog.rows("SELECT sqlite_version()").await?;
    let server_version = version.first().and_then(|r| r.text(0)).unwrap_or_default();

    // tables and index definitions
    let master = catalog
        .rows(&union(
            &schemas,
            "SELECT {k} AS k, m.type, m.name, m.tbl_name, m.sql FROM {m} m \
             WHERE (m.type = 'table' AND m.name NOT LIKE 'sqlite~_%' ESCAPE '~') \
             OR m.type = 'index'",
            "k, type DESC, name",
        ))
        .await?;
    let columns = catalog
        .rows(&union(
            &schemas,
            &format!(
                "SELECT {{k}} AS k, m.name AS t, p.cid, p.name, p.type, p.\"notnull\", \
                 p.dflt_value, p.pk, p.hidden FROM {{m}} m \
                 JOIN pragma_table_xinfo(m.name, {{s}}) p WHERE {USER_TABLES}"
            ),
            "k, t, cid",
        ))
        .await?;
    let indexes = catalog
        .rows(&union(
            &schemas,
            &format!(
                "SELECT {{k}} AS k, m.name AS t, il.seq AS seq, il.name, il.\"unique\", il.origin, \
                 il.partial, ii.seqno AS seqno, ii.cid, ii.name AS col, ii.\"desc\" FROM {{m}} m \
                 JOIN pragma_index_list(m.name, {{s}}) il \
                 JOIN pragma_index_xinfo(il.name, {{s}}) ii WHERE {USER_TABLES} AND ii.key = 1"
            ),
            "k, t, name, seqno",
        ))
        .await?;
    let foreign_keys = catalog
        .rows(&union(
            &schemas,
            &format!(
                "SELECT {{k}} AS k, m.name AS t, f.id AS id, f.seq AS seq, f.\"table\", f.\"from\", \
                 f.\"to\", f.on_update, f.on_delete FROM {{m}} m \
                 JOIN pragma_foreign_key_list(m.name, {{s}}) f WHERE {USER_TABLES}"
            ),
            "k, t, id, seq",
        ))
        .await?;

    Ok(assemble(
        &schemas,
        options,
        server_version,
        &master,
        &columns,
        &indexes,
        &foreign_keys,
    ))
}

/// Rows grouped by (schema position, table name), in order.
fn by_table(rows: &[Row]) -> HashMap<(i64, String), Vec<&Row>> {
    let mut out: HashMap<(i64, String), Vec<&Row>> = HashMap::new();
    for r in rows {
        let key = (r.int(0).unwrap_or(0), r.text(1).unwrap_or_default());
        out.entry(key).or_default().push(r);
    }
    out
}

fn assemble(
    schemas: &[Option<String>],
    options: &ReflectOptions,
    server_version: String,
    master: &[Row],
    columns: &[Row],
    indexes: &[Row],
    foreign_keys: &[Row],
) -> Reflection {
    let columns = by_table(columns);
    let indexes = by_table(indexes);
    let foreign_keys = by_table(foreign_keys);
    // (schema position, index name) -> CREATE INDEX text
    let index_sql: HashMap<(i64, String), String> = master
        .iter()
        .filter(|r| r.text(1).as_deref() == Some("index"))
        .filter_map(|r| Some(((r.int(0)?, r.text(2)?), r.text(4)?)))
        .collect();

    let mut tables = Vec::new();
    for r in master
        .iter()
        .filter(|r| r.text(1).as_deref() == Some("table"))
    {
        let k = r.int(0).unwrap_or(0);
        let schema = schemas.get(k as usize).cloned().flatten();
        let name = r.text(2).unwrap_or_default();
        if options.excluded(&schema, &name) {
            continue;
        }
        let parsed = parse_create_table(&r.text(4).unwrap_or_default());
        let key = (k, name.clone());
        let mut table = Table {
            schema: schema.clone(),
            name: name.clone(),
            ..Table::default()
        };
        let cols = columns.get(&key).map(Vec::as_slice).unwrap_or_default();
        add_columns(&mut table, cols, &parsed);
        add_indexes(
            &mut table,
            indexes.get(&key).map(Vec::as_slice).unwrap_or_default(),
            &parsed,
            |index| index_sql.get(&(k, index.to_string())),
        );
        let fks = foreign_keys
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or_default();
        add_foreign_keys(&mut table, fks, &parsed, schema.as_deref(), |referred| {
            // an FK without referred columns points at the referred table's primary key
            let rows = columns.get(&(k, referred.to_string()))?;
            let mut pk: Vec<(i64, String)> = rows
                .iter()
                .filter(|c| c.int(7).unwrap_or(0) > 0)
                .map(|c| (c.int(7).unwrap_or(0), c.text(3).unwrap_or_default()))
                .collect();
            pk.sort();
            Some(pk.into_iter().map(|(_, n)| n).collect())
        });
        let mut checks: Vec<CheckConstraint> = parsed
            .checks
            .iter()
            .map(|(name, sqltext)| CheckConstraint {
                name: name.clone(),
                sqltext: sqltext.clone(),
                ..CheckConstraint::default()
            })
            .collect();
        // as the Inspector: by name, unnamed ones last
        checks.sort_by(|a, b| {
            a.name
                .is_none()
                .cmp(&b.name.is_none())
                .then(a.name.cmp(&b.name))
        });
        table.check_constraints = checks;
        tables.push(table);
    }
    Reflection {
        default_schema: Some("main".to_string()),
        server_version,
        tables,
        ..Reflection::default()
    }
}

/// A declared type taken apart as SQLAlchemy's `_resolve_type_affinity` reads it.
fn column_type(declared: &str) -> ColumnType {
    let upper = declared.to_ascii_uppercase();
    let name_end = upper
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ' '))
        .unwrap_or(upper.len());
    let name = upper[..name_end].to_string();
    let args = match (upper[name_end..].starts_with('('), upper.find(')')) {
        (true, Some(close)) if close > name_end => split_args(&declared[name_end + 1..close]),
        _ => Vec::new(),
    };
    let ints: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let mut t = ColumnType {
        spelled: declared.to_string(),
        name,
        args,
        ..ColumnType::default()
    };
    if t.name.contains("CHAR") || t.name.contains("CLOB") || t.name.contains("TEXT") {
        t.length = ints.first().copied();
    } else if ints.len() >= 2 || ["NUMERIC", "DECIMAL"].contains(&t.name.as_str()) {
        t.precision = ints.first().copied();
        t.scale = ints.get(1).copied();
    } else {
        t.length = ints.first().copied();
    }
    t
}

fn add_columns(table: &mut Table, rows: &[&Row], parsed: &ParsedTable) {
    let mut pk: Vec<(i64, String)> = Vec::new();
    for r in rows {
        // row: k, t, cid, name, type, notnull, dflt_value, pk, hidden
        let hidden = r.int(8).unwrap_or(0);
        if hidden == 1 {
            continue; // a virtual table's hidden column
        }
        let name = r.text(3).unwrap_or_default();
        let mut declared = r.text(4).unwrap_or_default();
        let computed = (hidden == 2 || hidden == 3).then(|| {
            // the declared type of `c INTEGER GENERATED ALWAYS AS (...)` reads
            // `INTEGER GENERATED ALWAYS`
            declared = declared
                .split_whitespace()
                .filter(|w| {
                    !w.eq_ignore_ascii_case("generated") && !w.eq_ignore_ascii_case("always")
                })
                .collect::<Vec<_>>()
                .join(" ");
            Computed {
                sqltext: parsed
                    .generated
                    .iter()
                    .find(|g| g.column == name)
                    .map(|g| g.sqltext.clone())
                    .unwrap_or_default(),
                persisted: hidden == 3,
            }
        });
        let position = r.int(7).unwrap_or(0);
        if position > 0 {
            pk.push((position, name.clone()));
        }
        table.columns.push(Column {
            autoincrement: parsed.autoincrement.as_deref() == Some(name.as_str()),
            type_: column_type(&declared),
            nullable: !r.flag(5),
            default: r.text(6),
            computed,
            name,
            ..Column::default()
        });
    }
    if !pk.is_empty() {
        pk.sort();
        table.primary_key = Some(PrimaryKey {
            name: parsed.primary_key_name.clone(),
            constrained_columns: pk.into_iter().map(|(_, n)| n).collect(),
            ..PrimaryKey::default()
        });
    }
}

fn add_indexes<'a>(
    table: &mut Table,
    rows: &[&Row],
    parsed: &ParsedTable,
    index_sql: impl Fn(&str) -> Option<&'a String>,
) {
    // row: k, t, seq, name, unique, origin, partial, seqno, cid, col, desc
    let mut order: Vec<String> = Vec::new();
    let mut grouped: HashMap<String, Vec<&Row>> = HashMap::new();
    for r in rows {
        let name = r.text(3).unwrap_or_default();
        if !grouped.contains_key(&name) {
            order.push(name.clone());
        }
        grouped.entry(name).or_default().push(r);
    }
    let mut unique_named: Vec<(Option<String>, Vec<String>)> = parsed.uniques.clone();
    for name in order {
        let parts = &grouped[&name];
        let first = parts[0];
        let origin = first.text(5).unwrap_or_default();
        let columns: Vec<Option<String>> = parts.iter().map(|r| r.text(9)).collect();
        match origin.as_str() {
            "pk" => continue,
            "u" => {
                // a UNIQUE constraint: its name, if it has one, is in the CREATE TABLE
                let cols: Vec<String> = columns.iter().flatten().cloned().collect();
                let at = unique_named.iter().position(|(_, c)| *c == cols);
                let name = at.and_then(|i| unique_named.remove(i).0);
                table.unique_constraints.push(UniqueConstraint {
                    name,
                    column_names: cols,
                    ..UniqueConstraint::default()
                });
                continue;
            }
            _ => {}
        }
        let definition = index_sql(&name).map(|s| parse_create_index(s));
        let any_expr = columns.iter().any(Option::is_none);
        let expressions = any_expr.then(|| {
            let written = definition
                .as_ref()
                .map(|d| d.elements.clone())
                .unwrap_or_default();
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    c.clone()
                        .or_else(|| written.get(i).cloned())
                        .unwrap_or_default()
                })
                .collect()
        });
        let mut sorting = BTreeMap::new();
        for (i, r) in parts.iter().enumerate() {
            if r.flag(10) {
                let key = columns[i].clone().unwrap_or_else(|| {
                    expressions
                        .as_ref()
                        .and_then(|e: &Vec<String>| e.get(i).cloned())
                        .unwrap_or_default()
                });
                sorting.insert(key, vec!["desc".to_string()]);
            }
        }
        table.indexes.push(Index {
            name: name.clone(),
            unique: first.flag(4),
            column_names: columns,
            expressions,
            where_: if first.flag(6) {
                definition.and_then(|d| d.predicate)
            } else {
                None
            },
            sorting,
            valid: true,
            ..Index::default()
        });
    }
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

fn add_foreign_keys(
    table: &mut Table,
    rows: &[&Row],
    parsed: &ParsedTable,
    schema: Option<&str>,
    primary_key_of: impl Fn(&str) -> Option<Vec<String>>,
) {
    // row: k, t, id, seq, table, from, to, on_update, on_delete
    let mut by_id: Vec<(i64, ForeignKey)> = Vec::new();
    for r in rows {
        let id = r.int(2).unwrap_or(0);
        if by_id.last().map(|(i, _)| *i) != Some(id) {
            let action = |i: usize| r.text(i).filter(|a| a != "NO ACTION");
            by_id.push((
                id,
                ForeignKey {
                    referred_schema: schema.map(str::to_string),
                    referred_table: r.text(4).unwrap_or_default(),
                    onupdate: action(7),
                    ondelete: action(8),
                    ..ForeignKey::default()
                },
            ));
        }
        let fk = &mut by_id.last_mut().expect("just pushed").1;
        fk.constrained_columns.push(r.text(5).unwrap_or_default());
        if let Some(to) = r.text(6) {
            fk.referred_columns.push(to);
        }
    }
    // the pragma lists them last first
    by_id.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    let mut written = parsed.foreign_keys.clone();
    for (_, mut fk) in by_id {
        if fk.referred_columns.is_empty() {
            fk.referred_columns = primary_key_of(&fk.referred_table).unwrap_or_default();
        }
        let at = written.iter().position(|w| {
            w.columns == fk.constrained_columns
                && w.referred_table == fk.referred_table
                && (w.referred_columns == fk.referred_columns || w.referred_columns.is_empty())
        });
        if let Some(w) = at.map(|i| written.remove(i)) {
            fk.name = w.name;
            fk.deferrable = w.deferrable;
            fk.initially = w.initially;
        }
        table.foreign_keys.push(fk);
    }
}
