package dev.l2r.lead.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Counters of what intake took and refused, by source (and by reason for refusals). Source tags are bounded
 * ({@link SourceTags}): the paths' own names and the first {@value #MAX_OTHER_SOURCES} others, then "other".
 */
@ApplicationScoped
public class IntakeMetrics {

    static final int MAX_OTHER_SOURCES = 50;

    private final SourceTags tags = new SourceTags(MAX_OTHER_SOURCES);

    @Inject
    MeterRegistry registry;

    public void accepted(String source, long count) {
        if (count > 0) {
            Counter.builder("l2r.intake.accepted").description("stage changes accepted (recorded or unchanged)")
                    .tag("source", tags.tag(source)).register(registry).increment(count);
        }
    }

    public void duplicates(String source, long count) {
        if (count > 0) {
            Counter.builder("l2r.intake.duplicates").description("stage changes that repeated a recorded source event")
                    .tag("source", tags.tag(source)).register(registry).increment(count);
        }
    }

    /** Authentic webhook items parked because no mapping knows their value yet. */
    public void parked(String source, long count) {
        if (count > 0) {
            Counter.builder("l2r.intake.parked").description("webhook items parked: their value is not mapped yet")
                    .tag("source", tags.tag(source)).register(registry).increment(count);
        }
    }

    public void rejected(String source, Reason reason) {
        Counter.builder("l2r.intake.rejected").description("requests or items refused, by reason")
                .tag("source", tags.tag(source)).tag("reason", reason.tag()).register(registry).increment();
    }
}
