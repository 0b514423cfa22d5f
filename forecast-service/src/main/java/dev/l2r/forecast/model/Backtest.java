package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Forecasts made in the past, scored against what happened. Each period is forecast from its start, knowing only
 * the events that happened before it, and compared with the revenue actually won in the horizon from its start.
 * Two baselines are made the same way: the run-rate (revenue won in the horizon-long window just before the period)
 * and the weighted pipeline (each open lead's value × its stage's historical win rate, as HubSpot- or Odoo-style
 * tools weight deals).
 */
public final class Backtest {

    public static final String RUN_RATE = "run-rate";
    public static final String WEIGHTED_PIPELINE = "weighted-pipeline";

    /** A period to forecast: [start, end) with a label. */
    public record Period(String label, Instant start, Instant end) {
    }

    /** What a score is made of: one forecast with its band, what happened, and the two baselines' figures. */
    interface Scored {
        BigDecimal forecast();

        BigDecimal actual();

        boolean withinInterval();

        BigDecimal runRate();

        BigDecimal weightedPipeline();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(String period, Instant start, Instant asOf, double horizonDays, BigDecimal forecast,
                      BigDecimal p10, BigDecimal p50, BigDecimal p90, BigDecimal actual, int actualWonDeals,
                      int actualWonWithoutAmount, boolean withinInterval, BigDecimal runRate,
                      BigDecimal weightedPipeline, int openLeads, List<GroupRow> groups) implements Scored {
    }

    /** One group's part of a period: its forecast and band, what it won, and its baselines. */
    public record GroupRow(String key, BigDecimal forecast, BigDecimal p10, BigDecimal p90, BigDecimal actual,
                           boolean withinInterval, BigDecimal runRate, BigDecimal weightedPipeline) implements Scored {
    }

    /** A baseline's MAPE and bias (mean signed error as a fraction of actual), over the same periods. */
    public record Baseline(String name, Double mape, Double bias, String description) {
    }

    /** The scores of one group over the periods it won revenue in. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupResult(String key, int periodsScored, Double mape, Double coverage, Double bias,
                              List<Baseline> baselines) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(Instant from, Instant to, String interval, Double horizonDays, String currency,
                         List<Row> periods, Double mape, Double coverage, Double bias, int periodsScored,
                         List<Baseline> baselines, String groupBy, List<GroupResult> groups, String note) {
    }

    /** The intervals a backtest may step by. */
    public static final List<String> INTERVALS = List.of("week", "month", "quarter");

    private Backtest() {
    }

    /**
     * Consecutive periods of {@code interval} from {@code from}, the last one cut at {@code to}. A period starting on
     * a calendar boundary is labelled by it (2017-04, 2017-Q2); otherwise by its start date.
     */
    public static List<Period> periods(Instant from, Instant to, String interval) {
        return periods(from, to, interval, Integer.MAX_VALUE);
    }

    /**
     * At most {@code max + 1} of those periods: enough to tell that a range holds more than {@code max}, without
     * making every week of ten thousand years first.
     */
    public static List<Period> periods(Instant from, Instant to, String interval, int max) {
        List<Period> periods = new ArrayList<>();
        ZonedDateTime start = from.atZone(ZoneOffset.UTC);
        while (start.toInstant().isBefore(to) && periods.size() <= max) {
            ZonedDateTime next = switch (interval) {
                case "week" -> start.plusWeeks(1);
                case "month" -> start.plusMonths(1);
                case "quarter" -> start.plusMonths(3);
                default -> throw new IllegalArgumentException("unknown interval " + interval);
            };
            Instant end = next.toInstant().isAfter(to) ? to : next.toInstant();
            periods.add(new Period(label(start, interval), start.toInstant(), end));
            start = next;
        }
        return periods;
    }

    private static String label(ZonedDateTime start, String interval) {
        boolean midnight = start.toLocalTime().equals(LocalTime.MIDNIGHT);
        if (midnight && interval.equals("month") && start.getDayOfMonth() == 1) {
            return YearMonth.from(start).toString();
        }
        if (midnight && interval.equals("quarter") && start.getDayOfMonth() == 1
                && (start.getMonthValue() - 1) % 3 == 0) {
            return start.getYear() + "-Q" + ((start.getMonthValue() - 1) / 3 + 1);
        }
        return midnight ? start.toLocalDate().toString() : start.toInstant().toString();
    }

    /**
     * @param horizonDays the horizon of every forecast, or null for each period's own length
     */
    public static Result run(History history, List<Period> periods, Double horizonDays, String interval,
                             String currency, List<String> stageOrder, ForecastModel.Settings settings) {
        return run(history, periods, horizonDays, interval, currency, stageOrder, settings, null);
    }

    /**
     * The same, scored per value of {@code groupBy} (an attribute name) as well when it is given: each group's
     * forecast and band are the model's for that group, its actual what the closes carrying that value won, its
     * run-rate and weighted pipeline likewise restricted.
     */
    public static Result run(History history, List<Period> periods, Double horizonDays, String interval,
                             String currency, List<String> stageOrder, ForecastModel.Settings settings,
                             String groupBy) {
        return run(history, periods, horizonDays, interval, currency, stageOrder, settings, groupBy,
                new CalibrationMemo());
    }

    /**
     * The same, its forecasts' calibration points read from and kept in {@code memo} (one memo for all of them:
     * consecutive periods' forecasts share most of their calibration moments).
     */
    public static Result run(History history, List<Period> periods, Double horizonDays, String interval,
                             String currency, List<String> stageOrder, ForecastModel.Settings settings,
                             String groupBy, CalibrationMemo memo) {
        // months of 28 to 31 days ask the same calibration origins over each length: one model per origin for all
        Set<Double> horizons = new TreeSet<>();
        periods.forEach(p -> horizons.add(horizonDays != null ? horizonDays : Days.between(p.start(), p.end())));
        CalibrationMemo shared = horizons.size() > 1 ? memo.makingTogether(horizons) : memo;
        // the periods' forecasts are independent (they share only the memo, which takes concurrent points): on as
        // many cores as there are, in the periods' order
        List<Row> rows = periods.parallelStream()
                .map(p -> row(history, p, horizonDays, currency, stageOrder, settings, groupBy, shared)).toList();
        List<Row> scored = rows.stream().filter(r -> r.actual().signum() > 0).toList();
        String note = scored.size() == rows.size() ? null
                : (rows.size() - scored.size()) + " period(s) with no won revenue are left out of MAPE and coverage";
        return new Result(periods.isEmpty() ? null : periods.get(0).start(),
                periods.isEmpty() ? null : periods.get(periods.size() - 1).end(), interval, horizonDays, currency,
                rows, mape(scored, Row::forecast), coverage(scored), bias(scored, Row::forecast), scored.size(),
                baselines(scored), groupBy, groupBy == null ? null : groupResults(rows), note);
    }

    /** One period: the forecast made just before it, what it won, and the baselines. */
    private static Row row(History history, Period p, Double horizonDays, String currency, List<String> stageOrder,
                           ForecastModel.Settings settings, String groupBy, CalibrationMemo memo) {
        // the moment just before the period: everything that happened before it, nothing at or after its start
        Instant asOf = p.start().minus(1, ChronoUnit.MICROS);
        double h = horizonDays != null ? horizonDays : Days.between(p.start(), p.end());
        HistoryIndex index = history.index();
        ForecastModel model = ForecastModel.train(history, asOf, currency, stageOrder, settings, memo);
        Forecast f = model.forecast(h, groupBy);
        Instant until = Days.plus(asOf, h);
        Map<String, double[]> byGroup = new LinkedHashMap<>();
        if (f.groups() != null) {
            for (Forecast.GroupLine line : f.groups()) {
                byGroup.put(line.key(), new double[3]);
            }
        }
        double actual = 0;
        int wonDeals = 0;
        int unpriced = 0;
        for (Close c : index.closesBetween(asOf, until)) {
            if (!c.won()) {
                continue;
            }
            wonDeals++;
            if (c.pricedIn(currency)) {
                actual += c.amount().doubleValue();
                add(byGroup, groupBy, c.attributes(), ACTUAL, c.amount().doubleValue());
            } else {
                unpriced++;
            }
        }
        double runRate = 0;
        for (Close c : index.closesBetween(Days.plus(asOf, -h), asOf)) {
            if (c.won() && c.pricedIn(currency)) {
                runRate += c.amount().doubleValue();
                add(byGroup, groupBy, c.attributes(), RUN_RATE_SUM, c.amount().doubleValue());
            }
        }
        double weighted = 0;
        WinModel win = model.winModel();
        // the leads the forecast counts: those priced in another currency are left out of the weighted pipeline too
        for (OpenLead lead : model.openLeads()) {
            double rate = win.stageWinRate(lead.stage());
            double w = Double.isNaN(rate) ? 0
                    : rate * model.dealValues().of(lead.attributes().segment(), lead.amount()).mean();
            weighted += w;
            add(byGroup, groupBy, lead.attributes(), WEIGHTED_SUM, w);
        }
        boolean within = f.p10().doubleValue() <= actual && actual <= f.p90().doubleValue();
        int open = model.openLeads().size() + model.excludedOtherCurrency();
        return new Row(p.label(), p.start(), asOf, Money.round(h, 4), f.expectedRevenue(), f.p10(), f.p50(),
                f.p90(), Money.of(actual), wonDeals, unpriced, within, Money.of(runRate), Money.of(weighted), open,
                groupBy == null ? null : groupRows(f, byGroup));
    }

    private static final int ACTUAL = 0;
    private static final int RUN_RATE_SUM = 1;
    private static final int WEIGHTED_SUM = 2;

    private static void add(Map<String, double[]> byGroup, String groupBy, LeadAttributes attributes, int what,
                            double amount) {
        if (groupBy != null) {
            byGroup.computeIfAbsent(attributes.get(groupBy), k -> new double[3])[what] += amount;
        }
    }

    /** The model's groups in its order, then groups it did not forecast (nothing open or arriving) that won. */
    private static List<GroupRow> groupRows(Forecast f, Map<String, double[]> byGroup) {
        List<GroupRow> out = new ArrayList<>();
        Map<String, Forecast.GroupLine> lines = new HashMap<>();
        f.groups().forEach(l -> lines.put(l.key(), l));
        byGroup.forEach((key, sums) -> {
            Forecast.GroupLine line = lines.get(key);
            BigDecimal forecast = line == null ? Money.of(0) : line.expectedRevenue();
            BigDecimal p10 = line == null ? Money.of(0) : line.p10();
            BigDecimal p90 = line == null ? Money.of(0) : line.p90();
            double actual = sums[ACTUAL];
            out.add(new GroupRow(key, forecast, p10, p90, Money.of(actual),
                    p10.doubleValue() <= actual && actual <= p90.doubleValue(), Money.of(sums[RUN_RATE_SUM]),
                    Money.of(sums[WEIGHTED_SUM])));
        });
        return out;
    }

    private static List<GroupResult> groupResults(List<Row> rows) {
        Map<String, List<GroupRow>> byKey = new LinkedHashMap<>();
        for (Row r : rows) {
            for (GroupRow g : r.groups()) {
                byKey.computeIfAbsent(g.key(), k -> new ArrayList<>()).add(g);
            }
        }
        List<GroupResult> out = new ArrayList<>();
        byKey.forEach((key, list) -> {
            List<GroupRow> scored = list.stream().filter(g -> g.actual().signum() > 0).toList();
            out.add(new GroupResult(key, scored.size(), mape(scored, GroupRow::forecast), coverage(scored),
                    bias(scored, GroupRow::forecast), baselines(scored)));
        });
        return out;
    }

    private static <T extends Scored> List<Baseline> baselines(List<T> scored) {
        return List.of(
                new Baseline(RUN_RATE, mape(scored, Scored::runRate), bias(scored, Scored::runRate),
                        "revenue won in the horizon-long window just before each period"),
                new Baseline(WEIGHTED_PIPELINE, mape(scored, Scored::weightedPipeline),
                        bias(scored, Scored::weightedPipeline),
                        "open pipeline at each period's start, each lead's value times its stage's historical "
                                + "win rate"));
    }

    private static Double coverage(List<? extends Scored> scored) {
        return scored.isEmpty() ? null
                : Money.round((double) scored.stream().filter(Scored::withinInterval).count() / scored.size(), 4);
    }

    /** Mean absolute percentage error, as a fraction (0.12 is 12%), over periods with revenue won. */
    static <T extends Scored> Double mape(List<T> scored, Function<T, BigDecimal> predicted) {
        return meanRelativeError(scored, predicted, Math::abs);
    }

    /**
     * Mean signed error as a fraction of actual, over periods with revenue won: positive when the forecast runs
     * high, negative when it runs low (−0.2 is 20% short on average).
     */
    static <T extends Scored> Double bias(List<T> scored, Function<T, BigDecimal> predicted) {
        return meanRelativeError(scored, predicted, e -> e);
    }

    private static <T extends Scored> Double meanRelativeError(List<T> scored, Function<T, BigDecimal> predicted,
                                                              java.util.function.DoubleUnaryOperator error) {
        if (scored.isEmpty()) {
            return null;
        }
        double sum = 0;
        for (T r : scored) {
            double actual = r.actual().doubleValue();
            sum += error.applyAsDouble(predicted.apply(r).doubleValue() - actual) / actual;
        }
        return Money.round(sum / scored.size(), 6);
    }
}
