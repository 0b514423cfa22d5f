package dev.l2r.lead.history;

import java.sql.SQLException;
import java.util.Set;

/** The database refused a recording; unchecked so that the transaction rolls back. */
public class RecordingFailed extends RuntimeException {

    /** unique_violation, deadlock_detected, serialization_failure: another writer won a race */
    static final Set<String> RACES = Set.of("23505", "40P01", "40001");

    public RecordingFailed(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** The SQL state of the first SQL exception in the cause chain, or null. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** Whether a recording failed because another writer won a race (tried again at once, it sees the winner). */
    public static boolean lostRace(Throwable e) {
        return e instanceof RecordingFailed f && RACES.contains(sqlState(f));
    }

    /** Whether the failure is one of the races {@link #lostRace} retries. */
    public static boolean isRace(String sqlState) {
        return RACES.contains(sqlState);
    }
}
