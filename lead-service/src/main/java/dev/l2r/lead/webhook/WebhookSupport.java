package dev.l2r.lead.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.StageChangeFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

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
     * Checks a header that carries an HMAC of the raw body with the source's secret, hex or base64 encoded (hex
     * compared without regard to case).
     */
    public void requireBodyHmac(WebhookRequest request, String algorithm, boolean hex, String header) {
        byte[] mac = Signatures.hmac(algorithm, secret(request.source()), request.body());
        String received = request.header(header);
        boolean valid = hex ? Signatures.matches(Signatures.hex(mac), received == null ? null : received.toLowerCase())
                : Signatures.matches(Signatures.base64(mac), received);
        if (!valid) {
            throw badSignature(header + " is missing or does not match the body");
        }
    }

    public static RejectedInput badSignature(String detail) {
        return RejectedInput.unauthorized(Reason.BAD_SIGNATURE, detail);
    }

    /** The lead id a source's own id becomes: {@code l2r.webhooks.<source>.lead-id-prefix}, default "source:". */
    public String leadId(String source, String id) {
        return setting(source, "lead-id-prefix").orElse(source + ":") + id;
    }

    public JsonNode json(byte[] body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw RejectedInput.badRequest(Reason.MALFORMED, "body", "is empty; a JSON body is expected");
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "malformed JSON" + where);
        } catch (IOException e) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "unreadable: " + e.getMessage());
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

    /** The mapping of a value, or a refusal naming {@code field} when the value is not mapped. */
    public SourceMapping requireMapping(String source, String mappedField, String value, String field) {
        return mapping(source, mappedField, value).orElseThrow(() -> RejectedInput.badRequest(Reason.UNMAPPED_VALUE,
                field, "'" + value + "' of " + source + " " + mappedField + " is not mapped to a funnel stage; "
                        + "add a mapping with PUT /api/funnel/definition"));
    }

    public Instant plausible(String field, Instant at) {
        return changes.plausible(field, at);
    }

    public Instant time(String field, String value) {
        return changes.eventTime(field, value);
    }

    public StageChange change(String source, String leadId, SourceMapping mapping, String rawStage, Instant at,
                              String sourceEventId, BigDecimal amount, String currency, LeadAttributes attributes) {
        return StageChangeFactory.check(new StageChange(StageChangeFactory.requireLeadId(leadId), mapping.stage(),
                rawStage, at, source, sourceEventId, amount, currency, attributes));
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
