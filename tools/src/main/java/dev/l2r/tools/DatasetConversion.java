package dev.l2r.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** A public dataset turned into import rows; {@code skipped} says how many source rows were left out, and why. */
public interface DatasetConversion {

    /** The source name the rows are imported under. */
    String source();

    /** Writes the rows; answers the count of source rows left out, by rule. */
    Map<String, Long> convert(Path datasets, ImportCsvWriter out) throws IOException;

    static Map<String, Long> counts() {
        return new TreeMap<>();
    }
}
