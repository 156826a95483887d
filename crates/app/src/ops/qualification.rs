//! Qualifications: record and remove recognitions (bureau staff).

use super::visible_org;
use crate::{Actor, App, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::{OrgId, QualificationId};
use kechuang_core::qualification::{Qualification, QualificationKind};
use serde_json::json;

/// A qualification as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct QualificationInput {
    /// 资质类型.
    pub kind: String,
    /// 证书编号 / 入库编号.
    pub number: String,
    /// 认定日期.
    pub recognized_on: String,
    /// 有效期至 (blank: the statutory term).
    pub valid_until: String,
}

impl QualificationInput {
    /// Validates all fields.
    pub fn parse(&self) -> Result<Qualification, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = QualificationKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(
                FieldError::new("kind", "qualification_kind_invalid")
                    .with("value", self.kind.trim()),
            );
        }
        let number = kechuang_core::org::optional_text("number", &self.number, 64)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let recognized = if self.recognized_on.trim().is_empty() {
            errors.push(FieldError::new("recognized_on", "required"));
            None
        } else {
            kechuang_core::date::parse("recognized_on", &self.recognized_on)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let until = if self.valid_until.trim().is_empty() {
            None
        } else {
            kechuang_core::date::parse("valid_until", &self.valid_until)
                .map_err(|e| errors.push(e))
                .ok()
        };
        match (kind, recognized) {
            (Some(k), Some(r)) if errors.is_empty() => {
                Qualification::new(k, number, r, until).map_err(|e| vec![e])
            }
            _ => Err(errors),
        }
    }
}

/// Records a qualification for an organisation.
pub async fn add(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    input: &QualificationInput,
) -> AppResult<QualificationId> {
    actor.require_bureau()?;
    let q = input.parse()?;
    let mut tx = app.store.begin().await?;
    visible_org(&mut tx, actor, org_id).await?;
    let (id, _) = tx.upsert_qualification(org_id, &q, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        "qualification.recorded",
        &json!({"kind": q.kind.code(), "number": q.number, "recognized_on": q.recognized_on, "valid_until": q.valid_until}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a qualification record entered by mistake.
pub async fn remove(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    id: &QualificationId,
) -> AppResult<()> {
    actor.require_bureau()?;
    let mut tx = app.store.begin().await?;
    visible_org(&mut tx, actor, org_id).await?;
    tx.delete_qualification(org_id, id).await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        "qualification.removed",
        &json!({"qualification_id": id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
