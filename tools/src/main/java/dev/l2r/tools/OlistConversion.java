package dev.l2r.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static dev.l2r.tools.DatasetRows.blankToNull;

/**
 * Olist marketing funnel: every MQL enters {@code MQL} at its {@code first_contact_date} (its {@code origin} as
 * channel, empty when the file has none; its landing page as campaign); every closed deal is {@code CLOSED_WON} at
 * its {@code won_date} (business segment as segment, the sales rep {@code sr_id} as owner). The lead id is
 * {@code mql_id}. There are no amounts: {@code declared_monthly_revenue} is not a deal value.
 */
public final class OlistConversion implements DatasetConversion {

    static final String FOLDER = "olist-marketing-funnel";

    @Override
    public String source() {
        return "olist";
    }

    @Override
    public Map<String, Long> convert(Path datasets, ImportCsvWriter out) throws IOException {
        Path folder = datasets.resolve(FOLDER);
        Map<String, Long> skipped = DatasetConversion.counts();
        for (Map<String, String> mql : DatasetRows.read(folder.resolve("olist_marketing_qualified_leads_dataset.csv"))) {
            String id = blankToNull(mql.get("mql_id"));
            String at = blankToNull(mql.get("first_contact_date"));
            if (id == null || at == null) {
                skipped.merge("MQL without mql_id or first_contact_date", 1L, Long::sum);
                continue;
            }
            out.write(new ImportCsvWriter.Row(id, "MQL", at, null, null, blankToNull(mql.get("origin")), null, null,
                    blankToNull(mql.get("landing_page_id")), "mql:" + id, "mql"));
        }
        for (Map<String, String> deal : DatasetRows.read(folder.resolve("olist_closed_deals_dataset.csv"))) {
            String id = blankToNull(deal.get("mql_id"));
            String at = blankToNull(deal.get("won_date"));
            if (id == null || at == null) {
                skipped.merge("closed deal without mql_id or won_date", 1L, Long::sum);
                continue;
            }
            out.write(new ImportCsvWriter.Row(id, "CLOSED_WON", at, null, null, null,
                    blankToNull(deal.get("business_segment")), blankToNull(deal.get("sr_id")), null, "won:" + id,
                    "won"));
        }
        return skipped;
    }
}
