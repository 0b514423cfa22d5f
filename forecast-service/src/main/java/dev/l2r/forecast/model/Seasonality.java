package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The quarter's calendar in won deals: how many of a quarter's wins fall in its first, second and third month,
 * learned from the complete calendar quarters (UTC) of won closes known at a moment. B2B sales bunch wins at quarter
 * end; a forecast whose win curves know only time-in-stage spreads them evenly. A factor f_m is the mean, over
 * those quarters, of month m's wins per day over the quarter's wins per day (so months of 28 and 31 days compare
 * fairly, and a quarter's level, which grows or shrinks with the business, cancels out); the forecast over a
 * horizon is scaled by the factors' average over its days.
 *
 * <p>It is used only with at least {@link #MIN_QUARTERS} complete quarters of wins (fewer cannot tell a season
 * from a trend or a fluke) and when the months differ by more than chance: a chi-square test of the pooled counts
 * per month of quarter against their share of the days, 2 degrees of freedom, at the 5% level (5.991). Otherwise
 * every factor is 1 and the forecast is exactly the one without it.
 */
public final class Seasonality {

    public static final int MIN_QUARTERS = 2;
    static final double CHI_SQUARE_5_PERCENT_2_DF = 5.991;

    /** What the forecast says about it in its {@code model} section. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Info(boolean used, String mode, List<Double> monthOfQuarterFactors, Double horizonFactor,
                       int completeQuarters, Double chiSquare, String reason) {
    }

    private final double[] factors;
    private final int quarters;
    private final Double chiSquare;
    private final boolean used;
    private final String reason;
    private final boolean auto;

    private Seasonality(double[] factors, int quarters, Double chiSquare, boolean used, String reason, boolean auto) {
        this.factors = factors;
        this.quarters = quarters;
        this.chiSquare = chiSquare;
        this.used = used;
        this.reason = reason;
        this.auto = auto;
    }

    /** Not asked for: every factor 1. */
    public static Seasonality off() {
        return new Seasonality(new double[]{1, 1, 1}, 0, null, false, "switched off (seasonality=off)", false);
    }

    /** Learned from the won closes in {@code closes} (those priced in {@code currency}) that closed before asOf. */
    public static Seasonality learn(Collection<Close> closes, Instant asOf, String currency) {
        TreeMap<YearMonth, Integer> wins = new TreeMap<>();
        for (Close c : closes) {
            if (c.won() && c.pricedIn(currency) && c.closedAt().isBefore(asOf)) {
                // the UTC month from the epoch day: no time-zone object per close, as this reads every won close at
                // every asOf
                LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(c.closedAt().getEpochSecond(), 86_400L));
                wins.merge(YearMonth.of(day.getYear(), day.getMonthValue()), 1, Integer::sum);
            }
        }
        if (wins.isEmpty()) {
            return none(0, "no won deal to learn from");
        }
        YearMonth first = wins.firstKey();
        // a quarter counts when it starts at or after the first month with a win and has ended by asOf (the
        // backtest's moment just before a month, a microsecond before midnight, ends the month it is in)
        YearMonth current = YearMonth.from(asOf.plusNanos(1000).atZone(ZoneOffset.UTC));
        YearMonth q = first.plusMonths((3 - (first.getMonthValue() - 1) % 3) % 3);
        List<YearMonth> complete = new ArrayList<>();
        while (!q.plusMonths(3).isAfter(current)) {
            complete.add(q);
            q = q.plusMonths(3);
        }
        if (complete.size() < MIN_QUARTERS) {
            return none(complete.size(), complete.size() + " complete quarter(s) of wins; at least " + MIN_QUARTERS
                    + " are needed");
        }
        double[] f = new double[3];
        int[] pooled = new int[3];
        int[] pooledDays = new int[3];
        int used = 0;
        for (YearMonth start : complete) {
            int[] m = new int[3];
            int[] days = new int[3];
            for (int i = 0; i < 3; i++) {
                m[i] = wins.getOrDefault(start.plusMonths(i), 0);
                days[i] = start.plusMonths(i).lengthOfMonth();
            }
            int total = m[0] + m[1] + m[2];
            if (total == 0) {
                continue;
            }
            used++;
            double perDay = (double) total / (days[0] + days[1] + days[2]);
            for (int i = 0; i < 3; i++) {
                f[i] += m[i] / (double) days[i] / perDay;
                pooled[i] += m[i];
                pooledDays[i] += days[i];
            }
        }
        if (used < MIN_QUARTERS) {
            return none(complete.size(), "fewer than " + MIN_QUARTERS + " complete quarters with wins");
        }
        for (int i = 0; i < 3; i++) {
            f[i] /= used;
        }
        double all = pooled[0] + pooled[1] + pooled[2];
        double allDays = pooledDays[0] + pooledDays[1] + pooledDays[2];
        double chi = 0;
        for (int i = 0; i < 3; i++) {
            double expected = all * pooledDays[i] / allDays;
            chi += (pooled[i] - expected) * (pooled[i] - expected) / expected;
        }
        if (chi <= CHI_SQUARE_5_PERCENT_2_DF) {
            return new Seasonality(new double[]{1, 1, 1}, used, chi, false, "the months of the quarter differ no "
                    + "more than chance would make them (chi-square " + Money.round(chi, 3) + " ≤ 5.991)", true);
        }
        return new Seasonality(f, used, chi, true, "wins per month of quarter differ beyond chance (chi-square "
                + Money.round(chi, 3) + " > 5.991) over " + used + " complete quarters", true);
    }

    private static Seasonality none(int quarters, String reason) {
        return new Seasonality(new double[]{1, 1, 1}, quarters, null, false, reason, true);
    }

    public boolean used() {
        return used;
    }

    /** The factors' average over the days (asOf, asOf + h]: what the forecast over that horizon is scaled by. */
    public double factor(Instant asOf, double h) {
        if (!used || h <= 0) {
            return 1;
        }
        double sum = 0;
        Instant t = asOf;
        Instant end = Days.plus(asOf, h);
        while (t.isBefore(end)) {
            YearMonth month = YearMonth.from(t.atZone(ZoneOffset.UTC));
            Instant next = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant stop = next.isBefore(end) ? next : end;
            sum += factors[(month.getMonthValue() - 1) % 3] * Days.between(t, stop);
            t = stop;
        }
        return sum / h;
    }

    public Info info(Instant asOf, double h) {
        List<Double> shown = used ? List.of(Money.round(factors[0], 4), Money.round(factors[1], 4),
                Money.round(factors[2], 4)) : null;
        return new Info(used, auto ? "auto" : "off", shown, used ? Money.round(factor(asOf, h), 4) : null, quarters,
                chiSquare == null ? null : Money.round(chiSquare, 3), reason);
    }
}
