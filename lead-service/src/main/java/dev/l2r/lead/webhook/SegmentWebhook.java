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
import java.util.Optional;

/**
 * Segment (webhook destination): one message, or {@code {"batch": [...]}}; {@code X-Signature} is the hex
 * HMAC-SHA1 of the body; {@code messageId} (required) makes a retry or a replay a duplicate. The lead is the {@code userId}, or the
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
        String type = WebhookFields.text(message, "type", at + ".type");
        String userId = WebhookFields.nonBlank(message, "userId", at + ".userId");
        String anonymousId = WebhookFields.nonBlank(message, "anonymousId", at + ".anonymousId");
        String id = userId != null ? userId : anonymousId;
        if (id == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".userId", "userId or anonymousId is required");
        }
        boolean anonymous = userId == null;
        // Segment sets a messageId on every message; it is what makes a retry or a replay a duplicate
        String messageId = WebhookFields.nonBlank(message, "messageId", at + ".messageId");
        if (messageId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".messageId", "is required");
        }
        Instant time = support.time(at + ".timestamp", WebhookFields.text(message, "timestamp", at + ".timestamp"));
        String leadId = support.leadId(name(), id, at + (anonymous ? ".anonymousId" : ".userId"));
        JsonNode campaign = message.path("context").path("campaign");
        String campaignAt = at + ".context.campaign";
        String medium = WebhookFields.nonBlank(campaign, "medium", campaignAt + ".medium");
        String channel = medium != null ? medium : WebhookFields.nonBlank(campaign, "source", campaignAt + ".source");
        LeadAttributes attributes = new LeadAttributes(channel, null, null,
                WebhookFields.nonBlank(campaign, "name", campaignAt + ".name"));

        StageChange change = null;
        boolean parked = false;
        if ("identify".equals(type)) {
            JsonNode traits = message.path("traits");
            String trait = support.setting(name(), "stage-trait").orElse("lifecycle_stage");
            String value = WebhookFields.nonBlank(traits, trait, at + ".traits." + trait);
            if (value != null) {
                Optional<SourceMapping> mapping = support.mapping(name(), trait, value);
                if (!WebhookSupport.ignored(mapping)) {
                    StageChange traitChange = support.change(name(), leadId, mapping.orElse(null), value, time,
                            messageId, null, null, attributes).withMode(StageChange.Mode.IF_STAGE_DIFFERS);
                    if (mapping.isPresent()) {
                        change = traitChange;
                    } else {
                        // a lifecycle value no mapping knows yet: parked until one does
                        items.park(traitChange, trait, value, at + ".traits." + trait);
                        parked = true;
                    }
                }
            } else if (!anonymous || WebhookFields.text(traits, "email", at + ".traits.email") != null) {
                change = builtIn(leadId, FunnelDefinition.KNOWN, "identify", time, messageId, attributes);
            }
        } else if ("track".equals(type)) {
            String event = WebhookFields.text(message, "event", at + ".event");
            SourceMapping mapping = event == null ? null : support.mapping(name(), "event", event).orElse(null);
            if (mapping != null && mapping.stage() != null) {
                change = support.change(name(), leadId, mapping, event, time, messageId, null, null, attributes);
            }
        }
        if (change == null && anonymous) {
            change = builtIn(leadId, FunnelDefinition.ANONYMOUS, type, time, messageId, attributes);
        }
        if (change == null) {
            if (!parked) {
                items.ignore();
            }
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
