package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
}
