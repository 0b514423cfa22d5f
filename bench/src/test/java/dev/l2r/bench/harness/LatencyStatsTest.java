package dev.l2r.bench.harness;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyStatsTest {

    @Test
    void percentilesAreNearestRank() {
        long[] nanos = new long[20];
        for (int i = 0; i < 20; i++) {
            nanos[i] = (20 - i) * 1_000_000L; // 20 ms down to 1 ms, unsorted on purpose
        }
        LatencyStats s = LatencyStats.ofNanos(nanos);
        assertThat(s.p50Millis()).isEqualTo(10.0); // rank ceil(0.5*20)=10 → 10 ms
        assertThat(s.p95Millis()).isEqualTo(19.0); // rank ceil(0.95*20)=19 → 19 ms
        assertThat(s.p99Millis()).isEqualTo(20.0);
        assertThat(s.meanMillis()).isEqualTo(10.5);
        assertThat(s.maxMillis()).isEqualTo(20.0);
    }

    @Test
    void ratioIsValueOverLimit() {
        Report.Row row = new Report.Row("s", "throughput", 500, "events/s", "raw", 2000.0, null);
        assertThat(row.ratio()).isEqualTo(0.25);
    }
}
