use crate::harness::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_platform_api_and_pages_show_each_party_what_it_may_see() {
    let t = TestApp::spawn().await;
    let a = t.enterprise(1, "巴川街道").await;
    let b = t.enterprise(2, "东城街道").await;
    t.user("boss", "bureau_admin", None, None).await;
    t.user("enta", "enterprise", Some(&a), None).await;
    t.user("entb", "enterprise", Some(&b), None).await;
    let boss = t.login("boss").await;
    let ea = t.login("enta").await;
    let eb = t.login("entb").await;

    let r = t
        .json(&boss, "POST", "/api/v1/platforms",
            json!({"name": "测试储能研究院", "kind": "industry_institute", "level": "省级", "host_org_id": a.to_string(),
                   "status": "accredited", "approved_on": "2021-01-01", "accredited_on": "2021-06-30",
                   "partners": [{"name": "测试区人民政府", "role": "共建方（政府）"}, {"org_id": b.to_string()}]}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let inst = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["town"], "巴川街道");
    let r = t
        .json(&boss, "POST", "/api/v1/platforms",
            json!({"name": "建设中实验室", "kind": "key_laboratory", "level": "national", "host_org_id": a.to_string(),
                   "approved_on": "2023-04-26"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let lab = r.json()["id"].as_str().unwrap().to_string();
    let bad = t
        .json(&boss, "POST", "/api/v1/platforms", json!({"name": "x", "kind": "实验楼", "level": "4", "host_org_id": a.to_string(), "approved_on": "2023-01-01"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["fields"][0]["field"], "kind");
    let denied = t
        .json(&ea, "POST", "/api/v1/platforms", json!({"name": "y"}))
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let refused = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/platforms/{inst}/status"),
            json!({"status": "under_construction", "on": "2024-01-01"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.json()["fields"][0]["code"],
        "platform_status_not_allowed"
    );
    for (year, grade) in [("2022", "不合格"), ("2023", "不合格")] {
        let r = t
            .json(
                &boss,
                "POST",
                &format!("/api/v1/platforms/{inst}/evaluations"),
                json!({"year": year, "grade": grade}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let again = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/platforms/{inst}/evaluations"),
            json!({"year": "2023", "grade": "良好"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let r = t.get(&boss, &format!("/api/v1/platforms/{inst}")).await;
    assert_eq!(r.json()["revocation_due"], true);

    // Public: accredited only, public fields; the host sees its own.
    let r = t.get(&eb, "/api/v1/platforms").await;
    assert_eq!(r.json()["total"], 1);
    assert_eq!(
        t.get(&eb, &format!("/api/v1/platforms/{lab}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = t.get(&ea, &format!("/api/v1/platforms/{lab}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["full"], true);
    let r = t.get(&ea, "/api/v1/platforms?mine=true").await;
    assert_eq!(r.json()["total"], 2);
    let r = t.get(&boss, "/api/v1/platforms?kind=key_laboratory").await;
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["counts"][0]["level"], "national");
    let r = t.get(&boss, "/api/v1/platforms/levels?on=2022-01-01").await;
    assert_eq!(r.json()[a.to_string()], "provincial");
    assert_eq!(r.json()[b.to_string()], "provincial", "co-builder");
    assert_eq!(
        t.get(&ea, "/api/v1/platforms/levels").await.status,
        StatusCode::FORBIDDEN
    );

    // Institute: teams, targets, projects.
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/institutes/{inst}/teams"),
            json!({"name": "材料团队", "lead": "王一", "members": "12"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = t
        .json(&boss, "PUT", &format!("/api/v1/institutes/{inst}/targets"),
            json!({"metric": "储能电池年产能", "target": "100", "unit": "GWh", "actual": "56", "as_of": "2025-12-31"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["progress_pct"], "56.0");
    let r = t
        .json(&boss, "POST", &format!("/api/v1/institutes/{inst}/projects"),
            json!({"name": "固态电池项目", "stage": "pilot", "started_on": "2022-01-01", "funding_fen": 300_000_000_i64}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let pid = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/institutes/projects/{pid}/stage"),
            json!({"stage": "incorporated", "on": "2023-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "firm_org_id");
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/institutes/projects/{pid}/stage"),
            json!({"stage": "incorporated", "on": "2023-01-01", "firm_org_id": b.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = t.get(&eb, &format!("/api/v1/institutes/{inst}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["projects_total"], 1);
    assert_eq!(r.json()["firms"][0]["org_id"], b.to_string());

    // Alliance with experts, paged.
    let r = t
        .json(
            &boss,
            "POST",
            "/api/v1/alliances",
            json!({"name": "测试联盟", "lead_org_id": a.to_string(), "founded_on": "2023-11-04"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let al = r.json()["id"].as_str().unwrap().to_string();
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/alliances/{al}/members"),
            json!({"org_id": b.to_string(), "joined_on": "2023-11-04", "dues_years": "2024,2025"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let experts: Vec<_> = (0..120)
        .map(|i| json!({"name": format!("专家{i:03}"), "affiliation": "测试大学", "joined_on": "2023-11-04"}))
        .collect();
    let r = t
        .json(
            &boss,
            "POST",
            &format!("/api/v1/alliances/{al}/experts"),
            json!({"experts": experts}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["added"], 120);
    let r = t
        .get(&ea, &format!("/api/v1/alliances/{al}?page=3&per_page=50"))
        .await;
    assert_eq!(r.json()["experts"].as_array().unwrap().len(), 20);
    assert_eq!(r.json()["alliance"]["members"], 1);

    // Pages.
    let p = t.get(&boss, "/platforms").await;
    assert_eq!(p.status, StatusCode::OK);
    let html = p.text();
    assert!(
        html.contains("创新平台")
            && html.contains("建设中实验室")
            && html.contains("id=\"counts\""),
        "{html}"
    );
    assert!(html.contains("新增平台"), "the bureau's form");
    let p = t.get(&eb, "/platforms").await.text();
    assert!(
        p.contains("测试储能研究院") && !p.contains("建设中实验室"),
        "{p}"
    );
    assert!(!p.contains("新增平台"));
    let p = t.get(&boss, &format!("/platforms/{inst}")).await.text();
    assert!(
        p.contains("id=\"revocation-due\"") && p.contains("不合格"),
        "{p}"
    );
    let p = t.get(&eb, &format!("/institutes/{inst}")).await;
    assert_eq!(p.status, StatusCode::OK);
    let html = p.text();
    assert!(
        html.contains("<progress max=\"100\" value=\"56\"")
            && html.contains("固态电池项目")
            && html.contains("材料团队"),
        "{html}"
    );
    let p = t.get(&ea, &format!("/alliances/{al}")).await.text();
    assert!(p.contains("专家000") && p.contains("第 1 / 3 页"), "{p}");
    assert_eq!(
        t.get(&eb, &format!("/platforms/{lab}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Bureau forms, with CSRF.
    let r = t
        .form(
            &boss,
            "/platforms",
            &[
                ("_csrf", &boss.csrf),
                ("name", "表单平台"),
                ("kind", "maker_space"),
                ("level", "below_municipal"),
                ("host_org_id", &b.to_string()),
                ("status", "accredited"),
                ("approved_on", "2022-02-02"),
                ("accredited_on", "2022-02-02"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = t
        .form(
            &boss,
            "/platforms",
            &[("_csrf", "wrong"), ("name", "坏表单")],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = t
        .form(
            &boss,
            &format!("/platforms/{lab}/status"),
            &[
                ("_csrf", &boss.csrf),
                ("status", "accredited"),
                ("on", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = t
        .form(
            &boss,
            &format!("/platforms/{lab}"),
            &[
                ("_csrf", &boss.csrf),
                ("name", "已建成实验室"),
                ("kind", "key_laboratory"),
                ("level", "national"),
                ("host_org_id", &a.to_string()),
                ("status", "accredited"),
                ("approved_on", "2023-04-26"),
                ("accredited_on", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = t.get(&eb, &format!("/api/v1/platforms/{lab}")).await;
    assert_eq!(r.json()["name"], "已建成实验室");
    let r = t
        .form(
            &boss,
            &format!("/institutes/{inst}/projects"),
            &[
                ("_csrf", &boss.csrf),
                ("name", "表单项目"),
                ("stage", "laboratory"),
                ("funding_wan", "12.5"),
                ("started_on", "2023-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = t.get(&boss, &format!("/api/v1/institutes/{inst}")).await;
    assert_eq!(r.json()["projects_total"], 2);
}
