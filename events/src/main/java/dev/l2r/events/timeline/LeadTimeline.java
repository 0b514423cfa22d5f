package dev.l2r.events.timeline;

import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageMove;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lead's history read in event-time order, whatever order its events arrived in: every step with its
 * classification, and the first entry into each stage (net-new), where stages passed over by a skip count as
 * entered at the time of the move that skipped them.
 *
 * <p>Ties in event time are read in funnel order (forward progress first), then by stage name (two outcomes of
 * one rank, say won and lost at the same instant), then by event id, so the same set of events always gives the
 * same timeline — whatever order they arrived in, since event ids are drawn on arrival.
 */
public final class LeadTimeline {

    /** One observation in its place, with what it meant there. A no-op (same stage again) has a null move. */
    public record Step(StageObservation observation, String fromStage, StageMove move) {
        public boolean isNoOp() {
            return move == null;
        }

        public TransitionKind kind() {
            return move == null ? null : move.kind();
        }
    }

    /** First entry into a stage; {@code skipped} when the lead passed through it without being seen there. */
    public record Entry(String stage, Instant enteredAt, boolean skipped) {
    }

    private final List<Step> steps;
    private final Map<String, Entry> firstEntries;

    private LeadTimeline(List<Step> steps, Map<String, Entry> firstEntries) {
        this.steps = steps;
        this.firstEntries = firstEntries;
    }

    /** Reads the observations of one lead; duplicates by event id count once. Unknown stages are ignored. */
    public static LeadTimeline of(FunnelDefinition funnel, Collection<StageObservation> observations) {
        Map<Object, StageObservation> unique = new LinkedHashMap<>();
        for (StageObservation o : observations) {
            if (funnel.contains(o.stage())) {
                unique.putIfAbsent(o.eventId() != null ? o.eventId() : o, o);
            }
        }
        List<StageObservation> ordered = new ArrayList<>(unique.values());
        ordered.sort(Comparator.comparing(StageObservation::occurredAt)
                .thenComparing(o -> funnel.rank(o.stage()) < 0 ? Integer.MAX_VALUE : funnel.rank(o.stage()))
                .thenComparing(StageObservation::stage)
                .thenComparing(o -> o.eventId() == null ? "" : o.eventId().toString()));

        List<Step> steps = new ArrayList<>(ordered.size());
        Map<String, Entry> entries = new LinkedHashMap<>();
        String current = null;
        for (StageObservation o : ordered) {
            Optional<StageMove> move = funnel.classify(current, o.stage());
            steps.add(new Step(o, current, move.orElse(null)));
            if (move.isEmpty()) {
                continue;
            }
            for (String passed : move.get().skippedStages()) {
                entries.putIfAbsent(passed, new Entry(passed, o.occurredAt(), true));
            }
            entries.putIfAbsent(o.stage(), new Entry(o.stage(), o.occurredAt(), false));
            current = o.stage();
        }
        return new LeadTimeline(List.copyOf(steps), entries);
    }

    public List<Step> steps() {
        return steps;
    }

    /** First entries in the order they happened. */
    public Collection<Entry> firstEntries() {
        return firstEntries.values();
    }

    public Optional<Entry> firstEntry(String stage) {
        return Optional.ofNullable(firstEntries.get(stage));
    }

    /** The stage the lead is in after its latest event, if it has any. */
    public Optional<String> currentStage() {
        return lastMove().map(s -> s.observation().stage());
    }

    /** When the lead entered its current stage (the latest real move). */
    public Optional<Instant> currentSince() {
        return lastMove().map(s -> s.observation().occurredAt());
    }

    public long recycles() {
        return steps.stream().filter(s -> s.kind() == TransitionKind.RECYCLE).count();
    }

    private Optional<Step> lastMove() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (!steps.get(i).isNoOp()) {
                return Optional.of(steps.get(i));
            }
        }
        return Optional.empty();
    }
}
