use crate::harness::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

async fn public(t: &TestApp, path: &str) -> Resp {
    t.send(Request::get(path).body(Body::empty()).unwrap())
        .await
}

#[tokio::test]
async fn challenge_calls_are_public_once_published_and_applicants_see_their_own() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    t.user("boss", "bureau_admin", None, None).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("entb", "enterprise", Some(&b), None).await;
    let boss = t.login("boss").await;
    let ea = t.login("enta").await;
    let eb = t.login("entb").await;
    let today = t.app.today();
    let iso = |d: chrono::NaiveDate| kechuang_core::date::to_iso(d);
    let opens = iso(today - chrono::Days::new(10));
    let closes = iso(today + chrono::Days::new(30));

    // Only the bureau refines a call; a draft is not public.
    let call = json!({
        "title": "长循环寿命储能电芯", "group": "新型储能", "field": "新型储能",
        "kpis": [{"metric": "循环寿命", "target": "8000", "unit": "次", "direction": "at_least", "test_method": "第三方检测"}],
        "duration_months": 24, "max_grant_fen": 500_000_000_i64, "issuer_cofunding_fen": 500_000_000_i64,
        "parallel_teams": 2, "opens": opens, "closes": closes
    });
    let r = t
        .json(&ea, "POST", "/api/v1/challenges", call.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.json(&boss, "POST", "/api/v1/challenges", call).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        public(&t, &format!("/api/v1/challenges/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let bad = t
        .json(&boss, "POST", "/api/v1/challenges", json!({"title": ""}))
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad.text()
    );

    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/challenges/{id}/stage"),
            json!({"to": "published"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Review while the window is open: refused, the stage unchanged.
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/challenges/{id}/stage"),
            json!({"to": "reviewing"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["fields"][0]["code"], "challenge_stage_not_ready");

    // The public list and page, without a session.
    let list = public(&t, "/api/v1/challenges").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.json()[0]["kpi_labels"][0],
        "循环寿命 ≥ 8000 次（第三方检测）"
    );
    assert_eq!(list.json()[0]["max_grant"]["wan"], "500");
    assert_eq!(list.json()[0]["stage"], "published");
    assert_eq!(
        public(&t, "/api/v1/challenges/publicity").await.json(),
        json!([])
    );
    let page = public(&t, "/challenges").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("长循环寿命储能电芯") && page.text().contains("申报中"));

    // Apply through the API and through the page's form.
    let r = t
        .json(
            &ea,
            "POST",
            &format!("/api/v1/challenges/{id}/applications"),
            json!({
                "team": [{"name": "张工", "role": "负责人"}], "plan": "电芯结构优化",
                "milestones": [{"title": "样品", "due": iso(today + chrono::Days::new(200))}],
                "budget_fen": 1_000_000_000_i64, "matching_fen": 500_000_000_i64
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let app_a = r.json()["id"].as_str().unwrap().to_string();
    let form_page = t.get(&eb, &format!("/challenges/{id}")).await;
    assert!(
        form_page.text().contains("id=\"apply\""),
        "{}",
        form_page.text()
    );
    let ms = format!("样品试制|{}", iso(today + chrono::Days::new(200)));
    let r = t
        .form(
            &eb,
            &format!("/challenges/{id}/apply"),
            &[
                ("_csrf", &eb.csrf),
                ("team", "孙工||| 负责人"),
                ("plan", "正极改性"),
                ("milestones", &ms),
                ("budget_wan", "800"),
                ("matching_wan", "400"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let mine = t.get(&eb, "/api/v1/challenges/applications/mine").await;
    assert_eq!(mine.json().as_array().unwrap().len(), 1);
    assert_eq!(mine.json()[0]["budget"]["wan"], "800");
    // Another applicant's application is 404; the bureau sees it.
    assert_eq!(
        t.get(&eb, &format!("/api/v1/challenges/applications/{app_a}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&boss, &format!("/api/v1/challenges/applications/{app_a}"))
            .await
            .status,
        StatusCode::OK
    );
    assert!(
        t.get(&eb, "/challenges/mine")
            .await
            .text()
            .contains("长循环寿命储能电芯")
    );

    // The workbench: the bureau only.
    assert_eq!(
        t.get(&ea, &format!("/api/v1/challenges/{id}/workbench"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let wb = t
        .get(&boss, &format!("/api/v1/challenges/{id}/workbench"))
        .await;
    assert_eq!(wb.json()["applications"].as_array().unwrap().len(), 2);
    let html = t.get(&boss, &format!("/challenges/bench/{id}")).await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.text().contains("揭榜申报与形式审查"));
    assert!(
        t.get(&boss, "/challenges/bench")
            .await
            .text()
            .contains("凝练榜单")
    );
    assert_eq!(
        t.get(&ea, "/challenges/reviews").await.status,
        StatusCode::OK
    );
    // A demand from an enterprise, seen by the bureau.
    let r = t
        .json(&ea, "POST", "/api/v1/challenges/demands", json!({"title": "气凝胶隔热", "field": "新材料", "problem": "导热系数偏高", "indicators": "≤0.018"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        t.get(&boss, "/api/v1/challenges/demands")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        t.get(&eb, "/api/v1/challenges/demands")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
