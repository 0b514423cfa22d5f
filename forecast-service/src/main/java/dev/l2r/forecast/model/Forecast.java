package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A revenue forecast as of one moment: the expected won revenue and deals within the horizon, the P10–P90 interval
 * from simulation, the breakdown by current stage and by group, the revenue expected from leads not created yet,
 * and how the model reached it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Forecast(Instant asOf, double horizonDays, String currency, BigDecimal expectedRevenue,
                       BigDecimal p10, BigDecimal p50, BigDecimal p90, double expectedWonDeals,
                       List<StageLine> byStage, String groupBy, List<GroupLine> groups, NewLeads newLeads,
                       ModelInfo model, Attainment target, List<LeadLine> leads,
                       @JsonIgnore double[] simulated) {

    /**
     * Open leads in one stage now. {@code pipelineValue} adds up the amounts that are known. {@code timeFrameDays} is
     * the stage's time frame ({@link StageTimeFrames}; null when nobody left the stage in the last year), and
     * {@code pastTimeFrame} the open leads older in the stage than it, with what they are expected to bring.
     */
    public record StageLine(String stage, int openLeads, BigDecimal pipelineValue, BigDecimal expectedRevenue,
                            double expectedWonDeals, BigDecimal p10, BigDecimal p90, Double meanWinProbability,
                            Map<WinModel.Level, Integer> levels, Double timeFrameDays, Integer pastTimeFrame,
                            BigDecimal pastTimeFrameExpectedRevenue) {
    }

    /** One value of the groupBy attribute (null: leads without it), new leads included. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupLine(String key, int openLeads, BigDecimal expectedRevenue, double expectedWonDeals,
                            BigDecimal p10, BigDecimal p50, BigDecimal p90, BigDecimal newLeadsExpectedRevenue,
                            Attainment target, @JsonIgnore double[] simulated) {
        public GroupLine withTarget(Attainment attainment) {
            return new GroupLine(key, openLeads, expectedRevenue, expectedWonDeals, p10, p50, p90,
                    newLeadsExpectedRevenue, attainment, simulated);
        }
    }

    /** Leads not created yet: the recent arrival rate at the top of the funnel, and what they are expected to win. */
    public record NewLeads(double windowDays, int leadsInWindow, Double perDay, double expectedLeads,
                           double expectedWonDeals, BigDecimal expectedRevenue) {
    }

    /** One open lead's part in the forecast: why it counts for what it does. */
    public record LeadLine(String leadId, String stage, Instant stageSince, double ageDays, double winProbability,
                           WinModel.Level level, boolean thinTail, BigDecimal value, DealValues.Source valueSource,
                           BigDecimal expectedRevenue, String group) {
    }

    /**
     * How the numbers were made: the estimator, how much history, which fallbacks and value sources were used.
     * {@code learnedAt} is the moment the curves, deal values and arrivals were learned at: asOf, or on a history of
     * 100,000 leads or more the start of asOf's UTC day ({@link Learned}); {@code trainedSpells} and
     * {@code closedSpells} count the spells known then.
     */
    public record ModelInfo(String estimator, int trainedSpells, int closedSpells, int wonDealsForValues,
                            Map<WinModel.Level, Integer> levels, int thinTail, Map<DealValues.Source, Integer> values,
                            int excludedOtherCurrency, int minClosedPerCell, int minAtRiskPerCell,
                            int minWonPerSegment, int simulations, long seed, String interval,
                            List<Double> intervalCalibrationRatios, Double intervalModelError,
                            Seasonality.Info seasonality, Trend.Info trend, Integer simulatedInNormalSums,
                            Instant learnedAt) {
    }

    /** Progress against a revenue target: won so far in its period, and what the forecast adds by its end. */
    public record Attainment(Instant from, Instant to, String owner, String segment, BigDecimal target,
                             String currency, BigDecimal attainmentSoFar, BigDecimal expectedAttainment,
                             BigDecimal expectedAttainmentP10, BigDecimal expectedAttainmentP90, BigDecimal gap,
                             Double probabilityToReach, String note) {
    }

    public Forecast withTarget(Attainment attainment, List<GroupLine> groupsWithTargets) {
        return new Forecast(asOf, horizonDays, currency, expectedRevenue, p10, p50, p90, expectedWonDeals, byStage,
                groupBy, groupsWithTargets, newLeads, model, attainment, leads, simulated);
    }

    public Forecast withoutLeads() {
        return new Forecast(asOf, horizonDays, currency, expectedRevenue, p10, p50, p90, expectedWonDeals, byStage,
                groupBy, groups, newLeads, model, target, null, simulated);
    }
}
