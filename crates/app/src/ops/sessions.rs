//! Special matchmaking sessions (专场对接): the bureau creates a session with its
//! slot grid and invites organisations; each participant (its own users, or the
//! bureau for it) confirms, sets its limit and the slots it is away, and marks
//! whom it wants to meet while the session is open; the bureau runs the
//! scheduler ([`kechuang_core::schedule`]), pins, moves, adds and removes
//! meetings, and records what was signed.
//!
//! Who may do what: bureau staff see every session and do everything; a
//! participant's users see the sessions their organisation is invited to, the
//! list of participants, their own settings, wishes and schedule, and the
//! signings; anyone else gets `NotFound`. Every change is an event of entity
//! `mm_session`, written in the same transaction.

use crate::ops::matchmaking::Choice;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::org::OrgKind;
use kechuang_core::schedule::{self, Instance, Participant, Pin, Request, UnmetReason};
use kechuang_core::session::{
    ParticipantInput, Placed, SessionInput, SessionSpec, SessionStatus, SigningInput, check_place,
    check_wishes,
};
use kechuang_store::{
    Db, MeetingRecord, ParticipantRecord, SessionRecord, SessionSummary, SigningRecord,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

const ENTITY: &str = "mm_session";

/// A session's settings and status as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionView {
    /// Id.
    pub id: String,
    /// The settings (date ISO, minutes after midnight, 0-based break).
    #[serde(flatten)]
    pub spec: SessionSpec,
    /// `HH:MM` of the first slot.
    pub start: String,
    /// Status.
    pub status: Choice,
    /// The statuses it may move to.
    pub next: Vec<Choice>,
    /// Each slot's time, `09:00—09:20`.
    pub slot_labels: Vec<String>,
    /// Invited organisations.
    pub participants: i64,
    /// Stored meetings.
    pub meetings: i64,
    /// Signed outcomes.
    pub signings: i64,
}

fn choice(s: SessionStatus) -> Choice {
    Choice {
        code: s.code(),
        zh: s.zh(),
    }
}

impl SessionView {
    fn of(s: SessionRecord, participants: i64, meetings: i64, signings: i64) -> Self {
        SessionView {
            start: kechuang_core::session::hhmm(s.spec.start_minute),
            slot_labels: s.spec.slot_labels(),
            status: choice(s.status),
            next: s.status.next().iter().map(|x| choice(*x)).collect(),
            id: s.id,
            spec: s.spec,
            participants,
            meetings,
            signings,
        }
    }
}

impl From<SessionSummary> for SessionView {
    fn from(s: SessionSummary) -> Self {
        SessionView::of(s.session, s.participants, s.meetings, s.signings)
    }
}

/// A participant as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ParticipantView {
    /// Organisation id.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Its kind (企业 / 高校 / 科研院所).
    pub org_kind: String,
    /// Confirmed attendance.
    pub confirmed: bool,
    /// Own limit (`None`: the session's default).
    pub limit: Option<u32>,
    /// The limit that applies.
    pub effective_limit: u32,
    /// 1-based slots it is away.
    pub away: Vec<u32>,
    /// Need shown to counterparts.
    pub need_id: Option<String>,
    /// Its title.
    pub need_title: Option<String>,
    /// Achievement shown to counterparts.
    pub achievement_id: Option<String>,
    /// Its title.
    pub achievement_title: Option<String>,
    /// Whom it wants to meet (organisation ids, in order); shown to the bureau
    /// and to the participant itself only.
    pub wishes: Vec<String>,
    /// Meetings it has in the schedule.
    pub meetings: usize,
}

/// One meeting as shown (1-based slot and table).
#[derive(Debug, Clone, serde::Serialize)]
pub struct MeetingView {
    /// Id.
    pub id: String,
    /// 1-based slot.
    pub slot: u32,
    /// Its time.
    pub time: String,
    /// 1-based table.
    pub table: u32,
    /// One side.
    pub a: String,
    /// Its name.
    pub a_name: String,
    /// The other side.
    pub b: String,
    /// Its name.
    pub b_name: String,
    /// Fixed by the organiser.
    pub pinned: bool,
    /// Someone asked for it.
    pub requested: bool,
    /// Both asked.
    pub mutual: bool,
}

/// One line of a participant's own schedule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScheduleLine {
    /// Meeting id.
    pub meeting_id: String,
    /// 1-based slot.
    pub slot: u32,
    /// Its time.
    pub time: String,
    /// 1-based table.
    pub table: u32,
    /// Counterpart's organisation id.
    pub counterpart_id: String,
    /// Its name.
    pub counterpart: String,
    /// Its kind.
    pub counterpart_kind: String,
    /// The counterpart's need or achievement, if it named one.
    pub topic: Option<String>,
}

/// A requested pair the scheduler could not place.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UnmetView {
    /// One side.
    pub a: String,
    /// Its name.
    pub a_name: String,
    /// The other side.
    pub b: String,
    /// Its name.
    pub b_name: String,
    /// Both asked.
    pub mutual: bool,
    /// Reason code.
    pub reason: String,
    /// zh-CN reason.
    pub reason_zh: String,
}

/// The scheduler's figures of the last run.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ScheduleFigures {
    /// Confirmed participants scheduled.
    pub participants: usize,
    /// Distinct requested pairs.
    pub requested_pairs: usize,
    /// Of them mutual.
    pub mutual_pairs: usize,
    /// Requested pairs placed.
    pub placed_requested: usize,
    /// Mutual pairs placed.
    pub placed_mutual: usize,
    /// No schedule could place more requested pairs.
    pub upper_bound: usize,
    /// Pins kept.
    pub pins: usize,
    /// Unmet pairs, mutual first.
    pub unmet: Vec<UnmetView>,
}

/// A signed outcome as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SigningView {
    /// Id.
    pub id: String,
    /// 项目名称.
    pub title: String,
    /// Enterprise.
    pub enterprise_id: String,
    /// Its name.
    pub enterprise_name: String,
    /// Partner.
    pub partner_id: String,
    /// Its name.
    pub partner_name: String,
    /// Amount, 万元 with 2 decimals.
    pub amount_wan: Option<String>,
    /// Need.
    pub need_id: Option<String>,
    /// Achievement.
    pub achievement_id: Option<String>,
}

impl From<SigningRecord> for SigningView {
    fn from(r: SigningRecord) -> Self {
        SigningView {
            id: r.id,
            title: r.signing.title,
            enterprise_id: r.signing.enterprise_id,
            enterprise_name: r.enterprise_name,
            partner_id: r.signing.partner_id,
            partner_name: r.partner_name,
            amount_wan: r.signing.amount.map(|m| m.wan_2dp().to_string()),
            need_id: r.signing.need_id,
            achievement_id: r.signing.achievement_id,
        }
    }
}

/// Everything about one session that the actor may see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionDetail {
    /// The session.
    pub session: SessionView,
    /// Whether the actor is bureau staff (sees and edits everything).
    pub bureau: bool,
    /// The actor's own participation, if its organisation is invited.
    pub me: Option<ParticipantView>,
    /// Every participant (others' wishes left out for non-bureau actors).
    pub participants: Vec<ParticipantView>,
    /// The whole schedule (bureau only; empty otherwise).
    pub meetings: Vec<MeetingView>,
    /// The actor's own schedule.
    pub my_schedule: Vec<ScheduleLine>,
    /// The last scheduler run (bureau only).
    pub figures: Option<ScheduleFigures>,
    /// Signed outcomes.
    pub signings: Vec<SigningView>,
    /// Their total amount, 万元 with 2 decimals.
    pub signed_wan: String,
}

/// Who is looking at a session.
enum Access {
    Bureau,
    Participant(OrgId),
}

async fn load(db: &mut Db, actor: &Actor, id: &str) -> AppResult<(SessionRecord, Access)> {
    let s = db.mm_session(id).await?.ok_or(AppError::NotFound)?;
    if actor.is_bureau() {
        return Ok((s, Access::Bureau));
    }
    let org = actor.org_id.clone().ok_or(AppError::NotFound)?;
    let invited = db
        .mm_participants(id)
        .await?
        .into_iter()
        .any(|p| p.org_id == org);
    if invited {
        Ok((s, Access::Participant(org)))
    } else {
        Err(AppError::NotFound)
    }
}

async fn load_bureau(db: &mut Db, actor: &Actor, id: &str) -> AppResult<SessionRecord> {
    let (s, access) = load(db, actor, id).await?;
    match access {
        Access::Bureau => Ok(s),
        Access::Participant(_) => Err(AppError::Forbidden),
    }
}

fn not_now(s: &SessionRecord) -> AppError {
    AppError::Conflict(FieldError::new("status", "session_not_open").with("status", s.status.zh()))
}

async fn view(db: &mut Db, s: SessionRecord) -> AppResult<SessionView> {
    let p = db.mm_participants(&s.id).await?.len() as i64;
    let m = db.mm_meetings(&s.id).await?.len() as i64;
    let g = db.mm_signings(&s.id).await?.len() as i64;
    Ok(SessionView::of(s, p, m, g))
}

/// Sessions the actor may see: all for the bureau, the invited ones otherwise.
pub async fn list(app: &App, actor: &Actor) -> AppResult<Vec<SessionView>> {
    let mut db = app.store.read().await?;
    let rows = if actor.is_bureau() {
        db.mm_sessions(None).await?
    } else {
        match &actor.org_id {
            Some(o) => db.mm_sessions(Some(o)).await?,
            None => Vec::new(),
        }
    };
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Creates a session in draft (bureau).
pub async fn create(app: &App, actor: &Actor, input: &SessionInput) -> AppResult<SessionView> {
    actor.require_bureau()?;
    let spec = input.parse()?;
    let mut tx = app.store.begin().await?;
    let id = kechuang_store::new_id();
    tx.insert_mm_session(&id, &spec, SessionStatus::Draft, app.now(), &actor.tag())
        .await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        &id,
        "mm_session.created",
        &json!({"session": spec}),
    )
    .await?;
    let s = tx.mm_session(&id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, s).await?;
    tx.commit().await?;
    Ok(v)
}

/// Changes a session's settings (bureau; not once held). The grid (slots,
/// tables) cannot change under a stored schedule.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &SessionInput,
) -> AppResult<SessionView> {
    let mut tx = app.store.begin().await?;
    let s = load_bureau(&mut tx, actor, id).await?;
    let spec = input.parse()?;
    if matches!(s.status, SessionStatus::Held | SessionStatus::Closed) {
        return Err(not_now(&s));
    }
    if (spec.slots != s.spec.slots || spec.tables != s.spec.tables)
        && !tx.mm_meetings(id).await?.is_empty()
    {
        return Err(AppError::Conflict(FieldError::new(
            "slots",
            "session_has_schedule",
        )));
    }
    if spec != s.spec {
        tx.update_mm_session(id, &spec, app.now()).await?;
        tx.append_event(
            &actor.tag(),
            ENTITY,
            id,
            "mm_session.updated",
            &json!({"session": spec}),
        )
        .await?;
    }
    let s = tx.mm_session(id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, s).await?;
    tx.commit().await?;
    Ok(v)
}

/// Moves a session along its status ladder (bureau).
pub async fn set_status(
    app: &App,
    actor: &Actor,
    id: &str,
    status: &str,
) -> AppResult<SessionView> {
    let mut tx = app.store.begin().await?;
    let s = load_bureau(&mut tx, actor, id).await?;
    let to = SessionStatus::parse(status).ok_or_else(|| {
        AppError::invalid(FieldError::new("status", "choice_invalid").with("value", status.trim()))
    })?;
    let to = s.status.move_to(to)?;
    tx.set_mm_session_status(id, to, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.status",
        &json!({"from": s.status.code(), "to": to.code()}),
    )
    .await?;
    let s = tx.mm_session(id).await?.ok_or(AppError::NotFound)?;
    let v = view(&mut tx, s).await?;
    tx.commit().await?;
    Ok(v)
}

/// Invites organisations (bureau; enterprises, universities and institutes;
/// already invited ones are left as they are). Returns how many were new.
pub async fn invite(app: &App, actor: &Actor, id: &str, orgs: &[String]) -> AppResult<usize> {
    let mut tx = app.store.begin().await?;
    let s = load_bureau(&mut tx, actor, id).await?;
    if matches!(s.status, SessionStatus::Held | SessionStatus::Closed) {
        return Err(not_now(&s));
    }
    let mut errs = Vec::new();
    let mut ok = Vec::new();
    for (i, o) in orgs.iter().enumerate() {
        let o = o.trim();
        if o.is_empty() {
            continue;
        }
        match tx.organisation(&OrgId(o.to_string())).await? {
            None => {
                errs.push(FieldError::new(format!("org_ids[{i}]"), "org_unknown").with("value", o))
            }
            Some(r)
                if !matches!(
                    r.org.kind,
                    OrgKind::Enterprise | OrgKind::University | OrgKind::Institute
                ) =>
            {
                errs.push(
                    FieldError::new(format!("org_ids[{i}]"), "session_org_kind")
                        .with("value", &r.org.name)
                        .with("kind", r.org.kind.zh()),
                )
            }
            Some(r) => ok.push(r.id),
        }
    }
    if ok.is_empty() && errs.is_empty() {
        errs.push(FieldError::new("org_ids", "required"));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let now = app.now();
    let mut added = Vec::new();
    for o in &ok {
        if tx.invite_mm_participant(id, o, now).await? {
            added.push(o.to_string());
        }
    }
    if !added.is_empty() {
        tx.append_event(
            &actor.tag(),
            ENTITY,
            id,
            "mm_session.invited",
            &json!({"org_ids": added}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(added.len())
}

/// The organisation a participant operation acts for: the actor's own, or for
/// bureau staff the one named. It must be invited.
fn acting_for(actor: &Actor, named: Option<&str>) -> AppResult<OrgId> {
    match (
        actor.is_bureau(),
        named.map(str::trim).filter(|s| !s.is_empty()),
    ) {
        (true, Some(n)) => Ok(OrgId(n.to_string())),
        (true, None) => Err(AppError::invalid(FieldError::new("org_id", "required"))),
        (false, Some(n)) if actor.org_id.as_ref().is_some_and(|o| o.as_str() != n) => {
            Err(AppError::Forbidden)
        }
        (false, _) => actor.org_id.clone().ok_or(AppError::Forbidden),
    }
}

/// Whether a participant's settings and wishes may change now: participants
/// while the session is open, the bureau also in draft.
fn may_edit_participation(s: &SessionRecord, bureau: bool) -> AppResult<()> {
    if s.status.accepts_wishes() || (bureau && s.status == SessionStatus::Draft) {
        Ok(())
    } else {
        Err(not_now(s))
    }
}

async fn participant(db: &mut Db, id: &str, org: &OrgId) -> AppResult<ParticipantRecord> {
    db.mm_participants(id)
        .await?
        .into_iter()
        .find(|p| &p.org_id == org)
        .ok_or_else(|| {
            AppError::invalid(
                FieldError::new("org_id", "session_not_participant").with("value", org.as_str()),
            )
        })
}

/// Sets a participant's confirmation, limit, absences and showcased need or
/// achievement (the participant itself, or the bureau naming `org`).
pub async fn update_participant(
    app: &App,
    actor: &Actor,
    id: &str,
    org: Option<&str>,
    input: &ParticipantInput,
) -> AppResult<ParticipantView> {
    let mut tx = app.store.begin().await?;
    let (s, _) = load(&mut tx, actor, id).await?;
    let org = acting_for(actor, org)?;
    may_edit_participation(&s, actor.is_bureau())?;
    let current = participant(&mut tx, id, &org).await?;
    let settings = input.parse(&s.spec)?;
    let mut errs = Vec::new();
    if let Some(n) = &settings.need_id {
        match tx.need(n).await? {
            Some(x) if x.org_id == org => {}
            Some(_) => errs.push(
                FieldError::new("need_id", "session_not_own").with("value", &current.org_name),
            ),
            None => errs.push(FieldError::new("need_id", "record_unknown").with("value", n)),
        }
    }
    if let Some(a) = &settings.achievement_id {
        match tx.achievement(a).await? {
            Some(x) if x.org_id == org => {}
            Some(_) => errs.push(
                FieldError::new("achievement_id", "session_not_own")
                    .with("value", &current.org_name),
            ),
            None => errs.push(FieldError::new("achievement_id", "record_unknown").with("value", a)),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    if settings != current.settings {
        tx.update_mm_participant(id, &org, &settings, app.now())
            .await?;
        tx.append_event(
            &actor.tag(),
            ENTITY,
            id,
            "mm_session.participant",
            &json!({"org_id": org, "settings": settings}),
        )
        .await?;
    }
    let d = detail_in(&mut tx, &s, &Access::Participant(org.clone()), true).await?;
    tx.commit().await?;
    d.me.ok_or(AppError::NotFound)
}

/// Replaces whom a participant wants to meet, in order of preference (the
/// participant itself, or the bureau naming `org`), while the session is open.
pub async fn set_wishes(
    app: &App,
    actor: &Actor,
    id: &str,
    org: Option<&str>,
    wishes: &[String],
) -> AppResult<Vec<String>> {
    let mut tx = app.store.begin().await?;
    let (s, _) = load(&mut tx, actor, id).await?;
    let org = acting_for(actor, org)?;
    may_edit_participation(&s, actor.is_bureau())?;
    participant(&mut tx, id, &org).await?;
    let all = tx.mm_participants(id).await?;
    let ids: Vec<&str> = all.iter().map(|p| p.org_id.as_str()).collect();
    let list = check_wishes(org.as_str(), wishes, &ids)?;
    tx.set_mm_wishes(id, &org, &list).await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.wishes",
        &json!({"org_id": org, "wishes": list}),
    )
    .await?;
    tx.commit().await?;
    Ok(list)
}

/// The scheduler's input for a session: confirmed participants, their wishes
/// among themselves, and the pinned meetings between them.
pub(crate) fn instance(
    s: &SessionRecord,
    parts: &[ParticipantRecord],
    wishes: &[(OrgId, OrgId)],
    meetings: &[MeetingRecord],
) -> Instance {
    let confirmed: HashSet<&OrgId> = parts
        .iter()
        .filter(|p| p.settings.confirmed)
        .map(|p| &p.org_id)
        .collect();
    Instance {
        slots: s.spec.slots,
        tables: s.spec.tables,
        participants: parts
            .iter()
            .filter(|p| p.settings.confirmed)
            .map(|p| Participant {
                id: p.org_id.to_string(),
                limit: p.settings.limit.or(s.spec.default_limit),
                away: p.settings.away.clone(),
            })
            .collect(),
        requests: wishes
            .iter()
            .filter(|(a, b)| confirmed.contains(a) && confirmed.contains(b))
            .map(|(a, b)| Request {
                from: a.to_string(),
                to: b.to_string(),
            })
            .collect(),
        pins: meetings
            .iter()
            .filter(|m| m.pinned && confirmed.contains(&m.a) && confirmed.contains(&m.b))
            .map(|m| Pin {
                a: m.a.to_string(),
                b: m.b.to_string(),
                slot: m.slot,
                table: m.table,
            })
            .collect(),
    }
}

/// Runs the scheduler (bureau; open or scheduled sessions): replaces the
/// unpinned meetings, keeps the pins, stores the figures and unmet pairs, and
/// marks an open session scheduled.
pub async fn run_schedule(app: &App, actor: &Actor, id: &str) -> AppResult<ScheduleFigures> {
    let mut tx = app.store.begin().await?;
    let s = load_bureau(&mut tx, actor, id).await?;
    if !s.status.schedulable() {
        return Err(not_now(&s));
    }
    let parts = tx.mm_participants(id).await?;
    let wishes = tx.mm_wishes(id).await?;
    let old = tx.mm_meetings(id).await?;
    let inst = instance(&s, &parts, &wishes, &old);
    let inst_for_run = inst.clone();
    let result = tokio::task::spawn_blocking(move || schedule::schedule(&inst_for_run))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let (meetings, figures) = outcome(&inst, &result, &parts);
    let doc = serde_json::to_string(&figures).map_err(|e| AppError::Internal(e.into()))?;
    let now = app.now();
    tx.replace_mm_schedule(id, &meetings, &doc, now).await?;
    if s.status == SessionStatus::Open {
        tx.set_mm_session_status(id, SessionStatus::Scheduled, now)
            .await?;
    }
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.scheduled",
        &json!({
            "meetings": meetings.len(),
            "requested_pairs": figures.requested_pairs,
            "placed_requested": figures.placed_requested,
            "placed_mutual": figures.placed_mutual,
            "upper_bound": figures.upper_bound,
            "pins": figures.pins,
            "unmet": figures.unmet.len(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(figures)
}

/// The scheduler's answer as stored meetings (new ids) and figures.
pub(crate) fn outcome(
    inst: &Instance,
    result: &schedule::Schedule,
    parts: &[ParticipantRecord],
) -> (Vec<MeetingRecord>, ScheduleFigures) {
    let names: HashMap<&str, &str> = parts
        .iter()
        .map(|p| (p.org_id.as_str(), p.org_name.as_str()))
        .collect();
    let name = |x: &str| {
        names
            .get(x)
            .map_or_else(|| x.to_string(), |n| (*n).to_string())
    };
    let meetings: Vec<MeetingRecord> = result
        .meetings
        .iter()
        .map(|m| MeetingRecord {
            id: kechuang_store::new_id(),
            slot: m.slot,
            table: m.table,
            a: OrgId(m.a.clone()),
            b: OrgId(m.b.clone()),
            pinned: m.pinned,
            requested: m.requested,
            mutual: m.mutual,
        })
        .collect();
    let figures = ScheduleFigures {
        participants: inst.participants.len(),
        requested_pairs: result.requested_pairs,
        mutual_pairs: result.mutual_pairs,
        placed_requested: result.placed_requested,
        placed_mutual: result.placed_mutual,
        upper_bound: result.upper_bound,
        pins: inst.pins.len(),
        unmet: result
            .unmet
            .iter()
            .map(|u| UnmetView {
                a_name: name(&u.a),
                b_name: name(&u.b),
                a: u.a.clone(),
                b: u.b.clone(),
                mutual: u.mutual,
                reason: reason_code(u.reason).into(),
                reason_zh: u.reason.label().into(),
            })
            .collect(),
    };
    (meetings, figures)
}

fn reason_code(r: UnmetReason) -> &'static str {
    match r {
        UnmetReason::Limit => "limit",
        UnmetReason::NoCommonSlot => "no_common_slot",
        UnmetReason::NoTable => "no_table",
    }
}

async fn schedule_edit(db: &mut Db, actor: &Actor, id: &str) -> AppResult<SessionRecord> {
    let s = load_bureau(db, actor, id).await?;
    if s.status.schedulable() {
        Ok(s)
    } else {
        Err(not_now(&s))
    }
}

/// 1-based slot and table from the edge as 0-based; 0 is named as unknown.
fn zero_based(slot: u32, table: u32, spec: &SessionSpec) -> AppResult<(u32, u32)> {
    let mut errs = Vec::new();
    if slot == 0 {
        errs.push(
            FieldError::new("slot", "schedule_slot_unknown")
                .with("value", 0)
                .with("max", spec.slots),
        );
    }
    if table == 0 {
        errs.push(
            FieldError::new("table", "schedule_table_unknown")
                .with("value", 0)
                .with("max", spec.tables),
        );
    }
    if errs.is_empty() {
        // Values past the grid are reported by the place check; keep +1 safe.
        Ok(((slot - 1).min(u32::MAX - 1), (table - 1).min(u32::MAX - 1)))
    } else {
        Err(AppError::Invalid(errs))
    }
}

fn meeting_of<'a>(all: &'a [MeetingRecord], mid: &str) -> AppResult<&'a MeetingRecord> {
    all.iter().find(|m| m.id == mid).ok_or(AppError::NotFound)
}

/// Pins or unpins a meeting (bureau).
pub async fn pin(app: &App, actor: &Actor, id: &str, meeting: &str, pinned: bool) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    schedule_edit(&mut tx, actor, id).await?;
    let all = tx.mm_meetings(id).await?;
    let m = meeting_of(&all, meeting)?;
    tx.place_mm_meeting(id, meeting, m.slot, m.table, pinned)
        .await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        if pinned { "mm_session.pinned" } else { "mm_session.unpinned" },
        &json!({"meeting_id": meeting, "a": m.a, "b": m.b, "slot": m.slot + 1, "table": m.table + 1}),
    )
    .await?;
    tx.commit().await.map_err(Into::into)
}

fn away_map(parts: &[ParticipantRecord]) -> HashMap<&str, Vec<u32>> {
    parts
        .iter()
        .map(|p| (p.org_id.as_str(), p.settings.away.clone()))
        .collect()
}

/// Moves a meeting by hand to 1-based `slot` and `table` (bureau). Refused,
/// changing nothing, when it would double-book a participant or the table or
/// fall in a slot a side is away; otherwise the meeting moves and becomes a pin.
pub async fn move_meeting(
    app: &App,
    actor: &Actor,
    id: &str,
    meeting: &str,
    slot: u32,
    table: u32,
) -> AppResult<MeetingView> {
    let mut tx = app.store.begin().await?;
    let s = schedule_edit(&mut tx, actor, id).await?;
    let all = tx.mm_meetings(id).await?;
    let m = meeting_of(&all, meeting)?.clone();
    let parts = tx.mm_participants(id).await?;
    let names: HashMap<&str, &str> = parts
        .iter()
        .map(|p| (p.org_id.as_str(), p.org_name.as_str()))
        .collect();
    let name = |x: &str| {
        names
            .get(x)
            .map_or_else(|| x.to_string(), |n| (*n).to_string())
    };
    let others: Vec<Placed<'_>> = all
        .iter()
        .filter(|x| x.id != m.id)
        .map(|x| Placed {
            a: x.a.as_str(),
            b: x.b.as_str(),
            slot: x.slot,
            table: x.table,
        })
        .collect();
    let (slot0, table0) = zero_based(slot, table, &s.spec)?;
    check_place(
        s.spec.slots,
        s.spec.tables,
        &others,
        &away_map(&parts),
        &name,
        m.a.as_str(),
        m.b.as_str(),
        slot0,
        table0,
    )?;
    tx.place_mm_meeting(id, meeting, slot0, table0, true)
        .await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.moved",
        &json!({"meeting_id": meeting, "a": m.a, "b": m.b, "from": {"slot": m.slot + 1, "table": m.table + 1},
                "to": {"slot": slot, "table": table}}),
    )
    .await?;
    let moved = MeetingRecord {
        slot: slot0,
        table: table0,
        pinned: true,
        ..m
    };
    let v = meeting_view(&s.spec, &moved, &name);
    tx.commit().await?;
    Ok(v)
}

/// Adds a meeting by hand between two participants at 1-based `slot` and
/// `table` (bureau): checked like a move, and against both sides' limits; it is
/// pinned.
pub async fn add_meeting(
    app: &App,
    actor: &Actor,
    id: &str,
    a: &str,
    b: &str,
    slot: u32,
    table: u32,
) -> AppResult<MeetingView> {
    let mut tx = app.store.begin().await?;
    let s = schedule_edit(&mut tx, actor, id).await?;
    let parts = tx.mm_participants(id).await?;
    let all = tx.mm_meetings(id).await?;
    let mut errs = Vec::new();
    for (f, x) in [("a", a), ("b", b)] {
        if !parts.iter().any(|p| p.org_id.as_str() == x.trim()) {
            errs.push(FieldError::new(f, "session_not_participant").with("value", x.trim()));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let (a, b) = (a.trim(), b.trim());
    let names: HashMap<&str, &str> = parts
        .iter()
        .map(|p| (p.org_id.as_str(), p.org_name.as_str()))
        .collect();
    let name = |x: &str| {
        names
            .get(x)
            .map_or_else(|| x.to_string(), |n| (*n).to_string())
    };
    let others: Vec<Placed<'_>> = all
        .iter()
        .map(|x| Placed {
            a: x.a.as_str(),
            b: x.b.as_str(),
            slot: x.slot,
            table: x.table,
        })
        .collect();
    let (slot0, table0) = zero_based(slot, table, &s.spec)?;
    check_place(
        s.spec.slots,
        s.spec.tables,
        &others,
        &away_map(&parts),
        &name,
        a,
        b,
        slot0,
        table0,
    )?;
    for side in [a, b] {
        let p = parts.iter().find(|p| p.org_id.as_str() == side);
        let limit = p
            .and_then(|p| p.settings.limit)
            .or(s.spec.default_limit)
            .unwrap_or(s.spec.slots);
        let load = all
            .iter()
            .filter(|m| m.a.as_str() == side || m.b.as_str() == side)
            .count();
        if load as u32 >= limit {
            errs.push(
                FieldError::new("slot", "schedule_over_limit")
                    .with("value", name(side))
                    .with("max", limit),
            );
        }
    }
    if all.iter().any(|m| {
        (m.a.as_str() == a && m.b.as_str() == b) || (m.a.as_str() == b && m.b.as_str() == a)
    }) {
        errs.push(
            FieldError::new("b", "schedule_pinned_twice")
                .with("value", format!("{} — {}", name(a), name(b))),
        );
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let wishes = tx.mm_wishes(id).await?;
    let asked = |x: &str, y: &str| {
        wishes
            .iter()
            .any(|(f, t)| f.as_str() == x && t.as_str() == y)
    };
    let m = MeetingRecord {
        id: kechuang_store::new_id(),
        slot: slot0,
        table: table0,
        a: OrgId(a.to_string()),
        b: OrgId(b.to_string()),
        pinned: true,
        requested: asked(a, b) || asked(b, a),
        mutual: asked(a, b) && asked(b, a),
    };
    tx.insert_mm_meeting(id, &m).await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.meeting_added",
        &json!({"meeting_id": m.id, "a": a, "b": b, "slot": slot, "table": table}),
    )
    .await?;
    let v = meeting_view(&s.spec, &m, &name);
    tx.commit().await?;
    Ok(v)
}

/// Removes a meeting (bureau).
pub async fn remove_meeting(app: &App, actor: &Actor, id: &str, meeting: &str) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    schedule_edit(&mut tx, actor, id).await?;
    let all = tx.mm_meetings(id).await?;
    let m = meeting_of(&all, meeting)?;
    tx.delete_mm_meeting(id, meeting).await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.removed",
        &json!({"meeting_id": meeting, "a": m.a, "b": m.b, "slot": m.slot + 1, "table": m.table + 1}),
    )
    .await?;
    tx.commit().await.map_err(Into::into)
}

/// Records an outcome signed at the session (bureau; scheduled or held
/// sessions). The enterprise and the partner must be participants, the
/// enterprise an enterprise; a named need or achievement must exist.
pub async fn record_signing(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &SigningInput,
) -> AppResult<SigningView> {
    let mut tx = app.store.begin().await?;
    let s = load_bureau(&mut tx, actor, id).await?;
    if !s.status.accepts_signings() {
        return Err(not_now(&s));
    }
    let g = input.parse()?;
    let parts = tx.mm_participants(id).await?;
    let mut errs = Vec::new();
    match parts.iter().find(|p| p.org_id.as_str() == g.enterprise_id) {
        None => errs.push(
            FieldError::new("enterprise_id", "session_not_participant")
                .with("value", &g.enterprise_id),
        ),
        Some(p) if p.org_kind != OrgKind::Enterprise => errs.push(
            FieldError::new("enterprise_id", "session_org_kind")
                .with("value", &p.org_name)
                .with("kind", p.org_kind.zh()),
        ),
        Some(_) => {}
    }
    if !parts.iter().any(|p| p.org_id.as_str() == g.partner_id) {
        errs.push(
            FieldError::new("partner_id", "session_not_participant").with("value", &g.partner_id),
        );
    }
    if let Some(n) = &g.need_id
        && tx.need(n).await?.is_none()
    {
        errs.push(FieldError::new("need_id", "record_unknown").with("value", n));
    }
    if let Some(a) = &g.achievement_id
        && tx.achievement(a).await?.is_none()
    {
        errs.push(FieldError::new("achievement_id", "record_unknown").with("value", a));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let sid = kechuang_store::new_id();
    tx.insert_mm_signing(&sid, id, &g, app.now(), &actor.tag())
        .await?;
    signing_collaboration(&mut tx, id, s.spec.date, &g, app.now(), &actor.tag()).await?;
    tx.append_event(
        &actor.tag(),
        ENTITY,
        id,
        "mm_session.signed",
        &json!({"signing_id": sid, "title": g.title, "enterprise_id": g.enterprise_id, "partner_id": g.partner_id,
                "amount_fen": g.amount.map(kechuang_core::Money::fen), "need_id": g.need_id, "achievement_id": g.achievement_id}),
    )
    .await?;
    let v = tx
        .mm_signings(id)
        .await?
        .into_iter()
        .find(|x| x.id == sid)
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(v.into())
}

/// A project signed at a session is a collaboration of the outcome chain
/// (产学研合作, source "session"), so the report counts it once, with the
/// collaborations of daily matching, and its later stages (contract, conversion,
/// new product) are recorded on it.
pub(crate) async fn signing_collaboration(
    tx: &mut Db,
    session_id: &str,
    date: chrono::NaiveDate,
    g: &kechuang_core::session::Signing,
    now: i64,
    by: &str,
) -> AppResult<String> {
    use kechuang_core::chain::{Collaboration, Source};
    let c = Collaboration {
        title: g.title.clone(),
        signed_on: date,
        amount: g.amount,
        source: Source::Session,
        session_id: Some(session_id.to_owned()),
    };
    let id = kechuang_store::new_id();
    let (enterprise, provider) = (OrgId(g.enterprise_id.clone()), OrgId(g.partner_id.clone()));
    tx.insert_collaboration(&kechuang_store::NewCollaboration {
        id: &id,
        collab: &c,
        enterprise_org_id: &enterprise,
        provider_org_id: &provider,
        interest_id: None,
        thread_id: None,
        now,
        by,
    })
    .await?;
    tx.append_event(
        by,
        "collaboration",
        &id,
        "collaboration.recorded",
        &json!({"session_id": session_id, "signed_on": date, "source": "session"}),
    )
    .await?;
    Ok(id)
}

fn meeting_view(
    spec: &SessionSpec,
    m: &MeetingRecord,
    name: &dyn Fn(&str) -> String,
) -> MeetingView {
    MeetingView {
        id: m.id.clone(),
        slot: m.slot + 1,
        time: spec.slot_label(m.slot),
        table: m.table + 1,
        a: m.a.to_string(),
        a_name: name(m.a.as_str()),
        b: m.b.to_string(),
        b_name: name(m.b.as_str()),
        pinned: m.pinned,
        requested: m.requested,
        mutual: m.mutual,
    }
}

/// One session with what the actor may see of it.
pub async fn detail(app: &App, actor: &Actor, id: &str) -> AppResult<SessionDetail> {
    let mut db = app.store.read().await?;
    let (s, access) = load(&mut db, actor, id).await?;
    detail_in(&mut db, &s, &access, actor.is_bureau()).await
}

async fn detail_in(
    db: &mut Db,
    s: &SessionRecord,
    access: &Access,
    bureau: bool,
) -> AppResult<SessionDetail> {
    let id = s.id.as_str();
    let parts = db.mm_participants(id).await?;
    let wishes = db.mm_wishes(id).await?;
    let meetings = db.mm_meetings(id).await?;
    let signings: Vec<SigningView> = db
        .mm_signings(id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let mut titles: HashMap<String, String> = HashMap::new();
    for p in &parts {
        if let Some(n) = &p.settings.need_id
            && let Some(x) = db.need(n).await?
        {
            titles.insert(n.clone(), x.record.0.title);
        }
        if let Some(a) = &p.settings.achievement_id
            && let Some(x) = db.achievement(a).await?
        {
            titles.insert(a.clone(), x.record.title);
        }
    }
    let names: HashMap<&str, &str> = parts
        .iter()
        .map(|p| (p.org_id.as_str(), p.org_name.as_str()))
        .collect();
    let name = |x: &str| {
        names
            .get(x)
            .map_or_else(|| x.to_string(), |n| (*n).to_string())
    };
    let mine = match access {
        Access::Bureau => None,
        Access::Participant(o) => Some(o.clone()),
    };
    let pview = |p: &ParticipantRecord, with_wishes: bool| ParticipantView {
        org_id: p.org_id.to_string(),
        org_name: p.org_name.clone(),
        org_kind: p.org_kind.zh().into(),
        confirmed: p.settings.confirmed,
        limit: p.settings.limit,
        effective_limit: p
            .settings
            .limit
            .or(s.spec.default_limit)
            .unwrap_or(s.spec.slots),
        away: p.settings.away.iter().map(|a| a + 1).collect(),
        need_id: p.settings.need_id.clone(),
        need_title: p
            .settings
            .need_id
            .as_ref()
            .and_then(|n| titles.get(n).cloned()),
        achievement_id: p.settings.achievement_id.clone(),
        achievement_title: p
            .settings
            .achievement_id
            .as_ref()
            .and_then(|n| titles.get(n).cloned()),
        wishes: if with_wishes {
            wishes
                .iter()
                .filter(|(f, _)| f == &p.org_id)
                .map(|(_, t)| t.to_string())
                .collect()
        } else {
            Vec::new()
        },
        meetings: meetings
            .iter()
            .filter(|m| m.a == p.org_id || m.b == p.org_id)
            .count(),
    };
    let participants: Vec<ParticipantView> = parts
        .iter()
        .map(|p| pview(p, bureau || mine.as_ref() == Some(&p.org_id)))
        .collect();
    let me = mine.as_ref().and_then(|o| {
        participants
            .iter()
            .find(|p| p.org_id == o.as_str())
            .cloned()
    });
    let topic = |o: &OrgId| -> Option<String> {
        let p = parts.iter().find(|p| &p.org_id == o)?;
        let n = p.settings.need_id.as_ref().and_then(|n| titles.get(n));
        let a = p
            .settings
            .achievement_id
            .as_ref()
            .and_then(|n| titles.get(n));
        match (n, a) {
            (Some(n), _) => Some(format!("需求：{n}")),
            (None, Some(a)) => Some(format!("成果：{a}")),
            _ => None,
        }
    };
    let my_schedule = match &mine {
        Some(o) => schedule_of(&s.spec, &meetings, &parts, o, &topic),
        None => Vec::new(),
    };
    let figures = if bureau {
        s.schedule_result
            .as_deref()
            .and_then(|d| serde_json::from_str::<ScheduleFigures>(d).ok())
    } else {
        None
    };
    let sum_fen: i64 = db
        .mm_signings(id)
        .await?
        .iter()
        .filter_map(|g| g.signing.amount.map(kechuang_core::Money::fen))
        .sum();
    Ok(SessionDetail {
        session: SessionView::of(
            s.clone(),
            parts.len() as i64,
            meetings.len() as i64,
            signings.len() as i64,
        ),
        bureau,
        me,
        participants,
        meetings: if bureau {
            meetings
                .iter()
                .map(|m| meeting_view(&s.spec, m, &name))
                .collect()
        } else {
            Vec::new()
        },
        my_schedule,
        figures,
        signings,
        signed_wan: kechuang_core::Money::from_fen(sum_fen)
            .wan_2dp()
            .to_string(),
    })
}

fn schedule_of(
    spec: &SessionSpec,
    meetings: &[MeetingRecord],
    parts: &[ParticipantRecord],
    org: &OrgId,
    topic: &dyn Fn(&OrgId) -> Option<String>,
) -> Vec<ScheduleLine> {
    meetings
        .iter()
        .filter(|m| &m.a == org || &m.b == org)
        .map(|m| {
            let other = if &m.a == org { &m.b } else { &m.a };
            let p = parts.iter().find(|p| &p.org_id == other);
            ScheduleLine {
                meeting_id: m.id.clone(),
                slot: m.slot + 1,
                time: spec.slot_label(m.slot),
                table: m.table + 1,
                counterpart_id: other.to_string(),
                counterpart: p.map_or_else(|| other.to_string(), |p| p.org_name.clone()),
                counterpart_kind: p.map_or_else(String::new, |p| p.org_kind.zh().to_string()),
                topic: topic(other),
            }
        })
        .collect()
}

/// Every participant's schedule (for the bureau's downloads), or the actor's
/// own: `(organisation name, lines)`.
pub async fn schedules(
    app: &App,
    actor: &Actor,
    id: &str,
    only: Option<&str>,
) -> AppResult<(SessionDetail, Vec<(String, Vec<ScheduleLine>)>)> {
    let mut db = app.store.read().await?;
    let (s, access) = load(&mut db, actor, id).await?;
    let d = detail_in(&mut db, &s, &access, actor.is_bureau()).await?;
    let parts = db.mm_participants(id).await?;
    let meetings = db.mm_meetings(id).await?;
    let topic_of: HashMap<String, Option<String>> = d
        .participants
        .iter()
        .map(|p| {
            let t = match (&p.need_title, &p.achievement_title) {
                (Some(n), _) => Some(format!("需求：{n}")),
                (None, Some(a)) => Some(format!("成果：{a}")),
                _ => None,
            };
            (p.org_id.clone(), t)
        })
        .collect();
    let topic = |o: &OrgId| topic_of.get(o.as_str()).cloned().flatten();
    let wanted: Vec<&ParticipantRecord> =
        match (&access, only.map(str::trim).filter(|o| !o.is_empty())) {
            (Access::Participant(o), _) => parts.iter().filter(|p| &p.org_id == o).collect(),
            (Access::Bureau, Some(o)) => {
                let v: Vec<&ParticipantRecord> =
                    parts.iter().filter(|p| p.org_id.as_str() == o).collect();
                if v.is_empty() {
                    return Err(AppError::NotFound);
                }
                v
            }
            (Access::Bureau, None) => parts.iter().collect(),
        };
    let out = wanted
        .into_iter()
        .map(|p| {
            (
                p.org_name.clone(),
                schedule_of(&s.spec, &meetings, &parts, &p.org_id, &topic),
            )
        })
        .collect();
    Ok((d, out))
}
