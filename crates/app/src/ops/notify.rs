//! Notifications: the event-log consumer that turns events into per-user
//! notifications (and queued e-mail), the in-app list, and preferences.
//!
//! The consumer follows the log by sequence number from a high-water mark kept in
//! the database (`notify_cursor`). One batch is one transaction: the cursor row is
//! locked (`FOR UPDATE` on PostgreSQL; SQLite has one writer), the events after it
//! are read, the notifications and their mails written, and the cursor moved, so
//! several instances may run the consumer and each event is handled once. A
//! notification's unique `dedup` key makes a replay harmless anyway.

use crate::ops::saved_search;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::notify::{Channel, Kind, mail_body, mail_subject, parse_email};
use kechuang_store::{Db, Event, NewNotification, NotificationRow, Recipient};
use serde::Serialize;

/// The consumer name of the notification feed.
pub const CONSUMER: &str = "notify";

/// Events read per transaction.
const BATCH: i64 = 500;

/// What the e-mails say about the site.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site's name in subjects and signatures (e.g. 示范区科技创新服务平台).
    pub name: String,
    /// The public base URL links in e-mails start with (no trailing slash).
    pub base_url: String,
}

impl Default for Site {
    fn default() -> Self {
        Site {
            name: "科技创新服务平台".into(),
            base_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// One notification to deliver (before recipients' preferences are applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Kind.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it is handled.
    pub link: String,
    /// Distinguishes several notifications of one event to one user (a saved search id).
    pub reason: String,
}

/// Creates the consumer's cursor at the current end of the log unless it
/// exists: notifications start from now, not from the whole history.
pub async fn start(app: &App) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    let last = tx.last_event_seq().await?;
    tx.ensure_notify_cursor(CONSUMER, last, app.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Consumes the log up to its end; returns the notifications stored.
pub async fn pump(app: &App, site: &Site) -> AppResult<usize> {
    let mut stored = 0;
    loop {
        let mut tx = app.store.begin().await?;
        let Some(cursor) = tx.lock_notify_cursor(CONSUMER).await? else {
            tx.rollback().await?;
            start(app).await?;
            continue;
        };
        let events = tx.events_after(cursor, BATCH).await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            tx.rollback().await?;
            return Ok(stored);
        };
        let now = app.now();
        for e in &events {
            for (recipients, draft) in derive(&mut tx, e).await? {
                for r in recipients {
                    if deliver(&mut tx, site, &r, e.seq, &draft, now).await? {
                        stored += 1;
                    }
                }
            }
        }
        for (user_id, seq, draft) in saved_search::alerts(&mut tx, &events).await? {
            let r = Recipient {
                user_id,
                role: String::new(),
                towns: None,
            };
            if deliver(&mut tx, site, &r, seq, &draft, now).await? {
                stored += 1;
            }
        }
        tx.set_notify_cursor(CONSUMER, last, now).await?;
        tx.commit().await?;
        if events.len() < BATCH as usize {
            return Ok(stored);
        }
    }
}

/// Applies the recipient's channel and stores the notification (and its mail).
async fn deliver(
    tx: &mut Db,
    site: &Site,
    r: &Recipient,
    seq: i64,
    d: &Draft,
    now: i64,
) -> AppResult<bool> {
    let channel = channel_of(tx, &r.user_id, d.kind).await?;
    if !channel.in_app() {
        return Ok(false);
    }
    let id = kechuang_store::new_id();
    let dedup = format!("{seq}:{}:{}:{}", r.user_id, d.kind.code(), d.reason);
    let inserted = tx
        .insert_notification(&NewNotification {
            id: &id,
            user_id: &r.user_id,
            kind: d.kind.code(),
            title: &d.title,
            body: &d.body,
            link: &d.link,
            event_seq: seq,
            dedup: &dedup,
            now,
        })
        .await?;
    if inserted
        && channel.email()
        && let Some(to) = tx.notify_email(&r.user_id).await?
    {
        let url = format!("{}{}", site.base_url.trim_end_matches('/'), d.link);
        tx.enqueue_mail(
            &kechuang_store::new_id(),
            Some(&id),
            &to,
            &mail_subject(&site.name, &d.title),
            &mail_body(&site.name, &d.title, &d.body, &url),
            now,
        )
        .await?;
    }
    Ok(inserted)
}

async fn channel_of(tx: &mut Db, user_id: &str, kind: Kind) -> AppResult<Channel> {
    let prefs = tx.notify_prefs(user_id).await?;
    Ok(prefs
        .iter()
        .find(|(k, _)| k == kind.code())
        .and_then(|(_, c)| Channel::parse("channel", c).ok())
        .unwrap_or(kind.default_channel()))
}

fn draft(kind: Kind, title: String, body: String, link: String) -> Draft {
    Draft {
        kind,
        title,
        body,
        link,
        reason: String::new(),
    }
}

fn period_zh(p: &serde_json::Value) -> String {
    let code = p
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| p.to_string());
    kechuang_core::Period::parse(&code)
        .map(|p| p.label_zh())
        .unwrap_or(code)
}

/// Who an event concerns, and what to tell them.
async fn derive(tx: &mut Db, e: &Event) -> AppResult<Vec<(Vec<Recipient>, Draft)>> {
    let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
    let mut out = Vec::new();
    match e.kind.as_str() {
        "filing.submitted" | "filing.returned" | "filing.approved" => {
            let Some(org) = tx.organisation(&OrgId(e.entity_id.clone())).await? else {
                return Ok(out);
            };
            let period = period_zh(&payload["period"]);
            let link = format!(
                "/enterprises/{}/filings/{}",
                e.entity_id,
                payload["period"].as_str().unwrap_or_default()
            );
            if e.kind == "filing.submitted" {
                let town = org.org.town.clone();
                let reviewers = tx
                    .bureau_recipients()
                    .await?
                    .into_iter()
                    .filter(|r| match (&r.towns, &town) {
                        (None, _) => true,
                        (Some(ts), Some(t)) => ts.contains(t),
                        (Some(_), None) => false,
                    })
                    .collect();
                out.push((
                    reviewers,
                    draft(
                        Kind::FilingSubmitted,
                        format!("{}提交了{period}填报", org.org.name),
                        format!("{}提交了{period}的指标填报，请审核。", org.org.name),
                        link,
                    ),
                ));
            } else {
                let users = tx.org_recipients(&e.entity_id).await?;
                let (kind, title, body) = if e.kind == "filing.returned" {
                    let note = payload["note"].as_str().unwrap_or("");
                    (
                        Kind::FilingReturned,
                        format!("{period}填报被退回"),
                        if note.is_empty() {
                            format!("您单位{period}的填报被退回，请修改后重新提交。")
                        } else {
                            format!(
                                "您单位{period}的填报被退回，请修改后重新提交。退回原因：{note}"
                            )
                        },
                    )
                } else {
                    (
                        Kind::FilingApproved,
                        format!("{period}填报审核通过"),
                        format!("您单位{period}的填报已审核通过。"),
                    )
                };
                out.push((users, draft(kind, title, body, link)));
            }
        }
        "interest.sent" => {
            let Some(i) = tx.interest(&e.entity_id).await? else {
                return Ok(out);
            };
            let users = tx.org_recipients(i.to_org_id.as_str()).await?;
            out.push((
                users,
                draft(
                    Kind::InterestReceived,
                    format!("收到{}的对接意向", i.from_org_name),
                    format!(
                        "{}对“{}”表达了对接意向，请及时回复。",
                        i.from_org_name, i.target_title
                    ),
                    "/interests".into(),
                ),
            ));
        }
        "interest.accepted" | "interest.declined" => {
            let Some(i) = tx.interest(&e.entity_id).await? else {
                return Ok(out);
            };
            let users = tx.org_recipients(i.from_org_id.as_str()).await?;
            let verb = if e.kind == "interest.accepted" {
                "接受"
            } else {
                "婉拒"
            };
            out.push((
                users,
                draft(
                    Kind::InterestAnswered,
                    format!("{}{verb}了您的对接意向", i.to_org_name),
                    format!(
                        "您对“{}”的对接意向已被{}{verb}。",
                        i.target_title, i.to_org_name
                    ),
                    "/interests".into(),
                ),
            ));
        }
        "mm_session.scheduled" => {
            let title = tx
                .mm_session(&e.entity_id)
                .await?
                .map(|s| s.spec.title)
                .unwrap_or_default();
            let mut users = Vec::new();
            for org in tx.session_participant_orgs(&e.entity_id).await? {
                users.extend(tx.org_recipients(&org).await?);
            }
            out.push((
                users,
                draft(
                    Kind::MeetingScheduled,
                    format!("对接会“{title}”洽谈已排定"),
                    format!("对接会“{title}”的一对一洽谈日程已排定，请查看您的洽谈时间和桌号。"),
                    format!("/sessions/{}", e.entity_id),
                ),
            ));
        }
        k if k.starts_with("subsidy.")
            && e.entity == "subsidy_application"
            && payload.get("to").is_some() =>
        {
            let Some(org) = tx.subsidy_application_org(&e.entity_id).await? else {
                return Ok(out);
            };
            let to = payload["to"].as_str().unwrap_or("");
            let stage = kechuang_core::subsidy_flow::Stage::parse(to)
                .map(|s| s.label())
                .unwrap_or(to);
            let users = tx.org_recipients(&org).await?;
            out.push((
                users,
                draft(
                    Kind::SubsidyUpdated,
                    format!("补贴申报进度：{stage}"),
                    format!("您单位的补贴申报已进入“{stage}”。"),
                    format!("/subsidies/applications/{}", e.entity_id),
                ),
            ));
        }
        _ => {}
    }
    Ok(out)
}

/// One notification as the list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    /// Id.
    pub id: String,
    /// Kind code.
    pub kind: String,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it is handled.
    pub link: String,
    /// When, China time.
    pub at: String,
    /// Whether it has been read.
    pub read: bool,
}

fn view(n: NotificationRow) -> NotificationView {
    NotificationView {
        kind_zh: Kind::from_code(&n.kind).map(Kind::zh).unwrap_or("通知"),
        id: n.notification_id,
        kind: n.kind,
        title: n.title,
        body: n.body,
        link: n.link,
        at: kechuang_core::date::china_datetime_of(n.created_at),
        read: n.read_at.is_some(),
    }
}

fn user_of(actor: &Actor) -> AppResult<&str> {
    actor
        .user_id
        .as_ref()
        .map(|u| u.as_str())
        .ok_or(AppError::Forbidden)
}

/// The actor's notifications, newest first.
pub async fn list(app: &App, actor: &Actor, unread_only: bool) -> AppResult<Vec<NotificationView>> {
    let user = user_of(actor)?;
    let mut db = app.store.read().await?;
    Ok(db
        .notifications(user, unread_only, 200)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// How many of the actor's notifications are unread (0 for the command line).
pub async fn unread(app: &App, actor: &Actor) -> AppResult<i64> {
    let Some(user) = &actor.user_id else {
        return Ok(0);
    };
    let mut db = app.store.read().await?;
    Ok(db.unread_notifications(user.as_str()).await?)
}

/// Marks one of the actor's notifications (or all, with `None`) read; returns
/// how many changed. Someone else's notification is `NotFound`.
pub async fn mark_read(app: &App, actor: &Actor, id: Option<&str>) -> AppResult<u64> {
    let user = user_of(actor)?;
    let mut tx = app.store.begin().await?;
    let n = tx.mark_notifications_read(user, id, app.now()).await?;
    if id.is_some() && n == 0 {
        let mine = tx
            .notifications(user, false, 1_000)
            .await?
            .iter()
            .any(|r| Some(r.notification_id.as_str()) == id);
        if !mine {
            return Err(AppError::NotFound);
        }
    }
    tx.append_event(
        &actor.tag(),
        "user",
        user,
        "notification.read",
        &serde_json::json!({"notification_id": id, "count": n}),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// A user's preferences.
#[derive(Debug, Clone, Serialize)]
pub struct Prefs {
    /// The e-mail address (if any).
    pub email: Option<String>,
    /// Per kind: `(kind code, kind zh, channel code)`.
    pub kinds: Vec<(&'static str, &'static str, &'static str)>,
}

/// The actor's preferences, defaults filled in.
pub async fn prefs(app: &App, actor: &Actor) -> AppResult<Prefs> {
    let user = user_of(actor)?;
    let mut db = app.store.read().await?;
    let stored = db.notify_prefs(user).await?;
    let email = db.notify_email(user).await?;
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| {
            let c = stored
                .iter()
                .find(|(kc, _)| kc == k.code())
                .and_then(|(_, c)| Channel::parse("channel", c).ok())
                .unwrap_or(k.default_channel());
            (k.code(), k.zh(), c.code())
        })
        .collect();
    Ok(Prefs { email, kinds })
}

/// Sets the actor's address and channels (`(kind code, channel code)` pairs).
/// Every bad value is reported, each naming its field; nothing is changed then.
pub async fn set_prefs(
    app: &App,
    actor: &Actor,
    email: &str,
    channels: &[(String, String)],
) -> AppResult<Prefs> {
    let user = user_of(actor)?;
    let mut errs = Vec::new();
    let email = if kechuang_core::text::trim(email).is_empty() {
        None
    } else {
        parse_email("email", email).map_err(|e| errs.push(e)).ok()
    };
    let mut parsed = Vec::new();
    for (k, c) in channels {
        let field = format!("channel.{k}");
        match (Kind::parse(&field, k), Channel::parse(&field, c)) {
            (Ok(k), Ok(c)) => parsed.push((k, c)),
            (Err(e), _) | (_, Err(e)) => errs.push(e),
        }
    }
    if email.is_none()
        && errs.is_empty()
        && let Some((k, _)) = parsed.iter().find(|(_, c)| c.email())
    {
        errs.push(FieldError::new(
            format!("channel.{}", k.code()),
            "email_required",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let now = app.now();
    let mut tx = app.store.begin().await?;
    tx.set_notify_email(user, email.as_deref(), now).await?;
    for (k, c) in &parsed {
        tx.set_notify_pref(user, k.code(), c.code(), now).await?;
    }
    tx.append_event(
        &actor.tag(),
        "user",
        user,
        "notification.prefs_set",
        &serde_json::json!({
            "email": email.is_some(),
            "channels": parsed.iter().map(|(k, c)| (k.code(), c.code())).collect::<Vec<_>>(),
        }),
    )
    .await?;
    tx.commit().await?;
    prefs(app, actor).await
}
