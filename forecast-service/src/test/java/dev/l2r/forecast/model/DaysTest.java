package dev.l2r.forecast.model;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DaysTest {

    /** Where java.time can count them (spans under 292 years), the same microseconds as java.time. */
    @Test
    void microsecondsAgreeWithJavaTimeWhereItCountsThem() {
        Tries.forAll(3000, random -> {
            long fromSecond = Draw.between(random, 0, 4_000_000_000L);
            Instant from = Instant.ofEpochSecond(fromSecond, Draw.between(random, 0, 999_999_999));
            long span = Draw.between(random, -9_000_000_000L, 9_000_000_000L);
            return List.of(from, Instant.ofEpochSecond(fromSecond + span, Draw.between(random, 0, 999_999_999)));
        }, fromTo -> assertThat(Days.micros(fromTo.get(0), fromTo.get(1)))
                .isEqualTo(ChronoUnit.MICROS.between(fromTo.get(0), fromTo.get(1))));
    }

    @Test
    void spansOfThousandsOfYearsAreCounted() {
        Instant from = Instant.parse("1583-01-01T00:00:00Z");
        Instant to = Instant.parse("9999-12-31T23:59:59.999999999Z");
        // 3,074,246 days from 1583-01-01 to 10000-01-01, less a nanosecond truncated to a microsecond
        assertThat(Days.micros(from, to)).isEqualTo(3_074_246L * 86_400_000_000L - 1);
        assertThat(Days.micros(to, from)).isEqualTo(-(3_074_246L * 86_400_000_000L - 1));
        assertThat(Days.between(from, Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo(3_074_246.0);
    }
}
