-- The assembly line (issue 8, open-protocol-and-line.md): configured lines with
-- their stations in order, the tightening tasks and torque controllers of each
-- station, the station visits of carts (by frame number, VIN), every tightening
-- result, supervisor overrides and the line's event log (andon, refusals, flags).
-- Torque in centi-Nm (Nm x 100, as Open Protocol sends it), angles in whole
-- degrees, instants unix microseconds. Portable SQL for both backends.

-- status: trial (试产) | mass (量产) | stopped (停用). code: used in MQTT topics.
CREATE TABLE line (
    line_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT line_pkey PRIMARY KEY (line_id),
    CONSTRAINT line_code_key UNIQUE (code),
    CONSTRAINT line_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX line_org_idx ON line (organisation_id);

-- Stations in line order (position 1, 2, …).
CREATE TABLE line_station (
    station_id TEXT NOT NULL,
    line_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT line_station_pkey PRIMARY KEY (station_id),
    CONSTRAINT line_station_position_key UNIQUE (line_id, position),
    CONSTRAINT line_station_code_key UNIQUE (line_id, code),
    CONSTRAINT line_station_line_fkey FOREIGN KEY (line_id) REFERENCES line (line_id)
);

-- Tightening tasks of a station in order: a joint of bolt_count bolts, its
-- parameter set and windows.
CREATE TABLE line_task (
    station_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    joint TEXT NOT NULL,
    bolt_count BIGINT NOT NULL,
    pset BIGINT NOT NULL,
    torque_min_cnm BIGINT NOT NULL,
    torque_target_cnm BIGINT NOT NULL,
    torque_max_cnm BIGINT NOT NULL,
    angle_min_deg BIGINT NOT NULL,
    angle_max_deg BIGINT NOT NULL,
    CONSTRAINT line_task_pkey PRIMARY KEY (station_id, position),
    CONSTRAINT line_task_joint_key UNIQUE (station_id, joint),
    CONSTRAINT line_task_station_fkey FOREIGN KEY (station_id) REFERENCES line_station (station_id)
);

-- Torque controllers serving a station.
CREATE TABLE line_controller (
    controller_id TEXT NOT NULL,
    station_id TEXT NOT NULL,
    host TEXT NOT NULL,
    port BIGINT NOT NULL,
    channel BIGINT NOT NULL,
    CONSTRAINT line_controller_pkey PRIMARY KEY (controller_id),
    CONSTRAINT line_controller_endpoint_key UNIQUE (host, port, channel),
    CONSTRAINT line_controller_station_fkey FOREIGN KEY (station_id) REFERENCES line_station (station_id)
);
CREATE INDEX line_controller_station_idx ON line_controller (station_id);

-- One cart's stay at a station. release_kind: ok | override (NULL while at the
-- station); override_user/override_reason set exactly when release_kind = override.
CREATE TABLE line_visit (
    visit_id TEXT NOT NULL,
    line_id TEXT NOT NULL,
    station_id TEXT NOT NULL,
    vin TEXT NOT NULL,
    arrived_at BIGINT NOT NULL,
    released_at BIGINT,
    release_kind TEXT,
    override_user TEXT,
    override_reason TEXT,
    first_pass BOOLEAN NOT NULL,
    rework_count BIGINT NOT NULL,
    CONSTRAINT line_visit_pkey PRIMARY KEY (visit_id),
    CONSTRAINT line_visit_line_fkey FOREIGN KEY (line_id) REFERENCES line (line_id),
    CONSTRAINT line_visit_station_fkey FOREIGN KEY (station_id) REFERENCES line_station (station_id),
    CHECK (
        (release_kind = 'override') = (override_user IS NOT NULL AND override_reason IS NOT NULL)
    )
);
CREATE INDEX line_visit_line_idx ON line_visit (line_id, arrived_at);
CREATE INDEX line_visit_vin_idx ON line_visit (vin);

-- Every tightening result, assigned or flagged (never dropped). The primary key
-- (controller, tightening id) makes a resent result a no-op. flag: unknown_vin |
-- no_cart | extra | duplicate (NULL when assigned normally). joint/bolt/attempt
-- are NULL when unassigned. controller_time: the controller's own stamp as sent.
CREATE TABLE line_result (
    controller_id TEXT NOT NULL,
    tightening_id BIGINT NOT NULL,
    line_id TEXT NOT NULL,
    station_id TEXT NOT NULL,
    visit_id TEXT,
    vin TEXT,
    joint TEXT,
    bolt BIGINT,
    attempt BIGINT,
    pset BIGINT NOT NULL,
    torque_cnm BIGINT NOT NULL,
    angle_deg BIGINT NOT NULL,
    ok BOOLEAN NOT NULL,
    torque_ok BOOLEAN NOT NULL,
    angle_ok BOOLEAN NOT NULL,
    at_us BIGINT NOT NULL,
    controller_time TEXT NOT NULL,
    flag TEXT,
    CONSTRAINT line_result_pkey PRIMARY KEY (controller_id, tightening_id),
    CONSTRAINT line_result_controller_fkey FOREIGN KEY (controller_id) REFERENCES line_controller (controller_id)
);
CREATE INDEX line_result_line_idx ON line_result (line_id, at_us);
CREATE INDEX line_result_vin_idx ON line_result (vin);
CREATE INDEX line_result_visit_idx ON line_result (visit_id);
CREATE INDEX line_result_joint_idx ON line_result (station_id, joint, at_us);

-- Supervisor overrides: who, why, and the bolts that were open (JSON).
CREATE TABLE line_override (
    override_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    reason TEXT NOT NULL,
    open_bolts TEXT NOT NULL,
    at_us BIGINT NOT NULL,
    CONSTRAINT line_override_pkey PRIMARY KEY (override_id),
    CONSTRAINT line_override_visit_fkey FOREIGN KEY (visit_id) REFERENCES line_visit (visit_id),
    CHECK (user_name <> '' AND reason <> '')
);
CREATE INDEX line_override_visit_idx ON line_override (visit_id);

-- The line's event log: arrived | released | refused | override | andon |
-- illegal_vin | flagged | controller_down | controller_up | bad_message.
-- detail: JSON text.
CREATE TABLE line_event (
    event_id TEXT NOT NULL,
    line_id TEXT NOT NULL,
    station_id TEXT,
    kind TEXT NOT NULL,
    vin TEXT,
    detail TEXT NOT NULL,
    at_us BIGINT NOT NULL,
    CONSTRAINT line_event_pkey PRIMARY KEY (event_id),
    CONSTRAINT line_event_line_fkey FOREIGN KEY (line_id) REFERENCES line (line_id)
);
CREATE INDEX line_event_line_idx ON line_event (line_id, at_us);
