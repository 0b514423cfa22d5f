package dev.l2r.forecast.model;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DaysTest {

    /** Where java.time can count them (spans under 292 years), the same microseconds as java.time. */
    @Property(tries = 3000)
    void microsecondsAgreeWithJavaTimeWhereItCountsThem(
            @ForAll @LongRange(min = 0, max = 4_000_000_000L) long fromSecond, @ForAll @IntRange(max = 999_999_999) int fromNano,
            @ForAll @LongRange(min = -9_000_000_000L, max = 9_000_000_000L) long span, @ForAll @IntRange(max = 999_999_999) int toNano) {
        Instant from = Instant.ofEpochSecond(fromSecond, fromNano);
        Instant to = Instant.ofEpochSecond(fromSecond + span, toNano);
        assertThat(Days.micros(from, to)).isEqualTo(ChronoUnit.MICROS.between(from, to));
    }

    @Example
    void spansOfThousandsOfYearsAreCounted() {
        Instant from = Instant.parse("1583-01-01T00:00:00Z");
        Instant to = Instant.parse("9999-12-31T23:59:59.999999999Z");
        // 3,074,246 days from 1583-01-01 to 10000-01-01, less a nanosecond truncated to a microsecond
        assertThat(Days.micros(from, to)).isEqualTo(3_074_246L * 86_400_000_000L - 1);
        assertThat(Days.micros(to, from)).isEqualTo(-(3_074_246L * 86_400_000_000L - 1));
        assertThat(Days.between(from, Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo(3_074_246.0);
    }
}
