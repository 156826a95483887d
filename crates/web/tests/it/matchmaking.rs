use crate::harness::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn needs_round_trip_over_the_api_with_owners_and_field_errors() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("entb", "enterprise", Some(&b), None).await;
    let ea = t.login("enta").await;
    let eb = t.login("entb").await;
    let r = t
        .json(
            &ea,
            "POST",
            "/api/v1/needs",
            json!({"title": "锂电池极片涂布厚度在线检测", "modes": ["委托开发"], "budget_wan": "50",
            "keywords": ["锂电池", "涂布"], "description": "<script>alert(1)</script>"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["modes"][0]["code"], "commissioned");
    assert_eq!(r.json()["description"], "<script>alert(1)</script>");
    let other = t
        .json(
            &eb,
            "PUT",
            &format!("/api/v1/needs/{id}"),
            json!({"title": "改", "modes": ["合作开发"]}),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let bad = t
        .json(
            &ea,
            "POST",
            "/api/v1/needs",
            json!({"title": "", "modes": ["众筹"], "budget_wan": "很多"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["title", "budget_wan", "modes"]);
    let list = t.get(&eb, "/api/v1/needs?q=涂布").await;
    assert_eq!(list.json()["total"], 1);
    let solved = t
        .json(&ea, "PUT", &format!("/api/v1/needs/{id}"), json!({"title": "锂电池极片涂布厚度在线检测", "modes": ["委托开发"], "status": "已解决"}))
        .await;
    assert_eq!(
        solved.json()["status"]["code"],
        "solved",
        "{}",
        solved.text()
    );
}

#[tokio::test]
async fn the_need_form_keeps_every_field_on_error_and_pages_escape_html() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    let c = t.login("enta").await;
    let csrf = c.csrf.clone();
    assert_eq!(t.get(&c, "/needs/new").await.status, StatusCode::OK);
    let bad = t
        .form(
            &c,
            "/needs",
            &[
                ("_csrf", &csrf),
                ("title", "气凝胶隔热毡量产工艺"),
                ("description", "第一行\n第二行"),
                ("budget_wan", "很多"),
                ("modes", "joint"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text();
    assert!(
        html.contains("气凝胶隔热毡量产工艺") && html.contains("第一行\n第二行"),
        "values kept"
    );
    assert!(
        html.contains("field-error") && html.contains("不是数字"),
        "{html}"
    );
    assert!(
        html.contains("value=\"joint\" checked"),
        "the chosen mode stays checked"
    );
    let ok = t
        .form(
            &c,
            "/needs",
            &[
                ("_csrf", &csrf),
                ("title", "气凝胶<script>x</script>"),
                ("budget_wan", "30"),
                ("modes", "joint"),
                ("modes", "commissioned"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let loc = ok
        .headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let page = t.get(&c, &loc).await.text();
    assert!(
        page.contains("气凝胶&lt;script&gt;") || page.contains("气凝胶&#60;script&#62;"),
        "escaped on the page"
    );
    assert!(!page.contains("<script>x</script>"));
    assert!(page.contains("委托开发、合作开发"));
    let list = t.get(&c, "/needs?q=气凝胶").await.text();
    assert!(list.contains("共 1 条"), "{list}");
    let edit = t.get(&c, &format!("{loc}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.text().contains("value=\"commissioned\" checked"));
}

#[tokio::test]
async fn search_finds_a_new_need_at_once_and_the_page_escapes_all_but_the_marks() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    let c = t.login("enta").await;
    let r = t
        .json(
            &c,
            "POST",
            "/api/v1/needs",
            json!({"title": "静脉识别门禁<img src=x>", "modes": ["技术许可"],
            "description": "智慧安防园区需要静脉识别终端"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let found = t.get(&c, "/api/v1/search?q=静脉识别").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    let j = found.json();
    assert_eq!(j["total"], 1, "{j}");
    assert_eq!(j["hits"][0]["kind"], "need");
    assert!(
        j["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "静脉识别"),
        "{j}"
    );
    let page = t.get(&c, "/search?q=静脉识别").await.text();
    assert!(page.contains("<mark>静脉识别</mark>"), "{page}");
    assert!(!page.contains("<img src=x>"), "the title is escaped");
    let empty = t.get(&c, "/api/v1/search?q=%F0%9F%98%80%EF%BC%81").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json()["total"], 0);
    let bad = t.get(&c, "/api/v1/search?q=x&kind=合同").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
