//! The home page per role: what needs this user's attention, each item with a
//! count and the page where it is handled.

use crate::ops::notify::{self, NotificationView};
use crate::{Actor, App, AppResult};
use kechuang_core::role::Role;
use kechuang_store::{Attention, BureauAttention};
use serde::Serialize;

/// Days ahead in which an expiring qualification is shown.
pub const EXPIRY_WINDOW_DAYS: i64 = 90;

/// Days ahead in which a milestone falls due (overdue ones are always shown).
pub const MILESTONE_WINDOW_DAYS: i64 = 30;

/// A 揭榜挂帅 project milestone due within [`MILESTONE_WINDOW_DAYS`] days or
/// overdue (not yet passed, the project still running or rectifying).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneDue {
    /// The project.
    pub project_id: String,
    /// The call's title.
    pub call_title: String,
    /// The organisation carrying the project.
    pub org_name: String,
    /// The milestone's index (0-based) in the task contract.
    pub index: usize,
    /// What is due.
    pub title: String,
    /// ISO due date (after a rectification order, the new date).
    pub due: String,
    /// Days from today to the due date (negative: overdue by that many days).
    pub days_left: i64,
    /// Past its due date.
    pub overdue: bool,
    /// Where it is handled.
    pub link: String,
}

/// One thing to look at.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// What (zh-CN).
    pub label: &'static str,
    /// How many.
    pub count: i64,
    /// Where it is handled.
    pub link: String,
    /// A word on what to do (zh-CN).
    pub hint: &'static str,
}

/// The home page's content.
#[derive(Debug, Clone, Serialize)]
pub struct Home {
    /// The role, zh-CN.
    pub role_zh: &'static str,
    /// Items, most pressing first (those with a count before those without).
    pub items: Vec<Item>,
    /// The latest notifications.
    pub recent: Vec<NotificationView>,
    /// Unread notifications.
    pub unread: i64,
    /// Towns the view is limited to (bureau staff), if any.
    pub towns: Option<Vec<String>>,
    /// Milestones due within the window or overdue, earliest first.
    pub milestones: Vec<MilestoneDue>,
}

/// The milestones due by `today + MILESTONE_WINDOW_DAYS` (overdue included):
/// of the organisation's projects, or (bureau staff, `org` `None`) of every
/// project whose organisation is in the actor's towns. Earliest first.
pub async fn milestones_due(
    db: &mut kechuang_store::Db,
    actor: &Actor,
    org: Option<&str>,
    today: chrono::NaiveDate,
) -> AppResult<Vec<MilestoneDue>> {
    use kechuang_core::challenge::ProjectStage;
    let until = today + chrono::Duration::days(MILESTONE_WINDOW_DAYS);
    let mut out = Vec::new();
    let mut calls = std::collections::HashMap::<String, String>::new();
    for p in db.ch_projects(None, org).await? {
        if !matches!(
            p.project.stage,
            ProjectStage::Running | ProjectStage::Rectifying
        ) {
            continue;
        }
        let Some(o) = db
            .organisation(&kechuang_core::ids::OrgId(p.org_id.clone()))
            .await?
        else {
            continue;
        };
        if org.is_none() && !actor.in_scope(o.org.town.as_deref()) {
            continue;
        }
        let call_title = match calls.get(&p.call_id) {
            Some(t) => t.clone(),
            None => {
                let t = db
                    .ch_call(&p.call_id)
                    .await?
                    .map(|c| c.terms.title)
                    .unwrap_or_default();
                calls.insert(p.call_id.clone(), t.clone());
                t
            }
        };
        for (i, m) in p.project.milestones.iter().enumerate() {
            if p.project.passed.get(i).copied().unwrap_or(false) || m.due > until {
                continue;
            }
            let days_left = (m.due - today).num_days();
            out.push(MilestoneDue {
                project_id: p.id.clone(),
                call_title: call_title.clone(),
                org_name: o.org.name.clone(),
                index: i,
                title: m.title.clone(),
                due: kechuang_core::date::to_iso(m.due),
                days_left,
                overdue: days_left < 0,
                link: if org.is_some() {
                    "/challenges/mine".to_string()
                } else {
                    format!("/challenges/bench/{}", p.call_id)
                },
            });
        }
    }
    out.sort_by(|a, b| {
        (a.due.as_str(), a.project_id.as_str(), a.index).cmp(&(
            b.due.as_str(),
            b.project_id.as_str(),
            b.index,
        ))
    });
    Ok(out)
}

fn item(label: &'static str, count: i64, link: impl Into<String>, hint: &'static str) -> Item {
    Item {
        label,
        count,
        link: link.into(),
        hint,
    }
}

/// What needs the actor's attention.
pub async fn home(app: &App, actor: &Actor) -> AppResult<Home> {
    let today = app.today();
    let t = kechuang_core::date::to_iso(today);
    let u = kechuang_core::date::to_iso(today + chrono::Duration::days(EXPIRY_WINDOW_DAYS));
    let mut db = app.store.read().await?;
    let mut items = Vec::new();
    let org_id = actor.org_id.as_ref().map(|o| o.as_str().to_string());
    let milestones = if actor.is_bureau() {
        milestones_due(&mut db, actor, None, today).await?
    } else if let (Some(o), Role::Enterprise | Role::Research) = (&org_id, actor.role) {
        milestones_due(&mut db, actor, Some(o), today).await?
    } else {
        Vec::new()
    };
    let n_milestones = i64::try_from(milestones.len()).unwrap_or(i64::MAX);
    if actor.is_bureau() {
        let towns = actor.towns.clone().unwrap_or_default();
        let mut c = async |q| db.bureau_attention_count(q, &towns, &t, &u).await;
        items.push(item(
            "待审核的填报",
            c(BureauAttention::FilingsToReview).await?,
            "/review",
            "审核企业提交的指标填报",
        ));
        items.push(item(
            "待审核的补贴申报",
            c(BureauAttention::SubsidiesToReview).await?,
            "/subsidies/applications",
            "受理、初审、联审",
        ));
        items.push(item(
            "待登记的技术合同",
            c(BureauAttention::ContractsToReview).await?,
            "/contracts/queue",
            "认定登记技术合同",
        ));
        items.push(item(
            "待处理的揭榜挂帅异议",
            c(BureauAttention::Objections).await?,
            "/challenges/bench",
            "公示期异议待裁定",
        ));
        items.push(item(
            "30天内到期及逾期的里程碑",
            n_milestones,
            "/home#milestones",
            "揭榜挂帅攻关项目里程碑，到期后组织评审",
        ));
        items.push(item(
            "90天内到期的资质",
            c(BureauAttention::QualificationsExpiring).await?,
            "/pool",
            "提醒企业及时复审",
        ));
    } else if let Some(org) = org_id.clone() {
        let mut c = async |q| db.attention_count(q, &org, &t, &u).await;
        match actor.role {
            Role::Enterprise => {
                let profile = format!("/enterprises/{org}");
                items.push(item(
                    "待提交的填报",
                    c(Attention::FilingDrafts).await?,
                    profile.clone(),
                    "完成并提交本期填报",
                ));
                items.push(item(
                    "被退回的填报",
                    c(Attention::FilingReturned).await?,
                    profile.clone(),
                    "按退回原因修改后重新提交",
                ));
                items.push(item(
                    "待确认的免申即享补贴",
                    c(Attention::SubsidyOffered).await?,
                    "/subsidies/applications",
                    "确认后进入审核",
                ));
                items.push(item(
                    "审核中的补贴申报",
                    c(Attention::SubsidyOpen).await?,
                    "/subsidies/applications",
                    "查看申报进度",
                ));
                items.push(item(
                    "收到的对接意向",
                    c(Attention::InterestsReceived).await?,
                    "/interests",
                    "接受或婉拒",
                ));
                items.push(item(
                    "已发出待回复的意向",
                    c(Attention::InterestsSent).await?,
                    "/interests",
                    "等待对方回复",
                ));
                items.push(item(
                    "即将参加的对接洽谈",
                    c(Attention::MeetingsAhead).await?,
                    "/sessions",
                    "查看洽谈时间和桌号",
                ));
                items.push(item(
                    "30天内到期及逾期的里程碑",
                    n_milestones,
                    "/home#milestones",
                    "揭榜挂帅攻关项目，按期报告里程碑",
                ));
                items.push(item(
                    "90天内到期的资质",
                    c(Attention::QualificationsExpiring).await?,
                    profile,
                    "及时申请复审",
                ));
                items.push(item(
                    "逾期未还的贷款",
                    c(Attention::LoansOverdue).await?,
                    "/credit",
                    "尽快还款或联系银行",
                ));
            }
            Role::Research => {
                items.push(item(
                    "收到的对接意向",
                    c(Attention::InterestsReceived).await?,
                    "/interests",
                    "接受或婉拒",
                ));
                items.push(item(
                    "已发出待回复的意向",
                    c(Attention::InterestsSent).await?,
                    "/interests",
                    "等待对方回复",
                ));
                items.push(item(
                    "即将参加的对接洽谈",
                    c(Attention::MeetingsAhead).await?,
                    "/sessions",
                    "查看洽谈时间和桌号",
                ));
                if n_milestones > 0 {
                    items.push(item(
                        "30天内到期及逾期的里程碑",
                        n_milestones,
                        "/home#milestones",
                        "揭榜挂帅攻关项目，按期报告里程碑",
                    ));
                }
            }
            Role::Bank => {
                items.push(item(
                    "待决定的授信",
                    c(Attention::BankToDecide).await?,
                    "/credit",
                    "企业已授权查看信用评价",
                ));
                items.push(item(
                    "逾期未还的贷款",
                    c(Attention::BankLoansOverdue).await?,
                    "/credit",
                    "跟进催收或申请风险补偿",
                ));
                items.push(item(
                    "在贷未到期的贷款",
                    c(Attention::BankLoansOutstanding).await?,
                    "/credit",
                    "贷后跟踪，到期前提醒还款",
                ));
            }
            _ => {}
        }
    }
    drop(db);
    items.sort_by_key(|i| i.count == 0);
    let recent = if actor.user_id.is_some() {
        let mut r = notify::list(app, actor, false).await?;
        r.truncate(5);
        r
    } else {
        Vec::new()
    };
    Ok(Home {
        role_zh: actor.role.zh(),
        items,
        recent,
        unread: notify::unread(app, actor).await?,
        towns: actor.towns.clone(),
        milestones,
    })
}
