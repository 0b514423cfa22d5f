package dev.l2r.funnel.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Conversion rates, the one place they are computed: of a cohort (the leads that entered stage A in a period),
 * the share that converted to B, as a fraction rounded half-up to {@value Velocity#SCALE} decimals. Who converts is
 * decided per lead by {@link LeadFacts} (its reaches: B or a stage beyond B, at or after its entry into A), which
 * pairs are measured by {@link Stages}; the counts come from the cells and per-lead rows.
 */
public final class Conversion {

    private Conversion() {
    }

    /** {@code converted} of {@code cohort} as a fraction; null for an empty cohort (nothing to divide). */
    public static BigDecimal rate(long converted, long cohort) {
        if (cohort == 0) {
            return null;
        }
        return BigDecimal.valueOf(converted).divide(BigDecimal.valueOf(cohort), Velocity.SCALE, RoundingMode.HALF_UP);
    }
}
