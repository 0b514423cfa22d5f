package dev.l2r.funnel.core;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which leads a figure is about: those whose entry into the from-stage lies in [from, to), narrowed by
 * attribute filters (a null value selects leads where the attribute is unknown), with or without leads that
 * only passed through the from-stage by a skip, optionally grouped by one attribute and by entry period.
 */
public record Slice(Instant from, Instant to, Map<String, String> filters, boolean includeSkipped,
                    String groupBy, Interval interval) {

    public static final java.util.List<String> DIMENSIONS = java.util.List.of("channel", "segment", "owner", "campaign");

    public enum Interval { NONE, WEEK, MONTH }

    public Slice {
        filters = new TreeMap<>(filters); // keeps null values, in a fixed order
    }

    /**
     * The first day (UTC) of every period of {@link #interval()} that [from, to) touches, in order: ISO weeks
     * start on Monday, months on the 1st. A period the range only cuts is still listed under its own start, so
     * that a chart gets every period, those without entries included. Empty without an interval.
     */
    public List<LocalDate> periodStarts() {
        List<LocalDate> starts = new ArrayList<>();
        if (interval == Interval.NONE || !from.isBefore(to)) {
            return starts;
        }
        LocalDate first = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate last = LocalDate.ofInstant(to.minusNanos(1), ZoneOffset.UTC);
        LocalDate p = interval == Interval.WEEK ? first.with(DayOfWeek.MONDAY) : first.withDayOfMonth(1);
        while (!p.isAfter(last)) {
            starts.add(p);
            p = interval == Interval.WEEK ? p.plusWeeks(1) : p.plusMonths(1);
        }
        return starts;
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

    /**
     * The cell dimensions this slice needs (0 none, 1 channel, 2 segment), or -1 when no cell keeps them: owners,
     * campaigns (many values, small slices), or two attributes at once, are read from the per-lead rows.
     */
    public int cellDims() {
        java.util.Set<String> used = new java.util.HashSet<>(filters.keySet());
        if (groupBy != null) {
            used.add(groupBy);
        }
        if (used.isEmpty()) {
            return 0;
        }
        if (used.size() > 1 || !(used.contains("channel") || used.contains("segment"))) {
            return -1;
        }
        return used.contains("channel") ? 1 : 2;
    }
}
