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
import java.util.Optional;

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
        String user = support.setting(name(), "user").orElse("l2r");
        boolean valid = support.signedWithAny(name(), secret -> "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8)), request.header("Authorization"));
        if (!valid) {
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
        String entity = WebhookFields.text(meta, "entity", "meta.entity");
        String action = WebhookFields.text(meta, "action", "meta.action");
        if (!"deal".equals(entity) || data == null || !data.isObject()
                || !("create".equals(action) || "change".equals(action))) {
            items.ignore();
            return;
        }
        String id = WebhookFields.nonBlank(meta, "entity_id", "meta.entity_id");
        if (id == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, "meta.entity_id", "is required");
        }
        JsonNode previous = body.get("previous");
        boolean created = "create".equals(action);
        boolean statusChanged = created || (previous != null && previous.has("status"));
        boolean stageChanged = created || (previous != null && previous.has("stage_id"));
        String status = WebhookFields.nonBlank(data, "status", "data.status");
        String stageId = WebhookFields.nonBlank(data, "stage_id", "data.stage_id");

        // a status that is a stage (won, lost) wins; otherwise (open, or reopened) the pipeline stage decides
        SourceMapping mapping = null;
        String field = null;
        String raw = null;
        String parkedAt = null; // the place of a value no mapping knows: the item is parked, not refused
        if (statusChanged && status != null) {
            Optional<SourceMapping> byStatus = support.mapping(name(), "status", status);
            if (byStatus.isEmpty() || byStatus.get().stage() != null) {
                mapping = byStatus.orElse(null);
                field = "status";
                raw = status;
                parkedAt = byStatus.isEmpty() ? "data.status" : null;
            }
        }
        if (field == null && (stageChanged || statusChanged) && stageId != null) {
            Optional<SourceMapping> byStage = support.mapping(name(), "stage_id", stageId);
            mapping = byStage.orElse(null);
            field = "stage_id";
            raw = stageId;
            parkedAt = byStage.isEmpty() ? "data.stage_id" : null;
        }
        if (parkedAt == null && (mapping == null || mapping.stage() == null)) {
            items.ignore();
            return;
        }
        Instant at = timestamp(meta.get("timestamp"));
        BigDecimal value = WebhookFields.number(data, "value", "data.value");
        WebhookSupport.Money money = support.money(value, "data.value",
                value == null ? null : WebhookFields.nonBlank(data, "currency", "data.currency"), "data.currency");
        String owner = WebhookFields.text(data, "owner_id", "data.owner_id");
        items.changeOrPark(support.change(name(), support.leadId(name(), "deal:" + id, "meta.entity_id"), mapping, raw,
                at, "deal:" + id + ":" + at.toEpochMilli() + ":" + field + ":" + raw,
                money == null ? null : money.amount(), money == null ? null : money.currency(),
                new LeadAttributes(null, null, owner, null)), field, raw, parkedAt);
    }

    /** Epoch seconds as Pipedrive sends them (milliseconds when too large to be seconds), or an ISO string. */
    private Instant timestamp(JsonNode value) {
        if (value == null || value.isNull()) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, "meta.timestamp", "is required");
        }
        if (value.isContainerNode()) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, "meta.timestamp", "must be epoch seconds or ISO-8601");
        }
        String text = WebhookFields.checked(value.asText().trim(), "meta.timestamp");
        long n;
        if (value.isNumber()) {
            n = value.canConvertToLong() ? value.asLong() : Long.MIN_VALUE;
        } else if (text.matches("\\d{1,18}")) {
            n = Long.parseLong(text);
        } else {
            return support.time("meta.timestamp", text);
        }
        if (n < 0) { // before 1970, and beyond Instant's range for the largest magnitudes
            throw RejectedInput.badRequest(Reason.IMPLAUSIBLE_TIME, "meta.timestamp", "is out of range");
        }
        return support.plausible("meta.timestamp",
                n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n));
    }
}
