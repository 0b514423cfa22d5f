package dev.l2r.lead.crm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.recording.TransitionRecorder;
import dev.l2r.lead.intake.Intake;
import dev.l2r.lead.intake.IntakeMetrics;
import dev.l2r.lead.webhook.ParkedItems;
import dev.l2r.lead.webhook.ParkedRecording;
import dev.l2r.lead.webhook.WebhookItems;
import dev.l2r.lead.webhook.WebhookResource;
import dev.l2r.lead.webhook.WebhookSupport;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.retry.Retries;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs CRM imports, one thread each, one per source at a time. Page by page: the reader reads a page through the
 * vendor's API (rate limits waited out), then the page's changes are recorded through the {@link TransitionRecorder}
 * (the same rules and outbox as every intake path, in event time), its unmapped values parked as a webhook's are,
 * and the import's position and counts advanced, all in one transaction. A change recorded before (the same source
 * event id) counts as a duplicate and is not recorded again, so a page read twice (an import run again, or resumed
 * after a crash between a page's reading and its commit) changes nothing. At start-up, the imports still marked
 * running (the service stopped under them) continue from their position.
 */
@ApplicationScoped
public class CrmImports {

    private static final Logger LOG = Logger.getLogger(CrmImports.class);
    /** The sources an import reads, in the order the docs list them. */
    public static final List<String> SOURCES = List.of("hubspot", "salesforce", "pipedrive");
    static final String DONE_PHASE = "done";

    @Inject
    CrmImportStore store;

    @Inject
    TransitionRecorder recorder;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Intake intake;

    @Inject
    IntakeMetrics metrics;

    @Inject
    ParkedRecording parkedRecording;

    @Inject
    WebhookSupport support;

    @Inject
    ObjectMapper mapper;

    @Inject
    Config config;

    @ConfigProperty(name = "l2r.crm.max-attempts")
    int attempts;

    @ConfigProperty(name = "l2r.crm.retry-pause")
    Duration pause;

    Clock clock = Clock.systemUTC();

    private HttpClient client;
    private Guard racesRetried;
    private final Map<Long, Thread> workers = new ConcurrentHashMap<>();
    /** Imports told to stop (cancelled, or the service stops): whatever their thread meets then is no failure. */
    private final Set<Long> stopping = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void init() {
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        racesRetried = Retries.attempts("recording an imported page", 4, RecordingFailed::lostRace, Duration.ZERO);
    }

    /** Starts an import of {@code source}'s history; 409 when its credentials are missing or one runs already. */
    public CrmImport start(String source, Instant since) {
        HistoryReader reader = reader(source);
        CrmImport started = store.start(source, since, reader.firstPhase(), clock.instant());
        launch(started, reader);
        return started;
    }

    /** Continues a failed or cancelled import from its position. */
    public CrmImport resume(long id) {
        CrmImport found = store.find(id).orElseThrow(() -> ProblemException.notFound("no import " + id));
        HistoryReader reader = reader(found.source());
        CrmImport resumed = store.resume(id, clock.instant());
        launch(resumed, reader);
        return resumed;
    }

    /** Cancels a running import: it stops before its next page; what it recorded stays. */
    public CrmImport cancel(long id) {
        CrmImport found = store.find(id).orElseThrow(() -> ProblemException.notFound("no import " + id));
        if (!store.finish(id, CrmImport.State.CANCELLED, null, clock.instant())) {
            throw ProblemException.conflict("import " + id + " is " + found.state() + ", not running");
        }
        stop(id);
        return store.find(id).orElseThrow();
    }

    /** After the funnel definition and the parked items' recording have started. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) StartupEvent event) {
        resumeRunning();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopWorkers();
    }

    /** Continues every import marked running that no thread here runs (after a restart); answers how many. */
    public int resumeRunning() {
        int resumed = 0;
        for (CrmImport running : store.list(CrmImport.State.RUNNING, 1000)) {
            if (workers.containsKey(running.id())) {
                continue;
            }
            HistoryReader reader;
            try {
                reader = reader(running.source());
            } catch (ProblemException e) {
                store.finish(running.id(), CrmImport.State.FAILED, e.getMessage(), clock.instant());
                continue;
            }
            LOG.infof("import %d of %s continues from %s", running.id(), running.source(), running.phase());
            launch(running, reader);
            resumed++;
        }
        return resumed;
    }

    /** Stops the threads (the service stops): the imports stay marked running, to continue at the next start. */
    public void stopWorkers() {
        List<Thread> threads = new ArrayList<>(workers.values());
        workers.keySet().forEach(this::stop);
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void stop(long id) {
        Thread worker = workers.get(id);
        if (worker != null) {
            stopping.add(id);
            worker.interrupt();
        }
    }

    HistoryReader reader(String source) {
        CrmSettings settings = new CrmSettings(config);
        return switch (source == null ? "" : source) {
            case "hubspot" -> {
                String token = settings.required("hubspot.token", "L2R_CRM_HUBSPOT_TOKEN");
                yield new HubSpotHistory(http(source, token), settings.value("hubspot.base-url")
                        .orElse(CrmSettings.HUBSPOT_DEFAULT_URL), token, support);
            }
            case "salesforce" -> {
                String instance = settings.required("salesforce.instance-url", "L2R_CRM_SALESFORCE_INSTANCE_URL");
                String token = settings.required("salesforce.token", "L2R_CRM_SALESFORCE_TOKEN");
                yield new SalesforceHistory(http(source, token), instance,
                        settings.value("salesforce.api-version").orElse("v62.0"), token, support);
            }
            case "pipedrive" -> {
                String token = settings.required("pipedrive.token", "L2R_CRM_PIPEDRIVE_TOKEN");
                yield new PipedriveHistory(http(source, token), settings.value("pipedrive.base-url")
                        .orElse(CrmSettings.PIPEDRIVE_DEFAULT_URL), token, support);
            }
            default -> throw ProblemException.badRequest("source", "must be one of " + String.join(", ", SOURCES));
        };
    }

    private CrmHttp http(String source, String token) {
        return new CrmHttp(client, mapper, source, token, attempts, pause, clock);
    }

    private void launch(CrmImport started, HistoryReader reader) {
        Thread worker = new Thread(() -> run(started.id(), reader), "crm-import-" + started.id());
        worker.setDaemon(true);
        Thread previous = workers.putIfAbsent(started.id(), worker);
        if (previous == null) {
            stopping.remove(started.id());
            worker.start();
        }
    }

    private void run(long id, HistoryReader reader) {
        try {
            CrmImport state = store.find(id).orElseThrow();
            String phase = state.phase();
            String cursor = state.cursor();
            while (!DONE_PHASE.equals(phase)) {
                if (stopping.contains(id)) {
                    return;
                }
                WebhookItems items = new WebhookItems();
                HistoryReader.Next next = reader.read(phase, cursor, state.since(), items);
                if (stopping.contains(id)) {
                    return; // cancelled or stopping while the page was read: it is read again on resuming
                }
                String nextPhase = next.phase() == null ? DONE_PHASE : next.phase();
                record(id, reader.source(), items, next.records(), nextPhase, next.cursor());
                phase = nextPhase;
                cursor = next.cursor();
            }
            if (store.finish(id, CrmImport.State.DONE, null, clock.instant())) {
                LOG.infof("import %d of %s is done", id, reader.source());
            }
        } catch (RuntimeException e) {
            if (stopping.contains(id) || e instanceof CrmHttp.Stopped) {
                return; // cancelled, or the service stops: the import's state says which
            }
            if (e instanceof CrmHttp.Refused) {
                fail(id, e.getMessage());
                return;
            }
            LOG.warnf(e, "import %d of %s failed", id, reader.source());
            String state = e instanceof RecordingFailed f ? " (SQLSTATE " + RecordingFailed.sqlState(f) + ")" : "";
            fail(id, "could not record a page" + state + ": " + e.getClass().getSimpleName());
        } finally {
            workers.remove(id);
            stopping.remove(id);
        }
    }

    private void fail(long id, String error) {
        LOG.warnf("import %d failed: %s", id, error);
        store.finish(id, CrmImport.State.FAILED, error, clock.instant());
    }

    /** What a page's transaction did. */
    private record Outcome(List<StageChange> changes, List<RecordingResult> results, int known) {
    }

    /** One page's changes, parked items and the import's new position, in one transaction. */
    private void record(long id, String source, WebhookItems items, int records, String phase, String cursor) {
        List<WebhookItems.Parked> parked = WebhookResource.parkable(items);
        ParkedItems.Batch parking = parked.isEmpty() ? null : new ParkedItems.Batch(parked, null, clock.instant());
        int refused = items.refusals().size();
        items.refusals().forEach(r -> LOG.debugf("import %d: %s refused: %s", id, r.field(), r.error()));
        Outcome outcome;
        try {
            outcome = racesRetried.call(() -> QuarkusTransaction.requiringNew().call(() -> {
                List<StageChange> fresh = notRecorded(source, items.changes());
                int known = items.changes().size() - fresh.size();
                List<RecordingResult> results = recorder.record(fresh, parking);
                long recorded = results.stream().filter(r -> r.status() == RecordingResult.Status.RECORDED).count();
                long unchanged = results.stream().filter(r -> r.status() == RecordingResult.Status.UNCHANGED).count();
                long duplicates = known + results.size() - recorded - unchanged
                        + (parking == null ? 0 : parking.duplicates());
                try (Connection c = dataSource.getConnection()) {
                    store.advance(c, id, phase, cursor, new CrmImportStore.PageCounts(records, recorded, unchanged,
                            duplicates, parking == null ? 0 : parking.parked(), refused), clock.instant());
                }
                return new Outcome(fresh, results, known);
            }), Outcome.class);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < outcome.results().size(); i++) {
            intake.count(source, outcome.results().get(i));
        }
        metrics.duplicates(source, outcome.known());
        if (parking != null) {
            parkedRecording.parked(source, parking, parked);
        }
    }

    /** The changes whose source event id is not recorded yet (an import run again, a page read again). */
    private List<StageChange> notRecorded(String source, List<StageChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return changes;
        }
        Set<String> known = new HashSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT source_event_id FROM stage_transition "
                     + "WHERE source = ? AND source_event_id = ANY (?)")) {
            ps.setString(1, source);
            ps.setArray(2, c.createArrayOf("text",
                    changes.stream().map(StageChange::sourceEventId).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
        }
        return changes.stream().filter(ch -> !known.contains(ch.sourceEventId())).toList();
    }
}
