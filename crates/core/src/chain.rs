//! Daily matching and its outcome chain (PRODUCT.md part 4, issue 4): expressions
//! of interest (意向) between an enterprise and a university or institute, the
//! talks they open (对接洽谈), and what follows — a collaboration signed
//! (产学研合作), a technology contract, a conversion (成果转化) and a new product
//! (新产品).
//!
//! The rules here are pure: which stage may follow which, which dates are
//! plausible, how long a message may be. `app` decides who may do what.

use crate::error::FieldError;
use crate::money::Money;
use chrono::NaiveDate;

macro_rules! simple_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = ($code:literal, $zh:literal)),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),* }

        impl $name {
            /// All values, in order.
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            /// Stable code.
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),* } }
            /// zh-CN name.
            pub fn zh(self) -> &'static str { match self { $($name::$var => $zh),* } }
            /// From a code or the zh-CN name.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                $( if s.eq_ignore_ascii_case($code) || s == $zh { return Some($name::$var); } )*
                None
            }
        }
    };
}

simple_enum! {
    /// The stages of the outcome chain, in the only order they may be reached.
    Stage {
        /// 意向: an expression of interest was sent.
        Interest = ("interest", "对接意向"),
        /// 洽谈: the interest was accepted and the parties talk.
        Talks = ("talks", "对接洽谈"),
        /// 签约: a collaboration was signed (产学研合作).
        Collaboration = ("collaboration", "签约合作"),
        /// 技术合同: a technology contract was registered.
        Contract = ("contract", "技术合同"),
        /// 成果转化: the technology went into use.
        Conversion = ("conversion", "成果转化"),
        /// 新产品: a new product came out of it.
        Product = ("product", "新产品"),
    }
}

simple_enum! {
    /// What an expression of interest is about.
    TargetKind {
        /// An enterprise's technology need (sent by a university or institute).
        Need = ("need", "技术需求"),
        /// An achievement (sent by an enterprise).
        Achievement = ("achievement", "科技成果"),
        /// An expert (sent by an enterprise).
        Expert = ("expert", "专家"),
    }
}

simple_enum! {
    /// Where an expression of interest stands.
    InterestStatus {
        /// 待回复.
        Open = ("open", "待回复"),
        /// 已接受: a thread is open.
        Accepted = ("accepted", "已接受"),
        /// 已婉拒 (with a reason).
        Declined = ("declined", "已婉拒"),
        /// 已撤回 by its sender.
        Withdrawn = ("withdrawn", "已撤回"),
    }
}

simple_enum! {
    /// The bureau's mediation mark on a thread.
    Mediation {
        /// No mediation asked for.
        None = ("none", "无需协调"),
        /// 需协调: the bureau's 技术经理人 should step in.
        Needed = ("needed", "需协调"),
        /// 已协调.
        Mediated = ("mediated", "已协调"),
    }
}

simple_enum! {
    /// How a collaboration came about.
    Source {
        /// 日常对接: daily matching on the platform.
        Daily = ("daily", "日常对接"),
        /// 专场对接: signed at a special session.
        Session = ("session", "专场对接"),
        /// 其他.
        Other = ("other", "其他渠道"),
    }
}

/// Why a chain step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The stage is not the one right after the current one.
    #[error("stage {next:?} cannot follow {current:?}")]
    OutOfOrder {
        /// The chain's current stage.
        current: Stage,
        /// The stage asked for.
        next: Stage,
    },
    /// The stage's date is before the previous stage's.
    #[error("date {date} is before {previous}")]
    DateBeforePrevious {
        /// The date given.
        date: NaiveDate,
        /// The previous stage's date.
        previous: NaiveDate,
    },
}

impl ChainError {
    /// The error as a field error on `field`.
    pub fn on(&self, field: &str) -> FieldError {
        match self {
            ChainError::OutOfOrder { current, next } => {
                FieldError::new(field, "stage_out_of_order")
                    .with("current", current.zh())
                    .with("next", next.zh())
            }
            ChainError::DateBeforePrevious { date, previous } => {
                FieldError::new(field, "date_before_previous_stage")
                    .with("date", date)
                    .with("previous", previous)
            }
        }
    }
}

impl Stage {
    /// The stage right after this one.
    pub fn next(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(i + 1).copied()
    }
}

/// Whether `next` may be recorded on a chain now at `current` (`None`: nothing
/// recorded yet). Stages move forward one at a time; a chain may start at
/// [`Stage::Interest`], or at [`Stage::Collaboration`] when the bureau records a
/// collaboration signed without a prior interest (a special session, say).
pub fn check_advance(current: Option<Stage>, next: Stage) -> Result<(), ChainError> {
    let ok = match current {
        None => matches!(next, Stage::Interest | Stage::Collaboration),
        Some(c) => c.next() == Some(next),
    };
    if ok {
        Ok(())
    } else {
        Err(ChainError::OutOfOrder {
            current: current.unwrap_or(Stage::Interest),
            next,
        })
    }
}

/// Whether a stage's date may follow the previous stage's date (same day allowed).
pub fn check_date(previous: Option<NaiveDate>, date: NaiveDate) -> Result<(), ChainError> {
    match previous {
        Some(p) if date < p => Err(ChainError::DateBeforePrevious { date, previous: p }),
        _ => Ok(()),
    }
}

/// Longest message in an interest or a thread, characters.
pub const MAX_MESSAGE: usize = 5_000;
/// Longest reason for declining, characters.
pub const MAX_REASON: usize = 500;

/// A required message body (an interest's or a thread's): trimmed, line breaks
/// kept, HTML kept as text, at most [`MAX_MESSAGE`] characters.
pub fn message(field: &str, s: &str) -> Result<String, FieldError> {
    crate::matchmaking::long_text(field, s, MAX_MESSAGE)?
        .ok_or_else(|| FieldError::new(field, "required"))
}

/// A required reason (declining an interest, correcting a stage).
pub fn reason(field: &str, s: &str) -> Result<String, FieldError> {
    crate::matchmaking::long_text(field, s, MAX_REASON)?
        .ok_or_else(|| FieldError::new(field, "required"))
}

/// A collaboration as typed (签约合作).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CollaborationInput {
    /// 合作项目名称.
    pub title: String,
    /// 签约日期.
    pub signed_on: String,
    /// 合同金额 (万元; empty = not disclosed).
    pub amount_wan: String,
    /// 来源: daily / session / other.
    pub source: String,
    /// The special session it was signed at (sessions are another module's).
    pub session_id: String,
}

/// A validated collaboration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collaboration {
    /// 合作项目名称.
    pub title: String,
    /// 签约日期.
    pub signed_on: NaiveDate,
    /// 合同金额.
    pub amount: Option<Money>,
    /// 来源.
    pub source: Source,
    /// Special session id.
    pub session_id: Option<String>,
}

impl CollaborationInput {
    /// Validates every field; all problems at once. `default_source` applies
    /// when `source` is empty.
    pub fn parse(&self, default_source: Source) -> Result<Collaboration, Vec<FieldError>> {
        let mut e = Vec::new();
        let title = crate::org::required_text("title", &self.title, crate::matchmaking::MAX_TITLE)
            .map_err(|x| e.push(x))
            .ok();
        let signed_on = crate::date::parse("signed_on", &self.signed_on)
            .map_err(|x| e.push(x))
            .ok();
        let amount = if self.amount_wan.trim().is_empty() {
            None
        } else {
            match Money::parse_wan(&self.amount_wan) {
                Ok(m) if m.fen() < 0 => {
                    e.push(FieldError::new("amount_wan", "value_negative"));
                    None
                }
                Ok(m) => Some(m),
                Err(_) => {
                    e.push(
                        FieldError::new("amount_wan", "number_invalid")
                            .with("value", self.amount_wan.trim()),
                    );
                    None
                }
            }
        };
        let source = if self.source.trim().is_empty() {
            Some(default_source)
        } else {
            let s = Source::parse(&self.source);
            if s.is_none() {
                e.push(
                    FieldError::new("source", "choice_invalid").with("value", self.source.trim()),
                );
            }
            s
        };
        let session_id = crate::org::optional_text("session_id", &self.session_id, 64)
            .map_err(|x| e.push(x))
            .ok()
            .flatten();
        if session_id.is_some() && source.is_some_and(|s| s != Source::Session) {
            e.push(FieldError::new(
                "session_id",
                "session_needs_session_source",
            ));
        }
        match (title, signed_on, source, e.is_empty()) {
            (Some(title), Some(signed_on), Some(source), true) => Ok(Collaboration {
                title,
                signed_on,
                amount,
                source,
                session_id,
            }),
            _ => Err(e),
        }
    }
}

/// A later stage as typed: its date and what it records (contract number,
/// conversion description, product name).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StageInput {
    /// `contract`, `conversion` or `product`.
    pub stage: String,
    /// 日期.
    pub on: String,
    /// 合同编号 / 转化情况 / 产品名称.
    pub detail: String,
}

/// A validated later stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRecord {
    /// The stage.
    pub stage: Stage,
    /// Its date.
    pub on: NaiveDate,
    /// Contract number, conversion description or product name.
    pub detail: String,
}

impl StageInput {
    /// Validates; only the stages after the collaboration are recorded this way.
    pub fn parse(&self) -> Result<StageRecord, Vec<FieldError>> {
        let mut e = Vec::new();
        let stage = match Stage::parse(&self.stage) {
            Some(s @ (Stage::Contract | Stage::Conversion | Stage::Product)) => Some(s),
            _ => {
                e.push(FieldError::new("stage", "choice_invalid").with("value", self.stage.trim()));
                None
            }
        };
        let on = crate::date::parse("on", &self.on)
            .map_err(|x| e.push(x))
            .ok();
        let max = if stage == Some(Stage::Conversion) {
            2_000
        } else {
            100
        };
        let detail = crate::matchmaking::long_text("detail", &self.detail, max)
            .map_err(|x| e.push(x))
            .ok()
            .flatten();
        if detail.is_none() && !e.iter().any(|x| x.field == "detail") {
            e.push(FieldError::new("detail", "required"));
        }
        match (stage, on, detail, e.is_empty()) {
            (Some(stage), Some(on), Some(detail), true) => Ok(StageRecord { stage, on, detail }),
            _ => Err(e),
        }
    }
}

/// The three-year window ending on `to` (inclusive): from the day after the same
/// date three years earlier.
pub fn three_years_to(to: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = to
        .checked_sub_months(chrono::Months::new(36))
        .and_then(|d| d.succ_opt())
        .unwrap_or(to);
    (from, to)
}

/// Re-ranks a need retrieved for an achievement (the university side's reverse
/// match): the same feature rules as [`crate::matchmaking::rerank`], read from
/// the other end — the achievement is the candidate, the need the query.
/// `codes` are the need's and the achievement's owners' 统一社会信用代码 (the
/// region feature; `None` leaves it out).
pub fn rerank_need(
    need: &crate::matchmaking::Need,
    text: f64,
    matched: &[String],
    a: &crate::matchmaking::Achievement,
    codes: (Option<&str>, Option<&str>),
) -> (f64, Vec<String>) {
    let fields: Vec<String> = a.field.iter().cloned().collect();
    crate::matchmaking::rerank_with(
        need,
        text,
        matched,
        &crate::matchmaking::Extras {
            expansions: &[],
            need_org_code: codes.0,
            candidate_org_code: codes.1,
        },
        &crate::matchmaking::Candidate {
            fields: &fields,
            maturity: a.maturity,
            price: a.price,
            transfer_modes: &a.transfer_modes,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn stages_move_forward_one_at_a_time() {
        // (current, next, allowed)
        let table: &[(Option<Stage>, Stage, bool)] = &[
            (None, Interest, true),
            (None, Collaboration, true), // recorded directly by the bureau
            (None, Talks, false),
            (None, Contract, false),
            (None, Product, false),
            (Some(Interest), Talks, true),
            (Some(Interest), Collaboration, false),
            (Some(Talks), Collaboration, true),
            (Some(Talks), Contract, false),
            (Some(Collaboration), Contract, true),
            (Some(Collaboration), Conversion, false),
            (Some(Contract), Conversion, true),
            (Some(Conversion), Product, true),
            (Some(Contract), Product, false),
            (Some(Product), Product, false),
            (Some(Conversion), Contract, false),
            (Some(Product), Interest, false),
            (Some(Collaboration), Collaboration, false),
        ];
        for (current, next, ok) in table {
            assert_eq!(
                check_advance(*current, *next).is_ok(),
                *ok,
                "{current:?} -> {next:?}"
            );
        }
        let e = check_advance(Some(Talks), Product).unwrap_err().on("stage");
        assert_eq!(e.code, "stage_out_of_order");
    }

    #[test]
    fn a_stage_is_not_dated_before_the_one_it_follows() {
        assert!(check_date(None, d("2024-01-01")).is_ok());
        assert!(check_date(Some(d("2024-01-01")), d("2024-01-01")).is_ok());
        assert!(check_date(Some(d("2024-01-02")), d("2024-01-01")).is_err());
        assert_eq!(
            check_date(Some(d("2024-01-02")), d("2024-01-01"))
                .unwrap_err()
                .on("on")
                .code,
            "date_before_previous_stage"
        );
    }

    #[test]
    fn collaborations_name_every_bad_field() {
        let bad = CollaborationInput {
            title: String::new(),
            signed_on: "去年".into(),
            amount_wan: "-3".into(),
            source: "展会".into(),
            session_id: String::new(),
        }
        .parse(Source::Daily)
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "signed_on", "amount_wan", "source"]);
        let ok = CollaborationInput {
            title: "高锰奥氏体钢低温储罐联合研发".into(),
            signed_on: "2024-05-20".into(),
            amount_wan: "120".into(),
            source: "专场对接".into(),
            session_id: "session-2024-05-20".into(),
        }
        .parse(Source::Daily)
        .unwrap();
        assert_eq!(ok.source, Source::Session);
        assert_eq!(ok.amount, Some(Money::from_fen(120 * 1_000_000)));
        let mismatch = CollaborationInput {
            title: "x".into(),
            signed_on: "2024-05-20".into(),
            session_id: "s1".into(),
            ..CollaborationInput::default()
        }
        .parse(Source::Daily)
        .unwrap_err();
        assert_eq!(mismatch[0].code, "session_needs_session_source");
    }

    #[test]
    fn later_stages_need_a_known_stage_a_date_and_a_detail() {
        let bad = StageInput {
            stage: "collaboration".into(),
            on: String::new(),
            detail: " ".into(),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["stage", "on", "detail"]);
        let ok = StageInput {
            stage: "新产品".into(),
            on: "2025-03-01".into(),
            detail: "高锰奥氏体船用低温储罐".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(ok.stage, Product);
    }

    #[test]
    fn messages_are_required_bounded_and_kept_as_text() {
        assert_eq!(message("body", "  ").unwrap_err().code, "required");
        assert_eq!(
            message("body", &"字".repeat(MAX_MESSAGE + 1))
                .unwrap_err()
                .code,
            "too_long"
        );
        assert_eq!(message("body", "<b>hi</b>").unwrap(), "<b>hi</b>");
    }

    #[test]
    fn the_reverse_match_scores_a_need_as_the_forward_match_scores_the_achievement() {
        use crate::matchmaking::{AchievementInput, NeedInput};
        let need = NeedInput {
            title: "低温储罐用高锰钢焊接工艺".into(),
            modes: vec!["技术转让".into()],
            budget_wan: "100".into(),
            field: "新材料".into(),
            ..NeedInput::default()
        }
        .parse()
        .unwrap();
        let a = AchievementInput {
            title: "高锰奥氏体钢焊接工艺".into(),
            field: "新材料".into(),
            maturity: "中试".into(),
            transfer_modes: vec!["转让".into()],
            price_wan: "80".into(),
            ..AchievementInput::default()
        }
        .parse()
        .unwrap();
        let (score, reasons) = rerank_need(&need, 1.0, &["高锰钢".into()], &a, (None, None));
        // The forward weights (docs/matchmaking-scoring.md): 0.70 text + 0.12
        // field + 0.03 pilot + 0.04 budget + 0.02 mode.
        assert_eq!(score, 0.91);
        assert!(
            reasons.iter().any(|r| r.contains("技术领域一致")),
            "{reasons:?}"
        );
        let mut far = need.clone();
        far.field = Some("农业".into());
        far.budget = Some(Money::from_fen(10 * 1_000_000));
        let (lower, _) = rerank_need(&far, 1.0, &[], &a, (None, None));
        assert!(lower < score);
    }

    #[test]
    fn the_three_year_window_ends_on_the_last_day() {
        assert_eq!(
            three_years_to(d("2026-09-30")),
            (d("2023-10-01"), d("2026-09-30"))
        );
    }
}
