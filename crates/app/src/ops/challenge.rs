//! 揭榜挂帅 challenge calls (policy-rules.md §7.2): enterprises submit demands;
//! the bureau screens and refines them into calls and publishes them; teams and
//! consortia apply inside the window; a formal check; a panel drawn from the
//! expert pool with conflicts of interest found and excluded; scores, ranking
//! and selection (赛马); decision and 公示 with objections; the task contract with
//! milestones and tranches; milestone reviews; tranches paid through the ledger;
//! final acceptance against the KPIs.
//!
//! Every write is one database transaction with its event. Each write takes the
//! date it happens on (`today`: the web passes [`App::today`], the demo its own
//! dates); the `*_in` forms run inside a caller's transaction (the demo's).
//! The bureau runs the workflow; applicants see their own applications (others
//! are 404); reviewers see what they review; published calls and the 公示 are
//! public.

use crate::ops::ledger::Amount;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::FieldError;
use kechuang_core::challenge::{
    self as rules, CallStage, CallTerms, Conflict, Direction, Kpi, Milestone, Person, Project,
    ProjectStage, Score, Tranche, Verdict,
};
use kechuang_core::date::{from_iso, to_iso};
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::{Account, Transaction, TxKind};
use kechuang_core::money::Money;
use kechuang_core::role::Role;
use kechuang_store::{
    ChAcceptance, ChApplication, ChCall, ChCheck, ChConflict, ChConsortium, ChDemand, ChMember,
    ChObjection, ChPanelMember, ChProject, ChRanked, ChReview, ChScore, ChTranchePaid, Db,
    NewLedgerTx, StoreError,
};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The budget measure tranches are paid from: `budget:<year>:CHALLENGE`.
pub const BUDGET_MEASURE: &str = "CHALLENGE";
/// Longest free text (plan, problem).
pub const MAX_TEXT: usize = 5_000;
/// Default panel size.
pub const DEFAULT_PANEL: usize = 5;

/// The budget line of a year.
pub fn budget_account(year: i32) -> String {
    format!("budget:{year}:{BUDGET_MEASURE}")
}

/// The ledger basis of a tranche: `challenge-tranche:<project>:<index>`.
pub fn tranche_basis(project_id: &str, index: usize) -> String {
    format!("challenge-tranche:{project_id}:{index}")
}

// ---------------------------------------------------------------- input helpers

fn text(field: &str, s: &str, max: usize, required: bool, errs: &mut Vec<FieldError>) -> String {
    let t = s.trim();
    if t.is_empty() && required {
        errs.push(FieldError::new(field, "required"));
    } else if t.chars().count() > max {
        errs.push(FieldError::new(field, "too_long").with("max", max));
    }
    t.to_string()
}

fn date(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let t = s.trim();
    if t.is_empty() {
        errs.push(FieldError::new(field, "required"));
        return None;
    }
    let d = from_iso(t);
    if d.is_none() {
        errs.push(FieldError::new(field, "date_invalid").with("value", t));
    }
    d
}

fn opt_date(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        None
    } else {
        date(field, s, errs)
    }
}

fn fen(field: &str, v: i64, positive: bool, errs: &mut Vec<FieldError>) -> i64 {
    if v < 0 || (positive && v == 0) {
        errs.push(FieldError::new(field, "value_negative").with("value", Money::from_fen(v)));
    }
    v
}

fn decimal(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<Decimal> {
    match s.trim().parse::<Decimal>() {
        Ok(d) => Some(d),
        Err(_) => {
            errs.push(FieldError::new(field, "number_invalid").with("value", s.trim()));
            None
        }
    }
}

fn check(errs: Vec<FieldError>) -> AppResult<()> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errs))
    }
}

fn conflict(field: &str, code: &'static str) -> AppError {
    AppError::Conflict(FieldError::new(field, code))
}

async fn org_exists(db: &mut Db, field: &str, id: &str) -> AppResult<String> {
    let id = id.trim();
    match db.organisation(&OrgId(id.to_string())).await? {
        Some(o) => Ok(o.org.name),
        None => Err(AppError::invalid(
            FieldError::new(field, "not_found").with("value", id),
        )),
    }
}

async fn org_name(db: &mut Db, cache: &mut HashMap<String, String>, id: &str) -> AppResult<String> {
    if let Some(n) = cache.get(id) {
        return Ok(n.clone());
    }
    let n = db
        .organisation(&OrgId(id.to_string()))
        .await?
        .map(|o| o.org.name)
        .unwrap_or_else(|| id.to_string());
    cache.insert(id.to_string(), n.clone());
    Ok(n)
}

async fn event(
    db: &mut Db,
    actor: &Actor,
    entity: &str,
    id: &str,
    kind: &str,
    payload: serde_json::Value,
) -> AppResult<()> {
    db.append_event(&actor.tag(), entity, id, kind, &payload)
        .await?;
    Ok(())
}

async fn load_call(db: &mut Db, id: &str) -> AppResult<ChCall> {
    db.ch_call(id).await?.ok_or(AppError::NotFound)
}

/// The organisation an applicant-side actor acts for: its own, or (bureau) the
/// one named.
fn acting_org(actor: &Actor, named: &str) -> AppResult<String> {
    if actor.is_bureau() {
        let n = named.trim();
        if n.is_empty() {
            return Err(AppError::invalid(FieldError::new("org_id", "required")));
        }
        return Ok(n.to_string());
    }
    match (&actor.org_id, actor.role) {
        (Some(o), Role::Enterprise | Role::Research) => Ok(o.to_string()),
        _ => Err(AppError::Forbidden),
    }
}

// ---------------------------------------------------------------- demands

/// A bottleneck demand as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DemandInput {
    /// Proposer (bureau staff entering it for an enterprise; otherwise the actor's own).
    pub org_id: String,
    /// Title.
    pub title: String,
    /// Field.
    pub field: String,
    /// The problem.
    pub problem: String,
    /// Target indicators.
    pub indicators: String,
    /// Expected deliverable.
    pub deliverable: String,
    /// Co-funding offered, fen.
    pub cofunding_fen: i64,
    /// Wanted by (YYYY-MM-DD, optional).
    pub deadline: String,
    /// Confidential.
    pub confidential: bool,
}

/// An enterprise submits a demand (需求征集).
pub async fn submit_demand(
    app: &App,
    actor: &Actor,
    input: &DemandInput,
    today: NaiveDate,
) -> AppResult<ChDemand> {
    let mut db = app.store.begin().await?;
    let d = submit_demand_in(&mut db, actor, input, today, app.now()).await?;
    db.commit().await?;
    Ok(d)
}

/// [`submit_demand`] inside a transaction.
pub async fn submit_demand_in(
    db: &mut Db,
    actor: &Actor,
    input: &DemandInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChDemand> {
    let org = acting_org(actor, &input.org_id)?;
    let mut e = Vec::new();
    let d = ChDemand {
        id: kechuang_store::new_id(),
        org_id: org.clone(),
        title: text("title", &input.title, 200, true, &mut e),
        field: text("field", &input.field, 100, true, &mut e),
        problem: text("problem", &input.problem, MAX_TEXT, true, &mut e),
        indicators: text("indicators", &input.indicators, MAX_TEXT, true, &mut e),
        deliverable: text("deliverable", &input.deliverable, MAX_TEXT, false, &mut e),
        cofunding_fen: fen("cofunding_fen", input.cofunding_fen, false, &mut e),
        deadline: opt_date("deadline", &input.deadline, &mut e),
        confidential: input.confidential,
        status: "submitted".into(),
        call_id: None,
        note: None,
        submitted_on: today,
    };
    check(e)?;
    org_exists(db, "org_id", &org).await?;
    db.save_ch_demand(&d, now).await?;
    event(
        db,
        actor,
        "challenge_demand",
        &d.id,
        "challenge.demand.submitted",
        json!(d),
    )
    .await?;
    Ok(d)
}

/// The bureau's screening of a demand.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScreenInput {
    /// `screened` (kept for refinement) or `rejected`.
    pub status: String,
    /// Note (required for a rejection).
    pub note: String,
}

/// The bureau screens a submitted demand.
pub async fn screen_demand(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ScreenInput,
) -> AppResult<ChDemand> {
    actor.require_bureau()?;
    let mut db = app.store.begin().await?;
    let mut d = db.ch_demand(id).await?.ok_or(AppError::NotFound)?;
    let mut e = Vec::new();
    let status = input.status.trim();
    if !matches!(status, "screened" | "rejected") {
        e.push(FieldError::new("status", "choice_invalid").with("value", status));
    }
    let note = text("note", &input.note, 1000, status == "rejected", &mut e);
    check(e)?;
    if !matches!(d.status.as_str(), "submitted" | "screened") {
        return Err(conflict("status", "challenge_demand_closed"));
    }
    d.status = status.to_string();
    d.note = (!note.is_empty()).then_some(note);
    db.save_ch_demand(&d, app.now()).await?;
    event(
        &mut db,
        actor,
        "challenge_demand",
        &d.id,
        "challenge.demand.screened",
        json!({"status": d.status, "note": d.note}),
    )
    .await?;
    db.commit().await?;
    Ok(d)
}

/// Demands: the bureau all, an enterprise its own.
pub async fn demands(app: &App, actor: &Actor) -> AppResult<Vec<ChDemand>> {
    let mut db = app.store.read().await?;
    if actor.is_bureau() {
        return Ok(db.ch_demands(None).await?);
    }
    match &actor.org_id {
        Some(o) => Ok(db.ch_demands(Some(o.as_str())).await?),
        None => Err(AppError::Forbidden),
    }
}

// ---------------------------------------------------------------- calls

/// One KPI as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct KpiInput {
    /// Metric.
    pub metric: String,
    /// Target (decimal text).
    pub target: String,
    /// Unit.
    pub unit: String,
    /// `at_least` (default) or `at_most`.
    pub direction: String,
    /// Test method.
    pub test_method: String,
}

/// A call as refined by the bureau.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallInput {
    /// Title.
    pub title: String,
    /// 专项 group.
    pub group: String,
    /// Field (for the panel's pool).
    pub field: String,
    /// KPIs.
    pub kpis: Vec<KpiInput>,
    /// Months.
    pub duration_months: u32,
    /// Most granted per winner, fen.
    pub max_grant_fen: i64,
    /// 发榜方.
    pub issuer_org_id: String,
    /// Its co-funding per winner, fen.
    pub issuer_cofunding_fen: i64,
    /// Winners in parallel (赛马); 0 means 1.
    pub parallel_teams: u32,
    /// Lowest average a winner may have; empty means 60.
    pub min_score: String,
    /// Window from (YYYY-MM-DD).
    pub opens: String,
    /// Window to (inclusive).
    pub closes: String,
    /// 公示 days; 0 means 7.
    pub publicity_days: u32,
    /// Rectifications allowed; counted as given.
    pub max_rectifications: u32,
    /// Eligibility text.
    pub eligibility: String,
    /// Expert refinement opinions.
    pub opinions: Vec<String>,
    /// The demands it is refined from.
    pub demand_ids: Vec<String>,
}

/// The bureau refines demands into a call (stage draft).
pub async fn create_call(app: &App, actor: &Actor, input: &CallInput) -> AppResult<ChCall> {
    let mut db = app.store.begin().await?;
    let c = create_call_in(&mut db, actor, input, app.now()).await?;
    db.commit().await?;
    Ok(c)
}

/// [`create_call`] inside a transaction.
pub async fn create_call_in(
    db: &mut Db,
    actor: &Actor,
    input: &CallInput,
    now: i64,
) -> AppResult<ChCall> {
    actor.require_bureau()?;
    let mut e = Vec::new();
    let title = text("title", &input.title, 200, true, &mut e);
    let group = text("group", &input.group, 100, true, &mut e);
    let field = text("field", &input.field, 100, false, &mut e);
    let eligibility = text("eligibility", &input.eligibility, MAX_TEXT, false, &mut e);
    let mut kpis = Vec::new();
    for (i, k) in input.kpis.iter().enumerate() {
        let direction = match k.direction.trim() {
            "" | "at_least" => Direction::AtLeast,
            "at_most" => Direction::AtMost,
            other => {
                e.push(
                    FieldError::new(format!("kpis[{i}].direction"), "choice_invalid")
                        .with("value", other),
                );
                Direction::AtLeast
            }
        };
        let target = decimal(&format!("kpis[{i}].target"), &k.target, &mut e).unwrap_or_default();
        kpis.push(Kpi {
            metric: k.metric.trim().to_string(),
            target,
            unit: k.unit.trim().to_string(),
            direction,
            test_method: k.test_method.trim().to_string(),
        });
    }
    let min_score = if input.min_score.trim().is_empty() {
        Decimal::from(60)
    } else {
        decimal("min_score", &input.min_score, &mut e).unwrap_or_default()
    };
    let opens = date("opens", &input.opens, &mut e);
    let closes = date("closes", &input.closes, &mut e);
    if input.max_grant_fen <= 0 {
        e.push(
            FieldError::new("max_grant_fen", "value_negative")
                .with("value", Money::from_fen(input.max_grant_fen)),
        );
    }
    if input.issuer_cofunding_fen < 0 {
        e.push(
            FieldError::new("issuer_cofunding_fen", "value_negative")
                .with("value", Money::from_fen(input.issuer_cofunding_fen)),
        );
    }
    let (Some(opens), Some(closes)) = (opens, closes) else {
        return Err(AppError::Invalid(e));
    };
    let terms = CallTerms {
        title: title.clone(),
        kpis,
        duration_months: input.duration_months,
        max_grant: Money::from_fen(input.max_grant_fen.max(1)),
        issuer_cofunding: Money::from_fen(input.issuer_cofunding_fen.max(0)),
        parallel_teams: input.parallel_teams.max(1),
        min_score,
        opens,
        closes,
        publicity_days: if input.publicity_days == 0 {
            7
        } else {
            input.publicity_days
        },
        max_rectifications: input.max_rectifications,
    };
    if let Err(te) = terms.validate() {
        for f in te {
            if !e.iter().any(|x| x.field == f.field) {
                e.push(f);
            }
        }
    }
    check(e)?;
    let issuer = input.issuer_org_id.trim();
    let issuer_org_id = if issuer.is_empty() {
        None
    } else {
        org_exists(db, "issuer_org_id", issuer).await?;
        Some(issuer.to_string())
    };
    let mut demands = Vec::new();
    for (i, id) in input.demand_ids.iter().enumerate() {
        let d = db.ch_demand(id.trim()).await?.ok_or_else(|| {
            AppError::invalid(
                FieldError::new(format!("demand_ids[{i}]"), "not_found").with("value", id.trim()),
            )
        })?;
        if !matches!(d.status.as_str(), "submitted" | "screened") {
            return Err(AppError::invalid(FieldError::new(
                format!("demand_ids[{i}]"),
                "challenge_demand_closed",
            )));
        }
        demands.push(d);
    }
    let call = ChCall {
        id: kechuang_store::new_id(),
        group,
        field,
        stage: CallStage::Draft,
        terms,
        issuer_org_id,
        eligibility,
        opinions: input
            .opinions
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        demand_ids: demands.iter().map(|d| d.id.clone()).collect(),
        published_on: None,
        ranking: Vec::new(),
        decided_on: None,
        publicity_from: None,
        publicity_to: None,
    };
    db.save_ch_call(&call, now).await?;
    for mut d in demands {
        d.status = "merged".into();
        d.call_id = Some(call.id.clone());
        db.save_ch_demand(&d, now).await?;
    }
    event(
        db,
        actor,
        "challenge_call",
        &call.id,
        "challenge.call.created",
        json!(call),
    )
    .await?;
    Ok(call)
}

/// A stage change asked of a call.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AdvanceInput {
    /// The stage wanted (`published`, `reviewing`, `publicity`, `running`,
    /// `closed`, `cancelled`).
    pub to: String,
}

/// The bureau moves a call to its next stage: publish (terms valid), review (the
/// window closed), publicity (ranks the scored applications and selects the
/// winners; at least one), running (the 公示 over with no open objection), back to
/// review from the 公示, close (every project finished), cancel. A refusal
/// changes nothing.
pub async fn advance(
    app: &App,
    actor: &Actor,
    call_id: &str,
    input: &AdvanceInput,
    today: NaiveDate,
) -> AppResult<ChCall> {
    let mut db = app.store.begin().await?;
    let c = advance_in(&mut db, actor, call_id, input, today, app.now()).await?;
    db.commit().await?;
    Ok(c)
}

/// [`advance`] inside a transaction.
pub async fn advance_in(
    db: &mut Db,
    actor: &Actor,
    call_id: &str,
    input: &AdvanceInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChCall> {
    actor.require_bureau()?;
    let mut call = load_call(db, call_id).await?;
    let Some(to) = CallStage::parse(input.to.trim()) else {
        return Err(AppError::invalid(
            FieldError::new("to", "choice_invalid").with("value", input.to.trim()),
        ));
    };
    let from = call.stage;
    let mut ranking = None;
    let ready = match (from, to) {
        (CallStage::Draft, CallStage::Published) => {
            call.terms.validate().is_ok() && call.terms.closes >= today
        }
        (CallStage::Published, CallStage::Reviewing) => today > call.terms.closes,
        (CallStage::Reviewing, CallStage::Publicity) => {
            let r = rank_call(db, &call).await?;
            let any = r.iter().any(|x| x.selected);
            ranking = Some(r);
            any
        }
        (CallStage::Publicity, CallStage::Running) => {
            let open = db
                .ch_objections(call_id)
                .await?
                .iter()
                .any(|o| o.outcome == "open");
            call.publicity_to.is_some_and(|t| today > t) && !open
        }
        (CallStage::Running, CallStage::Closed) => {
            let ps = db.ch_projects(Some(call_id), None).await?;
            !ps.is_empty() && ps.iter().all(|p| p.project.stage.is_final())
        }
        _ => true,
    };
    call.stage = from.advance(to, ready).map_err(AppError::invalid)?;
    match (from, to) {
        (CallStage::Draft, CallStage::Published) => call.published_on = Some(today),
        (CallStage::Reviewing, CallStage::Publicity) => {
            let r = ranking.unwrap_or_default();
            for row in &r {
                if let Some(mut a) = db.ch_application(&row.application_id).await? {
                    a.stage = if row.selected {
                        "selected"
                    } else {
                        "not_selected"
                    }
                    .into();
                    db.save_ch_application(&a, now).await?;
                }
            }
            call.ranking = r;
            call.decided_on = Some(today);
            call.publicity_from = Some(today);
            call.publicity_to =
                Some(today + chrono::Days::new(u64::from(call.terms.publicity_days.max(1)) - 1));
        }
        (CallStage::Publicity, CallStage::Reviewing) => reopen(db, &mut call, now).await?,
        _ => {}
    }
    db.save_ch_call(&call, now).await?;
    event(db, actor, "challenge_call", &call.id, "challenge.call.stage", json!({"from": from.as_str(), "to": to.as_str(), "on": to_iso(today), "ranking": call.ranking})).await?;
    Ok(call)
}

/// Back to review: the decision withdrawn, the selected applications back to
/// passed.
async fn reopen(db: &mut Db, call: &mut ChCall, now: i64) -> AppResult<()> {
    for mut a in db.ch_applications(Some(&call.id), None).await? {
        if matches!(a.stage.as_str(), "selected" | "not_selected") {
            a.stage = "passed".into();
            db.save_ch_application(&a, now).await?;
        }
    }
    call.ranking.clear();
    call.decided_on = None;
    call.publicity_from = None;
    call.publicity_to = None;
    Ok(())
}

/// Ranks a call's checked applications by the scores of the drawn panel.
async fn rank_call(db: &mut Db, call: &ChCall) -> AppResult<Vec<ChRanked>> {
    let apps: Vec<ChApplication> = db
        .ch_applications(Some(&call.id), None)
        .await?
        .into_iter()
        .filter(|a| a.check.as_ref().is_some_and(|c| c.passed))
        .collect();
    let panel: BTreeSet<String> = db
        .ch_panel(&call.id)
        .await?
        .into_iter()
        .filter(|p| !p.excluded)
        .map(|p| p.expert_id)
        .collect();
    let index: HashMap<&str, i64> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i as i64))
        .collect();
    let experts: BTreeMap<&str, i64> = panel
        .iter()
        .enumerate()
        .map(|(i, e)| (e.as_str(), i as i64))
        .collect();
    let stored = db.ch_scores(&call.id).await?;
    let scores: Vec<Score> = stored
        .iter()
        .filter_map(|s| {
            Some(Score {
                application_id: *index.get(s.application_id.as_str())?,
                reviewer_id: *experts.get(s.expert_id.as_str())?,
                score: s.score,
            })
        })
        .collect();
    let ids: Vec<i64> = (0..apps.len() as i64).collect();
    Ok(rules::rank(&ids, &scores, &call.terms)
        .into_iter()
        .map(|r| ChRanked {
            application_id: apps[r.application_id as usize].id.clone(),
            average: r.average,
            scores: r.scores,
            rank: r.rank,
            selected: r.selected,
        })
        .collect())
}

/// A call as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CallView {
    /// The call.
    #[serde(flatten)]
    pub call: ChCall,
    /// Stage, zh-CN.
    pub stage_zh: &'static str,
    /// KPI statements, zh-CN.
    pub kpi_labels: Vec<String>,
    /// Maximum grant.
    pub max_grant: Amount,
    /// Issuer co-funding.
    pub cofunding: Amount,
    /// Issuer's name.
    pub issuer_name: Option<String>,
    /// Whether applications are accepted today.
    pub open_now: bool,
}

async fn call_view(
    db: &mut Db,
    names: &mut HashMap<String, String>,
    call: ChCall,
    today: NaiveDate,
) -> AppResult<CallView> {
    let issuer_name = match &call.issuer_org_id {
        Some(o) => Some(org_name(db, names, o).await?),
        None => None,
    };
    Ok(CallView {
        stage_zh: call.stage.label(),
        kpi_labels: call.terms.kpis.iter().map(Kpi::label).collect(),
        max_grant: Amount::of(call.terms.max_grant.fen()),
        cofunding: Amount::of(call.terms.issuer_cofunding.fen()),
        issuer_name,
        open_now: call.stage == CallStage::Published && call.terms.is_open(today),
        call,
    })
}

fn is_public(stage: CallStage) -> bool {
    !matches!(stage, CallStage::Draft)
}

/// Calls: everyone the published ones (every stage from 已发榜 on); the bureau
/// drafts too.
pub async fn calls(app: &App, actor: Option<&Actor>) -> AppResult<Vec<CallView>> {
    let mut db = app.store.read().await?;
    let bureau = actor.is_some_and(Actor::is_bureau);
    let today = app.today();
    let mut names = HashMap::new();
    let mut out = Vec::new();
    for c in db.ch_calls(&[]).await? {
        if bureau || is_public(c.stage) {
            out.push(call_view(&mut db, &mut names, c, today).await?);
        }
    }
    Ok(out)
}

/// One call (a draft only for the bureau; otherwise 404).
pub async fn call(app: &App, actor: Option<&Actor>, id: &str) -> AppResult<CallView> {
    let mut db = app.store.read().await?;
    let c = load_call(&mut db, id).await?;
    if !is_public(c.stage) && !actor.is_some_and(Actor::is_bureau) {
        return Err(AppError::NotFound);
    }
    call_view(&mut db, &mut HashMap::new(), c, app.today()).await
}

/// One winner in a 公示.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicityRow {
    /// Call.
    pub call_id: String,
    /// Call title.
    pub call_title: String,
    /// Application.
    pub application_id: String,
    /// Lead organisation.
    pub lead_org_name: String,
    /// Average score.
    pub average: Decimal,
    /// Rank.
    pub rank: usize,
    /// 公示 from.
    pub from: Option<NaiveDate>,
    /// 公示 to.
    pub to: Option<NaiveDate>,
}

/// The 公示 (public): the selected applications of calls in publicity.
pub async fn publicity(app: &App) -> AppResult<Vec<PublicityRow>> {
    let mut db = app.store.read().await?;
    let mut names = HashMap::new();
    let mut out = Vec::new();
    for c in db.ch_calls(&[CallStage::Publicity]).await? {
        for r in c.ranking.iter().filter(|r| r.selected) {
            let Some(a) = db.ch_application(&r.application_id).await? else {
                continue;
            };
            out.push(PublicityRow {
                call_id: c.id.clone(),
                call_title: c.terms.title.clone(),
                application_id: a.id.clone(),
                lead_org_name: org_name(&mut db, &mut names, &a.lead_org_id).await?,
                average: r.average,
                rank: r.rank,
                from: c.publicity_from,
                to: c.publicity_to,
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- applications

/// One team member as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct MemberInput {
    /// Name.
    pub name: String,
    /// Organisation (optional).
    pub org_id: String,
    /// Expert record, when the member is one.
    pub expert_id: String,
    /// Role.
    pub role: String,
}

/// One milestone as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct MilestoneInput {
    /// What.
    pub title: String,
    /// Due (YYYY-MM-DD).
    pub due: String,
}

/// An application (揭榜申报).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    /// Lead organisation (bureau entering for it; otherwise the actor's own).
    pub lead_org_id: String,
    /// Partner organisations.
    pub partner_org_ids: Vec<String>,
    /// Consortium name (optional).
    pub consortium_name: String,
    /// Every member of the consortium (besides lead and partners).
    pub consortium_member_ids: Vec<String>,
    /// Team.
    pub team: Vec<MemberInput>,
    /// Plan.
    pub plan: String,
    /// Milestones.
    pub milestones: Vec<MilestoneInput>,
    /// Budget, fen.
    pub budget_fen: i64,
    /// Own matching funds, fen.
    pub matching_fen: i64,
    /// Attachment names.
    pub attachments: Vec<String>,
}

fn milestones(input: &[MilestoneInput], e: &mut Vec<FieldError>) -> Vec<Milestone> {
    input
        .iter()
        .enumerate()
        .map(|(i, m)| Milestone {
            title: text(&format!("milestones[{i}].title"), &m.title, 200, true, e),
            due: date(&format!("milestones[{i}].due"), &m.due, e).unwrap_or(NaiveDate::MIN),
        })
        .collect()
}

/// A team or consortium applies to a published call inside its window.
pub async fn apply(
    app: &App,
    actor: &Actor,
    call_id: &str,
    input: &ApplicationInput,
    today: NaiveDate,
) -> AppResult<ChApplication> {
    let mut db = app.store.begin().await?;
    let a = apply_in(&mut db, actor, call_id, input, today, app.now()).await?;
    db.commit().await?;
    Ok(a)
}

/// [`apply`] inside a transaction.
pub async fn apply_in(
    db: &mut Db,
    actor: &Actor,
    call_id: &str,
    input: &ApplicationInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChApplication> {
    let lead = acting_org(actor, &input.lead_org_id)?;
    let call = load_call(db, call_id).await?;
    if !is_public(call.stage) {
        return Err(AppError::NotFound);
    }
    if call.stage != CallStage::Published || !call.terms.is_open(today) {
        return Err(AppError::invalid(
            FieldError::new("call_id", "challenge_window_closed")
                .with("opens", call.terms.opens)
                .with("closes", call.terms.closes),
        ));
    }
    let mut e = Vec::new();
    let plan = text("plan", &input.plan, MAX_TEXT, true, &mut e);
    if input.team.is_empty() {
        e.push(FieldError::new("team", "required"));
    }
    let mut team = Vec::new();
    for (i, m) in input.team.iter().enumerate() {
        team.push(ChMember {
            name: text(&format!("team[{i}].name"), &m.name, 50, true, &mut e),
            org_id: Some(m.org_id.trim().to_string()).filter(|s| !s.is_empty()),
            expert_id: Some(m.expert_id.trim().to_string()).filter(|s| !s.is_empty()),
            role: m.role.trim().to_string(),
        });
    }
    let ms = milestones(&input.milestones, &mut e);
    if ms.is_empty() {
        e.push(FieldError::new(
            "milestones",
            "challenge_milestones_required",
        ));
    }
    // Milestones in order within the call's duration from the window's close.
    let end = call
        .terms
        .closes
        .checked_add_months(chrono::Months::new(call.terms.duration_months))
        .unwrap_or(NaiveDate::MAX);
    let mut prev = call.terms.closes;
    for (i, m) in ms.iter().enumerate() {
        if m.due != NaiveDate::MIN && (m.due <= prev || m.due > end) {
            e.push(
                FieldError::new(format!("milestones[{i}].due"), "challenge_milestone_order")
                    .with("end", end),
            );
        }
        prev = prev.max(m.due);
    }
    let budget_fen = fen("budget_fen", input.budget_fen, true, &mut e);
    let matching_fen = fen("matching_fen", input.matching_fen, false, &mut e);
    let partners: Vec<String> = input
        .partner_org_ids
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if partners.contains(&lead) {
        e.push(FieldError::new(
            "partner_org_ids",
            "challenge_partner_is_lead",
        ));
    }
    check(e)?;
    org_exists(db, "lead_org_id", &lead).await?;
    for (i, p) in partners.iter().enumerate() {
        org_exists(db, &format!("partner_org_ids[{i}]"), p).await?;
    }
    for (i, m) in team.iter().enumerate() {
        if let Some(o) = &m.org_id {
            org_exists(db, &format!("team[{i}].org_id"), o).await?;
        }
        if let Some(x) = &m.expert_id
            && db.expert(x).await?.is_none()
        {
            return Err(AppError::invalid(
                FieldError::new(format!("team[{i}].expert_id"), "not_found").with("value", x),
            ));
        }
    }
    let consortium = if input.consortium_name.trim().is_empty() {
        None
    } else {
        let mut members: Vec<String> = std::iter::once(lead.clone())
            .chain(partners.iter().cloned())
            .collect();
        for (i, m) in input
            .consortium_member_ids
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            org_exists(db, &format!("consortium_member_ids[{i}]"), m).await?;
            if !members.iter().any(|x| x == m) {
                members.push(m.to_string());
            }
        }
        Some(ChConsortium {
            name: input.consortium_name.trim().to_string(),
            member_org_ids: members,
        })
    };
    if !db
        .ch_applications(Some(call_id), Some(&lead))
        .await?
        .is_empty()
    {
        return Err(conflict("lead_org_id", "challenge_already_applied"));
    }
    let a = ChApplication {
        id: kechuang_store::new_id(),
        call_id: call.id.clone(),
        lead_org_id: lead,
        partner_org_ids: partners,
        consortium,
        team,
        plan,
        milestones: ms,
        budget_fen,
        matching_fen,
        attachments: input
            .attachments
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        check: None,
        stage: "submitted".into(),
        submitted_on: today,
    };
    match db.save_ch_application(&a, now).await {
        Err(StoreError::Conflict { .. }) => {
            return Err(conflict("lead_org_id", "challenge_already_applied"));
        }
        r => r?,
    }
    event(
        db,
        actor,
        "challenge_application",
        &a.id,
        "challenge.application.submitted",
        json!(a),
    )
    .await?;
    Ok(a)
}

/// The formal check of an application.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CheckInput {
    /// Passed.
    pub passed: bool,
    /// Reasons (required for a failure).
    pub reasons: Vec<String>,
}

/// The bureau records the formal check (形式审查) while the call is in review and
/// before the panel scores.
pub async fn formal_check(
    app: &App,
    actor: &Actor,
    application_id: &str,
    input: &CheckInput,
    today: NaiveDate,
) -> AppResult<ChApplication> {
    let mut db = app.store.begin().await?;
    let a = formal_check_in(&mut db, actor, application_id, input, today, app.now()).await?;
    db.commit().await?;
    Ok(a)
}

/// [`formal_check`] inside a transaction.
pub async fn formal_check_in(
    db: &mut Db,
    actor: &Actor,
    application_id: &str,
    input: &CheckInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChApplication> {
    actor.require_bureau()?;
    let mut a = db
        .ch_application(application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let call = load_call(db, &a.call_id).await?;
    let reasons: Vec<String> = input
        .reasons
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if !input.passed && reasons.is_empty() {
        return Err(AppError::invalid(FieldError::new("reasons", "required")));
    }
    if call.stage != CallStage::Reviewing
        || !matches!(a.stage.as_str(), "submitted" | "passed" | "failed")
    {
        return Err(AppError::Conflict(
            FieldError::new("stage", "challenge_stage_not_allowed")
                .with("from", call.stage.label())
                .with("to", "形式审查"),
        ));
    }
    if db
        .ch_scores(&call.id)
        .await?
        .iter()
        .any(|s| s.application_id == a.id)
    {
        return Err(conflict("application_id", "challenge_already_scored"));
    }
    a.check = Some(ChCheck {
        passed: input.passed,
        reasons,
        by: actor.tag(),
        on: today,
    });
    a.stage = if input.passed { "passed" } else { "failed" }.into();
    db.save_ch_application(&a, now).await?;
    event(
        db,
        actor,
        "challenge_application",
        &a.id,
        "challenge.application.checked",
        json!(a.check),
    )
    .await?;
    Ok(a)
}

/// An application as shown, with names.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplicationView {
    /// The application.
    #[serde(flatten)]
    pub application: ChApplication,
    /// Call title.
    pub call_title: String,
    /// Lead organisation's name.
    pub lead_org_name: String,
    /// Budget.
    pub budget: Amount,
    /// Matching funds.
    pub matching: Amount,
}

async fn application_view(
    db: &mut Db,
    names: &mut HashMap<String, String>,
    a: ChApplication,
) -> AppResult<ApplicationView> {
    let call_title = db
        .ch_call(&a.call_id)
        .await?
        .map(|c| c.terms.title)
        .unwrap_or_default();
    Ok(ApplicationView {
        call_title,
        lead_org_name: org_name(db, names, &a.lead_org_id).await?,
        budget: Amount::of(a.budget_fen),
        matching: Amount::of(a.matching_fen),
        application: a,
    })
}

fn is_party(actor: &Actor, a: &ChApplication) -> bool {
    actor.org_id.as_ref().is_some_and(|o| {
        a.lead_org_id == o.as_str() || a.partner_org_ids.iter().any(|p| p == o.as_str())
    })
}

/// Whether the actor reviews (as a drawn expert's account) the applications of a call.
async fn reviews_call(
    db: &mut Db,
    actor: &Actor,
    call_id: &str,
) -> AppResult<Option<ChPanelMember>> {
    let Some(u) = &actor.user_id else {
        return Ok(None);
    };
    Ok(db
        .ch_panel_of_user(u.as_str())
        .await?
        .into_iter()
        .find(|p| p.call_id == call_id))
}

/// One application: the bureau, its lead or partner organisations, and the call's
/// drawn reviewers (once it passed the formal check); anyone else 404.
pub async fn application(app: &App, actor: &Actor, id: &str) -> AppResult<ApplicationView> {
    let mut db = app.store.read().await?;
    let a = db.ch_application(id).await?.ok_or(AppError::NotFound)?;
    let ok = actor.is_bureau()
        || is_party(actor, &a)
        || (a.check.as_ref().is_some_and(|c| c.passed)
            && reviews_call(&mut db, actor, &a.call_id).await?.is_some());
    if !ok {
        return Err(AppError::NotFound);
    }
    application_view(&mut db, &mut HashMap::new(), a).await
}

/// The applications of the actor's organisation (lead or partner).
pub async fn my_applications(app: &App, actor: &Actor) -> AppResult<Vec<ApplicationView>> {
    let Some(org) = &actor.org_id else {
        return Ok(Vec::new());
    };
    let mut db = app.store.read().await?;
    let mut names = HashMap::new();
    let mut out = Vec::new();
    for a in db.ch_applications(None, None).await? {
        if a.lead_org_id == org.as_str() || a.partner_org_ids.iter().any(|p| p == org.as_str()) {
            out.push(application_view(&mut db, &mut names, a).await?);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- panel and scores

/// Drawing the panel.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PanelInput {
    /// Reviewers wanted; 0 means 5.
    pub size: usize,
    /// Draw seed (the same inputs give the same panel).
    pub seed: u64,
}

struct Interner(HashMap<String, i64>);

impl Interner {
    fn id(&mut self, s: String) -> i64 {
        let n = self.0.len() as i64 + 1;
        *self.0.entry(s).or_insert(n)
    }
}

fn conflict_kind(c: &Conflict) -> &'static str {
    match c {
        Conflict::SamePerson => "same_person",
        Conflict::SameOrganisation { .. } => "same_organisation",
        Conflict::SharedProject { .. } => "shared_project",
        Conflict::SharedContract { .. } => "shared_contract",
        Conflict::ConsortiumMember { .. } => "consortium_member",
    }
}

/// The bureau draws the review panel of a call in review from the expert pool
/// (experts of the call's field first; the whole pool when they are too few),
/// excluding everyone with a conflict of interest with a checked application:
/// the same person, the same organisation, a past challenge project with a team
/// member, a collaboration of the matchmaking chain between the expert's
/// organisation and an applicant's, membership of the applicant's consortium.
pub async fn draw_panel(
    app: &App,
    actor: &Actor,
    call_id: &str,
    input: &PanelInput,
) -> AppResult<Vec<ChPanelMember>> {
    let mut db = app.store.begin().await?;
    let p = draw_panel_in(&mut db, actor, call_id, input, app.now()).await?;
    db.commit().await?;
    Ok(p)
}

/// [`draw_panel`] inside a transaction.
pub async fn draw_panel_in(
    db: &mut Db,
    actor: &Actor,
    call_id: &str,
    input: &PanelInput,
    now: i64,
) -> AppResult<Vec<ChPanelMember>> {
    actor.require_bureau()?;
    let call = load_call(db, call_id).await?;
    if call.stage != CallStage::Reviewing {
        return Err(AppError::Conflict(
            FieldError::new("stage", "challenge_stage_not_allowed")
                .with("from", call.stage.label())
                .with("to", "抽取评审专家"),
        ));
    }
    if !db.ch_scores(call_id).await?.is_empty() {
        return Err(conflict("call_id", "challenge_already_scored"));
    }
    let size = if input.size == 0 {
        DEFAULT_PANEL
    } else {
        input.size
    };
    let apps: Vec<ChApplication> = db
        .ch_applications(Some(call_id), None)
        .await?
        .into_iter()
        .filter(|a| a.stage == "passed")
        .collect();
    if apps.is_empty() {
        return Err(AppError::invalid(FieldError::new(
            "call_id",
            "challenge_no_checked_applications",
        )));
    }
    let pool = db.ch_expert_pool().await?;
    let collabs = db.ch_collaboration_pairs().await?;
    // Past challenge projects: the experts on each project's team.
    let mut expert_projects: HashMap<String, Vec<String>> = HashMap::new();
    for p in db.ch_projects(None, None).await? {
        if let Some(a) = db.ch_application(&p.application_id).await? {
            for m in a.team.iter().filter_map(|m| m.expert_id.clone()) {
                expert_projects.entry(m).or_default().push(p.id.clone());
            }
        }
    }
    let mut ids = Interner(HashMap::new());
    let collab_of = |ids: &mut Interner, org: &str| -> Vec<i64> {
        collabs
            .iter()
            .filter(|(_, a, b)| a == org || b == org)
            .map(|(c, _, _)| ids.id(format!("collab:{c}")))
            .collect()
    };
    let mut applicants = Vec::new();
    for (i, a) in apps.iter().enumerate() {
        let mut team = Vec::new();
        for (j, m) in a.team.iter().enumerate() {
            let id = match &m.expert_id {
                Some(x) => ids.id(format!("expert:{x}")),
                None => ids.id(format!("member:{}:{j}", a.id)),
            };
            team.push(Person {
                id,
                name: m.name.clone(),
                org_id: m.org_id.as_ref().map(|o| ids.id(format!("org:{o}"))),
                past_org_ids: Vec::new(),
                projects: m
                    .expert_id
                    .as_ref()
                    .and_then(|x| expert_projects.get(x))
                    .map(|v| v.iter().map(|p| ids.id(format!("project:{p}"))).collect())
                    .unwrap_or_default(),
                contracts: m
                    .org_id
                    .as_ref()
                    .map(|o| collab_of(&mut ids, o))
                    .unwrap_or_default(),
                consortia: Vec::new(),
            });
        }
        // Each applicant organisation stands in the team for its own co-operation.
        for o in std::iter::once(&a.lead_org_id).chain(a.partner_org_ids.iter()) {
            team.push(Person {
                id: ids.id(format!("orgmember:{}:{o}", a.id)),
                name: format!("申报单位{o}"),
                org_id: Some(ids.id(format!("org:{o}"))),
                contracts: collab_of(&mut ids, o),
                ..Person::default()
            });
        }
        applicants.push(rules::Applicant {
            id: i as i64,
            lead_org_id: ids.id(format!("org:{}", a.lead_org_id)),
            partner_org_ids: a
                .partner_org_ids
                .iter()
                .map(|o| ids.id(format!("org:{o}")))
                .collect(),
            consortium_id: a
                .consortium
                .as_ref()
                .map(|_| ids.id(format!("consortium:{}", a.id))),
            team,
        });
    }
    let field = call.field.trim().to_lowercase();
    let fits = |fields: &[String]| {
        !field.is_empty()
            && fields.iter().any(|f| {
                let f = f.to_lowercase();
                f.contains(&field) || field.contains(&f)
            })
    };
    let mut persons = Vec::new();
    let mut by_person: HashMap<i64, usize> = HashMap::new();
    for (k, x) in pool.iter().enumerate() {
        let id = ids.id(format!("expert:{}", x.id));
        by_person.insert(id, k);
        let consortia = apps
            .iter()
            .filter(|a| {
                a.consortium
                    .as_ref()
                    .is_some_and(|c| c.member_org_ids.contains(&x.org_id))
            })
            .map(|a| ids.id(format!("consortium:{}", a.id)))
            .collect();
        persons.push((
            fits(&x.fields),
            Person {
                id,
                name: x.name.clone(),
                org_id: Some(ids.id(format!("org:{}", x.org_id))),
                past_org_ids: Vec::new(),
                projects: expert_projects
                    .get(&x.id)
                    .map(|v| v.iter().map(|p| ids.id(format!("project:{p}"))).collect())
                    .unwrap_or_default(),
                contracts: collab_of(&mut ids, &x.org_id),
                consortia,
            },
        ));
    }
    let fitting: Vec<Person> = persons
        .iter()
        .filter(|(f, _)| *f)
        .map(|(_, p)| p.clone())
        .collect();
    let all: Vec<Person> = persons.into_iter().map(|(_, p)| p).collect();
    let drawn = match rules::draw_panel(&fitting, &applicants, size, input.seed) {
        Ok(d) => d,
        Err(_) => {
            rules::draw_panel(&all, &applicants, size, input.seed).map_err(AppError::invalid)?
        }
    };
    let (chosen, _) = drawn;
    // Every conflicted expert of the pool, with what and with whom.
    let mut rows = Vec::new();
    for p in &chosen {
        let x = &pool[by_person[&p.id]];
        rows.push(ChPanelMember {
            call_id: call.id.clone(),
            expert_id: x.id.clone(),
            name: x.name.clone(),
            org_id: x.org_id.clone(),
            excluded: false,
            conflicts: Vec::new(),
            user_id: None,
        });
    }
    for r in &all {
        let found: Vec<ChConflict> = applicants
            .iter()
            .flat_map(|a| {
                let app_id = apps[a.id as usize].id.clone();
                rules::conflicts(r, a).into_iter().map(move |c| ChConflict {
                    application_id: app_id.clone(),
                    kind: conflict_kind(&c).into(),
                    label: c.label(),
                })
            })
            .collect();
        if !found.is_empty() {
            let x = &pool[by_person[&r.id]];
            rows.push(ChPanelMember {
                call_id: call.id.clone(),
                expert_id: x.id.clone(),
                name: x.name.clone(),
                org_id: x.org_id.clone(),
                excluded: true,
                conflicts: found,
                user_id: None,
            });
        }
    }
    db.replace_ch_panel(call_id, &rows, now).await?;
    event(
        db,
        actor,
        "challenge_call",
        call_id,
        "challenge.panel.drawn",
        json!({"size": size, "seed": input.seed, "panel": rows}),
    )
    .await?;
    Ok(db.ch_panel(call_id).await?)
}

/// Linking a drawn expert to the account that scores as them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReviewerInput {
    /// Expert.
    pub expert_id: String,
    /// Account (user id).
    pub user_id: String,
    /// Or the account's login name (the page's form), when `user_id` is empty.
    pub username: String,
}

/// The bureau gives a drawn expert's account the right to score.
pub async fn assign_reviewer(
    app: &App,
    actor: &Actor,
    call_id: &str,
    input: &ReviewerInput,
) -> AppResult<ChPanelMember> {
    actor.require_bureau()?;
    let mut db = app.store.begin().await?;
    let mut p = db
        .ch_panel(call_id)
        .await?
        .into_iter()
        .find(|p| p.expert_id == input.expert_id.trim() && !p.excluded)
        .ok_or_else(|| {
            AppError::invalid(
                FieldError::new("expert_id", "challenge_not_on_panel")
                    .with("value", input.expert_id.trim()),
            )
        })?;
    let name = input.username.trim();
    let by_name = if input.user_id.trim().is_empty() && !name.is_empty() {
        let user = db.user_by_name(name).await?.ok_or_else(|| {
            AppError::invalid(FieldError::new("username", "not_found").with("value", name))
        })?;
        Some(user.id.to_string())
    } else {
        None
    };
    let u = by_name.as_deref().unwrap_or(input.user_id.trim());
    if u.is_empty() {
        return Err(AppError::invalid(FieldError::new("user_id", "required")));
    }
    p.user_id = Some(u.to_string());
    db.set_ch_panel_user(&p).await?;
    event(
        &mut db,
        actor,
        "challenge_call",
        call_id,
        "challenge.panel.reviewer",
        json!({"expert_id": p.expert_id, "user_id": u}),
    )
    .await?;
    db.commit().await?;
    Ok(p)
}

/// A panel as shown: drawn and excluded, with reasons.
pub async fn panel(app: &App, actor: &Actor, call_id: &str) -> AppResult<Vec<ChPanelMember>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    load_call(&mut db, call_id).await?;
    Ok(db.ch_panel(call_id).await?)
}

/// One score as entered.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScoreInput {
    /// Application.
    pub application_id: String,
    /// Expert (the bureau entering for them; a reviewer's own account otherwise).
    pub expert_id: String,
    /// 0–100 (decimal text).
    pub score: String,
    /// Comment.
    pub comment: String,
}

/// A drawn reviewer (or the bureau on their behalf) scores a checked application
/// of a call in review; once per reviewer and application.
pub async fn score(app: &App, actor: &Actor, input: &ScoreInput) -> AppResult<ChScore> {
    let mut db = app.store.begin().await?;
    let s = score_in(&mut db, actor, input, app.now()).await?;
    db.commit().await?;
    Ok(s)
}

/// [`score`] inside a transaction.
pub async fn score_in(
    db: &mut Db,
    actor: &Actor,
    input: &ScoreInput,
    now: i64,
) -> AppResult<ChScore> {
    let a = db
        .ch_application(input.application_id.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    let call = load_call(db, &a.call_id).await?;
    let expert_id = if actor.is_bureau() {
        input.expert_id.trim().to_string()
    } else {
        match reviews_call(db, actor, &call.id).await? {
            Some(p) => p.expert_id,
            None => return Err(AppError::NotFound),
        }
    };
    let mut e = Vec::new();
    let value = decimal("score", &input.score, &mut e);
    let comment = text("comment", &input.comment, 2000, false, &mut e);
    if let Some(v) = value
        && let Err(f) = rules::validate_score(&Score {
            application_id: 0,
            reviewer_id: 0,
            score: v,
        })
    {
        e.push(f);
    }
    check(e)?;
    let panel = db.ch_panel(&call.id).await?;
    if !panel
        .iter()
        .any(|p| p.expert_id == expert_id && !p.excluded)
    {
        return Err(AppError::invalid(
            FieldError::new("expert_id", "challenge_not_on_panel").with("value", &expert_id),
        ));
    }
    if call.stage != CallStage::Reviewing || a.stage != "passed" {
        return Err(AppError::Conflict(
            FieldError::new("stage", "challenge_stage_not_allowed")
                .with("from", call.stage.label())
                .with("to", "专家评分"),
        ));
    }
    let s = ChScore {
        application_id: a.id.clone(),
        expert_id,
        score: value.unwrap_or_default(),
        comment: (!comment.is_empty()).then_some(comment),
        entered_by: actor.tag(),
    };
    match db.insert_ch_score(&s, now).await {
        Err(StoreError::Conflict { .. }) => {
            return Err(conflict("expert_id", "challenge_already_scored"));
        }
        r => r?,
    }
    event(
        db,
        actor,
        "challenge_application",
        &a.id,
        "challenge.scored",
        json!(s),
    )
    .await?;
    Ok(s)
}

/// What a reviewer has to score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewTask {
    /// Call.
    pub call_id: String,
    /// Call title.
    pub call_title: String,
    /// KPIs.
    pub kpi_labels: Vec<String>,
    /// As which expert.
    pub expert_id: String,
    /// The application.
    pub application: ApplicationView,
    /// My score, when given.
    pub my_score: Option<Decimal>,
}

/// The applications a reviewer's account scores (calls in review only).
pub async fn review_tasks(app: &App, actor: &Actor) -> AppResult<Vec<ReviewTask>> {
    let Some(u) = &actor.user_id else {
        return Ok(Vec::new());
    };
    let mut db = app.store.read().await?;
    let mut names = HashMap::new();
    let mut out = Vec::new();
    for p in db.ch_panel_of_user(u.as_str()).await? {
        let call = load_call(&mut db, &p.call_id).await?;
        if call.stage != CallStage::Reviewing {
            continue;
        }
        let scores = db.ch_scores(&call.id).await?;
        for a in db
            .ch_applications(Some(&call.id), None)
            .await?
            .into_iter()
            .filter(|a| a.stage == "passed")
        {
            let my_score = scores
                .iter()
                .find(|s| s.application_id == a.id && s.expert_id == p.expert_id)
                .map(|s| s.score);
            out.push(ReviewTask {
                call_id: call.id.clone(),
                call_title: call.terms.title.clone(),
                kpi_labels: call.terms.kpis.iter().map(Kpi::label).collect(),
                expert_id: p.expert_id.clone(),
                application: application_view(&mut db, &mut names, a).await?,
                my_score,
            });
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- 公示 objections

/// An objection raised in the 公示.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ObjectionInput {
    /// The application objected to (optional).
    pub application_id: String,
    /// Who raises it.
    pub raised_by: String,
    /// What.
    pub body: String,
}

/// Anyone signed in raises an objection during a call's 公示.
pub async fn object(
    app: &App,
    actor: &Actor,
    call_id: &str,
    input: &ObjectionInput,
    today: NaiveDate,
) -> AppResult<ChObjection> {
    let mut db = app.store.begin().await?;
    let call = load_call(&mut db, call_id).await?;
    let mut e = Vec::new();
    let body = text("body", &input.body, 2000, true, &mut e);
    let raised_by = text("raised_by", &input.raised_by, 100, false, &mut e);
    check(e)?;
    let in_window = call.stage == CallStage::Publicity
        && call.publicity_from.is_some_and(|f| f <= today)
        && call.publicity_to.is_some_and(|t| today <= t);
    if !in_window {
        return Err(AppError::invalid(FieldError::new(
            "call_id",
            "challenge_publicity_closed",
        )));
    }
    let application_id = Some(input.application_id.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(a) = &application_id
        && !call.ranking.iter().any(|r| &r.application_id == a)
    {
        return Err(AppError::invalid(
            FieldError::new("application_id", "not_found").with("value", a),
        ));
    }
    let o = ChObjection {
        id: kechuang_store::new_id(),
        call_id: call.id.clone(),
        application_id,
        raised_by: if raised_by.is_empty() {
            actor.display_name.clone()
        } else {
            raised_by
        },
        body,
        filed_on: today,
        outcome: "open".into(),
        finding: None,
    };
    db.save_ch_objection(&o, app.now()).await?;
    event(
        &mut db,
        actor,
        "challenge_call",
        call_id,
        "challenge.objection.raised",
        json!(o),
    )
    .await?;
    db.commit().await?;
    Ok(o)
}

/// The bureau's ruling on an objection.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RulingInput {
    /// Upheld (the call goes back to review) or dismissed.
    pub upheld: bool,
    /// Finding (required).
    pub finding: String,
}

/// The bureau rules on an open objection; an upheld one sends the call back to
/// review (the decision withdrawn).
pub async fn rule_objection(
    app: &App,
    actor: &Actor,
    objection_id: &str,
    call_id: &str,
    input: &RulingInput,
) -> AppResult<ChObjection> {
    actor.require_bureau()?;
    let mut db = app.store.begin().await?;
    let mut o = db
        .ch_objections(call_id)
        .await?
        .into_iter()
        .find(|o| o.id == objection_id)
        .ok_or(AppError::NotFound)?;
    let mut e = Vec::new();
    let finding = text("finding", &input.finding, 2000, true, &mut e);
    check(e)?;
    if o.outcome != "open" {
        return Err(conflict("objection_id", "challenge_objection_closed"));
    }
    o.outcome = if input.upheld { "upheld" } else { "dismissed" }.into();
    o.finding = Some(finding);
    let now = app.now();
    db.save_ch_objection(&o, now).await?;
    event(
        &mut db,
        actor,
        "challenge_call",
        call_id,
        "challenge.objection.ruled",
        json!({"objection_id": o.id, "outcome": o.outcome, "finding": o.finding}),
    )
    .await?;
    if input.upheld {
        let mut call = load_call(&mut db, call_id).await?;
        let from = call.stage;
        call.stage = from
            .advance(CallStage::Reviewing, true)
            .map_err(AppError::invalid)?;
        reopen(&mut db, &mut call, now).await?;
        db.save_ch_call(&call, now).await?;
        event(
            &mut db,
            actor,
            "challenge_call",
            call_id,
            "challenge.call.stage",
            json!({"from": from.as_str(), "to": "reviewing", "objection_id": o.id}),
        )
        .await?;
    }
    db.commit().await?;
    Ok(o)
}

/// A call's objections (the bureau).
pub async fn objections(app: &App, actor: &Actor, call_id: &str) -> AppResult<Vec<ChObjection>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    Ok(db.ch_objections(call_id).await?)
}

// ---------------------------------------------------------------- projects

/// One tranche as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct TrancheInput {
    /// Label.
    pub label: String,
    /// Fen.
    pub amount_fen: i64,
    /// The milestone (0-based) releasing it; none for the advance paid on signing.
    pub after_milestone: Option<usize>,
}

/// Signing the task contract (任务书) of a selected application.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SignInput {
    /// The selected application.
    pub application_id: String,
    /// Grant, fen.
    pub grant_fen: i64,
    /// Start (YYYY-MM-DD).
    pub start: String,
    /// Milestones.
    pub milestones: Vec<MilestoneInput>,
    /// Tranches.
    pub tranches: Vec<TrancheInput>,
    /// The budget line paying (empty: `budget:<year of signing>:CHALLENGE`).
    pub from: String,
    /// Idempotency key of the advance payment(s); required when a tranche is due
    /// on signing.
    pub key: String,
    /// A registered technology contract (plain reference).
    pub contract_ref: String,
}

/// A project as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectView {
    /// The project.
    #[serde(flatten)]
    pub project: ChProject,
    /// Stage, zh-CN.
    pub stage_zh: &'static str,
    /// Call title.
    pub call_title: String,
    /// Lead organisation's name.
    pub org_name: String,
    /// Grant.
    pub grant: Amount,
    /// Paid so far.
    pub paid: Amount,
    /// Tranches paid (with their ledger transactions).
    pub payments: Vec<ChTranchePaid>,
    /// Milestone reviews.
    pub reviews: Vec<ChReview>,
}

async fn project_view(
    db: &mut Db,
    names: &mut HashMap<String, String>,
    p: ChProject,
) -> AppResult<ProjectView> {
    let payments = db.ch_tranches_paid(Some(&p.id)).await?;
    let reviews = db.ch_reviews(&p.id).await?;
    let call_title = db
        .ch_call(&p.call_id)
        .await?
        .map(|c| c.terms.title)
        .unwrap_or_default();
    Ok(ProjectView {
        stage_zh: p.project.stage.label(),
        call_title,
        org_name: org_name(db, names, &p.org_id).await?,
        grant: Amount::of(p.grant_fen),
        paid: Amount::of(payments.iter().map(|t| t.amount_fen).sum()),
        payments,
        reviews,
        project: p,
    })
}

/// The bureau signs the task contract of a selected application of a running
/// call (milestones and tranches checked against the call: `validate_plan`) and
/// pays the advance tranche(s) through the ledger in the same transaction.
pub async fn sign(
    app: &App,
    actor: &Actor,
    input: &SignInput,
    today: NaiveDate,
) -> AppResult<ProjectView> {
    let mut db = app.store.begin().await?;
    let p = sign_in(&mut db, actor, input, today, app.now()).await?;
    let v = project_view(&mut db, &mut HashMap::new(), p).await?;
    db.commit().await?;
    Ok(v)
}

/// [`sign`] inside a transaction.
pub async fn sign_in(
    db: &mut Db,
    actor: &Actor,
    input: &SignInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChProject> {
    actor.require_admin()?;
    let a = db
        .ch_application(input.application_id.trim())
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                FieldError::new("application_id", "not_found")
                    .with("value", input.application_id.trim()),
            )
        })?;
    let call = load_call(db, &a.call_id).await?;
    let mut e = Vec::new();
    let start = date("start", &input.start, &mut e);
    let ms = milestones(&input.milestones, &mut e);
    let tranches: Vec<Tranche> = input
        .tranches
        .iter()
        .enumerate()
        .map(|(i, t)| Tranche {
            label: text(&format!("tranches[{i}].label"), &t.label, 50, true, &mut e),
            amount: Money::from_fen(t.amount_fen),
            after_milestone: t.after_milestone,
        })
        .collect();
    if tranches.is_empty() {
        e.push(FieldError::new("tranches", "required"));
    }
    let contract_ref = text("contract_ref", &input.contract_ref, 100, false, &mut e);
    if let Some(start) = start
        && let Err(pe) = rules::validate_plan(
            &call.terms,
            Money::from_fen(input.grant_fen),
            start,
            &ms,
            &tranches,
        )
    {
        for f in pe {
            let f = if f.field == "grant" {
                FieldError {
                    field: "grant_fen".into(),
                    ..f
                }
            } else {
                f
            };
            if !e.iter().any(|x| x.field == f.field) {
                e.push(f);
            }
        }
    }
    let advance: Vec<usize> = tranches
        .iter()
        .enumerate()
        .filter(|(_, t)| t.after_milestone.is_none())
        .map(|(i, _)| i)
        .collect();
    if !advance.is_empty() && input.key.trim().is_empty() {
        e.push(FieldError::new("key", "required"));
    }
    check(e)?;
    if call.stage != CallStage::Running || a.stage != "selected" {
        return Err(AppError::Conflict(
            FieldError::new("application_id", "challenge_not_selected")
                .with("stage", call.stage.label()),
        ));
    }
    if !db
        .ch_projects(Some(&call.id), None)
        .await?
        .iter()
        .all(|p| p.application_id != a.id)
    {
        return Err(conflict("application_id", "challenge_already_signed"));
    }
    let p = ChProject {
        id: kechuang_store::new_id(),
        call_id: call.id.clone(),
        application_id: a.id.clone(),
        org_id: a.lead_org_id.clone(),
        grant_fen: input.grant_fen,
        start: start.unwrap_or(today),
        signed_on: today,
        project: Project::signed(ms, tranches),
        contract_ref: (!contract_ref.is_empty()).then_some(contract_ref),
        acceptance: None,
    };
    match db.save_ch_project(&p, now).await {
        Err(StoreError::Conflict { .. }) => {
            return Err(conflict("application_id", "challenge_already_signed"));
        }
        r => r?,
    }
    event(
        db,
        actor,
        "challenge_project",
        &p.id,
        "challenge.project.signed",
        json!(p),
    )
    .await?;
    let mut p = p;
    for (n, i) in advance.into_iter().enumerate() {
        let key = if n == 0 {
            input.key.trim().to_string()
        } else {
            format!("{}:{n}", input.key.trim())
        };
        let input = PayTrancheInput {
            tranche: i,
            key,
            from: input.from.clone(),
        };
        pay_tranche_on(db, actor, &mut p, &call, &input, today, now).await?;
    }
    Ok(p)
}

/// Paying one tranche.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PayTrancheInput {
    /// Tranche (0-based).
    pub tranche: usize,
    /// Idempotency key.
    pub key: String,
    /// The budget line (empty: `budget:<year>:CHALLENGE`).
    pub from: String,
}

/// A tranche payment's answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TranchePayment {
    /// Project.
    pub project_id: String,
    /// Tranche.
    pub tranche: usize,
    /// Ledger transaction.
    pub tx_id: String,
    /// Key.
    pub key: String,
    /// Basis.
    pub basis: String,
    /// Amount.
    pub amount: Amount,
    /// A replay of an earlier request with the same key (nothing written now).
    pub replayed: bool,
}

/// The bureau pays a tranche through the ledger: idempotent by key, once per
/// (project, tranche) by the ledger basis `challenge-tranche:<project>:<index>`,
/// refused (nothing written) before its milestone passed review or once the
/// project is terminated.
pub async fn pay_tranche(
    app: &App,
    actor: &Actor,
    project_id: &str,
    input: &PayTrancheInput,
    today: NaiveDate,
) -> AppResult<TranchePayment> {
    let mut db = app.store.begin().await?;
    let r = pay_tranche_in(&mut db, actor, project_id, input, today, app.now()).await?;
    if r.replayed {
        db.rollback().await?;
    } else {
        db.commit().await?;
    }
    Ok(r)
}

/// [`pay_tranche`] inside a transaction.
pub async fn pay_tranche_in(
    db: &mut Db,
    actor: &Actor,
    project_id: &str,
    input: &PayTrancheInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<TranchePayment> {
    actor.require_admin()?;
    let mut p = db.ch_project(project_id).await?.ok_or(AppError::NotFound)?;
    let call = load_call(db, &p.call_id).await?;
    pay_tranche_on(db, actor, &mut p, &call, input, today, now).await
}

async fn pay_tranche_on(
    db: &mut Db,
    actor: &Actor,
    p: &mut ChProject,
    call: &ChCall,
    input: &PayTrancheInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<TranchePayment> {
    let idx = input.tranche;
    let Some(t) = p.project.tranches.get(idx).cloned() else {
        return Err(AppError::invalid(FieldError::new(
            "tranche",
            "challenge_tranche_unknown",
        )));
    };
    let from = if input.from.trim().is_empty() {
        Account::budget(chrono::Datelike::year(&today), BUDGET_MEASURE)?
    } else {
        let a = Account::parse(input.from.trim()).map_err(|mut e| {
            e.field = "from".into();
            e
        })?;
        if a.kind() != kechuang_core::ledger::AccountKind::Budget {
            return Err(AppError::invalid(
                FieldError::new("from", "ledger_account_kind").with("value", a.to_string()),
            ));
        }
        a
    };
    let to = Account::enterprise(&p.org_id)?;
    let tx = Transaction::transfer(
        &input.key,
        TxKind::Tranche,
        from,
        to.clone(),
        t.amount.fen(),
    )
    .map_err(AppError::Invalid)?;
    let basis = tranche_basis(&p.id, idx);
    let memo = format!("{} · {}", call.terms.title, t.label);
    let fp = crate::ops::ledger::fingerprint(&tx, Some(&basis), Some(&memo));
    let pid = p.id.clone();
    let answer = |tx_id: String, replayed: bool| TranchePayment {
        project_id: pid.clone(),
        tranche: idx,
        tx_id,
        key: input.key.trim().to_string(),
        basis: basis.clone(),
        amount: Amount::of(t.amount.fen()),
        replayed,
    };
    if let Some(r) = db.ledger_tx_by_key(tx.key()).await? {
        return if r.fingerprint == fp {
            Ok(answer(r.id, true))
        } else {
            Err(AppError::Conflict(
                FieldError::new("idempotency_key", "ledger_key_reused").with("value", &r.key),
            ))
        };
    }
    if p.project.paid.get(idx).copied().unwrap_or(false) {
        return Err(AppError::Conflict(
            FieldError::new("basis", "ledger_basis_paid").with("value", &basis),
        ));
    }
    p.project.mark_paid(idx).map_err(AppError::invalid)?;
    let org_name = db
        .organisation(&OrgId(p.org_id.clone()))
        .await?
        .map(|o| o.org.name)
        .unwrap_or_else(|| p.org_id.clone());
    db.ensure_ledger_account(&to, &org_name, Some(&p.org_id), now)
        .await?;
    let id = kechuang_store::new_id();
    let ev = crate::ops::ledger::event_payload(&tx, Some(&basis), Some(&memo), None);
    let new = NewLedgerTx {
        id: &id,
        tx: &tx,
        basis: Some(&basis),
        once_basis: Some(&basis),
        memo: Some(&memo),
        reverses: None,
        fingerprint: &fp,
        actor: &actor.tag(),
        at_us: now,
        event: &ev,
    };
    match db.post_ledger_tx(&new).await {
        Ok(Ok(_)) => {}
        Ok(Err(le)) => return Err(AppError::Conflict(le.field_error())),
        Err(StoreError::NotFound) => {
            return Err(AppError::invalid(
                FieldError::new("from", "ledger_account_unknown")
                    .with("value", new.tx.postings()[0].account.to_string()),
            ));
        }
        Err(e) if e.is_conflict("ledger_tx_once_key") => {
            return Err(AppError::Conflict(
                FieldError::new("basis", "ledger_basis_paid").with("value", &basis),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    let paid = ChTranchePaid {
        project_id: p.id.clone(),
        tranche: idx,
        tx_id: id.clone(),
        amount_fen: t.amount.fen(),
        paid_on: today,
    };
    db.insert_ch_tranche_paid(&paid, now).await?;
    db.save_ch_project(p, now).await?;
    event(
        db,
        actor,
        "challenge_project",
        &p.id,
        "challenge.tranche.paid",
        json!(paid),
    )
    .await?;
    Ok(answer(id, false))
}

/// A milestone review as entered.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReviewInput {
    /// Milestone (0-based; the current one).
    pub milestone: usize,
    /// `pass`, `rectify` or `terminate`.
    pub verdict: String,
    /// New due date of a rectification.
    pub due: String,
    /// Note (what to rectify; why terminated).
    pub note: String,
}

/// The bureau reviews the current milestone: pass (the tranches waiting on it
/// may be paid), rectify by a new date, or terminate (no further payment).
pub async fn review_milestone(
    app: &App,
    actor: &Actor,
    project_id: &str,
    input: &ReviewInput,
    today: NaiveDate,
) -> AppResult<ProjectView> {
    let mut db = app.store.begin().await?;
    let p = review_milestone_in(&mut db, actor, project_id, input, today, app.now()).await?;
    let v = project_view(&mut db, &mut HashMap::new(), p).await?;
    db.commit().await?;
    Ok(v)
}

/// [`review_milestone`] inside a transaction.
pub async fn review_milestone_in(
    db: &mut Db,
    actor: &Actor,
    project_id: &str,
    input: &ReviewInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChProject> {
    actor.require_bureau()?;
    let mut p = db.ch_project(project_id).await?.ok_or(AppError::NotFound)?;
    let call = load_call(db, &p.call_id).await?;
    let mut e = Vec::new();
    let verdict = match input.verdict.trim() {
        "pass" => Verdict::Pass,
        "rectify" => Verdict::Rectify {
            due: date("due", &input.due, &mut e).unwrap_or(NaiveDate::MIN),
            note: input.note.trim().to_string(),
        },
        "terminate" => Verdict::Terminate {
            reason: input.note.trim().to_string(),
        },
        other => {
            e.push(FieldError::new("verdict", "choice_invalid").with("value", other));
            Verdict::Pass
        }
    };
    check(e)?;
    p.project
        .review(input.milestone, &verdict, &call.terms)
        .map_err(|f| {
            let f = if f.field == "reason" {
                FieldError {
                    field: "note".into(),
                    ..f
                }
            } else {
                f
            };
            AppError::invalid(f)
        })?;
    let seq = db.ch_reviews(&p.id).await?.len() as i64 + 1;
    let r = ChReview {
        project_id: p.id.clone(),
        seq,
        milestone: input.milestone,
        verdict,
        by: actor.tag(),
        on: today,
    };
    db.insert_ch_review(&r, now).await?;
    db.save_ch_project(&p, now).await?;
    event(
        db,
        actor,
        "challenge_project",
        &p.id,
        "challenge.milestone.reviewed",
        json!(r),
    )
    .await?;
    Ok(p)
}

/// The final acceptance as entered: one measured value per KPI (empty: not
/// measured).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AcceptInput {
    /// Measured values (decimal text), in the call's KPI order.
    pub measured: Vec<String>,
}

/// The bureau accepts a project against the call's KPIs (every milestone passed).
pub async fn accept(
    app: &App,
    actor: &Actor,
    project_id: &str,
    input: &AcceptInput,
    today: NaiveDate,
) -> AppResult<ProjectView> {
    let mut db = app.store.begin().await?;
    let p = accept_in(&mut db, actor, project_id, input, today, app.now()).await?;
    let v = project_view(&mut db, &mut HashMap::new(), p).await?;
    db.commit().await?;
    Ok(v)
}

/// [`accept`] inside a transaction.
pub async fn accept_in(
    db: &mut Db,
    actor: &Actor,
    project_id: &str,
    input: &AcceptInput,
    today: NaiveDate,
    now: i64,
) -> AppResult<ChProject> {
    actor.require_bureau()?;
    let mut p = db.ch_project(project_id).await?.ok_or(AppError::NotFound)?;
    let call = load_call(db, &p.call_id).await?;
    let mut e = Vec::new();
    let measured: Vec<Option<Decimal>> = input
        .measured
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.trim().is_empty() {
                None
            } else {
                decimal(&format!("measured[{i}]"), s, &mut e)
            }
        })
        .collect();
    check(e)?;
    let met = p
        .project
        .accept(&call.terms, &measured)
        .map_err(AppError::invalid)?;
    let acc = ChAcceptance {
        verdict: if p.project.stage == ProjectStage::Accepted {
            "accepted"
        } else {
            "failed"
        }
        .into(),
        measured,
        met,
        on: today,
        by: actor.tag(),
    };
    db.insert_ch_acceptance(&p.id, &acc, now).await?;
    p.acceptance = Some(acc);
    db.save_ch_project(&p, now).await?;
    event(
        db,
        actor,
        "challenge_project",
        &p.id,
        "challenge.project.accepted",
        json!(p.acceptance),
    )
    .await?;
    Ok(p)
}

/// Linking a registered technology contract to a project.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkInput {
    /// Contract reference (registration number or id); empty unlinks.
    pub contract_ref: String,
}

/// The bureau links a registered contract to a project.
pub async fn link_contract(
    app: &App,
    actor: &Actor,
    project_id: &str,
    input: &LinkInput,
) -> AppResult<ChProject> {
    actor.require_bureau()?;
    let mut db = app.store.begin().await?;
    let mut p = db.ch_project(project_id).await?.ok_or(AppError::NotFound)?;
    let mut e = Vec::new();
    let r = text("contract_ref", &input.contract_ref, 100, false, &mut e);
    check(e)?;
    p.contract_ref = (!r.is_empty()).then_some(r);
    db.save_ch_project(&p, app.now()).await?;
    event(
        &mut db,
        actor,
        "challenge_project",
        &p.id,
        "challenge.project.contract",
        json!({"contract_ref": p.contract_ref}),
    )
    .await?;
    db.commit().await?;
    Ok(p)
}

/// Projects: the bureau all (or one call's), an organisation its own; anyone else none.
pub async fn projects(
    app: &App,
    actor: &Actor,
    call_id: Option<&str>,
) -> AppResult<Vec<ProjectView>> {
    let mut db = app.store.read().await?;
    let rows = if actor.is_bureau() {
        db.ch_projects(call_id, None).await?
    } else {
        match &actor.org_id {
            Some(o) => db.ch_projects(call_id, Some(o.as_str())).await?,
            None => Vec::new(),
        }
    };
    let mut names = HashMap::new();
    let mut out = Vec::new();
    for p in rows {
        out.push(project_view(&mut db, &mut names, p).await?);
    }
    Ok(out)
}

/// One project: the bureau, or its lead organisation; others 404.
pub async fn project(app: &App, actor: &Actor, id: &str) -> AppResult<ProjectView> {
    let mut db = app.store.read().await?;
    let p = db.ch_project(id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_bureau() && actor.org_id.as_ref().is_none_or(|o| o.as_str() != p.org_id) {
        return Err(AppError::NotFound);
    }
    project_view(&mut db, &mut HashMap::new(), p).await
}

/// The bureau workbench of one call: applications with their checks, the panel
/// with exclusions, scores, ranking, objections and projects.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Workbench {
    /// The call.
    pub call: CallView,
    /// Applications.
    pub applications: Vec<ApplicationView>,
    /// Panel (drawn, then excluded with reasons).
    pub panel: Vec<ChPanelMember>,
    /// Scores.
    pub scores: Vec<ChScore>,
    /// The ranking as it stands now (or as decided).
    pub ranking: Vec<ChRanked>,
    /// Objections.
    pub objections: Vec<ChObjection>,
    /// Projects.
    pub projects: Vec<ProjectView>,
}

/// The bureau's view of one call.
pub async fn workbench(app: &App, actor: &Actor, call_id: &str) -> AppResult<Workbench> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let c = load_call(&mut db, call_id).await?;
    let mut names = HashMap::new();
    let ranking = if c.ranking.is_empty() {
        rank_call(&mut db, &c).await?
    } else {
        c.ranking.clone()
    };
    let mut applications = Vec::new();
    for a in db.ch_applications(Some(call_id), None).await? {
        applications.push(application_view(&mut db, &mut names, a).await?);
    }
    let mut projects = Vec::new();
    for p in db.ch_projects(Some(call_id), None).await? {
        projects.push(project_view(&mut db, &mut names, p).await?);
    }
    Ok(Workbench {
        panel: db.ch_panel(call_id).await?,
        scores: db.ch_scores(call_id).await?,
        objections: db.ch_objections(call_id).await?,
        call: call_view(&mut db, &mut names, c, app.today()).await?,
        applications,
        ranking,
        projects,
    })
}

// ---------------------------------------------------------------- report

/// The `challenges` part of the district report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChallengeFigures {
    /// Calls published up to the last day.
    pub calls: u64,
    /// Applications submitted up to the last day.
    pub applications: u64,
    /// Projects signed up to the last day.
    pub projects: u64,
    /// Granted to signed projects, 万元.
    pub granted_wan: Decimal,
    /// Tranches paid up to the last day, 万元.
    pub paid_wan: Decimal,
    /// Projects that passed the final acceptance up to the last day.
    pub accepted: u64,
}

/// Figures up to and including `last_day`.
pub async fn figures(db: &mut Db, last_day: NaiveDate) -> AppResult<ChallengeFigures> {
    let calls = db
        .ch_calls(&[])
        .await?
        .iter()
        .filter(|c| c.published_on.is_some_and(|d| d <= last_day))
        .count() as u64;
    let applications = db
        .ch_applications(None, None)
        .await?
        .iter()
        .filter(|a| a.submitted_on <= last_day)
        .count() as u64;
    let ps: Vec<ChProject> = db
        .ch_projects(None, None)
        .await?
        .into_iter()
        .filter(|p| p.signed_on <= last_day)
        .collect();
    let accepted = ps
        .iter()
        .filter(|p| {
            p.acceptance
                .as_ref()
                .is_some_and(|a| a.verdict == "accepted" && a.on <= last_day)
        })
        .count() as u64;
    let paid: i64 = db
        .ch_tranches_paid(None)
        .await?
        .iter()
        .filter(|t| t.paid_on <= last_day)
        .map(|t| t.amount_fen)
        .sum();
    Ok(ChallengeFigures {
        calls,
        applications,
        projects: ps.len() as u64,
        granted_wan: Money::from_fen(ps.iter().map(|p| p.grant_fen).sum()).to_wan(),
        paid_wan: Money::from_fen(paid).to_wan(),
        accepted,
    })
}

/// The report's 揭榜挂帅 section: a sentence and a table.
pub fn report_markdown(f: &ChallengeFigures, last_day: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "\n## 揭榜挂帅\n\n截至{}年{}月{}日，累计发布揭榜挂帅榜单{}项，收到揭榜申报{}项，签订任务书{}项，\
         立项资助{}万元，已拨付{}万元，{}个项目通过验收。\n\n\
         | 环节 | 累计 |\n|---|---|\n| 发布榜单 | {} 项 |\n| 揭榜申报 | {} 项 |\n| 签订任务书 | {} 项 |\n\
         | 立项资助 | {} 万元 |\n| 已拨付 | {} 万元 |\n| 通过验收 | {} 项 |\n",
        last_day.year(),
        last_day.month(),
        last_day.day(),
        f.calls,
        f.applications,
        f.projects,
        f.granted_wan,
        f.paid_wan,
        f.accepted,
        f.calls,
        f.applications,
        f.projects,
        f.granted_wan,
        f.paid_wan,
        f.accepted,
    )
}
