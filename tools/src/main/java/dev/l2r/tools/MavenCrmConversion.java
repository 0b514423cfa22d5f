package dev.l2r.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static dev.l2r.tools.DatasetRows.blankToNull;

/**
 * Maven Analytics CRM sales opportunities: an opportunity in {@code Engaging}, {@code Won} or {@code Lost}
 * entered {@code OPPORTUNITY} at its {@code engage_date}; a won or lost one then closed {@code CLOSED_WON} or
 * {@code CLOSED_LOST} at its {@code close_date} with {@code close_value} in USD. The lead id is
 * {@code opportunity_id}, the sales agent is the owner, and the segment is the product (spelled as in
 * products.csv) or, with {@code segment=sector}, the account's sector. {@code Prospecting} rows carry no date at
 * all, so there is no event time to record: they are skipped and counted.
 */
public final class MavenCrmConversion implements DatasetConversion {

    static final String FOLDER = "maven-crm-sales-opportunities";

    /** What the segment attribute holds. */
    public enum Segment {
        PRODUCT, SECTOR
    }

    private final Segment segment;

    public MavenCrmConversion(Segment segment) {
        this.segment = segment;
    }

    @Override
    public String source() {
        return "maven-crm";
    }

    @Override
    public Map<String, Long> convert(Path datasets, ImportCsvWriter out) throws IOException {
        Path folder = datasets.resolve(FOLDER);
        Map<String, String> sectors = new HashMap<>();
        if (segment == Segment.SECTOR) {
            for (Map<String, String> account : DatasetRows.read(folder.resolve("accounts.csv"))) {
                sectors.put(account.get("account"), blankToNull(account.get("sector")));
            }
        }
        Map<String, Long> skipped = DatasetConversion.counts();
        for (Map<String, String> row : DatasetRows.read(folder.resolve("sales_pipeline.csv"))) {
            String id = blankToNull(row.get("opportunity_id"));
            String stage = blankToNull(row.get("deal_stage"));
            String engaged = blankToNull(row.get("engage_date"));
            if (id == null || stage == null) {
                skipped.merge("row without opportunity_id or deal_stage", 1L, Long::sum);
                continue;
            }
            if (stage.equals("Prospecting")) {
                skipped.merge("Prospecting (no date to record)", 1L, Long::sum);
                continue;
            }
            if (engaged == null) {
                skipped.merge(stage + " without engage_date", 1L, Long::sum);
                continue;
            }
            String owner = blankToNull(row.get("sales_agent"));
            String seg = segment == Segment.SECTOR ? sectors.get(row.get("account")) : product(row.get("product"));
            out.write(new ImportCsvWriter.Row(id, "OPPORTUNITY", engaged, null, null, null, seg, owner, null,
                    id + ":engaging", "Engaging"));
            if (stage.equals("Won") || stage.equals("Lost")) {
                String closed = blankToNull(row.get("close_date"));
                if (closed == null) {
                    skipped.merge(stage + " without close_date (opportunity kept)", 1L, Long::sum);
                    continue;
                }
                out.write(new ImportCsvWriter.Row(id, stage.equals("Won") ? "CLOSED_WON" : "CLOSED_LOST", closed,
                        blankToNull(row.get("close_value")), "USD", null, seg, owner, null,
                        id + ":" + stage.toLowerCase(), stage));
            } else if (!stage.equals("Engaging")) {
                skipped.merge("unknown deal_stage " + stage + " (opportunity kept)", 1L, Long::sum);
            }
        }
        return skipped;
    }

    /** The pipeline spells "GTXPro" where products.csv has "GTX Pro". */
    static String product(String product) {
        String p = blankToNull(product);
        return "GTXPro".equals(p) ? "GTX Pro" : p;
    }
}
