package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;

import java.time.Instant;

/** One row of {@code lead}: the lead as its whole history reads now. */
public record LeadRow(String leadId, String currentStage, Instant currentSince, Instant firstSeenAt,
                      String firstTouchChannel, String lastTouchChannel, String segment, String owner,
                      String campaign, Instant createdAt, Instant updatedAt) {

    /** What the lead is known to have, for completing an event that omits some attributes. */
    public LeadAttributes attributes() {
        return new LeadAttributes(lastTouchChannel, segment, owner, campaign);
    }
}
