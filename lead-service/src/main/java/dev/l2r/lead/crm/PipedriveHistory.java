package dev.l2r.lead.crm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.webhook.WebhookFields;
import dev.l2r.lead.webhook.WebhookItems;
import dev.l2r.lead.webhook.WebhookSupport;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pipedrive: the deals ({@code GET /api/v2/deals}, paged by {@code cursor} / {@code additional_data.next_cursor}) and
 * each deal's flow ({@code GET /v1/deals/{id}/flow}, paged by {@code start} / {@code additional_data.pagination}),
 * whose {@code dealChange} entries log every change of a field with its old and new value and {@code log_time}
 * (UTC). The deal's history is replayed from its {@code add_time}: the stage it was added in (the first
 * {@code stage_id} change's old value, else its stage now), then each change of {@code stage_id} or {@code status}
 * is a move to where the deal then is, read as the webhooks read a deal (its status when that is mapped to a stage,
 * won or lost; else its stage id; deleted: the lost stage), with the {@code value} and owner ({@code user_id}) in
 * force then and the deal's {@code currency}. Lead ids as the webhooks' ({@code pipedrive:deal:<id>}). A page is a
 * page of deals, with every flow of its deals.
 */
final class PipedriveHistory implements HistoryReader {

    static final int LIMIT = 100;
    static final String DEALS = "deals";
    static final String DELETED = "deleted";
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final CrmHttp http;
    private final String baseUrl;
    private final String token;
    private final HistoryChanges changes;
    private final WebhookSupport support;

    PipedriveHistory(CrmHttp http, String baseUrl, String token, WebhookSupport support) {
        this.http = http;
        this.baseUrl = CrmSettings.stripSlash(baseUrl);
        this.token = token;
        this.support = support;
        this.changes = new HistoryChanges(support, source());
    }

    @Override
    public String source() {
        return "pipedrive";
    }

    @Override
    public String firstPhase() {
        return DEALS;
    }

    private Map<String, String> headers() {
        return Map.of("x-api-token", token);
    }

    @Override
    public Next read(String phase, String cursor, Instant since, WebhookItems items) {
        String url = baseUrl + "/api/v2/deals?limit=" + LIMIT
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        JsonNode page = http.get(URI.create(url), headers());
        JsonNode deals = page.path("data");
        for (int i = 0; i < deals.size(); i++) {
            try {
                deal(deals.get(i), "data[" + i + "]", since, items);
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
        String next = page.path("additional_data").path("next_cursor").asText(null);
        return next == null || next.isBlank() || "null".equals(next) ? Next.done(deals.size())
                : new Next(deals.size(), phase, next);
    }

    /** One logged change of a deal's field. */
    private record Change(String id, String field, String oldValue, String newValue, Instant at, String path) {
    }

    private void deal(JsonNode deal, String at, Instant since, WebhookItems items) {
        String id = WebhookFields.nonBlank(deal, "id", at + ".id");
        if (id == null || !id.matches("\\d{1,18}")) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, at + ".id", "is required (a number)");
        }
        List<Change> flow = flow(id);
        String leadId = changes.leadId("deal:" + id, at + ".id");
        String currency = WebhookFields.nonBlank(deal, "currency", at + ".currency");
        Instant added = time(WebhookFields.nonBlank(deal, "add_time", at + ".add_time"), at + ".add_time");

        // the state the deal was added in: each field's first old value, else its value now
        String stageId = initial(flow, "stage_id", WebhookFields.nonBlank(deal, "stage_id", at + ".stage_id"));
        String status = initial(flow, "status", WebhookFields.nonBlank(deal, "status", at + ".status"));
        HistoryChanges.Timeline<String> values = timeline(flow, "value",
                WebhookFields.nonBlank(deal, "value", at + ".value"));
        HistoryChanges.Timeline<String> owners = timeline(flow, "user_id",
                WebhookFields.nonBlank(deal, "owner_id", at + ".owner_id"));

        record Moment(Instant at, String sourceEventId, String path) {
        }
        List<Moment> moments = new ArrayList<>();
        moments.add(new Moment(added, HistoryChanges.sourceEventId("deal", id, "added"), at + ".add_time"));
        List<String[]> states = new ArrayList<>();
        states.add(new String[] {stageId, status});
        for (Change c : flow) {
            if (c.field().equals("stage_id")) {
                stageId = c.newValue();
            } else if (c.field().equals("status")) {
                status = c.newValue();
            } else {
                continue;
            }
            moments.add(new Moment(c.at(), HistoryChanges.sourceEventId("deal", id, c.id()), c.path()));
            states.add(new String[] {stageId, status});
        }
        for (int k = 0; k < moments.size(); k++) {
            Moment m = moments.get(k);
            if (since != null && m.at().isBefore(since)) {
                continue;
            }
            Target target = target(states.get(k)[0], states.get(k)[1], m.path());
            if (target == null) {
                items.ignore(); // neither a status nor a stage: nothing about the funnel
                continue;
            }
            WebhookSupport.Money money = null;
            String value = values.at(m.at());
            try {
                money = value == null ? null : changes.money(new BigDecimal(value), m.path(), currency,
                        at + ".currency");
            } catch (NumberFormatException e) {
                money = null;
            } catch (RejectedInput e) {
                items.refuse(e); // the amount alone is refused; the stage change goes without it
            }
            changes.add(items, leadId, target.field(), target.value(), target.mapping(), m.at(), m.sourceEventId(),
                    money, owners.at(m.at()), target.path(), StageChange.Mode.RECORD);
        }
    }

    /** Where a deal in this state is, as the webhooks read it; null when nothing says. */
    private record Target(String field, String value, Optional<SourceMapping> mapping, String path) {
    }

    private Target target(String stageId, String status, String path) {
        if (status != null && DELETED.equals(status)) {
            Optional<SourceMapping> explicit = changes.mapping("status", DELETED).filter(m -> m.stage() != null);
            Optional<SourceMapping> mapping = explicit.or(() -> support.lostStage()
                    .map(lost -> new SourceMapping(source(), "status", DELETED, lost)));
            return new Target("status", DELETED, mapping, path);
        }
        if (status != null) {
            Optional<SourceMapping> byStatus = changes.mapping("status", status);
            if (byStatus.isEmpty() || byStatus.get().stage() != null) {
                return new Target("status", status, byStatus, path);
            }
        }
        if (stageId == null) {
            return null;
        }
        return new Target("stage_id", stageId, changes.mapping("stage_id", stageId), path);
    }

    /** Every {@code dealChange} of a deal's flow, oldest first. */
    private List<Change> flow(String dealId) {
        List<Change> all = new ArrayList<>();
        long start = 0;
        while (true) {
            JsonNode page = http.get(URI.create(baseUrl + "/v1/deals/" + dealId + "/flow?start=" + start + "&limit="
                    + LIMIT), headers());
            JsonNode data = page.path("data");
            for (int i = 0; i < data.size(); i++) {
                JsonNode item = data.get(i);
                if (!"dealChange".equals(item.path("object").asText())) {
                    continue;
                }
                String path = "deals/" + dealId + "/flow[" + (start + i) + "].data";
                JsonNode d = item.path("data");
                String field = WebhookFields.nonBlank(d, "field_key", path + ".field_key");
                String logTime = WebhookFields.nonBlank(d, "log_time", path + ".log_time");
                if (logTime == null) {
                    logTime = WebhookFields.nonBlank(item, "timestamp", path + ".timestamp");
                }
                String changeId = WebhookFields.nonBlank(d, "id", path + ".id");
                if (field == null || changeId == null) {
                    continue;
                }
                all.add(new Change(changeId, field, WebhookFields.nonBlank(d, "old_value", path + ".old_value"),
                        WebhookFields.nonBlank(d, "new_value", path + ".new_value"), time(logTime, path + ".log_time"),
                        path + ".new_value"));
            }
            JsonNode pagination = page.path("additional_data").path("pagination");
            if (!pagination.path("more_items_in_collection").asBoolean(false)) {
                break;
            }
            long next = pagination.path("next_start").asLong(start + data.size());
            if (next <= start) {
                break;
            }
            start = next;
        }
        all.sort(Comparator.comparing(Change::at).thenComparing(c -> c.id().length()).thenComparing(Change::id));
        return all;
    }

    private static String initial(List<Change> flow, String field, String now) {
        return flow.stream().filter(c -> c.field().equals(field)).findFirst().map(Change::oldValue).orElse(now);
    }

    private static HistoryChanges.Timeline<String> timeline(List<Change> flow, String field, String now) {
        HistoryChanges.Timeline<String> timeline = new HistoryChanges.Timeline<>(initial(flow, field, now));
        flow.stream().filter(c -> c.field().equals(field)).forEach(c -> timeline.add(c.at(), c.newValue()));
        return timeline;
    }

    /** Pipedrive's times: {@code 2024-01-05 10:00:00} (UTC) in v1, ISO-8601 in v2. */
    static Instant time(String value, String path) {
        if (value == null) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, path, "is required");
        }
        try {
            if (value.contains("T")) {
                return Instant.parse(value);
            }
            return LocalDateTime.parse(value, LOG_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw RejectedInput.badRequest(Reason.INVALID_TIME, path, "must be a Pipedrive time (UTC)");
        }
    }
}
