//! `kechuang bench money` and `kechuang ledger payouts`: the money ledger's
//! payout path, measured and exercised.
//!
//! The benchmark pays one enterprise per payout from one budget line on a fresh
//! SQLite file (WAL, `synchronous=FULL`: every payout is committed durably before
//! the next starts), one worker, each payout through `ops::ledger::pay` exactly as
//! the API calls it: permission, validation, idempotency lookup, guarded balance
//! updates, postings, the chained event, commit.

use crate::bench::{round, say};
use kechuang_app::ops::ledger::{self, AppropriateInput, LedgerCheck, PayInput};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use serde_json::{Value, json};
use std::time::Instant;

/// The budget line the drills pay from.
pub(crate) const DRILL_BUDGET: &str = "budget:2026:DRILL";

/// Creates `n` payee enterprises (or finds them) and funds the drill budget line
/// with `fund_fen` under a fixed key (so a rerun does not fund twice).
pub(crate) async fn setup(app: &App, n: u32, fund_fen: i64) -> anyhow::Result<Vec<OrgId>> {
    let cli = Actor::cli();
    let mut orgs = Vec::with_capacity(n as usize);
    for i in 0..n {
        let code = CreditCode::complete(&format!("91500151{:09}", 700_000_000 + i))
            .ok_or_else(|| anyhow::anyhow!("credit code {i}"))?;
        let found = app.store.read().await?.organisation_by_code(&code).await?;
        let id = match found {
            Some(o) => o.id,
            None => org::create(
                app,
                &cli,
                &OrgInput {
                    credit_code: code.to_string(),
                    name: format!("兑付演练{i}科技有限公司"),
                    ..OrgInput::default()
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        orgs.push(id);
    }
    ledger::appropriate(
        app,
        &cli,
        &AppropriateInput {
            key: format!("drill-fund-{fund_fen}"),
            to: DRILL_BUDGET.into(),
            name: "兑付演练".into(),
            amount_fen: fund_fen,
            ..AppropriateInput::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(orgs)
}

/// Payout `i` of a run with `prefix`: key `<prefix>-<i>`, basis `<prefix>-APP-<i>`,
/// 1,000.00 元 plus `i mod 100` fen.
pub(crate) async fn payout(
    app: &App,
    orgs: &[OrgId],
    prefix: &str,
    i: u64,
) -> Result<ledger::TxView, AppError> {
    let org = &orgs[(i % orgs.len() as u64) as usize];
    ledger::pay(
        app,
        &Actor::cli(),
        &PayInput {
            key: format!("{prefix}-{i}"),
            from: DRILL_BUDGET.into(),
            org_id: org.to_string(),
            amount_fen: 100_000 + (i % 100) as i64,
            basis: format!("{prefix}-APP-{i}"),
            ..PayInput::default()
        },
    )
    .await
}

/// `kechuang ledger payouts`: pays `count` keyed payouts in a loop; a rerun
/// replays the ones already paid (nothing is paid twice).
pub(crate) async fn payouts(app: &App, prefix: &str, count: u64) -> anyhow::Result<(u64, u64)> {
    let orgs = setup(app, 10, 1_000_000_000_000).await?;
    let (mut paid, mut replayed) = (0, 0);
    for i in 0..count {
        let v = payout(app, &orgs, prefix, i)
            .await
            .map_err(|e| anyhow::anyhow!("payout {i}: {e}"))?;
        if v.replayed {
            replayed += 1;
        } else {
            paid += 1;
        }
    }
    Ok((paid, replayed))
}

struct Figures {
    per_s: f64,
    replay_per_s: f64,
    check_transactions: usize,
    check_ms: f64,
}

/// Sustained payouts on a fresh SQLite file in `dir`.
async fn measure(
    settings: &crate::config::Settings,
    dir: &std::path::Path,
    n: u64,
) -> anyhow::Result<Figures> {
    let store = kechuang_store::Store::open_sqlite(&dir.join("bench.db")).await?;
    store.migrate().await?;
    let app = App::new(store, settings.app.clone());
    let orgs = setup(&app, 100, 1_000_000_000_000).await?;
    // Warm up, then measure a sustained run.
    for i in 0..200 {
        payout(&app, &orgs, "warm", i)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let t = Instant::now();
    for i in 0..n {
        payout(&app, &orgs, "bench", i)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let per_s = n as f64 / t.elapsed().as_secs_f64();
    // Replays (the same keys again): the idempotent path, nothing written.
    let t = Instant::now();
    for i in 0..1_000 {
        let v = payout(&app, &orgs, "bench", i)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        anyhow::ensure!(v.replayed, "payout {i} was paid twice");
    }
    let replay_per_s = 1_000.0 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = kechuang_app::ops::check::run(&app, &Actor::cli())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let check_ms = t.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        report.ledger.ok(),
        "ledger check failed: {:?}",
        report.ledger
    );
    app.store.close().await;
    Ok(Figures {
        per_s,
        replay_per_s,
        check_transactions: report.ledger.transactions,
        check_ms,
    })
}

/// How many `write 4 KiB + fdatasync` the disk under `dir` does per second: the
/// ceiling of one worker committing durably one transaction at a time.
fn fsyncs_per_s(dir: &std::path::Path) -> anyhow::Result<f64> {
    use std::io::Write;
    let mut f = std::fs::File::create(dir.join("fsync.bin"))?;
    let block = [7u8; 4096];
    let n = 300;
    let t = Instant::now();
    for _ in 0..n {
        f.write_all(&block)?;
        f.sync_data()?;
    }
    Ok(f64::from(n) / t.elapsed().as_secs_f64())
}

/// Enterprises of the eligibility scan.
const SCAN_FIRMS: usize = 50_000;

/// The 免申即享 scan of every measure of this year over `SCAN_FIRMS`
/// enterprises with two years of approved annual filings and qualifications,
/// on a fresh SQLite file: `(firms, milliseconds, offers created)`.
async fn eligibility(
    settings: &crate::config::Settings,
    dir: &std::path::Path,
) -> anyhow::Result<(usize, f64, usize)> {
    use chrono::Datelike;
    use kechuang_core::filing::{FilingSource, FilingStatus};
    use kechuang_core::indicator::Values;
    use kechuang_core::org::{OrgKind, Organisation};
    use kechuang_core::period::Period;
    use kechuang_core::qualification::{Qualification, QualificationKind};
    use kechuang_store::{FilingVersion, RollupDelta};
    let store = kechuang_store::Store::open_sqlite(&dir.join("scan.db")).await?;
    store.migrate().await?;
    let app = App::new(store, settings.app.clone());
    let year = app.today().year();
    let now = app.now();
    let mut orgs = Vec::with_capacity(SCAN_FIRMS);
    let mut quals = Vec::new();
    let mut filings = Vec::with_capacity(2 * SCAN_FIRMS);
    let day =
        |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("date"));
    for i in 0..SCAN_FIRMS {
        let id = OrgId(kechuang_store::new_id());
        let code = CreditCode::complete(&format!("91500151{:09}", 100_000_000 + i))
            .ok_or_else(|| anyhow::anyhow!("credit code {i}"))?;
        orgs.push((
            id.clone(),
            Organisation {
                kind: OrgKind::Enterprise,
                credit_code: code,
                name: format!("扫描{i}科技有限公司"),
                town: Some("巴川街道".into()),
                cluster: None,
                coordinates: None,
                founded_on: None,
                above_scale: i % 3 == 0,
                address: None,
            },
        ));
        // Half hold a 科技型企业 record; one in ten a 高企 certificate, one in
        // fifty of them first issued last year.
        if i % 2 == 0 {
            quals.push((
                id.clone(),
                Qualification::new(
                    QualificationKind::TechEnterprise,
                    None,
                    day(year - 4, 5, 1)?,
                    None,
                )?,
            ));
        }
        if i % 10 == 0 {
            let first = if i % 500 == 0 { year - 1 } else { year - 3 };
            quals.push((
                id.clone(),
                Qualification::new(QualificationKind::HighTech, None, day(first, 11, 20)?, None)?,
            ));
        }
        for (y, wan) in [
            (year - 1, 100 + (i % 900) as i64),
            (year - 2, 90 + (i % 800) as i64),
        ] {
            let mut v = Values::default();
            v.set("rd_expense", Some(wan * 1_000_000));
            let period = Period::year(y).ok_or_else(|| anyhow::anyhow!("period"))?;
            filings.push(FilingVersion::new(
                id.clone(),
                period,
                1,
                FilingStatus::Approved,
                FilingSource::Demo,
                true,
                "bench",
                now,
                v,
            ));
        }
    }
    let mut tx = app.store.begin().await?;
    tx.insert_organisations(&orgs, now).await?;
    tx.insert_qualifications(&quals, now).await?;
    let mut delta = RollupDelta::default();
    for chunk in filings.chunks(2_000) {
        tx.insert_filings_deferred(chunk, &mut delta).await?;
    }
    tx.apply_rollup(&delta).await?;
    tx.commit().await?;
    let cli = Actor::cli();
    for m in kechuang_core::subsidy::demo_measures(year) {
        kechuang_app::ops::subsidy::create_measure(&app, &cli, year, &m)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let t = Instant::now();
    let r = kechuang_app::ops::subsidy::scan::scan(&app, &cli, year, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    // A rescan finds everything offered already.
    let again = kechuang_app::ops::subsidy::scan::scan(&app, &cli, year, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(
        again.offers_created == 0,
        "a rescan offered {} again",
        again.offers_created
    );
    app.store.close().await;
    Ok((r.firms, ms, r.offers_created))
}

/// The benchmark.
pub(crate) async fn run(
    settings: &crate::config::Settings,
    json_out: bool,
) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let fsyncs = fsyncs_per_s(dir.path())?;
    let n: u64 = 5_000;
    let disk = measure(settings, dir.path(), n).await?;
    let (scan_firms, scan_ms, offers) = eligibility(settings, dir.path()).await?;
    say(
        json_out,
        format!(
            "money: 免申即享 scan of {scan_firms} enterprises in {scan_ms:.0} ms (target < 10,000 ms), {offers} offers"
        ),
    );
    // The same run where fsync costs nothing (tmpfs): the CPU cost of a payout.
    let shm = std::path::Path::new("/dev/shm");
    let tmpfs = if shm.is_dir() {
        let d = tempfile::tempdir_in(shm)?;
        Some(measure(settings, d.path(), n).await?)
    } else {
        None
    };
    say(
        json_out,
        format!(
            "money: {n} payouts on SQLite (synchronous=FULL, one worker) at {:.0}/s (target 1,000/s); the disk does {fsyncs:.0} fsyncs/s; on tmpfs {}/s; replays {:.0}/s; check of {} transactions {:.0} ms",
            disk.per_s,
            tmpfs
                .as_ref()
                .map_or("-".into(), |t| format!("{:.0}", t.per_s)),
            disk.replay_per_s,
            disk.check_transactions,
            disk.check_ms
        ),
    );
    Ok(json!({
        "backend": "sqlite",
        "synchronous": "full",
        "workers": 1,
        "payouts": n,
        "payouts_per_s": round(disk.per_s, 1),
        "target_payouts_per_s": 1000,
        "disk_fsyncs_per_s": round(fsyncs, 1),
        "tmpfs_payouts_per_s": tmpfs.as_ref().map(|t| round(t.per_s, 1)),
        "replays_per_s": round(disk.replay_per_s, 1),
        "check_transactions": disk.check_transactions,
        "check_ms": round(disk.check_ms, 1),
        "eligibility_firms": scan_firms,
        "eligibility_ms": round(scan_ms, 1),
        "target_eligibility_ms": 10_000,
        "offers_created": offers,
    }))
}

/// The ledger lines of `kechuang check`.
pub(crate) fn print_ledger_check(c: &LedgerCheck) {
    println!(
        "资金台账：{} 笔交易，{}",
        c.transactions,
        if c.ok() {
            "借贷平衡，余额与分录、事件重放一致，无透支".to_string()
        } else {
            format!(
                "不平衡 {} 笔，余额合计 {} 分，余额不一致 {} 个，透支 {} 个，事件重放不一致 {} 处",
                c.unbalanced.len(),
                c.total_fen,
                c.balance_mismatches.len(),
                c.negative.len(),
                c.replay_mismatches.len()
            )
        }
    );
    for m in c
        .unbalanced
        .iter()
        .chain(&c.balance_mismatches)
        .chain(&c.negative)
        .chain(&c.replay_mismatches)
        .take(20)
    {
        println!("  {m}");
    }
}
