//! 梯度培育 pages: the ladder of one enterprise (我的梯度培育), the bureau's pool
//! board with alerts, and the district targets with their chart.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::ladder::{self, Alert, StoredEvaluation, TargetInput, TargetView};
use kechuang_core::date::china_datetime_of;
use kechuang_core::ids::OrgId;
use kechuang_core::ladder::pool::Stage;
use kechuang_core::ladder::{LADDER, Met, PackId, Status, TierResult};
use kechuang_core::qualification::QualificationKind;
use kechuang_store::PoolRow;
use serde::Deserialize;

/// One tier as the page shows it.
struct TierView {
    code: &'static str,
    name: &'static str,
    pack: String,
    document: &'static str,
    status: &'static str,
    status_class: &'static str,
    held: bool,
    route: String,
    score: String,
    items: Vec<(String, String, String)>,
    conditions: Vec<CondView>,
    reasons: Vec<String>,
    warnings: Vec<String>,
    stage: String,
    next_stages: Vec<(&'static str, &'static str)>,
}

struct CondView {
    name: String,
    section: String,
    actual: String,
    required: String,
    met: &'static str,
    met_class: &'static str,
    gap: String,
    note: String,
}

fn tier_view(t: &TierResult, stage: Option<Stage>) -> TierView {
    TierView {
        code: t.tier.code(),
        name: t.tier.zh(),
        pack: t.pack.code().to_string(),
        document: t.pack.document(),
        status: if t.held { "已取得" } else { t.status.zh() },
        status_class: match (t.held, t.status) {
            (true, _) | (_, Status::Eligible) => "ok",
            (_, Status::ManualReview) => "review",
            _ => "no",
        },
        held: t.held,
        route: t.route.clone().unwrap_or_default(),
        score: t
            .score
            .map(|s| {
                if s.min == s.max {
                    format!("{} 分（合格线 {}，满分 {}）", s.min, s.pass_mark, s.out_of)
                } else {
                    format!(
                        "{}—{} 分（合格线 {}，满分 {}；按悲观分判定）",
                        s.min, s.max, s.pass_mark, s.out_of
                    )
                }
            })
            .unwrap_or_default(),
        items: t
            .items
            .iter()
            .map(|i| {
                let pts = if i.min == i.max {
                    format!("{}/{}", i.min, i.out_of)
                } else {
                    format!("{}—{}/{}", i.min, i.max, i.out_of)
                };
                (i.name.clone(), pts, i.basis.clone())
            })
            .collect(),
        conditions: t
            .conditions
            .iter()
            .map(|c| CondView {
                name: c.name.clone(),
                section: c.section.clone(),
                actual: c.actual.clone().unwrap_or_else(|| "未知".into()),
                required: c.required.clone(),
                met: match c.met {
                    Met::Yes => "满足",
                    Met::No => "未满足",
                    Met::Unknown => "待核实",
                },
                met_class: match c.met {
                    Met::Yes => "ok",
                    Met::No => "no",
                    Met::Unknown => "review",
                },
                gap: c.gap.as_ref().map(|g| g.text.clone()).unwrap_or_default(),
                note: c.note.clone().unwrap_or_default(),
            })
            .collect(),
        reasons: t.review_reasons.clone(),
        warnings: t.warnings.clone(),
        stage: stage
            .map(|s| s.zh().to_string())
            .unwrap_or_else(|| "未入库".into()),
        next_stages: Stage::next(stage)
            .iter()
            .map(|s| (s.code(), s.zh()))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "ladder.html")]
struct LadderPage {
    layout: Layout,
    org_id: String,
    name: String,
    credit_code: String,
    as_of: String,
    decided_at: String,
    trigger: String,
    run_id: String,
    pinned: String,
    tiers: Vec<TierView>,
    alerts: Vec<Alert>,
    history: Vec<(String, String, String, String)>,
    packs: Vec<&'static str>,
    bureau: bool,
}

#[derive(Debug, Default, Deserialize)]
struct RunQuery {
    run: Option<String>,
}

async fn ladder_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Query(q): Query<RunQuery>,
) -> Result<Html<String>, PageError> {
    let id = OrgId(id);
    let actor = &session.actor;
    let e: StoredEvaluation = match q.run.as_deref().filter(|r| !r.is_empty()) {
        Some(run) => {
            let e = ladder::run(&s.app, actor, run).await?;
            if e.org_id != id {
                return Err(AppError::NotFound.into());
            }
            e
        }
        None => match ladder::latest(&s.app, actor, &id).await? {
            Some(e) => e,
            None => ladder::evaluate_org(&s.app, actor, &id, None, None).await?,
        },
    };
    let moves = ladder::pool_of(&s.app, actor, &id).await?;
    let stage_of = |tier: &str| {
        moves
            .iter()
            .find(|m| m.tier == tier)
            .and_then(|m| Stage::parse(&m.to_stage))
    };
    let tiers = e
        .tiers
        .iter()
        .map(|t| tier_view(t, stage_of(t.tier.code())))
        .collect();
    let alerts = ladder::alerts(&s.app, actor, s.app.today(), Some(&id)).await?;
    let history = ladder::history(&s.app, actor, &id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.run_id,
                china_datetime_of(r.created_at),
                r.as_of.to_string(),
                r.pack.unwrap_or_else(|| "现行规则".into()),
            )
        })
        .collect();
    Ok(Html(render(&LadderPage {
        layout: Layout::new(
            &s,
            Some(&session),
            if actor.is_bureau() {
                "enterprises"
            } else {
                "ladder"
            },
        ),
        org_id: id.to_string(),
        name: e.profile.name.clone(),
        credit_code: e.profile.credit_code.clone().unwrap_or_default(),
        as_of: e.as_of.to_string(),
        decided_at: china_datetime_of(e.created_at),
        trigger: e.trigger.clone(),
        run_id: e.run_id.clone(),
        pinned: e.pack.clone().unwrap_or_default(),
        tiers,
        alerts,
        history,
        packs: PackId::ALL.iter().map(|p| p.code()).collect(),
        bureau: actor.is_bureau(),
    })))
}

async fn my_ladder(PageSession(session): PageSession) -> Result<Redirect, PageError> {
    match &session.actor.org_id {
        Some(o) => Ok(Redirect::to(&format!("/enterprises/{o}/ladder"))),
        None => Ok(Redirect::to("/pool")),
    }
}

#[derive(Debug, Deserialize)]
struct EvalForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    pack: String,
}

async fn evaluate(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<EvalForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let mut errs = Vec::new();
    let date = match f.date.trim() {
        "" => None,
        d => kechuang_core::date::parse("date", d)
            .map_err(|e| errs.push(e))
            .ok(),
    };
    let pack = match f.pack.trim() {
        "" => None,
        p => PackId::parse(p).or_else(|| {
            errs.push(kechuang_core::FieldError::new("pack", "pack_unknown").with("value", p));
            None
        }),
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs).into());
    }
    let e = ladder::evaluate_org(&s.app, &session.actor, &OrgId(id.clone()), date, pack).await?;
    Ok(Redirect::to(&format!(
        "/enterprises/{id}/ladder?run={}",
        e.run_id
    )))
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    tier: String,
    stage: String,
    #[serde(default)]
    note: String,
}

async fn move_pool(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let tier = ladder::parse_tier(&f.tier)?;
    let stage = Stage::parse(&f.stage).ok_or_else(|| {
        AppError::invalid(
            kechuang_core::FieldError::new("stage", "pool_move_invalid").with("to", &f.stage),
        )
    })?;
    ladder::move_pool(
        &s.app,
        &session.actor,
        &OrgId(id.clone()),
        tier,
        stage,
        Some(&f.note),
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}/ladder")))
}

#[derive(Template)]
#[template(path = "pool.html")]
struct PoolPage {
    layout: Layout,
    tiers: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    tier: String,
    town: String,
    cluster: String,
    stage: String,
    max_unmet: String,
    not_held: bool,
    total: i64,
    rows: Vec<PoolRow>,
    distances: Vec<(String, Vec<(i32, i64)>)>,
    alerts: Vec<Alert>,
    towns: Vec<String>,
    clusters: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct PoolQuery {
    #[serde(default)]
    tier: String,
    #[serde(default)]
    town: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    max_unmet: String,
    #[serde(default)]
    not_held: String,
    #[serde(default)]
    page: Option<i64>,
}

fn tier_zh(code: &str) -> &'static str {
    QualificationKind::from_code(code).map_or("", QualificationKind::zh)
}

fn stage_zh(code: &str) -> &'static str {
    Stage::parse(code).map_or("", Stage::zh)
}

async fn pool_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<PoolQuery>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let tier = if q.tier.is_empty() {
        "high_tech".to_string()
    } else {
        q.tier.clone()
    };
    let not_held = q.not_held != "0";
    let max_unmet = q.max_unmet.trim().parse::<i32>().ok();
    let api_q = crate::routes::ladder::PoolQueryPub {
        tier: Some(tier.clone()),
        town: Some(q.town.clone()),
        cluster: Some(q.cluster.clone()),
        stage: Some(q.stage.clone()),
        not_held: Some(not_held),
        max_unmet,
        page: q.page,
        per_page: Some(100),
    };
    let f = crate::routes::ladder::pool_filter(&api_q)?;
    let (total, rows) = ladder::pool_board(&s.app, &session.actor, f).await?;
    let mut distances: Vec<(String, Vec<(i32, i64)>)> = Vec::new();
    for (t, unmet, n) in ladder::distances(&s.app, &session.actor).await? {
        match distances.iter_mut().find(|d| d.0 == t) {
            Some(d) => d.1.push((unmet, n)),
            None => distances.push((t, vec![(unmet, n)])),
        }
    }
    distances.sort_by_key(|d| LADDER.iter().position(|t| t.code() == d.0));
    let alerts = ladder::alerts(&s.app, &session.actor, s.app.today(), None).await?;
    let mut db = s.app.store.read().await.map_err(AppError::from)?;
    let towns = db.towns().await.map_err(AppError::from)?;
    let clusters = db.clusters().await.map_err(AppError::from)?;
    Ok(Html(render(&PoolPage {
        layout: Layout::new(&s, Some(&session), "pool"),
        tiers: LADDER.iter().map(|t| (t.code(), t.zh())).collect(),
        stages: Stage::ALL.iter().map(|s| (s.code(), s.zh())).collect(),
        tier,
        town: q.town,
        cluster: q.cluster,
        stage: q.stage,
        max_unmet: q.max_unmet,
        not_held,
        total,
        rows,
        distances,
        alerts,
        towns,
        clusters,
    })))
}

#[derive(Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    layout: Layout,
    targets: Vec<TargetView>,
    chart_json: String,
    tiers: Vec<(&'static str, &'static str)>,
}

async fn targets_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let targets = ladder::targets(&s.app, &session.actor, s.app.today()).await?;
    let chart: Vec<serde_json::Value> = targets
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.target_id, "name": t.name, "target": t.target_value, "due": t.due_date,
                "forecast": t.progress.forecast,
                "days": t.history.iter().map(|h| h.0.to_string()).collect::<Vec<_>>(),
                "counts": t.history.iter().map(|h| h.1).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Html(render(&TargetsPage {
        layout: Layout::new(&s, Some(&session), "targets"),
        targets,
        chart_json: serde_json::to_string(&chart)
            .unwrap_or_else(|_| "[]".into())
            .replace("</", "<\\/"),
        tiers: [
            QualificationKind::TechEnterprise,
            QualificationKind::TechSme,
            QualificationKind::HighTech,
            QualificationKind::Srdi,
            QualificationKind::LittleGiant,
        ]
        .iter()
        .map(|t| (t.code(), t.zh()))
        .collect(),
    })))
}

#[derive(Debug, Deserialize)]
struct TargetForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    tier: String,
    baseline_date: String,
    #[serde(default)]
    target_value: String,
    #[serde(default)]
    multiple: String,
    due_date: String,
}

async fn add_target(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<TargetForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let num = |field: &'static str, v: &str| -> Result<Option<i64>, AppError> {
        match v.trim() {
            "" => Ok(None),
            t => t.parse().map(Some).map_err(|_| {
                AppError::invalid(
                    kechuang_core::FieldError::new(field, "number_invalid").with("value", t),
                )
            }),
        }
    };
    let input = TargetInput {
        name: f.name,
        tier: f.tier,
        baseline_date: f.baseline_date,
        target_value: num("target_value", &f.target_value)?,
        multiple: num("multiple", &f.multiple)?,
        due_date: f.due_date,
    };
    ladder::add_target(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to("/targets"))
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

async fn delete_target(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    ladder::delete_target(&s.app, &session.actor, &id).await?;
    Ok(Redirect::to("/targets"))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/ladder", get(my_ladder))
        .route("/enterprises/{id}/ladder", get(ladder_page).post(evaluate))
        .route("/enterprises/{id}/pool", post(move_pool))
        .route("/pool", get(pool_page))
        .route("/targets", get(targets_page).post(add_target))
        .route("/targets/{id}/delete", post(delete_target))
}
