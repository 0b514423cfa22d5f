package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What the forecast learns from, as loaded from the projection: open-state intervals, stage spells, closes and
 * first sightings. {@link #asOf} cuts it at a moment so that nothing with a later event time leaks in.
 */
public record History(List<OpenInterval> open, List<Spell> spells, List<Close> closes, List<Arrival> arrivals) {

    /** Everything known at {@code t} (event time ≤ t); open leads in lead-id order, so simulations are repeatable. */
    public Snapshot asOf(Instant t) {
        return new Snapshot(t,
                open.stream().filter(i -> i.holdsAt(t)).map(OpenInterval::lead)
                        .sorted(Comparator.comparing(OpenLead::leadId)).toList(),
                spells.stream().filter(s -> !s.enteredAt().isAfter(t)).toList(),
                closes.stream().filter(c -> !c.closedAt().isAfter(t)).toList(),
                arrivals.stream().filter(a -> !a.firstSeenAt().isAfter(t))
                        .sorted(Comparator.comparing(Arrival::leadId)).toList());
    }

    /** Closes with event time in (after, until]. */
    public List<Close> closesBetween(Instant after, Instant until) {
        return closes.stream().filter(c -> c.closedAt().isAfter(after) && !c.closedAt().isAfter(until)).toList();
    }

    /** The history known at one moment. Spells may close later than {@code asOf}; the model censors them there. */
    public record Snapshot(Instant asOf, List<OpenLead> open, List<Spell> spells, List<Close> closes,
                           List<Arrival> arrivals) {
    }
}
