package dev.l2r.lead.intake;

import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.history.TransitionRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Set;

/**
 * The single door every intake path records through, one chunk per transaction. Two writers racing on the same
 * source event id or on the first events of one new lead meet a unique constraint, and two chunks may deadlock
 * on leads they both touch; the loser retries its chunk and then sees the winner's rows (a duplicate, or a lead
 * to update) instead of failing.
 */
@ApplicationScoped
public class Intake {

    /** unique_violation, deadlock_detected, serialization_failure */
    private static final Set<String> RETRYABLE = Set.of("23505", "40P01", "40001");
    private static final int ATTEMPTS = 4;

    @Inject
    TransitionRecorder recorder;

    @Inject
    IntakeMetrics metrics;

    @ConfigProperty(name = "l2r.intake.chunk-size")
    int chunkSize;

    public RecordingResult accept(StageChange change) {
        RecordingResult result = record(List.of(change)).get(0);
        count(change.source(), result);
        return result;
    }

    /** Records one chunk in one transaction; results in the order given. */
    public List<RecordingResult> record(List<StageChange> chunk) {
        for (int attempt = 1; ; attempt++) {
            try {
                return recorder.record(chunk);
            } catch (RecordingFailed e) {
                if (attempt == ATTEMPTS || !RETRYABLE.contains(RecordingFailed.sqlState(e))) {
                    throw e;
                }
            }
        }
    }

    /** A run of many changes, recorded chunk by chunk as they are added; {@code source} tags whole-run refusals. */
    public IntakeRun run(String source) {
        return new IntakeRun(this, metrics, source, chunkSize);
    }

    void count(String source, RecordingResult result) {
        if (result.status() == RecordingResult.Status.DUPLICATE) {
            metrics.duplicates(source, 1);
        } else {
            metrics.accepted(source, 1);
        }
    }
}
