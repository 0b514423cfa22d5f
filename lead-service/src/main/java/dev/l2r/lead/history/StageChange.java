package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated request to move a lead to a stage, whatever path it came in by (REST, batch, CSV, webhook).
 * {@code stage} is a key of the funnel in force; {@code rawStage} is what the source called it.
 *
 * <p>{@code deliveryId} references the stored webhook delivery the change was read from (null for other paths).
 * {@code onlyIfNotReached} makes the change conditional: it is recorded only if the lead has never been in that
 * stage or beyond it. Sources that report a state rather than a change (a Mautic points total, a Segment
 * identify) use it, so that repeating the state never moves a lead back.
 */
public record StageChange(String leadId, String stage, String rawStage, Instant occurredAt, String source,
                          String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes,
                          Long deliveryId, boolean onlyIfNotReached) {

    public StageChange {
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
    }

    public StageChange(String leadId, String stage, String rawStage, Instant occurredAt, String source,
                       String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes) {
        this(leadId, stage, rawStage, occurredAt, source, sourceEventId, amount, currency, attributes, null, false);
    }

    public StageChange withDelivery(Long delivery) {
        return new StageChange(leadId, stage, rawStage, occurredAt, source, sourceEventId, amount, currency,
                attributes, delivery, onlyIfNotReached);
    }

    public StageChange ifNotReached() {
        return new StageChange(leadId, stage, rawStage, occurredAt, source, sourceEventId, amount, currency,
                attributes, deliveryId, true);
    }
}
