//! Technology contract registration (技术合同认定登记, policy-rules.md §4): the
//! categories of the 民法典 and their subtypes, the parties, the two amounts
//! (合同成交额 and 技术交易额), the two regimes and their review time limits, the
//! refusal reasons, the registration number, duplicate detection and the
//! registrar's workflow as a state machine.
//!
//! The regime follows the date a contract is accepted for registration:
//! `TCR-2000` (国科发政字〔2000〕063号: 30 days from acceptance) until 2026-01-22,
//! `TCR-2026` (MIIT 办法, effective 2026-01-23: 15 working days, 30 working days
//! for a 技术交易额 of 500万元 or more or a disputed contract). The 2026 limits come
//! from the 2024 draft (§4.1: the issued text was not seen) and are parameters of
//! [`Regime`], not scattered constants.

use crate::error::FieldError;
use crate::money::{FEN_PER_WAN, Money};
use crate::subsidy_flow::Calendar;
use chrono::{Days, NaiveDate};

/// A contract category of the 民法典 (第三编 第二十章).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 技术开发.
    Development,
    /// 技术转让.
    Transfer,
    /// 技术许可.
    Licence,
    /// 技术咨询.
    Consulting,
    /// 技术服务.
    Service,
}

impl Category {
    /// Every category, in the order the statistics list them.
    pub const ALL: [Category; 5] = [
        Category::Development,
        Category::Transfer,
        Category::Licence,
        Category::Consulting,
        Category::Service,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Development => "development",
            Category::Transfer => "transfer",
            Category::Licence => "licence",
            Category::Consulting => "consulting",
            Category::Service => "service",
        }
    }

    /// Parses [`Category::as_str`].
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        match self {
            Category::Development => "技术开发",
            Category::Transfer => "技术转让",
            Category::Licence => "技术许可",
            Category::Consulting => "技术咨询",
            Category::Service => "技术服务",
        }
    }

    /// Must be in writing with the rights' ownership agreed (转让 and 许可).
    pub fn concerns_rights(self) -> bool {
        matches!(self, Category::Transfer | Category::Licence)
    }
}

/// A subtype, each belonging to one category.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Subtype {
    /// 委托开发.
    CommissionedDevelopment,
    /// 合作开发.
    CooperativeDevelopment,
    /// 专利权转让.
    PatentTransfer,
    /// 专利申请权转让.
    PatentApplicationTransfer,
    /// 技术秘密转让.
    TechSecretTransfer,
    /// 其他权利转让 (布图设计, 植物新品种, 软件著作权, 生物医药新品种).
    OtherRightTransfer,
    /// 专利实施许可.
    PatentLicence,
    /// 技术秘密使用许可.
    TechSecretLicence,
    /// 其他权利许可.
    OtherRightLicence,
    /// 可行性论证.
    Feasibility,
    /// 技术预测.
    Forecast,
    /// 专题技术调查.
    Survey,
    /// 分析评价报告.
    Evaluation,
    /// 一般技术服务.
    GeneralService,
    /// 技术培训.
    Training,
    /// 技术中介.
    Intermediary,
}

impl Subtype {
    /// Every subtype, grouped by category.
    pub const ALL: [Subtype; 16] = [
        Subtype::CommissionedDevelopment,
        Subtype::CooperativeDevelopment,
        Subtype::PatentTransfer,
        Subtype::PatentApplicationTransfer,
        Subtype::TechSecretTransfer,
        Subtype::OtherRightTransfer,
        Subtype::PatentLicence,
        Subtype::TechSecretLicence,
        Subtype::OtherRightLicence,
        Subtype::Feasibility,
        Subtype::Forecast,
        Subtype::Survey,
        Subtype::Evaluation,
        Subtype::GeneralService,
        Subtype::Training,
        Subtype::Intermediary,
    ];

    /// The category it belongs to.
    pub fn category(self) -> Category {
        use Subtype as S;
        match self {
            S::CommissionedDevelopment | S::CooperativeDevelopment => Category::Development,
            S::PatentTransfer
            | S::PatentApplicationTransfer
            | S::TechSecretTransfer
            | S::OtherRightTransfer => Category::Transfer,
            S::PatentLicence | S::TechSecretLicence | S::OtherRightLicence => Category::Licence,
            S::Feasibility | S::Forecast | S::Survey | S::Evaluation => Category::Consulting,
            S::GeneralService | S::Training | S::Intermediary => Category::Service,
        }
    }

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        use Subtype as S;
        match self {
            S::CommissionedDevelopment => "commissioned_development",
            S::CooperativeDevelopment => "cooperative_development",
            S::PatentTransfer => "patent_transfer",
            S::PatentApplicationTransfer => "patent_application_transfer",
            S::TechSecretTransfer => "tech_secret_transfer",
            S::OtherRightTransfer => "other_right_transfer",
            S::PatentLicence => "patent_licence",
            S::TechSecretLicence => "tech_secret_licence",
            S::OtherRightLicence => "other_right_licence",
            S::Feasibility => "feasibility",
            S::Forecast => "forecast",
            S::Survey => "survey",
            S::Evaluation => "evaluation",
            S::GeneralService => "general_service",
            S::Training => "training",
            S::Intermediary => "intermediary",
        }
    }

    /// Parses [`Subtype::as_str`].
    pub fn parse(s: &str) -> Option<Subtype> {
        Subtype::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        use Subtype as S;
        match self {
            S::CommissionedDevelopment => "委托开发",
            S::CooperativeDevelopment => "合作开发",
            S::PatentTransfer => "专利权转让",
            S::PatentApplicationTransfer => "专利申请权转让",
            S::TechSecretTransfer => "技术秘密转让",
            S::OtherRightTransfer => "其他权利转让",
            S::PatentLicence => "专利实施许可",
            S::TechSecretLicence => "技术秘密使用许可",
            S::OtherRightLicence => "其他权利许可",
            S::Feasibility => "可行性论证",
            S::Forecast => "技术预测",
            S::Survey => "专题技术调查",
            S::Evaluation => "分析评价报告",
            S::GeneralService => "一般技术服务",
            S::Training => "技术培训",
            S::Intermediary => "技术中介",
        }
    }

    /// The seller side's role name (研究开发人, 让与人, 许可人, 受托人, 培训人, 中介人).
    pub fn seller_role(self) -> &'static str {
        match (self.category(), self) {
            (Category::Development, _) => "研究开发人",
            (Category::Transfer, _) => "让与人",
            (Category::Licence, _) => "许可人",
            (_, Subtype::Training) => "培训人",
            (_, Subtype::Intermediary) => "中介人",
            _ => "受托人",
        }
    }
}

/// The type of a party (交易主体类型 of the national statistics).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PartyType {
    /// 企业法人.
    Enterprise,
    /// 高等院校.
    University,
    /// 科研机构.
    Institute,
    /// 机关、事业单位 (other than universities and institutes).
    Public,
    /// 社会团体、其他组织.
    Other,
    /// 自然人.
    Individual,
}

impl PartyType {
    /// Every type.
    pub const ALL: [PartyType; 6] = [
        PartyType::Enterprise,
        PartyType::University,
        PartyType::Institute,
        PartyType::Public,
        PartyType::Other,
        PartyType::Individual,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyType::Enterprise => "enterprise",
            PartyType::University => "university",
            PartyType::Institute => "institute",
            PartyType::Public => "public",
            PartyType::Other => "other",
            PartyType::Individual => "individual",
        }
    }

    /// Parses [`PartyType::as_str`].
    pub fn parse(s: &str) -> Option<PartyType> {
        PartyType::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        match self {
            PartyType::Enterprise => "企业法人",
            PartyType::University => "高等院校",
            PartyType::Institute => "科研机构",
            PartyType::Public => "机关、事业单位",
            PartyType::Other => "社会团体及其他组织",
            PartyType::Individual => "自然人",
        }
    }
}

/// Which side a party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// 卖方 (registers the contract).
    Seller,
    /// 买方.
    Buyer,
    /// 中介方 of a three-party intermediary contract.
    Intermediary,
}

/// One party of a contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Party {
    /// Side.
    pub side: Side,
    /// Name as on the seal.
    pub name: String,
    /// 统一社会信用代码 (none for an individual).
    pub credit_code: Option<String>,
    /// Type.
    pub kind: PartyType,
}

impl Party {
    /// The identity used to compare parties: the credit code when there is one,
    /// otherwise the name without spaces.
    pub fn identity(&self) -> String {
        match &self.credit_code {
            Some(c) if !c.trim().is_empty() => c.trim().to_ascii_uppercase(),
            _ => self.name.split_whitespace().collect::<String>(),
        }
    }
}

/// The registration regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Regime {
    /// 国科发政字〔2000〕063号 and the 2001 规则.
    #[serde(rename = "TCR-2000")]
    Tcr2000,
    /// MIIT 《技术合同认定登记管理办法》 (2026).
    #[serde(rename = "TCR-2026")]
    Tcr2026,
}

/// A 技术交易额 at or above this is a large contract under TCR-2026 (500万元).
pub const LARGE_CONTRACT_FEN: i64 = 500 * FEN_PER_WAN;

impl Regime {
    /// The first day of TCR-2026.
    pub fn tcr2026_start() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 23).expect("valid date")
    }

    /// The regime in force on a day.
    pub fn on(d: NaiveDate) -> Regime {
        if d >= Regime::tcr2026_start() {
            Regime::Tcr2026
        } else {
            Regime::Tcr2000
        }
    }

    /// Stable id.
    pub fn id(self) -> &'static str {
        match self {
            Regime::Tcr2000 => "TCR-2000",
            Regime::Tcr2026 => "TCR-2026",
        }
    }

    /// The last day on which the registrar may decide a contract accepted on
    /// `accepted`: TCR-2000 30 calendar days after acceptance; TCR-2026 15
    /// working days, or 30 for a large (≥ 500万元) or disputed contract, counted
    /// from the working day after acceptance.
    pub fn review_deadline(
        self,
        accepted: NaiveDate,
        tech_transaction: Money,
        disputed: bool,
        cal: &Calendar,
    ) -> NaiveDate {
        match self {
            Regime::Tcr2000 => accepted + Days::new(30),
            Regime::Tcr2026 => {
                let n = if disputed || tech_transaction.fen() >= LARGE_CONTRACT_FEN {
                    30
                } else {
                    15
                };
                cal.add_working_days(accepted + Days::new(1), n)
            }
        }
    }

    /// zh-CN statement of the time limit that applies.
    pub fn limit_label(self, tech_transaction: Money, disputed: bool) -> &'static str {
        match self {
            Regime::Tcr2000 => "自受理之日起30日内",
            Regime::Tcr2026 if disputed || tech_transaction.fen() >= LARGE_CONTRACT_FEN => {
                "自受理之日起30个工作日内（技术交易额500万元以上或有争议）"
            }
            Regime::Tcr2026 => "自受理之日起15个工作日内",
        }
    }
}

/// Why a contract is not registered (不予登记, §4.4, and the 2001 rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// 当事人不明确.
    PartiesUnclear,
    /// 标的不明确.
    SubjectUnclear,
    /// 价款、报酬或使用费不明确.
    PriceUnclear,
    /// 非法垄断技术或侵害他人技术成果.
    IllegalMonopoly,
    /// 缺少应当具备的批准文件或证明.
    CertificatesMissing,
    /// 单位名称与印章不符.
    SealMismatch,
    /// 不属于技术合同 (e.g. ordinary processing, repair, construction done by
    /// conventional means).
    NotTechnologyContract,
    /// 合同已超过有效期 (TCR-2026: registration within the validity period).
    Expired,
}

impl RefusalReason {
    /// Every reason.
    pub const ALL: [RefusalReason; 8] = [
        RefusalReason::PartiesUnclear,
        RefusalReason::SubjectUnclear,
        RefusalReason::PriceUnclear,
        RefusalReason::IllegalMonopoly,
        RefusalReason::CertificatesMissing,
        RefusalReason::SealMismatch,
        RefusalReason::NotTechnologyContract,
        RefusalReason::Expired,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::PartiesUnclear => "parties_unclear",
            RefusalReason::SubjectUnclear => "subject_unclear",
            RefusalReason::PriceUnclear => "price_unclear",
            RefusalReason::IllegalMonopoly => "illegal_monopoly",
            RefusalReason::CertificatesMissing => "certificates_missing",
            RefusalReason::SealMismatch => "seal_mismatch",
            RefusalReason::NotTechnologyContract => "not_technology_contract",
            RefusalReason::Expired => "expired",
        }
    }

    /// Parses [`RefusalReason::as_str`].
    pub fn parse(s: &str) -> Option<RefusalReason> {
        RefusalReason::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN statement, as stamped on a refused contract.
    pub fn label(self) -> &'static str {
        match self {
            RefusalReason::PartiesUnclear => "当事人不明确",
            RefusalReason::SubjectUnclear => "合同标的不明确",
            RefusalReason::PriceUnclear => "价款、报酬或使用费不明确",
            RefusalReason::IllegalMonopoly => "含有非法垄断技术或侵害他人技术成果的内容",
            RefusalReason::CertificatesMissing => "缺少应当具备的批准文件或有关证明",
            RefusalReason::SealMismatch => "合同当事人单位名称与印章不符",
            RefusalReason::NotTechnologyContract => "不属于技术合同认定登记范围",
            RefusalReason::Expired => "合同已超过有效期",
        }
    }
}

/// A contract as the seller submits it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContractDraft {
    /// Title.
    pub title: String,
    /// Subtype (the category follows from it).
    pub subtype: Subtype,
    /// Parties: at least one seller and one buyer.
    pub parties: Vec<Party>,
    /// Technical field (技术领域, a code of the district's list).
    pub field: String,
    /// IP type involved (知识产权类型), if any.
    pub ip_type: Option<String>,
    /// Comes from a government S&T programme (计划类别).
    pub government_programme: bool,
    /// 合同成交额.
    pub amount: Money,
    /// Non-technical part (equipment, instruments, parts, raw materials).
    pub non_technical: Money,
    /// 技术交易额 as declared; must equal `amount − non_technical`.
    pub tech_transaction: Money,
    /// Signing date.
    pub signed_on: NaiveDate,
    /// Validity from (inclusive).
    pub valid_from: NaiveDate,
    /// Validity to (inclusive).
    pub valid_to: NaiveDate,
    /// The complete written text (oral contracts are not registrable).
    pub text: String,
}

/// Longest title.
pub const MAX_TITLE: usize = 200;
/// Longest contract text, characters.
pub const MAX_TEXT: usize = 500_000;

impl ContractDraft {
    /// The category.
    pub fn category(&self) -> Category {
        self.subtype.category()
    }

    /// The sellers.
    pub fn sellers(&self) -> impl Iterator<Item = &Party> {
        self.parties.iter().filter(|p| p.side == Side::Seller)
    }

    /// The buyers.
    pub fn buyers(&self) -> impl Iterator<Item = &Party> {
        self.parties.iter().filter(|p| p.side == Side::Buyer)
    }

    /// Checks the contract as submitted on `submitted_on`; every problem names its
    /// field.
    pub fn validate(&self, submitted_on: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errs.push(FieldError::new("title", "required"));
        } else if title.chars().count() > MAX_TITLE {
            errs.push(FieldError::new("title", "too_long").with("max", MAX_TITLE));
        }
        if self.sellers().next().is_none() {
            errs.push(FieldError::new("parties", "contract_no_seller"));
        }
        if self.buyers().next().is_none() {
            errs.push(FieldError::new("parties", "contract_no_buyer"));
        }
        if self.subtype == Subtype::Intermediary
            && !self.parties.iter().any(|p| p.side == Side::Intermediary)
        {
            errs.push(FieldError::new("parties", "contract_no_intermediary"));
        }
        for (i, p) in self.parties.iter().enumerate() {
            if p.name.trim().is_empty() {
                errs.push(FieldError::new(format!("parties[{i}].name"), "required"));
            }
            if p.kind != PartyType::Individual
                && p.credit_code.as_deref().is_none_or(|c| c.trim().is_empty())
            {
                errs.push(FieldError::new(
                    format!("parties[{i}].credit_code"),
                    "required",
                ));
            }
        }
        for (i, p) in self.parties.iter().enumerate() {
            let id = p.identity();
            let clash = self.parties[..i]
                .iter()
                .any(|q| q.identity() == id && q.side != p.side);
            if clash && !id.is_empty() {
                errs.push(
                    FieldError::new(format!("parties[{i}]"), "contract_party_both_sides")
                        .with("name", p.name.trim()),
                );
            }
        }
        if self.field.trim().is_empty() {
            errs.push(FieldError::new("field", "required"));
        }
        if self.amount.fen() <= 0 {
            errs.push(
                FieldError::new("amount", "contract_amount_positive").with("value", self.amount),
            );
        }
        if self.non_technical.fen() < 0 {
            errs.push(
                FieldError::new("non_technical", "value_negative")
                    .with("value", self.non_technical),
            );
        }
        if self.tech_transaction.fen() < 0 {
            errs.push(
                FieldError::new("tech_transaction", "value_negative")
                    .with("value", self.tech_transaction),
            );
        } else if self.tech_transaction.fen() > self.amount.fen() {
            errs.push(
                FieldError::new("tech_transaction", "contract_tx_exceeds_amount")
                    .with("value", self.tech_transaction)
                    .with("amount", self.amount),
            );
        } else if self.non_technical.fen() >= 0
            && self.tech_transaction.fen() != self.amount.fen() - self.non_technical.fen()
        {
            errs.push(
                FieldError::new("tech_transaction", "contract_tx_mismatch").with(
                    "expected",
                    Money::from_fen(self.amount.fen() - self.non_technical.fen()),
                ),
            );
        }
        if self.valid_to < self.valid_from {
            errs.push(FieldError::new("valid_to", "contract_validity_order"));
        }
        if self.signed_on > submitted_on {
            errs.push(FieldError::new("signed_on", "contract_signed_in_future"));
        }
        if Regime::on(submitted_on) == Regime::Tcr2026 && submitted_on > self.valid_to {
            errs.push(
                FieldError::new("valid_to", "contract_expired").with("valid_to", self.valid_to),
            );
        }
        let text_len = self.text.trim().chars().count();
        if text_len == 0 {
            errs.push(FieldError::new("text", "contract_text_required"));
        } else if text_len > MAX_TEXT {
            errs.push(FieldError::new("text", "too_long").with("max", MAX_TEXT));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// The duplicate key: the parties (by identity and side), the amount and the
    /// text with whitespace and punctuation removed. One contract is registered once;
    /// two submissions with the same key are the same contract.
    pub fn fingerprint(&self) -> String {
        let mut sides: Vec<String> = self
            .parties
            .iter()
            .map(|p| format!("{:?}:{}", p.side, p.identity()))
            .collect();
        sides.sort();
        let text: String = self.text.chars().filter(|c| c.is_alphanumeric()).collect();
        format!(
            "{}|{}|{:016x}",
            sides.join(","),
            self.amount.fen(),
            fnv1a(text.as_bytes())
        )
    }

    /// The looser key that flags a possible duplicate for the registrar: the same
    /// parties and amount with a different text.
    pub fn parties_and_amount(&self) -> String {
        let mut ids: Vec<String> = self.parties.iter().map(Party::identity).collect();
        ids.sort();
        ids.dedup();
        format!("{}|{}", ids.join(","), self.amount.fen())
    }
}

/// 64-bit FNV-1a: stable across builds and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The registration number: year, the registry's six-digit region code, and a
/// six-digit sequence within the year (e.g. `2023500151000123`).
pub fn registration_number(year: i32, region: &str, seq: u32) -> Result<String, FieldError> {
    if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new("region", "contract_region_code").with("value", region));
    }
    if seq == 0 || seq > 999_999 {
        return Err(FieldError::new("seq", "contract_sequence_range").with("value", seq));
    }
    Ok(format!("{year:04}{region}{seq:06}"))
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Submitted by the seller, waiting for 受理.
    Submitted,
    /// 已受理: the time limit runs.
    Accepted,
    /// Returned for correction (补正); resubmission restarts acceptance.
    Returned,
    /// 已登记 (number and certificate issued).
    Registered,
    /// 不予登记.
    Refused,
    /// 已注销 (cancelled after registration).
    Cancelled,
    /// Withdrawn by the seller before a decision.
    Withdrawn,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 7] = [
        Status::Submitted,
        Status::Accepted,
        Status::Returned,
        Status::Registered,
        Status::Refused,
        Status::Cancelled,
        Status::Withdrawn,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Returned => "returned",
            Status::Registered => "registered",
            Status::Refused => "refused",
            Status::Cancelled => "cancelled",
            Status::Withdrawn => "withdrawn",
        }
    }

    /// Parses [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "待受理",
            Status::Accepted => "已受理，审查中",
            Status::Returned => "退回补正",
            Status::Registered => "已登记",
            Status::Refused => "不予登记",
            Status::Cancelled => "已注销",
            Status::Withdrawn => "已撤回",
        }
    }

    /// Counted in the registered statistics.
    pub fn counts(self) -> bool {
        self == Status::Registered
    }
}

/// Who acts on a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The seller (登记主体).
    Seller,
    /// A registrar (技术合同登记员) of the bureau.
    Registrar,
    /// A bureau administrator: may also decide after the time limit, with a reason.
    Admin,
}

/// A step of the registration workflow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// 受理.
    Accept,
    /// 退回补正 with what to correct.
    Return {
        /// What to correct (required).
        note: String,
    },
    /// The seller resubmits after correction.
    Resubmit,
    /// 登记: classified (possibly reclassified to another subtype) with the verified
    /// amounts.
    Register {
        /// The subtype the registrar classifies it as.
        subtype: Subtype,
        /// Verified 技术交易额.
        tech_transaction: Money,
        /// Why it is decided after the time limit (admin only).
        late_reason: Option<String>,
    },
    /// 不予登记.
    Refuse {
        /// Why.
        reason: RefusalReason,
        /// Remarks.
        note: String,
        /// Why it is decided after the time limit (admin only).
        late_reason: Option<String>,
    },
    /// 注销登记 (termination or revocation after registration).
    Cancel {
        /// Why (required).
        reason: String,
    },
    /// The seller withdraws before a decision.
    Withdraw,
}

/// The registration state of one contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Registration {
    /// Status.
    pub status: Status,
    /// When accepted (the time limit counts from here); reset by a resubmission.
    pub accepted_on: Option<NaiveDate>,
    /// The last day to decide.
    pub deadline: Option<NaiveDate>,
    /// Disputed (TCR-2026: the longer limit).
    pub disputed: bool,
    /// The subtype registered (may differ from the submitted one).
    pub subtype: Subtype,
    /// The verified 技术交易额.
    pub tech_transaction: Money,
    /// Refusal.
    pub refusal: Option<RefusalReason>,
}

impl Registration {
    /// A newly submitted contract.
    pub fn submitted(c: &ContractDraft) -> Registration {
        Registration {
            status: Status::Submitted,
            accepted_on: None,
            deadline: None,
            disputed: false,
            subtype: c.subtype,
            tech_transaction: c.tech_transaction,
            refusal: None,
        }
    }

    /// Takes a step on `today` as `who` for the contract `c`; refuses with a field
    /// error and leaves the state unchanged when the step is not allowed.
    pub fn step(
        &mut self,
        who: Actor,
        step: &Step,
        c: &ContractDraft,
        today: NaiveDate,
        cal: &Calendar,
    ) -> Result<(), FieldError> {
        use Status as S;
        let bureau = matches!(who, Actor::Registrar | Actor::Admin);
        let refuse = |code: &'static str| {
            Err(FieldError::new("step", code).with("status", self.status.label()))
        };
        if matches!(step, Step::Resubmit | Step::Withdraw) && who != Actor::Seller {
            return refuse("contract_seller_only");
        }
        if !matches!(step, Step::Resubmit | Step::Withdraw) && !bureau {
            return refuse("contract_registrar_only");
        }
        match (self.status, step) {
            (S::Submitted, Step::Accept) => {
                let regime = Regime::on(today);
                self.accepted_on = Some(today);
                self.deadline =
                    Some(regime.review_deadline(today, c.tech_transaction, self.disputed, cal));
                self.status = S::Accepted;
            }
            (S::Submitted | S::Accepted, Step::Return { note }) => {
                if note.trim().is_empty() {
                    return Err(FieldError::new("note", "required"));
                }
                self.status = S::Returned;
                self.accepted_on = None;
                self.deadline = None;
            }
            (S::Returned, Step::Resubmit) => {
                self.status = S::Submitted;
                self.tech_transaction = c.tech_transaction;
                self.subtype = c.subtype;
            }
            (
                S::Accepted,
                Step::Register {
                    subtype,
                    tech_transaction,
                    late_reason,
                },
            ) => {
                self.check_deadline(who, late_reason.as_deref(), today)?;
                if tech_transaction.fen() < 0 || tech_transaction.fen() > c.amount.fen() {
                    return Err(
                        FieldError::new("tech_transaction", "contract_tx_exceeds_amount")
                            .with("value", tech_transaction)
                            .with("amount", c.amount),
                    );
                }
                self.subtype = *subtype;
                self.tech_transaction = *tech_transaction;
                self.status = S::Registered;
            }
            (
                S::Accepted,
                Step::Refuse {
                    reason,
                    note: _,
                    late_reason,
                },
            ) => {
                self.check_deadline(who, late_reason.as_deref(), today)?;
                self.refusal = Some(*reason);
                self.status = S::Refused;
            }
            (S::Registered, Step::Cancel { reason }) => {
                if reason.trim().is_empty() {
                    return Err(FieldError::new("reason", "required"));
                }
                self.status = S::Cancelled;
            }
            (S::Submitted | S::Accepted | S::Returned, Step::Withdraw) => {
                self.status = S::Withdrawn;
            }
            _ => return refuse("contract_step_not_allowed"),
        }
        Ok(())
    }

    /// Marks the contract disputed; the time limit is recomputed (TCR-2026: 30
    /// working days).
    pub fn mark_disputed(&mut self, c: &ContractDraft, cal: &Calendar) {
        self.disputed = true;
        if let Some(a) = self.accepted_on {
            self.deadline = Some(Regime::on(a).review_deadline(a, c.tech_transaction, true, cal));
        }
    }

    /// The days left to decide on `today` (negative when overdue).
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.deadline.map(|d| (d - today).num_days())
    }

    fn check_deadline(
        &self,
        who: Actor,
        late_reason: Option<&str>,
        today: NaiveDate,
    ) -> Result<(), FieldError> {
        let Some(deadline) = self.deadline else {
            return Ok(());
        };
        if today <= deadline {
            return Ok(());
        }
        let reason = late_reason.map(str::trim).filter(|r| !r.is_empty());
        match (who, reason) {
            (Actor::Admin, Some(_)) => Ok(()),
            (Actor::Admin, None) => {
                Err(FieldError::new("late_reason", "contract_late_reason")
                    .with("deadline", deadline))
            }
            _ => Err(FieldError::new("step", "contract_review_overdue").with("deadline", deadline)),
        }
    }
}

/// The technical fields (技术领域) of the statistics: `(code, zh-CN name)`.
pub const FIELDS: [(&str, &str); 10] = [
    ("electronic_information", "电子信息"),
    ("advanced_manufacturing", "先进制造与自动化"),
    ("new_energy", "新能源与高效节能"),
    ("new_materials", "新材料及其应用"),
    ("biomedicine", "生物、医药和医疗器械"),
    ("modern_agriculture", "现代农业"),
    ("environment", "资源与环境"),
    ("modern_transport", "现代交通"),
    ("urban_social", "城市建设与社会发展"),
    ("other", "其他"),
];

/// The zh-CN name of a field code (the code itself when unknown).
pub fn field_label(code: &str) -> &str {
    FIELDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// Whether a field code is on the list.
pub fn is_field(code: &str) -> bool {
    FIELDS.iter().any(|(c, _)| *c == code)
}

/// A full-year projection from a year-to-date figure: when last year's same
/// months and full year are known, this year's YTD scaled by last year's
/// full-year / YTD ratio (keeps the seasonality: contracts bunch in December);
/// otherwise a straight line over the months elapsed.
pub fn project_full_year(
    ytd: Money,
    months_elapsed: u32,
    last_year_ytd: Option<Money>,
    last_year_full: Option<Money>,
) -> Money {
    if let (Some(ly_ytd), Some(ly_full)) = (last_year_ytd, last_year_full)
        && ly_ytd.fen() > 0
        && ly_full.fen() >= ly_ytd.fen()
    {
        let v = i128::from(ytd.fen()) * i128::from(ly_full.fen()) / i128::from(ly_ytd.fen());
        return Money::from_fen(i64::try_from(v).unwrap_or(i64::MAX));
    }
    if months_elapsed == 0 {
        return ytd;
    }
    let v = i128::from(ytd.fen()) * 12 / i128::from(months_elapsed.min(12));
    Money::from_fen(i64::try_from(v).unwrap_or(i64::MAX))
}

/// Largest contract text file accepted, bytes (10 MB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The kinds of contract text file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// PDF.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Plain text, UTF-8 (a BOM is dropped).
    Txt,
}

impl FileKind {
    /// The media type it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Txt => "text/plain; charset=utf-8",
        }
    }
}

/// Checks an uploaded contract text: not empty, at most [`MAX_FILE_BYTES`], a
/// `.pdf`, `.docx` or `.txt` name whose content matches it (`%PDF-`, a ZIP
/// container, UTF-8 text). Returns the kind and, for a TXT file, its text (for
/// search). Every refusal names the field `file`.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<(FileKind, Option<String>), FieldError> {
    let name = name.trim();
    if bytes.is_empty() {
        return Err(FieldError::new("file", "contract_file_empty").with("value", name));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FieldError::new("file", "contract_file_too_large")
            .with("value", name)
            .with("max_mb", MAX_FILE_BYTES / (1024 * 1024)));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = match ext.as_str() {
        "pdf" if bytes.starts_with(b"%PDF-") => FileKind::Pdf,
        "docx" if bytes.starts_with(b"PK\x03\x04") => FileKind::Docx,
        "txt" => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            return match std::str::from_utf8(body) {
                Ok(t) => Ok((FileKind::Txt, Some(t.to_string()))),
                Err(_) => {
                    Err(FieldError::new("file", "contract_file_not_utf8").with("value", name))
                }
            };
        }
        "pdf" | "docx" => {
            return Err(FieldError::new("file", "contract_file_content").with("value", name));
        }
        _ => return Err(FieldError::new("file", "contract_file_type").with("value", name)),
    };
    Ok((kind, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_files_are_checked_by_name_content_and_size() {
        let (k, t) = check_file("合同.TXT", "\u{feff}技术开发合同".as_bytes()).unwrap();
        assert_eq!((k, t.as_deref()), (FileKind::Txt, Some("技术开发合同")));
        assert_eq!(
            check_file("a.pdf", b"%PDF-1.7 ...").unwrap(),
            (FileKind::Pdf, None)
        );
        assert_eq!(
            check_file("a.docx", b"PK\x03\x04...").unwrap().0,
            FileKind::Docx
        );
        let code = |n: &str, b: &[u8]| check_file(n, b).unwrap_err().code;
        assert_eq!(code("a.pdf", b"not a pdf"), "contract_file_content");
        assert_eq!(code("a.exe", b"MZ"), "contract_file_type");
        assert_eq!(code("a.txt", b""), "contract_file_empty");
        assert_eq!(code("a.txt", &[0xff, 0xfe, 0x00]), "contract_file_not_utf8");
        let big = vec![b'a'; MAX_FILE_BYTES + 1];
        let e = check_file("a.txt", &big).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("file", "contract_file_too_large")
        );
        assert!(check_file("a.txt", &big[..MAX_FILE_BYTES]).is_ok());
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wan(w: i64) -> Money {
        Money::from_fen(w * FEN_PER_WAN)
    }

    fn party(side: Side, name: &str, code: &str, kind: PartyType) -> Party {
        Party {
            side,
            name: name.into(),
            credit_code: Some(code.into()),
            kind,
        }
    }

    fn draft() -> ContractDraft {
        ContractDraft {
            title: "储能电池热失控预警技术开发".into(),
            subtype: Subtype::CommissionedDevelopment,
            parties: vec![
                party(
                    Side::Seller,
                    "重庆某大学",
                    "12500000450400000X",
                    PartyType::University,
                ),
                party(
                    Side::Buyer,
                    "重庆某储能公司",
                    "91500224MA5U000001",
                    PartyType::Enterprise,
                ),
            ],
            field: "energy".into(),
            ip_type: Some("patent".into()),
            government_programme: false,
            amount: wan(120),
            non_technical: wan(20),
            tech_transaction: wan(100),
            signed_on: d("2023-03-01"),
            valid_from: d("2023-03-01"),
            valid_to: d("2024-02-29"),
            text: "甲方委托乙方研究开发储能电池热失控预警技术……".into(),
        }
    }

    fn holidays() -> Calendar {
        Calendar::new(vec![d("2026-10-01"), d("2026-10-02")], vec![])
    }

    #[test]
    fn fields_have_labels() {
        assert!(is_field("new_energy"));
        assert!(!is_field("energy"));
        assert_eq!(field_label("new_materials"), "新材料及其应用");
        assert_eq!(field_label("x"), "x");
    }

    #[test]
    fn every_subtype_has_one_category_and_round_trips() {
        for s in Subtype::ALL {
            assert_eq!(Subtype::parse(s.as_str()), Some(s));
            assert!(Category::ALL.contains(&s.category()));
        }
        for c in Category::ALL {
            assert!(Subtype::ALL.iter().any(|s| s.category() == c), "{c:?}");
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Subtype::PatentLicence.category(), Category::Licence);
        assert_eq!(Subtype::Training.seller_role(), "培训人");
        assert_eq!(Subtype::CooperativeDevelopment.seller_role(), "研究开发人");
        assert!(Category::Licence.concerns_rights());
        assert!(!Category::Service.concerns_rights());
    }

    #[test]
    fn a_good_contract_passes() {
        draft().validate(d("2023-03-10")).unwrap();
    }

    #[test]
    fn tech_transaction_above_the_amount_is_refused() {
        let mut c = draft();
        c.tech_transaction = wan(121);
        c.non_technical = Money::ZERO;
        let errs = c.validate(d("2023-03-10")).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "tech_transaction");
        assert_eq!(errs[0].code, "contract_tx_exceeds_amount");
    }

    #[test]
    fn tech_transaction_must_be_the_amount_less_the_non_technical_part() {
        let mut c = draft();
        c.tech_transaction = wan(110);
        let errs = c.validate(d("2023-03-10")).unwrap_err();
        assert_eq!(errs[0].code, "contract_tx_mismatch");
        assert_eq!(
            errs[0].param("expected"),
            Some(wan(100).to_string().as_str())
        );
    }

    #[test]
    fn a_party_on_both_sides_is_refused() {
        let mut c = draft();
        c.parties.push(party(
            Side::Buyer,
            "重庆某大学",
            "12500000450400000x",
            PartyType::University,
        ));
        let errs = c.validate(d("2023-03-10")).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "parties[2]");
        assert_eq!(errs[0].code, "contract_party_both_sides");
    }

    #[test]
    fn missing_sides_text_and_order_are_each_named() {
        let mut c = draft();
        c.parties.retain(|p| p.side == Side::Seller);
        c.text = "  ".into();
        c.valid_to = d("2023-02-01");
        c.amount = Money::ZERO;
        c.non_technical = Money::ZERO;
        c.tech_transaction = Money::ZERO;
        let errs = c.validate(d("2023-03-10")).unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("parties", "contract_no_buyer"),
                ("amount", "contract_amount_positive"),
                ("valid_to", "contract_validity_order"),
                ("text", "contract_text_required"),
            ]
        );
    }

    #[test]
    fn an_individual_needs_no_credit_code_but_an_organisation_does() {
        let mut c = draft();
        c.parties[0].kind = PartyType::Individual;
        c.parties[0].credit_code = None;
        c.validate(d("2023-03-10")).unwrap();
        c.parties[1].credit_code = None;
        let errs = c.validate(d("2023-03-10")).unwrap_err();
        assert_eq!(errs[0].field, "parties[1].credit_code");
    }

    #[test]
    fn under_tcr_2026_an_expired_contract_is_refused_but_not_under_tcr_2000() {
        let mut c = draft();
        c.valid_to = d("2024-02-29");
        c.validate(d("2025-06-01")).unwrap();
        c.signed_on = d("2025-01-01");
        c.valid_from = d("2025-01-01");
        c.valid_to = d("2026-02-28");
        c.validate(d("2026-02-28")).unwrap();
        let errs = c.validate(d("2026-03-01")).unwrap_err();
        assert_eq!(errs[0].code, "contract_expired");
    }

    #[test]
    fn the_time_limits_follow_the_regime_and_the_amount() {
        let cal = Calendar::default();
        // TCR-2000: 30 calendar days.
        assert_eq!(
            Regime::on(d("2025-12-31")).review_deadline(d("2025-12-31"), wan(900), false, &cal),
            d("2026-01-30")
        );
        assert_eq!(Regime::on(d("2026-01-22")), Regime::Tcr2000);
        assert_eq!(Regime::on(d("2026-01-23")), Regime::Tcr2026);
        // TCR-2026: accepted on Monday 2026-03-02, 15 working days → Monday 03-23.
        let r = Regime::Tcr2026;
        assert_eq!(
            r.review_deadline(d("2026-03-02"), wan(100), false, &cal),
            d("2026-03-23")
        );
        // 500万元 exactly is large: 30 working days → Monday 04-13.
        assert_eq!(
            r.review_deadline(d("2026-03-02"), wan(500), false, &cal),
            d("2026-04-13")
        );
        let just_below = Money::from_fen(wan(500).fen() - 1);
        assert_eq!(
            r.review_deadline(d("2026-03-02"), just_below, false, &cal),
            d("2026-03-23")
        );
        assert_eq!(
            r.review_deadline(d("2026-03-02"), wan(1), true, &cal),
            d("2026-04-13")
        );
        // Holidays do not count.
        assert_eq!(
            r.review_deadline(d("2026-09-28"), wan(1), false, &holidays()),
            d("2026-10-21")
        );
    }

    #[test]
    fn the_workflow_allows_and_refuses_each_transition() {
        let c = draft();
        let cal = Calendar::default();
        let today = d("2026-03-02");
        let register = Step::Register {
            subtype: Subtype::CooperativeDevelopment,
            tech_transaction: wan(90),
            late_reason: None,
        };
        let refuse = Step::Refuse {
            reason: RefusalReason::PriceUnclear,
            note: String::new(),
            late_reason: None,
        };
        let cancel = Step::Cancel {
            reason: "合同解除".into(),
        };
        let ret = Step::Return {
            note: "补充合同附件".into(),
        };
        let steps = [
            Step::Accept,
            ret.clone(),
            Step::Resubmit,
            register.clone(),
            refuse.clone(),
            cancel.clone(),
            Step::Withdraw,
        ];
        // (status, step index) pairs that are allowed for the right actor.
        let allowed: &[(Status, usize)] = &[
            (Status::Submitted, 0),
            (Status::Submitted, 1),
            (Status::Submitted, 6),
            (Status::Accepted, 1),
            (Status::Accepted, 3),
            (Status::Accepted, 4),
            (Status::Accepted, 6),
            (Status::Returned, 2),
            (Status::Returned, 6),
            (Status::Registered, 5),
        ];
        for status in Status::ALL {
            for (i, step) in steps.iter().enumerate() {
                let mut r = Registration::submitted(&c);
                r.status = status;
                if status == Status::Accepted {
                    r.accepted_on = Some(today);
                    r.deadline = Some(d("2026-03-23"));
                }
                let who = if matches!(step, Step::Resubmit | Step::Withdraw) {
                    Actor::Seller
                } else {
                    Actor::Registrar
                };
                let before = r.clone();
                let res = r.step(who, step, &c, today, &cal);
                if allowed.contains(&(status, i)) {
                    res.unwrap_or_else(|e| panic!("{status:?} {step:?}: {e:?}"));
                    assert_ne!(r.status, status, "{status:?} {step:?}");
                } else {
                    let e = res.unwrap_err();
                    assert_eq!(e.code, "contract_step_not_allowed", "{status:?} {step:?}");
                    assert_eq!(r, before);
                }
                // The wrong actor is refused whatever the status.
                let wrong = if who == Actor::Seller {
                    Actor::Registrar
                } else {
                    Actor::Seller
                };
                let mut r2 = before.clone();
                assert!(r2.step(wrong, step, &c, today, &cal).is_err());
                assert_eq!(r2, before);
            }
        }
    }

    #[test]
    fn registering_keeps_the_classification_and_verified_amount() {
        let c = draft();
        let cal = Calendar::default();
        let mut r = Registration::submitted(&c);
        r.step(Actor::Registrar, &Step::Accept, &c, d("2026-03-02"), &cal)
            .unwrap();
        assert_eq!(r.deadline, Some(d("2026-03-23")));
        assert_eq!(r.days_left(d("2026-03-20")), Some(3));
        let too_much = Step::Register {
            subtype: Subtype::CommissionedDevelopment,
            tech_transaction: wan(121),
            late_reason: None,
        };
        assert_eq!(
            r.step(Actor::Registrar, &too_much, &c, d("2026-03-10"), &cal)
                .unwrap_err()
                .code,
            "contract_tx_exceeds_amount"
        );
        let ok = Step::Register {
            subtype: Subtype::CooperativeDevelopment,
            tech_transaction: wan(95),
            late_reason: None,
        };
        r.step(Actor::Registrar, &ok, &c, d("2026-03-23"), &cal)
            .unwrap();
        assert_eq!(r.status, Status::Registered);
        assert_eq!(r.subtype, Subtype::CooperativeDevelopment);
        assert_eq!(r.tech_transaction, wan(95));
    }

    #[test]
    fn a_decision_after_the_time_limit_needs_an_admin_and_a_reason() {
        let c = draft();
        let cal = Calendar::default();
        let mut r = Registration::submitted(&c);
        r.step(Actor::Registrar, &Step::Accept, &c, d("2026-03-02"), &cal)
            .unwrap();
        let late = d("2026-03-24");
        let step = |late_reason: Option<&str>| Step::Refuse {
            reason: RefusalReason::SubjectUnclear,
            note: String::new(),
            late_reason: late_reason.map(Into::into),
        };
        let before = r.clone();
        let e = r
            .step(Actor::Registrar, &step(None), &c, late, &cal)
            .unwrap_err();
        assert_eq!(e.code, "contract_review_overdue");
        assert_eq!(e.param("deadline"), Some("2026-03-23"));
        let e = r
            .step(Actor::Admin, &step(Some(" ")), &c, late, &cal)
            .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code),
            ("late_reason", "contract_late_reason")
        );
        assert_eq!(r, before);
        r.step(Actor::Admin, &step(Some("专家评审延期")), &c, late, &cal)
            .unwrap();
        assert_eq!(r.status, Status::Refused);
        assert_eq!(r.refusal, Some(RefusalReason::SubjectUnclear));
    }

    #[test]
    fn a_dispute_lengthens_the_limit_and_a_resubmission_restarts_it() {
        let c = draft();
        let cal = Calendar::default();
        let mut r = Registration::submitted(&c);
        r.step(Actor::Registrar, &Step::Accept, &c, d("2026-03-02"), &cal)
            .unwrap();
        r.mark_disputed(&c, &cal);
        assert_eq!(r.deadline, Some(d("2026-04-13")));
        r.step(
            Actor::Registrar,
            &Step::Return {
                note: "补正".into(),
            },
            &c,
            d("2026-03-05"),
            &cal,
        )
        .unwrap();
        assert_eq!(r.deadline, None);
        r.step(Actor::Seller, &Step::Resubmit, &c, d("2026-03-09"), &cal)
            .unwrap();
        r.step(Actor::Registrar, &Step::Accept, &c, d("2026-03-09"), &cal)
            .unwrap();
        assert_eq!(r.accepted_on, Some(d("2026-03-09")));
        assert_eq!(r.deadline, Some(d("2026-04-20")));
    }

    #[test]
    fn the_fingerprint_finds_the_same_contract_and_only_it() {
        let a = draft();
        let mut b = draft();
        b.text = "甲方委托乙方  研究开发储能电池热失控预警技术。".into();
        b.parties.reverse();
        b.parties[1].credit_code = Some("12500000450400000x".into());
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut c = draft();
        c.amount = wan(121);
        assert_ne!(a.fingerprint(), c.fingerprint());
        let mut e = draft();
        e.text.push_str("第二期");
        assert_ne!(a.fingerprint(), e.fingerprint());
        assert_eq!(a.parties_and_amount(), e.parties_and_amount());
    }

    #[test]
    fn registration_numbers_have_a_fixed_shape() {
        assert_eq!(
            registration_number(2023, "500151", 123).unwrap(),
            "2023500151000123"
        );
        assert_eq!(
            registration_number(2023, "5001", 1).unwrap_err().code,
            "contract_region_code"
        );
        assert_eq!(
            registration_number(2023, "500151", 0).unwrap_err().code,
            "contract_sequence_range"
        );
    }

    #[test]
    fn projections_keep_last_years_seasonality_or_run_a_straight_line() {
        // 3.2亿 in Jan–Sep; last year 0.9亿 by September and 1.0亿 for the year.
        let p = project_full_year(wan(32_000), 9, Some(wan(9_000)), Some(wan(10_000)));
        assert_eq!(p.fen(), 35_555_555_555);
        assert!(p.fen() > wan(35_000).fen());
        // No history: a straight line.
        assert_eq!(project_full_year(wan(900), 9, None, None), wan(1_200));
        assert_eq!(project_full_year(wan(900), 0, None, None), wan(900));
        // A history with nothing by September is no guide.
        assert_eq!(
            project_full_year(wan(900), 9, Some(Money::ZERO), Some(wan(10))),
            wan(1_200)
        );
    }
}
