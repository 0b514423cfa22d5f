package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
 *
 * <p>A details change ({@link StageChange.Mode#DETAILS}: a deal value or an owner changed without a stage change)
 * is recorded as a {@link DetailsRow} and published as a {@link LeadDetailsChanged}, deduplicated by source +
 * source event id like a stage change; one that states nothing the lead did not already have at its time is
 * answered as unchanged and kept dormant, for the same reason as a dormant observation: a late stage change that
 * happened before it with another value makes it news again (MQL with 100, details with 100, then a late SQL
 * between them with 200: the sender's last word is still 100), and it is published then. The same statement at
 * the same instant again is not kept at all. The lead's amount and attributes are read from both kinds of row in
 * event time (a details change before a stage change at the same instant).
 */
public final class LeadLedger {

    private final FunnelDefinition funnel;
    private final Instant now;
    private final Supplier<UUID> ids;
    private final Map<String, Book> books = new LinkedHashMap<>();
    private final Map<SourceKey, TransitionRow> bySourceEvent = new HashMap<>();
    private final List<TransitionRow> added = new ArrayList<>();
    private final List<LeadStageChanged> events = new ArrayList<>();
    private final Map<SourceKey, DetailsRow> detailsBySourceEvent = new HashMap<>();
    private final List<DetailsRow> addedDetails = new ArrayList<>();
    private final List<LeadEvent> published = new ArrayList<>();
    private final List<UUID> activated = new ArrayList<>();
    private final List<UUID> activatedDetails = new ArrayList<>();

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

    /**
     * A lead's stored details changes; a lead with details changes but no stage change yet is not stored as a lead,
     * so this is called for every lead of the chunk, after {@link #load} for those stored.
     */
    public void loadDetails(String leadId, Collection<DetailsRow> details) {
        if (details.isEmpty()) {
            return;
        }
        Book book = books.computeIfAbsent(leadId, id -> new Book(id, now, true));
        book.details.addAll(details);
        if (!book.rows.isEmpty()) {
            book.state = leadState(book, LeadTimeline.of(funnel, book.rows.stream().map(TransitionRow::observation)
                    .toList()));
        }
    }

    /** A stored details change whose source event id may come again. */
    public void knowSourceEvent(DetailsRow row) {
        if (row.sourceEventId() != null) {
            detailsBySourceEvent.putIfAbsent(new SourceKey(row.source(), row.sourceEventId()), row);
        }
    }

    /** A stored row whose source event id may come again. */
    public void knowSourceEvent(TransitionRow row) {
        if (row.sourceEventId() != null) {
            bySourceEvent.putIfAbsent(new SourceKey(row.source(), row.sourceEventId()), row);
        }
    }

    public RecordingResult apply(StageChange change) {
        if (change.isDetails()) {
            return applyDetails(change);
        }
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
        published.add(event);
        activateDormant(book, timeline);
        activateDormantDetails(book);
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
            LeadStageChanged event = row.toEvent(step.fromStage(), step.kind(), step.move().skippedStages(),
                    book.state.attributes());
            events.add(event);
            this.published.add(event);
        }
    }

    private RecordingResult applyDetails(StageChange change) {
        SourceKey key = change.sourceEventId() == null ? null : new SourceKey(change.source(), change.sourceEventId());
        DetailsRow original = key == null ? null : detailsBySourceEvent.get(key);
        if (original != null) {
            // a repeat of a dormant details change is answered as the first time: no change
            return original.published()
                    ? new RecordingResult(RecordingResult.Status.DUPLICATE, null, original.toEvent())
                    : new RecordingResult(RecordingResult.Status.UNCHANGED, null,
                    original.withId(null, false).toEvent());
        }
        Book book = books.computeIfAbsent(change.leadId(), id -> new Book(id, now, true));
        DetailsRow said = new DetailsRow(null, change.leadId(), change.occurredAt(), now, change.source(),
                change.sourceEventId(), change.amount(), change.currency(), change.attributes(), change.deliveryId(),
                true);
        boolean news = book.changesSomething(said);
        // a statement of nothing can never become news; the same statement at the same instant is kept once
        if (!news && (said.amount() == null && said.attributes().equals(LeadAttributes.NONE)
                || book.hasStatement(said))) {
            return new RecordingResult(RecordingResult.Status.UNCHANGED, null, said.toEvent());
        }
        DetailsRow row = said.withId(ids.get(), news);
        book.details.add(row);
        if (key != null) {
            detailsBySourceEvent.put(key, row);
        }
        addedDetails.add(row);
        if (!news) {
            return new RecordingResult(RecordingResult.Status.UNCHANGED, null, said.toEvent());
        }
        if (!book.rows.isEmpty()) {
            // a lead with no stage yet is not a lead row: its details wait for its first stage change
            book.state = leadState(book, LeadTimeline.of(funnel, book.rows.stream().map(TransitionRow::observation)
                    .toList()));
            book.changed = true;
        }
        LeadDetailsChanged event = row.toEvent();
        published.add(event);
        activateDormantDetails(book);
        return new RecordingResult(RecordingResult.Status.RECORDED, null, event);
    }

    /**
     * Publishes the dormant details changes that now state something the lead's published history did not have at
     * their time, earliest first (publishing one can settle a later one).
     */
    private void activateDormantDetails(Book book) {
        List<DetailsRow> dormant = book.details.stream().filter(d -> !d.published())
                .sorted(Comparator.comparing(DetailsRow::occurredAt).thenComparing(d -> String.valueOf(d.eventId())))
                .toList();
        for (DetailsRow row : dormant) {
            if (!book.changesSomething(row)) {
                continue;
            }
            DetailsRow now = row.publishedNow();
            book.details.set(book.details.indexOf(row), now);
            if (now.sourceEventId() != null) {
                detailsBySourceEvent.put(new SourceKey(now.source(), now.sourceEventId()), now);
            }
            int added = addedDetails.indexOf(row);
            if (added >= 0) {
                addedDetails.set(added, now);
            } else {
                activatedDetails.add(now.eventId());
            }
            published.add(now.toEvent());
        }
    }

    /** One dated statement of values: a stage change's or a details change's. */
    private record Said(Instant at, int order, LeadAttributes attributes, BigDecimal amount, String currency) {
    }

    /** Stage rows in timeline order and details rows, merged by event time, details first at one instant. */
    private static List<Said> said(List<TransitionRow> ordered, List<DetailsRow> details) {
        List<Said> all = new ArrayList<>(ordered.size() + details.size());
        for (int i = 0; i < ordered.size(); i++) {
            TransitionRow r = ordered.get(i);
            all.add(new Said(r.occurredAt(), 1, r.attributes(), r.amount(), r.currency()));
        }
        details.stream().sorted(Comparator.comparing(DetailsRow::occurredAt)
                        .thenComparing(d -> String.valueOf(d.eventId())))
                .forEach(d -> all.add(new Said(d.occurredAt(), 0, d.attributes(), d.amount(), d.currency())));
        // stable: stage rows keep their timeline order among themselves
        all.sort(Comparator.comparing(Said::at).thenComparingInt(Said::order));
        return all;
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
        List<Said> said = said(ordered, book.details);
        Said priced = null;
        for (Said s : said) {
            priced = s.amount() != null ? s : priced;
        }
        return new LeadRow(book.leadId, timeline.currentStage().orElseThrow(), timeline.currentSince().orElseThrow(),
                firstSeen,
                said.stream().map(s -> s.attributes().channel()).filter(Objects::nonNull).findFirst().orElse(null),
                latest(said, LeadAttributes::channel), latest(said, LeadAttributes::segment),
                latest(said, LeadAttributes::owner), latest(said, LeadAttributes::campaign),
                book.createdAt, now, priced == null ? null : priced.amount(), priced == null ? null : priced.currency());
    }

    private static String latest(List<Said> said, Function<LeadAttributes, String> attribute) {
        for (int i = said.size() - 1; i >= 0; i--) {
            String value = attribute.apply(said.get(i).attributes());
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

    /** Details changes recorded by {@link #apply}, in the order they were recorded. */
    public List<DetailsRow> addedDetails() {
        return addedDetails;
    }

    /** Every event to publish, stage and details changes, in the order they were recorded. */
    public List<LeadEvent> published() {
        return published;
    }

    /** Stored dormant rows published by this ledger's changes. */
    public List<UUID> activatedTransitions() {
        return activated;
    }

    /** Stored dormant details changes published by this ledger's changes. */
    public List<UUID> activatedDetails() {
        return activatedDetails;
    }

    /** The lead as its loaded history reads now (null without a stage change): a merged lead's recomputed row. */
    public LeadRow state(String leadId) {
        Book book = books.get(leadId);
        return book == null ? null : book.state;
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
        final List<DetailsRow> details = new ArrayList<>();
        LeadRow state;
        boolean changed;

        Book(String leadId, Instant createdAt, boolean isNew) {
            this.leadId = leadId;
            this.createdAt = createdAt;
            this.isNew = isNew;
        }

        /**
         * Whether a details change states something the consumers do not have for the lead at its time: a
         * different amount or currency, or an attribute with another value, than its published stage changes and
         * its details changes up to then say. A dormant observation's values were never published, so they do not
         * count (a sender reporting the same stage with a new amount, as Salesforce does, is a details change).
         */
        boolean changesSomething(DetailsRow change) {
            List<TransitionRow> upTo = rows.stream().filter(TransitionRow::published)
                    .filter(r -> !r.occurredAt().isAfter(change.occurredAt()))
                    .sorted(Comparator.comparing(TransitionRow::occurredAt)).toList();
            List<Said> before = said(upTo, details.stream().filter(DetailsRow::published)
                    .filter(d -> !d.occurredAt().isAfter(change.occurredAt())).toList());
            Said priced = null;
            for (Said s : before) {
                priced = s.amount() != null ? s : priced;
            }
            if (change.amount() != null && (priced == null || priced.amount().compareTo(change.amount()) != 0
                    || !Objects.equals(priced.currency(), change.currency()))) {
                return true;
            }
            for (String dimension : List.of("channel", "segment", "owner", "campaign")) {
                String value = change.attributes().get(dimension);
                if (value != null && !value.equals(latest(before, a -> a.get(dimension)))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the lead already has a details change stating exactly this at exactly this time. */
        boolean hasStatement(DetailsRow change) {
            for (DetailsRow d : details) {
                if (d.occurredAt().equals(change.occurredAt()) && Objects.equals(d.currency(), change.currency())
                        && (d.amount() == null ? change.amount() == null
                        : change.amount() != null && d.amount().compareTo(change.amount()) == 0)
                        && d.attributes().equals(change.attributes())) {
                    return true;
                }
            }
            return false;
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
