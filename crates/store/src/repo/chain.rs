//! Daily matching and the outcome chain: feedback on matches, expressions of
//! interest, talks threads and their messages, collaborations and their stages.

use super::parse_date;
use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::chain::{InterestStatus, Mediation, Source, Stage, TargetKind};
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::money::Money;
use sqlx::AssertSqlSafe;

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {v}"))
}

/// Votes on one candidate of a need's matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackCount {
    /// `achievement` or `expert`.
    pub candidate_kind: String,
    /// The candidate's id.
    pub candidate_id: String,
    /// 有用 votes.
    pub useful: i64,
    /// 没用 votes.
    pub not_useful: i64,
}

/// A stored expression of interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestRecord {
    /// Id.
    pub id: String,
    /// What it is about.
    pub target_kind: TargetKind,
    /// The record's id.
    pub target_id: String,
    /// The record's title (or the expert's name) when it was sent.
    pub target_title: String,
    /// Sender.
    pub from_org_id: OrgId,
    /// Sender's name.
    pub from_org_name: String,
    /// The record's owner.
    pub to_org_id: OrgId,
    /// Owner's name.
    pub to_org_name: String,
    /// The sender's message.
    pub message: String,
    /// Status.
    pub status: InterestStatus,
    /// Why it was declined.
    pub reason: Option<String>,
    /// Day sent (China).
    pub sent_on: NaiveDate,
    /// Sent by (actor tag).
    pub created_by: String,
    /// Unix µs.
    pub created_at: i64,
    /// Unix µs.
    pub updated_at: i64,
    /// Who accepted, declined or withdrew it.
    pub responded_by: Option<String>,
    /// The thread an acceptance opened.
    pub thread_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct InterestRow {
    interest_id: String,
    target_kind: String,
    target_id: String,
    target_title: String,
    from_org_id: String,
    from_org_name: String,
    to_org_id: String,
    to_org_name: String,
    message: String,
    status: String,
    reason: Option<String>,
    sent_on: String,
    created_by: String,
    created_at: i64,
    updated_at: i64,
    responded_by: Option<String>,
    thread_id: Option<String>,
}

impl TryFrom<InterestRow> for InterestRecord {
    type Error = StoreError;
    fn try_from(r: InterestRow) -> Result<Self> {
        Ok(InterestRecord {
            target_kind: TargetKind::parse(&r.target_kind)
                .ok_or_else(|| corrupt("interest target_kind", &r.target_kind))?,
            status: InterestStatus::parse(&r.status)
                .ok_or_else(|| corrupt("interest status", &r.status))?,
            sent_on: parse_date(&r.sent_on)?,
            id: r.interest_id,
            target_id: r.target_id,
            target_title: r.target_title,
            from_org_id: OrgId(r.from_org_id),
            from_org_name: r.from_org_name,
            to_org_id: OrgId(r.to_org_id),
            to_org_name: r.to_org_name,
            message: r.message,
            reason: r.reason,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            responded_by: r.responded_by,
            thread_id: r.thread_id,
        })
    }
}

const INTEREST_COLS: &str = "i.interest_id, i.target_kind, i.target_id, i.target_title, i.from_org_id, \
    f.name AS from_org_name, i.to_org_id, t.name AS to_org_name, i.message, i.status, i.reason, i.sent_on, \
    i.created_by, i.created_at, i.updated_at, i.responded_by, th.thread_id";
const INTEREST_FROM: &str = "interest i JOIN organisation f ON f.organisation_id = i.from_org_id \
    JOIN organisation t ON t.organisation_id = i.to_org_id LEFT JOIN thread th ON th.interest_id = i.interest_id";

/// A new expression of interest.
#[derive(Debug, Clone)]
pub struct NewInterest<'a> {
    /// Id.
    pub id: &'a str,
    /// What it is about.
    pub target_kind: TargetKind,
    /// The record's id.
    pub target_id: &'a str,
    /// The record's title.
    pub target_title: &'a str,
    /// Sender.
    pub from_org_id: &'a OrgId,
    /// The record's owner.
    pub to_org_id: &'a OrgId,
    /// Message.
    pub message: &'a str,
    /// Day sent.
    pub sent_on: NaiveDate,
    /// Unix µs.
    pub now: i64,
    /// Actor tag.
    pub by: &'a str,
}

/// A stored talks thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadRecord {
    /// Id.
    pub id: String,
    /// The interest it came from.
    pub interest_id: Option<String>,
    /// The interest's sender.
    pub from_org_id: OrgId,
    /// Sender's name.
    pub from_org_name: String,
    /// The interest's receiver.
    pub to_org_id: OrgId,
    /// Receiver's name.
    pub to_org_name: String,
    /// Subject.
    pub subject: String,
    /// The bureau's mark.
    pub mediation: Mediation,
    /// Day opened (China).
    pub opened_on: NaiveDate,
    /// Unix µs.
    pub updated_at: i64,
    /// Messages in it.
    pub messages: i64,
    /// The collaboration signed from it.
    pub collaboration_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ThreadRow {
    thread_id: String,
    interest_id: Option<String>,
    from_org_id: String,
    from_org_name: String,
    to_org_id: String,
    to_org_name: String,
    subject: String,
    mediation: String,
    opened_on: String,
    updated_at: i64,
    messages: i64,
    collaboration_id: Option<String>,
}

impl TryFrom<ThreadRow> for ThreadRecord {
    type Error = StoreError;
    fn try_from(r: ThreadRow) -> Result<Self> {
        Ok(ThreadRecord {
            mediation: Mediation::parse(&r.mediation)
                .ok_or_else(|| corrupt("thread mediation", &r.mediation))?,
            opened_on: parse_date(&r.opened_on)?,
            id: r.thread_id,
            interest_id: r.interest_id,
            from_org_id: OrgId(r.from_org_id),
            from_org_name: r.from_org_name,
            to_org_id: OrgId(r.to_org_id),
            to_org_name: r.to_org_name,
            subject: r.subject,
            updated_at: r.updated_at,
            messages: r.messages,
            collaboration_id: r.collaboration_id,
        })
    }
}

const THREAD_COLS: &str = "th.thread_id, th.interest_id, th.from_org_id, f.name AS from_org_name, th.to_org_id, \
    t.name AS to_org_name, th.subject, th.mediation, th.opened_on, th.updated_at, \
    (SELECT COUNT(*) FROM thread_message m WHERE m.thread_id = th.thread_id) AS messages, \
    (SELECT MIN(c.collaboration_id) FROM collaboration c WHERE c.thread_id = th.thread_id) AS collaboration_id";
const THREAD_FROM: &str = "thread th JOIN organisation f ON f.organisation_id = th.from_org_id \
    JOIN organisation t ON t.organisation_id = th.to_org_id";

/// One message of a thread.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRecord {
    /// Id.
    pub message_id: String,
    /// The author's organisation (`None` for the bureau's 技术经理人).
    pub org_id: Option<String>,
    /// Actor tag.
    pub author_tag: String,
    /// Shown name.
    pub author_name: String,
    /// Posted by the bureau as mediator.
    pub as_mediator: bool,
    /// Text as typed.
    pub body: String,
    /// Unix µs.
    pub created_at: i64,
}

/// A stored collaboration and its chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollaborationRecord {
    /// Id.
    pub id: String,
    /// 合作项目名称.
    pub title: String,
    /// The enterprise.
    pub enterprise_org_id: OrgId,
    /// Its name.
    pub enterprise_name: String,
    /// The university, institute (or firm) providing the technology.
    pub provider_org_id: OrgId,
    /// Its name.
    pub provider_name: String,
    /// The interest it came from.
    pub interest_id: Option<String>,
    /// The thread it came from.
    pub thread_id: Option<String>,
    /// 签约日期.
    pub signed_on: NaiveDate,
    /// 合同金额.
    pub amount: Option<Money>,
    /// 来源.
    pub source: Source,
    /// Special session.
    pub session_id: Option<String>,
    /// The furthest stage reached.
    pub stage: Stage,
    /// Reference into the contract registry.
    pub contract_id: Option<String>,
    /// 合同编号.
    pub contract_number: Option<String>,
    /// 转化情况.
    pub conversion: Option<String>,
    /// 新产品名称.
    pub product_name: Option<String>,
    /// Unix µs.
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct CollabRow {
    collaboration_id: String,
    title: String,
    enterprise_org_id: String,
    enterprise_name: String,
    provider_org_id: String,
    provider_name: String,
    interest_id: Option<String>,
    thread_id: Option<String>,
    signed_on: String,
    amount_fen: Option<i64>,
    source: String,
    session_id: Option<String>,
    stage: String,
    contract_id: Option<String>,
    contract_number: Option<String>,
    conversion: Option<String>,
    product_name: Option<String>,
    updated_at: i64,
}

impl TryFrom<CollabRow> for CollaborationRecord {
    type Error = StoreError;
    fn try_from(r: CollabRow) -> Result<Self> {
        Ok(CollaborationRecord {
            source: Source::parse(&r.source)
                .ok_or_else(|| corrupt("collaboration source", &r.source))?,
            stage: Stage::parse(&r.stage)
                .ok_or_else(|| corrupt("collaboration stage", &r.stage))?,
            signed_on: parse_date(&r.signed_on)?,
            id: r.collaboration_id,
            title: r.title,
            enterprise_org_id: OrgId(r.enterprise_org_id),
            enterprise_name: r.enterprise_name,
            provider_org_id: OrgId(r.provider_org_id),
            provider_name: r.provider_name,
            interest_id: r.interest_id,
            thread_id: r.thread_id,
            amount: r.amount_fen.map(Money::from_fen),
            session_id: r.session_id,
            contract_id: r.contract_id,
            contract_number: r.contract_number,
            conversion: r.conversion,
            product_name: r.product_name,
            updated_at: r.updated_at,
        })
    }
}

const COLLAB_COLS: &str = "c.collaboration_id, c.title, c.enterprise_org_id, e.name AS enterprise_name, \
    c.provider_org_id, p.name AS provider_name, c.interest_id, c.thread_id, c.signed_on, c.amount_fen, c.source, \
    c.session_id, c.stage, c.contract_id, c.contract_number, c.conversion, c.product_name, c.updated_at";
const COLLAB_FROM: &str = "collaboration c JOIN organisation e ON e.organisation_id = c.enterprise_org_id \
    JOIN organisation p ON p.organisation_id = c.provider_org_id";

/// A new collaboration.
#[derive(Debug, Clone)]
pub struct NewCollaboration<'a> {
    /// Id.
    pub id: &'a str,
    /// The record.
    pub collab: &'a kechuang_core::chain::Collaboration,
    /// The enterprise.
    pub enterprise_org_id: &'a OrgId,
    /// The provider.
    pub provider_org_id: &'a OrgId,
    /// The interest it came from.
    pub interest_id: Option<&'a str>,
    /// The thread it came from.
    pub thread_id: Option<&'a str>,
    /// Unix µs.
    pub now: i64,
    /// Actor tag.
    pub by: &'a str,
}

/// One recorded stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRow {
    /// The stage.
    pub stage: Stage,
    /// Its date.
    pub on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Which threads, interests or collaborations to list.
#[derive(Debug, Clone, Default)]
pub struct ChainFilter {
    /// Only those this organisation is a party to.
    pub org_id: Option<OrgId>,
    /// Only threads with this mediation mark.
    pub mediation: Option<Mediation>,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

/// Counts of the chain over a date range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainCounts {
    /// Interests sent.
    pub interests: i64,
    /// Of them accepted (by now).
    pub interests_accepted: i64,
    /// Threads opened.
    pub threads: i64,
    /// Collaborations signed.
    pub collaborations: i64,
    /// Of them signed at special sessions.
    pub collaborations_from_sessions: i64,
    /// Technology contracts.
    pub contracts: i64,
    /// Conversions.
    pub conversions: i64,
    /// New products.
    pub products: i64,
    /// Contract amounts of the collaborations signed, fen.
    pub amount_fen: i64,
}

impl Db {
    /// Records (or replaces) a user's vote on a candidate of a need.
    pub async fn upsert_feedback(
        &mut self,
        need_id: &str,
        kind: &str,
        candidate_id: &str,
        user_tag: &str,
        useful: bool,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO match_feedback (need_id, candidate_kind, candidate_id, user_tag, useful, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (need_id, candidate_kind, candidate_id, user_tag) \
                 DO UPDATE SET useful = excluded.useful, updated_at = excluded.updated_at",
            )
            .bind(need_id).bind(kind).bind(candidate_id).bind(user_tag).bind(useful).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A user's votes on a need's candidates: `(kind, id, useful)`.
    pub async fn feedback_of(
        &mut self,
        need_id: &str,
        user_tag: &str,
    ) -> Result<Vec<(String, String, bool)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT candidate_kind, candidate_id, useful FROM match_feedback WHERE need_id = $1 AND user_tag = $2 \
                 ORDER BY candidate_kind, candidate_id",
            )
            .bind(need_id).bind(user_tag).fetch_all(&mut *c).await
        })?)
    }

    /// Votes per candidate of a need (`need_id` None: every need's), most useful first.
    pub async fn feedback_counts(&mut self, need_id: Option<&str>) -> Result<Vec<FeedbackCount>> {
        let rows: Vec<(String, String, i64, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT candidate_kind, candidate_id, \
                 SUM(CASE WHEN useful THEN 1 ELSE 0 END), SUM(CASE WHEN useful THEN 0 ELSE 1 END) \
                 FROM match_feedback WHERE ($1 IS NULL OR need_id = $1) GROUP BY candidate_kind, candidate_id \
                 ORDER BY 3 DESC, 4, candidate_kind, candidate_id",
            )
            .bind(need_id).fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(k, id, u, n)| FeedbackCount {
                candidate_kind: k,
                candidate_id: id,
                useful: u,
                not_useful: n,
            })
            .collect())
    }

    /// Stores a new open interest (`interest_open_key` refuses a second open one).
    pub async fn insert_interest(&mut self, n: &NewInterest<'_>) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO interest (interest_id, target_kind, target_id, target_title, from_org_id, to_org_id, message, \
                 status, sent_on, created_at, created_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $9)",
            )
            .bind(n.id).bind(n.target_kind.code()).bind(n.target_id).bind(n.target_title)
            .bind(n.from_org_id.as_str()).bind(n.to_org_id.as_str()).bind(n.message)
            .bind(to_iso(n.sent_on)).bind(n.now).bind(n.by)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// One interest.
    pub async fn interest(&mut self, id: &str) -> Result<Option<InterestRecord>> {
        let r: Option<InterestRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {INTEREST_COLS} FROM {INTEREST_FROM} WHERE i.interest_id = $1"
            ))).bind(id).fetch_optional(&mut *c).await
        })?;
        r.map(InterestRecord::try_from).transpose()
    }

    /// Interests sent or received by an organisation (all, without one), newest first.
    pub async fn interests(&mut self, f: &ChainFilter) -> Result<Vec<InterestRecord>> {
        let org = f.org_id.as_ref().map(OrgId::as_str);
        let rows: Vec<InterestRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {INTEREST_COLS} FROM {INTEREST_FROM} WHERE ($1 IS NULL OR i.from_org_id = $1 OR i.to_org_id = $1) \
                 ORDER BY i.updated_at DESC, i.interest_id LIMIT $2 OFFSET $3"
            ))).bind(org).bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(InterestRecord::try_from).collect()
    }

    /// Moves an open interest to `status`; false when it was no longer open.
    pub async fn close_interest(
        &mut self,
        id: &str,
        status: InterestStatus,
        reason: Option<&str>,
        now: i64,
        by: &str,
    ) -> Result<bool> {
        let n = with_conn!(self, c => {
            sqlx::query(
                "UPDATE interest SET status = $2, reason = $3, updated_at = $4, responded_by = $5 \
                 WHERE interest_id = $1 AND status = 'open'",
            )
            .bind(id).bind(status.code()).bind(reason).bind(now).bind(by)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// Opens a thread.
    #[expect(clippy::too_many_arguments, reason = "one column each")]
    pub async fn insert_thread(
        &mut self,
        id: &str,
        interest_id: Option<&str>,
        from: &OrgId,
        to: &OrgId,
        subject: &str,
        opened_on: NaiveDate,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO thread (thread_id, interest_id, from_org_id, to_org_id, subject, mediation, opened_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'none', $6, $7, $7)",
            )
            .bind(id).bind(interest_id).bind(from.as_str()).bind(to.as_str()).bind(subject)
            .bind(to_iso(opened_on)).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// One thread.
    pub async fn thread(&mut self, id: &str) -> Result<Option<ThreadRecord>> {
        let r: Option<ThreadRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {THREAD_COLS} FROM {THREAD_FROM} WHERE th.thread_id = $1"
            ))).bind(id).fetch_optional(&mut *c).await
        })?;
        r.map(ThreadRecord::try_from).transpose()
    }

    /// Threads of an organisation (all, without one), latest activity first.
    pub async fn threads(&mut self, f: &ChainFilter) -> Result<Vec<ThreadRecord>> {
        let org = f.org_id.as_ref().map(OrgId::as_str);
        let mediation = f.mediation.map(Mediation::code);
        let rows: Vec<ThreadRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {THREAD_COLS} FROM {THREAD_FROM} WHERE ($1 IS NULL OR th.from_org_id = $1 OR th.to_org_id = $1) \
                 AND ($2 IS NULL OR th.mediation = $2) ORDER BY th.updated_at DESC, th.thread_id LIMIT $3 OFFSET $4"
            ))).bind(org).bind(mediation).bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        rows.into_iter().map(ThreadRecord::try_from).collect()
    }

    /// Sets a thread's mediation mark.
    pub async fn set_mediation(&mut self, id: &str, m: Mediation, now: i64) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE thread SET mediation = $2, updated_at = $3 WHERE thread_id = $1")
                .bind(id).bind(m.code()).bind(now).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Adds a message to a thread (and bumps the thread's activity).
    pub async fn insert_message(&mut self, thread_id: &str, m: &MessageRecord) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO thread_message (message_id, thread_id, org_id, author_tag, author_name, as_mediator, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&m.message_id).bind(thread_id).bind(&m.org_id).bind(&m.author_tag).bind(&m.author_name)
            .bind(m.as_mediator).bind(&m.body).bind(m.created_at)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        with_conn!(self, c => {
            sqlx::query("UPDATE thread SET updated_at = $2 WHERE thread_id = $1 AND updated_at < $2")
                .bind(thread_id).bind(m.created_at).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A thread's messages, oldest first.
    pub async fn messages(&mut self, thread_id: &str) -> Result<Vec<MessageRecord>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT message_id, org_id, author_tag, author_name, as_mediator, body, created_at FROM thread_message \
                 WHERE thread_id = $1 ORDER BY created_at, message_id",
            ).bind(thread_id).fetch_all(&mut *c).await
        })?)
    }

    /// Stores a collaboration at stage `collaboration` with its first stage row.
    pub async fn insert_collaboration(&mut self, n: &NewCollaboration<'_>) -> Result<()> {
        let k = n.collab;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO collaboration (collaboration_id, title, enterprise_org_id, provider_org_id, interest_id, thread_id, \
                 signed_on, amount_fen, source, session_id, stage, created_at, created_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'collaboration', $11, $12, $11)",
            )
            .bind(n.id).bind(&k.title).bind(n.enterprise_org_id.as_str()).bind(n.provider_org_id.as_str())
            .bind(n.interest_id).bind(n.thread_id).bind(to_iso(k.signed_on)).bind(k.amount.map(Money::fen))
            .bind(k.source.code()).bind(&k.session_id).bind(n.now).bind(n.by)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        self.insert_stage(n.id, Stage::Collaboration, k.signed_on, n.by, n.now)
            .await
    }

    /// Records a stage row (`chain_stage_pkey` refuses a second one).
    pub async fn insert_stage(
        &mut self,
        id: &str,
        stage: Stage,
        on: NaiveDate,
        by: &str,
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO chain_stage (collaboration_id, stage, on_date, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id).bind(stage.code()).bind(to_iso(on)).bind(by).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Moves a collaboration to `stage` and stores the stage's detail (contract
    /// number, conversion description or product name).
    pub async fn set_collaboration_stage(
        &mut self,
        id: &str,
        stage: Stage,
        detail: &str,
        now: i64,
    ) -> Result<()> {
        let col = detail_column(stage)?;
        let n = with_conn!(self, c => {
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE collaboration SET stage = $2, {col} = $3, updated_at = $4 WHERE collaboration_id = $1"
            )))
            .bind(id).bind(stage.code()).bind(detail).bind(now)
            .execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Corrects a recorded stage's date and detail (the bureau; the app logs it).
    pub async fn correct_stage(
        &mut self,
        id: &str,
        stage: Stage,
        on: NaiveDate,
        detail: &str,
        now: i64,
    ) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("UPDATE chain_stage SET on_date = $3 WHERE collaboration_id = $1 AND stage = $2")
                .bind(id).bind(stage.code()).bind(to_iso(on)).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        // The signing's date and title live on the collaboration itself; the
        // later stages' details in their own columns.
        if stage == Stage::Collaboration {
            with_conn!(self, c => {
                sqlx::query("UPDATE collaboration SET title = $2, signed_on = $3, updated_at = $4 WHERE collaboration_id = $1")
                    .bind(id).bind(detail).bind(to_iso(on)).bind(now)
                    .execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        } else {
            let col = detail_column(stage)?;
            with_conn!(self, c => {
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE collaboration SET {col} = $2, updated_at = $3 WHERE collaboration_id = $1"
                )))
                .bind(id).bind(detail).bind(now)
                .execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Sets the contract-registry reference of a collaboration.
    pub async fn set_contract_ref(&mut self, id: &str, contract_id: Option<&str>) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("UPDATE collaboration SET contract_id = $2 WHERE collaboration_id = $1")
                .bind(id).bind(contract_id).execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// One collaboration.
    pub async fn collaboration(&mut self, id: &str) -> Result<Option<CollaborationRecord>> {
        let r: Option<CollabRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COLLAB_COLS} FROM {COLLAB_FROM} WHERE c.collaboration_id = $1"
            ))).bind(id).fetch_optional(&mut *c).await
        })?;
        r.map(CollaborationRecord::try_from).transpose()
    }

    /// Collaborations of an organisation (all, without one), latest signed first.
    pub async fn collaborations(&mut self, f: &ChainFilter) -> Result<Vec<CollaborationRecord>> {
        let org = f.org_id.as_ref().map(OrgId::as_str);
        let rows: Vec<CollabRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {COLLAB_COLS} FROM {COLLAB_FROM} WHERE ($1 IS NULL OR c.enterprise_org_id = $1 OR c.provider_org_id = $1) \
                 ORDER BY c.signed_on DESC, c.collaboration_id LIMIT $2 OFFSET $3"
            ))).bind(org).bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(CollaborationRecord::try_from)
            .collect()
    }

    /// A collaboration's stages in chain order.
    pub async fn stages(&mut self, id: &str) -> Result<Vec<StageRow>> {
        let rows: Vec<(String, String, String)> = with_conn!(self, c => {
            sqlx::query_as("SELECT stage, on_date, recorded_by FROM chain_stage WHERE collaboration_id = $1")
                .bind(id).fetch_all(&mut *c).await
        })?;
        let mut out = rows
            .into_iter()
            .map(|(s, on, by)| {
                Ok(StageRow {
                    stage: Stage::parse(&s).ok_or_else(|| corrupt("chain stage", &s))?,
                    on: parse_date(&on)?,
                    recorded_by: by,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|r| r.stage);
        Ok(out)
    }

    /// Counts of the chain between two dates (inclusive).
    pub async fn chain_counts(&mut self, from: NaiveDate, to: NaiveDate) -> Result<ChainCounts> {
        let (f, t) = (to_iso(from), to_iso(to));
        let (interests, accepted): (i64, Option<i64>) = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT COUNT(*), SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) FROM interest \
                 WHERE sent_on >= $1 AND sent_on <= $2",
            ).bind(&f).bind(&t).fetch_one(&mut *c).await
        })?;
        let threads: i64 = with_conn!(self, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM thread WHERE opened_on >= $1 AND opened_on <= $2")
                .bind(&f).bind(&t).fetch_one(&mut *c).await
        })?;
        let (sessions, amount): (Option<i64>, Option<i64>) = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT SUM(CASE WHEN source = 'session' THEN 1 ELSE 0 END), CAST(SUM(amount_fen) AS BIGINT) FROM collaboration \
                 WHERE signed_on >= $1 AND signed_on <= $2",
            ).bind(&f).bind(&t).fetch_one(&mut *c).await
        })?;
        let per_stage: Vec<(String, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT stage, COUNT(*) FROM chain_stage WHERE on_date >= $1 AND on_date <= $2 GROUP BY stage",
            ).bind(&f).bind(&t).fetch_all(&mut *c).await
        })?;
        let n = |s: Stage| {
            per_stage
                .iter()
                .find(|(x, _)| x == s.code())
                .map_or(0, |(_, n)| *n)
        };
        Ok(ChainCounts {
            interests,
            interests_accepted: accepted.unwrap_or(0),
            threads,
            collaborations: n(Stage::Collaboration),
            collaborations_from_sessions: sessions.unwrap_or(0),
            contracts: n(Stage::Contract),
            conversions: n(Stage::Conversion),
            products: n(Stage::Product),
            amount_fen: amount.unwrap_or(0),
        })
    }

    /// Needs, achievements and experts created between two instants (unix µs,
    /// inclusive start, exclusive end).
    pub async fn board_counts(&mut self, from_us: i64, to_us: i64) -> Result<(i64, i64, i64)> {
        let mut out = [0i64; 3];
        for (i, table) in ["need", "achievement", "expert"].into_iter().enumerate() {
            out[i] = with_conn!(self, c => {
                sqlx::query_scalar(AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table} WHERE created_at >= $1 AND created_at < $2"
                ))).bind(from_us).bind(to_us).fetch_one(&mut *c).await
            })?;
        }
        Ok((out[0], out[1], out[2]))
    }
}

fn detail_column(stage: Stage) -> Result<&'static str> {
    match stage {
        Stage::Contract => Ok("contract_number"),
        Stage::Conversion => Ok("conversion"),
        Stage::Product => Ok("product_name"),
        other => Err(StoreError::Corrupt(format!(
            "stage {} has no detail column",
            other.code()
        ))),
    }
}
