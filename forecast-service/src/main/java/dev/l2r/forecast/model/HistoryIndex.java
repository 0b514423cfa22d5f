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
    /** Per stage: the cell over all segments, and one per segment. */
    private final Map<String, Column> pooled = new HashMap<>();
    private final Map<String, Map<String, Column>> bySegment = new HashMap<>();
    private final List<Close> wonByLead;
    /** Open intervals' positions in the history's order, latest end first (no end yet before all). */
    private final int[] openByEnd;
    private final long[] openEndMicros;
    private final long[] openFromMicros;
    private final StayTable stays;
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
    /** Each holds curves over every spell: a few hundred MB at a million leads. */
    private static final int LEARNED_KEPT = 2;

    HistoryIndex(History history) {
        this.history = history;
        this.stays = new StayTable(history.open(), history.closes());
        Map<String, List<Spell>> stages = new HashMap<>();
        Map<String, Map<String, List<Spell>>> segments = new HashMap<>();
        for (Spell s : history.spells()) {
            stages.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(s);
            if (s.attributes().segment() != null) {
                segments.computeIfAbsent(s.stage(), k -> new HashMap<>())
                        .computeIfAbsent(s.attributes().segment(), k -> new ArrayList<>()).add(s);
            }
        }
        stages.forEach((stage, spells) -> pooled.put(stage, new Column(spells)));
        segments.forEach((stage, cells) -> {
            Map<String, Column> columns = new HashMap<>();
            cells.forEach((segment, spells) -> columns.put(segment, new Column(spells)));
            bySegment.put(stage, columns);
        });
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
        wonByLead = history.closes().stream().filter(Close::won)
                .sorted(Comparator.comparing(Close::leadId).thenComparing(Close::closedAt)).toList();
        List<OpenInterval> open = history.open();
        openFromMicros = new long[open.size()];
        long[] hi = new long[open.size()];
        long[] lo = new long[open.size()];
        for (int i = 0; i < hi.length; i++) {
            OpenInterval o = open.get(i);
            openFromMicros[i] = micros(o.validFrom());
            hi[i] = Keys.latestFirst(o.validTo());
            lo[i] = Keys.latestFirst(o.validTo(), i);
        }
        Keys.sort(hi, lo);
        openByEnd = new int[hi.length];
        openEndMicros = new long[hi.length];
        for (int i = 0; i < hi.length; i++) {
            openByEnd[i] = Keys.position(lo[i]);
            Instant end = open.get(openByEnd[i]).validTo();
            openEndMicros[i] = end == null ? Long.MAX_VALUE : micros(end);
        }
    }

    /**
     * The leads open at {@code t} ({@link OpenInterval#holdsAt}), in the history's order: the intervals still
     * holding after t are a prefix of the latest-end order, of which those begun by t count.
     */
    List<OpenLead> openAt(Instant t) {
        List<OpenInterval> open = history.open();
        long tm = micros(t);
        int[] found = new int[16];
        int n = 0;
        for (int j = 0; j < openByEnd.length; j++) {
            int i = openByEnd[j];
            // the intervals themselves are read only where microseconds tie: most of them are not touched at all
            long end = openEndMicros[j];
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
        List<Close> closes = history.closes();
        long tm = micros(t);
        List<Close> found = new ArrayList<>();
        for (int i = 0; i < closedMicros.length; i++) {
            if (notAfter(closedMicros[i], i, tm, t, Close::closedAt) && knownAt(i, tm, t)) {
                found.add(closes.get(i));
            }
        }
        return found;
    }

    /** {@link History#closesBetween}, reading the closes only where microseconds tie. */
    List<Close> closesBetween(Instant after, Instant until) {
        List<Close> closes = history.closes();
        long am = micros(after);
        long um = micros(until);
        List<Close> found = new ArrayList<>();
        for (int i = 0; i < closedMicros.length; i++) {
            if (!notAfter(closedMicros[i], i, am, after, Close::closedAt)
                    && notAfter(closedMicros[i], i, um, until, Close::closedAt) && knownAt(i, um, until)) {
                found.add(closes.get(i));
            }
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

    /** The open intervals grouped by stay. */
    StayTable stays() {
        return stays;
    }

    History history() {
        return history;
    }

    Map<String, Column> pooled() {
        return pooled;
    }

    Map<String, Map<String, Column>> bySegment() {
        return bySegment;
    }

    /** Won closes priced in {@code currency}, made and known by {@code t}, in lead-id then close order. */
    List<Close> wonPricedAt(Instant t, String currency) {
        List<Close> found = new ArrayList<>();
        for (Close c : wonByLead) {
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
                    hi[j] = Keys.ascending(length[j]);
                    lo[j] = j;
                }
                Keys.sort(hi, lo);
                outcomes[i] = all[o];
                days[i] = new double[n];
                entered[i] = new Instant[n];
                enteredMicros[i] = new long[n];
                closed[i] = new Instant[n];
                closedMicros[i] = new long[n];
                for (int j = 0; j < n; j++) {
                    int at = Keys.position(lo[j]);
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
                hi[j] = Keys.latestFirst(rows[j].closedAt());
                lo[j] = Keys.latestFirst(rows[j].closedAt(), j);
            }
            Keys.sort(hi, lo);
            byCloseEntered = new Instant[n];
            byCloseEnteredMicros = new long[n];
            byCloseClosed = new Instant[n];
            byCloseMicros = new long[n];
            boolean whole = true;
            for (int j = 0; j < n; j++) {
                Spell s = rows[Keys.position(lo[j])];
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

    /**
     * Sorting positions by a key without boxing: each element's key is a pair of longs, the second holding its
     * position in the low 32 bits, so that no two keys are equal and the order is the one a stable sort by the key
     * alone gives (ties in input order), whatever algorithm sorts them.
     */
    static final class Keys {

        /** Runs this short are sorted by insertion before merging. */
        private static final int RUN = 32;

        private Keys() {
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
}
