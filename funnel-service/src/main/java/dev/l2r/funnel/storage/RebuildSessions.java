package dev.l2r.funnel.storage;

import org.jboss.logging.Logger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Pooled connections set up for rebuild work: a rebuild that dies is simply run again, so its writes need not wait
 * for the disk one by one; sorts, hashes and index builds get the memory configured for them.
 */
public final class RebuildSessions {

    private static final Logger LOG = Logger.getLogger(RebuildSessions.class);

    private final DataSource dataSource;
    private final String workMem;
    private final String maintenanceWorkMem;

    /** @param workMem and {@code maintenanceWorkMem}: PostgreSQL sizes, checked by the caller (e.g. 128MB) */
    public RebuildSessions(DataSource dataSource, String workMem, String maintenanceWorkMem) {
        this.dataSource = dataSource;
        this.workMem = workMem;
        this.maintenanceWorkMem = maintenanceWorkMem;
    }

    public Connection open() throws SQLException {
        Connection c = dataSource.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit TO off");
            s.execute("SET work_mem TO '" + workMem + "'");
            s.execute("SET maintenance_work_mem TO '" + maintenanceWorkMem + "'");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return resettingOnClose(c);
    }

    /**
     * The pool hands connections on: the settings above must not reach the live consumer, whose commits must
     * wait for the disk. Closing the returned connection resets them first (outside any transaction, since a
     * rolled-back RESET would not count).
     */
    private static Connection resettingOnClose(Connection c) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        try {
                            if (!c.getAutoCommit()) {
                                c.rollback();
                                c.setAutoCommit(true);
                            }
                            ShadowKeys.execute(c, "RESET ALL");
                        } catch (SQLException e) {
                            LOG.warn("could not reset a rebuild connection; discarding it", e);
                            c.abort(Runnable::run);
                        }
                        c.close();
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
