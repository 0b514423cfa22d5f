package dev.l2r.funnel.query;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.funnel.core.Conversion;
import dev.l2r.funnel.core.Percentile;
import dev.l2r.funnel.core.Slice;
import dev.l2r.funnel.core.Stages;
import dev.l2r.funnel.core.Velocity;
import dev.l2r.funnel.core.VelocityDays;
import dev.l2r.funnel.storage.CellQueries;
import dev.l2r.funnel.storage.CellQueries.Group;
import dev.l2r.funnel.storage.CellQueries.Lookup;
import dev.l2r.funnel.storage.CellQueries.Pair;
import dev.l2r.funnel.storage.CellQueries.Parts;
import dev.l2r.funnel.storage.CellQueries.Target;
import dev.l2r.funnel.storage.CellQueries.Totals;
import dev.l2r.funnel.storage.DefinitionStore;
import dev.l2r.funnel.storage.LeadCurrentQueries;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import static dev.l2r.funnel.core.Stages.next;

/**
 * The funnel's figures (docs/architecture.md, "Metrics"): the counts read by storage ({@link CellQueries},
 * {@link LeadCurrentQueries}), the math done by the core ({@link Conversion} for rates, {@link Velocity} and
 * {@link Percentile} for velocities). Conversion(A→B) counts a lead of A's cohort when it reached B, or a stage after
 * B, at or after its entry into A; velocity is the time between the two, and its median and p90 are nearest-rank
 * percentiles.
 */
@ApplicationScoped
public class FunnelFigures {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DefinitionStore definitions;

    public FunnelDefinition funnel() {
        return definitions.current();
    }

    public Answers.Funnel funnel(Slice slice) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return funnel(c, definitions.current(c), slice);
        }
    }

    private Answers.Funnel funnel(Connection c, FunnelDefinition funnel, Slice slice) throws SQLException {
        List<String> stages = funnel.stages().stream().map(StageDefinition::key).toList();
        String won = funnel.wonStage();
        List<Pair> pairs = new ArrayList<>();
        for (String s : stages) {
            next(funnel, s).ifPresent(n -> {
                pairs.add(new Pair(s, n));
                if (!n.equals(won)) {
                    pairs.add(new Pair(s, won));
                }
            });
        }
        CellQueries q = new CellQueries(slice.overall(), null);
        Map<String, Map<Group, Long>> cohorts = q.cohorts(c, stages);
        Map<Pair, Map<Group, Totals>> conversions = q.conversions(c, pairs, hot(funnel));
        Map<Pair, Totals> nextTotals = new LinkedHashMap<>();
        for (String s : stages) {
            next(funnel, s).ifPresent(n -> nextTotals.put(new Pair(s, n), total(conversions.get(new Pair(s, n)))));
        }
        Map<Pair, VelocityDays> velocities = velocityDays(c, q, hot(funnel), nextTotals, p -> new Target(p, null));
        List<Answers.StageFigures> figures = new ArrayList<>();
        for (String s : stages) {
            long entered = sum(cohorts.get(s));
            Optional<String> n = next(funnel, s);
            if (n.isEmpty()) {
                Long reachedWon = s.equals(won) ? entered : null;
                figures.add(new Answers.StageFigures(s, entered, null, null, null, reachedWon,
                        reachedWon == null ? null : Conversion.rate(entered, entered), VelocityDays.NONE));
                continue;
            }
            Pair toNext = new Pair(s, n.get());
            long reachedNext = nextTotals.get(toNext).leads();
            long reachedWon = total(conversions.get(new Pair(s, won))).leads();
            figures.add(new Answers.StageFigures(s, entered, n.get(), reachedNext, Conversion.rate(reachedNext, entered),
                    reachedWon, Conversion.rate(reachedWon, entered), velocities.get(toNext)));
        }
        return new Answers.Funnel(slice.from(), slice.to(), slice.includeSkipped(), slice.filters(), figures);
    }

    public Answers.Conversion conversion(String from, String to, Slice slice, Integer withinDays) throws SQLException {
        Pair pair = new Pair(from, to);
        try (Connection c = dataSource.getConnection()) {
            FunnelDefinition funnel = definitions.current(c);
            Slice overallSlice = slice.overall();
            CellQueries overallQ = new CellQueries(overallSlice, withinDays);
            long cohortSize = sum(overallQ.cohorts(c, List.of(from)).get(from));
            Totals overallTotals = total(overallQ.conversions(c, List.of(pair), hot(funnel)).get(pair));
            VelocityDays overallV = velocityDays(c, overallQ, hot(funnel), Map.of(pair, overallTotals),
                    p -> new Target(p, null)).get(pair);
            Answers.Outcome overall = new Answers.Outcome(cohortSize, overallTotals.leads(),
                    Conversion.rate(overallTotals.leads(), cohortSize), overallV);

            List<Answers.Cohort> cohorts = List.of();
            if (slice.interval() != Slice.Interval.NONE) {
                CellQueries periodQ = new CellQueries(overallSlice.per(slice.interval()), withinDays);
                Map<Group, Long> sizes = orEmpty(periodQ.cohorts(c, List.of(from)).get(from));
                Map<Group, Totals> converted = orEmpty(periodQ.conversions(c, List.of(pair), hot(funnel)).get(pair));
                TreeMap<LocalDate, long[]> byPeriod = new TreeMap<>();
                sizes.forEach((g, n) -> byPeriod.computeIfAbsent(g.period(), k -> new long[2])[0] += n);
                converted.forEach((g, t) -> byPeriod.computeIfAbsent(g.period(), k -> new long[2])[1] += t.leads());
                cohorts = new ArrayList<>();
                for (Map.Entry<LocalDate, long[]> e : byPeriod.entrySet()) {
                    long[] v = e.getValue();
                    cohorts.add(new Answers.Cohort(label(slice.interval(), e.getKey()), e.getKey(), v[0], v[1],
                            Conversion.rate(v[1], v[0])));
                }
            }

            List<Answers.GroupOutcome> groups = List.of();
            if (slice.groupBy() != null) {
                CellQueries groupQ = new CellQueries(overallSlice.grouped(slice.groupBy()), withinDays);
                Map<Group, Long> sizes = orEmpty(groupQ.cohorts(c, List.of(from)).get(from));
                Map<Group, Totals> converted = orEmpty(groupQ.conversions(c, List.of(pair), hot(funnel)).get(pair));
                Map<GroupKey, Totals> totals = new LinkedHashMap<>();
                Map<GroupKey, Long> groupSizes = new HashMap<>();
                sizes.forEach((g, n) -> groupSizes.merge(new GroupKey(g.key()), n, Long::sum));
                for (GroupKey k : groupSizes.keySet()) {
                    totals.put(k, converted.getOrDefault(new Group(k.key(), null), new Totals()));
                }
                Map<GroupKey, VelocityDays> v = velocityDays(c, groupQ, hot(funnel), totals,
                        k -> new Target(pair, k.key()));
                groups = new ArrayList<>();
                for (Map.Entry<GroupKey, Totals> e : totals.entrySet()) {
                    long size = groupSizes.get(e.getKey());
                    long conv = e.getValue().leads();
                    groups.add(new Answers.GroupOutcome(e.getKey().key(), size, conv, Conversion.rate(conv, size),
                            v.get(e.getKey())));
                }
                groups.sort(Comparator.comparingLong(Answers.GroupOutcome::cohortSize).reversed()
                        .thenComparing(Answers.GroupOutcome::key, Comparator.nullsFirst(Comparator.naturalOrder())));
            }
            return new Answers.Conversion(from, to, slice.from(), slice.to(), withinDays, slice.includeSkipped(),
                    slice.filters(), slice.interval() == Slice.Interval.NONE ? null : slice.interval().name().toLowerCase(),
                    slice.groupBy(), overall, cohorts, groups);
        }
    }

    public Answers.Volume volume(String stage, Slice slice) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Map<Group, Long> sizes = orEmpty(new CellQueries(slice, null).cohorts(c, List.of(stage)).get(stage));
            TreeMap<LocalDate, Long> byPeriod = new TreeMap<>();
            slice.periodStarts().forEach(p -> byPeriod.put(p, 0L));
            sizes.forEach((g, n) -> byPeriod.merge(g.period(), n, Long::sum));
            List<Answers.VolumePeriod> periods = new ArrayList<>();
            byPeriod.forEach((p, n) -> periods.add(new Answers.VolumePeriod(label(slice.interval(), p), p, n)));
            return new Answers.Volume(stage, slice.from(), slice.to(), slice.interval().name().toLowerCase(),
                    sum(sizes), periods);
        }
    }

    /**
     * Leads in each open stage now (entered at or before {@code asOf}), their age in the stage at {@code asOf},
     * and how many are stale: older than the p90 velocity from that stage to the next over the 12 months of
     * cohorts before {@code asOf}.
     */
    public Answers.Wip wip(Instant asOf, Map<String, String> filters, int staleLimit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            FunnelDefinition funnel = definitions.current(c);
            Slice trailing = new Slice(asOf.atZone(ZoneOffset.UTC).minusMonths(12).toInstant(), asOf, filters, true,
                    null, Slice.Interval.NONE);
            Answers.Funnel history = funnel(c, funnel, trailing);
            Map<String, BigDecimal> staleAfter = new HashMap<>();
            history.stages().forEach(s -> staleAfter.put(s.stage(), s.velocityToNextDays().p90()));

            LeadCurrentQueries current = new LeadCurrentQueries(filters);
            List<Answers.StageWip> stages = new ArrayList<>();
            List<Answers.StaleLead> staleLeads = new ArrayList<>();
            for (String stage : funnel.openStages()) {
                BigDecimal threshold = staleAfter.get(stage);
                Timestamp staleBefore = threshold == null ? null : Timestamp.from(Velocity.before(asOf, threshold));
                LeadCurrentQueries.StageAges ages = current.ages(c, stage, asOf, staleBefore);
                VelocityDays age = ages.leads() == 0 ? VelocityDays.NONE : new VelocityDays(ages.leads(),
                        Velocity.daysFromSeconds(ages.meanAgeSeconds()), Velocity.daysBetween(ages.medianSince(), asOf),
                        Velocity.daysBetween(ages.p90Since(), asOf));
                stages.add(new Answers.StageWip(stage, ages.leads(), age, threshold, ages.stale()));
                if (staleBefore != null && staleLimit > 0) {
                    for (LeadCurrentQueries.Sitting lead : current.longestSitting(c, stage, asOf, staleBefore, staleLimit)) {
                        staleLeads.add(new Answers.StaleLead(lead.leadId(), stage, lead.since(),
                                Velocity.daysBetween(lead.since(), asOf)));
                    }
                }
            }
            staleLeads.sort(Comparator.comparing(Answers.StaleLead::ageDays).reversed());
            return new Answers.Wip(asOf, filters, stages,
                    staleLeads.subList(0, Math.min(staleLimit, staleLeads.size())));
        }
    }

    /** The funnel over the {@code months} before {@code asOf}, and optionally the same window before another date. */
    public Answers.Baseline baseline(Instant asOf, int months, Instant compareAsOf, Map<String, String> filters,
                                     boolean includeSkipped) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            FunnelDefinition funnel = definitions.current(c);
            Answers.Funnel current = funnel(c, funnel, window(asOf, months, filters, includeSkipped));
            if (compareAsOf == null) {
                return new Answers.Baseline(asOf, months, current, null, null);
            }
            Answers.Funnel previous = funnel(c, funnel, window(compareAsOf, months, filters, includeSkipped));
            List<Answers.StageChange> changes = new ArrayList<>();
            for (int i = 0; i < current.stages().size(); i++) {
                Answers.StageFigures now = current.stages().get(i);
                Answers.StageFigures then = previous.stages().get(i);
                changes.add(new Answers.StageChange(now.stage(), now.entered() - then.entered(),
                        then.entered() == 0 ? null : Conversion.rate(now.entered() - then.entered(), then.entered()),
                        minus(now.conversionToNext(), then.conversionToNext()),
                        minus(now.conversionToWon(), then.conversionToWon()),
                        minus(now.velocityToNextDays().median(), then.velocityToNextDays().median())));
            }
            return new Answers.Baseline(asOf, months, current, previous, changes);
        }
    }

    private static Slice window(Instant asOf, int months, Map<String, String> filters, boolean includeSkipped) {
        return new Slice(asOf.atZone(ZoneOffset.UTC).minusMonths(months).toInstant(), asOf, filters, includeSkipped,
                null, Slice.Interval.NONE);
    }

    private static BigDecimal minus(BigDecimal a, BigDecimal b) {
        return a == null || b == null ? null : a.subtract(b);
    }

    /** Group key wrapper that allows a null (unknown) attribute value as a map key. */
    private record GroupKey(String key) {
    }

    private static final int[] PERCENTILES = {50, 90};

    /**
     * Mean from the exact sum; median and p90 by locating their rank in the bucket histogram, then in the parts of
     * that bucket, and then reading the exact value at that rank among the few rows of that part (one statement
     * for each step, for every key at once). A pair the cells do not keep skips the parts: its value is ranked
     * among the rows of the whole bucket, which one range read of the pair's rows finds. Bucket 0 holds only zeros.
     */
    private static <K> Map<K, VelocityDays> velocityDays(Connection c, CellQueries q, Predicate<Pair> hot,
                                                         Map<K, Totals> totals, java.util.function.Function<K, Target> targetOf)
            throws SQLException {
        record Pending(Object key, int percentile, Parts parts, long rankInBucket) {
        }
        Map<K, long[]> values = new HashMap<>();
        List<Pending> pending = new ArrayList<>();
        Map<Parts, Integer> partsIndex = new LinkedHashMap<>();
        for (Map.Entry<K, Totals> e : totals.entrySet()) {
            long n = count(e.getValue());
            values.put(e.getKey(), new long[PERCENTILES.length]);
            for (int j = 0; j < PERCENTILES.length && n > 0; j++) {
                Percentile.Position pos = Percentile.locate(e.getValue().histogram(), Percentile.rank(PERCENTILES[j], n));
                if (pos.bucket() > 0) {
                    Parts parts = new Parts(targetOf.apply(e.getKey()), pos.bucket());
                    if (hot.test(parts.target().pair())) {
                        partsIndex.putIfAbsent(parts, partsIndex.size());
                    }
                    pending.add(new Pending(e.getKey(), j, parts, pos.rankInBucket()));
                }
            }
        }
        long[][] spread = q.parts(c, new ArrayList<>(partsIndex.keySet()), hot);
        List<Lookup> lookups = new ArrayList<>();
        for (Pending p : pending) {
            Integer narrowed = partsIndex.get(p.parts());
            if (narrowed == null) { // a pair the cells do not keep: ranked within the whole bucket, in one range read
                lookups.add(new Lookup(p.parts().target(), p.parts().bucket(), Lookup.WHOLE_BUCKET, p.rankInBucket()));
                continue;
            }
            Percentile.Position inBucket = Percentile.locate(spread[narrowed], p.rankInBucket());
            lookups.add(new Lookup(p.parts().target(), p.parts().bucket(), inBucket.bucket(), inBucket.rankInBucket()));
        }
        long[] found = q.values(c, lookups, hot);
        for (int i = 0; i < pending.size(); i++) {
            values.get(pending.get(i).key())[pending.get(i).percentile()] = found[i];
        }
        Map<K, VelocityDays> result = new HashMap<>();
        for (Map.Entry<K, Totals> e : totals.entrySet()) {
            long n = count(e.getValue());
            long[] v = values.get(e.getKey());
            result.put(e.getKey(), n == 0 ? VelocityDays.NONE : VelocityDays.of(n, e.getValue().sumMicros(), v[0], v[1]));
        }
        return result;
    }

    /** Converted leads, checked against their histogram. */
    private static long count(Totals totals) {
        long n = 0;
        for (long b : totals.histogram()) {
            n += b;
        }
        if (n != totals.leads()) {
            throw new IllegalStateException("cells disagree: " + n + " in the histogram, " + totals.leads() + " counted");
        }
        return n;
    }

    private static Predicate<Pair> hot(FunnelDefinition funnel) {
        return p -> Stages.isHot(funnel, p.from(), p.to());
    }

    private static Totals total(Map<Group, Totals> byGroup) {
        Totals all = new Totals();
        if (byGroup != null) {
            byGroup.values().forEach(t -> all.add(t));
        }
        return all;
    }

    private static long sum(Map<Group, Long> byGroup) {
        return byGroup == null ? 0 : byGroup.values().stream().mapToLong(Long::longValue).sum();
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? new HashMap<>() : m; // a HashMap: null (unknown) keys are looked up
    }

    static String label(Slice.Interval interval, LocalDate start) {
        if (start == null) {
            return null;
        }
        return switch (interval) {
            case MONTH -> start.toString().substring(0, 7);
            case WEEK -> String.format("%d-W%02d", start.get(IsoFields.WEEK_BASED_YEAR),
                    start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case NONE -> null;
        };
    }
}
