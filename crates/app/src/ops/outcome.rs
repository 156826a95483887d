//! The outcome chain: interest → talks → collaboration signed (产学研合作) →
//! technology contract → conversion (成果转化) → new product (新产品), and its
//! counts for the district report and the bureau's 对接成效 page.
//!
//! Who may do what: either party of a thread (or the bureau) records the
//! collaboration signed from it; the bureau alone records a collaboration with no
//! prior interest (a special session, another channel); the parties or the bureau
//! record the later stages, one at a time and in order
//! ([`kechuang_core::chain::check_advance`]); only the bureau corrects a stage,
//! with a reason, and the correction is an event with the values before and
//! after.

use super::interest::{party_thread, scope};
use super::matchmaking::Choice;
use super::visible_org;
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::FieldError;
use kechuang_core::chain::{
    self, CollaborationInput, Source, Stage, StageInput, TargetKind, check_advance, check_date,
};
use kechuang_core::ids::OrgId;
use kechuang_core::money::Money;
use kechuang_core::org::OrgKind;
use kechuang_store::{ChainCounts, ChainFilter, CollaborationRecord, Db, NewCollaboration};
use serde_json::json;

/// One recorded stage.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageView {
    /// The stage.
    pub stage: Choice,
    /// Its date.
    pub on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A collaboration and its chain.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CollaborationView {
    /// Id.
    pub id: String,
    /// 合作项目名称.
    pub title: String,
    /// The enterprise.
    pub enterprise_org_id: String,
    /// Its name.
    pub enterprise_name: String,
    /// The provider (university, institute or firm).
    pub provider_org_id: String,
    /// Its name.
    pub provider_name: String,
    /// The interest it came from.
    pub interest_id: Option<String>,
    /// The thread it came from.
    pub thread_id: Option<String>,
    /// 签约日期.
    pub signed_on: NaiveDate,
    /// 合同金额, 万元 with two decimals.
    pub amount_wan: Option<String>,
    /// 来源.
    pub source: Choice,
    /// Special session.
    pub session_id: Option<String>,
    /// The furthest stage reached.
    pub stage: Choice,
    /// The next stage that may be recorded.
    pub next_stage: Option<Choice>,
    /// Reference into the contract registry (once it exists).
    pub contract_id: Option<String>,
    /// 合同编号.
    pub contract_number: Option<String>,
    /// 转化情况.
    pub conversion: Option<String>,
    /// 新产品.
    pub product_name: Option<String>,
    /// Stages from the interest on, in order.
    pub stages: Vec<StageView>,
}

fn stage_choice(s: Stage) -> Choice {
    Choice {
        code: s.code(),
        zh: s.zh(),
    }
}

async fn view(db: &mut Db, c: CollaborationRecord) -> AppResult<CollaborationView> {
    let mut stages = Vec::new();
    if let Some(i) = &c.interest_id
        && let Some(r) = db.interest(i).await?
    {
        stages.push(StageView {
            stage: stage_choice(Stage::Interest),
            on: r.sent_on,
            recorded_by: r.created_by,
        });
    }
    if let Some(t) = &c.thread_id
        && let Some(t) = db.thread(t).await?
    {
        stages.push(StageView {
            stage: stage_choice(Stage::Talks),
            on: t.opened_on,
            recorded_by: "—".into(),
        });
    }
    for s in db.stages(&c.id).await? {
        stages.push(StageView {
            stage: stage_choice(s.stage),
            on: s.on,
            recorded_by: s.recorded_by,
        });
    }
    Ok(CollaborationView {
        source: Choice {
            code: c.source.code(),
            zh: c.source.zh(),
        },
        stage: stage_choice(c.stage),
        next_stage: c.stage.next().map(stage_choice),
        amount_wan: c.amount.map(|m| m.wan_2dp().to_string()),
        id: c.id,
        title: c.title,
        enterprise_org_id: c.enterprise_org_id.to_string(),
        enterprise_name: c.enterprise_name,
        provider_org_id: c.provider_org_id.to_string(),
        provider_name: c.provider_name,
        interest_id: c.interest_id,
        thread_id: c.thread_id,
        signed_on: c.signed_on,
        session_id: c.session_id,
        contract_id: c.contract_id,
        contract_number: c.contract_number,
        conversion: c.conversion,
        product_name: c.product_name,
        stages,
    })
}

fn collab_json(c: &chain::Collaboration) -> serde_json::Value {
    json!({"title": c.title, "signed_on": c.signed_on, "amount_fen": c.amount.map(Money::fen),
           "source": c.source.code(), "session_id": c.session_id})
}

/// Records the collaboration signed from a thread (either party or the bureau).
pub async fn sign(
    app: &App,
    actor: &Actor,
    thread_id: &str,
    input: &CollaborationInput,
) -> AppResult<CollaborationView> {
    let mut tx = app.store.begin().await?;
    let t = party_thread(&mut tx, actor, thread_id).await?;
    let collab = input.parse(Source::Daily)?;
    if t.collaboration_id.is_some() {
        return Err(AppError::Conflict(FieldError::new(
            "thread_id",
            "stage_exists",
        )));
    }
    check_advance(Some(Stage::Talks), Stage::Collaboration).map_err(|e| e.on("stage"))?;
    check_date(Some(t.opened_on), collab.signed_on).map_err(|e| e.on("signed_on"))?;
    // An interest on a need was sent by the provider; on an achievement or an
    // expert by the enterprise.
    let interest = match &t.interest_id {
        Some(i) => tx.interest(i).await?,
        None => None,
    };
    let (enterprise, provider) = match interest.as_ref().map(|i| i.target_kind) {
        Some(TargetKind::Need) => (t.to_org_id.clone(), t.from_org_id.clone()),
        _ => (t.from_org_id.clone(), t.to_org_id.clone()),
    };
    let id = kechuang_store::new_id();
    tx.insert_collaboration(&NewCollaboration {
        id: &id,
        collab: &collab,
        enterprise_org_id: &enterprise,
        provider_org_id: &provider,
        interest_id: t.interest_id.as_deref(),
        thread_id: Some(thread_id),
        now: app.now(),
        by: &actor.tag(),
    })
    .await?;
    let mut payload = collab_json(&collab);
    payload["thread_id"] = json!(thread_id);
    payload["enterprise_org_id"] = json!(enterprise);
    payload["provider_org_id"] = json!(provider);
    tx.append_event(
        &actor.tag(),
        "collaboration",
        &id,
        "collaboration.signed",
        &payload,
    )
    .await?;
    let c = tx.collaboration(&id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
}

/// A collaboration the bureau records directly (no prior interest).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DirectInput {
    /// The enterprise.
    pub enterprise_org_id: String,
    /// The university, institute or firm providing the technology.
    pub provider_org_id: String,
    /// The collaboration.
    #[serde(flatten)]
    pub collab: CollaborationInput,
}

/// The bureau records a collaboration signed outside daily matching (a special
/// session by default).
pub async fn record_direct(
    app: &App,
    actor: &Actor,
    input: &DirectInput,
) -> AppResult<CollaborationView> {
    actor.require_bureau()?;
    let mut errs = Vec::new();
    let collab = input
        .collab
        .parse(Source::Session)
        .map_err(|e| errs.extend(e))
        .ok();
    let mut tx = app.store.begin().await?;
    let mut party = |field: &'static str, v: &str| {
        let v = v.trim();
        if v.is_empty() {
            errs.push(FieldError::new(field, "required"));
            None
        } else {
            Some(OrgId(v.to_string()))
        }
    };
    let e = party("enterprise_org_id", &input.enterprise_org_id);
    let p = party("provider_org_id", &input.provider_org_id);
    let kinds = |k: OrgKind, ok: &[OrgKind]| ok.contains(&k);
    if let Some(id) = &e {
        match visible_org(&mut tx, actor, id).await {
            Ok(o) if kinds(o.org.kind, &[OrgKind::Enterprise]) => {}
            Ok(o) => errs.push(
                FieldError::new("enterprise_org_id", "org_kind_invalid")
                    .with("value", o.org.kind.zh()),
            ),
            Err(_) => errs.push(
                FieldError::new("enterprise_org_id", "choice_invalid").with("value", id.as_str()),
            ),
        }
    }
    if let Some(id) = &p {
        match tx.organisation(id).await? {
            Some(o)
                if kinds(
                    o.org.kind,
                    &[OrgKind::University, OrgKind::Institute, OrgKind::Enterprise],
                ) => {}
            Some(o) => errs.push(
                FieldError::new("provider_org_id", "org_kind_invalid")
                    .with("value", o.org.kind.zh()),
            ),
            None => errs.push(
                FieldError::new("provider_org_id", "choice_invalid").with("value", id.as_str()),
            ),
        }
    }
    let (Some(collab), Some(e), Some(p), true) = (collab, e, p, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    check_advance(None, Stage::Collaboration).map_err(|x| x.on("stage"))?;
    let id = kechuang_store::new_id();
    tx.insert_collaboration(&NewCollaboration {
        id: &id,
        collab: &collab,
        enterprise_org_id: &e,
        provider_org_id: &p,
        interest_id: None,
        thread_id: None,
        now: app.now(),
        by: &actor.tag(),
    })
    .await?;
    let mut payload = collab_json(&collab);
    payload["enterprise_org_id"] = json!(e);
    payload["provider_org_id"] = json!(p);
    tx.append_event(
        &actor.tag(),
        "collaboration",
        &id,
        "collaboration.recorded",
        &payload,
    )
    .await?;
    let c = tx.collaboration(&id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
}

/// Loads a collaboration the actor is a party to (or bureau staff).
async fn party_collaboration(
    db: &mut Db,
    actor: &Actor,
    id: &str,
) -> AppResult<CollaborationRecord> {
    let c = db.collaboration(id).await?.ok_or(AppError::NotFound)?;
    let own = actor.org_id.as_ref();
    if actor.is_bureau() || own == Some(&c.enterprise_org_id) || own == Some(&c.provider_org_id) {
        Ok(c)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Records the next stage of a collaboration (contract, conversion, product).
pub async fn advance(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &StageInput,
) -> AppResult<CollaborationView> {
    let mut tx = app.store.begin().await?;
    let c = party_collaboration(&mut tx, actor, id).await?;
    let s = input.parse()?;
    check_advance(Some(c.stage), s.stage).map_err(|e| e.on("stage"))?;
    let previous = tx
        .stages(id)
        .await?
        .into_iter()
        .filter(|r| r.stage < s.stage)
        .map(|r| r.on)
        .max();
    check_date(previous, s.on).map_err(|e| e.on("on"))?;
    let now = app.now();
    tx.insert_stage(id, s.stage, s.on, &actor.tag(), now)
        .await?;
    tx.set_collaboration_stage(id, s.stage, &s.detail, now)
        .await?;
    tx.append_event(
        &actor.tag(),
        "collaboration",
        id,
        "collaboration.stage_recorded",
        &json!({"stage": s.stage.code(), "on": s.on, "detail": s.detail}),
    )
    .await?;
    let c = tx.collaboration(id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
}

/// A bureau correction of a recorded stage.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CorrectionInput {
    /// The stage: `collaboration`, `contract`, `conversion` or `product`.
    pub stage: String,
    /// The corrected date.
    pub on: String,
    /// The corrected detail (title for the collaboration itself).
    pub detail: String,
    /// Why.
    pub reason: String,
}

/// The bureau corrects a recorded stage's date and detail; the event keeps the
/// values before and after and the reason.
pub async fn correct(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &CorrectionInput,
) -> AppResult<CollaborationView> {
    actor.require_bureau()?;
    let mut errs = Vec::new();
    let stage = Stage::parse(&input.stage).filter(|s| *s >= Stage::Collaboration);
    if stage.is_none() {
        errs.push(FieldError::new("stage", "choice_invalid").with("value", input.stage.trim()));
    }
    let on = kechuang_core::date::parse("on", &input.on)
        .map_err(|e| errs.push(e))
        .ok();
    let detail = kechuang_core::matchmaking::long_text("detail", &input.detail, 2_000)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    if detail.is_none() && !errs.iter().any(|e| e.field == "detail") {
        errs.push(FieldError::new("detail", "required"));
    }
    let reason = chain::reason("reason", &input.reason)
        .map_err(|e| errs.push(e))
        .ok();
    let (Some(stage), Some(on), Some(detail), Some(reason), true) =
        (stage, on, detail, reason, errs.is_empty())
    else {
        return Err(AppError::Invalid(errs));
    };
    let mut tx = app.store.begin().await?;
    let c = party_collaboration(&mut tx, actor, id).await?;
    let stages = tx.stages(id).await?;
    let Some(before) = stages.iter().find(|r| r.stage == stage) else {
        return Err(AppError::invalid(
            FieldError::new("stage", "choice_invalid").with("value", stage.zh()),
        ));
    };
    // The corrected date still has to sit between its neighbours.
    let prev = stages
        .iter()
        .filter(|r| r.stage < stage)
        .map(|r| r.on)
        .max();
    let prev = match (prev, stage, &c.thread_id) {
        (None, Stage::Collaboration, Some(t)) => tx.thread(t).await?.map(|t| t.opened_on),
        (p, _, _) => p,
    };
    check_date(prev, on).map_err(|e| e.on("on"))?;
    if let Some(next) = stages
        .iter()
        .filter(|r| r.stage > stage)
        .map(|r| r.on)
        .min()
    {
        check_date(Some(on), next).map_err(|e| e.on("on"))?;
    }
    let old_detail = match stage {
        Stage::Collaboration => Some(c.title.clone()),
        Stage::Contract => c.contract_number.clone(),
        Stage::Conversion => c.conversion.clone(),
        _ => c.product_name.clone(),
    };
    tx.correct_stage(id, stage, on, &detail, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "collaboration",
        id,
        "collaboration.corrected",
        &json!({"stage": stage.code(), "reason": reason,
                "before": {"on": before.on, "detail": old_detail},
                "after": {"on": on, "detail": detail}}),
    )
    .await?;
    let c = tx.collaboration(id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, c).await?;
    tx.commit().await?;
    Ok(v)
}

/// One collaboration (its parties and the bureau).
pub async fn collaboration(app: &App, actor: &Actor, id: &str) -> AppResult<CollaborationView> {
    let mut db = app.store.read().await?;
    let c = party_collaboration(&mut db, actor, id).await?;
    view(&mut db, c).await
}

/// Collaborations of the actor's organisation; all of them for the bureau.
pub async fn collaborations(
    app: &App,
    actor: &Actor,
    page: i64,
) -> AppResult<Vec<CollaborationView>> {
    let org = scope(actor)?;
    let mut db = app.store.read().await?;
    let rows = db
        .collaborations(&ChainFilter {
            org_id: org,
            limit: 100,
            offset: (page.max(1) - 1) * 100,
            ..ChainFilter::default()
        })
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        out.push(view(&mut db, c).await?);
    }
    Ok(out)
}

/// The chain's figures over a window.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChainFigures {
    /// First day.
    pub from: Option<NaiveDate>,
    /// Last day.
    pub to: Option<NaiveDate>,
    /// 产学研合作 signed.
    pub collaborations: i64,
    /// Of them at special sessions.
    pub collaborations_from_sessions: i64,
    /// 技术合同.
    pub contracts: i64,
    /// 成果转化.
    pub conversions: i64,
    /// 新产品.
    pub products: i64,
}

/// The matchmaking section of the district report (`matchmaking.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MatchmakingFigures {
    /// Needs posted in the range.
    pub needs: i64,
    /// Achievements posted in the range.
    pub achievements: i64,
    /// Experts added in the range.
    pub experts: i64,
    /// Interests sent.
    pub interests: i64,
    /// Of them accepted.
    pub interests_accepted: i64,
    /// Threads opened.
    pub threads: i64,
    /// The later stages in the range.
    pub chain: ChainFigures,
    /// Contract amounts of the collaborations signed in the range, 万元.
    pub amount_wan: String,
    /// The same stages over the three years ending on the range's last day
    /// (the newspaper's "150+ collaborations … in three years").
    pub three_years: ChainFigures,
}

fn figures(from: NaiveDate, to: NaiveDate, c: &ChainCounts) -> ChainFigures {
    ChainFigures {
        from: Some(from),
        to: Some(to),
        collaborations: c.collaborations,
        collaborations_from_sessions: c.collaborations_from_sessions,
        contracts: c.contracts,
        conversions: c.conversions,
        products: c.products,
    }
}

/// Unix µs at 00:00 China time on a day.
fn china_day_start_us(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros())
        - 8 * 3_600 * 1_000_000
}

/// The matchmaking counts between two days (inclusive), for the report.
pub async fn report_figures(
    db: &mut Db,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<MatchmakingFigures> {
    let end = to.succ_opt().unwrap_or(to);
    let (needs, achievements, experts) = db
        .board_counts(china_day_start_us(from), china_day_start_us(end))
        .await?;
    let c = db.chain_counts(from, to).await?;
    let (f3, t3) = chain::three_years_to(to);
    let c3 = db.chain_counts(f3, t3).await?;
    Ok(MatchmakingFigures {
        needs,
        achievements,
        experts,
        interests: c.interests,
        interests_accepted: c.interests_accepted,
        threads: c.threads,
        amount_wan: Money::from_fen(c.amount_fen).wan_2dp().to_string(),
        chain: figures(from, to, &c),
        three_years: figures(f3, t3, &c3),
    })
}

/// The 对接成效 funnel for the bureau.
pub async fn funnel(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<MatchmakingFigures> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    report_figures(&mut db, from, to).await
}

fn month_label(d: Option<NaiveDate>) -> String {
    use chrono::Datelike;
    d.map_or_else(|| "—".into(), |d| format!("{}年{}月", d.year(), d.month()))
}

/// The report's 产学研对接 section, with the newspaper's three-year sentence.
pub fn report_markdown(m: &MatchmakingFigures) -> String {
    let t = &m.three_years;
    let c = &m.chain;
    format!(
        "\n## 产学研对接\n\n{}—{}，累计促成产学研合作{}项（其中专场对接签约{}项）、成果转化{}项、新产品{}个。\n\n\
         | 环节 | 本期 |\n|---|---|\n| 发布技术需求 | {} 项 |\n| 发布科技成果 | {} 项 |\n| 入库专家 | {} 名 |\n\
         | 对接意向 | {} 条（已接受 {}） |\n| 对接洽谈 | {} 个 |\n| 签约产学研合作 | {} 项（专场 {}） |\n\
         | 技术合同 | {} 项 |\n| 成果转化 | {} 项 |\n| 新产品 | {} 个 |\n| 签约金额 | {} 万元 |\n",
        month_label(t.from),
        month_label(t.to),
        t.collaborations,
        t.collaborations_from_sessions,
        t.conversions,
        t.products,
        m.needs,
        m.achievements,
        m.experts,
        m.interests,
        m.interests_accepted,
        m.threads,
        c.collaborations,
        c.collaborations_from_sessions,
        c.contracts,
        c.conversions,
        c.products,
        m.amount_wan,
    )
}
