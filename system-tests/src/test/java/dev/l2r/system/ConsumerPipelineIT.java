package dev.l2r.system;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.ServiceProcess;
import dev.l2r.infra.test.TopicProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * funnel-service and forecast-service, packaged, as separate processes on one real broker and one real PostgreSQL,
 * fed straight on the topic: both set the same bad records aside alike (one check, one header set, the same words),
 * and a database outage of more than a minute, with events arriving throughout, loses nothing, counts nothing
 * twice and fails neither consumer's channel. Both consumers live through the one outage, so it runs once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsumerPipelineIT {

    static LocalInfra infra;
    static ServiceProcess funnel;
    static ServiceProcess forecast;

    @BeforeAll
    static void start() throws Exception {
        AsAdmin.everyRequest();
        infra = LocalInfra.startTemporary();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(LeadStageChanged.TOPIC, 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        funnel = start("funnel-service", "l2r_funnel");
        forecast = start("forecast-service", "l2r_forecast");
        funnel.awaitReady(Duration.ofSeconds(120));
        forecast.awaitReady(Duration.ofSeconds(120));
    }

    static ServiceProcess start(String module, String database) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(ServiceProcess.envFor(infra, database));
        // after the outage the next try comes within 5 s (30 s in production)
        env.put("L2R_CONSUMER_MAX_BACKOFF", "5s");
        return ServiceProcess.start(Path.of(System.getProperty("l2r.repo.root", "..")), module, env,
                List.of("-Xmx512m"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess s : new ServiceProcess[]{funnel, forecast}) {
            if (s != null) {
                s.stop();
            }
        }
        if (infra != null) {
            infra.close();
        }
    }

    static LeadStageChanged opportunity(String lead, Instant at) {
        return new LeadStageChanged(UUID.randomUUID(), 1, lead, null, "OPPORTUNITY", TransitionKind.ADVANCE, null, at,
                Instant.now(), "api", null, null, BigDecimal.ONE, "USD", new LeadAttributes(null, null, null, null));
    }

    @Test
    @Order(1)
    void bothConsumersSetTheSameBadRecordsAsideAlike() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String good = EventJson.write(opportunity("alike-" + run, Instant.parse("2025-05-05T00:00:00Z")));
        Map<String, String> bad = new TreeMap<>(Map.of(
                "alike-" + run + "-not-json", "{\"eventId\": ",
                "alike-" + run + "-version", good.replace("\"schemaVersion\":1", "\"schemaVersion\":3"),
                "alike-" + run + "-negative", good.replace("\"amount\":1", "\"amount\":-1"),
                "alike-" + run + "-currency", good.replace("\"currency\":\"USD\"", "\"currency\":\"Dollar\""),
                "alike-" + run + "-no-time", good.replaceAll("\"occurredAt\":\"[^\"]*\",", "")));
        Map<String, String> reasons = Map.of(
                "alike-" + run + "-not-json", "unreadable",
                "alike-" + run + "-version", "schema_version",
                "alike-" + run + "-negative", "invalid_amount",
                "alike-" + run + "-currency", "invalid_currency",
                "alike-" + run + "-no-time", "missing_field");
        try (KafkaProducer<String, String> producer = producer()) {
            for (Map.Entry<String, String> r : bad.entrySet()) {
                producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, r.getKey(), r.getValue())).get();
            }
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(setAside("lead-stage-changed-dlq-funnel", bad.keySet())).hasSize(bad.size());
            assertThat(setAside("lead-stage-changed-dlq-forecast", bad.keySet())).hasSize(bad.size());
        });
        Map<String, ConsumerRecord<String, String>> byFunnel = setAside("lead-stage-changed-dlq-funnel", bad.keySet());
        Map<String, ConsumerRecord<String, String>> byForecast =
                setAside("lead-stage-changed-dlq-forecast", bad.keySet());
        for (String key : bad.keySet()) {
            Map<String, String> f = headers(byFunnel.get(key));
            Map<String, String> g = headers(byForecast.get(key));
            System.out.printf("%-10s %-17s %s%n", key.substring(key.lastIndexOf('-') + 1),
                    f.get("dead-letter-reason-code"), f.get("dead-letter-reason"));
            assertThat(byFunnel.get(key).value()).isEqualTo(bad.get(key)).isEqualTo(byForecast.get(key).value());
            assertThat(f.keySet()).isEqualTo(g.keySet()).containsExactlyInAnyOrder("dead-letter-reason",
                    "dead-letter-reason-code", "dead-letter-topic", "dead-letter-partition", "dead-letter-offset",
                    "dead-letter-projection", "dead-letter-found-by", "dead-letter-attempts");
            assertThat(f.get("dead-letter-reason-code")).isEqualTo(reasons.get(key));
            assertThat(f.get("dead-letter-projection")).isEqualTo("funnel");
            assertThat(g.get("dead-letter-projection")).isEqualTo("forecast");
            f.remove("dead-letter-projection");
            g.remove("dead-letter-projection");
            assertThat(f).isEqualTo(g);
        }
        // and both list them alike for an operator
        for (ServiceProcess s : new ServiceProcess[]{funnel, forecast}) {
            for (String key : bad.keySet()) {
                given().baseUri(s.baseUrl()).queryParam("limit", 1000).get("/api/admin/dead-letters").then()
                        .statusCode(200)
                        .body("deadLetters.find { it.record.key == '" + key + "' }.reason", equalTo(reasons.get(key)))
                        .body("deadLetters.find { it.record.key == '" + key + "' }.detail",
                                equalTo(headers(byFunnel.get(key)).get("dead-letter-reason")));
            }
        }
    }

    @Test
    @Order(2)
    @Tag("slow")
    void aDatabaseOutageOfMoreThanAMinuteLosesNothingCountsNothingTwiceAndFailsNoChannel() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Instant at = Instant.parse("2025-07-15T12:00:00Z");
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Throwable> failed = new ArrayList<>();
        // a steady stream, 20 events a second, each a new lead's opportunity worth 1 USD, acknowledged by the broker
        Thread stream = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                while (publishing.get()) {
                    LeadStageChanged e = opportunity("outage-" + run + "-" + sent.get(), at);
                    producer.send(new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e))).get();
                    sent.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                failed.add(e);
            }
        }, "steady-stream");
        stream.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> opportunities(funnel) >= 50 && openOpportunities() >= 50);
        double waitedBefore = metric(funnel, "l2r_consumer_retries_total", "cause=\"database\"")
                + metric(forecast, "l2r_consumer_retries_total", "cause=\"database\"");

        long stopped = System.nanoTime();
        infra.postgres().stop();
        int sentBefore = sent.get();
        Thread.sleep(Duration.ofSeconds(65).toMillis());
        int sentDuring = sent.get() - sentBefore;
        infra.postgres().restart();
        long restarted = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(5).toMillis());
        publishing.set(false);
        stream.join();
        assertThat(failed).isEmpty();
        int total = sent.get();

        long[] caughtUp = new long[2];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            if (caughtUp[0] == 0 && opportunities(funnel) == total) {
                caughtUp[0] = System.nanoTime();
            }
            if (caughtUp[1] == 0 && openOpportunities() == total) {
                caughtUp[1] = System.nanoTime();
            }
            assertThat(caughtUp).doesNotContain(0L);
        });
        System.out.printf("outage of %.0f s: %d events sent (%d during it); funnel caught up %.1f s and forecast "
                        + "%.1f s after PostgreSQL was back%n", (restarted - stopped) / 1e9, total, sentDuring,
                (caughtUp[0] - restarted) / 1e9, (caughtUp[1] - restarted) / 1e9);
        assertThat(sentDuring).isGreaterThan(500);

        // every event counted once: the exact figures, and they stay so
        Thread.sleep(3_000);
        assertThat(opportunities(funnel)).isEqualTo(total);
        assertThat(openOpportunities()).isEqualTo(total);
        Number value = given().baseUri(forecast.baseUrl()).queryParam("from", "2025-07-01")
                .queryParam("to", "2025-07-31").get("/api/forecast/kpis").then().statusCode(200).extract()
                .path("pipelineValue");
        assertThat(value.doubleValue()).isEqualTo(total);
        // the consumers waited the outage out, and neither channel failed nor any thread was reported blocked
        assertThat(metric(funnel, "l2r_consumer_retries_total", "cause=\"database\"")
                + metric(forecast, "l2r_consumer_retries_total", "cause=\"database\"")).isGreaterThan(waitedBefore);
        for (ServiceProcess s : new ServiceProcess[]{funnel, forecast}) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().baseUri(s.baseUrl()).get("/q/health/ready").then().statusCode(200));
            given().baseUri(s.baseUrl()).get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                    .body("checks.find { it.name == 'SmallRye Reactive Messaging - liveness check' }.data."
                            + "'lead-stage-changed'", equalTo("[OK]"));
            // Vert.x's blocked-thread warning; a method that threw, a nack that fail-stops the channel, a failure
            // reported to the connector, a batch waiting past the throttled strategy's limit
            assertThat(s.log()).doesNotContain("has been blocked for").doesNotContain("SRMSG00200")
                    .doesNotContain("SRMSG00201").doesNotContain("SRMSG18203").doesNotContain("SRMSG18228")
                    .doesNotContain("SRMSG18231");
        }
    }

    /** The records set aside on a dead-letter topic under these keys. */
    static Map<String, ConsumerRecord<String, String>> setAside(String topic, java.util.Set<String> keys) {
        Map<String, ConsumerRecord<String, String>> found = new TreeMap<>();
        for (ConsumerRecord<String, String> r : TopicProbe.readAll(infra.kafka().bootstrapServers(), topic)) {
            if (keys.contains(r.key())) {
                found.put(r.key(), r);
            }
        }
        return found;
    }

    static Map<String, String> headers(ConsumerRecord<String, String> r) {
        Map<String, String> headers = new TreeMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", infra.kafka().bootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer());
    }

    /** Leads that entered OPPORTUNITY in July 2025, as funnel-service counts them. */
    static int opportunities(ServiceProcess funnel) {
        return given().baseUri(funnel.baseUrl()).queryParam("from", "2025-07-01").queryParam("to", "2025-07-31")
                .get("/api/funnel").then().statusCode(200).extract()
                .path("stages.find { it.stage == 'OPPORTUNITY' }.entered");
    }

    /** Open opportunities over July 2025, as forecast-service counts them. */
    static int openOpportunities() {
        return given().baseUri(forecast.baseUrl()).queryParam("from", "2025-07-01").queryParam("to", "2025-07-31")
                .get("/api/forecast/kpis").then().statusCode(200).extract().path("openOpportunities");
    }

    static double metric(ServiceProcess s, String name, String labels) {
        String text = given().baseUri(s.managementUrl()).get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.Ee+-]+)(?: # .*)?$").matcher(text);
        double sum = 0;
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
