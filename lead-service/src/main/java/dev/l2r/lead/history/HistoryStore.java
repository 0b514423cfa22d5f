package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.TransitionKind;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * All of lead-service's SQL on leads and their transitions: plain JDBC on the connection of the caller's
 * transaction, with batched statements (the driver rewrites them into multi-row inserts), because a backfill
 * records a million rows. The API's reads use the same rows ({@link LeadRow}, {@link TransitionRow}).
 */
@ApplicationScoped
public class HistoryStore {

    private static final String COLUMNS = "event_id, lead_id, from_stage, to_stage, kind, skipped_stages, occurred_at, "
            + "recorded_at, source, source_event_id, raw_stage, amount, currency, channel, segment, owner, campaign, "
            + "delivery_id, published";

    @Inject
    AgroalDataSource dataSource;

    /** The connection of the current transaction (Agroal hands the same one out for the whole transaction). */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** The stored lead, or null. */
    public LeadRow lead(Connection c, String leadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lead_id, current_stage, current_since, first_seen_at, "
                + "first_touch_channel, last_touch_channel, segment, owner, campaign, created_at, updated_at, amount, "
                + "currency FROM lead WHERE lead_id = ?")) {
            ps.setString(1, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new LeadRow(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9), rs.getTimestamp(10).toInstant(),
                        rs.getTimestamp(11).toInstant(), rs.getBigDecimal(12), trim(rs.getString(13)));
            }
        }
    }

    /** Stored rows with any of these source + source event id pairs. */
    public List<TransitionRow> bySourceEvents(Connection c, List<String> sources, List<String> sourceEventIds)
            throws SQLException {
        if (sources.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM stage_transition "
                + "WHERE (source, source_event_id) IN (SELECT s, e FROM unnest(?::text[], ?::text[]) AS k(s, e))")) {
            ps.setArray(1, c.createArrayOf("text", sources.toArray()));
            ps.setArray(2, c.createArrayOf("text", sourceEventIds.toArray()));
            return rows(ps);
        }
    }

    /**
     * Locks the stored leads among {@code leadIds} in id order (so two writers never wait on each other in a
     * circle) and answers their creation times; absent ids are new leads.
     */
    public Map<String, Instant> lockLeads(Connection c, Collection<String> leadIds) throws SQLException {
        String[] sorted = leadIds.toArray(String[]::new);
        Arrays.sort(sorted);
        Map<String, Instant> created = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT lead_id, created_at FROM lead WHERE lead_id = ANY (?) ORDER BY lead_id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("text", sorted));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    created.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return created;
    }

    /** The whole stored history of these leads, by lead. */
    public Map<String, List<TransitionRow>> historyOf(Connection c, Collection<String> leadIds) throws SQLException {
        Map<String, List<TransitionRow>> byLead = new HashMap<>();
        if (leadIds.isEmpty()) {
            return byLead;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM stage_transition WHERE lead_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", leadIds.toArray()));
            for (TransitionRow row : rows(ps)) {
                byLead.computeIfAbsent(row.leadId(), k -> new ArrayList<>()).add(row);
            }
        }
        return byLead;
    }

    public void insertTransitions(Connection c, List<TransitionRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stage_transition (" + COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (TransitionRow r : rows) {
                int i = 1;
                ps.setObject(i++, r.eventId());
                ps.setString(i++, r.leadId());
                ps.setString(i++, r.fromStage());
                ps.setString(i++, r.toStage());
                ps.setString(i++, r.kind() == null ? null : r.kind().name());
                ps.setArray(i++, c.createArrayOf("text", r.skippedStages().toArray()));
                ps.setTimestamp(i++, Timestamp.from(r.occurredAt()));
                ps.setTimestamp(i++, Timestamp.from(r.recordedAt()));
                ps.setString(i++, r.source());
                ps.setString(i++, r.sourceEventId());
                ps.setString(i++, r.rawStage());
                ps.setBigDecimal(i++, r.amount());
                ps.setString(i++, r.currency());
                ps.setString(i++, r.attributes().channel());
                ps.setString(i++, r.attributes().segment());
                ps.setString(i++, r.attributes().owner());
                ps.setString(i++, r.attributes().campaign());
                if (r.deliveryId() == null) {
                    ps.setNull(i++, Types.BIGINT);
                } else {
                    ps.setLong(i++, r.deliveryId());
                }
                ps.setBoolean(i, r.published());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Marks dormant rows as published (their events are in the outbox of the same transaction). */
    public void publish(Connection c, List<UUID> eventIds) throws SQLException {
        markPublished(c, "stage_transition", eventIds);
    }

    private static void markPublished(Connection c, String table, List<UUID> eventIds) throws SQLException {
        if (eventIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE " + table + " SET published = true WHERE event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", eventIds.toArray()));
            ps.executeUpdate();
        }
    }

    /** Inserts new leads; a lead another writer created meanwhile fails the batch with a unique violation. */
    public void insertLeads(Connection c, List<LeadRow> leads) throws SQLException {
        writeLeads(c, leads, "INSERT INTO lead (current_stage, current_since, first_seen_at, first_touch_channel, "
                + "last_touch_channel, segment, owner, campaign, amount, currency, updated_at, created_at, lead_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", true);
    }

    public void updateLeads(Connection c, List<LeadRow> leads) throws SQLException {
        writeLeads(c, leads, "UPDATE lead SET current_stage = ?, current_since = ?, first_seen_at = ?, "
                + "first_touch_channel = ?, last_touch_channel = ?, segment = ?, owner = ?, campaign = ?, "
                + "amount = ?, currency = ?, updated_at = ? WHERE lead_id = ?", false);
    }

    private static void writeLeads(Connection c, List<LeadRow> leads, String sql, boolean withCreatedAt)
            throws SQLException {
        if (leads.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (LeadRow l : leads) {
                int i = 1;
                ps.setString(i++, l.currentStage());
                ps.setTimestamp(i++, Timestamp.from(l.currentSince()));
                ps.setTimestamp(i++, Timestamp.from(l.firstSeenAt()));
                ps.setString(i++, l.firstTouchChannel());
                ps.setString(i++, l.lastTouchChannel());
                ps.setString(i++, l.segment());
                ps.setString(i++, l.owner());
                ps.setString(i++, l.campaign());
                ps.setBigDecimal(i++, l.amount());
                ps.setString(i++, l.currency());
                ps.setTimestamp(i++, Timestamp.from(l.updatedAt()));
                if (withCreatedAt) {
                    ps.setTimestamp(i++, Timestamp.from(l.createdAt()));
                }
                ps.setString(i, l.leadId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static final String DETAILS_COLUMNS = "event_id, lead_id, occurred_at, recorded_at, source, "
            + "source_event_id, amount, currency, channel, segment, owner, campaign, delivery_id, published";

    /** Stored details changes with any of these source + source event id pairs. */
    public List<DetailsRow> detailsBySourceEvents(Connection c, List<String> sources, List<String> sourceEventIds)
            throws SQLException {
        if (sources.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + DETAILS_COLUMNS + " FROM lead_detail_change "
                + "WHERE (source, source_event_id) IN (SELECT s, e FROM unnest(?::text[], ?::text[]) AS k(s, e))")) {
            ps.setArray(1, c.createArrayOf("text", sources.toArray()));
            ps.setArray(2, c.createArrayOf("text", sourceEventIds.toArray()));
            return detailsRows(ps);
        }
    }

    /** Every stored details change of these leads (stored as leads or not yet), by lead. */
    public Map<String, List<DetailsRow>> detailsOf(Connection c, Collection<String> leadIds) throws SQLException {
        Map<String, List<DetailsRow>> byLead = new HashMap<>();
        if (leadIds.isEmpty()) {
            return byLead;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + DETAILS_COLUMNS + " FROM lead_detail_change WHERE lead_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", leadIds.toArray()));
            for (DetailsRow row : detailsRows(ps)) {
                byLead.computeIfAbsent(row.leadId(), k -> new ArrayList<>()).add(row);
            }
        }
        return byLead;
    }

    public void insertDetails(Connection c, List<DetailsRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lead_detail_change (" + DETAILS_COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (DetailsRow r : rows) {
                int i = 1;
                ps.setObject(i++, r.eventId());
                ps.setString(i++, r.leadId());
                ps.setTimestamp(i++, Timestamp.from(r.occurredAt()));
                ps.setTimestamp(i++, Timestamp.from(r.recordedAt()));
                ps.setString(i++, r.source());
                ps.setString(i++, r.sourceEventId());
                ps.setBigDecimal(i++, r.amount());
                ps.setString(i++, r.currency());
                ps.setString(i++, r.attributes().channel());
                ps.setString(i++, r.attributes().segment());
                ps.setString(i++, r.attributes().owner());
                ps.setString(i++, r.attributes().campaign());
                if (r.deliveryId() == null) {
                    ps.setNull(i++, Types.BIGINT);
                } else {
                    ps.setLong(i++, r.deliveryId());
                }
                ps.setBoolean(i, r.published());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Marks dormant details changes as published (their events are in the outbox of the same transaction). */
    public void publishDetails(Connection c, List<UUID> eventIds) throws SQLException {
        markPublished(c, "lead_detail_change", eventIds);
    }

    private static List<DetailsRow> detailsRows(PreparedStatement ps) throws SQLException {
        List<DetailsRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new DetailsRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), rs.getBigDecimal(7),
                        trim(rs.getString(8)), new LeadAttributes(rs.getString(9), rs.getString(10),
                        rs.getString(11), rs.getString(12)), rs.getObject(13, Long.class), rs.getBoolean(14)));
            }
        }
        return rows;
    }

    private static List<TransitionRow> rows(PreparedStatement ps) throws SQLException {
        List<TransitionRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Array skipped = rs.getArray(6);
                rows.add(new TransitionRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5) == null ? null : TransitionKind.valueOf(rs.getString(5)),
                        skipped == null ? List.of() : List.of((String[]) skipped.getArray()),
                        rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant(), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getBigDecimal(12), trim(rs.getString(13)),
                        new LeadAttributes(rs.getString(14), rs.getString(15), rs.getString(16), rs.getString(17)),
                        rs.getObject(18, Long.class), rs.getBoolean(19)));
            }
        }
        return rows;
    }

    private static String trim(String currency) {
        return currency == null ? null : currency.trim();
    }
}
