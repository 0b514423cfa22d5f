package dev.l2r.funnel.core;

import java.math.BigDecimal;

/**
 * Days from entering one stage to reaching another, over the leads that made it: mean, and median and p90 by
 * nearest rank (each a velocity that really occurred). All null when no lead made it.
 */
public record VelocityDays(long count, BigDecimal mean, BigDecimal median, BigDecimal p90) {

    public static final VelocityDays NONE = new VelocityDays(0, null, null, null);

    /**
     * From {@code count} (at least one) velocities summing to {@code sumMicros}, and the median's and p90's values in
     * microseconds.
     */
    public static VelocityDays of(long count, BigDecimal sumMicros, long medianMicros, long p90Micros) {
        return new VelocityDays(count, Velocity.meanDays(sumMicros, count), Velocity.days(medianMicros),
                Velocity.days(p90Micros));
    }
}
