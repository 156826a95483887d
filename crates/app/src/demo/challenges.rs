//! 揭榜挂帅 in the demo district: demands, six calls from 2023 to the horizon in
//! every stage (open in 2026Q3, in review, in 公示, two running with milestones
//! and paid tranches — one a 赛马 with two winners — and one accepted and
//! closed), written through the `*_in` use cases in the demo's transaction on its
//! own random stream. The tranches are paid through the ledger from the
//! `budget:<year>:CHALLENGE` lines, appropriated first.

use super::rng::Rng;
use crate::ops::challenge::{
    self as ch, AcceptInput, AdvanceInput, ApplicationInput, CallInput, CheckInput, DemandInput,
    KpiInput, MemberInput, MilestoneInput, PanelInput, PayTrancheInput, ReviewInput, ScoreInput,
    SignInput, TrancheInput,
};
use crate::{Actor, AppError, AppResult};
use chrono::NaiveDate;
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::{Account, AccountKind, Transaction, TxKind};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_core::role::Role;
use kechuang_store::{Db, NewLedgerTx};

const WAN: i64 = 1_000_000;

fn d(s: &str) -> AppResult<NaiveDate> {
    kechuang_core::date::from_iso(s)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo date {s}")))
}

fn demo_actor() -> Actor {
    Actor {
        user_id: None,
        username: "demo".into(),
        display_name: "演示数据".into(),
        role: Role::BureauAdmin,
        org_id: None,
        towns: None,
    }
}

/// One call of the demo and how far it goes.
struct Plan {
    title: &'static str,
    group: &'static str,
    field: &'static str,
    kpis: &'static [(&'static str, &'static str, &'static str, &'static str)],
    months: u32,
    max_wan: i64,
    teams: u32,
    opens: &'static str,
    closes: &'static str,
    /// Applications.
    applicants: usize,
    /// How far: 1 published, 2 reviewing, 3 publicity, 4 running, 5 closed.
    reach: u8,
    /// Review / decision / running dates.
    dates: [&'static str; 3],
}

const PLANS: [Plan; 6] = [
    Plan {
        title: "长循环寿命储能电芯关键技术",
        group: "新型储能",
        field: "新型储能",
        kpis: &[
            ("循环寿命", "8000", "次", "第三方检测"),
            ("能量效率", "95", "%", "发榜方测试"),
        ],
        months: 24,
        max_wan: 500,
        teams: 1,
        opens: "2023-03-01",
        closes: "2023-04-30",
        applicants: 3,
        reach: 5,
        dates: ["2023-05-08", "2023-05-25", "2023-06-02"],
    },
    Plan {
        title: "大排量摩托车电控燃油喷射系统",
        group: "汽摩制造",
        field: "摩托车",
        kpis: &[("排放", "国四", "标准", "第三方检测")],
        months: 30,
        max_wan: 400,
        teams: 2,
        opens: "2024-03-01",
        closes: "2024-04-30",
        applicants: 4,
        reach: 4,
        dates: ["2024-05-06", "2024-05-24", "2024-06-03"],
    },
    Plan {
        title: "纳米气凝胶隔热材料量产工艺",
        group: "新材料",
        field: "气凝胶",
        kpis: &[("导热系数", "0.018", "W/(m·K)", "第三方检测")],
        months: 24,
        max_wan: 300,
        teams: 1,
        opens: "2025-02-01",
        closes: "2025-03-31",
        applicants: 3,
        reach: 4,
        dates: ["2025-04-07", "2025-04-25", "2025-05-06"],
    },
    Plan {
        title: "智能网联汽车车路协同感知终端",
        group: "智能网联汽车",
        field: "智能网联",
        kpis: &[
            ("感知距离", "300", "米", "封闭场地测试"),
            ("时延", "20", "毫秒", "第三方检测"),
        ],
        months: 24,
        max_wan: 600,
        teams: 1,
        opens: "2026-06-01",
        closes: "2026-07-31",
        applicants: 3,
        reach: 3,
        dates: ["2026-08-05", "2026-09-25", ""],
    },
    Plan {
        title: "钠离子电池正极材料",
        group: "新型储能",
        field: "电池材料",
        kpis: &[("比容量", "160", "mAh/g", "第三方检测")],
        months: 24,
        max_wan: 300,
        teams: 1,
        opens: "2026-07-01",
        closes: "2026-08-31",
        applicants: 3,
        reach: 2,
        dates: ["2026-09-07", "", ""],
    },
    Plan {
        title: "氢燃料电池双极板",
        group: "氢能",
        field: "氢能",
        kpis: &[("功率密度", "4.0", "kW/L", "第三方检测")],
        months: 36,
        max_wan: 800,
        teams: 2,
        opens: "2026-08-01",
        closes: "2026-10-31",
        applicants: 2,
        reach: 1,
        dates: ["", "", ""],
    },
];

fn kpi_inputs(p: &Plan) -> Vec<KpiInput> {
    p.kpis
        .iter()
        .map(|(m, t, u, how)| KpiInput {
            metric: (*m).into(),
            // 国四 and the like are met by a pass mark of 1.
            target: if t.parse::<f64>().is_ok() {
                (*t).into()
            } else {
                "1".into()
            },
            unit: (*u).into(),
            direction: if matches!(*m, "导热系数" | "时延" | "排放") {
                "at_most".into()
            } else {
                "at_least".into()
            },
            test_method: (*how).into(),
        })
        .collect()
}

/// The budget lines of 2023–2026, funded from the district treasury.
async fn appropriate(tx: &mut Db, actor: &Actor, now: i64) -> AppResult<()> {
    let treasury = Account::new(AccountKind::Treasury, "district")?;
    tx.ensure_ledger_account(&treasury, "区级财政", None, now)
        .await?;
    for (year, wan) in [(2023, 1_000), (2024, 1_500), (2025, 1_000), (2026, 1_500)] {
        let line = Account::budget(year, ch::BUDGET_MEASURE)?;
        tx.ensure_ledger_account(&line, &format!("{year}年揭榜挂帅专项"), None, now)
            .await?;
        let key = format!("demo-challenge-appropriation-{year}");
        let t = Transaction::transfer(
            &key,
            TxKind::Appropriation,
            treasury.clone(),
            line,
            wan * WAN,
        )?;
        let memo = format!("{year}年揭榜挂帅专项资金");
        let fp = crate::ops::ledger::fingerprint(&t, None, Some(&memo));
        let ev = crate::ops::ledger::event_payload(&t, None, Some(&memo), None);
        let id = kechuang_store::new_id();
        let new = NewLedgerTx {
            id: &id,
            tx: &t,
            basis: None,
            once_basis: None,
            memo: Some(&memo),
            reverses: None,
            fingerprint: &fp,
            actor: &actor.tag(),
            at_us: now,
            event: &ev,
        };
        tx.post_ledger_tx(&new)
            .await?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("demo appropriation: {e}")))?;
    }
    Ok(())
}

fn stage(to: &str) -> AdvanceInput {
    AdvanceInput { to: to.into() }
}

/// Writes the demo's 揭榜挂帅; returns (calls, applications, projects).
pub(crate) async fn write(
    tx: &mut Db,
    seed: u64,
    orgs: &[(OrgId, Organisation)],
    now: i64,
) -> AppResult<(usize, usize, usize)> {
    let mut rng = Rng::stream(seed, "challenges");
    let actor = demo_actor();
    appropriate(tx, &actor, now).await?;
    let firms: Vec<&OrgId> = orgs
        .iter()
        .filter(|(_, o)| o.kind == OrgKind::Enterprise && o.above_scale)
        .map(|(id, _)| id)
        .collect();
    let research: Vec<&OrgId> = orgs
        .iter()
        .filter(|(_, o)| matches!(o.kind, OrgKind::University | OrgKind::Institute))
        .map(|(id, _)| id)
        .collect();
    if firms.len() < 30 || research.len() < 2 {
        return Err(AppError::Internal(anyhow::anyhow!(
            "demo: too few organisations for 揭榜挂帅"
        )));
    }
    let mut counts = (0, 0, 0);
    for (i, p) in PLANS.iter().enumerate() {
        // The demand it was refined from.
        let issuer = firms[rng.index(firms.len())];
        let demand = ch::submit_demand_in(
            tx,
            &actor,
            &DemandInput {
                org_id: issuer.to_string(),
                title: p.title.into(),
                field: p.field.into(),
                problem: format!("{}存在“卡脖子”问题，亟需攻关", p.title),
                indicators: p
                    .kpis
                    .iter()
                    .map(|k| format!("{} {} {}", k.0, k.1, k.2))
                    .collect::<Vec<_>>()
                    .join("；"),
                deliverable: "样机及第三方检测报告".into(),
                cofunding_fen: p.max_wan * WAN,
                ..Default::default()
            },
            d(p.opens)? - chrono::Days::new(60),
            now,
        )
        .await?;
        let call = ch::create_call_in(
            tx,
            &actor,
            &CallInput {
                title: p.title.into(),
                group: p.group.into(),
                field: p.field.into(),
                kpis: kpi_inputs(p),
                duration_months: p.months,
                max_grant_fen: p.max_wan * WAN,
                issuer_org_id: issuer.to_string(),
                issuer_cofunding_fen: p.max_wan * WAN,
                parallel_teams: p.teams,
                min_score: "70".into(),
                opens: p.opens.into(),
                closes: p.closes.into(),
                publicity_days: 7,
                max_rectifications: 1,
                eligibility: "在区内注册的企业牵头，鼓励联合高校、科研院所组建创新联合体揭榜"
                    .into(),
                opinions: vec!["指标先进、可考核，建议发榜".into()],
                demand_ids: vec![demand.id.clone()],
            },
            now,
        )
        .await?;
        counts.0 += 1;
        let id = call.id.clone();
        ch::advance_in(
            tx,
            &actor,
            &id,
            &stage("published"),
            d(p.opens)? - chrono::Days::new(10),
            now,
        )
        .await?;
        // Applications inside the window, each by another firm with a university.
        let mut apps = Vec::new();
        let opens = d(p.opens)?;
        let closes = d(p.closes)?;
        let window = (closes - opens).num_days().max(1);
        let last = if p.reach == 1 {
            d("2026-09-30")?.min(closes)
        } else {
            closes
        };
        let span = (last - opens).num_days().max(1);
        for k in 0..p.applicants {
            let lead = firms[(i * 7 + k * 13 + rng.index(5)) % firms.len()];
            if lead == issuer || apps.iter().any(|(l, _)| *l == lead) {
                continue;
            }
            let partner = research[rng.index(research.len())];
            let on = opens
                + chrono::Days::new(
                    ((k as i64 + 1) * span / (p.applicants as i64 + 1)).min(window) as u64,
                );
            let end = closes
                .checked_add_months(chrono::Months::new(p.months))
                .unwrap_or(closes);
            let third = (end - closes).num_days() / 3;
            let milestones = (1..=3)
                .map(|n| MilestoneInput {
                    title: ["样品试制", "中试验证", "第三方检测"][n - 1].into(),
                    due: kechuang_core::date::to_iso(
                        closes + chrono::Days::new((third * n as i64) as u64),
                    ),
                })
                .collect();
            let a = ch::apply_in(
                tx,
                &actor,
                &id,
                &ApplicationInput {
                    lead_org_id: lead.to_string(),
                    partner_org_ids: vec![partner.to_string()],
                    consortium_name: if k % 2 == 0 {
                        format!("{}创新联合体", p.group)
                    } else {
                        String::new()
                    },
                    consortium_member_ids: Vec::new(),
                    team: vec![
                        MemberInput {
                            name: format!("{}负责人", ["张", "王", "李", "刘", "陈"][rng.index(5)]),
                            org_id: lead.to_string(),
                            expert_id: String::new(),
                            role: "项目负责人".into(),
                        },
                        MemberInput {
                            name: "技术骨干".into(),
                            org_id: partner.to_string(),
                            expert_id: String::new(),
                            role: "技术负责人".into(),
                        },
                    ],
                    plan: format!("围绕{}开展材料、工艺与装备联合攻关", p.title),
                    milestones,
                    budget_fen: (p.max_wan * 2 + rng.between(0, 200)) * WAN,
                    matching_fen: (p.max_wan + rng.between(0, 100)) * WAN,
                    attachments: vec!["申报书.pdf".into()],
                },
                on,
                now,
            )
            .await?;
            apps.push((lead, a.id));
        }
        counts.1 += apps.len();
        if p.reach < 2 {
            continue;
        }
        let review_on = d(p.dates[0])?;
        ch::advance_in(tx, &actor, &id, &stage("reviewing"), review_on, now).await?;
        for (k, (_, a)) in apps.iter().enumerate() {
            let passed = k + 1 < apps.len() || apps.len() < 3;
            let reasons = if passed {
                Vec::new()
            } else {
                vec!["自筹资金证明材料不全".into()]
            };
            ch::formal_check_in(
                tx,
                &actor,
                a,
                &CheckInput { passed, reasons },
                review_on,
                now,
            )
            .await?;
        }
        let panel = ch::draw_panel_in(
            tx,
            &actor,
            &id,
            &PanelInput {
                size: 5,
                seed: seed ^ i as u64,
            },
            now,
        )
        .await?;
        let reviewers: Vec<String> = panel
            .iter()
            .filter(|m| !m.excluded)
            .map(|m| m.expert_id.clone())
            .collect();
        let checked: Vec<&String> = apps
            .iter()
            .take(if apps.len() >= 3 {
                apps.len() - 1
            } else {
                apps.len()
            })
            .map(|(_, a)| a)
            .collect();
        for (r, x) in reviewers.iter().enumerate() {
            // In review: two of five reviewers have scored so far.
            if p.reach == 2 && r >= 2 {
                break;
            }
            for (k, a) in checked.iter().enumerate() {
                let base = 90 - 6 * k as i64;
                let score = base + rng.between(-3, 3);
                ch::score_in(
                    tx,
                    &actor,
                    &ScoreInput {
                        application_id: (*a).clone(),
                        expert_id: x.clone(),
                        score: score.to_string(),
                        comment: "方案可行，指标有把握".into(),
                    },
                    now,
                )
                .await?;
            }
        }
        if p.reach < 3 {
            continue;
        }
        let decided =
            ch::advance_in(tx, &actor, &id, &stage("publicity"), d(p.dates[1])?, now).await?;
        if p.reach < 4 {
            continue;
        }
        let start_on = d(p.dates[2])?;
        ch::advance_in(tx, &actor, &id, &stage("running"), start_on, now).await?;
        let winners: Vec<String> = decided
            .ranking
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.application_id.clone())
            .collect();
        for (w, a) in winners.iter().enumerate() {
            let sign_on = start_on + chrono::Days::new(7);
            let start = sign_on + chrono::Days::new(20);
            let end = start
                .checked_add_months(chrono::Months::new(p.months))
                .unwrap_or(start);
            let third = (end - start).num_days() / 3;
            let due: Vec<NaiveDate> = (1..=3)
                .map(|n| start + chrono::Days::new((third * n - 5) as u64))
                .collect();
            let grant = p.max_wan * WAN;
            let project = ch::sign_in(
                tx,
                &actor,
                &SignInput {
                    application_id: a.clone(),
                    grant_fen: grant,
                    start: kechuang_core::date::to_iso(start),
                    milestones: due
                        .iter()
                        .zip(["样品试制", "中试验证", "第三方检测"])
                        .map(|(d, t)| MilestoneInput {
                            title: t.into(),
                            due: kechuang_core::date::to_iso(*d),
                        })
                        .collect(),
                    tranches: vec![
                        TrancheInput {
                            label: "首期".into(),
                            amount_fen: grant * 4 / 10,
                            after_milestone: None,
                        },
                        TrancheInput {
                            label: "中期".into(),
                            amount_fen: grant * 3 / 10,
                            after_milestone: Some(0),
                        },
                        TrancheInput {
                            label: "尾款".into(),
                            amount_fen: grant - grant * 4 / 10 - grant * 3 / 10,
                            after_milestone: Some(2),
                        },
                    ],
                    from: String::new(),
                    key: format!("demo-challenge-{i}-{w}-advance"),
                    contract_ref: String::new(),
                },
                sign_on,
                now,
            )
            .await?;
            counts.2 += 1;
            let horizon = d("2026-09-30")?;
            // Milestone reviews that have come due by the horizon (or by the
            // acceptance of the accepted call), with the tranches they release.
            for (m, due_on) in due.iter().enumerate() {
                let review_on = *due_on + chrono::Days::new(10);
                if review_on > horizon {
                    break;
                }
                ch::review_milestone_in(
                    tx,
                    &actor,
                    &project.id,
                    &ReviewInput {
                        milestone: m,
                        verdict: "pass".into(),
                        ..Default::default()
                    },
                    review_on,
                    now,
                )
                .await?;
                let tranche = match m {
                    0 => Some(1),
                    2 => Some(2),
                    _ => None,
                };
                if let Some(t) = tranche {
                    let pay_on = review_on + chrono::Days::new(5);
                    ch::pay_tranche_in(
                        tx,
                        &actor,
                        &project.id,
                        &PayTrancheInput {
                            tranche: t,
                            key: format!("demo-challenge-{i}-{w}-tranche-{t}"),
                            from: String::new(),
                        },
                        pay_on,
                        now,
                    )
                    .await?;
                }
            }
            if p.reach >= 5 {
                let measured = p.kpis.iter().map(|k| match k.0 {
                    "循环寿命" => "8200".to_string(),
                    "能量效率" => "95.6".to_string(),
                    _ => k.1.to_string(),
                });
                let acc_on = due[2] + chrono::Days::new(30);
                ch::accept_in(
                    tx,
                    &actor,
                    &project.id,
                    &AcceptInput {
                        measured: measured.collect(),
                    },
                    acc_on,
                    now,
                )
                .await?;
            }
        }
        if p.reach >= 5 {
            ch::advance_in(tx, &actor, &id, &stage("closed"), d("2025-10-15")?, now).await?;
        }
    }
    Ok(counts)
}
