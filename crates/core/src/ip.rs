//! Intellectual-property records (rules/policy-rules.md §1.2 "IP", §9 "IP lifecycle").

use crate::error::FieldError;
use chrono::NaiveDate;

/// IP class for 高企 and 科小 scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum IpClass {
    /// Ⅰ类.
    I,
    /// Ⅱ类.
    II,
}

impl IpClass {
    /// zh-CN label.
    pub fn zh(self) -> &'static str {
        match self {
            Self::I => "Ⅰ类",
            Self::II => "Ⅱ类",
        }
    }
}

macro_rules! simple_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = ($code:literal, $zh:literal $(, $alias:literal)*)),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),* }

        impl $name {
            /// All values.
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            /// Stable code.
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),* } }
            /// zh-CN name.
            pub fn zh(self) -> &'static str { match self { $($name::$var => $zh),* } }
            /// From a code, a zh-CN name or an alias.
            pub fn parse(s: &str) -> Option<Self> {
                let f = crate::text::fold(s);
                $( if f == $code.to_ascii_uppercase() || f == crate::text::fold($zh) $(|| f == crate::text::fold($alias))* { return Some($name::$var); } )*
                None
            }
        }
    };
}

simple_enum! {
    /// IP type (§1.2; trademarks are not counted in either class).
    IpType {
        /// 发明专利 (含国防专利).
        InventionPatent = ("invention_patent", "发明专利", "发明", "国防专利"),
        /// 植物新品种.
        PlantVariety = ("plant_variety", "植物新品种"),
        /// 国家级农作物品种.
        CropVariety = ("crop_variety", "国家级农作物品种"),
        /// 国家新药.
        NewDrug = ("new_drug", "国家新药"),
        /// 国家一级中药保护品种.
        TcmProtected = ("tcm_protected", "国家一级中药保护品种"),
        /// 集成电路布图设计专有权.
        IcLayout = ("ic_layout", "集成电路布图设计专有权", "集成电路布图设计"),
        /// 实用新型.
        UtilityModel = ("utility_model", "实用新型", "实用新型专利"),
        /// 外观设计.
        Design = ("design", "外观设计", "外观设计专利"),
        /// 软件著作权.
        Software = ("software", "软件著作权", "软著", "计算机软件著作权"),
    }
}

impl IpType {
    /// The class the type belongs to.
    pub fn class(self) -> IpClass {
        match self {
            Self::UtilityModel | Self::Design | Self::Software => IpClass::II,
            _ => IpClass::I,
        }
    }
}

simple_enum! {
    /// Legal status.
    LegalStatus {
        /// In force.
        Valid = ("valid", "有效", "授权", "维持"),
        /// Lapsed, expired, invalidated or abandoned.
        Lapsed = ("lapsed", "失效", "无效", "终止", "过期"),
        /// Under examination.
        Pending = ("pending", "审查中", "在审", "申请中"),
    }
}

simple_enum! {
    /// How the enterprise obtained the IP (高企 condition 2).
    Acquisition {
        /// 自主研发.
        OwnRnd = ("own_rnd", "自主研发", "原始取得"),
        /// 受让.
        Transfer = ("transfer", "受让", "转让"),
        /// 受赠.
        Gift = ("gift", "受赠"),
        /// 并购.
        Merger = ("merger", "并购"),
    }
}

/// One IP record of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRecord {
    /// Type (its class follows).
    pub ip_type: IpType,
    /// Patent or registration number.
    pub number: String,
    /// Title.
    pub title: String,
    /// Grant date (None while pending).
    pub granted_on: Option<NaiveDate>,
    /// Legal status.
    pub status: LegalStatus,
    /// How it was obtained.
    pub acquisition: Acquisition,
    /// When it was obtained (the grant date for own R&D; the transfer date otherwise).
    pub acquired_on: Option<NaiveDate>,
    /// Already used in a 高企 application (a Ⅱ类 item may be used once).
    pub used_in_hte: bool,
}

impl IpRecord {
    /// Validates cross-field rules: a valid item has a grant date; a transferred
    /// item has its acquisition date; nothing is acquired before it is granted.
    pub fn validate(self) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.number.trim().is_empty() {
            errors.push(FieldError::new("number", "required"));
        }
        if self.title.trim().is_empty() {
            errors.push(FieldError::new("title", "required"));
        }
        if self.status == LegalStatus::Valid && self.granted_on.is_none() {
            errors.push(FieldError::new("granted_on", "required_when_valid"));
        }
        if self.acquisition != Acquisition::OwnRnd && self.acquired_on.is_none() {
            errors.push(FieldError::new("acquired_on", "required_when_acquired"));
        }
        if let (Some(g), Some(a)) = (self.granted_on, self.acquired_on)
            && a < g
            && self.acquisition == Acquisition::OwnRnd
        {
            errors.push(
                FieldError::new("acquired_on", "acquired_before_grant").with("granted_on", g),
            );
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Whether it counts today: in force and granted.
    pub fn in_force(&self) -> bool {
        self.status == LegalStatus::Valid && self.granted_on.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_guideline() {
        assert_eq!(IpType::InventionPatent.class(), IpClass::I);
        assert_eq!(IpType::IcLayout.class(), IpClass::I);
        assert_eq!(IpType::Software.class(), IpClass::II);
        assert_eq!(IpType::parse("软著"), Some(IpType::Software));
        assert_eq!(IpType::parse("商标"), None);
    }

    #[test]
    fn a_valid_transferred_patent_needs_its_dates() {
        let r = IpRecord {
            ip_type: IpType::InventionPatent,
            number: "ZL202310000000.1".into(),
            title: "一种储能电芯的热管理方法".into(),
            granted_on: None,
            status: LegalStatus::Valid,
            acquisition: Acquisition::Transfer,
            acquired_on: None,
            used_in_hte: false,
        };
        let fields: Vec<_> = r
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["granted_on", "acquired_on"]);
    }
}
