//! An enterprise user tries to read and change another enterprise's data through
//! every endpoint; a town-scoped reviewer tries another town's.

use crate::api::API_ROUTES;
use crate::harness::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_enterprise_cannot_reach_another_enterprise_through_any_endpoint() {
    let t = TestApp::spawn().await;
    let mine = t.enterprise(1, "巴川街道").await;
    let other = t.enterprise(2, "东城街道").await;
    t.user("ent", "enterprise", Some(&mine), None).await;
    t.user("admin", "bureau_admin", None, None).await;
    let admin = t.login("admin").await;
    // Give the other enterprise data of every kind.
    let f = t
        .json(
            &admin,
            "POST",
            &format!("/api/v1/enterprises/{other}/filings"),
            json!({"period": "2024Q1", "values": {"employees": 9}}),
        )
        .await;
    assert_eq!(f.status, StatusCode::CREATED);
    let q = t
        .json(
            &admin,
            "POST",
            &format!("/api/v1/enterprises/{other}/qualifications"),
            json!({"kind": "高新技术企业", "recognized_on": "2023-01-01"}),
        )
        .await;
    let qid = q.json()["id"].as_str().unwrap().to_string();
    let ip = t
        .json(&admin, "POST", &format!("/api/v1/enterprises/{other}/ip"), json!({"ip_type": "发明专利", "number": "ZL1", "title": "一种方法", "granted_on": "2022-01-01"}))
        .await;
    assert_eq!(ip.status, StatusCode::CREATED, "{}", ip.text());
    let ip_id = ip.json()["id"].as_str().unwrap().to_string();

    let e = t.login("ent").await;
    let mut checked = 0;
    for (method, path) in API_ROUTES {
        if !path.contains("{id}") {
            continue;
        }
        let p = path
            .replace("{id}", other.as_str())
            .replace("{qid}", &qid)
            .replace("{ip_id}", &ip_id)
            .replace("{period}", "2024Q1")
            .replace("{year}", "2024");
        let body = json!({"period": "2024Q1", "values": {"employees": 1}, "kind": "高新技术企业", "recognized_on": "2023-01-01",
            "ip_type": "发明专利", "number": "ZL2", "title": "x", "credit_code": code(2), "name": "x", "reason": "改一下", "version": 1, "step": "withdraw", "key": "k"});
        let r = if *method == "GET" {
            t.get(&e, &p).await
        } else {
            t.json(&e, method, &p, body).await
        };
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{method} {p} answered {}: {}",
            r.status,
            r.text()
        );
        checked += 1;
        // The page of the same thing, where there is one.
        if *method == "GET" {
            let page = t.get(&e, &p.replace("/api/v1", "")).await;
            assert!(page.status != StatusCode::OK, "page {p} answered 200");
        }
    }
    assert!(checked >= 15, "{checked}");
    // Its own data is fine, and the list shows only itself.
    assert_eq!(
        t.get(&e, &format!("/api/v1/enterprises/{mine}"))
            .await
            .status,
        StatusCode::OK
    );
    let list = t.get(&e, "/api/v1/enterprises").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], mine.0.as_str());
    // Bureau-only endpoints.
    for p in [
        "/api/v1/review-queue",
        "/api/v1/exports/registry.xlsx",
        "/api/v1/reports/district?from=2023-01&to=2023-10",
        "/api/v1/dashboard?period=2023Q3",
    ] {
        assert_eq!(t.get(&e, p).await.status, StatusCode::FORBIDDEN, "{p}");
    }
    // Nothing of the other's changed.
    let versions = t
        .get(
            &admin,
            &format!("/api/v1/enterprises/{other}/filings/2024Q1"),
        )
        .await
        .json();
    assert_eq!(versions.as_array().unwrap().len(), 1);
    assert_eq!(versions[0]["values"]["employees"], "9");
}

#[tokio::test]
async fn a_town_scoped_reviewer_sees_only_its_towns() {
    let t = TestApp::spawn().await;
    let inside = t.enterprise(1, "巴川街道").await;
    let outside = t.enterprise(2, "东城街道").await;
    t.user("town", "bureau_reviewer", None, Some(vec!["巴川街道"]))
        .await;
    let c = t.login("town").await;
    assert_eq!(
        t.get(&c, &format!("/api/v1/enterprises/{inside}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&c, &format!("/api/v1/enterprises/{outside}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get(&c, "/api/v1/enterprises").await.json()["total"], 1);
}
