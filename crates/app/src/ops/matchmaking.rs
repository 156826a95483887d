//! Matchmaking records: enterprises post technology needs; universities,
//! institutes and enterprises post achievements and experts. Every logged-in
//! user may read them (the district's matchmaking board); the owner organisation
//! and bureau staff (within their towns) may write them. Every change is an event
//! (entities `need`, `achievement`, `expert`), which the search index follows.

use super::visible_org;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::{
    Achievement, AchievementInput, Expert, ExpertInput, Need, NeedInput, NeedStatus,
};
use kechuang_core::money::Money;
use kechuang_core::org::OrgKind;
use kechuang_store::{Db, MatchFilter, Stored, StoredNeed};
use serde_json::json;

/// A code with its zh-CN name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Choice {
    /// Stable code.
    pub code: &'static str,
    /// zh-CN name.
    pub zh: &'static str,
}

fn wan(m: Option<Money>) -> Option<String> {
    m.map(|m| m.wan_2dp().to_string())
}

/// A need as the API and pages show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NeedView {
    /// Id.
    pub id: String,
    /// Owner.
    pub org_id: String,
    /// Owner's name.
    pub org_name: String,
    /// 需求名称.
    pub title: String,
    /// 需求描述.
    pub description: Option<String>,
    /// 目标技术指标.
    pub indicators: Option<String>,
    /// 拟解决的问题.
    pub problem: Option<String>,
    /// 现有基础.
    pub basis: Option<String>,
    /// 预算, 万元 with 2 decimals.
    pub budget_wan: Option<String>,
    /// 合作方式.
    pub modes: Vec<Choice>,
    /// 技术领域.
    pub field: Option<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// 截止日期.
    pub deadline: Option<chrono::NaiveDate>,
    /// Status.
    pub status: Choice,
    /// Unix µs.
    pub updated_at: i64,
}

impl From<StoredNeed> for NeedView {
    fn from(s: StoredNeed) -> Self {
        let (n, status) = s.record;
        NeedView {
            id: s.id,
            org_id: s.org_id.to_string(),
            org_name: s.org_name,
            title: n.title,
            description: n.description,
            indicators: n.indicators,
            problem: n.problem,
            basis: n.basis,
            budget_wan: wan(n.budget),
            modes: n
                .modes
                .iter()
                .map(|m| Choice {
                    code: m.code(),
                    zh: m.zh(),
                })
                .collect(),
            field: n.field,
            keywords: n.keywords,
            deadline: n.deadline,
            status: Choice {
                code: status.code(),
                zh: status.zh(),
            },
            updated_at: s.updated_at,
        }
    }
}

/// An achievement as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AchievementView {
    /// Id.
    pub id: String,
    /// Owner.
    pub org_id: String,
    /// Owner's name.
    pub org_name: String,
    /// 成果名称.
    pub title: String,
    /// 成果简介.
    pub summary: Option<String>,
    /// 完成人.
    pub inventors: Vec<String>,
    /// 技术领域.
    pub field: Option<String>,
    /// 成果形式.
    pub form: Option<Choice>,
    /// 成熟度.
    pub maturity: Option<Choice>,
    /// 转化方式.
    pub transfer_modes: Vec<Choice>,
    /// 参考价格, 万元 (`None` = 面议).
    pub price_wan: Option<String>,
    /// 关键词.
    pub keywords: Vec<String>,
    /// Unix µs.
    pub updated_at: i64,
}

impl From<Stored<Achievement>> for AchievementView {
    fn from(s: Stored<Achievement>) -> Self {
        let a = s.record;
        AchievementView {
            id: s.id,
            org_id: s.org_id.to_string(),
            org_name: s.org_name,
            title: a.title,
            summary: a.summary,
            inventors: a.inventors,
            field: a.field,
            form: a.form.map(|f| Choice {
                code: f.code(),
                zh: f.zh(),
            }),
            maturity: a.maturity.map(|m| Choice {
                code: m.code(),
                zh: m.zh(),
            }),
            transfer_modes: a
                .transfer_modes
                .iter()
                .map(|m| Choice {
                    code: m.code(),
                    zh: m.zh(),
                })
                .collect(),
            price_wan: wan(a.price),
            keywords: a.keywords,
            updated_at: s.updated_at,
        }
    }
}

/// An expert as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExpertView {
    /// Id.
    pub id: String,
    /// Organisation.
    pub org_id: String,
    /// Organisation's name.
    pub org_name: String,
    /// The record.
    #[serde(flatten)]
    pub expert: Expert,
    /// Unix µs.
    pub updated_at: i64,
}

impl From<Stored<Expert>> for ExpertView {
    fn from(s: Stored<Expert>) -> Self {
        ExpertView {
            id: s.id,
            org_id: s.org_id.to_string(),
            org_name: s.org_name,
            expert: s.record,
            updated_at: s.updated_at,
        }
    }
}

/// A page of records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listing<T> {
    /// Matching records.
    pub total: i64,
    /// This page.
    pub items: Vec<T>,
}

/// List query.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Owner organisation id.
    pub org: String,
    /// Text in the title (name for experts).
    pub q: String,
    /// Field.
    pub field: String,
    /// Need status code.
    pub status: String,
    /// Page (from 1).
    pub page: i64,
    /// Page size (1–200, default 20).
    pub per_page: i64,
}

impl ListQuery {
    fn filter(&self) -> AppResult<MatchFilter> {
        let nz = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let status = match nz(&self.status) {
            Some(s) => Some(NeedStatus::parse(&s).ok_or_else(|| {
                AppError::invalid(FieldError::new("status", "choice_invalid").with("value", s))
            })?),
            None => None,
        };
        let limit = if self.per_page <= 0 {
            20
        } else {
            self.per_page.min(200)
        };
        Ok(MatchFilter {
            org_id: nz(&self.org).map(OrgId),
            q: nz(&self.q),
            field: nz(&self.field),
            status,
            limit,
            offset: (self.page.max(1) - 1) * limit,
        })
    }
}

/// The organisation a record is written for: the actor's own, or for bureau
/// staff the one named (visible to them). `kinds` are the organisation kinds
/// that may own such a record.
async fn owner(
    db: &mut Db,
    actor: &Actor,
    named: Option<&str>,
    kinds: &[OrgKind],
) -> AppResult<OrgId> {
    let id = match (
        actor.is_bureau(),
        named.map(str::trim).filter(|s| !s.is_empty()),
    ) {
        (true, Some(n)) => OrgId(n.to_string()),
        (true, None) => return Err(AppError::invalid(FieldError::new("org_id", "required"))),
        (false, _) => actor.org_id.clone().ok_or(AppError::Forbidden)?,
    };
    let org = visible_org(db, actor, &id).await?;
    if !kinds.contains(&org.org.kind) {
        return Err(AppError::invalid(
            FieldError::new("org_id", "org_kind_invalid").with("value", org.org.kind.zh()),
        ));
    }
    Ok(id)
}

/// Whether the actor may change a record owned by `org`.
async fn may_write(db: &mut Db, actor: &Actor, org: &OrgId) -> AppResult<()> {
    if actor.is_bureau() {
        visible_org(db, actor, org).await.map(|_| ())
    } else if actor.org_id.as_ref() == Some(org) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Posts a technology need (an enterprise for itself; bureau staff for a named one).
pub async fn create_need(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    input: &NeedInput,
) -> AppResult<NeedView> {
    let need = input.parse().map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let org = owner(&mut tx, actor, org, &[OrgKind::Enterprise]).await?;
    let id = kechuang_store::new_id();
    tx.insert_need(&id, &org, &need, NeedStatus::Open, app.now(), &actor.tag())
        .await?;
    tx.append_event(
        &actor.tag(),
        "need",
        &id,
        "need.created",
        &need_json(&org, &need, NeedStatus::Open),
    )
    .await?;
    let view = tx.need(&id).await?.ok_or(AppError::NotFound)?.into();
    tx.commit().await?;
    Ok(view)
}

pub(crate) fn need_json(org: &OrgId, n: &Need, status: NeedStatus) -> serde_json::Value {
    json!({"org_id": org, "title": n.title, "modes": n.modes, "field": n.field, "budget_fen": n.budget.map(Money::fen),
           "keywords": n.keywords, "deadline": n.deadline, "status": status.code()})
}

/// Changes a need (its owner or bureau staff); `status` empty keeps the status.
pub async fn update_need(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &NeedInput,
    status: &str,
) -> AppResult<NeedView> {
    let mut tx = app.store.begin().await?;
    let current = tx.need(id).await?.ok_or(AppError::NotFound)?;
    may_write(&mut tx, actor, &current.org_id).await?;
    let mut errs = Vec::new();
    let need = input.parse().map_err(|e| errs.extend(e)).ok();
    let status = if status.trim().is_empty() {
        Some(current.record.1)
    } else {
        let s = NeedStatus::parse(status);
        if s.is_none() {
            errs.push(FieldError::new("status", "choice_invalid").with("value", status.trim()));
        }
        s
    };
    let (Some(need), Some(status), true) = (need, status, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    if (need.clone(), status) != current.record {
        tx.update_need(id, &need, status, app.now()).await?;
        tx.append_event(
            &actor.tag(),
            "need",
            id,
            "need.updated",
            &need_json(&current.org_id, &need, status),
        )
        .await?;
    }
    let view = tx.need(id).await?.ok_or(AppError::NotFound)?.into();
    tx.commit().await?;
    Ok(view)
}

/// One need.
pub async fn need(app: &App, _actor: &Actor, id: &str) -> AppResult<NeedView> {
    let mut db = app.store.read().await?;
    Ok(db.need(id).await?.ok_or(AppError::NotFound)?.into())
}

/// Needs, newest first.
pub async fn needs(app: &App, _actor: &Actor, q: &ListQuery) -> AppResult<Listing<NeedView>> {
    let f = q.filter()?;
    let mut db = app.store.read().await?;
    let (total, rows) = db.needs(&f).await?;
    Ok(Listing {
        total,
        items: rows.into_iter().map(Into::into).collect(),
    })
}

const ACHIEVEMENT_OWNERS: [OrgKind; 3] =
    [OrgKind::University, OrgKind::Institute, OrgKind::Enterprise];

pub(crate) fn achievement_json(org: &OrgId, a: &Achievement) -> serde_json::Value {
    json!({"org_id": org, "title": a.title, "field": a.field, "maturity": a.maturity, "form": a.form,
           "transfer_modes": a.transfer_modes, "price_fen": a.price.map(Money::fen), "keywords": a.keywords})
}

/// Posts an achievement (a university, institute or enterprise for itself;
/// bureau staff for a named one).
pub async fn create_achievement(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    input: &AchievementInput,
) -> AppResult<AchievementView> {
    let a = input.parse().map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let org = owner(&mut tx, actor, org, &ACHIEVEMENT_OWNERS).await?;
    let id = kechuang_store::new_id();
    tx.insert_achievement(&id, &org, &a, app.now(), &actor.tag())
        .await?;
    tx.append_event(
        &actor.tag(),
        "achievement",
        &id,
        "achievement.created",
        &achievement_json(&org, &a),
    )
    .await?;
    let view = tx.achievement(&id).await?.ok_or(AppError::NotFound)?.into();
    tx.commit().await?;
    Ok(view)
}

/// Changes an achievement (its owner or bureau staff).
pub async fn update_achievement(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &AchievementInput,
) -> AppResult<AchievementView> {
    let mut tx = app.store.begin().await?;
    let current = tx.achievement(id).await?.ok_or(AppError::NotFound)?;
    may_write(&mut tx, actor, &current.org_id).await?;
    let a = input.parse().map_err(AppError::Invalid)?;
    if a != current.record {
        tx.update_achievement(id, &a, app.now()).await?;
        tx.append_event(
            &actor.tag(),
            "achievement",
            id,
            "achievement.updated",
            &achievement_json(&current.org_id, &a),
        )
        .await?;
    }
    let view = tx.achievement(id).await?.ok_or(AppError::NotFound)?.into();
    tx.commit().await?;
    Ok(view)
}

/// One achievement.
pub async fn achievement(app: &App, _actor: &Actor, id: &str) -> AppResult<AchievementView> {
    let mut db = app.store.read().await?;
    Ok(db.achievement(id).await?.ok_or(AppError::NotFound)?.into())
}

/// Achievements, newest first.
pub async fn achievements(
    app: &App,
    _actor: &Actor,
    q: &ListQuery,
) -> AppResult<Listing<AchievementView>> {
    let f = q.filter()?;
    let mut db = app.store.read().await?;
    let (total, rows) = db.achievements(&f).await?;
    Ok(Listing {
        total,
        items: rows.into_iter().map(Into::into).collect(),
    })
}

/// Adds an expert (a university, institute or enterprise for itself; bureau
/// staff for a named one).
pub async fn create_expert(
    app: &App,
    actor: &Actor,
    org: Option<&str>,
    input: &ExpertInput,
) -> AppResult<ExpertView> {
    let e = input.parse().map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let org = owner(&mut tx, actor, org, &ACHIEVEMENT_OWNERS).await?;
    let id = kechuang_store::new_id();
    tx.insert_expert(&id, &org, &e, app.now(), &actor.tag())
        .await?;
    tx.append_event(
        &actor.tag(),
        "expert",
        &id,
        "expert.created",
        &json!({"org_id": org, "expert": e}),
    )
    .await?;
    let view = tx.expert(&id).await?.ok_or(AppError::NotFound)?.into();
    tx.commit().await?;
    Ok(view)
}

/// Changes an expert (the organisation or bureau staff).
pub async fn update_expert(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ExpertInput,
) -> AppResult<ExpertView> {
    let mut tx = app.store.begin().await?;
    let current = tx.expert(id).await?.ok_or(AppError::NotFound)?;
    may_write(&mut tx, actor, &current.org_id).await?;
    let e = input.parse().map_err(AppError::Invalid)?;
    if e != current.record {
        tx.update_expert(id, &e, app.now()).await?;
        tx.append_event(
            &actor.tag(),
            "expert",
            id,
            "expert.updated",
            &json!({"org_id": current.org_id, "expert": e}),
        )
        .await?;
    }
    let view = tx.expert(id).await?.ok_or(AppError::NotFound)?.into();
    tx.commit().await?;
    Ok(view)
}

/// One expert.
pub async fn expert(app: &App, _actor: &Actor, id: &str) -> AppResult<ExpertView> {
    let mut db = app.store.read().await?;
    Ok(db.expert(id).await?.ok_or(AppError::NotFound)?.into())
}

/// Experts, by name.
pub async fn experts(app: &App, _actor: &Actor, q: &ListQuery) -> AppResult<Listing<ExpertView>> {
    let f = q.filter()?;
    let mut db = app.store.read().await?;
    let (total, rows) = db.experts(&f).await?;
    Ok(Listing {
        total,
        items: rows.into_iter().map(Into::into).collect(),
    })
}
