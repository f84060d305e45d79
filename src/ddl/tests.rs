//! Snapshot tests of rendered SQL per dialect.

use super::*;
use crate::ops::Op;

fn sql(spec: serde_json::Value) -> String {
    let op: Op = serde_json::from_value(spec).expect("valid spec");
    let mut out = String::new();
    for d in [Dialect::Postgresql, Dialect::Sqlite, Dialect::Mysql] {
        out.push_str(&format!("-- {}\n", d.name()));
        match render(&op, d, &RenderOptions { as_sql: true }) {
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
