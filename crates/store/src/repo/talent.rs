//! 人才引育: talent demands posted by enterprises, talent records kept by the bureau.

use crate::{Db, Result, with_conn};
use sqlx::AssertSqlSafe;

/// A talent demand with its enterprise's name and town.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct TalentDemandRow {
    /// Id.
    pub demand_id: String,
    /// The enterprise.
    pub organisation_id: String,
    /// Its name.
    pub org_name: String,
    /// Its town.
    pub town: Option<String>,
    /// Post.
    pub title: String,
    /// Field.
    pub field: String,
    /// Education required.
    pub education: String,
    /// People wanted.
    pub positions: i32,
    /// Duties and requirements.
    pub description: String,
    /// `open` or `closed`.
    pub status: String,
    /// ISO date.
    pub posted_on: String,
}

/// A talent record with the enterprise's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct TalentRow {
    /// Id.
    pub talent_id: String,
    /// Name.
    pub name: String,
    /// The enterprise the person works for.
    pub organisation_id: Option<String>,
    /// Its name.
    pub org_name: Option<String>,
    /// Its town.
    pub town: Option<String>,
    /// Category.
    pub category: String,
    /// Field.
    pub field: String,
    /// Degree.
    pub education: String,
    /// ISO date brought in.
    pub introduced_on: String,
    /// Notes.
    pub note: String,
}

/// Filters of the talent lists (all optional).
#[derive(Debug, Clone, Default)]
pub struct TalentFilter {
    /// Words in the title/name, field or description/note.
    pub q: Option<String>,
    /// Field (exact).
    pub field: Option<String>,
    /// Education (exact).
    pub education: Option<String>,
    /// Category (records) or status (demands), exact.
    pub category: Option<String>,
    /// Only this organisation.
    pub org_id: Option<String>,
    /// Only these towns (empty: all).
    pub towns: Vec<String>,
    /// Page size.
    pub limit: i64,
}

/// A new demand.
#[derive(Debug, Clone)]
pub struct NewTalentDemand<'a> {
    /// Id.
    pub id: &'a str,
    /// Enterprise.
    pub org_id: &'a str,
    /// Checked content.
    pub demand: &'a kechuang_core::talent::Demand,
    /// ISO date.
    pub posted_on: &'a str,
    /// Actor tag.
    pub by: &'a str,
    /// Unix µs.
    pub now: i64,
}

/// A new talent record.
#[derive(Debug, Clone)]
pub struct NewTalent<'a> {
    /// Id.
    pub id: &'a str,
    /// Enterprise.
    pub org_id: Option<&'a str>,
    /// Checked content.
    pub talent: &'a kechuang_core::talent::Talent,
    /// ISO date.
    pub introduced_on: &'a str,
    /// Actor tag.
    pub by: &'a str,
    /// Unix µs.
    pub now: i64,
}

fn where_clause(
    f: &TalentFilter,
    text_cols: [&str; 3],
    cat_col: &str,
    org_col: &str,
) -> (String, Vec<String>) {
    let mut conds = Vec::new();
    let mut binds = Vec::new();
    if let Some(q) = &f.q {
        for w in q.split_whitespace().take(8) {
            binds.push(format!("%{w}%"));
            let n = binds.len();
            conds.push(format!(
                "({} LIKE ${n} OR {} LIKE ${n} OR {} LIKE ${n})",
                text_cols[0], text_cols[1], text_cols[2]
            ));
        }
    }
    for (col, v) in [
        ("t.field", &f.field),
        ("t.education", &f.education),
        (cat_col, &f.category),
        (org_col, &f.org_id),
    ] {
        if let Some(v) = v {
            binds.push(v.clone());
            conds.push(format!("{col} = ${}", binds.len()));
        }
    }
    if !f.towns.is_empty() {
        let first = binds.len() + 1;
        binds.extend(f.towns.iter().cloned());
        conds.push(format!(
            "o.town IN ({})",
            super::placeholders(first, f.towns.len())
        ));
    }
    let w = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    (w, binds)
}

impl Db {
    /// Stores a talent demand.
    pub async fn insert_talent_demand(&mut self, d: &NewTalentDemand<'_>) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO talent_demand (demand_id, organisation_id, title, field, education, positions, description, status, posted_on, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $9, $10)",
            )
            .bind(d.id).bind(d.org_id).bind(&d.demand.title).bind(&d.demand.field).bind(&d.demand.education)
            .bind(d.demand.positions as i32).bind(&d.demand.description).bind(d.posted_on).bind(d.now).bind(d.by)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Opens or closes a demand; `false` when it does not exist.
    pub async fn set_talent_demand_status(
        &mut self,
        id: &str,
        status: &str,
        now: i64,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE talent_demand SET status = $2, updated_at = $3 WHERE demand_id = $1")
                .bind(id).bind(status).bind(now).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Replaces a demand's content; `false` when it does not exist.
    pub async fn update_talent_demand(
        &mut self,
        id: &str,
        d: &kechuang_core::talent::Demand,
        now: i64,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE talent_demand SET title = $2, field = $3, education = $4, positions = $5, description = $6, updated_at = $7 \
                 WHERE demand_id = $1",
            )
            .bind(id).bind(&d.title).bind(&d.field).bind(&d.education).bind(d.positions as i32)
            .bind(&d.description).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Deletes a demand; `false` when it did not exist.
    pub async fn delete_talent_demand(&mut self, id: &str) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query("DELETE FROM talent_demand WHERE demand_id = $1")
                .bind(id).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// One demand.
    pub async fn talent_demand(&mut self, id: &str) -> Result<Option<TalentDemandRow>> {
        let f = TalentFilter {
            limit: 1,
            ..Default::default()
        };
        let mut rows = self.talent_demands_where(&f, Some(id)).await?;
        Ok(rows.pop())
    }

    /// Talent demands, newest first.
    pub async fn talent_demands(&mut self, f: &TalentFilter) -> Result<Vec<TalentDemandRow>> {
        self.talent_demands_where(f, None).await
    }

    async fn talent_demands_where(
        &mut self,
        f: &TalentFilter,
        id: Option<&str>,
    ) -> Result<Vec<TalentDemandRow>> {
        let (mut w, mut binds) = where_clause(
            f,
            ["t.title", "t.field", "t.description"],
            "t.status",
            "t.organisation_id",
        );
        if let Some(id) = id {
            binds.push(id.to_string());
            w = if w.is_empty() {
                format!(" WHERE t.demand_id = ${}", binds.len())
            } else {
                format!("{w} AND t.demand_id = ${}", binds.len())
            };
        }
        let sql = format!(
            "SELECT t.demand_id, t.organisation_id, o.name AS org_name, o.town, t.title, t.field, t.education, t.positions, \
             t.description, t.status, t.posted_on FROM talent_demand t JOIN organisation o ON o.organisation_id = t.organisation_id{w} \
             ORDER BY t.posted_on DESC, t.demand_id DESC LIMIT {}",
            f.limit.clamp(1, 500)
        );
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(&mut *c).await
        })?)
    }

    /// Stores a talent record.
    pub async fn insert_talent(&mut self, t: &NewTalent<'_>) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO talent_record (talent_id, name, organisation_id, category, field, education, introduced_on, note, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)",
            )
            .bind(t.id).bind(&t.talent.name).bind(t.org_id).bind(&t.talent.category).bind(&t.talent.field)
            .bind(&t.talent.education).bind(t.introduced_on).bind(&t.talent.note).bind(t.now).bind(t.by)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces a talent record's content and enterprise; `false` when it does
    /// not exist.
    pub async fn update_talent(
        &mut self,
        id: &str,
        org_id: Option<&str>,
        t: &kechuang_core::talent::Talent,
        introduced_on: &str,
        now: i64,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE talent_record SET name = $2, organisation_id = $3, category = $4, field = $5, education = $6, \
                 introduced_on = $7, note = $8, updated_at = $9 WHERE talent_id = $1",
            )
            .bind(id).bind(&t.name).bind(org_id).bind(&t.category).bind(&t.field).bind(&t.education)
            .bind(introduced_on).bind(&t.note).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Deletes a talent record; `false` when it did not exist.
    pub async fn delete_talent(&mut self, id: &str) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query("DELETE FROM talent_record WHERE talent_id = $1")
                .bind(id).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// One talent record.
    pub async fn talent(&mut self, id: &str) -> Result<Option<TalentRow>> {
        let f = TalentFilter {
            limit: 1,
            ..Default::default()
        };
        Ok(self.talents_where(&f, Some(id)).await?.pop())
    }

    /// Talent records, most recently brought in first.
    pub async fn talents(&mut self, f: &TalentFilter) -> Result<Vec<TalentRow>> {
        self.talents_where(f, None).await
    }

    async fn talents_where(
        &mut self,
        f: &TalentFilter,
        id: Option<&str>,
    ) -> Result<Vec<TalentRow>> {
        let (mut w, mut binds) = where_clause(
            f,
            ["t.name", "t.field", "t.note"],
            "t.category",
            "t.organisation_id",
        );
        if let Some(id) = id {
            binds.push(id.to_string());
            w = if w.is_empty() {
                format!(" WHERE t.talent_id = ${}", binds.len())
            } else {
                format!("{w} AND t.talent_id = ${}", binds.len())
            };
        }
        let sql = format!(
            "SELECT t.talent_id, t.name, t.organisation_id, o.name AS org_name, o.town, t.category, t.field, t.education, \
             t.introduced_on, t.note FROM talent_record t LEFT JOIN organisation o ON o.organisation_id = t.organisation_id{w} \
             ORDER BY t.introduced_on DESC, t.talent_id DESC LIMIT {}",
            f.limit.clamp(1, 500)
        );
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(&mut *c).await
        })?)
    }

    /// Talent records and open demands: `(records, open demands, positions wanted)`.
    pub async fn talent_counts(&mut self) -> Result<(i64, i64, i64)> {
        let a: (i64,) = with_conn!(self, c => {
            sqlx::query_as("SELECT COUNT(*) FROM talent_record").fetch_one(&mut *c).await
        })?;
        let b: (i64, Option<i64>) = with_conn!(self, c => {
            sqlx::query_as("SELECT COUNT(*), CAST(SUM(positions) AS BIGINT) FROM talent_demand WHERE status = 'open'").fetch_one(&mut *c).await
        })?;
        Ok((a.0, b.0, b.1.unwrap_or(0)))
    }
}
