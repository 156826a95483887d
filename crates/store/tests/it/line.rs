//! The assembly line: configuration, batched results and visits, overrides, events.

use super::fixtures::add_enterprise;
use kechuang_core::line::{
    ControllerSpec, LineEventKind, LineEventRecord, LineSpec, LineStatus, Override, ReleaseKind,
    ResultFlag, StationSpec, TaskSpec, TighteningRecord, VisitRecord,
};
use kechuang_store::{LineBatch, OverrideRecord, now_us};
use kechuang_testkit::store_test;

fn spec(org: &str, tag: &str) -> LineSpec {
    let station = |n: u32| StationSpec {
        id: format!("{tag}-s{n}"),
        code: format!("st{n:02}"),
        name: format!("工位{n}"),
        tasks: vec![
            TaskSpec {
                joint: "前叉".into(),
                bolt_count: 2,
                pset: 3,
                torque_min_cnm: 4_000,
                torque_target_cnm: 4_500,
                torque_max_cnm: 5_000,
                angle_min_deg: 10,
                angle_max_deg: 90,
            },
            TaskSpec {
                joint: "发动机悬置".into(),
                bolt_count: 1,
                pset: 4,
                torque_min_cnm: 8_000,
                torque_target_cnm: 8_500,
                torque_max_cnm: 9_000,
                angle_min_deg: 20,
                angle_max_deg: 120,
            },
        ],
        controllers: vec![ControllerSpec {
            id: format!("{tag}-c{n}"),
            host: "127.0.0.1".into(),
            port: 4545,
            channel: n,
        }],
    };
    LineSpec {
        id: format!("{tag}-line"),
        org_id: org.to_string(),
        code: tag.to_string(),
        name: "摩托车总装一线".into(),
        status: LineStatus::Trial,
        stations: vec![station(1), station(2)],
    }
}

fn result(tag: &str, tid: i64, visit: Option<&str>, ok: bool) -> TighteningRecord {
    TighteningRecord {
        line_id: format!("{tag}-line"),
        station_id: format!("{tag}-s1"),
        visit_id: visit.map(str::to_string),
        vin: Some("LZSPCJLG5K1234567".into()),
        controller_id: format!("{tag}-c1"),
        tightening_id: tid,
        joint: visit.map(|_| "前叉".to_string()),
        bolt: visit.map(|_| 1),
        attempt: visit.map(|_| 1),
        pset: 3,
        torque_cnm: if ok { 4_512 } else { 3_990 },
        angle_deg: 45,
        ok,
        torque_ok: ok,
        angle_ok: true,
        at_us: 1_000 + tid,
        controller_time: "2026-11-29:10:00:00".into(),
        flag: if visit.is_none() {
            Some(ResultFlag::NoCart)
        } else {
            None
        },
    }
}

store_test!(line_config_round_trips, |store| {
    let mut db = store.begin().await.unwrap();
    let org = add_enterprise(&mut db, 801, "巴川街道", true).await;
    let l = spec(org.as_str(), "cfg");
    l.validate().unwrap();
    db.insert_line(&l, now_us()).await.unwrap();
    db.commit().await.unwrap();

    let mut r = store.read().await.unwrap();
    assert_eq!(r.line("cfg-line").await.unwrap().unwrap(), l);
    assert_eq!(r.line("cfg").await.unwrap().unwrap().id, "cfg-line");
    assert!(r.line("nope").await.unwrap().is_none());
    let all = r.lines(Some(org.as_str())).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, LineStatus::Trial);
    assert!(r.lines(Some("other")).await.unwrap().is_empty());
    drop(r);

    let mut db = store.begin().await.unwrap();
    db.update_line("cfg-line", "一线", LineStatus::Mass, now_us())
        .await
        .unwrap();
    let mut fewer = l.stations.clone();
    fewer.truncate(1);
    fewer[0].tasks.pop();
    db.replace_line_stations("cfg-line", &fewer, now_us())
        .await
        .unwrap();
    db.commit().await.unwrap();
    let got = store
        .read()
        .await
        .unwrap()
        .line("cfg-line")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((got.name.as_str(), got.status), ("一线", LineStatus::Mass));
    assert_eq!(got.stations, fewer);

    // A duplicate station code is refused by the database, nothing written.
    let mut db = store.begin().await.unwrap();
    let mut bad = spec(org.as_str(), "bad");
    bad.stations[1].code = bad.stations[0].code.clone();
    assert!(db.insert_line(&bad, now_us()).await.is_err());
    db.rollback().await.unwrap();
    assert!(
        store
            .read()
            .await
            .unwrap()
            .line("bad")
            .await
            .unwrap()
            .is_none()
    );
});

store_test!(line_batch_writes_once_and_reads_back, |store| {
    let mut db = store.begin().await.unwrap();
    let org = add_enterprise(&mut db, 802, "巴川街道", true).await;
    db.insert_line(&spec(org.as_str(), "bt"), now_us())
        .await
        .unwrap();
    db.commit().await.unwrap();

    let vin = "LZSPCJLG5K1234567";
    let mut visit = VisitRecord {
        id: "v1".into(),
        line_id: "bt-line".into(),
        station_id: "bt-s1".into(),
        vin: vin.into(),
        arrived_us: 1_000,
        released_us: None,
        release: None,
        override_by: None,
        first_pass: true,
        rework_count: 0,
    };
    let batch = LineBatch {
        results: (1..=1_200)
            .map(|t| result("bt", t, Some("v1"), t % 7 != 0))
            .chain([result("bt", 5_000, None, true)])
            .collect(),
        visits: vec![visit.clone()],
        overrides: vec![],
        events: vec![LineEventRecord {
            line_id: "bt-line".into(),
            station_id: Some("bt-s1".into()),
            kind: LineEventKind::Arrived,
            vin: Some(vin.into()),
            detail: "{}".into(),
            at_us: 1_000,
        }],
    };
    let mut db = store.begin().await.unwrap();
    assert_eq!(db.write_line_batch(&batch).await.unwrap(), 1_201);
    db.commit().await.unwrap();

    // The same results again (a controller resending after a reconnect): none new.
    let mut db = store.begin().await.unwrap();
    let again = LineBatch {
        results: batch.results[1_000..].to_vec(),
        ..LineBatch::default()
    };
    assert_eq!(db.write_line_batch(&again).await.unwrap(), 0);

    // Release by override.
    visit.released_us = Some(9_000);
    visit.release = Some(ReleaseKind::Override);
    visit.override_by = Some(Override::new("班长王", "扭矩枪校准后复检").unwrap());
    visit.first_pass = false;
    visit.rework_count = 2;
    let ov = OverrideRecord {
        id: "o1".into(),
        visit_id: "v1".into(),
        by: visit.override_by.clone().unwrap(),
        open_bolts: r#"[{"joint":"前叉","bolt":2}]"#.into(),
        at_us: 9_000,
    };
    db.write_line_batch(&LineBatch {
        visits: vec![visit.clone()],
        overrides: vec![ov.clone()],
        ..LineBatch::default()
    })
    .await
    .unwrap();
    db.commit().await.unwrap();

    let mut r = store.read().await.unwrap();
    assert_eq!(r.count_line_results("bt-line").await.unwrap(), 1_201);
    let by_vin = r.line_results_of_vin(vin).await.unwrap();
    assert_eq!(by_vin.len(), 1_201);
    assert_eq!(by_vin[0], batch.results[0]);
    assert_eq!(
        by_vin
            .iter()
            .filter(|x| x.flag == Some(ResultFlag::NoCart))
            .count(),
        1
    );
    assert_eq!(by_vin.iter().filter(|x| !x.ok).count(), 171);
    assert_eq!(
        r.line_results_between("bt-line", 1_001, 1_011)
            .await
            .unwrap()
            .len(),
        10
    );
    assert_eq!(
        r.line_visits_of_vin(vin).await.unwrap(),
        vec![visit.clone()]
    );
    assert_eq!(
        r.line_visits_between("bt-line", 0, 2_000)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(r.line_overrides_of_visit("v1").await.unwrap(), vec![ov]);
    let ev = r.line_events_recent("bt-line", 10).await.unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, LineEventKind::Arrived);
    drop(r);

    // An override without a user is refused by the database's check.
    let mut db = store.begin().await.unwrap();
    visit.override_by = None;
    assert!(db.upsert_line_visits(&[visit]).await.is_err());
    db.rollback().await.unwrap();
});
