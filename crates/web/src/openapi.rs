//! The OpenAPI document, served at `/api/openapi.json`.

use crate::dto::*;
use crate::routes::{auth, filings, io, ladder, matchmaking, mm_import, orgs, search};
use axum::Json;
use utoipa::OpenApi;

/// Every API path and schema.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "kechuang API",
        description = "区科技创新服务平台 JSON API. Log in with POST /api/v1/session; send the session cookie with X-CSRF-Token on unsafe requests, or Authorization: Bearer <token>. Errors: {code, message, fields: [{field, code, params, message}]}."
    ),
    paths(
        auth::login,
        auth::logout,
        auth::me,
        auth::create_user,
        orgs::indicators,
        orgs::list,
        orgs::create,
        orgs::profile,
        orgs::update,
        orgs::indicator_table,
        orgs::qualifications,
        orgs::add_qualification,
        orgs::remove_qualification,
        orgs::ip_list,
        orgs::ip_add,
        orgs::ip_update,
        filings::list,
        filings::save,
        filings::versions,
        filings::submit,
        filings::approve,
        filings::return_filing,
        filings::queue,
        io::import_file,
        io::registry_xlsx,
        io::registry_csv,
        io::template,
        io::district,
        io::dashboard_figures,
        ladder::latest,
        ladder::evaluate,
        ladder::history,
        ladder::run,
        ladder::evaluate_profile,
        ladder::facts,
        ladder::put_facts,
        ladder::pool,
        ladder::move_pool,
        ladder::pool_moves,
        ladder::alerts,
        ladder::targets,
        ladder::add_target,
        ladder::delete_target,
        matchmaking::needs,
        matchmaking::create_need,
        matchmaking::need,
        matchmaking::update_need,
        matchmaking::achievements,
        matchmaking::create_achievement,
        matchmaking::achievement,
        matchmaking::update_achievement,
        matchmaking::experts,
        matchmaking::create_expert,
        matchmaking::expert,
        matchmaking::update_expert,
        mm_import::import_file,
        mm_import::template_file,
        search::search,
        search::matches,
    ),
    components(schemas(
        UserDto,
        LoginRequest,
        LoginResponse,
        OrgDto,
        OrgPageDto,
        QualificationDto,
        IpDto,
        FilingDto,
        IndicatorRowDto,
        CellDto,
        IndicatorTableDto,
        ProfileDto,
        IndicatorDto,
        FilingRequest,
        ReviewRequest,
        ReviewItemDto,
        IdDto
    ))
)]
pub struct ApiDoc;

pub(crate) async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
