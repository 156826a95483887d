-- Special matchmaking sessions (专场对接, issue 4): the session and its slot grid,
-- invited participants with their settings and wishes, the stored schedule and
-- the outcomes signed at the session. Slots and tables are 0-based here; lists
-- (away slots) are JSON arrays; the scheduler's figures and unmet pairs are one
-- JSON document on the session; money is fen.

CREATE TABLE mm_session (
    session_id TEXT NOT NULL,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    venue TEXT,
    organiser TEXT,
    description TEXT,
    start_minute INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL,
    slots INTEGER NOT NULL,
    break_after INTEGER,
    break_minutes INTEGER NOT NULL,
    tables INTEGER NOT NULL,
    default_limit INTEGER,
    status TEXT NOT NULL,
    -- The last scheduler run: counts, upper bound, unmet pairs with reasons.
    schedule_result TEXT,
    scheduled_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT mm_session_pkey PRIMARY KEY (session_id)
);
CREATE INDEX mm_session_held_on_idx ON mm_session (held_on);

CREATE TABLE mm_participant (
    session_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    confirmed BOOLEAN NOT NULL,
    meeting_limit INTEGER,
    away TEXT NOT NULL,
    need_id TEXT,
    achievement_id TEXT,
    invited_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT mm_participant_pkey PRIMARY KEY (session_id, organisation_id),
    CONSTRAINT mm_participant_session_fkey FOREIGN KEY (session_id) REFERENCES mm_session (session_id),
    CONSTRAINT mm_participant_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX mm_participant_org_idx ON mm_participant (organisation_id);

-- Whom a participant wants to meet, wish_rank 0 first.
CREATE TABLE mm_wish (
    session_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    wish_rank INTEGER NOT NULL,
    target_id TEXT NOT NULL,
    CONSTRAINT mm_wish_pkey PRIMARY KEY (session_id, organisation_id, wish_rank),
    CONSTRAINT mm_wish_target_key UNIQUE (session_id, organisation_id, target_id),
    CONSTRAINT mm_wish_from_fkey FOREIGN KEY (session_id, organisation_id) REFERENCES mm_participant (session_id, organisation_id),
    CONSTRAINT mm_wish_to_fkey FOREIGN KEY (session_id, target_id) REFERENCES mm_participant (session_id, organisation_id)
);

CREATE TABLE mm_meeting (
    meeting_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    table_no INTEGER NOT NULL,
    org_a TEXT NOT NULL,
    org_b TEXT NOT NULL,
    pinned BOOLEAN NOT NULL,
    requested BOOLEAN NOT NULL,
    mutual BOOLEAN NOT NULL,
    CONSTRAINT mm_meeting_pkey PRIMARY KEY (meeting_id),
    CONSTRAINT mm_meeting_seat_key UNIQUE (session_id, slot, table_no),
    CONSTRAINT mm_meeting_a_fkey FOREIGN KEY (session_id, org_a) REFERENCES mm_participant (session_id, organisation_id),
    CONSTRAINT mm_meeting_b_fkey FOREIGN KEY (session_id, org_b) REFERENCES mm_participant (session_id, organisation_id)
);

-- Outcomes signed at a session (the lead links them to collaborations later).
CREATE TABLE mm_signing (
    signing_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    title TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    amount_fen BIGINT,
    need_id TEXT,
    achievement_id TEXT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT mm_signing_pkey PRIMARY KEY (signing_id),
    CONSTRAINT mm_signing_session_fkey FOREIGN KEY (session_id) REFERENCES mm_session (session_id),
    CONSTRAINT mm_signing_enterprise_fkey FOREIGN KEY (enterprise_id) REFERENCES organisation (organisation_id),
    CONSTRAINT mm_signing_partner_fkey FOREIGN KEY (partner_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX mm_signing_session_idx ON mm_signing (session_id);
