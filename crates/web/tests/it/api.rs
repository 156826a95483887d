use crate::harness::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

#[tokio::test]
async fn login_me_and_logout() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let bad = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"username":"admin","password":"nope-nope"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.json()["code"], "unauthorized");

    let c = t.login("admin").await;
    let me = t.get(&c, "/api/v1/me").await;
    assert_eq!(me.json()["role"], "bureau_admin");
    let out = t.json(&c, "DELETE", "/api/v1/session", json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        t.get(&c, "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_session_cookie_is_httponly_and_samesite() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let r = t
        .send(
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"username":"admin","password":"admin-password"}"#,
                ))
                .unwrap(),
        )
        .await;
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && cookie.starts_with("kc_session="),
        "{cookie}"
    );
}

#[tokio::test]
async fn unsafe_requests_with_a_cookie_need_the_csrf_token() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let c = t.login("admin").await;
    let forged = Client {
        token: c.token.clone(),
        csrf: "wrong".into(),
    };
    let body = json!({"credit_code": code(1), "name": "重庆某某科技有限公司"});
    assert_eq!(
        t.json(&forged, "POST", "/api/v1/enterprises", body.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A bearer token is not ambient, so it needs no CSRF header.
    let r = t
        .send(
            Request::post("/api/v1/enterprises")
                .header(header::AUTHORIZATION, format!("Bearer {}", c.token))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // A page form without the token is refused too.
    let page = t
        .form(
            &c,
            "/enterprises/new",
            &[("credit_code", &code(2)), ("name", "x")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_bodies_get_field_level_errors_and_change_nothing() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let c = t.login("admin").await;
    let not_json = t
        .send(
            Request::post("/api/v1/enterprises")
                .header(header::COOKIE, format!("kc_session={}", c.token))
                .header("x-csrf-token", &c.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_json.json()["fields"][0]["code"], "json_invalid");

    let mut wrong = code(3);
    let last = wrong.pop().unwrap();
    wrong.push(if last == '0' { '1' } else { '0' });
    let r = t
        .json(
            &c,
            "POST",
            "/api/v1/enterprises",
            json!({"credit_code": wrong, "name": "", "latitude": "29.8"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = r.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["credit_code", "name", "longitude"]);
    assert!(
        r.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("校验位")
    );
    let list = t.get(&c, "/api/v1/enterprises").await.json();
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn a_filing_goes_through_review_over_the_api() {
    let t = TestApp::spawn().await;
    let org = t.enterprise(1, "巴川街道").await;
    t.user("ent", "enterprise", Some(&org), None).await;
    t.user("rev", "bureau_reviewer", None, None).await;
    let e = t.login("ent").await;
    let r = t.login("rev").await;
    let base = format!("/api/v1/enterprises/{org}/filings");
    let saved = t.json(&e, "POST", &base, json!({"period": "2024Q1", "values": {"rd_expense": 12.5, "employees": "40", "st_staff": 6}})).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text());
    assert_eq!(saved.json()["values"]["rd_expense"], "12.5");
    let sub = t
        .json(&e, "POST", &format!("{base}/2024Q1/submit"), json!({}))
        .await;
    assert_eq!(sub.json()["status"], "submitted");
    let queue = t.get(&r, "/api/v1/review-queue").await.json();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let no_reason = t
        .json(
            &r,
            "POST",
            &format!("{base}/2024Q1/return"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = t
        .json(
            &r,
            "POST",
            &format!("{base}/2024Q1/approve"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(ok.json()["status"], "approved", "{}", ok.text());
    let table = t
        .get(&e, &format!("/api/v1/enterprises/{org}/indicators"))
        .await
        .json();
    assert_eq!(table["periods"], json!(["2024Q1"]));
}

#[tokio::test]
async fn openapi_documents_every_api_route() {
    let t = TestApp::spawn().await;
    let doc = t
        .send(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .json();
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in API_ROUTES {
        let item = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} missing from OpenAPI"));
        assert!(
            item.get(method.to_ascii_lowercase()).is_some(),
            "{method} {path} missing"
        );
    }
    assert_eq!(
        paths
            .values()
            .map(|p| p.as_object().unwrap().len())
            .sum::<usize>(),
        API_ROUTES.len(),
        "OpenAPI lists routes the test does not know"
    );
}

/// Every API route (method, path as in OpenAPI).
pub const API_ROUTES: &[(&str, &str)] = &[
    // Daily matching and the outcome chain (routes/chain.rs).
    ("POST", "/api/v1/needs/{id}/feedback"),
    ("GET", "/api/v1/needs/{id}/feedback"),
    ("GET", "/api/v1/achievements/{id}/needs"),
    ("GET", "/api/v1/recommendations"),
    ("GET", "/api/v1/interests"),
    ("POST", "/api/v1/interests"),
    ("GET", "/api/v1/interests/{id}"),
    ("POST", "/api/v1/interests/{id}/accept"),
    ("POST", "/api/v1/interests/{id}/decline"),
    ("POST", "/api/v1/interests/{id}/withdraw"),
    ("GET", "/api/v1/threads"),
    ("GET", "/api/v1/threads/{id}"),
    ("POST", "/api/v1/threads/{id}/messages"),
    ("POST", "/api/v1/threads/{id}/mediation"),
    ("POST", "/api/v1/threads/{id}/collaboration"),
    ("GET", "/api/v1/collaborations"),
    ("POST", "/api/v1/collaborations"),
    ("GET", "/api/v1/collaborations/{id}"),
    ("POST", "/api/v1/collaborations/{id}/stages"),
    ("POST", "/api/v1/collaborations/{id}/corrections"),
    ("GET", "/api/v1/outcomes"),
    ("GET", "/api/v1/ledger/accounts"),
    ("GET", "/api/v1/ledger/accounts/{account}/statement"),
    ("GET", "/api/v1/ledger/transactions"),
    ("POST", "/api/v1/ledger/transactions"),
    ("GET", "/api/v1/ledger/transactions/{id}"),
    // Knowledge-value credit loans (routes/credit.rs).
    ("GET", "/api/v1/credit/evaluations"),
    ("POST", "/api/v1/credit/evaluations"),
    ("GET", "/api/v1/credit/evaluations/{id}"),
    ("GET", "/api/v1/credit/consents"),
    ("POST", "/api/v1/credit/consents"),
    ("DELETE", "/api/v1/credit/consents/{bank_id}"),
    ("GET", "/api/v1/credit/decisions"),
    ("POST", "/api/v1/credit/decisions"),
    ("GET", "/api/v1/credit/loans"),
    ("POST", "/api/v1/credit/loans"),
    ("GET", "/api/v1/credit/loans/{id}"),
    ("POST", "/api/v1/credit/loans/{id}/repayments"),
    ("GET", "/api/v1/credit/claims"),
    ("POST", "/api/v1/credit/claims"),
    ("POST", "/api/v1/credit/claims/{id}/approve"),
    ("POST", "/api/v1/credit/claims/{id}/reject"),
    ("GET", "/api/v1/credit/breaker"),
    ("GET", "/api/v1/credit/settings"),
    ("PUT", "/api/v1/credit/settings"),
    ("GET", "/api/v1/policies"),
    ("POST", "/api/v1/policies"),
    ("GET", "/api/v1/policies/{id}"),
    ("PUT", "/api/v1/policies/{id}"),
    ("POST", "/api/v1/policies/{id}/publish"),
    ("POST", "/api/v1/policies/{id}/repeal"),
    ("POST", "/api/v1/policies/{id}/expire"),
    ("GET", "/api/v1/policies/by-type"),
    ("GET", "/api/v1/policies/for-org"),
    // Technology contract registration (routes/contracts.rs).
    ("GET", "/api/v1/contracts"),
    ("POST", "/api/v1/contracts"),
    ("GET", "/api/v1/contracts/queue"),
    ("GET", "/api/v1/contracts/stats"),
    ("GET", "/api/v1/contracts/{id}"),
    ("PUT", "/api/v1/contracts/{id}"),
    ("POST", "/api/v1/contracts/{id}/steps"),
    ("POST", "/api/v1/contracts/{id}/changes"),
    ("PUT", "/api/v1/contracts/{id}/links"),
    ("GET", "/api/v1/contracts/{id}/certificate.pdf"),
    ("GET", "/api/v1/challenges"),
    ("POST", "/api/v1/challenges"),
    ("GET", "/api/v1/challenges/publicity"),
    ("GET", "/api/v1/challenges/demands"),
    ("POST", "/api/v1/challenges/demands"),
    ("POST", "/api/v1/challenges/demands/{id}/screening"),
    ("GET", "/api/v1/challenges/applications/mine"),
    ("GET", "/api/v1/challenges/applications/{id}"),
    ("POST", "/api/v1/challenges/applications/{id}/check"),
    ("GET", "/api/v1/challenges/reviews"),
    ("POST", "/api/v1/challenges/scores"),
    ("GET", "/api/v1/challenges/projects"),
    ("POST", "/api/v1/challenges/projects"),
    ("GET", "/api/v1/challenges/projects/{id}"),
    ("POST", "/api/v1/challenges/projects/{id}/tranches"),
    ("POST", "/api/v1/challenges/projects/{id}/reviews"),
    ("POST", "/api/v1/challenges/projects/{id}/acceptance"),
    ("POST", "/api/v1/challenges/projects/{id}/contract"),
    ("GET", "/api/v1/challenges/{id}"),
    ("GET", "/api/v1/challenges/{id}/workbench"),
    ("POST", "/api/v1/challenges/{id}/stage"),
    ("POST", "/api/v1/challenges/{id}/applications"),
    ("GET", "/api/v1/challenges/{id}/panel"),
    ("POST", "/api/v1/challenges/{id}/panel"),
    ("POST", "/api/v1/challenges/{id}/panel/reviewers"),
    ("POST", "/api/v1/challenges/{id}/objections"),
    (
        "POST",
        "/api/v1/challenges/{id}/objections/{objection}/ruling",
    ),
    ("GET", "/api/v1/platforms"),
    ("POST", "/api/v1/platforms"),
    ("GET", "/api/v1/platforms/{id}"),
    ("PUT", "/api/v1/platforms/{id}"),
    ("POST", "/api/v1/platforms/{id}/status"),
    ("POST", "/api/v1/platforms/{id}/evaluations"),
    ("GET", "/api/v1/platforms/levels"),
    ("GET", "/api/v1/institutes/{id}"),
    ("POST", "/api/v1/institutes/{id}/teams"),
    ("PUT", "/api/v1/institutes/{id}/targets"),
    ("POST", "/api/v1/institutes/{id}/projects"),
    ("POST", "/api/v1/institutes/projects/{project_id}/stage"),
    ("GET", "/api/v1/alliances"),
    ("POST", "/api/v1/alliances"),
    ("GET", "/api/v1/alliances/{id}"),
    ("POST", "/api/v1/alliances/{id}/members"),
    ("POST", "/api/v1/alliances/{id}/experts"),
    ("GET", "/api/v1/subsidies/measures"),
    ("POST", "/api/v1/subsidies/measures"),
    ("GET", "/api/v1/subsidies/measures/{year}/{id}"),
    ("GET", "/api/v1/subsidies/eligibility"),
    ("GET", "/api/v1/subsidies/applications"),
    ("POST", "/api/v1/subsidies/applications"),
    ("GET", "/api/v1/subsidies/applications/{id}"),
    ("POST", "/api/v1/subsidies/applications/{id}/steps"),
    ("POST", "/api/v1/subsidies/applications/{id}/attachments"),
    ("POST", "/api/v1/subsidies/applications/{id}/pay"),
    ("GET", "/api/v1/subsidies/attachments/{id}"),
    ("POST", "/api/v1/subsidies/scan"),
    ("POST", "/api/v1/subsidies/offers/{id}/accept"),
    ("POST", "/api/v1/subsidies/offers/{id}/decline"),
    ("GET", "/api/v1/subsidies/publicity"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/indicators"),
    ("GET", "/api/v1/enterprises"),
    ("POST", "/api/v1/enterprises"),
    ("GET", "/api/v1/enterprises/{id}"),
    ("PUT", "/api/v1/enterprises/{id}"),
    ("GET", "/api/v1/enterprises/{id}/indicators"),
    ("GET", "/api/v1/enterprises/{id}/qualifications"),
    ("POST", "/api/v1/enterprises/{id}/qualifications"),
    ("DELETE", "/api/v1/enterprises/{id}/qualifications/{qid}"),
    ("GET", "/api/v1/enterprises/{id}/ip"),
    ("POST", "/api/v1/enterprises/{id}/ip"),
    ("PUT", "/api/v1/enterprises/{id}/ip/{ip_id}"),
    ("GET", "/api/v1/enterprises/{id}/filings"),
    ("POST", "/api/v1/enterprises/{id}/filings"),
    ("GET", "/api/v1/enterprises/{id}/filings/{period}"),
    ("POST", "/api/v1/enterprises/{id}/filings/{period}/submit"),
    ("POST", "/api/v1/enterprises/{id}/filings/{period}/approve"),
    ("POST", "/api/v1/enterprises/{id}/filings/{period}/return"),
    ("GET", "/api/v1/review-queue"),
    ("POST", "/api/v1/imports"),
    ("GET", "/api/v1/exports/registry.xlsx"),
    ("GET", "/api/v1/exports/registry.csv"),
    ("GET", "/api/v1/exports/templates/{kind}"),
    ("GET", "/api/v1/reports/district"),
    ("GET", "/api/v1/dashboard"),
    ("GET", "/api/v1/enterprises/{id}/ladder"),
    ("POST", "/api/v1/enterprises/{id}/ladder"),
    ("GET", "/api/v1/enterprises/{id}/ladder/history"),
    ("GET", "/api/v1/enterprises/{id}/facts"),
    ("PUT", "/api/v1/enterprises/{id}/facts"),
    ("GET", "/api/v1/enterprises/{id}/pool"),
    ("POST", "/api/v1/enterprises/{id}/pool"),
    ("GET", "/api/v1/ladder/runs/{run_id}"),
    ("POST", "/api/v1/ladder/evaluate"),
    ("GET", "/api/v1/ladder/pool"),
    ("GET", "/api/v1/ladder/alerts"),
    ("GET", "/api/v1/ladder/targets"),
    ("POST", "/api/v1/ladder/targets"),
    ("DELETE", "/api/v1/ladder/targets/{id}"),
    ("GET", "/api/v1/needs"),
    ("POST", "/api/v1/needs"),
    ("GET", "/api/v1/needs/{id}"),
    ("PUT", "/api/v1/needs/{id}"),
    ("GET", "/api/v1/achievements"),
    ("POST", "/api/v1/achievements"),
    ("GET", "/api/v1/achievements/{id}"),
    ("PUT", "/api/v1/achievements/{id}"),
    ("GET", "/api/v1/experts"),
    ("POST", "/api/v1/experts"),
    ("GET", "/api/v1/experts/{id}"),
    ("PUT", "/api/v1/experts/{id}"),
    ("POST", "/api/v1/matchmaking/imports"),
    ("GET", "/api/v1/matchmaking/templates/{name}"),
    ("GET", "/api/v1/search"),
    ("GET", "/api/v1/needs/{id}/matches"),
    ("GET", "/api/v1/sessions"),
    ("POST", "/api/v1/sessions"),
    ("GET", "/api/v1/sessions/{id}"),
    ("PUT", "/api/v1/sessions/{id}"),
    ("POST", "/api/v1/sessions/{id}/status"),
    ("POST", "/api/v1/sessions/{id}/participants"),
    ("PUT", "/api/v1/sessions/{id}/participation"),
    ("PUT", "/api/v1/sessions/{id}/wishes"),
    ("POST", "/api/v1/sessions/{id}/schedule"),
    ("POST", "/api/v1/sessions/{id}/meetings"),
    ("PUT", "/api/v1/sessions/{id}/meetings/{mid}"),
    ("DELETE", "/api/v1/sessions/{id}/meetings/{mid}"),
    ("POST", "/api/v1/sessions/{id}/meetings/{mid}/pin"),
    ("POST", "/api/v1/sessions/{id}/signings"),
    ("GET", "/api/v1/sessions/{id}/schedule.xlsx"),
    ("GET", "/api/v1/sessions/{id}/schedule.pdf"),
    // The 科技地图 (routes/map.rs).
    ("GET", "/api/v1/map/points"),
    ("GET", "/api/v1/map/geography"),
    ("POST", "/api/v1/map/geography"),
    ("GET", "/api/v1/map/geography/versions"),
    ("GET", "/api/v1/map/misplaced"),
    // The portal, home pages, notifications, saved searches, talent (routes/portal.rs).
    ("GET", "/api/v1/portal"),
    ("GET", "/api/v1/home"),
    ("GET", "/api/v1/notifications"),
    ("GET", "/api/v1/notifications/unread"),
    ("POST", "/api/v1/notifications/read"),
    ("GET", "/api/v1/notifications/prefs"),
    ("PUT", "/api/v1/notifications/prefs"),
    ("GET", "/api/v1/saved-searches"),
    ("POST", "/api/v1/saved-searches"),
    ("DELETE", "/api/v1/saved-searches/{id}"),
    ("GET", "/api/v1/talent/demands"),
    ("POST", "/api/v1/talent/demands"),
    ("GET", "/api/v1/talent/records"),
    ("POST", "/api/v1/talent/records"),
    ("PUT", "/api/v1/talent/demands/{id}"),
    ("DELETE", "/api/v1/talent/demands/{id}"),
    ("PUT", "/api/v1/talent/records/{id}"),
    ("DELETE", "/api/v1/talent/records/{id}"),
    // The assembly line (routes/line.rs).
    ("GET", "/api/v1/lines"),
    ("POST", "/api/v1/lines"),
    ("GET", "/api/v1/lines/{id}"),
    ("PUT", "/api/v1/lines/{id}"),
    ("GET", "/api/v1/lines/{id}/trace"),
    ("GET", "/api/v1/lines/{id}/visits"),
    ("GET", "/api/v1/lines/{id}/analytics"),
    ("GET", "/api/v1/lines/{id}/batches"),
    ("POST", "/api/v1/lines/{id}/batches"),
    ("GET", "/api/v1/line-batches/{id}"),
    ("POST", "/api/v1/line-batches/{id}/close"),
];

#[tokio::test]
async fn health_readiness_and_metrics() {
    let t = TestApp::spawn().await;
    let h = t
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!((h.status, h.text().as_str()), (StatusCode::OK, "ok"));
    assert_eq!(
        t.send(Request::get("/readyz").body(Body::empty()).unwrap())
            .await
            .status,
        StatusCode::OK
    );
    let m = t
        .send(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .text();
    assert!(
        m.contains("kechuang_http_requests_total{method=\"GET\",status=\"200\"}"),
        "{m}"
    );
    assert!(m.contains("kechuang_database_up 1"));
}

#[tokio::test]
async fn the_api_serves_over_a_real_socket() {
    let db = kechuang_testkit::TestDb::sqlite().await;
    let app = kechuang_app::App::new(db.store.clone(), kechuang_app::AppConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kechuang_web::serve(
        listener,
        kechuang_web::AppState::new(app, kechuang_web::WebConfig::default()),
        async {
            let _ = rx.await;
        },
    ));
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(b"GET /api/v1/indicators HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("研发费用总额"));
    tx.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn unknown_paths_answer_404_in_the_right_shape() {
    let t = TestApp::spawn().await;
    let api = t
        .send(Request::get("/api/v1/nothing").body(Body::empty()).unwrap())
        .await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["code"], "not_found");
    let page = t
        .send(Request::get("/nothing").body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("未找到"));
}
