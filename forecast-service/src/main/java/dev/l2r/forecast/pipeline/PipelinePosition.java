package dev.l2r.forecast.pipeline;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Where one lead stands in the pipeline, read from all its events in event-time order: its current stage,
 * whether it is still open, how it closed, and its latest known deal amount.
 */
public record PipelinePosition(String leadId, String currentStage, Instant currentSince, boolean open,
                               StageOutcome outcome, Instant closedAt, Instant opportunityAt, BigDecimal amount,
                               String currency, String channel, String segment, String owner) {

    public static PipelinePosition of(FunnelDefinition funnel, String leadId, List<LeadStageChanged> events) {
        List<LeadStageChanged> byTime = events.stream()
                .sorted(Comparator.comparing(LeadStageChanged::occurredAt)).toList();
        LeadTimeline timeline = LeadTimeline.of(funnel, byTime.stream()
                .map(e -> new StageObservation(e.eventId(), e.toStage(), e.occurredAt())).toList());
        String stage = timeline.currentStage().orElseThrow();
        boolean open = !funnel.isTerminal(stage);
        StageOutcome outcome = funnel.stage(stage).orElseThrow().outcome();
        Instant since = timeline.currentSince().orElseThrow();
        Instant opportunityAt = timeline.firstEntry(FunnelDefinition.OPPORTUNITY)
                .map(LeadTimeline.Entry::enteredAt).orElse(null);
        LeadStageChanged priced = null;
        for (LeadStageChanged e : byTime) {
            if (e.amount() != null) {
                priced = e;
            }
        }
        LeadStageChanged latest = byTime.get(byTime.size() - 1);
        return new PipelinePosition(leadId, stage, since, open, open ? null : outcome, open ? null : since,
                opportunityAt, priced == null ? null : priced.amount(), priced == null ? null : priced.currency(),
                byTime.stream().map(e -> e.attributes().channel()).filter(java.util.Objects::nonNull).findFirst()
                        .orElse(null),
                latest.attributes().segment(), latest.attributes().owner());
    }
}
