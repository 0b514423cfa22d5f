package dev.l2r.lead.identity;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * All the SQL of the identity registry ({@code lead_identity}, {@code lead_merge}) and of moving an absorbed lead's
 * rows to its survivor, on the connection of the caller's transaction.
 *
 * <p>Recordings and merges are kept apart by one transaction-scoped advisory lock (class {@value #LOCK_CLASS},
 * key 0), shared by recordings and exclusive for a merge, not by row locks alone, because a link may name an id
 * that has no lead row yet. The two-key form has a key space of its own, apart from the single-key locks of the
 * outbox relay and the funnel definition.
 */
@ApplicationScoped
public class IdentityStore {

    static final int LOCK_CLASS = 0x4c32;

    /** The lead id a personal identity has, or null. */
    public String leadOfIdentity(Connection c, byte[] hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT lead_id FROM lead_identity WHERE identity_hash = ?")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * The lead id of an identity: {@code candidate} if this call records it, else the one recorded before (by an
     * earlier delivery, or by a writer that won the race to it).
     */
    public String claim(Connection c, byte[] hash, String candidate, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lead_identity (identity_hash, lead_id, created_at) "
                + "VALUES (?, ?, ?) ON CONFLICT (identity_hash) DO NOTHING")) {
            ps.setBytes(1, hash);
            ps.setString(2, candidate);
            ps.setTimestamp(3, Timestamp.from(now));
            if (ps.executeUpdate() == 1) {
                return candidate;
            }
        }
        return leadOfIdentity(c, hash);
    }

    /** Each of {@code ids} with its survivor: the lead it was merged into, or itself. */
    public Map<String, String> survivors(Connection c, Collection<String> ids) throws SQLException {
        Map<String, String> resolved = new LinkedHashMap<>();
        ids.forEach(id -> resolved.put(id, id));
        if (ids.isEmpty()) {
            return resolved;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT merged_lead_id, lead_id FROM lead_merge WHERE merged_lead_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    resolved.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return resolved;
    }

    /**
     * Taken by every recording transaction before it resolves its ids: many recordings at once, but none while a
     * merge runs, so that a chunk never records under an id a merge is absorbing (even an id that has no lead row
     * to lock yet). One shared lock per transaction, not one per id: a chunk of thousands of leads would otherwise
     * fill PostgreSQL's lock table.
     */
    public void lockForRecording(Connection c) throws SQLException {
        advisory(c, "pg_advisory_xact_lock_shared");
    }

    /**
     * Taken by a merge: it waits for the recordings under way to commit (their rows then move with the lead) and
     * holds new ones off until it commits (they then resolve to the survivor). Merges run one at a time.
     */
    public void lockForMerge(Connection c) throws SQLException {
        advisory(c, "pg_advisory_xact_lock");
    }

    private static void advisory(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?, 0)")) {
            ps.setInt(1, LOCK_CLASS);
            ps.execute();
        }
    }

    /** The first touch of those of {@code ids} that have a lead, their rows locked (in id order). */
    public Map<String, Instant> firstSeen(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Instant> seen = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT lead_id, first_seen_at FROM lead "
                + "WHERE lead_id = ANY (?) ORDER BY lead_id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seen.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                }
            }
        }
        return seen;
    }

    /**
     * Moves everything recorded under {@code absorbed} to {@code survivor} (stage changes, details changes, parked
     * items, identities) and deletes the absorbed lead's row.
     */
    public void moveLead(Connection c, String absorbed, String survivor) throws SQLException {
        for (String table : new String[] {"stage_transition", "lead_detail_change", "parked_item", "lead_identity"}) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET lead_id = ? WHERE lead_id = ?")) {
                ps.setString(1, survivor);
                ps.setString(2, absorbed);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM lead WHERE lead_id = ?")) {
            ps.setString(1, absorbed);
            ps.executeUpdate();
        }
    }

    /**
     * Records that {@code absorbed} is now {@code survivor}, chains collapsed: ids absorbed into {@code absorbed}
     * before now point at {@code survivor} too.
     */
    public void recordMerge(Connection c, String absorbed, String survivor, Instant at, UUID eventId, String source,
                            String linkedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE lead_merge SET lead_id = ? WHERE lead_id = ?")) {
            ps.setString(1, survivor);
            ps.setString(2, absorbed);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lead_merge (merged_lead_id, lead_id, merged_at, "
                + "event_id, source, linked_by) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, absorbed);
            ps.setString(2, survivor);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setObject(4, eventId);
            ps.setString(5, source);
            ps.setString(6, linkedBy);
            ps.executeUpdate();
        }
    }
}
