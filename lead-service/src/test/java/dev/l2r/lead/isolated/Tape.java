package dev.l2r.lead.isolated;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The choices a generated case was made of: drawn from a seeded random source, or replayed from a list (what
 * {@link Shrinker} edits). Every choice is a number below a bound, and 0 always means the plainest option (a
 * valid value, no mutation), so a shrunk list of smaller numbers makes a simpler case. A replay past its end
 * answers 0.
 */
final class Tape {

    private final Random random;
    private final List<Integer> replay;
    private final List<Integer> drawn = new ArrayList<>();
    private int position;

    private Tape(Random random, List<Integer> replay) {
        this.random = random;
        this.replay = replay;
    }

    static Tape random(long seed) {
        return new Tape(new Random(seed), null);
    }

    static Tape replay(List<Integer> choices) {
        return new Tape(null, choices);
    }

    /** A choice in [0, bound). */
    int below(int bound) {
        int value = random != null ? random.nextInt(bound)
                : position < replay.size() ? Math.min(Math.max(replay.get(position), 0), bound - 1) : 0;
        position++;
        drawn.add(value);
        return value;
    }

    /** True about once in {@code n} draws (the highest choice, so that shrinking makes it false). */
    boolean rarely(int n) {
        return below(n) == n - 1;
    }

    <T> T pick(List<T> options) {
        return options.get(below(options.size()));
    }

    List<Integer> drawn() {
        return List.copyOf(drawn);
    }
}
