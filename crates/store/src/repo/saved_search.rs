//! Saved searches: a user's query text and filters, re-run on new records.

use crate::{Db, Result, with_conn};

/// One saved search.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct SavedSearchRow {
    /// Id.
    pub saved_search_id: String,
    /// Owner.
    pub user_id: String,
    /// The owner's name for it.
    pub name: String,
    /// `need`, `achievement`, `policy` or `challenge`.
    pub kind: String,
    /// Query text (may be empty when filters are set).
    pub query_text: String,
    /// JSON list of `[dimension, value]` filters.
    pub filters: String,
    /// Unix µs.
    pub created_at: i64,
}

const COLUMNS: &str = "saved_search_id, user_id, name, kind, query_text, filters, created_at";

impl Db {
    /// Stores a saved search.
    pub async fn insert_saved_search(&mut self, s: &SavedSearchRow) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO saved_search (saved_search_id, user_id, name, kind, query_text, filters, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&s.saved_search_id).bind(&s.user_id).bind(&s.name).bind(&s.kind)
            .bind(&s.query_text).bind(&s.filters).bind(s.created_at)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A user's saved searches, newest first.
    pub async fn saved_searches_of(&mut self, user_id: &str) -> Result<Vec<SavedSearchRow>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM saved_search WHERE user_id = $1 ORDER BY created_at DESC, saved_search_id"
        );
        Ok(with_conn!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(user_id).fetch_all(&mut *c).await
        })?)
    }

    /// Every saved search on records of one kind (the alert matcher's input).
    pub async fn saved_searches_for_kind(&mut self, kind: &str) -> Result<Vec<SavedSearchRow>> {
        let sql =
            format!("SELECT {COLUMNS} FROM saved_search WHERE kind = $1 ORDER BY saved_search_id");
        Ok(with_conn!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(kind).fetch_all(&mut *c).await
        })?)
    }

    /// Deletes a user's saved search; `false` when it was not theirs or not there.
    pub async fn delete_saved_search(&mut self, user_id: &str, id: &str) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query("DELETE FROM saved_search WHERE saved_search_id = $1 AND user_id = $2")
                .bind(id).bind(user_id).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// The title, text and attributes of a challenge call as a search document's
    /// parts: `(title, group, terms)`.
    pub async fn challenge_call_text(
        &mut self,
        call_id: &str,
    ) -> Result<Option<(String, String, String)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as("SELECT title, group_name, doc FROM challenge_call WHERE call_id = $1")
                .bind(call_id).fetch_optional(&mut *c).await
        })?)
    }
}
