package dev.l2r.dashboard;

import dev.l2r.dashboard.session.Credential;
import dev.l2r.dashboard.session.SessionCookie;
import dev.l2r.dashboard.session.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/**
 * The dashboard with none of the services running (their URLs point at a port nothing listens on): its own
 * endpoints refuse a request without a session, the relay names the service that does not answer, and the pages
 * and ECharts are served from the dashboard itself. Signing in with keys lead-service takes or refuses is
 * DashboardIT's (system-tests), against the real services.
 */
@QuarkusTest
class DashboardTest {

    /** the session key of the test profile (application.properties) */
    static final SessionCookie SEALER = new SessionCookie(
            Base64.getDecoder().decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), Duration.ofHours(1));

    static String session() {
        return SEALER.seal(Credential.apiKey("l2r_some_key"), Instant.now());
    }

    @Test
    void withoutASessionEveryEndpointOfTheDashboardAndTheRelayRefuses() {
        for (String path : new String[]{"/dashboard/status", "/dashboard/session", "/api/funnel", "/api/forecast/kpis",
                "/api/leads/lead-1", "/api/funnel/definition"}) {
            given().get(path).then().statusCode(401).contentType(Problems.MEDIA_TYPE)
                    .body("status", equalTo(401)).body("detail", containsString("sign in"));
        }
        given().contentType("application/json").body("{\"x\":1}").post("/api/forecast/plan").then().statusCode(401);
    }

    @Test
    void aCookieThatWasChangedOrSealedElsewhereIsNoSession() {
        String sealed = session();
        String changed = sealed.substring(0, 20) + (sealed.charAt(20) == 'A' ? 'B' : 'A') + sealed.substring(21);
        String foreign = new SessionCookie(SessionCookie.randomKey(), Duration.ofHours(1)).seal(Credential.apiKey("l2r_some_key"), Instant.now());
        for (String cookie : new String[]{changed, foreign, "l2r_some_key"}) {
            given().cookie(Sessions.COOKIE, cookie).get("/dashboard/status").then().statusCode(401);
            given().cookie(Sessions.COOKIE, cookie).get("/api/funnel").then().statusCode(401);
        }
    }

    @Test
    void aServiceThatDoesNotAnswerIsA503ProblemNamingIt() {
        String[][] cases = {{"/api/funnel?from=2025-01-01&to=2025-12-31", "funnel-service"},
                {"/api/funnel/definition", "lead-service"}, {"/api/forecast", "forecast-service"},
                {"/api/leads/lead-1", "lead-service"}};
        for (String[] c : cases) {
            given().cookie(Sessions.COOKIE, session()).get(c[0]).then().statusCode(503)
                    .contentType(Problems.MEDIA_TYPE).body("service", equalTo(c[1]))
                    .body("detail", startsWith(c[1] + " does not answer"));
        }
        // a bearer token is passed through the same way
        given().header("Authorization", "Bearer abc").get("/api/forecast/kpis").then().statusCode(503)
                .body("service", equalTo("forecast-service"));
    }

    @Test
    void pathsTheDashboardDoesNotRelayAre404Problems() {
        for (String path : new String[]{"/api/admin/keys", "/api/webhooks/segment", "/api/funnelx"}) {
            given().cookie(Sessions.COOKIE, session()).get(path).then().statusCode(404)
                    .contentType(Problems.MEDIA_TYPE).body("detail", containsString(path.substring(0, 6)));
        }
    }

    @Test
    void theStatusNamesEveryServiceThatDoesNotAnswer() {
        given().cookie(Sessions.COOKIE, session()).get("/dashboard/status").then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("services.service", hasItems("lead-service", "funnel-service", "forecast-service"))
                .body("services.status", everyItem(equalTo("UNREACHABLE")))
                .body("services.freshnessSeconds", everyItem(equalTo(null)));
    }

    @Test
    void signingInTakesJsonWithAKeyOnly() {
        given().contentType("application/x-www-form-urlencoded").body("apiKey=abc").post("/dashboard/session")
                .then().statusCode(415);
        for (String body : new String[]{"{}", "{\"apiKey\":\"\"}", "{\"apiKey\":42}", "{\"apiKey\":\"a b\"}", "not json", "[1]"}) {
            given().contentType("application/json").body(body).post("/dashboard/session").then().statusCode(400)
                    .contentType(Problems.MEDIA_TYPE).body("field", equalTo("apiKey"));
        }
        given().contentType("application/json").body("{\"apiKey\":\"" + "k".repeat(5000) + "\"}")
                .post("/dashboard/session").then().statusCode(413);
        // the key cannot be checked while lead-service does not answer: no session is started
        given().contentType("application/json").body("{\"apiKey\":\"l2r_abc\"}").post("/dashboard/session").then()
                .statusCode(503).body("service", equalTo("lead-service")).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void signingOutClearsTheCookie() {
        given().cookie(Sessions.COOKIE, session()).delete("/dashboard/session").then().statusCode(204)
                .header("Set-Cookie", containsString(Sessions.COOKIE + "="))
                .header("Set-Cookie", containsString("Max-Age=0"));
    }

    @Test
    void thePagesAndEChartsAreServedByTheDashboard() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("/js/app.js"));
        given().get("/_static/echarts/5.6.0/dist/echarts.esm.min.js").then().statusCode(200)
                .contentType(containsString("javascript"));
        given().get("/js/views/funnel.js").then().statusCode(200);
    }

    @Test
    void everyPageAssetAndAnswerCarriesTheSecurityHeaders() {
        for (String path : new String[]{"/", "/index.html", "/js/app.js", "/css/dashboard.css",
                "/_static/echarts/5.6.0/dist/echarts.esm.min.js", "/dashboard/session", "/dashboard/session/methods",
                "/dashboard/oidc/sign-in", "/api/funnel", "/no-such-page"}) {
            String csp = given().get(path).then().header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Referrer-Policy", equalTo("same-origin")).header("X-Frame-Options", equalTo("DENY"))
                    .extract().header("Content-Security-Policy");
            org.assertj.core.api.Assertions.assertThat(csp).as(path).isNotNull();
            java.util.Map<String, String> directives = new java.util.HashMap<>();
            for (String d : csp.split(";")) {
                String t = d.trim();
                directives.put(t.contains(" ") ? t.substring(0, t.indexOf(' ')) : t, t);
            }
            org.assertj.core.api.Assertions.assertThat(directives).as(path)
                    .containsEntry("default-src", "default-src 'self'")
                    .containsEntry("script-src", "script-src 'self'")
                    .containsEntry("frame-ancestors", "frame-ancestors 'none'")
                    .containsEntry("object-src", "object-src 'none'");
        }
    }

    @Test
    void withOidcOffOnlyTheApiKeySignsIn() {
        given().get("/dashboard/session/methods").then().statusCode(200).body("apiKey", equalTo(true))
                .body("oidc", org.hamcrest.Matchers.nullValue());
        given().redirects().follow(false).get("/dashboard/oidc/sign-in").then().statusCode(404)
                .contentType(Problems.MEDIA_TYPE);
        given().redirects().follow(false).get("/dashboard/oidc/callback?code=a&state=b").then().statusCode(404);
    }
}
