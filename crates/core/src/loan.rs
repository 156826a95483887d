//! Knowledge-value credit loans as records: the enterprise's consent to a bank,
//! the bank's decision, the loan, its repayments and its overdue state
//! (policy-rules.md §5.3: "keep a loan ledger per company: bank, amount, start,
//! end, rate, status; run an overdue → compensation-claim workflow").

use crate::error::FieldError;
use crate::money::{FEN_PER_WAN, Money};
use chrono::NaiveDate;

/// Largest loan accepted: 1 亿元 (the 2023 A line is 500 万元; banks may add
/// commercial loans on top, recorded separately).
pub const MAX_LOAN_FEN: i64 = 10_000 * FEN_PER_WAN;
/// Highest annual rate accepted, basis points (24 %, the judicial protection cap).
pub const MAX_RATE_BP: u32 = 2_400;
/// Longest term, months.
pub const MAX_TERM_MONTHS: u32 = 60;

/// An enterprise's consent that one bank may see its credit evaluation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Consent {
    /// Given on.
    pub granted: NaiveDate,
    /// Revoked on, if revoked.
    pub revoked: Option<NaiveDate>,
}

impl Consent {
    /// Whether the consent holds on `d` (from the day granted; not from the day
    /// revoked).
    pub fn holds_on(&self, d: NaiveDate) -> bool {
        self.granted <= d && self.revoked.is_none_or(|r| d < r)
    }
}

/// What a loan is recorded with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoanTerms {
    /// Principal, fen.
    pub amount_fen: i64,
    /// Annual rate, basis points.
    pub rate_bp: u32,
    /// Drawn on.
    pub start: NaiveDate,
    /// Due on.
    pub end: NaiveDate,
    /// Commercial loans the bank granted alongside (撬动的商业贷款), fen.
    pub leveraged_fen: i64,
}

impl LoanTerms {
    /// Checks the terms; every problem names its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        if self.amount_fen <= 0 || self.amount_fen > MAX_LOAN_FEN {
            errs.push(
                FieldError::new("amount", "loan_amount_range")
                    .with("value", Money::from_fen(self.amount_fen))
                    .with("max", Money::from_fen(MAX_LOAN_FEN)),
            );
        }
        if self.rate_bp == 0 || self.rate_bp > MAX_RATE_BP {
            errs.push(FieldError::new("rate", "loan_rate_range").with("max", "24%"));
        }
        if self.end <= self.start {
            errs.push(
                FieldError::new("end", "loan_end_before_start")
                    .with("start", self.start)
                    .with("end", self.end),
            );
        } else if self.term_months() > MAX_TERM_MONTHS {
            errs.push(FieldError::new("end", "loan_term_too_long").with("max", MAX_TERM_MONTHS));
        }
        if self.leveraged_fen < 0 {
            errs.push(
                FieldError::new("leveraged", "value_negative")
                    .with("value", Money::from_fen(self.leveraged_fen)),
            );
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Whole months from start to end, rounded up.
    pub fn term_months(&self) -> u32 {
        use chrono::Datelike;
        let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
            - self.start.month() as i32;
        let months = if self.end.day() > self.start.day() {
            months + 1
        } else {
            months
        };
        months.max(0) as u32
    }
}

/// Where a loan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    /// Outstanding and not overdue.
    Current,
    /// Principal unpaid after the due date.
    Overdue,
    /// Fully repaid.
    Repaid,
    /// Overdue principal compensated by the risk fund (claim paid).
    Compensated,
}

impl LoanStatus {
    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            LoanStatus::Current => "正常",
            LoanStatus::Overdue => "逾期",
            LoanStatus::Repaid => "已结清",
            LoanStatus::Compensated => "已代偿",
        }
    }
}

/// A loan's state from its terms and repayments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Loan {
    /// The terms.
    pub terms: LoanTerms,
    /// Principal repaid so far, fen.
    pub repaid_fen: i64,
    /// A compensation claim was paid for it.
    pub compensated: bool,
}

impl Loan {
    /// A new loan.
    pub fn new(terms: LoanTerms) -> Result<Loan, Vec<FieldError>> {
        terms.validate()?;
        Ok(Loan {
            terms,
            repaid_fen: 0,
            compensated: false,
        })
    }

    /// Outstanding principal.
    pub fn outstanding(&self) -> Money {
        Money::from_fen(self.terms.amount_fen - self.repaid_fen)
    }

    /// Records a repayment of principal; refuses more than is outstanding, a
    /// repayment before the loan started, or after it was compensated.
    pub fn repay(&mut self, fen: i64, on: NaiveDate) -> Result<(), FieldError> {
        if fen <= 0 {
            return Err(FieldError::new("amount", "ledger_amount_not_positive").with("value", fen));
        }
        if on < self.terms.start {
            return Err(
                FieldError::new("date", "loan_repay_before_start").with("start", self.terms.start)
            );
        }
        if self.compensated {
            return Err(FieldError::new("amount", "loan_compensated"));
        }
        if fen > self.outstanding().fen() {
            return Err(FieldError::new("amount", "loan_repay_too_much")
                .with("outstanding", self.outstanding()));
        }
        self.repaid_fen += fen;
        Ok(())
    }

    /// The status on a date.
    pub fn status(&self, on: NaiveDate) -> LoanStatus {
        if self.compensated {
            LoanStatus::Compensated
        } else if self.outstanding().fen() == 0 {
            LoanStatus::Repaid
        } else if on > self.terms.end {
            LoanStatus::Overdue
        } else {
            LoanStatus::Current
        }
    }

    /// Days overdue on a date (0 when not overdue).
    pub fn days_overdue(&self, on: NaiveDate) -> i64 {
        if self.status(on) == LoanStatus::Overdue {
            (on - self.terms.end).num_days()
        } else {
            0
        }
    }

    /// Whether a risk-compensation claim may be made on a date: overdue for at
    /// least `min_days` and not yet compensated. Returns the principal to claim.
    pub fn claimable(&self, on: NaiveDate, min_days: i64) -> Result<Money, FieldError> {
        match self.status(on) {
            LoanStatus::Overdue if self.days_overdue(on) >= min_days => Ok(self.outstanding()),
            LoanStatus::Overdue => {
                Err(FieldError::new("loan", "loan_not_overdue_long_enough").with("days", min_days))
            }
            LoanStatus::Compensated => Err(FieldError::new("loan", "loan_compensated")),
            s => Err(FieldError::new("loan", "loan_not_overdue").with("status", s.label())),
        }
    }

    /// Interest for `days` days at the loan's rate on the outstanding principal
    /// (actual/365), rounded to the fen.
    pub fn interest(&self, days: u32) -> Money {
        Money::from_fen(crate::ledger::share_fen(
            self.outstanding().fen(),
            i64::from(self.terms.rate_bp) * i64::from(days),
            10_000 * 365,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn terms() -> LoanTerms {
        LoanTerms {
            amount_fen: 300 * FEN_PER_WAN,
            rate_bp: 385,
            start: d("2025-03-15"),
            end: d("2026-03-15"),
            leveraged_fen: 200 * FEN_PER_WAN,
        }
    }

    #[test]
    fn consent_holds_from_grant_until_revocation() {
        let c = Consent {
            granted: d("2026-01-10"),
            revoked: Some(d("2026-02-01")),
        };
        assert!(!c.holds_on(d("2026-01-09")));
        assert!(c.holds_on(d("2026-01-10")));
        assert!(c.holds_on(d("2026-01-31")));
        assert!(!c.holds_on(d("2026-02-01")));
    }

    #[test]
    fn bad_terms_are_refused_naming_the_field() {
        let mut t = terms();
        t.amount_fen = 0;
        t.rate_bp = 2_401;
        t.end = d("2025-03-01");
        t.leveraged_fen = -1;
        let errs = t.validate().unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("amount", "loan_amount_range"),
                ("rate", "loan_rate_range"),
                ("end", "loan_end_before_start"),
                ("leveraged", "value_negative")
            ]
        );
        let mut long = terms();
        long.end = d("2030-03-16");
        assert_eq!(long.term_months(), 61);
        assert_eq!(long.validate().unwrap_err()[0].code, "loan_term_too_long");
        assert_eq!(terms().term_months(), 12);
    }

    #[test]
    fn repayments_overdue_and_claims() {
        let mut l = Loan::new(terms()).unwrap();
        assert_eq!(l.status(d("2025-12-01")), LoanStatus::Current);
        l.repay(100 * FEN_PER_WAN, d("2025-09-15")).unwrap();
        assert_eq!(l.outstanding().fen(), 200 * FEN_PER_WAN);
        assert_eq!(
            l.repay(201 * FEN_PER_WAN, d("2025-10-01"))
                .unwrap_err()
                .code,
            "loan_repay_too_much"
        );
        assert_eq!(
            l.repay(1, d("2025-01-01")).unwrap_err().code,
            "loan_repay_before_start"
        );
        assert_eq!(l.outstanding().fen(), 200 * FEN_PER_WAN);
        // Due 2026-03-15; on 03-16 it is one day overdue.
        assert_eq!(l.status(d("2026-03-15")), LoanStatus::Current);
        assert_eq!(l.days_overdue(d("2026-03-16")), 1);
        assert_eq!(
            l.claimable(d("2026-03-16"), 90).unwrap_err().code,
            "loan_not_overdue_long_enough"
        );
        assert_eq!(
            l.claimable(d("2026-06-13"), 90).unwrap().fen(),
            200 * FEN_PER_WAN
        );
        l.compensated = true;
        assert_eq!(l.status(d("2026-07-01")), LoanStatus::Compensated);
        assert_eq!(
            l.claimable(d("2026-07-01"), 90).unwrap_err().code,
            "loan_compensated"
        );
        assert_eq!(
            l.repay(1, d("2026-07-01")).unwrap_err().code,
            "loan_compensated"
        );
    }

    #[test]
    fn a_repaid_loan_is_not_overdue() {
        let mut l = Loan::new(terms()).unwrap();
        l.repay(300 * FEN_PER_WAN, d("2026-03-01")).unwrap();
        assert_eq!(l.status(d("2027-01-01")), LoanStatus::Repaid);
        assert_eq!(
            l.claimable(d("2027-01-01"), 90).unwrap_err().code,
            "loan_not_overdue"
        );
    }

    #[test]
    fn interest_is_actual_over_365() {
        let l = Loan::new(terms()).unwrap();
        // 300 万 × 3.85 % × 365/365 = 11.55 万元.
        assert_eq!(l.interest(365).fen(), 115_500 * 100);
        // 30 days: 3,000,000 × 0.0385 × 30 / 365 = 9,493.15 元.
        assert_eq!(l.interest(30).fen(), 949_315);
    }
}
