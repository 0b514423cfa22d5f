package dev.l2r.infra.test;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TriesTest {

    @Test
    void aFailureNamesTheSeedTheTryTheInputAndTheSmallestFailingInputFound() {
        List<String> drawn = new ArrayList<>();
        assertThatThrownBy(() -> Tries.forAll(100, random -> {
            String s = "xx" + (drawn.size() == 6 ? "A" : "") + "yy\0";
            drawn.add(s);
            return s;
        }, Draw::shorter, s -> assertThat(s).doesNotContain("A")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("try 7 of 100, seed " + Tries.DEFAULT_SEED)
                .hasMessageContaining("-Dl2r.tries.seed=" + Tries.DEFAULT_SEED)
                .hasMessageContaining("input:    \"xxAyy\\u0000\"")
                .hasMessageContaining("smallest: \"A\"")
                .hasCauseInstanceOf(AssertionError.class);
        assertThat(drawn).hasSize(7);
    }

    @Test
    void aPassingPropertyIsTriedAsOftenAsAskedWithTheSameDrawsEachRun() {
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        Tries.forAll(500, random -> random.nextLong(), first::add);
        Tries.forAll(500, random -> random.nextLong(), second::add);
        assertThat(first).hasSize(500).isEqualTo(second);
        Random independent = new Random(Tries.seed());
        assertThat(first.get(0)).isEqualTo(independent.nextLong());
    }

    @Test
    void numbersReachTheirEdgesAndStayInRange() {
        Random random = new Random(1);
        Set<Long> seen = new TreeSet<>();
        for (int i = 0; i < 2000; i++) {
            long n = Draw.between(random, -5_000_000_000L, 9_000_000_000L);
            assertThat(n).isBetween(-5_000_000_000L, 9_000_000_000L);
            seen.add(n);
            long any = Draw.between(random, Long.MIN_VALUE, Long.MAX_VALUE);
            seen.add(any);
            assertThat(Draw.between(random, 1, 3)).isBetween(1, 3);
            assertThat(Draw.between(random, Long.MAX_VALUE - 1, Long.MAX_VALUE)).isGreaterThanOrEqualTo(Long.MAX_VALUE - 1);
        }
        assertThat(seen).contains(-5_000_000_000L, -4_999_999_999L, -1L, 0L, 1L, 8_999_999_999L, 9_000_000_000L,
                Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Test
    void stringsReachEmptyControlCharactersAndSurrogates() {
        Random random = new Random(1);
        boolean empty = false;
        boolean nul = false;
        boolean surrogate = false;
        int longest = 0;
        for (int i = 0; i < 1000; i++) {
            String s = Draw.anyString(random, 20);
            empty |= s.isEmpty();
            nul |= s.indexOf('\0') >= 0;
            surrogate |= s.chars().anyMatch(c -> Character.isSurrogate((char) c));
            longest = Math.max(longest, s.length());
            assertThat(Draw.string(random, "ab", 5)).matches("[ab]{0,5}");
        }
        assertThat(empty).isTrue();
        assertThat(nul).isTrue();
        assertThat(surrogate).isTrue();
        assertThat(longest).isEqualTo(20);
    }

    @Test
    void smallerStringsAndListsAreShorterPrefixesThenOneLess() {
        assertThat(Draw.shorter("abc")).containsExactly("", "a", "ab", "bc", "ac", "ab");
        assertThat(Draw.shorterEach(List.of("ab", "c"))).containsExactly(List.of("", "c"), List.of("a", "c"),
                List.of("b", "c"), List.of("a", "c"), List.of("ab", ""), List.of("ab", ""));
        assertThat(Draw.fewer(List.of(1, 2, 3))).containsExactly(List.of(), List.of(1), List.of(1, 2), List.of(2, 3),
                List.of(1, 3), List.of(1, 2));
    }
}
