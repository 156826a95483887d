-- The money ledger (issue 5): accounts with their balances, transactions with an
-- idempotency key held unique, and their postings of signed fen. A transaction's
-- postings sum to zero; an account's balance is the sum of its postings and is
-- kept in the same database transaction as the postings. Only a treasury's
-- balance may go below zero: the CHECK holds it even if a guarded UPDATE is ever
-- forgotten.

CREATE TABLE ledger_account (
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_id TEXT,
    balance_fen BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CONSTRAINT ledger_account_pkey PRIMARY KEY (account),
    CHECK (kind = 'treasury' OR balance_fen >= 0),
    CONSTRAINT ledger_account_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX ledger_account_org_idx ON ledger_account (organisation_id);

-- once_basis: the basis of a kind paid at most once per basis (a subsidy payment,
-- a compensation), NULL otherwise; NULLs never collide, so the UNIQUE constraint
-- is "one payment per approved application" on both backends. A reversal sets it
-- back to NULL, releasing the basis for a corrected payment.
CREATE TABLE ledger_tx (
    tx_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    memo TEXT,
    basis TEXT,
    once_basis TEXT,
    reverses TEXT,
    fingerprint TEXT NOT NULL,
    actor TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    CONSTRAINT ledger_tx_pkey PRIMARY KEY (tx_id),
    CONSTRAINT ledger_tx_key_key UNIQUE (idempotency_key),
    CONSTRAINT ledger_tx_once_key UNIQUE (kind, once_basis),
    CONSTRAINT ledger_tx_reverses_key UNIQUE (reverses),
    CONSTRAINT ledger_tx_reverses_fkey FOREIGN KEY (reverses) REFERENCES ledger_tx (tx_id)
);
CREATE INDEX ledger_tx_seq_idx ON ledger_tx (event_seq);
CREATE INDEX ledger_tx_basis_idx ON ledger_tx (basis);

-- balance_after: the account's balance right after this posting (the running
-- balance of a statement).
CREATE TABLE ledger_posting (
    tx_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    account TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    CONSTRAINT ledger_posting_pkey PRIMARY KEY (tx_id, line),
    CONSTRAINT ledger_posting_tx_fkey FOREIGN KEY (tx_id) REFERENCES ledger_tx (tx_id),
    CONSTRAINT ledger_posting_account_fkey FOREIGN KEY (account) REFERENCES ledger_account (account),
    CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_posting_account_idx ON ledger_posting (account, event_seq);
