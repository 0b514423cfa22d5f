package dev.l2r.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The conversion rules on small hand-written samples in the datasets' own layout (not the datasets). */
class ConversionTest {

    @TempDir
    Path datasets;

    @Test
    void olistMqlsAndWinsKeepAnEmptyOriginEmpty() throws IOException {
        Path folder = Files.createDirectories(datasets.resolve(OlistConversion.FOLDER));
        Files.writeString(folder.resolve("olist_marketing_qualified_leads_dataset.csv"), """
                mql_id,first_contact_date,landing_page_id,origin
                m1,2018-02-01,lp1,social
                m2,2017-10-20,lp2,
                """);
        Files.writeString(folder.resolve("olist_closed_deals_dataset.csv"), """
                mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type,lead_behaviour_profile,has_company,has_gtin,average_stock,business_type,declared_product_catalog_size,declared_monthly_revenue
                m1,s1,d1,r1,2018-02-26 19:58:54,pet,online_medium,"cat, wolf",,,,reseller,,0.0
                """);
        StringWriter out = new StringWriter();
        Map<String, Long> skipped;
        try (ImportCsvWriter csv = new ImportCsvWriter(out)) {
            skipped = new OlistConversion().convert(datasets, csv);
        }
        assertThat(skipped).isEmpty();
        assertThat(out.toString().lines()).containsExactly(
                "lead_id,stage,occurred_at,amount,currency,channel,segment,owner,campaign,source_event_id,raw_stage",
                "m1,MQL,2018-02-01,,,social,,,lp1,mql:m1,mql",
                "m2,MQL,2017-10-20,,,,,,lp2,mql:m2,mql",
                "m1,CLOSED_WON,\"2018-02-26 19:58:54\",,,,pet,r1,,won:m1,won");
    }

    @Test
    void mavenCrmSkipsProspectingAndClosesWonAndLostWithTheirValue() throws IOException {
        Path folder = Files.createDirectories(datasets.resolve(MavenCrmConversion.FOLDER));
        Files.writeString(folder.resolve("sales_pipeline.csv"), """
                opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r
                O1,Moses Frase,GTXPro,Cancity,Won,2016-10-20,2017-03-01,1054\r
                O2,Anna Snelling,MG Special,,Engaging,2017-01-05,,\r
                O3,Anna Snelling,MG Special,Betatech,Lost,2017-02-05,2017-04-01,0\r
                O4,Anna Snelling,MG Special,,Prospecting,,,\r
                """);
        Files.writeString(folder.resolve("accounts.csv"), """
                account,sector,year_established,revenue,employees,office_location,subsidiary_of\r
                Cancity,retail,2001,718.62,2448,United States,\r
                Betatech,medical,1986,647.18,1185,Kenya,\r
                """);
        StringWriter out = new StringWriter();
        Map<String, Long> skipped;
        try (ImportCsvWriter csv = new ImportCsvWriter(out)) {
            skipped = new MavenCrmConversion(MavenCrmConversion.Segment.PRODUCT).convert(datasets, csv);
        }
        assertThat(skipped).containsExactly(Map.entry("Prospecting (no date to record)", 1L));
        assertThat(out.toString().lines()).containsExactly(
                "lead_id,stage,occurred_at,amount,currency,channel,segment,owner,campaign,source_event_id,raw_stage",
                "O1,OPPORTUNITY,2016-10-20,,,,\"GTX Pro\",\"Moses Frase\",,O1:engaging,Engaging",
                "O1,CLOSED_WON,2017-03-01,1054,USD,,\"GTX Pro\",\"Moses Frase\",,O1:won,Won",
                "O2,OPPORTUNITY,2017-01-05,,,,\"MG Special\",\"Anna Snelling\",,O2:engaging,Engaging",
                "O3,OPPORTUNITY,2017-02-05,,,,\"MG Special\",\"Anna Snelling\",,O3:engaging,Engaging",
                "O3,CLOSED_LOST,2017-04-01,0,USD,,\"MG Special\",\"Anna Snelling\",,O3:lost,Lost");

        StringWriter bySector = new StringWriter();
        try (ImportCsvWriter csv = new ImportCsvWriter(bySector)) {
            new MavenCrmConversion(MavenCrmConversion.Segment.SECTOR).convert(datasets, csv);
        }
        assertThat(bySector.toString().lines()).element(1).asString().contains(",retail,");
        assertThat(bySector.toString().lines()).element(3).asString().contains(",,,,,\"Anna Snelling\"");
    }
}
