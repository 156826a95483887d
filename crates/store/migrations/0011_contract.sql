-- Technology contract registration (技术合同认定登记, issue 6). A contract is
-- registered by its seller organisation; the registrar accepts, returns, registers
-- or refuses it within the regime's time limit. Amounts are fen; dates are
-- 'YYYY-MM-DD' text. The statistics read the current values of registered
-- contracts (a 变更登记 updates the row and keeps the old values in
-- contract_change), through the day sums (contract_day_sum).

CREATE TABLE contract (
    contract_id TEXT NOT NULL,
    seller_org_id TEXT NOT NULL,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    subtype TEXT NOT NULL,
    declared_subtype TEXT NOT NULL,
    field TEXT NOT NULL,
    ip_type TEXT,
    government_programme BOOLEAN NOT NULL DEFAULT FALSE,
    amount_fen BIGINT NOT NULL,
    non_technical_fen BIGINT NOT NULL,
    tech_declared_fen BIGINT NOT NULL,
    tech_verified_fen BIGINT NOT NULL,
    signed_on TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    body TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    dup_key TEXT NOT NULL,
    seller_type TEXT NOT NULL,
    buyer_type TEXT NOT NULL,
    status TEXT NOT NULL,
    regime TEXT,
    submitted_on TEXT NOT NULL,
    accepted_on TEXT,
    deadline TEXT,
    disputed BOOLEAN NOT NULL DEFAULT FALSE,
    registration_number TEXT,
    registered_on TEXT,
    refusal_reason TEXT,
    refusal_note TEXT,
    cancelled_on TEXT,
    cancel_reason TEXT,
    town TEXT,
    collaboration_id TEXT,
    session_id TEXT,
    challenge_id TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT contract_pkey PRIMARY KEY (contract_id),
    CONSTRAINT contract_number_key UNIQUE (registration_number),
    CONSTRAINT contract_seller_fkey FOREIGN KEY (seller_org_id) REFERENCES organisation (organisation_id),
    CHECK (tech_declared_fen <= amount_fen AND tech_verified_fen <= amount_fen),
    CHECK (amount_fen > 0 AND non_technical_fen >= 0 AND tech_declared_fen >= 0 AND tech_verified_fen >= 0)
);
-- One contract is registered once: the exact duplicate key is unique among the
-- contracts still alive (a withdrawn or refused one may be submitted again).
CREATE UNIQUE INDEX contract_fingerprint_live ON contract (fingerprint)
    WHERE status <> 'withdrawn' AND status <> 'refused';
CREATE INDEX contract_dup_idx ON contract (dup_key);
CREATE INDEX contract_seller_idx ON contract (seller_org_id, created_at);
CREATE INDEX contract_status_idx ON contract (status, deadline);
CREATE INDEX contract_collab_idx ON contract (collaboration_id);
-- The statistics of a town-scoped user read registered contracts by registration
-- date from this covering index (status first: SQLite does not treat a partial
-- index's condition as covering the column).
CREATE INDEX contract_stats_idx ON contract (status, registered_on, category, subtype, field, seller_type, buyer_type, town, amount_fen, tech_verified_fen);

-- District-wide statistics: registered contracts summed per registration day and
-- per value of each dimension (dim = category, subtype, field, seller_type,
-- buyer_type, town), kept by the store in the same transaction as every change
-- into, out of or within the registered status. A range reads days × keys rows,
-- whatever the number of contracts.
CREATE TABLE contract_day_sum (
    dim TEXT NOT NULL,
    day TEXT NOT NULL,
    key TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    tech_fen BIGINT NOT NULL,
    CONSTRAINT contract_day_sum_pkey PRIMARY KEY (dim, day, key)
);

CREATE TABLE contract_party (
    contract_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    side TEXT NOT NULL,
    name TEXT NOT NULL,
    credit_code TEXT,
    kind TEXT NOT NULL,
    org_id TEXT,
    CONSTRAINT contract_party_pkey PRIMARY KEY (contract_id, line),
    CONSTRAINT contract_party_contract_fkey FOREIGN KEY (contract_id) REFERENCES contract (contract_id)
);
CREATE INDEX contract_party_org_idx ON contract_party (org_id);

-- Every step of the workflow, in order.
CREATE TABLE contract_step (
    contract_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    step TEXT NOT NULL,
    status_after TEXT NOT NULL,
    actor TEXT NOT NULL,
    on_date TEXT NOT NULL,
    note TEXT,
    at BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    CONSTRAINT contract_step_pkey PRIMARY KEY (contract_id, line),
    CONSTRAINT contract_step_contract_fkey FOREIGN KEY (contract_id) REFERENCES contract (contract_id)
);

-- 变更登记: one row per changed value.
CREATE TABLE contract_change (
    contract_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    on_date TEXT NOT NULL,
    at BIGINT NOT NULL,
    CONSTRAINT contract_change_pkey PRIMARY KEY (contract_id, line),
    CONSTRAINT contract_change_contract_fkey FOREIGN KEY (contract_id) REFERENCES contract (contract_id)
);

-- The registration sequence of each year, held by the database: taking a number
-- is one upsert on the year's row, so two registrations never get one number and
-- a rolled-back registration leaves no gap.
CREATE TABLE contract_sequence (
    year INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    CONSTRAINT contract_sequence_pkey PRIMARY KEY (year)
);
