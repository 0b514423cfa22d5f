package dev.l2r.funnel.api;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.KeysOnTopic;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * funnel-service knows keys only from the api-keys topic (lead-service makes them): a key published there opens
 * what its scope allows within seconds, and a revocation closes it as fast.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class ApiAccessTest {

    @InjectLocalInfra
    LocalInfra infra;

    @TestHTTPResource("/")
    URI root;

    int status(String path, String key) throws Exception {
        return EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", key)).statusCode();
    }

    @Test
    void keysFromTheTopicOpenWhatTheirScopeAllowsAndRevocationClosesThem() throws Exception {
        String servers = infra.kafka().bootstrapServers();
        Map<String, String> keys = Map.of(
                "read", KeysOnTopic.publish(servers, "funnelread01", List.of("read")),
                "write", KeysOnTopic.publish(servers, "funnelwrite1", List.of("write")),
                "admin", KeysOnTopic.publish(servers, "funneladmin1", List.of("admin")));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                status("/api/funnel?from=2025-01-01&to=2025-01-31", keys.get("read")) == 200
                        && status("/api/admin/rebuild", keys.get("admin")) == 200);

        EndpointAccess.Report report = EndpointAccess.check(root, keys.get("admin"), keys, EndpointAccess::readmeRule);
        System.out.println("funnel-service access: " + report);
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.operations()).isGreaterThanOrEqualTo(8);

        KeysOnTopic.revoke(servers, "funnelread01", keys.get("read"), List.of("read"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                status("/api/funnel?from=2025-01-01&to=2025-01-31", keys.get("read")) == 401);
        assertThat(status("/api/admin/rebuild", keys.get("admin"))).isEqualTo(200);
    }
}
