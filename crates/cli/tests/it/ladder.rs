//! `evaluate` and `ladder` from the command line.

use crate::cmd::*;

fn example() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/profile.json")
}

#[test]
fn a_profile_file_is_evaluated_per_pack_and_a_bad_one_is_refused_per_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = example();
    let o = run(
        dir.path(),
        &[
            "evaluate",
            "--file",
            file.to_str().unwrap(),
            "--date",
            "2026-11-28",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let tiers: Vec<&str> = j["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tier"].as_str().unwrap())
        .collect();
    assert_eq!(
        tiers,
        [
            "tech_sme",
            "innovative_sme",
            "tech_innovative_sme",
            "high_tech",
            "srdi",
            "little_giant"
        ]
    );
    for t in j["tiers"].as_array().unwrap() {
        assert!(
            ["eligible", "not_eligible", "manual_review"].contains(&t["status"].as_str().unwrap()),
            "{t}"
        );
        assert!(!t["conditions"].as_array().unwrap().is_empty(), "{t}");
    }
    // Under 2022 rules (a review) the 2026 tier does not exist; the pack is named.
    let o = run(
        dir.path(),
        &[
            "evaluate",
            "--file",
            file.to_str().unwrap(),
            "--pack",
            "SRDI-2022-63",
            "--date",
            "2025-06-30",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        j["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["pack"] == "SRDI-2022-63")
    );

    // Negative revenue and S&T staff above total staff: one line naming both, exit 1.
    let mut bad: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    bad["years"]["2025"]["sales_revenue"] = "-1".into();
    bad["years"]["2025"]["st_staff"] = "999".into();
    let bad_path = dir.path().join("bad.json");
    std::fs::write(&bad_path, bad.to_string()).unwrap();
    let o = run(
        dir.path(),
        &["evaluate", "--file", bad_path.to_str().unwrap(), "--json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("years.2025.sales_revenue") && err.contains("years.2025.st_staff"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(stdout(&o).is_empty());
    let o = run(
        dir.path(),
        &[
            "evaluate",
            "--file",
            file.to_str().unwrap(),
            "--pack",
            "HTE-1999",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pack"), "{}", stderr(&o));
}
