package dev.l2r.funnel.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * How the funnel measures time between two stage entries: exactly, in microseconds (PostgreSQL's resolution),
 * and in {@value #BUCKETS} buckets (each cut into {@value #FINE} parts) for the pre-aggregated histograms, fine where
 * velocities are short and coarser where they are long. Buckets only locate a percentile's rank; its value is
 * then read exactly. Days are reported with {@value #SCALE} decimals, rounded half-up once; conversion rates are
 * {@link Conversion}'s.
 */
public final class Velocity {

    public static final long MICROS_PER_DAY = 86_400_000_000L;
    /** Days (and {@link Conversion} rates) are reported with this many decimals. */
    public static final int SCALE = 6;

    private Velocity() {
    }

    public static long micros(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1_000);
    }

    private static final long MICROS_PER_HOUR = MICROS_PER_DAY / 24;

    /** Coarse buckets, kept per cell as a histogram array. */
    public static final int BUCKETS = 49;
    /** Equal-width sub-buckets of a coarse bucket, kept per week; they narrow a percentile down to a few rows. */
    public static final int FINE = 16;
    /** Inclusive upper bound of each coarse bucket; the last is open. */
    private static final long[] UPPER = new long[BUCKETS];
    /** Width of the last, open bucket for its sub-buckets: sixteen years. */
    private static final long LAST_WIDTH = 16 * 365 * MICROS_PER_DAY;

    static {
        int b = 0;
        UPPER[b++] = 0;
        for (long hours : new long[]{1, 6, 12, 24}) {
            UPPER[b++] = hours * MICROS_PER_HOUR;
        }
        for (long days = 2; days <= 14; days++) {
            UPPER[b++] = days * MICROS_PER_DAY;
        }
        for (int k = 1; k <= 10; k++) {
            UPPER[b++] = (14 + 7L * k) * MICROS_PER_DAY;
        }
        for (int k = 1; k <= 10; k++) {
            UPPER[b++] = (84 + 30L * k) * MICROS_PER_DAY;
        }
        for (int k = 1; k <= 10; k++) {
            UPPER[b++] = (384 + 90L * k) * MICROS_PER_DAY;
        }
        UPPER[b] = Long.MAX_VALUE;
    }

    /**
     * 0: exactly zero; 1-4: up to 1 hour, 6 hours, 12 hours, 1 day; 5-17: whole days 2 to 14; 18-27: weeks up to
     * 12 weeks; 28-37: 30-day steps up to 384 days; 38-47: 90-day steps up to 1,284 days; 48: longer. Ordered: a
     * larger velocity never has a smaller bucket.
     */
    public static int bucket(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("negative velocity " + micros);
        }
        int i = Arrays.binarySearch(UPPER, micros);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * Which of {@link #FINE} equal parts of its bucket a velocity falls in (0 for a zero velocity); ordered within
     * the bucket like the velocities.
     */
    public static int fine(long micros) {
        int b = bucket(micros);
        if (b == 0) {
            return 0;
        }
        long lower = UPPER[b - 1];
        long width = b == BUCKETS - 1 ? LAST_WIDTH : UPPER[b] - lower;
        return (int) Math.min(FINE - 1, (micros - lower - 1) / ceilDiv(width, FINE));
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

    /** The time from one instant to a later one, in days ({@link #days(long)}). */
    public static BigDecimal daysBetween(Instant from, Instant to) {
        return days(micros(from, to));
    }

    /** Seconds (exact, as PostgreSQL's epoch arithmetic gives them) as days, rounded half-up to {@link #SCALE} decimals. */
    public static BigDecimal daysFromSeconds(BigDecimal seconds) {
        return seconds.divide(BigDecimal.valueOf(86_400), SCALE, RoundingMode.HALF_UP);
    }

    /** The instant {@code days} (to the nanosecond) before {@code at}. */
    public static Instant before(Instant at, BigDecimal days) {
        return at.minusNanos(days.multiply(BigDecimal.valueOf(86_400_000_000_000L)).longValue());
    }

    /** The mean of {@code count} velocities summing to {@code sumMicros}, in days, rounded once. */
    public static BigDecimal meanDays(BigDecimal sumMicros, long count) {
        return sumMicros.divide(BigDecimal.valueOf(count).multiply(BigDecimal.valueOf(MICROS_PER_DAY)), SCALE,
                RoundingMode.HALF_UP);
    }
}
