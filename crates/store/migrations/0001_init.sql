-- kechuang schema, version 1: the registry, filings, users, the event log.
--
-- Portable subset (STYLE.md "Storage"): TEXT ids (UUIDv7), BIGINT money in fen and
-- instants in unix microseconds, dates as 'YYYY-MM-DD' text, BOOLEAN flags, named
-- constraints so errors can be mapped. The same file runs on SQLite and PostgreSQL.

-- Town / street (镇街) of the district, in the bureau's order.
CREATE TABLE town (
    name TEXT NOT NULL,
    code TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0,
    lon_micro BIGINT,
    lat_micro BIGINT,
    CONSTRAINT town_pkey PRIMARY KEY (name)
);

-- The district's industry clusters (产业集群), a configurable list.
CREATE TABLE cluster (
    name TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT cluster_pkey PRIMARY KEY (name)
);

-- Enterprises, universities, research institutes and banks.
CREATE TABLE organisation (
    organisation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    town TEXT,
    cluster TEXT,
    lon_micro BIGINT,
    lat_micro BIGINT,
    founded_on TEXT,
    above_scale BOOLEAN NOT NULL DEFAULT FALSE,
    address TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT organisation_pkey PRIMARY KEY (organisation_id),
    CONSTRAINT organisation_credit_code_key UNIQUE (credit_code)
);
CREATE INDEX organisation_town_idx ON organisation (town);
CREATE INDEX organisation_cluster_idx ON organisation (cluster);
CREATE INDEX organisation_name_idx ON organisation (name);

-- Recognitions of an enterprise in a tier; renewals are new rows, so the table is
-- the qualification history.
CREATE TABLE qualification (
    qualification_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT,
    recognized_on TEXT NOT NULL,
    valid_until TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT qualification_pkey PRIMARY KEY (qualification_id),
    CONSTRAINT qualification_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CONSTRAINT qualification_org_kind_date_key UNIQUE (organisation_id, kind, recognized_on)
);
-- Covers the "valid on a day" counts without touching the table.
CREATE INDEX qualification_kind_idx ON qualification (kind, recognized_on, valid_until, organisation_id);

-- Intellectual property per enterprise (§1.2, §9).
CREATE TABLE ip_record (
    ip_record_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    ip_type TEXT NOT NULL,
    ip_class TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    granted_on TEXT,
    status TEXT NOT NULL,
    acquisition TEXT NOT NULL,
    acquired_on TEXT,
    used_in_hte BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT ip_record_pkey PRIMARY KEY (ip_record_id),
    CONSTRAINT ip_record_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CONSTRAINT ip_record_org_number_key UNIQUE (organisation_id, number)
);

-- Who imported which file, and what it changed.
CREATE TABLE import_batch (
    import_batch_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    summary TEXT NOT NULL,
    CONSTRAINT import_batch_pkey PRIMARY KEY (import_batch_id)
);

-- Indicator filings, one row per (organisation, period, version). Period is
-- year * 10 + quarter (0 for the year). Values are in the indicator's minor unit
-- (fen, US cents, hundredths of a person, items); NULL means not reported. A
-- submitted version never changes; is_current marks the latest approved version,
-- the one statistics read. Columns follow kechuang_core::indicator::ALL.
CREATE TABLE filing (
    organisation_id TEXT NOT NULL,
    period INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_by TEXT,
    submitted_at BIGINT,
    reviewed_by TEXT,
    reviewed_at BIGINT,
    review_note TEXT,
    import_batch_id TEXT,
    operating_revenue BIGINT,
    sales_revenue BIGINT,
    main_business_revenue BIGINT,
    high_tech_revenue BIGINT,
    total_income BIGINT,
    total_profit BIGINT,
    net_profit BIGINT,
    taxes_paid BIGINT,
    tax_relief BIGINT,
    export_earnings BIGINT,
    total_assets BIGINT,
    net_assets BIGINT,
    employees BIGINT,
    st_staff BIGINT,
    rd_staff BIGINT,
    new_jobs BIGINT,
    rd_expense BIGINT,
    rd_domestic BIGINT,
    ip_class1 BIGINT,
    ip_class2 BIGINT,
    patent_applications BIGINT,
    tech_contract_amount BIGINT,
    rd_institution_level BIGINT,
    conversions BIGINT,
    new_jobs_graduates BIGINT,
    rd_basic BIGINT,
    invention_applications BIGINT,
    tech_transaction_amount BIGINT,
    total_cost BIGINT,
    CONSTRAINT filing_pkey PRIMARY KEY (organisation_id, period, version),
    CONSTRAINT filing_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CONSTRAINT filing_import_batch_fkey FOREIGN KEY (import_batch_id) REFERENCES import_batch (import_batch_id)
);
CREATE INDEX filing_submitted_idx ON filing (submitted_at) WHERE status = 'submitted';

-- Sums of the current (approved) filings per period and organisation attributes,
-- kept in step with filing and organisation in the same transaction (derived:
-- `kechuang check` recomputes it from filing). s_<code> is the sum, n_<code> the
-- number of filings reporting the indicator. It answers the district dashboard's
-- town / cluster / 规上 breakdowns without scanning every filing. '' stands for an
-- organisation without a town or cluster.
CREATE TABLE filing_rollup (
    period INTEGER NOT NULL,
    town TEXT NOT NULL,
    cluster TEXT NOT NULL,
    above_scale BOOLEAN NOT NULL,
    filings BIGINT NOT NULL DEFAULT 0,
    s_operating_revenue BIGINT NOT NULL DEFAULT 0,
    n_operating_revenue BIGINT NOT NULL DEFAULT 0,
    s_sales_revenue BIGINT NOT NULL DEFAULT 0,
    n_sales_revenue BIGINT NOT NULL DEFAULT 0,
    s_main_business_revenue BIGINT NOT NULL DEFAULT 0,
    n_main_business_revenue BIGINT NOT NULL DEFAULT 0,
    s_high_tech_revenue BIGINT NOT NULL DEFAULT 0,
    n_high_tech_revenue BIGINT NOT NULL DEFAULT 0,
    s_total_income BIGINT NOT NULL DEFAULT 0,
    n_total_income BIGINT NOT NULL DEFAULT 0,
    s_total_profit BIGINT NOT NULL DEFAULT 0,
    n_total_profit BIGINT NOT NULL DEFAULT 0,
    s_net_profit BIGINT NOT NULL DEFAULT 0,
    n_net_profit BIGINT NOT NULL DEFAULT 0,
    s_taxes_paid BIGINT NOT NULL DEFAULT 0,
    n_taxes_paid BIGINT NOT NULL DEFAULT 0,
    s_tax_relief BIGINT NOT NULL DEFAULT 0,
    n_tax_relief BIGINT NOT NULL DEFAULT 0,
    s_export_earnings BIGINT NOT NULL DEFAULT 0,
    n_export_earnings BIGINT NOT NULL DEFAULT 0,
    s_total_assets BIGINT NOT NULL DEFAULT 0,
    n_total_assets BIGINT NOT NULL DEFAULT 0,
    s_net_assets BIGINT NOT NULL DEFAULT 0,
    n_net_assets BIGINT NOT NULL DEFAULT 0,
    s_employees BIGINT NOT NULL DEFAULT 0,
    n_employees BIGINT NOT NULL DEFAULT 0,
    s_st_staff BIGINT NOT NULL DEFAULT 0,
    n_st_staff BIGINT NOT NULL DEFAULT 0,
    s_rd_staff BIGINT NOT NULL DEFAULT 0,
    n_rd_staff BIGINT NOT NULL DEFAULT 0,
    s_new_jobs BIGINT NOT NULL DEFAULT 0,
    n_new_jobs BIGINT NOT NULL DEFAULT 0,
    s_rd_expense BIGINT NOT NULL DEFAULT 0,
    n_rd_expense BIGINT NOT NULL DEFAULT 0,
    s_rd_domestic BIGINT NOT NULL DEFAULT 0,
    n_rd_domestic BIGINT NOT NULL DEFAULT 0,
    s_ip_class1 BIGINT NOT NULL DEFAULT 0,
    n_ip_class1 BIGINT NOT NULL DEFAULT 0,
    s_ip_class2 BIGINT NOT NULL DEFAULT 0,
    n_ip_class2 BIGINT NOT NULL DEFAULT 0,
    s_patent_applications BIGINT NOT NULL DEFAULT 0,
    n_patent_applications BIGINT NOT NULL DEFAULT 0,
    s_tech_contract_amount BIGINT NOT NULL DEFAULT 0,
    n_tech_contract_amount BIGINT NOT NULL DEFAULT 0,
    s_rd_institution_level BIGINT NOT NULL DEFAULT 0,
    n_rd_institution_level BIGINT NOT NULL DEFAULT 0,
    s_conversions BIGINT NOT NULL DEFAULT 0,
    n_conversions BIGINT NOT NULL DEFAULT 0,
    s_new_jobs_graduates BIGINT NOT NULL DEFAULT 0,
    n_new_jobs_graduates BIGINT NOT NULL DEFAULT 0,
    s_rd_basic BIGINT NOT NULL DEFAULT 0,
    n_rd_basic BIGINT NOT NULL DEFAULT 0,
    s_invention_applications BIGINT NOT NULL DEFAULT 0,
    n_invention_applications BIGINT NOT NULL DEFAULT 0,
    s_tech_transaction_amount BIGINT NOT NULL DEFAULT 0,
    n_tech_transaction_amount BIGINT NOT NULL DEFAULT 0,
    s_total_cost BIGINT NOT NULL DEFAULT 0,
    n_total_cost BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT filing_rollup_pkey PRIMARY KEY (period, town, cluster, above_scale)
);

-- Accounts. towns: JSON array of towns a bureau user is limited to (NULL = all).
CREATE TABLE app_user (
    user_id TEXT NOT NULL,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id TEXT,
    towns TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    CONSTRAINT app_user_pkey PRIMARY KEY (user_id),
    CONSTRAINT app_user_username_key UNIQUE (username),
    CONSTRAINT app_user_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);

-- Login sessions; only the SHA-256 of the cookie token is kept.
CREATE TABLE user_session (
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    CONSTRAINT user_session_pkey PRIMARY KEY (token_hash),
    CONSTRAINT user_session_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (user_id)
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- The event log: every write appends one in the same transaction. hash covers the
-- event's fields and prev_hash (kechuang_core::event::chain_hash).
CREATE TABLE event (
    seq BIGINT NOT NULL,
    at_us BIGINT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    CONSTRAINT event_pkey PRIMARY KEY (seq)
);
CREATE INDEX event_entity_idx ON event (entity, entity_id, seq);
