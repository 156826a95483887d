//! 知识价值信用 pages, one address by role: an enterprise's 知识价值信用评价 (its
//! evaluation with every item, its consents per bank, its loans), a bank's
//! 授信工作台 (consented evaluations, decisions, loans, repayments, overdue loans
//! and claims) and the bureau's 科技金融 overview (totals, bad-loan ratio and
//! breaker, claims to approve, loans).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::ops::credit::{
    self, BankView, BreakerView, ClaimView, ConsentView, DecisionInput, DecisionView,
    EvaluationView, LoanInput, LoanView, Overview, RepayInput,
};
use kechuang_core::loan::LoanStatus;
use kechuang_core::role::Role;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "credit.html")]
struct CreditPage {
    layout: Layout,
    role: &'static str,
    today: String,
    evaluations: Vec<EvaluationView>,
    banks: Vec<(BankView, Option<ConsentView>)>,
    consents: Vec<ConsentView>,
    decisions: Vec<DecisionView>,
    loans: Vec<LoanView>,
    overdue: Vec<LoanView>,
    claims: Vec<ClaimView>,
    breaker: Option<BreakerView>,
    overview: Option<Overview>,
}

#[derive(Template)]
#[template(path = "credit_evaluation.html")]
struct EvaluationPage {
    layout: Layout,
    e: EvaluationView,
}

async fn show(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let app = &s.app;
    let role = if actor.is_bureau() {
        "bureau"
    } else {
        match actor.role {
            Role::Enterprise => "enterprise",
            Role::Bank => "bank",
            _ => "other",
        }
    };
    let mut p = CreditPage {
        layout: Layout::new(&s, Some(&session), "credit"),
        role,
        today: app.today().to_string(),
        evaluations: Vec::new(),
        banks: Vec::new(),
        consents: Vec::new(),
        decisions: Vec::new(),
        loans: Vec::new(),
        overdue: Vec::new(),
        claims: Vec::new(),
        breaker: None,
        overview: None,
    };
    match role {
        "enterprise" => {
            p.evaluations = credit::evaluations(app, actor).await?;
            let consents = credit::consents(app, actor).await?;
            p.banks = credit::banks(app)
                .await?
                .into_iter()
                .map(|b| {
                    let c = consents
                        .iter()
                        .find(|c| c.bank_id == b.id && c.active)
                        .cloned();
                    (b, c)
                })
                .collect();
            p.consents = consents;
            p.loans = credit::loans(app, actor, None).await?;
        }
        "bank" => {
            p.evaluations = credit::evaluations(app, actor).await?;
            p.decisions = credit::decisions(app, actor).await?;
            p.loans = credit::loans(app, actor, None).await?;
            p.claims = credit::claims(app, actor).await?;
            p.breaker = Some(credit::breaker(app, actor, None).await?);
        }
        "bureau" => {
            p.overview = Some(credit::overview(app, actor, None).await?);
            p.claims = credit::claims(app, actor).await?;
            p.loans = credit::loans(app, actor, None).await?;
            p.evaluations = credit::evaluations(app, actor).await?;
            p.evaluations.truncate(50);
        }
        _ => {}
    }
    p.overdue = p
        .loans
        .iter()
        .filter(|l| l.status == LoanStatus::Overdue)
        .cloned()
        .collect();
    if role != "enterprise" {
        p.loans.truncate(100);
    }
    Ok(Html(render(&p)))
}

async fn evaluation(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let e = credit::evaluation(&s.app, &session.actor, &id).await?;
    Ok(Html(render(&EvaluationPage {
        layout: Layout::new(&s, Some(&session), "credit"),
        e,
    })))
}

#[derive(Debug, Deserialize)]
struct BankForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    bank_id: String,
    #[serde(default)]
    revoke: String,
}

async fn consent(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<BankForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    if f.revoke.is_empty() {
        credit::grant_consent(&s.app, &session.actor, &f.bank_id).await?;
    } else {
        credit::revoke_consent(&s.app, &session.actor, &f.bank_id).await?;
    }
    Ok(Redirect::to("/credit"))
}

/// 万元 text to fen (blank is zero).
fn wan_fen(field: &str, s: &str) -> Result<i64, kechuang_app::AppError> {
    if s.trim().is_empty() {
        return Ok(0);
    }
    kechuang_core::money::Money::parse_wan(s.trim())
        .map(|m| m.fen())
        .map_err(|_| {
            kechuang_app::AppError::invalid(
                kechuang_core::FieldError::new(field, "number_invalid").with("value", s.trim()),
            )
        })
}

#[derive(Debug, Deserialize)]
struct DecideForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    evaluation_id: String,
    #[serde(default)]
    approve: String,
    #[serde(default)]
    amount_wan: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<DecideForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let input = DecisionInput {
        evaluation_id: f.evaluation_id,
        approve: f.approve == "1",
        amount_fen: wan_fen("amount_fen", &f.amount_wan)?,
        reason: f.reason,
    };
    credit::decide(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to("/credit"))
}

#[derive(Debug, Deserialize)]
struct LoanForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    decision_id: String,
    amount_wan: String,
    rate_pct: String,
    start: String,
    end: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    leveraged_wan: String,
    #[serde(default)]
    service_fee_wan: String,
    #[serde(default)]
    over_line_reason: String,
}

async fn record_loan(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<LoanForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let rate_bp = kechuang_core::money::parse_scaled(f.rate_pct.trim(), 2).map_err(|_| {
        kechuang_app::AppError::invalid(
            kechuang_core::FieldError::new("rate_bp", "number_invalid")
                .with("value", f.rate_pct.trim()),
        )
    })?;
    let input = LoanInput {
        decision_id: f.decision_id,
        amount_fen: wan_fen("amount_fen", &f.amount_wan)?,
        rate_bp,
        start: f.start,
        end: f.end,
        purpose: f.purpose,
        leveraged_commercial_fen: wan_fen("leveraged_commercial_fen", &f.leveraged_wan)?,
        service_fee_fen: wan_fen("service_fee_fen", &f.service_fee_wan)?,
        over_line_reason: f.over_line_reason,
    };
    credit::record_loan(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to("/credit"))
}

#[derive(Debug, Deserialize)]
struct RepayForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    loan_id: String,
    key: String,
    date: String,
    #[serde(default)]
    principal_wan: String,
    #[serde(default)]
    interest_wan: String,
}

async fn repay(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<RepayForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let input = RepayInput {
        loan_id: f.loan_id,
        key: f.key,
        date: f.date,
        principal_fen: wan_fen("principal_fen", &f.principal_wan)?,
        interest_fen: wan_fen("interest_fen", &f.interest_wan)?,
    };
    credit::repay(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to("/credit"))
}

#[derive(Debug, Deserialize)]
struct ClaimForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    loan_id: String,
    #[serde(default)]
    claim_id: String,
    #[serde(default)]
    key: String,
}

async fn claim(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<ClaimForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    credit::claim(&s.app, &session.actor, &f.loan_id).await?;
    Ok(Redirect::to("/credit"))
}

async fn approve(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<ClaimForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    credit::approve_claim(&s.app, &session.actor, &f.claim_id, &f.key).await?;
    Ok(Redirect::to("/credit"))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/credit", get(show))
        .route("/credit/evaluations/{id}", get(evaluation))
        .route("/credit/consent", post(consent))
        .route("/credit/decide", post(decide))
        .route("/credit/loan", post(record_loan))
        .route("/credit/repay", post(repay))
        .route("/credit/claim", post(claim))
        .route("/credit/approve", post(approve))
}
