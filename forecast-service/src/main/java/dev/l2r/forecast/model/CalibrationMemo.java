package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The interval's calibration points (a past moment's forecast, what was then won, the luck of the draw there),
 * kept between questions. A point made at origin t over h days reads only the history as known at t + h (its model
 * at t, its actual in (t, t + h] as known at t + h), so it stays exact while nothing in the history changes at or
 * before t + h: a memo is carried over to the next revision minus the points a change reached
 * ({@link #carriedOver}). The origins sit on a calendar grid ({@link ForecastModel#calibrationRatios}), so the next
 * question, at another asOf, finds most of its points here; without that each of its twelve points would be a
 * model trained from the whole history.
 */
public final class CalibrationMemo {

    /**
     * What a point depends on besides the history. A point is an expectation, not a simulation, so the settings are
     * kept without their number of simulations and seed: a question with another seed finds the same points.
     */
    record Key(String currency, List<String> stageOrder, ForecastModel.Settings settings, double horizonDays,
               Instant origin) {
        Key {
            settings = settings.learningOnly();
        }
    }

    /**
     * At most this many points are kept (a few hundred bytes each): questions over ever new horizons or currencies
     * cannot fill the heap; past it the memo starts again empty.
     */
    static final int MAX_POINTS = 50_000;

    /**
     * @param forecast       the expected revenue of the model at the origin
     * @param actual         what was won in (origin, origin + h], as known at its end
     * @param luck           that forecast's outcome variance relative to it squared
     * @param calendarKnown  whether that model had learned the quarter's calendar
     */
    record Point(double forecast, double actual, double luck, boolean calendarKnown) {
    }

    private final Map<Key, Point> points;
    /** The horizons whose points are made together at an origin ({@link #makingTogether}); usually none. */
    private final Set<Double> together;

    public CalibrationMemo() {
        this(new ConcurrentHashMap<>(), Set.of());
    }

    private CalibrationMemo(Map<Key, Point> points, Set<Double> together) {
        this.points = points;
        this.together = together;
    }

    /**
     * The same points (what is kept in one is kept in the other), with the points over each of {@code horizons} made
     * together whenever one of them is made at an origin: the model at the origin is most of a point's cost, and a
     * backtest's periods of 28 to 31 days ask for the same origins over each of their lengths.
     */
    public CalibrationMemo makingTogether(Collection<Double> horizons) {
        return new CalibrationMemo(points, Set.copyOf(horizons));
    }

    /** The horizons to make together with any one of them at an origin. */
    Set<Double> together() {
        return together;
    }

    /** Keeps {@code point}, made beside another, unless one is kept already. */
    void offer(Key key, Point point) {
        if (points.size() < MAX_POINTS) {
            points.putIfAbsent(key, point);
        }
    }

    Point point(Key key, Supplier<Point> compute) {
        Point known = points.get(key);
        if (known != null) {
            return known;
        }
        Point made = compute.get();
        if (points.size() >= MAX_POINTS) {
            points.clear();
        }
        points.put(key, made);
        return made;
    }

    /**
     * A memo for the history changed from {@code changedFrom} on (the earliest event time at which the history as
     * known then differs; null: nothing changed), keeping the points made entirely before it. This memo is left as
     * it is, for questions still answering from the history before the change.
     */
    public CalibrationMemo carriedOver(Instant changedFrom) {
        if (changedFrom == null) {
            return this;
        }
        Map<Key, Point> kept = new ConcurrentHashMap<>();
        points.forEach((key, point) -> {
            if (Days.plus(key.origin(), key.horizonDays()).isBefore(changedFrom)) {
                kept.put(key, point);
            }
        });
        return new CalibrationMemo(kept, Set.of());
    }

    /** How many points are kept (for tests and the benchmark). */
    public int size() {
        return points.size();
    }
}
