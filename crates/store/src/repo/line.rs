//! The assembly line: line configuration (stations, tasks, controllers), station
//! visits, tightening results, overrides and line events. Results, visits and
//! events are written in multi-row statements so one group commit stores a whole
//! batch; a resent result (same controller and tightening id) is a no-op.

use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::line::{
    ControllerSpec, LineEventKind, LineEventRecord, LineSpec, LineStatus, Override, ReleaseKind,
    ResultFlag, StationSpec, TaskSpec, TighteningRecord, VisitRecord,
};
use sqlx::AssertSqlSafe;

const RESULT_ROW: usize = 18;
const VISIT_ROW: usize = 11;
const EVENT_ROW: usize = 7;
const CHUNK: usize = 500;

#[derive(sqlx::FromRow)]
struct StationRow {
    station_id: String,
    code: String,
    name: String,
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    station_id: String,
    joint: String,
    bolt_count: i64,
    pset: i64,
    torque_min_cnm: i64,
    torque_target_cnm: i64,
    torque_max_cnm: i64,
    angle_min_deg: i64,
    angle_max_deg: i64,
}

impl From<&TaskRow> for TaskSpec {
    fn from(t: &TaskRow) -> Self {
        Self {
            joint: t.joint.clone(),
            bolt_count: small(t.bolt_count),
            pset: small(t.pset),
            torque_min_cnm: t.torque_min_cnm,
            torque_target_cnm: t.torque_target_cnm,
            torque_max_cnm: t.torque_max_cnm,
            angle_min_deg: t.angle_min_deg,
            angle_max_deg: t.angle_max_deg,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ControllerRow {
    station_id: String,
    controller_id: String,
    host: String,
    port: i64,
    channel: i64,
}

impl From<&ControllerRow> for ControllerSpec {
    fn from(k: &ControllerRow) -> Self {
        Self {
            id: k.controller_id.clone(),
            host: k.host.clone(),
            port: u16::try_from(k.port).unwrap_or(0),
            channel: small(k.channel),
        }
    }
}

#[derive(sqlx::FromRow)]
struct OverrideRow {
    override_id: String,
    visit_id: String,
    user_name: String,
    reason: String,
    open_bolts: String,
    at_us: i64,
}

impl From<OverrideRow> for OverrideRecord {
    fn from(r: OverrideRow) -> Self {
        Self {
            id: r.override_id,
            visit_id: r.visit_id,
            by: Override {
                user: r.user_name,
                reason: r.reason,
            },
            open_bolts: r.open_bolts,
            at_us: r.at_us,
        }
    }
}

/// A line in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSummary {
    /// Line id.
    pub id: String,
    /// Owner organisation.
    pub org_id: String,
    /// Topic code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Status.
    pub status: LineStatus,
}

/// A supervisor override to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideRecord {
    /// Override id.
    pub id: String,
    /// The visit released by it.
    pub visit_id: String,
    /// Who and why.
    pub by: Override,
    /// The open bolts at the time, as JSON text.
    pub open_bolts: String,
    /// Instant (unix µs).
    pub at_us: i64,
}

/// One group commit of the line runner.
#[derive(Debug, Clone, Default)]
pub struct LineBatch {
    /// Tightening results.
    pub results: Vec<TighteningRecord>,
    /// New or changed visits (upserted by id).
    pub visits: Vec<VisitRecord>,
    /// Overrides.
    pub overrides: Vec<OverrideRecord>,
    /// Events.
    pub events: Vec<LineEventRecord>,
}

impl LineBatch {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
            && self.visits.is_empty()
            && self.overrides.is_empty()
            && self.events.is_empty()
    }
}

#[derive(sqlx::FromRow)]
struct LineRow {
    line_id: String,
    organisation_id: String,
    code: String,
    name: String,
    status: String,
}

impl TryFrom<LineRow> for LineSummary {
    type Error = StoreError;
    fn try_from(r: LineRow) -> Result<Self> {
        Ok(Self {
            status: LineStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("line {}: status", r.line_id)))?,
            id: r.line_id,
            org_id: r.organisation_id,
            code: r.code,
            name: r.name,
        })
    }
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    visit_id: String,
    line_id: String,
    station_id: String,
    vin: String,
    arrived_at: i64,
    released_at: Option<i64>,
    release_kind: Option<String>,
    override_user: Option<String>,
    override_reason: Option<String>,
    first_pass: bool,
    rework_count: i64,
}

impl TryFrom<VisitRow> for VisitRecord {
    type Error = StoreError;
    fn try_from(r: VisitRow) -> Result<Self> {
        let bad = |w: &str| StoreError::Corrupt(format!("line_visit {}: {w}", r.visit_id));
        let release = r
            .release_kind
            .as_deref()
            .map(|k| ReleaseKind::parse(k).ok_or_else(|| bad("release_kind")))
            .transpose()?;
        let override_by = match (r.override_user.clone(), r.override_reason.clone()) {
            (Some(user), Some(reason)) => Some(Override { user, reason }),
            _ => None,
        };
        Ok(Self {
            id: r.visit_id,
            line_id: r.line_id,
            station_id: r.station_id,
            vin: r.vin,
            arrived_us: r.arrived_at,
            released_us: r.released_at,
            release,
            override_by,
            first_pass: r.first_pass,
            rework_count: u32::try_from(r.rework_count).unwrap_or(u32::MAX),
        })
    }
}

#[derive(sqlx::FromRow)]
struct ResultRow {
    controller_id: String,
    tightening_id: i64,
    line_id: String,
    station_id: String,
    visit_id: Option<String>,
    vin: Option<String>,
    joint: Option<String>,
    bolt: Option<i64>,
    attempt: Option<i64>,
    pset: i64,
    torque_cnm: i64,
    angle_deg: i64,
    ok: bool,
    torque_ok: bool,
    angle_ok: bool,
    at_us: i64,
    controller_time: String,
    flag: Option<String>,
}

const RESULT_COLS: &str = "controller_id, tightening_id, line_id, station_id, visit_id, vin, joint, bolt, attempt, pset, \
     torque_cnm, angle_deg, ok, torque_ok, angle_ok, at_us, controller_time, flag";

fn small(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

impl TryFrom<ResultRow> for TighteningRecord {
    type Error = StoreError;
    fn try_from(r: ResultRow) -> Result<Self> {
        let flag = r
            .flag
            .as_deref()
            .map(|f| {
                ResultFlag::parse(f).ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "line_result {}/{}: flag",
                        r.controller_id, r.tightening_id
                    ))
                })
            })
            .transpose()?;
        Ok(Self {
            line_id: r.line_id,
            station_id: r.station_id,
            visit_id: r.visit_id,
            vin: r.vin,
            controller_id: r.controller_id,
            tightening_id: r.tightening_id,
            joint: r.joint,
            bolt: r.bolt.map(small),
            attempt: r.attempt.map(small),
            pset: small(r.pset),
            torque_cnm: r.torque_cnm,
            angle_deg: r.angle_deg,
            ok: r.ok,
            torque_ok: r.torque_ok,
            angle_ok: r.angle_ok,
            at_us: r.at_us,
            controller_time: r.controller_time,
            flag,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    line_id: String,
    station_id: Option<String>,
    kind: String,
    vin: Option<String>,
    detail: String,
    at_us: i64,
}

impl TryFrom<EventRow> for LineEventRecord {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self> {
        Ok(Self {
            kind: LineEventKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("line_event kind {:?}", r.kind)))?,
            line_id: r.line_id,
            station_id: r.station_id,
            vin: r.vin,
            detail: r.detail,
            at_us: r.at_us,
        })
    }
}

impl Db {
    /// Creates a line with its stations, tasks and controllers.
    pub async fn insert_line(&mut self, line: &LineSpec, now: i64) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO line (line_id, organisation_id, code, name, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(line.id.as_str())
            .bind(line.org_id.as_str())
            .bind(line.code.as_str())
            .bind(line.name.as_str())
            .bind(line.status.code())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        self.insert_stations(&line.id, &line.stations).await
    }

    async fn insert_stations(&mut self, line_id: &str, stations: &[StationSpec]) -> Result<()> {
        for (i, s) in stations.iter().enumerate() {
            let pos = i64::try_from(i).unwrap_or(i64::MAX) + 1;
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO line_station (station_id, line_id, position, code, name) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(s.id.as_str())
                .bind(line_id)
                .bind(pos)
                .bind(s.code.as_str())
                .bind(s.name.as_str())
                .execute(&mut *c)
                .await
                .map(|_| ())
            })?;
            for (k, t) in s.tasks.iter().enumerate() {
                let pos = i64::try_from(k).unwrap_or(i64::MAX) + 1;
                with_conn!(self, c => {
                    sqlx::query(
                        "INSERT INTO line_task (station_id, position, joint, bolt_count, pset, torque_min_cnm, torque_target_cnm, \
                         torque_max_cnm, angle_min_deg, angle_max_deg) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(s.id.as_str())
                    .bind(pos)
                    .bind(t.joint.as_str())
                    .bind(i64::from(t.bolt_count))
                    .bind(i64::from(t.pset))
                    .bind(t.torque_min_cnm)
                    .bind(t.torque_target_cnm)
                    .bind(t.torque_max_cnm)
                    .bind(t.angle_min_deg)
                    .bind(t.angle_max_deg)
                    .execute(&mut *c)
                    .await
                    .map(|_| ())
                })?;
            }
            for ctl in &s.controllers {
                with_conn!(self, c => {
                    sqlx::query(
                        "INSERT INTO line_controller (controller_id, station_id, host, port, channel) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(ctl.id.as_str())
                    .bind(s.id.as_str())
                    .bind(ctl.host.as_str())
                    .bind(i64::from(ctl.port))
                    .bind(i64::from(ctl.channel))
                    .execute(&mut *c)
                    .await
                    .map(|_| ())
                })?;
            }
        }
        Ok(())
    }

    /// Renames a line or changes its status.
    pub async fn update_line(
        &mut self,
        line_id: &str,
        name: &str,
        status: LineStatus,
        now: i64,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE line SET name = $2, status = $3, updated_at = $4 WHERE line_id = $1")
                .bind(line_id)
                .bind(name)
                .bind(status.code())
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Replaces a line's stations, tasks and controllers. Only possible while no
    /// visit or result refers to them (the foreign keys refuse otherwise: a
    /// producing line keeps its history; configure a new line instead).
    pub async fn replace_line_stations(
        &mut self,
        line_id: &str,
        stations: &[StationSpec],
        now: i64,
    ) -> Result<()> {
        for sql in [
            "DELETE FROM line_task WHERE station_id IN (SELECT station_id FROM line_station WHERE line_id = $1)",
            "DELETE FROM line_controller WHERE station_id IN (SELECT station_id FROM line_station WHERE line_id = $1)",
            "DELETE FROM line_station WHERE line_id = $1",
        ] {
            with_conn!(self, c => sqlx::query(sql).bind(line_id).execute(&mut *c).await.map(|_| ()))?;
        }
        self.insert_stations(line_id, stations).await?;
        with_conn!(self, c => {
            sqlx::query("UPDATE line SET updated_at = $2 WHERE line_id = $1")
                .bind(line_id)
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|_| ())
        })
        .map_err(StoreError::from)
    }

    /// Lines, of one organisation or all, by name.
    pub async fn lines(&mut self, org_id: Option<&str>) -> Result<Vec<LineSummary>> {
        let rows: Vec<LineRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT line_id, organisation_id, code, name, status FROM line \
                 WHERE ($1 IS NULL OR organisation_id = $1) ORDER BY name, line_id",
            )
            .bind(org_id)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(LineSummary::try_from).collect()
    }

    /// A whole line configuration by id or, failing that, by code.
    pub async fn line(&mut self, id_or_code: &str) -> Result<Option<LineSpec>> {
        let row: Option<LineRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT line_id, organisation_id, code, name, status FROM line WHERE line_id = $1 OR code = $1 \
                 ORDER BY line_id = $1 DESC LIMIT 1",
            )
            .bind(id_or_code)
            .fetch_optional(&mut *c)
            .await
        })?;
        let Some(row) = row else { return Ok(None) };
        let sum = LineSummary::try_from(row)?;
        let stations: Vec<StationRow> = with_conn!(self, c => {
            sqlx::query_as("SELECT station_id, code, name FROM line_station WHERE line_id = $1 ORDER BY position")
                .bind(sum.id.as_str())
                .fetch_all(&mut *c)
                .await
        })?;
        let tasks: Vec<TaskRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT t.station_id, t.joint, t.bolt_count, t.pset, t.torque_min_cnm, t.torque_target_cnm, t.torque_max_cnm, \
                 t.angle_min_deg, t.angle_max_deg FROM line_task t JOIN line_station s ON s.station_id = t.station_id \
                 WHERE s.line_id = $1 ORDER BY t.station_id, t.position",
            )
            .bind(sum.id.as_str())
            .fetch_all(&mut *c)
            .await
        })?;
        let ctls: Vec<ControllerRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT k.station_id, k.controller_id, k.host, k.port, k.channel FROM line_controller k \
                 JOIN line_station s ON s.station_id = k.station_id WHERE s.line_id = $1 ORDER BY k.station_id, k.controller_id",
            )
            .bind(sum.id.as_str())
            .fetch_all(&mut *c)
            .await
        })?;
        let stations = stations
            .into_iter()
            .map(|s| StationSpec {
                tasks: tasks
                    .iter()
                    .filter(|t| t.station_id == s.station_id)
                    .map(TaskSpec::from)
                    .collect(),
                controllers: ctls
                    .iter()
                    .filter(|k| k.station_id == s.station_id)
                    .map(ControllerSpec::from)
                    .collect(),
                id: s.station_id,
                code: s.code,
                name: s.name,
            })
            .collect();
        Ok(Some(LineSpec {
            id: sum.id,
            org_id: sum.org_id,
            code: sum.code,
            name: sum.name,
            status: sum.status,
            stations,
        }))
    }

    /// Stores tightening results with multi-row statements. A result whose
    /// (controller, tightening id) is already stored is skipped; returns how many
    /// rows were new.
    pub async fn insert_line_results(&mut self, results: &[TighteningRecord]) -> Result<u64> {
        let mut n = 0;
        for chunk in results.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO line_result ({RESULT_COLS}) VALUES {} ON CONFLICT (controller_id, tightening_id) DO NOTHING",
                self.backend().values_tuples(chunk.len(), RESULT_ROW)
            );
            n += with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(r.controller_id.as_str())
                        .bind(r.tightening_id)
                        .bind(r.line_id.as_str())
                        .bind(r.station_id.as_str())
                        .bind(r.visit_id.as_deref())
                        .bind(r.vin.as_deref())
                        .bind(r.joint.as_deref())
                        .bind(r.bolt.map(i64::from))
                        .bind(r.attempt.map(i64::from))
                        .bind(i64::from(r.pset))
                        .bind(r.torque_cnm)
                        .bind(r.angle_deg)
                        .bind(r.ok)
                        .bind(r.torque_ok)
                        .bind(r.angle_ok)
                        .bind(r.at_us)
                        .bind(r.controller_time.as_str())
                        .bind(r.flag.map(ResultFlag::code));
                }
                q.execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(n)
    }

    /// Inserts or updates visits by id (arrival, then release).
    pub async fn upsert_line_visits(&mut self, visits: &[VisitRecord]) -> Result<()> {
        for chunk in visits.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO line_visit (visit_id, line_id, station_id, vin, arrived_at, released_at, release_kind, \
                 override_user, override_reason, first_pass, rework_count) VALUES {} \
                 ON CONFLICT (visit_id) DO UPDATE SET released_at = excluded.released_at, release_kind = excluded.release_kind, \
                 override_user = excluded.override_user, override_reason = excluded.override_reason, \
                 first_pass = excluded.first_pass, rework_count = excluded.rework_count",
                self.backend().values_tuples(chunk.len(), VISIT_ROW)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for v in chunk {
                    q = q
                        .bind(v.id.as_str())
                        .bind(v.line_id.as_str())
                        .bind(v.station_id.as_str())
                        .bind(v.vin.as_str())
                        .bind(v.arrived_us)
                        .bind(v.released_us)
                        .bind(v.release.map(ReleaseKind::code))
                        .bind(v.override_by.as_ref().map(|o| o.user.as_str()))
                        .bind(v.override_by.as_ref().map(|o| o.reason.as_str()))
                        .bind(v.first_pass)
                        .bind(i64::from(v.rework_count));
                }
                q.execute(&mut *c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Stores overrides.
    pub async fn insert_line_overrides(&mut self, overrides: &[OverrideRecord]) -> Result<()> {
        for o in overrides {
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO line_override (override_id, visit_id, user_name, reason, open_bolts, at_us) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(o.id.as_str())
                .bind(o.visit_id.as_str())
                .bind(o.by.user.as_str())
                .bind(o.by.reason.as_str())
                .bind(o.open_bolts.as_str())
                .bind(o.at_us)
                .execute(&mut *c)
                .await
                .map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Appends line events.
    pub async fn insert_line_events(&mut self, events: &[LineEventRecord]) -> Result<()> {
        for chunk in events.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO line_event (event_id, line_id, station_id, kind, vin, detail, at_us) VALUES {}",
                self.backend().values_tuples(chunk.len(), EVENT_ROW)
            );
            with_conn!(self, c => {
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for e in chunk {
                    q = q
                        .bind(crate::new_id())
                        .bind(e.line_id.as_str())
                        .bind(e.station_id.as_deref())
                        .bind(e.kind.code())
                        .bind(e.vin.as_deref())
                        .bind(e.detail.as_str())
                        .bind(e.at_us);
                }
                q.execute(&mut *c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Writes one batch in order: visits first (results refer to them), then
    /// results, overrides and events. Returns the number of new results.
    pub async fn write_line_batch(&mut self, b: &LineBatch) -> Result<u64> {
        self.upsert_line_visits(&b.visits).await?;
        let n = self.insert_line_results(&b.results).await?;
        self.insert_line_overrides(&b.overrides).await?;
        self.insert_line_events(&b.events).await?;
        Ok(n)
    }

    /// Every stored result of a frame number, in time order.
    pub async fn line_results_of_vin(&mut self, vin: &str) -> Result<Vec<TighteningRecord>> {
        let sql = format!(
            "SELECT {RESULT_COLS} FROM line_result WHERE vin = $1 ORDER BY at_us, controller_id, tightening_id"
        );
        let rows: Vec<ResultRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(vin).fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(TighteningRecord::try_from).collect()
    }

    /// A line's results received in `[from_us, to_us)`, in time order.
    pub async fn line_results_between(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<TighteningRecord>> {
        let sql = format!(
            "SELECT {RESULT_COLS} FROM line_result WHERE line_id = $1 AND at_us >= $2 AND at_us < $3 \
             ORDER BY at_us, controller_id, tightening_id"
        );
        let rows: Vec<ResultRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(line_id).bind(from_us).bind(to_us).fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(TighteningRecord::try_from).collect()
    }

    /// Number of stored results of a line.
    pub async fn count_line_results(&mut self, line_id: &str) -> Result<i64> {
        let n: i64 = with_conn!(self, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM line_result WHERE line_id = $1")
                .bind(line_id)
                .fetch_one(&mut *c)
                .await
        })?;
        Ok(n)
    }

    /// Where the runner resumes a controller after a (re)start: the highest tightening id
    /// below which every id of the last `window` is stored (the first hole, so a result
    /// recovered late and lost by a crash is asked for again), or the highest stored id;
    /// `None` when nothing of the controller is stored.
    pub async fn line_resume_point(
        &mut self,
        controller_id: &str,
        window: i64,
    ) -> Result<Option<i64>> {
        let max: Option<i64> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT MAX(tightening_id) FROM line_result WHERE controller_id = $1")
                .bind(controller_id)
                .fetch_one(&mut *c)
                .await
        })?;
        let Some(max) = max else { return Ok(None) };
        let hole: Option<i64> = with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT MIN(r.tightening_id) FROM line_result r WHERE r.controller_id = $1 AND r.tightening_id >= $2 \
                 AND NOT EXISTS (SELECT 1 FROM line_result s WHERE s.controller_id = r.controller_id \
                 AND s.tightening_id = r.tightening_id + 1)",
            )
            .bind(controller_id)
            .bind(max.saturating_sub(window.max(0)))
            .fetch_one(&mut *c)
            .await
        })?;
        Ok(Some(hole.unwrap_or(max).min(max)))
    }

    /// Visits of a frame number, in arrival order.
    pub async fn line_visits_of_vin(&mut self, vin: &str) -> Result<Vec<VisitRecord>> {
        let rows: Vec<VisitRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT visit_id, line_id, station_id, vin, arrived_at, released_at, release_kind, override_user, \
                 override_reason, first_pass, rework_count FROM line_visit WHERE vin = $1 ORDER BY arrived_at, visit_id",
            )
            .bind(vin)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(VisitRecord::try_from).collect()
    }

    /// A line's visits that arrived in `[from_us, to_us)`, in arrival order.
    pub async fn line_visits_between(
        &mut self,
        line_id: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<VisitRecord>> {
        let rows: Vec<VisitRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT visit_id, line_id, station_id, vin, arrived_at, released_at, release_kind, override_user, \
                 override_reason, first_pass, rework_count FROM line_visit WHERE line_id = $1 AND arrived_at >= $2 \
                 AND arrived_at < $3 ORDER BY arrived_at, visit_id",
            )
            .bind(line_id)
            .bind(from_us)
            .bind(to_us)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(VisitRecord::try_from).collect()
    }

    /// A line's most recent events, newest first.
    pub async fn line_events_recent(
        &mut self,
        line_id: &str,
        limit: i64,
    ) -> Result<Vec<LineEventRecord>> {
        let rows: Vec<EventRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT line_id, station_id, kind, vin, detail, at_us FROM line_event WHERE line_id = $1 \
                 ORDER BY at_us DESC, event_id DESC LIMIT $2",
            )
            .bind(line_id)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(LineEventRecord::try_from).collect()
    }

    /// Overrides of a visit.
    pub async fn line_overrides_of_visit(&mut self, visit_id: &str) -> Result<Vec<OverrideRecord>> {
        let rows: Vec<OverrideRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT override_id, visit_id, user_name, reason, open_bolts, at_us FROM line_override \
                 WHERE visit_id = $1 ORDER BY at_us",
            )
            .bind(visit_id)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows.into_iter().map(OverrideRecord::from).collect())
    }
}
