package dev.l2r.forecast.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link History}'s closes and open intervals arranged once for {@link Kpis} over any period: a question reads
 * running totals at the period's bounds instead of every row, O(groups × log rows).
 *
 * <p>Each kind of row a figure counts (won, lost, no-decision closes; won closes without an amount, with one, with
 * one in a currency, with a known cycle; open intervals per stage, without an amount, with one in a currency) is a
 * {@link Line}: its instants in order with the exact running total of its amount. Closes (their latest version, as
 * {@code closesIn} reads) count in [from, to) by their close; an interval holds at t when it began by t and has not
 * ended by t, so the intervals holding at t are those begun by t less those ended by t (an interval ends after it
 * begins; one that does not never holds and is left out). The rows are sorted once by those instants; the lines
 * for all rows are filled from them at once, those per key of an attribute grouped by on its first question.
 */
public final class KpiIndex {

    /** The closes in their latest version, by close. */
    private final List<Close> closes;
    /** The intervals that ever hold, by beginning; those that ended, by end. */
    private final List<OpenInterval> begun;
    private final List<OpenInterval> ended;
    private final Part all;
    private final Map<String, Map<String, Part>> byAttribute = new ConcurrentHashMap<>();

    KpiIndex(History history) {
        List<Close> latest = new ArrayList<>();
        for (Close c : history.closes()) {
            if (c.knownUntil() == null) {
                latest.add(c);
            }
        }
        closes = sorted(latest, Close::closedAt);
        List<OpenInterval> holding = new ArrayList<>();
        List<OpenInterval> ending = new ArrayList<>();
        for (OpenInterval i : history.open()) {
            if (i.validTo() == null || i.validTo().isAfter(i.validFrom())) {
                holding.add(i);
                if (i.validTo() != null) {
                    ending.add(i);
                }
            }
        }
        begun = sorted(holding, OpenInterval::validFrom);
        ended = sorted(ending, OpenInterval::validTo);
        Part whole = new Part();
        fill(null, k -> whole);
        whole.freeze();
        this.all = whole;
    }

    /**
     * As {@link Kpis#compute} of the closes in [from, to) (each in its latest version) and the leads open at
     * {@code openAt}, to the cent.
     */
    public Kpis.Result kpis(Instant from, Instant to, Instant openAt, FunnelRoles roles, String currency,
                            String groupBy) {
        Set<String> pipeline = new LinkedHashSet<>(roles.pipelineStages());
        // a period ending before it begins holds no close, as closesIn finds none in it
        Instant until = to.isBefore(from) ? from : to;
        Kpis.Figures overall = all.tally(from, until, openAt, pipeline, currency).figures(null);
        List<Kpis.Figures> groups = null;
        if (groupBy != null) {
            groups = new ArrayList<>();
            for (Map.Entry<String, Part> e : byAttribute.computeIfAbsent(groupBy, this::parts).entrySet()) {
                Kpis.Tally t = e.getValue().tally(from, until, openAt, pipeline, currency);
                if (t.any()) {
                    groups.add(t.figures(e.getKey()));
                }
            }
        }
        return Kpis.result(from, to, currency, groupBy, overall, groups);
    }

    /**
     * The rows in ascending order of their instants (ties in any order), sorted as primitives: a comparator over
     * a million rows spends its time fetching each row's instant from memory, again at every comparison. The
     * instants' seconds (from the earliest) and the rows' positions are packed in one long, then each run of equal
     * seconds is sorted by nanoseconds the same way; instants too far apart to pack take the comparator.
     */
    static <T> List<T> sorted(List<T> rows, java.util.function.Function<T, Instant> instant) {
        int n = rows.size();
        long[] seconds = new long[n];
        int[] nanos = new int[n];
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            Instant t = instant.apply(rows.get(i));
            seconds[i] = t.getEpochSecond();
            nanos[i] = t.getNano();
            min = Math.min(min, seconds[i]);
            max = Math.max(max, seconds[i]);
        }
        int positionBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n));
        long mask = (1L << positionBits) - 1;
        if (n == 0 || max - min >= 1L << (63 - positionBits)) {
            List<T> copy = new ArrayList<>(rows);
            copy.sort(Comparator.comparing(instant));
            return copy;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (seconds[i] - min) << positionBits | i;
        }
        java.util.Arrays.sort(keys);
        long[] run = new long[0];
        for (int from = 0; from < n; ) {
            int to = from + 1;
            while (to < n && keys[to] >>> positionBits == keys[from] >>> positionBits) {
                to++;
            }
            if (to - from > 1) {
                if (run.length < to - from) {
                    run = new long[Math.max(to - from, run.length * 2)];
                }
                for (int k = from; k < to; k++) {
                    int i = (int) (keys[k] & mask);
                    run[k - from] = (long) nanos[i] << 31 | i;
                }
                java.util.Arrays.sort(run, 0, to - from);
                for (int k = from; k < to; k++) {
                    keys[k] = keys[k] & ~mask | run[k - from] & ((1L << 31) - 1);
                }
            }
            from = to;
        }
        List<T> ordered = new ArrayList<>(n);
        for (long key : keys) {
            ordered.add(rows.get((int) (key & mask)));
        }
        return ordered;
    }

    /** The rows per key of {@code attribute}, in {@link Kpis#KEY_ORDER}. */
    private Map<String, Part> parts(String attribute) {
        // filled through a hash map (a row's part found in one probe), answered in order
        Map<String, Part> parts = new HashMap<>();
        fill(attribute, k -> parts.computeIfAbsent(k, x -> new Part()));
        parts.values().forEach(Part::freeze);
        Map<String, Part> ordered = new TreeMap<>(Kpis.KEY_ORDER);
        ordered.putAll(parts);
        return ordered;
    }

    /**
     * Hands every row to the part of its key of {@code attribute} (all to one without an attribute), in the order
     * of its instant, so that each line comes out sorted.
     */
    private void fill(String attribute, java.util.function.Function<String, Part> partOf) {
        for (Close c : closes) {
            partOf.apply(attribute == null ? null : c.attributes().get(attribute)).add(c);
        }
        for (OpenInterval i : begun) {
            partOf.apply(attribute == null ? null : i.lead().attributes().get(attribute)).stage(i)
                    .begun.add(i.validFrom(), i.lead().amount(), i.lead().currency());
        }
        for (OpenInterval i : ended) {
            partOf.apply(attribute == null ? null : i.lead().attributes().get(attribute)).stage(i)
                    .ended.add(i.validTo(), i.lead().amount(), i.lead().currency());
        }
    }

    /** The lines of one group (or of all rows). */
    private static final class Part {
        private final Line won = new Line();
        private final Line lost = new Line();
        private final Line noDecision = new Line();
        private final Line wonUnpriced = new Line();
        private final Line wonPriced = new Line();
        /** Won closes with a known cycle, with its length in microseconds. */
        private final Line cycles = new Line();
        /** Won closes with an amount, per currency (null for an unstated one). */
        private final Map<String, Line> wonIn = new HashMap<>();
        /** Per stage: the intervals, those without an amount, and those with one per currency. */
        private final Map<String, Stage> stages = new HashMap<>();

        void add(Close c) {
            switch (c.outcome()) {
                case WON -> won.add(c.closedAt(), null);
                case LOST -> lost.add(c.closedAt(), null);
                case NO_DECISION -> noDecision.add(c.closedAt(), null);
                default -> throw new IllegalStateException("a close cannot be open");
            }
            if (!c.won()) {
                return;
            }
            if (c.amount() == null) {
                wonUnpriced.add(c.closedAt(), null);
            } else {
                wonPriced.add(c.closedAt(), null);
                wonIn.computeIfAbsent(c.currency(), k -> new Line()).add(c.closedAt(), c.amount());
            }
            if (c.cycleStart() != null) {
                cycles.add(c.closedAt(), BigDecimal.valueOf(Days.micros(c.cycleStart(), c.closedAt())));
            }
        }

        Stage stage(OpenInterval i) {
            return stages.computeIfAbsent(i.lead().stage(), k -> new Stage());
        }

        void freeze() {
            for (Line l : List.of(won, lost, noDecision, wonUnpriced, wonPriced, cycles)) {
                l.freeze();
            }
            wonIn.values().forEach(Line::freeze);
            stages.values().forEach(Stage::freeze);
        }

        Kpis.Tally tally(Instant from, Instant to, Instant openAt, Set<String> pipeline, String currency) {
            Line in = wonIn.get(currency);
            int priced = in == null ? 0 : in.before(to) - in.before(from);
            BigDecimal revenue = in == null ? BigDecimal.ZERO : in.sumBefore(to).subtract(in.sumBefore(from));
            int open = 0;
            int withoutAmount = 0;
            int openPriced = 0;
            BigDecimal pipelineValue = BigDecimal.ZERO;
            for (String stage : pipeline) {
                Stage s = stages.get(stage);
                if (s != null) {
                    open += s.begun.all.notAfter(openAt) - s.ended.all.notAfter(openAt);
                    withoutAmount += s.begun.unpriced.notAfter(openAt) - s.ended.unpriced.notAfter(openAt);
                    Line begunIn = s.begun.in.get(currency);
                    if (begunIn != null) {
                        Line endedIn = s.ended.in.getOrDefault(currency, Line.NONE);
                        openPriced += begunIn.notAfter(openAt) - endedIn.notAfter(openAt);
                        pipelineValue = pipelineValue.add(begunIn.sumNotAfter(openAt))
                                .subtract(endedIn.sumNotAfter(openAt));
                    }
                }
            }
            return new Kpis.Tally(won.between(from, to), lost.between(from, to), noDecision.between(from, to),
                    priced, wonUnpriced.between(from, to), wonPriced.between(from, to) - priced,
                    revenue, cycles.sumBefore(to).subtract(cycles.sumBefore(from)), cycles.between(from, to), open,
                    pipelineValue, withoutAmount, open - withoutAmount - openPriced);
        }
    }

    /**
     * One stage's open intervals, as the instants they began at and those they ended at: those holding at t began
     * by t and did not end by t.
     */
    private static final class Stage {
        private final Side begun = new Side();
        private final Side ended = new Side();

        void freeze() {
            begun.freeze();
            ended.freeze();
        }
    }

    /** Instants of intervals: all of them, those without an amount, and those with one per currency. */
    private static final class Side {
        private final Line all = new Line();
        private final Line unpriced = new Line();
        private final Map<String, Line> in = new HashMap<>();

        void add(Instant t, BigDecimal amount, String currency) {
            all.add(t, null);
            if (amount == null) {
                unpriced.add(t, null);
            } else {
                in.computeIfAbsent(currency, k -> new Line()).add(t, amount);
            }
        }

        void freeze() {
            all.freeze();
            unpriced.freeze();
            in.values().forEach(Line::freeze);
        }
    }

    /** Instants in ascending order (added so), with the exact running total of an amount when one is given. */
    private static final class Line {
        /** A line without instants. */
        static final Line NONE = new Line();

        static {
            NONE.freeze();
        }

        private List<Instant> pending = new ArrayList<>();
        private List<BigDecimal> amounts;
        private Instant[] at;
        private RunningSum sums;

        void add(Instant t, BigDecimal amount) {
            if (amount != null && amounts == null) {
                amounts = new ArrayList<>();
                for (int i = 0; i < pending.size(); i++) {
                    amounts.add(null);
                }
            }
            pending.add(t);
            if (amounts != null) {
                amounts.add(amount);
            }
        }

        void freeze() {
            at = pending.toArray(Instant[]::new);
            sums = amounts == null ? null : RunningSum.of(amounts.toArray(BigDecimal[]::new));
            pending = null;
            amounts = null;
        }

        /** How many instants are before t. */
        int before(Instant t) {
            int lo = 0;
            int hi = at.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (at[mid].isBefore(t)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** How many instants are not after t. */
        int notAfter(Instant t) {
            int lo = 0;
            int hi = at.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (at[mid].isAfter(t)) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        int between(Instant from, Instant to) {
            return before(to) - before(from);
        }

        BigDecimal sumBefore(Instant t) {
            return sums == null ? BigDecimal.ZERO : sums.first(before(t));
        }

        BigDecimal sumNotAfter(Instant t) {
            return sums == null ? BigDecimal.ZERO : sums.first(notAfter(t));
        }
    }

    /**
     * Exact running totals: unscaled longs at the amounts' largest scale while they fit (they do for money in
     * cents or ten-thousandths up to about 9·10^14 in all), otherwise BigDecimals.
     */
    private abstract static class RunningSum {

        /** The total of the first n amounts. */
        abstract BigDecimal first(int n);

        static RunningSum of(BigDecimal[] amounts) {
            int scale = 0;
            for (BigDecimal a : amounts) {
                if (a != null) {
                    scale = Math.max(scale, a.scale());
                }
            }
            try {
                long[] totals = new long[amounts.length + 1];
                for (int i = 0; i < amounts.length; i++) {
                    long unit = amounts[i] == null ? 0 : amounts[i].setScale(scale).unscaledValue().longValueExact();
                    totals[i + 1] = Math.addExact(totals[i], unit);
                }
                int s = scale;
                return new RunningSum() {
                    @Override
                    BigDecimal first(int n) {
                        return BigDecimal.valueOf(totals[n], s);
                    }
                };
            } catch (ArithmeticException tooLarge) {
                BigDecimal[] totals = new BigDecimal[amounts.length + 1];
                totals[0] = BigDecimal.ZERO;
                for (int i = 0; i < amounts.length; i++) {
                    totals[i + 1] = amounts[i] == null ? totals[i] : totals[i].add(amounts[i]);
                }
                return new RunningSum() {
                    @Override
                    BigDecimal first(int n) {
                        return totals[n];
                    }
                };
            }
        }
    }
}
