-- forecast-service owns these tables; it learns everything from the lead-stage-changed topic.

CREATE TABLE event_log (
    event_id    uuid        PRIMARY KEY,
    lead_id     text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     text        NOT NULL
);
CREATE INDEX event_log_lead ON event_log (lead_id);

-- Each lead's place in the pipeline now: its current stage since when, its latest known amount, and its
-- outcome once closed.
CREATE TABLE pipeline_lead (
    lead_id          text        PRIMARY KEY,
    current_stage    text        NOT NULL,
    current_since    timestamptz NOT NULL,
    open             boolean     NOT NULL,
    outcome          text,
    closed_at        timestamptz,
    opportunity_at   timestamptz,
    amount           numeric(19, 4),
    currency         char(3),
    channel          text,
    segment          text,
    owner            text
);
CREATE INDEX pipeline_lead_open_stage ON pipeline_lead (open, current_stage);
