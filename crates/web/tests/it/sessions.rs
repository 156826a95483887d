use crate::harness::*;
use axum::http::StatusCode;
use kechuang_app::Actor;
use kechuang_app::ops::org::OrgInput;
use serde_json::json;

#[tokio::test]
async fn a_session_is_run_over_the_api_and_shown_on_its_pages() {
    let t = TestApp::spawn().await;
    let e1 = t.enterprise(1, "巴川街道").await;
    let e2 = t.enterprise(2, "东城街道").await;
    let e3 = t.enterprise(3, "南城街道").await;
    let u = kechuang_app::ops::org::create(
        &t.app,
        &Actor::cli(),
        &OrgInput {
            kind: "高校".into(),
            credit_code: "12500000450400001F".into(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap();
    t.user("admin", "bureau_admin", None, None).await;
    t.user("ent1", "enterprise", Some(&e1), None).await;
    t.user("ent3", "enterprise", Some(&e3), None).await;
    let admin = t.login("admin").await;
    let c1 = t.login("ent1").await;
    let c3 = t.login("ent3").await;

    let body = json!({"title": "成渝双城协同·融合创新科技成果对接会", "date": "2024-06-18", "venue": "铜梁区科技创新服务中心",
        "start": "09:00", "slot_minutes": "20", "slots": "4", "tables": "2"});
    assert_eq!(
        t.json(&c1, "POST", "/api/v1/sessions", body.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = t.json(&admin, "POST", "/api/v1/sessions", json!({"title": "x", "date": "2024-06-18", "start": "9点", "slot_minutes": "20", "slots": "4", "tables": "2"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["fields"][0]["field"], "start");
    let r = t.json(&admin, "POST", "/api/v1/sessions", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/sessions/{id}");
    let r = t
        .json(
            &admin,
            "POST",
            &format!("{base}/participants"),
            json!({"org_ids": [e1.to_string(), e2.to_string(), u.to_string()]}),
        )
        .await;
    assert_eq!(r.json()["invited"], 3, "{}", r.text());
    assert_eq!(
        t.json(
            &admin,
            "POST",
            &format!("{base}/status"),
            json!({"status": "open"})
        )
        .await
        .status,
        StatusCode::OK
    );
    for o in [&e1, &e2, &u] {
        let r = t
            .json(
                &admin,
                "PUT",
                &format!("{base}/participation"),
                json!({"org_id": o.to_string(), "confirmed": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let w = t
        .json(
            &c1,
            "PUT",
            &format!("{base}/wishes"),
            json!({"wishes": [u.to_string(), e1.to_string()]}),
        )
        .await;
    assert_eq!(w.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.json()["fields"][0]["field"], "wishes[1]");
    let w = t
        .json(
            &c1,
            "PUT",
            &format!("{base}/wishes"),
            json!({"wishes": [u.to_string(), e2.to_string()]}),
        )
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.text());
    // Outsiders see nothing; participants cannot run the scheduler.
    assert_eq!(t.get(&c3, &base).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.json(&c1, "POST", &format!("{base}/schedule"), json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let f = t
        .json(&admin, "POST", &format!("{base}/schedule"), json!({}))
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text());
    assert_eq!(f.json()["placed_requested"], 2);
    let d = t.get(&admin, &base).await.json();
    let meetings = d["meetings"].as_array().unwrap().clone();
    assert_eq!(meetings.len(), 2);
    // Move one onto the other's slot: e1 is in both, so it is refused, with the reason.
    let (m0, m1) = (&meetings[0], &meetings[1]);
    let clash = t
        .json(
            &admin,
            "PUT",
            &format!("{base}/meetings/{}", m0["id"].as_str().unwrap()),
            json!({"slot": m1["slot"], "table": if m1["table"] == 1 { 2 } else { 1 }}),
        )
        .await;
    assert_eq!(
        clash.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        clash.text()
    );
    assert_eq!(clash.json()["fields"][0]["code"], "schedule_double_booked");
    assert!(
        clash.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("已有洽谈")
    );
    let sign = t.json(&admin, "POST", &format!("{base}/signings"), json!({"title": "储能电芯联合研发", "enterprise_id": e1.to_string(), "partner_id": u.to_string(), "amount_wan": "80"})).await;
    assert_eq!(sign.status, StatusCode::CREATED, "{}", sign.text());

    // Pages: the bureau's grid, the participant's own schedule, the print page.
    let page = t.get(&admin, &format!("/sessions/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("schedule-grid") && html.contains("重庆测试大学"));
    assert!(html.contains("1 项（合计 80.00 万元）"));
    let mine = t.get(&c1, &format!("/sessions/{id}")).await.text();
    assert!(mine.contains("my-schedule") && !mine.contains("schedule-grid"));
    let print = t.get(&c1, &format!("/sessions/{id}/print")).await.text();
    assert!(
        print.contains("@media print") && print.contains("洽谈日程（2 场）"),
        "{print}"
    );
    assert!(
        t.get(&c1, "/sessions")
            .await
            .text()
            .contains("成渝双城协同")
    );
    assert!(
        !t.get(&c3, "/sessions")
            .await
            .text()
            .contains("成渝双城协同")
    );
    // A page form: the participant marks wishes with the CSRF token.
    let csrf = c1.csrf.clone();
    let r = t
        .form(
            &c1,
            &format!("/sessions/{id}"),
            &[("_csrf", &csrf), ("action", "wishes"), ("wish", u.as_str())],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "scheduled sessions take no wishes: {}",
        r.text()
    );

    // Downloads.
    let x = t.get(&c1, &format!("{base}/schedule.xlsx")).await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.body.starts_with(b"PK"));
    let p = t.get(&admin, &format!("{base}/schedule.pdf")).await;
    assert_eq!(p.headers["content-type"], "application/pdf");
    let facts = kechuang_app::pdf::check(&p.body).unwrap();
    assert_eq!(facts.pages, 4, "grid and signings, then three participants");
    let spec = t.get(&admin, "/api/openapi.json").await.json();
    assert!(spec["paths"]["/api/v1/sessions/{id}/meetings/{mid}"].is_object());
}
