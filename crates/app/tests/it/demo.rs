//! The demo district: the published figures come back out of the raw records
//! through the report's own queries, on both backends, deterministically.

use crate::common::*;
use kechuang_app::demo::{self, DemoOptions, DemoSummary};
use kechuang_app::ops::org::ListQuery;
use kechuang_app::ops::report::{self, DistrictReport, TierCount};
use kechuang_app::ops::{auth, check, filing, org};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::filing::FilingStatus;
use kechuang_core::org::OrgKind;
use kechuang_core::role::Role;
use kechuang_store::Store;
use kechuang_testkit::{TestDb, store_test};
use rust_decimal::Decimal;
use std::sync::Mutex;

/// The report for 2023-01 … 2023-10, as the command line runs it.
async fn report_figures(app: &App) -> DistrictReport {
    let range = report::parse_range("2023-01", "2023-10").expect("range");
    report::district(app, &Actor::cli(), &range)
        .await
        .expect("report")
}

/// The figures of the 2023 Chongqing Daily report on Tongliang.
fn assert_published_figures(r: &DistrictReport) {
    assert_eq!(
        r.tech_enterprises,
        TierCount {
            total: 1163,
            new: 202
        },
        "科技型企业"
    );
    assert_eq!(r.high_tech_enterprises.total, 175, "高新技术企业");
    assert_eq!(
        r.srdi_enterprises,
        TierCount {
            total: 136,
            new: 40
        },
        "专精特新"
    );
    assert_eq!(r.rd_above_scale.period.as_deref(), Some("2023Q3"));
    assert_eq!(
        r.rd_above_scale.amount_wan,
        Some(Decimal::new(11_310_000, 2)),
        "113100.00万元"
    );
    assert_eq!(
        r.rd_above_scale.yoy_pct,
        Some(Decimal::new(125, 1)),
        "+12.5 %"
    );
    // "累计支持全区442家次企业直接获得知识价值信用贷款8.17亿元，同步撬动支持科技型企业的商业贷款10.3亿元"
    assert_eq!(r.loans.count, 442, "loans");
    assert_eq!(
        r.loans.amount_wan,
        Decimal::new(8_170_000, 2),
        "81700.00万元"
    );
    assert_eq!(
        r.loans.leveraged_commercial_wan,
        Decimal::new(10_300_000, 2),
        "103000.00万元"
    );
    assert!(report::to_markdown(r).contains(
        "累计支持全区442家次企业直接获得知识价值信用贷款8.17亿元，同步撬动支持科技型企业的商业贷款10.3亿元"
    ));
    assert_eq!(r.platforms.total, 182, "已建成各类创新平台182个");
    assert_eq!(r.incubated_projects.total, 53, "孵化落地“硬科技”项目53个");
    assert_eq!(r.subsidies.applications, 734, "申报家次");
    assert_eq!(
        r.subsidies.paid_wan,
        Decimal::new(302_168, 2),
        "兑付3021.68万元"
    );
}

/// 技术合同: 3.2亿元 registered in 1—9月 2023, more than 3× the same months of
/// 2022, expected above 3.5亿元 for the year; a registrar's queue in 2026Q3; some
/// contracts close collaborations of the matchmaking chain.
async fn assert_contract_figures(app: &App) {
    use kechuang_app::ops::contract::{self, ListQuery};
    use kechuang_app::ops::contract_stats::{self, StatsQuery};
    let range = report::parse_range("2023-01", "2023-09").expect("range");
    let r = report::district(app, &Actor::cli(), &range)
        .await
        .expect("report");
    assert_eq!(
        r.contracts.amount_wan,
        Decimal::new(3_200_000, 2),
        "32000.00万元"
    );
    let yoy = r.contracts.yoy_pct.expect("yoy");
    assert!(yoy >= Decimal::from(200), "more than 3× last year: {yoy}");
    let md = report::to_markdown(&r);
    assert!(md.contains("成交额3.2亿元"), "{md}");
    let admin = Actor::cli();
    let s = contract_stats::statistics(
        app,
        &admin,
        &StatsQuery {
            from: "2023-01".into(),
            to: "2023-09".into(),
        },
    )
    .await
    .expect("stats");
    assert!(
        s.ytd.sentence.starts_with(
            "2023年1—9月技术合同成交额3.2亿元，预计全年突破3.5亿元，是去年同期的3倍以上"
        ),
        "{}",
        s.ytd.sentence
    );
    assert!(s.by_category.len() == 5 && s.by_seller_type.len() >= 3);
    let queue = contract::queue(app, &admin).await.expect("queue");
    assert!(queue.len() >= 10, "{}", queue.len());
    assert!(queue.iter().any(|q| !q.warnings.is_empty()));
    for status in ["refused", "cancelled"] {
        let p = contract::list(
            app,
            &admin,
            &ListQuery {
                status: status.into(),
                ..Default::default()
            },
        )
        .await
        .expect("list");
        assert_eq!(p.total, 1, "{status}");
    }
    let linked = contract::list(
        app,
        &admin,
        &ListQuery {
            per_page: 500,
            ..Default::default()
        },
    )
    .await
    .expect("list");
    assert!(linked.total > 1500);
}

async fn build(app: &App, seed: u64) -> DemoSummary {
    demo::build(app, &DemoOptions { seed }, &|_, _, _| {})
        .await
        .expect("demo build")
}

/// `(credit code, name)` of every enterprise, by credit code.
async fn register(store: &Store) -> Vec<(String, String)> {
    let mut db = store.read().await.expect("read");
    db.all_organisations()
        .await
        .expect("organisations")
        .into_iter()
        .filter(|o| o.org.kind == OrgKind::Enterprise)
        .map(|o| (o.org.credit_code.to_string(), o.org.name))
        .collect()
}

// One build per backend serves every assertion: the demo is big enough that
// building it once per test would dominate the suite on two cores.
store_test!(
    the_demo_district_adds_up_checks_clean_refuses_a_rebuild_and_admits_every_role,
    |store| {
        let app = app(&store);
        let stages: Mutex<Vec<(String, u64, u64)>> = Mutex::new(Vec::new());
        let progress = |s: &str, done: u64, total: u64| {
            stages.lock().unwrap().push((s.to_string(), done, total))
        };

        let summary = demo::build(&app, &DemoOptions::default(), &progress)
            .await
            .unwrap();

        // A register of the expected size, with progress to the end.
        assert!(
            // 1300–1400 in the 2023 register, plus 422 founded after it.
            (1722..=1822).contains(&summary.enterprises),
            "{}",
            summary.enterprises
        );
        assert!(
            summary.organisations > summary.enterprises + 15,
            "universities, institutes and banks too"
        );
        // The matchmaking board, read back through the use cases.
        let (needs, achievements, experts) = summary.matchmaking;
        assert!(
            needs > 100 && achievements > 150 && experts > 50,
            "{:?}",
            summary.matchmaking
        );
        let admin = kechuang_app::Actor::cli();
        let q = kechuang_app::ops::matchmaking::ListQuery {
            per_page: 200,
            ..Default::default()
        };
        let listed = kechuang_app::ops::matchmaking::needs(&app, &admin, &q)
            .await
            .unwrap();
        assert_eq!(listed.total as usize, needs);
        assert!(
            listed
                .items
                .iter()
                .all(|n| !n.modes.is_empty() && n.field.is_some())
        );
        let listed = kechuang_app::ops::matchmaking::achievements(&app, &admin, &q)
            .await
            .unwrap();
        assert_eq!(listed.total as usize, achievements);
        assert!(listed.items.iter().all(|a| a.title.starts_with("一种")));
        // The outcome chain (demo/outcomes.rs): the three years to the
        // horizon read like the newspaper's "150+ / 120+ / 20+".
        let on = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        let f = kechuang_app::ops::outcome::funnel(&app, &admin, on, on)
            .await
            .unwrap();
        let three = &f.three_years;
        assert!(
            three.collaborations >= 150
                && three.conversions >= 120
                && three.products >= 20
                && three.collaborations_from_sessions > 0,
            "{three:?}"
        );
        let all = kechuang_app::ops::outcome::collaborations(&app, &admin, 1)
            .await
            .unwrap();
        assert!(all.iter().all(|c| c.signed_on <= on));
        let mut products = Vec::new();
        for page in 1..=3 {
            for c in kechuang_app::ops::outcome::collaborations(&app, &admin, page)
                .await
                .unwrap()
            {
                products.extend(c.product_name);
            }
        }
        assert!(
            products.iter().any(|p| p == "高锰奥氏体船用低温储罐"),
            "{products:?}"
        );
        let threads = kechuang_app::ops::interest::threads(&app, &admin, "")
            .await
            .unwrap();
        assert!(threads.len() >= 150 && threads.iter().all(|t| t.message_count >= 2));
        assert!(
            summary.filings > 18 * summary.enterprises,
            "{}",
            summary.filings
        );
        assert!(
            summary.qualifications > summary.enterprises,
            "{}",
            summary.qualifications
        );
        let stages = stages.into_inner().unwrap();
        let last = stages
            .iter()
            .rev()
            .find(|(s, _, _)| s == "写入指标填报")
            .unwrap();
        assert_eq!(
            (last.1, last.2),
            (summary.filings, summary.filings),
            "progress reaches the end"
        );

        // The published figures, from the records, by the report's own queries.
        assert_published_figures(&report_figures(&app).await);
        assert_contract_figures(&app).await;

        // The loans: every one within its evaluation's line, resting on a
        // consent; some overdue, one claim paid through the ledger, one waiting.
        {
            use kechuang_app::ops::credit;
            let loans = credit::loans(&app, &admin, Some(on)).await.unwrap();
            assert!(loans.len() > 442, "{}", loans.len());
            let mut db = store.read().await.unwrap();
            for l in loans.iter().take(60) {
                let e = db
                    .credit_evaluation(&l.evaluation_id)
                    .await
                    .unwrap()
                    .unwrap();
                assert!(l.amount.fen <= e.line_fen && e.grade.is_some(), "{l:?}");
                assert!(e.evaluated_on <= l.start_on);
                let c = db
                    .consents(kechuang_store::CreditScope {
                        org: Some(&l.org_id),
                        bank: Some(&l.bank_id),
                    })
                    .await
                    .unwrap();
                assert!(c.iter().any(|c| c.granted_on <= l.start_on));
            }
            drop(db);
            assert!(
                loans
                    .iter()
                    .filter(|l| l.status == kechuang_core::loan::LoanStatus::Overdue)
                    .count()
                    >= 3
            );
            let claims = credit::claims(&app, &admin).await.unwrap();
            assert_eq!(claims.iter().filter(|c| c.state == "paid").count(), 1);
            assert_eq!(claims.iter().filter(|c| c.state == "claimed").count(), 1);
            let paid = claims.iter().find(|c| c.state == "paid").unwrap();
            let t = kechuang_app::ops::ledger::transaction(
                &app,
                &admin,
                paid.ledger_tx_id.as_deref().unwrap(),
            )
            .await
            .unwrap();
            assert_eq!(t.kind, "compensation");
            assert_eq!(t.amount.fen, paid.fund.fen);
            let b = credit::breaker(&app, &admin, Some(on)).await.unwrap();
            assert!(b.state != kechuang_core::credit::Breaker::Tripped, "{b:?}");
        }

        // Event chain, derived tables and every current filing hold.
        let c = check::run(&app, &Actor::cli()).await.unwrap();
        assert!(
            c.ok(),
            "chain {:?}, rollup {:?}, current {:?}, inconsistent {:?}",
            c.events.first_break,
            c.rollup_mismatches,
            c.current_mismatches,
            c.inconsistent_filings.iter().take(5).collect::<Vec<_>>()
        );
        assert!(
            c.events.events as u64 > summary.organisations,
            "one event per organisation and more"
        );

        // 揭榜挂帅: calls in every stage, one 赛马 with two winners, tranches paid
        // through the ledger (the check above holds the books), one accepted.
        let t0 = std::time::Instant::now();
        let calls = kechuang_app::ops::challenge::calls(&app, Some(&Actor::cli()))
            .await
            .unwrap();
        let calls_ms = t0.elapsed().as_secs_f64() * 1e3;
        let ch_stages: std::collections::BTreeSet<&str> =
            calls.iter().map(|c| c.call.stage.as_str()).collect();
        for s in ["published", "reviewing", "publicity", "running", "closed"] {
            assert!(ch_stages.contains(s), "{s}: {ch_stages:?}");
        }
        let race = calls
            .iter()
            .find(|c| c.call.ranking.iter().filter(|r| r.selected).count() == 2)
            .expect("a 赛马 call with two winners");
        let t0 = std::time::Instant::now();
        let wb = kechuang_app::ops::challenge::workbench(&app, &Actor::cli(), &race.call.id)
            .await
            .unwrap();
        let workbench_ms = t0.elapsed().as_secs_f64() * 1e3;
        assert_eq!(wb.projects.len(), 2);
        assert_eq!(wb.panel.iter().filter(|p| !p.excluded).count(), 5);
        let mut db = store.read().await.unwrap();
        let horizon = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        let t0 = std::time::Instant::now();
        let f = kechuang_app::ops::challenge::figures(&mut db, horizon)
            .await
            .unwrap();
        let figures_ms = t0.elapsed().as_secs_f64() * 1e3;
        drop(db);
        eprintln!(
            "challenge timings: calls {calls_ms:.1} ms, workbench {workbench_ms:.1} ms, figures {figures_ms:.1} ms"
        );
        assert_eq!((f.calls, f.projects, f.accepted), (6, 4, 1), "{f:?}");
        assert!(
            f.paid_wan > Decimal::ZERO && f.paid_wan < f.granted_wan,
            "{f:?}"
        );

        // A second build is refused and changes nothing.
        let err = demo::build(&app, &DemoOptions::default(), &|_, _, _| {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Conflict(ref e) if e.code == "demo_exists"),
            "{err:?}"
        );
        assert!(err.to_string().contains("演示"), "{err}");
        assert!(demo::exists(&app).await.unwrap());
        let n = store
            .read()
            .await
            .unwrap()
            .count_organisations()
            .await
            .unwrap();
        assert_eq!(n as u64, summary.organisations);

        // Every role has a login that works.
        let mut roles: Vec<Role> = summary.logins.iter().map(|l| l.role).collect();
        roles.sort_by_key(|r| r.code());
        roles.dedup();
        assert_eq!(roles.len(), Role::ALL.len(), "one login per role at least");
        for l in &summary.logins {
            assert!(l.password.chars().count() >= 8);
            let s = auth::login(&app, &l.username, &l.password)
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", l.username));
            assert_eq!(s.actor.role, l.role);
            assert_eq!(
                s.actor.org_id.is_some(),
                l.org_name.is_some(),
                "{}",
                l.username
            );
        }

        // The enterprise login sees its own, well-filled enterprise and nothing else.
        let ent = summary
            .logins
            .iter()
            .find(|l| l.role == Role::Enterprise)
            .unwrap();
        let actor = auth::login(&app, &ent.username, &ent.password)
            .await
            .unwrap()
            .actor;
        let page = org::list(&app, &actor, &ListQuery::default())
            .await
            .unwrap();
        assert_eq!(page.total, 1, "an enterprise sees only itself");
        assert_eq!(Some(&page.items[0].record.org.name), ent.org_name.as_ref());
        let own = page.items[0].record.id.clone();
        let profile = org::profile(&app, &actor, &own).await.unwrap();
        assert!(
            profile.qualifications.len() >= 4,
            "{:?}",
            profile.qualifications
        );
        assert!(profile.ip.len() >= 5);
        assert!(
            profile
                .filings
                .iter()
                .any(|f| f.period.to_string() == "2019Q1"),
            "five years of filings"
        );
        assert!(
            profile
                .filings
                .iter()
                .any(|f| f.status == FilingStatus::Submitted),
            "one filing under review"
        );

        // The line staff work for the motorcycle maker of the report.
        let engineer = summary
            .logins
            .iter()
            .find(|l| l.role == Role::LineEngineer)
            .unwrap();
        assert_eq!(
            engineer.org_name.as_deref(),
            Some("重庆炙焱动力制造有限公司")
        );

        // The town reviewer's queue holds only its towns' filings.
        let town = summary
            .logins
            .iter()
            .find(|l| l.username == "town")
            .unwrap();
        let town_actor = auth::login(&app, &town.username, &town.password)
            .await
            .unwrap()
            .actor;
        let queue = filing::review_queue(&app, &town_actor, 100).await.unwrap();
        assert!(!queue.is_empty(), "the town reviewer has filings to review");
        assert!(
            queue
                .iter()
                .all(|i| matches!(i.town.as_deref(), Some("巴川街道" | "东城街道")))
        );
        let all = filing::review_queue(&app, &bureau(Role::BureauReviewer, None), 100)
            .await
            .unwrap();
        assert!(all.len() > queue.len() && all.len() >= 10, "{}", all.len());

        // The district runs on to its horizon (2026-09-30).
        assert_the_horizon_is_filled(&app, &store).await;
        assert_the_sessions(&app).await;
        assert_the_platforms(&app).await;
    }
);

/// Past the 2023 snapshot the records reach 2026-09-30, so the views that look at
/// "today" (late 2026) have data: valid 高企, the latest quarter, annual figures,
/// and a review queue in 2026Q3.
async fn assert_the_horizon_is_filled(app: &App, store: &Store) {
    use chrono::NaiveDate;
    use kechuang_core::period::Period;
    use kechuang_core::qualification::QualificationKind as K;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let mut db = store.read().await.unwrap();

    let at_snapshot = db
        .count_valid_holders(&[K::HighTech], day(2023, 10, 31))
        .await
        .unwrap();
    let late_2026 = db
        .count_valid_holders(&[K::HighTech], day(2026, 11, 28))
        .await
        .unwrap();
    assert_eq!(at_snapshot, 175);
    assert!(
        (200..=280).contains(&late_2026) && late_2026 > at_snapshot,
        "valid 高企 on 2026-11-28: {late_2026}"
    );

    let q3 = Period::quarter(2026, 3).unwrap();
    let y2025 = Period::year(2025).unwrap();
    let (mut active, mut filed_q3, mut founded_2025, mut annual_2025) = (0, 0, 0, 0);
    for o in db.all_organisations().await.unwrap() {
        if o.org.kind != OrgKind::Enterprise {
            continue;
        }
        let founded = o.org.founded_on.unwrap();
        if founded <= day(2026, 9, 30) {
            active += 1;
            let versions = db.filing_versions(&o.id, q3).await.unwrap();
            if versions
                .iter()
                .any(|f| matches!(f.status, FilingStatus::Approved | FilingStatus::Submitted))
            {
                filed_q3 += 1;
            }
        }
        if founded <= day(2025, 12, 31) {
            founded_2025 += 1;
            if db.latest_filing(&o.id, y2025).await.unwrap().is_some() {
                annual_2025 += 1;
            }
        }
    }
    assert!(
        filed_q3 * 10 >= active * 9,
        "2026Q3 filed by {filed_q3} of {active}"
    );
    assert!(filed_q3 < active, "a few have not filed yet");
    assert_eq!(
        annual_2025, founded_2025,
        "every firm filed its 2025 annual"
    );
    drop(db);

    let queue = filing::review_queue(app, &bureau(Role::BureauReviewer, None), 500)
        .await
        .unwrap();
    assert!(queue.len() >= 10, "{}", queue.len());
    assert!(
        queue.iter().all(|i| i.filing.period == q3),
        "the review queue is in the latest quarter: {:?}",
        queue.iter().map(|i| i.filing.period).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_district_and_another_seed_other_names_with_the_same_figures()
{
    let (a, b, c) = (
        TestDb::sqlite().await,
        TestDb::sqlite().await,
        TestDb::sqlite().await,
    );
    let (app_a, app_b, app_c) = (app(&a.store), app(&b.store), app(&c.store));

    tokio::join!(build(&app_a, 2023), build(&app_b, 2023), build(&app_c, 7));

    let (reg_a, reg_b, reg_c) = (
        register(&a.store).await,
        register(&b.store).await,
        register(&c.store).await,
    );
    assert_eq!(reg_a, reg_b, "same seed, same credit codes and names");
    assert_eq!(report_figures(&app_a).await, report_figures(&app_b).await);
    let names = |r: &[(String, String)]| {
        r.iter()
            .map(|x| x.1.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_ne!(names(&reg_a), names(&reg_c), "another seed, other names");
    assert!(
        names(&reg_a).contains("重庆炙焱动力制造有限公司")
            && names(&reg_c).contains("重庆炙焱动力制造有限公司")
    );
    assert_published_figures(&report_figures(&app_c).await);
}

/// Past sessions with stored schedules and signings — the newspaper's April 2023
/// session with exactly 6 projects signed, the two it names among them, and only
/// firms that existed by then invited — and an upcoming one open for requests
/// that the demo's enterprise login is invited to.
async fn assert_the_sessions(app: &App) {
    use kechuang_app::ops::sessions as ss;
    let admin = bureau(Role::BureauAdmin, None);
    let all = ss::list(app, &admin).await.unwrap();
    assert_eq!(all.len(), 4);
    let cy = all
        .iter()
        .find(|s| {
            s.spec
                .title
                .contains("成渝“双城协同·融合创新”科技成果对接会")
        })
        .unwrap();
    assert!(
        cy.spec
            .title
            .starts_with("重庆市科技成果进区县专项行动铜梁专场")
    );
    let april = chrono::NaiveDate::from_ymd_opt(2023, 4, 1).unwrap();
    let may = chrono::NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
    assert!(
        april <= cy.spec.date && cy.spec.date < may,
        "{}",
        cy.spec.date
    );
    assert_eq!(cy.signings, 6);
    assert_eq!(cy.status.code, "closed");
    assert!(cy.meetings >= 20, "{}", cy.meetings);
    let d = ss::detail(app, &admin, &cy.id).await.unwrap();
    let f = d.figures.as_ref().unwrap();
    assert!(f.placed_requested <= f.upper_bound && f.placed_requested > 0);
    let titles: Vec<&str> = d.signings.iter().map(|s| s.title.as_str()).collect();
    for named in [
        "气体压缩技术产学研合作",
        "静脉识别技术在智能安防领域的应用合作",
    ] {
        assert_eq!(
            titles.iter().filter(|t| **t == named).count(),
            1,
            "{titles:?}"
        );
    }
    // Every invited organisation existed on the session's day.
    let mut db = app.store.read().await.unwrap();
    for p in &d.participants {
        let org = db
            .organisation(&kechuang_core::ids::OrgId(p.org_id.clone()))
            .await
            .unwrap()
            .unwrap();
        assert!(
            org.org.founded_on.is_none_or(|f| f <= cy.spec.date),
            "{} founded {:?}",
            p.org_name,
            org.org.founded_on
        );
    }
    drop(db);
    // Every project signed at a session is a collaboration of the chain, once:
    // the three years to the horizon (from 2023-10) hold the later sessions'
    // signings, the 2023 report range (Jan–Oct) the April session's six.
    let on = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
    let f = kechuang_app::ops::outcome::funnel(app, &admin, on, on)
        .await
        .unwrap();
    let window_from = f.three_years.from.unwrap();
    let in_window: i64 = all
        .iter()
        .filter(|s| window_from <= s.spec.date && s.spec.date <= on)
        .map(|s| s.signings)
        .sum();
    assert!(in_window > 0 && cy.spec.date < window_from);
    assert_eq!(f.three_years.collaborations_from_sessions as i64, in_window);
    let jan = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let oct = chrono::NaiveDate::from_ymd_opt(2023, 10, 31).unwrap();
    let f = kechuang_app::ops::outcome::funnel(app, &admin, jan, oct)
        .await
        .unwrap();
    assert_eq!(f.chain.collaborations_from_sessions, 6);
    let open = all.iter().find(|s| s.status.code == "open").unwrap();
    assert_eq!(open.meetings, 0);
    let mut db = app.store.read().await.unwrap();
    let login = db.user_by_name("enterprise").await.unwrap().unwrap();
    drop(db);
    let ent = Actor::from_user(&login);
    let mine = ss::list(app, &ent).await.unwrap();
    assert!(
        mine.iter().any(|s| s.id == open.id),
        "the enterprise login is invited"
    );
}

/// The named platforms and institutes, the 53 incubated projects with their
/// firms, the alliance's 1000+ experts, and enterprises taking their indicator
/// #23 level from platforms.
async fn assert_the_platforms(app: &App) {
    use kechuang_app::ops::{institute, platform};
    let admin = bureau(Role::BureauAdmin, None);
    let q = |name: &str| platform::ListQuery {
        q: name.into(),
        ..Default::default()
    };
    let storage = platform::list(app, &admin, &q("铜梁新型储能产业技术研究院"))
        .await
        .unwrap();
    assert_eq!(storage.total, 1);
    let v = institute::institute(app, &admin, &storage.items[0].id)
        .await
        .unwrap();
    assert_eq!(v.teams.len(), 5, "5个专项科研团队");
    assert_eq!(v.targets.len(), 3);
    assert!(
        v.targets
            .iter()
            .all(|t| t.target == "100" || t.target == "1000")
    );
    assert_eq!(v.platform.partners.len(), 3, "政府、重庆大学、龙头企业");
    let aerogel = platform::list(app, &admin, &q("气凝胶国家重点实验室"))
        .await
        .unwrap();
    assert_eq!(aerogel.items[0].status, "under_construction");
    let head = platform::list(app, &admin, &q("重庆高新技术产业研究院"))
        .await
        .unwrap();
    let head = head
        .items
        .iter()
        .find(|p| p.name == "重庆高新技术产业研究院")
        .unwrap();
    let v = institute::institute(app, &admin, &head.id).await.unwrap();
    assert_eq!(v.projects_total, 53);
    assert_eq!(v.children.len(), 2, "专业研究院");
    assert!(v.by_stage.len() >= 5);
    assert!(
        v.firms
            .iter()
            .filter(|f| f
                .qualifications
                .iter()
                .any(|q| q.kind == "high_tech" || q.kind == "srdi"))
            .count()
            >= 4,
        "resulting firms holding 高企 / 专精特新"
    );
    let alliances = institute::alliances(app, &admin).await.unwrap();
    assert_eq!(alliances.len(), 1);
    assert!(alliances[0].experts > 1000, "{}", alliances[0].experts);
    let on = chrono::NaiveDate::from_ymd_opt(2023, 10, 31).unwrap();
    let levels = platform::institution_levels(app, on).await.unwrap();
    let mut db = app.store.read().await.unwrap();
    let mut firms = 0;
    for org in levels.keys() {
        if db.organisation(org).await.unwrap().unwrap().org.kind == OrgKind::Enterprise {
            firms += 1;
        }
    }
    assert!(
        firms > 50,
        "enterprises with a level from platforms: {firms}"
    );
}
