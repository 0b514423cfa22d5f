-- The pipeline as it stood at any moment, not only now: a forecast "as of" a past date must see exactly what was
-- known then. Every table below is derived from event_log and can be rebuilt from it (projection_state says which
-- funnel definition and projection version built it).

DROP TABLE pipeline_lead;

-- Each lead's state over time: one row per span of unchanged stage, amount and attributes, [valid_from, valid_to).
CREATE TABLE lead_state (
    lead_id      text        NOT NULL,
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz,
    stage        text        NOT NULL,
    stage_since  timestamptz NOT NULL,
    open         boolean     NOT NULL,
    amount       numeric,
    currency     text,
    channel      text,
    segment      text,
    owner        text,
    campaign     text,
    PRIMARY KEY (lead_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
-- "which leads were open at t" is a containment query on the validity range
CREATE INDEX lead_state_open_during ON lead_state USING gist (tstzrange(valid_from, valid_to, '[)')) WHERE open;

-- From the first time a lead reached an open stage (or passed it going forward) to its first close after that.
CREATE TABLE stage_spell (
    lead_id     text        NOT NULL,
    stage       text        NOT NULL,
    entered_at  timestamptz NOT NULL,
    closed_at   timestamptz,
    outcome     text,
    channel     text,
    segment     text,
    owner       text,
    campaign    text,
    PRIMARY KEY (lead_id, stage)
);
CREATE INDEX stage_spell_entered ON stage_spell (entered_at);

-- Every move into a terminal stage, with the amount and attributes known then.
CREATE TABLE lead_close (
    lead_id      text        NOT NULL,
    seq          int         NOT NULL,
    closed_at    timestamptz NOT NULL,
    outcome      text        NOT NULL,
    amount       numeric,
    currency     text,
    cycle_start  timestamptz,
    channel      text,
    segment      text,
    owner        text,
    campaign     text,
    PRIMARY KEY (lead_id, seq)
);
CREATE INDEX lead_close_at ON lead_close (closed_at);

-- When and where each lead was first seen: the top-of-funnel arrivals.
CREATE TABLE lead_arrival (
    lead_id        text        PRIMARY KEY,
    first_seen_at  timestamptz NOT NULL,
    stage          text        NOT NULL,
    channel        text,
    segment        text,
    owner          text,
    campaign       text
);
CREATE INDEX lead_arrival_first_seen ON lead_arrival (first_seen_at);

-- The funnel definition and projection version the tables above were built with; one row.
CREATE TABLE projection_state (
    id                  int     PRIMARY KEY CHECK (id = 1),
    funnel_version      bigint  NOT NULL,
    funnel              text,
    projection_version  int     NOT NULL
);
INSERT INTO projection_state (id, funnel_version, funnel, projection_version) VALUES (1, 0, NULL, 0);

-- Revenue targets per period, for everybody or one owner or one segment. to_date is inclusive.
CREATE TABLE revenue_target (
    id         bigserial PRIMARY KEY,
    from_date  date      NOT NULL,
    to_date    date      NOT NULL,
    owner      text,
    segment    text,
    amount     numeric   NOT NULL CHECK (amount >= 0),
    currency   text      NOT NULL,
    CHECK (to_date >= from_date),
    CHECK (owner IS NULL OR segment IS NULL)
);
