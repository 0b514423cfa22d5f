package dev.l2r.bench.scenario;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.forecast.model.FunnelRoles;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.Kpis;
import dev.l2r.forecast.store.LiveHistory;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The KPIs by owner over a year on the benchmark's synthetic pipeline, in process (no database, no HTTP): the pass
 * over every row the service made before ({@link Kpis#compute} of {@code closesIn} and {@code openAt}) against the
 * per-revision running totals ({@code History.kpiIndex()}), on 20 one-year periods ending 0–19 days before the data's
 * end. Run by hand with {@code java -cp ... dev.l2r.bench.scenario.KpiTiming <leads>...}. Not a test.
 */
public final class KpiTiming {

    private static final int QUESTIONS = 20;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private KpiTiming() {
    }

    public static void main(String[] args) {
        FunnelRoles roles = FunnelRoles.of(FunnelDefinition.canonical());
        for (String arg : args) {
            int leads = Integer.parseInt(arg);
            History history = TrainingTiming.generate(leads);
            LiveHistory.Rows rows = new LiveHistory.Rows(history.open(), history.spells(), history.closes(),
                    history.arrivals());
            System.gc();
            long a = System.nanoTime();
            long ac = CPU.getCurrentThreadCpuTime();
            var index = history.kpiIndex();
            long b = System.nanoTime();
            long bc = CPU.getCurrentThreadCpuTime();
            index.kpis(ForecastQueries.END.minus(365, ChronoUnit.DAYS), ForecastQueries.END,
                    ForecastQueries.END.minus(1, ChronoUnit.MICROS), roles, "USD", "owner");
            long c = System.nanoTime();
            long cc = CPU.getCurrentThreadCpuTime();
            // wall and this thread's CPU time: on a shared machine the wall time is mostly waiting for a core
            System.out.printf("%d leads: %d open intervals, %d closes; index built in %d ms (CPU %d ms), owners' "
                    + "lines on the first question in %d ms (CPU %d ms)%n", leads, history.open().size(),
                    history.closes().size(), (b - a) / 1_000_000, (bc - ac) / 1_000_000, (c - b) / 1_000_000,
                    (cc - bc) / 1_000_000);
            // twice each: the first round warms the code up, the second is reported
            for (int round = 0; round < 2; round++) {
                double[] before = new double[QUESTIONS];
                double[] after = new double[QUESTIONS];
                for (int i = 0; i < QUESTIONS; i++) {
                    Instant to = ForecastQueries.END.minus(i, ChronoUnit.DAYS);
                    Instant from = to.minus(365, ChronoUnit.DAYS);
                    Instant end = to.minus(1, ChronoUnit.MICROS);
                    long t0 = System.nanoTime();
                    Kpis.Result pass = Kpis.compute(from, to, rows.closesIn(from, to), rows.openAt(end), roles, "USD",
                            "owner");
                    long t1 = System.nanoTime();
                    Kpis.Result indexed = index.kpis(from, to, end, roles, "USD", "owner");
                    long t2 = System.nanoTime();
                    if (!pass.equals(indexed)) {
                        throw new IllegalStateException("different answers for " + from + " to " + to);
                    }
                    before[i] = (t1 - t0) / 1e6;
                    after[i] = (t2 - t1) / 1e6;
                }
                if (round == 1) {
                    System.out.printf("%d leads, %d questions: pass over the rows p50 %.1f ms p95 %.1f ms; "
                            + "running totals p50 %.3f ms p95 %.3f ms (answers equal)%n", leads, QUESTIONS,
                            percentile(before, 50), percentile(before, 95), percentile(after, 50),
                            percentile(after, 95));
                }
            }
        }
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(p / 100.0 * sorted.length) - 1];
    }
}
