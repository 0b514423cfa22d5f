package dev.l2r.forecast.consumer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Repeats a database step while it fails for a reason that goes away by itself (connection lost, database
 * restarting, serialization conflict, out of resources), backing off up to a ceiling; any other failure is thrown.
 */
@ApplicationScoped
public class Retry {

    private static final Logger LOG = Logger.getLogger(Retry.class);

    /** A step that may throw; what it returns is not needed. */
    public interface Step {
        Object run() throws SQLException;
    }

    @ConfigProperty(name = "l2r.forecast.consumer.max-backoff")
    Duration maxBackoff;

    public void whileTransient(Step step) throws SQLException, InterruptedException {
        long backoff = 100;
        while (true) {
            try {
                step.run();
                return;
            } catch (SQLException | RuntimeException e) {
                if (!transient_(e)) {
                    throw e;
                }
                LOG.warnf("database unavailable (%s); retrying in %d ms", describe(e), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, maxBackoff.toMillis());
            }
        }
    }

    /** Whether a SQL state class in the cause chain says the failure is temporary (08, 40, 53, 57). */
    static boolean transient_(Throwable e) {
        String cls = sqlStateClass(e);
        return cls != null && (cls.equals("08") || cls.equals("40") || cls.equals("53") || cls.equals("57"));
    }

    /**
     * Whether a failure lies with the data of the event rather than with the service or its database: the database
     * refused a value (SQL state classes 22, data exception, and 23, integrity constraint), or the code failed on it
     * without any SQL error. Any other database failure (a missing table, a permission, an internal error) would
     * fail every event alike, and dead-lettering them all would empty the projection, so it is not the event's.
     */
    static boolean eventSpecific(Throwable e) {
        String cls = sqlStateClass(e);
        return cls == null ? !hasSqlException(e) : cls.equals("22") || cls.equals("23");
    }

    private static String sqlStateClass(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2) {
                return sql.getSQLState().substring(0, 2);
            }
        }
        return null;
    }

    private static boolean hasSqlException(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
