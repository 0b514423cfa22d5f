-- Authentic webhook items whose value no mapping knew when they came (a custom pipeline's stage id, a new lifecycle
-- value): kept here instead of being refused, and recorded, in event time, once a funnel definition maps the value.
-- A parked item is the stage change it will be (all but its stage) plus what it waits for: source + mapped_field +
-- value_key (the value as mappings look it up: stripped, lower case). resolved_at is set in the transaction that
-- records it (outcome recorded, unchanged, duplicate) or finds its value mapped to no stage (ignored).
CREATE TABLE parked_item (
    id                 bigserial   PRIMARY KEY,
    source             text        NOT NULL,
    mapped_field       text        NOT NULL,
    value              text        NOT NULL,
    value_key          text        NOT NULL,
    path               text        NOT NULL,
    lead_id            text        NOT NULL,
    raw_stage          text,
    occurred_at        timestamptz NOT NULL,
    source_event_id    text,
    amount             numeric(19, 4),
    currency           char(3),
    channel            text,
    segment            text,
    owner              text,
    campaign           text,
    mode               text        NOT NULL,
    delivery_id        bigint      REFERENCES webhook_delivery (id),
    parked_at          timestamptz NOT NULL,
    resolved_at        timestamptz,
    outcome            text,
    stage              text,
    event_id           uuid,
    definition_version bigint
);
-- the same duplicate rule as recorded changes: a sender's retry parks nothing twice
CREATE UNIQUE INDEX parked_item_source_event ON parked_item (source, source_event_id)
    WHERE source_event_id IS NOT NULL;
CREATE UNIQUE INDEX parked_item_delivery_path ON parked_item (delivery_id, path) WHERE source_event_id IS NULL;
-- what is still waiting, by what it waits for
CREATE INDEX parked_item_waiting ON parked_item (source, mapped_field, value_key, occurred_at)
    WHERE resolved_at IS NULL;
