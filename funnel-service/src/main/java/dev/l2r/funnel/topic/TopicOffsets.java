package dev.l2r.funnel.topic;

import dev.l2r.funnel.core.catchup.Backlog;
import dev.l2r.funnel.storage.ReplayedOffsets;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads, from the broker, how far the live consumer group trails lead-stage-changed. */
@ApplicationScoped
public class TopicOffsets {

    private static final long TIMEOUT_SECONDS = 15;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.topic")
    String topic;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.group.id")
    String group;

    private Admin admin;

    @PostConstruct
    void open() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.keySet().removeIf(k -> k.startsWith("group.") || k.startsWith("auto.") || k.endsWith(".deserializer"));
        config.put("client.id", "funnel-service-offsets");
        admin = Admin.create(config);
    }

    @PreDestroy
    void close() {
        admin.close();
    }

    /**
     * The consumer group's backlog, counting as done what lies below the last replay's points (read through
     * {@code c}, see {@link ReplayedOffsets}, and forgotten there once the group has committed past them); empty
     * while the topic does not exist.
     */
    public Optional<Backlog> backlog(Connection c)
            throws SQLException, ExecutionException, InterruptedException, TimeoutException {
        Map<Integer, Long> replayed = ReplayedOffsets.floor(c, topic);
        List<TopicPartition> partitions;
        try {
            partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
        Map<TopicPartition, Long> earliest = offsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<Backlog.Partition> rows = new ArrayList<>();
        Map<Integer, Long> committedAt = new HashMap<>();
        Map<Integer, Long> latestAt = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndMetadata done = committed.get(p);
            rows.add(new Backlog.Partition(p.partition(), earliest.get(p), latest.get(p), done == null ? null : done.offset(),
                    replayed.get(p.partition())));
            if (done != null) {
                committedAt.put(p.partition(), done.offset());
            }
            latestAt.put(p.partition(), latest.get(p));
        }
        ReplayedOffsets.forget(c, topic, committedAt, latestAt);
        return Optional.of(Backlog.of(rows));
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin
                .listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        found.forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }
}
