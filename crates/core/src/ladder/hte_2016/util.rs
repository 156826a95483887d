//! Small helpers the `HTE-2016` and `SME-2017` packs share: condition and score
//! item constructors, yes/no declarations, and the exact gap arithmetic.

use rust_decimal::Decimal;

use crate::ladder::outcome::{Condition, Gap, GapUnit, Met, pct, wan_to_yuan, yuan};

pub(crate) use crate::ladder::outcome::{cond, item};

/// `Some(true)` → met, `Some(false)` → not met, `None` → unknown (undeclared).
pub(crate) fn declared(c: &mut Condition, v: Option<bool>) {
    match v {
        Some(true) => {
            c.met = Met::Yes;
            c.actual = Some("是".to_string());
        }
        Some(false) => {
            c.met = Met::No;
            c.actual = Some("否".to_string());
        }
        None => {
            c.met = Met::Unknown;
            c.note = Some("企业未声明，需人工核实".to_string());
        }
    }
}

/// `a ≥ p % × b`, exact (no division).
pub(crate) fn at_least_pct(a: Decimal, b: Decimal, p: Decimal) -> bool {
    a * Decimal::ONE_HUNDRED >= p * b
}

/// How much `x` must be added to **both** the part and the whole so that
/// `(part + x) / (whole + x) ≥ p %`: `x = (p·whole − 100·part) / (100 − p)`.
/// Used for new S&T staff (they are also staff), domestic R&D (also R&D) and
/// high-tech revenue (also total revenue). Zero or less means already met.
pub(crate) fn share_gap(part: Decimal, whole: Decimal, p: Decimal) -> Decimal {
    (p * whole - Decimal::ONE_HUNDRED * part) / (Decimal::ONE_HUNDRED - p)
}

/// A money gap in whole 元 (rounded up) from an amount in 万元.
pub(crate) fn yuan_gap(wan: Decimal, what: &str) -> Gap {
    let amount = wan_to_yuan(wan).ceil();
    Gap {
        amount,
        unit: GapUnit::Yuan,
        text: format!("还需{what} {}", yuan(amount)),
    }
}

/// A headcount gap in whole persons (rounded up).
pub(crate) fn person_gap(n: Decimal, what: &str) -> Gap {
    let amount = n.ceil();
    Gap {
        amount,
        unit: GapUnit::Person,
        text: format!("还需 {amount} 名{what}"),
    }
}

/// A points gap.
pub(crate) fn point_gap(n: u32) -> Gap {
    Gap {
        amount: Decimal::from(n),
        unit: GapUnit::Point,
        text: format!("还差 {n} 分"),
    }
}

/// "缺少2025年度数据" or, for one missing field, "缺少2025年度数据（销售收入）".
pub(crate) fn missing(year: i32, field: Option<&str>) -> String {
    match field {
        None => format!("缺少{year}年度数据"),
        Some(f) => format!("缺少{year}年度数据（{f}）"),
    }
}

/// A ratio as shown: `2.80 %`.
pub(crate) fn show_pct(v: Decimal) -> String {
    pct(v, 2)
}

/// A 万元 amount shown in 元: `¥200,000,000`.
pub(crate) fn show_wan(v: Decimal) -> String {
    yuan(wan_to_yuan(v))
}
