package dev.l2r.funnel.topic;

import dev.l2r.events.FunnelDefinitionChanged;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure the topics this service writes or relies on exist with the right settings before it uses them:
 * its dead-letter topic (kept forever, so nothing set aside expires unseen) and the compacted funnel-definition
 * topic (lead-service creates it too; whoever comes first wins, with the same settings). A broker's
 * auto-creation would give neither the right retention or compaction. Off where an operator owns the topics.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "l2r.topic.create")
    boolean create;

    @ConfigProperty(name = "l2r.topic.dead-letter.name")
    String deadLetter;

    @ConfigProperty(name = "l2r.topic.replication-factor")
    short replicationFactor;

    void onStart(@Observes @Priority(1) StartupEvent start) throws InterruptedException {
        if (!create) {
            return;
        }
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put("client.id", "funnel-service-topics");
        String minIsr = replicationFactor > 2 ? "2" : "1";
        List<NewTopic> topics = List.of(
                new NewTopic(deadLetter, 1, replicationFactor)
                        .configs(Map.of("retention.ms", "-1", "min.insync.replicas", minIsr)),
                new NewTopic(FunnelDefinitionChanged.TOPIC, 1, replicationFactor)
                        .configs(Map.of("cleanup.policy", "compact", "min.insync.replicas", minIsr)));
        try (Admin admin = Admin.create(config)) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("could not create topic %s: %s", topic.name(), e.getCause().getMessage());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    LOG.warnf("could not create topic %s in time; the broker may create it with defaults", topic.name());
                }
            }
        }
    }
}
