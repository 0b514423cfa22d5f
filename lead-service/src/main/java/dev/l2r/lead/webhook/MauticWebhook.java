package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Mautic webhooks: a JSON object keyed by event type ({@code mautic.lead_post_save_new},
 * {@code mautic.lead_post_save_update}, {@code mautic.lead_points_change}...), each an array of items with a
 * {@code contact} and a {@code timestamp}; {@code Webhook-Signature} is the base64 HMAC-SHA256 of the body. Mautic
 * has no stage-change event, so each contact is read as a state and compared with what L2R holds: its Mautic
 * stage (or the field {@code l2r.webhooks.mautic.stage-field}) through the mappings, taken when the lead's
 * current stage differs; its points at or over {@code l2r.webhooks.mautic.mql-points} (default 100) as MQL,
 * taken if the lead never was an MQL or beyond; a new contact with an email as KNOWN, likewise.
 */
@ApplicationScoped
public class MauticWebhook implements WebhookSource {

    @Inject
    WebhookSupport support;

    @Override
    public String name() {
        return "mautic";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        support.requireBodyHmac(request, "HmacSHA256", false, "Webhook-Signature");
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        JsonNode body = support.json(request.body());
        if (!body.isObject()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a JSON object keyed by Mautic event type");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> event = it.next();
            if (!event.getKey().startsWith("mautic.lead_") || !event.getValue().isArray()) {
                items.ignore();
                continue;
            }
            try {
                // the type names its items' paths, so it is checked before it is repeated in refusals
                WebhookFields.checked(event.getKey(), "body");
            } catch (RejectedInput e) {
                items.refuse(Reason.INVALID, "body", "an event type " + e.error());
                continue;
            }
            for (int i = 0; i < event.getValue().size(); i++) {
                String at = event.getKey() + "[" + i + "]";
                try {
                    read(event.getKey(), event.getValue().get(i), at, items);
                } catch (RejectedInput e) {
                    items.refuse(e);
                }
            }
        }
    }

    private void read(String type, JsonNode item, String at, WebhookItems items) {
        JsonNode contact = item.get("contact");
        String contactAt = at + ".contact";
        if (contact == null || !contact.isObject()) {
            contact = item.get("lead"); // older Mautic versions call it lead
            contactAt = at + ".lead";
        }
        if (contact == null || !contact.isObject()) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".contact", "is required");
        }
        String id = WebhookFields.nonBlank(contact, "id", contactAt + ".id");
        if (id == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, contactAt + ".id", "is required");
        }
        Instant time = support.time(at + ".timestamp", WebhookFields.text(item, "timestamp", at + ".timestamp"));
        String leadId = support.leadId(name(), id, contactAt + ".id");
        String owner = WebhookFields.text(contact.get("owner"), "username", contactAt + ".owner.username");
        LeadAttributes attributes = new LeadAttributes(null, null, owner, null);
        int before = items.changes().size() + items.parked().size();

        String stageField = support.setting(name(), "stage-field").orElse(null);
        String stagePath = contactAt + (stageField != null ? ".fields." + stageField : ".stage.name");
        String stageValue = stageField != null ? fieldValue(contact, stageField, contactAt)
                : WebhookFields.text(contact.get("stage"), "name", stagePath);
        String mappedField = stageField != null ? stageField : "stage";
        if (stageValue != null && !stageValue.isBlank()) {
            Optional<SourceMapping> mapping = support.mapping(name(), mappedField, stageValue);
            if (!WebhookSupport.ignored(mapping)) {
                // a stage no mapping knows yet is parked until one does
                items.changeOrPark(support.change(name(), leadId, mapping.orElse(null), stageValue, time,
                                dedupe(id, time, mappedField, stageValue), null, null, attributes)
                        .withMode(StageChange.Mode.IF_STAGE_DIFFERS), mappedField, stageValue, stagePath);
            }
        }
        int threshold = support.setting(name(), "mql-points").map(Integer::parseInt).orElse(100);
        JsonNode points = item.path("points").has("new_points") ? item.path("points").get("new_points")
                : contact.get("points");
        if (points != null && points.isNumber() && points.canConvertToInt() && points.asInt() >= threshold) {
            items.change(support.change(name(), leadId, new SourceMapping(name(), "points", "threshold",
                            FunnelDefinition.MQL), "points " + points.asInt(), time,
                    dedupe(id, time, "points", FunnelDefinition.MQL), null, null, attributes)
                    .withMode(StageChange.Mode.IF_NOT_REACHED));
        }
        if (type.equals("mautic.lead_post_save_new") && fieldValue(contact, "email", contactAt) != null) {
            items.change(support.change(name(), leadId, new SourceMapping(name(), "contact", "new",
                            FunnelDefinition.KNOWN), "new contact", time, dedupe(id, time, "new", "KNOWN"), null, null,
                    attributes).withMode(StageChange.Mode.IF_NOT_REACHED));
        }
        if (items.changes().size() + items.parked().size() == before) {
            items.ignore();
        }
    }

    /** A contact field by alias, wherever this Mautic version puts it; {@code at} is the contact's path. */
    static String fieldValue(JsonNode contact, String alias, String at) {
        JsonNode fields = contact.get("fields");
        if (fields != null && fields.isObject()) {
            JsonNode all = fields.get("all");
            if (all != null && all.hasNonNull(alias)) {
                return WebhookFields.text(all, alias, at + ".fields.all." + alias);
            }
            for (Iterator<Map.Entry<String, JsonNode>> groups = fields.fields(); groups.hasNext(); ) {
                Map.Entry<String, JsonNode> group = groups.next();
                JsonNode field = group.getValue().get(alias);
                if (field != null && field.hasNonNull("value")) {
                    String groupAt = at + ".fields." + WebhookFields.checked(group.getKey(), at + ".fields");
                    return WebhookFields.text(field, "value", groupAt + "." + alias + ".value");
                }
            }
        }
        return WebhookFields.text(contact, alias, at + "." + alias);
    }

    private static String dedupe(String contactId, Instant at, String what, String value) {
        return "contact:" + contactId + ":" + at.toEpochMilli() + ":" + what + ":" + value;
    }
}
