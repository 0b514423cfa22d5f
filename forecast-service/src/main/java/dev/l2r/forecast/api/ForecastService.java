package dev.l2r.forecast.api;

import dev.l2r.forecast.model.Backtest;
import dev.l2r.forecast.model.Forecast;
import dev.l2r.forecast.model.ForecastModel;
import dev.l2r.forecast.model.FunnelRoles;
import dev.l2r.forecast.model.Kpis;
import dev.l2r.forecast.model.ReversePlan;
import dev.l2r.forecast.model.RevenueTarget;
import dev.l2r.forecast.model.WinModel;
import dev.l2r.forecast.projection.Projector;
import dev.l2r.forecast.store.HistoryCache;
import dev.l2r.forecast.revenuetargets.TargetStore;
import dev.l2r.platform.consume.ErasedEvents;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Loads what a question needs from the projection and hands it to the model. */
@ApplicationScoped
public class ForecastService {

    @Inject
    HistoryCache history;

    @Inject
    Projector projector;

    @Inject
    TargetStore targets;

    @ConfigProperty(name = "l2r.forecast.min-closed-per-cell")
    int minClosed;

    @ConfigProperty(name = "l2r.forecast.min-at-risk-per-cell")
    int minAtRisk;

    @ConfigProperty(name = "l2r.forecast.min-won-per-segment")
    int minWonPerSegment;

    @ConfigProperty(name = "l2r.forecast.arrival-window-days")
    double arrivalWindowDays;

    @ConfigProperty(name = "l2r.forecast.simulations")
    int simulations;

    @ConfigProperty(name = "l2r.forecast.seed")
    long seed;

    @ConfigProperty(name = "l2r.forecast.calibration.origins")
    int calibrationOrigins;

    @ConfigProperty(name = "l2r.forecast.calibration.min-ratios")
    int minCalibrationRatios;

    @ConfigProperty(name = "l2r.forecast.default-currency")
    Optional<String> defaultCurrency;

    ForecastModel.Settings settings(Integer simulationsAsked, Long seedAsked) {
        return new ForecastModel.Settings(new WinModel.Settings(minClosed, minAtRisk), minWonPerSegment,
                arrivalWindowDays, simulationsAsked != null ? simulationsAsked : simulations,
                seedAsked != null ? seedAsked : seed, calibrationOrigins, minCalibrationRatios, true, true);
    }

    private List<String> stageOrder() {
        return projector.funnel().openStages();
    }

    /**
     * The currency to report in: the one asked for, else the only one the data holds, else the configured default.
     * Amounts are never converted or added across currencies, so data in several needs the question to pick one.
     */
    String currency(String asked) throws SQLException {
        if (asked != null) {
            return asked;
        }
        Set<String> seen = history.currencies();
        if (seen.size() > 1) {
            Set<String> named = new TreeSet<>(Comparator.nullsFirst(Comparator.naturalOrder()));
            named.addAll(seen);
            throw ProblemException.badRequest("currency", "the amounts are in several currencies " + named
                    + ": name one; amounts in the others are left out, never converted or added up");
        }
        return seen.size() == 1 ? seen.iterator().next() : defaultCurrency.orElse(null);
    }

    /** What a trained model depends on: the rows (by revision), its moment, currency, knobs and the funnel. */
    private record ModelKey(long revision, Instant asOf, String currency, ForecastModel.Settings settings,
                            List<String> stages) {
    }

    private record BacktestKey(long revision, List<Backtest.Period> periods, Double horizonDays, String interval,
                               String currency, ForecastModel.Settings settings, List<String> stages,
                               String groupBy) {
    }

    /**
     * Models and backtests already answered at the projection's current revision: the same question (asOf,
     * currency, settings) over the same rows gets the same answer, so it is not worked out again. A new revision
     * makes them unreachable; the few newest are kept.
     */
    private final Map<Object, Object> answered = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Object> eldest) {
            return size() > ANSWERS_KEPT;
        }
    };

    /** A trained model holds its cut of the history: a few fit in memory beside the history at a million leads. */
    private static final int ANSWERS_KEPT = 4;

    @SuppressWarnings("unchecked")
    private <T> T answer(Object key, Answer<T> work) throws SQLException {
        synchronized (answered) {
            Object known = answered.get(key);
            if (known != null) {
                return (T) known;
            }
        }
        T made = work.make();
        synchronized (answered) {
            answered.put(key, made);
        }
        return made;
    }

    private interface Answer<T> {
        T make() throws SQLException;
    }

    /**
     * The model as of {@code asOf}, trained on every row held at this revision: the model reads only what was known
     * at asOf (and its calibration at earlier moments), so this is the model of the history cut at asOf, as
     * HistoryCacheTest checks, and every asOf shares one index of the rows instead of sorting a cut of its own.
     * Callers use it under its own lock: its caches are plain maps.
     */
    ForecastModel model(Instant asOf, String currency, ForecastModel.Settings settings) throws SQLException {
        HistoryCache.View view = history.view();
        List<String> stages = stageOrder();
        return answer(new ModelKey(view.revision(), asOf, currency, settings, stages),
                () -> ForecastModel.train(view.all(), asOf, currency, stages, settings, view.calibration()));
    }

    public Forecast forecast(Instant asOf, double horizonDays, String groupBy, String currencyAsked,
                             Integer simulationsAsked, Long seedAsked) throws SQLException {
        ForecastModel model = model(asOf, currency(currencyAsked), settings(simulationsAsked, seedAsked));
        synchronized (model) {
            return forecast(model, asOf, horizonDays, groupBy);
        }
    }

    private Forecast forecast(ForecastModel model, Instant asOf, double horizonDays, String groupBy)
            throws SQLException {
        Forecast f = model.forecast(horizonDays, groupBy);
        List<RevenueTarget> all = targets.revenueTargets();
        Forecast.Attainment overall = all.stream().filter(t -> t.dimension() == null && t.covers(asOf)).findFirst()
                .map(model::attainment).orElse(null);
        List<Forecast.GroupLine> groups = f.groups();
        if (groups != null && ("owner".equals(groupBy) || "segment".equals(groupBy))) {
            groups = groups.stream().map(g -> all.stream()
                    .filter(t -> groupBy.equals(t.dimension()) && Objects.equals(t.scopeValue(), g.key())
                            && t.covers(asOf))
                    .findFirst().map(t -> g.withTarget(model.attainment(t))).orElse(g)).toList();
        }
        return f.withTarget(overall, groups).withoutLeads();
    }

    /** Every open lead's part in the forecast, largest expected revenue first. */
    public List<Forecast.LeadLine> leads(Instant asOf, double horizonDays, String stage, int limit,
                                         String currencyAsked) throws SQLException {
        // only the leads' lines are wanted: no interval, so no simulation to speak of and no calibration
        ForecastModel model = model(asOf, currency(currencyAsked), settings(1, null).uncalibrated());
        Forecast f;
        synchronized (model) {
            f = model.forecast(horizonDays, null);
        }
        // an erased lead still counts in the totals, under a surrogate; it is no lead to list
        return f.leads().stream().filter(l -> !ErasedEvents.isSurrogate(l.leadId()))
                .filter(l -> stage == null || stage.equals(l.stage()))
                .sorted(Comparator.comparing(Forecast.LeadLine::expectedRevenue).reversed()
                        .thenComparing(Forecast.LeadLine::leadId))
                .limit(limit).toList();
    }

    public Kpis.Result kpis(ApiTimes.Period period, String groupBy, String currencyAsked) throws SQLException {
        String currency = currency(currencyAsked);
        // the state at the period's end: after every event before it
        Instant end = period.to().minus(1, ChronoUnit.MICROS);
        HistoryCache.View view = history.view();
        // the revision's running totals, not a pass over its rows: the same answer as Kpis.compute of
        // view.rows().closesIn(from, to) and view.rows().openAt(end) (KpiIndexTest)
        return view.all().kpiIndex().kpis(period.from(), period.to(), end, FunnelRoles.of(projector.funnel()),
                currency, groupBy);
    }

    public ReversePlan.Plan plan(double targetRevenue, Instant periodStart, Instant periodEnd, Instant asOf,
                                 String currencyAsked) throws SQLException {
        String currency = currency(currencyAsked);
        ForecastModel model = model(asOf, currency, settings(null, null));
        synchronized (model) {
            return ReversePlan.plan(model, stageOrder(), targetRevenue, periodStart, periodEnd, currency);
        }
    }

    /** The plan, with each of {@code levers} answered and the cheapest mix of {@code limits}. */
    public ReversePlan.Plan planWithLevers(double targetRevenue, Instant periodStart, Instant periodEnd, Instant asOf,
                                           String currencyAsked, List<ReversePlan.Lever> levers,
                                           List<ReversePlan.Lever> limits) throws SQLException {
        String currency = currency(currencyAsked);
        ForecastModel model = model(asOf, currency, settings(null, null));
        synchronized (model) {
            return ReversePlan.planWithLevers(model, stageOrder(), targetRevenue, periodStart, periodEnd, currency,
                    levers, limits);
        }
    }

    /**
     * The backtest on every row held, sharing the index the forecasts use: each period's model reads only what was
     * known at its moment and its actuals as known at their window's end, so this is the backtest of the tables cut
     * at the last period (HistoryCacheTest checks), without indexing a cut of a million leads per question.
     */
    public Backtest.Result backtest(List<Backtest.Period> periods, Double horizonDays, String interval,
                                    String currencyAsked, String groupBy, boolean seasonality,
                                    boolean trend)
            throws SQLException {
        String currency = currency(currencyAsked);
        HistoryCache.View view = history.view();
        List<String> stages = stageOrder();
        ForecastModel.Settings settings = settings(null, null).withSeasonality(seasonality).withTrend(trend);
        return answer(new BacktestKey(view.revision(), List.copyOf(periods), horizonDays, interval, currency,
                settings, stages, groupBy), () -> Backtest.run(view.all(), periods, horizonDays, interval, currency,
                stages, settings, groupBy, view.calibration()));
    }
}
