//! Line analytics (docs/line-analytics.md): the catch-up job that keeps the hourly
//! rollups of migration 0019 current, the analytics of a shift, day or date range read
//! from them, the VIN trace and the xlsx export for trial production.
//!
//! The catch-up recomputes whole hours from the raw visits and results (it never
//! changes them): every hour touched by a row written (inserted or changed) since
//! the line's sequence mark (`row_seq`, migration 0020, in commit order per line),
//! so a row written late with an old timestamp is never missed. Each recomputed
//! hour equals a direct count over its raw rows, so re-running is harmless.

use crate::{Actor, App, AppError, AppResult};
use chrono::{NaiveDate, NaiveTime};
use kechuang_core::FieldError;
use kechuang_core::line::LineSpec;
use kechuang_core::role::Role;
use kechuang_line::analytics::{
    self as an, CycleHistogram, CycleStats, Ratio, Subgroup, capability, run_rules, xbar_r,
};
use kechuang_store::{
    Db, RollupHourRow, RollupJointRow, RollupReasonRow, RollupResult, RollupRows,
    RollupSubgroupRow, RollupVehicleRow, RollupVisit,
};
use std::collections::{BTreeMap, HashMap};

/// One hour in µs.
pub const HOUR_US: i64 = 3_600_000_000;
/// Default SPC subgroup size.
pub const DEFAULT_SUBGROUP_N: i64 = 5;
/// The catch-up is skipped by reads when it ran less than this long ago.
pub const FRESH_US: i64 = 30 * 1_000_000;
/// Longest range the analytics accept, in days.
pub const MAX_RANGE_DAYS: i64 = 93;

/// Start of the hour holding `us`.
pub fn hour_of(us: i64) -> i64 {
    us - us.rem_euclid(HOUR_US)
}

/// Unix µs of a China-local (UTC+8) date and time.
pub fn china_us(d: NaiveDate, t: NaiveTime) -> i64 {
    d.and_time(t).and_utc().timestamp_micros() - 8 * HOUR_US
}

/// May the actor read this line: a bureau administrator, or the owner's line
/// engineers, operators and enterprise staff.
pub fn can_read(actor: &Actor, line: &LineSpec) -> bool {
    actor.role == Role::BureauAdmin
        || (matches!(
            actor.role,
            Role::LineEngineer | Role::LineOperator | Role::Enterprise
        ) && actor.org_id.as_ref().map(|o| o.as_str()) == Some(line.org_id.as_str()))
}

/// Loads a line by id or code for reading, `NotFound` when absent or not visible.
pub async fn readable_line(db: &mut Db, actor: &Actor, line: &str) -> AppResult<LineSpec> {
    let spec = db.line(line).await?.ok_or(AppError::NotFound)?;
    if can_read(actor, &spec) {
        Ok(spec)
    } else {
        Err(AppError::NotFound)
    }
}

/// A period to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A shift: 白班 08:00–20:00 (`day`) or 夜班 20:00–08:00 next day (`night`).
    Shift(NaiveDate, bool),
    /// A calendar day (China time).
    Day(NaiveDate),
    /// Whole days from..=to.
    Range(NaiveDate, NaiveDate),
    /// Whole hours `[from, to)` in unix µs (a batch's window).
    Window(i64, i64),
}

impl Period {
    /// Parses `period` (`shift`, `day`, `range`), `date`, `shift` (`day`/`night`),
    /// `from`, `to`; errors name the field.
    pub fn parse(
        period: &str,
        date: Option<&str>,
        shift: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Self, FieldError> {
        let day = |f: &str, v: Option<&str>| -> Result<NaiveDate, FieldError> {
            let v = v
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| FieldError::new(f, "required"))?;
            kechuang_core::date::parse(f, v.trim())
        };
        match period {
            "shift" => {
                let d = day("date", date)?;
                match shift.unwrap_or("day") {
                    "day" => Ok(Self::Shift(d, true)),
                    "night" => Ok(Self::Shift(d, false)),
                    _ => {
                        Err(FieldError::new("shift", "invalid_choice")
                            .with("allowed", "day, night"))
                    }
                }
            }
            "day" | "" => Ok(Self::Day(day("date", date)?)),
            "range" => {
                let (f, t) = (day("from", from)?, day("to", to)?);
                if t < f {
                    return Err(FieldError::new("to", "before_start"));
                }
                if (t - f).num_days() >= MAX_RANGE_DAYS {
                    return Err(FieldError::new("to", "out_of_range").with("max", MAX_RANGE_DAYS));
                }
                Ok(Self::Range(f, t))
            }
            _ => {
                Err(FieldError::new("period", "invalid_choice")
                    .with("allowed", "shift, day, range"))
            }
        }
    }

    /// `[from, to)` in unix µs (whole hours).
    pub fn bounds(self) -> (i64, i64) {
        let h = |x: u32| NaiveTime::from_hms_opt(x, 0, 0).unwrap_or(NaiveTime::MIN);
        match self {
            Self::Shift(d, true) => (china_us(d, h(8)), china_us(d, h(20))),
            Self::Shift(d, false) => (china_us(d, h(20)), china_us(d, h(20)) + 12 * HOUR_US),
            Self::Day(d) => (china_us(d, h(0)), china_us(d, h(0)) + 24 * HOUR_US),
            Self::Range(f, t) => (china_us(f, h(0)), china_us(t, h(0)) + 24 * HOUR_US),
            Self::Window(f, t) => (f, t),
        }
    }

    /// zh-CN label.
    pub fn label(self) -> String {
        match self {
            Self::Shift(d, true) => format!("{d} 白班（08:00–20:00）"),
            Self::Shift(d, false) => format!("{d} 夜班（20:00–次日08:00）"),
            Self::Day(d) => format!("{d} 全天"),
            Self::Range(f, t) => format!("{f} 至 {t}"),
            Self::Window(f, t) => format!(
                "{} 至 {}",
                kechuang_core::date::china_datetime_of(f),
                kechuang_core::date::china_datetime_of(t)
            ),
        }
    }
}

/// Computes the rollup rows of a window of whole hours from its raw rows. Pure.
pub fn rollup_rows(
    visits: &[RollupVisit],
    results: &[RollupResult],
    vehicles: &[(i64, bool)],
    subgroup_n: usize,
) -> RollupRows {
    let mut hours: BTreeMap<(i64, &str), (RollupHourRow, CycleStats)> = BTreeMap::new();
    let mut reasons: BTreeMap<(i64, &str, String), i64> = BTreeMap::new();
    for v in visits {
        let h = hour_of(v.arrived_at);
        let (row, cyc) = hours.entry((h, v.station_id.as_str())).or_insert_with(|| {
            (
                RollupHourRow {
                    hour_us: h,
                    station_id: v.station_id.clone(),
                    visits: 0,
                    first_pass: 0,
                    rework: 0,
                    overrides: 0,
                    cycle_sum_ms: 0,
                    cycle_min_ms: 0,
                    cycle_max_ms: 0,
                    cycle_hist: String::new(),
                },
                CycleStats::default(),
            )
        });
        row.visits += 1;
        row.first_pass += i64::from(v.first_pass);
        row.rework += v.rework_count;
        if let Some(r) = &v.override_reason {
            row.overrides += 1;
            *reasons
                .entry((h, v.station_id.as_str(), format!("主管放行：{r}")))
                .or_default() += 1;
        }
        cyc.add((v.released_at - v.arrived_at).max(0) / 1000);
    }
    let hours = hours
        .into_values()
        .map(|(mut r, c)| {
            r.cycle_sum_ms = c.sum_ms;
            r.cycle_min_ms = c.min_ms.unwrap_or(0);
            r.cycle_max_ms = c.max_ms.unwrap_or(0);
            r.cycle_hist = c.hist.encode();
            r
        })
        .collect();

    let mut joints: BTreeMap<(i64, &str, &str), RollupJointRow> = BTreeMap::new();
    let mut open: HashMap<(i64, &str, &str), Vec<i64>> = HashMap::new();
    let mut seqs: HashMap<(i64, &str, &str), i64> = HashMap::new();
    let mut subgroups = Vec::new();
    for r in results {
        let h = hour_of(r.at_us);
        let key = (h, r.station_id.as_str(), r.joint.as_str());
        let j = joints.entry(key).or_insert_with(|| RollupJointRow {
            hour_us: h,
            station_id: r.station_id.clone(),
            joint: r.joint.clone(),
            torque_min: i64::MAX,
            torque_max: i64::MIN,
            ..Default::default()
        });
        j.results += 1;
        if r.attempt <= 1 {
            j.first_attempts += 1;
            j.first_ok += i64::from(r.ok);
        }
        if r.ok {
            j.ok += 1;
            j.torque_sum += r.torque_cnm;
            j.torque_min = j.torque_min.min(r.torque_cnm);
            j.torque_max = j.torque_max.max(r.torque_cnm);
            let buf = open.entry(key).or_default();
            buf.push(r.torque_cnm);
            if subgroup_n > 0 && buf.len() == subgroup_n {
                let g = an::subgroups_of(buf, subgroup_n)[0];
                let seq = seqs.entry(key).or_default();
                *seq += 1;
                j.sg_count += 1;
                j.sg_values += i64::from(g.n);
                j.sg_sum += g.sum;
                j.sg_range_sum += g.range();
                subgroups.push(RollupSubgroupRow {
                    station_id: r.station_id.clone(),
                    joint: r.joint.clone(),
                    hour_us: h,
                    seq: *seq,
                    n: i64::from(g.n),
                    sum_cnm: g.sum,
                    min_cnm: g.min,
                    max_cnm: g.max,
                    last_at_us: r.at_us,
                });
                buf.clear();
            }
        } else {
            let why = if !r.torque_ok {
                "扭矩不合格"
            } else if !r.angle_ok {
                "角度不合格"
            } else {
                "拧紧不合格"
            };
            *reasons
                .entry((h, r.station_id.as_str(), format!("{}：{why}", r.joint)))
                .or_default() += 1;
        }
    }
    let joints = joints
        .into_values()
        .map(|mut j| {
            if j.ok == 0 {
                j.torque_min = 0;
                j.torque_max = 0;
            }
            j
        })
        .collect();

    let mut veh: BTreeMap<i64, RollupVehicleRow> = BTreeMap::new();
    for (at, fp) in vehicles {
        let h = hour_of(*at);
        let e = veh.entry(h).or_insert(RollupVehicleRow {
            hour_us: h,
            vehicles: 0,
            first_pass: 0,
        });
        e.vehicles += 1;
        e.first_pass += i64::from(*fp);
    }
    RollupRows {
        hours,
        vehicles: veh.into_values().collect(),
        reasons: reasons
            .into_iter()
            .map(|((h, s, reason), n)| RollupReasonRow {
                hour_us: h,
                station_id: s.to_string(),
                reason,
                n,
            })
            .collect(),
        joints,
        subgroups,
    }
}

/// What a catch-up run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CatchUp {
    /// Hours recomputed.
    pub hours: i64,
    /// Visits read.
    pub visits: usize,
    /// Results read.
    pub results: usize,
}

impl App {
    /// Recomputes the rollup hours `[h, to)` of a line in one transaction.
    async fn line_rollup_window(
        &self,
        line: &LineSpec,
        last: &str,
        h: i64,
        to: i64,
        n: i64,
        report: &mut CatchUp,
    ) -> AppResult<bool> {
        let mut db = self.store.begin().await?;
        let visits = db.line_rollup_visits(&line.id, h, to).await?;
        let results = db.line_rollup_results(&line.id, h, to).await?;
        let vehicles = db.line_rollup_vehicles(&line.id, last, h, to).await?;
        let rows = rollup_rows(&visits, &results, &vehicles, n as usize);
        db.replace_line_rollup(&line.id, h, to, &rows).await?;
        db.commit().await?;
        report.hours += (to - h) / HOUR_US;
        report.visits += visits.len();
        report.results += results.len();
        Ok(visits.is_empty() && results.is_empty())
    }

    /// Brings the rollups of one line up to date (see the module documentation):
    /// recomputes every hour touched by a visit or result written since the line's
    /// sequence mark. With `force_from`, every hour from that instant on is
    /// recomputed as well.
    pub async fn line_rollup_catch_up(
        &self,
        line: &LineSpec,
        force_from: Option<i64>,
    ) -> AppResult<CatchUp> {
        let now = self.now();
        let last = line
            .stations
            .last()
            .map(|s| s.id.clone())
            .unwrap_or_default();
        let mut db = self.store.read().await?;
        let state = db.line_rollup_state(&line.id).await?;
        let n = state.map_or(DEFAULT_SUBGROUP_N, |s| s.1);
        let mark = state.map_or(0, |s| s.2);
        let changes = db.line_rollup_changes(&line.id, &last, mark).await?;
        let span = db.line_visit_span(&line.id).await?;
        drop(db);
        let mut report = CatchUp {
            hours: 0,
            visits: 0,
            results: 0,
        };
        let end = hour_of(now) + HOUR_US;
        let mut first = None;
        // the changed hours, in runs of consecutive hours of at most a day
        let mut hours = changes.hours.iter().copied().peekable();
        while let Some(h) = hours.next() {
            let mut to = h + HOUR_US;
            while to - h < 24 * HOUR_US && hours.peek() == Some(&to) {
                hours.next();
                to += HOUR_US;
            }
            first = Some(first.map_or(h, |f: i64| f.min(h)));
            self.line_rollup_window(line, &last, h, to, n, &mut report)
                .await?;
        }
        // a forced recompute: every hour from the instant (not before the first visit)
        if let (Some(f), Some((first_visit, _))) = (force_from, span) {
            let mut h = hour_of(f.max(first_visit));
            first = Some(first.map_or(h, |x: i64| x.min(h)));
            while h < end {
                let to = (h + 24 * HOUR_US).min(end);
                let idle = self
                    .line_rollup_window(line, &last, h, to, n, &mut report)
                    .await?;
                h = to;
                if idle {
                    // an idle stretch: go straight to the next arrival (its results follow it)
                    let mut db = self.store.read().await?;
                    h = match db.line_next_arrival(&line.id, to).await? {
                        Some(next) => hour_of(next).max(to),
                        None => end,
                    };
                }
            }
        }
        let mut db = self.store.begin().await?;
        db.set_line_rollup_state(
            &line.id,
            first.unwrap_or(now),
            n,
            changes.max_seq.unwrap_or(mark),
            now,
        )
        .await?;
        db.commit().await?;
        Ok(report)
    }

    /// The China-time day of the line's latest recorded visit.
    pub async fn line_latest_day(&self, actor: &Actor, line: &str) -> AppResult<Option<NaiveDate>> {
        let mut db = self.store.read().await?;
        let spec = readable_line(&mut db, actor, line).await?;
        Ok(db
            .line_visit_span(&spec.id)
            .await?
            .map(|(_, last)| kechuang_core::date::china_date_of(last)))
    }

    /// Runs the catch-up unless it ran within [`FRESH_US`].
    pub async fn line_rollup_refresh(&self, line: &LineSpec) -> AppResult<()> {
        let fresh = {
            let mut db = self.store.read().await?;
            db.line_rollup_updated_at(&line.id)
                .await?
                .is_some_and(|t| self.now() - t < FRESH_US)
        };
        if !fresh {
            self.line_rollup_catch_up(line, None).await?;
        }
        Ok(())
    }

    /// The analytics of a line over a period, read from the rollups (refreshed first
    /// when stale). `spc` picks the joint whose X̄-R chart is drawn (`station_code/joint`;
    /// default: the joint with the lowest Cpk).
    pub async fn line_analytics(
        &self,
        actor: &Actor,
        line: &str,
        period: Period,
        spc: Option<&str>,
    ) -> AppResult<LineAnalytics> {
        let spec = {
            let mut db = self.store.read().await?;
            readable_line(&mut db, actor, line).await?
        };
        self.line_rollup_refresh(&spec).await?;
        let (from, to) = period.bounds();
        let mut db = self.store.read().await?;
        let hours = db.line_rollup_hours(&spec.id, from, to).await?;
        let veh = db.line_rollup_vehicle_hours(&spec.id, from, to).await?;
        let reasons = db.line_rollup_reasons(&spec.id, from, to).await?;
        let joints = db.line_rollup_joints(&spec.id, from, to).await?;
        let mut out = assemble(&spec, period, &hours, &veh, &reasons, &joints)?;
        let pick = spc
            .and_then(|s| s.split_once('/'))
            .and_then(|(st, j)| {
                out.joints
                    .iter()
                    .find(|x| x.station_code == st && x.joint == j)
            })
            .or_else(|| {
                out.joints
                    .iter()
                    .filter(|x| x.subgroups > 0)
                    .min_by_key(|x| x.cpk_milli.unwrap_or(i64::MAX))
            })
            .cloned();
        if let Some(j) = pick {
            let rows = db
                .line_rollup_subgroups(&spec.id, &j.station_id, &j.joint, from, to, 200)
                .await?;
            out.spc = spc_chart(&j, &rows);
        }
        Ok(out)
    }
}

/// Station figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StationFigures {
    /// Position (1-based).
    pub position: usize,
    /// Station id.
    pub station_id: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Released visits.
    pub visits: u64,
    /// First-pass visits.
    pub first_pass: u64,
    /// FPY, percent (display).
    pub fpy_pct: Option<f64>,
    /// Re-tightenings.
    pub rework: u64,
    /// Overrides.
    pub overrides: u64,
    /// Mean work time, seconds.
    pub mean_s: Option<f64>,
    /// p50, seconds.
    pub p50_s: Option<f64>,
    /// p90, seconds.
    pub p90_s: Option<f64>,
    /// Max, seconds.
    pub max_s: Option<f64>,
    /// Utilisation of the period, percent.
    pub utilisation_pct: Option<f64>,
    /// Histogram: (bucket upper edge in s, count).
    pub hist: Vec<(f64, u64)>,
}

/// Joint figures (SPC summary).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JointFigures {
    /// Station id.
    pub station_id: String,
    /// Station code.
    pub station_code: String,
    /// Station name.
    pub station_name: String,
    /// Joint.
    pub joint: String,
    /// Results.
    pub results: u64,
    /// OK results.
    pub ok: u64,
    /// First-time-right, percent.
    pub ftr_pct: Option<f64>,
    /// Mean OK torque, Nm.
    pub mean_nm: Option<f64>,
    /// Min OK torque, Nm.
    pub min_nm: Option<f64>,
    /// Max OK torque, Nm.
    pub max_nm: Option<f64>,
    /// Window low, Nm.
    pub lsl_nm: f64,
    /// Window high, Nm.
    pub usl_nm: f64,
    /// Subgroups.
    pub subgroups: u64,
    /// Cp ×1000.
    pub cp_milli: Option<i64>,
    /// Cpk ×1000.
    pub cpk_milli: Option<i64>,
    /// Cp.
    pub cp: Option<f64>,
    /// Cpk.
    pub cpk: Option<f64>,
    /// Enough data to publish Cp/Cpk.
    pub enough: bool,
}

/// An X̄-R chart ready to draw (Nm).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpcChart {
    /// `station_code/joint`.
    pub key: String,
    /// Title.
    pub title: String,
    /// Subgroup size.
    pub n: usize,
    /// x labels (time of the subgroup's last value).
    pub labels: Vec<String>,
    /// X̄ values.
    pub xbar: Vec<f64>,
    /// R values.
    pub r: Vec<f64>,
    /// X̿.
    pub center: f64,
    /// UCL.
    pub ucl: f64,
    /// LCL.
    pub lcl: f64,
    /// R̄.
    pub r_bar: f64,
    /// R UCL.
    pub r_ucl: f64,
    /// R LCL.
    pub r_lcl: f64,
    /// Alarms: (label, zh rule).
    pub alarms: Vec<(String, String)>,
}

/// Hourly row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HourFigures {
    /// `MM-DD HH:00`.
    pub label: String,
    /// Vehicles completed.
    pub vehicles: u64,
    /// First-pass vehicles.
    pub first_pass: u64,
    /// FPY percent.
    pub fpy_pct: Option<f64>,
}

/// The analytics of a line over a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LineAnalytics {
    /// Line id.
    pub line_id: String,
    /// Line code.
    pub line_code: String,
    /// Line name.
    pub line_name: String,
    /// Status label.
    pub status: String,
    /// Period label.
    pub period: String,
    /// `[from, to)` unix µs.
    pub from_us: i64,
    /// End.
    pub to_us: i64,
    /// Vehicles completed.
    pub vehicles: u64,
    /// First-pass at every station.
    pub vehicles_first_pass: u64,
    /// Line FPY (exact).
    pub line_fpy: Ratio,
    /// Line FPY, percent.
    pub line_fpy_pct: Option<f64>,
    /// RTY, percent.
    pub rty_pct: Option<f64>,
    /// Re-tightenings.
    pub rework: u64,
    /// Overrides.
    pub overrides: u64,
    /// Throughput, vehicles per hour over the hours with production.
    pub throughput_per_hour: Option<f64>,
    /// Hours with production.
    pub active_hours: u64,
    /// Bottleneck: (station name, mean s, utilisation %).
    pub bottleneck: Option<(String, f64, Option<f64>)>,
    /// Stations in order.
    pub stations: Vec<StationFigures>,
    /// Reasons: (station name, reason, n), most frequent first.
    pub reasons: Vec<(String, String, u64)>,
    /// Joints.
    pub joints: Vec<JointFigures>,
    /// By hour.
    pub hourly: Vec<HourFigures>,
    /// The chosen joint's chart.
    pub spc: Option<SpcChart>,
}

fn nm(cnm: i64) -> f64 {
    cnm as f64 / 100.0
}

fn assemble(
    spec: &LineSpec,
    period: Period,
    hours: &[RollupHourRow],
    veh: &[RollupVehicleRow],
    reasons: &[RollupReasonRow],
    joints: &[RollupJointRow],
) -> AppResult<LineAnalytics> {
    let (from, to) = period.bounds();
    let mut per: HashMap<&str, (u64, u64, u64, u64, CycleStats)> = HashMap::new();
    let mut active: std::collections::BTreeSet<i64> = Default::default();
    for h in hours {
        let e = per.entry(h.station_id.as_str()).or_default();
        e.0 += h.visits as u64;
        e.1 += h.first_pass as u64;
        e.2 += h.rework as u64;
        e.3 += h.overrides as u64;
        let hist = CycleHistogram::decode(&h.cycle_hist)
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        e.4.merge(&CycleStats {
            count: h.visits as u64,
            sum_ms: h.cycle_sum_ms,
            min_ms: (h.visits > 0).then_some(h.cycle_min_ms),
            max_ms: (h.visits > 0).then_some(h.cycle_max_ms),
            hist,
        });
        if h.visits > 0 {
            active.insert(h.hour_us);
        }
    }
    let active_ms = active.len() as i64 * HOUR_US / 1000;
    let pct = |r: Ratio| r.pct().map(|p| (p * 10.0).round() / 10.0);
    let secs = |ms: Option<i64>| ms.map(|m| m as f64 / 1000.0);
    let mut cyc_by_pos = BTreeMap::new();
    let mut station_yields = Vec::new();
    let mut stations = Vec::new();
    for (i, s) in spec.stations.iter().enumerate() {
        let e = per.remove(s.id.as_str()).unwrap_or_default();
        let c = &e.4;
        station_yields.push(an::StationYield {
            station: i as u32,
            fpy: Ratio::new(e.1, e.0),
            rework: e.2,
        });
        let edges = an::cycle::bucket_edges_ms();
        stations.push(StationFigures {
            position: i + 1,
            station_id: s.id.clone(),
            code: s.code.clone(),
            name: s.name.clone(),
            visits: e.0,
            first_pass: e.1,
            fpy_pct: pct(Ratio::new(e.1, e.0)),
            rework: e.2,
            overrides: e.3,
            mean_s: secs(c.mean_ms()),
            p50_s: secs(c.percentile_ms(50)),
            p90_s: secs(c.percentile_ms(90)),
            max_s: secs(c.max_ms),
            utilisation_pct: (active_ms > 0)
                .then(|| (c.sum_ms as f64 * 1000.0 / active_ms as f64).round() / 10.0),
            hist: c
                .hist
                .buckets
                .iter()
                .map(|(b, n)| (edges[*b].min(3_600_000) as f64 / 1000.0, *n))
                .collect(),
        });
        cyc_by_pos.insert(i as u32, e.4);
    }
    let bottleneck = an::bottleneck(&cyc_by_pos, active_ms).map(|b| {
        (
            spec.stations[b.station as usize].name.clone(),
            b.mean_ms as f64 / 1000.0,
            b.utilisation_per_mille.map(|u| u as f64 / 10.0),
        )
    });
    let vehicles: u64 = veh.iter().map(|v| v.vehicles as u64).sum();
    let vfp: u64 = veh.iter().map(|v| v.first_pass as u64).sum();
    let line_fpy = Ratio::new(vfp, vehicles);
    let name_of: HashMap<&str, &kechuang_core::line::StationSpec> =
        spec.stations.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut reasons: Vec<(String, String, u64)> = reasons
        .iter()
        .map(|r| {
            (
                name_of
                    .get(r.station_id.as_str())
                    .map_or_else(|| r.station_id.clone(), |s| s.name.clone()),
                r.reason.clone(),
                r.n as u64,
            )
        })
        .collect();
    reasons.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.cmp(&b.1))
    });
    let mut jf = Vec::new();
    for s in &spec.stations {
        for t in &s.tasks {
            let j = joints
                .iter()
                .find(|j| j.station_id == s.id && j.joint == t.joint)
                .cloned()
                .unwrap_or_default();
            let n = if j.sg_count > 0 {
                j.sg_values / j.sg_count
            } else {
                0
            };
            // capability from the summed subgroups: one synthetic subgroup list with the
            // same k, Σ values and Σ ranges gives the same Cp/Cpk as the real ones.
            let groups: Vec<Subgroup> = synthetic_groups(&j, n);
            let cap = capability(&groups, t.torque_min_cnm, t.torque_max_cnm);
            jf.push(JointFigures {
                station_id: s.id.clone(),
                station_code: s.code.clone(),
                station_name: s.name.clone(),
                joint: t.joint.clone(),
                results: j.results as u64,
                ok: j.ok as u64,
                ftr_pct: pct(Ratio::new(j.first_ok as u64, j.first_attempts as u64)),
                mean_nm: (j.ok > 0).then(|| (j.torque_sum as f64 / j.ok as f64).round() / 100.0),
                min_nm: (j.ok > 0).then(|| nm(j.torque_min)),
                max_nm: (j.ok > 0).then(|| nm(j.torque_max)),
                lsl_nm: nm(t.torque_min_cnm),
                usl_nm: nm(t.torque_max_cnm),
                subgroups: j.sg_count as u64,
                cp_milli: cap.cp,
                cpk_milli: cap.cpk,
                cp: cap.cp.map(|x| x as f64 / 1000.0),
                cpk: cap.cpk.map(|x| x as f64 / 1000.0),
                enough: cap.enough,
            });
        }
    }
    let hourly = veh
        .iter()
        .map(|v| HourFigures {
            label: kechuang_core::date::china_datetime_of(v.hour_us)
                .get(5..)
                .unwrap_or_default()
                .to_string(),
            vehicles: v.vehicles as u64,
            first_pass: v.first_pass as u64,
            fpy_pct: pct(Ratio::new(v.first_pass as u64, v.vehicles as u64)),
        })
        .collect();
    let tp = an::throughput_per_hour(vehicles, active_ms);
    Ok(LineAnalytics {
        line_id: spec.id.clone(),
        line_code: spec.code.clone(),
        line_name: spec.name.clone(),
        status: spec.status.label().to_string(),
        period: period.label(),
        from_us: from,
        to_us: to,
        vehicles,
        vehicles_first_pass: vfp,
        line_fpy,
        line_fpy_pct: pct(line_fpy),
        rty_pct: an::yields::rty_ppm(&station_yields).map(|p| (p as f64 / 1000.0).round() / 10.0),
        rework: stations.iter().map(|s| s.rework).sum(),
        overrides: stations.iter().map(|s| s.overrides).sum(),
        throughput_per_hour: tp.pct().map(|p| (p / 10.0).round() / 10.0),
        active_hours: active.len() as u64,
        bottleneck,
        stations,
        reasons,
        joints: jf,
        hourly,
        spc: None,
    })
}

/// Subgroups with the same count, Σ values and Σ ranges as a joint's (capability only
/// depends on those): the last one carries the remainders.
fn synthetic_groups(j: &RollupJointRow, n: i64) -> Vec<Subgroup> {
    if j.sg_count == 0 || n == 0 {
        return Vec::new();
    }
    let k = j.sg_count;
    let mut out = vec![
        Subgroup {
            n: n as u32,
            sum: j.sg_sum / k,
            min: 0,
            max: j.sg_range_sum / k,
        };
        k as usize
    ];
    if let Some(last) = out.last_mut() {
        last.sum += j.sg_sum % k;
        last.max += j.sg_range_sum % k;
    }
    out
}

fn spc_chart(j: &JointFigures, rows: &[RollupSubgroupRow]) -> Option<SpcChart> {
    let groups: Vec<Subgroup> = rows
        .iter()
        .map(|r| Subgroup {
            n: r.n as u32,
            sum: r.sum_cnm,
            min: r.min_cnm,
            max: r.max_cnm,
        })
        .collect();
    let c = xbar_r(&groups)?;
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            kechuang_core::date::china_datetime_of(r.last_at_us)
                .get(5..)
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let v3 = |x: i64| (x as f64 / 100.0).round() / 1000.0;
    let alarms = run_rules(&c)
        .into_iter()
        .map(|a| {
            (
                labels.get(a.at).cloned().unwrap_or_default(),
                a.rule.zh().to_string(),
            )
        })
        .collect();
    Some(SpcChart {
        key: format!("{}/{}", j.station_code, j.joint),
        title: format!("{} · {}", j.station_name, j.joint),
        n: c.n,
        labels,
        xbar: c.xbar.iter().map(|x| v3(*x)).collect(),
        r: c.r.iter().map(|x| v3(*x)).collect(),
        center: v3(c.center),
        ucl: v3(c.ucl),
        lcl: v3(c.lcl),
        r_bar: v3(c.r_bar),
        r_ucl: v3(c.r_ucl),
        r_lcl: v3(c.r_lcl),
        alarms,
    })
    .map(|mut s| {
        s.alarms.truncate(50);
        s
    })
}
