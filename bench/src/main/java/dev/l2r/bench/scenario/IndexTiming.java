package dev.l2r.bench.scenario;

import dev.l2r.forecast.model.History;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * How long the training index takes to build, every part of it, on the benchmark's synthetic pipeline
 * ({@link TrainingTiming#generate}), in process: each round builds it for a fresh {@link History} over the same rows.
 * Run by hand with {@code java -cp ... dev.l2r.bench.scenario.IndexTiming <leads> [rounds]}. Not a test.
 */
public final class IndexTiming {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private IndexTiming() {
    }

    public static void main(String[] args) {
        int leads = Integer.parseInt(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        History h = TrainingTiming.generate(leads);
        System.out.printf("%d leads: %d open intervals, %d spells, %d closes%n", leads, h.open().size(),
                h.spells().size(), h.closes().size());
        for (int round = 1; round <= rounds; round++) {
            History fresh = new History(h.open(), h.spells(), h.closes(), h.arrivals());
            System.gc();
            long a = System.nanoTime();
            long ac = CPU.getCurrentThreadCpuTime();
            fresh.buildIndex();
            // wall and this thread's CPU time: on a shared machine the wall time is partly waiting for a core
            System.out.printf("round %d: index %d ms (CPU %d ms)%n", round, (System.nanoTime() - a) / 1_000_000,
                    (CPU.getCurrentThreadCpuTime() - ac) / 1_000_000);
        }
    }
}
