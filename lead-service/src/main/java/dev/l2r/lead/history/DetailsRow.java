package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code lead_detail_change}: a change of a lead's deal value or attributes without a change of stage,
 * as recorded and published ({@link LeadDetailsChanged}). Null values are unchanged ones. A dormant row
 * ({@code published} false) stated nothing new when it arrived and has not been published (yet).
 */
public record DetailsRow(UUID eventId, String leadId, Instant occurredAt, Instant recordedAt, String source,
                         String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes,
                         Long deliveryId, boolean published) {

    public DetailsRow {
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
    }

    /** The same row, published. */
    public DetailsRow publishedNow() {
        return withId(eventId, true);
    }

    /** The same statement under another event id (null: none yet) and published state. */
    public DetailsRow withId(UUID id, boolean isPublished) {
        return new DetailsRow(id, leadId, occurredAt, recordedAt, source, sourceEventId, amount, currency,
                attributes, deliveryId, isPublished);
    }

    public LeadDetailsChanged toEvent() {
        return new LeadDetailsChanged(eventId, LeadDetailsChanged.CURRENT_SCHEMA_VERSION, leadId, occurredAt,
                recordedAt, source, sourceEventId, amount, currency, attributes);
    }
}
