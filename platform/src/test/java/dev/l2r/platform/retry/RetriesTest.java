package dev.l2r.platform.retry;

import io.smallrye.faulttolerance.api.Guard;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The two retry shapes, through SmallRye Fault Tolerance's standalone implementation. */
class RetriesTest {

    static final class Gone extends RuntimeException {
        Gone(int n) {
            super("gone " + n);
        }
    }

    @Test
    void waitingOutGoesOnPastAnyNumberOfFailuresAndBacksOffToTheMaximum() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<Long> retriedAt = new ArrayList<>();
        // far more tries than the 3 retries and beyond any default duration limit would allow
        Guard guard = Retries.waitOut("test", e -> e instanceof Gone, Duration.ofMillis(1), Duration.ofMillis(4),
                e -> retriedAt.add(System.nanoTime()));
        String answer = guard.call(() -> {
            if (calls.incrementAndGet() < 60) {
                throw new Gone(calls.get());
            }
            return "done";
        }, String.class);
        assertThat(answer).isEqualTo("done");
        assertThat(calls).hasValue(60);
        assertThat(retriedAt).hasSize(59);
        // pauses grow to 4 ms (plus up to 1/4 ms of jitter) and no further: 58 pauses after the first take at
        // least 55 × 4 ms, and far less than they would with the delays still doubling
        long took = Duration.ofNanos(retriedAt.get(58) - retriedAt.get(0)).toMillis();
        assertThat(took).isGreaterThanOrEqualTo(55L * 4).isLessThan(58L * 40);
    }

    @Test
    void waitingOutStopsAtAFailureItDoesNotWaitFor() {
        AtomicInteger calls = new AtomicInteger();
        Guard guard = Retries.waitOut("test", e -> e instanceof Gone, Duration.ofMillis(1), Duration.ofMillis(2),
                e -> { });
        assertThatThrownBy(() -> guard.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new Gone(calls.get());
            }
            throw new IllegalArgumentException("the record's own");
        }, String.class)).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(3);
    }

    @Test
    void attemptsAreCountedExactly() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        Guard guard = Retries.attempts("test", 5, e -> true, Duration.ZERO, e -> retried.incrementAndGet());
        assertThatThrownBy(() -> guard.call(() -> {
            throw new Gone(calls.incrementAndGet());
        }, String.class)).isInstanceOf(Gone.class).hasMessage("gone 5");
        assertThat(calls).hasValue(5);
        assertThat(retried).hasValue(4);

        AtomicInteger once = new AtomicInteger();
        assertThatThrownBy(() -> Retries.attempts("test", 4, e -> e instanceof Gone, Duration.ZERO).call(() -> {
            once.incrementAndGet();
            throw new IllegalStateException("not retried");
        }, String.class)).isInstanceOf(IllegalStateException.class);
        assertThat(once).hasValue(1);
        assertThatThrownBy(() -> Retries.attempts("test", 0, e -> true, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
