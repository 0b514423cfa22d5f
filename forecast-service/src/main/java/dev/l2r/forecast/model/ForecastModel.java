package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The forecast as of one moment, trained once from the history known then and asked for any horizon:
 * Σ over open leads of value × P(won within horizon | stage, age in stage), plus the leads not created yet
 * (recent arrival rate × P(won in the time left) × deal value), with a seeded Monte Carlo interval.
 *
 * <p>The simulation alone only knows the luck of the draw given the learned rates; real forecasts also miss because
 * the rates move (seasons, quarter ends, a changing mix). So the interval is calibrated on the model's own record:
 * the same forecast is made at recent past moments whose horizon has fully elapsed by now, and the size of the
 * log ratios actual / forecast seen there, less what the luck of the draw explains at those moments (their exact
 * outcome variance), is the model's own error; each simulated total is multiplied by a log-normal factor with that
 * spread. Multiplying by the ratios themselves, as before, counted the luck twice (too
 * wide where the model is right) and trusted a few overlapping windows (too narrow where it is not). With too few
 * ratios the interval is the simulation's alone, and the answer says so.
 */
public final class ForecastModel {

    public static final String ESTIMATOR = "Aalen-Johansen cumulative incidence of CLOSED_WON per stage, with "
            + "CLOSED_LOST and NO_DECISION as competing outcomes and open spells censored; conditional on no close by "
            + "the lead's age in stage: P = (F_won(age + h) - F_won(age)) / S(age)";
    static final String SIMULATED = "P10/P50/P90 of simulated won revenue (type-7 quantiles): outcome randomness "
            + "given the learned rates only";
    static final String CALIBRATED = "P10/P50/P90 of simulated won revenue (type-7 quantiles), each simulated "
            + "total multiplied by a log-normal factor for the model's own error: the spread of log actual/forecast "
            + "ratios of this model at recent past moments, less the part the luck of the draw explains there "
            + "(intervalModelError is its standard deviation)";

    /**
     * The model's knobs; see application.properties for what each means. {@code calibrationOrigins} past moments
     * are tried for the interval's calibration; it needs {@code minCalibrationRatios} of them with revenue.
     */
    public record Settings(WinModel.Settings cells, int minWonPerSegment, double arrivalWindowDays, int simulations,
                           long seed, int calibrationOrigins, int minCalibrationRatios, boolean seasonality,
                           boolean trend) {
        public Settings {
            if (simulations < 1) {
                throw new IllegalArgumentException("simulations must be at least 1");
            }
        }

        /** Without the arrivals' growth ({@link Trend}). */
        public Settings(WinModel.Settings cells, int minWonPerSegment, double arrivalWindowDays, int simulations,
                        long seed, int calibrationOrigins, int minCalibrationRatios, boolean seasonality) {
            this(cells, minWonPerSegment, arrivalWindowDays, simulations, seed, calibrationOrigins,
                    minCalibrationRatios, seasonality, false);
        }

        /** Without the quarter's calendar ({@link Seasonality}) or the arrivals' growth ({@link Trend}). */
        public Settings(WinModel.Settings cells, int minWonPerSegment, double arrivalWindowDays, int simulations,
                        long seed, int calibrationOrigins, int minCalibrationRatios) {
            this(cells, minWonPerSegment, arrivalWindowDays, simulations, seed, calibrationOrigins,
                    minCalibrationRatios, false, false);
        }

        /**
         * These settings as far as what a model learns depends on them: not the interval's (its simulations, seed and
         * calibration), so that questions differing only in those share what was learned.
         */
        public Settings learningOnly() {
            return new Settings(cells, minWonPerSegment, arrivalWindowDays, 1, 0, 0, 0, seasonality, trend);
        }

        public Settings uncalibrated() {
            return new Settings(cells, minWonPerSegment, arrivalWindowDays, simulations, seed, 0,
                    minCalibrationRatios, seasonality, trend);
        }

        /** With the quarter's calendar learned where the history allows ({@code true}: auto) or not at all. */
        public Settings withSeasonality(boolean auto) {
            return new Settings(cells, minWonPerSegment, arrivalWindowDays, simulations, seed, calibrationOrigins,
                    minCalibrationRatios, auto, trend);
        }

        /** With the arrivals' growth learned where the history allows ({@code true}: auto) or not at all. */
        public Settings withTrend(boolean auto) {
            return new Settings(cells, minWonPerSegment, arrivalWindowDays, simulations, seed, calibrationOrigins,
                    minCalibrationRatios, seasonality, auto);
        }
    }

    private final History history;
    private final Instant asOf;
    /** Whether trained from {@link History#index()} (always, but for the test that compares with the plain way). */
    private final boolean indexed;
    /** A calibration forecast's model: only its expectation and outcome variance are read, not its lines. */
    private final boolean lean;
    /** The calibration points kept between questions on the same (or a carried-over) history. */
    private final CalibrationMemo memo;
    /** The curves, values, arrivals, calendar and growth, learned at asOf or (at scale) at its day's start. */
    private final Learned learned;
    /** The closes made and known by asOf, in the history's order. */
    private final List<Close> closes;
    private final String currency;
    private final List<String> stageOrder;
    private final Settings settings;
    private final List<OpenLead> leads;
    private final int excludedOtherCurrency;
    private final Map<String, Forecast> cache = new HashMap<>();
    private final Map<Double, double[]> ratios = new HashMap<>();
    /** Per horizon, beside each calibration ratio: the outcome variance of its forecast relative to it squared. */
    private final Map<Double, double[]> ratioLuck = new HashMap<>();
    /** Per cached forecast: the variance of its total from the luck of the draw alone (exact, not simulated). */
    private final Map<String, Double> outcomeVariances = new HashMap<>();

    private ForecastModel(History history, Instant asOf, String currency, List<String> stageOrder,
                          Settings settings, boolean indexed, boolean lean, CalibrationMemo memo) {
        this.history = history;
        this.memo = memo;
        this.asOf = asOf;
        this.indexed = indexed;
        this.lean = lean;
        this.currency = currency;
        this.stageOrder = stageOrder;
        this.settings = settings;
        Instant at = indexed ? Learned.moment(history, asOf) : asOf;
        // a calibration point's model is made once and dropped: nothing to share
        this.learned = at.equals(asOf) || lean ? new Learned(history, at, currency, stageOrder, settings, indexed)
                : history.index().learned(new Learned.Key(at, currency, stageOrder, settings),
                        () -> new Learned(history, at, currency, stageOrder, settings, true));
        List<OpenLead> open;
        if (indexed) {
            open = history.index().openAt(asOf);
            this.closes = at.equals(asOf) ? learned.closes : history.index().closesKnownAt(asOf);
        } else {
            History.Snapshot snapshot = history.asOf(asOf);
            open = snapshot.open();
            this.closes = snapshot.closes();
        }
        this.leads = open.stream()
                .filter(l -> l.amount() == null || Objects.equals(l.currency(), currency)).toList();
        this.excludedOtherCurrency = open.size() - leads.size();
    }

    /**
     * Trains on what {@code history} knew at {@code asOf} (event time ≤ asOf); amounts in other currencies than
     * {@code currency} are left out. Only the interval's calibration looks at other moments, all before asOf.
     */
    public static ForecastModel train(History history, Instant asOf, String currency, List<String> stageOrder,
                                      Settings settings) {
        return train(history, asOf, currency, stageOrder, settings, new CalibrationMemo());
    }

    /**
     * The same, reading and keeping its calibration points in {@code memo}, which must hold only points made on this
     * history or carried over to it ({@link CalibrationMemo#carriedOver}).
     */
    public static ForecastModel train(History history, Instant asOf, String currency, List<String> stageOrder,
                                      Settings settings, CalibrationMemo memo) {
        return new ForecastModel(history, asOf, currency, stageOrder, settings, true, false, memo);
    }

    /** The same model trained the plain way, from {@link History#asOf} snapshots: what the index must reproduce. */
    static ForecastModel trainFromSnapshots(History history, Instant asOf, String currency, List<String> stageOrder,
                                            Settings settings) {
        return new ForecastModel(history, asOf, currency, stageOrder, settings, false, false, new CalibrationMemo());
    }

    public WinModel winModel() {
        return learned.win;
    }

    public DealValues dealValues() {
        return learned.values;
    }

    public Instant asOf() {
        return asOf;
    }

    /** The leads open at asOf the forecast counts (priced in its currency, or not priced), in the history's order. */
    List<OpenLead> openLeads() {
        return leads;
    }

    /** The leads open at asOf left out for being priced in another currency. */
    int excludedOtherCurrency() {
        return excludedOtherCurrency;
    }

    /** The forecast over the next {@code horizonDays}, broken down by {@code groupBy} (an attribute name) if given. */
    public Forecast forecast(double horizonDays, String groupBy) {
        return cache.computeIfAbsent(horizonDays + "/" + groupBy, k -> compute(horizonDays, groupBy, true));
    }

    /** The same forecast's expectations only: no simulation, so no interval (P10/P50/P90 are null). */
    public Forecast expectation(double horizonDays, String groupBy) {
        return cache.computeIfAbsent(horizonDays + "/" + groupBy + "/expected",
                k -> compute(horizonDays, groupBy, false));
    }

    /**
     * Actual / forecast ratios of this model at up to {@code calibrationOrigins} past moments t = e − h,
     * e − h − step, ... (step = max(7, h/4) days), where e is the last whole number of steps from the epoch at or
     * before d, the start of asOf's UTC day; each forecast from what was known at t and compared with what was won in
     * (t, t + h], all before asOf. Moments with no forecast or no revenue give no ratio. Empty when there are fewer
     * than {@code minCalibrationRatios}.
     *
     * <p>The moments hang from a grid, not from asOf itself, so that the questions of a day (asOf=now moves on with
     * each) and of the days after find their points in the {@link CalibrationMemo} instead of training twelve models
     * again; the newest window ends up to a step before asOf instead of at it.
     *
     * <p>With the quarter's calendar in use, a window's place in the calendar is part of its error (a window that is
     * a quarter's last month misses differently from one straddling two months), so the moments are first taken
     * whole calendar months back from d (the fewest that put t + h by d, then one more each; from a month's last
     * day, the last days of earlier months, so that the month ends of a backtest share their moments), and only
     * those whose model knew the calendar too count (a forecast made before it was learned is not this model's).
     * With too few of those, the moments are the stepped ones above.
     */
    double[] calibrationRatios(double h) {
        return ratios.computeIfAbsent(h, k -> {
            if (settings.calibrationOrigins() == 0) {
                return new double[0];
            }
            if (learned.seasonality.used()) {
                int first = (int) Math.ceil(h / 28);
                while (first > 0 && !Days.plus(monthsBack(first - 1), h).isAfter(day())) {
                    first--;
                }
                List<Instant> months = new ArrayList<>();
                for (int j = 0; j < settings.calibrationOrigins(); j++) {
                    months.add(monthsBack(first + j));
                }
                if (ratiosAt(h, months, true)) {
                    calendarOrigins.add(h);
                    return ratios(found(h));
                }
            }
            double step = Math.max(7, h / 4);
            // windows end on a grid of whole steps from the epoch: the next day's question, and the next month's
            // forecast in a backtest, find all but the newest of them already made
            long last = (long) Math.floor(Days.between(Instant.EPOCH, day()) / step);
            List<Instant> stepped = new ArrayList<>();
            for (int j = 0; j < settings.calibrationOrigins(); j++) {
                stepped.add(Days.plus(Days.plus(Instant.EPOCH, (last - j) * step), -h));
            }
            return ratiosAt(h, stepped, false) ? ratios(found(h)) : new double[0];
        });
    }

    /** Per horizon, the ratios found by {@link #ratiosAt} (and their luck in {@link #ratioLuck}). */
    private final Map<Double, List<Double>> found = new HashMap<>();
    /** The horizons calibrated at calendar months. */
    private final java.util.Set<Double> calendarOrigins = new java.util.HashSet<>();

    private List<Double> found(double h) {
        return found.get(h);
    }

    private static double[] ratios(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The ratios at {@code origins} (in order, stopping at the history's start), kept with their luck when there are
     * at least {@code minCalibrationRatios}; whether there were.
     */
    private boolean ratiosAt(double h, List<Instant> origins, boolean sameCalendar) {
        Instant start = history.firstSeen() == null ? asOf : history.firstSeen();
        List<Instant> after = new ArrayList<>();
        for (Instant t : origins) {
            if (!t.isAfter(start)) {
                break;
            }
            after.add(t);
        }
        // the points not kept yet are models of their own, independent of each other: made on as many cores as
        // there are (the memo takes concurrent points), then read in order
        after.parallelStream().forEach(t -> point(t, h));
        List<Double> ratioList = new ArrayList<>();
        List<Double> luck = new ArrayList<>();
        for (Instant t : after) {
            CalibrationMemo.Point point = point(t, h);
            if (sameCalendar && !point.calendarKnown()) {
                continue;
            }
            if (point.forecast() > 0 && point.actual() > 0) {
                ratioList.add(point.actual() / point.forecast());
                luck.add(point.luck());
            }
        }
        if (ratioList.size() < settings.minCalibrationRatios()) {
            return false;
        }
        found.put(h, ratioList);
        ratioLuck.put(h, luck.stream().mapToDouble(Double::doubleValue).toArray());
        return true;
    }

    /** The calibration point at {@code t} over h days, from the memo or made and kept there. */
    private CalibrationMemo.Point point(Instant t, double h) {
        return memo.point(key(t, h), () -> calibrationPoint(t, h));
    }

    private CalibrationMemo.Key key(Instant t, double h) {
        return new CalibrationMemo.Key(currency, stageOrder, settings.uncalibrated(), h, t);
    }

    /**
     * The model at {@code t}'s forecast over h days against what was won in (t, t + h]; the memo's other horizons
     * to be made together ({@link CalibrationMemo#makingTogether}) are made from the same model and kept.
     */
    private CalibrationMemo.Point calibrationPoint(Instant t, double h) {
        ForecastModel then = new ForecastModel(history, t, currency, stageOrder, settings.uncalibrated(), indexed,
                true, memo);
        for (double other : memo.together()) {
            if (other != h) {
                memo.offer(key(t, other), then.pointOver(other));
            }
        }
        return then.pointOver(h);
    }

    /** This (calibration) model's point: its forecast over h days against what was won in (asOf, asOf + h]. */
    private CalibrationMemo.Point pointOver(double h) {
        double forecast = expectation(h, null).expectedRevenue().doubleValue();
        double actual = 0;
        Instant end = Days.plus(asOf, h);
        for (Close c : indexed ? history.index().closesBetween(asOf, end) : history.closesBetween(asOf, end)) {
            actual += c.won() && c.pricedIn(currency) ? c.amount().doubleValue() : 0;
        }
        double luck = forecast > 0 ? outcomeVariance(h) / (forecast * forecast) : 0;
        return new CalibrationMemo.Point(forecast, actual, luck, learned.seasonality.used());
    }

    /** The start of asOf's UTC day: the calibration moments hang from it. */
    private Instant day() {
        return asOf.truncatedTo(ChronoUnit.DAYS);
    }

    /**
     * The start of asOf's UTC day {@code months} calendar months earlier; from a month's last day, the last day of
     * that earlier month.
     */
    private Instant monthsBack(int months) {
        LocalDate d = day().atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate back = d.getDayOfMonth() == d.lengthOfMonth()
                ? YearMonth.from(d).minusMonths(months).atEndOfMonth() : d.minusMonths(months);
        return back.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The variance of the forecast's total over {@code h} days from the luck of the draw alone. */
    double outcomeVariance(double h) {
        expectation(h, null);
        return outcomeVariances.get(h + "/null/expected");
    }

    /**
     * The forecast's error beyond the luck of the draw, as the standard deviation of a log-normal factor: the mean
     * square of the log calibration ratios (about 0, not about their mean: a past bias is not corrected today, so
     * it is part of today's likely miss) less the part the draw explains at those moments (each forecast's outcome
     * variance relative to it squared, as a log variance), never below 0. Each ratio's window overlaps its
     * neighbours' when the step is shorter than the horizon, so they count as fewer independent errors, and the
     * estimate from those few is widened as a prediction for one more (× √(1 + 1/n)).
     */
    double modelError(double h) {
        double[] r = calibrationRatios(h);
        double[] luck = ratioLuck.get(h);
        if (r.length < 2) {
            return 0;
        }
        double spread = 0;
        double luckMean = 0;
        for (int i = 0; i < r.length; i++) {
            spread += Math.pow(Math.log(r[i]), 2) / r.length;
            luckMean += Math.log1p(luck[i]) / r.length;
        }
        double step = calendarOrigins.contains(h) ? 365.25 / 12 : Math.max(7, h / 4);
        double independent = 1 + (r.length - 1) * Math.min(1, step / h);
        return Math.sqrt(Math.max(0, spread - luckMean) * (1 + 1 / independent));
    }

    /**
     * The expected won revenue over the next {@code h} days with {@code levers} pulled: the model rerun with its
     * parameters changed (no simulation, not cached).
     */
    public double expectedRevenueUnder(double h, Levers levers) {
        return compute(h, null, false, levers).expectedRevenue().doubleValue();
    }

    private Forecast compute(double h, String groupBy, boolean simulate) {
        return compute(h, groupBy, simulate, Levers.NONE);
    }

    private Forecast compute(double h, String groupBy, boolean simulate, Levers levers) {
        LeadFacts facts = leadFacts();
        List<String> stages = facts.stages;
        Map<String, Integer> groupIndex = groupIndex(groupBy);

        int n = stages.size();
        int[] open = new int[n];
        double[] pipeline = new double[n];
        double[] revenue = new double[n];
        double[] won = new double[n];
        // counted per level and source ordinal, made into maps once at the end
        int[][] stageLevelCounts = new int[n][WinModel.Level.values().length];
        int g = groupIndex.size();
        int[] groupOpen = new int[g];
        double[] groupRevenue = new double[g];
        double[] groupWon = new double[g];
        double[] groupNewRevenue = new double[g];
        int[] levelCounts = new int[WinModel.Level.values().length];
        int[] sourceCounts = new int[DealValues.Source.values().length];
        int thinTail = 0;
        double variance = 0;
        Map<String, Double> frames = learned.timeFrames();
        int[] pastFrame = new int[n];
        double[] pastFrameRevenue = new double[n];
        // the quarter's calendar: 1 unless learned (then every chance of winning in this horizon is scaled alike)
        double season = learned.seasonality.factor(asOf, h);
        // the arrivals' growth from the window's middle to the horizon's: 1 unless learned
        double growth = learned.trend.factor(h);

        // only a simulation reads them: an expectation (a calibration point, a lever) makes none
        List<Simulation.Item> items = simulate ? new ArrayList<>(leads.size()) : List.of();
        LeadLines lines = lean ? null : new LeadLines(leads);
        for (int li = 0; li < leads.size(); li++) {
            int s = facts.stage[li];
            String stage = stages.get(s);
            double age = facts.age[li];
            WinModel.Cell cell = facts.cell[li];
            double p = season == 1 ? learned.chance(stage, cell, age, h)
                    : Math.min(1, season * learned.chance(stage, cell, age, h));
            DealValues.Value value = facts.value[li];
            if (levers != Levers.NONE) {
                p = Math.min(1, levers.conversionFactor(stage) * season
                        * learned.chance(stage, cell, age, h * levers.timeScale()));
                value = value.scaled(1 + levers.dealSize());
            }
            // only a breakdown reads a lead's attributes: the rest is in its facts
            String key = groupBy == null ? null : groupKey(leads.get(li).attributes(), groupBy);
            int gi = groupIndex.get(key);
            if (facts.pastFrame[li]) {
                pastFrame[s]++;
                pastFrameRevenue[s] += p * value.mean();
            }
            open[s]++;
            pipeline[s] += facts.amount[li];
            revenue[s] += p * value.mean();
            won[s] += p;
            stageLevelCounts[s][cell.level().ordinal()]++;
            levelCounts[cell.level().ordinal()]++;
            sourceCounts[value.source().ordinal()]++;
            thinTail += cell.thinTail() ? 1 : 0;
            groupOpen[gi]++;
            groupRevenue[gi] += p * value.mean();
            groupWon[gi] += p;
            variance += p * value.meanSquare() - p * p * value.mean() * value.mean();
            if (simulate) {
                items.add(new Simulation.Item(p, value, s, gi));
            }
            if (!lean) {
                lines.set(li, age, p, cell, value, key);
            }
        }
        Map<WinModel.Level, Integer> levels = counted(levelCounts, WinModel.Level.class);
        Map<DealValues.Source, Integer> sources = counted(sourceCounts, DealValues.Source.class);

        // the recent arrivals, worked out once per class of them alike in all that matters here, then added up in
        // their own order (so to the same sums as one by one)
        Learned.ArrivalClasses classes = learned.arrivalClasses(groupBy);
        int c = classes.firsts().size();
        double[] classWins = new double[c];
        DealValues.Value[] classValue = new DealValues.Value[c];
        int[] classGroup = new int[c];
        int[] classKind = new int[c];
        // classes alike in stage, segment and group make one kind of future leads for the simulation
        Map<List<Object>, Integer> kindIndex = new LinkedHashMap<>();
        List<Integer> kindFirst = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            Arrival a = classes.firsts().get(k);
            String segment = a.attributes().segment();
            WinModel.Cell cell = learned.win.cell(a.stage(), segment, 0);
            DealValues.Value value = learned.values.averageFor(segment);
            double expectedWins = season * growth * cell.integratedWinFromEntry(h) / learned.arrivalWindowDays;
            if (levers != Levers.NONE) {
                // ∫_0^h F(k (h − s)) ds = ∫_0^{kh} F(u) du / k, then the lever's conversion and arrival rate
                double scale = levers.timeScale();
                expectedWins = levers.conversionFactor(a.stage()) * season * growth
                        * cell.integratedWinFromEntry(h * scale) / scale
                        * levers.arrivalsOf(a.attributes().channel()) / learned.arrivalWindowDays;
                value = value.scaled(1 + levers.dealSize());
            }
            classWins[k] = expectedWins;
            classValue[k] = value;
            classGroup[k] = groupIndex.get(groupKey(a.attributes(), groupBy));
            int kind = kindIndex.computeIfAbsent(java.util.Arrays.asList(a.stage(), segment, classGroup[k]),
                    x -> kindIndex.size());
            if (kind == kindFirst.size()) {
                kindFirst.add(k);
            }
            classKind[k] = kind;
        }
        double[] kindWins = new double[kindFirst.size()];
        double newWon = 0;
        double newRevenue = 0;
        for (int k : classes.classOf()) {
            double expectedWins = classWins[k];
            DealValues.Value value = classValue[k];
            int gi = classGroup[k];
            newWon += expectedWins;
            newRevenue += expectedWins * value.mean();
            // a Poisson number of wins, each worth a draw: variance = expected wins × E[value²]
            variance += expectedWins * value.meanSquare();
            groupWon[gi] += expectedWins;
            groupRevenue[gi] += expectedWins * value.mean();
            groupNewRevenue[gi] += expectedWins * value.mean();
            kindWins[classKind[k]] += expectedWins;
        }
        List<Simulation.NewLeads> kinds = new ArrayList<>(kindFirst.size());
        for (int kind = 0; kind < kindFirst.size(); kind++) {
            int first = kindFirst.get(kind);
            kinds.add(new Simulation.NewLeads(kindWins[kind], classValue[first], classGroup[first]));
        }
        List<Arrival> arrivals = learned.recentArrivals;
        double expectedArrivals = arrivals.isEmpty() ? 0 : arrivals.size() / learned.arrivalWindowDays * h;

        outcomeVariances.put(h + "/" + groupBy + (simulate ? "" : "/expected"), variance);
        double[] calibration = simulate ? calibrationRatios(h) : new double[0];
        Simulation.Outcome sim = simulate ? Simulation.run(items, kinds, n, g,
                settings.simulations(), settings.seed(), new double[0], calibration.length == 0 ? 0 : modelError(h))
                : null;

        List<Forecast.StageLine> byStage = new ArrayList<>();
        double totalRevenue = newRevenue;
        double totalWon = newWon;
        for (int i = 0; i < n; i++) {
            totalRevenue += revenue[i];
            totalWon += won[i];
            byStage.add(new Forecast.StageLine(stages.get(i), open[i], Money.of(pipeline[i]), Money.of(revenue[i]),
                    Money.round(won[i], 4), quantile(sim == null ? null : sim.byStage()[i], 0.1),
                    quantile(sim == null ? null : sim.byStage()[i], 0.9),
                    open[i] == 0 ? null : Money.round(won[i] / open[i], 6),
                    counted(stageLevelCounts[i], WinModel.Level.class),
                    frames.containsKey(stages.get(i)) ? Money.round(frames.get(stages.get(i)), 4) : null,
                    frames.containsKey(stages.get(i)) ? pastFrame[i] : null,
                    frames.containsKey(stages.get(i)) ? Money.of(pastFrameRevenue[i]) : null));
        }
        List<Forecast.GroupLine> groups = null;
        if (groupBy != null) {
            groups = new ArrayList<>();
            for (Map.Entry<String, Integer> e : groupIndex.entrySet()) {
                int i = e.getValue();
                double[] sims = sim == null ? null : sim.byGroup()[i];
                groups.add(new Forecast.GroupLine(e.getKey(), groupOpen[i], Money.of(groupRevenue[i]),
                        Money.round(groupWon[i], 4), quantile(sims, 0.1), quantile(sims, 0.5), quantile(sims, 0.9),
                        Money.of(groupNewRevenue[i]), null, sims));
            }
        }
        Forecast.NewLeads newLeads = new Forecast.NewLeads(Money.round(learned.arrivalWindowDays, 2), arrivals.size(),
                arrivals.isEmpty() ? null : Money.round(arrivals.size() / learned.arrivalWindowDays, 4),
                Money.round(expectedArrivals, 2), Money.round(newWon, 4), Money.of(newRevenue));
        int[] counted = lean ? new int[2] : learned.spellCounts();
        List<Double> shownRatios = new ArrayList<>();
        for (double r : calibration) {
            shownRatios.add(Money.round(r, 4));
        }
        Forecast.ModelInfo info = new Forecast.ModelInfo(ESTIMATOR, counted[0], counted[1],
                learned.values.wonDeals(), levels, thinTail, sources, excludedOtherCurrency,
                settings.cells().minClosed(),
                settings.cells().minAtRisk(), settings.minWonPerSegment(), settings.simulations(), settings.seed(),
                calibration.length == 0 ? SIMULATED : CALIBRATED, shownRatios,
                calibration.length == 0 ? null : Money.round(modelError(h), 4), learned.seasonality.info(asOf, h),
                learned.trend.info(h), sim == null ? null : sim.inNormalSums(), learned.at);
        double[] totals = sim == null ? null : sim.totals();
        return new Forecast(asOf, h, currency, Money.of(totalRevenue), quantile(totals, 0.1), quantile(totals, 0.5),
                quantile(totals, 0.9), Money.round(totalWon, 4), byStage, groupBy, groups, newLeads, info, null,
                lean ? List.of() : lines, totals);
    }

    /**
     * Per open lead (as {@link #leads}), what every horizon's forecast reads alike: its stage (a position in
     * {@code stages}: the funnel's open stages, then any other a lead is in, alphabetically), age in stage, cell,
     * value, amount (0 without one) and whether it is past its stage's time frame.
     */
    private record LeadFacts(List<String> stages, int[] stage, double[] age, WinModel.Cell[] cell,
                             DealValues.Value[] value, double[] amount, boolean[] pastFrame) {
    }

    private LeadFacts leadFacts;

    /** Worked out once per model: a calibration model is asked over each length of month, a plan under each lever. */
    private synchronized LeadFacts leadFacts() {
        if (leadFacts == null) {
            List<String> stages = new ArrayList<>(stageOrder);
            leads.stream().map(OpenLead::stage).distinct().sorted().filter(s -> !stages.contains(s))
                    .forEach(stages::add);
            Map<String, Integer> stageIndex = new HashMap<>();
            for (int i = 0; i < stages.size(); i++) {
                stageIndex.put(stages.get(i), i);
            }
            Map<String, Double> frames = learned.timeFrames();
            int n = leads.size();
            LeadFacts made = new LeadFacts(List.copyOf(stages), new int[n], new double[n], new WinModel.Cell[n],
                    new DealValues.Value[n], new double[n], new boolean[n]);
            for (int i = 0; i < n; i++) {
                OpenLead lead = leads.get(i);
                double age = Math.max(0, Days.between(lead.stageSince(), asOf));
                String segment = lead.attributes().segment();
                made.stage[i] = stageIndex.get(lead.stage());
                made.age[i] = age;
                made.cell[i] = learned.win.cell(lead.stage(), segment, age);
                made.value[i] = learned.values.of(segment, lead.amount());
                made.amount[i] = lead.amount() == null ? 0 : lead.amount().doubleValue();
                Double frame = frames.get(lead.stage());
                made.pastFrame[i] = frame != null && age > frame;
            }
            leadFacts = made;
        }
        return leadFacts;
    }

    /**
     * The ratios divided by their median: the spread of past errors, not their level, so the interval stays centred
     * on today's forecast (the earliest moments knew least, and their bias is not today's).
     */
    static double[] centred(double[] ratios) {
        if (ratios.length == 0) {
            return ratios;
        }
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        double median = Quantiles.of(sorted, 0.5);
        double[] centred = new double[ratios.length];
        for (int i = 0; i < ratios.length; i++) {
            centred[i] = ratios[i] / median;
        }
        return centred;
    }

    private static BigDecimal quantile(double[] sorted, double q) {
        return sorted == null ? null : Money.of(Quantiles.of(sorted, q));
    }

    /** The kinds counted (by ordinal) as a map of those counted at least once, in their order. */
    private static <E extends Enum<E>> Map<E, Integer> counted(int[] counts, Class<E> kind) {
        Map<E, Integer> map = new EnumMap<>(kind);
        E[] values = kind.getEnumConstants();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                map.put(values[i], counts[i]);
            }
        }
        return map;
    }

    /** Group keys in a stable order: named values alphabetically, then the leads without a value (null). */
    private Map<String, Integer> groupIndex(String groupBy) {
        if (groupBy == null) {
            // one group, unnamed: every lead's key and every arrival's is null
            Map<String, Integer> one = new LinkedHashMap<>();
            one.put(null, 0);
            return one;
        }
        TreeMap<String, Integer> named = new TreeMap<>();
        boolean unnamed = false;
        for (OpenLead l : leads) {
            String key = groupKey(l.attributes(), groupBy);
            if (key == null) {
                unnamed = true;
            } else {
                named.put(key, 0);
            }
        }
        // every recent arrival's key is its class's
        for (Arrival a : learned.arrivalClasses(groupBy).firsts()) {
            String key = groupKey(a.attributes(), groupBy);
            if (key == null) {
                unnamed = true;
            } else {
                named.put(key, 0);
            }
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String key : named.keySet()) {
            index.put(key, index.size());
        }
        if (unnamed) {
            index.put(null, index.size());
        }
        return index;
    }

    static String groupKey(LeadAttributes attributes, String groupBy) {
        return groupBy == null ? null : attributes.get(groupBy);
    }

    /** Revenue won (priced in the forecast's currency) with event time in [from, before) and known by now. */
    public double wonBetween(Instant from, Instant before) {
        return wonIn(from, before, null, null);
    }

    private double wonIn(Instant from, Instant before, String dimension, String value) {
        double sum = 0;
        for (Close c : closes) {
            if (c.won() && c.pricedIn(currency) && !c.closedAt().isBefore(from) && c.closedAt().isBefore(before)
                    && (dimension == null || Objects.equals(c.attributes().get(dimension), value))) {
                sum += c.amount().doubleValue();
            }
        }
        return sum;
    }

    /**
     * Attainment of {@code target} as of this model's moment: revenue won in its period so far, plus the forecast
     * of what its scope wins from now to the period's end. A target in another currency is not compared.
     */
    public Forecast.Attainment attainment(RevenueTarget target) {
        if (!Objects.equals(target.currency(), currency)) {
            return new Forecast.Attainment(target.from(), target.to(), target.owner(), target.segment(),
                    target.amount(), target.currency(), null, null, null, null, null, null,
                    "the target is in " + target.currency() + " and the forecast in " + currency + ": not compared");
        }
        String dimension = target.dimension();
        double soFar = wonIn(target.from(), target.to(), dimension, target.scopeValue());
        double goal = target.amount().doubleValue();
        double expected = soFar;
        double[] sims = {0};
        if (asOf.isBefore(target.to())) {
            Forecast rest = forecast(Days.between(asOf, target.to()), dimension);
            if (dimension == null) {
                expected += rest.expectedRevenue().doubleValue();
                sims = rest.simulated();
            } else {
                for (Forecast.GroupLine line : rest.groups()) {
                    if (Objects.equals(line.key(), target.scopeValue())) {
                        expected += line.expectedRevenue().doubleValue();
                        sims = line.simulated();
                    }
                }
            }
        }
        int reaching = 0;
        for (double s : sims) {
            reaching += soFar + s >= goal ? 1 : 0;
        }
        return new Forecast.Attainment(target.from(), target.to(), target.owner(), target.segment(),
                target.amount(), currency, Money.of(soFar), Money.of(expected),
                Money.of(soFar + Quantiles.of(sims, 0.1)), Money.of(soFar + Quantiles.of(sims, 0.9)),
                Money.of(goal - expected), Money.round((double) reaching / sims.length, 4), null);
    }
}
