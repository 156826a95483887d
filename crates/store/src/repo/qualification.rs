//! Qualification records and their history.

use super::{parse_date, parse_opt_date, placeholders};
use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::date::to_iso;
use kechuang_core::ids::{OrgId, QualificationId};
use kechuang_core::qualification::{Qualification, QualificationKind};
use sqlx::AssertSqlSafe;

/// A stored qualification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualificationRecord {
    /// Id.
    pub id: QualificationId,
    /// Holder.
    pub org_id: OrgId,
    /// The record.
    pub q: Qualification,
}

#[derive(sqlx::FromRow)]
pub(crate) struct QRow {
    qualification_id: String,
    organisation_id: String,
    kind: String,
    number: Option<String>,
    recognized_on: String,
    valid_until: Option<String>,
}

impl TryFrom<QRow> for QualificationRecord {
    type Error = StoreError;
    fn try_from(r: QRow) -> Result<Self> {
        let kind = QualificationKind::from_code(&r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("qualification kind {:?}", r.kind)))?;
        Ok(Self {
            id: QualificationId(r.qualification_id),
            org_id: OrgId(r.organisation_id),
            q: Qualification {
                kind,
                number: r.number,
                recognized_on: parse_date(&r.recognized_on)?,
                valid_until: parse_opt_date(r.valid_until)?,
            },
        })
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    /// A new row.
    Inserted,
    /// An existing row got new values.
    Updated,
    /// The row already held these values.
    Unchanged,
}

impl Db {
    /// Records a qualification; the same (organisation, kind, 认定日期) updates the
    /// number and validity instead of adding a row.
    pub async fn upsert_qualification(
        &mut self,
        org: &OrgId,
        q: &Qualification,
        now: i64,
    ) -> Result<(QualificationId, Upserted)> {
        let existing: Option<QRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT qualification_id, organisation_id, kind, number, recognized_on, valid_until FROM qualification \
                 WHERE organisation_id = $1 AND kind = $2 AND recognized_on = $3",
            )
            .bind(org.as_str())
            .bind(q.kind.code())
            .bind(to_iso(q.recognized_on))
            .fetch_optional(&mut *c)
            .await
        })?;
        if let Some(row) = existing {
            let rec = QualificationRecord::try_from(row)?;
            if rec.q == *q {
                return Ok((rec.id, Upserted::Unchanged));
            }
            with_conn!(self, c => {
                sqlx::query("UPDATE qualification SET number = $2, valid_until = $3, updated_at = $4 WHERE qualification_id = $1")
                    .bind(rec.id.as_str())
                    .bind(&q.number)
                    .bind(q.valid_until.map(to_iso))
                    .bind(now)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
            return Ok((rec.id, Upserted::Updated));
        }
        let id = QualificationId(crate::new_id());
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO qualification (qualification_id, organisation_id, kind, number, recognized_on, valid_until, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(id.as_str())
            .bind(org.as_str())
            .bind(q.kind.code())
            .bind(&q.number)
            .bind(to_iso(q.recognized_on))
            .bind(q.valid_until.map(to_iso))
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok((id, Upserted::Inserted))
    }

    /// Removes one qualification record.
    pub async fn delete_qualification(&mut self, org: &OrgId, id: &QualificationId) -> Result<()> {
        let r = with_conn!(self, c => {
            sqlx::query("DELETE FROM qualification WHERE qualification_id = $1 AND organisation_id = $2")
                .bind(id.as_str())
                .bind(org.as_str())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// An organisation's qualifications, newest recognition first (its history).
    pub async fn qualifications_of(&mut self, org: &OrgId) -> Result<Vec<QualificationRecord>> {
        let rows: Vec<QRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT qualification_id, organisation_id, kind, number, recognized_on, valid_until FROM qualification \
                 WHERE organisation_id = $1 ORDER BY recognized_on DESC, kind",
            )
            .bind(org.as_str())
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(QualificationRecord::try_from)
            .collect()
    }

    /// Every qualification record (for exports and imports).
    pub async fn all_qualifications(&mut self) -> Result<Vec<QualificationRecord>> {
        let rows: Vec<QRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT qualification_id, organisation_id, kind, number, recognized_on, valid_until FROM qualification \
                 ORDER BY organisation_id, recognized_on",
            )
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(QualificationRecord::try_from)
            .collect()
    }

    /// `(organisation, kind)` pairs valid on `day` among `orgs`.
    pub async fn valid_qualification_kinds(
        &mut self,
        orgs: &[OrgId],
        day: NaiveDate,
    ) -> Result<Vec<(OrgId, QualificationKind)>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT organisation_id, kind FROM qualification WHERE recognized_on <= $1 \
             AND (valid_until IS NULL OR valid_until >= $1) AND organisation_id IN ({})",
            placeholders(2, orgs.len())
        );
        let rows: Vec<(String, String)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(to_iso(day));
            for o in orgs {
                q = q.bind(o.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(o, k)| QualificationKind::from_code(&k).map(|k| (OrgId(o), k)))
            .collect())
    }

    /// Enterprises holding any of `kinds`, valid on `day`, each counted once.
    pub async fn count_valid_holders(
        &mut self,
        kinds: &[QualificationKind],
        day: NaiveDate,
    ) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(DISTINCT organisation_id) FROM qualification WHERE recognized_on <= $1 \
             AND (valid_until IS NULL OR valid_until >= $1) AND kind IN ({})",
            placeholders(2, kinds.len())
        );
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(sql)).bind(to_iso(day));
            for k in kinds {
                q = q.bind(k.code());
            }
            q.fetch_one(&mut *c).await
        })?)
    }

    /// Enterprises whose first-ever recognition in any of `kinds` falls within
    /// `[from, to]` (a renewal is not new).
    pub async fn count_first_recognized(
        &mut self,
        kinds: &[QualificationKind],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT organisation_id, MIN(recognized_on) AS first_on FROM qualification \
             WHERE kind IN ({}) GROUP BY organisation_id) t WHERE t.first_on >= $1 AND t.first_on <= $2",
            placeholders(3, kinds.len())
        );
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(sql)).bind(to_iso(from)).bind(to_iso(to));
            for k in kinds {
                q = q.bind(k.code());
            }
            q.fetch_one(&mut *c).await
        })?)
    }
}
