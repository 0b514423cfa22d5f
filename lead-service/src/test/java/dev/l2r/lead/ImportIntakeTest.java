package dev.l2r.lead;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class ImportIntakeTest {

    @InjectLocalInfra
    LocalInfra infra;

    static ValidatableResponse postCsv(String source, String csv) {
        return given().contentType("text/csv").body(csv).post("/api/imports?source=" + source).then();
    }

    @Test
    void importsGoodRowsListsBadOnesByLineAndCountsDuplicatesOnReimport() {
        String p = "imp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String csv = """
                lead_id,stage,occurred_at,amount,currency,channel,segment,owner,source_event_id,raw_stage
                %1$sa,MQL,2025-01-01,,,paid_search,smb,,e1,mql
                %1$sa,CLOSED_WON,2025-02-01T10:00:00Z,1500.50,EUR,,,ann,e2,won
                %1$sb,PROSPECT,2025-01-01,,,,,,e3,
                ,MQL,2025-01-01,,,,,,e4,
                %1$sc,MQL,2999-01-01,,,,,,e5,
                %1$sd,MQL,01/02/2025,,,,,,e6,
                %1$se,OPPORTUNITY,2025-01-05,lots,EUR,,,,e7,
                %1$sf,OPPORTUNITY,2025-01-05,10,,,,,e8,
                %1$sg,SQL,2025-01-05,,,organic,,,e9,
                %1$sg,SQL,2025-01-06,,,,,,e10,
                %1$sh,MQL,2025-01-05,,,,,,e11,,too,many
                """.formatted(p);
        postCsv("test-import", csv).statusCode(200)
                .body("accepted", equalTo(4))
                .body("recorded", equalTo(3))
                .body("unchanged", equalTo(1))
                .body("duplicates", equalTo(0))
                .body("rejectedCount", equalTo(7))
                .body("rejected.line", equalTo(List.of(4, 5, 6, 7, 8, 9, 12)))
                .body("rejected.field", equalTo(List.of("stage", "lead_id", "occurred_at", "occurred_at", "amount",
                        "currency", "row")));

        given().get("/api/leads/{id}", p + "a").then().statusCode(200)
                .body("currentStage", equalTo("CLOSED_WON"))
                .body("firstTouchChannel", equalTo("paid_search"))
                .body("attributes.owner", equalTo("ann"))
                .body("history", hasSize(2))
                .body("history[0].rawStage", equalTo("mql"))
                .body("history[1].kind", equalTo("CLOSE"))
                .body("history[1].amount", equalTo(1500.50f));

        // the same file again: the recorded rows are duplicates, the unchanged one is unchanged again
        postCsv("test-import", csv).statusCode(200)
                .body("recorded", equalTo(0)).body("unchanged", equalTo(1)).body("duplicates", equalTo(3))
                .body("rejectedCount", equalTo(7));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<LeadStageChanged> events = TopicProbe.readAll(infra.kafka().bootstrapServers(), LeadStageChanged.TOPIC)
                    .stream().filter(r -> r.key().startsWith(p)).map(ConsumerRecord::value)
                    .map(EventJson::readLeadStageChanged).toList();
            assertThat(events).extracting(LeadStageChanged::sourceEventId).containsExactlyInAnyOrder("e1", "e2", "e9");
            assertThat(events).allSatisfy(e -> assertThat(e.source()).isEqualTo("test-import"));
        });
    }

    @Test
    void rowsOfOneLeadInOneChunkAreReadByEventTimeWhateverTheirOrderInTheFile() {
        String lead = "imp-order-" + UUID.randomUUID();
        postCsv("test-import", """
                lead_id,stage,occurred_at,channel
                %1$s,OPPORTUNITY,2025-03-20,
                %1$s,SAL,2025-03-10,referral
                %1$s,MQL,2025-03-01,webinar
                """.formatted(lead)).statusCode(200).body("recorded", equalTo(3));
        given().get("/api/leads/{id}", lead).then()
                .body("currentStage", equalTo("OPPORTUNITY"))
                .body("firstTouchChannel", equalTo("webinar"))
                .body("lastTouchChannel", equalTo("referral"))
                .body("history.toStage", equalTo(List.of("MQL", "SAL", "OPPORTUNITY")))
                .body("history.kind", equalTo(List.of("ADVANCE", "ADVANCE", "SKIP")));
    }

    @Test
    void aHeaderProblemRefusesTheFileAndStoresNothing() {
        String lead = "imp-header-" + UUID.randomUUID();
        postCsv("test-import", "lead_id,stage\n" + lead + ",MQL\n").statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("header"));
        postCsv("test-import", "").statusCode(400).contentType("application/problem+json");
        postCsv("Bad Source", "lead_id,stage,occurred_at\n").statusCode(400).body("field", equalTo("source"));
        given().get("/api/leads/{id}", lead).then().statusCode(404);
    }
}
