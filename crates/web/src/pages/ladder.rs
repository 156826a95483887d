//! 梯度培育 pages: the ladder of one enterprise (我的梯度培育), the bureau's pool
//! board with alerts, and the district targets with their chart.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::ladder::{self, Alert, StoredEvaluation, TargetInput, TargetView};
use kechuang_core::date::china_datetime_of;
use kechuang_core::ids::OrgId;
use kechuang_core::ladder::pool::Stage;
use kechuang_core::ladder::{LADDER, Met, PackId, Status, TierResult};
use kechuang_core::qualification::QualificationKind;
use kechuang_store::PoolRow;
use serde::Deserialize;

/// One tier as the page shows it.
struct TierView {
    code: &'static str,
    name: &'static str,
    pack: String,
    document: &'static str,
    status: &'static str,
    status_class: &'static str,
    held: bool,
    route: String,
    score: String,
    items: Vec<(String, String, String)>,
    conditions: Vec<CondView>,
    reasons: Vec<String>,
    warnings: Vec<String>,
    stage: String,
    next_stages: Vec<(&'static str, &'static str)>,
}

struct CondView {
    name: String,
    section: String,
    actual: String,
    required: String,
    met: &'static str,
    met_class: &'static str,
    gap: String,
    note: String,
}

fn tier_view(t: &TierResult, stage: Option<Stage>) -> TierView {
    TierView {
        code: t.tier.code(),
        name: t.tier.zh(),
        pack: t.pack.code().to_string(),
        document: t.pack.document(),
        status: if t.held { "已取得" } else { t.status.zh() },
        status_class: match (t.held, t.status) {
            (true, _) | (_, Status::Eligible) => "ok",
            (_, Status::ManualReview) => "review",
            _ => "no",
        },
        held: t.held,
        route: t.route.clone().unwrap_or_default(),
        score: t
            .score
            .map(|s| {
                if s.min == s.max {
                    format!("{} 分（合格线 {}，满分 {}）", s.min, s.pass_mark, s.out_of)
                } else {
                    format!(
                        "{}—{} 分（合格线 {}，满分 {}；按悲观分判定）",
                        s.min, s.max, s.pass_mark, s.out_of
                    )
                }
            })
            .unwrap_or_default(),
        items: t
            .items
            .iter()
            .map(|i| {
                let pts = if i.min == i.max {
                    format!("{}/{}", i.min, i.out_of)
                } else {
                    format!("{}—{}/{}", i.min, i.max, i.out_of)
                };
                (i.name.clone(), pts, i.basis.clone())
            })
            .collect(),
        conditions: t
            .conditions
            .iter()
            .map(|c| CondView {
                name: c.name.clone(),
                section: c.section.clone(),
                actual: c.actual.clone().unwrap_or_else(|| "未知".into()),
                required: c.required.clone(),
                met: match c.met {
                    Met::Yes => "满足",
                    Met::No => "未满足",
                    Met::Unknown => "待核实",
                },
                met_class: match c.met {
                    Met::Yes => "ok",
                    Met::No => "no",
                    Met::Unknown => "review",
                },
                gap: c.gap.as_ref().map(|g| g.text.clone()).unwrap_or_default(),
                note: c.note.clone().unwrap_or_default(),
            })
            .collect(),
        reasons: t.review_reasons.clone(),
        warnings: t.warnings.clone(),
        stage: stage
            .map(|s| s.zh().to_string())
            .unwrap_or_else(|| "未入库".into()),
        next_stages: Stage::next(stage)
            .iter()
            .map(|s| (s.code(), s.zh()))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "ladder.html")]
struct LadderPage {
    layout: Layout,
    org_id: String,
    name: String,
    credit_code: String,
    as_of: String,
    decided_at: String,
    trigger: String,
    run_id: String,
    pinned: String,
    tiers: Vec<TierView>,
    alerts: Vec<Alert>,
    history: Vec<(String, String, String, String)>,
    packs: Vec<&'static str>,
    bureau: bool,
}

#[derive(Debug, Default, Deserialize)]
struct RunQuery {
    run: Option<String>,
}

async fn ladder_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Query(q): Query<RunQuery>,
) -> Result<Html<String>, PageError> {
    let id = OrgId(id);
    let actor = &session.actor;
    let e: StoredEvaluation = match q.run.as_deref().filter(|r| !r.is_empty()) {
        Some(run) => {
            let e = ladder::run(&s.app, actor, run).await?;
            if e.org_id != id {
                return Err(AppError::NotFound.into());
            }
            e
        }
        None => match ladder::latest(&s.app, actor, &id).await? {
            Some(e) => e,
            None => ladder::evaluate_org(&s.app, actor, &id, None, None).await?,
        },
    };
    let moves = ladder::pool_of(&s.app, actor, &id).await?;
    let stage_of = |tier: &str| {
        moves
            .iter()
            .find(|m| m.tier == tier)
            .and_then(|m| Stage::parse(&m.to_stage))
    };
    let tiers = e
        .tiers
        .iter()
        .map(|t| tier_view(t, stage_of(t.tier.code())))
        .collect();
    let alerts = ladder::alerts(&s.app, actor, s.app.today(), Some(&id)).await?;
    let history = ladder::history(&s.app, actor, &id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.run_id,
                china_datetime_of(r.created_at),
                r.as_of.to_string(),
                r.pack.unwrap_or_else(|| "现行规则".into()),
            )
        })
        .collect();
    Ok(Html(render(&LadderPage {
        layout: Layout::new(
            &s,
            Some(&session),
            if actor.is_bureau() {
                "enterprises"
            } else {
                "ladder"
            },
        ),
        org_id: id.to_string(),
        name: e.profile.name.clone(),
        credit_code: e.profile.credit_code.clone().unwrap_or_default(),
        as_of: e.as_of.to_string(),
        decided_at: china_datetime_of(e.created_at),
        trigger: e.trigger.clone(),
        run_id: e.run_id.clone(),
        pinned: e.pack.clone().unwrap_or_default(),
        tiers,
        alerts,
        history,
        packs: PackId::ALL.iter().map(|p| p.code()).collect(),
        bureau: actor.is_bureau(),
    })))
}

async fn my_ladder(PageSession(session): PageSession) -> Result<Redirect, PageError> {
    match &session.actor.org_id {
        Some(o) => Ok(Redirect::to(&format!("/enterprises/{o}/ladder"))),
        None => Ok(Redirect::to("/pool")),
    }
}

#[derive(Debug, Deserialize)]
struct EvalForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    pack: String,
}

async fn evaluate(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<EvalForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let mut errs = Vec::new();
    let date = match f.date.trim() {
        "" => None,
        d => kechuang_core::date::parse("date", d)
            .map_err(|e| errs.push(e))
            .ok(),
    };
    let pack = match f.pack.trim() {
        "" => None,
        p => PackId::parse(p).or_else(|| {
            errs.push(kechuang_core::FieldError::new("pack", "pack_unknown").with("value", p));
            None
        }),
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs).into());
    }
    let e = ladder::evaluate_org(&s.app, &session.actor, &OrgId(id.clone()), date, pack).await?;
    Ok(Redirect::to(&format!(
        "/enterprises/{id}/ladder?run={}",
        e.run_id
    )))
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    tier: String,
    stage: String,
    #[serde(default)]
    note: String,
}

async fn move_pool(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<MoveForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let tier = ladder::parse_tier(&f.tier)?;
    let stage = Stage::parse(&f.stage).ok_or_else(|| {
        AppError::invalid(
            kechuang_core::FieldError::new("stage", "pool_move_invalid").with("to", &f.stage),
        )
    })?;
    ladder::move_pool(
        &s.app,
        &session.actor,
        &OrgId(id.clone()),
        tier,
        stage,
        Some(&f.note),
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}/ladder")))
}

#[derive(Template)]
#[template(path = "pool.html")]
struct PoolPage {
    layout: Layout,
    tiers: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    tier: String,
    town: String,
    cluster: String,
    stage: String,
    max_unmet: String,
    not_held: bool,
    total: i64,
    rows: Vec<PoolRow>,
    distances: Vec<(String, Vec<(i32, i64)>)>,
    alerts: Vec<Alert>,
    towns: Vec<String>,
    clusters: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct PoolQuery {
    #[serde(default)]
    tier: String,
    #[serde(default)]
    town: String,
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    max_unmet: String,
    #[serde(default)]
    not_held: String,
    #[serde(default)]
    page: Option<i64>,
}

fn tier_zh(code: &str) -> &'static str {
    QualificationKind::from_code(code).map_or("", QualificationKind::zh)
}

fn stage_zh(code: &str) -> &'static str {
    Stage::parse(code).map_or("", Stage::zh)
}

async fn pool_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<PoolQuery>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let tier = if q.tier.is_empty() {
        "high_tech".to_string()
    } else {
        q.tier.clone()
    };
    let not_held = q.not_held != "0";
    let max_unmet = q.max_unmet.trim().parse::<i32>().ok();
    let api_q = crate::routes::ladder::PoolQueryPub {
        tier: Some(tier.clone()),
        town: Some(q.town.clone()),
        cluster: Some(q.cluster.clone()),
        stage: Some(q.stage.clone()),
        not_held: Some(not_held),
        max_unmet,
        page: q.page,
        per_page: Some(100),
    };
    let f = crate::routes::ladder::pool_filter(&api_q)?;
    let (total, rows) = ladder::pool_board(&s.app, &session.actor, f).await?;
    let mut distances: Vec<(String, Vec<(i32, i64)>)> = Vec::new();
    for (t, unmet, n) in ladder::distances(&s.app, &session.actor).await? {
        match distances.iter_mut().find(|d| d.0 == t) {
            Some(d) => d.1.push((unmet, n)),
            None => distances.push((t, vec![(unmet, n)])),
        }
    }
    distances.sort_by_key(|d| LADDER.iter().position(|t| t.code() == d.0));
    let alerts = ladder::alerts(&s.app, &session.actor, s.app.today(), None).await?;
    let mut db = s.app.store.read().await.map_err(AppError::from)?;
    let towns = db.towns().await.map_err(AppError::from)?;
    let clusters = db.clusters().await.map_err(AppError::from)?;
    Ok(Html(render(&PoolPage {
        layout: Layout::new(&s, Some(&session), "pool"),
        tiers: LADDER.iter().map(|t| (t.code(), t.zh())).collect(),
        stages: Stage::ALL.iter().map(|s| (s.code(), s.zh())).collect(),
        tier,
        town: q.town,
        cluster: q.cluster,
        stage: q.stage,
        max_unmet: q.max_unmet,
        not_held,
        total,
        rows,
        distances,
        alerts,
        towns,
        clusters,
    })))
}

#[derive(Template)]
#[template(path = "targets.html")]
struct TargetsPage {
    layout: Layout,
    targets: Vec<TargetView>,
    chart_json: String,
    tiers: Vec<(&'static str, &'static str)>,
}

async fn targets_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let targets = ladder::targets(&s.app, &session.actor, s.app.today()).await?;
    let chart: Vec<serde_json::Value> = targets
        .iter()
        .map(|t| {
            serde_json::json!({
                "id": t.target_id, "name": t.name, "target": t.target_value, "due": t.due_date,
                "forecast": t.progress.forecast,
                "days": t.history.iter().map(|h| h.0.to_string()).collect::<Vec<_>>(),
                "counts": t.history.iter().map(|h| h.1).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Html(render(&TargetsPage {
        layout: Layout::new(&s, Some(&session), "targets"),
        targets,
        chart_json: serde_json::to_string(&chart)
            .unwrap_or_else(|_| "[]".into())
            .replace("</", "<\\/"),
        tiers: [
            QualificationKind::TechEnterprise,
            QualificationKind::TechSme,
            QualificationKind::HighTech,
            QualificationKind::Srdi,
            QualificationKind::LittleGiant,
        ]
        .iter()
        .map(|t| (t.code(), t.zh()))
        .collect(),
    })))
}

#[derive(Debug, Deserialize)]
struct TargetForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    tier: String,
    baseline_date: String,
    #[serde(default)]
    target_value: String,
    #[serde(default)]
    multiple: String,
    due_date: String,
}

async fn add_target(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<TargetForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    let num = |field: &'static str, v: &str| -> Result<Option<i64>, AppError> {
        match v.trim() {
            "" => Ok(None),
            t => t.parse().map(Some).map_err(|_| {
                AppError::invalid(
                    kechuang_core::FieldError::new(field, "number_invalid").with("value", t),
                )
            }),
        }
    };
    let input = TargetInput {
        name: f.name,
        tier: f.tier,
        baseline_date: f.baseline_date,
        target_value: num("target_value", &f.target_value)?,
        multiple: num("multiple", &f.multiple)?,
        due_date: f.due_date,
    };
    ladder::add_target(&s.app, &session.actor, &input).await?;
    Ok(Redirect::to("/targets"))
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

async fn delete_target(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    ladder::delete_target(&s.app, &session.actor, &id).await?;
    Ok(Redirect::to("/targets"))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/ladder", get(my_ladder))
        .route("/enterprises/{id}/ladder", get(ladder_page).post(evaluate))
        .route("/enterprises/{id}/pool", post(move_pool))
        .route("/pool", get(pool_page))
        .route("/targets", get(targets_page).post(add_target))
        .route("/targets/{id}/delete", post(delete_target))
        .merge(facts_router())
}

/// A tri-state select: 未声明 / 是 / 否.
fn tri(v: Option<bool>) -> &'static str {
    match v {
        None => "",
        Some(true) => "1",
        Some(false) => "0",
    }
}

fn parse_tri(s: &str) -> Option<bool> {
    match s {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "facts.html")]
struct FactsPage {
    layout: Layout,
    org_id: String,
    name: String,
    bools: Vec<(&'static str, &'static str, &'static str)>,
    hte_field: String,
    hte_fields: Vec<&'static str>,
    niche_since: String,
    niche_share_pct: String,
    product_field: String,
    digital_level: String,
    dev_year: i32,
    dev_score: String,
    local_points: String,
    lists_json: String,
}

/// The 8 国家重点支持的高新技术领域 (§1.1 #3).
const HTE_FIELDS: [&str; 8] = [
    "电子信息",
    "生物与新医药",
    "航空航天",
    "新材料",
    "高技术服务",
    "新能源与节能",
    "资源与环境",
    "先进制造与自动化",
];

async fn facts_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let org_id = OrgId(id);
    let f = ladder::facts(&s.app, &session.actor, &org_id).await?;
    let p = ladder::profile_of(&s.app, &session.actor, &org_id).await?;
    let c = &f.compliance;
    let m = &f.market;
    let g = &f.management;
    let year = chrono::Datelike::year(&s.app.today());
    let lists = serde_json::json!({
        "awards": f.awards, "institutions": f.institutions, "standards": f.standards, "financing": f.financing,
    });
    Ok(Html(render(&FactsPage {
        layout: Layout::new(
            &s,
            Some(&session),
            if session.actor.is_bureau() {
                "enterprises"
            } else {
                "ladder"
            },
        ),
        org_id: org_id.to_string(),
        name: p.name,
        bools: vec![
            (
                "mainland_resident",
                "在中国境内（不含港澳台）注册的居民企业",
                tri(c.mainland_resident),
            ),
            (
                "not_restricted_industry",
                "产品和服务不属于国家禁止、限制和淘汰类",
                tri(c.not_restricted_industry),
            ),
            (
                "no_major_incident",
                "近一年未发生重大安全、重大质量事故或严重环境违法行为",
                tri(c.no_major_incident),
            ),
            (
                "good_standing",
                "未发生科研严重失信行为，未列入经营异常名录和严重违法失信企业名单",
                tri(c.good_standing),
            ),
            ("niche_top3", "细分市场占有率全国前三", tri(m.niche_top3)),
            (
                "strategic_emerging",
                "主导产品属于《战略性新兴产业分类》",
                tri(m.strategic_emerging),
            ),
            (
                "key_area_product",
                "主导产品属于核心基础零部件、关键软件等“品”的领域",
                tri(m.key_area_product),
            ),
            (
                "share_leading",
                "主导产品细分市场占有率位于全省（全国）前列",
                tri(m.share_leading),
            ),
            ("quality_award", "获得省级以上质量奖", tri(g.quality_award)),
            (
                "quality_certification",
                "通过ISO 9001等质量管理体系认证",
                tri(g.quality_certification),
            ),
            ("own_brand", "拥有自主品牌", tri(g.own_brand)),
            (
                "info_system",
                "至少一项核心业务采用信息系统支撑",
                tri(g.info_system),
            ),
        ],
        hte_field: c.hte_field.clone().unwrap_or_default(),
        hte_fields: HTE_FIELDS.to_vec(),
        niche_since: m.niche_since.map(|y| y.to_string()).unwrap_or_default(),
        niche_share_pct: m.niche_share_pct.map(|v| v.to_string()).unwrap_or_default(),
        product_field: match m.product_field {
            Some(kechuang_core::ladder::profile::ProductField::ChainKeyLink) => "chain_key_link",
            Some(kechuang_core::ladder::profile::ProductField::Foundation) => "foundation",
            Some(kechuang_core::ladder::profile::ProductField::Other) => "other",
            None => "",
        }
        .to_string(),
        digital_level: g.digital_level.map(|v| v.to_string()).unwrap_or_default(),
        dev_year: year,
        dev_score: f
            .srdi_dev_score
            .get(&year)
            .map(|v| v.to_string())
            .unwrap_or_default(),
        local_points: f
            .srdi_local_points
            .map(|v| v.to_string())
            .unwrap_or_default(),
        lists_json: serde_json::to_string_pretty(&lists).unwrap_or_default(),
    })))
}

async fn save_facts(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Redirect, PageError> {
    use kechuang_core::FieldError;
    use kechuang_core::ladder::profile::ProductField;
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    session.check_csrf(&get("_csrf"))?;
    let org_id = OrgId(id.clone());
    let mut f = ladder::facts(&s.app, &session.actor, &org_id).await?;
    let mut errs = Vec::new();
    fn num<T: std::str::FromStr>(
        errs: &mut Vec<FieldError>,
        field: &'static str,
        v: &str,
    ) -> Option<T> {
        if v.is_empty() {
            return None;
        }
        v.parse()
            .map_err(|_| errs.push(FieldError::new(field, "number_invalid").with("value", v)))
            .ok()
    }
    f.compliance.mainland_resident = parse_tri(&get("mainland_resident"));
    f.compliance.not_restricted_industry = parse_tri(&get("not_restricted_industry"));
    f.compliance.no_major_incident = parse_tri(&get("no_major_incident"));
    f.compliance.good_standing = parse_tri(&get("good_standing"));
    f.compliance.hte_field = Some(get("hte_field")).filter(|v| !v.is_empty());
    f.market.niche_top3 = parse_tri(&get("niche_top3"));
    f.market.strategic_emerging = parse_tri(&get("strategic_emerging"));
    f.market.key_area_product = parse_tri(&get("key_area_product"));
    f.market.share_leading = parse_tri(&get("share_leading"));
    f.market.niche_since = num(&mut errs, "niche_since", &get("niche_since"));
    f.market.niche_share_pct = num(&mut errs, "niche_share_pct", &get("niche_share_pct"));
    f.market.product_field = match get("product_field").as_str() {
        "chain_key_link" => Some(ProductField::ChainKeyLink),
        "foundation" => Some(ProductField::Foundation),
        "other" => Some(ProductField::Other),
        _ => None,
    };
    f.management.quality_award = parse_tri(&get("quality_award"));
    f.management.quality_certification = parse_tri(&get("quality_certification"));
    f.management.own_brand = parse_tri(&get("own_brand"));
    f.management.info_system = parse_tri(&get("info_system"));
    f.management.digital_level = num(&mut errs, "digital_level", &get("digital_level"));
    let year = chrono::Datelike::year(&s.app.today());
    match num::<u32>(&mut errs, "srdi_dev_score", &get("dev_score")) {
        Some(v) => {
            f.srdi_dev_score.insert(year, v);
        }
        None => {
            f.srdi_dev_score.remove(&year);
        }
    }
    f.srdi_local_points = num(&mut errs, "srdi_local_points", &get("local_points"));
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Lists {
        #[serde(default)]
        awards: Vec<kechuang_core::ladder::profile::Award>,
        #[serde(default)]
        institutions: Vec<kechuang_core::ladder::profile::Institution>,
        #[serde(default)]
        standards: Vec<kechuang_core::ladder::profile::StandardDrafted>,
        #[serde(default)]
        financing: Vec<kechuang_core::ladder::profile::EquityRound>,
    }
    let lists = get("lists");
    if !lists.is_empty() {
        match serde_json::from_str::<Lists>(&lists) {
            Ok(l) => {
                f.awards = l.awards;
                f.institutions = l.institutions;
                f.standards = l.standards;
                f.financing = l.financing;
            }
            Err(e) => errs.push(FieldError::new("lists", "facts_invalid").with("value", e)),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs).into());
    }
    ladder::put_facts(&s.app, &session.actor, &org_id, &f).await?;
    Ok(Redirect::to(&format!("/enterprises/{id}/ladder")))
}

pub(crate) fn facts_router() -> Router<AppState> {
    Router::new().route("/enterprises/{id}/facts", get(facts_page).post(save_facts))
}
