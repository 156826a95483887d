//! Line batches (批次, migration 0020) and the queries the line configuration editor
//! needs: which stations, joints and controllers have recorded history (they may
//! not be removed), and the in-place edits that keep station and controller ids
//! (visits and results keep referring to them).

use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::line::{ControllerSpec, LineSpec};

/// A batch of trial production.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct BatchRecord {
    /// Id.
    pub batch_id: String,
    /// Line id.
    pub line_id: String,
    /// Code, unique per line.
    pub code: String,
    /// Vehicles planned.
    pub planned_qty: i64,
    /// Start (unix µs).
    pub started_at: i64,
    /// End (unix µs); `None` while running.
    pub ended_at: Option<i64>,
    /// Note.
    pub note: String,
    /// Who created it.
    pub created_by: String,
    /// When (unix µs).
    pub created_at: i64,
}

const BATCH_COLS: &str =
    "batch_id, line_id, code, planned_qty, started_at, ended_at, note, created_by, created_at";

impl Db {
    /// Stores a new batch.
    pub async fn insert_line_batch(&mut self, b: &BatchRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO line_batch (batch_id, line_id, code, planned_qty, started_at, ended_at, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(b.batch_id.as_str())
            .bind(b.line_id.as_str())
            .bind(b.code.as_str())
            .bind(b.planned_qty)
            .bind(b.started_at)
            .bind(b.ended_at)
            .bind(b.note.as_str())
            .bind(b.created_by.as_str())
            .bind(b.created_at)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })
        .map_err(StoreError::from)
    }

    /// Closes an open batch; `false` when it was not open.
    pub async fn close_line_batch(&mut self, batch_id: &str, ended_at: i64) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE line_batch SET ended_at = $2 WHERE batch_id = $1 AND ended_at IS NULL")
                .bind(batch_id)
                .bind(ended_at)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// The batches of a line, newest first.
    pub async fn line_batches(&mut self, line_id: &str) -> Result<Vec<BatchRecord>> {
        let sql = format!(
            "SELECT {BATCH_COLS} FROM line_batch WHERE line_id = $1 ORDER BY started_at DESC, code"
        );
        with_conn!(self, c => {
            sqlx::query_as::<_, BatchRecord>(sqlx::AssertSqlSafe(sql))
                .bind(line_id)
                .fetch_all(&mut *c)
                .await
        })
        .map_err(StoreError::from)
    }

    /// A batch of a line by id or code.
    pub async fn line_batch(
        &mut self,
        line_id: &str,
        id_or_code: &str,
    ) -> Result<Option<BatchRecord>> {
        let sql = format!(
            "SELECT {BATCH_COLS} FROM line_batch WHERE line_id = $1 AND (batch_id = $2 OR code = $2)"
        );
        with_conn!(self, c => {
            sqlx::query_as::<_, BatchRecord>(sqlx::AssertSqlSafe(sql))
                .bind(line_id)
                .bind(id_or_code)
                .fetch_optional(&mut *c)
                .await
        })
        .map_err(StoreError::from)
    }

    /// A batch by id (any line).
    pub async fn line_batch_by_id(&mut self, batch_id: &str) -> Result<Option<BatchRecord>> {
        let sql = format!("SELECT {BATCH_COLS} FROM line_batch WHERE batch_id = $1");
        with_conn!(self, c => {
            sqlx::query_as::<_, BatchRecord>(sqlx::AssertSqlSafe(sql))
                .bind(batch_id)
                .fetch_optional(&mut *c)
                .await
        })
        .map_err(StoreError::from)
    }

    /// Whether any visit or result refers to a station.
    pub async fn line_station_has_history(&mut self, station_id: &str) -> Result<bool> {
        let r: (i64,) = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT CAST((SELECT COUNT(*) FROM (SELECT 1 FROM line_visit WHERE station_id = $1 LIMIT 1) a) \
                 + (SELECT COUNT(*) FROM (SELECT 1 FROM line_result WHERE station_id = $1 LIMIT 1) b) AS BIGINT)",
            )
            .bind(station_id)
            .fetch_one(&mut *c)
            .await
        })?;
        Ok(r.0 > 0)
    }

    /// The joints of a station that have recorded results.
    pub async fn line_joints_with_results(&mut self, station_id: &str) -> Result<Vec<String>> {
        let r: Vec<(String,)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT DISTINCT joint FROM line_result WHERE station_id = $1 AND joint IS NOT NULL",
            )
            .bind(station_id)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(r.into_iter().map(|x| x.0).collect())
    }

    /// Whether a controller has recorded results.
    pub async fn line_controller_has_results(&mut self, controller_id: &str) -> Result<bool> {
        let r: Option<(i64,)> = with_conn!(self, c => {
            sqlx::query_as("SELECT tightening_id FROM line_result WHERE controller_id = $1 LIMIT 1")
                .bind(controller_id)
                .fetch_optional(&mut *c)
                .await
        })?;
        Ok(r.is_some())
    }

    /// Applies an edited configuration `spec` in place: the line's name and status; the
    /// stations in their new order (kept ids updated, new ones inserted, the ones
    /// in `remove_stations` deleted), every station's tasks replaced, its
    /// controllers updated, inserted or deleted (`remove_controllers`). The caller
    /// checks that nothing removed has history. Unique keys are dodged by parking
    /// positions, codes and endpoints on temporary values first.
    pub async fn apply_line_config(
        &mut self,
        spec: &LineSpec,
        remove_stations: &[String],
        remove_controllers: &[String],
        now: i64,
    ) -> Result<()> {
        let (line_id, name, status, stations) = (
            spec.id.as_str(),
            spec.name.as_str(),
            spec.status,
            &spec.stations,
        );
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
        for sql in [
            "DELETE FROM line_task WHERE station_id IN (SELECT station_id FROM line_station WHERE line_id = $1)",
            // park: negative positions, codes = ids (unique), endpoints on a fake host
            "UPDATE line_station SET position = -position, code = station_id WHERE line_id = $1",
            "UPDATE line_controller SET host = '~' || controller_id \
             WHERE station_id IN (SELECT station_id FROM line_station WHERE line_id = $1)",
        ] {
            with_conn!(self, c => sqlx::query(sql).bind(line_id).execute(&mut *c).await.map(|_| ()))?;
        }
        for id in remove_controllers {
            with_conn!(self, c => sqlx::query("DELETE FROM line_controller WHERE controller_id = $1")
                .bind(id.as_str()).execute(&mut *c).await.map(|_| ()))?;
        }
        for id in remove_stations {
            with_conn!(self, c => sqlx::query("DELETE FROM line_controller WHERE station_id = $1")
                .bind(id.as_str()).execute(&mut *c).await.map(|_| ()))?;
            with_conn!(self, c => sqlx::query("DELETE FROM line_station WHERE station_id = $1 AND line_id = $2")
                .bind(id.as_str()).bind(line_id).execute(&mut *c).await.map(|_| ()))?;
        }
        for (i, s) in stations.iter().enumerate() {
            let pos = i64::try_from(i).unwrap_or(i64::MAX) + 1;
            let n = with_conn!(self, c => {
                sqlx::query("UPDATE line_station SET position = $3, code = $4, name = $5 WHERE station_id = $1 AND line_id = $2")
                    .bind(s.id.as_str())
                    .bind(line_id)
                    .bind(pos)
                    .bind(s.code.as_str())
                    .bind(s.name.as_str())
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
            if n == 0 {
                with_conn!(self, c => {
                    sqlx::query("INSERT INTO line_station (station_id, line_id, position, code, name) VALUES ($1, $2, $3, $4, $5)")
                        .bind(s.id.as_str())
                        .bind(line_id)
                        .bind(pos)
                        .bind(s.code.as_str())
                        .bind(s.name.as_str())
                        .execute(&mut *c)
                        .await
                        .map(|_| ())
                })?;
            }
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
                self.put_controller(&s.id, ctl).await?;
            }
        }
        Ok(())
    }

    async fn put_controller(&mut self, station_id: &str, ctl: &ControllerSpec) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE line_controller SET station_id = $2, host = $3, port = $4, channel = $5 WHERE controller_id = $1")
                .bind(ctl.id.as_str())
                .bind(station_id)
                .bind(ctl.host.as_str())
                .bind(i64::from(ctl.port))
                .bind(i64::from(ctl.channel))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO line_controller (controller_id, station_id, host, port, channel) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(ctl.id.as_str())
                .bind(station_id)
                .bind(ctl.host.as_str())
                .bind(i64::from(ctl.port))
                .bind(i64::from(ctl.channel))
                .execute(&mut *c)
                .await
                .map(|_| ())
            })?;
        }
        Ok(())
    }
}
