package dev.l2r.bench.scenario;

import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.Spell;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the training index takes to build on the benchmark's synthetic pipeline ({@link TrainingTiming#generate}),
 * in process: each round builds it for a fresh {@link History} over the same rows, then its parts alone (the stay
 * table, the per-stage and the per-segment columns, reached reflectively as they are package-private). Run by hand
 * with {@code java -cp ... dev.l2r.bench.scenario.IndexTiming <leads> [rounds]}. Not a test.
 */
public final class IndexTiming {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private IndexTiming() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        int leads = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        History h = TrainingTiming.generate(leads);
        System.out.printf("%d leads: %d open intervals, %d spells, %d closes%n", leads, h.open().size(),
                h.spells().size(), h.closes().size());
        Constructor<?> stays = Class.forName("dev.l2r.forecast.model.StayTable")
                .getDeclaredConstructor(List.class, List.class);
        Constructor<?> column = Class.forName("dev.l2r.forecast.model.HistoryIndex$Column")
                .getDeclaredConstructor(List.class);
        stays.setAccessible(true);
        column.setAccessible(true);
        // the cells as the index groups them (not timed)
        Map<String, List<Spell>> stages = new HashMap<>();
        List<List<Spell>> segments = new ArrayList<>();
        Map<String, Map<String, List<Spell>>> bySegment = new HashMap<>();
        for (Spell s : h.spells()) {
            stages.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(s);
            if (s.attributes().segment() != null) {
                bySegment.computeIfAbsent(s.stage(), k -> new HashMap<>())
                        .computeIfAbsent(s.attributes().segment(), k -> new ArrayList<>()).add(s);
            }
        }
        bySegment.values().forEach(cells -> segments.addAll(cells.values()));
        for (int round = 1; round <= rounds; round++) {
            History fresh = new History(h.open(), h.spells(), h.closes(), h.arrivals());
            System.gc();
            long[] whole = time(fresh::buildIndex);
            System.gc();
            long[] table = time(() -> construct(stays, h.open(), h.closes()));
            System.gc();
            long[] pooled = time(() -> stages.values().forEach(spells -> construct(column, spells)));
            System.gc();
            long[] cells = time(() -> segments.forEach(spells -> construct(column, spells)));
            // wall and this thread's CPU time: on a shared machine the wall time is partly waiting for a core
            System.out.printf("round %d: index %d ms (CPU %d); alone: stay table %d ms (CPU %d), pooled columns %d ms "
                    + "(CPU %d), per-segment columns %d ms (CPU %d)%n", round, whole[0], whole[1], table[0], table[1],
                    pooled[0], pooled[1], cells[0], cells[1]);
        }
    }

    /** Wall and thread CPU milliseconds of {@code work}. */
    private static long[] time(Runnable work) {
        long a = System.nanoTime();
        long ac = CPU.getCurrentThreadCpuTime();
        work.run();
        return new long[]{(System.nanoTime() - a) / 1_000_000, (CPU.getCurrentThreadCpuTime() - ac) / 1_000_000};
    }

    private static Object construct(Constructor<?> c, Object... args) {
        try {
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
