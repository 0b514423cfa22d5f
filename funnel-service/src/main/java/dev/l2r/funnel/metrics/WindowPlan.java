package dev.l2r.funnel.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * How a period [from, to) of entry times is read exactly from the pre-aggregated cells: whole months from
 * month cells, the remaining whole days (UTC) from day cells, and the part-days at either end, when the period
 * is given with times of day, from the per-lead rows. The pieces do not overlap and together cover the period.
 *
 * @param months     month cells, [first, end) of month starts; empty when from equals end
 * @param days       day ranges [start, end) read from day cells
 * @param partDays   instant ranges [start, end) read from per-lead rows
 */
public record WindowPlan(Range<LocalDate> months, List<Range<LocalDate>> days, List<Range<Instant>> partDays) {

    public record Range<T extends Comparable<? super T>>(T start, T end) {
        public boolean isEmpty() {
            return start.compareTo(end) >= 0;
        }
    }

    /**
     * @param useMonths false when cells must not span more than a day (e.g. weekly cohorts)
     */
    public static WindowPlan of(Instant from, Instant to, boolean useMonths) {
        LocalDate firstFullDay = ceilDay(from);
        LocalDate endFullDay = floorDay(to);
        List<Range<Instant>> parts = new ArrayList<>();
        List<Range<LocalDate>> days = new ArrayList<>();
        if (!firstFullDay.isBefore(endFullDay)) {
            parts.add(new Range<>(from, to));
            return new WindowPlan(new Range<>(firstFullDay, firstFullDay), days, parts);
        }
        addIfAny(parts, new Range<>(from, start(firstFullDay)));
        addIfAny(parts, new Range<>(start(endFullDay), to));
        LocalDate firstMonth = firstFullDay.withDayOfMonth(1).equals(firstFullDay)
                ? firstFullDay : firstFullDay.withDayOfMonth(1).plusMonths(1);
        LocalDate endMonth = endFullDay.withDayOfMonth(1);
        if (!useMonths || !firstMonth.isBefore(endMonth)) {
            days.add(new Range<>(firstFullDay, endFullDay));
            return new WindowPlan(new Range<>(firstFullDay, firstFullDay), days, parts);
        }
        addIfAny(days, new Range<>(firstFullDay, firstMonth));
        addIfAny(days, new Range<>(endMonth, endFullDay));
        return new WindowPlan(new Range<>(firstMonth, endMonth), days, parts);
    }

    /** A plan that reads everything from the per-lead rows (for filters the cells do not keep). */
    public static WindowPlan perLead(Instant from, Instant to) {
        LocalDate none = floorDay(from);
        return new WindowPlan(new Range<>(none, none), List.of(), List.of(new Range<>(from, to)));
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
