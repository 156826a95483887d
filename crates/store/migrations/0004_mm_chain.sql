-- Daily matching and the outcome chain (issue 4): feedback on matches,
-- expressions of interest (意向), talks threads (对接洽谈) with their messages,
-- collaborations (产学研合作) and the dated stages that follow them.
-- Dates are 'YYYY-MM-DD' text, instants unix microseconds, money fen.

-- One vote per user per (need, candidate); a later vote replaces it.
CREATE TABLE match_feedback (
    need_id TEXT NOT NULL,
    candidate_kind TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    user_tag TEXT NOT NULL,
    useful BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT match_feedback_pkey PRIMARY KEY (need_id, candidate_kind, candidate_id, user_tag),
    CONSTRAINT match_feedback_need_fkey FOREIGN KEY (need_id) REFERENCES need (need_id)
);

-- An organisation's interest in a need, an achievement or an expert; to_org is
-- the record's owner. At most one open interest per sender and record.
CREATE TABLE interest (
    interest_id TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    target_title TEXT NOT NULL,
    from_org_id TEXT NOT NULL,
    to_org_id TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    sent_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    responded_by TEXT,
    CONSTRAINT interest_pkey PRIMARY KEY (interest_id),
    CONSTRAINT interest_from_fkey FOREIGN KEY (from_org_id) REFERENCES organisation (organisation_id),
    CONSTRAINT interest_to_fkey FOREIGN KEY (to_org_id) REFERENCES organisation (organisation_id)
);
CREATE UNIQUE INDEX interest_open_key ON interest (from_org_id, target_kind, target_id) WHERE status = 'open';
CREATE INDEX interest_from_idx ON interest (from_org_id, updated_at);
CREATE INDEX interest_to_idx ON interest (to_org_id, updated_at);
CREATE INDEX interest_sent_idx ON interest (sent_on);

-- Talks between the two organisations of an accepted interest.
CREATE TABLE thread (
    thread_id TEXT NOT NULL,
    interest_id TEXT,
    from_org_id TEXT NOT NULL,
    to_org_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    mediation TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT thread_pkey PRIMARY KEY (thread_id),
    CONSTRAINT thread_interest_key UNIQUE (interest_id),
    CONSTRAINT thread_interest_fkey FOREIGN KEY (interest_id) REFERENCES interest (interest_id),
    CONSTRAINT thread_from_fkey FOREIGN KEY (from_org_id) REFERENCES organisation (organisation_id),
    CONSTRAINT thread_to_fkey FOREIGN KEY (to_org_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX thread_from_idx ON thread (from_org_id, updated_at);
CREATE INDEX thread_to_idx ON thread (to_org_id, updated_at);
CREATE INDEX thread_opened_idx ON thread (opened_on);

-- A message: from one of the two organisations, or from the bureau's
-- 技术经理人 (org_id NULL, as_mediator TRUE). Text stored as typed.
CREATE TABLE thread_message (
    message_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    org_id TEXT,
    author_tag TEXT NOT NULL,
    author_name TEXT NOT NULL,
    as_mediator BOOLEAN NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT thread_message_pkey PRIMARY KEY (message_id),
    CONSTRAINT thread_message_thread_fkey FOREIGN KEY (thread_id) REFERENCES thread (thread_id)
);
CREATE INDEX thread_message_thread_idx ON thread_message (thread_id, created_at);

-- A signed collaboration and how far its chain has come. contract_id is the
-- reference into the technology-contract registry (another issue builds it);
-- until then contract_number holds the contract's number as text.
CREATE TABLE collaboration (
    collaboration_id TEXT NOT NULL,
    title TEXT NOT NULL,
    enterprise_org_id TEXT NOT NULL,
    provider_org_id TEXT NOT NULL,
    interest_id TEXT,
    thread_id TEXT,
    signed_on TEXT NOT NULL,
    amount_fen BIGINT,
    source TEXT NOT NULL,
    session_id TEXT,
    stage TEXT NOT NULL,
    contract_id TEXT,
    contract_number TEXT,
    conversion TEXT,
    product_name TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT collaboration_pkey PRIMARY KEY (collaboration_id),
    CONSTRAINT collaboration_thread_key UNIQUE (thread_id),
    CONSTRAINT collaboration_enterprise_fkey FOREIGN KEY (enterprise_org_id) REFERENCES organisation (organisation_id),
    CONSTRAINT collaboration_provider_fkey FOREIGN KEY (provider_org_id) REFERENCES organisation (organisation_id),
    CONSTRAINT collaboration_thread_fkey FOREIGN KEY (thread_id) REFERENCES thread (thread_id)
);
CREATE INDEX collaboration_signed_idx ON collaboration (signed_on);
CREATE INDEX collaboration_enterprise_idx ON collaboration (enterprise_org_id);
CREATE INDEX collaboration_provider_idx ON collaboration (provider_org_id);

-- Each stage of a collaboration's chain from the signing on: its date and who
-- recorded it. One row per stage.
CREATE TABLE chain_stage (
    collaboration_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    on_date TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    CONSTRAINT chain_stage_pkey PRIMARY KEY (collaboration_id, stage),
    CONSTRAINT chain_stage_collaboration_fkey FOREIGN KEY (collaboration_id) REFERENCES collaboration (collaboration_id)
);
CREATE INDEX chain_stage_date_idx ON chain_stage (stage, on_date);
