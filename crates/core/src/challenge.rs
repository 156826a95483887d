//! 揭榜挂帅 (open-competition challenge projects, policy-rules.md §7.2): a call
//! (榜单) with KPIs, a maximum grant and the issuer's co-funding; applications by
//! teams and consortia; the review panel with conflicts of interest found
//! automatically; scores, ranking and 赛马 (several winners in parallel); the task
//! contract with milestones and funding tranches; milestone reviews that release the
//! next tranche, ask for rectification or terminate; final acceptance against the
//! KPIs. Durations, shares and counts are parameters of the call (§7.2 "Rules worth
//! encoding as parameters").

use crate::error::FieldError;
use crate::money::Money;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// Which way a KPI is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The measured value must be at least the target (≥).
    AtLeast,
    /// The measured value must be at most the target (≤).
    AtMost,
}

/// One key performance indicator of a call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Kpi {
    /// What is measured (e.g. 循环寿命).
    pub metric: String,
    /// Target value.
    pub target: Decimal,
    /// Unit (次, Wh/kg, %).
    pub unit: String,
    /// ≥ or ≤.
    pub direction: Direction,
    /// How it is tested (third-party test, 发榜方 sign-off …).
    pub test_method: String,
}

impl Kpi {
    /// Whether a measured value meets the target.
    pub fn met(&self, measured: Decimal) -> bool {
        match self.direction {
            Direction::AtLeast => measured >= self.target,
            Direction::AtMost => measured <= self.target,
        }
    }

    /// zh-CN statement, e.g. `循环寿命 ≥ 8000 次（第三方检测）`.
    pub fn label(&self) -> String {
        let op = match self.direction {
            Direction::AtLeast => "≥",
            Direction::AtMost => "≤",
        };
        format!(
            "{} {op} {} {}（{}）",
            self.metric,
            self.target.normalize(),
            self.unit,
            self.test_method
        )
    }
}

/// The terms of a call (榜单) as published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CallTerms {
    /// Title.
    pub title: String,
    /// KPIs: at least one.
    pub kpis: Vec<Kpi>,
    /// Duration in months (typically 12–36).
    pub duration_months: u32,
    /// Most the government grants one winner.
    pub max_grant: Money,
    /// The issuer's co-funding per winner (发榜方出资), at least this.
    pub issuer_cofunding: Money,
    /// Winners allowed in parallel (赛马); 1 for a single winner.
    pub parallel_teams: u32,
    /// Lowest average score a winner may have (0–100).
    pub min_score: Decimal,
    /// Applications accepted from (inclusive).
    pub opens: NaiveDate,
    /// Applications accepted until (inclusive).
    pub closes: NaiveDate,
    /// 公示 length in calendar days (7 in the Chongqing example).
    pub publicity_days: u32,
    /// Rectifications a project may have before it must be terminated.
    pub max_rectifications: u32,
}

/// Longest allowed duration, months.
pub const MAX_DURATION_MONTHS: u32 = 60;

impl CallTerms {
    /// Checks the terms; every problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        if self.title.trim().is_empty() {
            errs.push(FieldError::new("title", "required"));
        }
        if self.kpis.is_empty() {
            errs.push(FieldError::new("kpis", "challenge_kpis_required"));
        }
        for (i, k) in self.kpis.iter().enumerate() {
            if k.metric.trim().is_empty() {
                errs.push(FieldError::new(format!("kpis[{i}].metric"), "required"));
            }
            if k.test_method.trim().is_empty() {
                errs.push(FieldError::new(
                    format!("kpis[{i}].test_method"),
                    "required",
                ));
            }
        }
        if self.duration_months == 0 || self.duration_months > MAX_DURATION_MONTHS {
            errs.push(
                FieldError::new("duration_months", "challenge_duration_range")
                    .with("max", MAX_DURATION_MONTHS),
            );
        }
        if self.max_grant.fen() <= 0 {
            errs.push(FieldError::new("max_grant", "value_negative").with("value", self.max_grant));
        }
        if self.issuer_cofunding.fen() < 0 {
            errs.push(
                FieldError::new("issuer_cofunding", "value_negative")
                    .with("value", self.issuer_cofunding),
            );
        }
        if self.parallel_teams == 0 {
            errs.push(FieldError::new(
                "parallel_teams",
                "challenge_parallel_teams",
            ));
        }
        if self.min_score < Decimal::ZERO || self.min_score > Decimal::from(100) {
            errs.push(FieldError::new("min_score", "challenge_score_range"));
        }
        if self.closes < self.opens {
            errs.push(FieldError::new("closes", "challenge_window_order"));
        }
        if self.publicity_days == 0 {
            errs.push(FieldError::new(
                "publicity_days",
                "challenge_publicity_days",
            ));
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Whether `d` is inside the application window.
    pub fn is_open(&self, d: NaiveDate) -> bool {
        self.opens <= d && d <= self.closes
    }
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStage {
    /// Collected demand being refined by experts (凝练论证).
    Draft,
    /// 已发榜: the window runs.
    Published,
    /// 评审中: formal check and panel review.
    Reviewing,
    /// 公示中: the decision published for objections.
    Publicity,
    /// 实施中: task contracts signed, milestones running.
    Running,
    /// 已结项.
    Closed,
    /// 已撤榜 (cancelled; no winner, or withdrawn before award).
    Cancelled,
}

impl CallStage {
    /// Every stage in order.
    pub const ALL: [CallStage; 7] = [
        CallStage::Draft,
        CallStage::Published,
        CallStage::Reviewing,
        CallStage::Publicity,
        CallStage::Running,
        CallStage::Closed,
        CallStage::Cancelled,
    ];

    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            CallStage::Draft => "draft",
            CallStage::Published => "published",
            CallStage::Reviewing => "reviewing",
            CallStage::Publicity => "publicity",
            CallStage::Running => "running",
            CallStage::Closed => "closed",
            CallStage::Cancelled => "cancelled",
        }
    }

    /// Parses [`CallStage::as_str`].
    pub fn parse(s: &str) -> Option<CallStage> {
        CallStage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            CallStage::Draft => "凝练论证中",
            CallStage::Published => "已发榜，揭榜申报中",
            CallStage::Reviewing => "评审中",
            CallStage::Publicity => "立项公示中",
            CallStage::Running => "攻关实施中",
            CallStage::Closed => "已结项",
            CallStage::Cancelled => "已撤榜",
        }
    }

    /// The next stage a bureau step moves the call to, or an error naming why not.
    /// `publish` needs valid terms; `review` needs the window closed; `publicize`
    /// needs at least one selected team; `start` needs the 公示 over with no open
    /// objection; `close` needs every project finished.
    pub fn advance(self, to: CallStage, ready: bool) -> Result<CallStage, FieldError> {
        use CallStage as C;
        let ok = matches!(
            (self, to),
            (C::Draft, C::Published)
                | (C::Published, C::Reviewing)
                | (C::Reviewing, C::Publicity)
                | (C::Publicity, C::Running)
                | (C::Publicity, C::Reviewing)
                | (C::Running, C::Closed)
                | (
                    C::Draft | C::Published | C::Reviewing | C::Publicity,
                    C::Cancelled
                )
        );
        if !ok {
            return Err(FieldError::new("stage", "challenge_stage_not_allowed")
                .with("from", self.label())
                .with("to", to.label()));
        }
        if !ready {
            return Err(FieldError::new("stage", "challenge_stage_not_ready")
                .with("from", self.label())
                .with("to", to.label()));
        }
        Ok(to)
    }
}

/// A person on the review side or in an applicant team, as the COI check sees
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Person {
    /// Person id (expert id or team member id).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Current organisation.
    pub org_id: Option<i64>,
    /// Organisations within the look-back period (former employers).
    pub past_org_ids: Vec<i64>,
    /// Projects (ids) the person took part in within the look-back period.
    pub projects: Vec<i64>,
    /// Technology contracts (ids) the person signed for or performed.
    pub contracts: Vec<i64>,
    /// Consortia / alliances (ids) the person's organisation belongs to.
    pub consortia: Vec<i64>,
}

/// An applicant: the lead organisation, its consortium partners and its team.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Applicant {
    /// Application id.
    pub id: i64,
    /// Lead organisation.
    pub lead_org_id: i64,
    /// Partner organisations of the consortium.
    pub partner_org_ids: Vec<i64>,
    /// The consortium's id, when it is a registered one.
    pub consortium_id: Option<i64>,
    /// Team members.
    pub team: Vec<Person>,
}

impl Applicant {
    fn orgs(&self) -> BTreeSet<i64> {
        std::iter::once(self.lead_org_id)
            .chain(self.partner_org_ids.iter().copied())
            .collect()
    }
}

/// Why a reviewer may not review an applicant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// The reviewer is on the team.
    SamePerson,
    /// The reviewer works (or worked, within the look-back) for an applicant
    /// organisation.
    SameOrganisation {
        /// Which organisation.
        org_id: i64,
    },
    /// The reviewer took part in a project with a team member.
    SharedProject {
        /// Which project.
        project_id: i64,
        /// With whom.
        member: String,
    },
    /// The reviewer signed or performed a contract with a team member.
    SharedContract {
        /// Which contract.
        contract_id: i64,
        /// With whom.
        member: String,
    },
    /// The reviewer's organisation is in the applicant's consortium.
    ConsortiumMember {
        /// Which consortium.
        consortium_id: i64,
    },
}

impl Conflict {
    /// zh-CN statement.
    pub fn label(&self) -> String {
        match self {
            Conflict::SamePerson => "评审专家本人为申报团队成员".into(),
            Conflict::SameOrganisation { org_id } => {
                format!("评审专家现（曾）任职于申报单位（机构{org_id}）")
            }
            Conflict::SharedProject { project_id, member } => {
                format!("评审专家与团队成员{member}共同承担过项目（项目{project_id}）")
            }
            Conflict::SharedContract {
                contract_id,
                member,
            } => format!("评审专家与团队成员{member}有技术合同往来（合同{contract_id}）"),
            Conflict::ConsortiumMember { consortium_id } => {
                format!("评审专家所在单位为申报联合体成员（联合体{consortium_id}）")
            }
        }
    }
}

/// Every conflict of interest between a reviewer and an applicant.
pub fn conflicts(reviewer: &Person, a: &Applicant) -> Vec<Conflict> {
    let mut out = Vec::new();
    if a.team.iter().any(|m| m.id == reviewer.id) {
        out.push(Conflict::SamePerson);
    }
    let orgs = a.orgs();
    let mut seen_orgs = BTreeSet::new();
    for org in reviewer.org_id.iter().chain(reviewer.past_org_ids.iter()) {
        if orgs.contains(org) && seen_orgs.insert(*org) {
            out.push(Conflict::SameOrganisation { org_id: *org });
        }
    }
    for m in a.team.iter().filter(|m| m.id != reviewer.id) {
        if let Some(p) = m.projects.iter().find(|p| reviewer.projects.contains(p)) {
            out.push(Conflict::SharedProject {
                project_id: *p,
                member: m.name.clone(),
            });
        }
        if let Some(c) = m.contracts.iter().find(|c| reviewer.contracts.contains(c)) {
            out.push(Conflict::SharedContract {
                contract_id: *c,
                member: m.name.clone(),
            });
        }
    }
    if let Some(cid) = a.consortium_id
        && reviewer.consortia.contains(&cid)
    {
        out.push(Conflict::ConsortiumMember { consortium_id: cid });
    }
    out
}

/// A drawn panel and the reviewers left out, each with its conflicts.
pub type Panel = (Vec<Person>, Vec<(Person, Vec<Conflict>)>);

/// Draws a panel of `size` reviewers for a call from `pool` (already ordered by
/// fit: field first), skipping everyone with a conflict with any applicant of the
/// call; the draw is a deterministic shuffle by `seed` within the pool's order of
/// fit buckets so that the same inputs give the same panel. Returns the panel and
/// the excluded reviewers with their conflicts.
pub fn draw_panel(
    pool: &[Person],
    applicants: &[Applicant],
    size: usize,
    seed: u64,
) -> Result<Panel, FieldError> {
    let mut excluded = Vec::new();
    let mut clean = Vec::new();
    for r in pool {
        let found: Vec<Conflict> = applicants.iter().flat_map(|a| conflicts(r, a)).collect();
        if found.is_empty() {
            clean.push(r.clone());
        } else {
            excluded.push((r.clone(), found));
        }
    }
    if size == 0 {
        return Err(FieldError::new("size", "challenge_panel_size"));
    }
    if clean.len() < size {
        return Err(FieldError::new("size", "challenge_panel_too_few")
            .with("size", size)
            .with("available", clean.len()));
    }
    // Order by a keyed hash of the id: deterministic, spread, and independent of the
    // pool's storage order.
    clean.sort_by_key(|p| (mix(seed ^ p.id as u64), p.id));
    clean.truncate(size);
    Ok((clean, excluded))
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One reviewer's score of one application (0–100).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Score {
    /// Application.
    pub application_id: i64,
    /// Reviewer.
    pub reviewer_id: i64,
    /// Score.
    pub score: Decimal,
}

/// An application's place in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Ranked {
    /// Application.
    pub application_id: i64,
    /// The average after dropping the highest and lowest score when there are at
    /// least five, two decimals.
    pub average: Decimal,
    /// Scores counted.
    pub scores: usize,
    /// 1-based rank (ties share a rank).
    pub rank: usize,
    /// Within the call's parallel winners and at or above its minimum score.
    pub selected: bool,
}

/// Checks one score as entered.
pub fn validate_score(s: &Score) -> Result<(), FieldError> {
    if s.score < Decimal::ZERO || s.score > Decimal::from(100) {
        return Err(FieldError::new("score", "challenge_score_range").with("value", s.score));
    }
    Ok(())
}

/// Ranks applications by their scores and selects up to `terms.parallel_teams`
/// at or above `terms.min_score`. Applications with no score are ranked last and
/// never selected. Ties on the average are broken by the median score, then by
/// the lower application id (the earlier application), so a ranking is total.
pub fn rank(application_ids: &[i64], scores: &[Score], terms: &CallTerms) -> Vec<Ranked> {
    let mut rows: Vec<(i64, Option<Decimal>, Decimal, usize)> = application_ids
        .iter()
        .map(|&id| {
            let mut v: Vec<Decimal> = scores
                .iter()
                .filter(|s| s.application_id == id)
                .map(|s| s.score)
                .collect();
            v.sort();
            let n = v.len();
            if n == 0 {
                return (id, None, Decimal::ZERO, 0);
            }
            let median = if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / Decimal::from(2)
            };
            let kept: &[Decimal] = if n >= 5 { &v[1..n - 1] } else { &v };
            let sum: Decimal = kept.iter().sum();
            let avg = (sum / Decimal::from(kept.len() as i64))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            (id, Some(avg), median, kept.len())
        })
        .collect();
    rows.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| b.2.cmp(&a.2))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut out: Vec<Ranked> = Vec::with_capacity(rows.len());
    let mut chosen = 0u32;
    for (i, (id, avg, _, n)) in rows.iter().enumerate() {
        let rank = match (out.last(), avg) {
            (Some(prev), Some(a)) if prev.average == *a && prev.scores > 0 => prev.rank,
            _ => i + 1,
        };
        let selected = match avg {
            Some(a) if *a >= terms.min_score && chosen < terms.parallel_teams => {
                chosen += 1;
                true
            }
            _ => false,
        };
        out.push(Ranked {
            application_id: *id,
            average: avg.unwrap_or(Decimal::ZERO),
            scores: *n,
            rank,
            selected,
        });
    }
    out
}

/// One funding tranche of a task contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tranche {
    /// Label (首期 / 中期 / 尾款).
    pub label: String,
    /// Amount.
    pub amount: Money,
    /// The milestone (0-based) whose passed review releases it; `None` for the
    /// advance paid on signing.
    pub after_milestone: Option<usize>,
}

/// One milestone of a task contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Milestone {
    /// What is due.
    pub title: String,
    /// When.
    pub due: NaiveDate,
}

/// Checks a task contract's milestones and tranches against the grant: the
/// tranches add up to the grant exactly, each milestone a tranche refers to exists,
/// milestones are in date order within the duration, and the grant is within the
/// call's maximum.
pub fn validate_plan(
    terms: &CallTerms,
    grant: Money,
    start: NaiveDate,
    milestones: &[Milestone],
    tranches: &[Tranche],
) -> Result<(), Vec<FieldError>> {
    let mut errs = Vec::new();
    if grant.fen() <= 0 || grant.fen() > terms.max_grant.fen() {
        errs.push(
            FieldError::new("grant", "challenge_grant_range")
                .with("value", grant)
                .with("max", terms.max_grant),
        );
    }
    if milestones.is_empty() {
        errs.push(FieldError::new(
            "milestones",
            "challenge_milestones_required",
        ));
    }
    let end = start
        .checked_add_months(chrono::Months::new(terms.duration_months))
        .unwrap_or(NaiveDate::MAX);
    let mut prev = start;
    for (i, m) in milestones.iter().enumerate() {
        if m.title.trim().is_empty() {
            errs.push(FieldError::new(
                format!("milestones[{i}].title"),
                "required",
            ));
        }
        if m.due <= prev || m.due > end {
            errs.push(
                FieldError::new(format!("milestones[{i}].due"), "challenge_milestone_order")
                    .with("end", end),
            );
        }
        prev = prev.max(m.due);
    }
    let mut sum: i64 = 0;
    for (i, t) in tranches.iter().enumerate() {
        if t.amount.fen() <= 0 {
            errs.push(
                FieldError::new(format!("tranches[{i}].amount"), "value_negative")
                    .with("value", t.amount),
            );
        }
        if let Some(m) = t.after_milestone
            && m >= milestones.len()
        {
            errs.push(FieldError::new(
                format!("tranches[{i}].after_milestone"),
                "challenge_milestone_unknown",
            ));
        }
        sum = sum.saturating_add(t.amount.fen());
    }
    if sum != grant.fen() {
        errs.push(
            FieldError::new("tranches", "challenge_tranches_sum")
                .with("sum", Money::from_fen(sum))
                .with("grant", grant),
        );
    }
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}

/// A milestone review's verdict.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// 通过: releases the tranches that wait on this milestone.
    Pass,
    /// 限期整改: the milestone is reviewed again by `due`.
    Rectify {
        /// New due date.
        due: NaiveDate,
        /// What to rectify.
        note: String,
    },
    /// 终止.
    Terminate {
        /// Why.
        reason: String,
    },
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStage {
    /// 实施中.
    Running,
    /// 整改中.
    Rectifying,
    /// All milestones passed, waiting for acceptance.
    AwaitingAcceptance,
    /// 验收通过.
    Accepted,
    /// 验收不通过.
    Failed,
    /// 已终止.
    Terminated,
}

impl ProjectStage {
    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStage::Running => "running",
            ProjectStage::Rectifying => "rectifying",
            ProjectStage::AwaitingAcceptance => "awaiting_acceptance",
            ProjectStage::Accepted => "accepted",
            ProjectStage::Failed => "failed",
            ProjectStage::Terminated => "terminated",
        }
    }

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            ProjectStage::Running => "攻关实施中",
            ProjectStage::Rectifying => "限期整改中",
            ProjectStage::AwaitingAcceptance => "待验收",
            ProjectStage::Accepted => "验收通过",
            ProjectStage::Failed => "验收不通过",
            ProjectStage::Terminated => "已终止",
        }
    }

    /// No further step.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ProjectStage::Accepted | ProjectStage::Failed | ProjectStage::Terminated
        )
    }
}

/// A project under its task contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Project {
    /// Stage.
    pub stage: ProjectStage,
    /// Milestones.
    pub milestones: Vec<Milestone>,
    /// Passed milestones, by index.
    pub passed: Vec<bool>,
    /// Rectifications ordered so far.
    pub rectifications: u32,
    /// Tranches.
    pub tranches: Vec<Tranche>,
    /// Tranches paid, by index.
    pub paid: Vec<bool>,
}

impl Project {
    /// A project as its task contract is signed.
    pub fn signed(milestones: Vec<Milestone>, tranches: Vec<Tranche>) -> Project {
        Project {
            stage: ProjectStage::Running,
            passed: vec![false; milestones.len()],
            paid: vec![false; tranches.len()],
            milestones,
            rectifications: 0,
            tranches,
        }
    }

    /// The next milestone to review.
    pub fn current_milestone(&self) -> Option<usize> {
        self.passed.iter().position(|p| !p)
    }

    /// Records a review of the current milestone `index`.
    pub fn review(
        &mut self,
        index: usize,
        verdict: &Verdict,
        terms: &CallTerms,
    ) -> Result<(), FieldError> {
        if self.stage.is_final() || self.stage == ProjectStage::AwaitingAcceptance {
            return Err(FieldError::new("stage", "challenge_project_closed")
                .with("stage", self.stage.label()));
        }
        if self.current_milestone() != Some(index) {
            return Err(
                FieldError::new("milestone", "challenge_milestone_not_current").with(
                    "expected",
                    self.current_milestone().map_or(-1, |i| i as i64),
                ),
            );
        }
        match verdict {
            Verdict::Pass => {
                self.passed[index] = true;
                self.stage = if self.current_milestone().is_none() {
                    ProjectStage::AwaitingAcceptance
                } else {
                    ProjectStage::Running
                };
            }
            Verdict::Rectify { due, note } => {
                if note.trim().is_empty() {
                    return Err(FieldError::new("note", "required"));
                }
                if self.rectifications >= terms.max_rectifications {
                    return Err(FieldError::new("verdict", "challenge_rectifications_used")
                        .with("max", terms.max_rectifications));
                }
                if *due <= self.milestones[index].due {
                    return Err(FieldError::new("due", "challenge_milestone_order")
                        .with("end", self.milestones[index].due));
                }
                self.rectifications += 1;
                self.milestones[index].due = *due;
                self.stage = ProjectStage::Rectifying;
            }
            Verdict::Terminate { reason } => {
                if reason.trim().is_empty() {
                    return Err(FieldError::new("reason", "required"));
                }
                self.stage = ProjectStage::Terminated;
            }
        }
        Ok(())
    }

    /// Whether tranche `index` may be paid now: not paid yet, the project not
    /// terminated, and its milestone (if any) passed.
    pub fn may_pay(&self, index: usize) -> Result<&Tranche, FieldError> {
        let Some(t) = self.tranches.get(index) else {
            return Err(FieldError::new("tranche", "challenge_tranche_unknown"));
        };
        if self.paid[index] {
            return Err(FieldError::new("tranche", "challenge_tranche_paid"));
        }
        if matches!(self.stage, ProjectStage::Terminated | ProjectStage::Failed) {
            return Err(FieldError::new("tranche", "challenge_project_closed")
                .with("stage", self.stage.label()));
        }
        if let Some(m) = t.after_milestone
            && !self.passed[m]
        {
            return Err(
                FieldError::new("tranche", "challenge_milestone_not_reviewed")
                    .with("milestone", &self.milestones[m].title),
            );
        }
        Ok(t)
    }

    /// Marks tranche `index` paid (after the ledger payment succeeded).
    pub fn mark_paid(&mut self, index: usize) -> Result<(), FieldError> {
        self.may_pay(index)?;
        self.paid[index] = true;
        Ok(())
    }

    /// Final acceptance: every KPI measured and met → accepted, otherwise failed.
    /// `measured` gives one value per KPI of the call, in order.
    pub fn accept(
        &mut self,
        terms: &CallTerms,
        measured: &[Option<Decimal>],
    ) -> Result<Vec<bool>, FieldError> {
        if self.stage != ProjectStage::AwaitingAcceptance {
            return Err(
                FieldError::new("stage", "challenge_not_awaiting_acceptance")
                    .with("stage", self.stage.label()),
            );
        }
        if measured.len() != terms.kpis.len() {
            return Err(FieldError::new("measured", "challenge_kpi_count")
                .with("expected", terms.kpis.len()));
        }
        let met: Vec<bool> = terms
            .kpis
            .iter()
            .zip(measured)
            .map(|(k, v)| v.is_some_and(|v| k.met(v)))
            .collect();
        self.stage = if met.iter().all(|m| *m) {
            ProjectStage::Accepted
        } else {
            ProjectStage::Failed
        };
        Ok(met)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::FEN_PER_WAN;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wan(w: i64) -> Money {
        Money::from_fen(w * FEN_PER_WAN)
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn terms() -> CallTerms {
        CallTerms {
            title: "长循环寿命储能电芯".into(),
            kpis: vec![
                Kpi {
                    metric: "循环寿命".into(),
                    target: dec("8000"),
                    unit: "次".into(),
                    direction: Direction::AtLeast,
                    test_method: "第三方检测".into(),
                },
                Kpi {
                    metric: "内阻".into(),
                    target: dec("0.5"),
                    unit: "mΩ".into(),
                    direction: Direction::AtMost,
                    test_method: "发榜方测试".into(),
                },
            ],
            duration_months: 24,
            max_grant: wan(500),
            issuer_cofunding: wan(500),
            parallel_teams: 2,
            min_score: dec("70"),
            opens: d("2024-01-01"),
            closes: d("2024-02-29"),
            publicity_days: 7,
            max_rectifications: 1,
        }
    }

    #[test]
    fn terms_are_checked_field_by_field() {
        terms().validate().unwrap();
        let mut t = terms();
        t.kpis[1].test_method = " ".into();
        t.duration_months = 61;
        t.parallel_teams = 0;
        t.closes = d("2023-12-31");
        let errs = t.validate().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "kpis[1].test_method",
                "duration_months",
                "parallel_teams",
                "closes"
            ]
        );
        let mut t = terms();
        t.kpis.clear();
        assert_eq!(t.validate().unwrap_err()[0].code, "challenge_kpis_required");
        assert!(terms().is_open(d("2024-02-29")));
        assert!(!terms().is_open(d("2024-03-01")));
    }

    #[test]
    fn kpis_are_met_in_their_direction_inclusive() {
        let t = terms();
        assert!(t.kpis[0].met(dec("8000")));
        assert!(!t.kpis[0].met(dec("7999.9")));
        assert!(t.kpis[1].met(dec("0.5")));
        assert!(!t.kpis[1].met(dec("0.51")));
        assert_eq!(t.kpis[0].label(), "循环寿命 ≥ 8000 次（第三方检测）");
    }

    #[test]
    fn call_stages_allow_and_refuse_each_transition() {
        use CallStage as C;
        let allowed = [
            (C::Draft, C::Published),
            (C::Published, C::Reviewing),
            (C::Reviewing, C::Publicity),
            (C::Publicity, C::Running),
            (C::Publicity, C::Reviewing),
            (C::Running, C::Closed),
            (C::Draft, C::Cancelled),
            (C::Published, C::Cancelled),
            (C::Reviewing, C::Cancelled),
            (C::Publicity, C::Cancelled),
        ];
        for from in C::ALL {
            for to in C::ALL {
                let r = from.advance(to, true);
                if allowed.contains(&(from, to)) {
                    assert_eq!(r.unwrap(), to);
                    assert_eq!(
                        from.advance(to, false).unwrap_err().code,
                        "challenge_stage_not_ready"
                    );
                } else {
                    assert_eq!(r.unwrap_err().code, "challenge_stage_not_allowed");
                }
            }
            assert_eq!(C::parse(from.as_str()), Some(from));
        }
    }

    fn person(id: i64, name: &str, org: i64) -> Person {
        Person {
            id,
            name: name.into(),
            org_id: Some(org),
            ..Person::default()
        }
    }

    fn applicant() -> Applicant {
        let mut lead = person(100, "张工", 1);
        lead.projects = vec![7];
        lead.contracts = vec![70];
        Applicant {
            id: 1,
            lead_org_id: 1,
            partner_org_ids: vec![2],
            consortium_id: Some(9),
            team: vec![lead, person(101, "李博士", 2)],
        }
    }

    #[test]
    fn every_kind_of_conflict_is_found() {
        let a = applicant();
        assert!(conflicts(&person(1, "王教授", 3), &a).is_empty());
        assert_eq!(
            conflicts(&person(101, "李博士", 2), &a),
            [
                Conflict::SamePerson,
                Conflict::SameOrganisation { org_id: 2 }
            ]
        );
        let mut former = person(2, "赵研究员", 3);
        former.past_org_ids = vec![1];
        assert_eq!(
            conflicts(&former, &a),
            [Conflict::SameOrganisation { org_id: 1 }]
        );
        let mut coauthor = person(3, "钱教授", 3);
        coauthor.projects = vec![5, 7];
        coauthor.contracts = vec![70];
        coauthor.consortia = vec![9];
        assert_eq!(
            conflicts(&coauthor, &a),
            [
                Conflict::SharedProject {
                    project_id: 7,
                    member: "张工".into()
                },
                Conflict::SharedContract {
                    contract_id: 70,
                    member: "张工".into()
                },
                Conflict::ConsortiumMember { consortium_id: 9 },
            ]
        );
        assert_eq!(
            Conflict::ConsortiumMember { consortium_id: 9 }.label(),
            "评审专家所在单位为申报联合体成员（联合体9）"
        );
    }

    #[test]
    fn the_panel_excludes_conflicted_reviewers_and_is_deterministic() {
        let a = applicant();
        let mut pool: Vec<Person> = (1..=8)
            .map(|i| person(i, &format!("专家{i}"), 50 + i))
            .collect();
        pool[0].org_id = Some(1);
        pool[1].projects = vec![7];
        let (panel, excluded) = draw_panel(&pool, std::slice::from_ref(&a), 5, 42).unwrap();
        assert_eq!(panel.len(), 5);
        assert_eq!(excluded.len(), 2);
        assert!(panel.iter().all(|p| conflicts(p, &a).is_empty()));
        let (again, _) = draw_panel(&pool, std::slice::from_ref(&a), 5, 42).unwrap();
        assert_eq!(panel, again);
        let mut reversed = pool.clone();
        reversed.reverse();
        let (same, _) = draw_panel(&reversed, std::slice::from_ref(&a), 5, 42).unwrap();
        assert_eq!(panel, same);
        let e = draw_panel(&pool, std::slice::from_ref(&a), 7, 42).unwrap_err();
        assert_eq!(e.code, "challenge_panel_too_few");
        assert_eq!(e.param("available"), Some("6"));
    }

    fn score(app: i64, reviewer: i64, s: &str) -> Score {
        Score {
            application_id: app,
            reviewer_id: reviewer,
            score: dec(s),
        }
    }

    #[test]
    fn ranking_trims_extremes_selects_parallel_winners_above_the_floor() {
        let t = terms();
        let scores = vec![
            // App 1: five scores, 99 and 60 dropped → (80+82+84)/3 = 82.
            score(1, 1, "99"),
            score(1, 2, "80"),
            score(1, 3, "82"),
            score(1, 4, "84"),
            score(1, 5, "60"),
            // App 2: three scores, all kept → 85.
            score(2, 1, "85"),
            score(2, 2, "85"),
            score(2, 3, "85"),
            // App 3: 82 as well, lower median than app 1? median 82 both → id breaks.
            score(3, 1, "82"),
            score(3, 2, "82"),
            // App 4: below the floor.
            score(4, 1, "69.99"),
        ];
        let r = rank(&[4, 3, 2, 1, 5], &scores, &t);
        let order: Vec<(i64, &str, usize, bool)> = r
            .iter()
            .map(|x| (x.application_id, "", x.rank, x.selected))
            .collect();
        assert_eq!(
            order,
            [
                (2, "", 1, true),
                (1, "", 2, true),
                (3, "", 2, false),
                (4, "", 4, false),
                (5, "", 5, false),
            ]
        );
        assert_eq!(r[1].average, dec("82.00"));
        assert_eq!(r[1].scores, 3);
        assert_eq!(r[4].scores, 0);
        // One winner only: the best.
        let mut single = terms();
        single.parallel_teams = 1;
        let r = rank(&[1, 2], &scores, &single);
        assert_eq!(r.iter().filter(|x| x.selected).count(), 1);
        assert!(r[0].selected && r[0].application_id == 2);
        assert_eq!(
            validate_score(&score(1, 1, "100.5")).unwrap_err().code,
            "challenge_score_range"
        );
    }

    fn plan() -> (Vec<Milestone>, Vec<Tranche>) {
        (
            vec![
                Milestone {
                    title: "中期：样品循环寿命4000次".into(),
                    due: d("2025-03-31"),
                },
                Milestone {
                    title: "完成：样品通过第三方检测".into(),
                    due: d("2026-02-28"),
                },
            ],
            vec![
                Tranche {
                    label: "首期".into(),
                    amount: wan(150),
                    after_milestone: None,
                },
                Tranche {
                    label: "中期".into(),
                    amount: wan(200),
                    after_milestone: Some(0),
                },
                Tranche {
                    label: "尾款".into(),
                    amount: wan(150),
                    after_milestone: Some(1),
                },
            ],
        )
    }

    #[test]
    fn plans_must_add_up_and_stay_within_the_duration() {
        let t = terms();
        let (m, tr) = plan();
        validate_plan(&t, wan(500), d("2024-04-01"), &m, &tr).unwrap();
        let errs = validate_plan(&t, wan(501), d("2024-04-01"), &m, &tr).unwrap_err();
        let codes: Vec<&str> = errs.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["challenge_grant_range", "challenge_tranches_sum"]);
        let mut late = m.clone();
        late[1].due = d("2026-04-02");
        let errs = validate_plan(&t, wan(500), d("2024-04-01"), &late, &tr).unwrap_err();
        assert_eq!(errs[0].field, "milestones[1].due");
        let mut bad = tr.clone();
        bad[2].after_milestone = Some(2);
        let errs = validate_plan(&t, wan(500), d("2024-04-01"), &m, &bad).unwrap_err();
        assert_eq!(errs[0].field, "tranches[2].after_milestone");
    }

    #[test]
    fn a_tranche_waits_for_its_milestone_review_and_is_paid_once() {
        let t = terms();
        let (m, tr) = plan();
        let mut p = Project::signed(m, tr);
        p.mark_paid(0).unwrap();
        assert_eq!(p.may_pay(0).unwrap_err().code, "challenge_tranche_paid");
        let e = p.may_pay(1).unwrap_err();
        assert_eq!(e.code, "challenge_milestone_not_reviewed");
        assert_eq!(e.param("milestone"), Some("中期：样品循环寿命4000次"));
        // Reviews go in order.
        assert_eq!(
            p.review(1, &Verdict::Pass, &t).unwrap_err().code,
            "challenge_milestone_not_current"
        );
        let rectify = Verdict::Rectify {
            due: d("2025-06-30"),
            note: "补充循环测试数据".into(),
        };
        p.review(0, &rectify, &t).unwrap();
        assert_eq!(p.stage, ProjectStage::Rectifying);
        assert_eq!(p.milestones[0].due, d("2025-06-30"));
        assert!(p.may_pay(1).is_err());
        // One rectification allowed: the second must pass or terminate.
        assert_eq!(
            p.review(0, &rectify, &t).unwrap_err().code,
            "challenge_rectifications_used"
        );
        p.review(0, &Verdict::Pass, &t).unwrap();
        assert_eq!(p.stage, ProjectStage::Running);
        p.mark_paid(1).unwrap();
        p.review(1, &Verdict::Pass, &t).unwrap();
        assert_eq!(p.stage, ProjectStage::AwaitingAcceptance);
        p.mark_paid(2).unwrap();
        let met = p
            .accept(&t, &[Some(dec("8100")), Some(dec("0.45"))])
            .unwrap();
        assert_eq!(met, [true, true]);
        assert_eq!(p.stage, ProjectStage::Accepted);
    }

    #[test]
    fn termination_stops_payment_and_a_missed_kpi_fails_acceptance() {
        let t = terms();
        let (m, tr) = plan();
        let mut p = Project::signed(m.clone(), tr.clone());
        p.review(
            0,
            &Verdict::Terminate {
                reason: "关键指标无法实现".into(),
            },
            &t,
        )
        .unwrap();
        assert_eq!(p.may_pay(0).unwrap_err().code, "challenge_project_closed");
        assert!(p.review(1, &Verdict::Pass, &t).is_err());

        let mut p = Project::signed(m, tr);
        assert_eq!(
            p.accept(&t, &[None, None]).unwrap_err().code,
            "challenge_not_awaiting_acceptance"
        );
        p.review(0, &Verdict::Pass, &t).unwrap();
        p.review(1, &Verdict::Pass, &t).unwrap();
        assert_eq!(
            p.accept(&t, &[Some(dec("8100"))]).unwrap_err().code,
            "challenge_kpi_count"
        );
        let met = p.accept(&t, &[Some(dec("8100")), None]).unwrap();
        assert_eq!(met, [true, false]);
        assert_eq!(p.stage, ProjectStage::Failed);
    }
}
