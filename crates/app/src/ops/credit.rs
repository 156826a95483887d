//! Knowledge-value credit loans (知识价值信用贷款): evaluations computed from the
//! registry and stored with their inputs, an enterprise's consent per bank, bank
//! decisions, loans and repayments, risk-compensation claims paid through the
//! ledger, and the circuit breaker on the district's bad-loan ratio.
//!
//! Who sees what: the bureau everything; an enterprise its own evaluations,
//! consents, loans and claims; a bank the evaluations of enterprises whose consent
//! to it holds today (anything else is 404, as a revoked consent is from the day
//! it is revoked), and its own decisions, loans and claims. Every write is one
//! transaction with its event; a compensation is a ledger payment
//! (`compensation`, from `fund:risk-comp`, basis `credit-claim:<id>`), made once
//! per claim.

use crate::ops::ledger::{self, Amount, PayInput};
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::FieldError;
use kechuang_core::credit::{self, Breaker, Inputs, Model, Settings};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::InstitutionLevel;
use kechuang_core::loan::{Loan, LoanStatus, LoanTerms};
use kechuang_core::money::Money;
use kechuang_core::org::OrgKind;
use kechuang_core::role::Role;
use kechuang_store::{
    ClaimRecord, ConsentRecord, CreditEvaluationRecord, CreditScope, Db, DecisionRecord,
    LadderInput, LoanRecord, NewEvent, RepaymentRecord,
};
use rust_decimal::Decimal;
use serde_json::json;

/// The name of the settings row.
const SETTINGS: &str = "credit";
/// The fund compensations are paid from.
pub const FUND: &str = "fund:risk-comp";
/// What a consent covers.
pub const SCOPE: &str = "evaluation";
/// Longest reason, purpose or memo.
const MAX_TEXT: usize = 500;

/// One scored item as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemView {
    /// Stable code.
    pub code: String,
    /// zh-CN label.
    pub label: String,
    /// Base or bonus indicator.
    pub bonus: bool,
    /// Points given.
    pub points: u32,
    /// Most points possible.
    pub max: u32,
    /// The value it was read from, zh-CN.
    pub value: String,
}

/// An evaluation as shown, with every item explained.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvaluationView {
    /// Id.
    pub id: String,
    /// Enterprise.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Model pack id.
    pub pack: String,
    /// Line table version.
    pub line_table: String,
    /// Evaluation date.
    pub evaluated_on: NaiveDate,
    /// Last valid day.
    pub valid_until: NaiveDate,
    /// 0–100.
    pub score: i32,
    /// Grade, if any.
    pub grade: Option<String>,
    /// The recommended line.
    pub line: Amount,
    /// What it read.
    pub inputs: Inputs,
    /// Every item.
    pub items: Vec<ItemView>,
    /// Actor tag.
    pub created_by: String,
}

impl EvaluationView {
    fn of(r: CreditEvaluationRecord) -> AppResult<EvaluationView> {
        let inputs: Inputs = serde_json::from_str(&r.inputs)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("evaluation {} inputs: {e}", r.id)))?;
        let items: Vec<ItemView> = serde_json::from_str(&r.items)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("evaluation {} items: {e}", r.id)))?;
        Ok(EvaluationView {
            id: r.id,
            org_id: r.org_id.to_string(),
            org_name: r.org_name,
            pack: r.pack,
            line_table: r.line_table,
            evaluated_on: r.evaluated_on,
            valid_until: r.valid_until,
            score: r.score,
            grade: r.grade,
            line: Amount::of(r.line_fen),
            inputs,
            items,
            created_by: r.created_by,
        })
    }
}

/// A consent as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConsentView {
    /// Id.
    pub id: String,
    /// Enterprise.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Bank.
    pub bank_id: String,
    /// Its name.
    pub bank_name: String,
    /// Scope.
    pub scope: String,
    /// Granted on.
    pub granted_on: NaiveDate,
    /// Revoked on.
    pub revoked_on: Option<NaiveDate>,
    /// In force today.
    pub active: bool,
}

impl ConsentView {
    fn of(r: ConsentRecord, today: NaiveDate) -> ConsentView {
        let active = kechuang_core::loan::Consent {
            granted: r.granted_on,
            revoked: r.revoked_on,
        }
        .holds_on(today);
        ConsentView {
            id: r.id,
            org_id: r.org_id.to_string(),
            org_name: r.org_name,
            bank_id: r.bank_id.to_string(),
            bank_name: r.bank_name,
            scope: r.scope,
            granted_on: r.granted_on,
            revoked_on: r.revoked_on,
            active,
        }
    }
}

/// A bank decision as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DecisionView {
    /// Id.
    pub id: String,
    /// Evaluation.
    pub evaluation_id: String,
    /// Enterprise.
    pub org_id: String,
    /// Bank.
    pub bank_id: String,
    /// Approved.
    pub approved: bool,
    /// Amount approved.
    pub amount: Amount,
    /// Reason.
    pub reason: Option<String>,
    /// Decided on.
    pub decided_on: NaiveDate,
    /// Actor tag.
    pub decided_by: String,
}

impl From<DecisionRecord> for DecisionView {
    fn from(d: DecisionRecord) -> Self {
        DecisionView {
            id: d.id,
            evaluation_id: d.evaluation_id,
            org_id: d.org_id.to_string(),
            bank_id: d.bank_id.to_string(),
            approved: d.approved,
            amount: Amount::of(d.amount_fen),
            reason: d.reason,
            decided_on: d.decided_on,
            decided_by: d.decided_by,
        }
    }
}

/// A repayment as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RepaymentView {
    /// Id.
    pub id: String,
    /// Loan.
    pub loan_id: String,
    /// Idempotency key.
    pub key: String,
    /// Paid on.
    pub paid_on: NaiveDate,
    /// Principal.
    pub principal: Amount,
    /// Interest.
    pub interest: Amount,
    /// Whether this answer replays an earlier request with the same key.
    pub replayed: bool,
}

impl RepaymentView {
    fn of(r: RepaymentRecord, replayed: bool) -> RepaymentView {
        RepaymentView {
            id: r.id,
            loan_id: r.loan_id,
            key: r.key,
            paid_on: r.paid_on,
            principal: Amount::of(r.principal_fen),
            interest: Amount::of(r.interest_fen),
            replayed,
        }
    }
}

/// A loan as shown, with its state on a date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoanView {
    /// Id.
    pub id: String,
    /// Borrower.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Lender.
    pub bank_id: String,
    /// Its name.
    pub bank_name: String,
    /// Evaluation it rests on.
    pub evaluation_id: String,
    /// Decision.
    pub decision_id: Option<String>,
    /// Principal.
    pub amount: Amount,
    /// Annual rate, basis points.
    pub rate_bp: i32,
    /// Annual rate, percent text ("3.85").
    pub rate_pct: String,
    /// Drawn on.
    pub start_on: NaiveDate,
    /// Due on.
    pub end_on: NaiveDate,
    /// Purpose.
    pub purpose: Option<String>,
    /// Commercial loans leveraged.
    pub leveraged: Amount,
    /// Service fee.
    pub service_fee: Amount,
    /// Why over the line.
    pub over_line_reason: Option<String>,
    /// Principal repaid.
    pub repaid: Amount,
    /// Principal outstanding.
    pub outstanding: Amount,
    /// State on the date asked.
    pub status: LoanStatus,
    /// zh-CN.
    pub status_zh: &'static str,
    /// Days overdue on that date.
    pub days_overdue: i64,
    /// Repayments (one loan's read only).
    pub repayments: Vec<RepaymentView>,
}

fn core_loan(l: &LoanRecord) -> Loan {
    Loan {
        terms: LoanTerms {
            amount_fen: l.amount_fen,
            rate_bp: u32::try_from(l.rate_bp).unwrap_or(0),
            start: l.start_on,
            end: l.end_on,
            leveraged_fen: l.leveraged_fen,
        },
        repaid_fen: l.repaid_fen,
        compensated: l.compensated,
    }
}

fn rate_pct(bp: i32) -> String {
    Decimal::new(i64::from(bp), 2).normalize().to_string()
}

impl LoanView {
    fn of(l: LoanRecord, on: NaiveDate) -> LoanView {
        let c = core_loan(&l);
        let status = c.status(on);
        LoanView {
            outstanding: Amount::of(c.outstanding().fen()),
            status,
            status_zh: status.label(),
            days_overdue: c.days_overdue(on),
            id: l.id,
            org_id: l.org_id.to_string(),
            org_name: l.org_name,
            bank_id: l.bank_id.to_string(),
            bank_name: l.bank_name,
            evaluation_id: l.evaluation_id,
            decision_id: l.decision_id,
            amount: Amount::of(l.amount_fen),
            rate_bp: l.rate_bp,
            rate_pct: rate_pct(l.rate_bp),
            start_on: l.start_on,
            end_on: l.end_on,
            purpose: l.purpose,
            leveraged: Amount::of(l.leveraged_fen),
            service_fee: Amount::of(l.service_fee_fen),
            over_line_reason: l.over_line_reason,
            repaid: Amount::of(l.repaid_fen),
            repayments: Vec::new(),
        }
    }
}

/// A claim as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClaimView {
    /// Id.
    pub id: String,
    /// Loan.
    pub loan_id: String,
    /// Bank.
    pub bank_id: String,
    /// Borrower.
    pub org_id: String,
    /// Overdue principal claimed.
    pub principal: Amount,
    /// Paid by the fund (80 %).
    pub fund: Amount,
    /// Borne by the bank (20 %).
    pub bank: Amount,
    /// City's part of the fund's (4 of 10).
    pub city: Amount,
    /// District's part of the fund's (6 of 10).
    pub district: Amount,
    /// Days overdue when claimed.
    pub days_overdue: i32,
    /// Claimed on.
    pub claimed_on: NaiveDate,
    /// `claimed`, `paid`, `rejected`.
    pub state: String,
    /// zh-CN.
    pub state_zh: &'static str,
    /// The ledger payment.
    pub ledger_tx_id: Option<String>,
    /// Who claimed.
    pub claimed_by: String,
    /// Who decided.
    pub decided_by: Option<String>,
}

fn claim_state_zh(s: &str) -> &'static str {
    match s {
        "claimed" => "待审核",
        "paid" => "已代偿",
        "rejected" => "已驳回",
        _ => "未知",
    }
}

impl From<ClaimRecord> for ClaimView {
    fn from(c: ClaimRecord) -> Self {
        ClaimView {
            state_zh: claim_state_zh(&c.state),
            id: c.id,
            loan_id: c.loan_id,
            bank_id: c.bank_id.to_string(),
            org_id: c.org_id.to_string(),
            principal: Amount::of(c.principal_fen),
            fund: Amount::of(c.fund_fen),
            bank: Amount::of(c.bank_fen),
            city: Amount::of(c.city_fen),
            district: Amount::of(c.district_fen),
            days_overdue: c.days_overdue,
            claimed_on: c.claimed_on,
            state: c.state,
            ledger_tx_id: c.ledger_tx_id,
            claimed_by: c.claimed_by,
            decided_by: c.decided_by,
        }
    }
}

/// The circuit breaker's state on a date.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BreakerView {
    /// The date.
    pub on: NaiveDate,
    /// Principal outstanding (current and overdue, not compensated).
    pub outstanding: Amount,
    /// Principal overdue.
    pub overdue: Amount,
    /// Overdue loans.
    pub overdue_loans: usize,
    /// Bad-loan ratio, percent with two decimals.
    pub ratio_pct: String,
    /// State.
    pub state: Breaker,
    /// zh-CN.
    pub state_zh: &'static str,
    /// Warning level, percent.
    pub warning_pct: String,
    /// Suspension level, percent.
    pub breaker_pct: String,
}

fn bp_pct(bp: u32) -> String {
    Decimal::new(i64::from(bp), 2).normalize().to_string()
}

fn ratio_pct(overdue: i64, outstanding: i64) -> String {
    if outstanding <= 0 {
        return "0.00".into();
    }
    let mut r = (Decimal::from(overdue) * Decimal::from(100) / Decimal::from(outstanding))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r.to_string()
}

/// The breaker over a set of loans on a date (loans drawn by then).
fn breaker_of(loans: &[LoanRecord], settings: &Settings, on: NaiveDate) -> BreakerView {
    let (mut overdue, mut outstanding, mut n) = (0i64, 0i64, 0usize);
    for l in loans.iter().filter(|l| l.start_on <= on) {
        let c = core_loan(l);
        match c.status(on) {
            LoanStatus::Current => outstanding += c.outstanding().fen(),
            LoanStatus::Overdue => {
                outstanding += c.outstanding().fen();
                overdue += c.outstanding().fen();
                n += 1;
            }
            LoanStatus::Repaid | LoanStatus::Compensated => {}
        }
    }
    let state = settings
        .rule
        .breaker(Money::from_fen(overdue), Money::from_fen(outstanding));
    BreakerView {
        on,
        outstanding: Amount::of(outstanding),
        overdue: Amount::of(overdue),
        overdue_loans: n,
        ratio_pct: ratio_pct(overdue, outstanding),
        state,
        state_zh: match state {
            Breaker::Normal => "正常",
            Breaker::Warning => "预警",
            Breaker::Tripped => "熔断（暂停受理代偿申请）",
        },
        warning_pct: bp_pct(settings.rule.warning_bp),
        breaker_pct: bp_pct(settings.rule.breaker_bp),
    }
}

// ---------------------------------------------------------------- settings

async fn load_settings(db: &mut Db) -> AppResult<Settings> {
    match db.credit_setting(SETTINGS).await? {
        Some(s) => serde_json::from_str(&s)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("credit settings: {e}"))),
        None => Ok(Settings::default()),
    }
}

/// The district's credit settings (defaults until the bureau sets them).
pub async fn settings(app: &App) -> AppResult<Settings> {
    let mut db = app.store.read().await?;
    load_settings(&mut db).await
}

/// A bureau administrator sets the active line table, the days overdue before a
/// claim, and the compensation shares and breaker levels.
pub async fn set_settings(app: &App, actor: &Actor, s: &Settings) -> AppResult<Settings> {
    actor.require_admin()?;
    s.validate()?;
    let value = serde_json::to_string(s).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = app.store.begin().await?;
    let now = app.now();
    tx.put_credit_setting(SETTINGS, &value, now, &actor.tag())
        .await?;
    tx.append_event(
        &actor.tag(),
        "credit_setting",
        SETTINGS,
        "credit.settings_set",
        &serde_json::to_value(s).map_err(|e| AppError::Internal(e.into()))?,
    )
    .await?;
    tx.commit().await?;
    Ok(s.clone())
}

// ---------------------------------------------------------------- evaluations

/// What an evaluation is computed with: the model (the district's 研发机构
/// points), the line table and the validity.
pub(crate) struct Basis {
    /// The scoring model.
    pub model: Model,
    /// The line table.
    pub table: credit::LineTable,
    /// Days an evaluation is valid.
    pub validity_days: u32,
}

impl Basis {
    /// From the district's settings.
    pub(crate) fn of(s: &Settings) -> Basis {
        Basis {
            model: s.model(),
            table: s.table(),
            validity_days: s.validity_days,
        }
    }
}

/// Computes an evaluation of a registry enterprise on a date: the record to store
/// (inputs and items as JSON). `level`: the enterprise's R&D-institution level
/// on the date from the platform registry
/// (`ops::platform::institution_levels_in`).
pub(crate) fn compute(
    input: &LadderInput,
    basis: &Basis,
    level: InstitutionLevel,
    on: NaiveDate,
    by: &str,
    now: i64,
) -> AppResult<CreditEvaluationRecord> {
    let (table, validity_days) = (&basis.table, basis.validity_days);
    let x = credit::registry_inputs(&input.filings, &input.ip, &input.qualifications, level, on);
    let e = credit::evaluate(&basis.model, table, &x);
    Ok(CreditEvaluationRecord {
        id: kechuang_store::new_id(),
        org_id: input.org.id.clone(),
        org_name: input.org.org.name.clone(),
        pack: e.pack.clone(),
        line_table: table.version.clone(),
        evaluated_on: on,
        valid_until: on + chrono::Days::new(u64::from(validity_days.max(1)) - 1),
        inputs: json_text(&x)?,
        items: json_text(&e.items)?,
        score: i32::try_from(e.score).unwrap_or(0),
        grade: e.grade.map(|g| g.as_str().to_string()),
        line_fen: e.line.fen(),
        created_at: now,
        created_by: by.to_string(),
    })
}

/// JSON text of a value (an internal error when it cannot be serialised).
fn json_text<T: serde::Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.into()))
}

fn evaluation_event(actor: &str, r: &CreditEvaluationRecord) -> NewEvent {
    NewEvent {
        actor: actor.to_string(),
        entity: "credit_evaluation".into(),
        entity_id: r.id.clone(),
        kind: "credit.evaluated".into(),
        payload: json!({
            "org_id": r.org_id, "pack": r.pack, "line_table": r.line_table,
            "evaluated_on": r.evaluated_on, "score": r.score, "grade": r.grade, "line_fen": r.line_fen,
        }),
    }
}

/// Re-runs a stored evaluation on its stored inputs (the model of its pack and
/// its line table): the same score, grade, line and items, or an error saying
/// why it cannot be reproduced.
pub fn reproduce(r: &CreditEvaluationRecord) -> AppResult<credit::Evaluation> {
    let x: Inputs = serde_json::from_str(&r.inputs).map_err(|e| AppError::Internal(e.into()))?;
    let table = credit::line_table(&r.line_table)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("line table {}", r.line_table)))?;
    let model = Model::for_pack(&r.pack)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("credit pack {}", r.pack)))?;
    Ok(credit::evaluate(&model, &table, &x))
}

/// The bureau evaluates one enterprise (on `on`, default today) with the active
/// line table and stores the evaluation with its inputs.
pub async fn evaluate(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    on: Option<NaiveDate>,
) -> AppResult<EvaluationView> {
    actor.require_bureau()?;
    let on = on.unwrap_or_else(|| app.today());
    let mut tx = app.store.begin().await?;
    let org = crate::ops::visible_org(&mut tx, actor, org_id).await?;
    if org.org.kind != OrgKind::Enterprise {
        return Err(AppError::invalid(FieldError::new(
            "org_id",
            "credit_not_enterprise",
        )));
    }
    let settings = load_settings(&mut tx).await?;
    let inputs = tx.ladder_inputs(std::slice::from_ref(org_id)).await?;
    let input = inputs.first().ok_or(AppError::NotFound)?;
    let level = crate::ops::platform::institution_levels_in(
        &mut tx,
        Some(std::slice::from_ref(org_id)),
        on,
    )
    .await?
    .remove(org_id)
    .unwrap_or(InstitutionLevel::None);
    let r = compute(
        input,
        &Basis::of(&settings),
        level,
        on,
        &actor.tag(),
        app.now(),
    )?;
    tx.insert_credit_evaluation(&r).await?;
    tx.append_events(&[evaluation_event(&actor.tag(), &r)])
        .await?;
    tx.commit().await?;
    EvaluationView::of(r)
}

/// The batch (`kechuang credit evaluate`): every enterprise evaluated on `on`,
/// a page of enterprises per transaction. Returns how many were evaluated.
pub async fn evaluate_all(app: &App, actor: &Actor, on: NaiveDate) -> AppResult<usize> {
    actor.require_admin()?;
    let settings = settings(app).await?;
    let basis = Basis::of(&settings);
    let mut after = String::new();
    let mut done = 0;
    loop {
        let mut tx = app.store.begin().await?;
        let ids = tx.enterprise_ids_after(&after, 200).await?;
        let Some(last) = ids.last() else {
            break;
        };
        after = last.to_string();
        let inputs = tx.ladder_inputs(&ids).await?;
        let levels = crate::ops::platform::institution_levels_in(&mut tx, Some(&ids), on).await?;
        let mut events = Vec::with_capacity(inputs.len());
        for input in &inputs {
            let r = compute(
                input,
                &basis,
                levels
                    .get(&input.org.id)
                    .copied()
                    .unwrap_or(InstitutionLevel::None),
                on,
                &actor.tag(),
                app.now(),
            )?;
            tx.insert_credit_evaluation(&r).await?;
            events.push(evaluation_event(&actor.tag(), &r));
        }
        tx.append_events(&events).await?;
        tx.commit().await?;
        done += inputs.len();
    }
    Ok(done)
}

fn own_org(actor: &Actor) -> Option<&str> {
    actor.org_id.as_ref().map(OrgId::as_str)
}

/// Whether the actor may read evaluations of `org` today.
async fn may_read_org(
    db: &mut Db,
    actor: &Actor,
    org: &OrgId,
    today: NaiveDate,
) -> AppResult<bool> {
    if actor.is_bureau() {
        return Ok(true);
    }
    match (actor.role, own_org(actor)) {
        (Role::Enterprise, Some(o)) => Ok(o == org.as_str()),
        (Role::Bank, Some(b)) => Ok(db
            .active_consent(org.as_str(), b)
            .await?
            .is_some_and(|c| c.granted_on <= today)),
        _ => Ok(false),
    }
}

/// Evaluations the actor may see: the bureau the latest of every enterprise, an
/// enterprise all of its own, a bank the latest of each enterprise that
/// consented to it (consent holding today).
pub async fn evaluations(app: &App, actor: &Actor) -> AppResult<Vec<EvaluationView>> {
    let mut db = app.store.read().await?;
    let rows = if actor.is_bureau() {
        db.latest_credit_evaluations(None, 500).await?
    } else {
        match (actor.role, &actor.org_id) {
            (Role::Enterprise, Some(o)) => db.credit_evaluations_of(o).await?,
            (Role::Bank, Some(b)) => {
                db.latest_credit_evaluations(Some((b.as_str(), app.today())), 500)
                    .await?
            }
            _ => Vec::new(),
        }
    };
    rows.into_iter().map(EvaluationView::of).collect()
}

/// One evaluation (404 when the actor may not see it).
pub async fn evaluation(app: &App, actor: &Actor, id: &str) -> AppResult<EvaluationView> {
    let mut db = app.store.read().await?;
    let r = db.credit_evaluation(id).await?.ok_or(AppError::NotFound)?;
    if !may_read_org(&mut db, actor, &r.org_id, app.today()).await? {
        return Err(AppError::NotFound);
    }
    EvaluationView::of(r)
}

// ---------------------------------------------------------------- consents

/// A bank an enterprise may consent to.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BankView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// The banks of the registry.
pub async fn banks(app: &App) -> AppResult<Vec<BankView>> {
    let mut db = app.store.read().await?;
    Ok(db
        .all_organisations()
        .await?
        .into_iter()
        .filter(|o| o.org.kind == OrgKind::Bank)
        .map(|o| BankView {
            id: o.id.to_string(),
            name: o.org.name,
        })
        .collect())
}

fn enterprise_of(actor: &Actor) -> AppResult<OrgId> {
    match (actor.role, &actor.org_id) {
        (Role::Enterprise, Some(o)) => Ok(o.clone()),
        _ => Err(AppError::Forbidden),
    }
}

fn bank_of(actor: &Actor) -> AppResult<OrgId> {
    match (actor.role, &actor.org_id) {
        (Role::Bank, Some(o)) => Ok(o.clone()),
        _ => Err(AppError::Forbidden),
    }
}

/// An enterprise lets a bank see its credit evaluations (from today).
pub async fn grant_consent(app: &App, actor: &Actor, bank_id: &str) -> AppResult<ConsentView> {
    let org = enterprise_of(actor)?;
    let today = app.today();
    let mut tx = app.store.begin().await?;
    let bank = tx
        .organisation(&OrgId(bank_id.trim().to_string()))
        .await?
        .filter(|b| b.org.kind == OrgKind::Bank)
        .ok_or_else(|| {
            AppError::invalid(FieldError::new("bank_id", "credit_not_bank").with("value", bank_id))
        })?;
    let r = ConsentRecord {
        id: kechuang_store::new_id(),
        org_id: org.clone(),
        org_name: String::new(),
        bank_id: bank.id.clone(),
        bank_name: bank.org.name.clone(),
        scope: SCOPE.into(),
        granted_on: today,
        revoked_on: None,
    };
    match tx.insert_consent(&r, app.now(), &actor.tag()).await {
        Ok(()) => {}
        Err(e) if e.is_conflict("credit_consent_active_key") => {
            return Err(AppError::Conflict(FieldError::new(
                "bank_id",
                "credit_consent_exists",
            )));
        }
        Err(e) => return Err(e.into()),
    }
    tx.append_event(
        &actor.tag(),
        "credit_consent",
        &r.id,
        "credit.consent_granted",
        &json!({"org_id": org, "bank_id": bank.id, "scope": SCOPE, "granted_on": today}),
    )
    .await?;
    let stored = tx
        .active_consent(org.as_str(), bank.id.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(ConsentView::of(stored, today))
}

/// An enterprise withdraws its consent to a bank (from today the bank sees
/// nothing of its evaluations and cannot decide on them).
pub async fn revoke_consent(app: &App, actor: &Actor, bank_id: &str) -> AppResult<ConsentView> {
    let org = enterprise_of(actor)?;
    let today = app.today();
    let mut tx = app.store.begin().await?;
    let c = tx
        .active_consent(org.as_str(), bank_id.trim())
        .await?
        .ok_or_else(|| AppError::invalid(FieldError::new("bank_id", "credit_consent_none")))?;
    tx.revoke_consent(&c.id, today, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "credit_consent",
        &c.id,
        "credit.consent_revoked",
        &json!({"org_id": org, "bank_id": c.bank_id, "revoked_on": today}),
    )
    .await?;
    tx.commit().await?;
    let mut c = c;
    c.revoked_on = Some(today);
    Ok(ConsentView::of(c, today))
}

/// Consents: an enterprise its own, a bank those given to it, the bureau all.
pub async fn consents(app: &App, actor: &Actor) -> AppResult<Vec<ConsentView>> {
    let scope = if actor.is_bureau() {
        CreditScope::default()
    } else {
        match (actor.role, own_org(actor)) {
            (Role::Enterprise, Some(o)) => CreditScope {
                org: Some(o),
                bank: None,
            },
            (Role::Bank, Some(b)) => CreditScope {
                org: None,
                bank: Some(b),
            },
            _ => return Err(AppError::Forbidden),
        }
    };
    let today = app.today();
    let mut db = app.store.read().await?;
    Ok(db
        .consents(scope)
        .await?
        .into_iter()
        .map(|c| ConsentView::of(c, today))
        .collect())
}

// ---------------------------------------------------------------- decisions

/// A bank's decision on an evaluation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// The evaluation.
    pub evaluation_id: String,
    /// Approve (true) or decline.
    pub approve: bool,
    /// Amount approved, fen.
    pub amount_fen: i64,
    /// Why (required to decline or to approve more than the line).
    pub reason: String,
}

fn text(s: &str, field: &str, required: bool) -> Result<Option<String>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return if required {
            Err(FieldError::new(field, "required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > MAX_TEXT {
        return Err(FieldError::new(field, "too_long").with("max", MAX_TEXT));
    }
    Ok(Some(t.to_string()))
}

/// A bank decides on an evaluation of an enterprise that consented to it. The
/// consent is checked inside the write: one revoked mid-review refuses the
/// decision (`credit_consent_revoked`) and nothing is written.
pub async fn decide(app: &App, actor: &Actor, input: &DecisionInput) -> AppResult<DecisionView> {
    let bank = bank_of(actor)?;
    let today = app.today();
    let reason = text(&input.reason, "reason", !input.approve).map_err(|e| {
        if e.code == "required" {
            FieldError::new("reason", "credit_reason_required")
        } else {
            e
        }
    })?;
    let mut tx = app.store.begin().await?;
    let e = tx
        .credit_evaluation(input.evaluation_id.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    match tx.active_consent(e.org_id.as_str(), bank.as_str()).await? {
        Some(c) if c.granted_on <= today => {}
        _ => {
            // Had it consented before? Then the consent was revoked mid-review.
            let any = tx
                .consents(CreditScope {
                    org: Some(e.org_id.as_str()),
                    bank: Some(bank.as_str()),
                })
                .await?;
            return Err(if any.is_empty() {
                AppError::NotFound
            } else {
                AppError::Conflict(FieldError::new("evaluation_id", "credit_consent_revoked"))
            });
        }
    }
    let mut errs = Vec::new();
    if e.valid_until < today {
        errs.push(
            FieldError::new("evaluation_id", "credit_evaluation_expired")
                .with("until", e.valid_until),
        );
    }
    if input.approve {
        if e.grade.is_none() {
            errs.push(FieldError::new("evaluation_id", "credit_no_grade"));
        }
        if input.amount_fen <= 0 || input.amount_fen > kechuang_core::loan::MAX_LOAN_FEN {
            errs.push(
                FieldError::new("amount_fen", "loan_amount_range")
                    .with("value", Money::from_fen(input.amount_fen))
                    .with("max", Money::from_fen(kechuang_core::loan::MAX_LOAN_FEN)),
            );
        } else if input.amount_fen > e.line_fen && reason.is_none() {
            errs.push(
                FieldError::new("reason", "credit_over_line")
                    .with("line", Money::from_fen(e.line_fen)),
            );
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let d = DecisionRecord {
        id: kechuang_store::new_id(),
        evaluation_id: e.id.clone(),
        org_id: e.org_id.clone(),
        bank_id: bank.clone(),
        approved: input.approve,
        amount_fen: if input.approve { input.amount_fen } else { 0 },
        reason,
        decided_on: today,
        decided_at: app.now(),
        decided_by: actor.tag(),
    };
    tx.insert_credit_decision(&d).await?;
    tx.append_event(
        &actor.tag(),
        "credit_decision",
        &d.id,
        "credit.decided",
        &json!({"evaluation_id": d.evaluation_id, "org_id": d.org_id, "bank_id": d.bank_id,
                "approved": d.approved, "amount_fen": d.amount_fen, "reason": d.reason}),
    )
    .await?;
    tx.commit().await?;
    Ok(d.into())
}

/// A bank's decisions (the bureau: all), newest first.
pub async fn decisions(app: &App, actor: &Actor) -> AppResult<Vec<DecisionView>> {
    let bank = if actor.is_bureau() {
        None
    } else {
        Some(bank_of(actor)?)
    };
    let mut db = app.store.read().await?;
    let scope = CreditScope {
        org: None,
        bank: bank.as_ref().map(OrgId::as_str),
    };
    Ok(db
        .credit_decisions(scope, 500)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

// ---------------------------------------------------------------- loans

/// A loan recorded by the bank on its approved decision.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct LoanInput {
    /// The approved decision.
    pub decision_id: String,
    /// Principal, fen.
    pub amount_fen: i64,
    /// Annual rate, basis points (385 = 3.85 %).
    pub rate_bp: i64,
    /// Drawn on, `YYYY-MM-DD`.
    pub start: String,
    /// Due on, `YYYY-MM-DD`.
    pub end: String,
    /// Purpose.
    pub purpose: String,
    /// Commercial loans extended alongside (撬动商业贷款), fen.
    pub leveraged_commercial_fen: i64,
    /// Service fee, fen.
    pub service_fee_fen: i64,
    /// Why the principal exceeds the evaluation's line.
    pub over_line_reason: String,
}

/// A bank records a loan on its approved decision. Bad terms (amount not above
/// zero, rate out of range, an end not after the start, …) are field errors and
/// nothing is written.
pub async fn record_loan(app: &App, actor: &Actor, input: &LoanInput) -> AppResult<LoanView> {
    let bank = bank_of(actor)?;
    let mut errs = Vec::new();
    let start = kechuang_core::date::parse("start", &input.start)
        .map_err(|e| errs.push(e))
        .ok();
    let end = kechuang_core::date::parse("end", &input.end)
        .map_err(|e| errs.push(e))
        .ok();
    let purpose = text(&input.purpose, "purpose", false)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let over = text(&input.over_line_reason, "over_line_reason", false)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    if input.service_fee_fen < 0 {
        errs.push(
            FieldError::new("service_fee_fen", "value_negative")
                .with("value", input.service_fee_fen),
        );
    }
    let rate_bp = u32::try_from(input.rate_bp).unwrap_or(u32::MAX);
    if let (Some(start), Some(end)) = (start, end) {
        let terms = LoanTerms {
            amount_fen: input.amount_fen,
            rate_bp,
            start,
            end,
            leveraged_fen: input.leveraged_commercial_fen,
        };
        if let Err(e) = terms.validate() {
            errs.extend(e.into_iter().map(|mut f| {
                f.field = match f.field.as_str() {
                    "amount" => "amount_fen".into(),
                    "rate" => "rate_bp".into(),
                    "leveraged" => "leveraged_commercial_fen".into(),
                    other => other.into(),
                };
                f
            }));
        }
    } else {
        if input.amount_fen <= 0 {
            errs.push(
                FieldError::new("amount_fen", "loan_amount_range")
                    .with("value", Money::from_fen(input.amount_fen))
                    .with("max", Money::from_fen(kechuang_core::loan::MAX_LOAN_FEN)),
            );
        }
        if rate_bp == 0 || rate_bp > kechuang_core::loan::MAX_RATE_BP {
            errs.push(FieldError::new("rate_bp", "loan_rate_range").with("max", "24%"));
        }
    }
    let mut tx = app.store.begin().await?;
    let d = tx
        .credit_decision(input.decision_id.trim())
        .await?
        .filter(|d| d.bank_id == bank)
        .ok_or(AppError::NotFound)?;
    if !d.approved {
        return Err(AppError::Conflict(FieldError::new(
            "decision_id",
            "credit_decision_declined",
        )));
    }
    let e = tx
        .credit_evaluation(&d.evaluation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if input.amount_fen > e.line_fen && over.is_none() && input.amount_fen > 0 {
        errs.push(
            FieldError::new("over_line_reason", "credit_over_line")
                .with("line", Money::from_fen(e.line_fen)),
        );
    }
    let (Some(start), Some(end), true) = (start, end, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let l = LoanRecord {
        id: kechuang_store::new_id(),
        org_id: d.org_id.clone(),
        org_name: e.org_name.clone(),
        bank_id: bank.clone(),
        bank_name: String::new(),
        evaluation_id: e.id.clone(),
        decision_id: Some(d.id.clone()),
        amount_fen: input.amount_fen,
        rate_bp: i32::try_from(rate_bp).unwrap_or(i32::MAX),
        start_on: start,
        end_on: end,
        purpose,
        leveraged_fen: input.leveraged_commercial_fen,
        service_fee_fen: input.service_fee_fen,
        over_line_reason: over,
        repaid_fen: 0,
        compensated: false,
        created_at: app.now(),
        created_by: actor.tag(),
    };
    match tx.insert_loan(&l).await {
        Ok(()) => {}
        Err(e) if e.is_conflict("loan_decision_key") => {
            return Err(AppError::Conflict(FieldError::new(
                "decision_id",
                "credit_decision_used",
            )));
        }
        Err(e) => return Err(e.into()),
    }
    tx.append_event(
        &actor.tag(),
        "loan",
        &l.id,
        "loan.recorded",
        &json!({"org_id": l.org_id, "bank_id": l.bank_id, "evaluation_id": l.evaluation_id,
                "decision_id": l.decision_id, "amount_fen": l.amount_fen, "rate_bp": l.rate_bp,
                "start": l.start_on, "end": l.end_on, "leveraged_commercial_fen": l.leveraged_fen,
                "service_fee_fen": l.service_fee_fen}),
    )
    .await?;
    let stored = tx.loan(&l.id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(LoanView::of(stored, app.today()))
}

fn loan_scope(actor: &Actor) -> AppResult<CreditScope<'_>> {
    if actor.is_bureau() {
        return Ok(CreditScope::default());
    }
    match (actor.role, own_org(actor)) {
        (Role::Enterprise, Some(o)) => Ok(CreditScope {
            org: Some(o),
            bank: None,
        }),
        (Role::Bank, Some(b)) => Ok(CreditScope {
            org: None,
            bank: Some(b),
        }),
        _ => Err(AppError::Forbidden),
    }
}

fn may_see_loan(actor: &Actor, l: &LoanRecord) -> bool {
    actor.is_bureau()
        || match (actor.role, own_org(actor)) {
            (Role::Enterprise, Some(o)) => o == l.org_id.as_str(),
            (Role::Bank, Some(b)) => b == l.bank_id.as_str(),
            _ => false,
        }
}

/// Loans with their state on `on` (default today): the bureau all, a bank its
/// own, an enterprise its own.
pub async fn loans(app: &App, actor: &Actor, on: Option<NaiveDate>) -> AppResult<Vec<LoanView>> {
    let scope = loan_scope(actor)?;
    let on = on.unwrap_or_else(|| app.today());
    let mut db = app.store.read().await?;
    Ok(db
        .loans(scope)
        .await?
        .into_iter()
        .map(|l| LoanView::of(l, on))
        .collect())
}

/// One loan with its repayments (404 when not the actor's).
pub async fn loan(
    app: &App,
    actor: &Actor,
    id: &str,
    on: Option<NaiveDate>,
) -> AppResult<LoanView> {
    let mut db = app.store.read().await?;
    let l = db.loan(id).await?.ok_or(AppError::NotFound)?;
    if !may_see_loan(actor, &l) {
        return Err(AppError::NotFound);
    }
    let reps = db.repayments_of(&l.id).await?;
    let mut v = LoanView::of(l, on.unwrap_or_else(|| app.today()));
    v.repayments = reps
        .into_iter()
        .map(|r| RepaymentView::of(r, false))
        .collect();
    Ok(v)
}

/// A repayment recorded by the lending bank.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RepayInput {
    /// The loan.
    pub loan_id: String,
    /// Idempotency key (1–128 printable ASCII).
    pub key: String,
    /// Paid on, `YYYY-MM-DD`.
    pub date: String,
    /// Principal repaid, fen.
    pub principal_fen: i64,
    /// Interest paid, fen.
    pub interest_fen: i64,
}

/// The lending bank records a repayment; the same key with the same content
/// replays (nothing written), with other content is a conflict.
pub async fn repay(app: &App, actor: &Actor, input: &RepayInput) -> AppResult<RepaymentView> {
    let bank = bank_of(actor)?;
    let mut errs = Vec::new();
    let key = input.key.trim();
    if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        errs.push(FieldError::new("key", "ledger_key_invalid").with("max", 128));
    }
    let date = kechuang_core::date::parse("date", &input.date)
        .map_err(|e| errs.push(e))
        .ok();
    if input.principal_fen < 0 {
        errs.push(
            FieldError::new("principal_fen", "value_negative").with("value", input.principal_fen),
        );
    }
    if input.interest_fen < 0 {
        errs.push(
            FieldError::new("interest_fen", "value_negative").with("value", input.interest_fen),
        );
    }
    if input.principal_fen == 0 && input.interest_fen == 0 {
        errs.push(FieldError::new("principal_fen", "ledger_amount_not_positive").with("value", 0));
    }
    let (Some(date), true) = (date, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let mut tx = app.store.begin().await?;
    let l = tx
        .loan(input.loan_id.trim())
        .await?
        .filter(|l| l.bank_id == bank)
        .ok_or(AppError::NotFound)?;
    if let Some(r) = tx.repayment_by_key(key).await? {
        return if r.loan_id == l.id
            && r.paid_on == date
            && r.principal_fen == input.principal_fen
            && r.interest_fen == input.interest_fen
        {
            Ok(RepaymentView::of(r, true))
        } else {
            Err(AppError::Conflict(FieldError::new(
                "key",
                "credit_repay_key_reused",
            )))
        };
    }
    let mut c = core_loan(&l);
    if input.principal_fen > 0 {
        c.repay(input.principal_fen, date).map_err(|mut e| {
            if e.field == "amount" {
                e.field = "principal_fen".into();
            }
            AppError::invalid(e)
        })?;
    } else if date < l.start_on {
        return Err(AppError::invalid(
            FieldError::new("date", "loan_repay_before_start").with("start", l.start_on),
        ));
    }
    let r = RepaymentRecord {
        id: kechuang_store::new_id(),
        loan_id: l.id.clone(),
        key: key.to_string(),
        paid_on: date,
        principal_fen: input.principal_fen,
        interest_fen: input.interest_fen,
        created_at: app.now(),
        created_by: actor.tag(),
    };
    match tx.insert_repayment(&r).await {
        Ok(true) => {}
        Ok(false) => {
            tx.rollback().await?;
            return Err(AppError::invalid(
                FieldError::new("principal_fen", "loan_repay_too_much")
                    .with("outstanding", c.outstanding()),
            ));
        }
        Err(e) if e.is_conflict("loan_repayment_key_key") => {
            return Err(AppError::Conflict(FieldError::new(
                "key",
                "credit_repay_key_reused",
            )));
        }
        Err(e) => return Err(e.into()),
    }
    tx.append_event(
        &actor.tag(),
        "loan",
        &l.id,
        "loan.repaid",
        &json!({"key": r.key, "paid_on": r.paid_on, "principal_fen": r.principal_fen, "interest_fen": r.interest_fen}),
    )
    .await?;
    tx.commit().await?;
    Ok(RepaymentView::of(r, false))
}

// ---------------------------------------------------------------- claims and breaker

/// The breaker on `on` (default today), over every loan of the district: the
/// bureau and banks read it.
pub async fn breaker(app: &App, actor: &Actor, on: Option<NaiveDate>) -> AppResult<BreakerView> {
    if !(actor.is_bureau() || actor.role == Role::Bank) {
        return Err(AppError::Forbidden);
    }
    let mut db = app.store.read().await?;
    let s = load_settings(&mut db).await?;
    let loans = db.loans(CreditScope::default()).await?;
    Ok(breaker_of(&loans, &s, on.unwrap_or_else(|| app.today())))
}

/// A bank claims risk compensation for its overdue loan (today): refused while
/// the breaker is tripped, before the loan is overdue long enough, or when the
/// loan already has a claim. The split (80 % fund, 4 : 6 city : district) is
/// recorded with the claim.
pub async fn claim(app: &App, actor: &Actor, loan_id: &str) -> AppResult<ClaimView> {
    let bank = bank_of(actor)?;
    let today = app.today();
    let mut tx = app.store.begin().await?;
    let l = tx
        .loan(loan_id.trim())
        .await?
        .filter(|l| l.bank_id == bank)
        .ok_or(AppError::NotFound)?;
    let s = load_settings(&mut tx).await?;
    let principal = core_loan(&l)
        .claimable(today, i64::from(s.claim_min_days))
        .map_err(|mut e| {
            e.field = "loan_id".into();
            AppError::invalid(e)
        })?;
    let all = tx.loans(CreditScope::default()).await?;
    let b = breaker_of(&all, &s, today);
    if b.state == Breaker::Tripped {
        return Err(AppError::Conflict(
            FieldError::new("loan_id", "credit_breaker_tripped")
                .with("ratio", &b.ratio_pct)
                .with("limit", &b.breaker_pct),
        ));
    }
    let split = s.rule.split(principal)?;
    let c = ClaimRecord {
        id: kechuang_store::new_id(),
        loan_id: l.id.clone(),
        bank_id: bank.clone(),
        org_id: l.org_id.clone(),
        principal_fen: split.principal.fen(),
        fund_fen: split.fund.fen(),
        bank_fen: split.bank.fen(),
        city_fen: split.city.fen(),
        district_fen: split.district.fen(),
        days_overdue: i32::try_from(core_loan(&l).days_overdue(today)).unwrap_or(i32::MAX),
        claimed_on: today,
        state: "claimed".into(),
        ledger_tx_id: None,
        claimed_at: app.now(),
        claimed_by: actor.tag(),
        decided_at: None,
        decided_by: None,
    };
    match tx.insert_claim(&c).await {
        Ok(()) => {}
        Err(e) if e.is_conflict("credit_claim_loan_key") => {
            return Err(AppError::Conflict(FieldError::new(
                "loan_id",
                "credit_claim_exists",
            )));
        }
        Err(e) => return Err(e.into()),
    }
    tx.append_event(
        &actor.tag(),
        "credit_claim",
        &c.id,
        "credit.claimed",
        &json!({"loan_id": c.loan_id, "bank_id": c.bank_id, "principal_fen": c.principal_fen,
                "fund_fen": c.fund_fen, "bank_fen": c.bank_fen, "city_fen": c.city_fen,
                "district_fen": c.district_fen, "days_overdue": c.days_overdue}),
    )
    .await?;
    tx.commit().await?;
    Ok(c.into())
}

/// The basis a claim's payment rests on.
pub fn claim_basis(claim_id: &str) -> String {
    format!("credit-claim:{claim_id}")
}

/// A bureau administrator approves a claim: the fund's share is paid to the bank
/// through the ledger (`compensation`, from `fund:risk-comp`, basis
/// `credit-claim:<id>`, under the given idempotency key), then the claim is
/// marked paid and the loan compensated. A replay with the same key answers the
/// paid claim; another key for a paid claim is refused by the ledger
/// (`ledger_basis_paid`).
pub async fn approve_claim(
    app: &App,
    actor: &Actor,
    claim_id: &str,
    key: &str,
) -> AppResult<ClaimView> {
    actor.require_admin()?;
    let mut db = app.store.read().await?;
    let c = db
        .credit_claim(claim_id.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    drop(db);
    if c.state == "rejected" {
        return Err(AppError::Conflict(
            FieldError::new("claim_id", "credit_claim_state")
                .with("state", claim_state_zh(&c.state)),
        ));
    }
    let paid = ledger::pay(
        app,
        actor,
        &PayInput {
            key: key.to_string(),
            kind: "compensation".into(),
            from: FUND.into(),
            org_id: c.bank_id.to_string(),
            amount_fen: c.fund_fen,
            basis: claim_basis(&c.id),
            memo: format!(
                "知识价值信用贷款风险补偿 市级 {} 元 区级 {} 元",
                Amount::of(c.city_fen).yuan,
                Amount::of(c.district_fen).yuan
            ),
        },
    )
    .await?;
    let mut tx = app.store.begin().await?;
    if tx
        .mark_claim_paid(&c.id, &c.loan_id, &paid.id, app.now(), &actor.tag())
        .await?
    {
        tx.append_event(
            &actor.tag(),
            "credit_claim",
            &c.id,
            "credit.claim_paid",
            &json!({"loan_id": c.loan_id, "ledger_tx_id": paid.id, "fund_fen": c.fund_fen}),
        )
        .await?;
    }
    let stored = tx.credit_claim(&c.id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(stored.into())
}

/// A bureau administrator rejects a claim that is still waiting.
pub async fn reject_claim(app: &App, actor: &Actor, claim_id: &str) -> AppResult<ClaimView> {
    actor.require_admin()?;
    let mut tx = app.store.begin().await?;
    let c = tx
        .credit_claim(claim_id.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    if !tx.reject_claim(&c.id, app.now(), &actor.tag()).await? {
        return Err(AppError::Conflict(
            FieldError::new("claim_id", "credit_claim_state")
                .with("state", claim_state_zh(&c.state)),
        ));
    }
    tx.append_event(
        &actor.tag(),
        "credit_claim",
        &c.id,
        "credit.claim_rejected",
        &json!({"loan_id": c.loan_id}),
    )
    .await?;
    let stored = tx.credit_claim(&c.id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(stored.into())
}

/// Claims: the bureau all, a bank its own, an enterprise those on its loans.
pub async fn claims(app: &App, actor: &Actor) -> AppResult<Vec<ClaimView>> {
    let scope = loan_scope(actor)?;
    let mut db = app.store.read().await?;
    Ok(db
        .credit_claims(scope)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The bureau's 科技金融 overview.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    /// Loans recorded.
    pub loans: usize,
    /// Enterprises that borrowed.
    pub enterprises: usize,
    /// Their principal.
    pub amount: Amount,
    /// Commercial loans leveraged.
    pub leveraged: Amount,
    /// Service fees.
    pub service_fees: Amount,
    /// The breaker (outstanding, overdue, ratio).
    pub breaker: BreakerView,
    /// Claims waiting for approval.
    pub claims_waiting: usize,
}

/// Totals for the bureau.
pub async fn overview(app: &App, actor: &Actor, on: Option<NaiveDate>) -> AppResult<Overview> {
    actor.require_bureau()?;
    let on = on.unwrap_or_else(|| app.today());
    let mut db = app.store.read().await?;
    let s = load_settings(&mut db).await?;
    let loans = db.loans(CreditScope::default()).await?;
    let claims = db.credit_claims(CreditScope::default()).await?;
    let firms: std::collections::HashSet<&str> = loans.iter().map(|l| l.org_id.as_str()).collect();
    Ok(Overview {
        loans: loans.len(),
        enterprises: firms.len(),
        amount: Amount::of(loans.iter().map(|l| l.amount_fen).sum()),
        leveraged: Amount::of(loans.iter().map(|l| l.leveraged_fen).sum()),
        service_fees: Amount::of(loans.iter().map(|l| l.service_fee_fen).sum()),
        breaker: breaker_of(&loans, &s, on),
        claims_waiting: claims.iter().filter(|c| c.state == "claimed").count(),
    })
}

// ---------------------------------------------------------------- for the subsidy measures

/// Interest paid and service fees of an enterprise's loans in a year, fen (the
/// bases of the LOAN-INTEREST / LOAN-SERVICE-FEE subsidy measures).
pub async fn loan_costs(app: &App, org: &OrgId, year: i32) -> AppResult<(i64, i64)> {
    let mut db = app.store.read().await?;
    Ok(db.loan_costs(org, year).await?)
}

/// [`loan_costs`] of every enterprise with a cost in the year.
pub async fn loan_costs_all(app: &App, year: i32) -> AppResult<Vec<(OrgId, i64, i64)>> {
    let mut db = app.store.read().await?;
    Ok(db.loan_costs_all(year).await?)
}
