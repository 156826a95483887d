//! Innovation platforms, institutes, incubated projects and alliances: CRUD and
//! permissions, status moves, evaluations, institution levels and the ladder,
//! targets, incubation stages, alliance members and experts, the report.

use crate::common::*;
use chrono::NaiveDate;
use kechuang_app::ops::institute::{
    self, AllianceInput, ExpertInput, MemberInput, MoveInput, ProjectInput, TargetInput, TeamInput,
};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::ops::platform::{
    self, EvaluationInput, ListQuery, PartnerInput, PlatformInput, StatusInput,
};
use kechuang_app::ops::{ladder, qualification, report};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::InstitutionLevel as L;
use kechuang_core::ladder::profile::InstitutionLevelInput;
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn events(app: &App) -> usize {
    let mut db = app.store.read().await.unwrap();
    db.events_after(0, 1_000_000).await.unwrap().len()
}

fn fields(e: &AppError) -> Vec<(String, &'static str)> {
    match e {
        AppError::Invalid(v) => v.iter().map(|f| (f.field.clone(), f.code)).collect(),
        AppError::Conflict(f) => vec![(f.field.clone(), f.code)],
        other => panic!("not a field error: {other:?}"),
    }
}

struct Fixture {
    admin: Actor,
    a: OrgId,
    b: OrgId,
    u: OrgId,
}

async fn fixture(app: &App) -> Fixture {
    let admin = bureau(Role::BureauAdmin, None);
    let a = org::create(app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let b = org::create(app, &admin, &enterprise_input(2, "东城街道"))
        .await
        .unwrap();
    let u = org::create(
        app,
        &admin,
        &OrgInput {
            kind: "university".into(),
            credit_code: code(3),
            name: "重庆测试大学".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    Fixture { admin, a, b, u }
}

#[expect(clippy::too_many_arguments, reason = "a platform in one line")]
fn input(
    name: &str,
    kind: &str,
    level: &str,
    host: &OrgId,
    status: &str,
    approved: &str,
    accredited: &str,
    revoked: &str,
) -> PlatformInput {
    PlatformInput {
        name: name.into(),
        kind: kind.into(),
        level: level.into(),
        host_org_id: host.to_string(),
        status: status.into(),
        approved_on: approved.into(),
        accredited_on: accredited.into(),
        revoked_on: revoked.into(),
        ..Default::default()
    }
}

store_test!(
    platforms_are_created_seen_by_whom_they_may_and_move_status_forward_only,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        let mut lab = input(
            "测试储能重点实验室",
            "重点实验室",
            "省级",
            &f.a,
            "accredited",
            "2020-01-01",
            "2020-06-30",
            "",
        );
        lab.partners = vec![PartnerInput {
            org_id: f.u.to_string(),
            role: "共建单位".into(),
            ..Default::default()
        }];
        let p1 = platform::create(&app, &f.admin, &lab).await.unwrap();
        assert_eq!(p1.town.as_deref(), Some("巴川街道"), "town from the host");
        assert_eq!(p1.cluster.as_deref(), Some("新型储能"));
        assert_eq!(
            (p1.kind, p1.level, p1.status),
            ("key_laboratory", "provincial", "accredited")
        );
        assert_eq!(p1.partners.len(), 1);
        assert_eq!(
            p1.partners[0].name, "重庆测试大学",
            "named after the organisation"
        );
        let p2 = platform::create(
            &app,
            &f.admin,
            &input(
                "测试企业技术中心",
                "enterprise_tech_centre",
                "below_municipal",
                &f.a,
                "",
                "2023-01-01",
                "",
                "",
            ),
        )
        .await
        .unwrap();
        assert_eq!(p2.status, "under_construction");

        // Bureau: all; host: its own in full; anyone else: accredited, public view.
        let all = platform::list(
            &app,
            &bureau(Role::BureauReviewer, None),
            &ListQuery::default(),
        )
        .await
        .unwrap();
        assert_eq!(all.total, 2);
        assert_eq!(all.counts.iter().map(|c| c.count).sum::<i64>(), 2);
        let host = enterprise_user(&f.a);
        let mine = platform::list(
            &app,
            &host,
            &ListQuery {
                mine: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(mine.total, 2);
        assert!(platform::detail(&app, &host, &p2.id).await.unwrap().full);
        let other = enterprise_user(&f.b);
        let public = platform::list(&app, &other, &ListQuery::default())
            .await
            .unwrap();
        assert_eq!(public.total, 1);
        assert_eq!(public.items[0].id, p1.id);
        assert!(!public.items[0].full && public.items[0].approved_on.is_none());
        let seen = platform::detail(&app, &other, &p1.id).await.unwrap();
        assert!(!seen.full && seen.partners.is_empty() && seen.evaluations.is_empty());
        assert!(matches!(
            platform::detail(&app, &other, &p2.id).await,
            Err(AppError::NotFound)
        ));
        let by_level = platform::list(
            &app,
            &f.admin,
            &ListQuery {
                level: "provincial".into(),
                town: "巴川街道".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(by_level.total, 1);

        // Only a bureau administrator writes.
        assert!(matches!(
            platform::create(&app, &host, &lab).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            platform::create(&app, &bureau(Role::BureauReviewer, None), &lab).await,
            Err(AppError::Forbidden)
        ));

        // Bad input: every field named, nothing written.
        let before = events(&app).await;
        let e = platform::create(
            &app,
            &f.admin,
            &input("", "实验楼", "", &f.a, "accredited", "2020-13-01", "", ""),
        )
        .await
        .unwrap_err();
        let fs = fields(&e);
        for want in [
            ("name", "required"),
            ("kind", "platform_kind_invalid"),
            ("level", "required"),
            ("accredited_on", "platform_date_required"),
        ] {
            assert!(
                fs.iter().any(|(f, c)| f == want.0 && *c == want.1),
                "{want:?} in {fs:?}"
            );
        }
        assert!(fs.iter().any(|(f, _)| f == "approved_on"), "{fs:?}");
        let e = platform::create(
            &app,
            &f.admin,
            &input(
                "晚认定",
                "key_laboratory",
                "national",
                &f.a,
                "accredited",
                "2022-01-01",
                "2021-01-01",
                "",
            ),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("accredited_on".to_string(), "platform_date_order")]
        );
        let e = platform::create(
            &app,
            &f.admin,
            &input(
                "无依托",
                "key_laboratory",
                "national",
                &OrgId("nope".into()),
                "",
                "2022-01-01",
                "",
                "",
            ),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("host_org_id".to_string(), "platform_org_unknown")]
        );
        let e = platform::create(&app, &f.admin, &lab).await.unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("name".to_string(), "platform_name_taken")]
        );
        assert_eq!(events(&app).await, before, "nothing written");

        // Status moves: forward only; refused moves write nothing.
        let moved = platform::move_status(
            &app,
            &f.admin,
            &p2.id,
            &StatusInput {
                status: "accredited".into(),
                on: "2023-06-30".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (moved.status, moved.accredited_on),
            ("accredited", Some(day("2023-06-30")))
        );
        let before = events(&app).await;
        let e = platform::move_status(
            &app,
            &f.admin,
            &p1.id,
            &StatusInput {
                status: "under_construction".into(),
                on: "2023-06-30".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("status".to_string(), "platform_status_not_allowed")]
        );
        let e = platform::move_status(
            &app,
            &f.admin,
            &p1.id,
            &StatusInput {
                status: "revoked".into(),
                on: "2020-05-01".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec![("on".to_string(), "platform_date_order")]);
        // An edit may not move the status backwards either.
        let mut back = lab.clone();
        back.status = "under_construction".into();
        back.accredited_on = String::new();
        let e = platform::update(&app, &f.admin, &p1.id, &back)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("status".to_string(), "platform_status_not_allowed")]
        );
        assert_eq!(events(&app).await, before, "nothing written");
        let revoked = platform::move_status(
            &app,
            &f.admin,
            &p1.id,
            &StatusInput {
                status: "revoked".into(),
                on: "2024-12-31".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(revoked.revoked_on, Some(day("2024-12-31")));
        let e = platform::move_status(
            &app,
            &f.admin,
            &p1.id,
            &StatusInput {
                status: "accredited".into(),
                on: "2025-01-01".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("status".to_string(), "platform_status_not_allowed")]
        );
        // Revoked: the public no longer sees it.
        assert!(matches!(
            platform::detail(&app, &other, &p1.id).await,
            Err(AppError::NotFound)
        ));
        // An edit keeps the id and renames.
        let mut renamed = lab.clone();
        renamed.name = "测试储能重点实验室（更名）".into();
        renamed.status = "revoked".into();
        renamed.revoked_on = "2024-12-31".into();
        let r = platform::update(&app, &f.admin, &p1.id, &renamed)
            .await
            .unwrap();
        assert_eq!(r.name, "测试储能重点实验室（更名）");
    }
);

store_test!(
    two_failed_evaluations_in_a_row_flag_revocation_and_a_year_is_evaluated_once,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        let p = platform::create(
            &app,
            &f.admin,
            &input(
                "测试工程中心",
                "engineering_centre",
                "municipal",
                &f.a,
                "accredited",
                "2019-01-01",
                "2019-06-01",
                "",
            ),
        )
        .await
        .unwrap();
        let eval = |year: &str, grade: &str| EvaluationInput {
            year: year.into(),
            grade: grade.into(),
            note: String::new(),
        };
        let v = platform::evaluate(&app, &f.admin, &p.id, &eval("2021", "良好"))
            .await
            .unwrap();
        assert!(!v.revocation_due);
        let v = platform::evaluate(&app, &f.admin, &p.id, &eval("2022", "不合格"))
            .await
            .unwrap();
        assert!(!v.revocation_due, "one fail is not enough");
        let v = platform::evaluate(&app, &f.admin, &p.id, &eval("2023", "fail"))
            .await
            .unwrap();
        assert!(v.revocation_due, "two fails in a row");
        assert_eq!(
            v.evaluations
                .iter()
                .map(|e| (e.year, e.grade))
                .collect::<Vec<_>>(),
            vec![(2021, "good"), (2022, "fail"), (2023, "fail")]
        );
        let before = events(&app).await;
        let e = platform::evaluate(&app, &f.admin, &p.id, &eval("2023", "优秀"))
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::Conflict(ref x) if x.field == "year" && x.code == "platform_evaluation_exists")
        );
        let e = platform::evaluate(&app, &f.admin, &p.id, &eval("1999", "很好"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![
                ("year".to_string(), "platform_evaluation_year"),
                ("grade".to_string(), "platform_grade_invalid")
            ]
        );
        assert!(matches!(
            platform::evaluate(&app, &enterprise_user(&f.a), &p.id, &eval("2020", "良好")).await,
            Err(AppError::Forbidden)
        ));
        assert_eq!(events(&app).await, before, "nothing written");
        // The host sees its evaluations; a revoked platform is not evaluated again.
        let own = platform::detail(&app, &enterprise_user(&f.a), &p.id)
            .await
            .unwrap();
        assert_eq!(own.evaluations.len(), 3);
        platform::move_status(
            &app,
            &f.admin,
            &p.id,
            &StatusInput {
                status: "revoked".into(),
                on: "2024-03-01".into(),
            },
        )
        .await
        .unwrap();
        let e = platform::evaluate(&app, &f.admin, &p.id, &eval("2020", "良好"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("status".to_string(), "platform_evaluation_revoked")]
        );
        let gone = platform::detail(&app, &f.admin, &p.id).await.unwrap();
        assert!(!gone.revocation_due, "revoked: nothing due any more");
    }
);

store_test!(
    institution_levels_follow_accreditation_and_revocation_days_and_feed_the_ladder,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        platform::create(
            &app,
            &f.admin,
            &input(
                "甲企业技术中心",
                "enterprise_tech_centre",
                "below_municipal",
                &f.a,
                "accredited",
                "2020-01-01",
                "2020-01-01",
                "",
            ),
        )
        .await
        .unwrap();
        // Not an R&D institution: never counts.
        platform::create(
            &app,
            &f.admin,
            &input(
                "甲孵化器",
                "incubator",
                "national",
                &f.a,
                "accredited",
                "2019-01-01",
                "2019-01-01",
                "",
            ),
        )
        .await
        .unwrap();
        // Under construction: does not count.
        platform::create(
            &app,
            &f.admin,
            &input(
                "乙国家重点实验室",
                "key_laboratory",
                "national",
                &f.b,
                "",
                "2021-01-01",
                "",
                "",
            ),
        )
        .await
        .unwrap();
        let mut lab = input(
            "乙省级重点实验室",
            "key_laboratory",
            "provincial",
            &f.b,
            "revoked",
            "2022-01-01",
            "2022-06-30",
            "2024-12-31",
        );
        lab.partners = vec![PartnerInput {
            org_id: f.a.to_string(),
            role: "共建单位".into(),
            ..Default::default()
        }];
        platform::create(&app, &f.admin, &lab).await.unwrap();

        let at = |s: &'static str| {
            let app = app.clone();
            async move { platform::institution_levels(&app, day(s)).await.unwrap() }
        };
        let l = at("2019-12-31").await;
        assert!(l.is_empty(), "{l:?}");
        let l = at("2022-06-29").await;
        assert_eq!((l.get(&f.a), l.get(&f.b)), (Some(&L::BelowMunicipal), None));
        let l = at("2022-06-30").await;
        assert_eq!(
            (l.get(&f.a), l.get(&f.b)),
            (Some(&L::Provincial), Some(&L::Provincial)),
            "host and co-builder from the day of accreditation"
        );
        let l = at("2024-12-30").await;
        assert_eq!(l.get(&f.b), Some(&L::Provincial));
        let l = at("2024-12-31").await;
        assert_eq!(
            (l.get(&f.a), l.get(&f.b)),
            (Some(&L::BelowMunicipal), None),
            "not on the day revoked"
        );
        assert_eq!(l.get(&f.u), None);

        // The ladder reads it when the filing has none.
        let best =
            |p: &kechuang_core::ladder::Profile| p.institutions.iter().map(|i| i.level).max();
        let run = ladder::evaluate_org(&app, &f.admin, &f.b, Some(day("2023-03-01")), None)
            .await
            .unwrap();
        assert_eq!(best(&run.profile), Some(InstitutionLevelInput::Provincial));
        let run = ladder::evaluate_org(&app, &f.admin, &f.a, Some(day("2023-03-01")), None)
            .await
            .unwrap();
        assert_eq!(
            best(&run.profile),
            Some(InstitutionLevelInput::Provincial),
            "co-built"
        );
        let today = ladder::profile_of(&app, &f.admin, &f.b).await.unwrap();
        assert_eq!(best(&today), None, "revoked by now");
        let today = ladder::profile_of(&app, &f.admin, &f.a).await.unwrap();
        assert_eq!(best(&today), Some(InstitutionLevelInput::BelowMunicipal));
    }
);

store_test!(
    institutes_keep_teams_targets_and_projects_moving_from_lab_to_company,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        let mut head = input(
            "测试产业技术研究院",
            "industry_institute",
            "provincial",
            &f.u,
            "accredited",
            "2021-01-01",
            "2021-06-01",
            "",
        );
        head.town = "东城街道".into();
        head.partners = vec![
            PartnerInput {
                name: "测试区人民政府".into(),
                role: "共建方（政府）".into(),
                ..Default::default()
            },
            PartnerInput {
                org_id: f.b.to_string(),
                role: "共建方（龙头企业）".into(),
                ..Default::default()
            },
        ];
        let inst = platform::create(&app, &f.admin, &head).await.unwrap();
        assert_eq!(
            inst.town.as_deref(),
            Some("东城街道"),
            "typed town when the host has none"
        );
        let mut child = input(
            "测试专业研究院",
            "new_type_rd_institution",
            "below_municipal",
            &f.u,
            "",
            "2022-01-01",
            "",
            "",
        );
        child.parent_id = inst.id.clone();
        let child = platform::create(&app, &f.admin, &child).await.unwrap();
        let mut bad_child = input(
            "测试孵化器",
            "incubator",
            "below_municipal",
            &f.u,
            "",
            "2022-01-01",
            "",
            "",
        );
        bad_child.parent_id = inst.id.clone();
        let e = platform::create(&app, &f.admin, &bad_child)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("parent_id".to_string(), "platform_parent_invalid")]
        );

        let team = |name: &str, members: &str| TeamInput {
            name: name.into(),
            lead: "张三".into(),
            members: members.into(),
            field: "储能材料".into(),
        };
        institute::add_team(&app, &f.admin, &inst.id, &team("材料团队", "12"))
            .await
            .unwrap();
        institute::add_team(&app, &f.admin, &inst.id, &team("系统团队", "8"))
            .await
            .unwrap();
        let e = institute::add_team(&app, &f.admin, &inst.id, &team("材料团队", "3"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("name".to_string(), "platform_team_taken")]
        );
        let e = institute::add_team(&app, &f.admin, &inst.id, &team("空团队", "0"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("members".to_string(), "platform_team_members")]
        );
        let target = |metric: &str, t: &str, a: &str| TargetInput {
            metric: metric.into(),
            target: t.into(),
            unit: "GWh".into(),
            actual: a.into(),
            as_of: "2025-12-31".into(),
        };
        let t = institute::set_target(
            &app,
            &f.admin,
            &inst.id,
            &target("储能电池年产能", "100", "25"),
        )
        .await
        .unwrap();
        assert_eq!((t.progress_pct.as_str(), t.bar_pct), ("25.0", 25));
        let t = institute::set_target(
            &app,
            &f.admin,
            &inst.id,
            &target("储能电池年产能", "100", "56.5"),
        )
        .await
        .unwrap();
        assert_eq!(
            t.progress_pct, "56.5",
            "the same metric replaces its values"
        );
        let e = institute::set_target(&app, &f.admin, &inst.id, &target("产值", "0", "1"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("target".to_string(), "platform_target_positive")]
        );
        let e = institute::set_target(&app, &f.admin, &inst.id, &target("产值", "abc", "1"))
            .await
            .unwrap_err();
        assert_eq!(fields(&e), vec![("target".to_string(), "number_invalid")]);

        // Projects: forward or stop, never back; a company stage names the firm.
        let proj = |name: &str, stage: &str, firm: &str| ProjectInput {
            name: name.into(),
            stage: stage.into(),
            funding_fen: 200_000_000,
            started_on: "2022-03-01".into(),
            firm_org_id: firm.into(),
            ..Default::default()
        };
        let p = institute::add_project(&app, &f.admin, &inst.id, &proj("固态电解质项目", "", ""))
            .await
            .unwrap();
        assert_eq!(p.stage, "laboratory");
        institute::add_project(&app, &f.admin, &inst.id, &proj("钠电项目", "pilot", ""))
            .await
            .unwrap();
        let e = institute::add_project(
            &app,
            &f.admin,
            &inst.id,
            &proj("公司项目", "incorporated", ""),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("firm_org_id".to_string(), "platform_firm_required")]
        );
        let e = institute::add_project(
            &app,
            &f.admin,
            &inst.id,
            &proj("大学项目", "incorporated", f.u.as_str()),
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("firm_org_id".to_string(), "platform_firm_not_enterprise")]
        );
        let mv = |stage: &str, on: &str, firm: &str| MoveInput {
            stage: stage.into(),
            on: on.into(),
            firm_org_id: firm.into(),
            funding_fen: None,
        };
        let moved = institute::move_project(&app, &f.admin, &p.id, &mv("pilot", "2022-09-01", ""))
            .await
            .unwrap();
        assert_eq!(moved.stage, "pilot");
        let before = events(&app).await;
        let e =
            institute::move_project(&app, &f.admin, &p.id, &mv("incorporated", "2023-01-01", ""))
                .await
                .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("firm_org_id".to_string(), "platform_firm_required")]
        );
        let e = institute::move_project(
            &app,
            &f.admin,
            &p.id,
            &mv("incorporated", "2022-08-01", f.a.as_str()),
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), vec![("on".to_string(), "platform_date_order")]);
        let e = institute::move_project(&app, &f.admin, &p.id, &mv("laboratory", "2023-01-01", ""))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("stage".to_string(), "platform_stage_not_allowed")]
        );
        assert_eq!(events(&app).await, before, "nothing written");
        let moved = institute::move_project(
            &app,
            &f.admin,
            &p.id,
            &mv("incorporated", "2023-01-01", f.a.as_str()),
        )
        .await
        .unwrap();
        assert_eq!(moved.firm_org_id.as_deref(), Some(f.a.as_str()));
        assert_eq!(moved.stages.len(), 3);
        qualification::add(
            &app,
            &f.admin,
            &f.a,
            &kechuang_app::ops::qualification::QualificationInput {
                kind: "高新技术企业".into(),
                number: "GR202350000001".into(),
                recognized_on: "2023-11-30".into(),
                valid_until: "2026-11-29".into(),
            },
        )
        .await
        .unwrap();

        let v = institute::institute(&app, &f.admin, &inst.id)
            .await
            .unwrap();
        assert_eq!(v.teams.len(), 2);
        assert_eq!(v.researchers, 20);
        assert_eq!(v.targets.len(), 1);
        assert_eq!(v.projects_total, 2);
        assert_eq!(
            v.by_stage
                .iter()
                .map(|g| (g.stage, g.projects.len()))
                .collect::<Vec<_>>(),
            vec![("pilot", 1), ("incorporated", 1)]
        );
        assert_eq!(v.firms.len(), 1);
        assert_eq!(v.firms[0].qualifications[0].kind, "high_tech");
        assert_eq!(v.children.len(), 1);
        assert_eq!(v.children[0].id, child.id);
        assert_eq!(v.platform.partners.len(), 2, "founding parties");
        // The public sees an accredited institute, not one under construction.
        let other = enterprise_user(&f.a);
        assert_eq!(
            institute::institute(&app, &other, &inst.id)
                .await
                .unwrap()
                .projects_total,
            2
        );
        assert!(matches!(
            institute::institute(&app, &other, &child.id).await,
            Err(AppError::NotFound)
        ));
        // Not an institute: no teams.
        let lab = platform::create(
            &app,
            &f.admin,
            &input(
                "测试实验室",
                "key_laboratory",
                "provincial",
                &f.a,
                "",
                "2022-01-01",
                "",
                "",
            ),
        )
        .await
        .unwrap();
        let e = institute::add_team(&app, &f.admin, &lab.id, &team("x", "2"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("platform_id".to_string(), "platform_not_institute")]
        );
        assert!(matches!(
            institute::add_team(&app, &other, &inst.id, &team("y", "2")).await,
            Err(AppError::Forbidden)
        ));
    }
);

store_test!(
    alliances_count_members_dues_and_a_thousand_experts_in_pages,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        let a = institute::create_alliance(
            &app,
            &f.admin,
            &AllianceInput {
                name: "测试绿色产业技术创新联盟".into(),
                lead_org_id: f.u.to_string(),
                founded_on: "2023-11-04".into(),
                field: "降碳节能".into(),
            },
        )
        .await
        .unwrap();
        let e = institute::create_alliance(
            &app,
            &f.admin,
            &AllianceInput {
                name: "测试绿色产业技术创新联盟".into(),
                lead_org_id: f.u.to_string(),
                founded_on: "2023-11-04".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("name".to_string(), "platform_alliance_taken")]
        );
        for (org, role) in [(&f.u, "理事长单位"), (&f.a, ""), (&f.b, "")] {
            institute::add_member(
                &app,
                &f.admin,
                &a.id,
                &MemberInput {
                    org_id: org.to_string(),
                    role: role.into(),
                    joined_on: "2023-11-04".into(),
                    dues_years: "2024，2023,2024".into(),
                },
            )
            .await
            .unwrap();
        }
        let before = events(&app).await;
        let e = institute::add_member(
            &app,
            &f.admin,
            &a.id,
            &MemberInput {
                org_id: "nope".into(),
                joined_on: "2023-11-04".into(),
                dues_years: "1999".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![
                ("dues_years".to_string(), "platform_dues_year"),
                ("org_id".to_string(), "platform_org_unknown")
            ]
        );
        let mut experts: Vec<ExpertInput> = (0..1200)
            .map(|i| ExpertInput {
                name: format!("专家{i:04}"),
                affiliation: "重庆测试大学".into(),
                title: "教授".into(),
                field: "降碳节能".into(),
                joined_on: "2023-11-04".into(),
                ..Default::default()
            })
            .collect();
        experts[3].name = String::new();
        let e = institute::add_experts(&app, &f.admin, &a.id, &experts)
            .await
            .unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("experts[3].name".to_string(), "required")]
        );
        assert_eq!(events(&app).await, before, "nothing written");
        experts[3].name = "专家0003".into();
        let n = institute::add_experts(&app, &f.admin, &a.id, &experts)
            .await
            .unwrap();
        assert_eq!(n, 1200);
        assert_eq!(events(&app).await, before + 1, "one event for the batch");

        let d = institute::alliance(&app, &enterprise_user(&f.b), &a.id, 3, 500)
            .await
            .unwrap();
        assert_eq!((d.alliance.members, d.alliance.experts), (3, 1200));
        assert_eq!(d.experts.len(), 200, "the last page");
        assert_eq!(d.experts[0].name, "专家1000");
        assert_eq!(
            d.members
                .iter()
                .find(|m| m.org_id == f.a)
                .unwrap()
                .dues_years,
            vec![2023, 2024]
        );
        assert_eq!(
            d.members_by_role,
            vec![("理事长单位".to_string(), 1), ("会员单位".to_string(), 2)]
        );
        let list = institute::alliances(&app, &enterprise_user(&f.a))
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
    }
);

store_test!(
    the_report_counts_platforms_existing_on_the_last_day_and_projects_started_by_it,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        let make = |name: &'static str,
                    kind: &'static str,
                    level: &'static str,
                    status: &'static str,
                    ap: &'static str,
                    acc: &'static str,
                    rev: &'static str| {
            let app = app.clone();
            let admin = f.admin.clone();
            let host = f.a.clone();
            async move {
                platform::create(
                    &app,
                    &admin,
                    &input(name, kind, level, &host, status, ap, acc, rev),
                )
                .await
                .unwrap()
            }
        };
        // Counted on 2023-10-31: under construction, accredited, revoked later.
        make(
            "建设中",
            "key_laboratory",
            "national",
            "",
            "2023-01-01",
            "",
            "",
        )
        .await;
        make(
            "已认定",
            "enterprise_tech_centre",
            "provincial",
            "accredited",
            "2020-01-01",
            "2020-01-01",
            "",
        )
        .await;
        make(
            "后撤销",
            "maker_space",
            "provincial",
            "revoked",
            "2019-01-01",
            "2019-01-01",
            "2023-12-01",
        )
        .await;
        // Not counted: revoked before, approved after, approved on the day after.
        make(
            "已撤销",
            "maker_space",
            "below_municipal",
            "revoked",
            "2019-01-01",
            "2019-01-01",
            "2023-05-01",
        )
        .await;
        make(
            "次日批准",
            "incubator",
            "below_municipal",
            "",
            "2023-11-01",
            "",
            "",
        )
        .await;
        // Revoked on the last day itself: not counted.
        make(
            "当日撤销",
            "incubator",
            "below_municipal",
            "revoked",
            "2019-01-01",
            "",
            "2023-10-31",
        )
        .await;
        let inst = make(
            "研究院",
            "industry_institute",
            "municipal",
            "accredited",
            "2020-01-01",
            "2020-06-01",
            "",
        )
        .await;
        for (name, start) in [
            ("一", "2021-01-01"),
            ("二", "2023-10-31"),
            ("三", "2023-11-01"),
        ] {
            institute::add_project(
                &app,
                &f.admin,
                &inst.id,
                &ProjectInput {
                    name: name.into(),
                    started_on: start.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        let range = report::parse_range("2023-01", "2023-10").unwrap();
        let r = report::district(&app, &Actor::cli(), &range).await.unwrap();
        assert_eq!(r.platforms.total, 4);
        assert_eq!(
            r.platforms
                .by_kind
                .iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect::<Vec<_>>(),
            vec![
                ("enterprise_tech_centre", 1),
                ("industry_institute", 1),
                ("key_laboratory", 1),
                ("maker_space", 1)
            ]
        );
        assert_eq!(
            r.platforms
                .by_level
                .iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect::<Vec<_>>(),
            vec![("municipal", 1), ("national", 1), ("provincial", 2)]
        );
        assert_eq!(r.incubated_projects.total, 2);
        let md = report::to_markdown(&r);
        assert!(md.contains("全区已建成各类创新平台4个（国家级1个、省级2个、市级1个），各研究院累计孵化硬科技项目2个。"), "{md}");
    }
);

store_test!(
    a_town_scoped_bureau_user_sees_and_writes_only_its_towns_platforms_and_institutes,
    |store| {
        let app = app(&store);
        let f = fixture(&app).await;
        // One platform in 巴川街道 (host a), an institute in 东城街道 (host b).
        let lab = platform::create(
            &app,
            &f.admin,
            &input(
                "巴川测试工程中心",
                "engineering_centre",
                "municipal",
                &f.a,
                "accredited",
                "2020-01-01",
                "2020-06-30",
                "",
            ),
        )
        .await
        .unwrap();
        let inst = platform::create(
            &app,
            &f.admin,
            &input(
                "东城测试产业技术研究院",
                "industry_institute",
                "below_municipal",
                &f.b,
                "accredited",
                "2021-01-01",
                "2021-06-30",
                "",
            ),
        )
        .await
        .unwrap();
        institute::add_project(
            &app,
            &f.admin,
            &inst.id,
            &ProjectInput {
                name: "东城孵化项目".into(),
                field: "新材料".into(),
                started_on: "2022-01-01".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let staff = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
        let all = ListQuery::default();
        let l = platform::list(&app, &staff, &all).await.unwrap();
        assert_eq!(l.total, 1);
        assert_eq!(l.items[0].id, lab.id);
        assert_eq!(l.counts.iter().map(|c| c.count).sum::<i64>(), 1);
        assert_eq!(
            platform::list(&app, &f.admin, &all).await.unwrap().total,
            2,
            "an unscoped user sees both"
        );
        // The other town's platform, its institute view and incubated projects: 404.
        assert!(matches!(
            platform::detail(&app, &staff, &inst.id).await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            institute::institute(&app, &staff, &inst.id)
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
        assert_eq!(
            institute::institute(&app, &f.admin, &inst.id)
                .await
                .unwrap()
                .projects_total,
            1
        );
        assert_eq!(
            platform::detail(&app, &staff, &lab.id).await.unwrap().id,
            lab.id
        );
        // A scoped administrator writes only in its towns; nothing changes otherwise.
        let scoped_admin = bureau(Role::BureauAdmin, Some(vec!["巴川街道"]));
        let before = events(&app).await;
        let e = platform::create(
            &app,
            &scoped_admin,
            &input(
                "东城另一中心",
                "enterprise_tech_centre",
                "below_municipal",
                &f.b,
                "",
                "2023-01-01",
                "",
                "",
            ),
        )
        .await
        .unwrap_err();
        assert_eq!(fields(&e), [("town".to_string(), "town_scope")]);
        assert!(matches!(
            institute::add_project(
                &app,
                &scoped_admin,
                &inst.id,
                &ProjectInput {
                    name: "越权项目".into(),
                    field: "新材料".into(),
                    started_on: "2022-01-01".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap_err(),
            AppError::NotFound
        ));
        assert_eq!(events(&app).await, before);
        // Scoped to a town without platforms: an empty list.
        let none = bureau(Role::BureauReviewer, Some(vec!["安居镇"]));
        assert_eq!(platform::list(&app, &none, &all).await.unwrap().total, 0);
    }
);
