-- Innovation platforms, research institutes, incubated projects and alliances
-- (issue 6, part 3). A platform has a kind, a level on indicator #23's scale
-- (1 市级以下 … 4 国家级), a host organisation and co-builders, a status with
-- its dates and yearly evaluations. A research institute is a platform (kind
-- industry_institute or new_type_rd_institution) with research teams, targets
-- and incubated projects; a 专业研究院 names its 总院 in parent_id. Dates are
-- ISO text; decimals (targets) are text; money is fen.

CREATE TABLE platform (
    platform_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    level BIGINT NOT NULL,
    host_org_id TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_on TEXT NOT NULL,
    accredited_on TEXT,
    revoked_on TEXT,
    town TEXT,
    cluster TEXT,
    field TEXT,
    parent_id TEXT,
    note TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT platform_pkey PRIMARY KEY (platform_id),
    CONSTRAINT platform_name_key UNIQUE (name),
    CONSTRAINT platform_host_fkey FOREIGN KEY (host_org_id) REFERENCES organisation (organisation_id),
    CONSTRAINT platform_parent_fkey FOREIGN KEY (parent_id) REFERENCES platform (platform_id),
    CHECK (level BETWEEN 1 AND 4)
);
CREATE INDEX platform_host_idx ON platform (host_org_id);
CREATE INDEX platform_status_idx ON platform (status, kind, level);
CREATE INDEX platform_parent_idx ON platform (parent_id);

-- Co-builders (共建单位) and an institute's founding parties: an organisation of
-- the registry, or a party named only (the district government).
CREATE TABLE platform_partner (
    platform_id TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation_id TEXT,
    role TEXT NOT NULL,
    CONSTRAINT platform_partner_pkey PRIMARY KEY (platform_id, name),
    CONSTRAINT platform_partner_platform_fkey FOREIGN KEY (platform_id) REFERENCES platform (platform_id),
    CONSTRAINT platform_partner_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);
CREATE INDEX platform_partner_org_idx ON platform_partner (organisation_id);

CREATE TABLE platform_evaluation (
    platform_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    grade TEXT NOT NULL,
    note TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT platform_evaluation_pkey PRIMARY KEY (platform_id, year),
    CONSTRAINT platform_evaluation_platform_fkey FOREIGN KEY (platform_id) REFERENCES platform (platform_id)
);

CREATE TABLE institute_team (
    team_id TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    name TEXT NOT NULL,
    lead TEXT NOT NULL,
    members INTEGER NOT NULL,
    field TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT institute_team_pkey PRIMARY KEY (team_id),
    CONSTRAINT institute_team_name_key UNIQUE (platform_id, name),
    CONSTRAINT institute_team_platform_fkey FOREIGN KEY (platform_id) REFERENCES platform (platform_id),
    CHECK (members >= 0)
);

-- A target with its latest actual value (as of a date); re-entering a metric
-- replaces it.
CREATE TABLE institute_target (
    platform_id TEXT NOT NULL,
    metric TEXT NOT NULL,
    target TEXT NOT NULL,
    unit TEXT NOT NULL,
    actual TEXT NOT NULL,
    as_of TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    CONSTRAINT institute_target_pkey PRIMARY KEY (platform_id, metric),
    CONSTRAINT institute_target_platform_fkey FOREIGN KEY (platform_id) REFERENCES platform (platform_id)
);

CREATE TABLE incubated_project (
    project_id TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    name TEXT NOT NULL,
    field TEXT,
    stage TEXT NOT NULL,
    team TEXT,
    funding_fen BIGINT NOT NULL,
    started_on TEXT NOT NULL,
    firm_org_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT incubated_project_pkey PRIMARY KEY (project_id),
    CONSTRAINT incubated_project_name_key UNIQUE (platform_id, name),
    CONSTRAINT incubated_project_platform_fkey FOREIGN KEY (platform_id) REFERENCES platform (platform_id),
    CONSTRAINT incubated_project_firm_fkey FOREIGN KEY (firm_org_id) REFERENCES organisation (organisation_id),
    CHECK (funding_fen >= 0)
);
CREATE INDEX incubated_project_started_idx ON incubated_project (started_on);
CREATE INDEX incubated_project_firm_idx ON incubated_project (firm_org_id);

-- The day a project entered each stage it went through.
CREATE TABLE incubated_stage (
    project_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    entered_on TEXT NOT NULL,
    CONSTRAINT incubated_stage_pkey PRIMARY KEY (project_id, stage),
    CONSTRAINT incubated_stage_project_fkey FOREIGN KEY (project_id) REFERENCES incubated_project (project_id)
);

CREATE TABLE alliance (
    alliance_id TEXT NOT NULL,
    name TEXT NOT NULL,
    lead_org_id TEXT NOT NULL,
    founded_on TEXT NOT NULL,
    field TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT alliance_pkey PRIMARY KEY (alliance_id),
    CONSTRAINT alliance_name_key UNIQUE (name),
    CONSTRAINT alliance_lead_fkey FOREIGN KEY (lead_org_id) REFERENCES organisation (organisation_id)
);

-- dues_years: the years whose dues are paid, comma-separated ascending.
CREATE TABLE alliance_member (
    alliance_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    role TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    dues_years TEXT NOT NULL,
    CONSTRAINT alliance_member_pkey PRIMARY KEY (alliance_id, organisation_id),
    CONSTRAINT alliance_member_alliance_fkey FOREIGN KEY (alliance_id) REFERENCES alliance (alliance_id),
    CONSTRAINT alliance_member_org_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (organisation_id)
);

CREATE TABLE alliance_expert (
    expert_id TEXT NOT NULL,
    alliance_id TEXT NOT NULL,
    name TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    title TEXT,
    field TEXT,
    role TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    CONSTRAINT alliance_expert_pkey PRIMARY KEY (expert_id),
    CONSTRAINT alliance_expert_alliance_fkey FOREIGN KEY (alliance_id) REFERENCES alliance (alliance_id)
);
CREATE INDEX alliance_expert_page_idx ON alliance_expert (alliance_id, name, expert_id);
