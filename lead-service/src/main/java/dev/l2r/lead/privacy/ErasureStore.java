package dev.l2r.lead.privacy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SQL of an erasure, on the caller's transactional connection: what a lead's rows reference (its changes'
 * source event ids, the deliveries they came in), and the deletes. Every table of lead-service that holds rows of a
 * lead is named here (docs/privacy.md keeps the inventory).
 */
final class ErasureStore {

    private ErasureStore() {
    }

    /** A source and a source event id a sender may send again. */
    record SourceEvent(String source, String sourceEventId) {
    }

    /** Locks the lead's row (if it has one) the way intake does, so that no chunk records for it meanwhile. */
    static void lock(Connection c, String leadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lead_id FROM lead WHERE lead_id = ? FOR UPDATE")) {
            ps.setString(1, leadId);
            ps.executeQuery().close();
        }
    }

    /** The source event ids of every change of the lead: recorded, details, parked. */
    static List<SourceEvent> sourceEvents(Connection c, String leadId) throws SQLException {
        List<SourceEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT source, source_event_id FROM stage_transition WHERE lead_id = ? AND source_event_id IS NOT NULL "
                        + "UNION SELECT source, source_event_id FROM lead_detail_change "
                        + "WHERE lead_id = ? AND source_event_id IS NOT NULL "
                        + "UNION SELECT source, source_event_id FROM parked_item "
                        + "WHERE lead_id = ? AND source_event_id IS NOT NULL")) {
            ps.setString(1, leadId);
            ps.setString(2, leadId);
            ps.setString(3, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new SourceEvent(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return events;
    }

    /** The stored webhook deliveries that fed the lead. */
    static Set<Long> deliveries(Connection c, String leadId) throws SQLException {
        Set<Long> ids = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT delivery_id FROM stage_transition WHERE lead_id = ? AND delivery_id IS NOT NULL "
                        + "UNION SELECT delivery_id FROM lead_detail_change WHERE lead_id = ? AND delivery_id IS NOT NULL "
                        + "UNION SELECT delivery_id FROM parked_item WHERE lead_id = ? AND delivery_id IS NOT NULL")) {
            ps.setString(1, leadId);
            ps.setString(2, leadId);
            ps.setString(3, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Keeps the keyed dedup hashes; answers how many were new. */
    static long keepKeys(Connection c, List<byte[]> hashes, Instant now) throws SQLException {
        long kept = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO erased_delivery_key (key_hash, erased_at) "
                + "VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            for (byte[] hash : hashes) {
                ps.setBytes(1, hash);
                ps.setTimestamp(2, Timestamp.from(now));
                kept += ps.executeUpdate();
            }
        }
        return kept;
    }

    /**
     * Removes the bodies of these deliveries (a delivery that carried other people too goes whole) and marks them
     * erased; the rows stay, for the other rows that reference them and to recognise a retry by the body's hash.
     */
    static long eraseBodies(Connection c, Set<Long> deliveries, Instant now) throws SQLException {
        if (deliveries.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_delivery SET body = NULL, content_type = NULL, "
                + "erased_at = ? WHERE id = ANY (?)")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setArray(2, c.createArrayOf("bigint", deliveries.toArray()));
            return ps.executeUpdate();
        }
    }

    /** {@code DELETE FROM <table> WHERE <column> = leadId}; answers the rows deleted. */
    static long delete(Connection c, String table, String column, String leadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + column + " = ?")) {
            ps.setString(1, leadId);
            return ps.executeUpdate();
        }
    }

    /** Outbox rows Kafka never took, of the lead's events. */
    static long deleteOutboxDeadLetters(Connection c, String topic, String leadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM outbox_dead_letter WHERE topic = ? AND message_key = ?")) {
            ps.setString(1, topic);
            ps.setString(2, leadId);
            return ps.executeUpdate();
        }
    }

    /**
     * The identity registry's rows of the lead (V10, lead_identity and lead_merge): the sender identities that map to
     * it, and the ids merged into it or it into. Until the registry is there, nothing to delete.
     */
    static long[] deleteIdentities(Connection c, String leadId) throws SQLException {
        if (!exists(c, "lead_identity")) {
            return new long[]{0, 0};
        }
        long identities = delete(c, "lead_identity", "lead_id", leadId);
        long merges;
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM lead_merge WHERE lead_id = ? OR merged_lead_id = ?")) {
            ps.setString(1, leadId);
            ps.setString(2, leadId);
            merges = ps.executeUpdate();
        }
        return new long[]{identities, merges};
    }

    /** Whether a table is there (the registry's, before it is merged). */
    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static void audit(Connection c, byte[] leadHash, String requestedBy, Instant now, String removedJson)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO erasure_audit (lead_hash, requested_by, "
                + "erased_at, removed) VALUES (?, ?, ?, ?::jsonb)")) {
            ps.setBytes(1, leadHash);
            ps.setString(2, requestedBy);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, removedJson);
            ps.executeUpdate();
        }
    }
}
