//! Aggregate queries for reports and dashboards. The same queries serve the demo
//! district and any real one; nothing here knows a published figure.

use super::placeholders;
use super::rollup::RollupSums;
use crate::{Db, Result, with_conn};
use chrono::NaiveDate;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::Indicator;
use kechuang_core::period::Period;
use kechuang_core::qualification::QualificationKind;
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

/// R&D expense of 规上 industrial enterprises for one year-to-date quarter, and the
/// same enterprises' figure a year earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdAboveScale {
    /// The quarter summed.
    pub period: Period,
    /// Sum, fen.
    pub amount_fen: i64,
    /// Enterprises in the sum.
    pub enterprises: i64,
    /// The same enterprises' sum a year earlier, fen.
    pub base_fen: i64,
    /// Of those, how many had a filing a year earlier.
    pub base_enterprises: i64,
}

/// Sums of one town for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownIndicatorSums {
    /// Town ('' when unknown).
    pub town: String,
    /// Period code.
    pub period: i32,
    /// Sums and counts.
    pub sums: RollupSums,
}

/// Everything the district dashboard shows for one period.
#[derive(Debug, Clone)]
pub struct DashboardFigures {
    /// Enterprises per qualification valid on the day.
    pub by_qualification: Vec<(QualificationKind, i64)>,
    /// Per town, the period and its year-earlier base.
    pub towns: Vec<TownIndicatorSums>,
    /// Top enterprises by the chosen indicator.
    pub top: Vec<(OrgId, String, i64)>,
}

impl Db {
    /// R&D of 规上 enterprises for the latest of `quarters` (newest first) that has
    /// any approved filing, with the year-earlier sum over the same enterprises.
    pub async fn rd_above_scale(&mut self, quarters: &[Period]) -> Result<Option<RdAboveScale>> {
        for &q in quarters {
            let (n, sum): (i64, i64) = with_conn!(self, c => {
                sqlx::query_as(
                    "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(f.rd_expense), 0) AS BIGINT) FROM filing_current f \
                     JOIN organisation o ON o.organisation_id = f.organisation_id \
                     WHERE f.period = $1 AND o.above_scale AND o.kind = 'enterprise' AND f.rd_expense IS NOT NULL",
                )
                .bind(q.code())
                .fetch_one(&mut *c)
                .await
            })?;
            if n == 0 {
                continue;
            }
            let base_period = q.year_earlier().map_or(0, |p| p.code());
            let (bn, bsum): (i64, i64) = with_conn!(self, c => {
                sqlx::query_as(
                    "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(p.rd_expense), 0) AS BIGINT) FROM filing_current p \
                     JOIN filing_current f ON f.period = $1 AND f.organisation_id = p.organisation_id AND f.rd_expense IS NOT NULL \
                     JOIN organisation o ON o.organisation_id = p.organisation_id \
                     WHERE p.period = $2 AND o.above_scale AND o.kind = 'enterprise' AND p.rd_expense IS NOT NULL",
                )
                .bind(q.code())
                .bind(base_period)
                .fetch_one(&mut *c)
                .await
            })?;
            return Ok(Some(RdAboveScale {
                period: q,
                amount_fen: sum,
                enterprises: n,
                base_fen: bsum,
                base_enterprises: bn,
            }));
        }
        Ok(None)
    }

    /// Per-town sums of every indicator for `periods`, from the rollup.
    pub async fn town_indicator_sums(
        &mut self,
        periods: &[Period],
    ) -> Result<Vec<TownIndicatorSums>> {
        let codes: Vec<i32> = periods.iter().map(|p| p.code()).collect();
        let rows = self.rollup_by_town(&codes).await?;
        let mut by_town: BTreeMap<(String, i32), RollupSums> = BTreeMap::new();
        for (k, s) in rows {
            by_town.entry((k.town, k.period)).or_default().merge(&s);
        }
        Ok(by_town
            .into_iter()
            .map(|((town, period), sums)| TownIndicatorSums { town, period, sums })
            .collect())
    }

    /// The same figures computed by scanning the filings (no rollup): for checks
    /// and for the benchmark's comparison.
    pub async fn town_indicator_sums_scan(
        &mut self,
        periods: &[Period],
    ) -> Result<Vec<TownIndicatorSums>> {
        let all = self.rollup_recomputed_for(periods).await?;
        let mut by_town: BTreeMap<(String, i32), RollupSums> = BTreeMap::new();
        for (k, s) in all {
            by_town.entry((k.town, k.period)).or_default().merge(&s);
        }
        Ok(by_town
            .into_iter()
            .map(|((town, period), sums)| TownIndicatorSums { town, period, sums })
            .collect())
    }

    /// Enterprises holding each qualification on `day` (each counted once per kind),
    /// optionally only within towns.
    pub async fn counts_by_qualification(
        &mut self,
        day: NaiveDate,
        scope_towns: Option<&[String]>,
    ) -> Result<Vec<(QualificationKind, i64)>> {
        if scope_towns.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        let valid = "q.recognized_on <= $1 AND (q.valid_until IS NULL OR q.valid_until >= $1)";
        let sql = match scope_towns {
            // Unscoped: no join, one pass over the qualification table.
            None => format!(
                "SELECT q.kind, CAST(COUNT(DISTINCT q.organisation_id) AS BIGINT) FROM qualification q WHERE {valid} GROUP BY q.kind"
            ),
            Some(t) => format!(
                "SELECT q.kind, CAST(COUNT(DISTINCT q.organisation_id) AS BIGINT) FROM qualification q \
                 JOIN organisation o ON o.organisation_id = q.organisation_id WHERE {valid} AND o.town IN ({}) GROUP BY q.kind",
                placeholders(2, t.len())
            ),
        };
        let rows: Vec<(String, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(to_iso(day));
            if let Some(t) = scope_towns {
                for x in t {
                    q = q.bind(x);
                }
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, n)| QualificationKind::from_code(&k).map(|k| (k, n)))
            .collect())
    }

    /// The `n` enterprises with the highest value of `indicator` in `period`.
    pub async fn top_by_indicator(
        &mut self,
        period: Period,
        indicator: &Indicator,
        n: i64,
        scope_towns: Option<&[String]>,
    ) -> Result<Vec<(OrgId, String, i64)>> {
        if scope_towns.is_some_and(<[String]>::is_empty) {
            return Ok(Vec::new());
        }
        // The column name comes from the fixed indicator table, never from input.
        let col = indicator.code;
        // Unscoped, rank the filings alone and join the names of the winners only.
        let sql = match scope_towns {
            None => format!(
                "SELECT t.organisation_id, o.name, t.v FROM (SELECT organisation_id, {col} AS v FROM filing_current \
                 WHERE period = $1 AND {col} IS NOT NULL ORDER BY {col} DESC LIMIT $2) t \
                 JOIN organisation o ON o.organisation_id = t.organisation_id ORDER BY t.v DESC, o.name"
            ),
            Some(t) => format!(
                "SELECT f.organisation_id, o.name, f.{col} FROM filing_current f JOIN organisation o ON o.organisation_id = f.organisation_id \
                 WHERE f.period = $1 AND f.{col} IS NOT NULL AND o.town IN ({}) ORDER BY f.{col} DESC, o.name LIMIT $2",
                placeholders(3, t.len())
            ),
        };
        let rows: Vec<(String, String, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(period.code()).bind(n);
            if let Some(t) = scope_towns {
                for x in t {
                    q = q.bind(x);
                }
            }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, name, v)| (OrgId(id), name, v))
            .collect())
    }
}
