package dev.l2r.funnel.core;

import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the funnel knows about one lead, read from all its events in event-time order (so arrival order and
 * redelivery never matter): its first entry into each stage (skipped-through stages included, flagged), for
 * each entered stage A and each later stage B the first time at or after entering A that it reached B or a
 * stage beyond B, its current stage, and its segmenting attributes: the first-touch channel, the latest
 * segment, owner and campaign. A details change ({@link dev.l2r.events.LeadDetailsChanged}) counts for the attributes exactly
 * as a stage change's attributes do, in event-time order among them; it moves no stage.
 */
public record LeadFacts(String leadId, String channel, String segment, String owner, String campaign,
                        List<LeadTimeline.Entry> entries, List<Reach> reaches,
                        String currentStage, Instant currentSince) {

    /**
     * Lead entered {@code fromStage} (first entry, at {@code enteredAt}) and reached {@code toStage} or beyond
     * at {@code reachedAt}, not before it entered {@code fromStage}.
     */
    public record Reach(String fromStage, String toStage, Instant enteredAt, boolean skipped, Instant reachedAt) {
        public long velocityMicros() {
            return Velocity.micros(enteredAt, reachedAt);
        }
    }

    private record Arrival(String stage, Instant at) {
    }

    private static final Comparator<LeadEvent> BY_TIME = Comparator.comparing(LeadEvent::occurredAt)
            .thenComparing(e -> String.valueOf(e.eventId()));

    public static LeadFacts of(FunnelDefinition funnel, String leadId, List<? extends LeadEvent> events) {
        List<LeadEvent> byTime = events.stream().sorted(BY_TIME).map(LeadEvent.class::cast).toList();
        LeadTimeline timeline = LeadTimeline.of(funnel, byTime.stream()
                .filter(LeadStageChanged.class::isInstance).map(LeadStageChanged.class::cast)
                .map(e -> new StageObservation(e.eventId(), e.toStage(), e.occurredAt())).toList());

        List<Arrival> arrivals = new ArrayList<>();
        for (LeadTimeline.Step step : timeline.steps()) {
            if (!step.isNoOp()) {
                Instant at = step.observation().occurredAt();
                step.move().skippedStages().forEach(s -> arrivals.add(new Arrival(s, at)));
                arrivals.add(new Arrival(step.observation().stage(), at));
            }
        }
        List<Reach> reaches = new ArrayList<>();
        for (LeadTimeline.Entry entry : timeline.firstEntries()) {
            for (String target : Stages.targets(funnel, entry.stage())) {
                arrivals.stream()
                        .filter(a -> !a.at().isBefore(entry.enteredAt()) && funnel.isAtOrBeyond(a.stage(), target))
                        .findFirst()
                        .ifPresent(a -> reaches.add(
                                new Reach(entry.stage(), target, entry.enteredAt(), entry.skipped(), a.at())));
            }
        }
        return new LeadFacts(leadId,
                first(byTime, e -> e.attributes().channel()),
                last(byTime, e -> e.attributes().segment()),
                last(byTime, e -> e.attributes().owner()),
                last(byTime, e -> e.attributes().campaign()),
                List.copyOf(timeline.firstEntries()), List.copyOf(reaches),
                timeline.currentStage().orElse(null), timeline.currentSince().orElse(null));
    }

    private static String first(List<LeadEvent> byTime, Function<LeadEvent, String> f) {
        return byTime.stream().map(f).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static String last(List<LeadEvent> byTime, Function<LeadEvent, String> f) {
        for (int i = byTime.size() - 1; i >= 0; i--) {
            String v = f.apply(byTime.get(i));
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
