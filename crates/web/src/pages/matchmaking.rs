//! 创新资源对接 pages: technology needs, achievements and experts — lists,
//! details and forms (a bad form comes back with every field kept and each
//! problem next to its field).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{PageSession, Session};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::matchmaking::{self as mm, ListQuery};
use kechuang_core::matchmaking::{
    AchievementForm, AchievementInput, CooperationMode, ExpertInput, Maturity, NeedInput,
    NeedStatus, TransferMode,
};
use std::collections::HashMap;

/// Which kind of record a page is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Need,
    Achievement,
    Expert,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Need => "needs",
            Kind::Achievement => "achievements",
            Kind::Expert => "experts",
        }
    }
    fn zh(self) -> &'static str {
        match self {
            Kind::Need => "技术需求",
            Kind::Achievement => "科技成果",
            Kind::Expert => "专家",
        }
    }
}

/// One form field.
struct FormField {
    name: &'static str,
    label: &'static str,
    /// `text`, `textarea`, `select`, `multi`.
    kind: &'static str,
    options: Vec<(&'static str, &'static str)>,
    value: String,
    values: Vec<String>,
    error: String,
    hint: &'static str,
}

fn field(name: &'static str, label: &'static str, kind: &'static str) -> FormField {
    FormField {
        name,
        label,
        kind,
        options: Vec::new(),
        value: String::new(),
        values: Vec::new(),
        error: String::new(),
        hint: "",
    }
}

fn need_fields() -> Vec<FormField> {
    let mut modes = field("modes", "合作方式", "multi");
    modes.options = CooperationMode::ALL
        .iter()
        .map(|m| (m.code(), m.zh()))
        .collect();
    let mut budget = field("budget_wan", "预算（万元）", "text");
    budget.hint = "可留空（面议）";
    let mut keywords = field("keywords", "关键词", "text");
    keywords.hint = "用逗号或顿号分隔";
    let mut status = field("status", "状态", "select");
    status.options = NeedStatus::ALL.iter().map(|s| (s.code(), s.zh())).collect();
    vec![
        field("title", "需求名称", "text"),
        field("description", "需求描述", "textarea"),
        field("indicators", "目标技术指标", "textarea"),
        field("problem", "拟解决的问题", "textarea"),
        field("basis", "现有基础", "textarea"),
        budget,
        modes,
        field("field", "技术领域", "text"),
        keywords,
        field("deadline", "截止日期", "text"),
        status,
    ]
}

fn achievement_fields() -> Vec<FormField> {
    let mut form = field("form", "成果形式", "select");
    form.options = AchievementForm::ALL
        .iter()
        .map(|m| (m.code(), m.zh()))
        .collect();
    let mut maturity = field("maturity", "成熟度", "select");
    maturity.options = Maturity::ALL.iter().map(|m| (m.code(), m.zh())).collect();
    let mut modes = field("transfer_modes", "转化方式", "multi");
    modes.options = TransferMode::ALL
        .iter()
        .map(|m| (m.code(), m.zh()))
        .collect();
    let mut price = field("price_wan", "参考价格（万元）", "text");
    price.hint = "留空表示面议";
    let mut inventors = field("inventors", "完成人", "text");
    inventors.hint = "用逗号或顿号分隔";
    let mut keywords = field("keywords", "关键词", "text");
    keywords.hint = "用逗号或顿号分隔";
    vec![
        field("title", "成果名称", "text"),
        field("summary", "成果简介", "textarea"),
        inventors,
        field("field", "技术领域", "text"),
        form,
        maturity,
        modes,
        price,
        keywords,
    ]
}

fn expert_fields() -> Vec<FormField> {
    let mut fields = field("fields", "研究领域", "text");
    fields.hint = "用逗号或顿号分隔";
    let mut keywords = field("keywords", "关键词", "text");
    keywords.hint = "用逗号或顿号分隔";
    vec![
        field("name", "姓名", "text"),
        field("title", "职称", "text"),
        fields,
        keywords,
        field("projects", "代表性项目与成果", "textarea"),
        field("profile", "简介", "textarea"),
    ]
}

fn fields_of(kind: Kind) -> Vec<FormField> {
    match kind {
        Kind::Need => need_fields(),
        Kind::Achievement => achievement_fields(),
        Kind::Expert => expert_fields(),
    }
}

#[derive(Template)]
#[template(path = "mm_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    fields: Vec<FormField>,
    org_id: String,
    bureau: bool,
    general_error: String,
}

#[derive(Template)]
#[template(path = "mm_list.html")]
struct ListPage {
    layout: Layout,
    kind_path: &'static str,
    kind_zh: &'static str,
    q: String,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    total: i64,
    headers: Vec<&'static str>,
    rows: Vec<(String, String, Vec<String>)>,
    can_post: bool,
}

#[derive(Template)]
#[template(path = "mm_detail.html")]
struct DetailPage {
    layout: Layout,
    kind_path: &'static str,
    kind_zh: &'static str,
    id: String,
    title: String,
    org_name: String,
    rows: Vec<(&'static str, String)>,
    can_edit: bool,
}

fn can_post(session: &Session, kind: Kind) -> bool {
    use kechuang_core::role::Role;
    session.actor.is_bureau()
        || match kind {
            Kind::Need => session.actor.role == Role::Enterprise,
            Kind::Achievement | Kind::Expert => {
                matches!(session.actor.role, Role::Research | Role::Enterprise)
            }
        }
}

async fn list(
    s: &AppState,
    session: &Session,
    kind: Kind,
    q: &ListQuery,
) -> Result<Html<String>, PageError> {
    let (total, headers, rows) = match kind {
        Kind::Need => {
            let l = mm::needs(&s.app, &session.actor, q).await?;
            let rows = l
                .items
                .into_iter()
                .map(|n| {
                    let modes: Vec<&str> = n.modes.iter().map(|m| m.zh).collect();
                    (
                        n.id,
                        n.title,
                        vec![
                            n.org_name,
                            modes.join("、"),
                            n.budget_wan.map_or("面议".into(), |b| format!("{b} 万元")),
                            n.status.zh.to_string(),
                        ],
                    )
                })
                .collect();
            (
                l.total,
                vec!["需求名称", "发布单位", "合作方式", "预算", "状态"],
                rows,
            )
        }
        Kind::Achievement => {
            let l = mm::achievements(&s.app, &session.actor, q).await?;
            let rows = l
                .items
                .into_iter()
                .map(|a| {
                    (
                        a.id,
                        a.title,
                        vec![
                            a.org_name,
                            a.maturity.map_or(String::new(), |m| m.zh.to_string()),
                            a.field.unwrap_or_default(),
                            a.price_wan.map_or("面议".into(), |p| format!("{p} 万元")),
                        ],
                    )
                })
                .collect();
            (
                l.total,
                vec!["成果名称", "所属单位", "成熟度", "技术领域", "参考价格"],
                rows,
            )
        }
        Kind::Expert => {
            let l = mm::experts(&s.app, &session.actor, q).await?;
            let rows = l
                .items
                .into_iter()
                .map(|e| {
                    (
                        e.id,
                        e.expert.name,
                        vec![
                            e.org_name,
                            e.expert.title.unwrap_or_default(),
                            e.expert.fields.join("、"),
                        ],
                    )
                })
                .collect();
            (l.total, vec!["姓名", "单位", "职称", "研究领域"], rows)
        }
    };
    Ok(Html(render(&ListPage {
        layout: Layout::new(s, Some(session), "matchmaking"),
        kind_path: kind.path(),
        kind_zh: kind.zh(),
        q: q.q.clone(),
        status: q.status.clone(),
        statuses: if kind == Kind::Need {
            NeedStatus::ALL.iter().map(|s| (s.code(), s.zh())).collect()
        } else {
            Vec::new()
        },
        total,
        headers,
        rows,
        can_post: can_post(session, kind),
    })))
}

fn text_or_dash(v: Option<String>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())
}

async fn detail(
    s: &AppState,
    session: &Session,
    kind: Kind,
    id: &str,
) -> Result<Html<String>, PageError> {
    let actor = &session.actor;
    let mine =
        |org: &str| actor.is_bureau() || actor.org_id.as_ref().is_some_and(|o| o.as_str() == org);
    let (title, org_name, org, rows) = match kind {
        Kind::Need => {
            let n = mm::need(&s.app, actor, id).await?;
            let modes: Vec<&str> = n.modes.iter().map(|m| m.zh).collect();
            let rows = vec![
                ("状态", n.status.zh.to_string()),
                ("需求描述", text_or_dash(n.description)),
                ("目标技术指标", text_or_dash(n.indicators)),
                ("拟解决的问题", text_or_dash(n.problem)),
                ("现有基础", text_or_dash(n.basis)),
                (
                    "预算",
                    n.budget_wan.map_or("面议".into(), |b| format!("{b} 万元")),
                ),
                ("合作方式", modes.join("、")),
                ("技术领域", text_or_dash(n.field)),
                ("关键词", n.keywords.join("、")),
                ("截止日期", n.deadline.map_or("—".into(), |d| d.to_string())),
            ];
            (n.title, n.org_name, n.org_id, rows)
        }
        Kind::Achievement => {
            let a = mm::achievement(&s.app, actor, id).await?;
            let modes: Vec<&str> = a.transfer_modes.iter().map(|m| m.zh).collect();
            let rows = vec![
                ("成果简介", text_or_dash(a.summary)),
                ("完成人", a.inventors.join("、")),
                ("技术领域", text_or_dash(a.field)),
                ("成果形式", a.form.map_or("—".into(), |f| f.zh.to_string())),
                (
                    "成熟度",
                    a.maturity.map_or("—".into(), |m| m.zh.to_string()),
                ),
                ("转化方式", modes.join("、")),
                (
                    "参考价格",
                    a.price_wan.map_or("面议".into(), |p| format!("{p} 万元")),
                ),
                ("关键词", a.keywords.join("、")),
            ];
            (a.title, a.org_name, a.org_id, rows)
        }
        Kind::Expert => {
            let e = mm::expert(&s.app, actor, id).await?;
            let rows = vec![
                ("职称", text_or_dash(e.expert.title)),
                ("研究领域", e.expert.fields.join("、")),
                ("关键词", e.expert.keywords.join("、")),
                ("代表性项目与成果", text_or_dash(e.expert.projects)),
                ("简介", text_or_dash(e.expert.profile)),
            ];
            (e.expert.name, e.org_name, e.org_id, rows)
        }
    };
    Ok(Html(render(&DetailPage {
        layout: Layout::new(s, Some(session), "matchmaking"),
        kind_path: kind.path(),
        kind_zh: kind.zh(),
        id: id.to_string(),
        title,
        org_name,
        can_edit: mine(&org),
        rows,
    })))
}

/// Current values of a record for its edit form.
async fn current_values(
    s: &AppState,
    session: &Session,
    kind: Kind,
    id: &str,
) -> Result<HashMap<String, Vec<String>>, PageError> {
    let actor = &session.actor;
    let one = |v: String| vec![v];
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    match kind {
        Kind::Need => {
            let n = mm::need(&s.app, actor, id).await?;
            m.insert("title".into(), one(n.title));
            m.insert("description".into(), one(n.description.unwrap_or_default()));
            m.insert("indicators".into(), one(n.indicators.unwrap_or_default()));
            m.insert("problem".into(), one(n.problem.unwrap_or_default()));
            m.insert("basis".into(), one(n.basis.unwrap_or_default()));
            m.insert("budget_wan".into(), one(n.budget_wan.unwrap_or_default()));
            m.insert(
                "modes".into(),
                n.modes.iter().map(|c| c.code.to_string()).collect(),
            );
            m.insert("field".into(), one(n.field.unwrap_or_default()));
            m.insert("keywords".into(), one(n.keywords.join("、")));
            m.insert(
                "deadline".into(),
                one(n.deadline.map(|d| d.to_string()).unwrap_or_default()),
            );
            m.insert("status".into(), one(n.status.code.to_string()));
        }
        Kind::Achievement => {
            let a = mm::achievement(&s.app, actor, id).await?;
            m.insert("title".into(), one(a.title));
            m.insert("summary".into(), one(a.summary.unwrap_or_default()));
            m.insert("inventors".into(), one(a.inventors.join("、")));
            m.insert("field".into(), one(a.field.unwrap_or_default()));
            m.insert(
                "form".into(),
                one(a.form.map(|f| f.code.to_string()).unwrap_or_default()),
            );
            m.insert(
                "maturity".into(),
                one(a.maturity.map(|f| f.code.to_string()).unwrap_or_default()),
            );
            m.insert(
                "transfer_modes".into(),
                a.transfer_modes
                    .iter()
                    .map(|c| c.code.to_string())
                    .collect(),
            );
            m.insert("price_wan".into(), one(a.price_wan.unwrap_or_default()));
            m.insert("keywords".into(), one(a.keywords.join("、")));
        }
        Kind::Expert => {
            let e = mm::expert(&s.app, actor, id).await?.expert;
            m.insert("name".into(), one(e.name));
            m.insert("title".into(), one(e.title.unwrap_or_default()));
            m.insert("fields".into(), one(e.fields.join("、")));
            m.insert("keywords".into(), one(e.keywords.join("、")));
            m.insert("projects".into(), one(e.projects.unwrap_or_default()));
            m.insert("profile".into(), one(e.profile.unwrap_or_default()));
        }
    }
    Ok(m)
}

fn form_page(
    s: &AppState,
    session: &Session,
    kind: Kind,
    id: Option<&str>,
    values: &HashMap<String, Vec<String>>,
    errors: &[kechuang_core::FieldError],
) -> Html<String> {
    let mut fields = fields_of(kind);
    if id.is_none() {
        fields.retain(|f| f.name != "status");
    }
    for f in &mut fields {
        let v = values.get(f.name).cloned().unwrap_or_default();
        f.value = v.first().cloned().unwrap_or_default();
        f.values = v;
        f.error = errors
            .iter()
            .filter(|e| e.field == f.name)
            .map(|e| e.message())
            .collect::<Vec<_>>()
            .join("；");
    }
    let general: Vec<String> = errors
        .iter()
        .filter(|e| !fields.iter().any(|f| f.name == e.field))
        .map(|e| format!("{}：{}", super::field_label(&e.field), e.message()))
        .collect();
    Html(render(&FormPage {
        layout: Layout::new(s, Some(session), "matchmaking"),
        heading: format!(
            "{}{}",
            if id.is_some() { "修改" } else { "发布" },
            kind.zh()
        ),
        action: match id {
            Some(id) => format!("/{}/{id}", kind.path()),
            None => format!("/{}", kind.path()),
        },
        org_id: values
            .get("org_id")
            .and_then(|v| v.first().cloned())
            .unwrap_or_default(),
        bureau: session.actor.is_bureau() && id.is_none(),
        fields,
        general_error: general.join("；"),
    }))
}

fn collect(form: &[(String, String)]) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form {
        m.entry(k.clone()).or_default().push(v.clone());
    }
    m
}

fn first(m: &HashMap<String, Vec<String>>, k: &str) -> String {
    m.get(k)
        .and_then(|v| v.first().cloned())
        .unwrap_or_default()
}

fn all(m: &HashMap<String, Vec<String>>, k: &str) -> Vec<String> {
    m.get(k).cloned().unwrap_or_default()
}

/// Saves a form: create (`id` None) or update. Invalid input re-renders the form.
async fn save(
    s: &AppState,
    session: &Session,
    kind: Kind,
    id: Option<&str>,
    form: &[(String, String)],
) -> Result<Response, PageError> {
    let m = collect(form);
    session.check_csrf(&first(&m, "_csrf"))?;
    let actor = &session.actor;
    let org = Some(first(&m, "org_id")).filter(|o| !o.trim().is_empty());
    let result: Result<String, AppError> = match kind {
        Kind::Need => {
            let input = NeedInput {
                title: first(&m, "title"),
                description: first(&m, "description"),
                indicators: first(&m, "indicators"),
                problem: first(&m, "problem"),
                basis: first(&m, "basis"),
                budget_wan: first(&m, "budget_wan"),
                modes: all(&m, "modes"),
                field: first(&m, "field"),
                keywords: all(&m, "keywords"),
                deadline: first(&m, "deadline"),
            };
            match id {
                Some(id) => mm::update_need(&s.app, actor, id, &input, &first(&m, "status"))
                    .await
                    .map(|v| v.id),
                None => mm::create_need(&s.app, actor, org.as_deref(), &input)
                    .await
                    .map(|v| v.id),
            }
        }
        Kind::Achievement => {
            let input = AchievementInput {
                title: first(&m, "title"),
                summary: first(&m, "summary"),
                inventors: all(&m, "inventors"),
                field: first(&m, "field"),
                form: first(&m, "form"),
                maturity: first(&m, "maturity"),
                transfer_modes: all(&m, "transfer_modes"),
                price_wan: first(&m, "price_wan"),
                keywords: all(&m, "keywords"),
            };
            match id {
                Some(id) => mm::update_achievement(&s.app, actor, id, &input)
                    .await
                    .map(|v| v.id),
                None => mm::create_achievement(&s.app, actor, org.as_deref(), &input)
                    .await
                    .map(|v| v.id),
            }
        }
        Kind::Expert => {
            let input = ExpertInput {
                name: first(&m, "name"),
                title: first(&m, "title"),
                fields: all(&m, "fields"),
                keywords: all(&m, "keywords"),
                projects: first(&m, "projects"),
                profile: first(&m, "profile"),
            };
            match id {
                Some(id) => mm::update_expert(&s.app, actor, id, &input)
                    .await
                    .map(|v| v.id),
                None => mm::create_expert(&s.app, actor, org.as_deref(), &input)
                    .await
                    .map(|v| v.id),
            }
        }
    };
    match result {
        Ok(new_id) => Ok(Redirect::to(&format!("/{}/{new_id}", kind.path())).into_response()),
        Err(AppError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            form_page(s, session, kind, id, &m, &errors),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

macro_rules! kind_routes {
    ($router:expr, $kind:expr, $path:literal) => {{
        async fn list_h(
            State(s): State<AppState>,
            PageSession(session): PageSession,
            Query(q): Query<ListQuery>,
        ) -> Result<Html<String>, PageError> {
            list(&s, &session, $kind, &q).await
        }
        async fn new_h(
            State(s): State<AppState>,
            PageSession(session): PageSession,
        ) -> Html<String> {
            form_page(&s, &session, $kind, None, &HashMap::new(), &[])
        }
        async fn create_h(
            State(s): State<AppState>,
            PageSession(session): PageSession,
            Form(form): Form<Vec<(String, String)>>,
        ) -> Result<Response, PageError> {
            save(&s, &session, $kind, None, &form).await
        }
        async fn show_h(
            State(s): State<AppState>,
            PageSession(session): PageSession,
            Path(id): Path<String>,
        ) -> Result<Html<String>, PageError> {
            detail(&s, &session, $kind, &id).await
        }
        async fn edit_h(
            State(s): State<AppState>,
            PageSession(session): PageSession,
            Path(id): Path<String>,
        ) -> Result<Html<String>, PageError> {
            let values = current_values(&s, &session, $kind, &id).await?;
            Ok(form_page(&s, &session, $kind, Some(&id), &values, &[]))
        }
        async fn update_h(
            State(s): State<AppState>,
            PageSession(session): PageSession,
            Path(id): Path<String>,
            Form(form): Form<Vec<(String, String)>>,
        ) -> Result<Response, PageError> {
            save(&s, &session, $kind, Some(&id), &form).await
        }
        $router
            .route(concat!("/", $path), get(list_h).post(create_h))
            .route(concat!("/", $path, "/new"), get(new_h))
            .route(concat!("/", $path, "/{id}"), get(show_h).post(update_h))
            .route(concat!("/", $path, "/{id}/edit"), get(edit_h))
    }};
}

pub(crate) fn router() -> Router<AppState> {
    let r = Router::new();
    let r = kind_routes!(r, Kind::Need, "needs");
    let r = kind_routes!(r, Kind::Achievement, "achievements");
    kind_routes!(r, Kind::Expert, "experts").merge(search_router())
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    result: Option<kechuang_app::search::SearchView>,
    suggest_q: String,
}

/// Percent-encodes a query-string value (UTF-8 bytes outside the unreserved set).
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<kechuang_app::search::SearchRequest>,
) -> Result<Html<String>, PageError> {
    let result = if q.q.trim().is_empty() {
        None
    } else {
        Some(s.searcher()?.search(&s.app, &session.actor, &q).await?)
    };
    Ok(Html(render(&SearchPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        q: q.q.clone(),
        kind: q.kind.clone().unwrap_or_default(),
        kinds: vec![
            ("need", "技术需求"),
            ("achievement", "科技成果"),
            ("expert", "专家"),
        ],
        suggest_q: result
            .as_ref()
            .and_then(|r| r.suggestion.as_deref())
            .map(query_value)
            .unwrap_or_default(),
        result,
    })))
}

pub(crate) fn search_router() -> Router<AppState> {
    Router::new().route("/search", get(search_page))
}
