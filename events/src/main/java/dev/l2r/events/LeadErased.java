package dev.l2r.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * A person erased on request: lead-service has removed everything that ties lead {@code leadId} to them, and every
 * consumer drops its per-lead rows of the lead (its events, stage entries, current state, dead letters) while the
 * aggregate figures already counted stay as they are. It travels on topic {@value LeadStageChanged#TOPIC} keyed by
 * the lead, after all of the lead's events, with the record header
 * {@value LeadEventTypes#HEADER}{@code : }{@value LeadEventTypes#LEAD_ERASED}, so that a replay of the topic counts
 * the lead in the aggregates and then drops it again. Its JSON Schema is {@value #SCHEMA_RESOURCE}. It carries no
 * more than the pseudonymous lead id: who asked and why is audited in lead-service only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadErased(
        UUID eventId,
        int schemaVersion,
        String leadId,
        Instant occurredAt,
        Instant recordedAt,
        String source) implements LeadEvent {

    public static final int CURRENT_SCHEMA_VERSION = 1;
    public static final String SCHEMA_RESOURCE = "/schema/lead-erased-v1.schema.json";

    @Override
    public String sourceEventId() {
        return null;
    }
}
