package dev.l2r.lead.isolated;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The shrinker finds the smallest failing choices of a known failure, as computed by hand. */
class ShrinkerTest {

    @Test
    void shrinksToTheSmallestChoicesThatStillFail() {
        // fails when some choice is at least 7 and the list holds at least two choices
        Predicate<List<Integer>> fails = c -> c.size() >= 2 && c.stream().anyMatch(v -> v >= 7);
        List<Integer> shrunk = Shrinker.shrink(List.of(3, 9, 0, 12, 5, 8, 1), fails, 500);
        assertThat(shrunk).hasSize(2);
        assertThat(shrunk).containsExactlyInAnyOrder(0, 7);
    }

    @Test
    void aTapeReplaysItsChoicesAndAnswersZeroPastItsEnd() {
        Tape random = Tape.random(42);
        int a = random.below(10);
        int b = random.below(3);
        Tape replay = Tape.replay(random.drawn());
        assertThat(replay.below(10)).isEqualTo(a);
        assertThat(replay.below(3)).isEqualTo(b);
        assertThat(replay.below(5)).isZero();
        assertThat(Tape.replay(List.of(9)).below(4)).isEqualTo(3);
    }
}
