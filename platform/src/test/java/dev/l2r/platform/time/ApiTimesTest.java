package dev.l2r.platform.time;

import dev.l2r.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTimesTest {

    @Test
    void readsEveryDocumentedForm() {
        Instant expected = Instant.parse("2025-03-01T10:15:30Z");
        assertThat(ApiTimes.parse("t", "2025-03-01T10:15:30Z")).isEqualTo(expected);
        assertThat(ApiTimes.parse("t", "2025-03-01T12:15:30+02:00")).isEqualTo(expected);
        assertThat(ApiTimes.parse("t", "2025-03-01T05:15:30-05:00")).isEqualTo(expected);
        assertThat(ApiTimes.parse("t", "2025-03-01 10:15:30")).isEqualTo(expected);
        assertThat(ApiTimes.parse("t", "2025-03-01T10:15:30")).isEqualTo(expected);
        assertThat(ApiTimes.parse("t", "2025-03-01T10:15:30.250Z")).isEqualTo(expected.plusMillis(250));
        assertThat(ApiTimes.parse("t", "2025-03-01")).isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
    }

    @Test
    void aDateAsPeriodEndIncludesTheWholeDay() {
        ApiTimes.Period march = ApiTimes.period("2025-03-01", "2025-03-31");
        assertThat(march.contains(Instant.parse("2025-03-31T23:59:59Z"))).isTrue();
        assertThat(march.contains(Instant.parse("2025-04-01T00:00:00Z"))).isFalse();
        assertThat(march.contains(Instant.parse("2025-03-01T00:00:00Z"))).isTrue();
        assertThat(march.contains(Instant.parse("2025-02-28T23:59:59Z"))).isFalse();
    }

    @Test
    void refusalsNameTheField() {
        assertThatThrownBy(() -> ApiTimes.parse("occurredAt", "01/03/2025"))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).toProblem().field()).isEqualTo("occurredAt"));
        assertThatThrownBy(() -> ApiTimes.parse("occurredAt", "2025-02-30")).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> ApiTimes.parse("occurredAt", " ")).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> ApiTimes.period("2025-03-02", "2025-03-01"))
                .satisfies(e -> assertThat(((ProblemException) e).toProblem().field()).isEqualTo("to"));
    }

    /** Property: any instant from 1970 to 2100, written in ISO form with any offset, reads back the same. */
    @ParameterizedTest
    @MethodSource("randomEpochMillis")
    void anyInstantWrittenInIsoFormReadsBackTheSame(long epochMilli) {
        Instant t = Instant.ofEpochMilli(epochMilli);
        assertThat(ApiTimes.parse("t", t.toString())).isEqualTo(t);
        String offset = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.atOffset(ZoneOffset.ofHours(-7)));
        assertThat(ApiTimes.parse("t", offset)).isEqualTo(t);
    }

    static LongStream randomEpochMillis() {
        return new Random(20251124).longs(500, 0, 4_102_444_800_000L);
    }
}
