package dev.l2r.tools.demo;

import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageMove;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo history against figures computed here from its events, with the funnel's own rules. */
class DemoHistoryTest {

    static final LocalDate TODAY = LocalDate.of(2026, 12, 7);
    static final List<DemoLead> LEADS = DemoHistory.generate(42, TODAY, DemoHistory.DEFAULT_LEADS);
    static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();

    static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    static List<DemoEvent> events(List<DemoLead> leads) {
        return leads.stream().flatMap(l -> l.events().stream()).toList();
    }

    @Test
    void twoYearsEndingTodayAndNothingAfterIt() {
        List<DemoEvent> events = events(LEADS);
        assertThat(LEADS).hasSize(8_000);
        assertThat(events.stream().map(e -> day(e.occurredAt())).min(LocalDate::compareTo)).contains(TODAY.minusYears(2));
        assertThat(events.stream().map(e -> day(e.occurredAt())).max(LocalDate::compareTo)).contains(TODAY);
        // today's events lie within its first ten minutes: a load at any hour of it is never ahead of the clock
        Instant tenPast = TODAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(600);
        assertThat(events).allSatisfy(e -> assertThat(e.occurredAt()).isBefore(tenPast));
        // the size the loader is meant for: a minute or two through the API
        assertThat(events.size()).isBetween(20_000, 40_000);
    }

    @Test
    void theSameSeedAndDayGiveTheSameHistoryAndAnotherSeedAnother() {
        List<DemoLead> again = DemoHistory.generate(42, TODAY, DemoHistory.DEFAULT_LEADS);
        assertThat(again).isEqualTo(LEADS);
        List<DemoLead> other = DemoHistory.generate(43, TODAY, DemoHistory.DEFAULT_LEADS);
        assertThat(events(other).size()).isNotEqualTo(events(LEADS).size());
        assertThat(other.get(100).id()).isNotEqualTo(LEADS.get(100).id());
        // event ids are unique: a second load is all duplicates, never a collision inside one load
        Set<String> ids = new HashSet<>();
        events(LEADS).forEach(e -> assertThat(ids.add(e.sourceEventId())).as(e.sourceEventId()).isTrue());
    }

    @Test
    void everyPathIsValidUnderTheFunnelsRules() {
        Set<String> firstStages = new HashSet<>();
        for (DemoLead lead : LEADS) {
            String at = null;
            Instant when = Instant.MIN;
            for (DemoEvent e : lead.events()) {
                assertThat(FUNNEL.contains(e.toStage())).isTrue();
                assertThat(at == null || !FUNNEL.isTerminal(at)).as("%s moves after closing", lead.id()).isTrue();
                assertThat(e.occurredAt()).as(lead.id()).isAfter(when);
                Optional<StageMove> move = FUNNEL.classify(at, e.toStage());
                assertThat(move).as("%s: %s -> %s", lead.id(), at, e.toStage()).isPresent();
                // one stage at a time (or a close): the funnel counts what was sent, nothing skipped or recycled
                assertThat(move.get().kind()).isIn(TransitionKind.ADVANCE, TransitionKind.CLOSE);
                assertThat(move.get().skippedStages()).as("%s: %s -> %s", lead.id(), at, e.toStage()).isEmpty();
                assertThat(e.attributes()).containsOnlyKeys("channel", "segment", "owner", "campaign");
                at = e.toStage();
                when = e.occurredAt();
            }
            firstStages.add(lead.events().get(0).toStage());
        }
        assertThat(firstStages).containsExactlyInAnyOrder(FunnelDefinition.ANONYMOUS, FunnelDefinition.KNOWN);
    }

    @Test
    void everyChannelSegmentOwnerAndSeveralCampaignsArePresent() {
        assertThat(LEADS.stream().map(DemoLead::channel).distinct())
                .containsExactlyInAnyOrderElementsOf(DemoHistory.CHANNELS.stream().map(DemoHistory.Channel::name).toList());
        assertThat(LEADS.stream().map(DemoLead::segment).distinct())
                .containsExactlyInAnyOrder("smb", "mid-market", "enterprise");
        assertThat(LEADS.stream().map(DemoLead::owner).distinct()).hasSize(6);
        assertThat(LEADS.stream().map(DemoLead::campaign).distinct().count()).isGreaterThan(15);
        // an owner works one segment
        Map<String, Set<String>> segmentsOf = new HashMap<>();
        LEADS.forEach(l -> segmentsOf.computeIfAbsent(l.owner(), o -> new HashSet<>()).add(l.segment()));
        assertThat(segmentsOf.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        // channels differ in volume: the largest brings at least five times the smallest
        Map<String, Integer> perChannel = new HashMap<>();
        LEADS.forEach(l -> perChannel.merge(l.channel(), 1, Integer::sum));
        assertThat(perChannel.get("organic_search")).isGreaterThan(5 * perChannel.get("partner"));
    }

    /** Complete calendar months of the history, each with a count per month. */
    static Map<YearMonth, Integer> perCompleteMonth(List<Instant> moments) {
        YearMonth firstFull = YearMonth.from(TODAY.minusYears(2)).plusMonths(1);
        YearMonth lastFull = YearMonth.from(TODAY).minusMonths(1);
        Map<YearMonth, Integer> counts = new HashMap<>();
        for (YearMonth m = firstFull; !m.isAfter(lastFull); m = m.plusMonths(1)) {
            counts.put(m, 0);
        }
        moments.forEach(at -> counts.computeIfPresent(YearMonth.from(day(at)), (m, n) -> n + 1));
        return counts;
    }

    static double mean(Map<YearMonth, Integer> counts, boolean inside, Set<Integer> months) {
        return counts.entrySet().stream().filter(e -> months.contains(e.getKey().getMonthValue()) == inside)
                .mapToInt(Map.Entry::getValue).average().orElseThrow();
    }

    @Test
    void winsPeakInQuarterEndMonthsAndArrivalsDipInSummerAndDecember() {
        Map<YearMonth, Integer> wins = perCompleteMonth(LEADS.stream()
                .filter(l -> l.stage().equals(FunnelDefinition.CLOSED_WON)).map(l -> l.last().occurredAt()).toList());
        Set<Integer> quarterEnds = Set.of(3, 6, 9, 12);
        double atQuarterEnd = mean(wins, true, quarterEnds);
        double otherwise = mean(wins, false, quarterEnds);
        assertThat(atQuarterEnd).as("wins per quarter-end month vs %s", otherwise).isGreaterThan(1.8 * otherwise);
        // and within a month, the last week: more wins on days 24-31 than on days 1-23 together
        long lastWeek = LEADS.stream().filter(l -> l.stage().equals(FunnelDefinition.CLOSED_WON))
                .filter(l -> day(l.last().occurredAt()).getDayOfMonth() >= 24).count();
        long wonAll = LEADS.stream().filter(l -> l.stage().equals(FunnelDefinition.CLOSED_WON)).count();
        assertThat(lastWeek).isGreaterThan(wonAll - lastWeek);

        Map<YearMonth, Integer> arrivals = perCompleteMonth(LEADS.stream().map(l -> l.events().get(0).occurredAt()).toList());
        Set<Integer> dips = Set.of(7, 8, 12);
        assertThat(mean(arrivals, true, dips)).isLessThan(0.8 * mean(arrivals, false, dips));
        // no month of the history is empty
        assertThat(arrivals.values()).allSatisfy(n -> assertThat(n).isGreaterThan(100));
    }

    @Test
    void winRatesFallAndDealsGrowFromSmbToEnterprise() {
        Map<String, int[]> closes = new HashMap<>();   // segment -> {won, lost} among opportunities closed
        Map<String, Double> wonAmount = new HashMap<>();
        for (DemoLead lead : LEADS) {
            boolean opportunity = lead.events().stream().anyMatch(e -> e.toStage().equals(FunnelDefinition.OPPORTUNITY));
            if (!opportunity || !FUNNEL.isTerminal(lead.stage()) || lead.stage().equals(FunnelDefinition.NO_DECISION)) {
                continue;
            }
            int[] c = closes.computeIfAbsent(lead.segment(), s -> new int[2]);
            if (lead.stage().equals(FunnelDefinition.CLOSED_WON)) {
                c[0]++;
                wonAmount.merge(lead.segment(), lead.last().amount().doubleValue(), Double::sum);
            } else {
                c[1]++;
            }
        }
        double smb = rate(closes.get("smb"));
        double mid = rate(closes.get("mid-market"));
        double enterprise = rate(closes.get("enterprise"));
        assertThat(smb).isGreaterThan(mid);
        assertThat(mid).isGreaterThan(enterprise);
        double smbDeal = wonAmount.get("smb") / closes.get("smb")[0];
        double midDeal = wonAmount.get("mid-market") / closes.get("mid-market")[0];
        double enterpriseDeal = wonAmount.get("enterprise") / closes.get("enterprise")[0];
        assertThat(midDeal).isGreaterThan(2 * smbDeal);
        assertThat(enterpriseDeal).isGreaterThan(2 * midDeal);
    }

    static double rate(int[] wonLost) {
        return (double) wonLost[0] / (wonLost[0] + wonLost[1]);
    }

    @Test
    void lostAtEveryStageAndOpenPipelineInEveryOpenStageSomeOfItStale() {
        Set<String> lostFrom = new HashSet<>();
        Map<String, Integer> open = new HashMap<>();
        Map<String, Integer> stale = new HashMap<>();
        for (DemoLead lead : LEADS) {
            List<DemoEvent> events = lead.events();
            if (lead.stage().equals(FunnelDefinition.CLOSED_LOST) && events.size() > 1) {
                lostFrom.add(events.get(events.size() - 2).toStage());
            } else if (lead.stage().equals(FunnelDefinition.CLOSED_LOST)) {
                lostFrom.add("(first sighting)");
            }
            if (!FUNNEL.isTerminal(lead.stage())) {
                open.merge(lead.stage(), 1, Integer::sum);
                if (day(lead.last().occurredAt()).isBefore(TODAY.minusDays(180))) {
                    stale.merge(lead.stage(), 1, Integer::sum);
                }
            }
        }
        assertThat(lostFrom).containsAll(FUNNEL.openStages());
        assertThat(open.keySet()).containsExactlyInAnyOrderElementsOf(FUNNEL.openStages());
        assertThat(stale.keySet()).containsExactlyInAnyOrderElementsOf(FUNNEL.openStages());
        assertThat(open.get(FunnelDefinition.OPPORTUNITY)).isGreaterThan(50);
    }

    @Test
    void amountsInEurOnOpportunitiesAndWinsOnly() {
        for (DemoEvent e : events(LEADS)) {
            boolean priced = e.toStage().equals(FunnelDefinition.OPPORTUNITY) || e.toStage().equals(FunnelDefinition.CLOSED_WON);
            assertThat(e.amount() != null).as("%s %s", e.sourceEventId(), e.toStage()).isEqualTo(priced);
            if (priced) {
                assertThat(e.amount()).isPositive();
                assertThat(e.asTransition()).containsEntry("currency", "EUR").containsEntry("source", "demo");
            } else {
                assertThat(e.asTransition()).doesNotContainKeys("amount", "currency");
            }
        }
        // a win is priced at the opportunity's amount less a discount of at most 10 %
        for (DemoLead lead : LEADS) {
            if (lead.stage().equals(FunnelDefinition.CLOSED_WON)) {
                BigDecimal quoted = lead.events().get(lead.events().size() - 2).amount();
                assertThat(lead.last().amount()).isLessThanOrEqualTo(quoted.add(BigDecimal.valueOf(100)))
                        .isGreaterThanOrEqualTo(quoted.multiply(BigDecimal.valueOf(0.9)).subtract(BigDecimal.valueOf(100)));
            }
        }
    }

    @Test
    void targetsSitALittleAboveLastYearsSameQuarter() {
        List<DemoTargets.Target> targets = DemoTargets.of(LEADS, TODAY);
        List<DemoTargets.Target> overall = targets.stream().filter(t -> t.owner() == null).toList();
        assertThat(overall).extracting(DemoTargets.Target::from)
                .containsExactly(LocalDate.of(2026, 10, 1), LocalDate.of(2027, 1, 1));
        assertThat(overall).extracting(DemoTargets.Target::to)
                .containsExactly(LocalDate.of(2026, 12, 31), LocalDate.of(2027, 3, 31));
        double wonLastYear = LEADS.stream().filter(l -> l.stage().equals(FunnelDefinition.CLOSED_WON))
                .filter(l -> !day(l.last().occurredAt()).isBefore(LocalDate.of(2025, 10, 1))
                        && !day(l.last().occurredAt()).isAfter(LocalDate.of(2025, 12, 31)))
                .mapToDouble(l -> l.last().amount().doubleValue()).sum();
        assertThat(wonLastYear).isPositive();
        assertThat(overall.get(0).amount().doubleValue()).isBetween(1.15 * wonLastYear, 1.15 * wonLastYear + 10_000);
        // every owner has a target in both quarters, and theirs add up to about the overall one
        for (DemoTargets.Target quarter : overall) {
            List<DemoTargets.Target> owners = targets.stream()
                    .filter(t -> t.owner() != null && t.from().equals(quarter.from())).toList();
            assertThat(owners).hasSize(6);
            double sum = owners.stream().mapToDouble(t -> t.amount().doubleValue()).sum();
            assertThat(sum).isBetween(quarter.amount().doubleValue(), quarter.amount().doubleValue() + 6_000);
        }
    }
}
