-- District geography (issue 7, the 科技地图): the bureau's uploads of the
-- district outline and its towns/streets. Versioned: each upload is a new
-- version and the newest is current; earlier versions are kept. Geometries are
-- GeoJSON text in WGS-84 (an upload declared GCJ-02 was converted on upload);
-- the bounding box is in micro-degrees for quick rejection.

CREATE TABLE geo_version (
    version BIGINT NOT NULL,
    datum_declared TEXT NOT NULL,
    source_name TEXT,
    features BIGINT NOT NULL,
    vertices BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    CONSTRAINT geo_version_pkey PRIMARY KEY (version)
);

CREATE TABLE geo_area (
    version BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    min_lon_micro BIGINT NOT NULL,
    min_lat_micro BIGINT NOT NULL,
    max_lon_micro BIGINT NOT NULL,
    max_lat_micro BIGINT NOT NULL,
    geometry TEXT NOT NULL,
    CONSTRAINT geo_area_pkey PRIMARY KEY (version, code),
    CONSTRAINT geo_area_version_fkey FOREIGN KEY (version) REFERENCES geo_version (version),
    CHECK (level IN ('district', 'town'))
);
