package dev.l2r.forecast.consumer;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.forecast.projection.Projector;
import dev.l2r.platform.pipeline.Failures;
import dev.l2r.platform.retry.Retries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
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

    @ConfigProperty(name = "l2r.consumer.max-backoff")
    Duration maxBackoff;

    private Guard untilAdopted;

    @Inject
    MeterRegistry registry;

    private Counter rejected;

    @PostConstruct
    void metrics() {
        rejected = Counter.builder("l2r.forecast.funnel_definitions.rejected")
                .description("funnel definitions that could not be read or were invalid").register(registry);
        // the pipeline's policy: a database that is away is waited out
        untilAdopted = Retries.waitOut("adopting a funnel definition", Failures::waits, Duration.ofMillis(100),
                maxBackoff, e -> LOG.warnf("could not adopt a funnel definition (%s); trying again",
                        Failures.describe(e)));
    }

    @Incoming("funnel-definition")
    @Blocking
    public void consume(String payload) throws Exception {
        FunnelDefinitionChanged change;
        try {
            change = EventJson.read(payload, FunnelDefinitionChanged.class);
        } catch (RuntimeException e) {
            reject("unreadable funnel definition: " + Failures.describe(e));
            return;
        }
        List<String> problems = change == null || change.definition() == null ? List.of("definition is missing")
                : change.definition().problems();
        if (!problems.isEmpty()) {
            reject("invalid funnel definition" + (change == null ? "" : " version " + change.version()) + ": "
                    + problems);
            return;
        }
        untilAdopted.call(() -> projector.adopt(change.version(), change.definition()), Boolean.class);
    }

    private void reject(String why) {
        rejected.increment();
        LOG.error(why);
    }
}
