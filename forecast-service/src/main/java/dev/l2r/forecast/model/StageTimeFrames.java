package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long a stage usually holds a lead: the funnel definition gives a stage no time frame of its own (its stages
 * have a key, description, trigger and outcome only), so the frame is a stale threshold like funnel-service's:
 * the nearest-rank p90 of the days leads took to leave the stage, over the leads that entered it in the 365 days
 * before asOf and had left it by then. funnel-service measures to the next stage of its conversion pairs; this
 * counts any way out (a later stage, a step back, a close), which is what the forecast's history knows.
 */
public final class StageTimeFrames {

    static final double COHORT_DAYS = 365;

    private StageTimeFrames() {
    }

    /** Days per stage; stages nobody has left in the window have none. */
    public static Map<String, Double> of(List<OpenInterval> open, Instant asOf) {
        // one stay = one (lead, stage, since); it ended at the last of its intervals' ends, if all ended by asOf
        Map<List<Object>, Instant> ends = new HashMap<>();
        Map<List<Object>, Boolean> ongoing = new HashMap<>();
        Instant cohortStart = Days.plus(asOf, -COHORT_DAYS);
        for (OpenInterval i : open) {
            OpenLead l = i.lead();
            if (l.stageSince().isBefore(cohortStart) || l.stageSince().isAfter(asOf)) {
                continue;
            }
            List<Object> stay = List.of(l.leadId(), l.stage(), l.stageSince());
            if (i.validTo() == null || i.validTo().isAfter(asOf)) {
                ongoing.put(stay, true);
            } else {
                ends.merge(stay, i.validTo(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        Map<String, List<Double>> days = new HashMap<>();
        ends.forEach((stay, end) -> {
            if (!ongoing.containsKey(stay)) {
                days.computeIfAbsent((String) stay.get(1), k -> new ArrayList<>())
                        .add(Days.between((Instant) stay.get(2), end));
            }
        });
        return p90(days);
    }

    /**
     * The same from a history's stays grouped once ({@code StayTable}, which must answer for asOf): what every model
     * of a forecast asks. The cohort is a range of each stage's stays, which are in order of since.
     */
    static Map<String, Double> of(StayTable stays, Instant asOf) {
        long t = StayTable.micros(asOf);
        long cohortStart = t + Days.micros(-COHORT_DAYS);
        Map<String, Double> frames = new HashMap<>();
        for (int g = 0; g < stays.stageCount(); g++) {
            int[] of = stays.stays(g);
            int lo = stays.sinceBefore(of, cohortStart, false);
            int hi = stays.sinceBefore(of, t, true);
            double[] days = new double[Math.max(0, hi - lo)];
            int n = 0;
            for (int k = lo; k < hi; k++) {
                long end = stays.state(of[k], t);
                if (end != StayTable.ONGOING && end != StayTable.UNKNOWN) {
                    days[n++] = Days.days(end - stays.since[of[k]]);
                }
            }
            if (n > 0) {
                frames.put(stays.stage(g), smallest(days, n, (int) Math.ceil(0.9 * n) - 1));
            }
        }
        return frames;
    }

    /**
     * The k-th smallest (from 0) of the first n of {@code a}, which it reorders: the value sorting would put at k,
     * found by partitioning (Hoare's selection) in linear time on average rather than by a full sort per model.
     */
    static double smallest(double[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double x = a[i];
                    a[i++] = a[j];
                    a[j--] = x;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static Map<String, Double> p90(Map<String, List<Double>> days) {
        Map<String, Double> frames = new HashMap<>();
        days.forEach((stage, d) -> {
            double[] sorted = d.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            frames.put(stage, sorted[(int) Math.ceil(0.9 * sorted.length) - 1]);
        });
        return frames;
    }
}
