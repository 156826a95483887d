//! 揭榜挂帅 challenge calls: the public list, call and 公示; demands, calls and
//! their stages, applications, formal check, panel, scores, objections (the
//! bureau and applicants); projects with milestone reviews, tranches paid through
//! the ledger and acceptance.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::challenge::{
    self as ch, AcceptInput, AdvanceInput, ApplicationInput, CallInput, CheckInput, DemandInput,
    LinkInput, ObjectionInput, PanelInput, PayTrancheInput, ReviewInput, ReviewerInput,
    RulingInput, ScoreInput, ScreenInput, SignInput,
};
use serde_json::Value;

type J = Result<Json<Value>, ApiError>;

fn created(v: J) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, v?).into_response())
}

/// Published calls (public): KPIs, maximum grant, window, stage.
#[utoipa::path(get, path = "/api/v1/challenges", tag = "challenges",
    responses((status = 200, description = "[CallView]")))]
pub(crate) async fn list(State(s): State<AppState>) -> J {
    to_json(&ch::calls(&s.app, None).await?)
}

/// The 公示 (public): the selected teams of calls in publicity.
#[utoipa::path(get, path = "/api/v1/challenges/publicity", tag = "challenges",
    responses((status = 200, description = "[PublicityRow]")))]
pub(crate) async fn publicity(State(s): State<AppState>) -> J {
    to_json(&ch::publicity(&s.app).await?)
}

/// One published call (public; a draft is 404).
#[utoipa::path(get, path = "/api/v1/challenges/{id}", tag = "challenges",
    responses((status = 200, description = "CallView"), (status = 404)))]
pub(crate) async fn one(State(s): State<AppState>, Path(id): Path<String>) -> J {
    to_json(&ch::call(&s.app, None, &id).await?)
}

/// The bureau refines demands into a call (draft).
#[utoipa::path(post, path = "/api/v1/challenges", tag = "challenges",
    request_body(content = Object, description = "CallInput: title, group, field, kpis[], duration_months, max_grant_fen, issuer_org_id, issuer_cofunding_fen, parallel_teams, min_score, opens, closes, publicity_days, max_rectifications, eligibility, opinions[], demand_ids[]"),
    responses((status = 201, description = "ChCall"), (status = 403), (status = 422)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    ApiJson(i): ApiJson<CallInput>,
) -> Result<Response, ApiError> {
    created(to_json(&ch::create_call(&s.app, &se.actor, &i).await?))
}

/// The bureau's workbench of one call: applications, panel with exclusions,
/// scores, ranking, objections, projects.
#[utoipa::path(get, path = "/api/v1/challenges/{id}/workbench", tag = "challenges",
    responses((status = 200, description = "Workbench"), (status = 403), (status = 404)))]
pub(crate) async fn workbench(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
) -> J {
    to_json(&ch::workbench(&s.app, &se.actor, &id).await?)
}

/// The bureau moves a call: `{"to": "published" | "reviewing" | "publicity" |
/// "running" | "closed" | "cancelled"}`.
#[utoipa::path(post, path = "/api/v1/challenges/{id}/stage", tag = "challenges",
    request_body(content = Object, description = "{to}"),
    responses((status = 200, description = "ChCall"), (status = 403), (status = 422)))]
pub(crate) async fn stage(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<AdvanceInput>,
) -> J {
    to_json(&ch::advance(&s.app, &se.actor, &id, &i, s.app.today()).await?)
}

/// A team or consortium applies inside the window.
#[utoipa::path(post, path = "/api/v1/challenges/{id}/applications", tag = "challenges",
    request_body(content = Object, description = "ApplicationInput: lead_org_id (bureau), partner_org_ids[], consortium_name, consortium_member_ids[], team[{name, org_id, expert_id, role}], plan, milestones[{title, due}], budget_fen, matching_fen, attachments[]"),
    responses((status = 201, description = "ChApplication"), (status = 409), (status = 422)))]
pub(crate) async fn apply(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<ApplicationInput>,
) -> Result<Response, ApiError> {
    created(to_json(
        &ch::apply(&s.app, &se.actor, &id, &i, s.app.today()).await?,
    ))
}

/// The bureau draws the panel (conflicted experts excluded, with reasons).
#[utoipa::path(post, path = "/api/v1/challenges/{id}/panel", tag = "challenges",
    request_body(content = Object, description = "{size, seed}"),
    responses((status = 200, description = "[ChPanelMember]"), (status = 403), (status = 422)))]
pub(crate) async fn draw(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<PanelInput>,
) -> J {
    to_json(&ch::draw_panel(&s.app, &se.actor, &id, &i).await?)
}

/// The panel of a call (the bureau).
#[utoipa::path(get, path = "/api/v1/challenges/{id}/panel", tag = "challenges",
    responses((status = 200, description = "[ChPanelMember]"), (status = 403)))]
pub(crate) async fn panel(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
) -> J {
    to_json(&ch::panel(&s.app, &se.actor, &id).await?)
}

/// The bureau links a drawn expert to the account that scores as them.
#[utoipa::path(post, path = "/api/v1/challenges/{id}/panel/reviewers", tag = "challenges",
    request_body(content = Object, description = "{expert_id, user_id}"),
    responses((status = 200, description = "ChPanelMember"), (status = 403), (status = 422)))]
pub(crate) async fn reviewer(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<ReviewerInput>,
) -> J {
    to_json(&ch::assign_reviewer(&s.app, &se.actor, &id, &i).await?)
}

/// Anyone signed in raises an objection during the 公示.
#[utoipa::path(post, path = "/api/v1/challenges/{id}/objections", tag = "challenges",
    request_body(content = Object, description = "{application_id, raised_by, body}"),
    responses((status = 201, description = "ChObjection"), (status = 422)))]
pub(crate) async fn object(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<ObjectionInput>,
) -> Result<Response, ApiError> {
    created(to_json(
        &ch::object(&s.app, &se.actor, &id, &i, s.app.today()).await?,
    ))
}

/// The bureau rules on an objection (upheld: back to review).
#[utoipa::path(post, path = "/api/v1/challenges/{id}/objections/{objection}/ruling", tag = "challenges",
    request_body(content = Object, description = "{upheld, finding}"),
    responses((status = 200, description = "ChObjection"), (status = 403), (status = 409)))]
pub(crate) async fn rule(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path((id, objection)): Path<(String, String)>,
    ApiJson(i): ApiJson<RulingInput>,
) -> J {
    to_json(&ch::rule_objection(&s.app, &se.actor, &objection, &id, &i).await?)
}

/// Demands: the bureau all, an enterprise its own.
#[utoipa::path(get, path = "/api/v1/challenges/demands", tag = "challenges",
    responses((status = 200, description = "[ChDemand]")))]
pub(crate) async fn demands(State(s): State<AppState>, ApiSession(se): ApiSession) -> J {
    to_json(&ch::demands(&s.app, &se.actor).await?)
}

/// An enterprise submits a demand.
#[utoipa::path(post, path = "/api/v1/challenges/demands", tag = "challenges",
    request_body(content = Object, description = "DemandInput: title, field, problem, indicators, deliverable, cofunding_fen, deadline, confidential, org_id (bureau)"),
    responses((status = 201, description = "ChDemand"), (status = 422)))]
pub(crate) async fn submit_demand(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    ApiJson(i): ApiJson<DemandInput>,
) -> Result<Response, ApiError> {
    created(to_json(
        &ch::submit_demand(&s.app, &se.actor, &i, s.app.today()).await?,
    ))
}

/// The bureau screens a demand.
#[utoipa::path(post, path = "/api/v1/challenges/demands/{id}/screening", tag = "challenges",
    request_body(content = Object, description = "{status: screened | rejected, note}"),
    responses((status = 200, description = "ChDemand"), (status = 403)))]
pub(crate) async fn screen(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<ScreenInput>,
) -> J {
    to_json(&ch::screen_demand(&s.app, &se.actor, &id, &i).await?)
}

/// The caller's organisation's applications.
#[utoipa::path(get, path = "/api/v1/challenges/applications/mine", tag = "challenges",
    responses((status = 200, description = "[ApplicationView]")))]
pub(crate) async fn mine(State(s): State<AppState>, ApiSession(se): ApiSession) -> J {
    to_json(&ch::my_applications(&s.app, &se.actor).await?)
}

/// One application (the bureau, its parties, its reviewers; others 404).
#[utoipa::path(get, path = "/api/v1/challenges/applications/{id}", tag = "challenges",
    responses((status = 200, description = "ApplicationView"), (status = 404)))]
pub(crate) async fn application(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
) -> J {
    to_json(&ch::application(&s.app, &se.actor, &id).await?)
}

/// The bureau's formal check.
#[utoipa::path(post, path = "/api/v1/challenges/applications/{id}/check", tag = "challenges",
    request_body(content = Object, description = "{passed, reasons[]}"),
    responses((status = 200, description = "ChApplication"), (status = 403), (status = 422)))]
pub(crate) async fn formal_check(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<CheckInput>,
) -> J {
    to_json(&ch::formal_check(&s.app, &se.actor, &id, &i, s.app.today()).await?)
}

/// What the caller reviews (a drawn expert's account).
#[utoipa::path(get, path = "/api/v1/challenges/reviews", tag = "challenges",
    responses((status = 200, description = "[ReviewTask]")))]
pub(crate) async fn reviews(State(s): State<AppState>, ApiSession(se): ApiSession) -> J {
    to_json(&ch::review_tasks(&s.app, &se.actor).await?)
}

/// A score (a reviewer's own account, or the bureau with `expert_id`).
#[utoipa::path(post, path = "/api/v1/challenges/scores", tag = "challenges",
    request_body(content = Object, description = "{application_id, expert_id, score, comment}"),
    responses((status = 201, description = "ChScore"), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn score(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    ApiJson(i): ApiJson<ScoreInput>,
) -> Result<Response, ApiError> {
    created(to_json(&ch::score(&s.app, &se.actor, &i).await?))
}

/// Projects: the bureau all, an organisation its own.
#[utoipa::path(get, path = "/api/v1/challenges/projects", tag = "challenges",
    responses((status = 200, description = "[ProjectView]")))]
pub(crate) async fn projects(State(s): State<AppState>, ApiSession(se): ApiSession) -> J {
    to_json(&ch::projects(&s.app, &se.actor, None).await?)
}

/// The bureau signs a task contract (the advance paid through the ledger).
#[utoipa::path(post, path = "/api/v1/challenges/projects", tag = "challenges",
    request_body(content = Object, description = "SignInput: application_id, grant_fen, start, milestones[], tranches[{label, amount_fen, after_milestone}], from, key, contract_ref"),
    responses((status = 201, description = "ProjectView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn sign(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    ApiJson(i): ApiJson<SignInput>,
) -> Result<Response, ApiError> {
    created(to_json(
        &ch::sign(&s.app, &se.actor, &i, s.app.today()).await?,
    ))
}

/// One project (the bureau, its lead; others 404).
#[utoipa::path(get, path = "/api/v1/challenges/projects/{id}", tag = "challenges",
    responses((status = 200, description = "ProjectView"), (status = 404)))]
pub(crate) async fn project(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
) -> J {
    to_json(&ch::project(&s.app, &se.actor, &id).await?)
}

/// Pays a tranche through the ledger: 201 paid, 200 a replay of the same key.
#[utoipa::path(post, path = "/api/v1/challenges/projects/{id}/tranches", tag = "challenges",
    request_body(content = Object, description = "{tranche, key, from}"),
    responses((status = 201, description = "TranchePayment"), (status = 200, description = "replayed"), (status = 409), (status = 422)))]
pub(crate) async fn pay(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<PayTrancheInput>,
) -> Result<Response, ApiError> {
    let r = ch::pay_tranche(&s.app, &se.actor, &id, &i, s.app.today()).await?;
    let status = if r.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, to_json(&r)?).into_response())
}

/// A milestone review: pass, rectify (with a new due date) or terminate.
#[utoipa::path(post, path = "/api/v1/challenges/projects/{id}/reviews", tag = "challenges",
    request_body(content = Object, description = "{milestone, verdict, due, note}"),
    responses((status = 200, description = "ProjectView"), (status = 422)))]
pub(crate) async fn review(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<ReviewInput>,
) -> J {
    to_json(&ch::review_milestone(&s.app, &se.actor, &id, &i, s.app.today()).await?)
}

/// The final acceptance against the KPIs.
#[utoipa::path(post, path = "/api/v1/challenges/projects/{id}/acceptance", tag = "challenges",
    request_body(content = Object, description = "{measured[]}"),
    responses((status = 200, description = "ProjectView"), (status = 422)))]
pub(crate) async fn accept(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<AcceptInput>,
) -> J {
    to_json(&ch::accept(&s.app, &se.actor, &id, &i, s.app.today()).await?)
}

/// Links a registered technology contract to a project.
#[utoipa::path(post, path = "/api/v1/challenges/projects/{id}/contract", tag = "challenges",
    request_body(content = Object, description = "{contract_ref}"),
    responses((status = 200, description = "ChProject"), (status = 403)))]
pub(crate) async fn link(
    State(s): State<AppState>,
    ApiSession(se): ApiSession,
    Path(id): Path<String>,
    ApiJson(i): ApiJson<LinkInput>,
) -> J {
    to_json(&ch::link_contract(&s.app, &se.actor, &id, &i).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/challenges", get(list).post(create))
        .route("/api/v1/challenges/publicity", get(publicity))
        .route(
            "/api/v1/challenges/demands",
            get(demands).post(submit_demand),
        )
        .route("/api/v1/challenges/demands/{id}/screening", post(screen))
        .route("/api/v1/challenges/applications/mine", get(mine))
        .route("/api/v1/challenges/applications/{id}", get(application))
        .route(
            "/api/v1/challenges/applications/{id}/check",
            post(formal_check),
        )
        .route("/api/v1/challenges/reviews", get(reviews))
        .route("/api/v1/challenges/scores", post(score))
        .route("/api/v1/challenges/projects", get(projects).post(sign))
        .route("/api/v1/challenges/projects/{id}", get(project))
        .route("/api/v1/challenges/projects/{id}/tranches", post(pay))
        .route("/api/v1/challenges/projects/{id}/reviews", post(review))
        .route("/api/v1/challenges/projects/{id}/acceptance", post(accept))
        .route("/api/v1/challenges/projects/{id}/contract", post(link))
        .route("/api/v1/challenges/{id}", get(one))
        .route("/api/v1/challenges/{id}/workbench", get(workbench))
        .route("/api/v1/challenges/{id}/stage", post(stage))
        .route("/api/v1/challenges/{id}/applications", post(apply))
        .route("/api/v1/challenges/{id}/panel", get(panel).post(draw))
        .route("/api/v1/challenges/{id}/panel/reviewers", post(reviewer))
        .route("/api/v1/challenges/{id}/objections", post(object))
        .route(
            "/api/v1/challenges/{id}/objections/{objection}/ruling",
            post(rule),
        )
}
