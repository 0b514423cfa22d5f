package dev.l2r.system;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.ServiceProcess;
import dev.l2r.infra.test.TopicProbe;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 22's "done means", with the three packaged services as processes: a person recorded through a signed
 * Segment webhook carrying their email (as Segment's userId, and in traits) and their name; their personal data read
 * from every service; erased; then the email and the name are in no table of any service's database (every text,
 * jsonb and bytea column of every schema, raw deliveries and dead letters included), in no record of the dead-letter
 * topics and in no log line of any service, while {@code GET /api/funnel} (and the forecast's KPIs) answer the same
 * before, after, and after a funnel rebuild from the topic. A second person, not erased, stays whole.
 *
 * <p>Needs the three parts of the identity/erasure design: lead-service's privacy endpoints (here), the identity
 * registry (an email as Segment userId becomes a random lead id), and the consumers' LeadErased handling and their
 * {@code /api/admin/leads/{leadId}/personal-data}.
 */
class PersonalDataErasureIT {

    static final String SEGMENT_SECRET = "system-test-segment-secret";
    static final String IDENTITY_KEY = "system-test-identity-key-" + UUID.randomUUID();
    static final String FROM = "2015-01-01";
    static final String TO = "2015-12-31";

    static LocalInfra infra;
    static ServiceProcess lead;
    static ServiceProcess funnel;
    static ServiceProcess forecast;

    @BeforeAll
    static void startEverything() throws Exception {
        AsAdmin.everyRequest();
        infra = LocalInfra.startTemporary();
        funnel = start("funnel-service", "l2r_funnel", Map.of());
        forecast = start("forecast-service", "l2r_forecast", Map.of());
        // lead-service asks the consumers for a person's data, where they really run
        lead = start("lead-service", "l2r_lead", Map.of(
                "L2R_WEBHOOKS_SEGMENT_SECRET", SEGMENT_SECRET,
                "L2R_IDENTITY_KEY", IDENTITY_KEY,
                "L2R_FUNNEL_URL", funnel.baseUrl(),
                "L2R_FORECAST_URL", forecast.baseUrl()));
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            s.awaitReady(Duration.ofSeconds(120));
        }
    }

    static ServiceProcess start(String module, String database, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(ServiceProcess.envFor(infra, database));
        env.putAll(extra);
        return ServiceProcess.start(Path.of(System.getProperty("l2r.repo.root", "..")), module, env,
                List.of("-Xmx512m"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            if (s != null) {
                s.stop();
            }
        }
        if (infra != null) {
            infra.close();
        }
    }

    /** Segment's Spec example of an identify (segment.com/docs/connections/spec/identify), for this person. */
    static String identify(String messageId, String email, String name, String timestamp) {
        return """
                {"anonymousId":"507f191e810c19729de860ea","channel":"browser","context":{"ip":"8.8.8.8",\
                "userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_5) AppleWebKit/537.36 (KHTML, like Gecko) \
                Chrome/40.0.2214.115 Safari/537.36"},"integrations":{"All":false,"Mixpanel":true,"Salesforce":true},\
                "messageId":"%s","receivedAt":"%s","sentAt":"%s","timestamp":"%s",\
                "traits":{"name":"%s","email":"%s","plan":"premium","logins":5,"address":{"street":"6th St",\
                "city":"San Francisco","state":"CA","postalCode":"94103","country":"USA"}},\
                "type":"identify","userId":"%s","version":"1.1"}"""
                .formatted(messageId, timestamp, timestamp, timestamp, name, email, email);
    }

    /** Segment's Spec example of an Order Completed track (segment.com/docs/connections/spec/ecommerce/v2). */
    static String orderCompleted(String messageId, String email, String timestamp) {
        return """
                {"anonymousId":"23adfd82-aa0f-45a7-a756-24f2a7a4c895","context":{"library":{"name":"analytics.js",\
                "version":"2.11.1"},"ip":"108.0.78.21"},"event":"Order Completed","integrations":{},\
                "messageId":"%s","properties":{"checkout_id":"fksdjfsdjfisjf9sdfjsd9f",\
                "order_id":"50314b8e9bcf000000000000","affiliation":"Google Store","total":27.5,"subtotal":22.5,\
                "revenue":22.5,"shipping":3,"tax":2,"discount":2.5,"coupon":"hasbros","currency":"USD"},\
                "receivedAt":"%s","sentAt":"%s","timestamp":"%s","type":"track","userId":"%s",\
                "originalTimestamp":"%s"}"""
                .formatted(messageId, timestamp, timestamp, timestamp, email, timestamp);
    }

    /** Delivered as Segment delivers: X-Signature = hex HMAC-SHA1 of the body with the shared secret. */
    static void deliver(String body, int recorded) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SEGMENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        given().baseUri(lead.baseUrl()).contentType("application/json").header("X-Signature", signature)
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/segment")
                .then().statusCode(200).body("recorded", equalTo(recorded));
    }

    record Figures(List<Object> funnelStages, List<Object> wipLeads, String kpis) {
    }

    static Figures figures() {
        List<Object> stages = given().baseUri(funnel.baseUrl()).queryParam("from", FROM).queryParam("to", TO)
                .get("/api/funnel").then().statusCode(200).extract().jsonPath().getList("stages");
        List<Object> wip = given().baseUri(funnel.baseUrl()).get("/api/funnel/wip").then().statusCode(200)
                .extract().jsonPath().getList("stages.leads");
        String kpis = given().baseUri(forecast.baseUrl()).queryParam("from", FROM).queryParam("to", TO)
                .get("/api/forecast/kpis").then().statusCode(200).extract().asString();
        return new Figures(stages, wip, kpis);
    }

    @Test
    void aPersonReadErasedAndFoundNowhereWhileTheFiguresStayTheSame() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String email = "ada.lovelace." + tag + "@example.com";
        String name = "Ada Lovelace " + tag;
        String keptEmail = "grace.hopper." + tag + "@example.com";
        String identifyBody = identify("identify-" + tag, email, name, "2015-02-23T22:28:55.111Z");
        deliver(identifyBody, 1);
        deliver(orderCompleted("order-" + tag, email, "2015-12-12T19:11:01.249Z"), 1);
        // the kept person browsed from a visitor id of her own: the Spec example's would link the two into one lead
        String keptBody = identify("identify-kept-" + tag, keptEmail, "Grace Hopper " + tag, "2015-03-02T10:00:00.000Z")
                .replace("507f191e810c19729de860ea", "visitor-kept-" + tag);
        deliver(keptBody, 1);

        // the lead id the person got, read from lead-service's own rows (whatever the registry made of the email)
        String leadId = leadOfDelivery(identifyBody);
        assertThat(leadId).isNotNull();

        // both consumers have the three changes: 2 KNOWN and one won
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonPath f = given().baseUri(funnel.baseUrl()).queryParam("from", FROM).queryParam("to", TO)
                    .get("/api/funnel").then().statusCode(200).extract().jsonPath();
            assertThat(f.getInt("stages.find { it.stage == 'KNOWN' }.entered")).isEqualTo(2);
            assertThat(f.getInt("stages.find { it.stage == 'CLOSED_WON' }.entered")).isEqualTo(1);
            given().baseUri(forecast.baseUrl()).queryParam("from", FROM).queryParam("to", TO)
                    .get("/api/forecast/kpis").then().statusCode(200).body("won", equalTo(1));
        });
        Figures before = figures();

        // subject access: one document, every service
        JsonPath doc = given().baseUri(lead.baseUrl()).get("/api/leads/{id}/personal-data", leadId).then()
                .statusCode(200).extract().jsonPath();
        assertThat(doc.getList("services.service")).containsExactly("lead-service", "funnel-service",
                "forecast-service");
        assertThat(doc.getList("services[0].holds.stage_transition")).hasSize(2);
        assertThat(doc.getList("services[0].holds.webhook_delivery.body").toString()).contains(email, name);
        assertThat(doc.getMap("services[1].holds")).isNotEmpty();
        assertThat(doc.getMap("services[2].holds")).isNotEmpty();

        given().baseUri(lead.baseUrl()).delete("/api/leads/{id}", leadId).then().statusCode(202)
                .body("removed.lead", equalTo(1)).body("removed.stageTransitions", equalTo(2));
        // the consumers have applied the LeadErased: they hold nothing under the lead any more
        for (ServiceProcess consumer : new ServiceProcess[]{funnel, forecast}) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().baseUri(consumer.baseUrl())
                    .get("/api/admin/leads/{id}/personal-data", leadId).then().statusCode(404));
        }
        given().baseUri(lead.baseUrl()).get("/api/leads/{id}/personal-data", leadId).then().statusCode(404);
        assertThat(figures()).isEqualTo(before);

        // a rebuild replays the topic: the lead's events, then its LeadErased; the same figures
        java.time.Instant asked = java.time.Instant.now().minusSeconds(1);
        given().baseUri(funnel.baseUrl()).post("/api/admin/rebuild").then().statusCode(202);
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            JsonPath rebuild = given().baseUri(funnel.baseUrl()).get("/api/admin/rebuild").then().statusCode(200)
                    .extract().jsonPath();
            assertThat(rebuild.getString("state")).isEqualTo("DONE");
            // this rebuild, not one that ran at start-up
            assertThat(java.time.Instant.parse(rebuild.getString("startedAt"))).isAfter(asked);
        });
        assertThat(figures()).isEqualTo(before);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().baseUri(funnel.baseUrl())
                .get("/api/admin/leads/{id}/personal-data", leadId).then().statusCode(404));

        // found nowhere: databases, dead letters, logs
        for (String value : List.of(email, name, leadId)) {
            assertThat(columnsHolding("l2r_lead", value)).as(value)
                    // the outbox holds events on their way to the topic, under the lead id only
                    .allMatch(c -> !value.equals(leadId) || c.startsWith("public.outbox."));
            assertThat(columnsHolding("l2r_funnel", value)).as(value).isEmpty();
            assertThat(columnsHolding("l2r_forecast", value)).as(value).isEmpty();
        }
        for (String topic : List.of("lead-stage-changed-dlq-funnel", "lead-stage-changed-dlq-forecast")) {
            for (ConsumerRecord<String, String> r : TopicProbe.readAll(infra.kafka().bootstrapServers(), topic)) {
                assertThat(r.key() + " " + r.value()).as(topic).doesNotContain(email).doesNotContain(name);
            }
        }
        for (ServiceProcess s : new ServiceProcess[]{lead, funnel, forecast}) {
            assertThat(s.log()).as("log of " + s.baseUrl()).doesNotContain(email).doesNotContain(name);
        }

        // the person not erased is whole, in lead-service and in the consumers
        String keptLead = leadOfDelivery(keptBody);
        given().baseUri(lead.baseUrl()).get("/api/leads/{id}", keptLead).then().statusCode(200)
                .body("currentStage", equalTo("KNOWN"));
        given().baseUri(funnel.baseUrl()).get("/api/admin/leads/{id}/personal-data", keptLead).then().statusCode(200);
    }

    /** The lead the changes of a stored delivery (found by its body's SHA-256) were recorded under. */
    static String leadOfDelivery(String body) throws Exception {
        try (Connection c = connect("l2r_lead");
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT t.lead_id FROM stage_transition t "
                     + "JOIN webhook_delivery d ON d.id = t.delivery_id WHERE d.body_sha256 = ?")) {
            ps.setBytes(1, MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static Connection connect(String database) throws Exception {
        return DriverManager.getConnection(infra.postgres().jdbcUrl(database), LocalPostgres.USER,
                LocalPostgres.PASSWORD);
    }

    /**
     * Every column of every table, in every schema of the database but PostgreSQL's own, whose text (text, varchar,
     * char, json, jsonb, arrays as text) or bytes (bytea) hold {@code value}: as schema.table.column.
     */
    static List<String> columnsHolding(String database, String value) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = connect(database)) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.table_schema, c.table_name, c.column_name, "
                    + "c.data_type FROM information_schema.columns c JOIN information_schema.tables t "
                    + "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                    + "WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema') "
                    + "AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            assertThat(columns).as("columns of " + database).isNotEmpty();
            for (String[] col : columns) {
                String column = "\"" + col[2] + "\"";
                String test = col[3].equals("bytea") ? "position(convert_to(?, 'UTF8') IN " + column + ") > 0"
                        : "strpos(" + column + "::text, ?) > 0";
                try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM \"" + col[0] + "\".\""
                        + col[1] + "\" WHERE " + test + ")")) {
                    ps.setString(1, value);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            found.add(col[0] + "." + col[1] + "." + col[2]);
                        }
                    }
                }
            }
        }
        return found;
    }
}
