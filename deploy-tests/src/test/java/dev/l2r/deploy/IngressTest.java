package dev.l2r.deploy;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prod Ingress against the routes the code serves (every class-level {@code @Path} of the three services): a
 * public route reaches the service that serves it, and nothing else is routed: not /q/*, not /api/admin.
 */
class IngressTest {

    /** Route prefixes no Ingress may route: operations, not API (funnel-service's rebuild and catch-up). */
    static final List<String> NOT_PUBLIC = List.of("/api/admin");

    /** Class-level {@code @Path("/api...")} of a service's resources, path parameters as {@code x}: route to service. */
    static Map<String, String> routes() {
        Pattern path = Pattern.compile("@Path\\(\"(/api[^\"]*)\"\\)");
        Map<String, String> routes = new TreeMap<>();
        for (String service : Repo.SERVICES) {
            try (Stream<Path> files = Files.walk(Repo.file(service + "/src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = path.matcher(Files.readString(file));
                    while (m.find()) {
                        routes.put(m.group(1).replaceAll("\\{[^}]+}", "x"), service);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return routes;
    }

    /** The backend service an Ingress sends a request path to: the longest matching path, as Kubernetes defines it. */
    static Optional<String> backend(Ingress ingress, String requestPath) {
        String best = null;
        String service = null;
        for (IngressRule rule : apiRules(ingress)) {
            for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                if (matches(p, requestPath) && (best == null || p.getPath().length() > best.length())) {
                    best = p.getPath();
                    service = p.getBackend().getService().getName();
                }
            }
        }
        return Optional.ofNullable(service);
    }

    /** Prefix matches element by element (/api/leads matches /api/leads/x, not /api/leadsx); Exact matches whole. */
    static boolean matches(HTTPIngressPath p, String requestPath) {
        if (p.getPathType().equals("Exact")) {
            return p.getPath().equals(requestPath);
        }
        assertThat(p.getPathType()).as("path type of %s", p.getPath()).isEqualTo("Prefix");
        List<String> prefix = elements(p.getPath());
        List<String> request = elements(requestPath);
        return request.size() >= prefix.size() && request.subList(0, prefix.size()).equals(prefix);
    }

    /** The rules of the API host: every rule but the dashboard's host of its own. */
    static List<IngressRule> apiRules(Ingress ingress) {
        return ingress.getSpec().getRules().stream().filter(r -> !isDashboard(r)).toList();
    }

    static boolean isDashboard(IngressRule rule) {
        return rule.getHttp().getPaths().stream()
                .anyMatch(p -> p.getBackend().getService().getName().equals(Repo.DASHBOARD));
    }

    static List<String> elements(String path) {
        return Arrays.stream(path.split("/")).filter(e -> !e.isEmpty()).toList();
    }

    static Ingress ingress() throws Exception {
        List<Ingress> ingresses = KubernetesManifestsTest.rendered("prod").all(Ingress.class);
        assertThat(ingresses).hasSize(1);
        return ingresses.get(0);
    }

    @Test
    void everyPublicRouteReachesTheServiceThatServesIt() throws Exception {
        Ingress ingress = ingress();
        Map<String, String> routes = routes();
        assertThat(routes).containsEntry("/api/leads/x", "lead-service").containsEntry("/api/funnel", "funnel-service")
                .containsEntry("/api/funnel/definition", "lead-service").containsKey("/api/admin");
        List<String> wrong = new ArrayList<>();
        routes.forEach((route, service) -> {
            Optional<String> to = backend(ingress, route);
            boolean operations = NOT_PUBLIC.stream().anyMatch(route::startsWith);
            if (operations ? to.isPresent() : !to.equals(Optional.of(service))) {
                wrong.add(route + " (served by " + service + ") is routed to " + to.orElse("nothing"));
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void nothingButThePublicApiIsRouted() throws Exception {
        Ingress ingress = ingress();
        for (String path : List.of("/", "/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/",
                "/api/admin/rebuild", "/api/admin/catch-up", "/api", "/api/other", "/api/leadsx")) {
            assertThat(backend(ingress, path)).as("Ingress route for %s", path).isEmpty();
        }
        Map<String, String> routes = routes();
        for (IngressRule rule : apiRules(ingress)) {
            for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                // on the API port of a service that serves something under this path
                assertThat(p.getBackend().getService().getPort().getName()).isEqualTo("http");
                assertThat(routes).as("a route of %s under %s", p.getBackend().getService().getName(), p.getPath())
                        .anySatisfy((route, service) -> {
                            assertThat(service).isEqualTo(p.getBackend().getService().getName());
                            assertThat(matches(p, route)).isTrue();
                        });
            }
        }
        assertThat(ingress.getSpec().getDefaultBackend()).isNull();
    }

    /**
     * The dashboard's pages call /api/** on their own origin with a session cookie only the dashboard turns into a
     * key (docs/dashboard.md): it needs a host of its own with every path, while the API host keeps routing /api/**
     * straight to the services for clients with their own credential.
     */
    @Test
    void theDashboardHasAHostOfItsOwnWithEveryPathToIt() throws Exception {
        Ingress ingress = ingress();
        List<IngressRule> dashboard = ingress.getSpec().getRules().stream().filter(IngressTest::isDashboard).toList();
        assertThat(dashboard).hasSize(1);
        IngressRule rule = dashboard.get(0);
        assertThat(rule.getHttp().getPaths()).singleElement().satisfies(p -> {
            assertThat(p.getPath()).isEqualTo("/");
            assertThat(p.getPathType()).isEqualTo("Prefix");
            assertThat(p.getBackend().getService().getName()).isEqualTo(Repo.DASHBOARD);
            assertThat(p.getBackend().getService().getPort().getName()).isEqualTo("http");
        });
        assertThat(apiRules(ingress)).isNotEmpty()
                .allSatisfy(api -> assertThat(api.getHost()).isNotEqualTo(rule.getHost()));
    }

    @Test
    void onlyHttpsWithACertificateFromASecret() throws Exception {
        Ingress ingress = ingress();
        assertThat(ingress.getSpec().getIngressClassName()).isNotBlank();
        List<String> tlsHosts = new ArrayList<>();
        for (IngressTLS tls : ingress.getSpec().getTls()) {
            assertThat(tls.getSecretName()).isNotBlank();
            tlsHosts.addAll(tls.getHosts());
        }
        for (IngressRule rule : ingress.getSpec().getRules()) {
            assertThat(rule.getHost()).as("a rule for every host is no rule for one").isNotBlank();
            assertThat(tlsHosts).contains(rule.getHost());
        }
    }
}
