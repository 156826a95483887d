//! `kechuang bench contracts`: technology contract statistics over 1,000,000
//! registered contracts on SQLite (target: under 500 ms).
//!
//! A fresh SQLite file (WAL, `synchronous=FULL`) gets 300 seller organisations in
//! 28 towns and 1,000,000 registered contracts spread over 2022-01 … 2026-09 with
//! a mix of subtypes, fields, party types and amounts, bulk-loaded with multi-row
//! inserts in one transaction; then `ANALYZE`. Then, warm, each figure of the
//! statistics page is timed several times: the whole page for 2026年1—9月 (eight
//! `GROUP BY` queries: month, category, subtype, field, seller type, buyer type,
//! town, and the two-year months for YTD/YoY/projection), and the single queries
//! YTD by category, by field, by town and the YoY months on their own. Then the
//! same page for a town-scoped bureau user (three of the 28 towns), read from
//! the per-town day sums.

use crate::bench::{round, say};
use chrono::{Days, NaiveDate};
use kechuang_app::ops::contract_stats;
use kechuang_core::contract::{FIELDS, PartyType, Status, Subtype};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_store::{ContractDim, ContractPartyRow, ContractRecord, Store};
use serde_json::{Value, json};
use std::time::Instant;

const CONTRACTS: usize = 1_000_000;
const SELLERS: usize = 300;
const RUNS: usize = 7;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn p50_max(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[v.len() - 1])
}

/// Runs the benchmark and returns its figures.
pub(crate) async fn run(json_out: bool) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let store = Store::open_sqlite(&dir.path().join("contracts.db")).await?;
    store.migrate().await?;
    let towns: Vec<String> = (0..28).map(|i| format!("镇街{i:02}")).collect();
    let now = kechuang_store::now_us();
    let mut orgs = Vec::with_capacity(SELLERS);
    for i in 0..SELLERS {
        let code = CreditCode::complete(&format!("91500151{:09}", 800_000_000 + i))
            .ok_or_else(|| anyhow::anyhow!("credit code {i}"))?;
        orgs.push((
            OrgId(kechuang_store::new_id()),
            Organisation {
                kind: match i % 3 {
                    0 => OrgKind::University,
                    1 => OrgKind::Institute,
                    _ => OrgKind::Enterprise,
                },
                credit_code: code,
                name: format!("合同基准{i}单位"),
                town: Some(towns[i % towns.len()].clone()),
                cluster: None,
                coordinates: None,
                founded_on: None,
                above_scale: false,
                address: None,
            },
        ));
    }
    let t_load = Instant::now();
    let mut db = store.begin().await?;
    db.insert_organisations(&orgs, now).await?;
    let first = NaiveDate::from_ymd_opt(2022, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let days = 1_734; // to 2026-09-30
    let mut rng = Rng(2026);
    let kinds = [
        PartyType::University,
        PartyType::Institute,
        PartyType::Enterprise,
    ];
    let mut batch: Vec<(ContractRecord, String, Vec<ContractPartyRow>)> =
        Vec::with_capacity(10_000);
    let mut seq_by_year = std::collections::HashMap::<i32, u32>::new();
    for i in 0..CONTRACTS {
        let s = i % SELLERS;
        let (id, org) = &orgs[s];
        let on = first + Days::new(i as u64 * days / CONTRACTS as u64);
        let subtype = Subtype::ALL[rng.below(Subtype::ALL.len() as u64) as usize];
        let amount = (rng.below(5_000) as i64 + 1) * 10_000;
        let non_tech = if rng.below(4) == 0 { amount / 10 } else { 0 };
        let year = chrono::Datelike::year(&on);
        let seq = seq_by_year.entry(year).or_insert(0);
        *seq += 1;
        let r = ContractRecord {
            id: format!("bench-{i:07}"),
            seller_org_id: id.0.clone(),
            seller_name: String::new(),
            title: format!("基准合同{i}"),
            subtype,
            declared_subtype: subtype,
            field: FIELDS[rng.below(FIELDS.len() as u64) as usize]
                .0
                .to_string(),
            ip_type: None,
            government_programme: false,
            amount_fen: amount,
            non_technical_fen: non_tech,
            tech_declared_fen: amount - non_tech,
            tech_verified_fen: amount - non_tech,
            signed_on: on,
            valid_from: on,
            valid_to: on + Days::new(365),
            fingerprint: format!("bench-{i}"),
            dup_key: format!("bench-{}", i % 50_000),
            seller_type: kinds[s % 3],
            buyer_type: if rng.below(10) == 0 {
                PartyType::Public
            } else {
                PartyType::Enterprise
            },
            status: Status::Registered,
            regime: Some("TCR-2000".into()),
            submitted_on: on,
            accepted_on: Some(on),
            deadline: Some(on),
            disputed: false,
            registration_number: Some(format!("{year}500151{:06}", *seq)),
            registered_on: Some(on),
            refusal_reason: None,
            refusal_note: None,
            cancelled_on: None,
            cancel_reason: None,
            town: org.town.clone(),
            collaboration_id: None,
            session_id: None,
            challenge_id: None,
            created_by: "bench".into(),
            created_at: now,
            updated_at: now,
        };
        batch.push((r, String::new(), Vec::new()));
        if batch.len() == 10_000 {
            db.insert_contracts(&batch).await?;
            batch.clear();
        }
    }
    db.insert_contracts(&batch).await?;
    db.commit().await?;
    store.analyze().await?;
    let load_ms = ms(t_load);
    say(
        json_out,
        format!(
            "contracts: loaded {CONTRACTS} registered contracts in {:.1} s ({:.0} rows/s)",
            load_ms / 1000.0,
            CONTRACTS as f64 / (load_ms / 1000.0)
        ),
    );

    let from = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let to = NaiveDate::from_ymd_opt(2026, 9, 30).ok_or_else(|| anyhow::anyhow!("date"))?;
    let ly = NaiveDate::from_ymd_opt(2025, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let mut page = Vec::new();
    let mut rows_in_range = 0;
    let mut single: Vec<(&str, Vec<f64>)> = vec![
        ("ytd_by_category", Vec::new()),
        ("ytd_by_field", Vec::new()),
        ("ytd_by_town", Vec::new()),
        ("yoy_months", Vec::new()),
    ];
    for _ in 0..RUNS {
        let mut r = store.read().await?;
        let t = Instant::now();
        let st = contract_stats::compute(&mut r, from, to, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        page.push(ms(t));
        rows_in_range = st.total.count;
        for (name, v) in &mut single {
            let (dim, f) = match *name {
                "ytd_by_category" => (ContractDim::Category, from),
                "ytd_by_field" => (ContractDim::Field, from),
                "ytd_by_town" => (ContractDim::Town, from),
                _ => (ContractDim::Month, ly),
            };
            let t = Instant::now();
            r.contract_sums(dim, f, to, None).await?;
            v.push(ms(t));
        }
    }
    // A town-scoped user: three towns, from the per-town day sums.
    let scope: Vec<String> = towns.iter().take(3).cloned().collect();
    let mut scoped = Vec::new();
    let mut scoped_rows = 0;
    for _ in 0..RUNS {
        let mut r = store.read().await?;
        let t = Instant::now();
        let st = contract_stats::compute(&mut r, from, to, Some(&scope))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        scoped.push(ms(t));
        scoped_rows = st.total.count;
    }
    let (sp50, smax) = p50_max(scoped);
    let (p50, max) = p50_max(page.clone());
    let singles: serde_json::Map<String, Value> = single
        .into_iter()
        .map(|(n, v)| {
            let (p, m) = p50_max(v);
            (
                n.to_string(),
                json!({"p50_ms": round(p, 1), "max_ms": round(m, 1)}),
            )
        })
        .collect();
    say(
        json_out,
        format!(
            "contracts: statistics page for 2026年1—9月 ({rows_in_range} contracts in range, {CONTRACTS} in all, 8 queries) p50 {p50:.1} ms, max {max:.1} ms over {RUNS} runs (target < 500 ms); single queries {}",
            Value::Object(singles.clone())
        ),
    );
    say(
        json_out,
        format!(
            "contracts: the same page for a user scoped to 3 of 28 towns ({scoped_rows} contracts in range) p50 {sp50:.1} ms, max {smax:.1} ms over {RUNS} runs"
        ),
    );
    Ok(json!({
        "backend": "sqlite",
        "contracts": CONTRACTS,
        "contracts_in_range": rows_in_range,
        "load_s": round(load_ms / 1000.0, 1),
        "statistics_p50_ms": round(p50, 1),
        "statistics_max_ms": round(max, 1),
        "target_ms": 500,
        "runs": RUNS,
        "queries": singles,
        "scoped_towns": scope.len(),
        "scoped_contracts_in_range": scoped_rows,
        "scoped_statistics_p50_ms": round(sp50, 1),
        "scoped_statistics_max_ms": round(smax, 1),
    }))
}
