package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 */
public final class ForecastModel {

    public static final String ESTIMATOR = "Aalen-Johansen cumulative incidence of CLOSED_WON per stage, with "
            + "CLOSED_LOST and NO_DECISION as competing outcomes and open spells censored; conditional on no close by "
            + "the lead's age in stage: P = (F_won(age + h) - F_won(age)) / S(age)";
    public static final String INTERVAL = "P10/P50/P90 of simulated won revenue (type-7 quantiles)";

    /** The model's knobs; see application.properties for what each means. */
    public record Settings(WinModel.Settings cells, int minWonPerSegment, double arrivalWindowDays, int simulations,
                           long seed) {
        public Settings {
            if (simulations < 1) {
                throw new IllegalArgumentException("simulations must be at least 1");
            }
        }
    }

    private final History.Snapshot snapshot;
    private final String currency;
    private final List<String> stageOrder;
    private final Settings settings;
    private final WinModel win;
    private final DealValues values;
    private final List<OpenLead> leads;
    private final int excludedOtherCurrency;
    private final List<Arrival> recentArrivals;
    private final double arrivalWindowDays;
    private final Map<String, Forecast> cache = new HashMap<>();

    private ForecastModel(History.Snapshot snapshot, String currency, List<String> stageOrder, Settings settings) {
        this.snapshot = snapshot;
        this.currency = currency;
        this.stageOrder = stageOrder;
        this.settings = settings;
        Instant asOf = snapshot.asOf();
        this.win = WinModel.train(snapshot.spells(), asOf, settings.cells());
        this.values = new DealValues(snapshot.closes().stream().filter(Close::won).filter(c -> c.pricedIn(currency))
                .toList(), settings.minWonPerSegment());
        this.leads = snapshot.open().stream()
                .filter(l -> l.amount() == null || Objects.equals(l.currency(), currency)).toList();
        this.excludedOtherCurrency = snapshot.open().size() - leads.size();
        Instant earliest = snapshot.arrivals().stream().map(Arrival::firstSeenAt).min(Comparator.naturalOrder())
                .orElse(asOf);
        // never extrapolate the arrival rate from a window longer than the history itself
        this.arrivalWindowDays = Math.min(settings.arrivalWindowDays(), Days.between(earliest, asOf));
        Instant windowStart = Days.plus(asOf, -arrivalWindowDays);
        this.recentArrivals = arrivalWindowDays < 1 ? List.of() : snapshot.arrivals().stream()
                .filter(a -> !a.firstSeenAt().isBefore(windowStart)).toList();
    }

    /** Trains on everything in {@code snapshot}; amounts in other currencies than {@code currency} are left out. */
    public static ForecastModel train(History.Snapshot snapshot, String currency, List<String> stageOrder,
                                      Settings settings) {
        return new ForecastModel(snapshot, currency, stageOrder, settings);
    }

    public WinModel winModel() {
        return win;
    }

    public DealValues dealValues() {
        return values;
    }

    public Instant asOf() {
        return snapshot.asOf();
    }

    /** The forecast over the next {@code horizonDays}, broken down by {@code groupBy} (an attribute name) if given. */
    public Forecast forecast(double horizonDays, String groupBy) {
        return cache.computeIfAbsent(horizonDays + "/" + groupBy, k -> compute(horizonDays, groupBy));
    }

    private Forecast compute(double h, String groupBy) {
        Instant asOf = snapshot.asOf();
        List<String> stages = new ArrayList<>(stageOrder);
        leads.stream().map(OpenLead::stage).distinct().sorted().filter(s -> !stages.contains(s)).forEach(stages::add);
        Map<String, Integer> stageIndex = new HashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            stageIndex.put(stages.get(i), i);
        }
        Map<String, Integer> groupIndex = groupIndex(groupBy);

        int n = stages.size();
        int[] open = new int[n];
        double[] pipeline = new double[n];
        double[] revenue = new double[n];
        double[] won = new double[n];
        List<Map<WinModel.Level, Integer>> stageLevels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stageLevels.add(new EnumMap<>(WinModel.Level.class));
        }
        int g = groupIndex.size();
        int[] groupOpen = new int[g];
        double[] groupRevenue = new double[g];
        double[] groupWon = new double[g];
        double[] groupNewRevenue = new double[g];
        Map<WinModel.Level, Integer> levels = new EnumMap<>(WinModel.Level.class);
        Map<DealValues.Source, Integer> sources = new EnumMap<>(DealValues.Source.class);
        int thinTail = 0;

        List<Simulation.Item> items = new ArrayList<>(leads.size());
        List<Forecast.LeadLine> lines = new ArrayList<>(leads.size());
        for (OpenLead lead : leads) {
            double age = Math.max(0, Days.between(lead.stageSince(), asOf));
            String segment = lead.attributes().segment();
            WinModel.Cell cell = win.cell(lead.stage(), segment, age);
            double p = cell.winWithin(age, h);
            DealValues.Value value = values.of(segment, lead.amount());
            int s = stageIndex.get(lead.stage());
            String key = groupKey(lead.attributes(), groupBy);
            int gi = groupIndex.get(key);
            open[s]++;
            pipeline[s] += lead.amount() == null ? 0 : lead.amount().doubleValue();
            revenue[s] += p * value.mean();
            won[s] += p;
            stageLevels.get(s).merge(cell.level(), 1, Integer::sum);
            levels.merge(cell.level(), 1, Integer::sum);
            sources.merge(value.source(), 1, Integer::sum);
            thinTail += cell.thinTail() ? 1 : 0;
            groupOpen[gi]++;
            groupRevenue[gi] += p * value.mean();
            groupWon[gi] += p;
            items.add(new Simulation.Item(p, value, s, gi));
            lines.add(new Forecast.LeadLine(lead.leadId(), lead.stage(), lead.stageSince(), Money.round(age, 2),
                    Money.round(p, 6), cell.level(), cell.thinTail(), Money.of(value.mean()), value.source(),
                    Money.of(p * value.mean()), key));
        }

        List<Simulation.Template> templates = new ArrayList<>(recentArrivals.size());
        double newWon = 0;
        double newRevenue = 0;
        for (Arrival a : recentArrivals) {
            WinModel.Cell cell = win.cell(a.stage(), a.attributes().segment(), 0);
            DealValues.Value value = values.averageFor(a.attributes().segment());
            int gi = groupIndex.get(groupKey(a.attributes(), groupBy));
            double expectedWins = cell.integratedWinFromEntry(h) / arrivalWindowDays;
            newWon += expectedWins;
            newRevenue += expectedWins * value.mean();
            groupWon[gi] += expectedWins;
            groupRevenue[gi] += expectedWins * value.mean();
            groupNewRevenue[gi] += expectedWins * value.mean();
            templates.add(new Simulation.Template(cell, value, gi));
        }
        double expectedArrivals = templates.isEmpty() ? 0 : templates.size() / arrivalWindowDays * h;

        Simulation.Outcome sim = Simulation.run(items, templates, expectedArrivals, h, n, g,
                settings.simulations(), settings.seed());

        List<Forecast.StageLine> byStage = new ArrayList<>();
        double totalRevenue = newRevenue;
        double totalWon = newWon;
        for (int i = 0; i < n; i++) {
            totalRevenue += revenue[i];
            totalWon += won[i];
            byStage.add(new Forecast.StageLine(stages.get(i), open[i], Money.of(pipeline[i]), Money.of(revenue[i]),
                    Money.round(won[i], 4), Money.of(Quantiles.of(sim.byStage()[i], 0.1)),
                    Money.of(Quantiles.of(sim.byStage()[i], 0.9)),
                    open[i] == 0 ? null : Money.round(won[i] / open[i], 6), stageLevels.get(i)));
        }
        List<Forecast.GroupLine> groups = null;
        if (groupBy != null) {
            groups = new ArrayList<>();
            for (Map.Entry<String, Integer> e : groupIndex.entrySet()) {
                int i = e.getValue();
                double[] sims = sim.byGroup()[i];
                groups.add(new Forecast.GroupLine(e.getKey(), groupOpen[i], Money.of(groupRevenue[i]),
                        Money.round(groupWon[i], 4), Money.of(Quantiles.of(sims, 0.1)),
                        Money.of(Quantiles.of(sims, 0.5)), Money.of(Quantiles.of(sims, 0.9)),
                        Money.of(groupNewRevenue[i]), null, sims));
            }
        }
        Forecast.NewLeads newLeads = new Forecast.NewLeads(Money.round(arrivalWindowDays, 2), recentArrivals.size(),
                templates.isEmpty() ? null : Money.round(templates.size() / arrivalWindowDays, 4),
                Money.round(expectedArrivals, 2), Money.round(newWon, 4), Money.of(newRevenue));
        int closedSpells = 0;
        for (Spell s : snapshot.spells()) {
            closedSpells += s.observedAt(asOf).outcome() == dev.l2r.events.funnel.StageOutcome.OPEN ? 0 : 1;
        }
        Forecast.ModelInfo info = new Forecast.ModelInfo(ESTIMATOR, snapshot.spells().size(), closedSpells,
                values.wonDeals(), levels, thinTail, sources, excludedOtherCurrency, settings.cells().minClosed(),
                settings.cells().minAtRisk(), settings.minWonPerSegment(), settings.simulations(), settings.seed(),
                INTERVAL);
        return new Forecast(asOf, h, currency, Money.of(totalRevenue), Money.of(Quantiles.of(sim.totals(), 0.1)),
                Money.of(Quantiles.of(sim.totals(), 0.5)), Money.of(Quantiles.of(sim.totals(), 0.9)),
                Money.round(totalWon, 4), byStage, groupBy, groups, newLeads, info, null, lines, sim.totals());
    }

    /** Group keys in a stable order: named values alphabetically, then the leads without a value (null). */
    private Map<String, Integer> groupIndex(String groupBy) {
        TreeMap<String, Integer> named = new TreeMap<>();
        boolean unnamed = groupBy == null;
        for (OpenLead l : leads) {
            String key = groupKey(l.attributes(), groupBy);
            if (key == null) {
                unnamed = true;
            } else {
                named.put(key, 0);
            }
        }
        for (Arrival a : recentArrivals) {
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

    private static String groupKey(LeadAttributes attributes, String groupBy) {
        return groupBy == null ? null : attributes.get(groupBy);
    }

    /** Revenue won (priced in the forecast's currency) with event time in [from, before) and known by now. */
    public double wonBetween(Instant from, Instant before) {
        return wonIn(from, before, null, null);
    }

    private double wonIn(Instant from, Instant before, String dimension, String value) {
        double sum = 0;
        for (Close c : snapshot.closes()) {
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
        Instant asOf = snapshot.asOf();
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
