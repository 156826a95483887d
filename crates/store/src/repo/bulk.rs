//! Multi-row writes for imports and the demo district.

use super::event_log::Event;
use crate::{Db, Result, with_conn};
use kechuang_core::event::{EventFields, GENESIS, chain_hash};
use kechuang_core::ids::OrgId;
use kechuang_core::org::Organisation;
use sqlx::AssertSqlSafe;

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Actor tag.
    pub actor: String,
    /// Entity type.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// Kind.
    pub kind: String,
    /// Payload.
    pub payload: serde_json::Value,
}

const ORG_ROW: usize = 13;
const EVENT_ROW: usize = 9;

impl Db {
    /// Inserts many organisations with multi-row statements.
    pub async fn insert_organisations(
        &mut self,
        orgs: &[(OrgId, Organisation)],
        now: i64,
    ) -> Result<()> {
        for chunk in orgs.chunks(500) {
            let sql = format!(
                "INSERT INTO organisation (organisation_id, kind, credit_code, name, town, cluster, lon_micro, lat_micro, \
                 founded_on, above_scale, address, created_at, updated_at) VALUES {}",
                self.backend().values_tuples(chunk.len(), ORG_ROW)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (id, o) in chunk {
                    q = super::org::bind_org!(q, id, o).bind(now).bind(now);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Appends many events in order, chained, with multi-row statements. Returns
    /// the sequence number of the last one (0 when `events` is empty).
    pub async fn append_events(&mut self, events: &[NewEvent]) -> Result<i64> {
        if events.is_empty() {
            return Ok(0);
        }
        if let Some(lock) = self.backend().dialect().lock_event_log {
            with_conn!(self, c => sqlx::query(lock).execute(&mut *c).await.map(|_| ()))?;
        }
        let last: Option<(i64, String)> = with_conn!(self, c => {
            sqlx::query_as("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *c).await
        })?;
        let (mut seq, mut prev) = last.unwrap_or((0, GENESIS.to_string()));
        let at_us = crate::now_us();
        let mut rows: Vec<Event> = Vec::with_capacity(events.len());
        for e in events {
            seq += 1;
            let payload = e.payload.to_string();
            let hash = chain_hash(
                &prev,
                &EventFields {
                    seq,
                    at_us,
                    actor: &e.actor,
                    entity: &e.entity,
                    entity_id: &e.entity_id,
                    kind: &e.kind,
                    payload: &payload,
                },
            );
            rows.push(Event {
                seq,
                at_us,
                actor: e.actor.clone(),
                entity: e.entity.clone(),
                entity_id: e.entity_id.clone(),
                kind: e.kind.clone(),
                payload,
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            });
        }
        for chunk in rows.chunks(500) {
            let sql = format!(
                "INSERT INTO event (seq, at_us, actor, entity, entity_id, kind, payload, prev_hash, hash) VALUES {}",
                self.backend().values_tuples(chunk.len(), EVENT_ROW)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for e in chunk {
                    q = q
                        .bind(e.seq)
                        .bind(e.at_us)
                        .bind(e.actor.as_str())
                        .bind(e.entity.as_str())
                        .bind(e.entity_id.as_str())
                        .bind(e.kind.as_str())
                        .bind(e.payload.as_str())
                        .bind(e.prev_hash.as_str())
                        .bind(e.hash.as_str());
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(seq)
    }
}

/// What an import needs to know about one stored filing: its latest version and
/// status (a `submitted` one is under review) and its current approved values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingHead {
    /// Filer.
    pub org_id: OrgId,
    /// Period.
    pub period: kechuang_core::period::Period,
    /// The latest version number.
    pub latest_version: i32,
    /// The latest version's status.
    pub latest_status: kechuang_core::filing::FilingStatus,
    /// The current (latest approved) values, if any version is approved.
    pub current: Option<kechuang_core::indicator::Values>,
}

/// Indicator columns in `indicator::ALL` order, comma-separated.
static VALUE_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    kechuang_core::indicator::ALL
        .iter()
        .map(|i| i.code)
        .collect::<Vec<_>>()
        .join(", ")
});

fn decode_values<'r, R>(row: &'r R) -> Result<kechuang_core::indicator::Values>
where
    R: sqlx::Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut v = kechuang_core::indicator::Values::default();
    for ind in kechuang_core::indicator::ALL {
        v.0[ind.index] = row.try_get::<Option<i64>, _>(ind.code)?;
    }
    Ok(v)
}

fn decode_period(code: i32) -> Result<kechuang_core::period::Period> {
    kechuang_core::period::Period::from_code(code)
        .ok_or_else(|| crate::StoreError::Corrupt(format!("filing period {code}")))
}

/// `(organisation_id = $a AND period = $b) OR …` for `n` pairs from `$first`.
fn pair_conditions(first: usize, n: usize) -> String {
    (0..n)
        .map(|k| {
            format!(
                "(organisation_id = ${} AND period = ${})",
                first + 2 * k,
                first + 2 * k + 1
            )
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

impl Db {
    /// The latest version, its status and the current values of every stored
    /// filing of `orgs` in `periods` (filings that do not exist are absent).
    pub async fn filing_heads(
        &mut self,
        orgs: &[&OrgId],
        periods: &[kechuang_core::period::Period],
    ) -> Result<Vec<FilingHead>> {
        use kechuang_core::filing::FilingStatus;
        use sqlx::Row;
        let mut heads: std::collections::HashMap<(String, i32), FilingHead> =
            std::collections::HashMap::new();
        if orgs.is_empty() || periods.is_empty() {
            return Ok(Vec::new());
        }
        for org_chunk in orgs.chunks(500) {
            for period_chunk in periods.chunks(500) {
                let sql = format!(
                    "SELECT organisation_id, period, version, status, is_current, {} FROM filing f \
                     WHERE f.organisation_id IN ({}) AND f.period IN ({}) AND (f.is_current OR f.version = \
                     (SELECT MAX(g.version) FROM filing g WHERE g.organisation_id = f.organisation_id AND g.period = f.period))",
                    *VALUE_COLUMNS,
                    super::placeholders(1, org_chunk.len()),
                    super::placeholders(org_chunk.len() + 1, period_chunk.len())
                );
                let rows: Vec<(
                    String,
                    i32,
                    i32,
                    String,
                    bool,
                    kechuang_core::indicator::Values,
                )> = with_conn!(self, c => {
                    let mut q = sqlx::query(AssertSqlSafe(sql));
                    for o in org_chunk {
                        q = q.bind(o.as_str());
                    }
                    for p in period_chunk {
                        q = q.bind(p.code());
                    }
                    let rows = q.fetch_all(&mut *c).await?;
                    rows.iter()
                        .map(|r| {
                            Ok((
                                r.try_get("organisation_id")?,
                                r.try_get("period")?,
                                r.try_get("version")?,
                                r.try_get("status")?,
                                r.try_get("is_current")?,
                                decode_values(r)?,
                            ))
                        })
                        .collect::<Result<Vec<_>>>()
                })?;
                for (org, period, version, status, is_current, values) in rows {
                    let status = FilingStatus::from_code(&status).ok_or_else(|| {
                        crate::StoreError::Corrupt(format!("filing status {status:?}"))
                    })?;
                    let e = heads.entry((org.clone(), period)).or_insert(FilingHead {
                        org_id: OrgId(org),
                        period: decode_period(period)?,
                        latest_version: version,
                        latest_status: status,
                        current: None,
                    });
                    if version > e.latest_version {
                        e.latest_version = version;
                        e.latest_status = status;
                    } else if version == e.latest_version {
                        e.latest_status = status;
                    }
                    if is_current {
                        e.current = Some(values);
                    }
                }
            }
        }
        Ok(heads.into_values().collect())
    }

    /// The current (approved) values of every filing of `orgs`.
    pub async fn current_values_of(
        &mut self,
        orgs: &[&OrgId],
    ) -> Result<
        Vec<(
            OrgId,
            kechuang_core::period::Period,
            kechuang_core::indicator::Values,
        )>,
    > {
        use sqlx::Row;
        let mut out = Vec::new();
        for chunk in orgs.chunks(500) {
            let sql = format!(
                "SELECT organisation_id, period, {} FROM filing WHERE is_current AND organisation_id IN ({})",
                *VALUE_COLUMNS,
                super::placeholders(1, chunk.len())
            );
            let rows: Vec<(String, i32, kechuang_core::indicator::Values)> = with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for o in chunk {
                    q = q.bind(o.as_str());
                }
                let rows = q.fetch_all(&mut *c).await?;
                rows.iter()
                    .map(|r| Ok((r.try_get("organisation_id")?, r.try_get("period")?, decode_values(r)?)))
                    .collect::<Result<Vec<_>>>()
            })?;
            for (org, period, values) in rows {
                out.push((OrgId(org), decode_period(period)?, values));
            }
        }
        Ok(out)
    }

    /// Un-marks the current version of many filings at once (those without one
    /// are skipped), taking them out of `filing_current` and the rollup:
    /// [`Db::clear_current`] in bulk.
    pub async fn clear_current_many(
        &mut self,
        keys: &[(OrgId, kechuang_core::period::Period)],
    ) -> Result<()> {
        use sqlx::Row;
        let mut delta = super::rollup::RollupDelta::default();
        for chunk in keys.chunks(200) {
            let conds = pair_conditions(1, chunk.len());
            let select = format!(
                "SELECT organisation_id, period, {} FROM filing WHERE is_current AND ({conds})",
                *VALUE_COLUMNS
            );
            let rows: Vec<(String, i32, kechuang_core::indicator::Values)> = with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(select));
                for (o, p) in chunk {
                    q = q.bind(o.as_str()).bind(p.code());
                }
                let rows = q.fetch_all(&mut *c).await?;
                rows.iter()
                    .map(|r| Ok((r.try_get("organisation_id")?, r.try_get("period")?, decode_values(r)?)))
                    .collect::<Result<Vec<_>>>()
            })?;
            if rows.is_empty() {
                continue;
            }
            let ids: Vec<OrgId> = rows.iter().map(|r| OrgId(r.0.clone())).collect();
            let refs: Vec<&OrgId> = ids.iter().collect();
            let keys = self.org_keys(&refs).await?;
            for (org, period, values) in &rows {
                let key = keys.get(org.as_str()).ok_or(crate::StoreError::NotFound)?;
                delta.add(*period, key, values, -1);
            }
            let delete = format!("DELETE FROM filing_current WHERE {conds}");
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(delete));
                for (o, p) in chunk {
                    q = q.bind(o.as_str()).bind(p.code());
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
            let update =
                format!("UPDATE filing SET is_current = FALSE WHERE is_current AND ({conds})");
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(update));
                for (o, p) in chunk {
                    q = q.bind(o.as_str()).bind(p.code());
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        self.apply_rollup(&delta).await
    }

    /// The current values of each organisation's latest period (the registry
    /// export's "latest indicators").
    pub async fn latest_current_values(
        &mut self,
    ) -> Result<
        Vec<(
            OrgId,
            kechuang_core::period::Period,
            kechuang_core::indicator::Values,
        )>,
    > {
        use sqlx::Row;
        let cols: String = kechuang_core::indicator::ALL
            .iter()
            .map(|i| format!("f.{}", i.code))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT f.organisation_id AS organisation_id, f.period AS period, {cols} FROM filing f \
             JOIN (SELECT organisation_id, MAX(period) AS period FROM filing WHERE is_current GROUP BY organisation_id) m \
             ON m.organisation_id = f.organisation_id AND m.period = f.period WHERE f.is_current ORDER BY f.organisation_id"
        );
        let rows: Vec<(String, i32, kechuang_core::indicator::Values)> = with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?;
            rows.iter()
                .map(|r| Ok((r.try_get("organisation_id")?, r.try_get("period")?, decode_values(r)?)))
                .collect::<Result<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|(o, p, v)| Ok((OrgId(o), decode_period(p)?, v)))
            .collect()
    }

    /// Replaces the summary of an import batch (written once the import knows it).
    pub async fn set_import_batch_summary(
        &mut self,
        id: &kechuang_core::ids::ImportBatchId,
        summary: &serde_json::Value,
    ) -> Result<()> {
        let r = with_conn!(self, c => {
            sqlx::query("UPDATE import_batch SET summary = $2 WHERE import_batch_id = $1")
                .bind(id.as_str())
                .bind(summary.to_string())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            Err(crate::StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}

/// Filing rows per multi-row INSERT in [`Db::insert_filings_unrolled`].
const FILING_ROWS: usize = 100;

/// Bound for every row: organisation, period, version, then one per indicator.
const FILING_ROW_PARAMS: usize = 3 + kechuang_core::indicator::COUNT;

/// `WITH v (…) AS (VALUES …) INSERT INTO filing … SELECT …, $shared… FROM v`: the
/// per-row columns come from the VALUES rows, the columns every row of one batch
/// shares (status, source, who, when, the import batch) are bound once.
fn filing_insert_sql(rows: usize, backend: crate::Backend) -> String {
    let inds: Vec<&str> = kechuang_core::indicator::ALL
        .iter()
        .map(|i| i.code)
        .collect();
    let shared = rows * FILING_ROW_PARAMS;
    let p = |k: usize| format!("${}", shared + k);
    format!(
        "WITH v (organisation_id, period, version, {inds}) AS (VALUES {values}) \
         INSERT INTO filing (organisation_id, period, version, status, source, is_current, created_by, created_at, \
         updated_at, submitted_by, submitted_at, reviewed_by, reviewed_at, review_note, import_batch_id, {inds}) \
         SELECT organisation_id, period, version, {status}, {source}, {current}, {by}, {at}, {at}, NULL, NULL, {reviewer}, \
         {reviewed_at}, NULL, {batch}, {inds} FROM v",
        inds = inds.join(", "),
        values = backend.values_tuples(rows, FILING_ROW_PARAMS),
        status = p(1),
        source = p(2),
        current = p(3),
        by = p(4),
        at = p(5),
        reviewer = p(6),
        reviewed_at = p(7),
        batch = p(8),
    )
}

fn current_insert_sql(rows: usize, backend: crate::Backend) -> String {
    format!(
        "INSERT INTO filing_current (period, organisation_id, version, {}) VALUES {}",
        *VALUE_COLUMNS,
        backend.values_tuples(rows, FILING_ROW_PARAMS)
    )
}

static CURRENT_INSERT_SQLITE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| current_insert_sql(FILING_ROWS, crate::Backend::Sqlite));
static CURRENT_INSERT_PG: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| current_insert_sql(FILING_ROWS, crate::Backend::Postgres));

static FILING_INSERT_SQLITE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| filing_insert_sql(FILING_ROWS, crate::Backend::Sqlite));
static FILING_INSERT_PG: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| filing_insert_sql(FILING_ROWS, crate::Backend::Postgres));

/// What every version of one [`Db::insert_filings_unrolled`] call shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingBatchMeta {
    /// Status of every version.
    pub status: kechuang_core::filing::FilingStatus,
    /// How they came in.
    pub source: kechuang_core::filing::FilingSource,
    /// Whether they become the current versions.
    pub is_current: bool,
    /// `created_by`.
    pub created_by: String,
    /// `created_at` and `updated_at`, unix µs.
    pub created_at: i64,
    /// `reviewed_by` (who approved, for approved versions).
    pub reviewed_by: Option<String>,
    /// `reviewed_at`.
    pub reviewed_at: Option<i64>,
    /// The import that writes them.
    pub import_batch_id: Option<kechuang_core::ids::ImportBatchId>,
}

impl Db {
    /// Inserts many filing versions that share their workflow columns (`meta`;
    /// `submitted_*` and `review_note` stay empty) with multi-row statements,
    /// leaving `filing_rollup` to the caller: when `meta.is_current`, every row must
    /// be added to a [`super::rollup::RollupDelta`] (with its organisation's current
    /// town, cluster and 规上 flag) and the delta applied with [`Db::apply_rollup`]
    /// in the same transaction. An import knows every organisation's grouping
    /// already, so this spares [`Db::insert_filings`]' lookups, and binds only the
    /// per-row columns.
    pub async fn insert_filings_unrolled(
        &mut self,
        meta: &FilingBatchMeta,
        rows: &[(
            &OrgId,
            kechuang_core::period::Period,
            i32,
            &kechuang_core::indicator::Values,
        )],
    ) -> Result<()> {
        for chunk in rows.chunks(FILING_ROWS) {
            let sql = match (chunk.len() == FILING_ROWS, self.backend()) {
                (true, crate::Backend::Sqlite) => FILING_INSERT_SQLITE.clone(),
                (true, crate::Backend::Postgres) => FILING_INSERT_PG.clone(),
                (false, backend) => filing_insert_sql(chunk.len(), backend),
            };
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for (org, period, version, values) in chunk {
                    q = q.bind(org.as_str()).bind(period.code()).bind(*version);
                    for v in values.0.iter() {
                        q = q.bind(*v);
                    }
                }
                q.bind(meta.status.code())
                    .bind(meta.source.code())
                    .bind(meta.is_current)
                    .bind(meta.created_by.as_str())
                    .bind(meta.created_at)
                    .bind(meta.reviewed_by.as_deref())
                    .bind(meta.reviewed_at)
                    .bind(meta.import_batch_id.as_ref().map(|b| b.as_str()))
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
            if meta.is_current {
                // Mirror the new current versions into `filing_current`.
                let sql = match (chunk.len() == FILING_ROWS, self.backend()) {
                    (true, crate::Backend::Sqlite) => CURRENT_INSERT_SQLITE.clone(),
                    (true, crate::Backend::Postgres) => CURRENT_INSERT_PG.clone(),
                    (false, backend) => current_insert_sql(chunk.len(), backend),
                };
                with_conn!(self, c => {
                    let mut q = sqlx::query(AssertSqlSafe(sql));
                    for (org, period, version, values) in chunk {
                        q = q.bind(period.code()).bind(org.as_str()).bind(*version);
                        for v in values.0.iter() {
                            q = q.bind(*v);
                        }
                    }
                    q.execute(&mut *c).await.map(|r| r.rows_affected())
                })?;
            }
        }
        Ok(())
    }
}
