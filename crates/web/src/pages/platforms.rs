//! 创新平台 (the list with filters and counts by kind × level, the bureau's
//! create form), a platform's page (evaluations, status and edit forms), an
//! institute's page (teams, targets with progress bars, incubated projects by
//! stage, resulting firms and their qualifications) and an alliance's page
//! (members, experts paged).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use kechuang_app::AppError;
use kechuang_app::ops::institute::{
    self, AllianceDetail, AllianceView, InstituteView, MemberInput, MoveInput, ProjectInput,
    TargetInput, TeamInput,
};
use kechuang_app::ops::platform::{
    self, EvaluationInput, ListQuery, PartnerInput, PlatformInput, PlatformList, PlatformView,
    StatusInput,
};
use kechuang_core::FieldError;
use kechuang_core::platform::{IncubationStage, PlatformKind};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

type FormMap = HashMap<String, String>;

fn field(m: &FormMap, k: &str) -> String {
    m.get(k).cloned().unwrap_or_default()
}

/// A form's text fields as an app input (unknown fields such as `_csrf` ignored).
fn input_of<T: DeserializeOwned>(m: &FormMap) -> Result<T, AppError> {
    let obj: serde_json::Map<String, serde_json::Value> = m
        .iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::from_value(serde_json::Value::Object(obj)).map_err(|e| {
        AppError::invalid(FieldError::new("body", "json_invalid").with("value", e.to_string()))
    })
}

const LEVELS: [(&str, &str); 4] = [
    ("national", "国家级"),
    ("provincial", "省级"),
    ("municipal", "市级"),
    ("below_municipal", "市级以下"),
];

/// The kind × level table: one row per kind present, one column per level.
fn matrix(list: &PlatformList) -> Vec<(String, Vec<i64>, i64)> {
    let mut rows: Vec<(String, Vec<i64>, i64)> = Vec::new();
    for k in PlatformKind::ALL {
        let cells: Vec<i64> = LEVELS
            .iter()
            .map(|(l, _)| {
                list.counts
                    .iter()
                    .filter(|c| c.kind == k.as_str() && c.level == *l)
                    .map(|c| c.count)
                    .sum()
            })
            .collect();
        let total: i64 = cells.iter().sum();
        if total > 0 {
            rows.push((k.label().to_string(), cells, total));
        }
    }
    rows
}

#[derive(Template)]
#[template(path = "platforms.html")]
struct ListPage {
    layout: Layout,
    list: PlatformList,
    q: ListQuery,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    towns: Vec<String>,
    matrix: Vec<(String, Vec<i64>, i64)>,
    alliances: Vec<AllianceView>,
    next: Option<String>,
}

async fn list(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let list = platform::list(&s.app, actor, &q).await?;
    let alliances = institute::alliances(&s.app, actor).await?;
    let towns = {
        let mut db = s.app.store.read().await.map_err(AppError::from)?;
        db.towns().await.map_err(AppError::from)?
    };
    let next = (list.page * list.per_page < list.total).then(|| {
        format!(
            "/platforms?kind={}&level={}&status={}&town={}&q={}&mine={}&page={}",
            q.kind,
            q.level,
            q.status,
            q.town,
            q.q,
            q.mine,
            list.page + 1
        )
    });
    let p = ListPage {
        layout: Layout::new(&s, Some(&session), "platforms"),
        matrix: matrix(&list),
        list,
        q,
        kinds: PlatformKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        levels: LEVELS.to_vec(),
        towns,
        alliances,
        next,
    };
    Ok(Html(render(&p)))
}

fn platform_input(m: &FormMap, partners: Vec<PartnerInput>) -> Result<PlatformInput, AppError> {
    let mut input: PlatformInput = input_of(m)?;
    input.partners = partners;
    let (name, org, role) = (
        field(m, "partner_name"),
        field(m, "partner_org_id"),
        field(m, "partner_role"),
    );
    if !name.trim().is_empty() || !org.trim().is_empty() {
        input.partners.push(PartnerInput {
            name,
            org_id: org,
            role,
        });
    }
    Ok(input)
}

async fn create(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    let v = platform::create(&s.app, &session.actor, &platform_input(&m, Vec::new())?).await?;
    Ok(Redirect::to(&format!("/platforms/{}", v.id)))
}

#[derive(Template)]
#[template(path = "platform.html")]
struct DetailPage {
    layout: Layout,
    p: PlatformView,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
}

async fn detail(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let p = platform::detail(&s.app, &session.actor, &id).await?;
    Ok(Html(render(&DetailPage {
        layout: Layout::new(&s, Some(&session), "platforms"),
        p,
        kinds: PlatformKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        levels: LEVELS.to_vec(),
    })))
}

async fn edit(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    // The form edits the attributes; the partners stay as they are.
    let current = platform::detail(&s.app, &session.actor, &id).await?;
    let partners = current
        .partners
        .into_iter()
        .map(|p| PartnerInput {
            name: p.name,
            org_id: p.org_id.map(|o| o.to_string()).unwrap_or_default(),
            role: p.role,
        })
        .collect();
    platform::update(&s.app, &session.actor, &id, &platform_input(&m, partners)?).await?;
    Ok(Redirect::to(&format!("/platforms/{id}")))
}

async fn status(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    platform::move_status(&s.app, &session.actor, &id, &input_of::<StatusInput>(&m)?).await?;
    Ok(Redirect::to(&format!("/platforms/{id}")))
}

async fn evaluate(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    platform::evaluate(
        &s.app,
        &session.actor,
        &id,
        &input_of::<EvaluationInput>(&m)?,
    )
    .await?;
    Ok(Redirect::to(&format!("/platforms/{id}")))
}

#[derive(Template)]
#[template(path = "institute.html")]
struct InstitutePage {
    layout: Layout,
    v: InstituteView,
    stages: Vec<(&'static str, &'static str)>,
}

async fn institute_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let v = institute::institute(&s.app, &session.actor, &id).await?;
    Ok(Html(render(&InstitutePage {
        layout: Layout::new(&s, Some(&session), "platforms"),
        v,
        stages: IncubationStage::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    })))
}

async fn add_team(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    institute::add_team(&s.app, &session.actor, &id, &input_of::<TeamInput>(&m)?).await?;
    Ok(Redirect::to(&format!("/institutes/{id}")))
}

async fn set_target(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    institute::set_target(&s.app, &session.actor, &id, &input_of::<TargetInput>(&m)?).await?;
    Ok(Redirect::to(&format!("/institutes/{id}")))
}

/// 万元 as typed → fen (up to six decimals).
fn fen_of(field_name: &str, s: &str) -> Result<Option<i64>, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    kechuang_core::money::Money::parse_wan(t)
        .map(|m| Some(m.fen()))
        .map_err(|_| {
            AppError::invalid(FieldError::new(field_name, "number_invalid").with("value", t))
        })
}

async fn add_project(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    let input = ProjectInput {
        name: field(&m, "name"),
        field: field(&m, "field"),
        stage: field(&m, "stage"),
        team: field(&m, "team"),
        funding_fen: fen_of("funding_wan", &field(&m, "funding_wan"))?.unwrap_or(0),
        started_on: field(&m, "started_on"),
        firm_org_id: field(&m, "firm_org_id"),
    };
    institute::add_project(&s.app, &session.actor, &id, &input).await?;
    Ok(Redirect::to(&format!("/institutes/{id}")))
}

async fn move_project(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(pid): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    let input = MoveInput {
        stage: field(&m, "stage"),
        on: field(&m, "on"),
        firm_org_id: field(&m, "firm_org_id"),
        funding_fen: fen_of("funding_wan", &field(&m, "funding_wan"))?,
    };
    let p = institute::move_project(&s.app, &session.actor, &pid, &input).await?;
    Ok(Redirect::to(&format!("/institutes/{}", p.platform_id)))
}

#[derive(Template)]
#[template(path = "alliance.html")]
struct AlliancePage {
    layout: Layout,
    d: AllianceDetail,
    pages: i64,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PageQuery {
    page: i64,
}

async fn alliance_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    let d = institute::alliance(&s.app, &session.actor, &id, q.page, 50).await?;
    let pages = (d.alliance.experts + d.per_page - 1) / d.per_page.max(1);
    Ok(Html(render(&AlliancePage {
        layout: Layout::new(&s, Some(&session), "platforms"),
        d,
        pages,
    })))
}

async fn add_member(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(m): Form<FormMap>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&field(&m, "_csrf"))?;
    institute::add_member(&s.app, &session.actor, &id, &input_of::<MemberInput>(&m)?).await?;
    Ok(Redirect::to(&format!("/alliances/{id}")))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/platforms", get(list).post(create))
        .route("/platforms/{id}", get(detail).post(edit))
        .route("/platforms/{id}/status", post(status))
        .route("/platforms/{id}/evaluations", post(evaluate))
        .route("/institutes/{id}", get(institute_page))
        .route("/institutes/{id}/teams", post(add_team))
        .route("/institutes/{id}/targets", post(set_target))
        .route("/institutes/{id}/projects", post(add_project))
        .route("/institutes/projects/{pid}/stage", post(move_project))
        .route("/alliances/{id}", get(alliance_page))
        .route("/alliances/{id}/members", post(add_member))
}
