package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a forecast learns from the history as known at one moment: the win curves, the deal values, the recent
 * arrivals and the window their rate is taken over, the quarter's calendar, the arrivals' growth, each stage's time
 * frame and its stale stays. A {@link ForecastModel} applies it to the leads open at its own asOf.
 *
 * <p>On a small history it is learned at asOf itself. On a large one ({@link #DAILY} leads or more seen by the start
 * of asOf's UTC day) it is learned once a day, at that start ({@link #moment}), and shared by every asOf of the day:
 * re-deriving the curves over millions of spells for each asOf (asOf=now always is new) was most of a question's
 * time, while one day of closes among the years such a history holds moves no rate that matters. The leads, their
 * stages and ages, and the closes counted towards a target are still those of asOf itself.
 */
final class Learned {

    /** Leads seen by the start of asOf's day from which the model learns once a day instead of at asOf. */
    static final int DAILY = 100_000;

    /** What a day's learning depends on besides the history; the settings without the interval's knobs. */
    record Key(Instant at, String currency, List<String> stageOrder, ForecastModel.Settings settings) {
        Key {
            settings = settings.learningOnly();
        }
    }

    final Instant at;
    final WinModel win;
    final DealValues values;
    /** The closes made and known by {@link #at}, in the history's order. */
    final List<Close> closes;
    final double arrivalWindowDays;
    final List<Arrival> recentArrivals;
    /** Where the recent arrivals begin in the history's arrivals (learned from the index), else -1. */
    private final int recentFrom;
    final Seasonality seasonality;
    final Trend trend;
    /** The rows it learned from, or (once {@link #rebasedOn}) newer rows that knew the same at {@link #at}. */
    private final History history;
    private final boolean indexed;
    private final int minStays;
    /** The stages with a later open stage: only a lead in one of them can be stale ({@link StaleStays}). */
    private final Set<String> beforeLast;
    /** The spells entered by {@link #at} and how many of them had closed by then, counted when first asked. */
    private int[] spellCounts;
    private final Map<String, Double> timeFrames;
    private StaleStays staleStays;

    /**
     * Learns at {@code at} from {@code history}'s index ({@code indexed}), or the plain way from a
     * {@link History#asOf} snapshot: what the index must reproduce.
     */
    Learned(History history, Instant at, String currency, List<String> stageOrder, ForecastModel.Settings settings,
            boolean indexed) {
        this.history = history;
        this.at = at;
        this.indexed = indexed;
        this.minStays = settings.cells().minAtRisk();
        this.beforeLast = new HashSet<>(stageOrder.subList(0, Math.max(0, stageOrder.size() - 1)));
        List<Close> wonPriced;
        if (indexed) {
            HistoryIndex index = history.index();
            this.win = WinModel.train(index, at, settings.cells());
            this.closes = index.closesKnownAt(at);
            wonPriced = index.wonPricedAt(at, currency);
        } else {
            History.Snapshot snapshot = history.asOf(at);
            this.win = WinModel.train(snapshot.spells(), at, settings.cells());
            this.closes = snapshot.closes();
            wonPriced = closes.stream().filter(Close::won).filter(c -> c.pricedIn(currency)).toList();
            int closedSpells = 0;
            for (Spell s : snapshot.spells()) {
                closedSpells += s.closedBy(at) ? 1 : 0;
            }
            this.spellCounts = new int[]{snapshot.spells().size(), closedSpells};
        }
        // the index keeps its won closes in the order the values take them in
        this.values = indexed ? DealValues.inLeadOrder(wonPriced, settings.minWonPerSegment())
                : new DealValues(wonPriced, settings.minWonPerSegment());
        Instant first = history.firstSeen();
        Instant earliest = first == null || first.isAfter(at) ? at : first;
        // never extrapolate the arrival rate from a window longer than the history itself
        this.arrivalWindowDays = Math.min(settings.arrivalWindowDays(), Days.between(earliest, at));
        Instant windowStart = Days.plus(at, -arrivalWindowDays);
        if (arrivalWindowDays < 1) {
            this.recentArrivals = List.of();
            this.recentFrom = 0;
        } else if (indexed) {
            this.recentFrom = firstAfter(history.arrivals(), windowStart, false);
            this.recentArrivals = recentFrom(history, recentFrom, at);
        } else {
            this.recentArrivals = arrivalsBetween(windowStart, at);
            this.recentFrom = -1;
        }
        this.seasonality = settings.seasonality() ? Seasonality.learn(closes, at, currency) : Seasonality.off();
        this.trend = settings.trend() ? Trend.learn(first == null ? List.of() : arrivalsBetween(first, at), first, at,
                arrivalWindowDays) : Trend.off();
        this.timeFrames = timeFramesAt();
    }

    /** What {@code from} learned, on {@code history}: rows that knew at {@code from.at} what from's rows did. */
    private Learned(Learned from, History history) {
        this.history = history;
        this.at = from.at;
        this.indexed = true;
        this.minStays = from.minStays;
        this.beforeLast = from.beforeLast;
        this.win = from.win;
        this.closes = from.closes;
        this.values = from.values;
        this.arrivalWindowDays = from.arrivalWindowDays;
        if (from.recentArrivals.isEmpty()) {
            this.recentFrom = 0;
            this.recentArrivals = List.of();
        } else {
            // found again as they were found: the same arrivals, at the same places unless only ids moved
            this.recentFrom = firstAfter(history.arrivals(), Days.plus(at, -arrivalWindowDays), false);
            this.recentArrivals = recentFrom(history, recentFrom, at);
        }
        this.seasonality = from.seasonality;
        this.trend = from.trend;
        this.timeFrames = from.timeFrames;
        // counted on the rows it was learned from, where they are at hand
        this.spellCounts = from.spellCounts();
        // as were the stale stays, if found already: they keep only their stays' table (arrays), not those rows
        synchronized (from) {
            this.staleStays = from.staleStays;
        }
    }

    /**
     * This learning on {@code newer} rows, which differ from this one's rows only at event times after {@link #at}
     * ({@link FirstChange}): as known at {@link #at} they are the same rows, so they teach the same. Only what is
     * read from the rows themselves (the recent arrivals, the arrivals' classes, and the stale stays if not found
     * yet) is read again, from the newer rows.
     */
    Learned rebasedOn(History newer) {
        if (!indexed) {
            throw new IllegalStateException("only a learning from the index is kept between revisions");
        }
        return new Learned(this, newer);
    }

    /**
     * The moment a model at {@code asOf} learns at: asOf on a small history, and on a large one the start of asOf's
     * UTC day, or asOf itself when it is a day's last microsecond (the moment a backtest asks at, just before its
     * period, which knows the whole day: a month's last day then counts, and the quarter it ends).
     */
    static Instant moment(History history, Instant asOf) {
        Instant day = asOf.truncatedTo(ChronoUnit.DAYS);
        if (!asOf.plus(1, ChronoUnit.MICROS).truncatedTo(ChronoUnit.DAYS).equals(day)) {
            return asOf;
        }
        return firstAfter(history.arrivals(), day, true) >= DAILY ? day : asOf;
    }

    /**
     * The recent arrivals in classes alike in stage, segment, channel and the value of a forecast's {@code groupBy}
     * (all a new lead's expected wins depend on): the first arrival of each class, classes in the order of their
     * first arrival, and each arrival's class in the arrivals' order.
     */
    record ArrivalClasses(List<Arrival> firsts, int[] classOf) {
    }

    /** Per groupBy (none: empty), the recent arrivals' classes, made when first asked. */
    private final Map<Optional<String>, ArrivalClasses> classes = new ConcurrentHashMap<>();

    ArrivalClasses arrivalClasses(String groupBy) {
        return classes.computeIfAbsent(Optional.ofNullable(groupBy), k -> {
            if (groupBy == null && recentFrom >= 0) {
                return history.index().arrivalKinds().classes(recentFrom, recentFrom + recentArrivals.size());
            }
            Map<List<Object>, Integer> index = new HashMap<>();
            List<Arrival> firsts = new ArrayList<>();
            int[] classOf = new int[recentArrivals.size()];
            for (int i = 0; i < classOf.length; i++) {
                Arrival a = recentArrivals.get(i);
                LeadAttributes attributes = a.attributes();
                classOf[i] = index.computeIfAbsent(Arrays.asList(a.stage(), attributes.segment(),
                        attributes.channel(), ForecastModel.groupKey(attributes, groupBy)), x -> {
                            firsts.add(a);
                            return firsts.size() - 1;
                        });
            }
            return new ArrivalClasses(List.copyOf(firsts), classOf);
        });
    }

    /** Spells entered by {@link #at} and how many had closed by then. */
    synchronized int[] spellCounts() {
        if (spellCounts == null) {
            int entered = 0;
            int closedBy = 0;
            for (HistoryIndex.Column column : history.index().pooled().values()) {
                int[] c = column.countsAt(at);
                entered += c[0];
                closedBy += c[1];
            }
            spellCounts = new int[]{entered, closedBy};
        }
        return spellCounts;
    }

    /** Each stage's time frame as of {@link #at}. */
    Map<String, Double> timeFrames() {
        return timeFrames;
    }

    private Map<String, Double> timeFramesAt() {
        if (tableAnswers()) {
            return StageTimeFrames.of(history.index().stays(), at);
        }
        // the intervals a history cut at the moment holds (one holding everything is asked at any moment)
        List<OpenInterval> known = new ArrayList<>();
        for (OpenInterval i : history.open()) {
            if (!i.validFrom().isAfter(at)) {
                known.add(i);
            }
        }
        return StageTimeFrames.of(known, at);
    }

    /** Whether the stay table answers here: always, but for a history or moment finer than a microsecond. */
    private boolean tableAnswers() {
        return indexed && history.index().stays().answers(at);
    }

    /**
     * P(won within h | age in stage): the cell's, except for a lead past its stage's time frame in a stage with a
     * later open stage, whose chance is its stage's stale stays' ({@link StaleStays}) where there are enough.
     */
    double chance(String stage, WinModel.Cell cell, double age, double h) {
        if (beforeLast.contains(stage)) {
            Double frame = timeFrames.get(stage);
            if (frame != null && age > frame) {
                double share = staleShare(stage, age, h);
                if (!Double.isNaN(share)) {
                    return share;
                }
            }
        }
        return cell.winWithin(age, h);
    }

    /** The stale stays' share, NaN where they do not answer; shared by the models of a day, so one at a time. */
    private synchronized double staleShare(String stage, double age, double h) {
        // built for the first stale lead only: most leads are not, and it reads every interval
        if (staleStays == null) {
            staleStays = tableAnswers()
                    ? new StaleStays(history.index().stays(), timeFrames, at, minStays)
                    : new StaleStays(history.open(), closes, timeFrames, at, minStays);
        }
        return staleStays.stale(stage, age) ? staleStays.winWithin(stage, age, h) : Double.NaN;
    }

    /** The arrivals from place {@code from} of {@code history}'s on, first seen by {@code at}. */
    private static List<Arrival> recentFrom(History history, int from, Instant at) {
        List<Arrival> all = history.arrivals();
        return all.subList(from, Math.max(from, firstAfter(all, at, true)));
    }

    /** Arrivals first seen in [from, to], in the history's order (which is by first sighting first). */
    private List<Arrival> arrivalsBetween(Instant from, Instant to) {
        List<Arrival> all = history.arrivals();
        if (!indexed) {
            return all.stream().filter(a -> !a.firstSeenAt().isAfter(to))
                    .filter(a -> !a.firstSeenAt().isBefore(from)).toList();
        }
        int lo = firstAfter(all, from, false);
        int hi = firstAfter(all, to, true);
        return lo < hi ? all.subList(lo, hi) : List.of();
    }

    /** The first arrival seen at or after {@code t} ({@code strictly}: after it); the list's size if none. */
    private static int firstAfter(List<Arrival> sorted, Instant t, boolean strictly) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Instant seen = sorted.get(mid).firstSeenAt();
            if (strictly ? !seen.isAfter(t) : seen.isBefore(t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
