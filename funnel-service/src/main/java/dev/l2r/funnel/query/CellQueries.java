package dev.l2r.funnel.query;

import dev.l2r.funnel.metrics.Velocity;
import dev.l2r.funnel.metrics.WindowPlan;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads cohort sizes, conversion counts, velocity histograms and exact velocities for a {@link Slice}: whole
 * periods from the pre-aggregated cells, the rest from the per-lead rows (see {@link WindowPlan}). Cells keep
 * the hot pairs (a stage to its next stage and to won) with no attribute, or by channel or segment; anything
 * else is read from the per-lead rows, exactly but more slowly. A percentile is found in three steps: its bucket
 * from the cells' histograms, its part of the bucket from the week cells, and its value from the few per-lead
 * rows of that part. Each piece is its own branch of one UNION ALL statement, so every branch is a plain index
 * range scan.
 */
public final class CellQueries {

    /** A group of a slice: the attribute value (null: unknown, or not grouped) and the entry period start. */
    public record Group(String key, LocalDate period) {
    }

    public record Pair(String from, String to) {
    }

    /** Leads that converted, the exact sum of their velocities, and how many fell in each velocity bucket. */
    public static final class Totals {
        long leads;
        BigDecimal sumMicros = BigDecimal.ZERO;
        final long[] histogram = new long[Velocity.BUCKETS];

        public long leads() {
            return leads;
        }

        public BigDecimal sumMicros() {
            return sumMicros;
        }

        public long[] histogram() {
            return histogram;
        }

        void add(Totals other) {
            leads += other.leads;
            sumMicros = sumMicros.add(other.sumMicros);
            for (int b = 0; b < histogram.length; b++) {
                histogram[b] += other.histogram[b];
            }
        }
    }

    /** The converted leads of one pair, and of one group of it when {@code grouped}. */
    public record Target(Pair pair, boolean grouped, String groupKey) {
    }

    /** Find the {@code rank}-th smallest velocity (1-based) in part {@code fine} of {@code bucket} of a target. */
    public record Lookup(Target target, int bucket, int fine, long rank) {
    }

    /** How a target's velocities in {@code bucket} spread over the bucket's parts. */
    public record Parts(Target target, int bucket) {
    }

    private final Slice slice;
    private final Integer withinDays;
    private final int dims;

    /** @param withinDays only conversions within that many days count (read from the per-lead rows); null: all */
    public CellQueries(Slice slice, Integer withinDays) {
        this.slice = slice;
        this.withinDays = withinDays;
        this.dims = slice.cellDims();
    }

    /** Leads entering each stage, per group. */
    public Map<String, Map<Group, Long>> cohorts(Connection c, Collection<String> stages) throws SQLException {
        Map<String, Map<Group, Long>> result = new HashMap<>();
        String[] stageArray = stages.toArray(String[]::new);
        Union union = new Union();
        for (Piece piece : pieces(countPlan(true), dims >= 0)) {
            Sql b = union.branch("SELECT stage, " + groupColumn() + ", " + periodColumn(piece.dayColumn()) + ", "
                    + (piece.cells() ? "sum(leads)" : "count(*)") + " FROM "
                    + (piece.cells() ? "cohort_cube" : "lead_stage_entry") + " WHERE stage = ANY (?)");
            b.param(stageArray);
            piece.where(b, dims);
            attributes(b, piece.cells());
            b.text(" GROUP BY 1, 2, 3");
        }
        union.query(c, rs -> result.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                .merge(new Group(rs.getString(2), localDate(rs.getDate(3))), rs.getLong(4), Long::sum));
        return result;
    }

    /**
     * Leads of each pair's cohort that converted, their velocity sum and velocity histogram, per group. Cells
     * bring their histogram arrays; per-lead rows are counted per bucket.
     */
    public Map<Pair, Map<Group, Totals>> conversions(Connection c, Collection<Pair> pairs, java.util.function.Predicate<Pair> hot)
            throws SQLException {
        Map<Pair, Map<Group, Totals>> result = new HashMap<>();
        Union union = new Union();
        for (Pair pair : pairs) {
            boolean cells = dims >= 0 && withinDays == null && hot.test(pair);
            for (Piece piece : pieces(cells ? countPlan(false) : perLead(), cells)) {
                Sql b = union.branch("SELECT " + groupColumn() + ", " + periodColumn(piece.dayColumn()) + ", "
                        + (piece.cells() ? "leads, velocity_us, hist, NULL::smallint" : "count(*), sum(velocity_us), NULL::int[], bucket")
                        + ", ?::text, ?::text FROM " + (piece.cells() ? "conversion_cube" : "lead_conversion")
                        + " WHERE from_stage = ? AND to_stage = ?");
                pairParams(b, pair);
                piece.where(b, dims);
                attributes(b, piece.cells());
                within(b, piece.cells());
                if (!piece.cells()) {
                    b.text(" GROUP BY 1, 2, 6");
                }
            }
        }
        union.query(c, rs -> {
            Totals t = result.computeIfAbsent(new Pair(rs.getString(7), rs.getString(8)), k -> new HashMap<>())
                    .computeIfAbsent(new Group(rs.getString(1), localDate(rs.getDate(2))), k -> new Totals());
            long leads = rs.getLong(3);
            t.leads += leads;
            t.sumMicros = t.sumMicros.add(rs.getBigDecimal(4));
            java.sql.Array hist = rs.getArray(5);
            if (hist == null) {
                t.histogram[rs.getInt(6)] += leads;
            } else {
                Integer[] counts = (Integer[]) hist.getArray();
                for (int i = 0; i < counts.length; i++) {
                    t.histogram[i] += counts[i];
                }
            }
        });
        return result;
    }

    /**
     * For each query, the leads of its bucket in each of the bucket's {@link Velocity#FINE} parts: whole ISO weeks
     * from the week cells, the rest from per-lead rows.
     */
    public long[][] parts(Connection c, List<Parts> queries, java.util.function.Predicate<Pair> hot) throws SQLException {
        long[][] result = new long[queries.size()][Velocity.FINE];
        if (queries.isEmpty()) {
            return result;
        }
        Short[] allParts = new Short[Velocity.FINE];
        for (short f = 0; f < Velocity.FINE; f++) {
            allParts[f] = f;
        }
        Union union = new Union();
        for (int i = 0; i < queries.size(); i++) {
            Parts q = queries.get(i);
            Pair pair = q.target().pair();
            boolean cells = dims >= 0 && withinDays == null && hot.test(pair);
            WindowPlan plan = cells ? WindowPlan.of(slice.from(), slice.to(), WindowPlan.Grain.WEEK, false) : perLead();
            for (Piece piece : pieces(plan, cells)) {
                Sql b = union.branch("SELECT ?::int, " + (piece.cells() ? "fine, NULL::smallint, NULL::bigint FROM velocity_cube"
                        : "NULL::int[], fine, count(*) FROM lead_conversion") + " WHERE from_stage = ? AND to_stage = ?");
                b.param(i);
                b.param(pair.from());
                b.param(pair.to());
                if (piece.cells()) {
                    b.text(" AND bucket = ?");
                    b.param((short) q.bucket());
                } else {
                    // both conditions, so that the look-up index reads only this bucket's rows of the period
                    b.text(" AND bucket = ? AND fine = ANY (?)");
                    b.param((short) q.bucket());
                    b.param(allParts);
                }
                piece.where(b, dims);
                attributes(b, piece.cells());
                within(b, piece.cells());
                group(b, q.target());
                if (!piece.cells()) {
                    b.text(" GROUP BY fine");
                }
            }
        }
        union.query(c, rs -> {
            long[] counts = result[rs.getInt(1)];
            java.sql.Array fine = rs.getArray(2);
            if (fine == null) {
                counts[rs.getInt(3)] += rs.getLong(4);
            } else {
                Integer[] n = (Integer[]) fine.getArray();
                for (int f = 0; f < n.length; f++) {
                    counts[f] += n[f];
                }
            }
        });
        return result;
    }

    /** Exact velocities (microseconds) for each lookup, in order, each read inside one bucket. */
    public long[] values(Connection c, List<Lookup> lookups) throws SQLException {
        long[] values = new long[lookups.size()];
        if (lookups.isEmpty()) {
            return values;
        }
        Union union = new Union();
        for (int i = 0; i < lookups.size(); i++) {
            Lookup l = lookups.get(i);
            Sql b = union.branch("(SELECT ?::int, velocity_us FROM lead_conversion WHERE from_stage = ? AND to_stage = ? "
                    + "AND bucket = ? AND fine = ? AND entered_at >= ? AND entered_at < ?");
            b.param(i);
            b.param(l.target().pair().from());
            b.param(l.target().pair().to());
            b.param((short) l.bucket());
            b.param((short) l.fine());
            b.param(Timestamp.from(slice.from()));
            b.param(Timestamp.from(slice.to()));
            attributes(b, false);
            within(b, false);
            group(b, l.target());
            b.text(" ORDER BY velocity_us OFFSET ? LIMIT 1)");
            b.param(l.rank() - 1);
        }
        union.query(c, rs -> values[rs.getInt(1)] = rs.getLong(2));
        return values;
    }

    /** One piece of a period: a time range read from cells (of a grain) or from per-lead rows. */
    private record Piece(boolean cells, String grain, Object start, Object end) {
        String dayColumn() {
            return cells ? (grain == null ? "week" : "period") : "day";
        }

        void where(Sql b, int dims) {
            if (cells) {
                b.text(" AND dims = ?");
                b.param((short) dims);
                if (grain != null) {
                    b.text(" AND grain = ?");
                    b.param(grain);
                    b.text(" AND period >= ? AND period < ?");
                } else {
                    b.text(" AND week >= ? AND week < ?");
                }
            } else {
                b.text(" AND entered_at >= ? AND entered_at < ?");
            }
            b.param(start);
            b.param(end);
        }
    }

    private static List<Piece> pieces(WindowPlan plan, boolean cells) {
        List<Piece> pieces = new ArrayList<>();
        if (cells && !plan.coarse().isEmpty()) {
            String grain = plan.grain() == WindowPlan.Grain.MONTH ? "M" : null;
            pieces.add(new Piece(true, grain, Date.valueOf(plan.coarse().start()), Date.valueOf(plan.coarse().end())));
        }
        for (WindowPlan.Range<LocalDate> d : plan.days()) {
            pieces.add(new Piece(true, "D", Date.valueOf(d.start()), Date.valueOf(d.end())));
        }
        for (WindowPlan.Range<Instant> p : plan.partDays()) {
            pieces.add(new Piece(false, null, Timestamp.from(p.start()), Timestamp.from(p.end())));
        }
        return pieces;
    }

    /** Count cells: months and days, or only days when cohorts are weekly. */
    private WindowPlan countPlan(boolean cohorts) {
        if (dims < 0 || (withinDays != null && !cohorts)) {
            return perLead();
        }
        return WindowPlan.of(slice.from(), slice.to(),
                slice.interval() == Slice.Interval.WEEK ? WindowPlan.Grain.NONE : WindowPlan.Grain.MONTH, true);
    }

    private WindowPlan perLead() {
        return WindowPlan.perLead(slice.from(), slice.to());
    }

    private static void pairParams(Sql b, Pair pair) {
        b.param(pair.from());
        b.param(pair.to());
        b.param(pair.from());
        b.param(pair.to());
    }

    /** Narrows to the target's group, when it is one. */
    private void group(Sql b, Target target) {
        if (target.grouped()) {
            b.text(" AND " + slice.groupBy() + " IS NOT DISTINCT FROM ?");
            b.param(target.groupKey());
        }
    }

    private void within(Sql b, boolean cells) {
        if (withinDays != null && !cells) {
            b.text(" AND velocity_us <= ?");
            b.param(withinDays * Velocity.MICROS_PER_DAY);
        }
    }

    private void attributes(Sql sql, boolean cells) {
        if (!slice.includeSkipped()) {
            sql.text(" AND NOT skipped");
        }
        for (Map.Entry<String, String> f : slice.filters().entrySet()) {
            if (f.getValue() == null) {
                sql.text(" AND " + f.getKey() + " IS NULL");
            } else {
                sql.text(" AND " + f.getKey() + " = ?");
                sql.param(f.getValue());
            }
        }
    }

    private String groupColumn() {
        return slice.groupBy() == null ? "NULL::text" : slice.groupBy();
    }

    private String periodColumn(String dayColumn) {
        return switch (slice.interval()) {
            case NONE -> "NULL::date";
            case MONTH -> "date_trunc('month', " + dayColumn + "::timestamp)::date";
            case WEEK -> "date_trunc('week', " + dayColumn + "::timestamp)::date";
        };
    }

    private static LocalDate localDate(Date d) {
        return d == null ? null : d.toLocalDate();
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Branches joined by UNION ALL into one statement. */
    private static final class Union {
        private final List<Sql> branches = new ArrayList<>();

        Sql branch(String start) {
            Sql b = new Sql(start);
            branches.add(b);
            return b;
        }

        void query(Connection c, Row row) throws SQLException {
            if (branches.isEmpty()) {
                return;
            }
            StringBuilder text = new StringBuilder();
            List<Object> params = new ArrayList<>();
            for (Sql b : branches) {
                if (!text.isEmpty()) {
                    text.append(" UNION ALL ");
                }
                text.append(b.text);
                params.addAll(b.params);
            }
            try (PreparedStatement ps = c.prepareStatement(text.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    if (p instanceof String[] strings) {
                        ps.setArray(i + 1, c.createArrayOf("text", strings));
                    } else if (p instanceof Short[] shorts) {
                        ps.setArray(i + 1, c.createArrayOf("int2", shorts));
                    } else {
                        ps.setObject(i + 1, p);
                    }
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.accept(rs);
                    }
                }
            }
        }
    }

    /** SQL text with its parameters in order. */
    private static final class Sql {
        private final StringBuilder text;
        private final List<Object> params = new ArrayList<>();

        Sql(String start) {
            text = new StringBuilder(start);
        }

        void text(String more) {
            text.append(more);
        }

        void param(Object value) {
            params.add(value);
        }
    }
}
