-- 揭榜挂帅 challenge calls (issue 6, policy-rules.md §7.2): demands collected from
-- enterprises, calls refined from them, applications by teams and consortia, the
-- review panel with its conflicts of interest, scores, objections in the 公示,
-- task contracts (projects) with milestone reviews, tranche payments through the
-- ledger and the final acceptance. Each table keeps the columns it is queried or
-- constrained by and the whole record as JSON (`doc`). Dates are 'YYYY-MM-DD'
-- text, instants unix microseconds, money fen.

-- 需求征集: a bottleneck demand of an enterprise.
-- status: submitted | screened | merged | rejected.
CREATE TABLE challenge_demand (
    demand_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    field TEXT NOT NULL,
    cofunding_fen BIGINT NOT NULL,
    deadline TEXT,
    confidential BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    call_id TEXT,
    submitted_on TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT challenge_demand_pkey PRIMARY KEY (demand_id),
    CONSTRAINT challenge_demand_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX challenge_demand_org_idx ON challenge_demand (organisation_id);

-- 榜单. terms: kechuang_core::challenge::CallTerms as JSON; the columns repeat
-- what lists and the report filter on. publicity_from/to: the 公示 window.
CREATE TABLE challenge_call (
    call_id TEXT NOT NULL,
    title TEXT NOT NULL,
    group_name TEXT NOT NULL,
    stage TEXT NOT NULL,
    max_grant_fen BIGINT NOT NULL,
    issuer_org_id TEXT,
    issuer_cofunding_fen BIGINT NOT NULL,
    parallel_teams BIGINT NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    publicity_days BIGINT NOT NULL,
    published_on TEXT,
    publicity_from TEXT,
    publicity_to TEXT,
    terms TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT challenge_call_pkey PRIMARY KEY (call_id),
    CONSTRAINT challenge_call_issuer_fkey FOREIGN KEY (issuer_org_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX challenge_call_stage_idx ON challenge_call (stage, published_on);

-- 揭榜申报: one per lead organisation and call. check_result: pending | passed |
-- failed (the formal check); stage: submitted | passed | failed | selected |
-- not_selected.
CREATE TABLE challenge_application (
    application_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    lead_org_id TEXT NOT NULL,
    budget_fen BIGINT NOT NULL,
    matching_fen BIGINT NOT NULL,
    check_result TEXT NOT NULL,
    stage TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT challenge_application_pkey PRIMARY KEY (application_id),
    CONSTRAINT challenge_application_lead_key UNIQUE (call_id, lead_org_id),
    CONSTRAINT challenge_application_call_fkey FOREIGN KEY (call_id) REFERENCES challenge_call (call_id),
    CONSTRAINT challenge_application_lead_fkey FOREIGN KEY (lead_org_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX challenge_application_lead_idx ON challenge_application (lead_org_id);

-- The review panel of a call: the drawn experts and the excluded ones with their
-- conflicts (JSON). user_id: the account that scores as this expert.
CREATE TABLE challenge_panel (
    call_id TEXT NOT NULL,
    expert_id TEXT NOT NULL,
    excluded BOOLEAN NOT NULL,
    conflicts TEXT NOT NULL,
    user_id TEXT,
    doc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT challenge_panel_pkey PRIMARY KEY (call_id, expert_id),
    CONSTRAINT challenge_panel_call_fkey FOREIGN KEY (call_id) REFERENCES challenge_call (call_id),
    CONSTRAINT challenge_panel_expert_fkey FOREIGN KEY (expert_id) REFERENCES expert (expert_id)
);
CREATE INDEX challenge_panel_user_idx ON challenge_panel (user_id);

-- One score per reviewer and application. score: decimal text, 0–100.
CREATE TABLE challenge_score (
    application_id TEXT NOT NULL,
    expert_id TEXT NOT NULL,
    score TEXT NOT NULL,
    comment TEXT,
    entered_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT challenge_score_pkey PRIMARY KEY (application_id, expert_id),
    CONSTRAINT challenge_score_application_fkey FOREIGN KEY (application_id) REFERENCES challenge_application (application_id),
    CONSTRAINT challenge_score_expert_fkey FOREIGN KEY (expert_id) REFERENCES expert (expert_id)
);

-- An objection raised in the 公示. outcome: open | upheld | dismissed.
CREATE TABLE challenge_objection (
    objection_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    doc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT challenge_objection_pkey PRIMARY KEY (objection_id),
    CONSTRAINT challenge_objection_call_fkey FOREIGN KEY (call_id) REFERENCES challenge_call (call_id)
);
CREATE INDEX challenge_objection_call_idx ON challenge_objection (call_id);

-- 任务书: the task contract of a selected application, with its milestones,
-- tranches and state (JSON). contract_ref: a registered technology contract
-- (another table, kept as plain text).
CREATE TABLE challenge_project (
    project_id TEXT NOT NULL,
    call_id TEXT NOT NULL,
    application_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    grant_fen BIGINT NOT NULL,
    stage TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    contract_ref TEXT,
    doc TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT challenge_project_pkey PRIMARY KEY (project_id),
    CONSTRAINT challenge_project_application_key UNIQUE (application_id),
    CONSTRAINT challenge_project_call_fkey FOREIGN KEY (call_id) REFERENCES challenge_call (call_id),
    CONSTRAINT challenge_project_application_fkey FOREIGN KEY (application_id) REFERENCES challenge_application (application_id),
    CONSTRAINT challenge_project_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX challenge_project_org_idx ON challenge_project (organisation_id);

-- Milestone reviews in order. verdict: pass | rectify | terminate.
CREATE TABLE challenge_milestone_review (
    project_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    milestone_index BIGINT NOT NULL,
    verdict TEXT NOT NULL,
    note TEXT,
    due TEXT,
    reviewed_by TEXT NOT NULL,
    reviewed_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT challenge_milestone_review_pkey PRIMARY KEY (project_id, seq),
    CONSTRAINT challenge_milestone_review_project_fkey FOREIGN KEY (project_id) REFERENCES challenge_project (project_id)
);

-- A paid tranche: once per (project, tranche), the ledger transaction that paid it.
CREATE TABLE challenge_tranche_payment (
    project_id TEXT NOT NULL,
    tranche_index BIGINT NOT NULL,
    tx_id TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT challenge_tranche_payment_pkey PRIMARY KEY (project_id, tranche_index),
    CONSTRAINT challenge_tranche_payment_project_fkey FOREIGN KEY (project_id) REFERENCES challenge_project (project_id),
    CONSTRAINT challenge_tranche_payment_tx_fkey FOREIGN KEY (tx_id) REFERENCES ledger_tx (tx_id)
);

-- Final acceptance against the KPIs. measured/met: JSON lists, one per KPI.
-- verdict: accepted | failed.
CREATE TABLE challenge_acceptance (
    project_id TEXT NOT NULL,
    measured TEXT NOT NULL,
    met TEXT NOT NULL,
    verdict TEXT NOT NULL,
    accepted_on TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT challenge_acceptance_pkey PRIMARY KEY (project_id),
    CONSTRAINT challenge_acceptance_project_fkey FOREIGN KEY (project_id) REFERENCES challenge_project (project_id)
);
