package dev.l2r.lead.intake;

import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.history.TransitionRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.SQLException;

/**
 * The single door every intake path records through. Two senders racing with the same source event id, or
 * two first events of one new lead, meet a unique constraint; the loser retries once and then sees the
 * winner's row, so it is answered as a duplicate instead of failing.
 */
@ApplicationScoped
public class Intake {

    @Inject
    TransitionRecorder recorder;

    public RecordingResult accept(StageChange change) {
        try {
            return recorder.record(change);
        } catch (RuntimeException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            return recorder.record(change);
        }
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
