package dev.l2r.forecast.consumer;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.platform.consume.EventPayloads;
import dev.l2r.platform.ops.ProjectionMonitor;
import dev.l2r.forecast.pipeline.PipelineProjector;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.sql.SQLException;
import java.util.List;

/** Feeds each poll of lead-stage-changed to the pipeline projector as one batch; offsets commit after it succeeds. */
@ApplicationScoped
public class LeadEventsConsumer {

    @Inject
    PipelineProjector projector;

    @Inject
    ProjectionMonitor monitor;

    @Incoming("lead-stage-changed")
    @Blocking
    public void consume(List<String> payloads) throws SQLException {
        List<LeadStageChanged> events = EventPayloads.parse(payloads);
        monitor.apply(events, () -> projector.apply(events));
    }
}
