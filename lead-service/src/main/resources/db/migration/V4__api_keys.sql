-- API keys: only the SHA-256 of each key is kept; the key itself is shown once, when made. Every change is also
-- announced on the compacted api-keys topic (through the outbox), which every service follows.
CREATE TABLE api_key (
    id          text        PRIMARY KEY,
    name        text        NOT NULL,
    scopes      text[]      NOT NULL,
    sources     text[]      NOT NULL DEFAULT '{}',
    key_hash    text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    revoked_at  timestamptz,
    revoked_by  text
);
