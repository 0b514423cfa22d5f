package dev.l2r.platform.consume;

import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.LeadsMerged;

import java.util.UUID;

/**
 * What a consumer keeps of an erased lead's events: the values its aggregates were counted from (stages, times,
 * amounts, attributes), under a random surrogate lead id that appears nowhere else, never on the topic; nothing
 * that ties them to the person (the lead id, an absorbed lead's id, the sender's event id, the sender's raw stage).
 * The event id stays, so a redelivery or a replay of the event is still known as applied.
 */
public final class ErasedEvents {

    /** Surrogate lead ids begin with this; lists of leads leave them out. */
    public static final String PREFIX = "erased:";

    private ErasedEvents() {
    }

    /** A fresh surrogate: random, so that nothing can derive it from the erased lead or its events. */
    public static String surrogate() {
        return PREFIX + UUID.randomUUID();
    }

    public static boolean isSurrogate(String leadId) {
        return leadId != null && leadId.startsWith(PREFIX);
    }

    /** The event as kept once its lead is erased: under {@code surrogate}, without sender-specific values. */
    public static LeadEvent cutLoose(LeadEvent event, String surrogate) {
        if (event instanceof LeadStageChanged e) {
            return new LeadStageChanged(e.eventId(), e.schemaVersion(), surrogate, e.fromStage(), e.toStage(), e.kind(),
                    e.skippedStages(), e.occurredAt(), e.recordedAt(), e.source(), null, null, e.amount(), e.currency(),
                    e.attributes());
        }
        if (event instanceof LeadDetailsChanged e) {
            return new LeadDetailsChanged(e.eventId(), e.schemaVersion(), surrogate, e.occurredAt(), e.recordedAt(),
                    e.source(), null, e.amount(), e.currency(), e.attributes());
        }
        if (event instanceof LeadsMerged e) {
            // the absorbed id was the person's too: it gets a surrogate of its own (a merge joins two ids)
            return new LeadsMerged(e.eventId(), e.schemaVersion(), surrogate, surrogate(), e.occurredAt(),
                    e.recordedAt(), e.source(), null, e.linkedBy());
        }
        LeadErased e = (LeadErased) event;
        return new LeadErased(e.eventId(), e.schemaVersion(), surrogate, e.occurredAt(), e.recordedAt(), e.source());
    }
}
