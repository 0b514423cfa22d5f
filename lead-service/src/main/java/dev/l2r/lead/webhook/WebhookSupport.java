package dev.l2r.lead.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.IdentityRegistry;
import dev.l2r.lead.identity.PersonalIds;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.lead.intake.TransitionRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What every webhook source needs: its configuration ({@code l2r.webhooks.<source>.*}, so env
 * {@code L2R_WEBHOOKS_<SOURCE>_*}), its payload as JSON, its vocabulary mapped onto the funnel, and stage changes
 * checked like every other intake path's.
 */
@ApplicationScoped
public class WebhookSupport {

    @Inject
    Config config;

    @Inject
    ObjectMapper mapper;

    @Inject
    FunnelDefinitions funnels;

    @Inject
    StageChangeFactory changes;

    @Inject
    Validator validator;

    @Inject
    IdentityRegistry identities;

    public Optional<String> setting(String source, String key) {
        return config.getOptionalValue("l2r.webhooks." + source + "." + key, String.class).filter(v -> !v.isBlank());
    }

    /** The source's secret; without one the source is refused, never accepted unsigned. */
    public String secret(String source) {
        return setting(source, "secret").orElseThrow(() -> RejectedInput.unauthorized(Reason.NOT_CONFIGURED,
                "no secret is configured for webhook source '" + source + "' (l2r.webhooks." + source
                        + ".secret); its requests are refused"));
    }

    /**
     * The secrets a delivery may be signed with: the current one and, while a rotation runs, the previous one
     * ({@code l2r.webhooks.<source>.previous-secret}; empty: none). A previous secret alone is not enough.
     */
    public List<String> secrets(String source) {
        String current = secret(source);
        return setting(source, "previous-secret").filter(previous -> !previous.equals(current))
                .map(previous -> List.of(current, previous)).orElse(List.of(current));
    }

    /**
     * Whether {@code received} is what one of the source's secrets signs; every secret is compared, in constant
     * time, so that the answer's timing tells neither where they differ nor which secret matched.
     */
    public boolean signedWithAny(String source, Function<String, String> expected, String received) {
        boolean matched = false;
        for (String secret : secrets(source)) {
            matched |= Signatures.matches(expected.apply(secret), received);
        }
        return matched;
    }

    /**
     * Checks a header that carries an HMAC of the raw body with one of the source's secrets, hex or base64
     * encoded (hex compared without regard to case).
     */
    public void requireBodyHmac(WebhookRequest request, String algorithm, boolean hex, String header) {
        String received = request.header(header);
        boolean valid = signedWithAny(request.source(), secret -> {
            byte[] mac = Signatures.hmac(algorithm, secret, request.body());
            return hex ? Signatures.hex(mac) : Signatures.base64(mac);
        }, hex && received != null ? received.toLowerCase() : received);
        if (!valid) {
            throw badSignature(header + " is missing or does not match the body");
        }
    }

    public static RejectedInput badSignature(String detail) {
        return RejectedInput.unauthorized(Reason.BAD_SIGNATURE, detail);
    }

    /**
     * The lead id a source's own id becomes: {@code l2r.webhooks.<source>.lead-id-prefix}, default "source:", and
     * the id; a personal id (an email) never: it gets its random pseudonym from the identity registry instead
     * ({@code <prefix>p-<26 base32>}). Refused naming {@code path} when the whole id is longer than a lead id may
     * be.
     */
    public String leadId(String source, String id, String path) {
        String prefix = setting(source, "lead-id-prefix").orElse(source + ":");
        if (prefix.length() + id.length() > WebhookFields.MAX_LENGTH) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, path, "makes a lead id longer than "
                    + WebhookFields.MAX_LENGTH + " characters");
        }
        return PersonalIds.isPersonal(id) ? identities.leadIdFor(source, prefix, id) : prefix + id;
    }

    /**
     * The payload as a tree; decimals are read as exact decimals (amounts), so that no number becomes an
     * infinite or rounded double. Nesting and number lengths are bounded by the parser's read constraints.
     */
    public JsonNode json(byte[] body) {
        try {
            JsonNode node = mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(body);
            if (node == null || node.isMissingNode()) {
                throw RejectedInput.badRequest(Reason.MALFORMED, "body", "is empty; a JSON body is expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "malformed JSON" + where);
        } catch (IOException e) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "unreadable");
        }
    }

    public <T> T convert(JsonNode node, Class<T> type) throws JsonProcessingException {
        return mapper.treeToValue(node, type);
    }

    public Optional<SourceMapping> mapping(String source, String field, String value) {
        return funnels.mapping(source, field, value);
    }

    /** Whether any mapping reads this field of this source (the fields L2R follows). */
    public boolean follows(String source, String field) {
        return funnels.currentVersion().mappings().stream()
                .anyMatch(m -> m.source().equals(source) && m.field().equals(field));
    }

    /**
     * The funnel's lost stage (its first terminal stage with outcome LOST; CLOSED_LOST by default), where a deleted
     * deal goes; empty for a funnel without one.
     */
    public Optional<String> lostStage() {
        return funnels.current().stages().stream().filter(s -> s.terminal() && s.outcome() == StageOutcome.LOST)
                .map(StageDefinition::key).findFirst();
    }

    /** Whether a value's mapping says it is known but no stage (ignored); an unmapped value is parked instead. */
    public static boolean ignored(Optional<SourceMapping> mapping) {
        return mapping.isPresent() && mapping.get().stage() == null;
    }

    public Instant plausible(String field, Instant at) {
        return changes.plausible(field, at);
    }

    public Instant time(String field, String value) {
        return changes.eventTime(field, value);
    }

    /** An amount in a currency, checked by the same rules as REST's {@code amount} and {@code currency}. */
    public record Money(BigDecimal amount, String currency) {
    }

    /**
     * The money of a change: both values checked against {@link TransitionRequest}'s constraints (at most 15
     * digits and 4 decimals, not negative; an ISO 4217 code) and refused naming their own paths. An amount
     * without a currency is no money (null), as a sender may send a value before one is chosen.
     */
    public Money money(BigDecimal amount, String amountPath, String currency, String currencyPath) {
        if (amount == null || currency == null) {
            return null;
        }
        requireValid("amount", amount, amountPath);
        requireValid("currency", currency, currencyPath);
        return new Money(amount, currency);
    }

    private void requireValid(String property, Object value, String path) {
        Set<ConstraintViolation<TransitionRequest>> violations =
                validator.validateValue(TransitionRequest.class, property, value);
        if (!violations.isEmpty()) {
            throw RejectedInput.badRequest(Reason.INVALID, path, violations.iterator().next().getMessage());
        }
    }

    /** A checked change; {@code mapping} null makes a change without a stage, to be parked (its value is unmapped). */
    public StageChange change(String source, String leadId, SourceMapping mapping, String rawStage, Instant at,
                              String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes) {
        return StageChangeFactory.check(new StageChange(StageChangeFactory.requireLeadId(leadId),
                mapping == null ? null : mapping.stage(),
                rawStage, at, source, sourceEventId, amount, currency, attributes));
    }
}
