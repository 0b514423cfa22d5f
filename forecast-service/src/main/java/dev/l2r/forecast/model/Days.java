package dev.l2r.forecast.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Durations in fractional days, at the microsecond precision the database keeps. */
public final class Days {

    private static final double MICROS_PER_DAY = 86_400_000_000.0;

    private Days() {
    }

    public static double between(Instant from, Instant to) {
        return days(micros(from, to));
    }

    /** Whole microseconds as days, as {@link #between} converts them. */
    static double days(long micros) {
        return micros / MICROS_PER_DAY;
    }

    /** Days as whole microseconds, rounded as {@link #plus} rounds them. */
    static long micros(double days) {
        return Math.round(days * MICROS_PER_DAY);
    }

    /**
     * Whole microseconds from one instant to the other, truncated toward zero as {@code ChronoUnit.MICROS.between}
     * does, which counts in nanoseconds first and so overflows past 292 years (an asOf in 9999 against history from
     * this century).
     */
    static long micros(Instant from, Instant to) {
        long seconds = Math.subtractExact(to.getEpochSecond(), from.getEpochSecond());
        int nanos = to.getNano() - from.getNano();
        long floor = Math.addExact(Math.multiplyExact(seconds, 1_000_000L), Math.floorDiv(nanos, 1000));
        return Math.floorMod(nanos, 1000) != 0 && floor < 0 ? floor + 1 : floor;
    }

    public static Instant plus(Instant t, double days) {
        return t.plus(micros(days), ChronoUnit.MICROS);
    }
}
