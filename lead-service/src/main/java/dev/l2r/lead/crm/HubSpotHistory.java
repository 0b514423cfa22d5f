package dev.l2r.lead.crm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.webhook.WebhookFields;
import dev.l2r.lead.webhook.WebhookItems;
import dev.l2r.lead.webhook.WebhookSupport;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * HubSpot's CRM objects API v3: {@code GET /crm/v3/objects/deals} then {@code /contacts}, each object with
 * {@code propertiesWithHistory} (every value a property had, with its {@code timestamp}), paged by
 * {@code paging.next.after}. Each value a deal's {@code dealstage} or a contact's {@code lifecyclestage} had is a
 * change at its timestamp, with the {@code amount} (deals) and {@code hubspot_owner_id} in force then; lead ids as
 * the webhooks' ({@code hubspot:deal:<id>}, {@code hubspot:<id>}). The currency is the deal's
 * {@code deal_currency_code}, else {@code l2r.webhooks.hubspot.currency}, as for webhooks.
 */
final class HubSpotHistory implements HistoryReader {

    /** HubSpot lists at most 50 objects a page when property history is asked for. */
    static final int LIMIT = 50;
    static final String DEALS = "deals";
    static final String CONTACTS = "contacts";

    private final CrmHttp http;
    private final String baseUrl;
    private final String token;
    private final HistoryChanges changes;

    HubSpotHistory(CrmHttp http, String baseUrl, String token, WebhookSupport support) {
        this.http = http;
        this.baseUrl = CrmSettings.stripSlash(baseUrl);
        this.token = token;
        this.changes = new HistoryChanges(support, source());
    }

    @Override
    public String source() {
        return "hubspot";
    }

    @Override
    public String firstPhase() {
        return DEALS;
    }

    @Override
    public Next read(String phase, String cursor, Instant since, WebhookItems items) {
        boolean deals = DEALS.equals(phase);
        String stageProperty = deals ? "dealstage" : "lifecyclestage";
        String history = deals ? "dealstage,amount,hubspot_owner_id" : "lifecyclestage,hubspot_owner_id";
        String url = baseUrl + "/crm/v3/objects/" + phase + "?limit=" + LIMIT + "&archived=false"
                + "&properties=" + enc(deals ? "dealstage,amount,deal_currency_code,hubspot_owner_id"
                : "lifecyclestage,hubspot_owner_id")
                + "&propertiesWithHistory=" + enc(history) + (cursor == null ? "" : "&after=" + query(cursor));
        JsonNode page = http.get(URI.create(url), Map.of("Authorization", "Bearer " + token));
        JsonNode results = page.path("results");
        for (int i = 0; i < results.size(); i++) {
            try {
                object(results.get(i), "results[" + i + "]", deals, stageProperty, since, items);
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
        String after = page.path("paging").path("next").path("after").asText(null);
        if (after != null && !after.isBlank()) {
            return new Next(results.size(), phase, after);
        }
        return deals ? new Next(results.size(), CONTACTS, null) : Next.done(results.size());
    }

    private void object(JsonNode object, String at, boolean deal, String stageProperty, Instant since,
                        WebhookItems items) {
        String id = WebhookFields.nonBlank(object, "id", at + ".id");
        if (id == null) {
            items.refuse(dev.l2r.lead.intake.Reason.MISSING_ID, at + ".id", "is required");
            return;
        }
        JsonNode histories = object.path("propertiesWithHistory");
        String leadId = changes.leadId(deal ? "deal:" + id : id, at + ".id");
        HistoryChanges.Timeline<String> owners = timeline(histories, "hubspot_owner_id", at);
        HistoryChanges.Timeline<String> amounts = deal ? timeline(histories, "amount", at) : null;
        String currencyPath = at + ".properties.deal_currency_code";
        String currency = deal ? WebhookFields.nonBlank(object.path("properties"), "deal_currency_code", currencyPath)
                : null;
        if (currency == null) {
            currency = changes.setting("currency").orElse(null);
            currencyPath = "l2r.webhooks.hubspot.currency";
        }
        List<Value> stages = values(histories, stageProperty, at);
        for (Value v : stages) {
            if (v.value() == null || (since != null && v.at().isBefore(since))) {
                continue;
            }
            WebhookSupport.Money money = null;
            if (deal) {
                String amount = amounts.at(v.at());
                try {
                    money = amount == null ? null : changes.money(new BigDecimal(amount), v.path(), currency,
                            currencyPath);
                } catch (NumberFormatException e) {
                    money = null; // an amount HubSpot holds as text that is no number: the change goes without it
                } catch (RejectedInput e) {
                    items.refuse(e); // the amount is refused on its own; the stage change goes without it
                    money = null;
                }
            }
            String sourceEventId = HistoryChanges.sourceEventId(deal ? "deal:" + id : "contact:" + id, stageProperty,
                    Long.toString(v.at().toEpochMilli()), v.value());
            changes.add(items, leadId, stageProperty, v.value(), changes.mapping(stageProperty, v.value()), v.at(),
                    sourceEventId, money, owners.at(v.at()), v.path(), StageChange.Mode.RECORD);
        }
    }

    /** One value of a property's history and where it is in the page. */
    private record Value(String value, Instant at, String path) {
    }

    /** A property's history, oldest first (HubSpot lists it newest first); blank values as null (cleared). */
    private static List<Value> values(JsonNode histories, String property, String at) {
        JsonNode list = histories.path(property);
        List<Value> values = new ArrayList<>();
        for (int j = 0; j < list.size(); j++) {
            String path = at + ".propertiesWithHistory." + property + "[" + j + "]";
            JsonNode entry = list.get(j);
            String value = WebhookFields.nonBlank(entry, "value", path + ".value");
            String time = WebhookFields.nonBlank(entry, "timestamp", path + ".timestamp");
            if (time == null) {
                throw RejectedInput.badRequest(dev.l2r.lead.intake.Reason.INVALID_TIME, path + ".timestamp",
                        "is required");
            }
            Instant when;
            try {
                when = Instant.parse(time);
            } catch (DateTimeParseException e) {
                throw RejectedInput.badRequest(dev.l2r.lead.intake.Reason.INVALID_TIME, path + ".timestamp",
                        "must be an ISO-8601 instant");
            }
            values.add(new Value(value == null ? null : value.strip(), when, path + ".value"));
        }
        values.sort(Comparator.comparing(Value::at));
        return values;
    }

    private static HistoryChanges.Timeline<String> timeline(JsonNode histories, String property, String at) {
        HistoryChanges.Timeline<String> timeline = new HistoryChanges.Timeline<>(null);
        for (Value v : values(histories, property, at)) {
            timeline.add(v.at(), v.value());
        }
        return timeline;
    }

    /** HubSpot's {@code after} as given when it is query-safe already (its examples show it URL-encoded). */
    static String query(String after) {
        return after.matches("[A-Za-z0-9%._~-]+") ? after : enc(after);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
