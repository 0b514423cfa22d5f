package dev.l2r.forecast.model;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** How the model's double arithmetic is reported: money to the cent, ratios and days to fixed decimals. */
public final class Money {

    private Money() {
    }

    public static BigDecimal of(double amount) {
        return BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_EVEN);
    }

    /** Null for an undefined ratio (NaN), so the answer says "unknown" rather than a made-up number. */
    public static BigDecimal orNull(double amount) {
        return Double.isNaN(amount) || Double.isInfinite(amount) ? null : of(amount);
    }

    public static Double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    }
}
