package dev.l2r.infra.test;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a property over values drawn from a seeded {@link Random}, in plain JUnit 5 (docs/DECISIONS.md says why
 * not a property-testing library). Every run draws the same values unless {@code -Dl2r.tries.seed=<seed>} says
 * otherwise, so a red build stays red and reads the same. A failure names the seed, the try and the input, and
 * the smallest input found failing among those a test offers as smaller ({@link Draw#shorter(String)}).
 */
public final class Tries {

    public static final String SEED_PROPERTY = "l2r.tries.seed";
    public static final long DEFAULT_SEED = 20_251_206L;
    /** How many smaller candidates a failure may try before it is reported as found. */
    static final int SHRINK_ATTEMPTS = 2_000;

    private Tries() {
    }

    public static long seed() {
        return Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
    }

    /** Checks {@code property} for {@code tries} values drawn by {@code draw}. */
    public static <T> void forAll(int tries, Function<Random, T> draw, Consumer<T> property) {
        forAll(tries, draw, value -> Stream.empty(), property);
    }

    /**
     * Checks {@code property} for {@code tries} values drawn by {@code draw}; on a failure, moves to the first of
     * {@code smaller(value)} that fails too, as long as one does.
     */
    public static <T> void forAll(int tries, Function<Random, T> draw, Function<T, Stream<T>> smaller,
                                  Consumer<T> property) {
        long seed = seed();
        Random random = new Random(seed);
        for (int i = 1; i <= tries; i++) {
            T value = draw.apply(random);
            Throwable failure = failure(property, value);
            if (failure != null) {
                T smallest = value;
                int attempts = 0;
                boolean smallerFails = true;
                while (smallerFails && attempts < SHRINK_ATTEMPTS) {
                    smallerFails = false;
                    for (T candidate : (Iterable<T>) smaller.apply(smallest).limit(SHRINK_ATTEMPTS - attempts)::iterator) {
                        attempts++;
                        Throwable again = failure(property, candidate);
                        if (again != null) {
                            smallest = candidate;
                            failure = again;
                            smallerFails = true;
                            break;
                        }
                    }
                }
                throw new AssertionError("""
                        property failed at try %d of %d, seed %d (repeat with -D%s=%d)
                          input:    %s
                          smallest: %s
                          failure:  %s""".formatted(i, tries, seed, SEED_PROPERTY, seed, show(value),
                        show(smallest), failure), failure);
            }
        }
    }

    private static <T> Throwable failure(Consumer<T> property, T value) {
        try {
            property.accept(value);
            return null;
        } catch (AssertionError | RuntimeException | StackOverflowError e) {
            return e;
        }
    }

    /** A value as a reader can tell it apart: strings quoted, invisible and non-ASCII characters escaped. */
    public static String show(Object value) {
        if (value instanceof String s) {
            return '"' + escape(s.replace("\\", "\\\\").replace("\"", "\\\"")) + '"';
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Tries::show).collect(Collectors.joining(", ", "[", "]"));
        }
        return escape(String.valueOf(value));
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : "\\u%04x".formatted((int) c));
        }
        return out.toString();
    }
}
