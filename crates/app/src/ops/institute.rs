//! Research institutes (研究院): a platform of kind industry_institute or
//! new_type_rd_institution with its founding parties (the platform's partners
//! and their roles), its 专业研究院 (platforms naming it as parent), research
//! teams, targets with progress, and the hard-tech projects it incubates from lab
//! to company (`IncubationStage::may_become`), with the resulting firms and
//! their qualifications. Alliances (产业技术创新联盟) with member organisations,
//! dues years and member experts.
//!
//! Writes are a bureau administrator's; reads follow the platform's visibility
//! (`ops::platform`): the bureau and the institute's host or co-builders, or
//! anyone for an accredited institute. Alliances are visible to every user.

use super::platform::{PlatformView, is_institute_kind, visible_platform};
use crate::{Actor, App, AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::org::{OrgKind, optional_text, required_text};
use kechuang_core::platform::{IncubationStage, Target};
use kechuang_core::qualification::QualificationKind;
use kechuang_store::{
    Db, ExpertRow, MemberRow, PlatformFilter, ProjectData, ProjectRow, TargetRecord, TeamRow,
};
use rust_decimal::Decimal;
use serde_json::json;

/// Largest research team.
pub const MAX_TEAM: i32 = 10_000;
/// Member roles in rank order (others after them).
pub const ROLES: [&str; 4] = ["理事长单位", "副理事长单位", "理事单位", "会员单位"];
/// Most experts added in one call.
pub const MAX_EXPERTS: usize = 5_000;

fn date_of(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        errors.push(FieldError::new(field, "required"));
        None
    } else {
        kechuang_core::date::parse(field, s)
            .map_err(|e| errors.push(e))
            .ok()
    }
}

async fn institute_for_write(db: &mut Db, actor: &Actor, id: &str) -> AppResult<()> {
    actor.require_admin()?;
    let p = db.platform(id).await?.ok_or(AppError::NotFound)?;
    // A town-scoped administrator writes only institutes located in its towns.
    if !actor.in_scope(p.data.town.as_deref()) {
        return Err(AppError::NotFound);
    }
    if !is_institute_kind(p.data.kind) {
        return Err(FieldError::new("platform_id", "platform_not_institute").into());
    }
    Ok(())
}

/// A research team as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TeamInput {
    /// 团队名称.
    pub name: String,
    /// 负责人.
    pub lead: String,
    /// 人数.
    pub members: String,
    /// 研究方向.
    pub field: String,
}

/// Adds a research team to an institute.
pub async fn add_team(app: &App, actor: &Actor, id: &str, input: &TeamInput) -> AppResult<TeamRow> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let name = required_text("name", &input.name, 100)
        .map_err(|e| errors.push(e))
        .ok();
    let lead = required_text("lead", &input.lead, 50)
        .map_err(|e| errors.push(e))
        .ok();
    let members = match input.members.trim().parse::<i32>() {
        Ok(n) if (1..=MAX_TEAM).contains(&n) => Some(n),
        _ => {
            errors.push(FieldError::new("members", "platform_team_members").with("max", MAX_TEAM));
            None
        }
    };
    let field = optional_text("field", &input.field, 100)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let (Some(name), Some(lead), Some(members)) = (name, lead, members) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    institute_for_write(&mut tx, actor, id).await?;
    if tx.institute_teams(id).await?.iter().any(|t| t.name == name) {
        return Err(AppError::Conflict(
            FieldError::new("name", "platform_team_taken").with("value", &name),
        ));
    }
    let team = TeamRow {
        id: kechuang_store::new_id(),
        name,
        lead,
        members,
        field,
    };
    tx.insert_institute_team(id, &team, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "platform",
        id,
        "institute.team_added",
        &json!(team),
    )
    .await?;
    tx.commit().await?;
    Ok(team)
}

/// A target as typed ("100 GWh 产能", "1000 亿元 产值", "1000 人 研发人员").
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TargetInput {
    /// 指标.
    pub metric: String,
    /// 目标值.
    pub target: String,
    /// 单位.
    pub unit: String,
    /// 实际值.
    pub actual: String,
    /// 截至日期.
    pub as_of: String,
}

fn decimal(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty() {
        return Some(Decimal::ZERO);
    }
    t.parse::<Decimal>()
        .map_err(|_| errors.push(FieldError::new(field, "number_invalid").with("value", t)))
        .ok()
}

/// Sets an institute's target and its actual value (the same metric again
/// replaces it).
pub async fn set_target(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &TargetInput,
) -> AppResult<TargetView> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let target = decimal("target", &input.target, &mut errors);
    let actual = decimal("actual", &input.actual, &mut errors);
    let unit = required_text("unit", &input.unit, 20)
        .map_err(|e| errors.push(e))
        .ok();
    let as_of = date_of("as_of", &input.as_of, &mut errors);
    let (Some(target), Some(actual), Some(unit), Some(as_of)) = (target, actual, unit, as_of)
    else {
        return Err(AppError::Invalid(errors));
    };
    let t = Target {
        metric: input.metric.trim().to_string(),
        target,
        unit,
        actual,
    };
    if let Err(e) = t.validate("") {
        errors.push(FieldError {
            field: e.field.trim_start_matches('.').to_string(),
            ..e
        });
    }
    if t.metric.chars().count() > 50 {
        errors.push(FieldError::new("metric", "too_long").with("max", 50));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    institute_for_write(&mut tx, actor, id).await?;
    let rec = TargetRecord {
        metric: t.metric.clone(),
        target: t.target.to_string(),
        unit: t.unit.clone(),
        actual: t.actual.to_string(),
        as_of,
    };
    tx.upsert_institute_target(id, &rec).await?;
    tx.append_event(
        &actor.tag(),
        "platform",
        id,
        "institute.target_set",
        &json!({"metric": rec.metric, "target": rec.target, "unit": rec.unit,
                "actual": rec.actual, "as_of": as_of}),
    )
    .await?;
    tx.commit().await?;
    TargetView::of(rec)
}

/// A target with its progress.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetView {
    /// Metric.
    pub metric: String,
    /// Target.
    pub target: String,
    /// Unit.
    pub unit: String,
    /// Actual.
    pub actual: String,
    /// As of.
    pub as_of: NaiveDate,
    /// Progress, percent (one decimal; over 100 shows).
    pub progress_pct: String,
    /// For a progress bar: 0–100.
    pub bar_pct: i64,
}

impl TargetView {
    fn of(r: TargetRecord) -> AppResult<TargetView> {
        let dec = |s: &str| {
            s.parse::<Decimal>()
                .map_err(|_| AppError::Internal(anyhow::anyhow!("institute_target {s:?}")))
        };
        let t = Target {
            target: dec(&r.target)?,
            actual: dec(&r.actual)?,
            metric: r.metric,
            unit: r.unit,
        };
        let pct = t.progress_pct();
        let bar = pct
            .round()
            .to_string()
            .parse::<i64>()
            .unwrap_or(0)
            .clamp(0, 100);
        let mut shown = pct;
        shown.rescale(1);
        Ok(TargetView {
            progress_pct: shown.to_string(),
            bar_pct: bar,
            metric: t.metric,
            target: t.target.normalize().to_string(),
            unit: t.unit,
            actual: t.actual.normalize().to_string(),
            as_of: r.as_of,
        })
    }
}

/// An incubated project as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProjectInput {
    /// 项目名称.
    pub name: String,
    /// 技术领域.
    pub field: String,
    /// 当前阶段 (default laboratory).
    pub stage: String,
    /// 团队.
    pub team: String,
    /// 获得经费（分）.
    pub funding_fen: i64,
    /// 入孵日期.
    pub started_on: String,
    /// 注册成立的企业.
    pub firm_org_id: String,
}

async fn firm_of(db: &mut Db, s: &str, errors: &mut Vec<FieldError>) -> AppResult<Option<OrgId>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let id = OrgId(s.to_string());
    match db.organisation(&id).await? {
        Some(o) if o.org.kind == OrgKind::Enterprise => Ok(Some(id)),
        Some(_) => {
            errors.push(FieldError::new(
                "firm_org_id",
                "platform_firm_not_enterprise",
            ));
            Ok(None)
        }
        None => {
            errors.push(FieldError::new("firm_org_id", "platform_org_unknown").with("value", s));
            Ok(None)
        }
    }
}

/// Adds an incubated project to an institute. A project entered at a stage
/// with a company names the firm; the stages before it are taken as entered on
/// the start date.
pub async fn add_project(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ProjectInput,
) -> AppResult<ProjectView> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let name = required_text("name", &input.name, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let field = optional_text("field", &input.field, 100)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let team = optional_text("team", &input.team, 500)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let stage = match input.stage.trim() {
        "" => Some(IncubationStage::Laboratory),
        s => IncubationStage::parse(s).or_else(|| {
            errors.push(FieldError::new("stage", "platform_stage_invalid").with("value", s));
            None
        }),
    };
    if input.funding_fen < 0 {
        errors.push(
            FieldError::new("funding_fen", "value_negative").with("value", input.funding_fen),
        );
    }
    let started_on = date_of("started_on", &input.started_on, &mut errors);
    let mut tx = app.store.begin().await?;
    institute_for_write(&mut tx, actor, id).await?;
    let firm = firm_of(&mut tx, &input.firm_org_id, &mut errors).await?;
    if let Some(s) = stage
        && s.has_company()
        && firm.is_none()
        && !errors.iter().any(|e| e.field == "firm_org_id")
    {
        errors.push(
            FieldError::new("firm_org_id", "platform_firm_required").with("stage", s.label()),
        );
    }
    let (Some(name), Some(stage), Some(started_on)) = (name, stage, started_on) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if tx
        .incubated_projects(Some(id), None)
        .await?
        .iter()
        .any(|p| p.data.name == name)
    {
        return Err(AppError::Conflict(
            FieldError::new("name", "platform_project_taken").with("value", &name),
        ));
    }
    let data = ProjectData {
        platform_id: id.to_string(),
        name,
        field,
        stage,
        team,
        funding_fen: input.funding_fen,
        started_on,
        firm_org_id: firm,
    };
    let stages: Vec<(IncubationStage, NaiveDate)> = if stage == IncubationStage::Stopped {
        vec![
            (IncubationStage::Laboratory, started_on),
            (IncubationStage::Stopped, started_on),
        ]
    } else {
        IncubationStage::ALL
            .into_iter()
            .filter(|s| *s != IncubationStage::Stopped && *s <= stage)
            .filter(|s| *s == IncubationStage::Laboratory || *s == stage)
            .map(|s| (s, started_on))
            .collect()
    };
    let pid = kechuang_store::new_id();
    tx.insert_incubated_project(&pid, &data, &stages, app.now())
        .await?;
    tx.append_event(
        &actor.tag(),
        "incubated_project",
        &pid,
        "incubation.added",
        &json!({"platform_id": id, "name": data.name, "stage": stage.as_str(),
                "funding_fen": data.funding_fen, "started_on": started_on, "firm_org_id": data.firm_org_id}),
    )
    .await?;
    let p = tx
        .incubated_projects(None, Some(&pid))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(ProjectView::of(p))
}

/// A stage move as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MoveInput {
    /// The stage to move to.
    pub stage: String,
    /// The day.
    pub on: String,
    /// The resulting firm (required from 已注册公司 on, unless already linked).
    pub firm_org_id: String,
    /// Funding received in total, fen (unchanged when absent).
    pub funding_fen: Option<i64>,
}

/// Moves an incubated project forward (or stops it); backwards or after
/// graduation is a field error and writes nothing.
pub async fn move_project(
    app: &App,
    actor: &Actor,
    project_id: &str,
    input: &MoveInput,
) -> AppResult<ProjectView> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let to = IncubationStage::parse(input.stage.trim());
    if to.is_none() {
        errors.push(
            FieldError::new("stage", "platform_stage_invalid").with("value", input.stage.trim()),
        );
    }
    let on = date_of("on", &input.on, &mut errors);
    if input.funding_fen.is_some_and(|f| f < 0) {
        errors.push(
            FieldError::new("funding_fen", "value_negative")
                .with("value", input.funding_fen.unwrap_or(0)),
        );
    }
    let mut tx = app.store.begin().await?;
    let p = tx
        .incubated_projects(None, Some(project_id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    institute_for_write(&mut tx, actor, &p.data.platform_id).await?;
    let new_firm = firm_of(&mut tx, &input.firm_org_id, &mut errors).await?;
    let (Some(to), Some(on)) = (to, on) else {
        return Err(AppError::Invalid(errors));
    };
    if !p.data.stage.may_become(to) {
        errors.push(
            FieldError::new("stage", "platform_stage_not_allowed")
                .with("from", p.data.stage.label())
                .with("to", to.label()),
        );
    }
    let last = p
        .stages
        .iter()
        .map(|s| s.1)
        .max()
        .unwrap_or(p.data.started_on);
    if on < last {
        errors.push(
            FieldError::new("on", "platform_date_order")
                .with("value", on)
                .with("min", last),
        );
    }
    let firm = new_firm.or(p.data.firm_org_id.clone());
    if to.has_company() && firm.is_none() && !errors.iter().any(|e| e.field == "firm_org_id") {
        errors.push(
            FieldError::new("firm_org_id", "platform_firm_required").with("stage", to.label()),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let funding = input.funding_fen.unwrap_or(p.data.funding_fen);
    tx.move_incubated_project(project_id, to, on, firm.as_ref(), funding, app.now())
        .await?;
    tx.append_event(
        &actor.tag(),
        "incubated_project",
        project_id,
        "incubation.moved",
        &json!({"from": p.data.stage.as_str(), "to": to.as_str(), "on": on,
                "firm_org_id": firm, "funding_fen": funding}),
    )
    .await?;
    let p = tx
        .incubated_projects(None, Some(project_id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(ProjectView::of(p))
}

/// An incubated project as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectView {
    /// Id.
    pub id: String,
    /// Institute.
    pub platform_id: String,
    /// Name.
    pub name: String,
    /// Field.
    pub field: Option<String>,
    /// Stage code.
    pub stage: &'static str,
    /// Stage, zh-CN.
    pub stage_zh: &'static str,
    /// Team.
    pub team: Option<String>,
    /// Funding, fen.
    pub funding_fen: i64,
    /// Funding, 万元.
    pub funding_wan: String,
    /// Entered on.
    pub started_on: NaiveDate,
    /// Resulting firm.
    pub firm_org_id: Option<String>,
    /// Its name.
    pub firm_name: Option<String>,
    /// Stages with the day entered.
    pub stages: Vec<(String, NaiveDate)>,
}

impl ProjectView {
    fn of(p: ProjectRow) -> ProjectView {
        ProjectView {
            id: p.id,
            platform_id: p.data.platform_id,
            name: p.data.name,
            field: p.data.field,
            stage: p.data.stage.as_str(),
            stage_zh: p.data.stage.label(),
            team: p.data.team,
            funding_fen: p.data.funding_fen,
            funding_wan: kechuang_core::money::Money::from_fen(p.data.funding_fen)
                .to_wan()
                .to_string(),
            started_on: p.data.started_on,
            firm_org_id: p.data.firm_org_id.map(|o| o.to_string()),
            firm_name: p.firm_name,
            stages: p
                .stages
                .into_iter()
                .map(|(s, d)| (s.label().to_string(), d))
                .collect(),
        }
    }
}

/// Projects at one stage.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageGroup {
    /// Stage code.
    pub stage: &'static str,
    /// Stage, zh-CN.
    pub stage_zh: &'static str,
    /// Its projects.
    pub projects: Vec<ProjectView>,
}

/// A qualification of a resulting firm.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FirmQualification {
    /// Kind code.
    pub kind: String,
    /// Kind, zh-CN.
    pub kind_zh: String,
    /// Recognised on.
    pub recognized_on: NaiveDate,
    /// Valid until.
    pub valid_until: Option<NaiveDate>,
    /// Valid on the day asked.
    pub valid: bool,
}

/// A firm that came out of the institute.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ResultingFirm {
    /// Organisation.
    pub org_id: String,
    /// Name.
    pub name: String,
    /// The project it came from.
    pub project: String,
    /// Its qualifications (高企, 科技型企业, 专精特新 …).
    pub qualifications: Vec<FirmQualification>,
}

/// An institute page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InstituteView {
    /// The platform.
    pub platform: PlatformView,
    /// Its 总院, if a 专业研究院.
    pub parent: Option<PlatformView>,
    /// Its 专业研究院.
    pub children: Vec<PlatformView>,
    /// Research teams.
    pub teams: Vec<TeamRow>,
    /// Researchers in the teams.
    pub researchers: i64,
    /// Targets with progress.
    pub targets: Vec<TargetView>,
    /// Incubated projects.
    pub projects_total: i64,
    /// Funding of the projects, 万元.
    pub funding_wan: String,
    /// The projects by stage (in stage order, empty stages left out).
    pub by_stage: Vec<StageGroup>,
    /// Resulting firms with their qualifications.
    pub firms: Vec<ResultingFirm>,
}

/// An institute with its teams, targets, projects and resulting firms.
pub async fn institute(app: &App, actor: &Actor, id: &str) -> AppResult<InstituteView> {
    let mut db = app.store.read().await?;
    let (row, platform) = visible_platform(&mut db, actor, id).await?;
    if !is_institute_kind(row.data.kind) {
        return Err(AppError::NotFound);
    }
    let parent = match &row.data.parent_id {
        Some(p) => match visible_platform(&mut db, actor, p).await {
            Ok((_, v)) => Some(v),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let (_, kids) = db
        .list_platforms(&PlatformFilter {
            parent: Some(id.to_string()),
            ..PlatformFilter::default()
        })
        .await?;
    let mut children = Vec::new();
    for k in kids {
        let partners: Vec<_> = db
            .platform_partners(std::slice::from_ref(&k.id))
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        if let Some(full) = super::platform::access(actor, &k, &partners) {
            children.push(PlatformView::of(k, full));
        }
    }
    let teams = db.institute_teams(id).await?;
    let researchers = teams.iter().map(|t| i64::from(t.members)).sum();
    let targets = db
        .institute_targets(id)
        .await?
        .into_iter()
        .map(TargetView::of)
        .collect::<AppResult<_>>()?;
    let projects = db.incubated_projects(Some(id), None).await?;
    let funding: i64 = projects.iter().map(|p| p.data.funding_fen).sum();
    let firm_ids: Vec<OrgId> = projects
        .iter()
        .filter_map(|p| p.data.firm_org_id.clone())
        .collect();
    let quals = db.qualification_kinds_of_many(&firm_ids).await?;
    let today = app.today();
    let mut firms: Vec<ResultingFirm> = Vec::new();
    for p in &projects {
        let (Some(org), Some(name)) = (&p.data.firm_org_id, &p.firm_name) else {
            continue;
        };
        firms.push(ResultingFirm {
            org_id: org.to_string(),
            name: name.clone(),
            project: p.data.name.clone(),
            qualifications: quals
                .iter()
                .filter(|q| q.0 == *org)
                .map(|(_, k, from, until)| {
                    let kind = QualificationKind::from_code(k);
                    FirmQualification {
                        kind: k.clone(),
                        kind_zh: kind.map_or_else(|| k.clone(), |k| k.zh().to_string()),
                        recognized_on: *from,
                        valid_until: *until,
                        valid: *from <= today && until.is_none_or(|u| u >= today),
                    }
                })
                .collect(),
        });
    }
    let mut by_stage = Vec::new();
    for s in IncubationStage::ALL {
        let ps: Vec<ProjectView> = projects
            .iter()
            .filter(|p| p.data.stage == s)
            .cloned()
            .map(ProjectView::of)
            .collect();
        if !ps.is_empty() {
            by_stage.push(StageGroup {
                stage: s.as_str(),
                stage_zh: s.label(),
                projects: ps,
            });
        }
    }
    Ok(InstituteView {
        platform,
        parent,
        children,
        teams,
        researchers,
        targets,
        projects_total: projects.len() as i64,
        funding_wan: kechuang_core::money::Money::from_fen(funding)
            .to_wan()
            .to_string(),
        by_stage,
        firms,
    })
}

/// An alliance as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AllianceInput {
    /// 联盟名称.
    pub name: String,
    /// 牵头单位.
    pub lead_org_id: String,
    /// 成立日期.
    pub founded_on: String,
    /// 领域.
    pub field: String,
}

/// An alliance as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AllianceView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Lead organisation.
    pub lead_org_id: String,
    /// Its name.
    pub lead_name: String,
    /// Founded on.
    pub founded_on: NaiveDate,
    /// Field.
    pub field: Option<String>,
    /// Member organisations.
    pub members: i64,
    /// Member experts.
    pub experts: i64,
}

impl From<kechuang_store::AllianceRow> for AllianceView {
    fn from(a: kechuang_store::AllianceRow) -> Self {
        AllianceView {
            id: a.id,
            name: a.name,
            lead_org_id: a.lead_org_id.to_string(),
            lead_name: a.lead_name,
            founded_on: a.founded_on,
            field: a.field,
            members: a.members,
            experts: a.experts,
        }
    }
}

async fn org_exists(
    db: &mut Db,
    field: &str,
    s: &str,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<OrgId>> {
    let s = s.trim();
    if s.is_empty() {
        errors.push(FieldError::new(field, "required"));
        return Ok(None);
    }
    let id = OrgId(s.to_string());
    if db.organisation(&id).await?.is_some() {
        Ok(Some(id))
    } else {
        errors.push(FieldError::new(field, "platform_org_unknown").with("value", s));
        Ok(None)
    }
}

/// Creates an alliance (a bureau administrator).
pub async fn create_alliance(
    app: &App,
    actor: &Actor,
    input: &AllianceInput,
) -> AppResult<AllianceView> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let name = required_text("name", &input.name, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let founded = date_of("founded_on", &input.founded_on, &mut errors);
    let field = optional_text("field", &input.field, 100)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let mut tx = app.store.begin().await?;
    let lead = org_exists(&mut tx, "lead_org_id", &input.lead_org_id, &mut errors).await?;
    let (Some(name), Some(founded), Some(lead)) = (name, founded, lead) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    if tx.alliances(None).await?.iter().any(|a| a.name == name) {
        return Err(AppError::Conflict(
            FieldError::new("name", "platform_alliance_taken").with("value", &name),
        ));
    }
    let id = kechuang_store::new_id();
    tx.insert_alliance(&id, &name, &lead, founded, field.as_deref(), app.now())
        .await?;
    tx.append_event(
        &actor.tag(),
        "alliance",
        &id,
        "alliance.created",
        &json!({"name": name, "lead_org_id": lead, "founded_on": founded, "field": field}),
    )
    .await?;
    let a = tx
        .alliances(Some(&id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(a.into())
}

/// A member organisation as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MemberInput {
    /// 成员单位.
    pub org_id: String,
    /// 角色 (理事长单位, 副理事长单位, 理事单位, 会员单位; default 会员单位).
    pub role: String,
    /// 入盟日期.
    pub joined_on: String,
    /// 已缴会费年度, e.g. "2022,2023".
    pub dues_years: String,
}

/// Adds a member organisation (or replaces its role, date and dues years).
pub async fn add_member(
    app: &App,
    actor: &Actor,
    alliance_id: &str,
    input: &MemberInput,
) -> AppResult<MemberRow> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let joined = date_of("joined_on", &input.joined_on, &mut errors);
    let max = chrono::Datelike::year(&app.today()) + 1;
    let mut years = Vec::new();
    for y in input
        .dues_years
        .split([',', '，', ' '])
        .filter(|s| !s.trim().is_empty())
    {
        match y.trim().parse::<i32>() {
            Ok(v) if (2000..=max).contains(&v) => years.push(v),
            _ => errors.push(
                FieldError::new("dues_years", "platform_dues_year")
                    .with("value", y.trim())
                    .with("min", 2000)
                    .with("max", max),
            ),
        }
    }
    years.sort_unstable();
    years.dedup();
    let role = match input.role.trim() {
        "" => "会员单位".to_string(),
        r if r.chars().count() <= 30 => r.to_string(),
        _ => {
            errors.push(FieldError::new("role", "too_long").with("max", 30));
            String::new()
        }
    };
    let mut tx = app.store.begin().await?;
    if tx.alliances(Some(alliance_id)).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    let org = org_exists(&mut tx, "org_id", &input.org_id, &mut errors).await?;
    let (Some(org), Some(joined)) = (org, joined) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    tx.upsert_alliance_member(alliance_id, &org, &role, joined, &years)
        .await?;
    tx.append_event(
        &actor.tag(),
        "alliance",
        alliance_id,
        "alliance.member",
        &json!({"org_id": org, "role": role, "joined_on": joined, "dues_years": years}),
    )
    .await?;
    let m = tx
        .alliance_members(alliance_id)
        .await?
        .into_iter()
        .find(|m| m.org_id == org)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(m)
}

/// A member expert as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExpertInput {
    /// 姓名.
    pub name: String,
    /// 工作单位.
    pub affiliation: String,
    /// 职称.
    pub title: String,
    /// 专业领域.
    pub field: String,
    /// 角色 (default 会员专家).
    pub role: String,
    /// 入盟日期.
    pub joined_on: String,
}

/// Adds member experts in bulk (up to [`MAX_EXPERTS`] per call, all or none);
/// one event for the batch. Returns how many.
pub async fn add_experts(
    app: &App,
    actor: &Actor,
    alliance_id: &str,
    input: &[ExpertInput],
) -> AppResult<usize> {
    actor.require_admin()?;
    if input.is_empty() || input.len() > MAX_EXPERTS {
        return Err(FieldError::new("experts", "platform_experts_count")
            .with("max", MAX_EXPERTS)
            .into());
    }
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(input.len());
    for (i, e) in input.iter().enumerate() {
        let f = |s: &str| format!("experts[{i}].{s}");
        let before = errors.len();
        let name = required_text(&f("name"), &e.name, 50)
            .map_err(|x| errors.push(x))
            .ok();
        let aff = required_text(&f("affiliation"), &e.affiliation, 200)
            .map_err(|x| errors.push(x))
            .ok();
        let title = optional_text(&f("title"), &e.title, 50)
            .map_err(|x| errors.push(x))
            .ok()
            .flatten();
        let field = optional_text(&f("field"), &e.field, 100)
            .map_err(|x| errors.push(x))
            .ok()
            .flatten();
        let joined = date_of(&f("joined_on"), &e.joined_on, &mut errors);
        if errors.len() > 100 {
            break;
        }
        if let (Some(name), Some(affiliation), Some(joined_on)) = (name, aff, joined)
            && errors.len() == before
        {
            rows.push(ExpertRow {
                id: kechuang_store::new_id(),
                name,
                affiliation,
                title,
                field,
                role: if e.role.trim().is_empty() {
                    "会员专家".into()
                } else {
                    e.role.trim().chars().take(30).collect()
                },
                joined_on,
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    if tx.alliances(Some(alliance_id)).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    tx.insert_alliance_experts(alliance_id, &rows).await?;
    tx.append_event(
        &actor.tag(),
        "alliance",
        alliance_id,
        "alliance.experts_added",
        &json!({"count": rows.len(), "first": rows.first().map(|r| &r.id), "last": rows.last().map(|r| &r.id)}),
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Every alliance with its counts.
pub async fn alliances(app: &App, _actor: &Actor) -> AppResult<Vec<AllianceView>> {
    let mut db = app.store.read().await?;
    Ok(db
        .alliances(None)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// An alliance page: members, and one page of experts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AllianceDetail {
    /// The alliance.
    pub alliance: AllianceView,
    /// Member organisations.
    pub members: Vec<MemberRow>,
    /// Members by role.
    pub members_by_role: Vec<(String, i64)>,
    /// This page of experts.
    pub experts: Vec<ExpertRow>,
    /// Page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// One alliance with its members and a page of its experts.
pub async fn alliance(
    app: &App,
    _actor: &Actor,
    id: &str,
    page: i64,
    per_page: i64,
) -> AppResult<AllianceDetail> {
    let mut db = app.store.read().await?;
    let a = db
        .alliances(Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let members = db.alliance_members(id).await?;
    let mut by_role: Vec<(String, i64)> = Vec::new();
    for m in &members {
        match by_role.iter_mut().find(|(r, _)| *r == m.role) {
            Some(x) => x.1 += 1,
            None => by_role.push((m.role.clone(), 1)),
        }
    }
    by_role.sort_by_key(|(r, _)| ROLES.iter().position(|x| x == r).unwrap_or(ROLES.len()));
    let per_page = if per_page <= 0 { 50 } else { per_page.min(500) };
    let page = page.max(1);
    let experts = db
        .alliance_experts(id, per_page, (page - 1) * per_page)
        .await?;
    Ok(AllianceDetail {
        alliance: a.into(),
        members,
        members_by_role: by_role,
        experts,
        page,
        per_page,
    })
}
