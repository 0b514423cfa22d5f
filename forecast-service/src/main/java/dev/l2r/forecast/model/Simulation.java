package dev.l2r.forecast.model;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Monte Carlo over the open leads and the leads not created yet. Each iteration wins every open lead with its own
 * probability, draws how many new leads arrive (Poisson), when (uniformly over the horizon) and whether they win
 * in the time left, and adds up the values won; with calibration ratios, the iteration's totals are then multiplied
 * by one of them drawn at random. One seeded generator, consumed in a fixed order, makes the same inputs give the
 * same numbers.
 */
final class Simulation {

    /** An open lead: its probability of winning within the horizon, its value, and where its revenue is reported. */
    record Item(double probability, DealValues.Value value, int stage, int group) {
    }

    /** A recent arrival used as the template for a future one. */
    record Template(WinModel.Cell cell, DealValues.Value value, int group) {
    }

    /** Sorted totals per iteration: overall, per stage (open leads only) and per group (everything). */
    record Outcome(double[] totals, double[][] byStage, double[][] byGroup) {
    }

    private Simulation() {
    }

    static Outcome run(List<Item> items, List<Template> templates, double expectedArrivals, double horizon,
                       int stages, int groups, int iterations, long seed, double[] ratios) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] totals = new double[iterations];
        double[][] byStage = new double[stages][iterations];
        double[][] byGroup = new double[groups][iterations];
        for (int it = 0; it < iterations; it++) {
            for (Item item : items) {
                if (random.nextDouble() < item.probability()) {
                    double v = item.value().draw(random);
                    totals[it] += v;
                    byStage[item.stage()][it] += v;
                    byGroup[item.group()][it] += v;
                }
            }
            if (!templates.isEmpty()) {
                long arrivals = poisson(random, expectedArrivals);
                for (long a = 0; a < arrivals; a++) {
                    Template t = templates.get(random.nextInt(templates.size()));
                    double left = horizon - random.nextDouble() * horizon;
                    if (random.nextDouble() < t.cell().winFromEntry(left)) {
                        double v = t.value().draw(random);
                        totals[it] += v;
                        byGroup[t.group()][it] += v;
                    }
                }
            }
            if (ratios.length > 0) {
                double r = ratios[random.nextInt(ratios.length)];
                totals[it] *= r;
                for (double[] s : byStage) {
                    s[it] *= r;
                }
                for (double[] gr : byGroup) {
                    gr[it] *= r;
                }
            }
        }
        Arrays.sort(totals);
        for (double[] s : byStage) {
            Arrays.sort(s);
        }
        for (double[] g : byGroup) {
            Arrays.sort(g);
        }
        return new Outcome(totals, byStage, byGroup);
    }

    /**
     * A Poisson draw with mean {@code mean}, exactly: a sum of Poisson variables is Poisson with the summed mean, so
     * large means are split into parts small enough for Knuth's product-of-uniforms method.
     */
    static long poisson(SplittableRandom random, double mean) {
        long n = 0;
        double left = mean;
        while (left > 0) {
            double part = Math.min(left, 20);
            left -= part;
            double limit = Math.exp(-part);
            double product = random.nextDouble();
            while (product > limit) {
                n++;
                product *= random.nextDouble();
            }
        }
        return n;
    }
}
