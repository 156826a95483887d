//! Special matchmaking sessions: settings, participants, wishes, schedule, signings.

use crate::fixtures::add_enterprise;
use kechuang_core::money::Money;
use kechuang_core::session::{ParticipantSettings, SessionInput, SessionStatus, Signing};
use kechuang_store::{MeetingRecord, StoreError, now_us};
use kechuang_testkit::store_test;

fn spec() -> kechuang_core::session::SessionSpec {
    SessionInput {
        title: "成渝双城协同·融合创新科技成果对接会".into(),
        date: "2024-06-18".into(),
        start: "09:00".into(),
        slot_minutes: "20".into(),
        slots: "12".into(),
        break_after: "6".into(),
        break_minutes: "20".into(),
        tables: "10".into(),
        ..SessionInput::default()
    }
    .parse()
    .unwrap()
}

store_test!(
    a_session_keeps_its_grid_participants_schedule_and_signings,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", true).await;
        let c = add_enterprise(&mut db, 3, "南城街道", false).await;
        let now = now_us();
        db.insert_mm_session("s1", &spec(), SessionStatus::Draft, now, "test")
            .await
            .unwrap();
        for o in [&a, &b, &c] {
            assert!(db.invite_mm_participant("s1", o, now).await.unwrap());
        }
        assert!(
            !db.invite_mm_participant("s1", &a, now).await.unwrap(),
            "invited once"
        );
        let settings = ParticipantSettings {
            confirmed: true,
            limit: Some(3),
            away: vec![0, 11],
            need_id: None,
            achievement_id: None,
        };
        db.update_mm_participant("s1", &a, &settings, now)
            .await
            .unwrap();
        db.set_mm_wishes("s1", &a, &[c.to_string(), b.to_string()])
            .await
            .unwrap();
        db.set_mm_wishes("s1", &a, &[b.to_string(), c.to_string()])
            .await
            .unwrap();
        let meetings = vec![
            MeetingRecord {
                id: "m1".into(),
                slot: 1,
                table: 0,
                a: a.clone(),
                b: b.clone(),
                pinned: false,
                requested: true,
                mutual: false,
            },
            MeetingRecord {
                id: "m2".into(),
                slot: 2,
                table: 0,
                a: a.clone(),
                b: c.clone(),
                pinned: true,
                requested: true,
                mutual: false,
            },
        ];
        db.replace_mm_schedule("s1", &meetings, "{\"upper_bound\":2}", now)
            .await
            .unwrap();
        db.commit().await.unwrap();
        // Two meetings at one seat are refused by the database too.
        let mut db = store.begin().await.unwrap();
        let clash = MeetingRecord {
            id: "m3".into(),
            slot: 1,
            table: 0,
            a: b.clone(),
            b: c.clone(),
            pinned: false,
            requested: false,
            mutual: false,
        };
        let err = db.insert_mm_meeting("s1", &clash).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
        db.rollback().await.unwrap();

        let mut db = store.begin().await.unwrap();
        db.place_mm_meeting("s1", "m1", 3, 2, true).await.unwrap();
        db.delete_mm_meeting("s1", "m2").await.unwrap();
        assert!(matches!(
            db.delete_mm_meeting("s1", "m2").await,
            Err(StoreError::NotFound)
        ));
        db.insert_mm_signing(
            "g1",
            "s1",
            &Signing {
                title: "储能电芯热失控预警联合研发".into(),
                enterprise_id: a.to_string(),
                partner_id: b.to_string(),
                amount: Some(Money::from_fen(120_000_000)),
                need_id: None,
                achievement_id: None,
            },
            now,
            "test",
        )
        .await
        .unwrap();
        db.set_mm_session_status("s1", SessionStatus::Held, now)
            .await
            .unwrap();
        db.commit().await.unwrap();

        let mut db = store.read().await.unwrap();
        let s = db.mm_session("s1").await.unwrap().unwrap();
        assert_eq!(s.spec, spec());
        assert_eq!(s.status, SessionStatus::Held);
        assert_eq!(s.schedule_result.as_deref(), Some("{\"upper_bound\":2}"));
        let parts = db.mm_participants("s1").await.unwrap();
        assert_eq!(parts.len(), 3);
        let pa = parts.iter().find(|p| p.org_id == a).unwrap();
        assert_eq!(pa.settings, settings);
        assert_eq!(
            db.mm_wishes("s1").await.unwrap(),
            vec![(a.clone(), b.clone()), (a.clone(), c.clone())]
        );
        let m = db.mm_meetings("s1").await.unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].slot, m[0].table, m[0].pinned), (3, 2, true));
        let g = db.mm_signings("s1").await.unwrap();
        assert_eq!(g[0].signing.amount.unwrap().fen(), 120_000_000);
        assert!(g[0].enterprise_name.contains("测试1"));
        let all = db.mm_sessions(None).await.unwrap();
        assert_eq!(
            (all[0].participants, all[0].meetings, all[0].signings),
            (3, 1, 1)
        );
        assert_eq!(db.mm_sessions(Some(&c)).await.unwrap().len(), 1);
        let outsider = kechuang_core::ids::OrgId("nobody".into());
        assert!(db.mm_sessions(Some(&outsider)).await.unwrap().is_empty());
    }
);
