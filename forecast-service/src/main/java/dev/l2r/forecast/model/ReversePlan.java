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
                       List<String> notes) {
    }

    private ReversePlan() {
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
                deals == null ? null : Money.round(deals, 4), stages, notes);
    }
}
