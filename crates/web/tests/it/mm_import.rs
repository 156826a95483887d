//! Matchmaking import over HTTP, and the bad-input cases end to end:
//! titles, HTML in every text field on every page that shows it, and queries.

use crate::harness::*;
use axum::http::StatusCode;
use kechuang_app::Actor;
use kechuang_app::ops::org::OrgInput;
use serde_json::json;

const UNI: &str = "12500000450400001F";

async fn university(t: &TestApp) -> kechuang_core::ids::OrgId {
    kechuang_app::ops::org::create(
        &t.app,
        &Actor::cli(),
        &OrgInput {
            kind: "高校".into(),
            credit_code: UNI.into(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_enterprise_imports_its_needs_once_and_bad_rows_are_listed() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.enterprise(2, "东城街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    let c = t.login("enta").await;
    let file = "编号,需求名称,合作方式,预算（万元）,关键词\nN1,电芯检测设备国产化,技术服务,12.5,电芯、检测\n";
    let r = t
        .upload(
            &c,
            "/api/v1/matchmaking/imports",
            &[],
            "n.csv",
            file.as_bytes(),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["applied"], true);
    assert_eq!(r.json()["summary"]["needs"]["created"], 1);
    let again = t
        .upload(
            &c,
            "/api/v1/matchmaking/imports",
            &[],
            "n.csv",
            file.as_bytes(),
            true,
        )
        .await;
    assert_eq!(again.json()["applied"], false);
    assert_eq!(again.json()["summary"]["needs"]["unchanged"], 1);
    assert_eq!(
        t.get(&c, "/api/v1/needs").await.json()["total"],
        1,
        "no duplicate"
    );
    // Another enterprise's row and a bad mode: 422, every cell named, nothing written.
    let bad = format!(
        "编号,统一社会信用代码,需求名称,合作方式\nN2,{},别人的需求,技术服务\nN3,,我的需求,众筹\n",
        code(2)
    );
    let r = t
        .upload(
            &c,
            "/api/v1/matchmaking/imports",
            &[("dry_run", "true")],
            "n.csv",
            bad.as_bytes(),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = r.json();
    assert_eq!(j["error_total"], 2, "{j}");
    assert_eq!(j["errors"][0]["row"], 2);
    assert_eq!(j["errors"][0]["column"], "B");
    assert_eq!(j["errors"][0]["error"]["code"], "org_not_allowed");
    assert_eq!(j["errors"][1]["header"], "合作方式");
    assert!(
        j["error_messages"][1].as_str().unwrap().contains("众筹"),
        "{j}"
    );
    assert_eq!(t.get(&c, "/api/v1/needs").await.json()["total"], 1);
    // A bad kind is a field error; a cookie session without the CSRF header is refused.
    let r = t
        .upload(
            &c,
            "/api/v1/matchmaking/imports",
            &[("kind", "contracts")],
            "n.csv",
            file.as_bytes(),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .upload(
            &c,
            "/api/v1/matchmaking/imports",
            &[],
            "n.csv",
            file.as_bytes(),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_import_page_lists_refused_cells_escaped_and_templates_download() {
    let t = TestApp::spawn().await;
    let u = university(&t).await;
    t.user("uni", "research", Some(&u), None).await;
    let c = t.login("uni").await;
    let page = t.get(&c, "/matchmaking/import").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("id=\"mm-import-form\""));
    let bad = "编号,成果名称,成熟度\nC1,<script>alert(1)</script>,<b>半熟</b>\n";
    let r = t
        .upload(
            &c,
            "/matchmaking/import",
            &[("_csrf", &c.csrf)],
            "c.csv",
            bad.as_bytes(),
            false,
        )
        .await;
    let html = r.text();
    assert!(html.contains("id=\"import-errors\""), "{html}");
    assert!(
        html.contains("成熟度")
            && (html.contains("&lt;b&gt;半熟") || html.contains("&#60;b&#62;半熟")),
        "{html}"
    );
    assert!(!html.contains("<b>半熟") && !html.contains("<script>alert(1)"));
    let ok = "编号,成果名称,成熟度\nC1,<script>alert(1)</script>一种储能方法,中试\n";
    let r = t
        .upload(
            &c,
            "/matchmaking/import",
            &[("_csrf", &c.csrf)],
            "c.csv",
            ok.as_bytes(),
            false,
        )
        .await;
    assert!(r.text().contains("导入成功"), "{}", r.text());
    assert!(r.text().contains("科技成果：新增 1"));
    let list = t.get(&c, "/achievements").await.text();
    assert!(
        list.contains("&lt;script&gt;alert(1)") || list.contains("&#60;script"),
        "{list}"
    );
    assert!(!list.contains("<script>alert(1)"));
    let r = t
        .upload(
            &c,
            "/matchmaking/import",
            &[("_csrf", "wrong")],
            "c.csv",
            ok.as_bytes(),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Templates.
    let x = t
        .get(&c, "/api/v1/matchmaking/templates/matchmaking.xlsx")
        .await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.body.starts_with(b"PK"));
    let n = t.get(&c, "/api/v1/matchmaking/templates/needs.csv").await;
    assert_eq!(n.status, StatusCode::OK);
    assert!(n.text().contains("需求名称"));
    assert_eq!(
        t.get(&c, "/api/v1/matchmaking/templates/contracts.csv")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&c, "/docs/matchmaking-import").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn empty_and_100_kb_titles_are_refused_over_the_api_naming_the_field() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    let c = t.login("enta").await;
    let huge = "长".repeat(100 * 1024 / 3);
    for (path, field, body) in [
        (
            "/api/v1/needs",
            "title",
            json!({"title": "", "modes": ["合作开发"]}),
        ),
        (
            "/api/v1/needs",
            "title",
            json!({"title": huge, "modes": ["合作开发"]}),
        ),
        ("/api/v1/achievements", "title", json!({"title": ""})),
        ("/api/v1/achievements", "title", json!({"title": huge})),
        ("/api/v1/experts", "name", json!({"name": " "})),
        ("/api/v1/experts", "name", json!({"name": huge})),
    ] {
        let r = t.json(&c, "POST", path, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.text()
        );
        let j = r.json();
        assert_eq!(j["fields"][0]["field"], field, "{j}");
        let msg = j["fields"][0]["message"].as_str().unwrap();
        assert!(msg.contains("不能为空") || msg.contains("最多"), "{msg}");
    }
    let form = t
        .form(
            &c,
            "/needs",
            &[("_csrf", &c.csrf), ("title", &huge), ("modes", "joint")],
        )
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.text().contains("最多200个字符"));
    assert_eq!(t.get(&c, "/api/v1/needs").await.json()["total"], 0);
}

#[tokio::test]
async fn html_in_every_text_field_is_shown_escaped_on_every_page() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let u = university(&t).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("uni", "research", Some(&u), None).await;
    let e = t.login("enta").await;
    let r = t.login("uni").await;
    let x = "<script>alert(7)</script>";
    let need = t
        .json(&e, "POST", "/api/v1/needs", json!({
            "title": format!("储能{x}"), "description": x, "indicators": x, "problem": x, "basis": x,
            "modes": ["合作开发"], "field": x, "keywords": [x]}))
        .await;
    assert_eq!(need.status, StatusCode::CREATED, "{}", need.text());
    let nid = need.json()["id"].as_str().unwrap().to_string();
    let ach = t
        .json(&r, "POST", "/api/v1/achievements", json!({
            "title": format!("储能{x}"), "summary": x, "inventors": [x], "field": x, "keywords": [x]}))
        .await;
    assert_eq!(ach.status, StatusCode::CREATED, "{}", ach.text());
    let aid = ach.json()["id"].as_str().unwrap().to_string();
    let exp = t
        .json(&r, "POST", "/api/v1/experts", json!({
            "name": format!("王{x}"), "title": x, "fields": [x], "keywords": [x], "projects": x, "profile": x}))
        .await;
    assert_eq!(exp.status, StatusCode::CREATED, "{}", exp.text());
    let xid = exp.json()["id"].as_str().unwrap().to_string();
    assert_eq!(exp.json()["profile"], x, "stored as text");
    for (who, path) in [
        (&e, format!("/needs/{nid}")),
        (&e, format!("/needs/{nid}/edit")),
        (&e, "/needs".to_string()),
        (&e, format!("/achievements/{aid}")),
        (&r, format!("/achievements/{aid}/edit")),
        (&e, "/achievements".to_string()),
        (&e, format!("/experts/{xid}")),
        (&r, format!("/experts/{xid}/edit")),
        (&e, "/experts".to_string()),
        (&e, "/search?q=储能".to_string()),
        (&e, "/search?q=王".to_string()),
    ] {
        let p = t.get(who, &path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        let html = p.text();
        assert!(!html.contains("<script>alert(7)"), "{path} shows raw HTML");
        assert!(
            html.contains("&lt;script&gt;alert(7)") || html.contains("&#60;script&#62;alert(7)"),
            "{path} does not show the text: {html}"
        );
    }
}

#[tokio::test]
async fn punctuation_emoji_and_very_long_queries_are_graceful_on_the_api_and_the_page() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    let c = t.login("enta").await;
    let r = t
        .json(
            &c,
            "POST",
            "/api/v1/needs",
            json!({"title": "储能锂电池热失控预警", "modes": ["合作开发"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let long = "锂电池".repeat(1_500);
    for text in [
        "！？。，、；：（）【】",
        "((**\"\\AND OR:^~[]{}",
        "😀🔋⚡️👍🏽",
        "...---...",
        long.as_str(),
    ] {
        let q = enc(text);
        let api = t.get(&c, &format!("/api/v1/search?q={q}")).await;
        assert_eq!(api.status, StatusCode::OK, "{text:.20}: {}", api.text());
        let page = t.get(&c, &format!("/search?q={q}")).await;
        assert_eq!(page.status, StatusCode::OK, "{text:.20}");
        if text.chars().all(|c| !c.is_alphanumeric()) {
            assert_eq!(api.json()["total"], 0, "{text}");
        }
    }
    let api = t.get(&c, &format!("/api/v1/search?q={}", enc(&long))).await;
    assert_eq!(api.json()["total"], 1, "a long query still finds its words");
}

#[tokio::test]
async fn a_pinyin_query_suggests_the_indexed_term_on_the_api_and_the_page() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    t.user("enta", "enterprise", Some(&a), None).await;
    let c = t.login("enta").await;
    let r = t
        .json(&c, "POST", "/api/v1/needs", json!({"title": "储能锂电池热失控预警", "modes": ["合作开发"], "keywords": ["储能", "battery"]}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for (q, want) in [
        ("chuneng", "储能"),
        ("chu%20neng", "储能"),
        ("lidianchi", "锂电池"),
        ("cn", "储能"),
        ("batery", "battery"),
    ] {
        let j = t.get(&c, &format!("/api/v1/search?q={q}")).await.json();
        assert_eq!(j["suggestion"], want, "{q}: {j}");
    }
    let page = t.get(&c, "/search?q=lidianchi").await.text();
    assert!(page.contains("id=\"suggestion\""), "{page}");
    assert!(page.contains(">锂电池</a>"), "{page}");
    // A known word has no suggestion.
    let j = t.get(&c, "/api/v1/search?q=battery").await.json();
    assert_eq!(j["total"], 1);
    assert!(j["suggestion"].is_null(), "{j}");
}
