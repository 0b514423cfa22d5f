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
 * Mautic webhooks: a JSON object keyed by event type, each an array of items (a queued delivery batches several
 * of a type), each with a {@code timestamp}; {@code Webhook-Signature} is the base64 HMAC-SHA256 of the body.
 * Mautic has no stage-change event, so each contact ({@code contact}; a form submission's {@code submission.lead})
 * is read as a state and compared with what L2R holds:
 * <ul>
 * <li>its stage: the contact field {@code l2r.webhooks.mautic.stage-field} when set and filled (stock Mautic
 * serialises a contact's {@code stage} in webhooks without its name or id), else {@code stage.name} (both mapped
 * under field {@code stage}), else {@code stage.id} (mapped under {@code stage_id}), taken when the lead's current
 * stage differs; a value no mapping knows is parked;</li>
 * <li>its points at or over {@code l2r.webhooks.mautic.mql-points} (default 100) as MQL, taken if the lead never
 * was an MQL or beyond;</li>
 * <li>a new contact ({@code mautic.lead_post_save_new}) or a form submission ({@code mautic.form_on_submit}, at
 * its {@code dateSubmitted}) with an email as KNOWN, likewise;</li>
 * <li>being added to a Mautic segment ({@code mautic.lead_list_change}) whose alias is mapped under field
 * {@code segment}, likewise; other segments are not about the funnel and are ignored.</li>
 * </ul>
 */
@ApplicationScoped
public class MauticWebhook implements WebhookSource {

    static final String FORM_SUBMIT = "mautic.form_on_submit";
    static final String SEGMENT_CHANGE = "mautic.lead_list_change";

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
            boolean contacts = event.getKey().startsWith("mautic.lead_") || event.getKey().equals(FORM_SUBMIT);
            if (!contacts || !event.getValue().isArray()) {
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
        JsonNode submission = null;
        JsonNode contact;
        String contactAt;
        if (type.equals(FORM_SUBMIT)) {
            submission = item.get("submission");
            if (submission == null || !submission.isObject()) {
                throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".submission", "is required");
            }
            contact = submission.get("lead");
            contactAt = at + ".submission.lead";
        } else {
            contact = item.get("contact");
            contactAt = at + ".contact";
            if (contact == null || !contact.isObject()) {
                contact = item.get("lead"); // older Mautic versions call it lead
                contactAt = at + ".lead";
            }
        }
        if (contact == null || !contact.isObject()) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, contactAt, "is required");
        }
        String id = WebhookFields.nonBlank(contact, "id", contactAt + ".id");
        if (id == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, contactAt + ".id", "is required");
        }
        // a submission happened when it was submitted; the item's timestamp is when Mautic queued it
        String submitted = submission == null ? null
                : WebhookFields.nonBlank(submission, "dateSubmitted", at + ".submission.dateSubmitted");
        Instant time = submitted != null ? support.time(at + ".submission.dateSubmitted", submitted)
                : support.time(at + ".timestamp", WebhookFields.text(item, "timestamp", at + ".timestamp"));
        String leadId = support.leadId(name(), id, contactAt + ".id");
        String owner = WebhookFields.text(contact.get("owner"), "username", contactAt + ".owner.username");
        LeadAttributes attributes = new LeadAttributes(null, null, owner, null);
        int before = items.changes().size() + items.parked().size();

        stage(contact, contactAt, id, leadId, time, attributes, items);
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
        if (submission != null && (fieldValue(contact, "email", contactAt) != null
                || WebhookFields.nonBlank(submission.get("results"), "email", at + ".submission.results.email") != null)) {
            String submissionId = WebhookFields.nonBlank(submission, "id", at + ".submission.id");
            items.change(support.change(name(), leadId, new SourceMapping(name(), "form", "submitted",
                            FunnelDefinition.KNOWN), "form submitted", time,
                    submissionId != null ? "submission:" + submissionId : dedupe(id, time, "form", "KNOWN"),
                    null, null, attributes).withMode(StageChange.Mode.IF_NOT_REACHED));
        }
        if (type.equals(SEGMENT_CHANGE) && "added".equals(WebhookFields.text(item, "action", at + ".action"))) {
            String alias = WebhookFields.nonBlank(item.get("segment"), "alias", at + ".segment.alias");
            SourceMapping mapping = alias == null ? null : support.mapping(name(), "segment", alias).orElse(null);
            if (mapping != null && mapping.stage() != null) {
                items.change(support.change(name(), leadId, mapping, alias, time,
                        dedupe(id, time, "segment", alias), null, null, attributes)
                        .withMode(StageChange.Mode.IF_NOT_REACHED));
            }
        }
        if (items.changes().size() + items.parked().size() == before) {
            items.ignore();
        }
    }

    /**
     * The contact's stage, from the configured field, else the stage's name, else its id; mapped, or parked when
     * no mapping knows the value. Stock Mautic serialises {@code stage} in webhooks with neither (only who
     * created and modified it), hence the field.
     */
    private void stage(JsonNode contact, String contactAt, String id, String leadId, Instant time,
                       LeadAttributes attributes, WebhookItems items) {
        String stageField = support.setting(name(), "stage-field").orElse(null);
        String mappedField = null;
        String value = null;
        String path = null;
        if (stageField != null) {
            // the field stands in for the stage's missing name, so it speaks the stage's vocabulary
            value = fieldValue(contact, stageField, contactAt);
            mappedField = "stage";
            path = contactAt + ".fields." + stageField;
        }
        if (value == null || value.isBlank()) {
            JsonNode stage = contact.get("stage");
            value = WebhookFields.nonBlank(stage, "name", contactAt + ".stage.name");
            mappedField = "stage";
            path = contactAt + ".stage.name";
            if (value == null) {
                value = WebhookFields.nonBlank(stage, "id", contactAt + ".stage.id");
                mappedField = "stage_id";
                path = contactAt + ".stage.id";
            }
        }
        if (value == null || value.isBlank()) {
            return;
        }
        Optional<SourceMapping> mapping = support.mapping(name(), mappedField, value);
        if (mapping.isEmpty()) {
            // a stage (or id) no mapping knows yet: authentic, so kept until one does
            items.park(support.change(name(), leadId, new SourceMapping(name(), mappedField, value, null), value,
                    time, dedupe(id, time, mappedField, value), null, null, attributes)
                    .withMode(StageChange.Mode.IF_STAGE_DIFFERS), mappedField, value, path);
        } else if (mapping.get().stage() != null) {
            items.change(support.change(name(), leadId, mapping.get(), value, time,
                            dedupe(id, time, mappedField, value), null, null, attributes)
                    .withMode(StageChange.Mode.IF_STAGE_DIFFERS));
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
