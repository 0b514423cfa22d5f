package dev.l2r.funnel.rebuild;

import dev.l2r.events.LeadAttributes;
import dev.l2r.platform.rebuild.RebuildStatus;
import dev.l2r.funnel.storage.ProjectionLocks;
import dev.l2r.funnel.storage.RebuildRequests;
import dev.l2r.funnel.storage.ReplayedOffsets;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.InjectLocalInfra;
import dev.l2r.infra.test.LocalInfraResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * What a rebuild leaves for the other replicas: its locks released whatever became of it, its status true when the
 * replica running it died, its requests served by another replica, and no second replay of a backlog that a
 * replica's replay took in while another replica was looking. The replicas share one database, as here.
 */
@QuarkusTest
@TestProfile(RebuildAcrossReplicasTest.WatchOften.class)
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class RebuildAcrossReplicasTest {

    /** The watch looks twice a second (and never finds a backlog worth a replay). */
    public static class WatchOften implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("l2r.catch-up.check-interval", "500ms");
        }
    }

    @InjectLocalInfra
    LocalInfra infra;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Rebuilder rebuilder;

    @Test
    void aFailedRebuildReleasesItsLocksAndLiveBatchesGoOn() throws Exception {
        awaitIdle();
        String saved = definitionRow();
        // a stored definition the rebuild cannot read: it fails after taking the projection lock
        execute("INSERT INTO funnel_definition (id, version, definition) VALUES (1, 990001, '{\"stages\": 7}') "
                + "ON CONFLICT (id) DO UPDATE SET version = 990001, definition = '{\"stages\": 7}'");
        try {
            given().post("/api/admin/rebuild").then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().get("/api/admin/rebuild").then().body("state", equalTo("FAILED")));
            assertThat(advisoryLocksHeld()).as("advisory locks held after the failed rebuild").isZero();
        } finally {
            execute(saved == null ? "DELETE FROM funnel_definition"
                    : "UPDATE funnel_definition SET version = 990002, definition = '" + saved.replace("'", "''") + "'");
        }
        // a live batch takes the projection lock shared: it would wait for good behind a leaked exclusive one
        String lead = "after-failed-" + UUID.randomUUID();
        Publisher.publish(infra.kafka().bootstrapServers(), List.of(Publisher.event(lead, "MQL",
                Instant.parse("2023-07-01T00:00:00Z"), LeadAttributes.NONE)));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                count("SELECT count(*) FROM lead_stage_entry WHERE lead_id = '" + lead + "'") == 1);
    }

    @Test
    void aRebuildWhoseReplicaDiedReadsFailedAndItsRequestIsServedByAnother() throws Exception {
        awaitIdle();
        // what a replica killed in the middle of a rebuild leaves: the row says RUNNING, nobody holds the lock,
        // and the request it was serving is still open
        execute("INSERT INTO rebuild_status (id, state, reason, phase, started_at) VALUES (1, 'RUNNING', "
                + "'funnel definition version 77', 'reading the topic from offset zero', now() - interval '1 minute') "
                + "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, "
                + "phase = EXCLUDED.phase, started_at = EXCLUDED.started_at, finished_at = NULL, error = NULL");
        RebuildStatus dead = rebuilder.status();
        assertThat(dead.state()).isEqualTo("FAILED");
        assertThat(dead.error()).contains("replica");
        try (Connection c = dataSource.getConnection()) {
            RebuildRequests.require(c, "test: left open by a replica that died");
        }
        // nobody calls startIfRequired here: this replica's catch-up watch finds the request
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/admin/rebuild").then()
                .body("state", equalTo("DONE")).body("reason", equalTo("test: left open by a replica that died")));
        assertThat(count("SELECT count(*) FROM projection_rebuild_required")).isZero();
    }

    @Test
    void aReplayIsNotStartedWhenAnotherRebuildStartedSinceTheStatusWasRead() throws Exception {
        awaitIdle();
        RebuildStatus seen = rebuilder.status();
        rebuilder.start("another replica's replay");
        awaitIdle();
        assertThat(rebuilder.startUnlessChangedSince("a replay decided on the backlog seen before", seen)).isFalse();
        RebuildStatus now = rebuilder.status();
        assertThat(now.reason()).isEqualTo("another replica's replay");
        assertThat(now.state()).isEqualTo("DONE");
        // looking again, with the status as it now is, a replay may start
        assertThat(rebuilder.startUnlessChangedSince("a replay decided on a fresh look", now)).isTrue();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/admin/rebuild").then()
                .body("state", equalTo("DONE")).body("reason", equalTo("a replay decided on a fresh look")));
        assertThat(advisoryLocksHeld()).isZero();
    }

    /**
     * After a replay the consumer gets past the replay point some seconds before the group commits past it: in
     * between, a replica's watch must still count the records below as done, or it replays the topic again.
     */
    @Test
    void aPassedReplayPointStaysTheBacklogsFloorUntilTheGroupHasCommittedPastIt() throws Exception {
        String topic = "replay-points-" + UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            ReplayedOffsets.save(c, topic, Map.of(0, 100L, 1, 50L));
            ReplayedOffsets.passed(c, topic, Map.of(0, 100L, 1, 49L));
            // the consumer passes over nothing below a point it has passed, and still over the other's
            assertThat(ReplayedOffsets.read(c, topic)).isEqualTo(Map.of(1, 50L));
            assertThat(ReplayedOffsets.floor(c, topic)).isEqualTo(Map.of(0, 100L, 1, 50L));
            // committed short of the point: kept
            ReplayedOffsets.forget(c, topic, Map.of(0, 99L, 1, 500L), Map.of(0, 200L, 1, 600L));
            assertThat(ReplayedOffsets.floor(c, topic)).isEqualTo(Map.of(0, 100L, 1, 50L));
            // committed past it: gone; a point not passed yet stays whatever was committed
            ReplayedOffsets.forget(c, topic, Map.of(0, 100L, 1, 500L), Map.of(0, 200L, 1, 600L));
            assertThat(ReplayedOffsets.floor(c, topic)).isEqualTo(Map.of(1, 50L));
            // a passed point beyond its partition's end (the topic was recreated): gone, committed or not
            ReplayedOffsets.passed(c, topic, Map.of(1, 50L));
            ReplayedOffsets.forget(c, topic, Map.of(), Map.of(0, 5L, 1, 10L));
            assertThat(ReplayedOffsets.floor(c, topic)).isEmpty();
        }
    }

    private void awaitIdle() {
        await().atMost(Duration.ofSeconds(60)).until(() -> !rebuilder.status().running() && advisoryLocksHeld() == 0);
    }

    /** Session-level advisory locks of the rebuild and the projection held by anyone (live batches' are per transaction). */
    private long advisoryLocksHeld() throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                     + "AND granted AND mode = 'ExclusiveLock' AND objsubid = 1 "
                     + "AND (classid::bigint << 32 | objid::bigint) IN (?, ?)")) {
            ps.setLong(1, ProjectionLocks.REBUILD_LOCK);
            ps.setLong(2, ProjectionLocks.PROJECTION_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String definitionRow() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT definition FROM funnel_definition")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
