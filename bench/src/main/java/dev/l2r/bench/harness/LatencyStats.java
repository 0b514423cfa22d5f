package dev.l2r.bench.harness;

import java.util.Arrays;

/** Latency summary of a set of samples; percentiles by nearest rank (the smallest value with at least p% at or below it). */
public record LatencyStats(int count, double meanMillis, double p50Millis, double p95Millis, double p99Millis,
                           double maxMillis) {

    public static LatencyStats ofNanos(long[] samples) {
        if (samples.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElseThrow();
        return new LatencyStats(sorted.length, millis(mean), millis(nearestRank(sorted, 50)),
                millis(nearestRank(sorted, 95)), millis(nearestRank(sorted, 99)), millis(sorted[sorted.length - 1]));
    }

    static long nearestRank(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double millis(double nanos) {
        return nanos / 1_000_000.0;
    }
}
