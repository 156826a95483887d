//! `kechuang import` of matchmaking records, beside the registry import.

use crate::cmd::{run, stderr, stdout};

#[test]
fn needs_are_recognised_by_their_headers_imported_once_and_refused_cells_listed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("ent.csv"),
        "统一社会信用代码,企业名称\n915001510000000019,重庆甲科技有限公司\n",
    )
    .unwrap();
    let o = run(d, &["--data-dir", "data", "import", "ent.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(
        d.join("needs.csv"),
        "编号,单位名称,需求名称,合作方式,预算（万元）\nN1,重庆甲科技有限公司,电芯检测设备国产化,技术服务,12.5\n",
    )
    .unwrap();
    let o = run(d, &["--data-dir", "data", "import", "needs.csv", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["applied"], true);
    assert_eq!(r["summary"]["needs"]["created"], 1);
    // Again: nothing changes.
    let o = run(d, &["--data-dir", "data", "import", "needs.csv", "--json"]);
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["applied"], false);
    assert_eq!(r["summary"]["needs"]["unchanged"], 1);
    // --kind experts on the needs file: its headers are refused, exit code 1.
    let o = run(
        d,
        &[
            "--data-dir",
            "data",
            "import",
            "--kind",
            "experts",
            "needs.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("未知的表头“需求名称”"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("nothing was imported"),
        "{}",
        stderr(&o)
    );
    // The template is written and recognised (its example owner is unknown).
    let o = run(d, &["export", "--template", "matchmaking", "-o", "t.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(d, &["--data-dir", "data", "import", "t.xlsx", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("机构库中没有"), "{}", stdout(&o));
}
