package dev.l2r.events.funnel;

/** What a terminal stage means for revenue. Non-terminal stages have {@link #OPEN}. */
public enum StageOutcome {
    OPEN,
    WON,
    LOST,
    /** Terminal without a decision either way; left out of win rates. */
    NO_DECISION
}
