package dev.l2r.lead;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEventTypes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.LeadsMerged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static dev.l2r.lead.WebhookIntakeTest.hubspotV1;
import static dev.l2r.lead.WebhookIntakeTest.pipedriveAuth;
import static dev.l2r.lead.WebhookIntakeTest.post;
import static dev.l2r.lead.WebhookIntakeTest.segmentSigned;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Identity links from the senders, end to end on a real PostgreSQL and Kafka: each sender's payload in its
 * published form (Segment's Spec examples, HubSpot association events as deliveries carry them, Pipedrive's v2
 * guide example, a Salesforce outbound message with a converted Lead), signed as the sender signs, merges the two
 * leads once; the survivor is the earlier first touch; LeadsMerged is read off the lead-stage-changed topic.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class IdentityLinksTest {

    @InjectLocalInfra
    LocalInfra infra;

    static final Instant MARCH = Instant.parse("2025-03-04T10:00:00Z");
    static final Instant MAY = Instant.parse("2025-05-12T09:00:00Z");
    static final AtomicLong IDS = new AtomicLong(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L)
            * 1_000L);

    static long nextId() {
        return IDS.incrementAndGet();
    }

    static String fixture(String path) {
        try (InputStream in = IdentityLinksTest.class.getResourceAsStream("/webhooks/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonPath lead(String id) {
        return given().get("/api/leads/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    /** Every record on the topic keyed by one of {@code keys}, once {@code ready} holds for them. */
    List<ConsumerRecord<String, String>> records(Set<String> keys,
                                                 java.util.function.Predicate<List<ConsumerRecord<String, String>>> ready) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            found.clear();
            TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                    .filter(r -> keys.contains(r.key())).forEach(found::add);
            return ready.test(found);
        });
        return found;
    }

    static List<LeadsMerged> merges(List<ConsumerRecord<String, String>> records) {
        return records.stream().filter(r -> LeadEventTypes.LEADS_MERGED.equals(DetailsChangeWebhookTest.type(r)))
                .map(r -> EventJson.read(r.value(), LeadsMerged.class)).toList();
    }

    long count(String sql, String... args) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("l2r_lead"), LocalPostgres.USER,
                LocalPostgres.PASSWORD); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---- Segment: the anonymous visitor who identifies --------------------------------------------------------

    @Test
    void anAnonymousVisitorWhoIdentifiesInMayIsOneLeadWithTheVisitorsMarchFirstTouch() throws Exception {
        String anon = "anon-" + UUID.randomUUID();
        String email = "Peter.Gibbons+" + nextId() + "@Example.com";
        // the Spec's page call of the visitor, in March, from a paid campaign
        String page = """
                {"type":"page","messageId":"page-%1$s","anonymousId":"%1$s","timestamp":"%2$s",
                 "context":{"campaign":{"name":"spring","medium":"cpc"}},"properties":{"title":"Pricing"}}"""
                .formatted(anon, MARCH);
        post("segment", page, segmentSigned(page)).statusCode(200).body("recorded", equalTo(1));
        // the Spec's identify example in May: userId (here an email) and the visitor's anonymousId together
        String identify = fixture("segment/identify.json").replace("97980cfea0067", email)
                .replace("507f191e810c19729de860ea", anon)
                .replace("022bb90c-bbac-11e4-8dfc-aa07a5b093db", "identify-" + anon)
                .replace("\"timestamp\": \"2015-02-23T22:28:55.111Z\"", "\"timestamp\": \"" + MAY + "\"");
        assertThat(identify).contains(MAY.toString());
        post("segment", identify, segmentSigned(identify)).statusCode(200)
                .body("recorded", equalTo(1)).body("linked", equalTo(1));

        // one lead: the visitor's id, first touch March and its channel, KNOWN since May
        JsonPath one = lead("segment:" + anon);
        assertThat(one.getString("leadId")).isEqualTo("segment:" + anon);
        assertThat(Instant.parse(one.getString("firstSeenAt"))).isEqualTo(MARCH);
        assertThat(one.getString("firstTouchChannel")).isEqualTo("cpc");
        assertThat(one.getList("history.toStage")).containsExactly("ANONYMOUS", "KNOWN");
        assertThat(one.getString("currentStage")).isEqualTo("KNOWN");
        // the sender's identity finds it too, however the address is written
        assertThat(lead("segment:" + email).getString("leadId")).isEqualTo("segment:" + anon);
        assertThat(lead("segment:" + email.toUpperCase(Locale.ROOT)).getString("leadId"))
                .isEqualTo("segment:" + anon);
        given().get("/api/leads/{id}", "hubspot:" + email).then().statusCode(404);

        // Segment retries the delivery: a duplicate, and the same link again merges nothing
        post("segment", identify, segmentSigned(identify)).statusCode(200)
                .body("duplicates", equalTo(1)).body("linked", equalTo(0));

        // on the topic: the KNOWN went out under the user's pseudonym, then LeadsMerged keyed by the survivor;
        // the address is in no record
        String pseudonym = pseudonymOf(anon);
        assertThat(pseudonym).matches("segment:p-[a-z2-7]{26}");
        List<ConsumerRecord<String, String>> records = records(Set.of("segment:" + anon, pseudonym),
                r -> !merges(r).isEmpty() && r.size() >= 3);
        assertThat(records).allSatisfy(r -> assertThat(r.value().toLowerCase(Locale.ROOT))
                .doesNotContain(email.toLowerCase(Locale.ROOT)).doesNotContain("example.com"));
        ConsumerRecord<String, String> merged = records.stream()
                .filter(r -> LeadEventTypes.LEADS_MERGED.equals(DetailsChangeWebhookTest.type(r))).findFirst().orElseThrow();
        assertThat(merged.key()).isEqualTo("segment:" + anon);
        LeadsMerged event = EventJson.read(merged.value(), LeadsMerged.class);
        assertThat(event.leadId()).isEqualTo("segment:" + anon);
        assertThat(event.mergedLeadId()).isEqualTo(pseudonym);
        assertThat(event.occurredAt()).isEqualTo(MAY);
        assertThat(event.source()).isEqualTo("segment");
        assertThat(event.sourceEventId()).isEqualTo("identify-" + anon);
        assertThat(event.linkedBy()).isEqualTo("segment.identify");
        assertThat(event.schemaVersion()).isEqualTo(1);
        assertThat(merges(records)).hasSize(1);
        // lead-service keeps no row under the absorbed id, and the identity points at the survivor
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id = ?", pseudonym)).isZero();
        assertThat(count("SELECT count(*) FROM lead_identity WHERE lead_id = ?", "segment:" + anon)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM lead_merge WHERE merged_lead_id = ? AND lead_id = ?", pseudonym,
                "segment:" + anon)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM stage_transition WHERE lower(lead_id) LIKE '%example.com%'")).isZero();
    }

    /** The pseudonym the identify's user got: the one id merged into the visitor's lead. */
    String pseudonymOf(String anon) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("l2r_lead"), LocalPostgres.USER,
                LocalPostgres.PASSWORD); PreparedStatement ps = c.prepareStatement(
                "SELECT merged_lead_id FROM lead_merge WHERE lead_id = ?")) {
            ps.setString(1, "segment:" + anon);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void aSegmentAliasMergesThePreviousIdIntoTheEarlierLead() throws Exception {
        String previous = "anon-" + UUID.randomUUID();
        String user = "user-" + UUID.randomUUID();
        String page = """
                {"type":"page","messageId":"page-%1$s","anonymousId":"%1$s","timestamp":"%2$s"}""".formatted(previous, MARCH);
        post("segment", page, segmentSigned(page)).statusCode(200).body("recorded", equalTo(1));
        String track = """
                {"type":"identify","messageId":"id-%1$s","userId":"%1$s","timestamp":"%2$s","traits":{}}"""
                .formatted(user, MAY);
        post("segment", track, segmentSigned(track)).statusCode(200).body("recorded", equalTo(1));
        // the Spec's alias example: previousId → userId
        String alias = fixture("segment/alias.json").replace("39239-239239-239239-23923", previous)
                .replace("507f191e81", user).replace("022bb90c-bbac-11e4-8dfc-aa07a5b093db", "alias-" + user);
        post("segment", alias, segmentSigned(alias)).statusCode(200).body("linked", equalTo(1))
                .body("rejectedCount", equalTo(0));
        assertThat(lead("segment:" + user).getString("leadId")).isEqualTo("segment:" + previous);
        assertThat(lead("segment:" + user).getList("history.toStage")).containsExactly("ANONYMOUS", "KNOWN");
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id IN (?, ?)", "segment:" + user, "segment:" + previous))
                .isEqualTo(1);
    }

    // ---- HubSpot: a deal with three contacts -----------------------------------------------------------------

    static String contactStage(long contact, String value, Instant at) {
        return """
                {"eventId":%d,"subscriptionId":1,"portalId":62515,"appId":1160452,"occurredAt":%d,
                 "subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":%d,
                 "propertyName":"lifecyclestage","propertyValue":"%s","changeSource":"CRM_UI"}"""
                .formatted(nextId(), at.toEpochMilli(), contact, value);
    }

    /** An association event as a delivery carries it (see SenderLinksTest). */
    static String association(String type, String associationType, long from, long to, Instant at) {
        return """
                {"eventId":%d,"subscriptionId":9,"portalId":62515,"appId":1160452,"occurredAt":%d,
                 "subscriptionType":"%s","attemptNumber":0,"changeSource":"USER","associationType":"%s",
                 "fromObjectId":%d,"toObjectId":%d,"associationRemoved":false,"isPrimaryAssociation":false,
                 "sourceId":"userId:82088707"}""".formatted(nextId(), at.toEpochMilli(), type, associationType, from,
                to);
    }

    static void hubspot(String... events) {
        String body = "[" + String.join(",", events) + "]";
        post("hubspot", body, hubspotV1(body)).statusCode(200);
    }

    @Test
    void aDealWithThreeContactsIsOneLeadAndItsAmountCountsOnce() throws Exception {
        long c1 = nextId();
        long c2 = nextId();
        long c3 = nextId();
        long deal = nextId();
        hubspot(contactStage(c1, "subscriber", MARCH), contactStage(c2, "lead", MARCH.plusSeconds(86_400)),
                contactStage(c3, "marketingqualifiedlead", MARCH.plusSeconds(2 * 86_400)));
        hubspot(DetailsChangeWebhookTest.dealChange(deal, "dealstage", "closedwon", MAY, nextId()),
                DetailsChangeWebhookTest.dealChange(deal, "amount", "30000", MAY, nextId()));

        // HubSpot sends both directions of an association; the second is the same link
        String first = "[" + association("contact.associationChange", "CONTACT_TO_DEAL", c1, deal, MAY) + ","
                + association("deal.associationChange", "DEAL_TO_CONTACT", deal, c1, MAY) + "]";
        post("hubspot", first, hubspotV1(first)).statusCode(200).body("linked", equalTo(1));
        String others = "[" + association("contact.associationChange", "CONTACT_TO_DEAL", c2, deal, MAY) + ","
                + association("deal.associationChange", "DEAL_TO_CONTACT", deal, c3, MAY) + "]";
        post("hubspot", others, hubspotV1(others)).statusCode(200).body("linked", equalTo(2));

        String survivor = "hubspot:" + c1; // the earliest first touch
        for (String id : List.of("hubspot:" + c1, "hubspot:" + c2, "hubspot:" + c3, "hubspot:deal:" + deal)) {
            assertThat(lead(id).getString("leadId")).as(id).isEqualTo(survivor);
        }
        JsonPath one = lead(survivor);
        assertThat(one.getString("currentStage")).isEqualTo("CLOSED_WON");
        assertThat(new java.math.BigDecimal(one.getString("amount"))).isEqualByComparingTo("30000");
        assertThat(one.getString("currency")).isEqualTo("EUR");
        assertThat(Instant.parse(one.getString("firstSeenAt"))).isEqualTo(MARCH);
        assertThat(one.getList("history.toStage")).containsExactly("KNOWN", "ENGAGED", "MQL", "CLOSED_WON");
        // one lead row, so the deal's 30,000 is one opportunity's revenue, not three
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id IN (?, ?, ?, ?)", "hubspot:" + c1, "hubspot:" + c2,
                "hubspot:" + c3, "hubspot:deal:" + deal)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id = ? AND amount = 30000", survivor)).isEqualTo(1);

        List<LeadsMerged> merged = merges(records(Set.of(survivor), r -> merges(r).size() >= 3));
        assertThat(merged).extracting(LeadsMerged::mergedLeadId).containsExactlyInAnyOrder("hubspot:deal:" + deal,
                "hubspot:" + c2, "hubspot:" + c3);
        assertThat(merged).extracting(LeadsMerged::leadId).containsOnly(survivor);
    }

    @Test
    void concurrentDeliveriesOfBothSidesMergeOnce() throws Exception {
        long contact = nextId();
        long deal = nextId();
        hubspot(contactStage(contact, "subscriber", MARCH));
        hubspot(DetailsChangeWebhookTest.dealChange(deal, "dealstage", "qualifiedtobuy", MAY, nextId()));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> deliveries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                deliveries.add(() -> linked("[" + association("contact.associationChange", "CONTACT_TO_DEAL", contact,
                        deal, MAY) + "]"));
                deliveries.add(() -> linked("[" + association("deal.associationChange", "DEAL_TO_CONTACT", deal,
                        contact, MAY) + "]"));
            }
            // a stage change of each side arrives meanwhile
            for (String event : List.of(contactStage(contact, "marketingqualifiedlead", MARCH.plusSeconds(86_400)),
                    DetailsChangeWebhookTest.dealChange(deal, "dealstage", "closedwon", MAY.plusSeconds(86_400),
                            nextId()))) {
                deliveries.add(() -> {
                    hubspot(event);
                    return 0;
                });
            }
            int merges = 0;
            for (Future<Integer> f : pool.invokeAll(deliveries)) {
                merges += f.get();
            }
            assertThat(merges).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        String survivor = "hubspot:" + contact;
        JsonPath one = lead("hubspot:deal:" + deal);
        assertThat(one.getString("leadId")).isEqualTo(survivor);
        assertThat(one.getList("history.toStage")).containsExactly("KNOWN", "MQL", "SQL", "CLOSED_WON");
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id IN (?, ?)", survivor, "hubspot:deal:" + deal))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM stage_transition WHERE lead_id = ?", "hubspot:deal:" + deal)).isZero();
        assertThat(count("SELECT count(*) FROM lead_merge WHERE merged_lead_id = ?", "hubspot:deal:" + deal))
                .isEqualTo(1);
    }

    static int linked(String body) {
        return post("hubspot", body, hubspotV1(body)).statusCode(200).extract().path("linked");
    }

    // ---- Pipedrive: the same link twice ---------------------------------------------------------------------

    @Test
    void thePipedriveDealsPersonArrivingAgainIsOneMergeAndOneEvent() throws Exception {
        long deal = nextId();
        long person = nextId();
        ObjectNode created = (ObjectNode) EventJson.mapper().readTree(fixture("pipedrive/v2-create-deal.json"));
        ((ObjectNode) created.get("meta")).put("entity_id", String.valueOf(deal));
        ((ObjectNode) created.get("data")).put("id", deal).put("person_id", person);
        String body = created.toString();
        post("pipedrive", body, pipedriveAuth("test-pipedrive-password")).statusCode(200)
                .body("recorded", equalTo(1)).body("linked", equalTo(1));
        // a retry of the delivery, and a later delivery of the same deal naming the same person
        post("pipedrive", body, pipedriveAuth("test-pipedrive-password")).statusCode(200)
                .body("duplicates", equalTo(1)).body("linked", equalTo(0));
        ((ObjectNode) created.get("meta")).put("action", "change").put("timestamp", "2022-11-25T09:00:00.000Z");
        ((ObjectNode) created.get("data")).put("status", "won");
        created.set("previous", EventJson.mapper().createObjectNode().put("status", "open"));
        String won = created.toString();
        post("pipedrive", won, pipedriveAuth("test-pipedrive-password")).statusCode(200)
                .body("recorded", equalTo(1)).body("linked", equalTo(0));

        // the deal (with a lead) survives; the person id, which had none, now means it
        String survivor = "pipedrive:deal:" + deal;
        assertThat(lead("pipedrive:person:" + person).getString("leadId")).isEqualTo(survivor);
        // the won change was written after the link's event: once it is on the topic, every merge is too
        List<ConsumerRecord<String, String>> records = records(Set.of(survivor), r -> r.stream()
                .filter(x -> !LeadEventTypes.LEADS_MERGED.equals(DetailsChangeWebhookTest.type(x)))
                .anyMatch(x -> x.value().contains("CLOSED_WON")));
        assertThat(merges(records)).singleElement().satisfies(m -> {
            assertThat(m.mergedLeadId()).isEqualTo("pipedrive:person:" + person);
            assertThat(m.sourceEventId()).isEqualTo("deal:" + deal + ":person:" + person);
        });
    }

    // ---- Salesforce: a link to an id with no lead yet ---------------------------------------------------------

    @Test
    void aConvertedLeadsOpportunityWithNoLeadYetLandsOnTheLeadWhenItsEventsCome() throws Exception {
        String leadId = SalesforceWebhookTest.id("00Q");
        String opportunity = SalesforceWebhookTest.id("006");
        SalesforceWebhookTest.assertAcknowledged(SalesforceWebhookTest.post(SalesforceWebhookTest.message(
                SalesforceWebhookTest.ORG, SalesforceWebhookTest.lead(SalesforceWebhookTest.id("04l"), leadId,
                        "Open - Not Contacted", MARCH, null))));
        // converted: the message names the Opportunity, which has sent nothing yet
        SalesforceWebhookTest.assertAcknowledged(SalesforceWebhookTest.post(SalesforceWebhookTest.message(
                SalesforceWebhookTest.ORG, SalesforceWebhookTest.lead(SalesforceWebhookTest.id("04l"), leadId,
                        "Closed - Converted", MAY, opportunity))));
        assertThat(count("SELECT count(*) FROM lead_merge WHERE merged_lead_id = ? AND lead_id = ?",
                "salesforce:" + opportunity, "salesforce:" + leadId)).isEqualTo(1);
        // the Opportunity's own notifications come later: recorded under the Lead
        SalesforceWebhookTest.assertAcknowledged(SalesforceWebhookTest.post(SalesforceWebhookTest.message(
                SalesforceWebhookTest.ORG, SalesforceWebhookTest.opportunity(SalesforceWebhookTest.id("04l"),
                        opportunity, "Closed Won", "8000.0", "EUR", MAY.plusSeconds(86_400)))));
        JsonPath one = lead("salesforce:" + opportunity);
        assertThat(one.getString("leadId")).isEqualTo("salesforce:" + leadId);
        assertThat(one.getList("history.toStage")).containsExactly("KNOWN", "SQL", "CLOSED_WON");
        assertThat(new java.math.BigDecimal(one.getString("amount"))).isEqualByComparingTo("8000");
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id = ?", "salesforce:" + opportunity)).isZero();
        List<ConsumerRecord<String, String>> records = records(Set.of("salesforce:" + leadId,
                "salesforce:" + opportunity), r -> r.stream().anyMatch(x -> x.value().contains("CLOSED_WON")));
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo("salesforce:" + leadId));
        assertThat(merges(records)).extracting(LeadsMerged::mergedLeadId)
                .containsExactly("salesforce:" + opportunity);
    }
}
