package dev.l2r.lead.webhook;

import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sender's payload means: stage changes to record, items parked until their value is mapped, identity links,
 * items refused (by field), items known and ignored.
 */
public final class WebhookItems {

    /** A refused item; {@code field} names it inside the payload ({@code [2].propertyValue}). */
    public record Refusal(String field, String error, Reason reason) {
    }

    /**
     * An authentic item whose value no mapping knows yet (a custom pipeline's stage id, a new lifecycle value):
     * kept to be recorded, in event time, once a mapping for {@code value} of {@code source}'s {@code mappedField}
     * is added; never refused, since the sender cannot fix it by sending again. {@code change} is complete but for
     * its {@code stage} (null); {@code path} names the value inside the payload ({@code [3].propertyValue}).
     */
    public record Parked(StageChange change, String mappedField, String value, String path) {
    }

    final List<StageChange> changes = new ArrayList<>();
    final List<Parked> parked = new ArrayList<>();
    final List<Refusal> refusals = new ArrayList<>();
    final List<Link> links = new ArrayList<>();
    int ignored;

    /**
     * Two of the sender's ids that are one person or one buying group (an alias, a contact associated with a deal,
     * a deal's person, a converted lead): their leads are merged once the delivery's changes are recorded.
     */
    public void link(Link link) {
        links.add(link);
    }

    public List<Link> links() {
        return links;
    }

    public void change(StageChange change) {
        changes.add(change);
    }

    public void refuse(RejectedInput e) {
        refusals.add(new Refusal(e.toProblem().field(), e.error(), e.reason()));
    }

    public void refuse(Reason reason, String field, String error) {
        refusals.add(new Refusal(field, error, reason));
    }

    /** Parks an item whose value is not mapped yet (see {@link Parked}). */
    public void park(StageChange change, String mappedField, String value, String path) {
        parked.add(new Parked(change, mappedField, value, path));
    }

    /** Records {@code change}, or parks it when it has no stage (its value is not mapped: see {@link Parked}). */
    public void changeOrPark(StageChange change, String mappedField, String value, String path) {
        if (change.stage() == null) {
            park(change, mappedField, value, path);
        } else {
            change(change);
        }
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

    public List<Parked> parked() {
        return parked;
    }

    public int ignored() {
        return ignored;
    }
}
