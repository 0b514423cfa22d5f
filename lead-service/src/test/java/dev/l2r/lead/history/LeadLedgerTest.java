package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

import static dev.l2r.events.funnel.FunnelDefinition.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The recording rules without a database: examples, and properties over seeded random histories. */
class LeadLedgerTest {

    private static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<String> STAGES = FUNNEL.stages().stream().map(s -> s.key()).toList();

    /** A stand-in for the tables: every row and published event, recorded one chunk (one ledger) at a time. */
    static final class Store {
        final Map<String, List<TransitionRow>> rows = new HashMap<>();
        final Map<String, Instant> created = new HashMap<>();
        final Map<String, LeadRow> leads = new HashMap<>();
        final Map<String, List<DetailsRow>> details = new HashMap<>();
        final List<LeadStageChanged> published = new ArrayList<>();
        final List<LeadEvent> publishedAll = new ArrayList<>();
        final Random ids;

        Store(long seed) {
            ids = new Random(seed);
        }

        List<RecordingResult> record(List<StageChange> chunk) {
            LeadLedger ledger = new LeadLedger(FUNNEL, T0.plusSeconds(published.size()),
                    () -> new UUID(ids.nextLong(), ids.nextLong()));
            rows.values().forEach(list -> list.forEach(ledger::knowSourceEvent));
            details.values().forEach(list -> list.forEach(ledger::knowSourceEvent));
            chunk.stream().map(StageChange::leadId).distinct().filter(created::containsKey)
                    .forEach(id -> ledger.load(id, created.get(id), rows.get(id)));
            chunk.stream().map(StageChange::leadId).distinct()
                    .forEach(id -> ledger.loadDetails(id, details.getOrDefault(id, List.of())));
            List<RecordingResult> results = chunk.stream().map(ledger::apply).toList();
            ledger.newLeads().forEach(l -> created.put(l.leadId(), l.createdAt()));
            ledger.newLeads().forEach(l -> leads.put(l.leadId(), l));
            ledger.changedLeads().forEach(l -> leads.put(l.leadId(), l));
            Set<UUID> activated = new HashSet<>(ledger.activatedTransitions());
            rows.replaceAll((id, list) -> list.stream()
                    .map(r -> activated.contains(r.eventId()) ? r.publishedNow() : r).toList());
            ledger.addedTransitions().forEach(r -> rows.merge(r.leadId(), List.of(r),
                    (a, b) -> { List<TransitionRow> all = new ArrayList<>(a); all.addAll(b); return all; }));
            Set<UUID> activatedDetails = new HashSet<>(ledger.activatedDetails());
            details.replaceAll((id, list) -> list.stream()
                    .map(d -> activatedDetails.contains(d.eventId()) ? d.publishedNow() : d).toList());
            ledger.addedDetails().forEach(d -> details.merge(d.leadId(), List.of(d),
                    (a, b) -> { List<DetailsRow> all = new ArrayList<>(a); all.addAll(b); return all; }));
            published.addAll(ledger.events());
            publishedAll.addAll(ledger.published());
            return results;
        }

        void recordInChunks(List<StageChange> changes, Random random) {
            for (int i = 0; i < changes.size(); ) {
                int n = 1 + random.nextInt(4);
                record(changes.subList(i, Math.min(changes.size(), i + n)));
                i += n;
            }
        }

        /** The moves of a lead as the stored rows read. */
        List<String> moves(String lead) {
            return moves(rows.get(lead).stream().map(TransitionRow::observation).toList());
        }

        /** The moves of a lead as a consumer of the published events reads them. */
        List<String> publishedMoves(String lead) {
            return moves(published.stream().filter(e -> e.leadId().equals(lead))
                    .map(e -> new StageObservation(e.eventId(), e.toStage(), e.occurredAt())).toList());
        }

        private static List<String> moves(List<StageObservation> observations) {
            return LeadTimeline.of(FUNNEL, observations).steps().stream().filter(s -> !s.isNoOp())
                    .map(s -> s.observation().stage() + "@" + s.observation().occurredAt() + ":" + s.kind()).toList();
        }

        /**
         * The stage changes stored for a lead. Two changes of one stage at one instant are one observation, whichever
         * sender id came first, so ids are not part of it.
         */
        Set<String> observations(String lead) {
            Set<String> set = new HashSet<>();
            rows.get(lead).forEach(r -> set.add(r.toStage() + "@" + r.occurredAt()));
            return set;
        }
    }

    static StageChange change(String lead, String stage, long day, String sourceEventId, String channel) {
        return new StageChange(lead, stage, stage.toLowerCase(), T0.plusSeconds(day * 86_400L), "test", sourceEventId,
                null, null, new LeadAttributes(channel, null, null, null));
    }

    /**
     * A random history of a few leads: stages on random days, some with a channel, a few with no id. A date-only
     * CSV import puts several changes of one lead on the same instant, and a sender retries a delivery in a later
     * chunk: so about a third of the changes share their day with an earlier change of the lead, and about one in
     * six changes with an id is delivered twice (the copy lands anywhere in the arrival order).
     */
    static List<StageChange> randomHistory(Random random) {
        List<StageChange> changes = new ArrayList<>();
        int leads = 1 + random.nextInt(3);
        for (int l = 0; l < leads; l++) {
            int events = 1 + random.nextInt(9);
            List<Long> days = new ArrayList<>(LongStream.range(0, 30).boxed().toList());
            Collections.shuffle(days, random);
            List<StageChange> ofLead = new ArrayList<>();
            for (int e = 0; e < events; e++) {
                String stage = STAGES.get(random.nextInt(STAGES.size()));
                String channel = random.nextInt(3) == 0 ? "ch" + random.nextInt(4) : null;
                String id = random.nextInt(5) == 0 ? null : "L" + l + "-e" + e;
                long day = days.get(e);
                if (e > 0 && random.nextInt(3) == 0) {
                    // another stage on the day of an earlier change (the same stage twice at one instant with
                    // different attributes is a contradiction no arrival order can settle: not generated)
                    StageChange earlier = ofLead.get(random.nextInt(e));
                    long shared = dayOf(earlier);
                    if (ofLead.stream().noneMatch(c -> dayOf(c) == shared && c.stage().equals(stage))) {
                        day = shared;
                    }
                }
                ofLead.add(change("lead-" + l, stage, day, id, channel));
            }
            for (StageChange c : List.copyOf(ofLead)) {
                if (c.sourceEventId() != null && random.nextInt(6) == 0) {
                    ofLead.add(c);
                }
            }
            changes.addAll(ofLead);
        }
        changes.sort(Comparator.comparing(StageChange::occurredAt));
        return changes;
    }

    static long dayOf(StageChange c) {
        return (c.occurredAt().getEpochSecond() - T0.getEpochSecond()) / 86_400L;
    }

    @Test
    void theGeneratedHistoriesHoldEqualTimesAndRepeatedIdsOften() {
        int withTies = 0;
        int withRepeats = 0;
        for (long seed : seeds().toArray()) {
            List<StageChange> h = randomHistory(new Random(seed));
            Set<String> times = new HashSet<>();
            Set<String> ids = new HashSet<>();
            boolean tie = false;
            boolean repeat = false;
            for (StageChange c : h) {
                tie |= !times.add(c.leadId() + c.occurredAt());
                repeat |= c.sourceEventId() != null && !ids.add(c.sourceEventId());
            }
            withTies += tie ? 1 : 0;
            withRepeats += repeat ? 1 : 0;
        }
        assertThat(withTies).isGreaterThan(100);
        assertThat(withRepeats).isGreaterThan(60);
    }

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void anyArrivalOrderAndChunkingReadsAsTheHistoryRecordedInEventTimeOrder(long seed) {
        Random random = new Random(seed);
        List<StageChange> inOrder = randomHistory(random);
        List<StageChange> shuffled = new ArrayList<>(inOrder);
        Collections.shuffle(shuffled, random);

        Store ordered = new Store(seed);
        ordered.recordInChunks(inOrder, random);
        Store arrived = new Store(seed);
        arrived.recordInChunks(shuffled, random);

        for (String lead : ordered.rows.keySet()) {
            assertThat(arrived.observations(lead)).as("stored observations").isEqualTo(ordered.observations(lead));
            assertThat(arrived.moves(lead)).as("moves").isEqualTo(ordered.moves(lead));
            // what a consumer of the topic reads is what lead-service holds
            assertThat(ordered.publishedMoves(lead)).isEqualTo(ordered.moves(lead));
            assertThat(arrived.publishedMoves(lead)).isEqualTo(arrived.moves(lead));
            LeadRow a = ordered.leads.get(lead);
            LeadRow b = arrived.leads.get(lead);
            assertThat(List.of(b.currentStage(), b.currentSince(), b.firstSeenAt(), String.valueOf(b.firstTouchChannel()),
                    String.valueOf(b.lastTouchChannel()))).as("lead").isEqualTo(List.of(a.currentStage(),
                    a.currentSince(), a.firstSeenAt(), String.valueOf(a.firstTouchChannel()),
                    String.valueOf(a.lastTouchChannel())));
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void recordingEverythingAgainChangesNothing(long seed) {
        Random random = new Random(seed);
        List<StageChange> changes = randomHistory(random).stream().filter(c -> c.sourceEventId() != null).toList();
        Store store = new Store(seed);
        store.recordInChunks(changes, random);
        int events = store.published.size();
        Map<String, List<TransitionRow>> before = new HashMap<>(store.rows);
        List<RecordingResult> again = store.record(changes);
        assertThat(again).extracting(RecordingResult::status).doesNotContain(RecordingResult.Status.RECORDED);
        assertThat(store.published).hasSize(events);
        assertThat(store.rows).isEqualTo(before);
    }

    @Test
    void aClosedLeadReopeningIsARecycleAndItsReturnIsPublished() {
        Store store = new Store(1);
        store.record(List.of(change("a", MQL, 0, "1", null), change("a", CLOSED_LOST, 5, "2", null)));
        RecordingResult reopened = store.record(List.of(change("a", SQL, 9, "3", null))).get(0);
        assertThat(reopened.status()).isEqualTo(RecordingResult.Status.RECORDED);
        assertThat(reopened.event().kind()).isEqualTo(TransitionKind.RECYCLE);
        assertThat(reopened.event().fromStage()).isEqualTo(CLOSED_LOST);
        assertThat(store.leads.get("a").currentStage()).isEqualTo(SQL);
    }

    @Test
    void aSameStageRepeatIsDormantUntilALateEventMakesItARecycle() {
        Store store = new Store(2);
        store.record(List.of(change("a", MQL, 0, "1", "web")));
        RecordingResult repeat = store.record(List.of(change("a", MQL, 10, "2", "mail"))).get(0);
        assertThat(repeat.status()).isEqualTo(RecordingResult.Status.UNCHANGED);
        assertThat(store.published).hasSize(1);
        // a retry of the dormant one is answered the same way, not as a duplicate
        assertThat(store.record(List.of(change("a", MQL, 10, "2", "mail"))).get(0).status())
                .isEqualTo(RecordingResult.Status.UNCHANGED);

        store.record(List.of(change("a", SAL, 5, "3", null)));
        assertThat(store.published).extracting(LeadStageChanged::sourceEventId).containsExactly("1", "3", "2");
        LeadStageChanged activated = store.published.get(2);
        assertThat(activated.kind()).isEqualTo(TransitionKind.RECYCLE);
        assertThat(activated.fromStage()).isEqualTo(SAL);
        assertThat(store.leads.get("a").currentStage()).isEqualTo(MQL);
        assertThat(store.leads.get("a").lastTouchChannel()).isEqualTo("mail");
        assertThat(store.moves("a")).hasSize(3);
        // the stored row was published, not stored again, and its retry is now a duplicate of the published event
        assertThat(store.rows.get("a")).hasSize(3).allMatch(TransitionRow::published);
        RecordingResult retry = store.record(List.of(change("a", MQL, 10, "2", "mail"))).get(0);
        assertThat(retry.status()).isEqualTo(RecordingResult.Status.DUPLICATE);
        assertThat(retry.eventId()).isEqualTo(activated.eventId());
    }

    @Test
    void aReportedStateIsTakenOnlyWhenItMovesTheLeadForward() {
        Store store = new Store(3);
        StageChange mql = change("a", MQL, 3, null, null).withMode(StageChange.Mode.IF_NOT_REACHED);
        assertThat(store.record(List.of(mql)).get(0).status()).isEqualTo(RecordingResult.Status.RECORDED);
        store.record(List.of(change("a", SQL, 4, null, null)));
        StageChange again = change("a", MQL, 6, null, null).withMode(StageChange.Mode.IF_NOT_REACHED);
        assertThat(store.record(List.of(again)).get(0).status()).isEqualTo(RecordingResult.Status.UNCHANGED);
        StageChange sameStage = change("a", SQL, 7, null, null).withMode(StageChange.Mode.IF_STAGE_DIFFERS);
        assertThat(store.record(List.of(sameStage)).get(0).status()).isEqualTo(RecordingResult.Status.UNCHANGED);
        StageChange lost = change("b", CLOSED_LOST, 1, null, null);
        store.record(List.of(lost));
        // a lost lead's later score crossing does not reopen it
        StageChange scored = change("b", MQL, 2, null, null).withMode(StageChange.Mode.IF_NOT_REACHED);
        assertThat(store.record(List.of(scored)).get(0).status()).isEqualTo(RecordingResult.Status.UNCHANGED);
        assertThat(store.rows.get("a")).hasSize(2);
        assertThat(store.rows.get("b")).hasSize(1);
    }

    @Test
    void aSourceEventIdRepeatedInsideOneChunkIsADuplicateOfTheFirst() {
        Store store = new Store(4);
        List<RecordingResult> results = store.record(List.of(change("a", MQL, 0, "x", null),
                change("a", SQL, 1, "x", null)));
        assertThat(results).extracting(RecordingResult::status)
                .containsExactly(RecordingResult.Status.RECORDED, RecordingResult.Status.DUPLICATE);
        assertThat(results.get(1).event().eventId()).isEqualTo(results.get(0).event().eventId());
    }
}
