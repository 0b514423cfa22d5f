package dev.l2r.forecast.model;

import java.time.Instant;

/**
 * Sorting positions by a key without boxing: each element's key is a pair of longs, the second holding its
 * position in the low 32 bits, so that no two keys are equal and the order is the one a stable sort by the key
 * alone gives (ties in input order), whatever algorithm sorts them.
 */
final class SortKeys {

    /** Runs this short are sorted by insertion before merging. */
    private static final int RUN = 32;

    private SortKeys() {
    }

    /** The first half of a key ordering doubles as {@link Double#compare} does (−0.0 before 0.0). */
    static long ascending(double d) {
        long bits = Double.doubleToLongBits(d);
        return bits ^ (bits >> 63 & Long.MAX_VALUE);
    }

    /** The first half of a key for {@code Instant.compareTo} ascending: the seconds. */
    static long ascending(Instant t) {
        return t.getEpochSecond();
    }

    /** The second half: the nanoseconds, then the position. */
    static long ascending(Instant t, int position) {
        return (long) t.getNano() << 32 | position;
    }

    /**
     * The first half of a key for the latest instant first and null before all, as {@code comparing(t,
     * nullsLast(naturalOrder())).reversed()} orders them (no instant's seconds complement to Long.MIN_VALUE).
     */
    static long latestFirst(Instant t) {
        return t == null ? Long.MIN_VALUE : ~t.getEpochSecond();
    }

    /** The second half: the nanoseconds descending, then the position. */
    static long latestFirst(Instant t, int position) {
        return t == null ? position : (long) (999_999_999 - t.getNano()) << 32 | position;
    }

    /** How many of the ascending {@code values} are below {@code x} ({@code orAt}: or equal to it). */
    static int countBelow(long[] values, long x, boolean orAt) {
        int lo = 0;
        int hi = values.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < x || orAt && values[mid] == x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The position held in a key's second half. */
    static int position(long lo) {
        return (int) lo;
    }

    /** Sorts the keys (hi[i], lo[i]) ascending, by hi then lo: a merge sort, nothing to do if already sorted. */
    static void sort(long[] hi, long[] lo) {
        int n = hi.length;
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = !before(hi[i], lo[i], hi[i - 1], lo[i - 1]);
        }
        if (sorted) {
            return;
        }
        for (int start = 0; start < n; start += RUN) {
            insertion(hi, lo, start, Math.min(n, start + RUN));
        }
        long[] fromHi = hi;
        long[] fromLo = lo;
        long[] toHi = new long[n];
        long[] toLo = new long[n];
        for (long width = RUN; width < n; width *= 2) {
            for (long start = 0; start < n; start += 2 * width) {
                merge(fromHi, fromLo, toHi, toLo, (int) start, (int) Math.min(n, start + width),
                        (int) Math.min(n, start + 2 * width));
            }
            long[] h = fromHi;
            long[] l = fromLo;
            fromHi = toHi;
            fromLo = toLo;
            toHi = h;
            toLo = l;
        }
        if (fromHi != hi) {
            System.arraycopy(fromHi, 0, hi, 0, n);
            System.arraycopy(fromLo, 0, lo, 0, n);
        }
    }

    private static boolean before(long hiA, long loA, long hiB, long loB) {
        return hiA < hiB || hiA == hiB && loA < loB;
    }

    private static void insertion(long[] hi, long[] lo, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            long h = hi[i];
            long l = lo[i];
            int j = i - 1;
            while (j >= from && before(h, l, hi[j], lo[j])) {
                hi[j + 1] = hi[j];
                lo[j + 1] = lo[j];
                j--;
            }
            hi[j + 1] = h;
            lo[j + 1] = l;
        }
    }

    /** Merges the sorted ranges [from, middle) and [middle, to) of the first arrays into the second. */
    private static void merge(long[] hi, long[] lo, long[] toHi, long[] toLo, int from, int middle, int to) {
        int a = from;
        int b = middle;
        int w = from;
        while (a < middle && b < to) {
            if (before(hi[b], lo[b], hi[a], lo[a])) {
                toHi[w] = hi[b];
                toLo[w++] = lo[b++];
            } else {
                toHi[w] = hi[a];
                toLo[w++] = lo[a++];
            }
        }
        System.arraycopy(hi, a, toHi, w, middle - a);
        System.arraycopy(lo, a, toLo, w, middle - a);
        w += middle - a;
        System.arraycopy(hi, b, toHi, w, to - b);
        System.arraycopy(lo, b, toLo, w, to - b);
    }
}
