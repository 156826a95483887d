//! Editing a line's configuration (docs/line-config.md): the whole configuration
//! is submitted; stations and controllers keep their ids, tasks are matched by
//! joint. A station with recorded visits or results, a joint with recorded
//! results and a controller with recorded results cannot be removed (history
//! keeps referring to them); bad input names the field and changes nothing.

use super::may_engineer;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::line::LineSpec;
use kechuang_store::StoreError;
use serde_json::json;
use std::collections::HashSet;

fn invalid(e: FieldError) -> AppError {
    AppError::Invalid(vec![e])
}

/// Replaces the configuration of line `line` (id or code) by `new` (its id, owner and
/// code are the line's; stations and controllers with an empty id are new). Returns
/// the stored configuration.
pub async fn update_line_config(
    app: &App,
    actor: &Actor,
    line: &str,
    new: &LineSpec,
) -> AppResult<LineSpec> {
    let cur = super::line(app, actor, line).await?;
    may_engineer(actor, &cur.org_id)?;
    if !new.code.is_empty() && new.code != cur.code {
        return Err(invalid(FieldError::new("code", "immutable")));
    }
    let mut spec = new.clone();
    spec.id = cur.id.clone();
    spec.org_id = cur.org_id.clone();
    spec.code = cur.code.clone();
    let cur_stations: HashSet<&str> = cur.stations.iter().map(|s| s.id.as_str()).collect();
    let cur_ctls: HashSet<&str> = cur
        .stations
        .iter()
        .flat_map(|s| s.controllers.iter().map(|c| c.id.as_str()))
        .collect();
    for (i, s) in spec.stations.iter_mut().enumerate() {
        if s.id.is_empty() {
            s.id = kechuang_store::new_id();
        } else if !cur_stations.contains(s.id.as_str()) {
            return Err(invalid(FieldError::new(
                format!("stations[{i}].id"),
                "unknown",
            )));
        }
        for (k, c) in s.controllers.iter_mut().enumerate() {
            if c.id.is_empty() {
                c.id = kechuang_store::new_id();
            } else if !cur_ctls.contains(c.id.as_str()) {
                return Err(invalid(FieldError::new(
                    format!("stations[{i}].controllers[{k}].id"),
                    "unknown",
                )));
            }
        }
    }
    spec.validate().map_err(invalid)?;
    let mut tx = app.store.begin().await?;
    let kept: HashSet<&str> = spec.stations.iter().map(|s| s.id.as_str()).collect();
    let kept_ctls: HashSet<&str> = spec
        .stations
        .iter()
        .flat_map(|s| s.controllers.iter().map(|c| c.id.as_str()))
        .collect();
    let mut remove_stations = Vec::new();
    let mut remove_controllers = Vec::new();
    for s in &cur.stations {
        if !kept.contains(s.id.as_str()) {
            if tx.line_station_has_history(&s.id).await? {
                return Err(invalid(
                    FieldError::new("stations", "station_has_history").with("station", &s.name),
                ));
            }
            remove_stations.push(s.id.clone());
            continue;
        }
        let (i, now) = spec
            .stations
            .iter()
            .enumerate()
            .find(|(_, n)| n.id == s.id)
            .ok_or(AppError::NotFound)?;
        let joints: HashSet<&str> = now.tasks.iter().map(|t| t.joint.as_str()).collect();
        for j in tx.line_joints_with_results(&s.id).await? {
            if !joints.contains(j.as_str()) {
                return Err(invalid(
                    FieldError::new(format!("stations[{i}].tasks"), "joint_has_results")
                        .with("joint", j),
                ));
            }
        }
        for c in &s.controllers {
            if !kept_ctls.contains(c.id.as_str()) {
                if tx.line_controller_has_results(&c.id).await? {
                    return Err(invalid(
                        FieldError::new(
                            format!("stations[{i}].controllers"),
                            "controller_has_results",
                        )
                        .with("controller", format!("{}:{}/{}", c.host, c.port, c.channel)),
                    ));
                }
                remove_controllers.push(c.id.clone());
            }
        }
    }
    tx.apply_line_config(&spec, &remove_stations, &remove_controllers, app.now())
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => {
                invalid(FieldError::new("controllers", "endpoint_in_use"))
            }
            e => e.into(),
        })?;
    tx.append_event(
        &actor.tag(),
        "line",
        &spec.id,
        "line.updated",
        &json!({"stations": spec.stations.len(), "removed_stations": remove_stations.len(),
                "removed_controllers": remove_controllers.len()}),
    )
    .await?;
    tx.commit().await?;
    super::line(app, actor, &spec.id).await
}

/// A configuration error in zh-CN naming the field ("第2个工位 · 拧紧任务1 · 扭矩窗口：…").
pub fn error_zh(e: &FieldError) -> String {
    let mut parts = Vec::new();
    for seg in e.field.split('.') {
        let (name, idx) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        let label = match name {
            "stations" => "工位",
            "tasks" => "拧紧任务",
            "controllers" => "控制器",
            "code" => "代码",
            "name" => "名称",
            "status" => "状态",
            "joint" => "螺栓组",
            "bolt_count" => "螺栓数",
            "pset" => "Pset",
            "torque_window" => "扭矩窗口",
            "torque_min" => "扭矩下限",
            "torque_target" => "扭矩目标",
            "torque_max" => "扭矩上限",
            "angle_window" => "角度窗口",
            "angle_min" => "角度下限",
            "angle_max" => "角度上限",
            "host" => "主机",
            "port" => "端口",
            "channel" => "通道",
            "id" => "编号",
            "org_id" => "所属企业",
            "planned_qty" => "计划数量",
            "started_at" => "开始时间",
            "ended_at" => "结束时间",
            "note" => "备注",
            "batch" => "批次",
            other => other,
        };
        parts.push(match idx {
            Some(i) if name == "stations" => format!("第{}个工位", i + 1),
            Some(i) => format!("{label}{}", i + 1),
            None => label.to_string(),
        });
    }
    let p = |k: &str| {
        e.params
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let why = match e.code {
        "required" => "必填".to_string(),
        "code_format" => "只能用小写字母、数字和“-”，最多32个字符".to_string(),
        "duplicate" => "重复".to_string(),
        "out_of_range" => format!("超出范围（{}–{}）", p("min"), p("max")),
        "window_order" => "应满足 下限 ≤ 目标 ≤ 上限，且不小于0".to_string(),
        "not_a_number" => "应为数字".to_string(),
        "immutable" => "创建后不能修改".to_string(),
        "unknown" => "不属于本装配线".to_string(),
        "station_has_history" => {
            format!(
                "工位“{}”已有生产记录，不能删除（可停用整条线）",
                p("station")
            )
        }
        "joint_has_results" => format!("螺栓组“{}”已有拧紧记录，不能删除或改名", p("joint")),
        "controller_has_results" => {
            format!("控制器 {} 已有拧紧记录，不能删除", p("controller"))
        }
        "endpoint_in_use" => "主机、端口、通道已被其他控制器使用".to_string(),
        "batch_open" => format!("批次“{}”尚未结束，请先结束", p("batch")),
        "already_closed" => "批次已结束".to_string(),
        "before_start" => "应晚于开始时间".to_string(),
        "too_long" => format!("过长（最多{}个字符）", p("max")),
        "invalid_format" => "格式应为 YYYY-MM-DD HH:MM".to_string(),
        _ => kechuang_core::messages::zh(e),
    };
    format!("{}：{why}", parts.join(" · "))
}

/// A controller as submitted (an empty id: new).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ControllerInput {
    /// Id (empty: new).
    pub id: String,
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Channel.
    pub channel: u32,
}

/// A station as submitted (an empty id: new).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct StationInput {
    /// Id (empty: new).
    pub id: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Tasks in order.
    pub tasks: Vec<kechuang_core::line::TaskSpec>,
    /// Controllers.
    pub controllers: Vec<ControllerInput>,
}

/// A line configuration as submitted through the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct LineInput {
    /// Owner (bureau administrators; others: their own organisation).
    pub org_id: String,
    /// Code (only when creating).
    pub code: String,
    /// Name.
    pub name: String,
    /// Status code (`trial`, `mass`, `stopped`; default `trial`).
    pub status: String,
    /// Stations in order.
    pub stations: Vec<StationInput>,
}

impl LineInput {
    /// The configuration it describes (ids as given, empty for new ones).
    pub fn to_spec(&self, actor: &Actor) -> AppResult<LineSpec> {
        let status = if self.status.trim().is_empty() {
            kechuang_core::line::LineStatus::Trial
        } else {
            kechuang_core::line::LineStatus::parse(self.status.trim()).ok_or_else(|| {
                invalid(
                    FieldError::new("status", "invalid_choice")
                        .with("allowed", "trial, mass, stopped"),
                )
            })?
        };
        let org_id = if self.org_id.trim().is_empty() {
            actor
                .org_id
                .as_ref()
                .map(|o| o.as_str().to_string())
                .unwrap_or_default()
        } else {
            self.org_id.trim().to_string()
        };
        Ok(LineSpec {
            id: String::new(),
            org_id,
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            status,
            stations: self
                .stations
                .iter()
                .map(|s| kechuang_core::line::StationSpec {
                    id: s.id.clone(),
                    code: s.code.trim().to_string(),
                    name: s.name.trim().to_string(),
                    tasks: s.tasks.clone(),
                    controllers: s
                        .controllers
                        .iter()
                        .map(|c| kechuang_core::line::ControllerSpec {
                            id: c.id.clone(),
                            host: c.host.trim().to_string(),
                            port: c.port,
                            channel: c.channel,
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}

/// Creates a line from a submitted configuration (see [`super::create_line`]); a
/// taken code is refused naming `code`.
pub async fn create_line_input(app: &App, actor: &Actor, input: &LineInput) -> AppResult<LineSpec> {
    let spec = input.to_spec(actor)?;
    if spec.org_id.is_empty() {
        return Err(invalid(FieldError::new("org_id", "required")));
    }
    spec.validate().map_err(invalid)?;
    if app.store.read().await?.line(&spec.code).await?.is_some() {
        return Err(invalid(FieldError::new("code", "duplicate")));
    }
    let id = super::create_line(app, actor, &spec)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => invalid(FieldError::new("controllers", "endpoint_in_use")),
            e => e,
        })?;
    super::line(app, actor, &id).await
}

/// The visits of a line whose cart arrived in `[from, to)` (`YYYY-MM-DD HH:MM`,
/// China time; at most 7 days, 20,000 visits).
pub async fn visits_between(
    app: &App,
    actor: &Actor,
    line: &str,
    from: &str,
    to: &str,
) -> AppResult<Vec<kechuang_core::line::VisitRecord>> {
    let mut db = app.store.read().await?;
    let spec = super::analytics::readable_line(&mut db, actor, line).await?;
    let f = super::batch::parse_instant("from", from).map_err(invalid)?;
    let t = super::batch::parse_instant("to", to).map_err(invalid)?;
    if t <= f {
        return Err(invalid(FieldError::new("to", "before_start")));
    }
    if t - f > 7 * 24 * super::analytics::HOUR_US {
        return Err(invalid(
            FieldError::new("to", "out_of_range").with("max", "7 days"),
        ));
    }
    let mut v = db.line_visits_between(&spec.id, f, t).await?;
    v.truncate(20_000);
    Ok(v)
}
