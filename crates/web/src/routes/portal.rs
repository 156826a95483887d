//! The portal's API: the public figures, the caller's home (attention items),
//! notifications and preferences, saved searches, and the talent registry.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use kechuang_app::ops::talent::{DemandInput, TalentInput};
use kechuang_app::ops::{home, notify, portal, saved_search, talent};
use kechuang_store::TalentFilter;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

// The JSON shapes of these routes, for the OpenAPI document. The handlers
// serialise the app's own types; `crates/web/tests/it/portal.rs` checks that
// every field a response carries is one its schema declares, and vice versa.

/// A newest record of a portal section.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalLatestDto {
    /// Title.
    pub title: String,
    /// Its page.
    pub link: String,
    /// A date (published, deadline, posted), ISO.
    pub date: String,
}

/// The public portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalDto {
    /// Figures: `[code, count]` pairs (`enterprises`, `policies`, `needs`,
    /// `achievements`, `experts`, `platforms`, `calls`, `talents`, `talent_demands`).
    #[schema(value_type = Vec<Vec<Object>>, example = json!([["enterprises", 120], ["needs", 35]]))]
    pub counts: Vec<(String, i64)>,
    /// Newest published policies.
    pub policies: Vec<PortalLatestDto>,
    /// Newest open needs.
    pub needs: Vec<PortalLatestDto>,
    /// 揭榜挂帅 calls open for applications.
    pub calls: Vec<PortalLatestDto>,
    /// Newest open talent demands.
    pub talent_demands: Vec<PortalLatestDto>,
}

/// One thing on the home page that needs attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct HomeItemDto {
    /// What (zh-CN).
    pub label: String,
    /// How many.
    pub count: i64,
    /// Where it is handled.
    pub link: String,
    /// What to do (zh-CN).
    pub hint: String,
}

/// A 揭榜挂帅 milestone due within 30 days or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDueDto {
    /// The project.
    pub project_id: String,
    /// The call's title.
    pub call_title: String,
    /// The organisation carrying the project.
    pub org_name: String,
    /// Index in the task contract (0-based).
    pub index: u32,
    /// What is due.
    pub title: String,
    /// Due date, ISO.
    pub due: String,
    /// Days until due (negative: overdue).
    pub days_left: i64,
    /// Past its due date.
    pub overdue: bool,
    /// Where it is handled.
    pub link: String,
}

/// One notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    /// Id.
    pub id: String,
    /// Kind code (`filing_submitted`, `contract_updated`, `loan_overdue`, …).
    pub kind: String,
    /// Kind, zh-CN.
    pub kind_zh: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it is handled.
    pub link: String,
    /// When, China time (`YYYY-MM-DD HH:MM`).
    pub at: String,
    /// Read already.
    pub read: bool,
}

/// The caller's home page.
#[derive(Debug, Serialize, ToSchema)]
pub struct HomeDto {
    /// The role, zh-CN.
    pub role_zh: String,
    /// Items, those with something waiting first.
    pub items: Vec<HomeItemDto>,
    /// The latest five notifications.
    pub recent: Vec<NotificationDto>,
    /// Unread notifications.
    pub unread: i64,
    /// Towns a bureau account is limited to.
    pub towns: Option<Vec<String>>,
    /// Milestones due within 30 days or overdue, earliest first.
    pub milestones: Vec<MilestoneDueDto>,
}

/// The unread count.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadDto {
    /// Unread notifications.
    pub unread: i64,
}

/// How many notifications changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedDto {
    /// Marked read now.
    pub changed: u64,
}

/// The caller's notification preferences.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrefsDto {
    /// The address e-mails go to.
    pub email: Option<String>,
    /// `[kind code, kind zh-CN, channel]` per kind; channel `in_app`, `email` or `none`.
    #[schema(example = json!([["loan_overdue", "贷款逾期未还", "email"]]))]
    pub kinds: Vec<Vec<String>>,
}

/// A saved search.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchDto {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `need`, `achievement`, `policy` or `challenge`.
    pub kind: String,
    /// Kind, zh-CN.
    pub kind_zh: String,
    /// Text.
    pub q: String,
    /// 技术领域 (policies: category) filter.
    pub field: String,
    /// The search page with this query.
    pub url: String,
}

/// Deleted.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedDto {
    /// Always true.
    pub deleted: bool,
}

/// A talent demand.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalentDemandDto {
    /// Id.
    pub demand_id: String,
    /// The enterprise.
    pub organisation_id: String,
    /// Its name.
    pub org_name: String,
    /// Its town.
    pub town: Option<String>,
    /// Post.
    pub title: String,
    /// Field.
    pub field: String,
    /// Education required (不限, 大专, 本科, 硕士, 博士).
    pub education: String,
    /// People wanted (1–1000).
    pub positions: i32,
    /// Duties and requirements.
    pub description: String,
    /// `open` or `closed`.
    pub status: String,
    /// Posted on, ISO.
    pub posted_on: String,
}

/// A talent demand as typed. Bad values are refused naming the field
/// (`title`, `field`, `education`, `positions`, `description`, `org_id`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TalentDemandRequest {
    /// The enterprise (bureau staff posting for one; ignored on change).
    pub org_id: Option<String>,
    /// Post (at most 100 characters).
    pub title: String,
    /// Field (at most 50 characters).
    pub field: String,
    /// 不限, 大专, 本科, 硕士 or 博士.
    pub education: String,
    /// People wanted, 1–1000 (text or number as text).
    pub positions: String,
    /// Duties and requirements.
    pub description: Option<String>,
}

/// A talent record.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalentRecordDto {
    /// Id.
    pub talent_id: String,
    /// Name.
    pub name: String,
    /// The enterprise the person works for.
    pub organisation_id: Option<String>,
    /// Its name.
    pub org_name: Option<String>,
    /// Its town.
    pub town: Option<String>,
    /// 领军人才, 拔尖人才, 青年英才, 博士, 硕士 or 技能人才.
    pub category: String,
    /// Field.
    pub field: String,
    /// Degree.
    pub education: String,
    /// Brought in on, ISO.
    pub introduced_on: String,
    /// Notes.
    pub note: String,
}

/// A talent record as typed. Bad values are refused naming the field (`name`,
/// `category`, `field`, `education`, `introduced_on`, `org_id`, `note`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TalentRecordRequest {
    /// The enterprise (blank: none).
    pub org_id: Option<String>,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Field.
    pub field: String,
    /// Degree.
    pub education: String,
    /// ISO date brought in.
    pub introduced_on: String,
    /// Notes.
    pub note: Option<String>,
}

/// The public portal: figures and the newest records per section.
#[utoipa::path(get, path = "/api/v1/portal", tag = "portal",
    responses((status = 200, body = PortalDto)))]
pub(crate) async fn portal_figures(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    to_json(&portal::portal(&s.app).await?)
}

/// What needs the caller's attention (the home page).
#[utoipa::path(get, path = "/api/v1/home", tag = "portal",
    responses((status = 200, body = HomeDto), (status = 401)))]
pub(crate) async fn my_home(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&home::home(&s.app, &session.actor).await?)
}

/// `unread=true` lists unread ones only.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListQuery {
    unread: bool,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "portal",
    params(("unread" = Option<bool>, Query)),
    responses((status = 200, body = [NotificationDto]), (status = 401)))]
pub(crate) async fn notifications(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&notify::list(&s.app, &session.actor, q.unread).await?)
}

/// The caller's unread count.
#[utoipa::path(get, path = "/api/v1/notifications/unread", tag = "portal",
    responses((status = 200, body = UnreadDto), (status = 401)))]
pub(crate) async fn unread(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"unread": notify::unread(&s.app, &session.actor).await?}),
    ))
}

/// Which notification to mark read (none: all).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReadRequest {
    /// The notification (absent: all of the caller's).
    id: Option<String>,
}

/// Marks one notification (or all) read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "portal",
    request_body = ReadRequest,
    responses((status = 200, body = ChangedDto), (status = 404)))]
pub(crate) async fn read(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<ReadRequest>,
) -> Result<Json<Value>, ApiError> {
    let n = notify::mark_read(&s.app, &session.actor, r.id.as_deref()).await?;
    Ok(Json(json!({"changed": n})))
}

/// The caller's preferences.
#[utoipa::path(get, path = "/api/v1/notifications/prefs", tag = "portal",
    responses((status = 200, body = PrefsDto), (status = 401)))]
pub(crate) async fn prefs(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&notify::prefs(&s.app, &session.actor).await?)
}

/// New preferences: the address and `{kind: channel}`. A bad address, kind or
/// channel is refused naming the field (`email`, `channel.<kind>`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PrefsRequest {
    /// The address (blank: none; required when any channel is `email`).
    email: String,
    /// Kind code → `in_app`, `email` or `none`.
    channels: std::collections::BTreeMap<String, String>,
}

/// Sets the caller's address and channels (`in_app`, `email`, `none`).
#[utoipa::path(put, path = "/api/v1/notifications/prefs", tag = "portal",
    request_body = PrefsRequest,
    responses((status = 200, body = PrefsDto), (status = 422)))]
pub(crate) async fn set_prefs(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<PrefsRequest>,
) -> Result<Json<Value>, ApiError> {
    let ch: Vec<(String, String)> = r.channels.into_iter().collect();
    to_json(&notify::set_prefs(&s.app, &session.actor, &r.email, &ch).await?)
}

/// The caller's saved searches.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "portal",
    responses((status = 200, body = [SavedSearchDto]), (status = 401)))]
pub(crate) async fn saved_searches(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&saved_search::list(&s.app, &session.actor).await?)
}

/// A search to save (text or field required; at most 50 per user).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SaveRequest {
    /// Name (blank: made from the query).
    name: String,
    /// `need`, `achievement`, `policy` or `challenge`.
    kind: String,
    /// Text.
    q: String,
    /// 技术领域 (policies: category).
    field: String,
}

/// Saves a search (kind: need, achievement, policy, challenge).
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "portal",
    request_body = SaveRequest,
    responses((status = 200, body = SavedSearchDto), (status = 422), (status = 409)))]
pub(crate) async fn save_search(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<SaveRequest>,
) -> Result<Json<Value>, ApiError> {
    to_json(&saved_search::create(&s.app, &session.actor, &r.name, &r.kind, &r.q, &r.field).await?)
}

/// Deletes one of the caller's saved searches.
#[utoipa::path(delete, path = "/api/v1/saved-searches/{id}", tag = "portal",
    params(("id" = String, Path)),
    responses((status = 200, body = DeletedDto), (status = 404)))]
pub(crate) async fn delete_search(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    saved_search::delete(&s.app, &session.actor, &id).await?;
    Ok(Json(json!({"deleted": true})))
}

/// Talent list filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub(crate) struct TalentQuery {
    /// Words in the post/name, field or description/note.
    q: Option<String>,
    /// Field (exact).
    field: Option<String>,
    /// Education (exact).
    education: Option<String>,
    /// Records: category; demands: `closed` for closed ones.
    category: Option<String>,
}

impl TalentQuery {
    fn filter(self) -> TalentFilter {
        TalentFilter {
            q: self.q,
            field: self.field,
            education: self.education,
            category: self.category,
            limit: 200,
            ..Default::default()
        }
    }
}

/// Talent demands (public: open ones).
#[utoipa::path(get, path = "/api/v1/talent/demands", tag = "portal",
    params(TalentQuery),
    responses((status = 200, body = [TalentDemandDto])))]
pub(crate) async fn demands(
    State(s): State<AppState>,
    Query(q): Query<TalentQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::demands(&s.app, None, q.filter()).await?)
}

/// Posts a talent demand (an enterprise for itself; bureau staff name `org_id`).
#[utoipa::path(post, path = "/api/v1/talent/demands", tag = "portal",
    request_body = TalentDemandRequest,
    responses((status = 200, body = TalentDemandDto), (status = 422), (status = 403)))]
pub(crate) async fn post_demand(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<DemandInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::post_demand(&s.app, &session.actor, &r).await?)
}

/// Talent records (bureau staff in their towns; an enterprise its own).
#[utoipa::path(get, path = "/api/v1/talent/records", tag = "portal",
    params(TalentQuery),
    responses((status = 200, body = [TalentRecordDto]), (status = 403)))]
pub(crate) async fn records(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<TalentQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::talents(&s.app, &session.actor, q.filter()).await?)
}

/// Records a person brought in (bureau staff).
#[utoipa::path(post, path = "/api/v1/talent/records", tag = "portal",
    request_body = TalentRecordRequest,
    responses((status = 200, body = TalentRecordDto), (status = 422), (status = 403)))]
pub(crate) async fn add_record(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<TalentInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::add_talent(&s.app, &session.actor, &r).await?)
}

/// Changes a talent demand (its enterprise or bureau staff in scope).
#[utoipa::path(put, path = "/api/v1/talent/demands/{id}", tag = "portal",
    params(("id" = String, Path)),
    request_body = TalentDemandRequest,
    responses((status = 200, body = TalentDemandDto), (status = 422), (status = 403), (status = 404)))]
pub(crate) async fn update_demand(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<DemandInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::update_demand(&s.app, &session.actor, &id, &r).await?)
}

/// Deletes a talent demand (its enterprise or bureau staff in scope).
#[utoipa::path(delete, path = "/api/v1/talent/demands/{id}", tag = "portal",
    params(("id" = String, Path)),
    responses((status = 200, body = DeletedDto), (status = 403), (status = 404)))]
pub(crate) async fn delete_demand(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    talent::delete_demand(&s.app, &session.actor, &id).await?;
    Ok(Json(json!({"deleted": true})))
}

/// Corrects a talent record (bureau staff in scope).
#[utoipa::path(put, path = "/api/v1/talent/records/{id}", tag = "portal",
    params(("id" = String, Path)),
    request_body = TalentRecordRequest,
    responses((status = 200, body = TalentRecordDto), (status = 422), (status = 403), (status = 404)))]
pub(crate) async fn update_record(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<TalentInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::update_talent(&s.app, &session.actor, &id, &r).await?)
}

/// Deletes a talent record (bureau staff in scope).
#[utoipa::path(delete, path = "/api/v1/talent/records/{id}", tag = "portal",
    params(("id" = String, Path)),
    responses((status = 200, body = DeletedDto), (status = 403), (status = 404)))]
pub(crate) async fn delete_record(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    talent::delete_talent(&s.app, &session.actor, &id).await?;
    Ok(Json(json!({"deleted": true})))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/portal", get(portal_figures))
        .route("/api/v1/home", get(my_home))
        .route("/api/v1/notifications", get(notifications))
        .route("/api/v1/notifications/unread", get(unread))
        .route("/api/v1/notifications/read", post(read))
        .route("/api/v1/notifications/prefs", get(prefs).put(set_prefs))
        .route(
            "/api/v1/saved-searches",
            get(saved_searches).post(save_search),
        )
        .route("/api/v1/saved-searches/{id}", delete(delete_search))
        .route("/api/v1/talent/demands", get(demands).post(post_demand))
        .route("/api/v1/talent/records", get(records).post(add_record))
        .route(
            "/api/v1/talent/demands/{id}",
            put(update_demand).delete(delete_demand),
        )
        .route(
            "/api/v1/talent/records/{id}",
            put(update_record).delete(delete_record),
        )
}
