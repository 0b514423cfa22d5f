package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The recording rules without a database. Given the stored history of some leads (and the stored rows that
 * share a source event id with what is coming), it applies stage changes one after the other, exactly as if each
 * had been recorded on its own in that order, and collects what has to be written: new transitions, new and
 * changed leads, and the events for the outbox.
 *
 * <p>Each change is placed in its lead's history by event time, so a late arrival is classified against what
 * had happened before it, not against what arrived before it. A repeated source + source event id is a
 * duplicate answered with the original. A change to the stage the lead was already in at that time is no move:
 * it is answered as unchanged and kept as a dormant observation, unpublished, because an event that arrives
 * later but happened earlier can make it a move (MQL, MQL, then a late SAL between them: the second MQL is a
 * recycle); it is published then. So the history reads the same whatever order its events arrived in. The
 * same stage at the same time again is not kept at all.
 */
public final class LeadLedger {

    private final FunnelDefinition funnel;
    private final Instant now;
    private final Supplier<UUID> ids;
    private final Map<String, Book> books = new LinkedHashMap<>();
    private final Map<SourceKey, TransitionRow> bySourceEvent = new HashMap<>();
    private final List<TransitionRow> added = new ArrayList<>();
    private final List<LeadStageChanged> events = new ArrayList<>();
    private final List<UUID> activated = new ArrayList<>();

    public LeadLedger(FunnelDefinition funnel, Instant now, Supplier<UUID> ids) {
        this.funnel = funnel;
        this.now = now;
        this.ids = ids;
    }

    /** A lead that is stored, with its whole history. Leads never loaded are new. */
    public void load(String leadId, Instant createdAt, Collection<TransitionRow> history) {
        Book book = new Book(leadId, createdAt, false);
        book.rows.addAll(history);
        if (!history.isEmpty()) {
            book.state = leadState(book, LeadTimeline.of(funnel, history.stream().map(TransitionRow::observation).toList()));
        }
        books.put(leadId, book);
    }

    /** A stored row whose source event id may come again. */
    public void knowSourceEvent(TransitionRow row) {
        if (row.sourceEventId() != null) {
            bySourceEvent.putIfAbsent(new SourceKey(row.source(), row.sourceEventId()), row);
        }
    }

    public RecordingResult apply(StageChange change) {
        SourceKey key = change.sourceEventId() == null ? null : new SourceKey(change.source(), change.sourceEventId());
        TransitionRow original = key == null ? null : bySourceEvent.get(key);
        if (original != null) {
            // a repeat of a dormant observation is answered as the first time: no change
            return original.published()
                    ? new RecordingResult(RecordingResult.Status.DUPLICATE, original.toEvent(LeadAttributes.NONE))
                    : unchanged(change, original.fromStage());
        }
        Book book = books.computeIfAbsent(change.leadId(), id -> new Book(id, now, true));
        String current = book.state == null ? null : book.state.currentStage();
        if ((change.mode() == StageChange.Mode.IF_NOT_REACHED && book.hasReached(change.stage()))
                || (change.mode() == StageChange.Mode.IF_STAGE_DIFFERS && change.stage().equals(current))
                || book.hasObservation(change.stage(), change.occurredAt())) {
            return unchanged(change, current);
        }

        UUID eventId = ids.get();
        List<StageObservation> observations = new ArrayList<>(book.rows.size() + 1);
        book.rows.forEach(r -> observations.add(r.observation()));
        observations.add(new StageObservation(eventId, change.stage(), change.occurredAt()));
        LeadTimeline timeline = LeadTimeline.of(funnel, observations);
        LeadTimeline.Step step = timeline.steps().stream()
                .filter(s -> eventId.equals(s.observation().eventId())).findFirst().orElseThrow();

        TransitionRow row = new TransitionRow(eventId, change.leadId(), step.fromStage(), change.stage(), step.kind(),
                step.isNoOp() ? List.of() : step.move().skippedStages(), change.occurredAt(), now, change.source(),
                change.sourceEventId(), change.rawStage(), change.amount(), change.currency(), change.attributes(),
                change.deliveryId(), !step.isNoOp());
        book.rows.add(row);
        book.state = leadState(book, timeline);
        book.changed = true;
        if (key != null) {
            bySourceEvent.put(key, row);
        }
        added.add(row);
        if (step.isNoOp()) {
            return unchanged(change, step.fromStage());
        }
        LeadStageChanged event = row.toEvent(book.state.attributes());
        events.add(event);
        activateDormant(book, timeline);
        return new RecordingResult(RecordingResult.Status.RECORDED, event);
    }

    /** Publishes the dormant rows that the history as it reads now makes real moves. */
    private void activateDormant(Book book, LeadTimeline timeline) {
        Map<UUID, LeadTimeline.Step> steps = new HashMap<>();
        timeline.steps().forEach(s -> steps.put(s.observation().eventId(), s));
        for (int i = 0; i < book.rows.size(); i++) {
            TransitionRow row = book.rows.get(i);
            LeadTimeline.Step step = steps.get(row.eventId());
            if (row.published() || step == null || step.isNoOp()) {
                continue;
            }
            TransitionRow published = row.publishedNow();
            book.rows.set(i, published);
            if (published.sourceEventId() != null) {
                bySourceEvent.put(new SourceKey(published.source(), published.sourceEventId()), published);
            }
            if (!added.remove(row)) {
                activated.add(published.eventId());
            } else {
                added.add(published);
            }
            events.add(row.toEvent(step.fromStage(), step.kind(), step.move().skippedStages(),
                    book.state.attributes()));
        }
    }

    private static RecordingResult unchanged(StageChange change, String fromStage) {
        return new RecordingResult(RecordingResult.Status.UNCHANGED, new LeadStageChanged(null,
                LeadStageChanged.CURRENT_SCHEMA_VERSION, change.leadId(), fromStage, change.stage(), null, List.of(),
                change.occurredAt(), null, change.source(), change.sourceEventId(), change.rawStage(),
                change.amount(), change.currency(), change.attributes()));
    }

    /**
     * The lead as its whole history reads: current stage from the timeline, first-seen time, first- and
     * last-touch channel and the latest known attributes, all in timeline order (event time, then funnel order,
     * then event id), so the same history gives the same lead whatever order it arrived in.
     */
    private LeadRow leadState(Book book, LeadTimeline timeline) {
        Map<UUID, TransitionRow> byId = new HashMap<>();
        book.rows.forEach(r -> byId.put(r.eventId(), r));
        List<TransitionRow> ordered = timeline.steps().stream()
                .map(s -> byId.get(s.observation().eventId())).filter(Objects::nonNull).toList();
        Instant firstSeen = ordered.stream().map(TransitionRow::occurredAt).min(Instant::compareTo).orElseThrow();
        return new LeadRow(book.leadId, timeline.currentStage().orElseThrow(), timeline.currentSince().orElseThrow(),
                firstSeen,
                ordered.stream().map(r -> r.attributes().channel()).filter(Objects::nonNull).findFirst().orElse(null),
                latest(ordered, LeadAttributes::channel), latest(ordered, LeadAttributes::segment),
                latest(ordered, LeadAttributes::owner), latest(ordered, LeadAttributes::campaign),
                book.createdAt, now);
    }

    private static String latest(List<TransitionRow> ordered, Function<LeadAttributes, String> attribute) {
        for (int i = ordered.size() - 1; i >= 0; i--) {
            String value = attribute.apply(ordered.get(i).attributes());
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** Transitions recorded by {@link #apply}, in the order they were recorded. */
    public List<TransitionRow> addedTransitions() {
        return added;
    }

    /** The events to publish, one per added transition, in the same order. */
    public List<LeadStageChanged> events() {
        return events;
    }

    /** Stored dormant rows published by this ledger's changes. */
    public List<UUID> activatedTransitions() {
        return activated;
    }

    public List<LeadRow> newLeads() {
        return books.values().stream().filter(b -> b.changed && b.isNew).map(b -> b.state).toList();
    }

    public List<LeadRow> changedLeads() {
        return books.values().stream().filter(b -> b.changed && !b.isNew).map(b -> b.state).toList();
    }

    private record SourceKey(String source, String sourceEventId) {
    }

    private final class Book {
        final String leadId;
        final Instant createdAt;
        final boolean isNew;
        final List<TransitionRow> rows = new ArrayList<>();
        LeadRow state;
        boolean changed;

        Book(String leadId, Instant createdAt, boolean isNew) {
            this.leadId = leadId;
            this.createdAt = createdAt;
            this.isNew = isNew;
        }

        /** Whether the lead already has an observation of exactly this stage at exactly this time. */
        boolean hasObservation(String stage, Instant at) {
            for (TransitionRow r : rows) {
                if (r.toStage().equals(stage) && r.occurredAt().equals(at)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the lead was ever in {@code stage} or past it (a closed lead is past every open stage). */
        boolean hasReached(String stage) {
            for (TransitionRow r : rows) {
                if (!funnel.contains(r.toStage())) {
                    continue;
                }
                if (r.toStage().equals(stage) || funnel.isTerminal(r.toStage())
                        || (!funnel.isTerminal(stage) && funnel.isAtOrBeyond(r.toStage(), stage))) {
                    return true;
                }
            }
            return false;
        }
    }
}
