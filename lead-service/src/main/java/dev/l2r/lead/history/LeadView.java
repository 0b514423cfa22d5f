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
 * history as it stands now, so a late event shows where it happened and what it changed. {@code amount} and
 * {@code currency} are its current deal value, {@code attributes} its current owner, segment...; {@code details}
 * lists the changes of value or attributes recorded without a stage change, in event-time order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadView(String leadId, String currentStage, Instant currentSince, Instant firstSeenAt,
                       String firstTouchChannel, String lastTouchChannel, LeadAttributes attributes,
                       BigDecimal amount, String currency, List<HistoryEntry> history, List<DetailsEntry> details) {

    /** A change of the lead's value or attributes without a stage change (published as LeadDetailsChanged). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DetailsEntry(UUID eventId, Instant occurredAt, Instant recordedAt, String source,
                               String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes,
                               Long deliveryId) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HistoryEntry(UUID eventId, String fromStage, String toStage, TransitionKind kind,
                               List<String> skippedStages, Instant occurredAt, Instant recordedAt, String source,
                               String sourceEventId, String rawStage, BigDecimal amount, String currency,
                               LeadAttributes attributes, Long deliveryId) {
    }

    public static LeadView of(LeadRow lead, List<TransitionRow> transitions, FunnelDefinition funnel) {
        return of(lead, transitions, List.of(), funnel);
    }

    public static LeadView of(LeadRow lead, List<TransitionRow> transitions, List<DetailsRow> detailsRows,
                              FunnelDefinition funnel) {
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
        // dormant details changes (nothing new when they came) are not listed, like observations that are no move
        List<DetailsEntry> details = detailsRows.stream().filter(DetailsRow::published)
                .sorted(java.util.Comparator.comparing(DetailsRow::occurredAt).thenComparing(d -> d.eventId().toString()))
                .map(d -> new DetailsEntry(d.eventId(), d.occurredAt(), d.recordedAt(), d.source(), d.sourceEventId(),
                        d.amount(), d.currency(), d.attributes(), d.deliveryId())).toList();
        return new LeadView(lead.leadId(), lead.currentStage(), lead.currentSince(), lead.firstSeenAt(),
                lead.firstTouchChannel(), lead.lastTouchChannel(), lead.attributes(), lead.amount(), lead.currency(),
                history, details);
    }
}
