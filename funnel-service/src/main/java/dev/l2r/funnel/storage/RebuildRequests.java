package dev.l2r.funnel.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable requests for a rebuild (table projection_rebuild_required): recorded in the same transaction as what
 * makes the projections stale (a new funnel definition, a schema migration), and cleared by the swap of a rebuild
 * that saw them before it read the funnel definition, so a request survives a crash or a rebuild that failed.
 */
public final class RebuildRequests {

    private RebuildRequests() {
    }

    public static void require(Connection c, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO projection_rebuild_required (reason) VALUES (?) "
                + "ON CONFLICT (reason) DO UPDATE SET requested_at = now()")) {
            ps.setString(1, reason);
            ps.executeUpdate();
        }
    }

    public record Request(String reason, Instant requestedAt) {
    }

    /** The open requests, oldest first. */
    public static List<Request> open(Connection c) throws SQLException {
        List<Request> open = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reason, requested_at FROM public.projection_rebuild_required ORDER BY requested_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                open.add(new Request(rs.getString(1), rs.getTimestamp(2).toInstant()));
            }
        }
        return open;
    }

    /** Clears these requests, unless asked again since. */
    public static void clear(Connection c, List<Request> served) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM public.projection_rebuild_required WHERE reason = ? AND requested_at = ?")) {
            for (Request r : served) {
                ps.setString(1, r.reason());
                ps.setTimestamp(2, Timestamp.from(r.requestedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
