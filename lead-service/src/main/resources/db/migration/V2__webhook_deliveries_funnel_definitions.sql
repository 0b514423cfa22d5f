-- Webhook bodies exactly as received (the bytes their signature was checked against), kept for audit. A sender's
-- retry of the same body finds its first delivery through the hash instead of storing it again.
CREATE TABLE webhook_delivery (
    id           bigserial   PRIMARY KEY,
    source       text        NOT NULL,
    received_at  timestamptz NOT NULL,
    body_sha256  bytea       NOT NULL,
    content_type text,
    body         bytea       NOT NULL
);
CREATE UNIQUE INDEX webhook_delivery_body ON webhook_delivery (source, body_sha256);

ALTER TABLE stage_transition ADD COLUMN delivery_id bigint REFERENCES webhook_delivery (id);
CREATE INDEX stage_transition_delivery ON stage_transition (delivery_id) WHERE delivery_id IS NOT NULL;

-- Every version of the funnel definition (stages and source-value mappings); the highest version is in force.
-- announced: a FunnelDefinitionChanged for it has been written to the outbox.
CREATE TABLE funnel_definition (
    version     bigint      PRIMARY KEY,
    changed_at  timestamptz NOT NULL,
    definition  jsonb       NOT NULL,
    announced   boolean     NOT NULL DEFAULT false
);

-- The outbox is now written with plain JDBC, one nextval per row (no pooled ids any more).
ALTER SEQUENCE outbox_id_seq INCREMENT BY 1;
