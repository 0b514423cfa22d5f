package dev.l2r.funnel.storage;

import dev.l2r.funnel.core.Slice;
import dev.l2r.funnel.core.Velocity;
import dev.l2r.funnel.core.WindowPlan;

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
import java.util.function.Predicate;

/**
 * Reads cohort sizes, conversion counts, velocity histograms and exact velocities for a {@link Slice}: whole
 * periods from the pre-aggregated cells, the rest from the per-lead rows (see {@link WindowPlan}). Cells keep
 * the hot pairs (a stage to its next stage and to won) with no attribute, or by channel or segment; anything
 * else is read from the per-lead rows, exactly but more slowly. A percentile is found in three steps: its bucket
 * from the cells' histograms, its part of the bucket from the week cells, and its value from the few per-lead
 * rows of that part.
 * <p>
 * Every step is one statement per kind of source whatever the number of pairs, periods and groups: the pieces
 * to read are sent as a table of parameters (arrays, unnested) joined laterally to an index range scan, so the
 * statement is planned once; planning one UNION ALL branch per piece cost more than reading the cells.
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

        public void add(Totals other) {
            leads += other.leads;
            sumMicros = sumMicros.add(other.sumMicros);
            for (int b = 0; b < histogram.length; b++) {
                histogram[b] += other.histogram[b];
            }
        }
    }

    /** The converted leads of one pair, of one group of it ({@code groupKey}) when the slice is grouped. */
    public record Target(Pair pair, String groupKey) {
    }

    /**
     * Find the {@code rank}-th smallest velocity (1-based) in part {@code fine} of {@code bucket} of a target, or in
     * the whole bucket ({@link #WHOLE_BUCKET}: pairs the cells do not keep, whose rows are read by entry time anyway).
     */
    public record Lookup(Target target, int bucket, int fine, long rank) {
        public static final int WHOLE_BUCKET = -1;
    }

    /** How a target's velocities in {@code bucket} spread over the bucket's parts. */
    public record Parts(Target target, int bucket) {
    }

    private static final Short[] ALL_PARTS = upTo(Velocity.FINE);
    /** The UTC day of entry of a per-lead row, from a column the covering indexes hold. */
    private static final String ENTRY_DAY = "(entered_at AT TIME ZONE 'UTC')::date";

    private static Short[] upTo(int n) {
        Short[] values = new Short[n];
        for (short i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
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
        // one parameter row per stage and piece: an equality on the stage, which the index serves
        Rows cells = new Rows("st text", "g char(1)", "s date", "e date");
        Rows rows = new Rows("st text", "s timestamptz", "e timestamptz");
        for (Piece piece : pieces(countPlan(true), dims >= 0)) {
            for (String stage : stages) {
                if (piece.cells()) {
                    cells.add(stage, piece.grain(), piece.start(), piece.end());
                } else {
                    rows.add(stage, piece.start(), piece.end());
                }
            }
        }
        Row add = rs -> result.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                .merge(new Group(rs.getString(2), localDate(rs.getDate(3))), rs.getLong(4), Long::sum);
        if (!cells.isEmpty()) {
            Sql sql = cells.lateral("SELECT q.st, " + groupColumn() + ", " + periodColumn("period")
                    + ", leads FROM cohort_cube WHERE stage = q.st AND dims = ? AND grain = q.g AND period >= q.s "
                    + "AND period < q.e");
            sql.param((short) dims);
            attributes(sql);
            sql.query(c, add);
        }
        if (!rows.isEmpty()) {
            Sql sql = rows.lateral("SELECT q.st, " + groupColumn() + " AS g, " + periodColumn(ENTRY_DAY)
                    + " AS p, count(*) FROM lead_stage_entry WHERE stage = q.st AND entered_at >= q.s AND entered_at < q.e");
            attributes(sql);
            sql.text(" GROUP BY 1, 2, 3");
            sql.query(c, add);
        }
        return result;
    }

    /**
     * Leads of each pair's cohort that converted, their velocity sum and velocity histogram, per group. Cells
     * bring their histogram arrays; per-lead rows are counted per bucket.
     */
    public Map<Pair, Map<Group, Totals>> conversions(Connection c, Collection<Pair> pairs, Predicate<Pair> hot)
            throws SQLException {
        Map<Pair, Map<Group, Totals>> result = new HashMap<>();
        Rows cells = new Rows("f text", "t text", "g char(1)", "s date", "e date");
        Rows rows = new Rows("f text", "t text", "s timestamptz", "e timestamptz");
        for (Pair pair : pairs) {
            boolean fromCells = dims >= 0 && withinDays == null && hot.test(pair);
            for (Piece piece : pieces(fromCells ? countPlan(false) : perLead(), fromCells)) {
                if (piece.cells()) {
                    cells.add(pair.from(), pair.to(), piece.grain(), piece.start(), piece.end());
                } else {
                    rows.add(pair.from(), pair.to(), piece.start(), piece.end());
                }
            }
        }
        if (!cells.isEmpty()) {
            Sql sql = cells.lateral("SELECT q.f, q.t, " + groupColumn() + ", " + periodColumn("period")
                    + ", leads, velocity_us, hist FROM conversion_cube WHERE from_stage = q.f AND to_stage = q.t "
                    + "AND dims = ? AND grain = q.g AND period >= q.s AND period < q.e");
            sql.param((short) dims);
            attributes(sql);
            sql.query(c, rs -> {
                Totals t = totals(result, rs);
                t.leads += rs.getLong(5);
                t.sumMicros = t.sumMicros.add(rs.getBigDecimal(6));
                Integer[] counts = (Integer[]) rs.getArray(7).getArray();
                for (int b = 0; b < counts.length; b++) {
                    t.histogram[b] += counts[b];
                }
            });
        }
        if (!rows.isEmpty()) {
            Sql sql = rows.lateral("SELECT q.f, q.t, " + groupColumn() + " AS g, " + periodColumn(ENTRY_DAY)
                    + " AS p, count(*), sum(velocity_us), bucket FROM lead_conversion WHERE from_stage = q.f "
                    + "AND to_stage = q.t AND entered_at >= q.s AND entered_at < q.e");
            attributes(sql);
            within(sql);
            sql.text(" GROUP BY 1, 2, 3, 4, 7");
            sql.query(c, rs -> {
                Totals t = totals(result, rs);
                long leads = rs.getLong(5);
                t.leads += leads;
                t.sumMicros = t.sumMicros.add(rs.getBigDecimal(6));
                t.histogram[rs.getInt(7)] += leads;
            });
        }
        return result;
    }

    private static Totals totals(Map<Pair, Map<Group, Totals>> result, ResultSet rs) throws SQLException {
        return result.computeIfAbsent(new Pair(rs.getString(1), rs.getString(2)), k -> new HashMap<>())
                .computeIfAbsent(new Group(rs.getString(3), localDate(rs.getDate(4))), k -> new Totals());
    }

    /**
     * For each query, the leads of its bucket in each of the bucket's {@link Velocity#FINE} parts: whole ISO weeks
     * from the week cells, the rest from per-lead rows (through the look-up index, which holds the hot pairs' rows
     * only: queries of hot pairs only). Queries of a grouped slice that share a pair and bucket are read together,
     * every group at once, and told apart here.
     */
    public long[][] parts(Connection c, List<Parts> queries, Predicate<Pair> hot) throws SQLException {
        long[][] result = new long[queries.size()][Velocity.FINE];
        for (Parts q : queries) {
            if (!hot.test(q.target().pair())) {
                throw new IllegalArgumentException("parts of a pair the cells do not keep: " + q.target().pair());
            }
        }
        // per pair and bucket, the queries asking for it by group (a null key: the unknown attribute)
        Map<PairBucket, Map<String, List<Integer>>> shared = new java.util.LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            Parts q = queries.get(i);
            shared.computeIfAbsent(new PairBucket(q.target().pair(), q.bucket()), k -> new HashMap<>())
                    .computeIfAbsent(q.target().groupKey(), k -> new ArrayList<>()).add(i);
        }
        List<PairBucket> reads = new ArrayList<>(shared.keySet());
        Rows cells = new Rows("j int4", "f text", "t text", "b int2", "s date", "e date");
        Rows rows = new Rows("j int4", "f text", "t text", "b int2", "s timestamptz", "e timestamptz");
        for (int j = 0; j < reads.size(); j++) {
            Pair pair = reads.get(j).pair();
            boolean fromCells = dims >= 0 && withinDays == null && hot.test(pair);
            WindowPlan plan = fromCells ? WindowPlan.of(slice.from(), slice.to(), WindowPlan.Grain.WEEK, false) : perLead();
            for (Piece piece : pieces(plan, fromCells)) {
                Object[] row = {j, pair.from(), pair.to(), (short) reads.get(j).bucket(), piece.start(), piece.end()};
                if (piece.cells()) {
                    cells.add(row);
                } else {
                    rows.add(row);
                }
            }
        }
        Row add = rs -> {
            String group = rs.getString(2);
            java.sql.Array fine = rs.getArray(3);
            Integer[] n = fine == null ? null : (Integer[]) fine.getArray();
            for (int i : shared.get(reads.get(rs.getInt(1))).getOrDefault(group, List.of())) {
                if (n == null) {
                    result[i][rs.getInt(4)] += rs.getLong(5);
                } else {
                    for (int f = 0; f < n.length; f++) {
                        result[i][f] += n[f];
                    }
                }
            }
        };
        if (!cells.isEmpty()) {
            Sql sql = cells.lateral("SELECT q.j, " + groupColumn() + ", fine, NULL::smallint, NULL::bigint FROM velocity_cube "
                    + "WHERE from_stage = q.f AND to_stage = q.t AND dims = ? AND bucket = q.b AND week >= q.s AND week < q.e");
            sql.param((short) dims);
            attributes(sql);
            sql.query(c, add);
        }
        if (!rows.isEmpty()) {
            // bucket and every part, so that the look-up index reads only this bucket's rows of the period
            Sql sql = rows.lateral("SELECT q.j, " + groupColumn() + " AS g, NULL::int[], fine, count(*) FROM lead_conversion "
                    + "WHERE from_stage = q.f AND to_stage = q.t AND hot AND bucket = q.b AND fine = ANY (?) "
                    + "AND entered_at >= q.s AND entered_at < q.e");
            sql.param(ALL_PARTS);
            attributes(sql);
            within(sql);
            sql.text(" GROUP BY 1, 2, 4");
            sql.query(c, add);
        }
        return result;
    }

    private record PairBucket(Pair pair, int bucket) {
    }

    /** Exact velocities (microseconds) for each lookup, in order, each read among the rows of one part of a bucket. */
    public long[] values(Connection c, List<Lookup> lookups, Predicate<Pair> hot) throws SQLException {
        long[] values = new long[lookups.size()];
        ByHotness rows = new ByHotness(hot, "i int4", "f text", "t text", "b int2", "p int2", "k text", "o int8");
        for (int i = 0; i < lookups.size(); i++) {
            Lookup l = lookups.get(i);
            rows.add(l.target().pair(), i, l.target().pair().from(), l.target().pair().to(), (short) l.bucket(),
                    (short) l.fine(), l.target().groupKey(), l.rank() - 1);
        }
        rows.each((hotPairs, sql) -> {
            sql.text("SELECT q.i, velocity_us FROM lead_conversion WHERE from_stage = q.f AND to_stage = q.t "
                    + (hotPairs ? "AND hot AND bucket = q.b AND fine = q.p" : "AND bucket = q.b")
                    + " AND entered_at >= ? AND entered_at < ?");
            sql.param(Timestamp.from(slice.from()));
            sql.param(Timestamp.from(slice.to()));
            attributes(sql);
            within(sql);
            group(sql);
            sql.text(" ORDER BY velocity_us OFFSET q.o LIMIT 1");
            sql.query(c, rs -> values[rs.getInt(1)] = rs.getLong(2));
        });
        return values;
    }

    /**
     * One piece of a period: a range of cells (of a grain: "M", "D", or null for ISO weeks), from start to end,
     * or a time range of per-lead rows.
     */
    private record Piece(boolean cells, String grain, Object start, Object end) {
    }

    /**
     * Dates and instants go as PostgreSQL's text, which the statements' array casts read: {@code java.sql.Date} and
     * {@code Timestamp} write four-digit years only (the end of a period to 9999-12-31 is 10000-01-01).
     */
    private static List<Piece> pieces(WindowPlan plan, boolean cells) {
        List<Piece> pieces = new ArrayList<>();
        if (cells && !plan.coarse().isEmpty()) {
            String grain = plan.grain() == WindowPlan.Grain.MONTH ? "M" : null;
            pieces.add(new Piece(true, grain, Columns.text(plan.coarse().start()), Columns.text(plan.coarse().end())));
        }
        for (WindowPlan.Range<LocalDate> d : plan.days()) {
            pieces.add(new Piece(true, "D", Columns.text(d.start()), Columns.text(d.end())));
        }
        for (WindowPlan.Range<Instant> p : plan.partDays()) {
            pieces.add(new Piece(false, null, Columns.text(p.start()), Columns.text(p.end())));
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

    /** Narrows to each row's group (q.k) when the slice is grouped. */
    private void group(Sql sql) {
        if (slice.groupBy() != null) {
            sql.text(" AND " + slice.groupBy() + " IS NOT DISTINCT FROM q.k");
        }
    }

    /** Only conversions within withinDays: per-lead rows only, since cells do not keep it. */
    private void within(Sql sql) {
        if (withinDays != null) {
            sql.text(" AND velocity_us <= ?");
            sql.param(withinDays * Velocity.MICROS_PER_DAY);
        }
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

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    /** A column of the parameter table: an array of values of one SQL type. */
    private record ArrayParam(String type, Object[] values) {
    }

    /**
     * A table of parameters sent as one array per column and unnested as {@code q}: the statement that joins it
     * laterally is planned once for all its rows.
     */
    private static final class Rows {
        private final String[] names;
        private final String[] types;
        private final List<List<Object>> columns = new ArrayList<>();

        /** @param columns "name type" each, e.g. "s date" */
        Rows(String... columns) {
            names = new String[columns.length];
            types = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                String[] nameType = columns[i].split(" ", 2);
                names[i] = nameType[0];
                types[i] = nameType[1];
                this.columns.add(new ArrayList<>());
            }
        }

        void add(Object... values) {
            if (values.length != names.length) {
                throw new IllegalArgumentException(values.length + " values for " + names.length + " columns");
            }
            for (int i = 0; i < values.length; i++) {
                columns.get(i).add(values[i]);
            }
        }

        boolean isEmpty() {
            return columns.get(0).isEmpty();
        }

        /**
         * {@code SELECT * FROM unnest(...) q CROSS JOIN LATERAL (inner) x}; inner refers to q's columns. OFFSET 0
         * keeps the planner from flattening the join: a generic plan then guessed ten parameter rows and hashed a
         * whole small table instead of reading one index range per row.
         */
        Sql lateral(String inner) {
            Sql sql = new Sql("SELECT x.* FROM unnest(");
            for (int i = 0; i < names.length; i++) {
                sql.text((i > 0 ? ", " : "") + "?::" + types[i] + "[]");
                // char(1) travels as text; the cast in the statement makes it char(1) for the index
                String wire = types[i].startsWith("char") ? "text" : types[i];
                sql.param(new ArrayParam(wire, columns.get(i).toArray()));
            }
            sql.text(") AS q(" + String.join(", ", names) + ") CROSS JOIN LATERAL (SELECT * FROM (" + inner);
            sql.closeWith(") i OFFSET 0) x");
            return sql;
        }
    }

    /**
     * Parameter rows of per-lead look-ups split by whether their pair is hot: the look-up index holds only the hot
     * pairs' rows (a partial index), which the planner uses only when the statement says {@code AND hot}; the
     * other pairs' rows are read from the pair-and-time index.
     */
    private static final class ByHotness {
        private final Predicate<Pair> hot;
        private final Rows hotRows;
        private final Rows otherRows;

        ByHotness(Predicate<Pair> hot, String... columns) {
            this.hot = hot;
            this.hotRows = new Rows(columns);
            this.otherRows = new Rows(columns);
        }

        void add(Pair pair, Object... values) {
            (hot.test(pair) ? hotRows : otherRows).add(values);
        }

        interface Statement {
            /** @param hotPairs whether the rows are the hot pairs' (the inner statement then says {@code AND hot}) */
            void run(boolean hotPairs, Sql lateral) throws SQLException;
        }

        /** Runs the statement once for each non-empty set of rows, its inner SELECT written by {@code statement}. */
        void each(Statement statement) throws SQLException {
            if (!hotRows.isEmpty()) {
                statement.run(true, hotRows.lateral(""));
            }
            if (!otherRows.isEmpty()) {
                statement.run(false, otherRows.lateral(""));
            }
        }
    }

    /** SQL text with its parameters in order. */
    private static final class Sql {
        private final StringBuilder text;
        private final List<Object> params = new ArrayList<>();
        private String closing = "";

        Sql(String start) {
            text = new StringBuilder(start);
        }

        void text(String more) {
            text.append(more);
        }

        void param(Object value) {
            params.add(value);
        }

        void closeWith(String closing) {
            this.closing = closing;
        }

        void query(Connection c, Row row) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(text + closing)) {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    if (p instanceof ArrayParam a) {
                        ps.setArray(i + 1, c.createArrayOf(a.type(), a.values()));
                    } else if (p instanceof String[] strings) {
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
}
