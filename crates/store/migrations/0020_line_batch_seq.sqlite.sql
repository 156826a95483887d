-- SQLite: one writer at a time, so a counter row bumped by AFTER triggers gives
-- the commit order. The triggers' own UPDATE of row_seq does not fire the
-- UPDATE trigger (it only watches the columns the rollups read).
CREATE TABLE line_row_seq (
    id BIGINT NOT NULL,
    n BIGINT NOT NULL,
    CONSTRAINT line_row_seq_pkey PRIMARY KEY (id)
);
UPDATE line_visit SET row_seq = rowid;
UPDATE line_result SET row_seq = rowid + (SELECT COALESCE(MAX(rowid), 0) FROM line_visit);
INSERT INTO line_row_seq (id, n) VALUES (1,
    (SELECT COALESCE(MAX(rowid), 0) FROM line_visit) + (SELECT COALESCE(MAX(rowid), 0) FROM line_result));

CREATE TRIGGER line_visit_seq_ins AFTER INSERT ON line_visit BEGIN
    UPDATE line_row_seq SET n = n + 1 WHERE id = 1;
    UPDATE line_visit SET row_seq = (SELECT n FROM line_row_seq WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER line_visit_seq_upd AFTER UPDATE OF station_id, vin, arrived_at, released_at, release_kind,
    override_user, override_reason, first_pass, rework_count ON line_visit BEGIN
    UPDATE line_row_seq SET n = n + 1 WHERE id = 1;
    UPDATE line_visit SET row_seq = (SELECT n FROM line_row_seq WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER line_result_seq_ins AFTER INSERT ON line_result BEGIN
    UPDATE line_row_seq SET n = n + 1 WHERE id = 1;
    UPDATE line_result SET row_seq = (SELECT n FROM line_row_seq WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER line_result_seq_upd AFTER UPDATE OF station_id, joint, attempt, torque_cnm, ok, torque_ok,
    angle_ok, at_us, flag ON line_result BEGIN
    UPDATE line_row_seq SET n = n + 1 WHERE id = 1;
    UPDATE line_result SET row_seq = (SELECT n FROM line_row_seq WHERE id = 1) WHERE rowid = NEW.rowid;
END;
CREATE INDEX line_visit_seq_idx ON line_visit (line_id, row_seq);
CREATE INDEX line_result_seq_idx ON line_result (line_id, row_seq);
