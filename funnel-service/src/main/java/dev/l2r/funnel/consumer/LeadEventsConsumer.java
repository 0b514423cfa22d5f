package dev.l2r.funnel.consumer;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.platform.ops.ProjectionMonitor;
import dev.l2r.funnel.projection.FunnelProjector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds each poll of lead-stage-changed to the projector as one batch, several batches at a time; offsets commit
 * only after a batch (and every earlier one of its partitions) succeeded.
 * Unreadable records go to the dead-letter topic first. A database outage is waited out (the batch is retried
 * with back-off), so an accepted event is never skipped.
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

    private Counter applied;
    private Counter duplicates;
    private Timer batches;

    @PostConstruct
    void meters() {
        applied = Counter.builder("l2r.funnel.events.applied").description("new events projected").register(registry);
        duplicates = Counter.builder("l2r.funnel.events.duplicate")
                .description("redelivered events that changed nothing").register(registry);
        batches = Timer.builder("l2r.funnel.batch").description("time to project one poll").register(registry);
    }

    @Incoming("lead-stage-changed")
    // batches in parallel, as many as smallrye.messaging.worker.funnel-projection.max-concurrency: the projector
    // locks each lead, and offsets commit only once every earlier record of a partition is done
    @Blocking(value = "funnel-projection", ordered = false)
    public void consume(ConsumerRecords<String, String> records) throws Exception {
        List<LeadStageChanged> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> r : records) {
            try {
                events.add(EventChecks.read(r.value()));
            } catch (RuntimeException unreadable) {
                deadLetters.send(r, unreadable);
            }
        }
        long backoff = 200;
        while (true) {
            try {
                long start = System.nanoTime();
                int[] fresh = new int[1];
                monitor.apply(events, () -> fresh[0] = projector.apply(events));
                batches.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                applied.increment(fresh[0]);
                duplicates.increment(events.size() - fresh[0]);
                return;
            } catch (SQLException e) {
                LOG.errorf("projecting %d events failed (%s); retrying in %d ms", events.size(), e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }
}
