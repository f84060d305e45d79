//! Snapshot tests of rendered SQL per dialect.

use super::*;
use crate::ops::Op;

fn sql(spec: serde_json::Value) -> String {
    let op: Op = serde_json::from_value(spec).expect("valid spec");
    let mut out = String::new();
    for d in [Dialect::Postgresql, Dialect::Sqlite, Dialect::Mysql] {
        out.push_str(&format!("-- {}\n", d.name()));
        match render(
            &op,
            d,
            &RenderOptions {
                as_sql: true,
                ..Default::default()
            },
        ) {
            Ok(stmts) => {
                for s in stmts {
                    out.push_str(&s);
                    out.push_str(";\n");
                }
            }
            Err(e) => out.push_str(&format!("ERROR: {e}\n")),
        }
    }
    out
}

macro_rules! snap {
    ($name:ident, $spec:tt) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(sql(serde_json::json!($spec)));
        }
    };
}

snap!(create_table, {
    "op": "create_table", "table_name": "account",
    "columns": [
        {"name": "id", "type": {"sql": "INTEGER", "class": "integer"}, "nullable": false,
         "primary_key": true, "autoincrement": true},
        {"name": "name", "type": {"sql": "VARCHAR(50)"}, "nullable": false, "comment": "it's"},
        {"name": "created_at", "type": {"sql": "TIMESTAMP WITH TIME ZONE", "class": "timestamp"},
         "server_default": {"kind": "sql", "sql": "now()"}},
        {"name": "order", "type": {"sql": "VARCHAR(5)"},
         "server_default": {"kind": "literal", "value": "a'b%"}}
    ],
    "constraints": [
        {"type": "primary_key", "columns": ["id"]},
        {"type": "check", "name": "ck1", "sqltext": "id > 0"},
        {"type": "foreign_key", "columns": ["order"], "referent_table": "other",
         "referent_columns": ["id"], "ondelete": "CASCADE"}
    ],
    "indexes": [{"index_name": "ix_account_name", "table_name": "account",
                 "elements": [{"column": "name"}], "unique": true}],
    "comment": "tbl"
});

snap!(create_table_identity_computed, {
    "op": "create_table", "table_name": "t", "schema": "app",
    "columns": [
        {"name": "id", "type": {"sql": "BIGINT", "class": "big_integer"}, "nullable": false,
         "primary_key": true, "autoincrement": true},
        {"name": "g", "type": {"sql": "INTEGER"}, "computed": {"sqltext": "id * 2", "persisted": true}},
        {"name": "i", "type": {"sql": "INTEGER"}, "nullable": false,
         "identity": {"always": true, "start": 5, "increment": 2}}
    ],
    "constraints": [{"type": "primary_key", "name": "pk_t", "columns": ["id"]}]
});

snap!(drop_table, {"op": "drop_table", "table_name": "user", "schema": "app", "if_exists": true});

snap!(add_column, {
    "op": "add_column", "table_name": "account", "schema": "s.a",
    "column": {"name": "email", "type": {"sql": "VARCHAR(120)"}, "nullable": false,
               "server_default": {"kind": "literal", "value": "x"}, "comment": "mail"}
});

snap!(drop_column, {"op": "drop_column", "table_name": "account", "column_name": "select",
                    "if_exists": true});

snap!(alter_column_many, {
    "op": "alter_column", "table_name": "account", "column_name": "n",
    "nullable": false, "server_default": null, "new_column_name": "m",
    "type": {"sql": "BIGINT", "class": "big_integer"},
    "existing_type": {"sql": "INTEGER", "class": "integer"}
});

snap!(alter_column_comment, {
    "op": "alter_column", "table_name": "account", "column_name": "n",
    "comment": "new", "existing_type": {"sql": "INTEGER"}
});

snap!(create_index_pg, {
    "op": "create_index", "index_name": "ix_pg", "table_name": "account",
    "elements": [{"column": "name"}, {"expr": "lower(email)"}],
    "postgresql_using": "GIN", "postgresql_where": "active", "postgresql_include": ["id"],
    "postgresql_concurrently": true, "postgresql_ops": {"name": "gin_trgm_ops"}
});

snap!(drop_index, {"op": "drop_index", "index_name": "ix_a", "table_name": "account",
                   "schema": "app"});

snap!(create_foreign_key, {
    "op": "create_foreign_key", "table_name": "a",
    "constraint": {"type": "foreign_key", "name": "fk_a_b", "columns": ["b_id"],
                   "referent_table": "b", "referent_schema": "s2", "referent_columns": ["id"],
                   "onupdate": "SET NULL", "deferrable": true, "initially": "DEFERRED"}
});

snap!(create_unique_constraint, {
    "op": "create_unique_constraint", "table_name": "account",
    "constraint": {"type": "unique", "name": "uq_email", "columns": ["email"]}
});

snap!(create_exclude_constraint, {
    "op": "create_exclude_constraint", "table_name": "booking",
    "constraint": {"type": "exclude", "name": "excl", "elements": [[{"column": "room"}, "="],
                   [{"column": "during"}, "&&"]], "where": "NOT cancelled"}
});

snap!(drop_constraint, {"op": "drop_constraint", "constraint_name": "uq_email",
                        "table_name": "account", "type": "unique"});

snap!(rename_table, {"op": "rename_table", "table_name": "old", "new_table_name": "User",
                     "schema": "app"});

snap!(table_comments, {"op": "create_table_comment", "table_name": "account",
                       "comment": "Account's"});

snap!(execute, {"op": "execute", "sqltext": "SELECT '100%' \\:x :y\tz"});

snap!(bulk_insert, {
    "op": "bulk_insert", "table_name": "t",
    "rows": [[["id", {"kind": "int", "value": 1}], ["name", {"kind": "string", "value": "a\\'b"}],
              ["flag", {"kind": "bool", "value": true}], ["n", {"kind": "null"}],
              ["d", {"kind": "raw", "value": "'2020-01-02'"}]]]
});

snap!(create_table_before_create_and_options, {
    "op": "create_table", "table_name": "t",
    "columns": [
        {"name": "id", "type": {"sql": "INTEGER", "class": "integer"}, "nullable": false,
         "primary_key": true, "autoincrement": true, "sqlite_autoincrement": true},
        {"name": "m", "type": {"sql": "mood"}}
    ],
    "before_create": [
        {"kind": "create_enum", "name": "mood", "values": ["a", "it's 100%"]},
        {"kind": "create_enum", "name": "Mood", "schema": "s", "values": ["x"]}
    ],
    "postgresql_options": {"inherits": ["base"], "partition_by": "RANGE (id)",
                           "with": [["fillfactor", "50"]], "tablespace": "ts"},
    "mysql_options": [["ENGINE", "InnoDB"], ["COLLATE", "utf8mb4_bin"],
                      ["PARTITIONS", "4"], ["CHARSET", "utf8mb4"], ["COMMENT", "x"]],
    "sqlite_with_rowid": false,
    "comment": "it's"
});

#[test]
fn percent_doubling_follows_the_options() {
    let op: Op = serde_json::from_value(serde_json::json!(
        {"op": "execute", "sqltext": "SELECT '5%'", "plain": false}
    ))
    .unwrap();
    let with = |double_percents| RenderOptions {
        as_sql: true,
        double_percents,
        ..Default::default()
    };
    assert_eq!(
        render(&op, Dialect::Postgresql, &with(None)).unwrap(),
        ["SELECT '5%%'"]
    );
    assert_eq!(
        render(&op, Dialect::Postgresql, &with(Some(false))).unwrap(),
        ["SELECT '5%'"]
    );
    assert_eq!(
        render(&op, Dialect::Sqlite, &with(Some(true))).unwrap(),
        ["SELECT '5%%'"]
    );
}

#[test]
fn dialect_flags_follow_the_run_dialect() {
    let op: Op = serde_json::from_value(serde_json::json!({
        "op": "create_table", "table_name": "p",
        "columns": [{"name": "s", "type": {"sql": "VARCHAR(5)"},
                     "server_default": {"kind": "literal", "value": "a\\b"}},
                    {"name": "t", "type": {"sql": "DATETIME"},
                     "server_default": {"kind": "sql", "sql": "now()"}}],
        "postgresql_options": {"inherits": ["base"]}
    }))
    .unwrap();
    let with = |dialect, flags| {
        render(
            &op,
            dialect,
            &RenderOptions {
                as_sql: true,
                flags,
                ..Default::default()
            },
        )
        .unwrap()
        .join(";\n")
    };
    // SQLAlchemy 2.1's defaults, then a never-connected PostgreSQL dialect under 2.0
    let pg = with(Dialect::Postgresql, None);
    assert!(
        pg.contains(r"DEFAULT 'a\b'") && pg.contains("INHERITS (base)"),
        "{pg}"
    );
    let sa20 = DialectFlags {
        backslash_escapes: true,
        default_function_parens: false,
        padded_inherits: true,
    };
    let pg = with(Dialect::Postgresql, Some(sa20));
    assert!(
        pg.contains(r"DEFAULT 'a\\b'") && pg.contains("INHERITS ( base )"),
        "{pg}"
    );
    // MySQL wraps an expression default only where the server takes one
    assert!(with(Dialect::Mysql, None).contains("DEFAULT (now())"));
    assert!(with(Dialect::Mysql, Some(sa20)).contains("DATETIME DEFAULT now()"));
}
