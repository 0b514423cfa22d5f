package dev.l2r.lead.ops;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served OpenAPI document tells clients, and webhook senders' operators, that every intake endpoint may answer
 * 503 with Retry-After while the database is down (DatabaseOutageTest shows that it does).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class IntakeOpenApiTest {

    static final List<String> INTAKE_PATHS = List.of("/api/leads/{leadId}/transitions", "/api/transitions",
            "/api/imports", "/api/webhooks/{source}", "/api/identity/links");

    @Test
    void everyIntakeEndpointDeclaresA503ProblemWithRetryAfter() {
        JsonPath openApi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath();
        for (String path : INTAKE_PATHS) {
            Map<String, Object> unavailable = openApi.getMap("paths.'" + path + "'.post.responses.'503'");
            assertThat(unavailable).as(path).isNotNull();
            assertThat(openApi.getString("paths.'" + path + "'.post.responses.'503'.headers.'Retry-After'.schema.type"))
                    .as(path).isEqualTo("integer");
            assertThat(openApi.getMap("paths.'" + path + "'.post.responses.'503'.content")).as(path)
                    .containsOnlyKeys("application/problem+json");
            assertThat((String) unavailable.get("description")).as(path).contains("Retry-After");
        }
    }
}
