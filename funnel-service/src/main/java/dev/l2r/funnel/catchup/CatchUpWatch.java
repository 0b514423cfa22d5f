package dev.l2r.funnel.catchup;

import dev.l2r.funnel.rebuild.Rebuilder;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks at the live consumer's backlog every little while (from the start, so a service deployed beside a topic
 * full of history finds it at once) and, when {@link CatchUpPolicy} says so, has a rebuild replay the topic. Every
 * replica looks; only one rebuild runs at a time, the others' attempts are refused and ignored. The backlog is
 * also published as the gauge {@value #BACKLOG}.
 */
@ApplicationScoped
public class CatchUpWatch {

    static final String BACKLOG = "l2r.funnel.consumer.backlog";
    private static final Logger LOG = Logger.getLogger(CatchUpWatch.class);

    @Inject
    TopicOffsets offsets;

    @Inject
    Rebuilder rebuilder;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "l2r.catch-up.replay")
    boolean replay;

    @ConfigProperty(name = "l2r.catch-up.min-lag")
    long minLag;

    @ConfigProperty(name = "l2r.catch-up.min-share")
    double minShare;

    @ConfigProperty(name = "l2r.catch-up.check-interval")
    Duration interval;

    private final AtomicLong lastLag = new AtomicLong(-1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "funnel-catch-up");
        t.setDaemon(true);
        return t;
    });
    private CatchUpPolicy policy;

    void onStart(@Observes StartupEvent start) {
        policy = new CatchUpPolicy(replay, minLag, minShare);
        Gauge.builder(BACKLOG, lastLag, l -> l.get() < 0 ? Double.NaN : l.get())
                .description("records of lead-stage-changed the projections do not hold yet (at the last look)")
                .register(registry);
        timer.scheduleWithFixedDelay(this::look, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** One look: the backlog now, and a replay if it calls for one. */
    void look() {
        try {
            Optional<Backlog> backlog;
            try (Connection c = dataSource.getConnection()) {
                backlog = offsets.backlog(c);
            }
            if (backlog.isEmpty()) {
                return;
            }
            Backlog b = backlog.get();
            lastLag.set(b.lag());
            if (policy.replay(b)) {
                String reason = CatchUpPolicy.reason(b);
                rebuilder.start(reason);
                LOG.info(reason);
            }
        } catch (ProblemException running) {
            LOG.debug("a rebuild is already running");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("could not look at the consumer's backlog: %s", e.getMessage());
        }
    }
}
