//! Qualifications (资质): the tiers an enterprise is recognised in, with dates.

use crate::error::FieldError;
use chrono::{Datelike, NaiveDate};

/// The qualifications the registry tracks.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum QualificationKind {
    /// 科技型企业 (the municipal registry of tech-based enterprises, e.g. Chongqing's).
    TechEnterprise,
    /// 科技型中小企业 (national evaluation, 入库登记编号).
    TechSme,
    /// 创新型中小企业 (MIIT 2022 暂行办法).
    InnovativeSme,
    /// 科技和创新型中小企业 (MIIT 2026 管理办法).
    TechInnovativeSme,
    /// 高新技术企业 (certificate number).
    HighTech,
    /// 专精特新中小企业.
    Srdi,
    /// 专精特新"小巨人".
    LittleGiant,
}

impl QualificationKind {
    /// All kinds, lowest tier first.
    pub const ALL: [Self; 7] = [
        Self::TechEnterprise,
        Self::TechSme,
        Self::InnovativeSme,
        Self::TechInnovativeSme,
        Self::HighTech,
        Self::Srdi,
        Self::LittleGiant,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::TechEnterprise => "tech_enterprise",
            Self::TechSme => "tech_sme",
            Self::InnovativeSme => "innovative_sme",
            Self::TechInnovativeSme => "tech_innovative_sme",
            Self::HighTech => "high_tech",
            Self::Srdi => "srdi",
            Self::LittleGiant => "little_giant",
        }
    }

    /// From a stable code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// zh-CN name as the 资质 sheet writes it.
    pub fn zh(self) -> &'static str {
        match self {
            Self::TechEnterprise => "科技型企业",
            Self::TechSme => "科技型中小企业",
            Self::InnovativeSme => "创新型中小企业",
            Self::TechInnovativeSme => "科技和创新型中小企业",
            Self::HighTech => "高新技术企业",
            Self::Srdi => "专精特新中小企业",
            Self::LittleGiant => "专精特新\"小巨人\"",
        }
    }

    /// The name of its number (入库编号 / 证书编号).
    pub fn number_label(self) -> &'static str {
        match self {
            Self::TechSme => "入库登记编号",
            _ => "证书编号",
        }
    }

    /// Whether this kind counts as 专精特新 in district statistics.
    pub fn is_srdi(self) -> bool {
        matches!(self, Self::Srdi | Self::LittleGiant)
    }

    /// The statutory term, used when a record gives no 有效期至: 3 years for 高企
    /// (办法 第十二条) and for 创新型 / 专精特新 / 小巨人 (63号), 1 year for a
    /// 科技型中小企业 registration (annual re-assessment, §2.5). Municipal 科技型企业
    /// records carry no statutory term.
    pub fn default_term_years(self) -> Option<i32> {
        match self {
            Self::HighTech
            | Self::InnovativeSme
            | Self::TechInnovativeSme
            | Self::Srdi
            | Self::LittleGiant => Some(3),
            Self::TechSme => Some(1),
            Self::TechEnterprise => None,
        }
    }

    /// Parses the names people write, in either width and with any quotes:
    /// 科技型企业, 科技型中小企业 (科小), 创新型中小企业, 高新技术企业 (高企),
    /// 专精特新中小企业 (专精特新企业), 专精特新"小巨人" (小巨人企业), or a code.
    pub fn parse(s: &str) -> Option<Self> {
        let f = crate::text::fold(s).replace('"', "");
        if let Some(k) = Self::from_code(&f.to_ascii_lowercase()) {
            return Some(k);
        }
        let f = f
            .trim_start_matches("国家级")
            .trim_start_matches("市级")
            .trim_start_matches("重庆市");
        Some(match f {
            "科技型企业" => Self::TechEnterprise,
            "科技型中小企业" | "科小" | "科技型中小" => Self::TechSme,
            "创新型中小企业" | "创新型企业" => Self::InnovativeSme,
            "科技和创新型中小企业" => Self::TechInnovativeSme,
            "高新技术企业" | "高企" | "国家高新技术企业" => Self::HighTech,
            "专精特新中小企业" | "专精特新企业" | "专精特新" => Self::Srdi,
            "专精特新小巨人" | "专精特新小巨人企业" | "小巨人" | "小巨人企业" => {
                Self::LittleGiant
            }
            _ => return None,
        })
    }
}

/// One recognition of an enterprise in a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    /// Kind.
    pub kind: QualificationKind,
    /// 证书编号 / 入库编号.
    pub number: Option<String>,
    /// 认定日期.
    pub recognized_on: NaiveDate,
    /// 有效期至 (inclusive); `None` is open-ended.
    pub valid_until: Option<NaiveDate>,
}

impl Qualification {
    /// Validates a record; a missing 有效期至 takes the statutory term.
    pub fn new(
        kind: QualificationKind,
        number: Option<String>,
        recognized_on: NaiveDate,
        valid_until: Option<NaiveDate>,
    ) -> Result<Self, FieldError> {
        let valid_until = valid_until.or_else(|| {
            kind.default_term_years().and_then(|y| {
                recognized_on
                    .with_year(recognized_on.year() + y)
                    .or_else(|| NaiveDate::from_ymd_opt(recognized_on.year() + y, 3, 1))
                    .and_then(|d| d.pred_opt())
            })
        });
        if let Some(u) = valid_until
            && u < recognized_on
        {
            return Err(
                FieldError::new("valid_until", "validity_before_recognition")
                    .with("recognized_on", recognized_on)
                    .with("valid_until", u),
            );
        }
        Ok(Self {
            kind,
            number,
            recognized_on,
            valid_until,
        })
    }

    /// Whether the qualification is in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.recognized_on <= day && self.valid_until.is_none_or(|u| day <= u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_names_in_any_width_and_quotes() {
        assert_eq!(
            QualificationKind::parse("专精特新“小巨人”"),
            Some(QualificationKind::LittleGiant)
        );
        assert_eq!(
            QualificationKind::parse("专精特新\"小巨人\"企业"),
            Some(QualificationKind::LittleGiant)
        );
        assert_eq!(
            QualificationKind::parse("高企"),
            Some(QualificationKind::HighTech)
        );
        assert_eq!(
            QualificationKind::parse("科技型企业"),
            Some(QualificationKind::TechEnterprise)
        );
        assert_eq!(
            QualificationKind::parse("科技型中小企业"),
            Some(QualificationKind::TechSme)
        );
        assert_eq!(
            QualificationKind::parse("high_tech"),
            Some(QualificationKind::HighTech)
        );
        assert_eq!(QualificationKind::parse("瞪羚企业"), None);
        for k in QualificationKind::ALL {
            assert_eq!(QualificationKind::parse(k.zh()), Some(k));
        }
    }

    #[test]
    fn high_tech_defaults_to_three_years_inclusive() {
        let q =
            Qualification::new(QualificationKind::HighTech, None, d(2021, 11, 3), None).unwrap();
        assert_eq!(q.valid_until, Some(d(2024, 11, 2)));
        assert!(q.valid_on(d(2024, 11, 2)));
        assert!(!q.valid_on(d(2024, 11, 3)));
        assert!(!q.valid_on(d(2021, 11, 2)));
    }

    #[test]
    fn leap_day_recognition_has_a_term() {
        let q = Qualification::new(QualificationKind::Srdi, None, d(2024, 2, 29), None).unwrap();
        assert_eq!(q.valid_until, Some(d(2027, 2, 28)));
    }

    #[test]
    fn municipal_registry_is_open_ended_and_validity_cannot_precede_recognition() {
        let q = Qualification::new(QualificationKind::TechEnterprise, None, d(2020, 1, 1), None)
            .unwrap();
        assert!(q.valid_on(d(2030, 1, 1)));
        let e = Qualification::new(
            QualificationKind::HighTech,
            None,
            d(2020, 1, 1),
            Some(d(2019, 1, 1)),
        )
        .unwrap_err();
        assert_eq!(e.code, "validity_before_recognition");
    }
}
