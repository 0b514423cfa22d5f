package dev.l2r.lead.intake;

import dev.l2r.lead.text.TextRules;
import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.IdentityRegistry;
import dev.l2r.lead.identity.PersonalIds;
import dev.l2r.lead.privacy.ErasedDeliveries;
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
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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

    @Inject
    IdentityRegistry identities;

    @Inject
    ErasedDeliveries erased;

    @ConfigProperty(name = "l2r.intake.earliest-event-time")
    Instant earliest;

    @ConfigProperty(name = "l2r.intake.max-future-skew")
    Duration maxFutureSkew;

    /** Longest id, stage name or attribute value (as TransitionRequest's @Size). */
    public static final int MAX_TEXT = 200;
    private static final int MAX_INTEGER_DIGITS = 15;
    private static final int MAX_FRACTION_DIGITS = 4;
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

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
        StageChange change = check(new StageChange(id, key, rawStage, at, source, sourceEventId, amount, currency,
                attributes));
        if (!PersonalIds.isPersonal(id)) {
            return change;
        }
        // a personal id (an email) is never a lead id: the registry gives it its pseudonym; a repeat of an erased
        // person's change is recorded nowhere, so it must not take their identity back into the registry either
        // (only a change with a source event id can be recognised as one: the others need no lookup)
        return change.withLeadId(change.sourceEventId() != null && erased.allRepeats(List.of(change))
                ? identities.withoutClaiming(() -> identities.clientLeadId(source, id)).value()
                : identities.clientLeadId(source, id));
    }

    /**
     * Everything about a change that the database could refuse, or that would let one item break others, checked
     * before it gets there, with the same rules as the REST body's annotations: ids, names and attributes as
     * {@link TextRules} allow, money as {@code numeric(19,4)} holds it with an ISO currency. Every path ends here
     * (REST, batch, CSV, webhooks through {@code WebhookSupport.change}, and {@link IntakeRun#accept} once more),
     * so a sender's parsed value is held to what a REST client's is. Answers the change unchanged.
     */
    public static StageChange check(StageChange change) {
        requireLeadId(change.leadId());
        if (change.source() == null || !SOURCE.matcher(change.source()).matches()) {
            throw RejectedInput.badRequest(Reason.INVALID, "source", "must be 1-64 lower-case letters, digits, '.', '_' or '-'");
        }
        text("sourceEventId", change.sourceEventId());
        text("rawStage", change.rawStage());
        text("attributes.channel", change.attributes().channel());
        text("attributes.segment", change.attributes().segment());
        text("attributes.owner", change.attributes().owner());
        text("attributes.campaign", change.attributes().campaign());
        BigDecimal amount = change.amount();
        if (amount != null) {
            if (amount.signum() < 0) {
                throw RejectedInput.badRequest(Reason.INVALID, "amount", "must not be negative");
            }
            // as @Digits(integer = 15, fraction = 4) reads it
            BigDecimal plain = amount.stripTrailingZeros();
            int fraction = Math.max(plain.scale(), 0);
            int integer = Math.max(plain.precision() - plain.scale(), 0);
            if (integer > MAX_INTEGER_DIGITS || fraction > MAX_FRACTION_DIGITS) {
                throw RejectedInput.badRequest(Reason.INVALID, "amount",
                        "must have at most 15 digits and 4 decimals");
            }
            if (change.currency() == null) {
                throw RejectedInput.badRequest(Reason.INVALID, "currency", "is required when amount is given");
            }
        }
        if (change.currency() != null && !CURRENCY.matcher(change.currency()).matches()) {
            throw RejectedInput.badRequest(Reason.INVALID, "currency", "must be an ISO 4217 code such as EUR");
        }
        return change;
    }

    private static void text(String field, String value) {
        String problem = TextRules.nameProblem(value, MAX_TEXT);
        if (problem != null) {
            throw RejectedInput.badRequest(Reason.INVALID, field, problem);
        }
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
        // strip, not trim: trim() would also cut control characters off the ends and hide them
        String id = leadId.strip();
        String problem = TextRules.nameProblem(id, MAX_TEXT);
        if (problem != null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, "leadId", problem);
        }
        // the consumers re-key an erased lead's rows to "erased:<uuid>" (docs/privacy.md): no lead may take one
        if (id.startsWith(ERASED_PREFIX)) {
            throw RejectedInput.badRequest(Reason.INVALID, "leadId", "must not start with '" + ERASED_PREFIX
                    + "': the consumers keep erased leads under such ids");
        }
        return id;
    }

    /** The prefix the consumers give an erased lead's rows. */
    static final String ERASED_PREFIX = "erased:";

    private static LeadAttributes attributes(TransitionRequest.AttributesRequest a) {
        return a == null ? LeadAttributes.NONE : new LeadAttributes(blankToNull(a.channel()),
                blankToNull(a.segment()), blankToNull(a.owner()), blankToNull(a.campaign()));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
