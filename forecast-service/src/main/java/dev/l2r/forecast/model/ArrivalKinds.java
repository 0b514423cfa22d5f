package dev.l2r.forecast.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each arrival's kind (stage, segment and channel: all a new lead's expected wins depend on but a forecast's
 * groupBy), worked out once per arrival of a history, when a window first reaches it. Keying a window's arrivals
 * anew for every model trained on the history (a backtest's periods, the interval's calibration origins) read
 * every arrival's strings each time.
 */
final class ArrivalKinds {

    private final List<Arrival> arrivals;
    /** Per arrival (in the history's order), its kind; -1 until worked out. */
    private final int[] kinds;
    private final Map<List<String>, Integer> ids = new HashMap<>();

    ArrivalKinds(List<Arrival> arrivals) {
        this.arrivals = arrivals;
        this.kinds = new int[arrivals.size()];
        Arrays.fill(kinds, -1);
    }

    /** The classes of arrivals {@code from} (inclusive) to {@code to} (exclusive), as {@link Learned#arrivalClasses}. */
    synchronized Learned.ArrivalClasses classes(int from, int to) {
        List<Arrival> firsts = new ArrayList<>();
        int[] classOf = new int[to - from];
        int[] classOfKind = new int[0];
        for (int i = from; i < to; i++) {
            int kind = kinds[i];
            if (kind < 0) {
                Arrival a = arrivals.get(i);
                kind = ids.computeIfAbsent(Arrays.asList(a.stage(), a.attributes().segment(),
                        a.attributes().channel()), k -> ids.size());
                kinds[i] = kind;
            }
            if (kind >= classOfKind.length) {
                int old = classOfKind.length;
                classOfKind = Arrays.copyOf(classOfKind, Math.max(ids.size(), kind + 1));
                Arrays.fill(classOfKind, old, classOfKind.length, -1);
            }
            if (classOfKind[kind] < 0) {
                classOfKind[kind] = firsts.size();
                firsts.add(arrivals.get(i));
            }
            classOf[i - from] = classOfKind[kind];
        }
        return new Learned.ArrivalClasses(List.copyOf(firsts), classOf);
    }
}
