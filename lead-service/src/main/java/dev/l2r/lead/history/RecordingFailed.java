package dev.l2r.lead.history;

import java.sql.SQLException;

/** The database refused a recording; unchecked so that the transaction rolls back. */
public class RecordingFailed extends RuntimeException {

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
}
