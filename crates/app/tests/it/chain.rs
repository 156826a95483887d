//! Daily matching: feedback, interests, threads, mediation, the outcome chain,
//! its permissions and its report counts.

use crate::common::*;
use chrono::Days;
use kechuang_app::AppError;
use kechuang_app::ops::feedback::{self, FeedbackInput};
use kechuang_app::ops::interest::{self, InterestInput};
use kechuang_app::ops::matchmaking as mm;
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::ops::outcome::{self, CorrectionInput, DirectInput};
use kechuang_app::{Actor, App};
use kechuang_core::chain::{CollaborationInput, StageInput};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

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

fn research_user(org: &OrgId) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{org}"))),
        username: format!("r{}", &org.as_str()[..8]),
        display_name: "成果转化专员".into(),
        role: Role::Research,
        org_id: Some(org.clone()),
        towns: None,
    }
}

fn field(e: &AppError) -> (String, &'static str) {
    match e {
        AppError::Invalid(f) => (f[0].field.clone(), f[0].code),
        AppError::Conflict(f) => (f.field.clone(), f.code),
        other => panic!("{other:?}"),
    }
}

struct World {
    app: App,
    e1: Actor,
    e2: Actor,
    u: Actor,
    u_org: OrgId,
    e1_org: OrgId,
    need: String,
    achievement: String,
    expert: String,
}

async fn world(store: &kechuang_store::Store) -> World {
    let app = app(store);
    let admin = bureau(Role::BureauAdmin, None);
    let e1_org = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let e2_org = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
        .await
        .unwrap();
    let u_org = research_org(&app, 1, "重庆测试大学").await;
    let (e1, e2, u) = (
        enterprise_user(&e1_org),
        enterprise_user(&e2_org),
        research_user(&u_org),
    );
    let need = mm::create_need(
        &app,
        &e1,
        None,
        &NeedInput {
            title: "船用低温储罐高锰钢焊接工艺".into(),
            modes: vec!["技术转让".into()],
            budget_wan: "100".into(),
            field: "新材料".into(),
            keywords: vec!["高锰钢、低温储罐".into()],
            ..NeedInput::default()
        },
    )
    .await
    .unwrap()
    .id;
    let achievement = mm::create_achievement(
        &app,
        &u,
        None,
        &AchievementInput {
            title: "高锰奥氏体钢低温储罐焊接工艺".into(),
            summary: "面向船用低温储罐的高锰钢焊接。".into(),
            field: "新材料".into(),
            maturity: "中试".into(),
            transfer_modes: vec!["转让".into()],
            price_wan: "80".into(),
            keywords: vec!["高锰钢、低温储罐".into()],
            ..AchievementInput::default()
        },
    )
    .await
    .unwrap()
    .id;
    let expert = mm::create_expert(
        &app,
        &u,
        None,
        &ExpertInput {
            name: "王建国".into(),
            fields: vec!["新材料".into()],
            ..ExpertInput::default()
        },
    )
    .await
    .unwrap()
    .id;
    World {
        app,
        e1,
        e2,
        u,
        u_org,
        e1_org,
        need,
        achievement,
        expert,
    }
}

fn interest_on(kind: &str, id: &str) -> InterestInput {
    InterestInput {
        target_kind: kind.into(),
        target_id: id.into(),
        message: "<b>我们想合作</b>\n请联系。".into(),
    }
}

store_test!(
    feedback_is_one_vote_per_user_and_the_bureau_sees_counts,
    |store| {
        let w = world(&store).await;
        let admin = bureau(Role::BureauReviewer, None);
        let vote = |useful: Option<bool>| FeedbackInput {
            candidate_kind: "achievement".into(),
            candidate_id: w.achievement.clone(),
            useful,
        };
        feedback::give(&w.app, &w.e1, &w.need, &vote(Some(true)))
            .await
            .unwrap();
        feedback::give(&w.app, &w.e2, &w.need, &vote(Some(true)))
            .await
            .unwrap();
        feedback::give(&w.app, &w.e1, &w.need, &vote(Some(false)))
            .await
            .unwrap();
        let c = feedback::counts(&w.app, &admin, Some(&w.need))
            .await
            .unwrap();
        assert_eq!((c[0].useful, c[0].not_useful), (1, 1), "changed, not added");
        assert!(matches!(
            feedback::counts(&w.app, &w.e1, Some(&w.need)).await,
            Err(AppError::Forbidden)
        ));
        let bad = FeedbackInput {
            candidate_kind: "policy".into(),
            candidate_id: String::new(),
            useful: None,
        };
        let e = feedback::give(&w.app, &w.e1, &w.need, &bad)
            .await
            .unwrap_err();
        let AppError::Invalid(f) = e else { panic!() };
        let names: Vec<&str> = f.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(names, ["candidate_kind", "useful", "candidate_id"]);
        let ghost = FeedbackInput {
            candidate_id: "nope".into(),
            ..vote(Some(true))
        };
        let e = feedback::give(&w.app, &w.e1, &w.need, &ghost)
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("candidate_id".into(), "choice_invalid"));
        let mine = feedback::mine(&w.app, &w.e1, &w.need).await.unwrap();
        assert_eq!(mine, [("achievement".into(), w.achievement.clone(), false)]);
    }
);

store_test!(interests_go_between_the_two_sides_only, |store| {
    let w = world(&store).await;
    // The wrong side, one's own record, a missing message: refused, nothing stored.
    let e = interest::send(&w.app, &w.e1, &interest_on("need", &w.need))
        .await
        .unwrap_err();
    assert_eq!(field(&e), ("target_kind".into(), "interest_sender_kind"));
    let e = interest::send(
        &w.app,
        &w.u,
        &InterestInput {
            message: "  ".into(),
            ..interest_on("achievement", &w.achievement)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), ("message".into(), "required"));
    let e = interest::send(
        &w.app,
        &w.e1,
        &InterestInput {
            message: "长".repeat(5_001),
            ..interest_on("achievement", &w.achievement)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), ("message".into(), "too_long"));
    assert!(matches!(
        interest::send(
            &w.app,
            &bureau(Role::BureauAdmin, None),
            &interest_on("achievement", &w.achievement)
        )
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(
        interest::interests(&w.app, &w.e1, 1)
            .await
            .unwrap()
            .is_empty()
    );

    let i = interest::send(&w.app, &w.e1, &interest_on("achievement", &w.achievement))
        .await
        .unwrap();
    assert_eq!(i.message, "<b>我们想合作</b>\n请联系。", "kept as text");
    assert_eq!(
        (i.to_org_id.as_str(), i.status.code),
        (w.u_org.as_str(), "open")
    );
    let e = interest::send(&w.app, &w.e1, &interest_on("achievement", &w.achievement))
        .await
        .unwrap_err();
    assert_eq!(field(&e), ("target_id".into(), "interest_duplicate"));

    // Outsiders see nothing; the sender cannot accept its own.
    assert!(matches!(
        interest::interest(&w.app, &w.e2, &i.id).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        interest::respond(&w.app, &w.e2, &i.id, true, "").await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        interest::respond(&w.app, &w.e1, &i.id, true, "").await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        interest::withdraw(&w.app, &w.u, &i.id).await,
        Err(AppError::Forbidden)
    ));
    let e = interest::respond(&w.app, &w.u, &i.id, false, "")
        .await
        .unwrap_err();
    assert_eq!(field(&e), ("reason".into(), "required"));

    // Declined with a reason, then nothing more can happen to it.
    let d = interest::respond(&w.app, &w.u, &i.id, false, "研发任务饱和")
        .await
        .unwrap();
    assert_eq!(
        (d.status.code, d.reason.as_deref()),
        ("declined", Some("研发任务饱和"))
    );
    let e = interest::withdraw(&w.app, &w.e1, &i.id).await.unwrap_err();
    assert_eq!(field(&e), ("status".into(), "interest_not_open"));

    // Withdrawn by its sender.
    let x = interest::send(&w.app, &w.e1, &interest_on("expert", &w.expert))
        .await
        .unwrap();
    assert!(x.can_withdraw);
    assert_eq!(
        interest::withdraw(&w.app, &w.e1, &x.id)
            .await
            .unwrap()
            .status
            .code,
        "withdrawn"
    );

    // A university on an enterprise's need: accepted, a thread opens and the need is 对接中.
    let n = interest::send(&w.app, &w.u, &interest_on("need", &w.need))
        .await
        .unwrap();
    let a = interest::respond(&w.app, &w.e1, &n.id, true, "")
        .await
        .unwrap();
    assert_eq!(a.status.code, "accepted");
    assert!(a.thread_id.is_some());
    assert_eq!(
        mm::need(&w.app, &w.e2, &w.need).await.unwrap().status.code,
        "talking"
    );
    let mut db = store.read().await.unwrap();
    let kinds: Vec<String> = db
        .events_for("interest", &n.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["interest.accepted", "interest.sent"]);
    // Lists: the parties see theirs, the bureau all, an outsider none.
    assert_eq!(
        interest::interests(&w.app, &w.e1, 1).await.unwrap().len(),
        3
    );
    assert!(
        interest::interests(&w.app, &w.e2, 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        interest::interests(&w.app, &bureau(Role::BureauReviewer, None), 1)
            .await
            .unwrap()
            .len(),
        3
    );
});

store_test!(
    a_thread_is_read_by_its_parties_and_mediated_by_the_bureau,
    |store| {
        let w = world(&store).await;
        let manager = bureau(Role::BureauReviewer, None);
        let i = interest::send(&w.app, &w.e1, &interest_on("achievement", &w.achievement))
            .await
            .unwrap();
        let t = interest::respond(&w.app, &w.u, &i.id, true, "")
            .await
            .unwrap()
            .thread_id
            .unwrap();
        interest::post(&w.app, &w.e1, &t, "<script>alert(1)</script>")
            .await
            .unwrap();
        interest::post(&w.app, &w.u, &t, "可以，下周面谈")
            .await
            .unwrap();
        let m = interest::post(&w.app, &manager, &t, "已协调会议室")
            .await
            .unwrap();
        assert!(m.as_mediator);
        assert_eq!(m.author, "技术经理人");
        assert!(matches!(
            interest::thread(&w.app, &w.e2, &t).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            interest::post(&w.app, &w.e2, &t, "插话").await,
            Err(AppError::Forbidden)
        ));
        let e = interest::post(&w.app, &w.e1, &t, &"字".repeat(5_001))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("body".into(), "too_long"));
        let d = interest::thread(&w.app, &w.u, &t).await.unwrap();
        let bodies: Vec<&str> = d.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "<script>alert(1)</script>",
                "可以，下周面谈",
                "已协调会议室"
            ]
        );
        assert_eq!(d.messages[0].author, "重庆测试1科技有限公司");

        // A party may only ask for mediation; the bureau marks it done.
        assert!(matches!(
            interest::mark(&w.app, &w.e1, &t, "mediated").await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            interest::mark(&w.app, &w.e1, &t, "needed")
                .await
                .unwrap()
                .mediation
                .code,
            "needed"
        );
        let needed = interest::threads(&w.app, &manager, "needed").await.unwrap();
        assert_eq!(needed.len(), 1);
        assert_eq!(
            interest::mark(&w.app, &manager, &t, "已协调")
                .await
                .unwrap()
                .mediation
                .code,
            "mediated"
        );
        assert!(
            interest::threads(&w.app, &manager, "needed")
                .await
                .unwrap()
                .is_empty()
        );
        let e = interest::mark(&w.app, &manager, &t, "maybe")
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("mediation".into(), "choice_invalid"));
        assert!(
            interest::threads(&w.app, &w.e2, "")
                .await
                .unwrap()
                .is_empty()
        );
    }
);

store_test!(
    the_chain_moves_forward_in_order_and_bureau_corrections_are_audited,
    |store| {
        let w = world(&store).await;
        let manager = bureau(Role::BureauReviewer, None);
        let i = interest::send(&w.app, &w.e1, &interest_on("achievement", &w.achievement))
            .await
            .unwrap();
        let t = interest::respond(&w.app, &w.u, &i.id, true, "")
            .await
            .unwrap()
            .thread_id
            .unwrap();
        let today = w.app.today();
        let day = |n: u64| (today + Days::new(n)).to_string();
        let sign = |on: String| CollaborationInput {
            title: "高锰钢储罐焊接工艺转让".into(),
            signed_on: on,
            amount_wan: "80".into(),
            ..CollaborationInput::default()
        };
        assert!(matches!(
            outcome::sign(&w.app, &w.e2, &t, &sign(day(1))).await,
            Err(AppError::Forbidden)
        ));
        let e = outcome::sign(&w.app, &w.u, &t, &sign((today - Days::new(1)).to_string()))
            .await
            .unwrap_err();
        assert_eq!(
            field(&e),
            ("signed_on".into(), "date_before_previous_stage")
        );
        let c = outcome::sign(&w.app, &w.u, &t, &sign(day(1)))
            .await
            .unwrap();
        assert_eq!(
            (
                c.enterprise_org_id.as_str(),
                c.provider_org_id.as_str(),
                c.stage.code,
                c.amount_wan.as_deref()
            ),
            (
                w.e1_org.as_str(),
                w.u_org.as_str(),
                "collaboration",
                Some("80.00")
            )
        );
        let stages: Vec<&str> = c.stages.iter().map(|s| s.stage.code).collect();
        assert_eq!(stages, ["interest", "talks", "collaboration"]);
        let e = outcome::sign(&w.app, &w.e1, &t, &sign(day(2)))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("thread_id".into(), "stage_exists"));

        let step = |stage: &str, on: String, detail: &str| StageInput {
            stage: stage.into(),
            on,
            detail: detail.into(),
        };
        let e = outcome::advance(&w.app, &w.e1, &c.id, &step("product", day(3), "储罐"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("stage".into(), "stage_out_of_order"));
        let e = outcome::advance(&w.app, &w.e1, &c.id, &step("contract", day(0), "HT-1"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("on".into(), "date_before_previous_stage"));
        assert!(matches!(
            outcome::advance(&w.app, &w.e2, &c.id, &step("contract", day(2), "HT-1")).await,
            Err(AppError::Forbidden)
        ));
        outcome::advance(&w.app, &w.e1, &c.id, &step("contract", day(2), "HT-1"))
            .await
            .unwrap();
        outcome::advance(&w.app, &w.u, &c.id, &step("conversion", day(30), "已投产"))
            .await
            .unwrap();
        let done = outcome::advance(
            &w.app,
            &manager,
            &c.id,
            &step("product", day(60), "高锰奥氏体船用低温储罐"),
        )
        .await
        .unwrap();
        assert_eq!(done.stage.code, "product");
        assert!(done.next_stage.is_none());
        let e = outcome::advance(&w.app, &w.e1, &c.id, &step("product", day(61), "再来"))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("stage".into(), "stage_out_of_order"));

        // Corrections: the bureau only, with a reason, within the neighbours' dates.
        let fix = |on: String, reason: &str| CorrectionInput {
            stage: "contract".into(),
            on,
            detail: "HT-2026-001".into(),
            reason: reason.into(),
        };
        assert!(matches!(
            outcome::correct(&w.app, &w.e1, &c.id, &fix(day(3), "录入错误")).await,
            Err(AppError::Forbidden)
        ));
        let e = outcome::correct(&w.app, &manager, &c.id, &fix(day(3), ""))
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("reason".into(), "required"));
        let e = outcome::correct(&w.app, &manager, &c.id, &fix(day(31), "录入错误"))
            .await
            .unwrap_err();
        assert_eq!(
            field(&e),
            ("on".into(), "date_before_previous_stage"),
            "after the conversion"
        );
        let fixed = outcome::correct(&w.app, &manager, &c.id, &fix(day(3), "合同编号录入错误"))
            .await
            .unwrap();
        assert_eq!(fixed.contract_number.as_deref(), Some("HT-2026-001"));
        let mut db = store.read().await.unwrap();
        let ev = db.events_for("collaboration", &c.id, 10).await.unwrap();
        assert_eq!(ev[0].kind, "collaboration.corrected");
        let p: serde_json::Value = serde_json::from_str(&ev[0].payload).unwrap();
        assert_eq!(p["before"]["detail"], "HT-1");
        assert_eq!(p["after"]["detail"], "HT-2026-001");
        assert_eq!(p["reason"], "合同编号录入错误");
        assert_eq!(ev.len(), 5, "signed, three stages, one correction");
        drop(db);

        // Only parties and the bureau read it.
        assert!(matches!(
            outcome::collaboration(&w.app, &w.e2, &c.id).await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(
            outcome::collaborations(&w.app, &w.u, 1)
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(
            outcome::collaborations(&w.app, &w.e2, 1)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

store_test!(
    the_bureau_records_session_collaborations_and_the_report_counts_the_chain,
    |store| {
        let w = world(&store).await;
        let manager = bureau(Role::BureauReviewer, None);
        let direct = |source: &str, on: &str| DirectInput {
            enterprise_org_id: w.e1_org.to_string(),
            provider_org_id: w.u_org.to_string(),
            collab: CollaborationInput {
                title: "成渝双城协同·融合创新科技成果对接会签约项目".into(),
                signed_on: on.into(),
                amount_wan: "500".into(),
                source: source.into(),
                session_id: if source == "session" {
                    "session-2024-05-16".into()
                } else {
                    String::new()
                },
            },
        };
        assert!(matches!(
            outcome::record_direct(&w.app, &w.e1, &direct("session", "2024-05-16")).await,
            Err(AppError::Forbidden)
        ));
        let wrong = DirectInput {
            enterprise_org_id: w.u_org.to_string(),
            ..direct("session", "2024-05-16")
        };
        let e = outcome::record_direct(&w.app, &manager, &wrong)
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("enterprise_org_id".into(), "org_kind_invalid"));
        // Known fixture: two session signings and one from another channel in
        // 2024–2025; one reaches a new product, one a conversion.
        let s1 = outcome::record_direct(&w.app, &manager, &direct("session", "2024-05-16"))
            .await
            .unwrap();
        assert_eq!(
            (s1.source.code, s1.session_id.as_deref()),
            ("session", Some("session-2024-05-16"))
        );
        let stages: Vec<&str> = s1.stages.iter().map(|s| s.stage.code).collect();
        assert_eq!(stages, ["collaboration"], "no interest, no talks");
        let s2 = outcome::record_direct(&w.app, &manager, &direct("session", "2025-05-15"))
            .await
            .unwrap();
        outcome::record_direct(&w.app, &manager, &direct("other", "2023-09-30"))
            .await
            .unwrap();
        let step = |stage: &str, on: &str| StageInput {
            stage: stage.into(),
            on: on.into(),
            detail: "x".into(),
        };
        for (st, on) in [
            ("contract", "2024-06-01"),
            ("conversion", "2024-12-01"),
            ("product", "2025-06-01"),
        ] {
            outcome::advance(&w.app, &manager, &s1.id, &step(st, on))
                .await
                .unwrap();
        }
        for (st, on) in [("contract", "2025-06-01"), ("conversion", "2026-10-08")] {
            outcome::advance(&w.app, &manager, &s2.id, &step(st, on))
                .await
                .unwrap();
        }
        // Today's interest (and its thread) fall outside a 2024–2025 range.
        let i = interest::send(&w.app, &w.e1, &interest_on("achievement", &w.achievement))
            .await
            .unwrap();
        interest::respond(&w.app, &w.u, &i.id, true, "")
            .await
            .unwrap();

        let d = |s: &str| kechuang_core::date::from_iso(s).unwrap();
        let f = outcome::funnel(&w.app, &manager, d("2024-01-01"), d("2025-12-31"))
            .await
            .unwrap();
        assert_eq!(
            (
                f.interests,
                f.threads,
                f.chain.collaborations,
                f.chain.collaborations_from_sessions,
                f.chain.contracts,
                f.chain.conversions,
                f.chain.products,
                f.amount_wan.as_str()
            ),
            (0, 0, 2, 2, 2, 1, 1, "1000.00")
        );
        assert_eq!(
            (f.needs, f.achievements, f.experts),
            (0, 0, 0),
            "posted today"
        );
        // The three years to 2026-09-30 start on 2023-10-01: the 2023-09-30 signing
        // is out, the 2026-10-08 conversion too.
        let f = outcome::funnel(&w.app, &manager, d("2026-09-01"), d("2026-09-30"))
            .await
            .unwrap();
        assert_eq!(f.chain.collaborations, 0);
        assert_eq!(
            (
                f.three_years.collaborations,
                f.three_years.collaborations_from_sessions,
                f.three_years.conversions,
                f.three_years.products
            ),
            (2, 2, 1, 1)
        );
        assert!(matches!(
            outcome::funnel(&w.app, &w.e1, d("2024-01-01"), d("2025-12-31")).await,
            Err(AppError::Forbidden)
        ));
        // Today's figures count the board and today's interest.
        let today = w.app.today();
        let f = outcome::funnel(&w.app, &manager, today, today)
            .await
            .unwrap();
        assert_eq!(
            (
                f.needs,
                f.achievements,
                f.experts,
                f.interests,
                f.interests_accepted,
                f.threads
            ),
            (1, 1, 1, 1, 1, 1)
        );

        // The district report carries the same section.
        let range = kechuang_app::ops::report::parse_range("2024-01", "2025-12").unwrap();
        let r = kechuang_app::ops::report::district(&w.app, &manager, &range)
            .await
            .unwrap();
        assert_eq!(r.matchmaking.chain.collaborations, 2);
        let md = kechuang_app::ops::report::to_markdown(&r);
        assert!(md.contains("2023年1月—2025年12月，累计促成产学研合作3项（其中专场对接签约2项）、成果转化1项、新产品1个"), "{md}");
    }
);

store_test!(
    a_university_sees_the_needs_that_fit_its_achievements,
    |store| {
        use kechuang_app::search::Searcher;
        let w = world(&store).await;
        let s = Searcher::open(None).unwrap();
        let r = s
            .needs_for_achievement(&w.app, &w.u, &w.achievement, 5)
            .await
            .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].id, w.need);
        assert!(
            r[0].reasons
                .iter()
                .any(|x| x.contains("技术领域一致：新材料")),
            "{:?}",
            r[0].reasons
        );
        assert!(
            r[0].reasons.iter().any(|x| x.contains("在预算")),
            "{:?}",
            r[0].reasons
        );
        // Both owners' credit codes are registered in 重庆 (50…).
        assert!(
            r[0].reasons.iter().any(|x| x == "同在重庆市"),
            "{:?}",
            r[0].reasons
        );
        assert!(matches!(
            s.needs_for_achievement(&w.app, &w.e2, &w.achievement, 5)
                .await,
            Err(AppError::Forbidden)
        ));
        let all = s.recommendations(&w.app, &w.u, None, 5).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].needs[0].id, w.need);
        let e = s
            .recommendations(&w.app, &bureau(Role::BureauAdmin, None), None, 5)
            .await
            .unwrap_err();
        assert_eq!(field(&e), ("org".into(), "required"));
        // A closed need is no longer recommended.
        mm::update_need(
            &w.app,
            &w.e1,
            &w.need,
            &NeedInput {
                title: "船用低温储罐高锰钢焊接工艺".into(),
                modes: vec!["技术转让".into()],
                ..NeedInput::default()
            },
            "closed",
        )
        .await
        .unwrap();
        assert!(
            s.needs_for_achievement(&w.app, &w.u, &w.achievement, 5)
                .await
                .unwrap()
                .is_empty()
        );
    }
);
