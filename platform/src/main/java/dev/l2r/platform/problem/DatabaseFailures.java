package dev.l2r.platform.problem;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tells a database that cannot be reached from any other failure, whatever wraps it: services wrap JDBC's
 * {@link SQLException} in their own exceptions (lead-service's {@code RecordingFailed}, an
 * {@code IllegalStateException}), and Agroal reports a pool that found no connection in time as a plain
 * {@code SQLException}. So the whole cause chain is read, suppressed exceptions included.
 */
public final class DatabaseFailures {

    /** What a failure says about the database. */
    public enum Kind {
        /** Not a database failure at all. */
        NONE,
        /** The database cannot be reached now: retrying later may succeed. */
        UNAVAILABLE,
        /** The database answered with an error: a bug or a broken invariant, retrying will not help. */
        FAILED
    }

    /**
     * PostgreSQL's states for "cannot talk to the server now": admin_shutdown, crash_shutdown, cannot_connect_now
     * (starting up, shutting down, in recovery) and too_many_connections. Class 08 (connection exception) is
     * matched as a class.
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    /** How Agroal words a pool that found no connection within its acquisition timeout. */
    private static final String AGROAL_ACQUISITION_TIMEOUT = "Acquisition timeout";

    private static final int MAX_DEPTH = 64;

    private DatabaseFailures() {
    }

    public static Kind classify(Throwable failure) {
        Kind[] found = {Kind.NONE};
        walk(failure, false, new IdentityHashMap<>(), 0, found);
        return found[0];
    }

    private static void walk(Throwable t, boolean belowSql, Map<Throwable, Boolean> seen, int depth, Kind[] found) {
        if (t == null || depth > MAX_DEPTH || seen.put(t, Boolean.TRUE) != null || found[0] == Kind.UNAVAILABLE) {
            return;
        }
        boolean sql = t instanceof SQLException;
        if (sql) {
            found[0] = Kind.FAILED;
        }
        if (unavailable(t, belowSql || sql)) {
            found[0] = Kind.UNAVAILABLE;
            return;
        }
        walk(t.getCause(), belowSql || sql, seen, depth + 1, found);
        if (t instanceof SQLException e) {
            walk(e.getNextException(), true, seen, depth + 1, found);
        }
        for (Throwable s : t.getSuppressed()) {
            walk(s, belowSql || sql, seen, depth + 1, found);
        }
    }

    private static boolean unavailable(Throwable t, boolean inDatabaseCall) {
        if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
            return true;
        }
        if (t instanceof SQLException e) {
            String state = e.getSQLState();
            if (state != null) {
                return state.startsWith("08") || UNAVAILABLE_STATES.contains(state);
            }
            return e.getMessage() != null && e.getMessage().startsWith(AGROAL_ACQUISITION_TIMEOUT);
        }
        // the network refusing the connection counts only inside a database call: elsewhere it could be any peer
        return inDatabaseCall && (t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException);
    }
}
