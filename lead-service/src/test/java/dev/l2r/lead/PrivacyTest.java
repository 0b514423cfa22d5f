package dev.l2r.lead;

import dev.l2r.events.LeadEventTypes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.lead.privacy.RawDeliveryRetention;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.l2r.lead.WebhookIntakeTest.hubspotEvent;
import static dev.l2r.lead.WebhookIntakeTest.hubspotV1;
import static dev.l2r.lead.WebhookIntakeTest.post;
import static dev.l2r.lead.WebhookIntakeTest.segmentSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A person's data (docs/privacy.md): read whole, erased, a sender's retry of an erased delivery recognised (same
 * body; same source event id in another body) while a new delivery starts a new lead, raw bodies pruned after the
 * retention. Segment's published identify and Order Completed (fixtures, signed as Segment signs), HubSpot's
 * documented contact.propertyChange with its attemptNumber counted up as HubSpot does on a retry. The consumers'
 * personal-data endpoints are played by a local stand-in ({@link ConsumersStandIn}): they do not run in this test.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
@QuarkusTestResource(value = ConsumersStandIn.class, restrictToAnnotatedClass = true)
class PrivacyTest {

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RawDeliveryRetention retention;

    @TestHTTPResource("/")
    URI root;

    @BeforeEach
    void fresh() {
        ConsumersStandIn.seen.clear();
        ConsumersStandIn.responder = ConsumersStandIn::holdsNothing;
    }

    @AfterEach
    void quiet() {
        ConsumersStandIn.responder = ConsumersStandIn::holdsNothing;
    }

    /** A person as Segment's spec publishes an identify: name, email, and an id of the sender's own. */
    record Person(String user, String name, String email) {
        static Person fresh() {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            return new Person("user-" + tag, "Ada Privacy" + tag, "ada." + tag + "@example.com");
        }

        String leadId() {
            return "segment:" + user;
        }

        String identify(String messageId) {
            // the published identify carries an anonymousId too: this person's own, or every person of this test
            // would be linked through the one visitor into one lead
            return SegmentMauticWebhooksTest.fixture("segment/identify.json").replace("97980cfea0067", user)
                    .replace("507f191e810c19729de860ea", "anon-" + user)
                    .replace("022bb90c-bbac-11e4-8dfc-aa07a5b093db", messageId)
                    .replace("Peter Gibbons", name).replace("peter@example.com", email);
        }

        String orderCompleted(String messageId) {
            return SegmentMauticWebhooksTest.fixture("segment/order-completed.json").replace("AiUGstSDIg", user)
                    .replace("ajs-order-completed-50314b8e9bcf000000000000", messageId);
        }
    }

    static String bootstrapKey() {
        return ConfigProvider.getConfig().getValue("l2r.auth.bootstrap-key", String.class);
    }

    // --- subject access ---------------------------------------------------------------------------------------

    @Test
    void personalDataIsEverythingHeldWithTheRawBodiesAndTheConsumersAnswersAskedWithTheCallersCredential() {
        Person p = Person.fresh();
        String identify = p.identify("identify-" + p.user());
        post("segment", identify, segmentSigned(identify)).statusCode(200).body("recorded", equalTo(1));
        ConsumersStandIn.responder = request -> request.service().equals("funnel-service")
                ? new ConsumersStandIn.Answer(200, "{\"service\":\"funnel-service\",\"leadId\":\"" + p.leadId()
                        + "\",\"holds\":{\"lead_current\":[{\"lead_id\":\"" + p.leadId() + "\",\"stage\":\"KNOWN\"}]}}")
                : ConsumersStandIn.holdsNothing(request);

        JsonPath doc = given().get("/api/leads/{id}/personal-data", p.leadId()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(doc.getString("leadId")).isEqualTo(p.leadId());
        assertThat(doc.getList("services.service")).containsExactly("lead-service", "funnel-service",
                "forecast-service");
        assertThat(doc.getString("services[0].holds.lead[0].current_stage")).isEqualTo("KNOWN");
        assertThat(doc.getList("services[0].holds.stage_transition")).hasSize(1);
        assertThat(doc.getString("services[0].holds.stage_transition[0].source_event_id"))
                .isEqualTo("identify-" + p.user());
        // the raw body as Segment sent it: name and email are in it
        List<String> bodies = doc.getList("services[0].holds.webhook_delivery.body");
        assertThat(bodies).containsExactly(identify);
        assertThat(bodies.get(0)).contains(p.name(), p.email());
        assertThat(doc.getString("services[1].holds.lead_current[0].stage")).isEqualTo("KNOWN");
        assertThat(doc.getMap("services[2].holds")).isEmpty();

        // each consumer asked once, at its own path for the lead, with the caller's key and nothing else of ours
        assertThat(ConsumersStandIn.seen).extracting(ConsumersStandIn.Seen::service)
                .containsExactly("funnel-service", "forecast-service");
        assertThat(ConsumersStandIn.seen).allSatisfy(s -> {
            assertThat(s.rawPath()).isEqualTo("/api/admin/leads/segment%3A" + p.user() + "/personal-data");
            assertThat(s.header("X-API-Key")).isEqualTo(bootstrapKey());
            assertThat(s.header("Authorization")).isNull();
        });
    }

    @Test
    void aConsumerThatDoesNotAnswerFailsTheWholeDocumentNamingIt() {
        Person p = Person.fresh();
        String identify = p.identify("identify-" + p.user());
        post("segment", identify, segmentSigned(identify)).statusCode(200);
        ConsumersStandIn.responder = request -> request.service().equals("forecast-service")
                ? new ConsumersStandIn.Answer(500, "{}") : ConsumersStandIn.holdsNothing(request);
        given().get("/api/leads/{id}/personal-data", p.leadId()).then().statusCode(503)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.startsWith("forecast-service answered 500"));
    }

    @Test
    void anUnknownIdIsA404AndAsksNoConsumer() {
        given().get("/api/leads/{id}/personal-data", "segment:nobody-" + UUID.randomUUID()).then().statusCode(404);
        given().delete("/api/leads/{id}", "segment:nobody-" + UUID.randomUUID()).then().statusCode(404);
        assertThat(ConsumersStandIn.seen).isEmpty();
    }

    @Test
    void bothEndpointsNeedTheAdminScopeAndTheLeadItselfStillAnswersBesideThem() throws Exception {
        Person p = Person.fresh();
        String identify = p.identify("identify-" + p.user());
        post("segment", identify, segmentSigned(identify)).statusCode(200);
        Map<String, String> keys = Map.of(
                "read", make("{\"name\":\"r\",\"scopes\":[\"read\"]}"),
                "write", make("{\"name\":\"w\",\"scopes\":[\"write\"]}"));
        String leadPath = "/api/leads/" + p.leadId();
        for (String[] call : new String[][]{{"DELETE", leadPath}, {"GET", leadPath + "/personal-data"}}) {
            assertThat(EndpointAccess.send(root, call[0], call[1], Map.of()).statusCode()).as(call[1]).isEqualTo(401);
            for (String key : keys.values()) {
                assertThat(EndpointAccess.send(root, call[0], call[1], Map.of("X-API-Key", key)).statusCode())
                        .as(call[0] + " " + call[1]).isEqualTo(403);
            }
        }
        // the lead's own GET and POST (another resource class on the same path) still route
        given().get("/api/leads/{id}", p.leadId()).then().statusCode(200).body("currentStage", equalTo("KNOWN"));
        assertThat(EndpointAccess.send(root, "GET", leadPath, Map.of("X-API-Key", keys.get("read"))).statusCode())
                .isEqualTo(200);
        assertThat(ConsumersStandIn.seen).isEmpty();
    }

    static String make(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/admin/keys").then().statusCode(201)
                .extract().path("key");
    }

    // --- erasure -----------------------------------------------------------------------------------------------

    @Test
    void erasureRemovesTheLeadsRowsAndBodiesKeepsOnlyKeyedHashesAndAuditsWhoAndWhen() throws Exception {
        Person p = Person.fresh();
        String identify = p.identify("identify-" + p.user());
        String order = p.orderCompleted("order-" + p.user());
        post("segment", identify, segmentSigned(identify)).statusCode(200).body("recorded", equalTo(1));
        post("segment", order, segmentSigned(order)).statusCode(200).body("recorded", equalTo(1));

        JsonPath erased = given().delete("/api/leads/{id}", p.leadId()).then().statusCode(202).extract().jsonPath();
        assertThat(erased.getString("leadId")).isEqualTo(p.leadId());
        assertThat(erased.getMap("removed")).containsEntry("lead", 1).containsEntry("stageTransitions", 2)
                .containsEntry("detailsChanges", 0).containsEntry("parkedItems", 0)
                .containsEntry("rawDeliveryBodies", 2);
        assertThat(erased.getInt("retryKeysKept")).isEqualTo(2);
        assertThat(erased.getString("consumers")).contains("LeadErased");

        given().get("/api/leads/{id}", p.leadId()).then().statusCode(404);
        given().delete("/api/leads/{id}", p.leadId()).then().statusCode(404);
        // neither the name, the email nor the lead id is left in any text, jsonb or bytea column of lead-service,
        // but for the outbox (the lead's events on their way to the topic)
        assertThat(columnsHolding(p.email())).isEmpty();
        assertThat(columnsHolding(p.name())).isEmpty();
        assertThat(columnsHolding(p.leadId())).allMatch(c -> c.startsWith("outbox."));

        try (Connection c = dataSource.getConnection()) {
            // the deliveries' rows stay, without bodies, marked erased
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE body IS NULL "
                    + "AND erased_at IS NOT NULL), count(*) FROM webhook_delivery WHERE source = 'segment' "
                    + "AND body_sha256 IN (?, ?)")) {
                ps.setBytes(1, sha256(identify));
                ps.setBytes(2, sha256(order));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(2);
                    assertThat(rs.getLong(2)).isEqualTo(2);
                }
            }
            // the audit: who (the key's principal) and when; the lead only as HMAC(key, "lead" \0 id)
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT requested_by, erased_at, removed->>'stageTransitions' FROM erasure_audit WHERE lead_hash = ?")) {
                ps.setBytes(1, hmac("lead", p.leadId()));
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).startsWith("key:");
                    assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(Instant.parse(erased.getString("erasedAt")));
                    assertThat(rs.getString(3)).isEqualTo("2");
                    assertThat(rs.next()).isFalse();
                }
            }
            // the retry keys: HMAC(key, "delivery" \0 source \0 source event id), one per change
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM erased_delivery_key WHERE key_hash IN (?, ?)")) {
                ps.setBytes(1, hmac("delivery", "segment", "identify-" + p.user()));
                ps.setBytes(2, hmac("delivery", "segment", "order-" + p.user()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(2);
                }
            }
        }

        // on the topic: the lead's two changes (with the identify's link of the person's visitor id between
        // them), then its LeadErased, keyed by the lead
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> records = TopicProbe.readAll(infra.kafka().bootstrapServers(),
                    LeadStageChanged.TOPIC).stream().filter(r -> p.leadId().equals(r.key())).toList();
            assertThat(records).extracting(r -> new String(r.headers().lastHeader(LeadEventTypes.HEADER) == null
                    ? "LeadStageChanged".getBytes(StandardCharsets.UTF_8)
                    : r.headers().lastHeader(LeadEventTypes.HEADER).value(), StandardCharsets.UTF_8))
                    .containsExactly("LeadStageChanged", LeadEventTypes.LEADS_MERGED, "LeadStageChanged",
                            LeadEventTypes.LEAD_ERASED);
            assertThat(records.get(3).value()).contains("\"leadId\":\"" + p.leadId() + "\"")
                    .doesNotContain(p.email()).doesNotContain(p.name());
        });
    }

    @Test
    void segmentsRetryOfAnErasedDeliveryIsADuplicateButANewMessageStartsANewLead() {
        Person p = Person.fresh();
        String identify = p.identify("identify-" + p.user());
        String order = p.orderCompleted("order-" + p.user());
        post("segment", identify, segmentSigned(identify)).statusCode(200).body("recorded", equalTo(1));
        post("segment", order, segmentSigned(order)).statusCode(200).body("recorded", equalTo(1));
        given().delete("/api/leads/{id}", p.leadId()).then().statusCode(202);

        // Segment retries the same bodies: recognised, recorded nowhere
        post("segment", identify, segmentSigned(identify)).statusCode(200)
                .body("recorded", equalTo(0)).body("duplicates", equalTo(1));
        post("segment", order, segmentSigned(order)).statusCode(200)
                .body("recorded", equalTo(0)).body("duplicates", equalTo(1));
        // the same message in another body (a replay re-serialised, sentAt moved): its messageId recognises it
        String replayed = order.replace("2015-12-12T19:11:01.169Z", "2015-12-12T19:12:44.001Z");
        assertThat(replayed).isNotEqualTo(order);
        post("segment", replayed, segmentSigned(replayed)).statusCode(200)
                .body("recorded", equalTo(0)).body("duplicates", equalTo(1));
        given().get("/api/leads/{id}", p.leadId()).then().statusCode(404);
        // a delivery of nothing but repeats is not stored: the person's sender id is in no body again
        assertThat(columnsHolding(p.email())).isEmpty();
        assertThat(columnsHolding(p.user())).allMatch(c -> c.startsWith("outbox."));

        // a genuinely new delivery for the person (a new messageId): a new lead, with only what is new
        String again = p.identify("identify-2-" + p.user()).replace("2015-02-23T22:28:55.111Z", "2016-01-10T08:00:00.000Z");
        post("segment", again, segmentSigned(again)).statusCode(200).body("recorded", equalTo(1));
        JsonPath lead = given().get("/api/leads/{id}", p.leadId()).then().statusCode(200).extract().jsonPath();
        assertThat(lead.getList("history.toStage")).containsExactly("KNOWN");
        assertThat(lead.getString("history[0].occurredAt")).isEqualTo("2016-01-10T08:00:00Z");
    }

    @Test
    void hubspotsRetryWithItsAttemptNumberCountedUpIsRecognisedByTheEventNotTheBody() {
        long contact = 7_000_000L + Math.abs(UUID.randomUUID().hashCode() % 1_000_000);
        Instant at = Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        String first = "[" + hubspotEvent(contact, "marketingqualifiedlead", at, 101) + "]";
        post("hubspot", first, hubspotV1(first)).statusCode(200).body("recorded", equalTo(1));
        String leadId = "hubspot:" + contact;
        given().delete("/api/leads/{id}", leadId).then().statusCode(202)
                .body("removed.stageTransitions", equalTo(1)).body("retryKeysKept", equalTo(1));

        // HubSpot's retry: the same event, attemptNumber 1 — another body, the same change
        String retry = first.replace("\"attemptNumber\":0", "\"attemptNumber\":1");
        assertThat(retry).isNotEqualTo(first);
        post("hubspot", retry, hubspotV1(retry)).statusCode(200).body("recorded", equalTo(0))
                .body("duplicates", equalTo(1));
        given().get("/api/leads/{id}", leadId).then().statusCode(404);

        // a later change of the contact is new: the contact starts again as a new lead
        String later = "[" + hubspotEvent(contact, "salesqualifiedlead", at.plus(1, ChronoUnit.DAYS), 102) + "]";
        post("hubspot", later, hubspotV1(later)).statusCode(200).body("recorded", equalTo(1));
        given().get("/api/leads/{id}", leadId).then().statusCode(200).body("history.size()", equalTo(1))
                .body("currentStage", equalTo("SQL"));
    }

    @Test
    void aRestClientsRepeatOfAnErasedEventIsADuplicateWithNothingToShow() {
        String leadId = "crm-erased-" + UUID.randomUUID();
        String body = """
                {"toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api","sourceEventId":"%s"}"""
                .formatted("e-" + leadId);
        given().contentType(ContentType.JSON).body(body).post("/api/leads/{id}/transitions", leadId).then()
                .statusCode(201);
        given().delete("/api/leads/{id}", leadId).then().statusCode(202);
        given().contentType(ContentType.JSON).body(body).post("/api/leads/{id}/transitions", leadId).then()
                .statusCode(200).body("status", equalTo("duplicate")).body("eventId", org.hamcrest.Matchers.nullValue());
        given().get("/api/leads/{id}", leadId).then().statusCode(404);
    }

    @Test
    void segmentsRetryOfAnErasedDeliveryAboutAnEmailLeavesTheIdentityForgotten() throws Exception {
        Person p = Person.fresh();
        // the userId an email, and no anonymousId: the lead is the email's pseudonym alone
        String identify = SegmentMauticWebhooksTest.fixture("segment/identify.json")
                .replaceAll("\"anonymousId\":\\s*\"507f191e810c19729de860ea\",\\s*", "")
                .replace("97980cfea0067", p.email())
                .replace("022bb90c-bbac-11e4-8dfc-aa07a5b093db", "identify-" + p.user())
                .replace("Peter Gibbons", p.name()).replace("peter@example.com", p.email());
        assertThat(identify).doesNotContain("anonymousId");
        post("segment", identify, segmentSigned(identify)).statusCode(200).body("recorded", equalTo(1));
        String leadId = given().get("/api/leads/{id}", "segment:" + p.email()).then().statusCode(200)
                .extract().path("leadId");
        assertThat(leadId).matches("segment:p-[a-z2-7]{26}");
        assertThat(identities("segment", p.email())).isEqualTo(1);
        given().delete("/api/leads/{id}", leadId).then().statusCode(202).body("removed.identities", equalTo(1));
        assertThat(identities("segment", p.email())).as("identity rows after the erasure").isZero();

        // Segment retries the same body: a duplicate, and the erased identity is not taken back
        post("segment", identify, segmentSigned(identify)).statusCode(200)
                .body("recorded", equalTo(0)).body("duplicates", equalTo(1));
        assertThat(identities("segment", p.email())).as("identity rows after Segment's retry").isZero();
        given().get("/api/leads/{id}", "segment:" + p.email()).then().statusCode(404);
        given().get("/api/leads/{id}", leadId).then().statusCode(404);
        assertThat(columnsHolding(p.email())).isEmpty();
    }

    @Test
    void aRestClientsRepeatOfAnErasedEventAboutAnEmailLeavesTheIdentityForgotten() throws Exception {
        String email = "rest." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String body = """
                {"toStage":"MQL","occurredAt":"2025-03-01T10:15:30Z","source":"api","sourceEventId":"%s"}"""
                .formatted("e-" + email);
        String leadId = given().contentType(ContentType.JSON).body(body).post("/api/leads/{id}/transitions", email)
                .then().statusCode(201).extract().path("leadId");
        assertThat(leadId).matches("api:p-[a-z2-7]{26}");
        assertThat(identities("api", email)).isEqualTo(1);
        given().delete("/api/leads/{id}", leadId).then().statusCode(202).body("removed.identities", equalTo(1));
        assertThat(identities("api", email)).as("identity rows after the erasure").isZero();

        // the client repeats the event: a duplicate, and the erased identity is not taken back
        given().contentType(ContentType.JSON).body(body).post("/api/leads/{id}/transitions", email).then()
                .statusCode(200).body("status", equalTo("duplicate"));
        assertThat(identities("api", email)).as("identity rows after the client's repeat").isZero();
        given().get("/api/leads/{id}", "api:" + email).then().statusCode(404);
        given().get("/api/leads/{id}", leadId).then().statusCode(404);
    }

    /** The registry's rows of a sender's personal identity, found by its keyed hash (computed here). */
    long identities(String source, String identity) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM lead_identity WHERE identity_hash = ?")) {
            ps.setBytes(1, hmac(source, identity.strip().toLowerCase(java.util.Locale.ROOT)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // --- retention ---------------------------------------------------------------------------------------------

    @Test
    void bodiesOlderThanTheRetentionGoReferencedRowsStayAndARetryOfAPrunedBodyIsStillADuplicate() throws Exception {
        Person old = Person.fresh();
        Person recent = Person.fresh();
        String oldBody = old.identify("identify-" + old.user());
        String recentBody = recent.identify("identify-" + recent.user());
        post("segment", oldBody, segmentSigned(oldBody)).statusCode(200).body("recorded", equalTo(1));
        post("segment", recentBody, segmentSigned(recentBody)).statusCode(200).body("recorded", equalTo(1));
        Instant now = Instant.now();
        byte[] orphanHash = sha256("orphan-" + old.user());
        long erasedOld;
        try (Connection c = dataSource.getConnection()) {
            // the first delivery came 31 days ago; an old one nothing references (every item a duplicate), too
            age(c, sha256(oldBody), now.minus(31, ChronoUnit.DAYS));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_delivery (source, received_at, "
                    + "body_sha256, content_type, body) VALUES ('segment', ?, ?, 'application/json', ?)")) {
                ps.setTimestamp(1, Timestamp.from(now.minus(40, ChronoUnit.DAYS)));
                ps.setBytes(2, orphanHash);
                ps.setBytes(3, ("orphan-" + old.user()).getBytes(StandardCharsets.UTF_8));
                ps.executeUpdate();
            }
        }
        // an erased delivery, aged too: its row is what recognises a retry, so the retention leaves it
        Person gone = Person.fresh();
        String goneBody = gone.identify("identify-" + gone.user());
        post("segment", goneBody, segmentSigned(goneBody)).statusCode(200);
        given().delete("/api/leads/{id}", gone.leadId()).then().statusCode(202);
        try (Connection c = dataSource.getConnection()) {
            erasedOld = age(c, sha256(goneBody), now.minus(60, ChronoUnit.DAYS));
        }

        RawDeliveryRetention.Pruned pruned = retention.prune(now);
        assertThat(pruned.rowsDeleted()).isGreaterThanOrEqualTo(1);
        assertThat(pruned.bodiesRemoved()).isGreaterThanOrEqualTo(1);
        try (Connection c = dataSource.getConnection()) {
            assertThat(delivery(c, sha256(oldBody))).isEqualTo("pruned");
            assertThat(delivery(c, orphanHash)).isEqualTo("absent");
            assertThat(delivery(c, sha256(recentBody))).isEqualTo("body");
            assertThat(delivery(c, sha256(goneBody))).isEqualTo("erased");
        }
        assertThat(erasedOld).isEqualTo(1);
        // the same prune again finds nothing of these
        assertThat(retention.prune(now).rowsDeleted()).isZero();

        // the old lead is whole; Segment's late retry of the pruned body is a duplicate, its row reused
        given().get("/api/leads/{id}", old.leadId()).then().statusCode(200).body("currentStage", equalTo("KNOWN"));
        post("segment", oldBody, segmentSigned(oldBody)).statusCode(200).body("recorded", equalTo(0))
                .body("duplicates", equalTo(1));
        // and the retention setting is the documented default
        assertThat(ConfigProvider.getConfig().getValue("l2r.privacy.raw-delivery-retention", Duration.class))
                .isEqualTo(Duration.ofDays(30));
    }

    /** Sets the received time of the delivery with this body hash; answers the rows changed. */
    static long age(Connection c, byte[] hash, Instant receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE webhook_delivery SET received_at = ? WHERE source = 'segment' AND body_sha256 = ?")) {
            ps.setTimestamp(1, Timestamp.from(receivedAt));
            ps.setBytes(2, hash);
            return ps.executeUpdate();
        }
    }

    /** "absent", "body" (kept), "pruned" (row without body, pruned) or "erased". */
    static String delivery(Connection c, byte[] hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT body IS NOT NULL, body_pruned_at IS NOT NULL, "
                + "erased_at IS NOT NULL FROM webhook_delivery WHERE source = 'segment' AND body_sha256 = ?")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "absent";
                }
                return rs.getBoolean(3) ? "erased" : rs.getBoolean(1) ? "body" : rs.getBoolean(2) ? "pruned" : "?";
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Every text, varchar, jsonb or bytea column of lead-service's tables holding {@code value}, as table.column. */
    List<String> columnsHolding(String value) {
        List<String> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name, data_type "
                    + "FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN "
                    + "('text', 'character varying', 'character', 'jsonb', 'json', 'bytea', 'ARRAY')");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            for (String[] col : columns) {
                String test = col[2].equals("bytea")
                        ? "position(convert_to(?, 'UTF8') IN \"" + col[1] + "\") > 0"
                        : "strpos(\"" + col[1] + "\"::text, ?) > 0";
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT EXISTS (SELECT 1 FROM \"" + col[0] + "\" WHERE " + test + ")")) {
                    ps.setString(1, value);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            found.add(col[0] + "." + col[1]);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HMAC-SHA256 under the test's identity key of the parts joined by NUL: computed here, not by the service. */
    static byte[] hmac(String... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ConfigProvider.getConfig().getValue("l2r.identity.key", String.class)
                    .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(String.join("\0", parts).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
