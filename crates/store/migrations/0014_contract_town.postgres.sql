-- The uploaded contract text (PDF, DOCX or TXT), one file per contract, the
-- bytes in the database (BYTEA here: the only column type that differs between
-- the backends), at most 10 MB (the app refuses larger ones). Text extracted
-- from a TXT upload is kept in extracted_text, searched by the contract list.
CREATE TABLE contract_file (
    contract_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    extracted_text TEXT,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT contract_file_pkey PRIMARY KEY (contract_id),
    CONSTRAINT contract_file_contract_fkey FOREIGN KEY (contract_id) REFERENCES contract (contract_id)
);
