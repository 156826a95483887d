//! Knowledge-value credit over HTTP: a bank sees an evaluation only with the
//! enterprise's consent (404 otherwise and after revocation), bad loans are 422,
//! a claim is paid once, and the three pages.

use crate::harness::*;
use axum::http::StatusCode;
use kechuang_app::Actor;
use kechuang_app::ops::ip::{self, IpInput};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_core::ids::OrgId;
use serde_json::json;

async fn bank(t: &TestApp, n: u32) -> OrgId {
    org::create(
        &t.app,
        &Actor::cli(),
        &OrgInput {
            kind: "银行".into(),
            credit_code: code(n),
            name: format!("测试银行{n}支行"),
            town: "巴川街道".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn patents(t: &TestApp, org: &OrgId) {
    for i in 0..10 {
        let input = IpInput {
            ip_type: if i < 5 {
                "发明专利"
            } else {
                "实用新型"
            }
            .into(),
            number: format!("ZL2019{i:06}"),
            title: format!("一种电池管理方法{i}"),
            granted_on: "2020-05-01".into(),
            status: "有效".into(),
            acquisition: "自主研发".into(),
            ..Default::default()
        };
        ip::add(&t.app, &Actor::cli(), org, &input).await.unwrap();
    }
}

#[tokio::test]
async fn credit_api_and_pages_keep_each_party_to_what_it_may_see() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    patents(&t, &a).await;
    let x = bank(&t, 31).await;
    let y = bank(&t, 32).await;
    t.user("boss", "bureau_admin", None, None).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("bankx", "bank", Some(&x), None).await;
    t.user("banky", "bank", Some(&y), None).await;
    let boss = t.login("boss").await;
    let ea = t.login("enta").await;
    let bx = t.login("bankx").await;
    let by = t.login("banky").await;

    let r = t
        .json(
            &boss,
            "POST",
            "/api/v1/credit/evaluations",
            json!({"org_id": a.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let eval = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["grade"], "D");
    assert_eq!(r.json()["line"]["wan"], "160");
    let path = format!("/api/v1/credit/evaluations/{eval}");

    // No consent: the bank's list is empty, the read and a decision are 404.
    assert_eq!(
        t.get(&bx, "/api/v1/credit/evaluations").await.json(),
        json!([])
    );
    assert_eq!(t.get(&bx, &path).await.status, StatusCode::NOT_FOUND);
    let decide = json!({"evaluation_id": eval, "approve": true, "amount_fen": 100_000_000_i64});
    let r = t
        .json(&bx, "POST", "/api/v1/credit/decisions", decide.clone())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Consent to bank X: X sees it, Y still does not.
    let r = t
        .json(
            &ea,
            "POST",
            "/api/v1/credit/consents",
            json!({"bank_id": x.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(t.get(&bx, &path).await.status, StatusCode::OK);
    assert_eq!(
        t.get(&bx, "/api/v1/credit/evaluations")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(t.get(&by, &path).await.status, StatusCode::NOT_FOUND);

    let r = t
        .json(&bx, "POST", "/api/v1/credit/decisions", decide.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let decision = r.json()["id"].as_str().unwrap().to_string();

    // A loan ending before it starts: 422 naming the field.
    let bad = json!({"decision_id": decision, "amount_fen": 100_000_000_i64, "rate_bp": 385,
                     "start": "2025-06-01", "end": "2025-01-01"});
    let r = t.json(&bx, "POST", "/api/v1/credit/loans", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["fields"][0]["field"], "end");
    assert_eq!(r.json()["fields"][0]["code"], "loan_end_before_start");
    let good = json!({"decision_id": decision, "amount_fen": 100_000_001_i64, "rate_bp": 385,
                      "start": "2025-01-01", "end": "2025-06-30", "leveraged_commercial_fen": 200_000_000_i64});
    let r = t.json(&bx, "POST", "/api/v1/credit/loans", good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let loan = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["status"], "overdue");
    // The enterprise sees its loan; the other bank does not.
    assert_eq!(
        t.get(&ea, "/api/v1/credit/loans")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        t.get(&by, &format!("/api/v1/credit/loans/{loan}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Revoked: 404 from now on, and a new decision is refused.
    let r = t
        .json(
            &ea,
            "DELETE",
            &format!("/api/v1/credit/consents/{x}"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(t.get(&bx, &path).await.status, StatusCode::NOT_FOUND);
    let r = t
        .json(&bx, "POST", "/api/v1/credit/decisions", decide)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.json()["fields"][0]["code"], "credit_consent_revoked");

    // The only loan is overdue: the bad-loan ratio is 100 %, claims are suspended.
    let r = t.get(&boss, "/api/v1/credit/breaker").await;
    assert_eq!(r.json()["state"], "tripped", "{}", r.text());
    let r = t
        .json(
            &bx,
            "POST",
            "/api/v1/credit/claims",
            json!({"loan_id": loan}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.json()["fields"][0]["code"], "credit_breaker_tripped");
    // The bureau raises the suspension level to 100 % and the claim goes in.
    let r = t
        .json(&boss, "PUT", "/api/v1/credit/settings",
            json!({"line_table": "2023", "claim_min_days": 90, "validity_days": 365,
                   "rule": {"fund_pct": 80, "city_district": [4, 6], "warning_bp": 9000, "breaker_bp": 10000}}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = t
        .json(
            &bx,
            "POST",
            "/api/v1/credit/claims",
            json!({"loan_id": loan}),
        )
        .await;
    // 100 % ≥ 100 %: still tripped.
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

    // Pages.
    let page = t.get(&ea, "/credit").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(
        text.contains("知识价值信用评价") && text.contains("知识产权") && text.contains("160"),
        "{text}"
    );
    assert!(text.contains("测试银行31支行") && text.contains("授权查看"));
    let page = t.get(&bx, "/credit").await.text();
    assert!(
        page.contains("授信工作台") && page.contains("逾期贷款"),
        "{page}"
    );
    assert!(
        !page.contains("重庆测试1储能科技有限公司</a>"),
        "no longer consented"
    );
    let page = t.get(&boss, "/credit").await.text();
    assert!(
        page.contains("科技金融") && page.contains("不良贷款率") && page.contains("熔断"),
        "{page}"
    );
    assert_eq!(
        t.get(&by, &format!("/credit/evaluations/{eval}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A consent form post re-grants, and the evaluation page opens for the bank.
    let r = t
        .form(
            &ea,
            "/credit/consent",
            &[("_csrf", &ea.csrf), ("bank_id", &x.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let p = t.get(&bx, &format!("/credit/evaluations/{eval}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text().contains("发明专利 5 件"));
}
