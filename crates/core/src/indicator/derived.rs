//! Derived indicators (§6.3 "computed rather than stored") and year-on-year change.

use super::Values;
use rust_decimal::{Decimal, RoundingStrategy};

/// A ratio computed from a filing, in percent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Derived {
    /// Stable code.
    pub code: &'static str,
    /// zh-CN name.
    pub name: &'static str,
    /// The formula, zh-CN.
    pub formula: &'static str,
    /// Percent with two decimals; `None` when an input is missing or the base is 0.
    pub pct: Option<Decimal>,
}

const RATIOS: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "rd_intensity",
        "研发投入强度",
        "研发费用总额 / 营业收入",
        &["rd_expense"],
        "operating_revenue",
    ),
    (
        "st_staff_share",
        "科技人员占比",
        "科技人员数 / 职工总数",
        &["st_staff"],
        "employees",
    ),
    (
        "high_tech_revenue_share",
        "高新收入占比",
        "高新技术产品(服务)收入 / 总收入",
        &["high_tech_revenue"],
        "total_income",
    ),
    (
        "main_business_share",
        "主营占比",
        "主营业务收入 / 营业收入",
        &["main_business_revenue"],
        "operating_revenue",
    ),
    (
        "net_profit_margin",
        "净利润率",
        "净利润 / 营业收入",
        &["net_profit"],
        "operating_revenue",
    ),
    (
        "rd_domestic_share",
        "境内研发占比",
        "境内研发费用 / 研发费用总额",
        &["rd_domestic"],
        "rd_expense",
    ),
];

/// Percent `num / den × 100`, two decimals, half away from zero.
pub fn pct(num: i64, den: i64) -> Option<Decimal> {
    if den == 0 {
        return None;
    }
    let r = Decimal::from(num) * Decimal::from(100) / Decimal::from(den);
    let mut r = r.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    Some(r)
}

/// The derived ratios of one filing.
pub fn derived(v: &Values) -> Vec<Derived> {
    let mut out: Vec<Derived> = RATIOS
        .iter()
        .map(|&(code, name, formula, nums, den)| {
            let num: Option<i64> = nums.iter().map(|c| v.get(c)).sum();
            let pct = match (num, v.get(den)) {
                (Some(n), Some(d)) => pct(n, d),
                _ => None,
            };
            Derived {
                code,
                name,
                formula,
                pct,
            }
        })
        .collect();
    // 资产负债率 = (资产总额 − 净资产) / 资产总额.
    let debt = match (v.get("total_assets"), v.get("net_assets")) {
        (Some(a), Some(n)) => pct(a - n, a),
        _ => None,
    };
    out.push(Derived {
        code: "debt_ratio",
        name: "资产负债率",
        formula: "(资产总额 − 净资产) / 资产总额",
        pct: debt,
    });
    out
}

/// Year-on-year change in percent, one decimal, half away from zero; `None` when
/// there is no base or the base is zero. A negative base gives the change relative
/// to its magnitude (a loss shrinking is growth).
pub fn yoy_pct(current: i64, base: i64) -> Option<Decimal> {
    if base == 0 {
        return None;
    }
    let r = Decimal::from(current - base) * Decimal::from(100) / Decimal::from(base.abs());
    let mut r = r.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(1);
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yoy_rounds_to_one_decimal() {
        // 11.31亿 on a base of 10.053333亿 is +12.5 %.
        assert_eq!(yoy_pct(113_100, 100_533).unwrap().to_string(), "12.5");
        assert_eq!(yoy_pct(90, 100).unwrap().to_string(), "-10.0");
        assert_eq!(yoy_pct(-50, -100).unwrap().to_string(), "50.0");
        assert_eq!(yoy_pct(1, 0), None);
    }

    #[test]
    fn ratios_are_computed_when_inputs_exist() {
        let v = Values::parse_map([
            ("rd_expense", "30"),
            ("operating_revenue", "1000"),
            ("total_assets", "200"),
            ("net_assets", "50"),
        ])
        .unwrap();
        let d = derived(&v);
        let get = |c: &str| d.iter().find(|x| x.code == c).unwrap().pct;
        assert_eq!(get("rd_intensity").unwrap().to_string(), "3.00");
        assert_eq!(get("debt_ratio").unwrap().to_string(), "75.00");
        assert_eq!(get("st_staff_share"), None);
    }
}
