package dev.l2r.forecast.model;

import dev.l2r.events.funnel.StageOutcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link History} arranged once for training at any moment: a forecast at a new asOf (asOf=now always is) and
 * each of its calibration forecasts at earlier moments would otherwise filter and sort every row again.
 *
 * <p>Spells per stage and per (stage, segment) cell as columns: the closed ones per outcome sorted by their length,
 * and all of them by entry, latest first. The estimator's input at t is then the closed-by-t spells of each outcome
 * in ascending length (a filter of a sorted column) and the spells open at t censored at t − entry, ascending too
 * (entry descending): {@link CompetingRisks} gets its durations already sorted, so its sort is a linear check, and
 * the same durations as {@link WinModel#train(java.util.Collection, Instant, WinModel.Settings)} computes, so the
 * same curves. Won closes are kept in the lead-id order {@link DealValues} sorts them into (a stable sort of a
 * subsequence of a sorted list is that subsequence, so the pools come out the same).
 */
final class HistoryIndex {

    private final History history;
    /*
     * Each part is built when first asked for: after a change, a question whose day's learning was carried over
     * (History#carryLearnedFrom) reads only the open leads and the closes, not the spells' columns or the stays.
     */
    /** Per stage: the cell over all segments, and one per segment. */
    private final Lazy<Columns> columns = new Lazy<>(() -> Columns.of(history().spells()));
    private final Lazy<List<Close>> wonByLead = new Lazy<>(() -> history().closes().stream().filter(Close::won)
            .sorted(DealValues.LEAD_ORDER).toList());
    private final Lazy<OpenOrder> openOrder = new Lazy<>(() -> new OpenOrder(history().open()));
    private final Lazy<StayTable> stays = new Lazy<>(() -> new StayTable(history().open(), history().closes()));
    /** The closes' positions by close time: a window's closes are a range of it. */
    private final Lazy<CloseOrder> closeOrder = new Lazy<>(this::closeOrderOf);
    /** The closes' instants in the history's order, as microseconds; whether each has been superseded. */
    private final long[] closedMicros;
    private final long[] knownFromMicros;
    private final long[] knownUntilMicros;
    private final boolean[] superseded;
    /** What models learned at the start of a day on these rows ({@link Learned}), the few newest. */
    private final Map<Learned.Key, Learned> learned = new java.util.LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Learned.Key, Learned> eldest) {
            return size() > LEARNED_KEPT;
        }
    };
    private final ArrivalKinds arrivalKinds;
    /** Each holds curves over every spell: a few hundred MB at a million leads. */
    private static final int LEARNED_KEPT = 2;

    HistoryIndex(History history) {
        this.history = history;
        this.arrivalKinds = new ArrivalKinds(history.arrivals());
        List<Close> closes = history.closes();
        closedMicros = new long[closes.size()];
        knownFromMicros = new long[closes.size()];
        knownUntilMicros = new long[closes.size()];
        superseded = new boolean[closes.size()];
        for (int i = 0; i < closes.size(); i++) {
            Close c = closes.get(i);
            closedMicros[i] = micros(c.closedAt());
            knownFromMicros[i] = micros(c.knownFrom());
            superseded[i] = c.knownUntil() != null;
            knownUntilMicros[i] = superseded[i] ? micros(c.knownUntil()) : Long.MAX_VALUE;
        }
    }

    /** The spells per stage, and per stage and segment, as columns. */
    record Columns(Map<String, Column> pooled, Map<String, Map<String, Column>> bySegment) {

        static Columns of(List<Spell> spells) {
            Map<String, List<Spell>> stages = new HashMap<>();
            Map<String, Map<String, List<Spell>>> segments = new HashMap<>();
            for (Spell s : spells) {
                stages.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(s);
                if (s.attributes().segment() != null) {
                    segments.computeIfAbsent(s.stage(), k -> new HashMap<>())
                            .computeIfAbsent(s.attributes().segment(), k -> new ArrayList<>()).add(s);
                }
            }
            Map<String, Column> pooled = new HashMap<>();
            stages.forEach((stage, list) -> pooled.put(stage, new Column(list)));
            Map<String, Map<String, Column>> bySegment = new HashMap<>();
            segments.forEach((stage, cells) -> {
                Map<String, Column> columns = new HashMap<>();
                cells.forEach((segment, list) -> columns.put(segment, new Column(list)));
                bySegment.put(stage, columns);
            });
            return new Columns(pooled, bySegment);
        }
    }

    /** Open intervals' positions in the history's order, latest end first (no end yet before all). */
    static final class OpenOrder {
        final int[] byEnd;
        final long[] endMicros;
        final long[] fromMicros;

        OpenOrder(List<OpenInterval> open) {
            fromMicros = new long[open.size()];
            long[] hi = new long[open.size()];
            long[] lo = new long[open.size()];
            for (int i = 0; i < hi.length; i++) {
                OpenInterval o = open.get(i);
                fromMicros[i] = micros(o.validFrom());
                hi[i] = SortKeys.latestFirst(o.validTo());
                lo[i] = SortKeys.latestFirst(o.validTo(), i);
            }
            SortKeys.sort(hi, lo);
            byEnd = new int[hi.length];
            endMicros = new long[hi.length];
            for (int i = 0; i < hi.length; i++) {
                byEnd[i] = SortKeys.position(lo[i]);
                Instant end = open.get(byEnd[i]).validTo();
                endMicros[i] = end == null ? Long.MAX_VALUE : micros(end);
            }
        }
    }

    /** The closes' positions by their close's microseconds (ties in the history's order), and those microseconds. */
    private record CloseOrder(int[] positions, long[] micros) {

        /** How many closes closed before microsecond {@code m} ({@code orAt}: or in it). */
        int before(long m, boolean orAt) {
            return SortKeys.countBelow(micros, m, orAt);
        }
    }

    private CloseOrder closeOrderOf() {
        int n = closedMicros.length;
        long[] hi = new long[n];
        long[] lo = new long[n];
        for (int i = 0; i < n; i++) {
            hi[i] = closedMicros[i];
            lo[i] = i;
        }
        SortKeys.sort(hi, lo);
        int[] positions = new int[n];
        for (int k = 0; k < n; k++) {
            positions[k] = SortKeys.position(lo[k]);
        }
        return new CloseOrder(positions, hi);
    }

    /** Builds every part now (for benchmarks that time the whole build). */
    void buildAll() {
        columns.get();
        wonByLead.get();
        openOrder.get();
        stays.get();
        closeOrder.get();
    }

    /** Open intervals by end, built when first asked for. */
    OpenOrder openOrder() {
        return openOrder.get();
    }

    /**
     * The leads open at {@code t} ({@link OpenInterval#holdsAt}), in the history's order: the intervals still
     * holding after t are a prefix of the latest-end order, of which those begun by t count.
     */
    List<OpenLead> openAt(Instant t) {
        List<OpenInterval> open = history.open();
        OpenOrder order = openOrder();
        int[] openByEnd = order.byEnd;
        long[] openFromMicros = order.fromMicros;
        long tm = micros(t);
        int[] found = new int[16];
        int n = 0;
        for (int j = 0; j < openByEnd.length; j++) {
            int i = openByEnd[j];
            // the intervals themselves are read only where microseconds tie: most of them are not touched at all
            long end = order.endMicros[j];
            if (end < tm || end == tm && open.get(i).validTo() != null && !open.get(i).validTo().isAfter(t)) {
                break;
            }
            long from = openFromMicros[i];
            if (from < tm || from == tm && !open.get(i).validFrom().isAfter(t)) {
                if (n == found.length) {
                    found = java.util.Arrays.copyOf(found, n * 2);
                }
                found[n++] = i;
            }
        }
        java.util.Arrays.sort(found, 0, n);
        List<OpenLead> leads = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            leads.add(open.get(found[k]).lead());
        }
        return leads;
    }

    /** The closes made by {@code t} in the version known at t ({@link Close#knownAt}), in the history's order. */
    List<Close> closesKnownAt(Instant t) {
        long tm = micros(t);
        return closesWhere(0, closeOrder.get().before(tm, true),
                i -> notAfter(closedMicros[i], i, tm, t, Close::closedAt) && knownAt(i, tm, t));
    }

    /** {@link History#closesBetween}, reading the closes only where microseconds tie. */
    List<Close> closesBetween(Instant after, Instant until) {
        long am = micros(after);
        long um = micros(until);
        CloseOrder order = closeOrder.get();
        return closesWhere(order.before(am, false), order.before(um, true),
                i -> !notAfter(closedMicros[i], i, am, after, Close::closedAt)
                        && notAfter(closedMicros[i], i, um, until, Close::closedAt) && knownAt(i, um, until));
    }

    /**
     * The closes that pass {@code test} among those at places {@code from} to {@code to} of the close-time order
     * (the only ones that can), in the history's order: a window's few by their positions, a long one by a pass
     * over all (cheaper than sorting most of a million positions).
     */
    private List<Close> closesWhere(int from, int to, java.util.function.IntPredicate test) {
        List<Close> closes = history.closes();
        List<Close> found = new ArrayList<>();
        if (to - from > closedMicros.length / 4) {
            for (int i = 0; i < closedMicros.length; i++) {
                if (test.test(i)) {
                    found.add(closes.get(i));
                }
            }
            return found;
        }
        int[] positions = closeOrder.get().positions;
        int[] in = new int[to - from];
        int n = 0;
        for (int k = from; k < to; k++) {
            if (test.test(positions[k])) {
                in[n++] = positions[k];
            }
        }
        java.util.Arrays.sort(in, 0, n);
        for (int k = 0; k < n; k++) {
            found.add(closes.get(in[k]));
        }
        return found;
    }

    /** {@link Close#knownAt}: known from by t, and not superseded by then. */
    private boolean knownAt(int i, long tm, Instant t) {
        return notAfter(knownFromMicros[i], i, tm, t, Close::knownFrom)
                && (!superseded[i] || !notAfter(knownUntilMicros[i], i, tm, t, Close::knownUntil));
    }

    /** Whether close i's instant {@code which} (as {@code xm} = its micros) is not after t (as {@code tm}). */
    private boolean notAfter(long xm, int i, long tm, Instant t, java.util.function.Function<Close, Instant> which) {
        return xm < tm || xm == tm && !which.apply(history.closes().get(i)).isAfter(t);
    }

    /**
     * What was learned for {@code key} on these rows, learned by {@code learn} if not kept. Two first questions of a
     * day at once may both learn it; they learn the same.
     */
    Learned learned(Learned.Key key, java.util.function.Supplier<Learned> learn) {
        synchronized (learned) {
            Learned known = learned.get(key);
            if (known == null) {
                known = history.carried(key);
                if (known != null) {
                    learned.put(key, known);
                }
            }
            if (known != null) {
                return known;
            }
        }
        Learned made = learn.get();
        synchronized (learned) {
            learned.put(key, made);
        }
        return made;
    }

    /** What was learned on these rows and is kept, newest last. */
    Map<Learned.Key, Learned> learnedKept() {
        synchronized (learned) {
            return new java.util.LinkedHashMap<>(learned);
        }
    }

    /** The arrivals' kinds, worked out as windows reach them. */
    ArrivalKinds arrivalKinds() {
        return arrivalKinds;
    }

    /** The open intervals grouped by stay. */
    StayTable stays() {
        return stays.get();
    }

    History history() {
        return history;
    }

    Map<String, Column> pooled() {
        return columns.get().pooled();
    }

    Map<String, Map<String, Column>> bySegment() {
        return columns.get().bySegment();
    }

    /** Won closes priced in {@code currency}, made and known by {@code t}, in lead-id then close order. */
    List<Close> wonPricedAt(Instant t, String currency) {
        List<Close> found = new ArrayList<>();
        for (Close c : wonByLead.get()) {
            if (c.pricedIn(currency) && !c.closedAt().isAfter(t) && c.knownAt(t)) {
                found.add(c);
            }
        }
        return found;
    }

    /** Microseconds since the epoch, floored and saturated: a fast order with ties settled by the instants. */
    static long micros(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Whether x (as {@code xm} = micros(x)) is not after t (as {@code tm}). */
    private static boolean notAfter(long xm, Instant x, long tm, Instant t) {
        return xm < tm || xm == tm && !x.isAfter(t);
    }

    /** The spells of one cell, as columns (see above). */
    static final class Column {
        /** Per outcome of the closed spells: lengths ascending, with their entry and close. */
        final StageOutcome[] outcomes;
        final double[][] days;
        final Instant[][] entered;
        final long[][] enteredMicros;
        final Instant[][] closed;
        final long[][] closedMicros;
        /** Every spell, latest close first (not closed yet before all): the ones open at t are a prefix. */
        final Instant[] byCloseEntered;
        final long[] byCloseEnteredMicros;
        final Instant[] byCloseClosed;
        final long[] byCloseMicros;
        /**
         * Whether every entry is a whole microsecond well inside the microseconds' range (as the database keeps
         * them): then an open spell's length at a whole-microsecond t is t's microseconds less its entry's, as
         * {@link Days#between} would compute it, without reading the instant.
         */
        final boolean enteredWholeMicros;

        Column(List<Spell> spells) {
            Spell[] rows = spells.toArray(new Spell[0]);
            // the closed spells per outcome in the history's order, outcomes in declaration order
            StageOutcome[] all = StageOutcome.values();
            int[] count = new int[all.length];
            for (Spell s : rows) {
                if (s.closedAt() != null) {
                    count[s.outcome().ordinal()]++;
                }
            }
            int[][] members = new int[all.length][];
            int k = 0;
            for (int o = 0; o < all.length; o++) {
                members[o] = new int[count[o]];
                k += count[o] > 0 ? 1 : 0;
            }
            int[] filled = new int[all.length];
            for (int j = 0; j < rows.length; j++) {
                if (rows[j].closedAt() != null) {
                    int o = rows[j].outcome().ordinal();
                    members[o][filled[o]++] = j;
                }
            }
            outcomes = new StageOutcome[k];
            days = new double[k][];
            entered = new Instant[k][];
            enteredMicros = new long[k][];
            closed = new Instant[k][];
            closedMicros = new long[k][];
            int i = 0;
            for (int o = 0; o < all.length; o++) {
                int n = count[o];
                if (n == 0) {
                    continue;
                }
                // each length computed once; ties keep the history's order, as the stable sort by length did
                double[] length = new double[n];
                long[] hi = new long[n];
                long[] lo = new long[n];
                for (int j = 0; j < n; j++) {
                    Spell s = rows[members[o][j]];
                    length[j] = Days.between(s.enteredAt(), s.closedAt());
                    hi[j] = SortKeys.ascending(length[j]);
                    lo[j] = j;
                }
                SortKeys.sort(hi, lo);
                outcomes[i] = all[o];
                days[i] = new double[n];
                entered[i] = new Instant[n];
                enteredMicros[i] = new long[n];
                closed[i] = new Instant[n];
                closedMicros[i] = new long[n];
                for (int j = 0; j < n; j++) {
                    int at = SortKeys.position(lo[j]);
                    Spell s = rows[members[o][at]];
                    days[i][j] = length[at];
                    entered[i][j] = s.enteredAt();
                    enteredMicros[i][j] = micros(s.enteredAt());
                    closed[i][j] = s.closedAt();
                    closedMicros[i][j] = micros(s.closedAt());
                }
                i++;
            }
            int n = rows.length;
            long[] hi = new long[n];
            long[] lo = new long[n];
            for (int j = 0; j < n; j++) {
                hi[j] = SortKeys.latestFirst(rows[j].closedAt());
                lo[j] = SortKeys.latestFirst(rows[j].closedAt(), j);
            }
            SortKeys.sort(hi, lo);
            byCloseEntered = new Instant[n];
            byCloseEnteredMicros = new long[n];
            byCloseClosed = new Instant[n];
            byCloseMicros = new long[n];
            boolean whole = true;
            for (int j = 0; j < n; j++) {
                Spell s = rows[SortKeys.position(lo[j])];
                byCloseEntered[j] = s.enteredAt();
                byCloseEnteredMicros[j] = micros(s.enteredAt());
                whole &= StayTable.whole(s.enteredAt());
                byCloseClosed[j] = s.closedAt();
                byCloseMicros[j] = s.closedAt() == null ? Long.MAX_VALUE : micros(s.closedAt());
            }
            enteredWholeMicros = whole;
        }

        /**
         * The cell as seen at {@code t}: each spell entered by then, with its outcome and length if closed by then,
         * else open and censored at t; null if none had entered. Adds the won lengths to {@code won} if given.
         */
        CompetingRisks.Builder at(Instant t, List<double[]> won) {
            long tm = micros(t);
            CompetingRisks.Builder b = null;
            for (int k = 0; k < outcomes.length; k++) {
                double[] d = days[k];
                long[] inM = enteredMicros[k];
                long[] outM = closedMicros[k];
                Instant[] in = entered[k];
                Instant[] out = closed[k];
                double[] kept = new double[d.length];
                int w = 0;
                for (int j = 0; j < d.length; j++) {
                    if (notAfter(outM[j], out[j], tm, t) && notAfter(inM[j], in[j], tm, t)) {
                        kept[w++] = d[j];
                    }
                }
                if (w > 0) {
                    b = b == null ? new CompetingRisks.Builder() : b;
                    b.addAll(kept, w, outcomes[k]);
                    if (won != null && outcomes[k] == StageOutcome.WON) {
                        won.add(java.util.Arrays.copyOf(kept, w));
                    }
                }
            }
            // open at t: not closed by then (a prefix of the latest-close order), and entered by then
            int prefix = 0;
            while (prefix < byCloseEntered.length && (byCloseClosed[prefix] == null
                    || !notAfter(byCloseMicros[prefix], byCloseClosed[prefix], tm, t))) {
                prefix++;
            }
            double[] open = new double[prefix];
            int w = 0;
            boolean subtract = enteredWholeMicros && StayTable.whole(t);
            for (int j = 0; j < prefix; j++) {
                long in = byCloseEnteredMicros[j];
                if (notAfter(in, byCloseEntered[j], tm, t)) {
                    open[w++] = subtract ? Days.days(tm - in) : Days.between(byCloseEntered[j], t);
                }
            }
            if (w > 0) {
                b = b == null ? new CompetingRisks.Builder() : b;
                b.addAll(open, w, StageOutcome.OPEN);
            }
            return b;
        }

        /** How many spells had entered by {@code t}, and how many of them had closed by then. */
        int[] countsAt(Instant t) {
            long tm = micros(t);
            int enteredBy = 0;
            for (int j = 0; j < byCloseEntered.length; j++) {
                enteredBy += notAfter(byCloseEnteredMicros[j], byCloseEntered[j], tm, t) ? 1 : 0;
            }
            int closedBy = 0;
            for (int k = 0; k < outcomes.length; k++) {
                for (int j = 0; j < closed[k].length; j++) {
                    closedBy += notAfter(closedMicros[k][j], closed[k][j], tm, t)
                            && notAfter(enteredMicros[k][j], entered[k][j], tm, t) ? 1 : 0;
                }
            }
            return new int[]{enteredBy, closedBy};
        }
    }
}
