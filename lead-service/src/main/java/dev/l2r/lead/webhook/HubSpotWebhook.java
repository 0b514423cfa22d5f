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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
        support.secrets(name()); // an unconfigured source says so before anything else
        String uri = support.setting(name(), "url").orElse(request.uri());
        byte[] body = request.body();
        String v3 = request.header("X-HubSpot-Signature-v3");
        if (v3 != null) {
            String timestamp = requireFresh(request.header("X-HubSpot-Request-Timestamp"));
            byte[] signed = Signatures.utf8(request.method() + decodeForV3(uri));
            if (!support.signedWithAny(name(), secret -> Signatures.base64(Signatures.hmac("HmacSHA256", secret,
                    signed, body, Signatures.utf8(timestamp))), v3)) {
                throw WebhookSupport.badSignature("X-HubSpot-Signature-v3 does not match the request");
            }
            return;
        }
        String version = request.header("X-HubSpot-Signature-Version");
        String signature = request.header("X-HubSpot-Signature");
        if (signature == null || version == null) {
            throw WebhookSupport.badSignature("no HubSpot signature (X-HubSpot-Signature-v3 or X-HubSpot-Signature)");
        }
        Function<String, String> expected = switch (version.trim().toLowerCase(Locale.ROOT)) {
            case "v1" -> secret -> Signatures.hex(Signatures.sha256(Signatures.utf8(secret), body));
            case "v2" -> secret -> Signatures.hex(Signatures.sha256(Signatures.utf8(secret + request.method() + uri),
                    body));
            default -> throw WebhookSupport.badSignature("unknown X-HubSpot-Signature-Version; v1 and v2 are known");
        };
        if (!support.signedWithAny(name(), expected, signature.toLowerCase(Locale.ROOT))) {
            throw WebhookSupport.badSignature("X-HubSpot-Signature does not match the request");
        }
    }

    /**
     * The v3 timestamp, refused when it is more than {@link #MAX_AGE} away from now in either direction: HubSpot
     * rejects requests "older than 5 minutes", so exactly five minutes still passes; a timestamp from the future
     * is as much a replay as an old one (HubSpot never sends one beyond clock skew).
     */
    private String requireFresh(String header) {
        long millis;
        try {
            millis = Long.parseLong(header == null ? "" : header.trim());
        } catch (NumberFormatException e) {
            throw WebhookSupport.badSignature("X-HubSpot-Request-Timestamp is missing or not epoch milliseconds");
        }
        long now = clock.millis();
        boolean old = millis < now - MAX_AGE.toMillis();
        if (old || millis > now + MAX_AGE.toMillis()) {
            throw RejectedInput.unauthorized(Reason.STALE_TIMESTAMP, "X-HubSpot-Request-Timestamp is more than "
                    + MAX_AGE.toMinutes() + " minutes " + (old ? "old" : "in the future") + "; refused as a replay");
        }
        return header.trim();
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
        String type = WebhookFields.text(event, "subscriptionType", at + ".subscriptionType");
        String property = WebhookFields.text(event, "propertyName", at + ".propertyName");
        if (type == null || !type.endsWith(".propertyChange") || property == null) {
            items.ignore();
            return;
        }
        if (!support.follows(name(), property)) {
            items.ignore(); // a property L2R does not follow
            return;
        }
        String value = WebhookFields.nonBlank(event, "propertyValue", at + ".propertyValue");
        if (value == null) {
            throw RejectedInput.badRequest(Reason.INVALID, at + ".propertyValue", "is required");
        }
        Optional<SourceMapping> mapping = support.mapping(name(), property, value);
        if (WebhookSupport.ignored(mapping)) {
            items.ignore();
            return;
        }
        String objectId = WebhookFields.nonBlank(event, "objectId", at + ".objectId");
        if (objectId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".objectId", "is required");
        }
        JsonNode occurred = event.get("occurredAt");
        if (occurred == null || !occurred.isNumber() || !occurred.canConvertToLong()) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, at + ".occurredAt", "is required (epoch milliseconds)");
        }
        Instant occurredAt = support.plausible(at + ".occurredAt", Instant.ofEpochMilli(occurred.asLong()));
        String portal = WebhookFields.text(event, "portalId", at + ".portalId");
        String object = type.substring(0, type.indexOf('.'));
        String leadId = support.leadId(name(), object.equals("contact") ? objectId : object + ":" + objectId,
                at + ".objectId");
        String dedupe = portal + ":" + object + ":" + objectId + ":" + property + ":" + occurred.asLong() + ":" + value;
        // an unmapped value (a custom pipeline's stage id) is parked until a mapping knows it
        items.changeOrPark(support.change(name(), leadId, mapping.orElse(null), value, occurredAt, dedupe, null, null,
                LeadAttributes.NONE), property, value, at + ".propertyValue");
    }
}
