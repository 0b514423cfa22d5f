package dev.l2r.forecast.store;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.forecast.model.Arrival;
import dev.l2r.forecast.model.Close;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.OpenInterval;
import dev.l2r.forecast.model.OpenLead;
import dev.l2r.forecast.model.Spell;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the projected history back for the model: what was open when, the spells, the closes, the arrivals. */
@ApplicationScoped
public class HistoryStore {

    @Inject
    AgroalDataSource dataSource;

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static final String OPEN = "SELECT lead_id, stage, stage_since, amount, currency, channel, segment, owner, "
            + "campaign, valid_from, valid_to FROM lead_state WHERE open AND ";
    private static final String SPELLS = "SELECT lead_id, stage, entered_at, closed_at, outcome, channel, segment, "
            + "owner, campaign FROM stage_spell WHERE ";
    private static final String ARRIVALS = "SELECT lead_id, first_seen_at, stage, channel, segment, owner, campaign "
            + "FROM lead_arrival WHERE ";
    private static final RowReader<OpenInterval> INTERVAL =
            rs -> new OpenInterval(openLead(rs), instant(rs, 10), instant(rs, 11));
    private static final RowReader<Spell> SPELL = rs -> new Spell(rs.getString(1), text(rs, 2), instant(rs, 3),
            instant(rs, 4), outcome(rs.getString(5)), attributes(rs, 6));
    private static final RowReader<Arrival> ARRIVAL =
            rs -> new Arrival(rs.getString(1), instant(rs, 2), text(rs, 3), attributes(rs, 4));
    /** Stages, currencies and attributes, one instance each however many rows repeat them. */
    private static final SharedValues SHARED = new SharedValues();

    /**
     * The history needed to forecast at any moment in [openFrom, openTo] and to score it: the open intervals
     * overlapping that range (openFrom null: from the beginning), and the spells, closes and arrivals with event time
     * up to {@code upTo}.
     */
    public History load(Instant openFrom, Instant openTo, Instant upTo) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return load(c, openFrom, openTo, upTo);
        }
    }

    /** {@link #load(Instant, Instant, Instant)} on the caller's connection (and in its transaction). */
    static History load(Connection c, Instant openFrom, Instant openTo, Instant upTo) throws SQLException {
        return new History(
                openFrom == null ? query(c, OPEN + "valid_from <= ?", INTERVAL, openTo)
                        : query(c, OPEN + "tstzrange(valid_from, valid_to, '[)') && tstzrange(?, ?, '[]')",
                        INTERVAL, openFrom, openTo),
                query(c, SPELLS + "entered_at <= ?", SPELL, upTo),
                // every version of a close known by upTo; History picks the one known at each moment
                closes(c, "closed_at <= ? AND known_from <= ?", upTo, upTo),
                query(c, ARRIVALS + "first_seen_at <= ?", ARRIVAL, upTo));
    }

    /** Every projected row of these leads (open intervals, spells, every version of each close, the arrival). */
    static History rowsOf(Connection c, String[] leads) throws SQLException {
        java.sql.Array ids = c.createArrayOf("text", leads);
        return new History(query(c, OPEN + "lead_id = ANY (?)", INTERVAL, ids),
                query(c, SPELLS + "lead_id = ANY (?)", SPELL, ids), closes(c, "lead_id = ANY (?)", ids),
                query(c, ARRIVALS + "lead_id = ANY (?)", ARRIVAL, ids));
    }

    /** Every projected row: the whole history, with every version of each close. */
    static History all(Connection c) throws SQLException {
        return new History(query(c, OPEN + "TRUE", INTERVAL), query(c, SPELLS + "TRUE", SPELL),
                closes(c, "TRUE"), query(c, ARRIVALS + "TRUE", ARRIVAL));
    }

    /** The projection's revision and the revision of its last reset (see V6__projection_changes.sql). */
    static long[] revision(Connection c) throws SQLException {
        return query(c, "SELECT revision, reset_revision FROM projection_revision WHERE id = 1",
                rs -> new long[] {rs.getLong(1), rs.getLong(2)}).get(0);
    }

    /** The leads whose projected rows changed after {@code revision}. */
    static String[] changedSince(Connection c, long revision) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lead_id FROM lead_change WHERE revision > ?")) {
            ps.setLong(1, revision);
            List<String> leads = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    leads.add(rs.getString(1));
                }
            }
            return leads.toArray(new String[0]);
        }
    }

    /** The leads open at {@code t} (events with time ≤ t), in lead-id order. */
    public List<OpenLead> openAt(Instant t) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return query(c, "SELECT lead_id, stage, stage_since, amount, currency, channel, segment, owner, campaign "
                    + "FROM lead_state WHERE open AND tstzrange(valid_from, valid_to, '[)') @> ?::timestamptz "
                    + "ORDER BY lead_id", HistoryStore::openLead, t);
        }
    }

    /**
     * Closes with event time in [from, to), as known now: a close corrected since (a details change) with its
     * corrected amount, whenever the correction came.
     */
    public List<Close> closesIn(Instant from, Instant to) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return closes(c, "closed_at >= ? AND closed_at < ? AND known_to IS NULL", from, to);
        }
    }

    /** Every currency an amount has been given in (null for amounts without one). */
    public Set<String> currencies() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return currencies(c);
        }
    }

    static Set<String> currencies(Connection c) throws SQLException {
        return new LinkedHashSet<>(query(c, "SELECT DISTINCT currency FROM lead_close WHERE amount IS NOT NULL "
                + "UNION SELECT DISTINCT currency FROM lead_state WHERE amount IS NOT NULL", rs -> rs.getString(1)));
    }

    private static List<Close> closes(Connection c, String where, Object... args) throws SQLException {
        return query(c, "SELECT lead_id, closed_at, outcome, amount, currency, cycle_start, channel, segment, owner, "
                        + "campaign, known_from, known_to FROM lead_close WHERE " + where,
                rs -> new Close(rs.getString(1), instant(rs, 2), outcome(rs.getString(3)), rs.getBigDecimal(4),
                        text(rs, 5), attributes(rs, 7), instant(rs, 6), instant(rs, 11), instant(rs, 12)), args);
    }

    private static OpenLead openLead(ResultSet rs) throws SQLException {
        return new OpenLead(rs.getString(1), text(rs, 2), instant(rs, 3), rs.getBigDecimal(4), text(rs, 5),
                attributes(rs, 6));
    }

    private static <T> List<T> query(Connection c, String sql, RowReader<T> reader, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof Instant t ? OffsetDateTime.ofInstant(t, ZoneOffset.UTC) : args[i]);
            }
            ps.setFetchSize(5000);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static StageOutcome outcome(String name) {
        return name == null ? null : StageOutcome.valueOf(name);
    }

    private static LeadAttributes attributes(ResultSet rs, int first) throws SQLException {
        return SHARED.attributes(rs.getString(first), rs.getString(first + 1), rs.getString(first + 2),
                rs.getString(first + 3));
    }

    private static String text(ResultSet rs, int column) throws SQLException {
        return SHARED.text(rs.getString(column));
    }
}
