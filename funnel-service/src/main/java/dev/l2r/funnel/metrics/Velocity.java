package dev.l2r.funnel.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * How the funnel measures time between two stage entries: exactly, in microseconds (PostgreSQL's resolution),
 * and in whole-day buckets for the pre-aggregated histograms. Bucket {@code b} holds velocities in
 * {@code (b-1, b]} days and bucket 0 exactly zero, so "within N days" is exactly "bucket ≤ N".
 */
public final class Velocity {

    public static final long MICROS_PER_DAY = 86_400_000_000L;
    /** Days and rates are reported with this many decimals. */
    public static final int SCALE = 6;

    private Velocity() {
    }

    public static long micros(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
    }

    public static int bucket(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("negative velocity " + micros);
        }
        return (int) ((micros + MICROS_PER_DAY - 1) / MICROS_PER_DAY);
    }

    /** Microseconds as days, rounded half-up to {@link #SCALE} decimals. */
    public static BigDecimal days(long micros) {
        return days(BigDecimal.valueOf(micros));
    }

    public static BigDecimal days(BigDecimal micros) {
        return micros.divide(BigDecimal.valueOf(MICROS_PER_DAY), SCALE, RoundingMode.HALF_UP);
    }

    /** The mean of {@code count} velocities summing to {@code sumMicros}, in days, rounded once. */
    public static BigDecimal meanDays(BigDecimal sumMicros, long count) {
        return sumMicros.divide(BigDecimal.valueOf(count).multiply(BigDecimal.valueOf(MICROS_PER_DAY)), SCALE,
                RoundingMode.HALF_UP);
    }

    /** A share as a fraction rounded half-up to {@link #SCALE} decimals; null when there is nothing to divide. */
    public static BigDecimal rate(long part, long whole) {
        if (whole == 0) {
            return null;
        }
        return BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), SCALE, RoundingMode.HALF_UP);
    }
}
