-- The portal: notifications derived from the event log, per-user preferences, the
-- e-mail outbox, saved searches with alerts, and the talent registry (人才引育).

-- Where each event-log consumer has got to (a high-water mark per consumer).
CREATE TABLE notify_cursor (
    consumer TEXT NOT NULL,
    seq BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT notify_cursor_pkey PRIMARY KEY (consumer)
);

-- One notification for one user. `dedup` makes re-processing an event harmless.
CREATE TABLE notification (
    notification_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    dedup TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    CONSTRAINT notification_pkey PRIMARY KEY (notification_id),
    CONSTRAINT notification_dedup_key UNIQUE (dedup),
    CONSTRAINT notification_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (user_id)
);
CREATE INDEX notification_user_idx ON notification (user_id, created_at);
CREATE INDEX notification_unread_idx ON notification (user_id, read_at);

-- Per user and kind: in_app, email or none (no row: the kind's default).
CREATE TABLE notify_pref (
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT notify_pref_pkey PRIMARY KEY (user_id, kind),
    CONSTRAINT notify_pref_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (user_id),
    CHECK (channel IN ('in_app', 'email', 'none'))
);

-- The address a user's e-mail notifications go to.
CREATE TABLE notify_address (
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT notify_address_pkey PRIMARY KEY (user_id),
    CONSTRAINT notify_address_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (user_id)
);

-- Mail waiting to be sent: queued in the transaction that made the notification,
-- claimed by one worker at a time (a lease), retried with backoff, kept when sent.
CREATE TABLE mail_outbox (
    mail_id TEXT NOT NULL,
    notification_id TEXT,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claim_token TEXT,
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    CONSTRAINT mail_outbox_pkey PRIMARY KEY (mail_id),
    CONSTRAINT mail_outbox_notification_key UNIQUE (notification_id),
    CHECK (status IN ('queued', 'sending', 'sent'))
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- A user's saved search: the text and filters, re-run against new records.
CREATE TABLE saved_search (
    saved_search_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    query_text TEXT NOT NULL,
    filters TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT saved_search_pkey PRIMARY KEY (saved_search_id),
    CONSTRAINT saved_search_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (user_id),
    CHECK (kind IN ('need', 'achievement', 'policy', 'challenge'))
);
CREATE INDEX saved_search_kind_idx ON saved_search (kind);

-- 人才需求: an enterprise posts the people it wants.
CREATE TABLE talent_demand (
    demand_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    title TEXT NOT NULL,
    field TEXT NOT NULL,
    education TEXT NOT NULL,
    positions INTEGER NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    posted_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT talent_demand_pkey PRIMARY KEY (demand_id),
    CONSTRAINT talent_demand_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id),
    CHECK (positions > 0),
    CHECK (status IN ('open', 'closed'))
);
CREATE INDEX talent_demand_org_idx ON talent_demand (organisation_id);

-- 人才: the bureau's records of people brought in, linked to their enterprise.
CREATE TABLE talent_record (
    talent_id TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_id TEXT,
    category TEXT NOT NULL,
    field TEXT NOT NULL,
    education TEXT NOT NULL,
    introduced_on TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    CONSTRAINT talent_record_pkey PRIMARY KEY (talent_id),
    CONSTRAINT talent_record_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX talent_record_org_idx ON talent_record (organisation_id);
