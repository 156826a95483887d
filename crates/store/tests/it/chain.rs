//! Daily matching and the outcome chain on both backends.

use crate::fixtures::add_enterprise;
use chrono::NaiveDate;
use kechuang_core::chain::{Collaboration, InterestStatus, Mediation, Source, Stage, TargetKind};
use kechuang_core::matchmaking::{NeedInput, NeedStatus};
use kechuang_core::money::Money;
use kechuang_store::{ChainFilter, MessageRecord, NewCollaboration, NewInterest, now_us};
use kechuang_testkit::store_test;

fn d(s: &str) -> NaiveDate {
    kechuang_core::date::from_iso(s).unwrap()
}

fn need() -> kechuang_core::matchmaking::Need {
    NeedInput {
        title: "低温储罐焊接".into(),
        modes: vec!["合作开发".into()],
        ..NeedInput::default()
    }
    .parse()
    .unwrap()
}

store_test!(
    feedback_is_one_vote_per_user_and_candidate_and_can_change,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", false).await;
        db.insert_need("n1", &a, &need(), NeedStatus::Open, now_us(), "t")
            .await
            .unwrap();
        db.upsert_feedback("n1", "achievement", "a1", "user:x", true, 1)
            .await
            .unwrap();
        db.upsert_feedback("n1", "achievement", "a1", "user:y", false, 2)
            .await
            .unwrap();
        db.upsert_feedback("n1", "achievement", "a1", "user:x", false, 3)
            .await
            .unwrap();
        db.upsert_feedback("n1", "expert", "e1", "user:x", true, 4)
            .await
            .unwrap();
        db.commit().await.unwrap();
        let mut r = store.read().await.unwrap();
        let c = r.feedback_counts(Some("n1")).await.unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].candidate_id.as_str(), c[0].useful, c[0].not_useful),
            ("e1", 1, 0)
        );
        assert_eq!(
            (c[1].candidate_id.as_str(), c[1].useful, c[1].not_useful),
            ("a1", 0, 2)
        );
        let mine = r.feedback_of("n1", "user:x").await.unwrap();
        assert_eq!(
            mine,
            [
                ("achievement".to_string(), "a1".to_string(), false),
                ("expert".to_string(), "e1".to_string(), true)
            ]
        );
        assert_eq!(r.feedback_counts(None).await.unwrap().len(), 2);
    }
);

store_test!(
    one_open_interest_per_pair_then_a_thread_messages_and_a_chain,
    |store| {
        let mut db = store.begin().await.unwrap();
        let e = add_enterprise(&mut db, 1, "巴川街道", false).await;
        let p = add_enterprise(&mut db, 2, "东城街道", false).await;
        let new = |id: &'static str| NewInterest {
            id,
            target_kind: TargetKind::Achievement,
            target_id: "ach1",
            target_title: "高锰钢",
            from_org_id: &e,
            to_org_id: &p,
            message: "<b>想合作</b>",
            sent_on: d("2024-03-01"),
            now: 10,
            by: "user:e",
        };
        db.insert_interest(&new("i1")).await.unwrap();
        db.commit().await.unwrap();
        let mut db = store.begin().await.unwrap();
        let dup = db.insert_interest(&new("i2")).await.unwrap_err();
        assert!(dup.is_conflict("interest_open_key"), "{dup:?}");
        drop(db);
        let mut db = store.begin().await.unwrap();
        assert!(
            db.close_interest("i1", InterestStatus::Accepted, None, 20, "user:p")
                .await
                .unwrap()
        );
        assert!(
            !db.close_interest("i1", InterestStatus::Declined, Some("x"), 21, "user:p")
                .await
                .unwrap(),
            "only once"
        );
        // Closed, so a new one may be sent.
        db.insert_interest(&new("i3")).await.unwrap();
        db.insert_thread("t1", Some("i1"), &e, &p, "高锰钢", d("2024-03-02"), 30)
            .await
            .unwrap();
        for (i, body) in ["你好", "<script>x</script>"].iter().enumerate() {
            db.insert_message(
                "t1",
                &MessageRecord {
                    message_id: format!("m{i}"),
                    org_id: Some(e.to_string()),
                    author_tag: "user:e".into(),
                    author_name: "张".into(),
                    as_mediator: i == 1,
                    body: (*body).into(),
                    created_at: 40 + i as i64,
                },
            )
            .await
            .unwrap();
        }
        db.set_mediation("t1", Mediation::Needed, 50).await.unwrap();
        let c = Collaboration {
            title: "高锰钢储罐".into(),
            signed_on: d("2024-04-01"),
            amount: Some(Money::from_fen(1_000_000)),
            source: Source::Daily,
            session_id: None,
        };
        db.insert_collaboration(&NewCollaboration {
            id: "c1",
            collab: &c,
            enterprise_org_id: &e,
            provider_org_id: &p,
            interest_id: Some("i1"),
            thread_id: Some("t1"),
            now: 60,
            by: "user:e",
        })
        .await
        .unwrap();
        db.insert_stage("c1", Stage::Contract, d("2024-04-10"), "user:e", 70)
            .await
            .unwrap();
        db.set_collaboration_stage("c1", Stage::Contract, "HT-001", 70)
            .await
            .unwrap();
        db.commit().await.unwrap();
        let mut db = store.begin().await.unwrap();
        let twice = db
            .insert_stage("c1", Stage::Contract, d("2024-04-11"), "user:e", 71)
            .await
            .unwrap_err();
        assert!(twice.is_conflict("chain_stage_pkey"), "{twice:?}");
        drop(db);
        let mut db = store.begin().await.unwrap();
        db.insert_stage("c1", Stage::Conversion, d("2024-09-01"), "user:e", 80)
            .await
            .unwrap();
        db.set_collaboration_stage("c1", Stage::Conversion, "投产", 80)
            .await
            .unwrap();
        db.correct_stage("c1", Stage::Contract, d("2024-04-12"), "HT-002", 90)
            .await
            .unwrap();
        let session = Collaboration {
            title: "专场签约".into(),
            signed_on: d("2025-05-15"),
            amount: None,
            source: Source::Session,
            session_id: Some("session-2025-05-15".into()),
        };
        db.insert_collaboration(&NewCollaboration {
            id: "c2",
            collab: &session,
            enterprise_org_id: &e,
            provider_org_id: &p,
            interest_id: None,
            thread_id: None,
            now: 100,
            by: "bureau",
        })
        .await
        .unwrap();
        db.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let i = r.interest("i1").await.unwrap().unwrap();
        assert_eq!(
            (i.status, i.thread_id.as_deref()),
            (InterestStatus::Accepted, Some("t1"))
        );
        assert_eq!(i.message, "<b>想合作</b>");
        let t = r.thread("t1").await.unwrap().unwrap();
        assert_eq!(
            (t.mediation, t.messages, t.collaboration_id.as_deref()),
            (Mediation::Needed, 2, Some("c1"))
        );
        let m = r.messages("t1").await.unwrap();
        assert_eq!(m[1].body, "<script>x</script>");
        assert!(m[1].as_mediator);
        let mine = r
            .threads(&ChainFilter {
                org_id: Some(p.clone()),
                limit: 10,
                ..ChainFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(mine.len(), 1);
        let needed = r
            .threads(&ChainFilter {
                mediation: Some(Mediation::Mediated),
                limit: 10,
                ..ChainFilter::default()
            })
            .await
            .unwrap();
        assert!(needed.is_empty());
        assert_eq!(
            r.interests(&ChainFilter {
                org_id: Some(e.clone()),
                limit: 10,
                ..ChainFilter::default()
            })
            .await
            .unwrap()
            .len(),
            2
        );
        let c1 = r.collaboration("c1").await.unwrap().unwrap();
        assert_eq!(
            (
                c1.stage,
                c1.contract_number.as_deref(),
                c1.conversion.as_deref()
            ),
            (Stage::Conversion, Some("HT-002"), Some("投产"))
        );
        let stages: Vec<(Stage, NaiveDate)> = r
            .stages("c1")
            .await
            .unwrap()
            .into_iter()
            .map(|s| (s.stage, s.on))
            .collect();
        assert_eq!(
            stages,
            [
                (Stage::Collaboration, d("2024-04-01")),
                (Stage::Contract, d("2024-04-12")),
                (Stage::Conversion, d("2024-09-01"))
            ]
        );
        assert_eq!(
            r.collaborations(&ChainFilter {
                limit: 10,
                ..ChainFilter::default()
            })
            .await
            .unwrap()[0]
                .id,
            "c2",
            "latest signed first"
        );

        let all = r
            .chain_counts(d("2024-01-01"), d("2025-12-31"))
            .await
            .unwrap();
        assert_eq!(
            (
                all.interests,
                all.interests_accepted,
                all.threads,
                all.collaborations,
                all.collaborations_from_sessions,
                all.contracts,
                all.conversions,
                all.products,
                all.amount_fen
            ),
            (2, 1, 1, 2, 1, 1, 1, 0, 1_000_000)
        );
        let y2025 = r
            .chain_counts(d("2025-01-01"), d("2025-12-31"))
            .await
            .unwrap();
        assert_eq!(
            (
                y2025.interests,
                y2025.collaborations,
                y2025.conversions,
                y2025.amount_fen
            ),
            (0, 1, 0, 0)
        );
    }
);
