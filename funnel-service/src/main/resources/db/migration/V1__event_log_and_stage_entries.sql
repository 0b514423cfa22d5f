-- funnel-service owns these tables; it learns everything from the lead-stage-changed topic.

-- Every event seen once (idempotency), re-read per lead to place late events by event time.
CREATE TABLE event_log (
    event_id    uuid        PRIMARY KEY,
    lead_id     text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    payload     text        NOT NULL
);
CREATE INDEX event_log_lead ON event_log (lead_id);

-- First entry of each lead into each stage (skipped-through stages included, flagged), with the lead's
-- segmenting attributes copied in so that queries need no join.
CREATE TABLE lead_stage_entry (
    lead_id    text        NOT NULL,
    stage      text        NOT NULL,
    entered_at timestamptz NOT NULL,
    skipped    boolean     NOT NULL,
    channel    text,
    segment    text,
    owner      text,
    PRIMARY KEY (lead_id, stage)
);
CREATE INDEX lead_stage_entry_stage_time ON lead_stage_entry (stage, entered_at);
