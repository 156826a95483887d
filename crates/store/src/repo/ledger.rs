//! The money ledger: accounts with balances, transactions, postings.
//!
//! [`Db::post_ledger_tx`] writes a transaction, its postings, the balance of every
//! account it touches and its event in the caller's database transaction. A
//! balance changes through a guarded `UPDATE … WHERE kind = 'treasury' OR
//! balance_fen + $1 >= 0`, so two writers can never take a budget line below zero
//! between them (PostgreSQL re-evaluates the guard on the locked row); accounts are
//! updated in account order so two writers never deadlock. The idempotency key,
//! one payment per basis and one reversal per transaction are UNIQUE constraints.

use crate::{Db, Result, StoreError, with_conn};
use kechuang_core::ledger::{Account, AccountKind, LedgerError, Posting, Transaction, TxKind};

/// An account with its balance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerAccount {
    /// The account.
    pub account: Account,
    /// Shown name.
    pub name: String,
    /// The organisation of an enterprise or bank account.
    pub org_id: Option<String>,
    /// Balance in fen.
    pub balance_fen: i64,
}

/// A transaction to write.
#[derive(Debug, Clone)]
pub struct NewLedgerTx<'a> {
    /// New id.
    pub id: &'a str,
    /// The checked transaction (key, kind, postings).
    pub tx: &'a Transaction,
    /// What it rests on (an approval, application or claim reference).
    pub basis: Option<&'a str>,
    /// Set when the kind may be paid only once per basis.
    pub once_basis: Option<&'a str>,
    /// Free text (a reversal's reason).
    pub memo: Option<&'a str>,
    /// The transaction a reversal undoes.
    pub reverses: Option<&'a str>,
    /// Canonical text of the content, to tell a replay from a reused key.
    pub fingerprint: &'a str,
    /// Who.
    pub actor: &'a str,
    /// When, unix µs.
    pub at_us: i64,
    /// The event payload.
    pub event: &'a serde_json::Value,
}

/// A stored transaction with its postings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerTxRecord {
    /// Id.
    pub id: String,
    /// Idempotency key.
    pub key: String,
    /// Kind.
    pub kind: TxKind,
    /// Amount moved (sum of the positive postings), fen.
    pub amount_fen: i64,
    /// Memo.
    pub memo: Option<String>,
    /// Basis.
    pub basis: Option<String>,
    /// The transaction this one reverses.
    pub reverses: Option<String>,
    /// Content fingerprint.
    pub fingerprint: String,
    /// Actor.
    pub actor: String,
    /// Unix µs.
    pub created_at: i64,
    /// Its event's sequence number.
    pub event_seq: i64,
    /// Postings in line order.
    pub postings: Vec<Posting>,
}

/// One line of an account statement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatementLine {
    /// Transaction id.
    pub tx_id: String,
    /// Its key.
    pub key: String,
    /// Its kind.
    pub kind: TxKind,
    /// Its basis.
    pub basis: Option<String>,
    /// Its memo.
    pub memo: Option<String>,
    /// Unix µs.
    pub created_at: i64,
    /// Event sequence number (statement order).
    pub event_seq: i64,
    /// Signed change of this account, fen.
    pub amount_fen: i64,
    /// Balance after the change, fen.
    pub balance_after: i64,
}

type TxRow = (
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    i64,
);

type StatementRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
);

const TX_COLS: &str = "tx_id, idempotency_key, kind, amount_fen, memo, basis, reverses, fingerprint, actor, created_at, event_seq";

fn kind_of(s: &str) -> Result<TxKind> {
    TxKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("ledger kind {s:?}")))
}

fn account_of(s: &str) -> Result<Account> {
    Account::parse(s).map_err(|_| StoreError::Corrupt(format!("ledger account {s:?}")))
}

impl Db {
    /// Creates an account if it does not exist yet (an existing one keeps its name).
    pub async fn ensure_ledger_account(
        &mut self,
        account: &Account,
        name: &str,
        org_id: Option<&str>,
        at_us: i64,
    ) -> Result<()> {
        let text = account.to_string();
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO ledger_account (account, kind, code, name, organisation_id, balance_fen, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (account) DO NOTHING",
            )
            .bind(&text)
            .bind(account.kind().prefix())
            .bind(account.code())
            .bind(name)
            .bind(org_id)
            .bind(at_us)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Writes a transaction with its postings, balances and event. Returns the
    /// event's sequence number, or the refusal when an account other than a
    /// treasury would go below zero (then the caller must roll back: the event and
    /// earlier balance changes are already written in this transaction). A reused
    /// key, a second payment for a basis or a second reversal fail with
    /// [`StoreError::Conflict`] (`ledger_tx_key_key`, `ledger_tx_once_key`,
    /// `ledger_tx_reverses_key`). Every account must exist.
    pub async fn post_ledger_tx(
        &mut self,
        t: &NewLedgerTx<'_>,
    ) -> Result<std::result::Result<i64, LedgerError>> {
        let seq = self
            .append_event(t.actor, "ledger_tx", t.id, "ledger.posted", t.event)
            .await?;
        with_conn!(self, c => {
            sqlx::query(
                "INSERT INTO ledger_tx (tx_id, idempotency_key, kind, amount_fen, memo, basis, once_basis, reverses, fingerprint, actor, created_at, event_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(t.id)
            .bind(t.tx.key())
            .bind(t.tx.kind().as_str())
            .bind(t.tx.amount_fen())
            .bind(t.memo)
            .bind(t.basis)
            .bind(t.once_basis)
            .bind(t.reverses)
            .bind(t.fingerprint)
            .bind(t.actor)
            .bind(t.at_us)
            .bind(seq)
            .execute(&mut *c)
            .await
            .map(|_| ())
        })?;
        // Balances in account order (no deadlock between two writers); the
        // postings then go in with one multi-row statement.
        let mut order: Vec<(usize, &Posting)> = t.tx.postings().iter().enumerate().collect();
        order.sort_by(|a, b| a.1.account.cmp(&b.1.account));
        let mut rows: Vec<(i64, String, i64, i64)> = Vec::with_capacity(order.len());
        for (line, p) in order {
            let account = p.account.to_string();
            let after: Option<i64> = with_conn!(self, c => {
                sqlx::query_scalar(
                    "UPDATE ledger_account SET balance_fen = balance_fen + $1 \
                     WHERE account = $2 AND (kind = 'treasury' OR balance_fen + $1 >= 0) \
                     RETURNING balance_fen",
                )
                .bind(p.amount_fen)
                .bind(&account)
                .fetch_optional(&mut *c)
                .await
            })?;
            let Some(after) = after else {
                let balance: Option<i64> = with_conn!(self, c => {
                    sqlx::query_scalar("SELECT balance_fen FROM ledger_account WHERE account = $1")
                        .bind(&account)
                        .fetch_optional(&mut *c)
                        .await
                })?;
                let Some(balance) = balance else {
                    return Err(StoreError::NotFound);
                };
                return Ok(Err(LedgerError::Insufficient {
                    account: p.account.clone(),
                    balance,
                    change: p.amount_fen,
                }));
            };
            rows.push((line as i64, account, p.amount_fen, after));
        }
        let values: Vec<String> = (0..rows.len())
            .map(|i| {
                let b = i * 6;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO ledger_posting (tx_id, line, account, amount_fen, balance_after, event_seq) VALUES {}",
            values.join(", ")
        );
        with_conn!(self, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (line, account, amount, after) in &rows {
                q = q.bind(t.id).bind(*line).bind(account.as_str()).bind(*amount).bind(*after).bind(seq);
            }
            q.execute(&mut *c).await.map(|_| ())
        })?;
        Ok(Ok(seq))
    }

    /// Releases the once-per-basis hold of a transaction (after its reversal).
    pub async fn release_ledger_basis(&mut self, tx_id: &str) -> Result<()> {
        with_conn!(self, c => {
            sqlx::query("UPDATE ledger_tx SET once_basis = NULL WHERE tx_id = $1")
                .bind(tx_id)
                .execute(&mut *c)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    async fn ledger_tx_where(
        &mut self,
        clause: &str,
        value: &str,
    ) -> Result<Option<LedgerTxRecord>> {
        let sql = format!("SELECT {TX_COLS} FROM ledger_tx WHERE {clause} = $1");
        let row: Option<TxRow> = with_conn!(self, c => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(value)
                .fetch_optional(&mut *c)
                .await
        })?;
        match row {
            Some(r) => {
                let mut v = self.ledger_txs_from_rows(vec![r]).await?;
                Ok(v.pop())
            }
            None => Ok(None),
        }
    }

    /// The transaction with this idempotency key.
    pub async fn ledger_tx_by_key(&mut self, key: &str) -> Result<Option<LedgerTxRecord>> {
        self.ledger_tx_where("idempotency_key", key).await
    }

    /// The transaction with this id.
    pub async fn ledger_tx(&mut self, id: &str) -> Result<Option<LedgerTxRecord>> {
        self.ledger_tx_where("tx_id", id).await
    }

    /// The reversal of a transaction, if any.
    pub async fn ledger_reversal_of(&mut self, id: &str) -> Result<Option<LedgerTxRecord>> {
        self.ledger_tx_where("reverses", id).await
    }

    async fn ledger_txs_from_rows(&mut self, rows: Vec<TxRow>) -> Result<Vec<LedgerTxRecord>> {
        let mut out = Vec::with_capacity(rows.len());
        for (
            id,
            key,
            kind,
            amount_fen,
            memo,
            basis,
            reverses,
            fingerprint,
            actor,
            created_at,
            event_seq,
        ) in rows
        {
            let ps: Vec<(String, i64)> = with_conn!(self, c => {
                sqlx::query_as("SELECT account, amount_fen FROM ledger_posting WHERE tx_id = $1 ORDER BY line")
                    .bind(&id)
                    .fetch_all(&mut *c)
                    .await
            })?;
            let postings = ps
                .into_iter()
                .map(|(a, f)| Ok(Posting::new(account_of(&a)?, f)))
                .collect::<Result<Vec<_>>>()?;
            out.push(LedgerTxRecord {
                id,
                key,
                kind: kind_of(&kind)?,
                amount_fen,
                memo,
                basis,
                reverses,
                fingerprint,
                actor,
                created_at,
                event_seq,
                postings,
            });
        }
        Ok(out)
    }

    /// Transactions, newest first, optionally only those touching `account`;
    /// with the total count.
    pub async fn ledger_txs(
        &mut self,
        account: Option<&Account>,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<LedgerTxRecord>)> {
        let (total, rows): (i64, Vec<TxRow>) = match account {
            Some(a) => {
                let a = a.to_string();
                let total: i64 = with_conn!(self, c => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM ledger_posting WHERE account = $1")
                        .bind(&a)
                        .fetch_one(&mut *c)
                        .await
                })?;
                let sql = format!(
                    "SELECT {TX_COLS} FROM ledger_tx WHERE tx_id IN (SELECT tx_id FROM ledger_posting WHERE account = $1) \
                     ORDER BY event_seq DESC LIMIT $2 OFFSET $3"
                );
                let rows = with_conn!(self, c => {
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                        .bind(&a)
                        .bind(limit)
                        .bind(offset)
                        .fetch_all(&mut *c)
                        .await
                })?;
                (total, rows)
            }
            None => {
                let total: i64 = with_conn!(self, c => {
                    sqlx::query_scalar("SELECT COUNT(*) FROM ledger_tx").fetch_one(&mut *c).await
                })?;
                let sql = format!(
                    "SELECT {TX_COLS} FROM ledger_tx ORDER BY event_seq DESC LIMIT $1 OFFSET $2"
                );
                let rows = with_conn!(self, c => {
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                        .bind(limit)
                        .bind(offset)
                        .fetch_all(&mut *c)
                        .await
                })?;
                (total, rows)
            }
        };
        Ok((total, self.ledger_txs_from_rows(rows).await?))
    }

    /// Accounts with balances, in account order; `kind` and `org_id` narrow it.
    pub async fn ledger_accounts(
        &mut self,
        kind: Option<AccountKind>,
        org_id: Option<&str>,
    ) -> Result<Vec<LedgerAccount>> {
        let rows: Vec<(String, String, Option<String>, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT account, name, organisation_id, balance_fen FROM ledger_account \
                 WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR organisation_id = $2) ORDER BY account",
            )
            .bind(kind.map(AccountKind::prefix))
            .bind(org_id)
            .fetch_all(&mut *c)
            .await
        })?;
        rows.into_iter()
            .map(|(a, name, org_id, balance_fen)| {
                Ok(LedgerAccount {
                    account: account_of(&a)?,
                    name,
                    org_id,
                    balance_fen,
                })
            })
            .collect()
    }

    /// One account.
    pub async fn ledger_account(&mut self, account: &Account) -> Result<Option<LedgerAccount>> {
        let row: Option<(String, Option<String>, i64)> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT name, organisation_id, balance_fen FROM ledger_account WHERE account = $1",
            )
            .bind(account.to_string())
            .fetch_optional(&mut *c)
            .await
        })?;
        Ok(row.map(|(name, org_id, balance_fen)| LedgerAccount {
            account: account.clone(),
            name,
            org_id,
            balance_fen,
        }))
    }

    /// An account's postings with the running balance, newest first, paged; with
    /// the total count.
    pub async fn ledger_statement(
        &mut self,
        account: &Account,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<StatementLine>)> {
        let a = account.to_string();
        let total: i64 = with_conn!(self, c => {
            sqlx::query_scalar("SELECT COUNT(*) FROM ledger_posting WHERE account = $1")
                .bind(&a)
                .fetch_one(&mut *c)
                .await
        })?;
        let rows: Vec<StatementRow> = with_conn!(self, c => {
            sqlx::query_as(
                "SELECT t.tx_id, t.idempotency_key, t.kind, t.basis, t.memo, t.created_at, p.event_seq, p.amount_fen, p.balance_after \
                 FROM ledger_posting p JOIN ledger_tx t ON t.tx_id = p.tx_id \
                 WHERE p.account = $1 ORDER BY p.event_seq DESC LIMIT $2 OFFSET $3",
            )
            .bind(&a)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *c)
            .await
        })?;
        let lines = rows
            .into_iter()
            .map(
                |(
                    tx_id,
                    key,
                    kind,
                    basis,
                    memo,
                    created_at,
                    event_seq,
                    amount_fen,
                    balance_after,
                )| {
                    Ok(StatementLine {
                        tx_id,
                        key,
                        kind: kind_of(&kind)?,
                        basis,
                        memo,
                        created_at,
                        event_seq,
                        amount_fen,
                        balance_after,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        Ok((total, lines))
    }

    /// Transactions whose postings do not sum to zero (ids).
    pub async fn ledger_unbalanced_txs(&mut self) -> Result<Vec<String>> {
        Ok(with_conn!(self, c => {
            sqlx::query_scalar(
                "SELECT t.tx_id FROM ledger_tx t LEFT JOIN ledger_posting p ON p.tx_id = t.tx_id \
                 GROUP BY t.tx_id HAVING COUNT(p.tx_id) < 2 OR SUM(p.amount_fen) <> 0 ORDER BY t.tx_id",
            )
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Every account's stored balance next to the sum of its postings:
    /// `(account, kind, stored, rebuilt)`.
    pub async fn ledger_balance_rebuild(&mut self) -> Result<Vec<(String, String, i64, i64)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT a.account, a.kind, a.balance_fen, \
                 CAST(COALESCE((SELECT SUM(p.amount_fen) FROM ledger_posting p WHERE p.account = a.account), 0) AS BIGINT) \
                 FROM ledger_account a ORDER BY a.account",
            )
            .fetch_all(&mut *c)
            .await
        })?)
    }

    /// Ledger transactions as their events recorded them, in sequence order
    /// (`(tx id, payload)`), for replaying the books from the event log.
    pub async fn ledger_events(&mut self) -> Result<Vec<(String, String)>> {
        Ok(with_conn!(self, c => {
            sqlx::query_as(
                "SELECT entity_id, payload FROM event WHERE entity = 'ledger_tx' AND kind = 'ledger.posted' ORDER BY seq",
            )
            .fetch_all(&mut *c)
            .await
        })?)
    }
}
