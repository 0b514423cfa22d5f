package dev.l2r.lead.outbox;

import dev.l2r.platform.ops.EventIds;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes outbox rows to Kafka in id order and deletes each row once the broker has acknowledged it
 * (acks=all, idempotent producer). A row is deleted only after its acknowledgement, so a crash or a broker
 * outage can repeat a message (consumers are idempotent on eventId) but never lose one. Only one replica
 * relays at a time: each batch runs under a PostgreSQL advisory lock.
 *
 * <p>When idle it waits for the poll interval or for {@link OutboxSignal} (a commit on this replica), whichever
 * comes first, and after a wake-up for the wake delay.
 *
 * <p>A plain {@link KafkaProducer} rather than a messaging emitter: the relay needs each record's own
 * acknowledgement to decide which rows to delete.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id shared by every lead-service replica ("L2R OUTB"). */
    private static final long RELAY_LOCK = 0x4c3252204f555442L;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    TopicProvisioner topics;

    @Inject
    OutboxSignal signal;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "l2r.outbox.batch-size")
    int batchSize;

    @ConfigProperty(name = "l2r.outbox.poll-interval")
    Duration pollInterval;

    @ConfigProperty(name = "l2r.outbox.wake-delay")
    Duration wakeDelay;

    @ConfigProperty(name = "l2r.outbox.max-backoff")
    Duration maxBackoff;

    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestMillis = new AtomicLong();
    private volatile boolean running;
    private volatile Instant lastBacklogCheck = Instant.EPOCH;
    private Thread worker;
    private KafkaProducer<String, String> producer;
    private KafkaClientMetrics producerMetrics;
    private Counter published;

    void start(@Observes StartupEvent event) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lead-service-outbox");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        // the relay's producer is not one Quarkus creates, so its client metrics are bound here
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        published = Counter.builder("l2r.outbox.published").description("events acknowledged by Kafka")
                .register(registry);
        Gauge.builder("l2r.outbox.backlog", backlog, AtomicLong::get)
                .description("outbox rows not yet acknowledged by Kafka").register(registry);
        Gauge.builder("l2r.outbox.oldest.age.seconds", this, r -> r.oldestAgeSeconds())
                .description("age of the oldest unpublished outbox row").register(registry);
        running = true;
        worker = new Thread(this::run, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    /** Finishes the batch in flight, then closes the producer; rows not yet acknowledged stay for the next start. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (worker != null) {
            worker.join(Duration.ofSeconds(15).toMillis());
        }
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void run() {
        Duration backoff = pollInterval;
        while (running) {
            try {
                topics.ensureTopic();
                int sent = relayBatch();
                backoff = pollInterval;
                if (sent < batchSize) {
                    refreshBacklog();
                    if (signal.await(pollInterval)) {
                        // woken by a commit: let the commits right behind it join the same round, so that
                        // concurrent intake is published in a few rounds rather than one per request
                        Thread.sleep(wakeDelay.toMillis());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warnf("outbox relay could not publish, retrying in %s: %s", backoff, e.getMessage());
                try {
                    refreshBacklog();
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException ignored) {
                    // the database is down too; the next attempt will say so
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** One batch under the relay lock; returns how many rows were published and deleted. */
    int relayBatch() throws Exception {
        BatchOutcome outcome = QuarkusTransaction.requiringNew().timeout(60).call(() -> {
            try (Connection c = dataSource.getConnection()) {
                if (!tryLock(c)) {
                    return new BatchOutcome(0, null);
                }
                List<Row> rows = pending(c);
                List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    acks.add(producer.send(new ProducerRecord<>(row.topic, row.key, row.payload)));
                }
                List<Long> acknowledged = new ArrayList<>(rows.size());
                Exception failure = null;
                for (int i = 0; i < rows.size(); i++) {
                    try {
                        RecordMetadata ack = acks.get(i).get();
                        acknowledged.add(rows.get(i).id);
                        if (LOG.isDebugEnabled()) {
                            LOG.debugf("published event %s to %s-%d@%d", EventIds.of(rows.get(i).payload),
                                    ack.topic(), ack.partition(), ack.offset());
                        }
                    } catch (ExecutionException e) {
                        LOG.debugf("outbox row %d (event %s) not acknowledged: %s", rows.get(i).id,
                                EventIds.of(rows.get(i).payload), e.getCause());
                        failure = e;
                    }
                }
                delete(c, acknowledged);
                return new BatchOutcome(acknowledged.size(), failure);
            }
        });
        published.increment(outcome.sent);
        if (outcome.failure != null) {
            throw outcome.failure;
        }
        return outcome.sent;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, RELAY_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private List<Row> pending(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT ?")) {
            ps.setInt(1, batchSize);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return rows;
        }
    }

    private static void delete(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            ps.setArray(1, array);
            ps.executeUpdate();
        }
    }

    private void refreshBacklog() {
        Instant now = Instant.now();
        if (Duration.between(lastBacklogCheck, now).toMillis() < 1000) {
            return;
        }
        lastBacklogCheck = now;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), min(created_at) FROM outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            backlog.set(rs.getLong(1));
            Timestamp oldest = rs.getTimestamp(2);
            oldestMillis.set(oldest == null ? 0 : oldest.getTime());
        } catch (SQLException e) {
            LOG.debugf("could not read the outbox backlog: %s", e.getMessage());
        }
    }

    private double oldestAgeSeconds() {
        long oldest = oldestMillis.get();
        return oldest == 0 ? 0 : (System.currentTimeMillis() - oldest) / 1000.0;
    }

    private record Row(long id, String topic, String key, String payload) {
    }

    private record BatchOutcome(int sent, Exception failure) {
    }
}
