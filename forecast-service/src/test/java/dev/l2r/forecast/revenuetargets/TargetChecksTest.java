package dev.l2r.forecast.revenuetargets;

import dev.l2r.platform.problem.Problem;
import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The O(n log n) overlap check against the plain quadratic one, written here independently: every pair compared.
 * Seeded draws ({@link Tries}): a failure names its seed and plan, and the fewest of its targets found failing.
 */
class TargetChecksTest {

    static final LocalDate D0 = LocalDate.of(2031, 1, 1);

    static Target target(int fromDay, int toDay, String owner, String segment) {
        return new Target(D0.plusDays(fromDay), D0.plusDays(toDay), owner, segment, BigDecimal.TEN, "USD");
    }

    static boolean sameScope(Target a, Target b) {
        return Objects.equals(a.owner(), b.owner()) && Objects.equals(a.segment(), b.segment());
    }

    static boolean shareADay(Target a, Target b) {
        return !a.to().isBefore(a.from()) && !b.to().isBefore(b.from())
                && !a.from().isAfter(b.to()) && !b.from().isAfter(a.to());
    }

    /** Oracle: for each target, every target of its scope sharing a day with it that starts no later (ties: earlier). */
    static Map<Integer, Set<Integer>> quadratic(List<Target> ts) {
        Map<Integer, Set<Integer>> found = new HashMap<>();
        for (int i = 0; i < ts.size(); i++) {
            for (int j = 0; j < ts.size(); j++) {
                Target a = ts.get(i);
                Target b = ts.get(j);
                int c = b.from().compareTo(a.from());
                boolean before = c < 0 || (c == 0 && j < i);
                if (before && sameScope(a, b) && shareADay(a, b)) {
                    found.computeIfAbsent(i, k -> new HashSet<>()).add(j);
                }
            }
        }
        return found;
    }

    /** A plan of 0-80 targets over few days and few scopes, so that overlaps, ties and touching periods are common. */
    static List<Target> plan(Random random) {
        List<Target> plan = new ArrayList<>();
        for (int n = Draw.between(random, 0, 80); plan.size() < n; ) {
            int from = Draw.between(random, 0, 90);
            plan.add(target(from, from + Draw.between(random, -3, 30),
                    random.nextDouble() < 0.6 ? null : Draw.oneOf(random, "ann", "bob"),
                    random.nextDouble() < 0.7 ? null : Draw.oneOf(random, "smb", "ann")));
        }
        return plan;
    }

    @Test
    void findsExactlyTheTargetsTheQuadraticCheckFinds() {
        Tries.forAll(2000, TargetChecksTest::plan, Draw::fewer, plan -> {
            Map<Integer, Set<Integer>> expected = quadratic(plan);
            Map<Integer, Integer> found = TargetChecks.overlaps(plan);
            assertThat(found.keySet()).isEqualTo(expected.keySet());
            found.forEach((i, j) -> assertThat(expected.get(i)).as("target %d names %d", i, j).contains(j));
        });
    }

    @Test
    void aPlanIsAcceptedExactlyWhenNoTwoTargetsOfAScopeShareADayAndEachIsWellFormed() {
        int[] acceptedOrNot = new int[2];
        Tries.forAll(1000, TargetChecksTest::plan, Draw::fewer, plan -> {
            boolean anyOverlap = false;
            boolean anyMalformed = false;
            for (int i = 0; i < plan.size(); i++) {
                Target a = plan.get(i);
                anyMalformed |= a.to().isBefore(a.from()) || (a.owner() != null && a.segment() != null);
                for (int j = i + 1; j < plan.size(); j++) {
                    anyOverlap |= sameScope(a, plan.get(j)) && shareADay(a, plan.get(j));
                }
            }
            List<Problem.FieldError> problems = TargetChecks.problems(plan);
            assertThat(problems.isEmpty()).isEqualTo(!anyOverlap && !anyMalformed);
            // listed by position, each naming a field of its own target
            List<Integer> positions = new ArrayList<>();
            for (Problem.FieldError e : problems) {
                positions.add(Integer.parseInt(e.field().substring(1, e.field().indexOf(']'))));
            }
            assertThat(positions).isSorted();
            acceptedOrNot[problems.isEmpty() ? 0 : 1]++;
        });
        // the draws reach both answers
        assertThat(acceptedOrNot[0]).as("accepted").isGreaterThan(50);
        assertThat(acceptedOrNot[1]).as("refused").isGreaterThan(50);
    }

    @Test
    void touchingPeriodsDoNotOverlapTheSameDayDoesAndScopesAreSeparate() {
        assertThat(TargetChecks.overlaps(List.of(target(0, 30, null, null), target(31, 60, null, null)))).isEmpty();
        assertThat(TargetChecks.overlaps(List.of(target(31, 60, null, null), target(0, 31, null, null))))
                .containsExactly(Map.entry(0, 1));
        // owner "ann" and segment "ann" are different scopes, as are everybody and one owner
        assertThat(TargetChecks.overlaps(List.of(target(0, 30, "ann", null), target(0, 30, null, "ann"),
                target(0, 30, null, null)))).isEmpty();
        // a target inside a long one overlaps the long one, not its neighbour that ended before it
        assertThat(TargetChecks.overlaps(List.of(target(0, 100, null, null), target(10, 20, null, null),
                target(30, 40, null, null)))).containsEntry(1, 0).containsEntry(2, 0).hasSize(2);
    }

    @Test
    void datesBeyondTheApisYearsAreRefusedNamingTheField() {
        Target far = new Target(LocalDate.of(2031, 1, 1), LocalDate.MAX, null, null, BigDecimal.ONE, "USD");
        Target ancient = new Target(LocalDate.of(1582, 12, 31), LocalDate.of(2031, 1, 1), "x", null, BigDecimal.ONE, "USD");
        assertThat(TargetChecks.problems(List.of(far, ancient))).extracting(Problem.FieldError::field)
                .containsExactly("[0].to", "[1].from");
    }

    @Test
    void namesWithANulCharacterAreRefused() {
        assertThat(TargetChecks.problems(List.of(target(0, 1, "ann\0", null), target(0, 1, null, "\0smb"))))
                .extracting(Problem.FieldError::field).containsExactly("[0].owner", "[1].segment");
    }

    /** A whole year of daily targets for 300 owners and one overlap among them: found, and only it. */
    @Test
    void aPlanOfOver100000TargetsIsCheckedExactly() {
        List<Target> plan = new ArrayList<>();
        for (int owner = 0; owner < 300; owner++) {
            for (int day = 0; day < 365; day++) {
                plan.add(target(day, day, "owner-" + owner, null));
            }
        }
        plan.add(target(100, 101, "owner-7", null));
        Map<Integer, Integer> found = TargetChecks.overlaps(plan);
        int last = plan.size() - 1;
        // the added target ties with owner-7's day 100 (earlier in the list) and day 101 starts inside it
        assertThat(found).containsOnly(Map.entry(last, 7 * 365 + 100), Map.entry(7 * 365 + 101, last));
        assertThat(TargetChecks.problems(plan)).extracting(Problem.FieldError::field)
                .containsExactly("[" + (7 * 365 + 101) + "].from", "[" + last + "].from");
    }

    @Test
    void aWhollyOverlappingPlanListsAtMostTheCap() {
        List<Target> plan = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            plan.add(target(0, 10, null, null));
        }
        assertThat(TargetChecks.problems(plan)).hasSize(TargetChecks.MAX_LISTED);
    }
}
