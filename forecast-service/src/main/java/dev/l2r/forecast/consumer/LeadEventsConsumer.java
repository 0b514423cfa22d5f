package dev.l2r.forecast.consumer;

import dev.l2r.forecast.projection.Projector;
import dev.l2r.platform.pipeline.Pipeline;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.concurrent.CompletionStage;

/**
 * Hands each poll of lead-stage-changed to the platform pipeline ({@link Projector} is the forecast's step), one
 * at a time; offsets are committed only after the poll is done.
 */
@ApplicationScoped
public class LeadEventsConsumer {

    @Inject
    Pipeline pipeline;

    @Incoming("lead-stage-changed")
    public CompletionStage<Void> consume(ConsumerRecords<String, String> records) {
        return pipeline.submit(records);
    }
}
