package dev.l2r.lead.intake;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportCsvTest {

    record Row(long line, Map<String, String> values, String error) {
    }

    static List<Row> read(String csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        ImportCsv.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), new ImportCsv.Rows() {
            @Override
            public void row(long line, Map<String, String> values) {
                rows.add(new Row(line, values, null));
            }

            @Override
            public void unreadable(long line, String error) {
                rows.add(new Row(line, null, error));
            }
        });
        return rows;
    }

    @Test
    void rowsCarryTheirLineInTheFileCountingTheHeaderAndQuotedLineBreaks() throws IOException {
        List<Row> rows = read("""
                \uFEFFLead_ID, stage ,occurred_at,campaign
                a,MQL,2025-01-01,"spring, 2025"
                b,SQL,2025-01-02,"two
                lines"

                c,OPPORTUNITY,2025-01-03
                d,MQL,2025-01-04,x,extra
                """.replace("\n", "\r\n"));
        assertThat(rows).extracting(Row::line).containsExactly(2L, 3L, 6L, 7L);
        assertThat(rows.get(0).values()).containsEntry("lead_id", "a").containsEntry("campaign", "spring, 2025");
        assertThat(rows.get(1).values()).containsEntry("campaign", "two\r\nlines");
        assertThat(rows.get(2).values()).containsEntry("campaign", "").containsEntry("stage", "OPPORTUNITY");
        assertThat(rows.get(3).error()).contains("5 values", "4 columns");
    }

    @Test
    void brokenQuotingEndsTheReadingWithARejection() throws IOException {
        List<Row> rows = read("lead_id,stage,occurred_at\na,MQL,2025-01-01\nb,\"SQL,2025-01-02\nc,MQL,2025-01-03\n");
        assertThat(rows.get(0).values()).containsEntry("lead_id", "a");
        assertThat(rows).last().satisfies(r -> {
            assertThat(r.error()).contains("malformed CSV");
            assertThat(r.line()).isEqualTo(3L);
        });
    }

    @Test
    void headerProblemsRefuseTheWholeFileNamingTheColumn() {
        assertThatThrownBy(() -> read("lead_id,stage\na,MQL\n")).isInstanceOf(RejectedInput.class)
                .hasMessageContaining("occurred_at");
        assertThatThrownBy(() -> read("lead_id,stage,occured_at\n")).isInstanceOf(RejectedInput.class)
                .hasMessageContaining("unknown column 'occured_at'");
        assertThatThrownBy(() -> read("lead_id,stage,occurred_at,stage\n")).isInstanceOf(RejectedInput.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> read("")).isInstanceOf(RejectedInput.class).hasMessageContaining("empty");
    }
}
