package dev.l2r.dashboard.relay;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RoutesTest {

    final Routes routes = new Routes(Upstream.of("lead-service", "http://lead:8081"),
            Upstream.of("funnel-service", "http://funnel:8082/"), Upstream.of("forecast-service", "https://forecast"));

    String owner(String path) {
        return routes.route(path).map(Upstream::name).orElse(null);
    }

    @Test
    void eachPathGoesToTheServiceDocsApiNames() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("/api/funnel", "funnel-service"),
                Map.entry("/api/funnel/conversion", "funnel-service"),
                Map.entry("/api/funnel/wip", "funnel-service"),
                Map.entry("/api/funnel/baseline", "funnel-service"),
                Map.entry("/api/funnel/definition", "lead-service"),
                Map.entry("/api/funnel/definition/versions/3", "lead-service"),
                Map.entry("/api/forecast", "forecast-service"),
                Map.entry("/api/forecast/kpis", "forecast-service"),
                Map.entry("/api/forecast/plan", "forecast-service"),
                Map.entry("/api/leads/lead-42", "lead-service"),
                Map.entry("/api/transitions", "lead-service"),
                Map.entry("/api/imports", "lead-service"),
                Map.entry("/api/identity/links", "lead-service"));
        expected.forEach((path, service) -> assertThat(owner(path)).as(path).isEqualTo(service));
    }

    @Test
    void adminWebhooksAndLookAlikesAreNotRelayed() {
        for (String path : new String[]{"/api/admin/keys", "/api/admin/rebuild", "/api/webhooks/segment", "/api",
                "/api/", "/api/funnelx", "/api/funnel-definition", "/api/forecasts", "/api/leadsx", "/q/metrics"}) {
            assertThat(routes.route(path)).as(path).isEmpty();
        }
    }

    @Test
    void anyPathOutsideTheRelayedPrefixesIsRefused() {
        Tries.forAll(2000, r -> "/api/" + Draw.string(r, "abcdefghijklmnopqrstuvwxyz-/", 20), path -> {
            Optional<Upstream> up = routes.route(path);
            boolean relayed = path.equals("/api/funnel") || path.startsWith("/api/funnel/")
                    || path.equals("/api/forecast") || path.startsWith("/api/forecast/")
                    || path.equals("/api/leads") || path.startsWith("/api/leads/")
                    || path.equals("/api/transitions") || path.startsWith("/api/transitions/")
                    || path.equals("/api/imports") || path.startsWith("/api/imports/")
                    || path.equals("/api/identity") || path.startsWith("/api/identity/");
            assertThat(up.isPresent()).as(path).isEqualTo(relayed);
        });
    }

    @Test
    void theUpstreamKeepsItsBasePathAndDefaultPorts() {
        Upstream behindPrefix = Upstream.of("funnel-service", "https://example.org/l2r/funnel/");
        assertThat(behindPrefix.port()).isEqualTo(443);
        assertThat(behindPrefix.tls()).isTrue();
        assertThat(behindPrefix.uri("/api/funnel?from=2025-01-01")).isEqualTo("/l2r/funnel/api/funnel?from=2025-01-01");
        assertThat(Upstream.of("x", "http://h").port()).isEqualTo(80);
        assertThat(Upstream.of("x", "http://h:8082").uri("/api/funnel")).isEqualTo("/api/funnel");
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedAtStart() {
        for (String bad : new String[]{"localhost:8081", "ftp://h", "http://"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Upstream.of("lead-service", bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
