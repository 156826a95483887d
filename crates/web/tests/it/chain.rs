//! Daily matching over HTTP: the API round trip of interest → thread →
//! collaboration → stages, permissions, and the zh-CN pages.

use crate::harness::*;
use axum::http::StatusCode;
use kechuang_app::Actor;
use kechuang_app::ops::org::OrgInput;
use kechuang_core::credit_code::CreditCode;
use serde_json::json;

async fn university(t: &TestApp) -> kechuang_core::ids::OrgId {
    kechuang_app::ops::org::create(
        &t.app,
        &Actor::cli(),
        &OrgInput {
            kind: "高校".into(),
            credit_code: CreditCode::complete("12500000000000007")
                .unwrap()
                .to_string(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_chain_over_the_api_with_parties_outsiders_and_the_bureau() {
    let t = TestApp::spawn().await;
    let e = t.enterprise(1, "巴川街道").await;
    let other = t.enterprise(2, "东城街道").await;
    let u = university(&t).await;
    t.user("ent", "enterprise", Some(&e), None).await;
    t.user("out", "enterprise", Some(&other), None).await;
    t.user("uni", "research", Some(&u), None).await;
    t.user("jsjl", "bureau_reviewer", None, None).await;
    let (ent, out, uni, jsjl) = (
        t.login("ent").await,
        t.login("out").await,
        t.login("uni").await,
        t.login("jsjl").await,
    );
    let need = t
        .json(&ent, "POST", "/api/v1/needs", json!({"title": "船用低温储罐高锰钢焊接工艺", "modes": ["技术转让"], "field": "新材料", "budget_wan": "100", "keywords": ["高锰钢"]}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ach = t
        .json(&uni, "POST", "/api/v1/achievements", json!({"title": "高锰奥氏体钢低温储罐焊接工艺", "field": "新材料", "maturity": "中试", "transfer_modes": ["转让"], "price_wan": "80", "keywords": ["高锰钢"]}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Feedback on a match, counts for the bureau only.
    let r = t
        .json(
            &ent,
            "POST",
            &format!("/api/v1/needs/{need}/feedback"),
            json!({"candidate_kind": "achievement", "candidate_id": ach, "useful": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(
        t.get(&ent, &format!("/api/v1/needs/{need}/feedback"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let c = t
        .get(&jsjl, &format!("/api/v1/needs/{need}/feedback"))
        .await
        .json();
    assert_eq!(c[0]["useful"], 1);

    // The university side sees the need that fits its achievement.
    let r = t
        .get(&uni, &format!("/api/v1/achievements/{ach}/needs"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()[0]["id"], need.as_str());
    assert_eq!(
        t.get(&out, &format!("/api/v1/achievements/{ach}/needs"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get(&uni, "/api/v1/recommendations").await.json()[0]["needs"][0]["id"],
        need.as_str()
    );

    // Interest, duplicate refused, accepted by the owner only.
    let body = json!({"target_kind": "achievement", "target_id": ach, "message": "<script>alert(1)</script>"});
    let r = t
        .json(&ent, "POST", "/api/v1/interests", body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let i = r.json()["id"].as_str().unwrap().to_string();
    let dup = t.json(&ent, "POST", "/api/v1/interests", body).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.json()["fields"][0]["code"], "interest_duplicate");
    assert_eq!(
        t.get(&out, &format!("/api/v1/interests/{i}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.json(
            &ent,
            "POST",
            &format!("/api/v1/interests/{i}/accept"),
            json!({})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let bad = t
        .json(
            &uni,
            "POST",
            &format!("/api/v1/interests/{i}/decline"),
            json!({"reason": ""}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["fields"][0]["field"], "reason");
    let acc = t
        .json(
            &uni,
            "POST",
            &format!("/api/v1/interests/{i}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(acc.status, StatusCode::OK, "{}", acc.text());
    let th = acc.json()["thread_id"].as_str().unwrap().to_string();

    // The thread: parties and the bureau; the 技术经理人 mediates.
    let r = t
        .json(
            &ent,
            "POST",
            &format!("/api/v1/threads/{th}/messages"),
            json!({"body": "<b>下周面谈？</b>"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = t
        .json(
            &jsjl,
            "POST",
            &format!("/api/v1/threads/{th}/messages"),
            json!({"body": "已协调会议室"}),
        )
        .await;
    assert_eq!(r.json()["as_mediator"], true);
    assert_eq!(
        t.get(&out, &format!("/api/v1/threads/{th}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.json(
            &ent,
            "POST",
            &format!("/api/v1/threads/{th}/mediation"),
            json!({"mediation": "mediated"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let m = t
        .json(
            &jsjl,
            "POST",
            &format!("/api/v1/threads/{th}/mediation"),
            json!({"mediation": "mediated"}),
        )
        .await;
    assert_eq!(m.json()["mediation"]["code"], "mediated");
    let d = t.get(&uni, &format!("/api/v1/threads/{th}")).await.json();
    assert_eq!(d["messages"].as_array().unwrap().len(), 2);

    // Signing and the later stages, in order.
    let today = t.app.today();
    let day = |n: u64| (today + chrono::Days::new(n)).to_string();
    let c = t
        .json(
            &uni,
            "POST",
            &format!("/api/v1/threads/{th}/collaboration"),
            json!({"title": "高锰钢储罐焊接工艺转让", "signed_on": day(1), "amount_wan": "80"}),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text());
    let cid = c.json()["id"].as_str().unwrap().to_string();
    let skip = t
        .json(
            &ent,
            "POST",
            &format!("/api/v1/collaborations/{cid}/stages"),
            json!({"stage": "product", "on": day(5), "detail": "储罐"}),
        )
        .await;
    assert_eq!(skip.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(skip.json()["fields"][0]["code"], "stage_out_of_order");
    let ok = t
        .json(
            &ent,
            "POST",
            &format!("/api/v1/collaborations/{cid}/stages"),
            json!({"stage": "contract", "on": day(2), "detail": "HT-1"}),
        )
        .await;
    assert_eq!(ok.json()["stage"]["code"], "contract", "{}", ok.text());
    assert_eq!(
        t.json(
            &ent,
            "POST",
            &format!("/api/v1/collaborations/{cid}/corrections"),
            json!({"stage": "contract", "on": day(2), "detail": "HT-2", "reason": "x"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let fixed = t
        .json(
            &jsjl,
            "POST",
            &format!("/api/v1/collaborations/{cid}/corrections"),
            json!({"stage": "contract", "on": day(2), "detail": "HT-2", "reason": "编号有误"}),
        )
        .await;
    assert_eq!(fixed.json()["contract_number"], "HT-2", "{}", fixed.text());
    assert_eq!(
        t.get(&out, &format!("/api/v1/collaborations/{cid}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The bureau records a session signing; the funnel counts it.
    let s = t
        .json(&jsjl, "POST", "/api/v1/collaborations", json!({"enterprise_org_id": e.to_string(), "provider_org_id": u.to_string(), "title": "专场签约", "signed_on": "2024-05-16", "session_id": "session-2024-05-16"}))
        .await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text());
    assert_eq!(s.json()["source"]["code"], "session");
    let f = t
        .get(&jsjl, "/api/v1/outcomes?from=2024-01&to=2024-12")
        .await
        .json();
    assert_eq!(f["chain"]["collaborations"], 1);
    assert_eq!(f["chain"]["collaborations_from_sessions"], 1);
    assert_eq!(
        t.get(&ent, "/api/v1/outcomes?from=2024-01&to=2024-12")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let bad = t.get(&jsjl, "/api/v1/outcomes?from=2024-13&to=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Pages: the match page with its buttons, the thread escaped, the funnel.
    let p = t.get(&ent, &format!("/needs/{need}/matches")).await;
    assert_eq!(p.status, StatusCode::OK);
    let html = p.text();
    assert!(
        html.contains("有用") && html.contains("没用") && html.contains("发送意向"),
        "{html}"
    );
    assert!(html.contains("技术领域一致"), "reasons shown");
    let p = t.get(&uni, &format!("/threads/{th}")).await.text();
    assert!(
        p.contains("&#60;b&#62;下周面谈？&#60;/b&#62;"),
        "escaped: {p}"
    );
    assert!(!p.contains("<b>下周面谈"));
    assert!(p.contains("技术经理人"));
    let p = t.get(&ent, "/interests").await.text();
    assert!(p.contains("&#60;script&#62;"), "{p}");
    assert!(
        t.get(&uni, "/recommendations")
            .await
            .text()
            .contains("船用低温储罐高锰钢焊接工艺")
    );
    assert!(
        t.get(&ent, &format!("/collaborations/{cid}"))
            .await
            .text()
            .contains("HT-2")
    );
    assert_eq!(t.get(&ent, "/outcomes").await.status, StatusCode::FORBIDDEN);
    let p = t
        .get(&jsjl, "/outcomes?from=2024-01&to=2026-09")
        .await
        .text();
    assert!(p.contains("近三年累计促成产学研合作"), "{p}");
    assert!(p.contains("id=\"funnel\""));
}

#[tokio::test]
async fn page_forms_check_csrf_and_record_votes_and_messages() {
    let t = TestApp::spawn().await;
    let e = t.enterprise(1, "巴川街道").await;
    let u = university(&t).await;
    t.user("ent", "enterprise", Some(&e), None).await;
    t.user("uni", "research", Some(&u), None).await;
    let (ent, uni) = (t.login("ent").await, t.login("uni").await);
    let need = t
        .json(
            &ent,
            "POST",
            "/api/v1/needs",
            json!({"title": "储能电池热失控预警", "modes": ["合作开发"], "keywords": ["热失控"]}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ach = t
        .json(
            &uni,
            "POST",
            "/api/v1/achievements",
            json!({"title": "储能电池热失控预警方法", "keywords": ["热失控"]}),
        )
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vote = |csrf: &str| {
        vec![
            ("_csrf", csrf.to_string()),
            ("candidate_kind", "achievement".to_string()),
            ("candidate_id", ach.clone()),
            ("useful", "0".to_string()),
        ]
    };
    let path = format!("/needs/{need}/matches/feedback");
    let forged = vote("wrong");
    let f: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(t.form(&ent, &path, &f).await.status, StatusCode::FORBIDDEN);
    let good = vote(&ent.csrf);
    let f: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(t.form(&ent, &path, &f).await.status, StatusCode::SEE_OTHER);
    let mine = kechuang_app::ops::feedback::counts(&t.app, &Actor::cli(), Some(&need))
        .await
        .unwrap();
    assert_eq!((mine[0].useful, mine[0].not_useful), (0, 1));
    // Interest by form, accepted by form, a message by form.
    let r = t
        .form(
            &ent,
            "/interests",
            &[
                ("_csrf", &ent.csrf),
                ("target_kind", "achievement"),
                ("target_id", &ach),
                ("message", "想合作"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = t.get(&uni, "/api/v1/interests").await.json();
    let i = list[0]["id"].as_str().unwrap().to_string();
    let r = t
        .form(
            &uni,
            &format!("/interests/{i}/accept"),
            &[("_csrf", &uni.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let th = r.headers["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/threads/")
        .to_string();
    let r = t
        .form(
            &uni,
            &format!("/threads/{th}/messages"),
            &[("_csrf", &uni.csrf), ("body", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("必填项不能为空"));
    let r = t
        .form(
            &uni,
            &format!("/threads/{th}/messages"),
            &[("_csrf", &uni.csrf), ("body", "欢迎来访")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        t.get(&ent, &format!("/threads/{th}"))
            .await
            .text()
            .contains("欢迎来访")
    );
}
