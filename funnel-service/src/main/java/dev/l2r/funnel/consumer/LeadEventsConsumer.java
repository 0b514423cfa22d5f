package dev.l2r.funnel.consumer;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.funnel.catchup.ReplayedOffsets;
import dev.l2r.platform.ops.ProjectionMonitor;
import dev.l2r.platform.trace.RecordSpans;
import dev.l2r.funnel.projection.FunnelProjector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.agroal.api.AgroalDataSource;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Feeds each poll of lead-stage-changed to the projector as one batch, several batches at a time; offsets commit
 * only after a batch (and every earlier one of its partitions) succeeded.
 * Unreadable records go to the dead-letter topic first. A database outage is waited out (the batch is retried
 * with back-off), so an accepted event is never skipped. Records below the last rebuild's replay point are
 * already in the projections and are passed over unread ({@link ReplayedOffsets}).
 */
@ApplicationScoped
public class LeadEventsConsumer {

    private static final Logger LOG = Logger.getLogger(LeadEventsConsumer.class);

    @Inject
    FunnelProjector projector;

    @Inject
    DeadLetters deadLetters;

    @Inject
    ProjectionMonitor monitor;

    @Inject
    MeterRegistry registry;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RecordSpans spans;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.topic")
    String topic;

    private Counter applied;
    private Counter duplicates;
    private Counter replayed;
    private Timer batches;

    @PostConstruct
    void meters() {
        applied = Counter.builder("l2r.funnel.events.applied").description("new events projected").register(registry);
        duplicates = Counter.builder("l2r.funnel.events.duplicate")
                .description("redelivered events that changed nothing").register(registry);
        replayed = Counter.builder("l2r.funnel.events.replayed")
                .description("records passed over because a rebuild had already replayed them").register(registry);
        batches = Timer.builder("l2r.funnel.batch").description("time to project one poll").register(registry);
    }

    /** Work on the database, retried with back-off while the database fails: an outage is waited out. */
    @FunctionalInterface
    private interface DatabaseWork<T> {
        T run() throws SQLException;
    }

    @Incoming("lead-stage-changed")
    // batches in parallel, as many as smallrye.messaging.worker.funnel-projection.max-concurrency: the projector
    // locks each lead, and offsets commit only once every earlier record of a partition is done
    @Blocking(value = "funnel-projection", ordered = false)
    public void consume(ConsumerRecords<String, String> records) throws Exception {
        // each record's apply in the trace its headers carry (platform RecordSpans)
        try (RecordSpans.Batch traced = spans.start(records, records.count())) {
            try {
                consume(records, traced);
            } catch (Exception e) {
                traced.failed(e);
                throw e;
            }
        }
    }

    private void consume(ConsumerRecords<String, String> records, RecordSpans.Batch traced) throws Exception {
        Map<Integer, Long> replayPoint = retrying("reading the replay point", () -> {
            try (Connection c = dataSource.getConnection()) {
                return ReplayedOffsets.read(c, topic);
            }
        });
        List<LeadStageChanged> events = new ArrayList<>(records.count());
        Map<Integer, Long> reached = new HashMap<>();
        int passedOver = 0;
        for (ConsumerRecord<String, String> r : records) {
            reached.merge(r.partition(), r.offset() + 1, Math::max);
            if (r.offset() < replayPoint.getOrDefault(r.partition(), 0L)) {
                passedOver++;
                traced.passedOver(r, "replayed");
                continue;
            }
            try {
                events.add(EventChecks.read(r.value()));
            } catch (RuntimeException unreadable) {
                deadLetters.send(r, unreadable, "consumer");
                traced.deadLettered(r, String.valueOf(unreadable.getMessage()));
            }
        }
        long start = System.nanoTime();
        int fresh = retrying("projecting " + events.size() + " events", () -> {
            int[] count = new int[1];
            monitor.apply(events, () -> count[0] = projector.apply(events));
            return count[0];
        });
        batches.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        applied.increment(fresh);
        duplicates.increment(events.size() - fresh);
        replayed.increment(passedOver);
        reached.entrySet().removeIf(e -> e.getValue() < replayPoint.getOrDefault(e.getKey(), Long.MAX_VALUE));
        if (!reached.isEmpty()) {
            retrying("forgetting passed replay points", () -> {
                try (Connection c = dataSource.getConnection()) {
                    ReplayedOffsets.passed(c, topic, reached);
                }
                return null;
            });
        }
    }

    private static <T> T retrying(String what, DatabaseWork<T> work) throws InterruptedException {
        long backoff = 200;
        while (true) {
            try {
                return work.run();
            } catch (SQLException e) {
                LOG.errorf("%s failed (%s); retrying in %d ms", what, e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }
}
