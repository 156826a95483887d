//! zh-CN pages, server-rendered with askama. Handlers parse, call one app
//! function, and render a template; forms carry the session's CSRF token.

mod auth;
mod chain;
mod challenge;
mod contracts;
mod credit;
mod dashboard;
mod filings;
mod home;
mod io;
mod ladder;
mod ledger;
pub(crate) mod line;
mod line_edit;
mod map;
mod matchmaking;
mod mm_import;
mod notifications;
mod orgs;
mod platforms;
mod policy;
mod portal;
mod report;
mod sessions;
mod subsidy;
mod talent;

use crate::AppState;
use crate::extract::Session;
use askama::Template;
use axum::Router;
use kechuang_core::indicator;
use kechuang_core::role::Role;

/// What the layout shows: district name, user, navigation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    pub district: String,
    pub user: Option<String>,
    pub role_name: String,
    pub bureau: bool,
    pub csrf: String,
    pub active: &'static str,
    /// The navigation shows the 人才库 link (talent records).
    pub talent_records: bool,
    /// The navigation shows the 智能制造 group (the assembly lines).
    pub lines: bool,
    /// Unread notifications (the badge in the header).
    pub unread: i64,
}

impl Layout {
    pub(crate) fn new(state: &AppState, session: Option<&Session>, active: &'static str) -> Self {
        let role = session.map(|s| s.actor.role);
        Layout {
            district: state.web.district_name.clone(),
            user: session.map(|s| s.actor.display_name.clone()),
            role_name: session
                .map(|s| s.actor.role.zh().to_string())
                .unwrap_or_default(),
            bureau: role.is_some_and(Role::is_bureau),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
            active,
            talent_records: role.is_some_and(|r| r.is_bureau() || r == Role::Enterprise),
            lines: role.is_some_and(|r| {
                matches!(
                    r,
                    Role::LineEngineer | Role::LineOperator | Role::BureauAdmin
                )
            }),
            unread: session.map(|s| s.unread).unwrap_or_default(),
        }
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    /// The error page has no session at hand; it shows the bare layout.
    pub layout: Layout,
    pub title: String,
    pub details: Vec<String>,
    pub status: u16,
}

/// Renders a template; a template error becomes a plain message (and a log line).
pub(crate) fn render<T: Template>(t: &T) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template");
        "页面渲染失败".to_string()
    })
}

/// The zh-CN label of a field code (indicator codes get their indicator name).
pub(crate) fn field_label(field: &str) -> String {
    if let Some(i) = indicator::by_code(field) {
        return i.name.to_string();
    }
    match field {
        "credit_code" => "统一社会信用代码",
        "name" => "名称",
        "kind" => "类型",
        "town" => "所属镇街",
        "cluster" => "产业集群",
        "longitude" => "经度",
        "latitude" => "纬度",
        "founded_on" => "成立日期",
        "above_scale" => "规上工业企业",
        "address" => "地址",
        "period" => "期间",
        "base" => "对比期间",
        "from" => "起始月份",
        "to" => "截止月份",
        "values" => "指标",
        "reason" => "退回原因",
        "status" => "状态",
        "version" => "版本",
        "file" => "文件",
        "_csrf" => "表单令牌",
        "issuer" => "发文机关",
        "doc_no" => "文号",
        "audiences" => "适用对象",
        "measures" => "关联措施",
        "positions" => "人数",
        "education" => "学历",
        "category" => "类别",
        "introduced_on" => "引进日期",
        "description" => "职责与要求",
        "note" => "备注",
        "email" => "邮箱",
        "q" => "关键词",
        "org_id" => "企业",
        other => other,
    }
    .to_string()
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(orgs::router())
        .merge(filings::router())
        .merge(io::router())
        .merge(ladder::router())
        .merge(matchmaking::router())
        .merge(chain::router())
        .merge(sessions::router())
        .merge(mm_import::router())
        .merge(ledger::router())
        .merge(credit::router())
        .merge(policy::router())
        .merge(contracts::router())
        .merge(challenge::router())
        .merge(platforms::router())
        .merge(subsidy::router())
        .merge(line::router())
        .merge(dashboard::router())
        .merge(report::router())
        .merge(map::router())
        .merge(portal::router())
        .merge(home::router())
        .merge(notifications::router())
        .merge(talent::router())
}
