//! 政策库: search and read the district's policies (no login needed), the
//! bureau's edit form and status buttons, and 按企业类型查看 (enterprise type →
//! policies and measures it may use; for a logged-in enterprise, its own).

use super::{Layout, field_label, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{MaybeSession, PageSession, Session};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::policy::{
    self, AudienceRow, ForOrg, PolicyChoices, PolicyPage, PolicySearch, PolicyView,
};
use kechuang_core::FieldError;
use kechuang_core::policy::PolicyInput;
use kechuang_core::role::Role;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "policy_list.html")]
struct ListPage {
    layout: Layout,
    admin: bool,
    bureau: bool,
    req: PolicySearch,
    choices: PolicyChoices,
    page: PolicyPage,
    prev: Option<String>,
    next: Option<String>,
}

fn query_string(req: &PolicySearch, page: i64) -> String {
    let pairs = [
        ("q", req.q.as_str()),
        ("level", &req.level),
        ("category", &req.category),
        ("audience", &req.audience),
        ("status", &req.status),
        ("year", &req.year),
    ];
    let mut parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", super::orgs::urlencode(v)))
        .collect();
    parts.push(format!("page={page}"));
    parts.join("&")
}

async fn list(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(req): Query<PolicySearch>,
) -> Result<Html<String>, PageError> {
    let actor = session.as_ref().map(|x| &x.actor);
    let searcher = s.searcher().ok();
    let page = policy::search(&s.app, searcher.as_deref(), actor, &req).await?;
    let shown = (page.page - 1) * page.per_page + page.items.len() as i64;
    Ok(Html(render(&ListPage {
        layout: Layout::new(&s, session.as_ref(), "policies"),
        admin: actor.is_some_and(|a| a.role == Role::BureauAdmin),
        bureau: actor.is_some_and(|a| a.is_bureau()),
        prev: (page.page > 1).then(|| query_string(&req, page.page - 1)),
        next: (shown < page.total).then(|| query_string(&req, page.page + 1)),
        req,
        choices: policy::choices(),
        page,
    })))
}

#[derive(Template)]
#[template(path = "policy_detail.html")]
struct DetailPage {
    layout: Layout,
    admin: bool,
    p: PolicyView,
    paragraphs: Vec<String>,
    error: String,
}

async fn detail_page(
    s: &AppState,
    session: Option<&Session>,
    id: &str,
    error: String,
) -> Result<Html<String>, PageError> {
    let actor = session.map(|x| &x.actor);
    let p = policy::get(&s.app, actor, id).await?;
    Ok(Html(render(&DetailPage {
        layout: Layout::new(s, session, "policies"),
        admin: actor.is_some_and(|a| a.role == Role::BureauAdmin),
        paragraphs: p
            .body
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        p,
        error,
    })))
}

async fn detail(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    detail_page(&s, session.as_ref(), &id, String::new()).await
}

#[derive(Template)]
#[template(path = "policy_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    v: HashMap<String, String>,
    audiences: Vec<String>,
    choices: PolicyChoices,
    errors: HashMap<String, String>,
    general_error: String,
}

impl FormPage {
    fn val(&self, k: &str) -> String {
        self.v.get(k).cloned().unwrap_or_default()
    }
    fn err(&self, k: &str) -> String {
        self.errors.get(k).cloned().unwrap_or_default()
    }
    fn has(&self, code: &str) -> bool {
        self.audiences.iter().any(|a| a == code)
    }
}

const FIELDS: [&str; 12] = [
    "title",
    "issuer",
    "doc_no",
    "level",
    "category",
    "published_on",
    "effective_from",
    "effective_to",
    "summary",
    "body",
    "source_url",
    "measures",
];

fn form_page(
    s: &AppState,
    session: &Session,
    id: Option<&str>,
    v: HashMap<String, String>,
    audiences: Vec<String>,
    errs: &[FieldError],
) -> Html<String> {
    let mut errors: HashMap<String, String> = HashMap::new();
    for e in errs {
        errors
            .entry(e.field.clone())
            .and_modify(|m| {
                m.push('；');
                m.push_str(&e.message());
            })
            .or_insert_with(|| e.message());
    }
    let general: Vec<String> = errs
        .iter()
        .filter(|e| !FIELDS.contains(&e.field.as_str()) && e.field != "audiences")
        .map(|e| format!("{}：{}", field_label(&e.field), e.message()))
        .collect();
    Html(render(&FormPage {
        layout: Layout::new(s, Some(session), "policies"),
        heading: if id.is_some() {
            "修改政策".into()
        } else {
            "新建政策（草稿）".into()
        },
        action: match id {
            Some(id) => format!("/policies/{id}"),
            None => "/policies".into(),
        },
        v,
        audiences,
        choices: policy::choices(),
        errors,
        general_error: general.join("；"),
    }))
}

async fn new_form(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    session.actor.require_admin()?;
    Ok(form_page(
        &s,
        &session,
        None,
        HashMap::new(),
        Vec::new(),
        &[],
    ))
}

async fn edit_form(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    session.actor.require_admin()?;
    let p = policy::get(&s.app, Some(&session.actor), &id).await?;
    let b = &p.brief;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let v: HashMap<String, String> = [
        ("title", b.title.clone()),
        ("issuer", b.issuer.clone()),
        ("doc_no", b.doc_no.clone().unwrap_or_default()),
        ("level", b.level.code.to_string()),
        ("category", b.category.clone()),
        ("published_on", date(b.published_on)),
        ("effective_from", date(b.effective_from)),
        ("effective_to", date(b.effective_to)),
        ("summary", b.summary.clone().unwrap_or_default()),
        ("body", p.body.clone()),
        ("source_url", p.source_url.clone().unwrap_or_default()),
        ("measures", b.measures.join(", ")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let audiences = b.audiences.iter().map(|a| a.code.to_string()).collect();
    Ok(form_page(&s, &session, Some(&id), v, audiences, &[]))
}

async fn save(
    s: &AppState,
    session: &Session,
    id: Option<&str>,
    form: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let mut v: HashMap<String, String> = HashMap::new();
    let mut audiences = Vec::new();
    for (k, val) in form {
        if k == "audiences" {
            audiences.push(val);
        } else {
            v.insert(k, val);
        }
    }
    session.check_csrf(v.get("_csrf").map(String::as_str).unwrap_or(""))?;
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    let input = PolicyInput {
        title: g("title"),
        issuer: g("issuer"),
        doc_no: g("doc_no"),
        level: g("level"),
        category: g("category"),
        published_on: g("published_on"),
        effective_from: g("effective_from"),
        effective_to: g("effective_to"),
        summary: g("summary"),
        body: g("body"),
        source_url: g("source_url"),
        audiences: audiences.clone(),
        measures: vec![g("measures")],
    };
    let r = match id {
        Some(id) => policy::update(&s.app, &session.actor, id, &input).await,
        None => policy::create(&s.app, &session.actor, &input).await,
    };
    match r {
        Ok(p) => Ok(Redirect::to(&format!("/policies/{}", p.brief.id)).into_response()),
        Err(AppError::Invalid(errs)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            form_page(s, session, id, v, audiences, &errs),
        )
            .into_response()),
        Err(AppError::Conflict(e)) => Ok((
            axum::http::StatusCode::CONFLICT,
            form_page(s, session, id, v, audiences, &[e]),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save(&s, &session, None, form).await
}

async fn update(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save(&s, &session, Some(&id), form).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StepForm {
    _csrf: String,
    op: String,
    reason: String,
}

async fn step(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    let step = policy::parse_step(&f.op)?;
    match policy::step(&s.app, &session.actor, &id, step, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/policies/{id}")).into_response()),
        Err(AppError::Invalid(errs)) => Ok(detail_page(
            &s,
            Some(&session),
            &id,
            errs.iter()
                .map(|e| {
                    let label = if e.field == "reason" {
                        "废止原因".to_string()
                    } else {
                        field_label(&e.field)
                    };
                    format!("{label}：{}", e.message())
                })
                .collect::<Vec<_>>()
                .join("；"),
        )
        .await?
        .into_response()),
        Err(AppError::Conflict(e)) => Ok(detail_page(&s, Some(&session), &id, e.message())
            .await?
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "policy_types.html")]
struct TypesPage {
    layout: Layout,
    audience: String,
    choices: PolicyChoices,
    rows: Vec<AudienceRow>,
    mine: Option<ForOrg>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TypeQuery {
    audience: String,
    org_id: String,
}

async fn by_type(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<TypeQuery>,
) -> Result<Html<String>, PageError> {
    let rows = policy::by_audience(&s.app, Some(q.audience.as_str())).await?;
    // An enterprise sees its own; bureau staff the organisation they name.
    let mine = match session.as_ref().map(|x| &x.actor) {
        Some(a) if a.is_bureau() && !q.org_id.trim().is_empty() => {
            Some(policy::for_org(&s.app, a, Some(q.org_id.as_str())).await?)
        }
        Some(a) if !a.is_bureau() && a.org_id.is_some() => {
            Some(policy::for_org(&s.app, a, None).await?)
        }
        _ => None,
    };
    Ok(Html(render(&TypesPage {
        layout: Layout::new(&s, session.as_ref(), "policies"),
        audience: q.audience,
        choices: policy::choices(),
        rows,
        mine,
    })))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/policies", get(list).post(create))
        .route("/policies/new", get(new_form))
        .route("/policies/by-type", get(by_type))
        .route("/policies/{id}", get(detail).post(update))
        .route("/policies/{id}/edit", get(edit_form))
        .route("/policies/{id}/status", post(step))
}
