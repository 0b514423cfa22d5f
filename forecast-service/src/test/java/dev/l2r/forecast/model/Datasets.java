package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two public datasets (docs/validation.md) read straight into the model's {@link History}, with the conversion
 * rules of the tools module's MavenCrmConversion and OlistConversion: every lead here has one open stage and at most
 * one close, so its history is one spell, one open interval, one close and one arrival, as the projection would make
 * them. Tests using it are skipped where the files are absent ({@code L2R_DATASETS}, else a {@code shared/datasets}
 * folder above the working directory).
 */
final class Datasets {

    private Datasets() {
    }

    /** The datasets' folder, or null when not found. */
    static Path root() {
        String env = System.getenv("L2R_DATASETS");
        if (env != null && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/datasets");
            if (Files.isDirectory(candidate.resolve("maven-crm-sales-opportunities"))) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Maven CRM: Engaging, Won and Lost opportunities enter OPPORTUNITY at engage_date (UTC midnight); Won/Lost ones
     * close at close_date with close_value in USD. Owner the sales agent, segment the product. Prospecting is skipped.
     */
    static History mavenCrm(Path root) {
        Builder b = new Builder();
        for (String[] row : rows(root.resolve("maven-crm-sales-opportunities/sales_pipeline.csv"))) {
            String stage = row[4];
            if (stage.equals("Prospecting") || row[5].isEmpty()) {
                continue;
            }
            String product = row[2].equals("GTXPro") ? "GTX Pro" : row[2];
            LeadAttributes attributes = new LeadAttributes(null, blank(product), blank(row[1]), null);
            Instant engaged = LocalDate.parse(row[5]).atStartOfDay(ZoneOffset.UTC).toInstant();
            boolean closed = stage.equals("Won") || stage.equals("Lost");
            Instant closedAt = closed ? LocalDate.parse(row[6]).atStartOfDay(ZoneOffset.UTC).toInstant() : null;
            b.lead(row[0], "OPPORTUNITY", engaged, closedAt,
                    !closed ? null : stage.equals("Won") ? StageOutcome.WON : StageOutcome.LOST,
                    closed ? new BigDecimal(row[7]) : null, attributes, attributes);
        }
        return b.history();
    }

    /**
     * Olist: each MQL enters MQL at first_contact_date with its origin as channel; a closed deal closes it
     * CLOSED_WON at won_date. Olist has no deal values, so the revenue question asked of it is the count of deals
     * won: each won deal is worth 1 (USD by convention). The one deal won before its first contact is left out.
     */
    static History olist(Path root) {
        Path folder = root.resolve("olist-marketing-funnel");
        Map<String, String[]> won = new HashMap<>();
        for (String[] row : rows(folder.resolve("olist_closed_deals_dataset.csv"))) {
            won.put(row[0], row);
        }
        DateTimeFormatter wonFormat = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        Builder b = new Builder();
        for (String[] row : rows(folder.resolve("olist_marketing_qualified_leads_dataset.csv"))) {
            Instant contact = LocalDate.parse(row[1]).atStartOfDay(ZoneOffset.UTC).toInstant();
            String[] deal = won.get(row[0]);
            Instant wonAt = deal == null ? null
                    : LocalDateTime.parse(deal[4], wonFormat).toInstant(ZoneOffset.UTC);
            if (wonAt != null && wonAt.isBefore(contact)) {
                continue;
            }
            // segment and owner become known only with the deal: the open lead has its channel alone
            LeadAttributes atContact = new LeadAttributes(row.length > 3 ? blank(row[3]) : null, null, null, null);
            LeadAttributes atWin = deal == null ? atContact
                    : new LeadAttributes(atContact.channel(), blank(deal[5]), blank(deal[3]), null);
            b.lead(row[0], "MQL", contact, wonAt, wonAt == null ? null : StageOutcome.WON,
                    wonAt == null ? null : BigDecimal.ONE, atContact, atWin);
        }
        return b.history();
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Data rows split on commas; the columns read here come before any quoted field. */
    private static List<String[]> rows(Path file) {
        try {
            return Files.readAllLines(file).stream().skip(1).map(String::strip).filter(l -> !l.isEmpty())
                    .map(l -> l.split(",", -1)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Leads with one open stage and at most one close, made into the model's history. */
    static final class Builder {
        private final List<OpenInterval> open = new ArrayList<>();
        private final List<Spell> spells = new ArrayList<>();
        private final List<Close> closes = new ArrayList<>();
        private final List<Arrival> arrivals = new ArrayList<>();

        void lead(String id, String stage, Instant entered, Instant closedAt, StageOutcome outcome, BigDecimal amount,
                  LeadAttributes attributes, LeadAttributes atClose) {
            open.add(new OpenInterval(new OpenLead(id, stage, entered, null, null, attributes), entered, closedAt));
            spells.add(new Spell(id, stage, entered, closedAt, outcome, attributes));
            if (closedAt != null) {
                closes.add(new Close(id, closedAt, outcome, amount, amount == null ? null : "USD", atClose,
                        entered));
            }
            arrivals.add(new Arrival(id, entered, stage, attributes));
        }

        History history() {
            return new History(open, spells, closes, arrivals);
        }
    }
}
