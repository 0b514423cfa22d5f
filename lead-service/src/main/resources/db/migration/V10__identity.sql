-- The identity registry (docs/architecture.md, "Identities and merges").
-- lead_identity: a PERSONAL sender id (an email) never becomes a lead id; it gets a random lead id
-- <source>:p-<26 base32>, found again through identity_hash = HMAC-SHA256(L2R_IDENTITY_KEY, source || 0x00 || the
-- normalised value). Random, not derived: once the row is deleted (erasure), nothing re-derives the lead id.
CREATE TABLE lead_identity (
    identity_hash bytea       PRIMARY KEY,
    lead_id       text        NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX lead_identity_lead ON lead_identity (lead_id);
-- lead_merge: each absorbed lead id (or a sender id linked before it had a lead) and its survivor, chains
-- collapsed (always the final survivor), with the LeadsMerged event that announced it.
CREATE TABLE lead_merge (
    merged_lead_id text        PRIMARY KEY,   -- an absorbed lead id (or a sender id linked before it had a lead)
    lead_id        text        NOT NULL,      -- its survivor, chains collapsed
    merged_at      timestamptz NOT NULL,
    event_id       uuid        NOT NULL,
    source         text        NOT NULL,
    linked_by      text
);
CREATE INDEX lead_merge_survivor ON lead_merge (lead_id);
