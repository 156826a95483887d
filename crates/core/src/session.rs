//! Special matchmaking sessions (专场对接): the session's settings and time grid,
//! its status ladder, each participant's settings and wishes, a signed outcome,
//! and the check of a meeting moved (or added) by hand.
//!
//! The scheduler itself is [`crate::schedule`]; this module only prepares its
//! input and checks what an organiser does to its output. Slots and tables are
//! 1-based at the edges (forms, API, pages) and 0-based inside, as in
//! [`crate::schedule`].

use crate::error::FieldError;
use crate::money::Money;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Longest session title, characters.
pub const MAX_TITLE: usize = 200;
/// Shortest and longest slot, minutes.
pub const SLOT_MINUTES: (u32, u32) = (5, 240);
/// Most slots of one session (the scheduler's own limit).
pub const MAX_SLOTS: u32 = crate::schedule::MAX_SLOTS;
/// Most tables of one session (the scheduler's own limit).
pub const MAX_TABLES: u32 = crate::schedule::MAX_TABLES;
/// Most wishes one participant may mark.
pub const MAX_WISHES: usize = 200;

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// 筹备中: the bureau prepares it; participants see it but cannot mark wishes.
    Draft,
    /// 报名约见中: participants confirm and mark whom they want to meet.
    Open,
    /// 已排程: the schedule is out.
    Scheduled,
    /// 已举办: the session took place; signings are recorded.
    Held,
    /// 已结束: archived.
    Closed,
}

impl SessionStatus {
    /// All, in order.
    pub const ALL: [SessionStatus; 5] = [
        Self::Draft,
        Self::Open,
        Self::Scheduled,
        Self::Held,
        Self::Closed,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Scheduled => "scheduled",
            Self::Held => "held",
            Self::Closed => "closed",
        }
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Draft => "筹备中",
            Self::Open => "报名约见中",
            Self::Scheduled => "已排程",
            Self::Held => "已举办",
            Self::Closed => "已结束",
        }
    }

    /// From a code or the zh-CN name.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|x| x.code().eq_ignore_ascii_case(t) || x.zh() == t)
    }

    /// The statuses the bureau may move a session to from this one. Back steps
    /// exist for mistakes: a schedule can be reopened for more wishes.
    pub fn next(self) -> &'static [SessionStatus] {
        match self {
            Self::Draft => &[Self::Open],
            Self::Open => &[Self::Draft, Self::Scheduled],
            Self::Scheduled => &[Self::Open, Self::Held],
            Self::Held => &[Self::Closed],
            Self::Closed => &[Self::Held],
        }
    }

    /// Checks a status change.
    pub fn move_to(self, to: SessionStatus) -> Result<SessionStatus, FieldError> {
        if self.next().contains(&to) {
            Ok(to)
        } else {
            Err(FieldError::new("status", "session_status_move")
                .with("from", self.zh())
                .with("to", to.zh())
                .with(
                    "allowed",
                    self.next()
                        .iter()
                        .map(|s| s.zh())
                        .collect::<Vec<_>>()
                        .join("、"),
                ))
        }
    }

    /// Participants may confirm and mark wishes.
    pub fn accepts_wishes(self) -> bool {
        self == Self::Open
    }

    /// The scheduler may run (and the organiser edit the schedule).
    pub fn schedulable(self) -> bool {
        matches!(self, Self::Open | Self::Scheduled)
    }

    /// Signed outcomes may be recorded.
    pub fn accepts_signings(self) -> bool {
        matches!(self, Self::Scheduled | Self::Held)
    }
}

/// A session's settings as typed (form or JSON).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SessionInput {
    /// 活动名称.
    pub title: String,
    /// 日期.
    pub date: String,
    /// 地点.
    pub venue: String,
    /// 主办单位.
    pub organiser: String,
    /// 活动简介.
    pub description: String,
    /// First slot starts, `HH:MM`.
    pub start: String,
    /// Minutes per slot.
    pub slot_minutes: String,
    /// Number of slots.
    pub slots: String,
    /// A break after this many slots (empty: none).
    pub break_after: String,
    /// Length of the break, minutes.
    pub break_minutes: String,
    /// Number of tables.
    pub tables: String,
    /// Meetings per participant unless it sets its own (empty: as many as slots).
    pub default_limit: String,
}

/// A validated session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionSpec {
    /// 活动名称.
    pub title: String,
    /// 日期.
    pub date: NaiveDate,
    /// 地点.
    pub venue: Option<String>,
    /// 主办单位.
    pub organiser: Option<String>,
    /// 活动简介.
    pub description: Option<String>,
    /// Minutes after midnight of the first slot.
    pub start_minute: u32,
    /// Minutes per slot.
    pub slot_minutes: u32,
    /// Number of slots.
    pub slots: u32,
    /// A break after this many slots.
    pub break_after: Option<u32>,
    /// Minutes of the break (0 without one).
    pub break_minutes: u32,
    /// Number of tables.
    pub tables: u32,
    /// Default meeting limit per participant.
    pub default_limit: Option<u32>,
}

fn number(field: &str, s: &str, lo: u32, hi: u32, errs: &mut Vec<FieldError>) -> Option<u32> {
    let t = crate::text::half_width(s.trim());
    if t.is_empty() {
        errs.push(FieldError::new(field, "required"));
        return None;
    }
    match t.parse::<u32>() {
        Ok(v) if (lo..=hi).contains(&v) => Some(v),
        _ => {
            errs.push(
                FieldError::new(field, "session_number_range")
                    .with("value", s.trim())
                    .with("min", lo)
                    .with("max", hi),
            );
            None
        }
    }
}

fn optional_number(
    field: &str,
    s: &str,
    lo: u32,
    hi: u32,
    errs: &mut Vec<FieldError>,
) -> Option<Option<u32>> {
    if s.trim().is_empty() {
        Some(None)
    } else {
        number(field, s, lo, hi, errs).map(Some)
    }
}

/// `HH:MM` (or `H:MM`, full-width colon allowed) as minutes after midnight.
pub fn parse_time(field: &str, s: &str) -> Result<u32, FieldError> {
    let t = crate::text::half_width(s.trim());
    let bad = || FieldError::new(field, "time_invalid").with("value", s.trim());
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    let m: u32 = m.trim().parse().map_err(|_| bad())?;
    if h > 23 || m > 59 || m.to_string().len() > 2 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

impl SessionInput {
    /// Validates every field; all problems at once.
    pub fn parse(&self) -> Result<SessionSpec, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = crate::org::required_text("title", &self.title, MAX_TITLE)
            .map_err(|x| e.push(x))
            .ok();
        let date = crate::date::parse("date", &self.date)
            .map_err(|x| e.push(x))
            .ok();
        let venue = crate::org::optional_text("venue", &self.venue, 200)
            .map_err(|x| e.push(x))
            .ok();
        let organiser = crate::org::optional_text("organiser", &self.organiser, 200)
            .map_err(|x| e.push(x))
            .ok();
        let description = crate::matchmaking::long_text(
            "description",
            &self.description,
            crate::matchmaking::MAX_TEXT,
        )
        .map_err(|x| e.push(x))
        .ok();
        let start = if self.start.trim().is_empty() {
            e.push(FieldError::new("start", "required"));
            None
        } else {
            parse_time("start", &self.start).map_err(|x| e.push(x)).ok()
        };
        let slot_minutes = number(
            "slot_minutes",
            &self.slot_minutes,
            SLOT_MINUTES.0,
            SLOT_MINUTES.1,
            &mut e,
        );
        let slots = number("slots", &self.slots, 1, MAX_SLOTS, &mut e);
        let tables = number("tables", &self.tables, 1, MAX_TABLES, &mut e);
        let break_after = optional_number(
            "break_after",
            &self.break_after,
            1,
            slots.unwrap_or(MAX_SLOTS).saturating_sub(1).max(1),
            &mut e,
        );
        let break_minutes = if matches!(break_after, Some(Some(_))) {
            number("break_minutes", &self.break_minutes, 1, 240, &mut e)
        } else {
            Some(0)
        };
        let default_limit = optional_number(
            "default_limit",
            &self.default_limit,
            1,
            slots.unwrap_or(MAX_SLOTS),
            &mut e,
        );
        if let (Some(b), Some(s)) = (break_after.flatten(), slots)
            && b >= s
        {
            e.push(
                FieldError::new("break_after", "session_number_range")
                    .with("value", b)
                    .with("min", 1)
                    .with("max", s.saturating_sub(1)),
            );
        }
        if let (Some(st), Some(m), Some(s), Some(bm)) = (start, slot_minutes, slots, break_minutes)
        {
            let end = st + m * s + bm;
            if end > 24 * 60 {
                e.push(FieldError::new("slots", "session_past_midnight").with("end", hhmm(end)));
            }
        }
        match (
            title,
            date,
            start,
            slot_minutes,
            slots,
            tables,
            break_after,
            break_minutes,
            default_limit,
        ) {
            (
                Some(title),
                Some(date),
                Some(start_minute),
                Some(slot_minutes),
                Some(slots),
                Some(tables),
                Some(break_after),
                Some(break_minutes),
                Some(default_limit),
            ) if e.is_empty() => Ok(SessionSpec {
                title,
                date,
                venue: venue.flatten(),
                organiser: organiser.flatten(),
                description: description.flatten(),
                start_minute,
                slot_minutes,
                slots,
                break_after,
                break_minutes,
                tables,
                default_limit,
            }),
            _ => Err(e),
        }
    }
}

impl SessionSpec {
    /// When 0-based slot `i` starts and ends, minutes after midnight.
    pub fn slot_time(&self, i: u32) -> (u32, u32) {
        let mut start = self.start_minute + i * self.slot_minutes;
        if self.break_after.is_some_and(|b| i >= b) {
            start += self.break_minutes;
        }
        (start, start + self.slot_minutes)
    }

    /// `09:00—09:20` for 0-based slot `i`.
    pub fn slot_label(&self, i: u32) -> String {
        let (a, b) = self.slot_time(i);
        format!("{}—{}", hhmm(a), hhmm(b))
    }

    /// Every slot's label, in order.
    pub fn slot_labels(&self) -> Vec<String> {
        (0..self.slots).map(|i| self.slot_label(i)).collect()
    }

    /// The input that gives this spec back (for edit forms).
    pub fn to_input(&self) -> SessionInput {
        SessionInput {
            title: self.title.clone(),
            date: crate::date::to_iso(self.date),
            venue: self.venue.clone().unwrap_or_default(),
            organiser: self.organiser.clone().unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            start: hhmm(self.start_minute),
            slot_minutes: self.slot_minutes.to_string(),
            slots: self.slots.to_string(),
            break_after: self.break_after.map(|b| b.to_string()).unwrap_or_default(),
            break_minutes: if self.break_after.is_some() {
                self.break_minutes.to_string()
            } else {
                String::new()
            },
            tables: self.tables.to_string(),
            default_limit: self
                .default_limit
                .map(|b| b.to_string())
                .unwrap_or_default(),
        }
    }
}

/// A participant's own settings as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ParticipantInput {
    /// Confirmed attendance (确认参会).
    pub confirmed: bool,
    /// Most meetings (empty: the session's default).
    pub limit: String,
    /// 1-based slots it is away.
    pub away: Vec<u32>,
    /// Its own need shown to counterparts (id), if any.
    pub need_id: String,
    /// Its own achievement shown to counterparts (id), if any.
    pub achievement_id: String,
}

/// A participant's validated settings. `away` is 0-based.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ParticipantSettings {
    /// Confirmed attendance.
    pub confirmed: bool,
    /// Own limit (`None`: the session's default).
    pub limit: Option<u32>,
    /// 0-based slots away, sorted, unique.
    pub away: Vec<u32>,
    /// Need shown to counterparts.
    pub need_id: Option<String>,
    /// Achievement shown to counterparts.
    pub achievement_id: Option<String>,
}

impl ParticipantInput {
    /// Validates against the session's grid. Whether the need or achievement
    /// belongs to the participant is checked by the caller (it needs the store).
    pub fn parse(&self, spec: &SessionSpec) -> Result<ParticipantSettings, Vec<FieldError>> {
        let mut e = Vec::new();
        let limit = optional_number("limit", &self.limit, 1, spec.slots, &mut e);
        let mut away = Vec::new();
        for &s in &self.away {
            if s == 0 || s > spec.slots {
                e.push(
                    FieldError::new("away", "schedule_slot_unknown")
                        .with("value", s)
                        .with("max", spec.slots),
                );
            } else {
                away.push(s - 1);
            }
        }
        away.sort_unstable();
        away.dedup();
        let nz = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        match limit {
            Some(limit) if e.is_empty() => Ok(ParticipantSettings {
                confirmed: self.confirmed,
                limit,
                away,
                need_id: nz(&self.need_id),
                achievement_id: nz(&self.achievement_id),
            }),
            _ => Err(e),
        }
    }
}

/// Checks a participant's wishes (participant ids in order of preference)
/// against the session's participants: each must be one, not itself; repeats
/// count once. Errors name `wishes[i]`.
pub fn check_wishes(
    me: &str,
    wishes: &[String],
    participants: &[&str],
) -> Result<Vec<String>, Vec<FieldError>> {
    let mut e = Vec::new();
    let mut out: Vec<String> = Vec::new();
    if wishes.len() > MAX_WISHES {
        return Err(vec![
            FieldError::new("wishes", "too_many_tags").with("max", MAX_WISHES),
        ]);
    }
    for (i, w) in wishes.iter().enumerate() {
        let w = w.trim();
        if w.is_empty() {
            continue;
        }
        if w == me {
            e.push(FieldError::new(format!("wishes[{i}]"), "schedule_self").with("value", w));
        } else if !participants.contains(&w) {
            e.push(
                FieldError::new(format!("wishes[{i}]"), "schedule_participant_unknown")
                    .with("value", w),
            );
        } else if !out.iter().any(|x| x == w) {
            out.push(w.to_string());
        }
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// A meeting on the grid, 0-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<'a> {
    /// One side.
    pub a: &'a str,
    /// The other side.
    pub b: &'a str,
    /// 0-based slot.
    pub slot: u32,
    /// 0-based table.
    pub table: u32,
}

/// Checks putting the meeting of `a` and `b` at 0-based (`slot`, `table`) on a
/// grid that holds `others` (every other meeting, the moved one excluded): the
/// place exists, the table is free in that slot, neither side has another
/// meeting then, and neither is away (`away` maps a participant to its 0-based
/// away slots). Every problem is reported; values in messages are 1-based and
/// participants are named by `name`.
///
/// A hand move is allowed whenever this passes, even if it leaves a participant
/// over its limit through a different path: the limit counts meetings, which a
/// move does not change. (An added meeting is checked for limits by the caller.)
#[expect(
    clippy::too_many_arguments,
    reason = "the grid's dimensions, the meeting and its context are each needed"
)]
pub fn check_place(
    slots: u32,
    tables: u32,
    others: &[Placed<'_>],
    away: &HashMap<&str, Vec<u32>>,
    name: &dyn Fn(&str) -> String,
    a: &str,
    b: &str,
    slot: u32,
    table: u32,
) -> Result<(), Vec<FieldError>> {
    let mut e = Vec::new();
    if slot >= slots {
        e.push(
            FieldError::new("slot", "schedule_slot_unknown")
                .with("value", slot + 1)
                .with("max", slots),
        );
    }
    if table >= tables {
        e.push(
            FieldError::new("table", "schedule_table_unknown")
                .with("value", table + 1)
                .with("max", tables),
        );
    }
    if a == b {
        e.push(FieldError::new("b", "schedule_self").with("value", name(b)));
    }
    if !e.is_empty() {
        return Err(e);
    }
    if others.iter().any(|m| m.slot == slot && m.table == table) {
        e.push(
            FieldError::new("table", "schedule_table_taken")
                .with("slot", slot + 1)
                .with("table", table + 1),
        );
    }
    for side in [a, b] {
        if others
            .iter()
            .any(|m| m.slot == slot && (m.a == side || m.b == side))
        {
            e.push(
                FieldError::new("slot", "schedule_double_booked")
                    .with("value", name(side))
                    .with("slot", slot + 1),
            );
        }
        if away.get(side).is_some_and(|v| v.contains(&slot)) {
            e.push(
                FieldError::new("slot", "schedule_away")
                    .with("value", name(side))
                    .with("slot", slot + 1),
            );
        }
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// A signed outcome as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SigningInput {
    /// 项目名称.
    pub title: String,
    /// The enterprise (a participant's organisation id).
    pub enterprise_id: String,
    /// The partner (a participant's organisation id).
    pub partner_id: String,
    /// 金额 (万元), optional.
    pub amount_wan: String,
    /// A need it answers (id), optional.
    pub need_id: String,
    /// An achievement it transfers (id), optional.
    pub achievement_id: String,
}

/// A validated signing. Whether the ids exist is checked by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    /// 项目名称.
    pub title: String,
    /// Enterprise's organisation id.
    pub enterprise_id: String,
    /// Partner's organisation id.
    pub partner_id: String,
    /// Amount.
    pub amount: Option<Money>,
    /// Need.
    pub need_id: Option<String>,
    /// Achievement.
    pub achievement_id: Option<String>,
}

impl SigningInput {
    /// Validates every field; all problems at once.
    pub fn parse(&self) -> Result<Signing, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = crate::org::required_text("title", &self.title, MAX_TITLE)
            .map_err(|x| e.push(x))
            .ok();
        let req = |f: &'static str, v: &str, e: &mut Vec<FieldError>| {
            let t = v.trim();
            if t.is_empty() {
                e.push(FieldError::new(f, "required"));
            }
            t.to_string()
        };
        let enterprise_id = req("enterprise_id", &self.enterprise_id, &mut e);
        let partner_id = req("partner_id", &self.partner_id, &mut e);
        if !enterprise_id.is_empty() && enterprise_id == partner_id {
            e.push(FieldError::new("partner_id", "schedule_self").with("value", &partner_id));
        }
        let amount = if self.amount_wan.trim().is_empty() {
            None
        } else {
            match Money::parse_wan(&self.amount_wan) {
                Ok(m) if m.fen() < 0 => {
                    e.push(
                        FieldError::new("amount_wan", "value_negative")
                            .with("value", self.amount_wan.trim()),
                    );
                    None
                }
                Ok(m) => Some(m),
                Err(_) => {
                    e.push(
                        FieldError::new("amount_wan", "number_invalid")
                            .with("value", self.amount_wan.trim()),
                    );
                    None
                }
            }
        };
        let nz = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        match title {
            Some(title) if e.is_empty() => Ok(Signing {
                title,
                enterprise_id,
                partner_id,
                amount,
                need_id: nz(&self.need_id),
                achievement_id: nz(&self.achievement_id),
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SessionInput {
        SessionInput {
            title: "成渝双城协同·融合创新科技成果对接会".into(),
            date: "2024-06-18".into(),
            start: "09:00".into(),
            slot_minutes: "20".into(),
            slots: "12".into(),
            break_after: "6".into(),
            break_minutes: "20".into(),
            tables: "10".into(),
            default_limit: "6".into(),
            ..SessionInput::default()
        }
    }

    #[test]
    fn a_grid_with_a_break_gives_its_slot_times() {
        let s = input().parse().unwrap();
        assert_eq!(s.slot_label(0), "09:00—09:20");
        assert_eq!(s.slot_label(5), "10:40—11:00");
        assert_eq!(s.slot_label(6), "11:20—11:40");
        assert_eq!(s.slot_label(11), "13:00—13:20");
        assert_eq!(s.to_input().parse().unwrap(), s);
    }

    #[test]
    fn bad_settings_name_each_field() {
        let bad = SessionInput {
            title: String::new(),
            date: "明天".into(),
            start: "25:00".into(),
            slot_minutes: "2".into(),
            slots: "0".into(),
            tables: "x".into(),
            ..SessionInput::default()
        };
        let fields: Vec<String> = bad
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["title", "date", "start", "slot_minutes", "slots", "tables"]
        );
        let late = SessionInput {
            start: "22:00".into(),
            ..input()
        };
        let e = late.parse().unwrap_err();
        assert_eq!(e[0].code, "session_past_midnight");
    }

    #[test]
    fn status_moves_follow_the_ladder() {
        use SessionStatus::*;
        assert_eq!(Draft.move_to(Open).unwrap(), Open);
        assert_eq!(Scheduled.move_to(Held).unwrap(), Held);
        let e = Draft.move_to(Held).unwrap_err();
        assert_eq!(e.code, "session_status_move");
        assert_eq!(e.param("allowed"), Some("报名约见中"));
        assert_eq!(SessionStatus::parse("已排程"), Some(Scheduled));
        assert!(Open.accepts_wishes() && !Scheduled.accepts_wishes());
    }

    #[test]
    fn participant_settings_are_checked_against_the_grid() {
        let s = input().parse().unwrap();
        let ok = ParticipantInput {
            confirmed: true,
            limit: "4".into(),
            away: vec![12, 1, 1],
            ..Default::default()
        }
        .parse(&s)
        .unwrap();
        assert_eq!(ok.away, [0, 11]);
        assert_eq!(ok.limit, Some(4));
        let bad = ParticipantInput {
            limit: "13".into(),
            away: vec![0, 13],
            ..Default::default()
        }
        .parse(&s)
        .unwrap_err();
        let codes: Vec<&str> = bad.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                "session_number_range",
                "schedule_slot_unknown",
                "schedule_slot_unknown"
            ]
        );
    }

    #[test]
    fn wishes_must_name_other_participants() {
        let parts = ["a", "b", "c"];
        assert_eq!(
            check_wishes("a", &["c".into(), "b".into(), "c".into()], &parts).unwrap(),
            ["c", "b"]
        );
        let e = check_wishes("a", &["a".into(), "z".into()], &parts).unwrap_err();
        assert_eq!(e[0].field, "wishes[0]");
        assert_eq!(e[0].code, "schedule_self");
        assert_eq!(e[1].field, "wishes[1]");
        assert_eq!(e[1].code, "schedule_participant_unknown");
    }

    #[test]
    fn a_hand_move_is_refused_when_it_double_books_or_meets_an_absence() {
        let others = [
            Placed {
                a: "x",
                b: "y",
                slot: 0,
                table: 0,
            },
            Placed {
                a: "a",
                b: "z",
                slot: 1,
                table: 1,
            },
        ];
        let mut away = HashMap::new();
        away.insert("b", vec![2]);
        let name = |s: &str| s.to_uppercase();
        // Free place: allowed.
        assert!(check_place(4, 2, &others, &away, &name, "a", "b", 0, 1).is_ok());
        // Table taken.
        let e = check_place(4, 2, &others, &away, &name, "a", "b", 0, 0).unwrap_err();
        assert_eq!(e[0].code, "schedule_table_taken");
        // A double-booked side.
        let e = check_place(4, 2, &others, &away, &name, "a", "b", 1, 0).unwrap_err();
        assert_eq!(e[0].code, "schedule_double_booked");
        assert_eq!(e[0].param("value"), Some("A"));
        // Away.
        let e = check_place(4, 2, &others, &away, &name, "a", "b", 2, 0).unwrap_err();
        assert_eq!(e[0].code, "schedule_away");
        // Outside the grid.
        let e = check_place(4, 2, &others, &away, &name, "a", "b", 4, 2).unwrap_err();
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn signings_take_amounts_in_wan_and_refuse_the_same_party_twice() {
        let s = SigningInput {
            title: "高锰奥氏体钢低温储罐联合研发".into(),
            enterprise_id: "e".into(),
            partner_id: "u".into(),
            amount_wan: "120.5".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(s.amount.unwrap().fen(), 120_500_000);
        let e = SigningInput {
            title: "x".into(),
            enterprise_id: "e".into(),
            partner_id: "e".into(),
            amount_wan: "-1".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let codes: Vec<&str> = e.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["schedule_self", "value_negative"]);
    }
}
