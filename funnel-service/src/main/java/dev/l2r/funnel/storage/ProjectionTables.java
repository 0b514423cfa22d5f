package dev.l2r.funnel.storage;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadEventTypes;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.funnel.core.CellSums;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.core.Stages;
import dev.l2r.funnel.core.Velocity;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes the funnel projections of a set of leads into the tables of one schema ({@code public}, or the
 * shadow schema a rebuild fills): the per-lead rows, replaced whole, and the cells (cubes), which {@link CellSums}
 * computes from them; live batches add their signed difference to the stored cells, a rebuild writes them once.
 */
public final class ProjectionTables {

    /** The tables a schema holds; a rebuild recreates these. */
    public static final List<String> TABLES = List.of("event_log", "lead_stage_entry", "lead_conversion",
            "lead_current", "cohort_cube", "conversion_cube", "velocity_cube", "lead_alias");

    /** The per-lead rows' tables (besides the event log). */
    private static final List<String> PER_LEAD = List.of("lead_stage_entry", "lead_conversion", "lead_current");

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
     * contributions: the old rows count with sign -1 as they are deleted, the new ones with +1, so a late event that
     * happened earlier corrects every figure it touches.
     */
    public void replace(Connection c, FunnelDefinition funnel, Collection<String> leadIds, List<LeadFacts> facts)
            throws SQLException {
        CellSums delta = new CellSums();
        String[] leads = leadIds.toArray(new String[0]); // sent in binary
        forEachRow(c, "DELETE FROM " + table("lead_stage_entry") + " WHERE lead_id = ANY (?) RETURNING "
                + ENTRY_CELL_COLUMNS, entries(delta, -1), (Object) leads);
        forEachRow(c, "WITH old AS (DELETE FROM " + table("lead_conversion") + " WHERE lead_id = ANY (?) RETURNING hot, "
                + CONVERSION_CELL_COLUMNS + ") SELECT " + CONVERSION_CELL_COLUMNS + " FROM old WHERE hot",
                conversions(delta, -1), (Object) leads);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table("lead_current") + " WHERE lead_id = ANY (?)")) {
            ps.setObject(1, leads);
            ps.executeUpdate();
        }
        Map<String, Set<String>> hot = Stages.hotTargets(funnel);
        Rows rows = Rows.of(facts, hot);
        rows.entries.insert(c, unnestInsert(table("lead_stage_entry"), ENTRY_COLUMNS, ENTRY_TYPES), ENTRY_TYPES);
        rows.conversions.insert(c, unnestInsert(table("lead_conversion"), CONVERSION_COLUMNS, CONVERSION_TYPES),
                CONVERSION_TYPES);
        rows.current.insert(c, unnestInsert(table("lead_current"), CURRENT_COLUMNS, CURRENT_TYPES), CURRENT_TYPES);
        facts.forEach(f -> delta.add(1, f, hot));
        writeCells(delta, true, (cells, cube) -> cells.insert(c, upsert(cube), cube.types()));
    }

    /**
     * Moves the per-lead rows of erased leads to their surrogates ({@code lead -> surrogate}), unchanged: the cells
     * they were counted in stay as they are, to the cent.
     */
    public void cutLoose(Connection c, Map<String, String> surrogates) throws SQLException {
        if (surrogates.isEmpty()) {
            return;
        }
        String[] leads = surrogates.keySet().toArray(new String[0]);
        String[] targets = surrogates.keySet().stream().map(surrogates::get).toArray(String[]::new);
        for (String t : PER_LEAD) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table(t) + " r SET lead_id = u.surrogate "
                    + "FROM unnest(?::text[], ?::text[]) AS u (lead_id, surrogate) WHERE r.lead_id = u.lead_id")) {
                ps.setObject(1, leads);
                ps.setObject(2, targets);
                ps.executeUpdate();
            }
        }
    }

    /** Adds the rows of leads that have none yet (a rebuild), by COPY; the rebuild sums their cells itself. */
    public void insertNew(Connection c, FunnelDefinition funnel, List<LeadFacts> facts) throws SQLException {
        Rows rows = Rows.of(facts, Stages.hotTargets(funnel));
        rows.entries.copy(c, table("lead_stage_entry") + " (" + ENTRY_COLUMNS + ")");
        rows.conversions.copy(c, table("lead_conversion") + " (" + CONVERSION_COLUMNS + ")");
        rows.current.copy(c, table("lead_current") + " (" + CURRENT_COLUMNS + ")");
    }

    /**
     * COPYs events as received into this schema's event log (a rebuild's, without keys yet): each row the event id,
     * lead id, event time, payload and kind (the l2r-event-type header; null for a stage change).
     */
    public void copyEvents(Connection c, Columns events) throws SQLException {
        events.copy(c, table("event_log") + " (event_id, lead_id, occurred_at, payload, event_type)");
    }

    /** The merges and erasures in this schema's event log, each once (a rebuild's log may hold an event twice). */
    public List<LeadEvent> identityEvents(Connection c) throws SQLException {
        List<LeadEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (event_id) event_type, payload FROM "
                + table("event_log") + " WHERE event_type IN ('" + LeadEventTypes.LEADS_MERGED + "', '"
                + LeadEventTypes.LEAD_ERASED + "') ORDER BY event_id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(EventJson.readLeadEvent(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return events;
    }

    /** One row of the event log: a lead's event, as received. */
    public interface EventRow {
        void accept(String leadId, String eventId, String payload, String eventType) throws SQLException;
    }

    /**
     * Reads the events of the leads of one hash class ({@code worker} of {@code workers}) from this schema's event
     * log, by lead and event id, a fetch at a time (a cursor, in a transaction of {@code reader}'s own).
     */
    public void eventsByLead(Connection reader, int workers, int worker, EventRow row) throws SQLException {
        reader.setAutoCommit(false); // a cursor: rows arrive a fetch at a time
        try (PreparedStatement ps = reader.prepareStatement("SELECT lead_id, event_id, payload, event_type FROM "
                + table("event_log") + " WHERE (hashtext(lead_id) & 2147483647) % ? = ? ORDER BY lead_id, event_id")) {
            ps.setInt(1, workers);
            ps.setInt(2, worker);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
                }
            }
        } finally {
            reader.commit();
        }
    }

    /** Writes cells into the empty cubes of a rebuild, by COPY. */
    public void copyCells(Connection c, CellSums cells) throws SQLException {
        writeCells(cells, false, (rows, cube) -> rows.copy(c, table(cube.name()) + " (" + cube.columns() + ")"));
    }

    /**
     * Sums the cells of the per-lead rows whose day is in {@code [from, to)}: a rebuild whose cells do not fit in
     * memory at once reads its rows back a range at a time.
     */
    public void sumCells(Connection c, LocalDate from, LocalDate to, CellSums into) throws SQLException {
        c.setAutoCommit(false); // a cursor: rows arrive a fetch at a time
        try {
            forEachRow(c, "SELECT " + ENTRY_CELL_COLUMNS + " FROM " + table("lead_stage_entry")
                    + " WHERE day >= ? AND day < ?", entries(into, 1), from, to);
            forEachRow(c, "SELECT " + CONVERSION_CELL_COLUMNS + " FROM " + table("lead_conversion")
                    + " WHERE hot AND day >= ? AND day < ?", conversions(into, 1), from, to);
        } finally {
            c.commit();
            c.setAutoCommit(true);
        }
    }

    /**
     * Writes partial sums of cells aside, into unlogged tables shaped like the cubes; {@link #mergeSpilledCells}
     * adds them up into the cubes.
     */
    public void spillCells(Connection c, CellSums cells) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (Cube cube : CUBES) {
                s.execute("CREATE UNLOGGED TABLE IF NOT EXISTS " + table(cube.name() + "_spill") + " (LIKE "
                        + table(cube.name()) + ")");
            }
        }
        writeCells(cells, false, (rows, cube) -> rows.copy(c, table(cube.name() + "_spill") + " (" + cube.columns() + ")"));
    }

    /** Sums the spilled partial cells into the (empty) cubes, and drops them. */
    public void mergeSpilledCells(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (Cube cube : CUBES) {
                String spill = table(cube.name() + "_spill");
                s.execute("INSERT INTO " + table(cube.name()) + " (" + cube.columns() + ") SELECT " + cube.keys() + ", "
                        + cube.sums() + " FROM " + spill + " GROUP BY " + cube.keys());
                s.execute("DROP TABLE " + spill);
            }
        }
    }

    private static final String ENTRY_COLUMNS = "lead_id, stage, entered_at, day, skipped, channel, segment, owner, "
            + "campaign";
    private static final List<String> ENTRY_TYPES = List.of("text", "text", "timestamptz", "date", "boolean", "text",
            "text", "text", "text");
    private static final String CONVERSION_COLUMNS = "lead_id, from_stage, to_stage, entered_at, day, skipped, "
            + "velocity_us, bucket, fine, hot, channel, segment, owner, campaign";
    private static final List<String> CONVERSION_TYPES = List.of("text", "text", "text", "timestamptz", "date", "boolean",
            "bigint", "int2", "int2", "boolean", "text", "text", "text", "text");
    private static final String CURRENT_COLUMNS = "lead_id, stage, since, channel, segment, owner, campaign";
    private static final List<String> CURRENT_TYPES = List.of("text", "text", "timestamptz", "text", "text", "text",
            "text");

    /** The per-lead rows of some leads, column by column. */
    private record Rows(Columns entries, Columns conversions, Columns current) {

        static Rows of(List<LeadFacts> facts, Map<String, Set<String>> hot) {
            Rows rows = new Rows(new Columns(ENTRY_TYPES.size()), new Columns(CONVERSION_TYPES.size()),
                    new Columns(CURRENT_TYPES.size()));
            for (LeadFacts f : facts) {
                for (LeadTimeline.Entry e : f.entries()) {
                    rows.entries.add(f.leadId(), e.stage(), e.enteredAt(), CellSums.day(e.enteredAt()), e.skipped(),
                            f.channel(), f.segment(), f.owner(), f.campaign());
                }
                for (LeadFacts.Reach r : f.reaches()) {
                    long v = r.velocityMicros();
                    rows.conversions.add(f.leadId(), r.fromStage(), r.toStage(), r.enteredAt(), CellSums.day(r.enteredAt()),
                            r.skipped(), v, (short) Velocity.bucket(v), (short) Velocity.fine(v),
                            hot.getOrDefault(r.fromStage(), Set.of()).contains(r.toStage()), f.channel(), f.segment(),
                            f.owner(), f.campaign());
                }
                if (f.currentStage() != null) {
                    rows.current.add(f.leadId(), f.currentStage(), f.currentSince(), f.channel(), f.segment(), f.owner(),
                            f.campaign());
                }
            }
            return rows;
        }
    }

    /**
     * A cube: its key columns (those of its unique constraint {@code <name>_key}) and value columns, the types its
     * rows are sent as (arrays as their text form), how sent values are read, summed and added to a stored cell.
     */
    private record Cube(String name, String keys, String values, List<String> types, String received, String sums,
                        String added) {
        String columns() {
            return keys + ", " + values;
        }
    }

    private static final Cube COHORTS = new Cube("cohort_cube", "stage, grain, dims, period, skipped, channel, segment",
            "leads", List.of("text", "text", "int2", "date", "boolean", "text", "text", "bigint"), "leads", "sum(leads)",
            "leads = cell.leads + EXCLUDED.leads");
    private static final Cube CONVERSIONS = new Cube("conversion_cube",
            "from_stage, to_stage, grain, dims, period, skipped, channel, segment", "leads, velocity_us, hist",
            List.of("text", "text", "text", "int2", "date", "boolean", "text", "text", "bigint", "numeric", "text"),
            "leads, velocity_us, hist::integer[]",
            "sum(leads), sum(velocity_us), " + sumArrays("hist", Velocity.BUCKETS),
            "leads = cell.leads + EXCLUDED.leads, velocity_us = cell.velocity_us + EXCLUDED.velocity_us, hist = "
                    + addArrays("hist", Velocity.BUCKETS));
    private static final Cube VELOCITIES = new Cube("velocity_cube",
            "from_stage, to_stage, dims, bucket, week, skipped, channel, segment", "fine",
            List.of("text", "text", "int2", "int2", "date", "boolean", "text", "text", "text"), "fine::integer[]",
            sumArrays("fine", Velocity.FINE), "fine = " + addArrays("fine", Velocity.FINE));
    private static final List<Cube> CUBES = List.of(COHORTS, CONVERSIONS, VELOCITIES);

    /** Adds sent cells to the stored ones, in the order sent (the same key order for every writer). */
    private String upsert(Cube cube) {
        return "INSERT INTO " + table(cube.name()) + " AS cell (" + cube.columns() + ") SELECT " + cube.keys() + ", "
                + cube.received() + " FROM " + unnest(cube.types()) + " WITH ORDINALITY AS u (" + cube.columns()
                + ", n) ORDER BY n ON CONFLICT ON CONSTRAINT " + cube.name() + "_key DO UPDATE SET " + cube.added();
    }

    private static String unnestInsert(String table, String columns, List<String> types) {
        return "INSERT INTO " + table + " (" + columns + ") SELECT * FROM " + unnest(types);
    }

    private static String unnest(List<String> types) {
        return "unnest(" + String.join(", ", types.stream().map(t -> "?::" + t + "[]").toList()) + ")";
    }

    /** Where a piece of one cube's cells goes. */
    private interface CellWrite {
        void write(Columns rows, Cube cube) throws SQLException;
    }

    /** Cells go out in pieces: a rebuild's hundreds of thousands would otherwise be one huge text. */
    private static final int CELL_PIECE = 50_000;

    private static void writeCells(CellSums cells, boolean inKeyOrder, CellWrite write) throws SQLException {
        writeCells(COHORTS, cells.cohorts(inKeyOrder), e -> {
            CellSums.CohortCell k = e.key();
            return new Object[]{k.stage(), String.valueOf(k.grain()), k.dims(), k.period(), k.skipped(), k.channel(),
                    k.segment(), e.sums()};
        }, write);
        writeCells(CONVERSIONS, cells.conversions(inKeyOrder), e -> {
            CellSums.ConversionCell k = e.key();
            CellSums.Conversions v = e.sums();
            return new Object[]{k.fromStage(), k.toStage(), String.valueOf(k.grain()), k.dims(), k.period(), k.skipped(),
                    k.channel(), k.segment(), v.leads(), new BigDecimal(v.velocityMicros()), arrayText(v.hist())};
        }, write);
        writeCells(VELOCITIES, cells.velocities(inKeyOrder), e -> {
            CellSums.VelocityCell k = e.key();
            return new Object[]{k.fromStage(), k.toStage(), k.dims(), k.bucket(), k.week(), k.skipped(), k.channel(),
                    k.segment(), arrayText(e.sums())};
        }, write);
    }

    private static <T> void writeCells(Cube cube, List<T> cells, Function<T, Object[]> row, CellWrite write)
            throws SQLException {
        Columns piece = new Columns(cube.types().size());
        for (T cell : cells) {
            piece.add(row.apply(cell));
            if (piece.size() == CELL_PIECE) {
                write.write(piece, cube);
                piece = new Columns(cube.types().size());
            }
        }
        write.write(piece, cube);
    }

    /** An integer array as PostgreSQL writes it: {@code {1,0,2}}. */
    static String arrayText(int[] values) {
        StringBuilder text = new StringBuilder(values.length * 2 + 2).append('{');
        for (int i = 0; i < values.length; i++) {
            text.append(i > 0 ? "," : "").append(values[i]);
        }
        return text.append('}').toString();
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

    /** What a row contributes to the cells: the columns {@link CellSums} reads, of entries and of hot conversions. */
    private static final String ENTRY_CELL_COLUMNS = "stage, day, skipped, channel, segment";
    private static final String CONVERSION_CELL_COLUMNS = "from_stage, to_stage, day, skipped, velocity_us, channel, segment";

    private interface RowReader {
        void accept(ResultSet rs) throws SQLException;
    }

    private static RowReader entries(CellSums sums, int sign) {
        return rs -> sums.addEntry(sign, rs.getString(1), rs.getObject(2, LocalDate.class), rs.getBoolean(3),
                rs.getString(4), rs.getString(5));
    }

    private static RowReader conversions(CellSums sums, int sign) {
        return rs -> sums.addConversion(sign, rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class),
                rs.getBoolean(4), rs.getLong(5), rs.getString(6), rs.getString(7));
    }

    private static void forEachRow(Connection c, String sql, RowReader reader, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.accept(rs);
                }
            }
        }
    }
}
