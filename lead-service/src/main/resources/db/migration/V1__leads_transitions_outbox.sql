-- lead-service owns these tables; no other service reads them.

CREATE TABLE lead (
    lead_id             text        PRIMARY KEY,
    current_stage       text        NOT NULL,
    current_since       timestamptz NOT NULL,
    first_seen_at       timestamptz NOT NULL,
    first_touch_channel text,
    last_touch_channel  text,
    segment             text,
    owner               text,
    campaign            text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);

-- Append-only history: one row per accepted stage change. from_stage/kind/skipped_stages are as recorded;
-- reads re-derive them in event-time order, so a late event never needs an UPDATE here.
CREATE TABLE stage_transition (
    event_id        uuid        PRIMARY KEY,
    lead_id         text        NOT NULL REFERENCES lead (lead_id),
    from_stage      text,
    to_stage        text        NOT NULL,
    kind            text        NOT NULL,
    skipped_stages  text[]      NOT NULL DEFAULT '{}',
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    source          text        NOT NULL,
    source_event_id text,
    raw_stage       text,
    amount          numeric(19, 4),
    currency        char(3),
    channel         text,
    segment         text,
    owner           text,
    campaign        text
);

CREATE INDEX stage_transition_lead ON stage_transition (lead_id, occurred_at);
-- the idempotency key of every intake path
CREATE UNIQUE INDEX stage_transition_source_event ON stage_transition (source, source_event_id)
    WHERE source_event_id IS NOT NULL;

-- Transactional outbox: written in the same transaction as the transition, deleted once Kafka acknowledged it.
CREATE SEQUENCE outbox_id_seq INCREMENT BY 50;
CREATE TABLE outbox (
    id          bigint      PRIMARY KEY,
    topic       text        NOT NULL,
    message_key text        NOT NULL,
    payload     text        NOT NULL,
    created_at  timestamptz NOT NULL
);
