use crate::harness::*;
use axum::http::StatusCode;
use chrono::Datelike;
use kechuang_core::subsidy::demo_measures;
use serde_json::json;

#[tokio::test]
async fn subsidies_through_the_api_and_the_pages_each_party_seeing_its_own() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    t.user("boss", "bureau_admin", None, None).await;
    t.user("rev", "bureau_reviewer", None, None).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("entb", "enterprise", Some(&b), None).await;
    let (boss, rev, ea, eb) = (
        t.login("boss").await,
        t.login("rev").await,
        t.login("enta").await,
        t.login("entb").await,
    );
    let year = t.app.today().year();
    let mut m = serde_json::to_value(
        demo_measures(year)
            .into_iter()
            .find(|m| m.id == "RD-EQUIPMENT")
            .unwrap(),
    )
    .unwrap();
    m["year"] = json!(year);
    let r = t
        .json(&rev, "POST", "/api/v1/subsidies/measures", m.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.json(&boss, "POST", "/api/v1/subsidies/measures", m).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        r.json()["budget_line"],
        format!("budget:{year}:RD-EQUIPMENT")
    );
    // Anyone reads the measures, in words.
    let anon = t
        .send(
            axum::http::Request::get(format!("/api/v1/subsidies/measures?year={year}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anon.status, StatusCode::OK);
    assert_eq!(
        anon.json()[0]["formula"],
        "按研发设备购置金额的10%给予补助，每户每年最高50万元"
    );

    // A bad declared amount: 422 naming the field, nothing written.
    let app_json = |yuan: &str| {
        json!({"year": year, "measure": "RD-EQUIPMENT", "declared": {"equipment_invoice": yuan}})
            .to_string()
    };
    let r = t
        .upload(
            &ea,
            "/api/v1/subsidies/applications",
            &[("application", &app_json("12.345"))],
            "发票.pdf",
            b"%PDF-1.4",
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["fields"][0]["field"], "declared.equipment_invoice");
    assert_eq!(r.json()["fields"][0]["code"], "number_too_precise");
    let list = t.get(&boss, "/api/v1/subsidies/applications").await;
    assert_eq!(list.json()["total"], 0);
    let r = t
        .upload(
            &ea,
            "/api/v1/subsidies/applications",
            &[("application", &app_json("600000"))],
            "发票.pdf",
            b"%PDF-1.4",
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["amount_applied"]["wan"], "6");
    let att = v["attachments"][0]["id"].as_str().unwrap().to_string();

    // A sees its own; B gets 404 for the application and its file.
    assert_eq!(
        t.get(&ea, &format!("/api/v1/subsidies/applications/{id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&eb, &format!("/api/v1/subsidies/applications/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let file = t
        .get(&ea, &format!("/api/v1/subsidies/attachments/{att}"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, b"%PDF-1.4");
    assert_eq!(
        t.get(&eb, &format!("/api/v1/subsidies/attachments/{att}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&eb, "/api/v1/subsidies/applications").await.json()["total"],
        0
    );

    // The flow: the enterprise cannot review; the reviewer can.
    let r = t
        .json(
            &ea,
            "POST",
            &format!("/api/v1/subsidies/applications/{id}/steps"),
            json!({"step": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = t
        .json(
            &rev,
            "POST",
            &format!("/api/v1/subsidies/applications/{id}/steps"),
            json!({"step": "accept", "comment": "材料齐全"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["stage"], "accepted");
    // Paying what is not approved: 409 naming the application.
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/subsidies/applications/{id}/pay"),
            json!({"key": "k1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(r.json()["fields"][0]["code"], "subsidy_not_approved");

    // Pages: public measures and 公示; the enterprise's 我可申报 and its detail;
    // the reviewer's queue; a step from the page form.
    let page = t
        .send(
            axum::http::Request::get("/subsidies")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("研发设备购置补贴"), "{}", page.text());
    let page = t
        .send(
            axum::http::Request::get("/subsidies/publicity")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("拟支持项目公示"));
    let page = t.get(&ea, "/subsidies/eligible").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("研发设备购置金额不低于50万元"),
        "{}",
        page.text()
    );
    let page = t.get(&ea, &format!("/subsidies/applications/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("办理进度") && page.text().contains("材料齐全"));
    assert_eq!(
        t.get(&eb, &format!("/subsidies/applications/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let queue = t.get(&rev, "/subsidies/applications?stage=accepted").await;
    assert!(queue.text().contains("重庆测试1"), "{}", queue.text());
    let r = t
        .form(
            &rev,
            &format!("/subsidies/applications/{id}/step"),
            &[("_csrf", &rev.csrf), ("step", "pass_first_review")],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.text());
    let v = t
        .get(&rev, &format!("/api/v1/subsidies/applications/{id}"))
        .await
        .json();
    assert_eq!(v["stage"], "first_reviewed");
    let page = t.get(&ea, "/subsidies/apply?measure=RD-EQUIPMENT").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("declared.equipment_invoice"));
}
