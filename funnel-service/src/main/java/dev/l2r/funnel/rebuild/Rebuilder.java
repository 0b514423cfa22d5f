package dev.l2r.funnel.rebuild;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.Stages;
import dev.l2r.funnel.core.catchup.Backlog;
import dev.l2r.platform.rebuild.RebuildStatus;
import dev.l2r.funnel.storage.DefinitionStore;
import dev.l2r.funnel.storage.ProjectionLocks;
import dev.l2r.funnel.storage.ProjectionTables;
import dev.l2r.funnel.storage.RebuildRequests;
import dev.l2r.funnel.storage.RebuildSessions;
import dev.l2r.funnel.storage.RebuildStatusTable;
import dev.l2r.funnel.storage.ReplayedOffsets;
import dev.l2r.funnel.storage.ShadowKeys;
import dev.l2r.funnel.storage.ShadowSchema;
import dev.l2r.funnel.topic.TopicOffsets;
import dev.l2r.platform.pipeline.DeadLetters;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Drops the projections and replays the topic from offset zero, without stopping the service: the replay fills
 * a shadow schema created by the same migrations, and the finished tables are swapped in at the end in one
 * transaction. Until then queries answer from the old tables. Live batches (of every replica) wait on the
 * projection lock meanwhile, and continue from their committed offsets afterwards: the swap records where the
 * replay stopped reading ({@link ReplayedOffsets}), and live batches pass over the records below without reading
 * them (were they read, the rebuilt event log would drop them as already seen).
 */
@ApplicationScoped
public class Rebuilder {

    private static final Logger LOG = Logger.getLogger(Rebuilder.class);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DefinitionStore definitions;

    @Inject
    Flyway flyway;

    @Inject
    TopicOffsets offsets;

    @Inject
    DeadLetters deadLetters;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.topic")
    String topic;

    /** Threads recomputing leads (each with a reading and a writing connection). */
    @ConfigProperty(name = "l2r.rebuild.workers")
    int workers;

    /** Heap the cells a rebuild sums in memory may take; beyond it they are summed from the per-lead rows. */
    @ConfigProperty(name = "l2r.rebuild.cell-memory")
    String cellMemory;

    /** PostgreSQL work_mem of the rebuild's sessions: the sort by lead, adding up spilled cells. */
    @ConfigProperty(name = "l2r.rebuild.work-mem")
    String workMem;

    /** PostgreSQL maintenance_work_mem of the rebuild's sessions: building the keys and indexes. */
    @ConfigProperty(name = "l2r.rebuild.maintenance-work-mem")
    String maintenanceWorkMem;

    private RebuildSessions sessions;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "funnel-rebuild");
        t.setDaemon(true);
        return t;
    });

    @PostConstruct
    void checkSettings() {
        for (String memory : List.of(workMem, maintenanceWorkMem, cellMemory)) {
            if (!memory.matches("[0-9]+(kB|MB|GB)?")) {
                throw new IllegalArgumentException("not a memory size: '" + memory + "' (l2r.rebuild.work-mem, "
                        + "l2r.rebuild.maintenance-work-mem, l2r.rebuild.cell-memory: e.g. 128MB)");
            }
        }
        if (workers < 1) {
            throw new IllegalArgumentException("l2r.rebuild.workers must be at least 1, not " + workers);
        }
        sessions = new RebuildSessions(dataSource, workMem, maintenanceWorkMem);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** A rebuild requested before a crash or by a migration (see {@link RebuildRequests}) starts with the service. */
    void onStart(@Observes StartupEvent start) {
        startIfRequired();
    }

    /**
     * Starts a rebuild when one is requested and none is running here or in a replica (whose rebuild, when it
     * finishes, looks for requests again). Failures are logged: the request stays for the next attempt. Every
     * replica's catch-up watch also calls this, so a request whose replica died before serving it is served.
     */
    public void startIfRequired() {
        try {
            List<RebuildRequests.Request> open;
            try (Connection c = dataSource.getConnection()) {
                open = RebuildRequests.open(c);
            }
            if (!open.isEmpty()) {
                String reason = String.join("; ", open.stream().map(RebuildRequests.Request::reason).toList());
                if (begin(reason, null)) {
                    LOG.infof("rebuilding the projections: %s", reason);
                } else {
                    LOG.debug("a rebuild is already running; requests left open are served after it");
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("could not start a requested rebuild; it stays requested", e);
        }
    }

    /** Starts a rebuild in the background; a 409 problem when one is already running (here or in a replica). */
    public RebuildStatus start(String reason) throws SQLException {
        if (!begin(reason, null)) {
            throw ProblemException.conflict("a rebuild is already running; see GET /api/admin/rebuild");
        }
        return status();
    }

    /**
     * Starts a rebuild unless one is running, or one started (and may have finished) since {@code seen} was read:
     * a replica's watch that looked at the backlog while another replica's replay was swapping its tables in would
     * otherwise replay the whole topic again for a backlog that replay has just caught up.
     *
     * @return whether a rebuild started
     */
    public boolean startUnlessChangedSince(String reason, RebuildStatus seen) throws SQLException {
        return begin(reason, seen);
    }

    /**
     * Takes the rebuild lock (a session lock, held by the connection the rebuild keeps to its end) and starts the
     * rebuild in the background; false when another holds the lock or, given {@code seen}, the latest rebuild is no
     * longer the one seen.
     */
    private boolean begin(String reason, RebuildStatus seen) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!ProjectionLocks.tryRebuild(c)) {
                c.close();
                return false;
            }
            if (seen != null && !java.util.Objects.equals(RebuildStatusTable.startedAt(c), seen.startedAt())) {
                unlockAll(c);
                c.close();
                return false;
            }
            RebuildStatusTable.write(c, new RebuildStatus("RUNNING", reason, "starting", Instant.now(), null, null, 0, 0, 0, null, null));
        } catch (SQLException | RuntimeException e) {
            unlockAll(c); // a session lock would outlive the pooled connection's close
            c.close();
            throw e;
        }
        executor.submit(() -> run(c, reason));
        return true;
    }

    /**
     * The running or latest rebuild. A rebuild marked RUNNING whose lock nobody holds ran in a replica that died
     * (its database session ended with it): it is reported FAILED, and the catch-up watch and requests may start
     * another.
     */
    public RebuildStatus status() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return RebuildStatusTable.read(c);
        }
    }

    private void run(Connection lockHolder, String reason) {
        Instant started = Instant.now();
        RebuildProgress progress = new RebuildProgress(reason, started);
        boolean done = false;
        // not closed by the try: its session locks must be released first, also after a failure (a pooled
        // connection closed with them would keep every live batch waiting for good)
        try (Connection writer = sessions.open(); Connection copier = sessions.open()) {
            progress.phase(writer, "waiting for live batches to finish");
            ProjectionLocks.holdExclusively(lockHolder);
            // requests seen before the definition is read: what they asked for is in what this rebuild reads
            List<RebuildRequests.Request> served = RebuildRequests.open(writer);
            FunnelDefinition funnel = definitions.current(writer);
            progress.phase(writer, "creating shadow tables");
            ShadowSchema.create(writer, flyway);
            ProjectionTables shadow = new ProjectionTables(ShadowSchema.NAME);
            List<ShadowKeys.Step> keys = ShadowKeys.drop(writer, ShadowSchema.NAME, ShadowSchema.BULK_TABLES);
            progress.phase(writer, "reading the topic from offset zero");
            Map<Integer, Long> unseen = offsets.backlog(writer).map(Backlog::positions).orElse(Map.of());
            Map<Integer, Long> replayed = new TopicReplay(kafkaConfig, topic, shadow, unseen,
                    deadLetters).run(copier, writer, progress);
            progress.phase(writer, "applying merges and erasures");
            IdentityReplay.apply(writer, shadow);
            progress.phase(writer, "recomputing every lead");
            RebuildCells cells = new RebuildCells(shadow, Stages.hotTargets(funnel), bytes(cellMemory));
            new LeadRecompute(sessions::open, funnel, shadow, cells, workers).run(writer, progress);
            progress.phase(writer, "indexing and writing cells");
            // the cells first: they free their memory, and read back from the per-lead rows they are a long step
            List<ShadowKeys.Step> work = new ArrayList<>();
            work.add(new ShadowKeys.Step("cells", cells::write));
            work.addAll(keys);
            runInParallel(work, writer, progress);
            ShadowSchema.analyze(writer);
            progress.phase(writer, "swapping in the new tables");
            ShadowSchema.swap(writer, served, topic, replayed);
            progress.finish(writer, "DONE", null);
            done = true;
            LOG.infof("rebuild done: %d events, %d leads in %s", progress.read.get(), progress.leads.get(),
                    Duration.between(started, Instant.now()));
        } catch (Exception e) {
            LOG.error("rebuild failed; the previous projections stay in place", e);
            // recorded before the lock is released: a replica that then takes it finds this one finished
            try (Connection c = dataSource.getConnection()) {
                progress.finish(c, "FAILED", String.valueOf(e.getMessage()));
                ShadowSchema.drop(c);
            } catch (SQLException ignored) {
                LOG.error("could not record the failed rebuild", ignored);
            }
        } finally {
            unlockAll(lockHolder);
            try {
                lockHolder.close();
            } catch (SQLException e) {
                LOG.warn("could not close the rebuild's lock connection", e);
            }
        }
        if (done) {
            executor.submit(this::startIfRequired); // asked for while this one ran
        } else {
            CompletableFuture.delayedExecutor(RETRY_AFTER_FAILURE.toSeconds(), TimeUnit.SECONDS, executor)
                    .execute(this::startIfRequired);
        }
    }

    /** Session locks outlive a pooled connection's close: release them explicitly. */
    private static void unlockAll(Connection c) {
        try {
            ProjectionLocks.releaseAll(c);
        } catch (SQLException e) {
            LOG.error("could not release the rebuild's locks; closing the connection", e);
            try {
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // the pool discards it
            }
        }
    }

    /** Runs independent steps two at a time (one per core here), each on its own connection. */
    private void runInParallel(List<ShadowKeys.Step> steps, Connection status, RebuildProgress progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "funnel-rebuild-index"));
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (ShadowKeys.Step step : steps) {
                done.add(pool.submit(() -> {
                    Instant start = Instant.now();
                    try (Connection c = sessions.open()) {
                        step.work().run(c);
                    }
                    LOG.infof("rebuild step %s took %s", step.name(), Duration.between(start, Instant.now()));
                    return null;
                }));
            }
            progress.await(status, done);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A size such as 128MB in bytes, read as PostgreSQL reads it (units of 1024; no unit: kB). */
    static long bytes(String size) {
        String digits = size.replaceAll("[a-zA-Z]+$", "");
        long n = Long.parseLong(digits);
        return switch (size.substring(digits.length())) {
            case "MB" -> n << 20;
            case "GB" -> n << 30;
            default -> n << 10;
        };
    }
}
