package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What the forecast learns from, as loaded from the projection: open-state intervals, stage spells, closes and
 * first sightings. {@link #asOf} cuts it at a moment so that nothing with a later event time leaks in: a close
 * corrected after that moment counts with the amount it had then ({@link Close#knownAt}).
 */
public record History(List<OpenInterval> open, List<Spell> spells, List<Close> closes, List<Arrival> arrivals) {

    /** Open intervals and arrivals are kept in lead-id order, whatever order they were loaded in. */
    public History {
        open = open.stream().sorted(Comparator.comparing((OpenInterval i) -> i.lead().leadId())
                .thenComparing(OpenInterval::validFrom)).toList();
        spells = List.copyOf(spells);
        closes = List.copyOf(closes);
        arrivals = arrivals.stream().sorted(Comparator.comparing(Arrival::leadId)).toList();
    }

    /**
     * Everything known at {@code t} (event time ≤ t); open leads and arrivals in lead-id order, so that simulations
     * consume their random numbers in the same order every time.
     */
    public Snapshot asOf(Instant t) {
        return new Snapshot(t,
                open.stream().filter(i -> i.holdsAt(t)).map(OpenInterval::lead).toList(),
                spells.stream().filter(s -> !s.enteredAt().isAfter(t)).toList(),
                closes.stream().filter(c -> !c.closedAt().isAfter(t) && c.knownAt(t)).toList(),
                arrivals.stream().filter(a -> !a.firstSeenAt().isAfter(t)).toList());
    }

    /** When the first lead was seen, or null without any. */
    public Instant firstSeen() {
        Instant first = null;
        for (Arrival a : arrivals) {
            first = first == null || a.firstSeenAt().isBefore(first) ? a.firstSeenAt() : first;
        }
        return first;
    }

    /**
     * Closes with event time in (after, until], each as known at {@code until} (a close corrected later counts with
     * the amount it had then), so that a figure scored at {@code until} reads the same whatever came after it.
     */
    public List<Close> closesBetween(Instant after, Instant until) {
        return closes.stream().filter(c -> c.closedAt().isAfter(after) && !c.closedAt().isAfter(until)
                && c.knownAt(until)).toList();
    }

    /** The history known at one moment. Spells may close later than {@code asOf}; the model censors them there. */
    public record Snapshot(Instant asOf, List<OpenLead> open, List<Spell> spells, List<Close> closes,
                           List<Arrival> arrivals) {
    }
}
