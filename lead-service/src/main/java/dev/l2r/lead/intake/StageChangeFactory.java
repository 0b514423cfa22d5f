package dev.l2r.lead.intake;

import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.history.StageChange;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;

/**
 * The checks every intake path shares beyond bean validation: a known stage, a readable and plausible event
 * time, money with its currency, a usable lead id. Each refusal names its field and its {@link Reason}.
 */
@ApplicationScoped
public class StageChangeFactory {

    @Inject
    FunnelDefinitions funnels;

    @Inject
    Validator validator;

    @ConfigProperty(name = "l2r.intake.earliest-event-time")
    Instant earliest;

    @ConfigProperty(name = "l2r.intake.max-future-skew")
    Duration maxFutureSkew;

    Clock clock = Clock.systemUTC();

    /** A body the framework has already validated (the single-transition endpoint). */
    public StageChange fromRequest(String leadId, TransitionRequest request) {
        return create(leadId, request.toStage(), request.rawStage() != null ? request.rawStage() : request.toStage(),
                request.occurredAt(), request.source(), request.sourceEventId(), request.amount(),
                request.currency(), attributes(request.attributes()));
    }

    /** One item of a batch or a CSV row: validated here, so that a bad item is refused on its own. */
    public StageChange fromItem(TransitionRequest item) {
        Set<ConstraintViolation<TransitionRequest>> violations = validator.validate(item);
        if (!violations.isEmpty()) {
            ConstraintViolation<TransitionRequest> first = violations.stream()
                    .min(Comparator.comparing(v -> v.getPropertyPath().toString())).orElseThrow();
            String field = first.getPropertyPath().toString();
            throw RejectedInput.badRequest(field.equals("leadId") ? Reason.MISSING_ID : Reason.INVALID, field,
                    first.getMessage());
        }
        return fromRequest(item.leadId(), item);
    }

    /** Builds a change from already-extracted values; {@code rawStage} is the source's own name, kept for audit. */
    public StageChange create(String leadId, String stage, String rawStage, String occurredAt, String source,
                              String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes) {
        String id = requireLeadId(leadId);
        String key = requireStage("toStage", stage, source);
        Instant at = eventTime("occurredAt", occurredAt);
        if (amount != null && currency == null) {
            throw RejectedInput.badRequest(Reason.INVALID, "currency", "is required when amount is given");
        }
        return new StageChange(id, key, rawStage, at, source, sourceEventId, amount, currency, attributes);
    }

    /**
     * The funnel's key for a stage a client named: a key (case-insensitive), or a value of the source's own
     * vocabulary that its mappings turn into one stage ({@code "Closed Won"} from {@code salesforce}).
     */
    public String requireStage(String field, String stage, String source) {
        return funnels.stageKey(stage).or(() -> funnels.stageForSourceValue(source, stage))
                .orElseThrow(() -> RejectedInput.badRequest(Reason.UNKNOWN_STAGE, field, "unknown stage '" + stage
                        + "'; the funnel's stages are " + funnels.current().stages().stream().map(s -> s.key())
                        .toList() + " (or a value mapped for source '" + source + "')"));
    }

    /** A readable, plausible event time: not before the configured earliest time, not in the future. */
    public Instant eventTime(String field, String value) {
        Instant at;
        try {
            at = ApiTimes.parse(field, value);
        } catch (ProblemException e) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, field, e.toProblem().errors().get(0).message());
        }
        return plausible(field, at);
    }

    public Instant plausible(String field, Instant at) {
        if (at.isBefore(earliest)) {
            throw RejectedInput.badRequest(Reason.IMPLAUSIBLE_TIME, field,
                    "is before " + earliest + ", which is not plausible");
        }
        if (at.isAfter(clock.instant().plus(maxFutureSkew))) {
            throw RejectedInput.badRequest(Reason.IMPLAUSIBLE_TIME, field, "is in the future");
        }
        return at;
    }

    public static String requireLeadId(String leadId) {
        if (leadId == null || leadId.isBlank()) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, "leadId", "is required");
        }
        String id = leadId.trim();
        if (id.length() > 200 || id.chars().anyMatch(Character::isISOControl)) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, "leadId", "must be at most 200 printable characters");
        }
        return id;
    }

    private static LeadAttributes attributes(TransitionRequest.AttributesRequest a) {
        return a == null ? LeadAttributes.NONE : new LeadAttributes(blankToNull(a.channel()),
                blankToNull(a.segment()), blankToNull(a.owner()), blankToNull(a.campaign()));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
