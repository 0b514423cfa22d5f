package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(String period, Instant start, Instant asOf, double horizonDays, BigDecimal forecast,
                      BigDecimal p10, BigDecimal p50, BigDecimal p90, BigDecimal actual, int actualWonDeals,
                      int actualWonWithoutAmount, boolean withinInterval, BigDecimal runRate,
                      BigDecimal weightedPipeline, int openLeads) {
    }

    public record Baseline(String name, Double mape, String description) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(Instant from, Instant to, String interval, Double horizonDays, String currency,
                         List<Row> periods, Double mape, Double coverage, int periodsScored,
                         List<Baseline> baselines, String note) {
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
        List<Row> rows = new ArrayList<>();
        for (Period p : periods) {
            // the moment just before the period: everything that happened before it, nothing at or after its start
            Instant asOf = p.start().minus(1, ChronoUnit.MICROS);
            double h = horizonDays != null ? horizonDays : Days.between(p.start(), p.end());
            History.Snapshot snapshot = history.asOf(asOf);
            ForecastModel model = ForecastModel.train(history, asOf, currency, stageOrder, settings);
            Forecast f = model.forecast(h, null);
            Instant until = Days.plus(asOf, h);
            double actual = 0;
            int wonDeals = 0;
            int unpriced = 0;
            for (Close c : history.closesBetween(asOf, until)) {
                if (!c.won()) {
                    continue;
                }
                wonDeals++;
                if (c.pricedIn(currency)) {
                    actual += c.amount().doubleValue();
                } else {
                    unpriced++;
                }
            }
            double runRate = 0;
            for (Close c : history.closesBetween(Days.plus(asOf, -h), asOf)) {
                runRate += c.won() && c.pricedIn(currency) ? c.amount().doubleValue() : 0;
            }
            double weighted = 0;
            WinModel win = model.winModel();
            for (OpenLead lead : snapshot.open()) {
                if (lead.amount() != null && !java.util.Objects.equals(lead.currency(), currency)) {
                    continue;
                }
                double rate = win.stageWinRate(lead.stage());
                weighted += Double.isNaN(rate) ? 0
                        : rate * model.dealValues().of(lead.attributes().segment(), lead.amount()).mean();
            }
            boolean within = f.p10().doubleValue() <= actual && actual <= f.p90().doubleValue();
            rows.add(new Row(p.label(), p.start(), asOf, Money.round(h, 4), f.expectedRevenue(), f.p10(), f.p50(),
                    f.p90(), Money.of(actual), wonDeals, unpriced, within, Money.of(runRate), Money.of(weighted),
                    snapshot.open().size()));
        }
        List<Row> scored = rows.stream().filter(r -> r.actual().signum() > 0).toList();
        Double mape = mape(scored, Row::forecast);
        Double coverage = scored.isEmpty() ? null
                : Money.round((double) scored.stream().filter(Row::withinInterval).count() / scored.size(), 4);
        List<Baseline> baselines = List.of(
                new Baseline(RUN_RATE, mape(scored, Row::runRate),
                        "revenue won in the horizon-long window just before each period"),
                new Baseline(WEIGHTED_PIPELINE, mape(scored, Row::weightedPipeline),
                        "open pipeline at each period's start, each lead's value times its stage's historical "
                                + "win rate"));
        String note = scored.size() == rows.size() ? null
                : (rows.size() - scored.size()) + " period(s) with no won revenue are left out of MAPE and coverage";
        return new Result(periods.isEmpty() ? null : periods.get(0).start(),
                periods.isEmpty() ? null : periods.get(periods.size() - 1).end(), interval, horizonDays, currency,
                rows, mape, coverage, scored.size(), baselines, note);
    }

    /** Mean absolute percentage error, as a fraction (0.12 is 12%), over periods with revenue won. */
    static Double mape(List<Row> scored, java.util.function.Function<Row, BigDecimal> predicted) {
        if (scored.isEmpty()) {
            return null;
        }
        double sum = 0;
        for (Row r : scored) {
            double actual = r.actual().doubleValue();
            sum += Math.abs(predicted.apply(r).doubleValue() - actual) / actual;
        }
        return Money.round(sum / scored.size(), 6);
    }
}
