-- The policy library (issue 5, 政策库): policy documents with their issuing body,
-- document number, level, category, dates, status and full text. The enterprise
-- types a policy serves and the subsidy measures it links are JSON lists of codes
-- (`["tech_sme","high_tech"]`, `["RD-INVEST"]`); a measure id is plain text, not a
-- foreign key, because the measures live in the subsidy tables and a policy may
-- name a measure before it is encoded. Dates are 'YYYY-MM-DD' text. The full-text
-- index is derived (kechuang-search); these columns are also what the database
-- fallback search reads with LIKE.

CREATE TABLE policy (
    policy_id TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    doc_no TEXT,
    level TEXT NOT NULL,
    category TEXT NOT NULL,
    published_on TEXT,
    effective_from TEXT,
    effective_to TEXT,
    status TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    source_url TEXT,
    audiences TEXT NOT NULL,
    measures TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    CONSTRAINT policy_pkey PRIMARY KEY (policy_id),
    CONSTRAINT policy_doc_no_key UNIQUE (doc_no),
    CHECK (status IN ('draft', 'published', 'expired', 'repealed')),
    CHECK (level IN ('national', 'municipal', 'district'))
);
CREATE INDEX policy_status_idx ON policy (status, published_on);
