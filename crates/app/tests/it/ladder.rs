use crate::common::*;
use chrono::NaiveDate;
use kechuang_app::AppError;
use kechuang_app::ops::ladder::{self, AlertKind, TargetInput};
use kechuang_app::ops::qualification::{self, QualificationInput};
use kechuang_app::ops::{filing, org};
use kechuang_core::ladder::facts::Facts;
use kechuang_core::ladder::pool::Stage;
use kechuang_core::qualification::QualificationKind;
use kechuang_core::role::Role;
use kechuang_store::PoolFilter;
use kechuang_testkit::store_test;
use std::collections::BTreeMap;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn annual(year_scale: i64) -> BTreeMap<String, String> {
    // A small manufacturer: revenue 3,000万, R&D 150万 (5 %), 80 staff of whom 12 S&T.
    let s = year_scale;
    [
        ("operating_revenue", format!("{}", 3000 * s)),
        ("sales_revenue", format!("{}", 3000 * s)),
        ("main_business_revenue", format!("{}", 2800 * s)),
        ("high_tech_revenue", format!("{}", 2000 * s)),
        ("total_income", format!("{}", 3050 * s)),
        ("total_assets", "5000".to_string()),
        ("net_assets", "2500".to_string()),
        ("employees", "80".to_string()),
        ("st_staff", "12".to_string()),
        ("rd_staff", "10".to_string()),
        ("rd_expense", format!("{}", 150 * s)),
        ("rd_domestic", format!("{}", 150 * s)),
        ("total_cost", format!("{}", 2700 * s)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn qualify(
    app: &kechuang_app::App,
    id: &kechuang_core::ids::OrgId,
    kind: &str,
    on: &str,
    until: &str,
) {
    let admin = bureau(Role::BureauAdmin, None);
    qualification::add(
        app,
        &admin,
        id,
        &QualificationInput {
            kind: kind.into(),
            number: "GR2023000001".into(),
            recognized_on: on.into(),
            valid_until: until.into(),
        },
    )
    .await
    .unwrap();
}

store_test!(
    an_approved_filing_re_evaluates_the_enterprise_through_the_event_log,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let id = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let today = day("2026-11-28");
        let first = ladder::catch_up(&app, today).await.unwrap();
        assert_eq!(first.evaluated, 1, "the created enterprise is evaluated");
        let e1 = ladder::latest(&app, &admin, &id).await.unwrap().unwrap();
        assert_eq!(e1.as_of, today);
        assert!(
            e1.tiers.len() >= 5,
            "one result per tier: {:?}",
            e1.tiers.len()
        );
        assert!(e1.tiers.iter().all(|t| !t.held));
        // Nothing new: nothing evaluated, nothing stored.
        let again = ladder::catch_up(&app, today).await.unwrap();
        assert_eq!((again.events, again.evaluated), (0, 0));

        // The enterprise files 2025 and the bureau approves it: a new run.
        let ent = enterprise_user(&id);
        filing::save(&app, &ent, &id, "2025", &annual(1))
            .await
            .unwrap();
        let after_save = ladder::catch_up(&app, today).await.unwrap();
        assert_eq!(after_save.changed, 0, "a draft does not change the inputs");
        filing::submit(&app, &ent, &id, "2025").await.unwrap();
        filing::approve(&app, &admin, &id, "2025", None)
            .await
            .unwrap();
        let c = ladder::catch_up(&app, today).await.unwrap();
        assert_eq!((c.evaluated, c.changed), (1, 1));
        let e2 = ladder::latest(&app, &admin, &id).await.unwrap().unwrap();
        assert_ne!(e2.run_id, e1.run_id);
        let y = e2.profile.years.get(&2025).expect("2025 in the profile");
        assert_eq!(y.rd_expense, Some("150".parse().unwrap()));

        // A 高企 certificate: the tier is held after the next catch-up.
        qualify(&app, &id, "高新技术企业", "2024-12-01", "").await;
        ladder::catch_up(&app, today).await.unwrap();
        let e3 = ladder::latest(&app, &admin, &id).await.unwrap().unwrap();
        let hte = e3
            .tiers
            .iter()
            .find(|t| t.tier == QualificationKind::HighTech)
            .unwrap();
        assert!(hte.held);
        // The old run is still shown exactly as it was decided.
        let old = ladder::run(&app, &admin, &e1.run_id).await.unwrap();
        assert_eq!(old.tiers, e1.tiers);
        assert!(old.profile.years.is_empty());
        let h = ladder::history(&app, &admin, &id).await.unwrap();
        assert_eq!(h.len(), 3);
    }
);

store_test!(
    an_enterprise_sees_only_its_own_ladder_and_a_bad_fact_changes_nothing,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let b = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
            .await
            .unwrap();
        let ent = enterprise_user(&a);
        let own = ladder::evaluate_org(&app, &ent, &a, Some(day("2026-11-28")), None)
            .await
            .unwrap();
        assert_eq!(own.org_id, a);
        assert!(matches!(
            ladder::evaluate_org(&app, &ent, &b, None, None).await,
            Err(AppError::NotFound)
        ));
        let mut f = Facts {
            srdi_local_points: Some(20),
            ..Facts::default()
        };
        let err = ladder::put_facts(&app, &ent, &a, &f).await.unwrap_err();
        let AppError::Invalid(fields) = err else {
            panic!("{err:?}")
        };
        assert_eq!(fields[0].field, "srdi_local_points");
        assert_eq!(
            ladder::facts(&app, &ent, &a).await.unwrap(),
            Facts::default()
        );
        f.srdi_local_points = Some(12);
        f.compliance.no_major_incident = Some(true);
        ladder::put_facts(&app, &ent, &a, &f).await.unwrap();
        assert_eq!(ladder::facts(&app, &ent, &a).await.unwrap(), f);
        let p = ladder::profile_of(&app, &ent, &a).await.unwrap();
        assert_eq!(p.srdi_local_points, Some(12));
        assert_eq!(p.compliance.no_major_incident, Some(true));
        // A pinned pack on a date before it took effect is refused per field.
        let err = ladder::evaluate_org(
            &app,
            &admin,
            &a,
            Some(day("2025-01-01")),
            Some(kechuang_core::ladder::PackId::Srdi2026),
        )
        .await
        .unwrap_err();
        let AppError::Invalid(fields) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (fields[0].field.as_str(), fields[0].code),
            ("date", "before_pack_in_force")
        );
    }
);

store_test!(
    the_pool_moves_through_its_stages_and_refuses_a_skipped_step,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let scoped = bureau(Role::BureauReviewer, Some(vec!["东城街道"]));
        let id = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        ladder::catch_up(&app, day("2026-11-28")).await.unwrap();
        let hte = QualificationKind::HighTech;
        let err = ladder::move_pool(&app, &admin, &id, hte, Stage::Applied, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Conflict(ref f) if f.code == "pool_move_invalid"),
            "{err:?}"
        );
        for s in [
            Stage::Entered,
            Stage::Coaching,
            Stage::Applied,
            Stage::Rejected,
            Stage::Entered,
        ] {
            ladder::move_pool(&app, &admin, &id, hte, s, Some("辅导专员：张三"))
                .await
                .unwrap();
        }
        let moves = ladder::pool_of(&app, &admin, &id).await.unwrap();
        assert_eq!(moves.len(), 5);
        assert_eq!(moves[0].to_stage, "entered");
        assert_eq!(moves[1].to_stage, "rejected");
        let filter = PoolFilter {
            tier: Some("high_tech".into()),
            limit: 50,
            ..PoolFilter::default()
        };
        let (n, rows) = ladder::pool_board(&app, &admin, filter.clone())
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(rows[0].stage.as_deref(), Some("entered"));
        let (n, _) = ladder::pool_board(&app, &scoped, filter).await.unwrap();
        assert_eq!(n, 0, "a town-scoped officer sees only its towns");
        assert!(matches!(
            ladder::move_pool(&app, &scoped, &id, hte, Stage::Coaching, None).await,
            Err(AppError::NotFound)
        ));
        let ent = enterprise_user(&id);
        assert!(matches!(
            ladder::move_pool(&app, &ent, &id, hte, Stage::Coaching, None).await,
            Err(AppError::Forbidden)
        ));
    }
);

store_test!(alerts_cover_expiring_titles_and_missed_reports, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let b = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
        .await
        .unwrap();
    // a: 高企 from 2025-06-10 to 2026-12-19: within 180 days of 2026-07-01.
    qualify(&app, &a, "高新技术企业", "2025-06-10", "2026-12-19").await;
    // c: 高企 since 2023-12: neither the 2024 nor the 2025 report was filed.
    let c = org::create(&app, &admin, &enterprise_input(3, "巴川街道"))
        .await
        .unwrap();
    qualify(&app, &c, "高新技术企业", "2023-12-01", "").await;
    // b: 科小 in 2025, not renewed in 2026.
    qualify(&app, &b, "科技型中小企业", "2025-05-10", "2025-12-31").await;
    let alerts = ladder::alerts(&app, &admin, day("2026-07-01"), None)
        .await
        .unwrap();
    let kinds: Vec<(AlertKind, String)> =
        alerts.iter().map(|x| (x.kind, x.org_id.clone())).collect();
    assert!(
        kinds.contains(&(AlertKind::HighTechExpiring, a.to_string())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(AlertKind::HighTechReportMissed, a.to_string())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(AlertKind::SmeUpdateMissed, b.to_string())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(AlertKind::HighTechReportRevocation, c.to_string())),
        "{kinds:?}"
    );
    assert!(
        !kinds.contains(&(AlertKind::HighTechReportRevocation, a.to_string())),
        "{kinds:?}"
    );
    // Before the deadline the 科小 update is only due; 180 days before expiry not yet.
    let early = ladder::alerts(&app, &admin, day("2026-03-01"), None)
        .await
        .unwrap();
    assert!(early.iter().any(|x| x.kind == AlertKind::SmeUpdateDue));
    assert!(!early.iter().any(|x| x.kind == AlertKind::HighTechExpiring));
    assert!(
        !early
            .iter()
            .any(|x| x.kind == AlertKind::HighTechReportMissed)
    );
    // Filing the 2025 annual report clears the missed report.
    let ent = enterprise_user(&a);
    filing::save(&app, &ent, &a, "2025", &annual(1))
        .await
        .unwrap();
    filing::submit(&app, &ent, &a, "2025").await.unwrap();
    filing::approve(&app, &admin, &a, "2025", None)
        .await
        .unwrap();
    let after = ladder::alerts(&app, &admin, day("2026-07-01"), Some(&a))
        .await
        .unwrap();
    assert!(
        !after
            .iter()
            .any(|x| x.kind == AlertKind::HighTechReportMissed),
        "{after:?}"
    );
    assert!(after.iter().all(|x| x.org_id == a.to_string()));
    let scoped = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
    let mine = ladder::alerts(&app, &scoped, day("2026-07-01"), None)
        .await
        .unwrap();
    assert!(mine.iter().all(|x| x.town.as_deref() == Some("巴川街道")));
});

store_test!(
    a_doubling_target_counts_its_baseline_and_tracks_progress,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let mut ids = Vec::new();
        for n in 1..=4 {
            ids.push(
                org::create(&app, &admin, &enterprise_input(n, "巴川街道"))
                    .await
                    .unwrap(),
            );
        }
        qualify(&app, &ids[0], "高新技术企业", "2023-12-01", "").await;
        qualify(&app, &ids[1], "高新技术企业", "2024-12-01", "").await;
        let t = ladder::add_target(
            &app,
            &admin,
            &TargetInput {
                name: "高企数量翻番".into(),
                tier: "high_tech".into(),
                baseline_date: "2024-01-01".into(),
                target_value: None,
                multiple: Some(2),
                due_date: "2027-12-31".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!((t.baseline_value, t.target_value), (1, 2));
        assert_eq!(t.progress.current, 2);
        assert_eq!(t.progress.pct, Some("100".parse().unwrap()));
        let bad = ladder::add_target(
            &app,
            &admin,
            &TargetInput {
                name: "".into(),
                tier: "nonsense".into(),
                baseline_date: "2024-13-01".into(),
                target_value: None,
                multiple: None,
                due_date: "2027-12-31".into(),
            },
        )
        .await
        .unwrap_err();
        let AppError::Invalid(fields) = bad else {
            panic!("{bad:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert!(
            names.contains(&"tier") && names.contains(&"name") && names.contains(&"baseline_date"),
            "{names:?}"
        );
        assert_eq!(
            ladder::targets(&app, &admin, app_today(&app))
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

fn app_today(app: &kechuang_app::App) -> NaiveDate {
    app.today()
}
