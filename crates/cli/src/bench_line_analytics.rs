//! `kechuang bench line-analytics`: a month of a 20-station line at one vehicle a
//! minute (43,200 vehicles, 864,000 station visits, 3,456,000 tightenings), written
//! through the store as ordinary line batches; then the rollup catch-up over the
//! month, an incremental catch-up, and the analytics (read from the rollups) for the
//! month, a day and a shift: p50 and max of 20 runs each.
//!
//! `KECHUANG_BENCH_LINE_VEHICLES` overrides the number of vehicles (quick runs).

use crate::bench::{round, say, scratch};
use crate::config::Settings;
use kechuang_app::Actor;
use kechuang_app::ops::line::analytics::{HOUR_US, Period, hour_of};
use kechuang_app::ops::line::recorded::{RecordedPlan, Recorder, generated_spec};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::org::{OrgKind, Organisation};
use serde_json::{Value, json};
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn p50_max(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (round(v[v.len() / 2], 1), round(v[v.len() - 1], 1))
}

/// Runs the benchmark and returns its figures.
pub(crate) async fn run(settings: &Settings, json_out: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    let vehicles: u64 = std::env::var("KECHUANG_BENCH_LINE_VEHICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(43_200);
    let now = app.now();
    let org = OrgId(kechuang_store::new_id());
    let code =
        CreditCode::complete("91500151800000001").ok_or_else(|| anyhow::anyhow!("credit code"))?;
    let spec = generated_spec(org.as_str(), "bench-l20", 20);
    {
        let mut db = app.store.begin().await?;
        db.insert_organisations(
            &[(
                org.clone(),
                Organisation {
                    kind: OrgKind::Enterprise,
                    credit_code: code,
                    name: "装配线基准企业".into(),
                    town: None,
                    cluster: None,
                    coordinates: None,
                    founded_on: None,
                    above_scale: false,
                    address: None,
                },
            )],
            now,
        )
        .await?;
        db.insert_line(&spec, now).await?;
        db.commit().await?;
    }
    // the month ends at the start of the current hour
    let start = hour_of(now) - (vehicles as i64 * 60_000_000) - HOUR_US;
    let mut rec = Recorder::new(
        &spec,
        RecordedPlan {
            seed: 2026,
            start_us: start,
            vehicles,
            takt_ms: 60_000,
            bolt_nok: 0.0008,
            override_share: 0.1,
            shift_hours: None,
            vin_prefix: "LBENCH20".into(),
        },
    );
    let t = Instant::now();
    let (mut visits, mut results) = (0u64, 0u64);
    while let Some(b) = rec.next_batch(100) {
        visits += b.visits.len() as u64;
        results += b.results.len() as u64;
        let mut db = app.store.begin().await?;
        db.write_line_batch(&b).await?;
        db.commit().await?;
    }
    let load_s = t.elapsed().as_secs_f64();
    say(
        json_out,
        format!(
            "装配线分析（{backend}）：写入 {vehicles} 台车、{visits} 次过站、{results} 次拧紧，用时 {load_s:.1} 秒"
        ),
    );
    let t = Instant::now();
    let full = app.line_rollup_catch_up(&spec, None).await?;
    let catch_up_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let inc = app.line_rollup_catch_up(&spec, None).await?;
    let incremental_ms = ms(t);
    say(
        json_out,
        format!(
            "  汇总追赶：全月 {} 小时 {catch_up_s:.1} 秒；增量 {} 小时 {incremental_ms:.0} ms",
            full.hours, inc.hours
        ),
    );
    let actor = Actor::cli();
    let last = kechuang_core::date::china_date_of(hour_of(now) - 2 * HOUR_US);
    let first = kechuang_core::date::china_date_of(start);
    let day = last - chrono::Duration::days(1);
    let periods = [
        ("month", Period::Range(first, last)),
        ("day", Period::Day(day)),
        ("shift", Period::Shift(day, true)),
    ];
    let mut out = serde_json::Map::new();
    for (name, p) in periods {
        let mut times = Vec::new();
        let mut fpy = None;
        for _ in 0..20 {
            let t = Instant::now();
            let a = app.line_analytics(&actor, &spec.code, p, None).await?;
            times.push(ms(t));
            fpy = Some((a.vehicles, a.line_fpy_pct));
        }
        let (p50, max) = p50_max(times);
        let (v, f) = fpy.unwrap_or_default();
        let f = f.map_or_else(|| "—".to_string(), |f| format!("{f}%"));
        say(
            json_out,
            format!("  分析 {name}：{v} 台，一次合格率 {f}，p50 {p50} ms，max {max} ms"),
        );
        out.insert(
            name.into(),
            json!({"vehicles": v, "line_fpy_pct": f, "p50_ms": p50, "max_ms": max}),
        );
    }
    Ok(json!({
        "backend": backend,
        "vehicles": vehicles,
        "visits": visits,
        "tightenings": results,
        "load_s": round(load_s, 1),
        "catch_up_month_s": round(catch_up_s, 1),
        "catch_up_incremental_ms": round(incremental_ms, 1),
        "analytics": Value::Object(out),
    }))
}
