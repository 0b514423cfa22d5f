package dev.l2r.lead.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A lead with its history (its moves) in event-time order. Each step's {@code fromStage} and {@code kind} are read from the
 * history as it stands now, so a late event shows where it happened and what it changed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadView(String leadId, String currentStage, Instant currentSince, Instant firstSeenAt,
                       String firstTouchChannel, String lastTouchChannel, LeadAttributes attributes,
                       List<HistoryEntry> history) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryEntry(UUID eventId, String fromStage, String toStage, TransitionKind kind,
                               List<String> skippedStages, Instant occurredAt, Instant recordedAt, String source,
                               String sourceEventId, String rawStage, BigDecimal amount, String currency,
                               LeadAttributes attributes, Long deliveryId) {
    }

    public static LeadView of(LeadRow lead, List<TransitionRow> transitions, FunnelDefinition funnel) {
        Map<UUID, TransitionRow> byId = transitions.stream()
                .collect(Collectors.toMap(TransitionRow::eventId, Function.identity()));
        List<StageObservation> observations = transitions.stream().map(TransitionRow::observation).toList();
        // observations that read as no move (the lead already was in that stage) are not listed
        List<HistoryEntry> history = LeadTimeline.of(funnel, observations).steps().stream()
                .filter(step -> !step.isNoOp()).map(step -> {
            TransitionRow t = byId.get(step.observation().eventId());
            return new HistoryEntry(t.eventId(), step.fromStage(), t.toStage(), step.kind(),
                    step.move() == null ? List.of() : step.move().skippedStages(), t.occurredAt(), t.recordedAt(),
                    t.source(), t.sourceEventId(), t.rawStage(), t.amount(), t.currency(), t.attributes(),
                    t.deliveryId());
        }).toList();
        return new LeadView(lead.leadId(), lead.currentStage(), lead.currentSince(), lead.firstSeenAt(),
                lead.firstTouchChannel(), lead.lastTouchChannel(), lead.attributes(), history);
    }
}
