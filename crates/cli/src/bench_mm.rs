//! `kechuang bench mm-import`: 10,000 achievements, 5,000 needs and 2,000 experts
//! of 200 enterprises and 20 universities, generated as three CSV files and
//! imported into a scratch database (rows per second), imported again (nothing
//! changes), then the index built from the store and pinyin queries timed (the
//! first one builds the pinyin map of the index's terms).

use crate::bench::{say, scratch};
use crate::config::Settings;
use kechuang_app::Actor;
use kechuang_app::mm_import::{MmImportOptions, import_matchmaking};
use kechuang_app::ops::org::OrgInput;
use kechuang_app::search::{SearchRequest, Searcher};
use kechuang_core::credit_code::CreditCode;
use serde_json::{Value, json};
use std::time::Instant;

const ENTERPRISES: u32 = 200;
const UNIVERSITIES: u32 = 20;
const NEEDS: u32 = 5_000;
const ACHIEVEMENTS: u32 = 10_000;
const EXPERTS: u32 = 2_000;

const TOPICS: [&str; 16] = [
    "储能",
    "锂电池",
    "电芯",
    "气凝胶",
    "热失控",
    "摩托车",
    "发动机",
    "传感器",
    "激光焊接",
    "耐磨涂层",
    "静脉识别",
    "无人机",
    "智能网联",
    "轻量化",
    "奥氏体",
    "柑橘",
];
const ACTIONS: [&str; 8] = [
    "早期预警方法",
    "在线检测装置",
    "控制系统",
    "制备工艺",
    "寿命评估",
    "国产化替代",
    "质量追溯",
    "降本增效",
];
const MODES: [&str; 4] = ["委托开发", "合作开发", "技术转让", "技术服务"];
const MATURITY: [&str; 4] = ["实验室阶段", "小试", "中试", "可产业化"];

fn code(prefix: &str, n: u32) -> anyhow::Result<String> {
    Ok(CreditCode::complete(&format!("{prefix}{n:09}"))
        .ok_or_else(|| anyhow::anyhow!("credit code {prefix}{n}"))?
        .to_string())
}

fn topic(i: u32, k: u32) -> &'static str {
    TOPICS[((i.wrapping_mul(7) + k * 5) % TOPICS.len() as u32) as usize]
}

fn csvs() -> anyhow::Result<[(String, Vec<u8>); 3]> {
    let mut needs = String::from(
        "编号,统一社会信用代码,需求名称,需求描述,预算（万元）,合作方式,技术领域,关键词\n",
    );
    for i in 0..NEEDS {
        let (a, b) = (topic(i, 0), topic(i, 1));
        needs.push_str(&format!(
            "XQ{i},{},{a}{}需求{i},面向{b}产线的{a}技术攻关，要求{}。,{}.{:02},{},{},{a}、{b}\n",
            code("91500151", i % ENTERPRISES + 1)?,
            ACTIONS[(i % 8) as usize],
            ACTIONS[((i + 3) % 8) as usize],
            10 + i % 290,
            i % 100,
            MODES[(i % 4) as usize],
            a,
        ));
    }
    let mut ach = String::from(
        "编号,统一社会信用代码,成果名称,成果简介,完成人,成熟度,转化方式,参考价格（万元）,关键词\n",
    );
    for i in 0..ACHIEVEMENTS {
        let (a, b) = (topic(i, 2), topic(i, 3));
        ach.push_str(&format!(
            "CG{i},{},一种{a}{}（{i}）,本成果用于{b}，实现{a}的{}。,张{i}、李{i},{},转让；许可,{},{a}、{b}\n",
            code("12500000", i % UNIVERSITIES + 1)?,
            ACTIONS[(i % 8) as usize],
            ACTIONS[((i + 5) % 8) as usize],
            MATURITY[(i % 4) as usize],
            20 + i % 500,
        ));
    }
    let mut exp = String::from("编号,统一社会信用代码,姓名,职称,研究领域,关键词,简介\n");
    for i in 0..EXPERTS {
        let (a, b) = (topic(i, 4), topic(i, 5));
        exp.push_str(&format!(
            "ZJ{i},{},专家{i},教授,{a}、{b},{a},长期从事{a}与{b}研究。\n",
            code("12500000", i % UNIVERSITIES + 1)?,
        ));
    }
    Ok([
        ("needs.csv".into(), needs.into_bytes()),
        ("achievements.csv".into(), ach.into_bytes()),
        ("experts.csv".into(), exp.into_bytes()),
    ])
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    (v.get(i).copied().unwrap_or(0.0) * 100.0).round() / 100.0
}

/// Runs the benchmark and returns its figures.
pub(crate) async fn run(settings: &Settings, json_out: bool) -> anyhow::Result<Value> {
    let (app, _tmp, backend) = scratch(settings).await?;
    let cli = Actor::cli();
    for n in 1..=ENTERPRISES {
        let input = OrgInput {
            credit_code: code("91500151", n)?,
            name: format!("重庆基准{n}科技有限公司"),
            ..OrgInput::default()
        };
        kechuang_app::ops::org::create(&app, &cli, &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    for n in 1..=UNIVERSITIES {
        let input = OrgInput {
            kind: "高校".into(),
            credit_code: code("12500000", n)?,
            name: format!("基准大学{n}"),
            ..OrgInput::default()
        };
        kechuang_app::ops::org::create(&app, &cli, &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let files = csvs()?;
    let rows = u64::from(NEEDS + ACHIEVEMENTS + EXPERTS);
    let mut timings = Vec::new();
    for pass in ["first", "again"] {
        let started = Instant::now();
        for (name, bytes) in &files {
            let r =
                import_matchmaking(&app, &cli, name, bytes.clone(), &MmImportOptions::default())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::ensure!(r.errors.is_empty(), "{name}: {:?}", r.errors.first());
            anyhow::ensure!(
                r.applied == (pass == "first"),
                "{name}: applied {} on the {pass} pass",
                r.applied
            );
        }
        let s = started.elapsed().as_secs_f64();
        say(
            json_out,
            format!(
                "mm-import {pass}: {rows} rows in {s:.2} s ({:.0} rows/s, {backend})",
                rows as f64 / s
            ),
        );
        timings.push(s);
    }
    let searcher = Searcher::open(None).map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let indexed = searcher
        .sync(&app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let index_s = started.elapsed().as_secs_f64();
    let q = |text: &str| SearchRequest {
        q: text.into(),
        ..SearchRequest::default()
    };
    let started = Instant::now();
    let first = searcher
        .search(&app, &cli, &q("chuneng"))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let first_ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        first.suggestion.as_deref() == Some("储能"),
        "chuneng suggested {:?}",
        first.suggestion
    );
    let queries = [
        "chuneng",
        "lidianchi",
        "qiningjiao",
        "chu neng",
        "cn",
        "moto che",
        "chuanganqi",
    ];
    let mut ms = Vec::new();
    for _ in 0..30 {
        for text in queries {
            let started = Instant::now();
            let r = searcher
                .search(&app, &cli, &q(text))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            ms.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(r);
        }
    }
    let p50 = pct(&mut ms, 0.5);
    let p99 = pct(&mut ms, 0.99);
    say(
        json_out,
        format!(
            "pinyin: index of {indexed} records built in {index_s:.2} s; first pinyin query (builds the map) {first_ms:.0} ms; then p50 {p50} ms, p99 {p99} ms"
        ),
    );
    app.store.close().await;
    Ok(json!({
        "backend": backend,
        "rows": rows,
        "import_s": (timings[0] * 100.0).round() / 100.0,
        "import_rows_per_s": (rows as f64 / timings[0]).round(),
        "reimport_s": (timings[1] * 100.0).round() / 100.0,
        "index_build_s": (index_s * 100.0).round() / 100.0,
        "pinyin_first_query_ms": first_ms.round(),
        "pinyin_query_p50_ms": p50,
        "pinyin_query_p99_ms": p99,
    }))
}
