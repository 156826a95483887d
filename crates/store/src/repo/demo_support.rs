//! Multi-row inserts of qualifications and IP records, for bulk loads (the demo
//! district) where the caller guarantees the rows are new.

use crate::{Db, Result, with_conn};
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::ip::{IpClass, IpRecord};
use kechuang_core::qualification::Qualification;
use sqlx::AssertSqlSafe;

const QUALIFICATION_ROW: usize = 8;
const IP_ROW: usize = 13;

impl Db {
    /// Inserts many qualification records with multi-row statements. Unlike
    /// [`Db::upsert_qualification`] it does not look for an existing record: a
    /// repeated (organisation, kind, 认定日期) fails on
    /// `qualification_org_kind_date_key`.
    pub async fn insert_qualifications(
        &mut self,
        rows: &[(OrgId, Qualification)],
        now: i64,
    ) -> Result<()> {
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO qualification (qualification_id, organisation_id, kind, number, recognized_on, valid_until, \
                 created_at, updated_at) VALUES {}",
                self.backend().values_tuples(chunk.len(), QUALIFICATION_ROW)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (org, x) in chunk {
                    q = q
                        .bind(crate::new_id())
                        .bind(org.as_str())
                        .bind(x.kind.code())
                        .bind(x.number.as_deref())
                        .bind(to_iso(x.recognized_on))
                        .bind(x.valid_until.map(to_iso))
                        .bind(now)
                        .bind(now);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Inserts many IP records with multi-row statements; a repeated number of
    /// one organisation fails on `ip_record_org_number_key`.
    pub async fn insert_ip_records(&mut self, rows: &[(OrgId, IpRecord)], now: i64) -> Result<()> {
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO ip_record (ip_record_id, organisation_id, ip_type, ip_class, number, title, granted_on, status, \
                 acquisition, acquired_on, used_in_hte, created_at, updated_at) VALUES {}",
                self.backend().values_tuples(chunk.len(), IP_ROW)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (org, ip) in chunk {
                    q = q
                        .bind(crate::new_id())
                        .bind(org.as_str())
                        .bind(ip.ip_type.code())
                        .bind(if ip.ip_type.class() == IpClass::I { "I" } else { "II" })
                        .bind(ip.number.as_str())
                        .bind(ip.title.as_str())
                        .bind(ip.granted_on.map(to_iso))
                        .bind(ip.status.code())
                        .bind(ip.acquisition.code())
                        .bind(ip.acquired_on.map(to_iso))
                        .bind(ip.used_in_hte)
                        .bind(now)
                        .bind(now);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}
