package dev.l2r.lead.intake;

import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.history.StageChange;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The checks every intake path shares beyond bean validation: a known stage, a readable and plausible event
 * time, money with its currency, a usable lead id. Each refusal names its field.
 */
@ApplicationScoped
public class StageChangeFactory {

    @Inject
    FunnelDefinitions funnels;

    @ConfigProperty(name = "l2r.intake.earliest-event-time")
    Instant earliest;

    @ConfigProperty(name = "l2r.intake.max-future-skew")
    Duration maxFutureSkew;

    Clock clock = Clock.systemUTC();

    public StageChange fromRequest(String leadId, TransitionRequest request) {
        return create(leadId, request.toStage(), request.toStage(), request.occurredAt(), request.source(),
                request.sourceEventId(), request.amount(), request.currency(), attributes(request.attributes()));
    }

    /** Builds a change from already-extracted values; {@code rawStage} is the source's own name, kept for audit. */
    public StageChange create(String leadId, String stage, String rawStage, String occurredAt, String source,
                              String sourceEventId, java.math.BigDecimal amount, String currency,
                              LeadAttributes attributes) {
        String id = requireLeadId(leadId);
        String key = funnels.requireStage("toStage", stage);
        Instant at = eventTime(occurredAt);
        if (amount != null && currency == null) {
            throw ProblemException.badRequest("currency", "is required when amount is given");
        }
        return new StageChange(id, key, rawStage, at, source, sourceEventId, amount, currency, attributes);
    }

    Instant eventTime(String value) {
        Instant at = ApiTimes.parse("occurredAt", value);
        if (at.isBefore(earliest)) {
            throw ProblemException.badRequest("occurredAt", "is before " + earliest + ", which is not plausible");
        }
        if (at.isAfter(clock.instant().plus(maxFutureSkew))) {
            throw ProblemException.badRequest("occurredAt", "is in the future");
        }
        return at;
    }

    static String requireLeadId(String leadId) {
        if (leadId == null || leadId.isBlank()) {
            throw ProblemException.badRequest("leadId", "is required");
        }
        String id = leadId.trim();
        if (id.length() > 200 || id.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.badRequest("leadId", "must be at most 200 printable characters");
        }
        return id;
    }

    private static LeadAttributes attributes(TransitionRequest.AttributesRequest a) {
        return a == null ? LeadAttributes.NONE : new LeadAttributes(blankToNull(a.channel()),
                blankToNull(a.segment()), blankToNull(a.owner()), blankToNull(a.campaign()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
