//! Daily matching pages: a need's matches with 有用 / 没用 buttons, the
//! university side's recommendations, interests and threads (对接洽谈), a
//! collaboration's chain, and the bureau's 对接成效 funnel. Every form carries the
//! session's CSRF token; bad input answers with the error page naming the field.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{PageSession, Session};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::ops::feedback::{self, FeedbackInput};
use kechuang_app::ops::interest::{self, InterestInput, InterestView, ThreadDetail, ThreadView};
use kechuang_app::ops::matchmaking as mm;
use kechuang_app::ops::outcome::{
    self, CollaborationView, CorrectionInput, DirectInput, MatchmakingFigures,
};
use kechuang_app::recommend::AchievementNeeds;
use kechuang_app::search::Match;
use kechuang_core::chain::{CollaborationInput, Source, StageInput};
use kechuang_core::role::Role;
use std::collections::HashMap;

fn form_map(form: &[(String, String)]) -> HashMap<String, String> {
    form.iter().cloned().collect()
}

fn get_s(m: &HashMap<String, String>, k: &str) -> String {
    m.get(k).cloned().unwrap_or_default()
}

fn checked(session: &Session, m: &HashMap<String, String>) -> Result<(), PageError> {
    session.check_csrf(&get_s(m, "_csrf"))?;
    Ok(())
}

/// One row of the match page.
struct MatchRow {
    m: Match,
    /// The user's vote: "useful", "not_useful" or "".
    vote: &'static str,
    /// Bureau: 有用 / 没用 counts.
    counts: Option<(i64, i64)>,
}

#[derive(Template)]
#[template(path = "mm_matches.html")]
struct MatchesPage {
    layout: Layout,
    need: mm::NeedView,
    rows: Vec<MatchRow>,
    bureau: bool,
    can_send: bool,
}

async fn matches_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let need = mm::need(&s.app, actor, &id).await?;
    let matches = s.searcher()?.match_need(&s.app, actor, &id, 20).await?;
    let mine = feedback::mine(&s.app, actor, &id).await?;
    let counts = if actor.is_bureau() {
        feedback::counts(&s.app, actor, Some(&id)).await?
    } else {
        Vec::new()
    };
    let rows = matches
        .into_iter()
        .map(|m| {
            let vote = mine
                .iter()
                .find(|(k, i, _)| *k == m.hit.kind && *i == m.hit.id)
                .map_or("", |(_, _, u)| if *u { "useful" } else { "not_useful" });
            let counts = actor.is_bureau().then(|| {
                counts
                    .iter()
                    .find(|c| c.candidate_kind == m.hit.kind && c.candidate_id == m.hit.id)
                    .map_or((0, 0), |c| (c.useful, c.not_useful))
            });
            MatchRow { m, vote, counts }
        })
        .collect();
    let can_send = actor.role == Role::Enterprise
        && actor.org_id.as_ref().map(|o| o.as_str()) == Some(need.org_id.as_str());
    Ok(Html(render(&MatchesPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        need,
        rows,
        bureau: actor.is_bureau(),
        can_send,
    })))
}

async fn give_feedback(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let input = FeedbackInput {
        candidate_kind: get_s(&m, "candidate_kind"),
        candidate_id: get_s(&m, "candidate_id"),
        useful: match get_s(&m, "useful").as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
    };
    feedback::give(&s.app, &session.actor, &id, &input).await?;
    Ok(Redirect::to(&format!("/needs/{id}/matches")).into_response())
}

#[derive(Template)]
#[template(path = "mm_recommend.html")]
struct RecommendPage {
    layout: Layout,
    items: Vec<AchievementNeeds>,
    org: String,
    bureau: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
struct OrgQuery {
    #[serde(default)]
    org: String,
}

async fn recommend_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<OrgQuery>,
) -> Result<Html<String>, PageError> {
    let bureau = session.actor.is_bureau();
    let items = if bureau && q.org.trim().is_empty() {
        Vec::new()
    } else {
        s.searcher()?
            .recommendations(&s.app, &session.actor, Some(&q.org), 5)
            .await?
    };
    Ok(Html(render(&RecommendPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        items,
        org: q.org,
        bureau,
    })))
}

#[derive(Template)]
#[template(path = "mm_interests.html")]
struct InterestsPage {
    layout: Layout,
    interests: Vec<InterestView>,
    threads: Vec<ThreadView>,
    bureau: bool,
    mediation: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct MediationQuery {
    #[serde(default)]
    mediation: String,
}

async fn interests_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<MediationQuery>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let interests = interest::interests(&s.app, actor, 1).await?;
    let threads = interest::threads(&s.app, actor, &q.mediation).await?;
    Ok(Html(render(&InterestsPage {
        layout: Layout::new(&s, Some(&session), "interests"),
        interests,
        threads,
        bureau: actor.is_bureau(),
        mediation: q.mediation,
    })))
}

#[derive(Template)]
#[template(path = "mm_interest_new.html")]
struct NewInterestPage {
    layout: Layout,
    target_kind: String,
    target_id: String,
    target_title: String,
}

#[derive(Debug, Default, serde::Deserialize)]
struct TargetQuery {
    #[serde(default)]
    target_kind: String,
    #[serde(default)]
    target_id: String,
}

async fn new_interest_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<TargetQuery>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let title = match q.target_kind.as_str() {
        "need" => mm::need(&s.app, actor, &q.target_id).await?.title,
        "achievement" => mm::achievement(&s.app, actor, &q.target_id).await?.title,
        "expert" => mm::expert(&s.app, actor, &q.target_id).await?.expert.name,
        _ => return Err(kechuang_app::AppError::NotFound.into()),
    };
    Ok(Html(render(&NewInterestPage {
        layout: Layout::new(&s, Some(&session), "interests"),
        target_kind: q.target_kind,
        target_id: q.target_id,
        target_title: title,
    })))
}

async fn send_interest(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    interest::send(
        &s.app,
        &session.actor,
        &InterestInput {
            target_kind: get_s(&m, "target_kind"),
            target_id: get_s(&m, "target_id"),
            message: get_s(&m, "message"),
        },
    )
    .await?;
    Ok(Redirect::to("/interests").into_response())
}

async fn interest_action(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let actor = &session.actor;
    let v = match action.as_str() {
        "accept" => interest::respond(&s.app, actor, &id, true, "").await?,
        "decline" => interest::respond(&s.app, actor, &id, false, &get_s(&m, "reason")).await?,
        "withdraw" => interest::withdraw(&s.app, actor, &id).await?,
        _ => return Err(kechuang_app::AppError::NotFound.into()),
    };
    Ok(match v.thread_id {
        Some(t) if action == "accept" => Redirect::to(&format!("/threads/{t}")),
        _ => Redirect::to("/interests"),
    }
    .into_response())
}

#[derive(Template)]
#[template(path = "mm_thread.html")]
struct ThreadPage {
    layout: Layout,
    t: ThreadDetail,
    sources: Vec<(&'static str, &'static str)>,
}

async fn thread_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let t = interest::thread(&s.app, &session.actor, &id).await?;
    Ok(Html(render(&ThreadPage {
        layout: Layout::new(&s, Some(&session), "interests"),
        t,
        sources: Source::ALL.iter().map(|s| (s.code(), s.zh())).collect(),
    })))
}

async fn thread_action(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let actor = &session.actor;
    match action.as_str() {
        "messages" => {
            interest::post(&s.app, actor, &id, &get_s(&m, "body")).await?;
        }
        "mediation" => {
            interest::mark(&s.app, actor, &id, &get_s(&m, "mediation")).await?;
        }
        "collaboration" => {
            let c = outcome::sign(&s.app, actor, &id, &collab_input(&m)).await?;
            return Ok(Redirect::to(&format!("/collaborations/{}", c.id)).into_response());
        }
        _ => return Err(kechuang_app::AppError::NotFound.into()),
    }
    Ok(Redirect::to(&format!("/threads/{id}")).into_response())
}

fn collab_input(m: &HashMap<String, String>) -> CollaborationInput {
    CollaborationInput {
        title: get_s(m, "title"),
        signed_on: get_s(m, "signed_on"),
        amount_wan: get_s(m, "amount_wan"),
        source: get_s(m, "source"),
        session_id: get_s(m, "session_id"),
    }
}

#[derive(Template)]
#[template(path = "mm_collab.html")]
struct CollabPage {
    layout: Layout,
    c: CollaborationView,
    bureau: bool,
}

async fn collab_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let c = outcome::collaboration(&s.app, &session.actor, &id).await?;
    Ok(Html(render(&CollabPage {
        layout: Layout::new(&s, Some(&session), "interests"),
        c,
        bureau: session.actor.is_bureau(),
    })))
}

async fn collab_action(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let actor = &session.actor;
    match action.as_str() {
        "stages" => {
            let input = StageInput {
                stage: get_s(&m, "stage"),
                on: get_s(&m, "on"),
                detail: get_s(&m, "detail"),
            };
            outcome::advance(&s.app, actor, &id, &input).await?;
        }
        "corrections" => {
            let input = CorrectionInput {
                stage: get_s(&m, "stage"),
                on: get_s(&m, "on"),
                detail: get_s(&m, "detail"),
                reason: get_s(&m, "reason"),
            };
            outcome::correct(&s.app, actor, &id, &input).await?;
        }
        _ => return Err(kechuang_app::AppError::NotFound.into()),
    }
    Ok(Redirect::to(&format!("/collaborations/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "mm_outcomes.html")]
struct OutcomesPage {
    layout: Layout,
    from: String,
    to: String,
    f: MatchmakingFigures,
    /// (label, count, share of the first stage in percent) for the funnel bars.
    funnel: Vec<(&'static str, i64, i64)>,
    recent: Vec<CollaborationView>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn outcomes_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<RangeQuery>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let from = if q.from.trim().is_empty() {
        "2023-10".to_string()
    } else {
        q.from.clone()
    };
    let to = if q.to.trim().is_empty() {
        "2026-09".to_string()
    } else {
        q.to.clone()
    };
    let r = kechuang_app::ops::report::parse_range(&from, &to)
        .map_err(kechuang_app::AppError::Invalid)?;
    let f = outcome::funnel(&s.app, &session.actor, r.from, r.to).await?;
    let stages = [
        ("对接意向", f.interests),
        ("对接洽谈", f.threads),
        ("签约产学研合作", f.chain.collaborations),
        ("技术合同", f.chain.contracts),
        ("成果转化", f.chain.conversions),
        ("新产品", f.chain.products),
    ];
    let top = stages.iter().map(|s| s.1).max().unwrap_or(0).max(1);
    let funnel = stages
        .iter()
        .map(|(l, n)| (*l, *n, n * 100 / top))
        .collect();
    let mut recent = outcome::collaborations(&s.app, &session.actor, 1).await?;
    recent.truncate(20);
    Ok(Html(render(&OutcomesPage {
        layout: Layout::new(&s, Some(&session), "outcomes"),
        from,
        to,
        f,
        funnel,
        recent,
    })))
}

async fn record_direct(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let c = outcome::record_direct(
        &s.app,
        &session.actor,
        &DirectInput {
            enterprise_org_id: get_s(&m, "enterprise_org_id"),
            provider_org_id: get_s(&m, "provider_org_id"),
            collab: collab_input(&m),
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/collaborations/{}", c.id)).into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/needs/{id}/matches", get(matches_page))
        .route("/needs/{id}/matches/feedback", post(give_feedback))
        .route("/recommendations", get(recommend_page))
        .route("/interests", get(interests_page).post(send_interest))
        .route("/interests/new", get(new_interest_page))
        .route("/interests/{id}/{action}", post(interest_action))
        .route("/threads/{id}", get(thread_page))
        .route("/threads/{id}/{action}", post(thread_action))
        .route("/collaborations", post(record_direct))
        .route("/collaborations/{id}", get(collab_page))
        .route("/collaborations/{id}/{action}", post(collab_action))
        .route("/outcomes", get(outcomes_page))
}
