package dev.l2r.lead.identity;

import java.time.Instant;

/**
 * Two lead ids a sender says are one person or one buying group (a Segment alias, an identify naming both ids, a
 * HubSpot contact associated with a deal, a Pipedrive deal's person, a converted Salesforce lead, a REST link).
 * Both are lead ids already (a personal sender id resolved to its pseudonym); {@code occurredAt} is when the
 * sender saw the link, {@code linkedBy} what linked them ({@code segment.identify}, {@code segment.alias},
 * {@code hubspot.association}, {@code pipedrive.person}, {@code salesforce.conversion}, {@code api.link}).
 */
public record Link(String leadId, String linkedLeadId, Instant occurredAt, String source, String sourceEventId,
                   String linkedBy) {
}
