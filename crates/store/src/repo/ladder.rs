//! The cultivation ladder's tables: supplementary facts, evaluation runs and the
//! current verdict per tier, the pool and its moves, district targets, and the
//! event-feed cursor.

use super::ip::Row as IpRow;
use super::org::{ORG_COLUMNS, OrgRow};
use super::qualification::QRow;
use super::{parse_date, placeholders};
use crate::{Db, Result, StoreError, with_conn};
use chrono::NaiveDate;
use kechuang_core::date::to_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::{ALL, Values};
use kechuang_core::ip::IpRecord;
use kechuang_core::period::Period;
use kechuang_core::qualification::Qualification;
use sqlx::{AssertSqlSafe, ColumnIndex, Decode, Row, Type};

use super::OrgRecord;

/// Everything the registry knows about one enterprise for an evaluation.
#[derive(Debug, Clone)]
pub struct LadderInput {
    /// The enterprise.
    pub org: OrgRecord,
    /// Current annual and fourth-quarter filings, oldest first.
    pub filings: Vec<(Period, Values)>,
    /// IP records.
    pub ip: Vec<IpRecord>,
    /// Qualification history.
    pub qualifications: Vec<Qualification>,
    /// The supplementary facts document (JSON), if any.
    pub facts: Option<String>,
}

/// One stored evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRun {
    /// Id.
    pub run_id: String,
    /// Enterprise.
    pub org_id: OrgId,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// The pack asked for (`None` = the ladder, each tier's pack in force).
    pub pack: Option<String>,
    /// What caused it: `event:<seq>`, `user:<id>`, `cli`.
    pub trigger: String,
    /// The profile (JSON).
    pub inputs: String,
    /// SHA-256 of the inputs, the as-of date and the pack.
    pub inputs_hash: String,
    /// The results (JSON).
    pub outputs: String,
    /// Unix µs.
    pub created_at: i64,
    /// Actor tag.
    pub created_by: String,
}

/// The current verdict for one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderCurrent {
    /// Tier code.
    pub tier: String,
    /// Pack id.
    pub pack: String,
    /// `eligible` / `not_eligible` / `manual_review`.
    pub status: String,
    /// Nothing certainly fails.
    pub ready: bool,
    /// Holds the tier.
    pub held: bool,
    /// Pessimistic score.
    pub score_min: Option<i32>,
    /// Optimistic score.
    pub score_max: Option<i32>,
    /// Conditions not met: the distance to the tier.
    pub unmet: i32,
}

/// One line of the pool board.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolRow {
    /// Enterprise id.
    pub organisation_id: String,
    /// Name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Town.
    pub town: Option<String>,
    /// Cluster.
    pub cluster: Option<String>,
    /// Tier code.
    pub tier: String,
    /// Status code.
    pub status: String,
    /// Ready.
    pub ready: bool,
    /// Held.
    pub held: bool,
    /// Unmet conditions.
    pub unmet: i32,
    /// Pessimistic score.
    pub score_min: Option<i32>,
    /// Optimistic score.
    pub score_max: Option<i32>,
    /// Pool stage, if entered.
    pub stage: Option<String>,
    /// Evaluation date.
    pub as_of: String,
}

/// Filters of the pool board.
#[derive(Debug, Clone, Default)]
pub struct PoolFilter {
    /// Tier code.
    pub tier: Option<String>,
    /// Town (exact).
    pub town: Option<String>,
    /// Cluster (exact).
    pub cluster: Option<String>,
    /// Pool stage.
    pub stage: Option<String>,
    /// Only firms that do not hold the tier.
    pub not_held: bool,
    /// At most this many unmet conditions.
    pub max_unmet: Option<i32>,
    /// Towns the viewer may see (`None` = all).
    pub scope_towns: Option<Vec<String>>,
    /// Page size.
    pub limit: i64,
    /// Offset.
    pub offset: i64,
}

/// A pool move.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolMove {
    /// Tier code.
    pub tier: String,
    /// From.
    pub from_stage: Option<String>,
    /// To.
    pub to_stage: String,
    /// Note.
    pub note: Option<String>,
    /// Unix µs.
    pub at_us: i64,
    /// Actor tag.
    pub actor: String,
}

/// A district target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// Id.
    pub target_id: String,
    /// Name.
    pub name: String,
    /// Tier code.
    pub tier: String,
    /// Baseline date.
    pub baseline_date: NaiveDate,
    /// Count on the baseline date.
    pub baseline_value: i64,
    /// Count to reach.
    pub target_value: i64,
    /// By when.
    pub due_date: NaiveDate,
    /// Unix µs.
    pub created_at: i64,
    /// Actor tag.
    pub created_by: String,
}

#[derive(sqlx::FromRow)]
struct TargetDbRow {
    target_id: String,
    name: String,
    tier: String,
    baseline_date: String,
    baseline_value: i64,
    target_value: i64,
    due_date: String,
    created_at: i64,
    created_by: String,
}

impl TryFrom<TargetDbRow> for TargetRow {
    type Error = StoreError;
    fn try_from(r: TargetDbRow) -> Result<Self> {
        Ok(Self {
            target_id: r.target_id,
            name: r.name,
            tier: r.tier,
            baseline_date: parse_date(&r.baseline_date)?,
            baseline_value: r.baseline_value,
            target_value: r.target_value,
            due_date: parse_date(&r.due_date)?,
            created_at: r.created_at,
            created_by: r.created_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RunRow {
    run_id: String,
    organisation_id: String,
    as_of: String,
    pack: Option<String>,
    trigger: String,
    inputs: String,
    inputs_hash: String,
    outputs: String,
    created_at: i64,
    created_by: String,
}

impl TryFrom<RunRow> for LadderRun {
    type Error = StoreError;
    fn try_from(r: RunRow) -> Result<Self> {
        Ok(Self {
            run_id: r.run_id,
            org_id: OrgId(r.organisation_id),
            as_of: parse_date(&r.as_of)?,
            pack: r.pack,
            trigger: r.trigger,
            inputs: r.inputs,
            inputs_hash: r.inputs_hash,
            outputs: r.outputs,
            created_at: r.created_at,
            created_by: r.created_by,
        })
    }
}

const RUN_COLUMNS: &str = "run_id, organisation_id, as_of, pack, trigger, inputs, inputs_hash, outputs, created_at, created_by";

fn decode_values<'r, R>(row: &'r R) -> Result<(String, i32, Values)>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    i32: Decode<'r, R::Database> + Type<R::Database>,
{
    let mut values = Values::default();
    for ind in ALL {
        values.0[ind.index] = row.try_get::<Option<i64>, _>(ind.code)?;
    }
    Ok((
        row.try_get("organisation_id")?,
        row.try_get("period")?,
        values,
    ))
}

impl Db {
    /// The registry's inputs for a set of enterprises (up to a few hundred per call).
    pub async fn ladder_inputs(&mut self, ids: &[OrgId]) -> Result<Vec<LadderInput>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ph = placeholders(1, ids.len());
        let orgs: Vec<OrgRow> = with_conn!(self, c => {
            let sql = format!("SELECT {ORG_COLUMNS} FROM organisation WHERE organisation_id IN ({ph}) ORDER BY organisation_id");
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        let cols: String = ALL.iter().map(|i| i.code).collect::<Vec<_>>().join(", ");
        let filings: Vec<(String, i32, Values)> = with_conn!(self, c => {
            let sql = format!(
                "SELECT organisation_id, period, {cols} FROM filing_current \
                 WHERE organisation_id IN ({ph}) AND (period % 10 = 0 OR period % 10 = 4) ORDER BY organisation_id, period"
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            let rows = q.fetch_all(&mut *c).await?;
            rows.iter().map(decode_values).collect::<Result<Vec<_>>>()
        })?;
        let ips: Vec<IpRow> = with_conn!(self, c => {
            let sql = format!(
                "SELECT ip_record_id, organisation_id, ip_type, number, title, granted_on, status, acquisition, acquired_on, used_in_hte \
                 FROM ip_record WHERE organisation_id IN ({ph}) ORDER BY organisation_id, number"
            );
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        let quals: Vec<QRow> = with_conn!(self, c => {
            let sql = format!(
                "SELECT qualification_id, organisation_id, kind, number, recognized_on, valid_until FROM qualification \
                 WHERE organisation_id IN ({ph}) ORDER BY organisation_id, recognized_on"
            );
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        let facts: Vec<(String, String)> = with_conn!(self, c => {
            let sql = format!("SELECT organisation_id, facts FROM org_facts WHERE organisation_id IN ({ph})");
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?;
        let mut out: Vec<LadderInput> = Vec::with_capacity(orgs.len());
        for o in orgs {
            out.push(LadderInput {
                org: OrgRecord::try_from(o)?,
                filings: Vec::new(),
                ip: Vec::new(),
                qualifications: Vec::new(),
                facts: None,
            });
        }
        let pos = |id: &str, out: &[LadderInput]| {
            out.binary_search_by(|x| x.org.id.as_str().cmp(id)).ok()
        };
        for (id, period, values) in filings {
            let period = Period::from_code(period)
                .ok_or_else(|| StoreError::Corrupt(format!("period {period}")))?;
            if let Some(i) = pos(&id, &out) {
                out[i].filings.push((period, values));
            }
        }
        for r in ips {
            let row = super::IpRecordRow::try_from(r)?;
            if let Some(i) = pos(row.org_id.as_str(), &out) {
                out[i].ip.push(row.ip);
            }
        }
        for r in quals {
            let row = super::QualificationRecord::try_from(r)?;
            if let Some(i) = pos(row.org_id.as_str(), &out) {
                out[i].qualifications.push(row.q);
            }
        }
        for (id, f) in facts {
            if let Some(i) = pos(&id, &out) {
                out[i].facts = Some(f);
            }
        }
        Ok(out)
    }

    /// Enterprise ids in id order after `after` (a page of the whole registry).
    pub async fn enterprise_ids_after(&mut self, after: &str, limit: i64) -> Result<Vec<OrgId>> {
        let ids: Vec<String> = with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT organisation_id FROM organisation WHERE kind = 'enterprise' AND organisation_id > $1 \
                 ORDER BY organisation_id LIMIT $2",
            )
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok(ids.into_iter().map(OrgId).collect())
    }

    /// The supplementary facts of an enterprise.
    pub async fn org_facts(&mut self, org: &OrgId) -> Result<Option<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar("SELECT facts FROM org_facts WHERE organisation_id = $1")
                .bind(org.as_str())
                .fetch_optional(&mut *c)
                .await
        })?)
    }

    /// Replaces the supplementary facts of an enterprise.
    pub async fn put_org_facts(
        &mut self,
        org: &OrgId,
        facts: &str,
        now: i64,
        by: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO org_facts (organisation_id, facts, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (organisation_id) DO UPDATE SET facts = excluded.facts, updated_at = excluded.updated_at, \
                 updated_by = excluded.updated_by",
            )
            .bind(org.as_str())
            .bind(facts)
            .bind(now)
            .bind(by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The newest run of an enterprise for the ladder (`pack` NULL).
    pub async fn latest_ladder_run(&mut self, org: &OrgId) -> Result<Option<LadderRun>> {
        let r: Option<RunRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {RUN_COLUMNS} FROM ladder_run WHERE organisation_id = $1 AND pack IS NULL \
                 ORDER BY created_at DESC, run_id DESC LIMIT 1"
            )))
            .bind(org.as_str())
            .fetch_optional(&mut *c)
            .await
        })?;
        r.map(LadderRun::try_from).transpose()
    }

    /// The id and input hash of each enterprise's newest ladder run (`pack` NULL),
    /// for a set of enterprises.
    pub async fn latest_ladder_hashes(
        &mut self,
        ids: &[OrgId],
    ) -> Result<Vec<(String, String, String)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ph = placeholders(1, ids.len());
        Ok(with_conn!(self, c => {
            let sql = format!(
                "SELECT lc.organisation_id, lc.run_id, r.inputs_hash FROM ladder_current lc \
                 JOIN ladder_run r ON r.run_id = lc.run_id \
                 WHERE lc.organisation_id IN ({ph}) AND lc.tier = (SELECT MIN(t.tier) FROM ladder_current t WHERE t.organisation_id = lc.organisation_id)"
            );
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in ids { q = q.bind(id.as_str()); }
            q.fetch_all(&mut *c).await
        })?)
    }

    /// One run by id.
    pub async fn ladder_run(&mut self, run_id: &str) -> Result<Option<LadderRun>> {
        let r: Option<RunRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!("SELECT {RUN_COLUMNS} FROM ladder_run WHERE run_id = $1")))
                .bind(run_id)
                .fetch_optional(&mut *c)
                .await
        })?;
        r.map(LadderRun::try_from).transpose()
    }

    /// An enterprise's runs, newest first (id, date, pack, trigger, created).
    pub async fn ladder_runs_of(&mut self, org: &OrgId, limit: i64) -> Result<Vec<LadderRun>> {
        let rows: Vec<RunRow> = with_conn!(self, c => {
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT {RUN_COLUMNS} FROM ladder_run WHERE organisation_id = $1 ORDER BY created_at DESC, run_id DESC LIMIT $2"
            )))
            .bind(org.as_str())
            .bind(limit)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(LadderRun::try_from).collect()
    }

    /// Stores a run; with `current`, it replaces the enterprise's current verdicts.
    pub async fn insert_ladder_run(
        &mut self,
        run: &LadderRun,
        current: Option<&[LadderCurrent]>,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO ladder_run ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            )))
            .bind(&run.run_id)
            .bind(run.org_id.as_str())
            .bind(to_iso(run.as_of))
            .bind(run.pack.as_deref())
            .bind(&run.trigger)
            .bind(&run.inputs)
            .bind(&run.inputs_hash)
            .bind(&run.outputs)
            .bind(run.created_at)
            .bind(&run.created_by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if let Some(rows) = current {
            with_conn!(self, c => {
                sqlx::query("DELETE FROM ladder_current WHERE organisation_id = $1")
                    .bind(run.org_id.as_str())
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
            if !rows.is_empty() {
                let values: Vec<String> = (0..rows.len())
                    .map(|i| format!("({})", placeholders(i * 11 + 1, 11)))
                    .collect();
                let sql = format!(
                    "INSERT INTO ladder_current (organisation_id, tier, run_id, pack, status, ready, held, score_min, score_max, unmet, as_of) \
                     VALUES {}",
                    values.join(", ")
                );
                let as_of = to_iso(run.as_of);
                with_conn!(self, c => {
                    let mut q = sqlx::query(AssertSqlSafe(sql.clone()));
                    for t in rows {
                        q = q
                            .bind(run.org_id.as_str())
                            .bind(&t.tier)
                            .bind(&run.run_id)
                            .bind(&t.pack)
                            .bind(&t.status)
                            .bind(t.ready)
                            .bind(t.held)
                            .bind(t.score_min)
                            .bind(t.score_max)
                            .bind(t.unmet)
                            .bind(as_of.as_str());
                    }
                    q.execute(&mut *c).await.map(|r| r.rows_affected())
                })?;
            }
        }
        Ok(())
    }

    /// The pool board: enterprises with their current verdict per tier and pool stage.
    pub async fn pool_board(&mut self, f: &PoolFilter) -> Result<(i64, Vec<PoolRow>)> {
        let mut cond = vec!["o.kind = 'enterprise'".to_string()];
        let mut args: Vec<String> = Vec::new();
        let mut push = |cond: &mut Vec<String>, sql: &str, v: &str| {
            args.push(v.to_string());
            cond.push(sql.replace('?', &format!("${}", args.len())));
        };
        if let Some(t) = &f.tier {
            push(&mut cond, "lc.tier = ?", t);
        }
        if let Some(t) = &f.town {
            push(&mut cond, "o.town = ?", t);
        }
        if let Some(t) = &f.cluster {
            push(&mut cond, "o.cluster = ?", t);
        }
        if let Some(s) = &f.stage {
            push(&mut cond, "p.stage = ?", s);
        }
        if let Some(towns) = &f.scope_towns {
            if towns.is_empty() {
                cond.push("1 = 0".into());
            } else {
                let start = args.len() + 1;
                args.extend(towns.iter().cloned());
                cond.push(format!("o.town IN ({})", placeholders(start, towns.len())));
            }
        }
        if f.not_held {
            cond.push("NOT lc.held".into());
        }
        let max_unmet = f
            .max_unmet
            .map(|m| format!(" AND lc.unmet <= {}", m.max(0)))
            .unwrap_or_default();
        let where_sql = format!("{}{max_unmet}", cond.join(" AND "));
        let from = "FROM ladder_current lc JOIN organisation o ON o.organisation_id = lc.organisation_id \
                    LEFT JOIN pool_entry p ON p.organisation_id = lc.organisation_id AND p.tier = lc.tier";
        let n = args.len();
        let total: i64 = with_conn!(self, c => {
            let sql = format!("SELECT COUNT(*) {from} WHERE {where_sql}");
            let mut q = sqlx::query_scalar(AssertSqlSafe(sql));
            for a in &args { q = q.bind(a.as_str()); }
            q.fetch_one(&mut *c).await
        })?;
        let rows: Vec<PoolRow> = with_conn!(self, c => {
            let sql = format!(
                "SELECT o.organisation_id, o.name, o.credit_code, o.town, o.cluster, lc.tier, lc.status, lc.ready, lc.held, \
                 lc.unmet, lc.score_min, lc.score_max, p.stage, lc.as_of {from} WHERE {where_sql} \
                 ORDER BY lc.held, lc.unmet, lc.score_min DESC, o.name LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            );
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for a in &args { q = q.bind(a.as_str()); }
            q.bind(f.limit).bind(f.offset).fetch_all(&mut *c).await
        })?;
        Ok((total, rows))
    }

    /// Counts per tier of enterprises that are ready for a tier they do not hold.
    pub async fn ready_counts(&mut self) -> Result<Vec<(String, i64)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT tier, COUNT(*) FROM ladder_current WHERE ready AND NOT held GROUP BY tier ORDER BY tier",
            )
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Counts per (tier, unmet conditions) of enterprises that do not hold the tier:
    /// the "distance to the next tier" histogram.
    pub async fn distance_counts(
        &mut self,
        scope_towns: Option<&[String]>,
    ) -> Result<Vec<(String, i32, i64)>> {
        let (scope, towns) = match scope_towns {
            Some([]) => (" AND 1 = 0".to_string(), Vec::new()),
            Some(t) => (
                format!(" AND o.town IN ({})", placeholders(1, t.len())),
                t.to_vec(),
            ),
            None => (String::new(), Vec::new()),
        };
        Ok(with_conn!(self, c => {
            let sql = format!(
                "SELECT lc.tier, lc.unmet, COUNT(*) FROM ladder_current lc JOIN organisation o ON o.organisation_id = lc.organisation_id \
                 WHERE NOT lc.held{scope} GROUP BY lc.tier, lc.unmet ORDER BY lc.tier, lc.unmet"
            );
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for t in &towns { q = q.bind(t.as_str()); }
            q.fetch_all(&mut *c).await
        })?)
    }

    /// The pool stage of an enterprise for a tier.
    pub async fn pool_stage(&mut self, org: &OrgId, tier: &str) -> Result<Option<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar("SELECT stage FROM pool_entry WHERE organisation_id = $1 AND tier = $2")
                .bind(org.as_str())
                .bind(tier)
                .fetch_optional(&mut *c)
                .await
        })?)
    }

    /// Moves an enterprise to a stage and records the move.
    #[expect(
        clippy::too_many_arguments,
        reason = "a move's identity, stages and stamp"
    )]
    pub async fn move_pool(
        &mut self,
        org: &OrgId,
        tier: &str,
        from: Option<&str>,
        to: &str,
        note: Option<&str>,
        now: i64,
        actor: &str,
    ) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO pool_entry (organisation_id, tier, stage, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (organisation_id, tier) DO UPDATE SET stage = excluded.stage, note = excluded.note, \
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(org.as_str())
            .bind(tier)
            .bind(to)
            .bind(note)
            .bind(now)
            .bind(actor)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO pool_move (move_id, organisation_id, tier, from_stage, to_stage, note, at_us, actor) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(crate::new_id())
            .bind(org.as_str())
            .bind(tier)
            .bind(from)
            .bind(to)
            .bind(note)
            .bind(now)
            .bind(actor)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// An enterprise's pool moves, newest first.
    pub async fn pool_moves_of(&mut self, org: &OrgId) -> Result<Vec<PoolMove>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT tier, from_stage, to_stage, note, at_us, actor FROM pool_move WHERE organisation_id = $1 \
                 ORDER BY at_us DESC, move_id DESC",
            )
            .bind(org.as_str())
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Counts of pool entries per (tier, stage).
    pub async fn pool_stage_counts(&mut self) -> Result<Vec<(String, String, i64)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as("SELECT tier, stage, COUNT(*) FROM pool_entry GROUP BY tier, stage ORDER BY tier, stage")
                .fetch_all(&mut *c)
                .await
        })?)
    }

    /// Adds a district target.
    pub async fn insert_target(&mut self, t: &TargetRow) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO district_target (target_id, name, tier, baseline_date, baseline_value, target_value, due_date, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&t.target_id)
            .bind(&t.name)
            .bind(&t.tier)
            .bind(to_iso(t.baseline_date))
            .bind(t.baseline_value)
            .bind(t.target_value)
            .bind(to_iso(t.due_date))
            .bind(t.created_at)
            .bind(&t.created_by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Removes a district target.
    pub async fn delete_target(&mut self, id: &str) -> Result<()> {
        let n = with_conn!(self, c => {
            sqlx::query("DELETE FROM district_target WHERE target_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// Every district target, by due date.
    pub async fn targets(&mut self) -> Result<Vec<TargetRow>> {
        let rows: Vec<TargetDbRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT target_id, name, tier, baseline_date, baseline_value, target_value, due_date, created_at, created_by \
                 FROM district_target ORDER BY due_date, name",
            )
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter().map(TargetRow::try_from).collect()
    }

    /// Enterprises holding a valid `kinds` qualification on each of `days`
    /// (each enterprise once per day).
    pub async fn holders_on(&mut self, kinds: &[&str], days: &[NaiveDate]) -> Result<Vec<i64>> {
        let mut out = Vec::with_capacity(days.len());
        let kp = placeholders(2, kinds.len());
        for day in days {
            let n: i64 = with_conn!(self, c => {
                let sql = format!(
                    "SELECT COUNT(DISTINCT organisation_id) FROM qualification WHERE kind IN ({kp}) \
                     AND recognized_on <= $1 AND (valid_until IS NULL OR valid_until >= $1)"
                );
                let mut q = sqlx::query_scalar(AssertSqlSafe(sql)).bind(to_iso(*day));
                for k in kinds { q = q.bind(*k); }
                q.fetch_one(&mut *c).await
            })?;
            out.push(n);
        }
        Ok(out)
    }

    /// Qualifications of `kind` valid on `from` and ending by `to`, with holder
    /// name, code and town (expiry alerts).
    pub async fn expiring_qualifications(
        &mut self,
        kind: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, String, Option<String>, String)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT o.organisation_id, o.name, o.credit_code, o.town, q.valid_until FROM qualification q \
                 JOIN organisation o ON o.organisation_id = q.organisation_id \
                 WHERE q.kind = $1 AND q.recognized_on <= $2 AND q.valid_until >= $2 AND q.valid_until <= $3 \
                 AND NOT EXISTS (SELECT 1 FROM qualification r WHERE r.organisation_id = q.organisation_id \
                     AND r.kind = q.kind AND r.recognized_on > q.recognized_on) \
                 ORDER BY q.valid_until, o.name",
            )
            .bind(kind)
            .bind(to_iso(from))
            .bind(to_iso(to))
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Holders of `kind` valid on `day` without a current filing for `period`
    /// (annual-report alerts).
    pub async fn holders_without_filing(
        &mut self,
        kind: &str,
        day: NaiveDate,
        period: Period,
    ) -> Result<Vec<(String, String, String, Option<String>)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT DISTINCT o.organisation_id, o.name, o.credit_code, o.town FROM qualification q \
                 JOIN organisation o ON o.organisation_id = q.organisation_id \
                 WHERE q.kind = $1 AND q.recognized_on <= $2 AND (q.valid_until IS NULL OR q.valid_until >= $2) \
                 AND NOT EXISTS (SELECT 1 FROM filing_current f WHERE f.organisation_id = o.organisation_id AND f.period = $3) \
                 ORDER BY o.name",
            )
            .bind(kind)
            .bind(to_iso(day))
            .bind(period.code())
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Enterprises that held `kind` in `prev_year` but have no record recognised in
    /// `year` (a missed annual 科小 update once its deadline has passed).
    pub async fn not_renewed(
        &mut self,
        kind: &str,
        prev_year: i32,
        year: i32,
    ) -> Result<Vec<(String, String, String, Option<String>)>> {
        let (p0, p1) = (format!("{prev_year}-01-01"), format!("{prev_year}-12-31"));
        let (y0, y1) = (format!("{year}-01-01"), format!("{year}-12-31"));
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT DISTINCT o.organisation_id, o.name, o.credit_code, o.town FROM qualification q \
                 JOIN organisation o ON o.organisation_id = q.organisation_id \
                 WHERE q.kind = $1 AND q.recognized_on BETWEEN $2 AND $3 \
                 AND NOT EXISTS (SELECT 1 FROM qualification r WHERE r.organisation_id = q.organisation_id AND r.kind = q.kind \
                     AND r.recognized_on BETWEEN $4 AND $5) \
                 ORDER BY o.name",
            )
            .bind(kind)
            .bind(p0)
            .bind(p1)
            .bind(y0)
            .bind(y1)
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Where the named feed has read the event log up to.
    pub async fn feed_cursor(&mut self, name: &str) -> Result<i64> {
        let v: Option<i64> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT seq FROM feed_cursor WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *c)
                .await
        })?;
        Ok(v.unwrap_or(0))
    }

    /// Moves the named feed's cursor.
    pub async fn set_feed_cursor(&mut self, name: &str, seq: i64) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO feed_cursor (name, seq) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
            )
            .bind(name)
            .bind(seq)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// The last event's sequence number.
    pub async fn last_event_seq(&mut self) -> Result<i64> {
        let v: Option<i64> = with_conn!(self, c => {
            sqlx::query_scalar("SELECT MAX(seq) FROM event").fetch_one(&mut *c).await
        })?;
        Ok(v.unwrap_or(0))
    }
}
