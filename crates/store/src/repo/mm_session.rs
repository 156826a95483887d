//! Special matchmaking sessions (专场对接): the session, its participants and
//! their wishes, the stored schedule, and the outcomes signed there.

use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::money::Money;
use kechuang_core::org::OrgKind;
use kechuang_core::session::{ParticipantSettings, SessionSpec, SessionStatus, Signing};
use sqlx::AssertSqlSafe;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Id.
    pub id: String,
    /// Settings and grid.
    pub spec: SessionSpec,
    /// Status.
    pub status: SessionStatus,
    /// The last scheduler run's figures and unmet pairs (JSON), if any.
    pub schedule_result: Option<String>,
    /// When the scheduler last ran, unix µs.
    pub scheduled_at: Option<i64>,
    /// Unix µs.
    pub updated_at: i64,
}

/// A session in a list, with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    /// The session.
    pub session: SessionRecord,
    /// Invited organisations.
    pub participants: i64,
    /// Stored meetings.
    pub meetings: i64,
    /// Signed outcomes.
    pub signings: i64,
}

/// A participant with its organisation's name and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRecord {
    /// The organisation.
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// Its kind.
    pub org_kind: OrgKind,
    /// Settings.
    pub settings: ParticipantSettings,
}

/// A stored meeting (0-based slot and table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    /// Id.
    pub id: String,
    /// 0-based slot.
    pub slot: u32,
    /// 0-based table.
    pub table: u32,
    /// One side.
    pub a: OrgId,
    /// The other side.
    pub b: OrgId,
    /// Fixed by the organiser.
    pub pinned: bool,
    /// Someone asked for it.
    pub requested: bool,
    /// Both asked.
    pub mutual: bool,
}

/// A stored signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningRecord {
    /// Id.
    pub id: String,
    /// The signing.
    pub signing: Signing,
    /// Enterprise's name.
    pub enterprise_name: String,
    /// Partner's name.
    pub partner_name: String,
    /// Unix µs.
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: String,
    title: String,
    held_on: String,
    venue: Option<String>,
    organiser: Option<String>,
    description: Option<String>,
    start_minute: i32,
    slot_minutes: i32,
    slots: i32,
    break_after: Option<i32>,
    break_minutes: i32,
    tables: i32,
    default_limit: Option<i32>,
    status: String,
    schedule_result: Option<String>,
    scheduled_at: Option<i64>,
    updated_at: i64,
}

fn u(v: i32, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} {v}")))
}

fn i(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl TryFrom<SessionRow> for SessionRecord {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> Result<Self> {
        Ok(SessionRecord {
            spec: SessionSpec {
                title: r.title,
                date: super::parse_date(&r.held_on)?,
                venue: r.venue,
                organiser: r.organiser,
                description: r.description,
                start_minute: u(r.start_minute, "start_minute")?,
                slot_minutes: u(r.slot_minutes, "slot_minutes")?,
                slots: u(r.slots, "slots")?,
                break_after: r.break_after.map(|b| u(b, "break_after")).transpose()?,
                break_minutes: u(r.break_minutes, "break_minutes")?,
                tables: u(r.tables, "tables")?,
                default_limit: r.default_limit.map(|b| u(b, "default_limit")).transpose()?,
            },
            status: SessionStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("session status {}", r.status)))?,
            schedule_result: r.schedule_result,
            scheduled_at: r.scheduled_at,
            updated_at: r.updated_at,
            id: r.session_id,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ParticipantRow {
    organisation_id: String,
    name: String,
    kind: String,
    confirmed: bool,
    meeting_limit: Option<i32>,
    away: String,
    need_id: Option<String>,
    achievement_id: Option<String>,
}

impl TryFrom<ParticipantRow> for ParticipantRecord {
    type Error = StoreError;
    fn try_from(r: ParticipantRow) -> Result<Self> {
        let away: Vec<u32> = serde_json::from_str(&r.away)
            .map_err(|e| StoreError::Corrupt(format!("participant away: {e}")))?;
        Ok(ParticipantRecord {
            org_kind: OrgKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("org kind {}", r.kind)))?,
            org_id: OrgId(r.organisation_id),
            org_name: r.name,
            settings: ParticipantSettings {
                confirmed: r.confirmed,
                limit: r.meeting_limit.map(|l| u(l, "limit")).transpose()?,
                away,
                need_id: r.need_id,
                achievement_id: r.achievement_id,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    meeting_id: String,
    slot: i32,
    table_no: i32,
    org_a: String,
    org_b: String,
    pinned: bool,
    requested: bool,
    mutual: bool,
}

impl TryFrom<MeetingRow> for MeetingRecord {
    type Error = StoreError;
    fn try_from(r: MeetingRow) -> Result<Self> {
        Ok(MeetingRecord {
            id: r.meeting_id,
            slot: u(r.slot, "slot")?,
            table: u(r.table_no, "table")?,
            a: OrgId(r.org_a),
            b: OrgId(r.org_b),
            pinned: r.pinned,
            requested: r.requested,
            mutual: r.mutual,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SigningRow {
    signing_id: String,
    title: String,
    enterprise_id: String,
    partner_id: String,
    amount_fen: Option<i64>,
    need_id: Option<String>,
    achievement_id: Option<String>,
    enterprise_name: String,
    partner_name: String,
    created_at: i64,
}

const SESSION_COLS: &str = "s.session_id, s.title, s.held_on, s.venue, s.organiser, s.description, s.start_minute, \
    s.slot_minutes, s.slots, s.break_after, s.break_minutes, s.tables, s.default_limit, s.status, s.schedule_result, \
    s.scheduled_at, s.updated_at";

fn rows_or_not_found(n: u64) -> Result<()> {
    if n == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

impl Db {
    /// Stores a new session.
    pub async fn insert_mm_session(
        &mut self,
        id: &str,
        s: &SessionSpec,
        status: SessionStatus,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO mm_session (session_id, title, held_on, venue, organiser, description, start_minute, \
                 slot_minutes, slots, break_after, break_minutes, tables, default_limit, status, created_at, updated_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)",
            )
            .bind(id)
            .bind(&s.title)
            .bind(to_iso(s.date))
            .bind(&s.venue)
            .bind(&s.organiser)
            .bind(&s.description)
            .bind(i(s.start_minute))
            .bind(i(s.slot_minutes))
            .bind(i(s.slots))
            .bind(s.break_after.map(i))
            .bind(i(s.break_minutes))
            .bind(i(s.tables))
            .bind(s.default_limit.map(i))
            .bind(status.code())
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Replaces a session's settings.
    pub async fn update_mm_session(&mut self, id: &str, s: &SessionSpec, now: i64) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE mm_session SET title = $2, held_on = $3, venue = $4, organiser = $5, description = $6, \
                 start_minute = $7, slot_minutes = $8, slots = $9, break_after = $10, break_minutes = $11, tables = $12, \
                 default_limit = $13, updated_at = $14 WHERE session_id = $1",
            )
            .bind(id)
            .bind(&s.title)
            .bind(to_iso(s.date))
            .bind(&s.venue)
            .bind(&s.organiser)
            .bind(&s.description)
            .bind(i(s.start_minute))
            .bind(i(s.slot_minutes))
            .bind(i(s.slots))
            .bind(s.break_after.map(i))
            .bind(i(s.break_minutes))
            .bind(i(s.tables))
            .bind(s.default_limit.map(i))
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        rows_or_not_found(n)
    }

    /// Sets a session's status.
    pub async fn set_mm_session_status(
        &mut self,
        id: &str,
        status: SessionStatus,
        now: i64,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE mm_session SET status = $2, updated_at = $3 WHERE session_id = $1")
                .bind(id)
                .bind(status.code())
                .bind(now)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        rows_or_not_found(n)
    }

    /// One session.
    pub async fn mm_session(&mut self, id: &str) -> Result<Option<SessionRecord>> {
        let r: Option<SessionRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {SESSION_COLS} FROM mm_session s WHERE s.session_id = $1"
            )))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?;
        r.map(SessionRecord::try_from).transpose()
    }

    /// Sessions, latest date first, with their counts; only those `org` takes
    /// part in when given.
    pub async fn mm_sessions(&mut self, org: Option<&OrgId>) -> Result<Vec<SessionSummary>> {
        let cond = if org.is_some() {
            "WHERE EXISTS (SELECT 1 FROM mm_participant p WHERE p.session_id = s.session_id AND p.organisation_id = $1)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {SESSION_COLS}, \
             (SELECT COUNT(*) FROM mm_participant p WHERE p.session_id = s.session_id) AS n_participants, \
             (SELECT COUNT(*) FROM mm_meeting m WHERE m.session_id = s.session_id) AS n_meetings, \
             (SELECT COUNT(*) FROM mm_signing g WHERE g.session_id = s.session_id) AS n_signings \
             FROM mm_session s {cond} ORDER BY s.held_on DESC, s.session_id"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            s: SessionRow,
            n_participants: i64,
            n_meetings: i64,
            n_signings: i64,
        }
        let rows: Vec<Row> = with_conn!(self, c => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.clone()));
            if let Some(o) = org {
                q = q.bind(o.as_str());
            }
            q.fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(SessionSummary {
                    session: r.s.try_into()?,
                    participants: r.n_participants,
                    meetings: r.n_meetings,
                    signings: r.n_signings,
                })
            })
            .collect()
    }

    /// Invites an organisation; already invited is a no-op. Returns whether it
    /// was new.
    pub async fn invite_mm_participant(
        &mut self,
        session: &str,
        org: &OrgId,
        now: i64,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO mm_participant (session_id, organisation_id, confirmed, meeting_limit, away, need_id, \
                 achievement_id, invited_at, updated_at) VALUES ($1, $2, FALSE, NULL, '[]', NULL, NULL, $3, $3) \
                 ON CONFLICT (session_id, organisation_id) DO NOTHING",
            )
            .bind(session)
            .bind(org.as_str())
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Replaces a participant's settings.
    pub async fn update_mm_participant(
        &mut self,
        session: &str,
        org: &OrgId,
        p: &ParticipantSettings,
        now: i64,
    ) -> Result<()> {
        let away = serde_json::to_string(&p.away).unwrap_or_else(|_| "[]".into());
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE mm_participant SET confirmed = $3, meeting_limit = $4, away = $5, need_id = $6, \
                 achievement_id = $7, updated_at = $8 WHERE session_id = $1 AND organisation_id = $2",
            )
            .bind(session)
            .bind(org.as_str())
            .bind(p.confirmed)
            .bind(p.limit.map(i))
            .bind(&away)
            .bind(&p.need_id)
            .bind(&p.achievement_id)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        rows_or_not_found(n)
    }

    /// A session's participants, by name.
    pub async fn mm_participants(&mut self, session: &str) -> Result<Vec<ParticipantRecord>> {
        let rows: Vec<ParticipantRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT p.organisation_id, o.name, o.kind, p.confirmed, p.meeting_limit, p.away, p.need_id, p.achievement_id \
                 FROM mm_participant p JOIN organisation o ON o.organisation_id = p.organisation_id \
                 WHERE p.session_id = $1 ORDER BY o.name, p.organisation_id",
            )
            .bind(session)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Replaces one participant's wishes (in order of preference).
    pub async fn set_mm_wishes(
        &mut self,
        session: &str,
        org: &OrgId,
        targets: &[String],
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("DELETE FROM mm_wish WHERE session_id = $1 AND organisation_id = $2")
                .bind(session)
                .bind(org.as_str())
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        for (rank, t) in targets.iter().enumerate() {
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO mm_wish (session_id, organisation_id, wish_rank, target_id) VALUES ($1, $2, $3, $4)",
                )
                .bind(session)
                .bind(org.as_str())
                .bind(i32::try_from(rank).unwrap_or(i32::MAX))
                .bind(t)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Every wish of a session as `(from, to)`, each participant's in order.
    pub async fn mm_wishes(&mut self, session: &str) -> Result<Vec<(OrgId, OrgId)>> {
        let rows: Vec<(String, String)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT organisation_id, target_id FROM mm_wish WHERE session_id = $1 \
                 ORDER BY organisation_id, wish_rank",
            )
            .bind(session)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(a, b)| (OrgId(a), OrgId(b)))
            .collect())
    }

    /// Replaces a session's schedule: every meeting and the run's result.
    pub async fn replace_mm_schedule(
        &mut self,
        session: &str,
        meetings: &[MeetingRecord],
        result: &str,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("DELETE FROM mm_meeting WHERE session_id = $1")
                .bind(session)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        for m in meetings {
            self.insert_mm_meeting(session, m).await?;
        }
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE mm_session SET schedule_result = $2, scheduled_at = $3, updated_at = $3 WHERE session_id = $1",
            )
            .bind(session)
            .bind(result)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        rows_or_not_found(n)
    }

    /// Adds one meeting.
    pub async fn insert_mm_meeting(&mut self, session: &str, m: &MeetingRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO mm_meeting (meeting_id, session_id, slot, table_no, org_a, org_b, pinned, requested, mutual) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&m.id)
            .bind(session)
            .bind(i(m.slot))
            .bind(i(m.table))
            .bind(m.a.as_str())
            .bind(m.b.as_str())
            .bind(m.pinned)
            .bind(m.requested)
            .bind(m.mutual)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Moves a meeting and sets its pin.
    pub async fn place_mm_meeting(
        &mut self,
        session: &str,
        id: &str,
        slot: u32,
        table: u32,
        pinned: bool,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE mm_meeting SET slot = $3, table_no = $4, pinned = $5 WHERE session_id = $1 AND meeting_id = $2",
            )
            .bind(session)
            .bind(id)
            .bind(i(slot))
            .bind(i(table))
            .bind(pinned)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        rows_or_not_found(n)
    }

    /// Removes a meeting.
    pub async fn delete_mm_meeting(&mut self, session: &str, id: &str) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("DELETE FROM mm_meeting WHERE session_id = $1 AND meeting_id = $2")
                .bind(session)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        rows_or_not_found(n)
    }

    /// A session's meetings, by slot and table.
    pub async fn mm_meetings(&mut self, session: &str) -> Result<Vec<MeetingRecord>> {
        let rows: Vec<MeetingRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT meeting_id, slot, table_no, org_a, org_b, pinned, requested, mutual FROM mm_meeting \
                 WHERE session_id = $1 ORDER BY slot, table_no",
            )
            .bind(session)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Records a signed outcome.
    pub async fn insert_mm_signing(
        &mut self,
        id: &str,
        session: &str,
        s: &Signing,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO mm_signing (signing_id, session_id, title, enterprise_id, partner_id, amount_fen, need_id, \
                 achievement_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(session)
            .bind(&s.title)
            .bind(&s.enterprise_id)
            .bind(&s.partner_id)
            .bind(s.amount.map(Money::fen))
            .bind(&s.need_id)
            .bind(&s.achievement_id)
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A session's signings, in the order recorded.
    pub async fn mm_signings(&mut self, session: &str) -> Result<Vec<SigningRecord>> {
        let rows: Vec<SigningRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT g.signing_id, g.title, g.enterprise_id, g.partner_id, g.amount_fen, g.need_id, g.achievement_id, \
                 e.name AS enterprise_name, p.name AS partner_name, g.created_at FROM mm_signing g \
                 JOIN organisation e ON e.organisation_id = g.enterprise_id \
                 JOIN organisation p ON p.organisation_id = g.partner_id \
                 WHERE g.session_id = $1 ORDER BY g.created_at, g.signing_id",
            )
            .bind(session)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| SigningRecord {
                id: r.signing_id,
                signing: Signing {
                    title: r.title,
                    enterprise_id: r.enterprise_id,
                    partner_id: r.partner_id,
                    amount: r.amount_fen.map(Money::from_fen),
                    need_id: r.need_id,
                    achievement_id: r.achievement_id,
                },
                enterprise_name: r.enterprise_name,
                partner_name: r.partner_name,
                created_at: r.created_at,
            })
            .collect())
    }
}
