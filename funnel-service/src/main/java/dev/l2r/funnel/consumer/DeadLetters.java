package dev.l2r.funnel.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a record the funnel cannot read to the dead-letter topic, unchanged, with why and where from in
 * headers, and waits for the broker's acknowledgement before the batch's offsets may be committed: an
 * unreadable event is set aside, never silently dropped.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String REASON = "dead-letter-reason";
    public static final String ORIGIN = "dead-letter-origin";
    /** Who found the record unreadable: {@code consumer} (the live consumer) or {@code replay} (a rebuild). */
    public static final String FOUND_BY = "dead-letter-found-by";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "l2r.topic.dead-letter.name")
    String topic;

    private KafkaProducer<String, String> producer;
    private Counter counter;

    @PostConstruct
    void start() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.keySet().removeIf(k -> k.startsWith("group.") || k.startsWith("auto."));
        config.put("client.id", "funnel-service-dlq");
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        counter = Counter.builder("l2r.funnel.events.dead.lettered")
                .description("lead-stage-changed records the funnel could not read, sent to the dead-letter topic")
                .register(registry);
    }

    @PreDestroy
    void stop() {
        producer.close();
    }

    /** @param foundBy {@code consumer} or {@code replay}, so that a record both dead-lettered can be told apart */
    public void send(ConsumerRecord<String, String> record, Exception error, String foundBy)
            throws ExecutionException, InterruptedException, TimeoutException {
        ProducerRecord<String, String> dead = new ProducerRecord<>(topic, record.key(), record.value());
        dead.headers().add(REASON, String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add(ORIGIN, (record.topic() + "/" + record.partition() + "@" + record.offset())
                .getBytes(StandardCharsets.UTF_8));
        dead.headers().add(FOUND_BY, foundBy.getBytes(StandardCharsets.UTF_8));
        producer.send(dead).get(30, TimeUnit.SECONDS);
        counter.increment();
        LOG.warnf("unreadable record %s/%d@%d sent to %s: %s", record.topic(), record.partition(), record.offset(),
                topic, error.getMessage());
    }
}
