package dev.l2r.funnel.storage;

import dev.l2r.infra.test.LocalInfraResource;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V12 (the campaign in the per-lead rows) over an installation that already holds events: the column is
 * added, a rebuild is requested (it fills the column), and the indexes are left to the rebuild's tables; over an
 * empty one the indexes carry the campaign at once and no rebuild is asked for. Each in a scratch schema made by the
 * service's own migrations.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class,
        initArgs = @ResourceArg(name = LocalInfraResource.DATABASE, value = "l2r_funnel"))
class CampaignMigrationTest {

    @Inject
    Flyway flyway;

    @Inject
    AgroalDataSource dataSource;

    Flyway in(String schema, String target) {
        return Flyway.configure().configuration(flyway.getConfiguration()).schemas(schema).defaultSchema(schema)
                .createSchemas(true).target(target).load();
    }

    @Test
    void withEventsARebuildIsRequestedAndTheOldRowsStay() throws SQLException {
        String schema = "v12_with_events";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            in(schema, "11").migrate();
            s.execute("INSERT INTO " + schema + ".event_log (event_id, lead_id, occurred_at, payload) "
                    + "VALUES (gen_random_uuid(), 'L', now(), '{}')");
            s.execute("INSERT INTO " + schema + ".lead_current (lead_id, stage, since, owner) VALUES ('L', 'MQL', now(), 'ann')");
            in(schema, "12").migrate();

            assertThat(strings(s, "SELECT reason FROM " + schema + ".projection_rebuild_required"))
                    .containsExactly("schema version 12: the campaign in the per-lead rows");
            assertThat(strings(s, "SELECT lead_id || '/' || owner || '/' || coalesce(campaign, 'none') FROM "
                    + schema + ".lead_current")).containsExactly("L/ann/none");
            assertThat(indexes(s, schema)).hasSize(3)
                    .allSatisfy(definition -> assertThat(definition).doesNotContain("campaign"));
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void emptyTheIndexesCarryTheCampaignAndNoRebuildIsRequested() throws SQLException {
        String schema = "v12_empty";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            in(schema, "12").migrate();

            assertThat(strings(s, "SELECT reason FROM " + schema + ".projection_rebuild_required")).isEmpty();
            assertThat(indexes(s, schema)).hasSize(3)
                    .allSatisfy(definition -> assertThat(definition).contains("owner, campaign)"));
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /** The covering indexes of the per-lead rows that the attribute filters read. */
    static List<String> indexes(Statement s, String schema) throws SQLException {
        return strings(s, "SELECT indexdef FROM pg_indexes WHERE schemaname = '" + schema + "' AND indexname IN "
                + "('lead_stage_entry_stage_time', 'lead_conversion_lookup', 'lead_conversion_pair_time')");
    }

    static List<String> strings(Statement s, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
