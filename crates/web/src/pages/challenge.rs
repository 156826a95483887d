//! 揭榜挂帅 pages: the public list with the 公示, a call with its apply form, my
//! applications, the bureau workbench (demands → refine → publish; one call's
//! applications, formal check, panel with exclusions, scores and ranking,
//! decision and 公示, projects with milestones and tranches) and the reviewer's
//! scoring page.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{COOKIE, PageSession, Session, cookie};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kechuang_app::AppError;
use kechuang_app::ops::challenge::{
    self as ch, AcceptInput, AdvanceInput, ApplicationInput, ApplicationView, CallInput, CallView,
    CheckInput, KpiInput, MemberInput, MilestoneInput, PanelInput, PayTrancheInput, ProjectView,
    PublicityRow, ReviewInput, ReviewTask, RulingInput, ScoreInput, ScreenInput, SignInput,
    TrancheInput, Workbench,
};
use kechuang_core::FieldError;
use kechuang_core::money::Money;
use kechuang_core::role::Role;
use kechuang_store::ChDemand;
use std::collections::HashMap;

type Fields = HashMap<String, String>;

fn form_map(form: Vec<(String, String)>) -> Fields {
    form.into_iter().collect()
}

fn get_s(m: &Fields, k: &str) -> String {
    m.get(k).cloned().unwrap_or_default()
}

fn lines(s: &str) -> Vec<Vec<String>> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(['|', '｜']).map(|x| x.trim().to_string()).collect())
        .collect()
}

fn list(s: &str) -> Vec<String> {
    s.split([',', '，', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

/// 万元 as typed → fen (a field error naming the field).
fn wan(m: &Fields, k: &str) -> Result<i64, AppError> {
    let v = get_s(m, k);
    if v.trim().is_empty() {
        return Ok(0);
    }
    Money::parse_wan(v.trim()).map(Money::fen).map_err(|_| {
        AppError::invalid(FieldError::new(k, "number_invalid").with("value", v.trim()))
    })
}

fn checked(session: &Session, m: &Fields) -> Result<(), PageError> {
    session.check_csrf(&get_s(m, "_csrf"))?;
    Ok(())
}

/// The session, when there is one (the public pages work without).
async fn maybe_session(s: &AppState, headers: &HeaderMap) -> Option<Session> {
    let token = cookie(headers, COOKIE)?;
    if token.is_empty() || token.len() > 128 {
        return None;
    }
    let (actor, csrf) = kechuang_app::ops::auth::session(&s.app, &token)
        .await
        .ok()??;
    Some(Session {
        actor,
        token,
        csrf,
        via_cookie: true,
        unread: 0,
    })
}

#[derive(Template)]
#[template(path = "challenges.html")]
struct ListPage {
    layout: Layout,
    signed_in: bool,
    bureau: bool,
    calls: Vec<CallView>,
    publicity: Vec<PublicityRow>,
    objection_sent: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ListQuery {
    objection: String,
}

async fn list_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let session = maybe_session(&s, &headers).await;
    let p = ListPage {
        layout: Layout::new(&s, session.as_ref(), "challenges"),
        signed_in: session.is_some(),
        bureau: session.as_ref().is_some_and(|x| x.actor.is_bureau()),
        calls: ch::calls(&s.app, None).await?,
        publicity: ch::publicity(&s.app).await?,
        objection_sent: q.objection == "1",
    };
    Ok(Html(render(&p)))
}

#[derive(Template)]
#[template(path = "challenge.html")]
struct CallPage {
    layout: Layout,
    call: CallView,
    may_apply: bool,
    bureau: bool,
}

async fn call_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let session = maybe_session(&s, &headers).await;
    let call = ch::call(&s.app, session.as_ref().map(|x| &x.actor), &id).await?;
    let may_apply = call.open_now
        && session
            .as_ref()
            .is_some_and(|x| matches!(x.actor.role, Role::Enterprise | Role::Research));
    let p = CallPage {
        layout: Layout::new(&s, session.as_ref(), "challenges"),
        bureau: session.as_ref().is_some_and(|x| x.actor.is_bureau()),
        call,
        may_apply,
    };
    Ok(Html(render(&p)))
}

fn milestones(s: &str) -> Vec<MilestoneInput> {
    lines(s)
        .into_iter()
        .map(|l| MilestoneInput {
            title: l.first().cloned().unwrap_or_default(),
            due: l.get(1).cloned().unwrap_or_default(),
        })
        .collect()
}

async fn apply(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(form);
    checked(&session, &m)?;
    let input = ApplicationInput {
        lead_org_id: get_s(&m, "lead_org_id"),
        partner_org_ids: list(&get_s(&m, "partner_org_ids")),
        consortium_name: get_s(&m, "consortium_name"),
        consortium_member_ids: list(&get_s(&m, "consortium_member_ids")),
        team: lines(&get_s(&m, "team"))
            .into_iter()
            .map(|l| MemberInput {
                name: l.first().cloned().unwrap_or_default(),
                org_id: l.get(1).cloned().unwrap_or_default(),
                expert_id: l.get(2).cloned().unwrap_or_default(),
                role: l.get(3).cloned().unwrap_or_default(),
            })
            .collect(),
        plan: get_s(&m, "plan"),
        milestones: milestones(&get_s(&m, "milestones")),
        budget_fen: wan(&m, "budget_wan")?,
        matching_fen: wan(&m, "matching_wan")?,
        attachments: list(&get_s(&m, "attachments")),
    };
    ch::apply(&s.app, &session.actor, &id, &input, s.app.today()).await?;
    Ok(Redirect::to("/challenges/mine").into_response())
}

#[derive(Template)]
#[template(path = "challenge_mine.html")]
struct MinePage {
    layout: Layout,
    applications: Vec<ApplicationView>,
    projects: Vec<ProjectView>,
    /// An enterprise submits bottleneck demands here.
    enterprise: bool,
    demands: Vec<ChDemand>,
}

async fn mine(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let p = MinePage {
        layout: Layout::new(&s, Some(&session), "challenges"),
        applications: ch::my_applications(&s.app, &session.actor).await?,
        projects: ch::projects(&s.app, &session.actor, None).await?,
        enterprise: session.actor.role == Role::Enterprise,
        demands: if session.actor.role == Role::Enterprise {
            ch::demands(&s.app, &session.actor).await?
        } else {
            Vec::new()
        },
    };
    Ok(Html(render(&p)))
}

/// An enterprise submits a bottleneck demand (需求征集).
async fn submit_demand(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(form);
    checked(&session, &m)?;
    let input = ch::DemandInput {
        org_id: String::new(),
        title: get_s(&m, "title"),
        field: get_s(&m, "field"),
        problem: get_s(&m, "problem"),
        indicators: get_s(&m, "indicators"),
        deliverable: get_s(&m, "deliverable"),
        cofunding_fen: wan(&m, "cofunding_wan")?,
        deadline: get_s(&m, "deadline"),
        confidential: get_s(&m, "confidential") == "on",
    };
    ch::submit_demand(&s.app, &session.actor, &input, s.app.today()).await?;
    Ok(Redirect::to("/challenges/mine").into_response())
}

/// Anyone signed in raises an objection during a call's 公示.
async fn object(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(form);
    checked(&session, &m)?;
    ch::object(
        &s.app,
        &session.actor,
        &id,
        &ch::ObjectionInput {
            application_id: get_s(&m, "application_id"),
            raised_by: get_s(&m, "raised_by"),
            body: get_s(&m, "body"),
        },
        s.app.today(),
    )
    .await?;
    Ok(Redirect::to("/challenges?objection=1").into_response())
}

#[derive(Template)]
#[template(path = "challenge_bench.html")]
struct BenchPage {
    layout: Layout,
    demands: Vec<ChDemand>,
    calls: Vec<CallView>,
}

async fn bench(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let p = BenchPage {
        layout: Layout::new(&s, Some(&session), "challenges"),
        demands: ch::demands(&s.app, &session.actor).await?,
        calls: ch::calls(&s.app, Some(&session.actor)).await?,
    };
    Ok(Html(render(&p)))
}

async fn screen(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(form);
    checked(&session, &m)?;
    ch::screen_demand(
        &s.app,
        &session.actor,
        &id,
        &ScreenInput {
            status: get_s(&m, "status"),
            note: get_s(&m, "note"),
        },
    )
    .await?;
    Ok(Redirect::to("/challenges/bench").into_response())
}

async fn refine(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let demand_ids: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "demand_id")
        .map(|(_, v)| v.clone())
        .collect();
    let m = form_map(form);
    checked(&session, &m)?;
    let input = CallInput {
        title: get_s(&m, "title"),
        group: get_s(&m, "group"),
        field: get_s(&m, "field"),
        kpis: lines(&get_s(&m, "kpis"))
            .into_iter()
            .map(|l| KpiInput {
                metric: l.first().cloned().unwrap_or_default(),
                target: l.get(1).cloned().unwrap_or_default(),
                unit: l.get(2).cloned().unwrap_or_default(),
                direction: match l.get(3).map(String::as_str) {
                    Some("≤" | "<=" | "at_most") => "at_most".into(),
                    _ => "at_least".into(),
                },
                test_method: l.get(4).cloned().unwrap_or_default(),
            })
            .collect(),
        duration_months: get_s(&m, "duration_months").trim().parse().unwrap_or(0),
        max_grant_fen: wan(&m, "max_grant_wan")?,
        issuer_org_id: get_s(&m, "issuer_org_id"),
        issuer_cofunding_fen: wan(&m, "cofunding_wan")?,
        parallel_teams: get_s(&m, "parallel_teams").trim().parse().unwrap_or(1),
        min_score: get_s(&m, "min_score"),
        opens: get_s(&m, "opens"),
        closes: get_s(&m, "closes"),
        publicity_days: get_s(&m, "publicity_days").trim().parse().unwrap_or(7),
        max_rectifications: get_s(&m, "max_rectifications").trim().parse().unwrap_or(1),
        eligibility: get_s(&m, "eligibility"),
        opinions: lines(&get_s(&m, "opinions"))
            .into_iter()
            .map(|l| l.join("|"))
            .collect(),
        demand_ids,
    };
    let c = ch::create_call(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to(&format!("/challenges/bench/{}", c.id)).into_response())
}

#[derive(Template)]
#[template(path = "challenge_call_bench.html")]
struct CallBenchPage {
    layout: Layout,
    w: Workbench,
    names: HashMap<String, String>,
    key: String,
}

impl CallBenchPage {
    fn app_name(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    fn score_of(&self, app: &str, expert: &str) -> String {
        self.w
            .scores
            .iter()
            .find(|s| s.application_id == app && s.expert_id == expert)
            .map(|s| s.score.to_string())
            .unwrap_or_else(|| "—".into())
    }
}

async fn call_bench(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let w = ch::workbench(&s.app, &session.actor, &id).await?;
    let names = w
        .applications
        .iter()
        .map(|a| (a.application.id.clone(), a.lead_org_name.clone()))
        .collect();
    let p = CallBenchPage {
        layout: Layout::new(&s, Some(&session), "challenges"),
        w,
        names,
        key: kechuang_app::random_hex(12),
    };
    Ok(Html(render(&p)))
}

async fn call_action(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(form);
    checked(&session, &m)?;
    let (app, actor, today) = (&s.app, &session.actor, s.app.today());
    let num = |k: &str| get_s(&m, k).trim().parse::<usize>().unwrap_or(0);
    match get_s(&m, "action").as_str() {
        "stage" => {
            ch::advance(
                app,
                actor,
                &id,
                &AdvanceInput {
                    to: get_s(&m, "to"),
                },
                today,
            )
            .await?;
        }
        "check" => {
            let passed = get_s(&m, "passed") == "true";
            ch::formal_check(
                app,
                actor,
                &get_s(&m, "application_id"),
                &CheckInput {
                    passed,
                    reasons: list(&get_s(&m, "reasons")),
                },
                today,
            )
            .await?;
        }
        "panel" => {
            ch::draw_panel(
                app,
                actor,
                &id,
                &PanelInput {
                    size: num("size"),
                    seed: get_s(&m, "seed").trim().parse().unwrap_or(0),
                },
            )
            .await?;
        }
        "score" => {
            ch::score(
                app,
                actor,
                &ScoreInput {
                    application_id: get_s(&m, "application_id"),
                    expert_id: get_s(&m, "expert_id"),
                    score: get_s(&m, "score"),
                    comment: get_s(&m, "comment"),
                },
            )
            .await?;
        }
        "reviewer" => {
            ch::assign_reviewer(
                app,
                actor,
                &id,
                &ch::ReviewerInput {
                    expert_id: get_s(&m, "expert_id"),
                    user_id: String::new(),
                    username: get_s(&m, "username"),
                },
            )
            .await?;
        }
        "rule" => {
            let upheld = get_s(&m, "upheld") == "true";
            ch::rule_objection(
                app,
                actor,
                &get_s(&m, "objection_id"),
                &id,
                &RulingInput {
                    upheld,
                    finding: get_s(&m, "finding"),
                },
            )
            .await?;
        }
        "sign" => {
            let tranches = lines(&get_s(&m, "tranches"))
                .into_iter()
                .map(|l| {
                    let amount = Money::parse_wan(l.get(1).map_or("", String::as_str))
                        .map(Money::fen)
                        .unwrap_or(0);
                    TrancheInput {
                        label: l.first().cloned().unwrap_or_default(),
                        amount_fen: amount,
                        after_milestone: l
                            .get(2)
                            .and_then(|x| x.parse::<usize>().ok())
                            .and_then(|x| x.checked_sub(1)),
                    }
                })
                .collect();
            let input = SignInput {
                application_id: get_s(&m, "application_id"),
                grant_fen: wan(&m, "grant_wan")?,
                start: get_s(&m, "start"),
                milestones: milestones(&get_s(&m, "milestones")),
                tranches,
                from: get_s(&m, "from"),
                key: get_s(&m, "key"),
                contract_ref: get_s(&m, "contract_ref"),
            };
            ch::sign(app, actor, &input, today).await?;
        }
        "review" => {
            ch::review_milestone(
                app,
                actor,
                &get_s(&m, "project_id"),
                &ReviewInput {
                    milestone: num("milestone"),
                    verdict: get_s(&m, "verdict"),
                    due: get_s(&m, "due"),
                    note: get_s(&m, "note"),
                },
                today,
            )
            .await?;
        }
        "pay" => {
            ch::pay_tranche(
                app,
                actor,
                &get_s(&m, "project_id"),
                &PayTrancheInput {
                    tranche: num("tranche"),
                    key: get_s(&m, "key"),
                    from: get_s(&m, "from"),
                },
                today,
            )
            .await?;
        }
        "accept" => {
            ch::accept(
                app,
                actor,
                &get_s(&m, "project_id"),
                &AcceptInput {
                    measured: list(&get_s(&m, "measured")),
                },
                today,
            )
            .await?;
        }
        other => {
            return Err(AppError::invalid(
                FieldError::new("action", "choice_invalid").with("value", other),
            )
            .into());
        }
    }
    Ok(Redirect::to(&format!("/challenges/bench/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "challenge_reviews.html")]
struct ReviewsPage {
    layout: Layout,
    tasks: Vec<ReviewTask>,
}

async fn reviews(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let p = ReviewsPage {
        layout: Layout::new(&s, Some(&session), "challenges"),
        tasks: ch::review_tasks(&s.app, &session.actor).await?,
    };
    Ok(Html(render(&p)))
}

async fn give_score(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(form);
    checked(&session, &m)?;
    ch::score(
        &s.app,
        &session.actor,
        &ScoreInput {
            application_id: get_s(&m, "application_id"),
            expert_id: String::new(),
            score: get_s(&m, "score"),
            comment: get_s(&m, "comment"),
        },
    )
    .await?;
    Ok(Redirect::to("/challenges/reviews").into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/challenges", get(list_page))
        .route("/challenges/mine", get(mine))
        .route("/challenges/reviews", get(reviews).post(give_score))
        .route("/challenges/bench", get(bench))
        .route("/challenges/bench/calls", post(refine))
        .route("/challenges/bench/demands/{id}", post(screen))
        .route("/challenges/bench/{id}", get(call_bench).post(call_action))
        .route("/challenges/{id}", get(call_page))
        .route("/challenges/{id}/apply", post(apply))
        .route("/challenges/demands", post(submit_demand))
        .route("/challenges/{id}/objections", post(object))
}
