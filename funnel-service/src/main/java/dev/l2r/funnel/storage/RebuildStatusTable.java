package dev.l2r.funnel.storage;

import dev.l2r.platform.rebuild.RebuildStatus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** Table rebuild_status: one row, the running or latest rebuild's progress, shared by the replicas. */
public final class RebuildStatusTable {

    private RebuildStatusTable() {
    }

    /**
     * The running or latest rebuild. A rebuild marked RUNNING whose lock nobody holds ran in a replica that died
     * (its database session ended with it): it is reported FAILED.
     */
    public static RebuildStatus read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT state, reason, phase, started_at, finished_at, "
                + "events_total, events_read, unreadable, leads, error FROM rebuild_status WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return RebuildStatus.IDLE;
            }
            Instant started = instant(rs.getTimestamp(4));
            Instant finished = instant(rs.getTimestamp(5));
            long read = rs.getLong(7);
            String state = rs.getString(1);
            String error = rs.getString(10);
            if ("RUNNING".equals(state) && !ProjectionLocks.rebuildHeld(c)) {
                state = "FAILED";
                error = "ended unfinished: the replica running it stopped or lost its database";
            }
            return new RebuildStatus(state, rs.getString(2), rs.getString(3), started, finished,
                    (Long) rs.getObject(6), read, rs.getLong(8), rs.getLong(9),
                    RebuildStatus.eventsPerSecond(read, started, finished != null ? finished : Instant.now()), error);
        }
    }

    /** When the latest rebuild started; null when none ever did. */
    public static Instant startedAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT started_at FROM rebuild_status WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? instant(rs.getTimestamp(1)) : null;
        }
    }

    public static void write(Connection c, RebuildStatus s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rebuild_status (id, state, reason, phase, started_at, "
                + "finished_at, events_total, events_read, unreadable, leads, error) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, phase = EXCLUDED.phase, "
                + "started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, events_total = EXCLUDED.events_total, "
                + "events_read = EXCLUDED.events_read, unreadable = EXCLUDED.unreadable, leads = EXCLUDED.leads, "
                + "error = EXCLUDED.error")) {
            ps.setString(1, s.state());
            ps.setString(2, s.reason());
            ps.setString(3, s.phase());
            ps.setTimestamp(4, s.startedAt() == null ? null : Timestamp.from(s.startedAt()));
            ps.setTimestamp(5, s.finishedAt() == null ? null : Timestamp.from(s.finishedAt()));
            ps.setObject(6, s.eventsTotal());
            ps.setLong(7, s.eventsRead());
            ps.setLong(8, s.unreadable());
            ps.setLong(9, s.leads());
            ps.setString(10, s.error());
            ps.executeUpdate();
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
