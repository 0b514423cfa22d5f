package dev.l2r.platform.pipeline;

import dev.l2r.events.LeadEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * A transaction-scoped advisory lock per lead a batch touches, so that two transactions rewriting one lead from
 * all its events (two batches, a batch and a replayed dead letter) run one after the other and each sees the
 * other's events. Taken in one order (sorted hashes), before the batch touches any lead, so that two batches never
 * wait for each other in a cycle; a hash shared by two leads only makes one wait for the other.
 */
public final class LeadLocks {

    /** The first key of the two-key advisory locks ("L2LD"); the second is a hash of the lead id. */
    private static final int NAMESPACE = 0x4c32_4c44;

    private LeadLocks() {
    }

    public static void lock(Connection c, List<? extends LeadEvent> events) throws SQLException {
        lockIds(c, events.stream().map(LeadEvent::leadId).toList());
    }

    /** Locks these leads, in the one order. */
    public static void lockIds(Connection c, Collection<String> leadIds) throws SQLException {
        if (leadIds.isEmpty()) {
            return;
        }
        int[] hashes = leadIds.stream().mapToInt(String::hashCode).distinct().sorted().toArray();
        try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_advisory_xact_lock(?, h)) FROM "
                + "(SELECT h FROM unnest(?::int[]) AS h ORDER BY h) AS sorted")) {
            ps.setInt(1, NAMESPACE);
            ps.setObject(2, hashes);
            ps.execute();
        }
    }
}
