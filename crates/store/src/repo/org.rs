//! Organisations, towns and clusters.

use super::{parse_opt_date, placeholders};
use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::org::{Coordinates, OrgKind, Organisation};
use kechuang_core::qualification::QualificationKind;
use sqlx::AssertSqlSafe;

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRecord {
    /// Id.
    pub id: OrgId,
    /// The validated record.
    pub org: Organisation,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrgRow {
    organisation_id: String,
    kind: String,
    credit_code: String,
    name: String,
    town: Option<String>,
    cluster: Option<String>,
    lon_micro: Option<i64>,
    lat_micro: Option<i64>,
    founded_on: Option<String>,
    above_scale: bool,
    address: Option<String>,
    created_at: i64,
    updated_at: i64,
}

pub(crate) const ORG_COLUMNS: &str = "organisation_id, kind, credit_code, name, town, cluster, lon_micro, lat_micro, \
     founded_on, above_scale, address, created_at, updated_at";

/// Binds an organisation's id and attributes in `ORG_COLUMNS` order (the two
/// timestamps are the caller's).
macro_rules! bind_org {
    ($q:expr, $id:expr, $o:expr) => {
        $q.bind($id.as_str())
            .bind($o.kind.code())
            .bind($o.credit_code.as_str())
            .bind($o.name.as_str())
            .bind($o.town.as_deref())
            .bind($o.cluster.as_deref())
            .bind($o.coordinates.map(|c| c.lon_micro))
            .bind($o.coordinates.map(|c| c.lat_micro))
            .bind($o.founded_on.map(kechuang_core::date::to_iso))
            .bind($o.above_scale)
            .bind($o.address.as_deref())
    };
}
pub(crate) use bind_org;

impl TryFrom<OrgRow> for OrgRecord {
    type Error = StoreError;
    fn try_from(r: OrgRow) -> Result<Self> {
        let corrupt =
            |what: &str| StoreError::Corrupt(format!("organisation {}: {what}", r.organisation_id));
        let kind = OrgKind::parse(&r.kind).ok_or_else(|| corrupt("kind"))?;
        let credit_code = CreditCode::parse(&r.credit_code).map_err(|_| corrupt("credit_code"))?;
        let coordinates = match (r.lon_micro, r.lat_micro) {
            (Some(lon), Some(lat)) => {
                Some(Coordinates::from_micro(lon, lat).map_err(|_| corrupt("coordinates"))?)
            }
            _ => None,
        };
        Ok(OrgRecord {
            id: OrgId(r.organisation_id.clone()),
            org: Organisation {
                kind,
                credit_code,
                name: r.name,
                town: r.town,
                cluster: r.cluster,
                coordinates,
                founded_on: parse_opt_date(r.founded_on)?,
                above_scale: r.above_scale,
                address: r.address,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Which organisations a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Substring of the name or the credit code.
    pub q: Option<String>,
    /// Kind.
    pub kind: Option<OrgKind>,
    /// Town.
    pub town: Option<String>,
    /// Cluster.
    pub cluster: Option<String>,
    /// Holding this qualification, valid on `on`.
    pub qualification: Option<QualificationKind>,
    /// The day qualifications are judged on (`YYYY-MM-DD`).
    pub on: Option<chrono::NaiveDate>,
    /// Only 规上 enterprises.
    pub above_scale: Option<bool>,
    /// The actor's scope: only these towns (bureau staff limited to towns).
    pub scope_towns: Option<Vec<String>>,
    /// The actor's scope: only this organisation.
    pub scope_org: Option<OrgId>,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

/// One page of results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    /// Items.
    pub items: Vec<T>,
    /// Total matching.
    pub total: i64,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

/// A list row: the organisation and its qualifications valid on the filter's day.
#[derive(Debug, Clone)]
pub struct OrgSummary {
    /// The organisation.
    pub record: OrgRecord,
    /// Valid qualifications.
    pub qualifications: Vec<QualificationKind>,
}

impl OrgFilter {
    /// WHERE clause and its string parameters, starting at `$1`.
    fn where_clause(&self) -> (String, Vec<String>) {
        let mut conds = vec!["1 = 1".to_string()];
        let mut params: Vec<String> = Vec::new();
        let p = |v: String, params: &mut Vec<String>| {
            params.push(v);
            format!("${}", params.len())
        };
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let like = format!("%{}%", q.replace(['\\', '%', '_'], ""));
            let a = p(like.clone(), &mut params);
            let b = p(like.to_uppercase(), &mut params);
            conds.push(format!("(o.name LIKE {a} OR o.credit_code LIKE {b})"));
        }
        if let Some(k) = self.kind {
            let a = p(k.code().into(), &mut params);
            conds.push(format!("o.kind = {a}"));
        }
        if let Some(t) = &self.town {
            let a = p(t.clone(), &mut params);
            conds.push(format!("o.town = {a}"));
        }
        if let Some(c) = &self.cluster {
            let a = p(c.clone(), &mut params);
            conds.push(format!("o.cluster = {a}"));
        }
        if let Some(v) = self.above_scale {
            conds.push(if v {
                "o.above_scale = TRUE".into()
            } else {
                "o.above_scale = FALSE".into()
            });
        }
        if let Some(k) = self.qualification {
            let day = kechuang_core::date::to_iso(
                self.on
                    .unwrap_or_else(|| kechuang_core::date::china_date_of(crate::now_us())),
            );
            let a = p(k.code().into(), &mut params);
            let b = p(day, &mut params);
            conds.push(format!(
                "EXISTS (SELECT 1 FROM qualification q WHERE q.organisation_id = o.organisation_id \
                 AND q.kind = {a} AND q.recognized_on <= {b} AND (q.valid_until IS NULL OR q.valid_until >= {b}))"
            ));
        }
        if let Some(towns) = &self.scope_towns {
            if towns.is_empty() {
                conds.push("1 = 0".into());
            } else {
                let first = params.len() + 1;
                params.extend(towns.iter().cloned());
                conds.push(format!("o.town IN ({})", placeholders(first, towns.len())));
            }
        }
        if let Some(id) = &self.scope_org {
            let a = p(id.0.clone(), &mut params);
            conds.push(format!("o.organisation_id = {a}"));
        }
        (conds.join(" AND "), params)
    }
}

impl Db {
    /// Inserts an organisation.
    pub async fn insert_organisation(
        &mut self,
        id: &OrgId,
        o: &Organisation,
        now: i64,
    ) -> Result<()> {
        self.insert_organisations(&[(id.clone(), o.clone())], now)
            .await
    }

    /// Replaces an organisation's attributes; a new town, cluster or 规上 flag moves
    /// its filings in the rollup.
    pub async fn update_organisation(
        &mut self,
        id: &OrgId,
        o: &Organisation,
        now: i64,
    ) -> Result<()> {
        let before = self
            .org_keys(&[id])
            .await?
            .remove(id.as_str())
            .ok_or(StoreError::NotFound)?;
        let r = with_conn!(self, c => {
            let q = sqlx::query(
                "UPDATE organisation SET kind = $2, credit_code = $3, name = $4, town = $5, cluster = $6, \
                 lon_micro = $7, lat_micro = $8, founded_on = $9, above_scale = $10, address = $11, updated_at = $12 \
                 WHERE organisation_id = $1",
            );
            bind_org!(q, id, o)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            return Err(StoreError::NotFound);
        }
        let after = (
            o.town.clone().unwrap_or_default(),
            o.cluster.clone().unwrap_or_default(),
            o.above_scale,
        );
        self.move_rollup(id, &before, &after).await
    }

    /// One organisation by id.
    pub async fn organisation(&mut self, id: &OrgId) -> Result<Option<OrgRecord>> {
        let row: Option<OrgRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisation WHERE organisation_id = $1")))
                .bind(id.as_str())
                .fetch_optional(&mut *c)
                .await
        })?;
        row.map(OrgRecord::try_from).transpose()
    }

    /// One organisation by credit code.
    pub async fn organisation_by_code(&mut self, code: &CreditCode) -> Result<Option<OrgRecord>> {
        let row: Option<OrgRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisation WHERE credit_code = $1")))
                .bind(code.as_str())
                .fetch_optional(&mut *c)
                .await
        })?;
        row.map(OrgRecord::try_from).transpose()
    }

    /// Every organisation (for imports and exports).
    pub async fn all_organisations(&mut self) -> Result<Vec<OrgRecord>> {
        let rows: Vec<OrgRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!("SELECT {ORG_COLUMNS} FROM organisation ORDER BY credit_code")))
                .fetch_all(&mut *c)
                .await
        })?;
        rows.into_iter().map(OrgRecord::try_from).collect()
    }

    /// How many organisations there are.
    pub async fn count_organisations(&mut self) -> Result<i64> {
        Ok(
            with_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM organisation").fetch_one(&mut *c).await)?,
        )
    }

    /// A filtered, paged list, ordered by name.
    pub async fn list_organisations(&mut self, f: &OrgFilter) -> Result<Page<OrgSummary>> {
        let (where_sql, params) = f.where_clause();
        let count_sql = format!("SELECT COUNT(*) FROM organisation o WHERE {where_sql}");
        let n = params.len();
        let list_sql = format!(
            "SELECT {} FROM organisation o WHERE {where_sql} ORDER BY o.name, o.credit_code LIMIT ${} OFFSET ${}",
            ORG_COLUMNS
                .split(", ")
                .map(|c| format!("o.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            n + 1,
            n + 2
        );
        let limit = f.limit.clamp(1, 500);
        let offset = f.offset.max(0);
        let total: i64 = with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(count_sql));
            for p in &params {
                q = q.bind(p);
            }
            q.fetch_one(&mut *c).await
        })?;
        let rows: Vec<OrgRow> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(list_sql));
            for p in &params {
                q = q.bind(p);
            }
            q.bind(limit).bind(offset).fetch_all(&mut *c).await
        })?;
        let records: Vec<OrgRecord> = rows
            .into_iter()
            .map(OrgRecord::try_from)
            .collect::<Result<_>>()?;
        let day =
            f.on.unwrap_or_else(|| kechuang_core::date::china_date_of(crate::now_us()));
        let ids: Vec<OrgId> = records.iter().map(|r| r.id.clone()).collect();
        let quals = self.valid_qualification_kinds(&ids, day).await?;
        let items = records
            .into_iter()
            .map(|record| {
                let mut qualifications: Vec<QualificationKind> = quals
                    .iter()
                    .filter(|(id, _)| *id == record.id)
                    .map(|(_, k)| *k)
                    .collect();
                qualifications.sort();
                qualifications.dedup();
                OrgSummary {
                    record,
                    qualifications,
                }
            })
            .collect();
        Ok(Page {
            items,
            total,
            limit,
            offset,
        })
    }

    /// Towns in the bureau's order.
    pub async fn towns(&mut self) -> Result<Vec<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar("SELECT name FROM town ORDER BY sort_order, name").fetch_all(&mut *c).await
        })?)
    }

    /// Clusters in the bureau's order.
    pub async fn clusters(&mut self) -> Result<Vec<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar("SELECT name FROM cluster ORDER BY sort_order, name").fetch_all(&mut *c).await
        })?)
    }

    /// Adds a town if it is not listed yet.
    pub async fn ensure_town(
        &mut self,
        name: &str,
        code: Option<&str>,
        sort_order: i32,
        at: Option<(i64, i64)>,
    ) -> Result<bool> {
        let r = with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO town (name, code, sort_order, lon_micro, lat_micro) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(code)
            .bind(sort_order)
            .bind(at.map(|a| a.0))
            .bind(at.map(|a| a.1))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(r > 0)
    }

    /// Adds a cluster if it is not listed yet.
    pub async fn ensure_cluster(&mut self, name: &str, sort_order: i32) -> Result<bool> {
        let r = with_conn!(self, c => {
            sqlx::query("INSERT INTO cluster (name, sort_order) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(sort_order)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(r > 0)
    }
}
