package dev.l2r.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A change of a lead's details without a change of stage: its deal value (a HubSpot {@code amount} edited, a
 * Pipedrive value changed after the win, a Salesforce Opportunity's Amount) or its attributes (a new owner, the
 * account's segment). It travels on topic {@value LeadStageChanged#TOPIC} beside the stage changes, keyed by
 * {@code leadId} so that a lead's events stay in order, with the record header
 * {@value LeadEventTypes#HEADER}{@code : }{@value LeadEventTypes#LEAD_DETAILS_CHANGED}. Its JSON Schema is
 * {@value #SCHEMA_RESOURCE}; additive changes keep {@link #CURRENT_SCHEMA_VERSION}.
 *
 * <p>Fields left null are unchanged: an amount of {@code null} keeps the lead's amount, an attribute of
 * {@code null} keeps that attribute. The change holds from {@code occurredAt} on.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadDetailsChanged(
        UUID eventId,
        int schemaVersion,
        String leadId,
        Instant occurredAt,
        Instant recordedAt,
        String source,
        String sourceEventId,
        BigDecimal amount,
        String currency,
        LeadAttributes attributes) implements LeadEvent {

    public static final int CURRENT_SCHEMA_VERSION = 1;
    public static final String SCHEMA_RESOURCE = "/schema/lead-details-changed-v1.schema.json";

    public LeadDetailsChanged {
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
    }
}
