package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.ArrayList;
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
     * won within {@code h} days from then; NaN with too few even at the frame.
     */
    double winWithin(String stage, double age, double h) {
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
     * an age past the stage's frame, so a stay shorter than the frame is never read. They are kept longest first,
     * so a question at an age reads only the stays at least that long.
     */
    private static final class Table implements Counts {

        /** One stage's stays that can count, longest first: position in the table, end (≤ asOf) and length. */
        private record Kept(int[] stay, long[] end, long[] length) {
        }

        private final StayTable table;
        private final long t;
        private final Map<String, Kept> byStage = new HashMap<>();

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
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(order, (a, b) -> Long.compare(length[b], length[a]));
                Kept kept = new Kept(new int[n], new long[n], new long[n]);
                for (int i = 0; i < n; i++) {
                    kept.stay[i] = stay[order[i]];
                    kept.end[i] = end[order[i]];
                    kept.length[i] = length[order[i]];
                }
                byStage.put(table.stage(g), kept);
            }
        }

        @Override
        public int[] at(String stage, double age, double h) {
            Kept of = byStage.get(stage);
            int stays = 0;
            int won = 0;
            long ageMicros = Days.micros(age);
            long hMicros = Days.micros(h);
            for (int i = 0; of != null && i < of.stay.length && Days.days(of.length[i]) >= age - SLACK_DAYS; i++) {
                int s = of.stay[i];
                long from = saturated(table.since[s], ageMicros);
                long until = saturated(from, hMicros);
                if (of.end[i] <= from || until > t) {
                    continue;
                }
                stays++;
                for (int w = table.wonFirst[s]; w < table.wonEnd[s] && table.wonAt[w] <= until; w++) {
                    if (table.wonAt[w] > from && table.wonKnownFrom[w] <= t && t < table.wonKnownUntil[w]) {
                        won++;
                        break;
                    }
                }
            }
            return new int[]{stays, won};
        }

        /** x + y, held at the ends of the longs rather than wrapped (a horizon of a million years is just late). */
        private static long saturated(long x, long y) {
            long sum = x + y;
            return ((x ^ sum) & (y ^ sum)) < 0 ? (y < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
        }
    }
}
