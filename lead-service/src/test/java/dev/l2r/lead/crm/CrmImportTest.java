package dev.l2r.lead.crm;

import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.platform.problem.ProblemException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * CRM history imports against a local server answering in the shapes the vendors document: HubSpot's CRM objects
 * with {@code propertiesWithHistory} and {@code paging.next.after}; Salesforce's query results ({@code done},
 * {@code nextRecordsUrl}, {@code records} with {@code attributes}); Pipedrive's v2 deal list
 * ({@code additional_data.next_cursor}) and v1 deal flow ({@code dealChange} entries, {@code additional_data.pagination}).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
@QuarkusTestResource(value = CrmServer.class, restrictToAnnotatedClass = true)
class CrmImportTest {

    @Inject
    CrmImports imports;

    @TestHTTPResource("/")
    URI root;

    @BeforeEach
    void fresh() {
        CrmServer.seen.clear();
    }

    @AfterEach
    void quiet() {
        CrmServer.responder = seen -> new CrmServer.Answer(404, Map.of(), "{}");
    }

    // --- HubSpot: shapes of the CRM objects API v3 reference ("Retrieve a batch of deals"/"List deals" responses:
    // results[].id, properties, propertiesWithHistory.<property>[] of value, timestamp, sourceType, sourceId,
    // updatedByUserId, newest first; paging.next.after and link, as in HubSpot's published example "NTI1Cg%3D%3D")

    static final String HUBSPOT_DEALS_1 = """
            {"results":[{"id":"101","properties":{"amount":"25000","deal_currency_code":"EUR","dealstage":"closedwon",
              "hubspot_owner_id":"9002","hs_object_id":"101"},
              "propertiesWithHistory":{
                "dealstage":[
                  {"value":"closedwon","timestamp":"2024-03-20T15:00:00.000Z","sourceType":"CRM_UI","sourceId":"userId:9002","updatedByUserId":9002},
                  {"value":"qualifiedtobuy","timestamp":"2024-02-10T09:30:00.000Z","sourceType":"CRM_UI","sourceId":"userId:9002","updatedByUserId":9002},
                  {"value":"appointmentscheduled","timestamp":"2024-01-05T10:00:00.123Z","sourceType":"CRM_UI","sourceId":"userId:9001","updatedByUserId":9001}],
                "amount":[
                  {"value":"25000","timestamp":"2024-03-20T14:59:00.000Z","sourceType":"CRM_UI","sourceId":"userId:9002","updatedByUserId":9002},
                  {"value":"20000","timestamp":"2024-01-05T10:00:00.123Z","sourceType":"CRM_UI","sourceId":"userId:9001","updatedByUserId":9001}],
                "hubspot_owner_id":[
                  {"value":"9002","timestamp":"2024-02-10T09:30:00.000Z","sourceType":"CRM_UI","sourceId":"userId:9002"},
                  {"value":"9001","timestamp":"2024-01-05T10:00:00.123Z","sourceType":"CRM_UI","sourceId":"userId:9001"}]},
              "createdAt":"2024-01-05T10:00:00.123Z","updatedAt":"2024-03-20T15:00:00.000Z","archived":false}],
             "paging":{"next":{"after":"NTI1Cg%3D%3D","link":"?after=NTI1Cg%3D%3D"}}}""";
    static final String CUSTOM_STAGE = "1f4f1ec1-8174-49f3-a112-4eaa4748e38e";
    static final String HUBSPOT_DEALS_2 = """
            {"results":[{"id":"102","properties":{"dealstage":"%s","hs_object_id":"102"},
              "propertiesWithHistory":{
                "dealstage":[
                  {"value":"%s","timestamp":"2024-04-01T08:00:00.000Z","sourceType":"CRM_UI","sourceId":"userId:9001"},
                  {"value":"appointmentscheduled","timestamp":"2024-03-01T08:00:00.000Z","sourceType":"CRM_UI","sourceId":"userId:9001"}],
                "amount":[],"hubspot_owner_id":[]},
              "createdAt":"2024-03-01T08:00:00.000Z","updatedAt":"2024-04-01T08:00:00.000Z","archived":false}]}"""
            .formatted(CUSTOM_STAGE, CUSTOM_STAGE);
    static final String HUBSPOT_CONTACTS = """
            {"results":[{"id":"201","properties":{"lifecyclestage":"marketingqualifiedlead","hubspot_owner_id":"9003"},
              "propertiesWithHistory":{
                "lifecyclestage":[
                  {"value":"marketingqualifiedlead","timestamp":"2024-01-10T12:00:00.000Z","sourceType":"AUTOMATION_PLATFORM","sourceId":"enrollmentId:1"},
                  {"value":"lead","timestamp":"2024-01-02T00:00:00.000Z","sourceType":"FORM","sourceId":"form:1"}],
                "hubspot_owner_id":[{"value":"9003","timestamp":"2024-01-02T00:00:00.000Z","sourceType":"CRM_UI"}]},
              "createdAt":"2024-01-02T00:00:00.000Z","updatedAt":"2024-01-10T12:00:00.000Z","archived":false}]}""";

    @Test
    void hubSpotHistoryIsRecordedInEventTimeWithAmountsAndOwnersAndARunAgainIsAllDuplicates() {
        AtomicBoolean limited = new AtomicBoolean();
        CrmServer.responder = seen -> {
            if (!("Bearer " + CrmServer.HUBSPOT_TOKEN).equals(seen.header("Authorization"))) {
                return new CrmServer.Answer(401, Map.of(), "{\"status\":\"error\",\"category\":\"INVALID_AUTHENTICATION\"}");
            }
            String uri = seen.uri();
            assertThat(uri).contains("limit=50");
            if (uri.startsWith("/hubspot/crm/v3/objects/deals")) {
                assertThat(decoded(uri)).contains("propertiesWithHistory=dealstage,amount,hubspot_owner_id");
                if (!uri.contains("after=")) {
                    return CrmServer.Answer.json(HUBSPOT_DEALS_1);
                }
                assertThat(uri).contains("after=NTI1Cg%3D%3D");
                if (limited.compareAndSet(false, true)) { // HubSpot's burst limit: a 429 in the middle
                    return new CrmServer.Answer(429, Map.of("Retry-After", "1"),
                            "{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\","
                                    + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"SECONDLY\"}");
                }
                return CrmServer.Answer.json(HUBSPOT_DEALS_2);
            }
            if (uri.startsWith("/hubspot/crm/v3/objects/contacts")) {
                assertThat(decoded(uri)).contains("propertiesWithHistory=lifecyclestage,hubspot_owner_id");
                return CrmServer.Answer.json(HUBSPOT_CONTACTS);
            }
            return new CrmServer.Answer(404, Map.of(), "{}");
        };

        JsonPath first = runToEnd("hubspot");
        assertThat(first.getString("state")).isEqualTo("DONE");
        assertThat(first.getLong("pages")).isEqualTo(3);
        assertThat(first.getLong("records")).isEqualTo(3);
        assertThat(first.getLong("recorded")).isEqualTo(6);
        assertThat(first.getLong("parked")).isEqualTo(1);
        assertThat(first.getLong("duplicates")).isZero();
        assertThat(first.getString("phase")).isEqualTo("done");

        // the 429 was waited out for its Retry-After (1 s) before the page was asked for again
        List<CrmServer.Seen> second = CrmServer.seen.stream().filter(s -> s.uri().contains("after=")).toList();
        assertThat(second).hasSize(2);
        assertThat(Duration.ofNanos(second.get(1).atNanos() - second.get(0).atNanos())).isGreaterThanOrEqualTo(
                Duration.ofMillis(1000));

        JsonPath deal = lead("hubspot:deal:101");
        assertThat(deal.getList("history.toStage")).containsExactly("SAL", "SQL", "CLOSED_WON");
        assertThat(deal.getList("history.occurredAt")).containsExactly("2024-01-05T10:00:00.123Z",
                "2024-02-10T09:30:00Z", "2024-03-20T15:00:00Z");
        assertThat(amounts(deal)).containsExactly(new BigDecimal("2E+4"), new BigDecimal("2E+4"),
                new BigDecimal("2.5E+4"));
        assertThat(deal.getList("history.currency")).containsOnly("EUR");
        assertThat(deal.getList("history.attributes.owner")).containsExactly("9001", "9002", "9002");
        assertThat(deal.getList("history.source")).containsOnly("hubspot");
        assertThat(deal.getList("history.sourceEventId", String.class)).allMatch(id -> id.startsWith("history:deal:101:"));
        assertThat(deal.getList("history.rawStage")).containsExactly("appointmentscheduled", "qualifiedtobuy", "closedwon");

        JsonPath custom = lead("hubspot:deal:102");
        assertThat(custom.getList("history.toStage")).containsExactly("SAL");
        JsonPath contact = lead("hubspot:201");
        assertThat(contact.getList("history.toStage")).containsExactly("ENGAGED", "MQL");
        assertThat(contact.getList("history.occurredAt")).containsExactly("2024-01-02T00:00:00Z", "2024-01-10T12:00:00Z");
        assertThat(contact.getString("attributes.owner")).isEqualTo("9003");

        // the custom pipeline's stage waits under its value, as a webhook's would
        JsonPath parked = given().queryParam("source", "hubspot").queryParam("value", CUSTOM_STAGE)
                .get("/api/admin/unmapped/items").then().statusCode(200).extract().jsonPath();
        assertThat(parked.getList("leadId")).containsExactly("hubspot:deal:102");
        assertThat(parked.getList("occurredAt")).containsExactly("2024-04-01T08:00:00Z");
        assertThat(parked.getList("field")).containsExactly("dealstage");

        // the same history again: nothing new, every change and the parked item a duplicate
        JsonPath again = runToEnd("hubspot");
        assertThat(again.getString("state")).isEqualTo("DONE");
        assertThat(again.getLong("recorded")).isZero();
        assertThat(again.getLong("unchanged")).isZero();
        assertThat(again.getLong("parked")).isZero();
        assertThat(again.getLong("duplicates")).isEqualTo(7);
        assertThat(lead("hubspot:deal:101").getList("history")).hasSize(3);
    }

    // --- Salesforce: the REST API's "Execute a SOQL Query" example responses (done, totalSize, records with
    // attributes {type, url}, nextRecordsUrl "/services/data/vXX.X/query/01gD0000002HU6KIAW-2000"); dateTimes as the
    // API writes them (2024-02-01T10:00:00.000+0000); relationship fields as nested records with attributes

    static final String OPP_1 = "0065e00000Gv7RPAAZ";
    static final String OPP_2 = "0065e00000Gv7RQAAZ";
    static final String LEAD_ID = "00Q5e00000AbCdEEAZ";
    static final String SF_OPPS_1 = """
            {"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gD0000002HU6KIAW-2",
             "records":[
              {"attributes":{"type":"OpportunityHistory","url":"/services/data/v62.0/sobjects/OpportunityHistory/0085e00000AbCdEAAA"},
               "Id":"0085e00000AbCdEAAA","OpportunityId":"%s","StageName":"Prospecting","Amount":15000.0,
               "CreatedDate":"2024-02-01T10:00:00.000+0000",
               "Opportunity":{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/%s"},"OwnerId":"0055e000003AbCdAAK"}},
              {"attributes":{"type":"OpportunityHistory","url":"/services/data/v62.0/sobjects/OpportunityHistory/0085e00000AbCdFAAA"},
               "Id":"0085e00000AbCdFAAA","OpportunityId":"%s","StageName":"Qualification","Amount":5000.0,
               "CreatedDate":"2024-02-05T11:30:00.000+0000",
               "Opportunity":{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/%s"},"OwnerId":"0055e000003AbCdAAK"}}]}"""
            .formatted(OPP_1, OPP_1, OPP_2, OPP_2);
    static final String SF_OPPS_2 = """
            {"totalSize":3,"done":true,
             "records":[
              {"attributes":{"type":"OpportunityHistory","url":"/services/data/v62.0/sobjects/OpportunityHistory/0085e00000AbCdGAAA"},
               "Id":"0085e00000AbCdGAAA","OpportunityId":"%s","StageName":"Closed Won","Amount":18000.0,
               "CreatedDate":"2024-02-20T16:45:00.000+0000",
               "Opportunity":{"attributes":{"type":"Opportunity","url":"/services/data/v62.0/sobjects/Opportunity/%s"},"OwnerId":"0055e000003AbCdAAK"}}]}"""
            .formatted(OPP_1, OPP_1);
    static final String SF_LEADS = """
            {"totalSize":2,"done":true,
             "records":[
              {"attributes":{"type":"LeadHistory","url":"/services/data/v62.0/sobjects/LeadHistory/0175e00000XyZaBAAQ"},
               "Id":"0175e00000XyZaBAAQ","LeadId":"%s","Field":"Status","OldValue":"Open - Not Contacted",
               "NewValue":"Working - Contacted","CreatedDate":"2024-01-10T08:00:00.000+0000",
               "Lead":{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/%s"},"OwnerId":"0055e000003XyZaAAK"}},
              {"attributes":{"type":"LeadHistory","url":"/services/data/v62.0/sobjects/LeadHistory/0175e00000XyZaCAAQ"},
               "Id":"0175e00000XyZaCAAQ","LeadId":"%s","Field":"Status","OldValue":"Working - Contacted",
               "NewValue":"Nurturing","CreatedDate":"2024-01-15T08:00:00.000+0000",
               "Lead":{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/%s"},"OwnerId":"0055e000003XyZaAAK"}}]}"""
            .formatted(LEAD_ID, LEAD_ID, LEAD_ID, LEAD_ID);

    @Test
    void salesforceFollowsNextRecordsUrlWaitsOutA503AndAnImportTheServiceStoppedUnderContinues() throws Exception {
        CountDownLatch leadsAsked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger unavailable = new AtomicInteger();
        CrmServer.responder = seen -> {
            if (!("Bearer " + CrmServer.SALESFORCE_TOKEN).equals(seen.header("Authorization"))) {
                return new CrmServer.Answer(401, Map.of(), "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
            }
            String uri = decoded(seen.uri());
            if (uri.equals("/salesforce/services/data/v62.0/query/01gD0000002HU6KIAW-2")) {
                if (unavailable.getAndIncrement() == 0) { // unavailable once, with Retry-After as an HTTP date
                    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            Instant.now().plusSeconds(2).atOffset(ZoneOffset.UTC));
                    return new CrmServer.Answer(503, Map.of("Retry-After", date), "");
                }
                return new CrmServer.Answer(200, Map.of("Sforce-Limit-Info", "api-usage=25/15000"), SF_OPPS_2);
            }
            if (uri.startsWith("/salesforce/services/data/v62.0/query?q=")) {
                String soql = uri.substring(uri.indexOf("q=") + 2);
                if (soql.equals(SalesforceHistory.soql(SalesforceHistory.OPPORTUNITIES, null))) {
                    return CrmServer.Answer.json(SF_OPPS_1);
                }
                if (soql.equals(SalesforceHistory.soql(SalesforceHistory.LEADS, null))) {
                    leadsAsked.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS); // the service stops while it waits for this page
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return CrmServer.Answer.json(SF_LEADS);
                }
            }
            return new CrmServer.Answer(400, Map.of(), "[{\"message\":\"unexpected " + uri + "\",\"errorCode\":\"MALFORMED_QUERY\"}]");
        };
        assertThat(SalesforceHistory.soql(SalesforceHistory.LEADS, null))
                .isEqualTo("SELECT Id, LeadId, Field, OldValue, NewValue, CreatedDate, Lead.OwnerId FROM LeadHistory "
                        + "WHERE Field = 'Status' ORDER BY CreatedDate, Id");

        long id = startImport("salesforce");
        assertThat(leadsAsked.await(60, TimeUnit.SECONDS)).isTrue();
        imports.stopWorkers(); // as at a shutdown: the import stays RUNNING at its position
        JsonPath stopped = progress(id);
        assertThat(stopped.getString("state")).isEqualTo("RUNNING");
        assertThat(stopped.getString("phase")).isEqualTo("LeadHistory");
        assertThat(stopped.getLong("pages")).isEqualTo(2);
        assertThat(stopped.getLong("recorded")).isEqualTo(3);
        assertThat(unavailable).hasValue(2);

        release.countDown();
        assertThat(imports.resumeRunning()).isEqualTo(1); // what the next start does
        JsonPath done = awaitEnd(id);
        assertThat(done.getString("state")).isEqualTo("DONE");
        assertThat(done.getLong("pages")).isEqualTo(3);
        assertThat(done.getLong("records")).isEqualTo(5);
        assertThat(done.getLong("recorded")).isEqualTo(4);
        assertThat(done.getLong("parked")).isEqualTo(1);
        assertThat(done.getLong("duplicates")).isZero();

        JsonPath won = lead("salesforce:" + OPP_1);
        assertThat(won.getList("history.toStage")).containsExactly("SAL", "CLOSED_WON");
        assertThat(won.getList("history.occurredAt")).containsExactly("2024-02-01T10:00:00Z", "2024-02-20T16:45:00Z");
        assertThat(amounts(won)).containsExactly(new BigDecimal("1.5E+4"), new BigDecimal("1.8E+4"));
        assertThat(won.getList("history.currency")).containsOnly("USD");
        assertThat(won.getList("history.attributes.owner")).containsOnly("0055e000003AbCdAAK");
        assertThat(won.getList("history.sourceEventId")).containsExactly("history:0085e00000AbCdEAAA",
                "history:0085e00000AbCdGAAA");
        assertThat(lead("salesforce:" + OPP_2).getList("history.toStage")).containsExactly("SQL");
        JsonPath lead = lead("salesforce:" + LEAD_ID);
        assertThat(lead.getList("history.toStage")).containsExactly("ENGAGED");
        assertThat(lead.getList("history.occurredAt")).containsExactly("2024-01-10T08:00:00Z");
        assertThat(given().queryParam("source", "salesforce").queryParam("value", "Nurturing")
                .get("/api/admin/unmapped/items").then().statusCode(200).extract().jsonPath().getList("leadId"))
                .containsExactly("salesforce:" + LEAD_ID);
    }

    // --- Pipedrive: API v2 "Get all deals" (data[], additional_data.next_cursor) and v1 "List updates about a deal"
    // (data[] of {object, timestamp, data}; dealChange data: id, item_id, user_id, field_key, old_value, new_value,
    // log_time "YYYY-MM-DD HH:MM:SS" in UTC, change_source; additional_data.pagination), newest first

    static final String PD_DEALS_1 = """
            {"success":true,"data":[{"id":7,"title":"Acme renewal","owner_id":123,"person_id":1,"org_id":2,
              "stage_id":4,"pipeline_id":1,"value":5000,"currency":"EUR","status":"won",
              "add_time":"2024-01-03T09:00:00Z","update_time":"2024-02-01T12:00:00Z","won_time":"2024-02-01T12:00:00Z"}],
             "additional_data":{"next_cursor":"eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6N30"}}""";
    static final String PD_DEALS_2 = """
            {"success":true,"data":[{"id":8,"title":"Second pipeline","owner_id":124,"stage_id":42,"pipeline_id":2,
              "value":800,"currency":"EUR","status":"open","add_time":"2024-02-05T10:00:00Z",
              "update_time":"2024-02-05T10:00:00Z"}],
             "additional_data":{"next_cursor":null}}""";
    static final String PD_FLOW_7 = """
            {"success":true,"data":[
              {"object":"dealChange","timestamp":"2024-02-01 12:00:00","data":{"id":55,"item_id":7,"user_id":123,
               "field_key":"status","old_value":"open","new_value":"won","log_time":"2024-02-01 12:00:00","change_source":"app"}},
              {"object":"note","timestamp":"2024-01-30 10:00:00","data":{"id":3,"deal_id":7,"content":"call back"}},
              {"object":"dealChange","timestamp":"2024-01-25 08:00:00","data":{"id":54,"item_id":7,"user_id":123,
               "field_key":"value","old_value":"3000","new_value":"5000","log_time":"2024-01-25 08:00:00","change_source":"app"}},
              {"object":"dealChange","timestamp":"2024-01-20 10:00:00","data":{"id":53,"item_id":7,"user_id":123,
               "field_key":"stage_id","old_value":"1","new_value":"4","log_time":"2024-01-20 10:00:00","change_source":"app",
               "additional_data":{"old_value_formatted":"Qualified","new_value_formatted":"Proposal Made"}}},
              {"object":"dealChange","timestamp":"2024-01-03 09:00:00","data":{"id":52,"item_id":7,"user_id":123,
               "field_key":"add_time","old_value":null,"new_value":"2024-01-03 09:00:00","log_time":"2024-01-03 09:00:00"}}],
             "additional_data":{"pagination":{"start":0,"limit":100,"more_items_in_collection":false}}}""";
    static final String PD_FLOW_8 = """
            {"success":true,"data":[
              {"object":"dealChange","timestamp":"2024-02-05 10:00:00","data":{"id":60,"item_id":8,"user_id":124,
               "field_key":"add_time","old_value":null,"new_value":"2024-02-05 10:00:00","log_time":"2024-02-05 10:00:00"}}],
             "additional_data":{"pagination":{"start":0,"limit":100,"more_items_in_collection":false}}}""";

    @Test
    void pipedriveDealFlowIsReplayedAndAnImportThatFailedHalfWayResumesRecordingEachChangeOnce() {
        AtomicBoolean broken = new AtomicBoolean(true);
        CrmServer.responder = seen -> {
            if (!CrmServer.PIPEDRIVE_TOKEN.equals(seen.header("x-api-token"))) {
                return new CrmServer.Answer(401, Map.of(), "{\"success\":false,\"error\":\"unauthorized access\",\"errorCode\":401}");
            }
            String uri = seen.uri();
            if (uri.equals("/pipedrive/api/v2/deals?limit=100")) {
                return CrmServer.Answer.json(PD_DEALS_1);
            }
            if (uri.equals("/pipedrive/api/v2/deals?limit=100&cursor=eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6N30")) {
                if (broken.get()) { // fails hard (no retry helps), echoing the token as a careless proxy might
                    return new CrmServer.Answer(400, Map.of(), "{\"success\":false,\"error\":\"bad token "
                            + CrmServer.PIPEDRIVE_TOKEN + "\"}");
                }
                return CrmServer.Answer.json(PD_DEALS_2);
            }
            if (uri.equals("/pipedrive/v1/deals/7/flow?start=0&limit=100")) {
                return CrmServer.Answer.json(PD_FLOW_7);
            }
            if (uri.equals("/pipedrive/v1/deals/8/flow?start=0&limit=100")) {
                return CrmServer.Answer.json(PD_FLOW_8);
            }
            return new CrmServer.Answer(404, Map.of(), "{\"success\":false,\"error\":\"not found\"}");
        };

        long id = startImport("pipedrive");
        JsonPath failed = awaitEnd(id);
        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("error")).contains("pipedrive answered 400").contains("***")
                .doesNotContain(CrmServer.PIPEDRIVE_TOKEN);
        assertThat(failed.getLong("pages")).isEqualTo(1);
        assertThat(failed.getString("cursor")).isEqualTo("eyJmaWVsZCI6ImlkIiwiZmllbGRWYWx1ZSI6N30");
        assertThat(failed.getLong("recorded")).isEqualTo(3);
        given().get("/api/admin/crm-imports/" + id).then().statusCode(200);

        broken.set(false);
        given().post("/api/admin/crm-imports/" + id + "/resume").then().statusCode(202);
        JsonPath done = awaitEnd(id);
        assertThat(done.getString("state")).isEqualTo("DONE");
        assertThat(done.getLong("pages")).isEqualTo(2);
        assertThat(done.getLong("records")).isEqualTo(2);
        assertThat(done.getLong("recorded")).isEqualTo(3);
        assertThat(done.getLong("parked")).isEqualTo(1);
        assertThat(given().post("/api/admin/crm-imports/" + id + "/resume").then().statusCode(409).extract()
                .path("status").toString()).isEqualTo("409");

        JsonPath deal = lead("pipedrive:deal:7");
        assertThat(deal.getList("history.toStage")).containsExactly("SAL", "OPPORTUNITY", "CLOSED_WON");
        assertThat(deal.getList("history.occurredAt")).containsExactly("2024-01-03T09:00:00Z", "2024-01-20T10:00:00Z",
                "2024-02-01T12:00:00Z");
        assertThat(amounts(deal)).containsExactly(new BigDecimal("3E+3"), new BigDecimal("3E+3"),
                new BigDecimal("5E+3"));
        assertThat(deal.getList("history.attributes.owner")).containsOnly("123");
        assertThat(deal.getList("history.sourceEventId")).containsExactly("history:deal:7:added", "history:deal:7:53",
                "history:deal:7:55");
        assertThat(given().queryParam("source", "pipedrive").queryParam("value", "42")
                .get("/api/admin/unmapped/items").then().statusCode(200).extract().jsonPath().getList("leadId"))
                .containsExactly("pipedrive:deal:8");

        // the whole history again: every change a duplicate
        JsonPath again = runToEnd("pipedrive");
        assertThat(again.getLong("recorded")).isZero();
        assertThat(again.getLong("duplicates")).isEqualTo(4);
        assertThat(lead("pipedrive:deal:7").getList("history")).hasSize(3);
    }

    @Test
    void importsNeedAnAdminKeyRunOnePerSourceAndSayWhichSettingIsMissing() throws Exception {
        String reader = given().contentType(ContentType.JSON).body("{\"name\":\"crm reader\",\"scopes\":[\"read\"]}")
                .post("/api/admin/keys").then().statusCode(201).extract().path("key");
        for (String path : List.of("/api/admin/crm-imports", "/api/admin/crm-imports/1")) {
            var anonymous = EndpointAccess.send(root, "GET", path, Map.of());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", reader)).statusCode()).as(path)
                    .isEqualTo(403);
        }
        assertThat(EndpointAccess.send(root, "POST", "/api/admin/crm-imports", Map.of("X-API-Key", reader))
                .statusCode()).isEqualTo(403);
        assertThat(EndpointAccess.send(root, "DELETE", "/api/admin/crm-imports/1", Map.of()).statusCode())
                .isEqualTo(401);

        given().contentType(ContentType.JSON).body("{\"source\":\"zoho\"}").post("/api/admin/crm-imports")
                .then().statusCode(400).extract().path("field").equals("source");
        assertThat(given().contentType(ContentType.JSON).body("{\"source\":\"hubspot\",\"since\":\"yesterday\"}")
                .post("/api/admin/crm-imports").then().statusCode(400).extract().path("field").toString())
                .isEqualTo("since");
        given().get("/api/admin/crm-imports/999999").then().statusCode(404);
        given().queryParam("state", "SLEEPING").get("/api/admin/crm-imports").then().statusCode(400);

        // a second import of a source while one runs: 409; cancelling stops it and keeps what it recorded
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CrmServer.responder = seen -> {
            asked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CrmServer.Answer.json("{\"results\":[]}");
        };
        try {
            long id = startImport("hubspot");
            assertThat(asked.await(30, TimeUnit.SECONDS)).isTrue();
            given().contentType(ContentType.JSON).body("{\"source\":\"hubspot\"}").post("/api/admin/crm-imports")
                    .then().statusCode(409);
            assertThat(given().delete("/api/admin/crm-imports/" + id).then().statusCode(200).extract()
                    .path("state").toString()).isEqualTo("CANCELLED");
            given().delete("/api/admin/crm-imports/" + id).then().statusCode(409);
            assertThat(given().queryParam("state", "cancelled").get("/api/admin/crm-imports").then().statusCode(200)
                    .extract().jsonPath().getList("id", Long.class)).contains(id);
        } finally {
            release.countDown();
        }

        // credentials only from the environment: without them, a 409 naming the variable
        CrmSettings none = new CrmSettings(new SmallRyeConfigBuilder().build());
        assertThatThrownBy(() -> none.required("hubspot.token", "L2R_CRM_HUBSPOT_TOKEN"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.toProblem().field()).isEqualTo("L2R_CRM_HUBSPOT_TOKEN");
                });
        assertThat(CrmHttp.retryAfter("120", Instant.EPOCH)).isEqualTo(Duration.ofSeconds(120));
        assertThat(CrmHttp.retryAfter("Thu, 01 Jan 1970 00:00:30 GMT", Instant.EPOCH)).isEqualTo(Duration.ofSeconds(30));
        assertThat(CrmHttp.retryAfter("86400", Instant.EPOCH)).isEqualTo(CrmHttp.MAX_WAIT);
        assertThat(CrmHttp.retryAfter("soon", Instant.EPOCH)).isNull();
    }

    private static String decoded(String uri) {
        return URLDecoder.decode(uri, StandardCharsets.UTF_8);
    }

    private long startImport(String source) {
        return given().contentType(ContentType.JSON).body(Map.of("source", source)).post("/api/admin/crm-imports")
                .then().statusCode(202).extract().jsonPath().getLong("id");
    }

    private JsonPath runToEnd(String source) {
        return awaitEnd(startImport(source));
    }

    private JsonPath progress(long id) {
        return given().get("/api/admin/crm-imports/" + id).then().statusCode(200).extract().jsonPath();
    }

    private JsonPath awaitEnd(long id) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> !"RUNNING".equals(progress(id).getString("state")));
        return progress(id);
    }

    private static JsonPath lead(String leadId) {
        return given().get("/api/leads/" + leadId).then().statusCode(200).extract().jsonPath();
    }

    private static List<BigDecimal> amounts(JsonPath lead) {
        List<Object> raw = lead.getList("history.amount");
        return raw.stream().map(a -> new BigDecimal(String.valueOf(a)).stripTrailingZeros()).toList();
    }
}
