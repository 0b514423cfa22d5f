package dev.l2r.platform.time;

import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Properties of API time parsing at and beyond its edges: whatever the text, the answer is an instant the services
 * can compute with and hand to JDBC and PostgreSQL, or a 400 naming the field; never another exception.
 */
class ApiTimesPropertyTest {

    /** PostgreSQL's timestamptz range, from its documentation: 4713 BC to 294276 AD. */
    static final Instant POSTGRES_EARLIEST = LocalDate.of(-4712, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    static final Instant POSTGRES_LATEST = LocalDate.of(294276, 12, 31).atStartOfDay(ZoneOffset.UTC).toInstant();

    /** What the services do around a parsed time: up to 120 months back (baseline), 3660 days ahead (horizon). */
    static void usableDownstream(Instant t) {
        Instant back = t.atZone(ZoneOffset.UTC).minusMonths(120).minusDays(3660).toInstant();
        Instant ahead = t.atZone(ZoneOffset.UTC).plusMonths(120).plusDays(3660).toInstant();
        for (Instant x : new Instant[]{t, back, ahead}) {
            assertThat(Timestamp.from(x).toInstant()).isEqualTo(x);
            assertThat(x).isBetween(POSTGRES_EARLIEST, POSTGRES_LATEST);
        }
    }

    static Optional<Instant> outcome(String field, String value) {
        try {
            return Optional.of(ApiTimes.parse(field, value));
        } catch (ProblemException e) {
            Problem p = e.toProblem();
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.field()).isEqualTo(field);
            return Optional.empty();
        }
    }

    @Property(tries = 3000)
    void anyTextIsAnInstantInRangeOrA400NamingTheField(@ForAll("isoish") String value) {
        outcome("asOf", value).ifPresent(t -> {
            assertThat(t).isBetween(ApiTimes.EARLIEST, ApiTimes.LATEST);
            usableDownstream(t);
        });
    }

    /** Text made of the characters ISO dates are made of, so that the parser's every branch is reached. */
    @Provide
    Arbitrary<String> isoish() {
        Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789-+:.TZz ").ofMaxLength(40);
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(40);
        return Arbitraries.oneOf(noise, anything, dateTimes());
    }

    /** A well-formed time and the instant it names, computed from its parts rather than read from the text. */
    record Sample(String text, Instant expected) {
    }

    /** Well-formed dates and date-times of any year Java can write, in every documented form. */
    @Provide
    Arbitrary<Sample> samples() {
        Arbitrary<Integer> year = Arbitraries.oneOf(Arbitraries.integers().between(-999_999_999, 999_999_999),
                Arbitraries.integers().between(-2, 12_000), Arbitraries.integers().between(1570, 1600),
                Arbitraries.of(0, 1, 1582, 1583, 9999, 10_000, 292_278_994, 294_276, 999_999_999, -999_999_999));
        Arbitrary<LocalDateTime> when = Combinators.combine(year, Arbitraries.integers().between(1, 366),
                        Arbitraries.longs().between(0, 86_399_999_999_999L))
                .as((y, dayOfYear, nanoOfDay) -> LocalDate.ofYearDay(y, Math.min(dayOfYear, LocalDate.of(y, 1, 1)
                        .lengthOfYear())).atTime(LocalTime.ofNanoOfDay(nanoOfDay)));
        Arbitrary<ZoneOffset> offset = Arbitraries.integers().between(-18 * 60, 18 * 60)
                .map(m -> ZoneOffset.ofTotalSeconds(m * 60));
        return Combinators.combine(when, offset, Arbitraries.integers().between(0, 3)).as((t, o, form) -> switch (form) {
            case 0 -> new Sample(t.toLocalDate().toString(), t.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
            case 1 -> new Sample(t.toString(), t.toInstant(ZoneOffset.UTC));
            case 2 -> new Sample(t.toString().replace('T', ' '), t.toInstant(ZoneOffset.UTC));
            default -> new Sample(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(o)),
                    t.atOffset(o).toInstant());
        });
    }

    @Provide
    Arbitrary<String> dateTimes() {
        return samples().map(Sample::text);
    }

    /**
     * Any well-formed time of the years 1583-9999 (UTC) reads as the very instant it names; any other is refused
     * with a 400 naming the field.
     */
    @Property(tries = 3000)
    void wellFormedTimesReadExactlyOrAreRefusedOutOfRange(@ForAll("samples") Sample sample) {
        boolean inRange = !sample.expected().isBefore(ApiTimes.EARLIEST) && !sample.expected().isAfter(ApiTimes.LATEST);
        Optional<Instant> read = outcome("from", sample.text());
        if (inRange) {
            assertThat(read).as(sample.text()).contains(sample.expected());
        } else {
            assertThat(read).as(sample.text()).isEmpty();
        }
    }

    /** A period's two ends: in range, end after start, and the date-alone end covering its whole day. */
    @Property(tries = 2000)
    void aPeriodIsInOrderAndInRangeOrA400OnOneOfItsEnds(@ForAll("dateTimes") String from,
                                                         @ForAll("dateTimes") String to) {
        try {
            ApiTimes.Period p = ApiTimes.period(from, to);
            assertThat(p.to()).isAfter(p.from());
            assertThat(p.from()).isBetween(ApiTimes.EARLIEST, ApiTimes.LATEST);
            // a date alone as the end includes that day: at most one day past the latest instant
            assertThat(p.to()).isBeforeOrEqualTo(ApiTimes.LATEST.plusNanos(1).plusSeconds(86_400));
            usableDownstream(p.from());
            usableDownstream(p.to());
        } catch (ProblemException e) {
            assertThat(e.toProblem().status()).isEqualTo(400);
            assertThat(e.toProblem().field()).isIn("from", "to");
        }
    }

    @Property(tries = 1000)
    void everyInstantInRangeWrittenAsIsoReadsBackTheSame(
            @ForAll @LongRange(min = -12_212_553_600L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Instant t = Instant.ofEpochSecond(epochSecond, nanos);
        assertThat(ApiTimes.parse("t", t.toString())).isEqualTo(t);
    }

    @Example
    void theEdgesThemselves() {
        assertThat(ApiTimes.parse("t", "1583-01-01")).isEqualTo(ApiTimes.EARLIEST);
        assertThat(ApiTimes.parse("t", "9999-12-31T23:59:59.999999999Z")).isEqualTo(ApiTimes.LATEST);
        assertThat(ApiTimes.period("1583-01-01", "9999-12-31").to()).isEqualTo(ApiTimes.LATEST.plusNanos(1));
        for (String beyond : new String[]{"+999999999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z",
                "-999999999-01-01T00:00:00Z", "0001-01-01", "1582-12-31T23:59:59Z", "1583-01-01T00:00:00+01:00",
                "+999999999-01-01T00:00:00", "+1000000000-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> ApiTimes.parse("asOf", beyond)).as(beyond)
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e -> assertThat(((ProblemException) e).toProblem().field()).isEqualTo("asOf"));
        }
    }
}
