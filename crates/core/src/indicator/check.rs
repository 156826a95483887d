//! Consistency checks across the values of one filing.
//!
//! Each check names the field that is out of line and the field it was compared
//! with, so a form or an import report can point at the right cell.

use super::{ALL, InstitutionLevel, Sign, Unit, Values, by_code};
use crate::error::FieldError;

/// `(part, whole)`: the part may not exceed the whole (a share within 0–100 %).
const PART_OF_WHOLE: &[(&str, &str)] = &[
    ("main_business_revenue", "operating_revenue"),
    ("high_tech_revenue", "total_income"),
    ("st_staff", "employees"),
    ("rd_staff", "employees"),
    ("rd_domestic", "rd_expense"),
    ("rd_basic", "rd_expense"),
    ("new_jobs_graduates", "new_jobs"),
    ("invention_applications", "patent_applications"),
    ("tech_transaction_amount", "tech_contract_amount"),
    ("net_assets", "total_assets"),
    ("rd_expense", "total_cost"),
];

/// Checks one filing's values: signs, level range, and every part-of-whole rule.
/// Returns all problems found (empty when consistent).
pub fn check(values: &Values) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (ind, v) in values.iter() {
        if ind.sign == Sign::NonNegative && v < 0 {
            errors.push(
                FieldError::new(ind.code, "value_negative").with("value", ind.format_value(v)),
            );
        }
        if ind.unit == Unit::Level && InstitutionLevel::from_i64(v).is_none() {
            errors.push(FieldError::new(ind.code, "level_invalid").with("value", v));
        }
    }
    for &(part, whole) in PART_OF_WHOLE {
        let (Some(p), Some(w)) = (values.get(part), values.get(whole)) else {
            continue;
        };
        if p > w && !(part == "new_jobs_graduates" && w < 0) {
            let (pi, wi) = (by_code(part), by_code(whole));
            let (Some(pi), Some(wi)) = (pi, wi) else {
                continue;
            };
            errors.push(
                FieldError::new(part, "exceeds_whole")
                    .with("value", pi.format_value(p))
                    .with("whole", wi.name)
                    .with("whole_value", wi.format_value(w)),
            );
        }
    }
    // Stable order: by indicator position.
    errors.sort_by_key(|e| {
        ALL.iter()
            .position(|i| i.code == e.field)
            .unwrap_or(usize::MAX)
    });
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Values {
        Values::parse_map(pairs.iter().copied()).unwrap()
    }

    #[test]
    fn a_consistent_filing_passes() {
        let v = values(&[
            ("operating_revenue", "5000"),
            ("main_business_revenue", "4800"),
            ("total_income", "5100"),
            ("high_tech_revenue", "3600"),
            ("employees", "120"),
            ("st_staff", "18"),
            ("rd_staff", "15"),
            ("rd_expense", "260"),
            ("rd_domestic", "250"),
            ("total_cost", "4500"),
            ("total_assets", "8000"),
            ("net_assets", "-100"),
            ("net_profit", "-20"),
        ]);
        assert_eq!(check(&v), vec![]);
    }

    #[test]
    fn rd_may_not_exceed_total_cost() {
        let v = values(&[("rd_expense", "300"), ("total_cost", "200")]);
        let e = check(&v);
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("rd_expense", "exceeds_whole")
        );
        assert_eq!(e[0].param("whole"), Some("成本费用支出总额"));
    }

    #[test]
    fn shares_stay_within_100_percent() {
        let v = values(&[
            ("employees", "10"),
            ("st_staff", "11"),
            ("total_income", "100"),
            ("high_tech_revenue", "100.01"),
        ]);
        let fields: Vec<_> = check(&v).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["high_tech_revenue", "st_staff"]);
    }

    #[test]
    fn equal_part_and_whole_is_allowed() {
        let v = values(&[("employees", "10"), ("st_staff", "10")]);
        assert!(check(&v).is_empty());
    }

    #[test]
    fn negative_counts_are_refused_even_when_set_directly() {
        let mut v = Values::default();
        v.set("ip_class1", Some(-1));
        v.set("rd_institution_level", Some(7));
        let codes: Vec<_> = check(&v).into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["value_negative", "level_invalid"]);
    }
}
