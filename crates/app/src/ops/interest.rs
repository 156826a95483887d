//! Expressions of interest (意向) and the talks threads (对接洽谈) they open.
//!
//! Who may do what:
//! - an enterprise sends an interest on an achievement or an expert, a
//!   university or institute on an enterprise's need — never on its own record,
//!   and at most one open interest per record;
//! - the record's owner accepts (a thread opens) or declines with a reason; the
//!   sender may withdraw while it is open;
//! - a thread is read by its two organisations and the bureau; the parties post
//!   as themselves, the bureau's 技术经理人 as mediator; the bureau marks a
//!   thread 需协调 / 已协调 (a party may ask for 需协调).
//!
//! Outsiders are refused (`Forbidden`). Every write appends an event (entities
//! `interest`, `thread`) in its transaction.

use super::matchmaking::Choice;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::chain::{self, InterestStatus, Mediation, TargetKind};
use kechuang_core::date::china_datetime_of;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::NeedStatus;
use kechuang_core::org::OrgKind;
use kechuang_store::{ChainFilter, Db, InterestRecord, MessageRecord, NewInterest, ThreadRecord};
use serde_json::json;

/// An interest as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct InterestInput {
    /// `need`, `achievement` or `expert`.
    pub target_kind: String,
    /// The record's id.
    pub target_id: String,
    /// 留言.
    pub message: String,
}

/// An interest as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InterestView {
    /// Id.
    pub id: String,
    /// What it is about.
    pub target_kind: Choice,
    /// The record's id.
    pub target_id: String,
    /// The record's title (the expert's name).
    pub target_title: String,
    /// The record's page.
    pub target_url: String,
    /// Sender.
    pub from_org_id: String,
    /// Sender's name.
    pub from_org_name: String,
    /// Receiver (the record's owner).
    pub to_org_id: String,
    /// Receiver's name.
    pub to_org_name: String,
    /// The message (plain text).
    pub message: String,
    /// Status.
    pub status: Choice,
    /// Why it was declined.
    pub reason: Option<String>,
    /// Day sent.
    pub sent_on: chrono::NaiveDate,
    /// The thread an acceptance opened.
    pub thread_id: Option<String>,
    /// Whether the actor's organisation sent it.
    pub mine: bool,
    /// Whether the actor may accept or decline it now.
    pub can_respond: bool,
    /// Whether the actor may withdraw it now.
    pub can_withdraw: bool,
}

fn choice<T: Copy>(v: T, code: fn(T) -> &'static str, zh: fn(T) -> &'static str) -> Choice {
    Choice {
        code: code(v),
        zh: zh(v),
    }
}

fn interest_view(r: InterestRecord, actor: &Actor) -> InterestView {
    let own = |o: &OrgId| actor.org_id.as_ref() == Some(o);
    let open = r.status == InterestStatus::Open;
    InterestView {
        target_url: format!("/{}s/{}", r.target_kind.code(), r.target_id),
        target_kind: choice(r.target_kind, TargetKind::code, TargetKind::zh),
        status: choice(r.status, InterestStatus::code, InterestStatus::zh),
        mine: own(&r.from_org_id),
        can_respond: open && own(&r.to_org_id),
        can_withdraw: open && own(&r.from_org_id),
        id: r.id,
        target_id: r.target_id,
        target_title: r.target_title,
        from_org_id: r.from_org_id.to_string(),
        from_org_name: r.from_org_name,
        to_org_id: r.to_org_id.to_string(),
        to_org_name: r.to_org_name,
        message: r.message,
        reason: r.reason,
        sent_on: r.sent_on,
        thread_id: r.thread_id,
    }
}

/// The actor's organisation and its kind; bureau staff and users without an
/// organisation are refused.
async fn own_org(db: &mut Db, actor: &Actor) -> AppResult<(OrgId, OrgKind)> {
    let id = actor.org_id.clone().ok_or(AppError::Forbidden)?;
    let org = db.organisation(&id).await?.ok_or(AppError::Forbidden)?;
    Ok((id, org.org.kind))
}

/// The organisation kinds that may send an interest on a kind of record.
pub fn sender_kinds(target: TargetKind) -> &'static [OrgKind] {
    match target {
        TargetKind::Need => &[OrgKind::University, OrgKind::Institute],
        TargetKind::Achievement | TargetKind::Expert => &[OrgKind::Enterprise],
    }
}

/// Sends an interest on a need, an achievement or an expert.
pub async fn send(app: &App, actor: &Actor, input: &InterestInput) -> AppResult<InterestView> {
    let mut errs = Vec::new();
    let kind = TargetKind::parse(&input.target_kind);
    if kind.is_none() {
        errs.push(
            FieldError::new("target_kind", "choice_invalid")
                .with("value", input.target_kind.trim()),
        );
    }
    let message = chain::message("message", &input.message)
        .map_err(|e| errs.push(e))
        .ok();
    let (Some(kind), Some(message), true) = (kind, message, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let mut tx = app.store.begin().await?;
    let (from, from_kind) = own_org(&mut tx, actor).await?;
    if !sender_kinds(kind).contains(&from_kind) {
        return Err(AppError::invalid(
            FieldError::new("target_kind", "interest_sender_kind").with("value", from_kind.zh()),
        ));
    }
    let id = input.target_id.trim();
    let missing =
        || AppError::invalid(FieldError::new("target_id", "choice_invalid").with("value", id));
    let (to, title) = match kind {
        TargetKind::Need => {
            let n = tx.need(id).await?.ok_or_else(missing)?;
            if !matches!(n.record.1, NeedStatus::Open | NeedStatus::Talking) {
                return Err(missing());
            }
            (n.org_id, n.record.0.title)
        }
        TargetKind::Achievement => {
            let a = tx.achievement(id).await?.ok_or_else(missing)?;
            (a.org_id, a.record.title)
        }
        TargetKind::Expert => {
            let e = tx.expert(id).await?.ok_or_else(missing)?;
            (e.org_id, e.record.name)
        }
    };
    if to == from {
        return Err(AppError::invalid(FieldError::new(
            "target_id",
            "interest_own_record",
        )));
    }
    let interest_id = kechuang_store::new_id();
    let now = app.now();
    let r = tx
        .insert_interest(&NewInterest {
            id: &interest_id,
            target_kind: kind,
            target_id: id,
            target_title: &title,
            from_org_id: &from,
            to_org_id: &to,
            message: &message,
            sent_on: app.today(),
            now,
            by: &actor.tag(),
        })
        .await;
    match r {
        Err(e) if e.is_conflict("interest_open_key") => {
            return Err(AppError::Conflict(FieldError::new(
                "target_id",
                "interest_duplicate",
            )));
        }
        other => other?,
    }
    tx.append_event(
        &actor.tag(),
        "interest",
        &interest_id,
        "interest.sent",
        &json!({"target_kind": kind.code(), "target_id": id, "from_org_id": from, "to_org_id": to, "message": message}),
    )
    .await?;
    let view = tx.interest(&interest_id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(interest_view(view, actor))
}

/// Loads an interest the actor is a party to (or bureau staff).
async fn party_interest(db: &mut Db, actor: &Actor, id: &str) -> AppResult<InterestRecord> {
    let r = db.interest(id).await?.ok_or(AppError::NotFound)?;
    let own = actor.org_id.as_ref();
    if actor.is_bureau() || own == Some(&r.from_org_id) || own == Some(&r.to_org_id) {
        Ok(r)
    } else {
        Err(AppError::Forbidden)
    }
}

fn not_open() -> AppError {
    AppError::Conflict(FieldError::new("status", "interest_not_open"))
}

/// The receiver accepts (`accept`) or declines (with `reason`) an open
/// interest. Accepting opens the thread and, for a need still 征集中, moves the
/// need to 对接中.
pub async fn respond(
    app: &App,
    actor: &Actor,
    id: &str,
    accept: bool,
    reason: &str,
) -> AppResult<InterestView> {
    let mut tx = app.store.begin().await?;
    let r = party_interest(&mut tx, actor, id).await?;
    if actor.org_id.as_ref() != Some(&r.to_org_id) {
        return Err(AppError::Forbidden);
    }
    let reason = if accept {
        None
    } else {
        Some(chain::reason("reason", reason)?)
    };
    let now = app.now();
    let status = if accept {
        InterestStatus::Accepted
    } else {
        InterestStatus::Declined
    };
    if !tx
        .close_interest(id, status, reason.as_deref(), now, &actor.tag())
        .await?
    {
        return Err(not_open());
    }
    tx.append_event(
        &actor.tag(),
        "interest",
        id,
        if accept {
            "interest.accepted"
        } else {
            "interest.declined"
        },
        &json!({"reason": reason}),
    )
    .await?;
    if accept {
        let thread_id = kechuang_store::new_id();
        tx.insert_thread(
            &thread_id,
            Some(id),
            &r.from_org_id,
            &r.to_org_id,
            &r.target_title,
            app.today(),
            now,
        )
        .await?;
        tx.append_event(
            &actor.tag(),
            "thread",
            &thread_id,
            "thread.opened",
            &json!({"interest_id": id, "from_org_id": r.from_org_id, "to_org_id": r.to_org_id}),
        )
        .await?;
        if r.target_kind == TargetKind::Need
            && let Some(n) = tx.need(&r.target_id).await?
            && n.record.1 == NeedStatus::Open
        {
            tx.update_need(&n.id, &n.record.0, NeedStatus::Talking, now)
                .await?;
            tx.append_event(
                &actor.tag(),
                "need",
                &n.id,
                "need.updated",
                &json!({"status": NeedStatus::Talking.code(), "by_interest": id}),
            )
            .await?;
        }
    }
    let view = tx.interest(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(interest_view(view, actor))
}

/// The sender withdraws an open interest.
pub async fn withdraw(app: &App, actor: &Actor, id: &str) -> AppResult<InterestView> {
    let mut tx = app.store.begin().await?;
    let r = party_interest(&mut tx, actor, id).await?;
    if actor.org_id.as_ref() != Some(&r.from_org_id) {
        return Err(AppError::Forbidden);
    }
    if !tx
        .close_interest(id, InterestStatus::Withdrawn, None, app.now(), &actor.tag())
        .await?
    {
        return Err(not_open());
    }
    tx.append_event(
        &actor.tag(),
        "interest",
        id,
        "interest.withdrawn",
        &json!({}),
    )
    .await?;
    let view = tx.interest(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(interest_view(view, actor))
}

/// One interest (its parties and the bureau).
pub async fn interest(app: &App, actor: &Actor, id: &str) -> AppResult<InterestView> {
    let mut db = app.store.read().await?;
    Ok(interest_view(
        party_interest(&mut db, actor, id).await?,
        actor,
    ))
}

/// Interests the actor's organisation sent or received; all of them for the bureau.
pub async fn interests(app: &App, actor: &Actor, page: i64) -> AppResult<Vec<InterestView>> {
    let org = scope(actor)?;
    let mut db = app.store.read().await?;
    Ok(db
        .interests(&ChainFilter {
            org_id: org,
            limit: 100,
            offset: (page.max(1) - 1) * 100,
            ..ChainFilter::default()
        })
        .await?
        .into_iter()
        .map(|r| interest_view(r, actor))
        .collect())
}

/// The organisation whose records a list is limited to (`None`: the bureau sees all).
pub(crate) fn scope(actor: &Actor) -> AppResult<Option<OrgId>> {
    if actor.is_bureau() {
        Ok(None)
    } else {
        actor.org_id.clone().map(Some).ok_or(AppError::Forbidden)
    }
}

/// A thread as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ThreadView {
    /// Id.
    pub id: String,
    /// The interest it came from.
    pub interest_id: Option<String>,
    /// Subject.
    pub subject: String,
    /// The interest's sender.
    pub from_org_id: String,
    /// Its name.
    pub from_org_name: String,
    /// The interest's receiver.
    pub to_org_id: String,
    /// Its name.
    pub to_org_name: String,
    /// The bureau's mark.
    pub mediation: Choice,
    /// Day opened.
    pub opened_on: chrono::NaiveDate,
    /// Messages.
    pub message_count: i64,
    /// The collaboration signed from it.
    pub collaboration_id: Option<String>,
}

impl From<ThreadRecord> for ThreadView {
    fn from(t: ThreadRecord) -> Self {
        ThreadView {
            mediation: choice(t.mediation, Mediation::code, Mediation::zh),
            id: t.id,
            interest_id: t.interest_id,
            subject: t.subject,
            from_org_id: t.from_org_id.to_string(),
            from_org_name: t.from_org_name,
            to_org_id: t.to_org_id.to_string(),
            to_org_name: t.to_org_name,
            opened_on: t.opened_on,
            message_count: t.messages,
            collaboration_id: t.collaboration_id,
        }
    }
}

/// A message as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MessageView {
    /// Id.
    pub id: String,
    /// Who wrote it: an organisation's name, or 技术经理人.
    pub author: String,
    /// The user's shown name.
    pub author_name: String,
    /// Posted by the bureau as mediator.
    pub as_mediator: bool,
    /// Text as typed (escape it when rendering).
    pub body: String,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub at: String,
}

/// A thread with its messages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ThreadDetail {
    /// The thread.
    #[serde(flatten)]
    pub thread: ThreadView,
    /// Messages, oldest first.
    pub messages: Vec<MessageView>,
    /// Whether the actor is bureau staff (may mediate).
    pub bureau: bool,
}

/// Loads a thread the actor is a party to (or bureau staff).
pub(crate) async fn party_thread(db: &mut Db, actor: &Actor, id: &str) -> AppResult<ThreadRecord> {
    let t = db.thread(id).await?.ok_or(AppError::NotFound)?;
    let own = actor.org_id.as_ref();
    if actor.is_bureau() || own == Some(&t.from_org_id) || own == Some(&t.to_org_id) {
        Ok(t)
    } else {
        Err(AppError::Forbidden)
    }
}

fn message_view(m: MessageRecord, t: &ThreadRecord) -> MessageView {
    let author = if m.as_mediator {
        "技术经理人".to_string()
    } else if m.org_id.as_deref() == Some(t.from_org_id.as_str()) {
        t.from_org_name.clone()
    } else {
        t.to_org_name.clone()
    };
    MessageView {
        id: m.message_id,
        author,
        author_name: m.author_name,
        as_mediator: m.as_mediator,
        body: m.body,
        at: china_datetime_of(m.created_at),
    }
}

/// A thread and its messages (its parties and the bureau).
pub async fn thread(app: &App, actor: &Actor, id: &str) -> AppResult<ThreadDetail> {
    let mut db = app.store.read().await?;
    let t = party_thread(&mut db, actor, id).await?;
    let messages = db
        .messages(id)
        .await?
        .into_iter()
        .map(|m| message_view(m, &t))
        .collect();
    Ok(ThreadDetail {
        thread: t.into(),
        messages,
        bureau: actor.is_bureau(),
    })
}

/// Threads of the actor's organisation; all of them for the bureau, optionally
/// only those with a mediation mark (`needed`, `mediated`, `none`).
pub async fn threads(app: &App, actor: &Actor, mediation: &str) -> AppResult<Vec<ThreadView>> {
    let org = scope(actor)?;
    let mediation = if mediation.trim().is_empty() {
        None
    } else {
        Some(Mediation::parse(mediation).ok_or_else(|| {
            AppError::invalid(
                FieldError::new("mediation", "choice_invalid").with("value", mediation.trim()),
            )
        })?)
    };
    let mut db = app.store.read().await?;
    Ok(db
        .threads(&ChainFilter {
            org_id: org,
            mediation,
            limit: 200,
            offset: 0,
        })
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Posts a message: a party as its organisation, bureau staff as 技术经理人.
pub async fn post(app: &App, actor: &Actor, id: &str, body: &str) -> AppResult<MessageView> {
    let mut tx = app.store.begin().await?;
    let t = party_thread(&mut tx, actor, id).await?;
    let body = chain::message("body", body)?;
    let as_mediator = actor.is_bureau();
    let m = MessageRecord {
        message_id: kechuang_store::new_id(),
        org_id: if as_mediator {
            None
        } else {
            actor.org_id.as_ref().map(ToString::to_string)
        },
        author_tag: actor.tag(),
        author_name: actor.display_name.clone(),
        as_mediator,
        body,
        created_at: app.now(),
    };
    tx.insert_message(id, &m).await?;
    tx.append_event(
        &actor.tag(),
        "thread",
        id,
        "thread.message_posted",
        &json!({"message_id": m.message_id, "as_mediator": as_mediator, "chars": m.body.chars().count()}),
    )
    .await?;
    tx.commit().await?;
    Ok(message_view(m, &t))
}

/// Sets a thread's mediation mark: bureau staff any; a party may only ask for
/// mediation (`needed`).
pub async fn mark(app: &App, actor: &Actor, id: &str, mediation: &str) -> AppResult<ThreadView> {
    let mut tx = app.store.begin().await?;
    let t = party_thread(&mut tx, actor, id).await?;
    let m = Mediation::parse(mediation).ok_or_else(|| {
        AppError::invalid(
            FieldError::new("mediation", "choice_invalid").with("value", mediation.trim()),
        )
    })?;
    if !actor.is_bureau() && m != Mediation::Needed {
        return Err(AppError::Forbidden);
    }
    if t.mediation != m {
        tx.set_mediation(id, m, app.now()).await?;
        tx.append_event(
            &actor.tag(),
            "thread",
            id,
            "thread.mediation_marked",
            &json!({"from": t.mediation.code(), "to": m.code()}),
        )
        .await?;
    }
    let t = tx.thread(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(t.into())
}
