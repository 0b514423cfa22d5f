package dev.l2r.events;

/** How a stage change relates to the stage the lead was in just before it, in event-time order. */
public enum TransitionKind {
    /** First sighting of a lead, or a move to the next non-terminal stage. */
    ADVANCE,
    /** A forward move that jumped over one or more stages; they are listed in {@code skippedStages}. */
    SKIP,
    /** A backward move, including a closed lead re-opening. Recorded, never dropped. */
    RECYCLE,
    /** A move into a terminal stage (won, lost, no decision). */
    CLOSE
}
