package dev.l2r.forecast.model;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Durations in fractional days, at the microsecond precision the database keeps. */
public final class Days {

    private static final double MICROS_PER_DAY = 86_400_000_000.0;

    private Days() {
    }

    public static double between(Instant from, Instant to) {
        return ChronoUnit.MICROS.between(from, to) / MICROS_PER_DAY;
    }

    public static Instant plus(Instant t, double days) {
        return t.plus(Math.round(days * MICROS_PER_DAY), ChronoUnit.MICROS);
    }
}
