package dev.l2r.lead.history;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.events.timeline.StageObservation;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Records a stage change: the lead, the transition and the outbox row in one transaction, so a change is
 * either wholly accepted (and will reach Kafka) or not at all. The change is placed in the lead's history by
 * event time, so a late arrival is classified against what had happened before it, not against what arrived.
 */
@ApplicationScoped
public class TransitionRecorder {

    @Inject
    FunnelDefinitions funnels;

    @Inject
    Outbox outbox;

    Clock clock = Clock.systemUTC();

    @Transactional
    public RecordingResult record(StageChange change) {
        Optional<StageTransition> repeat = StageTransition.findBySourceEvent(change.source(), change.sourceEventId());
        if (repeat.isPresent()) {
            return new RecordingResult(RecordingResult.Status.DUPLICATE, toEvent(repeat.get(), LeadAttributes.NONE));
        }
        Instant now = clock.instant();
        Lead lead = Lead.findById(change.leadId(), LockModeType.PESSIMISTIC_WRITE);
        List<StageTransition> history = lead == null ? List.of() : StageTransition.ofLead(change.leadId());

        UUID eventId = UUID.randomUUID();
        List<StageObservation> observations = new ArrayList<>(history.size() + 1);
        history.forEach(t -> observations.add(t.observation()));
        observations.add(new StageObservation(eventId, change.stage(), change.occurredAt()));
        LeadTimeline timeline = LeadTimeline.of(funnels.current(), observations);
        LeadTimeline.Step step = timeline.steps().stream()
                .filter(s -> eventId.equals(s.observation().eventId())).findFirst().orElseThrow();

        if (step.isNoOp()) {
            LeadStageChanged unchanged = new LeadStageChanged(null, LeadStageChanged.CURRENT_SCHEMA_VERSION,
                    change.leadId(), step.fromStage(), change.stage(), null, List.of(), change.occurredAt(), null,
                    change.source(), change.sourceEventId(), change.rawStage(), change.amount(), change.currency(),
                    change.attributes());
            return new RecordingResult(RecordingResult.Status.UNCHANGED, unchanged);
        }

        StageTransition transition = new StageTransition();
        transition.eventId = eventId;
        transition.leadId = change.leadId();
        transition.fromStage = step.fromStage();
        transition.toStage = change.stage();
        transition.kind = step.kind();
        transition.skippedStages = step.move().skippedStages();
        transition.occurredAt = change.occurredAt();
        transition.recordedAt = now;
        transition.source = change.source();
        transition.sourceEventId = change.sourceEventId();
        transition.rawStage = change.rawStage();
        transition.amount = change.amount();
        transition.currency = change.currency();
        transition.channel = change.attributes().channel();
        transition.segment = change.attributes().segment();
        transition.owner = change.attributes().owner();
        transition.campaign = change.attributes().campaign();

        List<StageTransition> all = new ArrayList<>(history);
        all.add(transition);
        lead = updateLead(lead, change.leadId(), timeline, all, now);

        LeadStageChanged event = toEvent(transition,
                new LeadAttributes(lead.lastTouchChannel, lead.segment, lead.owner, lead.campaign));
        transition.persist();
        outbox.append(event);
        return new RecordingResult(RecordingResult.Status.RECORDED, event);
    }

    private static Lead updateLead(Lead lead, String leadId, LeadTimeline timeline, List<StageTransition> all,
                                   Instant now) {
        if (lead == null) {
            lead = new Lead();
            lead.leadId = leadId;
            lead.createdAt = now;
        }
        all.sort(Comparator.comparing((StageTransition t) -> t.occurredAt));
        lead.currentStage = timeline.currentStage().orElseThrow();
        lead.currentSince = timeline.currentSince().orElseThrow();
        lead.firstSeenAt = all.get(0).occurredAt;
        lead.firstTouchChannel = all.stream().map(t -> t.channel).filter(Objects::nonNull).findFirst().orElse(null);
        lead.lastTouchChannel = latest(all, t -> t.channel);
        lead.segment = latest(all, t -> t.segment);
        lead.owner = latest(all, t -> t.owner);
        lead.campaign = latest(all, t -> t.campaign);
        lead.updatedAt = now;
        lead.persist();
        return lead;
    }

    private static String latest(List<StageTransition> byTime, java.util.function.Function<StageTransition, String> f) {
        for (int i = byTime.size() - 1; i >= 0; i--) {
            String value = f.apply(byTime.get(i));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The event as published: this change's attributes, completed with what the lead is known to have. */
    static LeadStageChanged toEvent(StageTransition t, LeadAttributes known) {
        return new LeadStageChanged(t.eventId, LeadStageChanged.CURRENT_SCHEMA_VERSION, t.leadId, t.fromStage,
                t.toStage, t.kind, t.skippedStages, t.occurredAt, t.recordedAt, t.source, t.sourceEventId,
                t.rawStage, t.amount, t.currency, t.attributes().orElse(known));
    }
}
