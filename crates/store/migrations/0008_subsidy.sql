-- Subsidies (issue 5): the bureau's policy measures as rules, applications
-- through 受理 → 初审 → 联审 → 公示 → 批准 → 兑付, and their attachments.

-- One measure of one year ("十二条措施" item). rule is the whole encoded
-- kechuang_core::subsidy::Measure as JSON; the columns beside it are what lists,
-- windows and budget checks read. committed_fen is the sum of the amounts approved
-- (approved or paid) on the measure this year, raised by a guarded UPDATE that
-- never passes annual_budget_fen, so two approvals cannot overspend between them.
CREATE TABLE subsidy_measure (
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    budget_line TEXT NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    no_application BOOLEAN NOT NULL,
    annual_budget_fen BIGINT NOT NULL,
    committed_fen BIGINT NOT NULL DEFAULT 0,
    rule TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT subsidy_measure_pkey PRIMARY KEY (year, code),
    CHECK (committed_fen >= 0 AND committed_fen <= annual_budget_fen)
);

-- An application (source 'application') or a 免申即享 offer (source 'offer') of
-- one enterprise for one measure and one base period (the accounting year the
-- bases come from). declared: the bases the enterprise declared, fen by base kind;
-- assessment: the last kechuang_core::subsidy::Assessment (checks and working);
-- history: every step with actor, time and comment; objections: those received
-- in 公示. submitted_on is the day it became an application (an offer: the day it
-- was accepted); paid_on and ledger_tx_id are set by the payment.
CREATE TABLE subsidy_application (
    application_id TEXT NOT NULL,
    measure_year INTEGER NOT NULL,
    measure_code TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    declared TEXT NOT NULL,
    assessment TEXT NOT NULL,
    amount_applied_fen BIGINT NOT NULL,
    amount_approved_fen BIGINT,
    history TEXT NOT NULL,
    objections TEXT NOT NULL,
    rejection TEXT,
    publicity_from TEXT,
    publicity_until TEXT,
    submitted_on TEXT,
    approved_on TEXT,
    paid_on TEXT,
    ledger_tx_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT subsidy_application_pkey PRIMARY KEY (application_id),
    CONSTRAINT subsidy_application_measure_fkey FOREIGN KEY (measure_year, measure_code) REFERENCES subsidy_measure (year, code),
    CONSTRAINT subsidy_application_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CONSTRAINT subsidy_application_tx_fkey FOREIGN KEY (ledger_tx_id) REFERENCES ledger_tx (tx_id),
    CHECK (amount_applied_fen >= 0),
    CHECK (amount_approved_fen IS NULL OR amount_approved_fen > 0)
);
-- A measure pays one enterprise at most once per base period: one live
-- application (anything but refused or withdrawn) per (measure, enterprise,
-- period). A partial unique index, the same text on SQLite and PostgreSQL.
CREATE UNIQUE INDEX subsidy_application_once_key ON subsidy_application (measure_code, organisation_id, period)
    WHERE stage <> 'rejected' AND stage <> 'withdrawn';
CREATE INDEX subsidy_application_org_idx ON subsidy_application (organisation_id, period);
CREATE INDEX subsidy_application_stage_idx ON subsidy_application (stage, measure_year);
CREATE INDEX subsidy_application_submitted_idx ON subsidy_application (submitted_on);
