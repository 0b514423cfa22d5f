package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class VelocityTest {

    @Test
    void partsAreOrderedWithinTheirBucketAndCoverIt() {
        long day = Velocity.MICROS_PER_DAY;
        assertThat(Velocity.fine(0)).isZero();
        assertThat(Velocity.fine(1)).isZero();                      // (0, 1 h]: 16 parts of 225 s
        assertThat(Velocity.fine(day / 24)).isEqualTo(Velocity.FINE - 1);
        assertThat(Velocity.fine(day + 1)).isZero();                // (1 d, 2 d]: parts of 1.5 h
        assertThat(Velocity.fine(day + day / 16)).isZero();
        assertThat(Velocity.fine(day + day / 16 + 1)).isEqualTo(1);
        assertThat(Velocity.fine(2 * day)).isEqualTo(Velocity.FINE - 1);
        assertThat(Velocity.bucket(1284 * day)).isEqualTo(47);
        assertThat(Velocity.bucket(1284 * day + 1)).isEqualTo(Velocity.BUCKETS - 1);
        assertThat(Velocity.bucket(Long.MAX_VALUE)).isEqualTo(Velocity.BUCKETS - 1);
        assertThat(Velocity.fine(Long.MAX_VALUE)).isEqualTo(Velocity.FINE - 1);
        Random random = new Random(9);
        for (int i = 0; i < 10_000; i++) {
            long a = (long) (random.nextDouble() * 5000 * day);
            long b = a + (long) (random.nextDouble() * 3 * day);
            if (Velocity.bucket(a) == Velocity.bucket(b)) {
                assertThat(Velocity.fine(a)).isLessThanOrEqualTo(Velocity.fine(b));
            }
            assertThat(Velocity.fine(a)).isBetween(0, Velocity.FINE - 1);
        }
    }

    @Test
    void bucketsAreOrderedAndClosedAbove() {
        long day = Velocity.MICROS_PER_DAY;
        assertThat(Velocity.bucket(0)).isZero();
        assertThat(Velocity.bucket(1)).isEqualTo(1);
        assertThat(Velocity.bucket(day)).isEqualTo(4);
        assertThat(Velocity.bucket(day + 1)).isEqualTo(5);
        assertThat(Velocity.bucket(14 * day)).isEqualTo(17);
        assertThat(Velocity.bucket(14 * day + 1)).isEqualTo(18);
        assertThat(Velocity.bucket(84 * day)).isEqualTo(27);
        assertThat(Velocity.bucket(384 * day)).isEqualTo(37);
        assertThat(Velocity.bucket(384 * day + 1)).isEqualTo(38);
        Random random = new Random(5);
        for (int i = 0; i < 10_000; i++) {
            long a = (long) (random.nextDouble() * 1000 * day);
            long b = a + (long) (random.nextDouble() * 10 * day);
            assertThat(Velocity.bucket(a)).isLessThanOrEqualTo(Velocity.bucket(b));
        }
        assertThat(Velocity.micros(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-02T12:00:00.000001Z")))
                .isEqualTo(Velocity.MICROS_PER_DAY * 3 / 2 + 1);
        assertThat(Velocity.days(Velocity.MICROS_PER_DAY * 3 / 2)).isEqualByComparingTo(new BigDecimal("1.5"));
    }

    @Test
    void daysAreRoundedHalfUpOnceToSixDecimals() {
        long day = Velocity.MICROS_PER_DAY;
        assertThat(Velocity.days(day / 3)).isEqualByComparingTo("0.333333");
        assertThat(Velocity.days(day * 2 / 3)).isEqualByComparingTo("0.666667");
        // a mean from the exact sum, rounded once: (1 + 2 + 2) days / 3
        assertThat(Velocity.meanDays(BigDecimal.valueOf(5 * day), 3)).isEqualByComparingTo("1.666667");
        assertThat(Velocity.daysBetween(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-03-03T06:00:00Z")))
                .isEqualByComparingTo("2.25");
        assertThat(Velocity.daysFromSeconds(new BigDecimal("129600.000001"))).isEqualByComparingTo("1.5");
        assertThat(Velocity.daysFromSeconds(new BigDecimal("43"))).isEqualByComparingTo("0.000498");
    }

    @Test
    void beforeGoesBackByDaysToTheNanosecond() {
        Instant at = Instant.parse("2025-03-10T00:00:00Z");
        assertThat(Velocity.before(at, new BigDecimal("1.5"))).isEqualTo(Instant.parse("2025-03-08T12:00:00Z"));
        assertThat(Velocity.before(at, new BigDecimal("0.000001"))).isEqualTo(Instant.parse("2025-03-09T23:59:59.913600Z"));
        assertThat(Velocity.daysBetween(Velocity.before(at, new BigDecimal("12.345678")), at))
                .isEqualByComparingTo("12.345678");
    }
}
