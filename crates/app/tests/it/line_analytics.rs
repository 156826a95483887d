//! Line analytics: the demo line's recorded first-pass yield, the rollups against a
//! direct count of the raw visits and results, the VIN trace, bad input and
//! visibility, on both backends.

use crate::common::*;
use kechuang_app::demo::line as demo_line;
use kechuang_app::ops::line::analytics::{HOUR_US, Period};
use kechuang_app::{Actor, AppError};
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;
use kechuang_store::Store;
use kechuang_testkit::store_test;
use std::collections::{BTreeMap, HashMap};

async fn firm(store: &Store, n: u32) -> OrgId {
    stored_enterprise(store, n, format!("摩托车测试{n}有限公司")).await
}

fn engineer(org: &OrgId) -> Actor {
    Actor {
        user_id: Some(UserId("u-eng".into())),
        username: "eng".into(),
        display_name: "工程师".into(),
        role: Role::LineEngineer,
        org_id: Some(org.clone()),
        towns: None,
    }
}

store_test!(
    demo_line_fpy_is_near_95_and_rollups_equal_a_direct_count,
    |store| {
        let app = app(&store);
        let org = firm(&store, 11).await;
        let now = app.now();
        let mut tx = store.begin().await.unwrap();
        let written = demo_line::write(&mut tx, 2023, &org, now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(written.vehicles, 240 * demo_line::DAYS as u64);

        let actor = engineer(&org);
        let today = kechuang_core::date::china_date_of(now);
        let period = Period::Range(today - chrono::Duration::days(10), today);
        let a = app
            .line_analytics(&actor, demo_line::LINE_CODE, period, None)
            .await
            .unwrap();
        assert_eq!(a.vehicles, written.vehicles, "every vehicle completed");
        let fpy = a.line_fpy_pct.unwrap();
        assert!((93.0..=97.0).contains(&fpy), "demo line FPY {fpy}");

        // Direct count over the raw visits.
        let mut db = store.read().await.unwrap();
        let visits = db
            .line_visits_between(&a.line_id, 0, i64::MAX)
            .await
            .unwrap();
        let mut by_vin: HashMap<&str, bool> = HashMap::new();
        let mut by_station: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
        for v in &visits {
            *by_vin.entry(v.vin.as_str()).or_insert(true) &= v.first_pass;
            let e = by_station.entry(v.station_id.as_str()).or_default();
            e.0 += 1;
            e.1 += u64::from(v.first_pass);
            e.2 += u64::from(v.rework_count);
        }
        let fp = by_vin.values().filter(|x| **x).count() as u64;
        assert_eq!(a.vehicles_first_pass, fp);
        assert_eq!(a.line_fpy.num, fp);
        assert_eq!(a.line_fpy.den, by_vin.len() as u64);
        for s in &a.stations {
            let d = by_station[s.station_id.as_str()];
            assert_eq!((s.visits, s.first_pass, s.rework), d, "station {}", s.name);
        }
        // joints: results and first-attempt OK against the raw results
        let results = db
            .line_results_between(&a.line_id, 0, i64::MAX)
            .await
            .unwrap();
        for j in &a.joints {
            let mine: Vec<_> = results
                .iter()
                .filter(|r| r.station_id == j.station_id && r.joint.as_deref() == Some(&j.joint))
                .collect();
            assert_eq!(j.results, mine.len() as u64);
            assert_eq!(j.ok, mine.iter().filter(|r| r.ok).count() as u64);
            assert!(j.subgroups > 0);
            assert!(j.cpk.is_some());
        }
        let nok = results.iter().filter(|r| !r.ok).count() as u64;
        let nok_reasons: u64 = a
            .reasons
            .iter()
            .filter(|r| !r.1.starts_with("主管放行"))
            .map(|r| r.2)
            .sum();
        assert_eq!(nok_reasons, nok);
        assert!(a.bottleneck.is_some());
        let spc = a.spc.clone().expect("an X̄-R chart");
        assert!(spc.lcl <= spc.center && spc.center <= spc.ucl);
        drop(db);

        // recomputing every hour gives the same figures
        let spec = app.line_config(&actor, demo_line::LINE_CODE).await.unwrap();
        app.line_rollup_catch_up(&spec, Some(0)).await.unwrap();
        let again = app
            .line_analytics(&actor, demo_line::LINE_CODE, period, None)
            .await
            .unwrap();
        assert_eq!(again.line_fpy, a.line_fpy);
        assert_eq!(again.stations, a.stations);

        // a shift holds fewer vehicles than the range, and a day with no data is empty
        let last_day = app
            .line_latest_day(&actor, demo_line::LINE_CODE)
            .await
            .unwrap()
            .unwrap();
        let shift = app
            .line_analytics(
                &actor,
                demo_line::LINE_CODE,
                Period::Shift(last_day, true),
                None,
            )
            .await
            .unwrap();
        assert!(
            shift.vehicles > 200 && shift.vehicles < a.vehicles,
            "{}",
            shift.vehicles
        );
        let empty = app
            .line_analytics(
                &actor,
                demo_line::LINE_CODE,
                Period::Day(today + chrono::Duration::days(3)),
                None,
            )
            .await
            .unwrap();
        assert_eq!(empty.vehicles, 0);
        assert_eq!(empty.line_fpy_pct, None);

        // VIN trace: a reworked vehicle shows its second attempt
        let reworked = visits.iter().find(|v| v.rework_count > 0).unwrap();
        let t = app
            .line_vin_trace(&actor, demo_line::LINE_CODE, &reworked.vin)
            .await
            .unwrap();
        assert!(!t.first_pass);
        assert!(t.screws.iter().any(|s| s.attempt == Some(2) && s.ok));
        assert!(t.screws.iter().any(|s| !s.ok));
        assert_eq!(t.visits.len(), 6);

        // bad input names the field; other firms see nothing
        let bad = app
            .line_vin_trace(&actor, demo_line::LINE_CODE, "LMCTL1A2O00000001")
            .await
            .unwrap_err();
        assert!(
            matches!(&bad, AppError::Invalid(e) if e[0].field == "vin" && e[0].code == "vin_character")
        );
        let unknown = app
            .line_vin_trace(&actor, demo_line::LINE_CODE, "LMCTL1A2999999999")
            .await
            .unwrap_err();
        assert!(matches!(&unknown, AppError::Invalid(e) if e[0].code == "not_found"));
        let other = firm(&store, 12).await;
        let err = app
            .line_analytics(&engineer(&other), demo_line::LINE_CODE, period, None)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound));
        let err = app
            .line_analytics(
                &bureau(Role::BureauReviewer, None),
                demo_line::LINE_CODE,
                period,
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound));
        let xlsx = app
            .line_analytics_xlsx(&actor, demo_line::LINE_CODE, Period::Day(last_day), None)
            .await
            .unwrap();
        assert_eq!(&xlsx[..2], b"PK");
        let _ = HOUR_US;
    }
);

#[test]
fn periods_parse_and_name_the_bad_field() {
    let e = Period::parse("range", None, None, Some("2026-03-02"), Some("2026-03-01")).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("to", "before_start"));
    let e = Period::parse("range", None, None, Some("2026-01-01"), Some("2026-06-01")).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("to", "out_of_range"));
    let e = Period::parse("day", Some("2026-02-30"), None, None, None).unwrap_err();
    assert_eq!(e.field, "date");
    let e = Period::parse("week", None, None, None, None).unwrap_err();
    assert_eq!(e.field, "period");
    let e = Period::parse("shift", Some("2026-03-01"), Some("noon"), None, None).unwrap_err();
    assert_eq!(e.field, "shift");
    let p = Period::parse("shift", Some("2026-03-01"), Some("night"), None, None).unwrap();
    let (a, b) = p.bounds();
    assert_eq!(b - a, 12 * HOUR_US);
    // 2026-03-01 20:00 China time = 12:00 UTC
    assert_eq!(a, 1_772_366_400_000_000);
}
