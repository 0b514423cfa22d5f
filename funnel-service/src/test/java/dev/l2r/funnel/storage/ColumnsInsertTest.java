package dev.l2r.funnel.storage;

import dev.l2r.infra.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Columns sent as typed arrays (text, booleans and integers in binary, the rest as text cast in SQL) arrive in
 * PostgreSQL exactly as they were: nulls, characters an array literal or COPY would have to escape, fractions of a
 * second, numbers past a long (real PostgreSQL).
 */
class ColumnsInsertTest {

    private static LocalPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = LocalPostgres.start(Files.createTempDirectory("l2r-columns-"), 0, Map.of("fsync", "off"));
        postgres.createDatabaseIfMissing("columns");
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void everyTypeArrivesAsSent() throws Exception {
        List<String> types = List.of("text", "timestamptz", "date", "boolean", "bigint", "int2", "numeric");
        String[] texts = {"plain", null, "quote \" and \\ backslash", "{brace, comma}", "tab\tnew\nline", "NULL", "ünïcode ✓"};
        BigDecimal big = new BigDecimal(BigInteger.valueOf(Long.MAX_VALUE).multiply(BigInteger.TEN).add(BigInteger.ONE));
        Columns columns = new Columns(types.size());
        List<List<Object>> sent = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            List<Object> row = java.util.Arrays.asList(texts[i],
                    Instant.parse("2024-02-29T23:59:59Z").plusNanos(i * 123_457_000L),
                    LocalDate.of(2021 + i, 12, 31),
                    i % 2 == 0,
                    (long) i * 1_000_000_007L - 3,
                    (short) (i - 3),
                    i == 0 ? big : BigDecimal.valueOf(i));
            columns.add(row.toArray());
            sent.add(row);
        }
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("columns"), LocalPostgres.USER, LocalPostgres.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (n serial, a text, b timestamptz, c date, d boolean, e bigint, f int2, g numeric)");
            columns.insert(c, "INSERT INTO t (a, b, c, d, e, f, g) SELECT * FROM unnest(?::text[], ?::timestamptz[], "
                    + "?::date[], ?::boolean[], ?::bigint[], ?::int2[], ?::numeric[])", types);
            try (ResultSet rs = s.executeQuery("SELECT a, b, c, d, e, f, g FROM t ORDER BY n")) {
                for (List<Object> row : sent) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(row.get(0));
                    assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(row.get(1));
                    assertThat(rs.getObject(3, LocalDate.class)).isEqualTo(row.get(2));
                    assertThat(rs.getBoolean(4)).isEqualTo(row.get(3));
                    assertThat(rs.getLong(5)).isEqualTo(row.get(4));
                    assertThat(rs.getShort(6)).isEqualTo(row.get(5));
                    assertThat(rs.getBigDecimal(7)).isEqualByComparingTo((BigDecimal) row.get(6));
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
