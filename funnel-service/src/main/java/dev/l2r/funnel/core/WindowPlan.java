package dev.l2r.funnel.core;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * How a period [from, to) of entry times is read exactly from pre-aggregated cells: whole coarse periods (months
 * or ISO weeks) from coarse cells, the remaining whole days (UTC) from day cells when there are any, and the rest
 * (part-days, or every left-over day when there are no day cells) from the per-lead rows. The pieces do not
 * overlap and together cover the period.
 *
 * @param coarse   coarse cells, [first, end) of period starts; empty when start equals end
 * @param days     day ranges [start, end) read from day cells
 * @param partDays instant ranges [start, end) read from per-lead rows
 */
public record WindowPlan(Grain grain, Range<LocalDate> coarse, List<Range<LocalDate>> days,
                         List<Range<Instant>> partDays) {

    /** The coarse cells available: month, ISO week (Monday), or none. */
    public enum Grain { MONTH, WEEK, NONE }

    public record Range<T extends Comparable<? super T>>(T start, T end) {
        public boolean isEmpty() {
            return start.compareTo(end) >= 0;
        }
    }

    /**
     * @param dayCells whether day cells exist; without them left-over whole days are read from per-lead rows
     */
    public static WindowPlan of(Instant from, Instant to, Grain grain, boolean dayCells) {
        LocalDate firstFullDay = ceilDay(from);
        LocalDate endFullDay = floorDay(to);
        List<Range<Instant>> parts = new ArrayList<>();
        List<Range<LocalDate>> days = new ArrayList<>();
        Range<LocalDate> noCoarse = new Range<>(firstFullDay, firstFullDay);
        if (!firstFullDay.isBefore(endFullDay)) {
            parts.add(new Range<>(from, to));
            return new WindowPlan(grain, noCoarse, days, parts);
        }
        addIfAny(parts, new Range<>(from, start(firstFullDay)));
        LocalDate first = grain == Grain.NONE ? endFullDay : ceil(firstFullDay, grain);
        LocalDate end = grain == Grain.NONE ? endFullDay : floor(endFullDay, grain);
        List<Range<LocalDate>> leftOver = new ArrayList<>();
        Range<LocalDate> coarse = noCoarse;
        if (first.isBefore(end)) {
            coarse = new Range<>(first, end);
            addIfAny(leftOver, new Range<>(firstFullDay, first));
            addIfAny(leftOver, new Range<>(end, endFullDay));
        } else {
            leftOver.add(new Range<>(firstFullDay, endFullDay));
        }
        for (Range<LocalDate> d : leftOver) {
            if (dayCells) {
                days.add(d);
            } else {
                parts.add(new Range<>(start(d.start()), start(d.end())));
            }
        }
        addIfAny(parts, new Range<>(start(endFullDay), to));
        return new WindowPlan(grain, coarse, days, merge(parts));
    }

    /** A plan that reads everything from the per-lead rows (for slices no cell keeps). */
    public static WindowPlan perLead(Instant from, Instant to) {
        LocalDate none = floorDay(from);
        return new WindowPlan(Grain.NONE, new Range<>(none, none), List.of(), List.of(new Range<>(from, to)));
    }

    private static List<Range<Instant>> merge(List<Range<Instant>> sorted) {
        List<Range<Instant>> merged = new ArrayList<>();
        for (Range<Instant> r : sorted) {
            Range<Instant> last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.end().equals(r.start())) {
                merged.set(merged.size() - 1, new Range<>(last.start(), r.end()));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    private static LocalDate ceil(LocalDate day, Grain grain) {
        LocalDate floor = floor(day, grain);
        return floor.equals(day) ? day : grain == Grain.MONTH ? floor.plusMonths(1) : floor.plusWeeks(1);
    }

    private static LocalDate floor(LocalDate day, Grain grain) {
        return grain == Grain.MONTH ? day.withDayOfMonth(1) : day.with(DayOfWeek.MONDAY);
    }

    private static <T extends Comparable<? super T>> void addIfAny(List<Range<T>> ranges, Range<T> r) {
        if (!r.isEmpty()) {
            ranges.add(r);
        }
    }

    static Instant start(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static LocalDate floorDay(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    static LocalDate ceilDay(Instant t) {
        LocalDate d = floorDay(t);
        return start(d).equals(t) ? d : d.plusDays(1);
    }
}
