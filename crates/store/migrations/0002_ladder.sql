-- The cultivation ladder (issue 3): supplementary facts, stored evaluations, the
-- current verdict per tier, the cultivation pool and its moves, district targets,
-- and the cursor of the event feed that re-evaluates enterprises.

-- Facts the rules need that filings do not carry (declarations, awards,
-- institutions, market position …): one JSON document per enterprise
-- (kechuang_core::ladder::facts::Facts).
CREATE TABLE org_facts (
    organisation_id TEXT NOT NULL,
    facts TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    CONSTRAINT org_facts_pkey PRIMARY KEY (organisation_id),
    CONSTRAINT org_facts_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);

-- Every evaluation as decided: the profile that went in, the results that came out.
CREATE TABLE ladder_run (
    run_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    as_of TEXT NOT NULL,
    pack TEXT,
    trigger TEXT NOT NULL,
    inputs TEXT NOT NULL,
    inputs_hash TEXT NOT NULL,
    outputs TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT ladder_run_pkey PRIMARY KEY (run_id),
    CONSTRAINT ladder_run_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX ladder_run_org_idx ON ladder_run (organisation_id, created_at);

-- The latest ladder verdict per enterprise and tier (derived from ladder_run).
CREATE TABLE ladder_current (
    organisation_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    run_id TEXT NOT NULL,
    pack TEXT NOT NULL,
    status TEXT NOT NULL,
    ready BOOLEAN NOT NULL,
    held BOOLEAN NOT NULL,
    score_min INTEGER,
    score_max INTEGER,
    unmet INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    CONSTRAINT ladder_current_pkey PRIMARY KEY (organisation_id, tier),
    CONSTRAINT ladder_current_run_fkey FOREIGN KEY (run_id) REFERENCES ladder_run (run_id)
);
CREATE INDEX ladder_current_tier_idx ON ladder_current (tier, held, ready, unmet);

-- The cultivation pool: where each enterprise stands for a tier.
CREATE TABLE pool_entry (
    organisation_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    stage TEXT NOT NULL,
    note TEXT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    CONSTRAINT pool_entry_pkey PRIMARY KEY (organisation_id, tier),
    CONSTRAINT pool_entry_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX pool_entry_stage_idx ON pool_entry (tier, stage);

CREATE TABLE pool_move (
    move_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    tier TEXT NOT NULL,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    note TEXT,
    at_us BIGINT NOT NULL,
    actor TEXT NOT NULL,
    CONSTRAINT pool_move_pkey PRIMARY KEY (move_id)
);
CREATE INDEX pool_move_org_idx ON pool_move (organisation_id, tier, at_us);

-- District targets ("double the number of 高企 by 2027").
CREATE TABLE district_target (
    target_id TEXT NOT NULL,
    name TEXT NOT NULL,
    tier TEXT NOT NULL,
    baseline_date TEXT NOT NULL,
    baseline_value BIGINT NOT NULL,
    target_value BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT district_target_pkey PRIMARY KEY (target_id)
);

-- How far a derived view has read the event log.
CREATE TABLE feed_cursor (
    name TEXT NOT NULL,
    seq BIGINT NOT NULL,
    CONSTRAINT feed_cursor_pkey PRIMARY KEY (name)
);
