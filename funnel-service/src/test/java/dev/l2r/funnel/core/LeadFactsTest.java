package dev.l2r.funnel.core;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.l2r.events.funnel.FunnelDefinition.*;
import static org.assertj.core.api.Assertions.assertThat;

class LeadFactsTest {

    static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    static Instant day(double d) {
        return T0.plusMillis(Math.round(d * 86_400_000L));
    }

    static LeadStageChanged ev(String lead, String stage, double day, LeadAttributes attributes) {
        return new LeadStageChanged(UUID.nameUUIDFromBytes((lead + stage + day).getBytes()), 1, lead, null, stage,
                TransitionKind.ADVANCE, null, day(day), Instant.now(), "test", null, null, null, null, attributes);
    }

    static LeadStageChanged ev(String stage, double day) {
        return ev("L", stage, day, LeadAttributes.NONE);
    }

    static LeadFacts facts(LeadStageChanged... events) {
        return LeadFacts.of(FUNNEL, "L", List.of(events));
    }

    static Optional<LeadFacts.Reach> reach(LeadFacts f, String from, String to) {
        return f.reaches().stream().filter(r -> r.fromStage().equals(from) && r.toStage().equals(to)).findFirst();
    }

    static double days(LeadFacts f, String from, String to) {
        return reach(f, from, to).orElseThrow().velocityMicros() / (double) Velocity.MICROS_PER_DAY;
    }

    @Test
    void aDetailsChangeSetsTheLatestOwnerAndSegmentInEventTimeAndMovesNoStage() {
        LeadStageChanged mql = ev("L", "MQL", 1, new LeadAttributes("email", "smb", "ann", null));
        dev.l2r.events.LeadDetailsChanged later = new dev.l2r.events.LeadDetailsChanged(java.util.UUID.randomUUID(),
                1, "L", mql.occurredAt().plusSeconds(86_400), mql.occurredAt(), "hubspot", null, null, null,
                new LeadAttributes("social", "ent", "bob", null));
        dev.l2r.events.LeadDetailsChanged earlier = new dev.l2r.events.LeadDetailsChanged(java.util.UUID.randomUUID(),
                1, "L", mql.occurredAt().minusSeconds(60), mql.occurredAt(), "hubspot", null, null, null,
                new LeadAttributes(null, null, "carl", null));
        LeadFacts f = LeadFacts.of(FUNNEL, "L", List.of(later, mql, earlier));
        assertThat(f.owner()).isEqualTo("bob");
        assertThat(f.segment()).isEqualTo("ent");
        assertThat(f.channel()).isEqualTo("email"); // first touch stays the first
        assertThat(f.currentStage()).isEqualTo("MQL");
        assertThat(f.entries()).hasSize(LeadFacts.of(FUNNEL, "L", List.of(mql)).entries().size());
        // a details change before a later stage change's owner is overridden by it, in event time
        LeadStageChanged sal = ev("L", "SAL", 3, new LeadAttributes(null, null, "dora", null));
        assertThat(LeadFacts.of(FUNNEL, "L", List.of(sal, later, mql)).owner()).isEqualTo("dora");
        // only details: no stage, no rows
        assertThat(LeadFacts.of(FUNNEL, "L", List.of(later)).currentStage()).isNull();
    }

    @Test
    void skippedStagesAreReachedAtTheLaterTimeWithZeroVelocityOnwards() {
        // MQL day 0, then straight to SQL on day 6 (SAL skipped), won on day 20
        LeadFacts f = facts(ev(MQL, 0), ev(SQL, 6), ev(CLOSED_WON, 20));
        assertThat(f.entries()).extracting(LeadTimeline.Entry::stage)
                .containsExactly(MQL, SAL, SQL, OPPORTUNITY, CLOSED_WON);
        assertThat(f.entries().get(1).skipped()).isTrue();
        assertThat(days(f, MQL, SAL)).isEqualTo(6.0);   // reached SAL by skipping it
        assertThat(days(f, SAL, SQL)).isEqualTo(0.0);   // skipped SAL entered with SQL
        assertThat(days(f, MQL, CLOSED_WON)).isEqualTo(20.0);
        assertThat(days(f, SQL, OPPORTUNITY)).isEqualTo(14.0); // winning passes through OPPORTUNITY
        assertThat(reach(f, MQL, CLOSED_LOST)).isEmpty();
        assertThat(f.currentStage()).isEqualTo(CLOSED_WON);
    }

    @Test
    void losingDoesNotPassThroughLaterStages() {
        LeadFacts f = facts(ev(MQL, 0), ev(CLOSED_LOST, 3));
        assertThat(f.entries()).extracting(LeadTimeline.Entry::stage).containsExactly(MQL, CLOSED_LOST);
        assertThat(reach(f, MQL, SAL)).isEmpty();
        assertThat(reach(f, MQL, CLOSED_WON)).isEmpty();
        assertThat(days(f, MQL, CLOSED_LOST)).isEqualTo(3.0);
    }

    @Test
    void leadFirstSeenLateHasNoEarlierStages() {
        LeadFacts f = facts(ev(OPPORTUNITY, 2), ev(CLOSED_WON, 12.5));
        assertThat(f.entries()).extracting(LeadTimeline.Entry::stage).containsExactly(OPPORTUNITY, CLOSED_WON);
        assertThat(f.reaches()).extracting(LeadFacts.Reach::fromStage).containsOnly(OPPORTUNITY);
        assertThat(days(f, OPPORTUNITY, CLOSED_WON)).isEqualTo(10.5);
    }

    @Test
    void neverConvertingLeadEntersButReachesNothing() {
        LeadFacts f = facts(ev(KNOWN, 1), ev(KNOWN, 3));
        assertThat(f.entries()).hasSize(1);
        assertThat(f.reaches()).isEmpty();
        assertThat(f.currentStage()).isEqualTo(KNOWN);
        assertThat(f.currentSince()).isEqualTo(day(1));
    }

    @Test
    void recycleCountsTheReEntryAfterTheFirstEntryOfTheEarlierStage() {
        // first seen at SQL (day 0): MQL was not passed. Recycled to MQL on day 4, back to SQL on day 9.
        LeadFacts f = facts(ev(SQL, 0), ev(MQL, 4), ev(SQL, 9));
        assertThat(f.entries()).extracting(LeadTimeline.Entry::stage).containsExactly(SQL, MQL, SAL);
        // MQL (day 4) reached SQL on day 9, although SQL's first entry (day 0) came before MQL's
        assertThat(days(f, MQL, SQL)).isEqualTo(5.0);
        assertThat(days(f, MQL, SAL)).isEqualTo(5.0); // SAL skipped on the way back up
        assertThat(f.currentStage()).isEqualTo(SQL);
        assertThat(f.currentSince()).isEqualTo(day(9));
    }

    @Test
    void wonBeforeTheRecordedFirstContactDoesNotConvertThatContact() {
        // the Olist quirk: a deal won two days before its first contact
        LeadFacts f = facts(ev(CLOSED_WON, 0), ev(MQL, 2));
        assertThat(f.entries()).extracting(LeadTimeline.Entry::stage).containsExactly(CLOSED_WON, MQL);
        assertThat(reach(f, MQL, CLOSED_WON)).isEmpty();
    }

    @Test
    void tiesAreReadInFunnelOrderSoSameTimeProgressHasZeroVelocity() {
        LeadFacts f = facts(ev(CLOSED_WON, 5), ev(MQL, 5));
        assertThat(f.entries()).extracting(LeadTimeline.Entry::stage)
                .containsExactly(MQL, SAL, SQL, OPPORTUNITY, CLOSED_WON);
        assertThat(days(f, MQL, CLOSED_WON)).isZero();
    }

    @Test
    void arrivalOrderDoesNotMatterAndDuplicatesCountOnce() {
        List<LeadStageChanged> events = new ArrayList<>(List.of(ev(ENGAGED, 0), ev(MQL, 1.25), ev(SAL, 3),
                ev(OPPORTUNITY, 8), ev(CLOSED_WON, 30)));
        LeadFacts inOrder = LeadFacts.of(FUNNEL, "L", events);
        events.add(events.get(2));
        Collections.reverse(events);
        assertThat(LeadFacts.of(FUNNEL, "L", events)).isEqualTo(inOrder);
        assertThat(days(inOrder, MQL, SAL)).isEqualTo(1.75);
        assertThat(days(inOrder, SAL, SQL)).isEqualTo(5.0);
    }

    @Test
    void channelIsTheFirstTouchAndSegmentOwnerCampaignTheLatestKnown() {
        LeadFacts f = LeadFacts.of(FUNNEL, "L", List.of(
                ev("L", SAL, 5, new LeadAttributes("email", null, "bob", "fall")),
                ev("L", MQL, 1, new LeadAttributes("paid", "smb", "ann", "spring")),
                ev("L", SQL, 9, new LeadAttributes("organic", null, null, null))));
        assertThat(f.channel()).isEqualTo("paid");
        assertThat(f.segment()).isEqualTo("smb");
        assertThat(f.owner()).isEqualTo("bob");
        assertThat(f.campaign()).isEqualTo("fall");
        // a details change sets the campaign as it sets the owner, in event time
        LeadStageChanged mql = ev("L", MQL, 1, new LeadAttributes("paid", "smb", "ann", "spring"));
        dev.l2r.events.LeadDetailsChanged details = new dev.l2r.events.LeadDetailsChanged(UUID.randomUUID(), 1, "L",
                mql.occurredAt().plusSeconds(86_400), mql.occurredAt(), "hubspot", null, null, null,
                new LeadAttributes(null, null, null, "winter"));
        assertThat(LeadFacts.of(FUNNEL, "L", List.of(details, mql)).campaign()).isEqualTo("winter");
    }

    @Test
    void terminalStagesHaveNoTargetsAndTheLastOpenStageLeadsToWon() {
        assertThat(Stages.targets(FUNNEL, CLOSED_WON)).isEmpty();
        assertThat(Stages.targets(FUNNEL, OPPORTUNITY)).containsExactly(CLOSED_WON, CLOSED_LOST, NO_DECISION);
        assertThat(Stages.next(FUNNEL, OPPORTUNITY)).contains(CLOSED_WON);
        assertThat(Stages.next(FUNNEL, MQL)).contains(SAL);
        assertThat(Stages.next(FUNNEL, CLOSED_LOST)).isEmpty();
    }
}
