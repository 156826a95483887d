//! The registry of innovation platforms (创新平台): key laboratories, engineering
//! centres, enterprise technology centres, new-type R&D institutions, industry
//! institutes, workstations, incubators, maker spaces …
//!
//! A bureau administrator creates and edits platforms, moves their status
//! (`PlatformStatus::may_become`: under construction → accredited → revoked) and
//! records yearly evaluations; two failed evaluations in a row flag the platform
//! "revocation due". Bureau staff see every platform; an organisation sees the
//! platforms it hosts or co-builds in full; everyone else sees accredited
//! platforms only, and only their name, kind, level, host and town. Anything else
//! is 404.
//!
//! Platform levels feed indicator #23 (研发机构级别): [`institution_levels`] gives
//! each organisation the best accredited R&D institution it hosts or co-builds
//! on a day (`kechuang_core::platform::institution_level`); the ladder takes the
//! maximum of that and the filing's value.

use crate::{Actor, App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::InstitutionLevel;
use kechuang_core::org::{optional_text, required_text};
use kechuang_core::platform::{
    EvaluationGrade, PlatformFact, PlatformKind, PlatformStatus, institution_level, revocation_due,
};
use kechuang_store::{
    Db, EvaluationRow, PartnerRow, PlatformData, PlatformFilter, PlatformRow, StoreError,
};
use serde_json::json;
use std::collections::BTreeMap;

/// Most partners of one platform.
pub const MAX_PARTNERS: usize = 20;

/// Stable code of a level.
pub fn level_code(l: InstitutionLevel) -> &'static str {
    match l {
        InstitutionLevel::None => "none",
        InstitutionLevel::BelowMunicipal => "below_municipal",
        InstitutionLevel::Municipal => "municipal",
        InstitutionLevel::Provincial => "provincial",
        InstitutionLevel::National => "national",
    }
}

/// Parses a level: its code, its zh-CN name or its number 1–4 (never "none").
pub fn parse_level(s: &str) -> Option<InstitutionLevel> {
    let t = s.trim();
    [
        InstitutionLevel::BelowMunicipal,
        InstitutionLevel::Municipal,
        InstitutionLevel::Provincial,
        InstitutionLevel::National,
    ]
    .into_iter()
    .find(|l| level_code(*l) == t)
    .or_else(|| InstitutionLevel::parse(t))
    .filter(|l| *l != InstitutionLevel::None)
}

/// A co-builder as typed: a registry organisation (`org_id`) or a named party.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PartnerInput {
    /// Name (defaults to the organisation's).
    pub name: String,
    /// Registry organisation id, if any.
    pub org_id: String,
    /// Role (共建单位 by default).
    pub role: String,
}

/// A platform as typed (API body or form).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlatformInput {
    /// 名称.
    pub name: String,
    /// 类型: code or zh-CN name.
    pub kind: String,
    /// 级别: national / provincial / municipal / below_municipal or zh-CN.
    pub level: String,
    /// 依托单位.
    pub host_org_id: String,
    /// 状态 (default under_construction).
    pub status: String,
    /// 批准（建设）日期.
    pub approved_on: String,
    /// 认定日期.
    pub accredited_on: String,
    /// 撤销日期.
    pub revoked_on: String,
    /// 所属镇街 (default: the host's).
    pub town: String,
    /// 产业集群 (default: the host's).
    pub cluster: String,
    /// 技术领域.
    pub field: String,
    /// 总院 (for a 专业研究院).
    pub parent_id: String,
    /// 备注.
    pub note: String,
    /// 共建单位.
    pub partners: Vec<PartnerInput>,
}

fn opt_date(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        None
    } else {
        kechuang_core::date::parse(field, s)
            .map_err(|e| errors.push(e))
            .ok()
    }
}

impl PlatformInput {
    /// Checks everything that needs no database; the host, partners and parent
    /// are checked by the caller. Town and cluster stay as typed (maybe empty).
    pub fn parse(&self) -> Result<(PlatformData, Vec<PartnerRow>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text("name", &self.name, 200)
            .map_err(|e| errors.push(e))
            .ok();
        let kind = PlatformKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(if self.kind.trim().is_empty() {
                FieldError::new("kind", "required")
            } else {
                FieldError::new("kind", "platform_kind_invalid").with("value", self.kind.trim())
            });
        }
        let level = parse_level(&self.level);
        if level.is_none() {
            errors.push(if self.level.trim().is_empty() {
                FieldError::new("level", "required")
            } else {
                FieldError::new("level", "platform_level_invalid").with("value", self.level.trim())
            });
        }
        let status = if self.status.trim().is_empty() {
            Some(PlatformStatus::UnderConstruction)
        } else {
            PlatformStatus::parse(self.status.trim()).or_else(|| {
                PlatformStatus::ALL
                    .into_iter()
                    .find(|s| s.label() == self.status.trim())
            })
        };
        if status.is_none() {
            errors.push(
                FieldError::new("status", "platform_status_invalid")
                    .with("value", self.status.trim()),
            );
        }
        if self.host_org_id.trim().is_empty() {
            errors.push(FieldError::new("host_org_id", "required"));
        }
        let approved_on = if self.approved_on.trim().is_empty() {
            errors.push(FieldError::new("approved_on", "required"));
            None
        } else {
            opt_date("approved_on", &self.approved_on, &mut errors)
        };
        let accredited_on = opt_date("accredited_on", &self.accredited_on, &mut errors);
        let revoked_on = opt_date("revoked_on", &self.revoked_on, &mut errors);
        let mut text = |field: &str, s: &str, max: usize| {
            optional_text(field, s, max)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let town = text("town", &self.town, 50);
        let cluster = text("cluster", &self.cluster, 50);
        let field = text("field", &self.field, 100);
        let note = text("note", &self.note, 1000);
        let parent_id = text("parent_id", &self.parent_id, 64);
        if let Some(status) = status {
            let need = |errors: &mut Vec<FieldError>,
                        field: &str,
                        v: Option<NaiveDate>,
                        want: bool| {
                match (v.is_some(), want) {
                    (false, true) => errors.push(
                        FieldError::new(field, "platform_date_required")
                            .with("status", status.label()),
                    ),
                    (true, false) => errors.push(
                        FieldError::new(field, "platform_date_unexpected")
                            .with("status", status.label()),
                    ),
                    _ => {}
                }
            };
            let (acc, rev) = match status {
                PlatformStatus::UnderConstruction => (Some(false), false),
                PlatformStatus::Accredited => (Some(true), false),
                // A revoked platform may or may not have been accredited first.
                PlatformStatus::Revoked => (None, true),
            };
            if let Some(acc) = acc
                && (self.accredited_on.trim().is_empty() || accredited_on.is_some())
            {
                need(&mut errors, "accredited_on", accredited_on, acc);
            }
            if self.revoked_on.trim().is_empty() || revoked_on.is_some() {
                need(&mut errors, "revoked_on", revoked_on, rev);
            }
        }
        if let Some(a) = approved_on {
            for (field, d) in [("accredited_on", accredited_on), ("revoked_on", revoked_on)] {
                if let Some(d) = d
                    && d < a
                {
                    errors.push(
                        FieldError::new(field, "platform_date_order")
                            .with("value", d)
                            .with("min", a),
                    );
                }
            }
        }
        if let (Some(a), Some(r)) = (accredited_on, revoked_on)
            && r < a
        {
            errors.push(
                FieldError::new("revoked_on", "platform_date_order")
                    .with("value", r)
                    .with("min", a),
            );
        }
        let mut partners = Vec::new();
        if self.partners.len() > MAX_PARTNERS {
            errors.push(FieldError::new("partners", "too_long").with("max", MAX_PARTNERS));
        }
        for (i, p) in self.partners.iter().take(MAX_PARTNERS).enumerate() {
            let org = p.org_id.trim();
            let name = p.name.trim();
            if org.is_empty() && name.is_empty() {
                errors.push(FieldError::new(format!("partners[{i}].name"), "required"));
                continue;
            }
            if name.chars().count() > 200 || p.role.chars().count() > 50 {
                errors.push(
                    FieldError::new(format!("partners[{i}].name"), "too_long").with("max", 200),
                );
                continue;
            }
            partners.push(PartnerRow {
                name: name.to_string(),
                org_id: (!org.is_empty()).then(|| OrgId(org.to_string())),
                role: if p.role.trim().is_empty() {
                    "共建单位".to_string()
                } else {
                    p.role.trim().to_string()
                },
            });
        }
        match (name, kind, level, status, approved_on) {
            (Some(name), Some(kind), Some(level), Some(status), Some(approved_on))
                if errors.is_empty() =>
            {
                Ok((
                    PlatformData {
                        name,
                        kind,
                        level,
                        host_org_id: OrgId(self.host_org_id.trim().to_string()),
                        status,
                        approved_on,
                        accredited_on,
                        revoked_on,
                        town,
                        cluster,
                        field,
                        parent_id,
                        note,
                    },
                    partners,
                ))
            }
            _ => Err(errors),
        }
    }
}

/// A partner as shown.
pub type PartnerView = PartnerRow;

/// An evaluation as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EvaluationView {
    /// Year.
    pub year: i32,
    /// Grade code.
    pub grade: &'static str,
    /// Grade, zh-CN.
    pub grade_zh: &'static str,
    /// Note.
    pub note: Option<String>,
}

/// A platform as shown. The public view (another organisation's accredited
/// platform) leaves out the dates of approval, partners, evaluations and note.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlatformView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: &'static str,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Whether the kind counts as an R&D institution (indicator #23).
    pub rd_institution: bool,
    /// Whether the platform is a research institute (has teams, targets, projects).
    pub institute: bool,
    /// Level code.
    pub level: &'static str,
    /// Level, zh-CN.
    pub level_zh: &'static str,
    /// Host.
    pub host_org_id: String,
    /// Host's name.
    pub host_name: String,
    /// Status code.
    pub status: &'static str,
    /// Status, zh-CN.
    pub status_zh: &'static str,
    /// Approved on (full view only).
    pub approved_on: Option<NaiveDate>,
    /// Accredited on.
    pub accredited_on: Option<NaiveDate>,
    /// Revoked on (full view only).
    pub revoked_on: Option<NaiveDate>,
    /// Town.
    pub town: Option<String>,
    /// Cluster.
    pub cluster: Option<String>,
    /// Field.
    pub field: Option<String>,
    /// 总院.
    pub parent_id: Option<String>,
    /// Note (full view only).
    pub note: Option<String>,
    /// Co-builders (full view; an institute's founding parties also in the public view).
    pub partners: Vec<PartnerView>,
    /// Yearly evaluations, oldest first (full view only).
    pub evaluations: Vec<EvaluationView>,
    /// The last two evaluations failed: the platform should be revoked.
    pub revocation_due: bool,
    /// Whether this is the full view.
    pub full: bool,
}

/// Whether a kind is a research institute (teams, targets, incubated projects).
pub fn is_institute_kind(k: PlatformKind) -> bool {
    matches!(
        k,
        PlatformKind::IndustryInstitute | PlatformKind::NewTypeRdInstitution
    )
}

impl PlatformView {
    pub(crate) fn of(r: PlatformRow, full: bool) -> PlatformView {
        let d = r.data;
        PlatformView {
            id: r.id,
            name: d.name,
            kind: d.kind.as_str(),
            kind_zh: d.kind.label(),
            rd_institution: d.kind.is_rd_institution(),
            institute: is_institute_kind(d.kind),
            level: level_code(d.level),
            level_zh: d.level.zh(),
            host_org_id: d.host_org_id.to_string(),
            host_name: r.host_name,
            status: d.status.as_str(),
            status_zh: d.status.label(),
            approved_on: full.then_some(d.approved_on),
            accredited_on: d.accredited_on,
            revoked_on: if full { d.revoked_on } else { None },
            town: d.town,
            cluster: d.cluster,
            field: d.field,
            parent_id: d.parent_id,
            note: if full { d.note } else { None },
            partners: Vec::new(),
            evaluations: Vec::new(),
            revocation_due: false,
            full,
        }
    }

    fn with_evaluations(mut self, evals: Vec<EvaluationRow>) -> Self {
        let grades: Vec<EvaluationGrade> = evals.iter().map(|e| e.grade).collect();
        self.revocation_due =
            self.status != PlatformStatus::Revoked.as_str() && revocation_due(&grades);
        self.evaluations = evals
            .into_iter()
            .map(|e| EvaluationView {
                year: e.year,
                grade: e.grade.as_str(),
                grade_zh: e.grade.label(),
                note: e.note,
            })
            .collect();
        self
    }
}

/// How much of a platform an actor sees: `Some(true)` in full, `Some(false)` the
/// public view, `None` nothing (404).
pub(crate) fn access(actor: &Actor, r: &PlatformRow, partners: &[PartnerRow]) -> Option<bool> {
    if actor.is_bureau() {
        // A town-scoped bureau user sees only the platforms located in its towns.
        return actor.in_scope(r.data.town.as_deref()).then_some(true);
    }
    if let Some(org) = &actor.org_id
        && (r.data.host_org_id == *org || partners.iter().any(|p| p.org_id.as_ref() == Some(org)))
    {
        return Some(true);
    }
    (r.data.status == PlatformStatus::Accredited).then_some(false)
}

/// Loads a platform the actor may see, with its partners and (full view) its
/// evaluations.
pub(crate) async fn visible_platform(
    db: &mut Db,
    actor: &Actor,
    id: &str,
) -> AppResult<(PlatformRow, PlatformView)> {
    let row = db.platform(id).await?.ok_or(AppError::NotFound)?;
    let partners: Vec<PartnerRow> = db
        .platform_partners(&[id.to_string()])
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let full = access(actor, &row, &partners).ok_or(AppError::NotFound)?;
    let mut view = PlatformView::of(row.clone(), full);
    if full {
        view = view.with_evaluations(db.platform_evaluations(id).await?);
    }
    if full || is_institute_kind(row.data.kind) {
        view.partners = partners;
    }
    Ok((row, view))
}

/// Which platforms to list.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Kind (code or zh-CN).
    pub kind: String,
    /// Level.
    pub level: String,
    /// Status (bureau and `mine` only; the public list is accredited platforms).
    pub status: String,
    /// Town.
    pub town: String,
    /// Name contains.
    pub q: String,
    /// Only the platforms of the actor's organisation (hosted or co-built).
    pub mine: bool,
    /// Page (from 1).
    pub page: i64,
    /// Page size (≤ 500, default 50).
    pub per_page: i64,
}

/// One cell of the kind × level table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CountCell {
    /// Kind code.
    pub kind: &'static str,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Level code.
    pub level: &'static str,
    /// Level, zh-CN.
    pub level_zh: &'static str,
    /// Platforms.
    pub count: i64,
}

/// A page of platforms with the counts by kind and level of all that match.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PlatformList {
    /// Matching platforms.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// This page.
    pub items: Vec<PlatformView>,
    /// Counts by kind × level of every match.
    pub counts: Vec<CountCell>,
}

fn filter_of(actor: &Actor, q: &ListQuery) -> AppResult<PlatformFilter> {
    let mut errors = Vec::new();
    let kind = match q.kind.trim() {
        "" => None,
        k => PlatformKind::parse(k).or_else(|| {
            errors.push(FieldError::new("kind", "platform_kind_invalid").with("value", k));
            None
        }),
    };
    let level = match q.level.trim() {
        "" => None,
        l => parse_level(l).or_else(|| {
            errors.push(FieldError::new("level", "platform_level_invalid").with("value", l));
            None
        }),
    };
    let status = match q.status.trim() {
        "" => None,
        s => PlatformStatus::parse(s).or_else(|| {
            errors.push(FieldError::new("status", "platform_status_invalid").with("value", s));
            None
        }),
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let per_page = if q.per_page <= 0 {
        50
    } else {
        q.per_page.min(500)
    };
    let page = q.page.max(1);
    let mut f = PlatformFilter {
        kind,
        level,
        status,
        town: Some(q.town.trim().to_string()).filter(|t| !t.is_empty()),
        q: Some(q.q.trim().to_string()).filter(|t| !t.is_empty()),
        limit: per_page,
        offset: (page - 1) * per_page,
        ..PlatformFilter::default()
    };
    if actor.is_bureau() {
        f.towns.clone_from(&actor.towns);
    }
    if q.mine || !actor.is_bureau() {
        match (&actor.org_id, q.mine) {
            (Some(org), true) => f.org = Some(org.clone()),
            (None, true) => f.org = Some(OrgId(String::new())),
            // The public list: accredited platforms only.
            (_, false) => f.status = Some(PlatformStatus::Accredited),
        }
    }
    Ok(f)
}

/// Lists platforms: bureau staff every platform (filters by kind, level, status,
/// town); others the accredited ones, or with `mine` their own.
pub async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<PlatformList> {
    let f = filter_of(actor, q)?;
    let mut db = app.store.read().await?;
    let (total, rows) = db.list_platforms(&f).await?;
    let counts = db
        .platform_counts(&f)
        .await?
        .into_iter()
        .map(|(k, l, n)| CountCell {
            kind: k.as_str(),
            kind_zh: k.label(),
            level: level_code(l),
            level_zh: l.zh(),
            count: n,
        })
        .collect();
    // Listed in full only to the bureau and for the actor's own platforms.
    let full = actor.is_bureau() || q.mine;
    Ok(PlatformList {
        total,
        page: f.offset / f.limit.max(1) + 1,
        per_page: f.limit,
        items: rows
            .into_iter()
            .map(|r| PlatformView::of(r, full))
            .collect(),
        counts,
    })
}

/// One platform with its evaluation history.
pub async fn detail(app: &App, actor: &Actor, id: &str) -> AppResult<PlatformView> {
    let mut db = app.store.read().await?;
    Ok(visible_platform(&mut db, actor, id).await?.1)
}

fn conflict_of(e: StoreError) -> AppError {
    match &e {
        StoreError::Conflict { constraint }
            if constraint == "platform_name_key"
                || constraint.starts_with("unique(platform.name") =>
        {
            AppError::Conflict(FieldError::new("name", "platform_name_taken"))
        }
        StoreError::Conflict { constraint } if constraint == "foreign_key" => {
            AppError::invalid(FieldError::new("host_org_id", "platform_org_unknown"))
        }
        _ => e.into(),
    }
}

/// Checks what needs the database (host, partners, parent, unique name) and fills
/// town and cluster from the host.
async fn complete(
    db: &mut Db,
    id: Option<&str>,
    data: &mut PlatformData,
    partners: &mut [PartnerRow],
) -> AppResult<()> {
    let mut errors = Vec::new();
    match db.organisation(&data.host_org_id).await? {
        Some(host) => {
            if data.town.is_none() {
                data.town = host.org.town.clone();
            }
            if data.cluster.is_none() {
                data.cluster = host.org.cluster.clone();
            }
        }
        None => errors.push(
            FieldError::new("host_org_id", "platform_org_unknown")
                .with("value", data.host_org_id.as_str()),
        ),
    }
    for (i, p) in partners.iter_mut().enumerate() {
        if let Some(org) = &p.org_id {
            match db.organisation(org).await? {
                Some(o) => {
                    if p.name.is_empty() {
                        p.name = o.org.name.clone();
                    }
                }
                None => errors.push(
                    FieldError::new(format!("partners[{i}].org_id"), "platform_org_unknown")
                        .with("value", org.as_str()),
                ),
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, p) in partners.iter().enumerate() {
        if !seen.insert(p.name.clone()) {
            errors.push(
                FieldError::new(format!("partners[{i}].name"), "choice_invalid")
                    .with("value", &p.name),
            );
        }
    }
    if let Some(parent) = &data.parent_id {
        let ok = match db.platform(parent).await? {
            Some(p) => is_institute_kind(p.data.kind) && Some(parent.as_str()) != id,
            None => false,
        };
        if !ok || !is_institute_kind(data.kind) {
            errors.push(FieldError::new("parent_id", "platform_parent_invalid"));
        }
    }
    if let Some(other) = db.platform_id_by_name(&data.name).await?
        && Some(other.as_str()) != id
    {
        if errors.is_empty() {
            return Err(AppError::Conflict(
                FieldError::new("name", "platform_name_taken").with("value", &data.name),
            ));
        }
        errors.push(FieldError::new("name", "platform_name_taken").with("value", &data.name));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn platform_json(id: &str, d: &PlatformData, partners: &[PartnerRow]) -> serde_json::Value {
    json!({
        "platform_id": id, "name": d.name, "kind": d.kind.as_str(), "level": d.level as i64,
        "host_org_id": d.host_org_id, "status": d.status.as_str(), "approved_on": d.approved_on,
        "accredited_on": d.accredited_on, "revoked_on": d.revoked_on, "town": d.town,
        "cluster": d.cluster, "field": d.field, "parent_id": d.parent_id,
        "partners": partners,
    })
}

/// Appends an `organisation` event for the host and each registry co-builder, so
/// the ladder's event feed re-evaluates them (their indicator #23 level may change).
async fn touch_orgs(
    db: &mut Db,
    actor: &Actor,
    id: &str,
    data: &PlatformData,
    partners: &[PartnerRow],
    kind: &str,
) -> AppResult<()> {
    let mut orgs: Vec<&OrgId> = vec![&data.host_org_id];
    orgs.extend(partners.iter().filter_map(|p| p.org_id.as_ref()));
    orgs.sort();
    orgs.dedup();
    for o in orgs {
        db.append_event(
            &actor.tag(),
            "organisation",
            o.as_str(),
            kind,
            &json!({"platform_id": id, "status": data.status.as_str(), "level": data.level as i64}),
        )
        .await?;
    }
    Ok(())
}

/// A town-scoped bureau user writes only platforms located in its towns.
fn in_scope(actor: &Actor, data: &PlatformData) -> AppResult<()> {
    if actor.in_scope(data.town.as_deref()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            FieldError::new("town", "town_scope")
                .with("value", data.town.clone().unwrap_or_default()),
        ))
    }
}

/// Creates a platform (a bureau administrator).
pub async fn create(app: &App, actor: &Actor, input: &PlatformInput) -> AppResult<PlatformView> {
    actor.require_admin()?;
    let (mut data, mut partners) = input.parse()?;
    let mut tx = app.store.begin().await?;
    complete(&mut tx, None, &mut data, &mut partners).await?;
    in_scope(actor, &data)?;
    let id = kechuang_store::new_id();
    tx.insert_platform(&id, &data, &partners, app.now())
        .await
        .map_err(conflict_of)?;
    tx.append_event(
        &actor.tag(),
        "platform",
        &id,
        "platform.created",
        &platform_json(&id, &data, &partners),
    )
    .await?;
    touch_orgs(&mut tx, actor, &id, &data, &partners, "platform.linked").await?;
    let (_, view) = visible_platform(&mut tx, actor, &id).await?;
    tx.commit().await?;
    Ok(view)
}

/// Replaces a platform's attributes (a bureau administrator). A change of status
/// must be a move `may_become` allows.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &PlatformInput,
) -> AppResult<PlatformView> {
    actor.require_admin()?;
    let (mut data, mut partners) = input.parse()?;
    let mut tx = app.store.begin().await?;
    let old = tx.platform(id).await?.ok_or(AppError::NotFound)?;
    if !actor.in_scope(old.data.town.as_deref()) {
        return Err(AppError::NotFound);
    }
    if old.data.status != data.status && !old.data.status.may_become(data.status) {
        return Err(status_refused(old.data.status, data.status).into());
    }
    complete(&mut tx, Some(id), &mut data, &mut partners).await?;
    in_scope(actor, &data)?;
    tx.update_platform(id, &data, &partners, app.now())
        .await
        .map_err(conflict_of)?;
    tx.append_event(
        &actor.tag(),
        "platform",
        id,
        "platform.updated",
        &platform_json(id, &data, &partners),
    )
    .await?;
    touch_orgs(&mut tx, actor, id, &data, &partners, "platform.linked").await?;
    let (_, view) = visible_platform(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(view)
}

fn status_refused(from: PlatformStatus, to: PlatformStatus) -> FieldError {
    FieldError::new("status", "platform_status_not_allowed")
        .with("from", from.label())
        .with("to", to.label())
}

/// A status move as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StatusInput {
    /// accredited / revoked.
    pub status: String,
    /// The day (认定 or 撤销 date).
    pub on: String,
}

/// Moves a platform's status (a bureau administrator): accredits it or revokes it
/// on a day. A move `may_become` refuses, or a day before the platform's earlier
/// dates, is a field error and writes nothing.
pub async fn move_status(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &StatusInput,
) -> AppResult<PlatformView> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let to = PlatformStatus::parse(input.status.trim());
    if to.is_none() {
        errors.push(
            FieldError::new("status", "platform_status_invalid").with("value", input.status.trim()),
        );
    }
    let on = if input.on.trim().is_empty() {
        errors.push(FieldError::new("on", "required"));
        None
    } else {
        opt_date("on", &input.on, &mut errors)
    };
    let (Some(to), Some(on)) = (to, on) else {
        return Err(AppError::Invalid(errors));
    };
    let mut tx = app.store.begin().await?;
    let old = tx.platform(id).await?.ok_or(AppError::NotFound)?;
    if !old.data.status.may_become(to) {
        return Err(status_refused(old.data.status, to).into());
    }
    let min = old.data.accredited_on.unwrap_or(old.data.approved_on);
    if on < min {
        return Err(FieldError::new("on", "platform_date_order")
            .with("value", on)
            .with("min", min)
            .into());
    }
    tx.set_platform_status(id, to, on, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "platform",
        id,
        "platform.status",
        &json!({"from": old.data.status.as_str(), "to": to.as_str(), "on": on}),
    )
    .await?;
    let partners: Vec<PartnerRow> = tx
        .platform_partners(&[id.to_string()])
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let mut data = old.data.clone();
    data.status = to;
    touch_orgs(&mut tx, actor, id, &data, &partners, "platform.linked").await?;
    let (_, view) = visible_platform(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(view)
}

/// A yearly evaluation as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EvaluationInput {
    /// Year evaluated.
    pub year: String,
    /// 优秀 / 良好 / 合格 / 不合格 (or excellent / good / pass / fail).
    pub grade: String,
    /// Note.
    pub note: String,
}

/// Records a yearly evaluation (a bureau administrator); one per year. The answer
/// carries `revocation_due` when the last two evaluations failed.
pub async fn evaluate(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &EvaluationInput,
) -> AppResult<PlatformView> {
    actor.require_admin()?;
    let mut errors = Vec::new();
    let max = app.today().year();
    let year = match input.year.trim().parse::<i32>() {
        Ok(y) if (2000..=max).contains(&y) => Some(y),
        _ => {
            errors.push(
                FieldError::new("year", "platform_evaluation_year")
                    .with("min", 2000)
                    .with("max", max),
            );
            None
        }
    };
    let grade = EvaluationGrade::parse(&input.grade);
    if grade.is_none() {
        errors.push(
            FieldError::new("grade", "platform_grade_invalid").with("value", input.grade.trim()),
        );
    }
    let note = optional_text("note", &input.note, 500)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let (Some(year), Some(grade)) = (year, grade) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = app.store.begin().await?;
    let p = tx.platform(id).await?.ok_or(AppError::NotFound)?;
    if p.data.status == PlatformStatus::Revoked {
        return Err(FieldError::new("status", "platform_evaluation_revoked").into());
    }
    let existing = tx.platform_evaluations(id).await?;
    if existing.iter().any(|e| e.year == year) {
        return Err(AppError::Conflict(
            FieldError::new("year", "platform_evaluation_exists").with("year", year),
        ));
    }
    let row = EvaluationRow { year, grade, note };
    tx.insert_platform_evaluation(id, &row, app.now()).await?;
    let mut grades: Vec<(i32, EvaluationGrade)> =
        existing.iter().map(|e| (e.year, e.grade)).collect();
    grades.push((year, grade));
    grades.sort();
    let due = revocation_due(&grades.iter().map(|g| g.1).collect::<Vec<_>>());
    tx.append_event(
        &actor.tag(),
        "platform",
        id,
        "platform.evaluated",
        &json!({"year": year, "grade": grade.as_str(), "note": row.note, "revocation_due": due}),
    )
    .await?;
    let (_, view) = visible_platform(&mut tx, actor, id).await?;
    tx.commit().await?;
    Ok(view)
}

/// The indicator #23 level each organisation takes from the platforms it hosts or
/// co-builds on `on` (organisations without an accredited R&D institution are
/// left out). `orgs`: only these.
pub async fn institution_levels_in(
    db: &mut Db,
    orgs: Option<&[OrgId]>,
    on: NaiveDate,
) -> AppResult<BTreeMap<OrgId, InstitutionLevel>> {
    let mut by_org: BTreeMap<OrgId, Vec<PlatformFact>> = BTreeMap::new();
    for (org, fact) in db.platform_facts(orgs).await? {
        by_org.entry(org).or_default().push(fact);
    }
    Ok(by_org
        .into_iter()
        .map(|(org, facts)| (org, institution_level(&facts, on)))
        .filter(|(_, l)| *l != InstitutionLevel::None)
        .collect())
}

/// The indicator #23 level (研发机构级别) of every organisation from its accredited
/// R&D-institution platforms on `on`; for the ladder and the credit evaluation.
pub async fn institution_levels(
    app: &App,
    on: NaiveDate,
) -> AppResult<BTreeMap<OrgId, InstitutionLevel>> {
    let mut db = app.store.read().await?;
    institution_levels_in(&mut db, None, on).await
}

/// The platform figures of the district report.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct PlatformFigures {
    /// Platforms existing on the report's last day: approved (under construction
    /// or accredited) on or before it and not revoked on or before it.
    pub total: i64,
    /// The same by kind code.
    pub by_kind: BTreeMap<String, i64>,
    /// The same by level code.
    pub by_level: BTreeMap<String, i64>,
}

/// Incubated projects in the report.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct IncubatedFigures {
    /// Projects that had entered an institute by the report's last day.
    pub total: i64,
}

/// The report's platform figures on `on`.
pub async fn report_figures(
    db: &mut Db,
    on: NaiveDate,
) -> AppResult<(PlatformFigures, IncubatedFigures)> {
    let mut f = PlatformFigures::default();
    for (k, l, n) in db.platform_counts_on(on).await? {
        f.total += n;
        *f.by_kind.entry(k.as_str().to_string()).or_default() += n;
        *f.by_level.entry(level_code(l).to_string()).or_default() += n;
    }
    let incubated = IncubatedFigures {
        total: db.count_incubated_projects_on(on).await?,
    };
    Ok((f, incubated))
}

/// The report's sentence: "全区已建成各类创新平台182个（国家级…），…孵化硬科技项目53个。".
pub fn report_sentence(p: &PlatformFigures, i: &IncubatedFigures) -> String {
    if p.total == 0 && i.total == 0 {
        return String::new();
    }
    let mut levels = Vec::new();
    for l in [
        InstitutionLevel::National,
        InstitutionLevel::Provincial,
        InstitutionLevel::Municipal,
        InstitutionLevel::BelowMunicipal,
    ] {
        if let Some(n) = p.by_level.get(level_code(l)).filter(|n| **n > 0) {
            levels.push(format!("{}{n}个", l.zh()));
        }
    }
    let mut s = format!("全区已建成各类创新平台{}个", p.total);
    if !levels.is_empty() {
        s.push_str(&format!("（{}）", levels.join("、")));
    }
    if i.total > 0 {
        s.push_str(&format!("，各研究院累计孵化硬科技项目{}个", i.total));
    }
    s.push('。');
    s
}

/// [`institution_levels`] for bureau staff over the API: `on` (default today) →
/// organisation id → level code.
pub async fn levels(
    app: &App,
    actor: &Actor,
    on: &str,
) -> AppResult<BTreeMap<String, &'static str>> {
    actor.require_bureau()?;
    let on = if on.trim().is_empty() {
        app.today()
    } else {
        kechuang_core::date::parse("on", on)?
    };
    Ok(institution_levels(app, on)
        .await?
        .into_iter()
        .map(|(o, l)| (o.to_string(), level_code(l)))
        .collect())
}
