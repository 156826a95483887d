//! Line configuration editing, batches and the rollup catch-up by row sequence, on
//! both backends.

use crate::common::*;
use kechuang_app::demo::line as demo_line;
use kechuang_app::ops::line::analytics::{HOUR_US, Period};
use kechuang_app::ops::line::batch::{NewBatch, close_batch, create_batch};
use kechuang_app::ops::line::config::{error_zh, update_line_config};
use kechuang_app::{Actor, AppError};
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::line::{
    ControllerSpec, LineSpec, LineStatus, StationSpec, TaskSpec, TighteningRecord, VisitRecord,
};
use kechuang_core::role::Role;
use kechuang_store::{LineBatch, Store};
use kechuang_testkit::store_test;

async fn firm(store: &Store, n: u32) -> OrgId {
    stored_enterprise(store, n, format!("摩托车配置{n}有限公司")).await
}

fn person(org: &OrgId, role: Role) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{}", role.code()))),
        username: role.code().into(),
        display_name: "线体".into(),
        role,
        org_id: Some(org.clone()),
        towns: None,
    }
}

fn task(joint: &str, bolts: u32, nm: i64) -> TaskSpec {
    TaskSpec {
        joint: joint.into(),
        bolt_count: bolts,
        pset: 1,
        torque_min_cnm: nm * 90,
        torque_target_cnm: nm * 100,
        torque_max_cnm: nm * 110,
        angle_min_deg: 20,
        angle_max_deg: 360,
    }
}

fn station(code: &str, name: &str, joint: &str, port: u16) -> StationSpec {
    StationSpec {
        id: String::new(),
        code: code.into(),
        name: name.into(),
        tasks: vec![task(joint, 2, 30)],
        controllers: vec![ControllerSpec {
            id: String::new(),
            host: "10.0.0.1".into(),
            port,
            channel: 1,
        }],
    }
}

fn line_spec(org: &OrgId, code: &str, port: u16) -> LineSpec {
    LineSpec {
        id: String::new(),
        org_id: org.to_string(),
        code: code.into(),
        name: "配置测试线".into(),
        status: LineStatus::Trial,
        stations: vec![
            station("st01", "车架上线", "定位螺栓", port),
            station("st02", "前叉装配", "前轴螺母", port + 1),
        ],
    }
}

/// One released visit of `vin` at `station` with `n` OK results at `at`.
fn visit_batch(
    line: &LineSpec,
    station: usize,
    vin: &str,
    at: i64,
    first_id: i64,
    n: i64,
) -> LineBatch {
    let s = &line.stations[station];
    let visit_id = kechuang_store::new_id();
    LineBatch {
        visits: vec![VisitRecord {
            id: visit_id.clone(),
            line_id: line.id.clone(),
            station_id: s.id.clone(),
            vin: vin.into(),
            arrived_us: at,
            released_us: Some(at + 30_000_000),
            release: Some(kechuang_core::line::ReleaseKind::Ok),
            override_by: None,
            first_pass: true,
            rework_count: 0,
        }],
        results: (0..n)
            .map(|k| {
                result(
                    line,
                    station,
                    Some(&visit_id),
                    vin,
                    first_id + k,
                    at + 1_000_000 * (k + 1),
                )
            })
            .collect(),
        ..Default::default()
    }
}

fn result(
    line: &LineSpec,
    station: usize,
    visit: Option<&str>,
    vin: &str,
    id: i64,
    at: i64,
) -> TighteningRecord {
    let s = &line.stations[station];
    TighteningRecord {
        line_id: line.id.clone(),
        station_id: s.id.clone(),
        visit_id: visit.map(str::to_string),
        vin: Some(vin.into()),
        controller_id: s.controllers[0].id.clone(),
        tightening_id: id,
        joint: Some(s.tasks[0].joint.clone()),
        bolt: Some(1),
        attempt: Some(1),
        pset: 1,
        torque_cnm: 3000,
        angle_deg: 90,
        ok: true,
        torque_ok: true,
        angle_ok: true,
        at_us: at,
        controller_time: "2026-11-28:08:00:00".into(),
        flag: None,
    }
}

store_test!(
    a_line_engineer_edits_the_configuration_and_history_is_kept,
    |store| {
        let app = app(&store);
        let org = firm(&store, 31).await;
        let eng = person(&org, Role::LineEngineer);
        let id = kechuang_app::ops::line::create_line(&app, &eng, &line_spec(&org, "cfg-1", 6000))
            .await
            .unwrap();
        let before = app.line_config(&eng, &id).await.unwrap();
        // history at station 1 (one visit, two results)
        let now = app.now();
        let mut tx = store.begin().await.unwrap();
        tx.write_line_batch(&visit_batch(
            &before,
            0,
            "LKC0001SM00000001",
            now - HOUR_US,
            1,
            2,
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // reorder, rename, retune, move a controller, add a station with a task and a controller
        let mut edit = before.clone();
        edit.name = "配置测试线（改）".into();
        edit.status = LineStatus::Mass;
        edit.stations.swap(0, 1);
        edit.stations[1].tasks[0].torque_max_cnm = 3400;
        edit.stations[1].tasks.push(task("副螺栓", 1, 20));
        edit.stations[0].controllers[0].port = 6100;
        let mut st3 = station("st03", "发动机吊装", "悬置螺栓", 6002);
        st3.tasks.push(task("悬置螺母", 3, 70));
        edit.stations.push(st3);
        let saved = update_line_config(&app, &eng, "cfg-1", &edit)
            .await
            .unwrap();
        assert_eq!(saved.name, "配置测试线（改）");
        assert_eq!(saved.status, LineStatus::Mass);
        let codes: Vec<&str> = saved.stations.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["st02", "st01", "st03"]);
        assert_eq!(
            saved.stations[1].id, before.stations[0].id,
            "the station keeps its id"
        );
        assert_eq!(saved.stations[1].tasks[0].torque_max_cnm, 3400);
        assert_eq!(saved.stations[1].tasks.len(), 2);
        assert_eq!(saved.stations[0].controllers[0].port, 6100);
        assert_eq!(
            saved.stations[0].controllers[0].id,
            before.stations[1].controllers[0].id
        );
        assert_eq!(saved.stations[2].tasks.len(), 2);
        assert!(!saved.stations[2].id.is_empty());
        // the recorded visit still names its station
        let t = app
            .line_vin_trace(&eng, "cfg-1", "LKC0001SM00000001")
            .await
            .unwrap();
        assert_eq!(t.visits[0].station, "车架上线");
        assert_eq!(t.screws.len(), 2);

        // bad input names the field and changes nothing
        let mut bad = saved.clone();
        bad.stations[2].tasks[1].torque_min_cnm = 99_999;
        let e = update_line_config(&app, &eng, "cfg-1", &bad)
            .await
            .unwrap_err();
        match &e {
            AppError::Invalid(errs) => {
                assert_eq!(errs[0].field, "stations[2].tasks[1].torque_window");
                assert_eq!(
                    error_zh(&errs[0]),
                    "第3个工位 · 拧紧任务2 · 扭矩窗口：应满足 下限 ≤ 目标 ≤ 上限，且不小于0"
                );
            }
            other => panic!("{other:?}"),
        }
        let mut dup = saved.clone();
        dup.stations[2].code = "st01".into();
        let e = update_line_config(&app, &eng, "cfg-1", &dup)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(x) if x[0].field == "stations[2].code" && x[0].code == "duplicate"),
            "{e:?}"
        );
        // removing what has history is refused, saying why
        let mut gone = saved.clone();
        gone.stations.remove(1);
        let e = update_line_config(&app, &eng, "cfg-1", &gone)
            .await
            .unwrap_err();
        match &e {
            AppError::Invalid(x) => {
                assert_eq!(x[0].code, "station_has_history");
                assert!(error_zh(&x[0]).contains("车架上线"), "{}", error_zh(&x[0]));
            }
            other => panic!("{other:?}"),
        }
        let mut no_joint = saved.clone();
        no_joint.stations[1].tasks.remove(0);
        let e = update_line_config(&app, &eng, "cfg-1", &no_joint)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(x) if x[0].code == "joint_has_results" && x[0].field == "stations[1].tasks"),
            "{e:?}"
        );
        let mut no_ctl = saved.clone();
        no_ctl.stations[1].controllers.clear();
        let e = update_line_config(&app, &eng, "cfg-1", &no_ctl)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(x) if x[0].code == "controller_has_results"),
            "{e:?}"
        );
        let mut code = saved.clone();
        code.code = "cfg-2".into();
        let e = update_line_config(&app, &eng, "cfg-1", &code)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(x) if x[0].field == "code"),
            "{e:?}"
        );
        assert_eq!(
            app.line_config(&eng, "cfg-1").await.unwrap(),
            saved,
            "nothing changed"
        );

        // a station without history can go; the rest stays in order
        let mut drop3 = saved.clone();
        drop3.stations.remove(2);
        let after = update_line_config(&app, &eng, "cfg-1", &drop3)
            .await
            .unwrap();
        assert_eq!(after.stations.len(), 2);

        // operators may not edit; another firm does not see the line
        let op = person(&org, Role::LineOperator);
        assert!(matches!(
            update_line_config(&app, &op, "cfg-1", &after).await,
            Err(AppError::Forbidden)
        ));
        let other = firm(&store, 32).await;
        let stranger = person(&other, Role::LineEngineer);
        assert!(matches!(
            update_line_config(&app, &stranger, "cfg-1", &after).await,
            Err(AppError::NotFound)
        ));
    }
);

store_test!(batches_of_the_demo_line_and_new_ones, |store| {
    let app = app(&store);
    let org = firm(&store, 33).await;
    let now = app.now();
    let mut tx = store.begin().await.unwrap();
    let written = demo_line::write(&mut tx, 2023, &org, now).await.unwrap();
    tx.commit().await.unwrap();
    let eng = person(&org, Role::LineEngineer);
    let batches = app.line_batches(&eng, demo_line::LINE_CODE).await.unwrap();
    assert_eq!(batches.len(), demo_line::DAYS as usize);
    assert!(batches.iter().all(|b| !b.open));
    let per_day = written.vehicles / demo_line::DAYS as u64;
    // the oldest batch holds that day's vehicles, as the day's analytics do
    let first = batches.last().unwrap();
    let ba = app
        .line_batch_analytics(&eng, demo_line::LINE_CODE, &first.id, None)
        .await
        .unwrap();
    assert_eq!(ba.analytics.vehicles, per_day);
    assert!(ba.analytics.period.contains(&first.code));
    let day = kechuang_core::date::china_date_of(first.started_us);
    let d = app
        .line_analytics(&eng, demo_line::LINE_CODE, Period::Day(day), None)
        .await
        .unwrap();
    assert_eq!(d.vehicles, ba.analytics.vehicles);
    assert_eq!(d.line_fpy, ba.analytics.line_fpy);
    let xlsx = app
        .line_batch_xlsx(&eng, demo_line::LINE_CODE, &first.code, None)
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK");

    // a new batch: bad input names the field and stores nothing
    let nb = |code: &str, qty: i64| NewBatch {
        code: code.into(),
        planned_qty: qty,
        ..Default::default()
    };
    let e = create_batch(&app, &eng, demo_line::LINE_CODE, &nb("TP-X", 0))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(x) if x[0].field == "planned_qty"),
        "{e:?}"
    );
    let e = create_batch(
        &app,
        &eng,
        demo_line::LINE_CODE,
        &NewBatch {
            started_at: "2026-13-01 08:00".into(),
            ..nb("TP-X", 10)
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(x) if x[0].field == "started_at"),
        "{e:?}"
    );
    let e = create_batch(&app, &eng, demo_line::LINE_CODE, &nb(&first.code, 10))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(x) if x[0].code == "duplicate"),
        "{e:?}"
    );
    assert_eq!(
        app.line_batches(&eng, demo_line::LINE_CODE)
            .await
            .unwrap()
            .len(),
        batches.len()
    );
    let open = create_batch(&app, &eng, demo_line::LINE_CODE, &nb("TP-X", 50))
        .await
        .unwrap();
    assert!(open.open);
    let e = create_batch(&app, &eng, demo_line::LINE_CODE, &nb("TP-Y", 50))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(x) if x[0].code == "batch_open"),
        "{e:?}"
    );
    let op = person(&org, Role::LineOperator);
    assert!(matches!(
        close_batch(&app, &op, demo_line::LINE_CODE, &open.id, None).await,
        Err(AppError::Forbidden)
    ));
    let closed = close_batch(&app, &eng, demo_line::LINE_CODE, &open.id, None)
        .await
        .unwrap();
    assert!(!closed.open);
    let e = close_batch(&app, &eng, demo_line::LINE_CODE, &open.id, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(x) if x[0].code == "already_closed"),
        "{e:?}"
    );
    let other = firm(&store, 34).await;
    let stranger = person(&other, Role::LineEngineer);
    assert!(matches!(
        app.line_batches(&stranger, demo_line::LINE_CODE).await,
        Err(AppError::NotFound)
    ));
});

store_test!(
    the_catch_up_picks_up_a_row_written_late_with_an_old_timestamp,
    |store| {
        let app = app(&store);
        let org = firm(&store, 35).await;
        let eng = person(&org, Role::LineEngineer);
        let id = kechuang_app::ops::line::create_line(&app, &eng, &line_spec(&org, "seq-1", 6200))
            .await
            .unwrap();
        let spec = app.line_config(&eng, &id).await.unwrap();
        // three hours ago: a vehicle through both stations
        let now = app.now();
        let at = now - 3 * HOUR_US;
        let mut tx = store.begin().await.unwrap();
        tx.write_line_batch(&visit_batch(&spec, 0, "LKC0001SM00000002", at, 1, 2))
            .await
            .unwrap();
        tx.write_line_batch(&visit_batch(
            &spec,
            1,
            "LKC0001SM00000002",
            at + 60_000_000,
            1,
            2,
        ))
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let first = app.line_rollup_catch_up(&spec, None).await.unwrap();
        assert_eq!(first.results, 4);
        let joint_results = |a: &kechuang_app::ops::line::analytics::LineAnalytics| {
            a.joints.iter().map(|j| j.results).sum::<u64>()
        };
        let period = Period::Window(
            kechuang_app::ops::line::analytics::hour_of(at),
            kechuang_app::ops::line::analytics::hour_of(at) + 2 * HOUR_US,
        );
        let a = app
            .line_analytics(&eng, "seq-1", period, None)
            .await
            .unwrap();
        assert_eq!(joint_results(&a), 4);
        assert_eq!(a.vehicles, 1);
        // nothing new: nothing recomputed
        let idle = app.line_rollup_catch_up(&spec, None).await.unwrap();
        assert_eq!(idle.hours, 0);
        // a result stamped three hours ago arrives now (a controller's backlog): a time
        // mark of "now minus a lag" would never look at its hour again
        let mut tx = store.begin().await.unwrap();
        tx.write_line_batch(&LineBatch {
            results: vec![result(
                &spec,
                0,
                None,
                "LKC0001SM00000002",
                99,
                at + 5_000_000,
            )],
            ..Default::default()
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let late = app.line_rollup_catch_up(&spec, None).await.unwrap();
        assert_eq!(late.hours, 1, "only the late row's hour");
        let a = app
            .line_analytics(&eng, "seq-1", period, None)
            .await
            .unwrap();
        assert_eq!(joint_results(&a), 5);
        // and it equals a direct count
        let mut db = store.read().await.unwrap();
        let raw = db
            .line_results_between(&spec.id, period.bounds().0, period.bounds().1)
            .await
            .unwrap();
        assert_eq!(
            raw.iter().filter(|r| r.joint.is_some()).count() as u64,
            joint_results(&a)
        );
    }
);
