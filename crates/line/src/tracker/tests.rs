use super::*;
use kechuang_core::line::TaskSpec;
use proptest::prelude::*;
use std::collections::HashMap;

const VIN_A: &str = "LZSPCJLG5K1234567";
const VIN_B: &str = "LZSPCJLG5K7654321";

fn station() -> StationSpec {
    StationSpec {
        id: "s1".into(),
        code: "st01".into(),
        name: "前叉".into(),
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
                joint: "悬置".into(),
                bolt_count: 1,
                pset: 4,
                torque_min_cnm: 8_000,
                torque_target_cnm: 8_500,
                torque_max_cnm: 9_000,
                angle_min_deg: 20,
                angle_max_deg: 120,
            },
        ],
        controllers: vec![],
    }
}

fn res(tid: i64, vin: &str, ok: bool, torque: i64) -> ResultIn {
    ResultIn {
        controller_id: "c1".into(),
        tightening_id: tid,
        vin: vin.into(),
        pset: 3,
        torque_cnm: torque,
        angle_deg: 45,
        ok,
        torque_ok: ok,
        angle_ok: true,
        controller_time: "2026-11-29:08:00:00".into(),
        at_us: tid,
    }
}

#[test]
fn a_nok_bolt_is_reworked_and_the_pedal_waits_for_it() {
    let mut t = StationTracker::new("l", station());
    assert_eq!(t.pedal(0), Pedal::NoCart);
    t.arrive(VIN_A, "v1".into(), 1).unwrap();
    assert_eq!(t.next_pset(), Some(3));
    let r = t.result(res(1, VIN_A, true, 4_500));
    assert_eq!(
        (r.joint.as_deref(), r.bolt, r.attempt, r.flag),
        (Some("前叉"), Some(1), Some(1), None)
    );
    let r = t.result(res(2, "", false, 3_900));
    assert_eq!((r.bolt, r.attempt, r.ok), (Some(2), Some(1), false));
    assert_eq!(r.vin.as_deref(), Some(VIN_A), "a blank VIN is the cart's");
    let Pedal::Refused(open) = t.pedal(3) else {
        panic!("released with a NOK")
    };
    assert_eq!(
        open,
        vec![
            OpenBolt {
                joint: "前叉".into(),
                bolt: 2,
                attempts: 1
            },
            OpenBolt {
                joint: "悬置".into(),
                bolt: 1,
                attempts: 0
            }
        ]
    );
    let r = t.result(res(4, VIN_A, true, 4_400));
    assert_eq!((r.bolt, r.attempt, r.ok), (Some(2), Some(2), true));
    assert_eq!(t.next_pset(), Some(4));
    // Controller says OK but the torque is outside the configured window: NOK.
    let r = t.result(res(5, VIN_A, true, 4_500));
    assert!(!r.ok && !r.torque_ok);
    t.result(res(6, VIN_A, true, 8_500));
    let extra = t.result(res(7, VIN_A, true, 8_500));
    assert_eq!(extra.flag, Some(ResultFlag::Extra));
    let Pedal::Released(v) = t.pedal(8) else {
        panic!("not released")
    };
    assert_eq!(
        (v.first_pass, v.rework_count, v.release),
        (false, 2, Some(ReleaseKind::Ok))
    );
    assert!(t.visit().is_none());
}

#[test]
fn flagged_results_and_refused_arrivals() {
    let mut t = StationTracker::new("l", station());
    let r = t.result(res(1, VIN_A, true, 4_500));
    assert_eq!(r.flag, Some(ResultFlag::NoCart));
    assert!(matches!(
        t.arrive("LZSPCJLG5K12345O7", "v0".into(), 1),
        Err(ArrivalRefused::IllegalVin(e)) if e.code == "vin_character"
    ));
    t.arrive(VIN_A, "v1".into(), 2).unwrap();
    assert!(matches!(
        t.arrive(VIN_B, "v2".into(), 3),
        Err(ArrivalRefused::Busy { vin }) if vin == VIN_A
    ));
    let r = t.result(res(2, VIN_B, true, 4_500));
    assert_eq!((r.flag, r.visit_id), (Some(ResultFlag::UnknownVin), None));
    assert_eq!(t.open_bolts().len(), 3, "a foreign result fills no bolt");
    let (v, open) = t
        .override_release(Override::new("王班长", "返修区处理").unwrap(), 4)
        .unwrap();
    assert_eq!(open.len(), 3);
    assert_eq!(v.release, Some(ReleaseKind::Override));
    assert_eq!(v.override_by.unwrap().user, "王班长");
    assert!(
        t.override_release(Override::new("a", "b").unwrap(), 5)
            .is_none()
    );
}

#[derive(Debug, Clone)]
enum Op {
    Arrive(bool, bool),
    Result { vin: u8, ok: bool, in_window: bool },
    Pedal,
    Override,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (any::<bool>(), any::<bool>()).prop_map(|(a, b)| Op::Arrive(a, b)),
        6 => (0u8..4, prop::bool::weighted(0.8), prop::bool::weighted(0.9))
            .prop_map(|(vin, ok, in_window)| Op::Result { vin, ok, in_window }),
        2 => Just(Op::Pedal),
        1 => Just(Op::Override),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Never released with a NOK or missing bolt unless overridden; an override
    /// always has its user and reason; every result comes back exactly once; the
    /// first-pass flag and rework count agree with the attempts.
    #[test]
    fn the_station_invariants_hold(ops in prop::collection::vec(op(), 1..120)) {
        let spec = station();
        let required: usize = spec.required_bolts() as usize;
        let mut t = StationTracker::new("l", spec);
        let mut records: Vec<TighteningRecord> = Vec::new();
        let mut sent = 0i64;
        let mut visits = 0u32;
        for (i, op) in ops.into_iter().enumerate() {
            let at = i64::try_from(i).unwrap();
            match op {
                Op::Arrive(legal, which) => {
                    let vin = match (legal, which) {
                        (false, _) => "LZSPCJLG5K1234I67",
                        (true, true) => VIN_A,
                        (true, false) => VIN_B,
                    };
                    let busy = t.visit().is_some();
                    visits += 1;
                    let got = t.arrive(vin, format!("v{visits}"), at);
                    prop_assert_eq!(got.is_ok(), legal && !busy);
                }
                Op::Result { vin, ok, in_window } => {
                    sent += 1;
                    let v = match vin { 0 => "", 1 => VIN_A, 2 => VIN_B, _ => "BAD" };
                    let cart = t.visit().map(|v| v.vin.clone());
                    let torque = if in_window { 4_500 } else { 100 };
                    let rec = t.result(res(sent, v, ok, if t.next_pset() == Some(4) { torque + 4_000 } else { torque }));
                    prop_assert_eq!(rec.tightening_id, sent);
                    match &cart {
                        None => prop_assert_eq!(rec.flag, Some(ResultFlag::NoCart)),
                        Some(c) if !v.is_empty() && v != c => prop_assert_eq!(rec.flag, Some(ResultFlag::UnknownVin)),
                        Some(_) => prop_assert!(rec.visit_id.is_some()),
                    }
                    records.push(rec);
                }
                Op::Pedal => match t.pedal(at) {
                    Pedal::Released(v) => {
                        // Every bolt's last attempt in this visit was OK.
                        let mut last: HashMap<(String, u32), bool> = HashMap::new();
                        for r in records.iter().filter(|r| r.visit_id.as_deref() == Some(&v.id) && r.bolt.is_some()) {
                            last.insert((r.joint.clone().unwrap(), r.bolt.unwrap()), r.ok);
                        }
                        prop_assert_eq!(last.len(), required);
                        prop_assert!(last.values().all(|ok| *ok));
                        check_counts(&v, &records)?;
                    }
                    Pedal::Refused(open) => prop_assert!(!open.is_empty()),
                    Pedal::NoCart => prop_assert!(t.visit().is_none()),
                },
                Op::Override => {
                    if let Some((v, open)) = t.override_release(Override::new("王", "复检").unwrap(), at) {
                        let overridden = v.release == Some(ReleaseKind::Override);
                        prop_assert_eq!(overridden, !open.is_empty());
                        prop_assert_eq!(overridden, v.override_by.is_some());
                        if let Some(o) = &v.override_by {
                            prop_assert!(!o.user.is_empty() && !o.reason.is_empty());
                        }
                        check_counts(&v, &records)?;
                    }
                }
            }
        }
        prop_assert_eq!(i64::try_from(records.len()).unwrap(), sent);
    }
}

fn check_counts(v: &VisitRecord, records: &[TighteningRecord]) -> Result<(), TestCaseError> {
    let mine: Vec<_> = records
        .iter()
        .filter(|r| r.visit_id.as_deref() == Some(&v.id) && r.bolt.is_some())
        .collect();
    prop_assert_eq!(v.first_pass, mine.iter().all(|r| r.ok));
    let rework = mine.iter().filter(|r| r.attempt.unwrap_or(0) > 1).count();
    prop_assert_eq!(v.rework_count as usize, rework);
    Ok(())
}
