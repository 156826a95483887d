-- Knowledge-value credit loans (issue 5, finance part): the district's credit
-- settings, evaluations stored with their inputs and items, consents of an
-- enterprise to a bank, bank decisions, loans, repayments and risk-compensation
-- claims. Money in fen, dates as 'YYYY-MM-DD' text, instants as unix µs.

-- One row per setting name ('credit': the JSON of kechuang_core::credit::Settings).
CREATE TABLE credit_setting (
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    CONSTRAINT credit_setting_pkey PRIMARY KEY (name)
);

-- An evaluation keeps what it read (inputs), what it gave (items, score, grade,
-- line) and the model and line table it used, so it can be explained later.
CREATE TABLE credit_evaluation (
    evaluation_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    pack TEXT NOT NULL,
    line_table TEXT NOT NULL,
    evaluated_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    inputs TEXT NOT NULL,
    items TEXT NOT NULL,
    score INTEGER NOT NULL,
    grade TEXT,
    line_fen BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT credit_evaluation_pkey PRIMARY KEY (evaluation_id),
    CONSTRAINT credit_evaluation_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CHECK (line_fen >= 0)
);
CREATE INDEX credit_evaluation_org_idx ON credit_evaluation (organisation_id, evaluated_on);

-- At most one consent in force per (enterprise, bank): revoking sets revoked_on;
-- a new grant is a new row.
CREATE TABLE credit_consent (
    consent_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    granted_on TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    revoked_on TEXT,
    revoked_at BIGINT,
    created_by TEXT NOT NULL,
    CONSTRAINT credit_consent_pkey PRIMARY KEY (consent_id),
    CONSTRAINT credit_consent_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CONSTRAINT credit_consent_bank_fkey FOREIGN KEY (bank_id) REFERENCES organisation (organisation_id)
);
CREATE UNIQUE INDEX credit_consent_active_key ON credit_consent (organisation_id, bank_id) WHERE revoked_at IS NULL;
CREATE INDEX credit_consent_bank_idx ON credit_consent (bank_id);

CREATE TABLE credit_decision (
    decision_id TEXT NOT NULL,
    evaluation_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    approved BOOLEAN NOT NULL,
    amount_fen BIGINT NOT NULL,
    reason TEXT,
    decided_on TEXT NOT NULL,
    decided_at BIGINT NOT NULL,
    decided_by TEXT NOT NULL,
    CONSTRAINT credit_decision_pkey PRIMARY KEY (decision_id),
    CONSTRAINT credit_decision_eval_fkey FOREIGN KEY (evaluation_id) REFERENCES credit_evaluation (evaluation_id),
    CONSTRAINT credit_decision_bank_fkey FOREIGN KEY (bank_id) REFERENCES organisation (organisation_id),
    CHECK (amount_fen >= 0)
);
CREATE INDEX credit_decision_bank_idx ON credit_decision (bank_id);

-- repaid_fen: principal repaid so far (the sum of the loan's repayments), kept in
-- the same transaction as each repayment. compensated: a claim on it was paid.
CREATE TABLE loan (
    loan_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    evaluation_id TEXT NOT NULL,
    decision_id TEXT,
    amount_fen BIGINT NOT NULL,
    rate_bp INTEGER NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    purpose TEXT,
    leveraged_commercial_fen BIGINT NOT NULL,
    service_fee_fen BIGINT NOT NULL,
    over_line_reason TEXT,
    repaid_fen BIGINT NOT NULL DEFAULT 0,
    compensated BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT loan_pkey PRIMARY KEY (loan_id),
    CONSTRAINT loan_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CONSTRAINT loan_bank_fkey FOREIGN KEY (bank_id) REFERENCES organisation (organisation_id),
    CONSTRAINT loan_eval_fkey FOREIGN KEY (evaluation_id) REFERENCES credit_evaluation (evaluation_id),
    CONSTRAINT loan_decision_key UNIQUE (decision_id),
    CHECK (amount_fen > 0),
    CHECK (end_on > start_on),
    CHECK (leveraged_commercial_fen >= 0),
    CHECK (service_fee_fen >= 0),
    CHECK (repaid_fen >= 0 AND repaid_fen <= amount_fen)
);
CREATE INDEX loan_org_idx ON loan (organisation_id);
CREATE INDEX loan_bank_idx ON loan (bank_id);
CREATE INDEX loan_start_idx ON loan (start_on);

CREATE TABLE loan_repayment (
    repayment_id TEXT NOT NULL,
    loan_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    paid_on TEXT NOT NULL,
    principal_fen BIGINT NOT NULL,
    interest_fen BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT loan_repayment_pkey PRIMARY KEY (repayment_id),
    CONSTRAINT loan_repayment_key_key UNIQUE (idempotency_key),
    CONSTRAINT loan_repayment_loan_fkey FOREIGN KEY (loan_id) REFERENCES loan (loan_id),
    CHECK (principal_fen >= 0 AND interest_fen >= 0 AND principal_fen + interest_fen > 0)
);
CREATE INDEX loan_repayment_loan_idx ON loan_repayment (loan_id, paid_on);
CREATE INDEX loan_repayment_date_idx ON loan_repayment (paid_on);

-- A risk-compensation claim: the split (fund = city + district, bank's share) is
-- recorded as computed when claimed; state claimed → paid (ledger_tx_id) or
-- rejected. One claim not rejected per loan.
CREATE TABLE credit_claim (
    claim_id TEXT NOT NULL,
    loan_id TEXT NOT NULL,
    bank_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    principal_fen BIGINT NOT NULL,
    fund_fen BIGINT NOT NULL,
    bank_fen BIGINT NOT NULL,
    city_fen BIGINT NOT NULL,
    district_fen BIGINT NOT NULL,
    days_overdue INTEGER NOT NULL,
    claimed_on TEXT NOT NULL,
    state TEXT NOT NULL,
    ledger_tx_id TEXT,
    claimed_at BIGINT NOT NULL,
    claimed_by TEXT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT,
    CONSTRAINT credit_claim_pkey PRIMARY KEY (claim_id),
    CONSTRAINT credit_claim_loan_fkey FOREIGN KEY (loan_id) REFERENCES loan (loan_id),
    CONSTRAINT credit_claim_tx_fkey FOREIGN KEY (ledger_tx_id) REFERENCES ledger_tx (tx_id),
    CHECK (principal_fen > 0 AND fund_fen + bank_fen = principal_fen AND city_fen + district_fen = fund_fen)
);
CREATE UNIQUE INDEX credit_claim_loan_key ON credit_claim (loan_id) WHERE state <> 'rejected';
CREATE INDEX credit_claim_bank_idx ON credit_claim (bank_id);
