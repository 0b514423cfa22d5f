package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Pipedrive deal webhooks, v1 and v2 alike ({@link PipedrivePayload}). A deal is lead {@code pipedrive:deal:<id>}
 * whichever version sent it, and a retry, or the same change sent by both versions, is a duplicate: the source
 * event id is deal + {@code meta.timestamp} (to the second, the precision v1 sends) + field + value.
 *
 * <ul>
 *   <li>A new deal, or a change of {@code status} or {@code stage_id}, is a move to the stage the deal is in now:
 *   its status when that is mapped to a stage (won, lost), else its {@code stage_id} (an open deal). Stage ids are
 *   unique per account across pipelines, so they are mapped by id alone; {@code pipeline_id} is not read.</li>
 *   <li>A change of {@code value} or {@code currency} alone, or of the owner alone, is a details change (no stage:
 *   published as {@code LeadDetailsChanged}) with the new amount and owner: a won deal's value corrected after the
 *   win, an open deal's estimate, a deal handed to another owner.</li>
 *   <li>A deleted deal (v1 {@code deleted.deal}, v2 {@code delete}, or a v1 status {@code deleted}) moves to the
 *   stage {@code status} {@code deleted} is mapped to, else to the funnel's lost stage, raw stage {@code deleted}.
 *   A merge is no loss: it is ignored (the surviving deal carries on).</li>
 *   <li>A value no mapping knows (a second pipeline's stage id, a new status) is parked, never refused: Pipedrive
 *   bans a webhook for 30 minutes after 10 failed deliveries and loses what comes meanwhile.</li>
 * </ul>
 *
 * <p>A deal's {@code person_id} links the deal with lead {@code pipedrive:person:<id>} (their leads merge).
 *
 * <p>Owner: {@code owner_id} (v2), else {@code user_id} (v1: a number, or an object with its {@code id}). Value and
 * currency ride on every change. Pipedrive signs nothing; it sends the HTTP Basic credentials configured in its
 * webhook ({@code l2r.webhooks.pipedrive.user}, default {@code l2r}, and {@code l2r.webhooks.pipedrive.secret}).
 */
@ApplicationScoped
public class PipedriveWebhook implements WebhookSource {

    /** The raw stage of a deleted deal, and the status value whose mapping can redirect deletions. */
    static final String DELETED = "deleted";

    @Inject
    WebhookSupport support;

    @Inject
    FunnelDefinitions funnels;

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
        PipedrivePayload event = PipedrivePayload.read(support.json(request.body()));
        JsonNode deal = event.state();
        boolean delete = event.action() == PipedrivePayload.Action.DELETE;
        if (!"deal".equals(event.entity()) || (deal == null && !delete)
                || event.action() == PipedrivePayload.Action.OTHER || event.action() == PipedrivePayload.Action.MERGE) {
            items.ignore();
            return;
        }
        if (event.id() == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, event.idPath(), "is required");
        }
        String at = event.statePath();
        if (!delete) {
            try {
                person(event, deal, at, items);
            } catch (RejectedInput e) {
                items.refuse(e); // the deal's own change is still taken
            }
        }
        String status = WebhookFields.nonBlank(deal, "status", at + ".status");
        boolean deleted = delete || (status != null && DELETED.equals(status.toLowerCase(Locale.ROOT)) && event.changed("status"));

        Target target;
        String field;
        String value;
        if (deleted) {
            target = deletion();
            field = "status";
            value = DELETED;
        } else if (event.changed("status") || event.changed("stage_id")) {
            target = current(deal, at, status);
            field = target == null ? null : target.field();
            value = target == null ? null : target.raw();
        } else if (event.changed("value") || event.changed("currency") || event.changed("owner_id")
                || event.changed("user_id")) {
            details(event, deal, at, items);
            return;
        } else {
            items.ignore(); // a title, a label, a follower: nothing about the funnel
            return;
        }
        if (target == null) {
            items.ignore(); // a deal with neither status nor stage
            return;
        }

        Instant time = timestamp(event.timestamp());
        WebhookSupport.Money money = money(deal, at);
        String leadId = support.leadId(name(), "deal:" + event.id(), event.idPath());
        // whole seconds: v1 sends seconds, v2 milliseconds, and the same change must key the same in both
        String sourceEventId = "deal:" + event.id() + ":" + time.getEpochSecond() * 1000 + ":" + field + ":" + value;
        LeadAttributes attributes = new LeadAttributes(null, null, owner(deal, at), null);
        SourceMapping mapping = target.mapping().orElse(new SourceMapping(name(), target.field(), target.raw(), null));
        var change = support.change(name(), leadId, mapping, target.raw(), time, sourceEventId,
                money == null ? null : money.amount(), money == null ? null : money.currency(), attributes);
        if (target.mapping().isPresent()) {
            items.change(change);
        } else {
            items.park(change, target.field(), target.raw(), target.path());
        }
    }

    /**
     * The deal's person ({@code person_id}: a number in v2 and v1 deliveries, an object with its {@code value} in
     * some v1 ones): lead {@code pipedrive:person:<id>} and the deal are one buying group, linked on every delivery
     * that names it (a link already taken merges nothing). A deal without a person links nothing.
     */
    private void person(PipedrivePayload event, JsonNode deal, String at, WebhookItems items) {
        JsonNode person = deal.get("person_id");
        String path = at + ".person_id";
        if (person != null && person.isObject()) {
            person = person.get("value");
            path += ".value";
        }
        if (person == null || person.isNull()) {
            return;
        }
        if (!person.isIntegralNumber() && !(person.isTextual() && person.asText().strip().matches("\\d{1,19}"))) {
            throw RejectedInput.badRequest(Reason.INVALID, path, "must be a person id (a number)");
        }
        String personId = person.asText().strip();
        Instant time = timestamp(event.timestamp());
        items.link(new Link(support.leadId(name(), "deal:" + event.id(), event.idPath()),
                support.leadId(name(), "person:" + personId, path), time, name(),
                "deal:" + event.id() + ":person:" + personId, "pipedrive.person"));
    }

    /**
     * A change of the deal's value, currency or owner without a stage change: a details change with the deal's
     * amount (when it has one with its currency) and owner now. Its source event id has the form of a stage
     * change's (deal, whole seconds, field, value), so a retry, or the same change sent by v1 and v2, is one.
     */
    private void details(PipedrivePayload event, JsonNode deal, String at, WebhookItems items) {
        if (event.id() == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, event.idPath(), "is required");
        }
        Instant time = timestamp(event.timestamp());
        WebhookSupport.Money money = money(deal, at);
        String owner = owner(deal, at);
        boolean valueChanged = event.changed("value") || event.changed("currency");
        if ((valueChanged ? money : owner) == null) {
            items.ignore(); // a value without a currency is no amount to record; no owner, no owner change
            return;
        }
        String leadId = support.leadId(name(), "deal:" + event.id(), event.idPath());
        String sourceEventId = "deal:" + event.id() + ":" + time.getEpochSecond() * 1000 + ":"
                + (valueChanged ? "value:" + money.amount().stripTrailingZeros().toPlainString() + " "
                + money.currency() : "owner:" + owner);
        items.change(StageChangeFactory.check(StageChange.details(leadId, time, name(), sourceEventId,
                money == null ? null : money.amount(), money == null ? null : money.currency(),
                new LeadAttributes(null, null, owner, null))));
    }

    /**
     * The stage a deal's state means: its mapped field and raw value, the mapping if there is one (else it is
     * parked under that field and value), and the value's path. Null when the deal says nothing about its stage.
     */
    record Target(String field, String raw, Optional<SourceMapping> mapping, String path) {
    }

    /** Its status when that is a stage (won, lost) or not mapped at all; else (open) its stage id. */
    private Target current(JsonNode deal, String at, String status) {
        if (status != null) {
            Optional<SourceMapping> byStatus = support.mapping(name(), "status", status);
            if (byStatus.isEmpty() || byStatus.get().stage() != null) {
                return new Target("status", status, byStatus, at + ".status");
            }
        }
        String stageId = WebhookFields.nonBlank(deal, "stage_id", at + ".stage_id");
        if (stageId == null) {
            return null;
        }
        return new Target("stage_id", stageId, support.mapping(name(), "stage_id", stageId), at + ".stage_id");
    }

    /**
     * Where a deleted deal goes: the stage status {@code deleted} is mapped to, if any; else the funnel's first
     * terminal stage with outcome lost, so that it leaves the open pipeline and the forecast; parked under status
     * {@code deleted} when the funnel has no lost stage.
     */
    private Target deletion() {
        Optional<SourceMapping> explicit = support.mapping(name(), "status", DELETED).filter(m -> m.stage() != null);
        Optional<SourceMapping> mapping = explicit.or(() -> funnels.current().stages().stream()
                .filter(s -> s.terminal() && s.outcome() == StageOutcome.LOST).map(StageDefinition::key).findFirst()
                .map(lost -> new SourceMapping(name(), "status", DELETED, lost)));
        return new Target("status", DELETED, mapping, "meta.action");
    }

    private WebhookSupport.Money money(JsonNode deal, String at) {
        BigDecimal value = WebhookFields.number(deal, "value", at + ".value");
        return support.money(value, at + ".value",
                value == null ? null : WebhookFields.nonBlank(deal, "currency", at + ".currency"), at + ".currency");
    }

    /** {@code owner_id} (v2), else v1's {@code user_id}: a number, or an object whose {@code id} is the user. */
    private static String owner(JsonNode deal, String at) {
        if (deal == null) {
            return null;
        }
        String owner = WebhookFields.nonBlank(deal, "owner_id", at + ".owner_id");
        if (owner != null) {
            return owner;
        }
        JsonNode user = deal.get("user_id");
        if (user != null && user.isObject()) {
            return WebhookFields.nonBlank(user, "id", at + ".user_id.id");
        }
        return WebhookFields.nonBlank(deal, "user_id", at + ".user_id");
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
