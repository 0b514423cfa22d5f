package dev.l2r.tools;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** Writes lead-service's import CSV (the columns of {@code POST /api/imports}), one stage change per row. */
public final class ImportCsvWriter implements AutoCloseable {

    public static final List<String> COLUMNS = List.of("lead_id", "stage", "occurred_at", "amount", "currency",
            "channel", "segment", "owner", "campaign", "source_event_id", "raw_stage");

    /** One row; null values are written empty. */
    public record Row(String leadId, String stage, String occurredAt, String amount, String currency,
                      String channel, String segment, String owner, String campaign, String sourceEventId,
                      String rawStage) {
        Object[] values() {
            return new Object[]{leadId, stage, occurredAt, amount, currency, channel, segment, owner, campaign,
                    sourceEventId, rawStage};
        }
    }

    private final SequenceWriter out;
    private long rows;

    public ImportCsvWriter(Writer writer) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        this.out = new CsvMapper().writer(schema.build()).writeValues(writer);
    }

    public void write(Row row) throws IOException {
        out.write(row.values());
        rows++;
    }

    public long rows() {
        return rows;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
