package dev.l2r.funnel.rebuild;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.consumer.EventChecks;
import dev.l2r.funnel.definition.DefinitionStore;
import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.funnel.projection.FunnelProjector;
import dev.l2r.funnel.projection.ProjectionTables;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
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
 * projection lock meanwhile, and continue from their committed offsets afterwards: what they see again is
 * already in the rebuilt event log, so it changes nothing.
 */
@ApplicationScoped
public class Rebuilder {

    private static final Logger LOG = Logger.getLogger(Rebuilder.class);
    /** Only one rebuild at a time, across replicas. */
    static final long REBUILD_LOCK = 0x4c32_5246_7262L;
    static final String SHADOW = "funnel_rebuild";
    private static final int CHUNK = 5_000;
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DefinitionStore definitions;

    @Inject
    Flyway flyway;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.topic")
    String topic;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "funnel-rebuild");
        t.setDaemon(true);
        return t;
    });

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
        Progress progress = new Progress(reason, started);
        try (lockHolder; Connection writer = dataSource.getConnection()) {
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
            // a rebuild that dies is simply run again: its writes need not wait for the disk one by one
            try (Statement s = writer.createStatement()) {
                s.execute("SET synchronous_commit TO off");
            }
            List<String> indexes = dropSecondaryIndexes(writer);
            ProjectionTables shadow = new ProjectionTables(SHADOW);
            progress.phase(writer, "reading the topic from offset zero");
            replayTopic(writer, progress);
            progress.phase(writer, "recomputing every lead");
            recomputeLeads(lockHolder, writer, funnel, shadow, progress);
            progress.phase(writer, "indexing and aggregating cells");
            List<String> work = new ArrayList<>(shadow.buildCells());
            work.addAll(indexes);
            runInParallel(work);
            try (Statement s = writer.createStatement()) {
                for (String t : ProjectionTables.TABLES) {
                    s.execute("ANALYZE " + shadow.table(t));
                }
            }
            progress.phase(writer, "swapping in the new tables");
            swap(writer, served);
            progress.finish(writer, "DONE", null);
            try (Statement s = writer.createStatement()) {
                s.execute("RESET synchronous_commit");
            }
            unlockAll(lockHolder);
            LOG.infof("rebuild done: %d events, %d leads in %s", progress.read, progress.leads,
                    Duration.between(started, Instant.now()));
            executor.submit(this::startIfRequired); // asked for while this one ran

        } catch (Exception e) {
            LOG.error("rebuild failed; the previous projections stay in place", e);
            unlockAll(lockHolder);
            try (Connection c = dataSource.getConnection()) {
                progress.finish(c, "FAILED", String.valueOf(e.getMessage()));
                try (Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + SHADOW + " CASCADE");
                }
            } catch (SQLException ignored) {
                LOG.error("could not record the failed rebuild", ignored);
            }
            CompletableFuture.delayedExecutor(RETRY_AFTER_FAILURE.toSeconds(), TimeUnit.SECONDS, executor)
                    .execute(this::startIfRequired);
        }
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

    /** Runs independent statements two at a time (one per core here), each on its own connection. */
    private void runInParallel(List<String> statements) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String sql : statements) {
                done.add(pool.submit(() -> {
                    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                        s.execute("SET synchronous_commit TO off");
                        s.execute(sql);
                        s.execute("RESET synchronous_commit");
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Drops the shadow tables' indexes that back no constraint (loading is faster without them) and returns the
     * statements that recreate them, as the migrations defined them.
     */
    private static List<String> dropSecondaryIndexes(Connection c) throws SQLException {
        List<String> definitions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indexname, i.indexdef FROM pg_indexes i "
                + "WHERE i.schemaname = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
                + "JOIN pg_class x ON x.oid = k.conindid JOIN pg_namespace n ON n.oid = x.relnamespace "
                + "WHERE x.relname = i.indexname AND n.nspname = i.schemaname)")) {
            ps.setString(1, SHADOW);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    definitions.add(rs.getString(2));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String name : names) {
                s.execute("DROP INDEX " + SHADOW + "." + name);
            }
        }
        return definitions;
    }

    private void replayTopic(Connection writer, Progress progress) throws SQLException {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove("group.id");
        config.put("enable.auto.commit", "false");
        config.put("max.poll.records", "5000");
        config.put("fetch.max.bytes", String.valueOf(64 * 1024 * 1024));
        config.put("max.partition.fetch.bytes", String.valueOf(16 * 1024 * 1024));
        config.put("client.id", "funnel-service-rebuild");
        config.put("allow.auto.create.topics", "false");
        EventLog log = new EventLog("event_log"); // in the shadow schema, see appendShadow
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            progress.total(writer, partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum());
            List<LeadStageChanged> batch = new ArrayList<>(CHUNK);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // arrived after the rebuild started: the live consumer applies it
                    }
                    progress.read++;
                    try {
                        batch.add(EventChecks.read(r.value()));
                    } catch (RuntimeException unreadable) {
                        progress.unreadable++; // the live consumer dead-lettered it when it first saw it
                    }
                }
                appendShadow(writer, log, batch);
                progress.save(writer);
            }
            appendShadow(writer, log, batch);
        }
    }

    private static void appendShadow(Connection writer, EventLog log, List<LeadStageChanged> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        try (Statement s = writer.createStatement()) {
            s.execute("SET search_path TO " + SHADOW);
            log.append(writer, batch);
            s.execute("SET search_path TO public");
        }
        batch.clear();
    }

    private void recomputeLeads(Connection reader, Connection writer, FunnelDefinition funnel,
                                ProjectionTables shadow, Progress progress) throws SQLException {
        reader.setAutoCommit(false);
        try (PreparedStatement ps = reader.prepareStatement(
                "SELECT lead_id, payload FROM " + shadow.table("event_log") + " ORDER BY lead_id")) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                List<LeadFacts> chunk = new ArrayList<>(CHUNK);
                String lead = null;
                List<LeadStageChanged> events = new ArrayList<>();
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (!id.equals(lead) && lead != null) {
                        chunk.add(LeadFacts.of(funnel, lead, events));
                        events = new ArrayList<>();
                        if (chunk.size() == CHUNK) {
                            flush(writer, shadow, funnel, chunk, progress);
                        }
                    }
                    lead = id;
                    events.add(EventJson.readLeadStageChanged(rs.getString(2)));
                }
                if (lead != null) {
                    chunk.add(LeadFacts.of(funnel, lead, events));
                }
                flush(writer, shadow, funnel, chunk, progress);
            }
        } finally {
            reader.commit();
            reader.setAutoCommit(true);
        }
    }

    private static void flush(Connection writer, ProjectionTables shadow, FunnelDefinition funnel, List<LeadFacts> chunk,
                              Progress progress)
            throws SQLException {
        shadow.insertNew(writer, funnel, chunk);
        progress.leads += chunk.size();
        chunk.clear();
        progress.save(writer);
    }

    private static void swap(Connection c, List<RebuildRequests.Request> served) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            RebuildRequests.clear(c, served);
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

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** What the running rebuild has done, saved to rebuild_status as it goes (at most a few times a second). */
    private static final class Progress {
        final String reason;
        final Instant started;
        String phase = "starting";
        Long total;
        long read;
        long unreadable;
        long leads;
        private long savedAt;

        Progress(String reason, Instant started) {
            this.reason = reason;
            this.started = started;
        }

        void phase(Connection c, String phase) throws SQLException {
            this.phase = phase;
            savedAt = 0;
            save(c);
        }

        void total(Connection c, long total) throws SQLException {
            this.total = total;
            save(c);
        }

        void save(Connection c) throws SQLException {
            long now = System.currentTimeMillis();
            if (now - savedAt >= 250) {
                savedAt = now;
                writeStatus(c, new RebuildStatus("RUNNING", reason, phase, started, null, total, read, unreadable, leads,
                        null, null));
            }
        }

        void finish(Connection c, String state, String error) throws SQLException {
            writeStatus(c, new RebuildStatus(state, reason, state.equals("DONE") ? null : phase, started, Instant.now(),
                    total, read, unreadable, leads, null, error));
        }
    }
}
