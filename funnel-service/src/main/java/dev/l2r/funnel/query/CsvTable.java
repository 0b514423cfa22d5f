package dev.l2r.funnel.query;

import java.util.List;

/** An answer that can also be given as CSV ({@code Accept: text/csv}): one header, then rows. */
public interface CsvTable {

    List<String> csvHeader();

    List<List<Object>> csvRows();
}
