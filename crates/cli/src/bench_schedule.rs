//! `kechuang bench schedule`: the 1:1 meeting scheduler of a special session on
//! generated instances the size the issue names (300 participants, 1,500 requests,
//! 12 slots × 40 tables), several seeds.

use crate::bench::{Rng, round, say};
use kechuang_core::schedule::{Instance, Participant, Pin, Request, schedule};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Instant;

/// One generated session: two thirds enterprises, one third universities and
/// institutes; requests lean towards popular participants (a few institutes draw
/// many wishes), about one in five is returned (mutual); limits 6–12 meetings;
/// one participant in ten is away for two slots; a few organiser pins.
pub(crate) fn instance(
    seed: u64,
    participants: usize,
    requests: usize,
    slots: u32,
    tables: u32,
) -> Instance {
    let mut rng = Rng(seed);
    let parts: Vec<Participant> = (0..participants)
        .map(|i| {
            let away = if rng.below(10) == 0 {
                let s = rng.below(u64::from(slots - 1)) as u32;
                vec![s, s + 1]
            } else {
                Vec::new()
            };
            Participant {
                id: format!("org-{i:04}"),
                limit: Some(6 + rng.below(7) as u32),
                away,
            }
        })
        .collect();
    let research = participants / 3;
    let mut seen = HashSet::new();
    let mut reqs = Vec::with_capacity(requests);
    while reqs.len() < requests {
        // Enterprises ask research organisations mostly; popular ones more often.
        let from = research + rng.below((participants - research) as u64) as usize;
        let to = if rng.below(5) == 0 {
            rng.below(participants as u64) as usize
        } else {
            let a = rng.below(research as u64);
            let b = rng.below(research as u64);
            a.min(b) as usize
        };
        if from == to || !seen.insert((from, to)) {
            continue;
        }
        reqs.push(Request {
            from: parts[from].id.clone(),
            to: parts[to].id.clone(),
        });
        if rng.below(5) == 0 && seen.insert((to, from)) && reqs.len() < requests {
            reqs.push(Request {
                from: parts[to].id.clone(),
                to: parts[from].id.clone(),
            });
        }
    }
    // A few pins: the organiser fixes some first wishes in the first slot.
    let mut pins = Vec::new();
    let mut used = HashSet::new();
    for r in reqs.iter().take(40) {
        if pins.len() == 10 {
            break;
        }
        if used.contains(&r.from) || used.contains(&r.to) {
            continue;
        }
        let away = |id: &str| parts.iter().any(|p| p.id == id && p.away.contains(&0));
        if away(&r.from) || away(&r.to) {
            continue;
        }
        used.insert(r.from.clone());
        used.insert(r.to.clone());
        pins.push(Pin {
            a: r.from.clone(),
            b: r.to.clone(),
            slot: 0,
            table: pins.len() as u32,
        });
    }
    Instance {
        slots,
        tables,
        participants: parts,
        requests: reqs,
        pins,
    }
}

/// Runs the scheduler on five seeds of the size, where the 480 tables
/// bind, and of the same session with 80 tables, where the participants' limits
/// and availability bind; prints the figures.
pub(crate) fn run(json: bool) -> Value {
    let mut out = case(json, 40);
    let ample = case(json, 80);
    if let (Value::Object(o), Value::Object(a)) = (&mut out, ample) {
        for (k, v) in a {
            if k.starts_with("schedule_") || k == "min_closeness" {
                o.insert(format!("ample_tables_{k}"), v);
            }
        }
    }
    out
}

fn case(json: bool, tables: u32) -> Value {
    let (participants, requests, slots) = (300, 1_500, 12);
    let mut times = Vec::new();
    let mut closeness = Vec::new();
    let mut last = Value::Null;
    for seed in 1..=5u64 {
        let inst = instance(seed, participants, requests, slots, tables);
        let t = Instant::now();
        let s = schedule(&inst).expect("generated instances are valid");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        closeness.push(s.closeness());
        say(
            json,
            format!(
                "schedule seed {seed}: {ms:.0} ms; {} meetings ({} requested of {} pairs, {} mutual of {}), upper bound {}, {:.1}% of it",
                s.meetings.len(),
                s.placed_requested,
                s.requested_pairs,
                s.placed_mutual,
                s.mutual_pairs,
                s.upper_bound,
                s.closeness() * 100.0
            ),
        );
        last = json!({
            "meetings": s.meetings.len(),
            "requested_pairs": s.requested_pairs,
            "placed_requested": s.placed_requested,
            "mutual_pairs": s.mutual_pairs,
            "placed_mutual": s.placed_mutual,
            "upper_bound": s.upper_bound,
        });
    }
    times.sort_by(f64::total_cmp);
    let worst = times.last().copied().unwrap_or(0.0);
    let min_close = closeness.iter().copied().fold(1.0, f64::min);
    say(
        json,
        format!(
            "schedule: {participants} participants, {requests} requests, {slots} slots × {tables} tables: median {:.0} ms, worst {worst:.0} ms; placed ≥ {:.1}% of the upper bound",
            times[times.len() / 2],
            min_close * 100.0
        ),
    );
    json!({
        "participants": participants,
        "requests": requests,
        "slots": slots,
        "tables": tables,
        "schedule_p50_ms": round(times[times.len() / 2], 1),
        "schedule_max_ms": round(worst, 1),
        "min_closeness": round(min_close, 4),
        "last": last,
    })
}
