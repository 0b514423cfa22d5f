package dev.l2r.events.funnel;

import dev.l2r.events.TransitionKind;

import java.util.List;

/** The classification of one stage change: its kind and the stages it passed through without being seen in them. */
public record StageMove(TransitionKind kind, List<String> skippedStages) {

    public StageMove {
        skippedStages = List.copyOf(skippedStages);
    }
}
