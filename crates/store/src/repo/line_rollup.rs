//! Line analytics rollups (migration 0019, docs/line-analytics.md): raw reads of the
//! line's visits and results for one window (for the catch-up job in `app`, which
//! computes the hourly figures), whole-hour replacement of the rollup rows, and the
//! grouped reads the analytics page uses. The raw tables (`line_visit`,
//! `line_result`) are only read here.

use crate::{Db, Result, with_conn};
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// A released visit as the rollup needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupVisit {
    /// Station id.
    pub station_id: String,
    /// VIN.
    pub vin: String,
    /// Arrival (unix µs).
    pub arrived_at: i64,
    /// Release (unix µs).
    pub released_at: i64,
    /// First pass at the station.
    pub first_pass: bool,
    /// Re-tightenings.
    pub rework_count: i64,
    /// Override reason, when released by a supervisor override.
    pub override_reason: Option<String>,
}

/// An assigned tightening result as the rollup needs it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupResult {
    /// Station id.
    pub station_id: String,
    /// Joint.
    pub joint: String,
    /// Attempt on its bolt (1 = first).
    pub attempt: i64,
    /// Final torque, centi-Nm.
    pub torque_cnm: i64,
    /// Overall OK.
    pub ok: bool,
    /// Torque in window.
    pub torque_ok: bool,
    /// Angle in window.
    pub angle_ok: bool,
    /// Received (unix µs).
    pub at_us: i64,
}

/// One `line_rollup_hour` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupHourRow {
    /// Hour start (unix µs).
    pub hour_us: i64,
    /// Station id.
    pub station_id: String,
    /// Released visits.
    pub visits: i64,
    /// First-pass visits.
    pub first_pass: i64,
    /// Re-tightenings.
    pub rework: i64,
    /// Overrides.
    pub overrides: i64,
    /// Σ work time, ms.
    pub cycle_sum_ms: i64,
    /// Min work time, ms.
    pub cycle_min_ms: i64,
    /// Max work time, ms.
    pub cycle_max_ms: i64,
    /// Histogram text.
    pub cycle_hist: String,
}

/// One `line_rollup_vehicle_hour` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupVehicleRow {
    /// Hour start (unix µs).
    pub hour_us: i64,
    /// Vehicles completed.
    pub vehicles: i64,
    /// First-pass at every station.
    pub first_pass: i64,
}

/// One `line_rollup_reason` row (or a sum of them).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupReasonRow {
    /// Hour start (unix µs); 0 in grouped reads.
    pub hour_us: i64,
    /// Station id.
    pub station_id: String,
    /// Reason text.
    pub reason: String,
    /// Count.
    pub n: i64,
}

/// One `line_rollup_joint_hour` row (or a sum of them over hours).
#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct RollupJointRow {
    /// Hour start (unix µs); 0 in grouped reads.
    pub hour_us: i64,
    /// Station id.
    pub station_id: String,
    /// Joint.
    pub joint: String,
    /// Assigned results.
    pub results: i64,
    /// OK results.
    pub ok: i64,
    /// First attempts that were OK.
    pub first_ok: i64,
    /// First attempts.
    pub first_attempts: i64,
    /// Σ OK torque, centi-Nm.
    pub torque_sum: i64,
    /// Min OK torque.
    pub torque_min: i64,
    /// Max OK torque.
    pub torque_max: i64,
    /// Subgroups.
    pub sg_count: i64,
    /// Values in subgroups.
    pub sg_values: i64,
    /// Σ values in subgroups.
    pub sg_sum: i64,
    /// Σ subgroup ranges.
    pub sg_range_sum: i64,
}

/// One SPC subgroup row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RollupSubgroupRow {
    /// Station id.
    pub station_id: String,
    /// Joint.
    pub joint: String,
    /// Hour start (unix µs).
    pub hour_us: i64,
    /// Order within the hour.
    pub seq: i64,
    /// Size.
    pub n: i64,
    /// Σ values, centi-Nm.
    pub sum_cnm: i64,
    /// Min.
    pub min_cnm: i64,
    /// Max.
    pub max_cnm: i64,
    /// Last value's receipt (unix µs).
    pub last_at_us: i64,
}

/// Everything recomputed for a window of whole hours.
#[derive(Debug, Clone, Default)]
pub struct RollupRows {
    /// Station hours.
    pub hours: Vec<RollupHourRow>,
    /// Vehicle hours.
    pub vehicles: Vec<RollupVehicleRow>,
    /// Reasons.
    pub reasons: Vec<RollupReasonRow>,
    /// Joint hours.
    pub joints: Vec<RollupJointRow>,
    /// Subgroups.
    pub subgroups: Vec<RollupSubgroupRow>,
}

const TABLES: [&str; 5] = [
    "line_rollup_hour",
    "line_rollup_vehicle_hour",
    "line_rollup_reason",
    "line_rollup_joint_hour",
    "line_rollup_subgroup",
];

/// A value bound into a multi-row insert.
enum Val<'a> {
    I(i64),
    T(&'a str),
}

/// A rollup row type and the table it is stored in: one generic insert writes all
/// five (the line id is the first column of each).
trait RollupTable {
    /// Table name.
    const TABLE: &'static str;
    /// Columns after `line_id`, in the order of [`RollupTable::values`].
    const COLUMNS: &'static [&'static str];
    /// The row's values in column order.
    fn values(&self) -> Vec<Val<'_>>;
}

impl RollupTable for RollupHourRow {
    const TABLE: &'static str = "line_rollup_hour";
    const COLUMNS: &'static [&'static str] = &[
        "hour_us",
        "station_id",
        "visits",
        "first_pass",
        "rework",
        "overrides",
        "cycle_sum_ms",
        "cycle_min_ms",
        "cycle_max_ms",
        "cycle_hist",
    ];
    fn values(&self) -> Vec<Val<'_>> {
        vec![
            Val::I(self.hour_us),
            Val::T(&self.station_id),
            Val::I(self.visits),
            Val::I(self.first_pass),
            Val::I(self.rework),
            Val::I(self.overrides),
            Val::I(self.cycle_sum_ms),
            Val::I(self.cycle_min_ms),
            Val::I(self.cycle_max_ms),
            Val::T(&self.cycle_hist),
        ]
    }
}

impl RollupTable for RollupVehicleRow {
    const TABLE: &'static str = "line_rollup_vehicle_hour";
    const COLUMNS: &'static [&'static str] = &["hour_us", "vehicles", "first_pass"];
    fn values(&self) -> Vec<Val<'_>> {
        vec![
            Val::I(self.hour_us),
            Val::I(self.vehicles),
            Val::I(self.first_pass),
        ]
    }
}

impl RollupTable for RollupReasonRow {
    const TABLE: &'static str = "line_rollup_reason";
    const COLUMNS: &'static [&'static str] = &["hour_us", "station_id", "reason", "n"];
    fn values(&self) -> Vec<Val<'_>> {
        vec![
            Val::I(self.hour_us),
            Val::T(&self.station_id),
            Val::T(&self.reason),
            Val::I(self.n),
        ]
    }
}

impl RollupTable for RollupJointRow {
    const TABLE: &'static str = "line_rollup_joint_hour";
    const COLUMNS: &'static [&'static str] = &[
        "hour_us",
        "station_id",
        "joint",
        "results",
        "ok",
        "first_ok",
        "first_attempts",
        "torque_sum",
        "torque_min",
        "torque_max",
        "sg_count",
        "sg_values",
        "sg_sum",
        "sg_range_sum",
    ];
    fn values(&self) -> Vec<Val<'_>> {
        vec![
            Val::I(self.hour_us),
            Val::T(&self.station_id),
            Val::T(&self.joint),
            Val::I(self.results),
            Val::I(self.ok),
            Val::I(self.first_ok),
            Val::I(self.first_attempts),
            Val::I(self.torque_sum),
            Val::I(self.torque_min),
            Val::I(self.torque_max),
            Val::I(self.sg_count),
            Val::I(self.sg_values),
            Val::I(self.sg_sum),
            Val::I(self.sg_range_sum),
        ]
    }
}

impl RollupTable for RollupSubgroupRow {
    const TABLE: &'static str = "line_rollup_subgroup";
    const COLUMNS: &'static [&'static str] = &[
        "station_id",
        "joint",
        "hour_us",
        "seq",
        "n",
        "sum_cnm",
        "min_cnm",
        "max_cnm",
        "last_at_us",
    ];
    fn values(&self) -> Vec<Val<'_>> {
        vec![
            Val::T(&self.station_id),
            Val::T(&self.joint),
            Val::I(self.hour_us),
            Val::I(self.seq),
            Val::I(self.n),
            Val::I(self.sum_cnm),
            Val::I(self.min_cnm),
            Val::I(self.max_cnm),
            Val::I(self.last_at_us),
        ]
    }
}

/// Most bound parameters in one statement (below SQLite's and PostgreSQL's limits).
const MAX_PARAMS: usize = 6000;

/// A row type both backends can decode.
pub trait AnyRow:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> AnyRow for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// What the catch-up must recompute: the hours touched by rows written after a
/// sequence mark, and the highest sequence number seen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RollupChanges {
    /// Hour starts (unix µs), ascending.
    pub hours: Vec<i64>,
    /// Highest `row_seq` among the changed rows (the next mark); `None` when none.
    pub max_seq: Option<i64>,
}

impl Db {
    /// Rows of `sql` (which takes `$1` line id, `$2` from, `$3` to).
    async fn line_window<T: AnyRow>(
        &mut self,
        sql: &'static str,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<T>> {
        with_conn!(self, c => {
            sqlx::query_as::<_, T>(sql)
                .bind(line_id)
                .bind(from_us)
                .bind(to_us)
                .fetch_all(&mut *c)
                .await
        })
        .map_err(crate::StoreError::from_sqlx)
    }

    /// Inserts rollup rows of one table with multi-row statements.
    async fn insert_rollup<R: RollupTable>(&mut self, line_id: &str, rows: &[R]) -> Result<()> {
        let per_row = R::COLUMNS.len() + 1;
        let b = self.backend();
        for chunk in rows.chunks((MAX_PARAMS / per_row).max(1)) {
            let sql = format!(
                "INSERT INTO {} (line_id, {}) VALUES {}",
                R::TABLE,
                R::COLUMNS.join(", "),
                b.values_tuples(chunk.len(), per_row)
            );
            let values: Vec<Vec<Val<'_>>> = chunk.iter().map(RollupTable::values).collect();
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for row in &values {
                    q = q.bind(line_id);
                    for v in row {
                        q = match v {
                            Val::I(i) => q.bind(*i),
                            Val::T(t) => q.bind(*t),
                        };
                    }
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })
            .map_err(crate::StoreError::from_sqlx)?;
        }
        Ok(())
    }

    /// Released visits of a line that arrived in `[from_us, to_us)`.
    pub async fn line_rollup_visits(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RollupVisit>> {
        self.line_window(
            "SELECT station_id, vin, arrived_at, released_at, first_pass, rework_count, \
             CASE WHEN release_kind = 'override' THEN override_reason END AS override_reason \
             FROM line_visit WHERE line_id = $1 AND arrived_at >= $2 AND arrived_at < $3 \
             AND released_at IS NOT NULL",
            line_id,
            from_us,
            to_us,
        )
        .await
    }

    /// Assigned results (with joint and attempt) received in `[from_us, to_us)`, in
    /// order of receipt.
    pub async fn line_rollup_results(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RollupResult>> {
        self.line_window(
            "SELECT station_id, joint, COALESCE(attempt, 1) AS attempt, torque_cnm, ok, torque_ok, angle_ok, at_us \
             FROM line_result WHERE line_id = $1 AND at_us >= $2 AND at_us < $3 AND joint IS NOT NULL \
             ORDER BY at_us, controller_id, tightening_id",
            line_id,
            from_us,
            to_us,
        )
        .await
    }

    /// The hours touched by visits and results of a line written (inserted or
    /// changed) after `seq_mark` — a visit's arrival hour, a result's receipt hour,
    /// and the hour its VIN arrived at `last_station_id` — read in one statement
    /// (one snapshot) with the highest sequence number among them.
    pub async fn line_rollup_changes(
        &mut self,
        line_id: &str,
        last_station_id: &str,
        seq_mark: i64,
    ) -> Result<RollupChanges> {
        let rows: Vec<(i64, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT h, CAST(MAX(s) AS BIGINT) FROM ( \
                   SELECT arrived_at - arrived_at % 3600000000 AS h, row_seq AS s FROM line_visit \
                   WHERE line_id = $1 AND row_seq > $3 \
                   UNION ALL SELECT at_us - at_us % 3600000000 AS h, row_seq AS s FROM line_result \
                   WHERE line_id = $1 AND row_seq > $3 \
                   UNION ALL SELECT l.arrived_at - l.arrived_at % 3600000000 AS h, CAST(0 AS BIGINT) AS s \
                   FROM line_visit l WHERE l.line_id = $1 AND l.station_id = $2 AND l.vin IN ( \
                     SELECT v.vin FROM line_visit v WHERE v.line_id = $1 AND v.row_seq > $3) \
                 ) x GROUP BY h ORDER BY h",
            )
            .bind(line_id)
            .bind(last_station_id)
            .bind(seq_mark)
            .fetch_all(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(RollupChanges {
            max_seq: rows.iter().map(|r| r.1).max().filter(|m| *m > seq_mark),
            hours: rows.into_iter().map(|r| r.0).collect(),
        })
    }

    /// Vehicles released at `last_station_id` after arriving there in `[from_us, to_us)`:
    /// `(arrival at the last station, first-pass at every station of the line)`.
    pub async fn line_rollup_vehicles(
        &mut self,
        line_id: &str,
        last_station_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<(i64, bool)>> {
        let rows: Vec<(i64, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT CAST(MAX(CASE WHEN v.station_id = $2 THEN v.arrived_at ELSE 0 END) AS BIGINT), \
                 CAST(MIN(CASE WHEN v.first_pass THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM line_visit v WHERE v.line_id = $1 AND v.vin IN ( \
                   SELECT l.vin FROM line_visit l WHERE l.line_id = $1 AND l.station_id = $2 \
                   AND l.arrived_at >= $3 AND l.arrived_at < $4 AND l.released_at IS NOT NULL) \
                 GROUP BY v.vin",
            )
            .bind(line_id)
            .bind(last_station_id)
            .bind(from_us)
            .bind(to_us)
            .fetch_all(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(rows.into_iter().map(|(t, fp)| (t, fp == 1)).collect())
    }

    /// Open visits (carts at a station, not released) of a line, newest first.
    pub async fn line_open_visits(&mut self, line_id: &str) -> Result<Vec<RollupVisit>> {
        with_conn!(self, c => {
            sqlx::query_as::<_, RollupVisit>(
                "SELECT station_id, vin, arrived_at, arrived_at AS released_at, first_pass, rework_count, \
                 CAST(NULL AS TEXT) AS override_reason FROM line_visit \
                 WHERE line_id = $1 AND released_at IS NULL ORDER BY arrived_at DESC LIMIT 500",
            )
            .bind(line_id)
            .fetch_all(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)
    }

    /// The earliest arrival of a visit of the line still open (not released), if any.
    pub async fn line_open_visit_since(&mut self, line_id: &str) -> Result<Option<i64>> {
        let r: (Option<i64>,) = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT MIN(arrived_at) FROM line_visit WHERE line_id = $1 AND released_at IS NULL",
            )
            .bind(line_id)
            .fetch_one(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(r.0)
    }

    /// The earliest arrival of a visit of the line at or after `from_us`.
    pub async fn line_next_arrival(&mut self, line_id: &str, from_us: i64) -> Result<Option<i64>> {
        let r: (Option<i64>,) = with_conn!(self, c => {
            sqlx::query_as("SELECT MIN(arrived_at) FROM line_visit WHERE line_id = $1 AND arrived_at >= $2")
                .bind(line_id)
                .bind(from_us)
                .fetch_one(&mut *c)
                .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(r.0)
    }

    /// The earliest and latest arrival of any visit of the line.
    pub async fn line_visit_span(&mut self, line_id: &str) -> Result<Option<(i64, i64)>> {
        let r: (Option<i64>, Option<i64>) = with_conn!(self, c => {
            sqlx::query_as("SELECT MIN(arrived_at), MAX(arrived_at) FROM line_visit WHERE line_id = $1")
                .bind(line_id)
                .fetch_one(&mut *c)
                .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(r.0.zip(r.1))
    }

    /// The catch-up state of a line: `(recompute_from_us, subgroup_n, seq_mark)`.
    pub async fn line_rollup_state(&mut self, line_id: &str) -> Result<Option<(i64, i64, i64)>> {
        with_conn!(self, c => {
            sqlx::query_as(
                "SELECT recompute_from_us, subgroup_n, seq_mark FROM line_rollup_state WHERE line_id = $1",
            )
            .bind(line_id)
            .fetch_optional(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)
    }

    /// When the catch-up of a line last ran (unix µs).
    pub async fn line_rollup_updated_at(&mut self, line_id: &str) -> Result<Option<i64>> {
        let r: Option<(i64,)> = with_conn!(self, c => {
            sqlx::query_as("SELECT updated_at FROM line_rollup_state WHERE line_id = $1")
                .bind(line_id)
                .fetch_optional(&mut *c)
                .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(r.map(|x| x.0))
    }

    /// Sets the catch-up state of a line (`recompute_from_us`: where the last run
    /// started; `seq_mark`: every row up to it is in the rollups).
    pub async fn set_line_rollup_state(
        &mut self,
        line_id: &str,
        recompute_from_us: i64,
        subgroup_n: i64,
        seq_mark: i64,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO line_rollup_state (line_id, recompute_from_us, subgroup_n, seq_mark, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (line_id) DO UPDATE SET \
                 recompute_from_us = excluded.recompute_from_us, subgroup_n = excluded.subgroup_n, \
                 seq_mark = excluded.seq_mark, updated_at = excluded.updated_at",
            )
            .bind(line_id)
            .bind(recompute_from_us)
            .bind(subgroup_n)
            .bind(seq_mark)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(crate::StoreError::from_sqlx)?;
        Ok(())
    }

    /// Replaces every rollup row of the line with `hour_us` in `[from_hour, to_hour)`
    /// by `rows` (which must lie in that window).
    pub async fn replace_line_rollup(
        &mut self,
        line_id: &str,
        from_hour: i64,
        to_hour: i64,
        rows: &RollupRows,
    ) -> Result<()> {
        for t in TABLES {
            let sql =
                format!("DELETE FROM {t} WHERE line_id = $1 AND hour_us >= $2 AND hour_us < $3");
            with_conn!(self, c => {
                sqlx::query(AssertSqlSafe(sql))
                    .bind(line_id)
                    .bind(from_hour)
                    .bind(to_hour)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })
            .map_err(crate::StoreError::from_sqlx)?;
        }
        self.insert_rollup(line_id, &rows.hours).await?;
        self.insert_rollup(line_id, &rows.vehicles).await?;
        self.insert_rollup(line_id, &rows.reasons).await?;
        self.insert_rollup(line_id, &rows.joints).await?;
        self.insert_rollup(line_id, &rows.subgroups).await
    }

    /// Station hours of a line in `[from_us, to_us)`.
    pub async fn line_rollup_hours(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RollupHourRow>> {
        self.line_window(
            "SELECT hour_us, station_id, visits, first_pass, rework, overrides, cycle_sum_ms, cycle_min_ms, \
             cycle_max_ms, cycle_hist FROM line_rollup_hour \
             WHERE line_id = $1 AND hour_us >= $2 AND hour_us < $3",
            line_id,
            from_us,
            to_us,
        )
        .await
    }

    /// Vehicle hours of a line in `[from_us, to_us)`, in order.
    pub async fn line_rollup_vehicle_hours(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RollupVehicleRow>> {
        self.line_window(
            "SELECT hour_us, vehicles, first_pass FROM line_rollup_vehicle_hour \
             WHERE line_id = $1 AND hour_us >= $2 AND hour_us < $3 ORDER BY hour_us",
            line_id,
            from_us,
            to_us,
        )
        .await
    }

    /// Reasons of a line in `[from_us, to_us)` summed per station and reason.
    pub async fn line_rollup_reasons(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RollupReasonRow>> {
        self.line_window(
            "SELECT CAST(0 AS BIGINT) AS hour_us, station_id, reason, CAST(SUM(n) AS BIGINT) AS n FROM line_rollup_reason \
             WHERE line_id = $1 AND hour_us >= $2 AND hour_us < $3 GROUP BY station_id, reason",
            line_id,
            from_us,
            to_us,
        )
        .await
    }

    /// Joint figures of a line in `[from_us, to_us)` summed per station and joint.
    pub async fn line_rollup_joints(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<RollupJointRow>> {
        self.line_window(
            "SELECT CAST(0 AS BIGINT) AS hour_us, station_id, joint, CAST(SUM(results) AS BIGINT) AS results, \
             CAST(SUM(ok) AS BIGINT) AS ok, CAST(SUM(first_ok) AS BIGINT) AS first_ok, \
             CAST(SUM(first_attempts) AS BIGINT) AS first_attempts, CAST(SUM(torque_sum) AS BIGINT) AS torque_sum, \
             CAST(MIN(torque_min) AS BIGINT) AS torque_min, CAST(MAX(torque_max) AS BIGINT) AS torque_max, \
             CAST(SUM(sg_count) AS BIGINT) AS sg_count, CAST(SUM(sg_values) AS BIGINT) AS sg_values, \
             CAST(SUM(sg_sum) AS BIGINT) AS sg_sum, CAST(SUM(sg_range_sum) AS BIGINT) AS sg_range_sum \
             FROM line_rollup_joint_hour WHERE line_id = $1 AND hour_us >= $2 AND hour_us < $3 \
             GROUP BY station_id, joint",
            line_id,
            from_us,
            to_us,
        )
        .await
    }

    /// SPC subgroups of one joint in `[from_us, to_us)`, in order, at most the last `limit`.
    pub async fn line_rollup_subgroups(
        &mut self,
        line_id: &str,
        station_id: &str,
        joint: &str,
        from_us: i64,
        to_us: i64,
        limit: i64,
    ) -> Result<Vec<RollupSubgroupRow>> {
        let mut rows = with_conn!(self, c => {
            sqlx::query_as::<_, RollupSubgroupRow>(
                "SELECT station_id, joint, hour_us, seq, n, sum_cnm, min_cnm, max_cnm, last_at_us \
                 FROM line_rollup_subgroup WHERE line_id = $1 AND station_id = $2 AND joint = $3 \
                 AND hour_us >= $4 AND hour_us < $5 ORDER BY hour_us DESC, seq DESC LIMIT $6",
            )
            .bind(line_id)
            .bind(station_id)
            .bind(joint)
            .bind(from_us)
            .bind(to_us)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })
        .map_err(crate::StoreError::from_sqlx)?;
        rows.reverse();
        Ok(rows)
    }
}
