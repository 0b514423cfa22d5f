package dev.l2r.infra.test;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole topic from the beginning, without a consumer group: what a test checks was really published; and
 * waits until a consumer group has committed past everything on a topic: what a test checks was really consumed.
 */
public final class TopicProbe {

    private TopicProbe() {
    }

    public static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                "bootstrap.servers", bootstrapServers,
                "enable.auto.commit", false,
                "auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Waits until group {@code groupId} has committed, on every partition of {@code topic}, an offset at or past the
     * partition's end as it is when called: every record published before the call has been consumed and its
     * effects committed. Waiting for records to be stored is not enough for a redelivery: their ids are stored
     * already, so such a wait returns before the redelivered records are read.
     */
    public static void awaitConsumed(String bootstrapServers, String groupId, String topic, Duration timeout) {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers, "enable.auto.commit", false);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", bootstrapServers))) {
                while (true) {
                    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
                    boolean done = partitions.stream().allMatch(p -> end.get(p) == 0
                            || committed.get(p) != null && committed.get(p).offset() >= end.get(p));
                    if (done) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("group " + groupId + " has not consumed " + topic + " to " + end
                                + " within " + timeout + "; committed: " + committed);
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("reading the offsets of group " + groupId, e);
            }
        }
    }
}
