//! The demo district: a fictional district modelled on 重庆市铜梁区, generated
//! deterministically from a seed, whose raw records add up — through the same
//! report queries that serve any district — to the figures of the 2023 newspaper
//! report (1163 科技型企业 with 202 new in 1—10月, 175 高新技术企业, 136 专精特新
//! with 40 new, 规上 R&D 11.31亿元 in 1—9月, +12.5 %).
//!
//! The records run on past that snapshot (2023-10-31) to a fixed horizon,
//! 2026-09-30 (`targets::HORIZON`, never the wall clock): quarterly filings to
//! 2026Q3 and annual ones to 2025, 高企 renewals and new batches, new 科技型企业,
//! yearly 科技型中小企业, 专精特新 and 小巨人, IP grants, and some firms founded
//! after the snapshot, so the views that look at "today" are not empty. Each
//! generator draws the snapshot's records first, from the same streams and in the
//! same order as before, and everything later from streams of its own: the 2023
//! figures stay exact and the later records only add to them. The review examples
//! (filings waiting for review, returned, a draft) sit in 2026Q3.
//!
//! Layout: `rng` (SplitMix64 and its distributions), `targets` (the published
//! figures: the only place they live besides the demo's test), `geography` (28
//! towns and streets), `clusters` ("2+4"), `names` (enterprise names and
//! credit codes), `enterprises` (the register), `qualifications` (tier
//! histories that hit the counts), `ip` (patents and software copyrights),
//! `filings` (eight years of consistent filings, steered to the R&D sums, and
//! review examples), `people` (universities, institutes, banks, logins).
//!
//! Everything is planned in memory first; then one transaction writes it with the
//! store's multi-row statements and appends one event per organisation and a final
//! `demo.built`, so an interrupted build leaves the database as it was.

mod challenges;
mod clusters;
mod contracts;
mod enterprises;
mod filings;
mod geo;
mod geography;
mod ip;
mod ladder;
pub mod line;
mod loans;
mod matchmaking;
mod names;
mod outcomes;
mod people;
mod platforms;
pub mod policies;
mod qualifications;
pub(crate) mod rng;
mod sessions;
mod subsidies;
mod talent;
mod targets;

use crate::ops::auth::hash_password;
use crate::{App, AppError, AppResult};
use enterprises::Special;
use kechuang_core::FieldError;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::ip::IpRecord;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::qualification::Qualification;
use kechuang_core::role::Role;
use kechuang_store::{FilingVersion, NewEvent, RollupDelta, UserRecord};
use serde_json::json;

/// How to generate the demo district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// The seed: the same seed gives the same district (names, codes, figures).
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self { seed: 2023 }
    }
}

/// A demo account, printed by the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Role.
    pub role: Role,
    /// The organisation the account acts for.
    pub org_name: Option<String>,
}

/// What the demo build wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Enterprises.
    pub enterprises: u64,
    /// Organisations of every kind (enterprises included).
    pub organisations: u64,
    /// Filing versions.
    pub filings: u64,
    /// Qualification records.
    pub qualifications: u64,
    /// One account per role.
    pub logins: Vec<DemoLogin>,
    /// Technology needs, achievements and experts on the matchmaking board.
    pub matchmaking: (usize, usize, usize),
}

/// Whether the database already holds a demo district (or any organisation).
pub async fn exists(app: &App) -> AppResult<bool> {
    let mut db = app.store.read().await?;
    Ok(db.count_organisations().await? > 0)
}

/// Everything to write, planned in memory.
struct Plan {
    /// Enterprises first (in plan order), then the other organisations.
    orgs: Vec<(OrgId, Organisation)>,
    enterprises: usize,
    showcase: OrgId,
    zhiyan: OrgId,
    qualifications: Vec<(OrgId, Qualification)>,
    ip: Vec<(OrgId, IpRecord)>,
    filings: Vec<FilingVersion>,
}

fn plan(seed: u64) -> AppResult<Plan> {
    let mut codes = names::CodeMaker::default();
    // The snapshot's register, its tiers and IP, drawn exactly as for the 2023
    // figures; the other organisations' codes are claimed before the firms founded
    // after the snapshot claim theirs, so they stay as they were too.
    let mut firms = enterprises::plan(seed, &mut codes)?;
    let snapshot_firms = firms.len();
    let others = people::others(seed, &mut codes)?;
    let founded_after = enterprises::plan_founded_after(seed, &firms, &mut codes)?;
    firms.extend(founded_after);
    let ids: Vec<OrgId> = firms
        .iter()
        .map(|_| OrgId(kechuang_store::new_id()))
        .collect();
    let snapshot = qualifications::assign(seed, &firms[..snapshot_firms])?;
    let mut ip = ip::generate(seed, &firms[..snapshot_firms], &snapshot.firms)?;
    // Then on to the horizon, adding records dated after the snapshot only.
    let tiers = qualifications::extend(seed, &firms, &snapshot)?;
    ip::extend(seed, &firms, &tiers.firms, &mut ip)?;
    let (filings, workflow) =
        filings::generate(seed, &firms, &ids, &snapshot.firms, &tiers.firms, &ip)?;
    tracing::debug!(
        submitted = workflow.submitted.len(),
        returned = workflow.returned.len(),
        drafts = workflow.drafts.len(),
        corrected = workflow.corrected.len(),
        late = workflow.late.len(),
        missing = workflow.missing.len(),
        "demo review examples"
    );
    let part = |s: Special| {
        people::firm_with(&firms, s)
            .map(|i| ids[i].clone())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo: no {s:?} firm")))
    };
    let (showcase, zhiyan) = (part(Special::Showcase)?, part(Special::Zhiyan)?);
    let mut orgs: Vec<(OrgId, Organisation)> = firms
        .iter()
        .zip(&ids)
        .map(|(f, id)| {
            let org = Organisation {
                kind: OrgKind::Enterprise,
                credit_code: f.credit_code.clone(),
                name: f.name.clone(),
                town: Some(geography::TOWNS[f.town].name.to_string()),
                cluster: Some(clusters::CLUSTERS[f.cluster].name.to_string()),
                coordinates: Some(f.coordinates),
                founded_on: Some(f.founded),
                above_scale: f.above_scale,
                address: Some(f.address.clone()),
            };
            (id.clone(), org)
        })
        .collect();
    let enterprises = orgs.len();
    orgs.extend(
        others
            .into_iter()
            .map(|o| (OrgId(kechuang_store::new_id()), o)),
    );
    let qualifications = tiers
        .records
        .into_iter()
        .map(|(i, q)| (ids[i].clone(), q))
        .collect();
    let ip = ip
        .into_iter()
        .enumerate()
        .flat_map(|(i, v)| v.into_iter().map(move |f| (i, f.record)))
        .map(|(i, r)| (ids[i].clone(), r))
        .collect();
    Ok(Plan {
        orgs,
        enterprises,
        showcase,
        zhiyan,
        qualifications,
        ip,
        filings,
    })
}

/// The demo accounts (for printing when the district already exists).
pub fn logins() -> Vec<DemoLogin> {
    people::LOGINS
        .iter()
        .map(|l| DemoLogin {
            username: l.username.to_string(),
            password: l.password.to_string(),
            role: l.role,
            org_name: None,
        })
        .collect()
}

/// Builds the demo district in an empty database.
///
/// Refuses with `Conflict(demo_exists)` when any organisation is already there.
/// `progress(stage, done, total)` reports each stage as it goes (zh-CN stage
/// names, for the command line's progress bar).
pub async fn build(
    app: &App,
    opts: &DemoOptions,
    progress: &(dyn Fn(&str, u64, u64) + Send + Sync),
) -> AppResult<DemoSummary> {
    let refused = || AppError::Conflict(FieldError::new("database", "demo_exists"));
    if exists(app).await? {
        return Err(refused());
    }
    progress("生成演示数据", 0, 1);
    let seed = opts.seed;
    let plan = tokio::task::spawn_blocking(move || plan(seed))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    progress("生成演示数据", 1, 1);

    // Argon2 is slow (more so in debug builds): hash each password once, in
    // parallel, before the transaction opens.
    let total_logins = people::LOGINS.len() as u64;
    progress("设置演示账号", 0, total_logins);
    let mut hashing = tokio::task::JoinSet::new();
    for (i, l) in people::LOGINS.iter().enumerate() {
        let pw = l.password;
        hashing.spawn(async move { (i, hash_password(pw).await) });
    }
    let mut hashes = vec![String::new(); people::LOGINS.len()];
    let mut hashed = 0;
    while let Some(r) = hashing.join_next().await {
        let (i, h) = r.map_err(|e| AppError::Internal(e.into()))?;
        hashes[i] = h?;
        hashed += 1;
        progress("设置演示账号", hashed, total_logins);
    }

    let now = app.now();
    let mut tx = app.store.begin().await?;
    // Checked again under the write transaction: another process may have won.
    if tx.count_organisations().await? > 0 {
        return Err(refused());
    }
    for (i, t) in geography::TOWNS.iter().enumerate() {
        tx.ensure_town(t.name, Some(t.code), i as i32 + 1, Some((t.lon, t.lat)))
            .await?;
    }
    for (i, c) in clusters::CLUSTERS.iter().enumerate() {
        tx.ensure_cluster(c.name, i as i32 + 1).await?;
    }
    let geography = geo::district()?;
    crate::ops::geo::store_in(
        &mut tx,
        "demo",
        now,
        geography,
        kechuang_core::geo_datum::Datum::Wgs84,
        Some(geo::SOURCE_NAME),
        geo::OUTLINE.len(),
    )
    .await?;

    let n_orgs = plan.orgs.len() as u64;
    progress("写入机构", 0, n_orgs);
    tx.insert_organisations(&plan.orgs, now).await?;
    progress("写入机构", n_orgs, n_orgs);

    let n_quals = plan.qualifications.len() as u64;
    progress("写入资质", 0, n_quals);
    tx.insert_qualifications(&plan.qualifications, now).await?;
    progress("写入资质", n_quals, n_quals);

    let n_ip = plan.ip.len() as u64;
    progress("写入知识产权", 0, n_ip);
    tx.insert_ip_records(&plan.ip, now).await?;
    progress("写入知识产权", n_ip, n_ip);

    let n_filings = plan.filings.len() as u64;
    let mut delta = RollupDelta::default();
    let mut done = 0;
    progress("写入指标填报", 0, n_filings);
    for slice in plan.filings.chunks(2_000) {
        tx.insert_filings_deferred(slice, &mut delta).await?;
        done += slice.len() as u64;
        progress("写入指标填报", done, n_filings);
    }
    tx.apply_rollup(&delta).await?;

    let org_name = |id: &OrgId| {
        plan.orgs
            .iter()
            .find(|(x, _)| x == id)
            .map(|(_, o)| o.name.clone())
    };
    let named = |name: &str| {
        plan.orgs
            .iter()
            .find(|(_, o)| o.name == name)
            .map(|(id, _)| id.clone())
    };
    let mut users = Vec::with_capacity(people::LOGINS.len());
    let mut logins = Vec::with_capacity(people::LOGINS.len());
    for (l, hash) in people::LOGINS.iter().zip(hashes) {
        let org_id = match l.org {
            people::LoginOrg::None => None,
            people::LoginOrg::Firm(Special::Zhiyan) => Some(plan.zhiyan.clone()),
            people::LoginOrg::Firm(_) => Some(plan.showcase.clone()),
            people::LoginOrg::Named(name) => Some(named(name).ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("demo: no organisation {name}"))
            })?),
        };
        let user = UserRecord {
            id: UserId(kechuang_store::new_id()),
            username: l.username.to_string(),
            display_name: l.display_name.to_string(),
            password_hash: hash,
            role: l.role,
            org_id,
            towns: l.towns.map(|t| t.iter().map(|s| s.to_string()).collect()),
            active: true,
        };
        tx.insert_user(&user, now).await?;
        logins.push(DemoLogin {
            username: user.username.clone(),
            password: l.password.to_string(),
            role: user.role,
            org_name: user.org_id.as_ref().and_then(org_name),
        });
        users.push(user);
    }

    let mut summary = DemoSummary {
        enterprises: plan.enterprises as u64,
        organisations: n_orgs,
        filings: n_filings,
        qualifications: n_quals,
        logins,
        matchmaking: (0, 0, 0),
    };
    let mut events: Vec<NewEvent> = plan
        .orgs
        .iter()
        .map(|(id, org)| NewEvent {
            actor: "demo".into(),
            entity: "organisation".into(),
            entity_id: id.to_string(),
            kind: "organisation.created".into(),
            payload: crate::ops::org::org_json(org),
        })
        .collect();
    events.extend(users.iter().map(|u| NewEvent {
        actor: "demo".into(),
        entity: "user".into(),
        entity_id: u.id.to_string(),
        kind: "user.created".into(),
        payload: json!({"username": u.username, "role": u.role.code(), "org_id": u.org_id, "towns": u.towns}),
    }));
    events.push(NewEvent {
        actor: "demo".into(),
        entity: "demo".into(),
        entity_id: format!("seed:{seed}"),
        kind: "demo.built".into(),
        payload: json!({
            "seed": seed,
            "enterprises": summary.enterprises,
            "organisations": summary.organisations,
            "filings": summary.filings,
            "qualifications": summary.qualifications,
            "ip_records": n_ip,
            "users": users.len(),
        }),
    });
    let facts = ladder::facts(seed, &plan.orgs, &plan.qualifications);
    ladder::write(&mut tx, &facts, now).await?;
    summary.matchmaking = matchmaking::write(&mut tx, seed, &plan.orgs, now).await?;
    let (outcomes, outcome_events) = outcomes::write(&mut tx, seed, &plan.orgs).await?;
    tracing::info!(?outcomes, "demo: matchmaking outcome chain");
    events.extend(outcome_events);
    sessions::write(&mut tx, seed, &plan.orgs, &plan.showcase, now).await?;
    let n_policies = policies::write(&mut tx, now).await?;
    tracing::info!(n_policies, "demo: policy library");
    let (contracts, contract_events) = contracts::write(&mut tx, seed, &plan.orgs).await?;
    tracing::info!(?contracts, "demo: technology contracts");
    events.extend(contract_events);
    let challenges = challenges::write(&mut tx, seed, &plan.orgs, now).await?;
    tracing::info!(
        ?challenges,
        "demo: 揭榜挂帅 (calls, applications, projects)"
    );
    let platforms = platforms::write(
        &mut tx,
        seed,
        &plan.orgs,
        &plan.qualifications,
        &plan.showcase,
        now,
    )
    .await?;
    tracing::info!(?platforms, "demo: innovation platforms");
    // After the platforms: evaluations read the R&D-institution levels.
    let loans = loans::write(&mut tx, seed, &plan.orgs, &plan.showcase, now).await?;
    tracing::info!(?loans, "demo: knowledge-value credit loans");
    let (subsidies, subsidy_events) = subsidies::write(
        &mut tx,
        seed,
        &plan.orgs,
        &plan.qualifications,
        &plan.filings,
        now,
    )
    .await?;
    tracing::info!(?subsidies, "demo: subsidies");
    let talent = talent::write(&mut tx, seed, &plan.orgs, &plan.showcase, app.today(), now).await?;
    tracing::info!(?talent, "demo: talent demands and records");
    events.extend(subsidy_events);
    let line_demo = line::write(&mut tx, seed, &plan.zhiyan, now).await?;
    tracing::info!(?line_demo, "demo: assembly line in trial production");
    let n_events = events.len() as u64;
    progress("写入事件", 0, n_events);
    tx.append_events(&events).await?;
    progress("写入事件", n_events, n_events);
    progress("提交", 0, 1);
    tx.commit().await?;
    progress("提交", 1, 1);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kechuang_core::period::Period;
    use std::collections::{HashMap, HashSet};

    /// The report's R&D definition applied in memory: current 2023Q3 filings of
    /// 规上 enterprises, and the same enterprises' current 2022Q3 filings.
    fn rd_sums(p: &Plan) -> (i64, i64) {
        let above: HashSet<&OrgId> = p
            .orgs
            .iter()
            .filter(|(_, o)| o.above_scale)
            .map(|(id, _)| id)
            .collect();
        let current = |period: Period| -> HashMap<&OrgId, i64> {
            p.filings
                .iter()
                .filter(|f| f.is_current && f.period == period && above.contains(&f.org_id))
                .filter_map(|f| f.values.get("rd_expense").map(|v| (&f.org_id, v)))
                .collect()
        };
        let now = current(Period::quarter(2023, 3).unwrap());
        let base = current(Period::quarter(2022, 3).unwrap());
        let base_sum = now.keys().map(|id| base.get(id).copied().unwrap()).sum();
        (now.values().sum(), base_sum)
    }

    #[test]
    fn every_seed_hits_the_rd_targets_exactly_with_one_current_version_per_filing() {
        for seed in [0, 1, 42, u64::MAX] {
            let p = plan(seed).unwrap();
            assert_eq!(
                rd_sums(&p),
                (targets::RD_2023Q3_FEN, targets::RD_2022Q3_FEN),
                "seed {seed}"
            );
            let mut current = HashSet::new();
            for f in p.filings.iter().filter(|f| f.is_current) {
                assert!(
                    current.insert((f.org_id.clone(), f.period)),
                    "two current versions"
                );
                assert!(kechuang_core::indicator::check(&f.values).is_empty());
            }
            let above =
                p.orgs.iter().filter(|(_, o)| o.above_scale).count() as f64 / p.enterprises as f64;
            // About 30 % in the 2023 register; the firms founded since are mostly small.
            assert!((0.18..0.36).contains(&above), "seed {seed}: {above}");
        }
    }
}
