package dev.l2r.bench;

import dev.l2r.bench.harness.BenchContext;
import dev.l2r.bench.harness.Machine;
import dev.l2r.bench.harness.Report;
import dev.l2r.bench.harness.Scenario;
import dev.l2r.bench.scenario.EndToEndLatency;
import dev.l2r.bench.scenario.ForecastQueries;
import dev.l2r.bench.scenario.ForecastTargets;
import dev.l2r.bench.scenario.FreshnessUnderLoad;
import dev.l2r.bench.scenario.FunnelQueries;
import dev.l2r.bench.scenario.IntakeBulk;
import dev.l2r.bench.scenario.IntakeSingle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/l2r bench [--quick] [--list] [scenario...]}: runs the named scenarios (all by default), each on fresh
 * infrastructure, and prints one Markdown table for BENCHMARKS.md.
 */
public final class BenchMain {

    /** Every scenario, by name. Add a new one here. */
    static final List<Scenario> SCENARIOS = List.of(
            new IntakeSingle(),
            new EndToEndLatency(),
            new IntakeBulk(),
            new FunnelQueries(),
            new ForecastQueries(),
            new ForecastTargets(),
            new FreshnessUnderLoad());

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Scenario> byName = new LinkedHashMap<>();
        SCENARIOS.forEach(s -> byName.put(s.name(), s));
        boolean quick = false;
        List<Scenario> chosen = new ArrayList<>();
        for (String arg : args) {
            switch (arg) {
                case "--quick" -> quick = true;
                case "--list" -> {
                    byName.values().forEach(s -> System.out.printf("%-24s %s%n", s.name(), s.description()));
                    return;
                }
                default -> {
                    Scenario s = byName.get(arg);
                    if (s == null) {
                        System.err.println("unknown scenario " + arg + "; known: " + byName.keySet());
                        System.exit(2);
                    }
                    chosen.add(s);
                }
            }
        }
        if (chosen.isEmpty()) {
            chosen.addAll(byName.values());
        }
        Path root = Path.of(System.getProperty("l2r.repo.root", ".")).toAbsolutePath().normalize();
        Report report = new Report(Machine.describe());
        for (Scenario scenario : chosen) {
            System.out.println("== " + scenario.name() + (quick ? " (quick)" : ""));
            BenchContext context = new BenchContext(root, quick);
            // PostgreSQL runs as its own process: an interrupted run must still stop it
            Thread stopOnInterrupt = new Thread(() -> closeQuietly(context), "bench-stop");
            Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
            try {
                scenario.run(context, report);
            } finally {
                context.close();
                Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
            }
        }
        System.out.println();
        System.out.println(report.markdown());
        if (!quick) {
            report.save(root.resolve("bench/results"));
        }
        System.exit(0);
    }

    private static void closeQuietly(BenchContext context) {
        try {
            context.close();
        } catch (Exception e) {
            e.printStackTrace();
        }
    }
}
