package dev.l2r.platform.time;

import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Properties of API time parsing at and beyond its edges: whatever the text, the answer is an instant the services
 * can compute with and hand to JDBC and PostgreSQL, or a 400 naming the field; never another exception. Seeded
 * draws ({@link Tries}): a failure names its seed and input.
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

    @Test
    void anyTextIsAnInstantInRangeOrA400NamingTheField() {
        int[] read = new int[2];
        Tries.forAll(3000, ApiTimesPropertyTest::isoish, Draw::shorter, value -> {
            Optional<Instant> t = outcome("asOf", value);
            t.ifPresent(instant -> {
                assertThat(instant).isBetween(ApiTimes.EARLIEST, ApiTimes.LATEST);
                usableDownstream(instant);
            });
            read[t.isPresent() ? 0 : 1]++;
        });
        // the draws reach both answers
        assertThat(read[0]).as("read").isGreaterThan(100);
        assertThat(read[1]).as("refused").isGreaterThan(100);
    }

    /**
     * Text made of the characters ISO dates are made of, any text, well-formed times, and well-formed times with
     * one character changed, added or removed, so that the parser's every branch is reached.
     */
    static String isoish(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> Draw.string(random, "0123456789-+:.TZz ", 40);
            case 1 -> Draw.anyString(random, 40);
            case 2 -> sample(random).text();
            default -> {
                StringBuilder text = new StringBuilder(sample(random).text());
                int at = random.nextInt(text.length());
                char c = Draw.oneOf(random, '0', '9', '-', '+', ':', '.', 'T', 'Z', ' ', '\0');
                switch (random.nextInt(3)) {
                    case 0 -> text.insert(at, c);
                    case 1 -> text.setCharAt(at, c);
                    default -> text.deleteCharAt(at);
                }
                yield text.toString();
            }
        };
    }

    /** A well-formed time and the instant it names, computed from its parts rather than read from the text. */
    record Sample(String text, Instant expected) {
    }

    /**
     * A well-formed date or date-time of any year Java can write, in every documented form: years anywhere,
     * near the range, around 1583 and at the edges of ours, Java's and PostgreSQL's.
     */
    static Sample sample(Random random) {
        int year = switch (random.nextInt(4)) {
            case 0 -> Draw.between(random, -999_999_999, 999_999_999);
            case 1 -> Draw.between(random, -2, 12_000);
            case 2 -> Draw.between(random, 1570, 1600);
            default -> Draw.oneOf(random, 0, 1, 1582, 1583, 9999, 10_000, 292_278_994, 294_276, 999_999_999,
                    -999_999_999);
        };
        int dayOfYear = Math.min(Draw.between(random, 1, 366), Year.of(year).length());
        LocalDateTime t = LocalDate.ofYearDay(year, dayOfYear)
                .atTime(LocalTime.ofNanoOfDay(Draw.between(random, 0, 86_399_999_999_999L)));
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(Draw.between(random, -18 * 60, 18 * 60) * 60);
        return switch (Draw.between(random, 0, 3)) {
            case 0 -> new Sample(t.toLocalDate().toString(), t.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
            case 1 -> new Sample(t.toString(), t.toInstant(ZoneOffset.UTC));
            case 2 -> new Sample(t.toString().replace('T', ' '), t.toInstant(ZoneOffset.UTC));
            default -> new Sample(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(offset)),
                    t.atOffset(offset).toInstant());
        };
    }

    /**
     * Any well-formed time of the years 1583-9999 (UTC) reads as the very instant it names; any other is refused
     * with a 400 naming the field.
     */
    @Test
    void wellFormedTimesReadExactlyOrAreRefusedOutOfRange() {
        int[] inRangeOrNot = new int[2];
        Tries.forAll(3000, ApiTimesPropertyTest::sample, sample -> {
            boolean inRange = !sample.expected().isBefore(ApiTimes.EARLIEST)
                    && !sample.expected().isAfter(ApiTimes.LATEST);
            inRangeOrNot[inRange ? 0 : 1]++;
            Optional<Instant> read = outcome("from", sample.text());
            if (inRange) {
                assertThat(read).as(sample.text()).contains(sample.expected());
            } else {
                assertThat(read).as(sample.text()).isEmpty();
            }
        });
        assertThat(inRangeOrNot[0]).as("in range").isGreaterThan(100);
        assertThat(inRangeOrNot[1]).as("out of range").isGreaterThan(100);
    }

    /** A period's two ends: in range, end after start, and the date-alone end covering its whole day. */
    @Test
    void aPeriodIsInOrderAndInRangeOrA400OnOneOfItsEnds() {
        int[] periodOrNot = new int[2];
        Tries.forAll(2000, random -> List.of(sample(random).text(), sample(random).text()), Draw::shorterEach, ends -> {
            try {
                ApiTimes.Period p = ApiTimes.period(ends.get(0), ends.get(1));
                assertThat(p.to()).isAfter(p.from());
                assertThat(p.from()).isBetween(ApiTimes.EARLIEST, ApiTimes.LATEST);
                // a date alone as the end includes that day: at most one day past the latest instant
                assertThat(p.to()).isBeforeOrEqualTo(ApiTimes.LATEST.plusNanos(1).plusSeconds(86_400));
                usableDownstream(p.from());
                usableDownstream(p.to());
                periodOrNot[0]++;
            } catch (ProblemException e) {
                assertThat(e.toProblem().status()).isEqualTo(400);
                assertThat(e.toProblem().field()).isIn("from", "to");
                periodOrNot[1]++;
            }
        });
        assertThat(periodOrNot[0]).as("periods").isGreaterThan(100);
        assertThat(periodOrNot[1]).as("refused").isGreaterThan(100);
    }

    @Test
    void everyInstantInRangeWrittenAsIsoReadsBackTheSame() {
        Tries.forAll(1000, random -> Instant.ofEpochSecond(Draw.between(random, -12_212_553_600L, 253_402_300_799L),
                Draw.between(random, 0, 999_999_999)), t -> assertThat(ApiTimes.parse("t", t.toString())).isEqualTo(t));
    }

    @Test
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
