package dev.l2r.platform.auth;

import dev.l2r.events.ApiKeyChanged;
import dev.l2r.events.EventJson;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the compacted {@code api-keys} topic from its start, in every replica of every service, and applies
 * each key made or revoked to the {@link ApiKeyRegistry}: a change made through lead-service is honoured
 * everywhere within a poll. Reads by assignment, without a consumer group: every replica needs every record,
 * and nothing is committed. Until the topic exists (a fresh cluster) it looks again every few seconds.
 */
@ApplicationScoped
public class ApiKeyFeed {

    private static final Logger LOG = Logger.getLogger(ApiKeyFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long RETRY_MILLIS = 2_000;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    ApiKeyRegistry registry;

    @ConfigProperty(name = "l2r.topic.api-keys.name", defaultValue = ApiKeyChanged.TOPIC)
    String topic;

    @ConfigProperty(name = "quarkus.application.name")
    String application;

    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        thread = new Thread(this::follow, "api-key-feed");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(5_000);
        }
    }

    private void follow() {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config())) {
                consumer = c;
                List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (partitions == null || partitions.isEmpty()) {
                    pause();
                    continue;
                }
                List<TopicPartition> assigned = partitions.stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(assigned);
                c.seekToBeginning(assigned);
                while (running) {
                    for (ConsumerRecord<String, String> r : c.poll(POLL)) {
                        apply(r);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("cannot follow topic %s (%s); API keys known so far stay valid, trying again",
                            topic, e.getClass().getSimpleName());
                    pause();
                }
            } finally {
                consumer = null;
            }
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        if (r.value() == null) {
            return;
        }
        try {
            registry.apply(EventJson.read(r.value(), ApiKeyChanged.class));
        } catch (RuntimeException e) {
            LOG.errorf("unreadable API key change at %s-%d@%d ignored", r.topic(), r.partition(), r.offset());
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, application + "-api-keys");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
