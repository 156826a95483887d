//! The money ledger's use cases: appropriations, payments, reversals, balances
//! and statements.
//!
//! Every write is one database transaction holding the ledger transaction, its
//! postings, the balances it changes and its event. A write names an idempotency
//! key: the same key with the same content returns the transaction already
//! written (`replayed: true`) and writes nothing; the same key with other content
//! is a conflict naming `idempotency_key`. A subsidy payment or a compensation is
//! made at most once per basis (the approved application or claim it rests on).
//! Only a bureau administrator moves money; the bureau reads every account, an
//! enterprise or a bank only its own.

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::{Account, AccountKind, LedgerError, Transaction, TxKind};
use kechuang_core::money::Money;
use kechuang_core::org::OrgKind;
use kechuang_core::role::Role;
use kechuang_store::{Db, LedgerAccount, LedgerTxRecord, NewLedgerTx, StatementLine, StoreError};
use serde_json::json;

/// Longest basis reference.
pub const MAX_BASIS_LEN: usize = 200;
/// Longest memo.
pub const MAX_MEMO_LEN: usize = 500;

/// An amount as the pages and the API show it: fen, 元 and 万元, exact.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Amount {
    /// Fen.
    pub fen: i64,
    /// 元 with two decimals (exact).
    pub yuan: String,
    /// 万元, exact (up to six decimals, trailing zeros dropped).
    pub wan: String,
}

impl Amount {
    /// From fen.
    pub fn of(fen: i64) -> Amount {
        Amount {
            fen,
            yuan: format!(
                "{}{}.{:02}",
                if fen < 0 { "-" } else { "" },
                kechuang_core::money::group_thousands(fen.unsigned_abs() / 100),
                fen.unsigned_abs() % 100
            ),
            wan: Money::from_fen(fen).to_wan().to_string(),
        }
    }
}

/// One posting as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostingView {
    /// Account (`kind:code`).
    pub account: String,
    /// Signed change.
    pub amount: Amount,
}

/// A transaction as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TxView {
    /// Id.
    pub id: String,
    /// Idempotency key.
    pub key: String,
    /// Kind code.
    pub kind: &'static str,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Amount moved.
    pub amount: Amount,
    /// What it rests on.
    pub basis: Option<String>,
    /// Memo (a reversal's reason).
    pub memo: Option<String>,
    /// The transaction it reverses.
    pub reverses: Option<String>,
    /// Actor.
    pub actor: String,
    /// Unix µs.
    pub created_at: i64,
    /// Its event.
    pub event_seq: i64,
    /// Postings.
    pub postings: Vec<PostingView>,
    /// Whether this answer replays an earlier request with the same key (nothing
    /// was written now).
    pub replayed: bool,
}

impl TxView {
    fn of(r: LedgerTxRecord, replayed: bool) -> TxView {
        TxView {
            id: r.id,
            key: r.key,
            kind: r.kind.as_str(),
            kind_zh: r.kind.label(),
            amount: Amount::of(r.amount_fen),
            basis: r.basis,
            memo: r.memo,
            reverses: r.reverses,
            actor: r.actor,
            created_at: r.created_at,
            event_seq: r.event_seq,
            postings: r
                .postings
                .into_iter()
                .map(|p| PostingView {
                    account: p.account.to_string(),
                    amount: Amount::of(p.amount_fen),
                })
                .collect(),
            replayed,
        }
    }
}

/// An account as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountView {
    /// `kind:code`.
    pub account: String,
    /// Kind code.
    pub kind: AccountKind,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Name.
    pub name: String,
    /// Organisation.
    pub org_id: Option<String>,
    /// Balance.
    pub balance: Amount,
}

impl From<LedgerAccount> for AccountView {
    fn from(a: LedgerAccount) -> Self {
        AccountView {
            kind: a.account.kind(),
            kind_zh: a.account.kind().label(),
            account: a.account.to_string(),
            name: a.name,
            org_id: a.org_id,
            balance: Amount::of(a.balance_fen),
        }
    }
}

/// One statement line as shown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatementLineView {
    /// Transaction.
    pub tx_id: String,
    /// Its key.
    pub key: String,
    /// Kind code.
    pub kind: &'static str,
    /// Kind, zh-CN.
    pub kind_zh: &'static str,
    /// Basis.
    pub basis: Option<String>,
    /// Memo.
    pub memo: Option<String>,
    /// Unix µs.
    pub created_at: i64,
    /// Signed change.
    pub amount: Amount,
    /// Balance after it.
    pub balance_after: Amount,
}

impl From<StatementLine> for StatementLineView {
    fn from(l: StatementLine) -> Self {
        StatementLineView {
            tx_id: l.tx_id,
            key: l.key,
            kind: l.kind.as_str(),
            kind_zh: l.kind.label(),
            basis: l.basis,
            memo: l.memo,
            created_at: l.created_at,
            amount: Amount::of(l.amount_fen),
            balance_after: Amount::of(l.balance_after),
        }
    }
}

/// An account's statement page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Statement {
    /// The account.
    pub account: AccountView,
    /// Postings on it.
    pub total: i64,
    /// This page, newest first.
    pub lines: Vec<StatementLineView>,
}

/// A page of transactions.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TxPage {
    /// Matching transactions.
    pub total: i64,
    /// This page, newest first.
    pub items: Vec<TxView>,
}

/// Funding a budget line or a fund from a treasury.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AppropriateInput {
    /// Idempotency key.
    pub key: String,
    /// The treasury (`treasury:district`); empty means `treasury:district`.
    pub treasury: String,
    /// The budget line or fund (`budget:2026:RD-INVEST`, `fund:risk-comp`).
    pub to: String,
    /// Its shown name (used when the account is new).
    pub name: String,
    /// Fen.
    pub amount_fen: i64,
    /// Memo.
    pub memo: String,
}

/// A payment from a budget line or fund to an organisation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PayInput {
    /// Idempotency key.
    pub key: String,
    /// `subsidy_payment` (default), `compensation` or `tranche`.
    pub kind: String,
    /// The budget line or fund paying.
    pub from: String,
    /// The organisation paid (an enterprise; a bank for a compensation).
    pub org_id: String,
    /// Fen.
    pub amount_fen: i64,
    /// The approval, application or claim the payment rests on.
    pub basis: String,
    /// Memo.
    pub memo: String,
}

/// Undoing a transaction.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReverseInput {
    /// Idempotency key of the reversal.
    pub key: String,
    /// The transaction reversed (its id).
    pub tx_id: String,
    /// Why (required).
    pub reason: String,
}

fn text(s: &str, field: &str, max: usize, required: bool) -> Result<Option<String>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return if required {
            Err(FieldError::new(field, "required"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    Ok(Some(t.to_string()))
}

fn account_field(s: &str, field: &str, kinds: &[AccountKind]) -> Result<Account, FieldError> {
    let a = Account::parse(s.trim()).map_err(|e| {
        let mut e = e;
        e.field = field.into();
        e
    })?;
    if kinds.contains(&a.kind()) {
        Ok(a)
    } else {
        Err(FieldError::new(field, "ledger_account_kind").with("value", a.to_string()))
    }
}

fn tx_errors(errs: Vec<FieldError>) -> AppError {
    AppError::Invalid(errs)
}

/// The canonical content of a request, to tell a replay from a reused key.
pub(crate) fn fingerprint(tx: &Transaction, basis: Option<&str>, memo: Option<&str>) -> String {
    let postings: Vec<String> = tx
        .postings()
        .iter()
        .map(|p| format!("{}={}", p.account, p.amount_fen))
        .collect();
    json!([tx.kind().as_str(), postings, basis, memo]).to_string()
}

/// The `ledger.posted` event's payload (what `check` replays).
pub(crate) fn event_payload(
    tx: &Transaction,
    basis: Option<&str>,
    memo: Option<&str>,
    reverses: Option<&str>,
) -> serde_json::Value {
    json!({
        "key": tx.key(), "kind": tx.kind().as_str(), "amount_fen": tx.amount_fen(),
        "postings": tx.postings(), "basis": basis, "memo": memo, "reverses": reverses,
    })
}

struct Write<'a> {
    tx: Transaction,
    basis: Option<&'a str>,
    memo: Option<&'a str>,
    reverses: Option<&'a str>,
    /// Accounts to create when missing: `(account, name, org)`.
    accounts: Vec<(Account, String, Option<String>)>,
}

fn insufficient(e: &LedgerError) -> AppError {
    AppError::Conflict(e.field_error())
}

/// Writes `w` once: a replay of its key returns the stored transaction.
async fn write(app: &App, actor: &Actor, w: Write<'_>) -> AppResult<TxView> {
    let once_basis = match w.tx.kind() {
        TxKind::SubsidyPayment | TxKind::Compensation => w.basis,
        _ => None,
    };
    let fp = fingerprint(&w.tx, w.basis, w.memo);
    // Two tries: a concurrent writer of the same key (PostgreSQL) makes the first
    // insert fail on the unique key; the second finds its transaction.
    for attempt in 0..2 {
        let mut db = app.store.begin().await?;
        // A new key is the common case: the first attempt writes straight away and
        // the unique key catches a replay (one statement fewer per payout); the
        // second looks the key up and answers the replay.
        if attempt > 0
            && let Some(r) = db.ledger_tx_by_key(w.tx.key()).await?
        {
            return replay(r, &fp);
        }
        let now = app.now();
        for (a, name, org) in &w.accounts {
            db.ensure_ledger_account(a, name, org.as_deref(), now)
                .await?;
        }
        let id = kechuang_store::new_id();
        let event = event_payload(&w.tx, w.basis, w.memo, w.reverses);
        let new = NewLedgerTx {
            id: &id,
            tx: &w.tx,
            basis: w.basis,
            once_basis,
            memo: w.memo,
            reverses: w.reverses,
            fingerprint: &fp,
            actor: &actor.tag(),
            at_us: now,
            event: &event,
        };
        let seq = match db.post_ledger_tx(&new).await {
            Ok(Ok(seq)) => seq,
            Ok(Err(e)) => {
                db.rollback().await?;
                return Err(insufficient(&e));
            }
            // The first attempt did not look the key up: any unique conflict may
            // be a replay (the database may report the basis or the reversal
            // before the key), so the second attempt looks first.
            Err(e)
                if e.is_conflict("ledger_tx_key_key")
                    || (attempt == 0
                        && (e.is_conflict("ledger_tx_once_key")
                            || e.is_conflict("ledger_tx_reverses_key"))) =>
            {
                drop(db);
                continue;
            }
            Err(e) if e.is_conflict("ledger_tx_once_key") => {
                return Err(AppError::Conflict(
                    FieldError::new("basis", "ledger_basis_paid")
                        .with("value", w.basis.unwrap_or_default()),
                ));
            }
            Err(e) if e.is_conflict("ledger_tx_reverses_key") => {
                return Err(AppError::Conflict(
                    FieldError::new("tx_id", "ledger_already_reversed")
                        .with("value", w.reverses.unwrap_or_default()),
                ));
            }
            // An account of the transaction does not exist: only the paying side
            // can be missing (the others were just ensured).
            Err(StoreError::NotFound) => {
                let from =
                    w.tx.postings()
                        .iter()
                        .find(|p| p.amount_fen < 0)
                        .map(|p| p.account.to_string())
                        .unwrap_or_default();
                return Err(AppError::invalid(
                    FieldError::new("from", "ledger_account_unknown").with("value", from),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(orig) = w.reverses {
            db.release_ledger_basis(orig).await?;
        }
        db.commit().await?;
        let r = LedgerTxRecord {
            id,
            key: w.tx.key().to_string(),
            kind: w.tx.kind(),
            amount_fen: w.tx.amount_fen(),
            memo: w.memo.map(str::to_string),
            basis: w.basis.map(str::to_string),
            reverses: w.reverses.map(str::to_string),
            fingerprint: fp,
            actor: actor.tag(),
            created_at: now,
            event_seq: seq,
            postings: w.tx.postings().to_vec(),
        };
        return Ok(TxView::of(r, false));
    }
    let mut db = app.store.read().await?;
    match db.ledger_tx_by_key(w.tx.key()).await? {
        Some(r) => replay(r, &fp),
        None => Err(AppError::Internal(anyhow::anyhow!(
            "ledger key {} conflicted but is not stored",
            w.tx.key()
        ))),
    }
}

fn replay(r: LedgerTxRecord, fp: &str) -> AppResult<TxView> {
    if r.fingerprint == fp {
        Ok(TxView::of(r, true))
    } else {
        Err(AppError::Conflict(
            FieldError::new("idempotency_key", "ledger_key_reused").with("value", &r.key),
        ))
    }
}

fn treasury_name(a: &Account) -> String {
    match a.code() {
        "district" => "区级财政".into(),
        "city" => "市级财政".into(),
        other => format!("财政 {other}"),
    }
}

/// A bureau administrator funds a budget line or a fund from a treasury.
pub async fn appropriate(app: &App, actor: &Actor, input: &AppropriateInput) -> AppResult<TxView> {
    actor.require_admin()?;
    let mut errs = Vec::new();
    let treasury = if input.treasury.trim().is_empty() {
        Account::new(AccountKind::Treasury, "district")
            .map_err(|e| errs.push(e))
            .ok()
    } else {
        account_field(&input.treasury, "treasury", &[AccountKind::Treasury])
            .map_err(|e| errs.push(e))
            .ok()
    };
    let to = account_field(&input.to, "to", &[AccountKind::Budget, AccountKind::Fund])
        .map_err(|e| errs.push(e))
        .ok();
    let name = text(&input.name, "name", 100, false)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let memo = text(&input.memo, "memo", MAX_MEMO_LEN, false)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let (Some(treasury), Some(to)) = (treasury, to) else {
        return Err(AppError::Invalid(errs));
    };
    let tx = Transaction::transfer(
        &input.key,
        TxKind::Appropriation,
        treasury.clone(),
        to.clone(),
        input.amount_fen,
    );
    let tx = match tx {
        Ok(tx) if errs.is_empty() => tx,
        Ok(_) => return Err(AppError::Invalid(errs)),
        Err(e) => {
            errs.extend(e);
            return Err(tx_errors(errs));
        }
    };
    let to_name = name.unwrap_or_else(|| to.code().to_string());
    let w = Write {
        accounts: vec![
            (treasury.clone(), treasury_name(&treasury), None),
            (to, to_name, None),
        ],
        tx,
        basis: None,
        memo: memo.as_deref(),
        reverses: None,
    };
    write(app, actor, w).await
}

/// A bureau administrator pays an organisation from a budget line or a fund
/// against a basis (for now any approved reference; the subsidy workflow will
/// pass its approved application). Idempotent by key; a subsidy payment or a
/// compensation at most once per basis.
pub async fn pay(app: &App, actor: &Actor, input: &PayInput) -> AppResult<TxView> {
    actor.require_admin()?;
    let mut errs = Vec::new();
    let kind = match input.kind.trim() {
        "" => Some(TxKind::SubsidyPayment),
        k => match TxKind::parse(k) {
            Some(k @ (TxKind::SubsidyPayment | TxKind::Compensation | TxKind::Tranche)) => Some(k),
            _ => {
                errs.push(FieldError::new("kind", "choice_invalid").with("value", k));
                None
            }
        },
    };
    let from = account_field(
        &input.from,
        "from",
        &[AccountKind::Budget, AccountKind::Fund],
    )
    .map_err(|e| errs.push(e))
    .ok();
    let basis = text(&input.basis, "basis", MAX_BASIS_LEN, true)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let memo = text(&input.memo, "memo", MAX_MEMO_LEN, false)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let org_id = input.org_id.trim();
    if org_id.is_empty() {
        errs.push(FieldError::new("org_id", "required"));
    }
    let (Some(kind), Some(from), Some(basis), true) = (kind, from, basis, errs.is_empty()) else {
        return Err(AppError::Invalid(errs));
    };
    let mut db = app.store.read().await?;
    let org = db
        .organisation(&OrgId(org_id.to_string()))
        .await?
        .ok_or_else(|| {
            AppError::invalid(FieldError::new("org_id", "not_found").with("value", org_id))
        })?;
    drop(db);
    let to_kind = if kind == TxKind::Compensation {
        AccountKind::Bank
    } else {
        AccountKind::Enterprise
    };
    let want = if to_kind == AccountKind::Bank {
        org.org.kind == OrgKind::Bank
    } else {
        org.org.kind != OrgKind::Bank
    };
    if !want {
        return Err(AppError::invalid(
            FieldError::new("org_id", "org_kind_invalid").with("value", org.org.kind.zh()),
        ));
    }
    let to = Account::new(to_kind, org_id)?;
    let tx = Transaction::transfer(&input.key, kind, from.clone(), to.clone(), input.amount_fen)
        .map_err(tx_errors)?;
    let w = Write {
        accounts: vec![(to, org.org.name.clone(), Some(org_id.to_string()))],
        tx,
        basis: Some(&basis),
        memo: memo.as_deref(),
        reverses: None,
    };
    write(app, actor, w).await
}

/// A bureau administrator undoes a transaction (with a reason, under a key of its
/// own). A reversal of a payment releases its basis for a corrected payment.
pub async fn reverse(app: &App, actor: &Actor, input: &ReverseInput) -> AppResult<TxView> {
    actor.require_admin()?;
    let reason = text(&input.reason, "reason", MAX_MEMO_LEN, true)?;
    let mut db = app.store.read().await?;
    let orig = db.ledger_tx(input.tx_id.trim()).await?.ok_or_else(|| {
        AppError::invalid(FieldError::new("tx_id", "not_found").with("value", input.tx_id.trim()))
    })?;
    drop(db);
    if orig.kind == TxKind::Reversal {
        return Err(AppError::invalid(
            FieldError::new("tx_id", "ledger_reverse_reversal").with("value", &orig.id),
        ));
    }
    let original = Transaction::new(&orig.key, orig.kind, orig.postings.clone())?;
    let tx = original.reversal(&input.key)?;
    let w = Write {
        accounts: Vec::new(),
        tx,
        basis: orig.basis.as_deref(),
        memo: reason.as_deref(),
        reverses: Some(&orig.id),
    };
    write(app, actor, w).await
}

/// Who may read an account: the bureau every one, an enterprise or a bank only
/// its own.
fn may_read(actor: &Actor, account: &Account) -> bool {
    if actor.is_bureau() {
        return true;
    }
    let own = actor.org_id.as_ref().map(OrgId::as_str);
    match (actor.role, account.kind()) {
        (Role::Enterprise, AccountKind::Enterprise) | (Role::Bank, AccountKind::Bank) => {
            own == Some(account.code())
        }
        _ => false,
    }
}

/// The accounts the actor may see, with balances.
pub async fn accounts(app: &App, actor: &Actor) -> AppResult<Vec<AccountView>> {
    let mut db = app.store.read().await?;
    let rows = if actor.is_bureau() {
        db.ledger_accounts(None, None).await?
    } else {
        let Some(org) = &actor.org_id else {
            return Ok(Vec::new());
        };
        db.ledger_accounts(None, Some(org.as_str()))
            .await?
            .into_iter()
            .filter(|a| may_read(actor, &a.account))
            .collect()
    };
    Ok(rows.into_iter().map(Into::into).collect())
}

fn page(page: i64, per_page: i64) -> (i64, i64) {
    let limit = if per_page <= 0 { 50 } else { per_page.min(500) };
    (limit, (page.max(1) - 1) * limit)
}

/// An account's statement (newest first) with the running balance.
pub async fn statement(
    app: &App,
    actor: &Actor,
    account: &str,
    page_no: i64,
    per_page: i64,
) -> AppResult<Statement> {
    let account = Account::parse(account.trim()).map_err(AppError::invalid)?;
    if !may_read(actor, &account) {
        return Err(AppError::NotFound);
    }
    let mut db = app.store.read().await?;
    let acct = db
        .ledger_account(&account)
        .await?
        .ok_or(AppError::NotFound)?;
    let (limit, offset) = page(page_no, per_page);
    let (total, lines) = db.ledger_statement(&account, limit, offset).await?;
    Ok(Statement {
        account: acct.into(),
        total,
        lines: lines.into_iter().map(Into::into).collect(),
    })
}

/// Transactions, newest first: the bureau all of them (or one account's); anyone
/// else those on their own account.
pub async fn transactions(
    app: &App,
    actor: &Actor,
    account: Option<&str>,
    page_no: i64,
    per_page: i64,
) -> AppResult<TxPage> {
    let account = match account.map(str::trim).filter(|s| !s.is_empty()) {
        Some(a) => Some(Account::parse(a).map_err(AppError::invalid)?),
        None if actor.is_bureau() => None,
        None => match (actor.role, &actor.org_id) {
            (Role::Enterprise, Some(o)) => Some(Account::enterprise(o.as_str())?),
            (Role::Bank, Some(o)) => Some(Account::new(AccountKind::Bank, o.as_str())?),
            _ => return Err(AppError::Forbidden),
        },
    };
    if let Some(a) = &account
        && !may_read(actor, a)
    {
        return Err(AppError::NotFound);
    }
    let (limit, offset) = page(page_no, per_page);
    let mut db = app.store.read().await?;
    let (total, rows) = db.ledger_txs(account.as_ref(), limit, offset).await?;
    Ok(TxPage {
        total,
        items: rows.into_iter().map(|r| TxView::of(r, false)).collect(),
    })
}

/// One transaction (the bureau, or a party to it).
pub async fn transaction(app: &App, actor: &Actor, id: &str) -> AppResult<TxView> {
    let mut db = app.store.read().await?;
    let r = db.ledger_tx(id).await?.ok_or(AppError::NotFound)?;
    if !r.postings.iter().any(|p| may_read(actor, &p.account)) {
        return Err(AppError::NotFound);
    }
    Ok(TxView::of(r, false))
}

/// The ledger part of `kechuang check`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LedgerCheck {
    /// Transactions checked.
    pub transactions: usize,
    /// Transactions whose postings do not sum to zero (or have fewer than two).
    pub unbalanced: Vec<String>,
    /// The sum of all balances (must be 0), fen.
    pub total_fen: i64,
    /// Accounts whose stored balance differs from the sum of their postings.
    pub balance_mismatches: Vec<String>,
    /// Non-treasury accounts below zero.
    pub negative: Vec<String>,
    /// Accounts whose balance differs from a replay of the event log (or a replay
    /// that fails).
    pub replay_mismatches: Vec<String>,
}

impl LedgerCheck {
    /// Whether the books hold.
    pub fn ok(&self) -> bool {
        self.unbalanced.is_empty()
            && self.total_fen == 0
            && self.balance_mismatches.is_empty()
            && self.negative.is_empty()
            && self.replay_mismatches.is_empty()
    }
}

/// Proves the books: every transaction balances, all balances sum to zero, stored
/// balances equal the sums of postings and a replay of the event log, and no
/// account but a treasury is below zero.
pub async fn check(db: &mut Db) -> AppResult<LedgerCheck> {
    let mut out = LedgerCheck {
        unbalanced: db.ledger_unbalanced_txs().await?,
        ..LedgerCheck::default()
    };
    let rebuild = db.ledger_balance_rebuild().await?;
    let mut total: i128 = 0;
    for (account, kind, stored, rebuilt) in &rebuild {
        total += i128::from(*stored);
        if stored != rebuilt {
            out.balance_mismatches
                .push(format!("{account}: stored {stored}, postings {rebuilt}"));
        }
        if kind != "treasury" && *stored < 0 {
            out.negative.push(format!("{account}: {stored}"));
        }
    }
    out.total_fen = i64::try_from(total).unwrap_or(i64::MAX);
    // Replay the event log.
    let events = db.ledger_events().await?;
    out.transactions = events.len();
    let mut txs = Vec::with_capacity(events.len());
    for (id, payload) in &events {
        #[derive(serde::Deserialize)]
        struct P {
            key: String,
            kind: TxKind,
            postings: Vec<kechuang_core::ledger::Posting>,
        }
        match serde_json::from_str::<P>(payload)
            .ok()
            .and_then(|p| Transaction::new(&p.key, p.kind, p.postings).ok())
        {
            Some(t) => txs.push(t),
            None => out
                .replay_mismatches
                .push(format!("event of {id}: not a valid transaction")),
        }
    }
    match kechuang_core::ledger::Balances::replay(&txs) {
        Ok(b) => {
            for (account, _, stored, _) in &rebuild {
                let replayed = Account::parse(account).map(|a| b.get(&a)).unwrap_or(0);
                if replayed != *stored {
                    out.replay_mismatches
                        .push(format!("{account}: stored {stored}, event log {replayed}"));
                }
            }
        }
        Err((i, e)) => out
            .replay_mismatches
            .push(format!("event log transaction {i}: {e}")),
    }
    Ok(out)
}
