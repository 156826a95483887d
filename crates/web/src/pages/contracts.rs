//! 技术合同登记 pages: the registration form (parties table, amounts in 万元),
//! my contracts / all contracts, the registrar's queue with days left and
//! duplicate warnings, a contract with its history and actions, the
//! certificate, and 统计. Forms carry the session's CSRF token; bad input
//! answers with the error page naming the field.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{PageSession, Session};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::contract::{
    self, ChangeInput, ContractDetail, ContractInput, ContractView, ListQuery, PartyInput,
    QueueItem, StepInput,
};
use kechuang_app::ops::contract_stats::{self, ContractStats, StatsQuery, SumRow};
use kechuang_core::FieldError;
use kechuang_core::contract::{FIELDS, PartyType, RefusalReason, Subtype};
use kechuang_core::money::Money;
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

/// 万元 text to fen; empty is zero when `optional`.
fn wan(
    m: &HashMap<String, String>,
    k: &str,
    field: &str,
    optional: bool,
) -> Result<Option<i64>, AppError> {
    let s = get_s(m, k);
    if s.trim().is_empty() {
        return Ok(if optional { None } else { Some(0) });
    }
    Money::parse_wan(s.trim())
        .map(|v| Some(v.fen()))
        .map_err(|_| {
            AppError::invalid(FieldError::new(field, "number_invalid").with("value", s.trim()))
        })
}

#[derive(Template)]
#[template(path = "contracts.html")]
struct ListPage {
    layout: Layout,
    bureau: bool,
    /// (code, label, selected).
    statuses: Vec<(&'static str, &'static str, bool)>,
    status: String,
    q: String,
    total: i64,
    items: Vec<ContractView>,
    page: i64,
}

async fn list_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let page = contract::list(&s.app, &session.actor, &q).await?;
    Ok(Html(render(&ListPage {
        layout: Layout::new(&s, Some(&session), "contracts"),
        bureau: session.actor.is_bureau(),
        statuses: kechuang_core::contract::Status::ALL
            .iter()
            .map(|x| (x.as_str(), x.label(), q.status == x.as_str()))
            .collect(),
        status: q.status.clone(),
        q: q.q.clone(),
        total: page.total,
        items: page.items,
        page: q.page.max(1),
    })))
}

#[derive(Template)]
#[template(path = "contract_form.html")]
struct FormPage {
    layout: Layout,
    bureau: bool,
    subtypes: Vec<(&'static str, &'static str, &'static str)>,
    fields: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// (row, side, name, credit code, kind).
    rows: Vec<(usize, String, String, String, String)>,
    collaboration_id: String,
    /// Where the form posts.
    action: String,
    /// The values shown (empty for a new contract).
    v: Prefill,
    /// A returned contract being corrected: the registrar's note.
    returned: Option<String>,
}

/// The values a form starts with.
#[derive(Default)]
struct Prefill {
    title: String,
    subtype: String,
    field: String,
    ip_type: String,
    government_programme: bool,
    amount_wan: String,
    non_technical_wan: String,
    tech_transaction_wan: String,
    signed_on: String,
    valid_from: String,
    valid_to: String,
    text: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct FormQuery {
    collaboration_id: String,
}

fn form_of(s: &AppState, session: &Session) -> FormPage {
    FormPage {
        layout: Layout::new(s, Some(session), "contracts"),
        bureau: session.actor.is_bureau(),
        subtypes: Subtype::ALL
            .iter()
            .map(|s| (s.as_str(), s.category().label(), s.label()))
            .collect(),
        fields: FIELDS.to_vec(),
        kinds: PartyType::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        rows: (0..4)
            .map(|i| {
                let side = match i {
                    0 => "seller",
                    1 => "buyer",
                    _ => "",
                };
                (i, side.into(), String::new(), String::new(), String::new())
            })
            .collect(),
        collaboration_id: String::new(),
        action: "/contracts/new".into(),
        v: Prefill {
            non_technical_wan: "0".into(),
            ..Prefill::default()
        },
        returned: None,
    }
}

async fn form_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<FormQuery>,
) -> Result<Html<String>, PageError> {
    let mut p = form_of(&s, &session);
    p.collaboration_id = q.collaboration_id;
    Ok(Html(render(&p)))
}

/// The correction form of a returned contract (its seller): the contract's
/// values and the registrar's note.
async fn edit_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let d = contract::get(&s.app, &session.actor, &id).await?;
    if !d.can_resubmit {
        return Err(AppError::invalid(
            FieldError::new("step", "contract_step_not_allowed")
                .with("status", d.contract.status_zh),
        )
        .into());
    }
    let c = &d.contract;
    let mut p = form_of(&s, &session);
    p.action = format!("/contracts/{id}/edit");
    p.returned = Some(d.return_note.clone().unwrap_or_default());
    p.v = Prefill {
        title: c.title.clone(),
        subtype: c.subtype.to_string(),
        field: c.field.clone(),
        ip_type: c.ip_type.clone().unwrap_or_default(),
        government_programme: c.government_programme,
        amount_wan: c.amount.wan.clone(),
        non_technical_wan: c.non_technical.wan.clone(),
        tech_transaction_wan: c.tech_declared.wan.clone(),
        signed_on: c.signed_on.to_string(),
        valid_from: c.valid_from.to_string(),
        valid_to: c.valid_to.to_string(),
        text: d.text.clone(),
    };
    let mut rows: Vec<(usize, String, String, String, String)> = d
        .parties
        .iter()
        .enumerate()
        .map(|(i, x)| {
            (
                i,
                x.side.to_string(),
                x.name.clone(),
                x.credit_code.clone().unwrap_or_default(),
                x.kind.to_string(),
            )
        })
        .collect();
    while rows.len() < 4 {
        rows.push((
            rows.len(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ));
    }
    p.rows = rows;
    Ok(Html(render(&p)))
}

fn parties_from(m: &HashMap<String, String>) -> Vec<PartyInput> {
    (0..10)
        .map(|i| PartyInput {
            side: get_s(m, &format!("p{i}_side")),
            name: get_s(m, &format!("p{i}_name")),
            credit_code: get_s(m, &format!("p{i}_code")),
            kind: get_s(m, &format!("p{i}_kind")),
        })
        .filter(|p| !p.name.trim().is_empty() || !p.credit_code.trim().is_empty())
        .collect()
}

async fn submit(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let input = input_of(&m)?;
    let r = contract::submit(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to(&format!("/contracts/{}", r.contract.id)).into_response())
}

/// The seller resubmits a corrected returned contract.
async fn resubmit(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let input = input_of(&m)?;
    contract::resubmit(&s.app, &session.actor, &id, &input).await?;
    Ok(Redirect::to(&format!("/contracts/{id}")).into_response())
}

fn input_of(m: &HashMap<String, String>) -> Result<ContractInput, AppError> {
    let amount = wan(m, "amount_wan", "amount", false)?.unwrap_or(0);
    let non_technical = wan(m, "non_technical_wan", "non_technical", false)?.unwrap_or(0);
    let tech =
        wan(m, "tech_transaction_wan", "tech_transaction", true)?.unwrap_or(amount - non_technical);
    Ok(ContractInput {
        seller_org_id: get_s(m, "seller_org_id"),
        title: get_s(m, "title"),
        subtype: get_s(m, "subtype"),
        field: get_s(m, "field"),
        ip_type: get_s(m, "ip_type"),
        government_programme: get_s(m, "government_programme") == "on",
        amount_fen: amount,
        non_technical_fen: non_technical,
        tech_transaction_fen: tech,
        signed_on: get_s(m, "signed_on"),
        valid_from: get_s(m, "valid_from"),
        valid_to: get_s(m, "valid_to"),
        text: get_s(m, "text"),
        parties: parties_from(m),
        collaboration_id: get_s(m, "collaboration_id"),
        session_id: get_s(m, "session_id"),
        challenge_id: String::new(),
    })
}

#[derive(Template)]
#[template(path = "contract_queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<QueueItem>,
}

async fn queue_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let items = contract::queue(&s.app, &session.actor).await?;
    Ok(Html(render(&QueuePage {
        layout: Layout::new(&s, Some(&session), "contracts"),
        items,
    })))
}

#[derive(Template)]
#[template(path = "contract_detail.html")]
struct DetailPage {
    layout: Layout,
    d: ContractDetail,
    subtypes: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    admin: bool,
}

async fn detail_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let d = contract::get(&s.app, &session.actor, &id).await?;
    Ok(Html(render(&DetailPage {
        layout: Layout::new(&s, Some(&session), "contracts"),
        d,
        subtypes: Subtype::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        reasons: RefusalReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        admin: session.actor.role == kechuang_core::role::Role::BureauAdmin,
    })))
}

async fn step_action(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let input = StepInput {
        step: get_s(&m, "step"),
        note: get_s(&m, "note"),
        reason: get_s(&m, "reason"),
        subtype: get_s(&m, "subtype"),
        tech_transaction_fen: wan(&m, "tech_transaction_wan", "tech_transaction", true)?,
        refusal_reason: get_s(&m, "refusal_reason"),
        late_reason: get_s(&m, "late_reason"),
    };
    contract::step(&s.app, &session.actor, &id, &input).await?;
    Ok(Redirect::to(&format!("/contracts/{id}")).into_response())
}

async fn change_action(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    checked(&session, &m)?;
    let opt = |k: &str| Some(get_s(&m, k)).filter(|v| !v.trim().is_empty());
    let input = ChangeInput {
        amount_fen: wan(&m, "amount_wan", "amount", true)?,
        non_technical_fen: wan(&m, "non_technical_wan", "non_technical", true)?,
        tech_transaction_fen: wan(&m, "tech_transaction_wan", "tech_transaction", true)?,
        signed_on: opt("signed_on"),
        valid_from: opt("valid_from"),
        valid_to: opt("valid_to"),
        parties: None,
        reason: get_s(&m, "reason"),
    };
    contract::change(&s.app, &session.actor, &id, &input).await?;
    Ok(Redirect::to(&format!("/contracts/{id}")).into_response())
}

async fn certificate(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let bytes = contract::certificate_pdf(&s.app, &session.actor, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contract-certificate.pdf\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Uploads the contract text as a file (multipart: `_csrf`, `file`).
async fn upload(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid(FieldError::new("file", "json_invalid").with("value", e.body_text()))
    };
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "_csrf" => csrf = field.text().await.map_err(bad)?,
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                file = Some((name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    session.check_csrf(&csrf)?;
    let (name, bytes) = file.unwrap_or_default();
    contract::upload_file(&s.app, &session.actor, &id, &name, &bytes).await?;
    Ok(Redirect::to(&format!("/contracts/{id}")).into_response())
}

/// Downloads the uploaded contract file.
async fn download(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (m, bytes) = contract::file(&s.app, &session.actor, &id).await?;
    let ascii: String = m
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = m
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, m.media_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "contract_stats.html")]
struct StatsPage {
    layout: Layout,
    from: String,
    to: String,
    st: ContractStats,
    /// (title, table id, rows).
    sections: Vec<(&'static str, &'static str, Vec<SumRow>)>,
}

async fn stats_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<StatsQuery>,
) -> Result<Html<String>, PageError> {
    let st = contract_stats::statistics(&s.app, &session.actor, &q).await?;
    Ok(Html(render(&StatsPage {
        layout: Layout::new(&s, Some(&session), "contracts"),
        from: st.from.format("%Y-%m").to_string(),
        to: st.to.format("%Y-%m").to_string(),
        sections: vec![
            ("合计", "total", vec![st.total.clone()]),
            ("按年度", "by-year", st.by_year.clone()),
            ("按季度", "by-quarter", st.by_quarter.clone()),
            ("按月份", "by-month", st.by_month.clone()),
            ("按合同类别", "by-category", st.by_category.clone()),
            ("按细分类别", "by-subtype", st.by_subtype.clone()),
            ("按技术领域", "by-field", st.by_field.clone()),
            ("按卖方类型", "by-seller-type", st.by_seller_type.clone()),
            ("按买方类型", "by-buyer-type", st.by_buyer_type.clone()),
            ("按镇街", "by-town", st.by_town.clone()),
        ],
        st,
    })))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(list_page))
        .route("/contracts/new", get(form_page).post(submit))
        .route("/contracts/queue", get(queue_page))
        .route("/contracts/stats", get(stats_page))
        .route("/contracts/{id}", get(detail_page))
        .route("/contracts/{id}/steps", post(step_action))
        .route("/contracts/{id}/changes", post(change_action))
        .route("/contracts/{id}/certificate.pdf", get(certificate))
        .route("/contracts/{id}/edit", get(edit_page).post(resubmit))
        .route("/contracts/{id}/file", get(download).post(upload))
}
