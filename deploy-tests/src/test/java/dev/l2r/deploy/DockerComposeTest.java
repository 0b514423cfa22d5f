package dev.l2r.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml and the Dockerfiles against the services' configuration and the build. */
class DockerComposeTest {

    static JsonNode compose;

    @BeforeAll
    static void parse() throws Exception {
        compose = new ObjectMapper(new YAMLFactory()).readTree(Repo.read("docker-compose.yml"));
    }

    static List<String> services() {
        return Repo.SERVICES;
    }

    /** Everything built from a Dockerfile of its own: the services and the dashboard. */
    static List<String> images() {
        return java.util.stream.Stream.concat(Repo.SERVICES.stream(), java.util.stream.Stream.of(Repo.DASHBOARD)).toList();
    }

    static JsonNode service(String name) {
        JsonNode node = compose.path("services").path(name);
        assertThat(node.isMissingNode()).as("docker-compose.yml has service %s", name).isFalse();
        return node;
    }

    static Map<String, String> environment(String name) {
        Map<String, String> env = new LinkedHashMap<>();
        service(name).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** {@code ${VAR:-default}} as docker compose reads it without a .env file: the default. */
    static String interpolated(String value) {
        return Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]*)}").matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
    }

    @ParameterizedTest
    @MethodSource("images")
    void eachServiceIsBuiltFromItsDockerfileAsTheImageKubernetesDeploys(String name) throws Exception {
        JsonNode s = service(name);
        assertThat(s.path("build").path("context").asText()).isEqualTo("./" + name);
        assertThat(s.path("build").path("dockerfile").asText()).isEqualTo("src/main/docker/Dockerfile.jvm");
        assertThat(s.path("image").asText()).isEqualTo(Repo.image(name));

        String dockerfile = Repo.read(name + "/src/main/docker/Dockerfile.jvm");
        for (String part : new String[]{"lib/", "*.jar", "app/", "quarkus/"}) {
            assertThat(dockerfile).contains("COPY --chown=185 target/quarkus-app/" + part);
        }
        assertThat(dockerfile).contains("EXPOSE " + ServiceConfig.of(name).httpPort());
        assertThat(dockerfile).contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
        assertThat(Files.exists(Repo.file(name + "/pom.xml"))).isTrue();
    }

    /** The dashboard reads only what it is given, relays to the three services by name, and waits for them. */
    @Test
    void theDashboardRelaysToTheServicesAndStartsAfterThem() {
        ServiceConfig config = ServiceConfig.of(Repo.DASHBOARD);
        Map<String, String> env = environment(Repo.DASHBOARD);
        assertThat(config.envNames()).as("variables set for the dashboard that it never reads").containsAll(env.keySet());
        int port = Integer.parseInt(env.get("L2R_DASHBOARD_PORT"));
        assertThat(port).isEqualTo(config.httpPort());
        assertThat(service(Repo.DASHBOARD).path("ports").get(0).asText()).endsWith(":" + port);
        assertThat(String.join(" ", iterable(service(Repo.DASHBOARD).path("healthcheck").path("test"))))
                .contains("/dev/tcp/localhost/" + port).contains("GET /q/health/ready");
        Map<String, String> urls = Map.of("L2R_LEAD_URL", "lead-service", "L2R_FUNNEL_URL", "funnel-service",
                "L2R_FORECAST_URL", "forecast-service");
        urls.forEach((variable, service) -> {
            java.net.URI url = java.net.URI.create(env.get(variable));
            assertThat(url.getHost()).as(variable).isEqualTo(service);
            assertThat(url.getPort()).as(variable).isEqualTo(ServiceConfig.of(service).httpPort());
            assertThat(service(Repo.DASHBOARD).path("depends_on").path(service).path("condition").asText())
                    .isEqualTo("service_healthy");
        });
    }

    /**
     * OIDC can be turned on from the shell or an .env file without editing the file: each service takes every
     * L2R_OIDC_* variable it reads from there, off by default, and the issuer is the dashboard's.
     */
    @ParameterizedTest
    @MethodSource("services")
    void eachServiceTakesOidcFromTheShellOffByDefault(String name) {
        Map<String, String> env = environment(name);
        List<String> oidc = ServiceConfig.of(name).envNames().stream().filter(v -> v.startsWith("L2R_OIDC_")).toList();
        assertThat(oidc).contains("L2R_OIDC_ENABLED", "L2R_OIDC_AUTH_SERVER_URL");
        for (String variable : oidc) {
            assertThat(env.get(variable)).as(variable).startsWith("${" + variable + ":-");
        }
        assertThat(interpolated(env.get("L2R_OIDC_ENABLED"))).isEqualTo("false");
        assertThat(env.get("L2R_OIDC_AUTH_SERVER_URL"))
                .isEqualTo(environment(Repo.DASHBOARD).get("L2R_OIDC_AUTH_SERVER_URL"));
    }

    @ParameterizedTest
    @MethodSource("services")
    void eachServiceGetsItsAddressesAndCredentialsAndOnlyVariablesItReads(String name) {
        ServiceConfig config = ServiceConfig.of(name);
        Map<String, String> env = environment(name);
        assertThat(config.envNames()).as("variables set in docker-compose.yml for %s that it never reads", name)
                .containsAll(env.keySet());
        List<String> required = new ArrayList<>(List.of("PORT", "L2R_MANAGEMENT_PORT", "KAFKA_BOOTSTRAP_SERVERS", "L2R_DB_URL"));
        boolean plaintextKafka = env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").equals("PLAINTEXT");
        config.envNames().stream().filter(ServiceConfig::isCredential)
                // the compose broker is PLAINTEXT: no Kafka login, no truststore
                .filter(v -> !(plaintextKafka && ServiceConfig.KAFKA_SECURITY.contains(v))).forEach(required::add);
        assertThat(env.keySet()).as("addresses and credentials of %s", name).containsAll(required);

        int port = Integer.parseInt(env.get("PORT"));
        assertThat(port).isEqualTo(config.httpPort());
        assertThat(service(name).path("ports").get(0).asText()).endsWith(":" + port);
        // metrics: the management port, published beside the HTTP one
        int management = Integer.parseInt(env.get("L2R_MANAGEMENT_PORT"));
        assertThat(management).isNotEqualTo(port);
        assertThat(iterable(service(name).path("ports"))).anyMatch(p -> p.endsWith(":" + management));
        String health = String.join(" ", iterable(service(name).path("healthcheck").path("test")));
        assertThat(health).contains("/dev/tcp/localhost/" + port).contains("GET /q/health/ready");

        String kafka = env.get("KAFKA_BOOTSTRAP_SERVERS");
        assertThat(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("://" + kafka);
        assertThat(ServiceConfig.hostOf(kafka)).isEqualTo("kafka");

        String url = env.get("L2R_DB_URL");
        assertThat(ServiceConfig.hostOf(url)).isEqualTo("postgres");
        assertThat(ServiceConfig.portOf(url)).isEqualTo(5432);
        String database = ServiceConfig.databaseOf(url);
        assertThat(database).isEqualTo(config.database());
        // init-databases.sh makes a role named after each database, with the password postgres gets for it
        assertThat(env.get("L2R_DB_USER")).isEqualTo(database);
        String passwordVariable = "L2R_" + database.substring("l2r_".length()).toUpperCase() + "_DB_PASSWORD";
        assertThat(environment("postgres").get(passwordVariable)).isEqualTo(env.get("L2R_DB_PASSWORD"));
        assertThat(Repo.read("deploy/single-node/init-databases.sh")).contains("create " + database + " \"$" + passwordVariable + "\"");

        JsonNode dependsOn = service(name).path("depends_on");
        assertThat(dependsOn.path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(dependsOn.path("postgres").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(dependsOn.path("kafka-topics").path("condition").asText()).isEqualTo("service_completed_successfully");
        assertThat(service(name).path("healthcheck").path("start_period").asText()).isNotEmpty();
    }

    @Test
    void kafkaIsTheClientsVersionOwnsNoTopicsAndPostgresTheTestsMajor() {
        assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:" + Repo.kafkaVersion());
        assertThat(service("kafka-topics").path("image").asText()).isEqualTo("apache/kafka:" + Repo.kafkaVersion());
        assertThat(environment("kafka")).containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        assertThat(environment("lead-service")).containsEntry("L2R_TOPIC_CREATE", "false");
        assertThat(service("postgres").path("image").asText()).isEqualTo("postgres:" + Repo.postgresMajor());
        assertThat(service("kafka").path("healthcheck").path("test").isMissingNode()).isFalse();
        assertThat(service("postgres").path("healthcheck").path("test").isMissingNode()).isFalse();

        // the mounted scripts exist where compose looks for them
        for (String volume : List.of(service("kafka-topics").path("volumes").get(0).asText(),
                service("postgres").path("volumes").get(1).asText())) {
            String hostPath = volume.split(":")[0];
            assertThat(Files.isRegularFile(Repo.file(hostPath))).as(hostPath).isTrue();
            assertThat(Files.isExecutable(Repo.file(hostPath))).as("%s executable", hostPath).isTrue();
        }
        // nothing below needs a .env file: every ${VAR} has a default
        Set<String> withoutDefault = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-[^}]*)?}").matcher(Repo.read("docker-compose.yml"));
        while (m.find()) {
            if (m.group(2) == null) {
                withoutDefault.add(m.group(1));
            }
        }
        assertThat(withoutDefault).isEmpty();
        assertThat(interpolated(environment("lead-service").get("L2R_DB_PASSWORD"))).isNotBlank();
    }

    private static List<String> iterable(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
