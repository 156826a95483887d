//! Technology contract registration (技术合同认定登记): submission by the
//! seller, the registrar's workflow, changes and cancellations, the certificate,
//! and the link to the matchmaking chain. Statistics are in `contract_stats.rs`.
//!
//! Every rule is in `kechuang_core::contract`: the draft's validation, the
//! duplicate keys, the time limits and the state machine
//! ([`Registration::step`]). Here: who may act, loading and storing, the
//! registration number from the database's yearly sequence, and one event per
//! write in the same transaction.
//!
//! Who sees what: bureau staff every contract (a bureau user limited to towns
//! only the contracts of sellers in those towns); an organisation the
//! contracts it registered and those it is a party of (by organisation id);
//! anyone else gets 404.

use crate::ops::ledger::Amount;
use crate::{Actor, App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use kechuang_core::FieldError;
use kechuang_core::contract::{
    self as rules, Actor as Who, ContractDraft, Party, PartyType, RefusalReason, Regime,
    Registration, Side, Status, Step, Subtype,
};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::money::Money;
use kechuang_core::org::OrgKind;
use kechuang_core::role::Role;
use kechuang_core::subsidy_flow::Calendar;
use kechuang_store::{
    ContractChangeRow, ContractFileMeta, ContractFilter, ContractPartyRow, ContractRecord,
    ContractState, ContractStepRow, ContractTerms, Db, NewContract, StoreError,
};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The registry's region code when the configuration names none (铜梁区).
pub const DEFAULT_REGION: &str = "500151";

/// The working-day calendar of the time limits: Monday to Friday. The State
/// Council's holiday list is not configured yet, so a holiday counts as a
/// working day (the limit is then shorter, never longer, than the rules say).
pub fn calendar() -> Calendar {
    Calendar::default()
}

/// One party as entered.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PartyInput {
    /// `seller`, `buyer` or `intermediary`.
    pub side: String,
    /// Name.
    pub name: String,
    /// 统一社会信用代码 (empty for an individual).
    pub credit_code: String,
    /// Party type code (`enterprise`, `university`, …).
    pub kind: String,
}

/// A contract as submitted (or resubmitted).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ContractInput {
    /// The registering organisation; empty means the actor's own.
    pub seller_org_id: String,
    /// Title.
    pub title: String,
    /// Subtype code.
    pub subtype: String,
    /// Technical field code.
    pub field: String,
    /// IP type.
    pub ip_type: String,
    /// From a government programme.
    pub government_programme: bool,
    /// 合同成交额, fen.
    pub amount_fen: i64,
    /// Non-technical part, fen.
    pub non_technical_fen: i64,
    /// 技术交易额, fen.
    pub tech_transaction_fen: i64,
    /// Signed on.
    pub signed_on: String,
    /// Valid from.
    pub valid_from: String,
    /// Valid to.
    pub valid_to: String,
    /// The contract text.
    pub text: String,
    /// Parties.
    pub parties: Vec<PartyInput>,
    /// The matchmaking collaboration it closes (optional).
    pub collaboration_id: String,
    /// The matchmaking session it was signed at (optional).
    pub session_id: String,
    /// The 揭榜挂帅 call it came from (optional).
    pub challenge_id: String,
}

/// A workflow step as requested.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// `accept`, `return`, `register`, `refuse`, `cancel`, `withdraw`, `dispute`.
    pub step: String,
    /// Remarks (what to correct for `return`, remarks for `refuse`).
    pub note: String,
    /// Why (`cancel`).
    pub reason: String,
    /// The registrar's classification (`register`; empty keeps the current one).
    pub subtype: String,
    /// Verified 技术交易额 in fen (`register`; none keeps the declared one).
    pub tech_transaction_fen: Option<i64>,
    /// The refusal reason code (`refuse`).
    pub refusal_reason: String,
    /// Why decided after the time limit (admin only).
    pub late_reason: String,
}

/// A 变更登记: the new values (none keeps the current one) and why.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChangeInput {
    /// 合同成交额, fen.
    pub amount_fen: Option<i64>,
    /// Non-technical part, fen.
    pub non_technical_fen: Option<i64>,
    /// Verified 技术交易额, fen.
    pub tech_transaction_fen: Option<i64>,
    /// Signed on.
    pub signed_on: Option<String>,
    /// Valid from.
    pub valid_from: Option<String>,
    /// Valid to.
    pub valid_to: Option<String>,
    /// The parties (none keeps them).
    pub parties: Option<Vec<PartyInput>>,
    /// Why (required).
    pub reason: String,
}

/// A link to the matchmaking chain.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkInput {
    /// Collaboration id.
    pub collaboration_id: String,
    /// Session id.
    pub session_id: String,
    /// Challenge id.
    pub challenge_id: String,
}

/// A contract as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContractView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The registering organisation.
    pub seller_org_id: String,
    /// Its name.
    pub seller_name: String,
    /// Category code.
    pub category: &'static str,
    /// Category, zh-CN.
    pub category_zh: &'static str,
    /// Subtype code.
    pub subtype: &'static str,
    /// Subtype, zh-CN.
    pub subtype_zh: &'static str,
    /// Declared subtype, zh-CN.
    pub declared_subtype_zh: &'static str,
    /// Field code.
    pub field: String,
    /// Field, zh-CN.
    pub field_zh: String,
    /// IP type.
    pub ip_type: Option<String>,
    /// From a government programme.
    pub government_programme: bool,
    /// 合同成交额.
    pub amount: Amount,
    /// Non-technical part.
    pub non_technical: Amount,
    /// Declared 技术交易额.
    pub tech_declared: Amount,
    /// Verified 技术交易额.
    pub tech_verified: Amount,
    /// Signed.
    pub signed_on: NaiveDate,
    /// Valid from.
    pub valid_from: NaiveDate,
    /// Valid to.
    pub valid_to: NaiveDate,
    /// Status code.
    pub status: &'static str,
    /// Status, zh-CN.
    pub status_zh: &'static str,
    /// Regime.
    pub regime: Option<String>,
    /// The time limit, zh-CN.
    pub limit_zh: Option<&'static str>,
    /// Submitted on.
    pub submitted_on: NaiveDate,
    /// Accepted on.
    pub accepted_on: Option<NaiveDate>,
    /// Last day to decide.
    pub deadline: Option<NaiveDate>,
    /// Days left to decide today (negative: overdue), while under review.
    pub days_left: Option<i64>,
    /// Under review and past the time limit.
    pub overdue: bool,
    /// Disputed.
    pub disputed: bool,
    /// Registration number.
    pub registration_number: Option<String>,
    /// Registered on.
    pub registered_on: Option<NaiveDate>,
    /// Refusal reason code.
    pub refusal_reason: Option<&'static str>,
    /// Refusal reason, zh-CN.
    pub refusal_zh: Option<&'static str>,
    /// Refusal remarks.
    pub refusal_note: Option<String>,
    /// Cancelled on.
    pub cancelled_on: Option<NaiveDate>,
    /// Why cancelled.
    pub cancel_reason: Option<String>,
    /// The seller's town.
    pub town: Option<String>,
    /// Linked collaboration.
    pub collaboration_id: Option<String>,
    /// Linked session.
    pub session_id: Option<String>,
    /// Linked challenge.
    pub challenge_id: Option<String>,
}

impl ContractView {
    /// From a stored record, as of `today`.
    pub fn of(r: &ContractRecord, today: NaiveDate) -> ContractView {
        let reviewing = matches!(r.status, Status::Submitted | Status::Accepted);
        let days_left = if reviewing {
            r.deadline.map(|d| (d - today).num_days())
        } else {
            None
        };
        let regime = r
            .accepted_on
            .map(Regime::on)
            .or_else(|| reviewing.then(|| Regime::on(today)));
        ContractView {
            id: r.id.clone(),
            title: r.title.clone(),
            seller_org_id: r.seller_org_id.clone(),
            seller_name: r.seller_name.clone(),
            category: r.subtype.category().as_str(),
            category_zh: r.subtype.category().label(),
            subtype: r.subtype.as_str(),
            subtype_zh: r.subtype.label(),
            declared_subtype_zh: r.declared_subtype.label(),
            field: r.field.clone(),
            field_zh: rules::field_label(&r.field).to_string(),
            ip_type: r.ip_type.clone(),
            government_programme: r.government_programme,
            amount: Amount::of(r.amount_fen),
            non_technical: Amount::of(r.non_technical_fen),
            tech_declared: Amount::of(r.tech_declared_fen),
            tech_verified: Amount::of(r.tech_verified_fen),
            signed_on: r.signed_on,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            status: r.status.as_str(),
            status_zh: r.status.label(),
            regime: r.regime.clone(),
            limit_zh: regime
                .map(|g| g.limit_label(Money::from_fen(r.tech_declared_fen), r.disputed)),
            submitted_on: r.submitted_on,
            accepted_on: r.accepted_on,
            deadline: r.deadline,
            days_left,
            overdue: days_left.is_some_and(|d| d < 0),
            disputed: r.disputed,
            registration_number: r.registration_number.clone(),
            registered_on: r.registered_on,
            refusal_reason: r.refusal_reason.map(RefusalReason::as_str),
            refusal_zh: r.refusal_reason.map(RefusalReason::label),
            refusal_note: r.refusal_note.clone(),
            cancelled_on: r.cancelled_on,
            cancel_reason: r.cancel_reason.clone(),
            town: r.town.clone(),
            collaboration_id: r.collaboration_id.clone(),
            session_id: r.session_id.clone(),
            challenge_id: r.challenge_id.clone(),
        }
    }
}

/// A party as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PartyView {
    /// Side code.
    pub side: &'static str,
    /// Side, zh-CN.
    pub side_zh: &'static str,
    /// Name.
    pub name: String,
    /// Credit code.
    pub credit_code: Option<String>,
    /// Type code.
    pub kind: &'static str,
    /// Type, zh-CN.
    pub kind_zh: &'static str,
    /// The registry organisation.
    pub org_id: Option<String>,
}

fn side_code(s: Side) -> (&'static str, &'static str) {
    match s {
        Side::Seller => ("seller", "卖方"),
        Side::Buyer => ("buyer", "买方"),
        Side::Intermediary => ("intermediary", "中介方"),
    }
}

impl From<&ContractPartyRow> for PartyView {
    fn from(p: &ContractPartyRow) -> Self {
        let (side, side_zh) = side_code(p.side);
        PartyView {
            side,
            side_zh,
            name: p.name.clone(),
            credit_code: p.credit_code.clone(),
            kind: p.kind.as_str(),
            kind_zh: p.kind.label(),
            org_id: p.org_id.clone(),
        }
    }
}

/// Another live contract with the same parties and amount.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateWarning {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its status, zh-CN.
    pub status_zh: &'static str,
}

/// A contract with its parties, history, changes and what the actor may do.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContractDetail {
    /// The contract.
    pub contract: ContractView,
    /// Parties.
    pub parties: Vec<PartyView>,
    /// The workflow history.
    pub steps: Vec<ContractStepRow>,
    /// 变更登记 rows.
    pub changes: Vec<ContractChangeRow>,
    /// Possible duplicates (same parties and amount, other text), for the registrar.
    pub warnings: Vec<DuplicateWarning>,
    /// The contract text.
    pub text: String,
    /// The actor may take the registrar's steps now.
    pub can_review: bool,
    /// The actor may withdraw it.
    pub can_withdraw: bool,
    /// The actor may correct and resubmit it.
    pub can_resubmit: bool,
    /// The actor may change or cancel the registration.
    pub can_amend: bool,
    /// The uploaded contract file, if any.
    pub file: Option<ContractFileMeta>,
    /// The actor may upload (or replace) the contract file.
    pub can_upload: bool,
    /// The registrar's note of the latest return (what to correct).
    pub return_note: Option<String>,
}

/// The answer to a submission.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Submitted {
    /// The contract.
    pub contract: ContractView,
    /// Possible duplicates the registrar will see.
    pub warnings: Vec<DuplicateWarning>,
}

/// A page of contracts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContractPage {
    /// Matching.
    pub total: i64,
    /// This page, newest first.
    pub items: Vec<ContractView>,
}

/// What to list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Status codes, comma-separated (empty: all).
    pub status: String,
    /// Title or number contains.
    pub q: String,
    /// Page (1-based).
    pub page: i64,
    /// Page size (default 50, at most 500).
    pub per_page: i64,
}

fn who(actor: &Actor, r: &ContractRecord) -> AppResult<Who> {
    match actor.role {
        Role::BureauAdmin => Ok(Who::Admin),
        Role::BureauReviewer => Ok(Who::Registrar),
        _ if actor.org_id.as_ref().map(OrgId::as_str) == Some(r.seller_org_id.as_str()) => {
            Ok(Who::Seller)
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Loads a contract the actor may see; anything else is `NotFound`.
pub(crate) async fn visible(db: &mut Db, actor: &Actor, id: &str) -> AppResult<ContractRecord> {
    let r = db.contract(id).await?.ok_or(AppError::NotFound)?;
    if actor.is_bureau() {
        return if actor.in_scope(r.town.as_deref()) {
            Ok(r)
        } else {
            Err(AppError::NotFound)
        };
    }
    let Some(org) = actor.org_id.as_ref() else {
        return Err(AppError::NotFound);
    };
    if org.as_str() == r.seller_org_id || db.is_contract_party(id, org.as_str()).await? {
        Ok(r)
    } else {
        Err(AppError::NotFound)
    }
}

fn date_field(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        errs.push(FieldError::new(field, "required"));
        return None;
    }
    kechuang_core::date::parse(field, s)
        .map_err(|e| errs.push(e))
        .ok()
}

fn side_of(s: &str) -> Option<Side> {
    match s.trim() {
        "seller" | "卖方" => Some(Side::Seller),
        "buyer" | "买方" => Some(Side::Buyer),
        "intermediary" | "中介方" => Some(Side::Intermediary),
        _ => None,
    }
}

fn parties_of(input: &[PartyInput], errs: &mut Vec<FieldError>) -> Vec<Party> {
    let mut out = Vec::new();
    for (i, p) in input.iter().enumerate() {
        if p.side.trim().is_empty() && p.name.trim().is_empty() && p.credit_code.trim().is_empty() {
            continue; // an empty row of the form's table
        }
        let side = side_of(&p.side);
        if side.is_none() {
            errs.push(
                FieldError::new(format!("parties[{i}].side"), "choice_invalid")
                    .with("value", p.side.trim()),
            );
        }
        let kind = PartyType::parse(p.kind.trim()).or_else(|| {
            PartyType::ALL
                .into_iter()
                .find(|k| k.label() == p.kind.trim())
        });
        if kind.is_none() {
            errs.push(
                FieldError::new(format!("parties[{i}].kind"), "choice_invalid")
                    .with("value", p.kind.trim()),
            );
        }
        let code = p.credit_code.trim();
        if !code.is_empty()
            && let Err(mut e) = CreditCode::parse(code)
        {
            e.field = format!("parties[{i}].credit_code");
            errs.push(e);
        }
        if let (Some(side), Some(kind)) = (side, kind) {
            out.push(Party {
                side,
                name: p.name.trim().to_string(),
                credit_code: Some(code.to_string()).filter(|c| !c.is_empty()),
                kind,
            });
        }
    }
    out
}

fn opt_text(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Parses and validates a draft as submitted on `today`.
fn draft_of(input: &ContractInput, today: NaiveDate) -> AppResult<ContractDraft> {
    let mut errs = Vec::new();
    let subtype = Subtype::parse(input.subtype.trim()).or_else(|| {
        Subtype::ALL
            .into_iter()
            .find(|s| s.label() == input.subtype.trim())
    });
    if subtype.is_none() {
        if input.subtype.trim().is_empty() {
            errs.push(FieldError::new("subtype", "required"));
        } else {
            errs.push(
                FieldError::new("subtype", "choice_invalid").with("value", input.subtype.trim()),
            );
        }
    }
    if !input.field.trim().is_empty() && !rules::is_field(input.field.trim()) {
        errs.push(FieldError::new("field", "choice_invalid").with("value", input.field.trim()));
    }
    let signed_on = date_field("signed_on", &input.signed_on, &mut errs);
    let valid_from = date_field("valid_from", &input.valid_from, &mut errs);
    let valid_to = date_field("valid_to", &input.valid_to, &mut errs);
    let parties = parties_of(&input.parties, &mut errs);
    let (Some(subtype), Some(signed_on), Some(valid_from), Some(valid_to)) =
        (subtype, signed_on, valid_from, valid_to)
    else {
        return Err(AppError::Invalid(errs));
    };
    let draft = ContractDraft {
        title: input.title.trim().to_string(),
        subtype,
        parties,
        field: input.field.trim().to_string(),
        ip_type: opt_text(&input.ip_type),
        government_programme: input.government_programme,
        amount: Money::from_fen(input.amount_fen),
        non_technical: Money::from_fen(input.non_technical_fen),
        tech_transaction: Money::from_fen(input.tech_transaction_fen),
        signed_on,
        valid_from,
        valid_to,
        text: input.text.clone(),
    };
    if let Err(e) = draft.validate(today) {
        errs.extend(e);
    }
    if errs.is_empty() {
        Ok(draft)
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// The first party of a side's type (the statistics count a contract once, by
/// its first seller and first buyer).
fn first_type(d: &ContractDraft, side: Side) -> PartyType {
    d.parties
        .iter()
        .find(|p| p.side == side)
        .map_or(PartyType::Other, |p| p.kind)
}

async fn party_rows(db: &mut Db, d: &ContractDraft) -> AppResult<Vec<ContractPartyRow>> {
    let mut out = Vec::with_capacity(d.parties.len());
    for p in &d.parties {
        let org_id = match p.credit_code.as_deref().map(CreditCode::parse) {
            Some(Ok(code)) => db.organisation_by_code(&code).await?.map(|o| o.id.0),
            _ => None,
        };
        out.push(ContractPartyRow {
            side: p.side,
            name: p.name.clone(),
            credit_code: p.credit_code.clone(),
            kind: p.kind,
            org_id,
        });
    }
    Ok(out)
}

fn draft_from(r: &ContractRecord, parties: &[ContractPartyRow], text: String) -> ContractDraft {
    ContractDraft {
        title: r.title.clone(),
        subtype: r.declared_subtype,
        parties: parties
            .iter()
            .map(|p| Party {
                side: p.side,
                name: p.name.clone(),
                credit_code: p.credit_code.clone(),
                kind: p.kind,
            })
            .collect(),
        field: r.field.clone(),
        ip_type: r.ip_type.clone(),
        government_programme: r.government_programme,
        amount: Money::from_fen(r.amount_fen),
        non_technical: Money::from_fen(r.non_technical_fen),
        tech_transaction: Money::from_fen(r.tech_declared_fen),
        signed_on: r.signed_on,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        text,
    }
}

fn registration_of(r: &ContractRecord) -> Registration {
    Registration {
        status: r.status,
        accepted_on: r.accepted_on,
        deadline: r.deadline,
        disputed: r.disputed,
        subtype: r.subtype,
        tech_transaction: Money::from_fen(r.tech_verified_fen),
        refusal: r.refusal_reason,
    }
}

fn duplicate(id: &str, title: &str, number: Option<&str>) -> AppError {
    AppError::Conflict(
        FieldError::new("text", "contract_duplicate")
            .with("contract_id", id)
            .with("title", title)
            .with("number", number.unwrap_or("—")),
    )
}

fn is_fingerprint_conflict(e: &StoreError) -> bool {
    e.is_conflict("contract_fingerprint_live") || e.is_conflict("unique(contract.fingerprint)")
}

async fn warnings(db: &mut Db, r: &ContractRecord) -> AppResult<Vec<DuplicateWarning>> {
    Ok(db
        .contracts_by_dup_key(&r.dup_key, &r.id)
        .await?
        .into_iter()
        .map(|(id, title, status)| DuplicateWarning {
            id,
            title,
            status_zh: Status::parse(&status).map_or("", Status::label),
        })
        .collect())
}

/// The seller organisation a submission is for, checked against the actor.
async fn seller_org(
    db: &mut Db,
    actor: &Actor,
    input: &ContractInput,
) -> AppResult<kechuang_store::OrgRecord> {
    let id = match opt_text(&input.seller_org_id) {
        Some(id) => OrgId(id),
        None => match (&actor.org_id, actor.is_bureau()) {
            (Some(o), false) => o.clone(),
            _ => {
                return Err(AppError::invalid(FieldError::new(
                    "seller_org_id",
                    "required",
                )));
            }
        },
    };
    let org = crate::ops::visible_org(db, actor, &id).await?;
    if !actor.is_bureau() && !matches!(actor.role, Role::Enterprise | Role::Research) {
        return Err(AppError::Forbidden);
    }
    if org.org.kind == OrgKind::Bank {
        return Err(AppError::invalid(
            FieldError::new("seller_org_id", "org_kind_invalid").with("value", org.org.kind.zh()),
        ));
    }
    Ok(org)
}

/// Submits a contract for registration today.
pub async fn submit(app: &App, actor: &Actor, input: &ContractInput) -> AppResult<Submitted> {
    submit_on(app, actor, input, app.today()).await
}

/// Submits a contract for registration as of `today` (tests, imports).
pub async fn submit_on(
    app: &App,
    actor: &Actor,
    input: &ContractInput,
    today: NaiveDate,
) -> AppResult<Submitted> {
    let mut db = app.store.begin().await?;
    let org = seller_org(&mut db, actor, input).await?;
    let draft = draft_of(input, today)?;
    let code = org.org.credit_code.to_string();
    if !draft
        .sellers()
        .any(|p| p.credit_code.as_deref().map(str::trim) == Some(code.as_str()))
    {
        return Err(AppError::invalid(
            FieldError::new("parties", "contract_seller_not_org").with("name", &org.org.name),
        ));
    }
    let fingerprint = draft.fingerprint();
    if let Some((id, title, _, number)) = db.contract_by_fingerprint(&fingerprint, None).await? {
        return Err(duplicate(&id, &title, number.as_deref()));
    }
    let parties = party_rows(&mut db, &draft).await?;
    let id = kechuang_store::new_id();
    let now = app.now();
    let record = ContractRecord {
        id: id.clone(),
        seller_org_id: org.id.0.clone(),
        seller_name: org.org.name.clone(),
        title: draft.title.clone(),
        subtype: draft.subtype,
        declared_subtype: draft.subtype,
        field: draft.field.clone(),
        ip_type: draft.ip_type.clone(),
        government_programme: draft.government_programme,
        amount_fen: draft.amount.fen(),
        non_technical_fen: draft.non_technical.fen(),
        tech_declared_fen: draft.tech_transaction.fen(),
        tech_verified_fen: draft.tech_transaction.fen(),
        signed_on: draft.signed_on,
        valid_from: draft.valid_from,
        valid_to: draft.valid_to,
        fingerprint,
        dup_key: draft.parties_and_amount(),
        seller_type: first_type(&draft, Side::Seller),
        buyer_type: first_type(&draft, Side::Buyer),
        status: Status::Submitted,
        regime: None,
        submitted_on: today,
        accepted_on: None,
        deadline: None,
        disputed: false,
        registration_number: None,
        registered_on: None,
        refusal_reason: None,
        refusal_note: None,
        cancelled_on: None,
        cancel_reason: None,
        town: org.org.town.clone(),
        collaboration_id: opt_text(&input.collaboration_id),
        session_id: opt_text(&input.session_id),
        challenge_id: opt_text(&input.challenge_id),
        created_by: actor.tag(),
        created_at: now,
        updated_at: now,
    };
    match db
        .insert_contract(&NewContract {
            record: &record,
            body: draft.text.trim(),
            parties: &parties,
        })
        .await
    {
        Ok(()) => {}
        Err(e) if is_fingerprint_conflict(&e) => {
            drop(db);
            let mut db = app.store.read().await?;
            return match db
                .contract_by_fingerprint(&record.fingerprint, None)
                .await?
            {
                Some((id, title, _, number)) => Err(duplicate(&id, &title, number.as_deref())),
                None => Err(e.into()),
            };
        }
        Err(e) => return Err(e.into()),
    }
    let seq = db
        .append_event(
            &actor.tag(),
            "contract",
            &id,
            "contract.submitted",
            &json!({"title": record.title, "subtype": record.subtype.as_str(), "amount_fen": record.amount_fen,
                    "tech_transaction_fen": record.tech_declared_fen, "seller_org_id": record.seller_org_id,
                    "parties": parties.len(), "submitted_on": today}),
        )
        .await?;
    db.insert_contract_step(
        &id,
        "submit",
        Status::Submitted,
        &actor.tag(),
        today,
        None,
        now,
        seq,
    )
    .await?;
    let warnings = warnings(&mut db, &record).await?;
    db.commit().await?;
    Ok(Submitted {
        contract: ContractView::of(&record, today),
        warnings,
    })
}

/// A contract with its parties, history and changes.
pub async fn get(app: &App, actor: &Actor, id: &str) -> AppResult<ContractDetail> {
    let mut db = app.store.read().await?;
    let r = visible(&mut db, actor, id).await?;
    let today = app.today();
    let parties = db.contract_parties(id).await?;
    let steps = db.contract_steps(id).await?;
    let changes = db.contract_changes(id).await?;
    let text = db.contract_body(id).await?;
    let warnings = if actor.is_bureau() {
        warnings(&mut db, &r).await?
    } else {
        Vec::new()
    };
    let seller = !actor.is_bureau()
        && actor.org_id.as_ref().map(OrgId::as_str) == Some(r.seller_org_id.as_str());
    let file = db.contract_file(id).await?;
    let return_note = steps
        .iter()
        .rev()
        .find(|s| s.step == "return")
        .and_then(|s| s.note.clone());
    Ok(ContractDetail {
        file,
        can_upload: actor.is_bureau()
            || (seller
                && matches!(
                    r.status,
                    Status::Submitted | Status::Accepted | Status::Returned
                )),
        return_note,
        can_review: actor.is_bureau() && matches!(r.status, Status::Submitted | Status::Accepted),
        can_withdraw: seller
            && matches!(
                r.status,
                Status::Submitted | Status::Accepted | Status::Returned
            ),
        can_resubmit: seller && r.status == Status::Returned,
        can_amend: actor.is_bureau() && r.status == Status::Registered,
        contract: ContractView::of(&r, today),
        parties: parties.iter().map(PartyView::from).collect(),
        steps,
        changes,
        warnings,
        text,
    })
}

/// Contracts the actor may see, newest first.
pub async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<ContractPage> {
    let mut statuses = Vec::new();
    for s in q.status.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        statuses.push(Status::parse(s).ok_or_else(|| {
            AppError::invalid(FieldError::new("status", "choice_invalid").with("value", s))
        })?);
    }
    let per_page = if q.per_page <= 0 {
        50
    } else {
        q.per_page.min(500)
    };
    let page = q.page.max(1);
    let f = ContractFilter {
        visible_to_org: if actor.is_bureau() {
            None
        } else {
            Some(
                actor
                    .org_id
                    .as_ref()
                    .map(|o| o.0.clone())
                    .ok_or(AppError::Forbidden)?,
            )
        },
        towns: if actor.is_bureau() {
            actor.towns.clone()
        } else {
            None
        },
        statuses,
        q: opt_text(&q.q),
        limit: per_page,
        offset: (page - 1) * per_page,
        ..Default::default()
    };
    let mut db = app.store.read().await?;
    let (total, items) = db.contracts(&f).await?;
    let today = app.today();
    Ok(ContractPage {
        total,
        items: items.iter().map(|r| ContractView::of(r, today)).collect(),
    })
}

/// One entry of the registrar's queue.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueueItem {
    /// The contract.
    pub contract: ContractView,
    /// Possible duplicates.
    pub warnings: Vec<DuplicateWarning>,
}

/// The registrar's queue: submitted and accepted contracts, the nearest
/// deadline first.
pub async fn queue(app: &App, actor: &Actor) -> AppResult<Vec<QueueItem>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let items = db.contract_queue(actor.towns.as_deref(), 500).await?;
    let today = app.today();
    let mut out = Vec::with_capacity(items.len());
    for r in items {
        let warnings = warnings(&mut db, &r).await?;
        out.push(QueueItem {
            contract: ContractView::of(&r, today),
            warnings,
        });
    }
    Ok(out)
}

fn step_of(input: &StepInput, r: &ContractRecord) -> AppResult<Step> {
    let late = opt_text(&input.late_reason);
    Ok(match input.step.trim() {
        "accept" => Step::Accept,
        "return" => Step::Return {
            note: input.note.trim().to_string(),
        },
        "resubmit" => Step::Resubmit,
        "withdraw" => Step::Withdraw,
        "cancel" => Step::Cancel {
            reason: input.reason.trim().to_string(),
        },
        "register" => {
            let subtype = match input.subtype.trim() {
                "" => r.subtype,
                s => Subtype::parse(s).ok_or_else(|| {
                    AppError::invalid(FieldError::new("subtype", "choice_invalid").with("value", s))
                })?,
            };
            Step::Register {
                subtype,
                tech_transaction: Money::from_fen(
                    input.tech_transaction_fen.unwrap_or(r.tech_declared_fen),
                ),
                late_reason: late,
            }
        }
        "refuse" => {
            let reason = RefusalReason::parse(input.refusal_reason.trim()).ok_or_else(|| {
                if input.refusal_reason.trim().is_empty() {
                    AppError::invalid(FieldError::new("refusal_reason", "required"))
                } else {
                    AppError::invalid(
                        FieldError::new("refusal_reason", "choice_invalid")
                            .with("value", input.refusal_reason.trim()),
                    )
                }
            })?;
            Step::Refuse {
                reason,
                note: input.note.trim().to_string(),
                late_reason: late,
            }
        }
        other => {
            return Err(AppError::invalid(
                FieldError::new("step", "choice_invalid").with("value", other),
            ));
        }
    })
}

/// Takes a workflow step today.
pub async fn step(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &StepInput,
) -> AppResult<ContractView> {
    step_on(app, actor, id, input, app.today()).await
}

/// Takes a workflow step as of `today` (tests, the demo's history).
pub async fn step_on(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &StepInput,
    today: NaiveDate,
) -> AppResult<ContractView> {
    let mut db = app.store.begin().await?;
    let v = step_tx(&mut db, app, actor, id, input, today).await?;
    db.commit().await?;
    Ok(v)
}

async fn step_tx(
    db: &mut Db,
    app: &App,
    actor: &Actor,
    id: &str,
    input: &StepInput,
    today: NaiveDate,
) -> AppResult<ContractView> {
    let r = visible(db, actor, id).await?;
    let who = who(actor, &r)?;
    let parties = db.contract_parties(id).await?;
    let draft = draft_from(&r, &parties, String::new());
    let mut reg = registration_of(&r);
    let cal = calendar();
    let step_code = input.step.trim();
    let mut note = None;
    if step_code == "dispute" {
        if who == Who::Seller {
            return Err(AppError::invalid(
                FieldError::new("step", "contract_registrar_only").with("status", r.status.label()),
            ));
        }
        if !matches!(r.status, Status::Submitted | Status::Accepted) || r.disputed {
            return Err(AppError::invalid(
                FieldError::new("step", "contract_step_not_allowed")
                    .with("status", r.status.label()),
            ));
        }
        reg.mark_disputed(&draft, &cal);
        note = opt_text(&input.note);
    } else {
        let step = step_of(input, &r)?;
        reg.step(who, &step, &draft, today, &cal)?;
        note = match &step {
            Step::Return { note } => Some(note.clone()),
            Step::Refuse {
                note, late_reason, ..
            } => {
                let mut n = note.clone();
                if let Some(l) = late_reason {
                    n = format!("{n}（逾期原因：{l}）");
                }
                opt_text(&n)
            }
            Step::Register { late_reason, .. } => {
                late_reason.as_ref().map(|l| format!("逾期原因：{l}"))
            }
            Step::Cancel { reason } => Some(reason.clone()),
            _ => note,
        };
    }
    let number = if reg.status == Status::Registered && r.status != Status::Registered {
        let seq = db.next_contract_seq(today.year()).await?;
        let region = app
            .config
            .region
            .clone()
            .filter(|r| r.len() == 6)
            .unwrap_or_else(|| DEFAULT_REGION.to_string());
        Some(rules::registration_number(
            today.year(),
            &region,
            u32::try_from(seq).unwrap_or(u32::MAX),
        )?)
    } else {
        r.registration_number.clone()
    };
    let now = app.now();
    let regime = if reg.status == Status::Accepted && r.status != Status::Accepted {
        Some(Regime::on(today).id().to_string())
    } else {
        r.regime.clone()
    };
    let refusal_note = if reg.status == Status::Refused {
        note.clone()
    } else {
        r.refusal_note.clone()
    };
    let (cancelled_on, cancel_reason) = if reg.status == Status::Cancelled {
        (Some(today), note.clone())
    } else {
        (r.cancelled_on, r.cancel_reason.clone())
    };
    let state = ContractState {
        status: reg.status,
        subtype: reg.subtype,
        tech_verified_fen: reg.tech_transaction.fen(),
        regime: regime.as_deref(),
        submitted_on: if step_code == "resubmit" {
            today
        } else {
            r.submitted_on
        },
        accepted_on: reg.accepted_on,
        deadline: reg.deadline,
        disputed: reg.disputed,
        registration_number: number.as_deref(),
        registered_on: if reg.status == Status::Registered && r.status != Status::Registered {
            Some(today)
        } else {
            r.registered_on
        },
        refusal_reason: reg.refusal,
        refusal_note: refusal_note.as_deref(),
        cancelled_on,
        cancel_reason: cancel_reason.as_deref(),
        at: now,
    };
    if !db.set_contract_state(id, r.status, &state).await? {
        return Err(AppError::Conflict(
            FieldError::new("step", "contract_changed_meanwhile").with("status", r.status.label()),
        ));
    }
    let kind = format!("contract.{step_code}");
    let seq = db
        .append_event(
            &actor.tag(),
            "contract",
            id,
            &kind,
            &json!({"from": r.status.as_str(), "to": reg.status.as_str(), "on": today, "note": note,
                    "registration_number": number, "subtype": reg.subtype.as_str(),
                    "tech_transaction_fen": reg.tech_transaction.fen(), "deadline": reg.deadline,
                    "refusal_reason": reg.refusal.map(RefusalReason::as_str)}),
        )
        .await?;
    db.insert_contract_step(
        id,
        step_code,
        reg.status,
        &actor.tag(),
        today,
        note.as_deref(),
        now,
        seq,
    )
    .await?;
    // A registration closes the matchmaking chain of its collaboration.
    if reg.status == Status::Registered
        && r.status != Status::Registered
        && let Some(c) = r.collaboration_id.as_deref()
    {
        db.set_contract_ref(c, Some(id)).await?;
    }
    if reg.status == Status::Cancelled
        && let Some(c) = r.collaboration_id.as_deref()
    {
        db.set_contract_ref(c, None).await?;
    }
    let after = db.contract(id).await?.ok_or(AppError::NotFound)?;
    Ok(ContractView::of(&after, today))
}

/// The seller corrects a returned contract and resubmits it.
pub async fn resubmit(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ContractInput,
) -> AppResult<ContractView> {
    resubmit_on(app, actor, id, input, app.today()).await
}

/// [`resubmit`] as of `today`.
pub async fn resubmit_on(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ContractInput,
    today: NaiveDate,
) -> AppResult<ContractView> {
    let mut db = app.store.begin().await?;
    let r = visible(&mut db, actor, id).await?;
    if who(actor, &r)? != Who::Seller {
        return Err(AppError::invalid(
            FieldError::new("step", "contract_seller_only").with("status", r.status.label()),
        ));
    }
    if r.status != Status::Returned {
        return Err(AppError::invalid(
            FieldError::new("step", "contract_step_not_allowed").with("status", r.status.label()),
        ));
    }
    let draft = draft_of(input, today)?;
    let fingerprint = draft.fingerprint();
    if let Some((oid, title, _, number)) =
        db.contract_by_fingerprint(&fingerprint, Some(id)).await?
    {
        return Err(duplicate(&oid, &title, number.as_deref()));
    }
    let parties = party_rows(&mut db, &draft).await?;
    let dup_key = draft.parties_and_amount();
    let terms = ContractTerms {
        title: &draft.title,
        declared_subtype: draft.subtype,
        subtype: draft.subtype,
        field: &draft.field,
        ip_type: draft.ip_type.as_deref(),
        government_programme: draft.government_programme,
        amount_fen: draft.amount.fen(),
        non_technical_fen: draft.non_technical.fen(),
        tech_declared_fen: draft.tech_transaction.fen(),
        tech_verified_fen: draft.tech_transaction.fen(),
        signed_on: draft.signed_on,
        valid_from: draft.valid_from,
        valid_to: draft.valid_to,
        body: draft.text.trim(),
        fingerprint: &fingerprint,
        dup_key: &dup_key,
        seller_type: first_type(&draft, Side::Seller),
        buyer_type: first_type(&draft, Side::Buyer),
        parties: &parties,
        at: app.now(),
    };
    match db.set_contract_terms(id, Status::Returned, &terms).await {
        Ok(true) => {}
        Ok(false) => {
            return Err(AppError::Conflict(
                FieldError::new("step", "contract_changed_meanwhile")
                    .with("status", r.status.label()),
            ));
        }
        Err(e) if is_fingerprint_conflict(&e) => {
            return Err(duplicate("", &draft.title, None));
        }
        Err(e) => return Err(e.into()),
    }
    let v = step_tx(
        &mut db,
        app,
        actor,
        id,
        &StepInput {
            step: "resubmit".into(),
            ..Default::default()
        },
        today,
    )
    .await?;
    db.commit().await?;
    Ok(v)
}

/// The seller (before registration: submitted, accepted or returned) or a
/// registrar uploads the contract text as a file (PDF, DOCX or TXT, at most
/// 10 MB), replacing an earlier upload; a TXT file's text is kept for search.
pub async fn upload_file(
    app: &App,
    actor: &Actor,
    id: &str,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<ContractFileMeta> {
    let mut db = app.store.begin().await?;
    let r = visible(&mut db, actor, id).await?;
    let allowed = match who(actor, &r)? {
        Who::Seller => matches!(
            r.status,
            Status::Submitted | Status::Accepted | Status::Returned
        ),
        Who::Registrar | Who::Admin => true,
    };
    if !allowed {
        return Err(AppError::invalid(
            FieldError::new("file", "contract_step_not_allowed").with("status", r.status.label()),
        ));
    }
    let (kind, text) = rules::check_file(file_name, bytes)?;
    let name: String = file_name
        .trim()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let m = ContractFileMeta {
        contract_id: id.to_string(),
        file_name: name,
        media_type: kind.media_type().to_string(),
        size_bytes: bytes.len() as i64,
        sha256: Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        uploaded_by: actor.tag(),
        created_at: app.now(),
    };
    db.put_contract_file(&m, text.as_deref(), bytes).await?;
    db.append_event(
        &actor.tag(),
        "contract",
        id,
        "contract.file_uploaded",
        &json!({"file_name": m.file_name, "media_type": m.media_type,
                "size_bytes": m.size_bytes, "sha256": m.sha256}),
    )
    .await?;
    db.commit().await?;
    Ok(m)
}

/// The uploaded contract file with its bytes (the parties and registrars).
pub async fn file(app: &App, actor: &Actor, id: &str) -> AppResult<(ContractFileMeta, Vec<u8>)> {
    let mut db = app.store.read().await?;
    visible(&mut db, actor, id).await?;
    db.contract_file_content(id)
        .await?
        .ok_or_else(|| AppError::invalid(FieldError::new("file", "contract_file_none")))
}

/// 变更登记 of a registered contract (bureau staff).
pub async fn change(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ChangeInput,
) -> AppResult<ContractDetail> {
    change_on(app, actor, id, input, app.today()).await?;
    get(app, actor, id).await
}

/// [`change`] as of `today`.
pub async fn change_on(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ChangeInput,
    today: NaiveDate,
) -> AppResult<()> {
    actor.require_bureau()?;
    let mut db = app.store.begin().await?;
    let r = visible(&mut db, actor, id).await?;
    if r.status != Status::Registered {
        return Err(AppError::invalid(
            FieldError::new("step", "contract_step_not_allowed").with("status", r.status.label()),
        ));
    }
    let mut errs = Vec::new();
    let reason = opt_text(&input.reason);
    if reason.is_none() {
        errs.push(FieldError::new("reason", "required"));
    }
    let old_parties = db.contract_parties(id).await?;
    let text = db.contract_body(id).await?;
    let mut draft = draft_from(&r, &old_parties, text);
    let date = |f: &str, v: &Option<String>, cur: NaiveDate, errs: &mut Vec<FieldError>| match v {
        Some(s) if !s.trim().is_empty() => date_field(f, s, errs).unwrap_or(cur),
        _ => cur,
    };
    draft.signed_on = date("signed_on", &input.signed_on, r.signed_on, &mut errs);
    draft.valid_from = date("valid_from", &input.valid_from, r.valid_from, &mut errs);
    draft.valid_to = date("valid_to", &input.valid_to, r.valid_to, &mut errs);
    draft.amount = Money::from_fen(input.amount_fen.unwrap_or(r.amount_fen));
    draft.non_technical = Money::from_fen(input.non_technical_fen.unwrap_or(r.non_technical_fen));
    let verified = input.tech_transaction_fen.unwrap_or(r.tech_verified_fen);
    draft.tech_transaction = Money::from_fen(verified);
    if let Some(ps) = &input.parties {
        draft.parties = parties_of(ps, &mut errs);
    }
    // The rules of a submission hold for the changed contract, as of its
    // submission (the 2026 validity check looks at that day).
    if let Err(e) = draft.validate(r.submitted_on.max(draft.signed_on)) {
        errs.extend(e);
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let parties = party_rows(&mut db, &draft).await?;
    let mut changes: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    let mut diff = |f: &str, old: String, new: String| {
        if old != new {
            changes.push((f.to_string(), Some(old), Some(new)));
        }
    };
    diff(
        "amount_fen",
        r.amount_fen.to_string(),
        draft.amount.fen().to_string(),
    );
    diff(
        "non_technical_fen",
        r.non_technical_fen.to_string(),
        draft.non_technical.fen().to_string(),
    );
    diff(
        "tech_transaction_fen",
        r.tech_verified_fen.to_string(),
        verified.to_string(),
    );
    diff(
        "signed_on",
        r.signed_on.to_string(),
        draft.signed_on.to_string(),
    );
    diff(
        "valid_from",
        r.valid_from.to_string(),
        draft.valid_from.to_string(),
    );
    diff(
        "valid_to",
        r.valid_to.to_string(),
        draft.valid_to.to_string(),
    );
    let names = |ps: &[ContractPartyRow]| {
        ps.iter()
            .map(|p| format!("{}:{}", side_code(p.side).1, p.name))
            .collect::<Vec<_>>()
            .join("；")
    };
    diff("parties", names(&old_parties), names(&parties));
    if changes.is_empty() {
        return Err(AppError::invalid(FieldError::new(
            "reason",
            "contract_change_nothing",
        )));
    }
    let fingerprint = draft.fingerprint();
    if let Some((oid, title, _, number)) =
        db.contract_by_fingerprint(&fingerprint, Some(id)).await?
    {
        return Err(duplicate(&oid, &title, number.as_deref()));
    }
    let dup_key = draft.parties_and_amount();
    let now = app.now();
    let terms = ContractTerms {
        title: &draft.title,
        declared_subtype: r.declared_subtype,
        subtype: r.subtype,
        field: &draft.field,
        ip_type: draft.ip_type.as_deref(),
        government_programme: draft.government_programme,
        amount_fen: draft.amount.fen(),
        non_technical_fen: draft.non_technical.fen(),
        tech_declared_fen: r.tech_declared_fen.min(draft.amount.fen()),
        tech_verified_fen: verified,
        signed_on: draft.signed_on,
        valid_from: draft.valid_from,
        valid_to: draft.valid_to,
        body: draft.text.trim(),
        fingerprint: &fingerprint,
        dup_key: &dup_key,
        seller_type: first_type(&draft, Side::Seller),
        buyer_type: first_type(&draft, Side::Buyer),
        parties: &parties,
        at: now,
    };
    if !db
        .set_contract_terms(id, Status::Registered, &terms)
        .await?
    {
        return Err(AppError::Conflict(
            FieldError::new("step", "contract_changed_meanwhile").with("status", r.status.label()),
        ));
    }
    let reason = reason.unwrap_or_default();
    db.insert_contract_changes(id, &changes, &reason, &actor.tag(), today, now)
        .await?;
    let seq = db
        .append_event(
            &actor.tag(),
            "contract",
            id,
            "contract.changed",
            &json!({"changes": changes, "reason": reason, "on": today}),
        )
        .await?;
    db.insert_contract_step(
        id,
        "change",
        Status::Registered,
        &actor.tag(),
        today,
        Some(&reason),
        now,
        seq,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// Links a contract to the matchmaking collaboration, session or challenge that
/// led to it (bureau staff, or its seller). A registered contract linked to a
/// collaboration closes that collaboration's chain at once.
pub async fn link(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &LinkInput,
) -> AppResult<ContractView> {
    let mut db = app.store.begin().await?;
    let r = visible(&mut db, actor, id).await?;
    who(actor, &r)?;
    let collab = opt_text(&input.collaboration_id);
    if let Some(c) = collab.as_deref() {
        let Some(rec) = db.collaboration(c).await? else {
            return Err(AppError::invalid(
                FieldError::new("collaboration_id", "not_found").with("value", c),
            ));
        };
        let ours = rec.provider_org_id.as_str() == r.seller_org_id
            || rec.enterprise_org_id.as_str() == r.seller_org_id;
        if !ours {
            return Err(AppError::invalid(
                FieldError::new("collaboration_id", "contract_collab_other_org").with("value", c),
            ));
        }
    }
    let session = opt_text(&input.session_id);
    let challenge = opt_text(&input.challenge_id);
    let now = app.now();
    if let Some(old) = r.collaboration_id.as_deref()
        && collab.as_deref() != Some(old)
    {
        db.set_contract_ref(old, None).await?;
    }
    db.set_contract_links(
        id,
        collab.as_deref(),
        session.as_deref(),
        challenge.as_deref(),
        now,
    )
    .await?;
    if r.status == Status::Registered
        && let Some(c) = collab.as_deref()
    {
        db.set_contract_ref(c, Some(id)).await?;
    }
    db.append_event(
        &actor.tag(),
        "contract",
        id,
        "contract.linked",
        &json!({"collaboration_id": collab, "session_id": session, "challenge_id": challenge}),
    )
    .await?;
    let after = db.contract(id).await?.ok_or(AppError::NotFound)?;
    db.commit().await?;
    Ok(ContractView::of(&after, app.today()))
}

/// The registration certificate (登记证明) of a registered contract, as PDF.
pub async fn certificate_pdf(app: &App, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
    let d = get(app, actor, id).await?;
    let c = &d.contract;
    let (Some(number), Some(on)) = (c.registration_number.as_deref(), c.registered_on) else {
        return Err(AppError::Conflict(
            FieldError::new("status", "contract_not_registered").with("status", c.status_zh),
        ));
    };
    let mut pdf = crate::pdf::PdfDoc::new("技术合同登记证明");
    pdf.heading("技术合同认定登记证明");
    pdf.paragraph(&format!("登记编号：{number}"));
    pdf.paragraph(&format!("合同名称：{}", c.title));
    pdf.paragraph(&format!("合同类别：{}（{}）", c.category_zh, c.subtype_zh));
    pdf.paragraph(&format!("技术领域：{}", c.field_zh));
    pdf.space(6.0);
    pdf.subheading("合同当事人");
    let rows: Vec<Vec<String>> = d
        .parties
        .iter()
        .map(|p| {
            vec![
                p.side_zh.to_string(),
                p.name.clone(),
                p.credit_code.clone().unwrap_or_else(|| "—".into()),
                p.kind_zh.to_string(),
            ]
        })
        .collect();
    pdf.table(
        &[60.0, 200.0, 150.0, 90.0],
        &["身份", "名称", "统一社会信用代码", "类型"],
        &rows,
    );
    pdf.space(6.0);
    pdf.subheading("金额与日期");
    pdf.table(
        &[200.0, 300.0],
        &["项目", "内容"],
        &[
            vec![
                "合同成交额".into(),
                format!("{} 元（{} 万元）", c.amount.yuan, c.amount.wan),
            ],
            vec![
                "非技术性款项".into(),
                format!("{} 元", c.non_technical.yuan),
            ],
            vec![
                "技术交易额（核定）".into(),
                format!(
                    "{} 元（{} 万元）",
                    c.tech_verified.yuan, c.tech_verified.wan
                ),
            ],
            vec!["签订日期".into(), c.signed_on.to_string()],
            vec![
                "有效期".into(),
                format!("{} 至 {}", c.valid_from, c.valid_to),
            ],
            vec!["登记日期".into(), on.to_string()],
        ],
    );
    pdf.space(12.0);
    pdf.paragraph("经审查，该合同符合技术合同认定规则，准予登记。");
    pdf.paragraph("技术合同登记机构（盖章）");
    Ok(pdf.finish())
}

/// The contracts registered for a collaboration (its page shows them).
pub async fn for_collaboration(
    app: &App,
    actor: &Actor,
    collaboration_id: &str,
) -> AppResult<Option<ContractView>> {
    let mut db = app.store.read().await?;
    let Some(c) = db.collaboration(collaboration_id).await? else {
        return Ok(None);
    };
    let Some(cid) = c.contract_id else {
        return Ok(None);
    };
    match visible(&mut db, actor, &cid).await {
        Ok(r) => Ok(Some(ContractView::of(&r, app.today()))),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
