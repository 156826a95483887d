//! The district report as files (xlsx read back with calamine, PDF through
//! pdftotext, HTML) and the indicator wall's filters and scope, on both backends,
//! with a small district of its own.

use crate::common::*;
use kechuang_app::ops::dashboard::{self, WallQuery};
use kechuang_app::ops::qualification::{self, QualificationInput};
use kechuang_app::ops::{org, report};
use kechuang_app::{AppError, report_doc, report_html, report_pdf, report_xlsx};
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

/// Four enterprises in two towns; three 科技型企业 (two first recognised in 2024).
async fn seed(app: &kechuang_app::App) {
    let admin = bureau(Role::BureauAdmin, None);
    for (n, town, recognised) in [
        (11, "东城街道", Some("2023-05-01")),
        (12, "东城街道", Some("2024-03-01")),
        (13, "西河镇", Some("2024-06-01")),
        (14, "西河镇", None),
    ] {
        let id = org::create(app, &admin, &enterprise_input(n, town))
            .await
            .unwrap();
        if let Some(d) = recognised {
            qualification::add(
                app,
                &admin,
                &id,
                &QualificationInput {
                    kind: "科技型企业".into(),
                    number: format!("KJ{n}"),
                    recognized_on: d.into(),
                    valid_until: String::new(),
                },
            )
            .await
            .unwrap();
        }
    }
}

store_test!(the_report_files_carry_the_data_s_own_figures, |store| {
    let app = app(&store);
    seed(&app).await;
    let range = report::parse_range("2024-01", "2024-12").unwrap();
    let r = report::district(&app, &bureau(Role::BureauAdmin, None), &range)
        .await
        .unwrap();
    assert_eq!((r.tech_enterprises.total, r.tech_enterprises.new), (3, 2));
    let doc = report_doc::build(&r);
    assert!(
        doc.paragraphs[0]
            .contains("截至2024年12月31日，全区科技型企业数量达到3家，2024年1—12月新增2家"),
        "{:?}",
        doc.paragraphs
    );
    // xlsx: one sheet per section, the counts as numbers.
    let bytes = report_xlsx::render(&doc).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::Reader::new(std::io::Cursor::new(bytes)).unwrap();
    let names = calamine::Reader::sheet_names(&wb);
    assert_eq!(names[0], "报告");
    assert_eq!(names.len(), doc.sections.len() + 1);
    let tiers = calamine::Reader::worksheet_range(&mut wb, "企业梯度").unwrap();
    let row = tiers
        .rows()
        .find(|r| matches!(r.first(), Some(calamine::Data::String(s)) if s == "科技型企业"))
        .expect("the 科技型企业 row");
    assert_eq!(row[1], calamine::Data::Float(3.0));
    assert_eq!(row[2], calamine::Data::Float(2.0));
    let text = calamine::Reader::worksheet_range(&mut wb, "报告").unwrap();
    assert!(
        text.rows()
            .any(|r| r[0].to_string().contains("全区科技型企业数量达到3家"))
    );
    // HTML: the paragraph, a table and an SVG chart.
    let html = report_html::standalone(&doc);
    assert!(html.contains("全区科技型企业数量达到3家"));
    assert!(html.contains("<svg class=\"chart\" role=\"img\""));
    assert!(html.starts_with("<!doctype html><html lang=\"zh-CN\">"));
    // PDF: well formed, the font embedded, the text extractable.
    let pdf = report_pdf::render(&doc);
    kechuang_app::pdf::check(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(
        raw.contains("/FontFile2") || raw.contains("/FontFile3"),
        "font embedded"
    );
    let path = std::env::temp_dir().join(format!(
        "kc-report-{}-{:?}.pdf",
        std::process::id(),
        store.backend()
    ));
    std::fs::write(&path, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/services.sh installs it)");
    let text: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("全区科技型企业数量达到3家"), "{text}");
    assert!(text.contains("科技企业梯度"), "{text}");
    let _ = std::fs::remove_file(&path);
});

store_test!(the_wall_honours_towns_scope_and_the_period_pair, |store| {
    let app = app(&store);
    seed(&app).await;
    let q = |towns: &[&str], base: Option<&str>| WallQuery {
        period: "2024Q4".into(),
        base: base.map(str::to_string),
        towns: towns.iter().map(|t| (*t).to_string()).collect(),
        cluster: None,
        rank_by: None,
        dist: None,
    };
    let admin = bureau(Role::BureauAdmin, None);
    let all = dashboard::wall(&app, &admin, &q(&[], None)).await.unwrap();
    let last = |w: &dashboard::Wall| {
        w.tier_trend
            .iter()
            .find(|(k, _)| k == "科技型企业")
            .and_then(|(_, v)| v.last().copied())
            .unwrap_or(0)
    };
    assert_eq!(last(&all), 3);
    assert_eq!(
        all.programme.contracts,
        report::district(
            &app,
            &admin,
            &report::parse_range("2024-01", "2024-12").unwrap()
        )
        .await
        .unwrap()
        .contracts,
        "district-wide: the report's own figures"
    );
    let west = dashboard::wall(&app, &admin, &q(&["西河镇"], None))
        .await
        .unwrap();
    assert_eq!(last(&west), 1);
    assert_eq!(west.programme.loans.count, 0);
    // The trend: one enterprise at the end of 2023Q4, three at 2024Q4.
    let trend = &all
        .tier_trend
        .iter()
        .find(|(k, _)| k == "科技型企业")
        .unwrap()
        .1;
    assert_eq!(
        trend.first().copied(),
        Some(1),
        "{:?} {:?}",
        all.trend_labels,
        trend
    );
    // A scoped officer asking for another town sees nothing of it.
    let east_officer = bureau(Role::BureauReviewer, Some(vec!["东城街道"]));
    let w = dashboard::wall(&app, &east_officer, &q(&["西河镇"], None))
        .await
        .unwrap();
    assert_eq!(w.towns, Some(Vec::new()));
    assert_eq!(last(&w), 0);
    let own = dashboard::wall(&app, &east_officer, &q(&[], None))
        .await
        .unwrap();
    assert_eq!(last(&own), 2);
    let panels = dashboard::panels(&own);
    let contracts = panels.iter().find(|p| p.name == "技术合同").unwrap();
    assert!(
        contracts.text.iter().any(|t| t.contains("按卖方")),
        "a scoped wall says how the programme panels are filtered: {:?}",
        contracts.text
    );
    // A pair in the wrong order names the field.
    match dashboard::wall(&app, &admin, &q(&[], Some("2025Q1"))).await {
        Err(AppError::Invalid(f)) => {
            assert_eq!(f[0].field, "base");
            assert_eq!(f[0].code, "period_pair_reversed");
        }
        other => panic!("{other:?}"),
    }
    match report::parse_range("2024-10", "2024-01") {
        Err(f) => assert_eq!((f[0].field.as_str(), f[0].code), ("to", "range_reversed")),
        Ok(r) => panic!("{r:?}"),
    }
});
