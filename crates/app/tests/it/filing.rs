use crate::common::*;
use kechuang_app::AppError;
use kechuang_app::ops::{filing, org};
use kechuang_core::filing::FilingStatus;
use kechuang_core::role::Role;
use kechuang_testkit::store_test;
use std::collections::BTreeMap;

fn vals(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

store_test!(
    an_enterprise_files_and_the_bureau_returns_then_approves,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let reviewer = bureau(Role::BureauReviewer, None);
        let id = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let ent = enterprise_user(&id);

        let v = filing::save(
            &app,
            &ent,
            &id,
            "2024Q1",
            &vals(&[("rd_expense", "12.5"), ("employees", "30")]),
        )
        .await
        .unwrap();
        assert_eq!((v.version, v.status), (1, FilingStatus::Draft));
        let v = filing::save(
            &app,
            &ent,
            &id,
            "2024年1-3月",
            &vals(&[("rd_expense", "13"), ("employees", "30")]),
        )
        .await
        .unwrap();
        assert_eq!(v.version, 1, "a draft is edited in place");
        filing::submit(&app, &ent, &id, "2024Q1").await.unwrap();
        let err = filing::save(&app, &ent, &id, "2024Q1", &vals(&[("rd_expense", "14")]))
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Conflict(ref e) if e.code == "filing_under_review"),
            "{err:?}"
        );
        assert!(matches!(
            filing::approve(&app, &ent, &id, "2024Q1", None)
                .await
                .unwrap_err(),
            AppError::Forbidden
        ));

        assert_eq!(
            filing::review_queue(&app, &reviewer, 50)
                .await
                .unwrap()
                .len(),
            1
        );
        let r = filing::return_filing(
            &app,
            &reviewer,
            &id,
            "2024Q1",
            Some(1),
            "研发费用请附辅助账",
        )
        .await
        .unwrap();
        assert_eq!(
            (r.status, r.review_note.as_deref()),
            (FilingStatus::Returned, Some("研发费用请附辅助账"))
        );

        let v2 = filing::save(
            &app,
            &ent,
            &id,
            "2024Q1",
            &vals(&[("rd_expense", "14"), ("employees", "30")]),
        )
        .await
        .unwrap();
        assert_eq!(v2.version, 2, "a correction is a new version");
        filing::submit(&app, &ent, &id, "2024Q1").await.unwrap();
        let stale = filing::approve(&app, &reviewer, &id, "2024Q1", Some(1))
            .await
            .unwrap_err();
        assert!(matches!(stale, AppError::Conflict(ref e) if e.code == "filing_stale"));
        filing::approve(&app, &reviewer, &id, "2024Q1", Some(2))
            .await
            .unwrap();

        let versions = filing::versions(&app, &ent, &id, "2024Q1").await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(
            versions[0].values.get("rd_expense"),
            Some(13_000_000),
            "the returned values stay readable"
        );
        assert_eq!(
            versions[0].reviewed_by.as_deref(),
            Some("user:bureau_reviewer")
        );
        let p = org::profile(&app, &ent, &id).await.unwrap();
        assert_eq!(p.indicators.periods.len(), 1);
        let report = kechuang_app::ops::check::run(&app, &admin).await.unwrap();
        assert!(report.ok(), "{report:?}");
    }
);

store_test!(inconsistent_values_are_refused_field_by_field, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let id = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let err = filing::save(
        &app,
        &admin,
        &id,
        "2024Q1",
        &vals(&[
            ("employees", "10"),
            ("st_staff", "12"),
            ("rd_expense", "abc"),
            ("ip_class1", "-1"),
        ]),
    )
    .await
    .unwrap_err();
    let AppError::Invalid(errors) = err else {
        panic!("{err:?}")
    };
    let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        got,
        [
            ("rd_expense", "number_invalid"),
            ("ip_class1", "value_negative")
        ]
    );
    let err = filing::save(
        &app,
        &admin,
        &id,
        "2024Q1",
        &vals(&[("employees", "10"), ("st_staff", "12")]),
    )
    .await
    .unwrap_err();
    let AppError::Invalid(errors) = err else {
        panic!()
    };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code),
        ("st_staff", "exceeds_whole")
    );
    assert!(matches!(
        filing::save(&app, &admin, &id, "2024Q5", &vals(&[("employees", "1")]))
            .await
            .unwrap_err(),
        AppError::Invalid(_)
    ));
});

store_test!(
    an_enterprise_cannot_touch_another_enterprises_filings,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let b = org::create(&app, &admin, &enterprise_input(2, "巴川街道"))
            .await
            .unwrap();
        filing::save(&app, &admin, &b, "2024Q1", &vals(&[("employees", "5")]))
            .await
            .unwrap();
        let ent = enterprise_user(&a);
        assert!(matches!(
            filing::save(&app, &ent, &b, "2024Q1", &vals(&[("employees", "1")]))
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            filing::versions(&app, &ent, &b, "2024Q1")
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            filing::submit(&app, &ent, &b, "2024Q1").await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            filing::list_for_org(&app, &ent, &b).await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            filing::review_queue(&app, &ent, 10).await.unwrap_err(),
            AppError::Forbidden
        ));
    }
);
