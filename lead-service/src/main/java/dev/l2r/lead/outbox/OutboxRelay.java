package dev.l2r.lead.outbox;

import dev.l2r.events.LeadEventTypes;
import dev.l2r.platform.ops.EventIds;
import dev.l2r.platform.retry.Retries;
import dev.l2r.platform.trace.TraceContext;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Array;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * <p>A row Kafka can never take ({@link #neverSendable}) is moved to {@code outbox_dead_letter} instead of being
 * retried at the head of the outbox forever, holding up every row behind it (counter
 * {@code l2r.outbox.dead.lettered}; {@code GET /api/admin/outbox/dead-letters}).
 *
 * <p>A plain {@link KafkaProducer} rather than a messaging emitter: the relay needs each record's own
 * acknowledgement to decide which rows to delete.
 *
 * <p>A row written with a trace context (the HTTP request's span, {@link Outbox}) is published in a span of that
 * trace ({@code <topic> publish}, kind PRODUCER, from the send to the acknowledgement), whose context goes into the
 * record's {@code traceparent}/{@code tracestate} headers for the consumers to continue.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id shared by every lead-service replica ("L2R OUTB"). */
    static final long RELAY_LOCK = 0x4c3252204f555442L;
    // the publish span's attributes (OpenTelemetry's messaging conventions, and ours)
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    private static final AttributeKey<String> KEY = AttributeKey.stringKey("messaging.kafka.message.key");
    private static final AttributeKey<Long> OUTBOX_ROW = AttributeKey.longKey("l2r.outbox.row");
    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("l2r.event.id");

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

    @Inject
    Tracer tracer;

    @ConfigProperty(name = "l2r.outbox.batch-size")
    int batchSize;

    @ConfigProperty(name = "l2r.outbox.poll-interval")
    Duration pollInterval;

    @ConfigProperty(name = "l2r.outbox.wake-delay")
    Duration wakeDelay;

    @ConfigProperty(name = "l2r.outbox.max-backoff")
    Duration maxBackoff;

    @ConfigProperty(name = "l2r.outbox.max-message-size")
    MemorySize maxMessageSize;

    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestMillis = new AtomicLong();
    private volatile boolean running;
    private ScheduledExecutorService lag;
    private Thread worker;
    private KafkaProducer<String, String> producer;
    private KafkaClientMetrics producerMetrics;
    private Counter published;
    private Counter deadLettered;
    /** Kafka or the database away: the batch is tried again, backing off from the poll interval to max-backoff. */
    private Guard untilRelayed;

    void start(@Observes StartupEvent event) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "lead-service-outbox");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) maxMessageSize.asLongValue());
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        // the relay's producer is not one Quarkus creates, so its client metrics are bound here
        producerMetrics = new KafkaClientMetrics(producer);
        producerMetrics.bindTo(registry);
        published = Counter.builder("l2r.outbox.published").description("events acknowledged by Kafka")
                .register(registry);
        deadLettered = Counter.builder("l2r.outbox.dead.lettered")
                .description("outbox rows Kafka can never take, moved to outbox_dead_letter").register(registry);
        Gauge.builder("l2r.outbox.backlog", backlog, AtomicLong::get)
                .description("outbox rows not yet acknowledged by Kafka").register(registry);
        Gauge.builder("l2r.outbox.oldest.age.seconds", this, r -> r.oldestAgeSeconds())
                .description("age of the oldest unpublished outbox row").register(registry);
        lag = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-lag");
            t.setDaemon(true);
            return t;
        });
        lag.scheduleWithFixedDelay(this::refreshBacklog, 0, 1, TimeUnit.SECONDS);
        untilRelayed = Retries.waitOut("outbox relay", e -> running, pollInterval, maxBackoff,
                e -> LOG.warnf("outbox relay could not publish, retrying: %s", e.getMessage()));
        running = true;
        worker = new Thread(this::run, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    /** Finishes the batch in flight, then closes the producer; rows not yet acknowledged stay for the next start. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (lag != null) {
            lag.shutdownNow();
        }
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
        while (running) {
            try {
                int sent = untilRelayed.call(() -> {
                    topics.ensureTopic();
                    return relayBatch();
                }, Integer.class);
                if (sent < batchSize) {
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
                // the guard retries while running: this is a failure left over as the relay stops
                LOG.debugf("outbox relay stopped with: %s", e.getMessage());
            }
        }
    }

    /** One batch under the relay lock; returns how many rows were published and deleted. */
    int relayBatch() throws Exception {
        BatchOutcome outcome = QuarkusTransaction.requiringNew().timeout(60).call(() -> {
            try (Connection c = dataSource.getConnection()) {
                if (!tryLock(c)) {
                    return new BatchOutcome(0, 0, null);
                }
                List<Row> rows = pending(c);
                List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
                List<Span> spans = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    ProducerRecord<String, String> record = new ProducerRecord<>(row.topic, row.key, row.payload);
                    if (row.eventType != null) {
                        record.headers().add(LeadEventTypes.HEADER, row.eventType.getBytes(StandardCharsets.UTF_8));
                    }
                    Span span = publishSpan(row);
                    if (span != null) {
                        TraceContext.of(row.trace.parent().with(span)).writeTo(record.headers());
                    }
                    spans.add(span);
                    try {
                        acks.add(producer.send(record));
                    } catch (RuntimeException e) {
                        // no metadata within max.block.ms, say: nothing of this round is published
                        spans.stream().filter(Objects::nonNull).forEach(open -> {
                            open.setStatus(StatusCode.ERROR, e.toString());
                            open.end();
                        });
                        throw e;
                    }
                }
                List<Long> acknowledged = new ArrayList<>(rows.size());
                List<DeadLetter> unsendable = new ArrayList<>();
                Exception failure = null;
                for (int i = 0; i < rows.size(); i++) {
                    Span span = spans.get(i);
                    try {
                        RecordMetadata ack = acks.get(i).get();
                        acknowledged.add(rows.get(i).id);
                        if (span != null) {
                            span.setAttribute(PARTITION, Integer.toString(ack.partition()));
                            span.setAttribute(OFFSET, ack.offset());
                        }
                        if (LOG.isDebugEnabled()) {
                            LOG.debugf("published event %s to %s-%d@%d", EventIds.of(rows.get(i).payload),
                                    ack.topic(), ack.partition(), ack.offset());
                        }
                    } catch (ExecutionException e) {
                        if (span != null) {
                            span.recordException(e.getCause());
                            span.setStatus(StatusCode.ERROR, e.getCause().toString());
                        }
                        if (neverSendable(e.getCause())) {
                            LOG.errorf("outbox row %d (event %s, %d characters) can never be sent to %s and is "
                                            + "moved to outbox_dead_letter: %s", rows.get(i).id,
                                    EventIds.of(rows.get(i).payload), rows.get(i).payload.length(), rows.get(i).topic,
                                    e.getCause().toString());
                            unsendable.add(new DeadLetter(rows.get(i).id, e.getCause().toString()));
                            continue;
                        }
                        LOG.debugf("outbox row %d (event %s) not acknowledged: %s", rows.get(i).id,
                                EventIds.of(rows.get(i).payload), e.getCause());
                        failure = e;
                    } finally {
                        if (span != null) {
                            span.end();
                        }
                    }
                }
                delete(c, acknowledged);
                moveAside(c, unsendable);
                return new BatchOutcome(acknowledged.size(), unsendable.size(), failure);
            }
        });
        published.increment(outcome.sent);
        deadLettered.increment(outcome.deadLettered);
        if (outcome.failure != null) {
            throw outcome.failure;
        }
        return outcome.sent + outcome.deadLettered;
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
        try (PreparedStatement ps = c.prepareStatement("SELECT id, topic, message_key, payload, traceparent, "
                + "tracestate, event_type FROM outbox ORDER BY id LIMIT ?")) {
            ps.setInt(1, batchSize);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            new TraceContext(rs.getString(5), rs.getString(6)), rs.getString(7)));
                }
            }
            return rows;
        }
    }

    /** The span of one row's publication, a child of the span that wrote the row; none for a row without one. */
    private Span publishSpan(Row row) {
        if (!row.trace.present()) {
            return null;
        }
        Span span = tracer.spanBuilder(row.topic + " publish")
                .setParent(row.trace.parent())
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(SYSTEM, "kafka")
                .setAttribute(OPERATION, "publish")
                .setAttribute(DESTINATION, row.topic)
                .setAttribute(KEY, row.key)
                .setAttribute(OUTBOX_ROW, row.id)
                .startSpan();
        if (span.isRecording()) {
            span.setAttribute(EVENT_ID, EventIds.of(row.payload));
        }
        return span;
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

    /**
     * Reads the relay's lag for the gauges, once a second on a thread of its own: the relay's thread can wait 30 s
     * for acknowledgements while Kafka is away, which is exactly when the lag matters.
     */
    private void refreshBacklog() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), min(created_at) FROM outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            backlog.set(rs.getLong(1));
            Timestamp oldest = rs.getTimestamp(2);
            oldestMillis.set(oldest == null ? 0 : oldest.getTime());
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("could not read the outbox backlog: %s", e.getMessage());
        }
    }

    private double oldestAgeSeconds() {
        long oldest = oldestMillis.get();
        return oldest == 0 ? 0 : (System.currentTimeMillis() - oldest) / 1000.0;
    }

    /** @param eventType the {@value LeadEventTypes#HEADER} header to send; null for none */
    private record Row(long id, String topic, String key, String payload, TraceContext trace, String eventType) {
    }

    private record BatchOutcome(int sent, int deadLettered, Exception failure) {
    }

    private record DeadLetter(long id, String error) {
    }

    /**
     * Whether Kafka refused this one record for what it is, so that sending it again can never succeed: larger
     * than the producer's max.request.size or the broker's (topic's) max message size, or refused as invalid. A
     * broker that is away, slow or electing a leader is not this: those rows wait and are retried.
     */
    static boolean neverSendable(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException;
    }

    /** Moves unsendable rows to outbox_dead_letter, in the batch's transaction. */
    private static void moveAside(Connection c, List<DeadLetter> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("WITH moved AS (DELETE FROM outbox WHERE id = ? "
                + "RETURNING id, topic, message_key, payload, created_at, traceparent, tracestate, event_type) "
                + "INSERT INTO outbox_dead_letter (id, topic, message_key, payload, created_at, traceparent, "
                + "tracestate, event_type, dead_lettered_at, error) "
                + "SELECT id, topic, message_key, payload, created_at, traceparent, tracestate, event_type, now(), ? "
                + "FROM moved")) {
            for (DeadLetter row : rows) {
                ps.setLong(1, row.id);
                ps.setString(2, row.error);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
