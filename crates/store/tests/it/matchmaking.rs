//! Batched and paged reads of the matchmaking board.

use crate::fixtures::*;
use kechuang_core::ids::OrgId;
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput, NeedStatus};
use kechuang_store::now_us;
use kechuang_testkit::store_test;

store_test!(records_load_by_id_lists_and_scan_in_id_pages, |store| {
    let mut db = store.begin().await.unwrap();
    let org = OrgId(kechuang_store::new_id());
    db.insert_organisation(&org, &enterprise(1, "巴川街道", true), now_us())
        .await
        .unwrap();
    let mut achievement_ids = Vec::new();
    let mut expert_ids = Vec::new();
    let mut need_ids = Vec::new();
    for i in 0..5 {
        let a = AchievementInput {
            title: format!("成果{i}"),
            ..AchievementInput::default()
        }
        .parse()
        .unwrap();
        let id = kechuang_store::new_id();
        db.insert_achievement(&id, &org, &a, now_us(), "t")
            .await
            .unwrap();
        achievement_ids.push(id);
        let e = ExpertInput {
            name: format!("专家{i}"),
            ..ExpertInput::default()
        }
        .parse()
        .unwrap();
        let id = kechuang_store::new_id();
        db.insert_expert(&id, &org, &e, now_us(), "t")
            .await
            .unwrap();
        expert_ids.push(id);
        let n = NeedInput {
            title: format!("需求{i}"),
            modes: vec!["合作开发".into()],
            ..NeedInput::default()
        }
        .parse()
        .unwrap();
        let id = kechuang_store::new_id();
        db.insert_need(&id, &org, &n, NeedStatus::Open, now_us(), "t")
            .await
            .unwrap();
        need_ids.push(id);
    }
    db.commit().await.unwrap();
    let mut db = store.read().await.unwrap();

    let want = vec![
        achievement_ids[3].clone(),
        "missing".to_string(),
        achievement_ids[0].clone(),
    ];
    let mut got: Vec<String> = db
        .achievements_by_ids(&want)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    got.sort();
    let mut expected = vec![achievement_ids[0].clone(), achievement_ids[3].clone()];
    expected.sort();
    assert_eq!(got, expected);
    let experts = db.experts_by_ids(&expert_ids[1..3]).await.unwrap();
    assert_eq!(experts.len(), 2);
    assert!(
        experts
            .iter()
            .all(|e| e.org_name == "重庆测试1科技有限公司")
    );
    assert!(db.achievements_by_ids(&[]).await.unwrap().is_empty());

    // Pages of 2 by id visit every record once, in id order.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = db.needs_after(&after, 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.clone();
        seen.extend(page.into_iter().map(|n| n.id));
    }
    need_ids.sort();
    assert_eq!(seen, need_ids);
    assert_eq!(db.achievements_after("", 10).await.unwrap().len(), 5);
    let last = expert_ids.iter().max().unwrap();
    assert_eq!(db.experts_after(last, 10).await.unwrap().len(), 0);
});
