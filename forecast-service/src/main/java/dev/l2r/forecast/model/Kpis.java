package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sales KPIs (docs/architecture.md, "Metrics") over a period: win rate = won / (won + lost) among deals closed in it (no-decision
 * left out); average deal size = mean amount of its won deals; sales cycle = mean days from opportunity (or, without
 * one, sales-qualified) to won; open opportunities and their known amounts at the period's end; sales velocity =
 * open opportunities × average deal size × win rate / sales-cycle days.
 */
public final class Kpis {

    /** One set of figures: overall (key null) or for one group. Undefined figures are null, never made up. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Figures(String key, Double winRate, BigDecimal averageDealSize, Double salesCycleDays,
                          int openOpportunities, BigDecimal pipelineValue, int opportunitiesWithoutAmount,
                          int opportunitiesInOtherCurrencies, BigDecimal salesVelocityPerDay, int won, int lost,
                          int noDecision, BigDecimal wonRevenue, int wonWithoutAmount, int wonInOtherCurrencies) {
    }

    /** The answer: the overall figures flattened at the top, and the groups. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(Instant from, Instant to, String currency, Double winRate, BigDecimal averageDealSize,
                         Double salesCycleDays, int openOpportunities, BigDecimal pipelineValue,
                         int opportunitiesWithoutAmount, int opportunitiesInOtherCurrencies,
                         BigDecimal salesVelocityPerDay, int won, int lost, int noDecision, BigDecimal wonRevenue,
                         int wonWithoutAmount, int wonInOtherCurrencies, String groupBy, List<Figures> groups) {
    }

    private Kpis() {
    }

    /**
     * @param closes     the closes with event time in the period
     * @param openAtEnd  the leads open at the period's end
     * @param roles      which stages count as opportunities
     */
    public static Result compute(Instant from, Instant to, Collection<Close> closes, Collection<OpenLead> openAtEnd,
                                 FunnelRoles roles, String currency, String groupBy) {
        Set<String> pipeline = Set.copyOf(roles.pipelineStages());
        List<OpenLead> opportunities = openAtEnd.stream().filter(l -> pipeline.contains(l.stage())).toList();
        Figures all = tally(closes, opportunities, currency).figures(null);
        List<Figures> groups = null;
        if (groupBy != null) {
            Map<String, List<Close>> closesByKey = new TreeMap<>(KEY_ORDER);
            Map<String, List<OpenLead>> openByKey = new TreeMap<>(KEY_ORDER);
            closes.forEach(c -> closesByKey.computeIfAbsent(c.attributes().get(groupBy), k -> new ArrayList<>()).add(c));
            opportunities.forEach(l -> openByKey.computeIfAbsent(l.attributes().get(groupBy), k -> new ArrayList<>())
                    .add(l));
            Set<String> keys = new TreeSet<>(KEY_ORDER);
            keys.addAll(closesByKey.keySet());
            keys.addAll(openByKey.keySet());
            groups = new ArrayList<>();
            for (String key : keys) {
                groups.add(tally(closesByKey.getOrDefault(key, List.of()), openByKey.getOrDefault(key, List.of()),
                        currency).figures(key));
            }
        }
        return result(from, to, currency, groupBy, all, groups);
    }

    /** The order groups are answered in: by key, the leads without one last. */
    static final Comparator<String> KEY_ORDER = Comparator.nullsLast(Comparator.naturalOrder());

    static Result result(Instant from, Instant to, String currency, String groupBy, Figures all, List<Figures> groups) {
        return new Result(from, to, currency, all.winRate(), all.averageDealSize(), all.salesCycleDays(),
                all.openOpportunities(), all.pipelineValue(), all.opportunitiesWithoutAmount(),
                all.opportunitiesInOtherCurrencies(), all.salesVelocityPerDay(), all.won(), all.lost(),
                all.noDecision(), all.wonRevenue(), all.wonWithoutAmount(), all.wonInOtherCurrencies(), groupBy,
                groups);
    }

    /** The counts and exact sums of some closes and open opportunities, the figures' one source. */
    static Tally tally(Collection<Close> closes, Collection<OpenLead> opportunities, String currency) {
        int won = 0;
        int lost = 0;
        int noDecision = 0;
        int priced = 0;
        int unpriced = 0;
        int otherCurrency = 0;
        BigDecimal wonRevenue = BigDecimal.ZERO;
        long cycleMicros = 0;
        BigDecimal cycleMicrosOver = BigDecimal.ZERO;
        int cycles = 0;
        for (Close c : closes) {
            switch (c.outcome()) {
                case WON -> won++;
                case LOST -> lost++;
                case NO_DECISION -> noDecision++;
                default -> throw new IllegalStateException("a close cannot be open");
            }
            if (!c.won()) {
                continue;
            }
            if (c.pricedIn(currency)) {
                priced++;
                wonRevenue = wonRevenue.add(c.amount());
            } else if (c.amount() == null) {
                unpriced++;
            } else {
                otherCurrency++;
            }
            if (c.cycleStart() != null) {
                long micros = Days.micros(c.cycleStart(), c.closedAt());
                try {
                    cycleMicros = Math.addExact(cycleMicros, micros);
                } catch (ArithmeticException e) {
                    cycleMicrosOver = cycleMicrosOver.add(BigDecimal.valueOf(cycleMicros));
                    cycleMicros = micros;
                }
                cycles++;
            }
        }
        int open = opportunities.size();
        BigDecimal pipelineValue = BigDecimal.ZERO;
        int withoutAmount = 0;
        int openOtherCurrency = 0;
        for (OpenLead l : opportunities) {
            if (l.amount() == null) {
                withoutAmount++;
            } else if (Objects.equals(l.currency(), currency)) {
                pipelineValue = pipelineValue.add(l.amount());
            } else {
                openOtherCurrency++;
            }
        }
        return new Tally(won, lost, noDecision, priced, unpriced, otherCurrency, wonRevenue,
                cycleMicrosOver.add(BigDecimal.valueOf(cycleMicros)), cycles, open, pipelineValue, withoutAmount,
                openOtherCurrency);
    }

    /**
     * What the figures are computed from. Money and cycle lengths are summed exactly (in any order, as
     * {@link KpiIndex}'s running totals do), then each figure is computed once from the sums; the won revenue, the
     * pipeline value and the average deal size are rounded to the cent from the exact amounts (half to even).
     *
     * <p>Until 2026-12 they were double running sums in the order the rows came, which differ in their last bits
     * with the order. Where that showed: an average deal exactly on a half cent (0.20 and 0.01 average 0.105, which
     * is 0.10 half to even; the double sum 0.21000000000000002 made it 0.11), and sums of amounts with digits below
     * the cent (0.1 + 0.005 = 0.105 is 0.10; the double 0.10500000000000001 made 0.11). Sales cycle, win rate and
     * velocity are still doubles computed once from the exact sums; they round as before but for a last-bit tie.
     */
    record Tally(int won, int lost, int noDecision, int priced, int unpriced, int otherCurrency,
                 BigDecimal wonRevenue, BigDecimal cycleMicros, int cycles, int open, BigDecimal pipelineValue,
                 int withoutAmount, int openOtherCurrency) {

        /** Whether anything at all closed in the period or is open at its end (a group without either is left out). */
        boolean any() {
            return won + lost + noDecision > 0 || open > 0;
        }

        Figures figures(String key) {
            double winRate = won + lost == 0 ? Double.NaN : (double) won / (won + lost);
            double average = priced == 0 ? Double.NaN : wonRevenue.doubleValue() / priced;
            double cycle = cycles == 0 ? Double.NaN : cycleMicros.doubleValue() / MICROS_PER_DAY / cycles;
            double velocity = open * average * winRate / cycle;
            BigDecimal averageDealSize = priced == 0 ? null
                    : wonRevenue.divide(BigDecimal.valueOf(priced), 2, RoundingMode.HALF_EVEN);
            return new Figures(key, Money.round(winRate, 6), averageDealSize, Money.round(cycle, 4), open,
                    cents(pipelineValue), withoutAmount, openOtherCurrency, Money.orNull(velocity), won, lost,
                    noDecision, cents(wonRevenue), unpriced, otherCurrency);
        }
    }

    private static final double MICROS_PER_DAY = 86_400_000_000.0;

    private static BigDecimal cents(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_EVEN);
    }
}
