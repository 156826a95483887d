//! The demo district's daily matching and its outcome chain, 2023-10 to
//! 2026-09 (the three years ending at `targets::HORIZON`): expressions of
//! interest on the board's records, threads with a few messages (some mediated
//! by the bureau's 技术经理人), collaborations signed from the threads and at
//! special sessions, and the contracts, conversions and new products that
//! followed — enough for the report's three-year sentence to read like the
//! newspaper's ("150+ collaborations, 120+ conversions, 20+ new products").
//!
//! Drawn from its own random stream after the board is written, so nothing
//! before it changes. Every record gets one event (actor `demo`).

use super::rng::Rng;
use super::targets::HORIZON;
use crate::AppResult;
use chrono::{Days, NaiveDate};
use kechuang_core::chain::{Collaboration, InterestStatus, Mediation, Source, Stage, TargetKind};
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::NeedStatus;
use kechuang_core::money::Money;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_store::{Db, MatchFilter, MessageRecord, NewCollaboration, NewEvent, NewInterest};
use serde_json::json;

/// First day of the window.
pub(crate) const FROM: NaiveDate = match NaiveDate::from_ymd_opt(2023, 10, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Collaborations signed from daily matching. Those signed at special sessions
/// come from the sessions' signings (demo/sessions.rs), recorded as collaborations
/// with source "session" when each signing is.
const DAILY_COLLABORATIONS: usize = 152;
/// Of all collaborations (earliest first): with a registered contract, a
/// conversion, a new product.
const CONTRACTS: usize = 150;
const CONVERSIONS: usize = 126;
const PRODUCTS: usize = 24;

const PRODUCT_NAMES: [&str; PRODUCTS] = [
    "高锰奥氏体船用低温储罐",
    "液冷储能电池簇",
    "工商业储能一体柜",
    "电芯热失控预警模组",
    "新能源汽车铝合金副车架",
    "轮毂电机控制器",
    "高强度摩托车车架",
    "电喷摩托车发动机控制单元",
    "气凝胶隔热毡",
    "静脉识别门禁终端",
    "智能安防巡检机器人",
    "低温锂电池组",
    "钠离子储能电池",
    "汽车轻量化保险杠",
    "电动摩托车换电电池包",
    "BMS 电池管理系统",
    "高精度扭矩传感器",
    "再生铝合金压铸件",
    "智能网联车载终端",
    "柑橘保鲜复合涂膜",
    "生物有机肥",
    "耐高温绝缘材料",
    "储能变流器",
    "汽车线束检测仪",
];

fn at(d: NaiveDate, rng: &mut Rng) -> i64 {
    let base = d
        .and_hms_opt(9, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros())
        - 8 * 3_600 * 1_000_000;
    base + rng.between(0, 8 * 3_600) * 1_000_000
}

fn clamp(d: NaiveDate) -> NaiveDate {
    d.min(HORIZON)
}

fn ev(entity: &str, id: &str, kind: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        actor: "demo".into(),
        entity: entity.into(),
        entity_id: id.into(),
        kind: kind.into(),
        payload,
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Written {
    pub interests: usize,
    pub threads: usize,
    pub collaborations: usize,
    pub conversions: usize,
    pub products: usize,
}

struct Target {
    kind: TargetKind,
    id: String,
    title: String,
    owner: OrgId,
}

/// Writes the chain in the demo's transaction; returns what it wrote and its events.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
) -> AppResult<(Written, Vec<NewEvent>)> {
    let mut rng = Rng::stream(seed, "outcomes");
    let mut events = Vec::new();
    let mut w = Written::default();
    let all = MatchFilter {
        limit: 100_000,
        ..MatchFilter::default()
    };
    let (_, needs) = tx.needs(&all).await?;
    let (_, achievements) = tx.achievements(&all).await?;
    let (_, experts) = tx.experts(&all).await?;
    let firms: Vec<&OrgId> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise)
        .map(|(id, _)| id)
        .collect();
    let research: Vec<&OrgId> = orgs
        .iter()
        .filter(|(_, o)| matches!(o.kind, OrgKind::University | OrgKind::Institute))
        .map(|(id, _)| id)
        .collect();
    let research_ach: Vec<Target> = achievements
        .iter()
        .filter(|a| research.contains(&&a.org_id))
        .map(|a| Target {
            kind: TargetKind::Achievement,
            id: a.id.clone(),
            title: a.record.title.clone(),
            owner: a.org_id.clone(),
        })
        .collect();
    let expert_t: Vec<Target> = experts
        .iter()
        .filter(|e| research.contains(&&e.org_id))
        .map(|e| Target {
            kind: TargetKind::Expert,
            id: e.id.clone(),
            title: e.record.name.clone(),
            owner: e.org_id.clone(),
        })
        .collect();
    let open_needs: Vec<Target> = needs
        .iter()
        .filter(|n| matches!(n.record.1, NeedStatus::Open | NeedStatus::Talking))
        .map(|n| Target {
            kind: TargetKind::Need,
            id: n.id.clone(),
            title: n.record.0.title.clone(),
            owner: n.org_id.clone(),
        })
        .collect();
    if firms.is_empty() || research.is_empty() || research_ach.is_empty() {
        return Ok((w, events));
    }

    // Interests: enough accepted ones for the daily collaborations, spread over
    // the window (the latest still open).
    let mut seen = std::collections::HashSet::new();
    let mut threads: Vec<(String, OrgId, OrgId, NaiveDate, String, Option<String>)> = Vec::new();
    let last_signing = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or(HORIZON);
    let mut made = 0usize;
    while threads.len() < DAILY_COLLABORATIONS + 30 && made < 2_000 {
        made += 1;
        let pick = rng.weighted(&[6, 2, 2]);
        let (target, from) = match pick {
            0 => (rng.pick(&research_ach), (*rng.pick(&firms)).clone()),
            1 if !expert_t.is_empty() => (rng.pick(&expert_t), (*rng.pick(&firms)).clone()),
            _ if !open_needs.is_empty() => (rng.pick(&open_needs), (*rng.pick(&research)).clone()),
            _ => continue,
        };
        if target.owner == from || !seen.insert((from.clone(), target.id.clone())) {
            continue;
        }
        let sent_on = rng.date_between(FROM, HORIZON - Days::new(10));
        let status = if sent_on > last_signing {
            if rng.chance(0.6) {
                InterestStatus::Open
            } else {
                InterestStatus::Accepted
            }
        } else {
            match rng.weighted(&[16, 2, 1]) {
                0 => InterestStatus::Accepted,
                1 => InterestStatus::Declined,
                _ => InterestStatus::Withdrawn,
            }
        };
        let id = kechuang_store::new_id();
        let message = format!(
            "您好，我单位对“{}”很感兴趣，希望进一步了解技术细节、成熟度和合作方式，期待与贵单位对接。",
            target.title
        );
        tx.insert_interest(&NewInterest {
            id: &id,
            target_kind: target.kind,
            target_id: &target.id,
            target_title: &target.title,
            from_org_id: &from,
            to_org_id: &target.owner,
            message: &message,
            sent_on,
            now: at(sent_on, &mut rng),
            by: "demo",
        })
        .await?;
        w.interests += 1;
        events.push(ev(
            "interest",
            &id,
            "interest.sent",
            json!({"target_kind": target.kind.code(), "target_id": target.id, "from_org_id": from, "to_org_id": target.owner}),
        ));
        let responded = clamp(sent_on + Days::new(rng.between(1, 7) as u64));
        match status {
            InterestStatus::Open => continue,
            InterestStatus::Declined => {
                tx.close_interest(
                    &id,
                    status,
                    Some("当前研发任务饱和，暂不具备合作条件，感谢关注。"),
                    at(responded, &mut rng),
                    "demo",
                )
                .await?;
                events.push(ev("interest", &id, "interest.declined", json!({})));
                continue;
            }
            InterestStatus::Withdrawn => {
                tx.close_interest(&id, status, None, at(responded, &mut rng), "demo")
                    .await?;
                events.push(ev("interest", &id, "interest.withdrawn", json!({})));
                continue;
            }
            InterestStatus::Accepted => {}
        }
        tx.close_interest(&id, status, None, at(responded, &mut rng), "demo")
            .await?;
        events.push(ev("interest", &id, "interest.accepted", json!({})));
        let thread_id = kechuang_store::new_id();
        tx.insert_thread(
            &thread_id,
            Some(&id),
            &from,
            &target.owner,
            &target.title,
            responded,
            at(responded, &mut rng),
        )
        .await?;
        w.threads += 1;
        events.push(ev(
            "thread",
            &thread_id,
            "thread.opened",
            json!({"interest_id": id}),
        ));
        let lines = [
            (
                Some(&from),
                "感谢接受意向！我们整理了现有工艺参数和目标指标，想约一次线上交流。",
            ),
            (
                Some(&target.owner),
                "可以，请先把关键指标和预算范围发过来，我们评估后安排团队对接。",
            ),
            (
                Some(&from),
                "资料已发送至联系邮箱，另外希望能到实验室现场考察中试线。",
            ),
        ];
        let n_lines = rng.between(2, 3) as usize;
        let mut day = responded;
        for (org, body) in lines.iter().take(n_lines) {
            day = clamp(day + Days::new(rng.between(0, 5) as u64));
            let m = MessageRecord {
                message_id: kechuang_store::new_id(),
                org_id: org.map(ToString::to_string),
                author_tag: "demo".into(),
                author_name: "对接联系人".into(),
                as_mediator: false,
                body: (*body).into(),
                created_at: at(day, &mut rng),
            };
            tx.insert_message(&thread_id, &m).await?;
        }
        let mediation = match rng.weighted(&[6, 1, 2]) {
            0 => Mediation::None,
            1 => Mediation::Needed,
            _ => Mediation::Mediated,
        };
        if mediation != Mediation::None {
            day = clamp(day + Days::new(rng.between(1, 4) as u64));
            let m = MessageRecord {
                message_id: kechuang_store::new_id(),
                org_id: None,
                author_tag: "demo".into(),
                author_name: "区科技局技术经理人".into(),
                as_mediator: true,
                body: "已与双方沟通，建议下周在区科技局会议室面谈，重点确认知识产权归属和中试费用分担。".into(),
                created_at: at(day, &mut rng),
            };
            tx.insert_message(&thread_id, &m).await?;
            tx.set_mediation(&thread_id, mediation, at(day, &mut rng))
                .await?;
            events.push(ev(
                "thread",
                &thread_id,
                "thread.mediation_marked",
                json!({"to": mediation.code()}),
            ));
        }
        if responded <= last_signing {
            let (enterprise, provider) = if target.kind == TargetKind::Need {
                (target.owner.clone(), from.clone())
            } else {
                (from.clone(), target.owner.clone())
            };
            let title = match target.kind {
                TargetKind::Need => format!("{}联合攻关", target.title),
                TargetKind::Achievement => {
                    format!("{}产业化合作", target.title.trim_start_matches("一种"))
                }
                TargetKind::Expert => format!("{}专家团队技术服务", target.title),
            };
            threads.push((thread_id, enterprise, provider, day, title, Some(id)));
        }
    }

    // Collaborations: the first DAILY_COLLABORATIONS threads, then the sessions.
    let mut collabs: Vec<(String, NaiveDate)> = Vec::new();
    for (thread_id, enterprise, provider, day, title, interest_id) in
        threads.iter().take(DAILY_COLLABORATIONS)
    {
        let signed_on = clamp(*day + Days::new(rng.between(10, 60) as u64));
        let c = Collaboration {
            title: title.chars().take(190).collect(),
            signed_on,
            amount: rng
                .chance(0.8)
                .then(|| Money::from_fen(rng.between(10, 300) * 100_000 * 10)),
            source: Source::Daily,
            session_id: None,
        };
        let id = kechuang_store::new_id();
        tx.insert_collaboration(&NewCollaboration {
            id: &id,
            collab: &c,
            enterprise_org_id: enterprise,
            provider_org_id: provider,
            interest_id: interest_id.as_deref(),
            thread_id: Some(thread_id),
            now: at(signed_on, &mut rng),
            by: "demo",
        })
        .await?;
        events.push(ev(
            "collaboration",
            &id,
            "collaboration.signed",
            json!({"thread_id": thread_id, "signed_on": signed_on}),
        ));
        collabs.push((id, signed_on));
    }
    w.collaborations = collabs.len();

    // The later stages: earliest signings go furthest.
    collabs.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let mut product_names = PRODUCT_NAMES.iter();
    for (i, (id, signed_on)) in collabs.iter().enumerate() {
        if i >= CONTRACTS {
            break;
        }
        let contract_on = clamp(*signed_on + Days::new(rng.between(3, 30) as u64));
        let number = format!("50015{}{:05}", contract_on.format("%Y"), i + 1);
        stage(
            tx,
            &mut events,
            id,
            Stage::Contract,
            contract_on,
            &number,
            &mut rng,
        )
        .await?;
        if i >= CONVERSIONS {
            continue;
        }
        let converted_on = clamp(contract_on + Days::new(rng.between(45, 160) as u64));
        stage(
            tx,
            &mut events,
            id,
            Stage::Conversion,
            converted_on,
            "技术已在企业产线应用，完成小批量试产并通过客户验证。",
            &mut rng,
        )
        .await?;
        w.conversions += 1;
        // Every fifth conversion (from the earliest) led to a new product.
        if i % 5 == 0
            && let Some(name) = product_names.next()
        {
            let on = clamp(converted_on + Days::new(rng.between(30, 150) as u64));
            stage(tx, &mut events, id, Stage::Product, on, name, &mut rng).await?;
            w.products += 1;
        }
    }
    Ok((w, events))
}

async fn stage(
    tx: &mut Db,
    events: &mut Vec<NewEvent>,
    id: &str,
    s: Stage,
    on: NaiveDate,
    detail: &str,
    rng: &mut Rng,
) -> AppResult<()> {
    let t = at(on, rng);
    tx.insert_stage(id, s, on, "demo", t).await?;
    tx.set_collaboration_stage(id, s, detail, t).await?;
    events.push(ev(
        "collaboration",
        id,
        "collaboration.stage_recorded",
        json!({"stage": s.code(), "on": on, "detail": detail}),
    ));
    Ok(())
}
