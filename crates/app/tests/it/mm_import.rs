//! Matchmaking import (needs, achievements, experts from xlsx or CSV): every body
//! runs on SQLite and PostgreSQL; files are built here.

use crate::common::*;
use crate::import::{C, xlsx};
use kechuang_app::mm_import::{
    MmImportOptions, MmImportReport, MmKind, import_matchmaking, looks_like_matchmaking, template,
};
use kechuang_app::ops::matchmaking::{self as mm, ListQuery};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::search::{SearchRequest, Searcher};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::ids::OrgId;
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

const UNI_CODE: &str = "12500000450400001F";

async fn setup(app: &App) -> (OrgId, OrgId) {
    let admin = bureau(Role::BureauAdmin, None);
    let e = org::create(app, &admin, &enterprise_input(1, "巴川街道"))
        .await
        .unwrap();
    let u = org::create(
        app,
        &admin,
        &OrgInput {
            kind: "高校".into(),
            credit_code: UNI_CODE.into(),
            name: "重庆测试大学".into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap();
    (e, u)
}

fn research(u: &OrgId) -> Actor {
    Actor {
        role: Role::Research,
        org_id: Some(u.clone()),
        ..enterprise_user(u)
    }
}

fn s(v: &'static str) -> C {
    C::S(v)
}

fn workbook() -> Vec<u8> {
    xlsx(&[
        (
            "技术需求",
            vec![
                vec![
                    s("编号*"),
                    s("统一社会信用代码"),
                    s("需求名称*"),
                    s("需求描述"),
                    s("预算（万元）"),
                    s("合作方式*"),
                    s("技术领域"),
                    s("关键词"),
                    s("截止日期"),
                ],
                vec![
                    s("XQ-1"),
                    C::T(code(1)),
                    s("储能电芯热失控早期预警"),
                    s("<script>alert(1)</script>需要提前预警"),
                    C::N(12.345678),
                    s("合作开发、技术转让"),
                    s("新型储能"),
                    s("储能；电芯;热失控,预警"),
                    C::D(2027, 6, 30),
                ],
                vec![
                    s("XQ-2"),
                    C::T(code(1)),
                    s("气凝胶隔热毡量产工艺"),
                    C::E,
                    s("80"),
                    s("委托开发"),
                    C::E,
                    s("气凝胶"),
                    C::E,
                ],
            ],
        ),
        (
            "科技成果",
            vec![
                vec![
                    s("编号"),
                    s("单位名称"),
                    s("成果名称"),
                    s("完成人"),
                    s("成果形式"),
                    s("成熟度"),
                    s("转化方式"),
                    s("参考价格（万元）"),
                    s("关键词"),
                ],
                vec![
                    s("CG-1"),
                    s("重庆测试大学"),
                    s("一种锂电池热失控预警方法"),
                    s("张三、李四"),
                    s("专利"),
                    s("中试"),
                    s("转让；许可"),
                    s("80.5"),
                    s("锂电池、热失控"),
                ],
            ],
        ),
        (
            "专家",
            vec![
                vec![
                    s("编号"),
                    s("统一社会信用代码"),
                    s("姓名"),
                    s("职称"),
                    s("研究领域"),
                ],
                vec![
                    s("ZJ-1"),
                    s(UNI_CODE),
                    s("王五"),
                    s("教授"),
                    s("新型储能、电池管理"),
                ],
            ],
        ),
        ("说明", vec![vec![s("随便写点什么")]]),
    ])
}

async fn run(app: &App, actor: &Actor, name: &str, bytes: Vec<u8>, dry: bool) -> MmImportReport {
    import_matchmaking(
        app,
        actor,
        name,
        bytes,
        &MmImportOptions {
            dry_run: dry,
            kind: None,
        },
    )
    .await
    .unwrap()
}

store_test!(
    a_workbook_imports_all_three_kinds_and_a_reimport_changes_nothing,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let (e, u) = setup(&app).await;
        assert!(looks_like_matchmaking(&workbook(), "board.xlsx"));
        // A dry run counts and writes nothing.
        let dry = run(&app, &admin, "board.xlsx", workbook(), true).await;
        assert!(dry.errors.is_empty(), "{:?}", dry.errors);
        assert!(!dry.applied);
        assert_eq!(dry.summary.needs.created, 2);
        let q = ListQuery::default();
        assert_eq!(mm::needs(&app, &admin, &q).await.unwrap().total, 0);
        // The real import.
        let r = run(&app, &admin, "board.xlsx", workbook(), false).await;
        assert!(r.applied, "{:?}", r.errors);
        assert_eq!(
            (
                r.summary.needs.created,
                r.summary.achievements.created,
                r.summary.experts.created,
                r.summary.rows_read
            ),
            (2, 1, 1, 4)
        );
        assert!(r.batch_id.is_some());
        let needs = mm::needs(&app, &admin, &q).await.unwrap();
        assert_eq!(needs.total, 2);
        let n = needs
            .items
            .iter()
            .find(|n| n.title == "储能电芯热失控早期预警")
            .unwrap();
        assert_eq!(n.org_id, e.to_string());
        assert_eq!(
            n.description.as_deref(),
            Some("<script>alert(1)</script>需要提前预警"),
            "stored as text"
        );
        assert_eq!(n.keywords, ["储能", "电芯", "热失控", "预警"]);
        assert_eq!(
            n.modes.iter().map(|m| m.code).collect::<Vec<_>>(),
            ["joint", "transfer"]
        );
        assert_eq!(
            n.deadline.map(|d| d.to_string()).as_deref(),
            Some("2027-06-30")
        );
        assert_eq!(n.status.code, "open");
        // 12.345678 万元 is exactly 123,456.78 元.
        let stored = store
            .read()
            .await
            .unwrap()
            .need(&n.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.record.0.budget.unwrap().fen(), 12_345_678);
        let a = &mm::achievements(&app, &admin, &q).await.unwrap().items[0];
        assert_eq!(a.org_id, u.to_string());
        assert_eq!(a.inventors, ["张三", "李四"]);
        assert_eq!(a.price_wan.as_deref(), Some("80.50"));
        assert_eq!(a.maturity.as_ref().unwrap().code, "pilot");
        let x = &mm::experts(&app, &admin, &q).await.unwrap().items[0];
        assert_eq!(x.expert.fields, ["新型储能", "电池管理"]);
        // Each record has the same event as a form's write.
        let events = store
            .read()
            .await
            .unwrap()
            .events_for("need", &n.id, 10)
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "need.created");
        // Importing the same file again writes nothing.
        let again = run(&app, &admin, "board.xlsx", workbook(), false).await;
        assert!(!again.applied);
        assert!(again.errors.is_empty());
        assert_eq!(again.summary.needs.unchanged, 2);
        assert_eq!(again.summary.achievements.unchanged, 1);
        assert_eq!(again.summary.experts.unchanged, 1);
        assert_eq!(mm::needs(&app, &admin, &q).await.unwrap().total, 2);
        // A changed cell updates that record only (and its status is kept).
        mm::update_need(
            &app,
            &admin,
            &n.id,
            &kechuang_core::matchmaking::NeedInput {
                title: n.title.clone(),
                description: n.description.clone().unwrap(),
                budget_wan: "12.345678".into(),
                modes: vec!["合作开发、技术转让".into()],
                field: "新型储能".into(),
                keywords: vec!["储能；电芯;热失控,预警".into()],
                deadline: "2027-06-30".into(),
                ..Default::default()
            },
            "对接中",
        )
        .await
        .unwrap();
        let csv = "编号,统一社会信用代码,需求名称,预算（万元）,合作方式,技术领域,关键词,截止日期,需求描述\n\
                   XQ-1,CODE,储能电芯热失控早期预警,15,合作开发、技术转让,新型储能,储能；电芯;热失控,预警,2027-06-30,<script>alert(1)</script>需要提前预警\n"
            .replace("CODE", &code(1));
        // (the unquoted comma in 关键词 makes the row one cell too long: refused)
        let bad = run(&app, &admin, "needs.csv", csv.into_bytes(), false).await;
        assert!(!bad.applied);
        assert!(
            bad.errors
                .iter()
                .any(|e| e.error.code == "column_without_header"),
            "{:?}",
            bad.errors
        );
        let csv = "编号,统一社会信用代码,需求名称,预算（万元）,合作方式,技术领域,关键词,截止日期,需求描述\n\
                   XQ-1,CODE,储能电芯热失控早期预警,15,合作开发、技术转让,新型储能,\"储能；电芯;热失控,预警\",2027-06-30,<script>alert(1)</script>需要提前预警\n"
            .replace("CODE", &code(1));
        let upd = run(&app, &admin, "needs.csv", csv.into_bytes(), false).await;
        assert!(upd.applied, "{:?}", upd.errors);
        assert_eq!(
            (upd.summary.needs.updated, upd.summary.needs.created),
            (1, 0)
        );
        let after = mm::need(&app, &admin, &n.id).await.unwrap();
        assert_eq!(after.budget_wan.as_deref(), Some("15.00"));
        assert_eq!(
            after.status.code, "talking",
            "a blank 状态 keeps the status"
        );
        // The imported records reach the search index.
        let dir = std::env::temp_dir().join(format!("kechuang-mmimp-{}", kechuang_store::new_id()));
        let searcher = Searcher::open(Some(&dir)).unwrap();
        let found = searcher
            .search(
                &app,
                &admin,
                &SearchRequest {
                    q: "气凝胶".into(),
                    ..SearchRequest::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        drop(searcher);
        let _ = std::fs::remove_dir_all(&dir);
    }
);

store_test!(every_bad_cell_is_reported_and_nothing_is_written, |store| {
    let app = app(&store);
    let admin = bureau(Role::BureauAdmin, None);
    let (_, _) = setup(&app).await;
    // An xlsx cell holds at most 32,767 characters; the 100 KB title comes by CSV below.
    let long = "长".repeat(30_000);
    let book = xlsx(&[
        (
            "技术需求",
            vec![
                vec![
                    s("编号"),
                    s("单位名称"),
                    s("需求名称"),
                    s("预算（万元）"),
                    s("合作方式"),
                    s("备注"),
                ],
                vec![
                    s("A"),
                    s("没有这家公司"),
                    s("好需求"),
                    s("1"),
                    s("合作开发"),
                    C::E,
                ],
                vec![
                    s("B"),
                    s("重庆测试1科技有限公司"),
                    C::E,
                    s("十万"),
                    s("合伙"),
                    C::E,
                ],
                vec![
                    s("C"),
                    s("重庆测试1科技有限公司"),
                    C::T(long),
                    s("-1"),
                    s("委托开发"),
                    C::E,
                ],
                vec![
                    s("D"),
                    s("重庆测试大学"),
                    s("高校不能发需求"),
                    C::E,
                    s("委托开发"),
                    C::E,
                ],
                vec![
                    s("E"),
                    s("重庆测试1科技有限公司"),
                    s("好"),
                    C::E,
                    s("委托开发"),
                    C::E,
                ],
                vec![
                    s("E"),
                    s("重庆测试1科技有限公司"),
                    s("重复"),
                    C::E,
                    s("委托开发"),
                    C::E,
                ],
            ],
        ),
        (
            "专家",
            vec![
                vec![s("姓名"), s("统一社会信用代码")],
                vec![s("无编号"), s(UNI_CODE)],
            ],
        ),
    ]);
    let r = run(&app, &admin, "bad.xlsx", book, false).await;
    assert!(!r.applied);
    let find = |row: u32, code: &str| {
        r.errors
            .iter()
            .find(|e| e.row == row && e.error.code == code)
            .unwrap_or_else(|| panic!("row {row} {code}: {:#?}", r.errors))
    };
    let unknown_header = find(1, "header_unknown");
    assert_eq!(unknown_header.column.as_deref(), Some("F"));
    assert_eq!(unknown_header.header.as_deref(), Some("备注"));
    let e = find(2, "org_unknown");
    assert_eq!(
        (e.sheet.as_str(), e.column.as_deref(), e.header.as_deref()),
        ("技术需求", Some("B"), Some("单位名称"))
    );
    assert_eq!(find(3, "required").column.as_deref(), Some("C"));
    assert_eq!(
        find(3, "number_invalid").header.as_deref(),
        Some("预算（万元）")
    );
    assert_eq!(find(3, "choice_invalid").value.as_deref(), Some("合伙"));
    let too_long = find(4, "too_long");
    assert_eq!(too_long.error.field, "title");
    assert_eq!(too_long.error.param("max"), Some("200"));
    assert_eq!(too_long.column.as_deref(), Some("C"));
    assert!(too_long.message().contains("200"));
    find(4, "value_negative");
    find(5, "owner_kind_invalid");
    let dup = find(7, "duplicate_row");
    assert_eq!(dup.error.param("other_row"), Some("6"));
    let missing = r
        .errors
        .iter()
        .find(|e| e.sheet == "专家" && e.error.code == "header_missing")
        .unwrap();
    assert_eq!(missing.header.as_deref(), Some("编号"));
    assert!(r.error_total >= 10);
    // Nothing at all was written.
    let q = ListQuery::default();
    assert_eq!(mm::needs(&app, &admin, &q).await.unwrap().total, 0);
    assert_eq!(mm::experts(&app, &admin, &q).await.unwrap().total, 0);
    // A 100 KB title in a CSV is refused, naming the cell and the limit.
    let huge = format!(
        "编号,统一社会信用代码,需求名称,合作方式\nH,{},{},委托开发\n",
        code(1),
        "题".repeat(100 * 1024 / 3)
    );
    let r = run(&app, &admin, "huge.csv", huge.into_bytes(), false).await;
    assert_eq!(
        r.errors.len(),
        1,
        "{:?}",
        r.errors.iter().map(|e| e.error.code).collect::<Vec<_>>()
    );
    assert_eq!(
        (
            r.errors[0].error.code,
            r.errors[0].column.as_deref(),
            r.errors[0].header.as_deref()
        ),
        ("too_long", Some("C"), Some("需求名称"))
    );
    // A file that is not a matchmaking table says so.
    let none = run(&app, &admin, "x.csv", b"a,b\n1,2\n".to_vec(), false).await;
    assert_eq!(none.errors[0].error.code, "mm_sheet_missing");
    let junk = run(&app, &admin, "x.xlsx", b"PK\x03\x04garbage".to_vec(), false).await;
    assert!(!junk.errors.is_empty() && !junk.applied);
});

store_test!(
    gbk_csv_is_recognised_by_its_headers_and_owners_are_scoped,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let (e, u) = setup(&app).await;
        let text = "成果编号,成果名称,成熟度,转化方式,参考价格(万元)\r\nCG-9,一种高锰奥氏体低温储罐焊接工艺,可产业化,作价投资,\r\n";
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        let gbk = gbk.into_owned();
        assert!(looks_like_matchmaking(&gbk, "cg.csv"));
        // The university imports its own achievements without naming itself.
        let ru = research(&u);
        let r = run(&app, &ru, "cg.csv", gbk.clone(), false).await;
        assert!(r.applied, "{:?}", r.errors);
        assert_eq!(r.summary.achievements.created, 1);
        let list = mm::achievements(&app, &ru, &ListQuery::default())
            .await
            .unwrap();
        assert_eq!(list.items[0].org_id, u.to_string());
        assert_eq!(list.items[0].price_wan, None, "blank price is 面议");
        // It cannot import for someone else; an enterprise cannot import needs of others.
        let other = format!("编号,统一社会信用代码,姓名\nZJ-1,{},赵六\n", code(1));
        let r = run(&app, &ru, "zj.csv", other.into_bytes(), false).await;
        assert_eq!(r.errors[0].error.code, "org_not_allowed");
        assert_eq!(r.errors[0].column.as_deref(), Some("B"));
        let eu = enterprise_user(&e);
        let own = "编号,需求名称,合作方式\nN1,电芯检测设备国产化,技术服务\n";
        let r = run(&app, &eu, "n.csv", own.as_bytes().to_vec(), false).await;
        assert!(r.applied, "{:?}", r.errors);
        // A town-scoped bureau user cannot import for an enterprise outside its towns.
        let scoped = bureau(Role::BureauReviewer, Some(vec!["东城街道"]));
        let r = run(
            &app,
            &scoped,
            "n.csv",
            format!(
                "编号,统一社会信用代码,需求名称,合作方式\nN2,{},x,技术服务\n",
                code(1)
            )
            .into_bytes(),
            false,
        )
        .await;
        assert_eq!(r.errors[0].error.code, "org_not_allowed");
        // The bureau must name the owner.
        let r = run(&app, &admin, "n.csv", own.as_bytes().to_vec(), false).await;
        assert_eq!(r.errors[0].error.code, "required");
        // --kind forces the kind of a CSV.
        let forced = import_matchmaking(
            &app,
            &eu,
            "n.csv",
            own.as_bytes().to_vec(),
            &MmImportOptions {
                dry_run: true,
                kind: Some(MmKind::Experts),
            },
        )
        .await
        .unwrap();
        assert!(
            forced
                .errors
                .iter()
                .any(|e| e.error.code == "header_unknown")
        );
        // A user without an organisation may not import at all.
        let nobody = Actor {
            org_id: None,
            ..enterprise_user(&e)
        };
        assert!(matches!(
            import_matchmaking(
                &app,
                &nobody,
                "n.csv",
                own.as_bytes().to_vec(),
                &MmImportOptions::default()
            )
            .await,
            Err(AppError::Forbidden)
        ));
    }
);

store_test!(
    the_template_is_recognised_and_only_its_example_owner_is_refused,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        setup(&app).await;
        let book = template::template_xlsx().unwrap();
        assert!(looks_like_matchmaking(&book, "t.xlsx"));
        let r = run(&app, &admin, "t.xlsx", book, true).await;
        assert_eq!(r.summary.rows_read, 3);
        assert!(
            r.errors
                .iter()
                .all(|e| e.error.code == "org_unknown" && e.row == 2),
            "{:#?}",
            r.errors
        );
        for k in MmKind::ALL {
            let csv = template::template_csv(k);
            assert!(looks_like_matchmaking(&csv, "t.csv"));
            let r = run(&app, &admin, "t.csv", csv, true).await;
            assert!(
                r.errors.iter().all(|e| e.error.code == "org_unknown"),
                "{k:?}: {:#?}",
                r.errors
            );
        }
    }
);

store_test!(
    owners_of_the_same_name_need_the_code_and_a_code_name_mismatch_is_named,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let mut a = enterprise_input(1, "巴川街道");
        a.name = "重庆同名科技有限公司".into();
        let mut b = enterprise_input(2, "巴川街道");
        b.name = "重庆同名科技有限公司".into();
        org::create(&app, &admin, &a).await.unwrap();
        let b_id = org::create(&app, &admin, &b).await.unwrap();
        org::create(&app, &admin, &enterprise_input(3, "巴川街道"))
            .await
            .unwrap();
        let csv = format!(
            "编号,统一社会信用代码,单位名称,需求名称,合作方式\n\
         N1,,重庆同名科技有限公司,x,技术服务\n\
         N2,{},重庆测试3科技有限公司,y,技术服务\n",
            code(1)
        );
        let r = run(&app, &admin, "n.csv", csv.into_bytes(), false).await;
        let codes: Vec<_> = r.errors.iter().map(|e| (e.row, e.error.code)).collect();
        assert_eq!(codes, [(2, "org_ambiguous"), (3, "org_mismatch")]);
        let ok = format!(
            "编号,统一社会信用代码,单位名称,需求名称,合作方式\nN1,{},重庆同名科技有限公司,x,技术服务\n",
            code(2)
        );
        let r = run(&app, &admin, "n.csv", ok.into_bytes(), false).await;
        assert!(r.applied, "{:?}", r.errors);
        let list = mm::needs(&app, &admin, &ListQuery::default())
            .await
            .unwrap();
        assert_eq!(list.items[0].org_id, b_id.to_string());
    }
);
