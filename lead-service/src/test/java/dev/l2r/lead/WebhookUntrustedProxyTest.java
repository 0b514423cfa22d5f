package dev.l2r.lead;

import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * Forwarded headers from an address that is not a trusted proxy are not honoured: a client that reaches the
 * service directly cannot make it believe it was called at another URL. Here the trusted proxy is an address
 * the tests never connect from.
 */
@QuarkusTest
@TestProfile(WebhookUntrustedProxyTest.OtherProxyOnly.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class WebhookUntrustedProxyTest {

    public static class OtherProxyOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // TEST-NET-1 (RFC 5737): no test connects from there
            return Map.of("quarkus.http.proxy.trusted-proxies", "192.0.2.10");
        }
    }

    @Test
    void forwardedHeadersFromAnUntrustedAddressAreIgnored() {
        long contact = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        String body = "[" + WebhookIntakeTest.hubspotEvent(contact, "marketingqualifiedlead",
                WebhookIntakeTest.T, 1) + "]";
        String now = String.valueOf(Instant.now().toEpochMilli());
        String forged = "https://public.example.com/api/webhooks/hubspot";
        Map<String, String> forgedHeaders = Map.of("X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "public.example.com", "Forwarded", "proto=https;host=public.example.com");

        // signed for the URL the headers claim: refused, the service does not take the claim
        WebhookIntakeTest.post("hubspot", body, merge(forgedHeaders, Map.of("X-HubSpot-Request-Timestamp", now,
                "X-HubSpot-Signature-v3", WebhookIntakeTest.v3(forged, body, now)))).statusCode(401);
        // signed for the URL the request really arrived at: accepted, whatever the headers claim
        String seen = "http://localhost:" + RestAssured.port + "/api/webhooks/hubspot";
        WebhookIntakeTest.post("hubspot", body, merge(forgedHeaders, Map.of("X-HubSpot-Request-Timestamp", now,
                "X-HubSpot-Signature-v3", WebhookIntakeTest.v3(seen, body, now)))).statusCode(200)
                .body("recorded", equalTo(1));
        given().get("/api/leads/{id}", "hubspot:" + contact).then().body("history.toStage", equalTo(List.of("MQL")));
    }

    static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }
}
