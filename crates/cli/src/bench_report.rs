//! `kechuang bench report`: at city scale (N enterprises × Q quarters, the
//! `dashboard` bench's data), the dashboard page through the router (first render
//! and warm), and the district report for a year as HTML, xlsx and PDF through the
//! report download route: server times and file sizes.

use crate::bench::{generate, round, say, scratch, time_ms};
use crate::config::Settings;
use anyhow::bail;
use kechuang_app::Actor;
use serde_json::{Value, json};
use std::time::Instant;
use tower::ServiceExt as _;

/// Runs the benchmark.
pub async fn run(settings: &Settings, n: u32, quarters: u32, json: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    say(
        json,
        format!("bench report: generating {n} enterprises × {quarters} quarters on {backend}…"),
    );
    let t = Instant::now();
    generate(&app.store, n, quarters, 11, &|_, _| {}).await?;
    app.store.maintain().await?;
    say(
        json,
        format!("  generated in {:.1} s", t.elapsed().as_secs_f64()),
    );
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
    let router = kechuang_web::router(kechuang_web::AppState::new(
        app.clone(),
        kechuang_web::WebConfig::default(),
    ));
    let cookie = format!("kc_session={}", session.token);
    let get = |uri: String| {
        let r = router.clone();
        let req = axum::http::Request::get(&uri)
            .header("cookie", &cookie)
            .body(axum::body::Body::empty());
        async move {
            let resp = r.oneshot(req?).await?;
            if !resp.status().is_success() {
                bail!("{uri} answered {}", resp.status());
            }
            Ok(axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await?
                .len())
        }
    };
    let dash = "/dashboard?period=2023Q3".to_string();
    let t = Instant::now();
    let dash_bytes = get(dash.clone()).await?;
    let first_ms = round(t.elapsed().as_secs_f64() * 1000.0, 1);
    let warm = time_ms(10, || get(dash.clone())).await?;
    say(
        json,
        format!(
            "  dashboard page ({} kB): first render {first_ms} ms; warm median {} ms (p95 {})",
            dash_bytes / 1024,
            warm.0,
            warm.1
        ),
    );
    // The same page filtered to one town and one cluster (every panel, the
    // programme panels and the distribution included).
    let (towns, clusters) = {
        let mut db = app.store.read().await?;
        (db.towns().await?, db.clusters().await?)
    };
    let mut filtered = Value::Null;
    if let (Some(t), Some(c)) = (towns.first(), clusters.first()) {
        let uri = format!(
            "/dashboard?period=2023Q3&town={}&cluster={}",
            enc(t),
            enc(c)
        );
        let t0 = Instant::now();
        let bytes = get(uri.clone()).await?;
        let first = round(t0.elapsed().as_secs_f64() * 1000.0, 1);
        let (median, p95) = time_ms(10, || get(uri.clone())).await?;
        say(
            json,
            format!(
                "  dashboard page filtered to a town and a cluster ({} kB): first render {first} ms; warm median {median} ms (p95 {p95})",
                bytes / 1024
            ),
        );
        filtered = json!({"first_ms": first, "median_ms": median, "p95_ms": p95, "bytes": bytes});
    }
    let mut files = serde_json::Map::new();
    for fmt in ["html", "xlsx", "pdf"] {
        let uri = format!("/report/download?from=2023-01&to=2023-12&format={fmt}");
        let t = Instant::now();
        let size = get(uri.clone()).await?;
        let first = round(t.elapsed().as_secs_f64() * 1000.0, 1);
        let (median, p95) = time_ms(5, || get(uri.clone())).await?;
        say(
            json,
            format!(
                "  report 2023 as {fmt}: first {first} ms, median {median} ms (p95 {p95}), {size} bytes"
            ),
        );
        files.insert(
            fmt.into(),
            json!({"first_ms": first, "median_ms": median, "p95_ms": p95, "bytes": size}),
        );
    }
    app.store.close().await;
    Ok(json!({
        "backend": backend,
        "enterprises": n,
        "quarters": quarters,
        "font_embedded": kechuang_app::pdf_font::system().is_some(),
        "dashboard_page": {"first_ms": first_ms, "median_ms": warm.0, "p95_ms": warm.1, "bytes": dash_bytes},
        "dashboard_page_filtered": filtered,
        "report_year": Value::Object(files),
    }))
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
