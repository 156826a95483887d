use crate::harness::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

fn body(title: &str, doc_no: &str) -> Value {
    json!({
        "title": title,
        "issuer": "铜梁区科学技术局",
        "doc_no": doc_no,
        "level": "district",
        "category": "科技创新",
        "published_on": "2024-03-01",
        "effective_from": "2024-03-01",
        "summary": "对企业研发投入给予补助。",
        "body": "第一条 对研发投入增长的企业给予研发投入补助。\n第二条 对高新技术企业给予奖励。",
        "audiences": ["enterprise", "high_tech"],
        "measures": ["RD-INVEST"]
    })
}

async fn anonymous(t: &TestApp, path: &str) -> Resp {
    t.send(Request::get(path).body(Body::empty()).unwrap())
        .await
}

#[tokio::test]
async fn the_public_searches_and_reads_published_policies_without_login() {
    let t = TestApp::spawn().await;
    t.user("boss", "bureau_admin", None, None).await;
    let boss = t.login("boss").await;
    let published = t
        .json(
            &boss,
            "POST",
            "/api/v1/policies",
            body("研发投入补助办法", "铜科发〔2024〕3号"),
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{}",
        published.text()
    );
    assert_eq!(published.json()["status"]["code"], "draft");
    let id = published.json()["id"].as_str().unwrap().to_string();
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/policies/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"]["code"], "published");
    let draft = t
        .json(&boss, "POST", "/api/v1/policies", body("研发投入草稿", ""))
        .await;
    let draft_id = draft.json()["id"].as_str().unwrap().to_string();

    // The API: a full-text hit with a highlighted snippet; the draft hidden.
    let r = anonymous(
        &t,
        "/api/v1/policies?q=%E7%A0%94%E5%8F%91%E6%8A%95%E5%85%A5",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    assert_eq!(j["engine"], "index");
    assert_eq!(j["total"], 1, "{j}");
    assert_eq!(j["items"][0]["id"], id.as_str());
    assert!(
        j["items"][0]["snippet_html"]
            .as_str()
            .unwrap()
            .contains("<mark>"),
        "{j}"
    );
    // The bureau sees both.
    let r = t
        .get(
            &boss,
            "/api/v1/policies?q=%E7%A0%94%E5%8F%91%E6%8A%95%E5%85%A5",
        )
        .await;
    assert_eq!(r.json()["total"], 2);
    // A filter by level narrows to nothing.
    let r = anonymous(&t, "/api/v1/policies?level=national").await;
    assert_eq!(r.json()["total"], 0);
    let r = anonymous(&t, "/api/v1/policies?level=provincial").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "level");

    // Reading: the published one, the draft is 404.
    let r = anonymous(&t, &format!("/api/v1/policies/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["doc_no"], "铜科发〔2024〕3号");
    assert_eq!(r.json()["in_force"], true);
    let r = anonymous(&t, &format!("/api/v1/policies/{draft_id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The pages render for an anonymous visitor.
    let r = anonymous(&t, "/policies?q=%E8%A1%A5%E5%8A%A9").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("政策库"));
    assert!(html.contains("研发投入补助办法"));
    assert!(!html.contains("研发投入草稿"));
    assert!(html.contains("<mark>补助</mark>"), "{html}");
    assert!(html.contains("href=\"/login\""));
    let r = anonymous(&t, &format!("/policies/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("RD-INVEST"));
    assert!(html.contains("高新技术企业"));
    assert!(html.contains("第二条 对高新技术企业给予奖励。"));
    assert!(!html.contains("/status"), "no bureau buttons");
    let r = anonymous(&t, &format!("/policies/{draft_id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = anonymous(&t, "/policies/by-type").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("按企业类型查看"));
    assert!(html.contains("科技型中小企业"));
    let r = anonymous(&t, "/api/v1/policies/by-type?audience=high_tech").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()[0]["policies"][0]["id"], id.as_str());
    assert_eq!(r.json()[0]["measures"], json!(["RD-INVEST"]));
}

#[tokio::test]
async fn only_a_bureau_administrator_edits_policies() {
    let t = TestApp::spawn().await;
    let firm = t.enterprise(1, "巴川街道").await;
    t.user("boss", "bureau_admin", None, None).await;
    t.user("rev", "bureau_reviewer", None, None).await;
    t.user("ent", "enterprise", Some(&firm), None).await;
    let boss = t.login("boss").await;
    let rev = t.login("rev").await;
    let ent = t.login("ent").await;
    let r = t
        .json(&boss, "POST", "/api/v1/policies", body("甲政策", ""))
        .await;
    let id = r.json()["id"].as_str().unwrap().to_string();

    for c in [&rev, &ent] {
        let r = t
            .json(c, "POST", "/api/v1/policies", body("乙政策", ""))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = t
            .json(
                c,
                "PUT",
                &format!("/api/v1/policies/{id}"),
                body("乙政策", ""),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t
            .json(
                c,
                "POST",
                &format!("/api/v1/policies/{id}/publish"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.get(c, "/policies/new").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    let r = t
        .form(
            &ent,
            &format!("/policies/{id}/status"),
            &[("_csrf", ent.csrf.as_str()), ("op", "publish")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Anonymous writes: 401.
    let r = t
        .send(
            Request::post("/api/v1/policies")
                .header("content-type", "application/json")
                .body(Body::from(body("丙政策", "").to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The administrator's form: bad input re-renders with the field's message.
    let r = t.get(&boss, "/policies/new").await;
    assert_eq!(r.status, StatusCode::OK);
    let fields = [
        ("_csrf", boss.csrf.as_str()),
        ("title", "丁政策"),
        ("issuer", "铜梁区科学技术局"),
        ("doc_no", "铜科发2024第9号"),
        ("level", "district"),
        ("category", "人才"),
        ("body", "全文"),
        ("audiences", "university"),
        ("audiences", "institute"),
    ];
    let r = t.form(&boss, "/policies", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("文号“铜科发2024第9号”格式不正确"),
        "{}",
        r.text()
    );
    let mut good = fields.to_vec();
    good[3] = ("doc_no", "铜科发〔2024〕9号");
    let r = t.form(&boss, "/policies", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.headers["location"].to_str().unwrap().to_string();
    let page = t.get(&boss, &to).await.text();
    assert!(page.contains("铜科发〔2024〕9号"));
    assert!(page.contains("发布"), "a draft offers 发布");
    // Publish through the page, then the enterprise sees it in its own view.
    let new_id = to.trim_start_matches("/policies/").to_string();
    let r = t
        .form(
            &boss,
            &format!("/policies/{new_id}/status"),
            &[("_csrf", boss.csrf.as_str()), ("op", "publish")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // A repeal without a reason is refused on the page.
    let r = t
        .form(
            &boss,
            &format!("/policies/{new_id}/status"),
            &[("_csrf", boss.csrf.as_str()), ("op", "repeal")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("废止原因"), "{}", r.text());
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/policies/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = t.get(&ent, "/policies/by-type").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("可享受的政策"));
    assert!(html.contains("甲政策"), "serves every enterprise");
    let r = t.get(&ent, "/api/v1/policies/for-org").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    let titles: Vec<&str> = j["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["甲政策"], "not the universities' 丁政策");
}
