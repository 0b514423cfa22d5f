package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a lead still sitting in a stage past its time frame ({@link StageTimeFrames}) really wins, where a later open
 * stage exists. The win curves are learned on spells, which run from reaching a stage to the lead's close whatever
 * stages it passes on the way; a lead's age is its time in its current stage. For the last open stage the two are
 * the same. For an earlier one they are not: the spells still open 100 days after reaching KNOWN are mostly deals
 * long since in OPPORTUNITY and about to close, while a lead still <em>in</em> KNOWN after 100 days has stopped
 * moving. The curve reads it as winnable as those (on the demo data the stale early-stage leads were over half the
 * forecast and won nothing: the forecast ran about 2.5 times too high).
 *
 * <p>So for such a lead, {@code a} days in its stage, the chance of winning within h is learned from its stage's own
 * stays instead: of the stays in the stage (all known by asOf) still in it at age a, t = since + a, with (t, t + h]
 * ended by asOf, the share whose lead was won in (t, t + h]. Staying longer is itself a sign of having stopped, so
 * the age matters: a lead 300 days in a stage is compared with stays that lasted 300 days. With fewer than
 * {@code minStays} such stays the age is brought halfway down to the frame (whole days), and again, until there
 * are enough; with too few even at the frame the curve's chance stands.
 */
final class StaleStays {

    private final Map<String, Double> frames;
    private final int minStays;
    /** How the stays that count at an age and horizon are counted: from the intervals, or from a stay table. */
    private final Counts counts;
    private final Map<Question, Double> shares = new HashMap<>();

    private record Question(String stage, double age, double h) {
    }

    /** Of one stage's stays, how many count at {@code age} for {@code h} and how many of those were won: {n, won}. */
    private interface Counts {
        int[] at(String stage, double age, double h);
    }

    StaleStays(Collection<OpenInterval> open, Collection<Close> closes, Map<String, Double> frames, Instant asOf,
               int minStays) {
        this.frames = frames;
        this.minStays = minStays;
        this.counts = new Plain(open, closes, frames, asOf);
    }

    /**
     * The same from a history's stays grouped once, which must answer for asOf ({@link StayTable#answers}), with
     * the won closes it points at (those made and known by asOf count, as in the closes the other constructor is
     * given).
     */
    StaleStays(StayTable stays, Map<String, Double> frames, Instant asOf, int minStays) {
        this.frames = frames;
        this.minStays = minStays;
        this.counts = new Table(stays, frames, asOf);
    }

    /** Whether a lead {@code age} days in {@code stage} is past the stage's frame. */
    boolean stale(String stage, double age) {
        Double frame = frames.get(stage);
        return frame != null && age > frame;
    }

    /**
     * The share of the stage's stays still in it at {@code age} (or, with too few, at a younger age past the frame)
     * won within {@code h} days from then; NaN with too few even at the frame. One question at a time: the shares
     * found are kept, and a day's learning (with its stale stays) is shared by questions and carried between rows.
     */
    synchronized double winWithin(String stage, double age, double h) {
        double frame = frames.get(stage);
        double at = Math.max(frame, Math.floor(age));
        while (true) {
            double share = share(stage, at, h);
            if (!Double.isNaN(share) || at <= frame) {
                return share;
            }
            double lower = Math.floor((at + frame) / 2);
            at = lower <= frame || lower >= at ? frame : lower;
        }
    }

    private double share(String stage, double age, double h) {
        return shares.computeIfAbsent(new Question(stage, age, h), q -> {
            int[] n = counts.at(stage, age, h);
            return n[0] < minStays ? Double.NaN : (double) n[1] / n[0];
        });
    }

    /** A stay shorter than its age by more than this cannot still be in its stage then, whatever the rounding. */
    private static final double SLACK_DAYS = 1e-6;

    /** From the intervals themselves, comparing instants: the plain way, which the table must reproduce. */
    private static final class Plain implements Counts {

        private record Stay(String leadId, String stage, Instant since) {
        }

        private final Map<Stay, Instant> ends = new HashMap<>();
        private final Map<String, List<Instant>> wonAt = new HashMap<>();
        private final Instant asOf;

        Plain(Collection<OpenInterval> open, Collection<Close> closes, Map<String, Double> frames, Instant asOf) {
            this.asOf = asOf;
            for (OpenInterval i : open) {
                OpenLead l = i.lead();
                // a history holding every row is asked at any moment: what began after asOf was not known then
                if (i.validFrom().isAfter(asOf) || l.stageSince().isAfter(asOf) || !frames.containsKey(l.stage())) {
                    continue;
                }
                // a stay lasts to the last of its intervals' ends; one still open at asOf lasts (so far) to asOf
                Instant end = i.validTo() == null || i.validTo().isAfter(asOf) ? asOf : i.validTo();
                ends.merge(new Stay(l.leadId(), l.stage(), l.stageSince()), end, (a, b) -> a.isAfter(b) ? a : b);
            }
            Set<String> leads = new HashSet<>();
            ends.keySet().forEach(s -> leads.add(s.leadId()));
            for (Close c : closes) {
                if (c.won() && !c.closedAt().isAfter(asOf) && leads.contains(c.leadId())) {
                    wonAt.computeIfAbsent(c.leadId(), k -> new ArrayList<>()).add(c.closedAt());
                }
            }
        }

        @Override
        public int[] at(String stage, double age, double h) {
            Stays of = byStage().get(stage);
            int stays = 0;
            int won = 0;
            // only stays longer than age can count: they come first, and past the frame they are few
            for (int i = 0; of != null && i < of.length.length && of.length[i] >= age - SLACK_DAYS; i++) {
                Stay s = of.stays[i];
                Instant from = Days.plus(s.since(), age);
                Instant until = Days.plus(from, h);
                if (!of.ends[i].isAfter(from) || until.isAfter(asOf)) {
                    continue;
                }
                stays++;
                for (Instant w : wonAt.getOrDefault(s.leadId(), List.of())) {
                    if (w.isAfter(from) && !w.isAfter(until)) {
                        won++;
                        break;
                    }
                }
            }
            return new int[]{stays, won};
        }

        /** One stage's stays, longest first, with their ends and lengths in days. */
        private record Stays(Stay[] stays, Instant[] ends, double[] length) {
        }

        private Map<String, Stays> byStage;

        private Map<String, Stays> byStage() {
            if (byStage == null) {
                Map<String, List<Map.Entry<Stay, Instant>>> grouped = new HashMap<>();
                for (Map.Entry<Stay, Instant> e : ends.entrySet()) {
                    grouped.computeIfAbsent(e.getKey().stage(), k -> new ArrayList<>()).add(e);
                }
                byStage = new HashMap<>();
                grouped.forEach((stage, list) -> {
                    list.sort((a, b) -> Double.compare(Days.between(b.getKey().since(), b.getValue()),
                            Days.between(a.getKey().since(), a.getValue())));
                    Stay[] stays = new Stay[list.size()];
                    Instant[] stayEnds = new Instant[list.size()];
                    double[] length = new double[list.size()];
                    for (int i = 0; i < list.size(); i++) {
                        stays[i] = list.get(i).getKey();
                        stayEnds[i] = list.get(i).getValue();
                        length[i] = Days.between(stays[i].since(), stayEnds[i]);
                    }
                    byStage.put(stage, new Stays(stays, stayEnds, length));
                });
            }
            return byStage;
        }
    }

    /**
     * From a stay table, in microseconds. Only the stays that can count are kept: a question is only ever asked at
     * an age past the stage's frame, so a stay shorter than the frame is never read.
     *
     * <p>A model asks one stage at many ages (each stale lead's whole days) and a few horizons. Over one horizon h,
     * stay s (since σ, end e) counts at an age of a microseconds when it was still in the stage then (σ + a &lt; e)
     * and the window (σ + a, σ + a + h] had ended by asOf t: a ≤ min(e − σ − 1, t − σ − h). It was won there when a
     * won close W known at t falls in the window: W − σ − h ≤ a ≤ W − σ − 1. So per (stage, h) the stays' count
     * limits, sorted, and their won ranges (merged per stay), sorted by either end, answer any age with three
     * binary searches instead of a pass over the stays.
     */
    private static final class Table implements Counts {

        /** One stage's stays that can count: position in the table, end (≤ asOf) and length. */
        private record Kept(int[] stay, long[] end, long[] length) {
        }

        /**
         * One stage over one horizon: the ages up to which each stay counts, ascending; the won ranges' first and
         * last ages, each ascending (a stay's ranges do not overlap, so a stay is counted won at most once).
         */
        private record Ranges(long[] countsUpTo, long[] wonFrom, long[] wonTo) {
        }

        /** Horizons past this many microseconds (a thousand years and more) end after any asOf from any stay. */
        private static final long FAR = 1L << 61;

        private final StayTable table;
        private final long t;
        private final Map<String, Kept> byStage = new HashMap<>();
        private final Map<String, Map<Long, Ranges>> ranges = new HashMap<>();

        Table(StayTable table, Map<String, Double> frames, Instant asOf) {
            this.table = table;
            this.t = StayTable.micros(asOf);
            for (int g = 0; g < table.stageCount(); g++) {
                Double frame = frames.get(table.stage(g));
                if (frame == null) {
                    continue;
                }
                int[] of = table.stays(g);
                int known = table.sinceBefore(of, t, true);
                int[] stay = new int[known];
                long[] end = new long[known];
                long[] length = new long[known];
                int n = 0;
                for (int k = 0; k < known; k++) {
                    int s = of[k];
                    long state = table.state(s, t);
                    if (state == StayTable.UNKNOWN) {
                        continue;
                    }
                    long e = state == StayTable.ONGOING ? t : state;
                    if (Days.days(e - table.since[s]) >= frame - SLACK_DAYS) {
                        stay[n] = s;
                        end[n] = e;
                        length[n] = e - table.since[s];
                        n++;
                    }
                }
                byStage.put(table.stage(g), new Kept(Arrays.copyOf(stay, n), Arrays.copyOf(end, n),
                        Arrays.copyOf(length, n)));
            }
        }

        @Override
        public int[] at(String stage, double age, double h) {
            Kept of = byStage.get(stage);
            long hMicros = Days.micros(h);
            if (of == null || hMicros >= FAR) {
                return new int[]{0, 0};
            }
            Ranges r = ranges.computeIfAbsent(stage, k -> new HashMap<>())
                    .computeIfAbsent(hMicros, k -> ranges(of, hMicros));
            long a = Days.micros(age);
            int stays = r.countsUpTo.length - SortKeys.countBelow(r.countsUpTo, a, false);
            int won = SortKeys.countBelow(r.wonFrom, a, true) - SortKeys.countBelow(r.wonTo, a, false);
            return new int[]{stays, won};
        }

        private Ranges ranges(Kept of, long h) {
            int n = of.stay.length;
            long[] countsUpTo = new long[n];
            long[] wonFrom = new long[n];
            long[] wonTo = new long[n];
            int w = 0;
            long[] lo = new long[4];
            long[] hi = new long[4];
            for (int i = 0; i < n; i++) {
                int s = of.stay[i];
                long since = table.since[s];
                long room = t - since;
                // a window of no length or less (h ≤ 0) holds no win, and ends by asOf as soon as it begins by it
                long last = Math.min(of.length[i] - 1, h < 0 && room > Long.MAX_VALUE + h ? Long.MAX_VALUE : room - h);
                countsUpTo[i] = last;
                int m = 0;
                for (int x = table.wonFirst[s]; h > 0 && x < table.wonEnd[s]; x++) {
                    if (table.wonKnownFrom[x] <= t && t < table.wonKnownUntil[x]) {
                        long from = table.wonAt[x] - since - h;
                        long to = Math.min(table.wonAt[x] - since - 1, last);
                        if (from <= to) {
                            if (m == lo.length) {
                                lo = Arrays.copyOf(lo, m * 2);
                                hi = Arrays.copyOf(hi, m * 2);
                            }
                            lo[m] = from;
                            hi[m] = to;
                            m++;
                        }
                    }
                }
                // the won closes are by close time, so their ranges by first age: merge the overlapping ones
                for (int k = 0; k < m; k++) {
                    long from = lo[k];
                    long to = hi[k];
                    while (k + 1 < m && lo[k + 1] <= to + 1) {
                        to = Math.max(to, hi[++k]);
                    }
                    if (w == wonFrom.length) {
                        wonFrom = Arrays.copyOf(wonFrom, w * 2 + 1);
                        wonTo = Arrays.copyOf(wonTo, w * 2 + 1);
                    }
                    wonFrom[w] = from;
                    wonTo[w] = to;
                    w++;
                }
            }
            wonFrom = Arrays.copyOf(wonFrom, w);
            wonTo = Arrays.copyOf(wonTo, w);
            Arrays.sort(countsUpTo);
            Arrays.sort(wonFrom);
            Arrays.sort(wonTo);
            return new Ranges(countsUpTo, wonFrom, wonTo);
        }
    }
}
