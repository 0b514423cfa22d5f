package dev.l2r.lead.privacy;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Raw webhook bodies are kept {@code L2R_RAW_DELIVERY_RETENTION} (default 30 days): long enough to look into a
 * delivery that was read wrongly and to answer a subject-access request with what the sender sent, no longer. A job
 * on every replica (the work is idempotent) removes older bodies every {@code l2r.privacy.prune-interval}, a batch
 * per transaction: a row that transitions, details changes or parked items reference stays without its body (its
 * hash still recognises a retry of the same body); one that nothing references goes. Parked items keep what they
 * need in their own columns, so pruning never loses one. Erased deliveries are left alone: their rows are what
 * recognises a retry.
 */
@ApplicationScoped
public class RawDeliveryRetention {

    private static final Logger LOG = Logger.getLogger(RawDeliveryRetention.class);
    static final int BATCH = 1000;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "l2r.privacy.raw-delivery-retention")
    Duration retention;

    @ConfigProperty(name = "l2r.privacy.prune-interval")
    Duration interval;

    Clock clock = Clock.systemUTC();

    private ScheduledExecutorService schedule;

    /** What one prune did. */
    public record Pruned(long bodiesRemoved, long rowsDeleted) {
    }

    void start(@Observes StartupEvent event) {
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "raw-delivery-retention");
            t.setDaemon(true);
            return t;
        });
        schedule.scheduleWithFixedDelay(this::pruneNow, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (schedule != null) {
            schedule.shutdownNow();
        }
    }

    private void pruneNow() {
        try {
            Pruned pruned = prune(clock.instant());
            if (pruned.bodiesRemoved() + pruned.rowsDeleted() > 0) {
                LOG.infof("raw deliveries older than %s: %d bodies removed, %d rows deleted", retention,
                        pruned.bodiesRemoved(), pruned.rowsDeleted());
            }
        } catch (RuntimeException e) {
            // the next run tries again; a database away is no reason to stop the schedule
            LOG.warnf("raw delivery retention did not run: %s", e.getClass().getSimpleName());
        }
    }

    /** Removes the bodies of deliveries received before {@code now} minus the retention. */
    public Pruned prune(Instant now) {
        Timestamp before = Timestamp.from(now.minus(retention));
        long deleted = 0;
        long removed = 0;
        try (Connection c = dataSource.getConnection()) {
            // autocommit: each batch is its own transaction, so that no lock is held for long
            int n;
            do {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_delivery WHERE id IN ("
                        + "SELECT d.id FROM webhook_delivery d WHERE d.body IS NOT NULL AND d.received_at < ? "
                        + "AND d.erased_at IS NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM stage_transition t WHERE t.delivery_id = d.id) "
                        + "AND NOT EXISTS (SELECT 1 FROM lead_detail_change x WHERE x.delivery_id = d.id) "
                        + "AND NOT EXISTS (SELECT 1 FROM parked_item p WHERE p.delivery_id = d.id) "
                        + "ORDER BY d.id LIMIT " + BATCH + ")")) {
                    ps.setTimestamp(1, before);
                    n = ps.executeUpdate();
                    deleted += n;
                }
            } while (n == BATCH);
            do {
                try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_delivery SET body = NULL, "
                        + "body_pruned_at = ? WHERE id IN (SELECT id FROM webhook_delivery WHERE body IS NOT NULL "
                        + "AND received_at < ? ORDER BY id LIMIT " + BATCH + ")")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setTimestamp(2, before);
                    n = ps.executeUpdate();
                    removed += n;
                }
            } while (n == BATCH);
        } catch (SQLException e) {
            throw new IllegalStateException("could not prune raw deliveries", e);
        }
        return new Pruned(removed, deleted);
    }
}
