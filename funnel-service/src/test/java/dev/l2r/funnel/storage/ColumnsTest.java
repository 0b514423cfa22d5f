package dev.l2r.funnel.storage;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnsTest {

    @Test
    void timestampsAreWrittenAsPostgresqlReadsThemBackExactly() {
        assertThat(Columns.copyText(Instant.parse("2024-02-29T23:59:59Z"))).isEqualTo("2024-02-29 23:59:59+00");
        assertThat(Columns.copyText(Instant.parse("2024-03-01T00:00:00.000001Z"))).isEqualTo("2024-03-01 00:00:00.000001+00");
        assertThat(Columns.copyText(Instant.parse("1969-12-31T23:59:59.5Z"))).isEqualTo("1969-12-31 23:59:59.5+00");
        assertThat(Columns.copyText(LocalDate.of(2025, 1, 9))).isEqualTo("2025-01-09");
        // before the four-digit years, java.time's own form, which PostgreSQL reads too
        assertThat(Columns.copyText(Instant.parse("0999-01-01T00:00:00Z"))).isEqualTo("0999-01-01T00:00:00Z");
        // after them, the year in full without java.time's '+', which PostgreSQL would read as a time zone: the end
        // of a period to 9999-12-31
        assertThat(Columns.text(LocalDate.of(10_000, 1, 1))).isEqualTo("10000-01-01");
        assertThat(Columns.text(Instant.parse("+10000-01-01T00:00:00.5Z"))).isEqualTo("10000-01-01 00:00:00.5+00");
    }

    /** Against java.time's formatter, over random instants with every number of fraction digits. */
    @Test
    void timestampsAgreeWithJavaTime() {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            long seconds = Instant.parse("1990-01-01T00:00:00Z").getEpochSecond() + (long) (random.nextDouble() * 60 * 365 * 86_400L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000_000) * 1_000;
                case 2 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nano);
            String text = Columns.copyText(t);
            OffsetDateTime expected = t.atOffset(ZoneOffset.UTC);
            assertThat(text).startsWith(iso.format(expected)).endsWith("+00");
            String fraction = text.substring(19, text.length() - 3);
            long parsedNanos = fraction.isEmpty() ? 0 : Long.parseLong((fraction.substring(1) + "000000000").substring(0, 9));
            assertThat(parsedNanos).as(text).isEqualTo(nano);
        }
    }

    @Test
    void textIsEscapedOnlyWhereCopyNeedsIt() {
        assertThat(Columns.copyText("plain value")).isEqualTo("plain value");
        assertThat(Columns.copyText("a\\b\tc\nd\re")).isEqualTo("a\\\\b\\tc\\nd\\re");
        assertThat(Columns.copyText("{\"k\":\"x\\\"y\"}")).isEqualTo("{\"k\":\"x\\\\\"y\"}");
        assertThat(Columns.copyText(null)).isEqualTo("\\N");
        assertThat(Columns.copyText(true)).isEqualTo("t");
    }
}
