package dev.l2r.bench.scenario;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.forecast.model.Arrival;
import dev.l2r.forecast.model.Backtest;
import dev.l2r.forecast.model.CalibrationMemo;
import dev.l2r.forecast.model.Close;
import dev.l2r.forecast.model.Forecast;
import dev.l2r.forecast.model.ForecastModel;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.OpenInterval;
import dev.l2r.forecast.model.OpenLead;
import dev.l2r.forecast.model.Spell;
import dev.l2r.forecast.model.WinModel;
import dev.l2r.forecast.projection.LeadHistory;
import dev.l2r.forecast.store.LiveHistory;
import dev.l2r.events.LeadAttributes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Where a forecast's time goes on the benchmark's synthetic pipeline, in process (no database, no HTTP): run by hand
 * with {@code java -cp ... dev.l2r.bench.scenario.TrainingTiming <leads> <moments> [backtest|change [verify]]}. Not a test.
 */
public final class TrainingTiming {

    private TrainingTiming() {
    }

    public static void main(String[] args) {
        int leads = Integer.parseInt(args[0]);
        long t0 = System.nanoTime();
        History history = generate(leads);
        System.out.printf("generated %d leads: %d open intervals, %d spells, %d closes in %d ms%n", leads,
                history.open().size(), history.spells().size(), history.closes().size(),
                (System.nanoTime() - t0) / 1_000_000);
        ForecastModel.Settings settings = new ForecastModel.Settings(new WinModel.Settings(30, 10), 5, 90, 2000, 42,
                12, 4, true);
        List<String> stages = FunnelDefinition.canonical().openStages();
        // as the service keeps it between questions on one history
        CalibrationMemo memo = new CalibrationMemo();
        for (int i = 1; i <= Integer.parseInt(args[1]); i++) {
            Instant asOf = ForecastQueries.END.minusSeconds(3600L * i);
            long a = System.nanoTime();
            ForecastModel m = ForecastModel.train(history, asOf, "USD", stages, settings, memo);
            long b = System.nanoTime();
            Forecast f = m.forecast(90, null);
            long c = System.nanoTime();
            System.out.printf("asOf %s: train %d ms, forecast (with calibration) %d ms, %d calibration points kept; "
                    + "expected %s, P10 %s, P50 %s, P90 %s%n", asOf, (b - a) / 1_000_000, (c - b) / 1_000_000,
                    memo.size(), f.expectedRevenue(), f.p10(), f.p50(), f.p90());
        }
        if (args.length > 2 && args[2].equals("change")) {
            changes(history, memo, stages, settings, args.length > 3 && args[3].equals("verify"));
        } else if (args.length > 2) {
            long a = System.nanoTime();
            long cpu = processCpuNanos();
            List<Backtest.Period> periods = Backtest.periods(Instant.parse("2024-01-01T00:00:00Z"),
                    Instant.parse("2025-01-01T00:00:00Z"), "month");
            CalibrationMemo points = new CalibrationMemo();
            Backtest.Result r = Backtest.run(history, periods, null, "month", "USD", stages, settings, null, points);
            System.out.printf("backtest %d ms (%d ms of CPU), %d calibration points made; MAPE %s, coverage %s, "
                    + "bias %s%n", (System.nanoTime() - a) / 1_000_000, (processCpuNanos() - cpu) / 1_000_000,
                    points.size(), r.mape(), r.coverage(), r.bias());
            r.periods().forEach(p -> System.out.printf("  %s forecast %s P10 %s P90 %s actual %s%n", p.period(),
                    p.forecast(), p.p10(), p.p90(), p.actual()));
        }
    }

    /**
     * As the service lives with changes: the rows held per lead ({@link LiveHistory}), one lead more at a time (as the
     * harness's "after a new lead"), each followed by a question: where a change's cost goes.
     */
    private static void changes(History history, CalibrationMemo memo, List<String> stages,
                                ForecastModel.Settings settings, boolean verify) {
        long a = System.nanoTime();
        LiveHistory live = new LiveHistory();
        live.load(history);
        History current = live.rows().all();
        current.carryLearnedFrom(history, null);
        System.out.printf("held per lead in %d ms%n", (System.nanoTime() - a) / 1_000_000);
        ForecastModel.train(current, ForecastQueries.END.minusSeconds(3600), "USD", stages, settings, memo)
                .forecast(90, null);
        for (int k = 0; k < 3; k++) {
            String id = "bench-live-" + k;
            Instant at = ForecastQueries.END.minusSeconds(600L * (3 - k));
            LeadAttributes attributes = new LeadAttributes("channel-0", "segment-0", "owner-0", null);
            History rows = new History(
                    List.of(new OpenInterval(new OpenLead(id, "MQL", at, null, null, attributes), at, null)),
                    List.of(new Spell(id, "MQL", at, null, null, attributes)), List.of(),
                    List.of(new Arrival(id, at, "MQL", attributes)));
            long t0 = System.nanoTime();
            Instant changedFrom = live.replace(Set.of(id), rows);
            memo = memo.carriedOver(changedFrom);
            long t1 = System.nanoTime();
            LiveHistory.Rows held = live.rows();
            long t2 = System.nanoTime();
            History next = held.all();
            next.carryLearnedFrom(current, changedFrom);
            long t3 = System.nanoTime();
            Forecast f = ForecastModel.train(next, at.plusSeconds(60), "USD", stages, settings, memo)
                    .forecast(90, null);
            long t4 = System.nanoTime();
            System.out.printf("change %d: patch %d ms, copy rows %d ms, history %d ms, question (index, model, "
                    + "forecast) %d ms; total %d ms; expected %s%n", k, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                    (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000, (t4 - t0) / 1_000_000, f.expectedRevenue());
            if (verify && k == 0) {
                // the same rows without the carried learning: the answer must not differ
                Forecast fresh = ForecastModel.train(held.all(), at.plusSeconds(60), "USD", stages, settings,
                        new CalibrationMemo()).forecast(90, null);
                System.out.printf("  learned again: expected %s, P10 %s, P50 %s, P90 %s; carried: P10 %s, P50 %s, "
                        + "P90 %s%n", fresh.expectedRevenue(), fresh.p10(), fresh.p50(), fresh.p90(), f.p10(), f.p50(),
                        f.p90());
            }
            current = next;
        }
    }

    /** CPU time of the whole process: on a shared machine, steadier than the wall clock. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The benchmark's pipeline ({@link ForecastQueries#lead}), projected by the projection's own code. */
    public static History generate(int leads) {
        SplittableRandom random = new SplittableRandom(20250301);
        FunnelDefinition funnel = FunnelDefinition.canonical();
        List<OpenInterval> open = new ArrayList<>();
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            List<LeadStageChanged> events = new ArrayList<>(4);
            ForecastQueries.lead(i, random, events);
            LeadHistory h = LeadHistory.of(funnel, "bench-" + i, events);
            for (LeadHistory.StateRow r : h.states()) {
                if (r.open()) {
                    open.add(new OpenInterval(new OpenLead(r.leadId(), r.stage(), r.stageSince(), r.amount(),
                            r.currency(), r.attributes()), r.validFrom(), r.validTo()));
                }
            }
            spells.addAll(h.spells());
            closes.addAll(h.closes());
            if (h.arrival() != null) {
                arrivals.add(h.arrival());
            }
        }
        return new History(open, spells, closes, arrivals);
    }
}
