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
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String cls = sql.getSQLState().substring(0, Math.min(2, sql.getSQLState().length()));
                if (cls.equals("08") || cls.equals("40") || cls.equals("53") || cls.equals("57")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
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
