package dev.l2r.infra.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Values for {@link Tries}: numbers with their range's edges drawn often (where bugs live, and a uniform draw
 * from a wide range almost never lands), strings of any length down to empty, from an alphabet or from all of
 * UTF-16 (control characters and lone surrogates included); and the smaller candidates of a failing string or
 * list.
 */
public final class Draw {

    private Draw() {
    }

    /** A long in [min, max]; one in eight is an edge: min, min + 1, -1, 0, 1, max - 1 or max where in range. */
    public static long between(Random random, long min, long max) {
        if (min > max) {
            throw new IllegalArgumentException(min + " > " + max);
        }
        if (random.nextInt(8) == 0) {
            long[] edges = LongStream.of(min, min + 1, -1, 0, 1, max - 1, max)
                    .filter(e -> e >= min && e <= max).toArray();
            return edges[random.nextInt(edges.length)];
        }
        if (max < Long.MAX_VALUE) {
            return random.nextLong(min, max + 1);
        }
        return min == Long.MIN_VALUE ? random.nextLong() : random.nextLong(min - 1, max) + 1;
    }

    /** An int in [min, max], edges as {@link #between(Random, long, long)}. */
    public static int between(Random random, int min, int max) {
        return (int) between(random, (long) min, max);
    }

    @SafeVarargs
    public static <T> T oneOf(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    /** A string of 0 to maxLength characters of the alphabet; one in eight is empty. */
    public static String string(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(8) == 0 ? 0 : random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /**
     * A string of 0 to maxLength of any UTF-16 characters: mostly printable ASCII, often control characters
     * (NUL, tab, CR, LF, DEL), the rest anywhere in 0-0xFFFF; one in eight is empty.
     */
    public static String anyString(Random random, int maxLength) {
        int length = random.nextInt(8) == 0 ? 0 : random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(8);
            s.append((char) (kind < 4 ? 0x20 + random.nextInt(0x5f)
                    : kind == 4 ? oneOf(random, 0, 9, 10, 13, 0x7f, random.nextInt(0x20))
                    : random.nextInt(0x10000)));
        }
        return s.toString();
    }

    /** Smaller candidates of a failing string, smallest first: its shorter prefixes, then it less one character. */
    public static Stream<String> shorter(String s) {
        return Stream.concat(IntStream.range(0, s.length()).mapToObj(n -> s.substring(0, n)),
                IntStream.range(0, s.length()).mapToObj(i -> s.substring(0, i) + s.substring(i + 1)));
    }

    /** Smaller candidates of a failing list of strings: one string made {@link #shorter(String)} at a time. */
    public static Stream<List<String>> shorterEach(List<String> strings) {
        return IntStream.range(0, strings.size()).boxed().flatMap(i -> shorter(strings.get(i)).map(s -> {
            List<String> candidate = new ArrayList<>(strings);
            candidate.set(i, s);
            return List.copyOf(candidate);
        }));
    }

    /** Smaller candidates of a failing list: its shorter prefixes, then it less one element. */
    public static <T> Stream<List<T>> fewer(List<T> list) {
        return Stream.concat(IntStream.range(0, list.size()).mapToObj(n -> list.subList(0, n)),
                IntStream.range(0, list.size()).mapToObj(i -> {
                    List<T> candidate = new ArrayList<>(list);
                    candidate.remove(i);
                    return candidate;
                }));
    }
}
