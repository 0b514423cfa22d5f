package dev.l2r.events.timeline;

import java.time.Instant;
import java.util.UUID;

/** One sighting of a lead in a stage at an event time: the part of an event that decides the timeline. */
public record StageObservation(UUID eventId, String stage, Instant occurredAt) {
}
