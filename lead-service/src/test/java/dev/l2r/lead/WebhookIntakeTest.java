package dev.l2r.lead;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Every webhook source end to end: signed deliveries, forgeries, replays, duplicates, unmapped values. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class WebhookIntakeTest {

    @InjectLocalInfra
    LocalInfra infra;

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    static final Instant T = Instant.now().minus(10, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

    static byte[] hmac(String algorithm, String secret, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ValidatableResponse post(String source, String body, Map<String, String> headers) {
        return given().contentType("application/json").headers(headers)
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/" + source).then();
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> hubspotV1(String body) {
        return Map.of("X-HubSpot-Signature-Version", "v1", "X-HubSpot-Signature", sha256Hex("test-hubspot-secret" + body));
    }

    static String hubspotEvent(long objectId, String value, Instant at, int eventId) {
        return """
                {"eventId":%d,"subscriptionId":1,"portalId":62515,"occurredAt":%d,"subscriptionType":"contact.propertyChange",
                 "attemptNumber":0,"objectId":%d,"propertyName":"lifecyclestage","propertyValue":"%s","changeSource":"CRM"}"""
                .formatted(eventId, at.toEpochMilli(), objectId, value);
    }

    @Test
    void hubspotLifecycleChangesAreRecordedWithFromStageFromHistoryAndRetriesAreDuplicates() {
        long contact = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        String lead = "hubspot:" + contact;
        String first = "[" + hubspotEvent(contact, "marketingqualifiedlead", T, 7) + ","
                + hubspotEvent(contact, "other", T.plusSeconds(5), 7) + ","
                + "{\"subscriptionType\":\"contact.creation\",\"objectId\":" + contact + ",\"occurredAt\":1}]";
        int delivery = post("hubspot", first, hubspotV1(first)).statusCode(200)
                .body("recorded", equalTo(1)).body("ignored", equalTo(2)).body("deliveryId", notNullValue())
                .extract().path("deliveryId");
        // the same eventId again (HubSpot reuses them) but a new change: recorded, from the stage L2R holds
        String second = "[" + hubspotEvent(contact, "opportunity", T.plusSeconds(3600), 7) + "]";
        post("hubspot", second, hubspotV1(second)).statusCode(200).body("recorded", equalTo(1));
        given().get("/api/leads/{id}", lead).then()
                .body("currentStage", equalTo("OPPORTUNITY"))
                .body("history[1].fromStage", equalTo("MQL"))
                .body("history[1].kind", equalTo("SKIP"))
                .body("history[1].rawStage", equalTo("opportunity"))
                .body("history[0].deliveryId", equalTo(delivery));
        // HubSpot retries the first delivery: nothing new
        post("hubspot", first, hubspotV1(first)).statusCode(200)
                .body("recorded", equalTo(0)).body("duplicates", equalTo(1)).body("deliveryId", equalTo(delivery));
        given().get("/api/leads/{id}", lead).then().body("history.size()", equalTo(2));
    }

    @Test
    void hubspotForgeriesAndStaleTimestampsChangeNothingAndUnmappedValuesAreParked() {
        long contact = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        String body = "[" + hubspotEvent(contact, "salesqualifiedlead", T, 1) + "]";
        List<String> series = List.of("l2r_intake_rejected_total{reason=\"bad_signature\",source=\"hubspot\"}",
                "l2r_intake_rejected_total{reason=\"stale_timestamp\",source=\"hubspot\"}",
                "l2r_intake_parked_total{source=\"hubspot\"}");
        List<Double> before = series.stream().map(this::metric).toList();
        post("hubspot", body, Map.of("X-HubSpot-Signature-Version", "v1",
                "X-HubSpot-Signature", sha256Hex("wrong-secret" + body))).statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
        post("hubspot", body, Map.of()).statusCode(401);
        String stale = String.valueOf(Instant.now().minusSeconds(600).toEpochMilli());
        String uri = "http://localhost:" + io.restassured.RestAssured.port + "/api/webhooks/hubspot";
        post("hubspot", body, Map.of("X-HubSpot-Request-Timestamp", stale, "X-HubSpot-Signature-v3",
                Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-hubspot-secret", "POST" + uri + body + stale))))
                .statusCode(401).body("detail", org.hamcrest.Matchers.containsString("minutes"));
        String now = String.valueOf(Instant.now().toEpochMilli());
        String unmapped = "[" + hubspotEvent(contact, "prospect-ish", T, 2) + "]";
        post("hubspot", unmapped, Map.of("X-HubSpot-Request-Timestamp", now, "X-HubSpot-Signature-v3",
                Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-hubspot-secret", "POST" + uri + unmapped + now))))
                // authentic, but a value no mapping knows: parked, never refused (HubSpot does not retry a 4xx)
                .statusCode(200).body("parked", equalTo(1)).body("rejectedCount", equalTo(0));
        given().get("/api/leads/{id}", "hubspot:" + contact).then().statusCode(404);
        // counted as they happened: two forgeries (a wrong signature, none at all), one stale, one item parked
        List<Double> moved = new java.util.ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            moved.add(metric(series.get(i)) - before.get(i));
        }
        assertThat(moved).as(String.join(", ", series)).containsExactly(2.0, 1.0, 1.0);
    }

    /** The value of one series (name and labels as Prometheus writes them), 0 before it exists. */
    private double metric(String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series)
                + " ([0-9.eE+-]+)").matcher(given().get(metrics).asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static Map<String, String> mauticSigned(String body) {
        return Map.of("Webhook-Signature", Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-mautic-secret", body)));
    }

    @Test
    void mauticStagesAndPointsAreComparedWithWhatL2RHolds() {
        int id = Math.abs(UUID.randomUUID().hashCode());
        String created = """
                {"mautic.lead_post_save_new":[{"contact":{"id":%d,"points":0,"fields":{"core":{"email":{"value":"a@b.c"}}}},
                 "timestamp":"%s"}]}""".formatted(id, T);
        post("mautic", created, mauticSigned(created)).statusCode(200).body("recorded", equalTo(1));
        String points = """
                {"mautic.lead_points_change":[{"contact":{"id":%d,"points":120},"points":{"old_points":90,"new_points":120},
                 "timestamp":"%s"}]}""".formatted(id, T.plusSeconds(60));
        post("mautic", points, mauticSigned(points)).statusCode(200).body("recorded", equalTo(1));
        String stage = """
                {"mautic.lead_post_save_update":[{"contact":{"id":%d,"points":130,"stage":{"id":3,"name":"Sales Qualified Lead"}},
                 "timestamp":"%s"}]}""".formatted(id, T.plusSeconds(120));
        post("mautic", stage, mauticSigned(stage)).statusCode(200).body("recorded", equalTo(1));
        // a later save reporting the same stage and points again: no change
        String again = stage.replace(T.plusSeconds(120).toString(), T.plusSeconds(180).toString());
        post("mautic", again, mauticSigned(again)).statusCode(200).body("recorded", equalTo(0)).body("unchanged", equalTo(2));
        given().get("/api/leads/{id}", "mautic:" + id).then()
                .body("history.toStage", equalTo(List.of("KNOWN", "MQL", "SQL")))
                .body("currentStage", equalTo("SQL"));
        post("mautic", again, Map.of("Webhook-Signature", "AAAA")).statusCode(401);
    }

    static Map<String, String> segmentSigned(String body) {
        return Map.of("X-Signature", HexFormat.of().formatHex(hmac("HmacSHA1", "test-segment-secret", body)));
    }

    @Test
    void segmentAnonymousThenIdentifiedThenTraitStageWithMessageIdIdempotency() {
        String anon = "anon-" + UUID.randomUUID();
        String page = """
                {"type":"page","messageId":"m1-%1$s","anonymousId":"%1$s","timestamp":"%2$s",
                 "context":{"campaign":{"name":"spring","medium":"cpc"}}}""".formatted(anon, T);
        post("segment", page, segmentSigned(page)).statusCode(200).body("recorded", equalTo(1));
        post("segment", page, segmentSigned(page)).statusCode(200).body("duplicates", equalTo(1));
        given().get("/api/leads/{id}", "segment:" + anon).then().body("currentStage", equalTo("ANONYMOUS"))
                .body("firstTouchChannel", equalTo("cpc")).body("attributes.campaign", equalTo("spring"));

        String user = "user-" + UUID.randomUUID();
        String batch = """
                {"batch":[
                 {"type":"identify","messageId":"m2-%1$s","userId":"%1$s","traits":{"email":"x@y.z"},"timestamp":"%2$s"},
                 {"type":"track","messageId":"m3-%1$s","userId":"%1$s","event":"Demo Requested","timestamp":"%3$s"},
                 {"type":"track","messageId":"m4-%1$s","userId":"%1$s","event":"Page Scrolled","timestamp":"%3$s"},
                 {"type":"identify","messageId":"m5-%1$s","userId":"%1$s","traits":{"lifecycle_stage":"opportunity"},"timestamp":"%4$s"},
                 {"type":"identify","messageId":"m6-%1$s","userId":"%1$s","traits":{"lifecycle_stage":"unheard-of"},"timestamp":"%4$s"},
                 {"type":"track","messageId":"m7","event":"Signed Up","timestamp":"%4$s"}]}"""
                .formatted(user, T, T.plusSeconds(60), T.plusSeconds(120));
        post("segment", batch, segmentSigned(batch)).statusCode(200)
                .body("recorded", equalTo(3)).body("ignored", equalTo(1)).body("rejectedCount", equalTo(1))
                // batch[4]'s lifecycle value is unmapped: parked, not refused
                .body("parked", equalTo(1)).body("rejected.field", equalTo(List.of("batch[5].userId")));
        given().get("/api/leads/{id}", "segment:" + user).then()
                .body("history.toStage", equalTo(List.of("KNOWN", "MQL", "OPPORTUNITY")));
    }

    static Map<String, String> pipedriveAuth(String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString(("l2r:" + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void pipedriveDealsMoveByStageAndCloseByStatusWithTheirValue() {
        int deal = Math.abs(UUID.randomUUID().hashCode());
        String created = """
                {"meta":{"action":"create","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"open","stage_id":1,"value":5000,"currency":"EUR","owner_id":42},"previous":null}"""
                .formatted(deal, T.getEpochSecond());
        post("pipedrive", created, pipedriveAuth("test-pipedrive-password")).statusCode(200).body("recorded", equalTo(1));
        String moved = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":"%s","version":"2.0"},
                 "data":{"id":%1$d,"status":"open","stage_id":4,"value":5000,"currency":"EUR"},"previous":{"stage_id":1}}"""
                .formatted(deal, T.plusSeconds(86_400));
        post("pipedrive", moved, pipedriveAuth("test-pipedrive-password")).statusCode(200).body("recorded", equalTo(1));
        String renamed = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"open","stage_id":4,"title":"new"},"previous":{"title":"old"}}"""
                .formatted(deal, T.plusSeconds(90_000).getEpochSecond());
        post("pipedrive", renamed, pipedriveAuth("test-pipedrive-password")).statusCode(200)
                .body("recorded", equalTo(0)).body("ignored", equalTo(1));
        String won = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"won","stage_id":4,"value":6200.5,"currency":"EUR"},"previous":{"status":"open"}}"""
                .formatted(deal, T.plusSeconds(2 * 86_400).getEpochSecond());
        post("pipedrive", won, pipedriveAuth("wrong")).statusCode(401);
        post("pipedrive", won, pipedriveAuth("test-pipedrive-password")).statusCode(200).body("recorded", equalTo(1));
        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then()
                .body("history.toStage", equalTo(List.of("SAL", "OPPORTUNITY", "CLOSED_WON")))
                .body("history[2].amount", equalTo(6200.5f))
                .body("history[2].rawStage", equalTo("won"))
                .body("attributes.owner", equalTo("42"));
    }

    @Test
    void genericTakesL2RsOwnBodySignedWithHmac() {
        String lead = "generic-" + UUID.randomUUID();
        String body = """
                {"leadId":"%s","toStage":"SQL","occurredAt":"%s","source":"marketo","sourceEventId":"mk-1",
                 "attributes":{"channel":"email"}}""".formatted(lead, T);
        Map<String, String> signed = Map.of("X-L2R-Signature",
                Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-generic-secret", body)));
        post("generic", body, signed).statusCode(200).body("recorded", equalTo(1));
        post("generic", body, signed).statusCode(200).body("duplicates", equalTo(1));
        post("generic", body.replace("SQL", "MQL"), signed).statusCode(401);
        String bad = body.replace("SQL", "PROSPECT");
        post("generic", bad, Map.of("X-L2R-Signature",
                Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-generic-secret", bad))))
                .statusCode(400).body("field", equalTo("toStage"));
        post("generic", "{not json", Map.of("X-L2R-Signature",
                Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-generic-secret", "{not json"))))
                .statusCode(400).body("field", equalTo("body"));
        post("nosuchtool", body, signed).statusCode(404).contentType("application/problem+json");
        given().get("/api/leads/{id}", lead).then().body("history.size()", equalTo(1))
                .body("history[0].source", equalTo("marketo"));
    }

    static String v3(String url, String body, String timestamp) {
        return Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-hubspot-secret",
                "POST" + url + body + timestamp));
    }

    static long newContact() {
        return Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    }

    @Test
    void hubspotSignaturesOverThePublicUrlVerifyBehindATlsTerminatingProxy() {
        // HubSpot called https://public.example.com/...; the proxy terminated TLS and called us over http
        String url = "https://public.example.com/api/webhooks/hubspot";
        long contact = newContact();
        String body = "[" + hubspotEvent(contact, "marketingqualifiedlead", T, 1) + "]";
        String now = String.valueOf(Instant.now().toEpochMilli());
        Map<String, String> signed = Map.of("X-HubSpot-Request-Timestamp", now,
                "X-HubSpot-Signature-v3", v3(url, body, now));
        // without the proxy's headers the service sees another URL, so the signature cannot verify
        post("hubspot", body, signed).statusCode(401);
        Map<String, String> forwarded = new HashMap<>(signed);
        forwarded.putAll(Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "public.example.com",
                "X-Forwarded-For", "203.0.113.7"));
        post("hubspot", body, forwarded).statusCode(200).body("recorded", equalTo(1));

        // the standard Forwarded header, and v2, which signs the URL as well
        String second = "[" + hubspotEvent(contact, "salesqualifiedlead", T.plusSeconds(60), 2) + "]";
        post("hubspot", second, Map.of("Forwarded", "for=203.0.113.7;proto=https;host=public.example.com",
                "X-HubSpot-Signature-Version", "v2",
                "X-HubSpot-Signature", sha256Hex("test-hubspot-secret" + "POST" + url + second)))
                .statusCode(200).body("recorded", equalTo(1));

        // an ingress that strips a path prefix says so in X-Forwarded-Prefix; HubSpot signed the full path
        String prefixed = "https://public.example.com/l2r/api/webhooks/hubspot";
        String third = "[" + hubspotEvent(contact, "opportunity", T.plusSeconds(120), 3) + "]";
        post("hubspot", third, Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "public.example.com",
                "X-Forwarded-Prefix", "/l2r", "X-HubSpot-Request-Timestamp", now,
                "X-HubSpot-Signature-v3", v3(prefixed, third, now))).statusCode(200).body("recorded", equalTo(1));
        given().get("/api/leads/{id}", "hubspot:" + contact).then()
                .body("history.toStage", equalTo(List.of("MQL", "SQL", "OPPORTUNITY")));
    }

    @Test
    void hubspotV3TimestampsFromTheFutureAreReplaysToo() {
        String body = "[" + hubspotEvent(newContact(), "marketingqualifiedlead", T, 1) + "]";
        String uri = "http://localhost:" + io.restassured.RestAssured.port + "/api/webhooks/hubspot";
        String ahead = String.valueOf(Instant.now().plusSeconds(600).toEpochMilli());
        post("hubspot", body, Map.of("X-HubSpot-Request-Timestamp", ahead, "X-HubSpot-Signature-v3",
                v3(uri, body, ahead))).statusCode(401).body("detail", containsString("in the future"));
    }

    /** A delivery to send twice: where it goes, what it says, how it is signed, the leads it moves. */
    record Delivery(String source, String body, Map<String, String> headers, List<String> leads) {
    }

    static Delivery genericDelivery(String lead, String sourceEventId) {
        String body = """
                {"leadId":"%s","toStage":"SQL","occurredAt":"%s","source":"zapier"%s}"""
                .formatted(lead, T, sourceEventId == null ? "" : ",\"sourceEventId\":\"" + sourceEventId + "\"");
        return new Delivery("generic", body, Map.of("X-L2R-Signature",
                Base64.getEncoder().encodeToString(hmac("HmacSHA256", "test-generic-secret", body))), List.of(lead));
    }

    @Test
    void aReplayedDeliveryOfASenderThatSignsNoTimestampChangesNothing() {
        String u = UUID.randomUUID().toString().substring(0, 8);
        long contact = newContact();
        String hubspot = "[" + hubspotEvent(contact, "marketingqualifiedlead", T, 1) + ","
                + hubspotEvent(contact, "opportunity", T.plusSeconds(60), 1) + "]";
        int mauticId = Math.abs(UUID.randomUUID().hashCode());
        String mautic = """
                {"mautic.lead_post_save_new":[{"contact":{"id":%d,"points":120,"fields":{"core":{"email":{"value":"a@b.c"}}},
                  "stage":{"id":3,"name":"Sales Qualified Lead"}},"timestamp":"%s"}]}""".formatted(mauticId, T);
        String segment = """
                {"batch":[{"type":"identify","messageId":"r1-%1$s","userId":"replay-%1$s","traits":{"email":"x@y.z"},
                  "timestamp":"%2$s"},
                 {"type":"track","messageId":"r2-%1$s","userId":"replay-%1$s","event":"Demo Requested","timestamp":"%3$s"}]}"""
                .formatted(u, T, T.plusSeconds(60));
        int deal = Math.abs(UUID.randomUUID().hashCode());
        String pipedrive = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"won","stage_id":4,"value":990.5,"currency":"EUR"},"previous":{"status":"open"}}"""
                .formatted(deal, T.getEpochSecond());
        List<Delivery> deliveries = List.of(
                new Delivery("hubspot", hubspot, hubspotV1(hubspot), List.of("hubspot:" + contact)),
                new Delivery("mautic", mautic, mauticSigned(mautic), List.of("mautic:" + mauticId)),
                new Delivery("segment", segment, segmentSigned(segment), List.of("segment:replay-" + u)),
                new Delivery("pipedrive", pipedrive, pipedriveAuth("test-pipedrive-password"),
                        List.of("pipedrive:deal:" + deal)),
                genericDelivery("replay-generic-" + u, "zap-" + u),
                // without the sender's own id the signed body is the delivery's id
                genericDelivery("replay-generic-noid-" + u, null));

        Map<Delivery, JsonPath> first = new LinkedHashMap<>();
        Map<String, Integer> historyAfterFirst = new HashMap<>();
        for (Delivery d : deliveries) {
            JsonPath report = post(d.source(), d.body(), d.headers()).statusCode(200).extract().jsonPath();
            assertThat(report.getInt("recorded")).as("%s records", d.source()).isPositive();
            first.put(d, report);
            for (String lead : d.leads()) {
                historyAfterFirst.put(lead, given().get("/api/leads/{id}", lead).then().statusCode(200)
                        .extract().jsonPath().getList("history").size());
            }
        }
        Map<String, Long> publishedAfterFirst = awaitPublished(historyAfterFirst);

        for (Delivery d : deliveries) {
            JsonPath again = post(d.source(), d.body(), d.headers()).statusCode(200).extract().jsonPath();
            JsonPath before = first.get(d);
            assertThat(again.getInt("recorded")).as("%s replay records", d.source()).isZero();
            assertThat(again.getInt("duplicates")).as("%s replay duplicates", d.source())
                    .isEqualTo(before.getInt("recorded") + before.getInt("duplicates"));
            assertThat(again.getInt("unchanged")).isEqualTo(before.getInt("unchanged"));
            // accepted counts what was recorded or unchanged; a duplicate is neither
            assertThat(again.getInt("accepted")).isEqualTo(before.getInt("unchanged"));
            assertThat(again.getInt("rejectedCount")).isEqualTo(before.getInt("rejectedCount"));
            assertThat(again.getLong("deliveryId")).as("the same stored delivery").isEqualTo(before.getLong("deliveryId"));
            for (String lead : d.leads()) {
                assertThat(given().get("/api/leads/{id}", lead).then().extract().jsonPath().getList("history"))
                        .as("%s history after the replay", lead).hasSize(historyAfterFirst.get(lead));
            }
        }
        // a change after the replays, published after anything they could have written to the outbox
        String fence = "replay-fence-" + u;
        given().contentType("application/json").body("""
                {"toStage":"MQL","occurredAt":"%s","source":"api"}""".formatted(T))
                .post("/api/leads/{id}/transitions", fence).then().statusCode(201);
        Map<String, Integer> withFence = new HashMap<>(historyAfterFirst);
        withFence.put(fence, 1);
        Map<String, Long> publishedAfterReplay = awaitPublished(withFence);
        publishedAfterReplay.remove(fence);
        assertThat(publishedAfterReplay).as("events on the topic after the replays").isEqualTo(publishedAfterFirst);
    }

    /** Waits until the topic holds as many events for each lead as its history has rows, and answers the counts. */
    Map<String, Long> awaitPublished(Map<String, Integer> expected) {
        Map<String, Long> published = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Long> counts = TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC)
                    .stream().map(ConsumerRecord::key).filter(expected::containsKey)
                    .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
            expected.forEach((lead, rows) -> assertThat(counts.get(lead)).as("%s published", lead)
                    .isEqualTo(rows.longValue()));
            published.clear();
            published.putAll(counts);
        });
        return published;
    }

    @Test
    void amountsAndValuesOutOfRangeAreRefusedNamingTheirFieldNeverA500() {
        int deal = Math.abs(UUID.randomUUID().hashCode());
        String template = """
                {"meta":{"action":"change","entity":"deal","entity_id":"%d","timestamp":%d,"version":"2.0"},
                 "data":{"id":%1$d,"status":"won","stage_id":4,"value":VALUE,"currency":CURRENCY},"previous":{"status":"open"}}"""
                .formatted(deal, T.getEpochSecond());
        Map<String, String> auth = pipedriveAuth("test-pipedrive-password");
        Map<String, String> fieldOf = new LinkedHashMap<>();
        fieldOf.put(template.replace("VALUE", "1000000000000000").replace("CURRENCY", "\"EUR\""), "data.value");
        fieldOf.put(template.replace("VALUE", "1e400").replace("CURRENCY", "\"EUR\""), "data.value");
        fieldOf.put(template.replace("VALUE", "12.34567").replace("CURRENCY", "\"EUR\""), "data.value");
        fieldOf.put(template.replace("VALUE", "-5").replace("CURRENCY", "\"EUR\""), "data.value");
        fieldOf.put(template.replace("VALUE", "\"NaN\"").replace("CURRENCY", "\"EUR\""), "data.value");
        fieldOf.put(template.replace("VALUE", "{\"amount\":5}").replace("CURRENCY", "\"EUR\""), "data.value");
        fieldOf.put(template.replace("VALUE", "5000").replace("CURRENCY", "\"EURO\""), "data.currency");
        fieldOf.put(template.replace("VALUE", "5000").replace("CURRENCY", "{\"code\":\"EUR\"}"), "data.currency");
        fieldOf.put(template.replace("VALUE", "5000").replace("CURRENCY", "\"EUR\"")
                .replace("\"stage_id\":4", "\"stage_id\":4,\"owner_id\":\"x\\u0000y\""), "data.owner_id");
        fieldOf.put(template.replace("VALUE", "5000").replace("CURRENCY", "\"EUR\"")
                .replace("\"status\":\"won\"", "\"status\":\"" + "w".repeat(5000) + "\""), "data.status");
        fieldOf.forEach((body, field) -> post("pipedrive", body, auth).statusCode(400)
                .contentType("application/problem+json").body("field", equalTo(field)));
        given().get("/api/leads/{id}", "pipedrive:deal:" + deal).then().statusCode(404);

        // the largest amount REST takes is taken here too, to the cent
        post("pipedrive", template.replace("VALUE", "999999999999999.9999").replace("CURRENCY", "\"EUR\""), auth)
                .statusCode(200).body("recorded", equalTo(1));
        assertThat(given().config(io.restassured.RestAssured.config().jsonConfig(io.restassured.config.JsonConfig
                        .jsonConfig().numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.BIG_DECIMAL)))
                .get("/api/leads/{id}", "pipedrive:deal:" + deal).then().extract().jsonPath()
                .getObject("history[0].amount", java.math.BigDecimal.class))
                .isEqualByComparingTo("999999999999999.9999");

        // one bad item of a batch is refused on its own; the others are recorded
        long contact = newContact();
        String batch = "[" + hubspotEvent(contact, "marketingqualifiedlead", T, 1) + ","
                + hubspotEvent(contact, "opportunity", T.plusSeconds(5), 2)
                .replace("\"propertyValue\":\"opportunity\"", "\"propertyValue\":{\"value\":\"opportunity\"}") + ","
                + hubspotEvent(contact, "opportunity", T.plusSeconds(9), 3).replace("\"objectId\":" + contact,
                "\"objectId\":\"" + "9".repeat(300) + "\"") + "]";
        post("hubspot", batch, hubspotV1(batch)).statusCode(200).body("recorded", equalTo(1))
                .body("rejected.field", equalTo(List.of("[1].propertyValue", "[2].objectId")));
        // nesting beyond the parser's limit is a malformed body, not a stack overflow
        String deep = "[".repeat(5000) + "]".repeat(5000);
        post("hubspot", deep, hubspotV1(deep)).statusCode(400).body("field", equalTo("body"));
    }
}
