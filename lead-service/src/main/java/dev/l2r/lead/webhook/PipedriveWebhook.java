package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Pipedrive webhooks v2 for deals: {@code meta} ({@code action}, {@code entity}, {@code entity_id},
 * {@code timestamp} as epoch seconds or an ISO string), {@code data} (the deal now) and {@code previous} (only the
 * keys that changed). A change of {@code status} ({@code won}, {@code lost}, or {@code open} again) or of
 * {@code stage_id} is a stage change through the mappings; a new deal enters at its status or stage. Pipedrive
 * signs nothing; it sends the HTTP Basic credentials configured in its webhook
 * ({@code l2r.webhooks.pipedrive.user}, default {@code l2r}, and {@code l2r.webhooks.pipedrive.secret}).
 */
@ApplicationScoped
public class PipedriveWebhook implements WebhookSource {

    @Inject
    WebhookSupport support;

    @Override
    public String name() {
        return "pipedrive";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String secret = support.secret(name());
        String user = support.setting(name(), "user").orElse("l2r");
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        if (!Signatures.matches(expected, request.header("Authorization"))) {
            throw WebhookSupport.badSignature("the HTTP Basic credentials are missing or wrong");
        }
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        JsonNode body = support.json(request.body());
        JsonNode meta = body.get("meta");
        JsonNode data = body.get("data");
        if (meta == null || !meta.isObject()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "meta", "is required (Pipedrive webhooks v2)");
        }
        String entity = WebhookSupport.text(meta, "entity");
        String action = WebhookSupport.text(meta, "action");
        if (!"deal".equals(entity) || data == null || !data.isObject()
                || !("create".equals(action) || "change".equals(action))) {
            items.ignore();
            return;
        }
        String id = WebhookSupport.text(meta, "entity_id");
        if (id == null || id.isBlank()) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, "meta.entity_id", "is required");
        }
        JsonNode previous = body.get("previous");
        boolean created = "create".equals(action);
        boolean statusChanged = created || (previous != null && previous.has("status"));
        boolean stageChanged = created || (previous != null && previous.has("stage_id"));
        String status = WebhookSupport.text(data, "status");
        String stageId = WebhookSupport.text(data, "stage_id");

        // a status that is a stage (won, lost) wins; otherwise (open, or reopened) the pipeline stage decides
        SourceMapping mapping = null;
        String field = null;
        String raw = null;
        if (statusChanged && status != null) {
            SourceMapping byStatus = support.requireMapping(name(), "status", status, "data.status");
            if (byStatus.stage() != null) {
                mapping = byStatus;
                field = "status";
                raw = status;
            }
        }
        if (mapping == null && (stageChanged || statusChanged) && stageId != null) {
            mapping = support.requireMapping(name(), "stage_id", stageId, "data.stage_id");
            field = "stage_id";
            raw = stageId;
        }
        if (mapping == null || mapping.stage() == null) {
            items.ignore();
            return;
        }
        Instant at = timestamp(meta.get("timestamp"));
        BigDecimal amount = data.hasNonNull("value") && data.get("value").isNumber() ? data.get("value").decimalValue() : null;
        String currency = amount == null ? null : WebhookSupport.text(data, "currency");
        String owner = WebhookSupport.text(data, "owner_id");
        items.change(support.change(name(), support.leadId(name(), "deal:" + id), mapping, raw, at,
                "deal:" + id + ":" + at.toEpochMilli() + ":" + field + ":" + raw, currency == null ? null : amount,
                currency, new LeadAttributes(null, null, owner, null)));
    }

    private Instant timestamp(JsonNode value) {
        if (value == null || value.isNull()) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, "meta.timestamp", "is required");
        }
        if (value.canConvertToLong() || value.asText().matches("\\d+")) {
            long n = value.asLong();
            // seconds, as Pipedrive sends them; milliseconds if the number is too large to be seconds
            return support.plausible("meta.timestamp", n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n));
        }
        return support.time("meta.timestamp", value.asText());
    }
}
