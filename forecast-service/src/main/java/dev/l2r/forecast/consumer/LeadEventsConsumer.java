package dev.l2r.forecast.consumer;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.forecast.projection.Projector;
import dev.l2r.platform.consume.EventReader;
import dev.l2r.platform.ops.ProjectionMonitor;
import dev.l2r.platform.trace.RecordSpans;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * Projects each poll of lead-stage-changed in one transaction; offsets are committed only after it succeeds.
 * Records that are not readable events go to the dead-letter topic first. If the database is unreachable the poll
 * is retried until it succeeds; if the poll fails for another reason, its events are applied one by one so that
 * only an event that fails on its own, for a reason in its data, is dead-lettered (with the error) and the rest are
 * kept. A failure that is not the event's (a missing table, say) is thrown: the poll is not acknowledged and the
 * channel stops, rather than dead-lettering every event.
 */
@ApplicationScoped
public class LeadEventsConsumer {

    private static final Logger LOG = Logger.getLogger(LeadEventsConsumer.class);

    @Inject
    Projector projector;

    @Inject
    DeadLetters deadLetters;

    @Inject
    Retry retry;

    @Inject
    ProjectionMonitor monitor;

    @Inject
    RecordSpans spans;

    @Incoming("lead-stage-changed")
    @Blocking
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
        List<ConsumerRecord<String, String>> usable = new ArrayList<>(records.count());
        List<LeadStageChanged> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            EventReader.Read read = EventReader.read(record.value());
            if (read.ok()) {
                usable.add(record);
                events.add(read.event());
            } else {
                deadLetters.send(record, read.error());
                traced.deadLettered(record, read.error());
            }
        }
        if (events.isEmpty()) {
            return;
        }
        try {
            project(events);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.warnf("a poll of %d events failed (%s); applying them one by one", events.size(), e.getMessage());
            for (int i = 0; i < events.size(); i++) {
                try {
                    project(List.of(events.get(i)));
                } catch (InterruptedException single) {
                    throw single;
                } catch (Exception single) {
                    if (!Retry.eventSpecific(single)) {
                        throw single;
                    }
                    deadLetters.send(usable.get(i), "projection failed: " + Retry.describe(single));
                    traced.deadLettered(usable.get(i), "projection failed: " + Retry.describe(single));
                }
            }
        }
    }

    private void project(List<LeadStageChanged> events) throws Exception {
        monitor.apply(events, () -> retry.whileTransient(() -> projector.apply(events)));
    }
}
