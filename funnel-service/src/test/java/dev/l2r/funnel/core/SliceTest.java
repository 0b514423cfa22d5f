package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SliceTest {

    private static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2025-04-01T00:00:00Z");

    private static Slice slice(Map<String, String> filters, String groupBy) {
        return new Slice(FROM, TO, filters, true, groupBy, Slice.Interval.NONE);
    }

    @Test
    void cellsKeepNoAttributeOrOneOfChannelAndSegment() {
        assertThat(slice(Map.of(), null).cellDims()).isZero();
        assertThat(slice(Map.of("channel", "ads"), null).cellDims()).isEqualTo(1);
        assertThat(slice(Map.of(), "channel").cellDims()).isEqualTo(1);
        assertThat(slice(Map.of("segment", "smb"), "segment").cellDims()).isEqualTo(2);
        Map<String, String> unknownChannel = new HashMap<>();
        unknownChannel.put("channel", null);
        assertThat(slice(unknownChannel, null).cellDims()).isEqualTo(1);
    }

    @Test
    void ownersCampaignsAndTwoAttributesAtOnceAreReadFromThePerLeadRows() {
        assertThat(slice(Map.of("owner", "ana"), null).cellDims()).isEqualTo(-1);
        assertThat(slice(Map.of(), "owner").cellDims()).isEqualTo(-1);
        assertThat(slice(Map.of("campaign", "spring"), null).cellDims()).isEqualTo(-1);
        assertThat(slice(Map.of(), "campaign").cellDims()).isEqualTo(-1);
        assertThat(slice(Map.of("campaign", "spring"), "channel").cellDims()).isEqualTo(-1);
        Map<String, String> unknownCampaign = new HashMap<>();
        unknownCampaign.put("campaign", null);
        assertThat(slice(unknownCampaign, null).cellDims()).isEqualTo(-1);
        assertThat(slice(Map.of("channel", "ads"), "segment").cellDims()).isEqualTo(-1);
        assertThat(slice(Map.of("channel", "ads", "segment", "smb"), null).cellDims()).isEqualTo(-1);
    }

    @Test
    void groupedPerPeriodAndOverallKeepTheFilters() {
        Map<String, String> unknownOwner = new HashMap<>();
        unknownOwner.put("owner", null);
        Slice s = new Slice(FROM, TO, unknownOwner, false, "channel", Slice.Interval.MONTH);
        assertThat(s.overall()).isEqualTo(new Slice(FROM, TO, unknownOwner, false, null, Slice.Interval.NONE));
        assertThat(s.per(Slice.Interval.WEEK).interval()).isEqualTo(Slice.Interval.WEEK);
        assertThat(s.per(Slice.Interval.WEEK).groupBy()).isNull();
        assertThat(s.grouped("segment").groupBy()).isEqualTo("segment");
        assertThat(s.grouped("segment").interval()).isEqualTo(Slice.Interval.NONE);
        assertThat(s.filters()).containsEntry("owner", null);
    }

    @Test
    void periodStartsListEveryWeekOrMonthTheRangeTouchesFromItsOwnStart() {
        // 2025-01-01 is a Wednesday: its ISO week began on Monday 2024-12-30; [01-01, 01-20) ends inside W04
        Slice weeks = new Slice(FROM, Instant.parse("2025-01-20T00:00:00Z"), Map.of(), true, null, Slice.Interval.WEEK);
        assertThat(weeks.periodStarts()).containsExactly(java.time.LocalDate.parse("2024-12-30"),
                java.time.LocalDate.parse("2025-01-06"), java.time.LocalDate.parse("2025-01-13"));
        // a range ending exactly on a Monday does not touch that week
        Slice toMonday = new Slice(FROM, Instant.parse("2025-01-13T00:00:00Z"), Map.of(), true, null,
                Slice.Interval.WEEK);
        assertThat(toMonday.periodStarts()).hasSize(2);
        Slice months = new Slice(Instant.parse("2025-01-15T10:00:00Z"), Instant.parse("2025-03-01T00:00:01Z"),
                Map.of(), true, null, Slice.Interval.MONTH);
        assertThat(months.periodStarts()).containsExactly(java.time.LocalDate.parse("2025-01-01"),
                java.time.LocalDate.parse("2025-02-01"), java.time.LocalDate.parse("2025-03-01"));
        assertThat(slice(Map.of(), null).periodStarts()).isEmpty();
    }
}
