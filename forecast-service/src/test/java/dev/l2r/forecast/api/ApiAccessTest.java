package dev.l2r.forecast.api;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.KeysOnTopic;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.OidcIssuer;
import dev.l2r.infra.test.OidcIssuerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * forecast-service takes API keys from the api-keys topic and OIDC bearer tokens from a configured issuer (a local
 * one here, serving its discovery document and key set); both map onto the same scopes.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
@QuarkusTestResource(OidcIssuerResource.class)
class ApiAccessTest {

    static final String KPIS = "/api/forecast/kpis?from=2025-01-01&to=2025-03-31";
    static final String TARGETS = "[{\"from\":\"2031-01-01\",\"to\":\"2031-03-31\",\"amount\":1000,\"currency\":\"EUR\"}]";

    @InjectLocalInfra
    LocalInfra infra;

    @OidcIssuerResource.InjectOidcIssuer
    OidcIssuer issuer;

    @TestHTTPResource("/")
    URI root;

    HttpResponse<String> bearer(String method, String path, String token) throws Exception {
        return EndpointAccess.send(root, method, path, Map.of("Authorization", "Bearer " + token));
    }

    @Test
    void everyOperationRefusesMissingWrongAndTooWeakKeys() throws Exception {
        String servers = infra.kafka().bootstrapServers();
        Map<String, String> keys = Map.of(
                "read", KeysOnTopic.publish(servers, "forecastread", List.of("read")),
                "write", KeysOnTopic.publish(servers, "forecastwrit", List.of("write")),
                "admin", KeysOnTopic.publish(servers, "forecastadmn", List.of("admin")));
        await().atMost(Duration.ofSeconds(10)).until(() -> EndpointAccess.send(root, "GET", KPIS,
                Map.of("X-API-Key", keys.get("admin"))).statusCode() == 200);

        EndpointAccess.Report report = EndpointAccess.check(root, keys.get("admin"), keys, EndpointAccess::readmeRule);
        System.out.println("forecast-service access: " + report);
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.operations()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void bearerTokensOfTheIssuerGetTheScopesTheyCarry() throws Exception {
        String reader = issuer.token("dana", "openid l2r:read", Duration.ofMinutes(5));
        assertThat(bearer("GET", KPIS, reader).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = EndpointAccess.send(root, "PUT", "/api/forecast/targets",
                Map.of("Authorization", "Bearer " + reader));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("\"status\":403");

        String admin = issuer.token("ops", "l2r:admin", Duration.ofMinutes(5));
        assertThat(bearer("GET", KPIS, admin).statusCode()).isEqualTo(200);
        assertThat(EndpointAccess.send(root, "GET", "/api/forecast/targets",
                Map.of("Authorization", "Bearer " + admin)).statusCode()).isEqualTo(200);
    }

    @Test
    void tokensThatAreNotTheIssuersOrCarryNoMappedScopeAreRefused() throws Exception {
        // a role merely called "admin" in the identity provider is not L2R's admin
        assertThat(bearer("GET", KPIS, issuer.token("eve", "admin read", Duration.ofMinutes(5))).statusCode())
                .isEqualTo(403);
        for (String token : List.of(issuer.foreignToken("eve", "l2r:admin"),
                issuer.tokenOfAnotherIssuer("eve", "l2r:admin"),
                issuer.token("eve", "l2r:admin", Duration.ofMinutes(-10)),
                "not.a.token")) {
            HttpResponse<String> r = bearer("GET", KPIS, token);
            assertThat(r.statusCode()).as(token).isEqualTo(401);
            assertThat(r.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Bearer"));
        }
    }
}
