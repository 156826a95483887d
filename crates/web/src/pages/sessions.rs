//! 专场对接 pages: the list of sessions, one session (settings, participants,
//! wishes, the schedule grid and its hand edits, signings) and a print-friendly
//! schedule. Forms post back and redirect to the session; a refused change shows
//! the error page naming each field.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::ops::sessions::{self as ss, ScheduleLine, SessionDetail, SessionView};
use kechuang_core::session::{ParticipantInput, SessionInput, SigningInput};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "mm_sessions.html")]
struct ListPage {
    layout: Layout,
    sessions: Vec<SessionView>,
    bureau: bool,
}

/// One grid cell: (meeting id, text, pinned).
type Cell = Option<(String, String, bool)>;

#[derive(Template)]
#[template(path = "mm_session.html")]
struct DetailPage {
    layout: Layout,
    d: SessionDetail,
    /// Rows of the grid: (slot 1-based, time, cells per table).
    grid: Vec<(u32, String, Vec<Cell>)>,
    tables: Vec<u32>,
    slots: Vec<(u32, String)>,
    /// For the wish selects: (org id, name), the actor's own excluded.
    others: Vec<(String, String)>,
    /// The actor's wishes, padded to ten selects.
    wish_slots: Vec<String>,
    names: HashMap<String, String>,
}

impl DetailPage {
    fn name_of(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

#[derive(Template)]
#[template(path = "mm_session_print.html")]
struct PrintPage {
    layout: Layout,
    d: SessionDetail,
    rows: Vec<(String, Vec<ScheduleLine>)>,
}

async fn list(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let sessions = ss::list(&s.app, &session.actor).await?;
    Ok(Html(render(&ListPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        bureau: session.actor.is_bureau(),
        sessions,
    })))
}

fn form_map(form: &[(String, String)]) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form {
        m.entry(k.clone()).or_default().push(v.clone());
    }
    m
}

fn one(m: &HashMap<String, Vec<String>>, k: &str) -> String {
    m.get(k)
        .and_then(|v| v.first().cloned())
        .unwrap_or_default()
}

fn session_input(m: &HashMap<String, Vec<String>>) -> SessionInput {
    SessionInput {
        title: one(m, "title"),
        date: one(m, "date"),
        venue: one(m, "venue"),
        organiser: one(m, "organiser"),
        description: one(m, "description"),
        start: one(m, "start"),
        slot_minutes: one(m, "slot_minutes"),
        slots: one(m, "slots"),
        break_after: one(m, "break_after"),
        break_minutes: one(m, "break_minutes"),
        tables: one(m, "tables"),
        default_limit: one(m, "default_limit"),
    }
}

async fn create(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    session.check_csrf(&one(&m, "_csrf"))?;
    let v = ss::create(&s.app, &session.actor, &session_input(&m)).await?;
    Ok(Redirect::to(&format!("/sessions/{}", v.id)).into_response())
}

async fn detail(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let d = ss::detail(&s.app, &session.actor, &id).await?;
    let spec = &d.session.spec;
    let tables: Vec<u32> = (1..=spec.tables).collect();
    let slots: Vec<(u32, String)> = d
        .session
        .slot_labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, l.clone()))
        .collect();
    let mut grid: Vec<(u32, String, Vec<Cell>)> = slots
        .iter()
        .map(|(i, l)| (*i, l.clone(), vec![None; tables.len()]))
        .collect();
    for m in &d.meetings {
        if let Some(row) = grid.get_mut(m.slot as usize - 1)
            && let Some(c) = row.2.get_mut(m.table as usize - 1)
        {
            *c = Some((
                m.id.clone(),
                format!("{} — {}", m.a_name, m.b_name),
                m.pinned,
            ));
        }
    }
    let me = d.me.as_ref().map(|p| p.org_id.clone());
    let others: Vec<(String, String)> = d
        .participants
        .iter()
        .filter(|p| Some(&p.org_id) != me.as_ref())
        .map(|p| (p.org_id.clone(), p.org_name.clone()))
        .collect();
    let mut wish_slots: Vec<String> = d.me.as_ref().map(|p| p.wishes.clone()).unwrap_or_default();
    while wish_slots.len() < 10 {
        wish_slots.push(String::new());
    }
    let names = d
        .participants
        .iter()
        .map(|p| (p.org_id.clone(), p.org_name.clone()))
        .collect();
    Ok(Html(render(&DetailPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        grid: if d.bureau { grid } else { Vec::new() },
        tables,
        slots,
        others,
        wish_slots,
        names,
        d,
    })))
}

#[derive(Debug, Default, serde::Deserialize)]
struct OrgQuery {
    #[serde(default)]
    org: Option<String>,
}

async fn print(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> Result<Html<String>, PageError> {
    let (d, rows) = ss::schedules(&s.app, &session.actor, &id, q.org.as_deref()).await?;
    Ok(Html(render(&PrintPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        d,
        rows,
    })))
}

fn back(id: &str) -> Response {
    Redirect::to(&format!("/sessions/{id}")).into_response()
}

fn num(s: &str, field: &'static str) -> Result<u32, PageError> {
    s.trim().parse().map_err(|_| {
        PageError(kechuang_app::AppError::invalid(
            kechuang_core::FieldError::new(field, "number_invalid").with("value", s.trim()),
        ))
    })
}

/// Every session form posts here with an `action`; one handler keeps the
/// router small.
async fn act(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let m = form_map(&form);
    session.check_csrf(&one(&m, "_csrf"))?;
    let app = &s.app;
    let actor = &session.actor;
    let org = Some(one(&m, "org_id")).filter(|o| !o.trim().is_empty());
    match one(&m, "action").as_str() {
        "update" => {
            ss::update(app, actor, &id, &session_input(&m)).await?;
        }
        "status" => {
            ss::set_status(app, actor, &id, &one(&m, "status")).await?;
        }
        "invite" => {
            let ids: Vec<String> = one(&m, "org_ids")
                .split(|c: char| c.is_whitespace() || ",，、;；".contains(c))
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect();
            ss::invite(app, actor, &id, &ids).await?;
        }
        "participant" => {
            let away: Vec<u32> = m
                .get("away")
                .map(|v| v.iter().filter_map(|x| x.trim().parse().ok()).collect())
                .unwrap_or_default();
            let input = ParticipantInput {
                confirmed: one(&m, "confirmed") == "on" || one(&m, "confirmed") == "true",
                limit: one(&m, "limit"),
                away,
                need_id: one(&m, "need_id"),
                achievement_id: one(&m, "achievement_id"),
            };
            ss::update_participant(app, actor, &id, org.as_deref(), &input).await?;
        }
        "wishes" => {
            let w: Vec<String> = m.get("wish").cloned().unwrap_or_default();
            ss::set_wishes(app, actor, &id, org.as_deref(), &w).await?;
        }
        "run" => {
            ss::run_schedule(app, actor, &id).await?;
        }
        "move" => {
            let (slot, table) = (
                num(&one(&m, "slot"), "slot")?,
                num(&one(&m, "table"), "table")?,
            );
            ss::move_meeting(app, actor, &id, &one(&m, "meeting"), slot, table).await?;
        }
        "add" => {
            let (slot, table) = (
                num(&one(&m, "slot"), "slot")?,
                num(&one(&m, "table"), "table")?,
            );
            ss::add_meeting(app, actor, &id, &one(&m, "a"), &one(&m, "b"), slot, table).await?;
        }
        "pin" | "unpin" => {
            ss::pin(
                app,
                actor,
                &id,
                &one(&m, "meeting"),
                one(&m, "action") == "pin",
            )
            .await?;
        }
        "remove" => {
            ss::remove_meeting(app, actor, &id, &one(&m, "meeting")).await?;
        }
        "sign" => {
            let input = SigningInput {
                title: one(&m, "title"),
                enterprise_id: one(&m, "enterprise_id"),
                partner_id: one(&m, "partner_id"),
                amount_wan: one(&m, "amount_wan"),
                need_id: one(&m, "need_id"),
                achievement_id: one(&m, "achievement_id"),
            };
            ss::record_signing(app, actor, &id, &input).await?;
        }
        other => {
            return Err(PageError(kechuang_app::AppError::invalid(
                kechuang_core::FieldError::new("action", "choice_invalid").with("value", other),
            )));
        }
    }
    Ok(back(&id))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/sessions", get(list).post(create))
        .route("/sessions/{id}", get(detail).post(act))
        .route("/sessions/{id}/print", get(print))
        .route("/sessions/{id}/act", post(act))
}
