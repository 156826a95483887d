-- The current (latest approved) version of every filing, keyed by period first so
-- that a period's statistics (rankings, sums over firms) read one contiguous range.
-- Derived from filing.is_current and kept in step in the same transaction;
-- `kechuang check` compares the two. The only table whose DDL differs by backend:
-- SQLite stores it clustered by its key (WITHOUT ROWID).
CREATE TABLE filing_current (
    period INTEGER NOT NULL,
    organisation_id TEXT NOT NULL,
    version INTEGER NOT NULL,
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
    CONSTRAINT filing_current_pkey PRIMARY KEY (period, organisation_id),
    CONSTRAINT filing_current_filing_fkey FOREIGN KEY (organisation_id, period, version) REFERENCES filing (organisation_id, period, version)
) WITHOUT ROWID;
