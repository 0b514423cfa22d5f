package dev.l2r.forecast.rebuild;

import dev.l2r.events.LeadEvent;
import dev.l2r.forecast.projection.Projector;
import dev.l2r.platform.pipeline.RecordCheck;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.rebuild.RebuildStatus;
import io.agroal.api.AgroalDataSource;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Rebuilds forecast-service's tables by replaying lead-stage-changed from offset zero, without stopping the service:
 * the replay goes through the live projection's own code ({@link Projector#apply}) into shadow tables (schema
 * {@value #SHADOW}, the same tables made LIKE the live ones, reached by search_path), and the finished tables take
 * the live ones' place in one transaction. Meanwhile queries answer from the live tables and live polls go on; the
 * swap locks the projection state row as a funnel-definition rebuild does (live polls wait), replays what arrived
 * since into the shadow, and moves the tables. Live polls then re-apply records the replay already read: the event
 * log is idempotent on event id and a lead is re-derived from all its events, so that changes nothing.
 *
 * <p>One rebuild at a time across replicas: the rebuild holds a PostgreSQL advisory lock on its own connection.
 */
@ApplicationScoped
public class Rebuilder {

    static final String SHADOW = "forecast_rebuild";
    private static final String RETIRED = "forecast_retired";
    /** The tables a replay writes: the event log, the merges, and the projected history. */
    static final List<String> TABLES = List.of("event_log", "lead_alias", "lead_state", "stage_spell", "lead_close",
            "lead_arrival");
    /** The tables whose changes the in-memory history follows (V6__projection_changes.sql). */
    private static final List<String> WATCHED = List.of("lead_state", "stage_spell", "lead_close", "lead_arrival");
    /** The advisory lock a running rebuild holds, whichever replica runs it. */
    static final long LOCK_KEY = 0x6c3272666f726563L;
    private static final Logger LOG = Logger.getLogger(Rebuilder.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Projector projector;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.topic")
    String topic;

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "forecast-rebuild");
        t.setDaemon(true);
        return t;
    });

    private volatile RebuildStatus status = RebuildStatus.IDLE;

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** This replica's latest rebuild, or IDLE. */
    public RebuildStatus status() {
        RebuildStatus s = status;
        return s.running() ? withRate(s, Instant.now()) : s;
    }

    /** Starts a rebuild; 409 when one is running here or in another replica. */
    public synchronized RebuildStatus start(String reason) throws SQLException {
        if (status.running()) {
            throw ProblemException.conflict("a rebuild is running (started " + status.startedAt() + ")");
        }
        Connection lock = dataSource.getConnection();
        try {
            if (!tryLock(lock)) {
                throw ProblemException.conflict("a rebuild is running in another replica");
            }
        } catch (SQLException | RuntimeException e) {
            lock.close();
            throw e;
        }
        status = new RebuildStatus("RUNNING", reason, "starting", Instant.now(), null, null, 0, 0, 0, null, null);
        executor.submit(() -> run(lock));
        return status;
    }

    /** A session lock outlives the pooled connection's close: it is let go of explicitly. */
    private static void unlock(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").close();
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock("
                + LOCK_KEY + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private void run(Connection lock) {
        Progress p = new Progress(status);
        try (lock; AutoCloseable unlock = () -> unlock(lock)) {
            try (Connection shadow = dataSource.getConnection();
                 Connection live = dataSource.getConnection();
                 KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config(), new StringDeserializer(),
                         new StringDeserializer())) {
                phase(p, "creating the shadow tables");
                String schema = createShadow(live);
                shadow.setAutoCommit(false);
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(x -> new TopicPartition(topic, x.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                p.total = end.keySet().stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
                phase(p, "replaying the topic");
                replay(consumer, end, shadow, schema, p);

                phase(p, "swapping the tables in");
                live.setAutoCommit(false);
                try {
                    try (Statement s = live.createStatement()) {
                        // live polls hold this row shared while they write: from here they wait
                        s.executeQuery("SELECT 1 FROM projection_state WHERE id = 1 FOR UPDATE").close();
                    }
                    Map<TopicPartition, Long> now = consumer.endOffsets(partitions);
                    p.total += now.keySet().stream().mapToLong(tp -> now.get(tp) - end.get(tp)).sum();
                    replay(consumer, now, shadow, schema, p);
                    try (Statement s = shadow.createStatement();
                         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SHADOW + ".lead_arrival")) {
                        rs.next();
                        p.leads = rs.getLong(1);
                    }
                    // the count's read lock would hold the swap up: the shadow connection lets go first
                    shadow.commit();
                    swap(live, schema);
                    live.commit();
                } catch (Exception e) {
                    // never a half-swapped state: handing the connection back could commit it
                    live.rollback();
                    throw e;
                }
                try (Statement s = live.createStatement()) {
                    live.setAutoCommit(true);
                    s.execute("DROP SCHEMA IF EXISTS " + RETIRED + " CASCADE");
                }
            }
            finish(p, "DONE", null);
        } catch (Exception e) {
            LOG.error("rebuild failed", e);
            finish(p, "FAILED", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Fresh, empty shadow tables like the live ones (keys, indexes, defaults), and a copy of the funnel in force. */
    private static String createShadow(Connection c) throws SQLException {
        String schema;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
            rs.next();
            schema = rs.getString(1);
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SHADOW + " CASCADE");
            s.execute("CREATE SCHEMA " + SHADOW);
            for (String t : TABLES) {
                s.execute("CREATE TABLE " + SHADOW + "." + t + " (LIKE " + schema + "." + t + " INCLUDING ALL)");
            }
            // the definition the replay projects under, read there by the projector as live polls read it here
            s.execute("CREATE TABLE " + SHADOW + ".projection_state (LIKE " + schema + ".projection_state "
                    + "INCLUDING ALL)");
            s.execute("INSERT INTO " + SHADOW + ".projection_state SELECT * FROM " + schema + ".projection_state");
        }
        return schema;
    }

    /** Reads up to {@code until} and applies each poll through the projector in a shadow transaction. */
    private void replay(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> until, Connection shadow,
                        String schema, Progress p) throws SQLException {
        while (until.keySet().stream().anyMatch(tp -> consumer.position(tp) < until.get(tp))) {
            List<LeadEvent> events = new ArrayList<>();
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= until.get(tp)) {
                    continue;
                }
                p.read++;
                RecordCheck.Checked checked = RecordCheck.check(r);
                if (checked.ok()) {
                    events.add(checked.event());
                } else {
                    // refused live too, and dead-lettered there: the replay leaves it out as the live path did
                    p.unreadable++;
                }
            }
            // a poll may read past until on one partition: seek back so the next replay starts there
            for (TopicPartition tp : until.keySet()) {
                if (consumer.position(tp) > until.get(tp)) {
                    consumer.seek(tp, until.get(tp));
                }
            }
            if (!events.isEmpty()) {
                try (Statement s = shadow.createStatement()) {
                    // the shadow tables first; the others (the dead letters an erasure clears) are the live ones.
                    // LOCAL: the pooled connection goes back with the live search_path, whatever happens
                    s.execute("SET LOCAL search_path TO " + SHADOW + ", " + schema);
                }
                java.sql.Savepoint poll = shadow.setSavepoint();
                try {
                    projector.apply(shadow, events);
                } catch (SQLException e) {
                    // as the live pipeline does: a record the projection cannot apply (the live path dead-lettered
                    // it) is set aside, one by one, and the rest of the poll goes on
                    shadow.rollback(poll);
                    for (LeadEvent event : events) {
                        java.sql.Savepoint one = shadow.setSavepoint();
                        try {
                            projector.apply(shadow, List.of(event));
                        } catch (SQLException refused) {
                            shadow.rollback(one);
                            p.unreadable++;
                        }
                    }
                }
            }
            shadow.commit();
            status = new RebuildStatus("RUNNING", p.reason, p.phase, p.started, null, p.total, p.read,
                    p.unreadable, p.leads, null, null);
        }
    }

    /** Moves the live tables aside and the shadow ones in, with the change triggers, and says everything changed. */
    private static void swap(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + RETIRED + " CASCADE");
            s.execute("CREATE SCHEMA " + RETIRED);
            for (String t : TABLES) {
                s.execute("ALTER TABLE " + schema + "." + t + " SET SCHEMA " + RETIRED);
                s.execute("ALTER TABLE " + SHADOW + "." + t + " SET SCHEMA " + schema);
            }
            s.execute("DROP SCHEMA " + SHADOW + " CASCADE");
            for (String t : WATCHED) {
                s.execute("SELECT note_changes_on('" + t + "')");
            }
            s.execute("UPDATE projection_revision SET revision = revision + 1, reset_revision = revision + 1");
            s.execute("DELETE FROM lead_change");
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove("group.id");
        config.put("enable.auto.commit", "false");
        config.put("max.poll.records", "5000");
        return config;
    }

    /** What the running rebuild has done; only its own thread writes it. */
    private static final class Progress {
        final String reason;
        final Instant started;
        String phase = "starting";
        Long total;
        long read;
        long unreadable;
        long leads;

        Progress(RebuildStatus start) {
            this.reason = start.reason();
            this.started = start.startedAt();
        }
    }

    private void phase(Progress p, String phase) {
        LOG.infof("rebuild: %s (%d events read, %s since the start)", phase, p.read,
                Duration.between(p.started, Instant.now()));
        p.phase = phase;
        status = new RebuildStatus("RUNNING", p.reason, phase, p.started, null, p.total, p.read, p.unreadable,
                p.leads, null, null);
    }

    private void finish(Progress p, String state, String error) {
        Instant done = Instant.now();
        status = new RebuildStatus(state, p.reason, state.equals("DONE") ? null : p.phase, p.started, done, p.total,
                p.read, p.unreadable, p.leads, RebuildStatus.eventsPerSecond(p.read, p.started, done), error);
        LOG.infof("rebuild %s: %d events read in %s", state, p.read, Duration.between(p.started, done));
    }

    private static RebuildStatus withRate(RebuildStatus s, Instant now) {
        return new RebuildStatus(s.state(), s.reason(), s.phase(), s.startedAt(), null, s.eventsTotal(),
                s.eventsRead(), s.unreadable(), s.leads(), RebuildStatus.eventsPerSecond(s.eventsRead(),
                s.startedAt(), now), null);
    }
}
