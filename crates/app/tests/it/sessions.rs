use crate::common::*;
use kechuang_app::AppError;
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::ops::sessions as ss;
use kechuang_core::ids::OrgId;
use kechuang_core::role::Role;
use kechuang_core::session::{ParticipantInput, SessionInput, SigningInput};
use kechuang_testkit::store_test;

fn input() -> SessionInput {
    SessionInput {
        title: "成渝双城协同·融合创新科技成果对接会".into(),
        date: "2024-06-18".into(),
        venue: "铜梁区科技创新服务中心".into(),
        start: "09:00".into(),
        slot_minutes: "20".into(),
        slots: "4".into(),
        tables: "2".into(),
        ..SessionInput::default()
    }
}

async fn research(app: &kechuang_app::App) -> OrgId {
    org::create(
        app,
        &bureau(Role::BureauAdmin, None),
        &OrgInput {
            kind: "高校".into(),
            credit_code: "12500000450400001F".into(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap()
}

fn confirmed() -> ParticipantInput {
    ParticipantInput {
        confirmed: true,
        ..ParticipantInput::default()
    }
}

store_test!(
    a_session_runs_from_invitation_to_signing_with_permissions,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let e1 = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let e2 = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
            .await
            .unwrap();
        let e3 = org::create(&app, &admin, &enterprise_input(3, "南城街道"))
            .await
            .unwrap();
        let u = research(&app).await;
        let (u1, u2) = (enterprise_user(&e1), enterprise_user(&e2));
        let outsider = enterprise_user(&e3);

        // Only the bureau creates; bad settings name their fields.
        assert!(matches!(
            ss::create(&app, &u1, &input()).await,
            Err(AppError::Forbidden)
        ));
        let bad = SessionInput {
            slots: "0".into(),
            ..input()
        };
        match ss::create(&app, &admin, &bad).await {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].field, "slots"),
            other => panic!("{other:?}"),
        }
        let s = ss::create(&app, &admin, &input()).await.unwrap();
        let id = s.id.clone();
        assert_eq!(s.slot_labels[1], "09:20—09:40");
        assert_eq!(
            ss::invite(
                &app,
                &admin,
                &id,
                &[e1.to_string(), e2.to_string(), u.to_string()]
            )
            .await
            .unwrap(),
            3
        );
        // Outsiders do not even see it.
        assert!(matches!(
            ss::detail(&app, &outsider, &id).await,
            Err(AppError::NotFound)
        ));
        assert!(ss::list(&app, &outsider).await.unwrap().is_empty());
        assert_eq!(ss::list(&app, &u1).await.unwrap().len(), 1);
        // Wishes wait for the session to open.
        assert!(matches!(
            ss::set_wishes(&app, &u1, &id, None, &[u.to_string()]).await,
            Err(AppError::Conflict(_))
        ));
        ss::set_status(&app, &admin, &id, "open").await.unwrap();
        for (actor, org) in [(&u1, None), (&u2, None), (&admin, Some(u.as_str()))] {
            ss::update_participant(&app, actor, &id, org, &confirmed())
                .await
                .unwrap();
        }
        // A participant edits only its own wishes; bad wishes name the entry.
        assert!(matches!(
            ss::set_wishes(&app, &u1, &id, Some(e2.as_str()), &[u.to_string()]).await,
            Err(AppError::Forbidden)
        ));
        match ss::set_wishes(&app, &u1, &id, None, &[e1.to_string(), e3.to_string()]).await {
            Err(AppError::Invalid(e)) => {
                assert_eq!(
                    (e[0].field.as_str(), e[0].code),
                    ("wishes[0]", "schedule_self")
                );
                assert_eq!(
                    (e[1].field.as_str(), e[1].code),
                    ("wishes[1]", "schedule_participant_unknown")
                );
            }
            other => panic!("{other:?}"),
        }
        match ss::update_participant(
            &app,
            &u1,
            &id,
            None,
            &ParticipantInput {
                limit: "9".into(),
                ..confirmed()
            },
        )
        .await
        {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].field, "limit"),
            other => panic!("{other:?}"),
        }
        ss::set_wishes(&app, &u1, &id, None, &[u.to_string(), e2.to_string()])
            .await
            .unwrap();
        ss::set_wishes(&app, &u2, &id, None, &[u.to_string()])
            .await
            .unwrap();
        ss::set_wishes(&app, &admin, &id, Some(u.as_str()), &[e1.to_string()])
            .await
            .unwrap();
        // e2 is away in slot 1.
        ss::update_participant(
            &app,
            &u2,
            &id,
            None,
            &ParticipantInput {
                away: vec![1],
                ..confirmed()
            },
        )
        .await
        .unwrap();

        // Only the bureau runs the scheduler.
        assert!(matches!(
            ss::run_schedule(&app, &u1, &id).await,
            Err(AppError::Forbidden)
        ));
        let f = ss::run_schedule(&app, &admin, &id).await.unwrap();
        assert_eq!(f.requested_pairs, 3);
        assert_eq!(f.placed_requested, 3);
        assert_eq!(f.upper_bound, 3);
        let d = ss::detail(&app, &admin, &id).await.unwrap();
        assert_eq!(d.session.status.code, "scheduled");
        assert_eq!(d.meetings.len(), 3);
        // The participant sees its own schedule, not others' wishes.
        let mine = ss::detail(&app, &u1, &id).await.unwrap();
        assert_eq!(mine.my_schedule.len(), 2);
        assert!(mine.meetings.is_empty());
        assert!(
            mine.participants
                .iter()
                .filter(|p| p.org_id != e1.as_str())
                .all(|p| p.wishes.is_empty())
        );

        // A hand move that double-books is refused and changes nothing.
        let m_u = d
            .meetings
            .iter()
            .find(|m| {
                [m.a.as_str(), m.b.as_str()].contains(&e2.as_str())
                    && [m.a.as_str(), m.b.as_str()].contains(&u.as_str())
            })
            .unwrap()
            .clone();
        let other = d
            .meetings
            .iter()
            .find(|m| m.id != m_u.id && (m.a == u.as_str() || m.b == u.as_str()))
            .unwrap()
            .clone();
        assert!(matches!(
            ss::move_meeting(&app, &u1, &id, &m_u.id, 4, 1).await,
            Err(AppError::Forbidden)
        ));
        match ss::move_meeting(&app, &admin, &id, &m_u.id, other.slot, 2).await {
            Err(AppError::Invalid(e)) => assert!(
                e.iter().any(|x| x.code == "schedule_double_booked"),
                "{e:?}"
            ),
            other => panic!("{other:?}"),
        }
        match ss::move_meeting(&app, &admin, &id, &m_u.id, 1, 2).await {
            Err(AppError::Invalid(e)) => assert!(e.iter().any(|x| x.code == "schedule_away")),
            other => panic!("{other:?}"),
        }
        let after = ss::detail(&app, &admin, &id).await.unwrap();
        let same = after.meetings.iter().find(|m| m.id == m_u.id).unwrap();
        assert_eq!(
            (same.slot, same.table, same.pinned),
            (m_u.slot, m_u.table, m_u.pinned)
        );
        // Find a free place for it and move: it becomes a pin.
        let free = (1..=4u32)
            .flat_map(|s| (1..=2u32).map(move |t| (s, t)))
            .find(|&(s, t)| {
                s != 1
                    && !after.meetings.iter().any(|m| {
                        m.slot == s
                            && (m.table == t
                                || [m.a.as_str(), m.b.as_str()]
                                    .iter()
                                    .any(|x| *x == e2.as_str() || *x == u.as_str()))
                    })
            })
            .unwrap();
        let moved = ss::move_meeting(&app, &admin, &id, &m_u.id, free.0, free.1)
            .await
            .unwrap();
        assert!(moved.pinned);
        // Re-run keeps the pin where it was put.
        ss::run_schedule(&app, &admin, &id).await.unwrap();
        let rerun = ss::detail(&app, &admin, &id).await.unwrap();
        let kept = rerun.meetings.iter().find(|m| m.pinned).unwrap();
        assert_eq!((kept.slot, kept.table), free);
        assert_eq!(rerun.meetings.len(), 3);
        // Remove one; add it back by hand at a free place.
        let gone = rerun.meetings.iter().find(|m| !m.pinned).unwrap().clone();
        ss::remove_meeting(&app, &admin, &id, &gone.id)
            .await
            .unwrap();
        let back = ss::add_meeting(&app, &admin, &id, &gone.a, &gone.b, gone.slot, gone.table)
            .await
            .unwrap();
        assert!(back.pinned && back.requested);

        // Signings: bureau only, participants only, amounts in 万元.
        let sign = SigningInput {
            title: "储能电芯热失控预警联合研发".into(),
            enterprise_id: e1.to_string(),
            partner_id: u.to_string(),
            amount_wan: "150".into(),
            ..SigningInput::default()
        };
        assert!(matches!(
            ss::record_signing(&app, &u1, &id, &sign).await,
            Err(AppError::Forbidden)
        ));
        match ss::record_signing(
            &app,
            &admin,
            &id,
            &SigningInput {
                enterprise_id: e3.to_string(),
                ..sign.clone()
            },
        )
        .await
        {
            Err(AppError::Invalid(e)) => assert_eq!(e[0].field, "enterprise_id"),
            other => panic!("{other:?}"),
        }
        let g = ss::record_signing(&app, &admin, &id, &sign).await.unwrap();
        assert_eq!(g.amount_wan.as_deref(), Some("150.00"));
        let seen = ss::detail(&app, &u2, &id).await.unwrap();
        assert_eq!(seen.signings.len(), 1);
        assert_eq!(seen.signed_wan, "150.00");
        ss::set_status(&app, &admin, &id, "held").await.unwrap();
        assert!(matches!(
            ss::set_status(&app, &admin, &id, "open").await,
            Err(AppError::Invalid(_))
        ));

        // Every change is an event.
        let mut db = store.read().await.unwrap();
        let kinds: Vec<String> = db
            .events_for("mm_session", &id, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        for k in [
            "mm_session.created",
            "mm_session.invited",
            "mm_session.wishes",
            "mm_session.scheduled",
            "mm_session.moved",
            "mm_session.removed",
            "mm_session.meeting_added",
            "mm_session.signed",
            "mm_session.status",
        ] {
            assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
        }
    }
);

store_test!(
    downloads_read_back_as_xlsx_and_a_structurally_valid_pdf,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let e1 = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let u = research(&app).await;
        let s = ss::create(&app, &admin, &input()).await.unwrap();
        ss::invite(&app, &admin, &s.id, &[e1.to_string(), u.to_string()])
            .await
            .unwrap();
        ss::set_status(&app, &admin, &s.id, "open").await.unwrap();
        for o in [&e1, &u] {
            ss::update_participant(&app, &admin, &s.id, Some(o.as_str()), &confirmed())
                .await
                .unwrap();
        }
        ss::set_wishes(&app, &admin, &s.id, Some(e1.as_str()), &[u.to_string()])
            .await
            .unwrap();
        ss::run_schedule(&app, &admin, &s.id).await.unwrap();

        let bytes = kechuang_app::session_docs::schedule_xlsx(&app, &admin, &s.id, None)
            .await
            .unwrap();
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["洽谈总表", "日程明细", "未安排"]);
        let grid = wb.worksheet_range("洽谈总表").unwrap();
        assert_eq!(grid.get_value((3, 2)).unwrap().to_string(), "1号桌");
        assert!(grid.rows().any(|r| {
            r.iter()
                .any(|c| *c == "重庆测试1科技有限公司 — 重庆测试大学")
        }));
        let rows = wb.worksheet_range("日程明细").unwrap();
        assert_eq!(
            rows.height(),
            3,
            "one line for each side of the one meeting"
        );

        let mine =
            kechuang_app::session_docs::schedule_xlsx(&app, &enterprise_user(&e1), &s.id, None)
                .await
                .unwrap();
        let mut wb: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(mine)).unwrap();
        assert_eq!(wb.sheet_names(), ["日程明细"]);
        assert_eq!(wb.worksheet_range("日程明细").unwrap().height(), 2);

        let pdf = kechuang_app::session_docs::schedule_pdf(&app, &admin, &s.id, None)
            .await
            .unwrap();
        let facts = kechuang_app::pdf::check(&pdf).unwrap();
        assert_eq!(facts.pages, 3, "the grid, then a page per participant");
        let one =
            kechuang_app::session_docs::schedule_pdf(&app, &enterprise_user(&e1), &s.id, None)
                .await
                .unwrap();
        assert_eq!(kechuang_app::pdf::check(&one).unwrap().pages, 1);
        let other = enterprise_user(&OrgId("outsider-organisation".into()));
        assert!(matches!(
            kechuang_app::session_docs::schedule_pdf(&app, &other, &s.id, None).await,
            Err(AppError::NotFound)
        ));
    }
);
