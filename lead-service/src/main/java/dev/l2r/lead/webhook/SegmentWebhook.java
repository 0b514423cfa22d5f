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

/**
 * Segment (webhook destination): one message, or {@code {"batch": [...]}}; {@code X-Signature} is the hex
 * HMAC-SHA1 of the body; {@code messageId} makes a retry a duplicate. The lead is the {@code userId}, or the
 * {@code anonymousId} when there is none. An {@code identify} with the trait {@code l2r.webhooks.segment.stage-trait}
 * (default {@code lifecycle_stage}) moves the lead to the mapped stage when its current stage differs; otherwise a
 * first identify with a user id or an email makes it KNOWN. A {@code track} event mapped under field {@code event}
 * is a stage change; other events are ignored. A message with only an anonymous id makes a new lead ANONYMOUS.
 * Campaign context ({@code context.campaign.medium}/{@code source}/{@code name}) becomes channel and campaign.
 */
@ApplicationScoped
public class SegmentWebhook implements WebhookSource {

    @Inject
    WebhookSupport support;

    @Override
    public String name() {
        return "segment";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        support.requireBodyHmac(request, "HmacSHA1", true, "X-Signature");
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        JsonNode body = support.json(request.body());
        JsonNode batch = body.get("batch");
        if (batch != null && batch.isArray()) {
            for (int i = 0; i < batch.size(); i++) {
                readOne(batch.get(i), "batch[" + i + "]", items);
            }
        } else if (body.isObject()) {
            readOne(body, "body", items);
        } else {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a Segment message or batch");
        }
    }

    private void readOne(JsonNode message, String at, WebhookItems items) {
        try {
            read(message, at, items);
        } catch (RejectedInput e) {
            items.refuse(e);
        }
    }

    private void read(JsonNode message, String at, WebhookItems items) {
        String type = WebhookSupport.text(message, "type");
        String userId = WebhookSupport.text(message, "userId");
        String anonymousId = WebhookSupport.text(message, "anonymousId");
        String id = userId != null && !userId.isBlank() ? userId : anonymousId;
        if (id == null || id.isBlank()) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".userId", "userId or anonymousId is required");
        }
        boolean anonymous = userId == null || userId.isBlank();
        Instant time = support.time(at + ".timestamp", WebhookSupport.text(message, "timestamp"));
        String leadId = support.leadId(name(), id);
        String messageId = WebhookSupport.text(message, "messageId");
        JsonNode campaign = message.path("context").path("campaign");
        String channel = WebhookSupport.text(campaign, "medium") != null ? WebhookSupport.text(campaign, "medium")
                : WebhookSupport.text(campaign, "source");
        LeadAttributes attributes = new LeadAttributes(channel, null, null, WebhookSupport.text(campaign, "name"));

        StageChange change = null;
        if ("identify".equals(type)) {
            JsonNode traits = message.path("traits");
            String trait = support.setting(name(), "stage-trait").orElse("lifecycle_stage");
            String value = WebhookSupport.text(traits, trait);
            if (value != null && !value.isBlank()) {
                SourceMapping mapping = support.requireMapping(name(), trait, value, at + ".traits." + trait);
                if (mapping.stage() != null) {
                    change = support.change(name(), leadId, mapping, value, time, messageId, null, null, attributes)
                            .withMode(StageChange.Mode.IF_STAGE_DIFFERS);
                }
            } else if (!anonymous || WebhookSupport.text(traits, "email") != null) {
                change = builtIn(leadId, FunnelDefinition.KNOWN, "identify", time, messageId, attributes);
            }
        } else if ("track".equals(type)) {
            String event = WebhookSupport.text(message, "event");
            SourceMapping mapping = event == null ? null : support.mapping(name(), "event", event).orElse(null);
            if (mapping != null && mapping.stage() != null) {
                change = support.change(name(), leadId, mapping, event, time, messageId, null, null, attributes);
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
    }

    private StageChange builtIn(String leadId, String stage, String raw, Instant time, String messageId,
                                LeadAttributes attributes) {
        return support.change(name(), leadId, new SourceMapping(name(), "type", raw, stage), raw, time, messageId,
                null, null, attributes).withMode(StageChange.Mode.IF_NOT_REACHED);
    }
}
