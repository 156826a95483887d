-- SQLite: one writer at a time, so a row trigger raising the counter is enough.
CREATE TRIGGER map_data_organisation_insert AFTER INSERT ON organisation
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_organisation_update AFTER UPDATE ON organisation
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_organisation_delete AFTER DELETE ON organisation
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_qualification_insert AFTER INSERT ON qualification
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_qualification_update AFTER UPDATE ON qualification
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_qualification_delete AFTER DELETE ON qualification
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_platform_insert AFTER INSERT ON platform
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_platform_update AFTER UPDATE ON platform
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_platform_delete AFTER DELETE ON platform
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_filing_current_insert AFTER INSERT ON filing_current
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_filing_current_update AFTER UPDATE ON filing_current
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER map_data_filing_current_delete AFTER DELETE ON filing_current
BEGIN
    UPDATE map_data_version SET version = version + 1 WHERE id = 1;
END;
