package dev.l2r.funnel.rebuild;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.core.Stages;
import dev.l2r.funnel.storage.ProjectionTables;
import dev.l2r.funnel.support.Publisher;
import dev.l2r.infra.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rebuild whose cells do not fit in the memory allowed sums them from the per-lead rows read back a range of
 * months at a time, spills each range's cells and adds them up in PostgreSQL (a week can span two ranges): the
 * cubes must come out exactly as when every cell is summed in memory (real PostgreSQL, the real migrations).
 */
class RebuildCellsTest {

    private static final FunnelDefinition FUNNEL = FunnelDefinition.canonical();
    private static LocalPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = LocalPostgres.start(Files.createTempDirectory("l2r-cells-"), 0, Map.of("fsync", "off"));
        postgres.createDatabaseIfMissing("cells");
        for (String schema : List.of("in_memory", "read_back")) {
            Flyway.configure().dataSource(postgres.jdbcUrl("cells"), LocalPostgres.USER, LocalPostgres.PASSWORD)
                    .schemas(schema).defaultSchema(schema).createSchemas(true).load().migrate();
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void cellsSummedFromTheRowsReadBackEqualTheCellsSummedInMemory() throws Exception {
        List<LeadFacts> leads = randomLeads(new Random(5), 400);
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("cells"), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            rebuild(c, "in_memory", leads, 1L << 30);
            rebuild(c, "read_back", leads, 1); // over the limit at once: every month is a range of its own
            for (String cube : List.of("cohort_cube", "conversion_cube", "velocity_cube")) {
                List<String> expected = rows(c, "in_memory." + cube);
                assertThat(expected).as(cube).hasSizeGreaterThan(300);
                assertThat(rows(c, "read_back." + cube)).as(cube).isEqualTo(expected);
            }
            assertThat(rows(c, "pg_tables WHERE schemaname = 'read_back' AND tablename LIKE '%spill'")).isEmpty();
        }
    }

    private static void rebuild(Connection c, String schema, List<LeadFacts> leads, long limitBytes) throws Exception {
        ProjectionTables tables = new ProjectionTables(schema);
        RebuildCells cells = new RebuildCells(tables, Stages.hotTargets(FUNNEL), limitBytes);
        for (int from = 0; from < leads.size(); from += 50) {
            List<LeadFacts> chunk = leads.subList(from, Math.min(leads.size(), from + 50));
            tables.insertNew(c, FUNNEL, chunk);
            cells.add(chunk);
        }
        cells.write(c);
    }

    /** Leads entering over about four months (weeks across month ends), moving on, skipping and recycling. */
    private static List<LeadFacts> randomLeads(Random random, int n) {
        List<String> open = FUNNEL.openStages();
        String[] channels = {"email", "paid", null};
        String[] segments = {"smb", "ent", null};
        List<LeadFacts> leads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String lead = "cells-" + i;
            Instant t = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(random.nextInt(120 * 86_400));
            LeadAttributes attributes = new LeadAttributes(channels[random.nextInt(3)], segments[random.nextInt(3)],
                    "owner", null);
            List<LeadStageChanged> events = new ArrayList<>();
            int stage = random.nextInt(3);
            events.add(Publisher.event(lead, open.get(stage), t, attributes));
            while (random.nextInt(4) != 0) {
                t = t.plusSeconds(random.nextInt(20 * 86_400));
                stage = Math.max(0, Math.min(open.size() - 1, stage + random.nextInt(4) - 1));
                events.add(Publisher.event(lead, random.nextInt(8) == 0 ? FUNNEL.wonStage() : open.get(stage), t,
                        LeadAttributes.NONE));
            }
            leads.add(LeadFacts.of(FUNNEL, lead, events));
        }
        return leads;
    }

    private static List<String> rows(Connection c, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.append(rs.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }
}
