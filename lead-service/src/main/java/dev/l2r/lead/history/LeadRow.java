package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of {@code lead}: the lead as its whole history (stage changes and details changes) reads now, its deal
 * value ({@code amount}, {@code currency}) included.
 */
public record LeadRow(String leadId, String currentStage, Instant currentSince, Instant firstSeenAt,
                      String firstTouchChannel, String lastTouchChannel, String segment, String owner,
                      String campaign, Instant createdAt, Instant updatedAt, BigDecimal amount, String currency) {

    public LeadRow(String leadId, String currentStage, Instant currentSince, Instant firstSeenAt,
                   String firstTouchChannel, String lastTouchChannel, String segment, String owner,
                   String campaign, Instant createdAt, Instant updatedAt) {
        this(leadId, currentStage, currentSince, firstSeenAt, firstTouchChannel, lastTouchChannel, segment, owner,
                campaign, createdAt, updatedAt, null, null);
    }

    /** What the lead is known to have, for completing an event that omits some attributes. */
    public LeadAttributes attributes() {
        return new LeadAttributes(lastTouchChannel, segment, owner, campaign);
    }
}
