package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What the forecast learns from, as loaded from the projection: open-state intervals, stage spells, closes and
 * first sightings. {@link #asOf} cuts it at a moment so that nothing with a later event time leaks in: a close
 * corrected after that moment counts with the amount it had then ({@link Close#knownAt}).
 */
public record History(List<OpenInterval> open, List<Spell> spells, List<Close> closes, List<Arrival> arrivals) {

    /**
     * Open intervals and arrivals are kept in the order of what they hold, then of lead id, whatever order they were
     * loaded in: so a lead re-keyed without a change (an erased lead's rows, moved to a random surrogate) keeps its
     * place, and the simulation its numbers; only leads alike in everything but their ids are ordered by id, and
     * swapping those changes no figure.
     */
    public History {
        open = open.stream().sorted(OPEN_ORDER).toList();
        spells = List.copyOf(spells);
        closes = List.copyOf(closes);
        arrivals = arrivals.stream().sorted(ARRIVAL_ORDER).toList();
    }

    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<LeadAttributes> ATTRIBUTES = Comparator.comparing(LeadAttributes::channel, TEXT)
            .thenComparing(LeadAttributes::segment, TEXT).thenComparing(LeadAttributes::owner, TEXT)
            .thenComparing(LeadAttributes::campaign, TEXT);

    /** The order open intervals are kept in (above); a caller that keeps them sorted this way is not re-sorted. */
    public static final Comparator<OpenInterval> OPEN_ORDER = Comparator
            .comparing((OpenInterval i) -> i.lead().stageSince())
            .thenComparing(i -> i.lead().stage())
            .thenComparing(i -> i.lead().amount(), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(i -> i.lead().currency(), TEXT)
            .thenComparing(i -> i.lead().attributes(), ATTRIBUTES)
            .thenComparing(OpenInterval::validFrom)
            .thenComparing(i -> i.lead().leadId());

    /** The order arrivals are kept in (above). */
    public static final Comparator<Arrival> ARRIVAL_ORDER = Comparator.comparing(Arrival::firstSeenAt)
            .thenComparing(Arrival::stage).thenComparing(Arrival::attributes, ATTRIBUTES)
            .thenComparing(Arrival::leadId);

    /**
     * Everything known at {@code t} (event time ≤ t); open leads and arrivals in one order (above), so that simulations
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
