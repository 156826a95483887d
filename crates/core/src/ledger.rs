//! The money ledger: balanced double-entry transactions of integer fen.
//!
//! Every amount that moves — a budget appropriation, a subsidy payment, a
//! risk-compensation claim, a challenge-project tranche — is one [`Transaction`]:
//! two or more [`Posting`]s on [`Account`]s whose amounts sum to exactly zero, with
//! an idempotency key the database holds unique. A posting's amount is signed: a
//! positive amount adds to the account's balance, a negative one takes from it.
//!
//! Accounts and their sign conventions:
//!
//! | kind | example | balance |
//! |---|---|---|
//! | treasury | `treasury:district` | ≤ 0: what the budget authority has appropriated |
//! | budget | `budget:2026:RD-INVEST` | ≥ 0: money left on a budget line |
//! | fund | `fund:risk-comp` | ≥ 0: money in a fund |
//! | enterprise | `enterprise:<org id>` | ≥ 0: money received |
//! | bank | `bank:<org id>` | ≥ 0: money received |
//!
//! So an appropriation moves money from a treasury to a budget line, a payout from
//! a budget line to an enterprise, and the sum over all accounts is always zero.
//! [`Balances::apply`] refuses a transaction that would take a non-treasury account
//! below zero (a budget can never be overspent) and changes nothing then.

use crate::error::FieldError;
use std::collections::BTreeMap;
use std::fmt;

/// Largest amount of one posting: 10 trillion 元, far above any real payment, so a
/// sum of postings can never overflow.
pub const MAX_POSTING_FEN: i64 = 1_000_000_000_000_000;
/// Most postings in one transaction.
pub const MAX_POSTINGS: usize = 64;
/// Longest idempotency key.
pub const MAX_KEY_LEN: usize = 128;

/// What an account is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A budget authority (市级财政, 区级财政): the source of appropriations.
    Treasury,
    /// A budget line: one measure's money for one year.
    Budget,
    /// A fund (the knowledge-value loan risk-compensation fund).
    Fund,
    /// An enterprise receiving money.
    Enterprise,
    /// A bank receiving money (compensation of overdue principal).
    Bank,
}

impl AccountKind {
    /// The prefix of the account's text form.
    pub fn prefix(self) -> &'static str {
        match self {
            AccountKind::Treasury => "treasury",
            AccountKind::Budget => "budget",
            AccountKind::Fund => "fund",
            AccountKind::Enterprise => "enterprise",
            AccountKind::Bank => "bank",
        }
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        match self {
            AccountKind::Treasury => "财政",
            AccountKind::Budget => "预算科目",
            AccountKind::Fund => "资金池",
            AccountKind::Enterprise => "企业",
            AccountKind::Bank => "银行",
        }
    }

    /// Whether the balance may go below zero (only a treasury's does).
    pub fn may_go_negative(self) -> bool {
        self == AccountKind::Treasury
    }

    fn from_prefix(s: &str) -> Option<Self> {
        [
            AccountKind::Treasury,
            AccountKind::Budget,
            AccountKind::Fund,
            AccountKind::Enterprise,
            AccountKind::Bank,
        ]
        .into_iter()
        .find(|k| k.prefix() == s)
    }
}

/// An account: a kind and a code, written `kind:code` (`budget:2026:RD-INVEST`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Account {
    kind: AccountKind,
    code: String,
}

impl Account {
    /// An account of `kind` with `code` (ASCII letters, digits, `-`, `_`, `.`, `:`;
    /// 1–100 characters).
    pub fn new(kind: AccountKind, code: &str) -> Result<Account, FieldError> {
        let ok = !code.is_empty()
            && code.len() <= 100
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if ok {
            Ok(Account {
                kind,
                code: code.to_owned(),
            })
        } else {
            Err(FieldError::new("account", "ledger_account_invalid").with("value", code))
        }
    }

    /// Parses the text form `kind:code`.
    pub fn parse(s: &str) -> Result<Account, FieldError> {
        let (kind, code) = s
            .split_once(':')
            .and_then(|(k, c)| AccountKind::from_prefix(k).map(|k| (k, c)))
            .ok_or_else(|| FieldError::new("account", "ledger_account_invalid").with("value", s))?;
        Account::new(kind, code)
    }

    /// The budget line of a measure in a year: `budget:<year>:<measure>`.
    pub fn budget(year: i32, measure: &str) -> Result<Account, FieldError> {
        Account::new(AccountKind::Budget, &format!("{year}:{measure}"))
    }

    /// An enterprise's account.
    pub fn enterprise(org_id: &str) -> Result<Account, FieldError> {
        Account::new(AccountKind::Enterprise, org_id)
    }

    /// The kind.
    pub fn kind(&self) -> AccountKind {
        self.kind
    }

    /// The code after the kind.
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.prefix(), self.code)
    }
}

impl serde::Serialize for Account {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Account {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Account::parse(&s).map_err(|e| serde::de::Error::custom(format!("{}: {}", e.code, s)))
    }
}

/// One line of a transaction: a signed amount of fen on an account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// Fen; positive adds to the balance, negative takes from it.
    pub amount_fen: i64,
}

impl Posting {
    /// A posting.
    pub fn new(account: Account, amount_fen: i64) -> Posting {
        Posting {
            account,
            amount_fen,
        }
    }
}

/// What a transaction is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxKind {
    /// A treasury funds a budget line or a fund.
    Appropriation,
    /// A subsidy paid to an enterprise.
    SubsidyPayment,
    /// The risk-compensation fund pays a bank part of an overdue principal.
    Compensation,
    /// A tranche of a challenge (揭榜挂帅) project.
    Tranche,
    /// Undoes an earlier transaction (its postings negated).
    Reversal,
}

impl TxKind {
    /// Stable text.
    pub fn as_str(self) -> &'static str {
        match self {
            TxKind::Appropriation => "appropriation",
            TxKind::SubsidyPayment => "subsidy_payment",
            TxKind::Compensation => "compensation",
            TxKind::Tranche => "tranche",
            TxKind::Reversal => "reversal",
        }
    }

    /// Parses [`TxKind::as_str`].
    pub fn parse(s: &str) -> Option<TxKind> {
        [
            TxKind::Appropriation,
            TxKind::SubsidyPayment,
            TxKind::Compensation,
            TxKind::Tranche,
            TxKind::Reversal,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// zh-CN name.
    pub fn label(self) -> &'static str {
        match self {
            TxKind::Appropriation => "预算下达",
            TxKind::SubsidyPayment => "补助兑付",
            TxKind::Compensation => "风险补偿",
            TxKind::Tranche => "项目拨款",
            TxKind::Reversal => "冲正",
        }
    }
}

/// A balanced set of postings with its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transaction {
    key: String,
    kind: TxKind,
    postings: Vec<Posting>,
}

impl Transaction {
    /// A transaction, checked: a key of 1–128 printable ASCII characters, 2–64
    /// postings, no zero amount, no amount above [`MAX_POSTING_FEN`], no account
    /// twice, and a sum of exactly zero.
    pub fn new(
        key: &str,
        kind: TxKind,
        postings: Vec<Posting>,
    ) -> Result<Transaction, Vec<FieldError>> {
        let mut errs = Vec::new();
        if key.is_empty() || key.len() > MAX_KEY_LEN || !key.chars().all(|c| c.is_ascii_graphic()) {
            errs.push(
                FieldError::new("idempotency_key", "ledger_key_invalid").with("max", MAX_KEY_LEN),
            );
        }
        if postings.len() < 2 || postings.len() > MAX_POSTINGS {
            errs.push(
                FieldError::new("postings", "ledger_postings_count").with("max", MAX_POSTINGS),
            );
        }
        let mut sum: i128 = 0;
        for (i, p) in postings.iter().enumerate() {
            if p.amount_fen == 0 {
                errs.push(FieldError::new(
                    format!("postings[{i}].amount_fen"),
                    "ledger_zero_amount",
                ));
            } else if p.amount_fen.unsigned_abs() > MAX_POSTING_FEN as u64 {
                errs.push(
                    FieldError::new(format!("postings[{i}].amount_fen"), "number_out_of_range")
                        .with("value", p.amount_fen),
                );
            }
            if postings[..i].iter().any(|q| q.account == p.account) {
                errs.push(
                    FieldError::new(format!("postings[{i}].account"), "ledger_account_twice")
                        .with("value", &p.account),
                );
            }
            sum += i128::from(p.amount_fen);
        }
        if sum != 0 {
            errs.push(FieldError::new("postings", "ledger_unbalanced").with("value", sum));
        }
        if errs.is_empty() {
            Ok(Transaction {
                key: key.to_owned(),
                kind,
                postings,
            })
        } else {
            Err(errs)
        }
    }

    /// Money moved from one account to another.
    pub fn transfer(
        key: &str,
        kind: TxKind,
        from: Account,
        to: Account,
        fen: i64,
    ) -> Result<Transaction, Vec<FieldError>> {
        if fen <= 0 {
            return Err(vec![
                FieldError::new("amount_fen", "ledger_amount_not_positive").with("value", fen),
            ]);
        }
        Transaction::new(
            key,
            kind,
            vec![Posting::new(from, -fen), Posting::new(to, fen)],
        )
    }

    /// The transaction undoing this one, under its own key.
    pub fn reversal(&self, key: &str) -> Result<Transaction, Vec<FieldError>> {
        let postings = self
            .postings
            .iter()
            .map(|p| Posting::new(p.account.clone(), -p.amount_fen))
            .collect();
        Transaction::new(key, TxKind::Reversal, postings)
    }

    /// The idempotency key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The kind.
    pub fn kind(&self) -> TxKind {
        self.kind
    }

    /// The postings, in the order given.
    pub fn postings(&self) -> &[Posting] {
        &self.postings
    }

    /// The amount moved: the sum of the positive postings.
    pub fn amount_fen(&self) -> i64 {
        self.postings.iter().map(|p| p.amount_fen.max(0)).sum()
    }
}

/// Why a transaction cannot be applied to the balances.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// An account would go below zero (e.g. a budget line overspent).
    #[error("{account} would go below zero: balance {balance} fen, change {change} fen")]
    Insufficient {
        /// The account.
        account: Account,
        /// Its balance before.
        balance: i64,
        /// The change refused.
        change: i64,
    },
}

impl LedgerError {
    /// As a field error for the pages and the API.
    pub fn field_error(&self) -> FieldError {
        match self {
            LedgerError::Insufficient {
                account,
                balance,
                change,
            } => FieldError::new("amount_fen", "ledger_insufficient")
                .with("account", account)
                .with("balance", crate::Money::from_fen(*balance))
                .with("change", crate::Money::from_fen(-*change)),
        }
    }
}

/// Account balances: the sum of every applied posting per account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balances {
    map: BTreeMap<Account, i64>,
}

impl Balances {
    /// No money anywhere.
    pub fn new() -> Balances {
        Balances::default()
    }

    /// The balance of an account (0 when it never moved).
    pub fn get(&self, account: &Account) -> i64 {
        self.map.get(account).copied().unwrap_or(0)
    }

    /// Applies a transaction, or refuses it and changes nothing when an account
    /// that may not go negative would.
    pub fn apply(&mut self, tx: &Transaction) -> Result<(), LedgerError> {
        for p in &tx.postings {
            let balance = self.get(&p.account);
            if !p.account.kind.may_go_negative() && balance + p.amount_fen < 0 {
                return Err(LedgerError::Insufficient {
                    account: p.account.clone(),
                    balance,
                    change: p.amount_fen,
                });
            }
        }
        for p in &tx.postings {
            *self.map.entry(p.account.clone()).or_insert(0) += p.amount_fen;
        }
        Ok(())
    }

    /// Balances rebuilt from transactions in order; the first refused one stops it.
    pub fn replay<'a>(
        txs: impl IntoIterator<Item = &'a Transaction>,
    ) -> Result<Balances, (usize, LedgerError)> {
        let mut b = Balances::new();
        for (i, tx) in txs.into_iter().enumerate() {
            b.apply(tx).map_err(|e| (i, e))?;
        }
        Ok(b)
    }

    /// The sum over all accounts: always zero for balanced transactions.
    pub fn total(&self) -> i128 {
        self.map.values().map(|&v| i128::from(v)).sum()
    }

    /// Every account with its balance, in account order.
    pub fn iter(&self) -> impl Iterator<Item = (&Account, i64)> {
        self.map.iter().map(|(a, &v)| (a, v))
    }
}

/// `numerator / denominator` of `fen`, rounded half away from zero to a whole fen,
/// exactly (no floats): the one rounding rule of every share and rate.
pub fn share_fen(fen: i64, numerator: i64, denominator: i64) -> i64 {
    assert!(denominator > 0, "share of a non-positive denominator");
    let p = i128::from(fen) * i128::from(numerator);
    let d = i128::from(denominator);
    let q = p / d;
    let r = p % d;
    let q = if 2 * r.abs() >= d { q + p.signum() } else { q };
    i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

/// Splits `fen` into parts proportional to `weights`, rounded to whole fen so that
/// the parts sum to exactly `fen` (largest remainders get the odd fen; ties go to
/// the earlier part).
pub fn split_fen(fen: i64, weights: &[u32]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    let f = i128::from(fen);
    let mut parts: Vec<i128> = weights.iter().map(|&w| f * i128::from(w) / total).collect();
    let mut rem: Vec<(i128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, &w)| ((f * i128::from(w) % total).abs(), i))
        .collect();
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = f - parts.iter().sum::<i128>();
    for (_, i) in rem {
        if left == 0 {
            break;
        }
        parts[i] += left.signum();
        left -= left.signum();
    }
    parts.into_iter().map(|p| p as i64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn acct(s: &str) -> Account {
        Account::parse(s).unwrap()
    }

    #[test]
    fn accounts_read_and_write_their_text_form() {
        let a = Account::budget(2026, "RD-INVEST").unwrap();
        assert_eq!(a.to_string(), "budget:2026:RD-INVEST");
        assert_eq!(Account::parse("budget:2026:RD-INVEST").unwrap(), a);
        assert_eq!(a.kind(), AccountKind::Budget);
        for bad in [
            "",
            "budget",
            "wallet:x",
            "budget:",
            "budget:含中文",
            "budget:a b",
        ] {
            let e = Account::parse(bad).unwrap_err();
            assert_eq!(e.code, "ledger_account_invalid", "{bad}");
        }
    }

    #[test]
    fn an_unbalanced_or_malformed_transaction_is_refused_naming_the_field() {
        let errs = Transaction::new(
            "",
            TxKind::SubsidyPayment,
            vec![
                Posting::new(acct("budget:2026:X"), -100),
                Posting::new(acct("enterprise:e1"), 99),
                Posting::new(acct("enterprise:e1"), 0),
            ],
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("idempotency_key", "ledger_key_invalid"),
                ("postings[2].amount_fen", "ledger_zero_amount"),
                ("postings[2].account", "ledger_account_twice"),
                ("postings", "ledger_unbalanced"),
            ]
        );
        let one = Transaction::new("k", TxKind::Tranche, vec![Posting::new(acct("fund:f"), 0)])
            .unwrap_err();
        assert!(one.iter().any(|e| e.code == "ledger_postings_count"));
        let neg = Transaction::transfer(
            "k",
            TxKind::SubsidyPayment,
            acct("budget:2026:X"),
            acct("enterprise:e"),
            -5,
        )
        .unwrap_err();
        assert_eq!(neg[0].code, "ledger_amount_not_positive");
        let huge = Transaction::new(
            "k",
            TxKind::Tranche,
            vec![
                Posting::new(acct("fund:a"), i64::MAX),
                Posting::new(acct("fund:b"), i64::MIN + 1),
            ],
        )
        .unwrap_err();
        assert!(huge.iter().any(|e| e.code == "number_out_of_range"));
    }

    #[test]
    fn a_budget_line_cannot_be_overspent_and_a_refusal_changes_nothing() {
        let budget = Account::budget(2026, "RD-INVEST").unwrap();
        let mut b = Balances::new();
        let fund = Transaction::transfer(
            "a1",
            TxKind::Appropriation,
            acct("treasury:district"),
            budget.clone(),
            1_000_000,
        )
        .unwrap();
        b.apply(&fund).unwrap();
        let pay = Transaction::transfer(
            "p1",
            TxKind::SubsidyPayment,
            budget.clone(),
            acct("enterprise:e1"),
            600_000,
        )
        .unwrap();
        b.apply(&pay).unwrap();
        let before = b.clone();
        let over = Transaction::transfer(
            "p2",
            TxKind::SubsidyPayment,
            budget.clone(),
            acct("enterprise:e2"),
            400_001,
        )
        .unwrap();
        let err = b.apply(&over).unwrap_err();
        assert_eq!(
            err,
            LedgerError::Insufficient {
                account: budget.clone(),
                balance: 400_000,
                change: -400_001
            }
        );
        assert_eq!(err.field_error().code, "ledger_insufficient");
        assert_eq!(b, before);
        assert_eq!(b.get(&acct("treasury:district")), -1_000_000);
        assert_eq!(b.get(&budget), 400_000);
        assert_eq!(b.total(), 0);
        // A reversal puts the money back.
        b.apply(&pay.reversal("p1-rev").unwrap()).unwrap();
        assert_eq!(b.get(&budget), 1_000_000);
        assert_eq!(b.get(&acct("enterprise:e1")), 0);
    }

    #[test]
    fn shares_round_half_away_from_zero_exactly() {
        assert_eq!(share_fen(1_000, 80, 100), 800);
        assert_eq!(share_fen(1, 1, 2), 1);
        assert_eq!(share_fen(3, 1, 2), 2);
        assert_eq!(share_fen(-3, 1, 2), -2);
        assert_eq!(share_fen(1, 1, 3), 0);
        assert_eq!(share_fen(2, 1, 3), 1);
        assert_eq!(share_fen(MAX_POSTING_FEN, 3, 7), 428_571_428_571_429);
    }

    #[test]
    fn splits_sum_to_the_whole() {
        assert_eq!(split_fen(800, &[4, 6]), [320, 480]);
        assert_eq!(split_fen(1, &[4, 6]), [0, 1]);
        assert_eq!(split_fen(5, &[1, 1]), [3, 2]);
        assert_eq!(split_fen(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(split_fen(10, &[0, 0]), [0, 0]);
    }

    fn account_strategy() -> impl Strategy<Value = Account> {
        prop_oneof![
            (0..2u8).prop_map(|i| acct(&format!("treasury:t{i}"))),
            (0..4u8).prop_map(|i| acct(&format!("budget:2026:m{i}"))),
            (0..2u8).prop_map(|i| acct(&format!("fund:f{i}"))),
            (0..6u8).prop_map(|i| acct(&format!("enterprise:e{i}"))),
            (0..2u8).prop_map(|i| acct(&format!("bank:b{i}"))),
        ]
    }

    proptest! {
        #[test]
        fn every_valid_transaction_balances_and_replay_rebuilds_the_books(
            moves in proptest::collection::vec((account_strategy(), account_strategy(), 1i64..5_000_000), 1..120)
        ) {
            let mut b = Balances::new();
            let mut applied = Vec::new();
            for (i, (from, to, fen)) in moves.into_iter().enumerate() {
                let Ok(tx) = Transaction::transfer(&format!("k{i}"), TxKind::Tranche, from, to, fen) else {
                    continue; // same account twice
                };
                let before = b.clone();
                match b.apply(&tx) {
                    Ok(()) => applied.push(tx),
                    Err(_) => prop_assert_eq!(&b, &before),
                }
                prop_assert_eq!(b.total(), 0);
                for (a, v) in b.iter() {
                    prop_assert!(a.kind().may_go_negative() || v >= 0, "{} at {}", a, v);
                }
            }
            prop_assert_eq!(Balances::replay(&applied).unwrap(), b);
        }

        #[test]
        fn splits_are_exact_and_fair(fen in -10_000_000i64..10_000_000, w in proptest::collection::vec(0u32..20, 1..6)) {
            let parts = split_fen(fen, &w);
            let total: u32 = w.iter().sum();
            if total > 0 {
                prop_assert_eq!(parts.iter().sum::<i64>(), fen);
                for (p, &wi) in parts.iter().zip(&w) {
                    let exact = fen as f64 * f64::from(wi) / f64::from(total);
                    prop_assert!((*p as f64 - exact).abs() < 1.0 + 1e-9);
                }
            }
        }
    }
}
