package dev.l2r.lead;

import dev.l2r.infra.test.LocalInfraResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The last line behind the checks: when the real database refuses one row that got past them (here a CHECK
 * constraint added for the test, refusing one source event id), only that item is refused, with its position;
 * the other items of its chunk, and the chunks before and after it in a streamed import, are recorded. Before,
 * the whole chunk failed and the request answered 500 even after earlier chunks had been committed.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class RefusedRowTest {

    @Inject
    AgroalDataSource dataSource;

    final String poison = "poison-" + UUID.randomUUID();

    @BeforeEach
    void refuseOneSourceEventId() throws SQLException {
        sql("ALTER TABLE stage_transition ADD CONSTRAINT test_poison CHECK (source_event_id IS DISTINCT FROM '"
                + poison + "')");
    }

    @AfterEach
    void dropTheConstraint() throws SQLException {
        sql("ALTER TABLE stage_transition DROP CONSTRAINT test_poison");
    }

    void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    long rows(String prefix) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM stage_transition WHERE lead_id LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String item(String lead, String sourceEventId) {
        return "{\"leadId\":\"" + lead + "\",\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"refused\","
                + "\"sourceEventId\":\"" + sourceEventId + "\"}";
    }

    @Test
    void theRefusedItemAloneIsListedAndTheRestOfItsChunkIsRecorded() throws SQLException {
        String p = "rr-" + UUID.randomUUID() + "-";
        String body = "[" + String.join(",", item(p + "a", p + "1"), item(p + "b", p + "2"), item(p + "c", poison),
                item(p + "d", p + "4"), item(p + "e", p + "5")) + "]";
        given().contentType(ContentType.JSON).body(body).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(4)).body("rejectedCount", equalTo(1))
                .body("rejected[0].index", equalTo(2)).body("rejected[0].field", equalTo("body"))
                .body("rejected[0].error", equalTo("was refused by the database (SQLSTATE 23514)"));
        assertThat(rows(p)).isEqualTo(4);
        given().get("/api/leads/{id}", p + "c").then().statusCode(404);
    }

    @Test
    void aSingleTransitionTheDatabaseRefusesIsA400() throws SQLException {
        String lead = "rr-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"refused\",\"sourceEventId\":\"" + poison + "\"}")
                .post("/api/leads/{id}/transitions", lead).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("body"));
        assertThat(rows(lead)).isZero();
    }

    @Test
    void aStreamedImportAnswersItsCountsWhenARowOfALaterChunkIsRefused() throws SQLException {
        // 2,500 rows, chunks of 1,000: the first chunk is committed before the refused row (line 1,702) is read
        String p = "rr-" + UUID.randomUUID() + "-";
        String csv = "lead_id,stage,occurred_at,source_event_id\n" + IntStream.range(0, 2_500)
                .mapToObj(i -> p + i + ",MQL,2025-01-01," + (i == 1_700 ? poison : p + "e" + i))
                .collect(Collectors.joining("\n")) + "\n";
        given().contentType("text/csv").body(csv).post("/api/imports?source=refused").then().statusCode(200)
                .body("accepted", equalTo(2_499)).body("rejectedCount", equalTo(1))
                .body("rejected.line", equalTo(List.of(1_702)));
        assertThat(rows(p)).isEqualTo(2_499);
        given().get("/api/leads/{id}", p + 1_700).then().statusCode(404);
        given().get("/api/leads/{id}", p + 2_499).then().statusCode(200);
    }
}
