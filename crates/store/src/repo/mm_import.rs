//! External keys of imported matchmaking records (编号 in the import files).

use crate::{Db, Result, with_conn};
use kechuang_core::ids::OrgId;

impl Db {
    /// Every external key of one kind (`need`, `achievement`, `expert`):
    /// `(organisation, key, record id)`.
    pub async fn mm_import_keys(&mut self, kind: &str) -> Result<Vec<(OrgId, String, String)>> {
        let rows: Vec<(String, String, String)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, external_key, record_id FROM mm_import_key WHERE kind = $1",
            )
            .bind(kind)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows.into_iter().map(|(o, k, r)| (OrgId(o), k, r)).collect())
    }

    /// Records the external key of a record an import created.
    pub async fn insert_mm_import_key(
        &mut self,
        kind: &str,
        org: &OrgId,
        key: &str,
        record_id: &str,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO mm_import_key (kind, organisation_id, external_key, record_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(kind)
            .bind(org.as_str())
            .bind(key)
            .bind(record_id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
