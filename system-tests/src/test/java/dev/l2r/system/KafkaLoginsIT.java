package dev.l2r.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.LocalKafka;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.ServiceProcess;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The three packaged services against a broker that, like the prod overlay's Strimzi cluster, takes only
 * SCRAM-SHA-512 logins and enforces ACLs: the topics of {@code deploy/k8s/overlays/prod/topics.yaml}, and each
 * service a user with exactly the ACLs of its KafkaUser in {@code users.yaml}. Every Kafka client of every service
 * (outbox relay, consumers, dead letters, the readiness check, a rebuild's replay, the catch-up look) must log in
 * and must find its ACLs sufficient; and the broker must really refuse what the ACLs do not allow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaLoginsIT {

    static final Path ROOT = Path.of(System.getProperty("l2r.repo.root", ".."));
    static final Path PROD = ROOT.resolve("deploy/k8s/overlays/prod");
    static Path dir;
    static LocalPostgres postgres;
    static LocalKafka kafka;
    static final Map<String, String> passwords = new HashMap<>();
    static final Map<String, ServiceProcess> running = new LinkedHashMap<>();

    @BeforeAll
    static void startEverything() throws Exception {
        AsAdmin.everyRequest();
        dir = Files.createTempDirectory("l2r-kafka-logins-");
        postgres = LocalPostgres.start(dir.resolve("postgres"), 0, Map.of("fsync", "off", "synchronous_commit", "off"));
        LocalInfra.SERVICE_DATABASES.forEach(postgres::createDatabaseIfMissing);
        kafka = LocalKafka.startWithLogins(dir.resolve("kafka"), Map.of("auto.create.topics.enable", "false"));
        try (Admin admin = superUser()) {
            admin.createTopics(prodTopics()).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(prodAcls()).all().get(30, TimeUnit.SECONDS);
        }
        for (String service : List.of("lead-service", "funnel-service", "forecast-service")) {
            passwords.put(service, UUID.randomUUID().toString());
            kafka.addUser(service, passwords.get(service));
        }
        start("lead-service", "l2r_lead", Map.of());
        start("funnel-service", "l2r_funnel", Map.of("L2R_CATCH_UP_CHECK_INTERVAL", "1s"));
        start("forecast-service", "l2r_forecast", Map.of());
        for (ServiceProcess s : running.values()) {
            s.awaitReady(Duration.ofSeconds(120));
        }
    }

    static void start(String service, String database, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.loginBootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", LocalKafka.scramLogin(service, passwords.get(service)),
                "L2R_DB_URL", postgres.jdbcUrl(database),
                "L2R_DB_USER", LocalPostgres.USER,
                "L2R_DB_PASSWORD", LocalPostgres.PASSWORD,
                // as in prod: the topics are the operator's, not created by the services
                "L2R_TOPIC_CREATE", "false",
                "L2R_BOOTSTRAP_API_KEY", ServiceProcess.ADMIN_KEY));
        env.putAll(extra);
        running.put(service, ServiceProcess.start(ROOT, service, env, List.of("-Xmx384m")));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (ServiceProcess s : running.values()) {
            s.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Admin superUser() {
        return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    static List<JsonNode> documents(String file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (YAMLParser parser = new YAMLFactory().createParser(PROD.resolve(file).toFile())) {
            yaml.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    /** Every KafkaTopic of the prod overlay, on one broker: its partitions and its settings but one replica. */
    static List<NewTopic> prodTopics() throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (JsonNode doc : documents("topics.yaml")) {
            Map<String, String> config = new HashMap<>();
            doc.path("spec").path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            config.remove("min.insync.replicas");
            topics.add(new NewTopic(doc.path("metadata").path("name").asText(), doc.path("spec").path("partitions").asInt(),
                    (short) 1).configs(config));
        }
        return topics;
    }

    /** The ACLs Strimzi's User Operator makes of users.yaml: one binding per resource and operation, User:<name>. */
    static List<AclBinding> prodAcls() throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode user : documents("users.yaml")) {
            String principal = "User:" + user.path("metadata").path("name").asText();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                ResourcePattern pattern = new ResourcePattern(ResourceType.fromString(resource.path("type").asText()),
                        resource.path("name").asText(),
                        // Strimzi's "prefix" is Kafka's PREFIXED
                        resource.path("patternType").asText("literal").equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL);
                for (JsonNode operation : acl.path("operations")) {
                    bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, acl.path("host").asText("*"),
                            AclOperation.fromString(operation.asText()), AclPermissionType.ALLOW)));
                }
            }
        }
        assertThat(bindings).hasSizeGreaterThan(10);
        return bindings;
    }

    static String url(String service) {
        return running.get(service).baseUrl();
    }

    @Test
    @Order(1)
    void aKeyMadeInLeadServiceReachesTheOtherServicesThroughTheirApiKeysAcls() {
        var made = given().baseUri(url("lead-service")).contentType(ContentType.JSON)
                .body("{\"name\":\"acl check\",\"scopes\":[\"read\"]}").post("/api/admin/keys")
                .then().statusCode(201).extract();
        String key = made.path("key");
        for (String service : List.of("lead-service", "funnel-service", "forecast-service")) {
            String path = service.equals("forecast-service") ? "/api/forecast/kpis?from=2025-01-01&to=2025-01-31"
                    : service.equals("funnel-service") ? "/api/funnel?from=2025-01-01&to=2025-01-31"
                    : "/api/funnel/definition";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().baseUri(url(service)).header("X-API-Key", key).get(path).then().statusCode(200));
        }
    }

    @Test
    @Order(2)
    void aLeadGoesThroughLoggedInAndEveryConsumerGroupIsTheServicesOwn() throws Exception {
        String body = """
                {"toStage":"OPPORTUNITY","occurredAt":"2025-02-10T09:30:00Z","source":"api",
                 "sourceEventId":"acl-1","amount":4200,"currency":"USD"}""";
        given().baseUri(url("lead-service")).contentType(ContentType.JSON).body(body)
                .post("/api/leads/acl-lead-1/transitions").then().statusCode(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().baseUri(url("funnel-service")).queryParam("from", "2025-02-01").queryParam("to", "2025-02-28")
                        .get("/api/funnel").then().statusCode(200)
                        .body("stages.find { it.stage == 'OPPORTUNITY' }.entered", equalTo(1)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().baseUri(url("forecast-service")).queryParam("from", "2025-01-01").queryParam("to", "2025-12-31")
                        .get("/api/forecast/kpis").then().statusCode(200).body("openOpportunities", equalTo(1)));

        try (Admin admin = superUser()) {
            // the funnel definition lead-service announced at start-up was read by both consumers of the topic
            TopicPartition definitions = new TopicPartition("funnel-definition", 0);
            long end = admin.listOffsets(Map.of(definitions, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS)
                    .get(definitions).offset();
            assertThat(end).isPositive();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("funnel-service-definition")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertThat(committed.get(definitions)).as("committed offset of funnel-service-definition").isNotNull()
                        .extracting(OffsetAndMetadata::offset).isEqualTo(end);
            });
            List<String> groups = admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(ConsumerGroupListing::groupId).toList();
            assertThat(groups).contains("funnel-service", "funnel-service-definition", "forecast-service")
                    .anyMatch(g -> g.startsWith("forecast-service-funnel-"));
        }
        for (ServiceProcess s : running.values()) {
            given().baseUri(s.baseUrl()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    @Test
    @Order(3)
    void unreadableEventsGoToEachConsumersDeadLetterTopic() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("lead-stage-changed", "acl-bad", "not an event")).get(30, TimeUnit.SECONDS);
        }
        try (Admin admin = superUser()) {
            for (String topic : List.of("lead-stage-changed-dlq-funnel", "lead-stage-changed-dlq-forecast")) {
                TopicPartition p = new TopicPartition(topic, 0);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.listOffsets(
                        Map.of(p, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(p).offset()).as(topic).isEqualTo(1));
            }
        }
    }

    @Test
    @Order(4)
    void funnelServiceReplaysTheTopicAndLooksAtItsBacklogLoggedIn() {
        given().baseUri(url("funnel-service")).post("/api/admin/rebuild").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().baseUri(url("funnel-service")).get("/api/admin/rebuild").then().statusCode(200)
                        .body("state", equalTo("DONE")));
        given().baseUri(url("funnel-service")).queryParam("from", "2025-02-01").queryParam("to", "2025-02-28")
                .get("/api/funnel").then().statusCode(200)
                .body("stages.find { it.stage == 'OPPORTUNITY' }.entered", equalTo(1));
        // the catch-up look reads the group's committed offsets and the topic's through the admin client
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().baseUri(url("funnel-service")).get("/api/admin/catch-up").then().statusCode(200)
                        .body("backlog", equalTo(0)));
    }

    @Test
    @Order(5)
    void theBrokerRefusesWhatTheAclsDoNotAllowAndAWrongPassword() {
        // funnel-service may read the event stream, not write it
        try (KafkaProducer<String, String> producer = login("funnel-service", passwords.get("funnel-service"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("lead-stage-changed", "k", "v")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // lead-service writes the events, not another service's dead letters
        try (KafkaProducer<String, String> producer = login("lead-service", passwords.get("lead-service"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("lead-stage-changed-dlq-funnel", "k", "v"))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (KafkaProducer<String, String> producer = login("lead-service", "not its password")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("lead-stage-changed", "k", "v")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        for (ServiceProcess s : running.values()) {
            given().baseUri(s.baseUrl()).get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    static KafkaProducer<String, String> login(String user, String password) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.loginBootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", LocalKafka.scramLogin(user, password), "max.block.ms", 10_000),
                new StringSerializer(), new StringSerializer());
    }
}
