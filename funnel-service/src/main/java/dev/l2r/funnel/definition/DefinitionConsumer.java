package dev.l2r.funnel.definition;

import dev.l2r.events.EventJson;
import dev.l2r.events.FunnelDefinitionChanged;
import dev.l2r.funnel.rebuild.Rebuilder;
import dev.l2r.funnel.storage.DefinitionStore;
import dev.l2r.platform.pipeline.Failures;
import dev.l2r.platform.retry.Retries;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Follows the compacted funnel-definition topic. A definition that changes the stage order changes every
 * figure: storing it requests a rebuild, which starts now or, when one is running, right after it. A database
 * that is away while a definition arrives is waited out (the pipeline's policy), not a failed channel.
 */
@ApplicationScoped
public class DefinitionConsumer {

    private static final Logger LOG = Logger.getLogger(DefinitionConsumer.class);

    @Inject
    DefinitionStore store;

    @Inject
    Rebuilder rebuilder;

    @ConfigProperty(name = "l2r.consumer.max-backoff")
    Duration maxBackoff;

    private Guard untilStored;

    @PostConstruct
    void guard() {
        untilStored = Retries.waitOut("storing a funnel definition", Failures::waits, Duration.ofMillis(100),
                maxBackoff, e -> LOG.warnf("could not store a funnel definition (%s); trying again",
                        Failures.describe(e)));
    }

    @Incoming("funnel-definition")
    @Blocking
    public void consume(String payload) throws Exception {
        FunnelDefinitionChanged change;
        try {
            change = EventJson.read(payload, FunnelDefinitionChanged.class);
        } catch (RuntimeException e) {
            LOG.errorf("unreadable funnel definition ignored: %s (%s)", e.getMessage(), payload);
            return;
        }
        if (change.definition() == null || !change.definition().problems().isEmpty()) {
            LOG.errorf("invalid funnel definition version %d ignored: %s", change.version(),
                    change.definition() == null ? "no definition" : change.definition().problems());
            return;
        }
        if (!untilStored.call(() -> store.offer(change), Boolean.class)) {
            return;
        }
        LOG.infof("funnel definition version %d changes the stage order: rebuilding the projections", change.version());
        rebuilder.startIfRequired(); // or, when one is running with the old definition, right after it
    }
}
