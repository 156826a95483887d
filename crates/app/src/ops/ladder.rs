//! The cultivation ladder: evaluations of registry enterprises (stored with their
//! inputs and outputs), re-evaluation from the event log, supplementary facts,
//! the cultivation pool, alerts and district targets.

use crate::ops::visible_org;
use crate::{Actor, App, AppConfig, AppError, AppResult};
use chrono::{Datelike, Days, NaiveDate};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::InstitutionLevel;
use kechuang_core::ladder::facts::Facts;
use kechuang_core::ladder::pool::{Stage, check_move};
use kechuang_core::ladder::target::{Progress, progress};
use kechuang_core::ladder::{self, Context, LADDER, PackId, Profile, Status, TierResult};
use kechuang_core::org::OrgKind;
use kechuang_core::period::Period;
use kechuang_core::qualification::QualificationKind;
use kechuang_store::{Db, LadderCurrent, LadderInput, LadderRun, PoolFilter, PoolRow, TargetRow};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The event-feed name of the ladder.
pub const FEED: &str = "ladder";

/// Enterprises evaluated per batch (one read of their inputs, one transaction).
const BATCH: usize = 250;

/// An evaluation as it was decided and stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredEvaluation {
    /// Run id.
    pub run_id: String,
    /// Enterprise.
    pub org_id: OrgId,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// The pack asked for; `None` = each tier's pack in force.
    pub pack: Option<String>,
    /// What caused it.
    pub trigger: String,
    /// Unix µs.
    pub created_at: i64,
    /// Who.
    pub created_by: String,
    /// The inputs.
    pub profile: Profile,
    /// The results.
    pub tiers: Vec<TierResult>,
}

impl TryFrom<LadderRun> for StoredEvaluation {
    type Error = AppError;
    fn try_from(r: LadderRun) -> AppResult<Self> {
        let corrupt = |e: serde_json::Error| {
            AppError::Internal(anyhow::anyhow!("ladder_run {}: {e}", r.run_id))
        };
        Ok(Self {
            profile: serde_json::from_str(&r.inputs).map_err(corrupt)?,
            tiers: serde_json::from_str(&r.outputs).map_err(corrupt)?,
            run_id: r.run_id,
            org_id: r.org_id,
            as_of: r.as_of,
            pack: r.pack,
            trigger: r.trigger,
            created_at: r.created_at,
            created_by: r.created_by,
        })
    }
}

fn ctx_for(config: &AppConfig, profile: &Profile, as_of: NaiveDate) -> Context {
    let region = profile.region.as_deref().or(config.region.as_deref());
    Context {
        as_of,
        settings: config.ladder.settings_for(region).clone(),
    }
}

/// Evaluates a profile that is not in the registry (a JSON file): the ladder, or
/// one pack. Nothing is stored.
pub fn evaluate_profile(
    config: &AppConfig,
    profile: &Profile,
    as_of: NaiveDate,
    pack: Option<PackId>,
) -> AppResult<Vec<TierResult>> {
    let ctx = ctx_for(config, profile, as_of);
    match pack {
        Some(p) => ladder::evaluate_pack(p, profile, &ctx).map_err(AppError::Invalid),
        None => ladder::evaluate_ladder(profile, &ctx)
            .map(|e| e.tiers)
            .map_err(AppError::Invalid),
    }
}

/// The registry profile, with indicator #23 fed from the platform registry: the
/// best accredited R&D institution the enterprise hosts or co-builds on the
/// evaluation date (`ops::platform::institution_levels_in`), kept only when higher
/// than the filing's value (`ladder::registry::with_platform_level`).
fn profile_from(input: &LadderInput, platform_level: InstitutionLevel) -> AppResult<Profile> {
    let facts = match &input.facts {
        Some(s) => Some(serde_json::from_str::<Facts>(s).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("org_facts {}: {e}", input.org.id.as_str()))
        })?),
        None => None,
    };
    Ok(ladder::registry::with_platform_level(
        ladder::registry::profile(
            &input.org.org,
            &input.filings,
            &input.ip,
            &input.qualifications,
            facts,
        ),
        platform_level,
    ))
}

async fn platform_levels(
    db: &mut Db,
    ids: &[OrgId],
    on: NaiveDate,
) -> AppResult<std::collections::BTreeMap<OrgId, InstitutionLevel>> {
    crate::ops::platform::institution_levels_in(db, Some(ids), on).await
}

fn inputs_hash(inputs: &str, as_of: NaiveDate, pack: Option<PackId>) -> String {
    let mut h = Sha256::new();
    h.update(inputs.as_bytes());
    h.update(as_of.to_string().as_bytes());
    h.update(pack.map_or("ladder", PackId::code).as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn current_rows(tiers: &[TierResult]) -> Vec<LadderCurrent> {
    tiers
        .iter()
        .map(|t| LadderCurrent {
            tier: t.tier.code().to_string(),
            pack: t.pack.code().to_string(),
            status: status_code(t.status).to_string(),
            ready: t.ready(),
            held: t.held,
            score_min: t.score.map(|s| s.min as i32),
            score_max: t.score.map(|s| s.max as i32),
            unmet: t.gaps().count() as i32,
        })
        .collect()
}

/// Stable code of a status.
pub fn status_code(s: Status) -> &'static str {
    match s {
        Status::Eligible => "eligible",
        Status::NotEligible => "not_eligible",
        Status::ManualReview => "manual_review",
    }
}

/// Evaluates one input and stores the run unless the latest run had the same
/// inputs, date and pack. Returns the run id and whether it is new.
#[expect(
    clippy::too_many_arguments,
    reason = "the run's identity and its trigger"
)]
async fn evaluate_and_store(
    app: &App,
    db: &mut Db,
    input: &LadderInput,
    as_of: NaiveDate,
    pack: Option<PackId>,
    trigger: &str,
    by: &str,
    now: i64,
    known: Option<&std::collections::HashMap<String, (String, String)>>,
    platform_level: InstitutionLevel,
) -> AppResult<(String, bool)> {
    let profile = profile_from(input, platform_level)?;
    let tiers = match evaluate_profile(&app.config, &profile, as_of, pack) {
        Ok(t) => t,
        // Registry data the rules refuse (a part larger than its whole …) is
        // not a reason to skip the firm: every tier goes to manual review with
        // the fields named.
        Err(AppError::Invalid(errors)) if !errors.iter().any(|e| e.field == "date") => {
            ladder::refused(&profile, as_of, pack, &errors)
        }
        Err(e) => return Err(e),
    };
    let inputs = serde_json::to_string(&profile).map_err(|e| AppError::Internal(e.into()))?;
    let hash = inputs_hash(&inputs, as_of, pack);
    if pack.is_none() {
        let last = match known {
            Some(k) => k.get(input.org.id.as_str()).cloned(),
            None => db
                .latest_ladder_hashes(std::slice::from_ref(&input.org.id))
                .await?
                .into_iter()
                .next()
                .map(|(_, run, h)| (run, h)),
        };
        if let Some((run_id, h)) = last
            && h == hash
        {
            return Ok((run_id, false));
        }
    }
    let run = LadderRun {
        run_id: kechuang_store::new_id(),
        org_id: input.org.id.clone(),
        as_of,
        pack: pack.map(|p| p.code().to_string()),
        trigger: trigger.to_string(),
        inputs,
        inputs_hash: hash,
        outputs: serde_json::to_string(&tiers).map_err(|e| AppError::Internal(e.into()))?,
        created_at: now,
        created_by: by.to_string(),
    };
    let current = pack.is_none().then(|| current_rows(&tiers));
    db.insert_ladder_run(&run, current.as_deref()).await?;
    Ok((run.run_id, true))
}

/// The registry profile of an enterprise (what the rules would read today).
pub async fn profile_of(app: &App, actor: &Actor, org_id: &OrgId) -> AppResult<Profile> {
    let mut db = app.store.read().await?;
    let org = visible_org(&mut db, actor, org_id).await?;
    if org.org.kind != OrgKind::Enterprise {
        return Err(AppError::Invalid(vec![FieldError::new(
            "org",
            "not_enterprise",
        )]));
    }
    let inputs = db.ladder_inputs(std::slice::from_ref(org_id)).await?;
    let input = inputs.first().ok_or(AppError::NotFound)?;
    let level = platform_levels(&mut db, std::slice::from_ref(org_id), app.today())
        .await?
        .remove(org_id)
        .unwrap_or(InstitutionLevel::None);
    profile_from(input, level)
}

/// Evaluates a registry enterprise now (the ladder, or one pack on a chosen date)
/// and stores the result.
pub async fn evaluate_org(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    as_of: Option<NaiveDate>,
    pack: Option<PackId>,
) -> AppResult<StoredEvaluation> {
    let as_of = as_of.unwrap_or_else(|| app.today());
    let mut tx = app.store.begin().await?;
    let org = visible_org(&mut tx, actor, org_id).await?;
    if org.org.kind != OrgKind::Enterprise {
        return Err(AppError::Invalid(vec![FieldError::new(
            "org",
            "not_enterprise",
        )]));
    }
    let inputs = tx.ladder_inputs(std::slice::from_ref(org_id)).await?;
    let input = inputs.first().ok_or(AppError::NotFound)?;
    let trigger = actor.tag();
    let level = platform_levels(&mut tx, std::slice::from_ref(org_id), as_of)
        .await?
        .remove(org_id)
        .unwrap_or(InstitutionLevel::None);
    let (run_id, _) = evaluate_and_store(
        app,
        &mut tx,
        input,
        as_of,
        pack,
        &trigger,
        &trigger,
        app.now(),
        None,
        level,
    )
    .await?;
    let run = tx.ladder_run(&run_id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    run.try_into()
}

/// The latest ladder evaluation of an enterprise, as stored.
pub async fn latest(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
) -> AppResult<Option<StoredEvaluation>> {
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    db.latest_ladder_run(org_id)
        .await?
        .map(TryInto::try_into)
        .transpose()
}

/// One stored evaluation by id, exactly as decided.
pub async fn run(app: &App, actor: &Actor, run_id: &str) -> AppResult<StoredEvaluation> {
    let mut db = app.store.read().await?;
    let run = db.ladder_run(run_id).await?.ok_or(AppError::NotFound)?;
    visible_org(&mut db, actor, &run.org_id).await?;
    run.try_into()
}

/// An enterprise's stored evaluations, newest first (without their bodies).
pub async fn history(app: &App, actor: &Actor, org_id: &OrgId) -> AppResult<Vec<RunSummary>> {
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    let runs = db.ladder_runs_of(org_id, 50).await?;
    Ok(runs
        .into_iter()
        .map(|r| RunSummary {
            run_id: r.run_id,
            as_of: r.as_of,
            pack: r.pack,
            trigger: r.trigger,
            created_at: r.created_at,
        })
        .collect())
}

/// A stored evaluation's header.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    /// Run id.
    pub run_id: String,
    /// Evaluation date.
    pub as_of: NaiveDate,
    /// Pack asked for.
    pub pack: Option<String>,
    /// Trigger.
    pub trigger: String,
    /// Unix µs.
    pub created_at: i64,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CatchUp {
    /// Events read.
    pub events: u64,
    /// Enterprises evaluated.
    pub evaluated: u64,
    /// Of which with a new stored run.
    pub changed: u64,
}

fn triggers_reevaluation(entity: &str, kind: &str) -> bool {
    entity == "organisation" && !kind.starts_with("pool.")
}

/// Re-evaluates, as of `today`, every enterprise touched by an event since the
/// feed's cursor (a filing approved, an IP record or qualification changed,
/// facts updated, an import, the demo build), then moves the cursor. Safe to
/// run again after a crash: an unchanged input stores nothing new.
pub async fn catch_up(app: &App, today: NaiveDate) -> AppResult<CatchUp> {
    let mut out = CatchUp::default();
    loop {
        let mut db = app.store.read().await?;
        let cursor = db.feed_cursor(FEED).await?;
        let events = db.events_after(cursor, 20_000).await?;
        drop(db);
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(out);
        };
        out.events += events.len() as u64;
        let mut ids: Vec<OrgId> = events
            .iter()
            .filter(|e| triggers_reevaluation(&e.entity, &e.kind))
            .map(|e| OrgId(e.entity_id.clone()))
            .collect();
        ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        ids.dedup();
        let n = evaluate_ids(
            app,
            &ids,
            today,
            &format!("event:{last}"),
            Some(last),
            &mut out,
        )
        .await?;
        if n == 0 {
            let mut tx = app.store.begin().await?;
            tx.set_feed_cursor(FEED, last).await?;
            tx.commit().await?;
        }
    }
}

/// Evaluates the given enterprises in batches; the last batch's transaction also
/// moves the feed cursor to `cursor` when given. Returns the number of batches.
async fn evaluate_ids(
    app: &App,
    ids: &[OrgId],
    today: NaiveDate,
    trigger: &str,
    cursor: Option<i64>,
    out: &mut CatchUp,
) -> AppResult<usize> {
    let chunks: Vec<&[OrgId]> = ids.chunks(BATCH).collect();
    let n = chunks.len();
    for (i, chunk) in chunks.into_iter().enumerate() {
        let mut tx = app.store.begin().await?;
        let inputs = tx.ladder_inputs(chunk).await?;
        let known: std::collections::HashMap<String, (String, String)> = tx
            .latest_ladder_hashes(chunk)
            .await?
            .into_iter()
            .map(|(org, run, hash)| (org, (run, hash)))
            .collect();
        let levels = platform_levels(&mut tx, chunk, today).await?;
        let now = app.now();
        for input in inputs
            .iter()
            .filter(|i| i.org.org.kind == OrgKind::Enterprise)
        {
            out.evaluated += 1;
            let (_, new) = evaluate_and_store(
                app,
                &mut tx,
                input,
                today,
                None,
                trigger,
                "ladder",
                now,
                Some(&known),
                levels
                    .get(&input.org.id)
                    .copied()
                    .unwrap_or(InstitutionLevel::None),
            )
            .await?;
            out.changed += u64::from(new);
        }
        if i + 1 == n
            && let Some(c) = cursor
        {
            tx.set_feed_cursor(FEED, c).await?;
        }
        tx.commit().await?;
    }
    Ok(n)
}

/// Evaluates every enterprise as of `today` (first run on an existing registry,
/// or after the rules change). The event feed does the day-to-day work.
pub async fn evaluate_all(app: &App, today: NaiveDate) -> AppResult<CatchUp> {
    let mut out = CatchUp::default();
    let mut after = String::new();
    loop {
        let mut db = app.store.read().await?;
        let ids = db.enterprise_ids_after(&after, 5_000).await?;
        drop(db);
        let Some(last) = ids.last() else {
            return Ok(out);
        };
        after = last.as_str().to_string();
        evaluate_ids(app, &ids, today, "all", None, &mut out).await?;
    }
}

/// An enterprise's supplementary facts.
pub async fn facts(app: &App, actor: &Actor, org_id: &OrgId) -> AppResult<Facts> {
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    match db.org_facts(org_id).await? {
        Some(s) => serde_json::from_str(&s).map_err(|e| AppError::Internal(e.into())),
        None => Ok(Facts::default()),
    }
}

/// Replaces an enterprise's supplementary facts (the enterprise itself or bureau
/// staff); the change is an event, so the ladder re-evaluates.
pub async fn put_facts(app: &App, actor: &Actor, org_id: &OrgId, facts: &Facts) -> AppResult<()> {
    facts.validate().map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let org = visible_org(&mut tx, actor, org_id).await?;
    if org.org.kind != OrgKind::Enterprise {
        return Err(AppError::Invalid(vec![FieldError::new(
            "org",
            "not_enterprise",
        )]));
    }
    let doc = serde_json::to_string(facts).map_err(|e| AppError::Internal(e.into()))?;
    tx.put_org_facts(org_id, &doc, app.now(), &actor.tag())
        .await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        "facts.updated",
        &json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Parses a tier code of the ladder.
pub fn parse_tier(s: &str) -> AppResult<QualificationKind> {
    QualificationKind::from_code(s.trim())
        .filter(|k| LADDER.contains(k))
        .ok_or_else(|| {
            AppError::Invalid(vec![
                FieldError::new("tier", "tier_invalid").with("value", s),
            ])
        })
}

/// The pool board, filtered, with the viewer's town scope applied.
pub async fn pool_board(
    app: &App,
    actor: &Actor,
    mut filter: PoolFilter,
) -> AppResult<(i64, Vec<PoolRow>)> {
    actor.require_bureau()?;
    filter.scope_towns = actor.towns.clone();
    filter.limit = filter.limit.clamp(1, 500);
    let mut db = app.store.read().await?;
    Ok(db.pool_board(&filter).await?)
}

/// The "distance to the tier" histogram: (tier, unmet conditions, enterprises).
pub async fn distances(app: &App, actor: &Actor) -> AppResult<Vec<(String, i32, i64)>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    Ok(db.distance_counts(actor.towns.as_deref()).await?)
}

/// Moves an enterprise through the pool (入库 → 辅导 → 申报 → 认定 / 未通过).
pub async fn move_pool(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    tier: QualificationKind,
    to: Stage,
    note: Option<&str>,
) -> AppResult<()> {
    actor.require_bureau()?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let mut tx = app.store.begin().await?;
    let org = visible_org(&mut tx, actor, org_id).await?;
    if org.org.kind != OrgKind::Enterprise {
        return Err(AppError::Invalid(vec![FieldError::new(
            "org",
            "not_enterprise",
        )]));
    }
    let from = tx
        .pool_stage(org_id, tier.code())
        .await?
        .map(|s| {
            Stage::parse(&s).ok_or_else(|| AppError::Internal(anyhow::anyhow!("pool stage {s}")))
        })
        .transpose()?;
    check_move(from, to).map_err(AppError::Conflict)?;
    let actor_tag = actor.tag();
    tx.move_pool(
        org_id,
        tier.code(),
        from.map(Stage::code),
        to.code(),
        note,
        app.now(),
        &actor_tag,
    )
    .await?;
    tx.append_event(
        &actor_tag,
        "organisation",
        org_id.as_str(),
        "pool.moved",
        &json!({"tier": tier.code(), "from": from.map(Stage::code), "to": to.code(), "note": note}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An enterprise's pool stages and moves.
pub async fn pool_of(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
) -> AppResult<Vec<kechuang_store::PoolMove>> {
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    Ok(db.pool_moves_of(org_id).await?)
}

/// Kinds of alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A 高企 certificate ends within the warning window (§1.4 #6: 3 years).
    HighTechExpiring,
    /// The 高企 annual report for last year is due by 31 May (§1.4 #7).
    HighTechReportDue,
    /// The 高企 annual report for last year was not filed by its deadline.
    HighTechReportMissed,
    /// Two years of 高企 annual reports missing: revocation (§1.4 #7, #10).
    HighTechReportRevocation,
    /// The 科小 annual update is due by end of March (§2.5 #5).
    SmeUpdateDue,
    /// Last year's 科小 did not update this year by the deadline.
    SmeUpdateMissed,
    /// A 专精特新 / 小巨人 title ends within the warning window (§3.2: 3 years).
    SrdiExpiring,
}

impl AlertKind {
    /// zh-CN label.
    pub fn zh(self) -> &'static str {
        match self {
            Self::HighTechExpiring => "高企资格即将到期",
            Self::HighTechReportDue => "高企年报待报",
            Self::HighTechReportMissed => "高企年报逾期",
            Self::HighTechReportRevocation => "高企连续两年未报年报",
            Self::SmeUpdateDue => "科小年度更新待报",
            Self::SmeUpdateMissed => "科小未按期更新",
            Self::SrdiExpiring => "专精特新资格即将到期",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Alert {
    /// Kind.
    pub kind: AlertKind,
    /// zh-CN label of the kind.
    pub label: &'static str,
    /// `warning` (coming) or `overdue`.
    pub severity: &'static str,
    /// Enterprise id.
    pub org_id: String,
    /// Name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Town.
    pub town: Option<String>,
    /// The date that matters (expiry or deadline).
    pub date: NaiveDate,
    /// zh-CN sentence.
    pub message: String,
}

/// Days before an expiry that alerts start.
pub const EXPIRY_WINDOW_DAYS: u64 = 180;
/// Days before a reporting deadline that reminders start.
pub const DUE_WINDOW_DAYS: u64 = 60;

fn day_of(y: i32, (m, d): (u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d)
        .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
        .unwrap_or(NaiveDate::MIN)
}

/// The alerts on `today` for the bureau (within the viewer's towns) or for one
/// enterprise (`org`).
pub async fn alerts(
    app: &App,
    actor: &Actor,
    today: NaiveDate,
    org: Option<&OrgId>,
) -> AppResult<Vec<Alert>> {
    if org.is_none() {
        actor.require_bureau()?;
    }
    let mut db = app.store.read().await?;
    if let Some(o) = org {
        visible_org(&mut db, actor, o).await?;
    }
    let s = app
        .config
        .ladder
        .settings_for(app.config.region.as_deref())
        .clone();
    let mut out = Vec::new();
    let keep = |id: &str, town: Option<&str>| {
        org.is_none_or(|o| o.as_str() == id) && (org.is_some() || actor.in_scope(town))
    };
    let horizon = today + Days::new(EXPIRY_WINDOW_DAYS);
    for (kind, akind, what) in [
        (
            QualificationKind::HighTech,
            AlertKind::HighTechExpiring,
            "高新技术企业",
        ),
        (
            QualificationKind::Srdi,
            AlertKind::SrdiExpiring,
            "专精特新中小企业",
        ),
        (
            QualificationKind::LittleGiant,
            AlertKind::SrdiExpiring,
            "专精特新“小巨人”",
        ),
    ] {
        for (id, name, code, town, until) in db
            .expiring_qualifications(kind.code(), today, horizon)
            .await?
        {
            if !keep(&id, town.as_deref()) {
                continue;
            }
            let date = kechuang_core::date::from_iso(&until).unwrap_or(today);
            out.push(Alert {
                kind: akind,
                label: akind.zh(),
                severity: "warning",
                message: format!(
                    "{what}资格将于{date}到期（剩余{}天），请提前准备重新认定",
                    (date - today).num_days()
                ),
                org_id: id,
                name,
                credit_code: code,
                town,
                date,
            });
        }
    }
    // 高企 annual report for last year, due 31 May (§1.4 #7).
    let y = today.year();
    let due = day_of(y, s.hte_report_due);
    let last_year = Period::year(y - 1).ok_or(AppError::NotFound)?;
    if today >= due - Days::new(DUE_WINDOW_DAYS) {
        let overdue = today > due;
        let missing = db
            .holders_without_filing(
                QualificationKind::HighTech.code(),
                if overdue { due } else { today },
                last_year,
            )
            .await?;
        let two_years: std::collections::HashSet<String> = if overdue {
            // Held a year earlier too, and that year's report is missing as well.
            let p2 = Period::year(y - 2).ok_or(AppError::NotFound)?;
            let due_before = day_of(y - 1, s.hte_report_due);
            db.holders_without_filing(QualificationKind::HighTech.code(), due_before, p2)
                .await?
                .into_iter()
                .map(|r| r.0)
                .collect()
        } else {
            Default::default()
        };
        for (id, name, code, town) in missing {
            if !keep(&id, town.as_deref()) {
                continue;
            }
            let (akind, severity, message) = if two_years.contains(&id) {
                (
                    AlertKind::HighTechReportRevocation,
                    "overdue",
                    format!(
                        "{}、{}年度高企年报均未报送：累计两年未报将被取消高企资格",
                        y - 2,
                        y - 1
                    ),
                )
            } else if overdue {
                (
                    AlertKind::HighTechReportMissed,
                    "overdue",
                    format!("{}年度高企年报应于{due}前报送，已逾期", y - 1),
                )
            } else {
                (
                    AlertKind::HighTechReportDue,
                    "warning",
                    format!("{}年度高企年报请于{due}前报送", y - 1),
                )
            };
            out.push(Alert {
                kind: akind,
                label: akind.zh(),
                severity,
                org_id: id,
                name,
                credit_code: code,
                town,
                date: due,
                message,
            });
        }
    }
    // 科小 annual update by end of March (§2.5 #5).
    let due = day_of(y, s.sme_update_due);
    if today >= day_of(y, (1, 1)) {
        let overdue = today > due;
        for (id, name, code, town) in db
            .not_renewed(QualificationKind::TechSme.code(), y - 1, y)
            .await?
        {
            if !keep(&id, town.as_deref()) {
                continue;
            }
            let (akind, severity, message) = if overdue {
                (
                    AlertKind::SmeUpdateMissed,
                    "overdue",
                    format!("{}年入库的科技型中小企业未在{due}前完成{y}年度更新", y - 1),
                )
            } else {
                (
                    AlertKind::SmeUpdateDue,
                    "warning",
                    format!("科技型中小企业{y}年度信息更新请于{due}前完成"),
                )
            };
            out.push(Alert {
                kind: akind,
                label: akind.zh(),
                severity,
                org_id: id,
                name,
                credit_code: code,
                town,
                date: due,
                message,
            });
        }
    }
    out.sort_by(|a, b| {
        (a.severity != "overdue", a.date, &a.name).cmp(&(b.severity != "overdue", b.date, &b.name))
    });
    Ok(out)
}

/// The qualification kinds a target tier counts (专精特新 counts 小巨人 too).
pub fn target_kinds(tier: QualificationKind) -> Vec<&'static str> {
    match tier {
        QualificationKind::Srdi => vec!["srdi", "little_giant"],
        QualificationKind::TechInnovativeSme => {
            vec!["tech_innovative_sme", "tech_sme", "innovative_sme"]
        }
        k => vec![k.code()],
    }
}

/// A target with its progress.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetView {
    /// Id.
    pub target_id: String,
    /// Name.
    pub name: String,
    /// Tier code.
    pub tier: String,
    /// Tier, zh-CN.
    pub tier_zh: &'static str,
    /// Baseline date.
    pub baseline_date: NaiveDate,
    /// Baseline count.
    pub baseline_value: i64,
    /// Target count.
    pub target_value: i64,
    /// Due date.
    pub due_date: NaiveDate,
    /// Progress and forecast.
    pub progress: Progress,
    /// Month-end counts from the baseline to today.
    pub history: Vec<(NaiveDate, i64)>,
}

/// A new target.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TargetInput {
    /// Name, e.g. "高企数量翻番".
    pub name: String,
    /// Tier code.
    pub tier: String,
    /// Baseline date (the count is taken from the registry on that day).
    pub baseline_date: String,
    /// Count to reach; empty with `multiple` = baseline × multiple.
    #[serde(default)]
    pub target_value: Option<i64>,
    /// E.g. 2 for "double".
    #[serde(default)]
    pub multiple: Option<i64>,
    /// Due date.
    pub due_date: String,
}

fn month_ends(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while let Some(d) = kechuang_core::date::month_end(y, m) {
        if d > to {
            break;
        }
        if d >= from {
            out.push(d);
        }
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Adds a district target; the baseline count is read from the registry.
pub async fn add_target(app: &App, actor: &Actor, input: &TargetInput) -> AppResult<TargetView> {
    actor.require_bureau()?;
    let mut errs = Vec::new();
    let tier = QualificationKind::from_code(input.tier.trim());
    if tier.is_none() {
        errs.push(FieldError::new("tier", "tier_invalid").with("value", &input.tier));
    }
    let name = kechuang_core::org::required_text("name", &input.name, 100);
    let base = kechuang_core::date::parse("baseline_date", &input.baseline_date);
    let due = kechuang_core::date::parse("due_date", &input.due_date);
    if let (Ok(b), Ok(d)) = (&base, &due)
        && d <= b
    {
        errs.push(FieldError::new("due_date", "ends_before_start"));
    }
    errs.extend(
        [name.as_ref().err(), base.as_ref().err(), due.as_ref().err()]
            .into_iter()
            .flatten()
            .cloned(),
    );
    if input.target_value.is_none() && input.multiple.is_none() {
        errs.push(FieldError::new("target_value", "required"));
    }
    let (Some(tier), Ok(name), Ok(base), Ok(due), true) = (tier, name, base, due, errs.is_empty())
    else {
        return Err(AppError::Invalid(errs));
    };
    let mut tx = app.store.begin().await?;
    let baseline = tx.holders_on(&target_kinds(tier), &[base]).await?[0];
    let target = input
        .target_value
        .unwrap_or_else(|| baseline * input.multiple.unwrap_or(2));
    if target <= baseline {
        return Err(AppError::Invalid(vec![
            FieldError::new("target_value", "target_invalid").with("baseline", baseline),
        ]));
    }
    let row = TargetRow {
        target_id: kechuang_store::new_id(),
        name,
        tier: tier.code().to_string(),
        baseline_date: base,
        baseline_value: baseline,
        target_value: target,
        due_date: due,
        created_at: app.now(),
        created_by: actor.tag(),
    };
    tx.insert_target(&row).await?;
    tx.append_event(
        &actor.tag(),
        "district_target",
        &row.target_id,
        "target.added",
        &json!({
            "name": row.name, "tier": row.tier, "baseline_date": base, "baseline_value": baseline,
            "target_value": target, "due_date": due,
        }),
    )
    .await?;
    tx.commit().await?;
    let today = app.today();
    let mut db = app.store.read().await?;
    view(&mut db, row, today).await
}

/// Removes a target.
pub async fn delete_target(app: &App, actor: &Actor, id: &str) -> AppResult<()> {
    actor.require_bureau()?;
    let mut tx = app.store.begin().await?;
    tx.delete_target(id).await?;
    tx.append_event(
        &actor.tag(),
        "district_target",
        id,
        "target.deleted",
        &json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn view(db: &mut Db, t: TargetRow, today: NaiveDate) -> AppResult<TargetView> {
    let tier = QualificationKind::from_code(&t.tier)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("target tier {}", t.tier)))?;
    let kinds = target_kinds(tier);
    let mut days = month_ends(t.baseline_date, today);
    days.insert(0, t.baseline_date);
    days.dedup();
    let counts = db.holders_on(&kinds, &days).await?;
    let current = db.holders_on(&kinds, &[today]).await?[0];
    let history: Vec<(NaiveDate, i64)> = days.into_iter().zip(counts).collect();
    // The trend of the last 24 months drives the forecast.
    let recent: Vec<(NaiveDate, i64)> = history
        .iter()
        .copied()
        .filter(|(d, _)| *d + Days::new(730) >= today)
        .collect();
    let p = progress(
        t.baseline_value,
        t.target_value,
        t.due_date,
        today,
        current,
        &recent,
    );
    Ok(TargetView {
        target_id: t.target_id,
        name: t.name,
        tier: t.tier,
        tier_zh: tier.zh(),
        baseline_date: t.baseline_date,
        baseline_value: t.baseline_value,
        target_value: t.target_value,
        due_date: t.due_date,
        progress: p,
        history,
    })
}

/// Every target with its progress on `today`.
pub async fn targets(app: &App, actor: &Actor, today: NaiveDate) -> AppResult<Vec<TargetView>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let rows = db.targets().await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        out.push(view(&mut db, t, today).await?);
    }
    Ok(out)
}

/// Per tier, the enterprises ready for a tier they do not hold
/// (`cultivation.ready.<tier>` of the report).
pub async fn ready_counts(app: &App) -> AppResult<Vec<(String, i64)>> {
    let mut db = app.store.read().await?;
    let mut counts = db.ready_counts().await?;
    for t in LADDER {
        if !counts.iter().any(|(c, _)| c == t.code()) {
            counts.push((t.code().to_string(), 0));
        }
    }
    counts.sort_by_key(|(c, _)| LADDER.iter().position(|t| t.code() == c));
    Ok(counts)
}
