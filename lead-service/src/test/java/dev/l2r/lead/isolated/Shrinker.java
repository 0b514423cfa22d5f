package dev.l2r.lead.isolated;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes a failing case smaller: edits its list of choices ({@link Tape}) and keeps every edit after which the
 * case still fails, first deleting runs of choices (shorter cases), then lowering single choices towards 0
 * (plainer values), until no edit helps or the attempts are spent.
 */
final class Shrinker {

    private Shrinker() {
    }

    static List<Integer> shrink(List<Integer> failing, Predicate<List<Integer>> stillFails, int maxAttempts) {
        List<Integer> best = List.copyOf(failing);
        int attempts = 0;
        boolean improved = true;
        while (improved && attempts < maxAttempts) {
            improved = false;
            for (int size = Math.max(1, best.size() / 2); size >= 1 && attempts < maxAttempts; size /= 2) {
                for (int start = best.size() - size; start >= 0 && attempts < maxAttempts; start--) {
                    List<Integer> candidate = new ArrayList<>(best.subList(0, start));
                    candidate.addAll(best.subList(start + size, best.size()));
                    attempts++;
                    if (stillFails.test(candidate)) {
                        best = candidate;
                        improved = true;
                        start = Math.min(start, best.size() - size + 1);
                    }
                }
            }
            for (int i = 0; i < best.size() && attempts < maxAttempts; i++) {
                for (int value : new int[]{0, best.get(i) / 2, best.get(i) - 1}) {
                    if (value < 0 || value >= best.get(i) || attempts >= maxAttempts) {
                        continue;
                    }
                    List<Integer> candidate = new ArrayList<>(best);
                    candidate.set(i, value);
                    attempts++;
                    if (stillFails.test(candidate)) {
                        best = candidate;
                        improved = true;
                        break;
                    }
                }
            }
        }
        return best;
    }
}
