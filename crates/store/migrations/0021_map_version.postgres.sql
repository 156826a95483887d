-- PostgreSQL: deferred constraint triggers, so the counter row is locked only at
-- commit, after every other lock the transaction takes (no lock-order deadlock with
-- other writers), and raised once per transaction (a transaction-local setting
-- remembers that it was).
CREATE FUNCTION map_data_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('kechuang.map_bumped', true) IS DISTINCT FROM '1' THEN
        UPDATE map_data_version SET version = version + 1 WHERE id = 1;
        PERFORM set_config('kechuang.map_bumped', '1', true);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER map_data_organisation AFTER INSERT OR UPDATE OR DELETE ON organisation
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE PROCEDURE map_data_bump();
CREATE CONSTRAINT TRIGGER map_data_qualification AFTER INSERT OR UPDATE OR DELETE ON qualification
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE PROCEDURE map_data_bump();
CREATE CONSTRAINT TRIGGER map_data_platform AFTER INSERT OR UPDATE OR DELETE ON platform
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE PROCEDURE map_data_bump();
CREATE CONSTRAINT TRIGGER map_data_filing_current AFTER INSERT OR UPDATE OR DELETE ON filing_current
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE PROCEDURE map_data_bump();
