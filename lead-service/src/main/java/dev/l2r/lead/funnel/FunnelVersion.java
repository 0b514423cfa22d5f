package dev.l2r.lead.funnel;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** One version of the funnel definition: the stages in order, and the source-value mappings onto them. */
@Schema(description = "A version of the funnel definition")
public record FunnelVersion(long version, Instant changedAt, List<StageDefinition> stages,
                            List<SourceMapping> mappings) {

    public FunnelVersion {
        stages = stages == null ? List.of() : List.copyOf(stages);
        mappings = mappings == null ? List.of() : List.copyOf(mappings);
    }

    public FunnelDefinition definition() {
        return new FunnelDefinition(stages);
    }

    /** What is stored (version and time live in their own columns). */
    public record Body(List<StageDefinition> stages, List<SourceMapping> mappings) {
    }

    public Body body() {
        return new Body(stages, mappings);
    }
}
