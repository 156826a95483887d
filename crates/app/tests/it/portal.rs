//! Notifications from the event log, preferences, e-mail through the outbox to a
//! real SMTP sink, saved-search alerts, the home page's attention items and the
//! talent registry, on both backends.

use crate::common::*;
use kechuang_app::ops::notify::{self, Site};
use kechuang_core::matchmaking::NeedInput;

use kechuang_app::ops::{filing, home, matchmaking as mm, org, policy, saved_search, talent};
use kechuang_app::{Actor, App, AppError, mail};
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::policy::{PolicyInput, Step};
use kechuang_core::role::Role;
use kechuang_store::UserRecord;
use kechuang_testkit::smtp::SmtpSink;
use kechuang_testkit::store_test;
use std::collections::BTreeMap;

async fn add_user(app: &App, a: &Actor) {
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_user(
        &UserRecord {
            id: a.user_id.clone().unwrap(),
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            password_hash: "x".into(),
            role: a.role,
            org_id: a.org_id.clone(),
            towns: a.towns.clone(),
            active: true,
        },
        app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn town_reviewer(name: &str, town: &str) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{name}"))),
        username: name.into(),
        display_name: name.into(),
        role: Role::BureauReviewer,
        org_id: None,
        towns: Some(vec![town.into()]),
    }
}

fn vals() -> BTreeMap<String, String> {
    [("rd_expense", "12.5"), ("employees", "30")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct World {
    app: App,
    admin: Actor,
    ent: Actor,
    org: OrgId,
    bachuan: Actor,
    dongcheng: Actor,
}

async fn world(store: &kechuang_store::Store) -> World {
    let app = app(store);
    let admin = bureau(Role::BureauAdmin, None);
    let org = org::create(&app, &admin, &enterprise_input(7, "巴川街道"))
        .await
        .unwrap();
    let ent = enterprise_user(&org);
    let bachuan = town_reviewer("bachuan", "巴川街道");
    let dongcheng = town_reviewer("dongcheng", "东城街道");
    for a in [&admin, &ent, &bachuan, &dongcheng] {
        add_user(&app, a).await;
    }
    notify::start(&app).await.unwrap();
    World {
        app,
        admin,
        ent,
        org,
        bachuan,
        dongcheng,
    }
}

fn site() -> Site {
    Site {
        name: "示范区科技创新服务平台".into(),
        base_url: "http://kc.test".into(),
    }
}

store_test!(filing_events_notify_the_right_people_once, |store| {
    let w = world(&store).await;
    let app = &w.app;
    // Nothing before the cursor was created counts.
    assert_eq!(notify::pump(app, &site()).await.unwrap(), 0);
    filing::save(app, &w.ent, &w.org, "2024Q1", &vals())
        .await
        .unwrap();
    filing::submit(app, &w.ent, &w.org, "2024Q1").await.unwrap();
    notify::pump(app, &site()).await.unwrap();
    // The district admin and the 巴川 reviewer hear of it; the 东城 one does not.
    assert_eq!(notify::unread(app, &w.admin).await.unwrap(), 1);
    assert_eq!(notify::unread(app, &w.bachuan).await.unwrap(), 1);
    assert_eq!(notify::unread(app, &w.dongcheng).await.unwrap(), 0);
    let n = notify::list(app, &w.bachuan, true).await.unwrap();
    assert_eq!(n[0].kind, "filing_submitted");
    assert!(
        n[0].title.ends_with("提交了2024年1—3月填报"),
        "{}",
        n[0].title
    );
    assert_eq!(n[0].link, format!("/enterprises/{}/filings/2024Q1", w.org));

    filing::return_filing(
        app,
        &w.admin,
        &w.org,
        "2024Q1",
        None,
        "研发费用与上期差异过大",
    )
    .await
    .unwrap();
    // A second pump (another instance) finds nothing new: the cursor moved.
    let a = notify::pump(app, &site()).await.unwrap();
    let b = notify::pump(app, &site()).await.unwrap();
    assert_eq!((a, b), (1, 0));
    let n = notify::list(app, &w.ent, false).await.unwrap();
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].kind, "filing_returned");
    assert!(
        n[0].body.contains("研发费用与上期差异过大"),
        "{}",
        n[0].body
    );

    // Reading clears the count; someone else's notification is not found.
    assert!(matches!(
        notify::mark_read(app, &w.admin, Some(&n[0].id))
            .await
            .unwrap_err(),
        AppError::NotFound
    ));
    assert_eq!(
        notify::mark_read(app, &w.ent, Some(&n[0].id))
            .await
            .unwrap(),
        1
    );
    assert_eq!(notify::unread(app, &w.ent).await.unwrap(), 0);
    assert_eq!(notify::mark_read(app, &w.admin, None).await.unwrap(), 1);
    assert_eq!(notify::unread(app, &w.admin).await.unwrap(), 0);

    // The home pages count what is waiting.
    let h = home::home(app, &w.ent).await.unwrap();
    let returned = h.items.iter().find(|i| i.label == "被退回的填报").unwrap();
    assert_eq!(returned.count, 1);
    assert_eq!(h.items[0].count, 1, "items with a count come first");
});

store_test!(preferences_are_checked_and_obeyed, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let e = notify::set_prefs(
        app,
        &w.ent,
        "not-an-address",
        &[
            ("filing_returned".into(), "pigeon".into()),
            ("nope".into(), "email".into()),
        ],
    )
    .await
    .unwrap_err();
    let AppError::Invalid(fs) = e else {
        panic!("{e:?}")
    };
    let fields: Vec<_> = fs.iter().map(|f| (f.field.as_str(), f.code)).collect();
    assert_eq!(
        fields,
        [
            ("email", "email_invalid"),
            ("channel.filing_returned", "notify_channel_invalid"),
            ("channel.nope", "notify_kind_invalid")
        ]
    );
    // E-mail without an address is refused, naming the kind.
    let e = notify::set_prefs(
        app,
        &w.ent,
        "",
        &[("filing_returned".into(), "email".into())],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, AppError::Invalid(ref f) if f[0].code == "email_required"),
        "{e:?}"
    );
    assert!(
        notify::prefs(app, &w.ent).await.unwrap().email.is_none(),
        "nothing changed"
    );

    // "none" silences a kind.
    notify::set_prefs(
        app,
        &w.bachuan,
        "",
        &[("filing_submitted".into(), "none".into())],
    )
    .await
    .unwrap();
    filing::save(app, &w.ent, &w.org, "2024Q1", &vals())
        .await
        .unwrap();
    filing::submit(app, &w.ent, &w.org, "2024Q1").await.unwrap();
    notify::pump(app, &site()).await.unwrap();
    assert_eq!(notify::unread(app, &w.bachuan).await.unwrap(), 0);
    assert_eq!(notify::unread(app, &w.admin).await.unwrap(), 1);
});

store_test!(
    mail_is_queued_kept_while_the_server_is_down_and_sent_once,
    |store| {
        let w = world(&store).await;
        let app = &w.app;
        notify::set_prefs(
            app,
            &w.ent,
            "qiye@example.cn",
            &[("filing_returned".into(), "email".into())],
        )
        .await
        .unwrap();
        filing::save(app, &w.ent, &w.org, "2024Q1", &vals())
            .await
            .unwrap();
        filing::submit(app, &w.ent, &w.org, "2024Q1").await.unwrap();
        filing::return_filing(app, &w.admin, &w.org, "2024Q1", None, "请补充研发人员数")
            .await
            .unwrap();
        notify::pump(app, &site()).await.unwrap();
        let mut db = app.store.read().await.unwrap();
        assert_eq!(db.outbox_counts().await.unwrap().queued, 1);
        drop(db);

        // The server is down: the attempt fails, the mail stays queued with a backoff.
        let port = SmtpSink::free_port().unwrap();
        let cfg = mail::SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "科创平台 <noreply@kc.test>".into(),
            starttls: false,
            username: None,
            password: None,
            timeout_secs: 5,
        };
        let mailer = mail::Mailer::new(&cfg).unwrap();
        let r = mail::deliver_due(app, &mailer, "w1").await.unwrap();
        assert_eq!((r.sent, r.failed), (0, 1));
        let mut db = app.store.read().await.unwrap();
        let rows = db.outbox(10).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].status.as_str(), rows[0].attempts), ("queued", 1));
        assert!(rows[0].last_error.is_some());
        assert!(
            rows[0].next_attempt_at > app.now(),
            "retried later, not at once"
        );
        drop(db);
        // Not due yet: nothing is attempted.
        let r = mail::deliver_due(app, &mailer, "w1").await.unwrap();
        assert_eq!((r.sent, r.failed), (0, 0));

        // The server comes up and the backoff has passed: delivered once, in zh-CN.
        let sink = SmtpSink::bind(format!("127.0.0.1:{port}").parse().unwrap()).unwrap();
        let mut tx = app.store.begin().await.unwrap();
        let id = rows[0].mail_id.clone();
        sqlx_make_due(&mut tx, &id).await;
        tx.commit().await.unwrap();
        let r = mail::deliver_due(app, &mailer, "w1").await.unwrap();
        assert_eq!((r.sent, r.failed), (1, 0));
        let r = mail::deliver_due(app, &mailer, "w1").await.unwrap();
        assert_eq!((r.sent, r.failed), (0, 0), "never sent twice");
        let got = sink.received();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].to, ["qiye@example.cn"]);
        assert_eq!(
            got[0].subject,
            "【示范区科技创新服务平台】2024年1—3月填报被退回"
        );
        assert!(
            got[0].body.contains("退回原因：请补充研发人员数"),
            "{}",
            got[0].body
        );
        assert!(
            got[0].body.contains("http://kc.test/enterprises/"),
            "{}",
            got[0].body
        );
        assert_eq!(got[0].message_id, format!("<{id}@kechuang>"));
        let mut db = app.store.read().await.unwrap();
        let c = db.outbox_counts().await.unwrap();
        assert_eq!((c.queued, c.sending, c.sent), (0, 0, 1));
    }
);

/// Makes a queued mail due now (the test does not wait out the backoff).
async fn sqlx_make_due(tx: &mut kechuang_store::Db, id: &str) {
    assert!(tx.retry_mail_now(id, 0).await.unwrap());
}

store_test!(saved_searches_alert_on_new_matching_records, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let e = saved_search::create(app, &w.ent, "", "spaceship", "", "")
        .await
        .unwrap_err();
    let AppError::Invalid(fs) = e else { panic!() };
    assert_eq!(
        fs.iter()
            .map(|f| (f.field.as_str(), f.code))
            .collect::<Vec<_>>(),
        [
            ("kind", "saved_search_kind_invalid"),
            ("q", "saved_search_empty")
        ]
    );
    let s = saved_search::create(app, &w.ent, "储能需求", "need", "储能 电池", "")
        .await
        .unwrap();
    saved_search::create(app, &w.ent, "", "policy", "研发投入", "")
        .await
        .unwrap();
    assert_eq!(saved_search::list(app, &w.ent).await.unwrap().len(), 2);

    // Another enterprise posts needs: one matches, one does not.
    let other = org::create(app, &w.admin, &enterprise_input(8, "东城街道"))
        .await
        .unwrap();
    let oa = enterprise_user(&other);
    let need = |t: &str| NeedInput {
        title: t.into(),
        description: "需要合作研发。".into(),
        modes: vec!["合作开发".into()],
        ..NeedInput::default()
    };
    mm::create_need(app, &oa, None, &need("磷酸铁锂储能电池热失控预警"))
        .await
        .unwrap();
    mm::create_need(app, &oa, None, &need("食品包装自动化产线改造"))
        .await
        .unwrap();
    // A draft policy does not alert; publishing it does.
    let p = policy::create(
        app,
        &w.admin,
        &PolicyInput {
            title: "关于加大企业研发投入奖励的若干措施".into(),
            issuer: "示范区科学技术局".into(),
            level: "district".into(),
            category: "科技创新".into(),
            body: "对企业研发投入给予奖励。".into(),
            audiences: vec!["high_tech".into()],
            ..PolicyInput::default()
        },
    )
    .await
    .unwrap();
    notify::pump(app, &site()).await.unwrap();
    let n = notify::list(app, &w.ent, false).await.unwrap();
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].kind, "saved_search");
    assert!(
        n[0].body.contains("磷酸铁锂储能电池热失控预警"),
        "{}",
        n[0].body
    );
    assert!(n[0].link.starts_with("/needs/"));
    policy::step(app, &w.admin, &p.brief.id, Step::Publish, "")
        .await
        .unwrap();
    notify::pump(app, &site()).await.unwrap();
    let n = notify::list(app, &w.ent, false).await.unwrap();
    assert_eq!(n.len(), 2, "{n:?}");
    assert!(n[0].title.contains("新政策"), "{}", n[0].title);
    // A deleted search alerts no more.
    saved_search::delete(app, &w.ent, &s.id).await.unwrap();
    mm::create_need(app, &oa, None, &need("钠离子储能电池电芯研发"))
        .await
        .unwrap();
    notify::pump(app, &site()).await.unwrap();
    assert_eq!(notify::list(app, &w.ent, false).await.unwrap().len(), 2);
    assert!(matches!(
        saved_search::delete(app, &w.ent, &s.id).await.unwrap_err(),
        AppError::NotFound
    ));
});

store_test!(talent_demands_and_records, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let bad = talent::post_demand(
        app,
        &w.ent,
        &talent::DemandInput {
            title: "".into(),
            field: "新型储能".into(),
            education: "小学".into(),
            positions: "0".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    let AppError::Invalid(fs) = bad else { panic!() };
    assert_eq!(
        fs.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["title", "education", "positions"]
    );
    let d = talent::post_demand(
        app,
        &w.ent,
        &talent::DemandInput {
            title: "电池研发工程师".into(),
            field: "新型储能".into(),
            education: "硕士".into(),
            positions: "3".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((d.positions, d.status.as_str()), (3, "open"));
    let public = talent::demands(app, None, Default::default())
        .await
        .unwrap();
    assert_eq!(public.len(), 1);
    talent::set_demand_status(app, &w.ent, &d.demand_id, "closed")
        .await
        .unwrap();
    assert!(
        talent::demands(app, None, Default::default())
            .await
            .unwrap()
            .is_empty()
    );

    // Records: bureau only; an enterprise sees its own people; a town reviewer
    // sees those in their towns.
    let input = talent::TalentInput {
        org_id: Some(w.org.as_str().into()),
        name: "张伟".into(),
        category: "博士".into(),
        field: "新型储能".into(),
        education: "博士".into(),
        introduced_on: "2024-03-01".into(),
        note: String::new(),
    };
    assert!(matches!(
        talent::add_talent(app, &w.ent, &input).await.unwrap_err(),
        AppError::Forbidden
    ));
    talent::add_talent(app, &w.admin, &input).await.unwrap();
    let mut bad = input.clone();
    bad.introduced_on = "2024-13-01".into();
    assert!(matches!(
        talent::add_talent(app, &w.admin, &bad).await.unwrap_err(),
        AppError::Invalid(ref f) if f[0].field == "introduced_on"
    ));
    assert_eq!(
        talent::talents(app, &w.ent, Default::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        talent::talents(app, &w.bachuan, Default::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        talent::talents(app, &w.dongcheng, Default::default())
            .await
            .unwrap()
            .len(),
        0
    );
});

store_test!(two_workers_never_send_a_mail_twice, |store| {
    let app = app(&store);
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..60 {
        tx.enqueue_mail(
            &format!("m{i:03}"),
            None,
            &format!("u{i}@example.cn"),
            &format!("【平台】测试通知 {i}"),
            "正文：测试。",
            app.now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let sink = SmtpSink::start().unwrap();
    let cfg = mail::SmtpConfig {
        host: "127.0.0.1".into(),
        port: sink.port(),
        from: "noreply@kc.test".into(),
        starttls: false,
        username: None,
        password: None,
        timeout_secs: 5,
    };
    let (m1, m2) = (
        mail::Mailer::new(&cfg).unwrap(),
        mail::Mailer::new(&cfg).unwrap(),
    );
    // Two workers (as two server instances would) drain the outbox together.
    let (a1, a2) = (app.clone(), app.clone());
    let t1 = tokio::spawn(async move { mail::deliver_due(&a1, &m1, "w1").await.unwrap() });
    let t2 = tokio::spawn(async move { mail::deliver_due(&a2, &m2, "w2").await.unwrap() });
    let (r1, r2) = (t1.await.unwrap(), t2.await.unwrap());
    assert_eq!(r1.sent + r2.sent, 60, "{r1:?} {r2:?}");
    let got = sink.received();
    let mut ids: Vec<_> = got.iter().map(|m| m.message_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (60, 60));
    assert!(got.iter().any(|m| m.subject == "【平台】测试通知 7"));
    let mut db = app.store.read().await.unwrap();
    assert_eq!(db.outbox_counts().await.unwrap().sent, 60);
});

store_test!(talent_demands_and_records_are_edited_and_deleted, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let other_org = org::create(app, &w.admin, &enterprise_input(8, "东城街道"))
        .await
        .unwrap();
    let other = enterprise_user(&other_org);
    let d = talent::post_demand(
        app,
        &w.ent,
        &talent::DemandInput {
            title: "电池研发工程师".into(),
            field: "新型储能".into(),
            education: "硕士".into(),
            positions: "3".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let good = talent::DemandInput {
        title: "电池研发主管".into(),
        field: "新型储能".into(),
        education: "博士".into(),
        positions: "2".into(),
        description: "负责电芯开发".into(),
        ..Default::default()
    };
    // Bad input names every field and changes nothing.
    let events = |app: &App| {
        let app = app.clone();
        async move {
            let mut db = app.store.read().await.unwrap();
            db.last_event_seq().await.unwrap()
        }
    };
    let before = events(app).await;
    let e = talent::update_demand(
        app,
        &w.ent,
        &d.demand_id,
        &talent::DemandInput {
            title: " ".into(),
            education: "小学".into(),
            positions: "1001".into(),
            ..good.clone()
        },
    )
    .await
    .unwrap_err();
    let AppError::Invalid(fs) = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        fs.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["title", "education", "positions"]
    );
    assert_eq!(events(app).await, before, "nothing written");
    let mut db = app.store.read().await.unwrap();
    assert_eq!(
        db.talent_demand(&d.demand_id).await.unwrap().unwrap().title,
        "电池研发工程师"
    );
    drop(db);
    // Another enterprise may not; a reviewer of another town may not; the owner
    // and a reviewer in scope may.
    assert!(matches!(
        talent::update_demand(app, &other, &d.demand_id, &good)
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));
    assert!(matches!(
        talent::update_demand(app, &w.dongcheng, &d.demand_id, &good)
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));
    let row = talent::update_demand(app, &w.ent, &d.demand_id, &good)
        .await
        .unwrap();
    assert_eq!(
        (
            row.title.as_str(),
            row.education.as_str(),
            row.positions,
            row.description.as_str(),
            row.status.as_str(),
            row.organisation_id.as_str()
        ),
        (
            "电池研发主管",
            "博士",
            2,
            "负责电芯开发",
            "open",
            w.org.as_str()
        )
    );
    let row = talent::update_demand(
        app,
        &w.bachuan,
        &d.demand_id,
        &talent::DemandInput {
            positions: "5".into(),
            ..good.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(row.positions, 5);
    assert!(matches!(
        talent::delete_demand(app, &other, &d.demand_id)
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));
    talent::delete_demand(app, &w.ent, &d.demand_id)
        .await
        .unwrap();
    assert!(
        talent::demands(app, None, Default::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        talent::update_demand(app, &w.ent, &d.demand_id, &good)
            .await
            .unwrap_err(),
        AppError::NotFound
    ));

    // Records: bureau staff in scope edit and delete; the enterprise may not.
    let input = talent::TalentInput {
        org_id: Some(w.org.as_str().into()),
        name: "张伟".into(),
        category: "博士".into(),
        field: "新型储能".into(),
        education: "博士".into(),
        introduced_on: "2024-03-01".into(),
        note: String::new(),
    };
    let t = talent::add_talent(app, &w.admin, &input).await.unwrap();
    let before = events(app).await;
    let e = talent::update_talent(
        app,
        &w.bachuan,
        &t.talent_id,
        &talent::TalentInput {
            name: "".into(),
            category: "院士".into(),
            introduced_on: "2024-02-30".into(),
            ..input.clone()
        },
    )
    .await
    .unwrap_err();
    let AppError::Invalid(fs) = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        fs.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
        ["name", "category", "introduced_on"]
    );
    let e = talent::update_talent(
        app,
        &w.bachuan,
        &t.talent_id,
        &talent::TalentInput {
            org_id: Some("no-such-org".into()),
            ..input.clone()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, AppError::Invalid(ref f) if f[0].field == "org_id"),
        "{e:?}"
    );
    assert_eq!(events(app).await, before, "nothing written");
    assert!(matches!(
        talent::update_talent(app, &w.ent, &t.talent_id, &input)
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));
    assert!(matches!(
        talent::update_talent(app, &w.dongcheng, &t.talent_id, &input)
            .await
            .unwrap_err(),
        AppError::NotFound
    ));
    let row = talent::update_talent(
        app,
        &w.bachuan,
        &t.talent_id,
        &talent::TalentInput {
            name: "张伟强".into(),
            category: "领军人才".into(),
            introduced_on: "2024-04-15".into(),
            note: "储能首席科学家".into(),
            ..input.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (
            row.name.as_str(),
            row.category.as_str(),
            row.introduced_on.as_str(),
            row.note.as_str(),
            row.organisation_id.as_deref()
        ),
        (
            "张伟强",
            "领军人才",
            "2024-04-15",
            "储能首席科学家",
            Some(w.org.as_str())
        )
    );
    assert_eq!(
        talent::talents(app, &w.ent, Default::default())
            .await
            .unwrap()[0]
            .name,
        "张伟强"
    );
    assert!(matches!(
        talent::delete_talent(app, &w.ent, &t.talent_id)
            .await
            .unwrap_err(),
        AppError::Forbidden
    ));
    talent::delete_talent(app, &w.bachuan, &t.talent_id)
        .await
        .unwrap();
    assert!(
        talent::talents(app, &w.admin, Default::default())
            .await
            .unwrap()
            .is_empty()
    );
    let mut db = app.store.read().await.unwrap();
    let log = db.events_after(before, 100).await.unwrap();
    let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["talent.updated", "talent.deleted"]);
});
