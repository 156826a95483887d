//! Policy documents (政策库).
//!
//! One row per policy; the audiences and measure ids are JSON lists of codes.
//! [`Db::policies`] is the list with filters and the database fallback of the
//! full-text search (every whitespace-separated word of the query must appear,
//! with `LIKE`, in the title, document number, summary or full text).

use super::{parse_opt_date, placeholders};
use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::date::to_iso;
use kechuang_core::policy::{Audience, Level, Policy, Status};
use sqlx::AssertSqlSafe;

/// A stored policy with its status and stamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPolicy {
    /// Id.
    pub id: String,
    /// The document.
    pub policy: Policy,
    /// Where it is in its life.
    pub status: Status,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

/// Filters of a policy list (all optional; several hold together).
#[derive(Debug, Clone, Default)]
pub struct PolicyFilter {
    /// Words that must all appear (title, 文号, summary or full text).
    pub q: Option<String>,
    /// Level.
    pub level: Option<Level>,
    /// Category (exact).
    pub category: Option<String>,
    /// Serves this audience.
    pub audience: Option<Audience>,
    /// Only these statuses (empty: any).
    pub statuses: Vec<Status>,
    /// Published (else effective from) in this year.
    pub year: Option<i32>,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    policy_id: String,
    title: String,
    issuer: String,
    doc_no: Option<String>,
    level: String,
    category: String,
    published_on: Option<String>,
    effective_from: Option<String>,
    effective_to: Option<String>,
    status: String,
    summary: Option<String>,
    body: String,
    source_url: Option<String>,
    audiences: String,
    measures: String,
    created_at: i64,
    updated_at: i64,
}

const COLS: &str = "policy_id, title, issuer, doc_no, level, category, published_on, effective_from, effective_to, \
    status, summary, body, source_url, audiences, measures, created_at, updated_at";

impl TryFrom<PolicyRow> for StoredPolicy {
    type Error = StoreError;
    fn try_from(r: PolicyRow) -> Result<Self> {
        let bad = |w: &str| StoreError::Corrupt(format!("policy {}: {w}", r.policy_id));
        let codes: Vec<String> =
            serde_json::from_str(&r.audiences).map_err(|_| bad("audiences"))?;
        let audiences = codes
            .iter()
            .map(|c| Audience::parse(c).ok_or_else(|| bad("audience")))
            .collect::<Result<Vec<_>>>()?;
        let measures: Vec<String> =
            serde_json::from_str(&r.measures).map_err(|_| bad("measures"))?;
        Ok(StoredPolicy {
            policy: Policy {
                level: Level::parse(&r.level).ok_or_else(|| bad("level"))?,
                title: r.title,
                issuer: r.issuer,
                doc_no: r.doc_no,
                category: r.category,
                published_on: parse_opt_date(r.published_on)?,
                effective_from: parse_opt_date(r.effective_from)?,
                effective_to: parse_opt_date(r.effective_to)?,
                summary: r.summary,
                body: r.body,
                source_url: r.source_url,
                audiences,
                measures,
            },
            status: Status::parse(&r.status).ok_or_else(|| bad("status"))?,
            id: r.policy_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn audiences_json(p: &Policy) -> String {
    serde_json::to_string(&p.audiences.iter().map(|a| a.code()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

fn measures_json(p: &Policy) -> String {
    serde_json::to_string(&p.measures).unwrap_or_else(|_| "[]".into())
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The WHERE clause of a list and its text arguments.
fn list_where(f: &PolicyFilter) -> (String, Vec<String>) {
    let mut cond = vec!["1 = 1".to_string()];
    let mut args: Vec<String> = Vec::new();
    if let Some(q) = &f.q {
        for word in q.split_whitespace().take(8) {
            args.push(format!("%{}%", like_escape(word)));
            let n = args.len();
            cond.push(format!(
                "(title LIKE ${n} ESCAPE '\\' OR COALESCE(doc_no, '') LIKE ${n} ESCAPE '\\' \
                 OR COALESCE(summary, '') LIKE ${n} ESCAPE '\\' OR body LIKE ${n} ESCAPE '\\')"
            ));
        }
    }
    let mut push = |sql: &str, v: String| {
        args.push(v);
        cond.push(sql.replace('?', &format!("${}", args.len())));
    };
    if let Some(l) = f.level {
        push("level = ?", l.code().to_string());
    }
    if let Some(c) = &f.category {
        push("category = ?", c.clone());
    }
    if let Some(a) = f.audience {
        // Codes are plain ASCII words, so the quoted code matches one list item.
        push("audiences LIKE ?", format!("%\"{}\"%", a.code()));
    }
    if let Some(y) = f.year {
        push(
            "COALESCE(published_on, effective_from, '') LIKE ?",
            format!("{y:04}-%"),
        );
    }
    if !f.statuses.is_empty() {
        let first = args.len() + 1;
        for s in &f.statuses {
            args.push(s.code().to_string());
        }
        cond.push(format!(
            "status IN ({})",
            placeholders(first, f.statuses.len())
        ));
    }
    (cond.join(" AND "), args)
}

impl Db {
    /// Stores a new policy (its event is the caller's). A document number already
    /// used is [`StoreError::Conflict`] `policy_doc_no_key`.
    pub async fn insert_policy(
        &mut self,
        id: &str,
        p: &Policy,
        status: Status,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO policy (policy_id, title, issuer, doc_no, level, category, published_on, effective_from, \
                 effective_to, status, summary, body, source_url, audiences, measures, created_at, updated_at, created_by, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $17)",
            )
            .bind(id)
            .bind(&p.title)
            .bind(&p.issuer)
            .bind(&p.doc_no)
            .bind(p.level.code())
            .bind(&p.category)
            .bind(p.published_on.map(to_iso))
            .bind(p.effective_from.map(to_iso))
            .bind(p.effective_to.map(to_iso))
            .bind(status.code())
            .bind(&p.summary)
            .bind(&p.body)
            .bind(&p.source_url)
            .bind(audiences_json(p))
            .bind(measures_json(p))
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces a policy's content (not its status). `NotFound` when absent.
    pub async fn update_policy(&mut self, id: &str, p: &Policy, now: i64, by: &str) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE policy SET title = $2, issuer = $3, doc_no = $4, level = $5, category = $6, published_on = $7, \
                 effective_from = $8, effective_to = $9, summary = $10, body = $11, source_url = $12, audiences = $13, \
                 measures = $14, updated_at = $15, updated_by = $16 WHERE policy_id = $1",
            )
            .bind(id)
            .bind(&p.title)
            .bind(&p.issuer)
            .bind(&p.doc_no)
            .bind(p.level.code())
            .bind(&p.category)
            .bind(p.published_on.map(to_iso))
            .bind(p.effective_from.map(to_iso))
            .bind(p.effective_to.map(to_iso))
            .bind(&p.summary)
            .bind(&p.body)
            .bind(&p.source_url)
            .bind(audiences_json(p))
            .bind(measures_json(p))
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Moves a policy from status `from` to `to`; `NotFound` when it is absent or
    /// no longer in `from` (a concurrent change).
    pub async fn set_policy_status(
        &mut self,
        id: &str,
        from: Status,
        to: Status,
        now: i64,
        by: &str,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE policy SET status = $3, updated_at = $4, updated_by = $5 WHERE policy_id = $1 AND status = $2",
            )
            .bind(id)
            .bind(from.code())
            .bind(to.code())
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// One policy.
    pub async fn policy(&mut self, id: &str) -> Result<Option<StoredPolicy>> {
        let row: Option<PolicyRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM policy WHERE policy_id = $1")))
                .bind(id)
                .fetch_optional(&mut *c)
                .await
        })?;
        row.map(StoredPolicy::try_from).transpose()
    }

    /// Policies with these ids, in no particular order; unknown ids are left out.
    pub async fn policies_by_ids(&mut self, ids: &[String]) -> Result<Vec<StoredPolicy>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {COLS} FROM policy WHERE policy_id IN ({})",
            placeholders(1, ids.len())
        );
        let rows: Vec<PolicyRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
            for id in ids {
                q = q.bind(id.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(StoredPolicy::try_from).collect()
    }

    /// A page of policies matching `f` (newest publication first) and the total.
    pub async fn policies(&mut self, f: &PolicyFilter) -> Result<(i64, Vec<StoredPolicy>)> {
        let (w, args) = list_where(f);
        let n = args.len();
        let total: i64 = with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM policy WHERE {w}")));
            for a in &args {
                q = q.bind(a.as_str());
            }
            q.fetch_one(&mut *c).await
        })?;
        let rows: Vec<PolicyRow> = with_conn!(self, c => {
            let sql = format!(
                "SELECT {COLS} FROM policy WHERE {w} \
                 ORDER BY COALESCE(published_on, effective_from, '') DESC, policy_id LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            );
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for a in &args {
                q = q.bind(a.as_str());
            }
            q.bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        Ok((
            total,
            rows.into_iter()
                .map(StoredPolicy::try_from)
                .collect::<Result<_>>()?,
        ))
    }

    /// Policies with an id after `after`, by id (keyset pages for a reindex).
    pub async fn policies_after(&mut self, after: &str, limit: i64) -> Result<Vec<StoredPolicy>> {
        let rows: Vec<PolicyRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COLS} FROM policy WHERE policy_id > $1 ORDER BY policy_id LIMIT $2"
            )))
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(StoredPolicy::try_from).collect()
    }
}
