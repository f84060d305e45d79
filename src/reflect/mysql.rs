//! MySQL and MariaDB: six `information_schema` queries for any number of tables and
//! schemas (databases).
//!
//! SQLAlchemy reads `SHOW CREATE TABLE` table by table; the same facts come from
//! `information_schema` in one query per kind, and are given back as `SHOW CREATE
//! TABLE` shows them (a column's character set only where it differs from the table's, a
//! foreign key's `RESTRICT` as the default it is), so the model reads like the Inspector's.

use std::collections::{BTreeMap, HashMap};

use super::model::{
    CheckConstraint, Column, ColumnType, Computed, ForeignKey, Index, PrimaryKey, Reflection,
    Table, UniqueConstraint,
};
use super::text::{literal, split_args, unquote_string};
use super::{Catalog, ReflectError, ReflectOptions, Row};

/// `alias.TABLE_SCHEMA` among the schemas asked for (None: the current database).
fn schema_filter(alias: &str, column: &str, schemas: &[Option<String>]) -> String {
    let named: Vec<String> = schemas.iter().flatten().map(|s| literal(s, true)).collect();
    let mut any = Vec::new();
    if !named.is_empty() {
        any.push(format!("{alias}.{column} IN ({})", named.join(", ")));
    }
    if schemas.iter().any(Option::is_none) {
        any.push(format!("{alias}.{column} = DATABASE()"));
    }
    format!("({})", any.join(" OR "))
}

pub(super) async fn reflect(
    catalog: &mut Catalog<'_>,
    options: &ReflectOptions,
) -> Result<Reflection, ReflectError> {
    let schemas = options.schemas();
    let head = catalog.rows("SELECT VERSION(), DATABASE()").await?;
    let server_version = head.first().and_then(|r| r.text(0)).unwrap_or_default();
    let default_schema = head.first().and_then(|r| r.text(1));
    let mariadb = server_version.to_ascii_lowercase().contains("mariadb");
    let version = numeric_version(&server_version);

    let tables = catalog
        .rows(&format!(
            "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_COMMENT, t.TABLE_COLLATION \
             FROM information_schema.TABLES t WHERE t.TABLE_TYPE = 'BASE TABLE' AND {} \
             ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME",
            schema_filter("t", "TABLE_SCHEMA", &schemas)
        ))
        .await?;
    let columns = catalog
        .rows(&format!(
            "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, \
             c.COLUMN_DEFAULT, c.EXTRA, c.GENERATION_EXPRESSION, c.CHARACTER_SET_NAME, \
             c.COLLATION_NAME, c.COLUMN_COMMENT \
             FROM information_schema.COLUMNS c WHERE {} \
             ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION",
            schema_filter("c", "TABLE_SCHEMA", &schemas)
        ))
        .await?;
    // functional key parts (MySQL 8.0.13+) have no column name but an expression
    let expression = if !mariadb && version >= (8, 0, 13) {
        "s.EXPRESSION"
    } else {
        "NULL"
    };
    let indexes = catalog
        .rows(&format!(
            "SELECT s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.NON_UNIQUE, s.SEQ_IN_INDEX, \
             s.COLUMN_NAME, s.SUB_PART, s.INDEX_TYPE, s.COLLATION, s.INDEX_COMMENT, {expression} \
             FROM information_schema.STATISTICS s WHERE {} \
             ORDER BY s.TABLE_SCHEMA, s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX",
            schema_filter("s", "TABLE_SCHEMA", &schemas)
        ))
        .await?;
    let foreign_keys = catalog
        .rows(&format!(
            "SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, \
             k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, \
             r.UPDATE_RULE, r.DELETE_RULE \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
             ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
             AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND {} \
             ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            schema_filter("k", "TABLE_SCHEMA", &schemas)
        ))
        .await?;
    // MariaDB lists a column's own CHECK (and JSON's json_valid) with LEVEL 'Column':
    // SHOW CREATE TABLE shows those inside the column, not as constraints
    let checks = if mariadb {
        catalog
            .rows(&format!(
                "SELECT cc.CONSTRAINT_SCHEMA, cc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
                 FROM information_schema.CHECK_CONSTRAINTS cc WHERE cc.LEVEL = 'Table' AND {} \
                 ORDER BY cc.CONSTRAINT_SCHEMA, cc.TABLE_NAME, cc.CONSTRAINT_NAME",
                schema_filter("cc", "CONSTRAINT_SCHEMA", &schemas)
            ))
            .await?
    } else if version >= (8, 0, 16) {
        catalog
            .rows(&format!(
                "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
                 FROM information_schema.CHECK_CONSTRAINTS cc \
                 JOIN information_schema.TABLE_CONSTRAINTS tc \
                 ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA \
                 AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' \
                 WHERE {} ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, cc.CONSTRAINT_NAME",
                schema_filter("tc", "TABLE_SCHEMA", &schemas)
            ))
            .await?
    } else {
        Vec::new()
    };

    let rows = Rows {
        tables: &tables,
        columns: by_table(&columns),
        indexes: by_table(&indexes),
        foreign_keys: by_table(&foreign_keys),
        checks: by_table(&checks),
    };
    let mut out = Vec::new();
    for key in &schemas {
        let wanted = |schema: &str| match key {
            None => default_schema.as_deref() == Some(schema),
            Some(s) => s == schema,
        };
        for t in rows.tables.iter() {
            let (schema, name) = (t.text(0).unwrap_or_default(), t.text(1).unwrap_or_default());
            if !wanted(&schema) || options.excluded(key, &name) {
                continue;
            }
            out.push(table(&rows, t, key, mariadb));
        }
    }
    Ok(Reflection {
        default_schema,
        server_version,
        tables: out,
        ..Reflection::default()
    })
}

struct Rows<'a> {
    tables: &'a [Row],
    columns: HashMap<(String, String), Vec<&'a Row>>,
    indexes: HashMap<(String, String), Vec<&'a Row>>,
    foreign_keys: HashMap<(String, String), Vec<&'a Row>>,
    checks: HashMap<(String, String), Vec<&'a Row>>,
}

/// `8.0.36`, `10.11.6-MariaDB-0+deb12u1` -> (8, 0, 36), (10, 11, 6).
fn numeric_version(text: &str) -> (u32, u32, u32) {
    let mut parts = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

fn by_table(rows: &[Row]) -> HashMap<(String, String), Vec<&Row>> {
    let mut out: HashMap<(String, String), Vec<&Row>> = HashMap::new();
    for r in rows {
        let key = (r.text(0).unwrap_or_default(), r.text(1).unwrap_or_default());
        out.entry(key).or_default().push(r);
    }
    out
}

fn table(rows: &Rows<'_>, t: &Row, key: &Option<String>, mariadb: bool) -> Table {
    let schema = t.text(0).unwrap_or_default();
    let name = t.text(1).unwrap_or_default();
    let table_collation = t.text(3);
    let id = (schema.clone(), name.clone());
    let mut table = Table {
        schema: key.clone(),
        name,
        comment: t.text(2).filter(|c| !c.is_empty()),
        ..Table::default()
    };
    for c in rows.columns.get(&id).into_iter().flatten() {
        table
            .columns
            .push(column(c, table_collation.as_deref(), mariadb));
    }

    // indexes: grouped by name, in key-part order
    let mut names: Vec<String> = Vec::new();
    let mut parts: HashMap<String, Vec<&Row>> = HashMap::new();
    for r in rows.indexes.get(&id).into_iter().flatten() {
        let n = r.text(2).unwrap_or_default();
        if !parts.contains_key(&n) {
            names.push(n.clone());
        }
        parts.entry(n).or_default().push(r);
    }
    for n in names {
        let parts = &parts[&n];
        let first = parts[0];
        let columns: Vec<Option<String>> = parts.iter().map(|r| r.text(5)).collect();
        if n == "PRIMARY" {
            table.primary_key = Some(PrimaryKey {
                name: None,
                constrained_columns: columns.into_iter().flatten().collect(),
                ..PrimaryKey::default()
            });
            continue;
        }
        let unique = first.int(3) == Some(0);
        let any_expr = columns.iter().any(Option::is_none);
        let elements: Vec<String> = parts
            .iter()
            .map(|r| r.text(5).or_else(|| r.text(10)).unwrap_or_default())
            .collect();
        let mut lengths = BTreeMap::new();
        let mut sorting = BTreeMap::new();
        for (r, element) in parts.iter().zip(&elements) {
            if let Some(len) = r.int(6) {
                lengths.insert(element.clone(), len);
            }
            if r.text(8).as_deref() == Some("D") {
                sorting.insert(element.clone(), vec!["desc".to_string()]);
            }
        }
        let kind = first.text(7).unwrap_or_default();
        if unique {
            table.unique_constraints.push(UniqueConstraint {
                name: Some(n.clone()),
                column_names: columns.iter().flatten().cloned().collect(),
                ..UniqueConstraint::default()
            });
        }
        table.indexes.push(Index {
            name: n,
            unique,
            column_names: columns,
            expressions: any_expr.then_some(elements),
            method: (kind != "BTREE").then_some(kind),
            sorting,
            lengths,
            valid: true,
            comment: first.text(9).filter(|c| !c.is_empty()),
            ..Index::default()
        });
    }
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    table.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));

    let mut fks: Vec<ForeignKey> = Vec::new();
    let mut last: Option<String> = None;
    for r in rows.foreign_keys.get(&id).into_iter().flatten() {
        let n = r.text(2).unwrap_or_default();
        if last.as_deref() != Some(n.as_str()) {
            let referred = r.text(4).unwrap_or_default();
            // as the Inspector: a referred table of the same database takes the schema
            // as asked; one of another database is named
            let referred_schema = if referred != schema {
                Some(referred)
            } else {
                key.clone()
            };
            // RESTRICT is MySQL's default, which SHOW CREATE TABLE leaves out
            let action = |i: usize| r.text(i).filter(|a| a != "RESTRICT" && a != "NO ACTION");
            fks.push(ForeignKey {
                name: Some(n.clone()),
                referred_schema,
                referred_table: r.text(5).unwrap_or_default(),
                onupdate: action(7),
                ondelete: action(8),
                ..ForeignKey::default()
            });
            last = Some(n);
        }
        let fk = fks.last_mut().expect("just pushed");
        fk.constrained_columns.push(r.text(3).unwrap_or_default());
        fk.referred_columns.push(r.text(6).unwrap_or_default());
    }
    table.foreign_keys = fks;

    table.check_constraints = rows
        .checks
        .get(&id)
        .into_iter()
        .flatten()
        .map(|r| CheckConstraint {
            name: r.text(2),
            sqltext: r.text(3).unwrap_or_default(),
            ..CheckConstraint::default()
        })
        .collect();
    table
}

fn column(c: &Row, table_collation: Option<&str>, mariadb: bool) -> Column {
    // row: schema, table, name, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
    //      GENERATION_EXPRESSION, CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_COMMENT
    let mut type_ = parse_column_type(&c.text(3).unwrap_or_default());
    let extra = c.text(6).unwrap_or_default();
    let extra_lower = extra.to_ascii_lowercase();
    let collation = c.text(9);
    // as SHOW CREATE TABLE: character set and collation only where they differ
    let own_collation = collation.is_some() && collation.as_deref() != table_collation;
    if own_collation {
        type_.charset = c.text(8);
    }
    let generated = extra_lower.contains("generated") && !extra_lower.contains("default_generated");
    let computed = generated.then(|| Computed {
        sqltext: c.text(7).unwrap_or_default(),
        persisted: extra_lower.contains("stored"),
    });
    let default = if generated {
        None
    } else {
        default_text(c.text(5), &extra_lower, &type_, mariadb)
    };
    let on_update = extra_lower
        .find("on update ")
        .map(|at| extra[at + "on update ".len()..].trim().to_string());
    Column {
        name: c.text(2).unwrap_or_default(),
        nullable: c.text(4).as_deref() == Some("YES"),
        default,
        autoincrement: extra_lower.contains("auto_increment"),
        computed,
        comment: c.text(10).filter(|s| !s.is_empty()),
        collation: if own_collation { collation } else { None },
        on_update,
        type_,
        ..Column::default()
    }
}

/// A column default as SHOW CREATE TABLE shows it.
///
/// MariaDB (10.2.7+) already gives it so: literals quoted, `NULL` for a null default,
/// expressions as written. MySQL gives literals unquoted and marks expressions with
/// `DEFAULT_GENERATED` in EXTRA, which SHOW CREATE TABLE shows in parentheses, except
/// for `CURRENT_TIMESTAMP`.
fn default_text(
    raw: Option<String>,
    extra: &str,
    type_: &ColumnType,
    mariadb: bool,
) -> Option<String> {
    let raw = raw?;
    if mariadb {
        return (raw != "NULL").then_some(raw);
    }
    if extra.contains("default_generated") {
        if raw.to_ascii_uppercase().starts_with("CURRENT_TIMESTAMP") {
            return Some(raw);
        }
        return Some(format!("({raw})"));
    }
    if type_.name == "bit" {
        return Some(raw);
    }
    Some(literal(&raw, true))
}

/// Take apart MySQL's `COLUMN_TYPE` (`int(10) unsigned zerofill`, `decimal(10,2)`,
/// `enum('a','b')`, `datetime(3)`).
fn parse_column_type(spelled: &str) -> ColumnType {
    let mut t = ColumnType {
        spelled: spelled.to_string(),
        ..ColumnType::default()
    };
    let name_end = spelled
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(spelled.len());
    t.name = spelled[..name_end].to_ascii_lowercase();
    let mut rest = &spelled[name_end..];
    if let Some(close) = super::text::matching_paren(rest, 0) {
        t.args = split_args(&rest[1..close]);
        rest = &rest[close + 1..];
    }
    let words = rest.to_ascii_lowercase();
    t.unsigned = words.split_whitespace().any(|w| w == "unsigned");
    t.zerofill = words.split_whitespace().any(|w| w == "zerofill");
    let ints: Vec<i64> = t.args.iter().filter_map(|a| a.parse().ok()).collect();
    match t.name.as_str() {
        "enum" | "set" => {
            t.enum_labels = Some(t.args.iter().map(|a| unquote_string(a)).collect());
        }
        "datetime" | "timestamp" | "time" => t.precision = ints.first().copied(),
        "decimal" | "numeric" | "float" | "double" | "real" if ints.len() == 2 => {
            t.precision = Some(ints[0]);
            t.scale = Some(ints[1]);
        }
        _ => t.length = ints.first().copied(),
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_types_come_apart() {
        let t = parse_column_type("int(10) unsigned zerofill");
        assert_eq!(t.name, "int");
        assert_eq!((t.length, t.unsigned, t.zerofill), (Some(10), true, true));
        let t = parse_column_type("decimal(10,2)");
        assert_eq!((t.precision, t.scale), (Some(10), Some(2)));
        let t = parse_column_type("enum('a','it''s','x,y')");
        assert_eq!(t.enum_labels.unwrap(), ["a", "it's", "x,y"]);
        let t = parse_column_type("timestamp(3)");
        assert_eq!(t.precision, Some(3));
    }

    #[test]
    fn versions() {
        assert_eq!(numeric_version("10.11.6-MariaDB-0+deb12u1"), (10, 11, 6));
        assert_eq!(numeric_version("8.0.36"), (8, 0, 36));
    }
}
