package dev.l2r.funnel.projection;

import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.funnel.metrics.Velocity;

import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signed sums of per-lead rows into the cells that hold them: the one place that says which cells a row counts
 * in. A stage entry counts in six cohort cells and a conversion of a hot pair in six conversion cells (day and
 * month, each whole, by channel and by segment; UTC) and three velocity cells (its ISO week, whole, by channel
 * and by segment). The live projector sums a batch's new rows minus the rows they replace and adds the result to
 * the stored cells; a rebuild sums every lead and writes the cells once.
 */
public final class CellSums {

    /** Which attribute a cell keeps (the cubes' {@code dims}): none, the channel, the segment. */
    private static final short[] DIMS = {0, 1, 2};

    /** A cohort cell: {@code period} is the UTC day (grain D) or the first day of the month (grain M). */
    public record CohortCell(String stage, char grain, short dims, LocalDate period, boolean skipped,
                             String channel, String segment) {
    }

    public record ConversionCell(String fromStage, String toStage, char grain, short dims, LocalDate period,
                                 boolean skipped, String channel, String segment) {
    }

    /** A velocity cell: {@code week} is the Monday of the ISO week of entry. */
    public record VelocityCell(String fromStage, String toStage, short dims, short bucket, LocalDate week,
                               boolean skipped, String channel, String segment) {
    }

    /** A conversion cell's sums: converted leads, their velocities (exact), and how many fell in each bucket. */
    public static final class Conversions {
        private long leads;
        private long velocity;
        private BigInteger bigVelocity; // once the sum leaves the range of a long
        private final int[] hist = new int[Velocity.BUCKETS];

        public long leads() {
            return leads;
        }

        public BigInteger velocityMicros() {
            return bigVelocity != null ? bigVelocity : BigInteger.valueOf(velocity);
        }

        public int[] hist() {
            return hist;
        }

        private void add(int sign, long micros, int bucket) {
            leads += sign;
            hist[bucket] += sign;
            long v = sign * micros;
            if (bigVelocity == null) {
                try {
                    velocity = Math.addExact(velocity, v);
                    return;
                } catch (ArithmeticException overflow) {
                    bigVelocity = BigInteger.valueOf(velocity);
                }
            }
            bigVelocity = bigVelocity.add(BigInteger.valueOf(v));
        }

        private boolean isZero() {
            return leads == 0 && velocityMicros().signum() == 0 && allZero(hist);
        }
    }

    private final Map<CohortCell, long[]> cohorts = new HashMap<>();
    private final Map<ConversionCell, Conversions> conversions = new HashMap<>();
    private final Map<VelocityCell, int[]> velocities = new HashMap<>();

    /** Every row of one lead: its stage entries, and its conversions of the hot pairs. */
    public void add(int sign, LeadFacts lead, Map<String, Set<String>> hotTargets) {
        for (LeadTimeline.Entry e : lead.entries()) {
            addEntry(sign, e.stage(), day(e.enteredAt()), e.skipped(), lead.channel(), lead.segment());
        }
        for (LeadFacts.Reach r : lead.reaches()) {
            if (hotTargets.getOrDefault(r.fromStage(), Set.of()).contains(r.toStage())) {
                addConversion(sign, r.fromStage(), r.toStage(), day(r.enteredAt()), r.skipped(), r.velocityMicros(),
                        lead.channel(), lead.segment());
            }
        }
    }

    public void addEntry(int sign, String stage, LocalDate day, boolean skipped, String channel, String segment) {
        LocalDate month = day.withDayOfMonth(1);
        for (short dims : DIMS) {
            String ch = dims == 1 ? channel : null;
            String seg = dims == 2 ? segment : null;
            cohorts.computeIfAbsent(new CohortCell(stage, 'D', dims, day, skipped, ch, seg), k -> new long[1])[0] += sign;
            cohorts.computeIfAbsent(new CohortCell(stage, 'M', dims, month, skipped, ch, seg), k -> new long[1])[0] += sign;
        }
    }

    /** A conversion of a hot pair (one the cells keep). */
    public void addConversion(int sign, String from, String to, LocalDate day, boolean skipped, long velocityMicros,
                              String channel, String segment) {
        LocalDate month = day.withDayOfMonth(1);
        LocalDate week = day.with(DayOfWeek.MONDAY);
        int bucket = Velocity.bucket(velocityMicros);
        int fine = Velocity.fine(velocityMicros);
        for (short dims : DIMS) {
            String ch = dims == 1 ? channel : null;
            String seg = dims == 2 ? segment : null;
            conversions.computeIfAbsent(new ConversionCell(from, to, 'D', dims, day, skipped, ch, seg),
                    k -> new Conversions()).add(sign, velocityMicros, bucket);
            conversions.computeIfAbsent(new ConversionCell(from, to, 'M', dims, month, skipped, ch, seg),
                    k -> new Conversions()).add(sign, velocityMicros, bucket);
            velocities.computeIfAbsent(new VelocityCell(from, to, dims, (short) bucket, week, skipped, ch, seg),
                    k -> new int[Velocity.FINE])[fine] += sign;
        }
    }

    /** How many cells are held. */
    public int size() {
        return cohorts.size() + conversions.size() + velocities.size();
    }

    /** Cohort cells whose sum is not zero, in key order (writers lock cells in one order). */
    public List<Map.Entry<CohortCell, long[]>> cohorts() {
        return sorted(cohorts, v -> v[0] == 0, COHORT_ORDER);
    }

    public List<Map.Entry<ConversionCell, Conversions>> conversions() {
        return sorted(conversions, Conversions::isZero, CONVERSION_ORDER);
    }

    public List<Map.Entry<VelocityCell, int[]>> velocities() {
        return sorted(velocities, CellSums::allZero, VELOCITY_ORDER);
    }

    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());

    private static final Comparator<CohortCell> COHORT_ORDER = Comparator.comparing(CohortCell::stage)
            .thenComparing(CohortCell::grain).thenComparing(CohortCell::dims).thenComparing(CohortCell::period)
            .thenComparing(CohortCell::skipped).thenComparing(CohortCell::channel, TEXT)
            .thenComparing(CohortCell::segment, TEXT);

    private static final Comparator<ConversionCell> CONVERSION_ORDER = Comparator.comparing(ConversionCell::fromStage)
            .thenComparing(ConversionCell::toStage).thenComparing(ConversionCell::grain)
            .thenComparing(ConversionCell::dims).thenComparing(ConversionCell::period)
            .thenComparing(ConversionCell::skipped).thenComparing(ConversionCell::channel, TEXT)
            .thenComparing(ConversionCell::segment, TEXT);

    private static final Comparator<VelocityCell> VELOCITY_ORDER = Comparator.comparing(VelocityCell::fromStage)
            .thenComparing(VelocityCell::toStage).thenComparing(VelocityCell::dims)
            .thenComparing(VelocityCell::bucket).thenComparing(VelocityCell::week)
            .thenComparing(VelocityCell::skipped).thenComparing(VelocityCell::channel, TEXT)
            .thenComparing(VelocityCell::segment, TEXT);

    private static <K, V> List<Map.Entry<K, V>> sorted(Map<K, V> cells, java.util.function.Predicate<V> zero,
                                                       Comparator<K> order) {
        List<Map.Entry<K, V>> out = new ArrayList<>(cells.size());
        for (Map.Entry<K, V> e : cells.entrySet()) {
            if (!zero.test(e.getValue())) {
                out.add(e);
            }
        }
        out.sort(Map.Entry.comparingByKey(order));
        return out;
    }

    private static boolean allZero(int[] values) {
        return Arrays.stream(values).allMatch(v -> v == 0);
    }

    static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }
}
