package dev.l2r.lead.crm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.webhook.SalesforceIds;
import dev.l2r.lead.webhook.WebhookFields;
import dev.l2r.lead.webhook.WebhookItems;
import dev.l2r.lead.webhook.WebhookSupport;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Salesforce's REST {@code query} resource with SOQL on {@code OpportunityHistory} (a row each time an
 * opportunity's stage, amount, probability or close date changed: its {@code StageName} and {@code Amount} then, at
 * its {@code CreatedDate}) and then {@code LeadHistory} rows of {@code Field = 'Status'} ({@code NewValue} at
 * {@code CreatedDate}), oldest first, following {@code nextRecordsUrl} until {@code done}. Lead ids as the Outbound
 * Messages' ({@code salesforce:<18-character id>}); the record's current {@code OwnerId} as owner. A query locator
 * Salesforce no longer knows (it forgets them after a while: a resume much later) starts the phase again from its
 * first page, whose changes are duplicates by then.
 */
final class SalesforceHistory implements HistoryReader {

    static final String OPPORTUNITIES = "OpportunityHistory";
    static final String LEADS = "LeadHistory";
    /** Salesforce writes {@code 2024-01-05T10:00:00.000+0000}: an offset without a colon. */
    static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendPattern("[XXX][XX][X]").toFormatter();

    private final CrmHttp http;
    private final String instanceUrl;
    private final String apiVersion;
    private final String token;
    private final HistoryChanges changes;

    SalesforceHistory(CrmHttp http, String instanceUrl, String apiVersion, String token, WebhookSupport support) {
        this.http = http;
        this.instanceUrl = CrmSettings.stripSlash(instanceUrl);
        this.apiVersion = apiVersion;
        this.token = token;
        this.changes = new HistoryChanges(support, source());
    }

    @Override
    public String source() {
        return "salesforce";
    }

    @Override
    public String firstPhase() {
        return OPPORTUNITIES;
    }

    /** The SOQL of a phase, oldest first (with Id, so that the order is total). */
    static String soql(String phase, Instant since) {
        String after = since == null ? "" : "CreatedDate >= " + DateTimeFormatter.ISO_INSTANT.format(since);
        if (OPPORTUNITIES.equals(phase)) {
            return "SELECT Id, OpportunityId, StageName, Amount, CreatedDate, Opportunity.OwnerId FROM "
                    + "OpportunityHistory" + (after.isEmpty() ? "" : " WHERE " + after) + " ORDER BY CreatedDate, Id";
        }
        return "SELECT Id, LeadId, Field, OldValue, NewValue, CreatedDate, Lead.OwnerId FROM LeadHistory "
                + "WHERE Field = 'Status'" + (after.isEmpty() ? "" : " AND " + after) + " ORDER BY CreatedDate, Id";
    }

    @Override
    public Next read(String phase, String cursor, Instant since, WebhookItems items) {
        Map<String, String> headers = Map.of("Authorization", "Bearer " + token);
        String first = instanceUrl + "/services/data/" + apiVersion + "/query?q="
                + URLEncoder.encode(soql(phase, since), StandardCharsets.UTF_8);
        JsonNode page;
        if (cursor == null) {
            page = http.get(URI.create(first), headers);
        } else {
            try {
                page = http.get(URI.create(instanceUrl + cursor), headers);
            } catch (CrmHttp.Refused e) {
                if (!e.getMessage().contains("INVALID_QUERY_LOCATOR")) {
                    throw e;
                }
                page = http.get(URI.create(first), headers);
            }
        }
        JsonNode records = page.path("records");
        boolean opportunities = OPPORTUNITIES.equals(phase);
        for (int i = 0; i < records.size(); i++) {
            String at = "records[" + i + "]";
            try {
                if (opportunities) {
                    opportunity(records.get(i), at, items);
                } else {
                    lead(records.get(i), at, items);
                }
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
        String next = page.path("nextRecordsUrl").asText(null);
        if (!page.path("done").asBoolean(true) && next != null && next.startsWith("/")) {
            return new Next(records.size(), phase, next);
        }
        return opportunities ? new Next(records.size(), LEADS, null) : Next.done(records.size());
    }

    private void opportunity(JsonNode row, String at, WebhookItems items) {
        String historyId = id(row, "Id", at);
        String recordId = id(row, "OpportunityId", at);
        String stage = WebhookFields.nonBlank(row, "StageName", at + ".StageName");
        if (stage == null) {
            items.ignore();
            return;
        }
        Instant when = time(row, at);
        WebhookSupport.Money money = null;
        BigDecimal amount = WebhookFields.number(row, "Amount", at + ".Amount");
        try {
            money = changes.money(amount, at + ".Amount", changes.setting("currency").orElse(null),
                    "l2r.webhooks.salesforce.currency");
        } catch (RejectedInput e) {
            items.refuse(e); // the amount alone is refused; the stage change goes without it
        }
        String owner = WebhookFields.nonBlank(row.path("Opportunity"), "OwnerId", at + ".Opportunity.OwnerId");
        changes.add(items, changes.leadId(recordId, at + ".OpportunityId"), "StageName", stage,
                changes.mapping("StageName", stage), when, HistoryChanges.sourceEventId(historyId), money, owner,
                at + ".StageName", StageChange.Mode.RECORD);
    }

    private void lead(JsonNode row, String at, WebhookItems items) {
        String historyId = id(row, "Id", at);
        String recordId = id(row, "LeadId", at);
        String status = WebhookFields.nonBlank(row, "NewValue", at + ".NewValue");
        if (status == null || !"Status".equals(WebhookFields.nonBlank(row, "Field", at + ".Field"))) {
            items.ignore();
            return;
        }
        String owner = WebhookFields.nonBlank(row.path("Lead"), "OwnerId", at + ".Lead.OwnerId");
        changes.add(items, changes.leadId(recordId, at + ".LeadId"), "Status", status, changes.mapping("Status", status),
                time(row, at), HistoryChanges.sourceEventId(historyId), null, owner, at + ".NewValue",
                StageChange.Mode.RECORD);
    }

    private static String id(JsonNode row, String field, String at) {
        String id = WebhookFields.nonBlank(row, field, at + "." + field);
        if (!SalesforceIds.valid(id)) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + "." + field,
                    "must be a 15- or 18-character Salesforce id");
        }
        return SalesforceIds.to18(id);
    }

    private static Instant time(JsonNode row, String at) {
        String value = WebhookFields.nonBlank(row, "CreatedDate", at + ".CreatedDate");
        if (value == null) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, at + ".CreatedDate", "is required");
        }
        try {
            return OffsetDateTime.parse(value, DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, at + ".CreatedDate", "must be a Salesforce dateTime");
        }
    }
}
