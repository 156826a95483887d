//! The demo district's map: the 28 towns and streets of 铜梁区, their centres, and
//! where enterprises sit around them.
//!
//! Names and order follow the 2023 division list (5 街道, then 23 镇); codes follow
//! the statistical scheme (街道 `001`–, 镇 `100`–) in that order. Centres are
//! plausible points inside Tongliang's extent (105.777–106.282 °E,
//! 29.521–30.095 °N), not surveyed positions: this is demo data.

use super::rng::Rng;
use kechuang_core::org::Coordinates;

/// The district's extent in micro-degrees: west, east, south, north.
pub(crate) const BBOX: (i64, i64, i64, i64) = (105_777_000, 106_282_000, 29_521_000, 30_095_000);

/// One town or street.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Town {
    /// Name.
    pub name: &'static str,
    /// Division code.
    pub code: &'static str,
    /// Centre, micro-degrees.
    pub lon: i64,
    /// Centre, micro-degrees.
    pub lat: i64,
    /// Relative number of enterprises.
    pub weight: u32,
    /// Roads for addresses (towns without their own use generic addresses).
    pub roads: &'static [&'static str],
}

impl Town {
    /// Streets (街道) are the urban core and the industrial parks.
    pub(crate) fn is_street(&self) -> bool {
        self.name.ends_with("街道")
    }
}

const fn t(
    name: &'static str,
    code: &'static str,
    lon: i64,
    lat: i64,
    weight: u32,
    roads: &'static [&'static str],
) -> Town {
    Town {
        name,
        code,
        lon,
        lat,
        weight,
        roads,
    }
}

/// The towns in the bureau's order.
pub(crate) static TOWNS: [Town; 28] = [
    t(
        "巴川街道",
        "500151001",
        106_056_000,
        29_845_000,
        160,
        &[
            "龙城大道",
            "巴川路",
            "中兴路",
            "营盘路",
            "龙门街",
            "迎宾路",
            "玄天湖路",
            "金龙大道",
        ],
    ),
    t(
        "东城街道",
        "500151002",
        106_080_000,
        29_855_000,
        210,
        &[
            "白龙大道",
            "金砂路",
            "龙腾大道",
            "东环路",
            "兴业路",
            "科创路",
            "东城大道",
        ],
    ),
    t(
        "南城街道",
        "500151003",
        106_048_000,
        29_820_000,
        180,
        &["南门路", "南环路", "龙乡路", "迎祥路", "金川路", "工业大道"],
    ),
    t(
        "蒲吕街道",
        "500151004",
        106_125_000,
        29_785_000,
        170,
        &[
            "蒲吕大道",
            "龙吟路",
            "科兴路",
            "智造大道",
            "产业大道",
            "新能源路",
        ],
    ),
    t(
        "旧县街道",
        "500151005",
        105_985_000,
        29_805_000,
        55,
        &["旧县大道", "兴旧路", "云谷路", "工业园路"],
    ),
    t("土桥镇", "500151100", 105_975_000, 29_705_000, 25, &[]),
    t("二坪镇", "500151101", 106_030_000, 29_750_000, 15, &[]),
    t("水口镇", "500151102", 106_095_000, 29_715_000, 18, &[]),
    t("安居镇", "500151103", 105_970_000, 29_990_000, 22, &[]),
    t("白羊镇", "500151104", 105_915_000, 29_915_000, 10, &[]),
    t("平滩镇", "500151105", 105_850_000, 29_780_000, 10, &[]),
    t("石鱼镇", "500151106", 105_830_000, 29_845_000, 9, &[]),
    t("福果镇", "500151107", 105_890_000, 29_730_000, 10, &[]),
    t("维新镇", "500151108", 105_920_000, 29_645_000, 14, &[]),
    t("高楼镇", "500151109", 106_030_000, 29_610_000, 10, &[]),
    t("大庙镇", "500151110", 106_120_000, 29_640_000, 12, &[]),
    t("围龙镇", "500151111", 106_170_000, 29_730_000, 16, &[]),
    t("华兴镇", "500151112", 106_200_000, 29_795_000, 10, &[]),
    t("永嘉镇", "500151113", 106_235_000, 29_855_000, 12, &[]),
    t("安溪镇", "500151114", 106_150_000, 29_925_000, 16, &[]),
    t("西河镇", "500151115", 106_035_000, 29_965_000, 10, &[]),
    t("太平镇", "500151116", 106_110_000, 30_020_000, 14, &[]),
    t("虎峰镇", "500151117", 106_200_000, 29_955_000, 14, &[]),
    t("少云镇", "500151118", 106_010_000, 29_905_000, 10, &[]),
    t("侣俸镇", "500151119", 105_905_000, 30_050_000, 9, &[]),
    t("小林镇", "500151120", 106_235_000, 30_055_000, 8, &[]),
    t("双山镇", "500151121", 105_860_000, 29_950_000, 9, &[]),
    t("庆隆镇", "500151122", 106_245_000, 29_670_000, 8, &[]),
];

/// Index of a town by name.
pub(crate) fn town_index(name: &str) -> Option<usize> {
    TOWNS.iter().position(|t| t.name == name)
}

/// Villages for rural addresses.
const VILLAGES: &[&str] = &[
    "石龙", "新华", "长岭", "双桥", "白果", "高峰", "玉泉", "金鸡", "龙井", "桂花", "青杠", "黄桷",
];

/// A point near the town's centre: about 1.2 km spread in the streets, 0.6 km in
/// the towns, kept inside the district's extent.
pub(crate) fn scatter(rng: &mut Rng, town: &Town) -> Coordinates {
    let spread = if town.is_street() { 12_000.0 } else { 6_000.0 };
    let lon = town.lon + (rng.normal() * spread).round() as i64;
    let lat = town.lat + (rng.normal() * spread).round() as i64;
    let margin = 2_000;
    let lon = lon.clamp(BBOX.0 + margin, BBOX.1 - margin);
    let lat = lat.clamp(BBOX.2 + margin, BBOX.3 - margin);
    // Inside the town's own (demo) boundary, not only the district's extent.
    super::geo::inside(
        town,
        Coordinates {
            lon_micro: lon,
            lat_micro: lat,
        },
    )
}

/// A postal address in the town.
pub(crate) fn address(rng: &mut Rng, town: &Town) -> String {
    let prefix = format!("重庆市铜梁区{}", town.name);
    if !town.roads.is_empty() {
        let road = rng.pick(town.roads);
        let n = rng.between(1, 880);
        if rng.chance(0.15) {
            return format!("{prefix}{road}{n}号附{}号", rng.between(1, 30));
        }
        return format!("{prefix}{road}{n}号");
    }
    match rng.below(3) {
        0 => format!("{prefix}工业园区{}号", rng.between(1, 60)),
        1 => format!("{prefix}{}村{}组", rng.pick(VILLAGES), rng.between(1, 12)),
        _ => format!("{prefix}正街{}号", rng.between(1, 320)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_town_centre_lies_inside_the_district() {
        for t in &TOWNS {
            assert!((BBOX.0..=BBOX.1).contains(&t.lon), "{}", t.name);
            assert!((BBOX.2..=BBOX.3).contains(&t.lat), "{}", t.name);
        }
        let mut names: Vec<_> = TOWNS.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 28);
        assert_eq!(TOWNS.iter().filter(|t| t.is_street()).count(), 5);
    }

    #[test]
    fn scattered_points_stay_inside() {
        let mut rng = Rng::stream(7, "geo");
        for t in &TOWNS {
            for _ in 0..50 {
                let c = scatter(&mut rng, t);
                assert!((BBOX.0..=BBOX.1).contains(&c.lon_micro));
                assert!((BBOX.2..=BBOX.3).contains(&c.lat_micro));
            }
            assert!(address(&mut rng, t).starts_with("重庆市铜梁区"));
        }
    }
}
