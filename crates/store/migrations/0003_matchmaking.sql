-- Matchmaking (issue 4): enterprises' technology needs, achievements and experts.
-- Lists (modes, keywords, inventors, fields) are JSON arrays of strings; money is
-- fen.

CREATE TABLE need (
    need_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    indicators TEXT,
    problem TEXT,
    basis TEXT,
    budget_fen BIGINT,
    modes TEXT NOT NULL,
    field TEXT,
    keywords TEXT NOT NULL,
    deadline TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT need_pkey PRIMARY KEY (need_id),
    CONSTRAINT need_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX need_org_idx ON need (organisation_id);
CREATE INDEX need_status_idx ON need (status, updated_at);

CREATE TABLE achievement (
    achievement_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    inventors TEXT NOT NULL,
    field TEXT,
    form TEXT,
    maturity TEXT,
    transfer_modes TEXT NOT NULL,
    price_fen BIGINT,
    keywords TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT achievement_pkey PRIMARY KEY (achievement_id),
    CONSTRAINT achievement_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX achievement_org_idx ON achievement (organisation_id);
CREATE INDEX achievement_updated_idx ON achievement (updated_at);

CREATE TABLE expert (
    expert_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    fields TEXT NOT NULL,
    keywords TEXT NOT NULL,
    projects TEXT,
    profile TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT expert_pkey PRIMARY KEY (expert_id),
    CONSTRAINT expert_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX expert_org_idx ON expert (organisation_id);
