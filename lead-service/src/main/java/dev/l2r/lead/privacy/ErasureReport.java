package dev.l2r.lead.privacy;

import java.time.Instant;
import java.util.Map;

/**
 * The answer to an erasure: what lead-service removed (counts, never the data), and what happens next elsewhere.
 * {@code removed}: {@code lead}, {@code stageTransitions}, {@code detailsChanges}, {@code parkedItems},
 * {@code outboxDeadLetters}, {@code identities}, {@code merges}, {@code rawDeliveryBodies}; {@code retryKeysKept} counts
 * the keyed hashes kept so that a sender's retry is recognised.
 */
public record ErasureReport(String leadId, Instant erasedAt, Map<String, Long> removed, long retryKeysKept,
                            String consumers) {

    /** What the consumers do, and within what time (docs/privacy.md). */
    static final String CONSUMERS = "funnel-service and forecast-service drop their per-lead rows of the lead when "
            + "they apply its LeadErased event, published after its other events: normally within seconds, at the "
            + "latest once they have caught up with the topic; their aggregates stay as they are";
}
