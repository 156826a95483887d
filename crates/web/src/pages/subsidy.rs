//! Subsidy pages: 政策措施 (public), 公示 (public), 我可申报 with the working, the
//! application form with file upload, 申报记录 / 审核队列, an application's flow
//! timeline with the steps the viewer may take, and 免申即享 offers.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{MaybeSession, PageSession};
use crate::routes::subsidy::read_form;
use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use kechuang_app::AppError;
use kechuang_app::ops::subsidy::{
    self, ApplicationView, Eligibility, ListQuery, MeasureView, PublicityEntry, StepInput, scan,
};
use kechuang_core::FieldError;
use kechuang_core::role::Role;
use kechuang_core::subsidy_flow::{Stage, Step};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
    measure: String,
    stage: String,
    page: i64,
}

#[derive(Template)]
#[template(path = "subsidy_measures.html")]
struct MeasuresPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    measures: Vec<MeasureView>,
    enterprise: bool,
}

async fn measures_page(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, PageError> {
    let all = subsidy::measures(&s.app, None).await?;
    let mut years: Vec<i32> = all.iter().map(|m| m.year).collect();
    years.dedup();
    let year = q
        .year
        .or_else(|| {
            years
                .iter()
                .copied()
                .filter(|y| *y <= s.app.today().year())
                .max()
        })
        .unwrap_or_else(|| s.app.today().year());
    Ok(Html(render(&MeasuresPage {
        layout: Layout::new(&s, session.as_ref(), "subsidies"),
        enterprise: session
            .as_ref()
            .is_some_and(|x| x.actor.role == Role::Enterprise),
        measures: all.into_iter().filter(|m| m.year == year).collect(),
        year,
        years,
    })))
}

#[derive(Template)]
#[template(path = "subsidy_publicity.html")]
struct PublicityPage {
    layout: Layout,
    entries: Vec<PublicityEntry>,
}

async fn publicity_page(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Result<Html<String>, PageError> {
    Ok(Html(render(&PublicityPage {
        layout: Layout::new(&s, session.as_ref(), "subsidy_publicity"),
        entries: subsidy::publicity(&s.app).await?,
    })))
}

#[derive(Template)]
#[template(path = "subsidy_eligible.html")]
struct EligiblePage {
    layout: Layout,
    year: i32,
    items: Vec<Eligibility>,
    offers: Vec<ApplicationView>,
}

async fn eligible_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    if actor.role != Role::Enterprise {
        return Err(AppError::Forbidden.into());
    }
    let year = q.year.unwrap_or_else(|| s.app.today().year());
    let items = subsidy::eligibility(&s.app, actor, None, year).await?;
    let offers = subsidy::applications(
        &s.app,
        actor,
        &ListQuery {
            stage: "offered".into(),
            ..Default::default()
        },
    )
    .await?
    .items;
    Ok(Html(render(&EligiblePage {
        layout: Layout::new(&s, Some(&session), "subsidy_eligible"),
        year,
        items,
        offers,
    })))
}

#[derive(Template)]
#[template(path = "subsidy_apply.html")]
struct ApplyPage {
    layout: Layout,
    measure: MeasureView,
}

async fn apply_form(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, PageError> {
    if session.actor.role != Role::Enterprise {
        return Err(AppError::Forbidden.into());
    }
    let year = q.year.unwrap_or_else(|| s.app.today().year());
    let measure = subsidy::measure(&s.app, year, &q.measure).await?;
    Ok(Html(render(&ApplyPage {
        layout: Layout::new(&s, Some(&session), "subsidy_eligible"),
        measure,
    })))
}

async fn apply_post(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    mp: Multipart,
) -> Result<Response, PageError> {
    let (input, files, csrf) = read_form(mp).await?;
    session.check_csrf(csrf.as_deref().unwrap_or(""))?;
    let v = subsidy::apply(&s.app, &session.actor, &input, &files).await?;
    Ok(Redirect::to(&format!("/subsidies/applications/{}", v.id)).into_response())
}

#[derive(Template)]
#[template(path = "subsidy_applications.html")]
struct ListPage {
    layout: Layout,
    bureau: bool,
    admin: bool,
    stage: String,
    stages: Vec<(&'static str, &'static str)>,
    total: i64,
    items: Vec<ApplicationView>,
    page: i64,
    year: i32,
}

async fn list_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let page = q.page.max(1);
    let r = subsidy::applications(
        &s.app,
        actor,
        &ListQuery {
            stage: q.stage.clone(),
            year: q.year,
            page,
            per_page: 50,
        },
    )
    .await?;
    Ok(Html(render(&ListPage {
        layout: Layout::new(&s, Some(&session), "subsidy_applications"),
        bureau: actor.is_bureau(),
        admin: actor.role == Role::BureauAdmin,
        stage: q.stage,
        stages: Stage::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        total: r.total,
        items: r.items,
        page,
        year: s.app.today().year(),
    })))
}

#[derive(Template)]
#[template(path = "subsidy_application.html")]
struct DetailPage {
    layout: Layout,
    a: ApplicationView,
    reviewer: bool,
    admin: bool,
    owner: bool,
    today: NaiveDate,
    pay_key: String,
}

async fn detail_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let a = subsidy::application(&s.app, actor, &id).await?;
    Ok(Html(render(&DetailPage {
        layout: Layout::new(&s, Some(&session), "subsidy_applications"),
        reviewer: actor.is_bureau(),
        admin: actor.role == Role::BureauAdmin,
        owner: actor.role == Role::Enterprise,
        today: s.app.today(),
        pay_key: format!("subsidy-pay:{}", a.id),
        a,
    })))
}

/// A step as a page form sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StepForm {
    _csrf: String,
    step: String,
    reason: String,
    text: String,
    note: String,
    from: String,
    working_days: String,
    index: String,
    upheld: String,
    comment: String,
    key: String,
}

fn step_of(f: &StepForm) -> Result<Step, AppError> {
    let num = |field: &str, v: &str| {
        v.trim().parse::<u32>().map_err(|_| {
            AppError::invalid(FieldError::new(field, "number_invalid").with("value", v))
        })
    };
    Ok(match f.step.as_str() {
        "accept" => Step::Accept,
        "pass_first_review" => Step::PassFirstReview,
        "pass_joint_review" => Step::PassJointReview,
        "publicize" => Step::Publicize {
            from: kechuang_core::date::from_iso(f.from.trim()).ok_or_else(|| {
                AppError::invalid(FieldError::new("from", "date_invalid").with("value", &f.from))
            })?,
            working_days: num("working_days", &f.working_days)?,
        },
        "object" => Step::Object {
            text: f.text.clone(),
        },
        "settle_objection" => Step::SettleObjection {
            index: num("index", &f.index)? as usize,
            upheld: f.upheld == "true",
            note: f.note.clone(),
        },
        "approve" => Step::Approve,
        "reject" => Step::Reject {
            reason: f.reason.clone(),
        },
        "withdraw" => Step::Withdraw,
        "accept_offer" => Step::AcceptOffer,
        other => {
            return Err(AppError::invalid(
                FieldError::new("step", "choice_invalid").with("value", other),
            ));
        }
    })
}

async fn step_post(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    if f.step == "pay" {
        subsidy::pay(&s.app, &session.actor, &id, &f.key).await?;
    } else {
        let input = StepInput {
            step: step_of(&f)?,
            comment: f.comment.clone(),
        };
        subsidy::step(&s.app, &session.actor, &id, &input).await?;
    }
    Ok(Redirect::to(&format!("/subsidies/applications/{id}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ScanForm {
    _csrf: String,
    year: i32,
}

async fn scan_post(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<ScanForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    scan::scan(&s.app, &session.actor, f.year, None).await?;
    Ok(Redirect::to("/subsidies/applications?stage=offered").into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/subsidies", get(measures_page))
        .route("/subsidies/publicity", get(publicity_page))
        .route("/subsidies/eligible", get(eligible_page))
        .route("/subsidies/apply", get(apply_form).post(apply_post))
        .route("/subsidies/applications", get(list_page))
        .route("/subsidies/applications/{id}", get(detail_page))
        .route("/subsidies/applications/{id}/step", post(step_post))
        .route("/subsidies/scan", post(scan_post))
}
