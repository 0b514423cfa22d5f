package dev.l2r.events.funnel;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One stage of the funnel: a key, its meaning, the trigger everybody agrees on, and whether it ends the pipeline. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageDefinition(String key, String description, String trigger, boolean terminal, StageOutcome outcome) {

    public StageDefinition {
        outcome = outcome == null ? (terminal ? StageOutcome.NO_DECISION : StageOutcome.OPEN) : outcome;
    }

    public static StageDefinition open(String key, String description, String trigger) {
        return new StageDefinition(key, description, trigger, false, StageOutcome.OPEN);
    }

    public static StageDefinition terminal(String key, String description, StageOutcome outcome) {
        return new StageDefinition(key, description, "deal closed", true, outcome);
    }

    public boolean won() {
        return outcome == StageOutcome.WON;
    }
}
