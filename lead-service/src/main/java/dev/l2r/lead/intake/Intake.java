package dev.l2r.lead.intake;

import dev.l2r.lead.history.Alongside;
import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.recording.TransitionRecorder;
import dev.l2r.platform.retry.Retries;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * The single door every intake path records through, one chunk per transaction. Two writers racing on the same
 * source event id or on the first events of one new lead meet a unique constraint, and two chunks may deadlock
 * on leads they both touch; the loser retries its chunk and then sees the winner's rows (a duplicate, or a lead
 * to update) instead of failing.
 */
@ApplicationScoped
public class Intake {

    private static final Logger LOG = Logger.getLogger(Intake.class);

    private static final int ATTEMPTS = 4;

    @Inject
    TransitionRecorder recorder;

    @Inject
    IntakeMetrics metrics;

    @ConfigProperty(name = "l2r.intake.chunk-size")
    int chunkSize;

    /** A lost race is tried again at once: the winner has committed by the time the loser sees the conflict. */
    private Guard racesRetried;

    @PostConstruct
    void guard() {
        racesRetried = Retries.attempts("recording a chunk", ATTEMPTS, RecordingFailed::lostRace, Duration.ZERO);
    }

    /** One change on its own (the single-transition endpoint): refused data is a 400, never a 500. */
    public RecordingResult accept(StageChange change) {
        RecordingResult result;
        try {
            result = record(List.of(StageChangeFactory.check(change))).get(0);
        } catch (RecordingFailed e) {
            if (!refusedData(e)) {
                throw e;
            }
            throw RejectedInput.badRequest(Reason.INVALID, "body", refusal(e));
        }
        count(change.source(), result);
        return result;
    }

    /**
     * Whether the database refused the data itself (SQLSTATE class 22 data exception, class 23 integrity
     * violation other than the unique races retried above, class 54 limits such as an index row too large): the
     * same rows would be refused again, so the caller finds the item at fault instead of failing the request.
     * A database that is down or busy is not this.
     */
    public static boolean refusedData(RecordingFailed e) {
        String state = RecordingFailed.sqlState(e);
        return state != null && !RecordingFailed.isRace(state)
                && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    /** What a client is told of such a refusal: the SQLSTATE, not the database's text (it names our tables). */
    static String refusal(RecordingFailed e) {
        LOG.warnf("the database refused an item (SQLSTATE %s)", RecordingFailed.sqlState(e));
        LOG.debugf("the database refused an item: %s", e.getMessage());
        return "was refused by the database (SQLSTATE " + RecordingFailed.sqlState(e) + ")";
    }

    /** Records one chunk in one transaction; results in the order given. */
    public List<RecordingResult> record(List<StageChange> chunk) {
        return record(chunk, null);
    }

    /** As {@link #record(List)}, with rows of the caller's written in the same transaction. */
    public List<RecordingResult> record(List<StageChange> chunk, Alongside alongside) {
        try {
            @SuppressWarnings("unchecked")
            List<RecordingResult> results = racesRetried.call(() -> recorder.record(chunk, alongside), List.class);
            return results;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        }
    }

    /** A run of many changes, recorded chunk by chunk as they are added; {@code source} tags whole-run refusals. */
    public IntakeRun run(String source) {
        return new IntakeRun(this, metrics, source, chunkSize);
    }

    /** Items of a retried delivery whose person was erased: counted as the duplicates they are. */
    public void repeatsOfErased(String source, long items) {
        if (items > 0) {
            metrics.duplicates(source, items);
        }
    }

    public void count(String source, RecordingResult result) {
        if (result.status() == RecordingResult.Status.DUPLICATE) {
            metrics.duplicates(source, 1);
        } else {
            metrics.accepted(source, 1);
        }
    }
}
