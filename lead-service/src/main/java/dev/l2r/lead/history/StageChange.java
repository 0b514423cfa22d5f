package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A validated request to move a lead to a stage, whatever path it came in by (REST, batch, CSV, webhook).
 * {@code stage} is a key of the funnel in force; {@code rawStage} is what the source called it.
 *
 * <p>{@code deliveryId} references the stored webhook delivery the change was read from (null for other paths).
 * {@code mode} says whether the change is a fact to record or a state a source reports (see {@link Mode}); a
 * {@link Mode#DETAILS} change has no stage: it changes the lead's amount or attributes only ({@link #details}).
 */
public record StageChange(String leadId, String stage, String rawStage, Instant occurredAt, String source,
                          String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes,
                          Long deliveryId, Mode mode) {

    /** How a change is taken. */
    public enum Mode {
        /** A stage change that happened: always recorded (dormant if it is no move when it arrives). */
        RECORD,
        /**
         * A state reported by a source that does not report changes (a points total over a threshold, a first
         * identify): taken only if the lead was never in that stage or beyond it, so repeating it never moves a
         * lead back.
         */
        IF_NOT_REACHED,
        /** A source's current view of the lead's stage: taken only if the lead's current stage differs. */
        IF_STAGE_DIFFERS,
        /**
         * No stage: the lead's deal value or attributes changed (a CRM's amount edited after the win, a new owner).
         * Recorded as a details change and published as {@code LeadDetailsChanged}, unless it states nothing the
         * lead did not already have at that time.
         */
        DETAILS
    }

    public StageChange {
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
        mode = mode == null ? Mode.RECORD : mode;
    }

    public StageChange(String leadId, String stage, String rawStage, Instant occurredAt, String source,
                       String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes) {
        this(leadId, stage, rawStage, occurredAt, source, sourceEventId, amount, currency, attributes, null, Mode.RECORD);
    }

    /** A change of the lead's amount and/or attributes at {@code occurredAt}, without a stage. */
    public static StageChange details(String leadId, Instant occurredAt, String source, String sourceEventId,
                                      BigDecimal amount, String currency, LeadAttributes attributes) {
        return new StageChange(leadId, null, null, occurredAt, source, sourceEventId, amount, currency, attributes,
                null, Mode.DETAILS);
    }

    public boolean isDetails() {
        return mode == Mode.DETAILS;
    }

    public StageChange withDelivery(Long delivery) {
        return new StageChange(leadId, stage, rawStage, occurredAt, source, sourceEventId, amount, currency,
                attributes, delivery, mode);
    }

    /** The same change for another lead id (the survivor the sender's id was merged into). */
    public StageChange withLeadId(String id) {
        return new StageChange(id, stage, rawStage, occurredAt, source, sourceEventId, amount, currency, attributes,
                deliveryId, mode);
    }

    public StageChange withMode(Mode newMode) {
        return new StageChange(leadId, stage, rawStage, occurredAt, source, sourceEventId, amount, currency,
                attributes, deliveryId, newMode);
    }
}
