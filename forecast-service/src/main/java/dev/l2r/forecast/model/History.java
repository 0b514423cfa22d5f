package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What the forecast learns from, as loaded from the projection: open-state intervals, stage spells, closes and
 * first sightings. {@link #asOf} cuts it at a moment so that nothing with a later event time leaks in: a close
 * corrected after that moment counts with the amount it had then ({@link Close#knownAt}).
 */
public final class History {

    private final List<OpenInterval> open;
    private final List<Spell> spells;
    private final List<Close> closes;
    private final List<Arrival> arrivals;
    /** What models learned on the rows before these, at moments no change since reached ({@link #carryLearnedFrom}). */
    private final Map<Learned.Key, Learned> carried = new java.util.concurrent.ConcurrentHashMap<>();
    /** Built on first use and kept with these rows: every model trained on them, at any moment, shares it. */
    private final Lazy<HistoryIndex> index = new Lazy<>(() -> new HistoryIndex(this));
    /** The same, for {@link Kpis} over any period. */
    private final Lazy<KpiIndex> kpiIndex = new Lazy<>(() -> new KpiIndex(this));

    /**
     * Open intervals and arrivals are kept in the order of what they hold, then of lead id, whatever order they were
     * loaded in: so a lead re-keyed without a change (an erased lead's rows, moved to a random surrogate) keeps its
     * place, and the simulation its numbers; only leads alike in everything but their ids are ordered by id, and
     * swapping those changes no figure.
     */
    public History(List<OpenInterval> open, List<Spell> spells, List<Close> closes, List<Arrival> arrivals) {
        this(open, spells, closes, arrivals, false);
    }

    private History(List<OpenInterval> open, List<Spell> spells, List<Close> closes, List<Arrival> arrivals,
                    boolean sorted) {
        this.open = sorted ? List.copyOf(open) : open.stream().sorted(OPEN_ORDER).toList();
        this.spells = List.copyOf(spells);
        this.closes = List.copyOf(closes);
        this.arrivals = sorted ? List.copyOf(arrivals) : arrivals.stream().sorted(ARRIVAL_ORDER).toList();
    }

    /**
     * The same from open intervals already in {@link #OPEN_ORDER} and arrivals in {@link #ARRIVAL_ORDER}, as a
     * caller keeping them in sets so ordered has them: checking a million rows' order again costs a million
     * comparisons of many fields, on every change.
     */
    public static History ofSorted(List<OpenInterval> sortedOpen, List<Spell> spells, List<Close> closes,
                                   List<Arrival> sortedArrivals) {
        return new History(sortedOpen, spells, closes, sortedArrivals, true);
    }

    public List<OpenInterval> open() {
        return open;
    }

    public List<Spell> spells() {
        return spells;
    }

    public List<Close> closes() {
        return closes;
    }

    public List<Arrival> arrivals() {
        return arrivals;
    }

    /** The same rows kept for training at any moment without sorting them again (built once, on first use). */
    HistoryIndex index() {
        return index.get();
    }

    /** Builds the training index and every part of it now instead of on first use: for benchmarks that time it. */
    public void buildIndex() {
        index().buildAll();
    }

    /**
     * Takes over what models learned on {@code previous}, the rows before a change, at moments before
     * {@code changedFrom} (the earliest event time the change reached; null: it reached none): these rows as known
     * then are those rows, so they teach the same. Without it, each change to a large history meant learning the
     * day again from every row.
     */
    public void carryLearnedFrom(History previous, Instant changedFrom) {
        HistoryIndex old = previous.index.ifBuilt();
        if (old == null) {
            return;
        }
        old.learnedKept().forEach((key, learned) -> {
            if (changedFrom == null || key.at().isBefore(changedFrom)) {
                carried.put(key, learned.rebasedOn(this));
            }
        });
    }

    /** What was learned on the rows before these at {@code key}'s moment and carried over, or null. */
    Learned carried(Learned.Key key) {
        return carried.get(key);
    }

    /** These rows arranged for {@link Kpis} over any period (built once, on first use). */
    public KpiIndex kpiIndex() {
        return kpiIndex.get();
    }

    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<LeadAttributes> ATTRIBUTES = Comparator.comparing(LeadAttributes::channel, TEXT)
            .thenComparing(LeadAttributes::segment, TEXT).thenComparing(LeadAttributes::owner, TEXT)
            .thenComparing(LeadAttributes::campaign, TEXT);

    /** The order open intervals are kept in (above); a caller that keeps them so hands them over {@link #ofSorted}. */
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

    /** When the first lead was seen, or null without any (arrivals are kept in order of it). */
    public Instant firstSeen() {
        return arrivals.isEmpty() ? null : arrivals.get(0).firstSeenAt();
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
