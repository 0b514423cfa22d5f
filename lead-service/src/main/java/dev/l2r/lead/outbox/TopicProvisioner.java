package dev.l2r.lead.outbox;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the topics before anything is published to them: the event topic with infinite retention so that
 * consumers can rebuild from offset zero (a broker's auto-creation would give it one partition and a week's
 * retention), and the compacted one-partition {@code funnel-definition} and {@code api-keys} topics.
 * Switched off ({@code l2r.topic.create=false}) where an operator such as Strimzi owns the topics.
 */
@ApplicationScoped
public class TopicProvisioner {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "l2r.topic.create")
    boolean create;

    @ConfigProperty(name = "l2r.topic.lead-stage-changed.name")
    String name;

    @ConfigProperty(name = "l2r.topic.funnel-definition.name")
    String funnelTopic;

    @ConfigProperty(name = "l2r.topic.api-keys.name")
    String keysTopic;

    @ConfigProperty(name = "l2r.topic.partitions")
    int partitions;

    @ConfigProperty(name = "l2r.topic.replication-factor")
    short replicationFactor;

    private volatile boolean ensured;

    /** Makes sure the topics exist; cheap once it has succeeded. */
    public void ensureTopic() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        if (ensured) {
            return;
        }
        if (create) {
            Map<String, Object> config = new HashMap<>(kafkaConfig);
            config.put("client.id", "lead-service-topics");
            try (Admin admin = Admin.create(config)) {
                String minInsync = replicationFactor > 2 ? "2" : "1";
                NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(Map.of(
                        "retention.ms", "-1",
                        "cleanup.policy", "delete",
                        "min.insync.replicas", minInsync));
                // one key, the latest value is all that matters: compacted, one partition
                NewTopic funnel = new NewTopic(funnelTopic, 1, replicationFactor).configs(Map.of(
                        "cleanup.policy", "compact",
                        "min.insync.replicas", minInsync));
                // every key made or revoked, the latest state per key id; only hashes travel
                NewTopic keys = new NewTopic(keysTopic, 1, replicationFactor).configs(Map.of(
                        "cleanup.policy", "compact",
                        "min.insync.replicas", minInsync));
                var results = admin.createTopics(List.of(topic, funnel, keys)).values();
                for (var result : results.values()) {
                    try {
                        result.get(15, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
        }
        ensured = true;
    }
}
