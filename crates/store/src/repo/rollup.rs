//! `filing_rollup`: sums of current filings per (period, town, cluster, 规上).
//!
//! Every change of which version is current, and every change of an enterprise's
//! town, cluster or 规上 flag, goes through here in the same transaction, so the
//! rollup always equals a GROUP BY over the current filings (`kechuang check`
//! compares the two).

use super::placeholders;
use crate::{Db, Result, with_conn};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::{ALL, COUNT, Values};
use sqlx::{AssertSqlSafe, Row};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// The grouping of one rollup row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RollupKey {
    /// Period code.
    pub period: i32,
    /// Town ('' when unknown).
    pub town: String,
    /// Cluster ('' when unknown).
    pub cluster: String,
    /// 规上.
    pub above_scale: bool,
}

/// Sums and counts of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupSums {
    /// Current filings in the group.
    pub filings: i64,
    /// Sum per indicator slot.
    pub sums: [i64; COUNT],
    /// Filings reporting each indicator.
    pub counts: [i64; COUNT],
}

impl Default for RollupSums {
    fn default() -> Self {
        Self {
            filings: 0,
            sums: [0; COUNT],
            counts: [0; COUNT],
        }
    }
}

impl RollupSums {
    /// Adds (`sign = 1`) or removes (`sign = -1`) one filing's values.
    pub fn add(&mut self, values: &Values, sign: i64) {
        self.filings += sign;
        for (k, v) in values.0.iter().enumerate() {
            if let Some(v) = v {
                self.sums[k] += sign * v;
                self.counts[k] += sign;
            }
        }
    }

    /// Adds another group's sums.
    pub fn merge(&mut self, other: &RollupSums) {
        self.filings += other.filings;
        for k in 0..COUNT {
            self.sums[k] += other.sums[k];
            self.counts[k] += other.counts[k];
        }
    }

    fn is_zero(&self) -> bool {
        self.filings == 0
            && self.sums.iter().all(|s| *s == 0)
            && self.counts.iter().all(|c| *c == 0)
    }
}

/// Pending changes to the rollup, applied with [`Db::apply_rollup`].
#[derive(Debug, Default)]
pub struct RollupDelta(pub HashMap<RollupKey, RollupSums>);

/// An organisation's grouping attributes.
pub type OrgKey = (String, String, bool);

impl RollupDelta {
    /// Records one filing entering (`sign = 1`) or leaving (`-1`) the current set.
    pub fn add(&mut self, period: i32, org: &OrgKey, values: &Values, sign: i64) {
        let key = RollupKey {
            period,
            town: org.0.clone(),
            cluster: org.1.clone(),
            above_scale: org.2,
        };
        self.0.entry(key).or_default().add(values, sign);
    }
}

static UPSERT: LazyLock<String> = LazyLock::new(|| {
    let cols: Vec<String> = ALL
        .iter()
        .flat_map(|i| [format!("s_{}", i.code), format!("n_{}", i.code)])
        .collect();
    let params: Vec<String> = (6..6 + cols.len()).map(|i| format!("${i}")).collect();
    let sets: Vec<String> =
        std::iter::once("filings = filing_rollup.filings + excluded.filings".to_string())
            .chain(
                cols.iter()
                    .map(|c| format!("{c} = filing_rollup.{c} + excluded.{c}")),
            )
            .collect();
    format!(
        "INSERT INTO filing_rollup (period, town, cluster, above_scale, filings, {}) VALUES ($1, $2, $3, $4, $5, {}) \
         ON CONFLICT (period, town, cluster, above_scale) DO UPDATE SET {}",
        cols.join(", "),
        params.join(", "),
        sets.join(", ")
    )
});

static SELECT_COLS: LazyLock<String> = LazyLock::new(|| {
    ALL.iter()
        .flat_map(|i| [format!("s_{}", i.code), format!("n_{}", i.code)])
        .collect::<Vec<_>>()
        .join(", ")
});

/// The GROUP BY that the rollup must equal.
static RECOMPUTE: LazyLock<String> = LazyLock::new(|| {
    let aggs: Vec<String> = ALL
        .iter()
        .flat_map(|i| {
            [
                format!(
                    "CAST(COALESCE(SUM(f.{c}), 0) AS BIGINT) AS s_{c}",
                    c = i.code
                ),
                format!("CAST(COUNT(f.{c}) AS BIGINT) AS n_{c}", c = i.code),
            ]
        })
        .collect();
    format!(
        "SELECT f.period AS period, COALESCE(o.town, '') AS town, COALESCE(o.cluster, '') AS cluster, o.above_scale AS above_scale, \
         CAST(COUNT(*) AS BIGINT) AS filings, {} FROM filing_current f JOIN organisation o ON o.organisation_id = f.organisation_id \
         WHERE 1 = 1 GROUP BY f.period, COALESCE(o.town, ''), COALESCE(o.cluster, ''), o.above_scale",
        aggs.join(", ")
    )
});

/// Decodes rollup rows selected as `period, town, cluster, above_scale, filings`
/// followed by `s_<code>, n_<code>` for every indicator in table order.
fn decode_rows<R>(rows: &[R]) -> Result<BTreeMap<RollupKey, RollupSums>>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut out = BTreeMap::new();
    for r in rows {
        let key = RollupKey {
            period: r.try_get(0usize)?,
            town: r.try_get(1usize)?,
            cluster: r.try_get(2usize)?,
            above_scale: r.try_get(3usize)?,
        };
        let mut s = RollupSums {
            filings: r.try_get(4usize)?,
            ..RollupSums::default()
        };
        for k in 0..COUNT {
            s.sums[k] = r.try_get(5 + 2 * k)?;
            s.counts[k] = r.try_get(6 + 2 * k)?;
        }
        out.insert(key, s);
    }
    Ok(out)
}

impl Db {
    /// Applies pending changes; groups that fall to zero are removed.
    pub async fn apply_rollup(&mut self, delta: &RollupDelta) -> Result<()> {
        for (key, s) in &delta.0 {
            if s.is_zero() {
                continue;
            }
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(UPSERT.as_str()))
                    .bind(key.period)
                    .bind(&key.town)
                    .bind(&key.cluster)
                    .bind(key.above_scale)
                    .bind(s.filings);
                for k in 0..COUNT {
                    q = q.bind(s.sums[k]).bind(s.counts[k]);
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        with_conn!(self, c => sqlx::query("DELETE FROM filing_rollup WHERE filings = 0").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Grouping attributes of organisations.
    pub async fn org_keys(&mut self, orgs: &[&OrgId]) -> Result<HashMap<String, OrgKey>> {
        let mut out = HashMap::with_capacity(orgs.len());
        for chunk in orgs.chunks(500) {
            let sql = format!(
                "SELECT organisation_id, COALESCE(town, ''), COALESCE(cluster, ''), above_scale FROM organisation \
                 WHERE organisation_id IN ({})",
                placeholders(1, chunk.len())
            );
            let rows: Vec<(String, String, String, bool)> = with_conn!(self, c => {
                let mut q = sqlx::query_as(AssertSqlSafe(sql));
                for o in chunk {
                    q = q.bind(o.as_str());
                }
                q.fetch_all(&mut *c).await
            })?;
            for (id, t, c, a) in rows {
                out.insert(id, (t, c, a));
            }
        }
        Ok(out)
    }

    /// Rollup rows for some periods.
    pub async fn rollup_rows(
        &mut self,
        periods: &[i32],
    ) -> Result<BTreeMap<RollupKey, RollupSums>> {
        if periods.is_empty() {
            return Ok(BTreeMap::new());
        }
        let sql = format!(
            "SELECT period, town, cluster, above_scale, filings, {} FROM filing_rollup WHERE period IN ({})",
            *SELECT_COLS,
            placeholders(1, periods.len())
        );
        with_conn!(self, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for p in periods {
                q = q.bind(*p);
            }
            let rows = q.fetch_all(&mut *c).await?;
            decode_rows(&rows)
        })
    }

    /// Rollup rows for some periods summed over clusters and 规上 (one row per
    /// period and town; `cluster` is '' and `above_scale` false in the keys).
    pub async fn rollup_by_town(
        &mut self,
        periods: &[i32],
    ) -> Result<BTreeMap<RollupKey, RollupSums>> {
        if periods.is_empty() {
            return Ok(BTreeMap::new());
        }
        let sums = ALL
            .iter()
            .map(|i| {
                format!(
                    "CAST(SUM(s_{c}) AS BIGINT), CAST(SUM(n_{c}) AS BIGINT)",
                    c = i.code
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT period, town, '' AS cluster, FALSE AS above_scale, CAST(SUM(filings) AS BIGINT), {sums} FROM filing_rollup \
             WHERE period IN ({}) GROUP BY period, town",
            placeholders(1, periods.len())
        );
        with_conn!(self, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for p in periods {
                q = q.bind(*p);
            }
            let rows = q.fetch_all(&mut *c).await?;
            decode_rows(&rows)
        })
    }

    /// The whole stored rollup.
    pub async fn rollup_all(&mut self) -> Result<BTreeMap<RollupKey, RollupSums>> {
        let sql = format!(
            "SELECT period, town, cluster, above_scale, filings, {} FROM filing_rollup",
            *SELECT_COLS
        );
        with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?;
            decode_rows(&rows)
        })
    }

    /// The rollup computed afresh from the current filings (a full scan).
    pub async fn rollup_recomputed(&mut self) -> Result<BTreeMap<RollupKey, RollupSums>> {
        with_conn!(self, c => {
            let rows = sqlx::query(AssertSqlSafe(RECOMPUTE.as_str())).fetch_all(&mut *c).await?;
            decode_rows(&rows)
        })
    }

    /// The rollup of some periods computed afresh from the current filings.
    pub async fn rollup_recomputed_for(
        &mut self,
        periods: &[kechuang_core::period::Period],
    ) -> Result<BTreeMap<RollupKey, RollupSums>> {
        if periods.is_empty() {
            return Ok(BTreeMap::new());
        }
        let sql = RECOMPUTE.replace(
            "WHERE 1 = 1 GROUP BY",
            &format!(
                "WHERE f.period IN ({}) GROUP BY",
                placeholders(1, periods.len())
            ),
        );
        with_conn!(self, c => {
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for p in periods {
                q = q.bind(p.code());
            }
            let rows = q.fetch_all(&mut *c).await?;
            decode_rows(&rows)
        })
    }

    /// Replaces the stored rollup with a recomputation.
    pub async fn rebuild_rollup(&mut self) -> Result<()> {
        let fresh = self.rollup_recomputed().await?;
        with_conn!(self, c => sqlx::query("DELETE FROM filing_rollup").execute(&mut *c).await.map(|r| r.rows_affected()))?;
        let delta = RollupDelta(fresh.into_iter().collect());
        self.apply_rollup(&delta).await
    }

    /// Moves an organisation's current filings from one grouping to another.
    pub(crate) async fn move_rollup(
        &mut self,
        org: &OrgId,
        from: &OrgKey,
        to: &OrgKey,
    ) -> Result<()> {
        if from == to {
            return Ok(());
        }
        let current = self.current_filings_of(org).await?;
        let mut delta = RollupDelta::default();
        for f in &current {
            delta.add(f.period.code(), from, &f.values, -1);
            delta.add(f.period.code(), to, &f.values, 1);
        }
        self.apply_rollup(&delta).await
    }
}
