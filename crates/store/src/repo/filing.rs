//! Indicator filings: versions, workflow columns, bulk writes.

use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::{ImportBatchId, OrgId};
use kechuang_core::indicator::{ALL, COUNT, Values};
use kechuang_core::period::Period;
use sqlx::{AssertSqlSafe, ColumnIndex, Decode, Row, Type};
use std::sync::LazyLock;

/// One version of one filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingVersion {
    /// Filer.
    pub org_id: OrgId,
    /// Period.
    pub period: Period,
    /// Version, from 1.
    pub version: i32,
    /// Workflow status.
    pub status: FilingStatus,
    /// How it came in.
    pub source: FilingSource,
    /// Whether this is the latest approved version.
    pub is_current: bool,
    /// Who created the version (`user:<id>`, `import:<batch>`, `demo`).
    pub created_by: String,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs of the last draft edit.
    pub updated_at: i64,
    /// Who submitted.
    pub submitted_by: Option<String>,
    /// When.
    pub submitted_at: Option<i64>,
    /// Who approved or returned.
    pub reviewed_by: Option<String>,
    /// When.
    pub reviewed_at: Option<i64>,
    /// The reviewer's note (the reason of a return).
    pub review_note: Option<String>,
    /// The import that created it.
    pub import_batch_id: Option<ImportBatchId>,
    /// The values.
    pub values: Values,
}

impl FilingVersion {
    /// A new version without workflow stamps: created and updated `now` by `by`.
    #[expect(
        clippy::too_many_arguments,
        reason = "a filing version's identity, state and values"
    )]
    pub fn new(
        org_id: OrgId,
        period: Period,
        version: i32,
        status: FilingStatus,
        source: FilingSource,
        is_current: bool,
        by: &str,
        now: i64,
        values: Values,
    ) -> Self {
        FilingVersion {
            org_id,
            period,
            version,
            status,
            source,
            is_current,
            created_by: by.to_string(),
            created_at: now,
            updated_at: now,
            submitted_by: None,
            submitted_at: None,
            reviewed_by: None,
            reviewed_at: None,
            review_note: None,
            import_batch_id: None,
            values,
        }
    }
}

const META: [&str; 15] = [
    "organisation_id",
    "period",
    "version",
    "status",
    "source",
    "is_current",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_note",
    "import_batch_id",
];

/// All columns of `filing`, metadata first, then one per indicator.
static COLUMNS: LazyLock<String> = LazyLock::new(|| {
    META.iter()
        .copied()
        .chain(ALL.iter().map(|i| i.code))
        .collect::<Vec<_>>()
        .join(", ")
});

static SELECT: LazyLock<String> = LazyLock::new(|| format!("SELECT {} FROM filing", *COLUMNS));

/// Rows per multi-row INSERT: 44 parameters a row stays far below both backends' limits.
const BATCH: usize = 200;

fn insert_sql(rows: usize, backend: crate::Backend) -> String {
    format!(
        "INSERT INTO filing ({}) VALUES {}",
        *COLUMNS,
        backend.values_tuples(rows, META.len() + COUNT)
    )
}

/// `filing_current` columns: the key, the version, one per indicator.
static CURRENT_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    ["period", "organisation_id", "version"]
        .into_iter()
        .chain(ALL.iter().map(|i| i.code))
        .collect::<Vec<_>>()
        .join(", ")
});

fn current_insert_sql(rows: usize, backend: crate::Backend) -> String {
    format!(
        "INSERT INTO filing_current ({}) VALUES {}",
        *CURRENT_COLUMNS,
        backend.values_tuples(rows, 3 + COUNT)
    )
}

static INSERT_BATCH_SQLITE: LazyLock<String> =
    LazyLock::new(|| insert_sql(BATCH, crate::Backend::Sqlite));
static INSERT_BATCH_PG: LazyLock<String> =
    LazyLock::new(|| insert_sql(BATCH, crate::Backend::Postgres));

fn decode<'r, R>(row: &'r R) -> Result<FilingVersion>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    let corrupt = |w: &str| StoreError::Corrupt(format!("filing: {w}"));
    let mut values = Values::default();
    for ind in ALL {
        values.0[ind.index] = row.try_get::<Option<i64>, _>(ind.code)?;
    }
    let period: i32 = row.try_get("period")?;
    let status: String = row.try_get("status")?;
    let source: String = row.try_get("source")?;
    Ok(FilingVersion {
        org_id: OrgId(row.try_get("organisation_id")?),
        period: Period::from_code(period).ok_or_else(|| corrupt("period"))?,
        version: row.try_get("version")?,
        status: FilingStatus::from_code(&status).ok_or_else(|| corrupt("status"))?,
        source: FilingSource::from_code(&source).ok_or_else(|| corrupt("source"))?,
        is_current: row.try_get("is_current")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        submitted_by: row.try_get("submitted_by")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_by: row.try_get("reviewed_by")?,
        reviewed_at: row.try_get("reviewed_at")?,
        review_note: row.try_get("review_note")?,
        import_batch_id: row
            .try_get::<Option<String>, _>("import_batch_id")?
            .map(ImportBatchId),
        values,
    })
}

/// Binds one version's columns in `COLUMNS` order.
macro_rules! bind_filing {
    ($q:expr, $f:expr) => {{
        let f = $f;
        let mut q = $q
            .bind(f.org_id.as_str())
            .bind(f.period.code())
            .bind(f.version)
            .bind(f.status.code())
            .bind(f.source.code())
            .bind(f.is_current)
            .bind(f.created_by.as_str())
            .bind(f.created_at)
            .bind(f.updated_at)
            .bind(f.submitted_by.as_deref())
            .bind(f.submitted_at)
            .bind(f.reviewed_by.as_deref())
            .bind(f.reviewed_at)
            .bind(f.review_note.as_deref())
            .bind(f.import_batch_id.as_ref().map(|b| b.as_str()));
        for v in f.values.0.iter() {
            q = q.bind(*v);
        }
        q
    }};
}

/// A filing waiting for review, with its filer's name and town.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    /// The submitted version.
    pub filing: FilingVersion,
    /// Filer's name.
    pub org_name: String,
    /// Filer's credit code.
    pub credit_code: String,
    /// Filer's town.
    pub town: Option<String>,
}

impl Db {
    /// Inserts one version (see [`Db::insert_filings`]).
    pub async fn insert_filing(&mut self, f: &FilingVersion) -> Result<()> {
        self.insert_filings(std::slice::from_ref(f)).await
    }

    /// Inserts many versions with multi-row statements (imports, the demo). Rows
    /// marked current enter the rollup; the caller must first have cleared any
    /// earlier current version of the same filing with [`Db::clear_current`].
    pub async fn insert_filings(&mut self, filings: &[FilingVersion]) -> Result<()> {
        let mut delta = super::rollup::RollupDelta::default();
        self.insert_filings_deferred(filings, &mut delta).await?;
        self.apply_rollup(&delta).await
    }

    /// Like [`Db::insert_filings`], but adds the rollup changes to `delta` for the
    /// caller to apply once with [`Db::apply_rollup`] (before commit) — a bulk load
    /// in many slices then touches each rollup row once.
    pub async fn insert_filings_deferred(
        &mut self,
        filings: &[FilingVersion],
        delta: &mut super::rollup::RollupDelta,
    ) -> Result<()> {
        for chunk in filings.chunks(BATCH) {
            let sql: String = match (chunk.len(), self.backend()) {
                (BATCH, crate::Backend::Sqlite) => INSERT_BATCH_SQLITE.clone(),
                (BATCH, crate::Backend::Postgres) => INSERT_BATCH_PG.clone(),
                (n, b) => insert_sql(n, b),
            };
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for f in chunk {
                    q = bind_filing!(q, f);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
            let current: Vec<&FilingVersion> = chunk.iter().filter(|f| f.is_current).collect();
            if !current.is_empty() {
                self.insert_current_rows(&current).await?;
                let ids: Vec<&OrgId> = current.iter().map(|f| &f.org_id).collect();
                let keys = self.org_keys(&ids).await?;
                for f in &current {
                    let key = keys.get(f.org_id.as_str()).ok_or(StoreError::NotFound)?;
                    delta.add(f.period.code(), key, &f.values, 1);
                }
            }
        }
        Ok(())
    }

    /// Mirrors current versions into `filing_current`.
    async fn insert_current_rows(&mut self, rows: &[&FilingVersion]) -> Result<()> {
        let sql = current_insert_sql(rows.len(), self.backend());
        with_conn!(self, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for f in rows {
                q = q.bind(f.period.code()).bind(f.org_id.as_str()).bind(f.version);
                for v in f.values.0.iter() {
                    q = q.bind(*v);
                }
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces the values of a draft version.
    pub async fn update_draft(
        &mut self,
        org: &OrgId,
        period: Period,
        version: i32,
        values: &Values,
        now: i64,
    ) -> Result<()> {
        let sets: Vec<String> = ALL
            .iter()
            .enumerate()
            .map(|(k, i)| format!("{} = ${}", i.code, k + 5))
            .collect();
        let sql = format!(
            "UPDATE filing SET updated_at = $4, {} WHERE organisation_id = $1 AND period = $2 AND version = $3 AND status = 'draft'",
            sets.join(", ")
        );
        let r = with_conn!(self, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(org.as_str()).bind(period.code()).bind(version).bind(now);
            for v in values.0.iter() {
                q = q.bind(*v);
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if r == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Moves a version to `to`, stamping who and when (submitter for `submitted`,
    /// reviewer otherwise). Fails with `NotFound` unless it is in `from`.
    #[expect(clippy::too_many_arguments, reason = "one workflow step's columns")]
    pub async fn set_filing_status(
        &mut self,
        org: &OrgId,
        period: Period,
        version: i32,
        from: FilingStatus,
        to: FilingStatus,
        by: &str,
        at: i64,
        note: Option<&str>,
    ) -> Result<()> {
        let sql = if to == FilingStatus::Submitted {
            "UPDATE filing SET status = $5, submitted_by = $6, submitted_at = $7, review_note = $8 \
             WHERE organisation_id = $1 AND period = $2 AND version = $3 AND status = $4"
        } else {
            "UPDATE filing SET status = $5, reviewed_by = $6, reviewed_at = $7, review_note = $8 \
             WHERE organisation_id = $1 AND period = $2 AND version = $3 AND status = $4"
        };
        let r = with_conn!(self, c => {
            sqlx::query(sql)
                .bind(org.as_str())
                .bind(period.code())
                .bind(version)
                .bind(from.code())
                .bind(to.code())
                .bind(by)
                .bind(at)
                .bind(note)
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

    /// Makes `version` the current (latest approved) version of its filing, moving
    /// the rollup from the previous current version's values to its own.
    pub async fn make_current(&mut self, org: &OrgId, period: Period, version: i32) -> Result<()> {
        self.clear_current(org, period).await?;
        let r = with_conn!(self, c => {
            sqlx::query("UPDATE filing SET is_current = TRUE WHERE organisation_id = $1 AND period = $2 AND version = $3")
                .bind(org.as_str())
                .bind(period.code())
                .bind(version)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if r == 0 {
            return Err(StoreError::NotFound);
        }
        let versions = self.filing_versions(org, period).await?;
        let new = versions
            .iter()
            .find(|f| f.version == version)
            .ok_or(StoreError::NotFound)?;
        self.insert_current_rows(&[new]).await?;
        let keys = self.org_keys(&[org]).await?;
        let key = keys.get(org.as_str()).ok_or(StoreError::NotFound)?;
        let mut delta = super::rollup::RollupDelta::default();
        delta.add(period.code(), key, &new.values, 1);
        self.apply_rollup(&delta).await
    }

    /// Un-marks the current version of a filing (if any), taking it out of the
    /// rollup, and returns its values.
    pub async fn clear_current(&mut self, org: &OrgId, period: Period) -> Result<Option<Values>> {
        let versions = self.filing_versions(org, period).await?;
        let Some(old) = versions.into_iter().find(|f| f.is_current) else {
            return Ok(None);
        };
        with_conn!(self, c => {
            sqlx::query("DELETE FROM filing_current WHERE period = $1 AND organisation_id = $2")
                .bind(period.code())
                .bind(org.as_str())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        with_conn!(self, c => {
            sqlx::query("UPDATE filing SET is_current = FALSE WHERE organisation_id = $1 AND period = $2 AND version = $3")
                .bind(org.as_str())
                .bind(period.code())
                .bind(old.version)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        let keys = self.org_keys(&[org]).await?;
        let key = keys.get(org.as_str()).ok_or(StoreError::NotFound)?;
        let mut delta = super::rollup::RollupDelta::default();
        delta.add(period.code(), key, &old.values, -1);
        self.apply_rollup(&delta).await?;
        Ok(Some(old.values))
    }

    /// Differences between `filing_current` and the current versions in `filing`:
    /// filings missing on either side, and periods whose per-indicator sums differ.
    pub async fn filing_current_mismatches(&mut self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let missing: Vec<(String, i32, i32)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT f.organisation_id, f.period, f.version FROM filing f WHERE f.is_current AND NOT EXISTS \
                 (SELECT 1 FROM filing_current c WHERE c.period = f.period AND c.organisation_id = f.organisation_id AND c.version = f.version) LIMIT 20",
            )
            .fetch_all(&mut *c)
            .await
        })?;
        out.extend(missing.into_iter().map(|(o, p, v)| {
            format!("filing {o} {p} v{v} is current but missing from filing_current")
        }));
        let stale: Vec<(String, i32, i32)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT c.organisation_id, c.period, c.version FROM filing_current c WHERE NOT EXISTS \
                 (SELECT 1 FROM filing f WHERE f.period = c.period AND f.organisation_id = c.organisation_id AND f.version = c.version AND f.is_current) LIMIT 20",
            )
            .fetch_all(&mut *c)
            .await
        })?;
        out.extend(
            stale
                .into_iter()
                .map(|(o, p, v)| format!("filing_current {o} {p} v{v} is not the current version")),
        );
        let sums = |table: &str, cond: &str| {
            format!(
                "SELECT period, CAST(COUNT(*) AS BIGINT), {} FROM {table} {cond} GROUP BY period ORDER BY period",
                ALL.iter()
                    .map(|i| format!(
                        "CAST(COALESCE(SUM({c}), 0) AS BIGINT), CAST(COUNT({c}) AS BIGINT)",
                        c = i.code
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let a = self
            .period_sums(&sums("filing", "WHERE is_current"))
            .await?;
        let b = self.period_sums(&sums("filing_current", "")).await?;
        if a != b {
            out.push("per-period sums of filing_current differ from the current filings".into());
        }
        Ok(out)
    }

    async fn period_sums(&mut self, sql: &str) -> Result<Vec<Vec<i64>>> {
        let sql = sql.to_string();
        with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?;
            rows.iter()
                .map(|r| {
                    let mut v = vec![i64::from(r.try_get::<i32, _>(0usize)?)];
                    for k in 1..r.len() {
                        v.push(r.try_get::<i64, _>(k)?);
                    }
                    Ok(v)
                })
                .collect::<Result<Vec<_>>>()
        })
    }

    /// Every version of one filing, oldest first.
    pub async fn filing_versions(
        &mut self,
        org: &OrgId,
        period: Period,
    ) -> Result<Vec<FilingVersion>> {
        let sql = format!(
            "{} WHERE organisation_id = $1 AND period = $2 ORDER BY version",
            *SELECT
        );
        with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(org.as_str()).bind(period.code()).fetch_all(&mut *c).await?;
            rows.iter().map(decode).collect::<Result<Vec<_>>>()
        })
    }

    /// The latest version of one filing.
    pub async fn latest_filing(
        &mut self,
        org: &OrgId,
        period: Period,
    ) -> Result<Option<FilingVersion>> {
        let sql = format!(
            "{} WHERE organisation_id = $1 AND period = $2 ORDER BY version DESC LIMIT 1",
            *SELECT
        );
        with_conn!(self, c => {
            let row = sqlx::query(AssertSqlSafe(sql)).bind(org.as_str()).bind(period.code()).fetch_optional(&mut *c).await?;
            row.as_ref().map(decode).transpose()
        })
    }

    /// The latest version of every filing of an organisation, newest period first.
    pub async fn latest_filings_of(&mut self, org: &OrgId) -> Result<Vec<FilingVersion>> {
        let sql = format!(
            "{} f WHERE f.organisation_id = $1 AND f.version = \
             (SELECT MAX(g.version) FROM filing g WHERE g.organisation_id = f.organisation_id AND g.period = f.period) \
             ORDER BY f.period DESC",
            *SELECT
        );
        with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(org.as_str()).fetch_all(&mut *c).await?;
            rows.iter().map(decode).collect::<Result<Vec<_>>>()
        })
    }

    /// The current (approved) version of every filing of an organisation, oldest first.
    pub async fn current_filings_of(&mut self, org: &OrgId) -> Result<Vec<FilingVersion>> {
        let sql = format!(
            "{} WHERE organisation_id = $1 AND is_current ORDER BY period",
            *SELECT
        );
        with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(org.as_str()).fetch_all(&mut *c).await?;
            rows.iter().map(decode).collect::<Result<Vec<_>>>()
        })
    }

    /// Submitted filings waiting for review, oldest first, optionally within towns.
    pub async fn review_queue(
        &mut self,
        scope_towns: Option<&[String]>,
        limit: i64,
    ) -> Result<Vec<ReviewItem>> {
        let cols: String = COLUMNS
            .split(", ")
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = format!(
            "SELECT {cols}, o.name AS org_name, o.credit_code AS org_code, o.town AS org_town FROM filing f \
             JOIN organisation o ON o.organisation_id = f.organisation_id WHERE f.status = 'submitted'"
        );
        if let Some(t) = scope_towns {
            if t.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(
                " AND o.town IN ({})",
                super::placeholders(2, t.len())
            ));
        }
        sql.push_str(" ORDER BY f.submitted_at LIMIT $1");
        with_conn!(self, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(limit);
            for t in scope_towns.unwrap_or(&[]) {
                q = q.bind(t);
            }
            let rows = q.fetch_all(&mut *c).await?;
            rows.iter()
                .map(|r| {
                    Ok(ReviewItem {
                        filing: decode(r)?,
                        org_name: r.try_get("org_name")?,
                        credit_code: r.try_get("org_code")?,
                        town: r.try_get("org_town")?,
                    })
                })
                .collect::<Result<Vec<_>>>()
        })
    }
}
