package dev.l2r.forecast.model;

/** Sample quantiles by linear interpolation between order statistics (Hyndman–Fan type 7, as in R and NumPy). */
public final class Quantiles {

    private Quantiles() {
    }

    /** The q-quantile of {@code sorted} (ascending, non-empty). */
    public static double of(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        if (lo + 1 >= sorted.length) {
            return sorted[sorted.length - 1];
        }
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }
}
