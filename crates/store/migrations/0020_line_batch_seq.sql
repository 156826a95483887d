-- Line batches and the rollup catch-up by a monotone row sequence (issue 8,
-- docs/line-config.md, docs/line-analytics.md).

-- A batch (批次) of trial production: the line's visits whose arrival lies in
-- [started_at, ended_at) (ended_at NULL while the batch runs). planned_qty:
-- vehicles planned. One code per line.
CREATE TABLE line_batch (
    batch_id TEXT NOT NULL,
    line_id TEXT NOT NULL,
    code TEXT NOT NULL,
    planned_qty BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    note TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT line_batch_pkey PRIMARY KEY (batch_id),
    CONSTRAINT line_batch_code_key UNIQUE (line_id, code),
    CONSTRAINT line_batch_line_fkey FOREIGN KEY (line_id) REFERENCES line (line_id),
    CHECK (planned_qty > 0),
    CHECK (ended_at IS NULL OR ended_at > started_at)
);
CREATE INDEX line_batch_line_idx ON line_batch (line_id, started_at);

-- Every insert or update of a visit or a result takes the next value of one
-- sequence (triggers in the backend variants), in commit order per line, so the
-- catch-up reads "every row changed since seq_mark" and cannot miss a row written
-- late with an old timestamp.
ALTER TABLE line_visit ADD COLUMN row_seq BIGINT;
ALTER TABLE line_result ADD COLUMN row_seq BIGINT;
ALTER TABLE line_rollup_state ADD COLUMN seq_mark BIGINT NOT NULL DEFAULT 0;
