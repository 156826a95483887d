//! The policy library (政策库): policy documents, who they serve, and their
//! life cycle.
//!
//! A policy is a published document of a government body (发文机关) with its
//! document number (文号, `渝科局发〔2023〕12号`), level, category, dates and full
//! text. It names the enterprise types it serves ([`Audience`]: an organisation
//! kind or a qualification) and the subsidy measures that implement it (plain
//! measure ids such as `RD-INVEST`). [`PolicyInput::parse`] is the one validating
//! constructor; [`Status::step`] the life cycle (draft → published → repealed;
//! published → expired).

use crate::error::FieldError;
use crate::org::OrgKind;
use crate::qualification::QualificationKind;
use chrono::{Datelike, NaiveDate};

/// Longest title, characters.
pub const MAX_TITLE: usize = 200;
/// Longest issuing body, characters.
pub const MAX_ISSUER: usize = 100;
/// Longest summary, characters.
pub const MAX_SUMMARY: usize = 2_000;
/// Longest full text, characters.
pub const MAX_BODY: usize = 200_000;
/// Longest source URL, characters.
pub const MAX_URL: usize = 500;
/// Most measures linked to one policy.
pub const MAX_MEASURES: usize = 50;

/// The categories (政策类别) a policy is filed under.
pub const CATEGORIES: [&str; 8] = [
    "科技创新",
    "人才",
    "金融",
    "知识产权",
    "成果转化",
    "平台建设",
    "产业发展",
    "综合",
];

/// Which government issued it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 国家级.
    National,
    /// 市级.
    Municipal,
    /// 区级.
    District,
}

impl Level {
    /// All levels, highest first.
    pub const ALL: [Level; 3] = [Level::National, Level::Municipal, Level::District];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Municipal => "municipal",
            Level::District => "district",
        }
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Level::National => "国家级",
            Level::Municipal => "市级",
            Level::District => "区级",
        }
    }

    /// The level named by its code or its zh-CN name.
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        Level::ALL
            .into_iter()
            .find(|l| l.code() == s || l.zh() == s)
    }
}

/// Where a policy is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿: only the bureau sees it.
    Draft,
    /// 已发布.
    Published,
    /// 已失效 (its term ended).
    Expired,
    /// 已废止.
    Repealed,
}

/// What the bureau does to a policy's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Make a draft public.
    Publish,
    /// Mark a published policy as no longer in force before its term.
    Repeal,
    /// Mark a published policy as past its term.
    Expire,
}

impl Status {
    /// All statuses.
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Published,
        Status::Expired,
        Status::Repealed,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Expired => "expired",
            Status::Repealed => "repealed",
        }
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Published => "已发布",
            Status::Expired => "已失效",
            Status::Repealed => "已废止",
        }
    }

    /// The status named by its code.
    pub fn parse(s: &str) -> Option<Status> {
        let s = s.trim();
        Status::ALL
            .into_iter()
            .find(|x| x.code() == s || x.zh() == s)
    }

    /// Whether the public may read a policy in this status (everything but drafts:
    /// a repealed policy stays readable, marked as such).
    pub fn is_public(self) -> bool {
        self != Status::Draft
    }

    /// The status after `step`, or the error (field `status`,
    /// `policy_status_step`) when the step does not apply.
    pub fn step(self, step: Step) -> Result<Status, FieldError> {
        match (self, step) {
            (Status::Draft, Step::Publish) => Ok(Status::Published),
            (Status::Published, Step::Repeal) | (Status::Expired, Step::Repeal) => {
                Ok(Status::Repealed)
            }
            (Status::Published, Step::Expire) => Ok(Status::Expired),
            (s, _) => Err(FieldError::new("status", "policy_status_step").with("status", s.zh())),
        }
    }
}

/// An enterprise type a policy serves (适用对象): an organisation kind (every
/// enterprise, universities, institutes) or a qualification an enterprise holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every organisation of this kind.
    Org(OrgKind),
    /// Enterprises holding this qualification.
    Qual(QualificationKind),
}

impl Audience {
    /// Every audience, in the order the pages list them.
    pub fn all() -> Vec<Audience> {
        let mut v = vec![Audience::Org(OrgKind::Enterprise)];
        v.extend(QualificationKind::ALL.into_iter().map(Audience::Qual));
        v.push(Audience::Org(OrgKind::University));
        v.push(Audience::Org(OrgKind::Institute));
        v
    }

    /// Stable code: the organisation kind's or the qualification's code (they do
    /// not overlap).
    pub fn code(self) -> &'static str {
        match self {
            Audience::Org(k) => k.code(),
            Audience::Qual(q) => q.code(),
        }
    }

    /// zh-CN name (企业 reads 各类企业, so it is not taken for a narrower type).
    pub fn zh(self) -> &'static str {
        match self {
            Audience::Org(OrgKind::Enterprise) => "各类企业",
            Audience::Org(k) => k.zh(),
            Audience::Qual(q) => q.zh(),
        }
    }

    /// The audience named by its code or zh-CN name (or the short names of
    /// qualifications people write: 高企, 科小, 专精特新 …).
    pub fn parse(s: &str) -> Option<Audience> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let all = Audience::all();
        all.iter()
            .copied()
            .find(|a| a.code() == s || a.zh() == s)
            .or_else(|| QualificationKind::parse(s).map(Audience::Qual))
            .or_else(|| OrgKind::parse(s).map(Audience::Org))
            .filter(|a| all.contains(a))
    }

    /// Position in [`Audience::all`] (the order lists are kept in).
    pub fn rank(self) -> usize {
        Audience::all()
            .iter()
            .position(|a| *a == self)
            .unwrap_or(usize::MAX)
    }
}

/// What an organisation is, for matching against [`Audience`]s: its kind and the
/// qualifications it holds today.
pub fn held(kind: OrgKind, quals: &[QualificationKind]) -> Vec<Audience> {
    let mut v = vec![Audience::Org(kind)];
    if kind == OrgKind::Enterprise {
        v.extend(quals.iter().copied().map(Audience::Qual));
    }
    v
}

/// A policy as typed (the API body and the bureau's form).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PolicyInput {
    /// 标题.
    pub title: String,
    /// 发文机关.
    pub issuer: String,
    /// 文号 (optional).
    pub doc_no: String,
    /// `national`, `municipal`, `district` (or 国家级/市级/区级).
    pub level: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// 发布日期.
    pub published_on: String,
    /// 生效日期.
    pub effective_from: String,
    /// 失效日期 (empty: open-ended).
    pub effective_to: String,
    /// 摘要.
    pub summary: String,
    /// 全文.
    pub body: String,
    /// 原文链接.
    pub source_url: String,
    /// 适用对象 codes (or zh-CN names), one list or split on commas.
    pub audiences: Vec<String>,
    /// Linked measure ids.
    pub measures: Vec<String>,
}

/// A validated policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Policy {
    /// 标题.
    pub title: String,
    /// 发文机关.
    pub issuer: String,
    /// 文号, normalised (`〔2023〕`).
    pub doc_no: Option<String>,
    /// 层级.
    pub level: Level,
    /// 类别.
    pub category: String,
    /// 发布日期.
    pub published_on: Option<NaiveDate>,
    /// 生效日期.
    pub effective_from: Option<NaiveDate>,
    /// 失效日期.
    pub effective_to: Option<NaiveDate>,
    /// 摘要.
    pub summary: Option<String>,
    /// 全文.
    pub body: String,
    /// 原文链接.
    pub source_url: Option<String>,
    /// 适用对象 (sorted, distinct).
    pub audiences: Vec<Audience>,
    /// Linked measure ids (order kept, distinct).
    pub measures: Vec<String>,
}

impl serde::Serialize for Audience {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

fn keep<T>(r: Result<T, FieldError>, errs: &mut Vec<FieldError>) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok()
}

fn opt_date(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.trim().is_empty() {
        None
    } else {
        keep(crate::date::parse(field, s), errs)
    }
}

fn split(items: &[String]) -> impl Iterator<Item = &str> {
    items
        .iter()
        .flat_map(|raw| raw.split(|c: char| "，,、;；".contains(c) || c.is_whitespace()))
        .filter(|t| !t.trim().is_empty())
}

/// Checks and normalises a document number (文号): an issuer's prefix, the year
/// in 〔〕 (ASCII `[]`, 【】 and （） are taken as 〔〕), a number, then 号:
/// `渝科局发〔2023〕12号`.
pub fn parse_doc_no(field: &str, s: &str) -> Result<String, FieldError> {
    let bad = || FieldError::new(field, "policy_doc_no_invalid").with("value", s.trim());
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '[' | '【' | '（' | '(' => '〔',
            ']' | '】' | '）' | ')' => '〕',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.chars().count() > 60 {
        return Err(FieldError::new(field, "too_long").with("max", 60));
    }
    let (prefix, rest) = t.split_once('〔').ok_or_else(bad)?;
    let (year, number) = rest.split_once('〕').ok_or_else(bad)?;
    let number = number.strip_suffix('号').ok_or_else(bad)?;
    let year_ok = year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && (1949..=2100).contains(&year.parse::<i32>().unwrap_or(0));
    let number_ok = !number.is_empty()
        && number.len() <= 6
        && number.bytes().all(|b| b.is_ascii_digit())
        && number.bytes().any(|b| b != b'0');
    if prefix.is_empty() || !year_ok || !number_ok || prefix.chars().any(|c| c.is_control()) {
        return Err(bad());
    }
    Ok(format!("{prefix}〔{year}〕{number}号"))
}

/// Checks a linked measure id: 1–40 ASCII letters, digits, `-` or `_` (the
/// subsidy measures' id form).
pub fn parse_measure_id(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.len() <= 40
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(t.to_ascii_uppercase())
    } else {
        Err(FieldError::new(field, "policy_measure_invalid").with("value", t))
    }
}

impl PolicyInput {
    /// Validates every field; all problems at once, each naming its field.
    pub fn parse(&self) -> Result<Policy, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = keep(
            crate::org::required_text("title", &self.title, MAX_TITLE),
            &mut e,
        );
        let issuer = keep(
            crate::org::required_text("issuer", &self.issuer, MAX_ISSUER),
            &mut e,
        );
        let doc_no = if self.doc_no.trim().is_empty() {
            None
        } else {
            keep(parse_doc_no("doc_no", &self.doc_no), &mut e)
        };
        let level = if self.level.trim().is_empty() {
            e.push(FieldError::new("level", "required"));
            None
        } else {
            let l = Level::parse(&self.level);
            if l.is_none() {
                e.push(FieldError::new("level", "choice_invalid").with("value", self.level.trim()));
            }
            l
        };
        let category = match self.category.trim() {
            "" => {
                e.push(FieldError::new("category", "required"));
                None
            }
            c if CATEGORIES.contains(&c) => Some(c.to_string()),
            c => {
                e.push(FieldError::new("category", "choice_invalid").with("value", c));
                None
            }
        };
        let published_on = opt_date("published_on", &self.published_on, &mut e);
        let effective_from = opt_date("effective_from", &self.effective_from, &mut e);
        let effective_to = opt_date("effective_to", &self.effective_to, &mut e);
        if let (Some(f), Some(t)) = (effective_from, effective_to)
            && t < f
        {
            e.push(
                FieldError::new("effective_to", "policy_effective_order")
                    .with("from", crate::date::to_iso(f))
                    .with("to", crate::date::to_iso(t)),
            );
        }
        let summary = keep(
            crate::matchmaking::long_text("summary", &self.summary, MAX_SUMMARY),
            &mut e,
        )
        .flatten();
        let body = match crate::matchmaking::long_text("body", &self.body, MAX_BODY) {
            Ok(Some(b)) => Some(b),
            Ok(None) => {
                e.push(FieldError::new("body", "required"));
                None
            }
            Err(x) => {
                e.push(x);
                None
            }
        };
        let source_url = match crate::org::optional_text("source_url", &self.source_url, MAX_URL) {
            Ok(Some(u)) if u.starts_with("https://") || u.starts_with("http://") => Some(u),
            Ok(Some(u)) => {
                e.push(FieldError::new("source_url", "policy_url_invalid").with("value", u));
                None
            }
            Ok(None) => None,
            Err(x) => {
                e.push(x);
                None
            }
        };
        let mut audiences = Vec::new();
        for t in split(&self.audiences) {
            match Audience::parse(t) {
                Some(a) => audiences.push(a),
                None => e.push(FieldError::new("audiences", "choice_invalid").with("value", t)),
            }
        }
        audiences.sort_by_key(|a| a.rank());
        audiences.dedup();
        if audiences.is_empty() && !e.iter().any(|x| x.field == "audiences") {
            e.push(FieldError::new("audiences", "required"));
        }
        let mut measures: Vec<String> = Vec::new();
        for t in split(&self.measures) {
            if let Some(m) = keep(parse_measure_id("measures", t), &mut e)
                && !measures.contains(&m)
            {
                measures.push(m);
            }
        }
        if measures.len() > MAX_MEASURES {
            e.push(FieldError::new("measures", "too_many_tags").with("max", MAX_MEASURES));
        }
        match (title, issuer, level, category, body) {
            (Some(title), Some(issuer), Some(level), Some(category), Some(body))
                if e.is_empty() =>
            {
                Ok(Policy {
                    title,
                    issuer,
                    doc_no,
                    level,
                    category,
                    published_on,
                    effective_from,
                    effective_to,
                    summary,
                    body,
                    source_url,
                    audiences,
                    measures,
                })
            }
            _ => Err(e),
        }
    }
}

impl Policy {
    /// Whether the policy is in force on `day` in `status`: published, started
    /// (or no start given) and not ended.
    pub fn in_force(&self, status: Status, day: NaiveDate) -> bool {
        status == Status::Published
            && self.effective_from.is_none_or(|f| f <= day)
            && self.effective_to.is_none_or(|t| day <= t)
    }

    /// Whether an organisation holding `held` (see [`held`]) is served.
    pub fn serves(&self, held: &[Audience]) -> bool {
        self.audiences.iter().any(|a| held.contains(a))
    }

    /// The year the search filters by: published, else effective from.
    pub fn year(&self) -> Option<i32> {
        self.published_on.or(self.effective_from).map(|d| d.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PolicyInput {
        PolicyInput {
            title: "铜梁区促进科技创新高质量发展十二条措施".into(),
            issuer: "铜梁区人民政府".into(),
            doc_no: "铜府发〔2023〕12号".into(),
            level: "district".into(),
            category: "科技创新".into(),
            published_on: "2023-03-01".into(),
            effective_from: "2023-03-01".into(),
            effective_to: "2025-12-31".into(),
            summary: "十二条".into(),
            body: "第一条 研发投入补助。".into(),
            source_url: "https://example.org/p/1".into(),
            audiences: vec!["tech_sme, high_tech".into()],
            measures: vec![
                "rd-invest".into(),
                "RD-INVEST".into(),
                "LOAN-INTEREST".into(),
            ],
        }
    }

    #[test]
    fn a_complete_policy_parses_and_normalises() {
        let p = input().parse().expect("valid");
        assert_eq!(p.level, Level::District);
        assert_eq!(p.measures, ["RD-INVEST", "LOAN-INTEREST"]);
        assert_eq!(
            p.audiences,
            [
                Audience::Qual(QualificationKind::TechSme),
                Audience::Qual(QualificationKind::HighTech)
            ]
        );
        assert_eq!(p.year(), Some(2023));
    }

    #[test]
    fn document_numbers_need_a_year_in_brackets_and_a_number() {
        assert_eq!(
            parse_doc_no("d", "渝科局发[2023]12号").as_deref(),
            Ok("渝科局发〔2023〕12号")
        );
        assert_eq!(
            parse_doc_no("d", "国科发火 【2016】 32号").as_deref(),
            Ok("国科发火〔2016〕32号")
        );
        for bad in [
            "渝科局发2023 12号",
            "〔2023〕12号",
            "渝科局发〔23〕12号",
            "渝科局发〔2023〕号",
            "渝科局发〔2023〕12",
            "渝科局发〔1800〕12号",
            "渝科局发〔2023〕0号",
            "渝科局发〔2023〕一二号",
        ] {
            let e = parse_doc_no("doc_no", bad).expect_err(bad);
            assert_eq!(e.code, "policy_doc_no_invalid", "{bad}");
            assert_eq!(e.field, "doc_no");
        }
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut i = input();
        i.title = " ".into();
        i.doc_no = "第12号".into();
        i.level = "provincial".into();
        i.category = "其他".into();
        i.effective_from = "2024-01-01".into();
        i.effective_to = "2023-01-01".into();
        i.body = String::new();
        i.source_url = "ftp://x".into();
        i.audiences = vec!["国企".into()];
        i.measures = vec!["RD INVEST!".into()];
        let e = i.parse().expect_err("invalid");
        let fields: Vec<(&str, &str)> = e.iter().map(|x| (x.field.as_str(), x.code)).collect();
        for want in [
            ("title", "required"),
            ("doc_no", "policy_doc_no_invalid"),
            ("level", "choice_invalid"),
            ("category", "choice_invalid"),
            ("effective_to", "policy_effective_order"),
            ("body", "required"),
            ("source_url", "policy_url_invalid"),
            ("audiences", "choice_invalid"),
            ("measures", "policy_measure_invalid"),
        ] {
            assert!(fields.contains(&want), "{want:?} in {fields:?}");
        }
    }

    #[test]
    fn text_limits_hold() {
        let mut i = input();
        i.title = "长".repeat(MAX_TITLE + 1);
        i.body = "文".repeat(MAX_BODY + 1);
        let e = i.parse().expect_err("too long");
        assert!(e.iter().any(|x| x.field == "title" && x.code == "too_long"));
        assert!(e.iter().any(|x| x.field == "body" && x.code == "too_long"));
    }

    #[test]
    fn the_life_cycle_allows_only_its_steps() {
        assert_eq!(Status::Draft.step(Step::Publish), Ok(Status::Published));
        assert_eq!(Status::Published.step(Step::Repeal), Ok(Status::Repealed));
        assert_eq!(Status::Published.step(Step::Expire), Ok(Status::Expired));
        assert_eq!(Status::Expired.step(Step::Repeal), Ok(Status::Repealed));
        for (s, step) in [
            (Status::Draft, Step::Repeal),
            (Status::Published, Step::Publish),
            (Status::Repealed, Step::Publish),
            (Status::Repealed, Step::Repeal),
        ] {
            assert_eq!(
                s.step(step).expect_err("refused").code,
                "policy_status_step"
            );
        }
        assert!(!Status::Draft.is_public());
        assert!(Status::Repealed.is_public());
    }

    #[test]
    fn in_force_and_serves() {
        let p = input().parse().expect("valid");
        let d = |s: &str| crate::date::from_iso(s).expect("date");
        assert!(p.in_force(Status::Published, d("2024-06-01")));
        assert!(!p.in_force(Status::Published, d("2026-01-01")));
        assert!(!p.in_force(Status::Published, d("2023-02-28")));
        assert!(!p.in_force(Status::Draft, d("2024-06-01")));
        let sme = held(OrgKind::Enterprise, &[QualificationKind::TechSme]);
        assert!(p.serves(&sme));
        assert!(!p.serves(&held(OrgKind::Enterprise, &[])));
        // A university never holds enterprise qualifications.
        assert!(!p.serves(&held(OrgKind::University, &[QualificationKind::HighTech])));
    }

    #[test]
    fn audiences_parse_by_code_or_name() {
        assert_eq!(
            Audience::parse("高新技术企业"),
            Some(Audience::Qual(QualificationKind::HighTech))
        );
        assert_eq!(
            Audience::parse("university"),
            Some(Audience::Org(OrgKind::University))
        );
        assert_eq!(Audience::parse("bank"), None);
        let codes: Vec<&str> = Audience::all().iter().map(|a| a.code()).collect();
        let mut d = codes.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), codes.len(), "codes are distinct");
    }
}
