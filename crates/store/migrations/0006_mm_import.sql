-- Matchmaking import (issue 4): the external key (编号) a file gives each imported
-- need, achievement and expert, per owner organisation, so importing the same file
-- again updates the records it created instead of adding copies.

CREATE TABLE mm_import_key (
    kind TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    external_key TEXT NOT NULL,
    record_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT mm_import_key_pkey PRIMARY KEY (kind, organisation_id, external_key),
    CONSTRAINT mm_import_key_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX mm_import_key_record_idx ON mm_import_key (record_id);
