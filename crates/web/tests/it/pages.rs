use crate::harness::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

#[tokio::test]
async fn pages_redirect_to_login_and_login_works_in_the_browser_flow() {
    let t = TestApp::spawn().await;
    t.user("admin", "bureau_admin", None, None).await;
    let r = t
        .send(Request::get("/enterprises").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers.get(header::LOCATION).unwrap(), "/login");
    let page = t
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert!(page.text().contains("<html lang=\"zh-CN\">") && page.text().contains("登录"));
    let bad = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("username=admin&password=wrong-one"))
                .unwrap(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(bad.text().contains("用户名或密码错误"));
    let ok = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("username=admin&password=admin-password"))
                .unwrap(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(
        ok.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("kc_session=")
    );
}

#[tokio::test]
async fn the_list_filters_and_the_profile_shows_indicators_with_yoy() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let _b = t.enterprise(2, "东城街道").await;
    t.user("admin", "bureau_admin", None, None).await;
    let c = t.login("admin").await;
    for (p, rd) in [("2022Q3", "100"), ("2023Q3", "112.5")] {
        let s = t
            .json(
                &c,
                "POST",
                &format!("/api/v1/enterprises/{a}/filings"),
                json!({"period": p, "values": {"rd_expense": rd}}),
            )
            .await;
        assert_eq!(s.status, StatusCode::CREATED);
        t.json(
            &c,
            "POST",
            &format!("/api/v1/enterprises/{a}/filings/{p}/submit"),
            json!({}),
        )
        .await;
        let ok = t
            .json(
                &c,
                "POST",
                &format!("/api/v1/enterprises/{a}/filings/{p}/approve"),
                json!({}),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    }
    let list = t
        .get(&c, "/enterprises?town=%E4%B8%9C%E5%9F%8E%E8%A1%97%E9%81%93")
        .await
        .text();
    assert!(
        list.contains("重庆测试2储能科技有限公司") && !list.contains("重庆测试1储能科技有限公司"),
        "{list}"
    );
    let profile = t.get(&c, &format!("/enterprises/{a}")).await;
    assert_eq!(profile.status, StatusCode::OK);
    let html = profile.text();
    assert!(
        html.contains("同比 +12.5%"),
        "the YoY of 研发费用总额 is shown"
    );
    assert!(html.contains("id=\"trend-chart\"") && html.contains("\"rd_expense\""));
}

#[tokio::test]
async fn an_enterprise_files_through_the_form_and_the_reviewer_returns_it() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("ent", "enterprise", Some(&a), None).await;
    t.user("rev", "bureau_reviewer", None, None).await;
    let e = t.login("ent").await;
    let bad = t
        .form(
            &e,
            &format!("/enterprises/{a}/filings"),
            &[
                ("_csrf", &e.csrf),
                ("period", "2024Q1"),
                ("v_employees", "10"),
                ("v_st_staff", "11"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("超过了职工总数"),
        "the field-level message is on the form"
    );
    let ok = t
        .form(
            &e,
            &format!("/enterprises/{a}/filings"),
            &[
                ("_csrf", &e.csrf),
                ("period", "2024年1-3月"),
                ("v_employees", "10"),
                ("v_st_staff", "3"),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let r = t.login("rev").await;
    let queue = t.get(&r, "/review").await.text();
    assert!(queue.contains("重庆测试1储能科技有限公司"));
    let ret = t
        .form(
            &r,
            &format!("/enterprises/{a}/filings/2024Q1/return"),
            &[
                ("_csrf", &r.csrf),
                ("version", "1"),
                ("reason", "科技人员数请核实"),
            ],
        )
        .await;
    assert_eq!(ret.status, StatusCode::SEE_OTHER);
    let page = t
        .get(&e, &format!("/enterprises/{a}/filings/2024Q1"))
        .await
        .text();
    assert!(page.contains("已退回") && page.contains("科技人员数请核实"));
}

#[tokio::test]
async fn the_bureau_records_a_qualification_and_the_enterprise_an_ip_item_from_the_profile() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("admin", "bureau_admin", None, None).await;
    t.user("ent", "enterprise", Some(&a), None).await;
    let c = t.login("admin").await;
    let r = t
        .form(
            &c,
            &format!("/enterprises/{a}/qualifications"),
            &[
                ("_csrf", &c.csrf),
                ("kind", "高新技术企业"),
                ("number", "GR202351000001"),
                ("recognized_on", "2023/10/8"),
                ("valid_until", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let e = t.login("ent").await;
    let denied = t
        .form(
            &e,
            &format!("/enterprises/{a}/qualifications"),
            &[
                ("_csrf", &e.csrf),
                ("kind", "高新技术企业"),
                ("recognized_on", "2023-10-08"),
            ],
        )
        .await;
    assert_eq!(
        denied.status,
        StatusCode::FORBIDDEN,
        "an enterprise cannot award itself a tier"
    );
    let ip = t
        .form(
            &e,
            &format!("/enterprises/{a}/ip"),
            &[
                ("_csrf", &e.csrf),
                ("ip_type", "发明专利"),
                ("number", "ZL202310000000.1"),
                ("title", "一种储能电芯的热管理方法"),
                ("granted_on", "2024-01-05"),
                ("status", "有效"),
                ("acquisition", "自主研发"),
                ("acquired_on", ""),
                ("used_in_hte", "否"),
            ],
        )
        .await;
    assert_eq!(ip.status, StatusCode::SEE_OTHER, "{}", ip.text());
    let html = t.get(&e, &format!("/enterprises/{a}")).await.text();
    assert!(
        html.contains("GR202351000001") && html.contains("2026-10-07"),
        "three-year term shown"
    );
    assert!(html.contains("一种储能电芯的热管理方法") && html.contains("Ⅰ类"));
}

#[tokio::test]
async fn the_navigation_shows_the_line_and_talent_record_links_by_role() {
    use kechuang_core::role::Role;
    let t = TestApp::spawn().await;
    let org = t.enterprise(1, "巴川街道").await;
    // (role, sees 装配线, sees 人才库)
    let expected = [
        (Role::BureauAdmin, true, true),
        (Role::BureauReviewer, false, true),
        (Role::Enterprise, false, true),
        (Role::Research, false, false),
        (Role::Bank, false, false),
        (Role::LineEngineer, true, false),
        (Role::LineOperator, true, false),
    ];
    assert_eq!(expected.len(), Role::ALL.len());
    for (role, lines, records) in expected {
        let name = role.code().replace('_', "");
        let own = (!role.is_bureau()).then_some(&org);
        t.user(&name, role.code(), own, None).await;
        let c = t.login(&name).await;
        let page = t.get(&c, "/policies").await;
        assert_eq!(page.status, StatusCode::OK, "{}", role.code());
        let html = page.text();
        assert!(html.contains(role.zh()), "{}", role.code());
        assert_eq!(
            html.contains("href=\"/lines\""),
            lines,
            "装配线 for {}",
            role.code()
        );
        assert_eq!(
            html.contains("href=\"/talent/records\""),
            records,
            "人才库 for {}",
            role.code()
        );
    }
    // Signed out: the public navigation has neither.
    let page = t
        .send(Request::get("/policies").body(Body::empty()).unwrap())
        .await;
    let html = page.text();
    assert!(html.contains("公共服务"));
    assert!(!html.contains("href=\"/lines\"") && !html.contains("href=\"/talent/records\""));
}
