package dev.l2r.forecast.model;

import dev.l2r.events.funnel.StageOutcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * P(won within a horizon | current stage, age in stage), learned from the stage spells known at one moment. Each
 * stage has a competing-risks curve over all its spells and one per segment; a lead is estimated from the finest
 * cell with enough history, down the ladder {@link Level}.
 */
public final class WinModel {

    /** Where an estimate came from, finest first. */
    public enum Level {
        /** The stage's curve within the lead's segment: enough closed spells, and enough still open at its age. */
        SEGMENT,
        /** The stage's curve over all segments. */
        ALL_SEGMENTS,
        /** Too few closes in the stage to trust timing: the share of its closed spells that were won. */
        STAGE_RATE,
        /** Nothing from this stage has closed yet: no basis for a probability, so 0. */
        NO_HISTORY
    }

    /** How much history a cell needs. */
    public record Settings(int minClosed, int minAtRisk) {
        public Settings {
            if (minClosed < 1 || minAtRisk < 1) {
                throw new IllegalArgumentException("cell thresholds must be at least 1");
            }
        }
    }

    /** The cell chosen for one lead, which answers every probability question about it. */
    public record Cell(Level level, CompetingRisks curve, double flatRate, boolean thinTail) {

        /** P(won in the next {@code horizon} days | open at {@code age} days in the stage). */
        public double winWithin(double age, double horizon) {
            return switch (level) {
                case SEGMENT, ALL_SEGMENTS -> curve.winWithin(age, horizon);
                case STAGE_RATE -> flatRate;
                case NO_HISTORY -> 0;
            };
        }

        /** P(won between {@code from} and {@code to} days after entering); the flat rate when timing is unknown. */
        public double winBetween(double from, double to) {
            return switch (level) {
                case SEGMENT, ALL_SEGMENTS -> curve.incidence(StageOutcome.WON, to)
                        - curve.incidence(StageOutcome.WON, from);
                case STAGE_RATE -> flatRate;
                case NO_HISTORY -> 0;
            };
        }

        /** ∫_0^h P(won within x of entering) dx. */
        public double integratedWinFromEntry(double h) {
            return switch (level) {
                case SEGMENT, ALL_SEGMENTS -> curve.integratedWinIncidence(h);
                case STAGE_RATE -> flatRate * h;
                case NO_HISTORY -> 0;
            };
        }
    }

    private final Settings settings;
    private final Map<String, CompetingRisks> byStage;
    private final Map<String, Map<String, CompetingRisks>> byStageAndSegment;
    private final Map<String, double[]> wonDays;

    private WinModel(Settings settings, Map<String, CompetingRisks> byStage,
                     Map<String, Map<String, CompetingRisks>> byStageAndSegment, Map<String, double[]> wonDays) {
        this.settings = settings;
        this.byStage = byStage;
        this.byStageAndSegment = byStageAndSegment;
        this.wonDays = wonDays;
    }

    /** Learns from the spells entered by {@code asOf}, each censored at {@code asOf} if it had not closed by then. */
    public static WinModel train(Collection<Spell> spells, Instant asOf, Settings settings) {
        Map<String, CompetingRisks.Builder> pooled = new HashMap<>();
        Map<String, Map<String, CompetingRisks.Builder>> segmented = new HashMap<>();
        Map<String, List<Double>> won = new HashMap<>();
        for (Spell s : spells) {
            if (s.enteredAt().isAfter(asOf)) {
                continue;
            }
            double days = s.daysAt(asOf);
            StageOutcome outcome = s.outcomeAt(asOf);
            pooled.computeIfAbsent(s.stage(), k -> new CompetingRisks.Builder()).add(days, outcome);
            String segment = s.attributes().segment();
            if (segment != null) {
                segmented.computeIfAbsent(s.stage(), k -> new HashMap<>())
                        .computeIfAbsent(segment, k -> new CompetingRisks.Builder()).add(days, outcome);
            }
            if (outcome == StageOutcome.WON) {
                won.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(days);
            }
        }
        Map<String, CompetingRisks> byStage = new HashMap<>();
        pooled.forEach((stage, builder) -> byStage.put(stage, builder.build()));
        Map<String, Map<String, CompetingRisks>> bySegment = new HashMap<>();
        segmented.forEach((stage, segments) -> {
            Map<String, CompetingRisks> curves = new HashMap<>();
            segments.forEach((segment, builder) -> curves.put(segment, builder.build()));
            bySegment.put(stage, curves);
        });
        Map<String, double[]> wonDays = new HashMap<>();
        won.forEach((stage, days) -> {
            double[] d = days.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(d);
            wonDays.put(stage, d);
        });
        return new WinModel(settings, byStage, bySegment, wonDays);
    }

    /**
     * The same model as {@link #train(Collection, Instant, Settings)} on the index's spells: each cell's durations
     * taken from its sorted columns rather than sorted again (see {@link HistoryIndex}).
     */
    static WinModel train(HistoryIndex index, Instant asOf, Settings settings) {
        Map<String, CompetingRisks> byStage = new HashMap<>();
        Map<String, double[]> wonDays = new HashMap<>();
        index.pooled().forEach((stage, column) -> {
            List<double[]> won = new ArrayList<>(1);
            CompetingRisks.Builder b = column.at(asOf, won);
            if (b != null) {
                byStage.put(stage, b.build());
            }
            if (!won.isEmpty()) {
                wonDays.put(stage, won.get(0));
            }
        });
        Map<String, Map<String, CompetingRisks>> bySegment = new HashMap<>();
        index.bySegment().forEach((stage, segments) -> {
            Map<String, CompetingRisks> curves = new HashMap<>();
            segments.forEach((segment, column) -> {
                CompetingRisks.Builder b = column.at(asOf, null);
                if (b != null) {
                    curves.put(segment, b.build());
                }
            });
            if (!curves.isEmpty()) {
                bySegment.put(stage, curves);
            }
        });
        return new WinModel(settings, byStage, bySegment, wonDays);
    }

    public Settings settings() {
        return settings;
    }

    /** The cell for a lead in {@code stage} and {@code segment} (may be null) that has been there {@code age} days. */
    public Cell cell(String stage, String segment, double age) {
        CompetingRisks all = byStage.get(stage);
        if (segment != null) {
            CompetingRisks own = byStageAndSegment.getOrDefault(stage, Map.of()).get(segment);
            if (own != null && own.closed() >= settings.minClosed()
                    && own.openAfterAtLeast(age, settings.minAtRisk())) {
                return new Cell(Level.SEGMENT, own, 0, false);
            }
        }
        if (all == null || all.closed() == 0) {
            return new Cell(Level.NO_HISTORY, null, 0, false);
        }
        if (all.closed() < settings.minClosed()) {
            return new Cell(Level.STAGE_RATE, all, all.wonShareOfClosed(), false);
        }
        return new Cell(Level.ALL_SEGMENTS, all, 0, !all.openAfterAtLeast(age, settings.minAtRisk()));
    }

    /** The stage's curve over all segments, if it has any spell. */
    public CompetingRisks stageCurve(String stage) {
        return byStage.get(stage);
    }

    /** Won / (won + lost) over the stage's closed spells (no-decision left out, as in the win rate); NaN if none. */
    public double stageWinRate(String stage) {
        CompetingRisks c = byStage.get(stage);
        if (c == null) {
            return Double.NaN;
        }
        int decided = c.count(StageOutcome.WON) + c.count(StageOutcome.LOST);
        return decided == 0 ? Double.NaN : (double) c.count(StageOutcome.WON) / decided;
    }

    /** Median days from entering the stage to winning, over the stage's won spells; NaN if none. */
    public double medianDaysToWin(String stage) {
        double[] d = wonDays.get(stage);
        return d == null ? Double.NaN : Quantiles.of(d, 0.5);
    }
}
