use crate::harness::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_enterprise_reads_its_ladder_and_the_bureau_moves_it_through_the_pool() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    t.user("admin", "bureau_admin", None, None).await;
    t.user("ent", "enterprise", Some(&a), None).await;
    let admin = t.login("admin").await;
    let ent = t.login("ent").await;

    // 我的梯度培育: the enterprise user lands on its own ladder, evaluated on first view.
    let r = t.get(&ent, "/ladder").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(&ent, &format!("/enterprises/{a}/ladder")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    for tier in ["科技型中小企业", "高新技术企业", "专精特新中小企业"] {
        assert!(html.contains(tier), "{tier} missing");
    }
    assert!(html.contains("差距（最小改进）"));
    assert_eq!(
        t.get(&ent, &format!("/enterprises/{b}/ladder"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get(&ent, "/pool").await.status, StatusCode::FORBIDDEN);

    // The API: latest, one pack on a chosen date, bad pack named per field.
    let latest = t
        .get(&ent, &format!("/api/v1/enterprises/{a}/ladder"))
        .await;
    assert_eq!(latest.status, StatusCode::OK);
    assert!(latest.json()["tiers"].as_array().unwrap().len() >= 5);
    let pinned = t
        .json(
            &admin,
            "POST",
            &format!("/api/v1/enterprises/{a}/ladder?pack=HTE-2016&date=2025-06-30"),
            json!({}),
        )
        .await;
    assert_eq!(pinned.status, StatusCode::OK, "{}", pinned.text());
    assert_eq!(pinned.json()["pack"], "HTE-2016");
    assert_eq!(pinned.json()["tiers"][0]["tier"], "high_tech");
    let bad = t
        .json(
            &admin,
            "POST",
            &format!("/api/v1/enterprises/{a}/ladder?pack=HTE-1999&date=2025-02-30"),
            json!({}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["date", "pack"]);

    // Facts from the enterprise, then the pool moves by the bureau.
    let put = t
        .json(
            &ent,
            "PUT",
            &format!("/api/v1/enterprises/{a}/facts"),
            json!({"compliance": {"no_major_incident": true}}),
        )
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.text());
    let csrf = admin.csrf.clone();
    let moved = t
        .form(
            &admin,
            &format!("/enterprises/{a}/pool"),
            &[
                ("_csrf", &csrf),
                ("tier", "high_tech"),
                ("stage", "entered"),
                ("note", "首批"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text());
    let skip = t
        .json(
            &admin,
            "POST",
            &format!("/api/v1/enterprises/{a}/pool"),
            json!({"tier": "high_tech", "stage": "recognized"}),
        )
        .await;
    assert_eq!(skip.status, StatusCode::CONFLICT, "{}", skip.text());
    let pool = t
        .get(&admin, "/api/v1/ladder/pool?tier=high_tech&not_held=true")
        .await;
    assert_eq!(pool.status, StatusCode::OK, "{}", pool.text());
    let items = pool.json()["items"].as_array().unwrap().clone();
    let row = items
        .iter()
        .find(|i| i["organisation_id"] == a.to_string())
        .unwrap();
    assert_eq!(row["stage"], "entered");
    let board = t.get(&admin, "/pool?tier=high_tech").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.text().contains("重庆测试1储能科技有限公司"));

    // The facts form: a bad list is named and changes nothing; a good one saves.
    let ent_csrf = ent.csrf.clone();
    let bad = t
        .form(
            &ent,
            &format!("/enterprises/{a}/facts"),
            &[
                ("_csrf", &ent_csrf),
                ("good_standing", "1"),
                ("lists", "{\"awards\": 3}"),
            ],
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad.text()
    );
    assert!(
        bad.text().contains("lists") || bad.text().contains("补充资料"),
        "{}",
        bad.text()
    );
    let facts = t
        .get(&ent, &format!("/api/v1/enterprises/{a}/facts"))
        .await
        .json();
    assert!(facts["compliance"]["good_standing"].is_null(), "{facts}");
    let ok = t
        .form(
            &ent,
            &format!("/enterprises/{a}/facts"),
            &[
                ("_csrf", &ent_csrf),
                ("good_standing", "1"),
                ("niche_since", "2019"),
                (
                    "lists",
                    "{\"awards\": [{\"level\": \"provincial\", \"year\": 2025, \"rank\": 1}]}",
                ),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let facts = t
        .get(&ent, &format!("/api/v1/enterprises/{a}/facts"))
        .await
        .json();
    assert_eq!(facts["compliance"]["good_standing"], true);
    assert_eq!(facts["market"]["niche_since"], 2019);
    assert_eq!(facts["awards"][0]["rank"], 1);
    // The form carries every declaration: one left at 未声明 clears it.
    assert!(
        facts["compliance"]["no_major_incident"].is_null(),
        "{facts}"
    );
    assert_eq!(
        t.get(&ent, &format!("/enterprises/{a}/facts")).await.status,
        StatusCode::OK
    );

    // Targets: add by form, listed with progress.
    let add = t
        .form(
            &admin,
            "/targets",
            &[
                ("_csrf", &csrf),
                ("name", "高企数量翻番"),
                ("tier", "high_tech"),
                ("baseline_date", "2024-01-01"),
                ("target_value", "10"),
                ("multiple", ""),
                ("due_date", "2027-12-31"),
            ],
        )
        .await;
    assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.text());
    let list = t.get(&admin, "/api/v1/ladder/targets").await;
    assert_eq!(list.json()[0]["target_value"], 10);
    let page = t.get(&admin, "/targets").await;
    assert!(page.text().contains("高企数量翻番"));
}
