package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;

import java.time.Instant;

/**
 * One lead's time in the pipeline from the first moment it reached an open stage (or passed it on the way to a
 * later open stage) until its first close after that: the unit the time-to-close model learns from. Attributes are
 * those known when it reached the stage. {@code closedAt} and {@code outcome} are null while it has not closed.
 */
public record Spell(String leadId, String stage, Instant enteredAt, Instant closedAt, StageOutcome outcome,
                    LeadAttributes attributes) {

    /** Whether, seen at {@code asOf}, the spell had closed. */
    public boolean closedBy(Instant asOf) {
        return closedAt != null && !closedAt.isAfter(asOf);
    }

    /** How it ended as seen at {@code asOf}: its outcome if closed by then, otherwise open (censored there). */
    public StageOutcome outcomeAt(Instant asOf) {
        return closedBy(asOf) ? outcome : StageOutcome.OPEN;
    }

    /** Its length in days as seen at {@code asOf}: to its close, or to asOf while still open then. */
    public double daysAt(Instant asOf) {
        return Days.between(enteredAt, closedBy(asOf) ? closedAt : asOf);
    }
}
