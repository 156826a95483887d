//! Subsidies: measures (the encoded rule with its budget), applications and
//! offers with their flow, attachments, and the bulk reads of the 免申即享 scan.
//!
//! A measure's `committed_fen` is raised by a guarded `UPDATE … WHERE
//! committed_fen + $1 <= annual_budget_fen`, as the ledger guards a balance: two
//! approvals never commit more than the budget between them. One live application
//! per (measure, enterprise, base period) is a partial unique index
//! (`subsidy_application_once_key`).

use super::placeholders;
use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::qualification::{Qualification, QualificationKind};
use kechuang_core::subsidy::{Assessment, BaseKind, Granted, Measure, Records};
use kechuang_core::subsidy_flow::{Objection, Stage};
use sqlx::AssertSqlSafe;
use std::collections::{BTreeMap, HashMap};

/// A stored measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRecord {
    /// Its year.
    pub year: i32,
    /// The rule.
    pub measure: Measure,
    /// Approved (or paid) so far this year, fen.
    pub committed_fen: i64,
    /// Edit counter (1 when created).
    pub version: i32,
    /// Unix µs.
    pub updated_at: i64,
}

impl MeasureRecord {
    /// The ledger budget line (`budget:<year>:<id>`).
    pub fn budget_line(&self) -> String {
        format!("budget:{}:{}", self.year, self.measure.id)
    }
}

/// One step of an application's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// The step (`submit`, `accept`, `pass_first_review`, …).
    pub step: String,
    /// The stage after it.
    pub stage: Stage,
    /// Who (actor tag).
    pub actor: String,
    /// The day.
    pub on: NaiveDate,
    /// Unix µs.
    pub at_us: i64,
    /// Comment or reason.
    pub comment: Option<String>,
}

/// A stored application or offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    /// Id.
    pub id: String,
    /// The measure's year.
    pub measure_year: i32,
    /// The measure's id.
    pub measure_code: String,
    /// The enterprise.
    pub org_id: OrgId,
    /// Its name (read joined; ignored on write).
    pub org_name: String,
    /// Base period (accounting year).
    pub period: i32,
    /// `application` or `offer`.
    pub source: String,
    /// Stage.
    pub stage: Stage,
    /// Declared bases, fen.
    pub declared: BTreeMap<BaseKind, i64>,
    /// The latest assessment.
    pub assessment: Assessment,
    /// Amount applied for (the assessment's at submission), fen.
    pub amount_applied_fen: i64,
    /// Amount fixed at approval, fen.
    pub amount_approved_fen: Option<i64>,
    /// Steps taken.
    pub history: Vec<HistoryEntry>,
    /// 公示 objections.
    pub objections: Vec<Objection>,
    /// Why it was refused.
    pub rejection: Option<String>,
    /// 公示 period.
    pub publicity: Option<(NaiveDate, NaiveDate)>,
    /// Day it became an application (an offer: the day accepted).
    pub submitted_on: Option<NaiveDate>,
    /// Day approved.
    pub approved_on: Option<NaiveDate>,
    /// Day paid.
    pub paid_on: Option<NaiveDate>,
    /// The payment.
    pub ledger_tx_id: Option<String>,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

/// An attachment's description (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AttachmentMeta {
    /// Id.
    pub id: String,
    /// The application.
    pub application_id: String,
    /// File name.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Bytes.
    pub size_bytes: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Uploaded by (actor tag).
    pub uploaded_by: String,
    /// Unix µs.
    pub created_at: i64,
}

/// Which applications to list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// One enterprise's.
    pub org_id: Option<OrgId>,
    /// In these stages (any when empty).
    pub stages: Vec<Stage>,
    /// Of one measure year.
    pub year: Option<i32>,
    /// Page size.
    pub limit: i64,
    /// Rows skipped.
    pub offset: i64,
}

const APP_COLS: &str = "a.application_id, a.measure_year, a.measure_code, a.organisation_id, o.name, a.period, a.source, a.stage, \
     a.declared, a.assessment, a.amount_applied_fen, a.amount_approved_fen, a.history, a.objections, a.rejection, \
     a.publicity_from, a.publicity_until, a.submitted_on, a.approved_on, a.paid_on, a.ledger_tx_id, a.created_at, a.updated_at";

#[derive(sqlx::FromRow)]
struct AppRow {
    application_id: String,
    measure_year: i32,
    measure_code: String,
    organisation_id: String,
    name: String,
    period: i32,
    source: String,
    stage: String,
    declared: String,
    assessment: String,
    amount_applied_fen: i64,
    amount_approved_fen: Option<i64>,
    history: String,
    objections: String,
    rejection: Option<String>,
    publicity_from: Option<String>,
    publicity_until: Option<String>,
    submitted_on: Option<String>,
    approved_on: Option<String>,
    paid_on: Option<String>,
    ledger_tx_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("subsidy {what}: {e}"))
}

impl TryFrom<AppRow> for ApplicationRecord {
    type Error = StoreError;
    fn try_from(r: AppRow) -> Result<Self> {
        let date = |s: Option<String>| super::parse_opt_date(s);
        let publicity = match (date(r.publicity_from)?, date(r.publicity_until)?) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        };
        Ok(ApplicationRecord {
            id: r.application_id,
            measure_year: r.measure_year,
            measure_code: r.measure_code,
            org_id: OrgId(r.organisation_id),
            org_name: r.name,
            period: r.period,
            source: r.source,
            stage: Stage::parse(&r.stage).ok_or_else(|| corrupt("stage", &r.stage))?,
            declared: serde_json::from_str(&r.declared).map_err(|e| corrupt("declared", e))?,
            assessment: serde_json::from_str(&r.assessment)
                .map_err(|e| corrupt("assessment", e))?,
            amount_applied_fen: r.amount_applied_fen,
            amount_approved_fen: r.amount_approved_fen,
            history: serde_json::from_str(&r.history).map_err(|e| corrupt("history", e))?,
            objections: serde_json::from_str(&r.objections)
                .map_err(|e| corrupt("objections", e))?,
            rejection: r.rejection,
            publicity,
            submitted_on: date(r.submitted_on)?,
            approved_on: date(r.approved_on)?,
            paid_on: date(r.paid_on)?,
            ledger_tx_id: r.ledger_tx_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn json(v: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(v).map_err(|e| corrupt("json", e))
}

type MeasureRow = (i32, String, i64, i32, i64);

type AttachmentRow = (String, String, String, String, i64, String, String, i64);

fn measure_of(r: MeasureRow) -> Result<MeasureRecord> {
    let (year, rule, committed_fen, version, updated_at) = r;
    Ok(MeasureRecord {
        year,
        measure: serde_json::from_str(&rule).map_err(|e| corrupt("rule", e))?,
        committed_fen,
        version,
        updated_at,
    })
}

impl Db {
    /// Inserts a measure (version 1). A second measure with the same year and
    /// id fails on `subsidy_measure_pkey`.
    pub async fn insert_measure(&mut self, year: i32, m: &Measure, at_us: i64) -> Result<()> {
        let rule = json(m)?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO subsidy_measure (year, code, name, budget_line, opens, closes, no_application, annual_budget_fen, committed_fen, rule, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, 1, $10, $10)",
            )
            .bind(year)
            .bind(&m.id)
            .bind(&m.name)
            .bind(format!("budget:{year}:{}", m.id))
            .bind(to_iso(m.opens))
            .bind(to_iso(m.closes))
            .bind(m.no_application)
            .bind(m.annual_budget_fen)
            .bind(&rule)
            .bind(at_us)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Replaces a measure's rule when its version is still `version`; returns
    /// whether it did (false: edited meanwhile, or a budget below what is
    /// committed).
    pub async fn update_measure(
        &mut self,
        year: i32,
        m: &Measure,
        version: i32,
        at_us: i64,
    ) -> Result<bool> {
        let rule = json(m)?;
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE subsidy_measure SET name = $1, opens = $2, closes = $3, no_application = $4, annual_budget_fen = $5, \
                 rule = $6, version = version + 1, updated_at = $7 \
                 WHERE year = $8 AND code = $9 AND version = $10 AND committed_fen <= $5",
            )
            .bind(&m.name)
            .bind(to_iso(m.opens))
            .bind(to_iso(m.closes))
            .bind(m.no_application)
            .bind(m.annual_budget_fen)
            .bind(&rule)
            .bind(at_us)
            .bind(year)
            .bind(&m.id)
            .bind(version)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Measures, by year then id; `year` narrows.
    pub async fn measures(&mut self, year: Option<i32>) -> Result<Vec<MeasureRecord>> {
        let rows: Vec<MeasureRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT year, rule, committed_fen, version, updated_at FROM subsidy_measure \
                 WHERE ($1 IS NULL OR year = $1) ORDER BY year, code",
            )
            .bind(year)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(measure_of).collect()
    }

    /// One measure.
    pub async fn measure(&mut self, year: i32, code: &str) -> Result<Option<MeasureRecord>> {
        let row: Option<MeasureRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT year, rule, committed_fen, version, updated_at FROM subsidy_measure WHERE year = $1 AND code = $2",
            )
            .bind(year)
            .bind(code)
            .fetch_optional(&mut *c)
            .await
        })?;
        row.map(measure_of).transpose()
    }

    /// Commits `amount_fen` of a measure's budget; `false` (nothing changed) when
    /// that would pass the annual budget.
    pub async fn commit_measure_budget(
        &mut self,
        year: i32,
        code: &str,
        amount_fen: i64,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE subsidy_measure SET committed_fen = committed_fen + $1 \
                 WHERE year = $2 AND code = $3 AND committed_fen + $1 <= annual_budget_fen",
            )
            .bind(amount_fen)
            .bind(year)
            .bind(code)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Inserts applications (or offers) with multi-row statements. A second live
    /// one for the same measure, enterprise and period fails on
    /// `subsidy_application_once_key`.
    pub async fn insert_applications(&mut self, apps: &[ApplicationRecord]) -> Result<()> {
        const COLS: usize = 22;
        for chunk in apps.chunks(500) {
            let values = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * COLS + 1, COLS)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO subsidy_application (application_id, measure_year, measure_code, organisation_id, period, source, stage, \
                 declared, assessment, amount_applied_fen, amount_approved_fen, history, objections, rejection, publicity_from, \
                 publicity_until, submitted_on, approved_on, paid_on, ledger_tx_id, created_at, updated_at) VALUES {values}"
            );
            let mut texts = Vec::with_capacity(chunk.len());
            for a in chunk {
                texts.push((
                    json(&a.declared)?,
                    json(&a.assessment)?,
                    json(&a.history)?,
                    json(&a.objections)?,
                ));
            }
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
                for (a, (declared, assessment, history, objections)) in chunk.iter().zip(&texts) {
                    q = q
                        .bind(&a.id)
                        .bind(a.measure_year)
                        .bind(&a.measure_code)
                        .bind(a.org_id.as_str())
                        .bind(a.period)
                        .bind(&a.source)
                        .bind(a.stage.as_str())
                        .bind(declared)
                        .bind(assessment)
                        .bind(a.amount_applied_fen)
                        .bind(a.amount_approved_fen)
                        .bind(history)
                        .bind(objections)
                        .bind(&a.rejection)
                        .bind(a.publicity.map(|p| to_iso(p.0)))
                        .bind(a.publicity.map(|p| to_iso(p.1)))
                        .bind(a.submitted_on.map(to_iso))
                        .bind(a.approved_on.map(to_iso))
                        .bind(a.paid_on.map(to_iso))
                        .bind(&a.ledger_tx_id)
                        .bind(a.created_at)
                        .bind(a.updated_at);
                }
                q.execute(&mut *c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Writes an application's flow (stage, assessment, amounts, history,
    /// objections, dates, payment) if its stage is still `expected`; returns
    /// whether it did (false: someone else moved it first).
    pub async fn update_application(
        &mut self,
        a: &ApplicationRecord,
        expected: Stage,
    ) -> Result<bool> {
        let (declared, assessment, history, objections) = (
            json(&a.declared)?,
            json(&a.assessment)?,
            json(&a.history)?,
            json(&a.objections)?,
        );
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE subsidy_application SET stage = $1, declared = $2, assessment = $3, amount_applied_fen = $4, \
                 amount_approved_fen = $5, history = $6, objections = $7, rejection = $8, publicity_from = $9, \
                 publicity_until = $10, submitted_on = $11, approved_on = $12, paid_on = $13, ledger_tx_id = $14, updated_at = $15 \
                 WHERE application_id = $16 AND stage = $17",
            )
            .bind(a.stage.as_str())
            .bind(&declared)
            .bind(&assessment)
            .bind(a.amount_applied_fen)
            .bind(a.amount_approved_fen)
            .bind(&history)
            .bind(&objections)
            .bind(&a.rejection)
            .bind(a.publicity.map(|p| to_iso(p.0)))
            .bind(a.publicity.map(|p| to_iso(p.1)))
            .bind(a.submitted_on.map(to_iso))
            .bind(a.approved_on.map(to_iso))
            .bind(a.paid_on.map(to_iso))
            .bind(&a.ledger_tx_id)
            .bind(a.updated_at)
            .bind(&a.id)
            .bind(expected.as_str())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// One application.
    pub async fn application(&mut self, id: &str) -> Result<Option<ApplicationRecord>> {
        let sql = format!(
            "SELECT {APP_COLS} FROM subsidy_application a JOIN organisation o ON o.organisation_id = a.organisation_id \
             WHERE a.application_id = $1"
        );
        let row: Option<AppRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await
        })?;
        row.map(ApplicationRecord::try_from).transpose()
    }

    /// Applications, newest first, with the total count.
    pub async fn applications(
        &mut self,
        f: &ApplicationFilter,
    ) -> Result<(i64, Vec<ApplicationRecord>)> {
        let stages: Vec<&str> = f.stages.iter().map(|s| s.as_str()).collect();
        let stage_clause = if stages.is_empty() {
            String::new()
        } else {
            format!(" AND a.stage IN ({})", placeholders(3, stages.len()))
        };
        let where_ = format!(
            "WHERE ($1 IS NULL OR a.organisation_id = $1) AND ($2 IS NULL OR a.measure_year = $2){stage_clause}"
        );
        let n = 3 + stages.len();
        let count_sql = format!("SELECT COUNT(*) FROM subsidy_application a {where_}");
        let list_sql = format!(
            "SELECT {APP_COLS} FROM subsidy_application a JOIN organisation o ON o.organisation_id = a.organisation_id \
             {where_} ORDER BY a.updated_at DESC, a.application_id LIMIT ${n} OFFSET ${}",
            n + 1
        );
        let org = f.org_id.as_ref().map(|o| o.as_str().to_string());
        let total: i64 = with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(count_sql)).bind(&org).bind(f.year);
            for s in &stages {
                q = q.bind(*s);
            }
            q.fetch_one(&mut *c).await
        })?;
        let rows: Vec<AppRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(list_sql)).bind(&org).bind(f.year);
            for s in &stages {
                q = q.bind(*s);
            }
            q.bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        let items = rows
            .into_iter()
            .map(ApplicationRecord::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok((total, items))
    }

    /// The records the eligibility rules read, for every enterprise (or one):
    /// registration in a town, every qualification, the R&D expense of the
    /// approved annual filings of `period` and the year before, and the subsidies
    /// granted (approved or paid) for `period` or in measure year `year`, and the
    /// interest and service fees of the loans the banks recorded for `period`. Five
    /// queries whatever the number of enterprises.
    pub async fn subsidy_records(
        &mut self,
        org: Option<&OrgId>,
        year: i32,
        period: i32,
    ) -> Result<Vec<(OrgId, Records)>> {
        let org = org.map(|o| o.as_str().to_string());
        let firms: Vec<(String, Option<String>)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, town FROM organisation WHERE kind = 'enterprise' AND ($1 IS NULL OR organisation_id = $1) \
                 ORDER BY organisation_id",
            )
            .bind(&org)
            .fetch_all(&mut *c)
            .await
        })?;
        let mut out: Vec<(OrgId, Records)> = firms
            .into_iter()
            .map(|(id, town)| {
                (
                    OrgId(id),
                    Records {
                        in_district: town.is_some_and(|t| !t.is_empty()),
                        ..Records::default()
                    },
                )
            })
            .collect();
        let index: HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.as_str().to_string(), i))
            .collect();
        let quals: Vec<(String, String, String, Option<String>)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, kind, recognized_on, valid_until FROM qualification WHERE ($1 IS NULL OR organisation_id = $1)",
            )
            .bind(&org)
            .fetch_all(&mut *c)
            .await
        })?;
        for (id, kind, on, until) in quals {
            let (Some(&i), Some(kind)) = (index.get(&id), QualificationKind::from_code(&kind))
            else {
                continue;
            };
            out[i].1.qualifications.push(Qualification {
                kind,
                number: None,
                recognized_on: super::parse_date(&on)?,
                valid_until: super::parse_opt_date(until)?,
            });
        }
        let rd: Vec<(String, i32, Option<i64>)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, period, rd_expense FROM filing_current WHERE period IN ($1, $2) \
                 AND ($3 IS NULL OR organisation_id = $3)",
            )
            .bind(period * 10)
            .bind((period - 1) * 10)
            .bind(&org)
            .fetch_all(&mut *c)
            .await
        })?;
        for (id, p, v) in rd {
            if let Some(&i) = index.get(&id) {
                if p == period * 10 {
                    out[i].1.rd_expense = v;
                } else {
                    out[i].1.rd_expense_prev = v;
                }
            }
        }
        let loan_org = org.clone().map(OrgId);
        let costs = match &loan_org {
            Some(o) => {
                let (i, f) = self.loan_costs(o, period).await?;
                vec![(o.clone(), i, f)]
            }
            None => self.loan_costs_all(period).await?,
        };
        for (id, interest, fee) in costs {
            if let Some(&i) = index.get(id.as_str()) {
                out[i].1.loan_interest = Some(interest).filter(|v| *v > 0);
                out[i].1.loan_service_fee = Some(fee).filter(|v| *v > 0);
            }
        }
        let granted: Vec<(String, String, i32, i32, Option<i64>)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, measure_code, measure_year, period, amount_approved_fen FROM subsidy_application \
                 WHERE stage IN ('approved', 'paid') AND (period = $1 OR measure_year = $2) AND ($3 IS NULL OR organisation_id = $3)",
            )
            .bind(period)
            .bind(year)
            .bind(&org)
            .fetch_all(&mut *c)
            .await
        })?;
        for (id, measure, year, period, amount) in granted {
            if let Some(&i) = index.get(&id) {
                out[i].1.granted.push(Granted {
                    measure,
                    year,
                    period,
                    amount_fen: amount.unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    /// Enterprises that already have an application or offer (in any stage,
    /// declined and refused included) for a measure and a period.
    pub async fn subsidy_existing(&mut self, code: &str, period: i32) -> Result<Vec<OrgId>> {
        let rows: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT DISTINCT organisation_id FROM subsidy_application WHERE measure_code = $1 AND period = $2",
            )
            .bind(code)
            .bind(period)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows.into_iter().map(OrgId).collect())
    }

    /// The subsidy payment made for `basis`, if any (its transaction id).
    pub async fn subsidy_payment_for(&mut self, basis: &str) -> Result<Option<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT tx_id FROM ledger_tx WHERE kind = 'subsidy_payment' AND once_basis = $1",
            )
            .bind(basis)
            .fetch_optional(&mut *c)
            .await
        })?)
    }

    /// Stores an attachment.
    pub async fn insert_attachment(&mut self, m: &AttachmentMeta, content: &[u8]) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO subsidy_attachment (attachment_id, application_id, file_name, media_type, size_bytes, sha256, content, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&m.id)
            .bind(&m.application_id)
            .bind(&m.file_name)
            .bind(&m.media_type)
            .bind(m.size_bytes)
            .bind(&m.sha256)
            .bind(content)
            .bind(&m.uploaded_by)
            .bind(m.created_at)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// An application's attachments (without bytes), oldest first.
    pub async fn attachments_of(&mut self, application_id: &str) -> Result<Vec<AttachmentMeta>> {
        let rows: Vec<AttachmentRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT attachment_id, application_id, file_name, media_type, size_bytes, sha256, uploaded_by, created_at \
                 FROM subsidy_attachment WHERE application_id = $1 ORDER BY created_at, attachment_id",
            )
            .bind(application_id)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    application_id,
                    file_name,
                    media_type,
                    size_bytes,
                    sha256,
                    uploaded_by,
                    created_at,
                )| {
                    AttachmentMeta {
                        id,
                        application_id,
                        file_name,
                        media_type,
                        size_bytes,
                        sha256,
                        uploaded_by,
                        created_at,
                    }
                },
            )
            .collect())
    }

    /// One attachment's bytes with its file name and media type.
    pub async fn attachment_content(
        &mut self,
        id: &str,
    ) -> Result<Option<(String, String, String, Vec<u8>)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT application_id, file_name, media_type, content FROM subsidy_attachment WHERE attachment_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?)
    }

    /// Applications submitted (offers: accepted) up to `to`, since the first.
    pub async fn count_subsidy_applications(&mut self, to: NaiveDate) -> Result<i64> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM subsidy_application WHERE submitted_on IS NOT NULL AND submitted_on <= $1",
            )
            .bind(to_iso(to))
            .fetch_one(&mut *c)
            .await
        })?)
    }

    /// Sum paid to applications up to `to` (paid through the ledger), fen.
    pub async fn subsidy_paid_fen(&mut self, to: NaiveDate) -> Result<i64> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(t.amount_fen), 0) AS BIGINT) FROM subsidy_application a \
                 JOIN ledger_tx t ON t.tx_id = a.ledger_tx_id WHERE a.paid_on <= $1",
            )
            .bind(to_iso(to))
            .fetch_one(&mut *c)
            .await
        })?)
    }
}
