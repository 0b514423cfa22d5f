package dev.l2r.funnel.query;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which leads a figure is about: those whose entry into the from-stage lies in [from, to), narrowed by
 * attribute filters (a null value selects leads where the attribute is unknown), with or without leads that
 * only passed through the from-stage by a skip, optionally grouped by one attribute and by entry period.
 */
public record Slice(Instant from, Instant to, Map<String, String> filters, boolean includeSkipped,
                    String groupBy, Interval interval) {

    public static final java.util.List<String> DIMENSIONS = java.util.List.of("channel", "segment", "owner");

    public enum Interval { NONE, WEEK, MONTH }

    public Slice {
        filters = new TreeMap<>(filters); // keeps null values, in a fixed order
    }

    public Slice grouped(String dimension) {
        return new Slice(from, to, filters, includeSkipped, dimension, Interval.NONE);
    }

    public Slice per(Interval i) {
        return new Slice(from, to, filters, includeSkipped, null, i);
    }

    public Slice overall() {
        return new Slice(from, to, filters, includeSkipped, null, Interval.NONE);
    }

    /** The cell dimensions (bit mask: channel 1, segment 2, owner 4) this slice needs, or -1 if no cell keeps them. */
    int cellDims() {
        int dims = 0;
        int count = 0;
        for (String d : filters.keySet()) {
            dims |= bit(d);
            count++;
        }
        if (groupBy != null && (dims & bit(groupBy)) == 0) {
            dims |= bit(groupBy);
            count++;
        }
        return count <= 1 ? dims : -1;
    }

    static int bit(String dimension) {
        return 1 << DIMENSIONS.indexOf(dimension);
    }
}
