//! Intellectual-property records: the enterprise or the bureau keeps them.

use super::visible_org;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::{IpRecordId, OrgId};
use kechuang_core::ip::{Acquisition, IpRecord, IpType, LegalStatus};
use kechuang_store::IpRecordRow;
use serde_json::json;

/// An IP record as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct IpInput {
    /// 知识产权类型.
    pub ip_type: String,
    /// 编号.
    pub number: String,
    /// 名称.
    pub title: String,
    /// 授权日期.
    pub granted_on: String,
    /// 法律状态 (default 有效).
    pub status: String,
    /// 获得方式 (default 自主研发).
    pub acquisition: String,
    /// 获得日期.
    pub acquired_on: String,
    /// 是否已用于高企申报.
    pub used_in_hte: String,
}

impl IpInput {
    /// Validates all fields.
    pub fn parse(&self) -> Result<IpRecord, Vec<FieldError>> {
        let mut errors = Vec::new();
        let ip_type = IpType::parse(&self.ip_type);
        if ip_type.is_none() {
            errors.push(
                FieldError::new("ip_type", "ip_type_invalid").with("value", self.ip_type.trim()),
            );
        }
        let status = if self.status.trim().is_empty() {
            Some(LegalStatus::Valid)
        } else {
            LegalStatus::parse(&self.status)
        };
        if status.is_none() {
            errors.push(
                FieldError::new("status", "ip_status_invalid").with("value", self.status.trim()),
            );
        }
        let acquisition = if self.acquisition.trim().is_empty() {
            Some(Acquisition::OwnRnd)
        } else {
            Acquisition::parse(&self.acquisition)
        };
        if acquisition.is_none() {
            errors.push(
                FieldError::new("acquisition", "acquisition_invalid")
                    .with("value", self.acquisition.trim()),
            );
        }
        let date = |field: &str, s: &str, errors: &mut Vec<FieldError>| {
            if s.trim().is_empty() {
                None
            } else {
                kechuang_core::date::parse(field, s)
                    .map_err(|e| errors.push(e))
                    .ok()
            }
        };
        let granted_on = date("granted_on", &self.granted_on, &mut errors);
        let acquired_on = date("acquired_on", &self.acquired_on, &mut errors);
        let used = kechuang_core::org::parse_bool("used_in_hte", &self.used_in_hte)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let number = kechuang_core::org::required_text("number", &self.number, 64)
            .map_err(|e| errors.push(e))
            .ok();
        let title = kechuang_core::org::required_text("title", &self.title, 200)
            .map_err(|e| errors.push(e))
            .ok();
        match (ip_type, status, acquisition, number, title) {
            (Some(ip_type), Some(status), Some(acquisition), Some(number), Some(title))
                if errors.is_empty() =>
            {
                IpRecord {
                    ip_type,
                    number,
                    title,
                    granted_on,
                    status,
                    acquisition,
                    acquired_on,
                    used_in_hte: used.unwrap_or(false),
                }
                .validate()
            }
            _ => Err(errors),
        }
    }
}

async fn editable(actor: &Actor, db: &mut kechuang_store::Db, org_id: &OrgId) -> AppResult<()> {
    let org = visible_org(db, actor, org_id).await?;
    if actor.can_file_for(&org) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Adds an IP record.
pub async fn add(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    input: &IpInput,
) -> AppResult<IpRecordId> {
    let mut tx = app.store.begin().await?;
    editable(actor, &mut tx, org_id).await?;
    let ip = input.parse()?;
    let id = IpRecordId(kechuang_store::new_id());
    tx.insert_ip(&id, org_id, &ip, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        "ip.added",
        &json!({"ip_record_id": id, "number": ip.number, "type": ip.ip_type.code()}),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces an IP record (e.g. it lapsed, or was used in a 高企 application).
pub async fn update(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    id: &IpRecordId,
    input: &IpInput,
) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    editable(actor, &mut tx, org_id).await?;
    let ip = input.parse()?;
    tx.update_ip(id, org_id, &ip, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        "ip.updated",
        &json!({"ip_record_id": id, "status": ip.status.code(), "used_in_hte": ip.used_in_hte}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An organisation's IP records.
pub async fn list(app: &App, actor: &Actor, org_id: &OrgId) -> AppResult<Vec<IpRecordRow>> {
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    Ok(db.ip_records_of(org_id).await?)
}
