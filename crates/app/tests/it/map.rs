//! The district geography (upload, versions, checks) and the map's points
//! (public layer, bureau values, town scope) on both backends.

use crate::common::*;
use kechuang_app::AppError;
use kechuang_app::ops::map::PointsQuery;
use kechuang_app::ops::{geo, map, org};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;
use serde_json::{Value, json};

fn square(x0: f64, y0: f64, s: f64) -> Value {
    json!([[
        [x0, y0],
        [x0 + s, y0],
        [x0 + s, y0 + s],
        [x0, y0 + s],
        [x0, y0]
    ]])
}

fn upload_bytes() -> Vec<u8> {
    serde_json::to_vec(&json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "测试区", "code": "500199", "level": "district"},
         "geometry": {"type": "Polygon", "coordinates": square(106.0, 29.8, 0.2)}},
        {"type": "Feature", "properties": {"name": "巴川街道", "code": "500199001", "level": "town"},
         "geometry": {"type": "Polygon", "coordinates": square(106.0, 29.8, 0.1)}},
        {"type": "Feature", "properties": {"name": "东城街道", "code": "500199002", "level": "town"},
         "geometry": {"type": "Polygon", "coordinates": square(106.1, 29.8, 0.1)}},
    ]}))
    .unwrap()
}

fn placed(n: u32, town: &str, lon: &str, lat: &str) -> org::OrgInput {
    let mut i = enterprise_input(n, town);
    i.longitude = lon.into();
    i.latitude = lat.into();
    i
}

store_test!(
    uploads_are_checked_versioned_and_only_for_administrators,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let reviewer = bureau(Role::BureauReviewer, None);
        assert!(geo::current_geojson(&app).await.unwrap().is_none());
        assert!(matches!(
            geo::upload(&app, &reviewer, &upload_bytes(), None, None).await,
            Err(AppError::Forbidden)
        ));
        // A bow tie: refused, naming the feature; nothing stored.
        let mut bad: Value = serde_json::from_slice(&upload_bytes()).unwrap();
        bad["features"][1]["geometry"]["coordinates"] = json!([[
            [106.0, 29.8],
            [106.1, 29.9],
            [106.1, 29.8],
            [106.0, 29.9],
            [106.0, 29.8]
        ]]);
        let err = geo::upload(
            &app,
            &admin,
            &serde_json::to_vec(&bad).unwrap(),
            Some("wgs84"),
            None,
        )
        .await
        .unwrap_err();
        let AppError::Invalid(f) = err else {
            panic!("{err:?}")
        };
        assert_eq!(f[0].code, "geo_self_intersection");
        assert!(f[0].message().contains("巴川街道"), "{}", f[0].message());
        assert!(geo::versions(&app, &admin).await.unwrap().is_empty());
        // An unknown datum is refused too.
        let err = geo::upload(&app, &admin, &upload_bytes(), Some("bd09"), None)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(ref f) if f[0].code == "geo_datum_unknown"));

        let v1 = geo::upload(
            &app,
            &admin,
            &upload_bytes(),
            Some("wgs84"),
            Some("a.geojson"),
        )
        .await
        .unwrap();
        assert_eq!(v1.version.version, 1);
        assert_eq!(v1.towns.len(), 2);
        let v2 = geo::upload(
            &app,
            &admin,
            &upload_bytes(),
            Some("gcj02"),
            Some("b.geojson"),
        )
        .await
        .unwrap();
        assert_eq!(v2.version.version, 2);
        let versions = geo::versions(&app, &admin).await.unwrap();
        assert_eq!(versions.len(), 2, "the old version is kept");
        assert_eq!(versions[0].datum_declared, "gcj02");
        let g = geo::current_geojson(&app).await.unwrap().unwrap();
        assert_eq!(g["properties"]["version"], 2);
        // Stored in WGS-84: the GCJ-02 corner moved by the datum shift.
        let x = g["features"][1]["geometry"]["coordinates"][0][0][0][0]
            .as_f64()
            .unwrap();
        assert!((x - 106.0).abs() > 0.001 && (x - 106.0).abs() < 0.01, "{x}");
    }
);

store_test!(
    coordinates_must_lie_in_the_claimed_town_and_the_map_respects_scope,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        geo::upload(&app, &admin, &upload_bytes(), Some("wgs84"), None)
            .await
            .unwrap();
        // A point in 东城 claimed for 巴川: refused, nothing written.
        let err = org::create(&app, &admin, &placed(1, "巴川街道", "106.15", "29.85"))
            .await
            .unwrap_err();
        let AppError::Invalid(f) = err else {
            panic!("{err:?}")
        };
        assert_eq!(f[0].code, "geo_org_outside_town");
        assert_eq!(f[0].param("found"), Some("东城街道"));
        assert_eq!(
            store
                .read()
                .await
                .unwrap()
                .count_organisations()
                .await
                .unwrap(),
            0
        );
        let a = org::create(&app, &admin, &placed(1, "巴川街道", "106.05", "29.85"))
            .await
            .unwrap();
        org::create(&app, &admin, &placed(2, "东城街道", "106.15", "29.85"))
            .await
            .unwrap();
        assert!(geo::misplaced(&app, &admin).await.unwrap().is_empty());

        let q = PointsQuery {
            measure: "rd_expense".into(),
            ..Default::default()
        };
        let all = map::points(&app, Some(&admin), &q).await.unwrap();
        assert_eq!(all.lat.len(), 2);
        assert!(!all.public);
        assert!(all.value.is_some());
        assert_eq!(all.measure.as_ref().unwrap().code, "rd_expense");

        let scoped = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
        let mine = map::points(&app, Some(&scoped), &q).await.unwrap();
        assert_eq!(mine.lat.len(), 1);
        assert_eq!(mine.towns, vec!["巴川街道".to_string()]);
        assert_eq!(mine.orgs, vec![a.as_str().to_string()]);

        let public = map::points(&app, None, &q).await.unwrap();
        assert!(public.public);
        assert_eq!(public.lat.len(), 2);
        assert!(public.value.is_none() && public.measure.is_none());
        let firm = map::points(&app, Some(&enterprise_user(&a)), &q)
            .await
            .unwrap();
        assert!(firm.public && firm.value.is_none());

        let err = map::points(
            &app,
            None,
            &PointsQuery {
                layer: "banks".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Invalid(ref f) if f[0].field == "layer"));
    }
);

fn decode(enc: &map::EncodedPoints) -> Value {
    serde_json::from_slice(&enc.json().unwrap()).unwrap()
}

store_test!(
    cached_points_follow_every_write_and_keep_audiences_apart,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let q = PointsQuery {
            measure: "rd_expense".into(),
            ..Default::default()
        };
        let a = org::create(&app, &admin, &placed(1, "巴川街道", "106.05", "29.85"))
            .await
            .unwrap();
        let first = map::points_encoded(&app, Some(&admin), &q).await.unwrap();
        assert_eq!(first.points, 1);
        assert_eq!(decode(&first)["tier"], json!([-1]));
        // Unchanged data: the same cached payload.
        let again = map::points_encoded(&app, Some(&admin), &q).await.unwrap();
        assert!(
            std::sync::Arc::ptr_eq(&first, &again),
            "served from the cache"
        );
        assert_eq!(app.map_cache.len(), 1);

        // A new enterprise is on the next request.
        let b = org::create(&app, &admin, &placed(2, "东城街道", "106.15", "29.85"))
            .await
            .unwrap();
        let second = map::points_encoded(&app, Some(&admin), &q).await.unwrap();
        assert!(
            second.version > first.version,
            "the write raised the version"
        );
        assert_eq!(second.points, 2);

        // A tier change is on the next request.
        kechuang_app::ops::qualification::add(
            &app,
            &admin,
            &a,
            &kechuang_app::ops::qualification::QualificationInput {
                kind: "high_tech".into(),
                number: "GR2023000001".into(),
                // Within the tier's validity today.
                recognized_on: (chrono::Utc::now() - chrono::Duration::days(30))
                    .format("%Y-%m-%d")
                    .to_string(),
                valid_until: "".into(),
            },
        )
        .await
        .unwrap();
        let third = decode(&map::points_encoded(&app, Some(&admin), &q).await.unwrap());
        let at = third["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .position(|o| o == a.as_str())
            .unwrap();
        let tiers = third["tiers"].as_array().unwrap();
        let row = third["org"]
            .as_array()
            .unwrap()
            .iter()
            .position(|o| o.as_u64() == Some(at as u64))
            .unwrap();
        let tier = third["tier"][row].as_i64().unwrap();
        assert_eq!(tiers[tier as usize]["code"], "high_tech");

        // A moved enterprise (an edit) is on the next request.
        let mut moved = placed(2, "东城街道", "106.16", "29.86");
        moved.name = "重庆改名科技有限公司".into();
        org::update(&app, &admin, &b, &moved).await.unwrap();
        let fourth = decode(&map::points_encoded(&app, Some(&admin), &q).await.unwrap());
        assert!(
            fourth["name"]
                .as_array()
                .unwrap()
                .contains(&json!("重庆改名科技有限公司")),
            "{}",
            fourth["name"]
        );

        // Audiences never share a payload: the public gets no values, a scoped
        // officer only their towns, whatever is cached for the whole district.
        let public = decode(&map::points_encoded(&app, None, &q).await.unwrap());
        assert_eq!(public["public"], true);
        assert!(public.get("value").is_none() && public["measure"].is_null());
        assert_eq!(public["lat"].as_array().unwrap().len(), 2);
        let scoped = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
        let mine = decode(&map::points_encoded(&app, Some(&scoped), &q).await.unwrap());
        assert_eq!(mine["towns"], json!(["巴川街道"]));
        assert_eq!(mine["orgs"], json!([a.as_str()]));
        assert!(mine.get("value").is_some());
        // GCJ-02 points differ from WGS-84 ones.
        let gcj = decode(
            &map::points_encoded(
                &app,
                None,
                &PointsQuery {
                    datum: "gcj02".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap(),
        );
        assert_eq!(gcj["datum"], "gcj02");
        assert_ne!(gcj["lon"], public["lon"]);
        // Bad input is refused before the cache is consulted.
        let err = map::points_encoded(
            &app,
            None,
            &PointsQuery {
                layer: "banks".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, AppError::Invalid(ref f) if f[0].field == "layer"));
    }
);

store_test!(boundaries_are_served_in_the_tiles_datum, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    assert!(
        geo::current_geojson_in(&app, kechuang_core::geo_datum::Datum::Gcj02)
            .await
            .unwrap()
            .is_none()
    );
    geo::upload(&app, &admin, &upload_bytes(), Some("wgs84"), None)
        .await
        .unwrap();
    let g = geo::current_geojson_in(&app, kechuang_core::geo_datum::Datum::Gcj02)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g["properties"]["datum"], "gcj02");
    // Stored as a MultiPolygon: polygon, ring, position.
    let corner = &g["features"][1]["geometry"]["coordinates"][0][0][0];
    let (x, y) = kechuang_core::geo_datum::convert(
        kechuang_core::geo_datum::Datum::Wgs84,
        kechuang_core::geo_datum::Datum::Gcj02,
        106.0,
        29.8,
    );
    assert!((corner[0].as_f64().unwrap() - x).abs() < 1e-6, "{corner}");
    assert!((corner[1].as_f64().unwrap() - y).abs() < 1e-6, "{corner}");
    assert!((x - 106.0).abs() > 0.001, "the shift is real");
});
