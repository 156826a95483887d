use crate::common::*;
use kechuang_app::AppError;
use kechuang_app::ops::org::{self, ListQuery};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

store_test!(
    a_wrong_check_character_is_refused_with_a_clear_message,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let mut input = enterprise_input(1, "巴川街道");
        input.credit_code.pop();
        input
            .credit_code
            .push(if code(1).ends_with('0') { '1' } else { '0' });
        let err = org::create(&app, &admin, &input).await.unwrap_err();
        let AppError::Invalid(fields) = err else {
            panic!("{err:?}")
        };
        assert_eq!(fields[0].code, "credit_code_check_char");
        assert!(
            fields[0].message().contains("校验位错误"),
            "{}",
            fields[0].message()
        );
        assert_eq!(
            store
                .read()
                .await
                .unwrap()
                .count_organisations()
                .await
                .unwrap(),
            0,
            "nothing written"
        );
    }
);

store_test!(
    updates_record_each_changed_field_in_the_event_log,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let id = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let mut changed = enterprise_input(1, "东城街道");
        changed.above_scale = "否".into();
        org::update(&app, &admin, &id, &changed).await.unwrap();
        org::update(&app, &admin, &id, &changed).await.unwrap();
        let p = org::profile(&app, &admin, &id).await.unwrap();
        assert_eq!(
            p.history.len(),
            2,
            "an update that changes nothing writes nothing"
        );
        let payload: serde_json::Value = serde_json::from_str(&p.history[0].payload).unwrap();
        assert_eq!(
            payload["changes"]["town"],
            serde_json::json!(["巴川街道", "东城街道"])
        );
        assert_eq!(
            payload["changes"]["above_scale"],
            serde_json::json!(["是", "否"])
        );
        let (towns, _) = org::lists(&app).await.unwrap();
        assert!(towns.contains(&"东城街道".to_string()));
    }
);

store_test!(
    enterprises_and_town_scoped_staff_see_only_their_part,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let b = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
            .await
            .unwrap();
        let q = ListQuery::default();

        let ent = enterprise_user(&a);
        let page = org::list(&app, &ent, &q).await.unwrap();
        assert_eq!(
            page.items
                .iter()
                .map(|i| i.record.id.clone())
                .collect::<Vec<_>>(),
            vec![a.clone()]
        );
        assert!(matches!(
            org::profile(&app, &ent, &b).await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            org::create(&app, &ent, &enterprise_input(3, "x"))
                .await
                .unwrap_err(),
            AppError::Forbidden
        ));

        let town = bureau(Role::BureauReviewer, Some(vec!["东城街道"]));
        assert_eq!(org::list(&app, &town, &q).await.unwrap().total, 1);
        assert!(org::profile(&app, &town, &b).await.is_ok());
        assert!(matches!(
            org::profile(&app, &town, &a).await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            org::update(&app, &town, &a, &enterprise_input(1, "东城街道"))
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
    }
);
