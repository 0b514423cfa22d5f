package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.timeline.StageObservation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code stage_transition} as the recording path reads and writes it. A dormant row ({@code published}
 * false, {@code kind} null) was no move when it arrived and has not been published (yet).
 */
public record TransitionRow(UUID eventId, String leadId, String fromStage, String toStage, TransitionKind kind,
                            List<String> skippedStages, Instant occurredAt, Instant recordedAt, String source,
                            String sourceEventId, String rawStage, BigDecimal amount, String currency,
                            LeadAttributes attributes, Long deliveryId, boolean published) {

    public TransitionRow {
        skippedStages = skippedStages == null ? List.of() : List.copyOf(skippedStages);
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
    }

    public StageObservation observation() {
        return new StageObservation(eventId, toStage, occurredAt);
    }

    /** The event as published: this change's attributes, completed with what the lead is known to have. */
    public LeadStageChanged toEvent(LeadAttributes known) {
        return toEvent(fromStage, kind, skippedStages, known);
    }

    /** The event with the move as it reads now (for a dormant row that a late arrival made a real move). */
    public LeadStageChanged toEvent(String from, TransitionKind moveKind, List<String> skipped, LeadAttributes known) {
        return new LeadStageChanged(eventId, LeadStageChanged.CURRENT_SCHEMA_VERSION, leadId, from, toStage,
                moveKind, skipped, occurredAt, recordedAt, source, sourceEventId, rawStage, amount, currency,
                attributes.orElse(known));
    }

    public TransitionRow publishedNow() {
        return new TransitionRow(eventId, leadId, fromStage, toStage, kind, skippedStages, occurredAt, recordedAt,
                source, sourceEventId, rawStage, amount, currency, attributes, deliveryId, true);
    }
}
