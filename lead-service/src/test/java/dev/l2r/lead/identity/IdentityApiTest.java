package dev.l2r.lead.identity;

import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.test.EndpointAccess;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import dev.l2r.infra.test.Tries;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * {@code POST /api/identity/links} and the registry behind every intake path, on a real PostgreSQL: chains collapse,
 * a later change of an absorbed id lands on the survivor, the final grouping does not depend on the order links
 * arrive in, a personal id sent over REST becomes a pseudonym and finds its lead again, and the endpoint refuses
 * callers without a credential or with too small a scope.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_lead"))
class IdentityApiTest {

    @InjectLocalInfra
    LocalInfra infra;

    @TestHTTPResource("/")
    URI root;

    static final Instant DAY0 = Instant.parse("2025-03-01T09:00:00Z");

    static ValidatableResponse transition(String leadId, String stage, Instant at) {
        return given().contentType(ContentType.JSON).body("""
                        {"toStage":"%s","occurredAt":"%s","source":"crm","attributes":{"channel":"ch-%s"}}"""
                        .formatted(stage, at, leadId.replaceAll("[^a-z0-9-]", "")))
                .post("/api/leads/{id}/transitions", leadId).then();
    }

    static ValidatableResponse link(String a, String b, Instant at) {
        return given().contentType(ContentType.JSON).body("""
                        {"leadId":"%s","linkedLeadId":"%s","occurredAt":"%s","source":"crm"}""".formatted(a, b, at))
                .post("/api/identity/links").then();
    }

    static String survivorOf(String id) {
        return given().get("/api/leads/{id}", id).then().statusCode(200).extract().path("leadId");
    }

    long count(String sql, String... args) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.postgres().jdbcUrl("l2r_lead"), LocalPostgres.USER,
                LocalPostgres.PASSWORD); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void chainsCollapseAndALaterChangeOfAnAbsorbedIdLandsOnTheSurvivor() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = "a-" + run;
        String b = "b-" + run;
        String c = "c-" + run;
        transition(c, "KNOWN", DAY0).statusCode(201);
        transition(b, "KNOWN", DAY0.plusSeconds(86_400)).statusCode(201);
        transition(a, "MQL", DAY0.plusSeconds(2 * 86_400)).statusCode(201);

        // A → B: B touched first, survives
        link(a, b, DAY0.plusSeconds(10 * 86_400)).statusCode(201).body("leadId", equalTo(b))
                .body("mergedLeadId", equalTo(a)).body("merged", equalTo(true));
        // B → C: C survives, and A (absorbed into B before) now means C too
        link(b, c, DAY0.plusSeconds(11 * 86_400)).statusCode(201).body("leadId", equalTo(c))
                .body("mergedLeadId", equalTo(b));
        assertThat(survivorOf(a)).isEqualTo(c);
        assertThat(survivorOf(b)).isEqualTo(c);
        assertThat(count("SELECT count(*) FROM lead_merge WHERE lead_id = ? AND merged_lead_id IN (?, ?)", c, a, b))
                .isEqualTo(2);
        // linking two of them again changes nothing and publishes nothing
        link(a, c, DAY0.plusSeconds(12 * 86_400)).statusCode(200).body("leadId", equalTo(c))
                .body("merged", equalTo(false));
        link(c, b, DAY0.plusSeconds(12 * 86_400)).statusCode(200).body("merged", equalTo(false));
        assertThat(count("SELECT count(*) FROM lead_merge WHERE lead_id = ?", c)).isEqualTo(2);

        // a later change sent for A is recorded under C
        transition(a, "SQL", DAY0.plusSeconds(20 * 86_400)).statusCode(201).body("leadId", equalTo(c));
        given().get("/api/leads/{id}", c).then().statusCode(200)
                // B's KNOWN, a day after C's, is no move in the union: not listed
                .body("history.toStage", equalTo(List.of("KNOWN", "MQL", "SQL")))
                .body("currentStage", equalTo("SQL"))
                .body("firstSeenAt", equalTo(DAY0.toString()))
                .body("firstTouchChannel", equalTo("ch-" + c));
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id IN (?, ?, ?)", a, b, c)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM stage_transition WHERE lead_id IN (?, ?)", a, b)).isZero();
    }

    @Test
    void concurrentLinksOfBothDirectionsMergeOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String x = "x-" + run;
        String y = "y-" + run;
        transition(x, "KNOWN", DAY0).statusCode(201);
        transition(y, "OPPORTUNITY", DAY0.plusSeconds(3_600)).statusCode(201);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean forward = i % 2 == 0;
                calls.add(() -> link(forward ? x : y, forward ? y : x, DAY0.plusSeconds(7_200))
                        .statusCode(org.hamcrest.Matchers.oneOf(200, 201)).extract().<Boolean>path("merged"));
            }
            int merged = 0;
            for (Future<Boolean> f : pool.invokeAll(calls)) {
                merged += f.get() ? 1 : 0;
            }
            assertThat(merged).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(survivorOf(y)).isEqualTo(x);
        assertThat(count("SELECT count(*) FROM lead_merge WHERE merged_lead_id = ?", y)).isEqualTo(1);
    }

    /**
     * Random groups of ids (some with a lead, some without; first touches on few distinct days, so ties happen) and
     * random links, applied in two different orders to two copies: both copies end grouped alike, and as an
     * independent computation says (each connected group's least (first touch, id) among its ids with a lead).
     */
    @Test
    void theFinalGroupingDoesNotDependOnTheOrderTheLinksArriveIn() {
        Tries.forAll(6, random -> {
            int n = 3 + random.nextInt(5);
            List<Integer> days = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                days.add(random.nextInt(6) == 0 ? null : random.nextInt(3));
            }
            List<int[]> links = new ArrayList<>();
            for (int i = 0, m = 1 + random.nextInt(n + 2); i < m; i++) {
                int from = random.nextInt(n);
                int to = random.nextInt(n);
                if (from != to) {
                    links.add(new int[] {from, to});
                }
            }
            return new Object[] {days, links, random.nextLong()};
        }, drawn -> {
            @SuppressWarnings("unchecked") List<Integer> days = (List<Integer>) drawn[0];
            @SuppressWarnings("unchecked") List<int[]> links = (List<int[]>) drawn[1];
            Random shuffle = new Random((Long) drawn[2]);
            String run = UUID.randomUUID().toString().substring(0, 8);
            Map<String, Integer> first = grouping("p-" + run + "-1-", days, links, shuffle);
            Map<String, Integer> second = grouping("p-" + run + "-2-", days, links, shuffle);
            assertThat(second).isEqualTo(first);

            List<Survivor.Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < days.size(); i++) {
                candidates.add(new Survivor.Candidate("m" + i, days.get(i) == null ? null
                        : DAY0.plusSeconds(86_400L * days.get(i))));
            }
            Map<String, Integer> expected = new HashMap<>();
            SurvivorTest.expected(candidates, links).forEach((id, survivor) -> {
                int member = Integer.parseInt(id.substring(1));
                int index = Integer.parseInt(survivor.substring(1));
                // a group where no id has a lead has no lead to find
                expected.put("m" + member, days.get(index) == null ? -1 : index);
            });
            assertThat(first).isEqualTo(expected);
        });
    }

    /** Leads for the ids with a day, the links in a shuffled order; each id → the index of its survivor (-1: none). */
    private Map<String, Integer> grouping(String prefix, List<Integer> days, List<int[]> links, Random shuffle) {
        int n = days.size();
        for (int i = 0; i < n; i++) {
            if (days.get(i) != null) {
                // ids in index order compare as their indexes (one digit), so ties go to the smaller index
                transition(prefix + i, "KNOWN", DAY0.plusSeconds(86_400L * days.get(i))).statusCode(201);
            }
        }
        List<int[]> order = new ArrayList<>(links);
        Collections.shuffle(order, shuffle);
        for (int[] l : order) {
            link(prefix + l[0], prefix + l[1], DAY0.plusSeconds(30 * 86_400)).statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        }
        Map<String, Integer> grouping = new HashMap<>();
        for (int i = 0; i < n; i++) {
            ValidatableResponse answer = given().get("/api/leads/{id}", prefix + i).then();
            int status = answer.extract().statusCode();
            grouping.put("m" + i, status == 404 ? -1
                    : Integer.parseInt(answer.statusCode(200).extract().<String>path("leadId").substring(prefix.length())));
        }
        return grouping;
    }

    @Test
    void anEmailSentOverRestIsAPseudonymThatItsSenderIdentityFindsAgain() throws Exception {
        String email = "Jane.Doe+" + UUID.randomUUID().toString().substring(0, 8) + "@Example.org";
        String leadId = transition(email, "MQL", DAY0).statusCode(201)
                .body("leadId", matchesPattern("crm:p-[a-z2-7]{26}")).extract().path("leadId");
        // the same person again, written differently: the same lead
        transition(" " + email.toLowerCase() + " ", "SQL", DAY0.plusSeconds(3_600)).statusCode(201)
                .body("leadId", equalTo(leadId));
        given().get("/api/leads/{id}", "crm:" + email).then().statusCode(200).body("leadId", equalTo(leadId))
                .body("history.toStage", equalTo(List.of("MQL", "SQL")));
        given().get("/api/leads/{id}", leadId).then().statusCode(200);
        // a bare email names no source: not found, and the answer does not repeat it
        String notFound = given().get("/api/leads/{id}", email).then().statusCode(404).extract().asString();
        assertThat(notFound).doesNotContain(email).doesNotContain("Example.org");
        assertThat(count("SELECT count(*) FROM lead WHERE lead_id ILIKE '%example.org%'")).isZero();
        assertThat(count("SELECT count(*) FROM lead_identity WHERE lead_id = ?", leadId)).isEqualTo(1);
        // a link naming the email links the pseudonym's lead
        String other = "o-" + UUID.randomUUID().toString().substring(0, 8);
        transition(other, "KNOWN", DAY0.plusSeconds(86_400)).statusCode(201);
        link(other, email, DAY0.plusSeconds(2 * 86_400)).statusCode(201).body("leadId", equalTo(leadId))
                .body("mergedLeadId", equalTo(other));
    }

    @Test
    void anEmailInABatchOrACsvRowIsAPseudonymToo() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String batchEmail = "batch-" + run + "@example.net";
        String csvEmail = "CSV-" + run + "@Example.net";
        given().contentType(ContentType.JSON).body("""
                        [{"leadId":"%s","toStage":"MQL","occurredAt":"2025-03-01T10:00:00Z","source":"crm"}]"""
                        .formatted(batchEmail))
                .post("/api/transitions").then().statusCode(200).body("recorded", equalTo(1));
        given().contentType("text/csv").body("""
                        lead_id,stage,occurred_at
                        %s,SQL,2025-03-02
                        """.formatted(csvEmail))
                .post("/api/imports?source=csv-import").then().statusCode(200).body("recorded", equalTo(1));
        given().get("/api/leads/{id}", "crm:" + batchEmail).then().statusCode(200)
                .body("leadId", matchesPattern("crm:p-[a-z2-7]{26}")).body("currentStage", equalTo("MQL"));
        given().get("/api/leads/{id}", "csv-import:" + csvEmail.toLowerCase()).then().statusCode(200)
                .body("leadId", matchesPattern("csv-import:p-[a-z2-7]{26}")).body("currentStage", equalTo("SQL"));
        assertThat(count("SELECT count(*) FROM stage_transition WHERE lead_id ILIKE '%example.net%'")).isZero();
    }

    @Test
    void linksAreRefusedWithoutACredentialWithTooSmallAScopeAndWithBadFields() throws Exception {
        assertThat(EndpointAccess.send(root, "POST", "/api/identity/links", Map.of()).statusCode()).isEqualTo(401);
        String reader = given().contentType(ContentType.JSON).body("{\"name\":\"identity reader\",\"scopes\":[\"read\"]}")
                .post("/api/admin/keys").then().statusCode(201).extract().path("key");
        assertThat(EndpointAccess.send(root, "POST", "/api/identity/links", Map.of("X-API-Key", reader)).statusCode())
                .isEqualTo(403);
        given().contentType(ContentType.JSON).body("{\"linkedLeadId\":\"b\",\"occurredAt\":\"2025-03-01T00:00:00Z\"}")
                .post("/api/identity/links").then().statusCode(400).body("field", equalTo("leadId"));
        given().contentType(ContentType.JSON).body("{\"leadId\":\"a\",\"linkedLeadId\":\"b\",\"occurredAt\":\"March\"}")
                .post("/api/identity/links").then().statusCode(400).body("field", equalTo("occurredAt"));
        // a signed webhook's source cannot be claimed over REST
        given().contentType(ContentType.JSON).body("{\"leadId\":\"a\",\"linkedLeadId\":\"b\","
                        + "\"occurredAt\":\"2025-03-01T00:00:00Z\",\"source\":\"hubspot\"}")
                .post("/api/identity/links").then().statusCode(403);
    }
}
