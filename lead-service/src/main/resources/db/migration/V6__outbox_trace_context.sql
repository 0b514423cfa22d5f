-- The W3C trace context of the request that wrote the row (headers traceparent and tracestate), so that the relay
-- publishes the record in the same trace even though it runs later, on another thread. Null without tracing.
ALTER TABLE outbox ADD COLUMN traceparent text, ADD COLUMN tracestate text;
ALTER TABLE outbox_dead_letter ADD COLUMN traceparent text, ADD COLUMN tracestate text;
