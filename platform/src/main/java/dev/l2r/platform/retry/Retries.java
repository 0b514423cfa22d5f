package dev.l2r.platform.retry;

import io.smallrye.faulttolerance.api.Guard;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The retry policies of L2R, as SmallRye Fault Tolerance guards (its programmatic API), so that every retry in the
 * services is one of two shapes configured the same way: wait a failure out however long it lasts, or try a few
 * times. A guard retries on the calling thread (the pauses are {@code Thread.sleep}), so a caller that may wait
 * long runs on a thread of its own, never on a Vert.x thread. Guards are made at run time (in a bean's
 * {@code @PostConstruct} or constructor), not in static initialisers.
 */
public final class Retries {

    private Retries() {
    }

    /**
     * Retries for as long as {@code retryable} says so, with no limit on attempts or time, pausing {@code first}
     * and doubling each time up to {@code max}. {@code beforeRetry} sees each failure that is retried (to log it,
     * count it). An {@link InterruptedException} ends the waiting.
     */
    public static Guard waitOut(String description, Predicate<Throwable> retryable, Duration first, Duration max,
                                Consumer<Throwable> beforeRetry) {
        long firstMs = Math.max(1, first.toMillis());
        long maxMs = Math.max(firstMs + 1, max.toMillis());
        return Guard.create().withDescription(description)
                .withRetry()
                .maxRetries(-1)
                .maxDuration(0, ChronoUnit.MILLIS)
                .delay(firstMs, ChronoUnit.MILLIS)
                .jitter(firstMs / 4, ChronoUnit.MILLIS)
                .whenException(e -> !(e instanceof InterruptedException) && retryable.test(e))
                .beforeRetry(beforeRetry)
                .withExponentialBackoff().factor(2).maxDelay(maxMs, ChronoUnit.MILLIS).done()
                .done()
                .build();
    }

    /**
     * At most {@code attempts} attempts in all, the next one only while {@code retryable} says so, {@code pause}
     * apart; the last failure is thrown.
     */
    public static Guard attempts(String description, int attempts, Predicate<Throwable> retryable, Duration pause) {
        return attempts(description, attempts, retryable, pause, e -> {
        });
    }

    /** As above; {@code beforeRetry} sees each failure that is tried again. */
    public static Guard attempts(String description, int attempts, Predicate<Throwable> retryable, Duration pause,
                                 Consumer<Throwable> beforeRetry) {
        if (attempts < 1) {
            throw new IllegalArgumentException(description + ": at least one attempt, not " + attempts);
        }
        return Guard.create().withDescription(description)
                .withRetry()
                .maxRetries(attempts - 1)
                .maxDuration(0, ChronoUnit.MILLIS)
                .delay(pause.toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(e -> !(e instanceof InterruptedException) && retryable.test(e))
                .beforeRetry(beforeRetry)
                .done()
                .build();
    }
}
