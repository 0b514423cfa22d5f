package dev.l2r.funnel.rebuild;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.catchup.Backlog;
import dev.l2r.funnel.catchup.ReplayedOffsets;
import dev.l2r.funnel.catchup.TopicOffsets;
import dev.l2r.funnel.definition.DefinitionStore;
import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.funnel.metrics.Stages;
import dev.l2r.funnel.projection.FunnelProjector;
import dev.l2r.funnel.projection.ProjectionTables;
import dev.l2r.platform.consume.EventLog;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** Only one rebuild at a time, across replicas. */
    static final long REBUILD_LOCK = 0x4c32_5246_7262L;
    static final String SHADOW = "funnel_rebuild";
    /** The tables loaded in bulk, whose keys and indexes are built after loading. */
    private static final List<String> BULK_TABLES = List.of("event_log", "lead_stage_entry", "lead_conversion", "lead_current");
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
     * finishes, looks for requests again). Failures are logged: the request stays for the next attempt.
     */
    public void startIfRequired() {
        try {
            List<RebuildRequests.Request> open;
            try (Connection c = dataSource.getConnection()) {
                open = RebuildRequests.open(c);
            }
            if (!open.isEmpty()) {
                String reason = String.join("; ", open.stream().map(RebuildRequests.Request::reason).toList());
                LOG.infof("rebuilding the projections: %s", reason);
                start(reason);
            }
        } catch (ProblemException running) {
            LOG.info("a rebuild is already running; requests left open are served after it");
        } catch (SQLException | RuntimeException e) {
            LOG.error("could not start a requested rebuild; it stays requested", e);
        }
    }

    /** Starts a rebuild in the background; a 409 problem when one is already running (here or in a replica). */
    public RebuildStatus start(String reason) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!tryLock(c)) {
                throw ProblemException.conflict("a rebuild is already running; see GET /api/admin/rebuild");
            }
            writeStatus(c, new RebuildStatus("RUNNING", reason, "starting", Instant.now(), null, null, 0, 0, 0, null, null));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        executor.submit(() -> run(c, reason));
        return status();
    }

    public RebuildStatus status() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state, reason, phase, started_at, finished_at, "
                     + "events_total, events_read, unreadable, leads, error FROM rebuild_status WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return RebuildStatus.IDLE;
            }
            Instant started = instant(rs.getTimestamp(4));
            Instant finished = instant(rs.getTimestamp(5));
            long read = rs.getLong(7);
            Instant until = finished != null ? finished : Instant.now();
            long millis = started == null ? 0 : Duration.between(started, until).toMillis();
            BigDecimal rate = millis <= 0 ? null
                    : BigDecimal.valueOf(read * 1000.0 / millis).setScale(1, RoundingMode.HALF_UP);
            return new RebuildStatus(rs.getString(1), rs.getString(2), rs.getString(3), started, finished,
                    (Long) rs.getObject(6), read, rs.getLong(8), rs.getLong(9), rate, rs.getString(10));
        }
    }

    private void run(Connection lockHolder, String reason) {
        Instant started = Instant.now();
        RebuildProgress progress = new RebuildProgress(reason, started);
        try (lockHolder; Connection writer = open(); Connection copier = open()) {
            progress.phase(writer, "waiting for live batches to finish");
            try (PreparedStatement ps = lockHolder.prepareStatement("SELECT pg_advisory_lock(?)")) {
                ps.setLong(1, FunnelProjector.PROJECTION_LOCK);
                ps.execute();
            }
            // requests seen before the definition is read: what they asked for is in what this rebuild reads
            List<RebuildRequests.Request> served = RebuildRequests.open(writer);
            FunnelDefinition funnel = definitions.current(writer);
            progress.phase(writer, "creating shadow tables");
            createShadow(writer);
            ProjectionTables shadow = new ProjectionTables(SHADOW);
            List<ShadowKeys.Step> keys = ShadowKeys.drop(writer, SHADOW, BULK_TABLES);
            progress.phase(writer, "reading the topic from offset zero");
            Map<Integer, Long> unseen = offsets.backlog(writer).map(Backlog::positions).orElse(Map.of());
            Map<Integer, Long> replayed = new TopicReplay(kafkaConfig, topic, shadow.table("event_log"), unseen,
                    deadLetters).run(copier, writer, progress);
            progress.phase(writer, "recomputing every lead");
            RebuildCells cells = new RebuildCells(shadow, Stages.hotTargets(funnel), bytes(cellMemory));
            new LeadRecompute(this::open, funnel, shadow, cells, workers).run(writer, progress);
            progress.phase(writer, "indexing and writing cells");
            // the cells first: they free their memory, and read back from the per-lead rows they are a long step
            List<ShadowKeys.Step> work = new ArrayList<>();
            work.add(new ShadowKeys.Step("cells", cells::write));
            work.addAll(keys);
            runInParallel(work, writer, progress);
            for (String t : ProjectionTables.TABLES) {
                ShadowKeys.execute(writer, "ANALYZE " + shadow.table(t));
            }
            progress.phase(writer, "swapping in the new tables");
            swap(writer, served, topic, replayed);
            progress.finish(writer, "DONE", null);
            unlockAll(lockHolder);
            LOG.infof("rebuild done: %d events, %d leads in %s", progress.read.get(), progress.leads.get(),
                    Duration.between(started, Instant.now()));
            executor.submit(this::startIfRequired); // asked for while this one ran
        } catch (Exception e) {
            LOG.error("rebuild failed; the previous projections stay in place", e);
            unlockAll(lockHolder);
            try (Connection c = dataSource.getConnection()) {
                progress.finish(c, "FAILED", String.valueOf(e.getMessage()));
                ShadowKeys.execute(c, "DROP SCHEMA IF EXISTS " + SHADOW + " CASCADE");
            } catch (SQLException ignored) {
                LOG.error("could not record the failed rebuild", ignored);
            }
            CompletableFuture.delayedExecutor(RETRY_AFTER_FAILURE.toSeconds(), TimeUnit.SECONDS, executor)
                    .execute(this::startIfRequired);
        }
    }

    /**
     * A pooled connection set up for rebuild work: a rebuild that dies is simply run again, so its writes need
     * not wait for the disk one by one; sorts, hashes and index builds get the memory configured for them.
     */
    private Connection open() throws SQLException {
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

    /** Session locks outlive a pooled connection's close: release them explicitly. */
    private static void unlockAll(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            LOG.error("could not release the rebuild's locks; closing the connection", e);
            try {
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // the pool discards it
            }
        }
    }

    private void createShadow(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SHADOW + " CASCADE");
        }
        // the same migrations build the same tables, indexes and constraint names in the shadow schema
        Flyway.configure().configuration(flyway.getConfiguration())
                .schemas(SHADOW).defaultSchema(SHADOW).createSchemas(true)
                .load().migrate();
    }

    /** Runs independent steps two at a time (one per core here), each on its own connection. */
    private void runInParallel(List<ShadowKeys.Step> steps, Connection status, RebuildProgress progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "funnel-rebuild-index"));
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (ShadowKeys.Step step : steps) {
                done.add(pool.submit(() -> {
                    Instant start = Instant.now();
                    try (Connection c = open()) {
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

    private static void swap(Connection c, List<RebuildRequests.Request> served, String topic,
                             Map<Integer, Long> replayed) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            RebuildRequests.clear(c, served);
            ReplayedOffsets.save(c, topic, replayed);
            s.execute("DROP SCHEMA IF EXISTS funnel_retired CASCADE");
            s.execute("CREATE SCHEMA funnel_retired");
            for (String t : ProjectionTables.TABLES) {
                s.execute("ALTER TABLE public." + t + " SET SCHEMA funnel_retired");
                s.execute("ALTER TABLE " + SHADOW + "." + t + " SET SCHEMA public");
            }
            s.execute("DROP SCHEMA funnel_retired CASCADE");
            s.execute("DROP SCHEMA " + SHADOW + " CASCADE");
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, REBUILD_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static void writeStatus(Connection c, RebuildStatus s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rebuild_status (id, state, reason, phase, started_at, "
                + "finished_at, events_total, events_read, unreadable, leads, error) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, phase = EXCLUDED.phase, "
                + "started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, events_total = EXCLUDED.events_total, "
                + "events_read = EXCLUDED.events_read, unreadable = EXCLUDED.unreadable, leads = EXCLUDED.leads, "
                + "error = EXCLUDED.error")) {
            ps.setString(1, s.state());
            ps.setString(2, s.reason());
            ps.setString(3, s.phase());
            ps.setTimestamp(4, s.startedAt() == null ? null : Timestamp.from(s.startedAt()));
            ps.setTimestamp(5, s.finishedAt() == null ? null : Timestamp.from(s.finishedAt()));
            ps.setObject(6, s.eventsTotal());
            ps.setLong(7, s.eventsRead());
            ps.setLong(8, s.unreadable());
            ps.setLong(9, s.leads());
            ps.setString(10, s.error());
            ps.executeUpdate();
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

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
