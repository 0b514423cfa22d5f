package dev.l2r.funnel;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.TopicProbe;
import dev.l2r.platform.pipeline.DeadLetterView;
import dev.l2r.platform.pipeline.DeadLetters;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline's dead letters in funnel-service, against the real broker and database: a record every consumer
 * can read but this projection cannot apply (a CHECK constraint added for the test refuses its lead) is set aside
 * after its five attempts while the records around it are applied; an operator lists it, replays it in vain, fixes
 * the cause, replays it, and it is counted once. Records the check refuses are listed with their reasons, a page
 * at a time, and stay refused on replay.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class DeadLettersTest {

    static final String DLQ = "lead-stage-changed-dlq-funnel";

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void dropTheConstraint() throws SQLException {
        sql("ALTER TABLE lead_current DROP CONSTRAINT IF EXISTS test_refused");
    }

    @Test
    void aRecordTheProjectionRefusesIsSetAsideTheOthersAreAppliedAndOnceFixedItIsReplayedAndCountedOnce()
            throws Exception {
        String channel = "refused-" + run;
        String poisonLead = channel + "-poison";
        sql("ALTER TABLE lead_current ADD CONSTRAINT test_refused CHECK (lead_id <> '" + poisonLead + "')");
        double setAsideBefore = metric("l2r_consumer_events_dead_lettered_total",
                "projection=\"funnel\",reason=\"apply_failed\"");
        LeadAttributes attributes = new LeadAttributes(channel, null, null, null);
        Instant at = Instant.parse("2022-09-12T09:00:00Z");
        List<LeadStageChanged> events = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            events.add(Publisher.event(channel + "-" + i, "MQL", at.plusSeconds(i), attributes));
        }
        LeadStageChanged poison = Publisher.event(poisonLead, "MQL", at, attributes);
        events.add(4, poison);
        Publisher.publish(infra.kafka().bootstrapServers(), events);

        // the nine around it are applied, the poison set aside after its attempts
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(mqls(channel)).isEqualTo(9);
            assertThat(find(poisonLead, "open")).isPresent();
        });
        DeadLetterView letter = find(poisonLead, "open").orElseThrow();
        assertThat(letter.projection()).isEqualTo("funnel");
        assertThat(letter.reason()).isEqualTo("apply_failed");
        assertThat(letter.attempts()).isEqualTo(5);
        assertThat(letter.foundBy()).isEqualTo("consumer");
        assertThat(letter.detail()).startsWith("projection failed 5 times: SQL state 23514: ")
                .contains("\"test_refused\"");
        assertThat(letter.record().topic()).isEqualTo(LeadStageChanged.TOPIC);
        assertThat(letter.record().payload()).isEqualTo(EventJson.write(poison));
        assertThat(letter.record().eventId()).isEqualTo(poison.eventId().toString());
        assertThat(letter.record().leadId()).isEqualTo(poisonLead);
        assertThat(letter.deadLetteredAt()).isNotNull();
        assertThat(letter.replayedAt()).isNull();
        assertThat(metric("l2r_consumer_events_dead_lettered_total", "projection=\"funnel\",reason=\"apply_failed\""))
                .isEqualTo(setAsideBefore + 1);

        // the same record, unchanged, on the dead-letter topic, with where it was and why
        ConsumerRecord<String, String> dead = onTopic(poisonLead).get(0);
        assertThat(dead.value()).isEqualTo(EventJson.write(poison));
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo(letter.detail());
        assertThat(header(dead, DeadLetters.REASON_CODE)).isEqualTo("apply_failed");
        assertThat(header(dead, DeadLetters.ATTEMPTS)).isEqualTo("5");
        assertThat(header(dead, DeadLetters.PROJECTION)).isEqualTo("funnel");
        assertThat(header(dead, DeadLetters.FOUND_BY)).isEqualTo("consumer");
        assertThat(header(dead, DeadLetters.TOPIC)).isEqualTo(LeadStageChanged.TOPIC);
        assertThat(header(dead, DeadLetters.PARTITION)).isEqualTo(String.valueOf(letter.record().partition()));
        assertThat(header(dead, DeadLetters.OFFSET)).isEqualTo(String.valueOf(letter.record().offset()));

        // replayed before the cause is fixed: refused again, it stays open with the new reason
        DeadLetterView.Replay again = replay(letter.id(), 200);
        assertThat(again.outcome()).isEqualTo("refused");
        assertThat(again.deadLetter().status()).isEqualTo("open");
        assertThat(again.deadLetter().attempts()).isEqualTo(6);
        assertThat(again.deadLetter().detail()).startsWith("projection failed on replay: SQL state 23514: ");
        assertThat(mqls(channel)).isEqualTo(9);

        // fixed: applied, marked replayed in the same transaction, counted once
        sql("ALTER TABLE lead_current DROP CONSTRAINT test_refused");
        DeadLetterView.Replay fixed = replay(letter.id(), 200);
        assertThat(fixed.outcome()).isEqualTo("applied");
        assertThat(fixed.newEvents()).isEqualTo(1);
        assertThat(fixed.deadLetter().status()).isEqualTo("replayed");
        assertThat(fixed.deadLetter().replayedAt()).isNotNull();
        assertThat(mqls(channel)).isEqualTo(10);
        given().post("/api/admin/dead-letters/{id}/replay", letter.id()).then().statusCode(409)
                .contentType("application/problem+json");
        assertThat(mqls(channel)).isEqualTo(10);
        assertThat(find(poisonLead, "open")).isEmpty();
        assertThat(find(poisonLead, "replayed")).isPresent();

        // the gauge counts the open ones, as the table does
        long open = openRows();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(metric("l2r_consumer_dead_letters", "projection=\"funnel\"")).isEqualTo(open));
        assertThat(page("open", 0, 1000).open()).isEqualTo(open);
    }

    @Test
    void recordsTheCheckRefusesAreListedWithTheirReasonsAPageAtATimeAndStayRefusedOnReplay() throws Exception {
        String key = "checked-" + run + "-";
        LeadStageChanged good = Publisher.event(key + "x", "MQL", Instant.parse("2022-09-01T00:00:00Z"),
                LeadAttributes.NONE);
        String json = EventJson.write(good);
        Map<String, String> poison = Map.of(
                key + "1", "{not json",
                key + "2", json.replace("\"schemaVersion\":1", "\"schemaVersion\":2"),
                key + "3", json.replace("\"source\":\"test\"", "\"source\":\"test\",\"amount\":-5,\"currency\":\"USD\""),
                key + "4", json.replace("\"source\":\"test\"", "\"source\":\"test\",\"amount\":5,\"currency\":\"usd\""));
        Publisher.publishRaw(infra.kafka().bootstrapServers(), new ArrayList<>(new java.util.TreeMap<>(poison).entrySet()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(page("all", 0, 1000).deadLetters().stream()
                        .filter(l -> l.record().key() != null && l.record().key().startsWith(key))).hasSize(4));
        Map<String, String> expected = Map.of(
                key + "1", "unreadable|not a LeadStageChanged: not JSON (Unexpected character ('n' (code 110)): "
                        + "was expecting double-quote to start field name)",
                key + "2", "schema_version|schemaVersion 2 is not 1",
                key + "3", "invalid_amount|amount -5 is negative",
                key + "4", "invalid_currency|currency 'usd' is not an ISO 4217 code");
        List<DeadLetterView> mine = page("all", 0, 1000).deadLetters().stream()
                .filter(l -> l.record().key() != null && l.record().key().startsWith(key)).toList();
        for (DeadLetterView l : mine) {
            assertThat(l.reason() + "|" + l.detail()).as(l.record().key()).isEqualTo(expected.get(l.record().key()));
            assertThat(l.attempts()).isZero();
            assertThat(l.status()).isEqualTo("open");
            assertThat(l.record().payload()).isEqualTo(poison.get(l.record().key()));
            ConsumerRecord<String, String> dead = onTopic(l.record().key()).get(0);
            assertThat(header(dead, DeadLetters.REASON)).isEqualTo(l.detail());
            assertThat(header(dead, DeadLetters.REASON_CODE)).isEqualTo(l.reason());
            assertThat(header(dead, DeadLetters.ATTEMPTS)).isEqualTo("0");
        }

        // a page at a time, in id order, each page picking up after the last
        long before = mine.get(0).id() - 1;
        List<Long> paged = new ArrayList<>();
        Long after = before;
        while (after != null && paged.size() < 4) {
            DeadLetterView.Page p = page("all", after, 1);
            assertThat(p.deadLetters()).hasSize(1);
            paged.add(p.deadLetters().get(0).id());
            after = p.nextAfter();
        }
        assertThat(paged).containsExactlyElementsOf(mine.stream().map(DeadLetterView::id).toList());

        // another schema version is not a passing problem: replaying does not make it readable
        DeadLetterView wrongVersion = mine.stream().filter(l -> l.reason().equals("schema_version")).findFirst()
                .orElseThrow();
        DeadLetterView.Replay replay = replay(wrongVersion.id(), 200);
        assertThat(replay.outcome()).isEqualTo("refused");
        assertThat(replay.deadLetter().status()).isEqualTo("open");
        assertThat(replay.deadLetter().detail()).isEqualTo("schemaVersion 2 is not 1");
        assertThat(replay.deadLetter().lastFailedAt()).isAfterOrEqualTo(wrongVersion.lastFailedAt());

        given().get("/api/admin/dead-letters/{id}", Long.MAX_VALUE).then().statusCode(404);
        given().post("/api/admin/dead-letters/{id}/replay", Long.MAX_VALUE).then().statusCode(404);
        given().get("/api/admin/dead-letters/{id}", wrongVersion.id()).then().statusCode(200);
        for (String bad : List.of("limit=0", "limit=1001", "status=closed", "after=-1")) {
            given().get("/api/admin/dead-letters?" + bad).then().statusCode(400)
                    .contentType("application/problem+json");
        }
    }

    int mqls(String channel) {
        return given().queryParam("from", "2022-09-01").queryParam("to", "2022-09-30").queryParam("channel", channel)
                .get("/api/funnel").then().statusCode(200).extract().path("stages.find { it.stage == 'MQL' }.entered");
    }

    static DeadLetterView.Page page(String status, long after, int limit) throws Exception {
        String body = given().queryParam("status", status).queryParam("after", after).queryParam("limit", limit)
                .get("/api/admin/dead-letters").then().statusCode(200).extract().asString();
        return EventJson.mapper().readValue(body, DeadLetterView.Page.class);
    }

    static Optional<DeadLetterView> find(String key, String status) throws Exception {
        return page(status, 0, 1000).deadLetters().stream().filter(l -> key.equals(l.record().key())).findFirst();
    }

    static DeadLetterView.Replay replay(long id, int status) throws Exception {
        String body = given().post("/api/admin/dead-letters/{id}/replay", id).then().statusCode(status)
                .extract().asString();
        return EventJson.mapper().readValue(body, DeadLetterView.Replay.class);
    }

    List<ConsumerRecord<String, String>> onTopic(String key) {
        return TopicProbe.readAll(infra.kafka().bootstrapServers(), DLQ).stream()
                .filter(r -> key.equals(r.key())).toList();
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    double metric(String name, String labels) {
        String text = given().get(metrics).then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} ([0-9.Ee+-]+)(?: # .*)?$").matcher(text);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    long openRows() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM dead_letter WHERE status = 'open'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
