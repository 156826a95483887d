//! Notifications: the consumers' cursors on the event log, the per-user list,
//! preferences and addresses, the e-mail outbox, and the "needs attention"
//! counts of the role home pages.

use crate::{Db, Result, StoreError, with_conn};
use sqlx::AssertSqlSafe;

/// One stored notification.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct NotificationRow {
    /// Id.
    pub notification_id: String,
    /// The recipient.
    pub user_id: String,
    /// Kind code (`kechuang_core::notify::Kind`).
    pub kind: String,
    /// zh-CN title.
    pub title: String,
    /// zh-CN text.
    pub body: String,
    /// Where it is handled (a path of the site).
    pub link: String,
    /// The event it came from.
    pub event_seq: i64,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs, when read.
    pub read_at: Option<i64>,
}

/// A notification to store.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    /// Id.
    pub id: &'a str,
    /// Recipient.
    pub user_id: &'a str,
    /// Kind code.
    pub kind: &'a str,
    /// Title.
    pub title: &'a str,
    /// Text.
    pub body: &'a str,
    /// Link.
    pub link: &'a str,
    /// Source event.
    pub event_seq: i64,
    /// Unique key: the same event, recipient and reason never notify twice.
    pub dedup: &'a str,
    /// Unix µs.
    pub now: i64,
}

/// One mail of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct MailRow {
    /// Id (also the Message-ID's local part).
    pub mail_id: String,
    /// Recipient address.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// `queued`, `sending` or `sent`.
    pub status: String,
    /// Failed attempts so far.
    pub attempts: i32,
    /// Unix µs.
    pub next_attempt_at: i64,
    /// The last failure.
    pub last_error: Option<String>,
}

/// Someone a notification may go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Account id.
    pub user_id: String,
    /// Role code.
    pub role: String,
    /// Towns a bureau account is limited to.
    pub towns: Option<Vec<String>>,
}

#[derive(sqlx::FromRow)]
struct RecipientRow {
    user_id: String,
    role: String,
    towns: Option<String>,
}

impl TryFrom<RecipientRow> for Recipient {
    type Error = StoreError;
    fn try_from(r: RecipientRow) -> Result<Self> {
        let towns = r
            .towns
            .map(|t| serde_json::from_str::<Vec<String>>(&t))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("towns: {e}")))?;
        Ok(Recipient {
            user_id: r.user_id,
            role: r.role,
            towns,
        })
    }
}

/// Outbox totals by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxCounts {
    /// Waiting (including retries).
    pub queued: i64,
    /// Claimed by a worker.
    pub sending: i64,
    /// Delivered to the SMTP server.
    pub sent: i64,
}

const NOTE_COLUMNS: &str =
    "notification_id, user_id, kind, title, body, link, event_seq, created_at, read_at";
const MAIL_COLUMNS: &str =
    "mail_id, to_addr, subject, body, status, attempts, next_attempt_at, last_error";

impl Db {
    /// Creates a consumer's cursor at `start` unless it exists.
    pub async fn ensure_notify_cursor(
        &mut self,
        consumer: &str,
        start: i64,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("INSERT INTO notify_cursor (consumer, seq, updated_at) VALUES ($1, $2, $3) ON CONFLICT (consumer) DO NOTHING")
                .bind(consumer).bind(start).bind(now).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A consumer's cursor, locked for this transaction (other instances wait, so
    /// each event is consumed once); `None` when the consumer has no cursor.
    pub async fn lock_notify_cursor(&mut self, consumer: &str) -> Result<Option<i64>> {
        let sql = format!(
            "SELECT seq FROM notify_cursor WHERE consumer = $1{}",
            self.backend().dialect().lock_row
        );
        let r: Option<(i64,)> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql.clone())).bind(consumer).fetch_optional(&mut *c).await
        })?;
        Ok(r.map(|r| r.0))
    }

    /// Moves a consumer's cursor.
    pub async fn set_notify_cursor(&mut self, consumer: &str, seq: i64, now: i64) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("UPDATE notify_cursor SET seq = $2, updated_at = $3 WHERE consumer = $1")
                .bind(consumer).bind(seq).bind(now).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Stores a notification; `false` when its dedup key was already there.
    pub async fn insert_notification(&mut self, n: &NewNotification<'_>) -> Result<bool> {
        let r = with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO notification (notification_id, user_id, kind, title, body, link, event_seq, dedup, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedup) DO NOTHING",
            )
            .bind(n.id).bind(n.user_id).bind(n.kind).bind(n.title).bind(n.body).bind(n.link)
            .bind(n.event_seq).bind(n.dedup).bind(n.now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    /// A user's notifications, newest first.
    pub async fn notifications(
        &mut self,
        user_id: &str,
        unread_only: bool,
        limit: i64,
    ) -> Result<Vec<NotificationRow>> {
        let filter = if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {NOTE_COLUMNS} FROM notification WHERE user_id = $1{filter} ORDER BY created_at DESC, notification_id DESC LIMIT $2"
        );
        Ok(with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql.clone())).bind(user_id).bind(limit).fetch_all(&mut *c).await
        })?)
    }

    /// How many of a user's notifications are unread.
    pub async fn unread_notifications(&mut self, user_id: &str) -> Result<i64> {
        let r: (i64,) = with_conn!(self, c => {
            sqlx::query_as("SELECT COUNT(*) FROM notification WHERE user_id = $1 AND read_at IS NULL")
                .bind(user_id).fetch_one(&mut *c).await
        })?;
        Ok(r.0)
    }

    /// Marks one (or, with `None`, every) unread notification of a user read;
    /// returns how many changed.
    pub async fn mark_notifications_read(
        &mut self,
        user_id: &str,
        id: Option<&str>,
        now: i64,
    ) -> Result<u64> {
        Ok(with_conn!(self, c => {
            sqlx::query(
                "UPDATE notification SET read_at = $3 WHERE user_id = $1 AND read_at IS NULL \
                 AND ($2 IS NULL OR notification_id = $2)",
            )
            .bind(user_id).bind(id).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?)
    }

    /// A user's chosen channels: `(kind, channel)` codes.
    pub async fn notify_prefs(&mut self, user_id: &str) -> Result<Vec<(String, String)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as("SELECT kind, channel FROM notify_pref WHERE user_id = $1 ORDER BY kind")
                .bind(user_id).fetch_all(&mut *c).await
        })?)
    }

    /// Sets a user's channel for a kind.
    pub async fn set_notify_pref(
        &mut self,
        user_id: &str,
        kind: &str,
        channel: &str,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO notify_pref (user_id, kind, channel, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, kind) DO UPDATE SET channel = $3, updated_at = $4",
            )
            .bind(user_id).bind(kind).bind(channel).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A user's notification e-mail address.
    pub async fn notify_email(&mut self, user_id: &str) -> Result<Option<String>> {
        let r: Option<(String,)> = with_conn!(self, c => {
            sqlx::query_as("SELECT email FROM notify_address WHERE user_id = $1").bind(user_id).fetch_optional(&mut *c).await
        })?;
        Ok(r.map(|r| r.0))
    }

    /// Sets (or with `None` clears) a user's notification e-mail address.
    pub async fn set_notify_email(
        &mut self,
        user_id: &str,
        email: Option<&str>,
        now: i64,
    ) -> Result<()> {
        match email {
            Some(e) => with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO notify_address (user_id, email, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (user_id) DO UPDATE SET email = $2, updated_at = $3",
                )
                .bind(user_id).bind(e).bind(now)
                .execute(&mut *c).await.map(|r| r.rows_affected())
            })?,
            None => with_conn!(self, c => {
                sqlx::query("DELETE FROM notify_address WHERE user_id = $1")
                    .bind(user_id).execute(&mut *c).await.map(|r| r.rows_affected())
            })?,
        };
        Ok(())
    }

    /// Active accounts of an organisation.
    pub async fn org_recipients(&mut self, org_id: &str) -> Result<Vec<Recipient>> {
        let rows: Vec<RecipientRow> = with_conn!(self, c => {
            sqlx::query_as("SELECT user_id, role, towns FROM app_user WHERE organisation_id = $1 AND active ORDER BY user_id")
                .bind(org_id).fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(Recipient::try_from).collect()
    }

    /// Active bureau accounts (with their towns, for scoping).
    pub async fn bureau_recipients(&mut self) -> Result<Vec<Recipient>> {
        let rows: Vec<RecipientRow> = with_conn!(self, c => {
            sqlx::query_as("SELECT user_id, role, towns FROM app_user WHERE role IN ('bureau_admin', 'bureau_reviewer') AND active ORDER BY user_id")
                .fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(Recipient::try_from).collect()
    }

    /// The organisations taking part in a matchmaking session.
    pub async fn session_participant_orgs(&mut self, session_id: &str) -> Result<Vec<String>> {
        let r: Vec<(String,)> = with_conn!(self, c => {
            sqlx::query_as("SELECT organisation_id FROM mm_participant WHERE session_id = $1 ORDER BY organisation_id")
                .bind(session_id).fetch_all(&mut *c).await
        })?;
        Ok(r.into_iter().map(|r| r.0).collect())
    }

    /// The portal's figures: `(label code, count)`.
    pub async fn portal_counts(&mut self) -> Result<Vec<(&'static str, i64)>> {
        const Q: [(&str, &str); 9] = [
            (
                "enterprises",
                "SELECT COUNT(*) FROM organisation WHERE kind = 'enterprise'",
            ),
            (
                "policies",
                "SELECT COUNT(*) FROM policy WHERE status = 'published'",
            ),
            ("needs", "SELECT COUNT(*) FROM need WHERE status = 'open'"),
            ("achievements", "SELECT COUNT(*) FROM achievement"),
            ("experts", "SELECT COUNT(*) FROM expert"),
            ("platforms", "SELECT COUNT(*) FROM platform"),
            (
                "calls",
                "SELECT COUNT(*) FROM challenge_call WHERE stage = 'published'",
            ),
            ("talents", "SELECT COUNT(*) FROM talent_record"),
            (
                "talent_demands",
                "SELECT COUNT(*) FROM talent_demand WHERE status = 'open'",
            ),
        ];
        let mut out = Vec::with_capacity(Q.len());
        for (k, sql) in Q {
            let r: (i64,) = with_conn!(self, c => {
                sqlx::query_as(AssertSqlSafe(sql.to_string())).fetch_one(&mut *c).await
            })?;
            out.push((k, r.0));
        }
        Ok(out)
    }

    /// The newest public records of one portal section: `(id, title, date)`.
    /// `what` is `policies`, `needs`, `calls` or `talent_demands`.
    pub async fn portal_latest(
        &mut self,
        what: &str,
        limit: i64,
    ) -> Result<Vec<(String, String, String)>> {
        let sql = match what {
            "policies" => {
                "SELECT policy_id, title, COALESCE(published_on, '') FROM policy WHERE status = 'published' ORDER BY published_on DESC, policy_id LIMIT $1"
            }
            "needs" => {
                "SELECT need_id, title, COALESCE(deadline, '') FROM need WHERE status = 'open' ORDER BY created_at DESC, need_id LIMIT $1"
            }
            "calls" => {
                "SELECT call_id, title, closes FROM challenge_call WHERE stage = 'published' ORDER BY closes, call_id LIMIT $1"
            }
            "talent_demands" => {
                "SELECT demand_id, title, posted_on FROM talent_demand WHERE status = 'open' ORDER BY posted_on DESC, demand_id LIMIT $1"
            }
            _ => return Ok(Vec::new()),
        };
        Ok(with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql.to_string())).bind(limit).fetch_all(&mut *c).await
        })?)
    }

    /// The applicant of a subsidy application.
    pub async fn subsidy_application_org(&mut self, id: &str) -> Result<Option<String>> {
        let r: Option<(String,)> = with_conn!(self, c => {
            sqlx::query_as("SELECT organisation_id FROM subsidy_application WHERE application_id = $1")
                .bind(id).fetch_optional(&mut *c).await
        })?;
        Ok(r.map(|r| r.0))
    }

    /// Queues a mail (in the caller's transaction).
    pub async fn enqueue_mail(
        &mut self,
        mail_id: &str,
        notification_id: Option<&str>,
        to: &str,
        subject: &str,
        body: &str,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO mail_outbox (mail_id, notification_id, to_addr, subject, body, status, attempts, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $6)",
            )
            .bind(mail_id).bind(notification_id).bind(to).bind(subject).bind(body).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Claims up to `limit` due mails for one worker (in the caller's
    /// transaction): queued ones whose time has come, and ones whose claim lapsed
    /// (a worker that died mid-send). On PostgreSQL rows another worker is
    /// claiming are skipped, not waited for.
    pub async fn claim_mail(
        &mut self,
        now: i64,
        lease_until: i64,
        token: &str,
        limit: i64,
    ) -> Result<Vec<MailRow>> {
        let sql = format!(
            "SELECT {MAIL_COLUMNS} FROM mail_outbox \
             WHERE (status = 'queued' AND next_attempt_at <= $1) OR (status = 'sending' AND claimed_until < $1) \
             ORDER BY next_attempt_at, mail_id LIMIT $2{}",
            self.backend().dialect().claim_rows
        );
        let rows: Vec<MailRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql.clone())).bind(now).bind(limit).fetch_all(&mut *c).await
        })?;
        for r in &rows {
            with_conn!(self, c => {
                sqlx::query("UPDATE mail_outbox SET status = 'sending', claim_token = $2, claimed_until = $3 WHERE mail_id = $1")
                    .bind(&r.mail_id).bind(token).bind(lease_until)
                    .execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(rows)
    }

    /// Records a delivery; `false` when the claim was no longer this worker's.
    pub async fn mail_sent(&mut self, mail_id: &str, token: &str, now: i64) -> Result<bool> {
        let r = with_conn!(self, c => {
            sqlx::query(
                "UPDATE mail_outbox SET status = 'sent', sent_at = $3, claimed_until = NULL, last_error = NULL \
                 WHERE mail_id = $1 AND claim_token = $2 AND status = 'sending'",
            )
            .bind(mail_id).bind(token).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    /// Records a failed attempt and when to try again.
    pub async fn mail_failed(
        &mut self,
        mail_id: &str,
        token: &str,
        next_attempt_at: i64,
        error: &str,
    ) -> Result<bool> {
        let r = with_conn!(self, c => {
            sqlx::query(
                "UPDATE mail_outbox SET status = 'queued', attempts = attempts + 1, next_attempt_at = $3, \
                 last_error = $4, claim_token = NULL, claimed_until = NULL \
                 WHERE mail_id = $1 AND claim_token = $2 AND status = 'sending'",
            )
            .bind(mail_id).bind(token).bind(next_attempt_at).bind(error)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    /// Makes a queued mail due now (tests and the operator's "retry now").
    pub async fn retry_mail_now(&mut self, mail_id: &str, now: i64) -> Result<bool> {
        let r = with_conn!(self, c => {
            sqlx::query("UPDATE mail_outbox SET next_attempt_at = $2 WHERE mail_id = $1 AND status = 'queued'")
                .bind(mail_id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(r == 1)
    }

    /// The outbox's totals.
    pub async fn outbox_counts(&mut self) -> Result<OutboxCounts> {
        let rows: Vec<(String, i64)> = with_conn!(self, c => {
            sqlx::query_as("SELECT status, COUNT(*) FROM mail_outbox GROUP BY status").fetch_all(&mut *c).await
        })?;
        let mut out = OutboxCounts::default();
        for (s, n) in rows {
            match s.as_str() {
                "queued" => out.queued = n,
                "sending" => out.sending = n,
                _ => out.sent = n,
            }
        }
        Ok(out)
    }

    /// Mails of the outbox, oldest first (for the operator and tests).
    pub async fn outbox(&mut self, limit: i64) -> Result<Vec<MailRow>> {
        let sql =
            format!("SELECT {MAIL_COLUMNS} FROM mail_outbox ORDER BY created_at, mail_id LIMIT $1");
        Ok(with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(sql.clone())).bind(limit).fetch_all(&mut *c).await
        })?)
    }

    /// A count from one of the attention queries of [`Attention`], for the
    /// organisation `org_id`; `today` and `until` are ISO dates (the window of
    /// "expiring soon").
    pub async fn attention_count(
        &mut self,
        q: Attention,
        org_id: &str,
        today: &str,
        until: &str,
    ) -> Result<i64> {
        let (sql, dates) = q.sql();
        let r: (i64,) = with_conn!(self, c => {
            let mut query = sqlx::query_as(AssertSqlSafe(sql.to_string())).bind(org_id);
            if dates >= 1 {
                query = query.bind(today);
            }
            if dates >= 2 {
                query = query.bind(until);
            }
            query.fetch_one(&mut *c).await
        })?;
        Ok(r.0)
    }

    /// A bureau count over the whole district or some towns (`towns` empty = all).
    pub async fn bureau_attention_count(
        &mut self,
        q: BureauAttention,
        towns: &[String],
        today: &str,
        until: &str,
    ) -> Result<i64> {
        let (sql, dates) = q.sql();
        let scope = if towns.is_empty() {
            String::new()
        } else {
            format!(
                " AND o.town IN ({})",
                super::placeholders(1 + dates, towns.len())
            )
        };
        let sql = sql.replace("{scope}", &scope);
        let r: (i64,) = with_conn!(self, c => {
            let mut query = sqlx::query_as(AssertSqlSafe(sql.clone()));
            if dates >= 1 {
                query = query.bind(today);
            }
            if dates >= 2 {
                query = query.bind(until);
            }
            for t in towns {
                query = query.bind(t);
            }
            query.fetch_one(&mut *c).await
        })?;
        Ok(r.0)
    }
}

/// What an organisation's home page counts (each bound to the organisation id,
/// some to today's and a window's end ISO dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    /// Filings saved but not submitted.
    FilingDrafts,
    /// Filings returned for correction.
    FilingReturned,
    /// Subsidy applications in progress (offered to submitted…approved).
    SubsidyOpen,
    /// Subsidy offers (免申即享) waiting for the enterprise's confirmation.
    SubsidyOffered,
    /// Expressions of interest received and not answered.
    InterestsReceived,
    /// Expressions of interest sent and waiting.
    InterestsSent,
    /// Meetings at matchmaking sessions from today on.
    MeetingsAhead,
    /// 揭榜挂帅 projects under way (milestones to report).
    ProjectsUnderWay,
    /// Qualifications expiring in the window.
    QualificationsExpiring,
    /// Loans past their end date and not repaid (the borrower).
    LoansOverdue,
    /// Loans past their end date and not repaid (the lending bank).
    BankLoansOverdue,
    /// Consents granted to a bank with no decision yet.
    BankToDecide,
    /// The bank's loans not yet repaid (to follow up before they fall due).
    BankLoansOutstanding,
}

impl Attention {
    /// The statement and how many dates it binds after the organisation.
    fn sql(self) -> (&'static str, usize) {
        match self {
            Attention::FilingDrafts => (
                "SELECT COUNT(*) FROM filing WHERE organisation_id = $1 AND status = 'draft' \
                 AND version = (SELECT MAX(f2.version) FROM filing f2 WHERE f2.organisation_id = filing.organisation_id AND f2.period = filing.period)",
                0,
            ),
            Attention::FilingReturned => (
                "SELECT COUNT(*) FROM filing WHERE organisation_id = $1 AND status = 'returned' \
                 AND version = (SELECT MAX(f2.version) FROM filing f2 WHERE f2.organisation_id = filing.organisation_id AND f2.period = filing.period)",
                0,
            ),
            Attention::SubsidyOpen => (
                "SELECT COUNT(*) FROM subsidy_application WHERE organisation_id = $1 \
                 AND stage IN ('submitted', 'accepted', 'first_reviewed', 'joint_reviewed', 'publicized', 'approved')",
                0,
            ),
            Attention::SubsidyOffered => (
                "SELECT COUNT(*) FROM subsidy_application WHERE organisation_id = $1 AND stage = 'offered'",
                0,
            ),
            Attention::InterestsReceived => (
                "SELECT COUNT(*) FROM interest WHERE to_org_id = $1 AND status = 'open'",
                0,
            ),
            Attention::InterestsSent => (
                "SELECT COUNT(*) FROM interest WHERE from_org_id = $1 AND status = 'open'",
                0,
            ),
            Attention::MeetingsAhead => (
                "SELECT COUNT(*) FROM mm_meeting m JOIN mm_session s ON s.session_id = m.session_id \
                 WHERE (m.org_a = $1 OR m.org_b = $1) AND s.held_on >= $2",
                1,
            ),
            Attention::ProjectsUnderWay => (
                "SELECT COUNT(*) FROM challenge_project WHERE organisation_id = $1 AND stage NOT IN ('accepted', 'failed', 'terminated', 'closed')",
                0,
            ),
            Attention::QualificationsExpiring => (
                "SELECT COUNT(*) FROM qualification WHERE organisation_id = $1 AND valid_until IS NOT NULL \
                 AND valid_until >= $2 AND valid_until <= $3",
                2,
            ),
            Attention::LoansOverdue => (
                "SELECT COUNT(*) FROM loan WHERE organisation_id = $1 AND end_on < $2 AND repaid_fen < amount_fen AND NOT compensated",
                1,
            ),
            Attention::BankLoansOverdue => (
                "SELECT COUNT(*) FROM loan WHERE bank_id = $1 AND end_on < $2 AND repaid_fen < amount_fen AND NOT compensated",
                1,
            ),
            Attention::BankLoansOutstanding => (
                "SELECT COUNT(*) FROM loan WHERE bank_id = $1 AND end_on >= $2 AND repaid_fen < amount_fen AND NOT compensated",
                1,
            ),
            Attention::BankToDecide => (
                "SELECT COUNT(*) FROM credit_consent cc WHERE cc.bank_id = $1 AND cc.revoked_at IS NULL \
                 AND NOT EXISTS (SELECT 1 FROM credit_decision d WHERE d.bank_id = cc.bank_id \
                 AND d.organisation_id = cc.organisation_id AND d.decided_at >= cc.granted_at)",
                0,
            ),
        }
    }
}

/// What a bureau home page counts, scoped to towns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BureauAttention {
    /// Filings submitted and waiting for review.
    FilingsToReview,
    /// Subsidy applications waiting for a bureau step.
    SubsidiesToReview,
    /// Technology contracts submitted and waiting.
    ContractsToReview,
    /// 揭榜挂帅 objections not yet ruled on.
    Objections,
    /// Qualifications expiring in the window.
    QualificationsExpiring,
}

impl BureauAttention {
    /// The statement (`{scope}` becomes the town filter) and how many dates it binds.
    fn sql(self) -> (&'static str, usize) {
        match self {
            BureauAttention::FilingsToReview => (
                "SELECT COUNT(*) FROM filing f JOIN organisation o ON o.organisation_id = f.organisation_id \
                 WHERE f.status = 'submitted'{scope}",
                0,
            ),
            BureauAttention::SubsidiesToReview => (
                "SELECT COUNT(*) FROM subsidy_application a JOIN organisation o ON o.organisation_id = a.organisation_id \
                 WHERE a.stage IN ('submitted', 'accepted', 'first_reviewed', 'joint_reviewed'){scope}",
                0,
            ),
            BureauAttention::ContractsToReview => (
                "SELECT COUNT(*) FROM contract c JOIN organisation o ON o.organisation_id = c.seller_org_id \
                 WHERE c.status IN ('submitted', 'accepted'){scope}",
                0,
            ),
            BureauAttention::Objections => (
                "SELECT COUNT(*) FROM challenge_objection j JOIN challenge_call c ON c.call_id = j.call_id \
                 LEFT JOIN organisation o ON o.organisation_id = c.issuer_org_id \
                 WHERE j.outcome = 'open'{scope}",
                0,
            ),
            BureauAttention::QualificationsExpiring => (
                "SELECT COUNT(*) FROM qualification q JOIN organisation o ON o.organisation_id = q.organisation_id \
                 WHERE q.valid_until IS NOT NULL AND q.valid_until >= $1 AND q.valid_until <= $2{scope}",
                2,
            ),
        }
    }
}
