-- (V9, not V8: another change of issue 20 takes V8.)
-- A change of a lead's deal value or attributes without a change of stage (published as LeadDetailsChanged on
-- lead-stage-changed, header l2r-event-type): append-only like stage_transition, deduplicated the same way by
-- source + source event id. Null values are unchanged ones.
CREATE TABLE lead_detail_change (
    event_id        uuid        PRIMARY KEY,
    lead_id         text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    source          text        NOT NULL,
    source_event_id text,
    amount          numeric(19, 4),
    currency        char(3),
    channel         text,
    segment         text,
    owner           text,
    campaign        text,
    delivery_id     bigint
);
CREATE INDEX lead_detail_change_lead ON lead_detail_change (lead_id, occurred_at);
CREATE UNIQUE INDEX lead_detail_change_source_event ON lead_detail_change (source, source_event_id)
    WHERE source_event_id IS NOT NULL;

-- The lead's current deal value, as its whole history (stage changes and details changes) reads in event time.
ALTER TABLE lead ADD COLUMN amount numeric(19, 4), ADD COLUMN currency char(3);

-- The kind of event an outbox row holds, sent as the record's l2r-event-type header; null (rows written before)
-- sends none, which consumers read as a LeadStageChanged.
ALTER TABLE outbox ADD COLUMN event_type text;
ALTER TABLE outbox_dead_letter ADD COLUMN event_type text;
