//! Workbook export: templates, the registry in xlsx and CSV, the synthetic
//! benchmark workbook; every body runs on SQLite and PostgreSQL.

use crate::common::*;
use crate::import::{
    C, admin, ent_header, ent_row, events, filing_header, filing_row, import, org_id, xlsx,
};
use kechuang_app::AppError;
use kechuang_app::export::{self, TemplateKind};
use kechuang_app::import::{ImportOptions, import_bytes};
use kechuang_app::ops::ip::{self, IpInput};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

fn t(v: impl Into<String>) -> C {
    C::T(v.into())
}

/// A registry with every kind of value the export must carry exactly.
async fn seed(app: &kechuang_app::App) {
    let bytes = xlsx(&[
        (
            "企业",
            vec![
                ent_header(),
                ent_row(1, "巴川街道"),
                ent_row(2, "东城街道"),
                vec![t(code(3)), t("重庆大学"), t("巴川街道")],
            ],
        ),
        (
            "资质",
            vec![
                vec![
                    C::S("统一社会信用代码"),
                    C::S("资质类型"),
                    C::S("证书编号"),
                    C::S("认定日期"),
                    C::S("有效期至"),
                ],
                vec![
                    t(code(1)),
                    C::S("高新技术企业"),
                    C::S("GR202351100123"),
                    C::D(2023, 11, 3),
                    C::E,
                ],
                vec![t(code(1)), C::S("科技型企业"), C::E, C::D(2020, 1, 5), C::E],
                vec![
                    t(code(2)),
                    C::S("专精特新“小巨人”"),
                    C::S("XJR-1"),
                    C::D(2022, 7, 1),
                    C::D(2025, 6, 30),
                ],
            ],
        ),
        (
            "指标填报",
            vec![
                filing_header(&[
                    "研发费用总额",
                    "成本费用支出总额",
                    "职工总数",
                    "研发机构级别",
                    "净利润",
                    "出口创汇总额",
                    "资产总额",
                ]),
                filing_row(
                    1,
                    "2023Q2",
                    vec![C::N(1.0), C::E, C::E, C::E, C::E, C::E, C::E],
                ),
                filing_row(
                    1,
                    "2023Q3",
                    vec![
                        C::N(1234.567891),
                        C::N(99999.5),
                        C::N(36.25),
                        C::S("国家级"),
                        C::N(-0.000001),
                        C::N(12.345678),
                        C::S("9876543210.123456"),
                    ],
                ),
                filing_row(
                    2,
                    "2023",
                    vec![C::N(7.0), C::E, C::E, C::E, C::E, C::E, C::E],
                ),
            ],
        ),
    ]);
    let r = import(app, &admin(), "seed.xlsx", bytes).await;
    assert!(r.applied, "{:#?}", r.errors);
}

store_test!(
    exporting_then_importing_the_export_changes_nothing,
    |store| {
        let app = app(&store);
        seed(&app).await;
        let a = org_id(&store, 1).await;
        let input = IpInput {
            ip_type: "软件著作权".into(),
            number: "2024SR000001".into(),
            title: "储能管理系统V1.0".into(),
            granted_on: "2024-01-02".into(),
            acquisition: "受让".into(),
            acquired_on: "2024-03-04".into(),
            used_in_hte: "是".into(),
            ..Default::default()
        };
        ip::add(&app, &admin(), &a, &input).await.unwrap();
        let before = events(&store).await;
        let bytes = export::registry_xlsx(&app, &admin()).await.unwrap();
        let r = import(&app, &admin(), "export.xlsx", bytes).await;
        assert!(r.errors.is_empty(), "{:#?}", r.errors);
        assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
        assert!(!r.applied);
        let s = &r.summary;
        assert_eq!(
            (
                s.enterprises_unchanged,
                s.enterprises_updated,
                s.enterprises_created
            ),
            (3, 0, 0)
        );
        assert_eq!(
            (
                s.qualifications_unchanged,
                s.qualifications_updated,
                s.qualifications_created
            ),
            (3, 0, 0)
        );
        assert_eq!((s.ip_unchanged, s.ip_updated, s.ip_created), (1, 0, 0));
        assert_eq!(
            (s.filings_unchanged, s.filings_created),
            (2, 0),
            "one row per enterprise: its latest filing"
        );
        assert_eq!(events(&store).await, before);
    }
);

store_test!(
    the_export_holds_the_latest_filing_of_each_enterprise_exactly,
    |store| {
        let app = app(&store);
        seed(&app).await;
        let bytes = export::registry_xlsx(&app, &admin()).await.unwrap();
        let mut wb: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(bytes)).unwrap();
        let names = calamine::Reader::sheet_names(&wb);
        assert_eq!(names, vec!["企业", "资质", "知识产权", "指标填报"]);
        let range = calamine::Reader::worksheet_range(&mut wb, "指标填报").unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(
            rows.len(),
            3,
            "a header and one row per enterprise with filings"
        );
        let col = |h: &str| rows[0].iter().position(|x| x == h).unwrap();
        let first = rows.iter().find(|r| r[0] == code(1)).unwrap();
        assert_eq!(first[col("期间")], "2023Q3");
        assert_eq!(first[col("研发费用总额(万元)")], "1234.567891");
        assert_eq!(first[col("研发机构级别")], "国家级");
        assert_eq!(
            first[col("资产总额(万元)")],
            "9876543210.123456",
            "beyond 15 digits the value goes out as text"
        );
        let second = rows.iter().find(|r| r[0] == code(2)).unwrap();
        assert_eq!(second[col("期间")], "2023");
    }
);

store_test!(the_csv_export_is_one_flat_utf8_table_with_a_bom, |store| {
    let app = app(&store);
    seed(&app).await;
    let bytes = export::registry_csv(&app, &admin()).await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..3], &["统一社会信用代码", "企业名称", "机构类型"]);
    assert!(header.contains(&"期间".to_string()));
    assert!(header.contains(&"纳税总额(万元)".to_string()));
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let first = rows.iter().find(|r| &r[0] == code(1).as_str()).unwrap();
    assert_eq!(&first[col("成立日期")], "2015-03-18");
    assert_eq!(&first[col("经度")], "106.054321");
    assert_eq!(&first[col("研发费用总额(万元)")], "1234.567891");
    assert_eq!(&first[col("净利润(万元)")], "-0.000001");
    let univ = rows.iter().find(|r| &r[0] == code(3).as_str()).unwrap();
    assert_eq!(&univ[col("期间")], "", "no filing, no period");
});

store_test!(exports_follow_the_actor_scope, |store| {
    let app = app(&store);
    seed(&app).await;
    let user = enterprise_user(&org_id(&store, 1).await);
    assert!(matches!(
        export::registry_xlsx(&app, &user).await.unwrap_err(),
        AppError::Forbidden
    ));
    assert!(matches!(
        export::registry_csv(&app, &user).await.unwrap_err(),
        AppError::Forbidden
    ));
    let scoped = bureau(Role::BureauReviewer, Some(vec!["东城街道"]));
    let bytes = export::registry_csv(&app, &scoped).await.unwrap();
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.contains(&code(2)));
    assert!(
        !text.contains(&code(1)),
        "another town's enterprise is not exported"
    );
    let bytes = export::registry_xlsx(&app, &scoped).await.unwrap();
    let r = import(&app, &admin(), "scoped.xlsx", bytes).await;
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert_eq!(
        (
            r.summary.enterprises_unchanged,
            r.summary.qualifications_unchanged
        ),
        (1, 1)
    );
});

store_test!(the_templates_import_as_empty_workbooks, |store| {
    let app = app(&store);
    for kind in [TemplateKind::Enterprises, TemplateKind::Filings] {
        let bytes = export::template(kind).unwrap();
        let wb: calamine::Xlsx<_> =
            calamine::Reader::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let names = calamine::Reader::sheet_names(&wb);
        let expected: &[&str] = match kind {
            TemplateKind::Enterprises => &["企业", "资质", "知识产权", "说明"],
            TemplateKind::Filings => &["指标填报", "说明"],
        };
        assert_eq!(names, expected);
        let r = import(&app, &admin(), "template.xlsx", bytes).await;
        assert!(r.errors.is_empty(), "{kind:?}: {:#?}", r.errors);
        assert!(!r.applied);
        assert_eq!(r.summary.rows_read, 0);
    }
    // The filings template carries a column for every indicator.
    let bytes = export::template(TemplateKind::Filings).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range(&mut wb, "指标填报").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header.len(), 3 + kechuang_core::indicator::ALL.len());
    assert!(header.contains(&"科技成果转化数(项)".to_string()));
    let notes = calamine::Reader::worksheet_range(&mut wb, "说明").unwrap();
    let described =
        |c: &calamine::Data| matches!(c, calamine::Data::String(s) if s == "科技成果转化数(项)");
    assert!(
        notes.rows().any(|r| r.iter().any(described)),
        "说明 describes every column"
    );
});

store_test!(the_synthetic_workbook_imports_cleanly, |store| {
    let app = app(&store);
    let dir = tempfile_dir();
    let path = dir.join("bench.xlsx");
    let counts = export::synthetic_workbook(&path, 30, 8, 7).unwrap();
    assert_eq!((counts.enterprises, counts.filing_rows), (30, 240));
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(counts.bytes, bytes.len() as u64);
    let r = import(&app, &admin(), "bench.xlsx", bytes.clone()).await;
    assert!(
        r.errors.is_empty(),
        "{:#?}",
        &r.errors[..r.errors.len().min(5)]
    );
    assert!(
        r.warnings.is_empty(),
        "{:#?}",
        &r.warnings[..r.warnings.len().min(5)]
    );
    assert_eq!(
        (r.summary.enterprises_created, r.summary.filings_created),
        (30, 240)
    );
    let again = export::synthetic_workbook(&dir.join("again.xlsx"), 30, 8, 7).unwrap();
    assert_eq!(again, counts);
    assert_eq!(
        std::fs::read(dir.join("again.xlsx")).unwrap(),
        bytes,
        "the same arguments give the same bytes"
    );
    let r = import_bytes(
        &app,
        &admin(),
        "bench.xlsx",
        bytes,
        &ImportOptions {
            dry_run: true,
            accept_warnings: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(r.summary.filings_unchanged, 240);
    std::fs::remove_dir_all(&dir).unwrap();
});

/// A fresh directory under the system temp dir.
fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("kechuang-export-{}", kechuang_store::new_id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
