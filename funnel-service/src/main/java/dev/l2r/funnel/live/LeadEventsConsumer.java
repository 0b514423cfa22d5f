package dev.l2r.funnel.live;

import dev.l2r.platform.pipeline.Pipeline;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.concurrent.CompletionStage;

/**
 * Hands each poll of lead-stage-changed to the platform pipeline ({@link FunnelProjection} is the funnel's step),
 * several polls at a time; offsets commit only after a poll (and every earlier one of its partitions) is done.
 */
@ApplicationScoped
public class LeadEventsConsumer {

    @Inject
    Pipeline pipeline;

    @Incoming("lead-stage-changed")
    // polls in flight at once: smallrye.messaging.worker.funnel-projection.max-concurrency. The worker only hands
    // the poll over; the pipeline's own threads apply it (a lead's polls wait for each other on its lock)
    @Blocking(value = "funnel-projection", ordered = false)
    public CompletionStage<Void> consume(ConsumerRecords<String, String> records) {
        return pipeline.submit(records);
    }
}
