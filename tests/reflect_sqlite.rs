//! Reflection without Python: a SQLite file, the query count for 3 and 300 tables, and
//! the model's serde round trip.

use alembic_rs::db::Connection;
use alembic_rs::reflect::{ReflectOptions, Reflection, reflect};

async fn with_tables(dir: &tempfile::TempDir, n: usize) -> Connection {
    let path = dir.path().join(format!("t{n}.db"));
    let mut conn = Connection::connect(&format!("sqlite:///{}", path.display()))
        .await
        .unwrap();
    // one transaction: a commit per table would sync the file 600 times
    let mut statements = vec!["BEGIN".to_string()];
    for i in 0..n {
        let (parent_column, parent_fk) = if i > 0 {
            (
                ", parent_id INTEGER".to_string(),
                format!(
                    ", CONSTRAINT fk_t{i} FOREIGN KEY (parent_id) REFERENCES t{} (id) \
                     ON DELETE CASCADE",
                    i - 1
                ),
            )
        } else {
            (String::new(), String::new())
        };
        statements.push(format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(40) NOT NULL, \
             amount NUMERIC(10, 2) DEFAULT 0{parent_column}, CONSTRAINT uq_t{i} UNIQUE (name), \
             CONSTRAINT ck_t{i} CHECK (amount >= 0){parent_fk})"
        ));
        statements.push(format!("CREATE INDEX ix_t{i}_amount ON t{i} (amount)"));
    }
    statements.push("COMMIT".to_string());
    conn.execute_batch(&statements).await.unwrap();
    conn
}

#[tokio::test]
async fn query_count_does_not_grow_with_tables() {
    let dir = tempfile::tempdir().unwrap();
    let mut counts = Vec::new();
    for n in [3, 300] {
        let mut conn = with_tables(&dir, n).await;
        let reflection = reflect(&mut conn, &ReflectOptions::default())
            .await
            .unwrap();
        assert_eq!(reflection.tables.len(), n);
        let last = reflection.tables.iter().find(|t| t.name == "t2").unwrap();
        assert_eq!(last.foreign_keys[0].name.as_deref(), Some("fk_t2"));
        assert_eq!(last.foreign_keys[0].ondelete.as_deref(), Some("CASCADE"));
        assert_eq!(last.unique_constraints[0].name.as_deref(), Some("uq_t2"));
        assert_eq!(last.check_constraints[0].sqltext, "amount >= 0");
        counts.push(reflection.queries);
        conn.close().await.unwrap();
    }
    assert_eq!(counts[0], counts[1]);
}

#[tokio::test]
async fn the_model_round_trips_through_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = with_tables(&dir, 2).await;
    let options = ReflectOptions {
        schemas: vec![None],
        exclude_tables: vec![(None, "t0".to_string())],
    };
    let reflection = reflect(&mut conn, &options).await.unwrap();
    assert_eq!(
        reflection
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["t1"]
    );
    let json = serde_json::to_string(&reflection).unwrap();
    let back: Reflection = serde_json::from_str(&json).unwrap();
    assert_eq!(back, reflection);
}
