//! `kechuang bench match` and `kechuang bench search`.
//!
//! * `match` — the evaluation set (crates/app/data/match-eval/set.json,
//!   docs/matchmaking-evaluation.md) written into a scratch store, indexed, then
//!   our match and plain BM25 for every need: nDCG@10, recall@20 and MRR per split
//!   (dev, test, all) and the latency of each match.
//! * `search` — 100,000 achievements, 50,000 needs and 20,000 experts generated from
//!   term lists and written through the store in batches: the cost of writing them,
//!   index build time and size on disk, query and match latency, and catch-up (a
//!   record created or changed through the app, searchable through the serve path).

use crate::bench::{round, say, scratch};
use crate::config::{BenchArgs, Settings};
use anyhow::Context;
use kechuang_app::match_eval::{self, Scores, Synth, percentile};
use kechuang_app::ops::matchmaking as mm;
use kechuang_app::search::{SearchRequest, Searcher};
use kechuang_app::{Actor, App};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::NeedStatus;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_store::NewEvent;
use serde_json::{Value, json};
use std::time::Instant;

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn put(out: &mut serde_json::Map<String, Value>, prefix: &str, s: &Scores) {
    out.insert(format!("{prefix}ndcg_at_10"), json!(s.ndcg_at_10));
    out.insert(format!("{prefix}recall_at_20"), json!(s.recall_at_20));
    out.insert(format!("{prefix}mrr"), json!(s.mrr));
}

/// Match quality and latency on the evaluation set.
pub async fn bench_match(settings: &Settings, json: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    let set = match_eval::committed().map_err(|e| anyhow::anyhow!("{e}"))?;
    say(
        json,
        format!(
            "bench match: {} needs ({} dev, {} test), {} achievements, {} experts",
            set.needs.len(),
            set.needs.iter().filter(|n| n.split == "dev").count(),
            set.needs.iter().filter(|n| n.split == "test").count(),
            set.achievements.len(),
            set.experts.len()
        ),
    );
    let t = Instant::now();
    let loaded = match_eval::load(&app, &set, None)
        .await
        .map_err(|e| anyhow::anyhow!("loading the set: {e}"))?;
    let load_s = t.elapsed().as_secs_f64();
    let index_dir = tempfile::tempdir()?;
    let searcher = Searcher::open(Some(index_dir.path())).map_err(|e| anyhow::anyhow!("{e}"))?;
    let t = Instant::now();
    searcher
        .sync(&app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let index_s = t.elapsed().as_secs_f64();
    let r = match_eval::evaluate(&app, &searcher, &set, &loaded)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    app.store.close().await;

    let mut out = serde_json::Map::new();
    out.insert("backend".into(), json!(backend));
    out.insert("needs".into(), json!(set.needs.len()));
    out.insert("achievements".into(), json!(set.achievements.len()));
    out.insert("experts".into(), json!(set.experts.len()));
    out.insert("load_s".into(), json!(round(load_s, 2)));
    out.insert("index_s".into(), json!(round(index_s, 2)));
    for (split, prefix) in [("all", ""), ("dev", "dev_"), ("test", "test_")] {
        if let Some(s) = r.matched.get(split) {
            put(&mut out, prefix, s);
        }
        if let Some(s) = r.bm25.get(split) {
            put(&mut out, &format!("{prefix}bm25_"), s);
        }
    }
    out.insert(
        "match_p50_ms".into(),
        json!(round(percentile(&r.match_ms, 50.0), 2)),
    );
    out.insert(
        "match_p99_ms".into(),
        json!(round(percentile(&r.match_ms, 99.0), 2)),
    );
    out.insert(
        "bm25_p50_ms".into(),
        json!(round(percentile(&r.bm25_ms, 50.0), 2)),
    );
    out.insert(
        "bm25_p99_ms".into(),
        json!(round(percentile(&r.bm25_ms, 99.0), 2)),
    );
    say(
        json,
        format!("  loaded in {load_s:.2} s, indexed in {index_s:.2} s on {backend}"),
    );
    say(
        json,
        "  split  ranking   nDCG@10  recall@20    MRR".to_string(),
    );
    for split in ["dev", "test", "all"] {
        for (name, m) in [("match", &r.matched), ("BM25", &r.bm25)] {
            if let Some(s) = m.get(split) {
                say(
                    json,
                    format!(
                        "  {split:<5}  {name:<7}  {:>8.4}  {:>9.4}  {:>6.4}",
                        s.ndcg_at_10, s.recall_at_20, s.mrr
                    ),
                );
            }
        }
    }
    say(
        json,
        format!(
            "  match p50 {:.2} ms, p99 {:.2} ms; BM25 p50 {:.2} ms, p99 {:.2} ms",
            percentile(&r.match_ms, 50.0),
            percentile(&r.match_ms, 99.0),
            percentile(&r.bm25_ms, 50.0),
            percentile(&r.bm25_ms, 99.0)
        ),
    );
    if std::env::var_os("KECHUANG_MATCH_EVAL_DEBUG").is_some() {
        let mut worst: Vec<_> = r.per_need.iter().filter(|n| n.split == "dev").collect();
        worst.sort_by(|a, b| a.ndcg_at_10.total_cmp(&b.ndcg_at_10));
        for n in worst.iter().take(25) {
            let title = set
                .needs
                .iter()
                .find(|x| x.key == n.key)
                .map_or("", |x| x.title.as_str());
            eprintln!(
                "  {:.3} (BM25 {:.3}) {} {} → {}",
                n.ndcg_at_10,
                n.bm25_ndcg_at_10,
                n.key,
                title,
                n.top.join(" ")
            );
        }
    }
    Ok(Value::Object(out))
}

/// Organisations the synthetic records belong to.
fn orgs(research: usize, firms: usize) -> anyhow::Result<Vec<(OrgId, Organisation)>> {
    (0..research + firms)
        .map(|i| {
            let (prefix, kind, name) = if i < research {
                ("12", OrgKind::University, format!("重庆第{i}研究院"))
            } else {
                (
                    "91",
                    OrgKind::Enterprise,
                    format!("重庆测评{i}科技有限公司"),
                )
            };
            let code = CreditCode::complete(&format!("{prefix}500151{:09}", 8_000_000 + i))
                .context("credit code")?;
            Ok((
                OrgId(kechuang_store::new_id()),
                Organisation {
                    kind,
                    credit_code: code,
                    name,
                    town: None,
                    cluster: None,
                    coordinates: None,
                    founded_on: None,
                    above_scale: false,
                    address: None,
                },
            ))
        })
        .collect()
}

fn event(entity: &str, id: &str) -> NewEvent {
    NewEvent {
        actor: "bench".into(),
        entity: entity.into(),
        entity_id: id.into(),
        kind: format!("{entity}.created"),
        payload: json!({}),
    }
}

/// Writes the synthetic board through the store in transactions of `BATCH` records.
async fn write_board(
    app: &App,
    n_ach: usize,
    n_need: usize,
    n_exp: usize,
    json: bool,
) -> anyhow::Result<(Vec<String>, Vec<OrgId>)> {
    const BATCH: usize = 5_000;
    let orgs = orgs(200, 2_000)?;
    let research: Vec<OrgId> = orgs[..200].iter().map(|o| o.0.clone()).collect();
    let firms: Vec<OrgId> = orgs[200..].iter().map(|o| o.0.clone()).collect();
    let now = app.now();
    let mut tx = app.store.begin().await?;
    tx.insert_organisations(&orgs, now).await?;
    tx.commit().await?;
    let mut rng = Synth::new(7, "bench-search");
    let mut need_ids = Vec::with_capacity(n_need);
    let total = n_ach + n_need + n_exp;
    let mut done = 0;
    while done < total {
        let mut tx = app.store.begin().await?;
        let mut events = Vec::with_capacity(BATCH);
        for i in done..(done + BATCH).min(total) {
            let id = kechuang_store::new_id();
            if i < n_ach {
                let a = rng
                    .achievement()
                    .parse()
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let org = &research[rng.below(research.len())];
                tx.insert_achievement(&id, org, &a, now, "bench").await?;
                events.push(event("achievement", &id));
            } else if i < n_ach + n_need {
                let n = rng.need().parse().map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let org = &firms[rng.below(firms.len())];
                tx.insert_need(&id, org, &n, NeedStatus::Open, now, "bench")
                    .await?;
                events.push(event("need", &id));
                need_ids.push(id);
            } else {
                let e = rng.expert().parse().map_err(|e| anyhow::anyhow!("{e:?}"))?;
                let org = &research[rng.below(research.len())];
                tx.insert_expert(&id, org, &e, now, "bench").await?;
                events.push(event("expert", &id));
            }
        }
        done = (done + BATCH).min(total);
        tx.append_events(&events).await?;
        tx.commit().await?;
        if !json && done % 50_000 == 0 {
            println!("  … {done} / {total} records written");
        }
    }
    Ok((need_ids, research))
}

/// Index build, query, match and catch-up figures at scale.
pub async fn bench_search(settings: &Settings, args: &BenchArgs) -> anyhow::Result<Value> {
    let json = args.json;
    let n_ach = args.achievements.unwrap_or(100_000) as usize;
    let n_need = args.needs.unwrap_or(50_000) as usize;
    let n_exp = args.experts.unwrap_or(20_000) as usize;
    let (app, _dir, backend) = scratch(settings).await?;
    say(
        json,
        format!("bench search: {n_ach} achievements, {n_need} needs, {n_exp} experts on {backend}"),
    );
    let t = Instant::now();
    let (need_ids, research) = write_board(&app, n_ach, n_need, n_exp, json).await?;
    let write_s = t.elapsed().as_secs_f64();
    let records = (n_ach + n_need + n_exp) as f64;
    say(
        json,
        format!(
            "  written through the store in {write_s:.1} s ({:.0} records/s, transactions of 5,000 with their events)",
            records / write_s
        ),
    );

    let index_dir = tempfile::tempdir()?;
    let searcher = Searcher::open(Some(index_dir.path())).map_err(|e| anyhow::anyhow!("{e}"))?;
    let t = Instant::now();
    let indexed = searcher
        .sync(&app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let build_s = t.elapsed().as_secs_f64();
    let size_mib = dir_bytes(index_dir.path()) as f64 / 1_048_576.0;
    say(
        json,
        format!("  index: {indexed} records in {build_s:.1} s, {size_mib:.1} MiB on disk"),
    );

    // Queries: what people type in the search box (two or three terms).
    let actor = Actor::cli();
    let mut rng = Synth::new(11, "bench-search-queries");
    let mut query_ms = Vec::new();
    for _ in 0..300 {
        let n = rng.need();
        let q = format!(
            "{} {}",
            n.keywords.join(" "),
            n.title.chars().take(6).collect::<String>()
        );
        let req = SearchRequest {
            q,
            ..SearchRequest::default()
        };
        let t = Instant::now();
        searcher
            .search(&app, &actor, &req)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        query_ms.push(ms(t.elapsed()));
    }
    query_ms.sort_by(f64::total_cmp);

    let mut match_ms = Vec::new();
    for i in 0..300 {
        let id = &need_ids[(i * 7_919) % need_ids.len().max(1)];
        let t = Instant::now();
        searcher
            .match_need(&app, &actor, id, 10)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        match_ms.push(ms(t.elapsed()));
    }
    match_ms.sort_by(f64::total_cmp);
    say(
        json,
        format!(
            "  query p50 {:.2} ms, p99 {:.2} ms; match p50 {:.2} ms, p99 {:.2} ms (300 each)",
            percentile(&query_ms, 50.0),
            percentile(&query_ms, 99.0),
            percentile(&match_ms, 50.0),
            percentile(&match_ms, 99.0)
        ),
    );

    // Catch-up: from the commit of a write through the app to the first search (the
    // serve path syncs before it searches) that finds it; new records, then changes.
    let mut created_ms = Vec::new();
    let mut changed_ms = Vec::new();
    let org = research[0].to_string();
    for i in 0..20 {
        let mut input = rng.achievement();
        input.title = format!("{} catchupnew{i}", input.title);
        let a = mm::create_achievement(&app, &actor, Some(&org), &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        created_ms.push(until_found(&app, &searcher, &format!("catchupnew{i}")).await?);
        input.title = format!("{} catchupchanged{i}", input.title);
        mm::update_achievement(&app, &actor, &a.id, &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        changed_ms.push(until_found(&app, &searcher, &format!("catchupchanged{i}")).await?);
    }
    created_ms.sort_by(f64::total_cmp);
    changed_ms.sort_by(f64::total_cmp);
    let max = |v: &[f64]| v.last().copied().unwrap_or(0.0);
    say(
        json,
        format!(
            "  catch-up: new record searchable p50 {:.1} ms, max {:.1} ms; changed record p50 {:.1} ms, max {:.1} ms",
            percentile(&created_ms, 50.0),
            max(&created_ms),
            percentile(&changed_ms, 50.0),
            max(&changed_ms)
        ),
    );
    app.store.close().await;
    Ok(json!({
        "backend": backend,
        "achievements": n_ach,
        "needs": n_need,
        "experts": n_exp,
        "write_s": round(write_s, 1),
        "write_records_per_s": (records / write_s).round(),
        "index_build_s": round(build_s, 2),
        "index_mib": round(size_mib, 1),
        "query_p50_ms": round(percentile(&query_ms, 50.0), 2),
        "query_p99_ms": round(percentile(&query_ms, 99.0), 2),
        "match_p50_ms": round(percentile(&match_ms, 50.0), 2),
        "match_p99_ms": round(percentile(&match_ms, 99.0), 2),
        "catchup_new_p50_ms": round(percentile(&created_ms, 50.0), 1),
        "catchup_new_max_ms": round(max(&created_ms), 1),
        "catchup_changed_p50_ms": round(percentile(&changed_ms, 50.0), 1),
        "catchup_changed_max_ms": round(max(&changed_ms), 1),
    }))
}

/// Milliseconds until a search for `token` finds a record (gives up after 10 s).
async fn until_found(app: &App, searcher: &Searcher, token: &str) -> anyhow::Result<f64> {
    let t = Instant::now();
    let req = SearchRequest {
        q: token.to_string(),
        ..SearchRequest::default()
    };
    loop {
        let r = searcher
            .search(app, &Actor::cli(), &req)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if r.total > 0 {
            return Ok(ms(t.elapsed()));
        }
        if t.elapsed().as_secs() >= 10 {
            anyhow::bail!("{token} not searchable after 10 s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}
