package dev.l2r.funnel.projection;

import dev.l2r.funnel.metrics.Velocity;
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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rebuild whose cells do not fit in memory spills partial sums and adds them up in PostgreSQL: the cubes must
 * come out exactly as when every cell is summed in memory and copied once (real PostgreSQL, the real migrations).
 */
class SpilledCellsTest {

    private static LocalPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = LocalPostgres.start(Files.createTempDirectory("l2r-spill-"), 0, Map.of("fsync", "off"));
        postgres.createDatabaseIfMissing("spill");
        for (String schema : List.of("whole", "spilled")) {
            Flyway.configure().dataSource(postgres.jdbcUrl("spill"), LocalPostgres.USER, LocalPostgres.PASSWORD)
                    .schemas(schema).defaultSchema(schema).createSchemas(true).load().migrate();
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void spilledPartialSumsAddUpToTheCellsSummedAtOnce() throws Exception {
        Random random = new Random(11);
        CellSums whole = new CellSums();
        List<CellSums> parts = List.of(new CellSums(), new CellSums(), new CellSums());
        String[] stages = {"MQL", "SAL", "SQL"};
        String[] attributes = {"a", "b", null};
        LocalDate start = LocalDate.of(2024, 1, 1);
        for (int i = 0; i < 3_000; i++) {
            LocalDate day = start.plusDays(random.nextInt(70));
            String stage = stages[random.nextInt(stages.length)];
            boolean skipped = random.nextBoolean();
            String channel = attributes[random.nextInt(3)];
            String segment = attributes[random.nextInt(3)];
            long velocity = (long) (random.nextDouble() * 40 * Velocity.MICROS_PER_DAY);
            CellSums part = parts.get(random.nextInt(parts.size()));
            for (CellSums sums : List.of(whole, part)) {
                sums.addEntry(1, stage, day, skipped, channel, segment);
                sums.addConversion(1, stage, "CLOSED_WON", day, skipped, velocity, channel, segment);
            }
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("spill"), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            new ProjectionTables("whole").copyCells(c, whole);
            ProjectionTables spilled = new ProjectionTables("spilled");
            for (CellSums part : parts) {
                spilled.spillCells(c, part);
            }
            spilled.mergeSpilledCells(c);

            for (String cube : List.of("cohort_cube", "conversion_cube", "velocity_cube")) {
                List<String> expected = rows(c, "whole." + cube);
                assertThat(expected).as(cube).hasSizeGreaterThan(100);
                assertThat(rows(c, "spilled." + cube)).as(cube).isEqualTo(expected);
            }
            assertThat(rows(c, "pg_tables WHERE schemaname = 'spilled' AND tablename LIKE '%spill'")).isEmpty();
        }
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
