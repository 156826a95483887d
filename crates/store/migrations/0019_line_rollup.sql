-- Line analytics rollups (issue 8, docs/line-analytics.md). Kept current by the
-- catch-up job (`Db::line_rollup_recompute`), which recomputes whole hours from
-- line_visit and line_result (never changing them), so every row equals a GROUP BY
-- over the raw rows of its hour. hour_us: start of the hour, unix microseconds.
-- Visits and results count in the hour of their arrival / receipt.

-- Per hour x station: released visits, first-pass, rework, overrides and the
-- work-time (arrival -> release) distribution. cycle_hist: 'bucket:count,...'
-- with the buckets of kechuang_line::analytics::cycle.
CREATE TABLE line_rollup_hour (
    line_id TEXT NOT NULL,
    hour_us BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    visits BIGINT NOT NULL,
    first_pass BIGINT NOT NULL,
    rework BIGINT NOT NULL,
    overrides BIGINT NOT NULL,
    cycle_sum_ms BIGINT NOT NULL,
    cycle_min_ms BIGINT NOT NULL,
    cycle_max_ms BIGINT NOT NULL,
    cycle_hist TEXT NOT NULL,
    CONSTRAINT line_rollup_hour_pkey PRIMARY KEY (line_id, hour_us, station_id)
);

-- Per hour: vehicles completed (released at the last station, counted in the hour
-- of arrival there) and of those the ones first-pass at every station.
CREATE TABLE line_rollup_vehicle_hour (
    line_id TEXT NOT NULL,
    hour_us BIGINT NOT NULL,
    vehicles BIGINT NOT NULL,
    first_pass BIGINT NOT NULL,
    CONSTRAINT line_rollup_vehicle_hour_pkey PRIMARY KEY (line_id, hour_us)
);

-- Per hour x station x reason: rework and override reasons.
CREATE TABLE line_rollup_reason (
    line_id TEXT NOT NULL,
    hour_us BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    n BIGINT NOT NULL,
    CONSTRAINT line_rollup_reason_pkey PRIMARY KEY (line_id, hour_us, station_id, reason)
);

-- Per hour x joint: assigned results, OK/NOK, first-attempt OK, moments of the OK
-- final torques (centi-Nm) and the SPC subgroups formed in the hour.
CREATE TABLE line_rollup_joint_hour (
    line_id TEXT NOT NULL,
    hour_us BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    joint TEXT NOT NULL,
    results BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    first_ok BIGINT NOT NULL,
    first_attempts BIGINT NOT NULL,
    torque_sum BIGINT NOT NULL,
    torque_min BIGINT NOT NULL,
    torque_max BIGINT NOT NULL,
    sg_count BIGINT NOT NULL,
    sg_values BIGINT NOT NULL,
    sg_sum BIGINT NOT NULL,
    sg_range_sum BIGINT NOT NULL,
    CONSTRAINT line_rollup_joint_hour_pkey PRIMARY KEY (line_id, hour_us, station_id, joint)
);

-- SPC subgroups: consecutive OK results of one joint within one hour, n each
-- (a trailing partial group of the hour is left out).
CREATE TABLE line_rollup_subgroup (
    line_id TEXT NOT NULL,
    station_id TEXT NOT NULL,
    joint TEXT NOT NULL,
    hour_us BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    n BIGINT NOT NULL,
    sum_cnm BIGINT NOT NULL,
    min_cnm BIGINT NOT NULL,
    max_cnm BIGINT NOT NULL,
    last_at_us BIGINT NOT NULL,
    CONSTRAINT line_rollup_subgroup_pkey PRIMARY KEY (line_id, station_id, joint, hour_us, seq)
);

-- Catch-up state per line: every hour from recompute_from_us on is recomputed at
-- the next run (the earliest open visit, or the last run minus the lag).
CREATE TABLE line_rollup_state (
    line_id TEXT NOT NULL,
    recompute_from_us BIGINT NOT NULL,
    subgroup_n BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT line_rollup_state_pkey PRIMARY KEY (line_id)
);
