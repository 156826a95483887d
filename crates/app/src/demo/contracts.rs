//! The demo district's technology contracts (技术合同登记), 2021 to the horizon.
//!
//! Registered contracts are drawn per segment of time whose 合同成交额 is fixed
//! exactly: 2023年1—9月 is [`CONTRACTS_2023_JAN_SEP_FEN`] (3.2亿元, "3.2亿元 in
//! Jan–Sep"), the same months of 2022 about a third of it ("more than 3× last
//! year") and the last quarter of 2022 small, so the seasonal projection reads
//! "预计全年突破3.5亿元". Sellers are the demo universities, institutes and
//! enterprises, buyers the demo enterprises; categories, fields and party types
//! are mixed. Some contracts close collaborations of the matchmaking chain; the
//! registrar's queue holds submitted and accepted contracts of 2026Q3 (one a
//! possible duplicate), with one refused and one cancelled contract.
//!
//! Drawn from its own random stream (`contracts`) after everything else, so
//! nothing before it changes.

use super::rng::Rng;
use super::targets::{CONTRACTS_2023_JAN_SEP_FEN, HORIZON, ymd};
use crate::AppResult;
use crate::ops::contract::calendar;
use chrono::{Datelike, Days, NaiveDate};
use kechuang_core::contract::{
    self as rules, ContractDraft, FIELDS, Party, PartyType, RefusalReason, Regime, Side, Status,
    Subtype,
};
use kechuang_core::ids::OrgId;
use kechuang_core::money::{FEN_PER_WAN, Money};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_store::{
    ChainFilter, ContractPartyRow, ContractRecord, ContractStepInsert, Db, NewEvent,
};
use serde_json::json;

/// `(first day, last day, 合同成交额 in 万元, contracts)` of registered contracts.
const SEGMENTS: [(NaiveDate, NaiveDate, i64, usize); 8] = [
    (ymd(2021, 1, 1), ymd(2021, 12, 31), 8_600, 120),
    (ymd(2022, 1, 1), ymd(2022, 9, 30), 10_400, 130),
    (ymd(2022, 10, 1), ymd(2022, 12, 31), 1_100, 25),
    (
        ymd(2023, 1, 1),
        ymd(2023, 9, 30),
        CONTRACTS_2023_JAN_SEP_FEN / FEN_PER_WAN,
        360,
    ),
    (ymd(2023, 10, 1), ymd(2023, 12, 31), 4_100, 60),
    (ymd(2024, 1, 1), ymd(2024, 12, 31), 41_000, 450),
    (ymd(2025, 1, 1), ymd(2025, 12, 31), 46_500, 500),
    (ymd(2026, 1, 1), ymd(2026, 8, 31), 30_800, 330),
];

/// Subtypes and their weights (no intermediary contracts: they need a third party).
const SUBTYPES: [(Subtype, u32); 13] = [
    (Subtype::CommissionedDevelopment, 35),
    (Subtype::CooperativeDevelopment, 10),
    (Subtype::PatentTransfer, 6),
    (Subtype::TechSecretTransfer, 4),
    (Subtype::OtherRightTransfer, 2),
    (Subtype::PatentLicence, 5),
    (Subtype::TechSecretLicence, 3),
    (Subtype::Feasibility, 2),
    (Subtype::Evaluation, 2),
    (Subtype::Survey, 1),
    (Subtype::GeneralService, 24),
    (Subtype::Training, 4),
    (Subtype::Forecast, 2),
];

/// Field weights, in the order of [`FIELDS`].
const FIELD_WEIGHTS: [u32; 10] = [14, 22, 24, 14, 5, 4, 5, 8, 2, 2];

const TOPICS: [&str; 16] = [
    "储能电池热管理系统",
    "锂电池梯次利用检测",
    "汽车轻量化铝合金构件",
    "摩托车电喷控制",
    "智能产线视觉检测",
    "工业互联网数据采集平台",
    "气凝胶隔热材料制备",
    "再生铝熔炼除杂",
    "钠离子电池正极材料",
    "电机控制器可靠性",
    "柑橘采后保鲜",
    "生物有机肥发酵工艺",
    "BMS 电池管理算法",
    "高强钢冲压模具",
    "智能网联车载终端",
    "污水处理工艺优化",
];

fn party_type(k: OrgKind) -> PartyType {
    match k {
        OrgKind::University => PartyType::University,
        OrgKind::Institute => PartyType::Institute,
        _ => PartyType::Enterprise,
    }
}

fn at(d: NaiveDate, rng: &mut Rng) -> i64 {
    d.and_hms_opt(1, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros())
        + rng.between(0, 8 * 3_600) * 1_000_000
}

/// Splits `total_fen` into `n` amounts in whole 元, log-normally spread, summing
/// exactly to the total.
fn split(total_fen: i64, n: usize, rng: &mut Rng) -> Vec<i64> {
    let w: Vec<f64> = (0..n).map(|_| rng.log_normal(1.0, 1.0).min(25.0)).collect();
    let sum: f64 = w.iter().sum();
    let total_yuan = total_fen / 100;
    let mut out: Vec<i64> = w
        .iter()
        .map(|x| ((total_yuan as f64) * x / sum).floor().max(1.0) as i64)
        .collect();
    let diff = total_yuan - out.iter().sum::<i64>();
    if let Some((i, _)) = out.iter().enumerate().max_by_key(|(_, v)| **v) {
        out[i] += diff;
    }
    out.into_iter().map(|y| y * 100).collect()
}

struct Pools<'a> {
    research: Vec<&'a (OrgId, Organisation)>,
    firms: Vec<&'a (OrgId, Organisation)>,
}

struct Drawn {
    record: ContractRecord,
    body: String,
    parties: Vec<ContractPartyRow>,
}

#[expect(clippy::too_many_arguments, reason = "one contract's draw")]
fn draw(
    rng: &mut Rng,
    pools: &Pools<'_>,
    seller: &(OrgId, Organisation),
    buyer: &(OrgId, Organisation),
    amount_fen: i64,
    submitted_on: NaiveDate,
    n: usize,
    subtype: Option<Subtype>,
) -> (ContractDraft, Vec<ContractPartyRow>) {
    let _ = pools;
    let weights: Vec<u32> = SUBTYPES.iter().map(|(_, w)| *w).collect();
    let subtype = subtype.unwrap_or_else(|| SUBTYPES[rng.weighted(&weights)].0);
    let field = FIELDS[rng.weighted(&FIELD_WEIGHTS)].0;
    let non_technical = if subtype.category() == rules::Category::Development && rng.chance(0.3) {
        amount_fen / 100 * rng.between(5, 25)
    } else {
        0
    };
    let topic = rng.pick(&TOPICS);
    let title = format!("{topic}{}合同", subtype.label());
    let signed_on = submitted_on - Days::new(rng.between(5, 60) as u64);
    let valid_to = signed_on + Days::new(rng.between(365, 1095) as u64);
    let parties = vec![
        Party {
            side: Side::Seller,
            name: seller.1.name.clone(),
            credit_code: Some(seller.1.credit_code.to_string()),
            kind: party_type(seller.1.kind),
        },
        Party {
            side: Side::Buyer,
            name: buyer.1.name.clone(),
            credit_code: Some(buyer.1.credit_code.to_string()),
            kind: party_type(buyer.1.kind),
        },
    ];
    let text = format!(
        "{title}\n甲方：{}\n乙方：{}\n第{n}号。甲方委托乙方就{topic}开展技术工作，合同总金额{}元，其中非技术性款项{}元。双方约定知识产权归属与验收标准。",
        buyer.1.name,
        seller.1.name,
        amount_fen / 100,
        non_technical / 100
    );
    let d = ContractDraft {
        title,
        subtype,
        parties,
        field: field.to_string(),
        ip_type: rules::Category::concerns_rights(subtype.category()).then(|| "patent".to_string()),
        government_programme: rng.chance(0.15),
        amount: Money::from_fen(amount_fen),
        non_technical: Money::from_fen(non_technical),
        tech_transaction: Money::from_fen(amount_fen - non_technical),
        signed_on,
        valid_from: signed_on,
        valid_to,
        text,
    };
    let rows = vec![
        ContractPartyRow {
            side: Side::Seller,
            name: seller.1.name.clone(),
            credit_code: Some(seller.1.credit_code.to_string()),
            kind: party_type(seller.1.kind),
            org_id: Some(seller.0.0.clone()),
        },
        ContractPartyRow {
            side: Side::Buyer,
            name: buyer.1.name.clone(),
            credit_code: Some(buyer.1.credit_code.to_string()),
            kind: party_type(buyer.1.kind),
            org_id: Some(buyer.0.0.clone()),
        },
    ];
    (d, rows)
}

fn record(
    d: &ContractDraft,
    seller: &(OrgId, Organisation),
    status: Status,
    submitted_on: NaiveDate,
    accepted_on: Option<NaiveDate>,
    now: i64,
) -> ContractRecord {
    let tech = d.tech_transaction;
    ContractRecord {
        id: kechuang_store::new_id(),
        seller_org_id: seller.0.0.clone(),
        seller_name: seller.1.name.clone(),
        title: d.title.clone(),
        subtype: d.subtype,
        declared_subtype: d.subtype,
        field: d.field.clone(),
        ip_type: d.ip_type.clone(),
        government_programme: d.government_programme,
        amount_fen: d.amount.fen(),
        non_technical_fen: d.non_technical.fen(),
        tech_declared_fen: tech.fen(),
        tech_verified_fen: tech.fen(),
        signed_on: d.signed_on,
        valid_from: d.valid_from,
        valid_to: d.valid_to,
        fingerprint: d.fingerprint(),
        dup_key: d.parties_and_amount(),
        seller_type: d.parties[0].kind,
        buyer_type: d.parties[1].kind,
        status,
        regime: accepted_on.map(|a| Regime::on(a).id().to_string()),
        submitted_on,
        accepted_on,
        deadline: accepted_on.map(|a| Regime::on(a).review_deadline(a, tech, false, &calendar())),
        disputed: false,
        registration_number: None,
        registered_on: None,
        refusal_reason: None,
        refusal_note: None,
        cancelled_on: None,
        cancel_reason: None,
        town: seller.1.town.clone(),
        collaboration_id: None,
        session_id: None,
        challenge_id: None,
        created_by: "demo".into(),
        created_at: now,
        updated_at: now,
    }
}

/// What the contracts generator wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Written {
    /// Registered contracts (cancelled included).
    pub registered: usize,
    /// In the registrar's queue.
    pub queued: usize,
    /// Linked to a collaboration.
    pub linked: usize,
}

/// Writes the demo contracts; returns what it wrote and one event per contract.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
) -> AppResult<(Written, Vec<NewEvent>)> {
    let mut rng = Rng::stream(seed, "contracts");
    let pools = Pools {
        research: orgs
            .iter()
            .filter(|(_, o)| matches!(o.kind, OrgKind::University | OrgKind::Institute))
            .collect(),
        firms: orgs
            .iter()
            .filter(|(_, o)| o.kind == OrgKind::Enterprise)
            .collect(),
    };
    if pools.firms.len() < 2 || pools.research.is_empty() {
        return Ok((Written::default(), Vec::new()));
    }
    let mut out: Vec<Drawn> = Vec::new();
    let mut n = 0usize;
    let pick_pair = |rng: &mut Rng| {
        let seller = if rng.chance(0.55) {
            *rng.pick(&pools.research)
        } else {
            *rng.pick(&pools.firms)
        };
        let mut buyer = *rng.pick(&pools.firms);
        while buyer.0 == seller.0 {
            buyer = *rng.pick(&pools.firms);
        }
        (seller, buyer)
    };
    for (from, to, wan, count) in SEGMENTS {
        let amounts = split(wan * FEN_PER_WAN, count, &mut rng);
        for amount in amounts {
            n += 1;
            let registered_on = rng.date_between(from, to);
            let accepted_on = registered_on - Days::new(rng.between(1, 10) as u64);
            let submitted_on = accepted_on - Days::new(rng.between(0, 3) as u64);
            let (seller, buyer) = pick_pair(&mut rng);
            let (d, parties) = draw(
                &mut rng,
                &pools,
                seller,
                buyer,
                amount,
                submitted_on,
                n,
                None,
            );
            let t = at(registered_on, &mut rng);
            let mut r = record(
                &d,
                seller,
                Status::Registered,
                submitted_on,
                Some(accepted_on),
                t,
            );
            r.registered_on = Some(registered_on);
            out.push(Drawn {
                record: r,
                body: d.text,
                parties,
            });
        }
    }
    // Collaborations of the matchmaking chain with a contract get their
    // registered contract (seller: the provider, buyer: the enterprise).
    let collabs = tx
        .collaborations(&ChainFilter {
            limit: 10_000,
            ..Default::default()
        })
        .await?;
    let by_id: std::collections::HashMap<&str, &(OrgId, Organisation)> =
        orgs.iter().map(|o| (o.0.as_str(), o)).collect();
    let mut linked = Vec::new();
    let mut with_contract: Vec<_> = collabs
        .iter()
        .filter(|c| c.contract_number.is_some())
        .collect();
    with_contract.sort_by(|a, b| a.signed_on.cmp(&b.signed_on).then(a.id.cmp(&b.id)));
    for c in with_contract.into_iter().take(40) {
        let (Some(seller), Some(buyer)) = (
            by_id.get(c.provider_org_id.as_str()),
            by_id.get(c.enterprise_org_id.as_str()),
        ) else {
            continue;
        };
        if seller.0 == buyer.0 || seller.1.kind == OrgKind::Bank {
            continue;
        }
        n += 1;
        let registered_on = (c.signed_on + Days::new(rng.between(12, 30) as u64)).min(HORIZON);
        let accepted_on = registered_on - Days::new(rng.between(1, 8) as u64);
        let submitted_on = accepted_on - Days::new(1);
        let amount = c
            .amount
            .map_or(rng.between(20, 300) * FEN_PER_WAN, Money::fen)
            .max(FEN_PER_WAN);
        let (mut d, parties) = draw(
            &mut rng,
            &pools,
            seller,
            buyer,
            amount,
            submitted_on,
            n,
            None,
        );
        d.title = format!("{}技术合同", c.title);
        let t = at(registered_on, &mut rng);
        let mut r = record(
            &d,
            seller,
            Status::Registered,
            submitted_on,
            Some(accepted_on),
            t,
        );
        r.registered_on = Some(registered_on);
        r.collaboration_id = Some(c.id.clone());
        r.session_id = c.session_id.clone();
        linked.push((c.id.clone(), r.id.clone()));
        out.push(Drawn {
            record: r,
            body: d.text,
            parties,
        });
    }
    // Registration numbers: by registration day within each year.
    out.sort_by(|a, b| {
        a.record
            .registered_on
            .cmp(&b.record.registered_on)
            .then(a.record.created_at.cmp(&b.record.created_at))
    });
    let mut seq_by_year: std::collections::BTreeMap<i32, i64> = Default::default();
    for c in &mut out {
        if let Some(on) = c.record.registered_on {
            let seq = seq_by_year.entry(on.year()).or_insert(0);
            *seq += 1;
            c.record.registration_number = Some(rules::registration_number(
                on.year(),
                crate::ops::contract::DEFAULT_REGION,
                u32::try_from(*seq).unwrap_or(u32::MAX),
            )?);
        }
    }
    let registered = out.len();
    // One registered in 2025 is cancelled in 2026 (it leaves the statistics).
    if let Some(c) = out.iter_mut().find(|c| {
        c.record.registered_on.is_some_and(|d| d.year() == 2025)
            && c.record.collaboration_id.is_none()
    }) {
        c.record.status = Status::Cancelled;
        c.record.cancelled_on = Some(ymd(2026, 6, 18));
        c.record.cancel_reason = Some("双方协商解除合同，申请注销登记".into());
    }
    // The registrar's queue in 2026Q3: submitted and accepted contracts, one a
    // possible duplicate of a registered one (same parties and amount), and one
    // refused.
    let twin = out
        .iter()
        .rev()
        .find(|c| c.record.status == Status::Registered && c.record.collaboration_id.is_none())
        .map(|c| {
            (
                c.record.seller_org_id.clone(),
                c.parties.clone(),
                c.record.amount_fen,
            )
        });
    let mut queue = Vec::new();
    for i in 0..12 {
        n += 1;
        let submitted_on = ymd(2026, 9, 1) + Days::new(rng.between(0, 28) as u64);
        let accepted = i % 2 == 1;
        let accepted_on = accepted.then(|| (submitted_on + Days::new(1)).min(HORIZON));
        let (seller, buyer) = pick_pair(&mut rng);
        let amount = rng.between(10, 800) * FEN_PER_WAN;
        let (d, parties) = draw(
            &mut rng,
            &pools,
            seller,
            buyer,
            amount,
            submitted_on,
            n,
            None,
        );
        let status = if accepted {
            Status::Accepted
        } else {
            Status::Submitted
        };
        let mut r = record(
            &d,
            seller,
            status,
            submitted_on,
            accepted_on,
            at(submitted_on, &mut rng),
        );
        if i == 0
            && let Some((seller_id, twin_parties, twin_amount)) = &twin
            && let Some(s) = orgs.iter().find(|o| &o.0.0 == seller_id)
        {
            // Same parties and amount as a registered contract, another text.
            let mut d2 = d.clone();
            d2.parties = twin_parties
                .iter()
                .map(|p| Party {
                    side: p.side,
                    name: p.name.clone(),
                    credit_code: p.credit_code.clone(),
                    kind: p.kind,
                })
                .collect();
            d2.amount = Money::from_fen(*twin_amount);
            d2.non_technical = Money::ZERO;
            d2.tech_transaction = Money::from_fen(*twin_amount);
            d2.text = format!("{}（补充协议版本）", d2.text);
            r = record(&d2, s, Status::Submitted, submitted_on, None, r.created_at);
            queue.push(Drawn {
                record: r,
                body: d2.text,
                parties: twin_parties.clone(),
            });
            continue;
        }
        queue.push(Drawn {
            record: r,
            body: d.text,
            parties,
        });
    }
    {
        n += 1;
        let submitted_on = ymd(2026, 7, 6);
        let accepted_on = ymd(2026, 7, 7);
        let (seller, buyer) = pick_pair(&mut rng);
        let (d, parties) = draw(
            &mut rng,
            &pools,
            seller,
            buyer,
            86 * FEN_PER_WAN,
            submitted_on,
            n,
            Some(Subtype::GeneralService),
        );
        let mut r = record(
            &d,
            seller,
            Status::Refused,
            submitted_on,
            Some(accepted_on),
            at(ymd(2026, 7, 20), &mut rng),
        );
        r.title = "生产线设备维修保养服务合同".into();
        r.refusal_reason = Some(RefusalReason::NotTechnologyContract);
        r.refusal_note = Some("以常规手段进行的设备维修保养，不属于技术服务合同".into());
        queue.push(Drawn {
            record: r,
            body: d.text,
            parties,
        });
    }
    let queued = queue.len() - 1;
    out.extend(queue);

    let rows: Vec<(ContractRecord, String, Vec<ContractPartyRow>)> = out
        .iter()
        .map(|c| (c.record.clone(), c.body.clone(), c.parties.clone()))
        .collect();
    tx.insert_contracts(&rows).await?;
    for (year, seq) in &seq_by_year {
        tx.bump_contract_seq(*year, *seq).await?;
    }
    for (collab, contract) in &linked {
        tx.set_contract_ref(collab, Some(contract)).await?;
    }
    // The history and one event per contract.
    let mut steps = Vec::new();
    let mut events = Vec::with_capacity(out.len());
    for c in &out {
        let r = &c.record;
        let mut line = 0;
        let mut push = |step: &'static str, status: Status, on: NaiveDate, note: Option<String>| {
            line += 1;
            steps.push(ContractStepInsert {
                contract_id: r.id.clone(),
                line,
                step,
                status_after: status,
                actor: if step == "submit" {
                    "demo".into()
                } else {
                    "demo:registrar".into()
                },
                on,
                note,
                at: r.created_at,
            });
        };
        push("submit", Status::Submitted, r.submitted_on, None);
        if let Some(a) = r.accepted_on {
            push("accept", Status::Accepted, a, None);
        }
        if let Some(on) = r.registered_on {
            push("register", Status::Registered, on, None);
        }
        if r.status == Status::Refused {
            push(
                "refuse",
                Status::Refused,
                ymd(2026, 7, 20),
                r.refusal_note.clone(),
            );
        }
        if let Some(on) = r.cancelled_on {
            push("cancel", Status::Cancelled, on, r.cancel_reason.clone());
        }
        events.push(NewEvent {
            actor: "demo".into(),
            entity: "contract".into(),
            entity_id: r.id.clone(),
            kind: format!("contract.{}", r.status.as_str()),
            payload: json!({"title": r.title, "amount_fen": r.amount_fen, "status": r.status.as_str(),
                            "registration_number": r.registration_number, "registered_on": r.registered_on,
                            "collaboration_id": r.collaboration_id}),
        });
    }
    tx.insert_contract_steps(&steps).await?;
    Ok((
        Written {
            registered,
            queued,
            linked: linked.len(),
        },
        events,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_split_exactly() {
        let mut rng = Rng::stream(1, "t");
        let v = split(32_000 * FEN_PER_WAN, 360, &mut rng);
        assert_eq!(v.len(), 360);
        assert_eq!(v.iter().sum::<i64>(), 32_000 * FEN_PER_WAN);
        assert!(v.iter().all(|x| *x > 0 && x % 100 == 0));
    }

    #[test]
    fn last_year_is_about_a_third_and_the_projection_passes_3_5() {
        let y2023 = SEGMENTS[3].2;
        let ly = SEGMENTS[1].2;
        assert_eq!(y2023, 32_000);
        assert!(y2023 >= 3 * ly && y2023 < 4 * ly);
        let proj = rules::project_full_year(
            Money::from_fen(y2023 * FEN_PER_WAN),
            9,
            Some(Money::from_fen(ly * FEN_PER_WAN)),
            Some(Money::from_fen((ly + SEGMENTS[2].2) * FEN_PER_WAN)),
        );
        assert!(proj.fen() >= 35_000 * FEN_PER_WAN && proj.fen() < 36_000 * FEN_PER_WAN);
    }
}
