//! Workbook import: every body runs on SQLite and PostgreSQL. Test workbooks are
//! built here with rust_xlsxwriter (no binary fixtures).

use crate::common::*;
use kechuang_app::import::{ImportOptions, ImportReport, import_bytes};
use kechuang_app::ops::filing;
use kechuang_app::{Actor, App, AppError};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::OrgId;
use kechuang_core::period::Period;
use kechuang_core::role::Role;
use kechuang_store::Store;
use kechuang_testkit::store_test;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

/// One cell of a test sheet.
#[derive(Debug, Clone)]
pub enum C {
    /// Text.
    S(&'static str),
    /// Owned text.
    T(String),
    /// A number.
    N(f64),
    /// A date cell (1900 system).
    D(u16, u8, u8),
    /// A number shown with a date format (the serial as stored).
    Serial(f64),
    /// Nothing.
    E,
}

/// A sheet: its name and rows (the first row is the header).
pub type Sheet = (&'static str, Vec<Vec<C>>);

/// Builds an xlsx from sheets.
pub fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    xlsx_with(sheets, &[])
}

/// Builds an xlsx, merging the given `(sheet, first_row, first_col, last_row, last_col)` ranges.
pub fn xlsx_with(sheets: &[Sheet], merges: &[(&str, u32, u16, u32, u16)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(s) => {
                        ws.write_string(r, c, *s).expect("write");
                    }
                    C::T(s) => {
                        ws.write_string(r, c, s).expect("write");
                    }
                    C::N(v) => {
                        ws.write_number(r, c, *v).expect("write");
                    }
                    C::D(y, m, d) => {
                        let d = ExcelDateTime::from_ymd(*y, *m, *d).expect("date");
                        ws.write_datetime_with_format(r, c, d, &date)
                            .expect("write");
                    }
                    C::Serial(v) => {
                        ws.write_number_with_format(r, c, *v, &date).expect("write");
                    }
                    C::E => {}
                }
            }
        }
        for (s, r1, c1, r2, c2) in merges.iter().filter(|m| m.0 == *name) {
            let _ = s;
            ws.merge_range(*r1, *c1, *r2, *c2, "合并", &Format::new())
                .expect("merge");
        }
    }
    wb.save_to_buffer().expect("save")
}

/// An extra zip entry: its name and what writes its content.
pub type Extra<'a> = (&'a str, &'a dyn Fn(&mut dyn Write));

/// Rewrites an xlsx's entries: `edit(name, bytes)` may change an entry; `extra`
/// entries are appended.
pub fn rezip(xlsx: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>, extra: &[Extra<'_>]) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(xlsx.to_vec())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut f = src.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("inflate");
        out.start_file(name.as_str(), opts).expect("write");
        out.write_all(&edit(&name, data)).expect("write");
    }
    for (name, write) in extra {
        out.start_file(*name, opts.large_file(true)).expect("write");
        write(&mut out);
    }
    out.finish().expect("finish").into_inner()
}

fn s(v: &'static str) -> C {
    C::S(v)
}

fn t(v: impl Into<String>) -> C {
    C::T(v.into())
}

/// The 企业 header row.
pub fn ent_header() -> Vec<C> {
    [
        "统一社会信用代码",
        "企业名称",
        "所属镇街",
        "产业集群",
        "经度",
        "纬度",
        "成立日期",
        "是否规上工业企业",
        "地址",
    ]
    .into_iter()
    .map(C::S)
    .collect()
}

/// A 企业 row for enterprise `n`.
pub fn ent_row(n: u32, town: &'static str) -> Vec<C> {
    vec![
        t(code(n)),
        t(format!("重庆测试{n}科技有限公司")),
        s(town),
        s("新型储能"),
        C::N(106.054321),
        C::N(29.845),
        C::D(2015, 3, 18),
        s("是"),
        t(format!("铜梁区{town}{n}号")),
    ]
}

/// The 指标填报 header row: code, name, period, then the given indicator headers.
pub fn filing_header(indicators: &[&'static str]) -> Vec<C> {
    let mut h = vec![s("统一社会信用代码"), s("企业名称"), s("期间")];
    h.extend(indicators.iter().map(|i| s(i)));
    h
}

/// A 指标填报 row.
pub fn filing_row(n: u32, period: &'static str, values: Vec<C>) -> Vec<C> {
    let mut r = vec![t(code(n)), t(format!("重庆测试{n}科技有限公司")), s(period)];
    r.extend(values);
    r
}

/// The district administrator.
pub fn admin() -> Actor {
    bureau(Role::BureauAdmin, None)
}

/// Imports bytes with default options.
pub async fn import(app: &App, actor: &Actor, name: &str, bytes: Vec<u8>) -> ImportReport {
    import_bytes(app, actor, name, bytes, &ImportOptions::default())
        .await
        .expect("import")
}

/// How many events the log holds.
pub async fn events(store: &Store) -> usize {
    store
        .read()
        .await
        .expect("read")
        .events_after(0, 1_000_000)
        .await
        .expect("events")
        .len()
}

/// How many organisations there are.
pub async fn orgs(store: &Store) -> i64 {
    store
        .read()
        .await
        .expect("read")
        .count_organisations()
        .await
        .expect("count")
}

/// The id of enterprise `n`.
pub async fn org_id(store: &Store, n: u32) -> OrgId {
    let c = CreditCode::parse(&code(n)).expect("code");
    let org = store
        .read()
        .await
        .expect("read")
        .organisation_by_code(&c)
        .await
        .expect("query");
    org.expect("organisation").id
}

/// Where an error is: code, sheet, row, column.
pub type At = (&'static str, String, u32, Option<String>);

/// `(code, sheet, row, column)` of each error, for compact assertions.
pub fn where_(r: &ImportReport) -> Vec<At> {
    r.errors
        .iter()
        .map(|e| (e.error.code, e.sheet.clone(), e.row, e.column.clone()))
        .collect()
}

fn assert_clean(r: &ImportReport) {
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
}

fn good_workbook() -> Vec<u8> {
    xlsx(&[
        (
            "企业",
            vec![
                ent_header(),
                ent_row(1, "巴川街道"),
                ent_row(2, "东城街道"),
                ent_row(3, "新设街道"),
            ],
        ),
        (
            "资质",
            vec![
                vec![
                    s("统一社会信用代码"),
                    s("资质类型"),
                    s("证书编号"),
                    s("认定日期"),
                    s("有效期至"),
                ],
                vec![
                    t(code(1)),
                    s("高新技术企业"),
                    s("GR202351100123"),
                    C::D(2023, 11, 3),
                    C::E,
                ],
                vec![t(code(2)), s("科技型企业"), C::E, s("2022/6/1"), C::E],
            ],
        ),
        (
            "知识产权",
            vec![
                vec![
                    s("统一社会信用代码"),
                    s("知识产权类型"),
                    s("编号"),
                    s("名称"),
                    s("授权日期"),
                    s("法律状态"),
                ],
                vec![
                    t(code(1)),
                    s("发明专利"),
                    s("ZL202310000000.1"),
                    s("一种储能电芯的热管理方法"),
                    C::D(2024, 6, 18),
                    s("有效"),
                ],
            ],
        ),
        (
            "指标填报",
            vec![
                filing_header(&[
                    "研发费用总额(万元)",
                    "成本费用支出总额（万元）",
                    "职工总数(人)",
                    "研发机构级别",
                    "净利润",
                ]),
                filing_row(
                    1,
                    "2023Q3",
                    vec![
                        C::N(1234.567891),
                        C::N(50000.0),
                        C::N(36.25),
                        s("省级"),
                        C::N(-12.5),
                    ],
                ),
                filing_row(
                    2,
                    "2023年1-9月",
                    vec![s("1,000.5"), C::E, C::N(10.0), C::E, C::E],
                ),
                filing_row(1, "2022Q3", vec![C::N(1100.0), C::E, C::E, C::E, C::E]),
            ],
        ),
    ])
}

store_test!(a_good_workbook_imports_exactly, |store| {
    let app = app(&store);
    let r = import(&app, &admin(), "企业名录.xlsx", good_workbook()).await;
    assert_clean(&r);
    assert!(r.applied);
    assert_eq!(r.sha256.len(), 64);
    let s = &r.summary;
    assert_eq!(
        (
            s.enterprises_created,
            s.qualifications_created,
            s.ip_created,
            s.filings_created
        ),
        (3, 2, 1, 3)
    );
    assert_eq!((s.towns_added, s.clusters_added, s.rows_read), (3, 1, 9));

    let a = org_id(&store, 1).await;
    let mut db = store.read().await.unwrap();
    let rec = db.organisation(&a).await.unwrap().unwrap();
    assert_eq!(rec.org.town.as_deref(), Some("巴川街道"));
    assert_eq!(
        rec.org.coordinates.map(|c| (c.lon_micro, c.lat_micro)),
        Some((106_054_321, 29_845_000))
    );
    assert_eq!(
        rec.org.founded_on.map(|d| d.to_string()).as_deref(),
        Some("2015-03-18")
    );
    assert!(rec.org.above_scale);

    let q3 = Period::parse("2023Q3").unwrap();
    let v = db.filing_versions(&a, q3).await.unwrap();
    assert_eq!(v.len(), 1);
    let f = &v[0];
    assert_eq!(
        (f.version, f.status, f.source, f.is_current),
        (1, FilingStatus::Approved, FilingSource::Import, true)
    );
    assert_eq!(
        f.created_by,
        format!("import:{}", r.batch_id.clone().unwrap())
    );
    assert_eq!(f.import_batch_id, r.batch_id);
    assert_eq!(f.values.get("rd_expense"), Some(1_234_567_891));
    assert_eq!(f.values.get("total_cost"), Some(50_000_000_000));
    assert_eq!(f.values.get("employees"), Some(3625));
    assert_eq!(f.values.get("rd_institution_level"), Some(3));
    assert_eq!(f.values.get("net_profit"), Some(-12_500_000));
    assert_eq!(
        f.values.get("operating_revenue"),
        None,
        "a column that is not there is not reported"
    );

    // The district report reads the imported values: R&D of 规上 enterprises in 2023Q3.
    let rd = db.rd_above_scale(&[q3]).await.unwrap().unwrap();
    assert_eq!(
        (rd.amount_fen, rd.enterprises),
        (1_234_567_891 + 1_000_500_000, 2)
    );
    assert_eq!(rd.base_fen, 1_100_000_000);
    assert_eq!(
        db.rollup_all().await.unwrap(),
        db.rollup_recomputed().await.unwrap()
    );
    assert_eq!(
        db.filing_current_mismatches().await.unwrap(),
        Vec::<String>::new()
    );

    let quals = db.qualifications_of(&a).await.unwrap();
    assert_eq!(quals.len(), 1);
    assert_eq!(
        quals[0].q.valid_until.map(|d| d.to_string()).as_deref(),
        Some("2026-11-02"),
        "statutory term"
    );
    assert_eq!(
        db.ip_records_of(&a).await.unwrap()[0].ip.number,
        "ZL202310000000.1"
    );
    assert!(db.towns().await.unwrap().contains(&"新设街道".to_string()));
    let batches = db.import_batches(10).await.unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].file_name, "企业名录.xlsx");
    let summary: serde_json::Value = serde_json::from_str(&batches[0].summary).unwrap();
    assert_eq!(summary["filings_created"], 3);
    // 3 organisation.created + 2 qualification.recorded + 1 ip.added + import.applied.
    let log = db.events_after(0, 100).await.unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.kind == "organisation.created")
            .count(),
        3
    );
    assert_eq!(log.len(), 7);
    assert_eq!(log.last().unwrap().kind, "import.applied");
    assert!(db.verify_event_chain().await.unwrap().first_break.is_none());
});

store_test!(importing_the_same_file_twice_changes_nothing, |store| {
    let app = app(&store);
    let first = import(&app, &admin(), "a.xlsx", good_workbook()).await;
    assert!(first.applied);
    let before = events(&store).await;
    let second = import(&app, &admin(), "a.xlsx", good_workbook()).await;
    assert_clean(&second);
    assert!(!second.applied);
    assert_eq!(second.batch_id, None);
    let s = &second.summary;
    assert_eq!(
        (
            s.enterprises_created,
            s.enterprises_updated,
            s.enterprises_unchanged
        ),
        (0, 0, 3)
    );
    assert_eq!(
        (
            s.qualifications_unchanged,
            s.ip_unchanged,
            s.filings_unchanged,
            s.filings_created
        ),
        (2, 1, 3, 0)
    );
    assert_eq!(events(&store).await, before);
    let mut db = store.read().await.unwrap();
    assert_eq!(db.import_batches(10).await.unwrap().len(), 1);
    let a = org_id(&store, 1).await;
    assert_eq!(
        db.filing_versions(&a, Period::parse("2023Q3").unwrap())
            .await
            .unwrap()
            .len(),
        1
    );
});

store_test!(
    a_workbook_with_bad_cells_lists_every_one_and_writes_nothing,
    |store| {
        let app = app(&store);
        let mut bad_code = code(4);
        let last = bad_code.pop().unwrap();
        bad_code.push(if last == '0' { '1' } else { '0' });
        let bytes = xlsx(&[
            (
                "企业",
                vec![
                    ent_header(),
                    ent_row(1, "巴川街道"),
                    vec![t(bad_code.clone()), s("坏代码公司")],
                    vec![
                        t(code(5)),
                        s("坏日期公司"),
                        C::E,
                        C::E,
                        C::E,
                        C::E,
                        s("2023-02-30"),
                        s("也许"),
                    ],
                    vec![t(code(1)), s("重复公司")],
                ],
            ),
            (
                "指标填报",
                vec![
                    filing_header(&["研发费用总额", "纳税总额"]),
                    filing_row(1, "2023Q3", vec![s("一百"), C::N(5.0)]),
                    filing_row(1, "2023Q5", vec![C::N(1.0), C::E]),
                    filing_row(9, "2023Q3", vec![C::N(1.0), C::E]),
                    filing_row(1, "2023Q2", vec![C::N(-3.0), C::E]),
                    // Enterprise 5's own row is refused for its date: this one is fine.
                    filing_row(5, "2023Q3", vec![C::N(1.0), C::E]),
                ],
            ),
        ]);
        let r = import(&app, &admin(), "bad.xlsx", bytes).await;
        assert!(!r.applied);
        let got = where_(&r);
        let expected = vec![
            (
                "credit_code_check_char",
                "企业".to_string(),
                3,
                Some("A".to_string()),
            ),
            ("date_invalid", "企业".to_string(), 4, Some("G".to_string())),
            ("bool_invalid", "企业".to_string(), 4, Some("H".to_string())),
            (
                "duplicate_row",
                "企业".to_string(),
                5,
                Some("A".to_string()),
            ),
            (
                "number_invalid",
                "指标填报".to_string(),
                2,
                Some("D".to_string()),
            ),
            (
                "period_invalid",
                "指标填报".to_string(),
                3,
                Some("C".to_string()),
            ),
            (
                "enterprise_unknown",
                "指标填报".to_string(),
                4,
                Some("A".to_string()),
            ),
            (
                "value_negative",
                "指标填报".to_string(),
                5,
                Some("D".to_string()),
            ),
        ];
        assert_eq!(got, expected, "{:#?}", r.errors);
        assert_eq!(r.error_total, 8);
        let e = &r.errors[0];
        assert_eq!(e.value.as_deref(), Some(bad_code.as_str()));
        assert_eq!(e.header.as_deref(), Some("统一社会信用代码"));
        assert!(e.message().contains("校验位"), "{}", e.message());
        assert!(
            e.to_string()
                .starts_with("工作表“企业”第3行A列（统一社会信用代码）："),
            "{e}"
        );
        let dup = &r.errors[3];
        assert_eq!(dup.error.param("other_row"), Some("2"));
        assert_eq!(dup.error.param("value"), Some(code(1).as_str()));
        assert_eq!(r.errors[4].value.as_deref(), Some("一百"));
        assert_eq!(r.errors[5].value.as_deref(), Some("2023Q5"));
        assert_eq!(r.errors[6].error.param("value"), Some(code(9).as_str()));
        assert_eq!(orgs(&store).await, 0);
        assert_eq!(events(&store).await, 0);
        assert!(
            store
                .read()
                .await
                .unwrap()
                .import_batches(5)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

store_test!(a_corrected_file_then_imports, |store| {
    let app = app(&store);
    let sheet = |period: &'static str| {
        xlsx(&[
            ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
            (
                "指标填报",
                vec![
                    filing_header(&["研发费用总额"]),
                    filing_row(1, period, vec![C::N(12.0)]),
                ],
            ),
        ])
    };
    let bad = import(&app, &admin(), "f.xlsx", sheet("2023H1")).await;
    assert_eq!(
        where_(&bad),
        vec![(
            "period_invalid",
            "指标填报".to_string(),
            2,
            Some("C".to_string())
        )]
    );
    assert_eq!(orgs(&store).await, 0);
    let good = import(&app, &admin(), "f.xlsx", sheet("2023Q2")).await;
    assert_clean(&good);
    assert!(good.applied);
    assert_eq!(
        (
            good.summary.enterprises_created,
            good.summary.filings_created
        ),
        (1, 1)
    );
});

store_test!(
    a_changed_value_becomes_a_new_version_and_blank_cells_keep_stored_values,
    |store| {
        let app = app(&store);
        assert!(
            import(&app, &admin(), "a.xlsx", good_workbook())
                .await
                .applied
        );
        let bytes = xlsx(&[
            (
                "企业",
                vec![
                    vec![
                        s("统一社会信用代码"),
                        s("企业名称"),
                        s("所属镇街"),
                        s("地址"),
                    ],
                    vec![t(code(1)), s("重庆测试1科技有限公司"), s("东城街道"), C::E],
                ],
            ),
            (
                "指标填报",
                vec![
                    filing_header(&["研发费用总额"]),
                    filing_row(1, "2023Q3", vec![C::N(1300.0)]),
                ],
            ),
        ]);
        let r = import(&app, &admin(), "b.xlsx", bytes).await;
        assert_clean(&r);
        assert_eq!(
            (r.summary.enterprises_updated, r.summary.filings_created),
            (1, 1)
        );
        let a = org_id(&store, 1).await;
        let mut db = store.read().await.unwrap();
        let rec = db.organisation(&a).await.unwrap().unwrap();
        assert_eq!(rec.org.town.as_deref(), Some("东城街道"));
        assert_eq!(
            rec.org.address.as_deref(),
            Some("铜梁区巴川街道1号"),
            "a blank cell keeps the stored address"
        );
        assert_eq!(
            rec.org.cluster.as_deref(),
            Some("新型储能"),
            "an absent column keeps the stored cluster"
        );
        let v = db
            .filing_versions(&a, Period::parse("2023Q3").unwrap())
            .await
            .unwrap();
        assert_eq!(
            v.iter()
                .map(|f| (f.version, f.is_current))
                .collect::<Vec<_>>(),
            vec![(1, false), (2, true)]
        );
        assert_eq!(
            v[0].values.get("rd_expense"),
            Some(1_234_567_891),
            "the old version stays readable"
        );
        assert_eq!(v[1].values.get("rd_expense"), Some(1_300_000_000));
        assert_eq!(
            db.rollup_all().await.unwrap(),
            db.rollup_recomputed().await.unwrap()
        );
        assert_eq!(
            db.filing_current_mismatches().await.unwrap(),
            Vec::<String>::new()
        );
        let history = db.events_for("organisation", a.as_str(), 10).await.unwrap();
        let updated = history
            .iter()
            .find(|e| e.kind == "organisation.updated")
            .unwrap();
        let payload: serde_json::Value = serde_json::from_str(&updated.payload).unwrap();
        assert_eq!(
            payload["changes"]["town"],
            serde_json::json!(["巴川街道", "东城街道"])
        );
    }
);

fn enterprises_csv() -> String {
    format!(
        "统一社会信用代码,企业名称,所属镇街,成立日期,是否规上工业企业\n{},重庆甲科技有限公司,巴川街道,2019/5/1,是\n{},重庆乙科技有限公司,东城街道,2020年3月2日,否\n",
        code(1),
        code(2)
    )
}

store_test!(gbk_and_utf8_bom_csv_files_import, |store| {
    let app = app(&store);
    let text = enterprises_csv();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the test file really is GBK"
    );
    let r = import(&app, &admin(), "企业.csv", gbk.into_owned()).await;
    assert_clean(&r);
    assert_eq!(r.summary.enterprises_created, 2);
    let mut db = store.read().await.unwrap();
    let b = db
        .organisation(&org_id(&store, 2).await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.org.name, "重庆乙科技有限公司");
    assert_eq!(
        b.org.founded_on.map(|d| d.to_string()).as_deref(),
        Some("2020-03-02")
    );

    let filings = format!(
        "\u{FEFF}统一社会信用代码,期间,研发费用总额（万元）,纳税总额\n{},2023Q3,\"1,234.5\",\n{},2023,88,2\n",
        code(1),
        code(2)
    );
    let r = import(&app, &admin(), "指标.csv", filings.into_bytes()).await;
    assert_clean(&r);
    assert_eq!(r.summary.filings_created, 2);
    let v = db
        .current_filings_of(&org_id(&store, 1).await)
        .await
        .unwrap();
    assert_eq!(v[0].values.get("rd_expense"), Some(1_234_500_000));
    assert_eq!(
        v[0].values.get("taxes_paid"),
        None,
        "a blank cell is not reported"
    );
});

store_test!(full_width_headers_aliases_and_units_match, |store| {
    let app = app(&store);
    let bytes = xlsx(&[
        (
            "企业信息",
            vec![
                vec![
                    s("＊社会信用代码"),
                    s("单位名称（必填）"),
                    s("镇 街"),
                    s("注册日期"),
                    s("规上工业企业"),
                    s("序号"),
                ],
                vec![
                    t(code(1)),
                    s("重庆甲公司"),
                    s("巴川街道"),
                    s("2019.5.1"),
                    s("否"),
                    C::N(1.0),
                ],
            ],
        ),
        (
            "指标数据",
            vec![
                vec![
                    s("统一社会信用代码"),
                    s("期　间"),
                    s("研发费用总额（万元）"),
                    s("新增就业人数(人)"),
                    s("高新技术产品 (服务) 收入（万元）"),
                    s("有效I类知识产权数"),
                ],
                vec![
                    t(code(1)),
                    s("２０２３Ｑ３"),
                    C::N(10.0),
                    C::N(3.0),
                    C::N(7.5),
                    C::N(2.0),
                ],
            ],
        ),
    ]);
    let r = import(&app, &admin(), "x.xlsx", bytes).await;
    assert_clean(&r);
    let v = store
        .read()
        .await
        .unwrap()
        .current_filings_of(&org_id(&store, 1).await)
        .await
        .unwrap();
    assert_eq!(v[0].period, Period::parse("2023Q3").unwrap());
    assert_eq!(v[0].values.get("new_jobs"), Some(3));
    assert_eq!(v[0].values.get("high_tech_revenue"), Some(7_500_000));
    assert_eq!(v[0].values.get("ip_class1"), Some(2));
});

store_test!(unknown_duplicated_and_missing_headers_are_named, |store| {
    let app = app(&store);
    let bytes = xlsx(&[
        (
            "企业",
            vec![
                vec![s("企业名称"), s("员工满意度"), s("所属镇街"), s("镇街")],
                vec![s("重庆甲公司"), s("高"), s("巴川街道"), s("巴川街道")],
            ],
        ),
        (
            "指标填报",
            vec![
                vec![s("统一社会信用代码"), s("研发费用总额(亿元)")],
                vec![t(code(1)), C::N(1.0)],
            ],
        ),
    ]);
    let r = import(&app, &admin(), "h.xlsx", bytes).await;
    let got: Vec<_> = r
        .errors
        .iter()
        .map(|e| {
            (
                e.error.code,
                e.sheet.as_str(),
                e.row,
                e.column.as_deref(),
                e.value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("header_missing", "企业", 1, None, Some("统一社会信用代码")),
            ("header_unknown", "企业", 1, Some("B"), Some("员工满意度")),
            ("header_duplicate", "企业", 1, Some("D"), Some("镇街")),
            ("header_missing", "指标填报", 1, None, Some("期间")),
            (
                "header_unknown",
                "指标填报",
                1,
                Some("B"),
                Some("研发费用总额(亿元)")
            ),
        ]
    );
    assert!(r.errors[1].message().contains("员工满意度"));
    assert_eq!(orgs(&store).await, 0);
});

store_test!(
    wrong_sheets_are_named_and_instructions_and_empty_sheets_ignored,
    |store| {
        let app = app(&store);
        let bytes = xlsx(&[
            ("说明", vec![vec![s("请按模板填写")]]),
            ("Sheet2", vec![]),
            ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
            ("汇总", vec![vec![s("合计")]]),
        ]);
        let r = import(&app, &admin(), "w.xlsx", bytes).await;
        assert_eq!(
            where_(&r),
            vec![("sheet_unknown", "汇总".to_string(), 0, None)]
        );
        assert!(r.errors[0].message().contains("汇总"));
        assert_eq!(orgs(&store).await, 0);

        let only_unknown = xlsx(&[("Sheet1", vec![vec![s("a")]])]);
        let r = import(&app, &admin(), "u.xlsx", only_unknown).await;
        let codes: Vec<_> = r.errors.iter().map(|e| e.error.code).collect();
        assert_eq!(codes, vec!["sheet_missing", "sheet_unknown"]);
    }
);

store_test!(merged_cells_are_refused_naming_the_range, |store| {
    let app = app(&store);
    let bytes = xlsx_with(
        &[
            ("说明", vec![vec![s("标题")]]),
            (
                "企业",
                vec![ent_header(), ent_row(1, "巴川街道"), ent_row(2, "巴川街道")],
            ),
        ],
        &[("企业", 1, 2, 2, 2), ("说明", 0, 0, 0, 3)],
    );
    let r = import(&app, &admin(), "m.xlsx", bytes).await;
    assert_eq!(
        where_(&r),
        vec![("merged_cells", "企业".to_string(), 2, Some("C".to_string()))]
    );
    assert_eq!(r.errors[0].value.as_deref(), Some("C2:C3"));
    assert!(r.errors[0].message().contains("C2:C3"));
    assert_eq!(orgs(&store).await, 0);

    let only_instructions_merged = xlsx_with(
        &[
            ("说明", vec![vec![s("标题")]]),
            ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
        ],
        &[("说明", 0, 0, 0, 3)],
    );
    assert_clean(&import(&app, &admin(), "m2.xlsx", only_instructions_merged).await);
});

store_test!(dates_read_in_every_common_form, |store| {
    let app = app(&store);
    let rows = vec![
        vec![s("统一社会信用代码"), s("企业名称"), s("成立日期")],
        vec![t(code(1)), s("a"), C::D(2023, 5, 1)],
        vec![t(code(2)), s("b"), C::N(45047.0)],
        vec![t(code(3)), s("c"), s("2023/5/1")],
        vec![t(code(4)), s("d"), s("2023年5月1日")],
        vec![t(code(5)), s("e"), s("20230501")],
        vec![t(code(6)), s("f"), C::N(20230501.0)],
        vec![t(code(7)), s("g"), s("2023.5.1")],
        vec![t(code(8)), s("h"), s("2023-05-01 00:00:00")],
    ];
    let r = import(&app, &admin(), "d.xlsx", xlsx(&[("企业", rows)])).await;
    assert_clean(&r);
    let all = store
        .read()
        .await
        .unwrap()
        .all_organisations()
        .await
        .unwrap();
    assert_eq!(all.len(), 8);
    for o in all {
        assert_eq!(
            o.org.founded_on.map(|d| d.to_string()).as_deref(),
            Some("2023-05-01"),
            "{}",
            o.org.name
        );
    }
});

store_test!(the_1904_date_system_is_respected, |store| {
    let app = app(&store);
    let book = xlsx(&[(
        "企业",
        vec![
            vec![s("统一社会信用代码"), s("企业名称"), s("成立日期")],
            vec![t(code(1)), s("a"), C::Serial(43585.0)],
        ],
    )]);
    let mac = rezip(
        &book,
        |name, data| {
            if name == "xl/workbook.xml" {
                String::from_utf8(data)
                    .unwrap()
                    .replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
                    .into_bytes()
            } else {
                data
            }
        },
        &[],
    );
    assert_clean(&import(&app, &admin(), "mac.xlsx", mac).await);
    let o = store
        .read()
        .await
        .unwrap()
        .all_organisations()
        .await
        .unwrap();
    assert_eq!(
        o[0].org.founded_on.map(|d| d.to_string()).as_deref(),
        Some("2023-05-01")
    );
});

store_test!(ten_megabytes_of_garbage_is_refused, |store| {
    let app = app(&store);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let garbage: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    for name in ["garbage.xlsx", "garbage.csv"] {
        let r = import(&app, &admin(), name, garbage.clone()).await;
        assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
        assert_eq!(
            (r.errors[0].error.code, r.errors[0].row),
            ("file_unreadable", 0)
        );
        assert!(!r.applied);
    }
    let r = import(&app, &admin(), "garbage.pdf", garbage).await;
    assert_eq!(r.errors[0].error.code, "file_format");
    assert_eq!(events(&store).await, 0);
});

store_test!(a_zip_bomb_is_refused_before_it_is_inflated, |store| {
    let app = app(&store);
    let book = xlsx(&[("企业", vec![ent_header(), ent_row(1, "巴川街道")])]);
    let zeros = |w: &mut dyn Write| {
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..300 {
            w.write_all(&chunk).unwrap();
        }
    };
    let bomb = rezip(&book, |_, d| d, &[("xl/worksheets/sheet9.xml", &zeros)]);
    assert!(
        bomb.len() < 2 << 20,
        "300 MB of zeros deflate to {} bytes",
        bomb.len()
    );
    let r = import(&app, &admin(), "bomb.xlsx", bomb).await;
    assert_eq!(where_(&r), vec![("zip_bomb", String::new(), 0, None)]);
    assert!(
        r.errors[0].message().contains("过大"),
        "{}",
        r.errors[0].message()
    );
    assert_eq!(orgs(&store).await, 0);
});

store_test!(a_file_over_the_size_limit_is_refused, |store| {
    let mut app = app(&store);
    app.config.max_import_bytes = 1000;
    let r = import(&app, &admin(), "big.xlsx", good_workbook()).await;
    assert_eq!(where_(&r), vec![("file_too_large", String::new(), 0, None)]);
    assert_eq!(r.errors[0].error.param("max"), Some("1000"));
});

store_test!(
    inconsistent_values_and_cell_errors_point_at_their_columns,
    |store| {
        let app = app(&store);
        let bytes = xlsx(&[
            ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
            (
                "指标填报",
                vec![
                    filing_header(&["职工总数", "科技人员数", "研发费用总额", "成本费用支出总额"]),
                    filing_row(
                        1,
                        "2023Q1",
                        vec![C::N(10.0), C::N(11.0), C::N(300.0), C::N(200.0)],
                    ),
                    filing_row(1, "2023Q2", vec![C::E, C::E, C::E, C::E]),
                    filing_row(1, "2023Q3", vec![C::N(10.5), C::N(1.0), C::E, C::E]),
                ],
            ),
        ]);
        let r = import(&app, &admin(), "c.xlsx", bytes).await;
        let got: Vec<_> = r
            .errors
            .iter()
            .map(|e| (e.error.code, e.row, e.column.clone(), e.error.field.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "exceeds_whole",
                    2,
                    Some("E".to_string()),
                    "st_staff".to_string()
                ),
                (
                    "exceeds_whole",
                    2,
                    Some("F".to_string()),
                    "rd_expense".to_string()
                ),
                ("filing_empty", 3, None, "values".to_string()),
            ]
        );
        assert!(
            r.errors[1].message().contains("成本费用支出总额"),
            "{}",
            r.errors[1].message()
        );
    }
);

store_test!(a_value_typed_in_yuan_is_held_back_until_accepted, |store| {
    let app = app(&store);
    let history = xlsx(&[
        (
            "企业",
            vec![ent_header(), ent_row(1, "巴川街道"), ent_row(2, "巴川街道")],
        ),
        (
            "指标填报",
            vec![
                filing_header(&["研发费用总额", "纳税总额"]),
                filing_row(1, "2022Q1", vec![C::N(100.0), C::N(3.0)]),
                filing_row(1, "2022Q2", vec![C::N(210.0), C::N(6.0)]),
                filing_row(1, "2022Q3", vec![C::N(290.0), C::N(9.0)]),
                filing_row(2, "2022Q3", vec![C::N(50.0), C::E]),
            ],
        ),
    ]);
    assert!(import(&app, &admin(), "h.xlsx", history).await.applied);
    let before = events(&store).await;
    let in_yuan = xlsx(&[(
        "指标填报",
        vec![
            filing_header(&["研发费用总额", "纳税总额"]),
            filing_row(1, "2022Q4", vec![C::N(3_800_000.0), C::N(12.0)]),
            filing_row(2, "2022Q4", vec![C::N(65.0), C::E]),
        ],
    )]);
    let r = import(&app, &admin(), "y.xlsx", in_yuan.clone()).await;
    assert!(r.errors.is_empty(), "{:#?}", r.errors);
    assert!(!r.applied);
    assert_eq!(r.warning_total, 1);
    let w = &r.warnings[0];
    assert_eq!(
        (w.error.code, w.sheet.as_str(), w.row, w.column.as_deref()),
        ("unit_suspect", "指标填报", 2, Some("D"))
    );
    assert_eq!(w.error.param("value"), Some("3800000"));
    assert_eq!(w.error.param("reference"), Some("210"));
    assert_eq!(w.error.param("ratio"), Some("18095"));
    assert!(w.message().contains("万元"), "{}", w.message());
    assert_eq!(events(&store).await, before, "held back: nothing written");
    let a = org_id(&store, 1).await;
    let q4 = Period::parse("2022Q4").unwrap();
    assert!(
        store
            .read()
            .await
            .unwrap()
            .filing_versions(&a, q4)
            .await
            .unwrap()
            .is_empty()
    );

    let opts = ImportOptions {
        accept_warnings: true,
        dry_run: false,
    };
    let r = import_bytes(&app, &admin(), "y.xlsx", in_yuan, &opts)
        .await
        .unwrap();
    assert!(r.applied);
    assert_eq!(
        r.warning_total, 1,
        "the report still shows what was accepted"
    );
    let v = store
        .read()
        .await
        .unwrap()
        .filing_versions(&a, q4)
        .await
        .unwrap();
    assert_eq!(v[0].values.get("rd_expense"), Some(3_800_000_000_000));
});

store_test!(
    a_filing_under_review_cannot_be_overwritten_by_an_import,
    |store| {
        let app = app(&store);
        assert!(
            import(&app, &admin(), "a.xlsx", good_workbook())
                .await
                .applied
        );
        let a = org_id(&store, 1).await;
        let values = BTreeMap::from([
            ("rd_expense".to_string(), "1500".to_string()),
            ("total_cost".to_string(), "60000".to_string()),
        ]);
        filing::save(&app, &admin(), &a, "2023Q3", &values)
            .await
            .unwrap();
        filing::submit(&app, &admin(), &a, "2023Q3").await.unwrap();
        let before = events(&store).await;
        let bytes = xlsx(&[(
            "指标填报",
            vec![
                filing_header(&["研发费用总额"]),
                filing_row(2, "2024Q1", vec![C::N(5.0)]),
                filing_row(1, "2023Q3", vec![C::N(1400.0)]),
            ],
        )]);
        let r = import(&app, &admin(), "r.xlsx", bytes).await;
        assert_eq!(
            where_(&r),
            vec![(
                "filing_under_review",
                "指标填报".to_string(),
                3,
                Some("C".to_string())
            )]
        );
        assert_eq!(r.errors[0].value.as_deref(), Some("2023Q3"));
        assert!(!r.applied);
        assert_eq!(events(&store).await, before);
        let b = org_id(&store, 2).await;
        assert!(
            store
                .read()
                .await
                .unwrap()
                .current_filings_of(&b)
                .await
                .unwrap()
                .iter()
                .all(|f| f.period != Period::parse("2024Q1").unwrap())
        );
    }
);

store_test!(a_town_scoped_importer_imports_only_its_towns, |store| {
    let app = app(&store);
    let scoped = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
    let bytes = xlsx(&[
        (
            "企业",
            vec![ent_header(), ent_row(1, "巴川街道"), ent_row(2, "东城街道")],
        ),
        (
            "指标填报",
            vec![
                filing_header(&["研发费用总额"]),
                filing_row(1, "2023Q3", vec![C::N(5.0)]),
            ],
        ),
    ]);
    let r = import(&app, &scoped, "s.xlsx", bytes).await;
    assert_eq!(
        where_(&r),
        vec![("town_scope", "企业".to_string(), 3, Some("C".to_string()))]
    );
    assert_eq!(orgs(&store).await, 0);

    // The other town's enterprise exists: the scoped importer may not touch it.
    assert!(
        import(
            &app,
            &admin(),
            "a.xlsx",
            xlsx(&[("企业", vec![ent_header(), ent_row(2, "东城街道")])])
        )
        .await
        .applied
    );
    let bytes = xlsx(&[
        ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
        (
            "指标填报",
            vec![
                filing_header(&["研发费用总额"]),
                filing_row(1, "2023Q3", vec![C::N(5.0)]),
                filing_row(2, "2023Q3", vec![C::N(6.0)]),
            ],
        ),
    ]);
    let r = import(&app, &scoped, "s.xlsx", bytes.clone()).await;
    assert_eq!(
        where_(&r),
        vec![(
            "town_scope",
            "指标填报".to_string(),
            3,
            Some("A".to_string())
        )]
    );
    let fixed = xlsx(&[
        ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
        (
            "指标填报",
            vec![
                filing_header(&["研发费用总额"]),
                filing_row(1, "2023Q3", vec![C::N(5.0)]),
            ],
        ),
    ]);
    let r = import(&app, &scoped, "s.xlsx", fixed).await;
    assert_clean(&r);
    assert!(r.applied);
});

store_test!(an_enterprise_user_may_not_import, |store| {
    let app = app(&store);
    assert!(
        import(&app, &admin(), "a.xlsx", good_workbook())
            .await
            .applied
    );
    let user = enterprise_user(&org_id(&store, 1).await);
    let err = import_bytes(
        &app,
        &user,
        "a.xlsx",
        good_workbook(),
        &ImportOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Forbidden), "{err:?}");
});

store_test!(a_dry_run_counts_and_writes_nothing, |store| {
    let app = app(&store);
    let opts = ImportOptions {
        accept_warnings: false,
        dry_run: true,
    };
    let r = import_bytes(&app, &admin(), "a.xlsx", good_workbook(), &opts)
        .await
        .unwrap();
    assert_clean(&r);
    assert!(!r.applied);
    assert_eq!(
        (
            r.summary.enterprises_created,
            r.summary.filings_created,
            r.summary.towns_added
        ),
        (3, 3, 3)
    );
    assert_eq!(orgs(&store).await, 0);
    assert_eq!(events(&store).await, 0);
});

store_test!(
    errors_are_listed_up_to_a_thousand_and_all_counted,
    |store| {
        let app = app(&store);
        let mut rows = vec![ent_header()];
        for n in 0..1200u32 {
            rows.push(vec![t(format!("BAD{n}")), s("x")]);
        }
        let r = import(&app, &admin(), "many.xlsx", xlsx(&[("企业", rows)])).await;
        assert_eq!(r.error_total, 1200);
        assert_eq!(r.errors.len(), 1000);
        assert_eq!(r.errors[999].row, 1001);
    }
);

store_test!(data_under_a_blank_header_is_an_error, |store| {
    let app = app(&store);
    let rows = vec![
        vec![s("统一社会信用代码"), s("企业名称"), C::E],
        vec![t(code(1)), s("a"), s("多余")],
    ];
    let r = import(&app, &admin(), "b.xlsx", xlsx(&[("企业", rows)])).await;
    assert_eq!(
        where_(&r),
        vec![(
            "column_without_header",
            "企业".to_string(),
            2,
            Some("C".to_string())
        )]
    );
});

store_test!(qualification_and_ip_rows_are_checked_too, |store| {
    let app = app(&store);
    let q_header = vec![
        s("统一社会信用代码"),
        s("资质类型"),
        s("证书编号"),
        s("认定日期"),
        s("有效期至"),
    ];
    let ip_header = vec![
        s("统一社会信用代码"),
        s("知识产权类型"),
        s("编号"),
        s("名称"),
        s("授权日期"),
        s("获得方式"),
    ];
    let bytes = xlsx(&[
        ("企业", vec![ent_header(), ent_row(1, "巴川街道")]),
        (
            "资质",
            vec![
                q_header.clone(),
                vec![t(code(1)), s("高企"), s("GR1"), s("2023-11-03"), C::E],
                vec![
                    t(code(1)),
                    s("高新技术企业"),
                    s("GR2"),
                    C::D(2023, 11, 3),
                    C::E,
                ],
                vec![t(code(1)), s("瞪羚企业"), C::E, s("2023-01-01"), C::E],
                vec![t(code(2)), s("科技型企业"), C::E, s("2023-01-01"), C::E],
                vec![
                    t(code(1)),
                    s("专精特新"),
                    C::E,
                    s("2023-01-01"),
                    s("2022-12-31"),
                ],
            ],
        ),
        (
            "知识产权",
            vec![
                ip_header.clone(),
                vec![
                    t(code(1)),
                    s("发明专利"),
                    s("ZL1"),
                    s("一种方法"),
                    s("2024-01-01"),
                    C::E,
                ],
                vec![
                    t(code(1)),
                    s("实用新型"),
                    s("ZL1"),
                    s("一种装置"),
                    s("2024-02-01"),
                    C::E,
                ],
                vec![
                    t(code(1)),
                    s("商标"),
                    s("TM9"),
                    s("某商标"),
                    s("2024-02-01"),
                    C::E,
                ],
                vec![
                    t(code(1)),
                    s("软著"),
                    s("2024SR1"),
                    s("某软件"),
                    s("2024-02-01"),
                    s("受让"),
                ],
            ],
        ),
    ]);
    let r = import(&app, &admin(), "q.xlsx", bytes).await;
    let got: Vec<_> = r
        .errors
        .iter()
        .map(|e| (e.error.code, e.sheet.as_str(), e.row, e.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("duplicate_row", "资质", 3, Some("A")),
            ("qualification_kind_invalid", "资质", 4, Some("B")),
            ("enterprise_unknown", "资质", 5, Some("A")),
            ("validity_before_recognition", "资质", 6, Some("E")),
            ("duplicate_row", "知识产权", 3, Some("C")),
            ("ip_type_invalid", "知识产权", 4, Some("B")),
            ("required_when_acquired", "知识产权", 5, None),
        ],
        "{:#?}",
        r.errors
    );
    assert_eq!(r.errors[0].error.param("other_row"), Some("2"));
    assert_eq!(orgs(&store).await, 0);
});
