package dev.l2r.forecast.model;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Monte Carlo over the open leads and the leads not created yet. Each iteration wins every open lead with its own
 * probability and draws, for each class of new leads, how many of them arrive and win within the horizon, and adds
 * up the values won; with calibration ratios, the iteration's totals are then multiplied by one of them drawn at
 * random. New leads arrive as a Poisson process and each wins independently (with a chance that depends on how
 * much of the horizon is left when it arrives), so the number that arrive and win is itself Poisson with the
 * expected number of such wins: drawing that directly is exact and spares a draw per arrival. One seeded generator,
 * consumed in a fixed order, makes the same inputs give the same numbers.
 */
final class Simulation {

    /** An open lead: its probability of winning within the horizon, its value, and where its revenue is reported. */
    record Item(double probability, DealValues.Value value, int stage, int group) {
    }

    /** New leads alike in how they win and what they are worth: how many are expected to arrive and win. */
    record NewLeads(double expectedWins, DealValues.Value value, int group) {
    }

    /**
     * Sorted totals per iteration: overall, per stage (open leads only) and per group (everything); how many open
     * leads were drawn within normal sums rather than one by one.
     */
    record Outcome(double[] totals, double[][] byStage, double[][] byGroup, int inNormalSums) {
    }

    private Simulation() {
    }

    static Outcome run(List<Item> items, List<NewLeads> newLeads, int stages, int groups, int iterations, long seed,
                       double[] ratios) {
        return run(items, newLeads, stages, groups, iterations, seed, ratios, 0);
    }

    /**
     * With {@code modelError} > 0 (and no ratios), each iteration's totals are multiplied by exp(modelError · z),
     * z a standard normal draw: the forecast's own error beyond the luck of the draw, as a log-normal factor. A
     * large pipeline ({@link #large}) has its big sums drawn as normals ({@link DrawPlan}).
     */
    static Outcome run(List<Item> items, List<NewLeads> newLeads, int stages, int groups, int iterations, long seed,
                       double[] ratios, double modelError) {
        return run(items, newLeads, stages, groups, iterations, seed, ratios, modelError, large(items, newLeads));
    }

    /**
     * Whether the pipeline is large enough ({@value #LARGE} open leads and expected new wins together) for its big
     * sums to be drawn as normals; below it every lead is drawn one by one, as always.
     */
    static boolean large(List<Item> items, List<NewLeads> newLeads) {
        double size = items.size();
        for (NewLeads kind : newLeads) {
            size += kind.expectedWins();
        }
        return size > LARGE;
    }

    /** Open leads and expected new wins above which a pipeline's big sums are drawn as normals. */
    static final int LARGE = 20_000;

    static Outcome run(List<Item> items, List<NewLeads> newLeads, int stages, int groups, int iterations, long seed,
                       double[] ratios, double modelError, boolean approximate) {
        DrawPlan draws = approximate ? DrawPlan.approximate(items, newLeads) : DrawPlan.exact(items, newLeads);
        SplittableRandom random = new SplittableRandom(seed);
        double[] totals = new double[iterations];
        double[][] byStage = new double[stages][iterations];
        double[][] byGroup = new double[groups][iterations];
        // the items as columns: the loop below runs iterations × open leads times (160 million at a million leads)
        int m = draws.exact().length;
        double[] probability = new double[m];
        DealValues.Value[] value = new DealValues.Value[m];
        int[] stage = new int[m];
        int[] group = new int[m];
        for (int i = 0; i < m; i++) {
            Item item = items.get(draws.exact()[i]);
            probability[i] = item.probability();
            value[i] = item.value();
            stage[i] = item.stage();
            group[i] = item.group();
        }
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < m; i++) {
                if (random.nextDouble() < probability[i]) {
                    double v = value[i].draw(random);
                    totals[it] += v;
                    byStage[stage[i]][it] += v;
                    byGroup[group[i]][it] += v;
                }
            }
            for (DrawPlan.Sum sum : draws.openSums()) {
                double v = sum.draw(random);
                totals[it] += v;
                byStage[sum.stage()][it] += v;
                byGroup[sum.group()][it] += v;
            }
            for (NewLeads kind : draws.newLeads()) {
                long wins = poisson(random, kind.expectedWins());
                for (long w = 0; w < wins; w++) {
                    double v = kind.value().draw(random);
                    totals[it] += v;
                    byGroup[kind.group()][it] += v;
                }
            }
            for (DrawPlan.Sum sum : draws.newSums()) {
                double v = sum.draw(random);
                totals[it] += v;
                byGroup[sum.group()][it] += v;
            }
            if (ratios.length > 0 || modelError > 0) {
                double r = ratios.length > 0 ? ratios[random.nextInt(ratios.length)]
                        : Math.exp(modelError * normal(random));
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
        return new Outcome(totals, byStage, byGroup, items.size() - m);
    }

    /** A standard normal draw (Box–Muller, one of the pair). */
    static double normal(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
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
