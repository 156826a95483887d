//! Intellectual-property records.

use super::parse_opt_date;
use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::date::to_iso;
use kechuang_core::ids::{IpRecordId, OrgId};
use kechuang_core::ip::{Acquisition, IpRecord, IpType, LegalStatus};

/// A stored IP record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRecordRow {
    /// Id.
    pub id: IpRecordId,
    /// Owner.
    pub org_id: OrgId,
    /// The record.
    pub ip: IpRecord,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    ip_record_id: String,
    organisation_id: String,
    ip_type: String,
    number: String,
    title: String,
    granted_on: Option<String>,
    status: String,
    acquisition: String,
    acquired_on: Option<String>,
    used_in_hte: bool,
}

/// Binds an IP record's id, owner and attributes in column order (the
/// timestamp is the caller's).
macro_rules! bind_ip {
    ($q:expr, $id:expr, $org:expr, $ip:expr) => {
        $q.bind($id.as_str())
            .bind($org.as_str())
            .bind($ip.ip_type.code())
            .bind(if $ip.ip_type.class() == kechuang_core::ip::IpClass::I {
                "I"
            } else {
                "II"
            })
            .bind($ip.number.as_str())
            .bind($ip.title.as_str())
            .bind($ip.granted_on.map(to_iso))
            .bind($ip.status.code())
            .bind($ip.acquisition.code())
            .bind($ip.acquired_on.map(to_iso))
            .bind($ip.used_in_hte)
    };
}

impl TryFrom<Row> for IpRecordRow {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let bad = |w: &str| StoreError::Corrupt(format!("ip_record {}: {w}", r.ip_record_id));
        Ok(Self {
            id: IpRecordId(r.ip_record_id.clone()),
            org_id: OrgId(r.organisation_id.clone()),
            ip: IpRecord {
                ip_type: IpType::parse(&r.ip_type).ok_or_else(|| bad("ip_type"))?,
                number: r.number,
                title: r.title,
                granted_on: parse_opt_date(r.granted_on)?,
                status: LegalStatus::parse(&r.status).ok_or_else(|| bad("status"))?,
                acquisition: Acquisition::parse(&r.acquisition)
                    .ok_or_else(|| bad("acquisition"))?,
                acquired_on: parse_opt_date(r.acquired_on)?,
                used_in_hte: r.used_in_hte,
            },
        })
    }
}

impl Db {
    /// Adds an IP record.
    pub async fn insert_ip(
        &mut self,
        id: &IpRecordId,
        org: &OrgId,
        ip: &IpRecord,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            let q = sqlx::query(
                "INSERT INTO ip_record (ip_record_id, organisation_id, ip_type, ip_class, number, title, granted_on, status, \
                 acquisition, acquired_on, used_in_hte, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            );
            bind_ip!(q, id, org, ip)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces an IP record.
    pub async fn update_ip(
        &mut self,
        id: &IpRecordId,
        org: &OrgId,
        ip: &IpRecord,
        now: i64,
    ) -> Result<()> {
        let r = with_conn!(self, c => {
            let q = sqlx::query(
                "UPDATE ip_record SET ip_type = $3, ip_class = $4, number = $5, title = $6, granted_on = $7, status = $8, \
                 acquisition = $9, acquired_on = $10, used_in_hte = $11, updated_at = $12 \
                 WHERE ip_record_id = $1 AND organisation_id = $2",
            );
            bind_ip!(q, id, org, ip)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// One IP record of an organisation.
    pub async fn ip_record(&mut self, org: &OrgId, id: &IpRecordId) -> Result<Option<IpRecordRow>> {
        let row: Option<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT ip_record_id, organisation_id, ip_type, number, title, granted_on, status, acquisition, acquired_on, used_in_hte \
                 FROM ip_record WHERE ip_record_id = $1 AND organisation_id = $2",
            )
            .bind(id.as_str())
            .bind(org.as_str())
            .fetch_optional(&mut *c)
            .await
        })?;
        row.map(IpRecordRow::try_from).transpose()
    }

    /// An organisation's IP records, newest grant first.
    pub async fn ip_records_of(&mut self, org: &OrgId) -> Result<Vec<IpRecordRow>> {
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT ip_record_id, organisation_id, ip_type, number, title, granted_on, status, acquisition, acquired_on, used_in_hte \
                 FROM ip_record WHERE organisation_id = $1 ORDER BY granted_on IS NULL, granted_on DESC, number",
            )
            .bind(org.as_str())
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(IpRecordRow::try_from).collect()
    }
}

impl Db {
    /// Every IP record (for imports and exports).
    pub async fn all_ip_records(&mut self) -> Result<Vec<IpRecordRow>> {
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT ip_record_id, organisation_id, ip_type, number, title, granted_on, status, acquisition, acquired_on, used_in_hte \
                 FROM ip_record ORDER BY organisation_id, number",
            )
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(IpRecordRow::try_from).collect()
    }
}
