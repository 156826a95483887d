//! The life of a subsidy application (policy-rules.md §8, the 万州 2021 workflow):
//! 受理 → 初审 → 联审 → 公示 (at least five working days, objections recorded) →
//! 批准 → 兑付, as a state machine whose every step names who may take it.
//!
//! An application made by the platform itself (免申即享: the firm already qualifies
//! on its approved filings) starts as an offer; accepting it with one click skips
//! 受理 and 初审, whose purpose — completeness and truthfulness of the data — the
//! approved filings already serve.

use crate::error::FieldError;
use chrono::{Datelike, NaiveDate, Weekday};

/// Least working days of 公示.
pub const MIN_PUBLICITY_WORKING_DAYS: u32 = 5;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Offered by the platform (免申即享), not yet accepted.
    Offered,
    /// Submitted by the enterprise, waiting for 受理.
    Submitted,
    /// 已受理: waiting for 初审.
    Accepted,
    /// 初审通过: waiting for 联审.
    FirstReviewed,
    /// 联审通过: waiting for 公示.
    JointReviewed,
    /// 公示中.
    Publicized,
    /// 已批准: waiting for payment.
    Approved,
    /// 已兑付.
    Paid,
    /// 未通过 (at some stage, with a reason).
    Rejected,
    /// Withdrawn by the enterprise (or an offer declined).
    Withdrawn,
}

impl Stage {
    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Offered => "offered",
            Stage::Submitted => "submitted",
            Stage::Accepted => "accepted",
            Stage::FirstReviewed => "first_reviewed",
            Stage::JointReviewed => "joint_reviewed",
            Stage::Publicized => "publicized",
            Stage::Approved => "approved",
            Stage::Paid => "paid",
            Stage::Rejected => "rejected",
            Stage::Withdrawn => "withdrawn",
        }
    }

    /// Parses [`Stage::as_str`].
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Every stage in workflow order.
    pub const ALL: [Stage; 10] = [
        Stage::Offered,
        Stage::Submitted,
        Stage::Accepted,
        Stage::FirstReviewed,
        Stage::JointReviewed,
        Stage::Publicized,
        Stage::Approved,
        Stage::Paid,
        Stage::Rejected,
        Stage::Withdrawn,
    ];

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Offered => "待确认（免申即享）",
            Stage::Submitted => "待受理",
            Stage::Accepted => "已受理，待初审",
            Stage::FirstReviewed => "初审通过，待联审",
            Stage::JointReviewed => "联审通过，待公示",
            Stage::Publicized => "公示中",
            Stage::Approved => "已批准，待兑付",
            Stage::Paid => "已兑付",
            Stage::Rejected => "未通过",
            Stage::Withdrawn => "已撤回",
        }
    }

    /// No further step.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Paid | Stage::Rejected | Stage::Withdrawn)
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The applicant enterprise.
    Enterprise,
    /// A bureau reviewer.
    Reviewer,
    /// A bureau administrator (may also do what a reviewer does).
    Admin,
}

/// A step.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// The enterprise accepts a 免申即享 offer.
    AcceptOffer,
    /// 受理.
    Accept,
    /// 初审通过.
    PassFirstReview,
    /// 联审通过.
    PassJointReview,
    /// Start 公示 on a date for a number of working days.
    Publicize {
        /// First day.
        from: NaiveDate,
        /// Working days (at least five).
        working_days: u32,
    },
    /// An objection received during 公示.
    Object {
        /// What was objected.
        text: String,
    },
    /// An objection settled: upheld rejects the application.
    SettleObjection {
        /// Which (0-based).
        index: usize,
        /// Upheld.
        upheld: bool,
        /// Why.
        note: String,
    },
    /// 批准 (after 公示 ended with no open objection).
    Approve,
    /// 兑付 (recorded by the payment itself).
    Pay,
    /// 不予受理 / 审核不通过.
    Reject {
        /// Why (required).
        reason: String,
    },
    /// The enterprise withdraws (before approval) or declines an offer.
    Withdraw,
}

/// An objection during 公示.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Objection {
    /// What was objected.
    pub text: String,
    /// `None` while open; `Some(true)` upheld.
    pub upheld: Option<bool>,
    /// How it was settled.
    pub note: Option<String>,
}

/// The workflow state of one application.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flow {
    /// The stage.
    pub stage: Stage,
    /// 公示 period, inclusive, when started.
    pub publicity: Option<(NaiveDate, NaiveDate)>,
    /// Objections received.
    pub objections: Vec<Objection>,
    /// Why it was rejected.
    pub rejection: Option<String>,
}

impl Flow {
    /// An application submitted by the enterprise.
    pub fn submitted() -> Flow {
        Flow {
            stage: Stage::Submitted,
            publicity: None,
            objections: Vec::new(),
            rejection: None,
        }
    }

    /// An offer made by the platform.
    pub fn offered() -> Flow {
        Flow {
            stage: Stage::Offered,
            ..Flow::submitted()
        }
    }

    /// Takes a step on `today` as `who`, given the calendar; refuses with a field
    /// error and leaves the flow unchanged when the step is not allowed.
    pub fn step(
        &mut self,
        who: Party,
        step: &Step,
        today: NaiveDate,
        cal: &Calendar,
    ) -> Result<(), FieldError> {
        use Stage as S;
        let bureau = matches!(who, Party::Reviewer | Party::Admin);
        let refuse = |code: &'static str| {
            Err(FieldError::new("step", code).with("stage", self.stage.label()))
        };
        let next = match (self.stage, step) {
            (S::Offered, Step::AcceptOffer) if who == Party::Enterprise => S::FirstReviewed,
            (S::Submitted, Step::Accept) if bureau => S::Accepted,
            (S::Accepted, Step::PassFirstReview) if bureau => S::FirstReviewed,
            (S::FirstReviewed, Step::PassJointReview) if bureau => S::JointReviewed,
            (S::JointReviewed, Step::Publicize { from, working_days }) if who == Party::Admin => {
                if *working_days < MIN_PUBLICITY_WORKING_DAYS {
                    return Err(
                        FieldError::new("working_days", "subsidy_publicity_too_short")
                            .with("min", MIN_PUBLICITY_WORKING_DAYS),
                    );
                }
                if *from < today {
                    return Err(FieldError::new("from", "subsidy_publicity_in_past"));
                }
                let end = cal.add_working_days(*from, *working_days);
                self.publicity = Some((*from, end));
                self.stage = S::Publicized;
                return Ok(());
            }
            (S::Publicized, Step::Object { text }) if bureau => {
                if text.trim().is_empty() {
                    return Err(FieldError::new("text", "required"));
                }
                self.objections.push(Objection {
                    text: text.trim().to_owned(),
                    upheld: None,
                    note: None,
                });
                return Ok(());
            }
            (
                S::Publicized,
                Step::SettleObjection {
                    index,
                    upheld,
                    note,
                },
            ) if who == Party::Admin => {
                let Some(o) = self.objections.get_mut(*index) else {
                    return Err(FieldError::new("index", "subsidy_objection_unknown"));
                };
                if o.upheld.is_some() {
                    return Err(FieldError::new("index", "subsidy_objection_settled"));
                }
                if note.trim().is_empty() {
                    return Err(FieldError::new("note", "required"));
                }
                o.upheld = Some(*upheld);
                o.note = Some(note.trim().to_owned());
                if *upheld {
                    self.stage = S::Rejected;
                    self.rejection = Some(format!("公示期异议成立：{}", note.trim()));
                }
                return Ok(());
            }
            (S::Publicized, Step::Approve) if who == Party::Admin => {
                let (_, end) = self.publicity.expect("publicized has a period");
                if today <= end {
                    return Err(
                        FieldError::new("step", "subsidy_publicity_running").with("until", end)
                    );
                }
                if self.objections.iter().any(|o| o.upheld.is_none()) {
                    return Err(FieldError::new("step", "subsidy_objection_open"));
                }
                S::Approved
            }
            (S::Approved, Step::Pay) if who == Party::Admin => S::Paid,
            (s, Step::Reject { reason })
                if bureau && !s.is_final() && s != S::Approved && s != S::Offered =>
            {
                if reason.trim().is_empty() {
                    return Err(FieldError::new("reason", "required"));
                }
                self.rejection = Some(reason.trim().to_owned());
                S::Rejected
            }
            (s, Step::Withdraw)
                if who == Party::Enterprise && !s.is_final() && s != S::Approved =>
            {
                S::Withdrawn
            }
            (_, Step::AcceptOffer | Step::Withdraw) if who != Party::Enterprise => {
                return refuse("subsidy_not_yours");
            }
            (_, _) if !bureau && !matches!(step, Step::AcceptOffer | Step::Withdraw) => {
                return refuse("subsidy_bureau_only");
            }
            _ => return refuse("subsidy_step_not_allowed"),
        };
        self.stage = next;
        Ok(())
    }
}

/// Working days: Monday–Friday, minus public holidays, plus the weekend days made
/// working days in lieu (调休), both lists as the State Council publishes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: Vec<NaiveDate>,
    extra_workdays: Vec<NaiveDate>,
}

impl Calendar {
    /// A calendar from the holiday list and the 调休 working weekend days.
    pub fn new(mut holidays: Vec<NaiveDate>, mut extra_workdays: Vec<NaiveDate>) -> Calendar {
        holidays.sort();
        extra_workdays.sort();
        Calendar {
            holidays,
            extra_workdays,
        }
    }

    /// Whether `d` is a working day.
    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.extra_workdays.binary_search(&d).is_ok() {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && self.holidays.binary_search(&d).is_err()
    }

    /// The last day of a period of `n` working days starting at `from` (counting
    /// `from` itself when it is a working day).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        loop {
            if self.is_working(d) {
                left = left.saturating_sub(1);
                if left == 0 {
                    return d;
                }
            }
            d = d.succ_opt().expect("date in range");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// 2026's National Day holiday: 10-01..10-08 off, 09-27 (Sun) and 10-10 (Sat)
    /// worked in lieu (the shape the State Council publishes each year).
    fn cal() -> Calendar {
        Calendar::new(
            (1..=8).map(|i| d(&format!("2026-10-0{i}"))).collect(),
            vec![d("2026-09-27"), d("2026-10-10")],
        )
    }

    fn run(flow: &mut Flow, steps: &[(Party, Step)], today: &str) {
        for (who, s) in steps {
            flow.step(*who, s, d(today), &cal())
                .unwrap_or_else(|e| panic!("{s:?}: {e:?}"));
        }
    }

    #[test]
    fn five_working_days_skip_weekends_and_holidays_and_count_make_up_days() {
        let c = cal();
        // Mon 2026-11-02 + 5 working days → Fri 11-06.
        assert_eq!(c.add_working_days(d("2026-11-02"), 5), d("2026-11-06"));
        // Thu 11-05 → Wed 11-11 (the weekend skipped).
        assert_eq!(c.add_working_days(d("2026-11-05"), 5), d("2026-11-11"));
        // Starting on a Saturday counts from Monday.
        assert_eq!(c.add_working_days(d("2026-11-07"), 5), d("2026-11-13"));
        // Across National Day: Tue 09-29, Wed 09-30, then 10-09 (Fri), 10-10 (Sat,
        // in lieu), 10-12 (Mon).
        assert_eq!(c.add_working_days(d("2026-09-29"), 5), d("2026-10-12"));
        assert!(c.is_working(d("2026-09-27")));
        assert!(!c.is_working(d("2026-10-05")));
    }

    #[test]
    fn the_whole_way_from_submission_to_payment() {
        let mut f = Flow::submitted();
        run(
            &mut f,
            &[
                (Party::Reviewer, Step::Accept),
                (Party::Reviewer, Step::PassFirstReview),
                (Party::Admin, Step::PassJointReview),
                (
                    Party::Admin,
                    Step::Publicize {
                        from: d("2026-11-02"),
                        working_days: 5,
                    },
                ),
            ],
            "2026-11-02",
        );
        assert_eq!(f.stage, Stage::Publicized);
        assert_eq!(f.publicity, Some((d("2026-11-02"), d("2026-11-06"))));
        // Not before 公示 has ended.
        let e = f
            .step(Party::Admin, &Step::Approve, d("2026-11-06"), &cal())
            .unwrap_err();
        assert_eq!(e.code, "subsidy_publicity_running");
        assert_eq!(f.stage, Stage::Publicized);
        run(
            &mut f,
            &[(Party::Admin, Step::Approve), (Party::Admin, Step::Pay)],
            "2026-11-09",
        );
        assert_eq!(f.stage, Stage::Paid);
        assert!(f.stage.is_final());
    }

    #[test]
    fn publicity_needs_five_working_days_from_today_on() {
        let mut f = Flow::submitted();
        run(
            &mut f,
            &[
                (Party::Reviewer, Step::Accept),
                (Party::Reviewer, Step::PassFirstReview),
                (Party::Reviewer, Step::PassJointReview),
            ],
            "2026-11-02",
        );
        let short = Step::Publicize {
            from: d("2026-11-02"),
            working_days: 4,
        };
        assert_eq!(
            f.step(Party::Admin, &short, d("2026-11-02"), &cal())
                .unwrap_err()
                .field,
            "working_days"
        );
        let past = Step::Publicize {
            from: d("2026-11-01"),
            working_days: 5,
        };
        assert_eq!(
            f.step(Party::Admin, &past, d("2026-11-02"), &cal())
                .unwrap_err()
                .field,
            "from"
        );
        // A reviewer cannot start it.
        let ok = Step::Publicize {
            from: d("2026-11-02"),
            working_days: 5,
        };
        assert_eq!(
            f.step(Party::Reviewer, &ok, d("2026-11-02"), &cal())
                .unwrap_err()
                .code,
            "subsidy_step_not_allowed"
        );
        assert_eq!(f.stage, Stage::JointReviewed);
    }

    #[test]
    fn objections_block_approval_until_settled_and_an_upheld_one_rejects() {
        let mut f = Flow::offered();
        run(
            &mut f,
            &[
                (Party::Enterprise, Step::AcceptOffer),
                (Party::Reviewer, Step::PassJointReview),
                (
                    Party::Admin,
                    Step::Publicize {
                        from: d("2026-11-02"),
                        working_days: 5,
                    },
                ),
                (
                    Party::Reviewer,
                    Step::Object {
                        text: "研发费用口径存疑".into(),
                    },
                ),
            ],
            "2026-11-02",
        );
        let e = f
            .step(Party::Admin, &Step::Approve, d("2026-11-20"), &cal())
            .unwrap_err();
        assert_eq!(e.code, "subsidy_objection_open");
        let mut dismissed = f.clone();
        run(
            &mut dismissed,
            &[
                (
                    Party::Admin,
                    Step::SettleObjection {
                        index: 0,
                        upheld: false,
                        note: "经核实口径无误".into(),
                    },
                ),
                (Party::Admin, Step::Approve),
            ],
            "2026-11-20",
        );
        assert_eq!(dismissed.stage, Stage::Approved);
        run(
            &mut f,
            &[(
                Party::Admin,
                Step::SettleObjection {
                    index: 0,
                    upheld: true,
                    note: "研发费用含生产人员工资".into(),
                },
            )],
            "2026-11-20",
        );
        assert_eq!(f.stage, Stage::Rejected);
        assert_eq!(
            f.rejection.as_deref(),
            Some("公示期异议成立：研发费用含生产人员工资")
        );
    }

    #[test]
    fn who_may_do_what() {
        let today = d("2026-11-02");
        let mut f = Flow::submitted();
        // The enterprise cannot accept its own application…
        assert_eq!(
            f.step(Party::Enterprise, &Step::Accept, today, &cal())
                .unwrap_err()
                .code,
            "subsidy_bureau_only"
        );
        // …nor the bureau withdraw it.
        assert_eq!(
            f.step(Party::Admin, &Step::Withdraw, today, &cal())
                .unwrap_err()
                .code,
            "subsidy_not_yours"
        );
        // A rejection needs a reason.
        let e = f
            .step(
                Party::Reviewer,
                &Step::Reject { reason: " ".into() },
                today,
                &cal(),
            )
            .unwrap_err();
        assert_eq!(e.field, "reason");
        // Paying is only for approved applications.
        assert_eq!(
            f.step(Party::Admin, &Step::Pay, today, &cal())
                .unwrap_err()
                .code,
            "subsidy_step_not_allowed"
        );
        assert_eq!(f.stage, Stage::Submitted);
        f.step(Party::Enterprise, &Step::Withdraw, today, &cal())
            .unwrap();
        assert_eq!(f.stage, Stage::Withdrawn);
        // Nothing moves a final stage.
        for s in [Step::Accept, Step::Withdraw, Step::Pay] {
            let who = if s == Step::Withdraw {
                Party::Enterprise
            } else {
                Party::Admin
            };
            assert!(f.step(who, &s, today, &cal()).is_err());
        }
        // Once approved, neither a withdrawal nor a rejection.
        let mut a = Flow {
            stage: Stage::Approved,
            ..Flow::submitted()
        };
        assert!(
            a.step(Party::Enterprise, &Step::Withdraw, today, &cal())
                .is_err()
        );
        assert!(
            a.step(
                Party::Admin,
                &Step::Reject { reason: "x".into() },
                today,
                &cal()
            )
            .is_err()
        );
    }

    #[test]
    fn stages_round_trip_their_text() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }
}
