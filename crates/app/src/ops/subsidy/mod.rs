//! Subsidies: the bureau's measures, what an enterprise is eligible for, its
//! applications through 受理 → 初审 → 联审 → 公示 → 批准 → 兑付, and payment
//! through the ledger. The 免申即享 scan is in [`scan`].
//!
//! The rules are `kechuang_core::subsidy` (eligibility, amounts, caps) and
//! `kechuang_core::subsidy_flow` (who may take which step; 公示 of at least five
//! working days). Here: permissions, the facts from the store, one database
//! transaction per write with its event. An enterprise sees only its own
//! applications (another's is 404); bureau staff see all; anyone reads the
//! measures and the 公示 list.

pub mod scan;

use crate::ops::ledger::{self, Amount, TxView};
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::Account;
use kechuang_core::money::Money;
use kechuang_core::role::Role;
use kechuang_core::subsidy::{self as rules, Assessment, BaseKind, Measure};
use kechuang_core::subsidy_flow::{Calendar, Flow, Objection, Party, Stage, Step};
use kechuang_store::{
    ApplicationFilter, ApplicationRecord, AttachmentMeta, Db, HistoryEntry, MeasureRecord,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Largest attachment accepted, bytes (10 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Most attachments per upload.
pub const MAX_ATTACHMENTS: usize = 10;
/// Longest comment, reason or objection.
pub const MAX_COMMENT_LEN: usize = 1000;

/// The ledger basis of an application's payment.
pub fn basis_of(application_id: &str) -> String {
    format!("subsidy-application:{application_id}")
}

/// The base period a measure of `year` assesses: the accounting year before.
pub fn period_of(year: i32) -> i32 {
    year - 1
}

/// The working-day calendar of 公示 (weekends; no holiday list is configured yet).
fn calendar() -> Calendar {
    Calendar::default()
}

/// A measure as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeasureView {
    /// Year.
    pub year: i32,
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The policy document.
    pub policy: String,
    /// Conditions in words.
    pub conditions: Vec<String>,
    /// The amount rule in words.
    pub formula: String,
    /// The base an applicant declares, if any (`equipment_invoice` …).
    pub declared_base: Option<BaseKind>,
    /// Its zh-CN name.
    pub declared_base_zh: Option<&'static str>,
    /// Per-firm cap.
    pub cap_per_firm: Option<Amount>,
    /// Annual budget.
    pub annual_budget: Amount,
    /// Approved or paid so far.
    pub committed: Amount,
    /// Ledger budget line.
    pub budget_line: String,
    /// Window.
    pub opens: NaiveDate,
    /// Window.
    pub closes: NaiveDate,
    /// Open today.
    pub open_now: bool,
    /// 免申即享.
    pub no_application: bool,
    /// Not stacked with.
    pub exclusive_with: Vec<String>,
    /// Edit counter.
    pub version: i32,
    /// The rule as encoded.
    pub rule: Measure,
}

impl MeasureView {
    fn of(r: &MeasureRecord, today: NaiveDate) -> MeasureView {
        let m = &r.measure;
        MeasureView {
            year: r.year,
            id: m.id.clone(),
            name: m.name.clone(),
            policy: m.policy.clone(),
            conditions: m.eligibility.iter().map(|p| p.label()).collect(),
            formula: m.formula_label(),
            declared_base: m.declared_base(),
            declared_base_zh: m.declared_base().map(BaseKind::label),
            cap_per_firm: m.cap_per_firm_fen.map(Amount::of),
            annual_budget: Amount::of(m.annual_budget_fen),
            committed: Amount::of(r.committed_fen),
            budget_line: r.budget_line(),
            opens: m.opens,
            closes: m.closes,
            open_now: m.is_open(today),
            no_application: m.no_application,
            exclusive_with: m.exclusive_with.clone(),
            version: r.version,
            rule: m.clone(),
        }
    }
}

/// A declared base as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeclaredView {
    /// Base code.
    pub base: BaseKind,
    /// zh-CN.
    pub label: &'static str,
    /// Amount.
    pub amount: Amount,
}

/// An application as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplicationView {
    /// Id.
    pub id: String,
    /// Measure year.
    pub year: i32,
    /// Measure id.
    pub measure: String,
    /// Measure name.
    pub measure_name: String,
    /// Enterprise.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Base period (accounting year).
    pub period: i32,
    /// `application` or `offer`.
    pub source: String,
    /// Stage code.
    pub stage: Stage,
    /// Stage, zh-CN.
    pub stage_zh: &'static str,
    /// Declared bases.
    pub declared: Vec<DeclaredView>,
    /// The latest assessment (checks and working).
    pub assessment: Assessment,
    /// Applied for.
    pub amount_applied: Amount,
    /// Approved.
    pub amount_approved: Option<Amount>,
    /// Steps taken.
    pub history: Vec<HistoryEntry>,
    /// 公示 objections.
    pub objections: Vec<Objection>,
    /// Why refused.
    pub rejection: Option<String>,
    /// 公示 from.
    pub publicity_from: Option<NaiveDate>,
    /// 公示 until.
    pub publicity_until: Option<NaiveDate>,
    /// Submitted (offer: accepted).
    pub submitted_on: Option<NaiveDate>,
    /// Approved.
    pub approved_on: Option<NaiveDate>,
    /// Paid.
    pub paid_on: Option<NaiveDate>,
    /// The ledger payment.
    pub ledger_tx_id: Option<String>,
    /// Attachments.
    pub attachments: Vec<AttachmentMeta>,
}

fn view(
    a: ApplicationRecord,
    measure_name: String,
    attachments: Vec<AttachmentMeta>,
) -> ApplicationView {
    ApplicationView {
        year: a.measure_year,
        measure: a.measure_code,
        measure_name,
        org_id: a.org_id.to_string(),
        org_name: a.org_name,
        period: a.period,
        source: a.source,
        stage_zh: a.stage.label(),
        stage: a.stage,
        declared: a
            .declared
            .iter()
            .map(|(k, v)| DeclaredView {
                base: *k,
                label: k.label(),
                amount: Amount::of(*v),
            })
            .collect(),
        assessment: a.assessment,
        amount_applied: Amount::of(a.amount_applied_fen),
        amount_approved: a.amount_approved_fen.map(Amount::of),
        history: a.history,
        objections: a.objections,
        rejection: a.rejection,
        publicity_from: a.publicity.map(|p| p.0),
        publicity_until: a.publicity.map(|p| p.1),
        submitted_on: a.submitted_on,
        approved_on: a.approved_on,
        paid_on: a.paid_on,
        ledger_tx_id: a.ledger_tx_id,
        attachments,
        id: a.id,
    }
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
    if t.chars().count() > MAX_COMMENT_LEN {
        return Err(FieldError::new(field, "too_long").with("max", MAX_COMMENT_LEN));
    }
    Ok(Some(t.to_string()))
}

async fn measure_or(db: &mut Db, year: i32, code: &str, field: &str) -> AppResult<MeasureRecord> {
    db.measure(year, code.trim()).await?.ok_or_else(|| {
        AppError::invalid(
            FieldError::new(field, "subsidy_measure_unknown")
                .with("value", format!("{year}:{}", code.trim())),
        )
    })
}

// ---------------------------------------------------------------- measures

/// A bureau administrator encodes a measure for a year. Its annual budget is
/// appropriated from the district treasury to `budget:<year>:<id>` through the
/// ledger (idempotent: the key names the measure and its budget).
pub async fn create_measure(
    app: &App,
    actor: &Actor,
    year: i32,
    m: &Measure,
) -> AppResult<MeasureView> {
    actor.require_admin()?;
    check_measure(year, m)?;
    let mut db = app.store.begin().await?;
    if db.measure(year, &m.id).await?.is_some() {
        return Err(AppError::Conflict(
            FieldError::new("id", "subsidy_measure_exists").with("value", &m.id),
        ));
    }
    db.insert_measure(year, m, app.now()).await?;
    db.append_event(
        &actor.tag(),
        "subsidy_measure",
        &format!("{year}:{}", m.id),
        "subsidy.measure_created",
        &json!({"year": year, "rule": m}),
    )
    .await?;
    db.commit().await?;
    fund(app, actor, year, m, 0).await?;
    measure(app, year, &m.id).await
}

/// A bureau administrator edits a measure (the version read must still be the
/// stored one). A larger budget is appropriated for the difference; a budget
/// below what is already approved is refused.
pub async fn update_measure(
    app: &App,
    actor: &Actor,
    year: i32,
    m: &Measure,
    version: i32,
) -> AppResult<MeasureView> {
    actor.require_admin()?;
    check_measure(year, m)?;
    let mut db = app.store.begin().await?;
    let old = db.measure(year, &m.id).await?.ok_or(AppError::NotFound)?;
    if old.committed_fen > m.annual_budget_fen {
        return Err(AppError::Conflict(
            FieldError::new("annual_budget_fen", "subsidy_budget_below_committed")
                .with("committed", Money::from_fen(old.committed_fen).wan_2dp()),
        ));
    }
    if !db.update_measure(year, m, version, app.now()).await? {
        return Err(AppError::Conflict(
            FieldError::new("version", "subsidy_stale").with("value", old.version),
        ));
    }
    db.append_event(
        &actor.tag(),
        "subsidy_measure",
        &format!("{year}:{}", m.id),
        "subsidy.measure_updated",
        &json!({"year": year, "version": version + 1, "rule": m}),
    )
    .await?;
    db.commit().await?;
    if m.annual_budget_fen > old.measure.annual_budget_fen {
        fund(app, actor, year, m, version).await?;
    }
    measure(app, year, &m.id).await
}

fn check_measure(year: i32, m: &Measure) -> AppResult<()> {
    let mut errs = m.validate().err().unwrap_or_default();
    if !(2000..=2100).contains(&year) {
        errs.push(FieldError::new("year", "year_out_of_range"));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// Tops the budget line up to the measure's annual budget.
async fn fund(app: &App, actor: &Actor, year: i32, m: &Measure, version: i32) -> AppResult<()> {
    let line = format!("budget:{year}:{}", m.id);
    let account = Account::parse(&line).map_err(AppError::invalid)?;
    let mut db = app.store.read().await?;
    let appropriated = appropriated_fen(&mut db, &account).await?;
    drop(db);
    let missing = m.annual_budget_fen - appropriated;
    if missing <= 0 {
        return Ok(());
    }
    ledger::appropriate(
        app,
        actor,
        &ledger::AppropriateInput {
            key: format!("subsidy-budget:{year}:{}:v{version}", m.id),
            to: line,
            name: format!("{year}年{}", m.name),
            amount_fen: missing,
            memo: format!("{}年度预算", m.name),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// What was appropriated to a budget line so far: its balance plus what it paid.
async fn appropriated_fen(db: &mut Db, account: &Account) -> AppResult<i64> {
    let Some(a) = db.ledger_account(account).await? else {
        return Ok(0);
    };
    let (_, lines) = db.ledger_statement(account, 1_000_000, 0).await?;
    let paid: i64 = lines
        .iter()
        .filter(|l| l.amount_fen < 0)
        .map(|l| -l.amount_fen)
        .sum();
    Ok(a.balance_fen + paid)
}

/// Every measure (of a year), for anyone.
pub async fn measures(app: &App, year: Option<i32>) -> AppResult<Vec<MeasureView>> {
    let mut db = app.store.read().await?;
    let today = app.today();
    Ok(db
        .measures(year)
        .await?
        .iter()
        .map(|r| MeasureView::of(r, today))
        .collect())
}

/// One measure.
pub async fn measure(app: &App, year: i32, code: &str) -> AppResult<MeasureView> {
    let mut db = app.store.read().await?;
    let r = db.measure(year, code).await?.ok_or(AppError::NotFound)?;
    Ok(MeasureView::of(&r, app.today()))
}

// ---------------------------------------------------------------- eligibility

/// One measure assessed for one enterprise.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Eligibility {
    /// The measure.
    pub measure: MeasureView,
    /// Checks, working and amount (declared bases not yet given count as unmet).
    pub assessment: Assessment,
    /// The amount it would pay.
    pub amount: Amount,
    /// Its application or offer for the period, if any.
    pub application: Option<String>,
    /// That application's stage.
    pub application_stage: Option<&'static str>,
}

fn own_org(actor: &Actor, org_id: Option<&str>) -> AppResult<OrgId> {
    match actor.role {
        Role::Enterprise => actor.org_id.clone().ok_or(AppError::Forbidden),
        _ if actor.is_bureau() => org_id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| OrgId(s.to_string()))
            .ok_or_else(|| AppError::invalid(FieldError::new("org_id", "required"))),
        _ => Err(AppError::Forbidden),
    }
}

/// What an enterprise can get from the measures of `year`: each assessed on
/// today's facts with the working. An enterprise asks for itself; bureau staff
/// name the enterprise.
pub async fn eligibility(
    app: &App,
    actor: &Actor,
    org_id: Option<&str>,
    year: i32,
) -> AppResult<Vec<Eligibility>> {
    let org = own_org(actor, org_id)?;
    let mut db = app.store.read().await?;
    crate::ops::visible_org(&mut db, actor, &org).await?;
    let today = app.today();
    let period = period_of(year);
    let records = db
        .subsidy_records(Some(&org), year, period)
        .await?
        .pop()
        .map(|(_, r)| r)
        .ok_or(AppError::NotFound)?;
    let (_, existing) = db
        .applications(&ApplicationFilter {
            org_id: Some(org.clone()),
            year: Some(year),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for r in db.measures(Some(year)).await? {
        let f = rules::facts(
            &r.measure.id,
            year,
            period,
            today,
            &records,
            &BTreeMap::new(),
            None,
        );
        let assessment = rules::assess(&r.measure, &f);
        let app_row = existing
            .iter()
            .filter(|a| a.measure_code == r.measure.id && a.period == period)
            .max_by_key(|a| a.created_at);
        out.push(Eligibility {
            amount: Amount::of(assessment.amount_fen),
            measure: MeasureView::of(&r, today),
            assessment,
            application: app_row.map(|a| a.id.clone()),
            application_stage: app_row.map(|a| a.stage.label()),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- applying

/// A file attached to an application.
#[derive(Debug, Clone, Default)]
pub struct NewAttachment {
    /// File name.
    pub file_name: String,
    /// Media type (`application/pdf` …).
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// An application.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplyInput {
    /// Measure year.
    pub year: i32,
    /// Measure id.
    pub measure: String,
    /// Declared bases: base code → amount in 元 (at most two decimals).
    pub declared: BTreeMap<String, String>,
    /// Comment.
    pub comment: String,
}

fn check_attachments(files: &[NewAttachment], field: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if files.len() > MAX_ATTACHMENTS {
        errs.push(FieldError::new(field, "too_many_tags").with("max", MAX_ATTACHMENTS));
    }
    for (i, f) in files.iter().enumerate() {
        let name = f.file_name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errs.push(FieldError::new(
                format!("{field}[{i}].file_name"),
                "required",
            ));
        }
        if f.bytes.is_empty() {
            errs.push(
                FieldError::new(format!("{field}[{i}]"), "subsidy_attachment_empty")
                    .with("value", name),
            );
        }
        if f.bytes.len() > MAX_ATTACHMENT_BYTES {
            errs.push(
                FieldError::new(format!("{field}[{i}]"), "subsidy_attachment_too_large")
                    .with("value", name)
                    .with("max_mb", MAX_ATTACHMENT_BYTES / (1024 * 1024)),
            );
        }
    }
    errs
}

/// Reads declared bases written in 元 into fen, naming each bad field.
pub fn parse_declared(
    m: &Measure,
    input: &BTreeMap<String, String>,
) -> Result<BTreeMap<BaseKind, i64>, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut out = BTreeMap::new();
    for (k, v) in input {
        let field = format!("declared.{k}");
        let Some(kind) = BaseKind::from_code(k.trim()) else {
            errs.push(FieldError::new(field, "choice_invalid").with("value", k));
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        if !kind.is_declared() || m.declared_base() != Some(kind) {
            errs.push(
                FieldError::new(field, "subsidy_base_not_declared").with("value", kind.label()),
            );
            continue;
        }
        match Money::parse_yuan(v) {
            Ok(x) if x.fen() < 0 => {
                errs.push(FieldError::new(field, "value_negative").with("value", v.trim()));
            }
            Ok(x) => {
                out.insert(kind, x.fen());
            }
            Err(kechuang_core::money::NumberError::TooPrecise { max }) => errs.push(
                FieldError::new(field, "number_too_precise")
                    .with("value", v.trim())
                    .with("max_decimals", max),
            ),
            Err(kechuang_core::money::NumberError::OutOfRange) => {
                errs.push(FieldError::new(field, "number_out_of_range").with("value", v.trim()));
            }
            Err(_) => errs.push(FieldError::new(field, "number_invalid").with("value", v.trim())),
        }
    }
    if let Some(b) = m.declared_base()
        && !out.contains_key(&b)
        && errs.is_empty()
    {
        errs.push(FieldError::new(
            format!("declared.{}", b.code()),
            "required",
        ));
    }
    if errs.is_empty() { Ok(out) } else { Err(errs) }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn store_attachments(
    db: &mut Db,
    actor: &Actor,
    application_id: &str,
    files: &[NewAttachment],
    now: i64,
) -> AppResult<Vec<String>> {
    let mut ids = Vec::new();
    for f in files {
        let media = if f.media_type.trim().is_empty() {
            "application/octet-stream"
        } else {
            f.media_type.trim()
        };
        let meta = AttachmentMeta {
            id: kechuang_store::new_id(),
            application_id: application_id.to_string(),
            file_name: f.file_name.trim().to_string(),
            media_type: media.chars().take(100).collect(),
            size_bytes: f.bytes.len() as i64,
            sha256: hex(&Sha256::digest(&f.bytes)),
            uploaded_by: actor.tag(),
            created_at: now,
        };
        db.insert_attachment(&meta, &f.bytes).await?;
        ids.push(meta.id);
    }
    Ok(ids)
}

/// An enterprise applies for a measure, inside its window, with its declared
/// bases (in 元) and at least one attachment when it declares a base. It must be
/// eligible on today's facts; a second live application for the same measure and
/// period is refused.
pub async fn apply(
    app: &App,
    actor: &Actor,
    input: &ApplyInput,
    files: &[NewAttachment],
) -> AppResult<ApplicationView> {
    if actor.role != Role::Enterprise {
        return Err(AppError::Forbidden);
    }
    let org = actor.org_id.clone().ok_or(AppError::Forbidden)?;
    let mut db = app.store.read().await?;
    let m = measure_or(&mut db, input.year, &input.measure, "measure").await?;
    let today = app.today();
    let mut errs = Vec::new();
    if !m.measure.is_open(today) {
        errs.push(
            FieldError::new("measure", "subsidy_window_closed")
                .with("opens", m.measure.opens)
                .with("closes", m.measure.closes),
        );
    }
    let declared = parse_declared(&m.measure, &input.declared).unwrap_or_else(|e| {
        errs.extend(e);
        BTreeMap::new()
    });
    let comment = text(&input.comment, "comment", false)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    errs.extend(check_attachments(files, "attachments"));
    if !declared.is_empty() && files.is_empty() {
        errs.push(FieldError::new(
            "attachments",
            "subsidy_attachment_required",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let period = period_of(input.year);
    let records = db
        .subsidy_records(Some(&org), input.year, period)
        .await?
        .pop()
        .map(|(_, r)| r)
        .ok_or(AppError::Forbidden)?;
    drop(db);
    let f = rules::facts(
        &m.measure.id,
        input.year,
        period,
        today,
        &records,
        &declared,
        None,
    );
    let assessment = rules::assess(&m.measure, &f);
    if !assessment.eligible {
        let unmet = assessment
            .checks
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join("；");
        return Err(AppError::invalid(
            FieldError::new("measure", "subsidy_not_eligible").with("value", unmet),
        ));
    }
    let now = app.now();
    let id = kechuang_store::new_id();
    let rec = ApplicationRecord {
        id: id.clone(),
        measure_year: input.year,
        measure_code: m.measure.id.clone(),
        org_id: org.clone(),
        org_name: String::new(),
        period,
        source: "application".into(),
        stage: Stage::Submitted,
        declared,
        amount_applied_fen: assessment.amount_fen,
        assessment,
        amount_approved_fen: None,
        history: vec![HistoryEntry {
            step: "submit".into(),
            stage: Stage::Submitted,
            actor: actor.tag(),
            on: today,
            at_us: now,
            comment,
        }],
        objections: Vec::new(),
        rejection: None,
        publicity: None,
        submitted_on: Some(today),
        approved_on: None,
        paid_on: None,
        ledger_tx_id: None,
        created_at: now,
        updated_at: now,
    };
    let mut db = app.store.begin().await?;
    match db.insert_applications(std::slice::from_ref(&rec)).await {
        Ok(()) => {}
        Err(e) if e.is_conflict("subsidy_application_once_key") => {
            return Err(AppError::Conflict(
                FieldError::new("measure", "subsidy_duplicate").with("value", &m.measure.name),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let files_ids = store_attachments(&mut db, actor, &id, files, now).await?;
    db.append_event(
        &actor.tag(),
        "subsidy_application",
        &id,
        "subsidy.applied",
        &json!({
            "year": rec.measure_year, "measure": rec.measure_code, "org_id": org, "period": period,
            "declared": rec.declared, "amount_applied_fen": rec.amount_applied_fen, "attachments": files_ids,
        }),
    )
    .await?;
    db.commit().await?;
    application(app, actor, &id).await
}

/// Adds attachments to an application not yet decided (its enterprise, or
/// bureau staff).
pub async fn add_attachments(
    app: &App,
    actor: &Actor,
    id: &str,
    files: &[NewAttachment],
) -> AppResult<Vec<AttachmentMeta>> {
    let mut db = app.store.begin().await?;
    let a = visible(&mut db, actor, id).await?;
    if !(actor.is_bureau() || actor.role == Role::Enterprise) {
        return Err(AppError::Forbidden);
    }
    let errs = check_attachments(files, "attachments");
    if files.is_empty() {
        return Err(AppError::invalid(FieldError::new(
            "attachments",
            "required",
        )));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    if a.stage.is_final() || a.stage == Stage::Approved {
        return Err(AppError::Conflict(
            FieldError::new("stage", "subsidy_step_not_allowed").with("stage", a.stage.label()),
        ));
    }
    let ids = store_attachments(&mut db, actor, id, files, app.now()).await?;
    db.append_event(
        &actor.tag(),
        "subsidy_application",
        id,
        "subsidy.attached",
        &json!({"attachments": ids}),
    )
    .await?;
    db.commit().await?;
    let mut db = app.store.read().await?;
    Ok(db.attachments_of(id).await?)
}

/// An attachment's bytes: `(file name, media type, bytes)`, for whoever may see
/// its application.
pub async fn attachment(
    app: &App,
    actor: &Actor,
    attachment_id: &str,
) -> AppResult<(String, String, Vec<u8>)> {
    let mut db = app.store.read().await?;
    let (app_id, name, media, bytes) = db
        .attachment_content(attachment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    visible(&mut db, actor, &app_id).await?;
    Ok((name, media, bytes))
}

// ---------------------------------------------------------------- reading

/// Loads an application the actor may see (another enterprise's is 404).
async fn visible(db: &mut Db, actor: &Actor, id: &str) -> AppResult<ApplicationRecord> {
    let a = db.application(id.trim()).await?.ok_or(AppError::NotFound)?;
    if actor.is_bureau()
        || (actor.role == Role::Enterprise && actor.org_id.as_ref() == Some(&a.org_id))
    {
        Ok(a)
    } else {
        Err(AppError::NotFound)
    }
}

async fn measure_name(db: &mut Db, year: i32, code: &str) -> AppResult<String> {
    Ok(db
        .measure(year, code)
        .await?
        .map_or_else(|| code.to_string(), |m| m.measure.name))
}

/// One application with its history and attachments.
pub async fn application(app: &App, actor: &Actor, id: &str) -> AppResult<ApplicationView> {
    let mut db = app.store.read().await?;
    let a = visible(&mut db, actor, id).await?;
    let name = measure_name(&mut db, a.measure_year, &a.measure_code).await?;
    let files = db.attachments_of(&a.id).await?;
    Ok(view(a, name, files))
}

/// A page of applications.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplicationPage {
    /// Matching.
    pub total: i64,
    /// This page, most recently changed first.
    pub items: Vec<ApplicationView>,
}

/// Which applications to list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Stage codes, comma-separated.
    pub stage: String,
    /// Measure year.
    pub year: Option<i32>,
    /// Page (from 1).
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// Applications: bureau staff all, an enterprise its own.
pub async fn applications(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<ApplicationPage> {
    let org_id = if actor.is_bureau() {
        None
    } else if actor.role == Role::Enterprise {
        Some(actor.org_id.clone().ok_or(AppError::Forbidden)?)
    } else {
        return Err(AppError::Forbidden);
    };
    let mut stages = Vec::new();
    for s in q.stage.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        stages.push(Stage::parse(s).ok_or_else(|| {
            AppError::invalid(FieldError::new("stage", "choice_invalid").with("value", s))
        })?);
    }
    list(
        app,
        ApplicationFilter {
            org_id,
            stages,
            year: q.year,
            limit: 0,
            offset: 0,
        },
        q.page,
        q.per_page,
    )
    .await
}

async fn list(
    app: &App,
    mut f: ApplicationFilter,
    page: i64,
    per_page: i64,
) -> AppResult<ApplicationPage> {
    f.limit = if per_page <= 0 { 50 } else { per_page.min(500) };
    f.offset = (page.max(1) - 1) * f.limit;
    let mut db = app.store.read().await?;
    let (total, rows) = db.applications(&f).await?;
    let names: BTreeMap<(i32, String), String> = db
        .measures(None)
        .await?
        .into_iter()
        .map(|m| ((m.year, m.measure.id.clone()), m.measure.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|a| {
            let n = names
                .get(&(a.measure_year, a.measure_code.clone()))
                .cloned()
                .unwrap_or_else(|| a.measure_code.clone());
            view(a, n, Vec::new())
        })
        .collect();
    Ok(ApplicationPage { total, items })
}

/// A 公示 entry, public: who, for what, how much, until when.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicityEntry {
    /// Application.
    pub id: String,
    /// Enterprise name.
    pub org_name: String,
    /// Measure name.
    pub measure_name: String,
    /// Measure year.
    pub year: i32,
    /// Amount proposed.
    pub amount: Amount,
    /// 公示 from.
    pub from: Option<NaiveDate>,
    /// 公示 until.
    pub until: Option<NaiveDate>,
}

/// Applications in 公示, for anyone (no login needed).
pub async fn publicity(app: &App) -> AppResult<Vec<PublicityEntry>> {
    let page = list(
        app,
        ApplicationFilter {
            stages: vec![Stage::Publicized],
            ..Default::default()
        },
        1,
        500,
    )
    .await?;
    Ok(page
        .items
        .into_iter()
        .map(|a| PublicityEntry {
            amount: a.amount_applied.clone(),
            id: a.id,
            org_name: a.org_name,
            measure_name: a.measure_name,
            year: a.year,
            from: a.publicity_from,
            until: a.publicity_until,
        })
        .collect())
}

// ---------------------------------------------------------------- the flow

/// A step with its comment.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct StepInput {
    /// The step (`{"step": "accept"}`, `{"step": "publicize", "from": "2026-11-02",
    /// "working_days": 5}`, `{"step": "reject", "reason": "…"}` …).
    #[serde(flatten)]
    pub step: Step,
    /// Comment (optional).
    #[serde(default)]
    pub comment: String,
}

fn party(actor: &Actor) -> AppResult<Party> {
    match actor.role {
        Role::BureauAdmin => Ok(Party::Admin),
        Role::BureauReviewer => Ok(Party::Reviewer),
        Role::Enterprise => Ok(Party::Enterprise),
        _ => Err(AppError::Forbidden),
    }
}

fn step_code(s: &Step) -> &'static str {
    match s {
        Step::AcceptOffer => "accept_offer",
        Step::Accept => "accept",
        Step::PassFirstReview => "pass_first_review",
        Step::PassJointReview => "pass_joint_review",
        Step::Publicize { .. } => "publicize",
        Step::Object { .. } => "object",
        Step::SettleObjection { .. } => "settle_objection",
        Step::Approve => "approve",
        Step::Pay => "pay",
        Step::Reject { .. } => "reject",
        Step::Withdraw => "withdraw",
    }
}

/// Takes a step of the flow as `subsidy_flow` allows it for the actor's party.
/// Approval re-assesses the application on today's facts, fixes the amount and
/// commits it against the measure's annual budget (refused, nothing written,
/// when the budget or the firm's cap is used up). Payment is [`pay`].
pub async fn step(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &StepInput,
) -> AppResult<ApplicationView> {
    let who = party(actor)?;
    if matches!(input.step, Step::Pay) {
        return Err(AppError::invalid(FieldError::new(
            "step",
            "subsidy_pay_via_ledger",
        )));
    }
    let comment = text(&input.comment, "comment", false)?;
    let today = app.today();
    let now = app.now();
    let mut db = app.store.begin().await?;
    let mut a = visible(&mut db, actor, id).await?;
    let before = a.stage;
    let mut flow = Flow {
        stage: a.stage,
        publicity: a.publicity,
        objections: a.objections.clone(),
        rejection: a.rejection.clone(),
    };
    flow.step(who, &input.step, today, &calendar())
        .map_err(|e| {
            if e.field == "step" {
                AppError::Conflict(e)
            } else {
                AppError::invalid(e)
            }
        })?;
    a.stage = flow.stage;
    a.publicity = flow.publicity;
    a.objections = flow.objections;
    a.rejection = flow.rejection;
    match &input.step {
        Step::AcceptOffer => a.submitted_on = Some(today),
        Step::Approve => {
            let m = measure_or(&mut db, a.measure_year, &a.measure_code, "measure").await?;
            let records = db
                .subsidy_records(Some(&a.org_id), a.measure_year, a.period)
                .await?
                .pop()
                .map(|(_, r)| r)
                .unwrap_or_default();
            let f = rules::facts(
                &a.measure_code,
                a.measure_year,
                a.period,
                today,
                &records,
                &a.declared,
                None,
            );
            let assessment = rules::assess(&m.measure, &f);
            if !assessment.eligible {
                let code = if assessment.capped {
                    "subsidy_cap_reached"
                } else {
                    "subsidy_not_eligible"
                };
                let unmet = assessment
                    .checks
                    .iter()
                    .filter(|c| !c.met)
                    .map(|c| c.label.as_str())
                    .collect::<Vec<_>>()
                    .join("；");
                return Err(AppError::Conflict(
                    FieldError::new("amount_fen", code).with("value", unmet),
                ));
            }
            let amount = assessment.amount_fen;
            if !db
                .commit_measure_budget(a.measure_year, &a.measure_code, amount)
                .await?
            {
                return Err(AppError::Conflict(
                    FieldError::new("amount_fen", "subsidy_budget_exceeded")
                        .with("value", Money::from_fen(amount).wan_2dp())
                        .with(
                            "left",
                            Money::from_fen(m.measure.annual_budget_fen - m.committed_fen)
                                .wan_2dp(),
                        ),
                ));
            }
            a.assessment = assessment;
            a.amount_approved_fen = Some(amount);
            a.approved_on = Some(today);
        }
        _ => {}
    }
    let comment = match &input.step {
        Step::Reject { reason } => Some(reason.trim().to_string()),
        Step::Object { text } => Some(text.trim().to_string()),
        Step::SettleObjection { note, upheld, .. } => Some(format!(
            "{}：{}",
            if *upheld {
                "异议成立"
            } else {
                "异议不成立"
            },
            note.trim()
        )),
        _ => comment,
    };
    a.history.push(HistoryEntry {
        step: step_code(&input.step).into(),
        stage: a.stage,
        actor: actor.tag(),
        on: today,
        at_us: now,
        comment,
    });
    a.updated_at = now;
    if !db.update_application(&a, before).await? {
        return Err(AppError::Conflict(
            FieldError::new("step", "subsidy_stale").with("stage", before.label()),
        ));
    }
    db.append_event(
        &actor.tag(),
        "subsidy_application",
        &a.id,
        &format!("subsidy.{}", step_code(&input.step)),
        &json!({"step": input.step, "from": before.as_str(), "to": a.stage.as_str(), "amount_approved_fen": a.amount_approved_fen}),
    )
    .await?;
    db.commit().await?;
    application(app, actor, id).await
}

/// A payment's answer: the application and the ledger transaction.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Payment {
    /// The application after payment.
    pub application: ApplicationView,
    /// The ledger transaction (`replayed: true` when the key was used before).
    pub tx: TxView,
}

/// A bureau administrator pays an approved application from its measure's budget
/// line through the ledger (`basis = subsidy-application:<id>`, once per basis,
/// idempotent by `key`). Anything not approved is refused and nothing is written.
pub async fn pay(app: &App, actor: &Actor, id: &str, key: &str) -> AppResult<Payment> {
    actor.require_admin()?;
    let mut db = app.store.read().await?;
    let a = visible(&mut db, actor, id).await?;
    if !matches!(a.stage, Stage::Approved | Stage::Paid) {
        return Err(AppError::Conflict(
            FieldError::new("application", "subsidy_not_approved").with("stage", a.stage.label()),
        ));
    }
    let m = measure_or(&mut db, a.measure_year, &a.measure_code, "measure").await?;
    drop(db);
    let amount = a.amount_approved_fen.unwrap_or(0);
    let basis = basis_of(&a.id);
    let paid = ledger::pay(
        app,
        actor,
        &ledger::PayInput {
            key: key.to_string(),
            kind: "subsidy_payment".into(),
            from: m.budget_line(),
            org_id: a.org_id.to_string(),
            amount_fen: amount,
            basis: basis.clone(),
            memo: format!("{}年{}", a.measure_year, m.measure.name),
        },
    )
    .await;
    let tx = match paid {
        Ok(tx) => tx,
        Err(AppError::Conflict(e)) if e.code == "ledger_basis_paid" => {
            // Paid before under another key (perhaps by a run that stopped before
            // recording it here): record that payment, then refuse this one.
            if a.stage == Stage::Approved {
                let mut db = app.store.read().await?;
                if let Some(tx_id) = db.subsidy_payment_for(&basis).await? {
                    drop(db);
                    mark_paid(app, actor, a, &tx_id).await?;
                }
            }
            return Err(AppError::Conflict(e));
        }
        Err(e) => return Err(e),
    };
    if a.stage == Stage::Approved {
        mark_paid(app, actor, a, &tx.id).await?;
    }
    Ok(Payment {
        application: application(app, actor, id).await?,
        tx,
    })
}

async fn mark_paid(
    app: &App,
    actor: &Actor,
    mut a: ApplicationRecord,
    tx_id: &str,
) -> AppResult<()> {
    let today = app.today();
    let now = app.now();
    let mut flow = Flow {
        stage: a.stage,
        publicity: a.publicity,
        objections: a.objections.clone(),
        rejection: a.rejection.clone(),
    };
    flow.step(Party::Admin, &Step::Pay, today, &calendar())?;
    a.stage = flow.stage;
    a.paid_on = Some(today);
    a.ledger_tx_id = Some(tx_id.to_string());
    a.history.push(HistoryEntry {
        step: "pay".into(),
        stage: a.stage,
        actor: actor.tag(),
        on: today,
        at_us: now,
        comment: None,
    });
    a.updated_at = now;
    let mut db = app.store.begin().await?;
    // A concurrent payer may have recorded it first: then nothing to do.
    if db.update_application(&a, Stage::Approved).await? {
        db.append_event(
            &actor.tag(),
            "subsidy_application",
            &a.id,
            "subsidy.pay",
            &json!({"tx_id": tx_id, "amount_fen": a.amount_approved_fen}),
        )
        .await?;
        db.commit().await?;
    }
    Ok(())
}

/// The report's subsidy figures up to `to`: applications submitted (offers
/// accepted count) and the sum paid, since the measures began.
pub async fn report_figures(db: &mut Db, to: NaiveDate) -> AppResult<(i64, i64)> {
    Ok((
        db.count_subsidy_applications(to).await?,
        db.subsidy_paid_fen(to).await?,
    ))
}
