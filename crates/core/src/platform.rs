//! Innovation platforms (创新平台), research institutes and incubated projects
//! (PRODUCT.md part 7): the kinds of platform and whether each is an R&D
//! institution, their levels (the same scale as indicator #23
//! [`InstitutionLevel`]), their life (under construction → accredited → revoked),
//! yearly evaluations, the institutes' targets with progress, and the stages of a
//! hard-tech project incubated from lab to company.
//!
//! A platform's level feeds the cultivation rules and the credit evaluation through
//! [`institution_level`]: the highest level of the accredited R&D institutions an
//! organisation hosts or co-builds on a day.

use crate::error::FieldError;
use crate::indicator::InstitutionLevel;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The kind of a platform.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PlatformKind {
    /// 重点实验室.
    KeyLaboratory,
    /// 工程技术研究中心 / 工程研究中心.
    EngineeringCentre,
    /// 企业技术中心.
    EnterpriseTechCentre,
    /// 技术创新中心.
    InnovationCentre,
    /// 新型研发机构.
    NewTypeRdInstitution,
    /// 产业技术研究院.
    IndustryInstitute,
    /// 院士工作站 / 专家工作站.
    AcademicianWorkstation,
    /// 博士后科研工作站 / 创新实践基地.
    PostdoctoralWorkstation,
    /// 科技企业孵化器.
    Incubator,
    /// 众创空间.
    MakerSpace,
    /// 大学科技园.
    UniversitySciencePark,
    /// 产业技术创新战略联盟.
    Alliance,
    /// Other (named in the record).
    Other,
}

impl PlatformKind {
    /// Every kind.
    pub const ALL: [PlatformKind; 13] = [
        PlatformKind::KeyLaboratory,
        PlatformKind::EngineeringCentre,
        PlatformKind::EnterpriseTechCentre,
        PlatformKind::InnovationCentre,
        PlatformKind::NewTypeRdInstitution,
        PlatformKind::IndustryInstitute,
        PlatformKind::AcademicianWorkstation,
        PlatformKind::PostdoctoralWorkstation,
        PlatformKind::Incubator,
        PlatformKind::MakerSpace,
        PlatformKind::UniversitySciencePark,
        PlatformKind::Alliance,
        PlatformKind::Other,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        use PlatformKind as K;
        match self {
            K::KeyLaboratory => "key_laboratory",
            K::EngineeringCentre => "engineering_centre",
            K::EnterpriseTechCentre => "enterprise_tech_centre",
            K::InnovationCentre => "innovation_centre",
            K::NewTypeRdInstitution => "new_type_rd_institution",
            K::IndustryInstitute => "industry_institute",
            K::AcademicianWorkstation => "academician_workstation",
            K::PostdoctoralWorkstation => "postdoctoral_workstation",
            K::Incubator => "incubator",
            K::MakerSpace => "maker_space",
            K::UniversitySciencePark => "university_science_park",
            K::Alliance => "alliance",
            K::Other => "other",
        }
    }

    /// Parses [`PlatformKind::as_str`] or a zh-CN name.
    pub fn parse(s: &str) -> Option<PlatformKind> {
        let t = s.trim();
        PlatformKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t || k.label() == t || k.aliases().contains(&t))
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        use PlatformKind as K;
        match self {
            K::KeyLaboratory => "重点实验室",
            K::EngineeringCentre => "工程技术研究中心",
            K::EnterpriseTechCentre => "企业技术中心",
            K::InnovationCentre => "技术创新中心",
            K::NewTypeRdInstitution => "新型研发机构",
            K::IndustryInstitute => "产业技术研究院",
            K::AcademicianWorkstation => "院士（专家）工作站",
            K::PostdoctoralWorkstation => "博士后科研工作站",
            K::Incubator => "科技企业孵化器",
            K::MakerSpace => "众创空间",
            K::UniversitySciencePark => "大学科技园",
            K::Alliance => "产业技术创新联盟",
            K::Other => "其他创新平台",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        use PlatformKind as K;
        match self {
            K::EngineeringCentre => &["工程研究中心", "工程技术中心"],
            K::AcademicianWorkstation => &["院士工作站", "专家工作站"],
            K::PostdoctoralWorkstation => &["博士后工作站", "博士后创新实践基地"],
            K::Incubator => &["孵化器"],
            K::Alliance => &["联盟", "产业联盟"],
            _ => &[],
        }
    }

    /// Counts as an R&D institution (研发机构) for the cultivation rules and the
    /// credit evaluation; incubators, maker spaces, parks and alliances serve others
    /// and do not.
    pub fn is_rd_institution(self) -> bool {
        use PlatformKind as K;
        matches!(
            self,
            K::KeyLaboratory
                | K::EngineeringCentre
                | K::EnterpriseTechCentre
                | K::InnovationCentre
                | K::NewTypeRdInstitution
                | K::IndustryInstitute
                | K::AcademicianWorkstation
                | K::PostdoctoralWorkstation
        )
    }
}

/// Where a platform stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformStatus {
    /// 建设中 (approved for construction, not yet accredited).
    UnderConstruction,
    /// 已认定.
    Accredited,
    /// 已撤销 (revoked, or failed its construction acceptance).
    Revoked,
}

impl PlatformStatus {
    /// Every status.
    pub const ALL: [PlatformStatus; 3] = [
        PlatformStatus::UnderConstruction,
        PlatformStatus::Accredited,
        PlatformStatus::Revoked,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformStatus::UnderConstruction => "under_construction",
            PlatformStatus::Accredited => "accredited",
            PlatformStatus::Revoked => "revoked",
        }
    }

    /// Parses [`PlatformStatus::as_str`].
    pub fn parse(s: &str) -> Option<PlatformStatus> {
        PlatformStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            PlatformStatus::UnderConstruction => "建设中",
            PlatformStatus::Accredited => "已认定",
            PlatformStatus::Revoked => "已撤销",
        }
    }

    /// The statuses a platform may move to from this one.
    pub fn may_become(self, to: PlatformStatus) -> bool {
        use PlatformStatus as S;
        matches!(
            (self, to),
            (S::UnderConstruction, S::Accredited)
                | (S::UnderConstruction, S::Revoked)
                | (S::Accredited, S::Revoked)
        )
    }
}

/// A yearly evaluation's grade.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationGrade {
    /// 优秀.
    Excellent,
    /// 良好.
    Good,
    /// 合格.
    Pass,
    /// 不合格.
    Fail,
}

impl EvaluationGrade {
    /// Every grade, best first.
    pub const ALL: [EvaluationGrade; 4] = [
        EvaluationGrade::Excellent,
        EvaluationGrade::Good,
        EvaluationGrade::Pass,
        EvaluationGrade::Fail,
    ];

    /// Stable text (what [`EvaluationGrade::parse`] reads back).
    pub fn as_str(self) -> &'static str {
        match self {
            EvaluationGrade::Excellent => "excellent",
            EvaluationGrade::Good => "good",
            EvaluationGrade::Pass => "pass",
            EvaluationGrade::Fail => "fail",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            EvaluationGrade::Excellent => "优秀",
            EvaluationGrade::Good => "良好",
            EvaluationGrade::Pass => "合格",
            EvaluationGrade::Fail => "不合格",
        }
    }

    /// Parses the zh-CN label or the snake-case name.
    pub fn parse(s: &str) -> Option<EvaluationGrade> {
        use EvaluationGrade as G;
        [G::Excellent, G::Good, G::Pass, G::Fail]
            .into_iter()
            .find(|g| g.label() == s.trim() || format!("{g:?}").to_lowercase() == s.trim())
    }
}

/// What [`institution_level`] needs of one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformFact {
    /// Kind.
    pub kind: PlatformKind,
    /// Level.
    pub level: InstitutionLevel,
    /// Accredited on (none while under construction).
    pub accredited_on: Option<NaiveDate>,
    /// Revoked on.
    pub revoked_on: Option<NaiveDate>,
}

impl PlatformFact {
    /// An accredited R&D institution on `d`.
    pub fn counts_on(&self, d: NaiveDate) -> bool {
        self.kind.is_rd_institution()
            && self.accredited_on.is_some_and(|a| a <= d)
            && self.revoked_on.is_none_or(|r| r > d)
    }
}

/// The level of the best accredited R&D institution among `platforms` on `d`
/// (indicator #23's value for the organisation hosting or co-building them).
pub fn institution_level(platforms: &[PlatformFact], d: NaiveDate) -> InstitutionLevel {
    platforms
        .iter()
        .filter(|p| p.counts_on(d))
        .map(|p| p.level)
        .max()
        .unwrap_or(InstitutionLevel::None)
}

/// A platform should be revoked after this many consecutive failed evaluations.
pub const FAILS_BEFORE_REVOCATION: usize = 2;

/// Whether the yearly evaluations (oldest first) call for revocation: the last
/// [`FAILS_BEFORE_REVOCATION`] were all failed.
pub fn revocation_due(grades: &[EvaluationGrade]) -> bool {
    grades.len() >= FAILS_BEFORE_REVOCATION
        && grades[grades.len() - FAILS_BEFORE_REVOCATION..]
            .iter()
            .all(|g| *g == EvaluationGrade::Fail)
}

/// A target of a research institute (e.g. "100 GWh, 1000亿元 output, 1000
/// researchers") with its latest actual value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Target {
    /// What (产能, 产值, 研发人员).
    pub metric: String,
    /// Target value.
    pub target: Decimal,
    /// Unit.
    pub unit: String,
    /// Latest actual value.
    pub actual: Decimal,
}

impl Target {
    /// Checks a target as entered.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        if self.metric.trim().is_empty() {
            return Err(FieldError::new(format!("{field}.metric"), "required"));
        }
        if self.target <= Decimal::ZERO {
            return Err(FieldError::new(
                format!("{field}.target"),
                "platform_target_positive",
            ));
        }
        if self.actual < Decimal::ZERO {
            return Err(FieldError::new(format!("{field}.actual"), "value_negative"));
        }
        Ok(())
    }

    /// Progress in percent, one decimal, capped at neither end (over 100 % shows).
    pub fn progress_pct(&self) -> Decimal {
        if self.target.is_zero() {
            return Decimal::ZERO;
        }
        (self.actual * Decimal::from(100) / self.target)
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }
}

/// The stage of an incubated hard-tech project, from lab to company.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum IncubationStage {
    /// 实验室阶段.
    Laboratory,
    /// 中试 (pilot).
    Pilot,
    /// 已注册公司.
    Incorporated,
    /// 已获融资.
    Financed,
    /// 已毕业 (left the incubator as a going concern).
    Graduated,
    /// 已终止.
    Stopped,
}

impl IncubationStage {
    /// Every stage in order.
    pub const ALL: [IncubationStage; 6] = [
        IncubationStage::Laboratory,
        IncubationStage::Pilot,
        IncubationStage::Incorporated,
        IncubationStage::Financed,
        IncubationStage::Graduated,
        IncubationStage::Stopped,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            IncubationStage::Laboratory => "laboratory",
            IncubationStage::Pilot => "pilot",
            IncubationStage::Incorporated => "incorporated",
            IncubationStage::Financed => "financed",
            IncubationStage::Graduated => "graduated",
            IncubationStage::Stopped => "stopped",
        }
    }

    /// Parses [`IncubationStage::as_str`].
    pub fn parse(s: &str) -> Option<IncubationStage> {
        IncubationStage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            IncubationStage::Laboratory => "实验室阶段",
            IncubationStage::Pilot => "中试阶段",
            IncubationStage::Incorporated => "已注册公司",
            IncubationStage::Financed => "已获融资",
            IncubationStage::Graduated => "已毕业",
            IncubationStage::Stopped => "已终止",
        }
    }

    /// A project moves forward (stages may be skipped) or stops; never back.
    pub fn may_become(self, to: IncubationStage) -> bool {
        if self == IncubationStage::Stopped || self == IncubationStage::Graduated {
            return false;
        }
        to == IncubationStage::Stopped || to > self
    }

    /// A company exists at this stage (the project has a resulting firm).
    pub fn has_company(self) -> bool {
        matches!(
            self,
            IncubationStage::Incorporated | IncubationStage::Financed | IncubationStage::Graduated
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fact(
        kind: PlatformKind,
        level: InstitutionLevel,
        acc: Option<&str>,
        rev: Option<&str>,
    ) -> PlatformFact {
        PlatformFact {
            kind,
            level,
            accredited_on: acc.map(d),
            revoked_on: rev.map(d),
        }
    }

    #[test]
    fn kinds_round_trip_and_parse_zh_names() {
        for k in PlatformKind::ALL {
            assert_eq!(PlatformKind::parse(k.as_str()), Some(k));
            assert_eq!(PlatformKind::parse(k.label()), Some(k));
        }
        assert_eq!(
            PlatformKind::parse("工程研究中心"),
            Some(PlatformKind::EngineeringCentre)
        );
        assert_eq!(PlatformKind::parse("孵化器"), Some(PlatformKind::Incubator));
        assert_eq!(PlatformKind::parse("实验楼"), None);
        assert!(PlatformKind::KeyLaboratory.is_rd_institution());
        assert!(!PlatformKind::MakerSpace.is_rd_institution());
    }

    #[test]
    fn the_level_is_the_best_accredited_rd_institution_on_the_day() {
        use InstitutionLevel as L;
        let ps = [
            fact(
                PlatformKind::EnterpriseTechCentre,
                L::BelowMunicipal,
                Some("2020-05-01"),
                None,
            ),
            fact(
                PlatformKind::KeyLaboratory,
                L::Provincial,
                Some("2022-06-30"),
                Some("2024-12-31"),
            ),
            fact(
                PlatformKind::Incubator,
                L::National,
                Some("2019-01-01"),
                None,
            ),
            fact(PlatformKind::EngineeringCentre, L::National, None, None),
        ];
        assert_eq!(institution_level(&ps, d("2019-12-31")), L::None);
        assert_eq!(institution_level(&ps, d("2021-01-01")), L::BelowMunicipal);
        assert_eq!(institution_level(&ps, d("2022-06-30")), L::Provincial);
        assert_eq!(institution_level(&ps, d("2024-12-30")), L::Provincial);
        assert_eq!(institution_level(&ps, d("2024-12-31")), L::BelowMunicipal);
        assert_eq!(institution_level(&[], d("2024-12-31")), L::None);
    }

    #[test]
    fn statuses_move_forward_only() {
        use PlatformStatus as S;
        for from in S::ALL {
            for to in S::ALL {
                let ok = from.may_become(to);
                let expected = matches!(
                    (from, to),
                    (S::UnderConstruction, S::Accredited)
                        | (S::UnderConstruction, S::Revoked)
                        | (S::Accredited, S::Revoked)
                );
                assert_eq!(ok, expected, "{from:?} → {to:?}");
            }
            assert_eq!(S::parse(from.as_str()), Some(from));
        }
    }

    #[test]
    fn two_failed_evaluations_in_a_row_call_for_revocation() {
        use EvaluationGrade as G;
        assert!(!revocation_due(&[G::Fail]));
        assert!(!revocation_due(&[G::Fail, G::Pass]));
        assert!(!revocation_due(&[G::Fail, G::Pass, G::Fail]));
        assert!(revocation_due(&[G::Good, G::Fail, G::Fail]));
        assert_eq!(G::parse("良好"), Some(G::Good));
        assert_eq!(G::parse("fail"), Some(G::Fail));
        for g in G::ALL {
            assert_eq!(G::parse(g.as_str()), Some(g));
            assert_eq!(G::parse(g.label()), Some(g));
        }
    }

    #[test]
    fn targets_show_progress_and_refuse_nonsense() {
        let t = Target {
            metric: "研发人员".into(),
            target: Decimal::from(1000),
            unit: "人".into(),
            actual: Decimal::from(333),
        };
        assert_eq!(t.progress_pct(), "33.3".parse::<Decimal>().unwrap());
        t.validate("targets[0]").unwrap();
        let mut bad = t.clone();
        bad.target = Decimal::ZERO;
        let e = bad.validate("targets[0]").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("targets[0].target", "platform_target_positive")
        );
        let over = Target {
            actual: Decimal::from(1200),
            ..t
        };
        assert_eq!(over.progress_pct(), Decimal::from(120));
    }

    #[test]
    fn incubation_moves_forward_or_stops() {
        use IncubationStage as S;
        assert!(S::Laboratory.may_become(S::Incorporated));
        assert!(S::Pilot.may_become(S::Stopped));
        assert!(!S::Incorporated.may_become(S::Pilot));
        assert!(!S::Graduated.may_become(S::Stopped));
        assert!(!S::Stopped.may_become(S::Laboratory));
        assert!(S::Financed.has_company());
        assert!(!S::Pilot.has_company());
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }
}
