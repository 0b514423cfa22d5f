package dev.l2r.forecast;

import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.LeadsMerged;
import dev.l2r.forecast.projection.Projector;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.KeysOnTopic;
import dev.l2r.infra.test.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.l2r.forecast.Scenario.at;
import static dev.l2r.forecast.Scenario.day;
import static dev.l2r.forecast.Scenario.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Merges and erasures in the forecast, through the real topic and database: a merged lead's state over time, spells,
 * closes and first sighting are exactly those of one lead with the union of both leads' events, whatever order the
 * merges and events arrive in; an erasure leaves the forecast, its interval and the KPIs as they were, to the cent,
 * while the lead's ids are in no table; and a rebuild from the event log gives the same tables.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_forecast"))
class IdentityTest extends IntegrationTestBase {

    static final List<String> PER_LEAD = List.of("lead_state", "stage_spell", "lead_close", "lead_arrival");
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    Projector projector;

    @TestHTTPResource("/")
    java.net.URI root;

    static String id(String name) {
        return name + "-" + RUN;
    }

    static LeadsMerged merge(String survivor, String absorbed) {
        return new LeadsMerged(UUID.randomUUID(), 1, survivor, absorbed, Instant.now(), Instant.now(), "test", null,
                "test.link");
    }

    static LeadErased erase(String lead) {
        return new LeadErased(UUID.randomUUID(), 1, lead, Instant.now(), Instant.now(), "l2r");
    }

    /** The same events as another lead's: new ids, the same times and values. */
    static List<LeadStageChanged> as(String lead, List<LeadStageChanged> events) {
        return events.stream().map(e -> new LeadStageChanged(UUID.randomUUID(), 1, lead, e.fromStage(), e.toStage(),
                e.kind(), e.skippedStages(), e.occurredAt(), e.recordedAt(), e.source(), e.sourceEventId(),
                e.rawStage(), e.amount(), e.currency(), e.attributes())).toList();
    }

    /** A lead's rows of one table, the lead id written as X, sorted. */
    List<String> rows(String table, String lead) throws Exception {
        return query("SELECT * FROM " + table + " WHERE lead_id = ?", lead).stream()
                .map(r -> r.replace(lead, "X")).sorted().toList();
    }

    List<String> query(String sql, Object... params) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.append(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v).append('|');
                    }
                    rows.add(row.toString().replaceAll("erased:[0-9a-f-]{36}", "erased:*"));
                }
            }
        }
        return rows;
    }

    long count(String sql, Object... params) throws Exception {
        return Long.parseLong(query(sql, params).get(0).replace("|", ""));
    }

    void assertSameAsControl(String lead, String control) throws Exception {
        for (String table : PER_LEAD) {
            assertThat(rows(table, lead)).as(table).isNotEmpty().isEqualTo(rows(table, control));
        }
    }

    void assertNoRows(String lead) throws Exception {
        for (String table : PER_LEAD) {
            assertThat(rows(table, lead)).as(lead + " in " + table).isEmpty();
        }
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id = ?", lead)).isZero();
    }

    @Test
    void aMergedLeadIsTheLeadOfTheUnionOfEventsEvenWhenTheAbsorbedLeadsEventsComeAfterTheMerge() throws Exception {
        String visitor = id("visitor");
        String deal = id("deal");
        List<LeadStageChanged> ofVisitor = List.of(event(visitor, "MQL", 1, null, "smb"));
        List<LeadStageChanged> ofDeal = List.of(event(deal, "OPPORTUNITY", 10, "600", null),
                event(deal, "CLOSED_WON", 20, null, null));
        scenario.publishAndAwait(List.of(ofVisitor.get(0), ofDeal.get(0)));
        assertThat(count("SELECT count(*) FROM lead_arrival WHERE lead_id = ANY (?)",
                (Object) new String[]{visitor, deal})).isEqualTo(2);
        LeadsMerged merged = merge(visitor, deal);
        scenario.publishKindsAndAwait(List.of(merged));
        // the deal's close, from another partition, after the merge
        scenario.publishAndAwait(List.of(ofDeal.get(1)));
        assertNoRows(deal);

        List<LeadStageChanged> union = new ArrayList<>(ofVisitor);
        union.addAll(ofDeal);
        String control = id("control");
        scenario.publishAndAwait(as(control, union));
        assertSameAsControl(visitor, control);
        // by hand: one arrival (day 1, MQL), one close (won 600 on day 20), spells MQL from day 1 and OPPORTUNITY
        // from day 10 both closed won on day 20
        assertThat(query("SELECT first_seen_at = ?, stage FROM lead_arrival WHERE lead_id = ?",
                Timestamp.from(day(1)), visitor)).containsExactly("true|MQL|");
        assertThat(query("SELECT outcome, amount, closed_at = ? FROM lead_close WHERE lead_id = ?",
                Timestamp.from(day(20)), visitor)).containsExactly("WON|600|true|");
        // SAL and SQL passed on the way to the opportunity on day 10
        assertThat(query("SELECT stage, outcome FROM stage_spell WHERE lead_id = ?", visitor))
                .containsExactlyInAnyOrder("MQL|WON|", "SAL|WON|", "SQL|WON|", "OPPORTUNITY|WON|");
        assertThat(query("SELECT lead_id FROM lead_alias WHERE merged_lead_id = ?", deal)).containsExactly(visitor + "|");

        // redelivered, the merge and the absorbed lead's events change nothing; nor does the same link sent again
        Map<String, List<String>> before = new LinkedHashMap<>();
        for (String table : PER_LEAD) {
            before.put(table, rows(table, visitor));
        }
        List<LeadEvent> again = new ArrayList<>(ofDeal);
        again.add(merged);
        again.add(merge(visitor, deal));
        scenario.publishKindsAndAwait(again);
        // an unusable record behind the redelivered ones on the absorbed lead's partition shows they have been read
        scenario.send(LeadStageChanged.TOPIC, deal, "not json");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM dead_letter WHERE record_key = convert_to(?, 'UTF8')", deal) == 1);
        for (String table : PER_LEAD) {
            assertThat(rows(table, visitor)).as(table).isEqualTo(before.get(table));
        }
        assertNoRows(deal);
    }

    @Test
    void aChainEndsInOneLeadWhicheverMergeArrivesFirst() throws Exception {
        String a = id("chain-a");
        String b = id("chain-b");
        String c = id("chain-c");
        List<LeadStageChanged> ofA = List.of(event(a, "SQL", 3, null, "ent"));
        List<LeadStageChanged> ofB = List.of(event(b, "MQL", 1, null, null));
        List<LeadStageChanged> ofC = List.of(event(c, "OPPORTUNITY", 8, "250", null),
                event(c, "CLOSED_LOST", 30, null, null));
        List<LeadStageChanged> all = new ArrayList<>(ofA);
        all.addAll(ofB);
        all.addAll(ofC);
        scenario.publishAndAwait(all);
        // b merged into a, then a into c: the later merge is consumed first
        scenario.publishKindsAndAwait(List.of(merge(c, a)));
        scenario.publishKindsAndAwait(List.of(merge(a, b)));
        assertNoRows(a);
        assertNoRows(b);
        String control = id("chain-control");
        scenario.publishAndAwait(as(control, all));
        assertSameAsControl(c, control);
        assertThat(query("SELECT merged_lead_id, lead_id FROM lead_alias WHERE lead_id = ? ORDER BY 1", c))
                .containsExactly(a + "|" + c + "|", b + "|" + c + "|");
    }

    @Test
    void anErasureLeavesTheForecastAndTheKpisToTheCentAndTheIdsInNoTable() throws Exception {
        String won = id("won");
        String lost = id("lost");
        // named to sort after the lead that stays open, while it opened before it: an order by id would change when
        // it is re-keyed to its surrogate, and the seeded simulation with it
        String open = id("zz-open");
        String openVisit = id("zz-visit");
        String erasedWon = id("erased-won");
        String stays = id("remaining");
        List<LeadStageChanged> events = List.of(
                event(won, "OPPORTUNITY", 10, "600", null), event(won, "CLOSED_WON", 12, null, null),
                event(lost, "OPPORTUNITY", 20, null, null), event(lost, "CLOSED_LOST", 23, null, null),
                event(openVisit, "MQL", 90, null, "x"), event(open, "OPPORTUNITY", 97, "1000", null),
                event(erasedWon, "OPPORTUNITY", 30, "900", null), event(erasedWon, "CLOSED_WON", 35, null, null),
                event(stays, "OPPORTUNITY", 98, null, "x"));
        scenario.publishAndAwait(events);
        scenario.publishKindsAndAwait(List.of(merge(open, openVisit)));
        given().get("/api/admin/leads/" + openVisit + "/personal-data").then().statusCode(200)
                .body("service", org.hamcrest.Matchers.equalTo("forecast-service"))
                .body("leadId", org.hamcrest.Matchers.equalTo(openVisit))
                .body("holds.keySet()", org.hamcrest.Matchers.containsInAnyOrder("event_log", "lead_state",
                        "stage_spell", "lead_arrival", "lead_alias"))
                .body("holds.event_log.size()", org.hamcrest.Matchers.equalTo(3));
        Map<String, String> figures = figures();
        List<String> leadsBefore = given().queryParam("asOf", at(100)).queryParam("horizonDays", "90")
                .get("/api/forecast/leads").then().statusCode(200).extract().jsonPath().getList("leads.leadId");
        assertThat(leadsBefore).contains(open, stays);

        scenario.publishKindsAndAwait(List.of(erase(open), erase(erasedWon)));
        assertThat(figures()).isEqualTo(figures);
        List<String> leadsAfter = given().queryParam("asOf", at(100)).queryParam("horizonDays", "90")
                .get("/api/forecast/leads").then().statusCode(200).extract().jsonPath().getList("leads.leadId");
        List<String> expected = new ArrayList<>(leadsBefore);
        expected.remove(open);
        assertThat(leadsAfter).isEqualTo(expected);
        for (String lead : List.of(open, openVisit, erasedWon)) {
            given().get("/api/admin/leads/" + lead + "/personal-data").then().statusCode(404);
        }
        assertFoundNowhere(open, openVisit, erasedWon);
        assertThat(count("SELECT count(*) FROM lead_close WHERE lead_id LIKE 'erased:%'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id LIKE 'erased:%' AND payload LIKE "
                + "'%sourceEventId%'")).isZero();

        // an old event of the erased lead redelivered, then an unusable record behind it on its partition
        scenario.publishAndAwait(List.of(events.get(6)));
        scenario.send(LeadStageChanged.TOPIC, erasedWon, "not json");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM dead_letter WHERE record_key = convert_to(?, 'UTF8')", erasedWon) == 1);
        assertThat(figures()).isEqualTo(figures);
        assertNoRows(erasedWon);

        // a rebuild from the event log gives the same tables and figures
        Map<String, List<String>> live = snapshot();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE projection_state SET projection_version = 0");
        }
        assertThat(projector.upgradeIfNeeded()).isTrue();
        assertThat(snapshot()).isEqualTo(live);
        assertThat(figures()).isEqualTo(figures);
    }

    Map<String, String> figures() {
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("forecast", given().queryParam("asOf", at(100)).queryParam("horizonDays", "90")
                .get("/api/forecast").then().statusCode(200).extract().asString());
        figures.put("forecast by segment", given().queryParam("asOf", at(100)).queryParam("horizonDays", "90")
                .queryParam("groupBy", "segment").get("/api/forecast").then().statusCode(200).extract().asString());
        figures.put("kpis", given().queryParam("from", at(0)).queryParam("to", at(100)).get("/api/forecast/kpis")
                .then().statusCode(200).extract().asString());
        figures.put("kpis by owner", given().queryParam("from", at(0)).queryParam("to", at(100))
                .queryParam("groupBy", "owner").get("/api/forecast/kpis").then().statusCode(200).extract().asString());
        return figures;
    }

    Map<String, List<String>> snapshot() throws Exception {
        Map<String, List<String>> snapshot = new LinkedHashMap<>();
        for (String table : PER_LEAD) {
            List<String> rows = new ArrayList<>(query("SELECT * FROM " + table));
            Collections.sort(rows);
            snapshot.put(table, rows);
        }
        List<String> log = new ArrayList<>(query("SELECT event_id, lead_id, event_type FROM event_log"));
        Collections.sort(log);
        snapshot.put("event_log", log);
        snapshot.put("lead_alias", query("SELECT * FROM lead_alias ORDER BY 1"));
        return snapshot;
    }

    void assertFoundNowhere(String... ids) throws Exception {
        List<String> tables = query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                + "AND table_type = 'BASE TABLE'").stream().map(t -> t.replace("|", "")).toList();
        assertThat(tables).contains("event_log", "lead_alias", "dead_letter", "lead_state");
        for (String id : ids) {
            for (String table : tables) {
                assertThat(count("SELECT count(*) FROM public." + table + " t WHERE t::text LIKE '%' || ? || '%'", id))
                        .as(id + " in " + table).isZero();
            }
            assertThat(count("SELECT count(*) FROM dead_letter WHERE position(convert_to(?, 'UTF8') in "
                    + "coalesce(record_key, '') || coalesce(payload, '')) > 0", id)).as(id + " in dead letters").isZero();
        }
    }

    /** The personal-data endpoint refuses a caller without a credential (401) and one with the read scope (403). */
    @Test
    void personalDataNeedsAnAdminCredential() throws Exception {
        String path = "/api/admin/leads/someone/personal-data";
        var none = EndpointAccess.send(root, "GET", path, Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        String read = KeysOnTopic.publish(infra.kafka().bootstrapServers(), "fcsidread001", List.of("read"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", read)).statusCode() == 403);
        assertThat(EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", read)).body()).contains("\"status\":403");
    }
}
