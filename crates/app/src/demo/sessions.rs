//! The demo district's special matchmaking sessions (专场对接): three past
//! sessions (2023–2026) with invited enterprises, universities and institutes,
//! their wishes, a stored schedule from the real scheduler and the projects
//! signed there, and one upcoming session open for requests, to which the
//! demo's enterprise login and 重庆大学 (the research login) are invited.
//!
//! The first is the newspaper's April 2023 session: "今年4月，重庆市科技成果进区县
//! 专项行动铜梁专场暨成渝“双城协同·融合创新”科技成果对接会在铜梁区举行。气体压缩技术
//! 产学研合作、静脉识别技术在智能安防领域的应用合作等6个产学研合作和科技成果转化项目
//! 实现了签约。" Exactly 6 projects are signed there, the two the report names
//! among them (the other four are not named in the source, so their titles are
//! generated). The day in April is not published; the demo uses 2023-04-21.
//! Only organisations founded by a session's day are invited to it.
//!
//! Drawn from a stream of its own, after the matchmaking board, so it changes
//! nothing drawn before it.

use super::clusters::CLUSTERS;
use super::people::RESEARCH_ORG;
use super::rng::Rng;
use crate::AppResult;
use crate::ops::sessions::{instance, outcome};
use kechuang_core::ids::OrgId;
use kechuang_core::money::Money;
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::session::{ParticipantSettings, SessionInput, SessionStatus, Signing};
use kechuang_store::{Db, MatchFilter};
use serde_json::json;

struct Plan {
    title: &'static str,
    date: &'static str,
    venue: &'static str,
    status: SessionStatus,
    firms: usize,
    research: usize,
    slots: u32,
    tables: u32,
    signed: usize,
    /// Cluster the firms come from first (`None`: any).
    cluster: Option<&'static str>,
    /// Projects the sources name, signed first: (title, the cluster of the
    /// enterprise that signs it, preferred when such a firm met a research
    /// organisation there).
    named: &'static [(&'static str, &'static str)],
}

/// The projects the report names for the April 2023 session.
const APRIL_2023_NAMED: [(&str, &str); 2] = [
    ("气体压缩技术产学研合作", "高端装备"),
    ("静脉识别技术在智能安防领域的应用合作", "电子信息"),
];

const PLANS: [Plan; 4] = [
    Plan {
        title: "重庆市科技成果进区县专项行动铜梁专场暨成渝“双城协同·融合创新”科技成果对接会",
        date: "2023-04-21",
        venue: "铜梁区科技创新服务中心",
        status: SessionStatus::Closed,
        firms: 24,
        research: 10,
        slots: 12,
        tables: 14,
        signed: 6,
        cluster: None,
        named: &APRIL_2023_NAMED,
    },
    Plan {
        title: "新型储能产业产学研专场对接会",
        date: "2025-05-20",
        venue: "铜梁高新区新型储能产业园",
        status: SessionStatus::Closed,
        firms: 16,
        research: 6,
        slots: 10,
        tables: 8,
        signed: 4,
        cluster: Some("新型储能"),
        named: &[],
    },
    Plan {
        title: "智能网联新能源汽车零部件技术成果对接会",
        date: "2026-04-16",
        venue: "铜梁区科技创新服务中心",
        status: SessionStatus::Held,
        firms: 14,
        research: 6,
        slots: 10,
        tables: 8,
        signed: 3,
        cluster: Some("智能网联新能源汽车零部件"),
        named: &[],
    },
    Plan {
        title: "智汇龙乡·铜创未来 2026年冬季科技成果对接会",
        date: "2026-12-10",
        venue: "铜梁区科技创新服务中心",
        status: SessionStatus::Open,
        firms: 12,
        research: 6,
        slots: 12,
        tables: 10,
        signed: 0,
        cluster: None,
        named: &[],
    },
];

/// Picks `n` distinct items, those matching `prefer` first.
fn pick<'a>(
    rng: &mut Rng,
    all: &[&'a (OrgId, Organisation)],
    n: usize,
    prefer: &dyn Fn(&Organisation) -> bool,
) -> Vec<&'a (OrgId, Organisation)> {
    let mut first: Vec<&(OrgId, Organisation)> =
        all.iter().copied().filter(|(_, o)| prefer(o)).collect();
    let mut rest: Vec<&(OrgId, Organisation)> =
        all.iter().copied().filter(|(_, o)| !prefer(o)).collect();
    rng.shuffle(&mut first);
    rng.shuffle(&mut rest);
    first.into_iter().chain(rest).take(n).collect()
}

/// Writes the sessions in the demo's transaction; returns how many.
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    showcase: &OrgId,
    now: i64,
) -> AppResult<usize> {
    let mut rng = Rng::stream(seed, "sessions");
    let firms: Vec<&(OrgId, Organisation)> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise)
        .collect();
    let research: Vec<&(OrgId, Organisation)> = orgs
        .iter()
        .filter(|(_, o)| matches!(o.kind, OrgKind::University | OrgKind::Institute))
        .collect();
    for plan in &PLANS {
        let day = kechuang_core::date::from_iso(plan.date).expect("plan dates are valid");
        // Only organisations that existed on the session's day are invited.
        let existed = |o: &Organisation| o.founded_on.is_none_or(|f| f <= day);
        let firms: Vec<&(OrgId, Organisation)> =
            firms.iter().copied().filter(|(_, o)| existed(o)).collect();
        let research: Vec<&(OrgId, Organisation)> = research
            .iter()
            .copied()
            .filter(|(_, o)| existed(o))
            .collect();
        let spec = SessionInput {
            title: plan.title.into(),
            date: plan.date.into(),
            venue: plan.venue.into(),
            organiser: "铜梁区科学技术局".into(),
            description: "“专场对接+日常对接”：企业与高校院所按预约一对一洽谈，现场签约。".into(),
            start: "09:00".into(),
            slot_minutes: "20".into(),
            slots: plan.slots.to_string(),
            break_after: (plan.slots / 2).to_string(),
            break_minutes: "20".into(),
            tables: plan.tables.to_string(),
            default_limit: "6".into(),
        }
        .parse()
        .map_err(crate::AppError::Invalid)?;
        let id = kechuang_store::new_id();
        tx.insert_mm_session(&id, &spec, SessionStatus::Draft, now, "demo")
            .await?;
        let cluster = plan.cluster;
        let mut chosen = pick(&mut rng, &firms, plan.firms, &|o| {
            cluster.is_some_and(|c| o.cluster.as_deref() == Some(c))
        });
        let mut labs = pick(&mut rng, &research, plan.research, &|o| {
            o.name == RESEARCH_ORG
        });
        if plan.status == SessionStatus::Open {
            // The demo logins find the upcoming session on their pages.
            if let Some(s) = firms.iter().find(|(i, _)| i == showcase)
                && !chosen.iter().any(|(i, _)| i == showcase)
            {
                chosen.pop();
                chosen.insert(0, s);
            }
        } else {
            labs.retain(|(_, o)| o.name != RESEARCH_ORG || rng.chance(0.7));
        }
        // A firm of each named project's cluster is invited.
        for (_, c) in plan.named {
            if chosen.iter().any(|(_, o)| o.cluster.as_deref() == Some(*c)) {
                continue;
            }
            let pool: Vec<_> = firms
                .iter()
                .copied()
                .filter(|(_, o)| o.cluster.as_deref() == Some(*c))
                .collect();
            if !pool.is_empty() {
                let f = pool[rng.index(pool.len())];
                chosen.pop();
                chosen.insert(0, f);
            }
        }
        let everyone: Vec<&(OrgId, Organisation)> =
            chosen.iter().chain(labs.iter()).copied().collect();
        for (org, _) in &everyone {
            tx.invite_mm_participant(&id, org, now).await?;
            let need = tx
                .needs(&MatchFilter {
                    org_id: Some(org.clone()),
                    limit: 1,
                    ..MatchFilter::default()
                })
                .await?
                .1
                .into_iter()
                .next()
                .map(|n| n.id);
            let achievement = tx
                .achievements(&MatchFilter {
                    org_id: Some(org.clone()),
                    limit: 1,
                    ..MatchFilter::default()
                })
                .await?
                .1
                .into_iter()
                .next()
                .map(|a| a.id);
            let settings = ParticipantSettings {
                confirmed: plan.status != SessionStatus::Open || rng.chance(0.6),
                limit: if rng.chance(0.2) {
                    Some(rng.between(3, 5) as u32)
                } else {
                    None
                },
                away: if rng.chance(0.15) {
                    vec![rng.between(0, i64::from(plan.slots) - 1) as u32]
                } else {
                    Vec::new()
                },
                need_id: need,
                achievement_id: if need_is_none(org, &chosen) {
                    achievement
                } else {
                    None
                },
            };
            tx.update_mm_participant(&id, org, &settings, now).await?;
        }
        // Wishes: firms want research partners (and a few firms); research
        // organisations want firms.
        for (org, _) in &everyone {
            let is_firm = chosen.iter().any(|(i, _)| i == org);
            let pool: Vec<&OrgId> = if is_firm {
                labs.iter()
                    .map(|(i, _)| i)
                    .chain(chosen.iter().map(|(i, _)| i).filter(|_| rng.chance(0.1)))
                    .filter(|i| *i != org)
                    .collect()
            } else {
                chosen.iter().map(|(i, _)| i).collect()
            };
            let mut pool = pool;
            rng.shuffle(&mut pool);
            let n = rng.between(2, 5) as usize;
            let wishes: Vec<String> = pool.into_iter().take(n).map(|i| i.to_string()).collect();
            tx.set_mm_wishes(&id, org, &wishes).await?;
        }
        tx.append_event(
            "demo",
            "mm_session",
            &id,
            "mm_session.created",
            &json!({"session": spec, "participants": everyone.len()}),
        )
        .await?;
        if plan.status == SessionStatus::Open {
            tx.set_mm_session_status(&id, SessionStatus::Open, now)
                .await?;
            continue;
        }
        let record = tx.mm_session(&id).await?.ok_or(crate::AppError::NotFound)?;
        let parts = tx.mm_participants(&id).await?;
        let wishes = tx.mm_wishes(&id).await?;
        let inst = instance(&record, &parts, &wishes, &[]);
        let result = kechuang_core::schedule::schedule(&inst).map_err(crate::AppError::Invalid)?;
        let (meetings, figures) = outcome(&inst, &result, &parts);
        let doc =
            serde_json::to_string(&figures).map_err(|e| crate::AppError::Internal(e.into()))?;
        tx.replace_mm_schedule(&id, &meetings, &doc, now).await?;
        // Signings: firm–research meetings, each pair once.
        let is_firm = |o: &OrgId| chosen.iter().any(|(i, _)| i == o);
        let mut pairs: Vec<(OrgId, OrgId)> = meetings
            .iter()
            .filter_map(|m| match (is_firm(&m.a), is_firm(&m.b)) {
                (true, false) => Some((m.a.clone(), m.b.clone())),
                (false, true) => Some((m.b.clone(), m.a.clone())),
                _ => None,
            })
            .collect();
        rng.shuffle(&mut pairs);
        // The named projects go first, each to a pair whose firm is of its
        // cluster when there is one; the rest follow in drawn order.
        let cluster_of = |f: &OrgId| {
            chosen
                .iter()
                .find(|(i, _)| i == f)
                .and_then(|(_, o)| o.cluster.as_deref())
        };
        let mut titled: Vec<(Option<&str>, (OrgId, OrgId))> = Vec::new();
        for (title, c) in plan.named {
            let at = pairs
                .iter()
                .position(|(f, _)| cluster_of(f) == Some(*c))
                .unwrap_or(0);
            if at < pairs.len() {
                titled.push((Some(*title), pairs.remove(at)));
            }
        }
        titled.extend(pairs.into_iter().map(|p| (None, p)));
        for (named, (firm, partner)) in titled.into_iter().take(plan.signed) {
            let c = chosen
                .iter()
                .find(|(i, _)| *i == firm)
                .and_then(|(_, o)| {
                    CLUSTERS
                        .iter()
                        .find(|c| Some(c.name) == o.cluster.as_deref())
                })
                .unwrap_or(&CLUSTERS[0]);
            let invention = c.inventions[rng.index(c.inventions.len())];
            let kind = ["联合研发", "技术转让", "成果转化", "共建研发中心"][rng.index(4)];
            let signing = Signing {
                title: named.map_or_else(|| format!("{invention}{kind}项目"), str::to_string),
                enterprise_id: firm.to_string(),
                partner_id: partner.to_string(),
                amount: if rng.chance(0.85) {
                    Some(Money::from_fen(rng.between(30, 600) * 1_000_000))
                } else {
                    None
                },
                need_id: None,
                achievement_id: None,
            };
            tx.insert_mm_signing(&kechuang_store::new_id(), &id, &signing, now, "demo")
                .await?;
            crate::ops::sessions::signing_collaboration(tx, &id, day, &signing, now, "demo")
                .await?;
        }
        tx.set_mm_session_status(&id, plan.status, now).await?;
        tx.append_event(
            "demo",
            "mm_session",
            &id,
            "mm_session.scheduled",
            &json!({"meetings": meetings.len(), "placed_requested": figures.placed_requested,
                    "upper_bound": figures.upper_bound, "signed": plan.signed}),
        )
        .await?;
    }
    Ok(PLANS.len())
}

/// Research organisations show an achievement; firms a need.
fn need_is_none(org: &OrgId, firms: &[&(OrgId, Organisation)]) -> bool {
    !firms.iter().any(|(i, _)| i == org)
}
