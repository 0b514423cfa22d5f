package dev.l2r.funnel.query;

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
import java.util.TreeMap;

/**
 * Reads cohort sizes, conversion counts, velocity histograms and exact velocities for a {@link Slice}. Whole
 * months and days come from the pre-aggregated cells, part-days (and filters no cell keeps) from the per-lead
 * rows; see {@link WindowPlan}. One statement per kind of figure, whatever the number of stages asked for.
 */
public final class CellQueries {

    /** A group of a slice: the attribute value (null: unknown, or not grouped) and the entry period start. */
    public record Group(String key, LocalDate period) {
    }

    public record Pair(String from, String to) {
    }

    /** Velocities of the leads that converted, counted per whole-day bucket, with their exact sum. */
    public static final class Histogram {
        private final TreeMap<Integer, Long> counts = new TreeMap<>();
        private BigDecimal sumMicros = BigDecimal.ZERO;
        private long total;

        void add(int bucket, long n, BigDecimal sum) {
            counts.merge(bucket, n, Long::sum);
            sumMicros = sumMicros.add(sum);
            total += n;
        }

        void addAll(Histogram other) {
            other.counts.forEach((b, n) -> counts.merge(b, n, Long::sum));
            sumMicros = sumMicros.add(other.sumMicros);
            total += other.total;
        }

        public TreeMap<Integer, Long> counts() {
            return counts;
        }

        public BigDecimal sumMicros() {
            return sumMicros;
        }

        public long total() {
            return total;
        }
    }

    /** Find the {@code rank}-th smallest velocity (1-based) in {@code bucket} of a pair and group. */
    public record Lookup(Pair pair, boolean grouped, String groupKey, int bucket, long rank) {
    }

    private final Slice slice;
    private final WindowPlan plan;
    private final int dims;

    public CellQueries(Slice slice) {
        this.slice = slice;
        this.dims = slice.cellDims();
        this.plan = dims < 0 ? WindowPlan.perLead(slice.from(), slice.to())
                : WindowPlan.of(slice.from(), slice.to(), slice.interval() != Slice.Interval.WEEK);
    }

    /** Leads entering each stage, per group. */
    public Map<String, Map<Group, Long>> cohorts(Connection c, Collection<String> stages) throws SQLException {
        Map<String, Map<Group, Long>> result = new HashMap<>();
        String[] stageArray = stages.toArray(String[]::new);
        for (boolean cells : new boolean[]{true, false}) {
            Sql sql = new Sql("SELECT stage, " + groupColumn() + ", " + periodColumn(cells ? "period" : "day") + ", "
                    + (cells ? "sum(leads)" : "count(*)") + " FROM " + (cells ? "cohort_cube" : "lead_stage_entry")
                    + " WHERE stage = ANY (?)");
            sql.param(stageArray);
            if (!where(sql, cells)) {
                continue;
            }
            sql.text(" GROUP BY 1, 2, 3");
            sql.query(c, rs -> result.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                    .merge(new Group(rs.getString(2), localDate(rs.getDate(3))), rs.getLong(4), Long::sum));
        }
        return result;
    }

    /** Leads of each pair's cohort that converted (within {@code maxBucket} days, when given), per group. */
    public Map<Pair, Map<Group, Histogram>> conversions(Connection c, Collection<Pair> pairs, Integer maxBucket)
            throws SQLException {
        Map<Pair, Map<Group, Histogram>> result = new HashMap<>();
        if (pairs.isEmpty()) {
            return result;
        }
        for (boolean cells : new boolean[]{true, false}) {
            Sql sql = new Sql("SELECT from_stage, to_stage, " + groupColumn() + ", "
                    + periodColumn(cells ? "period" : "day") + ", bucket, "
                    + (cells ? "sum(leads), sum(velocity_us)" : "count(*), sum(velocity_us)")
                    + " FROM " + (cells ? "conversion_cube" : "lead_conversion") + " WHERE (");
            String or = "";
            for (Pair p : pairs) {
                sql.text(or + "(from_stage = ? AND to_stage = ?)");
                sql.param(p.from());
                sql.param(p.to());
                or = " OR ";
            }
            sql.text(")");
            if (maxBucket != null) {
                sql.text(" AND bucket <= ?");
                sql.param(maxBucket);
            }
            if (!where(sql, cells)) {
                continue;
            }
            sql.text(" GROUP BY 1, 2, 3, 4, 5");
            sql.query(c, rs -> result.computeIfAbsent(new Pair(rs.getString(1), rs.getString(2)), k -> new HashMap<>())
                    .computeIfAbsent(new Group(rs.getString(3), localDate(rs.getDate(4))), k -> new Histogram())
                    .add(rs.getInt(5), rs.getLong(6), rs.getBigDecimal(7)));
        }
        return result;
    }

    /** Exact velocities (microseconds) for each lookup, in order, from the per-lead rows of one bucket each. */
    public long[] values(Connection c, List<Lookup> lookups) throws SQLException {
        long[] values = new long[lookups.size()];
        if (lookups.isEmpty()) {
            return values;
        }
        int n = lookups.size();
        Object[] index = new Object[n];
        Object[] from = new Object[n];
        Object[] to = new Object[n];
        Object[] grouped = new Object[n];
        Object[] key = new Object[n];
        Object[] bucket = new Object[n];
        Object[] rank = new Object[n];
        for (int i = 0; i < n; i++) {
            Lookup l = lookups.get(i);
            index[i] = i;
            from[i] = l.pair().from();
            to[i] = l.pair().to();
            grouped[i] = l.grouped();
            key[i] = l.groupKey();
            bucket[i] = l.bucket();
            rank[i] = l.rank();
        }
        Sql sql = new Sql("SELECT q.i, v.velocity_us FROM unnest(?::int[], ?::text[], ?::text[], ?::boolean[], "
                + "?::text[], ?::int[], ?::bigint[]) AS q(i, f, t, grouped, g, b, r) CROSS JOIN LATERAL ("
                + "SELECT velocity_us FROM lead_conversion WHERE from_stage = q.f AND to_stage = q.t AND bucket = q.b "
                + "AND entered_at >= ? AND entered_at < ?");
        sql.param(new TypedArray("int4", index));
        sql.param(new TypedArray("text", from));
        sql.param(new TypedArray("text", to));
        sql.param(new TypedArray("bool", grouped));
        sql.param(new TypedArray("text", key));
        sql.param(new TypedArray("int4", bucket));
        sql.param(new TypedArray("int8", rank));
        sql.param(Timestamp.from(slice.from()));
        sql.param(Timestamp.from(slice.to()));
        attributes(sql);
        if (slice.groupBy() != null) {
            sql.text(" AND (NOT q.grouped OR " + slice.groupBy() + " IS NOT DISTINCT FROM q.g)");
        }
        sql.text(" ORDER BY velocity_us OFFSET q.r - 1 LIMIT 1) v");
        sql.query(c, rs -> values[rs.getInt(1)] = rs.getLong(2));
        return values;
    }

    /** Adds the attribute, skip and time conditions; false when this side (cells or per-lead rows) has nothing to read. */
    private boolean where(Sql sql, boolean cells) {
        if (cells) {
            if (dims < 0 || (plan.months().isEmpty() && plan.days().isEmpty())) {
                return false;
            }
            sql.text(" AND dims = ?");
            sql.param((short) dims);
            sql.text(" AND (");
            String or = "";
            if (!plan.months().isEmpty()) {
                sql.text("(grain = 'M' AND period >= ? AND period < ?)");
                sql.param(Date.valueOf(plan.months().start()));
                sql.param(Date.valueOf(plan.months().end()));
                or = " OR ";
            }
            for (WindowPlan.Range<LocalDate> d : plan.days()) {
                sql.text(or + "(grain = 'D' AND period >= ? AND period < ?)");
                sql.param(Date.valueOf(d.start()));
                sql.param(Date.valueOf(d.end()));
                or = " OR ";
            }
            sql.text(")");
        } else {
            if (plan.partDays().isEmpty()) {
                return false;
            }
            sql.text(" AND (");
            String or = "";
            for (WindowPlan.Range<Instant> p : plan.partDays()) {
                sql.text(or + "(entered_at >= ? AND entered_at < ?)");
                sql.param(Timestamp.from(p.start()));
                sql.param(Timestamp.from(p.end()));
                or = " OR ";
            }
            sql.text(")");
        }
        attributes(sql);
        return true;
    }

    private void attributes(Sql sql) {
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

    private record TypedArray(String type, Object[] values) {
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
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

        void query(Connection c, Row row) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(text.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    if (p instanceof String[] strings) {
                        ps.setArray(i + 1, c.createArrayOf("text", strings));
                    } else if (p instanceof TypedArray a) {
                        ps.setArray(i + 1, c.createArrayOf(a.type(), a.values()));
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
}
