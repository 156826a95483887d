//! The rule packs: ids, effective dates, region settings, and which pack is in
//! force for a tier on a date (§0.1, §9 "Version everything").

use crate::error::FieldError;
use crate::qualification::QualificationKind;
use chrono::NaiveDate;

/// A versioned rule pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PackId {
    /// 《科技型中小企业评价办法》 国科发政〔2017〕115号 (§2).
    Sme2017,
    /// 《高新技术企业认定管理办法》 国科发火〔2016〕32号 and 指引 〔2016〕195号 (§1).
    Hte2016,
    /// 《优质中小企业梯度培育管理暂行办法》 工信部企业〔2022〕63号 (§3.1).
    Srdi2022,
    /// 《优质中小企业梯度培育管理办法》 工信部企业〔2026〕2号 (§3.2).
    Srdi2026,
}

impl PackId {
    /// Every pack.
    pub const ALL: [Self; 4] = [Self::Sme2017, Self::Hte2016, Self::Srdi2022, Self::Srdi2026];

    /// Stable id, e.g. `HTE-2016`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Sme2017 => "SME-2017",
            Self::Hte2016 => "HTE-2016",
            Self::Srdi2022 => "SRDI-2022-63",
            Self::Srdi2026 => "SRDI-2026-2",
        }
    }

    /// From its id (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.code().eq_ignore_ascii_case(s.trim()))
    }

    /// The document, zh-CN.
    pub fn document(self) -> &'static str {
        match self {
            Self::Sme2017 => "《科技型中小企业评价办法》（国科发政〔2017〕115号）",
            Self::Hte2016 => {
                "《高新技术企业认定管理办法》（国科发火〔2016〕32号）及工作指引（国科发火〔2016〕195号）"
            }
            Self::Srdi2022 => "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）",
            Self::Srdi2026 => "《优质中小企业梯度培育管理办法》（工信部企业〔2026〕2号）",
        }
    }

    /// First day in force.
    pub fn effective_from(self) -> NaiveDate {
        let (y, m, d) = match self {
            // §2: issued 2017-05-03.
            Self::Sme2017 => (2017, 5, 3),
            // §1: effective 2016-01-01.
            Self::Hte2016 => (2016, 1, 1),
            // §3.1: 63号 issued 2022-06-01 [M: the exact start date is not in our sources].
            Self::Srdi2022 => (2022, 6, 1),
            // §0.1 #2, §3.2: took effect 2026-04-01.
            Self::Srdi2026 => (2026, 4, 1),
        };
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// Last day in force (`None` = still in force). 63号's recognition standards
    /// are replaced by 2号 from 2026-04-01 (§0.1 #2), though reviews may still ask
    /// for them explicitly.
    pub fn effective_to(self) -> Option<NaiveDate> {
        match self {
            Self::Srdi2022 => NaiveDate::from_ymd_opt(2026, 3, 31),
            _ => None,
        }
    }

    /// Whether the pack is in force on `day`.
    pub fn in_force_on(self, day: NaiveDate) -> bool {
        self.effective_from() <= day && self.effective_to().is_none_or(|t| day <= t)
    }

    /// The tiers the pack decides.
    pub fn tiers(self) -> &'static [QualificationKind] {
        use QualificationKind as Q;
        match self {
            Self::Sme2017 => &[Q::TechSme],
            Self::Hte2016 => &[Q::HighTech],
            Self::Srdi2022 => &[Q::InnovativeSme, Q::Srdi, Q::LittleGiant],
            // 第三十条: 创新型 keeps the 63号 附件1 rules until the merged standard.
            Self::Srdi2026 => &[
                Q::TechInnovativeSme,
                Q::InnovativeSme,
                Q::Srdi,
                Q::LittleGiant,
            ],
        }
    }

    /// The pack in force for `tier` on `day`.
    pub fn in_force(tier: QualificationKind, day: NaiveDate) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.tiers().contains(&tier) && p.in_force_on(day))
    }
}

impl serde::Serialize for PackId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for PackId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown rule pack {s}")))
    }
}

impl std::fmt::Display for PackId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Settings a region may override (configuration `[ladder]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// 高企 成长性 band D lower bound: `true` = "≥ 5%" (指引 body text), `false` =
    /// "＞5%" (附件4 财务专家评价表). §1.3 (d) ⚠: configurable, warned at exactly 5 %.
    pub hte_growth_d_inclusive: bool,
    /// 高企 annual report due (month, day) for the previous year (§1.4 #7).
    pub hte_report_due: (u32, u32),
    /// 科小 annual update due (§2.5 #5).
    pub sme_update_due: (u32, u32),
    /// 创新型 annual update due (§3.2 "Other lifecycle": Guangdong 30 April).
    pub innovative_update_due: (u32, u32),
    /// 专精特新 annual update due (§3.2 "Other lifecycle": 31 May).
    pub srdi_update_due: (u32, u32),
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            hte_growth_d_inclusive: true,
            hte_report_due: (5, 31),
            sme_update_due: (3, 31),
            innovative_update_due: (4, 30),
            srdi_update_due: (5, 31),
        }
    }
}

/// Settings for the divisions whose code starts with `region_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionOverride {
    /// Division-code prefix, e.g. `44` (Guangdong) or `500151`.
    pub region_prefix: String,
    /// The settings there.
    pub settings: Settings,
}

/// The default settings and the region overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuleConfig {
    /// Defaults.
    pub defaults: Settings,
    /// Overrides; the longest matching prefix wins.
    pub regions: Vec<RegionOverride>,
}

impl RuleConfig {
    /// The settings for a region code.
    pub fn settings_for(&self, region: Option<&str>) -> &Settings {
        let Some(region) = region else {
            return &self.defaults;
        };
        self.regions
            .iter()
            .filter(|r| region.starts_with(&r.region_prefix))
            .max_by_key(|r| r.region_prefix.len())
            .map_or(&self.defaults, |r| &r.settings)
    }
}

/// What an evaluation runs against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The evaluation (application) date.
    pub as_of: NaiveDate,
    /// The region's settings.
    pub settings: Settings,
}

impl Context {
    /// A context with default settings.
    pub fn on(as_of: NaiveDate) -> Self {
        Self {
            as_of,
            settings: Settings::default(),
        }
    }
}

/// Refuses a date before a pack's first day (a later date is a review under
/// old standards and allowed).
pub fn check_date(pack: PackId, day: NaiveDate) -> Result<(), FieldError> {
    if day < pack.effective_from() {
        return Err(FieldError::new("date", "before_pack_in_force")
            .with("pack", pack.code())
            .with("effective_from", pack.effective_from()));
    }
    Ok(())
}
