//! `kechuang bench policy`: the policy library at 2,000 policies (plus the demo
//! district's 17) in a scratch database: writing them through the use cases
//! (create + publish, one durable transaction each), building the index from the
//! store (what `kechuang reindex` does), then search latency p50/p99 over Chinese
//! queries with the index, with filters, and with the database fallback (LIKE),
//! and the catch-up of one new policy.

use crate::bench::{say, scratch};
use crate::config::Settings;
use kechuang_app::Actor;
use kechuang_app::ops::policy::{self, PolicySearch};
use kechuang_app::search::Searcher;
use kechuang_core::policy::{PolicyInput, Step};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const POLICIES: u32 = 2_000;
/// Timed runs per query.
const ROUNDS: usize = 20;

const TOPICS: [(&str, &str, &str); 10] = [
    ("研发投入", "科技创新", "RD-INVEST"),
    ("高新技术企业培育", "科技创新", "HTE-CULTIVATION"),
    ("知识价值信用贷款贴息", "金融", "LOAN-INTEREST"),
    ("科研仪器设备购置", "科技创新", "RD-EQUIPMENT"),
    ("科技人才引进", "人才", ""),
    ("发明专利资助", "知识产权", ""),
    ("专精特新企业梯度培育", "产业发展", ""),
    ("科技成果转移转化", "成果转化", ""),
    ("重点实验室建设", "平台建设", ""),
    ("新型储能产业", "产业发展", ""),
];
const AUDIENCES: [&str; 6] = [
    "enterprise",
    "tech_sme",
    "high_tech",
    "srdi",
    "university",
    "institute",
];
const LEVELS: [&str; 3] = ["district", "municipal", "national"];
const QUERIES: [&str; 8] = [
    "研发投入补助",
    "贷款贴息",
    "高新技术企业",
    "科技人才 安家补贴",
    "专利资助",
    "储能",
    "成果转化 奖励",
    "重点实验室",
];

fn input(i: u32) -> PolicyInput {
    let (topic, category, measure) = TOPICS[(i % TOPICS.len() as u32) as usize];
    let (other, _, _) = TOPICS[((i * 7 + 3) % TOPICS.len() as u32) as usize];
    let year = 2016 + i % 10;
    let mut body =
        format!("【基准测试数据】第{i}号政策。为支持{topic}，结合{other}工作实际，制定本办法。");
    for k in 1..=12 {
        body.push_str(&format!(
            "\n第{k}条 对符合条件的企业开展{topic}的，按实际投入的{}%给予补助，单户企业每年最高{}万元；\
             同时鼓励企业与高校、科研院所合作推进{other}，经审核后给予奖励。",
            5 + (i + k) % 20,
            10 + (i * k) % 190
        ));
    }
    PolicyInput {
        title: format!("示范区{topic}支持办法（第{i}号）"),
        issuer: "示范区科学技术局".into(),
        doc_no: format!("示科发〔{year}〕{}号", i + 1),
        level: LEVELS[(i % 3) as usize].into(),
        category: category.into(),
        published_on: format!("{year}-03-01"),
        effective_from: format!("{year}-03-01"),
        effective_to: String::new(),
        summary: format!("支持{topic}，兼顾{other}。"),
        body,
        source_url: String::new(),
        audiences: vec![format!(
            "{},{}",
            AUDIENCES[(i % 6) as usize],
            AUDIENCES[((i + 2) % 6) as usize]
        )],
        measures: vec![measure.into()],
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 10.0
}

/// p50 and p99 of durations, milliseconds.
fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    (ms(at(0.50)), ms(at(0.99)))
}

async fn time_queries(
    app: &kechuang_app::App,
    searcher: Option<&Searcher>,
    with_filters: bool,
) -> anyhow::Result<(Vec<Duration>, i64)> {
    let mut times = Vec::new();
    let mut hits = 0;
    for round in 0..ROUNDS {
        for (qi, q) in QUERIES.iter().enumerate() {
            let mut req = PolicySearch {
                q: (*q).into(),
                ..Default::default()
            };
            if with_filters {
                req.level = LEVELS[(round + qi) % 3].into();
                req.audience = AUDIENCES[(round + qi) % 6].into();
            }
            let t = Instant::now();
            let page = policy::search(app, searcher, None, &req).await?;
            times.push(t.elapsed());
            hits += page.total;
        }
    }
    Ok((times, hits))
}

pub(crate) async fn run(settings: &Settings, json_out: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    let cli = Actor::cli();
    let explain = |e: kechuang_app::AppError| anyhow::anyhow!("{e}");

    say(
        json_out,
        format!("政策库基准：写入 {POLICIES} 份政策（{backend}）"),
    );
    let t = Instant::now();
    let mut tx = app.store.begin().await?;
    let demo = kechuang_app::demo::policies::write(&mut tx, app.now())
        .await
        .map_err(explain)?;
    tx.commit().await?;
    for i in 0..POLICIES {
        let p = policy::create(&app, &cli, &input(i))
            .await
            .map_err(explain)?;
        if i % 10 != 0 {
            policy::step(&app, &cli, &p.brief.id, Step::Publish, "")
                .await
                .map_err(explain)?;
        }
    }
    let write_s = t.elapsed().as_secs_f64();
    let total = POLICIES as usize + demo;

    let index_dir = tempfile::tempdir()?;
    let searcher = Searcher::open(Some(index_dir.path())).map_err(explain)?;
    let t = Instant::now();
    let indexed = searcher.sync(&app).await.map_err(explain)?;
    let index_ms = ms(t.elapsed());
    say(
        json_out,
        format!("  写入 {write_s:.1} s；建索引 {indexed} 条 {index_ms} ms"),
    );

    let (times, index_hits) = time_queries(&app, Some(&searcher), false).await?;
    let (p50, p99) = percentiles(times);
    let (times, _) = time_queries(&app, Some(&searcher), true).await?;
    let (fp50, fp99) = percentiles(times);
    let (times, db_hits) = time_queries(&app, None, false).await?;
    let (dp50, dp99) = percentiles(times);
    say(
        json_out,
        format!(
            "  全文检索 p50 {p50} ms / p99 {p99} ms；带筛选 p50 {fp50} ms / p99 {fp99} ms；数据库检索（LIKE）p50 {dp50} ms / p99 {dp99} ms"
        ),
    );

    // Catch-up: a new policy is published and found by the next search.
    let mut fresh = input(POLICIES + 1);
    fresh.title = "示范区量子计算产业扶持办法".into();
    fresh.doc_no = "示科发〔2026〕9999号".into();
    let t = Instant::now();
    let p = policy::create(&app, &cli, &fresh).await.map_err(explain)?;
    policy::step(&app, &cli, &p.brief.id, Step::Publish, "")
        .await
        .map_err(explain)?;
    let found = policy::search(
        &app,
        Some(&searcher),
        None,
        &PolicySearch {
            q: "量子计算".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(explain)?;
    let catch_up_ms = ms(t.elapsed());
    anyhow::ensure!(
        found.items.first().map(|h| h.policy.id.as_str()) == Some(p.brief.id.as_str()),
        "the new policy was not found"
    );
    say(
        json_out,
        format!("  新政策写入并发布后即可检索：{catch_up_ms} ms"),
    );

    Ok(json!({
        "backend": backend,
        "policies": total,
        "write_s": (write_s * 10.0).round() / 10.0,
        "index_build_ms": index_ms,
        "queries": QUERIES.len() * ROUNDS,
        "search_p50_ms": p50,
        "search_p99_ms": p99,
        "filtered_p50_ms": fp50,
        "filtered_p99_ms": fp99,
        "database_p50_ms": dp50,
        "database_p99_ms": dp99,
        "index_hits": index_hits,
        "database_hits": db_hits,
        "catch_up_ms": catch_up_ms,
    }))
}
