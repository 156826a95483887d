-- The 科技地图's data version (issue 7, docs/map.md "Caching"): one counter,
-- raised by triggers on every table the map's points are built from
-- (organisation, qualification, platform, filing_current). The server caches the
-- encoded points keyed by this version, so a write through any path (operations,
-- imports, the demo, SQL by hand) is seen on the next request.
CREATE TABLE map_data_version (
    id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    CONSTRAINT map_data_version_pkey PRIMARY KEY (id),
    CHECK (id = 1)
);
INSERT INTO map_data_version (id, version) VALUES (1, 1);
