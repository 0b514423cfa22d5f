package dev.l2r.funnel.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL advisory locks that keep live batches and rebuilds apart: live batches hold the projection lock
 * shared for their transaction, a rebuild exclusively (a session lock) while it replaces the tables; only one
 * rebuild runs at a time, across replicas, under the rebuild lock.
 */
public final class ProjectionLocks {

    /** Live batches hold this advisory lock shared; a rebuild holds it exclusively while it replaces the tables. */
    public static final long PROJECTION_LOCK = 0x4c32_5246_756eL;
    /** Only one rebuild at a time, across replicas. */
    public static final long REBUILD_LOCK = 0x4c32_5246_7262L;

    private ProjectionLocks() {
    }

    /** The projection lock shared, until the caller's transaction ends (waits while a rebuild swaps tables). */
    public static void shareForTransaction(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
            lock.setLong(1, PROJECTION_LOCK);
            lock.execute();
        }
    }

    /** The projection lock exclusively, for the session (until {@link #releaseAll}): waits for live batches. */
    public static void holdExclusively(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, PROJECTION_LOCK);
            ps.execute();
        }
    }

    /** Takes the rebuild lock for the session, unless another session holds it. */
    public static boolean tryRebuild(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, REBUILD_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Whether some session of this database holds the rebuild lock (pg_locks shows a bigint key in two halves). */
    public static boolean rebuildHeld(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                + "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                + "AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1)")) {
            ps.setLong(1, REBUILD_LOCK >>> 32);
            ps.setLong(2, REBUILD_LOCK & 0xffff_ffffL);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Releases the session's advisory locks: they outlive a pooled connection's close. */
    public static void releaseAll(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        }
    }
}
