-- PostgreSQL: a sequence is not in commit order across transactions, so the
-- trigger first takes a transaction-scoped advisory lock on the row's line: the
-- writers of one line take their numbers one transaction at a time (there is one
-- runner per line, so this costs nothing in practice), and every committed number
-- of a line is below every number a running writer of that line holds. The
-- catch-up is per line, so its mark is safe.
CREATE SEQUENCE line_row_seq;
UPDATE line_visit SET row_seq = nextval('line_row_seq');
UPDATE line_result SET row_seq = nextval('line_row_seq');

CREATE FUNCTION line_row_seq_next() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(20020, hashtext(NEW.line_id));
    NEW.row_seq := nextval('line_row_seq');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER line_visit_seq BEFORE INSERT OR UPDATE ON line_visit
    FOR EACH ROW EXECUTE FUNCTION line_row_seq_next();
CREATE TRIGGER line_result_seq BEFORE INSERT OR UPDATE ON line_result
    FOR EACH ROW EXECUTE FUNCTION line_row_seq_next();
CREATE INDEX line_visit_seq_idx ON line_visit (line_id, row_seq);
CREATE INDEX line_result_seq_idx ON line_result (line_id, row_seq);
