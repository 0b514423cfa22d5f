package dev.l2r.funnel.rebuild;

import dev.l2r.platform.rebuild.RebuildStatus;
import dev.l2r.funnel.storage.RebuildStatusTable;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the running rebuild has done, counted by its threads and saved to rebuild_status by the thread that
 * drives it (at most four times a second).
 */
final class RebuildProgress {

    private static final Logger LOG = Logger.getLogger(RebuildProgress.class);

    final String reason;
    final Instant started;
    final AtomicLong read = new AtomicLong();
    final AtomicLong unreadable = new AtomicLong();
    final AtomicLong leads = new AtomicLong();
    private volatile String phase = "starting";
    private volatile Long total;
    private long savedAt;

    RebuildProgress(String reason, Instant started) {
        this.reason = reason;
        this.started = started;
    }

    void phase(Connection c, String phase) throws SQLException {
        // logged with the time since the start, so the log shows where a rebuild's time went
        LOG.infof("rebuild: %s (%d events read, %d leads, %s since the start)", phase, read.get(), leads.get(),
                Duration.between(started, Instant.now()));
        this.phase = phase;
        savedAt = 0;
        save(c);
    }

    void total(Connection c, long total) throws SQLException {
        this.total = total;
        savedAt = 0;
        save(c);
    }

    void save(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        if (now - savedAt >= 250) {
            savedAt = now;
            RebuildStatusTable.write(c, new RebuildStatus("RUNNING", reason, phase, started, null, total, read.get(),
                    unreadable.get(), leads.get(), null, null));
        }
    }

    /** Waits for work running in other threads, saving the progress meanwhile; rethrows the first failure. */
    void await(Connection status, List<? extends Future<?>> work)
            throws SQLException, InterruptedException, ExecutionException {
        while (work.stream().anyMatch(f -> !f.isDone())) {
            save(status);
            Thread.sleep(250);
        }
        for (Future<?> f : work) {
            f.get();
        }
    }

    void finish(Connection c, String state, String error) throws SQLException {
        RebuildStatusTable.write(c, new RebuildStatus(state, reason, state.equals("DONE") ? null : phase, started,
                Instant.now(), total, read.get(), unreadable.get(), leads.get(), null, error));
    }
}
