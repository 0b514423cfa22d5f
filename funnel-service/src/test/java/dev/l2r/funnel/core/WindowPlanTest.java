package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WindowPlanTest {

    @Test
    void wholeMonthsWithDaysAndPartDaysAtTheEnds() {
        WindowPlan plan = WindowPlan.of(Instant.parse("2024-01-20T06:00:00Z"), Instant.parse("2024-05-03T12:00:00Z"), WindowPlan.Grain.MONTH, true);
        assertThat(plan.partDays()).containsExactly(
                new WindowPlan.Range<>(Instant.parse("2024-01-20T06:00:00Z"), Instant.parse("2024-01-21T00:00:00Z")),
                new WindowPlan.Range<>(Instant.parse("2024-05-03T00:00:00Z"), Instant.parse("2024-05-03T12:00:00Z")));
        assertThat(plan.days()).containsExactly(
                new WindowPlan.Range<>(LocalDate.parse("2024-01-21"), LocalDate.parse("2024-02-01")),
                new WindowPlan.Range<>(LocalDate.parse("2024-05-01"), LocalDate.parse("2024-05-03")));
        assertThat(plan.coarse()).isEqualTo(new WindowPlan.Range<>(LocalDate.parse("2024-02-01"), LocalDate.parse("2024-05-01")));
    }

    @Test
    void calendarYearIsTwelveMonthCellsOnly() {
        WindowPlan plan = WindowPlan.of(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"), WindowPlan.Grain.MONTH, true);
        assertThat(plan.partDays()).isEmpty();
        assertThat(plan.days()).isEmpty();
        assertThat(plan.coarse()).isEqualTo(new WindowPlan.Range<>(LocalDate.parse("2024-01-01"), LocalDate.parse("2025-01-01")));
    }

    @Test
    void withinOneDayEverythingIsPerLead() {
        WindowPlan plan = WindowPlan.of(Instant.parse("2024-01-01T01:00:00Z"), Instant.parse("2024-01-01T02:00:00Z"), WindowPlan.Grain.MONTH, true);
        assertThat(plan.days()).isEmpty();
        assertThat(plan.coarse().isEmpty()).isTrue();
        assertThat(plan.partDays()).hasSize(1);
    }

    @Test
    void weeksLeaveTheDaysAroundThemToPerLeadRowsWithoutDayCells() {
        // 2024-01-03 is a Wednesday; 2024-01-29 a Monday
        WindowPlan plan = WindowPlan.of(Instant.parse("2024-01-03T00:00:00Z"), Instant.parse("2024-01-31T00:00:00Z"),
                WindowPlan.Grain.WEEK, false);
        assertThat(plan.coarse()).isEqualTo(new WindowPlan.Range<>(LocalDate.parse("2024-01-08"), LocalDate.parse("2024-01-29")));
        assertThat(plan.days()).isEmpty();
        assertThat(plan.partDays()).containsExactly(
                new WindowPlan.Range<>(Instant.parse("2024-01-03T00:00:00Z"), Instant.parse("2024-01-08T00:00:00Z")),
                new WindowPlan.Range<>(Instant.parse("2024-01-29T00:00:00Z"), Instant.parse("2024-01-31T00:00:00Z")));
    }

    private static LocalDate coarseStart(LocalDate day, WindowPlan.Grain grain) {
        return switch (grain) {
            case MONTH -> day.withDayOfMonth(1);
            case WEEK -> day.with(java.time.DayOfWeek.MONDAY);
            case NONE -> null;
        };
    }

    /** Every instant of a random period is covered by exactly one piece, and none outside it. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void piecesPartitionThePeriod(long seed) {
        Random random = new Random(seed);
        Instant base = Instant.parse("2023-12-20T00:00:00Z");
        Instant from = base.plusSeconds(random.nextInt(90) * 86_400L * (random.nextBoolean() ? 1 : 0) + random.nextInt(3) * 3600L);
        Instant to = from.plusSeconds(1 + random.nextInt(400) * 86_400L * (random.nextBoolean() ? 1 : 0) + random.nextInt(3) * 3600L);
        WindowPlan.Grain grain = WindowPlan.Grain.values()[random.nextInt(3)];
        WindowPlan plan = WindowPlan.of(from, to, grain, random.nextBoolean());
        for (Instant t = from.minusSeconds(7200); t.isBefore(to.plusSeconds(7200)); t = t.plusSeconds(1800)) {
            Instant probe = t;
            LocalDate day = LocalDate.ofInstant(probe, java.time.ZoneOffset.UTC);
            long hits = plan.partDays().stream().filter(r -> !probe.isBefore(r.start()) && probe.isBefore(r.end())).count()
                    + plan.days().stream().filter(r -> !day.isBefore(r.start()) && day.isBefore(r.end())).count()
                    + (coarseStart(day, grain) != null && !coarseStart(day, grain).isBefore(plan.coarse().start())
                    && coarseStart(day, grain).isBefore(plan.coarse().end()) ? 1 : 0);
            boolean inside = !probe.isBefore(from) && probe.isBefore(to);
            assertThat(hits).as("%s in [%s, %s): %s", probe, from, to, plan).isEqualTo(inside ? 1 : 0);
        }
    }
}
