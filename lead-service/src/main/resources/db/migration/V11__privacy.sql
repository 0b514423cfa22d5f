-- (V11: V10 is the identity registry, lead_identity and lead_merge.)
-- Erasure (DELETE /api/leads/{id}) and the retention of raw webhook bodies (docs/privacy.md).

-- A raw delivery's body goes when the retention ends (body_pruned_at) or when a person it carried is erased
-- (erased_at); the row stays (id, source, received_at, body_sha256) while transitions or parked items reference
-- it, and an erased one for good: a sender's retry of the same body is recognised by its hash and dropped.
ALTER TABLE webhook_delivery ALTER COLUMN body DROP NOT NULL;
ALTER TABLE webhook_delivery ADD COLUMN erased_at timestamptz, ADD COLUMN body_pruned_at timestamptz;
-- what the retention job looks for
CREATE INDEX webhook_delivery_body_received ON webhook_delivery (received_at) WHERE body IS NOT NULL;

-- The dedup keys of an erased lead's changes: HMAC-SHA256(L2R_IDENTITY_KEY, "delivery" \0 source \0 source event
-- id). A sender's retry of an erased change (same source event id, whatever its body) is answered as a duplicate
-- and not recorded; nothing here can be turned back into the id without the key.
CREATE TABLE erased_delivery_key (
    key_hash   bytea       PRIMARY KEY,
    erased_at  timestamptz NOT NULL
);

-- Who erased a lead and when; the lead only as HMAC-SHA256(L2R_IDENTITY_KEY, "lead" \0 lead id), so that the
-- question "was lead X erased?" can be answered by whoever holds the key and id, and nothing else is kept.
CREATE TABLE erasure_audit (
    id           bigserial   PRIMARY KEY,
    lead_hash    bytea       NOT NULL,
    requested_by text        NOT NULL,
    erased_at    timestamptz NOT NULL,
    removed      jsonb       NOT NULL
);
CREATE INDEX erasure_audit_lead ON erasure_audit (lead_hash);
