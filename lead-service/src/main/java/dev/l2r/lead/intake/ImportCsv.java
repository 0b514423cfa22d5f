package dev.l2r.lead.intake;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the import CSV row by row with Jackson's streaming CSV parser, never holding more than one row: the
 * header {@code lead_id,stage,occurred_at} (any order, any case) plus optional columns. Each row is handed over
 * with its line number in the file (the header is line 1; a quoted value may span lines, the row then counts
 * from the line it starts on).
 */
public final class ImportCsv {

    public static final List<String> REQUIRED = List.of("lead_id", "stage", "occurred_at");
    public static final List<String> OPTIONAL = List.of("amount", "currency", "channel", "segment", "owner",
            "campaign", "source_event_id", "raw_stage");

    /** The CSV column that holds each field of a stage change, for naming it in a rejection. */
    static final Map<String, String> COLUMN_OF_FIELD = Map.ofEntries(
            Map.entry("leadId", "lead_id"), Map.entry("toStage", "stage"), Map.entry("occurredAt", "occurred_at"),
            Map.entry("sourceEventId", "source_event_id"), Map.entry("rawStage", "raw_stage"),
            Map.entry("attributes.channel", "channel"), Map.entry("attributes.segment", "segment"),
            Map.entry("attributes.owner", "owner"), Map.entry("attributes.campaign", "campaign"));

    private static final CsvMapper MAPPER = new CsvMapper();

    /** What is done with each row. */
    public interface Rows {
        /** A row, its values by (lower-case) column name; absent trailing values are empty. */
        void row(long line, Map<String, String> values);

        /** A row that could not be read as one. */
        void unreadable(long line, String error);
    }

    private ImportCsv() {
    }

    /**
     * Reads the whole body. A header problem refuses the import (400) before any row is taken; a row with too many
     * values is handed to {@link Rows#unreadable}; broken quoting ends the reading at that row.
     */
    public static void read(InputStream body, Rows rows) throws IOException {
        Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8);
        try (CsvParser parser = MAPPER.getFactory().createParser(reader)) {
            parser.setSchema(CsvSchema.emptySchema());
            parser.enable(CsvParser.Feature.TRIM_SPACES);
            List<String> header = readHeader(parser);
            long line = 0;
            while (true) {
                List<String> values = new ArrayList<>(header.size());
                try {
                    JsonToken token = parser.nextToken();
                    if (token == null) {
                        return;
                    }
                    while ((token = parser.nextToken()) == JsonToken.VALUE_STRING) {
                        if (values.isEmpty()) {
                            // the row's line is where its first value starts
                            line = lineOf(parser.currentTokenLocation());
                        }
                        values.add(parser.getText());
                    }
                } catch (JsonProcessingException e) {
                    rows.unreadable(line == 0 ? lineOf(e.getLocation()) : line,
                            "malformed CSV (" + e.getOriginalMessage() + "); the rest of the file was not read");
                    return;
                }
                if (values.size() == 1 && values.get(0).isEmpty()) {
                    continue; // a blank line
                }
                if (values.size() > header.size()) {
                    rows.unreadable(line, "has " + values.size() + " values but the header has " + header.size()
                            + " columns");
                    continue;
                }
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i), i < values.size() ? values.get(i) : "");
                }
                rows.row(line, row);
            }
        }
    }

    private static List<String> readHeader(CsvParser parser) throws IOException {
        List<String> header = new ArrayList<>();
        try {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw RejectedInput.badRequest(Reason.MALFORMED, "header",
                        "the body is empty; a CSV with the header " + String.join(",", REQUIRED) + " is expected");
            }
            while (parser.nextToken() == JsonToken.VALUE_STRING) {
                header.add(parser.getText().replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT));
            }
        } catch (JsonProcessingException e) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "header", "malformed CSV: " + e.getOriginalMessage());
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (String column : header) {
            if (!REQUIRED.contains(column) && !OPTIONAL.contains(column)) {
                throw RejectedInput.badRequest(Reason.MALFORMED, "header", "unknown column '" + column
                        + "'; the columns are " + String.join(",", REQUIRED) + " and optionally "
                        + String.join(",", OPTIONAL));
            }
            if (seen.merge(column, 1, Integer::sum) > 1) {
                throw RejectedInput.badRequest(Reason.MALFORMED, "header", "column '" + column + "' appears twice");
            }
        }
        for (String column : REQUIRED) {
            if (!seen.containsKey(column)) {
                throw RejectedInput.badRequest(Reason.MALFORMED, "header", "the required column '" + column
                        + "' is missing; the header must name " + String.join(",", REQUIRED));
            }
        }
        return header;
    }

    private static long lineOf(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }
}
