//! `kechuang bench map`: the 科技地图's points for 50,000 enterprises (with
//! coordinates, tiers and one indicator each) through the whole router, as the
//! browser asks for them: the bureau's layer with a measure, gzip; the same raw;
//! and the public layer; then the first request after a write (the cached
//! payload is rebuilt). Figures: server time p50/max, bytes raw and gzip.

use crate::bench::{Rng, say, scratch};
use crate::config::Settings;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use kechuang_app::Actor;
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::Values;
use kechuang_core::org::{Coordinates, OrgKind, Organisation};
use kechuang_core::period::Period;
use kechuang_core::qualification::{Qualification, QualificationKind};
use kechuang_store::FilingVersion;
use serde_json::{Value, json};
use std::time::Instant;
use tower::ServiceExt;

const TOWNS: usize = 28;
const CLUSTERS: [&str; 6] = [
    "新型储能",
    "汽车零部件",
    "摩托车",
    "装备制造",
    "电子信息",
    "食品加工",
];

/// Runs the benchmark with `n` enterprises.
pub async fn run(settings: &Settings, n: u32, json: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    say(
        json,
        format!("bench map ({backend}): generating {n} enterprises…"),
    );
    let mut rng = Rng(17);
    let now = kechuang_store::now_us();
    let mut tx = app.store.begin().await?;
    for t in 0..TOWNS {
        tx.ensure_town(&format!("第{:02}镇", t + 1), None, t as i32, None)
            .await?;
    }
    let mut orgs = Vec::with_capacity(n as usize);
    let mut quals = Vec::new();
    let mut filings = Vec::with_capacity(n as usize);
    let period = Period::quarter(2023, 3).context("period")?;
    let day = NaiveDate::from_ymd_opt(2023, 1, 1).context("date")?;
    for i in 0..n {
        let code = kechuang_core::credit_code::CreditCode::complete(&format!("9150016{i:010}"))
            .context("credit code")?;
        let id = OrgId(kechuang_store::new_id());
        let town = rng.below(TOWNS as u64) as i64;
        let (cx, cy) = (
            105_800_000 + (town % 7) * 65_000,
            29_550_000 + (town / 7) * 130_000,
        );
        orgs.push((
            id.clone(),
            Organisation {
                kind: OrgKind::Enterprise,
                credit_code: code,
                name: format!("重庆基准{i:05}科技有限公司"),
                town: Some(format!("第{:02}镇", town + 1)),
                cluster: Some(CLUSTERS[rng.below(CLUSTERS.len() as u64) as usize].to_string()),
                coordinates: Some(Coordinates {
                    lon_micro: cx + rng.below(60_000) as i64,
                    lat_micro: cy + rng.below(120_000) as i64,
                }),
                founded_on: None,
                above_scale: rng.below(10) < 3,
                address: None,
            },
        ));
        let r = rng.below(100);
        if r < 40 {
            let kind = match r {
                0..=24 => QualificationKind::TechSme,
                25..=35 => QualificationKind::HighTech,
                36..=38 => QualificationKind::Srdi,
                _ => QualificationKind::LittleGiant,
            };
            quals.push((
                id.clone(),
                Qualification {
                    kind,
                    number: None,
                    recognized_on: day,
                    valid_until: None,
                },
            ));
        }
        let mut v = Values::default();
        v.set("rd_expense", Some(10_000 * (1 + rng.below(100_000) as i64)));
        filings.push(FilingVersion::new(
            id,
            period,
            1,
            FilingStatus::Approved,
            FilingSource::Import,
            true,
            "bench",
            now,
            v,
        ));
    }
    tx.insert_organisations(&orgs, now).await?;
    tx.insert_qualifications(&quals, now).await?;
    let mut delta = kechuang_store::RollupDelta::default();
    for slice in filings.chunks(2_000) {
        tx.insert_filings_deferred(slice, &mut delta).await?;
    }
    tx.apply_rollup(&delta).await?;
    tx.commit().await?;
    app.store.analyze().await?;

    let admin = kechuang_app::ops::auth::NewUser {
        username: "mapadmin".into(),
        display_name: "基准".into(),
        password: "bench-password".into(),
        role: "bureau_admin".into(),
        org_id: None,
        towns: None,
    };
    kechuang_app::ops::auth::create_user(&app, &Actor::cli(), admin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let session = kechuang_app::ops::auth::login(&app, "mapadmin", "bench-password")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let router = kechuang_web::router(kechuang_web::AppState::new(
        app.clone(),
        kechuang_web::WebConfig::default(),
    ));
    let cookie = format!("kc_session={}", session.token);
    let fetch = |uri: &'static str, gzip: bool, auth: bool| {
        let r = router.clone();
        let cookie = cookie.clone();
        async move {
            let mut req = axum::http::Request::get(uri);
            if gzip {
                req = req.header("accept-encoding", "gzip");
            }
            if auth {
                req = req.header("cookie", cookie);
            }
            let t = Instant::now();
            let resp = r.oneshot(req.body(axum::body::Body::empty())?).await?;
            if !resp.status().is_success() {
                bail!("{uri} answered {}", resp.status());
            }
            let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
            Ok::<_, anyhow::Error>((t.elapsed().as_secs_f64() * 1000.0, bytes))
        }
    };
    let bureau_uri = "/api/v1/map/points?measure=rd_expense";
    let public_uri = "/api/v1/map/points";
    let (_, raw) = fetch(bureau_uri, false, true).await?;
    let points = serde_json::from_slice::<Value>(&raw)?["lat"]
        .as_array()
        .map_or(0, Vec::len);
    if points != n as usize {
        bail!("expected {n} points, got {points}");
    }
    let runs = 15;
    let mut times = Vec::with_capacity(runs);
    let mut gz = 0;
    fetch(bureau_uri, true, true).await?; // warm-up
    for _ in 0..runs {
        let (ms, b) = fetch(bureau_uri, true, true).await?;
        times.push(ms);
        gz = b.len();
    }
    times.sort_by(f64::total_cmp);
    let (p50, max) = (times[runs / 2], times[runs - 1]);
    let mut pub_times = Vec::with_capacity(runs);
    let mut pub_gz = 0;
    for _ in 0..runs {
        let (ms, b) = fetch(public_uri, true, false).await?;
        pub_times.push(ms);
        pub_gz = b.len();
    }
    pub_times.sort_by(f64::total_cmp);
    // After a write (a new qualification each time): the data version moves, so
    // the next request rebuilds the payload from the database.
    let rebuilds = 5;
    let mut cold = Vec::with_capacity(rebuilds);
    for k in 0..rebuilds {
        let mut tx = app.store.begin().await?;
        let org = tx
            .map_orgs(&["enterprise"], None)
            .await?
            .into_iter()
            .nth(k)
            .context("an enterprise")?;
        tx.insert_qualifications(
            &[(
                OrgId(org.id),
                Qualification {
                    kind: QualificationKind::Srdi,
                    number: None,
                    recognized_on: day + chrono::Days::new(1 + k as u64),
                    valid_until: None,
                },
            )],
            kechuang_store::now_us(),
        )
        .await?;
        tx.commit().await?;
        let (ms, _) = fetch(bureau_uri, true, true).await?;
        cold.push(ms);
    }
    cold.sort_by(f64::total_cmp);
    let r2 = |x: f64| (x * 100.0).round() / 100.0;
    say(
        json,
        format!(
            "bench map ({backend}, {n} enterprises): bureau layer with a measure {} bytes raw, {} bytes gzip; server time p50 {:.1} ms, max {:.1} ms over {runs} runs; public layer {} bytes gzip, p50 {:.1} ms, max {:.1} ms; first request after a write (rebuild) p50 {:.1} ms, max {:.1} ms",
            raw.len(),
            gz,
            p50,
            max,
            pub_gz,
            pub_times[runs / 2],
            pub_times[runs - 1],
            cold[rebuilds / 2],
            cold[rebuilds - 1]
        ),
    );
    app.store.close().await;
    Ok(json!({
        "backend": backend,
        "enterprises": n,
        "bytes_raw": raw.len(),
        "bytes_gzip": gz,
        "ms": {"p50": r2(p50), "max": r2(max)},
        "public": {"bytes_gzip": pub_gz, "ms_p50": r2(pub_times[runs / 2]), "ms_max": r2(pub_times[runs - 1])},
        "after_write": {"ms_p50": r2(cold[rebuilds / 2]), "ms_max": r2(cold[rebuilds - 1])},
        "limits": {"ms": 300, "bytes_gzip": 2_000_000}
    }))
}
