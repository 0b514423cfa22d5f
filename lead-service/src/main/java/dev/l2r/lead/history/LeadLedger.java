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
 * duplicate answered with the original; a move to the stage the lead was already in at that time is no change.
 */
public final class LeadLedger {

    private final FunnelDefinition funnel;
    private final Instant now;
    private final Supplier<UUID> ids;
    private final Map<String, Book> books = new LinkedHashMap<>();
    private final Map<SourceKey, TransitionRow> bySourceEvent = new HashMap<>();
    private final List<TransitionRow> added = new ArrayList<>();
    private final List<LeadStageChanged> events = new ArrayList<>();

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
            return new RecordingResult(RecordingResult.Status.DUPLICATE, original.toEvent(LeadAttributes.NONE));
        }
        Book book = books.computeIfAbsent(change.leadId(), id -> new Book(id, now, true));
        if (change.onlyIfNotReached() && book.hasReached(change.stage())) {
            return unchanged(change, book.state == null ? null : book.state.currentStage());
        }

        UUID eventId = ids.get();
        List<StageObservation> observations = new ArrayList<>(book.rows.size() + 1);
        book.rows.forEach(r -> observations.add(r.observation()));
        observations.add(new StageObservation(eventId, change.stage(), change.occurredAt()));
        LeadTimeline timeline = LeadTimeline.of(funnel, observations);
        LeadTimeline.Step step = timeline.steps().stream()
                .filter(s -> eventId.equals(s.observation().eventId())).findFirst().orElseThrow();
        if (step.isNoOp()) {
            return unchanged(change, step.fromStage());
        }

        TransitionRow row = new TransitionRow(eventId, change.leadId(), step.fromStage(), change.stage(), step.kind(),
                step.move().skippedStages(), change.occurredAt(), now, change.source(), change.sourceEventId(),
                change.rawStage(), change.amount(), change.currency(), change.attributes(), change.deliveryId());
        book.rows.add(row);
        book.state = leadState(book, timeline);
        book.changed = true;
        if (key != null) {
            bySourceEvent.put(key, row);
        }
        added.add(row);
        LeadStageChanged event = row.toEvent(book.state.attributes());
        events.add(event);
        return new RecordingResult(RecordingResult.Status.RECORDED, event);
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
