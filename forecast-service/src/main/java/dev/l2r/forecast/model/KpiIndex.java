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
 * begins; one that does not never holds and is left out). The lines are kept for all rows and per key of each
 * attribute grouped by, built on its first question.
 */
public final class KpiIndex {

    private final History history;
    private final Part all;
    private final Map<String, Map<String, Part>> byAttribute = new ConcurrentHashMap<>();

    KpiIndex(History history) {
        this.history = history;
        this.all = parts(history, null).get(null);
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
            for (Map.Entry<String, Part> e : byAttribute.computeIfAbsent(groupBy, a -> parts(history, a)).entrySet()) {
                Kpis.Tally t = e.getValue().tally(from, until, openAt, pipeline, currency);
                if (t.any()) {
                    groups.add(t.figures(e.getKey()));
                }
            }
        }
        return Kpis.result(from, to, currency, groupBy, overall, groups);
    }

    /** The rows per key of {@code attribute} (in {@link Kpis#KEY_ORDER}), or all under a null key without one. */
    private static Map<String, Part> parts(History history, String attribute) {
        Map<String, Part> parts = new TreeMap<>(Kpis.KEY_ORDER);
        for (Close c : history.closes()) {
            if (c.knownUntil() == null) {
                parts.computeIfAbsent(attribute == null ? null : c.attributes().get(attribute), k -> new Part())
                        .add(c);
            }
        }
        for (OpenInterval i : history.open()) {
            if (i.validTo() == null || i.validTo().isAfter(i.validFrom())) {
                parts.computeIfAbsent(attribute == null ? null : i.lead().attributes().get(attribute),
                        k -> new Part()).add(i);
            }
        }
        if (parts.isEmpty() && attribute == null) {
            parts.put(null, new Part());
        }
        parts.values().forEach(Part::freeze);
        return parts;
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

        void add(OpenInterval i) {
            stages.computeIfAbsent(i.lead().stage(), k -> new Stage()).add(i);
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
                    open += s.all.holding(openAt);
                    withoutAmount += s.unpriced.holding(openAt);
                    Holding h = s.in.get(currency);
                    if (h != null) {
                        openPriced += h.holding(openAt);
                        pipelineValue = pipelineValue.add(h.valueHolding(openAt));
                    }
                }
            }
            return new Kpis.Tally(won.between(from, to), lost.between(from, to), noDecision.between(from, to),
                    priced, wonUnpriced.between(from, to), wonPriced.between(from, to) - priced,
                    revenue, cycles.sumBefore(to).subtract(cycles.sumBefore(from)), cycles.between(from, to), open,
                    pipelineValue, withoutAmount, open - withoutAmount - openPriced);
        }
    }

    /** One stage's open intervals. */
    private static final class Stage {
        private final Holding all = new Holding();
        private final Holding unpriced = new Holding();
        private final Map<String, Holding> in = new HashMap<>();

        void add(OpenInterval i) {
            all.add(i, null);
            BigDecimal amount = i.lead().amount();
            if (amount == null) {
                unpriced.add(i, null);
            } else {
                in.computeIfAbsent(i.lead().currency(), k -> new Holding()).add(i, amount);
            }
        }

        void freeze() {
            all.freeze();
            unpriced.freeze();
            in.values().forEach(Holding::freeze);
        }
    }

    /** Intervals as the line of their beginnings and the line of their ends (those that ended). */
    private static final class Holding {
        private final Line begun = new Line();
        private final Line ended = new Line();

        void add(OpenInterval i, BigDecimal amount) {
            begun.add(i.validFrom(), amount);
            if (i.validTo() != null) {
                ended.add(i.validTo(), amount);
            }
        }

        void freeze() {
            begun.freeze();
            ended.freeze();
        }

        int holding(Instant t) {
            return begun.notAfter(t) - ended.notAfter(t);
        }

        BigDecimal valueHolding(Instant t) {
            return begun.sumNotAfter(t).subtract(ended.sumNotAfter(t));
        }
    }

    /** Instants in ascending order, with the exact running total of an amount (when one is given) up to each. */
    private static final class Line {
        private List<Instant> pending = new ArrayList<>();
        private List<BigDecimal> pendingAmounts = new ArrayList<>();
        private Instant[] at;
        private RunningSum sums;

        void add(Instant t, BigDecimal amount) {
            pending.add(t);
            pendingAmounts.add(amount);
        }

        void freeze() {
            int n = pending.size();
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            List<Instant> times = pending;
            java.util.Arrays.sort(order, Comparator.comparing(times::get));
            at = new Instant[n];
            BigDecimal[] amounts = new BigDecimal[n];
            boolean any = false;
            for (int i = 0; i < n; i++) {
                at[i] = pending.get(order[i]);
                amounts[i] = pendingAmounts.get(order[i]);
                any |= amounts[i] != null;
            }
            sums = any ? RunningSum.of(amounts) : null;
            pending = null;
            pendingAmounts = null;
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
