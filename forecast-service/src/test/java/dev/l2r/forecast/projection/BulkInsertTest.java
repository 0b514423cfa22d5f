package dev.l2r.forecast.projection;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class BulkInsertTest {

    static String copyText(Object v) {
        StringBuilder text = new StringBuilder();
        BulkInsert.appendCopyValue(text, v);
        return text.toString();
    }

    @Test
    void copyTextEscapesWhatDelimitsItAndWritesNullAsBackslashN() {
        assertThat(copyText(null)).isEqualTo("\\N");
        assertThat(copyText("\\N")).isEqualTo("\\\\N");
        assertThat(copyText("a\tb\nc\rd\\e")).isEqualTo("a\\tb\\nc\\rd\\\\e");
        assertThat(copyText("Darcel Schlecht")).isEqualTo("Darcel Schlecht");
        assertThat(copyText(new BigDecimal("1E+6"))).isEqualTo("1000000");
        assertThat(copyText(LocalDate.of(9999, 12, 31))).isEqualTo("9999-12-31");
    }
}
