//! The 24 innovation indicators (rules/policy-rules.md §6.3), defined once.
//!
//! Each indicator has a stable code (also its database column), its number in
//! §6.3, the Chinese name used as a spreadsheet header ("up to the first space or
//! slash" of the §6.3 name), a unit, how it accumulates over a period, and its sign
//! rule. Five supplementary items complete the "of which" parts of §6.3 rows 16, 18,
//! 21 and 22 and the 成本费用支出总额 that 科技型中小企业 scoring (§2.2) and the
//! "R&D ≤ total cost" check need.
//!
//! Values are exact integers in the unit's minor unit: fen for 万元 and US cents for
//! 万美元 (1,000,000 per unit), hundredths of a person for the annual-average
//! headcounts, whole items otherwise.

mod check;
mod derived;

pub use check::check;
pub use derived::{Derived, derived, yoy_pct};

use crate::error::FieldError;
use crate::money::{NumberError, format_scaled, parse_scaled};
use crate::text::fold;

/// The unit a value is entered and shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 万元, stored in fen.
    WanYuan,
    /// 万美元, stored in US cents.
    WanUsd,
    /// 人.
    Person,
    /// 件 (IP items, applications).
    Piece,
    /// 项 (results, projects).
    Item,
    /// An enumerated level ([`InstitutionLevel`]).
    Level,
}

impl Unit {
    /// The zh-CN unit label.
    pub fn zh(self) -> &'static str {
        match self {
            Unit::WanYuan => "万元",
            Unit::WanUsd => "万美元",
            Unit::Person => "人",
            Unit::Piece => "件",
            Unit::Item => "项",
            Unit::Level => "级",
        }
    }

    /// Whether the unit is money.
    pub fn is_money(self) -> bool {
        matches!(self, Unit::WanYuan | Unit::WanUsd)
    }
}

/// How a value relates to its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Accumulated from 1 January to the period end (revenue, R&D expense).
    Flow,
    /// The state at the period end (assets, valid IP, institution level).
    Stock,
    /// An average over the months elapsed (headcounts, §1.2 counting method).
    Average,
}

/// Which values a field may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// Zero or more.
    NonNegative,
    /// Any sign (profit, net assets, net new jobs).
    Any,
}

/// One indicator definition.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Indicator {
    /// Position in [`ALL`], also the index into filing values.
    pub index: usize,
    /// Stable code; the database column and the JSON key.
    pub code: &'static str,
    /// The number in §6.3 (1–24); `None` for supplementary items.
    pub no: Option<u8>,
    /// The header name (the §6.3 name up to its first space or slash).
    pub name: &'static str,
    /// The full §6.3 name.
    pub full_name: &'static str,
    /// Other header spellings accepted on import.
    #[serde(skip)]
    pub aliases: &'static [&'static str],
    /// Unit of entry and display.
    pub unit: Unit,
    /// Decimal places accepted on entry (6 for 万元 is exact to the fen).
    pub decimals: u32,
    /// How the value accumulates.
    pub period_kind: PeriodKind,
    /// Sign rule.
    pub sign: Sign,
    /// For "of which" items, the code of the whole they are part of.
    pub part_of: Option<&'static str>,
    /// The §6.3 definition, zh-CN.
    pub definition: &'static str,
}

impl Indicator {
    /// Whether this is one of the 24 indicators (not a supplementary item).
    pub fn is_core(&self) -> bool {
        self.no.is_some()
    }

    /// Header with unit, as the export template writes it: `研发费用总额(万元)`.
    pub fn header(&self) -> String {
        match self.unit {
            Unit::Level => self.name.to_string(),
            u => format!("{}({})", self.name, u.zh()),
        }
    }

    /// Parses a value typed in the indicator's unit into its stored integer.
    /// Errors with codes `number_invalid`, `number_too_precise`, `number_out_of_range`,
    /// `level_invalid`, `value_negative`, reported against the indicator code.
    pub fn parse_value(&self, input: &str) -> Result<i64, FieldError> {
        if self.unit == Unit::Level {
            return InstitutionLevel::parse(input)
                .map(|l| l as i64)
                .ok_or_else(|| {
                    FieldError::new(self.code, "level_invalid").with("value", input.trim())
                });
        }
        let v = parse_scaled(input, self.decimals).map_err(|e| {
            let code = match e {
                NumberError::NotANumber => "number_invalid",
                NumberError::TooPrecise { .. } => "number_too_precise",
                NumberError::OutOfRange => "number_out_of_range",
            };
            FieldError::new(self.code, code)
                .with("value", input.trim())
                .with("max_decimals", self.decimals)
        })?;
        if v.unsigned_abs() > MAX_ABS_STORED as u64 {
            return Err(
                FieldError::new(self.code, "number_out_of_range").with("value", input.trim())
            );
        }
        if self.sign == Sign::NonNegative && v < 0 {
            return Err(FieldError::new(self.code, "value_negative").with("value", input.trim()));
        }
        Ok(v)
    }

    /// Formats a stored integer in the indicator's unit, exactly (`1234.5`, `36.25`),
    /// or the level's zh-CN name.
    pub fn format_value(&self, v: i64) -> String {
        match self.unit {
            Unit::Level => {
                InstitutionLevel::from_i64(v).map_or_else(|| v.to_string(), |l| l.zh().to_string())
            }
            _ => format_scaled(v, self.decimals, 0),
        }
    }

    /// The stored integer as an exact decimal in the indicator's unit.
    pub fn to_decimal(&self, v: i64) -> rust_decimal::Decimal {
        rust_decimal::Decimal::new(v, self.decimals).normalize()
    }
}

/// Values beyond ±10^17 minor units (10^11 亿元) are refused as typing errors and
/// keep every column sum far inside `i64`.
pub const MAX_ABS_STORED: i64 = 100_000_000_000_000_000;

/// 研发机构级别 (§6.3 #23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionLevel {
    /// 无.
    None = 0,
    /// 市级以下 (区县级).
    BelowMunicipal = 1,
    /// 市级.
    Municipal = 2,
    /// 省级 (including 直辖市 level).
    Provincial = 3,
    /// 国家级.
    National = 4,
}

impl InstitutionLevel {
    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Self::None => "无",
            Self::BelowMunicipal => "市级以下",
            Self::Municipal => "市级",
            Self::Provincial => "省级",
            Self::National => "国家级",
        }
    }

    /// From the stored integer.
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            0 => Self::None,
            1 => Self::BelowMunicipal,
            2 => Self::Municipal,
            3 => Self::Provincial,
            4 => Self::National,
            _ => return None,
        })
    }

    /// Parses a level name or its number 0–4.
    pub fn parse(input: &str) -> Option<Self> {
        let s = fold(input);
        Some(match s.as_str() {
            "0" | "无" | "没有" | "-" | "NONE" => Self::None,
            "1" | "市级以下" | "区级" | "区县级" | "县级" => Self::BelowMunicipal,
            "2" | "市级" | "地市级" => Self::Municipal,
            "3" | "省级" | "省部级" | "直辖市级" => Self::Provincial,
            "4" | "国家级" => Self::National,
            _ => return None,
        })
    }
}

macro_rules! indicators {
    ($( $idx:literal => { $code:literal, $no:expr, $name:literal, $full:literal, [$($alias:literal),*], $unit:ident, $dec:literal, $kind:ident, $sign:ident, $part:expr, $def:literal } ),* $(,)?) => {
        /// Every indicator, the 24 first in §6.3 order, then the supplementary items.
        pub static ALL: &[Indicator] = &[
            $( Indicator {
                index: $idx, code: $code, no: $no, name: $name, full_name: $full,
                aliases: &[$($alias),*], unit: Unit::$unit, decimals: $dec,
                period_kind: PeriodKind::$kind, sign: Sign::$sign, part_of: $part, definition: $def,
            } ),*
        ];
    };
}

indicators! {
    0 => { "operating_revenue", Some(1), "营业收入", "营业收入", [], WanYuan, 6, Flow, NonNegative, None, "利润表营业收入" },
    1 => { "sales_revenue", Some(2), "销售收入", "销售收入", [], WanYuan, 6, Flow, NonNegative, None, "主营业务收入与其他业务收入之和（企业所得税年度纳税申报表口径）" },
    2 => { "main_business_revenue", Some(3), "主营业务收入", "主营业务收入", [], WanYuan, 6, Flow, NonNegative, None, "主营业务取得的收入" },
    3 => { "high_tech_revenue", Some(4), "高新技术产品(服务)收入", "高新技术产品(服务)收入", ["高新技术产品收入", "高新收入"], WanYuan, 6, Flow, NonNegative, None, "通过研发和技术创新取得的产品(服务)收入与技术性收入之和" },
    4 => { "total_income", Some(5), "总收入", "总收入", ["收入总额"], WanYuan, 6, Flow, NonNegative, None, "收入总额减去不征税收入" },
    5 => { "total_profit", Some(6), "利润总额", "利润总额", [], WanYuan, 6, Flow, Any, None, "利润总额" },
    6 => { "net_profit", Some(7), "净利润", "净利润", [], WanYuan, 6, Flow, Any, None, "净利润" },
    7 => { "taxes_paid", Some(8), "纳税总额", "纳税总额 (实际上缴税费)", ["实际上缴税费", "纳税总额(实际上缴税费)"], WanYuan, 6, Flow, NonNegative, None, "当年实际上缴的各项税费" },
    8 => { "tax_relief", Some(9), "享受税收减免额", "享受税收减免额", ["税收减免额"], WanYuan, 6, Flow, NonNegative, None, "高企所得税减免与研发费用加计扣除减免之和" },
    9 => { "export_earnings", Some(10), "出口创汇总额", "出口创汇总额", ["出口创汇"], WanUsd, 6, Flow, NonNegative, None, "出口创汇总额" },
    10 => { "total_assets", Some(11), "资产总额", "资产总额", [], WanYuan, 6, Stock, NonNegative, None, "期末资产总额" },
    11 => { "net_assets", Some(12), "净资产", "净资产", ["所有者权益"], WanYuan, 6, Stock, Any, None, "期末资产总额减负债总额" },
    12 => { "employees", Some(13), "职工总数", "职工总数", ["从业人员", "年末从业人员"], Person, 2, Average, NonNegative, None, "全年月平均数（含在职、兼职和临时聘用人员）" },
    13 => { "st_staff", Some(14), "科技人员数", "科技人员数", ["科技人员"], Person, 2, Average, NonNegative, None, "从事研发和相关技术创新活动、累计实际工作时间达到规定天数的人员" },
    14 => { "rd_staff", Some(15), "研发人员数", "研发人员数", ["研发人员", "R&D人员"], Person, 2, Average, NonNegative, None, "研发人员（统计口径）" },
    15 => { "new_jobs", Some(16), "新增就业人数", "新增就业人数 (其中应届高校毕业生)", [], Person, 0, Flow, Any, None, "当年净增就业人数" },
    16 => { "rd_expense", Some(17), "研发费用总额", "研发费用总额", ["研发投入", "研究开发费用额", "研发费用"], WanYuan, 6, Flow, NonNegative, None, "高企口径研发费用（八类，委托外部按80%计）" },
    17 => { "rd_domestic", Some(18), "境内研发费用", "境内研发费用 / 基础研究投入", ["境内研发费用额"], WanYuan, 6, Flow, NonNegative, Some("rd_expense"), "企业内部研发费用与委托境内研发费用之和" },
    18 => { "ip_class1", Some(19), "有效Ⅰ类知识产权数", "有效Ⅰ类知识产权数", ["有效I类知识产权数", "有效1类知识产权数", "有效一类知识产权数", "Ⅰ类知识产权数"], Piece, 0, Stock, NonNegative, None, "有效的发明专利、集成电路布图设计、新药、植物新品种等" },
    19 => { "ip_class2", Some(20), "有效Ⅱ类知识产权数", "有效Ⅱ类知识产权数", ["有效II类知识产权数", "有效2类知识产权数", "有效二类知识产权数", "Ⅱ类知识产权数"], Piece, 0, Stock, NonNegative, None, "有效的实用新型、外观设计、软件著作权" },
    20 => { "patent_applications", Some(21), "当年专利申请数", "当年专利申请数 (其中发明)", ["专利申请数"], Piece, 0, Flow, NonNegative, None, "当年提交的专利申请" },
    21 => { "tech_contract_amount", Some(22), "技术合同成交额", "技术合同成交额 / 技术交易额 (卖方)", ["技术合同成交金额"], WanYuan, 6, Flow, NonNegative, None, "作为卖方登记的技术合同成交额" },
    22 => { "rd_institution_level", Some(23), "研发机构级别", "研发机构级别", ["研发机构等级"], Level, 0, Stock, NonNegative, None, "无 / 市级以下 / 市级 / 省级 / 国家级" },
    23 => { "conversions", Some(24), "科技成果转化数", "科技成果转化数 (近3年年均)", ["成果转化数"], Item, 2, Stock, NonNegative, None, "近三年年均转化的科技成果数（去重）" },
    24 => { "new_jobs_graduates", None, "其中应届高校毕业生", "新增就业人数中吸纳高校应届毕业生", ["应届高校毕业生", "吸纳高校应届毕业生", "应届毕业生"], Person, 0, Flow, NonNegative, Some("new_jobs"), "新增就业人数中的高校应届毕业生" },
    25 => { "rd_basic", None, "基础研究投入", "基础研究投入费用总额", ["基础研究投入费用总额", "基础研究投入费用"], WanYuan, 6, Flow, NonNegative, Some("rd_expense"), "研发费用中的基础研究投入" },
    26 => { "invention_applications", None, "其中发明专利申请数", "当年发明专利申请数", ["发明专利申请数", "当年发明专利申请数"], Piece, 0, Flow, NonNegative, Some("patent_applications"), "当年专利申请中的发明专利申请" },
    27 => { "tech_transaction_amount", None, "技术交易额", "技术交易额 (卖方)", ["技术合同交易额"], WanYuan, 6, Flow, NonNegative, Some("tech_contract_amount"), "技术合同成交额中的技术交易额（§4.3）" },
    28 => { "total_cost", None, "成本费用支出总额", "成本费用支出总额", ["成本费用总额", "成本费用"], WanYuan, 6, Flow, NonNegative, None, "营业成本与期间费用等成本费用支出合计（科技型中小企业评价口径）" },
}

/// Number of indicator slots in a filing.
pub const COUNT: usize = 29;

/// Looks an indicator up by code.
pub fn by_code(code: &str) -> Option<&'static Indicator> {
    ALL.iter().find(|i| i.code == code)
}

/// The 24 indicators of §6.3, in order.
pub fn core() -> impl Iterator<Item = &'static Indicator> {
    ALL.iter().filter(|i| i.is_core())
}

/// Matches a spreadsheet header to an indicator: by name, full name or alias, after
/// folding width, spaces and quotes, and with an optional unit in parentheses
/// (`研发费用总额（万元）`). Returns `None` for an unknown header.
pub fn by_header(header: &str) -> Option<&'static Indicator> {
    let h = fold(header);
    let h = h.trim_end_matches('*');
    let stripped = strip_unit(h);
    ALL.iter().find(|i| {
        let names = std::iter::once(i.name)
            .chain(std::iter::once(i.full_name))
            .chain(i.aliases.iter().copied());
        names.map(fold).any(|n| n == h || n == stripped)
    })
}

/// Removes a trailing `(unit)` if the parenthesised text is a known unit.
fn strip_unit(h: &str) -> &str {
    if let Some(open) = h.rfind('(')
        && h.ends_with(')')
    {
        let unit = &h[open + 1..h.len() - 1];
        if matches!(
            unit,
            "万元" | "万美元" | "人" | "件" | "项" | "个" | "元" | "级" | "人年"
        ) {
            return &h[..open];
        }
    }
    h
}

/// One value per indicator slot; `None` means not reported.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Values(pub [Option<i64>; COUNT]);

impl Values {
    /// The value of an indicator.
    pub fn get(&self, code: &str) -> Option<i64> {
        by_code(code).and_then(|i| self.0[i.index])
    }

    /// Sets the value of an indicator by code; unknown codes are ignored.
    pub fn set(&mut self, code: &str, v: Option<i64>) {
        if let Some(i) = by_code(code) {
            self.0[i.index] = v;
        }
    }

    /// Whether nothing is reported.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }

    /// Reported values with their indicators.
    pub fn iter(&self) -> impl Iterator<Item = (&'static Indicator, i64)> + '_ {
        ALL.iter()
            .zip(self.0.iter())
            .filter_map(|(i, v)| v.map(|v| (i, v)))
    }

    /// Parses `{code: "decimal text"}` pairs, collecting every error.
    pub fn parse_map<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut values = Values::default();
        let mut errors = Vec::new();
        for (code, text) in pairs {
            let Some(ind) = by_code(code) else {
                errors.push(FieldError::new(code, "indicator_unknown"));
                continue;
            };
            if crate::text::trim(text).is_empty() {
                continue;
            }
            match ind.parse_value(text) {
                Ok(v) => values.0[ind.index] = Some(v),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            errors.sort_by_key(|e| by_code(&e.field).map_or(usize::MAX, |i| i.index));
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_24_core_indicators_numbered_in_order() {
        let nos: Vec<u8> = core().filter_map(|i| i.no).collect();
        assert_eq!(nos, (1..=24).collect::<Vec<u8>>());
        assert_eq!(ALL.len(), COUNT);
        for (k, i) in ALL.iter().enumerate() {
            assert_eq!(i.index, k, "{}", i.code);
        }
    }

    #[test]
    fn codes_and_names_are_unique() {
        let mut codes: Vec<_> = ALL.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), COUNT);
        let mut names: Vec<_> = ALL.iter().map(|i| fold(i.name)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COUNT);
    }

    #[test]
    fn headers_match_by_name_with_or_without_unit_and_in_either_width() {
        for (h, code) in [
            ("纳税总额", "taxes_paid"),
            ("纳税总额（万元）", "taxes_paid"),
            ("新增就业人数(人)", "new_jobs"),
            ("境内研发费用", "rd_domestic"),
            ("当年专利申请数", "patent_applications"),
            ("技术合同成交额", "tech_contract_amount"),
            ("科技成果转化数", "conversions"),
            ("高新技术产品（服务）收入", "high_tech_revenue"),
            ("高新技术产品 (服务) 收入（万元）", "high_tech_revenue"),
            ("有效I类知识产权数", "ip_class1"),
            ("有效Ⅱ类知识产权数(件)", "ip_class2"),
            ("出口创汇总额（万美元）", "export_earnings"),
            ("研发费用总额*", "rd_expense"),
        ] {
            assert_eq!(by_header(h).map(|i| i.code), Some(code), "{h}");
        }
        assert!(by_header("研发费用总额(亿元)").is_none());
        assert!(by_header("员工满意度").is_none());
    }

    #[test]
    fn every_template_header_matches_its_own_indicator() {
        for i in ALL {
            assert_eq!(by_header(&i.header()).map(|x| x.code), Some(i.code));
            assert_eq!(by_header(i.name).map(|x| x.code), Some(i.code));
        }
    }

    #[test]
    fn values_parse_in_the_indicator_unit() {
        let rd = by_code("rd_expense").unwrap();
        assert_eq!(rd.parse_value("1234.56").unwrap(), 1_234_560_000);
        assert_eq!(rd.format_value(1_234_560_000), "1234.56");
        assert_eq!(rd.parse_value("-1").unwrap_err().code, "value_negative");
        assert_eq!(rd.parse_value("一百").unwrap_err().code, "number_invalid");
        let staff = by_code("employees").unwrap();
        assert_eq!(staff.parse_value("36.25").unwrap(), 3625);
        assert_eq!(
            staff.parse_value("36.125").unwrap_err().code,
            "number_too_precise"
        );
        let ip = by_code("ip_class1").unwrap();
        assert_eq!(
            ip.parse_value("1.5").unwrap_err().code,
            "number_too_precise"
        );
        let level = by_code("rd_institution_level").unwrap();
        assert_eq!(level.parse_value("省级").unwrap(), 3);
        assert_eq!(level.parse_value("4").unwrap(), 4);
        assert_eq!(level.format_value(3), "省级");
        assert_eq!(
            level.parse_value("世界级").unwrap_err().code,
            "level_invalid"
        );
        let profit = by_code("net_profit").unwrap();
        assert_eq!(profit.parse_value("-12.5").unwrap(), -12_500_000);
    }
}
