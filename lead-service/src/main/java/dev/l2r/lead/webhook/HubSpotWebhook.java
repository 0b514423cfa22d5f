package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * HubSpot webhooks: a JSON array of events; a {@code propertyChange} of a mapped property
 * ({@code lifecyclestage}, {@code dealstage}) is a stage change. HubSpot sends only the new value, so the
 * previous stage is read from the lead's history. Its {@code eventId} is not unique, so a retry is recognised by
 * portal, object, property, time and value instead.
 *
 * <p>Signatures: v3 ({@code X-HubSpot-Signature-v3}: base64 HMAC-SHA256 of method + URI + body + timestamp, with
 * {@code X-HubSpot-Request-Timestamp} no older than five minutes), else v1 (hex SHA-256 of secret + body) or v2
 * (hex SHA-256 of secret + method + URI + body) as {@code X-HubSpot-Signature-Version} says. The URI is the one
 * HubSpot called: {@code l2r.webhooks.hubspot.url} when L2R sits behind a proxy, else the request's own.
 */
@ApplicationScoped
public class HubSpotWebhook implements WebhookSource {

    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** What HubSpot decodes in the URI before signing v3. */
    private static final Map<String, String> V3_DECODED = Map.ofEntries(Map.entry("%3A", ":"), Map.entry("%2F", "/"),
            Map.entry("%3F", "?"), Map.entry("%40", "@"), Map.entry("%21", "!"), Map.entry("%24", "$"),
            Map.entry("%27", "'"), Map.entry("%28", "("), Map.entry("%29", ")"), Map.entry("%2A", "*"),
            Map.entry("%2C", ","), Map.entry("%3B", ";"));

    @Inject
    WebhookSupport support;

    Clock clock = Clock.systemUTC();

    @Override
    public String name() {
        return "hubspot";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String secret = support.secret(name());
        String uri = support.setting(name(), "url").orElse(request.uri());
        byte[] body = request.body();
        String v3 = request.header("X-HubSpot-Signature-v3");
        if (v3 != null) {
            String timestamp = request.header("X-HubSpot-Request-Timestamp");
            long millis;
            try {
                millis = Long.parseLong(timestamp == null ? "" : timestamp.trim());
            } catch (NumberFormatException e) {
                throw WebhookSupport.badSignature("X-HubSpot-Request-Timestamp is missing or not epoch milliseconds");
            }
            Duration age = Duration.between(Instant.ofEpochMilli(millis), clock.instant());
            if (age.compareTo(MAX_AGE) > 0 || age.compareTo(MAX_AGE.negated()) < 0) {
                throw RejectedInput.unauthorized(Reason.STALE_TIMESTAMP, "X-HubSpot-Request-Timestamp is "
                        + age.toSeconds() + " s away from now; more than " + MAX_AGE.toMinutes() + " minutes is refused");
            }
            String expected = Signatures.base64(Signatures.hmac("HmacSHA256", secret,
                    Signatures.utf8(request.method() + decodeForV3(uri)), body, Signatures.utf8(timestamp.trim())));
            if (!Signatures.matches(expected, v3)) {
                throw WebhookSupport.badSignature("X-HubSpot-Signature-v3 does not match the request");
            }
            return;
        }
        String version = request.header("X-HubSpot-Signature-Version");
        String signature = request.header("X-HubSpot-Signature");
        if (signature == null || version == null) {
            throw WebhookSupport.badSignature("no HubSpot signature (X-HubSpot-Signature-v3 or X-HubSpot-Signature)");
        }
        String expected = switch (version.trim().toLowerCase()) {
            case "v1" -> Signatures.hex(Signatures.sha256(Signatures.utf8(secret), body));
            case "v2" -> Signatures.hex(Signatures.sha256(Signatures.utf8(secret + request.method() + uri), body));
            default -> throw WebhookSupport.badSignature("unknown X-HubSpot-Signature-Version " + version);
        };
        if (!Signatures.matches(expected, signature.toLowerCase())) {
            throw WebhookSupport.badSignature("X-HubSpot-Signature does not match the request");
        }
    }

    static String decodeForV3(String uri) {
        String decoded = uri;
        for (var e : V3_DECODED.entrySet()) {
            decoded = decoded.replace(e.getKey(), e.getValue()).replace(e.getKey().toLowerCase(), e.getValue());
        }
        return decoded;
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        JsonNode events = support.json(request.body());
        if (!events.isArray()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a JSON array of HubSpot events");
        }
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String at = "[" + i + "]";
            try {
                read(event, at, items);
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
    }

    private void read(JsonNode event, String at, WebhookItems items) {
        String type = WebhookSupport.text(event, "subscriptionType");
        String property = WebhookSupport.text(event, "propertyName");
        if (type == null || !type.endsWith(".propertyChange") || property == null) {
            items.ignore();
            return;
        }
        String value = WebhookSupport.text(event, "propertyValue");
        if (!support.follows(name(), property)) {
            items.ignore(); // a property L2R does not follow
            return;
        }
        if (value == null || value.isBlank()) {
            throw RejectedInput.badRequest(Reason.INVALID, at + ".propertyValue", "is required");
        }
        SourceMapping mapping = support.requireMapping(name(), property, value, at + ".propertyValue");
        if (mapping.stage() == null) {
            items.ignore();
            return;
        }
        String objectId = WebhookSupport.text(event, "objectId");
        if (objectId == null || objectId.isBlank()) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".objectId", "is required");
        }
        JsonNode occurred = event.get("occurredAt");
        if (occurred == null || !occurred.canConvertToLong()) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, at + ".occurredAt", "is required (epoch milliseconds)");
        }
        Instant occurredAt = support.plausible(at + ".occurredAt", Instant.ofEpochMilli(occurred.asLong()));
        String portal = WebhookSupport.text(event, "portalId");
        String object = type.substring(0, type.indexOf('.'));
        String leadId = support.leadId(name(), object.equals("contact") ? objectId : object + ":" + objectId);
        String dedupe = portal + ":" + object + ":" + objectId + ":" + property + ":" + occurred.asLong() + ":" + value;
        items.change(support.change(name(), leadId, mapping, value, occurredAt, dedupe, null, null, LeadAttributes.NONE));
    }
}
