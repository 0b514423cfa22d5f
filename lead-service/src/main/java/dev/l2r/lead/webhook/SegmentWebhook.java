package dev.l2r.lead.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.StageChangeFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Segment: one message; a JSON array of messages (the Webhooks (Actions) destination's batches); or
 * {@code {"batch": [...]}}. {@code X-Signature} is the hex HMAC-SHA1, with the shared secret, of the body; of an
 * array, of its first element only, as the Actions destination signs a batch (or of the whole body). {@code messageId} (required) makes
 * a retry or a replay a duplicate; each message is an item with its own outcome.
 *
 * <p>The lead is the {@code userId}, or the {@code anonymousId} when there is none. An {@code identify} with the
 * trait {@code l2r.webhooks.segment.stage-trait} (default {@code lifecycle_stage}) moves the lead to the mapped
 * stage when its current stage differs, and parks a value no mapping knows; otherwise a first identify with a user
 * id or an email makes it KNOWN. A {@code track} event mapped under field {@code event} is a stage change carrying
 * the event's money ({@code properties.revenue}, else {@code total}, in {@code properties.currency}, USD when
 * absent as Segment's spec says); other events are ignored. A {@code group} call makes a user KNOWN and gives the
 * lead its account's segment: the group trait {@code l2r.webhooks.segment.segment-trait} (default {@code plan}),
 * also on the other messages of that lead in the same delivery. A message with only an anonymous id makes a new
 * lead ANONYMOUS. Campaign context ({@code context.campaign.medium}, else {@code source}, and {@code name})
 * becomes channel and campaign.
 *
 * <p>Identity links: an {@code identify} with both {@code userId} and {@code anonymousId}, and an {@code alias}
 * ({@code previousId} → {@code userId}), make the two ids one person (their leads merge). A {@code userId} that is
 * an email is never a lead id: it gets a random pseudonym from the identity registry.
 */
@ApplicationScoped
public class SegmentWebhook implements WebhookSource {

    private static final JsonFactory JSON = new JsonFactory();

    @Inject
    WebhookSupport support;

    @Override
    public String name() {
        return "segment";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        if (!isArray(request.body())) {
            support.requireBodyHmac(request, "HmacSHA1", true, "X-Signature");
            return;
        }
        // the Actions destination signs JSON.stringify of the batch's first payload: the bytes of the first element;
        // a signature of the whole body covers more and is taken too (and is all a malformed array can carry)
        String received = request.header("X-Signature");
        String hex = received == null ? null : received.toLowerCase();
        byte[] first = firstElement(request.body()).orElse(null);
        boolean overFirst = first != null && support.signedWithAny(name(),
                secret -> Signatures.hex(Signatures.hmac("HmacSHA1", secret, first)), hex);
        boolean overBody = support.signedWithAny(name(),
                secret -> Signatures.hex(Signatures.hmac("HmacSHA1", secret, request.body())), hex);
        if (!(overFirst | overBody)) {
            throw WebhookSupport.badSignature("X-Signature is missing or matches neither the batch's first event "
                    + "nor the body");
        }
    }

    static boolean isArray(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '[';
            }
        }
        return false;
    }

    /**
     * The bytes of a JSON array's first element as they stand in the body, or empty when the array has none or
     * cannot be read that far (then nothing is signed).
     */
    static Optional<byte[]> firstElement(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return Optional.empty();
            }
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.END_ARRAY) {
                return Optional.empty();
            }
            long start = parser.currentTokenLocation().getByteOffset();
            if (first.isStructStart()) {
                parser.skipChildren();
            } else {
                parser.finishToken(); // a scalar's text is read lazily; its end is known once it is read
            }
            long end = parser.currentLocation().getByteOffset();
            if (start < 0 || end <= start || end > body.length) {
                return Optional.empty();
            }
            return Optional.of(Arrays.copyOfRange(body, (int) start, (int) end));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        JsonNode body = support.json(request.body());
        JsonNode batch = body.isArray() ? body : body.get("batch");
        String prefix = body.isArray() ? "" : "batch";
        if (batch != null && batch.isArray()) {
            Map<String, String> accounts = accounts(batch, prefix);
            for (int i = 0; i < batch.size(); i++) {
                readOne(batch.get(i), prefix + "[" + i + "]", accounts, items);
            }
        } else if (body.isObject()) {
            readOne(body, "body", Map.of(), items);
        } else {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a Segment message or batch");
        }
    }

    private void readOne(JsonNode message, String at, Map<String, String> accounts, WebhookItems items) {
        try {
            read(message, at, accounts, items);
        } catch (RejectedInput e) {
            items.refuse(e);
        }
    }

    /**
     * The account segment each lead's {@code group} calls in this delivery give it (the last one wins), so that
     * the lead's other messages in the batch carry it too; a group call that cannot be read gives none (the call
     * itself is refused when it is read).
     */
    private Map<String, String> accounts(JsonNode batch, String prefix) {
        Map<String, String> accounts = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            JsonNode message = batch.get(i);
            String at = prefix + "[" + i + "]";
            try {
                if (message.isObject() && "group".equals(WebhookFields.text(message, "type", at + ".type"))) {
                    String segment = groupSegment(message, at);
                    String leadId = leadId(message, at);
                    if (segment != null && leadId != null) {
                        accounts.put(leadId, segment);
                    }
                }
            } catch (RejectedInput e) {
                // refused with its field when the message itself is read
            }
        }
        return accounts;
    }

    private String groupSegment(JsonNode message, String at) {
        String trait = support.setting(name(), "segment-trait").orElse("plan");
        return WebhookFields.nonBlank(message.path("traits"), trait, at + ".traits." + trait);
    }

    /** The lead a message is about, or null when it names none. */
    private String leadId(JsonNode message, String at) {
        String userId = WebhookFields.nonBlank(message, "userId", at + ".userId");
        String anonymousId = WebhookFields.nonBlank(message, "anonymousId", at + ".anonymousId");
        if (userId != null) {
            return support.leadId(name(), userId, at + ".userId");
        }
        return anonymousId == null ? null : support.leadId(name(), anonymousId, at + ".anonymousId");
    }

    private void read(JsonNode message, String at, Map<String, String> accounts, WebhookItems items) {
        if (!message.isObject()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, at, "expected a Segment message (an object)");
        }
        String type = WebhookFields.text(message, "type", at + ".type");
        if ("alias".equals(type)) {
            alias(message, at, items);
            return;
        }
        String leadId = leadId(message, at);
        if (leadId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".userId", "userId or anonymousId is required");
        }
        boolean anonymous = WebhookFields.nonBlank(message, "userId", at + ".userId") == null;
        // Segment sets a messageId on every message; it is what makes a retry or a replay a duplicate
        String messageId = WebhookFields.nonBlank(message, "messageId", at + ".messageId");
        if (messageId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".messageId", "is required");
        }
        Instant time = support.time(at + ".timestamp", WebhookFields.text(message, "timestamp", at + ".timestamp"));
        JsonNode campaign = message.path("context").path("campaign");
        String campaignAt = at + ".context.campaign";
        String medium = WebhookFields.nonBlank(campaign, "medium", campaignAt + ".medium");
        String channel = medium != null ? medium : WebhookFields.nonBlank(campaign, "source", campaignAt + ".source");
        String segment = "group".equals(type) ? groupSegment(message, at) : accounts.get(leadId);
        LeadAttributes attributes = new LeadAttributes(channel, segment, null,
                WebhookFields.nonBlank(campaign, "name", campaignAt + ".name"));

        StageChange change = null;
        String anonymousId = WebhookFields.nonBlank(message, "anonymousId", at + ".anonymousId");
        Link visitor = null;
        if ("identify".equals(type) && !anonymous && anonymousId != null) {
            // the anonymous visitor is now known: one person (the visitor's first touch becomes theirs); taken with
            // the message, once all of it has been read
            String visitorId = support.leadId(name(), anonymousId, at + ".anonymousId");
            if (!visitorId.equals(leadId)) {
                visitor = new Link(leadId, visitorId, time, name(), messageId, "segment.identify");
            }
        }
        if ("identify".equals(type)) {
            JsonNode traits = message.path("traits");
            String trait = support.setting(name(), "stage-trait").orElse("lifecycle_stage");
            String traitAt = at + ".traits." + trait;
            String value = WebhookFields.nonBlank(traits, trait, traitAt);
            if (value != null) {
                Optional<SourceMapping> mapping = support.mapping(name(), trait, value);
                if (mapping.isEmpty()) {
                    // a lifecycle value no mapping knows yet: authentic, so kept until one does
                    items.park(support.change(name(), leadId, new SourceMapping(name(), trait, value, null), value,
                            time, messageId, null, null, attributes).withMode(StageChange.Mode.IF_STAGE_DIFFERS),
                            trait, value, traitAt);
                    linkIf(visitor, items);
                    return;
                }
                if (mapping.get().stage() != null) {
                    change = support.change(name(), leadId, mapping.get(), value, time, messageId, null, null,
                            attributes).withMode(StageChange.Mode.IF_STAGE_DIFFERS);
                }
            } else if (!anonymous || WebhookFields.text(traits, "email", at + ".traits.email") != null) {
                change = builtIn(leadId, FunnelDefinition.KNOWN, "identify", time, messageId, attributes);
            }
        } else if ("track".equals(type)) {
            String event = WebhookFields.text(message, "event", at + ".event");
            SourceMapping mapping = event == null ? null : support.mapping(name(), "event", event).orElse(null);
            if (mapping != null && mapping.stage() != null) {
                WebhookSupport.Money money = money(message.path("properties"), at + ".properties");
                change = support.change(name(), leadId, mapping, event, time, messageId,
                        money == null ? null : money.amount(), money == null ? null : money.currency(), attributes);
            }
        } else if ("group".equals(type) && !anonymous) {
            // a user of an account is someone known
            change = builtIn(leadId, FunnelDefinition.KNOWN, "group", time, messageId, attributes);
            if (segment != null) {
                // and the account's segment holds from now on even for a lead long past KNOWN, whose KNOWN above
                // is not taken: a details change of its own (its own id, so that it is no duplicate of the other)
                items.change(StageChangeFactory.check(StageChange.details(leadId, time, name(), messageId + "#account",
                        null, null, new LeadAttributes(null, segment, null, null))));
            }
        }
        if (change == null && anonymous) {
            change = builtIn(leadId, FunnelDefinition.ANONYMOUS, type, time, messageId, attributes);
        }
        if (change == null) {
            items.ignore();
        } else {
            items.change(change);
        }
        linkIf(visitor, items);
    }

    private static void linkIf(Link link, WebhookItems items) {
        if (link != null) {
            items.link(link);
        }
    }

    /**
     * An {@code alias}: {@code previousId} (an anonymous id, or a user id the person had before) and {@code userId}
     * are one person. No stage change of its own.
     */
    private void alias(JsonNode message, String at, WebhookItems items) {
        String previousId = WebhookFields.nonBlank(message, "previousId", at + ".previousId");
        String userId = WebhookFields.nonBlank(message, "userId", at + ".userId");
        if (previousId == null || userId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + (previousId == null ? ".previousId" : ".userId"),
                    "is required for an alias");
        }
        String messageId = WebhookFields.nonBlank(message, "messageId", at + ".messageId");
        if (messageId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".messageId", "is required");
        }
        Instant time = support.time(at + ".timestamp", WebhookFields.text(message, "timestamp", at + ".timestamp"));
        String previous = support.leadId(name(), previousId, at + ".previousId");
        String user = support.leadId(name(), userId, at + ".userId");
        if (previous.equals(user)) {
            items.ignore();
            return;
        }
        items.link(new Link(user, previous, time, name(), messageId, "segment.alias"));
    }

    /**
     * An event's money: {@code revenue} (Segment's reserved revenue property; the e-commerce spec's revenue
     * excludes shipping and taxes), else {@code total}; never {@code value}, which the spec defines as an
     * abstract, non-monetary value. The currency is {@code currency}, USD when absent, as Segment assumes.
     */
    private WebhookSupport.Money money(JsonNode properties, String at) {
        String field = properties.hasNonNull("revenue") ? "revenue" : "total";
        BigDecimal amount = WebhookFields.number(properties, field, at + "." + field);
        if (amount == null) {
            return null;
        }
        String currency = WebhookFields.nonBlank(properties, "currency", at + ".currency");
        return support.money(amount, at + "." + field, currency == null ? "USD" : currency, at + ".currency");
    }

    private StageChange builtIn(String leadId, String stage, String raw, Instant time, String messageId,
                                LeadAttributes attributes) {
        return support.change(name(), leadId, new SourceMapping(name(), "type", raw, stage), raw, time, messageId,
                null, null, attributes).withMode(StageChange.Mode.IF_NOT_REACHED);
    }
}
