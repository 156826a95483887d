use crate::common::*;
use kechuang_app::ops::policy::{self, PolicySearch};
use kechuang_app::ops::{org, qualification};
use kechuang_app::search::Searcher;
use kechuang_app::{App, AppError};
use kechuang_core::policy::{PolicyInput, Step};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

fn input(title: &str, doc_no: &str) -> PolicyInput {
    PolicyInput {
        title: title.into(),
        issuer: "铜梁区科学技术局".into(),
        doc_no: doc_no.into(),
        level: "district".into(),
        category: "科技创新".into(),
        published_on: "2024-01-10".into(),
        effective_from: "2024-01-10".into(),
        effective_to: "2099-12-31".into(),
        summary: "测试摘要".into(),
        body: "第一条 对企业研发投入给予补助。第二条 对高新技术企业给予奖励。".into(),
        source_url: "https://example.org/policy/1".into(),
        audiences: vec!["high_tech".into()],
        measures: vec!["RD-INVEST".into()],
    }
}

async fn last_seq(app: &App) -> i64 {
    app.store
        .read()
        .await
        .unwrap()
        .last_event_seq()
        .await
        .unwrap()
}

fn q(text: &str) -> PolicySearch {
    PolicySearch {
        q: text.into(),
        ..Default::default()
    }
}

async fn demo_policies(app: &App) {
    let mut tx = app.store.begin().await.unwrap();
    let n = kechuang_app::demo::policies::write(&mut tx, app.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!((12..=20).contains(&n), "{n}");
}

store_test!(
    the_bureau_creates_edits_publishes_and_repeals_with_an_event_each,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let before = last_seq(&app).await;

        let p = policy::create(&app, &admin, &input("研发投入补助办法", "铜科发[2024]3号"))
            .await
            .unwrap();
        assert_eq!(p.brief.status.code, "draft");
        assert_eq!(p.brief.doc_no.as_deref(), Some("铜科发〔2024〕3号"));
        assert_eq!(p.brief.measures, ["RD-INVEST"]);
        assert!(!p.in_force, "a draft is not in force");

        let mut changed = input("研发投入后补助办法", "铜科发〔2024〕3号");
        changed.audiences = vec!["tech_sme, 高新技术企业".into()];
        let p2 = policy::update(&app, &admin, &p.brief.id, &changed)
            .await
            .unwrap();
        assert_eq!(p2.brief.title, "研发投入后补助办法");
        assert_eq!(p2.brief.audiences.len(), 2);
        assert_eq!(p2.brief.status.code, "draft", "an edit keeps the status");

        let p3 = policy::step(&app, &admin, &p.brief.id, Step::Publish, "")
            .await
            .unwrap();
        assert_eq!(p3.brief.status.code, "published");
        assert!(p3.in_force);
        // Publishing twice is a conflict on the status, nothing written.
        let seq = last_seq(&app).await;
        let e = policy::step(&app, &admin, &p.brief.id, Step::Publish, "")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "status" && f.code == "policy_status_step"),
            "{e:?}"
        );
        assert_eq!(last_seq(&app).await, seq);
        // A repeal needs its reason.
        let e = policy::step(&app, &admin, &p.brief.id, Step::Repeal, " ")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(f) if f[0].field == "reason"),
            "{e:?}"
        );
        let p4 = policy::step(&app, &admin, &p.brief.id, Step::Repeal, "被新办法替代")
            .await
            .unwrap();
        assert_eq!(p4.brief.status.code, "repealed");
        // Create, update, publish, repeal: four chained events.
        assert_eq!(last_seq(&app).await, before + 4);
        let mut db = app.store.read().await.unwrap();
        let events = db.events_for("policy", &p.brief.id, 10).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "policy.repealed",
                "policy.published",
                "policy.updated",
                "policy.created"
            ]
        );
        assert!(db.verify_event_chain().await.unwrap().first_break.is_none());
    }
);

store_test!(bad_input_names_each_field_and_writes_nothing, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let before = last_seq(&app).await;
    let mut bad = input("", "铜科发2024第3号");
    bad.effective_from = "2025-01-01".into();
    bad.effective_to = "2024-12-31".into();
    bad.level = "省级".into();
    bad.body = "文".repeat(kechuang_core::policy::MAX_BODY + 1);
    let e = policy::create(&app, &admin, &bad).await.unwrap_err();
    let AppError::Invalid(errs) = e else {
        panic!("{e:?}")
    };
    let got: Vec<(&str, &str)> = errs.iter().map(|f| (f.field.as_str(), f.code)).collect();
    for want in [
        ("title", "required"),
        ("doc_no", "policy_doc_no_invalid"),
        ("effective_to", "policy_effective_order"),
        ("level", "choice_invalid"),
        ("body", "too_long"),
    ] {
        assert!(got.contains(&want), "{want:?} in {got:?}");
    }
    assert_eq!(last_seq(&app).await, before, "no event");
    let page = policy::search(&app, None, Some(&admin), &PolicySearch::default())
        .await
        .unwrap();
    assert_eq!(page.total, 0, "no row");

    // A document number used twice is a conflict naming doc_no.
    policy::create(&app, &admin, &input("甲", "铜科发〔2024〕3号"))
        .await
        .unwrap();
    let seq = last_seq(&app).await;
    let e = policy::create(&app, &admin, &input("乙", "铜科发〔2024〕3号"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Conflict(f) if f.field == "doc_no" && f.code == "policy_doc_no_taken"),
        "{e:?}"
    );
    assert_eq!(last_seq(&app).await, seq);
    // A bad filter names its field.
    let e = policy::search(
        &app,
        None,
        None,
        &PolicySearch {
            level: "provincial".into(),
            year: "20x4".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    let AppError::Invalid(errs) = e else {
        panic!("{e:?}")
    };
    let fields: Vec<&str> = errs.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["level", "year"]);
});

store_test!(only_a_bureau_administrator_writes, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let reviewer = bureau(Role::BureauReviewer, None);
    let firm = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let before = last_seq(&app).await;
    for actor in [reviewer.clone(), enterprise_user(&firm)] {
        let e = policy::create(&app, &actor, &input("甲", ""))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden), "{e:?}");
    }
    let p = policy::create(&app, &admin, &input("甲", ""))
        .await
        .unwrap();
    let e = policy::step(
        &app,
        &enterprise_user(&firm),
        &p.brief.id,
        Step::Publish,
        "",
    )
    .await
    .unwrap_err();
    assert!(matches!(e, AppError::Forbidden), "{e:?}");
    let e = policy::update(&app, &reviewer, &p.brief.id, &input("乙", ""))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden), "{e:?}");
    assert_eq!(last_seq(&app).await, before + 1);
});

store_test!(drafts_are_hidden_from_the_public_and_enterprises, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let reviewer = bureau(Role::BureauReviewer, None);
    let firm = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let ent = enterprise_user(&firm);
    let draft = policy::create(&app, &admin, &input("储能草稿政策", ""))
        .await
        .unwrap();
    let public = policy::create(&app, &admin, &input("储能公开政策", ""))
        .await
        .unwrap();
    policy::step(&app, &admin, &public.brief.id, Step::Publish, "")
        .await
        .unwrap();
    let searcher = Searcher::open(None).unwrap();

    for actor in [None, Some(&ent)] {
        // Reading a draft: as if it did not exist.
        let e = policy::get(&app, actor, &draft.brief.id).await.unwrap_err();
        assert!(matches!(e, AppError::NotFound), "{e:?}");
        assert_eq!(
            policy::get(&app, actor, &public.brief.id)
                .await
                .unwrap()
                .brief
                .title,
            "储能公开政策"
        );
        // Listing, searching the index and the database fallback.
        for s in [Some(&searcher), None] {
            for text in ["", "储能"] {
                let page = policy::search(&app, s, actor, &q(text)).await.unwrap();
                let ids: Vec<&str> = page.items.iter().map(|h| h.policy.id.as_str()).collect();
                assert_eq!(ids, [public.brief.id.as_str()], "{text:?} {}", page.engine);
                assert_eq!(page.total, 1);
            }
        }
        // Asking for drafts finds nothing.
        let page = policy::search(
            &app,
            None,
            actor,
            &PolicySearch {
                status: "draft".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.total, 0);
    }
    // Bureau staff see both, in the index too.
    for s in [Some(&searcher), None] {
        let page = policy::search(&app, s, Some(&reviewer), &q("储能"))
            .await
            .unwrap();
        assert_eq!(page.total, 2, "{}", page.engine);
    }
    assert_eq!(
        policy::get(&app, Some(&reviewer), &draft.brief.id)
            .await
            .unwrap()
            .brief
            .status
            .code,
        "draft"
    );
    // Publishing the draft shows it to everyone at the next search.
    policy::step(&app, &admin, &draft.brief.id, Step::Publish, "")
        .await
        .unwrap();
    let page = policy::search(&app, Some(&searcher), None, &q("储能"))
        .await
        .unwrap();
    assert_eq!(page.engine, "index");
    assert_eq!(page.total, 2);
});

store_test!(
    chinese_queries_find_the_right_demo_policies_ranked,
    |store| {
        let app = app(&store);
        demo_policies(&app).await;
        // A fresh index rebuilds from the store (what `kechuang reindex` does).
        let searcher = Searcher::open(None).unwrap();
        let top = |page: &policy::PolicyPage| -> Vec<String> {
            page.items.iter().map(|h| h.policy.title.clone()).collect()
        };

        let page = policy::search(&app, Some(&searcher), None, &q("研发投入补助"))
            .await
            .unwrap();
        assert_eq!(page.engine, "index");
        let titles = top(&page);
        assert_eq!(titles[0], "铜梁区企业研发投入后补助实施细则", "{titles:?}");
        assert!(
            titles[..3].contains(&"铜梁区促进科技创新高质量发展十二条措施".to_string()),
            "{titles:?}"
        );
        assert!(
            page.items[0].snippet_html.contains("<mark>"),
            "{:?}",
            page.items[0]
        );
        assert!(page.items[0].score >= page.items[1].score);

        let page = policy::search(&app, Some(&searcher), None, &q("贷款贴息"))
            .await
            .unwrap();
        let titles = top(&page);
        assert!(titles[0].contains("知识价值信用贷款"), "{titles:?}");
        assert!(
            titles[..3].contains(&"铜梁区知识价值信用贷款改革试点实施办法".to_string()),
            "{titles:?}"
        );

        let page = policy::search(&app, Some(&searcher), None, &q("高新技术企业"))
            .await
            .unwrap();
        let titles = top(&page);
        assert!(
            titles[..3].contains(&"高新技术企业认定管理办法".to_string()),
            "{titles:?}"
        );
        assert!(titles[0].contains("高新技术企业"), "{titles:?}");
        // The draft 储能 policy is not public.
        let page = policy::search(&app, Some(&searcher), None, &q("储能 热失控"))
            .await
            .unwrap();
        assert_eq!(page.total, 0, "{:?}", top(&page));

        // A filter narrows: national level only.
        let all = policy::search(&app, Some(&searcher), None, &q("高新技术企业"))
            .await
            .unwrap();
        let national = policy::search(
            &app,
            Some(&searcher),
            None,
            &PolicySearch {
                q: "高新技术企业".into(),
                level: "national".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            national.total < all.total,
            "{} < {}",
            national.total,
            all.total
        );
        assert!(national.total >= 1);
        assert!(
            national
                .items
                .iter()
                .all(|h| h.policy.level.code == "national")
        );
        // Category, type and year filters, on the index and on the database.
        for s in [Some(&searcher), None] {
            let finance = policy::search(
                &app,
                s,
                None,
                &PolicySearch {
                    q: "贷款".into(),
                    category: "金融".into(),
                    year: "2023".into(),
                    audience: "high_tech".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            assert_eq!(finance.total, 2, "{:?} {}", top(&finance), finance.engine);
            assert!(finance.items.iter().all(|h| h.policy.category == "金融"));
        }
        // The database fallback finds by substring and marks the words.
        let page = policy::search(&app, None, None, &q("贷款贴息"))
            .await
            .unwrap();
        assert_eq!(page.engine, "database");
        assert!(page.total >= 1);
        assert!(
            page.items
                .iter()
                .any(|h| h.snippet_html.contains("<mark>贷款贴息</mark>")),
            "{:?}",
            page.items
        );
        // Status filter: the repealed one.
        let page = policy::search(
            &app,
            Some(&searcher),
            None,
            &PolicySearch {
                q: "科技创新券".into(),
                status: "repealed".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(top(&page), ["铜梁区科技创新券管理暂行办法"]);
        assert_eq!(page.items[0].policy.status.zh, "已废止");
    }
);

store_test!(an_enterprise_sees_the_policies_its_types_may_use, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    demo_policies(&app).await;
    let hte = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let plain = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
        .await
        .unwrap();
    let today = app.today();
    qualification::add(
        &app,
        &admin,
        &hte,
        &qualification::QualificationInput {
            kind: "高新技术企业".into(),
            number: "GR202350000001".into(),
            recognized_on: kechuang_core::date::to_iso(today - chrono::Days::new(30)),
            valid_until: String::new(),
        },
    )
    .await
    .unwrap();

    let mine = policy::for_org(&app, &enterprise_user(&hte), None)
        .await
        .unwrap();
    let holds: Vec<&str> = mine.holds.iter().map(|c| c.code).collect();
    assert_eq!(holds, ["enterprise", "high_tech"]);
    let titles: Vec<&str> = mine.policies.iter().map(|p| p.title.as_str()).collect();
    assert!(
        titles.contains(&"铜梁区知识价值信用贷款改革试点实施办法"),
        "{titles:?}"
    );
    assert!(titles.contains(&"高新技术企业认定管理办法"));
    assert!(!titles.iter().any(|t| t.contains("科技创新券")), "repealed");
    assert!(!titles.iter().any(|t| t.contains("2020—2022")), "expired");
    assert!(!titles.iter().any(|t| t.contains("征求意见稿")), "draft");
    assert!(!titles.iter().any(|t| t.contains("专精特新")), "not held");
    assert!(mine.measures.contains(&"LOAN-INTEREST".to_string()));

    let other = policy::for_org(&app, &enterprise_user(&plain), None)
        .await
        .unwrap();
    assert!(other.policies.len() < mine.policies.len());
    assert!(
        !other
            .policies
            .iter()
            .any(|p| p.title == "铜梁区知识价值信用贷款改革试点实施办法")
    );
    // The twelve measures serve every enterprise.
    assert!(other.measures.contains(&"RD-INVEST".to_string()));
    // Another enterprise's view is 404; the bureau may look at any.
    let e = policy::for_org(&app, &enterprise_user(&plain), Some(hte.as_str()))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound), "{e:?}");
    let seen = policy::for_org(&app, &admin, Some(hte.as_str()))
        .await
        .unwrap();
    assert_eq!(seen.policies.len(), mine.policies.len());

    // The table by type.
    let rows = policy::by_audience(&app, None).await.unwrap();
    let row = |code: &str| rows.iter().find(|r| r.audience.code == code).unwrap();
    assert!(
        row("high_tech")
            .measures
            .contains(&"HTE-CULTIVATION".to_string())
    );
    assert!(
        row("little_giant")
            .policies
            .iter()
            .all(|p| p.title.contains("专精特新"))
    );
    assert!(!row("university").policies.is_empty());
    let only = policy::by_audience(&app, Some("科小")).await.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].audience.code, "tech_sme");
    let e = policy::by_audience(&app, Some("国企")).await.unwrap_err();
    assert!(matches!(e, AppError::Invalid(f) if f[0].field == "audience"));
});
