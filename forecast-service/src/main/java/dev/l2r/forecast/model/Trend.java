package dev.l2r.forecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Collection;

/**
 * The growth of lead arrivals: the forecast's leads not created yet come at the rate of the last arrival window
 * (W days), a rate measured on average W/2 days ago, while the horizon's leads arrive on average h/2 days ahead.
 * A business that grows (or shrinks) has moved by then. The growth is learned year over year, so that the season
 * of the year cancels out: the arrivals in the window [asOf − W, asOf] against those in the same window a year
 * earlier, n and n₀, give a log growth per year b = ln(n / n₀) with standard error √(1/n + 1/n₀) (Poisson counts).
 *
 * <p>It is used only with a year and a window of history and when |b| exceeds 1.96 standard errors (5% level);
 * then damped to the end of its 95% interval nearest zero, b' = sign(b)(|b| − 1.96 se), so a growth barely beyond
 * chance moves the forecast barely, and the new leads' expected wins are scaled by exp(b' (W/2 + h/2) / 365), the
 * rate at the horizon's middle. Otherwise the factor is 1 and the forecast is exactly the one without it.
 */
public final class Trend {

    static final double Z_5_PERCENT = 1.96;

    /** What the forecast says about it in its {@code model} section. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Info(boolean used, String mode, Integer arrivals, Integer arrivalsYearBefore,
                       Double growthPerYear, Double dampedGrowthPerYear, Double horizonFactor, String reason) {
    }

    private final boolean auto;
    private final boolean used;
    private final Integer recent;
    private final Integer yearBefore;
    private final double logGrowth;
    private final double damped;
    private final double windowDays;
    private final String reason;

    private Trend(boolean auto, boolean used, Integer recent, Integer yearBefore, double logGrowth, double damped,
                  double windowDays, String reason) {
        this.auto = auto;
        this.used = used;
        this.recent = recent;
        this.yearBefore = yearBefore;
        this.logGrowth = logGrowth;
        this.damped = damped;
        this.windowDays = windowDays;
        this.reason = reason;
    }

    /** Not asked for: factor 1. */
    public static Trend off() {
        return new Trend(false, false, null, null, 0, 0, 0, "switched off (trend=off)");
    }

    /**
     * Learned from {@code arrivals} (first sightings known at asOf) in the window of {@code windowDays} before asOf
     * and the same window a year earlier; {@code firstSeen} is the history's first event.
     */
    public static Trend learn(Collection<Arrival> arrivals, Instant firstSeen, Instant asOf, double windowDays) {
        double needed = 365 + windowDays;
        if (firstSeen == null || windowDays <= 0 || Days.between(firstSeen, asOf) < needed) {
            return new Trend(true, false, null, null, 0, 0, windowDays, "less than a year and an arrival window ("
                    + Money.round(needed, 2) + " days) of history");
        }
        Instant start = Days.plus(asOf, -windowDays);
        Instant yearStart = Days.plus(start, -365);
        Instant yearEnd = Days.plus(asOf, -365);
        int n = 0;
        int n0 = 0;
        for (Arrival a : arrivals) {
            Instant t = a.firstSeenAt();
            if (!t.isBefore(start) && !t.isAfter(asOf)) {
                n++;
            } else if (!t.isBefore(yearStart) && t.isBefore(yearEnd)) {
                n0++;
            }
        }
        if (n == 0 || n0 == 0) {
            return new Trend(true, false, n, n0, 0, 0, windowDays, "no arrivals in one of the two windows");
        }
        double b = Math.log((double) n / n0);
        double se = Math.sqrt(1.0 / n + 1.0 / n0);
        if (Math.abs(b) <= Z_5_PERCENT * se) {
            return new Trend(true, false, n, n0, b, 0, windowDays, "arrivals differ from a year before no more "
                    + "than chance would make them (|ln(" + n + "/" + n0 + ")| ≤ 1.96 × " + Money.round(se, 4) + ")");
        }
        double damped = Math.signum(b) * (Math.abs(b) - Z_5_PERCENT * se);
        return new Trend(true, true, n, n0, b, damped, windowDays, "arrivals " + n + " against " + n0
                + " a year before, beyond chance; damped to the 95% bound nearest no growth");
    }

    public boolean used() {
        return used;
    }

    /** What the new leads' expected wins over {@code h} days are scaled by. */
    public double factor(double h) {
        return used ? Math.exp(damped * (windowDays / 2 + h / 2) / 365) : 1;
    }

    public Info info(double h) {
        return new Info(used, auto ? "auto" : "off", recent, yearBefore,
                recent == null || yearBefore == null || !auto ? null : Money.round(Math.exp(logGrowth) - 1, 4),
                used ? Money.round(Math.exp(damped) - 1, 4) : null, used ? Money.round(factor(h), 4) : null, reason);
    }
}
