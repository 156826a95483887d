use crate::harness::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_ledger_api_moves_money_once_and_shows_each_party_its_own() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    t.user("boss", "bureau_admin", None, None).await;
    t.user("rev", "bureau_reviewer", None, None).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("entb", "enterprise", Some(&b), None).await;
    let boss = t.login("boss").await;
    let rev = t.login("rev").await;
    let ea = t.login("enta").await;
    let eb = t.login("entb").await;

    let r = t
        .json(&boss, "POST", "/api/v1/ledger/transactions",
            json!({"op": "appropriate", "key": "a1", "to": "budget:2026:RD-INVEST", "name": "研发投入补助", "amount_fen": 500_000_000_i64}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let pay = json!({"op": "pay", "key": "p1", "from": "budget:2026:RD-INVEST", "org_id": a.to_string(),
                     "amount_fen": 12_345_678_i64, "basis": "APP-2026-0001"});
    let r = t
        .json(&boss, "POST", "/api/v1/ledger/transactions", pay.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["amount"]["yuan"], "123,456.78");
    assert_eq!(r.json()["amount"]["wan"], "12.345678");
    let again = t
        .json(&boss, "POST", "/api/v1/ledger/transactions", pay.clone())
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["replayed"], true);
    assert_eq!(again.json()["id"], r.json()["id"]);
    let twice = t
        .json(&boss, "POST", "/api/v1/ledger/transactions",
            json!({"op": "pay", "key": "p2", "from": "budget:2026:RD-INVEST", "org_id": a.to_string(), "amount_fen": 1, "basis": "APP-2026-0001"}))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.text());
    assert_eq!(twice.json()["fields"][0]["field"], "basis");
    let over = t
        .json(&boss, "POST", "/api/v1/ledger/transactions",
            json!({"op": "pay", "key": "p3", "from": "budget:2026:RD-INVEST", "org_id": b.to_string(), "amount_fen": 500_000_000_i64, "basis": "APP-2026-0002"}))
        .await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.text());
    assert_eq!(over.json()["fields"][0]["field"], "amount_fen");
    let bad = t
        .json(
            &boss,
            "POST",
            "/api/v1/ledger/transactions",
            json!({"op": "gift"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let denied = t
        .json(&rev, "POST", "/api/v1/ledger/transactions", pay)
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    let accts = t.get(&rev, "/api/v1/ledger/accounts").await;
    assert_eq!(
        accts.json().as_array().unwrap().len(),
        3,
        "{}",
        accts.text()
    );
    let own = t.get(&ea, "/api/v1/ledger/accounts").await;
    assert_eq!(own.json().as_array().unwrap().len(), 1);
    assert_eq!(own.json()[0]["balance"]["fen"], 12_345_678_i64);
    let st = t
        .get(
            &ea,
            &format!("/api/v1/ledger/accounts/enterprise:{a}/statement"),
        )
        .await;
    assert_eq!(st.status, StatusCode::OK, "{}", st.text());
    assert_eq!(
        st.json()["lines"][0]["balance_after"]["fen"],
        12_345_678_i64
    );
    let hidden = t
        .get(
            &eb,
            &format!("/api/v1/ledger/accounts/enterprise:{a}/statement"),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get(&eb, "/api/v1/ledger/transactions").await.json()["total"],
        0
    );
    assert_eq!(
        t.get(&rev, "/api/v1/ledger/transactions").await.json()["total"],
        2
    );

    let page = t.get(&boss, "/ledger").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("资金台账")
            && page.text().contains("123,456.78")
            && page.text().contains("12.345678"),
        "{}",
        page.text()
    );
    let mine = t.get(&ea, "/ledger").await.text();
    assert!(
        mine.contains("资金到账") && mine.contains("APP-2026-0001") && mine.contains("123,456.78")
    );
    let theirs = t.get(&eb, "/ledger").await.text();
    assert!(theirs.contains("暂无资金到账记录") && !theirs.contains("APP-2026-0001"));
}
