package dev.l2r.lead.isolated;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Clients name sources; the intake metrics do not grow with them: past the paths' own names and 50 others,
 * every new source counts as "other" (each distinct tag value is a time series kept for the life of the process).
 */
@QuarkusTest
@TestProfile(IsolatedProfile.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class SourceTagBoundTest {

    /** Prometheus metrics, on the management interface (not the HTTP port). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    static final Set<String> KNOWN = Set.of("api", "import", "hubspot", "mautic", "segment", "pipedrive", "salesforce",
            "generic", "unknown", "other");

    static Set<String> sourceTags(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*source=\"([^\"]*)\"").matcher(metrics);
        Set<String> tags = new TreeSet<>();
        while (m.find()) {
            tags.add(m.group(1));
        }
        return tags;
    }

    @Test
    void sourceTagsStopAtFiftyOthersThenCountAsOther() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String items = IntStream.range(0, 70).mapToObj(i -> "{\"leadId\":\"tag-" + run + "-" + i
                        + "\",\"toStage\":\"MQL\",\"occurredAt\":\"2025-01-01\",\"source\":\"tag-" + run + "-" + i + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
        given().contentType(ContentType.JSON).body(items).post("/api/transitions").then().statusCode(200)
                .body("accepted", equalTo(70));
        String csv = "lead_id,stage,occurred_at\ntag-" + run + "-csv,MQL,2025-01-01\n";
        given().contentType("text/csv").body(csv).post("/api/imports?source=tag-" + run + "-import").then()
                .statusCode(200).body("accepted", equalTo(1));

        String text = given().get(metrics).asString();
        Set<String> accepted = sourceTags(text, "l2r_intake_accepted_total");
        Set<String> others = new TreeSet<>(accepted);
        others.removeAll(KNOWN);
        assertThat(others).hasSize(50);
        assertThat(accepted).contains("other");
        Matcher other = Pattern.compile("(?m)^l2r_intake_accepted_total\\{source=\"other\"} ([0-9.]+)$").matcher(text);
        assertThat(other.find()).isTrue();
        // 71 new sources and at most 50 tags for all of them and any seen before: at least 21 counted as other
        assertThat(Double.parseDouble(other.group(1))).isGreaterThanOrEqualTo(21);
    }
}
