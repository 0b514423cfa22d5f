package dev.l2r.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.UUID;

/**
 * Two leads found to be one person or one buying group: lead {@code mergedLeadId} is absorbed into lead
 * {@code leadId}, which survives. lead-service publishes it when a sender links two identities that each had a lead
 * of their own (a Segment {@code alias} or {@code identify} naming both the anonymous and the known id, a HubSpot
 * contact associated with a deal, a Pipedrive deal's person, a converted Salesforce lead, a link posted over REST).
 * It travels on topic {@value LeadStageChanged#TOPIC} keyed by the survivor, with the record header
 * {@value LeadEventTypes#HEADER}{@code : }{@value LeadEventTypes#LEADS_MERGED}. Its JSON Schema is
 * {@value #SCHEMA_RESOURCE}.
 *
 * <p>A consumer treats every event of {@code mergedLeadId} — those it already has and those still to come, which
 * travel under the old key and may arrive after this record — as an event of {@code leadId}, and recomputes the
 * survivor from the union in event time. {@code occurredAt} is when the sender saw the link; it does not move any
 * event of either lead.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadsMerged(
        UUID eventId,
        int schemaVersion,
        String leadId,
        String mergedLeadId,
        Instant occurredAt,
        Instant recordedAt,
        String source,
        String sourceEventId,
        String linkedBy) implements LeadEvent {

    public static final int CURRENT_SCHEMA_VERSION = 1;
    public static final String SCHEMA_RESOURCE = "/schema/leads-merged-v1.schema.json";

    public LeadsMerged {
        if (leadId != null && leadId.equals(mergedLeadId)) {
            throw new IllegalArgumentException("a lead cannot be merged into itself: " + leadId);
        }
    }
}
