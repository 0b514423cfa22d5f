package dev.l2r.forecast.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a {@link Simulation} draws each part of the pipeline. Drawing every open lead in every iteration costs open
 * leads × iterations (160 million at a million leads, most of a forecast). In a large pipeline a sum of many small
 * independent wins is as good as normal: where a sum of open leads of one stage and group expects at least
 * {@value #NORMAL_WINS} wins, or a class of new leads does, it is drawn as one normal with its exact mean and variance.
 * The sum's skewness is then about E[v³] / E[v²]^1.5 of a deal's value v over √wins, a tenth of that ratio or less
 * (about 0.17 for the benchmark's log-normal deal sizes), which moves a P10 or P90 by about a tenth of the skewness
 * in standard deviations of the sum: less than the sampling error of 2,000 iterations. The {@value #HEAVIEST} leads
 * that add most variance (the big deals, which make a sum skewed) are always drawn one by one, as are the leads of
 * sums expecting fewer wins.
 *
 * @param exact    the open leads drawn one by one (indexes into the simulation's items, ascending)
 * @param openSums the rest of the open leads, as one normal sum per stage and group
 * @param newLeads the classes of new leads drawn as a Poisson number of wins
 * @param newSums  the classes expecting at least {@value #NORMAL_WINS} wins, as normal sums
 */
record DrawPlan(int[] exact, List<Sum> openSums, List<Simulation.NewLeads> newLeads, List<Sum> newSums) {

    /** Expected wins from which a sum is drawn as a normal. */
    static final double NORMAL_WINS = 100;
    /** Open leads of largest variance always drawn one by one. */
    static final int HEAVIEST = 1_000;

    /**
     * A sum of independent wins drawn as a normal, never below 0 (no sum of won amounts is): it is at least a few
     * standard deviations above 0 when it expects {@value #NORMAL_WINS} wins.
     */
    record Sum(double mean, double sd, int stage, int group) {
        double draw(SplittableRandom random) {
            return Math.max(0, mean + sd * Simulation.normal(random));
        }
    }

    /** Every lead and every new win drawn one by one. */
    static DrawPlan exact(List<Simulation.Item> items, List<Simulation.NewLeads> newLeads) {
        int[] all = new int[items.size()];
        Arrays.setAll(all, i -> i);
        return new DrawPlan(all, List.of(), newLeads, List.of());
    }

    static DrawPlan approximate(List<Simulation.Item> items, List<Simulation.NewLeads> newLeads) {
        Integer[] byVariance = new Integer[items.size()];
        Arrays.setAll(byVariance, i -> i);
        Arrays.sort(byVariance, Comparator.comparingDouble((Integer i) -> -variance(items.get(i)))
                .thenComparingInt(i -> i));
        List<Integer> exact = new ArrayList<>(Arrays.asList(byVariance).subList(0, Math.min(HEAVIEST,
                byVariance.length)));
        // the rest by stage and group, in the items' order
        Map<Long, List<Integer>> cells = new LinkedHashMap<>();
        boolean[] heavy = new boolean[items.size()];
        exact.forEach(i -> heavy[i] = true);
        for (int i = 0; i < items.size(); i++) {
            if (!heavy[i]) {
                Simulation.Item item = items.get(i);
                cells.computeIfAbsent(((long) item.stage() << 32) | item.group(), k -> new ArrayList<>()).add(i);
            }
        }
        List<Sum> openSums = new ArrayList<>();
        for (List<Integer> cell : cells.values()) {
            double wins = 0;
            double mean = 0;
            double variance = 0;
            for (int i : cell) {
                Simulation.Item item = items.get(i);
                wins += item.probability();
                mean += item.probability() * item.value().mean();
                variance += variance(item);
            }
            if (wins >= NORMAL_WINS) {
                Simulation.Item first = items.get(cell.get(0));
                openSums.add(new Sum(mean, Math.sqrt(variance), first.stage(), first.group()));
            } else {
                exact.addAll(cell);
            }
        }
        List<Simulation.NewLeads> poisson = new ArrayList<>();
        List<Sum> newSums = new ArrayList<>();
        for (Simulation.NewLeads kind : newLeads) {
            if (kind.expectedWins() >= NORMAL_WINS) {
                // a Poisson number of wins, each worth a draw: mean λ·E[value], variance λ·E[value²]
                newSums.add(new Sum(kind.expectedWins() * kind.value().mean(),
                        Math.sqrt(kind.expectedWins() * kind.value().meanSquare()), -1, kind.group()));
            } else {
                poisson.add(kind);
            }
        }
        return new DrawPlan(exact.stream().mapToInt(Integer::intValue).sorted().toArray(), openSums, poisson,
                newSums);
    }

    /** One open lead's variance: it wins its value with its probability, else nothing. */
    static double variance(Simulation.Item item) {
        double p = item.probability();
        double mean = item.value().mean();
        return p * item.value().meanSquare() - p * p * mean * mean;
    }
}
