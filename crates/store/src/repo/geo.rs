//! The district's geography (versioned uploads of its outline and towns) and the
//! rows the 科技地图 draws: organisations with coordinates, their valid
//! qualifications and one indicator's values.

use super::placeholders;
use crate::{Db, Result, with_conn};
use sqlx::AssertSqlSafe;

/// One upload of the district's geography.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GeoVersionRow {
    /// Version, 1, 2, … (the newest is current).
    pub version: i64,
    /// The datum the file declared (`wgs84`, `gcj02`); stored data is WGS-84.
    pub datum_declared: String,
    /// The uploaded file's name.
    pub source_name: Option<String>,
    /// Features (district + towns).
    pub features: i64,
    /// Positions in all.
    pub vertices: i64,
    /// Size of the upload, bytes.
    pub bytes: i64,
    /// Event-log tag of who uploaded.
    pub uploaded_by: String,
    /// When, unix µs.
    pub uploaded_at: i64,
}

/// One area of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoAreaRow {
    /// Division code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `district` or `town`.
    pub level: String,
    /// Order in the upload.
    pub sort_order: i32,
    /// Bounding box, micro-degrees: west, south, east, north.
    pub bbox: (i64, i64, i64, i64),
    /// GeoJSON geometry text (WGS-84).
    pub geometry: String,
}

/// An organisation on the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOrgRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Town name.
    pub town: Option<String>,
    /// Cluster name.
    pub cluster: Option<String>,
    /// Longitude, micro-degrees (registry datum).
    pub lon_micro: i64,
    /// Latitude, micro-degrees (registry datum).
    pub lat_micro: i64,
}

/// An accredited platform on the map (drawn at its host's coordinates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapPlatformRow {
    /// Platform id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind code.
    pub kind: String,
    /// Level, 1–4.
    pub level: i64,
    /// Host organisation id.
    pub host_id: String,
    /// The host's town.
    pub town: Option<String>,
    /// The platform's cluster, else the host's.
    pub cluster: Option<String>,
    /// Host longitude, micro-degrees.
    pub lon_micro: i64,
    /// Host latitude, micro-degrees.
    pub lat_micro: i64,
}

fn scope_sql(scope: Option<&[String]>, first: usize, col: &str) -> String {
    match scope {
        None => String::new(),
        Some(t) => format!(" AND {col} IN ({})", placeholders(first, t.len())),
    }
}

impl Db {
    /// The next version number of the geography.
    pub async fn next_geo_version(&mut self) -> Result<i64> {
        let (v,): (i64,) = with_conn!(self, c => {
            sqlx::query_as("SELECT CAST(COALESCE(MAX(version), 0) + 1 AS BIGINT) FROM geo_version")
                .fetch_one(&mut *c)
                .await
        })?;
        Ok(v)
    }

    /// Stores a version with its areas.
    pub async fn insert_geo_version(
        &mut self,
        v: &GeoVersionRow,
        areas: &[GeoAreaRow],
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO geo_version (version, datum_declared, source_name, features, vertices, bytes, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(v.version)
            .bind(&v.datum_declared)
            .bind(&v.source_name)
            .bind(v.features)
            .bind(v.vertices)
            .bind(v.bytes)
            .bind(&v.uploaded_by)
            .bind(v.uploaded_at)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        for a in areas {
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO geo_area (version, code, name, level, sort_order, min_lon_micro, min_lat_micro, max_lon_micro, max_lat_micro, geometry) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(v.version)
                .bind(&a.code)
                .bind(&a.name)
                .bind(&a.level)
                .bind(a.sort_order)
                .bind(a.bbox.0)
                .bind(a.bbox.1)
                .bind(a.bbox.2)
                .bind(a.bbox.3)
                .bind(&a.geometry)
                .execute(&mut *c)
                .await
                .map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Every version, newest first.
    pub async fn geo_versions(&mut self) -> Result<Vec<GeoVersionRow>> {
        type Row = (i64, String, Option<String>, i64, i64, i64, String, i64);
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT version, datum_declared, source_name, features, vertices, bytes, uploaded_by, uploaded_at \
                 FROM geo_version ORDER BY version DESC",
            )
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| GeoVersionRow {
                version: r.0,
                datum_declared: r.1,
                source_name: r.2,
                features: r.3,
                vertices: r.4,
                bytes: r.5,
                uploaded_by: r.6,
                uploaded_at: r.7,
            })
            .collect())
    }

    /// The areas of a version, in upload order.
    pub async fn geo_areas(&mut self, version: i64) -> Result<Vec<GeoAreaRow>> {
        type Row = (String, String, String, i32, i64, i64, i64, i64, String);
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT code, name, level, sort_order, min_lon_micro, min_lat_micro, max_lon_micro, max_lat_micro, geometry \
                 FROM geo_area WHERE version = $1 ORDER BY sort_order",
            )
            .bind(version)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| GeoAreaRow {
                code: r.0,
                name: r.1,
                level: r.2,
                sort_order: r.3,
                bbox: (r.4, r.5, r.6, r.7),
                geometry: r.8,
            })
            .collect())
    }

    /// Organisations with coordinates of the given kinds, optionally within towns.
    pub async fn map_orgs(
        &mut self,
        kinds: &[&str],
        scope: Option<&[String]>,
    ) -> Result<Vec<MapOrgRow>> {
        if kinds.is_empty() || scope.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT organisation_id, name, kind, town, cluster, lon_micro, lat_micro FROM organisation \
             WHERE lon_micro IS NOT NULL AND lat_micro IS NOT NULL AND kind IN ({}){}",
            placeholders(1, kinds.len()),
            scope_sql(scope, 1 + kinds.len(), "town"),
        );
        type Row = (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
            i64,
        );
        let rows: Vec<Row> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for k in kinds {
                q = q.bind(*k);
            }
            for t in scope.unwrap_or_default() {
                q = q.bind(t);
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| MapOrgRow {
                id: r.0,
                name: r.1,
                kind: r.2,
                town: r.3,
                cluster: r.4,
                lon_micro: r.5,
                lat_micro: r.6,
            })
            .collect())
    }

    /// Accredited platforms drawn at their host's coordinates, optionally within
    /// towns (the host's town).
    pub async fn map_platforms(&mut self, scope: Option<&[String]>) -> Result<Vec<MapPlatformRow>> {
        if scope.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT p.platform_id, p.name, p.kind, p.level, p.host_org_id, o.town, COALESCE(p.cluster, o.cluster), o.lon_micro, o.lat_micro \
             FROM platform p JOIN organisation o ON o.organisation_id = p.host_org_id \
             WHERE p.status = 'accredited' AND o.lon_micro IS NOT NULL AND o.lat_micro IS NOT NULL{}",
            scope_sql(scope, 1, "o.town"),
        );
        type Row = (
            String,
            String,
            String,
            i64,
            String,
            Option<String>,
            Option<String>,
            i64,
            i64,
        );
        let rows: Vec<Row> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for t in scope.unwrap_or_default() {
                q = q.bind(t);
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| MapPlatformRow {
                id: r.0,
                name: r.1,
                kind: r.2,
                level: r.3,
                host_id: r.4,
                town: r.5,
                cluster: r.6,
                lon_micro: r.7,
                lat_micro: r.8,
            })
            .collect())
    }

    /// `(organisation, qualification kind)` for every qualification valid on `day`.
    pub async fn map_valid_qualifications(&mut self, day: &str) -> Result<Vec<(String, String)>> {
        with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, kind FROM qualification \
                 WHERE recognized_on <= $1 AND (valid_until IS NULL OR valid_until >= $1)",
            )
            .bind(day)
            .fetch_all(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)
    }

    /// One indicator's current values for a period, by organisation. `column` must
    /// be a code from the fixed indicator table (it is spliced into the SQL).
    pub async fn indicator_values(
        &mut self,
        period: i32,
        column: &str,
    ) -> Result<Vec<(String, i64)>> {
        debug_assert!(kechuang_core::indicator::by_code(column).is_some());
        if kechuang_core::indicator::by_code(column).is_none() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT organisation_id, {column} FROM filing_current WHERE period = $1 AND {column} IS NOT NULL"
        );
        with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(period)
                .fetch_all(&mut *c)
                .await
        })
        .map_err(crate::StoreError::from_sqlx)
    }

    /// The map's data version (`map_data_version`, migration 0021): raised by
    /// triggers on every write to the tables the map's points come from.
    pub async fn map_data_version(&mut self) -> Result<i64> {
        let (v,): (i64,) = with_conn!(self, c => {
            sqlx::query_as("SELECT version FROM map_data_version WHERE id = 1")
                .fetch_one(&mut *c)
                .await
        })?;
        Ok(v)
    }

    /// The newest period with any current filing.
    pub async fn latest_filed_period(&mut self) -> Result<Option<i32>> {
        let (p,): (Option<i32>,) = with_conn!(self, c => {
            sqlx::query_as("SELECT MAX(period) FROM filing_current")
                .fetch_one(&mut *c)
                .await
        })?;
        Ok(p)
    }
}
