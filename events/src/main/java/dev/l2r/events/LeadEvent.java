package dev.l2r.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * An event on topic {@value LeadStageChanged#TOPIC}, keyed by {@code leadId}: a stage change or a change of a
 * lead's details. Which one a record holds is said by its {@value LeadEventTypes#HEADER} header
 * ({@link LeadEventTypes}); a record without it is a {@link LeadStageChanged}. Every kind carries what a consumer
 * needs to place it in the lead's history: ids, event time, where it came from, and the values it sets. The two
 * identity kinds ({@link LeadsMerged}, {@link LeadErased}) set no values: they answer null and no attributes.
 */
public sealed interface LeadEvent permits LeadStageChanged, LeadDetailsChanged, LeadsMerged, LeadErased {

    UUID eventId();

    String leadId();

    /** Event time in the source system; a consumer reads a lead's events in this order. */
    Instant occurredAt();

    Instant recordedAt();

    String source();

    String sourceEventId();

    /** The deal value this event states (with {@link #currency()}), or null if it states none. */
    default BigDecimal amount() {
        return null;
    }

    default String currency() {
        return null;
    }

    /** The attributes this event states; those it leaves null are unchanged. */
    default LeadAttributes attributes() {
        return LeadAttributes.NONE;
    }
}
