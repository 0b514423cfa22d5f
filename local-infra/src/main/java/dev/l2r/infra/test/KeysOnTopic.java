package dev.l2r.infra.test;

import dev.l2r.events.ApiKeyChanged;
import dev.l2r.events.EventJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Publishes API keys on the {@code api-keys} topic as lead-service does, for tests of funnel-service and
 * forecast-service, which learn their keys only from there.
 */
public final class KeysOnTopic {

    private KeysOnTopic() {
    }

    /** A key made with these scopes; answers the key to send. */
    public static String publish(String bootstrapServers, String id, List<String> scopes) {
        String key = "l2r_test_" + UUID.randomUUID();
        send(bootstrapServers, new ApiKeyChanged(ApiKeyChanged.SCHEMA_VERSION, id, "test " + id, scopes, List.of(),
                sha256(key), Instant.now(), null));
        return key;
    }

    public static void revoke(String bootstrapServers, String id, String key, List<String> scopes) {
        send(bootstrapServers, new ApiKeyChanged(ApiKeyChanged.SCHEMA_VERSION, id, "test " + id, scopes, List.of(),
                sha256(key), Instant.now(), Instant.now()));
    }

    private static void send(String bootstrapServers, ApiKeyChanged change) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(ApiKeyChanged.TOPIC, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers,
                "acks", "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(ApiKeyChanged.TOPIC, change.keyId(), EventJson.write(change))).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
