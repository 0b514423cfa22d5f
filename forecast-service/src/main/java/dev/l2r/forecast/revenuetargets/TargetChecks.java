package dev.l2r.forecast.revenuetargets;

import dev.l2r.platform.problem.Problem;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What makes a set of revenue targets acceptable, beyond each field's own constraints: {@code to} not before
 * {@code from}, both within the years 1583-9999 (as every API date, see ApiTimes), one owner or one segment and not both, and no
 * two targets of the same scope (everybody, one owner, one segment) sharing a day.
 * <p>
 * Overlaps are found in O(n log n), since a whole plan of 100,000 targets is put at once: per scope the targets are
 * sorted by start, and each one that starts on or before the latest end among those sorted before it overlaps that
 * one. Every target that starts inside a target starting no later (ties: earlier in the body) is refused, naming
 * that target.
 */
public final class TargetChecks {

    public static final LocalDate EARLIEST = LocalDate.of(1583, 1, 1);
    public static final LocalDate LATEST = LocalDate.of(9999, 12, 31);
    /** The most errors one answer lists: a wholly wrong plan of 100,000 targets is not answered target by target. */
    public static final int MAX_LISTED = 1000;

    private TargetChecks() {
    }

    /** The problems of a set of targets, by position, at most {@link #MAX_LISTED}; empty when it is acceptable. */
    public static List<Problem.FieldError> problems(List<Target> targets) {
        List<List<Problem.FieldError>> byTarget = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            byTarget.add(own(i, targets.get(i)));
        }
        overlaps(targets).forEach((i, j) -> byTarget.get(i).add(new Problem.FieldError("[" + i + "].from",
                "overlaps target [" + j + "] of the same scope")));
        List<Problem.FieldError> errors = new ArrayList<>();
        for (List<Problem.FieldError> e : byTarget) {
            for (Problem.FieldError error : e) {
                if (errors.size() == MAX_LISTED) {
                    return errors;
                }
                errors.add(error);
            }
        }
        return errors;
    }

    private static List<Problem.FieldError> own(int i, Target t) {
        List<Problem.FieldError> errors = new ArrayList<>(1);
        if (outOfRange(t.from())) {
            errors.add(new Problem.FieldError("[" + i + "].from", "must be between " + EARLIEST + " and " + LATEST));
        }
        if (outOfRange(t.to())) {
            errors.add(new Problem.FieldError("[" + i + "].to", "must be between " + EARLIEST + " and " + LATEST));
        } else if (t.to().isBefore(t.from())) {
            errors.add(new Problem.FieldError("[" + i + "].to", "must not be before from"));
        }
        // PostgreSQL's text holds no NUL character
        if (t.owner() != null && t.owner().indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError("[" + i + "].owner", "must not contain a NUL character"));
        }
        if (t.segment() != null && t.segment().indexOf('\0') >= 0) {
            errors.add(new Problem.FieldError("[" + i + "].segment", "must not contain a NUL character"));
        }
        if (t.owner() != null && t.segment() != null) {
            errors.add(new Problem.FieldError("[" + i + "].segment", "a target is for one owner or one segment, "
                    + "not both"));
        }
        return errors;
    }

    private static boolean outOfRange(LocalDate d) {
        return d.isBefore(EARLIEST) || d.isAfter(LATEST);
    }

    /**
     * For each target that overlaps a target of its scope starting no later than itself (ties: earlier in the
     * list), the position of one such target. Targets whose {@code to} is before their {@code from} cover no day
     * and overlap nothing.
     */
    public static Map<Integer, Integer> overlaps(List<Target> targets) {
        Map<Scope, List<Integer>> byScope = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (!t.to().isBefore(t.from())) {
                byScope.computeIfAbsent(new Scope(t.owner(), t.segment()), k -> new ArrayList<>()).add(i);
            }
        }
        Map<Integer, Integer> found = new HashMap<>();
        Comparator<Integer> byStart = Comparator.comparing((Integer i) -> targets.get(i).from())
                .thenComparing(Comparator.naturalOrder());
        for (List<Integer> scope : byScope.values()) {
            scope.sort(byStart);
            int latest = -1; // the target with the latest end among those sorted so far
            for (int i : scope) {
                Target t = targets.get(i);
                if (latest >= 0 && !t.from().isAfter(targets.get(latest).to())) {
                    found.put(i, latest);
                }
                if (latest < 0 || t.to().isAfter(targets.get(latest).to())) {
                    latest = i;
                }
            }
        }
        return found;
    }

    /** Everybody (both null), one owner, or one segment. */
    private record Scope(String owner, String segment) {
    }
}
