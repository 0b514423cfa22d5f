package dev.l2r.platform.pipeline;

import dev.l2r.events.LeadEvent;
import dev.l2r.platform.ops.ProjectionMonitor;
import dev.l2r.platform.problem.DatabaseFailures;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.retry.Retries;
import dev.l2r.platform.trace.RecordSpans;
import dev.l2r.platform.trace.TraceContext;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way a consumer turns a poll of lead-stage-changed into its projection:
 * <ol>
 * <li>records a replay already holds are passed over unread ({@link Projection.ReplayPoint});</li>
 * <li>every other record is checked ({@link RecordCheck}); those refused are sent to the dead-letter topic;</li>
 * <li>the rest are applied by the service's {@link Projection} in one transaction, which also files the dead
 * letters ({@link #applyStep}, the one place records reach a projection);</li>
 * <li>a failure the database will get over ({@link Failures#waits}) is waited out, however long it lasts; any
 * other failure is narrowed down to the records at fault by halving the batch, each half in a transaction of
 * its own; a record that fails on its own {@code l2r.consumer.max-attempts} times is set aside with its reason,
 * and the rest are applied.</li>
 * </ol>
 * Polls run on the pipeline's own threads, never on a Vert.x thread: a wait of minutes (an outage, a rebuild
 * holding the projection lock) blocks no event loop or worker and trips no blocked-thread warning. The channel
 * is acknowledged only when every record of the poll is applied, passed over or set aside, so offsets commit
 * only then; nothing fails the channel short of shutting down. Made at start-up, so that its metrics are there
 * before the first poll.
 */
@Startup
@ApplicationScoped
public class Pipeline {

    private static final Logger LOG = Logger.getLogger(Pipeline.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);

    @Inject
    Projection projection;

    @Inject
    DeadLetters deadLetters;

    @Inject
    ProjectionMonitor monitor;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    @Inject
    RecordSpans spans;

    /** How often a record may fail on its own before it is set aside. */
    @ConfigProperty(name = "l2r.consumer.max-attempts")
    int maxAttempts;

    /** Longest pause between two tries while a failure is waited out. */
    @ConfigProperty(name = "l2r.consumer.max-backoff")
    Duration maxBackoff;

    @ConfigProperty(name = "mp.messaging.incoming.lead-stage-changed.topic")
    String topic;

    private ExecutorService threads;
    private Guard untilDatabaseTakesIt;
    private Guard aloneAgain;
    private Guard untilDone;
    private Counter applied;
    private Counter duplicates;
    private Counter passedOver;
    private Counter waits;
    private Counter recordRetries;
    private Timer batches;

    @PostConstruct
    void start() {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("l2r.consumer.max-attempts must be at least 1, not " + maxAttempts);
        }
        AtomicInteger n = new AtomicInteger();
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, projection.name() + "-pipeline-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        String name = projection.name();
        untilDatabaseTakesIt = Retries.waitOut(name + " pipeline: waiting for the database", Failures::waits,
                FIRST_PAUSE, maxBackoff, this::waiting);
        aloneAgain = maxAttempts == 1 ? null : Retries.attempts(name + " pipeline: one record again",
                maxAttempts - 1, e -> true, Duration.ofMillis(200), e -> recordRetries.increment());
        // reading and forgetting the replay point: only a bug could fail it for good, and that is waited out too
        untilDone = Retries.waitOut(name + " pipeline: the replay point", e -> true, FIRST_PAUSE, maxBackoff,
                this::waiting);
        applied = counter("l2r.consumer.events.applied", "new events applied to the projection");
        duplicates = counter("l2r.consumer.events.duplicate", "events applied again that changed nothing");
        passedOver = counter("l2r.consumer.events.passed.over", "records passed over unread: a replay holds them");
        waits = Counter.builder("l2r.consumer.retries").tag("projection", name).tag("cause", "database")
                .description("tries again after a failure that was waited out, or held against a record")
                .register(registry);
        recordRetries = Counter.builder("l2r.consumer.retries").tag("projection", name).tag("cause", "record")
                .description("tries again after a failure that was waited out, or held against a record")
                .register(registry);
        batches = Timer.builder("l2r.consumer.batch").tag("projection", name)
                .description("time to apply one poll, waits included").register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).tag("projection", projection.name()).description(description).register(registry);
    }

    @PreDestroy
    void stop() {
        threads.shutdownNow();
    }

    /** Runs a poll on the pipeline's threads; completes when every record is applied, passed over or set aside. */
    public CompletionStage<Void> submit(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> polled = new ArrayList<>(records.count());
        records.forEach(polled::add);
        return CompletableFuture.runAsync(() -> {
            try {
                process(polled);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException("shutting down", e);
            }
        }, threads);
    }

    /** One poll, on the calling thread. */
    public void process(List<ConsumerRecord<String, String>> records) throws InterruptedException {
        long start = System.nanoTime();
        Projection.ReplayPoint replay = projection.replayPoint();
        Map<Integer, Long> held = replay == null ? Map.of() : waitingFor(c -> replay.read(c, topic));
        List<Item> good = new ArrayList<>(records.size());
        List<DeadLetter> refused = new ArrayList<>();
        Map<Integer, Long> reached = new HashMap<>();
        int skipped = 0;
        for (ConsumerRecord<String, String> r : records) {
            reached.merge(r.partition(), r.offset() + 1, Math::max);
            if (r.offset() < held.getOrDefault(r.partition(), 0L)) {
                skipped++;
                continue;
            }
            RecordCheck.Checked checked = RecordCheck.check(r);
            if (checked.ok()) {
                good.add(new Item(r, checked.event()));
            } else {
                refused.add(DeadLetter.of(r, checked.refusal(), DeadLetters.FOUND_BY_CONSUMER, 0));
            }
        }
        deadLetters.publish(refused);
        Exception failure = tryApply(good, refused);
        if (failure != null) {
            deadLetters.fileAlone(refused);
            setAside(refused);
            if (!good.isEmpty()) {
                LOG.warnf("%s: a poll of %d events failed (%s); looking for the records at fault", projection.name(),
                        good.size(), Failures.describe(failure));
                isolate(good, failure);
            }
        }
        passedOver.increment(skipped);
        if (replay != null) {
            reached.entrySet().removeIf(e -> e.getValue() < held.getOrDefault(e.getKey(), Long.MAX_VALUE));
            if (!reached.isEmpty()) {
                waitingFor(c -> {
                    replay.passed(c, topic, reached);
                    return null;
                });
            }
        }
        batches.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /**
     * Applies records that failed together: each half on its own, and so on down to the record at fault. A
     * record that fails alone counts its first attempt here.
     */
    private void isolate(List<Item> items, Exception failure) throws InterruptedException {
        if (items.size() == 1) {
            tryAlone(items.get(0), failure);
            return;
        }
        int half = items.size() / 2;
        for (List<Item> part : List.of(items.subList(0, half), items.subList(half, items.size()))) {
            Exception f = tryApply(part, List.of());
            if (f != null) {
                isolate(part, f);
            }
        }
    }

    /** A record that failed on its own: tried again up to max-attempts in all, then set aside with the last cause. */
    private void tryAlone(Item item, Exception first) throws InterruptedException {
        Exception last = first;
        if (aloneAgain != null) {
            try {
                aloneAgain.call(() -> {
                    Exception f = tryApply(List.of(item), List.of());
                    if (f != null) {
                        throw f;
                    }
                    return null;
                }, Void.class);
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
        }
        Refusal refusal = new Refusal(Refusal.Reason.APPLY_FAILED,
                "projection failed " + maxAttempts + " times: " + Failures.describe(last));
        DeadLetter letter = DeadLetter.of(item.record(), refusal, DeadLetters.FOUND_BY_CONSUMER, maxAttempts);
        deadLetters.publish(List.of(letter));
        deadLetters.fileAlone(List.of(letter));
        setAside(List.of(letter));
    }

    /**
     * Applies and files in one transaction, waiting out what {@link Failures#waits}; any other failure is
     * returned, nothing of the attempt having been kept.
     */
    private Exception tryApply(List<Item> items, List<DeadLetter> letters) throws InterruptedException {
        if (items.isEmpty() && letters.isEmpty()) {
            return null;
        }
        try {
            int fresh = untilDatabaseTakesIt.call(() -> applyStep(items, letters, null), Integer.class);
            applied.increment(fresh);
            duplicates.increment(items.size() - fresh);
            setAside(letters);
            return null;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return e;
        }
    }

    /** Dead letters filed: counted, and each in its record's trace. */
    private void setAside(List<DeadLetter> letters) {
        deadLetters.counted(letters);
        for (DeadLetter letter : letters) {
            spans.deadLettered(TraceContext.of(letter.headers()), letter.topic(), letter.partition(), letter.offset(),
                    letter.key(), letter.payload(), letter.refusal().detail());
        }
    }

    /** More work of the same transaction, after the projection's. */
    @FunctionalInterface
    private interface InTransaction {
        void run(Connection c) throws SQLException;
    }

    /**
     * The apply step: the one place records reach the projection. One transaction applies these records' events,
     * files these dead letters and does {@code also} (a replay marks its dead letter), all committed together or
     * not at all. Each record's attempt is a span in the trace its headers carry ({@link RecordSpans}): applied, or
     * an error with the exception.
     *
     * @return how many events were new
     */
    private int applyStep(List<Item> items, List<DeadLetter> letters, InTransaction also) throws SQLException {
        List<LeadEvent> events = new ArrayList<>(items.size());
        List<ConsumerRecord<String, String>> records = new ArrayList<>(items.size());
        for (Item i : items) {
            events.add(i.event());
            if (i.record() != null) {
                records.add(i.record());
            }
        }
        try (RecordSpans.Batch traced = spans.start(records, items.size())) {
            try {
                return applyInTransaction(events, letters, also);
            } catch (SQLException | RuntimeException e) {
                traced.failed(e);
                throw e;
            }
        }
    }

    private int applyInTransaction(List<LeadEvent> events, List<DeadLetter> letters, InTransaction also)
            throws SQLException {
        int[] fresh = new int[1];
        monitor.apply(events, () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    fresh[0] = events.isEmpty() ? 0 : projection.apply(c, events);
                    deadLetters.file(c, letters);
                    if (also != null) {
                        also.run(c);
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException lost) {
                        e.addSuppressed(lost);
                    }
                    throw e;
                } finally {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException broken) {
                        LOG.debugf("connection lost after a transaction: %s", broken.getMessage());
                    }
                }
            }
        });
        return fresh[0];
    }

    /**
     * Re-drives a dead letter through the pipeline, once: the same check, then the same apply step, which marks it
     * replayed in the transaction that applies it. Refused again, it stays open with the new reason. A database
     * that cannot be reached is thrown (a 503); it is not held against the record.
     */
    public DeadLetterView.Replay replay(long id) throws SQLException {
        DeadLetterView letter;
        try (Connection c = dataSource.getConnection()) {
            letter = DeadLetterTable.one(c, projection.name(), id, false)
                    .orElseThrow(() -> ProblemException.notFound("no dead letter " + id));
        }
        if (DeadLetterView.REPLAYED.equals(letter.status())) {
            throw ProblemException.conflict("dead letter " + id + " was replayed at " + letter.replayedAt());
        }
        RecordCheck.Checked checked = RecordCheck.check(letter.record().payload(),
                RecordCheck.type(letter.record().headers()));
        if (!checked.ok()) {
            return refusedAgain(id, checked.refusal(), 0);
        }
        int fresh;
        try {
            fresh = applyStep(List.of(new Item(null, checked.event())), List.of(), c -> {
                DeadLetterView locked = DeadLetterTable.one(c, projection.name(), id, true).orElse(null);
                if (locked == null) {
                    return; // the event was its lead's erasure, which deletes the lead's dead letters, this one too
                }
                if (DeadLetterView.REPLAYED.equals(locked.status())) {
                    throw ProblemException.conflict("dead letter " + id + " was replayed at " + locked.replayedAt());
                }
                DeadLetterTable.replayed(c, id);
            });
        } catch (ProblemException e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            if (Failures.waits(e)) {
                throw e; // not the record's: a 503 while the database is away, a 500 otherwise
            }
            return refusedAgain(id, new Refusal(Refusal.Reason.APPLY_FAILED,
                    "projection failed on replay: " + Failures.describe(e)), 1);
        }
        applied.increment(fresh);
        duplicates.increment(1 - fresh);
        deadLetters.refresh();
        LOG.infof("dead letter %d replayed into the %s projection (%d new event)", id, projection.name(), fresh);
        try (Connection c = dataSource.getConnection()) {
            // none left when the replayed event erased its lead (and so its dead letters)
            return new DeadLetterView.Replay("applied", fresh, DeadLetterTable.one(c, projection.name(), id, false)
                    .orElse(null));
        }
    }

    private DeadLetterView.Replay refusedAgain(long id, Refusal refusal, int attempts) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            DeadLetterTable.refusedAgain(c, id, refusal, attempts);
            LOG.warnf("dead letter %d refused again by the %s projection: %s", id, projection.name(), refusal.detail());
            return new DeadLetterView.Replay("refused", 0, DeadLetterTable.one(c, projection.name(), id, false)
                    .orElseThrow());
        }
    }

    /** A page of dead letters, oldest first. */
    public DeadLetterView.Page list(String status, long after, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<DeadLetterView> page = DeadLetterTable.list(c, projection.name(), status, after, limit + 1);
            Long next = page.size() > limit ? page.get(limit - 1).id() : null;
            return new DeadLetterView.Page(DeadLetterTable.open(c), page.subList(0, Math.min(limit, page.size())),
                    next);
        }
    }

    public DeadLetterView one(long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return DeadLetterTable.one(c, projection.name(), id, false)
                    .orElseThrow(() -> ProblemException.notFound("no dead letter " + id));
        }
    }

    /** Work on a connection of its own, waiting out what {@link Failures#waits}. */
    @FunctionalInterface
    private interface OnConnection<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T waitingFor(OnConnection<T> work) throws InterruptedException {
        try {
            @SuppressWarnings("unchecked")
            T result = (T) untilDone.call(() -> {
                try (Connection c = dataSource.getConnection()) {
                    return work.run(c);
                }
            }, Object.class);
            return result;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    private void waiting(Throwable failure) {
        waits.increment();
        if (DatabaseFailures.classify(failure) == DatabaseFailures.Kind.UNAVAILABLE) {
            LOG.warnf("%s pipeline: the database is unavailable (%s); trying again", projection.name(),
                    Failures.describe(failure));
        } else {
            LOG.errorf("%s pipeline: the database refuses every record alike (%s); waiting for it to be fixed",
                    projection.name(), Failures.describe(failure));
        }
    }

    /** A record that passed the check, with its event. */
    private record Item(ConsumerRecord<String, String> record, LeadEvent event) {
    }
}
