//! Supplementary facts: what the rules need that filings, IP records and
//! qualifications do not carry — declarations, awards, institutions, standards,
//! financing, market position, management, expert grades and platform scores.
//! The registry keeps one [`Facts`] document per enterprise; a registry profile is
//! the filings plus these facts ([`super::registry::profile`]).

use super::profile::{
    Award, Compliance, EquityRound, ExpertGrades, Institution, Management, Market, Profile,
    StandardDrafted,
};
use std::collections::BTreeMap;

/// The supplementary facts of one enterprise.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// Administrative division code (region overrides).
    #[serde(default)]
    pub region: Option<String>,
    /// S&T awards.
    #[serde(default)]
    pub awards: Vec<Award>,
    /// Recognised R&D institutions (otherwise the filed 研发机构级别 is used).
    #[serde(default)]
    pub institutions: Vec<Institution>,
    /// Standards drafted.
    #[serde(default)]
    pub standards: Vec<StandardDrafted>,
    /// Equity financing rounds.
    #[serde(default)]
    pub financing: Vec<EquityRound>,
    /// Declarations.
    #[serde(default)]
    pub compliance: Compliance,
    /// Market position.
    #[serde(default)]
    pub market: Market,
    /// Management facts.
    #[serde(default)]
    pub management: Management,
    /// Expert grades.
    #[serde(default)]
    pub expert: ExpertGrades,
    /// 专精特新发展评价得分 by year.
    #[serde(default)]
    pub srdi_dev_score: BTreeMap<i32, u32>,
    /// 特色化 points.
    #[serde(default)]
    pub srdi_local_points: Option<u32>,
}

impl Facts {
    /// Copies the facts into a profile.
    pub fn apply(self, p: &mut Profile) {
        p.region = self.region;
        p.awards = self.awards;
        if !self.institutions.is_empty() {
            p.institutions = self.institutions;
        }
        p.standards = self.standards;
        p.financing = self.financing;
        p.compliance = self.compliance;
        p.market = self.market;
        p.management = self.management;
        p.expert = self.expert;
        p.srdi_dev_score = self.srdi_dev_score;
        p.srdi_local_points = self.srdi_local_points;
    }

    /// Validates the facts through the profile checks that concern them.
    pub fn validate(&self) -> Result<(), Vec<crate::error::FieldError>> {
        let mut p = Profile {
            name: "-".into(),
            ..Profile::default()
        };
        self.clone().apply(&mut p);
        p.validate()
    }
}
