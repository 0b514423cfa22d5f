package dev.l2r.funnel.core;


/**
 * Percentiles by the <b>nearest-rank</b> definition, used everywhere in the funnel: the p-th percentile of n
 * values is the k-th smallest, k = ⌈p·n/100⌉ (at least 1). The median is the 50th percentile, so for an even
 * count it is the lower of the two middle values; every reported percentile is a value that really occurred.
 * PostgreSQL's {@code percentile_disc} computes the same.
 */
public final class Percentile {

    private Percentile() {
    }

    /** The 1-based rank of the p-th percentile among n values. */
    public static long rank(int p, long n) {
        if (p <= 0 || p > 100 || n <= 0) {
            throw new IllegalArgumentException("percentile " + p + " of " + n + " values");
        }
        return Math.max(1, (p * n + 99) / 100);
    }

    /** The p-th percentile of values sorted ascending. */
    public static long of(long[] sorted, int p) {
        return sorted[(int) rank(p, sorted.length) - 1];
    }

    /** Where the k-th smallest value lies in a histogram: its bucket, and its 1-based rank inside the bucket. */
    public record Position(int bucket, long rankInBucket) {
    }

    /** @param counts how many values each bucket holds, buckets in the order of their values */
    public static Position locate(long[] counts, long k) {
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            if (seen + counts[b] >= k) {
                return new Position(b, k - seen);
            }
            seen += counts[b];
        }
        throw new IllegalArgumentException("rank " + k + " beyond " + seen + " values");
    }
}
