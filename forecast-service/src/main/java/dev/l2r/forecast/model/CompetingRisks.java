package dev.l2r.forecast.model;

import dev.l2r.events.funnel.StageOutcome;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * Time to close with competing outcomes, estimated by Aalen–Johansen: the all-cause survival S(t) = P(no close
 * by t) is the Kaplan–Meier product over close times, and the cumulative incidence of one outcome k is
 * F_k(t) = Σ_{t_j ≤ t} S(t_j−) · d_kj / n_j. Leads still open are censored at their current age. Unlike
 * 1 − KM of wins alone, which treats a lost deal as if it might still be won later, the incidences of won, lost
 * and no-decision add up to 1 − S(t).
 *
 * <p>Observations at a close time count as at risk at that time; censorings at the same time leave afterwards.
 * Times are in days.
 */
public final class CompetingRisks {

    /** One spell: its length in days and how it ended; {@link StageOutcome#OPEN} means still open (censored). */
    public record Observation(double days, StageOutcome outcome) {
        public Observation {
            if (!(days >= 0)) {
                throw new IllegalArgumentException("negative or undefined duration " + days);
            }
        }
    }

    private static final StageOutcome[] CAUSES = {StageOutcome.WON, StageOutcome.LOST, StageOutcome.NO_DECISION};

    /**
     * Distinct close times, ascending, in the first {@link #steps} places; the curves below hold their values just
     * after each. The arrays are as long as the closes (a close time shared by several leaves a few places unused):
     * trimming them would copy every curve once more, and a history of millions of spells is learned many times.
     */
    private final double[] times;
    private final int steps;
    private final double[] survival;
    private final double[][] incidence;
    /** ∫_0^{times[i]} F_won(x) dx, so the area to any h is one lookup. */
    private final double[] wonArea;
    /** Per outcome slot, its durations ascending (the first {@link #sizes} of each): how many were open after an age. */
    private final double[][] durations;
    private final int[] sizes;
    private final int size;
    /** The last minimum asked of {@link #openAfterAtLeast}, and the duration that many observations reach. */
    private volatile long[] atRiskThreshold;
    private final Map<StageOutcome, Integer> counts = new EnumMap<>(StageOutcome.class);

    public CompetingRisks(Collection<Observation> observations) {
        this(collect(observations));
    }

    private static Builder collect(Collection<Observation> observations) {
        Builder b = new Builder();
        observations.forEach(o -> b.add(o.days(), o.outcome()));
        return b;
    }

    /**
     * Collects durations without an object per observation: one growable array per outcome (WON, LOST,
     * NO_DECISION, OPEN). Large histories are trained many times (the interval's calibration), so this matters.
     */
    public static final class Builder {
        private final double[][] byOutcome = new double[CAUSES.length + 1][16];
        private final int[] sizes = new int[CAUSES.length + 1];

        public Builder add(double days, StageOutcome outcome) {
            if (!(days >= 0)) {
                throw new IllegalArgumentException("negative or undefined duration " + days);
            }
            int k = slot(outcome);
            if (sizes[k] == byOutcome[k].length) {
                byOutcome[k] = Arrays.copyOf(byOutcome[k], byOutcome[k].length * 2);
            }
            byOutcome[k][sizes[k]++] = days;
            return this;
        }

        /**
         * The first {@code n} of {@code days}, all with one outcome, at once (the sort that follows is the same). The
         * first array given for an outcome is kept, not copied: the caller hands it over.
         */
        public Builder addAll(double[] days, int n, StageOutcome outcome) {
            int k = slot(outcome);
            for (int i = 0; i < n; i++) {
                if (!(days[i] >= 0)) {
                    throw new IllegalArgumentException("negative or undefined duration " + days[i]);
                }
            }
            if (n == 0) {
                return this;
            }
            if (sizes[k] == 0) {
                byOutcome[k] = days;
                sizes[k] = n;
                return this;
            }
            if (sizes[k] + n > byOutcome[k].length) {
                byOutcome[k] = Arrays.copyOf(byOutcome[k], Math.max(sizes[k] + n, byOutcome[k].length * 2));
            }
            System.arraycopy(days, 0, byOutcome[k], sizes[k], n);
            sizes[k] += n;
            return this;
        }

        /** The curves; the builder's arrays become theirs (sorted in place), so it builds once. */
        public CompetingRisks build() {
            if (built) {
                throw new IllegalStateException("a builder builds once");
            }
            built = true;
            return new CompetingRisks(this);
        }

        private boolean built;
    }

    private CompetingRisks(Builder builder) {
        // each outcome's durations sorted on their own (in place: most come sorted), then walked together in time
        // order
        int[] sizes = builder.sizes.clone();
        double[][] byOutcome = builder.byOutcome;
        int n = 0;
        for (int k = 0; k < sizes.length; k++) {
            Arrays.sort(byOutcome[k], 0, sizes[k]);
            n += sizes[k];
        }
        for (StageOutcome o : StageOutcome.values()) {
            counts.put(o, sizes[slot(o)]);
        }
        this.durations = byOutcome;
        this.sizes = sizes;
        this.size = n;
        int closes = n - sizes[CAUSES.length];
        double[] t = new double[closes];
        double[] sv = new double[closes];
        double[][] inc = new double[CAUSES.length][closes];
        double s = 1.0;
        double[] f = new double[CAUSES.length];
        int[] head = new int[byOutcome.length];
        int atRisk = n;
        int step = 0;
        int seen = 0;
        int[] d = new int[byOutcome.length];
        while (seen < n) {
            double time = Double.POSITIVE_INFINITY;
            for (int k = 0; k < byOutcome.length; k++) {
                if (head[k] < sizes[k]) {
                    time = Math.min(time, byOutcome[k][head[k]]);
                }
            }
            Arrays.fill(d, 0);
            for (int k = 0; k < byOutcome.length; k++) {
                while (head[k] < sizes[k] && byOutcome[k][head[k]] == time) {
                    d[k]++;
                    head[k]++;
                    seen++;
                }
            }
            int closed = d[0] + d[1] + d[2];
            if (closed > 0) {
                for (int k = 0; k < CAUSES.length; k++) {
                    f[k] += s * d[k] / atRisk;
                    inc[k][step] = f[k];
                }
                s *= 1.0 - (double) closed / atRisk;
                t[step] = time;
                sv[step] = s;
                step++;
            }
            atRisk -= closed + d[CAUSES.length];
        }
        times = t;
        steps = step;
        survival = sv;
        incidence = inc;
        wonArea = new double[step];
        for (int i = 1; i < step; i++) {
            wonArea[i] = wonArea[i - 1] + incidence[0][i - 1] * (times[i] - times[i - 1]);
        }
    }

    /** Where an outcome's durations are kept: the causes first, open (censored) last. */
    private static int slot(StageOutcome o) {
        return o == StageOutcome.OPEN ? CAUSES.length : causeIndex(o);
    }

    private static int causeIndex(StageOutcome o) {
        return switch (o) {
            case WON -> 0;
            case LOST -> 1;
            case NO_DECISION -> 2;
            case OPEN -> throw new IllegalArgumentException("open is not a cause");
        };
    }

    /** Index of the last close time ≤ t, or -1 before the first. */
    private int stepAt(double t) {
        int i = Arrays.binarySearch(times, 0, steps, t);
        if (i >= 0) {
            return i;
        }
        return -i - 2;
    }

    /** S(t): the estimated share still open after t days. */
    public double survival(double t) {
        int i = stepAt(t);
        return i < 0 ? 1.0 : survival[i];
    }

    /** F_k(t): the estimated share closed with {@code outcome} within t days. */
    public double incidence(StageOutcome outcome, double t) {
        int i = stepAt(t);
        return i < 0 ? 0.0 : incidence[causeIndex(outcome)][i];
    }

    /**
     * P(won within the next {@code horizon} days | still open at {@code age} days) =
     * (F_won(age + horizon) − F_won(age)) / S(age); 0 when no spell in the history was still open at that age.
     */
    public double winWithin(double age, double horizon) {
        // S(age) and F_won(age) read at one step: a search of a million close times is a cache miss per halving
        int i = stepAt(age);
        double s = i < 0 ? 1.0 : survival[i];
        if (s <= 0) {
            return 0;
        }
        double wonByAge = i < 0 ? 0.0 : incidence[0][i];
        double p = (incidence(StageOutcome.WON, age + horizon) - wonByAge) / s;
        return Math.max(0, Math.min(1, p));
    }

    /**
     * ∫_0^h F_won(x) dx, in days: a lead arriving at a uniformly random time in the next h days has h − t days left
     * to win, so the expected wins of arrivals at rate λ per day are λ · ∫_0^h F_won(h − t) dt = λ · this.
     */
    public double integratedWinIncidence(double h) {
        int i = stepAt(h);
        return i < 0 ? 0 : wonArea[i] + incidence[causeIndex(StageOutcome.WON)][i] * (h - times[i]);
    }

    /**
     * Whether at least {@code min} spells are still open (in the stage) after {@code age}: {@code openAfter(age) >=
     * min} without the search (the min-th longest duration, found once for the minimum asked: a model asks one).
     */
    public boolean openAfterAtLeast(double age, int min) {
        if (min <= 0) {
            return true;
        }
        if (min > size) {
            return false;
        }
        long[] known = atRiskThreshold;
        if (known == null || known[0] != min) {
            known = new long[]{min, Double.doubleToRawLongBits(largest(min))};
            atRiskThreshold = known;
        }
        return Double.longBitsToDouble(known[1]) > age;
    }

    /** The {@code k}-th largest duration of all (1: the largest), from the ends of the outcomes' sorted arrays. */
    private double largest(int k) {
        int[] tail = sizes.clone();
        double value = Double.NaN;
        for (int taken = 0; taken < k; taken++) {
            int from = -1;
            for (int o = 0; o < tail.length; o++) {
                if (tail[o] > 0 && (from < 0 || durations[o][tail[o] - 1] > durations[from][tail[from] - 1])) {
                    from = o;
                }
            }
            value = durations[from][--tail[from]];
        }
        return value;
    }

    /** How many observations were still open after {@code age} days (the risk set behind a conditional estimate). */
    public int openAfter(double age) {
        int open = 0;
        for (int o = 0; o < durations.length; o++) {
            int lo = 0;
            int hi = sizes[o];
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (durations[o][mid] <= age) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            open += sizes[o] - lo;
        }
        return open;
    }

    public int count(StageOutcome outcome) {
        return counts.get(outcome);
    }

    public int closed() {
        return count(StageOutcome.WON) + count(StageOutcome.LOST) + count(StageOutcome.NO_DECISION);
    }

    public int size() {
        return size;
    }

    /** Share of the closed spells that were won, ignoring time: the flat rate used when timing is unknown. */
    public double wonShareOfClosed() {
        int closed = closed();
        return closed == 0 ? 0 : (double) count(StageOutcome.WON) / closed;
    }
}
