package dev.l2r.forecast.consumer;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.forecast.projection.Projector;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.List;

/**
 * Follows the funnel definition lead-service publishes. Every instance reads the compacted topic from the start
 * (its own group, no committed offsets); the projector adopts a version only if it is newer than the one the
 * tables were built with, so replicas and restarts agree. An unusable definition is logged, counted and ignored.
 */
@ApplicationScoped
public class FunnelDefinitionConsumer {

    private static final Logger LOG = Logger.getLogger(FunnelDefinitionConsumer.class);

    @Inject
    Projector projector;

    @Inject
    Retry retry;

    @Inject
    MeterRegistry registry;

    private Counter rejected;

    @PostConstruct
    void metrics() {
        rejected = Counter.builder("l2r.forecast.funnel_definitions.rejected")
                .description("funnel definitions that could not be read or were invalid").register(registry);
    }

    @Incoming("funnel-definition")
    @Blocking
    public void consume(String payload) throws SQLException, InterruptedException {
        FunnelDefinitionChanged change;
        try {
            change = EventJson.read(payload, FunnelDefinitionChanged.class);
        } catch (RuntimeException e) {
            reject("unreadable funnel definition: " + Retry.describe(e));
            return;
        }
        List<String> problems = change == null || change.definition() == null ? List.of("definition is missing")
                : change.definition().problems();
        if (!problems.isEmpty()) {
            reject("invalid funnel definition" + (change == null ? "" : " version " + change.version()) + ": "
                    + problems);
            return;
        }
        retry.whileTransient(() -> projector.adopt(change.version(), change.definition()));
    }

    private void reject(String why) {
        rejected.increment();
        LOG.error(why);
    }
}
