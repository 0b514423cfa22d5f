package dev.l2r.platform.pipeline;

import dev.l2r.platform.problem.DatabaseFailures;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a failure to apply records says, and so what the pipeline does about it: wait, or hold it against the
 * records. Waited out, however long it lasts and without counting against any record:
 * <ul>
 * <li>the database cannot be reached ({@link DatabaseFailures}: SQL state class 08, 57P01-57P03, 53300, a refused
 * connection, the pool's acquisition timeout);</li>
 * <li>it asks for the transaction to be tried again (class 40: serialization failure, deadlock) or is short of
 * resources (class 53: disk full, out of memory);</li>
 * <li>it refuses every record alike, so that no record is at fault: a missing table or column, a permission, an
 * internal error, a dropped database (classes 42, 3D, 3F, 28, 58, XX; 57P04, 57P05). Dead-lettering record after record would empty the projection
 * into the dead-letter topic; the pipeline waits for an operator instead, logging the cause at each try.</li>
 * </ul>
 * Anything else (the database refusing a value, class 22, or a constraint, class 23; the projection's code failing
 * on a record) may be the records' own: the pipeline finds the record at fault and, when it fails on its own again
 * and again, sets it aside.
 */
public final class Failures {

    /** SQL state classes that no record causes. */
    private static final Set<String> NOT_THE_RECORDS = Set.of("40", "53", "42", "3D", "3F", "28", "58", "XX");
    /** ...and single states: database_dropped, idle_session_timeout. */
    private static final Set<String> NOT_THE_RECORDS_STATES = Set.of("57P04", "57P05");
    private static final int MAX_DEPTH = 64;

    private Failures() {
    }

    /** Whether the pipeline waits this failure out rather than holding it against a record. */
    public static boolean waits(Throwable failure) {
        if (failure instanceof InterruptedException) {
            return false;
        }
        if (DatabaseFailures.classify(failure) == DatabaseFailures.Kind.UNAVAILABLE) {
            return true;
        }
        String state = sqlState(failure);
        return state != null && state.length() >= 2
                && (NOT_THE_RECORDS.contains(state.substring(0, 2)) || NOT_THE_RECORDS_STATES.contains(state));
    }

    /** The first SQL state in the cause chain (wrapped, chained with next exceptions or suppressed). */
    static String sqlState(Throwable failure) {
        return find(failure, new IdentityHashMap<>(), 0);
    }

    private static String find(Throwable t, Map<Throwable, Boolean> seen, int depth) {
        if (t == null || depth > MAX_DEPTH || seen.put(t, Boolean.TRUE) != null) {
            return null;
        }
        if (t instanceof SQLException e && e.getSQLState() != null) {
            return e.getSQLState();
        }
        String found = find(t.getCause(), seen, depth + 1);
        if (found == null && t instanceof SQLException e) {
            found = find(e.getNextException(), seen, depth + 1);
        }
        for (Throwable s : t.getSuppressed()) {
            found = found != null ? found : find(s, seen, depth + 1);
        }
        return found;
    }

    /** A failure as a reason may quote it: its innermost cause, with the SQL state when there is one. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        while (root.getCause() != null && seen.put(root, Boolean.TRUE) == null) {
            root = root.getCause();
        }
        String state = sqlState(failure);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return (state == null ? "" : "SQL state " + state + ": ") + RecordCheck.words(message);
    }
}
