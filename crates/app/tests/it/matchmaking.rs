use crate::common::*;
use kechuang_app::AppError;
use kechuang_app::ops::matchmaking::{self as mm, ListQuery};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

fn need_input(title: &str) -> NeedInput {
    NeedInput {
        title: title.into(),
        description: "<b>电芯</b>热失控早期预警，误报率低于1%。\n需要现场试验。".into(),
        modes: vec!["合作开发".into()],
        budget_wan: "120.5".into(),
        keywords: vec!["储能、电芯".into()],
        ..NeedInput::default()
    }
}

async fn university(app: &kechuang_app::App) -> kechuang_core::ids::OrgId {
    let admin = bureau(Role::BureauAdmin, None);
    org::create(
        app,
        &admin,
        &OrgInput {
            kind: "高校".into(),
            credit_code: "12500000450400001F".into(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap()
}

store_test!(
    an_enterprise_posts_a_need_and_only_it_or_the_bureau_may_change_it,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let b = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
            .await
            .unwrap();
        let ea = enterprise_user(&a);
        let eb = enterprise_user(&b);
        let n = mm::create_need(&app, &ea, None, &need_input("储能电池热失控预警"))
            .await
            .unwrap();
        assert_eq!(n.org_id, a.to_string());
        assert_eq!(n.budget_wan.as_deref(), Some("120.50"));
        assert_eq!(n.status.code, "open");
        assert!(
            n.description.as_deref().unwrap().starts_with("<b>"),
            "stored as typed"
        );
        // Another enterprise reads it but cannot change it.
        assert_eq!(
            mm::need(&app, &eb, &n.id).await.unwrap().title,
            "储能电池热失控预警"
        );
        assert!(matches!(
            mm::update_need(&app, &eb, &n.id, &need_input("改"), "").await,
            Err(AppError::Forbidden)
        ));
        // The owner closes it; the bureau sees the change; a bad status is named.
        let closed = mm::update_need(
            &app,
            &ea,
            &n.id,
            &need_input("储能电池热失控预警"),
            "已关闭",
        )
        .await
        .unwrap();
        assert_eq!(closed.status.code, "closed");
        let err = mm::update_need(&app, &admin, &n.id, &need_input(""), "半关")
            .await
            .unwrap_err();
        let AppError::Invalid(fields) = err else {
            panic!("{err:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["title", "status"]);
        // Lists filter by owner, text and status.
        mm::create_need(
            &app,
            &admin,
            Some(b.as_str()),
            &need_input("摩托车车架焊接变形控制"),
        )
        .await
        .unwrap();
        let all = mm::needs(&app, &eb, &ListQuery::default()).await.unwrap();
        assert_eq!(all.total, 2);
        let q = ListQuery {
            q: "焊接".into(),
            ..ListQuery::default()
        };
        assert_eq!(
            mm::needs(&app, &eb, &q).await.unwrap().items[0].org_id,
            b.to_string()
        );
        let q = ListQuery {
            status: "open".into(),
            ..ListQuery::default()
        };
        assert_eq!(mm::needs(&app, &eb, &q).await.unwrap().total, 1);
        let q = ListQuery {
            q: "100%_".into(),
            ..ListQuery::default()
        };
        assert_eq!(
            mm::needs(&app, &eb, &q).await.unwrap().total,
            0,
            "LIKE wildcards are literal"
        );
        // The bureau must name the enterprise; a university cannot own a need.
        let err = mm::create_need(&app, &admin, None, &need_input("x"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Invalid(ref f) if f[0].field == "org_id"),
            "{err:?}"
        );
        let u = university(&app).await;
        let err = mm::create_need(&app, &admin, Some(u.as_str()), &need_input("x"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Invalid(ref f) if f[0].code == "org_kind_invalid"),
            "{err:?}"
        );
        // Every change is an event for the search index to follow.
        let mut db = store.read().await.unwrap();
        let ev = db.events_for("need", &n.id, 10).await.unwrap();
        let kinds: Vec<&str> = ev.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["need.updated", "need.created"]);
    }
);

store_test!(
    a_university_posts_achievements_and_experts_and_bad_input_changes_nothing,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let u = university(&app).await;
        let research = kechuang_app::Actor {
            role: Role::Research,
            org_id: Some(u.clone()),
            ..enterprise_user(&u)
        };
        let a = mm::create_achievement(
            &app,
            &research,
            None,
            &AchievementInput {
                title: "一种高锰奥氏体低温储罐用钢及其制备方法".into(),
                summary: "适用于船用液化天然气储罐。".into(),
                inventors: vec!["张三，李四".into()],
                maturity: "中试".into(),
                form: "专利".into(),
                transfer_modes: vec!["许可、作价投资".into()],
                price_wan: "300".into(),
                keywords: vec!["奥氏体 低温".into()],
                ..AchievementInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(a.maturity.as_ref().unwrap().zh, "中试");
        assert_eq!(a.transfer_modes.len(), 2);
        assert_eq!(a.price_wan.as_deref(), Some("300.00"));
        let huge = AchievementInput {
            title: "钢".repeat(100_000),
            ..AchievementInput::default()
        };
        let err = mm::create_achievement(&app, &research, None, &huge)
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Invalid(ref f) if f[0].code == "too_long"),
            "{err:?}"
        );
        assert_eq!(
            mm::achievements(&app, &admin, &ListQuery::default())
                .await
                .unwrap()
                .total,
            1
        );
        let e = mm::create_expert(
            &app,
            &research,
            None,
            &ExpertInput {
                name: "王五".into(),
                title: "教授".into(),
                fields: vec!["金属材料、低温钢".into()],
                ..ExpertInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(e.expert.fields, ["金属材料", "低温钢"]);
        let changed = mm::update_expert(
            &app,
            &admin,
            &e.id,
            &ExpertInput {
                name: "王五".into(),
                title: "研究员".into(),
                ..ExpertInput::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(changed.expert.title.as_deref(), Some("研究员"));
        let ent_org = org::create(&app, &admin, &enterprise_input(9, "巴川街道"))
            .await
            .unwrap();
        let other = enterprise_user(&ent_org);
        assert!(matches!(
            mm::update_expert(
                &app,
                &other,
                &e.id,
                &ExpertInput {
                    name: "x".into(),
                    ..ExpertInput::default()
                }
            )
            .await,
            Err(AppError::Forbidden)
        ));
        let listed = mm::experts(
            &app,
            &other,
            &ListQuery {
                q: "王".into(),
                ..ListQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(listed.total, 1);
    }
);

store_test!(
    the_search_index_follows_the_event_log_and_survives_a_corrupt_directory,
    |store| {
        use kechuang_app::search::{SearchRequest, Searcher};
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let ea = enterprise_user(&a);
        let mut input = need_input("储能锂电池热失控预警");
        input.keywords.push("battery".into());
        let first = mm::create_need(&app, &ea, None, &input).await.unwrap();
        let dir =
            std::env::temp_dir().join(format!("kechuang-search-{}", kechuang_store::new_id()));
        let s = Searcher::open(Some(&dir)).unwrap();
        let q = |text: &str| SearchRequest {
            q: text.into(),
            ..SearchRequest::default()
        };
        let r = s.search(&app, &ea, &q("热失控")).await.unwrap();
        assert_eq!(
            r.total, 1,
            "the first search builds the index from the store"
        );
        assert_eq!(r.hits[0].url, format!("/needs/{}", first.id));
        assert!(
            r.hits[0].snippet_html.contains("<mark>"),
            "{}",
            r.hits[0].snippet_html
        );
        assert!(
            r.hits[0].snippet_html.contains("&lt;b&gt;"),
            "HTML in the text is escaped"
        );
        // A new record is found at the next search; a closed need is no longer listed.
        let second = mm::create_need(&app, &ea, None, &need_input("气凝胶隔热毡量产工艺"))
            .await
            .unwrap();
        assert_eq!(s.search(&app, &ea, &q("气凝胶")).await.unwrap().total, 1);
        mm::update_need(
            &app,
            &ea,
            &second.id,
            &need_input("气凝胶隔热毡量产工艺"),
            "已关闭",
        )
        .await
        .unwrap();
        assert_eq!(s.search(&app, &ea, &q("气凝胶")).await.unwrap().total, 0);
        // Punctuation-only queries and misspellings are graceful.
        assert_eq!(s.search(&app, &ea, &q("（（**！")).await.unwrap().total, 0);
        let miss = s.search(&app, &ea, &q("batery")).await.unwrap();
        assert_eq!(miss.total, 0);
        assert_eq!(
            miss.suggestion.as_deref(),
            Some("battery"),
            "a close indexed term is suggested"
        );
        drop(s);
        // A reopened index continues from its cursor; a corrupt one is rebuilt.
        let s = Searcher::open(Some(&dir)).unwrap();
        assert_eq!(s.search(&app, &ea, &q("热失控")).await.unwrap().total, 1);
        drop(s);
        std::fs::write(dir.join("meta.json"), b"{ not json").unwrap();
        let s = Searcher::open(Some(&dir)).unwrap();
        assert_eq!(
            s.search(&app, &ea, &q("热失控")).await.unwrap().total,
            1,
            "rebuilt from the store"
        );
        let bad = s
            .search(
                &app,
                &ea,
                &SearchRequest {
                    q: "x".into(),
                    kind: Some("contract".into()),
                    ..SearchRequest::default()
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(bad, AppError::Invalid(ref f) if f[0].field == "kind"),
            "{bad:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
);

store_test!(
    a_need_is_matched_to_the_relevant_achievement_first_with_its_reasons,
    |store| {
        use kechuang_app::search::Searcher;
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let ea = enterprise_user(&a);
        let u = university(&app).await;
        let research = kechuang_app::Actor {
            role: Role::Research,
            org_id: Some(u.clone()),
            ..enterprise_user(&u)
        };
        let mut need = need_input("储能电池热失控早期预警");
        need.field = "新型储能".into();
        need.modes = vec!["技术许可".into()];
        let need = mm::create_need(&app, &ea, None, &need).await.unwrap();
        let ach = |title: &str, field: &str, price: &str| AchievementInput {
            title: title.into(),
            summary: format!("{title}，已完成中试验证。"),
            field: field.into(),
            maturity: "中试".into(),
            transfer_modes: vec!["许可".into()],
            price_wan: price.into(),
            ..AchievementInput::default()
        };
        let right = mm::create_achievement(
            &app,
            &research,
            None,
            &ach("一种储能电池热失控预警方法", "新型储能", "100"),
        )
        .await
        .unwrap();
        mm::create_achievement(
            &app,
            &research,
            None,
            &ach("一种摩托车车架焊接方法", "摩托车", "50"),
        )
        .await
        .unwrap();
        mm::create_achievement(
            &app,
            &research,
            None,
            &ach("一种电池外壳的冲压模具", "高端装备", "900"),
        )
        .await
        .unwrap();
        let s = Searcher::open(None).unwrap();
        let m = s.match_need(&app, &ea, &need.id, 5).await.unwrap();
        assert_eq!(m[0].hit.id, right.id, "{m:#?}");
        let reasons = m[0].reasons.join("；");
        assert!(
            reasons.contains("热失控") && reasons.contains("技术领域一致：新型储能"),
            "{reasons}"
        );
        assert!(
            reasons.contains("在预算") && reasons.contains("转化方式符合需求：许可"),
            "{reasons}"
        );
        // The enterprise (500151 铜梁) and the university (500000) are both in 重庆.
        assert!(reasons.contains("同在重庆市"), "{reasons}");
        assert!(
            !reasons.contains("、的"),
            "generic words are not reasons: {reasons}"
        );
        assert!(
            m.iter().all(|x| x.hit.id != right.id || x.score > 0.9),
            "{m:#?}"
        );
        assert!(m.windows(2).all(|w| w[0].score >= w[1].score));
        let far = m
            .iter()
            .find(|x| x.hit.title.contains("冲压"))
            .map(|x| x.reasons.join("；"));
        if let Some(r) = far {
            assert!(r.contains("高于预算"), "{r}");
        }
        assert!(matches!(
            s.match_need(&app, &ea, "no-such-need", 5).await,
            Err(AppError::NotFound)
        ));
    }
);
