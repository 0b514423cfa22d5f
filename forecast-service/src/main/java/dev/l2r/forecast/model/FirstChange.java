package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The earliest event time at which two versions of some leads' rows differ as known then: what a change to the
 * history can have changed. A forecast, KPI or calibration point made from the history as known up to a moment before
 * it reads the same from both versions.
 *
 * <p>"As known at T" is what every model reads ({@link History#asOf} and the index alike): the open intervals begun by
 * T, their end only if it has come; the spells entered by T, their close and outcome only if come; the version of
 * each close made and known at T; the arrivals by T. Rows equal in both versions count the same at every T, so only
 * the others are compared, at their own instants (where their view can change), earliest first.
 */
public final class FirstChange {

    private FirstChange() {
    }

    /** The earliest T at which {@code before} and {@code after}, as known at T, differ; null if they never do. */
    public static Instant between(History before, History after) {
        List<Object> gone = new ArrayList<>();
        List<Object> come = new ArrayList<>();
        difference(before.open(), after.open(), gone, come);
        difference(before.spells(), after.spells(), gone, come);
        difference(before.closes(), after.closes(), gone, come);
        difference(before.arrivals(), after.arrivals(), gone, come);
        // lead by lead: rows of different leads never stand for each other, and a lead has few rows
        Map<String, List<Object>> goneOf = new HashMap<>();
        Map<String, List<Object>> comeOf = new HashMap<>();
        gone.forEach(row -> goneOf.computeIfAbsent(leadId(row), k -> new ArrayList<>()).add(row));
        come.forEach(row -> comeOf.computeIfAbsent(leadId(row), k -> new ArrayList<>()).add(row));
        Set<String> leads = new HashSet<>(goneOf.keySet());
        leads.addAll(comeOf.keySet());
        Instant first = null;
        for (String lead : leads) {
            List<Object> was = goneOf.getOrDefault(lead, List.of());
            List<Object> is = comeOf.getOrDefault(lead, List.of());
            TreeSet<Instant> moments = new TreeSet<>();
            was.forEach(row -> moments.addAll(instants(row)));
            is.forEach(row -> moments.addAll(instants(row)));
            for (Instant t : moments) {
                if (first != null && !t.isBefore(first)) {
                    break;
                }
                if (!counts(was, t).equals(counts(is, t))) {
                    first = t;
                    break;
                }
            }
        }
        return first;
    }

    private static String leadId(Object row) {
        if (row instanceof OpenInterval i) {
            return i.lead().leadId();
        }
        if (row instanceof Spell s) {
            return s.leadId();
        }
        if (row instanceof Close c) {
            return c.leadId();
        }
        return ((Arrival) row).leadId();
    }

    /** The rows only in {@code before} to {@code gone}, those only in {@code after} to {@code come} (as multisets). */
    private static <T> void difference(List<T> before, List<T> after, List<Object> gone, List<Object> come) {
        Map<T, Integer> left = new HashMap<>();
        before.forEach(row -> left.merge(row, 1, Integer::sum));
        for (T row : after) {
            Integer n = left.get(row);
            if (n == null) {
                come.add(row);
            } else if (n == 1) {
                left.remove(row);
            } else {
                left.put(row, n - 1);
            }
        }
        left.forEach((row, n) -> {
            for (int i = 0; i < n; i++) {
                gone.add(row);
            }
        });
    }

    private static Map<Object, Integer> counts(List<Object> rows, Instant t) {
        Map<Object, Integer> counts = new HashMap<>();
        for (Object row : rows) {
            Object seen = knownAt(row, t);
            if (seen != null) {
                counts.merge(seen, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The row as known at {@code t}: null if not yet (or no longer, for a close's version), later ends left out. */
    private static Object knownAt(Object row, Instant t) {
        if (row instanceof OpenInterval i) {
            return i.validFrom().isAfter(t) ? null
                    : new OpenInterval(i.lead(), i.validFrom(), after(i.validTo(), t) ? null : i.validTo());
        }
        if (row instanceof Spell s) {
            boolean closed = s.closedBy(t);
            return s.enteredAt().isAfter(t) ? null : new Spell(s.leadId(), s.stage(), s.enteredAt(),
                    closed ? s.closedAt() : null, closed ? s.outcome() : null, s.attributes());
        }
        if (row instanceof Close c) {
            return c.closedAt().isAfter(t) || !c.knownAt(t) ? null : new Close(c.leadId(), c.closedAt(),
                    c.outcome(), c.amount(), c.currency(), c.attributes(), c.cycleStart(), c.knownFrom(), null);
        }
        Arrival a = (Arrival) row;
        return a.firstSeenAt().isAfter(t) ? null : a;
    }

    private static boolean after(Instant end, Instant t) {
        return end == null || end.isAfter(t);
    }

    private static List<Instant> instants(Object row) {
        List<Instant> all = new ArrayList<>(4);
        if (row instanceof OpenInterval i) {
            all.add(i.validFrom());
            all.add(i.validTo());
            all.add(i.lead().stageSince());
        } else if (row instanceof Spell s) {
            all.add(s.enteredAt());
            all.add(s.closedAt());
        } else if (row instanceof Close c) {
            all.add(c.closedAt());
            all.add(c.knownFrom());
            all.add(c.knownUntil());
            all.add(c.cycleStart());
        } else {
            all.add(((Arrival) row).firstSeenAt());
        }
        all.removeIf(Objects::isNull);
        return all;
    }
}
