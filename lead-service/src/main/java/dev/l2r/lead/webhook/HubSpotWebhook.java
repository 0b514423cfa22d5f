package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * HubSpot webhooks: a JSON array of up to 100 events, the type spelled {@code subscriptionType} (deliveries) or
 * {@code eventType} (the documentation's example), in the legacy form ({@code contact.propertyChange},
 * {@code deal.deletion}) or the generic one ({@code object.propertyChange} with {@code objectTypeId} 0-1 for a
 * contact, 0-3 for a deal; other object types are ignored). A contact is lead {@code hubspot:<id>}, a deal
 * {@code hubspot:deal:<id>}, whichever form named it, so a contact and a deal of the same number never meet.
 *
 * <p>A {@code propertyChange} of a mapped property ({@code lifecyclestage}, {@code dealstage}) is a stage change; a
 * value no mapping knows (a custom pipeline's stage id) is parked, never refused. HubSpot sends only the new value,
 * so the previous stage is read from the lead's history. A deal's {@code amount}, {@code deal_currency_code}
 * (else {@code l2r.webhooks.hubspot.currency}) and either object's {@code hubspot_owner_id} are carried by the
 * object's stage changes in the same delivery, the latest values of the delivery winning; an object whose
 * delivery holds no stage change of it gets one details change instead ({@link StageChange.Mode#DETAILS}, published
 * as {@code LeadDetailsChanged}) at the time of its latest such event: a won deal's amount corrected, a new owner. A deleted deal moves
 * to the funnel's lost stage with {@code rawStage} {@code deleted}; a deleted contact is ignored. Its
 * {@code eventId} is not unique, so a retry is recognised by portal, object, property, time and value instead.
 * A contact associated with a deal ({@code associationChange}) is an identity link: their leads merge.
 *
 * <p>Signatures: v3 ({@code X-HubSpot-Signature-v3}: base64 HMAC-SHA256 of method + URI + body + timestamp, with
 * {@code X-HubSpot-Request-Timestamp} no older than five minutes), else v1 (hex SHA-256 of secret + body) or v2
 * (hex SHA-256 of secret + method + URI + body) as {@code X-HubSpot-Signature-Version} says. The URI is the one
 * HubSpot called: {@code l2r.webhooks.hubspot.url} when L2R sits behind a proxy, else the request's own.
 */
@ApplicationScoped
public class HubSpotWebhook implements WebhookSource {

    static final Duration MAX_AGE = Duration.ofMinutes(5);
    static final String CONTACT_TYPE_ID = "0-1";
    static final String DEAL_TYPE_ID = "0-3";
    static final String AMOUNT = "amount";
    static final String CURRENCY = "deal_currency_code";
    static final String OWNER = "hubspot_owner_id";
    /** The raw stage of a deletion. */
    static final String DELETED = "deleted";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
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
        // first every event on its own, then the deals' money and owners joined to their stage changes
        List<Stage> stages = new ArrayList<>();
        Map<String, Facts> facts = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String at = "[" + i + "]";
            try {
                read(events.get(i), i, stages, facts, items);
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
        Map<String, Attached> attached = new HashMap<>();
        java.util.Set<String> staged = new java.util.HashSet<>();
        stages.forEach(s -> staged.add(s.object().key()));
        // an object with a stage change here: its facts ride on it; without one, they are a details change of its own
        facts.forEach((object, f) -> attached.put(object, attach(f, !staged.contains(object), items)));
        for (Stage stage : stages) {
            try {
                record(stage, attached.getOrDefault(stage.object().key(), Attached.NONE), items);
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
        facts.forEach((object, f) -> {
            if (!staged.contains(object)) {
                try {
                    details(f, attached.get(object), items);
                } catch (RejectedInput e) {
                    items.refuse(e);
                }
            }
        });
    }

    /**
     * An object's amount and owner without a stage change in the delivery: one details change at the time of its
     * latest such event, its retry recognised by portal, object, time and values (HubSpot's eventId is not unique).
     * A contact's amount is no money, so a contact with only an amount changes nothing.
     */
    private void details(Facts f, Attached values, WebhookItems items) {
        if (!f.deferred) {
            return; // every event of it refused
        }
        if (values.amount() == null && values.owner() == null) {
            items.ignore();
            return;
        }
        String id = f.object.kind().equals("contact") ? f.object.id() : f.object.key();
        String leadId = support.leadId(name(), id, f.path);
        String dedupe = f.portal + ":" + f.object.key() + ":details:" + f.latest + ":" + values.amount() + ":"
                + values.currency() + ":" + values.owner();
        items.change(StageChangeFactory.check(StageChange.details(leadId, Instant.ofEpochMilli(f.latest), name(),
                dedupe, values.amount(), values.currency(), new LeadAttributes(null, null, values.owner(), null))));
    }

    /** A contact or a deal of a portal; its lead id keeps the two apart ({@code hubspot:7}, {@code hubspot:deal:7}). */
    record HubSpotObject(String kind, String id) {
        String key() {
            return kind + ":" + id;
        }
    }

    /**
     * A stage change read from one event, not yet recorded: {@code mapping} null when no mapping knows the value
     * (parked), {@code field} the mapped property (or {@code deletion}).
     */
    private record Stage(HubSpotObject object, String field, String value, SourceMapping mapping, Instant at,
                         String dedupe, String path, StageChange.Mode mode) {
    }

    /** One value of a fact (amount, currency, owner) and where it was read, the latest by event time winning. */
    private record Fact(String value, long at, int index, String path) {
        boolean laterThan(Fact other) {
            return other == null || at > other.at || (at == other.at && index > other.index);
        }
    }

    /** The latest amount, currency and owner events of one object in this delivery. */
    private static final class Facts {
        HubSpotObject object;
        String portal;
        String path;
        long latest;
        Fact amount;
        Fact currency;
        Fact owner;
        int events;
        boolean deferred;
    }

    /** What a stage change of the object carries. */
    private record Attached(BigDecimal amount, String currency, String owner) {
        static final Attached NONE = new Attached(null, null, null);
    }

    private void read(JsonNode event, int index, List<Stage> stages, Map<String, Facts> facts, WebhookItems items) {
        String at = "[" + index + "]";
        if (event == null || !event.isObject()) {
            items.ignore(); // no HubSpot event
            return;
        }
        // deliveries spell it subscriptionType, the documentation's example payload eventType
        String type = WebhookFields.nonBlank(event, "subscriptionType", at + ".subscriptionType");
        if (type == null) {
            type = WebhookFields.nonBlank(event, "eventType", at + ".eventType");
        }
        int dot = type == null ? -1 : type.indexOf('.');
        if (dot < 0) {
            items.ignore();
            return;
        }
        String action = type.substring(dot + 1);
        String kind = type.substring(0, dot);
        if (action.equals("associationChange")) {
            association(event, at, items);
            return;
        }
        if (kind.equals("object")) { // the generic form names the object type by its id
            String typeId = WebhookFields.nonBlank(event, "objectTypeId", at + ".objectTypeId");
            if (typeId == null) {
                throw RejectedInput.badRequest(Reason.INVALID, at + ".objectTypeId", "is required for " + type);
            }
            kind = switch (typeId.strip()) {
                case CONTACT_TYPE_ID -> "contact";
                case DEAL_TYPE_ID -> "deal";
                default -> null;
            };
        }
        boolean deal = "deal".equals(kind);
        if (!deal && !"contact".equals(kind)) {
            items.ignore(); // companies, tickets, other objects: not leads
            return;
        }
        if (action.equals("deletion")) {
            if (deal) {
                deletion(event, at, stages, items);
            } else {
                items.ignore(); // a deleted contact keeps its funnel history (see docs/webhooks.md)
            }
            return;
        }
        if (!action.equals("propertyChange")) {
            items.ignore(); // creation, merge, restore, associationChange, privacyDeletion
            return;
        }
        String property = WebhookFields.nonBlank(event, "propertyName", at + ".propertyName");
        if (property == null) {
            items.ignore();
            return;
        }
        boolean owner = property.equals(OWNER);
        boolean money = deal && (property.equals(AMOUNT) || property.equals(CURRENCY));
        if (owner || money) {
            HubSpotObject object = object(kind, event, at);
            long time = occurredAt(event, at).toEpochMilli();
            String value = WebhookFields.nonBlank(event, "propertyValue", at + ".propertyValue");
            Fact fact = new Fact(value == null ? null : value.strip(), time, index, at + ".propertyValue");
            Facts f = facts.computeIfAbsent(object.key(), k -> new Facts());
            f.events++;
            if (f.object == null || time >= f.latest) {
                f.object = object;
                f.portal = WebhookFields.text(event, "portalId", at + ".portalId");
                f.path = at + ".objectId";
                f.latest = time;
            }
            if (owner && fact.laterThan(f.owner)) {
                f.owner = fact;
            } else if (property.equals(AMOUNT) && fact.laterThan(f.amount)) {
                f.amount = fact;
            } else if (property.equals(CURRENCY) && fact.laterThan(f.currency)) {
                f.currency = fact;
            }
            return;
        }
        if (!support.follows(name(), property)) {
            items.ignore(); // a property L2R does not follow (pipeline, dealname...)
            return;
        }
        String value = WebhookFields.nonBlank(event, "propertyValue", at + ".propertyValue");
        if (value == null) {
            throw RejectedInput.badRequest(Reason.INVALID, at + ".propertyValue", "is required");
        }
        SourceMapping mapping = support.mapping(name(), property, value).orElse(null);
        if (mapping != null && mapping.stage() == null) {
            items.ignore(); // known, and no funnel stage (lifecyclestage other)
            return;
        }
        HubSpotObject object = object(kind, event, at);
        Instant occurredAt = occurredAt(event, at);
        String portal = WebhookFields.text(event, "portalId", at + ".portalId");
        String dedupe = portal + ":" + object.key() + ":" + property + ":" + occurredAt.toEpochMilli() + ":" + value;
        stages.add(new Stage(object, property, value, mapping, occurredAt, dedupe, at + ".propertyValue",
                StageChange.Mode.RECORD));
    }

    /**
     * A deleted deal leaves the open pipeline: a move to the funnel's lost stage, {@code rawStage} deleted. A deal
     * already closed (won or lost) keeps its outcome: deleting old deals must not turn wins into losses.
     */
    private void deletion(JsonNode event, String at, List<Stage> stages, WebhookItems items) {
        HubSpotObject object = object("deal", event, at);
        Instant occurredAt = occurredAt(event, at);
        Optional<String> lost = support.lostStage();
        if (lost.isEmpty()) {
            items.ignore(); // a funnel without a lost stage has nowhere to put it
            return;
        }
        String portal = WebhookFields.text(event, "portalId", at + ".portalId");
        String dedupe = portal + ":" + object.key() + ":deletion:" + occurredAt.toEpochMilli();
        stages.add(new Stage(object, "deletion", DELETED, new SourceMapping(name(), "deletion", DELETED, lost.get()),
                occurredAt, dedupe, at, StageChange.Mode.IF_NOT_REACHED));
    }

    /**
     * An association between a contact and a deal ({@code contact.associationChange}, {@code deal.associationChange}
     * with {@code associationType} CONTACT_TO_DEAL or DEAL_TO_CONTACT, or {@code object.associationChange} with
     * {@code fromObjectTypeId}/{@code toObjectTypeId} 0-1 and 0-3): the contact and the deal are one buying group,
     * so their leads merge. HubSpot sends both directions; the second is the same link and merges nothing. A
     * removed association ({@code associationRemoved} true) is no split: ignored. Other associations (companies,
     * line items, contact to contact) are ignored.
     */
    private void association(JsonNode event, String at, WebhookItems items) {
        String from = associated(event, "from", at);
        String to = associated(event, "to", at);
        if (from == null || to == null || from.equals(to)) {
            items.ignore();
            return;
        }
        JsonNode removed = event.get("associationRemoved");
        if (removed != null && removed.asBoolean(false)) {
            items.ignore();
            return;
        }
        String contactField = from.equals("contact") ? "fromObjectId" : "toObjectId";
        String dealField = from.equals("deal") ? "fromObjectId" : "toObjectId";
        String contactAt = at + "." + contactField;
        String dealAt = at + "." + dealField;
        String contactId = WebhookFields.nonBlank(event, contactField, contactAt);
        String dealId = WebhookFields.nonBlank(event, dealField, dealAt);
        if (contactId == null || dealId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, contactId == null ? contactAt : dealAt, "is required");
        }
        Instant time = occurredAt(event, at);
        String contact = support.leadId(name(), contactId.strip(), contactAt);
        String deal = support.leadId(name(), "deal:" + dealId.strip(), dealAt);
        String eventId = WebhookFields.text(event, "eventId", at + ".eventId");
        items.link(new Link(contact, deal, time, name(), eventId, "hubspot.association"));
    }

    /**
     * Which object, contact or deal, one side of an association is: from {@code associationType} (legacy form),
     * else from {@code <side>ObjectTypeId} (generic form); null for any other object.
     */
    private static String associated(JsonNode event, String side, String at) {
        String type = WebhookFields.nonBlank(event, "associationType", at + ".associationType");
        if (type != null) {
            String[] parts = type.strip().toUpperCase(java.util.Locale.ROOT).split("_TO_");
            if (parts.length != 2) {
                return null;
            }
            return kindOf(side.equals("from") ? parts[0] : parts[1]);
        }
        String typeId = WebhookFields.nonBlank(event, side + "ObjectTypeId", at + "." + side + "ObjectTypeId");
        if (typeId == null) {
            return null;
        }
        return switch (typeId.strip()) {
            case CONTACT_TYPE_ID -> "contact";
            case DEAL_TYPE_ID -> "deal";
            default -> null;
        };
    }

    private static String kindOf(String name) {
        return switch (name) {
            case "CONTACT" -> "contact";
            case "DEAL" -> "deal";
            default -> null;
        };
    }

    private HubSpotObject object(String kind, JsonNode event, String at) {
        String objectId = WebhookFields.nonBlank(event, "objectId", at + ".objectId");
        if (objectId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".objectId", "is required");
        }
        return new HubSpotObject(kind, objectId.strip());
    }

    private Instant occurredAt(JsonNode event, String at) {
        JsonNode occurred = event.get("occurredAt");
        if (occurred == null || !occurred.isIntegralNumber() || !occurred.canConvertToLong() || occurred.asLong() < 0) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, at + ".occurredAt", "is required (epoch milliseconds)");
        }
        return support.plausible(at + ".occurredAt", Instant.ofEpochMilli(occurred.asLong()));
    }

    /**
     * The money and owner one object's stage changes carry: the latest values of this delivery; an amount that is
     * not a valid number or money is refused by its own item and the stage changes go without it. The events that
     * only carried them are counted as ignored (they record no stage change of their own), but for one when they
     * make a details change of their own ({@code alone}): that one counts as the change.
     */
    private Attached attach(Facts f, boolean alone, WebhookItems items) {
        int refused = 0;
        BigDecimal amount = null;
        String currency = null;
        if (f.amount != null && f.amount.value() != null) {
            try {
                BigDecimal value = WebhookFields.number(JSON.objectNode().put("v", f.amount.value()), "v",
                        f.amount.path());
                String code = f.currency != null && f.currency.value() != null ? f.currency.value()
                        : support.setting(name(), "currency").orElse(null);
                WebhookSupport.Money money = support.money(value, f.amount.path(), code,
                        f.currency != null && f.currency.value() != null ? f.currency.path() : "l2r.webhooks.hubspot.currency");
                if (money != null) {
                    amount = money.amount();
                    currency = money.currency();
                }
            } catch (RejectedInput e) {
                items.refuse(e);
                refused++;
            }
        }
        String owner = null;
        if (f.owner != null && f.owner.value() != null) {
            try {
                owner = WebhookFields.checked(f.owner.value(), f.owner.path());
            } catch (RejectedInput e) {
                items.refuse(e);
                refused++;
            }
        }
        // alone, one event is left for details() to count: as the details change, or as ignored
        f.deferred = alone && refused < f.events;
        for (int i = refused + (f.deferred ? 1 : 0); i < f.events; i++) {
            items.ignore();
        }
        return new Attached(amount, currency, owner);
    }

    private void record(Stage stage, Attached attached, WebhookItems items) {
        String id = stage.object().kind().equals("contact") ? stage.object().id() : stage.object().key();
        String leadId = support.leadId(name(), id, stage.path().replaceAll("\\.propertyValue$", "") + ".objectId");
        SourceMapping mapping = stage.mapping() != null ? stage.mapping()
                : new SourceMapping(name(), stage.field(), stage.value(), null);
        StageChange change = support.change(name(), leadId, mapping, stage.value(), stage.at(), stage.dedupe(),
                attached.amount(), attached.currency(), new LeadAttributes(null, null, attached.owner(), null))
                .withMode(stage.mode());
        if (stage.mapping() == null) {
            items.park(change, stage.field(), stage.value(), stage.path());
        } else {
            items.change(change);
        }
    }
}
