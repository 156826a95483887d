//! The indicator wall's filters on every panel, on both backends, with figures of
//! their own: the programme panels (technology contracts) by town, cluster and an
//! officer's scope; the ranking by cluster; the distribution's buckets and
//! quartiles.

use crate::common::*;
use chrono::NaiveDate;
use kechuang_app::ops::contract::{self, ContractInput, PartyInput, StepInput};
use kechuang_app::ops::dashboard::{self, WallQuery};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::ops::{filing, report};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const WAN: i64 = 1_000_000;

struct Firm {
    id: OrgId,
    code: String,
    name: String,
}

async fn firm(app: &App, n: u32, town: &str, cluster: &str) -> Firm {
    let admin = bureau(Role::BureauAdmin, None);
    let code = CreditCode::complete(&format!("91500151{n:09}"))
        .unwrap()
        .to_string();
    let name = format!("重庆看板{n}科技有限公司");
    let id = org::create(
        app,
        &admin,
        &OrgInput {
            credit_code: code.clone(),
            name: name.clone(),
            town: town.into(),
            cluster: cluster.into(),
            above_scale: "是".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap();
    Firm { id, code, name }
}

fn seller(f: &Firm) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{}", f.id))),
        username: format!("u{}", &f.id.as_str()[..8]),
        display_name: f.name.clone(),
        role: Role::Enterprise,
        org_id: Some(f.id.clone()),
        towns: None,
    }
}

fn party(side: &str, f: &Firm) -> PartyInput {
    PartyInput {
        side: side.into(),
        name: f.name.clone(),
        credit_code: f.code.clone(),
        kind: "enterprise".into(),
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Registers a contract of `wan` 万元 sold by `s` to `b` on `on`.
async fn register(app: &App, s: &Firm, b: &Firm, wan: i64, on: &str) {
    let i = ContractInput {
        title: format!("{}委托开发{wan}", b.name),
        subtype: "commissioned_development".into(),
        field: "new_energy".into(),
        amount_fen: wan * WAN,
        non_technical_fen: 0,
        tech_transaction_fen: wan * WAN,
        signed_on: "2023-02-20".into(),
        valid_from: "2023-03-01".into(),
        valid_to: "2026-02-28".into(),
        text: format!(
            "合同正文：{}向{}提供开发服务，金额{wan}万元。",
            s.name, b.name
        ),
        parties: vec![party("seller", s), party("buyer", b)],
        ..Default::default()
    };
    let reviewer = bureau(Role::BureauReviewer, None);
    let id = contract::submit_on(app, &seller(s), &i, d(on))
        .await
        .unwrap()
        .contract
        .id;
    for step in ["accept", "register"] {
        let st = StepInput {
            step: step.into(),
            ..Default::default()
        };
        contract::step_on(app, &reviewer, &id, &st, d(on))
            .await
            .unwrap();
    }
}

fn q(towns: &[&str], cluster: Option<&str>) -> WallQuery {
    WallQuery {
        period: "2024Q4".into(),
        base: None,
        towns: towns.iter().map(|t| (*t).to_string()).collect(),
        cluster: cluster.map(str::to_string),
        rank_by: None,
        dist: None,
    }
}

fn wan(n: i64) -> Decimal {
    Decimal::new(n * 100, 2)
}

store_test!(
    the_programme_panels_follow_town_cluster_and_scope,
    |store| {
        let app = app(&store);
        let a = firm(&app, 21, "东城街道", "新型储能").await;
        let b = firm(&app, 22, "东城街道", "智能网联").await;
        let c = firm(&app, 23, "西河镇", "智能网联").await;
        let buyer = firm(&app, 24, "南城街道", "新型储能").await;
        register(&app, &a, &buyer, 100, "2024-03-10").await;
        register(&app, &b, &buyer, 40, "2024-05-10").await;
        register(&app, &c, &buyer, 7, "2024-08-01").await;
        register(&app, &a, &buyer, 20, "2023-04-01").await;
        let admin = bureau(Role::BureauAdmin, None);
        let wall = |q: WallQuery, who: Actor| {
            let app = app.clone();
            async move { dashboard::wall(&app, &who, &q).await.unwrap() }
        };
        // The whole district: the report's own figures.
        let all = wall(q(&[], None), admin.clone()).await;
        let c_all = &all.programme.contracts;
        assert_eq!((c_all.count, c_all.amount_wan), (3, wan(147)));
        assert_eq!(c_all.last_year_amount_wan, wan(20));
        let range = report::parse_range("2024-01", "2024-12").unwrap();
        let r = report::district(&app, &admin, &range).await.unwrap();
        assert_eq!(&r.contracts, c_all);
        // One town: the contracts its sellers registered, this year and last.
        let east = wall(q(&["东城街道"], None), admin.clone()).await;
        let ce = &east.programme.contracts;
        assert_eq!((ce.count, ce.amount_wan), (2, wan(140)));
        assert_eq!(ce.last_year_amount_wan, wan(20));
        assert_eq!(ce.yoy_pct, Some(Decimal::new(6000, 1)));
        // One cluster, across towns.
        let car = wall(q(&[], Some("智能网联")), admin.clone()).await;
        let cc = &car.programme.contracts;
        assert_eq!((cc.count, cc.amount_wan), (2, wan(47)));
        assert_eq!((cc.last_year_amount_wan, cc.yoy_pct), (wan(0), None));
        // Town and cluster together.
        let both = wall(q(&["东城街道"], Some("智能网联")), admin.clone()).await;
        assert_eq!(
            (
                both.programme.contracts.count,
                both.programme.contracts.amount_wan
            ),
            (1, wan(40))
        );
        // An officer of 西河镇 sees its contracts, and nothing of another town's.
        let west_officer = bureau(Role::BureauReviewer, Some(vec!["西河镇"]));
        let own = wall(q(&[], None), west_officer.clone()).await;
        assert_eq!(
            (
                own.programme.contracts.count,
                own.programme.contracts.amount_wan
            ),
            (1, wan(7))
        );
        let other = wall(q(&["东城街道"], None), west_officer).await;
        assert_eq!(other.programme.contracts.count, 0);
        assert_eq!(other.programme.loans.count, 0);
        // The panels say what the filter means; the district-wide wall has no note.
        let note = |w: &dashboard::Wall, name: &str| {
            dashboard::panels(w)
                .into_iter()
                .find(|s| s.name == name)
                .map(|s| s.text.join(""))
                .unwrap_or_default()
        };
        assert!(
            note(&east, "技术合同").contains("按卖方"),
            "{}",
            note(&east, "技术合同")
        );
        assert!(note(&east, "产学研对接").contains("全区口径"));
        assert!(!note(&all, "技术合同").contains("按卖方"));
        // The contract panel's table carries the filtered figures.
        let panel = dashboard::panels(&east)
            .into_iter()
            .find(|s| s.name == "技术合同")
            .unwrap();
        assert_eq!(panel.rows[0][0].text(), "2");
        assert_eq!(panel.rows[0][1].text(), "140.00");
    }
);

fn vals(rd: &str) -> BTreeMap<String, String> {
    [("rd_expense".to_string(), rd.to_string())]
        .into_iter()
        .collect()
}

store_test!(
    the_ranking_follows_the_cluster_and_the_distribution_buckets,
    |store| {
        let app = app(&store);
        let reviewer = bureau(Role::BureauReviewer, None);
        let admin = bureau(Role::BureauAdmin, None);
        for (n, town, cluster, rd) in [
            (31, "东城街道", "新型储能", "5"),
            (32, "东城街道", "智能网联", "12"),
            (33, "西河镇", "智能网联", "30"),
            (34, "西河镇", "智能网联", "18"),
            (35, "东城街道", "新型储能", "250"),
            (36, "西河镇", "新型储能", "0"),
        ] {
            let f = firm(&app, n, town, cluster).await;
            let ent = seller(&f);
            filing::save(&app, &ent, &f.id, "2024Q4", &vals(rd))
                .await
                .unwrap();
            filing::submit(&app, &ent, &f.id, "2024Q4").await.unwrap();
            filing::approve(&app, &reviewer, &f.id, "2024Q4", None)
                .await
                .unwrap();
        }
        let name = |n: u32| format!("重庆看板{n}科技有限公司");
        // Ranking: the whole district, then one cluster only.
        let all = dashboard::wall(&app, &admin, &q(&[], None)).await.unwrap();
        let order: Vec<&str> = all.top.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(order[..2], [name(35), name(33)]);
        let car = dashboard::wall(&app, &admin, &q(&[], Some("智能网联")))
            .await
            .unwrap();
        let top: Vec<(String, i64)> = car.top.iter().map(|t| (t.1.clone(), t.2)).collect();
        assert_eq!(
            top,
            vec![
                (name(33), 30 * WAN),
                (name(34), 18 * WAN),
                (name(32), 12 * WAN)
            ]
        );
        // Distribution of the cluster: three values, quartiles by nearest rank,
        // buckets of 2 万元 from 12.
        let dist = &car.distribution;
        assert_eq!(dist.count, 3);
        assert_eq!(
            dist.five,
            Some([12 * WAN, 12 * WAN, 18 * WAN, 30 * WAN, 30 * WAN])
        );
        assert_eq!(dist.buckets.len(), 10);
        assert_eq!(
            (dist.buckets[0].lo, dist.buckets[0].hi),
            (12 * WAN, 14 * WAN)
        );
        let counts: Vec<i64> = dist.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
        // The district: 250 is a far outlier (beyond Q3 + 3 IQR = 105) and gets the
        // open last bucket; the rest in buckets of 5 万元 from 0.
        let d = &all.distribution;
        assert_eq!(d.five, Some([0, 5 * WAN, 12 * WAN, 30 * WAN, 250 * WAN]));
        let b: Vec<(i64, bool, i64)> = d
            .buckets
            .iter()
            .map(|b| (b.lo / WAN, b.open, b.count))
            .collect();
        assert_eq!(
            b,
            [
                (0, false, 1),
                (5, false, 1),
                (10, false, 1),
                (15, false, 1),
                (20, false, 0),
                (25, false, 0),
                (30, false, 1),
                (35, true, 1)
            ]
        );
        // The panel: the chart and its data table, bucket labels in 万元.
        let panel = dashboard::panels(&all)
            .into_iter()
            .find(|s| s.name == "分布")
            .unwrap();
        assert_eq!(panel.rows[0][0].text(), "0～5");
        assert_eq!(panel.rows[7][0].text(), "35及以上");
        assert_eq!(panel.rows[7][1].text(), "1");
        assert!(panel.text[0].contains("中位数12"), "{:?}", panel.text);
        let chart = panel.chart.unwrap();
        assert_eq!(
            chart.series[0].1,
            vec![1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0]
        );
        // Another indicator by code or header; an unknown one names the field.
        let mut byq = q(&["西河镇"], None);
        byq.dist = Some("研发费用总额".into());
        let west = dashboard::wall(&app, &admin, &byq).await.unwrap();
        assert_eq!(west.distribution.count, 3);
        byq.dist = Some("no_such".into());
        match dashboard::wall(&app, &admin, &byq).await {
            Err(AppError::Invalid(f)) => {
                assert_eq!(
                    (f[0].field.as_str(), f[0].code),
                    ("dist", "indicator_unknown")
                )
            }
            other => panic!("{other:?}"),
        }
    }
);
