package dev.l2r.tools;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a dataset CSV with a header into rows of column → value (empty values stay empty strings). */
final class DatasetRows {

    private DatasetRows() {
    }

    static List<Map<String, String>> read(Path file) {
        CsvMapper mapper = new CsvMapper();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            List<Map<String, String>> rows = new ArrayList<>();
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
