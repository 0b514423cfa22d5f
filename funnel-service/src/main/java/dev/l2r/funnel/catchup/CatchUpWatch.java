package dev.l2r.funnel.catchup;

import dev.l2r.funnel.core.catchup.Backlog;
import dev.l2r.funnel.core.catchup.CatchUpPolicy;
import dev.l2r.funnel.core.catchup.CatchUpView;
import dev.l2r.funnel.core.catchup.LiveRate;
import dev.l2r.platform.rebuild.RebuildStatus;
import dev.l2r.funnel.rebuild.Rebuilder;
import dev.l2r.funnel.topic.TopicOffsets;
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
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the live consumer's backlog every little while (from the start, so a service deployed beside a topic
 * full of history finds it at once), measures from it how fast the consumer gets through a backlog
 * ({@link LiveRate}), and, when {@link CatchUpPolicy} says so, has a rebuild replay the topic. Every replica looks;
 * only one rebuild runs at a time, and a replica replays only if no rebuild started since it read the status. It
 * also starts rebuilds requested of a replica that stopped before serving them. The backlog and the measured rate
 * are published as the gauges {@value #BACKLOG} and {@value #LIVE_RATE}.
 */
@ApplicationScoped
public class CatchUpWatch {

    static final String BACKLOG = "l2r.funnel.consumer.backlog";
    static final String LIVE_RATE = "l2r.funnel.consumer.catch-up.rate";
    /** Polls a consumer may hold in flight (being applied, and queued): behind by more, it is busy until the next look. */
    private static final int POLLS_IN_FLIGHT = 8;
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

    @ConfigProperty(name = "l2r.catch-up.min-speed-up")
    double minSpeedUp;

    @ConfigProperty(name = "l2r.catch-up.check-interval")
    Duration interval;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.max.poll.records")
    int maxPollRecords;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "funnel-catch-up");
        t.setDaemon(true);
        return t;
    });
    private CatchUpPolicy policy;
    private LiveRate liveRate;
    private volatile CatchUpView lastLook = CatchUpView.NOT_YET;

    void onStart(@Observes StartupEvent start) {
        policy = new CatchUpPolicy(replay, minLag, minShare, minSpeedUp);
        liveRate = new LiveRate((long) POLLS_IN_FLIGHT * maxPollRecords);
        Gauge.builder(BACKLOG, this, w -> {
                    Long lag = w.lastLook.backlog();
                    return lag == null ? Double.NaN : lag;
                })
                .description("records of lead-stage-changed the projections do not hold yet (at the last look)")
                .register(registry);
        Gauge.builder(LIVE_RATE, this, w -> w.liveRate.eventsPerSecond().orElse(Double.NaN))
                .description("events per second the live consumer was measured to get through a backlog")
                .register(registry);
        timer.scheduleWithFixedDelay(this::look, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last look at the backlog, and what was made of it. */
    public CatchUpView lastLook() {
        return lastLook;
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** One look: the backlog now, and a replay if it calls for one. */
    void look() {
        try {
            // read before the backlog: a replay that finishes in between must not look like none ran (below)
            RebuildStatus last = rebuilder.status();
            if (!last.running()) {
                // a rebuild requested of a replica that stopped before serving it is served by any other
                rebuilder.startIfRequired();
            }
            Optional<Backlog> backlog;
            try (Connection c = dataSource.getConnection()) {
                backlog = offsets.backlog(c);
            }
            if (backlog.isEmpty()) {
                return;
            }
            Backlog b = backlog.get();
            Instant now = Instant.now();
            liveRate.observe(now, b, last.running()); // looks run one at a time, on the timer's thread
            if (last.running()) {
                lastLook = CatchUpView.rebuilding(now, b);
                return;
            }
            CatchUpPolicy.Decision decision = policy.decide(b, liveRate.eventsPerSecond(), lastReplay(last));
            lastLook = CatchUpView.of(now, b, decision);
            // every replica looks; one replays, and none replays again a backlog another's replay just took in
            if (decision.replay() && rebuilder.startUnlessChangedSince(decision.why(), last)) {
                LOG.info(decision.why());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("could not look at the consumer's backlog: %s", e.getMessage());
        }
    }

    private static CatchUpPolicy.LastReplay lastReplay(RebuildStatus status) {
        return new CatchUpPolicy.LastReplay("DONE".equals(status.state()), status.eventsRead(),
                status.eventsPerSecond() == null ? 0 : status.eventsPerSecond().doubleValue());
    }
}
