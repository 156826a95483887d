//! Both backends end up with the same schema after migration.

use kechuang_store::with_conn;
use kechuang_testkit::TestDb;
use std::collections::BTreeSet;

type Column = (String, String, String, bool);

fn norm_type(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "bigint" | "int8" => "bigint",
        "integer" | "int4" | "int" => "integer",
        "text" => "text",
        "boolean" | "bool" => "boolean",
        "blob" | "bytea" => "bytes",
        other => return other.to_string(),
    }
    .to_string()
}

async fn sqlite_columns(db: &TestDb) -> BTreeSet<Column> {
    let mut c = db.store.read().await.unwrap();
    let tables: Vec<String> = with_conn!(c, x => sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'"
    ).fetch_all(&mut *x).await).unwrap();
    let mut out = BTreeSet::new();
    for t in tables {
        let sql = format!("SELECT name, type, \"notnull\" FROM pragma_table_info('{t}')");
        let cols: Vec<(String, String, i64)> =
            with_conn!(c, x => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *x).await).unwrap();
        for (name, ty, notnull) in cols {
            out.insert((t.clone(), name, norm_type(&ty), notnull != 0));
        }
    }
    out
}

async fn pg_columns(db: &TestDb) -> BTreeSet<Column> {
    let mut c = db.store.read().await.unwrap();
    let cols: Vec<(String, String, String, String)> = with_conn!(c, x => sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'"
    ).fetch_all(&mut *x).await).unwrap();
    cols.into_iter()
        .map(|(t, n, ty, nullable)| (t, n, norm_type(&ty), nullable == "NO"))
        .collect()
}

async fn pg_constraints(db: &TestDb) -> BTreeSet<String> {
    let mut c = db.store.read().await.unwrap();
    let names: Vec<String> = with_conn!(c, x => sqlx::query_scalar(
        "SELECT conname::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
         WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f') AND c.conname NOT LIKE '\\_sqlx%'"
    ).fetch_all(&mut *x).await).unwrap();
    names.into_iter().collect()
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let lite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let mut a = sqlite_columns(&lite).await;
    // SQLite has no sequences: migration 0020's counter row stands in for the
    // PostgreSQL `SEQUENCE line_row_seq` (not a table, so not in the listing).
    a.retain(|(table, ..)| table != "line_row_seq");
    let b = pg_columns(&pg).await;
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "sqlite only: {only_sqlite:?}\npostgres only: {only_pg:?}"
    );
    // Every named constraint in the migrations exists on PostgreSQL.
    let sql = kechuang_store::MIGRATIONS
        .iter()
        .map(|m| m.2)
        .collect::<String>();
    let mut declared: BTreeSet<String> = sql
        .split("CONSTRAINT ")
        .skip(1)
        .filter_map(|s| s.split_whitespace().next().map(str::to_string))
        .collect();
    declared.remove("line_row_seq_pkey");
    assert_eq!(declared, pg_constraints(&pg).await);
}

#[tokio::test]
async fn filing_columns_follow_the_indicator_table() {
    let lite = TestDb::sqlite().await;
    let cols = sqlite_columns(&lite).await;
    for ind in kechuang_core::indicator::ALL {
        for (table, col) in [
            ("filing", ind.code.to_string()),
            ("filing_rollup", format!("s_{}", ind.code)),
            ("filing_rollup", format!("n_{}", ind.code)),
        ] {
            assert!(
                cols.iter().any(|c| c.0 == table && c.1 == col),
                "{table}.{col} missing"
            );
        }
    }
    let filing_values = cols
        .iter()
        .filter(|c| c.0 == "filing" && c.2 == "bigint")
        .count();
    // 29 indicator columns plus created_at, updated_at, submitted_at, reviewed_at.
    assert_eq!(filing_values, kechuang_core::indicator::COUNT + 4);
}

#[tokio::test]
async fn every_migration_file_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let versions: BTreeSet<i64> = files
        .iter()
        .map(|f| f[..4].parse::<i64>().unwrap())
        .collect();
    let listed: BTreeSet<i64> = kechuang_store::MIGRATIONS.iter().map(|m| m.0).collect();
    assert_eq!(versions, listed);
}
