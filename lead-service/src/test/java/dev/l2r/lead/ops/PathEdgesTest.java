package dev.l2r.lead.ops;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * lead-service reads no date or number from a query string; its one number is a path segment, the funnel
 * definition's version: beyond its range, negative or not a number, no such version (404 problem), never a 500.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class PathEdgesTest {

    @Test
    void aVersionBeyondItsRangeIsNoSuchVersion() {
        for (String version : new String[]{"9223372036854775807", "9223372036854775808", "99999999999999999999",
                "-1", "0", "1e3", "NaN"}) {
            given().get("/api/funnel/definition/versions/{v}", version).then().statusCode(404)
                    .contentType("application/problem+json").body("status", equalTo(404));
        }
    }
}
