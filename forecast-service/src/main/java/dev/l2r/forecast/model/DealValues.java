package dev.l2r.forecast.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a deal is worth: the lead's own amount where known, else the average won deal of its segment (when the
 * segment has enough won deals), else the average won deal overall. A simulation draws an unknown amount from the
 * same won deals rather than using the average, so the interval reflects how much deal sizes vary.
 */
public final class DealValues {

    public enum Source { AMOUNT, SEGMENT_AVERAGE, OVERALL_AVERAGE, NONE }

    /**
     * A lead's value: a fixed amount, or a pool of won amounts to draw from whose mean is {@code mean};
     * {@code meanSquare} is E[value²] over the same draws (the outcome variance needs it).
     */
    public record Value(double mean, Source source, double[] pool, double meanSquare) {

        public Value(double mean, Source source, double[] pool) {
            this(mean, source, pool, meanSquare(mean, pool));
        }

        private static double meanSquare(double mean, double[] pool) {
            if (pool == null) {
                return mean * mean;
            }
            double sum = 0;
            for (double v : pool) {
                sum += v * v;
            }
            return sum / pool.length;
        }

        /** The same value × {@code factor} (a mean only: what the expectation needs). */
        Value scaled(double factor) {
            return factor == 1 ? this : new Value(mean * factor, source, null, meanSquare * factor * factor);
        }

        public double draw(SplittableRandom random) {
            return pool == null ? mean : pool[random.nextInt(pool.length)];
        }
    }

    private static final Value NONE = new Value(0, Source.NONE, null);

    private final Map<String, Value> bySegment = new HashMap<>();
    private final Value overall;
    private final int wonDeals;

    /**
     * From won closes priced in the forecast's currency. Amounts are taken in lead-id order so that the pools, and
     * therefore the draws, do not depend on the order rows were loaded in.
     */
    public DealValues(Collection<Close> wonPriced, int minWonPerSegment) {
        this(sortedByLead(wonPriced), minWonPerSegment);
    }

    private static List<Close> sortedByLead(Collection<Close> closes) {
        List<Close> sorted = new ArrayList<>(closes);
        sorted.sort(LEAD_ORDER);
        return sorted;
    }

    /** The order the amounts are taken in. */
    static final java.util.Comparator<Close> LEAD_ORDER = java.util.Comparator.comparing(Close::leadId)
            .thenComparing(Close::closedAt);

    /**
     * From won closes priced in the forecast's currency already in {@link #LEAD_ORDER} (the index keeps them so):
     * comparing a million lead ids again, for every model trained, only to find them in order, is not free.
     */
    static DealValues inLeadOrder(List<Close> sorted, int minWonPerSegment) {
        return new DealValues(sorted, minWonPerSegment);
    }

    /** Private: only this class knows when its input is in order (elsewhere a List finds the public constructor). */
    private DealValues(List<Close> sorted, int minWonPerSegment) {
        // in arrays of their own sizes, not lists of boxed amounts: a model at a million leads takes 300,000
        double[] all = new double[sorted.size()];
        String[] segmentOf = new String[all.length];
        Map<String, int[]> counts = new HashMap<>();
        for (int i = 0; i < all.length; i++) {
            Close c = sorted.get(i);
            all[i] = c.amount().doubleValue();
            segmentOf[i] = c.attributes().segment();
            if (segmentOf[i] != null) {
                counts.computeIfAbsent(segmentOf[i], k -> new int[1])[0]++;
            }
        }
        Map<String, double[]> segments = new HashMap<>();
        counts.forEach((segment, n) -> segments.put(segment, new double[n[0]]));
        counts.values().forEach(n -> n[0] = 0);
        for (int i = 0; i < all.length; i++) {
            if (segmentOf[i] != null) {
                segments.get(segmentOf[i])[counts.get(segmentOf[i])[0]++] = all[i];
            }
        }
        wonDeals = all.length;
        overall = all.length == 0 ? NONE : pool(all, Source.OVERALL_AVERAGE);
        segments.forEach((segment, amounts) -> {
            if (amounts.length >= minWonPerSegment) {
                bySegment.put(segment, pool(amounts, Source.SEGMENT_AVERAGE));
            }
        });
    }

    private static Value pool(double[] values, Source source) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return new Value(sum / values.length, source, values);
    }

    /** The value of a lead of {@code segment} whose own amount (in the forecast's currency) is {@code amount} or null. */
    public Value of(String segment, BigDecimal amount) {
        if (amount != null) {
            return new Value(amount.doubleValue(), Source.AMOUNT, null);
        }
        return averageFor(segment);
    }

    /** The average won deal of {@code segment}, or overall when the segment has too few won deals. */
    public Value averageFor(String segment) {
        Value own = segment == null ? null : bySegment.get(segment);
        return own != null ? own : overall;
    }

    public Value overall() {
        return overall;
    }

    public int wonDeals() {
        return wonDeals;
    }
}
