package dev.l2r.lead.intake;

import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Many stage changes from one request (a batch, an import, a webhook delivery): valid items are buffered and
 * recorded a chunk at a time, refused ones are listed with their position, so one bad item never sinks the rest
 * and memory stays bounded by the chunk size whatever the size of the body.
 */
public final class IntakeRun {

    public static final int MAX_LISTED_REJECTIONS = 1000;

    private final Intake intake;
    private final IntakeMetrics metrics;
    private final String source;
    private final int chunkSize;
    private final List<StageChange> pending = new ArrayList<>();
    private final List<Rejection> rejected = new ArrayList<>();
    private long recorded;
    private long unchanged;
    private long duplicates;
    private long rejectedCount;
    private Long deliveryId;

    IntakeRun(Intake intake, IntakeMetrics metrics, String source, int chunkSize) {
        this.intake = intake;
        this.metrics = metrics;
        this.source = source;
        this.chunkSize = chunkSize;
    }

    /** Marks every change of this run as read from a stored webhook delivery. */
    public IntakeRun fromDelivery(long delivery) {
        this.deliveryId = delivery;
        return this;
    }

    public void accept(StageChange change) {
        pending.add(deliveryId == null ? change : change.withDelivery(deliveryId));
        if (pending.size() >= chunkSize) {
            flush();
        }
    }

    public void reject(Rejection.Position position, RejectedInput problem) {
        reject(position, problem.toProblem().field(), problem.error(), problem.reason());
    }

    public void reject(Rejection.Position position, String field, String error, Reason reason) {
        rejectedCount++;
        metrics.rejected(source, reason);
        if (rejected.size() < MAX_LISTED_REJECTIONS) {
            rejected.add(Rejection.at(position, field, error));
        }
    }

    /** Records what is buffered, then answers the counts. */
    public IntakeReport finish() {
        flush();
        return new IntakeReport(recorded + unchanged, recorded, unchanged, duplicates, rejectedCount,
                List.copyOf(rejected), deliveryId, null);
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<RecordingResult> chunk = intake.record(pending);
        for (int i = 0; i < chunk.size(); i++) {
            RecordingResult result = chunk.get(i);
            switch (result.status()) {
                case RECORDED -> recorded++;
                case UNCHANGED -> unchanged++;
                case DUPLICATE -> duplicates++;
            }
            intake.count(pending.get(i).source(), result);
        }
        pending.clear();
    }
}
