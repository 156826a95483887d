//! A profile from the registry: the enterprise record, its current annual filings
//! (the fourth-quarter year-to-date filing stands in for a missing annual one),
//! its IP records, its qualification history and its supplementary facts.

use super::facts::Facts;
use super::profile::{HeldQualification, InstitutionLevelInput, IpItem, Profile, YearFacts};
use crate::indicator::{InstitutionLevel, Values};
use crate::ip::IpRecord;
use crate::org::Organisation;
use crate::period::Period;
use crate::qualification::Qualification;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// fen → 万元.
fn wan(v: Option<i64>) -> Option<Decimal> {
    v.map(|f| Decimal::new(f, 6))
}

/// hundredths of a person → 人.
fn people(v: Option<i64>) -> Option<Decimal> {
    v.map(|h| Decimal::new(h, 2))
}

/// One year's facts from one filing's values.
pub fn year_facts(v: &Values) -> YearFacts {
    YearFacts {
        operating_revenue: wan(v.get("operating_revenue")),
        sales_revenue: wan(v.get("sales_revenue")),
        main_revenue: wan(v.get("main_business_revenue")),
        high_tech_revenue: wan(v.get("high_tech_revenue")),
        total_revenue: wan(v.get("total_income")),
        net_profit: wan(v.get("net_profit")),
        total_assets: wan(v.get("total_assets")),
        net_assets: wan(v.get("net_assets")),
        total_cost: wan(v.get("total_cost")),
        staff: people(v.get("employees")),
        st_staff: people(v.get("st_staff")),
        st_staff_sme: None,
        rd_staff: people(v.get("rd_staff")),
        rd_expense: wan(v.get("rd_expense")),
        rd_expense_deduction: None,
        rd_domestic: wan(v.get("rd_domestic")),
        rd_categories: None,
        conversions: v.get("conversions").and_then(|c| u32::try_from(c).ok()),
    }
}

/// Builds the profile of a registry enterprise. `filings` are current filings
/// (annual and fourth-quarter), in any order.
pub fn profile(
    org: &Organisation,
    filings: &[(Period, Values)],
    ip: &[IpRecord],
    qualifications: &[Qualification],
    facts: Option<Facts>,
) -> Profile {
    let mut years: BTreeMap<i32, (bool, &Values)> = BTreeMap::new();
    for (p, v) in filings {
        let annual = p.is_annual();
        if !annual && p.quarter_number() != Some(4) {
            continue;
        }
        let e = years.entry(p.year_number()).or_insert((annual, v));
        if annual && !e.0 {
            *e = (true, v);
        }
    }
    let institution = years
        .values()
        .next_back()
        .and_then(|(_, v)| v.get("rd_institution_level"))
        .and_then(InstitutionLevel::from_i64)
        .and_then(InstitutionLevelInput::from_level);
    let mut p = Profile {
        name: org.name.clone(),
        credit_code: Some(org.credit_code.as_str().to_string()),
        registered_on: org.founded_on,
        years: years
            .into_iter()
            .map(|(y, (_, v))| (y, year_facts(v)))
            .collect(),
        ip: ip
            .iter()
            .map(|r| IpItem {
                ip_type: r.ip_type,
                granted_on: r.granted_on,
                status: r.status,
                acquisition: r.acquisition,
                acquired_on: r.acquired_on,
                used_in_hte: r.used_in_hte,
                high_value: false,
                related_to_main_product: true,
                applied: None,
                holder_rank: None,
            })
            .collect(),
        qualifications: qualifications
            .iter()
            .map(|q| HeldQualification {
                kind: q.kind,
                recognized_on: q.recognized_on,
                valid_until: q.valid_until,
            })
            .collect(),
        institutions: institution
            .map(|level| {
                vec![super::profile::Institution {
                    level,
                    kind: None,
                    joint: false,
                }]
            })
            .unwrap_or_default(),
        ..Profile::default()
    };
    if let Some(f) = facts {
        f.apply(&mut p);
    }
    p
}

/// Feeds indicator #23 from the registry of innovation platforms: `level` is the
/// best accredited R&D institution the enterprise hosts or co-builds on the
/// evaluation date (`platform::institution_level`). The filing's value (and the
/// supplementary facts') stays; the platform level is added only when it is
/// higher, so the profile's best institution is the maximum of both.
pub fn with_platform_level(mut p: Profile, level: InstitutionLevel) -> Profile {
    let Some(input) = InstitutionLevelInput::from_level(level) else {
        return p;
    };
    let best = p.institutions.iter().map(|i| i.level).max();
    if best.is_none_or(|b| b < input) {
        p.institutions.push(super::profile::Institution {
            level: input,
            kind: None,
            joint: false,
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::profile::Institution;

    fn best(p: &Profile) -> Option<InstitutionLevelInput> {
        p.institutions.iter().map(|i| i.level).max()
    }

    #[test]
    fn the_platform_level_fills_a_missing_value_and_never_lowers_the_filing() {
        use InstitutionLevel as L;
        let none = with_platform_level(Profile::default(), L::Municipal);
        assert_eq!(best(&none), Some(InstitutionLevelInput::Municipal));
        assert_eq!(
            with_platform_level(Profile::default(), L::None).institutions,
            Vec::new()
        );
        let filed = Profile {
            institutions: vec![Institution {
                level: InstitutionLevelInput::Provincial,
                kind: None,
                joint: false,
            }],
            ..Profile::default()
        };
        let lower = with_platform_level(filed.clone(), L::Municipal);
        assert_eq!(lower.institutions, filed.institutions, "the filing stays");
        let higher = with_platform_level(filed, L::National);
        assert_eq!(best(&higher), Some(InstitutionLevelInput::National));
        assert_eq!(higher.institutions.len(), 2);
    }
}
