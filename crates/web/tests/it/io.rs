//! Import over the API and the page; exports and the report over HTTP.

use crate::harness::*;
use axum::http::StatusCode;

fn csv(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from("统一社会信用代码,企业名称,所属镇街,产业集群\n");
    for (code, name) in rows {
        s.push_str(&format!("{code},{name},巴川街道,新型储能\n"));
    }
    s.into_bytes()
}

#[tokio::test]
async fn a_bad_upload_lists_its_cells_and_a_fixed_one_imports() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let c = t.login("admin").await;
    let good = code(7);
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });

    let r = t
        .upload(
            &c,
            "/api/v1/imports",
            &[],
            "e.csv",
            &csv(&[(&bad, "重庆乙科技有限公司")]),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let j = r.json();
    assert_eq!(j["applied"], false);
    assert_eq!(j["errors"][0]["row"], 2);
    assert_eq!(j["errors"][0]["column"], "A");
    assert_eq!(j["errors"][0]["value"], bad.as_str());
    assert_eq!(j["errors"][0]["error"]["code"], "credit_code_check_char");
    assert_eq!(t.get(&c, "/api/v1/enterprises").await.json()["total"], 0);

    let r = t
        .upload(
            &c,
            "/api/v1/imports",
            &[],
            "e.csv",
            &csv(&[(&good, "重庆乙科技有限公司")]),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["applied"], true);
    assert_eq!(t.get(&c, "/api/v1/enterprises").await.json()["total"], 1);

    // Without the CSRF header a cookie session cannot upload.
    let r = t
        .upload(
            &c,
            "/api/v1/imports",
            &[],
            "e.csv",
            &csv(&[(&good, "x")]),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_import_page_shows_the_error_table_then_success() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let c = t.login("admin").await;
    let page = t.get(&c, "/import").await;
    assert!(page.text().contains("id=\"import-form\""));
    let r = t
        .upload(
            &c,
            "/import",
            &[("_csrf", &c.csrf)],
            "e.csv",
            &csv(&[("91500151ABC", "重庆丙科技有限公司")]),
            false,
        )
        .await;
    let html = r.text();
    assert!(
        html.contains("id=\"import-errors\"") && html.contains("统一社会信用代码应为18位"),
        "{html}"
    );
    let r = t
        .upload(
            &c,
            "/import",
            &[("_csrf", &c.csrf)],
            "e.csv",
            &csv(&[(&code(8), "重庆丙科技有限公司")]),
            false,
        )
        .await;
    assert!(r.text().contains("导入成功"), "{}", r.text());
    let r = t
        .upload(
            &c,
            "/import",
            &[("_csrf", "wrong")],
            "e.csv",
            &csv(&[(&code(9), "x")]),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn exports_templates_and_the_report_over_http() {
    let t = TestApp::spawn().await;
    t.enterprise(1, "巴川街道").await;
    t.user("admin", "bureau_admin", None, None).await;
    let c = t.login("admin").await;
    let x = t.get(&c, "/api/v1/exports/registry.xlsx").await;
    assert_eq!(x.status, StatusCode::OK);
    assert_eq!(&x.body[..2], b"PK");
    let csv = t.get(&c, "/api/v1/exports/registry.csv").await;
    assert!(String::from_utf8_lossy(&csv.body).contains("重庆测试1储能科技有限公司"));
    assert_eq!(
        t.get(&c, "/api/v1/exports/templates/filings").await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&c, "/api/v1/exports/templates/nothing").await.status,
        StatusCode::NOT_FOUND
    );
    let r = t
        .get(&c, "/api/v1/reports/district?from=2023-01&to=2023-10")
        .await
        .json();
    assert_eq!(r["tech_enterprises"]["total"], 0);
    assert!(r["rd_above_scale"]["amount_wan"].is_null());
    let bad = t
        .get(&c, "/api/v1/reports/district?from=2023-13&to=2023-10")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = t.get(&c, "/report?from=2023-01&to=2023-10").await.text();
    assert!(page.contains("截至2023年10月31日"), "{page}");
    let dash = t.get(&c, "/dashboard?period=2023Q3").await;
    assert_eq!(dash.status, StatusCode::OK);
}
