package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.lead.history.LeadLedgerTest.Store;
import dev.l2r.lead.history.RecordingResult.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.LongStream;

import static dev.l2r.events.funnel.FunnelDefinition.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the ledger makes of a lead's values (deal amount, channel, segment, owner, campaign) and of details changes:
 * worked examples, and a property against a brute-force reading of every statement in event time.
 */
class LeadLedgerValuesTest {

    private static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    private static final Instant T0 = Instant.parse("2025-03-01T00:00:00Z");

    static Instant day(long d) {
        return T0.plusSeconds(d * 86_400L);
    }

    static StageChange stage(String lead, String stage, long d, String id, String amount, String currency,
                             LeadAttributes attributes) {
        return new StageChange(lead, stage, stage.toLowerCase(), day(d), "test", id,
                amount == null ? null : new BigDecimal(amount), currency, attributes);
    }

    static StageChange details(String lead, long d, String id, String amount, String currency,
                               LeadAttributes attributes) {
        return StageChange.details(lead, day(d), "test", id, amount == null ? null : new BigDecimal(amount),
                currency, attributes);
    }

    static LeadAttributes attrs(String channel, String segment, String owner, String campaign) {
        return new LeadAttributes(channel, segment, owner, campaign);
    }

    @Test
    void theLeadCarriesTheLatestStatementOfEachValueInEventTimeAndTheEarliestChannelAsFirstTouch() {
        Store store = new Store(1);
        store.record(List.of(
                stage("a", MQL, 0, "1", "100", "EUR", attrs("web", "smb", null, null)),
                stage("a", SQL, 5, "2", "200", "EUR", attrs(null, null, "ann", null)),
                details("a", 3, "3", null, null, attrs(null, "mid", "bob", null)),
                details("a", 8, "4", null, null, attrs(null, null, null, "spring"))));
        LeadRow a = store.leads.get("a");
        assertThat(List.of(a.currentStage(), a.currentSince(), a.firstSeenAt())).containsExactly(SQL, day(5), day(0));
        assertThat(a.firstTouchChannel()).isEqualTo("web");
        assertThat(a.lastTouchChannel()).isEqualTo("web");
        // the details change of day 3 set the segment after the MQL's; the SQL of day 5 set the owner after it
        assertThat(a.segment()).isEqualTo("mid");
        assertThat(a.owner()).isEqualTo("ann");
        assertThat(a.campaign()).isEqualTo("spring");
        assertThat(a.amount()).isEqualByComparingTo("200");
        assertThat(a.currency()).isEqualTo("EUR");

        // a change that happened before all of them, arriving last, becomes the first touch but not the last
        store.record(List.of(details("a", -2, "5", null, null, attrs("ads", null, null, null))));
        a = store.leads.get("a");
        assertThat(a.firstTouchChannel()).isEqualTo("ads");
        assertThat(a.lastTouchChannel()).isEqualTo("web");
        store.record(List.of(stage("a", FUNNEL.stages().get(0).key(), -3, "6", null, null,
                attrs("partner", null, null, null))));
        a = store.leads.get("a");
        assertThat(a.firstTouchChannel()).isEqualTo("partner");
        assertThat(a.firstSeenAt()).isEqualTo(day(-3));
        // a later stage change with a new channel is the last touch
        store.record(List.of(stage("a", OPPORTUNITY, 9, "7", null, null, attrs("mail", null, null, null))));
        assertThat(store.leads.get("a").lastTouchChannel()).isEqualTo("mail");
        assertThat(store.leads.get("a").firstTouchChannel()).isEqualTo("partner");
        assertThat(store.leads.get("a").amount()).isEqualByComparingTo("200");
    }

    @Test
    void atOneInstantTheStageChangeSpeaksAfterTheDetailsChangeWhicheverArrivesFirst() {
        for (boolean detailsFirst : List.of(true, false)) {
            Store store = new Store(2);
            StageChange mql = stage("a", MQL, 0, "1", "100", "EUR", LeadAttributes.NONE);
            StageChange priced = details("a", 2, "2", "300", "EUR", attrs(null, "ent", null, null));
            StageChange sql = stage("a", SQL, 2, "3", "250", "EUR", attrs(null, "smb", null, null));
            store.record(List.of(mql));
            store.record(detailsFirst ? List.of(priced) : List.of(sql));
            store.record(detailsFirst ? List.of(sql) : List.of(priced));
            LeadRow a = store.leads.get("a");
            assertThat(a.amount()).as("details first: " + detailsFirst).isEqualByComparingTo("250");
            assertThat(a.segment()).as("details first: " + detailsFirst).isEqualTo("smb");
        }
    }

    @Test
    void aDetailsChangeIsRecordedOnlyWhenItStatesSomethingTheLeadDidNotHaveAtItsTime() {
        Store store = new Store(3);
        store.record(List.of(stage("a", MQL, 0, "1", "100", "EUR", attrs("web", "smb", "ann", "spring"))));
        assertThat(status(store, details("a", 1, "d1", "100.00", "EUR", LeadAttributes.NONE)))
                .as("the same amount written otherwise").isEqualTo(Status.UNCHANGED);
        assertThat(status(store, details("a", 1, "d2", null, null, attrs("web", "smb", "ann", "spring"))))
                .as("the same attributes").isEqualTo(Status.UNCHANGED);
        assertThat(status(store, details("a", 1, "d3", null, null, LeadAttributes.NONE)))
                .as("nothing at all").isEqualTo(Status.UNCHANGED);
        assertThat(status(store, details("a", 0, "d4", "100", "EUR", LeadAttributes.NONE)))
                .as("the stage change's own values at its own instant").isEqualTo(Status.UNCHANGED);
        assertThat(store.details.get("a")).as("kept dormant, none published").extracting(DetailsRow::published)
                .containsOnly(false);
        assertThat(store.publishedAll).hasSize(1);

        assertThat(status(store, details("a", -1, "d5", "100", "EUR", LeadAttributes.NONE)))
                .as("before the lead had an amount").isEqualTo(Status.RECORDED);
        assertThat(status(store, details("a", 1, "d6", "100", "USD", LeadAttributes.NONE)))
                .as("another currency").isEqualTo(Status.RECORDED);
        assertThat(status(store, details("a", 2, "d7", "101", "USD", LeadAttributes.NONE)))
                .as("another amount").isEqualTo(Status.RECORDED);
        for (String dimension : List.of("channel", "segment", "owner", "campaign")) {
            LeadAttributes changed = new LeadAttributes("channel".equals(dimension) ? "mail" : null,
                    "segment".equals(dimension) ? "ent" : null, "owner".equals(dimension) ? "bob" : null,
                    "campaign".equals(dimension) ? "fall" : null);
            assertThat(status(store, details("a", 3, "d-" + dimension, null, null, changed)))
                    .as("another " + dimension).isEqualTo(Status.RECORDED);
        }
        // d1 (100 EUR on day 1) was a repeat when it came; d6 (100 USD, also day 1) made it news again: published
        assertThat(store.details.get("a").stream().filter(DetailsRow::published)).extracting(DetailsRow::sourceEventId)
                .containsExactly("d1", "d5", "d6", "d7", "d-channel", "d-segment", "d-owner", "d-campaign");
        assertThat(store.details.get("a").stream().filter(d -> !d.published())).extracting(DetailsRow::sourceEventId)
                .containsExactly("d2", "d4");
        // each recorded details change is published as one, after the stage change, in recording order
        assertThat(store.publishedAll).hasSize(9);
        assertThat(store.publishedAll.subList(1, 9)).allMatch(e -> e instanceof LeadDetailsChanged);
        assertThat(store.published).hasSize(1);
        LeadRow a = store.leads.get("a");
        assertThat(List.of(a.lastTouchChannel(), a.segment(), a.owner(), a.campaign()))
                .containsExactly("mail", "ent", "bob", "fall");
        assertThat(a.amount()).isEqualByComparingTo("101");
        assertThat(a.currency()).isEqualTo("USD");
    }

    @Test
    void aDetailsChangeIsJudgedAgainstWhatTheLeadHadAtItsOwnTimeNotLater() {
        Store store = new Store(7);
        store.record(List.of(stage("a", MQL, 0, "1", "100", "EUR", attrs(null, "smb", null, null))));
        assertThat(status(store, details("a", 5, "2", "200", "EUR", attrs(null, "ent", null, null))))
                .isEqualTo(Status.RECORDED);
        // on day 3 the lead still had 100 and smb: the same values as day 5's are news there
        assertThat(status(store, details("a", 3, "3", "200", "EUR", LeadAttributes.NONE))).isEqualTo(Status.RECORDED);
        assertThat(status(store, details("a", 4, "4", null, null, attrs(null, "ent", null, null))))
                .isEqualTo(Status.RECORDED);
        // and on day 6 they are not
        assertThat(status(store, details("a", 6, "5", "200", "EUR", attrs(null, "ent", null, null))))
                .isEqualTo(Status.UNCHANGED);
    }

    @Test
    void aDormantObservationsValuesWereNeverPublishedSoADetailsChangeRepeatingThemIsRecorded() {
        Store store = new Store(4);
        store.record(List.of(stage("a", MQL, 0, "1", "100", "EUR", LeadAttributes.NONE)));
        assertThat(status(store, stage("a", MQL, 5, "2", "150", "EUR", LeadAttributes.NONE)))
                .isEqualTo(Status.UNCHANGED);
        assertThat(status(store, details("a", 6, "3", "150", "EUR", LeadAttributes.NONE)))
                .isEqualTo(Status.RECORDED);
    }

    /**
     * The sender's last word stands whatever the arrival order: a details change that repeated the lead's value
     * when it came is kept dormant and published once a late, earlier-dated stage change states another value
     * before it.
     */
    @Test
    void aDormantDetailsChangeIsPublishedWhenALateEarlierStageChangeMakesItNews() {
        StageChange mql = stage("a", MQL, 0, "1", "100", "EUR", attrs(null, null, "ann", null));
        StageChange repeat = details("a", 3, "d", "100", "EUR", attrs(null, null, "ann", null));
        StageChange lateSql = stage("a", SQL, 2, "2", "200", "EUR", attrs(null, null, "bob", null));
        for (boolean repeatFirst : List.of(true, false)) {
            Store store = new Store(11);
            store.record(List.of(mql));
            List<StageChange> rest = repeatFirst ? List.of(repeat, lateSql) : List.of(lateSql, repeat);
            List<Status> statuses = rest.stream().map(c -> status(store, c)).toList();
            String order = repeatFirst ? "details first" : "SQL first";
            // details first: unchanged when it came (dormant); SQL first: news at once
            assertThat(statuses).as(order).containsExactly(repeatFirst ? Status.UNCHANGED : Status.RECORDED,
                    Status.RECORDED);
            LeadRow a = store.leads.get("a");
            assertThat(a.amount()).as(order).isEqualByComparingTo("100");
            assertThat(a.owner()).as(order).isEqualTo("ann");
            // what a consumer reads from the published events in event time ends with the sender's last word too
            List<LeadDetailsChanged> details = store.publishedAll.stream()
                    .filter(e -> e instanceof LeadDetailsChanged).map(e -> (LeadDetailsChanged) e).toList();
            assertThat(details).as(order).hasSize(1);
            assertThat(details.get(0).occurredAt()).isEqualTo(day(3));
            assertThat(details.get(0).amount()).isEqualByComparingTo("100");
            assertThat(details.get(0).attributes().owner()).isEqualTo("ann");
            assertThat(store.details.get("a")).as(order).singleElement().satisfies(d -> {
                assertThat(d.published()).isTrue();
                assertThat(d.sourceEventId()).isEqualTo("d");
            });
            // a sender's retry of it now is a duplicate of the published change
            assertThat(status(store, repeat)).isEqualTo(Status.DUPLICATE);
        }
    }

    @Test
    void aRetriedDormantDetailsChangeIsUnchangedAndTheSameStatementAgainIsNotKeptTwice() {
        Store store = new Store(12);
        store.record(List.of(stage("a", MQL, 0, "1", "100", "EUR", LeadAttributes.NONE)));
        StageChange repeat = details("a", 3, "d", "100", "EUR", LeadAttributes.NONE);
        RecordingResult first = store.record(List.of(repeat)).get(0);
        assertThat(first.status()).isEqualTo(Status.UNCHANGED);
        assertThat(first.details().eventId()).as("a dormant row's id is not handed out").isNull();
        assertThat(status(store, repeat)).isEqualTo(Status.UNCHANGED);
        assertThat(status(store, details("a", 3, null, "100", "EUR", LeadAttributes.NONE)))
                .isEqualTo(Status.UNCHANGED);
        assertThat(store.details.get("a")).hasSize(1);
        assertThat(store.publishedAll).hasSize(1);
    }

    @Test
    void detailsOfALeadWithoutAStageWaitForItsFirstStageChange() {
        Store store = new Store(5);
        assertThat(status(store, details("a", 0, "1", "500", "EUR", attrs(null, "ent", null, null))))
                .isEqualTo(Status.RECORDED);
        assertThat(store.leads).doesNotContainKey("a");
        assertThat(store.publishedAll).singleElement().isInstanceOf(LeadDetailsChanged.class);

        store.record(List.of(stage("a", MQL, 1, "2", null, null, attrs("web", null, null, null))));
        LeadRow a = store.leads.get("a");
        assertThat(a.amount()).isEqualByComparingTo("500");
        assertThat(a.segment()).isEqualTo("ent");
        assertThat(a.firstTouchChannel()).isEqualTo("web");
        // the published stage change carries what the lead is known to have
        LeadStageChanged mql = store.published.get(0);
        assertThat(mql.attributes().segment()).isEqualTo("ent");
    }

    @Test
    void aRepeatedDetailsChangeIsADuplicateOfTheOriginalInTheSameChunkAndInALaterOne() {
        Store store = new Store(6);
        store.record(List.of(stage("a", MQL, 0, "1", null, null, LeadAttributes.NONE)));
        List<RecordingResult> first = store.record(List.of(details("a", 1, "x", "10", "EUR", LeadAttributes.NONE),
                details("a", 2, "x", "20", "EUR", LeadAttributes.NONE)));
        assertThat(first).extracting(RecordingResult::status).containsExactly(Status.RECORDED, Status.DUPLICATE);
        UUID original = first.get(0).details().eventId();
        assertThat(original).isNotNull();
        assertThat(first.get(1).details().eventId()).isEqualTo(original);
        RecordingResult later = store.record(List.of(details("a", 3, "x", "30", "EUR", LeadAttributes.NONE))).get(0);
        assertThat(later.status()).isEqualTo(Status.DUPLICATE);
        assertThat(later.details().eventId()).isEqualTo(original);
        assertThat(later.details().amount()).isEqualByComparingTo("10");
        assertThat(store.leads.get("a").amount()).isEqualByComparingTo("10");
    }

    @Test
    void theSameStageAtTheSameInstantIsNotKeptAtAllWhileAtAnotherInstantItIsKeptDormant() {
        LeadLedger ledger = new LeadLedger(FUNNEL, T0, UUID::randomUUID);
        ledger.apply(stage("a", MQL, 0, null, null, null, LeadAttributes.NONE));
        assertThat(ledger.apply(stage("a", MQL, 0, null, null, null, LeadAttributes.NONE)).status())
                .isEqualTo(Status.UNCHANGED);
        assertThat(ledger.addedTransitions()).hasSize(1);
        assertThat(ledger.apply(stage("a", MQL, 1, null, null, null, LeadAttributes.NONE)).status())
                .isEqualTo(Status.UNCHANGED);
        assertThat(ledger.addedTransitions()).hasSize(2);
        assertThat(ledger.addedTransitions().get(1).published()).isFalse();
        assertThat(ledger.events()).hasSize(1);
    }

    @Test
    void aReportedStateAgainstAClosedOrFurtherLead() {
        LeadLedger ledger = new LeadLedger(FUNNEL, T0, UUID::randomUUID);
        ledger.apply(stage("open", SQL, 0, null, null, null, LeadAttributes.NONE));
        ledger.apply(stage("won", CLOSED_WON, 0, null, null, null, LeadAttributes.NONE));
        StageChange.Mode ifNot = StageChange.Mode.IF_NOT_REACHED;
        assertThat(ledger.apply(stage("open", SAL, 1, null, null, null, LeadAttributes.NONE).withMode(ifNot))
                .status()).as("behind the lead").isEqualTo(Status.UNCHANGED);
        assertThat(ledger.apply(stage("open", SQL, 1, null, null, null, LeadAttributes.NONE).withMode(ifNot))
                .status()).as("where the lead is").isEqualTo(Status.UNCHANGED);
        assertThat(ledger.apply(stage("open", OPPORTUNITY, 1, null, null, null, LeadAttributes.NONE).withMode(ifNot))
                .status()).as("ahead of the lead").isEqualTo(Status.RECORDED);
        assertThat(ledger.apply(stage("open", CLOSED_LOST, 2, null, null, null, LeadAttributes.NONE).withMode(ifNot))
                .status()).as("an outcome an open lead never had").isEqualTo(Status.RECORDED);
        assertThat(ledger.apply(stage("won", CLOSED_LOST, 1, null, null, null, LeadAttributes.NONE).withMode(ifNot))
                .status()).as("a closed lead is past every stage").isEqualTo(Status.UNCHANGED);
        StageChange.Mode differs = StageChange.Mode.IF_STAGE_DIFFERS;
        assertThat(ledger.apply(stage("won", CLOSED_WON, 3, null, null, null, LeadAttributes.NONE).withMode(differs))
                .status()).isEqualTo(Status.UNCHANGED);
        RecordingResult reopened = ledger.apply(stage("won", SQL, 3, null, null, null, LeadAttributes.NONE)
                .withMode(differs));
        assertThat(reopened.status()).as("a source's view that differs").isEqualTo(Status.RECORDED);
        assertThat(reopened.event().fromStage()).isEqualTo(CLOSED_WON);
        assertThat(ledger.state("open").currentStage()).isEqualTo(CLOSED_LOST);
        assertThat(ledger.state("won").currentStage()).isEqualTo(SQL);
    }

    @Test
    void storedLeadsAreChangedLeadsKeepingTheirCreationAndNewOnesAreNew() {
        Instant created = T0.minusSeconds(3_600);
        Instant now = T0.plusSeconds(60);
        TransitionRow stored = new TransitionRow(UUID.randomUUID(), "old", null, MQL,
                dev.l2r.events.TransitionKind.ADVANCE, List.of(), day(0), created, "test", "s1", "mql", null, null,
                LeadAttributes.NONE, null, true);
        TransitionRow untouched = new TransitionRow(UUID.randomUUID(), "quiet", null, SAL,
                dev.l2r.events.TransitionKind.ADVANCE, List.of(), day(0), created, "test", "s2", "sal", null, null,
                LeadAttributes.NONE, null, true);
        LeadLedger ledger = new LeadLedger(FUNNEL, now, UUID::randomUUID);
        ledger.load("old", created, List.of(stored));
        ledger.load("quiet", created, List.of(untouched));
        assertThat(ledger.state("quiet").currentStage()).isEqualTo(SAL);
        assertThat(ledger.state("nobody")).isNull();

        ledger.apply(stage("old", SQL, 1, null, null, null, LeadAttributes.NONE));
        ledger.apply(stage("new", MQL, 1, null, null, null, LeadAttributes.NONE));
        assertThat(ledger.changedLeads()).singleElement().satisfies(l -> {
            assertThat(l.leadId()).isEqualTo("old");
            assertThat(l.createdAt()).isEqualTo(created);
            assertThat(l.updatedAt()).isEqualTo(now);
            assertThat(l.currentStage()).isEqualTo(SQL);
        });
        assertThat(ledger.newLeads()).singleElement().satisfies(l -> {
            assertThat(l.leadId()).isEqualTo("new");
            assertThat(l.createdAt()).isEqualTo(now);
        });
        // a stored row with a sender id: its repeat is a duplicate answered with the stored event
        ledger.knowSourceEvent(stored);
        RecordingResult repeat = ledger.apply(stage("old", MQL, 0, "s1", null, null, LeadAttributes.NONE));
        assertThat(repeat.status()).isEqualTo(Status.DUPLICATE);
        assertThat(repeat.eventId()).isEqualTo(stored.eventId());
    }

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    /**
     * Random histories of stage and details changes where every value is stated once (so no details change can be
     * a mere repeat) and no two statements of a lead of one kind share an instant (two amounts at one instant
     * would contradict each other): in any arrival order and chunking, the lead's values are those of a brute-force
     * reading of all statements in event time, details first at one instant.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void theLeadsValuesAreTheLatestStatementsWhateverTheArrivalOrder(long seed) {
        Random random = new Random(seed);
        List<StageChange> changes = new ArrayList<>();
        int n = 2 + random.nextInt(10);
        List<Long> stageDays = shuffledDays(random);
        List<Long> detailDays = shuffledDays(random);
        List<String> stages = FUNNEL.stages().stream().map(s -> s.key()).toList();
        int stageCount = 0;
        for (int i = 0; i < n; i++) {
            boolean isStage = i == 0 || random.nextBoolean();
            String amount = random.nextInt(3) == 0 ? null : String.valueOf(1000 + i);
            String currency = amount == null ? null : random.nextBoolean() ? "EUR" : "USD";
            LeadAttributes a = attrs(maybe(random, "ch" + i), maybe(random, "seg" + i), maybe(random, "own" + i),
                    maybe(random, "cmp" + i));
            changes.add(isStage
                    ? stage("a", stages.get(random.nextInt(stages.size())), stageDays.get(stageCount++), "s" + i,
                    amount, currency, a)
                    : details("a", detailDays.get(i), "d" + i, amount, currency, a));
        }
        List<StageChange> arrival = new ArrayList<>(changes);
        Collections.shuffle(arrival, random);
        Store store = new Store(seed);
        store.recordInChunks(arrival, random);
        LeadRow lead = store.leads.get("a");

        // brute force: every statement, in event time, details before a stage change at one instant
        List<StageChange> said = new ArrayList<>(changes);
        said.sort(Comparator.comparing(StageChange::occurredAt).thenComparing(c -> c.isDetails() ? 0 : 1));
        StageChange priced = said.stream().filter(c -> c.amount() != null).reduce((x, y) -> y).orElse(null);
        assertThat(lead.amount() == null ? null : lead.amount().toPlainString())
                .isEqualTo(priced == null ? null : priced.amount().toPlainString());
        assertThat(lead.currency()).isEqualTo(priced == null ? null : priced.currency());
        assertThat(lead.firstTouchChannel()).isEqualTo(said.stream().map(c -> c.attributes().channel())
                .filter(v -> v != null).findFirst().orElse(null));
        assertThat(lead.lastTouchChannel()).isEqualTo(last(said, LeadAttributes::channel));
        assertThat(lead.segment()).isEqualTo(last(said, LeadAttributes::segment));
        assertThat(lead.owner()).isEqualTo(last(said, LeadAttributes::owner));
        assertThat(lead.campaign()).isEqualTo(last(said, LeadAttributes::campaign));
        assertThat(lead.firstSeenAt()).isEqualTo(changes.stream().filter(c -> !c.isDetails())
                .map(StageChange::occurredAt).min(Comparator.naturalOrder()).orElseThrow());
    }

    /**
     * Random histories where amounts repeat (two values), so details changes often repeat what the lead had when
     * they came: in any arrival order and chunking, a consumer folding the published events in event time (details
     * before a stage change at one instant) ends with the amount of a brute-force reading of the published stage
     * changes and every details statement: no sender's statement is lost for having been a repeat when it came.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void noDetailsStatementIsLostForRepeatingAValueWhenItCame(long seed) {
        Random random = new Random(seed);
        List<StageChange> changes = new ArrayList<>();
        int n = 2 + random.nextInt(10);
        List<Long> stageDays = shuffledDays(random);
        List<Long> detailDays = shuffledDays(random);
        int stageCount = 0;
        for (int i = 0; i < n; i++) {
            boolean isStage = i == 0 || random.nextBoolean();
            String amount = random.nextInt(4) == 0 ? null : random.nextBoolean() ? "100" : "200";
            changes.add(isStage
                    ? stage("a", FUNNEL.stages().get(random.nextInt(FUNNEL.stages().size())).key(),
                    stageDays.get(stageCount++), "s" + i, amount, amount == null ? null : "EUR", LeadAttributes.NONE)
                    : details("a", detailDays.get(i), "d" + i, amount, amount == null ? null : "EUR",
                    LeadAttributes.NONE));
        }
        List<StageChange> arrival = new ArrayList<>(changes);
        Collections.shuffle(arrival, random);
        Store store = new Store(seed);
        store.recordInChunks(arrival, random);

        List<Statement> consumed = new ArrayList<>();
        store.publishedAll.forEach(e -> {
            if (e instanceof LeadStageChanged s) {
                consumed.add(new Statement(s.occurredAt(), 1, s.amount()));
            } else if (e instanceof LeadDetailsChanged d) {
                consumed.add(new Statement(d.occurredAt(), 0, d.amount()));
            }
        });
        List<Statement> truth = new ArrayList<>();
        store.published.forEach(s -> truth.add(new Statement(s.occurredAt(), 1, s.amount())));
        changes.stream().filter(StageChange::isDetails)
                .forEach(d -> truth.add(new Statement(d.occurredAt(), 0, d.amount())));
        assertThat(lastAmount(consumed)).as("seed " + seed).isEqualTo(lastAmount(truth));
        assertThat(store.publishedAll.stream().filter(e -> e instanceof LeadDetailsChanged).count())
                .as("a details change is published at most once")
                .isLessThanOrEqualTo(changes.stream().filter(StageChange::isDetails).count());
    }

    /** An amount said at a moment; {@code order} 0 for a details change, 1 for a stage change. */
    private record Statement(Instant at, int order, BigDecimal amount) {
    }

    private static String lastAmount(List<Statement> statements) {
        BigDecimal last = null;
        for (Statement s : statements.stream()
                .sorted(Comparator.comparing(Statement::at).thenComparingInt(Statement::order)).toList()) {
            last = s.amount() != null ? s.amount() : last;
        }
        return last == null ? null : last.stripTrailingZeros().toPlainString();
    }

    private static List<Long> shuffledDays(Random random) {
        List<Long> days = new ArrayList<>(LongStream.range(0, 12).boxed().toList());
        Collections.shuffle(days, random);
        return days;
    }

    private static String maybe(Random random, String value) {
        return random.nextInt(3) == 0 ? value : null;
    }

    private static String last(List<StageChange> said, Function<LeadAttributes, String> attribute) {
        String value = null;
        for (StageChange c : said) {
            value = attribute.apply(c.attributes()) != null ? attribute.apply(c.attributes()) : value;
        }
        return value;
    }

    private static Status status(Store store, StageChange change) {
        return store.record(List.of(change)).get(0).status();
    }
}