//! The evaluation input: everything the tier rules read about one enterprise.
//!
//! A profile comes from the registry (filings, IP records, qualifications and the
//! enterprise's supplementary facts) or from a JSON file for a firm that is not in
//! it (`docs/ladder-profile.md`, `examples/profile.json`). Amounts are exact
//! decimals in 万元, headcounts are annual averages in 人 (may be fractional, §1.2),
//! and annual facts are keyed by accounting year (§9 "Periods"): each rule derives
//! its own window ("近一年" = the year before the evaluation year, "近三个会计年度",
//! "上年度", "近2年").
//!
//! Unknown is not "no": every fact the registry may not know is an `Option`, and a
//! rule that needs an unknown fact reports the condition as unknown (manual review),
//! never as met.

use crate::error::FieldError;
use crate::indicator::InstitutionLevel;
use crate::ip::{Acquisition, IpClass, IpType, LegalStatus};
use crate::qualification::QualificationKind;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One enterprise as the rules see it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Enterprise name.
    pub name: String,
    /// 统一社会信用代码, when known.
    #[serde(default)]
    pub credit_code: Option<String>,
    /// Registration (founding) date.
    #[serde(default)]
    pub registered_on: Option<NaiveDate>,
    /// Administrative division code (e.g. `500151`), selects region overrides.
    #[serde(default)]
    pub region: Option<String>,
    /// Annual facts by accounting year.
    #[serde(default)]
    pub years: BTreeMap<i32, YearFacts>,
    /// Intellectual-property items.
    #[serde(default)]
    pub ip: Vec<IpItem>,
    /// Qualifications held now or in the past.
    #[serde(default)]
    pub qualifications: Vec<HeldQualification>,
    /// S&T awards.
    #[serde(default)]
    pub awards: Vec<Award>,
    /// Recognised R&D institutions of the enterprise.
    #[serde(default)]
    pub institutions: Vec<Institution>,
    /// Standards the enterprise took part in drafting.
    #[serde(default)]
    pub standards: Vec<StandardDrafted>,
    /// New equity financing rounds.
    #[serde(default)]
    pub financing: Vec<EquityRound>,
    /// Declarations on compliance (§1.1 #8, §2.1 #1, #3, #4).
    #[serde(default)]
    pub compliance: Compliance,
    /// Market position and product field (§3).
    #[serde(default)]
    pub market: Market,
    /// Management, quality and digitalisation facts (§3.1 精细化, 小巨人 精).
    #[serde(default)]
    pub management: Management,
    /// Expert judgements (§1.3 a and c), when an assessor has given them; absent
    /// grades count as the whole band (0 to the maximum).
    #[serde(default)]
    pub expert: ExpertGrades,
    /// 专精特新发展评价得分 by year, as computed by the MIIT platform (§3.2 #6, #7).
    #[serde(default)]
    pub srdi_dev_score: BTreeMap<i32, u32>,
    /// 特色化 points under the province's local indicators (§3.1, 0–15), when the
    /// district has scored them.
    #[serde(default)]
    pub srdi_local_points: Option<u32>,
}

/// Facts of one accounting year. Amounts in 万元, headcounts in 人.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearFacts {
    /// 营业收入 (§6.3 #1).
    #[serde(default)]
    pub operating_revenue: Option<Decimal>,
    /// 销售收入 = 主营 + 其他业务收入 (§6.3 #2, §1.2).
    #[serde(default)]
    pub sales_revenue: Option<Decimal>,
    /// 主营业务收入 (§6.3 #3).
    #[serde(default)]
    pub main_revenue: Option<Decimal>,
    /// 高新技术产品(服务)收入 (§6.3 #4).
    #[serde(default)]
    pub high_tech_revenue: Option<Decimal>,
    /// 总收入 = 收入总额 − 不征税收入 (§6.3 #5).
    #[serde(default)]
    pub total_revenue: Option<Decimal>,
    /// 净利润 (§6.3 #7).
    #[serde(default)]
    pub net_profit: Option<Decimal>,
    /// 资产总额 at year end (§6.3 #11).
    #[serde(default)]
    pub total_assets: Option<Decimal>,
    /// 净资产 at year end (§6.3 #12); may be negative.
    #[serde(default)]
    pub net_assets: Option<Decimal>,
    /// 成本费用支出总额 (科小 §2.2 second R&D base).
    #[serde(default)]
    pub total_cost: Option<Decimal>,
    /// 职工总数, annual average (§6.3 #13).
    #[serde(default)]
    pub staff: Option<Decimal>,
    /// 科技人员数 (§6.3 #14), counting staff with ≥ 183 days (高企 caliber).
    #[serde(default)]
    pub st_staff: Option<Decimal>,
    /// 科技人员数 under the 科小 caliber (≥ 6 months); falls back to `st_staff`.
    #[serde(default)]
    pub st_staff_sme: Option<Decimal>,
    /// 研发人员数 (§6.3 #15).
    #[serde(default)]
    pub rd_staff: Option<Decimal>,
    /// 研发费用总额, 高企 caliber (§6.3 #17). When `rd_categories` is given the
    /// rules recompute it from the categories (委托 80 %, 其他 ≤ 20 %).
    #[serde(default)]
    pub rd_expense: Option<Decimal>,
    /// 研发费用, 加计扣除 caliber (科小 §2.4); falls back to `rd_expense`.
    #[serde(default)]
    pub rd_expense_deduction: Option<Decimal>,
    /// 境内研发费用 (§6.3 #18).
    #[serde(default)]
    pub rd_domestic: Option<Decimal>,
    /// The 8 高企 R&D cost categories (§1.2), when the 辅助账 is available.
    #[serde(default)]
    pub rd_categories: Option<RdCategories>,
    /// Distinct S&T results converted in the year (§1.3 b).
    #[serde(default)]
    pub conversions: Option<u32>,
}

/// The 8 R&D cost categories of the 高企 caliber (§1.2), in 万元, as spent.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdCategories {
    /// 1 人员人工.
    #[serde(default)]
    pub personnel: Decimal,
    /// 2 直接投入.
    #[serde(default)]
    pub direct_inputs: Decimal,
    /// 3 折旧与长期待摊.
    #[serde(default)]
    pub depreciation: Decimal,
    /// 4 无形资产摊销.
    #[serde(default)]
    pub amortisation: Decimal,
    /// 5 设计.
    #[serde(default)]
    pub design: Decimal,
    /// 6 装备调试与试验.
    #[serde(default)]
    pub equipment_trials: Decimal,
    /// 7 委托外部研发, the actual amount paid (counted at 80 %).
    #[serde(default)]
    pub commissioned: Decimal,
    /// of 7: the part commissioned abroad (excluded from 境内).
    #[serde(default)]
    pub commissioned_abroad: Decimal,
    /// 8 其他费用 (capped at 20 % of the total).
    #[serde(default)]
    pub other: Decimal,
}

/// One IP item as the rules see it (§1.2 "IP", §3.1, §9 "IP lifecycle").
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpItem {
    /// Type; the class follows.
    pub ip_type: IpType,
    /// Grant date; required when the item is valid.
    #[serde(default)]
    pub granted_on: Option<NaiveDate>,
    /// Legal status.
    pub status: LegalStatus,
    /// How it was obtained.
    pub acquisition: Acquisition,
    /// When a transferred item was acquired (the 1-year rule of §3.1).
    #[serde(default)]
    pub acquired_on: Option<NaiveDate>,
    /// Already used in a 高企 application (a Ⅱ类 item counts once, §1.2).
    #[serde(default)]
    pub used_in_hte: bool,
    /// Ⅰ类高价值 (§3.1: patent family abroad, maintained > 10 years, pledged, prize).
    #[serde(default)]
    pub high_value: bool,
    /// Related to the main / lead product (assumed unless said otherwise).
    #[serde(default = "yes")]
    pub related_to_main_product: bool,
    /// Actually applied with economic benefit (专精特新 2026, 小巨人); unknown if absent.
    #[serde(default)]
    pub applied: Option<bool>,
    /// The enterprise's rank among the rights holders (小巨人 2026: top 3).
    #[serde(default)]
    pub holder_rank: Option<u32>,
}

fn yes() -> bool {
    true
}

impl IpItem {
    /// Ⅰ or Ⅱ.
    pub fn class(&self) -> IpClass {
        self.ip_type.class()
    }

    /// In force on `day`: valid status and granted on or before it.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.status == LegalStatus::Valid && self.granted_on.is_some_and(|g| g <= day)
    }
}

/// A qualification the enterprise holds or held.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldQualification {
    /// Which tier.
    pub kind: QualificationKind,
    /// Recognised on.
    pub recognized_on: NaiveDate,
    /// Valid until (inclusive); open-ended when absent.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

impl HeldQualification {
    /// Valid on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.recognized_on <= day && self.valid_until.is_none_or(|u| day <= u)
    }
}

/// Level of an award or a standard.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AwardLevel {
    /// 省级 (including 直辖市) or 部级.
    Provincial,
    /// 国家级.
    National,
}

/// An S&T award (§2.3 #2, §3.1 direct conditions).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// National or provincial.
    pub level: AwardLevel,
    /// Year awarded.
    pub year: i32,
    /// The enterprise's rank among the award-winning units (1 = first).
    pub rank: u32,
    /// Name, e.g. 国家科学技术进步奖二等奖, 中国专利奖.
    #[serde(default)]
    pub name: Option<String>,
}

/// A recognised R&D institution (§2.3 #3, §3.1 研发机构级别).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Institution {
    /// Level: 国家级, 省级 (省部级), 市级, 市级以下.
    pub level: InstitutionLevelInput,
    /// Kind: 重点实验室, 工程技术研究中心, 企业技术中心 …
    #[serde(default)]
    pub kind: Option<String>,
    /// Own or joint (小巨人 新 #2 accepts both).
    #[serde(default)]
    pub joint: bool,
}

/// [`InstitutionLevel`] as written in a profile.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionLevelInput {
    /// 市级以下.
    BelowMunicipal,
    /// 市级.
    Municipal,
    /// 省级 / 省部级.
    Provincial,
    /// 国家级.
    National,
}

impl InstitutionLevelInput {
    /// The registry's level.
    pub fn level(self) -> InstitutionLevel {
        match self {
            Self::BelowMunicipal => InstitutionLevel::BelowMunicipal,
            Self::Municipal => InstitutionLevel::Municipal,
            Self::Provincial => InstitutionLevel::Provincial,
            Self::National => InstitutionLevel::National,
        }
    }

    /// From the registry's level (`None` for 无).
    pub fn from_level(l: InstitutionLevel) -> Option<Self> {
        Some(match l {
            InstitutionLevel::None => return None,
            InstitutionLevel::BelowMunicipal => Self::BelowMunicipal,
            InstitutionLevel::Municipal => Self::Municipal,
            InstitutionLevel::Provincial => Self::Provincial,
            InstitutionLevel::National => Self::National,
        })
    }
}

/// Level of a standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandardLevel {
    /// 国际标准.
    International,
    /// 国家标准.
    National,
    /// 行业标准.
    Industry,
    /// 地方标准.
    Local,
    /// 团体标准.
    Group,
}

/// A standard the enterprise took part in drafting (§2.3 #4: 主导 = top 5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardDrafted {
    /// Level.
    pub level: StandardLevel,
    /// Year issued.
    pub year: i32,
    /// The enterprise's rank among the drafting units.
    pub rank: u32,
}

/// A round of new equity financing (§3.1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EquityRound {
    /// Paid-in date.
    pub date: NaiveDate,
    /// Amount in 万元.
    pub amount: Decimal,
    /// Paid in by a qualified institutional investor.
    #[serde(default = "yes")]
    pub qualified_investor: bool,
}

/// Declarations the rules need and the registry cannot compute. `None` = not
/// declared, which makes the condition unknown (manual review).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compliance {
    /// Resident enterprise registered in mainland China (§2.1 #1).
    #[serde(default)]
    pub mainland_resident: Option<bool>,
    /// Products not in the 禁止、限制、淘汰 categories (§2.1 #3).
    #[serde(default)]
    pub not_restricted_industry: Option<bool>,
    /// No major safety/quality accident or serious environmental violation in the
    /// relevant window (§1.1 #8, §2.1 #4).
    #[serde(default)]
    pub no_major_incident: Option<bool>,
    /// No serious research-integrity violation; not on 经营异常名录 or 严重违法失信名单 (§2.1 #4).
    #[serde(default)]
    pub good_standing: Option<bool>,
    /// The core technology lies in the 8 国家重点支持的高新技术领域 (§1.1 #3); the
    /// field name when known.
    #[serde(default)]
    pub hte_field: Option<String>,
}

/// Lead product field classes (§3.1 主导产品所属领域, 小巨人 链/品).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductField {
    /// 补短板 / 锻长板 / 填空白 with real results.
    ChainKeyLink,
    /// 工业"六基", 中华老字号, or serving a key chain's leading firm.
    Foundation,
    /// Other.
    Other,
}

/// Market position (§3).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Year the enterprise entered its niche market.
    #[serde(default)]
    pub niche_since: Option<i32>,
    /// National niche-market share in percent.
    #[serde(default)]
    pub niche_share_pct: Option<Decimal>,
    /// Ranked in the top 3 nationally in its niche.
    #[serde(default)]
    pub niche_top3: Option<bool>,
    /// Lead product in 《战略性新兴产业分类》 (创新型 专业化).
    #[serde(default)]
    pub strategic_emerging: Option<bool>,
    /// Lead product field class.
    #[serde(default)]
    pub product_field: Option<ProductField>,
    /// Lead products in the 小巨人 品 areas (核心基础零部件, 关键软件 …).
    #[serde(default)]
    pub key_area_product: Option<bool>,
    /// Lead product's market share "较为靠前" (专精特新 2026 #5: expert judgement).
    #[serde(default)]
    pub share_leading: Option<bool>,
    /// In the 创客中国 national top 500 (or top 50) within the last 3 years.
    #[serde(default)]
    pub makers_china_rank: Option<u32>,
    /// Year of the 创客中国 placement.
    #[serde(default)]
    pub makers_china_year: Option<i32>,
    /// Holds 国家级技术创新示范企业 or 知识产权优势/示范企业 (创新型 direct #2).
    #[serde(default)]
    pub other_titles: bool,
}

/// Management facts (§3.1 精细化, 小巨人 精/特).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Management {
    /// 数字化水平 level (1–4+).
    #[serde(default)]
    pub digital_level: Option<u32>,
    /// A provincial-or-higher quality award.
    #[serde(default)]
    pub quality_award: Option<bool>,
    /// ISO 9001 or similar management-system certification.
    #[serde(default)]
    pub quality_certification: Option<bool>,
    /// Own brand.
    #[serde(default)]
    pub own_brand: Option<bool>,
    /// At least one core business supported by an information system.
    #[serde(default)]
    pub info_system: Option<bool>,
}

/// A grade an expert gives within a band: an integer range of points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsRange {
    /// Lowest points.
    pub min: u32,
    /// Highest points.
    pub max: u32,
}

/// Expert judgements for 高企 (§1.3). A letter grade maps to its band's range;
/// absent grades count as the whole scale.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpertGrades {
    /// 技术的先进程度: A–E.
    #[serde(default)]
    pub hte_advancement: Option<char>,
    /// 对主要产品(服务)在技术上发挥核心支持作用: A–E.
    #[serde(default)]
    pub hte_core_support: Option<char>,
    /// 研究开发组织管理水平 (0–20), as a range.
    #[serde(default)]
    pub hte_rd_management: Option<PointsRange>,
    /// 成果转化 quality within its band (otherwise the whole band).
    #[serde(default)]
    pub hte_conversion: Option<PointsRange>,
}

impl Profile {
    /// Facts of one year, if recorded.
    pub fn year(&self, y: i32) -> Option<&YearFacts> {
        self.years.get(&y)
    }

    /// Whether `kind` is held and valid on `day`.
    pub fn holds(&self, kind: QualificationKind, day: NaiveDate) -> bool {
        self.qualifications
            .iter()
            .any(|q| q.kind == kind && q.valid_on(day))
    }

    /// Whole years of operation at `day` (0 before the first anniversary).
    pub fn years_operating(&self, day: NaiveDate) -> Option<i32> {
        let r = self.registered_on?;
        let mut y = day.year() - r.year();
        if (day.month(), day.day()) < (r.month(), r.day()) {
            y -= 1;
        }
        Some(y.max(0))
    }

    /// Checks the profile for values no rule may silently use: negative amounts
    /// where they cannot be negative, parts larger than their whole (ratios over
    /// 100 %), valid IP without a grant date, impossible dates. Each problem is
    /// one error naming its field path (`years.2025.sales_revenue`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        if self.name.trim().is_empty() {
            errs.push(FieldError::new("name", "required"));
        }
        for (y, f) in &self.years {
            if !(1949..=2100).contains(y) {
                errs.push(FieldError::new(format!("years.{y}"), "year_out_of_range"));
            }
            let p = |k: &str| format!("years.{y}.{k}");
            let non_neg: [(&str, Option<Decimal>); 14] = [
                ("operating_revenue", f.operating_revenue),
                ("sales_revenue", f.sales_revenue),
                ("main_revenue", f.main_revenue),
                ("high_tech_revenue", f.high_tech_revenue),
                ("total_revenue", f.total_revenue),
                ("total_assets", f.total_assets),
                ("total_cost", f.total_cost),
                ("staff", f.staff),
                ("st_staff", f.st_staff),
                ("st_staff_sme", f.st_staff_sme),
                ("rd_staff", f.rd_staff),
                ("rd_expense", f.rd_expense),
                ("rd_expense_deduction", f.rd_expense_deduction),
                ("rd_domestic", f.rd_domestic),
            ];
            for (k, v) in non_neg {
                if let Some(v) = v
                    && v.is_sign_negative()
                    && !v.is_zero()
                {
                    errs.push(FieldError::new(p(k), "value_negative").with("value", v));
                }
            }
            // Parts no larger than their whole (a ratio over 100 % is a typing error).
            let parts: [(&str, Option<Decimal>, &str, Option<Decimal>); 6] = [
                (
                    "high_tech_revenue",
                    f.high_tech_revenue,
                    "total_revenue",
                    f.total_revenue,
                ),
                (
                    "main_revenue",
                    f.main_revenue,
                    "operating_revenue",
                    f.operating_revenue,
                ),
                ("st_staff", f.st_staff, "staff", f.staff),
                ("st_staff_sme", f.st_staff_sme, "staff", f.staff),
                ("rd_staff", f.rd_staff, "staff", f.staff),
                ("rd_domestic", f.rd_domestic, "rd_expense", f.rd_expense),
            ];
            for (k, part, wk, whole) in parts {
                if let (Some(a), Some(b)) = (part, whole)
                    && a > b
                {
                    errs.push(
                        FieldError::new(p(k), "exceeds_whole")
                            .with("whole", wk)
                            .with("value", a)
                            .with("whole_value", b),
                    );
                }
            }
            if let (Some(na), Some(ta)) = (f.net_assets, f.total_assets)
                && na > ta
            {
                errs.push(
                    FieldError::new(p("net_assets"), "exceeds_whole")
                        .with("whole", "total_assets")
                        .with("value", na)
                        .with("whole_value", ta),
                );
            }
            if let Some(c) = &f.rd_categories {
                let all = [
                    ("personnel", c.personnel),
                    ("direct_inputs", c.direct_inputs),
                    ("depreciation", c.depreciation),
                    ("amortisation", c.amortisation),
                    ("design", c.design),
                    ("equipment_trials", c.equipment_trials),
                    ("commissioned", c.commissioned),
                    ("commissioned_abroad", c.commissioned_abroad),
                    ("other", c.other),
                ];
                for (k, v) in all {
                    if v.is_sign_negative() && !v.is_zero() {
                        errs.push(
                            FieldError::new(p(&format!("rd_categories.{k}")), "value_negative")
                                .with("value", v),
                        );
                    }
                }
                if c.commissioned_abroad > c.commissioned {
                    errs.push(
                        FieldError::new(p("rd_categories.commissioned_abroad"), "exceeds_whole")
                            .with("whole", "commissioned")
                            .with("value", c.commissioned_abroad)
                            .with("whole_value", c.commissioned),
                    );
                }
            }
        }
        for (i, item) in self.ip.iter().enumerate() {
            if item.status == LegalStatus::Valid && item.granted_on.is_none() {
                errs.push(FieldError::new(
                    format!("ip.{i}.granted_on"),
                    "required_when_valid",
                ));
            }
            if item.acquisition != Acquisition::OwnRnd
                && item.status == LegalStatus::Valid
                && item.acquired_on.is_none()
            {
                errs.push(FieldError::new(
                    format!("ip.{i}.acquired_on"),
                    "required_when_acquired",
                ));
            }
        }
        for (i, q) in self.qualifications.iter().enumerate() {
            if q.valid_until.is_some_and(|u| u < q.recognized_on) {
                errs.push(FieldError::new(
                    format!("qualifications.{i}.valid_until"),
                    "ends_before_start",
                ));
            }
        }
        for (i, r) in self.financing.iter().enumerate() {
            if r.amount.is_sign_negative() && !r.amount.is_zero() {
                errs.push(
                    FieldError::new(format!("financing.{i}.amount"), "value_negative")
                        .with("value", r.amount),
                );
            }
        }
        for (i, a) in self.awards.iter().enumerate() {
            if a.rank == 0 {
                errs.push(FieldError::new(format!("awards.{i}.rank"), "rank_zero"));
            }
        }
        for (i, s) in self.standards.iter().enumerate() {
            if s.rank == 0 {
                errs.push(FieldError::new(format!("standards.{i}.rank"), "rank_zero"));
            }
        }
        for (y, s) in &self.srdi_dev_score {
            if *s > 100 {
                errs.push(FieldError::new(
                    format!("srdi_dev_score.{y}"),
                    "score_over_100",
                ));
            }
        }
        if self.srdi_local_points.is_some_and(|p| p > 15) {
            errs.push(FieldError::new("srdi_local_points", "local_points_over_15"));
        }
        if let Some(m) = self.management.digital_level
            && m > 6
        {
            errs.push(
                FieldError::new("management.digital_level", "level_invalid").with("value", m),
            );
        }
        for (k, g) in [
            ("expert.hte_advancement", self.expert.hte_advancement),
            ("expert.hte_core_support", self.expert.hte_core_support),
        ] {
            if let Some(c) = g
                && !('A'..='E').contains(&c)
            {
                errs.push(FieldError::new(k, "grade_invalid").with("value", c));
            }
        }
        for (k, r, max) in [
            (
                "expert.hte_rd_management",
                self.expert.hte_rd_management,
                20,
            ),
            ("expert.hte_conversion", self.expert.hte_conversion, 30),
        ] {
            if r.is_some_and(|r| r.min > r.max || r.max > max) {
                errs.push(FieldError::new(k, "range_invalid").with("max", max));
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }
}
