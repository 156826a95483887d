//! The line configuration editor and the batch pages (docs/line-config.md): one
//! form holds the whole configuration (stations with their order, tasks and
//! controllers, each with a 删除 box, and blank rows to add); it is parsed into a
//! `LineSpec` and saved by `update_line_config`. A refused form is shown again as
//! submitted, with the error naming the field in zh-CN.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kechuang_app::ops::line::batch::{self, BatchView, NewBatch};
use kechuang_app::ops::line::config::{self, error_zh};
use kechuang_app::{Actor, AppError};
use kechuang_core::FieldError;
use kechuang_core::line::{ControllerSpec, LineSpec, LineStatus, StationSpec, TaskSpec};
use kechuang_core::role::Role;
use std::collections::BTreeMap;

/// May the actor edit lines of `org_id` (bureau administrators, the owner's line
/// engineers).
pub(crate) fn can_edit(actor: &Actor, org_id: &str) -> bool {
    actor.role == Role::BureauAdmin
        || (actor.role == Role::LineEngineer
            && actor.org_id.as_ref().map(|o| o.as_str()) == Some(org_id))
}

/// A task row as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct TaskRow {
    pub joint: String,
    pub bolts: String,
    pub pset: String,
    pub tmin: String,
    pub ttarget: String,
    pub tmax: String,
    pub amin: String,
    pub amax: String,
    pub remove: bool,
}

impl TaskRow {
    fn blank(&self) -> bool {
        [
            &self.joint,
            &self.bolts,
            &self.pset,
            &self.tmin,
            &self.ttarget,
            &self.tmax,
            &self.amin,
            &self.amax,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// A controller row as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct CtlRow {
    pub id: String,
    pub host: String,
    pub port: String,
    pub channel: String,
    pub remove: bool,
}

/// A station block as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct StationRow {
    pub id: String,
    pub pos: String,
    pub code: String,
    pub name: String,
    pub remove: bool,
    pub tasks: Vec<TaskRow>,
    pub ctls: Vec<CtlRow>,
}

/// The whole form.
#[derive(Debug, Clone, Default)]
pub(crate) struct EditForm {
    pub code: String,
    pub name: String,
    pub status: String,
    pub org_id: String,
    pub stations: Vec<StationRow>,
}

fn nm(cnm: i64) -> String {
    format!("{}.{:02}", cnm / 100, cnm % 100)
}

/// Parses N·m with at most two decimals into centi-Nm (exact, no floating point).
fn parse_cnm(field: &str, s: &str) -> Result<i64, FieldError> {
    let s = s.trim();
    let bad = || FieldError::new(field, "not_a_number");
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 9
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| bad())?
    };
    Ok(w * 100 + f)
}

fn parse_int<T: std::str::FromStr>(field: &str, s: &str) -> Result<T, FieldError> {
    s.trim()
        .parse()
        .map_err(|_| FieldError::new(field, "not_a_number"))
}

impl EditForm {
    /// The form of a stored configuration, with blank rows to add.
    pub(crate) fn of(spec: &LineSpec) -> Self {
        let mut stations: Vec<StationRow> = spec
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| StationRow {
                id: s.id.clone(),
                pos: (i + 1).to_string(),
                code: s.code.clone(),
                name: s.name.clone(),
                remove: false,
                tasks: s
                    .tasks
                    .iter()
                    .map(|t| TaskRow {
                        joint: t.joint.clone(),
                        bolts: t.bolt_count.to_string(),
                        pset: t.pset.to_string(),
                        tmin: nm(t.torque_min_cnm),
                        ttarget: nm(t.torque_target_cnm),
                        tmax: nm(t.torque_max_cnm),
                        amin: t.angle_min_deg.to_string(),
                        amax: t.angle_max_deg.to_string(),
                        remove: false,
                    })
                    .collect(),
                ctls: s
                    .controllers
                    .iter()
                    .map(|c| CtlRow {
                        id: c.id.clone(),
                        host: c.host.clone(),
                        port: c.port.to_string(),
                        channel: c.channel.to_string(),
                        remove: false,
                    })
                    .collect(),
            })
            .collect();
        stations.push(StationRow {
            pos: (spec.stations.len() + 1).to_string(),
            ..Default::default()
        });
        let mut f = Self {
            code: spec.code.clone(),
            name: spec.name.clone(),
            status: spec.status.code().to_string(),
            org_id: spec.org_id.clone(),
            stations,
        };
        f.pad();
        f
    }

    /// One blank task and controller row in every station.
    fn pad(&mut self) {
        for s in &mut self.stations {
            if s.tasks.last().is_none_or(|t| !t.blank()) {
                s.tasks.push(TaskRow::default());
            }
            if s.ctls
                .last()
                .is_none_or(|c| !c.host.trim().is_empty() || !c.id.is_empty())
            {
                s.ctls.push(CtlRow::default());
            }
        }
    }

    /// The form as posted (`s3.t1.joint`, `s3.c0.host`, …).
    pub(crate) fn parse(fields: &[(String, String)]) -> Self {
        let mut f = Self::default();
        let mut st: BTreeMap<usize, StationRow> = BTreeMap::new();
        let mut tasks: BTreeMap<(usize, usize), TaskRow> = BTreeMap::new();
        let mut ctls: BTreeMap<(usize, usize), CtlRow> = BTreeMap::new();
        for (k, v) in fields {
            let parts: Vec<&str> = k.split('.').collect();
            let idx =
                |p: &str, pre: char| p.strip_prefix(pre).and_then(|x| x.parse::<usize>().ok());
            match parts.as_slice() {
                ["code"] => f.code = v.clone(),
                ["name"] => f.name = v.clone(),
                ["status"] => f.status = v.clone(),
                ["org_id"] => f.org_id = v.clone(),
                [s, leaf] => {
                    let Some(i) = idx(s, 's') else { continue };
                    let r = st.entry(i).or_default();
                    match *leaf {
                        "id" => r.id = v.clone(),
                        "pos" => r.pos = v.clone(),
                        "code" => r.code = v.clone(),
                        "name" => r.name = v.clone(),
                        "remove" => r.remove = true,
                        _ => {}
                    }
                }
                [s, sub, leaf] => {
                    let Some(i) = idx(s, 's') else { continue };
                    st.entry(i).or_default();
                    if let Some(k) = idx(sub, 't') {
                        let t = tasks.entry((i, k)).or_default();
                        match *leaf {
                            "joint" => t.joint = v.clone(),
                            "bolts" => t.bolts = v.clone(),
                            "pset" => t.pset = v.clone(),
                            "tmin" => t.tmin = v.clone(),
                            "ttarget" => t.ttarget = v.clone(),
                            "tmax" => t.tmax = v.clone(),
                            "amin" => t.amin = v.clone(),
                            "amax" => t.amax = v.clone(),
                            "remove" => t.remove = true,
                            _ => {}
                        }
                    } else if let Some(k) = idx(sub, 'c') {
                        let c = ctls.entry((i, k)).or_default();
                        match *leaf {
                            "id" => c.id = v.clone(),
                            "host" => c.host = v.clone(),
                            "port" => c.port = v.clone(),
                            "channel" => c.channel = v.clone(),
                            "remove" => c.remove = true,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        for ((i, _), t) in tasks {
            if let Some(s) = st.get_mut(&i) {
                s.tasks.push(t);
            }
        }
        for ((i, _), c) in ctls {
            if let Some(s) = st.get_mut(&i) {
                s.ctls.push(c);
            }
        }
        f.stations = st.into_values().collect();
        f
    }

    /// The configuration the form describes. Errors name the field by the form's
    /// own numbering (the n-th station block as shown, the n-th task row).
    pub(crate) fn to_spec(&self, base: &LineSpec) -> Result<LineSpec, FieldError> {
        let status = LineStatus::parse(self.status.trim()).ok_or_else(|| {
            FieldError::new("status", "invalid_choice").with("allowed", "trial, mass, stopped")
        })?;
        // stations in the order of their 顺序 numbers (ties: as shown)
        let mut order: Vec<(i64, usize)> = Vec::new();
        for (i, s) in self.stations.iter().enumerate() {
            let new_blank = s.id.is_empty()
                && s.code.trim().is_empty()
                && s.name.trim().is_empty()
                && s.tasks.iter().all(TaskRow::blank)
                && s.ctls.iter().all(|c| c.host.trim().is_empty());
            if s.remove || new_blank {
                continue;
            }
            let pos = if s.pos.trim().is_empty() {
                i as i64 + 1
            } else {
                parse_int::<i64>(&format!("stations[{i}].pos"), &s.pos)?
            };
            order.push((pos, i));
        }
        order.sort();
        let mut stations = Vec::new();
        // map from the spec's numbering back to the form's
        let mut map: Vec<(usize, Vec<usize>, Vec<usize>)> = Vec::new();
        for (_, i) in &order {
            let s = &self.stations[*i];
            let at = |f: &str| format!("stations[{i}].{f}");
            let mut tasks = Vec::new();
            let mut tmap = Vec::new();
            for (k, t) in s.tasks.iter().enumerate() {
                if t.remove || t.blank() {
                    continue;
                }
                let tf = |f: &str| at(&format!("tasks[{k}].{f}"));
                tasks.push(TaskSpec {
                    joint: t.joint.trim().to_string(),
                    bolt_count: parse_int(&tf("bolt_count"), &t.bolts)?,
                    pset: parse_int(&tf("pset"), &t.pset)?,
                    torque_min_cnm: parse_cnm(&tf("torque_min"), &t.tmin)?,
                    torque_target_cnm: parse_cnm(&tf("torque_target"), &t.ttarget)?,
                    torque_max_cnm: parse_cnm(&tf("torque_max"), &t.tmax)?,
                    angle_min_deg: parse_int(&tf("angle_min"), &t.amin)?,
                    angle_max_deg: parse_int(&tf("angle_max"), &t.amax)?,
                });
                tmap.push(k);
            }
            let mut controllers = Vec::new();
            let mut cmap = Vec::new();
            for (k, c) in s.ctls.iter().enumerate() {
                if c.remove || (c.id.is_empty() && c.host.trim().is_empty()) {
                    continue;
                }
                let cf = |f: &str| at(&format!("controllers[{k}].{f}"));
                controllers.push(ControllerSpec {
                    id: c.id.clone(),
                    host: c.host.trim().to_string(),
                    port: parse_int(&cf("port"), &c.port)?,
                    channel: parse_int(&cf("channel"), &c.channel)?,
                });
                cmap.push(k);
            }
            stations.push(StationSpec {
                id: s.id.clone(),
                code: s.code.trim().to_string(),
                name: s.name.trim().to_string(),
                tasks,
                controllers,
            });
            map.push((*i, tmap, cmap));
        }
        let spec = LineSpec {
            id: base.id.clone(),
            org_id: base.org_id.clone(),
            code: base.code.clone(),
            name: self.name.trim().to_string(),
            status,
            stations,
        };
        spec.validate().map_err(|e| renumber(e, &map))?;
        Ok(spec)
    }
}

/// Rewrites `stations[j].tasks[k]…` of the spec's numbering into the form's.
fn renumber(mut e: FieldError, map: &[(usize, Vec<usize>, Vec<usize>)]) -> FieldError {
    let Some(rest) = e.field.strip_prefix("stations[") else {
        return e;
    };
    let Some((j, tail)) = rest.split_once(']') else {
        return e;
    };
    let Some((i, tmap, cmap)) = j.parse::<usize>().ok().and_then(|j| map.get(j)) else {
        return e;
    };
    let mut tail = tail.to_string();
    for (key, m) in [(".tasks[", tmap), (".controllers[", cmap)] {
        if let Some(r) = tail.strip_prefix(key)
            && let Some((k, t2)) = r.split_once(']')
            && let Some(orig) = k.parse::<usize>().ok().and_then(|k| m.get(k))
        {
            tail = format!("{key}{orig}]{t2}");
        }
    }
    e.field = format!("stations[{i}]{tail}");
    e
}

/// Errors of a use case as one zh-CN line, or the error itself when not about input.
pub(crate) fn zh_errors(e: AppError) -> Result<String, PageError> {
    match e {
        AppError::Invalid(errs) => Ok(errs.iter().map(error_zh).collect::<Vec<_>>().join("；")),
        AppError::Conflict(f) => Ok(error_zh(&f)),
        e => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "line_edit.html")]
struct EditPage {
    layout: Layout,
    code: String,
    title: String,
    creating: bool,
    bureau: bool,
    f: EditForm,
    error: Option<String>,
}

pub(super) async fn edit(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let line = s.app.line_config(&session.actor, &code).await?;
    if !can_edit(&session.actor, &line.org_id) {
        return Err(AppError::Forbidden.into());
    }
    Ok(Html(render(&EditPage {
        layout: Layout::new(&s, Some(&session), "lines"),
        title: format!("{} · 编辑配置", line.name),
        code,
        creating: false,
        bureau: false,
        f: EditForm::of(&line),
        error: None,
    })))
}

pub(super) async fn save(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    session.check_csrf(csrf)?;
    let line = s.app.line_config(&session.actor, &code).await?;
    if !can_edit(&session.actor, &line.org_id) {
        return Err(AppError::Forbidden.into());
    }
    let mut f = EditForm::parse(&fields);
    let result = match f.to_spec(&line) {
        Ok(spec) => config::update_line_config(&s.app, &session.actor, &line.id, &spec).await,
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/lines/{code}")).into_response()),
        Err(e) => {
            let error = zh_errors(e)?;
            f.pad();
            Ok(Html(render(&EditPage {
                layout: Layout::new(&s, Some(&session), "lines"),
                title: format!("{} · 编辑配置", line.name),
                code,
                creating: false,
                bureau: false,
                f,
                error: Some(error),
            }))
            .into_response())
        }
    }
}

pub(super) async fn new_line(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    if !matches!(session.actor.role, Role::BureauAdmin | Role::LineEngineer) {
        return Err(AppError::Forbidden.into());
    }
    let mut f = EditForm {
        status: "trial".into(),
        stations: vec![StationRow {
            pos: "1".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    f.pad();
    Ok(Html(render(&EditPage {
        layout: Layout::new(&s, Some(&session), "lines"),
        title: "新建装配线".into(),
        code: String::new(),
        creating: true,
        bureau: session.actor.role == Role::BureauAdmin,
        f,
        error: None,
    })))
}

pub(super) async fn create_line(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    session.check_csrf(csrf)?;
    if !matches!(session.actor.role, Role::BureauAdmin | Role::LineEngineer) {
        return Err(AppError::Forbidden.into());
    }
    let mut f = EditForm::parse(&fields);
    let org_id = if session.actor.role == Role::BureauAdmin {
        f.org_id.trim().to_string()
    } else {
        session
            .actor
            .org_id
            .as_ref()
            .map(|o| o.as_str().to_string())
            .unwrap_or_default()
    };
    let base = LineSpec {
        id: String::new(),
        org_id: org_id.clone(),
        code: f.code.trim().to_string(),
        name: String::new(),
        status: LineStatus::Trial,
        stations: Vec::new(),
    };
    let result = match f.to_spec(&base) {
        Ok(spec) => {
            if org_id.is_empty() {
                Err(AppError::Invalid(vec![FieldError::new(
                    "org_id", "required",
                )]))
            } else if s.app.line_config(&session.actor, &spec.code).await.is_ok() {
                Err(AppError::Invalid(vec![FieldError::new(
                    "code",
                    "duplicate",
                )]))
            } else {
                kechuang_app::ops::line::create_line(&s.app, &session.actor, &spec)
                    .await
                    .map(|_| spec.code)
            }
        }
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    match result {
        Ok(code) => Ok(Redirect::to(&format!("/lines/{code}")).into_response()),
        Err(e) => {
            let error = zh_errors(e)?;
            f.pad();
            Ok(Html(render(&EditPage {
                layout: Layout::new(&s, Some(&session), "lines"),
                title: "新建装配线".into(),
                code: String::new(),
                creating: true,
                bureau: session.actor.role == Role::BureauAdmin,
                f,
                error: Some(error),
            }))
            .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "line_batches.html")]
struct BatchesPage {
    layout: Layout,
    code: String,
    name: String,
    batches: Vec<BatchView>,
    can_edit: bool,
    form: NewBatchForm,
    error: Option<String>,
}

/// The batch form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct NewBatchForm {
    pub _csrf: String,
    pub code: String,
    pub planned_qty: String,
    pub started_at: String,
    pub ended_at: String,
    pub note: String,
}

async fn batches_page(
    s: &AppState,
    session: &crate::extract::Session,
    code: String,
    form: NewBatchForm,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let line = s.app.line_config(&session.actor, &code).await?;
    let batches = s.app.line_batches(&session.actor, &code).await?;
    Ok(Html(render(&BatchesPage {
        layout: Layout::new(s, Some(session), "lines"),
        can_edit: can_edit(&session.actor, &line.org_id),
        name: line.name,
        code,
        batches,
        form,
        error,
    })))
}

pub(super) async fn batches(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    batches_page(&s, &session, code, NewBatchForm::default(), None).await
}

pub(super) async fn create_batch(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
    Form(form): Form<NewBatchForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form._csrf)?;
    let qty = if form.planned_qty.trim().is_empty() {
        Ok(0)
    } else {
        parse_int::<i64>("planned_qty", &form.planned_qty)
    };
    let result = match qty {
        Ok(planned_qty) => {
            let b = NewBatch {
                code: form.code.clone(),
                planned_qty,
                started_at: form.started_at.clone(),
                ended_at: form.ended_at.clone(),
                note: form.note.clone(),
            };
            batch::create_batch(&s.app, &session.actor, &code, &b).await
        }
        Err(e) => Err(AppError::Invalid(vec![e])),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/lines/{code}/batches")).into_response()),
        Err(e) => {
            let error = zh_errors(e)?;
            Ok(batches_page(&s, &session, code, form, Some(error))
                .await?
                .into_response())
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct CloseForm {
    _csrf: String,
}

pub(super) async fn close_batch(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((code, b)): Path<(String, String)>,
    Form(form): Form<CloseForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form._csrf)?;
    match batch::close_batch(&s.app, &session.actor, &code, &b, None).await {
        Ok(_) => Ok(Redirect::to(&format!("/lines/{code}/batches")).into_response()),
        Err(e) => {
            let error = zh_errors(e)?;
            Ok(
                batches_page(&s, &session, code, NewBatchForm::default(), Some(error))
                    .await?
                    .into_response(),
            )
        }
    }
}
