//! The native connection against the machine's live databases.
//!
//! PostgreSQL at 127.0.0.1:5432 and MariaDB/MySQL at 127.0.0.1:3306; a backend that is
//! not reachable is skipped with a note (override with `ALEMBIC_RS_TEST_PG_URL` /
//! `ALEMBIC_RS_TEST_MYSQL_URL`). SQLite always runs.

use alembic_rs::db::{Connection, DbError, Dialect, TypedValue, Value};

fn pg_url() -> String {
    std::env::var("ALEMBIC_RS_TEST_PG_URL")
        .unwrap_or_else(|_| "postgresql+psycopg://postgres@127.0.0.1:5432/test".into())
}

fn mysql_url() -> String {
    std::env::var("ALEMBIC_RS_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql+pymysql://root@127.0.0.1:3306/test".into())
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

async fn try_connect(url: &str) -> Option<Connection> {
    match Connection::connect(url).await {
        Ok(c) => Some(c),
        Err(e) => {
            eprintln!("skipped: {e}");
            None
        }
    }
}

/// DDL inside a transaction, rolled back (PostgreSQL and SQLite have transactional DDL).
async fn ddl_rolls_back(conn: &mut Connection) {
    let table = unique("rs_rollback");
    conn.begin().await.unwrap();
    assert!(conn.in_transaction());
    conn.execute(&format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY)"))
        .await
        .unwrap();
    assert!(conn.has_table(&table, None).await.unwrap());
    conn.rollback().await.unwrap();
    assert!(!conn.in_transaction());
    assert!(!conn.has_table(&table, None).await.unwrap());
}

/// A failing third statement is named by index and text; the fourth never runs.
async fn batch_names_failing_statement(conn: &mut Connection) {
    let table = unique("rs_batch");
    let statements = vec![
        format!("CREATE TABLE {table} (id INTEGER)"),
        format!("INSERT INTO {table} (id) VALUES (1)"),
        format!("INSERT INTO {table}_missing (id) VALUES (2)"),
        format!("INSERT INTO {table} (id) VALUES (3)"),
    ];
    let err = conn.execute_batch(&statements).await.unwrap_err();
    assert_eq!(err.index, 2, "{err}");
    assert_eq!(err.statement, statements[2]);
    assert!(err.to_string().contains(&statements[2]), "{err}");
    if conn.in_transaction() {
        conn.rollback().await.unwrap();
    }
    conn.execute(&format!("DROP TABLE IF EXISTS {table}"))
        .await
        .unwrap();
}

async fn batch_runs_everything(conn: &mut Connection) {
    let table = unique("rs_batch_ok");
    let statements = vec![
        format!("CREATE TABLE {table} (id INTEGER, name VARCHAR(20))"),
        format!("INSERT INTO {table} (id, name) VALUES (1, 'a');"),
        "-- a comment only".to_string(),
        format!("INSERT INTO {table} (id, name) VALUES (2, NULL) -- trailing comment"),
    ];
    conn.execute_batch(&statements).await.unwrap();
    let rows = conn
        .query(&format!("SELECT id, name FROM {table} ORDER BY id"))
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            vec![Value::Int(1), Value::Text("a".into())],
            vec![Value::Int(2), Value::Null]
        ]
    );
    assert_eq!(
        conn.execute(&format!("DELETE FROM {table}")).await.unwrap(),
        2
    );
    conn.execute(&format!("DROP TABLE {table}")).await.unwrap();
}

/// The PEP 249 adapter's statements: each prepared once per transaction (per set of
/// parameter types on PostgreSQL), prepared again in the next transaction, and never
/// run from a plan made before a schema change.
async fn bound_statements_prepared_once(conn: &mut Connection) {
    use TypedValue::{Date, Int, Null, Text};
    let pg = conn.backend() == Dialect::Postgresql;
    let p = |n: usize| if pg { format!("${n}") } else { "?".to_string() };
    let table = unique("rs_bound");
    conn.execute(&format!(
        "CREATE TABLE {table} (id INTEGER PRIMARY KEY, name VARCHAR(20), day DATE)"
    ))
    .await
    .unwrap();
    conn.begin().await.unwrap();
    let insert = format!("INSERT INTO {table} (id, name) VALUES ({}, {})", p(1), p(2));
    let start = conn.statements_prepared();
    for i in 0..20 {
        // NULL first: PostgreSQL infers varchar, which a string then fits
        let name = if i % 3 == 0 {
            Null
        } else {
            Text(format!("n{i}"))
        };
        let r = conn
            .query_bound(&insert, &[Int(i), name], &[false, false])
            .await
            .unwrap();
        assert_eq!(r.rows_affected, 1);
    }
    assert_eq!(conn.statements_prepared() - start, 1, "{insert}");

    // a string for a date (cast in the SQL on PostgreSQL), then a date: two plans there
    let update = format!("UPDATE {table} SET day = {} WHERE id = {}", p(1), p(2));
    let start = conn.statements_prepared();
    for (i, day) in [
        Text("2024-01-02".into()),
        Date(19_725),
        Text("2024-01-04".into()),
        Date(19_727),
    ]
    .into_iter()
    .enumerate()
    {
        conn.query_bound(&update, &[day, Int(i as i64)], &[false, false])
            .await
            .unwrap();
    }
    let plans = conn.statements_prepared() - start;
    assert_eq!(plans, if pg { 3 } else { 1 }, "{update}");
    let days = format!("SELECT COUNT(DISTINCT day) FROM {table} WHERE day IS NOT NULL");
    let r = conn.query_bound(&days, &[], &[]).await.unwrap();
    assert_eq!(r.rows, vec![vec![Int(4)]]);

    // a schema change between two runs of one statement, inside the transaction: by
    // the runtime's path, then by the adapter's own
    let select = format!("SELECT * FROM {table} WHERE id = {}", p(1));
    let r = conn
        .query_bound(&select, &[Int(1)], &[false])
        .await
        .unwrap();
    assert_eq!((r.columns.len(), r.rows[0].len()), (3, 3));
    conn.execute(&format!("ALTER TABLE {table} ADD COLUMN extra INTEGER"))
        .await
        .unwrap();
    let r = conn
        .query_bound(&select, &[Int(1)], &[false])
        .await
        .unwrap();
    assert_eq!((r.columns.len(), r.rows[0].len()), (4, 4));
    let alter = format!("ALTER TABLE {table} ADD COLUMN more VARCHAR(5)");
    conn.query_bound(&alter, &[], &[]).await.unwrap();
    let r = conn
        .query_bound(&select, &[Int(1)], &[false])
        .await
        .unwrap();
    assert_eq!((r.columns.len(), r.rows[0].len()), (5, 5));
    assert_eq!(r.columns[4].name, "more");

    // the next transaction prepares again; nothing stays prepared on the server
    conn.commit().await.unwrap();
    if pg {
        let left = conn
            .query("SELECT count(*) FROM pg_prepared_statements")
            .await
            .unwrap();
        assert_eq!(left, vec![vec![Value::Int(0)]]);
    }
    conn.begin().await.unwrap();
    let start = conn.statements_prepared();
    conn.query_bound(&insert, &[Int(100), Text("x".into())], &[false, false])
        .await
        .unwrap();
    assert_eq!(conn.statements_prepared() - start, 1);

    // a prepared statement that fails names itself, and the transaction rolls back
    let err = conn
        .query_bound(&insert, &[Int(100), Null], &[false, false])
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&insert), "{err}");
    conn.rollback().await.unwrap();
    let count = format!("SELECT COUNT(*) FROM {table} WHERE id = 100");
    let r = conn.query_bound(&count, &[], &[]).await.unwrap();
    assert_eq!(r.rows, vec![vec![Int(0)]]);

    // outside a transaction (each statement its own), nothing stays prepared on
    // PostgreSQL: behind a pooler the next statement may run on another session
    conn.query_bound(&insert, &[Int(200), Null], &[false, false])
        .await
        .unwrap();
    if pg {
        let left = conn
            .query("SELECT count(*) FROM pg_prepared_statements")
            .await
            .unwrap();
        assert_eq!(left, vec![vec![Value::Int(0)]]);
    }
    conn.execute(&format!("DROP TABLE {table}")).await.unwrap();
}

#[tokio::test]
async fn postgresql() {
    let Some(mut conn) = try_connect(&pg_url()).await else {
        return;
    };
    assert_eq!(conn.backend(), Dialect::Postgresql);
    bound_statements_prepared_once(&mut conn).await;
    ddl_rolls_back(&mut conn).await;
    conn.begin().await.unwrap();
    batch_names_failing_statement(&mut conn).await;
    batch_runs_everything(&mut conn).await;
    let row = conn
        .query("SELECT true, 2::int2, 3::int8, 1.5::float8, 'x'::name, '\\x0102'::bytea, 1.25::numeric, DATE '2024-01-02'")
        .await
        .unwrap();
    assert_eq!(
        row[0],
        vec![
            Value::Bool(true),
            Value::Int(2),
            Value::Int(3),
            Value::Float(1.5),
            Value::Text("x".into()),
            Value::Bytes(vec![1, 2]),
            Value::Text("1.25".into()),
            Value::Text("2024-01-02".into()),
        ]
    );
    assert_eq!(
        conn.current_schema().await.unwrap().as_deref(),
        Some("public")
    );
    assert!(
        conn.has_table("pg_class", Some("pg_catalog"))
            .await
            .unwrap()
    );
    assert!(!conn.has_table("pg_class", None).await.unwrap());
    let err = conn.execute("SELEC 1").await.unwrap_err();
    assert!(matches!(err, DbError::Statement { .. }));
    assert!(err.to_string().contains("[SQL: SELEC 1]"), "{err}");
    conn.close().await.unwrap();
    assert!(matches!(
        conn.execute("SELECT 1").await,
        Err(DbError::Closed)
    ));
}

#[tokio::test]
async fn postgresql_bad_password_is_not_shown() {
    let url = "postgresql://nosuchuser:s3cr3tpw@127.0.0.1:1/test";
    let err = Connection::connect(url).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, DbError::Connect { .. }));
    assert!(!text.contains("s3cr3tpw"), "{text}");
    assert!(
        text.contains("postgresql://nosuchuser:***@127.0.0.1:1/test"),
        "{text}"
    );
}

#[tokio::test]
async fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("x.db").display());
    let mut conn = Connection::connect(&url).await.unwrap();
    assert_eq!(conn.backend(), Dialect::Sqlite);
    bound_statements_prepared_once(&mut conn).await;
    ddl_rolls_back(&mut conn).await;
    conn.begin().await.unwrap();
    batch_names_failing_statement(&mut conn).await;
    batch_runs_everything(&mut conn).await;
    let row = conn
        .query("SELECT 1.5, x'0102', 'text', NULL")
        .await
        .unwrap();
    assert_eq!(
        row[0],
        vec![
            Value::Float(1.5),
            Value::Bytes(vec![1, 2]),
            Value::Text("text".into()),
            Value::Null
        ]
    );
    assert!(
        conn.database_name()
            .await
            .unwrap()
            .unwrap()
            .ends_with("x.db")
    );
    conn.close().await.unwrap();
}

#[tokio::test]
async fn sqlite_memory_is_not_native() {
    for url in ["sqlite://", "sqlite:///:memory:", "oracle://u:secret@h/db"] {
        let err = Connection::connect(url).await.unwrap_err();
        assert!(matches!(err, DbError::NotNative { .. }), "{url}: {err}");
        assert!(!err.to_string().contains("secret"));
    }
}

#[tokio::test]
async fn mysql() {
    let Some(mut conn) = try_connect(&mysql_url()).await else {
        return;
    };
    assert!(conn.backend().is_mysql_family());
    bound_statements_prepared_once(&mut conn).await;
    batch_names_failing_statement(&mut conn).await;
    batch_runs_everything(&mut conn).await;
    let table = unique("rs_has");
    assert!(!conn.has_table(&table, None).await.unwrap());
    conn.execute(&format!(
        "CREATE TABLE {table} (b TINYINT(1), v VARBINARY(4), d DECIMAL(5,2), f DOUBLE)"
    ))
    .await
    .unwrap();
    assert!(conn.has_table(&table, None).await.unwrap());
    assert!(conn.has_table(&table, Some("test")).await.unwrap());
    conn.execute(&format!(
        "INSERT INTO {table} VALUES (1, x'0102', 1.25, 2.5)"
    ))
    .await
    .unwrap();
    let rows = conn.query(&format!("SELECT * FROM {table}")).await.unwrap();
    assert_eq!(
        rows[0],
        vec![
            Value::Bool(true),
            Value::Bytes(vec![1, 2]),
            Value::Text("1.25".into()),
            Value::Float(2.5)
        ]
    );
    conn.execute(&format!("DROP TABLE {table}")).await.unwrap();
    assert_eq!(
        conn.current_schema().await.unwrap().as_deref(),
        Some("test")
    );
    conn.close().await.unwrap();
}
