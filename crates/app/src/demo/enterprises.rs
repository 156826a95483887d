//! The enterprises of the demo district: who they are, where, since when, and how
//! big.
//!
//! The register of the snapshot ([`plan`]) is drawn first and never changes; the
//! firms founded after it ([`plan_founded_after`]) come from their own stream,
//! continuing the same list of trade names.
//!
//! Two firms are fixed: 重庆炙焱动力制造有限公司, the motorcycle maker of the
//! second report (its smart assembly line is the line module's demo), and a
//! "showcase" energy-storage firm that the demo's enterprise login acts for. The
//! rest are drawn from the seed.

use super::clusters::{CLUSTERS, cluster_index};
use super::geography::{self, TOWNS, town_index};
use super::names::{self, CodeMaker};
use super::rng::Rng;
use super::targets::{FOUNDED_AFTER_SNAPSHOT, HORIZON, SNAPSHOT, ymd};
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::org::Coordinates;

/// A firm with a fixed part to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    /// An ordinary firm.
    None,
    /// 重庆炙焱动力制造有限公司: the line engineer's and operator's employer.
    Zhiyan,
    /// The enterprise login's firm: every tier, filings, a filing under review.
    Showcase,
}

/// One planned enterprise.
#[derive(Debug, Clone)]
pub(crate) struct Firm {
    /// Registered name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// Index into [`CLUSTERS`].
    pub cluster: usize,
    /// Index into [`TOWNS`].
    pub town: usize,
    /// Location.
    pub coordinates: Coordinates,
    /// 成立日期.
    pub founded: NaiveDate,
    /// 规上: 2022 revenue of at least 2000万元.
    pub above_scale: bool,
    /// Address.
    pub address: String,
    /// Full-year 营业收入 in 2022, 万元 (for firms founded in 2023, the level they start from).
    pub revenue_2022: f64,
    /// Inclination to innovate, about 0–1.3: decides who gets the tiers.
    pub techiness: f64,
    /// Fixed part, if any.
    pub special: Special,
}

/// 规上工业企业 threshold: 主营业务收入 2000万元.
pub(crate) const ABOVE_SCALE_WAN: f64 = 2000.0;

/// Founding-year weights for 1996 ..= 2023.
const YEAR_WEIGHTS: [u32; 28] = [
    2, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 17, 18, 20, 22, 24, 25, 26, 26, 25, 22,
    12,
];

/// Plans every enterprise.
pub(crate) fn plan(seed: u64, codes: &mut CodeMaker) -> AppResult<Vec<Firm>> {
    let mut rng = Rng::stream(seed, "enterprises");
    let mut trade = names::trade_names(&mut Rng::stream(seed, "trade-names")).into_iter();
    let n = 1340 + rng.index(50);
    let mut firms = Vec::with_capacity(n);
    for i in 0..n {
        let special = match i {
            0 => Special::Zhiyan,
            1 => Special::Showcase,
            _ => Special::None,
        };
        firms.push(firm(&mut rng, &mut trade, codes, special, None)?);
    }
    Ok(firms)
}

/// Plans the firms founded after the snapshot ([`FOUNDED_AFTER_SNAPSHOT`]), after
/// the register `before` (whose trade names they do not reuse). Call it after
/// every other credit code of the district has been claimed, so those stay as
/// they were.
pub(crate) fn plan_founded_after(
    seed: u64,
    before: &[Firm],
    codes: &mut CodeMaker,
) -> AppResult<Vec<Firm>> {
    let mut rng = Rng::stream(seed, "enterprises-horizon");
    let used = before
        .iter()
        .filter(|f| f.special != Special::Zhiyan)
        .count();
    let mut trade = names::trade_names(&mut Rng::stream(seed, "trade-names"))
        .into_iter()
        .skip(used);
    let mut out = Vec::new();
    for (year, n) in FOUNDED_AFTER_SNAPSHOT {
        let from = if year == SNAPSHOT.year() {
            SNAPSHOT + chrono::TimeDelta::days(1)
        } else {
            ymd(year, 1, 1)
        };
        let to = if year == HORIZON.year() {
            ymd(year, 6, 30)
        } else {
            ymd(year, 12, 31)
        };
        for _ in 0..n {
            let founded = rng.date_between(from, to);
            out.push(firm(
                &mut rng,
                &mut trade,
                codes,
                Special::None,
                Some(founded),
            )?);
        }
    }
    out.sort_by_key(|f| f.founded);
    Ok(out)
}

fn firm(
    rng: &mut Rng,
    trade: &mut impl Iterator<Item = String>,
    codes: &mut CodeMaker,
    special: Special,
    founded: Option<NaiveDate>,
) -> AppResult<Firm> {
    let missing = |what: &str| AppError::Internal(anyhow::anyhow!("demo: {what}"));
    let cluster = match special {
        Special::Zhiyan => cluster_index("摩托车").ok_or_else(|| missing("cluster 摩托车"))?,
        Special::Showcase => {
            cluster_index("新型储能").ok_or_else(|| missing("cluster 新型储能"))?
        }
        Special::None => rng.weighted(&CLUSTERS.map(|c| c.weight)),
    };
    let c = &CLUSTERS[cluster];
    let town = match special {
        Special::Zhiyan => town_index("南城街道").ok_or_else(|| missing("town 南城街道"))?,
        Special::Showcase => town_index("东城街道").ok_or_else(|| missing("town 东城街道"))?,
        Special::None => {
            let weights: Vec<u32> = TOWNS
                .iter()
                .map(|t| {
                    let boost = c
                        .parks
                        .iter()
                        .find(|(name, _)| *name == t.name)
                        .map_or(10, |(_, b)| *b);
                    t.weight * boost
                })
                .collect();
            rng.weighted(&weights)
        }
    };
    let founded = match (special, founded) {
        (_, Some(day)) => day,
        (Special::Zhiyan, None) => ymd(2006, 8, 18),
        (Special::Showcase, None) => ymd(2016, 3, 1) + chrono::TimeDelta::days(rng.between(0, 200)),
        (Special::None, None) => founding_date(rng, c.young),
    };
    let age_class = founded.year();
    let above_scale = match special {
        Special::Zhiyan | Special::Showcase => true,
        Special::None if age_class >= 2022 => false,
        Special::None => {
            let p = match age_class {
                ..2010 => 0.5,
                2010..2018 => 0.4,
                _ => 0.15,
            };
            rng.chance(p)
        }
    };
    let revenue_2022 = match special {
        Special::Zhiyan => 42_000.0,
        Special::Showcase => rng.uniform(14_000.0, 24_000.0),
        Special::None if above_scale => rng
            .log_normal(6_000.0, 1.0)
            .clamp(ABOVE_SCALE_WAN + 100.0, 600_000.0),
        Special::None => rng
            .log_normal(420.0, 0.9)
            .clamp(30.0, ABOVE_SCALE_WAN - 100.0),
    };
    let techiness = match special {
        Special::None => rng.unit() + c.tech_bias + if above_scale { 0.05 } else { 0.0 },
        _ => 10.0,
    };
    let (name, credit_code) = match special {
        Special::Zhiyan => (
            "重庆炙焱动力制造有限公司".to_string(),
            codes.company(rng, founded)?,
        ),
        _ => {
            let t = trade.next().ok_or_else(|| missing("out of trade names"))?;
            let joint_stock = above_scale && revenue_2022 > 20_000.0 && rng.chance(0.3);
            // No character of the trade name repeated in the industry word (not 力业车业).
            let fitting: Vec<&str> = c
                .words
                .iter()
                .copied()
                .filter(|w| !t.chars().any(|ch| w.contains(ch)))
                .collect();
            let word = if fitting.is_empty() {
                *rng.pick(c.words)
            } else {
                *rng.pick(&fitting)
            };
            (
                names::enterprise_name(&t, word, joint_stock),
                codes.company(rng, founded)?,
            )
        }
    };
    let coordinates = geography::scatter(rng, &TOWNS[town]);
    let address = geography::address(rng, &TOWNS[town]);
    Ok(Firm {
        name,
        credit_code,
        cluster,
        town,
        coordinates,
        founded,
        above_scale,
        address,
        revenue_2022,
        techiness,
        special,
    })
}

/// A founding day: older industries spread back to 1996, young ones mostly after
/// 2012; 2023 firms were founded by July.
fn founding_date(rng: &mut Rng, young: bool) -> NaiveDate {
    let mut year = 1996 + rng.weighted(&YEAR_WEIGHTS) as i32;
    if young && year < 2012 && rng.chance(0.6) {
        year = 2012 + rng.weighted(&YEAR_WEIGHTS[16..]) as i32;
    }
    let last = if year == 2023 {
        ymd(2023, 7, 31)
    } else {
        ymd(year, 12, 31)
    };
    rng.date_between(ymd(year, 1, 1), last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_a_plausible_register() {
        let mut codes = CodeMaker::default();
        let firms = plan(2023, &mut codes).unwrap();
        assert!((1340..1390).contains(&firms.len()));
        assert_eq!(firms[0].name, "重庆炙焱动力制造有限公司");
        let above = firms.iter().filter(|f| f.above_scale).count() as f64 / firms.len() as f64;
        assert!((0.22..0.38).contains(&above), "{above}");
        let mut names: Vec<_> = firms.iter().map(|f| f.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), firms.len());
        for f in &firms {
            assert!(f.founded <= ymd(2023, 7, 31));
            assert_eq!(
                f.above_scale,
                f.revenue_2022 >= ABOVE_SCALE_WAN,
                "{}",
                f.name
            );
            assert!(f.name.starts_with("重庆") && f.name.ends_with("有限公司"));
        }
    }
}
