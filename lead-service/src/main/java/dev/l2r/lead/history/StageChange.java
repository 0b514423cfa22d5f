package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated request to move a lead to a stage, whatever path it came in by (REST, batch, CSV, webhook).
 * {@code stage} is a key of the funnel in force; {@code rawStage} is what the source called it.
 */
public record StageChange(String leadId, String stage, String rawStage, Instant occurredAt, String source,
                          String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes) {

    public StageChange {
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
    }
}
