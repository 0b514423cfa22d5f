package dev.l2r.platform.ops;

import dev.l2r.events.LeadEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches a consumer apply events to its projections: how fresh they are, how long an event took from
 * lead-service to here, and which events were in a batch that failed. Metrics, tagged {@code consumer}:
 * <ul>
 * <li>{@value #FRESHNESS} — now minus the event time of the newest event applied so far (NaN before the first):
 * the age of the most recent fact the projections know;</li>
 * <li>{@value #DELAY} — per event, applied time minus {@code recordedAt}: how far the projections trail intake;</li>
 * <li>{@value #APPLIED} — events handed to the projections.</li>
 * </ul>
 * While a batch is applied its event ids are in the logs' MDC ({@value #MDC_EVENT_ID} for a single event,
 * {@value #MDC_EVENT_BATCH} = first..last (count) for more).
 */
@Singleton
public class ProjectionMonitor {

    /** A projection of one batch, throwing what the projector throws. */
    @FunctionalInterface
    public interface Projection<X extends Exception> {
        void apply() throws X;
    }

    static final String FRESHNESS = "l2r.projection.freshness.seconds";
    static final String DELAY = "l2r.projection.delay";
    static final String APPLIED = "l2r.projection.applied";
    public static final String MDC_EVENT_ID = "eventId";
    public static final String MDC_EVENT_BATCH = "eventBatch";
    private static final int IDS_IN_ERROR = 20;
    private static final Logger LOG = Logger.getLogger(ProjectionMonitor.class);

    private final Clock clock;
    private final AtomicReference<Instant> newestEventTime = new AtomicReference<>();
    private final Timer delay;
    private final Counter applied;

    @Inject
    public ProjectionMonitor(MeterRegistry registry, @ConfigProperty(name = "quarkus.application.name") String consumer) {
        this(registry, consumer, Clock.systemUTC());
    }

    ProjectionMonitor(MeterRegistry registry, String consumer, Clock clock) {
        this.clock = clock;
        Gauge.builder(FRESHNESS, this, ProjectionMonitor::freshnessSeconds).tag("consumer", consumer)
                .description("now minus the event time of the newest event applied to the projections")
                .strongReference(true).register(registry);
        delay = Timer.builder(DELAY).tag("consumer", consumer)
                .description("from recordedAt in lead-service to applied in this consumer").register(registry);
        applied = Counter.builder(APPLIED).tag("consumer", consumer)
                .description("events handed to the projections").register(registry);
    }

    /** Runs the projection of these events with their ids in the MDC; counts them only when it succeeds. */
    public <X extends Exception> void apply(List<? extends LeadEvent> events, Projection<X> projection) throws X {
        if (events.isEmpty()) {
            projection.apply();
            return;
        }
        String key = events.size() == 1 ? MDC_EVENT_ID : MDC_EVENT_BATCH;
        MDC.put(key, describe(events));
        try {
            projection.apply();
            applied(events);
        } catch (Exception e) {
            LOG.errorf("applying %d events failed (%s): %s", events.size(), ids(events, IDS_IN_ERROR), e.getMessage());
            throw e;
        } finally {
            MDC.remove(key);
        }
    }

    private void applied(List<? extends LeadEvent> events) {
        Instant now = clock.instant();
        Instant newest = null;
        for (LeadEvent e : events) {
            if (newest == null || e.occurredAt().isAfter(newest)) {
                newest = e.occurredAt();
            }
            if (e.recordedAt() != null) {
                Duration trail = Duration.between(e.recordedAt(), now);
                // another host's clock may run ahead of ours
                delay.record(trail.isNegative() ? Duration.ZERO : trail);
            }
            if (LOG.isDebugEnabled()) {
                LOG.debugf("applied event %s (lead %s, %s)", e.eventId(), e.leadId(), e.getClass().getSimpleName());
            }
        }
        newestEventTime.accumulateAndGet(newest, (a, b) -> a == null || b.isAfter(a) ? b : a);
        applied.increment(events.size());
    }

    double freshnessSeconds() {
        Instant newest = newestEventTime.get();
        return newest == null ? Double.NaN : Duration.between(newest, clock.instant()).toMillis() / 1000.0;
    }

    static String describe(List<? extends LeadEvent> events) {
        if (events.size() == 1) {
            return events.get(0).eventId().toString();
        }
        return events.get(0).eventId() + ".." + events.get(events.size() - 1).eventId() + " (" + events.size() + ")";
    }

    static String ids(List<? extends LeadEvent> events, int max) {
        StringBuilder ids = new StringBuilder("event ids ");
        for (int i = 0; i < events.size() && i < max; i++) {
            ids.append(i == 0 ? "" : ", ").append(events.get(i).eventId());
        }
        if (events.size() > max) {
            ids.append(" and ").append(events.size() - max).append(" more");
        }
        return ids.toString();
    }
}
