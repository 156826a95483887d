//! 揭榜挂帅: the call's stages, the window, the formal check, conflicts of
//! interest, scores and 赛马, the 公示, tranches through the ledger, acceptance,
//! roles and bad input — on SQLite and PostgreSQL.

use crate::common::*;
use chrono::NaiveDate;
use kechuang_app::ops::challenge::{
    self as ch, AcceptInput, AdvanceInput, ApplicationInput, CallInput, CheckInput, DemandInput,
    KpiInput, MemberInput, MilestoneInput, ObjectionInput, PanelInput, PayTrancheInput,
    ReviewInput, ReviewerInput, RulingInput, ScoreInput, ScreenInput, SignInput, TrancheInput,
};
use kechuang_app::ops::ledger::{self, AppropriateInput};
use kechuang_app::ops::matchmaking as mm;
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::ops::outcome::{self, DirectInput};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::chain::CollaborationInput;
use kechuang_core::challenge::{CallStage, ProjectStage};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::matchmaking::ExpertInput;
use kechuang_core::role::Role;
use kechuang_store::{ChCall, Store};
use kechuang_testkit::store_test;

const BUDGET: &str = "budget:2026:CHALLENGE";
const WAN: i64 = 1_000_000;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn field(e: &AppError) -> (String, &'static str) {
    match e {
        AppError::Invalid(f) => (f[0].field.clone(), f[0].code),
        AppError::Conflict(f) => (f.field.clone(), f.code),
        other => panic!("{other:?}"),
    }
}

fn has(e: &AppError, name: &str, code: &str) -> bool {
    match e {
        AppError::Invalid(f) => f.iter().any(|x| x.field == name && x.code == code),
        AppError::Conflict(f) => f.field == name && f.code == code,
        _ => false,
    }
}

async fn events(store: &Store) -> usize {
    store
        .read()
        .await
        .unwrap()
        .events_after(0, 1_000_000)
        .await
        .unwrap()
        .len()
}

async fn stored_stage(app: &App, id: &str) -> CallStage {
    app.store
        .read()
        .await
        .unwrap()
        .ch_call(id)
        .await
        .unwrap()
        .unwrap()
        .stage
}

async fn research_org(app: &App, n: u32, name: &str) -> OrgId {
    let admin = bureau(Role::BureauAdmin, None);
    org::create(
        app,
        &admin,
        &OrgInput {
            kind: "高校".into(),
            credit_code: CreditCode::complete(&format!("12500000{n:09}"))
                .unwrap()
                .to_string(),
            name: name.into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap()
}

async fn expert(app: &App, org: &OrgId, name: &str, field: &str) -> String {
    let admin = bureau(Role::BureauAdmin, None);
    mm::create_expert(
        app,
        &admin,
        Some(org.as_str()),
        &ExpertInput {
            name: name.into(),
            title: "教授".into(),
            fields: vec![field.into()],
            keywords: vec!["储能".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

struct World {
    app: App,
    admin: Actor,
    e1: OrgId,
    e2: OrgId,
    e3: OrgId,
    issuer: OrgId,
    u1: OrgId,
    u3: OrgId,
    /// Clean experts (no conflict).
    clean: Vec<String>,
    /// An expert on application A's team.
    x_person: String,
    /// Another expert on application A's team.
    x_member: String,
    /// An expert of e2 (application B's lead).
    x_same: String,
    /// An expert of u2, which collaborated with e1.
    x_collab: String,
    /// An expert of u3, in application C's consortium.
    x_cons: String,
}

async fn world(store: &Store) -> World {
    let app = app(store);
    let admin = bureau(Role::BureauAdmin, None);
    let mut orgs = Vec::new();
    for (i, t) in ["巴川街道", "东城街道", "西城街道", "南城街道"]
        .iter()
        .enumerate()
    {
        orgs.push(
            org::create(&app, &admin, &enterprise_input(i as u32 + 1, t))
                .await
                .unwrap(),
        );
    }
    let u1 = research_org(&app, 1, "重庆测试大学").await;
    let u2 = research_org(&app, 2, "重庆测试理工大学").await;
    let u3 = research_org(&app, 3, "重庆测试研究院").await;
    let u4 = research_org(&app, 4, "重庆测试师范大学").await;
    let mut clean = Vec::new();
    for i in 0..4 {
        clean.push(expert(&app, &u4, &format!("评审专家{i}"), "新型储能").await);
    }
    let x_person = expert(&app, &u1, "张揭榜", "新型储能").await;
    let x_member = expert(&app, &u1, "李队员", "电池材料").await;
    let x_same = expert(&app, &orgs[1], "王同单位", "新型储能").await;
    let x_collab = expert(&app, &u2, "赵合作", "新型储能").await;
    let x_cons = expert(&app, &u3, "钱联合体", "新型储能").await;
    // u2 collaborated with e1 (the matchmaking chain).
    outcome::record_direct(
        &app,
        &admin,
        &DirectInput {
            enterprise_org_id: orgs[0].to_string(),
            provider_org_id: u2.to_string(),
            collab: CollaborationInput {
                title: "储能电芯联合研发".into(),
                signed_on: "2025-05-16".into(),
                amount_wan: "100".into(),
                source: "session".into(),
                session_id: "session-2025-05-16".into(),
            },
        },
    )
    .await
    .unwrap();
    ledger::appropriate(
        &app,
        &admin,
        &AppropriateInput {
            key: "appr-challenge-2026".into(),
            to: BUDGET.into(),
            name: "揭榜挂帅专项".into(),
            amount_fen: 2_000 * WAN,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    World {
        app,
        admin,
        e1: orgs[0].clone(),
        e2: orgs[1].clone(),
        e3: orgs[2].clone(),
        issuer: orgs[3].clone(),
        u1,
        u3,
        clean,
        x_person,
        x_member,
        x_same,
        x_collab,
        x_cons,
    }
}

fn kpi(metric: &str, target: &str, dir: &str) -> KpiInput {
    KpiInput {
        metric: metric.into(),
        target: target.into(),
        unit: "次".into(),
        direction: dir.into(),
        test_method: "第三方检测".into(),
    }
}

fn call_input(w: &World, parallel: u32) -> CallInput {
    CallInput {
        title: "长循环寿命储能电芯".into(),
        group: "新型储能".into(),
        field: "新型储能".into(),
        kpis: vec![
            kpi("循环寿命", "8000", "at_least"),
            kpi("内阻", "0.5", "at_most"),
        ],
        duration_months: 24,
        max_grant_fen: 500 * WAN,
        issuer_org_id: w.issuer.to_string(),
        issuer_cofunding_fen: 500 * WAN,
        parallel_teams: parallel,
        min_score: "70".into(),
        opens: "2026-01-01".into(),
        closes: "2026-01-31".into(),
        publicity_days: 7,
        max_rectifications: 1,
        eligibility: "区内注册企业牵头，可联合高校院所".into(),
        opinions: vec!["指标可考核".into()],
        demand_ids: Vec::new(),
    }
}

fn ms(titles: &[(&str, &str)]) -> Vec<MilestoneInput> {
    titles
        .iter()
        .map(|(t, due)| MilestoneInput {
            title: (*t).into(),
            due: (*due).into(),
        })
        .collect()
}

fn application(lead: &OrgId, team: Vec<MemberInput>) -> ApplicationInput {
    ApplicationInput {
        lead_org_id: lead.to_string(),
        team,
        plan: "正极材料改性与电芯结构优化".into(),
        milestones: ms(&[
            ("样品试制", "2026-09-01"),
            ("中试验证", "2027-03-01"),
            ("第三方检测", "2028-01-15"),
        ]),
        budget_fen: 1_200 * WAN,
        matching_fen: 700 * WAN,
        ..Default::default()
    }
}

fn member(name: &str, org: Option<&OrgId>, expert: Option<&str>) -> MemberInput {
    MemberInput {
        name: name.into(),
        org_id: org.map(ToString::to_string).unwrap_or_default(),
        expert_id: expert.unwrap_or_default().into(),
        role: "成员".into(),
    }
}

async fn to(w: &World, call: &str, stage: &str, on: &str) -> Result<ChCall, AppError> {
    ch::advance(
        &w.app,
        &w.admin,
        call,
        &AdvanceInput { to: stage.into() },
        d(on),
    )
    .await
}

/// A published call with three applications (A: e1 with u1's experts; B: e2;
/// C: e3 in a consortium with u3), the window closed and every one checked.
async fn reviewing(w: &World, parallel: u32) -> (String, [String; 3]) {
    let call = ch::create_call(&w.app, &w.admin, &call_input(w, parallel))
        .await
        .unwrap();
    to(w, &call.id, "published", "2025-12-20").await.unwrap();
    let a = ch::apply(
        &w.app,
        &enterprise_user(&w.e1),
        &call.id,
        &ApplicationInput {
            partner_org_ids: vec![w.u1.to_string()],
            ..application(
                &w.e1,
                vec![
                    member("张揭榜", Some(&w.u1), Some(&w.x_person)),
                    member("李队员", Some(&w.u1), Some(&w.x_member)),
                ],
            )
        },
        d("2026-01-10"),
    )
    .await
    .unwrap();
    let b = ch::apply(
        &w.app,
        &enterprise_user(&w.e2),
        &call.id,
        &application(&w.e2, vec![member("孙工", Some(&w.e2), None)]),
        d("2026-01-12"),
    )
    .await
    .unwrap();
    let c = ch::apply(
        &w.app,
        &enterprise_user(&w.e3),
        &call.id,
        &ApplicationInput {
            consortium_name: "储能创新联合体".into(),
            consortium_member_ids: vec![w.u3.to_string()],
            ..application(&w.e3, vec![member("周工", Some(&w.e3), None)])
        },
        d("2026-01-20"),
    )
    .await
    .unwrap();
    to(w, &call.id, "reviewing", "2026-02-01").await.unwrap();
    for x in [&a.id, &b.id, &c.id] {
        ch::formal_check(
            &w.app,
            &w.admin,
            x,
            &CheckInput {
                passed: true,
                reasons: vec![],
            },
            d("2026-02-02"),
        )
        .await
        .unwrap();
    }
    (call.id, [a.id, b.id, c.id])
}

async fn score_all(w: &World, call: &str, apps: &[String], scores: &[[&str; 3]]) {
    let panel: Vec<_> = ch::panel(&w.app, &w.admin, call)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| !p.excluded)
        .collect();
    for (i, p) in panel.iter().enumerate() {
        for (j, a) in apps.iter().enumerate() {
            ch::score(
                &w.app,
                &w.admin,
                &ScoreInput {
                    application_id: a.clone(),
                    expert_id: p.expert_id.clone(),
                    score: scores[i][j].into(),
                    comment: String::new(),
                },
            )
            .await
            .unwrap();
        }
    }
}

/// Up to a running call: panel of three, scores, decision, 公示 over.
async fn running(w: &World, parallel: u32) -> (String, [String; 3]) {
    let (call, apps) = reviewing(w, parallel).await;
    ch::draw_panel(&w.app, &w.admin, &call, &PanelInput { size: 3, seed: 7 })
        .await
        .unwrap();
    score_all(
        w,
        &call,
        &apps,
        &[["90", "85", "60"], ["88", "80", "65"], ["92", "84", "62"]],
    )
    .await;
    to(w, &call, "publicity", "2026-02-10").await.unwrap();
    to(w, &call, "running", "2026-02-17").await.unwrap();
    (call, apps)
}

fn sign_input(app_id: &str, key: &str) -> SignInput {
    SignInput {
        application_id: app_id.into(),
        grant_fen: 500 * WAN,
        start: "2026-03-01".into(),
        milestones: ms(&[
            ("样品试制", "2026-09-01"),
            ("中试验证", "2027-03-01"),
            ("第三方检测", "2028-01-15"),
        ]),
        tranches: vec![
            TrancheInput {
                label: "首期".into(),
                amount_fen: 200 * WAN,
                after_milestone: None,
            },
            TrancheInput {
                label: "中期".into(),
                amount_fen: 150 * WAN,
                after_milestone: Some(0),
            },
            TrancheInput {
                label: "尾款".into(),
                amount_fen: 150 * WAN,
                after_milestone: Some(2),
            },
        ],
        from: BUDGET.into(),
        key: key.into(),
        contract_ref: String::new(),
    }
}

fn pay(tranche: usize, key: &str) -> PayTrancheInput {
    PayTrancheInput {
        tranche,
        key: key.into(),
        from: BUDGET.into(),
    }
}

async fn balance(app: &App, account: &str) -> i64 {
    let a = kechuang_core::ledger::Account::parse(account).unwrap();
    app.store
        .read()
        .await
        .unwrap()
        .ledger_account(&a)
        .await
        .unwrap()
        .map_or(0, |a| a.balance_fen)
}

store_test!(every_call_stage_transition_allowed_and_refused, |store| {
    let w = world(&store).await;
    let all = [
        "draft",
        "published",
        "reviewing",
        "publicity",
        "running",
        "closed",
        "cancelled",
    ];
    let allowed = |from: &str, to: &str| {
        matches!(
            (from, to),
            ("draft", "published")
                | ("published", "reviewing")
                | ("reviewing", "publicity")
                | ("publicity", "running")
                | ("publicity", "reviewing")
                | ("running", "closed")
                | (
                    "draft" | "published" | "reviewing" | "publicity",
                    "cancelled"
                )
        )
    };
    // Every transition the rules refuse, from each stage, leaves the stage as it was.
    let refuse_all = |call: String, from: &'static str| {
        let w = &w;
        async move {
            for t in all.iter().filter(|t| !allowed(from, t)) {
                let e = to(w, &call, t, "2026-06-01").await.unwrap_err();
                assert!(
                    has(&e, "stage", "challenge_stage_not_allowed"),
                    "{from}->{t}: {e:?}"
                );
                assert_eq!(stored_stage(&w.app, &call).await.as_str(), from);
            }
        }
    };
    let call = ch::create_call(&w.app, &w.admin, &call_input(&w, 1))
        .await
        .unwrap()
        .id;
    refuse_all(call.clone(), "draft").await;
    // Not ready: publishing after the window closed.
    let e = to(&w, &call, "published", "2026-02-01").await.unwrap_err();
    assert!(has(&e, "stage", "challenge_stage_not_ready"), "{e:?}");
    assert_eq!(stored_stage(&w.app, &call).await, CallStage::Draft);
    to(&w, &call, "published", "2025-12-20").await.unwrap();
    refuse_all(call.clone(), "published").await;
    // Not ready: review while the window is open.
    let e = to(&w, &call, "reviewing", "2026-01-31").await.unwrap_err();
    assert!(has(&e, "stage", "challenge_stage_not_ready"), "{e:?}");
    assert_eq!(stored_stage(&w.app, &call).await, CallStage::Published);
    // Cancel from each stage that allows it, on calls of their own.
    let (c2, _) = reviewing(&w, 1).await;
    refuse_all(c2.clone(), "reviewing").await;
    // Not ready: a decision with no score.
    let e = to(&w, &c2, "publicity", "2026-02-10").await.unwrap_err();
    assert!(has(&e, "stage", "challenge_stage_not_ready"), "{e:?}");
    assert_eq!(stored_stage(&w.app, &c2).await, CallStage::Reviewing);
    ch::draw_panel(&w.app, &w.admin, &c2, &PanelInput { size: 3, seed: 1 })
        .await
        .unwrap();
    let apps: Vec<String> = ch::workbench(&w.app, &w.admin, &c2)
        .await
        .unwrap()
        .applications
        .into_iter()
        .map(|a| a.application.id)
        .collect();
    score_all(
        &w,
        &c2,
        &apps,
        &[["90", "85", "60"], ["88", "80", "65"], ["92", "84", "62"]],
    )
    .await;
    to(&w, &c2, "publicity", "2026-02-10").await.unwrap();
    refuse_all(c2.clone(), "publicity").await;
    // Not ready: running during the 公示, and with an objection open after it.
    let e = to(&w, &c2, "running", "2026-02-16").await.unwrap_err();
    assert!(has(&e, "stage", "challenge_stage_not_ready"), "{e:?}");
    let o = ch::object(
        &w.app,
        &enterprise_user(&w.e2),
        &c2,
        &ObjectionInput {
            body: "评分有误".into(),
            ..Default::default()
        },
        d("2026-02-12"),
    )
    .await
    .unwrap();
    let e = to(&w, &c2, "running", "2026-02-17").await.unwrap_err();
    assert!(has(&e, "stage", "challenge_stage_not_ready"), "{e:?}");
    assert_eq!(stored_stage(&w.app, &c2).await, CallStage::Publicity);
    ch::rule_objection(
        &w.app,
        &w.admin,
        &o.id,
        &c2,
        &RulingInput {
            upheld: false,
            finding: "经复核评分无误".into(),
        },
    )
    .await
    .unwrap();
    to(&w, &c2, "running", "2026-02-17").await.unwrap();
    refuse_all(c2.clone(), "running").await;
    // Not ready: closing with a project still running.
    let sel = ch::workbench(&w.app, &w.admin, &c2)
        .await
        .unwrap()
        .ranking
        .into_iter()
        .find(|r| r.selected)
        .unwrap()
        .application_id;
    let p = ch::sign(
        &w.app,
        &w.admin,
        &sign_input(&sel, "sign-c2"),
        d("2026-02-20"),
    )
    .await
    .unwrap();
    let e = to(&w, &c2, "closed", "2026-06-01").await.unwrap_err();
    assert!(has(&e, "stage", "challenge_stage_not_ready"), "{e:?}");
    assert_eq!(stored_stage(&w.app, &c2).await, CallStage::Running);
    ch::review_milestone(
        &w.app,
        &w.admin,
        &p.project.id,
        &ReviewInput {
            milestone: 0,
            verdict: "terminate".into(),
            note: "关键人员离职".into(),
            ..Default::default()
        },
        d("2026-09-05"),
    )
    .await
    .unwrap();
    to(&w, &c2, "closed", "2026-10-01").await.unwrap();
    refuse_all(c2.clone(), "closed").await;
    // Cancellation from draft, published, reviewing and publicity; nothing after.
    let c3 = ch::create_call(&w.app, &w.admin, &call_input(&w, 1))
        .await
        .unwrap()
        .id;
    to(&w, &c3, "cancelled", "2025-12-01").await.unwrap();
    refuse_all(c3, "cancelled").await;
    to(&w, &call, "cancelled", "2026-01-05").await.unwrap();
    assert_eq!(stored_stage(&w.app, &call).await, CallStage::Cancelled);
    // Back from 公示 to review: the decision withdrawn.
    let (c4, _) = running(&w, 1).await;
    assert_eq!(stored_stage(&w.app, &c4).await, CallStage::Running);
    let (c5, apps5) = reviewing(&w, 1).await;
    ch::draw_panel(&w.app, &w.admin, &c5, &PanelInput { size: 3, seed: 2 })
        .await
        .unwrap();
    score_all(
        &w,
        &c5,
        &apps5,
        &[["90", "85", "60"], ["88", "80", "65"], ["92", "84", "62"]],
    )
    .await;
    to(&w, &c5, "publicity", "2026-02-10").await.unwrap();
    let back = to(&w, &c5, "reviewing", "2026-02-11").await.unwrap();
    assert!(back.ranking.is_empty() && back.publicity_to.is_none());
    to(&w, &c5, "cancelled", "2026-02-12").await.unwrap();
    assert_eq!(stored_stage(&w.app, &c5).await, CallStage::Cancelled);
    // Only bureau staff move a call.
    let e = to_as(&w, &enterprise_user(&w.e1), &c4, "closed").await;
    assert!(matches!(e, AppError::Forbidden), "{e:?}");
});

async fn to_as(w: &World, actor: &Actor, call: &str, stage: &str) -> AppError {
    ch::advance(
        &w.app,
        actor,
        call,
        &AdvanceInput { to: stage.into() },
        d("2026-06-01"),
    )
    .await
    .unwrap_err()
}

store_test!(window_formal_check_roles_and_demands, |store| {
    let w = world(&store).await;
    // A demand refined into a call.
    let e1 = enterprise_user(&w.e1);
    let dm = ch::submit_demand(
        &w.app,
        &e1,
        &DemandInput {
            title: "储能电芯循环寿命".into(),
            field: "新型储能".into(),
            problem: "循环寿命不足 6000 次".into(),
            indicators: "循环寿命 ≥ 8000 次".into(),
            cofunding_fen: 500 * WAN,
            ..Default::default()
        },
        d("2025-10-01"),
    )
    .await
    .unwrap();
    assert_eq!(
        ch::demands(&w.app, &enterprise_user(&w.e2))
            .await
            .unwrap()
            .len(),
        0
    );
    ch::screen_demand(
        &w.app,
        &w.admin,
        &dm.id,
        &ScreenInput {
            status: "screened".into(),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let call = ch::create_call(
        &w.app,
        &w.admin,
        &CallInput {
            demand_ids: vec![dm.id.clone()],
            ..call_input(&w, 1)
        },
    )
    .await
    .unwrap();
    let merged = ch::demands(&w.app, &e1).await.unwrap();
    assert_eq!(
        (merged[0].status.as_str(), merged[0].call_id.as_deref()),
        ("merged", Some(call.id.as_str()))
    );
    // A draft is not public.
    assert!(matches!(
        ch::call(&w.app, Some(&e1), &call.id).await.unwrap_err(),
        AppError::NotFound
    ));
    assert!(ch::calls(&w.app, None).await.unwrap().is_empty());
    to(&w, &call.id, "published", "2025-12-20").await.unwrap();
    let public = ch::calls(&w.app, None).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].kpi_labels[0], "循环寿命 ≥ 8000 次（第三方检测）");
    assert_eq!(public[0].max_grant.wan, "500");
    // Outside the window: a field error, nothing written.
    let before = events(&store).await;
    for day in ["2025-12-31", "2026-02-01"] {
        let e = ch::apply(
            &w.app,
            &e1,
            &call.id,
            &application(&w.e1, vec![member("张工", None, None)]),
            d(day),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&e), ("call_id".into(), "challenge_window_closed"));
    }
    assert_eq!(events(&store).await, before);
    let a = ch::apply(
        &w.app,
        &e1,
        &call.id,
        &application(&w.e1, vec![member("张工", None, None)]),
        d("2026-01-01"),
    )
    .await
    .unwrap();
    let b = ch::apply(
        &w.app,
        &enterprise_user(&w.e2),
        &call.id,
        &application(&w.e2, vec![member("孙工", None, None)]),
        d("2026-01-31"),
    )
    .await
    .unwrap();
    // Once per lead organisation.
    let e = ch::apply(
        &w.app,
        &e1,
        &call.id,
        &application(&w.e1, vec![member("张工", None, None)]),
        d("2026-01-02"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        field(&e),
        ("lead_org_id".into(), "challenge_already_applied")
    );
    // Roles: each applicant sees its own; another's is 404; the bureau sees all.
    assert_eq!(ch::my_applications(&w.app, &e1).await.unwrap().len(), 1);
    assert!(matches!(
        ch::application(&w.app, &e1, &b.id).await.unwrap_err(),
        AppError::NotFound
    ));
    assert_eq!(
        ch::application(&w.app, &e1, &a.id)
            .await
            .unwrap()
            .application
            .id,
        a.id
    );
    assert_eq!(
        ch::application(&w.app, &w.admin, &b.id)
            .await
            .unwrap()
            .application
            .id,
        b.id
    );
    // A bank applies for nobody; an enterprise cannot check.
    let bank = Actor {
        role: Role::Bank,
        ..enterprise_user(&w.e1)
    };
    assert!(matches!(
        ch::apply(
            &w.app,
            &bank,
            &call.id,
            &application(&w.e1, vec![]),
            d("2026-01-05")
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    ));
    // The formal check waits for the review stage.
    let e = ch::formal_check(
        &w.app,
        &w.admin,
        &a.id,
        &CheckInput {
            passed: true,
            reasons: vec![],
        },
        d("2026-01-20"),
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), ("stage".into(), "challenge_stage_not_allowed"));
    to(&w, &call.id, "reviewing", "2026-02-01").await.unwrap();
    assert!(matches!(
        ch::formal_check(
            &w.app,
            &e1,
            &a.id,
            &CheckInput {
                passed: true,
                reasons: vec![]
            },
            d("2026-02-02")
        )
        .await
        .unwrap_err(),
        AppError::Forbidden
    ));
    // A failure needs its reasons.
    let e = ch::formal_check(
        &w.app,
        &w.admin,
        &b.id,
        &CheckInput {
            passed: false,
            reasons: vec![],
        },
        d("2026-02-02"),
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), ("reasons".into(), "required"));
    let failed = ch::formal_check(
        &w.app,
        &w.admin,
        &b.id,
        &CheckInput {
            passed: false,
            reasons: vec!["缺少自筹资金证明".into()],
        },
        d("2026-02-02"),
    )
    .await
    .unwrap();
    assert_eq!(failed.stage, "failed");
    assert_eq!(
        failed.check.unwrap().reasons,
        vec!["缺少自筹资金证明".to_string()]
    );
    let passed = ch::formal_check(
        &w.app,
        &w.admin,
        &a.id,
        &CheckInput {
            passed: true,
            reasons: vec![],
        },
        d("2026-02-02"),
    )
    .await
    .unwrap();
    assert_eq!(passed.stage, "passed");
    // Only the checked application goes to the panel, and the failed one is never scored.
    ch::draw_panel(&w.app, &w.admin, &call.id, &PanelInput { size: 3, seed: 3 })
        .await
        .unwrap();
    let panel = ch::panel(&w.app, &w.admin, &call.id).await.unwrap();
    let x = panel
        .iter()
        .find(|p| !p.excluded)
        .unwrap()
        .expert_id
        .clone();
    let e = ch::score(
        &w.app,
        &w.admin,
        &ScoreInput {
            application_id: b.id.clone(),
            expert_id: x,
            score: "80".into(),
            comment: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), ("stage".into(), "challenge_stage_not_allowed"));
});

store_test!(conflicts_of_interest_found_and_excluded, |store| {
    let w = world(&store).await;
    let (call, apps) = reviewing(&w, 1).await;
    let panel = ch::draw_panel(&w.app, &w.admin, &call, &PanelInput { size: 3, seed: 11 })
        .await
        .unwrap();
    let drawn: Vec<&str> = panel
        .iter()
        .filter(|p| !p.excluded)
        .map(|p| p.expert_id.as_str())
        .collect();
    assert_eq!(drawn.len(), 3);
    assert!(
        drawn.iter().all(|x| w.clean.iter().any(|c| c == x)),
        "{drawn:?}"
    );
    let kinds_of = |x: &str| -> Vec<(String, String)> {
        panel
            .iter()
            .find(|p| p.expert_id == x && p.excluded)
            .map(|p| {
                p.conflicts
                    .iter()
                    .map(|c| (c.kind.clone(), c.application_id.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Same person (on A's team) and same organisation (u1 is A's partner).
    let k = kinds_of(&w.x_person);
    assert!(
        k.contains(&("same_person".into(), apps[0].clone())),
        "{k:?}"
    );
    assert!(
        k.contains(&("same_organisation".into(), apps[0].clone())),
        "{k:?}"
    );
    // Same organisation as B's lead.
    assert_eq!(
        kinds_of(&w.x_same),
        vec![("same_organisation".to_string(), apps[1].clone())]
    );
    // Past co-operation of the chain: u2 collaborated with e1 (A's lead).
    assert_eq!(
        kinds_of(&w.x_collab),
        vec![("shared_contract".to_string(), apps[0].clone())]
    );
    // Consortium membership: u3 is in C's consortium.
    assert_eq!(
        kinds_of(&w.x_cons),
        vec![("consortium_member".to_string(), apps[2].clone())]
    );
    let label = &panel
        .iter()
        .find(|p| p.expert_id == w.x_cons)
        .unwrap()
        .conflicts[0]
        .label;
    assert!(label.contains("联合体"), "{label}");
    // Drawing again with the same seed gives the same panel.
    let again = ch::draw_panel(&w.app, &w.admin, &call, &PanelInput { size: 3, seed: 11 })
        .await
        .unwrap();
    assert_eq!(again, panel);
    // Too few clean experts: a field error.
    let e = ch::draw_panel(&w.app, &w.admin, &call, &PanelInput { size: 6, seed: 11 })
        .await
        .unwrap_err();
    assert_eq!(field(&e), ("size".into(), "challenge_panel_too_few"));
    // An excluded expert cannot score.
    let e = ch::score(
        &w.app,
        &w.admin,
        &ScoreInput {
            application_id: apps[1].clone(),
            expert_id: w.x_same.clone(),
            score: "80".into(),
            comment: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), ("expert_id".into(), "challenge_not_on_panel"));

    // Shared project: x_person and x_member were both on project P of this call;
    // in a later call, an application with x_member on its team excludes x_person.
    ch::score(
        &w.app,
        &w.admin,
        &ScoreInput {
            application_id: apps[0].clone(),
            expert_id: drawn[0].into(),
            score: "95".into(),
            comment: String::new(),
        },
    )
    .await
    .unwrap();
    to(&w, &call, "publicity", "2026-02-10").await.unwrap();
    to(&w, &call, "running", "2026-02-17").await.unwrap();
    ch::sign(
        &w.app,
        &w.admin,
        &sign_input(&apps[0], "sign-coi"),
        d("2026-02-20"),
    )
    .await
    .unwrap();
    let c2 = ch::create_call(
        &w.app,
        &w.admin,
        &CallInput {
            opens: "2026-03-01".into(),
            closes: "2026-03-31".into(),
            ..call_input(&w, 1)
        },
    )
    .await
    .unwrap()
    .id;
    to(&w, &c2, "published", "2026-02-25").await.unwrap();
    let a2 = ch::apply(
        &w.app,
        &enterprise_user(&w.e2),
        &c2,
        &ApplicationInput {
            milestones: ms(&[("样品", "2026-10-01")]),
            ..application(&w.e2, vec![member("李队员", None, Some(&w.x_member))])
        },
        d("2026-03-05"),
    )
    .await
    .unwrap();
    to(&w, &c2, "reviewing", "2026-04-01").await.unwrap();
    ch::formal_check(
        &w.app,
        &w.admin,
        &a2.id,
        &CheckInput {
            passed: true,
            reasons: vec![],
        },
        d("2026-04-02"),
    )
    .await
    .unwrap();
    let p2 = ch::draw_panel(&w.app, &w.admin, &c2, &PanelInput { size: 3, seed: 5 })
        .await
        .unwrap();
    let xp = p2.iter().find(|p| p.expert_id == w.x_person).unwrap();
    assert!(xp.excluded);
    assert_eq!(xp.conflicts[0].kind, "shared_project", "{:?}", xp.conflicts);
});

store_test!(
    scores_ranking_horse_race_and_publicity_objections,
    |store| {
        let w = world(&store).await;
        let (call, apps) = reviewing(&w, 2).await;
        ch::draw_panel(&w.app, &w.admin, &call, &PanelInput { size: 3, seed: 9 })
            .await
            .unwrap();
        let panel: Vec<_> = ch::panel(&w.app, &w.admin, &call)
            .await
            .unwrap()
            .into_iter()
            .filter(|p| !p.excluded)
            .collect();
        // A reviewer's own account scores; it sees only what it reviews.
        let rev = Actor {
            user_id: Some(UserId("u-reviewer".into())),
            username: "reviewer".into(),
            display_name: "评审专家".into(),
            role: Role::Research,
            org_id: None,
            towns: None,
        };
        let e = ch::score(
            &w.app,
            &rev,
            &ScoreInput {
                application_id: apps[0].clone(),
                score: "90".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(e, AppError::NotFound), "{e:?}");
        assert!(matches!(
            ch::application(&w.app, &rev, &apps[0]).await.unwrap_err(),
            AppError::NotFound
        ));
        ch::assign_reviewer(
            &w.app,
            &w.admin,
            &call,
            &ReviewerInput {
                expert_id: panel[0].expert_id.clone(),
                user_id: "u-reviewer".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(ch::review_tasks(&w.app, &rev).await.unwrap().len(), 3);
        assert_eq!(
            ch::application(&w.app, &rev, &apps[0])
                .await
                .unwrap()
                .application
                .id,
            apps[0]
        );
        let s = ch::score(
            &w.app,
            &rev,
            &ScoreInput {
                application_id: apps[0].clone(),
                score: "90".into(),
                comment: "方案可行".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(s.expert_id, panel[0].expert_id);
        // Once per reviewer and application.
        let e = ch::score(
            &w.app,
            &rev,
            &ScoreInput {
                application_id: apps[0].clone(),
                score: "91".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(field(&e), ("expert_id".into(), "challenge_already_scored"));
        // Out of range: a field error, nothing written.
        let before = events(&store).await;
        for bad in ["100.5", "-1", "abc"] {
            let e = ch::score(
                &w.app,
                &rev,
                &ScoreInput {
                    application_id: apps[1].clone(),
                    score: bad.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
            assert_eq!(field(&e).0, "score", "{bad}");
        }
        assert_eq!(events(&store).await, before);
        for (a, v) in [(&apps[1], "80"), (&apps[2], "70")] {
            ch::score(
                &w.app,
                &rev,
                &ScoreInput {
                    application_id: a.clone(),
                    score: v.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        for (i, p) in panel.iter().enumerate().skip(1) {
            for (a, v) in apps
                .iter()
                .zip([["86", "84", "60"], ["88", "82", "62"]][i - 1])
            {
                ch::score(
                    &w.app,
                    &w.admin,
                    &ScoreInput {
                        application_id: a.clone(),
                        expert_id: p.expert_id.clone(),
                        score: v.into(),
                        comment: String::new(),
                    },
                )
                .await
                .unwrap();
            }
        }
        // 赛马: two winners at or above 70; C (average 64) is not selected.
        let decided = to(&w, &call, "publicity", "2026-02-10").await.unwrap();
        let r: Vec<(String, String, usize, bool)> = decided
            .ranking
            .iter()
            .map(|r| {
                (
                    r.application_id.clone(),
                    r.average.to_string(),
                    r.rank,
                    r.selected,
                )
            })
            .collect();
        assert_eq!(
            r,
            vec![
                (apps[0].clone(), "88".into(), 1, true),
                (apps[1].clone(), "82".into(), 2, true),
                (apps[2].clone(), "64".into(), 3, false),
            ]
        );
        assert_eq!(
            (decided.publicity_from, decided.publicity_to),
            (Some(d("2026-02-10")), Some(d("2026-02-16")))
        );
        let pubs = ch::publicity(&w.app).await.unwrap();
        assert_eq!(pubs.len(), 2);
        // Objections only inside the 公示.
        let e2 = enterprise_user(&w.e3);
        let e = ch::object(
            &w.app,
            &e2,
            &call,
            &ObjectionInput {
                body: "评分不公".into(),
                ..Default::default()
            },
            d("2026-02-17"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&e), ("call_id".into(), "challenge_publicity_closed"));
        let o = ch::object(
            &w.app,
            &e2,
            &call,
            &ObjectionInput {
                application_id: apps[1].clone(),
                body: "团队负责人存在重复申报".into(),
                ..Default::default()
            },
            d("2026-02-12"),
        )
        .await
        .unwrap();
        // An upheld objection sends the call back to review.
        ch::rule_objection(
            &w.app,
            &w.admin,
            &o.id,
            &call,
            &RulingInput {
                upheld: true,
                finding: "情况属实，重新评审".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(stored_stage(&w.app, &call).await, CallStage::Reviewing);
        let a1 = ch::application(&w.app, &w.admin, &apps[1]).await.unwrap();
        assert_eq!(a1.application.stage, "passed");
        assert!(ch::publicity(&w.app).await.unwrap().is_empty());
        let e = ch::rule_objection(
            &w.app,
            &w.admin,
            &o.id,
            &call,
            &RulingInput {
                upheld: false,
                finding: "再议".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("objection_id".into(), "challenge_objection_closed")
        );
    }
);

store_test!(
    tranches_through_the_ledger_reviews_and_acceptance,
    |store| {
        let w = world(&store).await;
        let (call, apps) = running(&w, 2).await;
        let wb = ch::workbench(&w.app, &w.admin, &call).await.unwrap();
        let winners: Vec<String> = wb
            .ranking
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.application_id.clone())
            .collect();
        assert_eq!(winners, vec![apps[0].clone(), apps[1].clone()]);
        // A plan that does not add up, a milestone after the duration, a grant above
        // the maximum: field errors, nothing written.
        let before = events(&store).await;
        let mut bad = sign_input(&apps[0], "sign-bad");
        bad.tranches[2].amount_fen = 100 * WAN;
        bad.milestones[2].due = "2028-03-02".into();
        bad.grant_fen = 600 * WAN;
        let e = ch::sign(&w.app, &w.admin, &bad, d("2026-02-20"))
            .await
            .unwrap_err();
        assert!(has(&e, "tranches", "challenge_tranches_sum"), "{e:?}");
        assert!(
            has(&e, "milestones[2].due", "challenge_milestone_order"),
            "{e:?}"
        );
        assert!(has(&e, "grant_fen", "challenge_grant_range"), "{e:?}");
        assert_eq!(events(&store).await, before);
        // The loser cannot sign.
        let e = ch::sign(
            &w.app,
            &w.admin,
            &sign_input(&apps[2], "sign-c"),
            d("2026-02-20"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("application_id".into(), "challenge_not_selected")
        );
        // Signing pays the advance through the ledger.
        let p = ch::sign(
            &w.app,
            &w.admin,
            &SignInput {
                contract_ref: "500151-2026-0001".into(),
                ..sign_input(&apps[0], "sign-a")
            },
            d("2026-02-20"),
        )
        .await
        .unwrap();
        let pid = p.project.id.clone();
        assert_eq!(p.paid.wan, "200");
        assert_eq!(p.payments.len(), 1);
        assert_eq!(
            balance(&w.app, &format!("enterprise:{}", w.e1)).await,
            200 * WAN
        );
        assert_eq!(balance(&w.app, BUDGET).await, 1_800 * WAN);
        let tx = ledger::transaction(&w.app, &w.admin, &p.payments[0].tx_id)
            .await
            .unwrap();
        assert_eq!(
            tx.basis.as_deref(),
            Some(ch::tranche_basis(&pid, 0).as_str())
        );
        assert_eq!(tx.kind, "tranche");
        // Signing twice is refused.
        let e = ch::sign(
            &w.app,
            &w.admin,
            &sign_input(&apps[0], "sign-a2"),
            d("2026-02-21"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("application_id".into(), "challenge_already_signed")
        );
        // The mid tranche before its milestone review: a clear error, nothing written.
        let before = events(&store).await;
        let e = ch::pay_tranche(&w.app, &w.admin, &pid, &pay(1, "t-a-1"), d("2026-08-01"))
            .await
            .unwrap_err();
        assert_eq!(
            field(&e),
            ("tranche".into(), "challenge_milestone_not_reviewed")
        );
        assert_eq!(events(&store).await, before);
        assert_eq!(balance(&w.app, BUDGET).await, 1_800 * WAN);
        assert!(
            ch::project(&w.app, &w.admin, &pid)
                .await
                .unwrap()
                .payments
                .len()
                == 1
        );
        // Reviews: only the current milestone; a rectification moves its date.
        let e = ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 1,
                verdict: "pass".into(),
                ..Default::default()
            },
            d("2026-09-02"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("milestone".into(), "challenge_milestone_not_current")
        );
        let v = ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 0,
                verdict: "rectify".into(),
                due: "2026-10-15".into(),
                note: "样品一致性不足".into(),
            },
            d("2026-09-02"),
        )
        .await
        .unwrap();
        assert_eq!(v.project.project.stage, ProjectStage::Rectifying);
        let e = ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 0,
                verdict: "rectify".into(),
                due: "2026-11-15".into(),
                note: "仍不足".into(),
            },
            d("2026-10-16"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("verdict".into(), "challenge_rectifications_used")
        );
        ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 0,
                verdict: "pass".into(),
                ..Default::default()
            },
            d("2026-10-16"),
        )
        .await
        .unwrap();
        // Now the mid tranche: idempotent by key, once per (project, tranche).
        let t1 = ch::pay_tranche(&w.app, &w.admin, &pid, &pay(1, "t-a-1"), d("2026-10-20"))
            .await
            .unwrap();
        assert!(!t1.replayed);
        let again = ch::pay_tranche(&w.app, &w.admin, &pid, &pay(1, "t-a-1"), d("2026-10-21"))
            .await
            .unwrap();
        assert!(again.replayed);
        assert_eq!(again.tx_id, t1.tx_id);
        let e = ch::pay_tranche(
            &w.app,
            &w.admin,
            &pid,
            &pay(1, "t-a-1-other"),
            d("2026-10-21"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&e), ("basis".into(), "ledger_basis_paid"));
        // The same key for another tranche is a reused key.
        let e = ch::pay_tranche(&w.app, &w.admin, &pid, &pay(2, "t-a-1"), d("2026-10-21"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("idempotency_key".into(), "ledger_key_reused"));
        assert_eq!(
            balance(&w.app, &format!("enterprise:{}", w.e1)).await,
            350 * WAN
        );
        // Acceptance waits for every milestone.
        let e = ch::accept(
            &w.app,
            &w.admin,
            &pid,
            &AcceptInput {
                measured: vec!["8200".into(), "0.45".into()],
            },
            d("2027-04-01"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("stage".into(), "challenge_not_awaiting_acceptance")
        );
        ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 1,
                verdict: "pass".into(),
                ..Default::default()
            },
            d("2027-03-05"),
        )
        .await
        .unwrap();
        ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 2,
                verdict: "pass".into(),
                ..Default::default()
            },
            d("2028-01-20"),
        )
        .await
        .unwrap();
        ch::pay_tranche(&w.app, &w.admin, &pid, &pay(2, "t-a-2"), d("2028-01-25"))
            .await
            .unwrap();
        let e = ch::accept(
            &w.app,
            &w.admin,
            &pid,
            &AcceptInput {
                measured: vec!["8200".into()],
            },
            d("2028-02-01"),
        )
        .await
        .unwrap_err();
        assert_eq!(field(&e), ("measured".into(), "challenge_kpi_count"));
        let acc = ch::accept(
            &w.app,
            &w.admin,
            &pid,
            &AcceptInput {
                measured: vec!["8200".into(), "0.45".into()],
            },
            d("2028-02-01"),
        )
        .await
        .unwrap();
        assert_eq!(acc.project.project.stage, ProjectStage::Accepted);
        assert_eq!(acc.paid.wan, "500");
        assert_eq!(
            acc.project.acceptance.as_ref().unwrap().met,
            vec![true, true]
        );

        // The second winner: terminated at its first milestone; no further payment.
        let q = ch::sign(
            &w.app,
            &w.admin,
            &sign_input(&apps[1], "sign-b"),
            d("2026-02-20"),
        )
        .await
        .unwrap();
        let qid = q.project.id.clone();
        ch::review_milestone(
            &w.app,
            &w.admin,
            &qid,
            &ReviewInput {
                milestone: 0,
                verdict: "terminate".into(),
                note: "技术路线失败".into(),
                ..Default::default()
            },
            d("2026-09-05"),
        )
        .await
        .unwrap();
        let before = events(&store).await;
        let e = ch::pay_tranche(&w.app, &w.admin, &qid, &pay(1, "t-b-1"), d("2026-09-10"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("tranche".into(), "challenge_project_closed"));
        assert_eq!(events(&store).await, before);
        let e = ch::accept(
            &w.app,
            &w.admin,
            &qid,
            &AcceptInput {
                measured: vec!["1".into(), "1".into()],
            },
            d("2028-02-01"),
        )
        .await
        .unwrap_err();
        assert_eq!(
            field(&e),
            ("stage".into(), "challenge_not_awaiting_acceptance")
        );
        // Roles: the lead sees its project; another applicant gets 404.
        assert_eq!(
            ch::projects(&w.app, &enterprise_user(&w.e1), None)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            ch::project(&w.app, &enterprise_user(&w.e2), &pid)
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            ch::pay_tranche(
                &w.app,
                &enterprise_user(&w.e1),
                &pid,
                &pay(2, "x"),
                d("2028-01-25")
            )
            .await
            .unwrap_err(),
            AppError::Forbidden
        ));
        // Close the call; the books hold; the report counts.
        to(&w, &call, "closed", "2028-03-01").await.unwrap();
        let mut db = w.app.store.read().await.unwrap();
        assert!(ledger::check(&mut db).await.unwrap().ok());
        let f = ch::figures(&mut db, d("2028-12-31")).await.unwrap();
        assert_eq!(
            (f.calls, f.applications, f.projects, f.accepted),
            (1, 3, 2, 1)
        );
        assert_eq!(
            (f.granted_wan.to_string(), f.paid_wan.to_string()),
            ("1000".to_string(), "700".to_string())
        );
        let early = ch::figures(&mut db, d("2026-01-15")).await.unwrap();
        assert_eq!((early.calls, early.applications, early.projects), (1, 2, 0));
    }
);

store_test!(bad_input_names_fields_and_writes_nothing, |store| {
    let w = world(&store).await;
    let before = events(&store).await;
    let e = ch::create_call(
        &w.app,
        &w.admin,
        &CallInput {
            title: " ".into(),
            kpis: vec![kpi("", "x", "sideways")],
            duration_months: 61,
            max_grant_fen: 0,
            opens: "2026-02-01".into(),
            closes: "2026-01-01".into(),
            ..call_input(&w, 1)
        },
    )
    .await
    .unwrap_err();
    for (f, c) in [
        ("title", "required"),
        ("kpis[0].direction", "choice_invalid"),
        ("kpis[0].target", "number_invalid"),
        ("kpis[0].metric", "required"),
        ("duration_months", "challenge_duration_range"),
        ("max_grant_fen", "value_negative"),
        ("closes", "challenge_window_order"),
    ] {
        assert!(has(&e, f, c), "{f} {c}: {e:?}");
    }
    let e = ch::create_call(&w.app, &enterprise_user(&w.e1), &call_input(&w, 1))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden));
    let call = ch::create_call(&w.app, &w.admin, &call_input(&w, 1))
        .await
        .unwrap()
        .id;
    let after_call = events(&store).await;
    assert_eq!(after_call, before + 1);
    to(&w, &call, "published", "2025-12-20").await.unwrap();
    let n = events(&store).await;
    let e = ch::apply(
        &w.app,
        &enterprise_user(&w.e1),
        &call,
        &ApplicationInput {
            plan: String::new(),
            budget_fen: -1,
            milestones: ms(&[
                ("样品", "2026-09-01"),
                ("检测", "2026-08-01"),
                ("验收", "2028-02-01"),
            ]),
            ..application(&w.e1, vec![])
        },
        d("2026-01-10"),
    )
    .await
    .unwrap_err();
    for (f, c) in [
        ("plan", "required"),
        ("team", "required"),
        ("budget_fen", "value_negative"),
        ("milestones[1].due", "challenge_milestone_order"),
        ("milestones[2].due", "challenge_milestone_order"),
    ] {
        assert!(has(&e, f, c), "{f} {c}: {e:?}");
    }
    let e = ch::submit_demand(
        &w.app,
        &enterprise_user(&w.e1),
        &DemandInput {
            deadline: "2026-13-01".into(),
            ..Default::default()
        },
        d("2026-01-01"),
    )
    .await
    .unwrap_err();
    assert!(
        has(&e, "title", "required") && has(&e, "deadline", "date_invalid"),
        "{e:?}"
    );
    assert_eq!(events(&store).await, n);
    assert!(
        ch::my_applications(&w.app, &enterprise_user(&w.e1))
            .await
            .unwrap()
            .is_empty()
    );
});

// Notifications and the home page's milestones (the portal's issue 7).
store_test!(
    reviews_notify_the_applicants_and_milestones_due_are_exact,
    |store| {
        use kechuang_app::ops::{home, notify};
        let w = world(&store).await;
        let (e1, e2, e3) = (
            enterprise_user(&w.e1),
            enterprise_user(&w.e2),
            enterprise_user(&w.e3),
        );
        let bachuan = reviewer_of("bachuan", "巴川街道");
        let dongcheng = reviewer_of("dongcheng", "东城街道");
        for a in [&w.admin, &e1, &e2, &e3, &bachuan, &dongcheng] {
            add_account(&w.app, a).await;
        }
        notify::start(&w.app).await.unwrap();
        // e2 wants no review results; e1 wants milestone reviews by e-mail.
        notify::set_prefs(
            &w.app,
            &e2,
            "",
            &[("challenge_application".into(), "none".into())],
        )
        .await
        .unwrap();
        notify::set_prefs(
            &w.app,
            &e1,
            "e1@example.cn",
            &[("challenge_milestone".into(), "email".into())],
        )
        .await
        .unwrap();
        let (call, apps) = running(&w, 1).await;
        notify::pump(&w.app, &test_site()).await.unwrap();
        // A (e1) passed the check and was selected; C (e3) passed and was not.
        assert_eq!(
            kinds_of(&w.app, &e1).await,
            ["challenge_application", "challenge_application"]
        );
        let mut titles: Vec<String> = notify::list(&w.app, &e1, false)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.title)
            .collect();
        titles.sort();
        assert_eq!(
            titles,
            [
                "揭榜挂帅“长循环寿命储能电芯”拟确定您单位揭榜",
                "揭榜挂帅“长循环寿命储能电芯”申报通过形式审查",
            ]
        );
        let n = notify::list(&w.app, &e3, false).await.unwrap();
        assert_eq!(n.len(), 2);
        assert!(n.iter().any(|n| n.body.contains("未入选")), "{n:?}");
        // e2 chose none; staff are not applicants.
        assert!(kinds_of(&w.app, &e2).await.is_empty());
        assert!(kinds_of(&w.app, &bachuan).await.is_empty());

        let p = ch::sign(
            &w.app,
            &w.admin,
            &sign_input(&apps[0], "sign-notify"),
            d("2026-02-20"),
        )
        .await
        .unwrap();
        let pid = p.project.id.clone();
        // Milestones due: 样品试制 2026-09-01 is within 30 days of 08-15, the
        // next one (2027-03-01) is not.
        let mut db = w.app.store.read().await.unwrap();
        let m = home::milestones_due(&mut db, &e1, Some(w.e1.as_str()), d("2026-08-15"))
            .await
            .unwrap();
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(
            (
                m[0].title.as_str(),
                m[0].due.as_str(),
                m[0].days_left,
                m[0].overdue
            ),
            ("样品试制", "2026-09-01", 17, false)
        );
        assert_eq!(m[0].call_title, "长循环寿命储能电芯");
        assert!(
            home::milestones_due(&mut db, &e1, Some(w.e1.as_str()), d("2026-07-31"))
                .await
                .unwrap()
                .is_empty(),
            "32 days ahead is outside the window"
        );
        let m = home::milestones_due(&mut db, &e1, Some(w.e1.as_str()), d("2026-09-05"))
            .await
            .unwrap();
        assert_eq!((m[0].days_left, m[0].overdue), (-4, true));
        // Bureau staff: the 巴川 reviewer sees e1's milestone, the 东城 one does not.
        let m = home::milestones_due(&mut db, &bachuan, None, d("2026-09-05"))
            .await
            .unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].link, format!("/challenges/bench/{call}"));
        assert!(
            home::milestones_due(&mut db, &dongcheng, None, d("2026-09-05"))
                .await
                .unwrap()
                .is_empty()
        );
        drop(db);

        // A rectification order moves the due date; e1 hears of it in-app and
        // by e-mail, nobody else does.
        ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 0,
                verdict: "rectify".into(),
                due: "2026-10-20".into(),
                note: "样品一致性不足".into(),
            },
            d("2026-09-05"),
        )
        .await
        .unwrap();
        notify::pump(&w.app, &test_site()).await.unwrap();
        let n = notify::list(&w.app, &e1, true).await.unwrap();
        assert_eq!(n[0].kind, "challenge_milestone");
        assert_eq!(n[0].title, "里程碑“样品试制”需限期整改");
        assert!(n[0].body.contains("2026-10-20") && n[0].body.contains("样品一致性不足"));
        let mails = mails_to(&w.app, "e1@example.cn").await;
        assert_eq!(mails.len(), 1);
        assert_eq!(
            mails[0].0,
            "【示范区科技创新服务平台】里程碑“样品试制”需限期整改"
        );
        assert!(mails[0].1.contains("http://kc.test/challenges/mine"));
        assert_eq!(kinds_of(&w.app, &e3).await.len(), 2);
        let mut db = w.app.store.read().await.unwrap();
        let m = home::milestones_due(&mut db, &e1, Some(w.e1.as_str()), d("2026-09-05"))
            .await
            .unwrap();
        assert!(m.is_empty(), "the new date is 45 days away: {m:?}");
        let m = home::milestones_due(&mut db, &e1, Some(w.e1.as_str()), d("2026-09-25"))
            .await
            .unwrap();
        assert_eq!((m[0].due.as_str(), m[0].days_left), ("2026-10-20", 25));
        drop(db);
        // Passed: the milestone leaves the list.
        ch::review_milestone(
            &w.app,
            &w.admin,
            &pid,
            &ReviewInput {
                milestone: 0,
                verdict: "pass".into(),
                ..Default::default()
            },
            d("2026-10-18"),
        )
        .await
        .unwrap();
        notify::pump(&w.app, &test_site()).await.unwrap();
        assert_eq!(
            notify::list(&w.app, &e1, true).await.unwrap()[0].title,
            "里程碑“样品试制”评审通过"
        );
        assert_eq!(mails_to(&w.app, "e1@example.cn").await.len(), 2);
        let mut db = w.app.store.read().await.unwrap();
        assert!(
            home::milestones_due(&mut db, &e1, Some(w.e1.as_str()), d("2026-10-18"))
                .await
                .unwrap()
                .is_empty()
        );
    }
);
