//! 技术合同登记 over HTTP: the API from submission to the certificate, another
//! enterprise's 404, field errors, and every page rendering.

use crate::harness::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn contract_body(seller: u32, buyer: u32, wan: i64, text: &str) -> Value {
    json!({
        "title": "储能电池热管理系统委托开发合同",
        "subtype": "commissioned_development",
        "field": "new_energy",
        "amount_fen": wan * 1_000_000,
        "non_technical_fen": 0,
        "tech_transaction_fen": wan * 1_000_000,
        "signed_on": "2026-01-10",
        "valid_from": "2026-01-10",
        "valid_to": "2030-01-09",
        "text": text,
        "parties": [
            {"side": "seller", "name": format!("重庆测试{seller}储能科技有限公司"), "credit_code": code(seller), "kind": "enterprise"},
            {"side": "buyer", "name": format!("重庆测试{buyer}储能科技有限公司"), "credit_code": code(buyer), "kind": "enterprise"}
        ]
    })
}

#[tokio::test]
async fn a_contract_goes_from_submission_to_certificate_over_the_api_and_pages() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    let c = t.enterprise(3, "南城街道").await;
    t.user("rev", "bureau_reviewer", None, None).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("entb", "enterprise", Some(&b), None).await;
    t.user("entc", "enterprise", Some(&c), None).await;
    let rev = t.login("rev").await;
    let ea = t.login("enta").await;
    let eb = t.login("entb").await;
    let ec = t.login("entc").await;

    // Bad input: the technology transaction amount above the contract amount.
    let mut bad = contract_body(1, 2, 100, "正文");
    bad["tech_transaction_fen"] = json!(101_000_000_i64);
    let r = t.json(&ea, "POST", "/api/v1/contracts", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("tech_transaction"), "{}", r.text());

    let r = t
        .json(
            &ea,
            "POST",
            "/api/v1/contracts",
            contract_body(1, 2, 100, "甲方委托乙方开发储能电池热管理系统。"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["contract"]["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["contract"]["status"], "submitted");
    // The same contract again is a conflict naming the first.
    let r = t
        .json(
            &ea,
            "POST",
            "/api/v1/contracts",
            contract_body(1, 2, 100, "甲方委托乙方开发储能电池热管理系统"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

    // The registrar's queue, then accept and register.
    let q = t.get(&rev, "/api/v1/contracts/queue").await;
    assert_eq!(q.status, StatusCode::OK);
    assert_eq!(q.json().as_array().unwrap().len(), 1);
    let r = t
        .json(
            &rev,
            "POST",
            &format!("/api/v1/contracts/{id}/steps"),
            json!({"step": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["regime"], "TCR-2026");
    // The seller cannot register its own contract.
    let r = t
        .json(
            &ea,
            "POST",
            &format!("/api/v1/contracts/{id}/steps"),
            json!({"step": "register"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let r = t
        .json(&rev, "POST", &format!("/api/v1/contracts/{id}/steps"),
            json!({"step": "register", "subtype": "cooperative_development", "tech_transaction_fen": 90_000_000_i64}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let number = r.json()["registration_number"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(number.ends_with("500151000001"), "{number}");

    // The certificate for the seller and the buyer; another enterprise gets 404.
    let pdf = t
        .get(&ea, &format!("/api/v1/contracts/{id}/certificate.pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(kechuang_app::pdf::check(&pdf.body).is_ok());
    assert_eq!(
        t.get(&eb, &format!("/api/v1/contracts/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&ec, &format!("/api/v1/contracts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&ec, &format!("/contracts/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get(&ec, "/api/v1/contracts").await.json()["total"], 0);
    // Statistics are the bureau's.
    assert_eq!(
        t.get(&ea, "/api/v1/contracts/stats").await.status,
        StatusCode::FORBIDDEN
    );
    let s = t.get(&rev, "/api/v1/contracts/stats").await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text());
    assert_eq!(s.json()["total"]["count"], 1);
    assert_eq!(s.json()["total"]["tech"]["fen"], 90_000_000_i64);

    // Pages.
    for (who, path, needle) in [
        (&ea, "/contracts".to_string(), "我的技术合同"),
        (&ea, "/contracts/new".to_string(), "合同当事人"),
        (&rev, "/contracts".to_string(), "技术合同登记"),
        (&rev, "/contracts/queue".to_string(), "技术合同待审查"),
        (&rev, format!("/contracts/{id}"), number.as_str()),
        (&ea, format!("/contracts/{id}"), "下载登记证明"),
        (&rev, "/contracts/stats".to_string(), "技术合同成交额"),
    ] {
        let p = t.get(who, &path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.text());
        assert!(p.text().contains(needle), "{path} lacks {needle}");
    }
    // The registration form posts a contract (amounts in 万元).
    let name_a = "重庆测试1储能科技有限公司";
    let name_c = "重庆测试3储能科技有限公司";
    let code_a = code(1);
    let code_c = code(3);
    let r = t
        .form(
            &ea,
            "/contracts/new",
            &[
                ("_csrf", ea.csrf.as_str()),
                ("title", "检测服务合同"),
                ("subtype", "general_service"),
                ("field", "new_materials"),
                ("amount_wan", "12.5"),
                ("non_technical_wan", "2.5"),
                ("tech_transaction_wan", ""),
                ("signed_on", "2026-02-01"),
                ("valid_from", "2026-02-01"),
                ("valid_to", "2027-01-31"),
                ("p0_side", "seller"),
                ("p0_name", name_a),
                ("p0_code", code_a.as_str()),
                ("p0_kind", "enterprise"),
                ("p1_side", "buyer"),
                ("p1_name", name_c),
                ("p1_code", code_c.as_str()),
                ("p1_kind", "enterprise"),
                ("text", "乙方为甲方提供材料检测服务。"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let list = t
        .get(&ea, "/api/v1/contracts?status=submitted")
        .await
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["tech_verified"]["wan"], "10");
    // A form without the CSRF token is refused.
    let r = t.form(&ea, "/contracts/new", &[("title", "x")]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
}
