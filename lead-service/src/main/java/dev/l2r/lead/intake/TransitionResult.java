package dev.l2r.lead.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.lead.history.RecordingResult;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The answer for one stage change: the recorded (or original) event and what became of this request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransitionResult(UUID eventId, String leadId, String fromStage, String toStage, TransitionKind kind,
                               List<String> skippedStages, Instant occurredAt, Instant recordedAt, String source,
                               String sourceEventId, String status) {

    public static TransitionResult of(RecordingResult result) {
        LeadStageChanged e = result.event();
        if (e == null) {
            // a repeat of a change of an erased lead: nothing of the original is left to show
            return new TransitionResult(null, null, null, null, null, null, null, null, null, null,
                    result.status().name().toLowerCase());
        }
        return new TransitionResult(e.eventId(), e.leadId(), e.fromStage(), e.toStage(), e.kind(),
                e.skippedStages(), e.occurredAt(), e.recordedAt(), e.source(), e.sourceEventId(),
                result.status().name().toLowerCase());
    }
}
