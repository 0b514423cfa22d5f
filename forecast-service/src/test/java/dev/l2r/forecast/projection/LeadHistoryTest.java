package dev.l2r.forecast.projection;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.forecast.model.Close;
import dev.l2r.forecast.model.Spell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class LeadHistoryTest {

    static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

    static Instant day(int d) {
        return T0.plusSeconds(86_400L * d);
    }

    static LeadStageChanged event(UUID id, String stage, Instant at, String amount, LeadAttributes attributes) {
        return new LeadStageChanged(id, 1, "lead", null, stage, TransitionKind.ADVANCE, null, at, at, "api", null,
                null, amount == null ? null : new BigDecimal(amount), amount == null ? null : "EUR", attributes);
    }

    static LeadStageChanged event(String stage, int day, String amount) {
        return event(UUID.randomUUID(), stage, day(day), amount, LeadAttributes.NONE);
    }

    static LeadDetailsChanged details(UUID id, Instant at, String amount, LeadAttributes attributes) {
        return new LeadDetailsChanged(id, 1, "lead", at, at, "api", null,
                amount == null ? null : new BigDecimal(amount), amount == null ? null : "EUR", attributes);
    }

    static LeadHistory of(List<? extends LeadEvent> events) {
        return LeadHistory.of(FUNNEL, "lead", events);
    }

    @Test
    void statesAreIntervalsOfUnchangedStageAmountAndAttributes() {
        LeadHistory h = of(List.of(
                event(UUID.randomUUID(), "MQL", day(0), null, new LeadAttributes("ads", "smb", null, null)),
                event("SQL", 5, null),
                event("OPPORTUNITY", 10, "1000"),
                event("OPPORTUNITY", 12, "1200"),
                event("CLOSED_WON", 20, null)));
        assertThat(h.states()).extracting(LeadHistory.StateRow::stage)
                .containsExactly("MQL", "SQL", "OPPORTUNITY", "OPPORTUNITY", "CLOSED_WON");
        LeadHistory.StateRow raised = h.states().get(3);
        assertThat(raised.validFrom()).isEqualTo(day(12));
        assertThat(raised.validTo()).isEqualTo(day(20));
        assertThat(raised.stageSince()).isEqualTo(day(10));
        assertThat(raised.amount()).isEqualByComparingTo("1200");
        assertThat(raised.attributes().segment()).isEqualTo("smb");
        LeadHistory.StateRow won = h.states().get(4);
        assertThat(won.open()).isFalse();
        assertThat(won.validTo()).isNull();

        // MQL to SQL passed SAL on day 5
        assertThat(h.spells()).extracting(Spell::stage).containsExactly("MQL", "SAL", "SQL", "OPPORTUNITY");
        assertThat(h.spells()).allSatisfy(s -> {
            assertThat(s.closedAt()).isEqualTo(day(20));
            assertThat(s.outcome()).isEqualTo(StageOutcome.WON);
        });
        assertThat(h.spells().get(1).enteredAt()).isEqualTo(day(5));
        assertThat(h.spells().get(3).enteredAt()).isEqualTo(day(10));

        Close close = h.closes().get(0);
        assertThat(close.amount()).isEqualByComparingTo("1200");
        assertThat(close.currency()).isEqualTo("EUR");
        assertThat(close.cycleStart()).isEqualTo(day(10));
        assertThat(h.arrival().stage()).isEqualTo("MQL");
        assertThat(h.arrival().firstSeenAt()).isEqualTo(day(0));
        assertThat(h.arrival().attributes().channel()).isEqualTo("ads");
    }

    @Test
    void aForwardSkipPassesTheSkippedStagesButLosingPassesNothing() {
        LeadHistory h = of(List.of(event("MQL", 0, null), event("OPPORTUNITY", 10, null),
                event("CLOSED_LOST", 15, null)));
        assertThat(h.spells()).extracting(Spell::stage).containsExactly("MQL", "SAL", "SQL", "OPPORTUNITY");
        assertThat(h.spells().get(1).enteredAt()).isEqualTo(day(10));
        assertThat(h.spells()).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(StageOutcome.LOST));

        LeadHistory lostEarly = of(List.of(event("MQL", 0, null), event("CLOSED_LOST", 3, null)));
        assertThat(lostEarly.spells()).extracting(Spell::stage).containsExactly("MQL");
    }

    @Test
    void winningFromAnEarlierStageIsNotAnOpportunitySpellAndItsCycleStartsAtSql() {
        LeadHistory h = of(List.of(event("SQL", 0, null), event("CLOSED_WON", 5, "300")));
        assertThat(h.spells()).extracting(Spell::stage).containsExactly("SQL");
        assertThat(h.closes().get(0).cycleStart()).isEqualTo(day(0));
        LeadHistory mql = of(List.of(event("MQL", 0, null), event("CLOSED_WON", 5, "300")));
        assertThat(mql.closes().get(0).cycleStart()).isNull();
    }

    @Test
    void eventsAtTheSameInstantMakeOneState() {
        LeadHistory h = of(List.of(event("SQL", 0, null), event("MQL", 0, null), event("OPPORTUNITY", 2, null)));
        assertThat(h.states()).extracting(LeadHistory.StateRow::stage).containsExactly("SQL", "OPPORTUNITY");
        assertThat(h.arrival().stage()).isEqualTo("SQL");
    }

    @Test
    void aReopenedLeadClosesAgainAndKeepsItsFirstSpellOutcome() {
        LeadHistory h = of(List.of(event("SQL", 0, null), event("CLOSED_LOST", 10, null), event("SQL", 20, null),
                event("OPPORTUNITY", 25, null), event("CLOSED_WON", 30, "500")));
        assertThat(h.closes()).extracting(Close::outcome).containsExactly(StageOutcome.LOST, StageOutcome.WON);
        assertThat(h.spells()).extracting(Spell::stage, Spell::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("SQL", StageOutcome.LOST),
                org.assertj.core.groups.Tuple.tuple("OPPORTUNITY", StageOutcome.WON));
        assertThat(h.states()).extracting(LeadHistory.StateRow::stage, LeadHistory.StateRow::open).containsExactly(
                org.assertj.core.groups.Tuple.tuple("SQL", true),
                org.assertj.core.groups.Tuple.tuple("CLOSED_LOST", false),
                org.assertj.core.groups.Tuple.tuple("SQL", true),
                org.assertj.core.groups.Tuple.tuple("OPPORTUNITY", true),
                org.assertj.core.groups.Tuple.tuple("CLOSED_WON", false));
    }

    @Test
    void stagesOutsideTheFunnelAreIgnored() {
        assertThat(of(List.of(event("PROSPECT", 0, null))).states()).isEmpty();
        assertThat(of(List.of(event("PROSPECT", 0, "5"), event("SQL", 1, null))).states()).hasSize(1);
    }

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    /** Stage changes and, one in three, details changes (a value or an owner changed without a stage). */
    static List<LeadEvent> randomEvents(Random random) {
        List<String> stages = FUNNEL.stages().stream().map(s -> s.key()).toList();
        String[] segments = {null, "smb", "ent"};
        String[] owners = {null, "alice", "bob"};
        int n = 1 + random.nextInt(8);
        List<LeadEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String amount = random.nextInt(3) == 0 ? String.valueOf(100 * random.nextInt(50)) : null;
            LeadAttributes attributes = new LeadAttributes(null, segments[random.nextInt(3)], null, null);
            Instant at = day(random.nextInt(20)).plusNanos(random.nextInt(3) == 0 ? 1_500 : 0);
            UUID id = new UUID(random.nextLong(), random.nextLong());
            if (random.nextInt(3) == 0) {
                events.add(details(id, at, amount, new LeadAttributes(null, null, owners[random.nextInt(3)], null)));
            } else {
                events.add(event(id, stages.get(random.nextInt(stages.size())), at, amount, attributes));
            }
        }
        return events;
    }

    @Test
    void aValueCorrectedAfterTheWinChangesTheCloseFromTheCorrectionOnKeepingItsTime() {
        LeadHistory h = of(List.of(
                event(UUID.randomUUID(), "OPPORTUNITY", day(0), "1000", new LeadAttributes(null, null, "alice", null)),
                details(UUID.randomUUID(), day(2), "1500", LeadAttributes.NONE),
                event("CLOSED_WON", 5, null),
                details(UUID.randomUUID(), day(9), "1750.25", new LeadAttributes(null, null, "bob", null)),
                details(UUID.randomUUID(), day(12), "1750.25", LeadAttributes.NONE)));
        // an open lead's value from the change on; the close carries the value it had then
        assertThat(h.states()).extracting(LeadHistory.StateRow::validFrom, s -> s.amount().toPlainString(),
                LeadHistory.StateRow::open).containsExactly(
                org.assertj.core.groups.Tuple.tuple(day(0), "1000", true),
                org.assertj.core.groups.Tuple.tuple(day(2), "1500", true),
                org.assertj.core.groups.Tuple.tuple(day(5), "1500", false),
                org.assertj.core.groups.Tuple.tuple(day(9), "1750.25", false));
        // the won close: 1500 as known from day 5 to day 9, 1750.25 from day 9 on (the repeat on day 12 is none)
        assertThat(h.closes()).hasSize(2);
        Close first = h.closes().get(0);
        Close corrected = h.closes().get(1);
        assertThat(first.closedAt()).isEqualTo(day(5)).isEqualTo(corrected.closedAt());
        assertThat(first.amount()).isEqualByComparingTo("1500");
        assertThat(first.knownFrom()).isEqualTo(day(5));
        assertThat(first.knownUntil()).isEqualTo(day(9));
        assertThat(first.attributes().owner()).isEqualTo("alice");
        assertThat(corrected.amount()).isEqualByComparingTo("1750.25");
        assertThat(corrected.knownFrom()).isEqualTo(day(9));
        assertThat(corrected.knownUntil()).isNull();
        assertThat(corrected.attributes().owner()).isEqualTo("bob");
        assertThat(corrected.won()).isTrue();
        assertThat(first.knownAt(day(8))).isTrue();
        assertThat(corrected.knownAt(day(8))).isFalse();
        assertThat(first.knownAt(day(9))).isFalse();
        assertThat(corrected.knownAt(day(9))).isTrue();
    }

    @Test
    void aLeadWithOnlyDetailsChangesHasNoHistoryUntilItsFirstStage() {
        assertThat(of(List.of(details(UUID.randomUUID(), day(1), "10", LeadAttributes.NONE))).states()).isEmpty();
        LeadHistory h = of(List.of(details(UUID.randomUUID(), day(1), "10", LeadAttributes.NONE),
                event("MQL", 3, null)));
        assertThat(h.states()).singleElement().satisfies(s -> assertThat(s.amount()).isEqualByComparingTo("10"));
        assertThat(h.arrival().firstSeenAt()).isEqualTo(day(3));
    }

    /**
     * What makes an as-of forecast reproducible: the state at any moment read from the intervals, the spells and
     * closes seen at that moment, equal what the events up to that moment alone give, whatever arrived later.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void everyMomentDependsOnlyOnTheEventsUpToIt(long seed) {
        Random random = new Random(seed);
        List<LeadEvent> events = randomEvents(random);
        LeadHistory full = of(events);
        List<LeadEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        assertThat(of(shuffled)).isEqualTo(full);

        Instant t = day(random.nextInt(22)).plusNanos(random.nextInt(2) * 1_000);
        LeadHistory prefix = of(events.stream().filter(e -> !LeadHistory.micros(e.occurredAt()).isAfter(t)).toList());

        LeadHistory.StateRow at = full.states().stream()
                .filter(s -> !s.validFrom().isAfter(t) && (s.validTo() == null || s.validTo().isAfter(t)))
                .findFirst().orElse(null);
        LeadHistory.StateRow last = prefix.states().isEmpty() ? null
                : prefix.states().get(prefix.states().size() - 1);
        assertThat(at == null ? null : at.until(null)).isEqualTo(last);

        List<Spell> seen = full.spells().stream().filter(s -> !s.enteredAt().isAfter(t))
                .map(s -> s.closedAt() != null && !s.closedAt().isAfter(t) ? s
                        : new Spell(s.leadId(), s.stage(), s.enteredAt(), null, null, s.attributes()))
                .toList();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(prefix.spells());
        // the closes as known at t (a correction after t not yet applied), each the latest of the prefix's
        assertThat(full.closes().stream().filter(c -> !c.closedAt().isAfter(t) && c.knownAt(t))
                .map(c -> c.until(null)).toList())
                .isEqualTo(prefix.closes().stream().filter(c -> c.knownUntil() == null).toList());
        assertThat(prefix.arrival()).isEqualTo(prefix.states().isEmpty() ? null : full.arrival());
    }
}
