//! `kechuang bench`: whole-system figures on generated data.
//!
//! * `import` — a generated workbook of N enterprises × Q year-to-date quarters,
//!   imported into a fresh SQLite database (or the PostgreSQL database given with
//!   `--database`, which must be empty): rows per second and peak memory.
//! * `dashboard` — N enterprises × Q quarters × every indicator, then the district
//!   dashboard's aggregates, warm: town-by-town YoY sums of all indicators (from
//!   the rollup, and recomputed by scanning the filings for comparison), counts by
//!   qualification, top-20 ranking.
//! * `profile` — an enterprise with 10 years of filings: the profile use case and
//!   the whole profile page through the router.
//! * `ladder` — N generated, internally consistent profiles evaluated against
//!   every rule pack on one core (pure evaluation), then N enterprises with 8
//!   quarters written to a scratch database and evaluated through the registry
//!   path (load inputs, evaluate, store runs and current verdicts).

use crate::config::{BenchArgs, BenchWhich, Settings};
use anyhow::{Context, bail};
use kechuang_app::{Actor, App};
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::{ALL, Values};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::period::Period;
use kechuang_core::qualification::{Qualification, QualificationKind};
use kechuang_store::{FilingVersion, Store};
use serde_json::{Value, json};
use std::process::ExitCode;
use std::time::Instant;

/// Runs the chosen benchmarks and prints their figures.
pub async fn run(settings: &Settings, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let mut out = serde_json::Map::new();
    let all = args.which == BenchWhich::All;
    if all || args.which == BenchWhich::Import {
        out.insert(
            "import".into(),
            import(
                settings,
                args.enterprises.unwrap_or(50_000),
                args.quarters.unwrap_or(20),
                args.json,
            )
            .await?,
        );
    }
    if all || args.which == BenchWhich::Dashboard {
        out.insert(
            "dashboard".into(),
            dashboard(
                settings,
                args.enterprises.unwrap_or(50_000),
                args.quarters.unwrap_or(40),
                args.json,
            )
            .await?,
        );
    }
    if all || args.which == BenchWhich::Profile {
        out.insert("profile".into(), profile(settings, args.json).await?);
    }
    if all || args.which == BenchWhich::Ladder {
        out.insert(
            "ladder".into(),
            ladder(settings, args.enterprises.unwrap_or(50_000), args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Schedule {
        out.insert("schedule".into(), crate::bench_schedule::run(args.json));
    }
    if all || args.which == BenchWhich::MmImport {
        out.insert(
            "mm_import".into(),
            crate::bench_mm::run(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Match {
        out.insert(
            "match".into(),
            crate::bench_match::bench_match(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Search {
        out.insert(
            "search".into(),
            crate::bench_match::bench_search(settings, args).await?,
        );
    }
    if all || args.which == BenchWhich::Money {
        out.insert(
            "money".into(),
            crate::bench_money::run(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Policy {
        out.insert(
            "policy".into(),
            crate::bench_policy::run(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Contracts {
        out.insert(
            "contracts".into(),
            crate::bench_contracts::run(args.json).await?,
        );
    }
    if all || args.which == BenchWhich::LineAnalytics {
        out.insert(
            "line_analytics".into(),
            crate::bench_line_analytics::run(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Report {
        out.insert(
            "report".into(),
            crate::bench_report::run(
                settings,
                args.enterprises.unwrap_or(50_000),
                args.quarters.unwrap_or(8),
                args.json,
            )
            .await?,
        );
    }
    if all || args.which == BenchWhich::LineIngest {
        out.insert(
            "line_ingest".into(),
            crate::bench_line::ingest(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::LineLatency {
        out.insert(
            "line_latency".into(),
            crate::bench_line::latency(settings, args.json).await?,
        );
    }
    if all || args.which == BenchWhich::Map {
        out.insert(
            "map".into(),
            crate::bench_map::run(settings, args.enterprises.unwrap_or(50_000), args.json).await?,
        );
    }
    if args.json {
        println!("{}", Value::Object(out));
    }
    Ok(ExitCode::SUCCESS)
}

/// A scratch database: the PostgreSQL URL given with --database (must be empty), or
/// a SQLite file in a temporary directory.
pub(crate) async fn scratch(
    settings: &Settings,
) -> anyhow::Result<(App, Option<tempfile::TempDir>, &'static str)> {
    if kechuang_store::is_postgres_url(&settings.database) {
        let app = settings.open_app().await?;
        if app.store.read().await?.count_organisations().await? > 0 {
            bail!(
                "bench needs an empty PostgreSQL database; {} has data",
                crate::config::redact(&settings.database)
            );
        }
        return Ok((app, None, "postgres"));
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let store = Store::open_sqlite(&path).await?;
    store.migrate().await?;
    Ok((App::new(store, settings.app.clone()), Some(dir), "sqlite"))
}

pub(crate) fn say(json: bool, line: String) {
    if json {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

/// Peak resident memory of this process, MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Resets the peak so it measures what follows (Linux: `5 > clear_refs`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn import(
    settings: &Settings,
    enterprises: u32,
    quarters: u32,
    json: bool,
) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    let work = tempfile::tempdir()?;
    let path = work.path().join("bench.xlsx");
    say(
        json,
        format!("bench import: generating {enterprises} enterprises × {quarters} quarters…"),
    );
    let t = Instant::now();
    let p = path.clone();
    let counts = tokio::task::spawn_blocking(move || {
        kechuang_app::export::synthetic_workbook(&p, enterprises, quarters, 7)
    })
    .await?
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let file_mb = std::fs::metadata(&path)?.len() as f64 / 1_048_576.0;
    say(
        json,
        format!(
            "  workbook: {file_mb:.1} MiB in {:.1} s",
            t.elapsed().as_secs_f64()
        ),
    );
    let bytes = std::fs::read(&path)?;
    reset_peak_rss();
    let rss_before = peak_rss_mib();
    let opts = kechuang_app::import::ImportOptions {
        accept_warnings: true,
        dry_run: false,
    };
    let t = Instant::now();
    let r = kechuang_app::import::import_bytes(&app, &Actor::cli(), "bench.xlsx", bytes, &opts)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let secs = t.elapsed().as_secs_f64();
    if !r.errors.is_empty() {
        bail!(
            "the generated workbook did not import: {}",
            r.errors[0].message()
        );
    }
    let filing_rows = counts.filing_rows as f64;
    let all_rows = (counts.filing_rows + counts.enterprises) as f64;
    let peak = peak_rss_mib();
    let v = json!({
        "backend": backend,
        "enterprises": counts.enterprises,
        "filing_rows": counts.filing_rows,
        "file_mib": round(file_mb, 1),
        "seconds": round(secs, 2),
        "filing_rows_per_s": (filing_rows / secs).round(),
        "rows_per_s": (all_rows / secs).round(),
        "peak_rss_mib": peak.map(|p| round(p, 0)),
        "rss_before_mib": rss_before.map(|p| round(p, 0)),
    });
    say(
        json,
        format!(
            "  imported {} filing rows + {} enterprises in {secs:.2} s on {backend}: {:.0} filing rows/s, peak RSS {:.0} MiB",
            counts.filing_rows,
            counts.enterprises,
            filing_rows / secs,
            peak.unwrap_or(0.0)
        ),
    );
    app.store.close().await;
    Ok(v)
}

pub(crate) fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// A small deterministic generator (SplitMix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const TOWNS: usize = 28;
const CLUSTERS: [&str; 7] = [
    "新型储能",
    "智能网联新能源汽车零部件",
    "摩托车",
    "电子信息",
    "高端装备",
    "新材料",
    "生物医药与大健康",
];

/// Writes N enterprises with Q year-to-date quarters each (ending 2023Q4) straight
/// through the store, with qualifications; returns the enterprises' ids.
pub(crate) async fn generate(
    store: &Store,
    n: u32,
    quarters: u32,
    seed: u64,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<Vec<OrgId>> {
    let mut rng = Rng(seed);
    let now = kechuang_store::now_us();
    let mut tx = store.begin().await?;
    for t in 0..TOWNS {
        tx.ensure_town(&format!("第{:02}镇", t + 1), None, t as i32, None)
            .await?;
    }
    for (k, c) in CLUSTERS.iter().enumerate() {
        tx.ensure_cluster(c, k as i32).await?;
    }
    let mut ids = Vec::with_capacity(n as usize);
    let mut orgs = Vec::with_capacity(n as usize);
    for i in 0..n {
        let code = kechuang_core::credit_code::CreditCode::complete(&format!("9150015{:010}", i))
            .context("credit code")?;
        let id = OrgId(kechuang_store::new_id());
        orgs.push((
            id.clone(),
            Organisation {
                kind: OrgKind::Enterprise,
                credit_code: code,
                name: format!("基准测试企业{i:05}有限公司"),
                town: Some(format!("第{:02}镇", rng.below(TOWNS as u64) + 1)),
                cluster: Some(CLUSTERS[rng.below(CLUSTERS.len() as u64) as usize].to_string()),
                coordinates: None,
                founded_on: None,
                above_scale: rng.below(10) < 3,
                address: None,
            },
        ));
        ids.push(id);
    }
    tx.insert_organisations(&orgs, now).await?;
    let last = Period::quarter(2023, 4).context("period")?;
    let periods: Vec<Period> = (0..quarters as i32)
        .filter_map(|k| {
            let idx = last.year_number() * 4 + 3 - k;
            Period::quarter(idx.div_euclid(4), (idx.rem_euclid(4) + 1) as u8)
        })
        .collect();
    let total = u64::from(n) * periods.len() as u64;
    let mut done = 0u64;
    let mut batch = Vec::with_capacity(4000);
    let mut delta = kechuang_store::RollupDelta::default();
    for id in &ids {
        let scale = 100 + rng.below(50_000) as i64;
        for p in &periods {
            let q = i64::from(p.quarter_number().unwrap_or(4));
            let mut v = Values::default();
            for ind in ALL {
                let base = scale * q * (1 + rng.below(1000) as i64);
                v.0[ind.index] = Some(match ind.unit {
                    kechuang_core::indicator::Unit::Level => rng.below(5) as i64,
                    kechuang_core::indicator::Unit::Person => (base % 100_000) * 100,
                    kechuang_core::indicator::Unit::Piece
                    | kechuang_core::indicator::Unit::Item => base % 100,
                    _ => base * 10_000,
                });
            }
            batch.push(FilingVersion::new(
                id.clone(),
                *p,
                1,
                FilingStatus::Approved,
                FilingSource::Import,
                true,
                "bench",
                now,
                v,
            ));
        }
        if batch.len() >= 4000 {
            tx.insert_filings_deferred(&batch, &mut delta).await?;
            done += batch.len() as u64;
            batch.clear();
            progress(done, total);
        }
    }
    tx.insert_filings_deferred(&batch, &mut delta).await?;
    tx.apply_rollup(&delta).await?;
    progress(total, total);
    let kinds = [
        QualificationKind::TechEnterprise,
        QualificationKind::HighTech,
        QualificationKind::Srdi,
        QualificationKind::TechSme,
    ];
    for id in &ids {
        for k in kinds {
            if rng.below(10) < 3 {
                let day = chrono::NaiveDate::from_ymd_opt(
                    2019 + rng.below(5) as i32,
                    1 + rng.below(12) as u32,
                    1,
                )
                .context("date")?;
                tx.upsert_qualification(
                    id,
                    &Qualification::new(k, None, day, None)
                        .map_err(|e| anyhow::anyhow!(e.message()))?,
                    now,
                )
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(ids)
}

/// Median and 95th percentile of repeated runs, milliseconds.
pub(crate) async fn time_ms<F, Fut, T>(runs: usize, mut f: F) -> anyhow::Result<(f64, f64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    f().await?; // warm-up
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        v.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    v.sort_by(f64::total_cmp);
    let p = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Ok((round(p(0.5), 2), round(p(0.95), 2)))
}

async fn dashboard(
    settings: &Settings,
    n: u32,
    quarters: u32,
    json: bool,
) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    say(
        json,
        format!(
            "bench dashboard: generating {n} enterprises × {quarters} quarters × {} indicators on {backend}…",
            ALL.len()
        ),
    );
    let t = Instant::now();
    let bar = indicatif::ProgressBar::new(1);
    if json {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    generate(&app.store, n, quarters, 11, &|d, t| {
        bar.set_length(t);
        bar.set_position(d);
    })
    .await?;
    bar.finish_and_clear();
    say(
        json,
        format!("  generated in {:.1} s", t.elapsed().as_secs_f64()),
    );
    // What `kechuang maintain` does after a bulk load (statistics; on PostgreSQL the
    // period-ordered rewrite of filing_current).
    let t = Instant::now();
    app.store.maintain().await?;
    let maintain_s = t.elapsed().as_secs_f64();
    say(json, format!("  kechuang maintain: {maintain_s:.1} s"));
    let p = Period::quarter(2023, 3).context("period")?;
    let periods = [p, p.year_earlier().context("period")?];
    let store = app.store.clone();
    let rollup = time_ms(30, || {
        let s = store.clone();
        async move { Ok(s.read().await?.town_indicator_sums(&periods).await?) }
    })
    .await?;
    let scan = time_ms(5, || {
        let s = store.clone();
        async move { Ok(s.read().await?.town_indicator_sums_scan(&periods).await?) }
    })
    .await?;
    let day = p.end_date();
    let counts = time_ms(20, || {
        let s = store.clone();
        async move { Ok(s.read().await?.counts_by_qualification(day, None).await?) }
    })
    .await?;
    let rd = kechuang_core::indicator::by_code("rd_expense").context("rd_expense")?;
    let top = time_ms(20, || {
        let s = store.clone();
        async move { Ok(s.read().await?.top_by_indicator(p, rd, 20, None).await?) }
    })
    .await?;
    let whole = time_ms(20, || {
        let a = app.clone();
        async move {
            kechuang_app::ops::dashboard::figures(&a, &Actor::cli(), "2023Q3", None)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
    })
    .await?;
    // The rollup and the scan must agree, or the figure means nothing.
    let a = store.read().await?.town_indicator_sums(&periods).await?;
    let b = store
        .read()
        .await?
        .town_indicator_sums_scan(&periods)
        .await?;
    if a != b {
        bail!("rollup and scan disagree");
    }
    say(
        json,
        format!(
            "  town-by-town YoY sums of all indicators (rollup): median {} ms, p95 {} ms",
            rollup.0, rollup.1
        ),
    );
    say(
        json,
        format!(
            "  the same recomputed by scanning the filings:      median {} ms, p95 {} ms",
            scan.0, scan.1
        ),
    );
    say(
        json,
        format!(
            "  counts by qualification: median {} ms; top-20 by R&D: median {} ms; whole dashboard: median {} ms",
            counts.0, top.0, whole.0
        ),
    );
    app.store.close().await;
    Ok(json!({
        "backend": backend,
        "enterprises": n,
        "quarters": quarters,
        "filings": u64::from(n) * u64::from(quarters),
        "maintain_s": round(maintain_s, 1),
        "town_yoy_sums_ms": {"median": rollup.0, "p95": rollup.1},
        "town_yoy_sums_scan_ms": {"median": scan.0, "p95": scan.1},
        "counts_by_qualification_ms": {"median": counts.0, "p95": counts.1},
        "top20_ms": {"median": top.0, "p95": top.1},
        "dashboard_ms": {"median": whole.0, "p95": whole.1},
    }))
}

async fn profile(settings: &Settings, json: bool) -> anyhow::Result<Value> {
    use tower::ServiceExt;
    let (app, _dir, backend) = scratch(settings).await?;
    // 2,000 neighbours so the tables are not trivially small, one firm with 10 years.
    let ids = generate(&app.store, 2000, 40, 5, &|_, _| {}).await?;
    let id = ids[0].clone();
    // Ten annual filings as well.
    let mut tx = app.store.begin().await?;
    let now = kechuang_store::now_us();
    for y in 2014..=2023 {
        let period = Period::year(y).context("year")?;
        let mut v = Values::default();
        v.set("rd_expense", Some(1_000_000 * i64::from(y - 2000)));
        v.set("operating_revenue", Some(20_000_000 * i64::from(y - 2000)));
        tx.insert_filing(&FilingVersion::new(
            id.clone(),
            period,
            1,
            FilingStatus::Approved,
            FilingSource::Import,
            true,
            "bench",
            now,
            v,
        ))
        .await?;
    }
    tx.commit().await?;
    let admin = kechuang_app::ops::auth::NewUser {
        username: "benchadmin".into(),
        display_name: "基准".into(),
        password: "bench-password".into(),
        role: "bureau_admin".into(),
        org_id: None,
        towns: None,
    };
    kechuang_app::ops::auth::create_user(&app, &Actor::cli(), admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let session = kechuang_app::ops::auth::login(&app, "benchadmin", "bench-password")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let use_case = time_ms(50, || {
        let a = app.clone();
        let id = id.clone();
        async move {
            kechuang_app::ops::org::profile(&a, &Actor::cli(), &id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
    })
    .await?;
    let router = kechuang_web::router(kechuang_web::AppState::new(
        app.clone(),
        kechuang_web::WebConfig::default(),
    ));
    let uri = format!("/enterprises/{id}");
    let cookie = format!("kc_session={}", session.token);
    let page = time_ms(50, || {
        let r = router.clone();
        let req = axum::http::Request::get(&uri)
            .header("cookie", &cookie)
            .body(axum::body::Body::empty());
        async move {
            let resp = r.oneshot(req?).await?;
            if !resp.status().is_success() {
                bail!("profile page answered {}", resp.status());
            }
            Ok(axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await?
                .len())
        }
    })
    .await?;
    say(
        json,
        format!(
            "bench profile ({backend}, 50 filings over 10 years): use case median {} ms (p95 {}); whole page median {} ms (p95 {})",
            use_case.0, use_case.1, page.0, page.1
        ),
    );
    app.store.close().await;
    Ok(
        json!({"backend": backend, "filings": 50, "profile_use_case_ms": {"median": use_case.0, "p95": use_case.1}, "profile_page_ms": {"median": page.0, "p95": page.1}}),
    )
}

/// A consistent generated profile (parts within their wholes).
fn bench_profile(rng: &mut Rng, i: u32) -> kechuang_core::ladder::Profile {
    use kechuang_core::ip::{Acquisition, IpType, LegalStatus};
    use kechuang_core::ladder::profile::{HeldQualification, IpItem, Profile, YearFacts};
    use rust_decimal::Decimal;
    let d = |v: u64| Decimal::from(v);
    let mut years = std::collections::BTreeMap::new();
    let base = 200 + rng.below(40_000);
    for (k, y) in (2022..=2025).enumerate() {
        let rev = base * (100 + k as u64 * rng.below(20)) / 100;
        let staff = 10 + rng.below(600);
        let rd = rev * rng.below(9) / 100;
        years.insert(
            y,
            YearFacts {
                operating_revenue: Some(d(rev)),
                sales_revenue: Some(d(rev)),
                main_revenue: Some(d(rev * (60 + rng.below(40)) / 100)),
                high_tech_revenue: Some(d(rev * rng.below(90) / 100)),
                total_revenue: Some(d(rev + rng.below(100))),
                net_profit: Some(d(rev / 10)),
                total_assets: Some(d(rev * 2)),
                net_assets: Some(d(rev * (10 + rng.below(80)) / 100)),
                total_cost: Some(d(rev * 9 / 10)),
                staff: Some(d(staff)),
                st_staff: Some(d(staff * rng.below(40) / 100)),
                rd_staff: Some(d(staff * rng.below(30) / 100)),
                rd_expense: Some(d(rd)),
                rd_domestic: Some(d(rd * (50 + rng.below(51)) / 100)),
                conversions: Some(rng.below(7) as u32),
                ..YearFacts::default()
            },
        );
    }
    let day = |y: i32, m: u32| chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
    let ip = (0..rng.below(8))
        .map(|k| IpItem {
            ip_type: if k % 3 == 0 {
                IpType::InventionPatent
            } else {
                IpType::UtilityModel
            },
            granted_on: Some(day(2018 + (k % 7) as i32, 3)),
            status: LegalStatus::Valid,
            acquisition: Acquisition::OwnRnd,
            acquired_on: None,
            used_in_hte: false,
            high_value: false,
            related_to_main_product: true,
            applied: Some(true),
            holder_rank: Some(1),
        })
        .collect();
    let qualifications = if rng.below(4) == 0 {
        vec![HeldQualification {
            kind: QualificationKind::HighTech,
            recognized_on: day(2023, 12),
            valid_until: None,
        }]
    } else {
        Vec::new()
    };
    Profile {
        name: format!("基准企业{i}"),
        registered_on: Some(day(2010 + (i % 12) as i32, 6)),
        years,
        ip,
        qualifications,
        ..Profile::default()
    }
}

async fn ladder(settings: &Settings, n: u32, json: bool) -> anyhow::Result<Value> {
    use kechuang_core::ladder::{Context, PackId, evaluate_pack};
    let mut rng = Rng(2026);
    let profiles: Vec<_> = (0..n).map(|i| bench_profile(&mut rng, i)).collect();
    let ctx = Context::on(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).context("date")?);
    // Pure evaluation on this thread: every pack for every firm.
    let t0 = Instant::now();
    let mut tiers = 0usize;
    let mut eligible = 0usize;
    for p in &profiles {
        for pack in PackId::ALL {
            let r = evaluate_pack(pack, p, &ctx).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tiers += r.len();
            eligible += r
                .iter()
                .filter(|t| t.status == kechuang_core::ladder::Status::Eligible)
                .count();
        }
    }
    let pure_s = t0.elapsed().as_secs_f64();
    say(
        json,
        format!(
            "ladder: every pack for {n} firms on one core: {:.2} s ({:.1} µs per firm, {tiers} tier results, {eligible} eligible)",
            pure_s,
            pure_s * 1e6 / f64::from(n.max(1))
        ),
    );
    // The registry path on a scratch database.
    let (app, _dir, backend) = scratch(settings).await?;
    let reg_n = n.min(20_000);
    generate(&app.store, reg_n, 8, 7, &|_, _| {}).await?;
    let t1 = Instant::now();
    let done = kechuang_app::ops::ladder::evaluate_all(&app, ctx.as_of)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let reg_s = t1.elapsed().as_secs_f64();
    say(
        json,
        format!(
            "ladder: registry path ({backend}) {} enterprises loaded, evaluated and stored in {:.2} s ({:.0} per second)",
            done.evaluated,
            reg_s,
            done.evaluated as f64 / reg_s.max(1e-9)
        ),
    );
    app.store.close().await;
    Ok(json!({
        "firms": n,
        "pure_seconds_all_packs": round(pure_s, 3),
        "pure_us_per_firm": round(pure_s * 1e6 / f64::from(n.max(1)), 1),
        "tier_results": tiers,
        "registry_backend": backend,
        "registry_enterprises": done.evaluated,
        "registry_seconds": round(reg_s, 3),
        "registry_per_second": round(done.evaluated as f64 / reg_s.max(1e-9), 0),
    }))
}
