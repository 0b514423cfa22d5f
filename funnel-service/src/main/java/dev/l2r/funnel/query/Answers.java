package dev.l2r.funnel.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2r.funnel.core.VelocityDays;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The shapes of the funnel API's answers (docs/api.md; fields may be added, never renamed). */
public final class Answers {

    private Answers() {
    }

    /** One stage of the funnel over a period: its cohort, and how much of it went on. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record StageFigures(String stage, long entered, String nextStage, Long reachedNext,
                               BigDecimal conversionToNext, Long reachedWon, BigDecimal conversionToWon,
                               VelocityDays velocityToNextDays) {
    }

    public record Funnel(Instant from, Instant to, boolean includeSkipped, Map<String, String> filters,
                         List<StageFigures> stages) implements CsvTable {
        @Override
        public List<String> csvHeader() {
            return List.of("from", "to", "stage", "entered", "nextStage", "reachedNext", "conversionToNext",
                    "reachedWon", "conversionToWon", "velocityToNextMeanDays", "velocityToNextMedianDays",
                    "velocityToNextP90Days");
        }

        @Override
        public List<List<Object>> csvRows() {
            return stages.stream().map(s -> row(from, to, s.stage(), s.entered(), s.nextStage(), s.reachedNext(),
                    s.conversionToNext(), s.reachedWon(), s.conversionToWon(), s.velocityToNextDays().mean(),
                    s.velocityToNextDays().median(), s.velocityToNextDays().p90())).toList();
        }
    }

    public record Outcome(long cohortSize, long converted, BigDecimal rate, VelocityDays velocityDays) {
    }

    /** One entry period's cohort; {@code period} is e.g. 2025-03 or 2025-W09, starting on {@code periodStart}. */
    public record Cohort(String period, LocalDate periodStart, long cohortSize, long converted, BigDecimal rate) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record GroupOutcome(String key, long cohortSize, long converted, BigDecimal rate, VelocityDays velocityDays) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Conversion(String fromStage, String toStage, Instant from, Instant to, Integer withinDays,
                             boolean includeSkipped, Map<String, String> filters, String interval, String groupBy,
                             Outcome overall, List<Cohort> cohorts, List<GroupOutcome> groups) implements CsvTable {
        @Override
        public List<String> csvHeader() {
            return List.of("fromStage", "toStage", "part", "key", "cohortSize", "converted", "rate",
                    "velocityMeanDays", "velocityMedianDays", "velocityP90Days");
        }

        @Override
        public List<List<Object>> csvRows() {
            List<List<Object>> rows = new ArrayList<>();
            VelocityDays v = overall.velocityDays();
            rows.add(row(fromStage, toStage, "overall", null, overall.cohortSize(), overall.converted(), overall.rate(),
                    v.mean(), v.median(), v.p90()));
            for (Cohort c : cohorts) {
                rows.add(row(fromStage, toStage, "cohort", c.period(), c.cohortSize(), c.converted(), c.rate(),
                        null, null, null));
            }
            for (GroupOutcome g : groups) {
                VelocityDays gv = g.velocityDays();
                rows.add(row(fromStage, toStage, groupBy, g.key(), g.cohortSize(), g.converted(), g.rate(),
                        gv.mean(), gv.median(), gv.p90()));
            }
            return rows;
        }
    }

    /** Volume: leads entering a stage for the first time, per period. */
    public record VolumePeriod(String period, LocalDate periodStart, long entered) {
    }

    public record Volume(String stage, Instant from, Instant to, String interval, long total,
                         List<VolumePeriod> periods) implements CsvTable {
        @Override
        public List<String> csvHeader() {
            return List.of("stage", "period", "periodStart", "entered");
        }

        @Override
        public List<List<Object>> csvRows() {
            return periods.stream().map(p -> row(stage, p.period(), p.periodStart(), p.entered())).toList();
        }
    }

    /** Leads sitting in one open stage now, and how long they have been there. */
    public record StageWip(String stage, long leads, VelocityDays ageDays, BigDecimal staleAfterDays, long stale) {
    }

    public record StaleLead(String leadId, String stage, Instant since, BigDecimal ageDays) {
    }

    public record Wip(Instant asOf, Map<String, String> filters, List<StageWip> stages, List<StaleLead> staleLeads)
            implements CsvTable {
        @Override
        public List<String> csvHeader() {
            return List.of("asOf", "stage", "leads", "ageMeanDays", "ageMedianDays", "ageP90Days", "staleAfterDays",
                    "stale");
        }

        @Override
        public List<List<Object>> csvRows() {
            return stages.stream().map(s -> row(asOf, s.stage(), s.leads(), s.ageDays().mean(), s.ageDays().median(),
                    s.ageDays().p90(), s.staleAfterDays(), s.stale())).toList();
        }
    }

    /** How a stage's figures moved between the previous window and the current one. */
    public record StageChange(String stage, long enteredChange, BigDecimal enteredChangeRate,
                              BigDecimal conversionToNextChange, BigDecimal conversionToWonChange,
                              BigDecimal velocityToNextMedianChangeDays) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Baseline(Instant asOf, int months, Funnel current, Funnel previous, List<StageChange> changes)
            implements CsvTable {
        @Override
        public List<String> csvHeader() {
            List<String> header = new ArrayList<>(List.of("window"));
            header.addAll(current.csvHeader());
            return header;
        }

        @Override
        public List<List<Object>> csvRows() {
            List<List<Object>> rows = new ArrayList<>();
            for (List<Object> r : current.csvRows()) {
                List<Object> row = new ArrayList<>(List.of("current"));
                row.addAll(r);
                rows.add(row);
            }
            if (previous != null) {
                for (List<Object> r : previous.csvRows()) {
                    List<Object> row = new ArrayList<>(List.of("previous"));
                    row.addAll(r);
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
