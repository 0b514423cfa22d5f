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

    /** This spell as it looked at {@code asOf}: closed only if it closed by then, otherwise censored there. */
    public CompetingRisks.Observation observedAt(Instant asOf) {
        if (closedAt != null && !closedAt.isAfter(asOf)) {
            return new CompetingRisks.Observation(Days.between(enteredAt, closedAt), outcome);
        }
        return new CompetingRisks.Observation(Days.between(enteredAt, asOf), StageOutcome.OPEN);
    }
}
