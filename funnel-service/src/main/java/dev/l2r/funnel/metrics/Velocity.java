package dev.l2r.funnel.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * How the funnel measures time between two stage entries: exactly, in microseconds (PostgreSQL's resolution),
 * and in about forty buckets for the pre-aggregated histograms, fine where velocities are short and coarser
 * where they are long. Buckets only locate a percentile's rank; its value is then read exactly.
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

    private static final long MICROS_PER_HOUR = MICROS_PER_DAY / 24;

    /**
     * 0: exactly zero; 1-4: up to 1 hour, 6 hours, 12 hours, 1 day; 5-17: whole days 2 to 14; 18-27: weeks up to
     * 12 weeks; 28-37: 30-day steps up to 384 days; 38 on: 90-day steps. Ordered: a larger velocity never has a
     * smaller bucket.
     */
    public static int bucket(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("negative velocity " + micros);
        }
        if (micros == 0) {
            return 0;
        }
        if (micros <= MICROS_PER_DAY) {
            return micros <= MICROS_PER_HOUR ? 1 : micros <= 6 * MICROS_PER_HOUR ? 2 : micros <= 12 * MICROS_PER_HOUR ? 3 : 4;
        }
        long days = ceilDiv(micros, MICROS_PER_DAY);
        if (days <= 14) {
            return (int) days + 3;
        }
        if (days <= 84) {
            return 17 + (int) ceilDiv(days - 14, 7);
        }
        if (days <= 384) {
            return 27 + (int) ceilDiv(days - 84, 30);
        }
        return 37 + (int) Math.min(ceilDiv(days - 384, 90), 1_000_000);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
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
