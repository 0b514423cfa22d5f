package dev.l2r.lead;

import com.sun.net.httpserver.HttpServer;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.lead.webhook.SalesforceIds;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * Salesforce Outbound Messages end to end: the SOAP {@code notifications} envelope in, the {@code Ack} out, the
 * organization as the sender's proof, retries as duplicates, unmapped values parked and acknowledged, no DTD read.
 *
 * <p>The messages are in the form Salesforce publishes and sends: the elements of {@code notifications} and of a
 * {@code Notification} as the Outbound Messaging WSDL defines them (Salesforce SOAP API Developer Guide,
 * "Understanding the Outbound Messaging WSDL", developer.salesforce.com/docs/atlas.en-us.api.meta/api/
 * sforce_api_om_outboundmessaging_wsdl.htm), serialised as captured deliveries show it (the delivery published at
 * mikesimonds.com/95-using-salesforce-outbound-soap-messages-php-post361.html: xsi declared on the Envelope, a nil
 * SessionId, EnterpriseUrl/PartnerUrl, {@code xmlns:sf} on each sObject); the answer is the
 * {@code notificationsResponse} of the same WSDL. Ids are ours (well-formed 18-character ids), the field values
 * those of Salesforce's standard Lead Status and Opportunity StageName picklists.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class SalesforceWebhookTest {

    /** The organization of application.properties' %test profile, and its 15-character form. */
    static final String ORG = "00D5e000000bKzPEAU";

    @InjectLocalInfra
    LocalInfra infra;

    @TestHTTPResource("/api/webhooks/salesforce")
    URL endpoint;

    static final Instant T = Instant.now().minus(5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    static final Random RANDOM = new Random();

    /** A fresh record id with its key prefix ({@code 00Q} Lead, {@code 006} Opportunity), in 18 characters. */
    static String id(String prefix) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder id = new StringBuilder(prefix).append("5e");
        while (id.length() < 15) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return SalesforceIds.to18(id.toString());
    }

    static String message(String org, String... notifications) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                 <soapenv:Body>
                  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
                   %s<ActionId>04k5e000000TQ6XAAW</ActionId>
                   <SessionId xsi:nil="true"/>
                   <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/61.0/00D5e000000bKzP</EnterpriseUrl>
                   <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/61.0/00D5e000000bKzP</PartnerUrl>
                %s  </notifications>
                 </soapenv:Body>
                </soapenv:Envelope>
                """.formatted(org == null ? "" : "<OrganizationId>" + org + "</OrganizationId>\n   ",
                String.join("", notifications));
    }

    static String notification(String notificationId, String type, String fields) {
        return """
                   <Notification>
                    <Id>%s</Id>
                    <sObject xsi:type="sf:%s" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                %s    </sObject>
                   </Notification>
                """.formatted(notificationId, type, fields);
    }

    static String opportunity(String notificationId, String id, String stage, String amount, String currency,
                              Instant modified) {
        return notification(notificationId, "Opportunity", """
                     <sf:Id>%s</sf:Id>
                     %s%s<sf:IsClosed>%s</sf:IsClosed>
                     <sf:LastModifiedDate>%s</sf:LastModifiedDate>
                     <sf:LeadSource>Partner Referral</sf:LeadSource>
                     <sf:Name>Example - 200 Widgets</sf:Name>
                     <sf:OwnerId>0055e000004Xq2TAAS</sf:OwnerId>
                     <sf:StageName>%s</sf:StageName>
                     <sf:SystemModstamp>%s</sf:SystemModstamp>
                """.formatted(id, amount == null ? "" : "<sf:Amount>" + amount + "</sf:Amount>\n     ",
                currency == null ? "" : "<sf:CurrencyIsoCode>" + currency + "</sf:CurrencyIsoCode>\n     ",
                stage.startsWith("Closed"), sf(modified), stage, sf(modified.plusSeconds(1))));
    }

    static String lead(String notificationId, String id, String status, Instant modified, String convertedTo) {
        return notification(notificationId, "Lead", """
                     <sf:Id>%s</sf:Id>
                     <sf:Company>Example Widgets</sf:Company>
                     %s<sf:IsConverted>%s</sf:IsConverted>
                     <sf:LastModifiedDate>%s</sf:LastModifiedDate>
                     <sf:LastName>Doe</sf:LastName>
                     <sf:LeadSource>Web</sf:LeadSource>
                     <sf:OwnerId>0055e000004Xq2TAAS</sf:OwnerId>
                     <sf:Status>%s</sf:Status>
                """.formatted(id, convertedTo == null ? "<sf:ConvertedOpportunityId xsi:nil=\"true\"/>\n     "
                        : "<sf:ConvertedContactId>0035e00000Ab1CdAAJ</sf:ConvertedContactId>\n     "
                        + "<sf:ConvertedOpportunityId>" + convertedTo + "</sf:ConvertedOpportunityId>\n     ",
                convertedTo != null, sf(modified), status));
    }

    /** A dateTime as Salesforce writes it: milliseconds, UTC. */
    static String sf(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS).toString().replace("Z", ".000Z").replace(".000.", ".");
    }

    static ExtractableResponse<Response> post(String body) {
        // Salesforce posts SOAP 1.1: text/xml and an empty SOAPAction
        return given().contentType("text/xml; charset=utf-8").header("SOAPAction", "\"\"")
                .body(body.getBytes(StandardCharsets.UTF_8)).post("/api/webhooks/salesforce").then().extract();
    }

    /** The answer is the notificationsResponse of the outbound namespace with Ack true, read as XML. */
    static void assertAcknowledged(ExtractableResponse<Response> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("text/xml");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultNSInstance();
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(answer.asByteArray()));
        Element envelope = doc.getDocumentElement();
        assertThat(envelope.getNamespaceURI()).isEqualTo("http://schemas.xmlsoap.org/soap/envelope/");
        assertThat(envelope.getLocalName()).isEqualTo("Envelope");
        Element body = (Element) envelope.getElementsByTagNameNS("http://schemas.xmlsoap.org/soap/envelope/", "Body")
                .item(0);
        Element response = (Element) body.getElementsByTagNameNS("http://soap.sforce.com/2005/09/outbound",
                "notificationsResponse").item(0);
        assertThat(response).isNotNull();
        assertThat(response.getElementsByTagNameNS("http://soap.sforce.com/2005/09/outbound", "Ack").item(0)
                .getTextContent()).isEqualTo("true");
    }

    Map<String, Long> published(List<String> leads) {
        return TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC).stream()
                .map(ConsumerRecord::key).filter(leads::contains)
                .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    }

    @Test
    void leadsAndOpportunitiesOfOneMessageAreRecordedAcknowledgedAndTheirRetriesAreDuplicates() throws Exception {
        String lead = id("00Q");
        String won = id("006");
        String early = id("006");
        String body = message(ORG,
                lead("04l5e00000MXb0vAAD", lead, "Working - Contacted", T, null),
                opportunity(id("04l"), won, "Closed Won", "25000.0", "EUR", T.plusSeconds(60)),
                // no CurrencyIsoCode: a single-currency org, the configured currency (USD in %test)
                opportunity(id("04l"), early, "Prospecting", "1.5E4", null, T.plusSeconds(120)),
                notification(id("04l"), "Contact", "     <sf:Id>0035e00000Ab1CdAAJ</sf:Id>\n"));
        assertAcknowledged(post(body));

        given().get("/api/leads/{id}", "salesforce:" + lead).then().statusCode(200)
                .body("history.toStage", equalTo(List.of("ENGAGED")))
                .body("history[0].rawStage", equalTo("Working - Contacted"))
                .body("history[0].occurredAt", equalTo(T.toString()))
                .body("history[0].sourceEventId", equalTo("04l5e00000MXb0vAAD:" + lead + ":Working - Contacted"))
                .body("attributes.owner", equalTo("0055e000004Xq2TAAS"))
                .body("firstTouchChannel", equalTo("Web"));
        given().get("/api/leads/{id}", "salesforce:" + won).then().statusCode(200)
                .body("history.toStage", equalTo(List.of("CLOSED_WON")))
                .body("history[0].amount", equalTo(25000.0f))
                .body("history[0].currency", equalTo("EUR"))
                .body("history[0].occurredAt", equalTo(T.plusSeconds(60).toString()))
                .body("attributes.channel", equalTo("Partner Referral"));
        given().get("/api/leads/{id}", "salesforce:" + early).then().statusCode(200)
                .body("history.toStage", equalTo(List.of("SAL")))
                .body("history[0].amount", equalTo(15000.0f))
                .body("history[0].currency", equalTo("USD"));
        given().get("/api/leads/{id}", "salesforce:0035e00000Ab1CdAAJ").then().statusCode(404);

        List<String> leads = List.of("salesforce:" + lead, "salesforce:" + won, "salesforce:" + early);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(published(leads))
                .isEqualTo(Map.of(leads.get(0), 1L, leads.get(1), 1L, leads.get(2), 1L)));

        // Salesforce retries until acknowledged: the same message again is acknowledged and changes nothing
        assertAcknowledged(post(body));
        given().get("/api/leads/{id}", "salesforce:" + won).then().body("history.size()", equalTo(1));
        Thread.sleep(2_000); // what the outbox would publish, it publishes within the poll interval
        assertThat(published(leads)).isEqualTo(Map.of(leads.get(0), 1L, leads.get(1), 1L, leads.get(2), 1L));
    }

    /**
     * An Outbound Message says how the Opportunity stands, not what changed: a notification with the stage it was
     * already in and another Amount is a details change (published as LeadDetailsChanged, with its header); the
     * same Amount again, or the notification retried, publishes nothing.
     */
    @Test
    void anAmountChangedWhileTheStageDidNotIsADetailsChange() throws Exception {
        String won = id("006");
        String lead = "salesforce:" + won;
        assertAcknowledged(post(message(ORG, opportunity(id("04l"), won, "Closed Won", "25000.0", "EUR", T))));
        String corrected = message(ORG, opportunity(id("04l"), won, "Closed Won", "30000.0", "EUR",
                T.plusSeconds(3600)));
        assertAcknowledged(post(corrected));
        assertAcknowledged(post(corrected)); // retried: a duplicate
        assertAcknowledged(post(message(ORG, opportunity(id("04l"), won, "Closed Won", "3E4", "EUR",
                T.plusSeconds(7200))))); // the same Amount: nothing new

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(published(List.of(lead)))
                .isEqualTo(Map.of(lead, 2L)));
        Thread.sleep(2_000); // what the outbox would publish, it publishes within the poll interval
        List<ConsumerRecord<String, String>> records = TopicProbe.readAll(infra.kafka().bootstrapServers(),
                LeadStageChanged.TOPIC).stream().filter(r -> lead.equals(r.key())).toList();
        assertThat(records).hasSize(2);
        assertThat(new String(records.get(1).headers().lastHeader(dev.l2r.events.LeadEventTypes.HEADER).value(),
                StandardCharsets.UTF_8)).isEqualTo(dev.l2r.events.LeadEventTypes.LEAD_DETAILS_CHANGED);
        dev.l2r.events.LeadDetailsChanged change = dev.l2r.events.EventJson.readLeadDetailsChanged(records.get(1).value());
        assertThat(change.amount()).isEqualByComparingTo("30000");
        assertThat(change.occurredAt()).isEqualTo(T.plusSeconds(3600));
        given().get("/api/leads/{id}", lead).then().body("history.size()", equalTo(1))
                .body("amount", equalTo(30000.0f)).body("currency", equalTo("EUR"))
                .body("details.size()", equalTo(1));
    }

    @Test
    void aConvertedLeadsOpportunityContinuesTheLeadsHistory() throws Exception {
        String lead = id("00Q");
        String opportunity = id("006");
        assertAcknowledged(post(message(ORG, lead(id("04l"), lead, "Open - Not Contacted", T, null))));
        assertAcknowledged(post(message(ORG,
                lead(id("04l"), lead, "Closed - Converted", T.plusSeconds(3_600), opportunity),
                opportunity(id("04l"), opportunity, "Qualification", "8000.0", "EUR", T.plusSeconds(3_600)))));
        // ConvertedOpportunityId links them: the Lead (first seen earlier) survives and carries the Opportunity's
        // stage and amount; the Opportunity's id finds it
        given().get("/api/leads/{id}", "salesforce:" + opportunity).then().statusCode(200)
                .body("leadId", equalTo("salesforce:" + lead))
                .body("history[0].toStage", equalTo("KNOWN"))
                .body("currentStage", equalTo("SQL"))
                .body("amount", equalTo(8000.0f));
        // the next Opportunity notification is recorded under the Lead
        assertAcknowledged(post(message(ORG,
                opportunity(id("04l"), opportunity, "Closed Won", "8000.0", "EUR", T.plusSeconds(7_200)))));
        given().get("/api/leads/{id}", "salesforce:" + lead).then().statusCode(200)
                .body("currentStage", equalTo("CLOSED_WON"));
    }

    @Test
    void theOrganizationIdIsTheSendersProofInEitherFormButNotInAnotherCase() throws Exception {
        String opportunity = id("006");
        String n = opportunity(id("04l"), opportunity, "Qualification", null, null, T);
        for (String org : new String[] {null, "00D5e000000bKzQEAU", "00D5e000000bkzPEAU", "00D5e000000bKz", ""}) {
            ExtractableResponse<Response> answer = post(message(org, n));
            assertThat(answer.statusCode()).as("OrganizationId %s", org).isEqualTo(401);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.asString()).contains("OrganizationId").doesNotContain("00D5e000000bKzP");
        }
        given().get("/api/leads/{id}", "salesforce:" + opportunity).then().statusCode(404);
        // the 15-character form of the configured organization is the same organization
        assertAcknowledged(post(message("00D5e000000bKzP", n)));
        given().get("/api/leads/{id}", "salesforce:" + opportunity).then().statusCode(200)
                .body("history.toStage", equalTo(List.of("SQL")));
    }

    @Test
    void anUnmappedStageIsParkedAndAcknowledgedWhileTheOthersAreRecorded() throws Exception {
        String custom = id("006");
        String mapped = id("006");
        assertAcknowledged(post(message(ORG,
                opportunity(id("04l"), custom, "Awaiting Legal Review", "1200.0", "EUR", T),
                opportunity(id("04l"), mapped, "Needs Analysis", "1200.0", "EUR", T))));
        // parked, not recorded: it is recorded once a mapping for "Awaiting Legal Review" exists
        given().get("/api/leads/{id}", "salesforce:" + custom).then().statusCode(404);
        given().get("/api/leads/{id}", "salesforce:" + mapped).then().statusCode(200)
                .body("history.toStage", equalTo(List.of("OPPORTUNITY")));
    }

    @Test
    void aRefusedNotificationIsNotAcknowledgedSoSalesforceRetriesItAndTheOthersAreNotRecordedTwice()
            throws Exception {
        String good = id("006");
        String bad = id("006");
        String goodNotification = opportunity(id("04l"), good, "Closed Lost", "10.0", "EUR", T);
        String badId = id("04l");
        String answer = post(message(ORG, goodNotification,
                opportunity(badId, bad, "Closed Won", "-5.0", "EUR", T))).asString();
        assertThat(answer).contains("Notification[1].sObject.Amount");
        ExtractableResponse<Response> refused = post(message(ORG, goodNotification,
                opportunity(badId, bad, "Closed Won", "-5.0", "EUR", T)));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        given().get("/api/leads/{id}", "salesforce:" + good).then().body("history.toStage", equalTo(List.of("CLOSED_LOST")));
        given().get("/api/leads/{id}", "salesforce:" + bad).then().statusCode(404);

        // the record fixed in Salesforce, the retry carries its values then: acknowledged, the first one a duplicate
        assertAcknowledged(post(message(ORG, goodNotification,
                opportunity(badId, bad, "Closed Won", "5.0", "EUR", T.plusSeconds(30)))));
        given().get("/api/leads/{id}", "salesforce:" + good).then().body("history.size()", equalTo(1));
        given().get("/api/leads/{id}", "salesforce:" + bad).then().body("history[0].amount", equalTo(5.0f));

        // a message without the fields L2R needs names them
        String noTime = notification(id("04l"), "Opportunity", "     <sf:Id>" + id("006") + "</sf:Id>\n"
                + "     <sf:StageName>Prospecting</sf:StageName>\n");
        given().contentType("text/xml").body(message(ORG, noTime)).post("/api/webhooks/salesforce").then()
                .statusCode(400).body("errors.field", hasItems("Notification[0].sObject.LastModifiedDate"));
    }

    @Test
    void aDoctypeIsRefused400WithoutItsEntitiesEverBeingFetched() throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] answer = "00D5e000000bKzPEAU".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            String entityUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/org";
            String general = message("&org;", opportunity(id("04l"), id("006"), "Prospecting", null, null, T))
                    .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE soapenv:Envelope [<!ENTITY org SYSTEM \""
                                    + entityUrl + "\">]>\n");
            String parameter = "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY % remote SYSTEM \"" + entityUrl
                    + "/dtd\"> %remote;]>\n" + message(ORG).substring(message(ORG).indexOf("<soapenv:Envelope"));
            String external = "<?xml version=\"1.0\"?>\n<!DOCTYPE soapenv:Envelope SYSTEM \"" + entityUrl + "/ext\">\n"
                    + message(ORG).substring(message(ORG).indexOf("<soapenv:Envelope"));
            for (String body : List.of(general, parameter, external)) {
                // a plain client: RestAssured's request log would parse the XML on this side too
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.toURI())
                                .header("Content-Type", "text/xml; charset=utf-8")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(400);
                assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                JsonPath problem = JsonPath.from(answer.body());
                assertThat(problem.getString("field")).isEqualTo("body");
                assertThat(problem.getString("detail")).contains("DOCTYPE");
            }
            assertThat(fetched.get()).as("requests for the entities").isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    @Timeout(120)
    void aMessageOverTheBodyLimitIs413WhateverItsFraming() throws Exception {
        String padding = "<sf:Description>" + "x".repeat(11 * 1024 * 1024) + "</sf:Description>\n";
        byte[] huge = message(ORG, notification(id("04l"), "Opportunity", padding)).getBytes(StandardCharsets.UTF_8);
        given().contentType("text/xml").body(huge).post("/api/webhooks/salesforce").then().statusCode(413)
                .contentType("application/problem+json");
        // HTTP/1.1 as a sender speaks it: the JDK client's default HTTP/2 upgrade may read the server's GOAWAY,
        // sent with the 413, before the 413 itself
        HttpResponse<String> chunked = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(endpoint.toURI())
                        .header("Content-Type", "text/xml")
                        .header("X-API-Key", ConfigProvider.getConfig().getValue("l2r.auth.bootstrap-key", String.class))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
    }
}
