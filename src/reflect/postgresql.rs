//! PostgreSQL: six catalog queries for any number of tables and schemas.
//!
//! The server's version and schema; the tables; their columns; their constraints
//! (primary, unique, foreign, check); their indexes; the enum types and domains. Each
//! query after the first gives its rows as one `json_agg` array (nulls left out),
//! decoded with serde.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::model::{
    CheckConstraint, Column, ColumnType, Computed, DomainType, EnumType, ForeignKey, Identity,
    Index, PrimaryKey, Reflection, Table, UniqueConstraint, UserType,
};
use super::text::{literal, split_args, strip_outer_parens};
use super::{Catalog, ReflectError, ReflectOptions};

/// The tables of the schemas asked for: `rel` is the filter on `pg_class c` joined to
/// `pg_namespace n`. Temporary tables are left out, as the Inspector does.
fn table_filter(schemas: &[Option<String>]) -> String {
    let mut named: Vec<String> = schemas
        .iter()
        .flatten()
        .map(|s| literal(s, false))
        .collect();
    named.sort();
    let mut any = Vec::new();
    if !named.is_empty() {
        any.push(format!("n.nspname IN ({})", named.join(", ")));
    }
    if schemas.iter().any(Option::is_none) {
        any.push(
            "(pg_catalog.pg_table_is_visible(c.oid) AND n.nspname <> 'pg_catalog')".to_string(),
        );
    }
    format!(
        "c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND ({})",
        any.join(" OR ")
    )
}

/// The common table expression `t(oid)` of the tables asked for.
fn tables_cte(filter: &str) -> String {
    format!(
        "WITH t AS (SELECT c.oid FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE {filter})"
    )
}

#[derive(Deserialize)]
struct TableRow {
    oid: i64,
    schema: String,
    name: String,
    visible: bool,
    comment: Option<String>,
}

#[derive(Deserialize)]
struct ColumnRow {
    oid: i64,
    attnum: i64,
    name: String,
    format_type: Option<String>,
    default: Option<String>,
    not_null: bool,
    comment: Option<String>,
    generated: Option<String>,
    identity: Option<String>,
    /// the sequence the column owns (a SERIAL's, an identity's)
    sequence: Option<SequenceRow>,
    type_oid: i64,
    type_kind: String,
    type_name: String,
    type_schema: String,
    /// None for a built-in type (`pg_catalog`), not worth the search-path lookup
    type_visible: Option<bool>,
    collation: Option<String>,
}

#[derive(Deserialize)]
struct SequenceRow {
    schema: String,
    name: String,
    start: Option<i64>,
    increment: Option<i64>,
    min: Option<i64>,
    max: Option<i64>,
    cache: Option<i64>,
    cycle: Option<bool>,
}

#[derive(Deserialize)]
struct ConstraintRow {
    oid: i64,
    name: String,
    kind: String,
    /// `conkey`: the constrained columns' numbers
    columns: Option<Vec<i64>>,
    /// `indkey` of the index behind a primary key or unique constraint (INCLUDE too)
    index_columns: Option<Vec<i64>>,
    nkeyatts: Option<i64>,
    nulls_not_distinct: Option<bool>,
    referred_schema: Option<String>,
    referred_table: Option<String>,
    referred_visible: Option<bool>,
    referred_columns: Option<Vec<String>>,
    set_columns: Option<Vec<String>>,
    on_update: Option<String>,
    on_delete: Option<String>,
    match_type: Option<String>,
    deferrable: bool,
    deferred: bool,
    definition: Option<String>,
    comment: Option<String>,
}

#[derive(Deserialize)]
struct IndexElement {
    /// the column's number, 0 for an expression
    attnum: i64,
    /// an expression's text
    expression: Option<String>,
    opclass: Option<String>,
    option: Option<i64>,
}

#[derive(Deserialize)]
struct IndexRow {
    oid: i64,
    name: String,
    unique: bool,
    valid: bool,
    constraint: bool,
    nkeyatts: i64,
    nulls_not_distinct: bool,
    method: String,
    predicate: Option<String>,
    reloptions: Option<Vec<String>>,
    elements: Vec<IndexElement>,
    comment: Option<String>,
}

/// An enum (`kind` "e") or a domain ("d").
#[derive(Deserialize)]
struct UserTypeRow {
    oid: i64,
    kind: String,
    schema: String,
    name: String,
    visible: bool,
    labels: Option<Vec<String>>,
    base_type: Option<String>,
    not_null: bool,
    default: Option<String>,
    checks: Option<Vec<DomainCheckRow>>,
    collation: Option<String>,
}

#[derive(Deserialize)]
struct DomainCheckRow {
    name: String,
    definition: String,
}

pub(super) async fn reflect(
    catalog: &mut Catalog<'_>,
    options: &ReflectOptions,
) -> Result<Reflection, ReflectError> {
    let schemas = options.schemas();
    let head = catalog
        .rows(
            "SELECT current_setting('server_version_num')::int, current_schema(), \
             current_setting('server_version')",
        )
        .await?;
    let head = head.first();
    let version = head.and_then(|r| r.int(0)).unwrap_or(0);
    let default_schema = head.and_then(|r| r.text(1));
    let server_version = head.and_then(|r| r.text(2)).unwrap_or_default();

    let filter = table_filter(&schemas);
    let cte = tables_cte(&filter);

    let tables: Vec<TableRow> = catalog
        .json(&format!(
            "SELECT coalesce(json_agg(json_strip_nulls(row_to_json(r)) ORDER BY r.schema, r.name), '[]') FROM (\
             SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, \
             pg_catalog.pg_table_is_visible(c.oid) AS visible, d.description AS comment \
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 \
             AND d.classoid = 'pg_catalog.pg_class'::regclass \
             WHERE {filter}) r"
        ))
        .await?;

    let generated = if version >= 120000 {
        "nullif(a.attgenerated::text, '')"
    } else {
        "NULL::text"
    };
    let columns: Vec<ColumnRow> = catalog
        .json(&format!(
            "{cte} SELECT coalesce(json_agg(json_strip_nulls(row_to_json(r)) ORDER BY r.oid, r.attnum), '[]') FROM (\
             SELECT a.attrelid::int8 AS oid, a.attnum, a.attname::text AS name, \
             pg_catalog.format_type(a.atttypid, a.atttypmod) AS format_type, \
             CASE WHEN a.atthasdef THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END AS default, \
             a.attnotnull AS not_null, dsc.description AS comment, \
             {generated} AS generated, nullif(a.attidentity::text, '') AS identity, \
             CASE WHEN a.attidentity <> '' OR a.atthasdef THEN (SELECT json_build_object(\
             'schema', sn.nspname, 'name', s.relname, 'start', ps.seqstart, \
             'increment', ps.seqincrement, 'min', ps.seqmin, 'max', ps.seqmax, \
             'cache', ps.seqcache, 'cycle', ps.seqcycle) FROM pg_catalog.pg_depend dep \
             JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S' \
             JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace \
             LEFT JOIN pg_catalog.pg_sequence ps ON ps.seqrelid = s.oid \
             WHERE dep.classid = 'pg_catalog.pg_class'::regclass \
             AND dep.refclassid = 'pg_catalog.pg_class'::regclass \
             AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum \
             AND dep.deptype IN ('a', 'i') ORDER BY s.oid LIMIT 1) END AS sequence, \
             et.oid::int8 AS type_oid, et.typtype::text AS type_kind, et.typname::text AS type_name, \
             etn.nspname::text AS type_schema, CASE WHEN etn.nspname <> 'pg_catalog' \
             THEN pg_catalog.pg_type_is_visible(et.oid) END AS type_visible, \
             CASE WHEN a.attcollation <> 0 AND a.attcollation <> ty.typcollation \
             THEN co.collname::text END AS collation \
             FROM pg_catalog.pg_attribute a JOIN t ON t.oid = a.attrelid \
             JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid \
             JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN ty.typcategory = 'A' AND ty.typelem <> 0 \
             THEN ty.typelem ELSE ty.oid END \
             JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace \
             LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
             LEFT JOIN pg_catalog.pg_description dsc ON dsc.objoid = a.attrelid \
             AND dsc.objsubid = a.attnum AND dsc.classoid = 'pg_catalog.pg_class'::regclass \
             LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation \
             WHERE a.attnum > 0 AND NOT a.attisdropped) r"
        ))
        .await?;

    let nulls_not_distinct = |alias: &str| {
        if version >= 150000 {
            format!("{alias}.indnullsnotdistinct")
        } else {
            "false".to_string()
        }
    };
    let set_columns = if version >= 150000 {
        "CASE WHEN con.confdelsetcols IS NOT NULL THEN (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confdelsetcols) \
         WITH ORDINALITY k(attnum, ord) JOIN pg_catalog.pg_attribute a \
         ON a.attrelid = con.conrelid AND a.attnum = k.attnum) END"
    } else {
        "NULL::json"
    };
    let constraints: Vec<ConstraintRow> = catalog
        .json(&format!(
            "{cte} SELECT coalesce(json_agg(json_strip_nulls(row_to_json(r)) ORDER BY r.oid, r.name), '[]') FROM (\
             SELECT con.conrelid::int8 AS oid, con.conname::text AS name, con.contype::text AS kind, \
             con.conkey AS columns, i.indkey::int2[] AS index_columns, \
             i.indnkeyatts::int8 AS nkeyatts, {nnd} AS nulls_not_distinct, \
             rn.nspname::text AS referred_schema, rc.relname::text AS referred_table, \
             CASE WHEN rc.oid IS NOT NULL THEN pg_catalog.pg_table_is_visible(rc.oid) END \
             AS referred_visible, \
             CASE WHEN con.contype = 'f' THEN \
             (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) \
             WITH ORDINALITY k(attnum, ord) JOIN pg_catalog.pg_attribute a \
             ON a.attrelid = con.confrelid AND a.attnum = k.attnum) END AS referred_columns, \
             {set_columns} AS set_columns, \
             con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, \
             con.confmatchtype::text AS match_type, con.condeferrable AS deferrable, \
             con.condeferred AS deferred, \
             CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END \
             AS definition, d.description AS comment \
             FROM pg_catalog.pg_constraint con JOIN t ON t.oid = con.conrelid \
             LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid \
             AND con.contype IN ('p', 'u') \
             LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid AND con.contype = 'f' \
             LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace \
             LEFT JOIN pg_catalog.pg_description d ON d.objoid = con.oid \
             AND d.classoid = 'pg_catalog.pg_constraint'::regclass \
             WHERE con.contype IN ('p', 'u', 'f', 'c')) r",
            nnd = nulls_not_distinct("i"),
        ))
        .await?;

    let indexes: Vec<IndexRow> = catalog
        .json(&format!(
            "{cte} SELECT coalesce(json_agg(json_strip_nulls(row_to_json(r)) ORDER BY r.oid, r.name), '[]') FROM (\
             SELECT i.indrelid::int8 AS oid, ic.relname::text AS name, i.indisunique AS unique, \
             i.indisvalid AS valid, EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con \
             WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid \
             AND con.contype IN ('p', 'u', 'x')) AS constraint, \
             i.indnkeyatts::int8 AS nkeyatts, {nnd} AS nulls_not_distinct, \
             am.amname::text AS method, \
             CASE WHEN i.indpred IS NOT NULL THEN pg_catalog.pg_get_expr(i.indpred, i.indrelid) END \
             AS predicate, ic.reloptions, \
             (SELECT json_agg(json_build_object(\
             'attnum', k.attnum, \
             'expression', CASE WHEN k.attnum = 0 \
             THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END, \
             'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname::text END, \
             'option', k.option) ORDER BY k.ord) \
             FROM unnest(i.indkey::int2[], i.indclass::oid[], i.indoption::int2[]) \
             WITH ORDINALITY k(attnum, opclass, option, ord) \
             LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass) AS elements, \
             d.description AS comment \
             FROM pg_catalog.pg_index i JOIN t ON t.oid = i.indrelid \
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_catalog.pg_am am ON am.oid = ic.relam \
             LEFT JOIN pg_catalog.pg_description d ON d.objoid = i.indexrelid \
             AND d.objsubid = 0 AND d.classoid = 'pg_catalog.pg_class'::regclass \
             WHERE NOT i.indisprimary) r",
            nnd = nulls_not_distinct("i"),
        ))
        .await?;

    let enums: Vec<UserTypeRow> = catalog
        .json(
            "SELECT coalesce(json_agg(json_strip_nulls(row_to_json(r)) ORDER BY r.schema, r.name), '[]') FROM (\
             SELECT t.oid::int8 AS oid, t.typtype::text AS kind, n.nspname::text AS schema, \
             t.typname::text AS name, pg_catalog.pg_type_is_visible(t.oid) AS visible, \
             (SELECT json_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e \
             WHERE e.enumtypid = t.oid) AS labels, \
             CASE WHEN t.typtype = 'd' \
             THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type, \
             t.typnotnull AS not_null, t.typdefault AS default, \
             CASE WHEN t.typtype = 'd' THEN (SELECT json_agg(json_build_object(\
             'name', c.conname, 'definition', pg_catalog.pg_get_constraintdef(c.oid, true)) \
             ORDER BY c.conname) FROM pg_catalog.pg_constraint c \
             WHERE c.contypid = t.oid AND c.contype = 'c') END AS checks, \
             co.collname::text AS collation \
             FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
             LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation AND t.typtype = 'd' \
             WHERE t.typtype IN ('e', 'd')) r",
        )
        .await?;

    Ok(assemble(
        &schemas,
        options,
        default_schema,
        server_version,
        Rows {
            tables,
            columns,
            constraints,
            indexes,
            enums,
        },
    ))
}

struct Rows {
    tables: Vec<TableRow>,
    columns: Vec<ColumnRow>,
    constraints: Vec<ConstraintRow>,
    indexes: Vec<IndexRow>,
    enums: Vec<UserTypeRow>,
}

/// Build the model from the rows: each table once per schema key that asks for it.
fn assemble(
    schemas: &[Option<String>],
    options: &ReflectOptions,
    default_schema: Option<String>,
    server_version: String,
    rows: Rows,
) -> Reflection {
    let user_types: HashMap<i64, &UserTypeRow> = rows.enums.iter().map(|e| (e.oid, e)).collect();
    let mut columns: HashMap<i64, Vec<&ColumnRow>> = HashMap::new();
    let mut names: HashMap<(i64, i64), &str> = HashMap::new();
    for c in &rows.columns {
        columns.entry(c.oid).or_default().push(c);
        names.insert((c.oid, c.attnum), c.name.as_str());
    }
    let names = ColumnNames(names);
    let mut constraints: HashMap<i64, Vec<&ConstraintRow>> = HashMap::new();
    for c in &rows.constraints {
        constraints.entry(c.oid).or_default().push(c);
    }
    let mut indexes: HashMap<i64, Vec<&IndexRow>> = HashMap::new();
    for i in &rows.indexes {
        indexes.entry(i.oid).or_default().push(i);
    }

    let mut tables = Vec::new();
    for key in schemas {
        for t in &rows.tables {
            let wanted = match key {
                None => t.visible && t.schema != "pg_catalog",
                Some(s) => *s == t.schema,
            };
            if !wanted || options.excluded(key, &t.name) {
                continue;
            }
            let mut table = Table {
                schema: key.clone(),
                name: t.name.clone(),
                comment: t.comment.clone(),
                ..Table::default()
            };
            for c in columns.get(&t.oid).into_iter().flatten() {
                table.columns.push(column(c, key.as_deref(), &user_types));
            }
            for c in constraints.get(&t.oid).into_iter().flatten() {
                add_constraint(&mut table, c, key.as_deref(), &names);
            }
            for i in indexes.get(&t.oid).into_iter().flatten() {
                table.indexes.push(index(i, &names));
            }
            tables.push(table);
        }
    }

    let asked = |e: &&UserTypeRow| {
        schemas.iter().any(|key| match key {
            None => e.visible && e.schema != "pg_catalog",
            Some(s) => *s == e.schema,
        })
    };
    let domains = rows
        .enums
        .iter()
        .filter(|e| e.kind == "d")
        .filter(asked)
        .map(domain)
        .collect();
    let enums = rows
        .enums
        .iter()
        .filter(|e| e.kind == "e")
        .filter(asked)
        .map(|e| EnumType {
            schema: e.schema.clone(),
            name: e.name.clone(),
            visible: e.visible,
            labels: e.labels.clone().unwrap_or_default(),
        })
        .collect();

    Reflection {
        default_schema,
        server_version,
        tables,
        enums,
        domains,
        ..Reflection::default()
    }
}

fn domain(d: &UserTypeRow) -> DomainType {
    DomainType {
        schema: d.schema.clone(),
        name: d.name.clone(),
        visible: d.visible,
        type_: parse_format_type(d.base_type.as_deref().unwrap_or("")),
        nullable: !d.not_null,
        default: d.default.clone(),
        checks: d
            .checks
            .iter()
            .flatten()
            .map(|c| {
                let (sqltext, not_valid, no_inherit) = check_body(&c.definition);
                CheckConstraint {
                    name: Some(c.name.clone()),
                    sqltext,
                    comment: None,
                    not_valid,
                    no_inherit,
                }
            })
            .collect(),
        collation: d.collation.clone(),
    }
}

fn column(c: &ColumnRow, schema: Option<&str>, user_types: &HashMap<i64, &UserTypeRow>) -> Column {
    let mut type_ = parse_format_type(c.format_type.as_deref().unwrap_or(""));
    let builtin = c.type_schema == "pg_catalog";
    if !builtin {
        let kind = match c.type_kind.as_str() {
            "e" => "enum",
            "d" => "domain",
            "c" => "composite",
            "r" | "m" => "range",
            _ => "base",
        };
        type_.user_type = Some(UserType {
            schema: c.type_schema.clone(),
            name: c.type_name.clone(),
            visible: c.type_visible.unwrap_or(true),
            kind: kind.to_string(),
        });
    }
    let user = user_types.get(&c.type_oid);
    if c.type_kind == "e" {
        type_.enum_labels = user.map(|e| e.labels.clone().unwrap_or_default());
    }
    // as the Inspector: a domain column takes the domain's default when it has none,
    // and its NOT NULL
    let domain = user.filter(|d| d.kind == "d" && type_.array_dims == 0);

    let (mut default, computed) = match c.generated.as_deref() {
        Some(g) => (
            None,
            Some(Computed {
                sqltext: c.default.clone().unwrap_or_default(),
                persisted: g == "s",
            }),
        ),
        None => (
            c.default
                .clone()
                .or_else(|| domain.and_then(|d| d.default.clone())),
            None,
        ),
    };
    let integer = matches!(type_.name.as_str(), "smallint" | "integer" | "bigint");
    let mut autoincrement = false;
    if let Some(d) = &default {
        // as the Inspector: a nextval() default makes an integer autoincrement, and an
        // unqualified sequence name gets the schema asked for
        if let Some(rest) = d.strip_prefix("nextval('") {
            autoincrement = integer;
            if let (Some(end), Some(s)) = (rest.find('\''), schema)
                && !rest[..end].contains('.')
            {
                default = Some(format!("nextval('\"{s}\".{rest}"));
            }
        }
    }
    let seq = c.sequence.as_ref();
    let identity = c.identity.as_deref().map(|kind| Identity {
        always: kind == "a",
        start: seq.and_then(|s| s.start),
        increment: seq.and_then(|s| s.increment),
        minvalue: seq.and_then(|s| s.min),
        maxvalue: seq.and_then(|s| s.max),
        cache: seq.and_then(|s| s.cache),
        cycle: seq.and_then(|s| s.cycle),
    });
    let owned_sequence = seq.map(|s| format!("{}.{}", s.schema, s.name));
    Column {
        name: c.name.clone(),
        type_,
        nullable: !c.not_null && !domain.is_some_and(|d| d.not_null),
        default,
        autoincrement: autoincrement || identity.is_some(),
        identity,
        computed,
        comment: c.comment.clone(),
        collation: c.collation.clone(),
        owned_sequence,
        on_update: None,
    }
}

/// Take apart a `format_type()` result as SQLAlchemy's `_reflect_type` does: the
/// arguments in parentheses, the `[]` suffixes, and the bare name.
pub(super) fn parse_format_type(spelled: &str) -> ColumnType {
    let mut t = ColumnType {
        spelled: spelled.to_string(),
        ..ColumnType::default()
    };
    let mut rest = spelled;
    while let Some(stripped) = rest.strip_suffix("[]") {
        t.array_dims += 1;
        rest = stripped;
    }
    // the arguments: the first parenthesised group (`timestamp(3) with time zone`)
    let (name, args) = match (rest.find('('), rest.rfind(')')) {
        (Some(open), Some(close)) if close > open => (
            format!("{}{}", &rest[..open], &rest[close + 1..]),
            split_args(&rest[open + 1..close]),
        ),
        _ => (rest.to_string(), Vec::new()),
    };
    t.name = name.trim().to_string();
    t.args = args;
    let int_arg = |i: usize| t.args.get(i).and_then(|a| a.trim().parse::<i64>().ok());
    match t.name.as_str() {
        "numeric" | "decimal" => {
            if t.args.len() == 2 {
                t.precision = int_arg(0);
                t.scale = int_arg(1);
            }
        }
        "timestamp with time zone" | "time with time zone" => {
            t.timezone = Some(true);
            t.precision = int_arg(0);
        }
        "timestamp without time zone" | "time without time zone" | "time" | "timestamp" => {
            t.timezone = Some(false);
            t.precision = int_arg(0);
        }
        "double precision" => t.precision = Some(53),
        n if n == "interval" || n.starts_with("interval ") => {
            t.fields = n.strip_prefix("interval ").map(str::to_string);
            t.name = "interval".to_string();
            t.precision = int_arg(0);
        }
        _ => t.length = int_arg(0),
    }
    t
}

fn action(code: Option<&str>, set_columns: &Option<Vec<String>>) -> Option<String> {
    let base = match code? {
        "c" => "CASCADE",
        "r" => "RESTRICT",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => return None, // 'a': NO ACTION, the default
    };
    match set_columns {
        Some(cols) if matches!(base, "SET NULL" | "SET DEFAULT") && !cols.is_empty() => {
            Some(format!("{base} ({})", cols.join(", ")))
        }
        _ => Some(base.to_string()),
    }
}

/// Column names by (table oid, column number), from the columns query: the constraint
/// and index queries give numbers, so they need no lookup of their own.
struct ColumnNames<'a>(HashMap<(i64, i64), &'a str>);

impl ColumnNames<'_> {
    fn of(&self, oid: i64, attnums: &[i64]) -> Vec<String> {
        attnums
            .iter()
            .map(|n| {
                self.0
                    .get(&(oid, *n))
                    .copied()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }
}

fn add_constraint(
    table: &mut Table,
    c: &ConstraintRow,
    schema: Option<&str>,
    names: &ColumnNames<'_>,
) {
    let columns = names.of(c.oid, c.columns.as_deref().unwrap_or_default());
    let (keys, include) = match &c.index_columns {
        Some(all) => {
            let all = names.of(c.oid, all);
            let n = c.nkeyatts.map_or(all.len(), |n| n as usize).min(all.len());
            (all[..n].to_vec(), all[n..].to_vec())
        }
        None => (columns.clone(), Vec::new()),
    };
    match c.kind.as_str() {
        "p" => {
            table.primary_key = Some(PrimaryKey {
                name: Some(c.name.clone()),
                constrained_columns: keys,
                comment: c.comment.clone(),
                include,
            })
        }
        "u" => table.unique_constraints.push(UniqueConstraint {
            name: Some(c.name.clone()),
            column_names: keys,
            comment: c.comment.clone(),
            include,
            nulls_not_distinct: c.nulls_not_distinct.unwrap_or(false),
        }),
        "f" => {
            // as the Inspector: the referred schema is named when the search path does
            // not find the table, or when it is the schema asked for
            let referred_schema = match (&c.referred_schema, c.referred_visible) {
                (Some(s), Some(false)) => Some(s.clone()),
                (Some(s), _) if Some(s.as_str()) == schema => Some(s.clone()),
                _ => None,
            };
            table.foreign_keys.push(ForeignKey {
                name: Some(c.name.clone()),
                constrained_columns: columns,
                referred_schema,
                referred_table: c.referred_table.clone().unwrap_or_default(),
                referred_columns: c.referred_columns.clone().unwrap_or_default(),
                ondelete: action(c.on_delete.as_deref(), &c.set_columns),
                onupdate: action(c.on_update.as_deref(), &None),
                match_: (c.match_type.as_deref() == Some("f")).then(|| "FULL".to_string()),
                deferrable: c.deferrable.then_some(true),
                initially: c.deferred.then(|| "DEFERRED".to_string()),
                comment: c.comment.clone(),
            })
        }
        "c" => table.check_constraints.push(check(c)),
        _ => {}
    }
}

/// A check constraint from `pg_get_constraintdef`: `CHECK ((a > 1)) NO INHERIT NOT VALID`.
fn check(c: &ConstraintRow) -> CheckConstraint {
    let (sqltext, not_valid, no_inherit) = check_body(c.definition.as_deref().unwrap_or(""));
    CheckConstraint {
        name: Some(c.name.clone()),
        sqltext,
        comment: c.comment.clone(),
        not_valid,
        no_inherit,
    }
}

/// The expression of `CHECK ((a > 1)) NO INHERIT NOT VALID`, and those two flags.
fn check_body(definition: &str) -> (String, bool, bool) {
    let mut def = definition.to_string();
    let mut not_valid = false;
    let mut no_inherit = false;
    if let Some(d) = def.strip_suffix(" NOT VALID") {
        not_valid = true;
        def = d.to_string();
    }
    if let Some(d) = def.strip_suffix(" NO INHERIT") {
        no_inherit = true;
        def = d.to_string();
    }
    let body = def
        .strip_prefix("CHECK")
        .map(str::trim_start)
        .and_then(|d| d.strip_prefix('('))
        .and_then(|d| d.strip_suffix(')'))
        .unwrap_or(&def);
    (strip_outer_parens(body).to_string(), not_valid, no_inherit)
}

fn index(i: &IndexRow, names: &ColumnNames<'_>) -> Index {
    let n = (i.nkeyatts.max(0) as usize).min(i.elements.len());
    let text: Vec<String> = i
        .elements
        .iter()
        .map(|e| match &e.expression {
            Some(x) => x.clone(),
            None => names.of(i.oid, &[e.attnum]).remove(0),
        })
        .collect();
    let keys = &i.elements[..n];
    let (key_text, included_text) = text.split_at(n);
    let any_expr = keys.iter().any(|e| e.attnum == 0);
    let mut opclasses = BTreeMap::new();
    let mut sorting = BTreeMap::new();
    for (e, element) in keys.iter().zip(key_text) {
        if let Some(op) = &e.opclass {
            opclasses.insert(element.clone(), op.clone());
        }
        let flags = e.option.unwrap_or(0);
        let mut sort = Vec::new();
        // PostgreSQL's INDOPTION_DESC (1) and INDOPTION_NULLS_FIRST (2), shown only
        // where they differ from the default of the direction
        if flags & 1 != 0 {
            sort.push("desc".to_string());
            if flags & 2 == 0 {
                sort.push("nulls_last".to_string());
            }
        } else if flags & 2 != 0 {
            sort.push("nulls_first".to_string());
        }
        if !sort.is_empty() {
            sorting.insert(element.clone(), sort);
        }
    }
    let with = i
        .reloptions
        .iter()
        .flatten()
        .filter_map(|o| o.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Index {
        name: i.name.clone(),
        unique: i.unique,
        column_names: keys
            .iter()
            .zip(key_text)
            .map(|(e, t)| (e.attnum != 0).then(|| t.clone()))
            .collect(),
        expressions: any_expr.then(|| key_text.to_vec()),
        include: included_text.to_vec(),
        where_: i.predicate.clone(),
        method: (i.method != "btree").then(|| i.method.clone()),
        opclasses,
        sorting,
        nulls_not_distinct: i.nulls_not_distinct,
        with,
        lengths: BTreeMap::new(),
        duplicates_constraint: i.constraint.then(|| i.name.clone()),
        valid: i.valid,
        comment: i.comment.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_types_come_apart() {
        let t = parse_format_type("character varying(20)[]");
        assert_eq!(
            (t.name.as_str(), t.length, t.array_dims),
            ("character varying", Some(20), 1)
        );
        let t = parse_format_type("numeric(10,2)");
        assert_eq!((t.precision, t.scale), (Some(10), Some(2)));
        let t = parse_format_type("timestamp(3) with time zone");
        assert_eq!(t.name, "timestamp with time zone");
        assert_eq!((t.timezone, t.precision), (Some(true), Some(3)));
        let t = parse_format_type("interval day to second(2)");
        assert_eq!(
            (t.name.as_str(), t.fields.as_deref()),
            ("interval", Some("day to second"))
        );
        let t = parse_format_type("integer[][]");
        assert_eq!((t.name.as_str(), t.array_dims), ("integer", 2));
    }

    #[test]
    fn schema_filter_names_default_and_given() {
        let f = table_filter(&[None, Some("o'ther".to_string())]);
        assert!(f.contains("n.nspname IN ('o''ther')"), "{f}");
        assert!(f.contains("pg_table_is_visible"), "{f}");
    }
}
