package dev.l2r.funnel.projection;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.funnel.metrics.Stages;
import dev.l2r.funnel.metrics.Velocity;
import dev.l2r.events.timeline.LeadTimeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the funnel projections of a set of leads into the tables of one schema ({@code public}, or the
 * shadow schema a rebuild fills). The per-lead rows are replaced whole; the cells (cubes) are kept by adding
 * the lead's new contribution and subtracting its old one, which the same aggregate statement computes from a
 * signed delta, so a late event that happened earlier corrects every figure it touches. A rebuild runs that
 * statement once over all per-lead rows instead, for the cells by channel and by segment, and sums the others
 * from those ({@link #buildCells}).
 */
public final class ProjectionTables {

    /** The tables a schema holds; a rebuild recreates these. */
    public static final List<String> TABLES = List.of("event_log", "lead_stage_entry", "lead_conversion",
            "lead_current", "cohort_cube", "conversion_cube", "velocity_cube");

    private static final String ENTRY_COLUMNS = "stage, day, skipped, channel, segment, owner";
    private static final String CONVERSION_COLUMNS =
            "from_stage, to_stage, day, skipped, bucket, fine, velocity_us, hot, channel, segment, owner";
    private static final String PERIODS = "date_trunc('month', day::timestamp)::date AS month, "
            + "date_trunc('week', day::timestamp)::date AS week";

    /**
     * How rows are gathered into cells: the key columns (grain, dims, period, channel, segment) and the GROUP BY
     * after the pair (or stage) and skipped.
     */
    private record Grouping(String key, String groupBy) {

        /** Day and month cells, each whole and by one attribute (dims 0, 1, 2), in one statement. */
        static final Grouping ALL = new Grouping("CASE WHEN GROUPING(day) = 0 THEN 'D' ELSE 'M' END AS grain, "
                + "((1 - GROUPING(channel)) + 2 * (1 - GROUPING(segment)))::smallint AS dims, "
                + "COALESCE(day, month) AS period, channel, segment",
                "GROUPING SETS ((day), (day, channel), (day, segment), (month), (month, channel), (month, segment))");

        /** Week cells (velocity parts), whole and by one attribute. */
        static final Grouping WEEKS = new Grouping("((1 - GROUPING(channel)) + 2 * (1 - GROUPING(segment)))::smallint AS dims, "
                + "week, channel, segment", "week, GROUPING SETS ((), (channel), (segment))");

        /** One of the day sets of {@link #ALL}: dims 0, 1 or 2. */
        static Grouping days(int dims) {
            return new Grouping("'D'::char(1), " + dims + "::smallint, day, " + attributes(dims), "day" + attributeGroup(dims));
        }

        /** One of the sets of {@link #WEEKS}. */
        static Grouping week(int dims) {
            return new Grouping(dims + "::smallint, week, " + attributes(dims), "week" + attributeGroup(dims));
        }

        private static String attributes(int dims) {
            return (dims == 1 ? "channel" : "NULL::text") + ", " + (dims == 2 ? "segment" : "NULL::text");
        }

        private static String attributeGroup(int dims) {
            return dims == 1 ? ", channel" : dims == 2 ? ", segment" : "";
        }
    }

    private final String schema;

    public ProjectionTables(String schema) {
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain schema name: " + schema);
        }
        this.schema = schema;
    }

    public String table(String name) {
        return schema + "." + name;
    }

    /**
     * Replaces the per-lead rows of these leads and moves the cells by the difference between their old and new
     * contributions.
     */
    public void replace(Connection c, FunnelDefinition funnel, Collection<String> leadIds, List<LeadFacts> facts)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            // the columns of the tables themselves, collation included, so that the cells group and sort alike
            s.execute("CREATE TEMP TABLE IF NOT EXISTS delta_entry ON COMMIT DELETE ROWS AS SELECT 1 AS sign, "
                    + ENTRY_COLUMNS + " FROM " + table("lead_stage_entry") + " WITH NO DATA");
            s.execute("CREATE TEMP TABLE IF NOT EXISTS delta_conversion ON COMMIT DELETE ROWS AS SELECT 1 AS sign, "
                    + CONVERSION_COLUMNS + " FROM " + table("lead_conversion") + " WITH NO DATA");
        }
        String[] leads = leadIds.toArray(String[]::new);
        executeWithArray(c, "WITH old AS (DELETE FROM " + table("lead_stage_entry") + " WHERE lead_id = ANY (?) RETURNING "
                + ENTRY_COLUMNS + ") INSERT INTO delta_entry SELECT -1, * FROM old", leads);
        executeWithArray(c, "WITH old AS (DELETE FROM " + table("lead_conversion") + " WHERE lead_id = ANY (?) RETURNING "
                + CONVERSION_COLUMNS + ") INSERT INTO delta_conversion SELECT -1, * FROM old", leads);
        executeWithArray(c, "DELETE FROM " + table("lead_current") + " WHERE lead_id = ANY (?)", leads);
        insert(c, funnel, facts, true);
        try (Statement s = c.createStatement()) {
            for (String sql : aggregates("delta_entry", "delta_conversion", true, Grouping.ALL, Grouping.WEEKS)) {
                s.executeUpdate(sql);
            }
        }
    }

    /** Adds the rows of leads that have none yet (a rebuild); cells are built afterwards by {@link #buildCells}. */
    public void insertNew(Connection c, FunnelDefinition funnel, List<LeadFacts> facts) throws SQLException {
        insert(c, funnel, facts, false);
    }

    /** A cube as the roll-ups see it: its key columns before the attributes, its period, and how values add up. */
    private record Cube(String name, String leading, String period, boolean grains, String values, String sums) {
    }

    private static final Cube COHORTS = new Cube("cohort_cube", "stage, skipped", "period", true, "leads", "sum(leads)");
    private static final Cube CONVERSIONS = new Cube("conversion_cube", "from_stage, to_stage, skipped", "period", true,
            "leads, velocity_us, hist", "sum(leads), sum(velocity_us), " + sumArrays("hist", Velocity.BUCKETS));
    private static final Cube VELOCITIES = new Cube("velocity_cube", "from_stage, to_stage, bucket, skipped", "week", false,
            "fine", sumArrays("fine", Velocity.FINE));

    /**
     * The statements that compute every cell from the per-lead rows into empty cubes: steps independent of each
     * other, each a list of statements run in order. Only the day (and week) cells by channel and by segment are
     * aggregated from the per-lead rows (each set a plain hash aggregation, which a single GROUPING SETS statement
     * was not); month cells are then summed from day cells, and cells with no attribute from the cells by channel
     * (every lead has one channel, perhaps unknown): exact, and over a fraction of the rows.
     */
    public List<List<String>> buildCells() {
        String entries = "(SELECT 1 AS sign, " + ENTRY_COLUMNS + " FROM " + table("lead_stage_entry") + ")";
        String conversions = "(SELECT 1 AS sign, " + CONVERSION_COLUMNS + " FROM " + table("lead_conversion") + ")";
        List<String> byChannel = aggregates(entries, conversions, false, Grouping.days(1), Grouping.week(1));
        List<String> bySegment = aggregates(entries, conversions, false, Grouping.days(2), Grouping.week(2));
        return List.of(
                List.of(byChannel.get(0), months(COHORTS, 1), overall(COHORTS)),
                List.of(byChannel.get(1), months(CONVERSIONS, 1), overall(CONVERSIONS)),
                List.of(byChannel.get(2), overall(VELOCITIES)),
                List.of(bySegment.get(0), months(COHORTS, 2)),
                List.of(bySegment.get(1), months(CONVERSIONS, 2)),
                List.of(bySegment.get(2)));
    }

    /** Month cells of one dims, summed from its day cells. */
    private String months(Cube cube, int dims) {
        String keys = cube.leading() + ", dims, channel, segment";
        return "INSERT INTO " + table(cube.name()) + " (" + keys + ", grain, period, " + cube.values() + ") SELECT "
                + keys + ", 'M', date_trunc('month', period::timestamp)::date AS month, " + cube.sums() + " FROM "
                + table(cube.name()) + " WHERE grain = 'D' AND dims = " + dims + " GROUP BY " + keys + ", month";
    }

    /** The cells with no attribute (dims 0), summed from the cells by channel, every grain of them. */
    private String overall(Cube cube) {
        String keys = cube.leading() + (cube.grains() ? ", grain, " : ", ") + cube.period();
        return "INSERT INTO " + table(cube.name()) + " (" + keys + ", dims, " + cube.values() + ") SELECT " + keys
                + ", 0, " + cube.sums() + " FROM " + table(cube.name()) + " WHERE dims = 1 GROUP BY " + keys;
    }

    private void insert(Connection c, FunnelDefinition funnel, List<LeadFacts> facts, boolean trackDelta)
            throws SQLException {
        Columns entries = new Columns(8);
        Columns conversions = new Columns(13);
        Columns current = new Columns(6);
        Map<String, Set<String>> hot = Stages.hotTargets(funnel);
        for (LeadFacts f : facts) {
            for (LeadTimeline.Entry e : f.entries()) {
                entries.add(f.leadId(), e.stage(), e.enteredAt(), day(e.enteredAt()), e.skipped(), f.channel(),
                        f.segment(), f.owner());
            }
            for (LeadFacts.Reach r : f.reaches()) {
                long v = r.velocityMicros();
                conversions.add(f.leadId(), r.fromStage(), r.toStage(), r.enteredAt(), day(r.enteredAt()), r.skipped(),
                        v, (short) Velocity.bucket(v), (short) Velocity.fine(v),
                        hot.getOrDefault(r.fromStage(), Set.of()).contains(r.toStage()), f.channel(), f.segment(),
                        f.owner());
            }
            if (f.currentStage() != null) {
                current.add(f.leadId(), f.currentStage(), f.currentSince(), f.channel(), f.segment(), f.owner());
            }
        }
        String entryInsert = "INSERT INTO " + table("lead_stage_entry")
                + " (lead_id, stage, entered_at, day, skipped, channel, segment, owner) SELECT * FROM unnest("
                + "?::text[], ?::text[], ?::timestamptz[], ?::date[], ?::boolean[], ?::text[], ?::text[], ?::text[])";
        String conversionColumns = table("lead_conversion") + " (lead_id, from_stage, to_stage, entered_at, day, skipped, "
                + "velocity_us, bucket, fine, hot, channel, segment, owner)";
        String conversionInsert = "INSERT INTO " + conversionColumns + " SELECT * FROM unnest(?::text[], ?::text[], "
                + "?::text[], ?::timestamptz[], ?::date[], ?::boolean[], ?::bigint[], ?::smallint[], ?::smallint[], "
                + "?::boolean[], ?::text[], ?::text[], ?::text[])";
        if (trackDelta) {
            entryInsert = "WITH new AS (" + entryInsert + " RETURNING " + ENTRY_COLUMNS
                    + ") INSERT INTO delta_entry SELECT 1, * FROM new";
            conversionInsert = "WITH new AS (" + conversionInsert + " RETURNING " + CONVERSION_COLUMNS
                    + ") INSERT INTO delta_conversion SELECT 1, * FROM new";
        }
        if (!trackDelta) {
            // new leads only (a rebuild): COPY is the fastest way in
            entries.copy(c, table("lead_stage_entry") + " (lead_id, stage, entered_at, day, skipped, channel, segment, owner)");
            conversions.copy(c, conversionColumns);
            current.copy(c, table("lead_current") + " (lead_id, stage, since, channel, segment, owner)");
            return;
        }
        entries.insert(c, entryInsert, "text", "text", "timestamptz", "date", "boolean", "text", "text", "text");
        conversions.insert(c, conversionInsert, "text", "text", "text", "timestamptz", "date", "boolean", "bigint",
                "int2", "int2", "boolean", "text", "text", "text");
        current.insert(c, "INSERT INTO " + table("lead_current") + " (lead_id, stage, since, channel, segment, owner) "
                        + "SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[])",
                "text", "text", "timestamptz", "text", "text", "text");
    }

    /**
     * Adds the signed rows of the two sources to the cells (cohorts, conversions with their bucket histogram, and
     * the week cells of velocity parts). Rows come sorted in the order of each cube's key so that concurrent
     * writers (replicas owning different partitions) lock cells in the same order. Histograms are counted with one filtered sum per bucket:
     * plain aggregates, no function calls.
     */
    private List<String> aggregates(String entrySource, String conversionSource, boolean upsert, Grouping cells,
                                    Grouping weeks) {
        String entrySql = "INSERT INTO " + table("cohort_cube") + " AS cell "
                + "(stage, grain, dims, period, channel, segment, skipped, leads) "
                + "SELECT stage, " + cells.key() + ", skipped, sum(sign) "
                + "FROM (SELECT *, " + PERIODS + " FROM " + entrySource + " src) x "
                + "GROUP BY stage, skipped, " + cells.groupBy() + " HAVING sum(sign) <> 0"
                + (upsert ? " ORDER BY 1, 2, 3, 4, 7, 5, 6 ON CONFLICT ON CONSTRAINT cohort_cube_key "
                + "DO UPDATE SET leads = cell.leads + EXCLUDED.leads" : "");
        String hist = counts("bucket", Velocity.BUCKETS);
        String conversionSql = "INSERT INTO " + table("conversion_cube") + " AS cell "
                + "(from_stage, to_stage, grain, dims, period, channel, segment, skipped, leads, velocity_us, hist) "
                + "SELECT from_stage, to_stage, " + cells.key() + ", skipped, sum(sign), sum(sign * velocity_us::numeric), "
                + hist + " FROM (SELECT *, " + PERIODS + " FROM " + conversionSource + " src WHERE hot) x "
                + "GROUP BY from_stage, to_stage, skipped, " + cells.groupBy()
                + " HAVING sum(sign) <> 0 OR sum(sign * velocity_us::numeric) <> 0 OR " + hist + " <> "
                + zeros(Velocity.BUCKETS)
                + (upsert ? " ORDER BY 1, 2, 3, 4, 5, 8, 6, 7 ON CONFLICT ON CONSTRAINT conversion_cube_key DO UPDATE SET "
                + "leads = cell.leads + EXCLUDED.leads, velocity_us = cell.velocity_us + EXCLUDED.velocity_us, hist = "
                + addArrays("hist", Velocity.BUCKETS) : "");
        String fine = counts("fine", Velocity.FINE);
        String velocitySql = "INSERT INTO " + table("velocity_cube") + " AS cell "
                + "(from_stage, to_stage, dims, week, channel, segment, bucket, skipped, fine) "
                + "SELECT from_stage, to_stage, " + weeks.key() + ", bucket, skipped, " + fine
                + " FROM (SELECT *, " + PERIODS + " FROM " + conversionSource + " src WHERE hot) x "
                + "GROUP BY from_stage, to_stage, bucket, skipped, " + weeks.groupBy() + " HAVING " + fine + " <> "
                + zeros(Velocity.FINE)
                + (upsert ? " ORDER BY 1, 2, 3, 7, 4, 8, 5, 6 ON CONFLICT ON CONSTRAINT velocity_cube_key DO UPDATE SET "
                + "fine = " + addArrays("fine", Velocity.FINE) : "");
        return List.of(entrySql, conversionSql, velocitySql);
    }

    /** An integer array of the signed count of rows per value 0..size-1 of {@code column}. */
    private static String counts(String column, int size) {
        StringBuilder array = new StringBuilder("ARRAY[");
        for (int i = 0; i < size; i++) {
            array.append(i > 0 ? ", " : "").append("coalesce(sum(sign) FILTER (WHERE ").append(column).append(" = ")
                    .append(i).append("), 0)");
        }
        return array.append("]::integer[]").toString();
    }

    private static String zeros(int size) {
        return "array_fill(0, ARRAY[" + size + "])";
    }

    /** The element-by-element sum of an integer array column over a group, as one expression (no function call). */
    private static String sumArrays(String column, int size) {
        StringBuilder sum = new StringBuilder("ARRAY[");
        for (int i = 1; i <= size; i++) {
            sum.append(i > 1 ? ", " : "").append("sum(").append(column).append('[').append(i).append("])::integer");
        }
        return sum.append(']').toString();
    }

    /** The element-by-element sum of a cell's array and the incoming one, as one expression (no function call). */
    private static String addArrays(String column, int size) {
        StringBuilder sum = new StringBuilder("ARRAY[");
        for (int i = 1; i <= size; i++) {
            sum.append(i > 1 ? ", " : "").append("cell.").append(column).append('[').append(i).append("] + EXCLUDED.")
                    .append(column).append('[').append(i).append(']');
        }
        return sum.append(']').toString();
    }

    private static LocalDate day(java.time.Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    private static void executeWithArray(Connection c, String sql, String[] values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", values));
            ps.executeUpdate();
        }
    }
}
