//! Roles (ARCHITECTURE.md "The web").

/// What a user may do; decided in `app`, scoped to the user's organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// District bureau administrator: everything, including users and imports.
    BureauAdmin,
    /// District bureau reviewer: reads the registry, reviews filings.
    BureauReviewer,
    /// An enterprise's own staff: its own organisation only.
    Enterprise,
    /// University, institute or expert.
    Research,
    /// A lender in the credit scheme.
    Bank,
    /// Line engineer.
    LineEngineer,
    /// Line operator.
    LineOperator,
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 7] = [
        Self::BureauAdmin,
        Self::BureauReviewer,
        Self::Enterprise,
        Self::Research,
        Self::Bank,
        Self::LineEngineer,
        Self::LineOperator,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::BureauAdmin => "bureau_admin",
            Self::BureauReviewer => "bureau_reviewer",
            Self::Enterprise => "enterprise",
            Self::Research => "research",
            Self::Bank => "bank",
            Self::LineEngineer => "line_engineer",
            Self::LineOperator => "line_operator",
        }
    }

    /// From a stable code.
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Self::BureauAdmin => "科技局管理员",
            Self::BureauReviewer => "科技局审核员",
            Self::Enterprise => "企业用户",
            Self::Research => "高校院所",
            Self::Bank => "金融机构",
            Self::LineEngineer => "产线工程师",
            Self::LineOperator => "产线操作员",
        }
    }

    /// Bureau staff see the district (possibly limited to towns).
    pub fn is_bureau(self) -> bool {
        matches!(self, Self::BureauAdmin | Self::BureauReviewer)
    }

    /// Whether the role belongs to one organisation and sees only it.
    pub fn needs_org(self) -> bool {
        !self.is_bureau()
    }
}
