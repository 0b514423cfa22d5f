package dev.l2r.funnel.rebuild;

import dev.l2r.funnel.storage.Columns;
import dev.l2r.funnel.storage.ProjectionTables;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.pipeline.DeadLetter;
import dev.l2r.platform.pipeline.DeadLetters;
import dev.l2r.platform.pipeline.RecordCheck;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the topic from offset zero up to the end offsets it finds when it starts, and COPYs every readable event
 * (as received) into the shadow event_log, which has no keys yet: duplicates are dropped later, per lead. Reading
 * and parsing run in the calling thread while the previous chunk is being copied in another, so Kafka, JSON and
 * the database work side by side.
 * <p>
 * Every record passes the live pipeline's check ({@link RecordCheck}), its kind read from its header as the live
 * pipeline reads it, and is kept with that kind, so a details change is recomputed exactly as the live path does. One refused is set aside here, as the
 * pipeline would (found by {@value DeadLetters#FOUND_BY_REPLAY}), when the live consumer has not reached it (at or
 * past the position it is known to have reached: the group's committed offset or the previous replay point),
 * since the live consumer will pass over it; one it handled after its last commit may so be sent to the
 * dead-letter topic twice (filed once), never not at all.
 */
final class TopicReplay {

    private static final int CHUNK = 20_000;
    /** Marks the end of the chunks for the copying thread. */
    private static final Columns END = new Columns(1);

    private final Map<String, Object> kafkaConfig;
    private final String topic;
    private final ProjectionTables shadow;
    private final Map<Integer, Long> unseenFrom;
    private final DeadLetters deadLetters;

    /** @param unseenFrom per partition, the first offset the live consumer may not have read */
    TopicReplay(Map<String, Object> kafkaConfig, String topic, ProjectionTables shadow, Map<Integer, Long> unseenFrom,
                DeadLetters deadLetters) {
        this.kafkaConfig = kafkaConfig;
        this.topic = topic;
        this.shadow = shadow;
        this.unseenFrom = unseenFrom;
        this.deadLetters = deadLetters;
    }

    /**
     * @param writer copies chunks; {@code status} saves the progress, in this thread
     * @return per partition, the offset reading stopped at: every record below it is in the event log
     */
    Map<Integer, Long> run(Connection writer, Connection status, RebuildProgress progress)
            throws SQLException, InterruptedException, TimeoutException {
        BlockingQueue<Columns> chunks = new ArrayBlockingQueue<>(2);
        ExecutorService copier = Executors.newSingleThreadExecutor(r -> new Thread(r, "funnel-rebuild-copy"));
        Future<?> copying = copier.submit(() -> {
            for (Columns chunk = chunks.take(); chunk != END; chunk = chunks.take()) {
                shadow.copyEvents(writer, chunk);
            }
            return null;
        });
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config(), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            progress.total(status, partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum());
            Columns chunk = new Columns(5);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // arrived after the rebuild started: the live consumer applies it
                    }
                    progress.read.incrementAndGet();
                    RecordCheck.Checked checked = RecordCheck.check(r);
                    if (!checked.ok()) {
                        progress.unreadable.incrementAndGet();
                        if (r.offset() >= unseenFrom.getOrDefault(r.partition(), 0L)) {
                            deadLetters.setAside(DeadLetter.of(r, checked.refusal(), DeadLetters.FOUND_BY_REPLAY, 0));
                        } // else the live consumer set it aside when it read it
                        continue;
                    }
                    chunk.add(checked.event().eventId(), checked.event().leadId(), checked.event().occurredAt(),
                            r.value(), EventLog.type(checked.event()));
                    if (chunk.size() == CHUNK) {
                        hand(chunks, chunk, copying);
                        chunk = new Columns(5);
                    }
                }
                progress.save(status);
            }
            hand(chunks, chunk, copying);
            hand(chunks, END, copying);
            copying.get();
            Map<Integer, Long> stopped = new HashMap<>();
            end.forEach((p, offset) -> stopped.put(p.partition(), offset));
            return stopped;
        } catch (ExecutionException e) {
            throw new SQLException("replaying the topic failed", e.getCause());
        } finally {
            copier.shutdownNow(); // stops a copier left waiting when reading failed
        }
    }

    /** Queues a chunk for the copying thread, unless that thread has failed. */
    private static void hand(BlockingQueue<Columns> chunks, Columns chunk, Future<?> copying)
            throws InterruptedException, ExecutionException {
        while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
            if (copying.isDone()) {
                copying.get();
            }
        }
    }

    private Map<String, Object> config() {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.remove("group.id");
        config.put("enable.auto.commit", "false");
        config.put("max.poll.records", "5000");
        config.put("fetch.max.bytes", String.valueOf(64 * 1024 * 1024));
        config.put("max.partition.fetch.bytes", String.valueOf(16 * 1024 * 1024));
        config.put("client.id", "funnel-service-rebuild");
        config.put("allow.auto.create.topics", "false");
        return config;
    }
}
