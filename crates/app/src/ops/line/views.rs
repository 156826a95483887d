//! Read views of a line for the pages: the lines an actor may see, a line's
//! configuration, the live snapshot (stations, carts, current VIN, OK/NOK, andon) and
//! the VIN trace (every screw of a frame number).

use super::analytics::{can_read, readable_line};
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::date::china_datetime_of;
use kechuang_core::line::{LineEventKind, LineSpec, Vin};
use kechuang_core::role::Role;
use std::collections::HashMap;

/// A line in the list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineItem {
    /// Id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Status label.
    pub status: String,
}

/// One screw of a VIN trace.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TraceScrew {
    /// Station name.
    pub station: String,
    /// Joint.
    pub joint: String,
    /// Bolt position.
    pub bolt: Option<u32>,
    /// Attempt.
    pub attempt: Option<u32>,
    /// Torque, Nm.
    pub torque_nm: f64,
    /// Angle, degrees.
    pub angle_deg: i64,
    /// OK.
    pub ok: bool,
    /// Torque in window.
    pub torque_ok: bool,
    /// Angle in window.
    pub angle_ok: bool,
    /// Received (China time).
    pub at: String,
    /// Controller's own time stamp.
    pub controller_time: String,
    /// Controller `host:port/channel`.
    pub controller: String,
    /// Tightening id.
    pub tightening_id: i64,
    /// Flag (zh-CN) when not assigned normally.
    pub flag: Option<String>,
}

/// One station visit of a VIN trace.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraceVisit {
    /// Station name.
    pub station: String,
    /// Arrived.
    pub arrived: String,
    /// Released.
    pub released: Option<String>,
    /// First pass.
    pub first_pass: bool,
    /// Re-tightenings.
    pub rework: u32,
    /// Override `user：reason`.
    pub override_by: Option<String>,
}

/// Every screw of a frame number.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VinTrace {
    /// VIN.
    pub vin: String,
    /// Line name.
    pub line: String,
    /// Visits.
    pub visits: Vec<TraceVisit>,
    /// Screws in time order.
    pub screws: Vec<TraceScrew>,
    /// First pass at every station.
    pub first_pass: bool,
}

/// A station in the live snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveStation {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Current cart's VIN.
    pub vin: Option<String>,
    /// Since (China time).
    pub since: Option<String>,
    /// Bolts done OK / required.
    pub ok_bolts: u32,
    /// Required bolts.
    pub required: u32,
    /// Any NOK open (the last attempt of some bolt NOK).
    pub nok: bool,
    /// Andon raised and not yet cleared by a release.
    pub andon: bool,
}

/// The live snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LiveSnapshot {
    /// Line name.
    pub line: String,
    /// Stations in order.
    pub stations: Vec<LiveStation>,
    /// Recent events: (time, station, kind zh, VIN, detail).
    pub events: Vec<(String, String, String, String, String)>,
}

fn kind_zh(k: LineEventKind) -> &'static str {
    match k {
        LineEventKind::Arrived => "到站",
        LineEventKind::Released => "放行",
        LineEventKind::Refused => "拒绝放行",
        LineEventKind::Override => "主管放行",
        LineEventKind::Andon => "安灯",
        LineEventKind::IllegalVin => "车架号非法",
        LineEventKind::Flagged => "结果已标记",
        LineEventKind::ControllerDown => "拧紧控制器断开",
        LineEventKind::ControllerUp => "拧紧控制器连接",
        LineEventKind::BadMessage => "无效报文",
    }
}

impl App {
    /// The lines the actor may see.
    pub async fn line_list(&self, actor: &Actor) -> AppResult<Vec<LineItem>> {
        let org = match actor.role {
            Role::BureauAdmin => None,
            Role::LineEngineer | Role::LineOperator | Role::Enterprise => {
                Some(actor.org_id.clone().ok_or(AppError::Forbidden)?)
            }
            _ => return Err(AppError::Forbidden),
        };
        let mut db = self.store.read().await?;
        Ok(db
            .lines(org.as_ref().map(|o| o.as_str()))
            .await?
            .into_iter()
            .map(|l| LineItem {
                id: l.id,
                code: l.code,
                name: l.name,
                status: l.status.label().to_string(),
            })
            .collect())
    }

    /// A line's configuration.
    pub async fn line_config(&self, actor: &Actor, line: &str) -> AppResult<LineSpec> {
        let mut db = self.store.read().await?;
        readable_line(&mut db, actor, line).await
    }

    /// Every screw of a VIN on a line.
    pub async fn line_vin_trace(
        &self,
        actor: &Actor,
        line: &str,
        vin: &str,
    ) -> AppResult<VinTrace> {
        let vin = Vin::parse(vin).map_err(|e| AppError::Invalid(vec![e]))?;
        let mut db = self.store.read().await?;
        let spec = readable_line(&mut db, actor, line).await?;
        let names: HashMap<&str, &str> = spec
            .stations
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str()))
            .collect();
        let ctrls: HashMap<&str, String> = spec
            .stations
            .iter()
            .flat_map(|s| s.controllers.iter())
            .map(|c| {
                (
                    c.id.as_str(),
                    format!("{}:{}/{}", c.host, c.port, c.channel),
                )
            })
            .collect();
        let visits: Vec<_> = db
            .line_visits_of_vin(vin.as_str())
            .await?
            .into_iter()
            .filter(|v| v.line_id == spec.id)
            .collect();
        let screws: Vec<_> = db
            .line_results_of_vin(vin.as_str())
            .await?
            .into_iter()
            .filter(|r| r.line_id == spec.id)
            .collect();
        if visits.is_empty() && screws.is_empty() {
            return Err(AppError::Invalid(vec![FieldError::new("vin", "not_found")]));
        }
        let station = |id: &str| {
            names
                .get(id)
                .map_or_else(|| id.to_string(), |s| s.to_string())
        };
        Ok(VinTrace {
            vin: vin.as_str().to_string(),
            line: spec.name.clone(),
            first_pass: visits.iter().all(|v| v.first_pass),
            visits: visits
                .iter()
                .map(|v| TraceVisit {
                    station: station(&v.station_id),
                    arrived: china_datetime_of(v.arrived_us),
                    released: v.released_us.map(china_datetime_of),
                    first_pass: v.first_pass,
                    rework: v.rework_count,
                    override_by: v
                        .override_by
                        .as_ref()
                        .map(|o| format!("{}：{}", o.user, o.reason)),
                })
                .collect(),
            screws: screws
                .iter()
                .map(|r| TraceScrew {
                    station: station(&r.station_id),
                    joint: r.joint.clone().unwrap_or_default(),
                    bolt: r.bolt,
                    attempt: r.attempt,
                    torque_nm: r.torque_cnm as f64 / 100.0,
                    angle_deg: r.angle_deg,
                    ok: r.ok,
                    torque_ok: r.torque_ok,
                    angle_ok: r.angle_ok,
                    at: seconds(r.at_us),
                    controller_time: r.controller_time.clone(),
                    controller: ctrls
                        .get(r.controller_id.as_str())
                        .cloned()
                        .unwrap_or_else(|| r.controller_id.clone()),
                    tightening_id: r.tightening_id,
                    flag: r.flag.map(|f| f.code().to_string()),
                })
                .collect(),
        })
    }

    /// The live snapshot of a line: the open visit of each station with its bolts, and
    /// the latest events.
    pub async fn line_live(&self, actor: &Actor, line: &str) -> AppResult<LiveSnapshot> {
        let mut db = self.store.read().await?;
        let spec = readable_line(&mut db, actor, line).await?;
        if !can_read(actor, &spec) {
            return Err(AppError::NotFound);
        }
        let open = db.line_open_visits(&spec.id).await?;
        let events = db.line_events_recent(&spec.id, 30).await?;
        let mut stations = Vec::new();
        for s in &spec.stations {
            let cur = open.iter().find(|v| v.station_id == s.id);
            let (mut ok_bolts, mut nok) = (0, false);
            if let Some(v) = cur {
                let results = db.line_results_of_vin(&v.vin).await?;
                let mut last: HashMap<(String, u32), bool> = HashMap::new();
                for r in results.iter().filter(|r| r.station_id == s.id) {
                    if let (Some(j), Some(b)) = (&r.joint, r.bolt) {
                        last.insert((j.clone(), b), r.ok);
                    }
                }
                ok_bolts = last.values().filter(|x| **x).count() as u32;
                nok = last.values().any(|x| !*x);
            }
            let andon = events
                .iter()
                .find(|e| e.station_id.as_deref() == Some(s.id.as_str()))
                .is_some_and(|e| matches!(e.kind, LineEventKind::Andon | LineEventKind::Refused));
            stations.push(LiveStation {
                code: s.code.clone(),
                name: s.name.clone(),
                vin: cur.map(|v| v.vin.clone()),
                since: cur.map(|v| seconds(v.arrived_at)),
                ok_bolts,
                required: s.required_bolts(),
                nok,
                andon,
            });
        }
        let names: HashMap<&str, &str> = spec
            .stations
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str()))
            .collect();
        Ok(LiveSnapshot {
            line: spec.name.clone(),
            stations,
            events: events
                .iter()
                .map(|e| {
                    (
                        seconds(e.at_us),
                        e.station_id
                            .as_deref()
                            .and_then(|s| names.get(s))
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                        kind_zh(e.kind).to_string(),
                        e.vin.clone().unwrap_or_default(),
                        e.detail.clone(),
                    )
                })
                .collect(),
        })
    }
}

/// `YYYY-MM-DD HH:MM:SS` China time.
pub fn seconds(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us + 8 * 3_600_000_000)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}
