//! Notifications: which events concern whom, how a user receives each kind, the
//! e-mail retry policy, and the zh-CN texts.
//!
//! The event log is the source: a consumer follows it by sequence number and turns
//! the events below into notifications for the users they concern. This module
//! holds the rules (kinds, defaults, texts, backoff); `app` looks the recipients up.

use crate::FieldError;

/// What a notification is about. Each user chooses a [`Channel`] per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Kind {
    /// A filing was submitted (bureau staff of the enterprise's town).
    FilingSubmitted,
    /// A filing came back for correction (the enterprise).
    FilingReturned,
    /// A filing was approved (the enterprise).
    FilingApproved,
    /// An expression of interest arrived (the receiving organisation).
    InterestReceived,
    /// An expression of interest was accepted or declined (the sender).
    InterestAnswered,
    /// A matchmaking session's meetings were scheduled (its participants).
    MeetingScheduled,
    /// A subsidy application moved on (the applicant).
    SubsidyUpdated,
    /// A new record matched a saved search (its owner).
    SavedSearch,
    /// A technology contract was submitted for registration (bureau staff of the
    /// seller's town).
    ContractSubmitted,
    /// A technology contract's registration moved on: accepted, returned,
    /// registered or refused (the seller).
    ContractUpdated,
    /// An enterprise consented to a bank seeing its credit evaluation, asking
    /// for a decision (the bank's officers).
    CreditRequested,
    /// A bank decided on a credit application (the enterprise).
    CreditDecided,
    /// A loan was disbursed (the enterprise).
    LoanDisbursed,
    /// A loan falls due within [`LOAN_DUE_DAYS`] days (the enterprise).
    LoanDueSoon,
    /// A loan is overdue (the enterprise and the lending bank).
    LoanOverdue,
    /// A 揭榜挂帅 application was checked, selected or not selected (the applicant).
    ChallengeApplication,
    /// A 揭榜挂帅 milestone was reviewed: passed, to rectify, or terminated (the
    /// project's organisation).
    ChallengeMilestone,
}

/// Days before a loan's end date the enterprise is reminded that it falls due.
pub const LOAN_DUE_DAYS: i64 = 7;

impl Kind {
    /// Every kind, in the order the preferences page lists them.
    pub const ALL: [Kind; 17] = [
        Kind::FilingSubmitted,
        Kind::FilingReturned,
        Kind::FilingApproved,
        Kind::InterestReceived,
        Kind::InterestAnswered,
        Kind::MeetingScheduled,
        Kind::SubsidyUpdated,
        Kind::SavedSearch,
        Kind::ContractSubmitted,
        Kind::ContractUpdated,
        Kind::CreditRequested,
        Kind::CreditDecided,
        Kind::LoanDisbursed,
        Kind::LoanDueSoon,
        Kind::LoanOverdue,
        Kind::ChallengeApplication,
        Kind::ChallengeMilestone,
    ];

    /// Stable code (stored).
    pub fn code(self) -> &'static str {
        match self {
            Kind::FilingSubmitted => "filing_submitted",
            Kind::FilingReturned => "filing_returned",
            Kind::FilingApproved => "filing_approved",
            Kind::InterestReceived => "interest_received",
            Kind::InterestAnswered => "interest_answered",
            Kind::MeetingScheduled => "meeting_scheduled",
            Kind::SubsidyUpdated => "subsidy_updated",
            Kind::SavedSearch => "saved_search",
            Kind::ContractSubmitted => "contract_submitted",
            Kind::ContractUpdated => "contract_updated",
            Kind::CreditRequested => "credit_requested",
            Kind::CreditDecided => "credit_decided",
            Kind::LoanDisbursed => "loan_disbursed",
            Kind::LoanDueSoon => "loan_due_soon",
            Kind::LoanOverdue => "loan_overdue",
            Kind::ChallengeApplication => "challenge_application",
            Kind::ChallengeMilestone => "challenge_milestone",
        }
    }

    /// The kind of a code.
    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Parses a code, naming the field when it is unknown.
    pub fn parse(field: &str, s: &str) -> Result<Kind, FieldError> {
        Kind::from_code(s)
            .ok_or_else(|| FieldError::new(field, "notify_kind_invalid").with("value", s))
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Kind::FilingSubmitted => "企业提交填报（待审核）",
            Kind::FilingReturned => "填报被退回",
            Kind::FilingApproved => "填报审核通过",
            Kind::InterestReceived => "收到对接意向",
            Kind::InterestAnswered => "对接意向有回复",
            Kind::MeetingScheduled => "对接会洽谈已排定",
            Kind::SubsidyUpdated => "补贴申报进度",
            Kind::SavedSearch => "订阅的搜索有新结果",
            Kind::ContractSubmitted => "技术合同待认定登记",
            Kind::ContractUpdated => "技术合同登记进度",
            Kind::CreditRequested => "企业申请授信（待决定）",
            Kind::CreditDecided => "授信申请有结果",
            Kind::LoanDisbursed => "贷款已发放",
            Kind::LoanDueSoon => "贷款即将到期",
            Kind::LoanOverdue => "贷款逾期未还",
            Kind::ChallengeApplication => "揭榜挂帅申报评审结果",
            Kind::ChallengeMilestone => "揭榜挂帅里程碑评审",
        }
    }

    /// The channel when the user has not chosen one: everything in-app.
    pub fn default_channel(self) -> Channel {
        Channel::InApp
    }
}

/// How a user receives one kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Channel {
    /// In the app's list only.
    InApp,
    /// In the app's list and by e-mail.
    Email,
    /// Not at all.
    None,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 3] = [Channel::InApp, Channel::Email, Channel::None];

    /// Stable code (stored).
    pub fn code(self) -> &'static str {
        match self {
            Channel::InApp => "in_app",
            Channel::Email => "email",
            Channel::None => "none",
        }
    }

    /// Parses a code, naming the field when it is unknown.
    pub fn parse(field: &str, s: &str) -> Result<Channel, FieldError> {
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| FieldError::new(field, "notify_channel_invalid").with("value", s))
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Channel::InApp => "站内",
            Channel::Email => "站内＋邮件",
            Channel::None => "不接收",
        }
    }

    /// Whether a notification is stored for the in-app list.
    pub fn in_app(self) -> bool {
        self != Channel::None
    }

    /// Whether an e-mail is queued.
    pub fn email(self) -> bool {
        self == Channel::Email
    }
}

/// Seconds before the next attempt after `attempts` failed ones: 30 s doubling up
/// to one hour, then hourly for ever (a mail is never dropped; it waits for the
/// server to come back).
pub fn retry_delay_secs(attempts: u32) -> i64 {
    const FIRST: i64 = 30;
    const MAX: i64 = 3_600;
    let shift = attempts.saturating_sub(1).min(20);
    (FIRST << shift).min(MAX)
}

/// Checks an e-mail address: one `@`, a non-empty local part, a dotted domain,
/// no spaces or angle brackets, at most 254 characters.
pub fn parse_email(field: &str, s: &str) -> Result<String, FieldError> {
    let s = crate::text::trim(s);
    let bad = || FieldError::new(field, "email_invalid").with("value", s);
    if s.is_empty() || s.len() > 254 || s.chars().any(|c| c.is_whitespace() || "<>,;\"".contains(c))
    {
        return Err(bad());
    }
    let (local, domain) = s.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// The e-mail subject for a notification.
pub fn mail_subject(site: &str, title: &str) -> String {
    format!("【{site}】{title}")
}

/// The e-mail body for a notification: the text, the link, and how to stop.
pub fn mail_body(site: &str, title: &str, body: &str, url: &str) -> String {
    format!(
        "{title}\n\n{body}\n\n查看详情：{url}\n\n—— {site}\n此邮件由系统自动发送，请勿回复。如不想再收到此类邮件，请在“通知设置”中修改接收方式。\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
            assert!(codes.insert(k.code()), "{} twice", k.code());
            assert!(names.insert(k.zh()), "{} twice", k.zh());
        }
        assert!(Kind::parse("kind", "nope").is_err());
        assert_eq!(Channel::parse("c", "email"), Ok(Channel::Email));
        assert_eq!(
            Channel::parse("c", "sms").map_err(|e| e.code),
            Err("notify_channel_invalid")
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(retry_delay_secs(1), 30);
        assert_eq!(retry_delay_secs(2), 60);
        assert_eq!(retry_delay_secs(3), 120);
        assert_eq!(retry_delay_secs(8), 3_600);
        assert_eq!(retry_delay_secs(1_000), 3_600);
    }

    #[test]
    fn emails() {
        assert_eq!(parse_email("e", " a@b.cn ").as_deref(), Ok("a@b.cn"));
        for bad in [
            "", "a", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@b.cn>", "a@.cn",
        ] {
            assert!(parse_email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mail_texts() {
        let s = mail_subject("示范区科技创新服务平台", "填报被退回");
        assert_eq!(s, "【示范区科技创新服务平台】填报被退回");
        let b = mail_body("站", "标题", "正文", "http://x/notifications");
        assert!(b.contains("查看详情：http://x/notifications"));
    }
}
