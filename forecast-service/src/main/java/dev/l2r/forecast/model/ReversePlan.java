package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse funnel: what it takes to reach a revenue target in a period. The gap is the target less what is
 * already won in the period and what the open pipeline is expected to win in it. Closing it takes gap / average deal
 * size new deals; a lead entering a stage now wins within the period with probability F_won(days to its end) −
 * F_won(days to its start) from that stage's curve, so the stage needs deals / that probability new leads; and a
 * lead that wins at the stage's median pace must enter by the period's end less the median days from that stage to
 * won.
 */
public final class ReversePlan {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StagePlan(String stage, WinModel.Level level, Double conversionToWon, Double winWithinPeriod,
                            Double medianDaysToWin, Long newLeadsNeeded, Instant enterBy, boolean late,
                            boolean reachable) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Plan(Instant asOf, Instant periodStart, Instant periodEnd, String currency,
                       BigDecimal targetRevenue, BigDecimal wonSoFar, BigDecimal expectedFromPipeline,
                       BigDecimal gap, BigDecimal averageDealSize, Double dealsNeeded, List<StagePlan> stages,
                       List<String> notes, BigDecimal expectedAttainment, List<LeverAnswer> levers,
                       Mix cheapestMix) {

        /**
         * With the levers' answers: {@code expectedAttainment} is won so far plus everything the forecast expects
         * in the period (new leads too), the figure each lever's answer is compared with.
         */
        Plan withLevers(BigDecimal expected, List<LeverAnswer> answers, Mix mix) {
            return new Plan(asOf, periodStart, periodEnd, currency, targetRevenue, wonSoFar, expectedFromPipeline, gap,
                    averageDealSize, dealsNeeded, stages, notes, expected, answers, mix);
        }
    }

    /** One lever asked about: conversion (at {@code stage}, or every stage), dealSize, cycle or leads (in a channel). */
    public record Lever(String lever, String stage, String channel, double change) {
        public static final List<String> NAMES = List.of("conversion", "dealSize", "cycle", "leads");

        Levers levers() {
            return switch (lever) {
                case "conversion" -> new Levers(change, stage, 0, 0, 0, null);
                case "dealSize" -> new Levers(0, null, change, 0, 0, null);
                case "cycle" -> new Levers(0, null, 0, change, 0, null);
                case "leads" -> new Levers(0, null, 0, 0, change, channel);
                default -> throw new IllegalArgumentException("unknown lever " + lever);
            };
        }

        Lever withChange(double c) {
            return new Lever(lever, stage, channel, c);
        }
    }

    /** What the period is expected to bring with one lever pulled (or a mix), the forecast recomputed under it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeverAnswer(String lever, String stage, String channel, double change,
                              BigDecimal expectedAttainment, BigDecimal gap, boolean reachesTarget) {
    }

    /**
     * The cheapest mix of the levers in {@code limits} that reaches the target: cost is the sum of the relative
     * changes (10% more conversion and 5% bigger deals cost 0.15), searched greedily in steps of 1%.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mix(List<Lever> changes, double cost, BigDecimal expectedAttainment, BigDecimal gap,
                      boolean reachesTarget, String note) {
    }

    static final double STEP = 0.01;

    private ReversePlan() {
    }

    /**
     * Won so far in the period plus what the model, with {@code levers} pulled, expects the period to bring: open
     * leads and leads not created yet, from asOf (or the period's start, if later) to its end.
     */
    static double expectedAttainment(ForecastModel model, Levers levers, Instant periodStart, Instant periodEnd) {
        Instant asOf = model.asOf();
        double daysLeft = Days.between(asOf, periodEnd);
        double daysToStart = Math.max(0, Days.between(asOf, periodStart));
        return model.wonBetween(periodStart, periodEnd) + model.expectedRevenueUnder(daysLeft, levers)
                - (daysToStart > 0 ? model.expectedRevenueUnder(daysToStart, levers) : 0);
    }

    /**
     * The plan, and for each of {@code asked} the period's expected attainment with that lever pulled; with
     * {@code limits}, the cheapest mix of those levers (each from 0 up to its limit's change) that reaches the
     * target: from no change, each round adds 1% to the lever whose step raises the expected attainment most, until
     * the target is reached or every lever is at its limit or none helps.
     */
    public static Plan planWithLevers(ForecastModel model, List<String> openStages, double targetRevenue,
                                            Instant periodStart, Instant periodEnd, String currency,
                                            List<Lever> asked, List<Lever> limits) {
        Plan plan = plan(model, openStages, targetRevenue, periodStart, periodEnd, currency);
        double base = expectedAttainment(model, Levers.NONE, periodStart, periodEnd);
        List<LeverAnswer> answers = new ArrayList<>();
        for (Lever l : asked) {
            answers.add(answer(l, expectedAttainment(model, l.levers(), periodStart, periodEnd), targetRevenue));
        }
        Mix mix = limits.isEmpty() ? null : cheapestMix(model, targetRevenue, periodStart, periodEnd, limits, base);
        return plan.withLevers(Money.of(base), asked.isEmpty() ? null : answers, mix);
    }

    private static LeverAnswer answer(Lever l, double expected, double target) {
        return new LeverAnswer(l.lever(), l.stage(), l.channel(), Money.round(l.change(), 4), Money.of(expected),
                Money.of(Math.max(0, target - expected)), expected >= target);
    }

    private static Mix cheapestMix(ForecastModel model, double target, Instant periodStart, Instant periodEnd,
                                   List<Lever> limits, double base) {
        int[] steps = new int[limits.size()];
        double current = base;
        while (current < target) {
            int best = -1;
            double bestValue = current;
            for (int i = 0; i < limits.size(); i++) {
                if ((steps[i] + 1) * STEP > limits.get(i).change() + 1e-9) {
                    continue;
                }
                steps[i]++;
                double v = expectedAttainment(model, combined(limits, steps), periodStart, periodEnd);
                steps[i]--;
                if (v > bestValue + 1e-9) {
                    best = i;
                    bestValue = v;
                }
            }
            if (best < 0) {
                break;
            }
            steps[best]++;
            current = bestValue;
        }
        List<Lever> changes = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < limits.size(); i++) {
            total += steps[i];
            changes.add(limits.get(i).withChange(Money.round(steps[i] * STEP, 4)));
        }
        boolean reached = current >= target;
        return new Mix(changes, Money.round(total * STEP, 4), Money.of(current), Money.of(Math.max(0, target - current)),
                reached, reached ? null : "the levers at their limits do not reach the target");
    }

    private static Levers combined(List<Lever> limits, int[] steps) {
        Levers all = Levers.NONE;
        for (int i = 0; i < limits.size(); i++) {
            all = all.plus(limits.get(i).withChange(steps[i] * STEP).levers());
        }
        return all;
    }

    /** What the open leads are expected to win in the next {@code days}. */
    private static double pipelineRevenue(ForecastModel model, double days) {
        double sum = 0;
        for (Forecast.StageLine line : model.expectation(days, null).byStage()) {
            sum += line.expectedRevenue().doubleValue();
        }
        return sum;
    }

    /**
     * @param periodStart where won revenue starts counting toward the target; may be before or after the model's asOf
     * @param periodEnd   exclusive end of the period, after asOf
     */
    public static Plan plan(ForecastModel model, List<String> openStages, double targetRevenue, Instant periodStart,
                            Instant periodEnd, String currency) {
        Instant asOf = model.asOf();
        double daysLeft = Days.between(asOf, periodEnd);
        double daysToStart = Math.max(0, Days.between(asOf, periodStart));
        double wonSoFar = model.wonBetween(periodStart, periodEnd);
        double fromPipeline = pipelineRevenue(model, daysLeft)
                - (daysToStart > 0 ? pipelineRevenue(model, daysToStart) : 0);
        double gap = Math.max(0, targetRevenue - wonSoFar - fromPipeline);
        DealValues.Value average = model.dealValues().overall();
        List<String> notes = new ArrayList<>();
        Double deals = null;
        if (gap == 0) {
            deals = 0.0;
            notes.add("won revenue and the open pipeline are expected to reach the target: no new leads needed");
        } else if (average.source() == DealValues.Source.NONE) {
            notes.add("no won deal with an amount in " + currency + " yet: the average deal size, and so the number "
                    + "of deals needed, is unknown");
        } else {
            deals = gap / average.mean();
        }
        WinModel win = model.winModel();
        List<StagePlan> stages = new ArrayList<>();
        for (String stage : openStages) {
            WinModel.Cell cell = win.cell(stage, null, 0);
            CompetingRisks curve = win.stageCurve(stage);
            double within = cell.winBetween(daysToStart, daysLeft);
            double median = win.medianDaysToWin(stage);
            Instant enterBy = Double.isNaN(median) ? null : Days.plus(periodEnd, -median);
            Long needed = deals == null || within <= 0 ? null : (long) Math.ceil(deals / within - 1e-9);
            stages.add(new StagePlan(stage, cell.level(),
                    curve == null || curve.closed() == 0 ? null : Money.round(curve.wonShareOfClosed(), 6),
                    Money.round(within, 6), Money.round(median, 2), needed,
                    enterBy, enterBy != null && enterBy.isBefore(asOf), within > 0));
        }
        return new Plan(asOf, periodStart, periodEnd, currency, Money.of(targetRevenue), Money.of(wonSoFar),
                Money.of(fromPipeline), Money.of(gap),
                average.source() == DealValues.Source.NONE ? null : Money.of(average.mean()),
                deals == null ? null : Money.round(deals, 4), stages, notes, null, null, null);
    }
}
