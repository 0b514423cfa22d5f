-- Outbox rows Kafka can never take (larger than the broker or the producer accepts, or refused as invalid), moved
-- aside by the relay in the transaction that would have deleted them, so that they do not hold up every row
-- behind them; listed at GET /api/admin/outbox/dead-letters. id is the outbox row's id.
CREATE TABLE outbox_dead_letter (
    id               bigint      PRIMARY KEY,
    topic            text        NOT NULL,
    message_key      text        NOT NULL,
    payload          text        NOT NULL,
    created_at       timestamptz NOT NULL,
    dead_lettered_at timestamptz NOT NULL,
    error            text        NOT NULL
);
