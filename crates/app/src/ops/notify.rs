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
use chrono::{Datelike, NaiveDate};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::money::Money;
use kechuang_core::notify::{Channel, Kind, LOAN_DUE_DAYS, mail_body, mail_subject, parse_email};
use kechuang_store::{CreditScope, Db, Event, NewNotification, NotificationRow, Recipient};
use serde::Serialize;

/// The consumer name of the notification feed.
pub const CONSUMER: &str = "notify";

/// The consumer name of the daily loan sweep; its cursor holds the last day
/// swept (days since 0001-01-01, China time).
pub const SWEEP: &str = "loan_sweep";

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
    tx.ensure_notify_cursor(SWEEP, day_number(app.today()), app.now())
        .await?;
    tx.commit().await?;
    Ok(())
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// Consumes the log up to its end, then runs the daily sweep (once a day);
/// returns the notifications stored.
pub async fn pump(app: &App, site: &Site) -> AppResult<usize> {
    let n = pump_events(app, site).await?;
    Ok(n + sweep(app, site, app.today()).await?)
}

/// The daily sweep for `today`: loans falling due within [`LOAN_DUE_DAYS`] days
/// (the enterprise) and loans overdue (the enterprise and the lending bank).
/// Runs once per day across instances (the `loan_sweep` cursor is locked and
/// moved in the same transaction); each loan notifies each user once per due
/// date and kind. A new installation starts the cursor at today, so the first
/// sweep is the next day's.
pub async fn sweep(app: &App, site: &Site, today: NaiveDate) -> AppResult<usize> {
    let mut tx = app.store.begin().await?;
    let Some(last) = tx.lock_notify_cursor(SWEEP).await? else {
        tx.ensure_notify_cursor(SWEEP, day_number(today), app.now())
            .await?;
        tx.commit().await?;
        return Ok(0);
    };
    if last >= day_number(today) {
        tx.rollback().await?;
        return Ok(0);
    }
    let now = app.now();
    let mut stored = 0;
    for l in tx.loans(CreditScope::default()).await? {
        if l.repaid_fen >= l.amount_fen || l.compensated {
            continue;
        }
        let left = Money::from_fen(l.amount_fen - l.repaid_fen);
        let end = kechuang_core::date::to_iso(l.end_on);
        let days = (l.end_on - today).num_days();
        let mut out = Vec::new();
        if (0..=LOAN_DUE_DAYS).contains(&days) {
            out.push((
                tx.org_recipients(l.org_id.as_str()).await?,
                draft(
                    Kind::LoanDueSoon,
                    format!("{}的贷款将于{end}到期", l.bank_name),
                    format!(
                        "您单位在{}的知识价值信用贷款将于{end}到期，尚未归还本金{left}，请按期还款。",
                        l.bank_name
                    ),
                    "/credit".into(),
                ),
            ));
        } else if days < 0 {
            out.push((
                tx.org_recipients(l.org_id.as_str()).await?,
                draft(
                    Kind::LoanOverdue,
                    format!("{}的贷款已逾期", l.bank_name),
                    format!(
                        "您单位在{}的知识价值信用贷款已于{end}到期，尚有本金{left}未归还，请尽快还款或联系银行。",
                        l.bank_name
                    ),
                    "/credit".into(),
                ),
            ));
            out.push((
                tx.org_recipients(l.bank_id.as_str()).await?,
                draft(
                    Kind::LoanOverdue,
                    format!("{}的贷款已逾期", l.org_name),
                    format!(
                        "{}的知识价值信用贷款已于{end}到期，尚有本金{left}未归还，请跟进催收或申请风险补偿。",
                        l.org_name
                    ),
                    "/credit".into(),
                ),
            ));
        }
        for (users, d) in out {
            for r in users {
                let dedup = format!("sweep:{}:{}:{}:{end}", r.user_id, d.kind.code(), l.id);
                if deliver_keyed(&mut tx, site, &r, 0, &dedup, &d, now).await? {
                    stored += 1;
                }
            }
        }
    }
    tx.set_notify_cursor(SWEEP, day_number(today), now).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Consumes the log up to its end; returns the notifications stored.
async fn pump_events(app: &App, site: &Site) -> AppResult<usize> {
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
    let dedup = format!("{seq}:{}:{}:{}", r.user_id, d.kind.code(), d.reason);
    deliver_keyed(tx, site, r, seq, &dedup, d, now).await
}

/// [`deliver`] with the dedup key given (the daily sweep keys by record, not event).
async fn deliver_keyed(
    tx: &mut Db,
    site: &Site,
    r: &Recipient,
    seq: i64,
    dedup: &str,
    d: &Draft,
    now: i64,
) -> AppResult<bool> {
    let channel = channel_of(tx, &r.user_id, d.kind).await?;
    if !channel.in_app() {
        return Ok(false);
    }
    let id = kechuang_store::new_id();
    let inserted = tx
        .insert_notification(&NewNotification {
            id: &id,
            user_id: &r.user_id,
            kind: d.kind.code(),
            title: &d.title,
            body: &d.body,
            link: &d.link,
            event_seq: seq,
            dedup,
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

/// Active bureau staff whose towns include `town` (unscoped staff: always).
async fn bureau_in(tx: &mut Db, town: Option<&str>) -> AppResult<Vec<Recipient>> {
    Ok(tx
        .bureau_recipients()
        .await?
        .into_iter()
        .filter(|r| match (&r.towns, town) {
            (None, _) => true,
            (Some(ts), Some(t)) => ts.iter().any(|x| x == t),
            (Some(_), None) => false,
        })
        .collect())
}

async fn call_title(tx: &mut Db, call_id: &str) -> AppResult<String> {
    Ok(tx
        .ch_call(call_id)
        .await?
        .map(|c| c.terms.title)
        .unwrap_or_default())
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
        "contract.submitted" | "contract.resubmit" => {
            let Some(c) = tx.contract(&e.entity_id).await? else {
                return Ok(out);
            };
            let town = tx
                .organisation(&OrgId(c.seller_org_id.clone()))
                .await?
                .and_then(|o| o.org.town);
            let seller = tx
                .organisation(&OrgId(c.seller_org_id.clone()))
                .await?
                .map(|o| o.org.name)
                .unwrap_or_default();
            let again = if e.kind == "contract.resubmit" {
                "修改后重新"
            } else {
                ""
            };
            out.push((
                bureau_in(tx, town.as_deref()).await?,
                draft(
                    Kind::ContractSubmitted,
                    format!("{seller}{again}提交了技术合同“{}”", c.title),
                    format!(
                        "{seller}{again}提交了技术合同“{}”，请在法定期限内受理并认定登记。",
                        c.title
                    ),
                    format!("/contracts/{}", e.entity_id),
                ),
            ));
        }
        "contract.accept" | "contract.return" | "contract.register" | "contract.refuse" => {
            let Some(c) = tx.contract(&e.entity_id).await? else {
                return Ok(out);
            };
            let note = payload["note"].as_str().unwrap_or("").trim().to_string();
            let (title, body) = match e.kind.as_str() {
                "contract.accept" => (
                    format!("技术合同“{}”已受理", c.title),
                    format!("您单位提交的技术合同“{}”已被受理，进入认定审查。", c.title),
                ),
                "contract.return" => (
                    format!("技术合同“{}”被退回补正", c.title),
                    if note.is_empty() {
                        format!(
                            "您单位提交的技术合同“{}”被退回，请补正后重新提交。",
                            c.title
                        )
                    } else {
                        format!(
                            "您单位提交的技术合同“{}”被退回，请补正后重新提交。退回原因：{note}",
                            c.title
                        )
                    },
                ),
                "contract.register" => {
                    let number = payload["registration_number"].as_str().unwrap_or("");
                    (
                        format!("技术合同“{}”已认定登记", c.title),
                        format!(
                            "您单位的技术合同“{}”已认定登记，登记编号{number}，可下载登记证明。",
                            c.title
                        ),
                    )
                }
                _ => {
                    let reason = payload["refusal_reason"]
                        .as_str()
                        .and_then(kechuang_core::contract::RefusalReason::parse)
                        .map(|r| r.label())
                        .unwrap_or("");
                    (
                        format!("技术合同“{}”不予登记", c.title),
                        format!(
                            "您单位的技术合同“{}”经审查不予登记。原因：{reason}{}",
                            c.title,
                            if note.is_empty() {
                                String::new()
                            } else {
                                format!("（{note}）")
                            }
                        ),
                    )
                }
            };
            out.push((
                tx.org_recipients(&c.seller_org_id).await?,
                draft(
                    Kind::ContractUpdated,
                    title,
                    body,
                    format!("/contracts/{}", e.entity_id),
                ),
            ));
        }
        "credit.consent_granted" => {
            let (Some(org), Some(bank)) = (payload["org_id"].as_str(), payload["bank_id"].as_str())
            else {
                return Ok(out);
            };
            let name = tx
                .organisation(&OrgId(org.to_string()))
                .await?
                .map(|o| o.org.name)
                .unwrap_or_default();
            out.push((
                tx.org_recipients(bank).await?,
                draft(
                    Kind::CreditRequested,
                    format!("{name}申请知识价值信用贷款"),
                    format!("{name}已授权贵行查看其知识价值信用评价，请审查并作出授信决定。"),
                    "/credit".into(),
                ),
            ));
        }
        "credit.decided" => {
            let (Some(org), Some(bank)) = (payload["org_id"].as_str(), payload["bank_id"].as_str())
            else {
                return Ok(out);
            };
            let bank_name = tx
                .organisation(&OrgId(bank.to_string()))
                .await?
                .map(|o| o.org.name)
                .unwrap_or_default();
            let (title, body) = if payload["approved"].as_bool() == Some(true) {
                let amount = Money::from_fen(payload["amount_fen"].as_i64().unwrap_or(0));
                (
                    format!("{bank_name}同意授信"),
                    format!("{bank_name}同意向您单位授信{amount}，请与银行联系办理放款。"),
                )
            } else {
                let reason = payload["reason"].as_str().unwrap_or("");
                (
                    format!("{bank_name}未同意授信"),
                    format!("{bank_name}未同意您单位的授信申请。原因：{reason}"),
                )
            };
            out.push((
                tx.org_recipients(org).await?,
                draft(Kind::CreditDecided, title, body, "/credit".into()),
            ));
        }
        "loan.recorded" => {
            let Some(l) = tx.loan(&e.entity_id).await? else {
                return Ok(out);
            };
            let amount = Money::from_fen(l.amount_fen);
            let end = kechuang_core::date::to_iso(l.end_on);
            out.push((
                tx.org_recipients(l.org_id.as_str()).await?,
                draft(
                    Kind::LoanDisbursed,
                    format!("{}已发放贷款{amount}", l.bank_name),
                    format!(
                        "{}向您单位发放知识价值信用贷款{amount}，到期日{end}，请按期还款。",
                        l.bank_name
                    ),
                    "/credit".into(),
                ),
            ));
        }
        "challenge.application.checked" => {
            let Some(a) = tx.ch_application(&e.entity_id).await? else {
                return Ok(out);
            };
            let title = call_title(tx, &a.call_id).await?;
            let (t, b) = if payload["passed"].as_bool() == Some(true) {
                (
                    format!("揭榜挂帅“{title}”申报通过形式审查"),
                    format!("您单位对“{title}”的揭榜申报已通过形式审查，进入专家评审。"),
                )
            } else {
                let reasons: Vec<&str> = payload["reasons"]
                    .as_array()
                    .map(|r| r.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                (
                    format!("揭榜挂帅“{title}”申报未通过形式审查"),
                    format!(
                        "您单位对“{title}”的揭榜申报未通过形式审查。原因：{}",
                        reasons.join("；")
                    ),
                )
            };
            out.push((
                tx.org_recipients(&a.lead_org_id).await?,
                draft(Kind::ChallengeApplication, t, b, "/challenges/mine".into()),
            ));
        }
        "challenge.call.stage" if payload["to"].as_str() == Some("publicity") => {
            let title = call_title(tx, &e.entity_id).await?;
            for row in payload["ranking"].as_array().cloned().unwrap_or_default() {
                let Some(id) = row["application_id"].as_str() else {
                    continue;
                };
                let Some(a) = tx.ch_application(id).await? else {
                    continue;
                };
                let (t, b) = if row["selected"].as_bool() == Some(true) {
                    (
                        format!("揭榜挂帅“{title}”拟确定您单位揭榜"),
                        format!(
                            "经专家评审，您单位拟确定为“{title}”的揭榜单位，现进入公示期；公示无异议后签订任务书。"
                        ),
                    )
                } else {
                    (
                        format!("揭榜挂帅“{title}”评审结果"),
                        format!("经专家评审，您单位对“{title}”的揭榜申报未入选。感谢参与。"),
                    )
                };
                let mut d = draft(Kind::ChallengeApplication, t, b, "/challenges/mine".into());
                d.reason = a.id.clone();
                out.push((tx.org_recipients(&a.lead_org_id).await?, d));
            }
        }
        "challenge.milestone.reviewed" => {
            let Some(p) = tx.ch_project(&e.entity_id).await? else {
                return Ok(out);
            };
            let Ok(r) = serde_json::from_value::<kechuang_store::ChReview>(payload.clone()) else {
                return Ok(out);
            };
            let title = call_title(tx, &p.call_id).await?;
            let m = p
                .project
                .milestones
                .get(r.milestone)
                .map(|m| m.title.clone())
                .unwrap_or_default();
            let (t, b) = match &r.verdict {
                kechuang_core::challenge::Verdict::Pass => (
                    format!("里程碑“{m}”评审通过"),
                    format!("“{title}”攻关项目的里程碑“{m}”已评审通过。"),
                ),
                kechuang_core::challenge::Verdict::Rectify { due, note } => (
                    format!("里程碑“{m}”需限期整改"),
                    format!(
                        "“{title}”攻关项目的里程碑“{m}”需整改，请于{}前完成并再次报告。整改要求：{note}",
                        kechuang_core::date::to_iso(*due)
                    ),
                ),
                kechuang_core::challenge::Verdict::Terminate { reason } => (
                    format!("“{title}”攻关项目已终止"),
                    format!("“{title}”攻关项目在里程碑“{m}”评审后终止。原因：{reason}"),
                ),
            };
            out.push((
                tx.org_recipients(&p.org_id).await?,
                draft(Kind::ChallengeMilestone, t, b, "/challenges/mine".into()),
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
