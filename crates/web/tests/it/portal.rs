//! The portal's API and pages: the OpenAPI schemas of the portal, home,
//! notification, saved-search and talent routes match what they return; talent
//! demands and records are edited and deleted through the API and the pages; a
//! signed-in `/` leads to the home page.

use crate::harness::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn openapi(t: &TestApp) -> Value {
    t.send(
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json()
}

/// The property names of a named schema.
fn props(doc: &Value, name: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][name]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {name} missing"))
        .keys()
        .cloned()
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

/// The schema name a response (200) or request body of an operation refers to,
/// and whether it is an array of it.
fn schema_ref(op: &Value, request: bool) -> (String, bool) {
    let s = if request {
        &op["requestBody"]["content"]["application/json"]["schema"]
    } else {
        &op["responses"]["200"]["content"]["application/json"]["schema"]
    };
    let (r, array) = match s["$ref"].as_str() {
        Some(r) => (r, false),
        None => (
            s["items"]["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("no schema: {op}")),
            true,
        ),
    };
    (r.rsplit('/').next().unwrap().to_string(), array)
}

#[tokio::test]
async fn portal_routes_document_their_bodies_and_match_them() {
    let t = TestApp::spawn().await;
    let doc = openapi(&t).await;
    // Every route of routes/portal.rs names a response schema; the ones taking a
    // body name its schema too.
    let portal_paths = [
        ("get", "/api/v1/portal", false),
        ("get", "/api/v1/home", false),
        ("get", "/api/v1/notifications", false),
        ("get", "/api/v1/notifications/unread", false),
        ("post", "/api/v1/notifications/read", true),
        ("get", "/api/v1/notifications/prefs", false),
        ("put", "/api/v1/notifications/prefs", true),
        ("get", "/api/v1/saved-searches", false),
        ("post", "/api/v1/saved-searches", true),
        ("delete", "/api/v1/saved-searches/{id}", false),
        ("get", "/api/v1/talent/demands", false),
        ("post", "/api/v1/talent/demands", true),
        ("put", "/api/v1/talent/demands/{id}", true),
        ("delete", "/api/v1/talent/demands/{id}", false),
        ("get", "/api/v1/talent/records", false),
        ("post", "/api/v1/talent/records", true),
        ("put", "/api/v1/talent/records/{id}", true),
        ("delete", "/api/v1/talent/records/{id}", false),
    ];
    for (m, p, body) in portal_paths {
        let op = &doc["paths"][p][m];
        let (name, _) = schema_ref(op, false);
        assert!(!props(&doc, &name).is_empty(), "{m} {p}: {name}");
        if body {
            let (name, _) = schema_ref(op, true);
            assert!(!props(&doc, &name).is_empty(), "{m} {p} request: {name}");
        }
    }
    let response_schema = |m: &str, p: &str| schema_ref(&doc["paths"][p][m], false);
    // Each response's fields are exactly its schema's.
    let check = |m: &str, p: &str, v: &Value| {
        let (name, array) = response_schema(m, p);
        let one = if array {
            let a = v.as_array().unwrap_or_else(|| panic!("{p}: not an array"));
            assert!(!a.is_empty(), "{m} {p}: give the test something to compare");
            a[0].clone()
        } else {
            v.clone()
        };
        assert_eq!(keys(&one), props(&doc, &name), "{m} {p} vs {name}");
    };

    let org = t.enterprise(1, "巴川街道").await;
    t.user("admin", "bureau_admin", None, None).await;
    t.user("ent", "enterprise", Some(&org), None).await;
    t.user("dong", "bureau_reviewer", None, Some(vec!["东城街道"]))
        .await;
    let admin = t.login("admin").await;
    let ent = t.login("ent").await;
    let dong = t.login("dong").await;

    let r = t
        .json(&ent, "POST", "/api/v1/talent/demands", json!({"title": "电池研发工程师", "field": "新型储能", "education": "硕士", "positions": "3"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    check("post", "/api/v1/talent/demands", &r.json());
    let demand = r.json()["demand_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/talent/demands/{demand}");
    let r = t
        .json(
            &ent,
            "PUT",
            &path,
            json!({"title": "", "field": "新型储能", "education": "小学", "positions": "0"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "education", "positions"]);
    let r = t
        .json(&dong, "PUT", &path, json!({"title": "电池研发主管", "field": "新型储能", "education": "博士", "positions": "2"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "another town's reviewer");
    let r = t
        .json(&ent, "PUT", &path, json!({"title": "电池研发主管", "field": "新型储能", "education": "博士", "positions": "2"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    check("put", "/api/v1/talent/demands/{id}", &r.json());
    assert_eq!(r.json()["positions"], 2);
    let list = t.get(&ent, "/api/v1/talent/demands").await.json();
    check("get", "/api/v1/talent/demands", &list);
    assert_eq!(list[0]["title"], "电池研发主管");

    let r = t
        .json(&admin, "POST", "/api/v1/talent/records", json!({"org_id": org.0, "name": "张伟", "category": "博士", "field": "新型储能", "education": "博士", "introduced_on": "2024-03-01"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    check("post", "/api/v1/talent/records", &r.json());
    let rec = r.json()["talent_id"].as_str().unwrap().to_string();
    let rpath = format!("/api/v1/talent/records/{rec}");
    let r = t
        .json(&ent, "PUT", &rpath, json!({"name": "张伟强", "category": "博士", "field": "新型储能", "education": "博士", "introduced_on": "2024-03-01"}))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the enterprise only sees its people"
    );
    let r = t
        .json(&admin, "PUT", &rpath, json!({"org_id": org.0, "name": "张伟强", "category": "领军人才", "field": "新型储能", "education": "博士", "introduced_on": "2024-13-01"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "introduced_on");
    let r = t
        .json(&admin, "PUT", &rpath, json!({"org_id": org.0, "name": "张伟强", "category": "领军人才", "field": "新型储能", "education": "博士", "introduced_on": "2024-04-01"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    check("put", "/api/v1/talent/records/{id}", &r.json());
    assert_eq!(r.json()["category"], "领军人才");
    let list = t.get(&ent, "/api/v1/talent/records").await.json();
    check("get", "/api/v1/talent/records", &list);
    assert_eq!(list[0]["name"], "张伟强");
    let r = t.json(&admin, "DELETE", &rpath, json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    check("delete", "/api/v1/talent/records/{id}", &r.json());
    assert_eq!(
        t.get(&admin, "/api/v1/talent/records").await.json(),
        json!([])
    );

    // Notifications: the enterprise's filing reaches the admin.
    kechuang_app::ops::notify::start(&t.app).await.unwrap();
    let r = t
        .json(
            &ent,
            "POST",
            &format!("/api/v1/enterprises/{org}/filings"),
            json!({"period": "2024Q1", "values": {"employees": 40, "rd_expense": 12.5}}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let r = t
        .json(
            &ent,
            "POST",
            &format!("/api/v1/enterprises/{org}/filings/2024Q1/submit"),
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    kechuang_app::ops::notify::pump(&t.app, &Default::default())
        .await
        .unwrap();
    let v = t.get(&admin, "/api/v1/notifications").await.json();
    check("get", "/api/v1/notifications", &v);
    let v = t.get(&admin, "/api/v1/notifications/unread").await.json();
    check("get", "/api/v1/notifications/unread", &v);
    assert_eq!(v["unread"], 1);
    let v = t.get(&admin, "/api/v1/home").await.json();
    check("get", "/api/v1/home", &v);
    assert_eq!(keys(&v["items"][0]), props(&doc, "HomeItemDto"));
    assert_eq!(keys(&v["recent"][0]), props(&doc, "NotificationDto"));
    let r = t
        .json(&admin, "POST", "/api/v1/notifications/read", json!({}))
        .await;
    check("post", "/api/v1/notifications/read", &r.json());
    assert_eq!(r.json()["changed"], 1);
    let v = t.get(&admin, "/api/v1/notifications/prefs").await.json();
    check("get", "/api/v1/notifications/prefs", &v);
    let r = t
        .json(
            &admin,
            "PUT",
            "/api/v1/notifications/prefs",
            json!({"email": "kj@example.cn", "channels": {"contract_submitted": "email"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    check("put", "/api/v1/notifications/prefs", &r.json());
    let r = t
        .json(
            &admin,
            "PUT",
            "/api/v1/notifications/prefs",
            json!({"email": "", "channels": {"loan_overdue": "fax"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "channel.loan_overdue");
    let r = t
        .json(
            &ent,
            "POST",
            "/api/v1/saved-searches",
            json!({"kind": "need", "q": "储能"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    check("post", "/api/v1/saved-searches", &r.json());
    let sid = r.json()["id"].as_str().unwrap().to_string();
    let v = t.get(&ent, "/api/v1/saved-searches").await.json();
    check("get", "/api/v1/saved-searches", &v);
    let r = t
        .json(
            &ent,
            "DELETE",
            &format!("/api/v1/saved-searches/{sid}"),
            json!({}),
        )
        .await;
    check("delete", "/api/v1/saved-searches/{id}", &r.json());
    let v = t
        .send(Request::get("/api/v1/portal").body(Body::empty()).unwrap())
        .await
        .json();
    check("get", "/api/v1/portal", &v);
    assert_eq!(
        keys(&v["talent_demands"][0]),
        props(&doc, "PortalLatestDto")
    );

    let r = t.json(&ent, "DELETE", &path, json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    check("delete", "/api/v1/talent/demands/{id}", &r.json());
    let r = t.json(&ent, "DELETE", &path, json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signed_in_root_is_the_home_page_and_talent_pages_edit() {
    let t = TestApp::spawn().await;
    let org = t.enterprise(1, "巴川街道").await;
    t.user("admin", "bureau_admin", None, None).await;
    t.user("ent", "enterprise", Some(&org), None).await;
    let admin = t.login("admin").await;
    let ent = t.login("ent").await;
    // Anonymous: the portal; signed in: on to 我的工作台.
    let r = t.send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("科技创新服务中心"));
    for c in [&admin, &ent] {
        let r = t.get(c, "/").await;
        assert!(r.status.is_redirection(), "{}", r.status);
        assert_eq!(r.headers[header::LOCATION], "/home");
    }
    let r = t.get(&ent, "/home").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("30天内到期及逾期的里程碑"));

    // The enterprise edits its demand through the page.
    let d = t
        .json(&ent, "POST", "/api/v1/talent/demands", json!({"title": "电池研发工程师", "field": "新型储能", "education": "硕士", "positions": "3"}))
        .await
        .json();
    let id = d["demand_id"].as_str().unwrap();
    let list = t.get(&ent, "/talent").await.text();
    assert!(list.contains(&format!("/talent/demands/{id}/edit")));
    let page = t.get(&ent, &format!("/talent/demands/{id}/edit")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("电池研发工程师"));
    let edit = format!("/talent/demands/{id}/edit");
    let bad = t
        .form(
            &ent,
            &edit,
            &[
                ("_csrf", &ent.csrf),
                ("title", "电池研发主管"),
                ("field", "新型储能"),
                ("education", "博士"),
                ("positions", "abc"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(text.contains("人数"), "the field is named");
    assert!(text.contains("电池研发主管"), "typed values are kept");
    let ok = t
        .form(
            &ent,
            &edit,
            &[
                ("_csrf", &ent.csrf),
                ("title", "电池研发主管"),
                ("field", "新型储能"),
                ("education", "博士"),
                ("positions", "2"),
            ],
        )
        .await;
    assert!(ok.status.is_redirection(), "{}", ok.text());
    let v = t.get(&ent, "/api/v1/talent/demands").await.json();
    assert_eq!(
        (v[0]["title"].as_str(), v[0]["positions"].as_i64()),
        (Some("电池研发主管"), Some(2))
    );
    let del = t
        .form(
            &ent,
            &format!("/talent/demands/{id}/delete"),
            &[("_csrf", &ent.csrf)],
        )
        .await;
    assert!(del.status.is_redirection());
    assert_eq!(
        t.get(&ent, "/api/v1/talent/demands").await.json(),
        json!([])
    );

    // Bureau staff correct a talent record through the page.
    let r = t
        .json(&admin, "POST", "/api/v1/talent/records", json!({"org_id": org.0, "name": "张伟", "category": "博士", "field": "新型储能", "education": "博士", "introduced_on": "2024-03-01"}))
        .await
        .json();
    let rid = r["talent_id"].as_str().unwrap();
    let edit = format!("/talent/records/{rid}/edit");
    assert_eq!(t.get(&ent, &edit).await.status, StatusCode::FORBIDDEN);
    let ok = t
        .form(
            &admin,
            &edit,
            &[
                ("_csrf", &admin.csrf),
                ("org_id", &org.0),
                ("name", "张伟强"),
                ("category", "领军人才"),
                ("field", "新型储能"),
                ("education", "博士"),
                ("introduced_on", "2024-04-01"),
                ("note", ""),
            ],
        )
        .await;
    assert!(ok.status.is_redirection(), "{}", ok.text());
    let v = t.get(&admin, "/api/v1/talent/records").await.json();
    assert_eq!(v[0]["name"], "张伟强");
}
