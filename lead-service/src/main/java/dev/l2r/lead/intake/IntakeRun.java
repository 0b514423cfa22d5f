package dev.l2r.lead.intake;

import dev.l2r.lead.history.Alongside;
import dev.l2r.lead.history.RecordingFailed;
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
    private final List<Rejection.Position> positions = new ArrayList<>();
    private final List<Rejection> rejected = new ArrayList<>();
    private long recorded;
    private long unchanged;
    private long duplicates;
    private long rejectedCount;
    private Long deliveryId;
    private Alongside alongside;

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

    /**
     * Rows to write in the transaction of the run's last chunk (a delivery's parked items), so that they and the
     * delivery's changes commit together (all of them, when the delivery fits in one chunk, as webhooks do).
     */
    public IntakeRun alongside(Alongside rows) {
        this.alongside = rows;
        return this;
    }

    /** A change whose place in the body is not known (a webhook's, named by its refusals' field paths). */
    public void accept(StageChange change) {
        accept(new Rejection.Position(null, null), change);
    }

    /**
     * A change to record with the next chunk. It is checked once more here, whatever built it, so that nothing
     * the database would refuse joins a chunk and takes the other items down with it.
     */
    public void accept(Rejection.Position position, StageChange change) {
        try {
            StageChangeFactory.check(change);
        } catch (RejectedInput e) {
            reject(position, e);
            return;
        }
        pending.add(deliveryId == null ? change : change.withDelivery(deliveryId));
        positions.add(position);
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
        flush(alongside);
        return new IntakeReport(recorded + unchanged, recorded, unchanged, duplicates, rejectedCount,
                List.copyOf(rejected), deliveryId, null, null, null);
    }

    private void flush() {
        flush(null);
    }

    private void flush(Alongside with) {
        if (pending.isEmpty() && with == null) {
            return;
        }
        List<StageChange> chunk = List.copyOf(pending);
        List<Rejection.Position> at = List.copyOf(positions);
        pending.clear();
        positions.clear();
        record(chunk, at, with);
    }

    /**
     * Records a chunk. Should the database still refuse one of its rows (whatever the checks missed), the chunk
     * is split in halves and each half recorded on its own, down to the single item at fault, which alone is
     * refused: the others are recorded in their order as if the chunk had gone through, and a streamed import
     * that already committed earlier chunks answers its counts instead of a 500.
     */
    private void record(List<StageChange> chunk, List<Rejection.Position> at, Alongside with) {
        List<RecordingResult> results;
        try {
            results = intake.record(chunk, with);
        } catch (RecordingFailed e) {
            if (!Intake.refusedData(e) || chunk.isEmpty()) {
                throw e;
            }
            if (chunk.size() == 1) {
                reject(at.get(0), "body", Intake.refusal(e), Reason.INVALID);
                if (with != null) {
                    record(List.of(), List.of(), with);
                }
                return;
            }
            // the rows alongside go with the last half, so that they are written once
            int half = chunk.size() / 2;
            record(chunk.subList(0, half), at.subList(0, half), null);
            record(chunk.subList(half, chunk.size()), at.subList(half, at.size()), with);
            return;
        }
        for (int i = 0; i < results.size(); i++) {
            RecordingResult result = results.get(i);
            switch (result.status()) {
                case RECORDED -> recorded++;
                case UNCHANGED -> unchanged++;
                case DUPLICATE -> duplicates++;
            }
            intake.count(chunk.get(i).source(), result);
        }
    }
}
