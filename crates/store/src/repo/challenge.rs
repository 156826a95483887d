//! 揭榜挂帅 challenge calls: demands, calls, applications, the panel, scores,
//! objections, projects (task contracts), milestone reviews, tranche payments and
//! acceptances.
//!
//! Each record is kept whole as JSON in `doc`, next to the columns it is listed,
//! constrained or counted by; a save is an upsert by primary key, so the same
//! method writes a new record and a changed one. Events are the caller's (the
//! app appends one per write in the same transaction).

use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::challenge::{CallStage, CallTerms, Milestone, Project, Verdict};
use kechuang_core::date::to_iso;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

/// 需求征集: an enterprise's bottleneck demand.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChDemand {
    /// Id.
    pub id: String,
    /// Proposing organisation.
    pub org_id: String,
    /// Short title.
    pub title: String,
    /// Technical field.
    pub field: String,
    /// The bottleneck problem.
    pub problem: String,
    /// Target indicators as the enterprise states them.
    pub indicators: String,
    /// Expected deliverable.
    pub deliverable: String,
    /// Co-funding the proposer offers, fen.
    pub cofunding_fen: i64,
    /// Wanted by.
    pub deadline: Option<NaiveDate>,
    /// Whether the demand is confidential (not shown outside the bureau).
    pub confidential: bool,
    /// submitted | screened | merged | rejected.
    pub status: String,
    /// The call it was refined into.
    pub call_id: Option<String>,
    /// The bureau's screening note.
    pub note: Option<String>,
    /// Submitted on.
    pub submitted_on: NaiveDate,
}

/// 榜单 with its decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChCall {
    /// Id.
    pub id: String,
    /// 专项 group (e.g. 新型储能).
    pub group: String,
    /// Technical field (matched against the experts' fields for the panel).
    pub field: String,
    /// Stage.
    pub stage: CallStage,
    /// Terms (KPIs, duration, grant, window …).
    pub terms: CallTerms,
    /// The issuer (发榜方).
    pub issuer_org_id: Option<String>,
    /// Eligibility text.
    pub eligibility: String,
    /// Expert refinement opinions (凝练论证意见).
    pub opinions: Vec<String>,
    /// The demands it was refined from.
    pub demand_ids: Vec<String>,
    /// Published on.
    pub published_on: Option<NaiveDate>,
    /// The ranking of the last decision: `(application id, average, rank, selected)`.
    pub ranking: Vec<ChRanked>,
    /// Decided on.
    pub decided_on: Option<NaiveDate>,
    /// 公示 from.
    pub publicity_from: Option<NaiveDate>,
    /// 公示 to (inclusive).
    pub publicity_to: Option<NaiveDate>,
}

/// One row of a stored ranking.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChRanked {
    /// Application.
    pub application_id: String,
    /// Average score.
    pub average: Decimal,
    /// Scores counted.
    pub scores: usize,
    /// Rank.
    pub rank: usize,
    /// Selected.
    pub selected: bool,
}

/// A consortium (创新联合体): its name and member organisations.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChConsortium {
    /// Name.
    pub name: String,
    /// Every member organisation (may be more than the application's partners).
    pub member_org_ids: Vec<String>,
}

/// A team member of an application.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChMember {
    /// Name.
    pub name: String,
    /// Organisation.
    pub org_id: Option<String>,
    /// The expert record, when the member is one.
    pub expert_id: Option<String>,
    /// Role in the team.
    pub role: String,
}

/// The formal check of an application.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChCheck {
    /// Passed.
    pub passed: bool,
    /// Reasons (of a failure).
    pub reasons: Vec<String>,
    /// Who.
    pub by: String,
    /// When.
    pub on: NaiveDate,
}

/// 揭榜申报.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChApplication {
    /// Id.
    pub id: String,
    /// Call.
    pub call_id: String,
    /// Lead organisation.
    pub lead_org_id: String,
    /// Partner organisations.
    pub partner_org_ids: Vec<String>,
    /// Consortium.
    pub consortium: Option<ChConsortium>,
    /// Team.
    pub team: Vec<ChMember>,
    /// Plan text.
    pub plan: String,
    /// Proposed milestones.
    pub milestones: Vec<Milestone>,
    /// Total budget, fen.
    pub budget_fen: i64,
    /// Own matching funds, fen.
    pub matching_fen: i64,
    /// Attachment names.
    pub attachments: Vec<String>,
    /// The formal check.
    pub check: Option<ChCheck>,
    /// submitted | passed | failed | selected | not_selected.
    pub stage: String,
    /// Submitted on.
    pub submitted_on: NaiveDate,
}

/// A conflict of interest as stored with a panel row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChConflict {
    /// The application it concerns.
    pub application_id: String,
    /// same_person | same_organisation | shared_project | shared_contract |
    /// consortium_member.
    pub kind: String,
    /// zh-CN statement.
    pub label: String,
}

/// One expert of a call's panel (drawn or excluded).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChPanelMember {
    /// Call.
    pub call_id: String,
    /// Expert.
    pub expert_id: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub org_id: String,
    /// Left out for conflicts.
    pub excluded: bool,
    /// The conflicts found.
    pub conflicts: Vec<ChConflict>,
    /// The account that scores as this expert.
    pub user_id: Option<String>,
}

/// A stored score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChScore {
    /// Application.
    pub application_id: String,
    /// Expert.
    pub expert_id: String,
    /// 0–100.
    pub score: Decimal,
    /// Comment.
    pub comment: Option<String>,
    /// Who entered it.
    pub entered_by: String,
}

/// An objection in the 公示.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChObjection {
    /// Id.
    pub id: String,
    /// Call.
    pub call_id: String,
    /// The application objected to.
    pub application_id: Option<String>,
    /// Who raised it (free text: name, organisation).
    pub raised_by: String,
    /// What.
    pub body: String,
    /// When.
    pub filed_on: NaiveDate,
    /// open | upheld | dismissed.
    pub outcome: String,
    /// The bureau's finding.
    pub finding: Option<String>,
}

/// The final acceptance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChAcceptance {
    /// Measured values, one per KPI.
    pub measured: Vec<Option<Decimal>>,
    /// Met, one per KPI.
    pub met: Vec<bool>,
    /// accepted | failed.
    pub verdict: String,
    /// When.
    pub on: NaiveDate,
    /// Who.
    pub by: String,
}

/// 任务书: a signed project.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChProject {
    /// Id.
    pub id: String,
    /// Call.
    pub call_id: String,
    /// Application.
    pub application_id: String,
    /// The lead organisation (paid).
    pub org_id: String,
    /// Grant, fen.
    pub grant_fen: i64,
    /// Start.
    pub start: NaiveDate,
    /// Signed on.
    pub signed_on: NaiveDate,
    /// State: milestones, tranches, passed, paid, stage.
    pub project: Project,
    /// A registered technology contract linked to the project.
    pub contract_ref: Option<String>,
    /// The final acceptance.
    pub acceptance: Option<ChAcceptance>,
}

/// One milestone review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChReview {
    /// Project.
    pub project_id: String,
    /// Order.
    pub seq: i64,
    /// Milestone (0-based).
    pub milestone: usize,
    /// Verdict.
    pub verdict: Verdict,
    /// Who.
    pub by: String,
    /// When.
    pub on: NaiveDate,
}

/// One paid tranche.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChTranchePaid {
    /// Project.
    pub project_id: String,
    /// Tranche (0-based).
    pub tranche: usize,
    /// Ledger transaction.
    pub tx_id: String,
    /// Amount, fen.
    pub amount_fen: i64,
    /// When.
    pub paid_on: NaiveDate,
}

/// An expert of the pool, as the panel draw sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChPoolExpert {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Organisation.
    pub org_id: String,
    /// Fields (JSON list text).
    pub fields: Vec<String>,
}

fn doc<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("challenge doc: {e}")))
}

fn undoc<T: DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("challenge doc: {e}")))
}

fn undocs<T: DeserializeOwned>(rows: Vec<String>) -> Result<Vec<T>> {
    rows.iter().map(|s| undoc(s)).collect()
}

impl Db {
    /// Writes a demand (new or changed).
    pub async fn save_ch_demand(&mut self, d: &ChDemand, now: i64) -> Result<()> {
        let j = doc(d)?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_demand (demand_id, organisation_id, field, cofunding_fen, deadline, confidential, status, call_id, submitted_on, doc, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
                 ON CONFLICT (demand_id) DO UPDATE SET field = $3, cofunding_fen = $4, deadline = $5, confidential = $6, status = $7, call_id = $8, doc = $10, updated_at = $11",
            )
            .bind(&d.id).bind(&d.org_id).bind(&d.field).bind(d.cofunding_fen)
            .bind(d.deadline.map(to_iso)).bind(d.confidential).bind(&d.status).bind(&d.call_id)
            .bind(to_iso(d.submitted_on)).bind(&j).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// One demand.
    pub async fn ch_demand(&mut self, id: &str) -> Result<Option<ChDemand>> {
        let r: Option<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_demand WHERE demand_id = $1")
                .bind(id).fetch_optional(&mut *c).await
        })?;
        r.as_deref().map(undoc).transpose()
    }

    /// Demands, newest first; `org` narrows to one proposer.
    pub async fn ch_demands(&mut self, org: Option<&str>) -> Result<Vec<ChDemand>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT doc FROM challenge_demand WHERE ($1 IS NULL OR organisation_id = $1) ORDER BY submitted_on DESC, demand_id",
            )
            .bind(org).fetch_all(&mut *c).await
        })?;
        undocs(r)
    }

    /// Writes a call (new or changed).
    pub async fn save_ch_call(&mut self, k: &ChCall, now: i64) -> Result<()> {
        let j = doc(k)?;
        let terms = doc(&k.terms)?;
        let t = &k.terms;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_call (call_id, title, group_name, stage, max_grant_fen, issuer_org_id, issuer_cofunding_fen, parallel_teams, \
                 opens, closes, publicity_days, published_on, publicity_from, publicity_to, terms, doc, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
                 ON CONFLICT (call_id) DO UPDATE SET title = $2, group_name = $3, stage = $4, max_grant_fen = $5, issuer_org_id = $6, \
                 issuer_cofunding_fen = $7, parallel_teams = $8, opens = $9, closes = $10, publicity_days = $11, published_on = $12, \
                 publicity_from = $13, publicity_to = $14, terms = $15, doc = $16, updated_at = $17",
            )
            .bind(&k.id).bind(&t.title).bind(&k.group).bind(k.stage.as_str())
            .bind(t.max_grant.fen()).bind(&k.issuer_org_id).bind(t.issuer_cofunding.fen())
            .bind(i64::from(t.parallel_teams)).bind(to_iso(t.opens)).bind(to_iso(t.closes))
            .bind(i64::from(t.publicity_days)).bind(k.published_on.map(to_iso))
            .bind(k.publicity_from.map(to_iso)).bind(k.publicity_to.map(to_iso))
            .bind(&terms).bind(&j).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// One call.
    pub async fn ch_call(&mut self, id: &str) -> Result<Option<ChCall>> {
        let r: Option<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_call WHERE call_id = $1")
                .bind(id).fetch_optional(&mut *c).await
        })?;
        r.as_deref().map(undoc).transpose()
    }

    /// Calls, newest window first; `stages` narrows them (empty: all).
    pub async fn ch_calls(&mut self, stages: &[CallStage]) -> Result<Vec<ChCall>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_call ORDER BY opens DESC, call_id")
                .fetch_all(&mut *c).await
        })?;
        let all: Vec<ChCall> = undocs(r)?;
        Ok(all
            .into_iter()
            .filter(|k| stages.is_empty() || stages.contains(&k.stage))
            .collect())
    }

    /// Writes an application (new or changed). A second application of the same
    /// lead organisation to a call is a conflict on
    /// `challenge_application_lead_key`.
    pub async fn save_ch_application(&mut self, a: &ChApplication, now: i64) -> Result<()> {
        let j = doc(a)?;
        let check = match &a.check {
            None => "pending",
            Some(c) if c.passed => "passed",
            Some(_) => "failed",
        };
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_application (application_id, call_id, lead_org_id, budget_fen, matching_fen, check_result, stage, submitted_on, doc, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                 ON CONFLICT (application_id) DO UPDATE SET budget_fen = $4, matching_fen = $5, check_result = $6, stage = $7, doc = $9, updated_at = $10",
            )
            .bind(&a.id).bind(&a.call_id).bind(&a.lead_org_id).bind(a.budget_fen).bind(a.matching_fen)
            .bind(check).bind(&a.stage).bind(to_iso(a.submitted_on)).bind(&j).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// One application.
    pub async fn ch_application(&mut self, id: &str) -> Result<Option<ChApplication>> {
        let r: Option<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_application WHERE application_id = $1")
                .bind(id).fetch_optional(&mut *c).await
        })?;
        r.as_deref().map(undoc).transpose()
    }

    /// Applications in submission order; `call` and `lead_org` narrow them.
    pub async fn ch_applications(
        &mut self,
        call: Option<&str>,
        lead_org: Option<&str>,
    ) -> Result<Vec<ChApplication>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT doc FROM challenge_application WHERE ($1 IS NULL OR call_id = $1) AND ($2 IS NULL OR lead_org_id = $2) \
                 ORDER BY submitted_on, application_id",
            )
            .bind(call).bind(lead_org).fetch_all(&mut *c).await
        })?;
        undocs(r)
    }

    /// Replaces a call's panel (drawn and excluded experts).
    pub async fn replace_ch_panel(
        &mut self,
        call_id: &str,
        rows: &[ChPanelMember],
        now: i64,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("DELETE FROM challenge_panel WHERE call_id = $1")
                .bind(call_id).execute(&mut *c).await.map(|_| ())
        })?;
        for p in rows {
            let j = doc(p)?;
            let conflicts = doc(&p.conflicts)?;
            with_conn!(self, c => {
                sqlx::query(
                    "INSERT INTO challenge_panel (call_id, expert_id, excluded, conflicts, user_id, doc, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&p.call_id).bind(&p.expert_id).bind(p.excluded).bind(&conflicts)
                .bind(&p.user_id).bind(&j).bind(now)
                .execute(&mut *c).await.map(|_| ())
            })?;
        }
        Ok(())
    }

    /// Changes the account of one panel member.
    pub async fn set_ch_panel_user(&mut self, p: &ChPanelMember) -> Result<()> {
        let j = doc(p)?;
        with_conn!(self, c => {
            sqlx::query("UPDATE challenge_panel SET user_id = $3, doc = $4 WHERE call_id = $1 AND expert_id = $2")
                .bind(&p.call_id).bind(&p.expert_id).bind(&p.user_id).bind(&j)
                .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// A call's panel: drawn first, then excluded, by expert id.
    pub async fn ch_panel(&mut self, call_id: &str) -> Result<Vec<ChPanelMember>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_panel WHERE call_id = $1 ORDER BY excluded, expert_id")
                .bind(call_id).fetch_all(&mut *c).await
        })?;
        undocs(r)
    }

    /// The panel rows (every call) an account scores for.
    pub async fn ch_panel_of_user(&mut self, user_id: &str) -> Result<Vec<ChPanelMember>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_panel WHERE user_id = $1 AND excluded = $2 ORDER BY call_id")
                .bind(user_id).bind(false).fetch_all(&mut *c).await
        })?;
        undocs(r)
    }

    /// Stores a score; a second score of the same reviewer and application is a
    /// conflict on `challenge_score_pkey`.
    pub async fn insert_ch_score(&mut self, s: &ChScore, now: i64) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_score (application_id, expert_id, score, comment, entered_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&s.application_id).bind(&s.expert_id).bind(s.score.to_string())
            .bind(&s.comment).bind(&s.entered_by).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Every score of a call's applications.
    pub async fn ch_scores(&mut self, call_id: &str) -> Result<Vec<ChScore>> {
        let r: Vec<(String, String, String, Option<String>, String)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT s.application_id, s.expert_id, s.score, s.comment, s.entered_by FROM challenge_score s \
                 JOIN challenge_application a ON a.application_id = s.application_id WHERE a.call_id = $1 \
                 ORDER BY s.application_id, s.expert_id",
            )
            .bind(call_id).fetch_all(&mut *c).await
        })?;
        r.into_iter()
            .map(|(application_id, expert_id, score, comment, entered_by)| {
                Ok(ChScore {
                    application_id,
                    expert_id,
                    score: score
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("score {score:?}")))?,
                    comment,
                    entered_by,
                })
            })
            .collect()
    }

    /// Writes an objection (new or decided).
    pub async fn save_ch_objection(&mut self, o: &ChObjection, now: i64) -> Result<()> {
        let j = doc(o)?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_objection (objection_id, call_id, outcome, filed_on, doc, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) \
                 ON CONFLICT (objection_id) DO UPDATE SET outcome = $3, doc = $5, updated_at = $6",
            )
            .bind(&o.id).bind(&o.call_id).bind(&o.outcome).bind(to_iso(o.filed_on)).bind(&j).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// A call's objections in filing order.
    pub async fn ch_objections(&mut self, call_id: &str) -> Result<Vec<ChObjection>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_objection WHERE call_id = $1 ORDER BY filed_on, objection_id")
                .bind(call_id).fetch_all(&mut *c).await
        })?;
        undocs(r)
    }

    /// Writes a project (new or changed).
    pub async fn save_ch_project(&mut self, p: &ChProject, now: i64) -> Result<()> {
        let j = doc(p)?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_project (project_id, call_id, application_id, organisation_id, grant_fen, stage, signed_on, contract_ref, doc, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
                 ON CONFLICT (project_id) DO UPDATE SET stage = $6, contract_ref = $8, doc = $9, updated_at = $10",
            )
            .bind(&p.id).bind(&p.call_id).bind(&p.application_id).bind(&p.org_id).bind(p.grant_fen)
            .bind(p.project.stage.as_str()).bind(to_iso(p.signed_on)).bind(&p.contract_ref).bind(&j).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// One project.
    pub async fn ch_project(&mut self, id: &str) -> Result<Option<ChProject>> {
        let r: Option<String> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT doc FROM challenge_project WHERE project_id = $1")
                .bind(id).fetch_optional(&mut *c).await
        })?;
        r.as_deref().map(undoc).transpose()
    }

    /// Projects in signing order; `call` and `org` narrow them.
    pub async fn ch_projects(
        &mut self,
        call: Option<&str>,
        org: Option<&str>,
    ) -> Result<Vec<ChProject>> {
        let r: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT doc FROM challenge_project WHERE ($1 IS NULL OR call_id = $1) AND ($2 IS NULL OR organisation_id = $2) \
                 ORDER BY signed_on, project_id",
            )
            .bind(call).bind(org).fetch_all(&mut *c).await
        })?;
        undocs(r)
    }

    /// Appends a milestone review.
    pub async fn insert_ch_review(&mut self, r: &ChReview, now: i64) -> Result<()> {
        let (verdict, note, due) = match &r.verdict {
            Verdict::Pass => ("pass", None, None),
            Verdict::Rectify { due, note } => ("rectify", Some(note.clone()), Some(to_iso(*due))),
            Verdict::Terminate { reason } => ("terminate", Some(reason.clone()), None),
        };
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_milestone_review (project_id, seq, milestone_index, verdict, note, due, reviewed_by, reviewed_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&r.project_id).bind(r.seq).bind(r.milestone as i64).bind(verdict).bind(&note).bind(&due)
            .bind(&r.by).bind(to_iso(r.on)).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// A project's milestone reviews in order.
    pub async fn ch_reviews(&mut self, project_id: &str) -> Result<Vec<ChReview>> {
        type Row = (
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT seq, milestone_index, verdict, note, due, reviewed_by, reviewed_on FROM challenge_milestone_review \
                 WHERE project_id = $1 ORDER BY seq",
            )
            .bind(project_id).fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|(seq, m, verdict, note, due, by, on)| {
                let verdict = match verdict.as_str() {
                    "pass" => Verdict::Pass,
                    "rectify" => Verdict::Rectify {
                        due: super::parse_date(due.as_deref().unwrap_or(""))?,
                        note: note.unwrap_or_default(),
                    },
                    _ => Verdict::Terminate {
                        reason: note.unwrap_or_default(),
                    },
                };
                Ok(ChReview {
                    project_id: project_id.to_string(),
                    seq,
                    milestone: m as usize,
                    verdict,
                    by,
                    on: super::parse_date(&on)?,
                })
            })
            .collect()
    }

    /// Records a paid tranche; a second one for the same (project, tranche) is a
    /// conflict on `challenge_tranche_payment_pkey`.
    pub async fn insert_ch_tranche_paid(&mut self, t: &ChTranchePaid, now: i64) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_tranche_payment (project_id, tranche_index, tx_id, amount_fen, paid_on, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&t.project_id).bind(t.tranche as i64).bind(&t.tx_id).bind(t.amount_fen)
            .bind(to_iso(t.paid_on)).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Paid tranches; `project` narrows them.
    pub async fn ch_tranches_paid(&mut self, project: Option<&str>) -> Result<Vec<ChTranchePaid>> {
        let rows: Vec<(String, i64, String, i64, String)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT project_id, tranche_index, tx_id, amount_fen, paid_on FROM challenge_tranche_payment \
                 WHERE ($1 IS NULL OR project_id = $1) ORDER BY project_id, tranche_index",
            )
            .bind(project).fetch_all(&mut *c).await
        })?;
        rows.into_iter()
            .map(|(project_id, t, tx_id, amount_fen, on)| {
                Ok(ChTranchePaid {
                    project_id,
                    tranche: t as usize,
                    tx_id,
                    amount_fen,
                    paid_on: super::parse_date(&on)?,
                })
            })
            .collect()
    }

    /// Records a final acceptance (once per project).
    pub async fn insert_ch_acceptance(
        &mut self,
        project_id: &str,
        a: &ChAcceptance,
        now: i64,
    ) -> Result<()> {
        let measured = doc(&a.measured)?;
        let met = doc(&a.met)?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO challenge_acceptance (project_id, measured, met, verdict, accepted_on, accepted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(project_id).bind(&measured).bind(&met).bind(&a.verdict).bind(to_iso(a.on)).bind(&a.by).bind(now)
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    /// The expert pool: every expert with their organisation and fields.
    pub async fn ch_expert_pool(&mut self) -> Result<Vec<ChPoolExpert>> {
        let rows: Vec<(String, String, String, String)> = with_conn!(self, c => {
            sqlx::query_as("SELECT expert_id, name, organisation_id, fields FROM expert ORDER BY expert_id")
                .fetch_all(&mut *c).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, name, org_id, fields)| ChPoolExpert {
                id,
                name,
                org_id,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
            })
            .collect())
    }

    /// Past co-operation of the matchmaking chain: every collaboration between two
    /// organisations, `(collaboration id, enterprise org, provider org)`.
    pub async fn ch_collaboration_pairs(&mut self) -> Result<Vec<(String, String, String)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT collaboration_id, enterprise_org_id, provider_org_id FROM collaboration ORDER BY collaboration_id",
            )
            .fetch_all(&mut *c).await
        })?)
    }
}
