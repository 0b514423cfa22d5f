package dev.l2r.platform.pipeline;

import dev.l2r.platform.retry.Retries;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sets records aside, the one way both consumers do it: unchanged (key, payload, their own headers) on the
 * service's dead-letter topic with one set of headers saying why and where from, acknowledged by the broker
 * (acks=all) before the poll's offsets may commit; and as a row of dead_letter, filed in the poll's own
 * transaction, which is what operators list and replay (the topic is kept for tools that read it). One metric,
 * {@code l2r_consumer_events_dead_lettered_total{projection, reason}}, and the open ones as the gauge
 * {@code l2r_consumer_dead_letters{projection}}.
 */
@ApplicationScoped
public class DeadLetters {

    /** Why, in words: the same text for the same record in every consumer. */
    public static final String REASON = "dead-letter-reason";
    /** Why, as one of {@link Refusal.Reason}'s tags (also the metric's {@code reason}). */
    public static final String REASON_CODE = "dead-letter-reason-code";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** Which projection set it aside: {@code funnel}, {@code forecast}. */
    public static final String PROJECTION = "dead-letter-projection";
    /** Who found it: {@value #FOUND_BY_CONSUMER} or {@value #FOUND_BY_REPLAY} (funnel-service's topic replay). */
    public static final String FOUND_BY = "dead-letter-found-by";
    /** How often the projection failed on it on its own; 0 when the check refused it. */
    public static final String ATTEMPTS = "dead-letter-attempts";
    public static final String FOUND_BY_CONSUMER = "consumer";
    public static final String FOUND_BY_REPLAY = "replay";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final Duration REFRESH = Duration.ofSeconds(30);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    Projection projection;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "l2r.topic.dead-letter.name")
    String topic;

    @ConfigProperty(name = "l2r.consumer.max-backoff")
    Duration maxBackoff;

    private KafkaProducer<String, String> producer;
    private Guard untilSent;
    private Guard untilFiled;
    private final AtomicLong open = new AtomicLong();
    private ScheduledExecutorService refresher;

    @PostConstruct
    void start() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.keySet().removeIf(k -> k.startsWith("group.") || k.startsWith("auto."));
        config.put("client.id", projection.name() + "-dead-letters");
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("max.block.ms", "10000");
        config.put("delivery.timeout.ms", "30000");
        config.put("request.timeout.ms", "10000");
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        // a dead letter is never dropped: the broker or the database away, or refusing it, is waited out (logged)
        untilSent = Retries.waitOut("sending dead letters", e -> true, Duration.ofMillis(200), maxBackoff,
                e -> LOG.errorf("could not send dead letters to %s (%s); trying again", topic, Failures.describe(e)));
        untilFiled = Retries.waitOut("filing dead letters", e -> true, Duration.ofMillis(200), maxBackoff,
                e -> LOG.errorf("could not file dead letters (%s); trying again", Failures.describe(e)));
        Gauge.builder("l2r.consumer.dead.letters", open, AtomicLong::get).tag("projection", projection.name())
                .description("dead letters not replayed yet (GET /api/admin/dead-letters)").register(registry);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dead-letters-count");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toSeconds(), TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        refresher.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }

    /** Sends them to the dead-letter topic and waits until the broker has them all (however long that takes). */
    public void publish(List<DeadLetter> letters) throws InterruptedException {
        if (letters.isEmpty()) {
            return;
        }
        try {
            untilSent.call(() -> {
                List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
                for (DeadLetter letter : letters) {
                    acks.add(producer.send(record(letter)));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(60, TimeUnit.SECONDS);
                }
                return null;
            }, Void.class);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /** Files them in the caller's transaction. */
    void file(Connection c, List<DeadLetter> letters) throws SQLException {
        DeadLetterTable.insert(c, letters);
    }

    /** Files them in a transaction of their own, however long the database takes to take them. */
    void fileAlone(List<DeadLetter> letters) throws InterruptedException {
        if (letters.isEmpty()) {
            return;
        }
        try {
            untilFiled.call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    DeadLetterTable.insert(c, letters);
                }
                return null;
            }, Void.class);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /**
     * Sets one record aside outside a poll (funnel-service's replay finds unreadable records as it reads the
     * topic): sent, filed on its own, counted.
     */
    public void setAside(DeadLetter letter) throws InterruptedException {
        publish(List.of(letter));
        fileAlone(List.of(letter));
        counted(List.of(letter));
    }

    /** Counts dead letters once they are filed (committed). */
    void counted(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        for (DeadLetter l : letters) {
            Counter.builder("l2r.consumer.events.dead.lettered").tag("projection", projection.name())
                    .tag("reason", l.refusal().reason().tag())
                    .description("records set aside: sent to the dead-letter topic and filed in dead_letter")
                    .register(registry).increment();
            LOG.warnf("record %s-%d@%d (key %s) set aside by the %s (%s): %s", l.topic(), l.partition(), l.offset(),
                    RecordCheck.words(l.key()), l.foundBy(), l.refusal().reason().tag(), l.refusal().detail());
        }
        refresh();
    }

    /** Dead letters not replayed yet, as last counted (the gauge). */
    long open() {
        return open.get();
    }

    /** Counts the open dead letters again: after each change here, and every 30 s for other replicas' changes. */
    void refresh() {
        try (Connection c = dataSource.getConnection()) {
            open.set(DeadLetterTable.open(c));
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("could not count the dead letters: %s", e.getMessage());
        }
    }

    private ProducerRecord<String, String> record(DeadLetter l) {
        ProducerRecord<String, String> dead = new ProducerRecord<>(topic, null, l.key(), l.payload());
        l.headers().forEach((k, v) -> dead.headers().add(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
        add(dead, REASON, l.refusal().detail());
        add(dead, REASON_CODE, l.refusal().reason().tag());
        add(dead, TOPIC, l.topic());
        add(dead, PARTITION, String.valueOf(l.partition()));
        add(dead, OFFSET, String.valueOf(l.offset()));
        add(dead, PROJECTION, projection.name());
        add(dead, FOUND_BY, l.foundBy());
        add(dead, ATTEMPTS, String.valueOf(l.attempts()));
        return dead;
    }

    private static void add(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
