package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index's closes read by microseconds (the closes themselves only where those tie) against the plain filters of
 * {@link History}: the same closes in the same order, at moments on, just before, just after and a nanosecond
 * inside the closes' own instants, with corrections superseding versions.
 */
class IndexedClosesTest {

    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void closesKnownAtAndBetweenAreThePlainFilters(long seed) {
        Random r = new Random(seed);
        List<Close> closes = new ArrayList<>();
        List<Instant> instants = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Instant closedAt = time(r);
            Close close = new Close("l" + i, closedAt, StageOutcome.values()[1 + r.nextInt(3)],
                    BigDecimal.valueOf(100 + r.nextInt(900)), "USD", new LeadAttributes(null, "s", null, null), null);
            instants.add(closedAt);
            if (r.nextInt(4) == 0) {
                // corrected later (or in the same microsecond), maybe twice
                Instant at = r.nextBoolean() ? closedAt.plusNanos(r.nextInt(999)) : time(r).plusSeconds(86_400 * 40);
                at = at.isBefore(closedAt) ? closedAt : at;
                closes.add(close.until(at));
                Close again = close.corrected(at, BigDecimal.valueOf(5), "USD", close.attributes());
                instants.add(at);
                if (r.nextBoolean()) {
                    Instant later = at.plusNanos(1 + r.nextInt(3_000));
                    closes.add(again.until(later));
                    closes.add(again.corrected(later, BigDecimal.valueOf(7), "USD", close.attributes()));
                    instants.add(later);
                } else {
                    closes.add(again);
                }
            } else {
                closes.add(close);
            }
        }
        java.util.Collections.shuffle(closes, r);
        History history = new History(List.of(), List.of(), closes, List.of());
        HistoryIndex index = history.index();
        List<Instant> moments = new ArrayList<>();
        for (Instant t : instants.subList(0, 60)) {
            moments.add(t);
            moments.add(t.minusNanos(1));
            moments.add(t.plusNanos(1));
            moments.add(t.plusNanos(999));
        }
        moments.add(START.minusSeconds(1));
        moments.add(START.plusSeconds(86_400L * 500));
        for (Instant t : moments) {
            assertThat(index.closesKnownAt(t)).as("known at %s", t).isEqualTo(history.asOf(t).closes());
            for (Instant after : List.of(t.minusSeconds(86_400 * 30), t.minusNanos(1), t)) {
                assertThat(index.closesBetween(after, t)).as("between %s and %s", after, t)
                        .isEqualTo(history.closesBetween(after, t));
            }
        }
        assertThat(index.closesKnownAt(START.plusSeconds(86_400L * 500))).isNotEmpty();
    }

    /** On whole days half the time (ties), else at any nanosecond of about a year. */
    private static Instant time(Random r) {
        long day = r.nextInt(365);
        return r.nextBoolean() ? START.plusSeconds(day * 86_400)
                : START.plusSeconds(day * 86_400 + r.nextInt(86_400)).plusNanos(r.nextInt(1_000_000_000));
    }
}
