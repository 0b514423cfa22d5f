package dev.l2r.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.platform.pipeline.DeadLetters;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URL;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.l2r.events.funnel.FunnelDefinition.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.comparesEqualTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * A hand-worked March 2021 (figures worked out in the comments) through the real topic and database: the
 * answers, redelivery, a late event that corrects them, CSV, WIP, baseline, dead letters and problems.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunnelApiTest {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @InjectLocalInfra
    LocalInfra infra;

    static final List<LeadStageChanged> EVENTS = new ArrayList<>();

    static LeadStageChanged ev(String lead, String stage, String at, String channel, String segment) {
        LeadStageChanged e = Publisher.event("api-" + lead, stage, Instant.parse("2021-" + at + (at.length() == 5 ? "T00:00:00Z" : "Z")),
                new LeadAttributes(channel, segment, null, null));
        EVENTS.add(e);
        return e;
    }

    /** A June lead's event with a campaign (segment and owner unknown). */
    static void evc(String lead, String stage, String at, String channel, String campaign) {
        EVENTS.add(Publisher.event("api-" + lead, stage, Instant.parse("2021-" + at + "T00:00:00Z"),
                new LeadAttributes(channel, null, null, campaign)));
    }

    static {
        // June, by campaign. g (email, api-spring): MQL 06-01, SAL 06-03 (2 d), won 06-20
        evc("g", MQL, "06-01", "email", "api-spring");
        evc("g", SAL, "06-03", null, null);
        evc("g", CLOSED_WON, "06-20", null, null);
        // h (paid, api-spring): MQL 06-02, never converts
        evc("h", MQL, "06-02", "paid", "api-spring");
        // i (email, api-summer): MQL 06-04, SAL 06-05 (1 d)
        evc("i", MQL, "06-04", "email", "api-summer");
        evc("i", SAL, "06-05", null, null);
        // j (email): MQL 06-05 in api-summer, SAL 06-09 (4 d) in api-spring: its campaign is the latest, api-spring
        evc("j", MQL, "06-05", "email", "api-summer");
        evc("j", SAL, "06-09", null, "api-spring");
        // k (paid, no campaign): MQL 06-06, SAL 06-16 (10 d)
        evc("k", MQL, "06-06", "paid", null);
        evc("k", SAL, "06-16", null, null);

        // a (email, smb): MQL 03-01, SAL 03-03 12:00 (2.5 d), SQL 03-06, OPPORTUNITY 03-10, WON 03-20 (19 d after MQL)
        ev("a", MQL, "03-01", "email", "smb");
        ev("a", SAL, "03-03T12:00:00", null, null);
        ev("a", SQL, "03-06", null, null);
        ev("a", OPPORTUNITY, "03-10", null, null);
        ev("a", CLOSED_WON, "03-20", null, null);
        // b (email, ent): MQL 03-02, straight to SQL 03-12 (SAL skipped: reached 10 d after MQL), lost 03-15
        ev("b", MQL, "03-02", "email", "ent");
        ev("b", SQL, "03-12", null, null);
        ev("b", CLOSED_LOST, "03-15", null, null);
        // c (paid, smb): MQL 03-05, never converts
        ev("c", MQL, "03-05", "paid", "smb");
        // d (paid): first seen at SAL 03-07 (not in the MQL cohort), won 04-06 (passing SQL then: 30 d after SAL)
        ev("d", SAL, "03-07", "paid", null);
        ev("d", CLOSED_WON, "04-06", null, null);
        // e (no channel): MQL 03-10, SAL 03-11 (1 d), back to MQL 03-13, SAL again 03-14, won 03-30 (20 d after MQL)
        ev("e", MQL, "03-10", null, "smb");
        ev("e", SAL, "03-11", null, null);
        ev("e", MQL, "03-13", null, null);
        ev("e", SAL, "03-14", null, null);
        ev("e", CLOSED_WON, "03-30", null, null);
        // f (email): April MQL 04-02, SAL 04-05 (3 d)
        ev("f", MQL, "04-02", "email", "smb");
        ev("f", SAL, "04-05", null, null);
    }

    static RequestSpecification api() {
        return given().config(RestAssured.config().jsonConfig(
                JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL)));
    }

    static RequestSpecification march() {
        return api().queryParam("from", "2021-03-01").queryParam("to", "2021-03-31");
    }

    @Test
    @Order(1)
    void handWorkedMarchFunnel() {
        Publisher.publish(infra.kafka().bootstrapServers(), EVENTS);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> march().get("/api/funnel").then().statusCode(200)
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(4))
                .body("stages.find { it.stage == 'CLOSED_WON' }.entered", equalTo(2)));

        march().get("/api/funnel").then().statusCode(200)
                // MQL: a, b, c, e entered; a, b, e reached SAL or beyond (2.5, 10, 1 days); a and e won
                .body("stages.find { it.stage == 'MQL' }.nextStage", equalTo("SAL"))
                .body("stages.find { it.stage == 'MQL' }.reachedNext", equalTo(3))
                .body("stages.find { it.stage == 'MQL' }.conversionToNext", comparesEqualTo(new BigDecimal("0.75")))
                .body("stages.find { it.stage == 'MQL' }.reachedWon", equalTo(2))
                .body("stages.find { it.stage == 'MQL' }.conversionToWon", comparesEqualTo(new BigDecimal("0.5")))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.mean", comparesEqualTo(new BigDecimal("4.5")))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("2.5")))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.p90", comparesEqualTo(new BigDecimal("10")))
                // SAL: a (03-03), b (skipped, 03-12), d (03-07), e (03-11); to SQL-or-beyond: 2.5, 0, 30, 19 days
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(4))
                .body("stages.find { it.stage == 'SAL' }.reachedNext", equalTo(4))
                .body("stages.find { it.stage == 'SAL' }.reachedWon", equalTo(3))
                .body("stages.find { it.stage == 'SAL' }.velocityToNextDays.mean", comparesEqualTo(new BigDecimal("12.875")))
                .body("stages.find { it.stage == 'SAL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("2.5")))
                .body("stages.find { it.stage == 'SAL' }.velocityToNextDays.p90", comparesEqualTo(new BigDecimal("30")))
                .body("stages.find { it.stage == 'CLOSED_WON' }.reachedNext", nullValue())
                .body("stages.find { it.stage == 'CLOSED_LOST' }.entered", equalTo(1));

        // without the pass-throughs, b's skipped SAL leaves the SAL cohort
        march().queryParam("includeSkipped", "false").get("/api/funnel").then()
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(3))
                .body("stages.find { it.stage == 'SAL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("19")));
        // filters: email leads only (a, b)
        march().queryParam("channel", "email").get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(2))
                .body("stages.find { it.stage == 'MQL' }.reachedWon", equalTo(1));
        // an empty filter value selects the leads whose attribute is unknown (e)
        march().get("/api/funnel?channel=").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(1));
        // two filters at once are read from the per-lead rows
        march().queryParam("channel", "email").queryParam("segment", "smb").get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(1))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("2.5")));
        // a period with times of day: from 03-01 12:00 leaves a (MQL at 00:00) out
        api().queryParam("from", "2021-03-01T12:00:00Z").queryParam("to", "2021-03-31T23:00:00Z").get("/api/funnel")
                .then().body("stages.find { it.stage == 'MQL' }.entered", equalTo(3))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.p90", comparesEqualTo(new BigDecimal("10")));
    }

    @Test
    @Order(2)
    void conversionWithCohortsGroupsAndWithinDays() {
        march().queryParam("fromStage", "MQL").queryParam("toStage", "CLOSED_WON")
                .queryParam("groupBy", "channel").queryParam("interval", "week")
                .get("/api/funnel/conversion").then().statusCode(200)
                .body("overall.cohortSize", equalTo(4))
                .body("overall.converted", equalTo(2))
                .body("overall.rate", comparesEqualTo(new BigDecimal("0.5")))
                .body("overall.velocityDays.mean", comparesEqualTo(new BigDecimal("19.5")))
                .body("overall.velocityDays.median", comparesEqualTo(new BigDecimal("19")))
                .body("overall.velocityDays.p90", comparesEqualTo(new BigDecimal("20")))
                // weeks: W09 (a, b, c; a won), W10 (e; won)
                .body("cohorts", hasSize(2))
                .body("cohorts[0].period", equalTo("2021-W09"))
                .body("cohorts[0].cohortSize", equalTo(3))
                .body("cohorts[0].converted", equalTo(1))
                .body("cohorts[1].period", equalTo("2021-W10"))
                .body("cohorts[1].rate", comparesEqualTo(BigDecimal.ONE))
                .body("groups.find { it.key == 'email' }.cohortSize", equalTo(2))
                .body("groups.find { it.key == 'email' }.rate", comparesEqualTo(new BigDecimal("0.5")))
                .body("groups.find { it.key == 'paid' }.converted", equalTo(0))
                .body("groups.find { it.key == null }.velocityDays.median", comparesEqualTo(new BigDecimal("20")));

        march().queryParam("fromStage", "MQL").queryParam("toStage", "CLOSED_WON").queryParam("withinDays", "19")
                .get("/api/funnel/conversion").then()
                .body("overall.converted", equalTo(1))  // a took 19 days, e 20
                .body("overall.velocityDays.p90", comparesEqualTo(new BigDecimal("19")));

        march().queryParam("fromStage", "mql").queryParam("toStage", "CLOSED_LOST").queryParam("interval", "month")
                .get("/api/funnel/conversion").then()
                .body("overall.converted", equalTo(1))
                .body("overall.velocityDays.mean", comparesEqualTo(new BigDecimal("13")))
                .body("cohorts[0].period", equalTo("2021-03"));
    }

    @Test
    @Order(3)
    void volumeCountsFirstEntriesPerPeriodOfThePartPeriodsAsked() {
        // SAL first entries: a 03-03, d 03-07 (first seen there), e 03-11 (its 03-14 return is no first entry),
        // b 03-12 (a pass-through on its way to SQL), f 04-05. From 03-05 to 04-06 leaves a out: March d, e, b;
        // April f; the months are labelled by the calendar though the range cuts both
        api().queryParam("stage", "SAL").queryParam("from", "2021-03-05").queryParam("to", "2021-04-06")
                .queryParam("interval", "month").get("/api/funnel/volume").then().statusCode(200)
                .body("stage", equalTo("SAL"))
                .body("interval", equalTo("month"))
                .body("from", equalTo("2021-03-05T00:00:00Z"))
                .body("total", equalTo(4))
                .body("periods.period", contains("2021-03", "2021-04"))
                .body("periods.periodStart", contains("2021-03-01", "2021-04-01"))
                .body("periods.entered", contains(3, 1));
        // without pass-throughs b goes
        api().queryParam("stage", "SAL").queryParam("from", "2021-03-05").queryParam("to", "2021-04-06")
                .queryParam("interval", "month").queryParam("includeSkipped", "false").get("/api/funnel/volume")
                .then().body("total", equalTo(3)).body("periods.entered", contains(2, 1));
        // ISO weeks of March: W09 a and d (03-07 is a Sunday), W10 e and b; the two weeks after have none and are
        // listed with 0, so that a chart of the weeks has every week
        // (a date as `to` includes that day: 03-28 is W12's Sunday)
        api().queryParam("stage", "SAL").queryParam("from", "2021-03-01").queryParam("to", "2021-03-28")
                .queryParam("interval", "week").get("/api/funnel/volume").then().statusCode(200)
                .body("total", equalTo(4))
                .body("periods.period", contains("2021-W09", "2021-W10", "2021-W11", "2021-W12"))
                .body("periods.periodStart", contains("2021-03-01", "2021-03-08", "2021-03-15", "2021-03-22"))
                .body("periods.entered", contains(2, 2, 0, 0));
        // won: a 03-20 and e 03-30 in March, d 04-06 in April; a channel filter keeps d (paid) only
        api().queryParam("stage", "CLOSED_WON").queryParam("from", "2021-03-01").queryParam("to", "2021-04-30")
                .queryParam("interval", "month").get("/api/funnel/volume").then()
                .body("total", equalTo(3)).body("periods.entered", contains(2, 1));
        api().queryParam("stage", "CLOSED_WON").queryParam("from", "2021-03-01").queryParam("to", "2021-04-30")
                .queryParam("interval", "month").queryParam("channel", "paid").get("/api/funnel/volume").then()
                .body("total", equalTo(1)).body("periods.entered", contains(0, 1));
    }

    @Test
    @Order(4)
    void csvExportGivesTheSameAnswers() {
        String csv = march().accept("text/csv").get("/api/funnel").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("from,to,stage,entered,nextStage,reachedNext");
        assertThat(csv).contains(",MQL,4,SAL,3,0.750000,2,0.500000,4.500000,2.500000,10.000000\r\n");

        String conversion = march().accept("text/csv").queryParam("fromStage", "MQL").queryParam("toStage", "CLOSED_WON")
                .queryParam("groupBy", "channel").get("/api/funnel/conversion").then().statusCode(200).extract().asString();
        assertThat(conversion).contains("MQL,CLOSED_WON,overall,,4,2,0.500000,19.500000,19.000000,20.000000")
                .contains("MQL,CLOSED_WON,channel,email,2,1,0.500000,19.000000,19.000000,19.000000");
    }

    @Test
    @Order(5)
    void wipAndBaseline() {
        // on 04-10: c sits in MQL since 03-05 (36 days), f in SAL since 04-05 (5 days)
        api().queryParam("asOf", "2021-04-10").get("/api/funnel/wip").then().statusCode(200)
                .body("stages.find { it.stage == 'MQL' }.leads", equalTo(1))
                .body("stages.find { it.stage == 'MQL' }.ageDays.median", comparesEqualTo(new BigDecimal("36")))
                // MQL→SAL velocities of the 12 months before: 1, 2.5, 3, 10 days: p90 = 10
                .body("stages.find { it.stage == 'MQL' }.staleAfterDays", comparesEqualTo(new BigDecimal("10")))
                .body("stages.find { it.stage == 'MQL' }.stale", equalTo(1))
                .body("stages.find { it.stage == 'SAL' }.leads", equalTo(1))
                .body("stages.find { it.stage == 'SAL' }.stale", equalTo(0))
                .body("staleLeads[0].leadId", equalTo("api-c"));

        api().queryParam("asOf", "2021-04-01").queryParam("months", "1").queryParam("compareAsOf", "2021-05-01")
                .get("/api/funnel/baseline").then().statusCode(200)
                .body("current.stages.find { it.stage == 'MQL' }.entered", equalTo(4))
                .body("previous.stages.find { it.stage == 'MQL' }.entered", equalTo(1))
                .body("changes.find { it.stage == 'MQL' }.enteredChange", equalTo(3));
    }

    @Test
    @Order(6)
    void redeliveryChangesNothingAndALateEventCorrectsTheFigures() {
        String before = march().get("/api/funnel").then().extract().asString();
        Publisher.publish(infra.kafka().bootstrapServers(), EVENTS); // every event again, same ids
        LeadStageChanged marker = Publisher.event("api-marker", MQL, Instant.parse("2019-01-01T00:00:00Z"), LeadAttributes.NONE);
        Publisher.publish(infra.kafka().bootstrapServers(), List.of(marker));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> api().queryParam("from", "2019-01-01")
                .queryParam("to", "2019-01-01").get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(1)));
        assertThat(march().get("/api/funnel").then().extract().asString()).isEqualTo(before);

        // arriving late: b was sales-accepted on 03-04, before its SQL: its SAL is no longer a pass-through
        Publisher.publish(infra.kafka().bootstrapServers(),
                List.of(Publisher.event("api-b", SAL, Instant.parse("2021-03-04T00:00:00Z"), LeadAttributes.NONE)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> march().queryParam("includeSkipped", "false")
                .get("/api/funnel").then().body("stages.find { it.stage == 'SAL' }.entered", equalTo(4)));
        march().get("/api/funnel").then()
                // MQL→SAL velocities are now 1, 2, 2.5 days
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.mean", comparesEqualTo(new BigDecimal("1.833333")))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.p90", comparesEqualTo(new BigDecimal("2.5")))
                // SAL→SQL-or-beyond: b now 8 days (03-04 to 03-12) instead of 0
                .body("stages.find { it.stage == 'SAL' }.velocityToNextDays.mean", comparesEqualTo(new BigDecimal("14.875")))
                .body("stages.find { it.stage == 'SAL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("8")));
    }

    @Test
    @Order(7)
    void unreadableRecordsGoToTheDeadLetterTopic() {
        Publisher.publishRaw(infra.kafka().bootstrapServers(), List.of(Map.entry("broken-1", "{not json"),
                Map.entry("broken-2", "{\"eventId\":\"" + java.util.UUID.randomUUID() + "\",\"leadId\":\"x\"}")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> dead =
                    TopicProbe.readAll(infra.kafka().bootstrapServers(), "lead-stage-changed-dlq-funnel");
            assertThat(dead).extracting(ConsumerRecord::key).contains("broken-1", "broken-2");
            ConsumerRecord<String, String> second = dead.stream().filter(r -> r.key().equals("broken-2")).findFirst().orElseThrow();
            assertThat(new String(second.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .contains("toStage is missing");
        });
        given().get(metrics).then().body(containsString("l2r_consumer_events_dead_lettered_total{projection=\"funnel\""));
    }

    static RequestSpecification june() {
        return api().queryParam("from", "2021-06-01").queryParam("to", "2021-06-30");
    }

    @Test
    @Order(8)
    void aCampaignFilterCountsTheLeadsOfThatCampaignAlone() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> june().get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(5))
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(4)));
        // api-spring: g, h, j entered MQL; g and j reached SAL (2 and 4 days), g won
        june().queryParam("campaign", "api-spring").get("/api/funnel").then().statusCode(200)
                .body("filters.campaign", equalTo("api-spring"))
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(3))
                .body("stages.find { it.stage == 'MQL' }.reachedNext", equalTo(2))
                .body("stages.find { it.stage == 'MQL' }.conversionToNext", comparesEqualTo(new BigDecimal("0.666667")))
                .body("stages.find { it.stage == 'MQL' }.reachedWon", equalTo(1))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.mean", comparesEqualTo(new BigDecimal("3")))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("2")))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.p90", comparesEqualTo(new BigDecimal("4")))
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(2))
                .body("stages.find { it.stage == 'CLOSED_WON' }.entered", equalTo(1));
        // with a channel: email leaves h (paid) out; paid leaves only h
        june().queryParam("campaign", "api-spring").queryParam("channel", "email").get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(2))
                .body("stages.find { it.stage == 'MQL' }.reachedNext", equalTo(2))
                .body("stages.find { it.stage == 'MQL' }.reachedWon", equalTo(1));
        june().queryParam("campaign", "api-spring").queryParam("channel", "paid").get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(1))
                .body("stages.find { it.stage == 'MQL' }.reachedNext", equalTo(0));
        // api-summer keeps i only (j moved on to api-spring)
        june().queryParam("campaign", "api-summer").get("/api/funnel").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(1))
                .body("stages.find { it.stage == 'MQL' }.velocityToNextDays.median", comparesEqualTo(new BigDecimal("1")));
        // present but empty: the leads without a campaign (k)
        june().get("/api/funnel?campaign=").then()
                .body("stages.find { it.stage == 'MQL' }.entered", equalTo(1))
                .body("stages.find { it.stage == 'SAL' }.entered", equalTo(1));
        // a campaign no lead has: zeros everywhere
        june().queryParam("campaign", "api-autumn").get("/api/funnel").then().statusCode(200)
                .body("stages.entered", org.hamcrest.Matchers.everyItem(equalTo(0)))
                .body("stages.find { it.stage == 'MQL' }.reachedNext", equalTo(0))
                .body("stages.find { it.stage == 'MQL' }.conversionToNext", nullValue());

        // the other endpoints read the same filter
        june().queryParam("fromStage", "MQL").queryParam("toStage", "SAL").queryParam("groupBy", "campaign")
                .get("/api/funnel/conversion").then().statusCode(200)
                .body("overall.cohortSize", equalTo(5))
                .body("overall.converted", equalTo(4))
                .body("groups.find { it.key == 'api-spring' }.cohortSize", equalTo(3))
                .body("groups.find { it.key == 'api-spring' }.converted", equalTo(2))
                .body("groups.find { it.key == 'api-summer' }.converted", equalTo(1))
                .body("groups.find { it.key == null }.velocityDays.median", comparesEqualTo(new BigDecimal("10")));
        june().queryParam("fromStage", "MQL").queryParam("toStage", "CLOSED_WON").queryParam("campaign", "api-spring")
                .get("/api/funnel/conversion").then().statusCode(200)
                .body("overall.cohortSize", equalTo(3)).body("overall.converted", equalTo(1));
        june().queryParam("stage", "MQL").queryParam("interval", "month").queryParam("campaign", "api-spring")
                .get("/api/funnel/volume").then().statusCode(200).body("total", equalTo(3));
        // on 06-30 h sits in MQL and j in SAL (g has won)
        api().queryParam("asOf", "2021-06-30").queryParam("campaign", "api-spring").get("/api/funnel/wip").then()
                .statusCode(200)
                .body("stages.find { it.stage == 'MQL' }.leads", equalTo(1))
                .body("stages.find { it.stage == 'SAL' }.leads", equalTo(1));
        api().queryParam("asOf", "2021-07-01").queryParam("months", "1").queryParam("campaign", "api-spring")
                .get("/api/funnel/baseline").then().statusCode(200)
                .body("current.stages.find { it.stage == 'MQL' }.entered", equalTo(3));
        String csv = june().accept("text/csv").queryParam("campaign", "api-spring").get("/api/funnel").then()
                .statusCode(200).extract().asString();
        assertThat(csv).contains(",MQL,3,SAL,2,0.666667,1,0.333333,3.000000,2.000000,4.000000\r\n");
    }

    @Test
    void anAttributeFilterWithAControlCharacterIsAProblemNamingIt() {
        problem(june().queryParam("campaign", "spring\u0000"), "/api/funnel", "campaign");
        problem(june().queryParam("campaign", "a\tb"), "/api/funnel", "campaign");
        problem(june().queryParam("channel", "\u0000"), "/api/funnel", "channel");
        problem(june().queryParam("fromStage", "MQL").queryParam("toStage", "SAL").queryParam("campaign", "\u0007"),
                "/api/funnel/conversion", "campaign");
        problem(june().queryParam("stage", "MQL").queryParam("interval", "month").queryParam("campaign", "\u0000"),
                "/api/funnel/volume", "campaign");
        problem(api().queryParam("campaign", "\u0000"), "/api/funnel/wip", "campaign");
        problem(api().queryParam("owner", "\u001b[31m"), "/api/funnel/baseline", "owner");
        given().accept("text/csv").queryParam("campaign", "\u0000").queryParam("from", "2021-06-01")
                .queryParam("to", "2021-06-30").get("/api/funnel").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("campaign"));
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() {
        problem(march().queryParam("fromStage", "PROSPECT").queryParam("toStage", "SQL"), "/api/funnel/conversion", "fromStage");
        problem(march().queryParam("fromStage", "SQL").queryParam("toStage", "MQL"), "/api/funnel/conversion", "toStage");
        problem(march().queryParam("fromStage", "MQL").queryParam("toStage", "SQL").queryParam("interval", "day"),
                "/api/funnel/conversion", "interval");
        problem(march().queryParam("fromStage", "MQL").queryParam("toStage", "SQL").queryParam("groupBy", "region"),
                "/api/funnel/conversion", "groupBy");
        problem(march().queryParam("fromStage", "MQL").queryParam("toStage", "SQL").queryParam("withinDays", "-1"),
                "/api/funnel/conversion", "withinDays");
        problem(api().queryParam("from", "2021-02-30").queryParam("to", "2021-03-31"), "/api/funnel", "from");
        problem(api().queryParam("from", "2021-03-31").queryParam("to", "2021-03-01"), "/api/funnel", "to");
        problem(api().queryParam("to", "2021-03-01"), "/api/funnel", "from");
        problem(march().queryParam("includeSkipped", "maybe"), "/api/funnel", "includeSkipped");
        problem(api().queryParam("asOf", "yesterday"), "/api/funnel/wip", "asOf");
        problem(api().queryParam("months", "0"), "/api/funnel/baseline", "months");
        problem(march().queryParam("stage", "MQL"), "/api/funnel/volume", "interval");
    }

    static void problem(RequestSpecification request, String path, String field) {
        request.get(path).then().statusCode(400).contentType("application/problem+json").body("field", equalTo(field));
    }

    static String json(Object o) {
        return EventJson.write(o);
    }
}
