//! Knowledge-value credit loans: settings, evaluations, consents, bank decisions,
//! loans, repayments and risk-compensation claims (migration 0009).
//!
//! A repayment adds to the loan's `repaid_fen` through a guarded `UPDATE … WHERE
//! repaid_fen + $1 <= amount_fen AND NOT compensated`, in the caller's
//! transaction, so two repayments can never repay more than the principal. The
//! consent in force per (enterprise, bank), the loan per decision, the repayment
//! key and the open claim per loan are UNIQUE in the database.

use super::{parse_date, parse_opt_date};
use crate::{Db, Result, with_conn};
use chrono::NaiveDate;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use sqlx::AssertSqlSafe;

/// A stored credit evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditEvaluationRecord {
    /// Id.
    pub id: String,
    /// The enterprise.
    pub org_id: OrgId,
    /// Its name (filled on reads).
    pub org_name: String,
    /// Model pack id (`KVC-CQ-2023`).
    pub pack: String,
    /// Line table version (`2023`).
    pub line_table: String,
    /// Evaluation date.
    pub evaluated_on: NaiveDate,
    /// Last day it may be relied on.
    pub valid_until: NaiveDate,
    /// The inputs (JSON of `credit::Inputs`).
    pub inputs: String,
    /// The scored items (JSON).
    pub items: String,
    /// 0–100.
    pub score: i32,
    /// `A` … `E`, or none below E's cut-off.
    pub grade: Option<String>,
    /// The recommended line, fen.
    pub line_fen: i64,
    /// Unix µs.
    pub created_at: i64,
    /// Actor tag.
    pub created_by: String,
}

/// An enterprise's consent to one bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Id.
    pub id: String,
    /// The enterprise.
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// The bank.
    pub bank_id: OrgId,
    /// Its name.
    pub bank_name: String,
    /// What it covers (`evaluation`).
    pub scope: String,
    /// Granted on.
    pub granted_on: NaiveDate,
    /// Revoked on.
    pub revoked_on: Option<NaiveDate>,
}

/// A bank's decision on an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// Id.
    pub id: String,
    /// The evaluation.
    pub evaluation_id: String,
    /// The enterprise.
    pub org_id: OrgId,
    /// The bank.
    pub bank_id: OrgId,
    /// Approved or declined.
    pub approved: bool,
    /// Amount approved, fen (0 when declined).
    pub amount_fen: i64,
    /// Why (a decline, or an amount over the line).
    pub reason: Option<String>,
    /// Decided on.
    pub decided_on: NaiveDate,
    /// Unix µs.
    pub decided_at: i64,
    /// Actor tag.
    pub decided_by: String,
}

/// A loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanRecord {
    /// Id.
    pub id: String,
    /// The borrower.
    pub org_id: OrgId,
    /// Its name (filled on reads).
    pub org_name: String,
    /// The lender.
    pub bank_id: OrgId,
    /// Its name (filled on reads).
    pub bank_name: String,
    /// The evaluation it rests on.
    pub evaluation_id: String,
    /// The bank's decision.
    pub decision_id: Option<String>,
    /// Principal, fen.
    pub amount_fen: i64,
    /// Annual rate, basis points.
    pub rate_bp: i32,
    /// Drawn on.
    pub start_on: NaiveDate,
    /// Due on.
    pub end_on: NaiveDate,
    /// Purpose.
    pub purpose: Option<String>,
    /// Commercial loans the bank extended alongside, fen.
    pub leveraged_fen: i64,
    /// Service fee (担保/服务费) the enterprise paid, fen.
    pub service_fee_fen: i64,
    /// Why the amount exceeds the evaluation's line.
    pub over_line_reason: Option<String>,
    /// Principal repaid, fen.
    pub repaid_fen: i64,
    /// A compensation claim on it was paid.
    pub compensated: bool,
    /// Unix µs.
    pub created_at: i64,
    /// Actor tag.
    pub created_by: String,
}

/// A repayment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepaymentRecord {
    /// Id.
    pub id: String,
    /// The loan.
    pub loan_id: String,
    /// Idempotency key.
    pub key: String,
    /// Paid on.
    pub paid_on: NaiveDate,
    /// Principal, fen.
    pub principal_fen: i64,
    /// Interest, fen.
    pub interest_fen: i64,
    /// Unix µs.
    pub created_at: i64,
    /// Actor tag.
    pub created_by: String,
}

/// A risk-compensation claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    /// Id.
    pub id: String,
    /// The loan.
    pub loan_id: String,
    /// The claiming bank.
    pub bank_id: OrgId,
    /// The borrower.
    pub org_id: OrgId,
    /// Overdue principal claimed, fen.
    pub principal_fen: i64,
    /// Paid by the fund, fen.
    pub fund_fen: i64,
    /// Borne by the bank, fen.
    pub bank_fen: i64,
    /// The city's part of the fund's, fen.
    pub city_fen: i64,
    /// The district's part of the fund's, fen.
    pub district_fen: i64,
    /// Days overdue when claimed.
    pub days_overdue: i32,
    /// Claimed on.
    pub claimed_on: NaiveDate,
    /// `claimed`, `paid`, `rejected`.
    pub state: String,
    /// The ledger payment.
    pub ledger_tx_id: Option<String>,
    /// Unix µs.
    pub claimed_at: i64,
    /// Actor tag.
    pub claimed_by: String,
    /// Unix µs.
    pub decided_at: Option<i64>,
    /// Actor tag.
    pub decided_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EvalRow {
    evaluation_id: String,
    organisation_id: String,
    org_name: String,
    pack: String,
    line_table: String,
    evaluated_on: String,
    valid_until: String,
    inputs: String,
    items: String,
    score: i32,
    grade: Option<String>,
    line_fen: i64,
    created_at: i64,
    created_by: String,
}

impl TryFrom<EvalRow> for CreditEvaluationRecord {
    type Error = crate::StoreError;
    fn try_from(r: EvalRow) -> Result<Self> {
        Ok(CreditEvaluationRecord {
            id: r.evaluation_id,
            org_id: OrgId(r.organisation_id),
            org_name: r.org_name,
            pack: r.pack,
            line_table: r.line_table,
            evaluated_on: parse_date(&r.evaluated_on)?,
            valid_until: parse_date(&r.valid_until)?,
            inputs: r.inputs,
            items: r.items,
            score: r.score,
            grade: r.grade,
            line_fen: r.line_fen,
            created_at: r.created_at,
            created_by: r.created_by,
        })
    }
}

const EVAL_COLS: &str = "e.evaluation_id, e.organisation_id, o.name AS org_name, e.pack, e.line_table, e.evaluated_on, e.valid_until, e.inputs, e.items, e.score, e.grade, e.line_fen, e.created_at, e.created_by";

#[derive(sqlx::FromRow)]
struct ConsentRow {
    consent_id: String,
    organisation_id: String,
    org_name: String,
    bank_id: String,
    bank_name: String,
    scope: String,
    granted_on: String,
    revoked_on: Option<String>,
}

impl TryFrom<ConsentRow> for ConsentRecord {
    type Error = crate::StoreError;
    fn try_from(r: ConsentRow) -> Result<Self> {
        Ok(ConsentRecord {
            id: r.consent_id,
            org_id: OrgId(r.organisation_id),
            org_name: r.org_name,
            bank_id: OrgId(r.bank_id),
            bank_name: r.bank_name,
            scope: r.scope,
            granted_on: parse_date(&r.granted_on)?,
            revoked_on: parse_opt_date(r.revoked_on)?,
        })
    }
}

const CONSENT_SELECT: &str = "SELECT c.consent_id, c.organisation_id, o.name AS org_name, c.bank_id, b.name AS bank_name, c.scope, c.granted_on, c.revoked_on \
     FROM credit_consent c JOIN organisation o ON o.organisation_id = c.organisation_id JOIN organisation b ON b.organisation_id = c.bank_id";

#[derive(sqlx::FromRow)]
struct DecisionRow {
    decision_id: String,
    evaluation_id: String,
    organisation_id: String,
    bank_id: String,
    approved: bool,
    amount_fen: i64,
    reason: Option<String>,
    decided_on: String,
    decided_at: i64,
    decided_by: String,
}

impl TryFrom<DecisionRow> for DecisionRecord {
    type Error = crate::StoreError;
    fn try_from(r: DecisionRow) -> Result<Self> {
        Ok(DecisionRecord {
            id: r.decision_id,
            evaluation_id: r.evaluation_id,
            org_id: OrgId(r.organisation_id),
            bank_id: OrgId(r.bank_id),
            approved: r.approved,
            amount_fen: r.amount_fen,
            reason: r.reason,
            decided_on: parse_date(&r.decided_on)?,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
        })
    }
}

const DECISION_COLS: &str = "decision_id, evaluation_id, organisation_id, bank_id, approved, amount_fen, reason, decided_on, decided_at, decided_by";

#[derive(sqlx::FromRow)]
struct LoanRow {
    loan_id: String,
    organisation_id: String,
    org_name: String,
    bank_id: String,
    bank_name: String,
    evaluation_id: String,
    decision_id: Option<String>,
    amount_fen: i64,
    rate_bp: i32,
    start_on: String,
    end_on: String,
    purpose: Option<String>,
    leveraged_commercial_fen: i64,
    service_fee_fen: i64,
    over_line_reason: Option<String>,
    repaid_fen: i64,
    compensated: bool,
    created_at: i64,
    created_by: String,
}

impl TryFrom<LoanRow> for LoanRecord {
    type Error = crate::StoreError;
    fn try_from(r: LoanRow) -> Result<Self> {
        Ok(LoanRecord {
            id: r.loan_id,
            org_id: OrgId(r.organisation_id),
            org_name: r.org_name,
            bank_id: OrgId(r.bank_id),
            bank_name: r.bank_name,
            evaluation_id: r.evaluation_id,
            decision_id: r.decision_id,
            amount_fen: r.amount_fen,
            rate_bp: r.rate_bp,
            start_on: parse_date(&r.start_on)?,
            end_on: parse_date(&r.end_on)?,
            purpose: r.purpose,
            leveraged_fen: r.leveraged_commercial_fen,
            service_fee_fen: r.service_fee_fen,
            over_line_reason: r.over_line_reason,
            repaid_fen: r.repaid_fen,
            compensated: r.compensated,
            created_at: r.created_at,
            created_by: r.created_by,
        })
    }
}

const LOAN_SELECT: &str = "SELECT l.loan_id, l.organisation_id, o.name AS org_name, l.bank_id, b.name AS bank_name, l.evaluation_id, l.decision_id, \
     l.amount_fen, l.rate_bp, l.start_on, l.end_on, l.purpose, l.leveraged_commercial_fen, l.service_fee_fen, l.over_line_reason, l.repaid_fen, l.compensated, l.created_at, l.created_by \
     FROM loan l JOIN organisation o ON o.organisation_id = l.organisation_id JOIN organisation b ON b.organisation_id = l.bank_id";

#[derive(sqlx::FromRow)]
struct RepaymentRow {
    repayment_id: String,
    loan_id: String,
    idempotency_key: String,
    paid_on: String,
    principal_fen: i64,
    interest_fen: i64,
    created_at: i64,
    created_by: String,
}

impl TryFrom<RepaymentRow> for RepaymentRecord {
    type Error = crate::StoreError;
    fn try_from(r: RepaymentRow) -> Result<Self> {
        Ok(RepaymentRecord {
            id: r.repayment_id,
            loan_id: r.loan_id,
            key: r.idempotency_key,
            paid_on: parse_date(&r.paid_on)?,
            principal_fen: r.principal_fen,
            interest_fen: r.interest_fen,
            created_at: r.created_at,
            created_by: r.created_by,
        })
    }
}

const REPAYMENT_COLS: &str = "repayment_id, loan_id, idempotency_key, paid_on, principal_fen, interest_fen, created_at, created_by";

#[derive(sqlx::FromRow)]
struct ClaimRow {
    claim_id: String,
    loan_id: String,
    bank_id: String,
    organisation_id: String,
    principal_fen: i64,
    fund_fen: i64,
    bank_fen: i64,
    city_fen: i64,
    district_fen: i64,
    days_overdue: i32,
    claimed_on: String,
    state: String,
    ledger_tx_id: Option<String>,
    claimed_at: i64,
    claimed_by: String,
    decided_at: Option<i64>,
    decided_by: Option<String>,
}

impl TryFrom<ClaimRow> for ClaimRecord {
    type Error = crate::StoreError;
    fn try_from(r: ClaimRow) -> Result<Self> {
        Ok(ClaimRecord {
            id: r.claim_id,
            loan_id: r.loan_id,
            bank_id: OrgId(r.bank_id),
            org_id: OrgId(r.organisation_id),
            principal_fen: r.principal_fen,
            fund_fen: r.fund_fen,
            bank_fen: r.bank_fen,
            city_fen: r.city_fen,
            district_fen: r.district_fen,
            days_overdue: r.days_overdue,
            claimed_on: parse_date(&r.claimed_on)?,
            state: r.state,
            ledger_tx_id: r.ledger_tx_id,
            claimed_at: r.claimed_at,
            claimed_by: r.claimed_by,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
        })
    }
}

const CLAIM_COLS: &str = "claim_id, loan_id, bank_id, organisation_id, principal_fen, fund_fen, bank_fen, city_fen, district_fen, days_overdue, claimed_on, state, ledger_tx_id, claimed_at, claimed_by, decided_at, decided_by";

fn all<R, T>(rows: Vec<R>) -> Result<Vec<T>>
where
    T: TryFrom<R, Error = crate::StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// Who a list of loans or claims is for.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreditScope<'a> {
    /// Only this enterprise's.
    pub org: Option<&'a str>,
    /// Only this bank's.
    pub bank: Option<&'a str>,
}

impl CreditScope<'_> {
    /// `AND`-clauses on `prefix.organisation_id` / `prefix.bank_id` with
    /// placeholders from `$first`, and the values to bind in order.
    fn clause(&self, prefix: &str, first: usize) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        if let Some(o) = self.org {
            binds.push(o.to_string());
            sql.push_str(&format!(
                " AND {prefix}organisation_id = ${}",
                first + binds.len() - 1
            ));
        }
        if let Some(b) = self.bank {
            binds.push(b.to_string());
            sql.push_str(&format!(
                " AND {prefix}bank_id = ${}",
                first + binds.len() - 1
            ));
        }
        (sql, binds)
    }
}

impl Db {
    /// A credit setting's stored value.
    pub async fn credit_setting(&mut self, name: &str) -> Result<Option<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar("SELECT value FROM credit_setting WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *c)
                .await
        })?)
    }

    /// Stores a credit setting.
    pub async fn put_credit_setting(
        &mut self,
        name: &str,
        value: &str,
        at_us: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO credit_setting (name, value, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(name)
            .bind(value)
            .bind(at_us)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Stores an evaluation (`org_name` is not stored).
    pub async fn insert_credit_evaluation(&mut self, e: &CreditEvaluationRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO credit_evaluation (evaluation_id, organisation_id, pack, line_table, evaluated_on, valid_until, inputs, items, score, grade, line_fen, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(&e.id)
            .bind(e.org_id.as_str())
            .bind(&e.pack)
            .bind(&e.line_table)
            .bind(to_iso(e.evaluated_on))
            .bind(to_iso(e.valid_until))
            .bind(&e.inputs)
            .bind(&e.items)
            .bind(e.score)
            .bind(&e.grade)
            .bind(e.line_fen)
            .bind(e.created_at)
            .bind(&e.created_by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// One evaluation.
    pub async fn credit_evaluation(&mut self, id: &str) -> Result<Option<CreditEvaluationRecord>> {
        let sql = format!(
            "SELECT {EVAL_COLS} FROM credit_evaluation e JOIN organisation o ON o.organisation_id = e.organisation_id WHERE e.evaluation_id = $1"
        );
        let row: Option<EvalRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await
        })?;
        row.map(TryInto::try_into).transpose()
    }

    /// An enterprise's evaluations, newest first.
    pub async fn credit_evaluations_of(
        &mut self,
        org: &OrgId,
    ) -> Result<Vec<CreditEvaluationRecord>> {
        let sql = format!(
            "SELECT {EVAL_COLS} FROM credit_evaluation e JOIN organisation o ON o.organisation_id = e.organisation_id \
             WHERE e.organisation_id = $1 ORDER BY e.evaluated_on DESC, e.created_at DESC"
        );
        let rows: Vec<EvalRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(org.as_str()).fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// The latest evaluation of each enterprise, newest first; with `bank`, only
    /// enterprises whose consent to that bank holds on `on`.
    pub async fn latest_credit_evaluations(
        &mut self,
        bank: Option<(&str, NaiveDate)>,
        limit: i64,
    ) -> Result<Vec<CreditEvaluationRecord>> {
        let consent = if bank.is_some() {
            " AND EXISTS (SELECT 1 FROM credit_consent c WHERE c.organisation_id = e.organisation_id AND c.bank_id = $2 \
               AND c.revoked_at IS NULL AND c.granted_on <= $3)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {EVAL_COLS} FROM credit_evaluation e JOIN organisation o ON o.organisation_id = e.organisation_id \
             WHERE NOT EXISTS (SELECT 1 FROM credit_evaluation e2 WHERE e2.organisation_id = e.organisation_id \
               AND (e2.evaluated_on > e.evaluated_on OR (e2.evaluated_on = e.evaluated_on AND e2.evaluation_id > e.evaluation_id))){consent} \
             ORDER BY e.evaluated_on DESC, e.evaluation_id LIMIT $1"
        );
        let rows: Vec<EvalRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(limit);
            if let Some((b, on)) = bank {
                q = q.bind(b.to_string()).bind(to_iso(on));
            }
            q.fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// The consent in force of an enterprise to a bank (not revoked).
    pub async fn active_consent(&mut self, org: &str, bank: &str) -> Result<Option<ConsentRecord>> {
        let sql = format!(
            "{CONSENT_SELECT} WHERE c.organisation_id = $1 AND c.bank_id = $2 AND c.revoked_at IS NULL"
        );
        let row: Option<ConsentRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(org).bind(bank).fetch_optional(&mut *c).await
        })?;
        row.map(TryInto::try_into).transpose()
    }

    /// Consents (in force and revoked), newest first.
    pub async fn consents(&mut self, scope: CreditScope<'_>) -> Result<Vec<ConsentRecord>> {
        let (clause, binds) = scope.clause("c.", 1);
        let sql = format!(
            "{CONSENT_SELECT} WHERE 1 = 1{clause} ORDER BY c.granted_at DESC, c.consent_id"
        );
        let rows: Vec<ConsentRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for b in &binds { q = q.bind(b.clone()); }
            q.fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// Records a consent.
    pub async fn insert_consent(&mut self, r: &ConsentRecord, at_us: i64, by: &str) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO credit_consent (consent_id, organisation_id, bank_id, scope, granted_on, granted_at, revoked_on, revoked_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7)",
            )
            .bind(&r.id)
            .bind(r.org_id.as_str())
            .bind(r.bank_id.as_str())
            .bind(&r.scope)
            .bind(to_iso(r.granted_on))
            .bind(at_us)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Revokes a consent in force; false when there was none.
    pub async fn revoke_consent(&mut self, id: &str, on: NaiveDate, at_us: i64) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE credit_consent SET revoked_on = $1, revoked_at = $2 WHERE consent_id = $3 AND revoked_at IS NULL")
                .bind(to_iso(on))
                .bind(at_us)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Records a decision.
    pub async fn insert_credit_decision(&mut self, d: &DecisionRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO credit_decision (decision_id, evaluation_id, organisation_id, bank_id, approved, amount_fen, reason, decided_on, decided_at, decided_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&d.id)
            .bind(&d.evaluation_id)
            .bind(d.org_id.as_str())
            .bind(d.bank_id.as_str())
            .bind(d.approved)
            .bind(d.amount_fen)
            .bind(&d.reason)
            .bind(to_iso(d.decided_on))
            .bind(d.decided_at)
            .bind(&d.decided_by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// One decision.
    pub async fn credit_decision(&mut self, id: &str) -> Result<Option<DecisionRecord>> {
        let sql = format!("SELECT {DECISION_COLS} FROM credit_decision WHERE decision_id = $1");
        let row: Option<DecisionRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await
        })?;
        row.map(TryInto::try_into).transpose()
    }

    /// Decisions, newest first.
    pub async fn credit_decisions(
        &mut self,
        scope: CreditScope<'_>,
        limit: i64,
    ) -> Result<Vec<DecisionRecord>> {
        let (clause, binds) = scope.clause("", 2);
        let sql = format!(
            "SELECT {DECISION_COLS} FROM credit_decision WHERE 1 = 1{clause} ORDER BY decided_at DESC, decision_id LIMIT $1"
        );
        let rows: Vec<DecisionRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(limit);
            for b in &binds { q = q.bind(b.clone()); }
            q.fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// Records a loan (`org_name`, `bank_name` are not stored).
    pub async fn insert_loan(&mut self, l: &LoanRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO loan (loan_id, organisation_id, bank_id, evaluation_id, decision_id, amount_fen, rate_bp, start_on, end_on, purpose, \
                 leveraged_commercial_fen, service_fee_fen, over_line_reason, repaid_fen, compensated, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(&l.id)
            .bind(l.org_id.as_str())
            .bind(l.bank_id.as_str())
            .bind(&l.evaluation_id)
            .bind(&l.decision_id)
            .bind(l.amount_fen)
            .bind(l.rate_bp)
            .bind(to_iso(l.start_on))
            .bind(to_iso(l.end_on))
            .bind(&l.purpose)
            .bind(l.leveraged_fen)
            .bind(l.service_fee_fen)
            .bind(&l.over_line_reason)
            .bind(l.repaid_fen)
            .bind(l.compensated)
            .bind(l.created_at)
            .bind(&l.created_by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// One loan.
    pub async fn loan(&mut self, id: &str) -> Result<Option<LoanRecord>> {
        let sql = format!("{LOAN_SELECT} WHERE l.loan_id = $1");
        let row: Option<LoanRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await
        })?;
        row.map(TryInto::try_into).transpose()
    }

    /// Loans, newest first.
    pub async fn loans(&mut self, scope: CreditScope<'_>) -> Result<Vec<LoanRecord>> {
        let (clause, binds) = scope.clause("l.", 1);
        let sql = format!("{LOAN_SELECT} WHERE 1 = 1{clause} ORDER BY l.start_on DESC, l.loan_id");
        let rows: Vec<LoanRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for b in &binds { q = q.bind(b.clone()); }
            q.fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// Loans started on or before `to`: how many, their principal and the
    /// commercial loans leveraged alongside, fen (the report's `loans`).
    pub async fn loan_totals_until(&mut self, to: NaiveDate) -> Result<(i64, i64, i64)> {
        let row: (i64, Option<i64>, Option<i64>) = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT COUNT(*), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(leveraged_commercial_fen) AS BIGINT) FROM loan WHERE start_on <= $1",
            )
            .bind(to_iso(to))
            .fetch_one(&mut *c)
            .await
        })?;
        Ok((row.0, row.1.unwrap_or(0), row.2.unwrap_or(0)))
    }

    /// Interest an enterprise paid on its loans in a year (repayments dated in
    /// it) and the service fees of its loans drawn in it, fen — the bases of the
    /// LOAN-INTEREST and LOAN-SERVICE-FEE subsidy measures.
    pub async fn loan_costs(&mut self, org: &OrgId, year: i32) -> Result<(i64, i64)> {
        let rows = self.loan_costs_for(Some(org.as_str()), year).await?;
        Ok(rows.first().map_or((0, 0), |(_, i, f)| (*i, *f)))
    }

    /// [`Db::loan_costs`] for every enterprise with a cost in the year, by id.
    pub async fn loan_costs_all(&mut self, year: i32) -> Result<Vec<(OrgId, i64, i64)>> {
        self.loan_costs_for(None, year).await
    }

    async fn loan_costs_for(
        &mut self,
        org: Option<&str>,
        year: i32,
    ) -> Result<Vec<(OrgId, i64, i64)>> {
        let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
        let (f1, f2) = if org.is_some() {
            (" AND l.organisation_id = $3", " AND organisation_id = $3")
        } else {
            ("", "")
        };
        let sql = format!(
            "SELECT organisation_id, CAST(SUM(interest) AS BIGINT), CAST(SUM(fee) AS BIGINT) FROM ( \
               SELECT l.organisation_id, r.interest_fen AS interest, 0 AS fee FROM loan_repayment r JOIN loan l ON l.loan_id = r.loan_id \
                 WHERE r.paid_on >= $1 AND r.paid_on <= $2{f1} \
               UNION ALL \
               SELECT organisation_id, 0 AS interest, service_fee_fen AS fee FROM loan WHERE start_on >= $1 AND start_on <= $2{f2} \
             ) x GROUP BY organisation_id ORDER BY organisation_id"
        );
        let rows: Vec<(String, Option<i64>, Option<i64>)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(&from).bind(&to);
            if let Some(o) = org { q = q.bind(o.to_string()); }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, i, f)| (OrgId(id), i.unwrap_or(0), f.unwrap_or(0)))
            .collect())
    }

    /// A repayment by its key.
    pub async fn repayment_by_key(&mut self, key: &str) -> Result<Option<RepaymentRecord>> {
        let sql = format!("SELECT {REPAYMENT_COLS} FROM loan_repayment WHERE idempotency_key = $1");
        let row: Option<RepaymentRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(key).fetch_optional(&mut *c).await
        })?;
        row.map(TryInto::try_into).transpose()
    }

    /// A loan's repayments, oldest first.
    pub async fn repayments_of(&mut self, loan: &str) -> Result<Vec<RepaymentRecord>> {
        let sql = format!(
            "SELECT {REPAYMENT_COLS} FROM loan_repayment WHERE loan_id = $1 ORDER BY paid_on, created_at"
        );
        let rows: Vec<RepaymentRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(loan).fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// Records a repayment and adds its principal to the loan; false (nothing
    /// changed on the loan) when that would repay more than the principal or the
    /// loan was compensated — the caller then rolls back.
    pub async fn insert_repayment(&mut self, r: &RepaymentRecord) -> Result<bool> {
        if r.principal_fen > 0 {
            let n = with_conn!(self, c => {
                sqlx::query(
                    "UPDATE loan SET repaid_fen = repaid_fen + $1 WHERE loan_id = $2 AND repaid_fen + $1 <= amount_fen AND compensated = FALSE",
                )
                .bind(r.principal_fen)
                .bind(&r.loan_id)
                .execute(&mut *c)
                .await
                .map(|x| x.rows_affected())
            })?;
            if n != 1 {
                return Ok(false);
            }
        }
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO loan_repayment (repayment_id, loan_id, idempotency_key, paid_on, principal_fen, interest_fen, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&r.id)
            .bind(&r.loan_id)
            .bind(&r.key)
            .bind(to_iso(r.paid_on))
            .bind(r.principal_fen)
            .bind(r.interest_fen)
            .bind(r.created_at)
            .bind(&r.created_by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(true)
    }

    /// Records a claim.
    pub async fn insert_claim(&mut self, r: &ClaimRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO credit_claim (claim_id, loan_id, bank_id, organisation_id, principal_fen, fund_fen, bank_fen, city_fen, district_fen, \
                 days_overdue, claimed_on, state, ledger_tx_id, claimed_at, claimed_by, decided_at, decided_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(&r.id)
            .bind(&r.loan_id)
            .bind(r.bank_id.as_str())
            .bind(r.org_id.as_str())
            .bind(r.principal_fen)
            .bind(r.fund_fen)
            .bind(r.bank_fen)
            .bind(r.city_fen)
            .bind(r.district_fen)
            .bind(r.days_overdue)
            .bind(to_iso(r.claimed_on))
            .bind(&r.state)
            .bind(&r.ledger_tx_id)
            .bind(r.claimed_at)
            .bind(&r.claimed_by)
            .bind(r.decided_at)
            .bind(&r.decided_by)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// One claim.
    pub async fn credit_claim(&mut self, id: &str) -> Result<Option<ClaimRecord>> {
        let sql = format!("SELECT {CLAIM_COLS} FROM credit_claim WHERE claim_id = $1");
        let row: Option<ClaimRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await
        })?;
        row.map(TryInto::try_into).transpose()
    }

    /// Claims, newest first.
    pub async fn credit_claims(&mut self, scope: CreditScope<'_>) -> Result<Vec<ClaimRecord>> {
        let (clause, binds) = scope.clause("", 1);
        let sql = format!(
            "SELECT {CLAIM_COLS} FROM credit_claim WHERE 1 = 1{clause} ORDER BY claimed_at DESC, claim_id"
        );
        let rows: Vec<ClaimRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for b in &binds { q = q.bind(b.clone()); }
            q.fetch_all(&mut *c).await
        })?;
        all(rows)
    }

    /// Marks a claimed claim paid by a ledger transaction and its loan
    /// compensated; false when the claim was not in state `claimed`.
    pub async fn mark_claim_paid(
        &mut self,
        id: &str,
        loan: &str,
        tx_id: &str,
        at_us: i64,
        by: &str,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE credit_claim SET state = 'paid', ledger_tx_id = $1, decided_at = $2, decided_by = $3 WHERE claim_id = $4 AND state = 'claimed'",
            )
            .bind(tx_id)
            .bind(at_us)
            .bind(by)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if n != 1 {
            return Ok(false);
        }
        with_conn!(self, c => {
            sqlx::query("UPDATE loan SET compensated = TRUE WHERE loan_id = $1")
                .bind(loan)
                .execute(&mut *c)
                .await
                .map(|_| ())
        })?;
        Ok(true)
    }

    /// Rejects a claimed claim; false when it was not in state `claimed`.
    pub async fn reject_claim(&mut self, id: &str, at_us: i64, by: &str) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE credit_claim SET state = 'rejected', decided_at = $1, decided_by = $2 WHERE claim_id = $3 AND state = 'claimed'",
            )
            .bind(at_us)
            .bind(by)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }
}
