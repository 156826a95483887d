//! Aggregates of the indicator wall and the report limited to a selection of
//! organisations (towns and/or an industrial cluster). Every figure is attributed
//! to an organisation's `town` / `cluster`: an enterprise's own records (filings,
//! qualifications, cultivation, loans, subsidies), a contract's seller (the
//! contract's registered town, the seller's cluster), a collaboration's enterprise
//! party, an interest or thread when either party is selected, a need's poster.

use super::chain::ChainCounts;
use super::placeholders;
use crate::{Db, Result, with_conn};
use chrono::NaiveDate;
use kechuang_core::chain::Stage;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::Indicator;
use kechuang_core::period::Period;
use kechuang_core::qualification::QualificationKind;
use sqlx::AssertSqlSafe;

/// Which organisations a figure is limited to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// Towns (`None`: every town, and organisations without one).
    pub towns: Option<&'a [String]>,
    /// Industrial cluster (`None`: every cluster).
    pub cluster: Option<&'a str>,
}

impl Selection<'_> {
    /// Whether this selects the whole district.
    pub fn is_all(&self) -> bool {
        self.towns.is_none() && self.cluster.is_none()
    }

    /// Whether nothing can match (an empty list of towns).
    pub fn is_empty(&self) -> bool {
        self.towns.is_some_and(<[String]>::is_empty)
    }

    /// SQL conditions (each starting with ` AND `) on the town column `town` and
    /// the cluster column `cluster`, with placeholders from `$start`, and the values
    /// to bind in order.
    fn conditions(&self, town: &str, cluster: &str, start: usize) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut args = Vec::new();
        if let Some(t) = self.towns {
            sql.push_str(&format!(
                " AND {town} IN ({})",
                placeholders(start, t.len())
            ));
            args.extend(t.iter().cloned());
        }
        if let Some(c) = self.cluster {
            sql.push_str(&format!(" AND {cluster} = ${}", start + args.len()));
            args.push(c.to_string());
        }
        (sql, args)
    }
}

impl Db {
    /// Enterprises of the selection holding each qualification on `day` (each
    /// counted once per kind).
    pub async fn qualification_counts_in(
        &mut self,
        day: NaiveDate,
        sel: Selection<'_>,
    ) -> Result<Vec<(QualificationKind, i64)>> {
        if sel.is_empty() {
            return Ok(Vec::new());
        }
        if sel.is_all() {
            return self.counts_by_qualification(day, None).await;
        }
        let (cond, args) = sel.conditions("o.town", "o.cluster", 2);
        let sql = format!(
            "SELECT q.kind, CAST(COUNT(DISTINCT q.organisation_id) AS BIGINT) FROM qualification q \
             JOIN organisation o ON o.organisation_id = q.organisation_id \
             WHERE q.recognized_on <= $1 AND (q.valid_until IS NULL OR q.valid_until >= $1){cond} GROUP BY q.kind"
        );
        let rows: Vec<(String, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone())).bind(to_iso(day));
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, n)| QualificationKind::from_code(&k).map(|k| (k, n)))
            .collect())
    }

    /// The `n` enterprises of the selection with the highest value of `indicator`
    /// in `period`.
    pub async fn top_in(
        &mut self,
        period: Period,
        indicator: &Indicator,
        n: i64,
        sel: Selection<'_>,
    ) -> Result<Vec<(OrgId, String, i64)>> {
        if sel.is_empty() {
            return Ok(Vec::new());
        }
        if sel.is_all() {
            return self.top_by_indicator(period, indicator, n, None).await;
        }
        // The column name comes from the fixed indicator table, never from input.
        let col = indicator.code;
        let (cond, args) = sel.conditions("o.town", "o.cluster", 3);
        let sql = format!(
            "SELECT f.organisation_id, o.name, f.{col} FROM filing_current f JOIN organisation o ON o.organisation_id = f.organisation_id \
             WHERE f.period = $1 AND f.{col} IS NOT NULL{cond} ORDER BY f.{col} DESC, o.name LIMIT $2"
        );
        let rows: Vec<(String, String, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone())).bind(period.code()).bind(n);
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, name, v)| (OrgId(id), name, v))
            .collect())
    }

    /// Every reported value of `indicator` in `period` within the selection
    /// (current filings), ascending.
    pub async fn indicator_values_in(
        &mut self,
        period: Period,
        indicator: &Indicator,
        sel: Selection<'_>,
    ) -> Result<Vec<i64>> {
        if sel.is_empty() {
            return Ok(Vec::new());
        }
        let col = indicator.code;
        let sql = if sel.is_all() {
            format!(
                "SELECT {col} FROM filing_current WHERE period = $1 AND {col} IS NOT NULL ORDER BY {col}"
            )
        } else {
            let (cond, _) = sel.conditions("o.town", "o.cluster", 2);
            format!(
                "SELECT f.{col} FROM filing_current f JOIN organisation o ON o.organisation_id = f.organisation_id \
                 WHERE f.period = $1 AND f.{col} IS NOT NULL{cond} ORDER BY f.{col}"
            )
        };
        let (_, args) = sel.conditions("", "", 2);
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(sql.clone())).bind(period.code());
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_all(&mut *c).await
        })?)
    }

    /// Per tier, enterprises of the selection ready for a tier they do not hold.
    pub async fn ready_counts_in(&mut self, sel: Selection<'_>) -> Result<Vec<(String, i64)>> {
        if sel.is_empty() {
            return Ok(Vec::new());
        }
        if sel.is_all() {
            return self.ready_counts().await;
        }
        let (cond, args) = sel.conditions("o.town", "o.cluster", 1);
        let sql = format!(
            "SELECT lc.tier, COUNT(*) FROM ladder_current lc JOIN organisation o ON o.organisation_id = lc.organisation_id \
             WHERE lc.ready AND NOT lc.held{cond} GROUP BY lc.tier ORDER BY lc.tier"
        );
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_all(&mut *c).await
        })?)
    }

    /// Loans of the selection's enterprises started on or before `to`: count,
    /// principal and leveraged commercial loans, fen.
    pub async fn loan_totals_in(
        &mut self,
        to: NaiveDate,
        sel: Selection<'_>,
    ) -> Result<(i64, i64, i64)> {
        if sel.is_empty() {
            return Ok((0, 0, 0));
        }
        if sel.is_all() {
            return self.loan_totals_until(to).await;
        }
        let (cond, args) = sel.conditions("o.town", "o.cluster", 2);
        let sql = format!(
            "SELECT COUNT(*), CAST(SUM(l.amount_fen) AS BIGINT), CAST(SUM(l.leveraged_commercial_fen) AS BIGINT) \
             FROM loan l JOIN organisation o ON o.organisation_id = l.organisation_id WHERE l.start_on <= $1{cond}"
        );
        let row: (i64, Option<i64>, Option<i64>) = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone())).bind(to_iso(to));
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_one(&mut *c).await
        })?;
        Ok((row.0, row.1.unwrap_or(0), row.2.unwrap_or(0)))
    }

    /// Subsidy applications of the selection's enterprises submitted up to `to`,
    /// and the sum paid to them through the ledger up to `to`, fen.
    pub async fn subsidy_totals_in(
        &mut self,
        to: NaiveDate,
        sel: Selection<'_>,
    ) -> Result<(i64, i64)> {
        if sel.is_empty() {
            return Ok((0, 0));
        }
        if sel.is_all() {
            return Ok((
                self.count_subsidy_applications(to).await?,
                self.subsidy_paid_fen(to).await?,
            ));
        }
        let (cond, args) = sel.conditions("o.town", "o.cluster", 2);
        let apps = format!(
            "SELECT COUNT(*) FROM subsidy_application a JOIN organisation o ON o.organisation_id = a.organisation_id \
             WHERE a.submitted_on IS NOT NULL AND a.submitted_on <= $1{cond}"
        );
        let paid = format!(
            "SELECT CAST(COALESCE(SUM(t.amount_fen), 0) AS BIGINT) FROM subsidy_application a \
             JOIN ledger_tx t ON t.tx_id = a.ledger_tx_id JOIN organisation o ON o.organisation_id = a.organisation_id \
             WHERE a.paid_on <= $1{cond}"
        );
        let mut out = [0i64; 2];
        for (i, sql) in [apps, paid].into_iter().enumerate() {
            out[i] = with_conn!(self, c => {
                let mut q = sqlx::query_scalar(AssertSqlSafe(sql.clone())).bind(to_iso(to));
                for a in &args { q = q.bind(a.as_str()); }
                q.fetch_one(&mut *c).await
            })?;
        }
        Ok((out[0], out[1]))
    }

    /// Registered contracts of `[from, to]` (by registration date) whose seller is
    /// in the selection: count, 合同成交额 and 技术交易额, fen. The town is the
    /// contract's (the seller's at registration), the cluster the seller's.
    pub async fn contract_totals_in(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        sel: Selection<'_>,
    ) -> Result<(i64, i64, i64)> {
        if sel.is_empty() {
            return Ok((0, 0, 0));
        }
        let (cond, args) = sel.conditions("k.town", "o.cluster", 3);
        let sql = format!(
            "SELECT COUNT(*), CAST(SUM(k.amount_fen) AS BIGINT), CAST(SUM(k.tech_verified_fen) AS BIGINT) \
             FROM contract k JOIN organisation o ON o.organisation_id = k.seller_org_id \
             WHERE k.status = 'registered' AND k.registered_on >= $1 AND k.registered_on <= $2{cond}"
        );
        let row: (i64, Option<i64>, Option<i64>) = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone())).bind(to_iso(from)).bind(to_iso(to));
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_one(&mut *c).await
        })?;
        Ok((row.0, row.1.unwrap_or(0), row.2.unwrap_or(0)))
    }

    /// Needs posted between two instants (unix µs, inclusive start, exclusive end)
    /// by organisations of the selection.
    pub async fn need_count_in(
        &mut self,
        from_us: i64,
        to_us: i64,
        sel: Selection<'_>,
    ) -> Result<i64> {
        if sel.is_empty() {
            return Ok(0);
        }
        let (cond, args) = sel.conditions("o.town", "o.cluster", 3);
        let sql = format!(
            "SELECT COUNT(*) FROM need n JOIN organisation o ON o.organisation_id = n.organisation_id \
             WHERE n.created_at >= $1 AND n.created_at < $2{cond}"
        );
        Ok(with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(sql.clone())).bind(from_us).bind(to_us);
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_one(&mut *c).await
        })?)
    }

    /// [`Db::chain_counts`] limited to the selection: interests and threads with
    /// either party selected, collaborations (and their stages and amounts) whose
    /// enterprise party is selected.
    pub async fn chain_counts_in(
        &mut self,
        from: NaiveDate,
        to: NaiveDate,
        sel: Selection<'_>,
    ) -> Result<ChainCounts> {
        if sel.is_all() {
            return self.chain_counts(from, to).await;
        }
        if sel.is_empty() {
            return Ok(ChainCounts::default());
        }
        let (f, t) = (to_iso(from), to_iso(to));
        let (cond, args) = sel.conditions("o.town", "o.cluster", 1);
        let party = |col: &str| {
            format!("{col} IN (SELECT o.organisation_id FROM organisation o WHERE 1 = 1{cond})")
        };
        // Placeholders: the selection first ($1…), then the two dates.
        let d1 = args.len() + 1;
        let d2 = args.len() + 2;
        let interests = format!(
            "SELECT COUNT(*), SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) FROM interest \
             WHERE ({} OR {}) AND sent_on >= ${d1} AND sent_on <= ${d2}",
            party("from_org_id"),
            party("to_org_id")
        );
        let threads = format!(
            "SELECT COUNT(*) FROM thread WHERE ({} OR {}) AND opened_on >= ${d1} AND opened_on <= ${d2}",
            party("from_org_id"),
            party("to_org_id")
        );
        let collabs = format!(
            "SELECT SUM(CASE WHEN source = 'session' THEN 1 ELSE 0 END), CAST(SUM(amount_fen) AS BIGINT) FROM collaboration \
             WHERE {} AND signed_on >= ${d1} AND signed_on <= ${d2}",
            party("enterprise_org_id")
        );
        let stages = format!(
            "SELECT s.stage, COUNT(*) FROM chain_stage s JOIN collaboration k ON k.collaboration_id = s.collaboration_id \
             WHERE {} AND s.on_date >= ${d1} AND s.on_date <= ${d2} GROUP BY s.stage",
            party("k.enterprise_org_id")
        );
        // The selection's values appear once per `party(..)` use; SQL placeholders
        // may repeat, so bind them once.
        let (interests, accepted): (i64, Option<i64>) = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(interests.clone()));
            for a in &args { q = q.bind(a.as_str()); }
            q.bind(&f).bind(&t).fetch_one(&mut *c).await
        })?;
        let threads: i64 = with_conn!(self, c => {
            let mut q = sqlx::query_scalar(AssertSqlSafe(threads.clone()));
            for a in &args { q = q.bind(a.as_str()); }
            q.bind(&f).bind(&t).fetch_one(&mut *c).await
        })?;
        let (sessions, amount): (Option<i64>, Option<i64>) = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(collabs.clone()));
            for a in &args { q = q.bind(a.as_str()); }
            q.bind(&f).bind(&t).fetch_one(&mut *c).await
        })?;
        let per_stage: Vec<(String, i64)> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(stages.clone()));
            for a in &args { q = q.bind(a.as_str()); }
            q.bind(&f).bind(&t).fetch_all(&mut *c).await
        })?;
        let n = |s: Stage| {
            per_stage
                .iter()
                .find(|(x, _)| x == s.code())
                .map_or(0, |(_, n)| *n)
        };
        Ok(ChainCounts {
            interests,
            interests_accepted: accepted.unwrap_or(0),
            threads,
            collaborations: n(Stage::Collaboration),
            collaborations_from_sessions: sessions.unwrap_or(0),
            contracts: n(Stage::Contract),
            conversions: n(Stage::Conversion),
            products: n(Stage::Product),
            amount_fen: amount.unwrap_or(0),
        })
    }
}
