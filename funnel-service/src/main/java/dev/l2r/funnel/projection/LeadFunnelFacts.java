package dev.l2r.funnel.projection;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the funnel needs to know about one lead, read from all its events in event-time order: its first
 * entry into each stage, its first-touch channel, and its latest segment and owner.
 */
public record LeadFunnelFacts(String leadId, String channel, String segment, String owner,
                              List<LeadTimeline.Entry> entries) {

    public static LeadFunnelFacts of(FunnelDefinition funnel, String leadId, List<LeadStageChanged> events) {
        List<LeadStageChanged> byTime = events.stream()
                .sorted(Comparator.comparing(LeadStageChanged::occurredAt)).toList();
        List<StageObservation> observations = byTime.stream()
                .map(e -> new StageObservation(e.eventId(), e.toStage(), e.occurredAt())).toList();
        LeadTimeline timeline = LeadTimeline.of(funnel, observations);
        return new LeadFunnelFacts(leadId,
                first(byTime, e -> e.attributes().channel()),
                last(byTime, e -> e.attributes().segment()),
                last(byTime, e -> e.attributes().owner()),
                List.copyOf(timeline.firstEntries()));
    }

    private static String first(List<LeadStageChanged> byTime, Function<LeadStageChanged, String> f) {
        return byTime.stream().map(f).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static String last(List<LeadStageChanged> byTime, Function<LeadStageChanged, String> f) {
        for (int i = byTime.size() - 1; i >= 0; i--) {
            String v = f.apply(byTime.get(i));
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
