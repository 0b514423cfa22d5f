package dev.l2r.funnel.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PercentileTest {

    @Test
    void nearestRankByHand() {
        long[] values = {15, 20, 35, 40, 50};
        assertThat(Percentile.of(values, 50)).isEqualTo(35);  // k = ceil(2.5) = 3
        assertThat(Percentile.of(values, 90)).isEqualTo(50);  // k = ceil(4.5) = 5
        assertThat(Percentile.of(new long[]{1, 2, 3, 4}, 50)).isEqualTo(2); // lower middle
        assertThat(Percentile.of(new long[]{7}, 90)).isEqualTo(7);
        assertThat(Percentile.rank(90, 10)).isEqualTo(9);
        assertThat(Percentile.rank(90, 11)).isEqualTo(10);
    }

    /**
     * Locating a rank in the bucket histogram, then in that bucket's parts, then among the values of that part,
     * gives what sorting all values gives.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void bucketThenPartThenValueEqualsSortingEverything(long seed) {
        Random random = new Random(seed);
        int n = 1 + random.nextInt(500);
        long[] values = new long[n];
        long[] histogram = new long[Velocity.BUCKETS];
        for (int i = 0; i < n; i++) {
            double scale = random.nextInt(3) == 0 ? 2000 : 30;
            values[i] = random.nextInt(4) == 0 ? 0 : (long) (random.nextDouble() * scale * Velocity.MICROS_PER_DAY);
            histogram[Velocity.bucket(values[i])]++;
        }
        Arrays.sort(values);
        for (int p : new int[]{1, 50, 90, 100}) {
            Percentile.Position pos = Percentile.locate(histogram, Percentile.rank(p, n));
            long[] inBucket = Arrays.stream(values).filter(v -> Velocity.bucket(v) == pos.bucket()).toArray();
            long[] parts = new long[Velocity.FINE];
            for (long v : inBucket) {
                parts[Velocity.fine(v)]++;
            }
            Percentile.Position part = Percentile.locate(parts, pos.rankInBucket());
            long[] inPart = Arrays.stream(inBucket).filter(v -> Velocity.fine(v) == part.bucket()).toArray();
            assertThat(inPart[(int) part.rankInBucket() - 1]).isEqualTo(Percentile.of(values, p));
        }
    }

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
        assertThat(Velocity.rate(1, 3)).isEqualByComparingTo(new BigDecimal("0.333333"));
        assertThat(Velocity.rate(1, 0)).isNull();
    }
}
