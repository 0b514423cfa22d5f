package dev.l2r.lead.webhook;

import dev.l2r.lead.funnel.DefinitionStored;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.funnel.FunnelVersion;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.recording.TransitionRecorder;
import dev.l2r.lead.intake.Intake;
import dev.l2r.lead.intake.IntakeMetrics;
import dev.l2r.platform.retry.Retries;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records parked webhook items once a mapping knows their value: after every new funnel definition, and at start-up
 * (for a definition stored by a replica that stopped before it got to them). Each batch of items is recorded through
 * the {@link TransitionRecorder}, in event time, with the item's delivery id and source event id, and marked in the
 * same transaction: an item is recorded and marked, or neither, and a later retry of its delivery is a duplicate.
 * An item whose value is now mapped to no stage (known, ignored) is marked ignored.
 */
@ApplicationScoped
public class ParkedRecording {

    private static final Logger LOG = Logger.getLogger(ParkedRecording.class);
    static final int BATCH = 500;
    /** How old the waiting counts may be when the gauges are read. */
    static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(15);

    @Inject
    FunnelDefinitions funnels;

    @Inject
    TransitionRecorder recorder;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    IntakeMetrics metrics;

    @Inject
    Intake intake;

    @Inject
    MeterRegistry registry;

    @Inject
    Instance<WebhookSource> sources;

    Clock clock = Clock.systemUTC();

    private Guard racesRetried;
    private final Map<String, Long> waiting = new ConcurrentHashMap<>();
    private volatile long countedAtMillis;

    /** What one batch did: the items it settled, and the changes it recorded with their results. */
    record Outcome(int resolved, List<StageChange> changes, List<RecordingResult> results) {
        Outcome(int resolved) {
            this(resolved, List.of(), List.of());
        }

        /** Counted once committed (a retried batch is not counted twice). */
        void count(Intake intake) {
            for (int i = 0; i < results.size(); i++) {
                intake.count(changes.get(i).source(), results.get(i));
            }
        }
    }

    @PostConstruct
    void guard() {
        racesRetried = Retries.attempts("recording parked items", 4, RecordingFailed::lostRace, Duration.ZERO);
    }

    /** After the funnel definition is read (its own start-up observer has the default priority). */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        // one gauge per sender: a bounded set of tags
        for (WebhookSource source : sources) {
            String name = source.name();
            Gauge.builder("l2r.intake.parked.waiting", this, r -> r.waiting(name))
                    .description("parked webhook items still waiting for a mapping of their value")
                    .tag("source", name).register(registry);
        }
        recordMapped();
    }

    void definitionStored(@Observes DefinitionStored stored) {
        try {
            recordMapped();
        } catch (RuntimeException e) {
            // the definition is stored; what is left waits for the next definition or the next start
            LOG.warnf("parked items the new mappings map were not all recorded; they will be at the next start or "
                    + "funnel definition (%s)", e.toString());
        }
    }

    /**
     * After a delivery parked items: counts them, and records them at once should a definition stored meanwhile
     * (after the delivery read the mappings) already map their value.
     */
    public void parked(String source, ParkedItems.Batch batch, List<WebhookItems.Parked> items) {
        metrics.parked(source, batch.parked());
        metrics.duplicates(source, batch.duplicates());
        if (batch.parked() == 0) {
            return;
        }
        countedAtMillis = 0;
        boolean mappedMeanwhile = items.stream().anyMatch(p ->
                funnels.mapping(p.change().source(), p.mappedField(), p.value()).isPresent());
        if (mappedMeanwhile) {
            definitionStored(new DefinitionStored(funnels.currentVersion()));
        }
    }

    /** Records every waiting item the mappings in force map, batch by batch; answers how many were settled. */
    public int recordMapped() {
        int resolved = 0;
        while (true) {
            Outcome outcome = inTransaction(BATCH);
            if (outcome == null) {
                // the database refused a row of the batch: settle these items one at a time
                int settled = 0;
                for (int i = 0; i < BATCH; i++) {
                    Outcome one = inTransaction(1);
                    if (one == null) {
                        one = refuseNext();
                    }
                    if (one.resolved() == 0) {
                        break;
                    }
                    one.count(intake);
                    settled += one.resolved();
                }
                outcome = new Outcome(settled);
            } else {
                outcome.count(intake);
            }
            resolved += outcome.resolved();
            if (outcome.resolved() == 0) {
                break;
            }
        }
        countedAtMillis = 0;
        if (resolved > 0) {
            LOG.infof("settled %d parked webhook items that the funnel definition now maps", resolved);
        }
        return resolved;
    }

    /** A batch in a transaction of its own; null when the database refused one of its rows. */
    private Outcome inTransaction(int limit) {
        try {
            return racesRetried.call(() -> QuarkusTransaction.requiringNew().call(() -> batch(limit)),
                    Outcome.class);
        } catch (RecordingFailed e) {
            if (Intake.refusedData(e)) {
                return null;
            }
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        }
    }

    /** Marks the next waiting item {@code refused}, after the database refused to record it, so it blocks nothing. */
    private Outcome refuseNext() {
        return QuarkusTransaction.requiringNew().call(() -> {
            FunnelVersion version = funnels.currentVersion();
            try (Connection c = dataSource.getConnection()) {
                List<ParkedItems.Row> rows = ParkedItems.waitingFor(c, version.mappings(), 1);
                List<ParkedItems.Resolution> refused = rows.stream()
                        .map(r -> new ParkedItems.Resolution(r.id(), "refused", null, null)).toList();
                LOG.warnf("the database refused to record parked item %s; it is marked refused",
                        rows.stream().map(ParkedItems.Row::id).toList());
                ParkedItems.resolve(c, refused, version.version(), clock.instant());
                return new Outcome(refused.size());
            }
        });
    }

    /** Up to {@code limit} waiting items the mappings map, settled in the caller's transaction. */
    private Outcome batch(int limit) throws SQLException {
        FunnelVersion version = funnels.currentVersion();
        Map<String, SourceMapping> byKey = new HashMap<>();
        version.mappings().forEach(m -> byKey.putIfAbsent(m.key(), m));
        try (Connection c = dataSource.getConnection()) {
            List<ParkedItems.Row> rows = ParkedItems.waitingFor(c, version.mappings(), limit);
            List<ParkedItems.Resolution> resolutions = new ArrayList<>();
            List<StageChange> changes = new ArrayList<>();
            List<ParkedItems.Row> recorded = new ArrayList<>();
            for (ParkedItems.Row row : rows) {
                SourceMapping mapping = byKey.get(SourceMapping.key(row.source(), row.field(), row.value()));
                if (mapping == null || mapping.stage() == null) {
                    // known, but no stage: settled as ignored (the query matched a mapping, so it is not null)
                    resolutions.add(new ParkedItems.Resolution(row.id(), "ignored", null, null));
                    continue;
                }
                StageChange parked = row.change();
                changes.add(new StageChange(parked.leadId(), mapping.stage(), parked.rawStage(), parked.occurredAt(),
                        parked.source(), parked.sourceEventId(), parked.amount(), parked.currency(),
                        parked.attributes(), parked.deliveryId(), parked.mode()));
                recorded.add(row);
            }
            // the same door as every change: stage rules, history in event time, ledger and outbox
            List<RecordingResult> results = recorder.record(changes);
            for (int i = 0; i < results.size(); i++) {
                RecordingResult result = results.get(i);
                resolutions.add(new ParkedItems.Resolution(recorded.get(i).id(),
                        result.status().name().toLowerCase(Locale.ROOT), changes.get(i).stage(),
                        result.eventId()));
            }
            ParkedItems.resolve(c, resolutions, version.version(), clock.instant());
            return new Outcome(resolutions.size(), changes, results);
        }
    }

    /** Waiting items of a source, as last counted (re-counted when older than {@link #COUNTS_MAX_AGE}). */
    double waiting(String source) {
        long now = System.currentTimeMillis();
        if (now - countedAtMillis > COUNTS_MAX_AGE.toMillis()) {
            countedAtMillis = now;
            try (Connection c = dataSource.getConnection()) {
                Map<String, Long> counts = ParkedItems.waitingBySource(c);
                waiting.keySet().retainAll(counts.keySet());
                waiting.putAll(counts);
            } catch (SQLException | RuntimeException e) {
                // keep the last counts; the next read tries again
            }
        }
        return waiting.getOrDefault(source, 0L);
    }
}
