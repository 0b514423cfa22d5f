package dev.l2r.funnel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.LeadsMerged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.core.Stages;
import dev.l2r.funnel.core.Velocity;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.KeysOnTopic;
import dev.l2r.infra.test.LocalInfraResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Merges and erasures through the real topic and database: a merge counts the union of two leads' events as one
 * lead's (worked by hand, and against {@link LeadFacts} of the union), whatever order the merge and the absorbed
 * lead's events arrive in, along chains, redelivered; an erasure leaves every figure as it was while the lead's ids
 * are found in no table; and a rebuild from the topic after both gives the tables the live consumer left.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityConsumptionTest {

    static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** The leads of the erasure test, checked again after the rebuild. */
    static String erasedLead;
    static String erasedAlias;

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    java.net.URI root;

    static Instant day(int year, double d) {
        return LocalDate.of(year, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(Math.round(d * 86_400));
    }

    static LeadStageChanged stage(String lead, String stage, Instant at, String channel) {
        return Publisher.event(lead, stage, at, channel == null ? LeadAttributes.NONE
                : new LeadAttributes(channel, null, null, null));
    }

    /** As a sender's event: with the sender's own event id and stage name. */
    static LeadStageChanged fromSender(LeadStageChanged e) {
        return new LeadStageChanged(e.eventId(), 1, e.leadId(), null, e.toStage(), e.kind(), null, e.occurredAt(),
                e.recordedAt(), "hubspot", "sender-" + UUID.randomUUID(), "raw-" + e.toStage().toLowerCase(), null,
                null, e.attributes());
    }

    static LeadsMerged merge(String survivor, String absorbed) {
        return new LeadsMerged(UUID.randomUUID(), 1, survivor, absorbed, Instant.now(), Instant.now(), "test", null,
                "test.link");
    }

    static LeadErased erase(String lead) {
        return new LeadErased(UUID.randomUUID(), 1, lead, Instant.now(), Instant.now(), "l2r");
    }

    void publish(List<? extends LeadEvent> events) {
        Publisher.publish(infra.kafka().bootstrapServers(), events);
    }

    /** Publishes and waits until every event is in the event log (by id: an erased lead's are under a surrogate). */
    void publishAndAwait(List<? extends LeadEvent> events) {
        publish(events);
        List<UUID> ids = events.stream().map(LeadEvent::eventId).distinct().toList();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> count("SELECT count(*) FROM event_log WHERE event_id = ANY (?)",
                        (Object) ids.toArray(new UUID[0])) == ids.size());
    }

    long count(String sql, Object... params) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof UUID[] ids) {
                    ps.setArray(i + 1, c.createArrayOf("uuid", ids));
                } else {
                    ps.setObject(i + 1, params[i]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static JsonNode json(String body) throws Exception {
        return ProjectionPropertyTest.JSON.readTree(body);
    }

    static JsonNode funnel(int year, String channel) throws Exception {
        RequestSpecification request = given().queryParam("from", year + "-01-01").queryParam("to", year + "-12-31");
        if (channel != null) {
            request.queryParam("channel", channel);
        }
        return json(request.get("/api/funnel").then().statusCode(200).extract().asString());
    }

    static JsonNode stageOf(JsonNode funnel, String stage) {
        for (JsonNode s : funnel.get("stages")) {
            if (s.get("stage").asText().equals(stage)) {
                return s;
            }
        }
        throw new AssertionError("no stage " + stage);
    }

    /** Every stage's entered, reachedNext, reachedWon and velocity against the leads' facts (the brute force). */
    static void assertFunnelIs(int year, String channel, List<LeadFacts> facts) throws Exception {
        Instant from = day(year, 0);
        Instant to = LocalDate.of(year + 1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Predicate<LeadFacts> slice = f -> channel == null || Objects.equals(f.channel(), channel);
        JsonNode answer = funnel(year, channel);
        for (JsonNode stage : answer.get("stages")) {
            String s = stage.get("stage").asText();
            String context = year + " channel=" + channel + " " + s;
            long entered = facts.stream().filter(slice).filter(f -> ProjectionPropertyTest.entry(f, s, from, to, true))
                    .count();
            assertThat(stage.get("entered").asLong()).as(context + " entered").isEqualTo(entered);
            var next = Stages.next(FUNNEL, s);
            if (next.isPresent()) {
                ProjectionPropertyTest.Reference ref = ProjectionPropertyTest.reference(facts, s, next.get(), from, to,
                        true, null, slice);
                assertThat(stage.get("reachedNext").asLong()).as(context + " reachedNext").isEqualTo(ref.converted());
                ProjectionPropertyTest.assertVelocity(context, stage.get("velocityToNextDays"), ref);
                if (!next.get().equals(FUNNEL.wonStage())) {
                    ProjectionPropertyTest.Reference won = ProjectionPropertyTest.reference(facts, s, FUNNEL.wonStage(),
                            from, to, true, null, slice);
                    assertThat(stage.get("reachedWon").asLong()).as(context + " reachedWon").isEqualTo(won.converted());
                }
            }
        }
    }

    static List<LeadEvent> union(List<? extends LeadEvent> a, List<? extends LeadEvent> b) {
        List<LeadEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    long perLeadRows(String lead) throws Exception {
        return count("SELECT (SELECT count(*) FROM lead_stage_entry WHERE lead_id = ?) + (SELECT count(*) FROM "
                + "lead_conversion WHERE lead_id = ?) + (SELECT count(*) FROM lead_current WHERE lead_id = ?)",
                lead, lead, lead);
    }

    @Test
    @Order(1)
    void aMergeCountsTheUnionOfBothLeadsEventsAsOneLead() throws Exception {
        String a = "visitor-" + RUN;
        String b = "person-" + RUN;
        List<LeadStageChanged> ofA = List.of(stage(a, "ANONYMOUS", day(2061, 1), "paid_search"));
        List<LeadStageChanged> ofB = List.of(stage(b, "KNOWN", day(2061, 3), "email"),
                stage(b, "MQL", day(2061, 10), null), stage(b, "SQL", day(2061, 20), null));
        publishAndAwait(union(ofA, ofB));
        // two leads: the visitor never went further, the person was first seen at KNOWN
        assertThat(stageOf(funnel(2061, null), "ANONYMOUS").get("reachedNext").asLong()).isEqualTo(0);
        assertThat(stageOf(funnel(2061, "email"), "KNOWN").get("entered").asLong()).isEqualTo(1);

        LeadsMerged merged = merge(a, b);
        publishAndAwait(List.of(merged));
        // worked by hand: one lead, first touch ANONYMOUS on day 1 by paid search, KNOWN 2 days later, ENGAGED
        // passed (skipped) at MQL on day 10, SAL passed at SQL on day 20
        JsonNode after = funnel(2061, null);
        assertThat(stageOf(after, "ANONYMOUS").get("entered").asLong()).isEqualTo(1);
        assertThat(stageOf(after, "ANONYMOUS").get("reachedNext").asLong()).isEqualTo(1);
        assertThat(stageOf(after, "ANONYMOUS").get("velocityToNextDays").get("mean").decimalValue())
                .isEqualByComparingTo("2");
        assertThat(stageOf(after, "KNOWN").get("reachedNext").asLong()).isEqualTo(1);
        assertThat(stageOf(after, "KNOWN").get("velocityToNextDays").get("median").decimalValue())
                .isEqualByComparingTo("7");
        assertThat(stageOf(after, "SQL").get("entered").asLong()).isEqualTo(1);
        // the person's first touch is now the visitor's: paid search, no longer email
        assertThat(stageOf(funnel(2061, "paid_search"), "KNOWN").get("entered").asLong()).isEqualTo(1);
        assertThat(stageOf(funnel(2061, "email"), "KNOWN").get("entered").asLong()).isEqualTo(0);
        List<LeadFacts> one = List.of(LeadFacts.of(FUNNEL, a, union(ofA, ofB)));
        for (String channel : new String[]{null, "paid_search", "email"}) {
            assertFunnelIs(2061, channel, one);
        }
        // the absorbed lead has no rows; its events count for the survivor; the alias is recorded
        assertThat(perLeadRows(b)).isZero();
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id = ?", a)).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM lead_alias WHERE merged_lead_id = ? AND lead_id = ?", b, a)).isEqualTo(1);

        // redelivered (the merge, the absorbed lead's events), then a no-op observation on each key as a marker
        Map<String, List<String>> before = snapshot(a);
        JsonNode figures = funnel(2061, null);
        LeadStageChanged markA = stage(a, "ANONYMOUS", day(2061, 1), null);
        LeadStageChanged markB = stage(b, "SQL", day(2061, 20), null);
        List<LeadEvent> again = new ArrayList<>(List.of(merged));
        again.addAll(ofB);
        again.add(merged);
        again.add(markA);
        again.add(markB);
        publishAndAwait(again);
        assertThat(funnel(2061, null)).isEqualTo(figures);
        Map<String, List<String>> afterAgain = snapshot(a);
        assertThat(afterAgain.get("lead_stage_entry")).isEqualTo(before.get("lead_stage_entry"));
        assertThat(afterAgain.get("lead_conversion")).isEqualTo(before.get("lead_conversion"));
        assertThat(afterAgain.get("lead_current")).isEqualTo(before.get("lead_current"));
        assertThat(perLeadRows(b)).isZero();
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id = ?", a)).isEqualTo(7);
    }

    @Test
    @Order(2)
    void theAbsorbedLeadsEventsArrivingAfterTheMergeCountForTheSurvivor() throws Exception {
        String a = "late-visitor-" + RUN;
        String b = "late-person-" + RUN;
        List<LeadStageChanged> ofA = List.of(stage(a, "ANONYMOUS", day(2062, 1), "paid_search"),
                stage(a, "ENGAGED", day(2062, 4), null));
        publishAndAwait(ofA);
        publishAndAwait(List.of(merge(a, b)));
        // from another partition, after the merge
        List<LeadStageChanged> ofB = List.of(stage(b, "KNOWN", day(2062, 2), "email"),
                stage(b, "MQL", day(2062, 9), null), stage(b, "CLOSED_WON", day(2062, 30), null));
        publishAndAwait(ofB);
        assertThat(perLeadRows(b)).isZero();
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id = ?", b)).isZero();
        List<LeadFacts> one = List.of(LeadFacts.of(FUNNEL, a, union(ofA, ofB)));
        for (String channel : new String[]{null, "paid_search", "email"}) {
            assertFunnelIs(2062, channel, one);
        }
        assertThat(stageOf(funnel(2062, null), "CLOSED_WON").get("entered").asLong()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aChainCountsForItsLastSurvivorWhicheverMergeArrivesFirst() throws Exception {
        String a = "chain-a-" + RUN;
        String b = "chain-b-" + RUN;
        String c = "chain-c-" + RUN;
        List<LeadStageChanged> ofA = List.of(stage(a, "KNOWN", day(2063, 5), "email"));
        List<LeadStageChanged> ofB = List.of(stage(b, "ANONYMOUS", day(2063, 1), "paid_search"));
        List<LeadStageChanged> ofC = List.of(stage(c, "SAL", day(2063, 12), "partner"),
                stage(c, "OPPORTUNITY", day(2063, 20), null));
        publishAndAwait(union(union(ofA, ofB), ofC));
        // b was merged into a, then a into c; the second merge is consumed first
        publishAndAwait(List.of(merge(c, a)));
        publishAndAwait(List.of(merge(a, b)));
        assertThat(perLeadRows(a)).isZero();
        assertThat(perLeadRows(b)).isZero();
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id = ?", c)).isEqualTo(6);
        assertThat(count("SELECT count(*) FROM lead_alias WHERE merged_lead_id = ANY (?) AND lead_id = ?",
                (Object) new String[]{a, b}, c)).isEqualTo(2);
        List<LeadFacts> one = List.of(LeadFacts.of(FUNNEL, c, union(union(ofA, ofB), ofC)));
        for (String channel : new String[]{null, "paid_search", "email", "partner"}) {
            assertFunnelIs(2063, channel, one);
        }
        // a later event of the first absorbed id goes straight to the end of the chain
        LeadStageChanged late = stage(b, "CLOSED_LOST", day(2063, 40), null);
        publishAndAwait(List.of(late));
        assertThat(perLeadRows(b)).isZero();
        List<LeadEvent> all = union(union(ofA, ofB), ofC);
        all.add(late);
        assertFunnelIs(2063, null, List.of(LeadFacts.of(FUNNEL, c, all)));
    }

    @Test
    @Order(4)
    void anErasureLeavesEveryFigureAsItWasAndTheLeadsIdsInNoTable() throws Exception {
        String e = "erase-me-" + RUN;
        String f = "erase-me-too-" + RUN;
        erasedLead = e;
        erasedAlias = f;
        List<LeadStageChanged> ofE = List.of(fromSender(stage(e, "ANONYMOUS", day(2065, 1), "paid_search")),
                fromSender(stage(e, "KNOWN", day(2065, 2), null)));
        List<LeadStageChanged> ofF = List.of(fromSender(stage(f, "MQL", day(2065, 5), "email")),
                fromSender(stage(f, "SAL", day(2065, 8), null)), fromSender(stage(f, "SQL", day(2065, 15), null)));
        // and a lead that stays, so the figures are not all the erased lead's
        List<LeadStageChanged> other = List.of(stage("stays-" + RUN, "MQL", day(2065, 6), "email"),
                stage("stays-" + RUN, "SAL", day(2065, 9), null));
        publishAndAwait(union(union(ofE, ofF), other));
        publishAndAwait(List.of(merge(e, f)));
        // a record of the lead the consumer could not use
        Publisher.publishRaw(infra.kafka().bootstrapServers(), List.of(Map.entry(e, "not json")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM dead_letter WHERE record_key = convert_to(?, 'UTF8')", e) == 1);
        given().get("/api/admin/leads/" + f + "/personal-data").then().statusCode(200)
                .body("service", org.hamcrest.Matchers.equalTo("funnel-service"))
                .body("holds.keySet()", org.hamcrest.Matchers.containsInAnyOrder("event_log", "lead_stage_entry",
                        "lead_conversion", "lead_current", "lead_alias", "dead_letter"))
                .body("holds.event_log.size()", org.hamcrest.Matchers.equalTo(6))
                .body("holds.dead_letter[0].payload", org.hamcrest.Matchers.equalTo("not json"));

        Map<String, String> figures = figures(2065);
        publishAndAwait(List.of(erase(e)));
        assertThat(figures(2065)).isEqualTo(figures);
        given().get("/api/admin/leads/" + e + "/personal-data").then().statusCode(404);
        given().get("/api/admin/leads/" + f + "/personal-data").then().statusCode(404);
        assertFoundNowhere(e, f);
        // the lead's rows are kept, cut loose, under a surrogate (the aggregates of later leads need them)
        assertThat(count("SELECT count(*) FROM lead_stage_entry WHERE lead_id LIKE 'erased:%' AND day >= ? AND day < ?",
                LocalDate.of(2065, 1, 1), LocalDate.of(2066, 1, 1))).isEqualTo(6);
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id LIKE 'erased:%' AND (payload LIKE "
                + "'%sourceEventId%' OR payload LIKE '%rawStage%' OR payload LIKE '%sender-%')")).isZero();
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id LIKE 'erased:%' AND payload LIKE '%hubspot%'"))
                .as("the values the figures need are kept, the source among them").isEqualTo(5);
        String wip = given().queryParam("asOf", "2065-12-31").queryParam("limit", "1000").get("/api/funnel/wip")
                .then().statusCode(200).extract().asString();
        assertThat(wip).doesNotContain("erased:");

        // an old event of the lead redelivered: already applied (its id is kept), it counts nothing again; an
        // unusable record behind it on the same partition shows when it has been read
        publish(List.of(ofF.get(1)));
        Publisher.publishRaw(infra.kafka().bootstrapServers(), List.of(Map.entry(f, "still not json")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM dead_letter WHERE record_key = convert_to(?, 'UTF8')", f) == 1);
        assertThat(figures(2065)).isEqualTo(figures);
        assertThat(count("SELECT count(*) FROM event_log WHERE lead_id = ANY (?)", (Object) new String[]{e, f}))
                .isZero();
        assertThat(perLeadRows(f)).isZero();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM dead_letter WHERE payload = convert_to('still not json', 'UTF8')");
        }
    }

    @Test
    @Order(6)
    void aRebuildFromTheTopicAfterMergesAndAnErasureGivesTheTablesTheLiveConsumerLeft() throws Exception {
        Map<String, List<String>> live = snapshot(null);
        given().post("/api/admin/rebuild").then().statusCode(202);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(given().get("/api/admin/rebuild").then().extract().path("state").toString())
                        .isEqualTo("DONE"));
        Map<String, List<String>> rebuilt = snapshot(null);
        for (String table : live.keySet()) {
            assertThat(rebuilt.get(table)).as(table).isEqualTo(live.get(table));
        }
        if (erasedLead != null) {
            for (String table : List.of("event_log", "lead_stage_entry", "lead_conversion", "lead_current",
                    "lead_alias")) {
                for (String id : new String[]{erasedLead, erasedAlias}) {
                    assertThat(count("SELECT count(*) FROM " + table + " t WHERE t::text LIKE '%' || ? || '%'", id))
                            .as(id + " in " + table + " after the rebuild").isZero();
                }
            }
        }
    }

    /** The answers of every funnel endpoint over a year, as JSON text. */
    static Map<String, String> figures(int year) {
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("funnel", given().queryParam("from", year + "-01-01").queryParam("to", year + "-12-31")
                .get("/api/funnel").then().statusCode(200).extract().asString());
        figures.put("funnel by channel", given().queryParam("from", year + "-01-01").queryParam("to", year + "-12-31")
                .queryParam("channel", "email").get("/api/funnel").then().statusCode(200).extract().asString());
        figures.put("conversion", given().queryParam("fromStage", "MQL").queryParam("toStage", "SQL")
                .queryParam("from", year + "-01-01").queryParam("to", year + "-12-31").queryParam("groupBy", "channel")
                .get("/api/funnel/conversion").then().statusCode(200).extract().asString());
        figures.put("volume", given().queryParam("stage", "KNOWN").queryParam("from", year + "-01-01")
                .queryParam("to", year + "-12-31").queryParam("interval", "month")
                .get("/api/funnel/volume").then().statusCode(200).extract().asString());
        figures.put("wip", given().queryParam("asOf", year + "-12-31").get("/api/funnel/wip").then().statusCode(200)
                .extract().jsonPath().getList("stages").toString());
        figures.put("baseline", given().queryParam("asOf", (year + 1) + "-01-01").queryParam("months", "12")
                .get("/api/funnel/baseline").then().statusCode(200).extract().asString());
        return figures;
    }

    /** The ids appear in no table of the service's database: not in any column, not inside a payload. */
    void assertFoundNowhere(String... ids) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                     + "'public' AND table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("event_log", "lead_alias", "dead_letter", "lead_current");
        for (String id : ids) {
            for (String table : tables) {
                assertThat(count("SELECT count(*) FROM public." + table + " t WHERE t::text LIKE '%' || ? || '%'", id))
                        .as(id + " in " + table).isZero();
            }
            assertThat(count("SELECT count(*) FROM dead_letter WHERE position(convert_to(?, 'UTF8') in "
                    + "coalesce(record_key, '') || coalesce(payload, '')) > 0", id)).as(id + " in dead letters").isZero();
        }
    }

    /** Rows of the projection tables (of one lead, or all), sorted, surrogate ids written alike. */
    Map<String, List<String>> snapshot(String lead) throws Exception {
        String where = lead == null ? "" : " WHERE lead_id = '" + lead.replace("'", "''") + "'";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("event_log", "SELECT event_id, lead_id, occurred_at, event_type FROM event_log" + where);
        queries.put("lead_stage_entry", "SELECT * FROM lead_stage_entry" + where);
        queries.put("lead_conversion", "SELECT * FROM lead_conversion" + where);
        queries.put("lead_current", "SELECT * FROM lead_current" + where);
        queries.put("lead_alias", "SELECT * FROM lead_alias" + where);
        if (lead == null) {
            queries.put("cohort_cube", "SELECT * FROM cohort_cube WHERE leads <> 0");
            queries.put("conversion_cube", "SELECT * FROM conversion_cube WHERE leads <> 0");
            queries.put("velocity_cube", "SELECT * FROM velocity_cube WHERE fine <> array_fill(0, ARRAY["
                    + Velocity.FINE + "])");
        }
        Map<String, List<String>> snapshot = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> q : queries.entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(q.getValue())) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            row.append(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v)
                                    .append('|');
                        }
                        rows.add(ProjectionPropertyTest.sameSurrogates(row.toString()));
                    }
                }
                Collections.sort(rows);
                snapshot.put(q.getKey(), rows);
            }
        }
        return snapshot;
    }

    /**
     * Random leads, random merges between them (as lead-service makes them: into the lead an id counts for), all
     * published in a random order, some redelivered: the funnel equals the brute force over each surviving lead's
     * union of events.
     */
    @Test
    @Order(5)
    void anyOrderOfEventsAndMergesGivesTheFiguresOfTheUnions() throws Exception {
        Random random = new Random(20_261_206L);
        int year = 2071;
        Instant era = day(year, 0);
        Map<String, List<LeadEvent>> byLead = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            String lead = "rnd-" + RUN + "-" + i;
            byLead.put(lead, ProjectionPropertyTest.history(random, lead, era));
        }
        List<String> ids = new ArrayList<>(byLead.keySet());
        dev.l2r.platform.consume.AliasMap truth = new dev.l2r.platform.consume.AliasMap();
        List<LeadEvent> sent = new ArrayList<>();
        byLead.values().forEach(sent::addAll);
        for (int i = 0; i < ids.size() / 2; i++) {
            String survivor = truth.resolve(ids.get(random.nextInt(ids.size())));
            String absorbed = truth.resolve(ids.get(random.nextInt(ids.size())));
            if (!survivor.equals(absorbed)) {
                truth.merge(survivor, absorbed);
                sent.add(merge(survivor, absorbed));
            }
        }
        int n = sent.size();
        for (int i = 0; i < n / 8; i++) {
            sent.add(sent.get(random.nextInt(n)));
        }
        Collections.shuffle(sent, random);
        publishAndAwait(sent);
        Map<String, List<LeadEvent>> unions = new LinkedHashMap<>();
        byLead.forEach((lead, events) -> unions.computeIfAbsent(truth.resolve(lead), k -> new ArrayList<>())
                .addAll(events));
        List<LeadFacts> facts = unions.entrySet().stream()
                .map(en -> LeadFacts.of(FUNNEL, en.getKey(), en.getValue())).toList();
        for (String channel : new String[]{null, "email", "paid"}) {
            assertFunnelIs(year, channel, facts);
        }
        for (String absorbed : truth.aliases().keySet()) {
            assertThat(perLeadRows(absorbed)).as(absorbed).isZero();
        }
    }

    /** The personal-data endpoint refuses a caller without a credential (401) and one with the read scope (403). */
    @Test
    void personalDataNeedsAnAdminCredential() throws Exception {
        String path = "/api/admin/leads/someone/personal-data";
        var none = EndpointAccess.send(root, "GET", path, Map.of());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        String read = KeysOnTopic.publish(infra.kafka().bootstrapServers(), "fnlidread001", List.of("read"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", read)).statusCode() == 403);
        assertThat(EndpointAccess.send(root, "GET", path, Map.of("X-API-Key", read)).body()).contains("\"status\":403");
    }
}
