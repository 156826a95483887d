//! `demo --no-serve`, then the report and an import from the command line.

use crate::cmd::*;

#[test]
fn the_demo_district_reports_the_newspaper_figures_from_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["demo", "--no-serve"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("admin") && out.contains("enterprise"),
        "demo logins are printed: {out}"
    );

    let o = run(
        dir.path(),
        &[
            "report", "--from", "2023-01", "--to", "2023-10", "--format", "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["tech_enterprises"]["total"], 1163);
    assert_eq!(j["tech_enterprises"]["new"], 202);
    assert_eq!(j["high_tech_enterprises"]["total"], 175);
    assert_eq!(j["srdi_enterprises"]["total"], 136);
    assert_eq!(j["srdi_enterprises"]["new"], 40);
    assert_eq!(j["rd_above_scale"]["amount_wan"].as_f64(), Some(113_100.0));
    assert_eq!(j["rd_above_scale"]["yoy_pct"].as_f64(), Some(12.5));
    assert!(
        j["rd_above_scale"]["amount_wan"].is_number() && j["tech_enterprises"]["total"].is_number()
    );

    let o = run(
        dir.path(),
        &[
            "report", "--from", "2023-01", "--to", "2023-10", "--format", "md",
        ],
    );
    let md = stdout(&o);
    assert!(
        md.contains("截至2023年10月31日，全区科技型企业数量达到1163家")
            && md.contains("11.31亿元")
            && md.contains("同比增长12.5%"),
        "{md}"
    );

    // The demo build evaluated every firm; the report counts who is ready.
    assert!(out.contains("梯度培育"), "{out}");
    assert!(
        j["cultivation"]["ready"]["high_tech"].is_number(),
        "{}",
        j["cultivation"]
    );
    assert_eq!(j["cultivation"]["targets"].as_array().unwrap().len(), 2);
    let o = run(
        dir.path(),
        &["export", "--format", "csv", "-o", "registry.csv"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(dir.path().join("registry.csv")).unwrap();
    let code = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c.get(2) == Some(&"企业"))
        .map(|c| c[0].to_string())
        .unwrap();
    let o = run(
        dir.path(),
        &["evaluate", "--org", &code, "--date", "2026-11-28", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let e: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(e["tiers"].as_array().unwrap().len(), 6, "{e}");
    let o = run(dir.path(), &["evaluate", "--org", "91500151MA6XLHYD31"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("org"), "{}", stderr(&o));
    let o = run(dir.path(), &["ladder", "catch-up"]);
    assert!(
        o.status.success() && stdout(&o).contains("已评价"),
        "{}",
        stderr(&o)
    );

    // A second `demo` keeps the data and builds nothing twice.
    let o = run(dir.path(), &["demo", "--no-serve"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
}

#[test]
fn a_bad_import_lists_its_cells_exits_1_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = kechuang_core::credit_code::CreditCode::complete("91500151ABCDEFGH1")
        .unwrap()
        .to_string();
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let file = dir.path().join("e.csv");
    std::fs::write(
        &file,
        format!("统一社会信用代码,企业名称\n{bad},重庆甲科技有限公司\n{good},\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("第2行") && out.contains("第3行"),
        "both bad rows are listed: {out}"
    );
    assert!(stderr(&o).contains("nothing was imported"));
    let export = dir.path().join("out.csv");
    let o = run(
        dir.path(),
        &["export", "--format", "csv", "-o", export.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(!text.contains("重庆甲科技有限公司"));

    std::fs::write(
        &file,
        format!("统一社会信用代码,企业名称\n{good},重庆甲科技有限公司\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        dir.path(),
        &["export", "--format", "csv", "-o", export.to_str().unwrap()],
    );
    assert!(o.status.success());
    assert!(
        std::fs::read_to_string(&export)
            .unwrap()
            .contains("重庆甲科技有限公司")
    );
    let t = dir.path().join("t.xlsx");
    let o = run(
        dir.path(),
        &["export", "--template", "filings", "-o", t.to_str().unwrap()],
    );
    assert!(o.status.success());
    assert_eq!(&std::fs::read(&t).unwrap()[..2], b"PK", "an xlsx is a zip");
}
