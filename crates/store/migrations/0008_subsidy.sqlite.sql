-- Attachments of an application, the bytes in the database (a BLOB here, BYTEA on
-- PostgreSQL: the only column type that differs), at most 10 MB each (the app
-- refuses larger ones).
CREATE TABLE subsidy_attachment (
    attachment_id TEXT NOT NULL,
    application_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT subsidy_attachment_pkey PRIMARY KEY (attachment_id),
    CONSTRAINT subsidy_attachment_app_fkey FOREIGN KEY (application_id) REFERENCES subsidy_application (application_id)
);
CREATE INDEX subsidy_attachment_app_idx ON subsidy_attachment (application_id);
