package dev.l2r.lead.webhook;

import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;

import java.util.ArrayList;
import java.util.List;

/** What a sender's payload means: stage changes to record, items refused (by field), items known and ignored. */
public final class WebhookItems {

    /** A refused item; {@code field} names it inside the payload ({@code [2].propertyValue}). */
    public record Refusal(String field, String error, Reason reason) {
    }

    final List<StageChange> changes = new ArrayList<>();
    final List<Refusal> refusals = new ArrayList<>();
    int ignored;

    public void change(StageChange change) {
        changes.add(change);
    }

    public void refuse(RejectedInput e) {
        refusals.add(new Refusal(e.toProblem().field(), e.error(), e.reason()));
    }

    public void refuse(Reason reason, String field, String error) {
        refusals.add(new Refusal(field, error, reason));
    }

    public void ignore() {
        ignored++;
    }

    public List<StageChange> changes() {
        return changes;
    }

    public List<Refusal> refusals() {
        return refusals;
    }

    public int ignored() {
        return ignored;
    }
}
