//! Import batches: who imported which file and what it changed.

use crate::{Db, Result, with_conn};
use kechuang_core::ids::ImportBatchId;

/// A stored import batch.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct ImportBatchRow {
    /// Id.
    pub import_batch_id: String,
    /// File name as uploaded.
    pub file_name: String,
    /// SHA-256 of the file.
    pub file_sha256: String,
    /// Actor.
    pub imported_by: String,
    /// Unix µs.
    pub imported_at: i64,
    /// JSON summary of what changed.
    pub summary: String,
}

impl Db {
    /// Records an import batch.
    pub async fn insert_import_batch(
        &mut self,
        id: &ImportBatchId,
        file_name: &str,
        sha256: &str,
        by: &str,
        at: i64,
        summary: &serde_json::Value,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO import_batch (import_batch_id, file_name, file_sha256, imported_by, imported_at, summary) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.as_str())
            .bind(file_name)
            .bind(sha256)
            .bind(by)
            .bind(at)
            .bind(summary.to_string())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Recent import batches, newest first.
    pub async fn import_batches(&mut self, limit: i64) -> Result<Vec<ImportBatchRow>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT import_batch_id, file_name, file_sha256, imported_by, imported_at, summary FROM import_batch \
                 ORDER BY imported_at DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?)
    }
}
